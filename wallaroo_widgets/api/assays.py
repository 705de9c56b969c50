"""``/v1/api/assays/*`` (V1, integer ids): summarize, create, list, set_active, run_interactive_baseline,
get_baseline, run_interactive, get_assay_results and the older get_results; newer get_assay_by_id, filter.

Summaries and results are checked once, here, with ``drift.types`` (``Summary.from_api``,
``AssayResult.from_api``; a bad shape is an ``UnexpectedResponse`` naming the field). The calls still return
the wire dicts (``.df`` frames as before); result lists also carry them typed in ``.typed``, which the panels
hand to the plots."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any, TypeVar

from ..drift import timeutil
from ..drift.types import AssayResult, Summary, SummaryError, results_from_api
from ..errors import UnexpectedResponse
from . import frames
from ._base import ApiDict, ApiList, Area, api, compact, endpoint_of, expect, expect_type, iso, status_of

T = TypeVar("T")

#: Bounds sent for ``get_assay_results`` when none are given (2026.1.3 requires ``start``/``end``).
EPOCH = "1970-01-01T00:00:00+00:00"
#: ``end`` = now + this margin (results have ``window_start`` <= now; the margin absorbs clock skew).
END_MARGIN = _dt.timedelta(days=1)


def _config(config: dict[str, Any] | None, fields: dict[str, Any]) -> dict[str, Any]:
    body = dict(config or {})
    body.update({k: v for k, v in fields.items() if v is not None})
    if "run_until" in body:
        body["run_until"] = iso(body["run_until"])
    return body


def _with_status(assay: dict[str, Any]) -> dict[str, Any]:
    """An assay item with ``run_at, num_ok, num_warnings, num_alerts`` parsed from its ``status``."""
    return {**assay, **frames.parse_assay_status(assay.get("status"))}


def _assay_list(body: Any, session: Any) -> ApiList:
    """A list answer of assays (non-dict entries skipped), each item :func:`_with_status`."""
    items = [_with_status(a) for a in expect_type(body, list, session) if isinstance(a, dict)]
    return ApiList(items, raw=body, frame=frames.assays_frame)


class Results(ApiList):
    """An ``ApiList`` of V1 result dicts (``.df`` one row per window) with ``.typed``: the same results as
    ``drift.types.AssayResult`` objects (one shared baseline Summary)."""

    def __init__(self, items: list[dict[str, Any]], raw: Any, typed: list[AssayResult]) -> None:
        super().__init__(items, raw=raw, frame=frames.results_frame)
        self.typed = typed


class Assays(Area):
    area = "assays"

    @api(read=True)
    def summarize(self, summarizer: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
        """Baseline Summary for ``{"fixed_window": {...}}`` or ``{"vector": [...]}`` (pure read)."""
        body = self._post("summarize", {"summarizer": summarizer, "baseline": baseline})
        self._typed(lambda b: Summary.from_api(b, "summary"), expect_type(body, dict, self.session))
        return body

    @api(read=False)
    def create(self, config: dict[str, Any] | None = None, /, **fields: Any) -> dict[str, Any]:
        """Create an assay from a config dict and/or API-named keywords (``name, pipeline_id, pipeline_name,
        active, status, baseline, window, summarizer, alert_threshold, warning_threshold, run_until,
        workspace_id``) -> ``{"assay_id": N}``. Defaults: ``active=True``, ``status="created"``."""
        body = _config(config, fields)
        body.setdefault("active", True)
        body.setdefault("status", "created")
        out = self._post("create", body)
        expect(out, "assay_id", int, self.session)
        return out

    @api(read=True)
    def list(self, pipeline_id: int | None = None, *, workspace_id: int | None = None,
             workspace_name: str | None = None) -> ApiList:
        """Assays of a pipeline, newest first. Items gain ``run_at, num_ok, num_warnings, num_alerts`` parsed
        from ``status`` (a JSON string once the scheduler ran; None before)."""
        body = self._post("list", compact(pipeline_id=pipeline_id, workspace_id=workspace_id,
                                          workspace_name=workspace_name))
        return _assay_list(body, self.session)

    @api(read=True)
    def get_assay_by_id(self, id: int, *, workspace_id: int | None = None,
                        workspace_name: str | None = None) -> dict[str, Any]:
        """Newer V1 extra: one assay definition (as an :meth:`list` item, ``status`` parsed the same way)."""
        body = self._post("get_assay_by_id", compact(id=id, workspace_id=workspace_id, workspace_name=workspace_name))
        a = expect_type(body, dict, self.session)
        return _with_status(a)

    @api(read=True)
    def filter(self, pipeline_id: int, *, sort_by: str = "id", name: str | None = None,
               active: bool | None = None) -> ApiList:
        """Newer V1 extra (``assays/filter``): a pipeline's assays by ``name`` (substring) and ``active``, sorted by
        ``sort_by``; items as :meth:`list`'s."""
        body = self._post("filter", compact(pipeline_id=pipeline_id, sort_by=sort_by, name=name, active=active))
        return _assay_list(body, self.session)

    @api(read=False)
    def set_active(self, id: int, active: bool) -> dict[str, Any]:
        """Pause or resume an assay -> ``{"id", "active"}``."""
        body = self._post("set_active", {"id": id, "active": bool(active)})
        return expect_type(body, dict, self.session)

    @api(read=True)
    def run_interactive_baseline(self, config: dict[str, Any] | None = None, /, **fields: Any) -> ApiDict:
        """Baseline run for a full assay config (pure read): one AssayResult-like dict with ``.df`` (one row,
        as :meth:`run_interactive`'s) and ``.raw``; an empty ``ApiDict`` when the server answers ``{}``/null."""
        body = _config(config, fields)
        out = self._post("run_interactive_baseline", body)
        item = expect_type(out, (dict, type(None)), self.session) or {}
        if item:
            self._typed(AssayResult.from_api, item)
        return ApiDict(item, raw=out, frame=frames.results_frame)

    @api(read=True)
    def get_baseline(self, workspace_id: int, pipeline_name: str, start: Any = None, end: Any = None, *,
                     model_name: str | None = None, limit: int | None = None, locations: list[str] | None = None,
                     next: dict[str, int] | None = None) -> ApiList:
        """Raw inference-log records (flattened ``in.*``/``out.*``/``metadata.*``, ``time`` in ms)."""
        body = compact(workspace_id=workspace_id, pipeline_name=pipeline_name, start=iso(start), end=iso(end),
                       model_name=model_name, limit=limit, next=next)
        body["locations"] = locations or []
        out = self._post("get_baseline", body)
        return ApiList(expect_type(out, list, self.session), raw=out, frame=frames.logs_frame)

    @api(read=True)
    def run_interactive(self, config: dict[str, Any] | None = None, /, **fields: Any) -> Results:
        """Preview an assay config (nothing stored; pure read): one AssayResult per window."""
        body = _config(config, fields)
        out = self._post("run_interactive", body)
        return self._results(out)

    @api(read=True)
    def get_assay_results(self, assay_id: int, start: Any = None, end: Any = None, *,
                          workspace_id: int | None = None, workspace_name: str | None = None) -> Results:
        """Stored results (``assays/get_assay_results``), ascending by ``window_start``; ``.df`` one row per window.

        ``start``/``end`` are always sent (2026.1.3 requires them): None means 1970-01-01 / now + 1 day (UTC)."""
        start = EPOCH if start is None else iso(start)
        end = iso(timeutil.now() + END_MARGIN) if end is None else iso(end)
        body = compact(assay_id=assay_id, start=start, end=end, workspace_id=workspace_id,
                       workspace_name=workspace_name)
        out = self._post("get_assay_results", body)
        return self._results(out)

    @api(read=True)
    def get_results(self, assay_id: int, start: Any = None, end: Any = None, *, limit: int | None = None,
                    pipeline_id: int | None = None) -> Results:
        """Stored results through the older Seed-000 path ``assays/get_results``."""
        body = compact(assay_id=assay_id, start=iso(start), end=iso(end), limit=limit, pipeline_id=pipeline_id)
        out = self._post("get_results", body)
        return self._results(out)

    def _results(self, body: Any) -> Results:
        items = [r for r in expect_type(body, list, self.session) if isinstance(r, dict)]
        return Results(items, body, self._typed(results_from_api, items))

    def _typed(self, parse: Callable[[Any], T], data: Any) -> T:
        """``parse(data)``; a shape ``drift.types`` rejects is an UnexpectedResponse naming the field."""
        try:
            return parse(data)
        except SummaryError as exc:
            raise UnexpectedResponse(f"unexpected assay answer: {exc}", status=status_of(self.session),
                                     endpoint=endpoint_of(self.session)) from None
