"""Workload 2: a long chain y = y * 1.0001 + 0.0001, N steps deep, built and back-propagated.

This is the graph of an unrolled recurrence, one node deep per operation. The derivative
dy/dx = 1.0001 ** N is known in closed form, so each engine's answer can be checked.
micrograd sorts its graph recursively and raises RecursionError past about 500 steps; that is
reported as the result for that N rather than stopping the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import autograd

from .mlp_step import MICROGRAD, PLAIN
from .timing import median, paired_ratio, time_once

FACTOR = 1.0001
OFFSET = 0.0001
OURS = "backprop-lab"
CHAIN_ENGINES = (PLAIN, OURS, MICROGRAD)


# Each runner returns dy/dx and what it built (the graph, or the list of values), so that
# freeing it happens after the clock stops: the timings are build + backward, as for every engine.


def ours(n: int) -> tuple[float, object]:
    """dy/dx through backprop-lab's graph."""
    x = autograd.Value(1.0)
    y = x
    for _ in range(n):
        y = y * FACTOR + OFFSET
    y.backward()
    return float(x.grad), y


def micrograd(n: int) -> tuple[float, object]:
    """dy/dx through micrograd's graph (RecursionError for a deep chain)."""
    from micrograd.engine import Value

    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * FACTOR + OFFSET
    y.backward()
    return float(x.grad), y


def plain(n: int) -> tuple[float, object]:
    """dy/dx with plain floats: a forward pass keeping every value, then a backward loop."""
    values = [1.0]
    y = 1.0
    for _ in range(n):
        y = y * FACTOR + OFFSET
        values.append(y)
    grad = 1.0  # dy_N/dy_N
    for _ in range(n):  # from y_N back to y_0 = x: d(y FACTOR + OFFSET)/dy = FACTOR
        grad = grad * FACTOR
    return grad, values


RUNNERS: dict[str, Callable[[int], tuple[float, object]]] = {
    PLAIN: plain,
    OURS: ours,
    MICROGRAD: micrograd,
}


@dataclass
class ChainTimings:
    """Seconds for build + backward per engine and N; ``failures`` names the error instead."""

    sizes: tuple[int, ...]
    samples: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    failures: dict[tuple[str, int], str] = field(default_factory=dict)
    gradients: dict[tuple[str, int], float] = field(default_factory=dict)

    def seconds(self, engine: str, n: int) -> float | None:
        samples = self.samples.get((engine, n))
        return median(samples) if samples else None

    def ratio_to_plain(self, engine: str, n: int) -> float | None:
        if (engine, n) not in self.samples:
            return None
        return paired_ratio(self.samples[(engine, n)], self.samples[(PLAIN, n)])


def _timed(
    runner: Callable[[int], tuple[float, object]], n: int, gc_enabled: bool
) -> tuple[float, float]:
    """Seconds for one build + backward of depth ``n``, and the gradient it found."""
    outcome: list[tuple[float, object]] = []

    def run() -> None:
        outcome.append(runner(n))

    seconds = time_once(run, gc_enabled)
    gradient = outcome[0][0]
    outcome.clear()  # frees the graph, off the clock
    return seconds, gradient


def time_chain(sizes: tuple[int, ...], repeats: int, gc_enabled: bool) -> ChainTimings:
    """Interleaved rounds over the engines for each N. An engine that fails is not retried."""
    result = ChainTimings(sizes)
    for n in sizes:
        for _ in range(repeats):
            for engine, runner in RUNNERS.items():
                key = (engine, n)
                if key in result.failures:
                    continue
                try:
                    seconds, gradient = _timed(runner, n, gc_enabled)
                except RecursionError:
                    result.failures[key] = "RecursionError"
                    continue
                result.samples.setdefault(key, []).append(seconds)
                result.gradients[key] = gradient
    return result
