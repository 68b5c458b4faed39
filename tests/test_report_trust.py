"""Reports on hostile input (issue 12): document text and file names are data in every page,
output names stay inside --out, a killed run leaves nothing running."""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from budgetkit.report import run_reports

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"
DEPARTMENT = "昌吉回族自治州人民政府驻北京联络处"
HOSTILE = '"><img src=x onerror=alert(1)><svg onload=alert(2)>'
HOSTILE_FILE = "a`<img src=x onerror=alert(3)>`b.txt"


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes (script bodies are not markup)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def injected(page: str) -> list[tuple[str, dict]]:
    """Tags a browser would run: any element with an on* handler, or an img/svg whose
    source is the injected `x`."""
    p = _Tags()
    p.feed(page)
    return [
        (t, a)
        for t, a in p.tags
        if any(k.startswith("on") for k in a) or (t in ("img", "svg") and a.get("src") == "x")
    ]


@cache
def _hostile_reports(tmp: str):
    folder = Path(tmp)
    doc = folder / HOSTILE_FILE
    doc.write_text(SEED.read_text("utf-8").replace(DEPARTMENT, HOSTILE), "utf-8")
    return run_reports([doc], folder / "out", jobs=1), folder / "out"


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory):
    return _hostile_reports(str(tmp_path_factory.mktemp("hostile")))


def test_document_text_and_file_names_never_run_in_a_report(hostile_reports):
    result, out = hostile_reports
    assert result.exit_code == 0, result.summary()
    pages = [Path(o.html) for o in result.outcomes] + [out / "index.html"]
    assert len(pages) == 4
    for page in pages:
        text = page.read_text("utf-8")
        assert injected(text) == [], page.name
        assert (
            "onerror=alert(1)"
            in text.replace("&quot;", '"').replace("&gt;", ">").replace("&lt;", "<")
            or "onerror=alert" in text
        )  # the name is shown, as text


def _tiny_notebook(path: Path) -> Path:
    """A notebook that only records its document (fast: names, not analysis, are tested)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    params = new_code_cell('document = "x"')
    params.metadata["tags"] = ["parameters"]
    code = "from budgetkit.present.record import record\nrecord('document', document)"
    nb = new_notebook(cells=[params, new_code_cell(code)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["budgetkit"] = {"warm_kernel": True}
    nbformat.write(nb, path)
    return path


def test_report_names_are_safe_distinct_and_stable(tmp_path):
    """Issue 12 items 2-3: `...txt` (stem `..`) and `..txt` (stem `.`) write inside --out;
    d1/doc.txt, d2/doc.txt and doc.pdf-like namesakes get a folder each, the same every run."""
    from budgetkit.present.record import recorded

    seed = SEED.read_text("utf-8")
    inputs = [tmp_path / "...txt", tmp_path / "..txt", tmp_path / "index.html.txt"]
    for d in ("d1", "d2"):
        (tmp_path / d).mkdir()
        inputs.append(tmp_path / d / "doc.txt")
    for p in inputs:
        p.write_text(seed, "utf-8")
    nb = _tiny_notebook(tmp_path / "tiny.ipynb")
    out = tmp_path / "work" / "out"
    result = run_reports(inputs, out, [str(nb)], jobs=1)
    assert result.exit_code == 0, result.summary()
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["out"]
    folders = {Path(o.html).parent for o in result.outcomes}
    assert len(folders) == len(inputs) and all(f.parent == out for f in folders)
    assert all(not f.name.startswith(".") for f in folders)
    assert {recorded(o.ipynb)["document"] for o in result.outcomes} == {str(p) for p in inputs}
    assert (out / "index.html").is_file()
    again = run_reports(inputs, out, [str(nb)], jobs=1)
    assert [o.status for o in again.outcomes] == ["skipped"] * len(inputs)
    assert {Path(o.html).parent for o in again.outcomes} == folders
