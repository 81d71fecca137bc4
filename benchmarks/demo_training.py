"""Workload 4: micrograd's whole demo, 100 steps, through backprop-lab's nn + optim and micrograd.

backprop-lab trains ``nn.MLP(2, [16, 16, 1], activation="relu")`` with ``nn.hinge_loss`` +
``nn.l2_penalty``, ``optim.SGD`` and ``optim.LinearDecay`` (the demo's lr = 1.0 - 0.9 k/100);
micrograd runs the notebook's own loop. Both start from the same weights and data, and run
with the garbage collector on, as the notebook does.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from typing import cast

import nn
import optim
from autograd import Value

from .float_mlp import ALPHA
from .mlp_step import MICROGRAD, GraphTrainer
from .moons import make_moons
from .scalar_mlp import (
    DEMO_SIZES,
    LayerWeights,
    initial_weights,
    load_weights,
    micrograd_mlp,
)
from .timing import collector

OURS = "backprop-lab nn + optim"
DEMO_ENGINES = (OURS, MICROGRAD)


@dataclass(frozen=True)
class DemoRun:
    engine: str
    steps: int
    seconds: float
    losses: list[float]  # the loss at each step, before its update
    final_accuracy: float


def nn_mlp(weights: list[LayerWeights]) -> nn.MLP:
    """``nn.MLP`` for the demo's sizes, its parameters overwritten by ``weights``."""
    sizes = [len(rows) for rows, _ in weights]
    model = nn.MLP(len(weights[0][0][0]), sizes, activation="relu", seed=0)
    return cast(nn.MLP, load_weights(model, weights, "nn_mlp"))


def train_ours(
    weights: list[LayerWeights], data: tuple[list[list[float]], list[int]], steps: int
) -> tuple[list[float], float]:
    """The demo with backprop-lab's nn and optim: the losses per step, and the final accuracy."""
    points, labels = data
    model = nn_mlp(weights)
    optimizer = optim.SGD(model.parameters(), lr=1.0)
    schedule = optim.LinearDecay(optimizer, start_factor=1.0, end_factor=0.1, total_steps=100)
    losses = []
    accuracy = 0.0
    for _ in range(steps):
        scores = [cast(Value, model(x)) for x in points]  # one output: a single Value
        loss = nn.hinge_loss(scores, labels) + nn.l2_penalty(model.parameters(), ALPHA)
        accuracy = nn.accuracy(scores, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.data)
    return losses, accuracy


def train_micrograd(
    weights: list[LayerWeights], data: tuple[list[list[float]], list[int]], steps: int
) -> tuple[list[float], float]:
    """The notebook's loop on micrograd: the losses per step, and the final accuracy."""
    from micrograd.engine import Value

    trainer = GraphTrainer(MICROGRAD, micrograd_mlp(weights), Value, data)
    losses = [trainer.step(k) for k in range(steps)]
    return losses, trainer.accuracy


def run_demo(steps: int = 100, n_samples: int = 100, seed: int = 1337) -> list[DemoRun]:
    """Time ``steps`` training steps on each engine, one after the other, collector on."""
    data = make_moons(n_samples, noise=0.1, seed=seed)
    weights = initial_weights(DEMO_SIZES, seed=seed)
    runs = []
    for engine, train in ((OURS, train_ours), (MICROGRAD, train_micrograd)):
        gc.collect()
        with collector(True):
            start = time.perf_counter()
            losses, accuracy = train(weights, data, steps)
            seconds = time.perf_counter() - start
        runs.append(DemoRun(engine, steps, seconds, losses, accuracy))
    return runs
