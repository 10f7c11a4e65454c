"""Percentiles, sizes on disk and per-query timing (wall clock and CPU time of the querying thread)."""

import os
import time


def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def dir_size(path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def timed(fn, queries, cpu=None):
    """Wall-clock ms per query; CPU ms of this thread go to ``cpu`` (meaningful on a loaded machine)."""
    lat = []
    for q, _uid in queries:
        t0, c0 = time.perf_counter(), time.thread_time()
        fn(q)
        lat.append((time.perf_counter() - t0) * 1000)
        if cpu is not None:
            cpu.append((time.thread_time() - c0) * 1000)
    return lat


def measure(engine, queries) -> tuple[dict, dict]:
    """Wall-clock and CPU ms per query kind, after warming the engine's caches with a few queries."""
    for qs in queries.values():
        for q, _uid in qs[:3]:
            engine.query(q)
    lat, cpu = {}, {}
    for kind, qs in queries.items():
        cpu[kind] = []
        lat[kind] = timed(engine.query, qs, cpu[kind])
    return lat, cpu
