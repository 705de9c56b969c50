"""Every pipeline deployment badge of the sidebar tree, produced for real by the sandbox and reported by
``/wallaroo-widgets/tree``: Running (the demo's housepricepipe), Starting (a deployment within the sandbox's
``deploy_delay``), Undeployed (the demo's ccfraudpipe) and Error (a deployment whose model the engine cannot
load: the sandbox serves ONNX only)."""

from __future__ import annotations

import json
import time

import pytest
from testkit import admin_session, deploy_pipeline, distinct_secrets, pipeline_with, sandbox_server, uniq

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """This module's demo sandbox: a new deployment stays Starting for an hour (the demo's own deployment runs)."""
    with sandbox_server(tmp_path_factory.mktemp("badges-demo"), demo=True, deploy_delay=3600,
                        **distinct_secrets()) as srv:
        yield srv


@pytest.fixture(scope="module")
def prompt(tmp_path_factory):
    """An empty sandbox whose deployments are up at once (deploy_delay 0)."""
    with sandbox_server(tmp_path_factory.mktemp("badges-prompt"), deploy_delay=0.0, **distinct_secrets()) as srv:
        yield srv


def pipelines_of(tree: dict, workspace: str) -> list[tuple[str, str | None]]:
    ws = next(w for w in tree["workspaces"] if w["name"] == workspace)
    assert ws["error"] is None, ws
    return [(p["name"], p["status"]) for p in ws["pipelines"]]


async def tree_of(jp_fetch) -> dict:
    resp = await jp_fetch("wallaroo-widgets", "tree", params={"refresh": "1"})
    return json.loads(resp.body)


async def test_running_starting_and_undeployed(jp_fetch, demo):
    sess = admin_session(demo)
    wid = next(w["id"] for w in sess.workspaces.list() if w["name"] == "housepricesaga")
    mid = next(m["id"] for m in sess.models.list(wid) if m["name"] == "housepricemodel")
    name, created, dep, dname = deploy_pipeline(sess, wid, mid, "starting")
    assert sess.pipelines.status(dname)["status"] == "Starting"  # the sandbox's own word, an hour long

    tree = await tree_of(jp_fetch)
    assert sorted(pipelines_of(tree, "housepricesaga")) == sorted(
        [("housepricepipe", "Running"), (name, "Starting")])
    assert pipelines_of(tree, "ccfraud-demo") == [("ccfraudpipe", "Undeployed")]
    hp = next(w for w in tree["workspaces"] if w["name"] == "housepricesaga")
    assert next(p for p in hp["pipelines"] if p["name"] == name)["deployment"] == dname

    sess.pipelines.undeploy(created["pipeline_pk_id"], dep["id"])  # a stopped deployment: Undeployed again
    assert (name, "Undeployed") in pipelines_of(await tree_of(jp_fetch), "housepricesaga")


class TestAModelTheEngineCannotLoad:
    @pytest.fixture
    def wallaroo_config(self, prompt):
        return {"api_url": prompt.url, "user": prompt.admin_email, "password": prompt.admin_password,
                "client_secret": prompt.client_secret}

    async def test_error_badge(self, jp_fetch, prompt, tmp_path):
        sess = admin_session(prompt)
        wid = sess.workspaces.create(uniq("badges"))["workspace_id"]
        blob = tmp_path / "model.h5"
        blob.write_bytes(b"\x89HDF\r\n\x1a\n not really a keras model")
        up = sess.models.upload_and_convert(uniq("keras"), wid, blob, framework="keras")
        name, _, _, dname = deploy_pipeline(sess, wid, up["id"], "broken")
        deadline = time.monotonic() + 30
        while (status := sess.pipelines.status(dname))["status"] != "Error" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status["status"] == "Error", status
        idle, _ = pipeline_with(sess, wid, up["id"], "idle")  # never deployed

        tree = await tree_of(jp_fetch)
        ws_name = next(w["name"] for w in tree["workspaces"] if w["id"] == wid)
        assert sorted(pipelines_of(tree, ws_name)) == sorted([(name, "Error"), (idle, "Undeployed")])
        ws = next(w for w in tree["workspaces"] if w["id"] == wid)
        assert next(p for p in ws["pipelines"] if p["name"] == name)["deployment"] == dname
