"""``wallaroo-widgets sandbox import-logs``: load historical inference logs into a sandbox data dir.

Input: JSON lines, a JSON array, CSV or Parquet of records in the flattened shape that
``assays/get_baseline`` returns (``time`` in epoch ms or ISO-8601, ``in.<field>`` / ``out.<field>`` as
lists, scalars or stringified lists, optional ``check_failures`` and ``metadata.*``). The workspace,
pipeline and model are created when missing. Safe while a server runs on the same data dir (SQLite WAL).

Output fields are stored as float32 when every value is the shortest decimal of a float32 (what
get_baseline shows for float32 model outputs), so re-imported logs score exactly like the originals;
``--output-dtype`` overrides that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..drift import timeutil
from ..drift.float32 import is_float32_shortest as float32_shortest


class ImportError_(ValueError):
    """A file or record that cannot be imported (message names the record and field)."""


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSON-lines / JSON-array / CSV / Parquet file into raw record dicts."""
    path = Path(path)
    if not path.is_file():
        raise ImportError_(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        import pandas as pd

        return pd.read_parquet(path).to_dict("records")
    if suffix in {".csv", ".tsv"}:
        import pandas as pd

        frame = pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", dtype=str, keep_default_na=False)
        frame = frame.drop(columns=[c for c in frame.columns if c == "" or c.startswith("Unnamed:")])
        return [{k: _csv_cell(v) for k, v in row.items()} for row in frame.to_dict("records")]
    text = path.read_text(encoding="utf-8")
    stripped = text.lstrip()
    if not stripped:
        return []
    try:
        if stripped[0] == "[":
            data = json.loads(text)
            if not isinstance(data, list):
                raise ImportError_(f"{path}: expected a JSON array of records")
            return data
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None


def _csv_cell(value: str) -> Any:
    """CSV cells are strings: decode JSON lists and numbers; keep the rest (``{...}`` stays a JSON string,
    as ``metadata.last_model`` is one)."""
    v = value.strip()
    if v == "":
        return None
    if v[0] == "[" or v[0].isdigit() or v[0] in "-+." or v in {"true", "false", "null", "NaN"}:
        try:
            return json.loads(v.replace("NaN", "null")) if v != "NaN" else float("nan")
        except json.JSONDecodeError:
            return value
    return value


#: epoch ms that fit nanosecond timestamps (years 1678-2261), as assay windows need
_MS_RANGE = (-(2**63) // 1_000_000 + 1, (2**63 - 1) // 1_000_000)


def parse_time(value: Any, where: str = "time") -> int:
    """Epoch milliseconds from ms numbers, numeric strings, ISO-8601 strings or datetimes (naive = UTC);
    times outside years 1678-2261 are an ImportError_."""
    try:
        ms = _parse_time(value, where)
    except (OverflowError, OSError, pd.errors.OutOfBoundsDatetime):
        ms = None
    if ms is None or not _MS_RANGE[0] <= ms <= _MS_RANGE[1]:
        raise ImportError_(f"{where}: out of range (years 1678-2261): {value!r}")
    return ms


def _parse_time(value: Any, where: str) -> int:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ImportError_(f"{where}: missing")
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, np.datetime64):
        return int(value.astype("datetime64[ms]").astype(np.int64))
    if isinstance(value, dt.datetime):
        return int(round(timeutil.aware(value).timestamp() * 1000))
    if isinstance(value, bool):
        raise ImportError_(f"{where}: not a time: {value!r}")
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(round(float(value)))
    if isinstance(value, str):
        s = value.strip()
        if s.lstrip("-").isdigit():
            return int(s)
        try:
            return timeutil.epoch_ms(s)
        except timeutil.TimeError:
            raise ImportError_(f"{where}: not a time: {value!r}") from None
    raise ImportError_(f"{where}: not a time: {value!r}")


def _as_list(value: Any, where: str) -> list:
    """A tensor cell as a (possibly nested) list: lists, arrays, scalars and stringified lists accepted."""
    if isinstance(value, np.ndarray):
        return [_as_list(v, where) if isinstance(v, np.ndarray) else _scalar(v) for v in value.tolist()] \
            if value.dtype == object else value.tolist()
    if isinstance(value, (list, tuple)):
        return [_as_list(v, where) if isinstance(v, (list, tuple, np.ndarray)) else _scalar(v) for v in value]
    if isinstance(value, str):
        try:
            parsed = json.loads(value.replace("NaN", "null"))
        except json.JSONDecodeError:
            raise ImportError_(f"{where}: not a number or list: {value!r}") from None
        return _as_list(parsed, where)
    if value is None or isinstance(value, (int, float, np.integer, np.floating, bool)):
        return [_scalar(value)]
    raise ImportError_(f"{where}: not a number or list: {value!r}")


def _scalar(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v


def _plain(value: Any) -> Any:
    """metadata / check_failures cells as JSON-able Python values."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def normalize(records: Iterable[dict[str, Any]], first: int = 0) -> list[dict[str, Any]]:
    """Records in the canonical flattened shape: ``time`` int ms, ``in.*``/``out.*`` lists, sorted by time
    (``first``: the number of the first record, for messages)."""
    out = []
    for i, rec in enumerate(records, first):
        if not isinstance(rec, dict):
            raise ImportError_(f"record {i}: not an object")
        if "time" not in rec:
            raise ImportError_(f"record {i}: missing field 'time'")
        norm: dict[str, Any] = {"time": parse_time(rec["time"], f"record {i}: time")}
        for key, value in rec.items():
            if key == "time":
                continue
            if key.startswith(("in.", "out.")) and len(key.split(".", 1)[1]) > 0:
                norm[key] = _as_list(value, f"record {i}: {key}")
            elif key == "check_failures":
                v = _plain(value)
                norm[key] = v if isinstance(v, list) else []
            elif key.startswith(("metadata.", "anomaly.")) or key in {"metadata", "anomaly"}:
                norm[key] = _plain(value)
            else:
                raise ImportError_(f"record {i}: unexpected field {key!r} (expected time, in.*, out.*, "
                                   "check_failures, metadata.*)")
        if not any(k.startswith("out.") for k in norm):
            raise ImportError_(f"record {i}: no out.<field> column")
        norm.setdefault("check_failures", [])
        out.append(norm)
    out.sort(key=lambda r: r["time"])
    return out


def is_float32_shortest(values: Sequence[Any]) -> bool:
    """True when every value is a number and the finite ones are float32 shortest decimals
    (how float32 outputs look in JSON/CSV: ``0.99300325``, ``404676.13``); the rule lives in the drift engine."""
    if any(v is None or isinstance(v, bool) or not isinstance(v, int | float) for v in values):
        return False
    return float32_shortest(values)


def output_dtypes(records: Sequence[dict[str, Any]], override: str = "auto") -> dict[str, str]:
    """``{"out.<field>": "float32" | "float64"}`` for every output field of ``records``."""
    fields = sorted({k for r in records for k in r if k.startswith("out.")})
    if override != "auto":
        return dict.fromkeys(fields, override)
    result = {}
    for f in fields:
        flat = [v for r in records for v in _flatten(r.get(f, []))]
        result[f] = "float32" if flat and is_float32_shortest(flat) else "float64"
    return result


def _flatten(value: Any) -> Iterable[Any]:
    if isinstance(value, list):
        for v in value:
            yield from _flatten(v)
    else:
        yield value


def _default_admin() -> str:
    from .config import DEFAULT_ADMIN_EMAIL

    return DEFAULT_ADMIN_EMAIL


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wallaroo-widgets sandbox import-logs", description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", required=True, help="sandbox data directory (created if missing)")
    p.add_argument("--workspace", required=True, help="workspace name (created if missing)")
    p.add_argument("--pipeline", required=True, help="pipeline name (created if missing)")
    p.add_argument("--model", required=True, help="model name recorded in metadata.last_model (created if missing)")
    p.add_argument("--owner", default=None, help="email of the owner for new resources (default: the admin)")
    p.add_argument("--admin-email", default=_default_admin(),
                   help="admin to create when the data dir is new (the server would create it on first start)")
    p.add_argument("--output-dtype", choices=["auto", "float32", "float64"], default="auto",
                   help="storage type of out.* values (auto: float32 when the values are float32 decimals)")
    p.add_argument("file", help="JSON lines, JSON array, CSV or Parquet file")
    return p


def import_records(store: Any, records: list[dict[str, Any]], *, workspace: str, pipeline: str, model: str,
                   owner: str | None = None, output_dtype: str = "auto") -> dict[str, Any]:
    """Import normalised records; returns ``{"records", "workspace_id", "pipeline_id", "output_dtypes"}``."""
    if not records:
        raise ImportError_("no records to import")
    dtypes = output_dtypes(records, output_dtype)
    from . import db

    owner_user = None
    if owner is not None:
        with store.tx() as conn:
            owner_user = db.get_user(conn, email=owner)
        if owner_user is None:
            raise ImportError_(f"--owner: no user with email {owner!r}")
    target = store.ensure_pipeline(workspace=workspace, pipeline=pipeline, model=model, owner=owner_user)
    last_model = json.dumps({"model_name": model, "model_sha": target.get("model_sha") or ""}, separators=(",", ":"))
    for r in records:
        r.setdefault("metadata.last_model", last_model)
    with store.tx(write=True) as conn:
        n = db.insert_logs(conn, target["pipeline_id"], records, dtypes)
    return {"records": n, "workspace_id": target["workspace_id"], "pipeline_id": target["pipeline_id"],
            "output_dtypes": dtypes}


def main(argv: list[str] | None = None) -> int:
    """CLI entry: prints a one-line summary; errors go to stderr with exit status 2."""
    args = build_parser().parse_args(argv)

    def open_store() -> Any:  # only once the first chunk parsed: a bad file never creates a data dir
        from .db import Store

        store = Store(args.data_dir)
        if store.admin_user() is None:  # a data dir no server has used yet
            from .config import DEFAULT_ADMIN_PASSWORD

            store.ensure_user(args.admin_email, DEFAULT_ADMIN_PASSWORD, admin=True)
            print(f"created admin {args.admin_email} (default password) in the new data dir", file=sys.stderr)
        return store

    from .import_stream import import_file

    try:
        out = import_file(open_store, args.file, workspace=args.workspace, pipeline=args.pipeline, model=args.model,
                          owner=args.owner, output_dtype=args.output_dtype)
    except (ImportError_, ValueError) as exc:
        print(f"import-logs: error: {exc}", file=sys.stderr)
        return 2
    dtypes = ", ".join(f"{k} {v}" for k, v in out["output_dtypes"].items())
    print(f"imported {out['records']} records into workspace {args.workspace!r} (id {out['workspace_id']}), "
          f"pipeline {args.pipeline!r} (id {out['pipeline_id']}); {dtypes}")
    return 0
