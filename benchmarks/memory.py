"""Workload 3: memory a graph keeps alive, per node, and what it costs to let it go.

The graph is a running sum of products of fresh leaves, written as micrograd users write it:
``total = total + Value(a_i) * Value(b_i)``. Its retained size is the difference between two
``tracemalloc`` snapshots taken before and after building it, divided by the number of Value
nodes (leaves included). Then the graph is dropped (``del``) and ``gc.collect()`` is timed and
asked how many unreachable objects it found: reference cycles that only the collector frees.
"""

from __future__ import annotations

import gc
import random
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import autograd

from .mlp_step import MICROGRAD
from .timing import collector

OURS = "backprop-lab"
MEMORY_ENGINES = (OURS, MICROGRAD)


@dataclass(frozen=True)
class MemoryResult:
    engine: str
    products: int
    nodes: int  # Value objects in the graph, leaves included
    retained_bytes: int
    total: float  # the sum itself, to check that the engines agree
    free_seconds: float  # the ``del`` of the last reference
    collect_seconds: float  # the ``gc.collect()`` after it
    collected: int  # unreachable objects that gc.collect() found

    @property
    def bytes_per_node(self) -> float:
        return self.retained_bytes / self.nodes


def _operands(products: int, seed: int) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    return [rng.random() for _ in range(products)], [rng.random() for _ in range(products)]


def _build(value: Callable[[float], Any], a: list[float], b: list[float]) -> Any:
    total = value(0.0)
    for ai, bi in zip(a, b, strict=True):
        total = total + value(ai) * value(bi)
    return total


def _retained_bytes(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> int:
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    before = before.filter_traces(ignore)
    after = after.filter_traces(ignore)
    return sum(stat.size_diff for stat in after.compare_to(before, "filename"))


def _value_class(engine: str) -> Callable[[float], Any]:
    if engine == OURS:
        return autograd.Value
    if engine == MICROGRAD:
        from micrograd.engine import Value

        return cast(Callable[[float], Any], Value)
    raise ValueError(f"memory: unknown engine {engine!r}; expected one of {MEMORY_ENGINES}")


def measure(engine: str, products: int, seed: int = 0) -> MemoryResult:
    """Build the sum of ``products`` products on ``engine`` and measure what it holds and frees."""
    value = _value_class(engine)
    a, b = _operands(products, seed)
    gc.collect()
    with collector(False):  # nothing here is garbage; keep the collector out of the measurement
        tracemalloc.start()
        try:
            before = tracemalloc.take_snapshot()
            total = _build(value, a, b)
            after = tracemalloc.take_snapshot()
        finally:
            tracemalloc.stop()
        retained = _retained_bytes(before, after)
        del before, after
        result = float(total.data)
        start = time.perf_counter()
        del total
        free_seconds = time.perf_counter() - start
        start = time.perf_counter()
        collected = gc.collect()
        collect_seconds = time.perf_counter() - start
    return MemoryResult(
        engine=engine,
        products=products,
        nodes=1 + 4 * products,  # the start, and per product two leaves, a * and a +
        retained_bytes=retained,
        total=result,
        free_seconds=free_seconds,
        collect_seconds=collect_seconds,
        collected=collected,
    )
