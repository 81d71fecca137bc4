"""Workload 8: ``autograd.compile``, per example and batched, against plain floats and micrograd.

- The demo's MLP step (2-16-16-1, hinge loss, L2, SGD) with the per-example loss compiled: the
  337 parameters and one point's x1, x2, y are its arguments, called once per point, gradients
  summed over the 100 points; side by side with plain floats and micrograd (collector off).
- The same step over 1,000 points in one batched call (NumPy), against plain floats on them.
- Tracing and code generation of that model, and the size of the generated source.
- Digits-sized work: one epoch of a 64-32-10 MLP on 1,500 8x8 images (cross-entropy, batches
  of 100, SGD), eager ``nn.fit`` against compiled per-example calls and ``fit(compile=True)``.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd
from autograd import Value

from . import report
from .float_mlp import ALPHA, FloatMLP
from .mlp_step import MICROGRAD, PLAIN, Trainer, learning_rate, trainers
from .moons import make_moons
from .scalar_mlp import DEMO_SIZES, flat_weights, initial_weights
from .sizes import Sizes
from .timing import interleaved, median, paired_ratio, time_once

COMPILED = "compiled, per example"
BATCHED = "compiled, batched"


def dot_neuron(w: Sequence[Value], x: Sequence[Value], b: Value) -> Value:
    """A neuron's weighted sum as ``nn`` writes it: one ``dot`` node and the bias."""
    return autograd.dot(w, x) + b


def mlp_per_example(
    sizes: Sequence[int] = DEMO_SIZES,
    neuron: Callable[[Sequence[Value], Sequence[Value], Value], Value] = dot_neuron,
) -> Callable[..., Value]:
    """The demo's per-example loss relu(1 − y·score) as a function of (θ..., x1, x2, y).

    θ is in micrograd's order (each neuron's weights, then its bias); hidden layers use relu;
    ``neuron(w, x, b)`` writes each neuron's weighted sum.
    """
    n_parameters = sum((n_in + 1) * n_out for n_in, n_out in itertools.pairwise(sizes))
    n_inputs = sizes[0]

    def per_example(*arguments: Value) -> Value:
        theta = arguments[:n_parameters]
        x: list[Value] = list(arguments[n_parameters : n_parameters + n_inputs])
        y = arguments[-1]
        k = 0
        last = len(sizes) - 2
        for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            outputs = []
            for _ in range(n_out):
                act = neuron(theta[k : k + n_in], x, theta[k + n_in])
                k += n_in + 1
                outputs.append(act.relu() if layer != last else act)
            x = outputs
        return (1 + -y * x[0]).relu()

    return per_example


class CompiledTrainer(Trainer):
    """The demo's step through ``autograd.compile``: per-example calls, or one batched call."""

    def __init__(self, data: tuple[list[list[float]], list[int]], batched: bool) -> None:
        self.name = BATCHED if batched else COMPILED
        self.batched = batched
        self.theta = flat_weights(initial_weights())
        self.points, labels = data
        self.labels = [float(y) for y in labels]
        self.compiled = autograd.compile(mlp_per_example())
        self.grads: list[float] = []
        if batched:
            import numpy as np

            self.columns = [np.array([p[i] for p in self.points]) for i in range(2)]
            self.targets = np.array(self.labels)

    def loss_and_gradients(self) -> float:
        theta, n = self.theta, len(self.points)
        if self.batched:
            values, grads = self.compiled.value_and_grad(*theta, *self.columns, self.targets)
            data_loss = float(values.sum())
            sums = list(grads[: len(theta)])
        else:
            value_and_grad = self.compiled.value_and_grad
            results = [
                value_and_grad(*theta, x1, x2, y)
                for (x1, x2), y in zip(self.points, self.labels, strict=True)
            ]
            data_loss = sum(value for value, _ in results)
            # the gradients summed over the points, parameter by parameter
            sums = list(map(sum, zip(*[grads for _, grads in results], strict=True)))
        scale = 1.0 / n
        penalty = 0.0
        for p in theta:
            penalty += p * p
        self.grads = [g * scale + 2.0 * ALPHA * p for g, p in zip(sums, theta, strict=False)]
        return data_loss * scale + ALPHA * penalty

    def gradients(self) -> list[float]:
        return self.grads

    def parameter_values(self) -> list[float]:
        return list(self.theta)

    def update(self, k: int) -> None:
        lr = learning_rate(k)
        self.theta = [p - lr * g for p, g in zip(self.theta, self.grads, strict=True)]


def _steps(trainer: Trainer, steps: int) -> Callable[[], None]:
    def run() -> None:
        for k in range(steps):
            trainer.step(k)

    return run


@dataclass
class CompiledResults:
    per_example: dict[str, list[float]]  # seconds per step: plain, compiled, micrograd
    batched: dict[str, list[float]]  # seconds per step on 1,000 points: plain, batched
    n_batch: int
    trace_seconds: float
    source_lines: int
    digits: dict[str, float]  # seconds per epoch
    digits_data: str
    n_images: int


def time_compiled(sizes: Sizes) -> CompiledResults:
    engines = trainers(sizes.n_samples)
    data = make_moons(sizes.n_samples, noise=0.1, seed=1337)
    compiled_trainer = CompiledTrainer(data, batched=False)
    compiled_trainer.loss_and_gradients()  # traced and generated here, not in the timed steps
    runs = {
        PLAIN: _steps(engines[PLAIN], sizes.steps_per_sample),
        COMPILED: _steps(compiled_trainer, sizes.steps_per_sample),
        MICROGRAD: _steps(engines[MICROGRAD], sizes.steps_per_sample),
    }
    per_example = interleaved(runs, sizes.repeats_off, gc_enabled=False)

    n_batch = 10 * sizes.n_samples
    big = make_moons(n_batch, noise=0.1, seed=7)
    plain_big = FloatMLP(initial_weights())
    batched_trainer = CompiledTrainer(big, batched=True)
    batched_trainer.loss_and_gradients()
    batched = interleaved(
        {
            PLAIN: lambda: plain_big.loss_and_gradients(*big),
            BATCHED: batched_trainer.loss_and_gradients,
        },
        sizes.repeats_off,
        gc_enabled=False,
    )

    trace_times = []
    lines = 0
    theta = flat_weights(initial_weights())
    for _ in range(max(3, sizes.repeats_off)):
        compiled = autograd.compile(mlp_per_example())
        start = time.perf_counter()
        compiled.value_and_grad(*theta, 0.5, 0.5, 1.0)
        trace_times.append(time.perf_counter() - start)
        lines = len(compiled.source.splitlines())
    digits, where, n_images = time_digits(sizes)
    return CompiledResults(
        {name: [t / sizes.steps_per_sample for t in ts] for name, ts in per_example.items()},
        batched, n_batch, median(trace_times), lines, digits, where, n_images,
    )


# ---- digits-sized work --------------------------------------------------------------------------

def digits_data(n: int) -> tuple[list[list[float]], list[int], str]:
    """``n`` 8x8 images scaled to [0, 1] and their classes: scikit-learn's digits if installed,
    else seeded random images of the same size (the timing does not depend on the pixels)."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        rng = random.Random(0)
        images = [[rng.random() for _ in range(64)] for _ in range(n)]
        return images, [rng.randrange(10) for _ in range(n)], "seeded random 8x8 images"
    digits = load_digits()
    images = [[float(v) / 16.0 for v in row] for row in digits.data[:n]]
    return images, [int(k) for k in digits.target[:n]], "scikit-learn's digits"


def time_digits(sizes: Sizes) -> tuple[dict[str, float], str, int]:
    import nn
    import optim

    n = 1500 if sizes.n_samples >= 100 else 60
    xs, ys, where = digits_data(n)

    def model() -> Any:
        return nn.MLP(64, [32, 10], activation="relu", seed=0)

    def fit(compile: bool) -> None:
        m = model()
        nn.fit(m, xs, ys, loss="cross_entropy", optimizer=optim.SGD(m.parameters(), lr=0.1),
               epochs=1, batch_size=100, seed=0, progress=False, compile=compile)

    def per_example() -> None:
        # the same epoch (without the shuffle): one compiled call per image, the gradients
        # summed over each batch of 100, an SGD step on floats
        compiled = autograd.compile(_digits_function(model()))
        theta = [p.data for p in model().parameters()]
        one_hots = [[1.0 if j == y else 0.0 for j in range(10)] for y in ys]
        for start in range(0, n, 100):
            batch = range(start, min(n, start + 100))
            grads = [compiled.value_and_grad(*theta, *xs[i], *one_hots[i])[1] for i in batch]
            sums = list(map(sum, zip(*grads, strict=True)))
            theta = [p - 0.1 * g / len(batch) for p, g in zip(theta, sums, strict=False)]

    return {
        "eager (nn.fit)": time_once(lambda: fit(False), gc_enabled=True),
        "compiled, per example": time_once(per_example, gc_enabled=True),
        "compiled, batched (nn.fit(compile=True))": time_once(lambda: fit(True), gc_enabled=True),
    }, where, n


def _digits_function(model: Any) -> Callable[..., Value]:
    """The per-example cross-entropy of a 64-32-10 relu MLP as a function of (θ..., x..., t...).

    The same arithmetic as ``nn.MLP`` with ``nn.fit(compile=True)``'s loss.
    """
    from nn.compiled_step import PER_EXAMPLE

    shapes = [(layer.nin, layer.nout) for layer in model.layers]
    n_parameters = sum((n_in + 1) * n_out for n_in, n_out in shapes)

    def per_example(*arguments: Value) -> Value:
        theta = arguments[:n_parameters]
        x: list[Value] = list(arguments[n_parameters : n_parameters + shapes[0][0]])
        one_hot = arguments[n_parameters + shapes[0][0] :]
        k = 0
        for layer, (n_in, n_out) in enumerate(shapes):
            outputs = []
            for _ in range(n_out):
                act = dot_neuron(theta[k : k + n_in], x, theta[k + n_in])
                k += n_in + 1
                outputs.append(act.relu() if layer < len(shapes) - 1 else act)
            x = outputs
        return PER_EXAMPLE["cross_entropy"](x, one_hot)

    return per_example


# ---- the report ---------------------------------------------------------------------------------

def section(results: CompiledResults) -> tuple[str, list[report.Target]]:
    """The Markdown section and the targets of workload 5."""
    per = results.per_example
    ratio_plain = paired_ratio(per[COMPILED], per[PLAIN])
    ratio_micrograd = paired_ratio(per[MICROGRAD], per[COMPILED])
    batched_speedup = paired_ratio(results.batched[PLAIN], results.batched[BATCHED])
    rows = [
        [name, report.seconds(median(per[name])), report.times(paired_ratio(per[name], per[PLAIN]))]
        for name in (PLAIN, COMPILED, MICROGRAD)
    ]
    batch_rows = [
        [name, report.seconds(median(results.batched[name])),
         report.times(paired_ratio(results.batched[PLAIN], results.batched[name]))]
        for name in (PLAIN, BATCHED)
    ]
    eager = results.digits["eager (nn.fit)"]
    digit_rows = [
        [name, report.seconds(seconds), report.times(eager / seconds)]
        for name, seconds in results.digits.items()
    ]
    found = [
        report.Target("compiled MLP step, per example: at most 1.5x plain floats",
                      report.times(ratio_plain), ratio_plain <= 1.5),
        report.Target("compiled MLP step, per example: at least 25x faster than micrograd",
                      report.times(ratio_micrograd), ratio_micrograd >= 25),
        report.Target(f"compiled, batched over {results.n_batch:,} points: at least 5x faster "
                      f"than plain floats", report.times(batched_speedup), batched_speedup >= 5),
        report.Target("trace + code generation of the demo MLP: under 1 s",
                      report.seconds(results.trace_seconds), results.trace_seconds < 1.0),
    ]
    text = "\n\n".join([
        "## 8. Compiled: `autograd.compile` and `fit(compile=True)`",
        "The demo's MLP step with the per-example loss compiled (`autograd.compile`): the 337 "
        "parameters and one point's x1, x2, y are the arguments, one call per point, gradients "
        "summed over the points, the L2 penalty and the SGD update on floats. Collector off, "
        "engines interleaved, medians; ratios taken within a round.",
        report.table(["engine", "time per step", "x plain floats"], rows),
        f"The same step over {results.n_batch:,} points in one batched call (every node a NumPy "
        f"operation over the points):",
        report.table(["engine", "time per step", "faster than plain floats"], batch_rows),
        f"Tracing the demo MLP and generating its code: {report.seconds(results.trace_seconds)} "
        f"(median); the generated source has {results.source_lines:,} lines.",
        f"Digits-sized work: one epoch of a 64-32-10 relu MLP on {results.n_images:,} 8x8 images "
        f"({results.digits_data}), cross-entropy, batches of 100, SGD; one run each, collector "
        f"on, tracing included:",
        report.table(["engine", "epoch", "faster than eager"], digit_rows),
        report.targets_table(found),
    ])
    return text, found
