"""Real-browser test of the JupyterLab extension (Debian Chromium, Playwright): the Wallaroo sidebar shows the
demo tree with badges and refreshes, the launcher card opens a notebook whose console renders, snippet commands
insert cells that run, the status item shows the user and hides by setting, and no credential reaches the
browser (extension answers, page HTML, settings). Screenshots: test-output/browser/labext_*.png."""

from __future__ import annotations

import json
import re
import time

import pytest
from labkit import CHROMIUM, LAUNCH_ARGS, OUT, error_outputs, jupyterlab, require_chromium
from testkit import admin_session, deploy_pipeline, distinct_secrets, sandbox_server

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

SIDEBAR_TAB = ".jp-SideBar .lm-TabBar-tab[data-id='wallaroo-sidebar']"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.")  # a JSON Web Token (header and payload start with base64 '{"')


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    require_chromium()
    # deploy_delay: a new deployment stays Starting for an hour (the demo's own deployment is Running)
    with sandbox_server(tmp_path_factory.mktemp("labext-sandbox"), demo=True, deploy_delay=3600,
                        **distinct_secrets()) as srv:
        yield srv


@pytest.fixture(scope="module")
def lab(sandbox, tmp_path_factory):
    """JupyterLab (our server extension gets the sandbox's WALLAROO_* environment, as under `make lab`)."""
    work = tmp_path_factory.mktemp("labext-lab")
    (work / "root").mkdir()
    settings = work / "settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    (settings / "wallaroo-widgets").mkdir()
    (settings / "wallaroo-widgets" / "plugin.jupyterlab-settings").write_text(
        json.dumps({"instanceUrl": sandbox.url, "refreshInterval": 5}))
    with jupyterlab(work, work / "root", sandbox) as base:
        yield {"url": base, "log": work / "jupyterlab.log"}
    assert sandbox.admin_password not in (work / "jupyterlab.log").read_text()  # nor in the server's log


@pytest.fixture(scope="module")
def pg(lab):
    """One page for the module (the tests build on each other: launcher notebook, then snippets in it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 950})
        page = context.new_page()
        page.console_lines = []
        page.extension_bodies = []
        page.on("console", lambda msg: page.console_lines.append(msg.text))

        def keep(resp):
            if "/wallaroo-widgets/" in resp.url:
                try:
                    page.extension_bodies.append((resp.url, resp.text()))
                except Exception:  # noqa: BLE001 - a body gone with a navigation
                    pass

        page.on("response", keep)
        page.polls = []
        page.on("request", lambda req: page.polls.append((time.monotonic(), req.url.split("/wallaroo-widgets/")[1]))
                if "/wallaroo-widgets/" in req.url else None)
        page.goto(f"{lab['url']}/lab?reset")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands.hasCommand("
                               "'wallaroo:open-console') && window.jupyterapp.isPluginActivated("
                               "'wallaroo-widgets:plugin')", timeout=60_000)
        yield page
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"labext_{name}.png"))


def run(page, command: str, args: dict | None = None):
    return page.evaluate("([c, a]) => window.jupyterapp.commands.execute(c, a).then(() => true)",
                         [command, args or {}])


def node(page, kind: str, name: str):
    return page.locator(f".wl-Node[data-kind='{kind}']", has=page.locator(
        ":scope > .wl-Row > .wl-Label", has_text=re.compile(f"^{re.escape(name)}$"))).first


def badges(page, kind: str, name: str) -> list[str]:
    return node(page, kind, name).locator(":scope > .wl-Row > .wl-Badge").all_inner_texts()


def active_cell_text(page) -> str:
    return page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCell.model.sharedModel"
                         ".getSource()")


def run_active_cell_and_wait(page, timeout: float = 60_000) -> str:
    """Run the active cell; return its output text once its prompt has a number."""
    index = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCellIndex")
    run(page, "notebook:run-cell")
    page.wait_for_function("""(i) => { const w = window.jupyterapp.shell.currentWidget;
        const c = w.content.widgets[i]; const k = w.sessionContext.session?.kernel;
        return k && k.status === 'idle' && /\\[\\d+\\]/.test(c.node.querySelector('.jp-InputPrompt').textContent); }""",
                           arg=index, timeout=timeout, polling=250)
    return page.evaluate("(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].node"
                         ".querySelector('.jp-OutputArea').innerText", index)


def deploy_a_starting_pipeline(sandbox) -> tuple[str, str]:
    """A new ccfraud-demo pipeline deployed on the sandbox (Starting: deploy_delay is an hour) -> (its name, the
    deployment's name)."""
    sess = admin_session(sandbox)
    wid = next(w["id"] for w in sess.workspaces.list() if w["name"] == "ccfraud-demo")
    mid = next(m["id"] for m in sess.models.list(wid) if m["name"] == "ccfraud")
    name, _, _, dname = deploy_pipeline(sess, wid, mid, "fraudstarting")
    assert sess.pipelines.status(dname)["status"] == "Starting"
    return name, dname


def test_sidebar_shows_the_demo_tree_with_badges(pg, sandbox):
    starting, deployment = deploy_a_starting_pipeline(sandbox)
    assert any("wallaroo-widgets" in line and "activated" in line for line in pg.console_lines), pg.console_lines
    pg.locator(SIDEBAR_TAB).click()
    sidebar = pg.locator(".wl-Sidebar")
    sidebar.wait_for(state="visible")
    node(pg, "pipeline", "housepricepipe").wait_for(timeout=30_000)
    assert pg.locator(".wl-Dot").get_attribute("data-connected") == "true"
    assert sidebar.locator(".wl-User").inner_text() == sandbox.admin_email
    assert sidebar.locator(".wl-Where").inner_text() == f"Wallaroo Sandbox · {sandbox.url}"
    names = pg.locator(".wl-Node[data-kind='workspace'] > .wl-Row > .wl-Label").all_inner_texts()
    assert {"housepricesaga", "ccfraud-demo"} <= set(names), names
    assert badges(pg, "pipeline", "housepricepipe") == ["Running"]
    for name in ("house price drift", "house price drift v2"):
        assert badges(pg, "assay", name) == ["Ok"]
        assert node(pg, "assay", name).locator(".wl-Active").get_attribute("data-active") == "true"
    assert node(pg, "assay", "house price drift v2").locator(".wl-Count").inner_text() == "V2"
    assert node(pg, "model", "housepricemodel").locator(".wl-Count").inner_text() == "1 version"
    assert badges(pg, "pipeline", "ccfraudpipe") == ["Undeployed"]
    assert badges(pg, "pipeline", starting) == ["Starting"]
    assert [node(pg, "pipeline", p).locator(":scope > .wl-Row > .wl-Badge").get_attribute("title")
            for p in ("housepricepipe", starting, "ccfraudpipe")] == [
        "deployment housepricepipe-1", f"deployment {deployment}", "not deployed"]
    node(pg, "model", "housepricemodel").locator(":scope > .wl-Row").click()  # expand: the version row
    assert node(pg, "model", "housepricemodel").locator(".wl-Node[data-kind='version'] .wl-Badge").inner_text() \
        == "deployed"
    assert pg.locator(".wl-StatusItem").inner_text() == f"Wallaroo: {sandbox.admin_email}"
    shot(pg, "01_sidebar")


def _recoloured_tree(route) -> None:
    """The real /tree answer with the demo's deployment in Error and its assays at Warning / Alert (the sandbox's
    Error needs a deployment past its start delay, an hour here; tests/labext/test_deployment_badges.py produces
    it for real)."""
    tree = route.fetch().json()
    for ws in tree["workspaces"]:
        for p in ws["pipelines"]:
            if p["name"] == "housepricepipe":
                p["status"] = "Error"
        for a in ws["assays"]:
            a["last_status"] = {"house price drift": "Warning", "house price drift v2": "Alert"}.get(
                a["name"], a["last_status"])
    route.fulfill(status=200, content_type="application/json", body=json.dumps(tree))


def badge_colour(page, kind: str, name: str) -> str:
    return node(page, kind, name).locator(":scope > .wl-Row > .wl-Badge").evaluate(
        "e => getComputedStyle(e).backgroundColor")


def test_error_warning_and_alert_badges_are_drawn_in_their_colours(pg):
    from playwright.sync_api import expect

    green = badge_colour(pg, "pipeline", "housepricepipe")
    assert green == "rgb(46, 125, 50)"  # Running
    pg.route("**/wallaroo-widgets/tree*", _recoloured_tree)
    try:
        pg.locator(".wl-Refresh").click()
        expect(node(pg, "pipeline", "housepricepipe").locator(":scope > .wl-Row > .wl-Badge")).to_have_text(
            "Error", timeout=20_000)
        assert badges(pg, "assay", "house price drift") == ["Warning"]
        assert badges(pg, "assay", "house price drift v2") == ["Alert"]
        colours = [badge_colour(pg, k, n) for k, n in (("pipeline", "housepricepipe"), ("assay", "house price drift"),
                                                        ("assay", "house price drift v2"))]
        assert colours == ["rgb(198, 40, 40)", "rgb(224, 142, 11)", "rgb(198, 40, 40)"], colours
        shot(pg, "01b_error_warning_alert")
    finally:
        pg.unroute("**/wallaroo-widgets/tree*")
    pg.locator(".wl-Refresh").click()
    expect(node(pg, "pipeline", "housepricepipe").locator(":scope > .wl-Row > .wl-Badge")).to_have_text(
        "Running", timeout=20_000)


def test_launcher_card_opens_a_notebook_with_the_console(pg):
    pg.locator(".jp-LauncherCard[title*='Wallaroo'], .jp-LauncherCard:has-text('Wallaroo Console')").first.click()
    pg.wait_for_function("() => window.jupyterapp.shell.currentWidget?.content?.widgets?.[0]?.model.sharedModel"
                         ".getSource().includes('console')", timeout=30_000)
    first = pg.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets[0].model.sharedModel"
                        ".getSource()")
    assert "from wallaroo_widgets import console" in first and first.rstrip().endswith("console()"), first
    tabs = pg.locator(".jp-NotebookPanel:visible .jp-OutputArea .widget-tab .lm-TabBar-tab")
    try:
        tabs.first.wait_for(timeout=90_000)
    finally:
        shot(pg, "02_console_notebook")
    titles = [t.strip() for t in tabs.all_inner_texts()]
    assert {"Connect", "Workspaces", "Pipelines", "Assays"} <= set(titles), titles
    pg.wait_for_timeout(500)
    assert error_outputs(pg) == []
    shot(pg, "02_console_notebook")


def test_snippets_insert_cells_that_run(pg, sandbox):
    # palette command with the pipeline selected in the tree -> inference on that pipeline
    node(pg, "pipeline", "housepricepipe").locator(":scope > .wl-Row").click()
    run(pg, "wallaroo:insert-snippet", {"snippet": "infer"})
    code = active_cell_text(pg)
    assert 'pipeline_name = "housepricepipe"' in code and f'"{sandbox.url}"' in code, code  # setting reached it
    out = run_active_cell_and_wait(pg)
    assert "out.variable" in out and "Error" not in out, out
    # the tree's context menu on an assay -> that assay's results
    node(pg, "assay", "house price drift").locator(":scope > .wl-Row").click(button="right")
    item = pg.locator(".lm-Menu-item", has_text="Show the results of this assay")
    item.wait_for(timeout=10_000)
    shot(pg, "03_context_menu")
    item.click()
    code = active_cell_text(pg)
    assert re.search(r"^assay_id = \d+  # house price drift$", code, re.M), code
    out = run_active_cell_and_wait(pg)
    assert "29 result windows; latest status: Ok" in out, out
    # the V2 assay (its UUID) and the workspace's list, from the context menu; connect from the palette command
    for kind, name, label, expect in (
            ("assay", "house price drift v2", "Show the results of this assay",
             "29 result windows; latest status: Ok"),
            ("workspace", "housepricesaga", "List workspaces, models and assays", "models: 1, V1 assays: 1")):
        node(pg, kind, name).locator(":scope > .wl-Row").click(button="right")
        pg.locator(".lm-Menu-item", has_text=label).click()
        out = run_active_cell_and_wait(pg)
        assert expect in out, (name, active_cell_text(pg), out)
    run(pg, "wallaroo:insert-snippet", {"snippet": "connect"})
    out = run_active_cell_and_wait(pg)
    assert f"connected to {sandbox.url} as {sandbox.admin_email}" in out, out
    plot = pg.locator(".jp-NotebookPanel:visible .js-plotly-plot").last
    plot.wait_for(timeout=30_000)
    assert error_outputs(pg) == []
    plot.scroll_into_view_if_needed()
    pg.wait_for_timeout(500)
    shot(pg, "04_snippets_ran")


def test_palette_lists_the_wallaroo_commands(pg):
    run(pg, "apputils:activate-command-palette")
    search = pg.locator(".lm-CommandPalette-input")
    search.fill("Wallaroo")
    items = pg.locator(".lm-CommandPalette-item .lm-CommandPalette-itemLabel")
    items.first.wait_for(timeout=10_000)
    labels = set(items.all_inner_texts())
    shot(pg, "07_palette")
    search.press("Escape")
    assert {"New Wallaroo Console notebook", "Refresh the Wallaroo sidebar", "Show the Wallaroo sidebar",
            "Show the Wallaroo status bar item", "Insert Wallaroo snippet: Connect to Wallaroo",
            "Insert Wallaroo snippet: Open the Wallaroo console", "Insert Wallaroo snippet: Run an inference on this "
            "pipeline", "Insert Wallaroo snippet: Show the results of this assay",
            "Insert Wallaroo snippet: List workspaces, models and assays"} <= labels, labels


def test_status_item_hides_by_setting(pg, sandbox):
    item = pg.locator(".wl-StatusItem")
    assert item.inner_text() == f"Wallaroo: {sandbox.admin_email}"
    run(pg, "wallaroo:toggle-status-bar")
    item.wait_for(state="hidden", timeout=10_000)
    run(pg, "wallaroo:toggle-status-bar")
    item.wait_for(state="visible", timeout=10_000)


def test_refresh_shows_an_undeploy(pg, sandbox):
    from playwright.sync_api import expect

    sess = admin_session(sandbox)
    sess.pipelines.undeploy(pipeline_id=1, deployment_id=1)
    assert badges(pg, "pipeline", "housepricepipe") == ["Running"]  # until refreshed
    pg.locator(".wl-Refresh").click()
    expect(node(pg, "pipeline", "housepricepipe").locator(":scope > .wl-Row > .wl-Badge")).to_have_text(
        "Undeployed", timeout=20_000)
    assert badges(pg, "pipeline", "housepricepipe") == ["Undeployed"]
    shot(pg, "05_refreshed_undeployed")


def test_missing_or_mismatched_server_half_is_explained(pg, sandbox):
    """jupyterlab-git's lesson: a 404 (server extension not enabled) or another server version is said inline."""
    answers = {"body": "", "status": 404}
    pg.route("**/wallaroo-widgets/status*",
             lambda route: route.fulfill(status=answers["status"], body=answers["body"],
                                         content_type="application/json" if answers["body"] else "text/html"))
    try:
        pg.locator(".wl-Refresh").click()
        message = pg.locator(".wl-Message")
        message.wait_for(state="visible", timeout=10_000)
        assert "server extension is not enabled" in message.inner_text()
        assert pg.locator(".wl-StatusItem").inner_text() == "Wallaroo: offline"
        assert pg.locator(".wl-Dot").get_attribute("data-connected") == "false"
        assert "wl-mod-stale" in pg.locator(".wl-Sidebar").get_attribute("class")  # the last tree, dimmed
        shot(pg, "06_server_extension_missing")
        status = {"connected": True, "api_url": sandbox.url, "auth_type": "password", "user": sandbox.admin_email,
                  "instance": "Wallaroo Sandbox", "server_version": "9.9.9", "error": None}
        answers.update(status=200, body=json.dumps(status))
        pg.locator(".wl-Refresh").click()
        pg.wait_for_function("() => document.querySelector('.wl-Message').textContent.includes('version mismatch')",
                             timeout=10_000)
        assert "server extension 9.9.9, frontend" in message.inner_text()
    finally:
        pg.unroute("**/wallaroo-widgets/status*")
    pg.locator(".wl-Refresh").click()
    message.wait_for(state="hidden", timeout=10_000)
    assert pg.locator(".wl-StatusItem").inner_text() == f"Wallaroo: {sandbox.admin_email}"


def _polls_during(page, seconds: float) -> list[str]:
    t0 = time.monotonic()
    page.wait_for_timeout(seconds * 1000)
    return [path for t, path in page.polls if t >= t0]


def test_polling_skips_the_tree_when_collapsed_and_stops_while_hidden(pg):
    pg.locator(SIDEBAR_TAB).click()  # collapse the sidebar: status only (refreshInterval 5 s from the settings)
    pg.locator(".wl-Sidebar").wait_for(state="hidden")
    seen = _polls_during(pg, 6)
    assert any(p.startswith("status") for p in seen) and not any(p.startswith("tree") for p in seen), seen
    pg.evaluate("""() => { Object.defineProperty(document, 'hidden', {value: true, configurable: true});
        Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange')); }""")
    assert _polls_during(pg, 8) == []  # a hidden page polls nothing (the interval is 5 s)
    pg.evaluate("""() => { delete document.hidden; delete document.visibilityState;
        document.dispatchEvent(new Event('visibilitychange')); }""")
    pg.locator(SIDEBAR_TAB).click()
    pg.locator(".wl-Sidebar").wait_for(state="visible")
    seen = _polls_during(pg, 6)
    assert any(p.startswith("tree") for p in seen), seen


def test_polling_backs_off_while_failing(pg, sandbox):
    """Each failed poll doubles the wait (10, 20, 40 s, at most 8 times the 5 s interval), said in the sidebar; a
    success polls at the set interval again."""
    from playwright.sync_api import expect

    pg.route("**/wallaroo-widgets/status*", lambda route: route.fulfill(
        status=500, content_type="application/json", body=json.dumps({"message": "Wallaroo is down"})))
    retry = pg.locator(".wl-Message .wl-Retry")
    try:
        pg.locator(".wl-Refresh").click()
        expect(retry).to_have_text(" · retrying in 10 s", timeout=10_000)
        assert "Wallaroo is down" in pg.locator(".wl-Message").inner_text()
        shot(pg, "08_backing_off")
        assert [p for p in _polls_during(pg, 8) if p.startswith("status")] == []  # not at the 5 s interval
        expect(retry).to_have_text(" · retrying in 20 s", timeout=8_000)  # the automatic retry, failed again
        for wait in (40, 40):  # capped at 8 times the interval
            n = len(pg.polls)
            pg.locator(".wl-Refresh").click()
            deadline = time.monotonic() + 10
            while not any(p.startswith("status") for _, p in pg.polls[n:]) and time.monotonic() < deadline:
                pg.wait_for_timeout(100)  # the click's poll has started ...
            expect(pg.locator(".wl-Sidebar")).not_to_have_class(re.compile("wl-mod-loading"))  # ... and ended
            expect(retry).to_have_text(f" · retrying in {wait} s", timeout=10_000)
    finally:
        pg.unroute("**/wallaroo-widgets/status*")
    pg.locator(".wl-Refresh").click()
    pg.locator(".wl-Message").wait_for(state="hidden", timeout=10_000)
    assert retry.count() == 0
    assert pg.locator(".wl-StatusItem").inner_text() == f"Wallaroo: {sandbox.admin_email}"
    seen = _polls_during(pg, 6)
    assert any(p.startswith("status") for p in seen), seen  # back at the 5 s interval


def test_no_credential_reaches_the_browser(pg, lab, sandbox):
    settings = pg.evaluate("() => fetch('/lab/api/settings/wallaroo-widgets:plugin').then(r => r.text())")
    status = pg.evaluate("() => fetch('/wallaroo-widgets/status?refresh=1').then(r => r.text())")
    texts = {"page": pg.content(), "settings": settings, "status": status,
             **{url: body for url, body in pg.extension_bodies}}
    assert len(pg.extension_bodies) >= 3  # status and tree answers were seen
    assert json.loads(status)["user"] == sandbox.admin_email
    for where, text in texts.items():
        assert sandbox.admin_password not in text, where
        assert sandbox.client_secret not in text, where
        assert not JWT.search(text), where
