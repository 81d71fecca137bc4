"""Workload 10: an epoch of ``fit(compile=True)`` on the digits beside PyTorch, batches of 32.

Two models on the training three quarters of ``nn.load_digits()`` (1,348 images), cross entropy,
plain SGD (lr 0.1), batches of 32 in ``fit``'s shuffled order:

- the MLP 64-32-10 with ReLU (2,410 parameters; the images flattened to 64 numbers);
- notebook 06's ConvNet: Conv2d(1, 4, 3, padding=1), ReLU, MaxPool2d(2), Flatten, Linear(64, 10).

backprop-lab: ``nn.fit(..., compile=True)`` on a fresh model for three epochs, with the time
of tracing and code generation (``compiled_training``, once per fit) taken apart from the
epochs. Of the epochs, the time spent in the generated gradient program
(``CompiledStep.loss_and_grads``, the seam a faster program replaces) is measured apart from
the rest (the batch's rows, the optimizer's update and the accuracy, all on arrays, and fit's
loop). The anchor is the same model
through ``nn.to_torch`` (float64, one thread) trained on the same batches in the same order
with ``torch.optim.SGD``; the mean losses of the first epoch agree, which shows both did the
same arithmetic. ``python -m benchmarks.fit_epochs`` runs this workload alone.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import nn
import optim

from . import report
from .digits_epoch import notebook_convnet, training_split
from .timing import collector

BATCH_SIZE = 32
EPOCHS = 3
LEARNING_RATE = 0.1
SEED = 0
MODELS: dict[str, Callable[[], nn.Module]] = {
    "MLP 64-32-10": lambda: nn.MLP(64, [32, 10], activation="relu", seed=0),
    "ConvNet (notebook 06)": notebook_convnet,
}


@dataclass(frozen=True)
class EpochTimes:
    model: str
    examples: int
    setup: float  # seconds of tracing and code generation, once per fit
    epoch: float  # seconds of one epoch of fit, setup apart
    program: float  # of which, seconds in the generated gradient program
    torch_epoch: float | None  # PyTorch's epoch on the same batches (None without PyTorch)
    mean_loss: float  # the first epoch's mean batch loss, ours
    torch_mean_loss: float | None

    @property
    def ratio(self) -> float | None:
        return None if self.torch_epoch is None else self.epoch / self.torch_epoch


def examples_for(model: str, limit: int | None) -> tuple[list[Any], list[int]]:
    """The training digits: 1x8x8 images for the ConvNet, 64 numbers for the MLP."""
    xs, ys = training_split(limit)
    if model.startswith("MLP"):
        xs = [[pixel for row in image[0] for pixel in row] for image in xs]
    return xs, ys


@contextmanager
def timers() -> Iterator[dict[str, float]]:
    """Seconds spent in tracing and code generation ("setup") and in the generated gradient
    program ("program") while the block runs."""
    import nn.training
    from nn.compiled_step import CompiledStep

    spent = {"setup": 0.0, "program": 0.0}
    original = CompiledStep.__init__
    compiled_training = nn.training.compiled_training

    def timed_setup(*args: Any) -> Any:
        start = time.perf_counter()
        try:
            return compiled_training(*args)
        finally:
            spent["setup"] += time.perf_counter() - start

    def timed_init(self: CompiledStep, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        program = self.loss_and_grads

        def loss_and_grads(*arrays: Any) -> Any:
            start = time.perf_counter()
            try:
                return program(*arrays)
            finally:
                spent["program"] += time.perf_counter() - start

        self.loss_and_grads = loss_and_grads

    CompiledStep.__init__ = timed_init  # type: ignore[method-assign]
    nn.training.compiled_training = timed_setup  # type: ignore[assignment]
    try:
        yield spent
    finally:
        CompiledStep.__init__ = original  # type: ignore[method-assign]
        nn.training.compiled_training = compiled_training


def fit_ours(model: str, xs: list[Any], ys: list[int]) -> tuple[float, float, float, float]:
    """(seconds of fit(compile=True) for EPOCHS epochs, of which in setup, of which in the
    gradient program; the first epoch's mean loss)."""
    network = MODELS[model]()
    optimizer = optim.SGD(network.parameters(), lr=LEARNING_RATE)
    with collector(True), timers() as spent:
        start = time.perf_counter()
        history = nn.fit(network, xs, ys, loss="cross_entropy", optimizer=optimizer,
                         epochs=EPOCHS, batch_size=BATCH_SIZE, seed=SEED, progress=False,
                         compile=True)
        seconds = time.perf_counter() - start
    return seconds, spent["setup"], spent["program"], history.losses[0]


def fit_torch(model: str, xs: list[Any], ys: list[int]) -> tuple[float, float] | None:
    """(the median epoch's seconds, the first epoch's mean loss) in PyTorch: fit's batch order
    (``random.Random(SEED)`` shuffling ``range(n)`` each epoch); None without PyTorch."""
    try:
        import torch
    except ImportError:
        return None
    network = nn.to_torch(MODELS[model]())
    optimizer = torch.optim.SGD(network.parameters(), lr=LEARNING_RATE)
    inputs = torch.tensor(xs, dtype=torch.float64)
    labels = torch.tensor(ys)
    rng = random.Random(SEED)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as backprop-lab runs: one core
    seconds, first_losses = [], []
    try:
        for epoch in range(EPOCHS):
            order = list(range(len(xs)))
            rng.shuffle(order)
            losses = []
            start = time.perf_counter()
            for first in range(0, len(order), BATCH_SIZE):
                batch = torch.tensor(order[first : first + BATCH_SIZE])
                loss = torch.nn.functional.cross_entropy(network(inputs[batch]), labels[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            seconds.append(time.perf_counter() - start)
            if epoch == 0:
                first_losses = losses
    finally:
        torch.set_num_threads(threads)
    return statistics.median(seconds), sum(first_losses) / len(first_losses)


def time_model(model: str, limit: int | None = None, repeats: int = 3) -> EpochTimes:
    """Medians over ``repeats`` rounds of ours and PyTorch's, in turn."""
    xs, ys = examples_for(model, limit)
    setups, epochs, programs, theirs = [], [], [], []
    mean_loss, torch_mean_loss = 0.0, None
    for _ in range(repeats):
        seconds, setup, program, mean_loss = fit_ours(model, xs, ys)
        setups.append(setup)
        epochs.append((seconds - setup) / EPOCHS)
        programs.append(program / EPOCHS)
        torch_run = fit_torch(model, xs, ys)
        if torch_run is not None:
            theirs.append(torch_run[0])
            torch_mean_loss = torch_run[1]
    return EpochTimes(
        model, len(xs), statistics.median(setups), statistics.median(epochs),
        statistics.median(programs), statistics.median(theirs) if theirs else None, mean_loss,
        torch_mean_loss,
    )


def time_fit_epochs(limit: int | None = None, repeats: int = 3) -> list[EpochTimes]:
    return [time_model(model, limit, repeats) for model in MODELS]


def section(results: list[EpochTimes]) -> str:
    """The workload's Markdown: what was run, and one row per model."""
    rows = [
        [
            r.model,
            f"{r.examples:,}",
            report.seconds(r.setup),
            report.seconds(r.epoch),
            f"{r.program / r.epoch:.0%}" if r.epoch > 0 else "-",
            report.seconds(r.epoch - r.program),
            report.seconds(r.torch_epoch),
            report.times(r.ratio),
            f"{r.mean_loss:.12f}",
            "-" if r.torch_mean_loss is None else f"{r.torch_mean_loss:.12f}",
        ]
        for r in results
    ]
    header = ["model", "examples", "trace + codegen", "epoch", "in the program",
              "rest of the epoch", "PyTorch epoch", "x PyTorch", "mean loss", "PyTorch's"]
    return "\n\n".join([
        "## 10. `fit(compile=True)` against PyTorch: an epoch on the digits, batches of 32",
        "The MLP 64-32-10 (ReLU, 2,410 parameters) and notebook 06's ConvNet on the training "
        "three quarters of the digits, cross entropy, SGD with lr 0.1, batches of 32 in fit's "
        "shuffled order; beside each, the same model through `nn.to_torch` (float64, one "
        f"thread) on the same batches. Fit runs {EPOCHS} epochs on a fresh model; its tracing "
        "and code generation (once per fit) are timed apart from the epochs; \"in the "
        "program\" is the epoch's share in the generated gradient program, the rest is fit's "
        "step on arrays (the batch's rows, the optimizer's update, the accuracy) and its loop. "
        "Medians of rounds, ours and PyTorch's in turn. Equal mean losses show equal "
        "arithmetic.",
        report.table(header, rows),
    ])


def main() -> int:
    quick = "--quick" in sys.argv
    results = time_fit_epochs(limit=64 if quick else None, repeats=1 if quick else 3)
    print(section(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
