"""backward(): the chain rule in reverse topological order, accumulation, and determinism."""

from __future__ import annotations

import math

from autograd import Value, topological_order


def test_accumulation_over_two_passes_sends_only_each_pass_contribution() -> None:
    # b = a + a, c = b^2 = 4 a^2, so dc/da = 8 a = 24 at a = 3; a second pass adds 24 more
    a = Value(3.0)
    b = a + a
    c = b * b
    c.backward()
    assert a.grad == 24.0
    c.backward()
    assert a.grad == 48.0  # micrograd gives 72: it re-sends b's accumulated gradient
    assert b.grad == 12.0  # an interior node holds the latest pass's gradient


def test_the_seed_gradient_scales_everything() -> None:
    a = Value(2.0)
    out = a * a
    out.backward(grad=0.5)
    assert a.grad == 2.0  # 0.5 * 2a


def test_backward_on_a_leaf_accumulates_the_seed() -> None:
    a = Value(2.0)
    a.backward()
    a.backward()
    assert a.grad == 2.0


def test_shared_subgraph_between_two_losses() -> None:
    x = Value(1.5)
    shared = x.tanh()
    first, second = shared * 2.0, shared**2
    first.backward()
    second.backward()
    slope = 1 - math.tanh(1.5) ** 2
    assert math.isclose(x.grad, 2 * slope + 2 * math.tanh(1.5) * slope, rel_tol=1e-12)


def test_topological_order_puts_inputs_first_and_the_root_last() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert order[-1] is e
    assert len(order) == len({id(node) for node in order}) == 5
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for child in node.inputs:
            assert position[id(child)] < position[id(node)]


def _graph() -> Value:
    x, y = Value(0.5, "x"), Value(-1.5, "y")
    h = (x * y).tanh()
    h.label = "h"
    return (h + x.exp() - y / (h + 2.0)).sigmoid()


def test_the_order_is_the_same_for_the_same_graph_written_twice() -> None:
    def signature(root: Value) -> list[tuple[str, str, float]]:
        return [(node.label, node.op, node.data) for node in topological_order(root)]

    assert signature(_graph()) == signature(_graph())


def test_a_deep_chain_needs_no_recursion() -> None:
    # 20,000 is far past Python's recursion limit; the million-deep chain is in test_memory.py
    x = Value(1.0)
    y = x
    for _ in range(20_000):
        y = y * 1.0001
    y.backward()
    assert math.isclose(x.grad, 1.0001**20_000, rel_tol=1e-9)
