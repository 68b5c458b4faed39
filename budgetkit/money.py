"""Exact amounts: parsing printed numbers into `Decimal` and converting between units.

Money is never a float here. A table prints amounts in 元 or 万元; budgetkit keeps every
amount as a `Decimal` in 万元 (exact: 1 元 = 0.0001 万元) and remembers the printed unit so
rounding tolerances can be judged in the unit the document used.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

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
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def normalise_digits(text: str) -> str:
    """Full-width digits and punctuation to ASCII; internal spaces removed."""
    return text.translate(_FULLWIDTH).replace(" ", "").replace("\u3000", "")


def parse_amount(text: str | None, where: str = "") -> Decimal | None:
    """Printed amount → Decimal, or None for a blank or placeholder cell.

    Accepts thousands separators, full-width digits and a trailing 万元/元. Anything else that
    is not a number raises `MalformedNumber` (never a silent wrong value).
    """
    if text is None:
        return None
    s = normalise_digits(text.strip())
    for unit in ("万元", "元"):
        if s.endswith(unit):
            s = s[: -len(unit)]
            break
    if s in _PLACEHOLDERS:
        return None
    if not _NUMBER.match(s):
        raise MalformedNumber(text, where)
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise MalformedNumber(text, where) from exc


def looks_like_amount(text: str) -> bool:
    """True when a cell is a printed number (used to tell data cells from labels)."""
    s = normalise_digits(text.strip())
    return bool(_NUMBER.match(s))


def to_wan(amount: Decimal, unit: str) -> Decimal:
    """Convert an amount printed in `unit` to 万元, exactly."""
    return amount * UNITS[unit]


def fmt_wan(amount: Decimal | None) -> str | None:
    """万元 amount → exact decimal string without exponent and trailing zeros beyond 分.

    Keeps at least two decimals (the printed precision of 万元 tables) and more when the
    amount came from 元 (e.g. 37151.4655).
    """
    if amount is None:
        return None
    q = amount.quantize(CENT) if amount == amount.quantize(CENT) else amount.normalize()
    s = format(q, "f")
    return s
