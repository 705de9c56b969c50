"""Models panel: models of the selected workspace, versions, details/config, uploads with progress, delete (today's
``models/delete_model``, after a confirmation; unavailable on a 2023-era instance)."""

from __future__ import annotations

import html
import io
import json
import os
from typing import Any

import ipywidgets as widgets

from . import validate as v
from .base import Panel
from .pipeline_listing import ConfirmBar
from .table import DataTable
from .views import WorkspaceContext, WorkspacePicker

FRAMEWORKS = ["onnx", "tensorflow", "keras", "pytorch", "sklearn", "xgboost", "python", "mlflow", "custom"]
UPLOAD_MODES = {"plain": "Upload (multipart)", "stream": "Upload stream (large files)",
                "convert": "Upload and convert"}
#: Shown while a multipart upload runs: requests builds the whole body before sending, so only a streamed
#: upload can report the bytes sent (and be cancelled between chunks).
MULTIPART_NOTE = ("uploading {size} as one multipart request (no byte progress; choose \"Upload stream\" for "
                  "progress and Cancel)")


class ProgressReader(io.RawIOBase):
    """A readable, seekable wrapper that reports bytes read. For a streamed upload (``data=`` a file object)
    requests reads the body block by block as it sends it, so this is the send progress."""

    def __init__(self, raw: io.BufferedIOBase, size: int, on_progress, name: str = "model") -> None:
        self._raw, self.size, self._cb, self.name = raw, size, on_progress, name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self._cb(self._raw.tell(), self.size)
        return data

    def readinto(self, buf) -> int:  # pragma: no cover - used by some readers
        data = self.read(len(buf))
        buf[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def __len__(self) -> int:
        return self.size


class ModelsPanel(Panel):
    """Models of ``state.workspace``; select one for its versions, details and config."""

    title = "Models"

    def build(self) -> list[widgets.Widget]:
        self.picker = WorkspacePicker(self)
        self.context = WorkspaceContext(self)  # inside a console: which workspace (the menu is hidden)
        self.table = DataTable(columns=["id", "name", "num_versions", "created_at", "updated_at"], caption="Models",
                               empty="No models in this workspace yet: upload one below")
        self.table.observe(self._on_select, "selected")
        self.versions = DataTable(columns=["id", "model_version", "sha", "file_name", "status"],
                                  caption="Versions of the selected model", page_length=5,
                                  empty="Select a model above to see its versions")
        self.details = widgets.HTML()
        self.refresh_button = self.button("Refresh", self.refresh, icon="refresh")
        self.delete_button = self.button("Delete…", self.delete, icon="trash",
                                         tooltip="Delete the selected model and all its versions (asks first)")
        self.confirm = ConfirmBar(self)
        self.name = widgets.Text(description="Name", placeholder="my-model")
        self.path = widgets.Text(description="File", placeholder="/path/to/model.onnx")
        self.upload_file = widgets.FileUpload(description="Choose file", multiple=False,
                                              layout=widgets.Layout(width="auto"))
        self.mode = widgets.Dropdown(description="Mode", options=[(t, k) for k, t in UPLOAD_MODES.items()])
        self.framework = widgets.Dropdown(description="Framework", options=FRAMEWORKS, value="onnx")
        self.upload_button = self.button("Upload", self.upload, icon="upload", style="primary")
        self.progress = widgets.FloatProgress(min=0.0, max=1.0, value=0.0, description="Upload",
                                              layout=widgets.Layout(visibility="hidden"))
        self.upload_note = widgets.HTML()
        self.cancel_button = self.make_cancel_button("Stop a streamed upload (multipart uploads cannot be stopped)")
        self.observe(lambda c: None if c["new"] else setattr(self.cancel_button, "disabled", True), "busy")
        self.state.observe(self._workspace_changed, "workspace")
        return [
            self.picker, self.context,
            widgets.HBox([self.refresh_button, self.delete_button]),
            self.confirm,
            self.table,
            self.versions,
            self.details,
            widgets.HTML("<b>Upload a model</b> (into the selected workspace)"),
            widgets.HBox([self.name, self.mode, self.framework]),
            widgets.HBox([self.path, self.upload_file]),
            widgets.HBox([self.upload_button, self.cancel_button, self.progress]),
            self.upload_note,
        ]

    def on_session(self) -> None:
        if self.state.workspace:
            self._load()

    def refresh(self) -> None:
        self.run_action(self._load)

    def _workspace_changed(self, change: Any) -> None:
        if change["new"] and self.session is not None:
            self.run_when_idle("models", self._load)
        elif not change["new"]:
            self.table.set_df(self.table.df.iloc[0:0])

    def _load(self) -> None:
        ws = self.require_workspace()
        models = self.require_session().models.list(ws["id"])
        self.table.set_df(models.df, keep="id")

    def _on_select(self, change: Any) -> None:
        row = change["new"]
        if row:
            self.run_when_idle("model details", lambda: self._show_model(row))

    def _show_model(self, row: dict[str, Any]) -> None:
        sess = self.require_session()
        versions = sess.models.list_versions(row["name"], row["id"])
        self.versions.set_df(versions.df)
        details = sess.models.get_by_id(row["id"])
        config = sess.models.get_config_by_id(row["id"]).get("model_config")
        self.details.value = (
            "<b>Details</b><pre style='font-size:12px'>" + html.escape(json.dumps(details, indent=1, default=str))
            + "</pre><b>Config</b><pre style='font-size:12px'>"
            + html.escape(json.dumps(config, indent=1, default=str)) + "</pre>")

    def delete(self) -> None:
        """Ask, then delete the selected model with all its versions (the server refuses one a pipeline uses:
        the reason shows inline)."""
        def act() -> None:
            row = self.table.selected
            if not row:
                raise v.InputError("Select a model in the table first")
            ws = self.require_workspace()
            n = row.get("num_versions")
            what = f" and its {n} version(s)" if n not in (None, "") else " and all its versions"
            self.confirm.ask(f"Delete model <b>{html.escape(str(row['name']))}</b>{what}? Pipelines that use it "
                             "must be deleted first. This cannot be undone.",
                             lambda: self.run_action(lambda: self._delete(ws["id"], str(row["name"]))))
        self.run_action(act)

    def _delete(self, workspace_id: int, name: str) -> None:
        sess = self.require_session()
        if not sess.pipelines.has_current_api():
            raise v.InputError("This instance has no models/delete_model (a 2023-era API)")
        freed = sess.models.delete_model(workspace_id, name)
        self._load()
        self.versions.set_df(self.versions.df.iloc[0:0])
        self.details.value = ""
        self.state.models_changed += 1  # the Pipelines tab drops it from the steps
        self.message = f"Deleted model {name} ({_size(freed)} freed)"

    # -- upload --------------------------------------------------------------------------------------
    def _source(self) -> tuple[Any, str, int]:
        """(file-like, file name, size) from the FileUpload widget or the path field."""
        uploaded = self.upload_file.value
        if uploaded:
            item = uploaded[0]
            data = bytes(item["content"])
            return io.BytesIO(data), item["name"], len(data)
        path = v.file_present(self.path.value, "Model file")
        return open(path, "rb"), os.path.basename(path), os.path.getsize(path)  # noqa: SIM115 - closed by caller

    def upload(self) -> None:
        """Upload with the chosen mode into the selected workspace (in a thread; :meth:`wait` joins it). A
        streamed upload drives the progress bar with the bytes sent and Cancel stops it between chunks; a
        multipart upload (plain or convert) is one request built in memory: an indeterminate "uploading…"
        bar, no Cancel."""
        def act() -> None:
            ws = self.require_workspace()
            name = v.dns_name(self.name.value, "Model name")
            raw, fname, size = self._source()
            models = self.require_session().models
            streamed = self.mode.value == "stream"
            self._upload_started(streamed, size)

            def moved(done: int, total: int) -> None:
                self.check_cancel()  # raising inside read() aborts the request body mid-stream
                self.progress.value = min(1.0, done / total) if total else 1.0

            try:
                if streamed:
                    out = models.upload_stream(name, ws["id"], ProgressReader(raw, size, moved, name=fname),
                                               filename=fname)
                elif self.mode.value == "convert":
                    out = models.upload_and_convert(name, ws["id"], raw, framework=self.framework.value,
                                                    filename=fname)
                else:
                    out = models.upload(name, ws["id"], raw, filename=fname)
            except Exception:
                self._upload_done(False)
                raise
            finally:
                raw.close()
            self._upload_done(True)
            self.upload_file.value = ()  # a second Upload click must not silently make another version
            self.state.models_changed += 1  # the Pipelines tab offers it as a step
            self._load()
            self.table.select_where("name", name)
            self.message = f"Uploaded {fname} as {name} (id {out['id']})"
        self.cancel_button.disabled = self.mode.value != "stream"  # before the thread: Cancel is clickable at once
        self.run_action(act, background=True)

    def _upload_started(self, streamed: bool, size: int) -> None:
        if streamed:
            self.upload_note.value = ""
            self.progress.value, self.progress.bar_style, self.progress.layout.visibility = 0.0, "info", "visible"
        else:
            self.progress.layout.visibility = "hidden"
            self.upload_note.value = ("<progress style='width:14em'></progress> "
                                      + html.escape(MULTIPART_NOTE.format(size=_size(size))))

    def _upload_done(self, ok: bool) -> None:
        self.cancel_button.disabled = True
        self.upload_note.value = ""
        if self.progress.layout.visibility == "visible":
            self.progress.bar_style = "success" if ok else "danger"
            if ok:
                self.progress.value = 1.0


def _size(n: int) -> str:
    """``812 bytes``, ``3.4 MB``."""
    value, unit = float(n), "bytes"
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    return f"{n} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
