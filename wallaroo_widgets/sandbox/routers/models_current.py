"""Today's model calls (``wallaroo_ml_ops_api_client``): list_versions_for_model, get_model_version_by_id,
delete_model, delete_model_versions. Rules: ``sandbox.catalog``; non-members get the unknown-model 404."""

from __future__ import annotations

from fastapi import Depends, Request

from .. import catalog
from ..current_bodies import (
    BytesOut,
    DeleteModelBody,
    DeleteModelVersionsBody,
    ListModelsOut,
    ModelIdBody,
    ModelVersionIdBody,
    ModelVersionOut,
)
from ..deps import Caller, model_version, require_user, store, version_item
from ..errors import error_responses
from . import make_router
from .models import OWNER, model_config, model_version_full

router = make_router(errors=(404,), prefix="/v1/api/models", tags=["models (current)"])


@router.post("/list_versions_for_model", response_model=ListModelsOut,
             summary="A model (model_id = its name) of a workspace with every version and its config")
def list_versions_for_model(request: Request, body: ModelIdBody,
                            caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        m = catalog.model_named(conn, caller, body.workspace_id, body.model_id)
        row = conn.execute("SELECT created_at, updated_at FROM models WHERE id = ?", (m["id"],)).fetchone()
        ids = [r[0] for r in conn.execute("SELECT id FROM model_versions WHERE model_id = ? ORDER BY id", (m["id"],))]
        versions = [version_item(conn, v) for v in ids]
        item = {"model": {"id": m["id"], "name": m["name"], "owner_id": OWNER, "workspace_id": m["workspace_id"],
                          "created_at": row[0], "updated_at": row[1]},
                "model_versions": [{"model_version": model_version_full(conn, v), "config": model_config(v)}
                                   for v in versions],
                "workspace": catalog.ws_item(conn, m["workspace_id"])}
    return {"models": [item]}


@router.post("/get_model_version_by_id", response_model=ModelVersionOut,
             summary="One model version (integer id) with its config (same answer as get_version_by_id)")
def get_model_version_by_id(request: Request, body: ModelVersionIdBody,
                            caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    with store(request).tx() as conn:
        item = model_version(conn, caller, body.model_version_id)
        return {"model_version": {"model_version": model_version_full(conn, item), "config": model_config(item)}}


@router.post("/delete_model", response_model=BytesOut, responses=error_responses(409),
             summary="Delete a model (model_id = its name) and all its versions; 409 if a pipeline uses one")
def delete_model(request: Request, body: DeleteModelBody, caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    st = store(request)
    with st.tx(write=True) as conn:
        m = catalog.model_named(conn, caller, body.workspace_id, body.model_id)
        uuids = [r[0] for r in conn.execute("SELECT model_version FROM model_versions WHERE model_id = ?", (m["id"],))]
        rows = catalog.model_versions_by_uuid(conn, caller, uuids)
        freed, shas = catalog.delete_model_versions(conn, rows)
        conn.execute("DELETE FROM models WHERE id = ?", (m["id"],))
    catalog.unlink_models(st.data_dir, shas)
    return {"bytes": freed}


@router.post("/delete_model_versions", response_model=BytesOut, responses=error_responses(409),
             summary="Delete model versions by UUID (all or none); 409 if a pipeline uses one")
def delete_model_versions(request: Request, body: DeleteModelVersionsBody,
                          caller: Caller = Depends(require_user)) -> dict:  # noqa: B008
    st = store(request)
    with st.tx(write=True) as conn:
        rows = catalog.model_versions_by_uuid(conn, caller, body.model_versions)
        freed, shas = catalog.delete_model_versions(conn, rows)
    catalog.unlink_models(st.data_dir, shas)
    return {"bytes": freed}
