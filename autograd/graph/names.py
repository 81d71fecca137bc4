"""Names for the nodes of a graph, shared by the pictures, the chain-rule text and the pages.

``node_names`` is the one name a reader sees, in the pictures, the chain-rule text, the stepping
page and the widget alike: a node's label; for the parts of a neuron the lecture's names
(``h1[0]`` for its output, ``z1[0]`` for w · x + b, ``W1[0]·x`` for the weighted sum); else
the formula that made it (``w1*x1``), or ``stable_names``' short name (``mul3``) when the
formula is too long. ``stable_names`` depends only on the graph's order and is used as an id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..value import Value
from .numbers_format import format_number
from .views import Neuron, find_neurons

_LONGEST_NAME = 32  # characters of a formula used as a node's name

def stable_names(order: list[Value]) -> dict[Value, str]:
    """A name for each node of ``order``: its label, else ``{op name}{index}`` or ``v{index}``."""
    names = {}
    for i, node in enumerate(order):
        if node.label:
            names[node] = node.label
        elif node._op is not None:
            names[node] = f"{node._op.name}{i}"
        else:
            names[node] = f"v{i}"
    return names


# ---- writing a graph back as formulas -----------------------------------------------------

# How tightly each operator binds, to put brackets only where a formula needs them.
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}
_ATOM = 5


def in_fraction(name: str) -> str:
    """``name`` as it goes into ∂top/∂bottom: bracketed unless it is one word (``h1[0]``)."""
    return name if _ONE_WORD.fullmatch(name) else f"({name})"


_ONE_WORD = re.compile(r"[\w.]+(?:\[[\d,]+\])?")


def node_names(order: list[Value]) -> dict[Value, str]:
    """The name every picture and text gives each node of ``order`` (a topological order).

    In order of preference: the node's label; for a neuron found in the graph (see
    ``autograd.viz.views``) whose bias is labelled ``b{l}[j]`` (as ``nn.MLP`` labels it), its
    output ``h{l}[j]``, its pre-activation ``z{l}[j]`` and its weighted sum ``W{l}[j]·x``
    (``·h{l-1}`` past the first layer); else ``formula_names``. Every interior node's name is
    unique, so a name in the text finds one node in the picture.
    """
    if not order:
        return {}
    roles = _neuron_names(find_neurons(order, order[-1]), order)
    return formula_names(order, roles)


_BIAS_LABEL = re.compile(r"b(\d*)(?:\[(\d+)\])?")


def _neuron_names(neurons: Mapping[Value, Neuron], order: list[Value]) -> dict[Value, str]:
    """``h1[0]``, ``z1[0]`` and ``W1[0]·x`` for the neurons whose bias label says where they are."""
    taken = {node.label for node in order if node.label}
    names: dict[Value, str] = {}
    for neuron in neurons.values():
        found = _BIAS_LABEL.fullmatch(neuron.bias.label)
        if found is None:
            continue
        layer, unit = found.group(1), found.group(2)
        where = f"{layer}[{unit}]" if unit is not None else layer
        below = f"h{int(layer) - 1}" if layer and int(layer) > 1 else "x"
        roles = {neuron.output: f"h{where}", neuron.weighted_sum: f"W{where}·{below}"}
        if neuron.pre_activation is not neuron.output:
            roles[neuron.pre_activation] = f"z{where}"
        for node, name in roles.items():
            if not node.label and name not in taken:
                names[node] = name
                taken.add(name)
    return names


# Stands for a formula too long to be a name; so are the formulas that use it. Keeping it short
# keeps naming linear: a formula written out in full can double in length at every level.
_TOO_LONG = ("…" * (_LONGEST_NAME + 1), _ATOM)


def formula_names(
    order: list[Value], known: Mapping[Value, str] | None = None
) -> dict[Value, str]:
    """Each node's name for a reader: its label, else the formula that made it (``w1*x1``).

    A constant is its number. A formula longer than a line, or one that would repeat a name
    already taken, falls back to ``chain_rule``'s name for the node (``mul3``). Nodes in
    ``known`` keep the name given there and appear by it in the formulas that use them.
    """
    known = known or {}
    fallback = stable_names(order)
    formulas: dict[Value, tuple[str, int]] = {}
    names: dict[Value, str] = {}
    taken = {node.label for node in order if node.label} | set(known.values())
    for node in order:
        if node in known:
            formulas[node] = (known[node], _ATOM)
            names[node] = known[node]
            continue
        formula = _formula(node, formulas)
        formulas[node] = formula if len(formula[0]) <= _LONGEST_NAME else _TOO_LONG
        if node.label:
            names[node] = node.label
        elif node.is_leaf or (len(formula[0]) <= _LONGEST_NAME and formula[0] not in taken):
            names[node] = formula[0]
        else:
            names[node] = fallback[node]
        if not node.is_leaf:
            taken.add(names[node])
    return names


def formula_of(node: Value, names: Mapping[Value, str]) -> str:
    """What ``node`` computes, one level deep, in its inputs' names: ``c2**2``, ``h1[0] - 1``."""
    formulas = {
        child: (names[child], _ATOM if _ONE_WORD.fullmatch(names[child]) else 0)
        for child in node.inputs
    }
    return _formula(node, formulas, labelled=False)[0]


def _formula(
    node: Value, formulas: Mapping[Value, tuple[str, int]], labelled: bool = True
) -> tuple[str, int]:
    """``node`` written as a formula of its inputs' names (its label if ``labelled``)."""
    if node.label and labelled:
        return node.label, _ATOM
    if node.is_leaf:
        return format_number(node.data), _ATOM if node.data >= 0 else _PRECEDENCE["neg"]
    symbol = node.op
    parts = [formulas[child] for child in node.inputs]

    def operand(part: tuple[str, int], binds: int) -> str:
        return part[0] if part[1] >= binds else f"({part[0]})"

    if symbol in ("+", "*"):
        binds = _PRECEDENCE[symbol]
        left, right = operand(parts[0], binds), operand(parts[1], binds)
    elif symbol in ("-", "/"):  # a - (b - c): the right side needs brackets at equal precedence
        binds = _PRECEDENCE[symbol]
        left, right = operand(parts[0], binds), operand(parts[1], binds + 1)
    elif symbol == "**":  # right-associative: (a ** b) ** c needs brackets, a ** b ** c not
        binds = _PRECEDENCE[symbol]
        left, right = operand(parts[0], binds + 1), operand(parts[1], binds)
    else:
        binds = 0
    if binds:
        joiner = f" {symbol} " if binds == 1 else symbol
        return left + joiner + right, binds
    if symbol.startswith("**"):
        return operand(parts[0], _ATOM) + symbol, _PRECEDENCE["**"]
    if symbol == "neg":
        return "-" + operand(parts[0], _PRECEDENCE["neg"]), _PRECEDENCE["neg"]
    return f"{symbol}({', '.join(part[0] for part in parts)})", _ATOM
