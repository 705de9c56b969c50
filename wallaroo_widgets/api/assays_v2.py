"""``/v2/api/assays/*`` (Assays V2, UUID ids): get, get/:id, get_results, get_next_run, set_active,
preview_baseline_binning, preview, schedule, score — answers as ``drift.v2`` typed objects.

Also: :func:`config` builds a V2 config from Python (baseline as a time range, values or summaries; bins;
metric; thresholds per iopath; width; frequency; first run; end), :func:`from_v1` converts a V1 config the
way the SDK does, and :func:`all_assays` lists V1 and V2 assays together (a ``version`` column), whichever API
the instance answers (a 404 from one API means that API is absent there).
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..drift import timeutil, v2
from ..drift.durations import parse_duration
from ..errors import NotFoundError, UnexpectedResponse
from ._base import ApiList, Area, api, compact, endpoint_of, expect_type, iso, status_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..session import Session

PREFIX = "/v2/api/assays/"
#: Show code names a config argument ``config`` (built with :func:`config`; a dataclass has no short literal).
_CONFIG = {"config": lambda value, arguments: "config"}


class AssaysV2(Area):
    area = "assays_v2"

    def _v2(self, verb: str, body: dict[str, Any]) -> Any:
        return self._post(PREFIX + verb, body)

    def _typed(self, parse: Callable[[Any], Any], data: Any) -> Any:
        try:
            return parse(data)
        except (v2.WireError, ValueError, TypeError) as exc:
            raise UnexpectedResponse(f"unexpected V2 answer: {exc}", status=status_of(self.session),
                                     endpoint=endpoint_of(self.session)) from None

    @api(read=True)
    def list(self, active: str = "All", *, workspace_id: int | None = None,
             pipeline_name: str | None = None) -> ApiList:
        """V2 assays (``active``: ``All``, ``ActiveOnly`` or ``InactiveOnly``) as ``AssayV2`` objects, newest
        first; ``.df`` one row per assay."""
        body = {"active": active, "workspace_id": workspace_id, **compact(pipeline_name=pipeline_name)}
        out = self._v2("get", body)
        items = [self._typed(v2.AssayV2.from_api, a) for a in expect_type(out, list, self.session)]
        return ApiList(items, raw=out, frame=assays_frame)

    @api(read=True)
    def get(self, id: str) -> v2.AssayV2:
        """One V2 assay (``get/:id``: the path is literal, the id goes in the body)."""
        out = self._v2("get/:id", {"id": str(id)})
        return self._typed(v2.AssayV2.from_api, out)

    @api(read=True, show={"assay": lambda value, arguments: "assay"})
    def get_results(self, id: str, start: Any = None, end: Any = None, *, workspace_id: int | None = None,
                    assay: v2.AssayV2 | None = None) -> ApiList:
        """Stored results (``start`` <= window_end < ``end``) as ``AssayResultV2``; ``.df`` like the SDK's
        ``to_dataframe`` (one row per window and iopath; statuses from ``assay``'s per-iopath thresholds when
        given, else the result's)."""
        body = {"id": str(id), "start": iso(start), "end": iso(end), "workspace_id": workspace_id}
        out = self._v2("get_results", body)
        items = [self._typed(v2.AssayResultV2.from_api, r) for r in expect_type(out, list, self.session)]
        targeting, name = (assay.targeting, assay.name) if assay is not None else (None, None)
        return ApiList(items, raw=out, frame=lambda rows: v2.results_frame(rows, targeting, name))

    @api(read=True)
    def get_next_run(self, id: str) -> dict[str, _dt.datetime | None]:
        """``{"last_run", "next_run"}`` (``next_run`` None while the assay is paused or past its end)."""
        out = self._v2("get_next_run", {"assay_id": str(id)})
        out = expect_type(out, dict, self.session)
        return {k: self._typed(lambda t, k=k: v2.wire.time(t, k, optional=True), out.get(k))
                for k in ("last_run", "next_run")}

    @api(read=False)
    def set_active(self, id: str, active: bool) -> None:
        """Pause (``False``) or resume (``True``) a V2 assay."""
        self._v2("set_active", {"active": bool(active), "assay_id": str(id)})

    @api(read=True, show=_CONFIG)
    def preview_baseline_binning(self, config: v2.AssayV2Config) -> dict[str, v2.SeriesSummary]:
        """How the config's baseline is binned: ``{<iopath key>: SeriesSummary}`` (nothing stored)."""
        body = {"baseline": config.baseline.to_api(), "summarizer": config.summarizer.to_api(),
                "targeting": config.targeting.to_api()}
        out = self._v2("preview_baseline_binning", body)
        return self._typed(lambda d: v2.summaries_from_api(d, "summaries"), out)

    @api(read=True, show=_CONFIG)
    def preview(self, config: v2.AssayV2Config, start: Any = None, end: Any = None) -> ApiList:
        """Score the config's windows from ``start`` (default ``first_run``) to ``end`` (default
        ``scheduling.end``) without storing anything: ``PreviewResult`` items, ``.df`` as results'."""
        body = config.preview_api(start, end)
        out = self._v2("preview", body)
        items = [self._typed(v2.PreviewResult.from_api, r) for r in expect_type(out, list, self.session)]
        return ApiList(items, raw=out, frame=lambda rows: v2.results_frame(rows, config.targeting, config.name))

    @api(read=False, show=_CONFIG)
    def schedule(self, config: v2.AssayV2Config) -> str:
        """Create the assay -> its id (the server answers a bare JSON string)."""
        out = self._v2("schedule", config.to_api())
        return str(self._typed(lambda s: uuid.UUID(expect_type(s, str, self.session)), out))

    @api(read=True, show=_CONFIG)
    def score(self, config: v2.AssayV2Config, window: Sequence[float] | tuple[Any, Any]) -> dict[str, Any]:
        """Score one window against the config's baseline: ``window`` values (``Raw``) or a ``(start, end)``
        range of logged inferences (``Stored``) -> ``{<iopath key>: ScoreData | "<error>"}``."""
        is_range = len(window) == 2 and all(isinstance(x, str | _dt.datetime) or hasattr(x, "tz_convert")
                                             for x in window)
        spec = {"Stored": [iso(_as_dt(x)) for x in window]} if is_range else {"Raw": [float(v) for v in window]}
        body = {"baseline": config.baseline.to_api(), "summarizer": config.summarizer.to_api(),
                "targeting": config.targeting.to_api(), "window": spec}
        out = self._v2("score", body)
        return self._typed(v2.scores_from_api, out)


def _as_dt(value: Any) -> Any:
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value


def assays_frame(items: list) -> pd.DataFrame:
    """One row per V2 assay."""
    import pandas as pd

    return pd.DataFrame([_row(a) for a in items], columns=list(_ROW))


_ROW = ("id", "name", "active", "pipeline_id", "pipeline_name", "workspace_id", "workspace_name", "iopaths",
        "width_seconds", "first_run", "frequency", "end", "created_at", "updated_at")


def _row(a: v2.AssayV2) -> dict[str, Any]:
    s, o = a.scheduling, a.targeting.data_origin
    return {"id": str(a.id), "name": a.name, "active": a.active, "pipeline_id": o.pipeline_id,
            "pipeline_name": o.pipeline_name, "workspace_id": o.workspace_id, "workspace_name": o.workspace_name,
            "iopaths": ", ".join(a.targeting.keys), "width_seconds": a.window.width_seconds,
            "first_run": s.first_run, "frequency": s.cron or f"{s.quantity} {s.unit}", "end": s.end,
            "created_at": a.created_at, "updated_at": a.updated_at}


# --- building configs ---------------------------------------------------------------------------------------------

def _path(spec: str | v2.DataPath, thresholds: v2.Thresholds) -> v2.DataPath:
    if isinstance(spec, v2.DataPath):
        return spec
    field, _, last = spec.rpartition(".")
    if field.count(".") >= 1 and last.isdigit():
        return v2.DataPath(field, (int(last),), thresholds)
    return v2.DataPath(spec, None, thresholds)


def _thresholds(value: Any) -> v2.Thresholds:
    if isinstance(value, v2.Thresholds):
        return value
    if isinstance(value, Mapping):
        return v2.Thresholds(value.get("warning"), value.get("alert"))
    raise TypeError(f"thresholds must be {{'alert': x, 'warning': y}} or a Thresholds, got {value!r}")


def _bin_mode(bins: Any, bin_mode: str) -> v2.BinMode:
    if isinstance(bins, v2.BinMode):
        return bins
    if bins is None or str(bin_mode).lower() == "none":
        return v2.BinMode.none()
    if isinstance(bins, int):
        mode = {"quantile": "Quantile", "equal": "Equal",
                "quantilewithexplicitoutliers": "QuantileWithExplicitOutliers"}.get(str(bin_mode).lower())
        if mode is None:
            raise ValueError(f"bin_mode must be Quantile, Equal, QuantileWithExplicitOutliers or None, got {bin_mode!r}")
        return v2.BinMode(mode, bins)
    return v2.BinMode.provided([float(e) for e in bins])


def _baseline(baseline: Any) -> v2.Baseline:
    if isinstance(baseline, v2.SummaryBaseline | v2.StaticBaseline | v2.VectorBaseline):
        return baseline
    if isinstance(baseline, Mapping):
        return v2.SummaryBaseline({k: v if isinstance(v, v2.SeriesSummary) else v2.SeriesSummary.from_api(v, k)
                                   for k, v in baseline.items()})
    if isinstance(baseline, tuple) and len(baseline) == 2 and not isinstance(baseline[0], int | float):
        start, end = (v2.wire.time(_as_dt(x), "baseline") for x in baseline)
        return v2.StaticBaseline(start, end)
    return v2.VectorBaseline(v2.wire.floats([None if v is None else float(v) for v in baseline], "baseline",
                                            allow_null=True))


def _seconds(value: Any, name: str) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    return int(parse_duration(value, name).total_seconds())


def config(name: str, *, pipeline_id: int, pipeline_name: str, workspace_id: int, workspace_name: str = "",
           baseline: Any, iopaths: str | Sequence[str | v2.DataPath] = "out.variable.0", bins: Any = 5,
           bin_mode: str = "Quantile", metric: str = "PSI", aggregation: str = "Density",
           bin_weights: Sequence[float] | None = None, alert: float | None = 0.25, warning: float | None = None,
           thresholds: Mapping[str, Any] | None = None, width: Any = "24 hours", frequency: Any = None,
           first_run: Any = None, end: Any = None, model: str | None = None,
           locations: Sequence[str] | None = None) -> v2.AssayV2Config:
    """A V2 assay config (for ``schedule``/``preview``/``score``).

    ``baseline``: ``(start, end)`` (a ``Static`` range of the pipeline's logs), a sequence of values
    (``Vector``), or ``{<iopath key>: summary}`` (``Summary``, e.g. from ``preview_baseline_binning``).
    ``iopaths``: keys such as ``"out.variable.0"`` (``field.index``) or ``"out.score"``. ``bins``: a count
    (with ``bin_mode``), a list of edges (Provided) or a ``BinMode``. Thresholds: ``alert``/``warning`` for
    every iopath, or ``thresholds={key: {"alert": .., "warning": ..}}`` per iopath. ``width``/``frequency``:
    ``timedelta``, ``"24 hours"`` or seconds (frequency defaults to the width). ``first_run`` defaults to
    the end of a ``Static`` baseline, else now (UTC).
    """
    default = v2.Thresholds(warning, alert)
    per = {k: _thresholds(v) for k, v in (thresholds or {}).items()}
    specs = [iopaths] if isinstance(iopaths, str | v2.DataPath) else list(iopaths)
    paths = []
    for spec in specs:
        p = _path(spec, default)
        paths.append(v2.DataPath(p.field, p.indexes, per.get(p.key, p.thresholds)))
    base = _baseline(baseline)
    width_s = _seconds(width, "width")
    quantity, unit = v2.convert.frequency(_seconds(frequency if frequency is not None else width_s, "frequency"))
    first = v2.wire.time(_as_dt(first_run), "first_run", optional=True)
    if first is None:
        first = base.end if isinstance(base, v2.StaticBaseline) else timeutil.now()
    sched = v2.Scheduling(first, quantity, unit, None, v2.wire.time(_as_dt(end), "end", optional=True))
    origin = v2.DataOrigin(pipeline_id, pipeline_name, workspace_id, workspace_name,
                           tuple(locations) if locations else None, model)
    summ = v2.UnivariateContinuous(_bin_mode(bins, bin_mode), aggregation, metric,
                                   None if bin_weights is None else tuple(bin_weights))
    return v2.AssayV2Config(name, base, sched, summ, v2.Targeting(origin, tuple(paths)), v2.RollingWindow(width_s))


def from_v1(v1_config: Mapping[str, Any], now: _dt.datetime | None = None) -> v2.AssayV2Config:
    """A V1 assay config (the ``assays/create`` body) as V2, the way the SDK converts it (docs/spec/assays-v2.md §7)."""
    return v2.convert_v1_config(v1_config, now)


# --- V1 and V2 together -------------------------------------------------------------------------------------------

ALL_COLUMNS = ("version", "id", "name", "active", "pipeline_id", "pipeline_name", "workspace_id", "workspace_name",
               "iopaths", "last_run", "next_run", "created_at", "updated_at")


def all_assays(session: Session, *, workspace_id: int | None = None, next_runs: bool = True) -> ApiList:
    """V1 and V2 assays of the instance (the caller's workspaces) as one list of dicts with a ``version``
    column (1 or 2); an API that answers 404 is absent there and contributes nothing. ``next_runs``: ask
    ``get_next_run`` per V2 assay (``last_run``/``next_run``)."""
    rows: list[dict[str, Any]] = []
    try:
        for a in session.assays.list(workspace_id=workspace_id):
            rows.append({"version": 1, "id": a.get("id"), "name": a.get("name"), "active": a.get("active"),
                         "pipeline_id": a.get("pipeline_id"), "pipeline_name": a.get("pipeline_name"),
                         "workspace_id": a.get("workspace_id"), "workspace_name": a.get("workspace_name"),
                         "iopaths": (a.get("window") or {}).get("path"), "last_run": a.get("last_run"),
                         "next_run": a.get("next_run"), "created_at": a.get("created_at"),
                         "updated_at": a.get("updated_at")})
    except NotFoundError:
        pass
    api = AssaysV2(session)
    try:
        found = api.list("All", workspace_id=workspace_id)
    except NotFoundError:
        found = ApiList([])
    for a in found:
        runs = api.get_next_run(str(a.id)) if next_runs else {"last_run": None, "next_run": None}
        row = {k: v for k, v in _row(a).items() if k in ALL_COLUMNS}
        rows.append({**row, "version": 2, "last_run": v2.wire.server_time(runs["last_run"]),
                     "next_run": v2.wire.server_time(runs["next_run"]),
                     "created_at": v2.wire.server_time(a.created_at), "updated_at": v2.wire.server_time(a.updated_at)})
    return ApiList([{k: r.get(k) for k in ALL_COLUMNS} for r in rows], raw=None)
