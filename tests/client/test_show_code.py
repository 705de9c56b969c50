"""Show code shows exactly the call that was sent: for every public ``@api`` method (found by walking the API
modules, so a new method without a case fails here), the method runs against the sandbox, then its ``requests``
snippet and its Python snippet run against the same sandbox, and all three must send the same method, path,
query and body (JSON compared as parsed, multipart part by part, raw bodies byte for byte). Requests are
recorded on the wire by wrapping ``requests.adapters.HTTPAdapter.send``.
"""

from __future__ import annotations

import ast
import email.parser
import importlib
import inspect
import json
import pkgutil
import warnings
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter
from testkit import uniq

import wallaroo_widgets.api as api_pkg
from wallaroo_widgets import errors
from wallaroo_widgets.api import Area
from wallaroo_widgets.secrets import redact

from .show_code_cases import CASES, build_context
from .test_e2e_models_pipelines import cc_rows, deployed, model_file  # noqa: F401  (module fixtures)


def _areas() -> list[type[Area]]:
    for mod in pkgutil.iter_modules(api_pkg.__path__):
        importlib.import_module(f"{api_pkg.__name__}.{mod.name}")
    found, todo = [], list(Area.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith(api_pkg.__name__ + "."):
            found.append(cls)
    return found


def _public(cls: type[Area]) -> dict[str, object]:
    names = {n for k in cls.__mro__ if k not in (Area, object) for n in vars(k) if not n.startswith("_")}
    return {n: getattr(cls, n) for n in names if callable(getattr(cls, n)) and n not in ("area", "session_attr")}


def api_methods() -> dict[str, object]:
    return {f"{cls.session_attr or cls.area}.{n}": fn for cls in _areas() for n, fn in _public(cls).items()
            if hasattr(fn, "__api__")}


def test_every_public_method_is_declared_and_has_a_case():
    undeclared = [f"{cls.__name__}.{n}" for cls in _areas() for n, fn in _public(cls).items()
                  if not hasattr(fn, "__api__") and not getattr(fn, "__api_helper__", False)]
    assert undeclared == [], "decorate with @api(read=...) (sends a request) or @helper (sends none itself)"
    found = api_methods()
    assert len(found) >= 45
    assert sorted(set(found) - set(CASES)) == [], "add a case to tests/client/show_code_cases.py"
    assert sorted(set(CASES) - set(found)) == []


# --- recording the wire -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wire():
    """Every request any ``requests`` adapter sends in this module (file bodies read into bytes)."""
    sent: list[requests.PreparedRequest] = []
    original = HTTPAdapter.send

    def send(self, request, *args, **kwargs):
        if hasattr(request.body, "read"):
            request.body = request.body.read()
            request.headers.pop("Transfer-Encoding", None)
            request.headers["Content-Length"] = str(len(request.body))
        sent.append(request)
        return original(self, request, *args, **kwargs)

    HTTPAdapter.send = send
    yield sent
    HTTPAdapter.send = original


def _api_requests(sent: list[requests.PreparedRequest], start: int) -> list[requests.PreparedRequest]:
    return [r for r in sent[start:] if "/auth/realms/" not in urlsplit(r.url).path]


def shape(req: requests.PreparedRequest) -> dict:
    """Method, path, query, content type and body of one request, comparable across senders."""
    url = urlsplit(req.url)
    ctype = req.headers.get("Content-Type", "")
    body = req.body.encode() if isinstance(req.body, str) else (req.body or b"")
    if ctype.startswith("multipart/"):
        msg = email.parser.BytesParser().parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + body)
        content = {p.get_param("name", header="content-disposition"):
                   (p.get_filename(), p.get_content_type(), _json_or_bytes(p.get_payload(decode=True)))
                   for p in msg.get_payload()}
        ctype = "multipart/form-data"
    elif "json" in ctype:
        content = redact(json.loads(body))  # the snippets carry passwords as ***
    else:
        content = body
    return {"method": req.method, "path": url.path, "query": sorted(parse_qsl(url.query)), "content_type": ctype,
            "body": content}


def _json_or_bytes(data: bytes):
    try:
        return redact(json.loads(data))
    except ValueError:
        return data


# --- the check ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ctx(deployed, cc_rows, model_file):  # noqa: F811
    return build_context(deployed, cc_rows, model_file[0])


def _run_snippet(code: str, names: dict) -> None:
    try:
        exec(compile(code, "snippet", "exec"), {"print": lambda *a: None, **names})
    except (requests.HTTPError, errors.WallarooError):
        pass  # a replayed write may be refused (duplicate name ...): what was sent is what counts


def _python_call(code: str, fn) -> ast.Call:
    """The ``session.<area>.<method>(...)`` call of a Python snippet, checked to bind to the real signature."""
    calls = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and isinstance(n.func.value, ast.Attribute) and isinstance(n.func.value.value, ast.Name)
             and n.func.value.value.id == "session"]
    assert len(calls) == 1, code
    node = calls[0]
    assert node.func.attr == fn.__name__
    keywords = [k.arg for k in node.keywords]
    inspect.signature(fn).bind(*node.args, **dict.fromkeys(keywords))  # TypeError if it does not bind
    assert not set(keywords) & set(fn.__api__.renamed), "snippets use the current parameter names"
    return node


@pytest.mark.parametrize("name", sorted(CASES))
def test_snippets_send_what_the_method_sent(name, ctx, wire, tmp_path, monkeypatch):
    fn, args, kwargs = CASES[name](ctx)
    s = ctx.s
    start = len(wire)
    fn(*args, **kwargs)
    sent = _api_requests(wire, start)
    assert len(sent) == 1 and s.last_call.status < 400
    want = shape(sent[0])
    rec = s.last_call
    assert rec.api_call.startswith(name + "(") and rec.read is fn.__api__.read

    # files the snippets open: model parts and raw bodies as the method sent them
    monkeypatch.chdir(tmp_path)
    model_bytes = Path(ctx.model_path).read_bytes()
    for fname, _ctype in (rec.files or {}).values():
        if fname:
            (tmp_path / fname).write_bytes(model_bytes)
    if rec.data_file:
        (tmp_path / rec.data_file).write_bytes(sent[0].body)
    token = s.provider.access_token()
    for text in rec.snippets().values():  # secrets stay masked: the token, the passwords the cases send
        assert token not in text and "Temp-pass-1" not in text and "Member-pass-1" not in text

    start = len(wire)
    _run_snippet(rec.to_requests().replace("<token>", token), {})
    replayed = _api_requests(wire, start)
    assert len(replayed) == 1 and replayed[0].headers["Authorization"] == f"Bearer {token}"
    assert shape(replayed[0]) == want, rec.to_requests()

    # the Python snippet binds to the real signature and, run, sends the same request
    code = rec.to_python()
    node = _python_call(code, getattr(getattr(s, name.split(".")[0]), name.split(".")[1]))
    bound = inspect.signature(fn).bind(*args, **kwargs).arguments
    names = {a.id: bound[p] for p, a in zip(inspect.signature(fn).parameters, node.args, strict=False)
             if isinstance(a, ast.Name)}
    names |= {k.value.id: bound[k.arg] for k in node.keywords if isinstance(k.value, ast.Name)}
    monkeypatch.setenv("WALLAROO_URL", s.url)
    monkeypatch.setenv("WALLAROO_TOKEN", token)
    start = len(wire)
    _run_snippet(code, names)
    replayed = _api_requests(wire, start)
    assert len(replayed) == 1 and shape(replayed[0]) == want, code


def test_every_area_is_reachable_from_the_session(session):
    for key in api_methods():
        area, method = key.split(".")
        assert callable(getattr(getattr(session, area), method))


def test_old_keywords_still_work_with_a_deprecation_warning(ctx, wire):
    s = ctx.s

    def sent(send):
        start = len(wire)
        send()
        return shape(_api_requests(wire, start)[0])["body"]

    def old_and_new(area, method, old_kw, new_kw, old, new):
        with pytest.warns(DeprecationWarning) as got:
            before = sent(old)
        assert f"{area}.{method}({old_kw}=...) is deprecated; use {new_kw}=" in [str(w.message) for w in got]
        shown = s.last_call.api_call
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            after = sent(new)
        assert shown == s.last_call.api_call and old_kw not in shown
        return before, after

    spare, name = ctx.spare, uniq("old")
    before, after = old_and_new("pipelines", "create", "pipeline_id", "pipeline_name",
                                lambda: s.pipelines.create(pipeline_id=name, workspace_id=ctx.wid),
                                lambda: s.pipelines.create(pipeline_name=name, workspace_id=ctx.wid))
    assert before == after == {"pipeline_id": name, "workspace_id": ctx.wid, "definition": {}}
    args = (spare["pipeline_variant_pk_id"], spare["pipeline_pk_id"])
    before, after = old_and_new("pipelines", "deploy", "deploy_id", "deployment_name",
                                lambda: s.pipelines.deploy(deploy_id=name, pipeline_version_pk_id=args[0],
                                                           pipeline_id=args[1], model_ids=[ctx.mid]),
                                lambda: s.pipelines.deploy(deployment_name=name, pipeline_version_pk_id=args[0],
                                                           pipeline_id=args[1], model_ids=[ctx.mid]))
    assert before == after and before["deploy_id"] == name
    before, after = old_and_new("models", "list_versions", "model_id", "model_name",
                                lambda: s.models.list_versions(model_id=ctx.model["name"], models_pk_id=ctx.mid),
                                lambda: s.models.list_versions(model_name=ctx.model["name"], model_pk_id=ctx.mid))
    assert before == after == {"model_id": ctx.model["name"], "models_pk_id": ctx.mid}
    with pytest.warns(DeprecationWarning, match="deployment_name.deploy_id=.... is deprecated"):
        assert s.pipelines.deployment_name(deploy_id="p", deployment_id=3) == "p-3"
    assert s.pipelines.deployment_name("p", 3) == s.pipelines.deployment_name(deployment_name="p", deployment_id=3)
    with pytest.raises(TypeError, match="both deploy_id= .deprecated. and deployment_name="):
        s.pipelines.deploy(name, *args, deploy_id=name)
