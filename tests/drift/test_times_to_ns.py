"""``times_to_ns``: every input kind gives the same epoch nanoseconds (datetime64 data via an int64 view)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets.drift.windows import times_to_ns

MS = np.array([1_700_000_000_123, 1_700_000_000_123, 1_700_003_600_000, 1_702_000_000_999], dtype=np.int64)
NS = MS * 1_000_000


def _kinds() -> dict[str, object]:
    utc = pd.Series(pd.to_datetime(MS, unit="ms", utc=True))
    return {
        "tz-aware Series (ns)": utc,
        "tz-aware Series (ms unit)": pd.Series(MS.astype("datetime64[ms]")).dt.tz_localize("UTC"),
        "tz-aware Series (Berlin)": utc.dt.tz_convert("Europe/Berlin"),
        "DatetimeIndex (UTC)": pd.DatetimeIndex(utc),
        "DatetimeIndex (New York)": pd.DatetimeIndex(utc).tz_convert("America/New_York"),
        "naive datetime64[ns]": MS.astype("datetime64[ms]").astype("datetime64[ns]"),
        "naive datetime64[ms]": MS.astype("datetime64[ms]"),
        "naive datetime64[us] Series": pd.Series(MS.astype("datetime64[ms]").astype("datetime64[us]")),
        "epoch ms": MS,
        "epoch ms list": MS.tolist(),
        "ISO strings": [pd.Timestamp(m, unit="ms", tz="UTC").isoformat() for m in MS],
        "Timestamps (object)": list(utc),
    }


@pytest.mark.parametrize("kind", list(_kinds()))
def test_every_input_kind_gives_the_same_ns(kind: str) -> None:
    got = times_to_ns(_kinds()[kind])
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, NS)


def test_seconds_and_days_units_scale_exactly() -> None:
    days = np.array(["1970-01-02", "2024-03-01"], dtype="datetime64[D]")
    np.testing.assert_array_equal(times_to_ns(days), np.array([86_400, 19_783 * 86_400]) * 1_000_000_000)
    np.testing.assert_array_equal(times_to_ns(pd.Series(days.astype("datetime64[s]")).dt.tz_localize("UTC")),
                                  np.array([86_400, 19_783 * 86_400]) * 1_000_000_000)


def test_missing_and_out_of_range_times_are_errors() -> None:
    with pytest.raises(ValueError, match="missing"):
        times_to_ns(pd.Series([pd.Timestamp("2024-01-01", tz="UTC"), pd.NaT]).dt.tz_convert("UTC"))
    with pytest.raises(ValueError, match="missing"):
        times_to_ns(np.array(["2024-01-01", "NaT"], dtype="datetime64[ms]"))
    with pytest.raises(ValueError, match="out of range"):
        times_to_ns(np.array(["2400-01-01"], dtype="datetime64[s]"))
    with pytest.raises(ValueError, match="1-D"):
        times_to_ns(np.zeros((2, 2), dtype="datetime64[ms]"))
