"""Sandbox assays: ``assays/run_interactive`` over the demo month with hourly windows (~700 windows, ~8.8k
logged rows), sequential and with concurrent clients; plus the demo seed (first start) time.

``main()`` prints requests/s and p50/p99 latency per concurrency level.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd


def _pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(requests_per_level: int = 24, levels: tuple[int, ...] = (1, 4)) -> list[tuple]:
    from wallaroo_widgets import Session
    from wallaroo_widgets.sandbox import SandboxServer

    rows = []
    t0 = time.perf_counter()
    with SandboxServer(tempfile.mkdtemp(prefix="bench-assays-"), demo=True) as srv:
        rows.append(("sandbox start with demo seed (8.8k logs, 29 scheduled windows)", time.perf_counter() - t0))
        s = Session.password(srv.url, srv.admin_email, srv.admin_password, client_secret=srv.client_secret)
        ws = next(w for w in s.workspaces.list() if w["name"] == "housepricesaga")
        assay = s.assays.list(ws["pipelines"][0]).raw[0]
        start = pd.Timestamp(assay["window"]["start"])
        cfg = {**assay, "window": {**assay["window"], "width": "1 hour", "interval": "1 hour",
                                   "start": start.isoformat()}}
        n_windows = len(s.assays.run_interactive(cfg))
        print(f"run_interactive: {n_windows} hourly windows per request")

        sessions = [Session.password(srv.url, srv.admin_email, srv.admin_password, client_secret=srv.client_secret)
                    for _ in range(max(levels))]
        for sess in sessions:  # log in before timing
            sess.assays.list(ws["pipelines"][0])

        def one(i: int) -> float:
            t = time.perf_counter()
            sessions[i % len(sessions)].assays.run_interactive(cfg)
            return time.perf_counter() - t

        for level in levels:
            t = time.perf_counter()
            with ThreadPoolExecutor(level) as pool:
                lat = list(pool.map(one, range(requests_per_level)))
            wall = time.perf_counter() - t
            rows.append((f"run_interactive x{requests_per_level}, {level} client(s): "
                         f"{requests_per_level / wall:.1f} req/s, p50 {statistics.median(lat) * 1000:.0f} ms, "
                         f"p99 {_pct(lat, 0.99) * 1000:.0f} ms", wall))
    for name, seconds in rows:
        print(f"{name:<100} {seconds:8.3f} s")
    return rows


if __name__ == "__main__":
    main()
