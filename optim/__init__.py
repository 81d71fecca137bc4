"""backprop-lab's optimizers: SGD, RMSProp and Adam as the lecture writes them, and lr schedules.

Each takes ``model.parameters()`` and is used the same way::

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
"""

from .adam import Adam
from .optimizer import NonFiniteStep, Optimizer
from .rmsprop import RMSProp
from .schedules import LinearDecay, Schedule, StepDecay
from .sgd import SGD

__all__ = [
    "SGD",
    "Adam",
    "LinearDecay",
    "NonFiniteStep",
    "Optimizer",
    "RMSProp",
    "Schedule",
    "StepDecay",
]
