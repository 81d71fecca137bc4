"""``ReLU``, ``Tanh`` and ``Sigmoid`` as modules, applied to every value of their input.

They hold no parameters; in a ``Sequential`` they sit between layers as in PyTorch. The input
may be one number or Value, a list, or nested lists ``[C][H][W]``; the output has its shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd import Value

from .module import Module
from .shapes import as_values, map_nested, shape_of


class _Elementwise(Module):
    """An activation σ applied to each value on its own: y_j = σ(x_j)."""

    function: Callable[[Value], Value]  # an unbound Value method, e.g. Value.relu

    def __call__(self, x: Any) -> Any:
        where = repr(self)
        shape_of(x, where)  # refuses ragged lists and non-numbers, naming the module
        function = type(self).function
        return map_nested(function, as_values(x, where))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(_Elementwise):
    """relu(z) = max(0, z); its derivative is 1 for z > 0 and 0 otherwise (0 at the kink)."""

    function = Value.relu  # type: ignore[assignment]  # a method is a function of its Value


class Tanh(_Elementwise):
    """tanh(z); its derivative is 1 − tanh(z)²."""

    function = Value.tanh  # type: ignore[assignment]  # a method is a function of its Value


class Sigmoid(_Elementwise):
    """The lecture's σ(z) = 1 / (1 + e^−z); its derivative is σ(z) (1 − σ(z))."""

    function = Value.sigmoid  # type: ignore[assignment]  # a method is a function of its Value
