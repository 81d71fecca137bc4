"""Side-by-side timing: run the engines in turn (A, B, C, A, B, C, ...) and take medians.

Interleaving means a slow moment of the machine (another process, a CPU frequency change)
touches every engine alike instead of all repeats of one; a ratio is taken within each
round, between runs made seconds apart, and its median over the rounds is reported.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def collector(enabled: bool) -> Iterator[None]:
    """Run a block with Python's cyclic garbage collector on or off, then restore it."""
    was_enabled = gc.isenabled()
    if enabled:
        gc.enable()
    else:
        gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def time_once(run: Callable[[], object], gc_enabled: bool) -> float:
    """Seconds one call of ``run`` takes, after collecting what earlier runs left behind."""
    gc.collect()
    with collector(gc_enabled):
        start = time.perf_counter()
        run()
        return time.perf_counter() - start


def interleaved(
    runs: Mapping[str, Callable[[], object]],
    repeats: int,
    gc_enabled: bool,
    repeats_for: Mapping[str, int] | None = None,
) -> dict[str, list[float]]:
    """Times of each run, measured in rounds: every engine once per round, in a fixed order.

    ``repeats_for`` lets a slow engine sit out the later rounds (its own repeat count).
    """
    limits = dict(repeats_for or {})
    times: dict[str, list[float]] = {name: [] for name in runs}
    for round_number in range(repeats):
        for name, run in runs.items():
            if round_number < limits.get(name, repeats):
                times[name].append(time_once(run, gc_enabled))
    return times


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def paired_ratio(slower: list[float], faster: list[float]) -> float:
    """Median over rounds of slower/faster, using the rounds in which both ran."""
    rounds = min(len(slower), len(faster))
    if rounds == 0:
        raise ValueError("paired_ratio: no round in which both engines ran")
    return statistics.median(slower[i] / faster[i] for i in range(rounds))
