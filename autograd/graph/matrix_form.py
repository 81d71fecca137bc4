"""A layer's local derivatives in the lecture's matrix form: ∂z1/∂W1 = xᵀ, ∂h1/∂z1 = diag([z1 > 0]).

The layer view (``autograd.graph.layer_view``) labels each edge with one of these, and the
chain rule and the backprop steps of that view build their matrix lines from them.
"""

from __future__ import annotations

from .layer_view import N_ARY, Layer
from .numbers_format import format_number

__all__ = ["local_matrix"]

# d out/d x of the one-input ops, as the diagonal of a matrix form: diag([z1 > 0]) for relu
_LOCAL = {
    "relu": "[{x} > 0]",
    "tanh": "1 − {out}²",
    "sigmoid": "{out}(1 − {out})",
    "exp": "{out}",
    "log": "1/{x}",
    "sqrt": "1/(2{out})",
    "sin": "cos {x}",
    "cos": "−sin {x}",
    "abs": "sign {x}",
}



def local_matrix(layer: Layer, source: Layer) -> str:
    """The local derivative of ``layer`` by its input ``source``, in the lecture's matrix form.

    For z1 = W1·x + b1: ``∂z1/∂W1 = xᵀ``, ``∂z1/∂x = W1ᵀ``, ``∂z1/∂b1 = I``; for h1 = relu(z1):
    ``∂h1/∂z1 = diag([z1 > 0])``. A convolution's weights read windows of x: ``windows(x)ᵀ``.
    """
    top = f"∂{layer.name}/∂{source.name}"
    names = [s.name for s in layer.inputs]
    if layer.affine:
        weights, inputs, _ = layer.inputs
        if source is weights:
            return f"{top} = {inputs.name}ᵀ" if layer.dense else f"{top} = windows({inputs.name})ᵀ"
        if source is inputs:
            windows = "" if layer.dense else " (windows)"
            return f"{top} = {weights.name}ᵀ{windows}"
        return f"{top} = I" if source.size == layer.size else f"{top} = 1 (broadcast)"
    node = layer.nodes[0]
    assert node._op is not None
    op = node._op.name
    other = next((n for n in names if n != source.name), source.name)
    if op not in N_ARY and layer.size != source.size:  # not one to one: say which it reads
        return f"{top} = {_elementwise(op, names, source)}{_how_read(layer, source)}"
    if op == "add":
        return f"{top} = I"
    if op == "sub":
        return f"{top} = {'I' if names and names[0] == source.name else '−I'}"
    if op == "neg":
        return f"{top} = −I"
    if op == "mul":
        return f"{top} = diag({other})"
    if op == "div":
        return f"{top} = diag(1/{other})" if names[0] == source.name else \
            f"{top} = diag(−{layer.name}/{source.name})"
    if op == "sum":
        return f"{top} = 1ᵀ"
    if op == "max":
        return f"{top} = [{source.name} is its window's max]"
    if op == "dot":
        return f"{top} = {other}ᵀ"
    if op == "pow":
        exponent = getattr(node._op, "exponent", None)
        if exponent is not None:
            k = format_number(float(exponent))
            return f"{top} = diag({k}·{source.name}" + (
                ")" if float(exponent) == 2 else f"^{format_number(float(exponent) - 1)})")
    local = _LOCAL.get(op)
    if local is not None:
        return f"{top} = diag({local.format(x=source.name, out=layer.name)})"
    return f"{top} = diag(∂{layer.name}ᵢ/∂{source.name}ᵢ)"


def _elementwise(op: str, names: list[str], source: Layer) -> str:
    """The factor of an elementwise op, for a source read other than one to one."""
    if op == "add":
        return "1"
    if op == "sub":
        return "1" if names and names[0] == source.name else "−1"
    if op == "mul":
        return next((n for n in names if n != source.name), source.name)
    return "∂/∂" + source.name


def _how_read(layer: Layer, source: Layer) -> str:
    """`` at z2[3]`` when a layer reads one element of a larger source, else `` (broadcast)``."""
    at = {id(node): i for i, node in enumerate(source.nodes)}
    read = sorted({at[id(c)] for n in layer.nodes for c in n.inputs if id(c) in at})
    if layer.size < source.size and len(read) == 1:
        return f" at {source.name}[{read[0]}]"
    if layer.size < source.size:
        return f" at {len(read)} of {source.name}"
    return " (broadcast)"
