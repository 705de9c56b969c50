"""Demo data for ``wallaroo-widgets sandbox --demo``, generated here with a seeded RNG.

``history()`` builds a month of hourly-ish house-price inferences (inputs, float32 model outputs and
millisecond offsets) with a drift episode in the middle: for several days larger houses are priced, so
``out.variable`` shifts up, like Wallaroo's canned assay tutorial. The RNG values never depend on the
date; ``demo_records(end=...)`` only anchors the offsets so the month ends a little before ``end``.
``seed(store)`` puts users, workspaces, the model, a deployed pipeline, the logs and an active assay with
computed results, and the same assay as Assays V2 (``seed_v2``) with its results, into a sandbox store.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

import numpy as np

from ..drift import timeutil
from .onnx_models import HOUSE_FEATURES

DEMO_SEED = 20231031
DAYS = 30
PER_HOUR = 12
DRIFT_DAYS = (13, 18)  # days [13, 18) of the month price bigger houses
LEAD_IN = 0.25  # day 12: slightly bigger houses
MODEL_NAME = "housepricemodel"
PIPELINE_NAME = "housepricepipe"
WORKSPACE_NAME = "housepricesaga"
ASSAY_NAME = "house price drift"
ASSAY_V2_NAME = "house price drift v2"
# Fixed ids so that records are byte-identical between runs.
PIPELINE_VERSION = str(uuid.UUID(int=DEMO_SEED, version=4))
PARTITION = "engine-demo-7f9c4d8b6-h2x9q"


@dataclass(frozen=True)
class History:
    """A month of demo inferences, relative to the month's start."""

    offsets_ms: np.ndarray   # int64 [N], ascending, in [0, DAYS days)
    inputs: np.ndarray       # float64 [N, 18], the values as sent
    outputs: np.ndarray      # float32 [N], the model's ``variable``
    elapsed_ns: np.ndarray   # int64 [N, 2]

    @property
    def span_ms(self) -> int:
        return DAYS * 86_400_000


def house_inputs(rng: np.random.Generator, n: int, big: float = 0.0) -> np.ndarray:
    """``n`` plausible King County houses (18 features, see ``HOUSE_FEATURES``); ``big`` in [0, 1] scales them up."""
    sqft = np.exp(rng.normal(np.log(1900) + 0.55 * big, 0.38, n)).clip(450, 9000).round(-1)
    bedrooms = np.clip(np.round(sqft / 650 + rng.normal(0.4, 0.8, n)), 1, 8)
    bathrooms = np.clip(np.round((sqft / 900 + rng.normal(0.2, 0.4, n)) * 4) / 4, 0.75, 6)
    lot = np.exp(rng.normal(np.log(7500) + 0.3 * big, 0.7, n)).clip(600, 400_000).round()
    floors = rng.choice([1.0, 1.5, 2.0, 2.5, 3.0], n, p=[0.48, 0.09, 0.38, 0.01, 0.04])
    waterfront = (rng.random(n) < 0.008 + 0.05 * big).astype(float)
    view = np.where(rng.random(n) < 0.1 + 0.2 * big, rng.integers(1, 5, n), 0).astype(float)
    condition = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], n, p=[0.01, 0.01, 0.65, 0.26, 0.07])
    grade = np.clip(np.round(7 + (np.log(sqft) - np.log(1900)) * 2.2 + rng.normal(0.6 * big, 0.7, n)), 4, 13)
    basement = np.where(rng.random(n) < 0.4, (sqft * rng.uniform(0.15, 0.45, n)).round(-1), 0.0)
    above = sqft - basement
    lat = (47.56 + rng.normal(0.05 * big, 0.14, n)).clip(47.15, 47.78).round(4)
    long = (-122.21 + rng.normal(0.0, 0.14, n)).clip(-122.52, -121.31).round(4)
    sqft15 = (sqft * np.exp(rng.normal(-0.05, 0.2, n))).clip(400, 6500).round(-1)
    lot15 = (lot * np.exp(rng.normal(0.0, 0.3, n))).clip(600, 400_000).round()
    age = rng.integers(0, 116, n).astype(float)
    renovated = ((rng.random(n) < 0.05) & (age > 20)).astype(float)
    yrs_since = np.where(renovated > 0, np.floor(age * rng.random(n)), 0.0)
    cols = [bedrooms, bathrooms, sqft, lot, floors, waterfront, view, condition, grade, above, basement,
            lat, long, sqft15, lot15, age, renovated, yrs_since]
    assert len(cols) == len(HOUSE_FEATURES)
    return np.column_stack(cols).astype(np.float64)


def predict(inputs: np.ndarray) -> np.ndarray:
    """Run ``housepricemodel`` with onnxruntime (as the sandbox's inference does); float32 [N]."""
    import onnxruntime as ort

    from .onnx_models import house_price_onnx

    sess = ort.InferenceSession(house_price_onnx(), providers=["CPUExecutionProvider"])
    return sess.run(None, {"tensor": inputs.astype(np.float32)})[0][:, 0]


def history(seed: int = DEMO_SEED, days: int = DAYS, per_hour: int = PER_HOUR,
            drift_days: tuple[int, int] = DRIFT_DAYS) -> History:
    """A month of inferences: Poisson(``per_hour``) per hour, drift episode during ``drift_days``."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(per_hour, days * 24)
    hours = np.repeat(np.arange(days * 24), counts)
    offsets = hours * 3_600_000 + rng.integers(0, 3_600_000, hours.size)
    offsets.sort()
    day = offsets // 86_400_000
    lo, hi = drift_days
    # a mild lead-in day (a Warning), then ramp in over the first day of the episode, full strength after
    big = np.where((day >= lo) & (day < hi), np.clip((offsets - lo * 86_400_000) / 86_400_000 + 0.5, 0, 1), 0.0)
    big = np.where(day == lo - 1, LEAD_IN, big)
    inputs = np.empty((offsets.size, len(HOUSE_FEATURES)))
    for level in np.unique(big):
        mask = big == level
        inputs[mask] = house_inputs(rng, int(mask.sum()), big=float(level))
    elapsed = np.column_stack([rng.integers(900_000, 6_000_000, offsets.size),
                               rng.integers(200_000, 900_000, offsets.size)])
    return History(offsets.astype(np.int64), inputs, predict(inputs), elapsed.astype(np.int64))


def month_start(end: dt.datetime | None = None, days: int = DAYS) -> dt.datetime:
    """Start of the demo month: it ends at the last full hour before ``end`` (default now), UTC."""
    end = (end or timeutil.now()).astimezone(timeutil.UTC)
    last_hour = end.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    return last_hour - dt.timedelta(days=days)


def demo_records(end: dt.datetime | None = None, model_sha: str = "", hist: History | None = None) -> list[dict]:
    """The history as flattened inference-log records (get_baseline shape), oldest first.

    ``out.variable`` holds the exact float64 widening of the float32 output (store it as float32).
    """
    hist = hist or history()
    start_ms = int(month_start(end).timestamp() * 1000)
    last_model = json.dumps({"model_name": MODEL_NAME, "model_sha": model_sha}, separators=(",", ":"))
    out = []
    rows = zip(hist.offsets_ms.tolist(), hist.inputs.tolist(), hist.outputs.tolist(), hist.elapsed_ns.tolist(),
               strict=True)
    for off, x, y, el in rows:
        out.append({
            "time": start_ms + off,
            "in.tensor": x,
            "out.variable": [y],
            "check_failures": [],
            "metadata.last_model": last_model,
            "metadata.pipeline_version": PIPELINE_VERSION,
            "metadata.elapsed": el,
            "metadata.dropped": [],
            "metadata.partition": PARTITION,
        })
    return out


DEMO_USERS = (("alice@wallaroo.local", "alice-demo"), ("bob@wallaroo.local", "bob-demo"))
SUMMARIZER = {"type": "UnivariateContinuous", "bin_mode": "Quantile", "aggregation": "Density", "metric": "PSI",
              "num_bins": 5, "bin_weights": None, "provided_edges": None}


def assay_config(pipeline_id: int, workspace_id: int, start: dt.datetime) -> dict:
    """The demo assay: baseline = first day of the month, daily windows over the rest, alert 0.25 / warning 0.1."""
    window = {"pipeline_name": PIPELINE_NAME, "model_name": MODEL_NAME, "path": "output variable 0",
              "width": "24 hours", "interval": "24 hours", "start": (start + dt.timedelta(days=1)).isoformat(),
              "workspace_id": workspace_id, "locations": []}
    baseline = {"calculated": {"fixed_window": {**window, "start": start.isoformat()}}}
    return {"name": ASSAY_NAME, "pipeline_id": pipeline_id, "pipeline_name": PIPELINE_NAME, "active": True,
            "status": "created", "baseline": baseline, "window": window, "summarizer": SUMMARIZER,
            "warning_threshold": 0.1, "alert_threshold": 0.25, "run_until": None, "workspace_id": workspace_id}


def assay_v2_body(pipeline_id: int, workspace_id: int, start: dt.datetime) -> dict:
    """The demo V2 assay (schedule body): as the V1 one, baseline = the month's first day (Static), daily
    windows from the second day, Quantile 5 PSI, warning 0.1 / alert 0.25 on ``out.variable.0``."""
    day = dt.timedelta(days=1)
    return {"name": ASSAY_V2_NAME, "baseline": {"Static": [start.isoformat(), (start + day).isoformat()]},
            "scheduling": {"first_run": (start + day).isoformat(),
                           "run_frequency": {"SimpleRunFrequency": {"quantity": 1, "unit": "Day"}}, "end": None},
            "summarizer": {"UnivariateContinuous": {"aggregation": "Density", "bin_mode": {"Quantile": 5},
                                                    "metric": "PSI", "bin_weights": None}},
            "targeting": {"data_origin": {"pipeline_id": pipeline_id, "pipeline_name": PIPELINE_NAME,
                                          "workspace_id": workspace_id, "workspace_name": WORKSPACE_NAME,
                                          "locations": None, "model_id": None},
                          "iopath": [{"field": "out.variable", "indexes": [0],
                                      "thresholds": {"warning": 0.1, "alert": 0.25}}]},
            "window": {"width": {"seconds": 86400}}}


def seed_v2(store, target: dict, start: dt.datetime, now: dt.datetime, run_assays: bool = True) -> tuple[str, int]:
    """Create the demo V2 assay and (``run_assays``) store its month of daily results -> (id, results)."""
    import pandas as pd

    from . import assay_v2_run, assay_v2_store
    from .routers.assays_v2 import ScheduleBody, create

    body = ScheduleBody.model_validate(assay_v2_body(target["pipeline_id"], target["workspace_id"], start))
    aid = create(store, body, assay_v2_run.server_time(now))
    if not run_assays:
        return aid, 0
    with store.tx() as conn:
        assay = assay_v2_store.get_assay(conn, aid)
        added = assay_v2_run.run_assay(conn, assay, pd.Timestamp(now), lambda: store.tx(write=True))
    return aid, added


def seed(store, now: dt.datetime | None = None, run_assays: bool = True) -> dict:
    """Seed demo users, workspaces, a deployed ``housepricepipe`` with a month of logs and an active assay.

    The store's admin owns ``housepricesaga`` (alice owner, bob collaborator) and collaborates on bob's
    ``ccfraud-demo`` (an undeployed ccfraud-style pipeline).

    Idempotent: returns ``{"seeded": False}`` when the ``housepricesaga`` workspace already exists.
    """
    import pandas as pd

    from . import assay_env, assay_store, db
    from .assay_config import Baseline, Window, parse_summarizer, stored_config
    from .onnx_models import ccfraud_onnx, house_price_onnx
    from .scheduler import run_assay

    with store.tx() as conn:
        if assay_env.workspace_id_by_name(conn, WORKSPACE_NAME) is not None:
            return {"seeded": False}
    now = (now or timeutil.now()).astimezone(timeutil.UTC)
    users = {email: store.ensure_user(email, password) for email, password in DEMO_USERS}
    alice, bob = (users[e] for e, _ in DEMO_USERS)
    # the admin (the notebook user of `make lab`) owns the house-price workspace; alice and bob collaborate
    target = store.ensure_pipeline(workspace=WORKSPACE_NAME, pipeline=PIPELINE_NAME, model=MODEL_NAME,
                                   owner=None, model_bytes=house_price_onnx(), deploy=True)
    store.add_member(target["workspace_id"], alice["id"], "owner")
    store.add_member(target["workspace_id"], bob["id"], "collaborator")
    fraud = store.ensure_pipeline(workspace="ccfraud-demo", pipeline="ccfraudpipe", model="ccfraud",
                                  owner=bob, model_bytes=ccfraud_onnx(), deploy=False)
    admin = store.admin_user()
    if admin is not None:
        store.add_member(fraud["workspace_id"], admin["id"], "collaborator")
    records = demo_records(now, model_sha=target.get("model_sha") or "")
    with store.tx(write=True) as conn:
        n = db.insert_logs(conn, target["pipeline_id"], records, {"out.variable": "float32"})
    start = month_start(now)
    cfg = assay_config(target["pipeline_id"], target["workspace_id"], start)
    window = Window.parse(cfg["window"])
    baseline = Baseline.parse(cfg["baseline"], window=window)
    config = stored_config(window, baseline, parse_summarizer(cfg["summarizer"]), cfg["alert_threshold"],
                           cfg["warning_threshold"])
    stamp = pd.Timestamp(now)
    added = 0
    with store.tx(write=True) as conn:
        assay_store.ensure_schema(conn)
        aid = assay_store.insert_assay(conn, name=ASSAY_NAME, workspace_id=target["workspace_id"],
                                       pipeline_id=target["pipeline_id"], pipeline_name=PIPELINE_NAME, active=True,
                                       config=config, run_until=None, next_run=None, now=stamp.isoformat())
        conn.commit()
        if run_assays:
            assay = assay_store.get_assay(conn, aid)
            assay["workspace_name"] = WORKSPACE_NAME
            added = run_assay(conn, assay, stamp, assay_env.log_source(conn, target["workspace_id"]))
    v2_id, v2_added = seed_v2(store, target, start, now, run_assays)
    return {"seeded": True, "users": list(users), "workspace_id": target["workspace_id"],
            "pipeline_id": target["pipeline_id"], "ccfraud_workspace_id": fraud["workspace_id"], "logs": n,
            "assay_id": aid, "results": added, "assay_v2_id": v2_id, "results_v2": v2_added}
