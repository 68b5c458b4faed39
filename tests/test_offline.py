"""Reports open offline: no external script, and the charts draw in headless Chromium with
networking disabled (every http/https request goes to a dead proxy and fails)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from budgetkit.report import run_reports

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed" / "000_d8581a66e967af08.txt"
CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)"
)


def load_offline(page: Path) -> tuple[str, str]:
    """DOM after scripts ran (virtual time 10 s) and Chromium's console log, network off."""
    with tempfile.TemporaryDirectory() as profile:
        run = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--proxy-server=127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>",
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=10000",
                "--dump-dom",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    return run.stdout, run.stderr


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The three reports on the seed, run one after another in one (warm) kernel."""
    out = tmp_path_factory.mktemp("offline")
    result = run_reports([SEED], out, jobs=1)
    assert result.exit_code == 0, result.summary()
    return {o.notebook: Path(o.html) for o in result.outcomes}


@pytest.mark.parametrize("notebook", ["structure", "trend", "performance"])
def test_report_references_nothing_online(reports, notebook):
    page = reports[notebook].read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", page)
    assert not re.search(r"url\([\"']?https?:", page)
    assert page.count("window.vegaEmbed=") == 1  # the library is inlined once


@needs_chromium
@pytest.mark.parametrize("notebook", ["structure", "trend", "performance"])
def test_report_charts_draw_offline(reports, notebook):
    dom, log = load_offline(reports[notebook])
    n_charts = reports[notebook].read_text(encoding="utf-8").count('class="bk-chart"')
    assert n_charts >= 2
    drawn = dom.count('class="marks"')  # vega-embed's SVG root
    assert drawn == n_charts, f"{drawn} of {n_charts} charts drew"
    assert dom.count('class="mark-') >= 1 and "图表无法显示" not in dom.split("<script")[0]
    assert "Uncaught" not in log
    assert "ERR_PROXY" not in log and "net::ERR" not in log  # nothing tried the network


@needs_chromium
def test_standalone_chart_page_draws_offline(tmp_path):
    import pandas as pd

    from budgetkit.present import charts, images

    chart = charts.sorted_bars(pd.DataFrame({"name": ["甲", "乙"], "amount": [2, 1]}), title="示例")
    page = images.save(chart, tmp_path / "chart.html")
    dom, log = load_offline(page)
    assert dom.count('class="marks"') == 1 and "Uncaught" not in log
