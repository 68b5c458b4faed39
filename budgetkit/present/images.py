"""Save a chart as PNG or SVG (vl-convert, no browser), with Chinese text that renders.

vl-convert draws text with the fonts it can find. Without a CJK font every Chinese label
becomes an empty box, silently; so before drawing, `cjk_font()` looks for one (fontconfig's
`fc-list :lang=zh`, then the usual font folders), registers its folder with vl-convert and
names it in the chart's config. With none installed it raises `FontMissing`, which says how
to install one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import BudgetkitError

FONT_HINT = (
    "no Chinese (CJK) font is installed, so Chinese labels would render as empty boxes; "
    "install one, e.g. `apt-get install fonts-noto-cjk` (Debian/Ubuntu), "
    "`dnf install google-noto-sans-cjk-fonts` (Fedora) or `brew install --cask font-noto-sans-cjk`, "
    "or put a CJK .otf/.ttf/.ttc file in a folder and set BUDGETKIT_FONT_DIR to it"
)
_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
_CJK_NAME_HINTS = (
    "cjk",
    "wqy",
    "wenquanyi",
    "sourcehan",
    "droidsansfallback",
    "simhei",
    "simsun",
    "msyh",
    "pingfang",
    "hiragino",
    "notosanssc",
    "notoserifsc",
)
_FORMATS = ("png", "svg")


class FontMissing(BudgetkitError):
    """No CJK font is available to draw Chinese text in a static image."""

    def __init__(self, detail: str = ""):
        super().__init__(FONT_HINT + (f" ({detail})" if detail else ""))


def _fc_list() -> list[tuple[Path, str]]:
    """(font file, first family name) of every Chinese-capable font fontconfig knows."""
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file", "family"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in out.splitlines():
        file, _, family = line.partition(":")
        if file.strip():
            found.append((Path(file.strip()), family.strip().split(",")[0]))
    return found


def _scan_dirs() -> list[tuple[Path, str]]:
    """Fallback without fontconfig: font files whose names look CJK."""
    found = []
    for d in _FONT_DIRS:
        root = Path(d).expanduser()
        if not root.is_dir():
            continue
        for p in root.rglob("*"):
            name = p.name.lower().replace("-", "").replace("_", "")
            if p.suffix.lower() in {".otf", ".ttf", ".ttc"} and any(
                h in name for h in _CJK_NAME_HINTS
            ):
                found.append((p, ""))
    return found


def _preference(item: tuple[Path, str]) -> tuple[int, str]:
    """Sans before serif, Simplified Chinese before other CJK variants."""
    path, family = item
    text = f"{path.name} {family}".lower()
    score = 0 if "sans" in text else 1
    score += 0 if (" sc" in f" {family.lower()}" or "sc" in path.stem.lower().split("-")) else 2
    return (score, text)


@cache
def cjk_font() -> str:
    """Register a CJK font folder with vl-convert; return its family name ('' = unknown).

    `BUDGETKIT_FONT_DIR` (a folder of fonts) takes precedence. Raises `FontMissing`.
    """
    import vl_convert as vlc

    own = os.environ.get("BUDGETKIT_FONT_DIR")
    if own:
        if not Path(own).is_dir():
            raise FontMissing(f"BUDGETKIT_FONT_DIR={own} is not a folder")
        vlc.register_font_directory(own)
        fonts = [(p, f) for p, f in _fc_list() if str(p).startswith(own)]
        return fonts[0][1] if fonts else ""
    fonts = _fc_list() or _scan_dirs()
    if not fonts:
        raise FontMissing()
    path, family = sorted(fonts, key=_preference)[0]
    vlc.register_font_directory(str(path.parent))
    return family


def _spec(chart: Any) -> dict:
    """Vega-Lite dict of a chart, with the CJK font named first in its config."""
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    family = cjk_font()
    if family:
        config = dict(spec.get("config") or {})
        current = config.get("font")
        config["font"] = f"{family}, {current}" if current else family
        spec = {**spec, "config": config}
    return spec


def to_svg(chart: Any) -> str:
    """The chart as an SVG document (text as text; CJK font named)."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(_spec(chart))


def to_png(chart: Any, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes at `scale`× its CSS size."""
    import vl_convert as vlc

    return vlc.vegalite_to_png(_spec(chart), scale=scale)


def save(chart: Any, path: str | Path, *, scale: float = 2.0) -> Path:
    """Save `chart` as .png, .svg or .html (offline page) by the file's suffix; atomic write."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt == "png":
        data: bytes = to_png(chart, scale=scale)
    elif fmt == "svg":
        data = to_svg(chart).encode("utf-8")
    elif fmt == "html":
        from .render import standalone_html

        data = standalone_html(chart).encode("utf-8")
    else:
        raise BudgetkitError(f"{path}: cannot save a chart as {fmt!r}; use .png, .svg or .html")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
