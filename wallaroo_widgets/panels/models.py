"""Models panel: models of the selected workspace, versions, details/config, uploads with progress."""

from __future__ import annotations

import html
import io
import json
import os
from typing import Any

import ipywidgets as widgets

from . import validate as v
from .base import Panel
from .table import DataTable

FRAMEWORKS = ["onnx", "tensorflow", "keras", "pytorch", "sklearn", "xgboost", "python", "mlflow", "custom"]
UPLOAD_MODES = {"plain": "Upload (multipart)", "stream": "Upload stream (large files)",
                "convert": "Upload and convert"}


class ProgressReader(io.RawIOBase):
    """A readable, seekable wrapper that reports bytes read (drives the upload progress bar)."""

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
        self.table = DataTable(columns=["id", "name", "num_versions", "created_at", "updated_at"], caption="Models")
        self.table.observe(self._on_select, "selected")
        self.versions = DataTable(columns=["id", "model_version", "sha", "file_name", "status"],
                                  caption="Versions", page_length=5)
        self.details = widgets.HTML()
        self.refresh_button = self.button("Refresh", self.refresh, icon="refresh")
        self.name = widgets.Text(description="Name", placeholder="my-model")
        self.path = widgets.Text(description="File", placeholder="/path/to/model.onnx")
        self.upload_file = widgets.FileUpload(description="Choose file", multiple=False)
        self.mode = widgets.Dropdown(description="Mode", options=[(t, k) for k, t in UPLOAD_MODES.items()])
        self.framework = widgets.Dropdown(description="Framework", options=FRAMEWORKS, value="onnx")
        self.upload_button = self.button("Upload", self.upload, icon="upload", style="primary")
        self.progress = widgets.FloatProgress(min=0.0, max=1.0, value=0.0, description="Upload",
                                              layout=widgets.Layout(visibility="hidden"))
        self.cancel_button = widgets.Button(description="Cancel", icon="times", disabled=True,
                                            tooltip="Stop a streamed upload")
        self.cancel_button.on_click(lambda _b: self.cancel())
        self.observe(lambda c: setattr(self.cancel_button, "disabled", not c["new"]), "busy")
        self.state.observe(lambda _c: self.run_action(self._load) if self.session else None, "workspace")
        return [
            widgets.HBox([self.refresh_button]),
            self.table,
            self.versions,
            self.details,
            widgets.HTML("<b>Upload a model</b> (into the selected workspace)"),
            widgets.HBox([self.name, self.mode, self.framework]),
            widgets.HBox([self.path, self.upload_file]),
            widgets.HBox([self.upload_button, self.progress, self.cancel_button]),
        ]

    def on_session(self) -> None:
        if self.state.workspace:
            self._load()

    def refresh(self) -> None:
        self.run_action(self._load)

    def _workspace(self) -> dict[str, Any]:
        if not self.state.workspace:
            raise v.InputError("Select a workspace in the Workspaces tab first")
        return self.state.workspace

    def _load(self) -> None:
        ws = self._workspace()
        models = self.require_session().models.list(ws["id"])
        self.table.set_df(models.df, keep="id")

    def _on_select(self, change: Any) -> None:
        if change["new"]:
            if self.busy:
                self._show_model(change["new"])
            else:
                self.run_action(lambda: self._show_model(change["new"]))

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
        """Upload with the chosen mode into the selected workspace (in a thread; :meth:`wait` joins it). The
        progress bar follows the bytes sent; Cancel stops a streamed upload between chunks."""
        def act() -> None:
            ws = self._workspace()
            name = v.dns_name(self.name.value, "Model name")
            raw, fname, size = self._source()
            self.progress.value, self.progress.bar_style = 0.0, "info"
            self.progress.layout.visibility = "visible"

            def moved(done: int, total: int) -> None:
                self.check_cancel()  # raising inside read() aborts the request body mid-stream
                self.progress.value = min(1.0, done / total) if total else 1.0

            reader = ProgressReader(raw, size, moved, name=fname)
            models = self.require_session().models
            try:
                if self.mode.value == "stream":
                    out = models.upload_stream(name, ws["id"], reader, filename=fname)
                elif self.mode.value == "convert":
                    out = models.upload_and_convert(name, ws["id"], reader, framework=self.framework.value,
                                                    filename=fname)
                else:
                    out = models.upload(name, ws["id"], reader, filename=fname)
            except Exception:
                self.progress.bar_style = "danger"
                raise
            finally:
                raw.close()
            self.progress.value, self.progress.bar_style = 1.0, "success"
            self._load()
            self.table.select_where("name", name)
            self.message = f"Uploaded {fname} as {name} (id {out['id']})"
        self.run_action(act, background=True)
