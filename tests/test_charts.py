"""Charts drawn from real documents: labels inside shapes never run over their neighbours."""

from __future__ import annotations

from pathlib import Path

import budgetkit
from budgetkit.analysis import structure
from budgetkit.present import charts

from .conftest import SEED, SHANGHAI


def _label_widths(doc):
    chart = charts.icicle(structure.by_function(doc))
    rows = chart.data.to_dict("records")  # the layers draw one DataFrame
    return [(r["名称"], r["标签"], (r["end"] - r["start"]) * charts.WIDTH) for r in rows]


def test_fit_cuts_a_label_to_its_room():
    assert charts.fit("一般公共服务支出", 300) == "一般公共服务支出"
    assert charts.fit("一般公共服务支出", 60) == "一般公…"
    assert charts.fit("社会保障和就业支出", 20) == ""


def test_icicle_labels_fit_their_rectangles_on_real_documents():
    for path in (SEED, SHANGHAI / "上海市普陀区司法局26年预算.pdf"):
        rows = _label_widths(budgetkit.read(path))
        shown = [r for r in rows if r[1]]
        assert shown, path  # the big classes keep their names
        for name, label, px in rows:
            drawn = sum(
                charts.LABEL_PX if ord(c) > 0x2E80 else charts.LABEL_PX * 0.6 for c in label
            )
            assert drawn <= px, (path, name, label, px)
        # a narrow 项 (the seed's 2010350 事业运行 is 34% of its 款 but not of the whole) is cut
        assert any(label != name for name, label, _ in rows), path


def test_waterfall_names_and_amounts_stay_inside_their_steps():
    from budgetkit.analysis import trend

    steps = trend.bridge(budgetkit.read(SEED), by="income")  # the seed's income by source
    assert len(steps) >= 2
    chart = charts.waterfall(steps, start=("上年（推算）", steps.attrs["start"]))
    spec = chart.to_dict()
    band = charts.WIDTH / (len(steps) + 2)
    assert spec["layer"][0]["encoding"]["x"]["axis"]["labelLimit"] == int(band) - 4
    amounts = [f"{v:,.2f}" for v in chart.data["变动"]]
    fits = max(map(len, amounts)) * charts.LABEL_PX * 0.6 <= band - 4
    assert len(spec["layer"]) == (2 if fits else 1)
    # twenty steps leave no room for amounts above the bars: the tooltip carries them
    many = steps.iloc[[0] * 20].reset_index(drop=True)
    assert len(charts.waterfall(many, start=("上年", 0)).to_dict()["layer"]) == 1


def test_icicle_of_a_document_without_function_rows_draws_nothing_and_does_not_fail():
    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus"
    doc = budgetkit.read(corpus / "beijing" / "2026年北京市信访办公室部门预算.pdf")  # narrative
    assert doc.meta.publication == "narrative"
    chart = charts.icicle(structure.by_function(doc))
    assert len(chart.data) == 0


def _notebook_charts(name: str, monkeypatch) -> list:
    """Every chart the library builds while the notebook's code runs (in this process, on its
    default parameters: the seed, or the 国家信访局 final accounts for execution)."""
    import json

    import IPython.display

    from budgetkit.present import vegalite

    seen: list = []
    original = vegalite.Chart.__init__

    def record(chart, *args, **kwargs):
        original(chart, *args, **kwargs)
        seen.append(chart)

    monkeypatch.setattr(vegalite.Chart, "__init__", record)
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: None)
    root = Path(__file__).resolve().parents[1] / "notebooks"
    nb = json.loads((root / f"{name}.ipynb").read_text(encoding="utf-8"))
    monkeypatch.chdir(root)
    namespace: dict = {"display": lambda *a, **k: None}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), namespace)  # noqa: S102 - our own notebooks
    return seen


def test_every_chart_the_notebooks_build_is_a_valid_vega_lite_spec(monkeypatch):
    """Library charts are Vega-Lite specs written as data (`vegalite.Chart`), never checked
    as they are built, so this test is where they are validated: every chart of the four
    document notebooks."""
    import jsonschema

    for name in ("structure", "trend", "performance", "execution"):
        built = _notebook_charts(name, monkeypatch)
        assert built, name
        for chart in built:
            spec = chart.to_dict()  # the library's path: not validated
            try:
                chart.to_dict(validate=True)
            except jsonschema.ValidationError as e:  # pragma: no cover - the failure shown
                raise AssertionError(f"{name}: {spec.get('title')}: {e.message}") from None
