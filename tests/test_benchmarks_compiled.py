"""Workload 5's compiled trainers compute micrograd's loss and gradients; the report shows it."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import autograd
import nn
from autograd import Value

pytest.importorskip("numpy")
pytest.importorskip("micrograd")

from benchmarks.__main__ import main
from benchmarks.compiled import CompiledTrainer, _digits_function, digits_data
from benchmarks.mlp_step import MICROGRAD, trainers
from benchmarks.moons import make_moons


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("batched", [False, True])
def test_the_compiled_step_is_micrograds_step(batched: bool) -> None:
    oracle = trainers(n_samples=8)[MICROGRAD]
    compiled = CompiledTrainer(make_moons(8, noise=0.1, seed=1337), batched=batched)
    for k in range(3):
        assert close(compiled.loss_and_gradients(), oracle.loss_and_gradients())
        for got, want in zip(compiled.gradients(), oracle.gradients(), strict=True):
            assert close(got, want)
        compiled.update(k)
        oracle.update(k)
    assert compiled.parameter_values() == pytest.approx(oracle.parameter_values(), rel=1e-9)


def test_the_digits_function_is_nns_cross_entropy() -> None:
    xs, ys, _ = digits_data(3)
    model = nn.MLP(64, [32, 10], activation="relu", seed=0)
    compiled = autograd.compile(_digits_function(model))
    theta = [p.data for p in model.parameters()]
    for x, y in zip(xs, ys, strict=True):
        one_hot = [1.0 if j == y else 0.0 for j in range(10)]
        value, grads = compiled.value_and_grad(*theta, *x, *one_hot)
        model.zero_grad()
        loss = nn.cross_entropy(model([Value(v) for v in x]), y)
        loss.backward()
        assert close(value, loss.data)
        for p, g in zip(model.parameters(), grads, strict=False):
            assert close(g, p.grad)


def test_the_quick_report_has_the_compiled_section(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    assert main(["--quick", "--output", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    assert "## 8. Compiled" in text and "trace + code generation" in text
    assert "Not run" not in text
