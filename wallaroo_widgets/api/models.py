"""``/v1/api/models/*``: upload (multipart), upload_stream, upload_and_convert, list, get_by_id, list_versions,
get_config_by_id, get; newer get_version_by_id; today's list_versions_for_model, get_model_version_by_id,
delete_model, delete_model_versions."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Mapping
from typing import IO, Any

from ..errors import StreamNotResendable
from . import frames
from ._base import ApiList, Area, api, compact, expect, expect_type, upload_id

ModelFile = str | os.PathLike | bytes | IO[bytes]


def _opener(file: ModelFile, filename: str | None) -> tuple[Callable[[], IO[bytes]], str]:
    """(a function giving a fresh readable stream per attempt, the file name to send)."""
    if isinstance(file, str | os.PathLike):
        path = os.fspath(file)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"model file not found: {path}")
        return _PathOpener(path), filename or os.path.basename(path)
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
        return (lambda: io.BytesIO(data)), filename or "model.onnx"
    if hasattr(file, "read"):
        name = filename or os.path.basename(str(getattr(file, "name", "") or "")) or "model.onnx"
        start = file.tell() if _seekable(file) else None
        used = [False]

        def reopen() -> IO[bytes]:
            if used[0]:
                if start is None:
                    raise StreamNotResendable("the non-seekable model stream was already sent and cannot be "
                                              "sent again; pass a path, bytes or a seekable file")
                file.seek(start)
            used[0] = True
            return file

        return reopen, name
    raise TypeError(f"model file must be a path, bytes or a binary file object, not {type(file).__name__}")


class _PathOpener:
    """Opens the model file afresh per attempt; ``close()`` closes every handle it opened."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.handles: list[IO[bytes]] = []

    def __call__(self) -> IO[bytes]:
        self.close()
        fh = open(self.path, "rb")  # closed by close() after the request
        self.handles.append(fh)
        return fh

    def close(self) -> None:
        while self.handles:
            self.handles.pop().close()


def _closing(open_file: Callable[[], IO[bytes]]) -> None:
    if isinstance(open_file, _PathOpener):
        open_file.close()


def _seekable(f: Any) -> bool:
    try:
        return bool(f.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def _file_source(file: Any, arguments: Mapping[str, Any]) -> str:
    """Show code for a model file argument: the path as given, else ``open('<name sent>', 'rb')``."""
    if isinstance(file, str | os.PathLike):
        return repr(os.fspath(file))
    name = arguments.get("filename") or os.path.basename(str(getattr(file, "name", "") or "")) or "model.onnx"
    return f"open({name!r}, 'rb')"


_FILE = {"file": _file_source}


class Models(Area):
    area = "models"

    def _send(self, open_file: Callable[[], IO[bytes]], *args: Any, **kw: Any) -> Any:
        """``_request`` that closes the files it opened from a path afterwards."""
        try:
            return self._request(*args, **kw)
        finally:
            _closing(open_file)

    def _uploaded(self, body: Any) -> dict[str, Any]:
        out = dict(expect_type(body, dict, self.session))
        out["id"] = upload_id(body, self.session)
        return out

    @api(read=False, show=_FILE)
    def upload(self, name: str, workspace_id: int, file: ModelFile, *, visibility: str | None = "public",
               filename: str | None = None) -> dict[str, Any]:
        """Seed-000 multipart upload (fields ``name``, ``visibility``, ``workspace_id`` + part ``file``).
        Returns the ``insert_models`` envelope plus ``id`` (the new model/version id)."""
        open_file, fname = _opener(file, filename)
        form = compact(name=name, visibility=visibility, workspace_id=str(workspace_id))
        resp = self._send(open_file,
            "POST", "/v1/api/models/upload",
            payload=lambda: {"data": form, "files": {"file": (fname, open_file(), "application/octet-stream")}},
            record_form=form, record_files={"file": (fname, "application/octet-stream")},
        )
        return self._uploaded(self.session.parse_json(resp))

    @api(read=False, show=_FILE)
    def upload_stream(self, name: str, workspace_id: int, file: ModelFile, *, filename: str | None = None,
                      visibility: str | None = None) -> dict[str, Any]:
        """Raw-bytes upload (``application/octet-stream``, query ``name, filename, visibility, workspace_id``);
        a path or file object is streamed, not read into memory."""
        open_file, fname = _opener(file, filename)
        params = compact(name=name, filename=fname, visibility=visibility, workspace_id=workspace_id)
        resp = self._send(open_file,
            "POST", "/v1/api/models/upload_stream", payload=lambda: {"data": open_file()},
            content_type="application/octet-stream", params=params, data_file=fname,
        )
        return self._uploaded(self.session.parse_json(resp))

    @api(read=False, show=_FILE)
    def upload_and_convert(
        self, name: str, workspace_id: int, file: ModelFile, *, framework: str = "onnx",
        python_version: str = "3.8", requirements: list[str] | None = None, visibility: str = "public",
        input_schema: str | None = None, output_schema: str | None = None, arch: str | None = None,
        accel: str | None = None, framework_config: dict | None = None, filename: str | None = None,
    ) -> dict[str, Any]:
        """Multipart ``metadata`` (JSON part) + ``file``; the server answers 202 with the ``insert_models``
        envelope (plus ``id`` here). Schemas are base64 serialized Arrow schemas."""
        open_file, fname = _opener(file, filename)
        conversion = compact(framework=framework, python_version=python_version, requirements=requirements or [],
                             arch=arch, accel=accel, framework_config=framework_config)
        metadata = compact(name=name, visibility=visibility, workspace_id=workspace_id, conversion=conversion,
                           input_schema=input_schema, output_schema=output_schema)
        meta_text = json.dumps(metadata)
        resp = self._send(open_file,
            "POST", "/v1/api/models/upload_and_convert",
            payload=lambda: {"files": {"metadata": (None, meta_text, "application/json"),
                                       "file": (fname, open_file(), "application/octet-stream")}},
            record_json={"metadata": metadata},
            record_files={"metadata": (None, "application/json"), "file": (fname, "application/octet-stream")},
        )
        return self._uploaded(self.session.parse_json(resp))

    @api(read=True)
    def list(self, workspace_id: int, workspace_name: str | None = None) -> ApiList:
        """Models of a workspace, newest first. Both answer shapes become flat items ``{id, name, owner_id,
        workspace_id?, created_at, updated_at}``; newer items also keep ``model_versions`` and ``workspace``."""
        body = self._post("list", compact(workspace_id=workspace_id, workspace_name=workspace_name))
        items = []
        for m in expect(body, "models", list, self.session):
            if isinstance(m, dict) and isinstance(m.get("model"), dict):
                flat = dict(m["model"])
                flat["model_versions"] = m.get("model_versions") or []
                if m.get("workspace") is not None:
                    flat["workspace"] = m["workspace"]
                items.append(flat)
            elif isinstance(m, dict):
                items.append(dict(m))
        return ApiList(items, raw=body, frame=frames.models_frame)

    @api(read=True)
    def get_by_id(self, id: int) -> dict[str, Any]:
        """One model: ``{id, owner_id, workspace_id, name, created_at, updated_at, model_config}``."""
        body = self._post("get_by_id", {"id": id})
        return expect_type(body, dict, self.session)

    @api(read=True, renamed={"model_id": "model_name", "models_pk_id": "model_pk_id"})
    def list_versions(self, model_name: str, model_pk_id: int) -> ApiList:
        """Versions of the model named ``model_name`` whose integer pk is ``model_pk_id``, oldest first (``[-1]``
        is the latest). Sent as the API's ``model_id`` (the name) and ``models_pk_id``; those two keywords
        still work here, deprecated."""
        body = self._post("list_versions", {"model_id": model_name, "models_pk_id": model_pk_id})
        return ApiList(expect_type(body, list, self.session), raw=body)

    @api(read=True)
    def get_config_by_id(self, model_id: int) -> dict[str, Any]:
        """``{"model_config": null | {id, runtime, tensor_fields, filter_threshold}}``."""
        body = self._post("get_config_by_id", {"model_id": model_id})
        expect(body, "model_config", (dict, type(None)), self.session)
        return body

    @api(read=True)
    def get(self, id: int) -> dict[str, Any]:
        """A model with its versions: ``{id, name, owner_id, created_at, updated_at, models: [...]}``."""
        body = self._post("get", {"id": id})
        return expect_type(body, dict, self.session)

    @api(read=True)
    def get_version_by_id(self, model_version_id: int) -> dict[str, Any]:
        """Newer API: one model version with its config -> ``{"model_version": {"model_version": {id, name,
        visibility, workspace_id, conversion, status, file_info, ...}, "config": {id, runtime, ...}}}``."""
        body = self._post("get_version_by_id", {"model_version_id": model_version_id})
        expect(body, "model_version", dict, self.session)
        return body

    @api(read=True)
    def list_versions_for_model(self, workspace_id: int, model_name: str) -> ApiList:
        """Today's call: every version of a model (by name in a workspace), oldest first, each
        ``{"model_version": {...file_info, status, deployed...}, "config": {...}}``; ``.df`` one row each."""
        body = self._post("list_versions_for_model", {"model_id": model_name, "workspace_id": workspace_id})
        items = expect(body, "models", list, self.session)
        versions = [v for m in items if isinstance(m, dict) for v in (m.get("model_versions") or [])]
        return ApiList(versions, raw=body, frame=frames.model_versions_frame)

    @api(read=True)
    def get_model_version_by_id(self, model_version_id: int) -> dict[str, Any]:
        """Today's name of :meth:`get_version_by_id` (same body and answer)."""
        body = self._post("get_model_version_by_id", {"model_version_id": model_version_id})
        expect(body, "model_version", dict, self.session)
        return body

    @api(read=False)
    def delete_model(self, workspace_id: int, model_name: str) -> int:
        """Delete a model and all its versions -> bytes freed. A model a pipeline uses -> ConflictError (409)."""
        body = self._post("delete_model", {"model_id": model_name, "workspace_id": workspace_id})
        return expect(body, "bytes", int, self.session)

    @api(read=False)
    def delete_model_versions(self, versions: list[str]) -> int:
        """Delete model versions by UUID (``file_info.version``; all or none) -> bytes freed."""
        body = self._post("delete_model_versions", {"model_versions": list(versions)})
        return expect(body, "bytes", int, self.session)
