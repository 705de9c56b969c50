"""import-logs on a real store: get_baseline-shaped exports re-import identically (JSONL, JSON, CSV, Parquet)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets.sandbox import demo
from wallaroo_widgets.sandbox import import_logs as il
from wallaroo_widgets.sandbox.db import Store, get_logs, log_values

DATA = Path(__file__).resolve().parents[1] / "data" / "wallaroo_tutorials"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    s = Store(tmp_path_factory.mktemp("imp"))
    s.ensure_user("admin@wallaroo.local", "admin", admin=True)
    return s


def _cli(store: Store, path: Path, pipeline: str, *extra: str) -> int:
    return il.main(["--data-dir", str(store.data_dir), "--workspace", "importws", "--pipeline", pipeline,
                    "--model", "housepricemodel", *extra, str(path)])


def _pipeline(store: Store, name: str) -> int:
    with store.tx() as conn:
        return conn.execute("SELECT id FROM pipelines WHERE name = ?", (name,)).fetchone()[0]


def _export(store: Store, pid: int) -> list[dict]:
    with store.tx() as conn:
        return get_logs(conn, pid)


def test_tutorial_csv_import_creates_everything(store, capsys) -> None:
    assert _cli(store, DATA / "house_price" / "small_results_inference.csv", "csvpipe") == 0
    assert "imported 500 records" in capsys.readouterr().out
    logs = _export(store, _pipeline(store, "csvpipe"))
    assert len(logs) == 500 and logs[0]["out.variable"] == [718445.6]
    assert json.loads(logs[0]["metadata.last_model"])["model_name"] == "housepricemodel"
    with store.tx() as conn:
        ws = conn.execute("SELECT w.name FROM workspaces w JOIN pipelines p ON p.workspace_id = w.id "
                          "WHERE p.name = 'csvpipe'").fetchone()[0]
        models = conn.execute("SELECT name FROM models WHERE workspace_id = (SELECT id FROM workspaces WHERE "
                              "name = 'importws')").fetchall()
    assert ws == "importws" and models == [("housepricemodel",)]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "parquet"])
def test_export_reimports_identically(store, tmp_path, fmt) -> None:
    src = f"src-{fmt}"
    records = demo.demo_records(pd.Timestamp("2026-01-31T00:00:00Z").to_pydatetime(), model_sha="abc")[:400]
    assert il.import_records(store, records, workspace="importws", pipeline=src, model="housepricemodel",
                             output_dtype="float32")["records"] == 400
    exported = _export(store, _pipeline(store, src))
    path = tmp_path / f"export.{fmt}"
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in exported))
    elif fmt == "json":
        path.write_text(json.dumps(exported))
    elif fmt == "csv":
        frame = pd.DataFrame(exported)
        for col in frame.columns:
            if frame[col].map(lambda v: isinstance(v, list)).any():
                frame[col] = frame[col].map(json.dumps)
        frame.to_csv(path)
    else:
        pd.DataFrame(exported).to_parquet(path)
    dst = f"dst-{fmt}"
    assert _cli(store, path, dst) == 0
    again = _export(store, _pipeline(store, dst))
    assert again == exported
    with store.tx() as conn:
        t1, v1 = log_values(conn, _pipeline(store, src), "out.variable", 0)
        t2, v2 = log_values(conn, _pipeline(store, dst), "out.variable", 0)
    assert np.array_equal(t1, t2) and np.array_equal(v1, v2)  # float32 kept: widening identical
    assert not np.array_equal(v1, [float(str(np.float32(v))) for v in v1])  # really the widened values


def test_import_is_additive_and_reports_bad_rows(store, tmp_path, capsys) -> None:
    path = tmp_path / "two.jsonl"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "in.x": 1, "out.y": 2.5}\n'
                    '{"time": 1735689600001, "in.x": [2], "out.y": [3.5]}\n')
    assert _cli(store, path, "addpipe") == 0 and _cli(store, path, "addpipe") == 0
    logs = _export(store, _pipeline(store, "addpipe"))
    assert [r["time"] for r in logs] == [1735689600000, 1735689600000, 1735689600001, 1735689600001]
    assert logs[0]["in.x"] == [1] and logs[0]["out.y"] == [2.5]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"time": "2025-01-01T00:00:00Z", "in.x": 1, "out.y": 2.5}\n{"time": "never", "out.y": 1}\n')
    capsys.readouterr()
    assert _cli(store, bad, "addpipe") == 2
    assert "record 1: time" in capsys.readouterr().err
    assert len(_export(store, _pipeline(store, "addpipe"))) == 4  # nothing half-imported


def test_console_script_dispatches_import_logs(tmp_path) -> None:
    """``wallaroo-widgets sandbox import-logs`` on a fresh data dir (no server running)."""
    import subprocess
    import sys

    path = tmp_path / "one.json"
    path.write_text(json.dumps([{"time": "2025-02-01T10:00:00Z", "in.tensor": [1.0, 2.0], "out.variable": [3.5]}]))
    data = tmp_path / "data"
    proc = subprocess.run([sys.executable, "-m", "wallaroo_widgets.cli", "sandbox", "import-logs", "--data-dir",
                           str(data), "--workspace", "cliws", "--pipeline", "clipipe", "--model", "m", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "imported 1 records" in proc.stdout
    store = Store(data)
    logs = _export(store, _pipeline(store, "clipipe"))
    assert logs[0]["time"] == 1738404000000 and logs[0]["out.variable"] == [3.5]


def test_owner_option(store, tmp_path, capsys) -> None:
    path = tmp_path / "o.jsonl"
    path.write_text('{"time": 1, "out.y": 1.0}\n')
    assert _cli(store, path, "ownedpipe", "--owner", "nobody@example.com") == 2
    assert "no user with email 'nobody@example.com'" in capsys.readouterr().err
    store.ensure_user("carol@example.com", "pw")
    store_ws = "carolws"
    assert il.main(["--data-dir", str(store.data_dir), "--workspace", store_ws, "--pipeline", "p", "--model", "m",
                    "--owner", "carol@example.com", str(path)]) == 0
    with store.tx() as conn:
        members = conn.execute("SELECT u.email FROM workspace_members m JOIN users u ON u.id = m.user_id JOIN "
                               "workspaces w ON w.id = m.workspace_id WHERE w.name = ?", (store_ws,)).fetchall()
    assert members == [("carol@example.com",)]
