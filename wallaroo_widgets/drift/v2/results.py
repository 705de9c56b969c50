"""Typed V2 results (``AssayResultV2``, ``PreviewResult``) and building them from scored iopaths.

Several iopaths: one score per iopath; the result's status is the worst of them (Alert > Warning > Ok,
each from its own iopath's thresholds). An iopath that failed is a string score and has no summary; a
window where no iopath has data produces no result (choice: empty windows are not stored / returned).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from . import wire
from .batch import WindowScoresV2
from .config import Thresholds
from .types import STATUSES, ScoreData, SeriesSummary, scores_from_api, scores_to_api, summaries_from_api

RANK = {"Ok": 0, "Warning": 1, "Alert": 2}


def worst(statuses: Sequence[str]) -> str:
    """Alert > Warning > Ok (``Ok`` when there is none)."""
    return max(statuses, key=lambda s: RANK.get(s, 0), default="Ok")


def _uuid(value: Any, field: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return _parse_uuid(str(value))
    except ValueError:
        raise wire.WireError(field, f"expected a UUID, got {value!r}") from None


#: a run's results repeat one assay id: parsed and printed once (UUIDs are immutable)
_parse_uuid = functools.lru_cache(maxsize=256)(uuid.UUID)
_uuid_text = functools.lru_cache(maxsize=256)(str)


@dataclasses.dataclass(frozen=True)
class AssayResultV2:
    id: int
    assay_id: uuid.UUID
    window_start: _dt.datetime
    window_end: _dt.datetime
    analyzed_at: _dt.datetime
    created_at: _dt.datetime
    updated_at: _dt.datetime
    elapsed_millis: int
    pipeline_id: int
    workspace_id: int
    workspace_name: str
    status: str
    scores: Mapping[str, ScoreData | str]
    summaries: Mapping[str, SeriesSummary]
    warning_threshold: float | None = None
    alert_threshold: float | None = None

    @classmethod
    def from_api(cls, data: Any, field: str = "result") -> AssayResultV2:
        d = wire.obj(data, field)

        def t(k: str) -> _dt.datetime:
            return wire.time(wire.req(d, k, field), f"{field}.{k}")  # type: ignore[return-value]

        def i(k: str) -> int:
            return wire.integer(d.get(k), f"{field}.{k}")  # type: ignore[return-value]
        return cls(i("id"), _uuid(wire.req(d, "assay_id", field), f"{field}.assay_id"), t("window_start"),
                   t("window_end"), t("analyzed_at"), t("created_at"), t("updated_at"), i("elapsed_millis"),
                   i("pipeline_id"), i("workspace_id"), wire.text(d.get("workspace_name"), f"{field}.workspace_name"),  # type: ignore[arg-type]
                   wire.choice(d.get("status"), f"{field}.status", STATUSES),
                   scores_from_api(d.get("scores") or {}, f"{field}.scores"),
                   summaries_from_api(d.get("summaries") or {}, f"{field}.summaries"),
                   wire.number(d.get("warning_threshold"), f"{field}.warning_threshold", optional=True),
                   wire.number(d.get("alert_threshold"), f"{field}.alert_threshold", optional=True))

    def to_api(self) -> dict[str, Any]:
        analyzed = wire.server_time(self.analyzed_at)  # created / updated are mostly the same stamp
        created = analyzed if self.created_at is self.analyzed_at else wire.server_time(self.created_at)
        updated = analyzed if self.updated_at is self.analyzed_at else wire.server_time(self.updated_at)
        return {"id": self.id, "assay_id": _uuid_text(self.assay_id), "analyzed_at": analyzed,
                "elapsed_millis": self.elapsed_millis, "scores": scores_to_api(self.scores), "status": self.status,
                "summaries": {k: v.to_api() for k, v in self.summaries.items()},
                "window_end": wire.server_time(self.window_end), "window_start": wire.server_time(self.window_start),
                "created_at": created, "updated_at": updated,
                "workspace_id": self.workspace_id, "workspace_name": self.workspace_name,
                "pipeline_id": self.pipeline_id, "warning_threshold": wire.opt_float(self.warning_threshold),
                "alert_threshold": wire.opt_float(self.alert_threshold)}


@dataclasses.dataclass(frozen=True)
class PreviewResult:
    """A preview window: no ``window_start`` (the summaries carry ``start``), ``id`` 0, a per-call ``assay_id``."""

    id: int
    assay_id: uuid.UUID
    window_end: _dt.datetime
    analyzed_at: _dt.datetime
    elapsed_millis: int
    pipeline_id: int
    workspace_id: int
    workspace_name: str
    scores: Mapping[str, ScoreData | str]
    summaries: Mapping[str, SeriesSummary]

    @classmethod
    def from_api(cls, data: Any, field: str = "preview") -> PreviewResult:
        d = wire.obj(data, field)
        return cls(wire.integer(d.get("id"), f"{field}.id"),  # type: ignore[arg-type]
                   _uuid(wire.req(d, "assay_id", field), f"{field}.assay_id"),
                   wire.time(wire.req(d, "window_end", field), f"{field}.window_end"),  # type: ignore[arg-type]
                   wire.time(wire.req(d, "analyzed_at", field), f"{field}.analyzed_at"),  # type: ignore[arg-type]
                   wire.integer(d.get("elapsed_millis"), f"{field}.elapsed_millis"),  # type: ignore[arg-type]
                   wire.integer(d.get("pipeline_id"), f"{field}.pipeline_id"),  # type: ignore[arg-type]
                   wire.integer(d.get("workspace_id"), f"{field}.workspace_id"),  # type: ignore[arg-type]
                   wire.text(d.get("workspace_name"), f"{field}.workspace_name"),  # type: ignore[arg-type]
                   scores_from_api(wire.req(d, "scores", field), f"{field}.scores"),
                   summaries_from_api(wire.req(d, "summaries", field), f"{field}.summaries"))

    def to_api(self) -> dict[str, Any]:
        return {"analyzed_at": wire.server_time(self.analyzed_at), "assay_id": _uuid_text(self.assay_id),
                "elapsed_millis": self.elapsed_millis, "id": self.id, "pipeline_id": self.pipeline_id,
                "scores": scores_to_api(self.scores),
                "summaries": {k: v.to_api(minimal=True) for k, v in self.summaries.items()},
                "window_end": wire.server_time(self.window_end), "workspace_id": self.workspace_id,
                "workspace_name": self.workspace_name}

    @property
    def window_start(self) -> _dt.datetime | None:
        """The first summary's ``start`` (how the SDK dates a preview window)."""
        return next((s.start for s in self.summaries.values()), None)


@dataclasses.dataclass(frozen=True)
class WindowOutcome:
    """One window across iopaths: scores (ScoreData or error string), summaries, worst status."""

    start: _dt.datetime
    end: _dt.datetime
    scores: dict[str, ScoreData | str]
    summaries: dict[str, SeriesSummary]
    status: str

    def result(self, *, assay_id: uuid.UUID | str, pipeline_id: int, workspace_id: int, workspace_name: str,
               thresholds: Thresholds | None = None, id: int = 0, analyzed_at: _dt.datetime | None = None,
               elapsed_millis: int = 0) -> AssayResultV2:
        """An ``AssayResultV2`` (``thresholds``: the first iopath's, copied into the result)."""
        now = analyzed_at or _dt.datetime.now(_dt.timezone.utc)
        th = thresholds or Thresholds()
        return AssayResultV2(id, _uuid(assay_id, "assay_id"), self.start, self.end, now, now, now, elapsed_millis,
                             pipeline_id, workspace_id, workspace_name, self.status, self.scores, self.summaries,
                             th.warning, th.alert)

    def preview(self, *, assay_id: uuid.UUID | str, pipeline_id: int, workspace_id: int, workspace_name: str,
                analyzed_at: _dt.datetime | None = None, elapsed_millis: int = 0) -> PreviewResult:
        """A ``PreviewResult`` (``id`` 0; pass one fresh ``assay_id`` per preview call)."""
        now = analyzed_at or _dt.datetime.now(_dt.timezone.utc)
        return PreviewResult(0, _uuid(assay_id, "assay_id"), self.end, now, elapsed_millis, pipeline_id,
                             workspace_id, workspace_name, self.scores, self.summaries)


def combine(scored: Mapping[str, WindowScoresV2 | str], include_empty: bool = False) -> list[WindowOutcome]:
    """Per-window outcomes of several iopaths scored on the same windows.

    ``scored[key]`` is the iopath's ``WindowScoresV2`` or an error message (the iopath failed in every
    window). In a window with data for some iopath, an iopath without data there scores the string
    ``"no data for <key> in this window"``. Windows with no data at all are skipped unless ``include_empty``.
    """
    batches = [v for v in scored.values() if not isinstance(v, str)]
    if not batches:
        return []
    ref = batches[0]
    starts, ends = ref._py[0], ref._py[1]
    has = np.logical_or.reduce([b.count > 0 for b in batches]).tolist()
    status = {k: b.status.tolist() for k, b in scored.items() if not isinstance(b, str)}
    out = []
    for i in range(len(ref)):
        if not include_empty and not has[i]:
            continue
        scores: dict[str, ScoreData | str] = {}
        summaries: dict[str, SeriesSummary] = {}
        statuses = []
        for key, b in scored.items():
            if isinstance(b, str):
                scores[key] = b
                continue
            data = b.score_data(i)
            if data is None:
                scores[key] = f"no data for {key} in this window"
                continue
            scores[key] = data
            summaries[key] = b.summary(i, name=key)
            statuses.append(status[key][i])
        out.append(WindowOutcome(starts[i], ends[i], scores, summaries,
                                 statuses[0] if len(statuses) == 1 else worst(statuses)))
    return out


__all__ = ["AssayResultV2", "PreviewResult", "WindowOutcome", "combine", "worst"]
