"""``chain_rule(root, W2, group="layer")``: a gradient in matrix form, ∂l/∂W2 = ∂l/∂z2 · h1ᵀ.

The layer view's chain rule: ∂root/∂wrt is the sum, over the layers that read ``wrt``, of
each one's gradient passed back through its local derivative in matrix form, written with the
shapes of every factor and then the resulting matrix in numbers::

    ∂loss/∂W3 = ∂loss/∂z3 · h2ᵀ
    (1×16) = (1×1) · (1×16)
    = [[0.1, 0, 0.3, ...]]

A weight matrix's term is computed as the product it states (the outer product of ∂loss/∂z3
and h2's values); other terms through their scalar local derivatives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..graph.layer_view import Layer, LayerView, layer_view
from ..graph.numbers_format import check_precision, format_number
from ..value import Value
from .layer_steps import gradients_after, layer_steps, matrix_term


@dataclass(frozen=True, eq=False)
class LayerChainRule:
    """∂root/∂wrt for a whole layer ``wrt``: its terms in symbols, their shapes, the matrix.

    ``gradient`` holds ∂root/∂(each node of ``wrt``), row-major in ``wrt.shape``; ``matrix``
    gives it as rows. ``str()`` gives the lines.
    """

    root: Layer
    wrt: Layer
    terms: tuple[str, ...]
    shapes: tuple[str, ...]
    gradient: tuple[float, ...]
    precision: int = 4

    @property
    def matrix(self) -> list[list[float]]:
        """The gradient as rows: ``rows × columns`` for a matrix, one row for a vector."""
        width = self.wrt.shape[-1] if len(self.wrt.shape) == 2 else len(self.gradient)
        return [list(self.gradient[i : i + width]) for i in range(0, len(self.gradient), width)]

    def lines(self) -> list[str]:
        lhs = f"∂{self.root.name}/∂{self.wrt.name}"
        if self.wrt is self.root:
            return [f"{lhs} = 1"]
        if not self.terms:
            return [f"{lhs} = 0 (no path leads from {self.root.name} to {self.wrt.name})"]
        indent = " " * len(lhs)
        rows = [
            "[" + ", ".join(format_number(x, self.precision) for x in row) + "]"
            for row in self.matrix
        ]
        if len(rows) > 1:
            rows = ["[" + rows[0]] + [" " + row for row in rows[1:-1]] + [" " + rows[-1] + "]"]
        return [
            f"{lhs} = {' + '.join(self.terms)}",
            f"{indent}   {' + '.join(self.shapes)}",
            f"{indent} = {rows[0]}",
            *(f"{indent}   {row}" for row in rows[1:]),
        ]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """In IPython and Jupyter, the lines themselves."""
        printer.text(str(self))


def layer_chain_rule(
    root: Value, wrt: object, *, precision: int = 4, view: LayerView | None = None
) -> LayerChainRule:
    """``chain_rule(root, wrt, group="layer")``: see the module docstring.

    ``wrt`` is a layer's name (``"W2"``), one of its Values (the whole layer is meant), or
    the list of its Values (as ``[w for neuron in layer.neurons for w in neuron.w]``).
    """
    check_precision(precision, "chain_rule")
    view = view or layer_view(root, "chain_rule")
    target = _layer(view, wrt)
    steps = list(layer_steps(view))
    totals = gradients_after(view, steps)
    root_name = view.root_layer.name
    terms, shapes = [], []
    gradient = [0.0] * target.size
    for user in view.users(target):
        term, shape = matrix_term(root_name, user, target)
        terms.append(term)
        shapes.append(shape)
        upstream = [totals.get(node, 0.0) for node in user.nodes]
        if user.affine and user.dense and target is user.inputs[0]:
            # ∂root/∂W = ∂root/∂z · xᵀ, summed over the examples: the product it states
            product = view.weight_gradient(user, upstream)
        else:
            sent = view.send_gradient(user, upstream)[target]
            product = [sent.get(node, 0.0) for node in target.nodes]
        gradient = [a + b for a, b in zip(gradient, product, strict=True)]
    if shapes:
        result = shapes[0].split(" = ", 1)[0]
        shapes = [f"{result} = " + " + ".join(shape.split(" = ", 1)[1] for shape in shapes)]
    return LayerChainRule(view.root_layer, target, tuple(terms), tuple(shapes),
                          tuple(float(x) for x in gradient), precision)


def _layer(view: LayerView, wrt: object) -> Layer:
    if isinstance(wrt, str):
        try:
            return view.named(wrt)
        except KeyError as error:
            raise ValueError(f"chain_rule: {error.args[0]}") from None
    if isinstance(wrt, Value):
        wrt = [wrt]
    if isinstance(wrt, Sequence) and wrt and all(isinstance(v, Value) for v in wrt):
        layers = {id(view.layer_of[v]): view.layer_of[v] for v in wrt if v in view.layer_of}
        missing = [v for v in wrt if v not in view.layer_of]
        if missing:
            raise ValueError(f"chain_rule: root does not depend on {missing[0]!r}")
        if len(layers) != 1:
            names = ", ".join(layer.name for layer in layers.values())
            raise ValueError(f"chain_rule: the Values given lie in several layers ({names}); "
                             f"give one layer's Values, or its name")
        return next(iter(layers.values()))
    raise TypeError(
        f"chain_rule: with group='layer', wrt must be a layer's name, a Value or a list of "
        f"Values, got {type(wrt).__name__} {wrt!r}"
    )

