"""The playground's settings, each checked before it is taken: a bad one changes nothing.

``CHECKS[name](playground, value)`` returns the value as the playground keeps it (a list of
ints for ``hidden``, a float for ``lr``) or raises ValueError/TypeError naming the setting and
the value. An attribute that is neither a setting nor part of the playground's state
(``pg.learning_rate = 0.5``, a misspelt ``lr``) is refused: ``unknown_setting`` says which
settings there are.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd.value import is_real_number
from optim.checks import whole_number
from optim.optimizer import check_lr

from ..layers import ACTIVATIONS
from .choices import LOSSES, OPTIMIZERS
from .datasets import DATASETS, own_dataset
from .inputs import FEATURES

# The settings that shape the data or the network: changing one starts training afresh.
REBUILDING = (
    "data", "n_samples", "noise", "test_fraction", "hidden", "activation", "features", "degree",
    "seed",
)
# The settings of the training step: a change applies from the next step on.
STEPPING = ("lr", "optimizer", "l2", "dropout", "batch_size", "loss")
# The settings of the pictures only: a change shows at the next drawing.
PICTURE = ("resolution",)
# What the playground keeps as it trains: attributes, but not settings.
STATE = (
    "model", "dataset", "xs_train", "xs_test", "ys_train", "ys_test", "input_features", "epoch",
    "train_losses", "test_losses", "train_accuracies", "test_accuracies", "last_step",
    "last_epoch_seconds", "extent",
)

# The most points a built-in data set may have: each epoch runs the scalar engine on every
# training point, so 10,000 already takes seconds per epoch (and 10**7 would fill the memory).
MAX_SAMPLES = 10_000
# The most grid points per side of the pictures (the output is computed at resolution² points).
MAX_RESOLUTION = 400

# What people write for a setting, from other libraries, and the setting it is here.
_OTHER_NAMES = {"learning_rate": "lr", "weight_decay": "l2", "momentum": "optimizer"}


def unknown_setting(name: str) -> str:
    """The message refusing ``name``: what was probably meant, and every setting there is."""
    settings = (*REBUILDING, *STEPPING, *PICTURE)
    meant = _OTHER_NAMES.get(name) or next(
        iter(difflib.get_close_matches(name, settings, n=1)), None
    )
    hint = f" (did you mean {meant!r}?)" if meant else ""
    shown = name if len(name) <= 40 else name[:37] + "..."
    return (
        f"Playground has no setting {shown!r}{hint}; the settings are {', '.join(settings)}"
    )


def _in_range(name: str, smallest: int, largest: int, why: str) -> Callable[[Any, Any], int]:
    def check(_: Any, value: Any) -> int:
        number = whole_number(value, "Playground", name, smallest=smallest)
        if number > largest:
            raise ValueError(
                f"Playground: {name} must be at most {largest:,} ({why}), got {value!r}"
            )
        return number

    return check


def _check_data(_: Any, data: Any) -> Any:
    if isinstance(data, str):
        if data not in DATASETS:
            choices = ", ".join(repr(d) for d in DATASETS)
            raise ValueError(f"Playground: unknown data set {data!r}; choose {choices} or (xs, ys)")
        return data
    own_dataset(data)  # fails now, naming the problem, before anything changes
    return data


def _check_hidden(_: Any, hidden: Any) -> list[int]:
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
        raise ValueError(f"Playground: hidden must be a list of layer widths, got {hidden!r}")
    return [whole_number(width, "Playground", "each hidden width") for width in hidden]


def _check_activation(_: Any, activation: Any) -> str:
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        choices = ", ".join(repr(a) for a in ACTIVATIONS)
        raise ValueError(f"Playground: unknown activation {activation!r}; choose {choices}")
    return activation


def _check_lr(_: Any, lr: Any) -> float:
    try:
        check_lr(lr)
    except ValueError:
        raise ValueError(f"Playground: lr must be a finite number >= 0, got {lr!r}") from None
    return float(lr)


def _check_seed(_: Any, seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"Playground: seed must be an int, got {seed!r}")
    return seed


def _check_optimizer(_: Any, optimizer: Any) -> str:
    if not isinstance(optimizer, str) or optimizer.lower() not in OPTIMIZERS:
        choices = ", ".join(repr(o) for o in OPTIMIZERS)
        raise ValueError(f"Playground: unknown optimizer {optimizer!r}; choose {choices}")
    return optimizer.lower()


def _non_negative(name: str) -> Callable[[Any, Any], float]:
    def check(_: Any, value: Any) -> float:
        if not is_real_number(value) or not 0.0 <= value < math.inf:
            raise ValueError(f"Playground: {name} must be a finite number >= 0, got {value!r}")
        return float(value)

    return check


def _fraction(name: str, top: float) -> Callable[[Any, Any], float]:
    def check(_: Any, value: Any) -> float:
        if not is_real_number(value) or not 0.0 < value < top:
            raise ValueError(f"Playground: {name} must be a number in (0, {top:g}), got {value!r}")
        return float(value)

    return check


def _check_dropout(_: Any, p: Any) -> float:
    if not is_real_number(p) or not 0.0 <= p < 1.0:
        raise ValueError(f"Playground: dropout must be a probability in [0, 1), got {p!r}")
    return float(p)


def _check_batch_size(_: Any, size: Any) -> int | None:
    return None if size is None else whole_number(size, "Playground", "batch_size")


def _check_features(_: Any, features: Any) -> str:
    if features not in FEATURES:
        choices = ", ".join(repr(f) for f in FEATURES)
        raise ValueError(f"Playground: unknown features {features!r}; choose {choices}")
    return str(features)


def _check_loss(playground: Any, loss: Any) -> str | None:
    if loss is None:
        return None
    if not isinstance(loss, str) or loss not in LOSSES:
        choices = ", ".join(repr(name) for name in LOSSES)
        raise ValueError(f"Playground: unknown loss {loss!r}; choose {choices}")
    dataset = playground.__dict__.get("dataset")
    if dataset is not None and not playground._loss_fits(loss):
        raise ValueError(f"Playground: loss {loss!r} needs classes, but the data is regression")
    return loss


CHECKS: dict[str, Callable[[Any, Any], Any]] = {
    "data": _check_data,
    "hidden": _check_hidden,
    "activation": _check_activation,
    "lr": _check_lr,
    "seed": _check_seed,
    "optimizer": _check_optimizer,
    "l2": _non_negative("l2"),
    "dropout": _check_dropout,
    "batch_size": _check_batch_size,
    "features": _check_features,
    "degree": lambda _, d: whole_number(d, "Playground", "degree"),
    "n_samples": _in_range(
        "n_samples", 4, MAX_SAMPLES,
        "nn.playground.settings.MAX_SAMPLES: each epoch runs every point through the engine",
    ),
    "noise": _non_negative("noise"),
    "test_fraction": _fraction("test_fraction", 1.0),
    "loss": _check_loss,
    "resolution": _in_range(
        "resolution", 2, MAX_RESOLUTION,
        "nn.playground.settings.MAX_RESOLUTION: the pictures compute resolution² points",
    ),
}
