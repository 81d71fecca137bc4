"""Hypothesis strategies for random expression graphs that stay inside every op's domain.

A *recipe* is a list of steps, each naming an op and the earlier nodes it reads. Replaying the
recipe on other input values (as central differences do) builds the same graph shape. Steps are
chosen while the recipe is drawn, looking at the values, so that each op stays well inside its
domain and away from kinks: a shift of eps never crosses a boundary.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from autograd import Value

MARGIN = 0.2  # distance kept from poles, domain edges and kinks
LIMIT = 50.0  # values larger than this are squashed with tanh, to keep differences accurate

UNARY = ("neg", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos", "square",
         "cube", "inverse_sqrt", "erf", "softplus", "gelu", "silu", "leaky_relu", "elu")
# ops that take the step's constant as their parameter (leaky_relu's slope, elu's alpha)
WITH_CONSTANT = ("leaky_relu", "elu")
BINARY = ("+", "-", "*", "/", "**", "rsub", "rdiv", "radd", "rmul")


@dataclass(frozen=True)
class Step:
    op: str
    a: int
    b: int = -1
    constant: float = 0.0


def apply_step(step: Step, nodes: Sequence[Any]) -> Any:
    """Apply one step to Values (or floats, for the domain checks)."""
    a = nodes[step.a]
    b = nodes[step.b] if step.b >= 0 else None
    c = step.constant
    if step.op == "neg":
        return -a
    if step.op == "abs":
        return abs(a)
    if step.op in WITH_CONSTANT:
        if isinstance(a, Value):
            return getattr(a, step.op)(c)
        return _FLOAT_FUNCTIONS[step.op](a, c)
    if step.op in _FLOAT_FUNCTIONS:
        if isinstance(a, Value):
            return getattr(a, step.op)()
        return _FLOAT_FUNCTIONS[step.op](a)
    if step.op == "square":
        return a**2
    if step.op == "cube":
        return a**3
    if step.op == "inverse_sqrt":
        return a**-0.5
    if step.op == "+":
        return a + b
    if step.op == "-":
        return a - b
    if step.op == "*":
        return a * b
    if step.op == "/":
        return a / b
    if step.op == "**":
        return a**b
    if step.op == "radd":
        return c + a
    if step.op == "rsub":
        return c - a
    if step.op == "rmul":
        return c * a
    if step.op == "rdiv":
        return c / a
    raise AssertionError(step.op)


_FLOAT_FUNCTIONS: dict[str, Callable[..., float]] = {
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "relu": lambda x: max(0.0, x),
    "sin": math.sin,
    "cos": math.cos,
    "erf": math.erf,
    "softplus": lambda x: math.log1p(math.exp(x)),
    "gelu": lambda x: x * (1 + math.erf(x / math.sqrt(2))) / 2,
    "silu": lambda x: x / (1 + math.exp(-x)),
    "leaky_relu": lambda x, slope: x if x > 0 else slope * x,
    "elu": lambda x, alpha: x if x > 0 else alpha * (math.exp(x) - 1),
}


def _allowed(op: str, a: float, b: float, constant: float) -> bool:
    """True when ``op`` is far enough inside its domain (and from kinks) at these values."""
    if op in ("abs", "relu", "leaky_relu", "elu"):
        return abs(a) > MARGIN
    if op == "exp":
        return a < 4
    if op in ("log", "sqrt", "inverse_sqrt"):
        return a > MARGIN
    if op == "cube":
        return abs(a) < 10
    if op == "/":
        return abs(b) > MARGIN
    if op == "rdiv":
        return abs(a) > MARGIN
    if op == "**":
        return a > MARGIN and abs(b) < 3 and a < 10
    return True


@dataclass(frozen=True)
class Recipe:
    inputs: tuple[float, ...]
    steps: tuple[Step, ...]

    def build(self, inputs: Sequence[Value]) -> Value:
        """The recipe's graph on these input Values; the last node is the output."""
        nodes: list[Any] = list(inputs)
        for step in self.steps:
            nodes.append(apply_step(step, nodes))
        out: Value = nodes[-1]
        return out

    def __call__(self, *inputs: Value) -> Value:
        return self.build(inputs)

    @property
    def ops(self) -> set[str]:
        return {step.op for step in self.steps}


def input_points(max_inputs: int = 3) -> st.SearchStrategy[tuple[float, ...]]:
    """1..max_inputs input values in [-2, 2], none too close to 0."""
    value = st.floats(-2.0, 2.0, allow_nan=False).filter(lambda v: abs(v) > 0.05)
    return st.lists(value, min_size=1, max_size=max_inputs).map(tuple)


@st.composite
def recipes(
    draw: st.DrawFn,
    max_inputs: int = 3,
    max_steps: int = 8,
    inputs: tuple[float, ...] | None = None,
) -> Recipe:
    """A random expression on 1..max_inputs inputs (or on ``inputs``), inside every domain."""
    if inputs is None:
        inputs = draw(input_points(max_inputs))
    values = list(inputs)
    steps: list[Step] = []
    n_steps = draw(st.integers(1, max_steps))
    for _ in range(n_steps):
        op = draw(st.sampled_from(UNARY + BINARY))
        a = draw(st.integers(0, len(values) - 1))
        b = draw(st.integers(0, len(values) - 1)) if op in ("+", "-", "*", "/", "**") else -1
        constant = draw(st.sampled_from((0.5, 2.0, -1.5, 3.0)))
        if not _allowed(op, values[a], values[b] if b >= 0 else 0.0, constant):
            op, b = "tanh", -1  # a safe stand-in keeps the recipe growing
        step = Step(op, a, b, constant)
        value = apply_step(step, values)
        if not abs(value) < LIMIT:
            step = Step("tanh", a)
            value = math.tanh(values[a])
        steps.append(step)
        values.append(value)
    return Recipe(inputs, tuple(steps))
