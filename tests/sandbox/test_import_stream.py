"""Streaming import-logs: chunked JSON lines / JSON array / Parquet give the logs the per-record path gives."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets.sandbox import import_logs as il
from wallaroo_widgets.sandbox import import_stream
from wallaroo_widgets.sandbox.db import Store, get_logs, log_values


def _records(n: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    outs = (rng.normal(size=n) * 100).astype(np.float32)
    times = 1_700_000_000_000 + rng.integers(0, 86_400_000, n)  # not sorted: the import sorts (stable)
    return [{"time": int(times[i]), "in.x": [float(np.round(rng.normal(), 6)), float(i)],
             "out.y": [float(str(outs[i]))]} for i in range(n)]


def _import(tmp_path: Path, path: Path, pipeline: str, *extra: str) -> tuple[int, Store, int]:
    code = il.main(["--data-dir", str(tmp_path / "d"), "--workspace", "w", "--pipeline", pipeline, "--model", "m",
                    *extra, str(path)])
    store = Store(tmp_path / "d")
    with store.tx() as conn:
        row = conn.execute("SELECT id FROM pipelines WHERE name = ?", (pipeline,)).fetchone()
    return code, store, (row[0] if row else -1)


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(import_stream, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(import_stream, "ROWS", 70)


def test_chunked_formats_match_the_per_record_path(tmp_path, small_blocks, capsys):
    recs = _records(400)
    lines = tmp_path / "a.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in recs))
    array = tmp_path / "a.json"
    array.write_text(json.dumps(recs, indent=1))
    parquet = tmp_path / "a.parquet"
    pd.DataFrame(recs).to_parquet(parquet)
    want = sorted(recs, key=lambda r: r["time"])  # stable: ties keep the file order
    got = {}
    for name, path in (("lines", lines), ("array", array), ("parquet", parquet)):
        code, store, pid = _import(tmp_path, path, name)
        assert code == 0, capsys.readouterr().err
        with store.tx() as conn:
            logs = get_logs(conn, pid)
            got[name] = log_values(conn, pid, "out.y", 0)
        assert [r["time"] for r in logs] == [r["time"] for r in want]
        assert [r["in.x"] for r in logs] == [r["in.x"] for r in want]
        assert [r["out.y"] for r in logs] == [r["out.y"] for r in want]  # float32 shortest decimals
        assert json.loads(logs[0]["metadata.last_model"])["model_name"] == "m"
    assert "float32" in capsys.readouterr().out
    widened = np.array([r["out.y"][0] for r in want]).astype(np.float32).astype(np.float64)
    for times, vals in got.values():
        np.testing.assert_array_equal(vals, widened)
        assert times.tolist() == [r["time"] for r in want]


def test_float32_needs_every_chunk(tmp_path, small_blocks, capsys):
    recs = _records(300)
    recs[250]["out.y"] = [0.1234567891234]  # one float64-only value in a late chunk
    path = tmp_path / "b.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    code, store, pid = _import(tmp_path, path, "mixed")
    assert code == 0 and "out.y float64" in capsys.readouterr().out
    with store.tx() as conn:
        _, vals = log_values(conn, pid, "out.y", 0)
    np.testing.assert_array_equal(np.sort(vals), np.sort([r["out.y"][0] for r in recs]))


def test_a_bad_record_in_a_late_chunk_imports_nothing(tmp_path, small_blocks, capsys):
    recs = _records(300)
    path = tmp_path / "c.jsonl"
    lines = [json.dumps(r) for r in recs]
    lines[260] = json.dumps({"time": "never", "out.y": [1.0]})
    path.write_text("\n".join(lines) + "\n")
    code, store, pid = _import(tmp_path, path, "bad")
    assert code == 2 and "record 260: time" in capsys.readouterr().err
    with store.tx() as conn:
        assert get_logs(conn, pid) == []
    assert not list((tmp_path / "d" / "logs").rglob("*.arrow"))  # written chunks were removed


def test_iso_times_and_scalars_take_the_per_record_rules(tmp_path, small_blocks):
    path = tmp_path / "e.jsonl"
    path.write_text('{"time": "2025-01-01T00:00:00Z", "in.x": 1, "out.y": "[2.5]"}\n'
                    '{"time": 1735689600001, "in.x": [2], "out.y": [3.5]}\n')
    code, store, pid = _import(tmp_path, path, "iso")
    assert code == 0
    with store.tx() as conn:
        logs = get_logs(conn, pid)
    assert [(r["time"], r["in.x"], r["out.y"]) for r in logs] == [(1735689600000, [1], [2.5]),
                                                                   (1735689600001, [2], [3.5])]


def test_chunks_are_gathered_into_segments_of_segment_rows(tmp_path, small_blocks, monkeypatch):
    """Small parse blocks bound memory; segments still hold SEGMENT_ROWS rows (few files to read), time-sorted."""
    monkeypatch.setattr(import_stream, "SEGMENT_ROWS", 150)
    recs = _records(400)
    path = tmp_path / "g.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    assert path.stat().st_size > 5 * import_stream.BLOCK_BYTES  # many blocks
    code, store, pid = _import(tmp_path, path, "gathered")
    assert code == 0
    with store.tx() as conn:
        segs = conn.execute("SELECT rows, min_ms, max_ms FROM log_segments WHERE pipeline_id = ? ORDER BY id",
                            (pid,)).fetchall()
        assert [r["time"] for r in get_logs(conn, pid)] == sorted(r["time"] for r in recs)
    assert sum(n for n, _, _ in segs) == 400
    assert all(n >= 150 for n, _, _ in segs[:-1]) and 2 <= len(segs) <= 3


def test_json_array_blocks_cut_between_objects_and_odd_arrays(tmp_path, small_blocks, capsys):
    """A cut that lands inside a string ("}, {" in metadata) makes that block take the standard parser."""
    recs = _records(200)
    for r in recs[::7]:
        r["metadata.note"] = 'x}, {"time": 1} ,{'
    for r in recs:
        r.setdefault("metadata.note", "plain")
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(recs))
    code, store, pid = _import(tmp_path, path, "odd")
    assert code == 0, capsys.readouterr().err
    with store.tx() as conn:
        logs = get_logs(conn, pid)
    want = sorted(recs, key=lambda r: r["time"])
    assert [(r["time"], r["in.x"], r["metadata.note"]) for r in logs] == [
        (r["time"], r["in.x"], r["metadata.note"]) for r in want]
    for text, message in (("[" + json.dumps(recs[0]), "the array is not closed"),
                          ("[1, 2]", "record 0: not an object"), ("[]", "no records")):
        path.write_text(text)
        assert _import(tmp_path, path, "bad")[0] == 2
        assert message in capsys.readouterr().err


@pytest.mark.parametrize("cut", range(20, 75, 3))
def test_json_array_read_on_when_every_cut_is_inside_a_string(tmp_path, monkeypatch, cut):
    recs = [{"time": 1, "out.y": [1.0], "metadata.note": 'a}, {"b'}, {"time": 2, "out.y": [2.0], "metadata.note": "c"}]
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(recs))
    monkeypatch.setattr(import_stream, "BLOCK_BYTES", cut)
    got = [r for chunk in import_stream.chunks(path)
           for r in (chunk.to_pylist() if hasattr(chunk, "to_pylist") else chunk)]
    assert [r["metadata.note"] for r in got] == [r["metadata.note"] for r in recs]


def test_csv_numbers_become_columns_with_the_per_record_values(tmp_path, capsys):
    """Numeric CSV chunks skip the per-record rules (import_csv) and store exactly what those rules store."""
    import pyarrow as pa

    rng = np.random.default_rng(4)
    recs = []
    for i in range(300):
        x = [float(v) for v in rng.normal(size=1 + i % 3) * 10.0 ** rng.integers(-20, 20)]
        recs.append({"time": 1_700_000_000_000 + int(rng.integers(0, 10**8)), "in.x": x, "in.n": [i, -i],
                     "in.s": float(rng.normal()), "out.y": [float(str(np.float32(rng.normal() * 1e4)))],
                     "check_failures": [], "metadata.note": f'say "hi", {i}'})
    recs[5]["in.x"] = [-0.0, 1e-05, 1.7976931348623157e308]
    csv = tmp_path / "n.csv"
    pd.DataFrame([{k: str(v) if isinstance(v, list) else v for k, v in r.items()} for r in recs]).to_csv(csv)
    assert isinstance(next(import_stream.chunks(csv)), pa.Table)  # the column path, not per-record
    lines = tmp_path / "n.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in recs))
    got = []
    for name, path in (("csv", csv), ("lines", lines)):
        code, store, pid = _import(tmp_path, path, name)
        assert code == 0, capsys.readouterr().err
        with store.tx() as conn:
            got.append((get_logs(conn, pid), log_values(conn, pid, "in.x", 0), log_values(conn, pid, "out.y", 0)))
    (csv_logs, *csv_vals), (json_logs, *json_vals) = got
    assert csv_logs == json_logs and [type(v) for v in csv_logs[0]["in.n"]] == [int, int]
    for a, b in zip(csv_vals, json_vals, strict=True):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    assert "out.y float32" in capsys.readouterr().out


def test_csv_cells_outside_the_common_shape_take_the_per_record_rules(tmp_path):
    import pyarrow as pa

    for cells in ({"time": "2025-01-01T00:00:00Z", "out.y": "[1.5]"}, {"time": "1", "out.y": "[NaN]"},
                  {"time": "1", "out.y": "[1.5]", "metadata.m": "true"}, {"time": "1", "out.y": "[]"},
                  {"time": "1", "out.y": "[1.5]", "check_failures": "[1]"}, {"time": "1", "out.y": "[01]"}):
        path = tmp_path / "odd.csv"
        pd.DataFrame([cells]).to_csv(path, index=False)
        assert not isinstance(next(import_stream.chunks(path)), pa.Table), cells
