"""``Optimizer``: what every optimizer shares: an ordered parameter list, per-parameter state."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

from autograd import Value

# A hyper-parameter is a real number (lr, gamma, eps, momentum) or a flag (maximize).
Hyperparameter = float | bool


class Optimizer:
    """Base class: keeps the parameters in order, their state, and the hyper-parameters.

    ``params`` is an iterable of Values (``model.parameters()``) in a fixed order: a list,
    tuple or generator. A ``set`` is refused with TypeError because its order changes from run
    to run (as in PyTorch), and so is an empty list or the same parameter twice.

    ``defaults`` maps each hyper-parameter's name to its value; each becomes an attribute
    (``optimizer.lr``), which a learning-rate schedule may change between steps.

    ``state[i]`` holds what the optimizer remembers about parameter ``i`` (a momentum buffer,
    the running averages s and v, the step count k): plain floats, so ``state_dict()`` can be
    saved as JSON.

    ``step()`` reads each gradient as ``float(p.grad)`` (so a gradient that is itself a Value,
    after ``backward(create_graph=True)``, works) and writes ``p.data`` directly: an update
    records no graph. A gradient that is NaN or infinite is refused: ``step()`` raises
    ValueError naming the parameter and changes no parameter and no state. (PyTorch would let
    the NaN spread into every parameter; here the last good parameters stay.)

    Subclasses implement ``_update(theta, g, state)`` for one parameter and
    ``_check_hyperparameters(h)``.
    """

    # Names of the per-parameter state entries, e.g. ("v", "s", "k") for Adam.
    state_names: tuple[str, ...] = ()

    # Every optimizer has a learning rate α; a schedule changes it between steps.
    lr: float

    def __init__(self, params: Iterable[Value], defaults: Mapping[str, Hyperparameter]) -> None:
        name = type(self).__name__
        self.params: list[Value] = _ordered_parameters(params, name)
        self._check_hyperparameters(defaults)
        self.defaults: dict[str, Hyperparameter] = dict(defaults)
        for key, value in self.defaults.items():
            setattr(self, key, value)
        self.state: dict[int, dict[str, float]] = {i: {} for i in range(len(self.params))}

    # ---- what subclasses provide -------------------------------------------------------------

    def _check_hyperparameters(self, h: Mapping[str, Hyperparameter]) -> None:
        """Raise ValueError naming any invalid hyper-parameter in ``h``."""
        raise NotImplementedError

    def _update(self, theta: Value, g: float, state: dict[str, float]) -> None:
        """Apply one update to parameter ``theta`` whose gradient is ``g``."""
        raise NotImplementedError

    # ---- the training step -------------------------------------------------------------------

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0 (leaves accumulate across backward passes)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its current gradient (after ``loss.backward()``)."""
        gradients = []
        for index, p in enumerate(self.params):
            g = float(p.grad)
            if not math.isfinite(g):
                raise ValueError(
                    f"{type(self).__name__}.step: the gradient of parameter {index}"
                    f"{_label(p)} is {g!r}; no parameter was changed"
                )
            gradients.append(g)
        for index, (theta, g) in enumerate(zip(self.params, gradients, strict=True)):
            self._update(theta, g, self.state[index])

    # ---- saving and restoring ----------------------------------------------------------------

    def hyperparameters(self) -> dict[str, Hyperparameter]:
        """The current hyper-parameters (``lr`` as a schedule has set it, etc.)."""
        return {key: getattr(self, key) for key in self.defaults}

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue training later, as plain JSON-able data.

        ``{"optimizer": "Adam", "num_parameters": n, "hyperparameters": {...},
        "state": {0: {...}, 1: {...}, ...}}``; ``json.dumps`` turns the state keys into strings
        and ``load_state_dict`` accepts either. The parameters' values are not included (save
        the model for those).
        """
        return {
            "optimizer": type(self).__name__,
            "num_parameters": len(self.params),
            "hyperparameters": self.hyperparameters(),
            "state": {index: dict(entry) for index, entry in self.state.items()},
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore hyper-parameters and state saved by ``state_dict()``.

        Everything is checked before anything changes: a state for another optimizer class, for
        a different number of parameters, with unknown entries or invalid hyper-parameters raises
        ValueError and leaves this optimizer as it was.
        """
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{where}: expected a dict, got {type(state_dict).__name__}")
        missing = {"optimizer", "num_parameters", "hyperparameters", "state"} - set(state_dict)
        if missing:
            raise ValueError(f"{where}: missing keys {sorted(missing)}")
        if state_dict["optimizer"] != name:
            saved_for = state_dict["optimizer"]
            raise ValueError(f"{where}: this state is for {saved_for!r}, not {name!r}")
        count = state_dict["num_parameters"]
        if count != len(self.params):
            raise ValueError(
                f"{where}: the state is for {count!r} parameters, this optimizer has "
                f"{len(self.params)}"
            )
        hyper = dict(state_dict["hyperparameters"])
        if set(hyper) != set(self.defaults):
            raise ValueError(
                f"{where}: expected hyper-parameters {sorted(self.defaults)}, got {sorted(hyper)}"
            )
        self._check_hyperparameters(hyper)
        state = self._checked_state(state_dict["state"], where)
        # All checks passed: now change things.
        for key, value in hyper.items():
            setattr(self, key, value)
        self.state = state

    def _checked_state(self, saved: Any, where: str) -> dict[int, dict[str, float]]:
        """The saved per-parameter state as {position: {name: float}}, or ValueError."""
        if not isinstance(saved, Mapping):
            raise ValueError(f"{where}: 'state' must be a dict, got {type(saved).__name__}")
        state: dict[int, dict[str, float]] = {i: {} for i in range(len(self.params))}
        for key, entry in saved.items():
            index = _position(key)
            if index not in state:
                raise ValueError(f"{where}: state key {key!r} is not a parameter position")
            if not isinstance(entry, Mapping):
                raise ValueError(f"{where}: state {key!r} must be a dict, got {entry!r}")
            if entry and set(entry) != set(self.state_names):
                raise ValueError(
                    f"{where}: state {key!r} has entries {sorted(entry)}, expected "
                    f"{sorted(self.state_names)}"
                )
            for entry_name, value in entry.items():
                if not _is_real(value):
                    raise ValueError(
                        f"{where}: state {key!r} entry {entry_name!r} must be a number, "
                        f"got {value!r}"
                    )
            state[index] = {entry_name: value for entry_name, value in entry.items()}
        return state

    def __repr__(self) -> str:
        settings = ", ".join(f"{key}={value!r}" for key, value in self.hyperparameters().items())
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


# ---- checks shared by the optimizers ----------------------------------------------------------

def _ordered_parameters(params: Iterable[Value], where: str) -> list[Value]:
    """``params`` as a list, refusing unordered collections, non-Values, repeats and nothing."""
    if isinstance(params, Value):
        raise TypeError(
            f"{where}: params must be an iterable of Values, got a single {type(params).__name__}"
            f"; wrap it in a list"
        )
    if isinstance(params, (set, frozenset)) or _is_unordered_view(params):
        raise TypeError(
            f"{where}: params must be an ordered collection such as a list, got "
            f"{type(params).__name__}; the order of a set changes between runs, and the optimizer "
            f"state is kept by position"
        )
    try:
        items = list(params)
    except TypeError:
        raise TypeError(
            f"{where}: params must be an iterable of Values, got {type(params).__name__}"
        ) from None
    if not items:
        raise ValueError(f"{where}: got an empty parameter list")
    seen: dict[int, int] = {}
    for position, p in enumerate(items):
        if not isinstance(p, Value):
            raise TypeError(
                f"{where}: params must be Values; item {position} is {type(p).__name__} {p!r}"
            )
        first = seen.setdefault(id(p), position)
        if first != position:
            raise ValueError(
                f"{where}: parameter {position}{_label(p)} is the same Value as parameter {first}"
                f"; give each parameter once"
            )
    return items


def _is_unordered_view(params: object) -> bool:
    """A dict's keys or items view: set-like, so refused like a set."""
    return isinstance(params, (type({}.keys()), type({}.items())))


def _position(key: object) -> int | None:
    """A state key as a parameter position: 3 or "3" (after a JSON round trip), else None."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and key.isdigit():
        return int(key)
    return None


def _label(p: Value) -> str:
    return f" ({p.label!r})" if p.label else ""


def _is_real(x: object) -> TypeGuard[float]:
    """A real number (int, float, NumPy real scalar), not a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def check_lr(lr: object) -> None:
    """α: a number >= 0 (0 is allowed, it freezes the parameters, as in PyTorch)."""
    if not _is_real(lr) or not 0.0 <= lr < math.inf:
        raise ValueError(f"Invalid learning rate: {lr!r} (lr must be a finite number >= 0)")


def check_gamma(name: str, gamma: object) -> None:
    """A decay rate γ: a number in [0, 1)."""
    if not _is_real(gamma) or not 0.0 <= gamma < 1.0:
        raise ValueError(f"Invalid {name} value: {gamma!r} ({name} must be in [0, 1))")


def check_eps(eps: object) -> None:
    """ε: a finite number > 0 (it keeps the division by √s finite)."""
    if not _is_real(eps) or not 0.0 < eps < math.inf:
        raise ValueError(f"Invalid epsilon value: {eps!r} (eps must be a finite number > 0)")


def check_momentum(momentum: object) -> None:
    """μ: a finite number >= 0."""
    if not _is_real(momentum) or not 0.0 <= momentum < math.inf:
        raise ValueError(
            f"Invalid momentum value: {momentum!r} (momentum must be a finite number >= 0)"
        )


def check_maximize(maximize: object) -> None:
    """``maximize``: True or False."""
    if not isinstance(maximize, bool):
        raise ValueError(f"Invalid maximize value: {maximize!r} (maximize must be True or False)")
