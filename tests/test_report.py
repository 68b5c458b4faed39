"""Batch reports: outputs, failures that don't stop others, skipping, parameters, atomicity."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from budgetkit.present import render
from budgetkit.present.record import recorded
from budgetkit.report import NOTEBOOK_DIR, NOTEBOOKS, run_reports

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"
ALL_NOTEBOOKS = (*NOTEBOOKS, "explore", "literacy")


def _notebook(path: Path, *cells: str, warm: bool = False, here: bool = False) -> Path:
    params = new_code_cell('document = "x"')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell("# t"), params, *(new_code_cell(c) for c in cells)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    if warm:
        nb.metadata["budgetkit"] = {"warm_kernel": True, "in_process": here}
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def seed_reports(tmp_path_factory):
    """All three notebooks on the seed, once for the module."""
    out = tmp_path_factory.mktemp("reports")
    return run_reports([SEED], out, jobs=2), out


def test_every_notebook_runs_on_the_seed_and_records_values(seed_reports):
    result, out = seed_reports
    assert result.exit_code == 0, result.summary()
    assert [o.notebook for o in result.outcomes] == list(NOTEBOOKS)
    for o in result.outcomes:
        values = recorded(o.ipynb)
        assert values["department"] == "昌吉回族自治州人民政府驻北京联络处"
        assert values["year"] == 2024
    by_name = {o.notebook: recorded(o.ipynb) for o in result.outcomes}
    assert by_name["structure"]["largest_item"] == "一般行政管理事务"  # 182.00 万元, 表5
    assert by_name["structure"]["findings"].get("error", 0) == 0
    assert by_name["trend"]["last_year_total"] == "312.18"  # 168.18 basic + 144.00 project
    assert by_name["performance"]["indicators"] > 0


def test_outputs_html_without_code_and_parameters_recorded(seed_reports):
    result, out = seed_reports
    o = result.outcomes[0]
    page = Path(o.html).read_text(encoding="utf-8")
    assert (
        "doc = budgetkit.read(document)" not in page and "import budgetkit" not in page
    )  # no code
    assert (
        'class="jp-CodeMirrorEditor' not in page and "jp-InputPrompt" not in page.split("<body")[1]
    )
    assert 'name="budgetkit-parameters"' in page and SEED.name in page
    assert str(SEED.parent) not in page  # no build path in the page (issue 12 item 14)
    nb = nbformat.read(o.ipynb, as_version=4)
    assert nb.metadata["papermill"]["parameters"]["document"] == str(SEED)
    assert nb.metadata["budgetkit"]["parameters"] == o.parameters
    stamp = json.loads(Path(o.html).with_suffix(".json").read_text(encoding="utf-8"))
    assert stamp["parameters"] == o.parameters and stamp["status"] == "ok"
    assert not list(out.rglob(".*.tmp")) and not list(out.rglob("*.run.ipynb"))


def test_index_lists_documents_with_findings_by_severity(seed_reports):
    result, out = seed_reports
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "昌吉回族自治州人民政府驻北京联络处" in index and "2024" in index
    assert "<td class='nw'>部门预算</td>" in index  # scope and kind of the seed
    info = result.documents[0]
    assert set(info.findings) == {"error", "warning", "info"} and info.findings["info"] > 0
    for name in NOTEBOOKS:
        assert f"000_d8581a66e967af08/{name}.html" in index


def test_failures_are_isolated_listed_and_rerun_skips(tmp_path):
    ok = _notebook(
        tmp_path / "ok.ipynb",
        "from budgetkit.present.record import record",
        "record('doc', document)",
    )
    bad = _notebook(tmp_path / "bad.ipynb", "x = 1", "raise ValueError('boom')", "y = 2")
    broken = tmp_path / "broken.txt"
    broken.write_text("", encoding="utf-8")  # not a disclosure
    out = tmp_path / "out"
    seen = []
    result = run_reports(
        [SEED, broken],
        out,
        [str(ok), str(bad)],
        jobs=1,
        progress=lambda o, i, n: seen.append((o.notebook, i, n)),
    )
    assert result.exit_code == 1
    status = {(Path(o.document).name, o.notebook): o for o in result.outcomes}
    assert status[(SEED.name, "ok")].status == "ok"
    failed = status[(SEED.name, "bad")]
    assert failed.failed and failed.cell == 3 and "ValueError: boom" in failed.error
    assert failed.parameters["document"] == str(SEED)
    assert status[("broken.txt", "ok")].failed
    assert "document cannot be read" in status[("broken.txt", "ok")].error
    assert [i for _, i, _ in seen] == [1, 2, 3, 4] and {n for *_, n in seen} == {4}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "ValueError: boom" in index and "bad" in index and "broken.txt" in index
    assert "FAILED bad" in result.summary() and "at cell 3" in result.summary()

    again = run_reports([SEED], out, [str(ok), str(bad)], jobs=1)
    assert [o.status for o in again.outcomes] == ["skipped", "failed"]  # failures are retried
    forced = run_reports([SEED], out, [str(ok)], jobs=1, force=True)
    assert [o.status for o in forced.outcomes] == ["ok"]
    ok.write_text(ok.read_text(encoding="utf-8").replace("'doc'", "'document'"), encoding="utf-8")
    changed = run_reports([SEED], out, [str(ok)], jobs=1)
    assert [o.status for o in changed.outcomes] == ["ok"]  # the notebook changed


PID = "import os\nfrom budgetkit.present.record import record\nrecord('pid', os.getpid())"


def _sharing_notebooks(tmp_path, here: bool):
    a = _notebook(tmp_path / "a.ipynb", PID, "leak = 1\nos.chdir('/')", warm=True, here=here)
    b = _notebook(
        tmp_path / "b.ipynb",
        PID,
        "record('leaked', 'leak' in globals())\nrecord('cwd', os.getcwd())",
        warm=True,
        here=here,
    )
    bad = _notebook(tmp_path / "bad.ipynb", PID, "raise ValueError('boom')", warm=True, here=here)
    quits = _notebook(tmp_path / "quits.ipynb", PID, "exit()", warm=True, here=here)
    after = _notebook(tmp_path / "after.ipynb", PID, warm=True, here=here)
    out = tmp_path / "out"
    runs = run_reports([SEED], out, [str(a), str(b), str(bad), str(quits), str(after)], jobs=1)
    got = {i: recorded(o.ipynb) for i, o in enumerate(runs.outcomes)}
    assert got[1]["leaked"] is False and got[1]["cwd"] == str(tmp_path)  # reset in between
    first_cell = next(
        c
        for c in nbformat.read(runs.outcomes[1].ipynb, as_version=4).cells
        if c.cell_type == "code"
    )
    assert first_cell.execution_count == 1
    return runs, got


def test_reports_run_in_process_but_start_from_a_clean_namespace(tmp_path):
    """A run's worker process runs the notebooks that may share a kernel itself
    (`report.inprocess`), never the caller's: each starts afresh (globals, cwd, counts); a
    failure or `exit()` harms no other."""
    from IPython.core.interactiveshell import InteractiveShell

    runs, got = _sharing_notebooks(tmp_path, here=True)
    assert len({g["pid"] for g in got.values()}) == 1  # the run's one worker ...
    assert got[0]["pid"] != os.getpid() and not InteractiveShell.initialized()  # ... not ours
    assert "BUDGETKIT_READ_CACHE" not in os.environ
    failed = runs.outcomes[2]
    assert failed.failed and failed.cell == 3 and failed.error == "ValueError: boom"
    assert [o.status for o in runs.outcomes[3:]] == ["ok", "ok"]


def test_reports_share_a_warm_kernel_but_start_from_a_clean_namespace(tmp_path):
    """Notebooks that need a kernel (widgets), or where they cannot run in process (a
    cluster worker's threads), share a warm kernel."""
    runs, got = _sharing_notebooks(tmp_path, here=False)
    a, b, bad, quits, after = (tmp_path / f"{n}.ipynb" for n in ("a", "b", "bad", "quits", "after"))
    assert got[0]["pid"] != os.getpid() and got[1]["pid"] == got[0]["pid"]  # b ran in a's kernel
    assert runs.outcomes[2].failed and got[3]["pid"] != got[2]["pid"]  # a failure retires it
    # a notebook that ends its kernel (exit()) is fine itself; the next one gets a new kernel
    assert [o.status for o in runs.outcomes[3:]] == ["ok", "ok"] and got[4]["pid"] != got[3]["pid"]

    out = tmp_path / "out"
    fresh = run_reports([SEED], out, [str(a), str(b)], jobs=1, force=True, reuse_kernel=False)
    pids = [recorded(o.ipynb)["pid"] for o in fresh.outcomes]
    assert pids[0] != pids[1]


def test_only_notebooks_that_declare_it_share_a_kernel(tmp_path):
    """A notebook may change module state (pandas options, decimal context…) that %reset
    keeps: a notebook from elsewhere gets a fresh kernel unless it says it is safe."""
    own = [_notebook(tmp_path / f"own{i}.ipynb", PID, "import decimal") for i in (1, 2)]
    warm = _notebook(tmp_path / "warm.ipynb", PID, warm=True)
    runs = run_reports([SEED], tmp_path / "out", [str(own[0]), str(warm), str(own[1])], jobs=1)
    from budgetkit.report.kernel import warm_kernel_name

    pids = [recorded(o.ipynb)["pid"] for o in runs.outcomes]
    assert len(set(pids)) == 3  # each notebook of its own had a kernel to itself
    assert {warm_kernel_name(NOTEBOOK_DIR / f"{n}.ipynb") for n in ALL_NOTEBOOKS} == {"python3"}


def _kernels_in_child() -> tuple[int, bool]:
    from budgetkit.report import kernel

    return len(kernel._kernels), kernel._finalizer is None


def test_a_forked_worker_leaves_its_parents_kernel_alone(tmp_path):
    """Workers fork from a process that may hold a warm kernel: they must neither use nor
    stop it (its sockets are the parent's), and must register their own clean-up."""
    import multiprocessing

    from budgetkit.report import kernel

    k = kernel.acquire("python3", str(tmp_path))
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            assert pool.apply(_kernels_in_child) == (0, True)
        assert kernel.acquire("python3", str(tmp_path)) is k  # still alive and reusable
    finally:
        kernel.shutdown()


def test_shared_runs_write_the_same_reports_as_fresh_kernels(tmp_path):
    """All five bundled notebooks, one after another in this process (`report.inprocess`),
    write what fresh kernels write: the same outputs in the same order, and nothing a notebook
    leaves in a module (e.g. 'Vega bundle sent') changes the next."""
    warm = run_reports([SEED], tmp_path / "warm", ALL_NOTEBOOKS, jobs=1)
    fresh = run_reports([SEED], tmp_path / "fresh", ALL_NOTEBOOKS, jobs=1, reuse_kernel=False)

    def outputs(o):
        cells = nbformat.read(o.ipynb, as_version=4).cells
        text = json.dumps([(c.get("execution_count"), c.get("outputs")) for c in cells])
        text = re.sub(r"bk-chart-[0-9a-f]{12}", "bk-chart-ID", text)  # random element ids
        text = re.sub(r"view_[0-9a-f]{16}", "view_ID", text)  # Altair's: hashes str(DataFrame)
        return re.sub(r'"model_id": "[0-9a-f]+"', '"model_id": "ID"', text)  # widget ids

    assert warm.exit_code == 0 and fresh.exit_code == 0, warm.summary() + fresh.summary()
    for w, f in zip(warm.outcomes, fresh.outcomes, strict=True):
        assert outputs(w) == outputs(f), w.notebook


def test_incomplete_outputs_are_not_taken_as_current(tmp_path):
    ok = _notebook(tmp_path / "ok.ipynb", "1")
    out = tmp_path / "out"
    first = run_reports([SEED], out, [str(ok)])
    Path(first.outcomes[0].html).unlink()  # as if a crash happened before the rename
    again = run_reports([SEED], out, [str(ok)])
    assert again.outcomes[0].status == "ok" and Path(again.outcomes[0].html).exists()


def test_stored_notebooks_have_no_outputs_and_a_parameters_cell():
    for name in NOTEBOOKS:
        nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), name
        assert any("parameters" in c.metadata.get("tags", []) for c in code), name


def test_renderer_sends_the_bundle_once_and_keeps_scripts_closed():
    render.reset()
    title = "</script><script>alert(1)</script>"
    spec = {"mark": "bar", "title": title, "data": {"values": [{"a": 1}]}}
    first = render.renderer(spec)["text/html"]
    second = render.renderer(spec)["text/html"]
    assert "window.vegaEmbed=" in first and "window.vegaEmbed=" not in second
    assert "</script><script>alert" not in second
    assert "http://" not in second and "https://" not in second
    render.reset()


def test_a_chart_without_data_is_a_note_not_an_empty_frame():
    """Issue 12 item 14: no empty charts; the note is marked for the exporter to drop."""
    render.reset()
    spec = {"mark": "bar", "title": "<b>收入</b>", "datasets": {"d": []}, "data": {"name": "d"}}
    page = render.renderer(spec)["text/html"]
    assert "bk-chart" not in page and render.EMPTY_CLASS in page and "&lt;b&gt;" in page
    assert (
        "window.vegaEmbed=" in render.renderer({**spec, "datasets": {"d": [{"a": 1}]}})["text/html"]
    )  # the bundle still comes with the first chart drawn
    render.reset()


def test_report_module_imports_light():
    code = (
        "import sys, budgetkit.report; "
        "print(sorted(m for m in ('altair','papermill','nbconvert','pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


def test_runner_preload_skips_the_slow_rfc3987_grammar_import():
    """nbformat → jsonschema would compile rfc3987_syntax's grammars (~1 s) on every run."""
    code = (
        "import sys; from budgetkit.report.runner import _preload; _preload(); "
        "print(sys.modules.get('rfc3987_syntax') is None)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "True", out.stderr


def _cells(outcome):
    return nbformat.read(outcome.ipynb, as_version=4).cells


def test_in_process_cells_keep_nbclients_outputs_and_timeout(tmp_path):
    """Streams, displays, results and errors come out as a kernel gives them, in order; a
    cell running past the timeout fails with its own error and the run goes on."""
    cells = (
        "import sys\nprint('a')\nprint('b')\nsys.stderr.write('warn\\n')\ndisplay(1)\nprint('c')\n2",
        "",
        "x = 1",
        "1/0",
    )
    here = _notebook(tmp_path / "here.ipynb", *cells, warm=True, here=True)
    out = tmp_path / "out"
    ran = run_reports([SEED], out, [str(here)], jobs=1)
    fresh = run_reports([SEED], tmp_path / "fresh", [str(here)], jobs=1, reuse_kernel=False)

    def outputs(o):  # tracebacks without their colours (the two highlight code differently)
        text = json.dumps([(c.get("execution_count"), c.get("outputs")) for c in _cells(o)])
        return json.loads(re.sub(r"\\u001b\[[0-9;]*m", "", text))

    assert outputs(ran.outcomes[0]) == outputs(fresh.outcomes[0])
    assert ran.outcomes[0].error == "ZeroDivisionError: division by zero"
    first = next(outs for _, outs in outputs(ran.outcomes[0]) if outs and "text" in outs[0])
    assert [o["output_type"] for o in first] == [
        "stream", "stream", "display_data", "stream", "execute_result"
    ]  # fmt: skip

    assert "ZeroDivisionError" in outputs(ran.outcomes[0])[-1][1][0]["traceback"][-1]

    slow = _notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)", warm=True, here=True)
    t0 = time.perf_counter()
    timed = run_reports([SEED], out, [str(slow), str(here)], jobs=1, timeout=1)
    assert time.perf_counter() - t0 < 20
    assert timed.outcomes[0].error == "CellTimeoutError: the cell ran longer than 1 s"
    assert timed.outcomes[1].error == "ZeroDivisionError: division by zero"  # it went on
