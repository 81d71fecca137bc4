"""Workload 1: one training step of micrograd's demo (MLP 2-16-16-1, 100 moons, hinge loss, SGD).

The step is the notebook's loop body: build the loss graph over all 100 points, zero the
gradients, back-propagate, and update every parameter with ``p.data -= lr * p.grad`` where
``lr = 1.0 - 0.9 * k / 100``. micrograd and backprop-lab run the very same function
(``value_graph_loss``); plain floats run ``FloatMLP``. Timed with the garbage collector off and
on, since a training loop normally runs with it on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import autograd

from .float_mlp import ALPHA, FloatMLP
from .moons import make_moons
from .scalar_mlp import ValueMLP, initial_weights, micrograd_mlp
from .timing import interleaved, median, paired_ratio

PLAIN = "plain floats"
OURS_SCALAR = "backprop-lab (scalar ops)"
OURS_FUSED = "backprop-lab (fused dot)"
MICROGRAD = "micrograd 0.1.0"
ENGINES = (PLAIN, OURS_FUSED, OURS_SCALAR, MICROGRAD)


def value_graph_loss(
    model: Any, value: Any, points: list[list[float]], labels: list[int]
) -> tuple[Any, float]:
    """The demo notebook's ``loss()``: hinge loss plus L2 penalty as a graph, and the accuracy."""
    inputs = [list(map(value, xrow)) for xrow in points]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(labels, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(labels, scores, strict=True)]
    return total_loss, sum(accuracy) / len(accuracy)


class Trainer:
    """One engine's copy of the demo: ``loss_and_gradients()`` then ``update(k)`` is a step."""

    name: str
    accuracy: float = 0.0  # of the last loss_and_gradients(), as the demo prints it

    def loss_and_gradients(self) -> float:
        raise NotImplementedError

    def gradients(self) -> list[float]:
        """d(loss)/d(parameter) from the last ``loss_and_gradients()``, in micrograd's order."""
        raise NotImplementedError

    def parameter_values(self) -> list[float]:
        """The parameters now, in micrograd's order (each neuron's weights, then its bias)."""
        raise NotImplementedError

    def update(self, k: int) -> None:
        raise NotImplementedError

    def step(self, k: int) -> float:
        loss = self.loss_and_gradients()
        self.update(k)
        return loss


def learning_rate(k: int) -> float:
    return 1.0 - 0.9 * k / 100


class GraphTrainer(Trainer):
    """The demo on a graph engine (micrograd or backprop-lab): the notebook's code as written."""

    def __init__(
        self, name: str, model: Any, value: Any, data: tuple[list[list[float]], list[int]]
    ) -> None:
        self.name = name
        self.model = model
        self.value = value
        self.points, self.labels = data

    def loss_and_gradients(self) -> float:
        total_loss, self.accuracy = value_graph_loss(
            self.model, self.value, self.points, self.labels
        )
        self.model.zero_grad()
        total_loss.backward()
        return float(total_loss.data)

    def gradients(self) -> list[float]:
        return [float(p.grad) for p in self.model.parameters()]

    def parameter_values(self) -> list[float]:
        return [float(p.data) for p in self.model.parameters()]

    def update(self, k: int) -> None:
        lr = learning_rate(k)
        for p in self.model.parameters():
            p.data -= lr * p.grad


class FloatTrainer(Trainer):
    """The demo on plain floats with the hand-written backward of ``FloatMLP``."""

    def __init__(self, model: FloatMLP, data: tuple[list[list[float]], list[int]]) -> None:
        self.name = PLAIN
        self.model = model
        self.points, self.labels = data

    def loss_and_gradients(self) -> float:
        loss = self.model.loss_and_gradients(self.points, self.labels)
        self.accuracy = self.model.accuracy
        return loss

    def gradients(self) -> list[float]:
        return self.model.gradients()

    def parameter_values(self) -> list[float]:
        return self.model.parameters()

    def update(self, k: int) -> None:
        self.model.update(learning_rate(k))


def trainers(n_samples: int = 100, seed: int = 1337) -> dict[str, Trainer]:
    """The four engines, each with its own copy of the same initial weights and data."""
    from micrograd.engine import Value as MicrogradValue

    data = make_moons(n_samples, noise=0.1, seed=seed)
    weights = initial_weights(seed=seed)
    ours = autograd.Value
    return {
        PLAIN: FloatTrainer(FloatMLP(weights), data),
        OURS_FUSED: GraphTrainer(OURS_FUSED, ValueMLP(weights, fused=True), ours, data),
        OURS_SCALAR: GraphTrainer(OURS_SCALAR, ValueMLP(weights, fused=False), ours, data),
        MICROGRAD: GraphTrainer(MICROGRAD, micrograd_mlp(weights), MicrogradValue, data),
    }


@dataclass
class StepTimings:
    """Seconds per step of each engine (median over rounds), and per-round samples."""

    gc_enabled: bool
    steps_per_sample: int
    samples: dict[str, list[float]]

    def seconds(self, engine: str) -> float:
        return median(self.samples[engine])

    def ratio(self, slower: str, faster: str) -> float:
        return paired_ratio(self.samples[slower], self.samples[faster])


def _steps(trainer: Trainer, steps: int) -> Callable[[], None]:
    """A run of ``steps`` consecutive training steps, continuing the trainer's schedule."""
    counter = {"k": 0}

    def run() -> None:
        for _ in range(steps):
            trainer.step(counter["k"] % 100)
            counter["k"] += 1

    return run


def time_steps(
    gc_enabled: bool,
    repeats: int,
    steps_per_sample: int,
    n_samples: int = 100,
    repeats_for: dict[str, int] | None = None,
) -> StepTimings:
    """Interleaved timing of ``steps_per_sample`` consecutive steps per engine, per round."""
    engines = trainers(n_samples)
    runs = {name: _steps(trainer, steps_per_sample) for name, trainer in engines.items()}
    samples = interleaved(runs, repeats, gc_enabled, repeats_for)
    per_step = {name: [t / steps_per_sample for t in times] for name, times in samples.items()}
    return StepTimings(gc_enabled, steps_per_sample, per_step)
