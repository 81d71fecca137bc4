"""Workload 5: one epoch of notebook 06's ConvNet on the handwritten digits, beside PyTorch.

backprop-lab trains the notebook's ConvNet (conv 3x3 → ReLU → max-pool 2 → flatten → linear)
with ``nn.fit`` (cross entropy, ``optim.Adam``, batches of 8) for one epoch over the training
three quarters of ``nn.load_digits()``. The anchor is the same model through ``nn.to_torch``
(float64, one thread), trained on the same batches in the same order with
``torch.optim.Adam``: the two mean losses agree, which shows both did the same arithmetic.
PyTorch is optional; without it only backprop-lab's epoch is timed. With ``batch_norm=True``
the notebook's second model, a ``BatchNorm2d(4)`` after the convolution (compiled a whole batch
at a time, ``nn.coupled_step``): ``python -c "from benchmarks.digits_epoch import *;
print(run_digits_epoch(batch_norm=True))"``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

import nn
import optim

from .timing import collector

OURS = "backprop-lab eager"
COMPILED = "backprop-lab compiled (fit(compile=True))"
TORCH = "PyTorch float64 (to_torch)"
BATCH_SIZE = 8
LEARNING_RATE = 0.01
SEED = 0


def notebook_convnet(batch_norm: bool = False) -> nn.Sequential:
    """The ConvNet of notebooks/06_convnets.ipynb, with the notebook's seeds."""
    return nn.Sequential(
        nn.Conv2d(1, 4, kernel_size=3, padding=1, seed=0),
        *([nn.BatchNorm2d(4)] if batch_norm else []),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 4 * 4, 10, seed=1),
    )


def training_split(limit: int | None = None) -> tuple[list[Any], list[int]]:
    """The notebook's training three quarters of the digits (its first ``limit``, if given)."""
    xs, ys = nn.load_digits()
    order = list(range(len(xs)))
    random.Random(SEED).shuffle(order)
    train = order[len(xs) // 4 :][:limit]
    return [xs[i] for i in train], [ys[i] for i in train]


@dataclass(frozen=True)
class EpochRun:
    engine: str
    examples: int
    seconds: float
    mean_loss: float  # the mean of the batch losses the optimizer stepped from


def epoch_ours(
    xs: list[Any], ys: list[int], compiled: bool = False, batch_norm: bool = False
) -> EpochRun:
    """The epoch through ``nn.fit``: eagerly, or through ``autograd.compile`` when ``compiled``."""
    model = notebook_convnet(batch_norm)
    optimizer = optim.Adam(model.parameters(), lr=LEARNING_RATE)
    with collector(True):
        start = time.perf_counter()
        history = nn.fit(
            model, xs, ys, loss="cross_entropy", optimizer=optimizer, epochs=1,
            batch_size=BATCH_SIZE, seed=SEED, progress=False, compile=compiled,
        )
        seconds = time.perf_counter() - start
    return EpochRun(COMPILED if compiled else OURS, len(xs), seconds, history.losses[0])


def epoch_torch(xs: list[Any], ys: list[int], batch_norm: bool = False) -> EpochRun | None:
    """The same epoch in PyTorch: fit's batch order (``random.Random(SEED)`` shuffle)."""
    try:
        import torch
    except ImportError:
        return None
    model = nn.to_torch(notebook_convnet(batch_norm))
    model.train()  # batch norm with the batch's statistics, as fit trains
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    order = list(range(len(xs)))
    random.Random(SEED).shuffle(order)
    images = torch.tensor(xs, dtype=torch.float64)
    labels = torch.tensor(ys)
    losses = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as backprop-lab runs: one core, comparable on a shared machine
    try:
        start = time.perf_counter()
        for first in range(0, len(order), BATCH_SIZE):
            batch = torch.tensor(order[first : first + BATCH_SIZE])
            loss = torch.nn.functional.cross_entropy(model(images[batch]), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    return EpochRun(TORCH, len(xs), seconds, sum(losses) / len(losses))


def run_digits_epoch(limit: int | None = None, batch_norm: bool = False) -> list[EpochRun]:
    """backprop-lab's epoch, eager then compiled, then PyTorch's where it is installed."""
    xs, ys = training_split(limit)
    runs = [epoch_ours(xs, ys, batch_norm=batch_norm),
            epoch_ours(xs, ys, compiled=True, batch_norm=batch_norm)]
    theirs = epoch_torch(xs, ys, batch_norm)
    if theirs is not None:
        runs.append(theirs)
    return runs
