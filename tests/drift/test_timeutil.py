"""The one time module: every spelling on the same instants, parsing from each input kind, range errors."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wallaroo_widgets.drift import timeutil as t

PLUS2 = dt.timezone(dt.timedelta(hours=2))
HALF = dt.datetime(2024, 7, 29, 21, 48, 46, 500000, tzinfo=PLUS2)   # 19:48:46.5 UTC
WHOLE = dt.datetime(2024, 7, 29, 19, 48, 46)                       # naive = UTC


def test_the_spellings_of_one_instant() -> None:
    assert t.iso_z(HALF) == "2024-07-29T19:48:46.500000Z"
    assert t.iso_trimmed(HALF) == "2024-07-29T19:48:46.5Z"
    assert t.iso_offset(HALF) == "2024-07-29T21:48:46.500000+02:00"      # the offset as given
    assert t.iso_short_z(t.as_utc(pd.Timestamp(HALF))) == "2024-07-29T19:48:46.500000Z"
    assert t.iso_z(WHOLE) == "2024-07-29T19:48:46.000000Z"
    assert t.iso_trimmed(WHOLE) == "2024-07-29T19:48:46Z"
    assert t.iso_offset(WHOLE) == "2024-07-29T19:48:46+00:00"
    assert t.iso_short_z(t.as_utc(pd.Timestamp(WHOLE))) == "2024-07-29T19:48:46Z"
    assert t.iso_offset(dt.date(2024, 7, 29)) == "2024-07-29T00:00:00+00:00"
    assert t.iso_offset("as given") == "as given" and t.iso_z(None) is None and t.iso_trimmed(None) is None
    with pytest.raises(TypeError):
        t.iso_offset(3)


def test_many_at_once_equals_one_by_one() -> None:
    idx = pd.DatetimeIndex(pd.to_datetime([HALF, WHOLE.replace(tzinfo=dt.timezone.utc), "1970-01-01"], utc=True))
    assert t.iso_z_many(idx) == [t.iso_z(x) for x in idx]
    assert t.iso_z_many(pd.DatetimeIndex([])) == []


@pytest.mark.parametrize("value", ["2024-07-29T19:48:46.5Z", "2024-07-29T21:48:46.500000000+02:00", HALF,
                                   pd.Timestamp(HALF), np.datetime64("2024-07-29T19:48:46.500"),
                                   1722282526500])
def test_every_input_kind_reads_as_the_same_utc_instant(value) -> None:
    ts = t.parse_utc(value, epoch_ms=True)
    assert ts == pd.Timestamp("2024-07-29T19:48:46.5Z") and str(ts.tz) == "UTC"
    assert t.try_utc(value) == ts
    assert t.epoch_ms(value) == 1722282526500  # every reader of epoch milliseconds (sandbox, client)


def test_epoch_ms_floors_exactly() -> None:
    # the floor of the exact nanoseconds (no float product)
    assert t.epoch_ms("2024-01-01T00:00:00.001Z") == 1704067200001
    assert t.epoch_ms("1969-12-31T23:59:59.9995Z") == -1  # floored, also before the epoch
    assert t.epoch_ms(WHOLE) == 1722282526000 and t.epoch_ms(np.int64(5)) == 5
    with pytest.raises(t.TimeError):
        t.epoch_ms("garbage")


def test_errors_say_what_is_wrong() -> None:
    for bad in ("garbage", None, True, float("nan"), "NaT"):
        with pytest.raises(t.TimeError) as ei:
            t.parse_utc(bad, epoch_ms=True)
        assert not ei.value.out_of_range
        assert t.try_utc(bad) is None
    with pytest.raises(t.TimeError):
        t.parse_utc(5)  # numbers only with epoch_ms
    with pytest.raises(t.TimeError) as ei:
        t.parse_utc("2300-01-01", ns=True)
    assert ei.value.out_of_range and "1678-2261" in str(ei.value)
    assert t.parse_utc("2300-01-01").year == 2300          # without ns: any pandas time
    assert t.now().tzinfo is dt.timezone.utc
