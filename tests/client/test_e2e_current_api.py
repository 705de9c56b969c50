"""Client: today's pipeline/model calls end to end on the sandbox (DataFrames, cursor-following logs equal to the
2023 get_baseline read, deletes and their ConflictError/NotFoundError), and the 2023-instance probe."""

from __future__ import annotations

import pandas as pd
import pytest

from wallaroo_widgets import Session, errors

from .loopback import make_jwt
from .test_e2e_models_pipelines import cc_rows, deployed, model_file  # noqa: F401  (module fixtures)
from .test_e2e_users_workspaces import uniq


def test_pipelines_frame_versions_and_get(deployed):  # noqa: F811
    s, wid, name = deployed["s"], deployed["wid"], deployed["name"]
    assert s.pipelines.has_current_api()
    pipes = s.pipelines.list_pipelines(wid)
    df = pipes.df
    row = df[df["name"] == name].iloc[0]
    assert bool(row["deployed"]) and row["workspace_id"] == wid
    assert row["version"] == deployed["created"]["pipeline_variant_version"]
    assert row["models"] == [f"{deployed['model']['name']}:{s.models.list_versions(deployed['model']['name'], deployed['model']['id'])[-1]['model_version']}"]
    assert str(df["created_at"].dtype) == "datetime64[ns, UTC]"
    one = s.pipelines.get_pipeline_by_name(wid, name)
    assert one["pipeline"]["name"] == name and one.df.iloc[0]["deployed"]
    versions = s.pipelines.list_pipeline_versions(wid, name)
    assert versions.df["version"].tolist()[0] == deployed["created"]["pipeline_variant_version"]
    got = s.pipelines.get_version(deployed["created"]["pipeline_variant_version"])
    assert got["pipeline_id"] == name and got["definition"]["steps"]
    with pytest.raises(errors.NotFoundError):
        s.pipelines.get_pipeline_by_name(wid, uniq("nope"))


def test_logs_follow_cursors_and_equal_get_baseline(deployed, cc_rows):  # noqa: F811
    s, wid, name = deployed["s"], deployed["wid"], deployed["name"]
    url = s.pipelines.external_url(wid, name)
    for i in range(3):
        s.pipelines.infer(url, cc_rows.iloc[i * 7:(i + 1) * 7])
    base = s.assays.get_baseline(wid, name).df
    first = s.pipelines.get_logs(wid, name, page_size=5)
    assert len(first) == 5 and first.status == "RecordLimited" and first.cursor
    logs = s.pipelines.logs(wid, name, page_size=4)
    assert len(logs) == len(base) >= 21
    assert logs["time"].tolist() == base["time"].tolist()
    assert logs["out.dense_1"].tolist() == base["out.dense_1"].tolist()
    assert logs["in.dense_input"].tolist() == base["in.dense_input"].tolist()
    assert len(s.pipelines.logs(wid, name, page_size=4, limit=6)) == 6
    later = s.pipelines.logs(wid, name, start=base["time"].iloc[7])
    assert later["time"].min() >= base["time"].iloc[7] and len(later) == int((base["time"] >= base["time"].iloc[7]).sum())
    newest = s.pipelines.get_logs(wid, name, order="desc", page_size=1)
    assert pd.Timestamp(newest[0]["time"], unit="ms", tz="UTC") == base["time"].iloc[-1]


def test_models_and_deletes(deployed, model_file):  # noqa: F811
    s, wid = deployed["s"], deployed["wid"]
    path = model_file[0]
    mname = deployed["model"]["name"]
    vdf = s.models.list_versions_for_model(wid, mname).df
    assert vdf["deployed"].tolist() == [True] and vdf["runtime"].tolist() == ["onnx"]
    assert s.models.get_model_version_by_id(int(vdf["id"].iloc[0])) == s.models.get_version_by_id(int(vdf["id"].iloc[0]))
    with pytest.raises(errors.ConflictError, match="used by pipelines"):
        s.models.delete_model(wid, mname)
    with pytest.raises(errors.ConflictError, match="deployed"):
        s.pipelines.delete_pipeline(wid, deployed["name"])
    # a pipeline and model of our own: versions, then pipeline, then model
    own = uniq("own")
    mid = s.models.upload_stream(own, wid, path)["id"]
    ver = s.models.list_versions(own, mid)[-1]
    step = s.pipelines.model_step({"name": own, "version": ver["model_version"], "sha": ver["sha"]})
    pname = uniq("ownpipe")
    v1 = s.pipelines.create(pname, wid, [step])["pipeline_variant_version"]
    s.pipelines.create(pname, wid, [step])
    assert s.pipelines.delete_pipeline_versions([v1]) == [v1]
    assert len(s.pipelines.list_pipeline_versions(wid, pname)) == 1
    assert s.pipelines.delete_pipeline(wid, pname) == {"pipeline_id": pname, "workspace_id": wid}
    assert pname not in s.pipelines.list_pipelines(wid).df["name"].tolist()
    assert s.models.delete_model(wid, own) == 0  # same bytes as the deployed model: the file stays
    with pytest.raises(errors.NotFoundError):
        s.models.list_versions_for_model(wid, own)


def test_2023_instance_probe(loopback):
    srv = loopback(lambda seen: (404, {"msg": "no such endpoint: /v1/api/pipelines/list_pipelines", "code": 404}))
    s = Session.token(srv.url, make_jwt({"exp": 4_000_000_000}))
    assert s.pipelines.has_current_api() is False
    assert s.pipelines.has_current_api() is False and len(srv.requests) == 1  # asked once
