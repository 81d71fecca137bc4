"""The lecture's Fourier features over several variables, against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value, dot, gradcheck
from nn import FeatureModel, ModelFileError, fourier

SQRT2, SQRT3, SQRT6 = math.sqrt(2.0), math.sqrt(3.0), math.sqrt(6.0)


def test_two_variables_by_hand() -> None:
    # x = (1/6, 1/4): sin(π/6) = 1/2, sin(2π/6) = √3/2; sin(π/4) = √2/2, sin(2π/4) = 1
    beta = fourier(2, nin=2)
    assert beta.n == 4
    features = [f.data for f in beta([1 / 6, 1 / 4])]
    expected = [
        1 / 2 * SQRT2 / 2,  # c = (1, 1)
        1 / 2 * 1.0,  # c = (1, 2)
        SQRT3 / 2 * SQRT2 / 2,  # c = (2, 1)
        SQRT3 / 2 * 1.0,  # c = (2, 2)
    ]
    assert features == pytest.approx(expected, rel=1e-14)
    assert expected == pytest.approx([SQRT2 / 4, 1 / 2, SQRT6 / 4, SQRT3 / 2], rel=1e-15)


def test_three_variables_by_hand() -> None:
    # x = (1/6, 1/4, 1/2): sin(π/2) = 1, sin(2π/2) = 0
    beta = fourier(2, nin=3)
    assert beta.n == 8
    features = [f.data for f in beta((1 / 6, 1 / 4, 1 / 2))]
    # lexicographic c: (1,1,1) (1,1,2) (1,2,1) (1,2,2) (2,1,1) (2,1,2) (2,2,1) (2,2,2)
    expected = [SQRT2 / 4, 0.0, 1 / 2, 0.0, SQRT6 / 4, 0.0, SQRT3 / 2, 0.0]
    assert features == pytest.approx(expected, rel=1e-14, abs=1e-15)


def test_products_of_the_one_variable_sines_for_a_larger_order() -> None:
    x = np.array([0.37, 0.81])
    features = [f.data for f in fourier(4, nin=2)(x)]
    one_variable = [[f.data for f in fourier(4)(x_k)] for x_k in x]
    expected = [one_variable[0][i] * one_variable[1][j] for i in range(4) for j in range(4)]
    assert features == pytest.approx(expected, rel=1e-14)


def test_one_variable_is_the_lecture_map() -> None:
    assert fourier(3, nin=1).identity() == fourier(3).identity()
    assert [f.data for f in fourier(3, nin=1)(0.3)] == [f.data for f in fourier(3)(0.3)]


def test_features_vanish_on_the_edge_of_the_box() -> None:
    beta = fourier(3, nin=2)
    for edge in ([0.0, 0.4], [0.7, 1.0], [1.0, 0.2], [0.3, 0.0]):
        assert [f.data for f in beta(edge)] == pytest.approx([0.0] * 9, abs=1e-15)


def test_features_are_differentiable_in_the_inputs() -> None:
    beta = fourier(3, nin=2)
    weights = [0.3, -1.0, 0.5, 2.0, 0.1, -0.7, 1.5, 0.2, -0.4]
    assert gradcheck(lambda a, b: dot(weights, beta([a, b])), 0.21, 0.68)
    # by hand: ∂β_(1,2)/∂x_1 = π cos(π x_1) sin(2π x_2)
    x1, x2 = Value(0.21), Value(0.68)
    beta([x1, x2])[1].backward()
    by_hand = math.pi * math.cos(math.pi * 0.21) * math.sin(2 * math.pi * 0.68)
    assert x1.grad == pytest.approx(by_hand, rel=1e-12)


def test_a_linear_model_on_several_variables() -> None:
    model = FeatureModel(fourier(2, nin=2), seed=4)
    theta = [p.data for p in model.parameters()]
    out = model([1 / 6, 1 / 4])
    beta = [SQRT2 / 4, 1 / 2, SQRT6 / 4, SQRT3 / 2]
    by_hand = math.fsum(t * b for t, b in zip(theta, beta, strict=True))
    assert out.data == pytest.approx(by_hand, rel=1e-14)
    out.backward()
    assert [p.grad for p in model.parameters()] == pytest.approx(beta, rel=1e-14)


def test_a_saved_model_remembers_how_many_variables(tmp_path) -> None:
    model = FeatureModel(fourier(3, nin=2), seed=1)
    assert model.features.identity() == {"kind": "fourier", "name": "fourier(3, nin=2)", "n": 9}
    path = tmp_path / "q.json"
    model.save(path)
    fresh = FeatureModel(fourier(3, nin=2))
    fresh.load(path)
    assert fresh.state_dict() == model.state_dict()
    same_size = FeatureModel(fourier(9))  # also 9 features, but of one variable
    with pytest.raises(ModelFileError):
        same_size.load(path)
    assert same_size.state_dict() == {f"theta.{i}": 0.0 for i in range(9)}


def test_bad_arguments_and_inputs_are_named() -> None:
    with pytest.raises(ValueError, match=r"fourier: nin must be an int >= 1, got 0"):
        fourier(3, nin=0)
    with pytest.raises(ValueError, match=r"fourier: nin must be an int >= 1, got 2.0"):
        fourier(3, nin=2.0)
    beta = fourier(2, nin=2)
    with pytest.raises(ValueError, match=r"fourier: expected 2 inputs, got 3"):
        beta([0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"fourier: expected 2 inputs, got a single number"):
        beta(0.5)
    with pytest.raises(TypeError, match=r"fourier: expected a list of 2 numbers or Values, got"):
        beta("ab")
    with pytest.raises(ValueError, match=r"fourier: .*looks like a batch of 3 examples"):
        beta(np.zeros((3, 2)))
    with pytest.raises(TypeError, match=r"fourier: input 2 must be a number or a Value, got str"):
        beta([0.1, "0.2"])
