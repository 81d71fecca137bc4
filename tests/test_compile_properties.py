"""Property tests: random programs over every op, compiled against eager and batched against single.

Programs are the shared recipes (tests/strategies.py) with sum and dot steps mixed in; steps
read earlier nodes at random, so nodes are shared by several later ones and inputs are read
many times (``x * x``, ``dot([x, y], [x, x])``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value

from .strategies import BINARY, LIMIT, UNARY, Step, _allowed, apply_step, input_points

np = pytest.importorskip("numpy")


@dataclass(frozen=True)
class Reduction:
    op: str  # "sum" or "dot"
    reads: tuple[int, ...]  # for dot: the weights' nodes, then the inputs' nodes


@dataclass(frozen=True)
class Program:
    inputs: tuple[float, ...]
    steps: tuple[Step | Reduction, ...]

    def __call__(self, *xs: Any) -> Any:
        nodes: list[Any] = list(xs)
        for step in self.steps:
            nodes.append(_apply(step, nodes))
        return nodes[-1]


def _apply(step: Step | Reduction, nodes: Sequence[Any]) -> Any:
    if isinstance(step, Step):
        return apply_step(step, nodes)
    values = [nodes[i] for i in step.reads]
    if step.op == "sum":
        return autograd.sum(values) if isinstance(nodes[0], Value) else math.fsum(values)
    half = len(values) // 2
    if isinstance(nodes[0], Value):
        return autograd.dot(values[:half], values[half:])
    return sum(w * x for w, x in zip(values[:half], values[half:], strict=True))


@st.composite
def programs(draw: st.DrawFn, max_inputs: int = 3, max_steps: int = 10) -> Program:
    """A random program inside every op's domain at its inputs, ending in a node of all ops."""
    inputs = draw(input_points(max_inputs))
    values = list(inputs)
    steps: list[Step | Reduction] = []
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from((*UNARY, *BINARY, "sum", "dot")))
        if op in ("sum", "dot"):
            size = draw(st.integers(1, 3))
            count = size if op == "sum" else 2 * size
            reads = tuple(draw(st.integers(0, len(values) - 1)) for _ in range(count))
            step: Step | Reduction = Reduction(op, reads)
        else:
            a = draw(st.integers(0, len(values) - 1))
            b = draw(st.integers(0, len(values) - 1)) if op in ("+", "-", "*", "/", "**") else -1
            constant = draw(st.sampled_from((0.5, 2.0, -1.5, 3.0)))
            if not _allowed(op, values[a], values[b] if b >= 0 else 0.0, constant):
                op, b = "tanh", -1
            step = Step(op, a, b, constant)
        value = _apply(step, values)
        if not abs(value) < LIMIT:
            step = Step("tanh", len(values) - 1)
            value = math.tanh(values[-1])
        steps.append(step)
        values.append(value)
    return Program(inputs, tuple(steps))


def eager(program: Program, xs: Sequence[float]) -> tuple[float, tuple[float, ...]]:
    leaves = [Value(x) for x in xs]
    out = program(*leaves)
    out.backward()
    return out.data, tuple(float(leaf.grad) for leaf in leaves)


def close(a: float, b: float, rel: float = 1e-12, scale: float = 0.0) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel * scale)


@given(programs())
def test_compiled_programs_give_the_eager_values_and_gradients(program: Program) -> None:
    compiled = autograd.compile(program)
    value, grads = compiled.value_and_grad(*program.inputs)
    expected_value, expected_grads = eager(program, program.inputs)
    assert close(value, expected_value)
    assert len(grads) == len(program.inputs)
    for g, expected in zip(grads, expected_grads, strict=True):
        assert close(g, expected)


@given(programs(), st.data())
def test_a_batch_gives_what_separate_calls_give(program: Program, data: st.DataObject) -> None:
    k = len(program.inputs)
    batched = data.draw(st.lists(st.booleans(), min_size=k, max_size=k))
    batched[0] = batched[0] or not any(batched)  # at least one argument is a batch
    n = data.draw(st.integers(1, 4))
    # points near the program's own, so that every op stays inside its domain
    shifts = data.draw(st.lists(st.floats(-0.01, 0.01), min_size=n, max_size=n))
    arguments = [
        [x * (1.0 + s) for s in shifts] if is_batched else x
        for x, is_batched in zip(program.inputs, batched, strict=True)
    ]
    compiled = autograd.compile(program)
    values, grads = compiled.value_and_grad(*arguments)
    singles = [
        compiled.value_and_grad(*[a[i] if isinstance(a, list) else a for a in arguments])
        for i in range(n)
    ]
    # 1e-12 relative; NumPy's exp and tanh may differ from math's in the last bit, which a
    # difference of nearly equal numbers (1 - tanh² near ±1) magnifies, so numbers near 0 are
    # compared to the size of the terms (the programs keep them below 50), 1e-12 of it
    for i, (value, single_grads) in enumerate(singles):
        assert close(values[i], value, rel=1e-12, scale=1.0)
        for j, g in enumerate(single_grads):
            if batched[j]:
                assert close(grads[j][i], g, rel=1e-12, scale=1.0)
    for j, is_batched in enumerate(batched):
        if not is_batched:
            total = math.fsum(single[1][j] for single in singles)
            size = math.fsum(abs(single[1][j]) for single in singles)
            assert close(grads[j], total, rel=1e-12, scale=size + 1.0)
    assert np.allclose(compiled(*arguments), values, rtol=1e-12, atol=1e-12)
