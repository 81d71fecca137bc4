"""``Optimizer``: what every optimizer shares: an ordered parameter list, per-parameter state."""

from __future__ import annotations

import difflib
import inspect
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from typing import Any

from autograd import Value
from autograd.value import as_float, describe_number, is_real_number


class NonFiniteStep(ValueError, ArithmeticError):
    """A step would have made a parameter or a state entry NaN or infinite; nothing changed.

    A ValueError, as every refused step is, and an ArithmeticError, as an overflow is.
    """


# A hyper-parameter is a real number (lr, gamma, eps, momentum) or a flag (maximize).
Hyperparameter = float | bool


class Optimizer:
    """Base class: keeps the parameters in order, their state, and the hyper-parameters.

    ``params`` is an iterable of Values (``model.parameters()``) in a fixed order: a list,
    tuple or generator. A ``set`` is refused with TypeError because its order changes from run
    to run (as in PyTorch), and so is an empty list or the same parameter twice.

    ``defaults`` maps each hyper-parameter's name to its value; each becomes an attribute
    (``optimizer.lr``), which a learning-rate schedule may change between steps. Setting one
    checks it as the constructor does (``optimizer.eps = -1`` raises ValueError and changes
    nothing), and setting a name that is not a setting (``optimizer.learning_rate = 0.1``)
    raises AttributeError listing the settings. A subclass that keeps attributes of its own
    declares them in its class body (``momentum_buffer: float``).

    ``state[i]`` holds what the optimizer remembers about parameter ``i`` (a momentum buffer,
    the running averages s and v, the step count k): plain floats, so ``state_dict()`` can be
    saved as JSON.

    ``step()`` reads each gradient as ``float(p.grad)`` (so a gradient that is itself a Value,
    after ``backward(create_graph=True)``, works) and writes ``p.data`` directly: an update
    records no graph. A gradient that is NaN or infinite is refused: ``step()`` raises
    ValueError naming the parameter and changes no parameter and no state. (PyTorch would let
    the NaN spread into every parameter; here the last good parameters stay.) Every update is
    computed before any is applied, so a step that fails for one parameter changes none. A
    step that would make any parameter or any state entry NaN or infinite (a learning rate of
    1e308, a gradient of 1e200 squared into s) is refused as a whole with ``NonFiniteStep``
    (a ValueError), and nothing changes.

    Hyper-parameters and state entries may be given as NumPy scalars; they are stored as
    Python floats, so ``json.dumps(optimizer.state_dict())`` always works.

    Subclasses implement ``_update(theta, g, state)`` for one parameter (returning the new θ
    and the new state, changing nothing) and ``_check_hyperparameters(h)``.
    """

    # Names of the per-parameter state entries, e.g. ("v", "s", "k") for Adam.
    state_names: tuple[str, ...] = ()

    # Settings newer than some saved states, with the value that reproduces those states' runs.
    settings_added_later: tuple[tuple[str, Hyperparameter], ...] = ()

    # Every optimizer has a learning rate α; a schedule changes it between steps.
    lr: float

    def __init__(self, params: Iterable[Value], defaults: Mapping[str, Hyperparameter]) -> None:
        name = type(self).__name__
        self.params: list[Value] = _ordered_parameters(params, name)
        self._check_hyperparameters(defaults)
        plain = _plain_hyperparameters(defaults, name)
        for key, value in plain.items():
            object.__setattr__(self, key, value)
        self.defaults: dict[str, Hyperparameter] = plain
        self.state: dict[int, dict[str, float]] = {i: {} for i in range(len(self.params))}

    def __setattr__(self, name: str, value: Any) -> None:
        """A setting is checked as the constructor checks it; a name that is no setting is refused.

        ``optimizer.lr = 0.01`` (a schedule does this) is checked with the other settings as
        they are; an invalid value raises ValueError and changes nothing.
        """
        defaults = self.__dict__.get("defaults")
        if defaults is not None and name in defaults:
            where = f"{type(self).__name__}.{name} = {describe_number(value)}"
            try:
                self._check_hyperparameters({**self.hyperparameters(), name: value})
            except ValueError as error:
                raise ValueError(f"{where}: {error}; nothing was changed") from None
            value = _plain_hyperparameters({name: value}, where)[name]
        elif defaults is not None and not _declared(type(self), name):
            settings = ", ".join(sorted(defaults))
            hint = _did_you_mean(name, [*defaults, *_declared_names(type(self))])
            raise AttributeError(
                f"{type(self).__name__} has no setting {name!r}{hint}; its settings are "
                f"{settings} (per-parameter state is in optimizer.state)"
            )
        object.__setattr__(self, name, value)

    # ---- what subclasses provide -------------------------------------------------------------

    def _check_hyperparameters(self, h: Mapping[str, Hyperparameter]) -> None:
        """Raise ValueError naming any invalid hyper-parameter in ``h``."""
        raise NotImplementedError

    def _update(
        self, theta: float, g: float, state: Mapping[str, float]
    ) -> tuple[float, dict[str, float]]:
        """The new θ and state of a parameter at ``theta`` with gradient ``g``; changes nothing."""
        raise NotImplementedError

    # ---- the training step -------------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Set every parameter's gradient to 0.0 (leaves accumulate across backward passes).

        ``set_to_none`` is accepted for PyTorch's habit ``zero_grad(set_to_none=True)`` and
        changes nothing: a gradient here is always a number, never None, so both True and
        False set it to 0.0 (which is what PyTorch's ``set_to_none=False`` does).
        """
        if not isinstance(set_to_none, bool):
            raise TypeError(
                f"{type(self).__name__}.zero_grad: set_to_none must be True or False, got "
                f"{set_to_none!r}"
            )
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its current gradient (after ``loss.backward()``)."""
        gradients = []
        for index, p in enumerate(self.params):
            g = _gradient(self, index, p)
            if not math.isfinite(g):
                raise ValueError(
                    f"{type(self).__name__}.step: the gradient of parameter {index}"
                    f"{_label(p)} is {g!r}; no parameter was changed"
                )
            gradients.append(g)
        # Compute every update first, and assign only when all of them succeeded.
        updates = []
        for index, (theta, g) in enumerate(zip(self.params, gradients, strict=True)):
            try:
                updates.append(self._update(theta.data, g, self.state[index]))
            except (ArithmeticError, ValueError) as error:
                raise type(error)(
                    f"{type(self).__name__}.step: the update of parameter {index}{_label(theta)} "
                    f"failed ({error}); no parameter was changed"
                ) from error
            _check_finite_update(self, index, theta, *updates[-1])
        for index, (theta, (new_theta, new_state)) in enumerate(
            zip(self.params, updates, strict=True)
        ):
            theta.data = new_theta
            self.state[index] = new_state

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
        a different number of parameters, with unknown entries, invalid hyper-parameters or
        state entries that are not finite numbers (or break the optimizer's rules, such as
        s >= 0) raises ValueError naming the parameter position and the value, and leaves this
        optimizer as it was. NumPy scalars are stored as Python floats.
        """
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"{where}: expected a dict, got {type(state_dict).__name__}")
        keys = {"optimizer", "num_parameters", "hyperparameters", "state"}
        missing = keys - set(state_dict)
        if missing:
            raise ValueError(f"{where}: missing keys {sorted(missing)}")
        unknown = [key for key in state_dict if key not in keys]
        if unknown:
            raise ValueError(
                f"{where}: unknown key {unknown[0]!r} (a state has only {', '.join(sorted(keys))})"
            )
        if state_dict["optimizer"] != name:
            saved_for = state_dict["optimizer"]
            raise ValueError(f"{where}: this state is for {saved_for!r}, not {name!r}")
        count = state_dict["num_parameters"]
        if isinstance(count, bool) or not isinstance(count, numbers.Integral):
            raise ValueError(
                f"{where}: 'num_parameters' must be an int, got {describe_number(count)}"
            )
        if count != len(self.params):
            raise ValueError(
                f"{where}: the state is for {describe_number(count)} parameters, this optimizer "
                f"has {len(self.params)}"
            )
        if not isinstance(state_dict["hyperparameters"], Mapping):
            raise ValueError(f"{where}: 'hyperparameters' must be a dict")
        hyper = dict(state_dict["hyperparameters"])
        for key, value in self.settings_added_later:
            hyper.setdefault(key, value)
        if set(hyper) != set(self.defaults):
            raise ValueError(
                f"{where}: expected hyper-parameters {sorted(self.defaults)}, got {sorted(hyper)}"
            )
        self._check_hyperparameters(hyper)
        hyper = _plain_hyperparameters(hyper, where)
        state = self._checked_state(state_dict["state"], where)
        # All checks passed: now change things.
        for key, value in hyper.items():
            object.__setattr__(self, key, value)
        self.state = state

    def _checked_state(self, saved: Any, where: str) -> dict[int, dict[str, float]]:
        """The saved per-parameter state as {position: {name: float}}, or ValueError.

        It must have the shape ``state_dict`` writes: one entry for every parameter position
        (keyed by the int or its decimal string, each position once), each entry either empty
        (a parameter not stepped yet) or holding exactly the optimizer's ``state_names``.
        """
        if not isinstance(saved, Mapping):
            raise ValueError(f"{where}: 'state' must be a dict, got {type(saved).__name__}")
        state: dict[int, dict[str, float]] = {}
        for key, entry in saved.items():
            index = _position(key)
            if index is None or not 0 <= index < len(self.params):
                raise ValueError(
                    f"{where}: state key {key!r} is not a parameter position (0 to "
                    f"{len(self.params) - 1}, as an int or its decimal string)"
                )
            if index in state:
                raise ValueError(f"{where}: parameter position {index} is given twice")
            if not isinstance(entry, Mapping):
                raise ValueError(f"{where}: state {key!r} must be a dict, got {entry!r}")
            if entry and set(entry) != set(self.state_names):
                raise ValueError(
                    f"{where}: state {key!r} has entries {sorted(entry)}, expected "
                    f"{sorted(self.state_names)}"
                )
            state[index] = {
                entry_name: _finite_entry(value, where, index, entry_name)
                for entry_name, value in entry.items()
            }
        missing = [index for index in range(len(self.params)) if index not in state]
        if missing:
            raise ValueError(
                f"{where}: the state has no entry for parameter position {missing[0]} (state_dict "
                f"writes one for every parameter, {{}} before its first step)"
            )
        return dict(sorted(state.items()))

    def __repr__(self) -> str:
        settings = ", ".join(f"{key}={value!r}" for key, value in self.hyperparameters().items())
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


# Attributes every optimizer keeps beside its settings.
_OWN_ATTRIBUTES = ("params", "defaults", "state")


def _declared_names(cls: type) -> list[str]:
    """The attributes ``cls`` and its bases declare: annotated, or properties and the like."""
    names = list(_OWN_ATTRIBUTES)
    for klass in cls.__mro__:
        names.extend(inspect.get_annotations(klass))
        names.extend(
            key for key, member in vars(klass).items() if hasattr(member, "__set__")
        )
    return names


def _declared(cls: type, name: str) -> bool:
    return name in _declared_names(cls)


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, sorted(set(known)), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _gradient(optimizer: Optimizer, index: int, p: Value) -> float:
    """``float(p.grad)``, or TypeError naming the parameter whose gradient is not a number."""
    try:
        return float(p.grad)
    except (TypeError, ValueError):
        where = f"{type(optimizer).__name__}.step: the gradient of parameter {index}{_label(p)}"
        if p.grad is None:
            raise TypeError(
                f"{where} is None (was p.grad = None set?); gradients here are numbers: call "
                f"optimizer.zero_grad() to set them to 0.0, then loss.backward(); no parameter "
                f"was changed"
            ) from None
        shown = repr(p.grad) if len(repr(p.grad)) <= 40 else repr(p.grad)[:37] + "..."
        raise TypeError(
            f"{where} is {type(p.grad).__name__} {shown}, not a number; no parameter was "
            f"changed"
        ) from None


def _check_finite_update(
    optimizer: Optimizer, index: int, p: Value, theta: float, state: Mapping[str, float]
) -> None:
    """Refuse an update that would leave parameter ``index`` or its state non-finite."""
    name = type(optimizer).__name__
    if not math.isfinite(theta):
        raise NonFiniteStep(
            f"{name}.step: the step would make parameter {index}{_label(p)} {theta!r} (from "
            f"{p.data!r} with gradient {float(p.grad)!r}); no parameter was changed; lower "
            f"the learning rate (lr={optimizer.lr!r})"
        )
    for entry, value in state.items():
        if not math.isfinite(value):
            raise NonFiniteStep(
                f"{name}.step: the step would make state entry {entry!r} of parameter {index}"
                f"{_label(p)} {value!r} (gradient {float(p.grad)!r}); no parameter was changed; "
                f"scale the loss or clip the gradients"
            )


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
    """A state key as a parameter position: 3 or "3" (after a JSON round trip), else None.

    A string must be written as ``json.dumps`` writes an int: ASCII digits, no sign, no
    leading zero, no spaces (``"١"``, ``"01"`` and ``" 1"`` are not positions).
    """
    if isinstance(key, numbers.Integral) and not isinstance(key, bool):
        return int(key)
    if isinstance(key, str) and re.fullmatch(r"0|[1-9][0-9]*", key):
        return int(key)
    return None


def _label(p: Value) -> str:
    return f" ({p.label!r})" if p.label else ""


def _plain_hyperparameters(
    hyperparameters: Mapping[str, Hyperparameter], where: str
) -> dict[str, Hyperparameter]:
    """Checked hyper-parameters as Python floats (NumPy scalars converted), flags as bool."""
    plain: dict[str, Hyperparameter] = {}
    for name, value in hyperparameters.items():
        if isinstance(value, bool):
            plain[name] = value
            continue
        try:
            plain[name] = float(value)
        except OverflowError:
            raise ValueError(
                f"{where}: Invalid {name} value: {describe_number(value)} (too large for a float)"
            ) from None
    return plain


def _finite_entry(value: object, where: str, index: int, name: str) -> float:
    """A saved state entry as a finite Python float, or ValueError naming where it was."""
    try:
        number = as_float(value, f"{where}: state of parameter {index}: entry {name!r}")
    except TypeError as error:
        raise ValueError(str(error)) from None
    except OverflowError:  # an int too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(
            f"{where}: state of parameter {index}: entry {name!r} must be finite, got "
            f"{describe_number(value)}"
        )
    return number


def state_error(where: str, index: int, name: str, value: float, rule: str) -> ValueError:
    """The error for a saved state entry that breaks one of an optimizer's rules."""
    return ValueError(
        f"{where}: state of parameter {index}: entry {name!r} must be {rule}, got {value!r}"
    )


def check_lr(lr: float) -> None:
    """α: a number >= 0 (0 is allowed, it freezes the parameters, as in PyTorch)."""
    if not is_real_number(lr) or not 0.0 <= lr < math.inf:
        raise ValueError(
            f"Invalid learning rate: {describe_number(lr)} (lr must be a finite number >= 0)"
        )


def check_gamma(name: str, gamma: float) -> None:
    """A decay rate γ: a number in [0, 1)."""
    if not is_real_number(gamma) or not 0.0 <= gamma < 1.0:
        raise ValueError(
            f"Invalid {name} value: {describe_number(gamma)} ({name} must be in [0, 1))"
        )


def check_eps(eps: float) -> None:
    """ε: a finite number > 0 (it keeps the division by √s finite)."""
    if not is_real_number(eps) or not 0.0 < eps < math.inf:
        raise ValueError(
            f"Invalid epsilon value: {describe_number(eps)} (eps must be a finite number > 0)"
        )


def check_momentum(momentum: float) -> None:
    """μ: a finite number >= 0."""
    if not is_real_number(momentum) or not 0.0 <= momentum < math.inf:
        raise ValueError(
            f"Invalid momentum value: {describe_number(momentum)} "
            f"(momentum must be a finite number >= 0)"
        )


def check_weight_decay(weight_decay: float) -> None:
    """λ: a finite number >= 0."""
    if not is_real_number(weight_decay) or not 0.0 <= weight_decay < math.inf:
        raise ValueError(
            f"Invalid weight_decay value: {describe_number(weight_decay)} "
            f"(weight_decay must be a finite number >= 0)"
        )


def check_maximize(maximize: object) -> None:
    """``maximize``: True or False."""
    if not isinstance(maximize, bool):
        raise ValueError(f"Invalid maximize value: {maximize!r} (maximize must be True or False)")


def check_mean_of_squares(state: Mapping[int, Mapping[str, float]], where: str) -> None:
    """Refuse a saved ``s`` below 0: s is a mean of squares, and a negative s has no root."""
    for index, entry in state.items():
        s = entry.get("s", 0.0)
        if s < 0:
            raise state_error(where, index, "s", s, "a number >= 0")
