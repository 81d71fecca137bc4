"""Which ``.grad`` fields a picture can show: none before ``backward()``, and which are stale.

Every view of ``draw_graph`` (scalar, neuron, layer) reads the gradients the same way. Before
any ``backward()`` every ``.grad`` is 0: the picture says so (``NOT_COMPUTED_NOTE``) instead
of showing ``grad 0`` everywhere. After it, a gradient that one ``backward()`` of the picture's
root cannot have given (it mixes several passes, or another output's) is stale: the picture
marks it and a ``StaleGradientWarning`` says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..graph.views import View
from ..value import Value
from .steps import view_steps

__all__ = [
    "NOT_COMPUTED_NOTE",
    "STALE_NOTE",
    "UNKNOWN_GRAD",
    "StaleGradientWarning",
    "grad_fields",
    "stale_nodes",
    "stale_warning",
]

STALE_NOTE = "grad ≠ one backward pass of this output"
UNKNOWN_GRAD = "?"  # a step frame's gradient that the pass has not reached yet
NOT_COMPUTED_NOTE = "gradients not computed yet: call backward() on the output to fill them in"


class StaleGradientWarning(UserWarning):
    """A drawing shows ``.grad`` fields that one ``backward()`` of its root cannot have given.

    Leaves accumulate gradients across passes (as in PyTorch): after a second ``backward()``,
    or after ``backward()`` of another output that shares parameters, a leaf's gradient mixes
    several passes. ``draw_graph`` then warns, writes a note on the picture and draws each such
    node with a dashed red border. Call ``model.zero_grad()`` (or ``optimizer.zero_grad()``)
    before ``backward()``, or draw ``step=`` frames, which never read ``.grad``.
    """


def grad_fields(order: Sequence[Value]) -> dict[Value, float] | None:
    """Each node's ``.grad`` as a float, or None before any ``backward()`` (every grad 0)."""
    shown = {node: _grad_float(node.grad) for node in order}
    return shown if any(shown.values()) else None


def stale_nodes(root: Value, order: list[Value], shown: dict[Value, float]) -> list[Value]:
    """The nodes whose gradient one ``backward()`` of ``root`` would not have given.

    After ``root.backward(g)`` every gradient is g times what replaying the steps gives; before
    any backward of ``root`` (its grad 0), every gradient should still be 0.
    """
    seed = shown[root]
    if seed == 0.0:
        return [node for node in order if shown[node] != 0.0]
    expected: dict[Value, float] = {root: seed}
    for done in view_steps(View(root, None, order)):
        for part in done.contributions:
            expected[part.input] = expected.get(part.input, 0.0) + seed * part.contribution
    return [node for node in order if not _same(shown[node], expected.get(node, 0.0))]


def stale_warning(names: Sequence[str], root_name: str) -> StaleGradientWarning:
    """The warning that the gradients of ``names`` are not one ``backward()`` of the root's."""
    shown = ", ".join(names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return StaleGradientWarning(
        f"draw_graph: the gradients of {shown}{more} are not those of one "
        f"backward() of {root_name}: they hold gradients from other passes "
        f"(call zero_grad() before backward(), or draw with step=)"
    )


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _grad_float(grad: Any) -> float:
    """A float grad as is; a Value grad (after ``backward(create_graph=True)``) by its data."""
    return grad.data if isinstance(grad, Value) else float(grad)
