"""Comparison across departments of a corpus (`budgetkit corpus build`): pure functions → DataFrames.

    c = budgetkit.corpus.open("corpus/")
    peers = departments(c, region="上海市普陀区", year=2025)   one row per department
    ranking(peers, "total")                                  sorted, with rank and share of the sum
    position(peers, "上海市普陀区司法局")                    its rank among its peers, per measure
    panel(c, region="上海市普陀区")                           department × year, long
    constant_prices(panel_df, base_year=2024)                 amounts deflated by the CPI (data/cpi.toml)

One document per department and year is compared: the 部门 (department-wide) document where
there is one, else the 单位 one; a document whose tables could not be read (a text dump) is
used only when it is the only one. Money stays `Decimal` 万元; shares, growth rates and
per-staff figures are floats (percent or 万元 per person), None where there is no base.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from importlib import resources

import pandas as pd

#: Measures of `departments` (column → Chinese label), in the order reports show them.
MEASURES = {
    "total": "支出合计",
    "growth": "比上年增长（%）",
    "basic": "基本支出",
    "project": "项目支出",
    "basic_pct": "基本支出占比（%）",
    "project_pct": "项目支出占比（%）",
    "personnel": "人员经费",
    "public": "公用经费",
    "personnel_pct": "人员经费占基本支出（%）",
    "public_pct": "公用经费占基本支出（%）",
    "three_public": "“三公”经费",
    "three_public_change": "“三公”经费增减",
    "operating_costs": "机关运行经费",
    "staff": "在职人数",
    "per_staff": "人均支出（万元/人）",
    "per_staff_public": "人均公用经费（万元/人）",
    "errors": "错误",
    "warnings": "警告",
}
#: Measures where a smaller value ranks first (none yet: every ranking is largest first).
_ASCENDING: set[str] = set()
_SCOPE_ORDER = {"department": 0, "unit": 1}


def _dec(v) -> Decimal | None:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    return v if isinstance(v, Decimal) else Decimal(str(v))


def _pct(part, whole) -> float | None:
    part, whole = _dec(part), _dec(whole)
    if part is None or not whole:
        return None
    return float(part / whole * 100)


def choose(documents: pd.DataFrame) -> pd.DataFrame:
    """One document per (department_key, year): 部门 before 单位, a readable one before a
    text dump (no tables), fewer errors first; ties by document key (stable)."""
    if documents.empty:
        return documents
    d = documents.copy()
    d["_scope"] = d["scope"].map(_SCOPE_ORDER).fillna(2)
    d["_tables"] = d["expenditure_total"].isna().astype(int)
    d = d.sort_values(["department_key", "year", "_tables", "_scope", "errors", "document"])
    d = d.drop_duplicates(["department_key", "year"], keep="first")
    return d.drop(columns=["_scope", "_tables"]).reset_index(drop=True)


def _values(corpus, docs: list[str]) -> pd.DataFrame:
    """Per document: personnel/public (一般公共预算基本支出 合计), 机关运行经费, 在职人数,
    last year's 三公 as the narrative states it."""
    if not docs:
        return pd.DataFrame(columns=["document"])
    ids = ", ".join("'" + d.replace("'", "''") + "'" for d in docs)
    q = corpus.sql(
        f"""
        WITH basic AS (
          SELECT document,
                 max(amount) FILTER (WHERE measure = 'personnel') AS personnel,
                 max(amount) FILTER (WHERE measure = 'public') AS public
          FROM amounts WHERE "table" = 'gpb_basic' AND item = 'total' AND code IS NULL
            AND document IN ({ids}) GROUP BY document),
        oc_table AS (
          SELECT document, max(amount) AS oc FROM amounts
          WHERE "table" = 'three_public' AND item = 'operating_costs' AND measure = 'total'
            AND document IN ({ids}) GROUP BY document),
        oc_text AS (
          SELECT document, max(value) AS oc FROM facts
          WHERE topic = 'operating_costs' AND item = 'amount' AND document IN ({ids})
          GROUP BY document),
        staff AS (
          SELECT document, coalesce(max("count") FILTER (WHERE category = '在职'),
                                    max("count") FILTER (WHERE category = '实有人数')) AS staff
          FROM staffing WHERE document IN ({ids}) GROUP BY document),
        tp AS (
          SELECT document, max(change) AS three_public_stated_change FROM statements
          WHERE topic = 'three_public.total' AND document IN ({ids}) GROUP BY document)
        SELECT d.document, basic.personnel, basic.public,
               coalesce(oc_table.oc, CAST(oc_text.oc AS DECIMAL(20, 6))) AS operating_costs,
               staff.staff, tp.three_public_stated_change
        FROM documents d
        LEFT JOIN basic USING (document) LEFT JOIN oc_table USING (document)
        LEFT JOIN oc_text USING (document) LEFT JOIN staff USING (document)
        LEFT JOIN tp USING (document)
        WHERE d.document IN ({ids})
        """
    )
    return q


def departments(corpus, region: str | None = None, year: int | None = None) -> pd.DataFrame:
    """One row per department of `region` (all regions when None) in `year` (when None: the
    year with the most departments, the latest of those): every measure of `MEASURES`, with the prior year's
    document (same department key) for growth and the 三公 change."""
    docs = corpus.documents
    if region:
        docs = docs[docs["region"] == region]
    docs = choose(docs[docs["kind"] == "budget"]) if "kind" in docs else choose(docs)
    if docs.empty:
        return pd.DataFrame(columns=["department_key", "department", "year", *MEASURES])
    if year is None:
        counts = docs["year"].value_counts()
        year = int(max(counts.index, key=lambda y: (counts[y], y)))
    this = docs[docs["year"] == year]
    prior = docs[docs["year"] == year - 1].set_index("department_key")
    vals = _values(corpus, list(this["document"])).set_index("document")
    rows = []
    for d in this.itertuples(index=False):
        v = vals.loc[d.document] if d.document in vals.index else {}
        get = lambda k, v=v: v[k] if k in v and not pd.isna(v[k]) else None  # noqa: E731
        total, basic, project = (
            _dec(d.expenditure_total),
            _dec(d.basic_expenditure),
            _dec(d.project_expenditure),
        )
        personnel, public = _dec(get("personnel")), _dec(get("public"))
        tp = _dec(d.three_public_total)
        p = prior.loc[d.department_key] if d.department_key in prior.index else None
        prior_total = _dec(p["expenditure_total"]) if p is not None else None
        prior_tp = _dec(p["three_public_total"]) if p is not None else None
        stated = _dec(get("three_public_stated_change"))
        staff = get("staff")
        staff = int(staff) if staff else None
        rows.append(
            {
                "document": d.document,
                "department_key": d.department_key,
                "department": d.department,
                "region": d.region,
                "year": int(d.year),
                "scope": d.scope,
                "total": total,
                "growth": (
                    _pct(total - prior_total, prior_total)
                    if total is not None and prior_total
                    else None
                ),
                "basic": basic,
                "project": project,
                "basic_pct": _pct(basic, total),
                "project_pct": _pct(project, total),
                "personnel": personnel,
                "public": public,
                "personnel_pct": _pct(personnel, basic),
                "public_pct": _pct(public, basic),
                "three_public": tp,
                "three_public_change": (
                    tp - prior_tp if tp is not None and prior_tp is not None else stated
                ),
                "three_public_change_from": (
                    "prior document"
                    if tp is not None and prior_tp is not None
                    else ("narrative" if stated is not None else None)
                ),
                "operating_costs": _dec(get("operating_costs")),
                "staff": staff,
                "per_staff": float(total / staff) if total is not None and staff else None,
                "per_staff_public": float(public / staff) if public is not None and staff else None,
                "errors": int(d.errors),
                "warnings": int(d.warnings),
            }
        )
    return pd.DataFrame(rows)


def ranking(peers: pd.DataFrame, measure: str = "total") -> pd.DataFrame:
    """Departments sorted by `measure` (largest first; missing last), with `rank` (1 = first,
    ties share a rank) and, for money, `share` of the peers' sum in percent."""
    df = peers[["department_key", "department", "year", measure]].copy()
    key = df[measure].map(lambda v: float(v) if v is not None and not pd.isna(v) else None)
    df["_k"] = key
    df = df.sort_values("_k", ascending=measure in _ASCENDING, na_position="last")
    df["rank"] = df["_k"].rank(method="min", ascending=measure in _ASCENDING).astype("Int64")
    if df[measure].map(lambda v: isinstance(v, Decimal)).any():
        total = sum((v for v in df[measure] if isinstance(v, Decimal)), Decimal(0))
        df["share"] = [_pct(v, total) if isinstance(v, Decimal) else None for v in df[measure]]
    return df.drop(columns="_k").reset_index(drop=True)


def position(peers: pd.DataFrame, department_key: str) -> pd.DataFrame:
    """Where one department stands among its peers, measure by measure: its value, rank,
    number of peers with the figure, the peers' median and its percentile (100 = largest)."""
    rows = []
    for m, label in MEASURES.items():
        if m not in peers:
            continue
        r = ranking(peers, m)
        have = r[r[m].map(lambda v: v is not None and not pd.isna(v))]
        mine = r[r["department_key"] == department_key]
        if mine.empty:
            continue
        value = mine.iloc[0][m]
        nums = sorted(float(v) for v in have[m])
        median = None
        if nums:
            mid = len(nums) // 2
            median = nums[mid] if len(nums) % 2 else (nums[mid - 1] + nums[mid]) / 2
        has = value is not None and not pd.isna(value)
        pct = None
        if has and len(nums) > 1:
            pct = sum(1 for x in nums if x <= float(value)) / len(nums) * 100
        rows.append(
            {
                "measure": m,
                "label": label,
                "value": value if has else None,
                "rank": int(mine.iloc[0]["rank"]) if has else pd.NA,
                "of": len(have),
                "median": median,
                "percentile": pct,
            }
        )
    out = pd.DataFrame(
        rows, columns=["measure", "label", "value", "rank", "of", "median", "percentile"]
    )
    return out.astype({"rank": "Int64"})


#: Measures of the panel across years: documents column → label.
PANEL = {
    "expenditure_total": "支出合计",
    "basic_expenditure": "基本支出",
    "project_expenditure": "项目支出",
    "three_public_total": "“三公”经费",
}


def panel(corpus, region: str | None = None, department_key: str | None = None) -> pd.DataFrame:
    """Department × year, long: department_key, department, year, measure, label, amount."""
    docs = corpus.documents
    if region:
        docs = docs[docs["region"] == region]
    if department_key:
        docs = docs[docs["department_key"] == department_key]
    docs = choose(docs[docs["kind"] == "budget"])
    rows = [
        {
            "department_key": d["department_key"],
            "department": d["department"],
            "year": int(d["year"]),
            "measure": m,
            "label": label,
            "amount": _dec(d[m]),
        }
        for _, d in docs.iterrows()
        for m, label in PANEL.items()
        if _dec(d[m]) is not None
    ]
    cols = ["department_key", "department", "year", "measure", "label", "amount"]
    return pd.DataFrame(rows, columns=cols).sort_values(["department_key", "measure", "year"])


def findings_per_document(corpus, region: str | None = None, year: int | None = None):
    """Every document (not only the chosen ones) with its findings by severity."""
    docs = corpus.documents
    if region:
        docs = docs[docs["region"] == region]
    if year is not None:
        docs = docs[docs["year"] == year]
    cols = ["department", "year", "scope", "sources", "errors", "warnings", "infos"]
    return docs[cols].sort_values(["errors", "warnings"], ascending=False).reset_index(drop=True)


# -- prices --------------------------------------------------------------------------------
@cache
def cpi() -> dict:
    """data/cpi.toml: the national CPI (上年 = 100) by year, and where the figures come from."""
    text = resources.files("budgetkit").joinpath("data", "cpi.toml").read_text("utf-8")
    data = tomllib.loads(text)
    data["index"] = {int(y): Decimal(str(v)) for y, v in data["previous_year_100"].items()}
    return data


def price_level(year: int) -> Decimal | None:
    """Chained price level (first year of the table = 100), None outside the table."""
    idx = cpi()["index"]
    years = sorted(idx)
    if year not in idx and year != years[0] - 1:
        return None
    level = Decimal(100)
    for y in years:
        if y > year:
            break
        level = level * idx[y] / 100
    return level


def constant_prices(df: pd.DataFrame, base_year: int, value: str = "amount") -> pd.DataFrame:
    """`df` with `value` in prices of `base_year` (amount × P[base] ÷ P[year]); a year the
    CPI table does not cover gets None and is named in `.attrs["no_cpi"]`."""
    base = price_level(base_year)
    if base is None:
        raise ValueError(f"no CPI for the base year {base_year} (data/cpi.toml)")
    out = df.copy()
    missing = set()

    def deflate(row):
        level = price_level(int(row["year"]))
        v = _dec(row[value])
        if level is None or v is None:
            if level is None:
                missing.add(int(row["year"]))
            return None
        return (v * base / level).quantize(Decimal("0.000001"))

    out[value] = out.apply(deflate, axis=1) if len(out) else out[value]
    out.attrs["no_cpi"] = sorted(missing)
    out.attrs["base_year"] = base_year
    return out
