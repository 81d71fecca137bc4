"""Code generation: a traced graph written out as one straight-line Python function.

The function computes the value node by node (the forward pass), then each node's gradient
∂f/∂node from the output back to the inputs (the backward pass), one line per node, in the
order backprop visits them. Each backward line sums, over the nodes that use this one, their
gradient times their local derivative (the chain rule), and says so in a comment.

What each op becomes is one entry of ``autograd.compiler.op_code.CODE``; this module knows no op.
"""

from __future__ import annotations

import builtins
import linecache
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..backprop import topological_order
from ..graph.identifiers import Names, comment, shortened
from ..graph.names import in_fraction, node_names
from ..value import Value
from .op_code import code_for, fill, fill_derivative, number, numpy_rules, numpy_template
from .tracing import Trace


def _align(lines: Sequence[tuple[str, str]], indent: str = "    ") -> list[str]:
    """Code lines with their comments lined up in one column (or one space after long code).

    A comment may hold any label, so it is escaped (``identifiers.comment``) to stay on its line.
    """
    width = min(44, max((len(code) for code, _ in lines), default=0))
    out = []
    for code, text in lines:
        if len(code.splitlines()) != 1:
            raise ValueError(f"compile: generated code must be one line, got {code!r}")
        if text:
            out.append(f"{indent}{code.ljust(width)}  # {comment(text)}")
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

    Every node is named as the pictures name it (``autograd.graph.names.node_names``): its
    variable is that name as a plain ASCII identifier (``w1*x`` is ``w1_x``, ``h1[0]`` is
    ``h1_0``, ``σ²`` is ``sigma_2``, see ``identifiers``), and the comment beside it shows the
    name itself. ``input_names`` are the wanted names of the inputs (made valid and unique);
    ``wrt`` are the positions of the inputs to differentiate with respect to (all of them by
    default). ``title`` (the traced function's name) opens the docstring. With ``numpy`` the
    code runs on NumPy arrays (one value per example) instead of floats. The extra outputs of
    the trace, if any, are returned third, as a tuple.
    """
    inputs = graph.inputs
    wrt = list(range(len(inputs))) if wrt is None else list(wrt)
    pictured = picture_names(graph, input_names)
    names = Names((function,))
    name_of: dict[int, str] = {}  # each node in the code: an identifier, or a number in place
    for node, wanted in zip(inputs, input_names, strict=True):
        name_of[id(node)] = names.claim(wanted)
    input_ids = {id(node) for node in inputs}
    root = graph.output

    shown_of = {id(node): shortened(name) for node, name in pictured.items()}
    operand_of: dict[int, str] = {}  # a name inside a formula of the comments, bracketed
    fraction_of: dict[int, str] = {}  # a name inside ∂top/∂bottom

    def shown(node: Value) -> str:
        return shown_of[id(node)]

    def operand(node: Value) -> str:
        found = operand_of.get(id(node))
        if found is None:
            found = operand_of[id(node)] = _bracketed(shown(node))
        return found

    def partial(top: Value, bottom: Value) -> str:  # ∂top/∂bottom in the picture's names
        for node in (top, bottom):
            if id(node) not in fraction_of:
                fraction_of[id(node)] = in_fraction(shown(node))
        return f"∂{fraction_of[id(top)]}/∂{fraction_of[id(bottom)]}"

    # The forward lines; constants are written in place, unless they have a label.
    forward: list[tuple[str, str]] = []
    for node in graph.order:
        key = id(node)
        if key in input_ids:
            continue
        if node._op is None:
            value = number(graph.constants.get(key, node.data))
            if numpy:
                value = value.replace("math.", "np.")
            if node.label:
                name_of[key] = names.claim(pictured[node])
                forward.append((f"{name_of[key]} = {value}", f"{shown(node)}: a constant"))
            else:
                name_of[key] = value
            continue
        name = name_of[key] = names.claim(pictured[node])
        code = code_for(node._op)
        args = [name_of[id(child)] for child in node.inputs]
        template = (code.numpy_value or numpy_template(code.value)) if numpy else code.value
        expression = fill(template, args, name, node._op)
        in_math = fill(code.math, [operand(child) for child in node.inputs], shown(node), node._op)
        forward.append((f"{name} = {expression}", f"{shown(node)} = {in_math}"))
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
        backward.append((f"g_{f} = 1.0", f"{partial(root, root)} = 1"))
    for node in reversed(graph.order):
        key = id(node)
        if key not in on_path or node is root:
            continue
        terms: list[str] = []
        said: list[str] = []
        for user, position in users.get(key, []):
            code = code_for(user._op)
            args = [name_of[id(child)] for child in user.inputs]
            rules = (code.numpy_derivatives or numpy_rules(code.derivatives)) if numpy else (
                code.derivatives
            )
            local = fill_derivative(rules, position, args, name_of[id(user)], user._op)
            upstream = f"g_{name_of[id(user)]}"
            terms.append(_times(upstream, local))
            maths = [operand(child) for child in user.inputs]
            local_math = fill_derivative(
                code.math_derivatives, position, maths, shown(user), user._op
            )
            said.append(_times_math(partial(root, user), local_math))
        name = name_of[key]
        backward.append(
            (f"g_{name} = {_joined(terms, '-')}", f"{partial(root, node)} = {_joined(said, '−')}")
        )

    gradients = [f"g_{name_of[id(inputs[i])]}" if id(inputs[i]) in on_path else "0.0" for i in wrt]
    returned = f"{f}, ({', '.join(gradients)}{',' if len(gradients) == 1 else ''})"
    if graph.extras:
        extras = [name_of[id(node)] for node in graph.extras]
        returned += f", ({', '.join(extras)}{',' if len(extras) == 1 else ''})"

    arguments = [name_of[id(node)] for node in inputs]
    respect = [name_of[id(inputs[i])] for i in wrt]
    wrt_names = ", ".join(respect)
    if len(wrt_names) > 40:
        wrt_names = f"{respect[0]}, ..., {respect[-1]}"
    kind = "NumPy arrays, one entry per example" if numpy else "floats"
    opening = f"{title}: " if title and title != f else ""
    about = f"gradient with respect to {wrt_names}" if respect else "no gradient"
    lines = [
        f"def {function}({', '.join(arguments)}):",
        f'    """{opening}{f} and its {about}, on {kind}."""',
    ]
    top = in_fraction(shown(root))
    if forward:
        count = f"{len(forward)} line{'s' * (len(forward) != 1)}"
        lines.append(f"    # forward: the value of each node, inputs first ({count})")
        lines.extend(_align(forward))
    if backward:
        lines.append(f"    # backward: ∂{comment(top)}/∂node from the output back to the inputs,"
                     f" one line per node;")
        rule = "∂f/∂node = Σ over the nodes using it of ∂f/∂user·∂user/∂node"
        lines.append(f"    # the chain rule: {rule}")
        lines.extend(_align(backward))
    lines.append(f"    return {returned}")
    imports = "import numpy as np" if numpy else "import math"
    return Program(imports, "\n".join(lines) + "\n", function, tuple(arguments))


def picture_names(graph: Trace, input_names: Sequence[str]) -> dict[Value, str]:
    """Each node's name as the pictures write it (``node_names``); an unlabelled input is
    called by its wanted name."""
    own = topological_order(graph.output)
    pictured = node_names(own)
    if len(own) != len(graph.order):  # extra outputs beyond the output's graph
        pictured = {**node_names(list(graph.order)), **pictured}
    for node, wanted in zip(graph.inputs, input_names, strict=True):
        if not node.label:
            pictured[node] = wanted
    return pictured


_CALL_OR_NUMBER = re.compile(r"[\w.]+\([^()]*\)|\d[\d,]*(?:\.\d+)?(?:e[+-]\d+)?")


def _bracketed(name: str) -> str:
    """``name`` as an operand in a formula: bracketed unless one word, a call or a number."""
    if _CALL_OR_NUMBER.fullmatch(name):
        return name
    return in_fraction(name)


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
