"""The names the playground's controls offer: optimizers and losses (shared by state and app)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd import Value

from ..losses import bce_loss, hinge_loss, mse_loss

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam")
MOMENTUM = 0.9  # μ of the "momentum" optimizer (SGD with momentum)
LOSSES: dict[str, Callable[[list[Any], list[Any]], Value]] = {
    "hinge": hinge_loss,
    "bce": bce_loss,
    "mse": mse_loss,
}
