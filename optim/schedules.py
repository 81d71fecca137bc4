"""Learning-rate schedules: change an optimizer's α from step to step as a formula in k."""

from __future__ import annotations

import math

from autograd.value import is_real_number

from .checks import whole_number
from .optimizer import Optimizer


class Schedule:
    """Base class: α_k = α_0 · factor(k), where α_0 is the optimizer's lr when the schedule is made.

    Making a schedule sets ``optimizer.lr`` to α_0 · factor(0). Call ``step()`` once after each
    ``optimizer.step()``: it advances k and sets ``optimizer.lr`` to α_0 · factor(k).
    ``get_lr()`` is the α the next ``optimizer.step()`` will use. Subclasses implement
    ``factor(k)``.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: expected an Optimizer, got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        self.base_lr: float = optimizer.lr
        self.k = 0
        self.optimizer.lr = self.get_lr()

    def factor(self, k: int) -> float:
        """The multiple of α_0 used at step k."""
        raise NotImplementedError

    def get_lr(self) -> float:
        """α_k = α_0 · factor(k): the learning rate for the current step k."""
        return self.base_lr * self.factor(self.k)

    def step(self) -> None:
        """k ← k + 1, and set the optimizer's lr to α_k."""
        self.k += 1
        self.optimizer.lr = self.get_lr()


class StepDecay(Schedule):
    """Multiply α by γ every ``step_size`` steps: α_k = α_0 · γ^⌊k / step_size⌋.

    Args:
        optimizer: whose ``lr`` (α_0 at the start) this schedule sets.
        step_size: how many steps between decays, an int >= 1 (PyTorch ``StepLR.step_size``).
        gamma: γ in (0, 1], the factor per decay (PyTorch ``StepLR.gamma``, default 0.1 there).

    Example::

        schedule = StepDecay(optimizer, step_size=30, gamma=0.5)
        for k in range(100):
            ...  # zero_grad(), backward(), optimizer.step()
            schedule.step()
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float) -> None:
        self.step_size = whole_number(step_size, "StepDecay", "step_size")
        if not is_real_number(gamma) or not 0.0 < gamma <= 1.0:
            raise ValueError(f"StepDecay: Invalid gamma value: {gamma!r} (gamma must be in (0, 1])")
        self.gamma = float(gamma)
        super().__init__(optimizer)

    def factor(self, k: int) -> float:
        """γ^⌊k / step_size⌋."""
        return self.gamma ** (k // self.step_size)


class LinearDecay(Schedule):
    """Move α linearly from start_factor · α_0 to end_factor · α_0 over ``total_steps`` steps.

    α_k = α_0 · (start_factor + (end_factor − start_factor) · min(k, total_steps) / total_steps)

    With α_0 = 1.0 and the defaults this is micrograd's demo schedule, α_k = 1.0 − 0.9 k / 100.
    After ``total_steps`` steps α stays at end_factor · α_0. (PyTorch's ``LinearLR`` is the same
    formula with ``total_iters``, but defaults to warming up, 1/3 → 1.)

    Args:
        optimizer: whose ``lr`` (α_0 at the start) this schedule sets.
        start_factor: the multiple of α_0 at k = 0, >= 0 (default 1.0).
        end_factor: the multiple of α_0 from k = total_steps on, >= 0 (default 0.1).
        total_steps: how many steps the change takes, an int >= 1 (default 100).

    Example::

        schedule = LinearDecay(SGD(model.parameters(), lr=1.0))
        for k in range(100):
            ...  # zero_grad(), backward(), optimizer.step()
            schedule.step()
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0,
        end_factor: float = 0.1,
        total_steps: int = 100,
    ) -> None:
        for name, value in (("start_factor", start_factor), ("end_factor", end_factor)):
            if not is_real_number(value) or not 0.0 <= value < math.inf:
                raise ValueError(
                    f"LinearDecay: Invalid {name} value: {value!r} ({name} must be a finite "
                    f"number >= 0)"
                )
        self.total_steps = whole_number(total_steps, "LinearDecay", "total_steps")
        self.start_factor = float(start_factor)
        self.end_factor = float(end_factor)
        super().__init__(optimizer)

    def factor(self, k: int) -> float:
        """start + (end − start) · min(k, total_steps) / total_steps."""
        progress = min(k, self.total_steps) / self.total_steps
        return self.start_factor + (self.end_factor - self.start_factor) * progress

