"""float32 shortest-decimal detection and exact widening (one rule for the sandbox and the builder)."""

from __future__ import annotations

import numpy as np

from wallaroo_widgets.drift.float32 import is_float32_shortest, widen_float32


def test_shortest_decimals_of_float32_are_detected():
    f32 = np.array([0.99300325, 404676.13, 1.0, 718445.6], dtype=np.float32)
    printed = [float(str(x)) for x in f32]  # how the logs print float32 outputs
    assert is_float32_shortest(printed)
    assert is_float32_shortest([*printed, float("nan")])
    assert not is_float32_shortest([0.1 + 0.2])  # a float64 with more digits than any float32 needs
    assert is_float32_shortest([404676.13, 1077279.3])  # Wallaroo's log text; numpy prints 404676.12
    assert not is_float32_shortest([1e39])  # overflows float32
    assert not is_float32_shortest([float("nan")]) and not is_float32_shortest([])


def test_widening_is_exact_and_only_for_float32_values():
    printed = np.array([float(str(x)) for x in np.array([0.1, 2.3e5], dtype=np.float32)])
    wide = widen_float32(printed)
    assert wide.tolist() == np.array([0.1, 2.3e5], dtype=np.float32).astype(np.float64).tolist()
    assert wide[0] != 0.1  # the float32 0.1 widened, not the float64 0.1
    assert widen_float32(np.array([404676.13]))[0] == float(np.float32(404676.12))
    doubles = np.array([0.1 + 0.2, 1.0])
    assert widen_float32(doubles) is doubles
