"""Names for the nodes of a graph, shared by the pictures, the chain-rule text and the pages.

``node_names`` is the one name a reader sees, in the pictures, the chain-rule text, the stepping
page and the widget alike: a node's label; for the parts of a neuron the lecture's names
(``h1[0]`` for its output, ``z1[0]`` for w · x + b, ``W1[0]·x`` for the weighted sum, ``ŷ``
for the output of a network's linear last layer; ``W·x[0,1,2]`` for the window of the output
labelled ``y[0,1,2]``, as a convolution labels them); else the formula that made it
(``w1*x1``, with ``π`` for the constant pi), or a short name counted from 1 in each graph
(``mul1``, ``add2``) when the formula is too long. ``stable_names`` depends only on the graph's
order and is used as an id.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from ..value import Value
from .numbers_format import format_number
from .views import Neuron, find_neurons

_LONGEST_NAME = 32  # characters of a formula used as a node's name
_NAMED_CONSTANTS = {math.pi: "π", math.e: "e"}  # constants written by name, not as 3.142

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


_ONE_WORD = re.compile(r"[\w.\u0300-\u036f]+(?:\[[\d,]+\])?")  # x̂: a combining mark


def node_names(order: list[Value]) -> dict[Value, str]:
    """The name every picture and text gives each node of ``order`` (a topological order).

    In order of preference: the node's label; for a neuron found in the graph (see
    ``autograd.graph.views``) whose bias is labelled ``b{l}[j]`` (as ``nn.MLP`` labels it), its
    output ``h{l}[j]``, its pre-activation ``z{l}[j]`` and its weighted sum ``W{l}[j]·x``
    (``·h{l-1}`` past the first layer); a linear neuron's output is its ``z{l}[j]``, or ``ŷ``
    (``ŷ[j]`` for several) when no neuron reads it: the network's output. For another neuron
    whose output is labelled with an index (``y[0,1,2]``, ``y01``), as a convolution's windows
    (which share one bias) are, its weighted sum is ``W·x`` with that index (``W·x[0,1,2]``).
    Else ``formula_names``. Every interior node's name is unique, so a name in the text finds
    one node in the picture.
    """
    if not order:
        return {}
    roles = _neuron_names(find_neurons(order, order[-1]), order)
    return formula_names(order, roles)


_BIAS_LABEL = re.compile(r"b(\d*)(?:\[(\d+)\])?")


def _neuron_names(neurons: Mapping[Value, Neuron], order: list[Value]) -> dict[Value, str]:
    """``h1[0]``, ``z1[0]``, ``W1[0]·x`` and ``ŷ`` for the neurons whose bias label says where
    they are; ``W·x[0,1,2]`` for the weighted sum of an output labelled ``y[0,1,2]``."""
    taken = {node.label for node in order if node.label}
    read = {x for neuron in neurons.values() for x in neuron.inputs}  # outputs a neuron reads
    sharing: dict[Value, int] = {}  # neurons per bias: a convolution's windows share theirs,
    # as do the neurons of one layer on several examples
    for neuron in neurons.values():
        sharing[neuron.bias] = sharing.get(neuron.bias, 0) + 1
    placed = [  # a window of a convolution (shared bias, output labelled y[o,r,c]): by position
        (neuron, None if sharing[neuron.bias] > 1 and _INDEX.fullmatch(neuron.output.label)
         else _BIAS_LABEL.fullmatch(neuron.bias.label))
        for neuron in neurons.values()
    ]
    units: dict[str, set[str | None]] = {}
    for _, found in placed:
        if found is not None:
            units.setdefault(found.group(1), set()).add(found.group(2))
    names: dict[Value, str] = {}

    def give(node: Value, name: str) -> None:
        if not node.label and name not in taken:
            names[node] = name
            taken.add(name)

    for neuron, found in placed:
        if found is None:
            index = _INDEX.fullmatch(neuron.output.label)
            if index is not None and index.group(1):
                give(neuron.weighted_sum, f"W·x{index.group(1)}")
            continue
        layer, unit = found.group(1), found.group(2)
        where = f"{layer}[{unit}]" if unit is not None else layer
        below = f"h{int(layer) - 1}" if layer and int(layer) > 1 else "x"
        give(neuron.weighted_sum, f"W{where}·{below}")
        if neuron.pre_activation is not neuron.output:
            give(neuron.output, f"h{where}")
            give(neuron.pre_activation, f"z{where}")
        elif neuron.output not in read:  # a linear last layer: the network's output ŷ
            several = units[layer] != {None} and units[layer] != {"0"}
            give(neuron.output, f"ŷ[{unit}]" if several else "ŷ")
        else:
            give(neuron.output, f"z{where}")
    return names


# A label that ends in an index: ``y[0,1,2]``, ``y2[0,1,2]``, ``y01``, ``h_3`` (group 1).
_INDEX = re.compile(r"[^\W\d_]+_?(\d*\[[\d,]+\]|\d+)")


# Stands for a formula too long to be a name; so are the formulas that use it. Keeping it short
# keeps naming linear: a formula written out in full can double in length at every level.
_TOO_LONG = ("…" * (_LONGEST_NAME + 1), _ATOM)


def formula_names(
    order: list[Value], known: Mapping[Value, str] | None = None
) -> dict[Value, str]:
    """Each node's name for a reader: its label, else the formula that made it (``w1*x1``).

    A constant is its number (``π`` and ``e`` for those two). A formula longer than a line, or
    one that would repeat a name already taken, falls back to a short name: the op's name and
    a count from 1 in this graph (``mul1``, ``add2``). Nodes in ``known`` keep the name given
    there and appear by it in the formulas that use them.
    """
    known = known or {}
    formulas: dict[Value, tuple[str, int]] = {}
    names: dict[Value, str] = {}
    taken = {node.label for node in order if node.label} | set(known.values())
    counts: dict[str, int] = {}

    def short_name(node: Value) -> str:
        kind = node._op.name if node._op is not None else "v"
        while True:
            counts[kind] = counts.get(kind, 0) + 1
            if f"{kind}{counts[kind]}" not in taken:
                return f"{kind}{counts[kind]}"

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
            names[node] = short_name(node)
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
        if node.data in _NAMED_CONSTANTS:
            return _NAMED_CONSTANTS[node.data], _ATOM
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
