"""``backprop_steps``: the backward pass one node at a time, as data a student can step through."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, overload

from ..graph.layer_view import layer_view
from ..graph.views import View, graph_view
from ..value import Value
from .layer_steps import LayerStep, layer_steps


@dataclass(frozen=True)
class Contribution:
    """What one step sends to one input: local derivative times the node's gradient."""

    input: Value
    local_derivative: float  # d(node)/d(input) at the current values
    contribution: float  # local_derivative * grad: this path's share of d(root)/d(input)


@dataclass(frozen=True)
class BackpropStep:
    """Step ``index`` of the backward pass: ``node`` has its complete gradient and passes it on.

    ``grad`` is d(root)/d(node). ``contributions`` has one entry per input of ``node``, in
    order (an input used twice, as in ``a + a``, appears twice).
    """

    index: int
    node: Value
    grad: float
    contributions: tuple[Contribution, ...]

    @property
    def number(self) -> int:
        """The step's number as people read it, counting from 1 (``index + 1``).

        The stepping page and the notebook widget show "Step ``number`` of n", with step 0
        the forward pass before backprop starts; ``draw_graph(root, step=index)`` draws it.
        """
        return self.index + 1


@overload
def backprop_steps(  # type: ignore[overload-overlap]  # "layer" is a str, with other steps
    root: Value, *, group: Literal["layer"]
) -> Iterator[LayerStep]: ...
@overload
def backprop_steps(root: Value, *, group: str | None = None) -> Iterator[BackpropStep]: ...
def backprop_steps(
    root: Value, *, group: str | None = None
) -> Iterator[BackpropStep] | Iterator[LayerStep]:
    """The steps ``root.backward()`` takes, in its order, computed on the side.

    With ``group="neuron"`` each neuron σ(w · x + b) is one step that sends its gradient to
    its weights, its inputs and its bias at once (see ``autograd.viz.views``); the gradients
    that reach the leaves are the same. With ``group="layer"`` each layer is one step, a
    ``LayerStep`` whose gradient and contributions are arrays (``autograd.viz.layer_steps``).

    One step per interior node, in reverse topological order (leaves have nothing to pass on,
    so they get no step). At each step the node's gradient is complete: every node that uses
    it has already sent its contribution. The chain rule for the step is

        d root/d input  +=  d node/d input * d root/d node      (for each input)

    No ``.grad`` is read or written: replaying the steps (all gradients 0, d root/d root = 1,
    add each contribution to its input) gives exactly what ``backward()`` gives a fresh graph.

    >>> from autograd import Value, backprop_steps
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> [(s.index, s.grad, [c.contribution for c in s.contributions]) for s in backprop_steps(y)]
    [(0, 1.0, [3.0, 3.0])]
    """
    if not isinstance(root, Value):  # checked at the call, not at the first next()
        raise TypeError(
            f"backprop_steps: root must be a Value, got {type(root).__name__} {root!r}"
        )
    if group == "layer":  # one step per layer, gradients as arrays: autograd.viz.layer_steps
        return layer_steps(layer_view(root, "backprop_steps"))
    return view_steps(graph_view(root, group, "backprop_steps"))


def view_steps(view: View) -> Iterator[BackpropStep]:
    """The generator behind ``backprop_steps``: one step per interior node, root first."""
    gradient: dict[Value, float] = {view.root: 1.0}
    index = 0
    for node in reversed(view.order):
        if node.is_leaf:
            continue
        grad = gradient.get(node, 0.0)
        contributions = []
        inputs = view.inputs(node)
        for child, local in zip(inputs, view.local_derivatives(node), strict=True):
            contribution = local * grad
            gradient[child] = gradient.get(child, 0.0) + contribution
            contributions.append(Contribution(child, local, contribution))
        yield BackpropStep(index, node, grad, tuple(contributions))
        index += 1
