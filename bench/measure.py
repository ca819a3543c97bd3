"""Reporting a measurement: one JSON line a metric, against its floor."""

from __future__ import annotations

import json
import statistics
import time


def emit(metric: str, value, unit: str, floor=None, n=None, **extra) -> dict:
    ratio = round(value / floor, 3) if isinstance(value, (int, float)) and floor else None
    row = {"metric": metric, "value": _round(value), "unit": unit, "floor": _round(floor), "ratio": ratio, "n": n}
    row.update(extra)
    print(json.dumps(row), flush=True)
    return row


def _round(value):
    return round(value, 4) if isinstance(value, float) else value


def guarded(metric: str, unit: str):
    """Run one measurement; a failure is reported as a null metric rather than ending the run."""

    def wrap(fn):
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - a benchmark reports what broke and carries on
                return emit(metric, None, unit, error=f"{type(exc).__name__}: {exc}"[:500])

        return run

    return wrap


def median_seconds(fn, runs: int = 5) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)
