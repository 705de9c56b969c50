"""import-logs parsing: every accepted file format and cell form normalises to the get_baseline record shape."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets.sandbox import import_logs as il

DATA = Path(__file__).resolve().parents[1] / "data" / "wallaroo_tutorials"

RECORDS = [
    {"time": 1704827224734, "in.dense_input": [-1.0603297501, 2.3544967095], "out.dense_1": [0.99300325],
     "check_failures": [], "metadata.last_model": "{\"model_name\":\"m\",\"model_sha\":\"ab\"}",
     "metadata.elapsed": [5039007, 602225], "metadata.dropped": [], "metadata.partition": "engine-1"},
    {"time": 1704827224000, "in.dense_input": [0.5, 1.25], "out.dense_1": [1.5199184e-06],
     "check_failures": [], "metadata.last_model": "{\"model_name\":\"m\",\"model_sha\":\"ab\"}",
     "metadata.elapsed": [1, 2], "metadata.dropped": [], "metadata.partition": "engine-1"},
]


def test_json_array_and_json_lines_give_the_same_sorted_records(tmp_path: Path) -> None:
    arr = tmp_path / "a.json"
    arr.write_text(json.dumps(RECORDS))
    lines = tmp_path / "a.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n\n")
    a = il.normalize(il.read_records(arr))
    b = il.normalize(il.read_records(lines))
    assert a == b
    assert [r["time"] for r in a] == [1704827224000, 1704827224734]
    assert a[1] == RECORDS[0]  # unchanged apart from order


def test_parquet_round_trip(tmp_path: Path) -> None:
    p = tmp_path / "a.parquet"
    pd.DataFrame(RECORDS).to_parquet(p)
    got = il.normalize(il.read_records(p))
    assert got == il.normalize(RECORDS)


def test_tutorial_csv_with_stringified_lists_and_iso_times() -> None:
    recs = il.normalize(il.read_records(DATA / "house_price" / "small_results_inference.csv"))
    assert len(recs) == 500
    first = recs[0]
    assert first["time"] == int(pd.Timestamp("2023-10-31 14:09:03.525", tz="UTC").value // 1_000_000)
    assert len(first["in.tensor"]) == 18 and first["in.tensor"][:3] == [4.0, 2.75, 2640.0]
    assert first["out.variable"] == [718445.6]
    assert first["check_failures"] == []
    assert set(first) == {"time", "in.tensor", "out.variable", "check_failures"}
    assert il.output_dtypes(recs) == {"out.variable": "float32"}


@pytest.mark.parametrize(("value", "expected"), [
    (1704827224734, 1704827224734), ("1704827224734", 1704827224734), (1704827224734.0, 1704827224734),
    ("2024-01-09T19:07:04.734Z", 1704827224734), ("2024-01-09T19:07:04.734+00:00", 1704827224734),
    ("2024-01-09T20:07:04.734+01:00", 1704827224734), ("2024-01-09T19:07:04.734000001Z", 1704827224734),
    ("2024-01-09 19:07:04.734", 1704827224734), (pd.Timestamp("2024-01-09T19:07:04.734Z"), 1704827224734),
])
def test_parse_time_forms(value, expected) -> None:
    assert il.parse_time(value) == expected


@pytest.mark.parametrize("bad", [None, "yesterday", True, {"a": 1}, float("nan")])
def test_parse_time_rejects(bad) -> None:
    with pytest.raises(il.ImportError_, match="time"):
        il.parse_time(bad)


def test_scalar_and_string_cells_become_lists() -> None:
    got = il.normalize([{"time": 5, "in.x": 1.5, "out.y": "[2.5, 3.5]", "metadata.partition": np.str_("p")}])
    assert got == [{"time": 5, "in.x": [1.5], "out.y": [2.5, 3.5], "check_failures": [], "metadata.partition": "p"}]


@pytest.mark.parametrize(("rec", "msg"), [
    ({"in.x": [1]}, "missing field 'time'"),
    ({"time": 1, "in.x": [1]}, "no out.<field>"),
    ({"time": 1, "out.y": "abc"}, "record 0: out.y"),
    ({"time": 1, "out.y": [1], "color": "red"}, "unexpected field 'color'"),
])
def test_bad_records_name_the_problem(rec, msg) -> None:
    with pytest.raises(il.ImportError_, match=msg):
        il.normalize([rec])


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(il.ImportError_, match="no such file"):
        il.read_records(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[{\"time\": 1,")
    with pytest.raises(il.ImportError_, match="invalid JSON"):
        il.read_records(bad)


def test_output_dtype_detection() -> None:
    f32 = [{"time": 1, "out.a": [0.99300325], "out.b": [0.1234567891234]}]
    assert il.output_dtypes(f32) == {"out.a": "float32", "out.b": "float64"}
    assert il.output_dtypes(f32, "float64") == {"out.a": "float64", "out.b": "float64"}
    assert il.is_float32_shortest([1.0, 718445.6, float("nan")])
    assert not il.is_float32_shortest([0.1 + 0.2])


def test_cli_reports_bad_files_without_touching_the_store(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("time,in.x\n1,[1]\n")
    code = il.main(["--data-dir", str(tmp_path / "d"), "--workspace", "w", "--pipeline", "p", "--model", "m",
                    str(bad)])
    assert code == 2
    assert "no out.<field>" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()
