"""Every handler verb is authenticated (jupyter_server's own check, as the extension template's check_auth.py)
and the backend's pure parts: the proxy allowlist, deployment names and the latest assay result."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap

import pytest

from wallaroo_widgets.labserver import ALLOWED_PATHS, Backend, ProxyDenied
from wallaroo_widgets.labserver.tree import deployment_name, latest

CHECK = textwrap.dedent("""
    import json, warnings
    from jupyter_server.serverapp import ServerApp
    from jupyter_server.utils import JupyterServerAuthWarning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = ServerApp(allow_unauthenticated_access=False, jpserver_extensions={"wallaroo_widgets": True},
                        reraise_server_extension_failures=True)
        app.initialize(argv=[], find_extensions=False, new_httpserver=False)
    routes = sorted({r.matcher.regex.pattern for rule in app.web_app.default_router.rules
                     for r in getattr(rule.target, "rules", []) if "wallaroo-widgets" in r.matcher.regex.pattern})
    print(json.dumps({"warnings": [str(w.message) for w in caught if issubclass(w.category, JupyterServerAuthWarning)],
                      "routes": routes}))
""")


def test_jupyter_server_finds_no_unauthenticated_verb(tmp_path):
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(result["routes"]) == 3, result["routes"]  # status, tree, api/(.*)
    lines = [line for w in result["warnings"] for line in w.splitlines() if line.startswith("- ")]
    ours = [line for line in lines if "TermSocket" not in line]
    assert ours == [], ours


def test_every_implemented_verb_is_decorated():
    from jupyter_server.serverapp import _has_tornado_web_authenticated
    from tornado.web import RequestHandler

    from wallaroo_widgets.labserver.handlers import route_handlers

    seen = []
    for _, handler in route_handlers("wallaroo-widgets"):
        assert handler.auth_resource == "wallaroo"
        for verb in handler.SUPPORTED_METHODS:
            method = getattr(handler, verb.lower())
            if method is RequestHandler._unimplemented_method:
                continue
            if hasattr(method, "__allow_unauthenticated"):  # jupyter_server's own CORS preflight (OPTIONS)
                assert method.__module__.startswith("jupyter_server.") and verb == "OPTIONS", method
                continue
            seen.append(f"{handler.__name__}.{verb}")
            assert _has_tornado_web_authenticated(method), f"{handler.__name__}.{verb} is not @authenticated"
    assert {"StatusHandler.GET", "TreeHandler.GET", "ProxyHandler.POST"} <= set(seen)


@pytest.mark.parametrize("path", sorted(ALLOWED_PATHS))
def test_allowlist_is_reads_only(path):
    assert Backend.check_path("/" + path) == path
    verb = path.rsplit("/", 1)[-1]
    assert verb.startswith(("list", "get", ":id")), path


@pytest.mark.parametrize("path", ["v1/api/pipelines/deploy", "v1/api/workspaces/list/", "v1/api/workspaces/list/x",
                                  "v1/api/models/list/../../pipelines/deploy", "V1/api/workspaces/list",
                                  "http://evil.example/v1/api/workspaces/list", "", "v2/api/assays/schedule"])
def test_allowlist_refuses(path):
    with pytest.raises(ProxyDenied):
        Backend.check_path(path)


def test_proxy_refuses_before_creating_a_session():
    be = Backend({"WALLAROO_URL": "http://127.0.0.1:9", "WALLAROO_TOKEN": "t0ken-value"})
    with pytest.raises(ProxyDenied):
        be.proxy("v1/api/pipelines/deploy", {})
    assert be._session is None


@pytest.mark.parametrize("url,name", [
    ("http://h:1/v1/api/pipelines/infer/housepricepipe-1/housepricepipe", "housepricepipe-1"),
    ("https://doc-test.api.example.com/v1/api/pipelines/infer/modeldeploy-15", "modeldeploy-15"),
    ("https://x/v1/api/pipelines/infer/", None), ("https://x/other", None), (None, None),
])
def test_deployment_name(url, name):
    assert deployment_name(url) == name


def test_latest_result_by_time_not_by_order():
    rows = [{"window_start": "2026-11-05T01:00:00.000000Z", "status": "Alert"},
            {"window_start": "2026-11-07T01:00:00+00:00", "status": "Warning"},
            {"window_start": "2026-11-06T01:00:00.123456789Z", "status": "Ok"}]
    assert latest(rows, "window_start") == {"status": "Warning", "window_start": "2026-11-07T01:00:00+00:00"}
    assert latest([], "window_start") == {}
    assert latest([{"window_end": "2026-01-01T00:00:00Z", "status": "BaselineRun"}], "window_end")["status"] is None


def test_status_never_raises_and_scrubs(monkeypatch):
    be = Backend({"WALLAROO_URL": "http://127.0.0.1:9", "WALLAROO_USER": "u", "WALLAROO_PASSWORD": "hunter2-secret",
                  "WALLAROO_CLIENT_SECRET": "client-secret-xyz"}, timeout=(0.5, 0.5), retries=0)
    st = be.status()
    assert st["connected"] is False and st["auth_type"] == "password"
    assert st["error"] and "hunter2-secret" not in json.dumps(st) and "client-secret-xyz" not in json.dumps(st)


def test_secret_traits_and_logged_config_are_masked(caplog):
    """c.WallarooLabApp.password/token/client_secret: masked in the trait's repr, in a bad value's error and in a
    logged config object (Jupyter's --debug "Config changed: %r")."""
    import logging

    from traitlets import TraitError
    from traitlets.config import Config

    from wallaroo_widgets.labserver.app import WallarooLabApp

    pw = "Pw-" + secrets.token_hex(5) + "-xyz"
    cfg = Config({"WallarooLabApp": {"password": pw, "token": "tok-" + pw, "client_secret": "cs-" + pw,
                                     "user": "someone@example.com"}})
    app = WallarooLabApp(config=cfg)
    assert app.password == pw and pw not in repr(app.password) and pw not in repr(app.credentials())
    assert app.credentials()["WALLAROO_PASSWORD"] == pw  # the value itself works unchanged
    with pytest.raises(TraitError) as err:
        app.password = 12345678901  # a non-string password
    assert "12345678901" not in str(err.value)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("wallaroo-test.ServerApp").debug("Config changed: %r", cfg)
        logging.getLogger("wallaroo-test.ServerApp").debug("Config at the time: %s (%s)", cfg, "context")
    text = caplog.text
    assert "Config changed" in text and "someone@example.com" in text and "context" in text
    assert pw not in text and text.count("'password': '***'") == 2


def test_a_password_in_the_url_is_never_shown():
    """WALLAROO_URL=https://user:password@host: refused by Session (it would show in reprs and snippets); the
    status answer and its error show the URL masked."""
    from wallaroo_widgets import Session

    pw = "Pw-" + secrets.token_hex(5) + "-xyz"
    with pytest.raises(ValueError) as err:
        Session.token(f"https://bob:{pw}@h.example", "tok")
    assert pw not in str(err.value) and "https://bob:***@h.example" in str(err.value)
    be = Backend({"WALLAROO_URL": f"http://bob:{pw}@127.0.0.1:9", "WALLAROO_TOKEN": "t" * 20}, retries=0)
    st = be.status()
    assert st["connected"] is False and st["api_url"] == "http://bob:***@127.0.0.1:9"
    assert st["error"] and pw not in json.dumps(st)
