"""Hardening of training, layers, the playground, model files and the small things around them.

Each test below is the regression test of one finding: training that failed leaves a working
model, absurd sizes are refused up front, settings are checked when set, model files with
impossible counts are refused, a long file name can be saved to, and the derivatives at kinks
follow PyTorch.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from autograd import grad

# ---- small ones: file names and the derivatives at kinks -------------------------------------


def test_a_model_saves_to_a_file_name_just_within_the_name_limit(tmp_path: Path) -> None:
    import nn

    model = nn.MLP(2, [1], seed=0)
    path = tmp_path / ("m" * 240 + ".json")  # 245 characters: the file system allows 255
    model.save(path)
    loaded = nn.MLP(2, [1], seed=1).load(path)
    assert loaded.state_dict() == model.state_dict()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left behind


KINKS = {  # each op at its kink x = 0, in the engine and in PyTorch
    "elu": (lambda v: v.elu(), "elu", {}),
    "elu alpha 0.5": (lambda v: v.elu(0.5), "elu", {"alpha": 0.5}),
    "leaky_relu": (lambda v: v.leaky_relu(0.1), "leaky_relu", {"negative_slope": 0.1}),
    "relu": (lambda v: v.relu(), "relu", {}),
    "abs": (lambda v: abs(v), "abs", {}),
}


@pytest.mark.parametrize("name", KINKS)
@pytest.mark.parametrize("x", [0.0, -0.0])
def test_first_and_second_derivatives_at_a_kink_follow_pytorch(name: str, x: float) -> None:
    torch = pytest.importorskip("torch")
    ours, function, keywords = KINKS[name]
    source = torch if function == "abs" else torch.nn.functional
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (first,) = torch.autograd.grad(getattr(source, function)(t, **keywords), t, create_graph=True)
    second = torch.autograd.grad(first, t, allow_unused=True)[0] if first.requires_grad else None
    expected_second = 0.0 if second is None else float(second)
    assert grad(ours)(x) == float(first.detach())
    assert grad(grad(ours))(x) == expected_second


def test_the_second_derivative_of_elu_away_from_the_kink_is_alpha_e_to_the_x() -> None:
    for x in (-1e-9, -0.5, -3.0):  # hand derivation: d²/dx² alpha (e^x - 1) = alpha e^x
        assert math.isclose(grad(grad(lambda v: v.elu(2.0)))(x), 2.0 * math.exp(x), rel_tol=1e-12)
    assert grad(grad(lambda v: v.elu(2.0)))(0.5) == 0.0


