"""Deep graphs and memory: a million-deep chain, and graphs freed by reference counting alone."""

from __future__ import annotations

import gc
import math
import subprocess
import sys
import textwrap

from autograd import Value, dot, no_grad, sum


def test_a_million_operations_deep_chain_builds_backpropagates_and_is_freed() -> None:
    # In a fresh interpreter, so that a crash in deallocation would show as a failed run.
    script = textwrap.dedent(
        """
        import gc, math
        from autograd import Value
        gc.collect()  # what importing left behind is not the graph's to free
        gc.disable()
        c = Value(1.0000001)
        x = Value(1.0)
        y = x
        for _ in range(1_000_000):
            y = y * c
        y.backward()
        print(repr(x.grad), repr(c.grad))
        del y
        print(gc.collect())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    x_grad, c_grad, collected = result.stdout.split()
    # y = x c^n  =>  dy/dx = c^n,  dy/dc = n x c^(n-1)
    n, c = 1_000_000, 1.0000001
    assert math.isclose(float(x_grad), c**n, rel_tol=1e-6)
    assert math.isclose(float(c_grad), n * c ** (n - 1), rel_tol=1e-6)
    assert collected == "0"


def _every_op(a: Value, b: Value) -> Value:
    h = (a * b + a / b - a**2 + b**a).tanh() + abs(-a).sqrt().log() + a.exp().sigmoid()
    return sum([h.relu(), dot([a, b], [h.sin(), h.cos()]), h])


def test_a_graph_holds_no_reference_cycles() -> None:
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        a, b = Value(0.7), Value(1.3)
        loss = _every_op(a, b)
        loss.backward()
        del loss
        assert gc.collect() == 0  # everything was already freed by reference counting
        # the graph made by a second-order gradient is freed too
        from autograd import grad

        assert math.isfinite(grad(grad(lambda x: _every_op(x, b)))(0.7))
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()


def test_inference_under_no_grad_keeps_no_graph() -> None:
    a = Value(0.5)
    with no_grad():
        out = _every_op(a, Value(2.0))
    assert out.inputs == ()
