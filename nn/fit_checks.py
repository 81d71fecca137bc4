"""What ``fit`` checks before its first step, so that bad arguments fail with nothing changed.

Each check raises a TypeError or ValueError that names ``fit`` and the argument at fault:

- ``model`` must be an ``nn.Module``, or a function together with an optimizer made on the
  Parameters it uses (fit cannot find a function's parameters for its default optimizer);
- ``optimizer`` must have been made on a Module's own parameters (an optimizer made on
  another model would step that model, and this one would never learn);
- every number in ``xs``, ``ys`` and the validation data must be a number or a Value (a str
  would fail somewhere inside the first step);
- the validation examples (and targets) must have the shape of the training ones, when those
  all share one shape (else the first epoch would train, then fail on the held-out data),
  hold no NaN or infinity, and the targets must be labels the loss takes (``nn.validation``);
- ``loss`` must be a loss, not a loss class (``nn.MSELoss`` for ``nn.MSELoss()``), nor a
  PyTorch loss module (it computes on tensors).

``first_non_finite`` finds a NaN or infinite output of the model, which ``fit`` reports as
divergence whatever the loss.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from autograd import Value
from autograd.value import is_real_number
from optim import Optimizer

from .module import Module
from .shapes import describe, plain, shape_of

# Characters of an offending value quoted in a message.
_LONGEST_QUOTE = 60


def check_model(model: Any, optimizer: Optimizer | None) -> None:
    """TypeError unless ``model`` is an ``nn.Module``, or a function and an optimizer is given."""
    if isinstance(model, Module):
        return
    if not callable(model):
        raise TypeError(
            f"fit: model must be an nn.Module (MLP, Sequential, FeatureModel, ...) or a "
            f"function, got {_describe(model)}"
        )
    if optimizer is None:
        raise TypeError(
            f"fit: model is {_describe(model)}, not an nn.Module, so fit cannot find the "
            f"parameters for its default optimizer; give optimizer=optim.SGD([the Parameters "
            f"it uses], lr=0.1), or make the model an nn.Module"
        )


# PyTorch's loss modules that this package has too, under the same names.
_OUR_LOSS_MODULES = ("MSELoss", "CrossEntropyLoss", "BCEWithLogitsLoss", "HingeLoss")


def check_loss(loss: Any) -> None:
    """TypeError for a loss class given instead of a loss (``nn.MSELoss`` for ``nn.MSELoss()``)
    and for a PyTorch loss module, which computes on tensors, not Values."""
    if isinstance(loss, type):
        module = "nn." if loss.__module__.split(".")[0] == "nn" else ""
        raise TypeError(
            f"fit: loss is the class {module}{loss.__name__}, not a loss; make one with "
            f"parentheses: loss={module}{loss.__name__}()"
        )
    kind = type(loss)
    if kind.__module__.split(".")[0] == "torch":
        ours = kind.__name__ if kind.__name__ in _OUR_LOSS_MODULES else "MSELoss"
        raise TypeError(
            f"fit: loss is PyTorch's {kind.__module__}.{kind.__name__}, which computes on "
            f"tensors, not on this package's Values; use nn.{ours}() (or a name: loss='mse')"
        )


def check_optimizer_owner(model: Any, optimizer: Optimizer) -> None:
    """ValueError if ``optimizer`` steps a Parameter that is not one of a Module's own."""
    if not isinstance(model, Module):
        return  # a function's Parameters are known only to the optimizer made on them
    own = {id(parameter) for parameter in model.parameters()}
    for index, parameter in enumerate(optimizer.params):
        if id(parameter) not in own:
            label = f" ({_shortened(repr(parameter.label))})" if parameter.label else ""
            raise ValueError(
                f"fit: optimizer was made on other parameters than this model's: its parameter "
                f"{index}{label} is not one of the model's; make it on this model, e.g. "
                f"optim.SGD(model.parameters(), lr=0.1)"
            )


def check_data(
    xs: Sequence[Any],
    ys: Sequence[Any],
    held_out: tuple[Sequence[Any], Sequence[Any]] | None,
) -> None:
    """TypeError for anything in the data that is not a number or a Value; ValueError for
    validation data of another shape than the training data."""
    _check_numbers(xs, "xs")
    _check_numbers(ys, "ys")
    if held_out is None:
        return
    xs_val, ys_val = held_out
    _check_numbers(xs_val, "validation's xs_val")
    _check_numbers(ys_val, "validation's ys_val")
    _check_same_shape(xs_val, "validation's xs_val", xs, "xs")
    _check_same_shape(ys_val, "validation's ys_val", ys, "ys")


def check_predictions(loss: str, predictions: list[Any], samples: list[int]) -> None:
    """Each prediction has the shape ``loss`` needs: a list of logits for cross_entropy,
    one Value or number for the others; otherwise TypeError naming fit, the loss and what the
    model returned."""
    for prediction, sample in zip(predictions, samples, strict=True):
        one_number = isinstance(prediction, Value) or is_real_number(prediction)
        if loss == "cross_entropy" and one_number:
            raise TypeError(
                f"fit: loss 'cross_entropy' needs a list of class logits per sample, but the "
                f"model returned {_describe_output(prediction)} for sample {sample}"
            )
        if loss != "cross_entropy" and not one_number:
            raise TypeError(
                f"fit: loss {loss!r} needs one Value per sample, but the model returned "
                f"{_describe_output(prediction)} for sample {sample}; give the model one output"
            )


def check_finite(examples: Sequence[Any], what: str) -> None:
    """ValueError naming ``what[i]`` at the first example holding a NaN or an infinity."""
    for index, example in enumerate(examples):
        for value in _numbers_in(plain(example)):
            if not math.isfinite(value):
                raise ValueError(
                    f"fit: {what}[{index}] holds {value!r}; held-out data must be finite "
                    f"numbers (its loss would be nan every epoch)"
                )


def first_non_finite(outputs: Sequence[Any]) -> tuple[int, float] | None:
    """(position, value) of the first output holding a NaN or an infinity, or None.

    Each output may be a Value, a number, or (nested) lists of them; anything else is skipped.
    """
    for position, output in enumerate(outputs):
        for value in _numbers_in(output):
            if not math.isfinite(value):
                return position, value
    return None


# ---- helpers ---------------------------------------------------------------------------------

def _check_numbers(examples: Sequence[Any], what: str) -> None:
    """TypeError naming ``what[i][j]...`` at the first thing that is not a number or a Value."""
    for index, example in enumerate(examples):
        if not _all_numbers(example):
            where, item = _first_non_number(example, f"{what}[{index}]")
            raise TypeError(
                f"fit: {where} must be a number (or a Value), got {_describe(item)}; "
                f"every example and target is made of numbers"
            )


def _all_numbers(example: Any) -> bool:
    """True if ``example`` is a number, a Value, or (nested) lists, tuples or arrays of them."""
    stack = [example]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is float or kind is int or kind is Value:
            continue  # the usual cases first, without the slower checks below
        item = plain(item)
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif not (isinstance(item, Value) or is_real_number(item)):
            return False
    return True


def _first_non_number(example: Any, where: str) -> tuple[str, Any]:
    """Where in ``example`` (``xs[3][1]``) the first thing that is not a number is, and it."""
    stack: list[tuple[Any, str]] = [(plain(example), where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(
                (plain(inner), f"{at}[{i}]") for i, inner in reversed(list(enumerate(item)))
            )
        elif not (isinstance(item, Value) or is_real_number(item)):
            return at, item
    return where, example


def _check_same_shape(
    examples: Sequence[Any], what: str, reference: Sequence[Any], reference_name: str
) -> None:
    """ValueError if an example's shape differs from the one shape all ``reference``s share."""
    shapes = {_shape(example) for example in reference}
    expected = shapes.pop() if len(shapes) == 1 else None
    if expected is None:
        return  # the training data has no one shape (a model of its own may take several)
    for index, example in enumerate(examples):
        shape = _shape(example)
        if shape != expected:
            got = "has no one shape (ragged lists)" if shape is None else _looks(shape)
            raise ValueError(
                f"fit: {what}[{index}] {got}, but every training example in "
                f"{reference_name} {_looks(expected)}; held-out data must look like the "
                f"training data"
            )


def _looks(shape: tuple[int, ...]) -> str:
    """``has shape [2][3]``, or ``is a single number``."""
    return f"has shape {describe(shape)}" if shape else "is a single number"


def _shape(example: Any) -> tuple[int, ...] | None:
    """The shape of nested lists of numbers, or None for ragged or empty lists."""
    kind = type(example)
    if kind is float or kind is int or kind is Value:
        return ()
    try:
        return shape_of(example, "fit")
    except (TypeError, ValueError):
        return None


def _numbers_in(output: Any) -> list[float]:
    """The floats of a Value, a number, or (nested) lists of them, in order."""
    if isinstance(output, Value):
        return [output.data]
    if is_real_number(output):
        return [float(output)]
    numbers: list[float] = []
    stack = [output]
    while stack:
        item = stack.pop()
        if isinstance(item, Value):
            numbers.append(item.data)
        elif is_real_number(item):
            numbers.append(float(item))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
    return numbers


def _describe_output(prediction: Any) -> str:
    """``a list of 2 Values``, ``a single Value``, ``a str 'a'``: what a model returned."""
    if isinstance(prediction, Value):
        return f"a single Value ({prediction.data!r})"
    if isinstance(prediction, (list, tuple)):
        return f"a {type(prediction).__name__} of {len(prediction)} outputs"
    return f"a {type(prediction).__name__} {prediction!r}"


def _describe(thing: Any) -> str:
    """``function <lambda>``, ``str 'a'``: a thing's type and (shortened) repr, for a message."""
    name = getattr(thing, "__qualname__", None) if callable(thing) else None
    if name is not None and not isinstance(thing, type):
        return f"{type(thing).__name__} {name}"
    return f"{type(thing).__name__} {_shortened(repr(thing))}"


def _shortened(text: str) -> str:
    return text if len(text) <= _LONGEST_QUOTE else text[: _LONGEST_QUOTE - 3] + "..."
