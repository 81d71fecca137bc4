"""Learning-rate schedules: change an optimizer's α from step to step as a formula in k."""

from __future__ import annotations

import difflib
import inspect
import math
from typing import Any

from autograd.value import is_real_number

from .checks import whole_number
from .optimizer import Optimizer


class Schedule:
    """Base class: α_k = α_0 · factor(k), where α_0 is the optimizer's lr when the schedule is made.

    Making a schedule sets ``optimizer.lr`` to α_0 · factor(0). Call ``step()`` once after each
    ``optimizer.step()``: it advances k and sets ``optimizer.lr`` to α_0 · factor(k).
    ``get_lr()`` is the α the next ``optimizer.step()`` will use. Subclasses implement
    ``factor(k)``, name their settings in ``settings`` and check each in ``_checked``.

    A setting is checked when it is set, as the constructor checks it: ``schedule.gamma = -1``
    or ``schedule.step_size = 0`` raises ValueError and changes nothing, and a name that is not
    a setting (``schedule.gama = 0.5``) raises AttributeError listing the settings. A new value
    applies from the next ``step()``. A subclass that keeps attributes of its own declares
    them in its class body (``warmup_steps: int``).
    """

    # The names of the schedule's settings, such as ("step_size", "gamma").
    settings: tuple[str, ...] = ()

    optimizer: Optimizer
    base_lr: float
    k: int

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: expected an Optimizer, got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.k = 0
        self.optimizer.lr = self.get_lr()

    def __setattr__(self, name: str, value: Any) -> None:
        """A setting is checked before it is set; a name that is no setting is refused."""
        where = type(self).__name__
        if name in self.settings:
            try:
                value = self._checked(name, value)
            except ValueError as error:
                raise ValueError(f"{error}; nothing was changed") from None
        elif name not in _declared_names(type(self)):
            close = difflib.get_close_matches(name, list(self.settings), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise AttributeError(
                f"{where} has no setting {name!r}{hint}; its settings are "
                f"{', '.join(self.settings)}"
            )
        object.__setattr__(self, name, value)

    def _set_settings(self, **settings: Any) -> None:
        """Check every setting, then set them all (the constructor's part)."""
        checked = {name: self._checked(name, value) for name, value in settings.items()}
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def _checked(self, name: str, value: Any) -> Any:
        """``value`` as the setting ``name`` keeps it, or ValueError naming the class and value."""
        raise NotImplementedError

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

    settings = ("step_size", "gamma")

    step_size: int
    gamma: float

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float) -> None:
        self._set_settings(step_size=step_size, gamma=gamma)
        super().__init__(optimizer)

    def _checked(self, name: str, value: Any) -> Any:
        if name == "step_size":
            return whole_number(value, "StepDecay", "step_size")
        if not is_real_number(value) or not 0.0 < value <= 1.0:
            raise ValueError(
                f"StepDecay: Invalid gamma value: {value!r} (gamma must be in (0, 1])"
            )
        return float(value)

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

    settings = ("start_factor", "end_factor", "total_steps")

    start_factor: float
    end_factor: float
    total_steps: int

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0,
        end_factor: float = 0.1,
        total_steps: int = 100,
    ) -> None:
        self._set_settings(
            start_factor=start_factor, end_factor=end_factor, total_steps=total_steps
        )
        super().__init__(optimizer)

    def _checked(self, name: str, value: Any) -> Any:
        if name == "total_steps":
            return whole_number(value, "LinearDecay", "total_steps")
        if not is_real_number(value) or not 0.0 <= value < math.inf:
            raise ValueError(
                f"LinearDecay: Invalid {name} value: {value!r} ({name} must be a finite "
                f"number >= 0)"
            )
        return float(value)

    def factor(self, k: int) -> float:
        """start + (end − start) · min(k, total_steps) / total_steps."""
        progress = min(k, self.total_steps) / self.total_steps
        return self.start_factor + (self.end_factor - self.start_factor) * progress


def _declared_names(cls: type) -> set[str]:
    """The attributes ``cls`` and its bases declare in their class bodies (annotated)."""
    return {name for klass in cls.__mro__ for name in inspect.get_annotations(klass)}
