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
    """One operation: its symbol in pictures, its name in error messages, its derivative rule.

    Each op is made once, when its module is imported; a copied or unpickled graph refers to
    that same op again (``copy.deepcopy`` and ``pickle`` work on any graph).
    """

    symbol: str
    name: str
    derivatives: Callable[..., tuple[Scalar, ...]]

    def __post_init__(self) -> None:
        # A rule written in a class body as a @staticmethod is stored as the plain function,
        # which pickle finds again by its qualified name (Value._mul_derivatives).
        if isinstance(self.derivatives, staticmethod):
            object.__setattr__(self, "derivatives", self.derivatives.__func__)
        _OPS.setdefault((self.symbol, self.name, self.derivatives), self)

    def __reduce__(self) -> tuple[Any, ...]:
        return _shared_op, (self.symbol, self.name, self.derivatives)


# Every Op made so far, so that unpickling gives back the very same object.
_OPS: dict[tuple[str, str, Callable[..., Any]], Op] = {}


def _shared_op(symbol: str, name: str, derivatives: Callable[..., Any]) -> Op:
    """The Op with these fields: the one already made, else a new one."""
    return _OPS.get((symbol, name, derivatives)) or Op(symbol, name, derivatives)


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
        # d(x^n)/dx = n x^(n-1), and 0 for n = 0 (x^0 = 1 is flat, also at x = 0)
        n = self.exponent
        if n == 0:
            return (0.0,)
        return (n * power(x, n - 1.0),)


@dataclass(frozen=True, slots=True)
class WithConstant:
    """An op with a fixed number beside its input, such as leaky_relu's slope or elu's alpha.

    ``op``'s rule receives the constant after the inputs and the output:
    ``derivatives(x, out, constant)``. A picture shows ``op``'s symbol.
    """

    op: Op
    constant: float

    @property
    def symbol(self) -> str:
        return self.op.symbol

    @property
    def name(self) -> str:
        return self.op.name

    def derivatives(self, *inputs_and_out: Scalar) -> tuple[Scalar, ...]:
        return self.op.derivatives(*inputs_and_out, self.constant)


# ---- functions for rules that must work on floats and on Values ------------------------------

def cos(x: Scalar) -> Scalar:
    return math.cos(x) if type(x) is float else x.cos()


def sin(x: Scalar) -> Scalar:
    return math.sin(x) if type(x) is float else x.sin()


def log(x: Scalar) -> Scalar:
    return math.log(x) if type(x) is float else x.log()


def exp(x: Scalar) -> Scalar:
    return math.exp(x) if type(x) is float else x.exp()


def erf(x: Scalar) -> Scalar:
    return math.erf(x) if type(x) is float else x.erf()


def sigmoid(x: Scalar) -> Scalar:
    """σ(x) = 1 / (1 + e^-x), computed so that e^(...) never overflows."""
    if type(x) is not float:
        return x.sigmoid()
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def divide(a: Scalar, b: Scalar) -> Scalar:
    """a / b, where a zero divisor gives +-inf (nan for 0/0), as IEEE 754 does, never an error.

    On Values such a result is a ``singular`` node: its own derivative is nan (undefined).
    """
    if float(b) == 0.0:
        value = math.nan if float(a) == 0 else math.copysign(math.inf, float(a))
        return _singular(value, a, b)
    return a / b


def power(x: Scalar, n: Scalar) -> Scalar:
    """x ** n, where a pole (0 ** -1) or an overflow gives IEEE 754's +-inf, never an error.

    On Values such a result is a ``singular`` node: its own derivative is nan (undefined).
    """
    if type(x) is not float or type(n) is not float:
        try:
            return x**n
        except (ValueError, ZeroDivisionError, OverflowError):
            return _singular(power(float(x), float(n)), x, n)
    try:
        return math.pow(x, n)
    except (ValueError, ZeroDivisionError, OverflowError):
        pass
    if math.isnan(n) or (x < 0 and not n.is_integer()):
        return math.nan
    odd = n.is_integer() and abs(n) < 2**53 and int(n) % 2 == 1
    if x == 0:  # a pole: 0 ** negative
        return math.copysign(math.inf, x) if odd else math.inf
    return -math.inf if x < 0 and odd else math.inf  # an overflow


def _undefined_derivatives(*args: Scalar) -> tuple[Scalar, ...]:
    # at a pole the derivative of an infinite value does not exist: nan, and (recorded in the
    # graph when differentiating again) so are all the derivatives of that
    *inputs, _ = args
    return (undefined(*inputs),) * len(inputs)


SINGULAR = Op("singular", "singular", _undefined_derivatives)


def undefined(*operands: Scalar) -> Scalar:
    """A derivative that does not exist (nan): a float, or, when any operand is a Value, a node
    in the graph whose own slope is nan, so that higher derivatives are nan too."""
    return _singular(math.nan, *operands)


def _singular(value: float, *operands: Scalar) -> Scalar:
    """``value`` as a float, or, when any operand is a Value, as a node whose slope is nan."""
    inputs = tuple(x for x in operands if not isinstance(x, (float, int)))
    return inputs[0]._pole(value, inputs) if inputs else value


def sign(x: Scalar) -> float:
    """-1, 0 or 1: the derivative of |x|, taken as 0 at the kink x = 0 (as PyTorch does)."""
    x = float(x)
    if x > 0:
        return 1.0
    if x < 0:
        return -1.0
    return 0.0 if x == 0 else math.nan


def step(x: Scalar, below: float = 0.0) -> float:
    """1 for x > 0, else ``below``: the derivative of relu (``below`` = 0) and leaky_relu
    (``below`` = its slope), taken as ``below`` at the kink x = 0."""
    x = float(x)
    if x > 0:
        return 1.0
    return below if x <= 0 else math.nan
