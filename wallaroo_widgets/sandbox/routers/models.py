"""``/v1/api/models/*``: uploads (multipart both styles, octet stream, convert) and the model reads."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from .. import db
from ..bodies import bad_text, text_error
from ..deps import Caller, model, model_version, require_user, store, version_item, workspace
from ..errors import ApiError
from . import Body, Id, make_router

router = make_router(errors=(404,), prefix="/v1/api/models", tags=["models"])

_MULTIPART = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "name", "workspace_id"],
    "description": "name/visibility/workspace_id as fields, or (the SDK's style) a 'metadata' field holding them "
                   "as JSON {name, visibility, workspace_id, conversion}; file: an ONNX model onnxruntime loads",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"},
        "visibility": {"type": "string"}, "workspace_id": {"type": "integer"},
        "file": {"type": "string", "format": "binary", "minLength": 1}}}}}}}
_STREAM = {"parameters": [
    {"name": "name", "in": "query", "required": True,
     "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"}},
    {"name": "filename", "in": "query", "required": True, "schema": {"type": "string"}},
    {"name": "visibility", "in": "query", "required": False, "schema": {"type": "string"}},
    {"name": "workspace_id", "in": "query", "required": True, "schema": {"type": "integer"}}],
    "requestBody": {"required": True, "content": {"application/octet-stream": {
        "schema": {"type": "string", "format": "binary", "minLength": 1}}}}}
OWNER = '""'   # the seeds show owner_id as the two-character string ""


class WorkspaceBody(Body):
    workspace_id: Id
    workspace_name: str | None = None


class IdBody(Body):
    """``{"id": n}``; Seed 000's parameter table names it ``model_id``, accepted too."""

    id: Id | None = None
    model_id: Id | None = None

    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": ["id"], "properties": {"id": {"type": "integer"}}},
        {"required": ["model_id"], "properties": {"model_id": {"type": "integer"}}}]})

    def pk(self) -> int:
        if self.id is None and self.model_id is None:
            raise ApiError(400, "missing field 'id'")
        return self.id if self.id is not None else int(self.model_id)


class VersionsBody(Body):
    model_id: str
    models_pk_id: Id


class ConfigBody(Body):
    model_id: Id


class VersionIdBody(Body):
    model_version_id: Id


def _int(value: Any, field: str) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise ApiError(400, f"field '{field}': must be an integer, got {value!r}") from None
    if not -(2**63) <= n < 2**63:
        raise ApiError(400, f"field '{field}': integer out of range")
    return n


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "missing field 'name'")
    if len(value) > 200:
        raise ApiError(400, "field 'name': longer than 200 characters")
    return value.strip()


def _store_upload(request: Request, caller: Caller, *, name: Any, workspace_id: Any, data: bytes, file_name: str,
                  visibility: str | None, conversion: dict | None) -> dict:
    name, wid = _name(name), _int(workspace_id, "workspace_id")
    if not data:
        raise ApiError(400, "field 'file': empty model file")
    st = store(request)
    with st.tx() as conn:
        workspace(conn, caller, wid)
    if ((conversion or {}).get("framework") or "onnx") == "onnx":
        # ONNX models must load in onnxruntime (the loaded session is cached for inference)
        request.app.state.models.get(hashlib.sha256(data).hexdigest(), lambda: data)
    sha = st.write_model_file(data)
    with st.tx(write=True) as conn:
        workspace(conn, caller, wid)
        _, vid = db.add_model_version(conn, wid, name, caller.id, sha, file_name or f"{name}.onnx", len(data),
                                      visibility=visibility, conversion=conversion)
    return {"insert_models": {"returning": [{"models": [{"id": vid}]}]}}


async def _multipart(request: Request) -> tuple[dict, bytes, str]:
    """(fields incl. parsed ``metadata``, file bytes, file name) of either multipart style."""
    try:
        form = await request.form(max_files=2, max_fields=20)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the client's
        raise ApiError(400, f"body must be multipart/form-data with a 'file' part ({type(exc).__name__})") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(400, "missing field 'file' (multipart file part)")
        data = await upload.read()
    finally:
        await form.close()  # the spooled temporary files
    fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    meta = fields.pop("metadata", None)
    if meta is not None:
        try:
            parsed = json.loads(meta)
        except (ValueError, RecursionError):
            raise ApiError(400, "field 'metadata': not valid JSON") from None
        if not isinstance(parsed, dict):
            raise ApiError(400, "field 'metadata': must be a JSON object")
        where = bad_text(parsed)
        if where is not None:
            raise ApiError(400, text_error(f"metadata.{where}"))
        fields = {**fields, **parsed}
    return fields, data, upload.filename or ""


def _conversion(fields: dict) -> dict | None:
    conv = fields.get("conversion")
    if conv is not None and not isinstance(conv, dict):
        raise ApiError(400, "field 'conversion': must be an object")
    return conv


@router.post("/upload", openapi_extra=_MULTIPART, summary="Upload a model (multipart: name/visibility/workspace_id fields or metadata JSON)")
async def upload(request: Request, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    fields, data, fname = await _multipart(request)
    return await run_in_threadpool(_store_upload, request, caller, name=fields.get("name"),
                                   workspace_id=fields.get("workspace_id"), data=data, file_name=fname,
                                   visibility=fields.get("visibility"), conversion=_conversion(fields))


@router.post("/upload_and_convert", status_code=202, openapi_extra=_MULTIPART, summary="Upload a model for conversion (answers 202)")
async def upload_and_convert(request: Request, caller: Caller = Depends(require_user)) -> JSONResponse:  # noqa: B008
    fields, data, fname = await _multipart(request)
    conv = _conversion(fields) or {"framework": "onnx"}
    body = await run_in_threadpool(_store_upload, request, caller, name=fields.get("name"),
                                   workspace_id=fields.get("workspace_id"), data=data, file_name=fname,
                                   visibility=fields.get("visibility"), conversion=conv)
    return JSONResponse(body, status_code=202)


@router.post("/upload_stream", openapi_extra=_STREAM, summary="Upload raw model bytes; name, filename, workspace_id in the query")
async def upload_stream(request: Request, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    q = request.query_params
    if "workspace_id" not in q:
        raise ApiError(400, "missing query parameter 'workspace_id'")
    data = await request.body()
    return await run_in_threadpool(_store_upload, request, caller, name=q.get("name"),
                                   workspace_id=q.get("workspace_id"), data=data,
                                   file_name=q.get("filename") or "", visibility=q.get("visibility"), conversion=None)


def _runtime(item: dict) -> str:
    fw = (item.get("conversion") or {}).get("framework") or "onnx"
    return "onnx" if fw == "onnx" else "flight"


def model_config(item: dict) -> dict:
    return {"id": item["id"], "model_version_id": item["id"], "runtime": _runtime(item), "tensor_fields": None,
            "filter_threshold": None}


def version_summary(item: dict) -> dict:
    """The list_versions / get item (seed keys plus ``status``)."""
    return {"sha": item["sha"], "models_pk_id": item["model_id"], "model_version": item["model_version"],
            "owner_id": OWNER, "model_id": item["name"], "id": item["id"], "file_name": item["file_name"],
            "image_path": None, "status": item["status"]}


def model_version_full(conn, item: dict) -> dict:
    deployed = conn.execute("SELECT 1 FROM deployments d, json_each(d.model_version_ids) j "
                            "WHERE d.active = 1 AND j.value = ?", (item["id"],)).fetchone() is not None
    return {"id": item["id"], "name": item["name"], "visibility": item["visibility"] or "private",
            "workspace_id": item["workspace_id"], "conversion": item["conversion"] or {"framework": "onnx"},
            "image_path": None, "status": item["status"], "task_id": None,
            "file_info": {"version": item["model_version"], "sha": item["sha"], "file_name": item["file_name"],
                          "size": item["size"]},
            "created_by": item["created_by"], "created_at": item["created_at"], "deployed": deployed,
            "error_summary": None}


def _versions(conn, model_id: int) -> list[dict]:
    ids = [r[0] for r in conn.execute("SELECT id FROM model_versions WHERE model_id = ? ORDER BY id", (model_id,))]
    return [version_item(conn, v) for v in ids]


@router.post("/list", summary="Models of a workspace, newest first")
def list_models(request: Request, body: WorkspaceBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        ws = workspace(conn, caller, body.workspace_id)
        out = []
        for mid, in conn.execute("SELECT id FROM models WHERE workspace_id = ? ORDER BY id DESC", (ws["id"],)).fetchall():
            m = model(conn, caller, mid)
            flat = {"id": m["id"], "name": m["name"], "owner_id": OWNER, "workspace_id": ws["id"],
                    "created_at": m["created_at"], "updated_at": m["updated_at"]}
            versions = [{"model_version": model_version_full(conn, v), "config": model_config(v)}
                        for v in _versions(conn, mid)]
            out.append({**flat, "model": dict(flat), "model_versions": versions,
                        "workspace": {"id": ws["id"], "name": ws["name"], "created_by": ws["created_by"],
                                      "archived": ws["archived"], "created_at": ws["created_at"], "group_id": None}})
    return {"models": out}


@router.post("/get_by_id", summary="One model by id")
def get_by_id(request: Request, body: IdBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        m = model(conn, caller, body.pk())
        versions = _versions(conn, m["id"])
    return {"id": m["id"], "owner_id": OWNER, "workspace_id": m["workspace_id"], "name": m["name"],
            "updated_at": m["updated_at"], "created_at": m["created_at"],
            "model_config": model_config(versions[-1]) if versions else None}


@router.post("/list_versions", summary="Versions of a model (model_id = name, models_pk_id = id), oldest first")
def list_versions(request: Request, body: VersionsBody, caller: Caller = Depends(require_user)) -> list:  # noqa: B008
    with store(request).tx() as conn:
        m = model(conn, caller, body.models_pk_id)
        if body.model_id != m["name"]:
            raise ApiError(404, f"model {body.models_pk_id} is not named {body.model_id!r}")
        return [version_summary(v) for v in _versions(conn, m["id"])]


@router.post("/get_config_by_id", summary="Runtime config of a model (version) id")
def get_config_by_id(request: Request, body: ConfigBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        try:
            item = model_version(conn, caller, body.model_id)
        except ApiError:
            m = model(conn, caller, body.model_id)
            item = _versions(conn, m["id"])[-1]
    return {"model_config": model_config(item)}


@router.post("/get", summary="A model with all its versions")
def get(request: Request, body: IdBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        m = model(conn, caller, body.pk())
        ws = workspace(conn, caller, m["workspace_id"])
        versions = [version_summary(v) for v in _versions(conn, m["id"])]
    return {"id": m["id"], "name": m["name"], "owner_id": OWNER, "created_at": m["created_at"],
            "updated_at": m["updated_at"], "models": versions, "workspace": {"id": ws["id"], "name": ws["name"]}}


@router.post("/get_version_by_id", summary="One model version with its config (newer API)")
def get_version_by_id(request: Request, body: VersionIdBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        item = model_version(conn, caller, body.model_version_id)
        return {"model_version": {"model_version": model_version_full(conn, item), "config": model_config(item)}}
