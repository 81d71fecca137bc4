"""A local derivative written in the names of its node's inputs: ``2·c2``, ``x``, ``1 − h²``.

The chain-rule texts write an edge from the output straight to the input they are about as
this formula, never as ``∂loss/∂c2`` again: that fraction is the total the edge is part of,
so writing it would repeat one side of the equation on the other. The formula is the op's
own rule from ``autograd.compiler.op_code`` (the one the generated code's comments show),
with the inputs' and the node's names put in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..compiler.op_code import UnsupportedOp, code_for, fill_derivative
from ..graph.names import formula_of, in_fraction
from ..value import Value

# A number written against a name (``2c2``, as the code's comments write 2x): a · between.
_NUMBER_BEFORE_NAME = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?=[^\W\d]|\()")


def local_derivative_text(
    node: Value,
    position: int,
    child: Value,
    names: Mapping[Value, str],
    formula: str | None = None,
) -> str:
    """d node/d child, ``child`` its input at ``position``, as a formula in names.

    ``x*x`` gives ``x`` for each of its two edges, ``c2**2`` gives ``2·c2``. ``formula`` is what
    the node computes when a picture draws it as something else than its op (a neuron of the
    neuron view, ``tanh(W1[0]·x + b1[0])``); then, or for an op without a rule, the
    derivative is written ``∂(formula)/∂child``: the formula stands in the node's place.
    """
    if formula is None:
        try:
            code = code_for(node._op)
        except UnsupportedOp:
            formula = formula_of(node, names)
        else:
            args = [in_fraction(names[input_]) for input_ in node.inputs]
            text = fill_derivative(
                code.math_derivatives, position, args, in_fraction(names[node]), node._op
            )
            return _NUMBER_BEFORE_NAME.sub(r"\1·", text)
    return f"∂({formula})/∂{in_fraction(names[child])}"


def as_term(text: str) -> str:
    """``text`` as one term of a sum: bracketed if it holds a sum or a difference."""
    return f"({text})" if re.search(r" [+−-] ", text) else text


def as_factor(text: str) -> str:
    """``text`` as one factor of a product: bracketed unless it is one word or number."""
    return in_fraction(text)  # the same rule as a name in ∂top/∂bottom


def used_more_than_once(node: Value, position: int, child: Value) -> bool:
    """True if ``child`` is input ``position`` of ``node`` and another of its inputs too.

    Then ``∂node/∂child`` would name two edges at once (``x*x`` has two to ``x``); the texts
    write each such edge as its own formula instead.
    """
    inputs = node.inputs
    return position < len(inputs) and inputs[position] is child and inputs.count(child) > 1
