"""Today's pipeline calls (the SDK's generated client; not in the 2023 API): list_pipelines,
get_pipeline_by_name, list_pipeline_versions, get_version, get_logs (+ :meth:`logs` following cursors),
delete_pipeline, delete_pipeline_versions. Mixed into :class:`~wallaroo_widgets.api.pipelines.Pipelines`.

An instance without these calls (a 2023-era API) answers 404; :meth:`CurrentPipelines.has_current_api` asks once
(``list_pipelines`` with no workspace never answers 404 where it exists) and remembers. What the toolkit does
on such an instance: docs/reference/current-api.md."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ..errors import NotFoundError
from . import frames
from ._base import ApiDict, ApiList, Area, api, compact, expect, expect_type, helper, iso


def _logged_model(record: dict) -> str | None:
    """The model name in a log record's ``metadata.last_model`` (JSON text ``{"model_name": ...}``)."""
    last = (record.get("metadata") or {}).get("last_model") if isinstance(record.get("metadata"), dict) else None
    try:
        return json.loads(last).get("model_name") if isinstance(last, str) else None
    except (ValueError, AttributeError):
        return None


class LogPage(ApiList):
    """One ``get_logs`` page: records (``time``, ``in``, ``out``, ``check_failures``, ``metadata``) with
    ``.df``, plus ``.status`` (``x-iteration-status``: ``All`` = last page) and ``.cursor`` (for the next)."""

    def __init__(self, records: list, status: str | None, cursor: str | None) -> None:
        super().__init__(records, raw=records, frame=frames.logs_frame)
        self.status, self.cursor = status, cursor


class CurrentPipelines(Area):
    area = "pipelines"
    _has_current: bool | None = None

    @helper
    def has_current_api(self, refresh: bool = False) -> bool:
        """Whether the instance has today's pipeline calls (asked once with ``list_pipelines()``: a 404 = no)."""
        if self._has_current is None or refresh:
            try:
                self.list_pipelines()
            except NotFoundError:
                self._has_current = False
            else:
                self._has_current = True
        return bool(self._has_current)

    @api(read=True)
    def list_pipelines(self, workspace_id: int | None = None, workspace_name: str | None = None) -> ApiList:
        """Every pipeline of a workspace (by id or name; neither: every workspace of the caller) with its
        latest ``pipeline_version`` and active ``deployment`` (null when undeployed). ``.df``: one row each."""
        body = self._post("list_pipelines", compact(workspace_id=workspace_id, workspace_name=workspace_name))
        return ApiList(expect(body, "pipelines", list, self.session), raw=body, frame=frames.pipelines_frame)

    @api(read=True)
    def get_pipeline_by_name(self, workspace_id: int, pipeline_name: str) -> ApiDict:
        """One pipeline item (``pipeline``, ``workspace``, ``plateau_topic``, ``deployment``,
        ``pipeline_version``); unknown -> NotFoundError."""
        body = self._post("get_pipeline_by_name", {"pipeline_name": pipeline_name, "workspace_id": workspace_id})
        expect(body, "pipeline", dict, self.session)
        return ApiDict(body, raw=body, frame=frames.pipelines_frame)

    @api(read=True)
    def list_pipeline_versions(self, workspace_id: int, pipeline_name: str) -> ApiList:
        """Versions of a pipeline, newest first (items as :meth:`list_pipelines`; ``deployment`` set on the
        deployed one). Sent as the API's ``pipeline_id`` (the name)."""
        body = self._post("list_pipeline_versions", {"pipeline_id": pipeline_name, "workspace_id": workspace_id})
        return ApiList(expect(body, "pipeline_versions", list, self.session), raw=body,
                       frame=frames.pipeline_versions_frame)

    @api(read=True)
    def get_version(self, version: str) -> dict[str, Any]:
        """A pipeline version by UUID: ``{pipeline_id (the name), version, definition}``."""
        body = self._post("get_version", {"version": version})
        expect(body, "version", str, self.session)
        return body

    @api(read=True)
    def get_logs(self, workspace_id: int, pipeline_name: str, start: Any = None, end: Any = None, *,
                 order: str = "asc", page_size: int | None = None, cursor: str | None = None) -> LogPage:
        """One page of inference logs (``start`` <= time < ``end``; datetimes or RFC 3339). Pass the page's
        ``.cursor`` for the next one; ``.status == "All"`` on the last. :meth:`logs` follows the cursors."""
        body = compact(pipeline_name=pipeline_name, workspace_id=workspace_id, order=order, page_size=page_size,
                       cursor=cursor, start_time=iso(start), end_time=iso(end))
        data = json.dumps(body)
        resp = self._request("POST", "/v1/api/pipelines/get_logs", payload=lambda: {"data": data},
                             content_type="application/json", record_json=body)
        records = expect_type(self.session.parse_json(resp), list, self.session, "get_logs answer")
        status = resp.headers.get("x-iteration-status")
        more = status is not None and status != "All"
        return LogPage(records, status, resp.headers.get("x-iteration-cursor") if more else None)

    @helper
    def logs(self, workspace_id: int, pipeline_name: str, start: Any = None, end: Any = None, *,
             model_name: str | None = None, page_size: int = 1000, limit: int | None = None) -> pd.DataFrame:
        """Inference logs as one DataFrame, oldest first, following ``get_logs`` cursors (stops after ``limit``
        rows). Columns as :meth:`infer` (``time`` UTC, ``in.*``, ``out.*``, ``metadata.*``). ``model_name``
        keeps the rows whose ``metadata.last_model`` names that model (get_logs has no model filter)."""
        records: list[dict] = []
        cursor = None
        while limit is None or len(records) < limit:
            size = page_size if limit is None or model_name else max(1, min(page_size, limit - len(records)))
            page = self.get_logs(workspace_id, pipeline_name, start, end, page_size=size, cursor=cursor)
            records += [r for r in page if model_name is None or _logged_model(r) == model_name]
            cursor = page.cursor
            if not cursor or not page:
                break
        return frames.logs_frame(records[:limit] if limit is not None else records)

    @helper
    def inference_logs(self, workspace_id: int, pipeline_name: str, start: Any = None, end: Any = None, *,
                       model_name: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """Inference logs from today's ``get_logs`` (:meth:`logs`) when the instance has it, else from the
        2023 ``assays/get_baseline``: the same DataFrame either way (``time`` UTC, ``in.*``, ``out.*``)."""
        if self.has_current_api():
            return self.logs(workspace_id, pipeline_name, start, end, model_name=model_name, limit=limit)
        return self.session.assays.get_baseline(workspace_id, pipeline_name, start, end, model_name=model_name,
                                                limit=limit).df

    @api(read=False)
    def delete_pipeline(self, workspace_id: int, pipeline_name: str) -> dict[str, Any]:
        """Delete a pipeline with its versions and logs. Refused (ConflictError, 409) while it is deployed or an
        active assay watches it; unknown -> NotFoundError."""
        body = self._post("delete_pipeline", {"pipeline_id": pipeline_name, "workspace_id": workspace_id})
        return expect_type(body, dict, self.session)

    @api(read=False)
    def delete_pipeline_versions(self, versions: list[str]) -> list[str]:
        """Delete pipeline versions by UUID (all or none; a deployed one -> ConflictError) -> the UUIDs."""
        body = self._post("delete_pipeline_versions", {"pipeline_versions": list(versions)})
        return expect(body, "pipeline_versions", list, self.session)
