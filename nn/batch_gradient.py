"""The gradient function of ``fit(compile=True)``: θ and a batch in, losses and Σ ∇θ out, as arrays.

Every step of compiled training calls one function of this shape::

    loss_and_grads(theta, x, t) -> (losses, grad, outputs)

    theta    (P,)    the model's parameters, in ``model.parameters()`` order
    x        (m, d)  the batch's inputs, one flattened example per row
    t        (m, k)  the batch's targets (the one-hot class for cross_entropy)
    losses   (m,)    each example's loss ℓ(f_θ(x_i), t_i)
    grad     (P,)    Σ_i ∂ℓ_i/∂θ, summed over the batch
    outputs  (m, c)  the model's outputs f_θ(x_i), for the accuracy

``batch_program`` makes it from the traced per-example loss; it is the one place the generated
program is made and called. It runs the rolled program (``autograd.compiler.rolling``: one NumPy
line per layer, matrix products over the batch), θ one shared array and the batch's inputs and
targets one array of rows; where rolling declines (a graph with no repeated structure, an op
without array code), the program of one NumPy line per scalar node (``per_node_program``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd.compiler.codegen import generate, load
from autograd.compiler.op_code import UnsupportedOp
from autograd.compiler.rolling import RolledProgram, roll
from autograd.compiler.tracing import Trace

Array = Any  # a NumPy array of float64
LossAndGrads = Callable[[Array, Array, Array], tuple[Array, Array, Array]]


def batch_program(
    graph: Trace, input_names: Sequence[str], n_parameters: int, title: str, np: Any
) -> tuple[LossAndGrads, str]:
    """``loss_and_grads`` for a traced per-example loss, and the source of its program.

    ``graph``'s inputs are the parameters (the first ``n_parameters``), then one example's
    inputs, then its targets; its output the example's loss, its extras the model's outputs.
    """
    batched = [k >= n_parameters for k in range(len(graph.inputs))]
    try:
        rolled = roll(graph, input_names, batched, np, title=title, packed=True)
    except (UnsupportedOp, ValueError):  # NotWorthRolling is a ValueError
        pass
    else:
        return rolled_program(rolled, np), rolled.source
    program = generate(graph, input_names, wrt=range(n_parameters), numpy=True, title="loss")
    return per_node_program(load(program, title, np), np), program.source


def rolled_program(program: RolledProgram, np: Any) -> LossAndGrads:
    """``loss_and_grads`` from a packed rolled program: ``run(θ, rows) -> (ℓ, Σ ∂ℓ/∂θ, outputs)``
    with one row per example, its inputs then its targets."""
    run = program.run

    def loss_and_grads(theta: Array, x: Array, t: Array) -> tuple[Array, Array, Array]:
        m = x.shape[0]
        losses, grad, outputs = run(theta, np.concatenate((x, t), axis=1))
        return np.broadcast_to(losses, (m,)), grad, np.broadcast_to(outputs, (m, outputs.shape[1]))

    return loss_and_grads


def per_node_program(run: Callable[..., Any], np: Any) -> LossAndGrads:
    """``loss_and_grads`` from ``autograd.compiler.codegen``'s batched program, one NumPy line
    per scalar node: ``run(*θ, *x columns, *t columns) -> (ℓ, (∂ℓ/∂θ_j ...), (outputs ...))``,
    each an array over the batch or, where it does not depend on the example, one number."""

    def loss_and_grads(theta: Array, x: Array, t: Array) -> tuple[Array, Array, Array]:
        m = x.shape[0]
        columns = np.ascontiguousarray(x.T)
        targets = np.ascontiguousarray(t.T)
        losses, grads, outputs = run(*theta.tolist(), *columns, *targets)
        return (
            np.broadcast_to(losses, (m,)),
            summed_over_batch(grads, m, np),
            np.array([np.broadcast_to(output, (m,)) for output in outputs]).T,
        )

    return loss_and_grads


def summed_over_batch(grads: tuple[Any, ...], m: int, np: Any) -> Array:
    """Each parameter's gradient summed over the m examples (NumPy's pairwise sum), as an array.

    One matrix of all of them when each is an array over the batch; a number (a gradient that
    does not depend on the example) counts m times.
    """
    try:
        stacked = np.array(grads, dtype=float)
    except ValueError:  # some are arrays over the batch, some one number
        stacked = None
    if stacked is None or stacked.shape != (len(grads), m):
        stacked = np.array([np.broadcast_to(g, (m,)) for g in grads], dtype=float)
    return stacked.sum(axis=1)
