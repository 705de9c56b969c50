"""Real-browser test: JupyterLab in Debian's headless Chromium runs notebooks/00_console.ipynb.

A demo sandbox and a JupyterLab server (root dir = a tmp copy of notebooks/) are started, Playwright
opens the console notebook, runs all cells and checks the console's tabs, an interactive table and a
Plotly chart rendered with no error output. Screenshots land in test-output/browser/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
OUT = ROOT / "test-output" / "browser"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
NOTEBOOK = "00_console.ipynb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must `apt-get install -y chromium`")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); never a downloaded browser")


@pytest.fixture(scope="module")
def demo_sandbox(tmp_path_factory):
    _require_chromium()
    from wallaroo_widgets.sandbox import SandboxServer

    with SandboxServer(tmp_path_factory.mktemp("browser-sandbox"), port=0, demo=True) as srv:
        yield srv


@pytest.fixture(scope="module")
def lab(demo_sandbox, tmp_path_factory):
    """A JupyterLab server on a free port over a tmp copy of notebooks/; yields its base URL."""
    work = tmp_path_factory.mktemp("lab")
    root = work / "root"
    root.mkdir()
    settings = work / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(nb, root / nb.name)
    port = _free_port()
    env = dict(os.environ)
    env.pop("WALLAROO_TOKEN", None)
    env.update(
        WALLAROO_URL=demo_sandbox.url,
        WALLAROO_USER=demo_sandbox.admin_email,
        WALLAROO_PASSWORD=demo_sandbox.admin_password,
        WALLAROO_CLIENT_SECRET=demo_sandbox.client_secret,
        JUPYTER_CONFIG_DIR=str(work / "config"),  # no user config leaks in
        JUPYTERLAB_SETTINGS_DIR=str(work / "settings"),  # no "news" pop-up over the screenshots
        JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"),
    )
    jupyter = Path(sys.executable).with_name("jupyter")
    cmd = [
        str(jupyter), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
        "--IdentityProvider.token=", "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={root}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = work / "jupyterlab.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {log_path.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(base + "/api/status", timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("JupyterLab did not answer within 60 s") from None
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def _open(pg, lab: str, notebook: str) -> None:
    """Open one notebook alone (a fresh JupyterLab workspace, nothing restored) and wait for its kernel."""
    pg.goto(f"{lab}/lab/workspaces/{notebook.split('.')[0]}/tree/{notebook}?reset")
    _wait_for_kernel(pg)


def _run_all(pg, name: str) -> None:
    pg.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    try:
        pg.wait_for_function(ALL_CELLS_DONE, timeout=120_000, polling=500)
    finally:
        _shot(pg, name)


KERNEL_IDLE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""

ALL_CELLS_DONE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.content) return false;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const prompts = [...w.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
  return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
}"""


def _wait_for_kernel(pg, timeout: float = 60.0) -> None:
    """Wait until the notebook's kernel is idle; accept a "Select Kernel" dialog (Python 3) if one opens."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pg.evaluate(KERNEL_IDLE):
            return
        dialog = pg.locator(".jp-Dialog button.jp-mod-accept")
        if dialog.count():
            dialog.first.click()
        pg.wait_for_timeout(250)
    raise AssertionError("the notebook kernel did not become idle within 60 s")


def _shot(pg, name: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    pg.screenshot(path=str(path), full_page=True)
    return path


def _error_outputs(pg) -> list[str]:
    texts = pg.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    return [t for t in texts if "Error" in t or "Traceback" in t]


def test_console_notebook_renders_in_chromium(lab, page):
    pg = page
    _open(pg, lab, NOTEBOOK)
    _run_all(pg, "01_run_all.png")
    assert _error_outputs(pg) == [], "a cell printed an error"

    out = pg.locator(".jp-OutputArea")
    tabs = out.locator(".widget-tab .lm-TabBar-tab")
    tabs.first.wait_for(timeout=30_000)
    titles = [t.strip() for t in tabs.all_inner_texts()]
    for expected in ("Connect", "Users", "Workspaces", "Models", "Pipelines", "Enablement", "Assays",
                     "Assay builder"):
        assert expected in titles, (expected, titles)

    # A table: the Workspaces tab lists the demo workspace in an interactive (itables) table.
    out.locator(".widget-tab .lm-TabBar-tab", has_text="Workspaces").first.click()
    table = out.locator(".widget-tab table:visible", has_text="housepricesaga").first
    table.wait_for(state="visible", timeout=30_000)
    pg.wait_for_timeout(500)
    _shot(pg, "02_workspaces_table.png")
    assert table.locator("tbody tr").count() >= 1

    # A Plotly chart: the Assays tab shows the demo assay's score timeline with one marker per window.
    out.locator(".widget-tab .lm-TabBar-tab", has_text="Assays").first.click()
    chart = out.locator(".widget-tab .js-plotly-plot:visible").first
    chart.wait_for(state="visible", timeout=30_000)
    chart.scroll_into_view_if_needed()
    pg.wait_for_function(
        """() => [...document.querySelectorAll('.widget-tab .js-plotly-plot')]
                 .some(p => p.offsetParent !== null && p.querySelectorAll('.scatterlayer .point').length >= 10)""",
        timeout=30_000,
    )
    pg.wait_for_timeout(500)
    _shot(pg, "03_assays_timeline.png")
    assert _error_outputs(pg) == []

    # Every tab renders its panel (visible widgets, no error output); one screenshot each to look at.
    for title in titles:
        tab = out.locator(".widget-tab .lm-TabBar-tab", has_text=title).first
        tab.click()
        pg.wait_for_function("""() => [...document.querySelectorAll('.widget-tab .widget-tab-contents > *')]
                                .some(w => w.offsetParent !== null && w.getBoundingClientRect().height > 20)""",
                             timeout=30_000)
        tab.scroll_into_view_if_needed()
        pg.evaluate("() => { const t = document.querySelector('.widget-tab'); t && t.scrollIntoView(); }")
        pg.wait_for_timeout(500)
        _shot(pg, f"tab_{title.lower().replace(' ', '_')}.png")
        assert _error_outputs(pg) == [], title


ALERT_MARKERS = """() => {
  // every rendered chart with an "Alert" trace draws one marker per Alert window
  const out = [];
  for (const gd of document.querySelectorAll('.jp-OutputArea .js-plotly-plot')) {
    const traces = gd.querySelectorAll('.scatterlayer .trace');
    (gd.data || []).forEach((t, k) => {
      if (t.name === 'Alert' && (t.x || []).length) {
        out.push([(t.x || []).length, traces[k] ? traces[k].querySelectorAll('.point').length : 0]);
      }
    });
  }
  return out;
}"""


def test_drift_notebook_renders_builder_in_chromium(lab, page):
    """08_drift_exploration runs in the browser; every timeline (engine, builder) shows its Alert windows."""
    pg = page
    _open(pg, lab, "08_drift_exploration.ipynb")
    _run_all(pg, "04_drift_run_all.png")
    assert _error_outputs(pg) == [], "a cell printed an error"
    charts = pg.locator(".jp-OutputArea .js-plotly-plot")
    assert charts.count() >= 8
    charts.last.scroll_into_view_if_needed()
    pg.wait_for_timeout(1000)
    _shot(pg, "05_drift_builder.png")
    alerts = pg.evaluate(ALERT_MARKERS)
    assert len(alerts) >= 3, alerts  # daily and sliding timelines plus the builder's
    assert all(drawn == expected for expected, drawn in alerts), alerts
