"""``chain_rule``: a gradient written out as the lecture does, as products of local derivatives."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias, overload

from ..backprop import topological_order
from ..graph.names import formula_of, in_fraction, node_names
from ..graph.numbers_format import check_precision, format_number
from ..graph.views import GROUPS, View, check_group, graph_view
from ..value import Value
from .escaping import latex_text
from .layer_chain_rule import LayerChainRule, layer_chain_rule
from .local_derivative import as_factor, as_term, local_derivative_text, used_more_than_once
from .network import neuron_formula
from .steps import BackpropStep

PARTIAL = "∂"
TIMES = " · "


@dataclass(frozen=True)
class Factor:
    """One factor of a chain-rule product: d(node)/d(input), the local derivative on one edge."""

    node: Value
    input: Value
    local_derivative: float
    position: int = 0  # which input of node: x*x has two edges to x, at 0 and 1


@dataclass(frozen=True, eq=False)
class ChainRule:
    """d root/d wrt as a sum over paths of products of local derivatives.

    ``paths`` holds one tuple of ``Factor`` per path from ``root`` down to ``wrt`` (root's
    factor first); ``total`` is the sum over paths of each path's product, which is the
    gradient ``backward()`` computes up to rounding: backward adds the same terms grouped node
    by node, in another order, so the last digit can differ. ``str()`` gives the lecture's
    line; in Jupyter the object shows as LaTeX.
    """

    root: Value
    wrt: Value
    paths: tuple[tuple[Factor, ...], ...]
    total: float
    precision: int = 4
    names: Mapping[Value, str] = field(default_factory=dict, repr=False)
    # root's edges straight to wrt, by position: their local derivative as a formula (``2·c2``)
    direct: Mapping[int, str] = field(default_factory=dict, repr=False)

    def _name(self, node: Value) -> str:
        return self.names.get(node) or node.label or "?"

    def _fraction(self, top: Value, bottom: Value) -> str:
        return (f"{PARTIAL}{in_fraction(self._name(top))}/"
                f"{PARTIAL}{in_fraction(self._name(bottom))}")

    def _direct(self, factor: Factor) -> str:
        """An edge from root straight to wrt: its formula, never ∂root/∂wrt (the total)."""
        return self.direct.get(factor.position) or self._number(factor.local_derivative)

    def _number(self, x: float) -> str:
        return format_number(x, self.precision)

    def _edge(self, factor: Factor) -> str:
        """One factor: ∂node/∂input, or the edge's formula when node uses input twice."""
        if used_more_than_once(factor.node, factor.position, factor.input):
            names = {n: self._name(n) for n in (factor.node, *factor.node.inputs)}
            return as_factor(
                local_derivative_text(factor.node, factor.position, factor.input, names)
            )
        return self._fraction(factor.node, factor.input)

    def _symbols(self, path: tuple[Factor, ...]) -> str:
        if len(path) == 1 and path[0].node is self.root and path[0].input is self.wrt:
            return as_term(self._direct(path[0]))
        return TIMES.join(self._edge(f) for f in path)

    def _numbers(self, path: tuple[Factor, ...]) -> str:
        return TIMES.join(self._number(f.local_derivative) for f in path)

    def lines(self) -> list[str]:
        """The chain rule, one line for a single path, else one line per stage of the sum.

        One path:      ``∂l/∂a = ∂l/∂b · ∂b/∂a = 2 · 3 = 6``
        Several paths: ``∂l/∂a = ∂l/∂b · ∂b/∂a + b``, then ``= 2 · 3 + 1`` and ``= 7`` on
        the lines below.

        Factors follow the lecture's order, from the output down to ``wrt``. A path that is
        one edge from ``root`` straight to ``wrt`` is a local derivative, written as its
        formula in the names of the inputs (``b`` for the edge of ``l = a*b`` to ``a``, ``x + x``
        for ``x*x``, ``∂loss/∂c2 = 2·c2``), so that the total never appears as one of its own
        terms; a stage that would only repeat the one before is left out.
        """
        lhs = f"{PARTIAL}{in_fraction(self._name(self.root))}/{PARTIAL}" \
              f"{in_fraction(self._name(self.wrt))}"
        total = self._number(self.total)
        if not self.paths:
            return [f"{lhs} = 0 (no path leads from {self._name(self.root)} "
                    f"to {self._name(self.wrt)})"]
        if self.paths == ((),):  # wrt is root itself
            return [f"{lhs} = 1"]
        symbols = " + ".join(self._symbols(path) for path in self.paths)
        numbers = " + ".join(self._numbers(path) for path in self.paths)
        stages = [symbols]
        for stage in (numbers, total):
            if stage not in stages:
                stages.append(stage)
        if len(self.paths) == 1:
            return [f"{lhs} = " + " = ".join(stages)]
        indent = " " * len(lhs)
        return [f"{lhs} = {stages[0]}", *(f"{indent} = {stage}" for stage in stages[1:])]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_latex_(self) -> str:
        """The same lines in LaTeX, for Jupyter: ∂ as fractions, numbers as ``a × 10^b``."""

        def fraction(top: Value, bottom: Value) -> str:
            return (rf"\frac{{\partial {_latex_name(self._name(top))}}}"
                    rf"{{\partial {_latex_name(self._name(bottom))}}}")

        def edge(factor: Factor) -> str:
            if used_more_than_once(factor.node, factor.position, factor.input):
                return _latex_name(self._edge(factor))
            return fraction(factor.node, factor.input)

        def product(path: tuple[Factor, ...]) -> str:
            if len(path) == 1 and path[0].node is self.root and path[0].input is self.wrt:
                return _latex_name(as_term(self._direct(path[0])))
            return r" \cdot ".join(edge(f) for f in path)

        def numbers(path: tuple[Factor, ...]) -> str:
            return r" \cdot ".join(_latex_number(self._number(f.local_derivative)) for f in path)

        lhs = (rf"\frac{{\partial {_latex_name(self._name(self.root))}}}"
               rf"{{\partial {_latex_name(self._name(self.wrt))}}}")
        total = _latex_number(self._number(self.total))
        if not self.paths:
            rows = [f"{lhs} &= 0"]
        elif self.paths == ((),):
            rows = [f"{lhs} &= 1"]
        else:
            stages = [" + ".join(product(path) for path in self.paths)]
            for stage in (" + ".join(numbers(path) for path in self.paths), total):
                if stage not in stages:
                    stages.append(stage)
            rows = [f"{lhs} &= {stages[0]}", *(f"&= {stage}" for stage in stages[1:])]
        return r"$$\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}$$"


@overload
def chain_rule(  # type: ignore[overload-overlap]  # "layer" is a str, with another result
    root: Value,
    wrt: Value | str | Sequence[Value],
    *,
    max_paths: int = ...,
    precision: int = ...,
    names: Mapping[Value, str] | None = ...,
    group: Literal["layer"],
) -> LayerChainRule: ...
@overload
def chain_rule(
    root: Value,
    wrt: Value,
    *,
    max_paths: int = ...,
    precision: int = ...,
    names: Mapping[Value, str] | None = ...,
    group: str | None = ...,
) -> ChainRule: ...
def chain_rule(
    root: Value,
    wrt: Value | str | Sequence[Value],
    *,
    max_paths: int = 1000,
    precision: int = 4,
    names: Mapping[Value, str] | None = None,
    group: str | None = None,
) -> ChainRule | LayerChainRule:
    """d root/d wrt written out: for each path from ``root`` to ``wrt``, the product of the
    local derivatives along it; the gradient is the sum over paths (the multivariate chain
    rule). An input used twice (``a * a``) gives two paths.

    >>> from autograd.examples import house_price
    >>> house = house_price()
    >>> print(chain_rule(house.loss, house.theta1))
    ∂loss/∂theta1 = ∂loss/∂c2 · ∂c2/∂y_pred · ∂y_pred/∂theta1 = -85,000 · 1 · 1 = -85,000

    Nodes are named by ``autograd.viz.names.node_names``, the names ``draw_graph`` writes on
    them: the label; a neuron's ``h1[0]``, ``z1[0]``, ``W1[0]·x``; else the formula that made
    the node (``w1*x1``), or a short name counted from 1 (``mul1``) for a long one. ``names``
    overrides them. With ``group="neuron"`` each neuron is one factor, as ``draw_graph(root,
    group="neuron")`` draws it: ``∂h2[0]/∂h1[0]`` is σ'(z2[0]) · W2[0,0]. With
    ``group="layer"``, ``wrt`` may be a layer (its name, or its Values) and the result is a
    ``LayerChainRule`` in the lecture's matrix form, ``∂loss/∂W2 = ∂loss/∂z2 · h1ᵀ``.

    The number of paths can grow exponentially with depth, so they are counted first (by
    dynamic programming, in linear time) and more than ``max_paths`` raises ValueError at
    once; ``autograd.gradients`` gives the same total without listing the paths.
    """
    _check_value(root, "chain_rule", "root")
    check_group(group, "chain_rule", (*GROUPS, "layer"))
    if group == "layer":  # ∂loss/∂W2 = ∂loss/∂z2 · h1ᵀ: autograd.viz.layer_chain_rule
        return layer_chain_rule(root, wrt, precision=precision)
    if not isinstance(wrt, Value):
        raise TypeError(f"chain_rule: wrt must be a Value, got {type(wrt).__name__} {wrt!r}")
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        raise ValueError(f"chain_rule: max_paths must be a positive int, got {max_paths!r}")
    check_precision(precision, "chain_rule")
    view = graph_view(root, group, "chain_rule")
    names = {**node_names(topological_order(root)), **(names or {})}
    if wrt in view.hidden:
        raise ValueError(
            f"chain_rule: {names.get(wrt, '?')} is inside neuron "
            f"{names.get(view.hidden[wrt].output, '?')}, which the neuron view draws as one "
            f"node; ask for group=None to see it"
        )
    count = _count_paths(view, wrt, limit=max_paths + 1)
    if count[root] > max_paths:
        how_many = _describe_count(_paths_roughly(view, wrt)[root])
        raise ValueError(
            f"chain_rule: {how_many} paths lead from {names[root]} to "
            f"{names.get(wrt, wrt.label or 'wrt')}, more than max_paths={max_paths:,}; raise "
            f"max_paths, or use autograd.gradients(root, (wrt,)), which sums them without "
            f"listing them"
        )
    paths = _paths(view, wrt, count)
    total = sum(math.prod(f.local_derivative for f in path) for path in paths)
    neuron = view.neurons.get(root)
    formula = neuron_formula(neuron, names) if neuron is not None else None
    direct = {
        path[0].position: local_derivative_text(root, path[0].position, wrt, names, formula)
        for path in paths
        if len(path) == 1
    }
    return ChainRule(root, wrt, paths, float(total), precision, names, direct)




def explain_step(
    step: BackpropStep, root: Value, *, precision: int = 4, names: Mapping[Value, str] | None = None
) -> list[str]:
    """One backprop step as chain-rule arithmetic, one line per input it sends gradient to.

    The first line is the step's complete gradient, then for each input, in the lecture's
    order (gradient from the output first, then the local derivative)::

        ∂loss/∂y_pred = -85,000
        ∂loss/∂c1 += ∂loss/∂y_pred · ∂y_pred/∂c1 = -85,000 · 1 = -85,000

    At the output's own step the gradient is ∂loss/∂loss = 1, and the local derivative is
    written as its formula, so no total appears as its own term:
    ``∂loss/∂c2 += 1 · (2·c2) = 1 · -85,000 = -85,000``.
    ``step`` must come from ``backprop_steps(root)`` (either view); ``names`` (default:
    ``node_names``, the names the pictures show) must name every node of root's graph.
    """
    if not isinstance(step, BackpropStep):
        raise TypeError(
            f"explain_step: step must be a BackpropStep, got {type(step).__name__} {step!r}"
        )
    _check_value(root, "explain_step", "root")
    check_precision(precision, "explain_step")
    if names is None:
        names = node_names(topological_order(root))
    if step.node not in names:  # names cover root's graph, which holds every node's inputs
        raise ValueError(
            f"explain_step: step {step.index} is not a step of this root: root does not depend "
            f"on its node {step.node!r}"
        )

    def d(top: Value, bottom: Value) -> str:
        return f"{PARTIAL}{in_fraction(names[top])}/{PARTIAL}{in_fraction(names[bottom])}"

    grad = format_number(step.grad, precision)
    lines = [f"{d(root, step.node)} = {grad}"]  # at the output's step: ∂loss/∂loss = 1
    formula = output_formula(step, root, names)
    for position, part in enumerate(step.contributions):
        local = format_number(part.local_derivative, precision)
        contribution = format_number(part.contribution, precision)
        if step.node is root:  # ∂root/∂root = 1: the local derivative is the edge's formula
            edge = local_derivative_text(root, position, part.input, names, formula)
            product = f"1{TIMES}{as_factor(edge)}"
            numbers = f"{grad}{TIMES}{local}"
            stage = "" if numbers == product else f" = {numbers}"  # 1 · 1 written once
            lines.append(f"{d(root, part.input)} += {product}{stage} = {contribution}")
        else:
            edge = d(step.node, part.input)
            if used_more_than_once(step.node, position, part.input):  # x*x: two edges to x
                edge = as_factor(local_derivative_text(step.node, position, part.input, names))
            lines.append(
                f"{d(root, part.input)} += {d(root, step.node)}{TIMES}{edge}"
                f" = {grad}{TIMES}{local} = {contribution}"
            )
    return lines


def output_formula(step: BackpropStep, root: Value, names: Mapping[Value, str]) -> str | None:
    """What the step's node computes when a view draws it as one neuron, else None."""
    inputs = tuple(part.input for part in step.contributions)
    if step.node is not root or inputs == step.node.inputs:
        return None
    neuron = graph_view(root, "neuron").neurons.get(step.node)
    return neuron_formula(neuron, names) if neuron is not None else formula_of(step.node, names)


# ---- helpers ---------------------------------------------------------------------------------

def _check_value(argument: object, where: str, name: str) -> None:
    if not isinstance(argument, Value):
        raise TypeError(
            f"{where}: {name} must be a Value, got {type(argument).__name__} {argument!r}"
        )


def _count_paths(view: View, wrt: Value, limit: int) -> dict[Value, int]:
    """For each node, how many paths lead from it down to ``wrt`` (inputs counted per edge),
    or ``limit`` if there are at least that many.

    Stopping at ``limit`` keeps every count a small int, so counting stays linear in the size
    of the graph (exact counts double with each ``v = v * v`` and grow thousands of digits).
    """
    count: dict[Value, int] = {}
    for node in view.order:  # inputs come before the nodes that use them
        if node is wrt:
            count[node] = 1
        else:
            count[node] = min(sum(count.get(child, 0) for child in view.inputs(node)), limit)
    return count


def _paths_roughly(view: View, wrt: Value) -> dict[Value, float]:
    """As ``_count_paths`` without a limit, in floats: exact up to 2^53, then about right, and
    inf past about 1.8e308 (for the message saying how many there are)."""
    count: dict[Value, float] = {}
    for node in view.order:
        count[node] = 1.0 if node is wrt else sum(
            (count.get(c, 0.0) for c in view.inputs(node)), 0.0
        )
    return count


# A partial path: its last factor and the rest of it, back to root (None: nothing yet).
_Trail: TypeAlias = "tuple[Factor, _Trail] | None"


def _paths(view: View, wrt: Value, count: Mapping[Value, int]) -> tuple[tuple[Factor, ...], ...]:
    """Every path from ``root`` to ``wrt``, inputs explored left to right (iteratively).

    A partial path is a linked list ``(factor, rest)`` ending at root, so extending it costs
    the same however long it is; a path is written out once, when it reaches ``wrt``. The
    work is linear in the total length of the paths (copying each partial path as a tuple
    would make a chain of n nodes cost n^2).
    """
    found: list[tuple[Factor, ...]] = []
    pending: list[tuple[Value, _Trail]] = [(view.root, None)]
    while pending:
        node, trail = pending.pop()
        if node is wrt:
            factors = []
            while trail is not None:
                factor, trail = trail
                factors.append(factor)
            found.append(tuple(reversed(factors)))
            continue
        derivatives = view.local_derivatives(node)
        branches = [
            (child, (Factor(node, child, float(derivatives[position]), position), trail))
            for position, child in enumerate(view.inputs(node))
            if count.get(child, 0) > 0
        ]
        pending.extend(reversed(branches))  # so the leftmost input is explored first
    return tuple(found)


def _describe_count(count: float) -> str:
    """``1,024``, ``about 10^60``, or ``more than 10^308`` paths."""
    if count <= 2**53:  # a float holds every integer up to here exactly
        return f"{int(count):,}"
    if math.isinf(count):
        return "more than 10^308"
    return f"about 10^{math.floor(math.log10(count))}"


def _latex_name(name: str) -> str:
    return rf"\mathrm{{{latex_text(name)}}}"


def _latex_number(text: str) -> str:
    """``format_number`` text in LaTeX: ``-85{,}000``, ``-2.125 \\times 10^{8}``."""
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    if text in ("inf", "-inf", "nan"):
        return {"inf": r"\infty", "-inf": r"-\infty", "nan": r"\mathrm{nan}"}[text]
    return text.replace(",", "{,}")
