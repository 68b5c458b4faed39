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
    folder = Path(result.outcomes[0].html).parent
    pages = [Path(o.html) for o in result.outcomes] + [out / "index.html"]
    pages.append(folder / "findings.html")
    assert len(pages) == 5 and all(p.is_file() for p in pages)
    for page in pages:
        text = page.read_text("utf-8")
        assert injected(text) == [], page.name
        if page.name != "findings.html":  # the name is shown, as text
            assert "&lt;img src=x onerror=alert" in text, page.name


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


def _slow_notebook(path: Path, marks: Path) -> Path:
    """A notebook that says it started (a file in `marks`), then works for a minute and
    writes into its folder: what a killed run must not leave behind."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    params = new_code_cell('document = "x"')
    params.metadata["tags"] = ["parameters"]
    code = (
        "import os, time, pathlib\n"
        f"pathlib.Path({str(marks)!r}, f'{{os.getpid()}}').write_text('')\n"
        "time.sleep(60)\n"
        "pathlib.Path('late-write').write_text('')"
    )
    nb = new_notebook(cells=[params, new_code_cell(code)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["budgetkit"] = {"warm_kernel": True}
    nbformat.write(nb, path)
    return path


def _descendants(pid: int) -> set[int]:
    """Every living process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            found.add(c)
            todo.append(c)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGKILL"])
def test_a_killed_report_run_leaves_nothing_running_and_a_rerun_cleans_up(
    tmp_path, sig, monkeypatch
):
    """Issue 12 item 4: `report --jobs 2` killed mid-run: its pool workers and kernels end
    (no write into --out afterwards), and the next run removes the temporary files."""
    import signal
    import subprocess
    import sys
    import time

    marks = tmp_path / "marks"
    marks.mkdir()
    nbs = [_slow_notebook(tmp_path / f"slow{i}.ipynb", marks) for i in (1, 2)]
    out = tmp_path / "out"
    runtime = tmp_path / "runtime"
    env = {**__import__("os").environ, "JUPYTER_RUNTIME_DIR": str(runtime)}
    cmd = [sys.executable, "-m", "budgetkit.cli", "report", str(SEED), "--out", str(out)]
    cmd += ["--jobs", "2", "--notebooks", ",".join(str(n) for n in nbs)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(list(marks.iterdir())) == 2, "the notebooks never started"
        tree = _descendants(proc.pid)
        kernels = {int(p.name) for p in marks.iterdir()}
        assert kernels <= tree and len(tree) >= 4  # 2 workers, 2 kernels
        proc.send_signal(getattr(signal, sig))
        proc.wait(30)
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in tree) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [p for p in tree if _alive(p)] == []
    finally:  # whatever the outcome, nothing of this test stays running
        for p in {proc.pid, *tree, *_descendants(proc.pid)}:
            if _alive(p):
                __import__("os").kill(p, signal.SIGKILL)
    assert not list(out.rglob("late-write"))
    from budgetkit.report.runner import sweep

    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))  # where the killed run's were
    sweep(out)
    leftovers = [p for p in out.rglob(".*") if p.name != ".pairing"]
    assert leftovers == [], leftovers
    assert not list(runtime.glob("kernel-*.json"))  # ended, or swept by the next run


# --- item 14: what a report shows ---------------------------------------------------------


def _visible(page: str) -> str:
    """A page without its scripts and styles (the chart library holds any text)."""
    import re

    return re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S | re.I)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The seed reported into a folder, then the seed's narrative half (its tables published
    apart, so none can be read) into the same folder by a second run."""
    folder = tmp_path_factory.mktemp("two-runs")
    lines = SEED.read_text("utf-8").split("\n")
    narrative = folder / "narrative.txt"
    narrative.write_text("\n".join(lines[0:66] + lines[370:]), "utf-8")
    out = folder / "out"
    first = run_reports([SEED], out, jobs=2)
    second = run_reports([narrative], out, jobs=2)
    assert first.exit_code == 0 and second.exit_code == 0, second.summary()
    return first, second, out


def test_unread_tables_are_said_at_the_top_and_empty_sections_left_out(two_runs):
    _, second, out = two_runs
    body = _visible((out / "narrative" / "structure.html").read_text("utf-8"))
    assert "没有读出预算表" in body and body.index("没有读出预算表") < body.index("Key figures")
    assert "Funding sources" not in body and "By function" not in body  # no data: left out
    assert "没有数据 · no data" not in body and "无数据 · no rows" not in body
    assert "Procurement" in body and "Checks" in body  # what the text gives stays
    seed = _visible((out / SEED.stem / "structure.html").read_text("utf-8"))
    assert "没有读出预算表" not in seed and "Funding sources" in seed


def test_index_keeps_earlier_documents_links_findings_and_shows_totals(two_runs):
    first, _, out = two_runs
    index = (out / "index.html").read_text("utf-8")
    assert "narrative.txt" in index and SEED.name in index  # both runs' documents
    assert f'href="{SEED.stem}/structure.html"' in index
    info = first.documents[0]
    link = f'href="{SEED.stem}/findings.html#info">{info.findings["info"]}</a>'
    assert link in index
    findings = (out / SEED.stem / "findings.html").read_text("utf-8")
    assert "id='info'" in findings and "narrative.growth.from_zero" in findings
    assert "<td class='n'>342.31</td>" in index  # 支出合计, printed in the seed's tables
    assert "342.31 ⚠</span>" in index  # the narrative's: derived from its text, marked
    assert str(out.parent) not in index and str(ROOT) not in index


def test_a_report_with_nothing_to_show_is_not_linked(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    params = new_code_cell('document = "x"')
    params.metadata["tags"] = ["parameters"]
    code = "import pandas as pd\nfrom budgetkit.present import show\nshow.table(pd.DataFrame())"
    nb = new_notebook(
        cells=[new_markdown_cell("# t"), params, new_markdown_cell("## s"), new_code_cell(code)]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "nothing.ipynb"
    nbformat.write(nb, path)
    result = run_reports([SEED], tmp_path / "out", [str(path)], jobs=1)
    assert result.exit_code == 0 and result.outcomes[0].empty
    index = (tmp_path / "out" / "index.html").read_text("utf-8")
    assert "nothing（无内容）" in index and "nothing.html" not in index


# --- item 16: the literacy lesson teaches from the document it is given --------------------


class _Text(HTMLParser):
    """The text a reader sees (no scripts, styles or attributes)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def test_the_lesson_computes_its_answers_from_the_document_and_folds_them(tmp_path):
    import re

    from budgetkit.present.record import recorded

    pdf = ROOT / "data" / "shanghai" / "上海市普陀区人民政府万里街道办事处25年预算.pdf"
    result = run_reports([pdf, SEED], tmp_path / "out", ["literacy"], jobs=2)
    assert result.exit_code == 0, result.summary()
    page = {Path(o.document).name: Path(o.html).read_text("utf-8") for o in result.outcomes}
    wanli, seed = page[pdf.name], page[SEED.name]
    assert "<details" in wanli and "<details" in seed  # answers folded until unfolded
    text = _Text()
    text.feed(wanli)
    visible = "".join(text.parts)
    for seed_fact in ("昌吉", "67.87", "312.18", "在职 8 人", "160.31"):
        assert seed_fact not in visible, seed_fact
    assert "464.64" in visible  # its own 机关运行经费
    assert not re.findall(r"\b[a-z]+\.[a-z_]+\.[a-z_]+\b", visible)  # no rule ids
    v = recorded(next(o.ipynb for o in result.outcomes if o.document == str(pdf)))
    assert v["broken_errors"] == 0  # a PDF is not edited: the experiment says so
    assert "312.18" in seed and "在职 8 人" in seed


# --- item 15: the language parameter --------------------------------------------------------


def test_language_parameter_writes_labels_from_the_catalogue(tmp_path):
    from budgetkit.catalog.fields import fields
    from budgetkit.cli import build_parser
    from budgetkit.errors import BudgetkitError

    args = ["report", str(SEED), "--out", "o", "--language", "both"]
    assert build_parser().parse_args(args).language == "both"
    with pytest.raises(BudgetkitError, match="language"):
        run_reports([SEED], tmp_path / "x", ["structure"], language="fr")
    pages = {}
    for lang in ("en", "both"):
        r = run_reports([SEED], tmp_path / lang, ["structure"], language=lang)
        assert r.exit_code == 0 and r.outcomes[0].parameters["language"] == lang
        pages[lang] = _visible(Path(r.outcomes[0].html).read_text("utf-8"))
    income = fields().figures["income_total"]
    assert "<th>Code</th>" in pages["en"] and "<th>科目编码</th>" not in pages["en"]
    assert f">{income.en}<" in pages["en"]
    assert (
        "<th>科目编码 / Code</th>" in pages["both"]
        and f"{income.zh} / {income.en}" in pages["both"]
    )


def test_every_chart_offers_its_rows_as_csv(two_runs):
    import base64
    import re

    _, _, out = two_runs
    page = (out / SEED.stem / "structure.html").read_text("utf-8")
    charts = set(re.findall(r'id="(bk-chart-[0-9a-f]{12})"', page))
    links = re.findall(
        r'<a download="([^"]+)\.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', page
    )
    assert len(charts) >= 6 and len(links) == len(charts)
    data = dict(links)
    donut = base64.b64decode(next(v for k, v in data.items() if "收入来源" in k)).decode()
    assert donut.startswith("\ufeff") and "一般公共预算" in donut and "232.31" in donut
