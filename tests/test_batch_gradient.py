"""fit(compile=True)'s gradient function runs the rolled program, one line per layer, and gives
each example's loss, the summed gradient and the model's outputs as the eager engine does."""

from __future__ import annotations

import math
from typing import Any

import pytest

import autograd
import nn
from autograd import Value
from autograd.compiler.tracing import input_node, trace
from nn.batch_gradient import batch_program
from nn.compiled_step import CompiledStep

np = pytest.importorskip("numpy")

XS, MOONS = nn.make_moons(12, seed=5)
CLASSES = [(i * 5) % 3 for i in range(len(XS))]


def eager(model: Any, batch: list[int]) -> tuple[list[float], list[float], list[list[float]]]:
    """Each example's loss and outputs, and Σ ∂loss/∂θ, by the engine, one example at a time."""
    parameters = model.parameters()
    total = [0.0] * len(parameters)
    losses, outputs = [], []
    for i in batch:
        for p in parameters:
            p.grad = 0.0
        logits = model(XS[i])
        loss = nn.cross_entropy(logits, CLASSES[i])
        loss.backward()
        losses.append(loss.data)
        outputs.append([z.data for z in logits])
        total = [t + p.grad for t, p in zip(total, parameters, strict=True)]
    return losses, total, outputs


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_the_gradient_program_is_rolled_and_agrees_with_the_engine(activation: str) -> None:
    model = nn.MLP(2, [5, 3], activation=activation, seed=2)
    step = CompiledStep(model, "cross_entropy", XS, CLASSES)
    assert "def rolled(_s, _b):" in step.source  # one array per layer, not a line per node
    batch = [7, 0, 3, 11, 4]
    theta = np.array([p.data for p in model.parameters()])
    rows = np.array(batch)
    losses, grad, outputs = step.loss_and_grads(theta, step.x_rows[rows], step.y_rows[rows])
    want_losses, want_grad, want_outputs = eager(model, batch)
    assert losses.shape == (5,) and grad.shape == theta.shape and outputs.shape == (5, 3)
    flat_outputs = [z for row in want_outputs for z in row]
    for got, want in [(losses, want_losses), (grad, want_grad), (outputs.ravel(), flat_outputs)]:
        for a, b in zip(got.tolist(), want, strict=True):
            assert math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-12), (a, b)


def test_a_graph_rolling_declines_gets_the_program_of_one_line_per_node() -> None:
    model = nn.MLP(2, [2, 3], activation="tanh", seed=2)
    step = CompiledStep(model, "cross_entropy", XS, CLASSES)
    graph_inputs = len(step.parameters) + 2 + 3
    # a graph whose shared and batched inputs share one group cannot be packed: not rolled
    leaves = [input_node(1.0, "x") for _ in range(graph_inputs - len(step.parameters))]

    squares: list[Any] = []

    def loss(*data: Any) -> Any:
        squares.extend(v * v for v in (*step.parameters, *data))  # θ and examples used alike
        return sum(squares[1:], squares[0])

    graph = trace(loss, "mixed", leaves, step.parameters, extras=lambda: squares[-2:])
    names = [f"a{k}" for k in range(graph_inputs)]
    function, source = batch_program(graph, names, len(step.parameters), "mixed", np)
    assert "def rolled" not in source
    theta = np.array([p.data for p in step.parameters])
    x = np.arange(8.0).reshape(4, 2)
    t = np.ones((4, 3))
    losses, grad, outputs = function(theta, x, t)
    assert np.allclose(losses, (theta**2).sum() + (x**2).sum(axis=1) + 3.0, rtol=1e-12)
    assert np.allclose(grad, 4 * 2 * theta, rtol=1e-12)  # ∂/∂θ of θ², for each of 4 examples
    assert np.array_equal(outputs, np.ones((4, 2)))  # the last two squares: the targets'



def test_compiled_cross_entropy_has_the_softmax_gradient_by_hand_ties_included() -> None:
    from nn.compiled_step import PER_EXAMPLE

    def loss(*numbers: Value) -> Value:  # three logits, then the one-hot class
        return PER_EXAMPLE["cross_entropy"](list(numbers[:3]), list(numbers[3:]))

    logits = np.array([[0.0, 0.0, 0.0], [2.0, 2.0, -1.0], [1000.0, -1000.0, 999.0]])
    one_hot = np.eye(3)[[0, 1, 2]]
    columns = [*logits.T, *one_hot.T]
    values, grads = autograd.compile(loss).value_and_grad(*columns)
    for i, (z, t) in enumerate(zip(logits.tolist(), one_hot.tolist(), strict=True)):
        m = max(z)
        total = math.fsum(math.exp(v - m) for v in z)
        assert math.isclose(values[i], m + math.log(total) - math.fsum(
            a * b for a, b in zip(z, t, strict=True)), rel_tol=1e-12)
        for j in range(3):  # ∂ℓ/∂z_j = softmax(z)_j − t_j
            by_hand = math.exp(z[j] - m) / total - t[j]
            assert math.isclose(grads[j][i], by_hand, rel_tol=1e-12, abs_tol=1e-15)
