"""Exact amounts: parsing printed numbers into `Decimal` and converting between units.

Money is never a float here. A table prints amounts in 元 or 万元; budgetkit keeps every
amount as a `Decimal` in 万元 (exact: 1 元 = 0.0001 万元) and remembers the printed unit so
rounding tolerances can be judged in the unit the document used.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation

from .errors import MalformedNumber

#: One 分 of 万元 tables (and of 元 tables): the rounding step of two-decimal figures.
CENT = Decimal("0.01")

#: Printed unit → factor that turns it into 万元.
UNITS: dict[str, Decimal] = {
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "万元": Decimal(1),
    "亿元": Decimal(10000),
}

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－％", "0123456789.,-%")
_PLACEHOLDERS = {"", "-", "—", "--", "——", "/", "－", "…"}
_NUMBER = re.compile(r"^[+-]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$")
#: Spaces a cell's text may carry inside a number: ASCII, no-break, thin, narrow no-break,
#: figure and ideographic spaces (thousands separators printed as a space, PDF text pieces).
_SPACE = re.compile(r"[ \u00a0\u2002-\u200a\u202f\u3000]+")
_SPACED_GROUPS = re.compile(r"^[+-]?[0-9]{1,3}(?:[ ,][0-9]{3})+(?:\.[0-9]+)?$")

#: Bounds of a printed amount: at most 15 digits before the point (10^15 元 is ten times
#: China's GDP) and 8 after it. Within them every amount has at most 23 significant digits in
#: any unit (元→万元 only moves the point), so sums of up to 10^5 of them stay exact in
#: Decimal's default 28-digit context. A longer cell is not a figure: MalformedNumber.
MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 8


def ascii_digits(text: str) -> str:
    """Full-width digits and punctuation (０-９．，－％) to ASCII, nothing else changed."""
    return text.translate(_FULLWIDTH)


def normalise_digits(text: str) -> str:
    """Full-width digits and punctuation to ASCII; spaces removed where they are layout.

    A space inside a number is layout only beside its decimal point or a comma (a PDF text
    layer may split "12,672" and ".73" into two pieces), after a sign, or as a thousands
    separator ("12 672.73": every group after the first has three digits). Any other space
    between digits ("4 96") is kept, so the text is not a number and is reported as
    malformed instead of read as 496.
    """
    s = _SPACE.sub(" ", text.translate(_FULLWIDTH)).strip()
    if " " not in s:
        return s
    s = re.sub(r" ?([.,]) ?", r"\1", s)
    s = re.sub(r"^([+-]) ", r"\1", s)
    if _SPACED_GROUPS.match(s):
        s = s.replace(" ", ",")
    return s


def _strip_unit(s: str) -> str:
    for unit in ("万元", "元"):
        if s.endswith(unit):
            return s[: -len(unit)].rstrip()
    return s


def _number_text(text: str) -> str | None:
    """The ASCII number of a cell without unit and separators, or None if it is not one."""
    s = _strip_unit(normalise_digits(text))
    if not _NUMBER.match(s):
        return None
    whole, _, frac = s.lstrip("+-").replace(",", "").partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or len(frac) > MAX_FRACTION_DIGITS:
        return None
    return s.replace(",", "")


def parse_amount(text: str | None, where: str = "") -> Decimal | None:
    """Printed amount → Decimal, or None for a blank or placeholder cell.

    Accepts thousands separators (commas or spaces), full-width digits and a trailing 万元/元.
    Anything else that is not a number, and numbers beyond `MAX_INTEGER_DIGITS` /
    `MAX_FRACTION_DIGITS`, raise `MalformedNumber` (never a silent wrong value).
    """
    if text is None:
        return None
    if _strip_unit(normalise_digits(text)) in _PLACEHOLDERS:
        return None
    s = _number_text(text)
    if s is None:
        raise MalformedNumber(text, where)
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise MalformedNumber(text, where) from exc


def looks_like_amount(text: str) -> bool:
    """True when a cell is a printed number that `parse_amount` reads (data cells vs labels)."""
    return _number_text(text) is not None


def to_wan(amount: Decimal, unit: str) -> Decimal:
    """Convert an amount printed in `unit` to 万元, exactly."""
    return amount * UNITS[unit]


_CONTEXT = Context(prec=28)


def fmt_wan(amount: Decimal | None) -> str | None:
    """万元 amount → exact decimal string without exponent and trailing zeros beyond 分.

    Keeps at least two decimals (the printed precision of 万元 tables) and more when the
    amount came from 元 (e.g. 37151.4655).
    """
    if amount is None:
        return None
    if not amount.is_finite():
        return str(amount)
    digits = max(len(amount.as_tuple().digits), amount.adjusted() + 3)
    # a context wide enough for every digit (the default 28 would raise or round)
    ctx = _CONTEXT if digits <= _CONTEXT.prec else Context(prec=digits)
    cents = amount.quantize(CENT, context=ctx)
    q = cents if amount == cents else amount.normalize(ctx)
    return format(q, "f")
