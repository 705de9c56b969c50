"""One call per public ``@api`` method, on a deployed sandbox pipeline with logged inferences (for test_show_code).

``CASES[name](ctx)`` returns ``(bound method, args, kwargs)``; every call is expected to succeed (status < 400)
and to exercise the arguments whose "Show code" drifted before (deploy's ``pipeline_version``,
get_assay_results' ``workspace_name``, get_baseline's ``locations``/``next``, create's ``definition``, copy's
``engine_config``/``pipeline_version``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pandas as pd
from testkit import uniq

from wallaroo_widgets.api import assays_v2

SUMMARIZER = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
              "num_bins": 5, "bin_weights": None, "provided_edges": None}

Case = Callable[[SimpleNamespace], tuple[Callable[..., Any], tuple, dict]]


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Callable[..., Any], tuple, dict]:
    return fn, args, kwargs


def build_context(deployed: dict[str, Any], cc_rows: pd.DataFrame, model_path) -> SimpleNamespace:
    """Logged inferences, a member, a second deployment (to undeploy), a V1 assay and a V2 assay."""
    s = deployed["s"]
    c = SimpleNamespace(s=s, wid=deployed["wid"], name=deployed["name"], created=deployed["created"],
                        dep=deployed["dep"], model=deployed["model"], model_path=model_path)
    c.mid, c.ppk = c.model["id"], c.created["pipeline_pk_id"]
    c.dep_name = s.pipelines.deployment_name(c.name, c.dep["id"])
    c.ws_name = next(w["name"] for w in s.workspaces.list() if w["id"] == c.wid)
    c.admin_id = s.identity()["sub"]
    c.url = s.pipelines.external_url(c.wid, c.name)
    c.t0 = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=1)
    c.t1 = c.t0 + dt.timedelta(minutes=10)
    c.df = cc_rows.head(5)
    c.records = cc_rows.head(2).to_dict(orient="records")
    out = s.pipelines.infer(c.url, cc_rows.head(20))
    c.vector = [float(v[0]) for v in out["out.dense_1"]]
    c.member = f"{uniq('member')}@example.com"
    s.users.invite(c.member, password="Member-pass-1")
    s.workspaces.add_user(c.wid, c.member)
    version = s.models.list_versions(c.model["name"], c.mid)[-1]
    c.step = s.pipelines.model_step({"name": c.model["name"], "version": version["model_version"],
                                     "sha": version["sha"]})
    other = s.pipelines.create(uniq("undeploy"), c.wid, [c.step])
    c.other = {"ppk": other["pipeline_pk_id"],
               "dep": s.pipelines.deploy(uniq("undeploy"), other["pipeline_variant_pk_id"], other["pipeline_pk_id"],
                                         model_ids=[c.mid])["id"]}
    c.spare = s.pipelines.create(uniq("spare"), c.wid, [c.step])  # deployed by the deploy case (3 times)
    baseline = s.assays.summarize(SUMMARIZER, {"vector": c.vector})
    window = {"pipeline_name": c.name, "model_name": c.model["name"], "path": "output dense_1 0",
              "width": "1 minute", "interval": "1 minute", "start": c.t0.isoformat(), "workspace_id": c.wid,
              "locations": []}
    c.v1 = {"name": uniq("show"), "pipeline_id": c.ppk, "pipeline_name": c.name, "active": True,
            "status": "created", "baseline": {"static": baseline}, "window": window, "summarizer": SUMMARIZER,
            "warning_threshold": None, "alert_threshold": 0.25, "workspace_id": c.wid,
            "run_until": c.t1.isoformat()}
    c.aid = s.assays.create(c.v1)["assay_id"]
    _delete_targets(c)
    c.cfg = _v2_config(c, uniq("show-v2"))
    c.v2id = s.assays_v2.schedule(c.cfg)
    c.v2 = s.assays_v2.get(c.v2id)
    return c


def _delete_targets(c: SimpleNamespace) -> None:
    """One target per delete case (the model upload reuses the deployed model's bytes: freeing 0 bytes)."""
    s = c.s
    c.del_pipe = uniq("delpipe")
    s.pipelines.create(c.del_pipe, c.wid, [c.step])
    name = uniq("delvers")
    c.del_versions = [s.pipelines.create(name, c.wid, [c.step])["pipeline_variant_version"]]
    s.pipelines.create(name, c.wid, [c.step])
    c.del_model = uniq("delmodel")
    s.models.upload_stream(c.del_model, c.wid, c.model_path)
    name = uniq("delmv")
    mid = s.models.upload_stream(name, c.wid, c.model_path)["id"]
    s.models.upload_stream(name, c.wid, c.model_path)
    c.del_model_versions = [s.models.list_versions(name, mid)[0]["model_version"]]


def _v2_config(c: SimpleNamespace, name: str):
    return assays_v2.config(name, pipeline_id=c.ppk, pipeline_name=c.name, workspace_id=c.wid,
                            workspace_name=c.ws_name, baseline=(c.t0, c.t0 + dt.timedelta(minutes=5)),
                            iopaths="out.dense_1.0", bins=4, width=dt.timedelta(minutes=5), alert=0.25, warning=0.1,
                            first_run=c.t0 + dt.timedelta(minutes=5), end=c.t1)


CASES: dict[str, Case] = {
    "users.query": lambda c: call(c.s.users.query, [c.admin_id]),
    "users.invite": lambda c: call(c.s.users.invite, f"{uniq('inv')}@example.com", password="Temp-pass-1",
                                   roles=["user"]),
    "users.activate": lambda c: call(c.s.users.activate, c.member),
    "users.deactivate": lambda c: call(c.s.users.deactivate, c.member),
    "workspaces.list": lambda c: call(c.s.workspaces.list, user_id=c.admin_id),
    "workspaces.create": lambda c: call(c.s.workspaces.create, uniq("ws")),
    "workspaces.add_user": lambda c: call(c.s.workspaces.add_user, c.wid, c.member, user_type="COLLABORATOR"),
    "workspaces.list_users": lambda c: call(c.s.workspaces.list_users, c.wid),
    "workspaces.remove_user": lambda c: call(c.s.workspaces.remove_user, c.wid, c.member),
    "features.list": lambda c: call(c.s.features.list),
    "models.upload": lambda c: call(c.s.models.upload, uniq("up"), c.wid, c.model_path),
    "models.upload_stream": lambda c: call(c.s.models.upload_stream, uniq("stream"), c.wid,
                                           open(c.model_path, "rb"), filename="streamfile.onnx"),  # noqa: SIM115
    "models.upload_and_convert": lambda c: call(c.s.models.upload_and_convert, uniq("conv"), c.wid,
                                                str(c.model_path), requirements=["numpy"]),
    "models.list": lambda c: call(c.s.models.list, c.wid),
    "models.get_by_id": lambda c: call(c.s.models.get_by_id, c.mid),
    "models.list_versions": lambda c: call(c.s.models.list_versions, c.model["name"], c.mid),
    "models.get_config_by_id": lambda c: call(c.s.models.get_config_by_id, c.mid),
    "models.get": lambda c: call(c.s.models.get, c.mid),
    "models.get_version_by_id": lambda c: call(c.s.models.get_version_by_id, c.mid),
    "models.list_versions_for_model": lambda c: call(c.s.models.list_versions_for_model, c.wid, c.model["name"]),
    "models.get_model_version_by_id": lambda c: call(c.s.models.get_model_version_by_id, c.mid),
    "models.delete_model": lambda c: call(c.s.models.delete_model, c.wid, c.del_model),
    "models.delete_model_versions": lambda c: call(c.s.models.delete_model_versions, c.del_model_versions),
    "pipelines.list_pipelines": lambda c: call(c.s.pipelines.list_pipelines, c.wid),
    "pipelines.get_pipeline_by_name": lambda c: call(c.s.pipelines.get_pipeline_by_name, c.wid, c.name),
    "pipelines.list_pipeline_versions": lambda c: call(c.s.pipelines.list_pipeline_versions, c.wid, c.name),
    "pipelines.get_version": lambda c: call(c.s.pipelines.get_version, c.created["pipeline_variant_version"]),
    "pipelines.get_logs": lambda c: call(c.s.pipelines.get_logs, c.wid, c.name, c.t0, c.t1, page_size=5),
    "pipelines.delete_pipeline": lambda c: call(c.s.pipelines.delete_pipeline, c.wid, c.del_pipe),
    "pipelines.delete_pipeline_versions": lambda c: call(c.s.pipelines.delete_pipeline_versions, c.del_versions),
    "pipelines.create": lambda c: call(c.s.pipelines.create, uniq("pipe"), c.wid, definition={"steps": [c.step]}),
    "pipelines.deploy": lambda c: call(c.s.pipelines.deploy, uniq("dep"), c.spare["pipeline_variant_pk_id"],
                                       c.spare["pipeline_pk_id"], model_ids=[c.mid],
                                       pipeline_version=c.spare["pipeline_variant_version"]),
    "pipelines.undeploy": lambda c: call(c.s.pipelines.undeploy, c.other["ppk"], c.other["dep"]),
    "pipelines.copy": lambda c: call(c.s.pipelines.copy, uniq("copy"), c.wid, c.ppk,
                                     engine_config={"engine": {"cpu": 1}},
                                     pipeline_version=c.created["pipeline_variant_version"]),
    "pipelines.status": lambda c: call(c.s.pipelines.status, c.dep_name),
    "pipelines.external_url": lambda c: call(c.s.pipelines.external_url, c.wid, c.name),
    "pipelines.internal_url": lambda c: call(c.s.pipelines.internal_url, c.wid, c.name),
    "pipelines.infer": lambda c: call(c.s.pipelines.infer, c.url, c.df),
    "pipelines.infer_records": lambda c: call(c.s.pipelines.infer_records, c.url, c.records, timeout=30.0),
    "assays.summarize": lambda c: call(c.s.assays.summarize, SUMMARIZER, {"vector": c.vector}),
    "assays.create": lambda c: call(c.s.assays.create, c.v1, name=uniq("show"), active=False),
    "assays.list": lambda c: call(c.s.assays.list, c.ppk, workspace_id=c.wid),
    "assays.get_assay_by_id": lambda c: call(c.s.assays.get_assay_by_id, c.aid, workspace_id=c.wid),
    "assays.filter": lambda c: call(c.s.assays.filter, c.ppk, name="show", active=True),
    "assays.set_active": lambda c: call(c.s.assays.set_active, c.aid, True),
    "assays.run_interactive_baseline": lambda c: call(c.s.assays.run_interactive_baseline, c.v1),
    "assays.get_baseline": lambda c: call(c.s.assays.get_baseline, c.wid, c.name, c.t0, c.t1, limit=5,
                                          locations=["edge-1"], next={"page": 0}),
    "assays.run_interactive": lambda c: call(c.s.assays.run_interactive, c.v1, alert_threshold=0.5),
    "assays.get_assay_results": lambda c: call(c.s.assays.get_assay_results, c.aid, c.t0, c.t1,
                                               workspace_id=c.wid, workspace_name=c.ws_name),
    "assays.get_results": lambda c: call(c.s.assays.get_results, c.aid, c.t0, c.t1, limit=5, pipeline_id=c.ppk),
    "assays_v2.list": lambda c: call(c.s.assays_v2.list, "ActiveOnly", workspace_id=c.wid, pipeline_name=c.name),
    "assays_v2.get": lambda c: call(c.s.assays_v2.get, c.v2id),
    "assays_v2.get_results": lambda c: call(c.s.assays_v2.get_results, c.v2id, c.t0, c.t1, workspace_id=c.wid,
                                            assay=c.v2),
    "assays_v2.get_next_run": lambda c: call(c.s.assays_v2.get_next_run, c.v2id),
    "assays_v2.set_active": lambda c: call(c.s.assays_v2.set_active, c.v2id, True),
    "assays_v2.preview_baseline_binning": lambda c: call(c.s.assays_v2.preview_baseline_binning, c.cfg),
    "assays_v2.preview": lambda c: call(c.s.assays_v2.preview, c.cfg, c.t0, c.t1),
    "assays_v2.schedule": lambda c: call(c.s.assays_v2.schedule, _v2_config(c, uniq("sched"))),
    "assays_v2.score": lambda c: call(c.s.assays_v2.score, c.cfg, c.vector[:10]),
}
