"""Notebook 01 in a kernel that has the real SDK: its SDK cell runs ``Session.from_sdk`` on a real client."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("wallaroo")

from .harness import REPO, token_cache  # noqa: E402

NOTEBOOK = REPO / "notebooks" / "01_connect_and_tokens.ipynb"


def _text(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        out.append(o.get("text", "") if o.get("output_type") == "stream" else str(o.get("data", {})))
    return "".join(out)


def test_notebook_01_sdk_cell_uses_the_real_client(sdk_sandbox, sdk_home, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    token_cache(sdk_home).unlink(missing_ok=True)
    monkeypatch.setenv("WALLAROO_URL", sdk_sandbox.url)
    monkeypatch.setenv("WALLAROO_USER", sdk_sandbox.admin_email)
    monkeypatch.setenv("WALLAROO_PASSWORD", sdk_sandbox.admin_password)
    monkeypatch.setenv("WALLAROO_CLIENT_SECRET", sdk_sandbox.client_secret)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    sdk_cells = [c for c in nb.cells if c.cell_type == "code" and "wallaroo.Client(" in c.source]
    assert len(sdk_cells) == 1
    shown = _text(sdk_cells[0])
    assert "not installed" not in shown and "Traceback" not in shown
    assert f"Session(url='{sdk_sandbox.url}', auth=SdkProvider(wl.auth)) -> {sdk_sandbox.admin_email}" in shown
    assert "workspaces, the same through Session.from_sdk(wl) and wl.list_workspaces()" in shown
    sdk_token = json.loads(token_cache(sdk_home).read_text())["access_token"]  # the kernel's SDK login
    assert sdk_token not in "".join(_text(c) for c in nb.cells)
