"""backprop-lab's optimizers: SGD, RMSProp and Adam as the lecture writes them, and lr schedules.

Each takes ``model.parameters()`` and is used the same way::

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

PyTorch's names work too: ``RMSprop`` (the same class as ``RMSProp``), ``AdamW``,
``Adam(..., betas=(0.9, 0.999), weight_decay=...)``. A name that is not here (``optim.Adagrad``)
raises AttributeError naming the nearest ones and listing all.
"""

from typing import NoReturn

from .adam import Adam
from .adamw import AdamW
from .checks import missing_name
from .optimizer import NonFiniteStep, Optimizer
from .rmsprop import RMSProp, RMSprop
from .schedules import LinearDecay, Schedule, StepDecay
from .sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "LinearDecay",
    "NonFiniteStep",
    "Optimizer",
    "RMSProp",
    "RMSprop",
    "Schedule",
    "StepDecay",
]


def __getattr__(name: str) -> NoReturn:
    """``optim.Adagrad`` and other names not here: AttributeError listing what exists."""
    if name.startswith("__"):
        raise AttributeError(f"module 'optim' has no attribute {name!r}")
    raise missing_name("optim", name, __all__)
