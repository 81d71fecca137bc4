"""Names for the nodes of a graph, shared by the pictures, the chain-rule text and the pages.

``stable_names`` gives every node a short name that depends only on the graph's order
(``mul3``); ``formula_names`` writes a node as the formula that made it (``w1*x1``).
"""

from __future__ import annotations

from ..value import Value
from .numbers_format import format_number

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


def formula_names(order: list[Value]) -> dict[Value, str]:
    """Each node's name for a reader: its label, else the formula that made it (``w1*x1``).

    A constant is its number. A formula longer than a line, or one that would repeat a name
    already taken, falls back to ``chain_rule``'s name for the node (``mul3``).
    """
    fallback = stable_names(order)
    formulas: dict[Value, tuple[str, int]] = {}
    names: dict[Value, str] = {}
    taken = {node.label for node in order if node.label}
    for node in order:
        formula = _formula(node, formulas)
        formulas[node] = formula
        if node.label:
            names[node] = node.label
        elif node.is_leaf or (len(formula[0]) <= _LONGEST_NAME and formula[0] not in taken):
            names[node] = formula[0]
        else:
            names[node] = fallback[node]
        if not node.is_leaf:
            taken.add(names[node])
    return names


def _formula(node: Value, formulas: dict[Value, tuple[str, int]]) -> tuple[str, int]:
    """``node`` written as a formula of its inputs' names, with its precedence."""
    if node.label:
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
