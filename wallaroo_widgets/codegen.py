"""Show code: every HTTP call is kept as a CallRecord that renders as python, ``requests`` and ``curl``.

Records are built from already-redacted values, so a snippet can never contain a token, password or secret.
A JSON body longer than ``MAX_INLINE`` is read from ``body.json`` by the snippets; ``CallRecord.write_body()``
writes that file (passwords stay ``***``).
"""

from __future__ import annotations

import json
import os
import shlex
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from .secrets import TOKEN_MASK, redact, redact_headers

#: JSON bodies longer than this are written to a file in the snippets instead of inline.
MAX_INLINE = 4000
BODY_FILE = "body.json"
_WRITE_HINT = f"# {BODY_FILE}: write it with session.last_call.write_body({BODY_FILE!r}) (passwords there are ***)"


@dataclass
class CallRecord:
    """One HTTP call as sent (secrets masked). ``files`` maps a form part to ``(filename, content_type)``."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: dict[str, str] | None = None
    files: dict[str, tuple[str | None, str | None]] | None = None
    query: dict[str, Any] | None = None
    content_type: str | None = None
    data_file: str | None = None  # raw body (model bytes, inference data) shown as a file name
    api_call: str | None = None  # the same call through this library, e.g. "workspaces.list()"
    status: int | None = None
    elapsed_ms: float | None = None
    omitted_bytes: int | None = None  # set when the JSON body was too large to keep (``json`` is a placeholder)
    read: bool | None = None  # the call's declared kind (``@api(read=...)``): True = a pure read, False = a write

    def __post_init__(self) -> None:
        self.headers = redact_headers(self.headers)
        self.json = redact(self.json)
        self.form = redact(self.form) if self.form else self.form

    @property
    def full_url(self) -> str:
        """URL including the query string."""
        return self.url + ("?" + urlencode(self.query) if self.query else "")

    @cached_property
    def json_text(self) -> str:
        """The recorded JSON body as text (dumped once: every snippet and ``body_in_file`` use it)."""
        return json.dumps(self.json, default=str)

    @property
    def body_in_file(self) -> bool:
        """True when the snippets read the JSON body from ``body.json`` (too large to show inline)."""
        return self.json is not None and not self.files and len(self.json_text) > MAX_INLINE

    def write_body(self, path: str | os.PathLike = BODY_FILE) -> str:
        """Write the JSON body (as recorded: passwords ``***``) for the snippets' ``body.json``; returns the path."""
        if self.omitted_bytes:
            raise ValueError(f"the {self.omitted_bytes}-byte JSON body was too large to keep; it cannot be written")
        if self.json is None or self.files:
            raise ValueError("this call has no JSON body to write (multipart, raw bytes or no body)")
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.json, fh, default=str)
        return os.fspath(path)

    def to_python(self) -> str:
        """This library's call (falls back to ``session.post``; a large body is read from ``body.json``)."""
        head = "from wallaroo_widgets import Session\n"
        call = self.api_call
        if self.body_in_file and (call is None or len(call) > MAX_INLINE):
            head = f"import json\n\n{head}"
            call = f"post({_path(self.url)!r}, json.load(open({BODY_FILE!r})))  {_WRITE_HINT}"
        elif call is None or len(call) > MAX_INLINE:
            call = f"post({_path(self.url)!r}, {self.json if self.json is not None else {}!r})"
        return f"{head}\nsession = Session.from_env()\nresult = session.{call}\n"

    def to_requests(self) -> str:
        """An equivalent plain ``requests`` snippet (token as a placeholder variable)."""
        lines = ["import requests", "", f'token = "{TOKEN_MASK}"  # an MLOps access token from Keycloak', ""]
        if self.body_in_file:
            lines[:0] = ["import json"]
            lines += [f"body = json.load(open({BODY_FILE!r}))  {_WRITE_HINT}"]
        headers = {k: v for k, v in self.headers.items() if k.lower() not in {"content-length", "user-agent"}}
        if "Authorization" in headers:
            headers["Authorization"] = "Bearer {token}"
        args = [repr(self.url)]
        if self.query:
            args.append(f"params={self.query!r}")
        if self.files:
            headers.pop("Content-Type", None)
            parts = []
            for name, (fname, ctype) in self.files.items():
                if fname:
                    parts.append(f"{name!r}: ({fname!r}, open({fname!r}, 'rb'), {ctype!r})")
                else:
                    parts.append(f"{name!r}: (None, {_part_value(self, name)!r}, {ctype!r})")
            args.append("files={" + ", ".join(parts) + "}")
            if self.form:
                args.append(f"data={self.form!r}")
        elif self.data_file:
            lines.append(f"body = open({self.data_file!r}, 'rb')")
            args.append("data=body")
        elif self.form is not None:
            args.append(f"data={self.form!r}")
        elif self.json is not None:
            headers.pop("Content-Type", None)
            args.append("json=body" if self.body_in_file else f"json={self.json!r}")
        hdr = "{" + ", ".join(
            f"{k!r}: f{v!r}" if "{token}" in v else f"{k!r}: {v!r}" for k, v in headers.items()
        ) + "}"
        args.append(f"headers={hdr}")
        lines.append(f"response = requests.{self.method.lower()}(" + ", ".join(args) + ")")
        lines += ["response.raise_for_status()", "print(response.json())", ""]
        return "\n".join(lines)

    def to_curl(self) -> str:
        """An equivalent ``curl`` command (``$TOKEN`` placeholder)."""
        parts = ["curl", "-X", self.method.upper(), shlex.quote(self.full_url)]
        for k, v in self.headers.items():
            if k.lower() in {"content-length", "user-agent"} or (self.files and k.lower() == "content-type"):
                continue
            if k.lower() == "authorization" and v.lower().startswith("bearer"):
                v = f"Bearer {TOKEN_MASK}"
            parts += ["-H", shlex.quote(f"{k}: {v}")]
        if self.files:
            for k, v in (self.form or {}).items():
                parts += ["-F", shlex.quote(f"{k}={v}")]
            for name, (fname, ctype) in self.files.items():
                spec = f"{name}=@{fname}" if fname else f"{name}={_part_value(self, name)}"
                parts += ["-F", shlex.quote(spec + (f";type={ctype}" if ctype else ""))]
        elif self.data_file:
            parts += ["--data-binary", shlex.quote("@" + self.data_file)]
        elif self.form is not None:
            for k, v in self.form.items():
                parts += ["--data-urlencode", shlex.quote(f"{k}={v}")]
        elif self.json is not None:
            parts += (["--data-binary", "@" + BODY_FILE] if self.body_in_file
                      else ["--data", shlex.quote(self.json_text)])
        command = " \\\n  ".join(_pair(parts))
        return f"{_WRITE_HINT}\n{command}" if self.body_in_file else command

    def snippets(self) -> dict[str, str]:
        """``{"python", "requests", "curl"}``."""
        return {"python": self.to_python(), "requests": self.to_requests(), "curl": self.to_curl()}


def _path(url: str) -> str:
    i = url.find("/v1/")
    if i < 0:
        i = url.find("/v2/")
    return url[i:] if i >= 0 else url


def _part_value(rec: CallRecord, name: str) -> str:
    """Inline (non-file) multipart part, e.g. the ``metadata`` JSON of upload_and_convert."""
    value = (rec.json or {}).get(name) if isinstance(rec.json, dict) else None
    return json.dumps(value) if value is not None else ""


def _pair(parts: list[str]) -> list[str]:
    """Group ``curl`` flags with their values so each lands on one continuation line."""
    out = [" ".join(parts[:4])]
    i = 4
    while i < len(parts):
        out.append(f"{parts[i]} {parts[i + 1]}")
        i += 2
    return out


def token_snippets(provider: Any) -> dict[str, str] | None:
    """How to get the token a session uses (Keycloak grant) as ``curl`` and ``requests``, secrets masked.

    None for providers without a token endpoint (static token, SDK client).
    """
    token_url = getattr(provider, "token_url", None)
    grant = getattr(provider, "grant", None)
    if not token_url or not grant:
        return None
    client_id = getattr(provider, "client_id", "api-client")
    form = {"grant_type": grant}
    if grant == "password":
        form |= {"username": getattr(provider, "username", "<user>"), "password": "***"}
    elif grant == "refresh_token":
        form["refresh_token"] = TOKEN_MASK
    curl = ["curl", "-X", "POST", shlex.quote(token_url), "--user", shlex.quote(f"{client_id}:***")]
    for k, v in form.items():
        curl += ["--data-urlencode", shlex.quote(f"{k}={v}")]
    py = "\n".join([
        "import requests", "",
        f"response = requests.post({token_url!r}, data={form!r}, auth=({client_id!r}, '***'))",
        "response.raise_for_status()",
        'token = response.json()["access_token"]', "",
    ])
    return {"curl": " \\\n  ".join(_pair(curl)), "requests": py}
