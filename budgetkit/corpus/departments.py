"""Department identity: one key per department across years, documents and name variants.

The rule (docs/departments.md):

1. The name as printed is normalised: full-width letters/digits/brackets to one form,
   whitespace and quotes dropped, a leading 中共 removed (中共西安市委宣传部 → 西安市委宣传部),
   and trailing scope notes removed: （本级）, （汇总）, （含下属单位）, （市级单位）, a final
   部门/单位 after the department's own name (…财政局部门 → …财政局).
2. The normalised name is looked up in the alias table: `budgetkit/data/departments.toml`,
   then the corpus's own `DIR/departments.toml` (which wins). An alias maps a (normalised)
   name to the key of the department it is, e.g. a renamed bureau to its new name.
3. Otherwise the normalised name is the key.

部门 (the department with its units) and 单位 (its own unit, 本级) documents share the key;
the `scope` column tells them apart. The region is the administrative prefix of the key
(上海市普陀区…, 西安市…) unless the alias table says otherwise.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import BudgetkitError

_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）"})
_DROP = re.compile(r"[\s\"“”'‘’·•]")
#: Trailing notes about what the document covers, not who the department is.
_SCOPE_NOTE = re.compile(
    r"（(?:本级|汇总|合并|含下属单位|含所属单位|机关本级|部门本级|单位本级|市级单位|区级单位|县级单位|"
    r"部门|单位|本部)）$"
)
_SCOPE_WORD = re.compile(r"(?<=[局委办厅院处所站队部会室府社中心馆])(?:部门|单位|本级|机关)$")
_PARTY = re.compile(r"^中国共产党|^中共")
_REGION = re.compile(
    r"^(?:.{2,}?(?:省|自治区))?(?:.{2,}?(?:市|自治州|地区|盟|州))?(?:[^市]{1,6}?(?:区|县|旗))?"
)
_SUFFIX_NOT_REGION = re.compile(r"(?:委|人民政府|政府)$")


def normalise(name: str | None) -> str:
    """A printed department name → its normal form (rule 1)."""
    if not name:
        return ""
    s = unicodedata.normalize("NFKC", name).translate(_BRACKETS)
    s = _DROP.sub("", s)
    s = _PARTY.sub("", s)
    for _ in range(3):  # 上海市X局（本级）（汇总）
        t = _SCOPE_NOTE.sub("", s)
        t = _SCOPE_WORD.sub("", t)
        if t == s:
            break
        s = t
    return s


def region_of(key: str) -> str:
    """The administrative prefix of a department key (上海市普陀区, 西安市; "" if none)."""
    m = _REGION.match(key)
    region = m.group(0) if m else ""
    if region == key:  # the whole name is a place: 普陀区 is not its own region
        return ""
    return region


@dataclass
class Aliases:
    """The alias table: normalised name → key, and key → region where stated."""

    names: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def key(self, name: str | None) -> str:
        n = normalise(name)
        seen = set()
        while n in self.names and n not in seen:  # an alias may point to another alias
            seen.add(n)
            n = self.names[n]
        return n

    def region(self, key: str) -> str:
        return self.regions.get(key, region_of(key))

    def fingerprint(self) -> str:
        return repr(sorted(self.names.items())) + repr(sorted(self.regions.items()))


def _load_into(aliases: Aliases, text: str, where: str) -> None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BudgetkitError(f"{where}: not a valid departments table ({exc})") from None
    for key, spec in data.get("departments", {}).items():
        if not isinstance(spec, dict):
            raise BudgetkitError(f"{where}: [departments.{key}] must be a table")
        k = normalise(key)
        for alias in spec.get("aliases", []):
            if normalise(alias) != k:
                aliases.names[normalise(alias)] = k
        if spec.get("region") is not None:
            aliases.regions[k] = str(spec["region"])
    aliases.sources.append(where)


def aliases(corpus_dir: str | Path | None = None) -> Aliases:
    """The bundled alias table, then the corpus's own `departments.toml` (which wins)."""
    a = Aliases()
    bundled = resources.files("budgetkit").joinpath("data", "departments.toml")
    _load_into(a, bundled.read_text("utf-8"), "budgetkit/data/departments.toml")
    if corpus_dir is not None:
        own = Path(corpus_dir) / "departments.toml"
        if own.is_file():
            _load_into(a, own.read_text("utf-8"), str(own))
    return a
