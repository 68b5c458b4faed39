"""Static images: PNG/SVG with Chinese text drawn by a CJK font, or a clear error."""

from __future__ import annotations

import pandas as pd
import pytest

from budgetkit.errors import BudgetkitError
from budgetkit.present import charts, images


def _chart(title: str):
    return charts.sorted_bars(
        pd.DataFrame({"name": ["基本支出", "项目支出"], "amount": [160.31, 182]}), title=title
    )


@pytest.fixture
def font():
    try:
        return images.cjk_font()
    except images.FontMissing as e:
        pytest.skip(f"no CJK font installed: {e}")


def test_png_and_svg_are_written(tmp_path, font):
    png = images.save(_chart("支出"), tmp_path / "c.png")
    svg = images.save(_chart("支出"), tmp_path / "c.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg") and "支出" in text and font in text
    assert not list(tmp_path.glob(".*.tmp"))


def test_chinese_glyphs_are_drawn_not_boxes(font):
    # With no glyphs both titles would be the same row of empty boxes: identical pixels.
    assert images.to_png(_chart("预算")) != images.to_png(_chart("决算"))


def test_missing_font_says_how_to_get_one(monkeypatch):
    monkeypatch.delenv("BUDGETKIT_FONT_DIR", raising=False)
    monkeypatch.setattr(images, "_fc_list", lambda: [])
    monkeypatch.setattr(images, "_scan_dirs", lambda: [])
    images.cjk_font.cache_clear()
    try:
        with pytest.raises(images.FontMissing) as err:
            images.to_png(_chart("预算"))
        assert isinstance(err.value, BudgetkitError)
        assert "apt-get install fonts-noto-cjk" in str(err.value)
    finally:
        images.cjk_font.cache_clear()


def test_unknown_format_is_a_clear_error(tmp_path):
    with pytest.raises(BudgetkitError, match="use .png, .svg or .html"):
        images.save(_chart("x"), tmp_path / "c.gif")
