"""Connect panel: client credentials, an existing (duck-typed) SDK client, and console() fallbacks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from testkit import SdkLikeClient

from wallaroo_widgets import Session
from wallaroo_widgets.panels import ConnectPanel, ModelsPanel, console

from .helpers import rendered_text


def test_existing_sdk_client(session):
    panel = ConnectPanel()
    panel.method.value = "sdk"
    panel.sdk_name.value = "wl"
    panel.connect_button.click()  # no IPython shell here: a clear message, no request
    assert panel.error == "no variable 'wl' in the notebook (create it with wl = wallaroo.Client())"
    panel.sdk_client = SdkLikeClient(session.url, lambda n: session.provider.access_token())
    panel.connect_button.click()
    assert panel.error == "", panel.error
    assert panel.state.session.url == session.url and "as admin" in panel.who.value
    assert panel.state.session.workspaces.list()  # the shared token works for API calls
    panel.who.value = ""
    panel.check_button.click()
    assert panel.message == "Connection checked" and "token expires at" in panel.who.value
    fresh = ConnectPanel()
    fresh.check_button.click()
    assert fresh.error == "Not connected: press Connect first"



def test_client_credentials_token_identity(sandbox):
    panel = ConnectPanel()
    panel.url.value = sandbox.url
    panel.method.value = "client_credentials"
    panel.connect_button.click()
    assert panel.error == "Client secret is required"
    panel.client_secret.value = "not-the-secret"
    panel.connect_button.click()
    assert panel.error.startswith("Not authenticated") and "not-the-secret" not in panel.error
    panel.client_secret.value = sandbox.client_secret
    panel.connect_button.click()
    assert panel.error == "", panel.error
    assert "service-account-api-client" in panel.who.value and panel.client_secret.value == ""
    assert sandbox.client_secret not in rendered_text(panel)


def test_console_falls_back_to_the_environment(sandbox, monkeypatch):
    for name in ("WALLAROO_URL", "WALLAROO_TOKEN", "WALLAROO_USER", "WALLAROO_PASSWORD", "WALLAROO_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    offline = console()
    assert "Not connected" in offline.notice.value and "WALLAROO_URL is not set" in offline.notice.value
    assert offline.tabs.selected_index == 0 and offline.state.session is None

    monkeypatch.setenv("WALLAROO_URL", sandbox.url)
    monkeypatch.setenv("WALLAROO_USER", sandbox.admin_email)
    monkeypatch.setenv("WALLAROO_PASSWORD", "wrong-password")
    monkeypatch.setenv("WALLAROO_CLIENT_SECRET", sandbox.client_secret)
    bad = console()
    assert "Not connected: Not authenticated" in bad.notice.value and "wrong-password" not in bad.notice.value

    monkeypatch.setenv("WALLAROO_PASSWORD", sandbox.admin_password)
    good = console()
    assert good.notice.value == "" and good.state.session is not None
    assert len(good.panel("Users").table.df) >= 1 and "token expires at" in good.panel("Connect").who.value


def padded_model_upload(session: Session, tmp_path: Path, prefix: str, padding: int) -> tuple[ModelsPanel, int, Path]:
    """A ModelsPanel on a new workspace (``prefix``-...) and, to upload to it, a valid ccfraud ONNX model whose doc
    string is ``padding`` bytes long -> (panel, workspace id, the model's path)."""
    onnx = pytest.importorskip("onnx")
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    wid = session.workspaces.create(f"{prefix}-{tmp_path.name[-8:]}".replace("_", "-"))["workspace_id"]
    panel = ModelsPanel(session)
    panel.state.workspace = {"id": wid, "name": prefix}
    model = onnx.load_from_string(ccfraud_onnx())
    model.doc_string = "x" * padding
    path = tmp_path / f"{prefix}.onnx"
    path.write_bytes(model.SerializeToString())
    return panel, wid, path


def test_stream_upload_reports_progress_as_bytes_go_out(session, tmp_path):
    # a valid model large enough to go out in many chunks
    panel, wid, path = padded_model_upload(session, tmp_path, "progress", 300_000)
    seen: list[float] = []
    panel.progress.observe(lambda c: seen.append(c["new"]), "value")
    panel.name.value = "streamed"
    panel.path.value = str(path)
    panel.mode.value = "stream"
    panel.upload_button.click()
    panel.wait()
    assert panel.error == "", panel.error
    assert panel.progress.value == 1.0 and panel.progress.bar_style == "success"
    partial = [v for v in seen if 0 < v < 1]
    assert len(partial) >= 3, seen  # several intermediate steps, not a jump from 0 to 1
    assert partial == sorted(partial)

    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model" * 100)
    panel.name.value = "junk"
    panel.path.value = str(junk)
    panel.upload_button.click()
    panel.wait()
    assert panel.error.startswith("Rejected by the server (HTTP 400): model cannot be loaded")
    assert panel.progress.bar_style == "danger"


@pytest.mark.parametrize("mode", ["plain", "convert"])
def test_upload_from_the_file_picker(session, mode):
    from wallaroo_widgets.sandbox.onnx_models import house_price_onnx

    wid = session.workspaces.create(f"picker-{mode}-{id(session) % 100000}")["workspace_id"]
    panel = ModelsPanel(session)
    panel.state.workspace = {"id": wid, "name": "picker"}
    content = house_price_onnx()
    panel.upload_file.value = ({"name": "house.onnx", "type": "application/octet-stream", "size": len(content),
                                "content": memoryview(content),
                                "last_modified": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)},)
    panel.name.value = f"house-{mode}"
    panel.mode.value = mode
    panel.upload_button.click()
    panel.wait()
    assert panel.error == "", panel.error
    versions = session.models.list_versions(f"house-{mode}", panel.table.selected["id"])
    assert versions[-1]["file_name"] == "house.onnx"
    assert panel.upload_file.value == ()  # the picked file is cleared after a successful upload
    panel.upload_button.click()  # so clicking again asks for a file instead of making a new version
    panel.wait()
    assert "Model file" in panel.error, panel.error
    assert len(session.models.list_versions(f"house-{mode}", panel.table.selected["id"])) == len(versions)


def test_a_streamed_upload_can_be_cancelled(session, tmp_path):
    panel, wid, path = padded_model_upload(session, tmp_path, "cancel-up", 8_000_000)
    panel.name.value = "cancelled"
    panel.path.value = str(path)
    panel.mode.value = "stream"
    panel.upload_button.click()
    assert panel.busy and not panel.cancel_button.disabled and panel.upload_button.disabled
    panel.cancel_button.click()
    panel.wait(30)
    assert panel.error == "Cancelled" and panel.progress.bar_style == "danger" and panel.progress.value < 1.0
    assert "cancelled" not in [m["name"] for m in session.models.list(wid)]
    assert not panel.busy and panel.cancel_button.disabled
