"""The explorer in a real JupyterLab, driven by headless Chromium (Playwright, system browser).

test_explorer.py drives the widget objects from Python; this runs notebooks/explore.ipynb in a
JupyterLab server on a free port with a random token, clicks a 下级 entry in the page, and
checks that the front end shows the new breadcrumb and list (issue 12 item 11: the list was
empty there, and a pick raised TraitError in the kernel). A screenshot is left in the test's
tmp folder (explorer.png) for a person to look at.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, SEED

CHROMIUM = next(
    (
        p
        for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
        if p and Path(p).exists()
    ),
    None,
)
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (the server's kernels), from /proc."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _get(url: str, timeout: float = 2.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read() or b"null")


@pytest.fixture
def lab(tmp_path):
    """(base url, token, server pid, kernel pids seen): a JupyterLab on a copy of
    explore.ipynb and the seed, shut down (server and kernels) whatever the test does.
    Skips without Chromium or Playwright."""
    if CHROMIUM is None:
        pytest.skip("headless Chromium not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright not installed (.[dev])")
    root = tmp_path / "lab"
    (root / "notebooks").mkdir(parents=True)
    (root / "data" / "seed").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "explore.ipynb", root / "notebooks")
    shutil.copy(SEED, root / "data" / "seed")
    news = tmp_path / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)  # no "notified about Jupyter news?" toast over the page
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port, token = _free_port(), secrets.token_hex(16)
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),  # the kernel's `python`
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    log = (tmp_path / "lab.log").open("wb")
    server = subprocess.Popen(
        [
            str(Path(bin_dir) / "jupyter"),
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.port_retries=0",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=",
            "--LabApp.extension_manager=readonly",  # no PyPI queries
            *(["--allow-root"] if os.geteuid() == 0 else []),  # CI containers run as root
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    kernels: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited: {(tmp_path / 'lab.log').read_text()[-2000:]}")
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("jupyter lab did not answer within 30 s")
                time.sleep(0.3)
        yield base, token, server.pid, kernels
    finally:
        kernels.update(_children(server.pid))
        try:
            req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(req, timeout=5).close()
        except OSError:
            pass
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        for pid in kernels:  # a kernel the shutdown left behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        log.close()


def _texts(locator) -> list[str]:
    """Inner texts with the no-break spaces ipywidgets puts in option labels made plain."""
    return [t.replace("\xa0", " ") for t in locator.all_inner_texts()]


def _settle(locator, expected: list[str], timeout: float = 60.0) -> list[str]:
    """The texts once they equal `expected` (the kernel's updates arrive one by one), or
    as they are after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (got := _texts(locator)) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return got


def _chart_svg(page) -> str:
    """The explorer's chart: an <img> of the SVG the kernel drew (data: URI), decoded."""
    src = page.locator(".widget-vbox .jp-OutputArea-output img").first.get_attribute("src")
    return urllib.parse.unquote(src or "")


def test_explorer_drills_down_in_jupyterlab(lab, tmp_path):
    base, token, server_pid, kernels = lab
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1200})
        page.set_default_timeout(60_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(f"{base}/lab/tree/notebooks/explore.ipynb?token={token}")
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
            kernels.update(_children(server_pid))
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

            options = page.locator(".widget-select select option")
            crumbs = page.locator(".widget-hbox").filter(has=page.get_by_text("上一级")).first
            options.first.wait_for(timeout=90_000)
            top = [
                "201 一般公共服务支出  298.75 万元",
                "208 社会保障和就业支出  23.12 万元",
                "210 卫生健康支出  8.18 万元",
                "221 住房保障支出  12.27 万元",
            ]
            assert _settle(options, top) == top
            buttons = crumbs.locator("button")
            assert _settle(buttons, ["↑ 上一级", "全部类"]) == ["↑ 上一级", "全部类"]

            options.first.click()  # 201 一般公共服务支出: its 款 replace the 类
            kuan = ["20103 政府办公厅（室）及相关机构事务  298.75 万元"]
            assert _settle(options, kuan) == kuan
            trail = ["↑ 上一级", "全部类", "一般公共服务支出"]
            assert _settle(buttons, trail) == trail

            options.first.click()  # 20103: its 项
            xiang = ["2010302 一般行政管理事务  182.00 万元", "2010350 事业运行  116.75 万元"]
            assert _settle(options, xiang) == xiang
            trail.append("政府办公厅（室）及相关机构事务")
            assert _settle(buttons, trail) == trail
            assert ">182.00<" in _chart_svg(page)

            page.get_by_role("button", name="占比 %").click()  # chart and list in shares
            shares = ["2010302 一般行政管理事务  53.17%", "2010350 事业运行  34.11%"]
            assert _settle(options, shares) == shares
            page.wait_for_function(  # the chart is redrawn (cleared first, then drawn)
                "() => { const i = document.querySelector("
                "'.widget-vbox .jp-OutputArea-output img');"
                " return i && decodeURIComponent(i.src).includes('>53.17%<'); }"
            )
            assert ">182.00<" not in _chart_svg(page)

            options.first.click()  # 2010302, a 项: the rows behind it, with where printed
            behind = page.locator(".widget-vbox table.bk-table").first
            deadline = time.monotonic() + 60  # the rows behind 20103 until the kernel answers
            while time.monotonic() < deadline and "298.75" in behind.inner_text():
                time.sleep(0.2)
            rows = behind.inner_text()
            assert "164" in rows and "298.75" not in rows, rows  # 表3 line 164
            page.screenshot(path=str(tmp_path / "explorer.png"))
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert not errors, errors
    log = (tmp_path / "lab.log").read_text(errors="replace")
    assert "Traceback" not in log and "TraitError" not in log, log[-3000:]
