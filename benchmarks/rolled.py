"""Workload 9: batched ``autograd.compile`` rolled into matrices, against NumPy and PyTorch.

- micrograd's demo step (MLP 2-16-16-1, ReLU, hinge + 1e-4 L2, SGD) over 1,000 points: the
  per-example loss compiled and called once on the whole batch (its parameters are arguments,
  shared by the batch), against the same step by hand in NumPy matrices and in PyTorch
  (float64, one thread); the loss written with ``dot`` as ``nn`` does, and micrograd-style
  (``sum((wi * xi for ...), b)``, one node per ``*`` and ``+``).
- Compiling a graph of 3×10⁵ nodes with no repeated structure against one eager forward and
  backward of it: time and peak memory.
- Compiling the digits ConvNet's per-example loss (trace, rolling, code) and one batched call.

``python -m benchmarks.rolled`` runs it alone and prints the section.
"""

from __future__ import annotations

import contextlib
import gc
import random
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd
from autograd import Value

from . import report
from .compiled import mlp_per_example
from .float_mlp import ALPHA
from .matrix_step import NumpyStep, TorchStep
from .mlp_step import learning_rate
from .moons import make_moons
from .scalar_mlp import DEMO_SIZES, flat_weights, initial_weights
from .timing import interleaved, median, paired_ratio

NUMPY = NumpyStep.name
TORCH = TorchStep.name
ROLLED = "compiled, batched (dot, as nn)"
MICROGRAD_STYLE = "compiled, batched (micrograd-style)"
GRAPH_NODES = 300_000


def micrograd_neuron(w: Sequence[Value], x: Sequence[Value], b: Value) -> Value:
    """A neuron's weighted sum as micrograd writes it: one node per ``*`` and per ``+``."""
    return sum((wi * xi for wi, xi in zip(w, x, strict=True)), b)


def micrograd_style_per_example(sizes: Sequence[int] = DEMO_SIZES) -> Callable[..., Value]:
    """The demo's per-example loss as micrograd writes it: one node per ``*`` and per ``+``."""
    return mlp_per_example(sizes, micrograd_neuron)


class RolledStep:
    """The demo step through one batched compiled call; the L2 term and SGD on NumPy arrays."""

    def __init__(self, function: Callable[..., Value], name: str, theta: Sequence[float],
                 points: Any, labels: Any) -> None:
        import numpy as np

        self.np = np
        self.name = name
        self.compiled = autograd.compile(function)
        self.theta = np.array(theta, dtype=float)
        points = np.asarray(points, dtype=float)
        self.columns = [np.ascontiguousarray(points[:, i]) for i in range(points.shape[1])]
        self.y = np.asarray(labels, dtype=float)
        self.compiled.value_and_grad(*self.theta.tolist(), *self.columns, self.y)  # compiles

    def step(self, k: int) -> float:
        np, theta, n = self.np, self.theta, len(self.y)
        values, grads = self.compiled.value_and_grad(*theta.tolist(), *self.columns, self.y)
        gradient = np.fromiter(grads[: len(theta)], float, len(theta)) / n + 2.0 * ALPHA * theta
        loss = float(values.sum()) / n + ALPHA * float(theta @ theta)
        self.theta = theta - learning_rate(k) * gradient
        return loss

    def parameters(self) -> list[float]:
        return [float(v) for v in self.theta.tolist()]


@dataclass
class RolledResults:
    n_points: int
    steps: dict[str, list[float]]  # seconds per step, by engine
    agreement: float  # largest relative difference of the parameters after three steps
    source_lines: int  # of the rolled source of the nn-style loss
    graph_nodes: int
    eager_seconds: float
    eager_peak: int
    compile_seconds: float
    compile_peak: int
    compile_outcome: str
    convnet_compile_seconds: float


def _engines(n_points: int) -> dict[str, Any]:
    points, labels = make_moons(n_points, noise=0.1, seed=7)
    signs = [2.0 * y - 1.0 if y in (0, 1) else float(y) for y in labels]
    theta = flat_weights(initial_weights())
    return {
        NUMPY: NumpyStep(theta, points, signs),
        TORCH: TorchStep(theta, points, signs),
        ROLLED: RolledStep(mlp_per_example(), ROLLED, theta, points, signs),
        MICROGRAD_STYLE: RolledStep(micrograd_style_per_example(), MICROGRAD_STYLE, theta,
                                    points, signs),
    }


def _agreement(n_points: int) -> float:
    """The largest relative difference between the engines' parameters after three steps."""
    engines = _engines(n_points)
    for k in range(3):
        for engine in engines.values():
            engine.step(k)
    reference = engines[NUMPY].parameters()
    worst = 0.0
    for engine in engines.values():
        for a, b in zip(engine.parameters(), reference, strict=True):
            worst = max(worst, abs(a - b) / max(abs(b), 1e-300))
    return worst


def time_steps(n_points: int, repeats: int, steps: int) -> dict[str, list[float]]:
    engines = _engines(n_points)

    def run(engine: Any) -> Callable[[], None]:
        def steps_of() -> None:
            for k in range(steps):
                engine.step(k)

        return steps_of

    times = interleaved({name: run(e) for name, e in engines.items()}, repeats, gc_enabled=False)
    return {name: [t / steps for t in ts] for name, ts in times.items()}


# ---- compile cost --------------------------------------------------------------------------

def unstructured(nodes: int) -> Callable[[Value, Value], Value]:
    """A function of two inputs whose graph has about ``nodes`` nodes and no repeated layer:
    each step reads a random earlier node and the last one, with a random op."""

    def f(x: Value, y: Value) -> Value:
        rng = random.Random(0)
        made = [x, y]
        count = 2
        while count < nodes:
            a, b = made[rng.randrange(len(made))], made[-1]
            kind = rng.randrange(4)
            if kind == 0:
                v = (a * b).tanh()
            elif kind == 1:
                v = (a + b * 0.5).sin()
            elif kind == 2:
                v = (a - b).sigmoid()
            else:
                v = (a * 0.3 + b).tanh()
            made.append(v)
            count += 2 if kind in (0, 2) else 4  # the nodes each kind makes, constants too
        return made[-1]

    return f


def _measured(run: Callable[[], object]) -> tuple[float, int, str]:
    """Seconds (a run of its own) and peak traced memory (another run) of ``run``."""
    outcome = "compiled"
    gc.collect()
    start = time.perf_counter()
    try:
        run()
    except ValueError as error:
        outcome = f"refused: {error}"
    seconds = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    with contextlib.suppress(ValueError):
        run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, outcome


def compile_cost(nodes: int) -> tuple[int, float, int, float, int, str]:
    from autograd.backprop import topological_order

    f = unstructured(nodes)
    out = f(Value(0.5), Value(0.3))
    counted = len(topological_order(out))
    del out

    def eager() -> None:
        f(Value(0.5), Value(0.3)).backward()

    def compiled() -> None:
        autograd.compile(f).value_and_grad([0.5, 0.6], 0.3)

    eager_seconds, eager_peak, _ = _measured(eager)
    compile_seconds, compile_peak, outcome = _measured(compiled)
    return counted, eager_seconds, eager_peak, compile_seconds, compile_peak, outcome


def convnet_compile_seconds() -> float:
    """Trace, roll and generate the digits ConvNet's per-example cross-entropy; one call."""
    import numpy as np

    import nn
    from nn.compiled_step import PER_EXAMPLE

    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64, 10, seed=0))

    def loss(*arguments: Value) -> Value:
        image = [[list(arguments[r * 8 : r * 8 + 8]) for r in range(8)]]
        return PER_EXAMPLE["cross_entropy"](model(image), arguments[64:])

    rng = np.random.default_rng(0)
    pixels = [rng.uniform(0.0, 1.0, 32) for _ in range(64)]
    one_hot = [np.where(rng.integers(0, 10, 32) == j, 1.0, 0.0) for j in range(10)]
    start = time.perf_counter()
    autograd.compile(loss).value_and_grad(*pixels, *one_hot)
    return time.perf_counter() - start


def time_rolled(n_points: int = 1000, repeats: int = 9, steps: int = 5,
                nodes: int = GRAPH_NODES) -> RolledResults:
    agreement = _agreement(n_points)
    steps_times = time_steps(n_points, repeats, steps)
    compiled = autograd.compile(mlp_per_example())
    theta = flat_weights(initial_weights())
    compiled.value_and_grad(*theta, [0.1, 0.2], [0.3, 0.4], [1.0, -1.0])
    lines = len(compiled.array_source.splitlines())
    counted, eager_s, eager_peak, compile_s, compile_peak, outcome = compile_cost(nodes)
    return RolledResults(n_points, steps_times, agreement, lines, counted, eager_s, eager_peak,
                         compile_s, compile_peak, outcome, convnet_compile_seconds())


def section(results: RolledResults) -> tuple[str, list[report.Target]]:
    """The Markdown section and the targets of workload 9."""
    steps = results.steps
    rows = [
        [name, report.seconds(median(steps[name])),
         report.times(paired_ratio(steps[name], steps[NUMPY]))]
        for name in (NUMPY, TORCH, ROLLED, MICROGRAD_STYLE)
    ]
    rolled_ratio = paired_ratio(steps[ROLLED], steps[NUMPY])
    micrograd_ratio = paired_ratio(steps[MICROGRAD_STYLE], steps[NUMPY])
    time_ratio = results.compile_seconds / results.eager_seconds
    memory_ratio = results.compile_peak / results.eager_peak
    found = [
        report.Target("demo step over 1,000 points, compiled batched: at most 2x NumPy matrices",
                      report.times(rolled_ratio), rolled_ratio <= 2.0),
        report.Target("the same, micrograd-style (one node per op): at most 3x NumPy matrices",
                      report.times(micrograd_ratio), micrograd_ratio <= 3.0),
        report.Target(f"compiling {results.graph_nodes:,} unstructured nodes: within 10x one "
                      f"eager forward+backward (or refused up front)",
                      report.times(time_ratio), time_ratio <= 10.0),
        report.Target("... and within 3x its peak memory",
                      report.times(memory_ratio), memory_ratio <= 3.0),
        report.Target("digits ConvNet per-example loss: compiled (and one batched call) in "
                      "under 5 s", report.seconds(results.convnet_compile_seconds),
                      results.convnet_compile_seconds < 5.0),
    ]
    outcome = results.compile_outcome.split(":")[0]
    text = "\n\n".join([
        "## 9. Layers as arrays: batched `compile` rolled into matrices",
        f"micrograd's demo step (2-16-16-1, ReLU, hinge loss + 1e-4 L2, SGD) over "
        f"{results.n_points:,} points, float64. The compiled engines call the per-example loss "
        f"once on the whole batch (the 337 parameters shared arguments, x1, x2, y batched); the "
        f"rolled program is one NumPy line per group of like nodes ({results.source_lines} lines "
        f"of source). Collector off, engines interleaved, medians; after three steps the "
        f"engines' parameters agree to {results.agreement:.1e} relative.",
        report.table(["engine", "time per step", "x NumPy matrices"], rows),
        f"Compile cost: a graph of {results.graph_nodes:,} nodes with no repeated structure. "
        f"One eager forward and backward: {report.seconds(results.eager_seconds)}, peak "
        f"{results.eager_peak / 1e6:.0f} MB; `compile` ({outcome}): "
        f"{report.seconds(results.compile_seconds)}, peak {results.compile_peak / 1e6:.0f} MB. "
        f"The digits ConvNet's per-example loss compiles and runs one batch of 32 in "
        f"{report.seconds(results.convnet_compile_seconds)}.",
        report.targets_table(found),
    ])
    return text, found


def main(argv: Sequence[str] | None = None) -> None:
    """Run workload 9 alone and print its section (``--quick``: tiny sizes, one round)."""
    import sys

    quick = "--quick" in (sys.argv[1:] if argv is None else argv)
    results = time_rolled(n_points=100, repeats=1, steps=1, nodes=2000) if quick else \
        time_rolled()
    print(section(results)[0])


if __name__ == "__main__":
    main()
