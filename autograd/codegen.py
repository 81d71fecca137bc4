"""Code generation: a traced graph written out as one straight-line Python function.

The function computes the value node by node (the forward pass), then each node's gradient
∂f/∂node from the output back to the inputs (the backward pass), one line per node, in the
order backprop visits them. Each backward line sums, over the nodes that use this one, their
gradient times their local derivative (the chain rule), and says so in a comment.

What each op becomes is one entry of ``CODE``, keyed by the op's name (or, for an op with a
parameter such as ``x ** 2``, by its class): the value and the local derivatives as Python
expressions (the same formulas, in the same order, as the engine's rules, so the numbers
agree to the last bit), the same in math for the comments, and NumPy versions for the batched
path where the Python one does not work on arrays (an ``if``, say). A new op is one entry.
"""

from __future__ import annotations

import builtins
import keyword
import linecache
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .op import PowerOf
from .tracing import Trace
from .value import Value

# An expression template: ``"{0} * {1}"`` (inputs by position, ``{out}`` the node's own value),
# or a function of (the inputs' expressions, the op) for ops with any number of inputs.
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


def _number(x: float) -> str:
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
    return _number(n)


def _power(args: Sequence[str], op: Any) -> str:
    # x ** n on floats is C's pow, as math.pow; a fractional n uses math.pow so that a negative
    # x raises (as the engine does) instead of giving a complex number
    n = op.exponent
    if n.is_integer() and abs(n) < 2**53:
        return f"{args[0]} ** {_exponent(n)}"
    return f"math.pow({args[0]}, {_number(n)})"


def _power_derivative(i: int, args: Sequence[str], out: str, op: Any) -> str:
    # d(x^n)/dx = n x^(n-1), and 0 for n = 0
    n = op.exponent
    if n == 0:
        return "0.0"
    if n == 1:
        return "1.0"
    if n == 2:
        return f"2.0 * {args[0]}"
    return f"{_number(n)} * {_power([args[0]], PowerOf(n - 1.0))}"


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
    return f"{args[0]} ** {_number(op.exponent)}"


def _numpy_power_derivative(i: int, args: Sequence[str], out: str, op: Any) -> str:
    n = op.exponent
    if n in (0, 1, 2):
        return _power_derivative(i, args, out, op)
    return f"{_number(n)} * {args[0]} ** {_number(n - 1.0)}"


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
        "(1.0 / (1.0 + math.exp(-{0})) if {0} >= 0 else math.exp({0}) / (1.0 + math.exp({0})))",
        ("{out} * (1.0 - {out})",),
        "σ({0})",
        ("{out}(1 − {out})",),
        numpy_value=(
            "np.where({0} >= 0, 1.0 / (1.0 + np.exp(-{0})), np.exp({0}) / (1.0 + np.exp({0})))"
        ),
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
}


class UnsupportedOp(ValueError):
    """The graph holds an op that ``CODE`` has no entry for."""


def code_for(op: Any) -> Code:
    """The entry of ``CODE`` for an op: by its class (for parametrised ops), else its name."""
    entry = CODE.get(type(op)) or CODE.get(op.name)
    if entry is None:
        raise UnsupportedOp(
            f"compile: the op {op.name!r} ({op.symbol}) has no entry in autograd.codegen.CODE, "
            f"so it cannot be compiled"
        )
    return entry


def _fill(template: Template, args: Sequence[str], out: str, op: Any) -> str:
    if isinstance(template, str):
        return template.format(*args, out=out)
    return template(args, op)


def _fill_derivative(rules: Derivatives, i: int, args: Sequence[str], out: str, op: Any) -> str:
    if isinstance(rules, tuple):
        return rules[i].format(*args, out=out)
    return rules(i, args, out, op)


def _numpy(template: str | Template) -> Template:
    return template.replace("math.", "np.") if isinstance(template, str) else template


def _numpy_rules(rules: Derivatives) -> Derivatives:
    if isinstance(rules, tuple):
        return tuple(rule.replace("math.", "np.") for rule in rules)
    return rules


# ---- names ----------------------------------------------------------------------------------

RESERVED = frozenset({"math", "np", "abs", "value_and_grad"}) | frozenset(keyword.kwlist)


class _Names:
    """Python names for the nodes: labels where given (made valid), else v1, v2, ..."""

    def __init__(self) -> None:
        self.taken: set[str] = set(RESERVED)

    def free(self, name: str) -> bool:
        return name not in self.taken and f"g_{name}" not in self.taken

    def claim(self, wanted: str) -> str:
        base = re.sub(r"\W", "_", wanted.strip()) or "v"
        if base[0].isdigit():
            base = "_" + base
        name, suffix = base, 1
        while name in self.taken or f"g_{name}" in self.taken or not name.isidentifier():
            suffix += 1
            name = f"{base}_{suffix}"
        self.taken.update((name, f"g_{name}"))
        return name


def _align(lines: Sequence[tuple[str, str]], indent: str = "    ") -> list[str]:
    """Code lines with their comments lined up in one column (or one space after long code)."""
    width = min(44, max((len(code) for code, _ in lines), default=0))
    out = []
    for code, comment in lines:
        if comment:
            out.append(f"{indent}{code.ljust(width)}  # {comment}")
        else:
            out.append(f"{indent}{code}")
    return out


# ---- the generator ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Program:
    """Generated code: its import line, the function, the function's name and argument names."""

    imports: str
    body: str
    function: str
    input_names: tuple[str, ...]

    @property
    def source(self) -> str:
        """The whole module as a reader sees it: the import, then the function."""
        return f"{self.imports}\n\n\n{self.body}"


def generate(
    graph: Trace,
    input_names: Sequence[str],
    wrt: Sequence[int] | None = None,
    numpy: bool = False,
    function: str = "value_and_grad",
    title: str = "f",
) -> Program:
    """The source of ``function(*inputs) -> (f, (∂f/∂input for input in wrt), extras?)``.

    ``title`` (the traced function's name) opens the docstring; the output is named by
    its label, else ``f``. ``input_names`` are the wanted names of the inputs (made valid and
    unique); ``wrt`` are the positions of the inputs to differentiate with respect to (all of
    them by default). With
    ``numpy`` the code runs on NumPy arrays (one value per example) instead of floats. The
    extra outputs of the trace, if any, are returned third, as a tuple.
    """
    inputs = graph.inputs
    wrt = list(range(len(inputs))) if wrt is None else list(wrt)
    names = _Names()
    name_of: dict[int, str] = {}
    math_of: dict[int, str] = {}
    for node, wanted in zip(inputs, input_names, strict=True):
        name_of[id(node)] = math_of[id(node)] = names.claim(wanted)
    input_ids = {id(node) for node in inputs}
    root = graph.output

    # The forward lines; constants are written in place, unless they have a label.
    forward: list[tuple[str, str]] = []
    counter = 0
    for node in graph.order:
        key = id(node)
        if key in input_ids:
            continue
        if node._op is None:
            value = _number(node.data)
            if numpy:
                value = value.replace("math.", "np.")
            if node.label:
                name_of[key] = math_of[key] = names.claim(node.label)
                forward.append((f"{name_of[key]} = {value}", "a constant"))
            else:
                name_of[key] = value
                math_of[key] = f"{node.data:g}"
            continue
        if node is root and not node.label:
            name = names.claim("f")
        elif node.label:
            name = names.claim(node.label)
        else:
            counter += 1
            while not names.free(f"v{counter}"):  # an input may be called v1 already
                counter += 1
            name = names.claim(f"v{counter}")
        name_of[key] = math_of[key] = name
        code = code_for(node._op)
        args = [name_of[id(child)] for child in node.inputs]
        template = (code.numpy_value or _numpy(code.value)) if numpy else code.value
        expression = _fill(template, args, name, node._op)
        in_math = _fill(code.math, [math_of[id(child)] for child in node.inputs], name, node._op)
        forward.append((f"{name} = {expression}", f"{name} = {in_math}"))
    f = name_of[id(root)]

    # Which nodes need a gradient: those between the output and an input in ``wrt``.
    wanted_inputs = {id(inputs[i]) for i in wrt}
    depends: set[int] = set()
    for node in graph.order:
        if id(node) in wanted_inputs or any(id(child) in depends for child in node.inputs):
            depends.add(id(node))
    on_path: set[int] = set()
    ancestors = [root]
    while ancestors:
        node = ancestors.pop()
        if id(node) in on_path or id(node) not in depends:
            continue
        on_path.add(id(node))
        ancestors.extend(node.inputs)

    # For each node, the (consumer, position) pairs in the order backprop meets the consumers.
    users: dict[int, list[tuple[Value, int]]] = {}
    for node in reversed(graph.order):
        if id(node) not in on_path or node._op is None:
            continue
        for position, child in enumerate(node.inputs):
            if id(child) in on_path:
                users.setdefault(id(child), []).append((node, position))

    backward: list[tuple[str, str]] = []
    if id(root) in on_path:
        backward.append((f"g_{f} = 1.0", f"∂{f}/∂{f} = 1"))
    for node in reversed(graph.order):
        key = id(node)
        if key not in on_path or node is root:
            continue
        terms: list[str] = []
        shown: list[str] = []
        for user, position in users.get(key, []):
            code = code_for(user._op)
            args = [name_of[id(child)] for child in user.inputs]
            rules = (code.numpy_derivatives or _numpy_rules(code.derivatives)) if numpy else (
                code.derivatives
            )
            local = _fill_derivative(rules, position, args, name_of[id(user)], user._op)
            upstream = f"g_{name_of[id(user)]}"
            terms.append(_times(upstream, local))
            maths = [math_of[id(child)] for child in user.inputs]
            local_math = _fill_derivative(
                code.math_derivatives, position, maths, math_of[id(user)], user._op
            )
            shown.append(_times_math(f"∂{f}/∂{math_of[id(user)]}", local_math))
        name = name_of[key]
        backward.append(
            (f"g_{name} = {_joined(terms, '-')}", f"∂{f}/∂{name} = {_joined(shown, '−')}")
        )

    gradients = [f"g_{name_of[id(inputs[i])]}" if id(inputs[i]) in on_path else "0.0" for i in wrt]
    returned = f"{f}, ({', '.join(gradients)}{',' if len(gradients) == 1 else ''})"
    if graph.extras:
        extras = [name_of[id(node)] for node in graph.extras]
        returned += f", ({', '.join(extras)}{',' if len(extras) == 1 else ''})"

    arguments = [name_of[id(node)] for node in inputs]
    partials = [f"∂{f}/∂{name_of[id(inputs[i])]}" for i in wrt]
    wrt_names = ", ".join(partials)
    if len(wrt_names) > 40:
        wrt_names = f"{partials[0]}, ..., {partials[-1]}"
    kind = "NumPy arrays, one entry per example" if numpy else "floats"
    lines = [
        f"def {function}({', '.join(arguments)}):",
        f'    """{title}: {f} and its gradient ({wrt_names}), on {kind}."""',
    ]
    if forward:
        count = f"{len(forward)} line{'s' * (len(forward) != 1)}"
        lines.append(f"    # forward: the value of each node, inputs first ({count})")
        lines.extend(_align(forward))
    if backward:
        lines.append(f"    # backward: ∂{f}/∂node from {f} back to the inputs, one line per node;")
        rule = f"∂{f}/∂node = Σ over the nodes using it of ∂{f}/∂user·∂user/∂node"
        lines.append(f"    # the chain rule: {rule}")
        lines.extend(_align(backward))
    lines.append(f"    return {returned}")
    imports = "import numpy as np" if numpy else "import math"
    return Program(imports, "\n".join(lines) + "\n", function, tuple(arguments))


def _times(upstream: str, local: str) -> str:
    """``upstream * local``, without the factor where the local derivative is 1 or -1."""
    if local == "1.0":
        return upstream
    if local == "-1.0":
        return f"-{upstream}"
    if _is_atom(local):
        return f"{upstream} * {local}"
    return f"{upstream} * ({local})"


def _times_math(upstream: str, local: str) -> str:
    """``upstream·local``: the factor is always shown, 1 included, as the chain rule reads."""
    compound = any(sign in local for sign in (" + ", " − ", "/")) or local.startswith("−")
    return f"{upstream}·({local})" if compound else f"{upstream}·{local}"


def _joined(terms: Sequence[str], minus: str) -> str:
    """Terms added up, ``a + -b`` written ``a - b`` (the same number in floating point)."""
    text = terms[0]
    for term in terms[1:]:
        text += f" {minus} {term[1:]}" if term.startswith(minus) else f" + {term}"
    return text


_ATOM = re.compile(r"^(\w+|\(.*\)|[\w.]+\([^()]*\)|\d+\.?\d*(e-?\d+)?)$")


def _is_atom(expression: str) -> bool:
    """True for a name, a number, a call like ``math.cos(x)`` or something in parentheses."""
    if expression.startswith("(") and expression.endswith(")"):
        depth = 0
        for i, char in enumerate(expression):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and i < len(expression) - 1:
                return False
        return True
    return bool(_ATOM.match(expression))


_loaded = [0]


def load(program: Program, function: str, numpy: Any = None) -> Callable[..., Any]:
    """The generated function, with its source registered so tracebacks show its lines.

    The function runs with ``math`` in its namespace, and ``np`` (the ``numpy`` module the
    caller imported) for batched code: the code itself imports nothing.
    """
    _loaded[0] += 1
    filename = f"<autograd.compile {function} #{_loaded[0]}>"
    linecache.cache[filename] = (len(program.body), None, program.body.splitlines(True), filename)
    namespace: dict[str, Any] = {"math": math, "np": numpy}
    builtins.exec(builtins.compile(program.body, filename, "exec"), namespace)
    return namespace[program.function]
