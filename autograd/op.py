"""What an operation is to the engine: a graph symbol, a name, and its local derivatives.

A rule ``derivatives(*inputs, out)`` returns d(out)/d(input) for each input. It is written
once and runs on plain floats (an ordinary backward pass) and on Values (a pass with
``create_graph=True``, which records the derivatives so they can be differentiated again).
The helpers below are the few functions such rules need besides arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A float during an ordinary backward pass, a Value during one with create_graph=True.
Scalar = Any


@dataclass(frozen=True, slots=True)
class Op:
    """One operation: its symbol in pictures, its name in error messages, its derivative rule."""

    symbol: str
    name: str
    derivatives: Callable[..., tuple[Scalar, ...]]


@dataclass(frozen=True, slots=True)
class PowerOf:
    """x ** n for a fixed number n: one input, so a picture shows ``**2``, not a leaf ``2``."""

    exponent: float

    @property
    def symbol(self) -> str:
        return f"**{self.exponent:g}"

    @property
    def name(self) -> str:
        return "pow"

    def derivatives(self, x: Scalar, out: Scalar) -> tuple[Scalar, ...]:
        # d(x^n)/dx = n x^(n-1)
        n = self.exponent
        return (n * power(x, n - 1.0),)


# ---- functions for rules that must work on floats and on Values ------------------------------

def cos(x: Scalar) -> Scalar:
    return math.cos(x) if type(x) is float else x.cos()


def sin(x: Scalar) -> Scalar:
    return math.sin(x) if type(x) is float else x.sin()


def log(x: Scalar) -> Scalar:
    return math.log(x) if type(x) is float else x.log()


def divide(a: Scalar, b: Scalar) -> Scalar:
    """a / b; on floats a zero divisor gives +-inf (nan for 0/0), as IEEE 754 does."""
    if type(b) is float and b == 0.0:
        return math.nan if a == 0 else math.copysign(math.inf, a)
    return a / b


def power(x: Scalar, n: Scalar) -> Scalar:
    """x ** n; on floats a pole (0 ** -1) or an overflow gives inf instead of raising."""
    if type(x) is not float:
        return x**n
    try:
        return math.pow(x, n)
    except (ValueError, ZeroDivisionError, OverflowError):
        return math.inf if x == 0 or abs(x) > 1 or n < 0 else math.nan


def sign(x: Scalar) -> float:
    """-1, 0 or 1: the derivative of |x|, taken as 0 at the kink x = 0 (as PyTorch does)."""
    x = float(x)
    if x > 0:
        return 1.0
    if x < 0:
        return -1.0
    return 0.0 if x == 0 else math.nan


def step(x: Scalar) -> float:
    """1 for x > 0, else 0: the derivative of relu, taken as 0 at the kink x = 0."""
    x = float(x)
    if x > 0:
        return 1.0
    return 0.0 if x <= 0 else math.nan
