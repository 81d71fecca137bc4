"""What each op becomes in generated code: ``CODE``, one entry per op, keyed by the op.

An entry gives the op's value and its local derivatives as Python expressions (the same
formulas, in the same order, as the engine's rules in ``autograd.value``, so compiled and eager
numbers agree to the last bit), the same in math for the comments of the generated code, and
NumPy versions for batches where the Python one does not work on arrays (an ``if``, say).
Entries are keyed by the op's name, or by its class for an op with a parameter (``x ** 2`` is
a ``PowerOf``). A new op is one entry here; ``autograd.compiler.codegen`` does the rest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..op import PowerOf

# An expression template: ``"{0} * {1}"`` (inputs by position, ``{out}`` the node's own value,
# ``{op}`` the op itself, for an op's constant: ``{op.constant!r}``), or a function of (the
# inputs' expressions, the op) for ops with any number of inputs.
Template = str | Callable[[Sequence[str], Any], str]
# The local derivatives: one template per input, or a function of (input position, the inputs'
# expressions, the output's expression, the op).
Derivatives = tuple[str, ...] | Callable[[int, Sequence[str], str, Any], str]


@dataclass(frozen=True)
class Code:
    """How one op is written: value and local derivatives, in Python, in math, in NumPy.

    ``numpy_value``/``numpy_derivatives`` default to the Python ones with ``math.`` read as
    ``np.``; give them where that does not work on arrays.
    """

    value: Template
    derivatives: Derivatives
    math: Template
    math_derivatives: Derivatives
    numpy_value: Template | None = None
    numpy_derivatives: Derivatives | None = None


# ---- n-ary and parametrised ops ---------------------------------------------------------------

def _sum(args: Sequence[str], op: Any) -> str:
    return " + ".join(args)


def _sum_derivative(i: int, args: Sequence[str], out: str, op: Any) -> str:
    return "1.0"


def _dot(args: Sequence[str], op: Any) -> str:
    n = len(args) // 2
    return " + ".join(f"{w} * {x}" for w, x in zip(args[:n], args[n:], strict=True))


def _dot_math(args: Sequence[str], op: Any) -> str:
    n = len(args) // 2
    return " + ".join(f"{w}·{x}" for w, x in zip(args[:n], args[n:], strict=True))


def _dot_derivative(i: int, args: Sequence[str], out: str, op: Any) -> str:
    # d(w·x)/dw_i = x_i,  d(w·x)/dx_i = w_i
    n = len(args) // 2
    return args[i + n] if i < n else args[i - n]


def _max(args: Sequence[str], op: Any) -> str:
    return f"max({', '.join(args)})"  # the first largest, as the engine's winner


def _max_derivative(i: int, args: Sequence[str], out: str, op: Any) -> str:
    # d max(v)/dvi = 1 for the winner, the first input equal to the max; 0 for the others
    earlier = " or ".join(f"{a} == {out}" for a in args[:i])
    if not earlier:
        return f"(1.0 if {args[i]} == {out} else 0.0)"
    return f"(1.0 if {args[i]} == {out} and not ({earlier}) else 0.0)"


def _max_math(args: Sequence[str], op: Any) -> str:
    return f"max({', '.join(args)})"


def _max_math_derivative(i: int, args: Sequence[str], out: str, op: Any) -> str:
    return f"[{args[i]} is the first largest]"


def _numpy_max(args: Sequence[str], op: Any) -> str:
    text = args[0]
    for a in args[1:]:
        text = f"np.maximum({text}, {a})"  # NaN wins, as in the engine
    return text


def _numpy_max_derivative(i: int, args: Sequence[str], out: str, op: Any) -> str:
    earlier = " | ".join(f"({a} == {out})" for a in args[:i])
    if not earlier:
        return f"np.where({args[i]} == {out}, 1.0, 0.0)"
    return f"np.where(({args[i]} == {out}) & ~({earlier}), 1.0, 0.0)"


def number(x: float) -> str:
    """A float as Python source: ``2.0``, ``(-0.5)``, ``math.inf``."""
    if math.isnan(x):
        return "math.nan"
    if math.isinf(x):
        return "math.inf" if x > 0 else "(-math.inf)"
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


def _exponent(n: float) -> str:
    """An exponent as written in source: ``2`` for whole numbers, else the float."""
    if n.is_integer() and abs(n) < 2**53:
        return f"({int(n)})" if n < 0 else str(int(n))
    return number(n)


def _power(args: Sequence[str], op: Any) -> str:
    # x ** n on floats is C's pow, as math.pow; a fractional n uses math.pow so that a negative
    # x raises (as the engine does) instead of giving a complex number
    n = op.exponent
    if n.is_integer() and abs(n) < 2**53:
        return f"{args[0]} ** {_exponent(n)}"
    return f"math.pow({args[0]}, {number(n)})"


def _power_derivative(i: int, args: Sequence[str], out: str, op: Any) -> str:
    # d(x^n)/dx = n x^(n-1), and 0 for n = 0
    n = op.exponent
    if n == 0:
        return "0.0"
    if n == 1:
        return "1.0"
    if n == 2:
        return f"2.0 * {args[0]}"
    return f"{number(n)} * {_power([args[0]], PowerOf(n - 1.0))}"


def _power_math(args: Sequence[str], op: Any) -> str:
    return f"{args[0]}^{op.exponent:g}"


def _power_math_derivative(i: int, args: Sequence[str], out: str, op: Any) -> str:
    n = op.exponent
    if n == 0:
        return "0"
    if n == 1:
        return "1"
    if n == 2:
        return f"2{args[0]}"
    return f"{n:g}·{args[0]}^{n - 1:g}"


def _numpy_power(args: Sequence[str], op: Any) -> str:
    return f"{args[0]} ** {number(op.exponent)}"


def _numpy_power_derivative(i: int, args: Sequence[str], out: str, op: Any) -> str:
    n = op.exponent
    if n in (0, 1, 2):
        return _power_derivative(i, args, out, op)
    return f"{number(n)} * {args[0]} ** {number(n - 1.0)}"


# σ(x) as the engine computes it, so that e^(...) never overflows
SIGMOID = "(1.0 / (1.0 + math.exp(-{0})) if {0} >= 0 else math.exp({0}) / (1.0 + math.exp({0})))"
# the same on arrays: both branches are computed, so each takes e^(−|x|), which never overflows
# (an overflow in a batch sends it back to the per-example code)
NUMPY_SIGMOID = (
    "np.where({0} >= 0, 1.0 / (1.0 + np.exp(-np.abs({0}))),"
    " np.exp(-np.abs({0})) / (1.0 + np.exp(-np.abs({0}))))"
)


# ---- erf and gelu: NumPy has no erf ------------------------------------------------------------

def _numpy_erf(x: str) -> str:
    # NumPy has no erf; math.erf on each element, as the engine computes it
    return f"np.asarray(np.frompyfunc(math.erf, 1, 1)({x}), dtype=float)"


_GELU_CDF = "0.5 * (1.0 + {erf})"  # Φ(x) = (1 + erf(x/√2)) / 2, 1/√2 = 0.7071067811865476
_GELU_DENSITY = "math.exp(-0.5 * {0} * {0}) * 0.3989422804014327"  # φ(x), 1/√(2π)


# ---- the table: one entry per op -------------------------------------------------------------

CODE: dict[str | type, Code] = {
    "add": Code("{0} + {1}", ("1.0", "1.0"), "{0} + {1}", ("1", "1")),
    "sub": Code("{0} - {1}", ("1.0", "-1.0"), "{0} − {1}", ("1", "−1")),
    "mul": Code("{0} * {1}", ("{1}", "{0}"), "{0}·{1}", ("{1}", "{0}")),
    "div": Code("{0} / {1}", ("1.0 / {1}", "-{out} / {1}"), "{0}/{1}", ("1/{1}", "−{out}/{1}")),
    "pow": Code(
        "math.pow({0}, {1})",
        (
            "(0.0 if {1} == 0 else {1} * math.pow({0}, {1} - 1.0))",
            "({out} * math.log({0}) if {0} > 0 else 0.0 if {0} == 0 else math.nan)",
        ),
        "{0}^{1}",
        ("{1}·{0}^({1} − 1)", "{out}·ln {0}"),
        numpy_value="{0} ** {1}",
        numpy_derivatives=(
            "np.where({1} == 0, 0.0, {1} * {0} ** ({1} - 1.0))",
            "np.where({0} > 0, {out} * np.log(np.where({0} > 0, {0}, 1.0)),"
            " np.where({0} == 0, 0.0, np.nan))",
        ),
    ),
    PowerOf: Code(
        _power,
        _power_derivative,
        _power_math,
        _power_math_derivative,
        numpy_value=_numpy_power,
        numpy_derivatives=_numpy_power_derivative,
    ),
    "neg": Code("-{0}", ("-1.0",), "−{0}", ("−1",)),
    "abs": Code(
        "abs({0})",
        ("(1.0 if {0} > 0 else -1.0 if {0} < 0 else 0.0)",),
        "|{0}|",
        ("sign {0}",),
        numpy_value="np.abs({0})",
        numpy_derivatives=("np.sign({0})",),
    ),
    "exp": Code("math.exp({0})", ("{out}",), "e^{0}", ("e^{0}",)),
    "log": Code("math.log({0})", ("1.0 / {0}",), "ln {0}", ("1/{0}",)),
    "sqrt": Code("math.sqrt({0})", ("0.5 / {out}",), "√{0}", ("1/(2√{0})",)),
    "tanh": Code("math.tanh({0})", ("1.0 - {out} * {out}",), "tanh {0}", ("1 − {out}²",)),
    "sigmoid": Code(
        SIGMOID,
        ("{out} * (1.0 - {out})",),
        "σ({0})",
        ("{out}(1 − {out})",),
        numpy_value=NUMPY_SIGMOID,
    ),
    "relu": Code(
        "(0.0 if {0} <= 0 else {0})",
        ("(1.0 if {0} > 0 else 0.0)",),
        "max(0, {0})",
        ("[{0} > 0]",),
        numpy_value="np.where({0} <= 0, 0.0, {0})",
        numpy_derivatives=("np.where({0} > 0, 1.0, 0.0)",),
    ),
    "sin": Code("math.sin({0})", ("math.cos({0})",), "sin {0}", ("cos {0}",)),
    "cos": Code("math.cos({0})", ("-math.sin({0})",), "cos {0}", ("−sin {0}",)),
    "sum": Code(_sum, _sum_derivative, _sum, lambda i, args, out, op: "1"),
    "dot": Code(_dot, _dot_derivative, _dot_math, _dot_derivative),
    "max": Code(
        _max,
        _max_derivative,
        _max_math,
        _max_math_derivative,
        numpy_value=_numpy_max,
        numpy_derivatives=_numpy_max_derivative,
    ),
    # activations beyond the lecture's (leaky_relu and elu carry their constant in the op)
    "erf": Code(
        "math.erf({0})",
        ("1.1283791670955126 * math.exp(-({0} * {0}))",),  # 2/√π e^(-x²)
        "erf {0}",
        ("(2/√π) e^(−{0}²)",),
        numpy_value=lambda args, op: _numpy_erf(args[0]),
    ),
    "softplus": Code(
        "max({0}, 0.0) + math.log1p(math.exp(-math.fabs({0})))",
        (SIGMOID,),
        "log(1 + e^{0})",
        ("σ({0})",),
        numpy_value="np.maximum({0}, 0.0) + np.log1p(np.exp(-np.fabs({0})))",
        numpy_derivatives=(NUMPY_SIGMOID,),
    ),
    "gelu": Code(
        "{0} * 0.5 * (1.0 + math.erf({0} * 0.7071067811865476))",
        (_GELU_CDF.format(erf="math.erf({0} * 0.7071067811865476)") + " + {0} * ("
         + _GELU_DENSITY + ")",),
        "{0}·Φ({0})",
        ("Φ({0}) + {0}·φ({0})",),
        numpy_value=lambda args, op: (
            f"{args[0]} * 0.5 * (1.0 + {_numpy_erf(f'{args[0]} * 0.7071067811865476')})"
        ),
        numpy_derivatives=lambda i, args, out, op: (
            _GELU_CDF.format(erf=_numpy_erf(f"{args[0]} * 0.7071067811865476"))
            + f" + {args[0]} * (" + _GELU_DENSITY.replace("math.", "np.").format(*args) + ")"
        ),
    ),
    "silu": Code(
        "{0} * " + SIGMOID,
        (SIGMOID + " * (1.0 + {0} * (1.0 - " + SIGMOID + "))",),
        "{0}·σ({0})",
        ("σ({0})(1 + {0}(1 − σ({0})))",),
        numpy_value="{0} * " + NUMPY_SIGMOID,
        numpy_derivatives=(NUMPY_SIGMOID + " * (1.0 + {0} * (1.0 - " + NUMPY_SIGMOID + "))",),
    ),
    "leaky_relu": Code(
        "({0} if {0} > 0 else {op.constant!r} * {0})",
        ("(1.0 if {0} > 0 else {op.constant!r})",),
        "leaky_relu {0}",
        ("[{0} > 0] + {op.constant:g}·[{0} ≤ 0]",),
        numpy_value="np.where({0} > 0, {0}, {op.constant!r} * {0})",
        numpy_derivatives=("np.where({0} > 0, 1.0, {op.constant!r})",),
    ),
    "elu": Code(
        "({0} if {0} > 0 else {op.constant!r} * math.expm1({0}))",
        ("(1.0 if {0} > 0 else {op.constant!r} * math.exp({0}))",),
        "elu {0}",
        ("[{0} > 0] + {op.constant:g}·e^{0}·[{0} ≤ 0]",),
        numpy_value="np.where({0} > 0, {0}, {op.constant!r} * np.expm1(np.minimum({0}, 0.0)))",
        numpy_derivatives=(
            "np.where({0} > 0, 1.0, {op.constant!r} * np.exp(np.minimum({0}, 0.0)))",
        ),
    ),
}


class UnsupportedOp(ValueError):
    """The graph holds an op that ``CODE`` has no entry for."""


def code_for(op: Any) -> Code:
    """The entry of ``CODE`` for an op: by its class (for parametrised ops), else its name."""
    entry = CODE.get(type(op)) or CODE.get(op.name)
    if entry is None:
        raise UnsupportedOp(
            f"compile: the op {op.name!r} ({op.symbol}) has no entry in "
            f"autograd.compiler.op_code.CODE, so it cannot be compiled"
        )
    return entry


def fill(template: Template, args: Sequence[str], out: str, op: Any) -> str:
    if isinstance(template, str):
        return template.format(*args, out=out, op=op)
    return template(args, op)


def fill_derivative(rules: Derivatives, i: int, args: Sequence[str], out: str, op: Any) -> str:
    if isinstance(rules, tuple):
        return rules[i].format(*args, out=out, op=op)
    return rules(i, args, out, op)


def numpy_template(template: str | Template) -> Template:
    return template.replace("math.", "np.") if isinstance(template, str) else template


def numpy_rules(rules: Derivatives) -> Derivatives:
    if isinstance(rules, tuple):
        return tuple(rule.replace("math.", "np.") for rule in rules)
    return rules
