"""wallaroo_widgets.discovery against a real demo sandbox: workspaces by name/id, pipelines through today's
``list_pipelines`` and, as on a 2023-era instance, through the assays that name them; deployments found through
the inference URL. The holder of known pipelines is a plain namespace: discovery needs no widget."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from testkit import uniq

from wallaroo_widgets import Session, discovery
from wallaroo_widgets.discovery import DiscoveryError


@pytest.fixture
def s(demo_session) -> Session:
    """The admin session against the module's demo sandbox (tests/conftest.py)."""
    return demo_session


def known() -> SimpleNamespace:
    return SimpleNamespace(pipelines=[], workspace=None, pipeline=None)


def as_2023(s: Session) -> Session:
    """The client as on a 2023-era instance: its one-time probe answered 404 (no list_pipelines)."""
    s.pipelines._has_current = False
    return s


def test_resolve_workspace_by_name_id_and_dict(s):
    ws = discovery.resolve_workspace(s, "housepricesaga")
    assert set(ws) == {"id", "name", "models", "pipelines"} and ws["name"] == "housepricesaga"
    assert discovery.resolve_workspace(s, ws["id"]) == ws == discovery.resolve_workspace(s, str(ws["id"]))
    assert discovery.resolve_workspace(s, {"name": "housepricesaga"}) == ws
    with pytest.raises(DiscoveryError, match="No workspace with name 'nope' is visible to this user"):
        discovery.resolve_workspace(s, "nope")
    with pytest.raises(DiscoveryError, match="needs a workspace name"):
        discovery.resolve_workspace(s, "  ")


def test_listing_names_every_pipeline_and_the_2023_fallback_only_assayed_ones(s):
    ws = discovery.resolve_workspace(s, "housepricesaga")
    quiet = uniq("quiet")  # no assay names it
    made = s.pipelines.create(quiet, ws["id"])
    today = known()
    today.workspace = ws
    learnt = discovery.learn_workspace(today, s, ws["id"])
    names = {p["name"] for p in today.pipelines}
    assert {"housepricepipe", quiet} <= names and learnt.v1_assays and learnt.pipelines == len(today.pipelines)
    rec = discovery.resolve_pipeline(s, today, quiet)
    assert rec == {"id": made["pipeline_pk_id"], "name": quiet, "workspace_id": ws["id"]} == today.pipeline

    old = known()
    old.workspace = ws
    s2023 = as_2023(s)
    assert discovery.resolve_pipeline(s2023, old, "housepricepipe")["name"] == "housepricepipe"
    assert [p["name"] for p in old.pipelines] == ["housepricepipe"]  # named by the demo assay only
    with pytest.raises(DiscoveryError, match=f"No pipeline with name '{quiet}' is named by an assay"):
        discovery.resolve_pipeline(s2023, old, quiet)
    # an id with its name (what a user attaches) is remembered
    rec = discovery.resolve_pipeline(s2023, old, {"id": made["pipeline_pk_id"], "name": quiet})
    assert rec["name"] == quiet and discovery.find(old, made["pipeline_pk_id"])["name"] == quiet


def test_an_id_finds_its_workspace(s):
    ws = discovery.resolve_workspace(s, "housepricesaga")
    pid = next(iter(ws["pipelines"]))
    fresh = known()
    rec = discovery.resolve_pipeline(s, fresh, pid)
    assert fresh.workspace == ws and rec["id"] == pid and rec["workspace_id"] == ws["id"]
    with pytest.raises(DiscoveryError, match="No pipeline with id 999999 is visible"):
        discovery.resolve_pipeline(s, known(), 999999)
    with pytest.raises(DiscoveryError, match="by name needs workspace="):
        discovery.resolve_pipeline(s, known(), "housepricepipe")


def test_remember_merges_and_forget_clears():
    k = known()
    discovery.remember(k, {"id": 1, "name": "a", "url": "u"})
    assert discovery.remember(k, {"id": 1, "status": "Running", "url": None}) == {
        "id": 1, "name": "a", "url": "u", "status": "Running"}
    assert discovery.forget(k, 1, url=None)["url"] is None
    assert discovery.forget(k, 2, url=None) is None and len(k.pipelines) == 1


def test_deployment_found_through_the_inference_url(s):
    ws = discovery.resolve_workspace(s, "housepricesaga")
    k = known()
    k.workspace = ws
    demo_pipe = discovery.resolve_pipeline(s, k, "housepricepipe")
    rec, status = discovery.discover_deployment(s, k, demo_pipe)
    dep, dep_id, named = discovery.deployment_of_url(rec["url"])
    assert status["status"] == rec["status"] == "Running" and named == "housepricepipe"
    assert rec["deployment_name"] == dep and rec["deployment_id"] == dep_id and dep_id is not None
    assert [m["name"] for m in rec["models"]] == [m["name"] for m in discovery.models_of_status(status)] != []

    idle = uniq("idle")
    made = s.pipelines.create(idle, ws["id"])
    discovery.remember(k, {"id": made["pipeline_pk_id"], "name": idle, "workspace_id": ws["id"],
                           "status": "created", "url": "stale"})
    rec, status = discovery.discover_deployment(s, k, discovery.find(k, made["pipeline_pk_id"]))
    assert status is None and rec["url"] is None and rec["status"] == "created"


def test_deployment_of_url_reads_both_forms_and_rejects_others():
    assert discovery.deployment_of_url("http://h/v1/api/pipelines/infer/pipe-12/pipe") == ("pipe-12", 12, "pipe")
    assert discovery.deployment_of_url("https://h/infer/modeldeploy-15?x=1") == ("modeldeploy-15", 15, None)
    with pytest.raises(DiscoveryError, match="names no deployment"):
        discovery.deployment_of_url("http://h/v1/api/pipelines/infer/")
