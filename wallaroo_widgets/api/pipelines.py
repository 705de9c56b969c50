"""``/v1/api/pipelines/*``, ``status/get_deployment``, ``admin/get_pipeline_external_url`` and inference."""

from __future__ import annotations

import datetime as _dt
import io
import json
import math
import time
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..drift.timeutil import epoch_ms
from ..errors import DeploymentFailed, DeploymentTimeout, NotFoundError, UnexpectedResponse
from . import frames
from ._base import ApiList, api, compact, expect, expect_type, helper
from .encoding import json_default
from .pipelines_current import CurrentPipelines

ARROW_FILE = "application/vnd.apache.arrow.file"
PANDAS_RECORDS = "application/json; format=pandas-records"


def _data_source(data: Any, arguments: Mapping[str, Any]) -> str:
    """Show code for inference data: short row lists inline, else the variable a notebook would hold."""
    if isinstance(data, list):
        text = repr(data)
        return text if len(text) <= 400 else "records"
    return "df" if isinstance(data, pd.DataFrame) else "table"


_DATA = {"data": _data_source}


class Pipelines(CurrentPipelines):
    area = "pipelines"

    @helper
    @staticmethod
    def model_step(*models: dict[str, str]) -> dict[str, Any]:
        """A ``ModelInference`` step from ``{"name", "version", "sha"}`` model references."""
        return {"ModelInference": {"models": [{k: m[k] for k in ("name", "version", "sha")} for m in models]}}

    @helper
    @staticmethod
    def deployment_name(deployment_name: str | None = None, deployment_id: int | None = None, *,
                        deploy_id: str | None = None) -> str:
        """The ``status/get_deployment`` name: ``"<deployment name>-<deployment id>"`` (``deploy_id=`` is the
        deprecated keyword for ``deployment_name``)."""
        if deploy_id is not None:
            warnings.warn("Pipelines.deployment_name(deploy_id=...) is deprecated; use deployment_name=",
                          DeprecationWarning, stacklevel=2)
            deployment_name = deploy_id if deployment_name is None else deployment_name
        if deployment_name is None or deployment_id is None:
            raise TypeError("deployment_name() needs the deployment name and the deployment id")
        return f"{deployment_name}-{deployment_id}"

    @api(read=False, renamed={"pipeline_id": "pipeline_name"})
    def create(self, pipeline_name: str, workspace_id: int, steps: list[dict] | None = None, *,
               definition: dict | None = None) -> dict[str, Any]:
        """Create a pipeline named ``pipeline_name`` (empty, or with ``steps``; or a full ``definition``) ->
        ``{pipeline_pk_id, pipeline_variant_pk_id, pipeline_variant_version}``. The API calls the name
        ``pipeline_id``; that keyword still works here, deprecated."""
        if definition is None:
            definition = {"steps": steps} if steps else {}
        body = self._post("create", {"pipeline_id": pipeline_name, "workspace_id": workspace_id,
                                     "definition": definition})
        expect(body, "pipeline_pk_id", int, self.session)
        return body

    @api(read=False, renamed={"deploy_id": "deployment_name"})
    def deploy(self, deployment_name: str, pipeline_version_pk_id: int, pipeline_id: int, *,
               model_configs: list[int] | None = None, model_ids: list[int] | None = None,
               models: list[dict] | None = None, engine_config: dict | None = None,
               pipeline_version: str | None = None) -> dict[str, Any]:
        """Deploy a pipeline version (``pipeline_id``: the pipeline's integer pk) under ``deployment_name`` (sent
        as the API's ``deploy_id``; that keyword still works here, deprecated) -> ``{"id": deployment id}``;
        then poll with :meth:`wait_until_running`."""
        body = compact(deploy_id=deployment_name, pipeline_version_pk_id=pipeline_version_pk_id,
                       pipeline_id=pipeline_id, model_configs=model_configs, model_ids=model_ids, models=models,
                       engine_config=engine_config, pipeline_version=pipeline_version)
        out = self._post("deploy", body)
        expect(out, "id", int, self.session)
        return out

    @api(read=False)
    def undeploy(self, pipeline_id: int | None = None, deployment_id: int | None = None) -> Any:
        """Undeploy (``deployment_id`` required; ``pipeline_id`` as the seeds send it). Answer: null/empty."""
        if deployment_id is None:
            raise ValueError("undeploy needs deployment_id")
        return self._post("undeploy", compact(pipeline_id=pipeline_id, deployment_id=deployment_id))

    @api(read=False)
    def copy(self, name: str, workspace_id: int, source_pipeline: int, *, deploy: str | None = None,
             engine_config: dict | None = None, pipeline_version: str | None = None) -> dict[str, Any]:
        """Copy a pipeline (Seed 000) -> ``{pipeline_pk_id, pipeline_variant_pk_id, pipeline_version, deployment}``."""
        body = compact(name=name, workspace_id=workspace_id, source_pipeline=source_pipeline, deploy=deploy,
                       engine_config=engine_config, pipeline_version=pipeline_version)
        out = self._post("copy", body)
        return expect_type(out, dict, self.session)

    @api(read=True)
    def status(self, name: str) -> dict[str, Any]:
        """``status/get_deployment`` for ``"<deploy_id>-<deployment id>"``: ``{"status": Running|Starting|Error,
        "engines", "engine_lbs", "sidekicks", ...}``; unknown name -> NotFoundError."""
        body = self._post("/v1/api/status/get_deployment", {"name": name})
        expect(body, "status", str, self.session)
        return body

    @helper
    def wait_until_running(self, name: str, timeout: float = 300.0, poll_interval: float = 2.0,
                           on_progress: Callable[[dict[str, Any], float], Any] | None = None) -> dict[str, Any]:
        """Poll :meth:`status` until ``Running`` (returns the status). Raises DeploymentFailed on ``Error`` and
        DeploymentTimeout after ``timeout`` s. ``on_progress(status, elapsed_s)`` is called after each poll.
        A 404 right after deploy is tolerated until the timeout."""
        t0 = time.monotonic()
        last: dict[str, Any] | None = None
        while True:
            elapsed = time.monotonic() - t0
            try:
                last = self.status(name)
            except NotFoundError:
                if elapsed >= timeout:
                    raise
                last = None
            if last is not None:
                if on_progress is not None:
                    on_progress(last, elapsed)
                if last["status"] == "Running":
                    return last
                if last["status"] == "Error":
                    raise DeploymentFailed(f"deployment {name} failed: {_reasons(last) or 'status Error'}",
                                           endpoint=self.session.url_for("/v1/api/status/get_deployment"),
                                           body=last)
            if elapsed >= timeout:
                state = last["status"] if last else "not found"
                raise DeploymentTimeout(f"deployment {name} not Running after {timeout:g} s (last status: {state})",
                                        endpoint=self.session.url_for("/v1/api/status/get_deployment"))
            time.sleep(min(poll_interval, max(0.0, timeout - elapsed)) or 0.01)

    @api(read=True)
    def external_url(self, workspace_id: int, pipeline_name: str) -> str:
        """The pipeline's inference URL (``admin/get_pipeline_external_url``)."""
        return self._url("external_url", workspace_id, pipeline_name)

    @api(read=True)
    def internal_url(self, workspace_id: int, pipeline_name: str) -> str:
        """The in-cluster inference URL (newer ``admin/get_pipeline_internal_url``, same body as
        :meth:`external_url`); usable only from inside the cluster."""
        return self._url("internal_url", workspace_id, pipeline_name)

    def _url(self, method: str, workspace_id: int, pipeline_name: str) -> str:
        """``admin/get_pipeline_<external|internal>_url`` for ``method`` (``external_url``/``internal_url``)."""
        body = self._post(f"/v1/api/admin/get_pipeline_{method}",
                          {"workspace_id": workspace_id, "pipeline_name": pipeline_name})
        url = expect(body, "url", str, self.session)
        self.session.trust_host(url)  # the server named this host: no "other host" warning when inferring there
        return url

    @api(read=False, show=_DATA)
    def infer_records(self, url: str, data: Any, *, timeout: float | None = None) -> ApiList:
        """Inference; the answer records (``time``, ``in``, ``out``, ``check_failures``, ``metadata``) as an
        ApiList whose ``.df`` is flattened like the logs. ``data``: DataFrame (pandas-records JSON),
        ``pyarrow.Table`` (Arrow IPC file) or a list of row dicts."""
        return self._infer(url, data, timeout)

    @api(read=False, show=_DATA)
    def infer(self, url: str, data: Any, *, timeout: float | None = None) -> pd.DataFrame:
        """Inference -> DataFrame with ``time`` (UTC), ``in.*``, ``out.*``, ``metadata.*`` columns."""
        return self._infer(url, data, timeout).df

    def _infer(self, url: str, data: Any, timeout: float | None) -> ApiList:
        raw, ctype, fname = _encode(data)
        resp = self._request("POST", url, payload=lambda: {"data": raw}, content_type=ctype, data_file=fname,
                             timeout=timeout)
        if "arrow" in resp.headers.get("Content-Type", ""):
            records = _arrow_records(resp.content)
        else:
            records = self.session.parse_json(resp)
        if not isinstance(records, list):
            raise UnexpectedResponse(f"inference answered {type(records).__name__}, expected a list of records",
                                     status=resp.status_code, endpoint=url)
        return ApiList(records, raw=records, frame=frames.logs_frame)


def _encode(data: Any) -> tuple[bytes, str, str]:
    """(body, content type, file name for "show code")."""
    if isinstance(data, pd.DataFrame):
        return records_json(data), PANDAS_RECORDS, "data.df.json"
    import pyarrow as pa

    if isinstance(data, pa.Table):
        sink = io.BytesIO()
        with pa.ipc.new_file(sink, data.schema) as writer:
            writer.write_table(data)
        return sink.getvalue(), ARROW_FILE, "data.arrow"
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        return records_json(data), PANDAS_RECORDS, "data.df.json"
    raise TypeError(f"inference data must be a pandas DataFrame, a pyarrow Table or a list of row dicts, "
                    f"not {type(data).__name__}")


def records_json(data: pd.DataFrame | list[dict]) -> bytes:
    """pandas-records JSON that round-trips float64 exactly (``to_json`` keeps only 10 digits).

    As ``DataFrame.to_json(orient="records")``: NaN/None/NaT -> null, datetimes -> epoch milliseconds,
    timedeltas -> milliseconds. ±Infinity is a ValueError naming the row and column.
    """
    if isinstance(data, pd.DataFrame):
        keys = [str(c) for c in data.columns]
        columns = [_column(data.iloc[:, i], keys[i]) for i in range(len(keys))]
        rows = [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)] if keys else \
            [{} for _ in range(len(data))]
    else:
        rows = [{str(k): _clean(v, f"row {i}, column {k!r}") for k, v in r.items()} for i, r in enumerate(data)]
    return json.dumps(rows, allow_nan=False).encode()


def _column(s: pd.Series, name: str) -> list[Any]:
    if pd.api.types.is_float_dtype(s.dtype) and isinstance(s.dtype, np.dtype):
        arr = s.to_numpy()
        bad = np.flatnonzero(np.isinf(arr))
        if len(bad):
            raise ValueError(f"inference data has Infinity at row {int(bad[0])}, column {name!r}; JSON cannot "
                             "carry it")
        return [None if v != v else v for v in arr.tolist()]
    if (pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_integer_dtype(s.dtype)) and not s.hasnans:
        return s.tolist()
    return [_clean(v, f"row {i}, column {name!r}") for i, v in enumerate(s.tolist())]


def _clean(v: Any, where: str) -> Any:
    """One cell as JSON-able Python (recursing into lists, arrays and dicts)."""
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, bool | int | str):
        return v
    if isinstance(v, float | np.floating):
        if math.isinf(v):
            raise ValueError(f"inference data has Infinity at {where}; JSON cannot carry it")
        return None if math.isnan(v) else float(v)
    if isinstance(v, pd.Timestamp | _dt.datetime):
        return epoch_ms(v)
    if isinstance(v, pd.Timedelta | _dt.timedelta | np.timedelta64):
        return int(pd.Timedelta(v).value // 1_000_000)
    if isinstance(v, np.datetime64):
        return _clean(pd.Timestamp(v), where)
    if isinstance(v, np.ndarray | list | tuple):
        return [_clean(x, where) for x in (v.tolist() if isinstance(v, np.ndarray) else v)]
    if isinstance(v, Mapping):
        return {str(k): _clean(x, where) for k, x in v.items()}
    if isinstance(v, np.generic):
        return v.item()
    return json_default(v)


def _arrow_records(content: bytes) -> list[dict]:
    import pyarrow as pa

    try:
        table = pa.ipc.open_file(pa.BufferReader(content)).read_all()
    except pa.ArrowInvalid:
        table = pa.ipc.open_stream(pa.BufferReader(content)).read_all()
    return table.to_pylist()


def _reasons(status: dict[str, Any]) -> str:
    """Engine/lb reasons and details of an Error status, for the exception message."""
    parts: list[str] = []
    for group in ("engines", "engine_lbs", "sidekicks"):
        for pod in status.get(group) or []:
            if not isinstance(pod, dict):
                continue
            info = pod.get("info") if isinstance(pod.get("info"), dict) else pod
            for text in [info.get("reason"), *(info.get("details") or [])]:
                if text and str(text) not in parts:
                    parts.append(str(text))
    details = status.get("details")
    parts += [str(d) for d in (details if isinstance(details, list) else []) if str(d) not in parts]
    return "; ".join(parts)
