"""Run every benchmark (``make bench``) and print their tables.

Each ``bench_*.py`` module in this folder exposes ``main()``; they are run in name order. Speed targets
live here, not in the unit tests: the numbers are reported in the README.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_all(only: list[str] | None = None) -> int:
    """Import and run each benchmark module; return the number that failed."""
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        print(f"\n=== {path.stem} ===", flush=True)
        started = time.perf_counter()
        try:
            spec.loader.exec_module(module)
            module.main()
        except Exception as exc:  # report and go on with the next benchmark
            failed += 1
            print(f"FAILED: {type(exc).__name__}: {exc}")
        print(f"({time.perf_counter() - started:.1f} s)")
    return failed


if __name__ == "__main__":
    raise SystemExit(1 if run_all(sys.argv[1:] or None) else 0)
