"""Profile (概况) checks: the staffing figures add up and agree with the narrative.

`profile.staff.sum` (error): 实有人数 = 在职 + 退休 + 离休 is an arithmetic identity of one
sentence; a difference is a wrong figure.

`profile.retirees.increase` / `profile.staff.increase` (warning): the 概况 states the year's
change in headcount (退休 3 人，增加 3 人) and the narrative explains budget changes with a
count of its own (退休人员增加 2 名). In the seed these disagree. It is a warning, not an error:
the two counts need not be the same quantity (the 概况 counts people on the roll at a date, the
narrative may count only the retirees whose costs enter this budget, e.g. under 事业单位离退休),
no money figure depends on them, and the document cannot show which one is wrong. An analyst
must look at it; an automated run should not fail a disclosure on it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..catalog.rules import finding
from ..model import Finding, Parsed

#: (rule, 概况 category, narrative fact items for an increase and a decrease, label)
INCREASES = (
    ("profile.retirees.increase", "退休", "retirees_increase", "retirees_decrease", "退休人员"),
    ("profile.staff.increase", "在职", "staff_increase", "staff_decrease", "在职人员"),
)
PARTS = ("在职", "退休", "离休")


def check(parsed: Parsed) -> Iterator[Finding]:
    prof = parsed.profile
    if prof is None or not prof.staffing:
        return
    src = parsed.meta.source
    by = {s.category: s for s in prof.staffing}
    total = by.get("实有人数")
    parts = [by[c] for c in PARTS if c in by]
    if total and parts:
        n = sum(s.count for s in parts)
        if n != total.count:
            listing = "+".join(f"{s.category}{s.count}" for s in parts)
            yield finding(
                "profile.staff.sum",
                src,
                total.line,
                expected=str(n),
                actual=str(total.count),
                total=total.count,
                listing=listing,
                sum=n,
            )
    for rule, category, up, down, label in INCREASES:
        stated = by.get(category)
        if stated is None or stated.increase is None:
            continue
        mentions = [
            (f, int(f.value) * (1 if f.item == up else -1))
            for f in parsed.facts
            if f.topic == "staffing" and f.item in (up, down)
        ]
        wrong = [(f, v) for f, v in mentions if v != stated.increase]
        if not wrong:
            continue
        f, v = wrong[0]
        yield finding(
            rule,
            src,
            f.line,
            expected=str(stated.increase),
            actual=str(v),
            category=category,
            count=stated.count,
            increase=stated.increase,
            stated_at=stated.line.where(),
            label=label,
            value=v,
            n=len(wrong),
            first_at=f.line.where(),
            quote=f.sentence[:60],
        )
