"""softmax and log_softmax: values against NumPy, gradients against central differences and the
hand-derived Jacobians, and finite results at logits of ±1000."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, gradcheck, topological_order
from nn import cross_entropy, log_softmax, softmax

logit_lists = st.lists(
    st.floats(min_value=-20.0, max_value=20.0, allow_nan=False), min_size=1, max_size=5
)


def numpy_log_softmax(z: list[float]) -> np.ndarray:
    """log π by NumPy, shifted by the largest logit (independent of our code)."""
    shifted = np.array(z, dtype=np.float64) - max(z)
    return shifted - np.log(np.sum(np.exp(shifted)))


def jacobian(fn, z: list[float]) -> np.ndarray:
    """d out_i / d z_j by our backward pass, one backward per output."""
    rows = []
    for i in range(len(z)):
        leaves = [Value(z_j) for z_j in z]
        fn(leaves)[i].backward()
        rows.append([leaf.grad for leaf in leaves])
    return np.array(rows)


# ---- values ------------------------------------------------------------------------------------

@settings(max_examples=40)
@given(logit_lists)
def test_softmax_values_match_numpy_and_sum_to_one(z: list[float]) -> None:
    probabilities = [p.data for p in softmax(z)]
    assert probabilities == pytest.approx(list(np.exp(numpy_log_softmax(z))), rel=1e-12, abs=1e-300)
    assert math.fsum(probabilities) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=40)
@given(logit_lists)
def test_log_softmax_values_match_numpy(z: list[float]) -> None:
    assert [v.data for v in log_softmax(z)] == pytest.approx(
        list(numpy_log_softmax(z)), rel=1e-12, abs=1e-12
    )


def test_softmax_of_a_worked_example() -> None:
    # z = (0, log 2, log 5): e^z = (1, 2, 5), so π = (1/8, 2/8, 5/8)
    z = [0.0, math.log(2.0), math.log(5.0)]
    assert [p.data for p in softmax(z)] == pytest.approx([0.125, 0.25, 0.625], rel=1e-14)
    assert [v.data for v in log_softmax(z)] == pytest.approx(
        [math.log(0.125), math.log(0.25), math.log(0.625)], rel=1e-14
    )


def test_log_softmax_of_the_target_is_minus_the_cross_entropy() -> None:
    z = [0.3, -1.2, 2.5, 0.0]
    for target in range(len(z)):
        assert log_softmax(z)[target].data == pytest.approx(-cross_entropy(z, target).data)


# ---- gradients -------------------------------------------------------------------------------

@settings(max_examples=25)
@given(logit_lists)
def test_softmax_gradients_match_central_differences(z: list[float]) -> None:
    for i in range(len(z)):
        assert gradcheck(lambda *v, i=i: softmax(list(v))[i], *z)


@settings(max_examples=25)
@given(logit_lists)
def test_log_softmax_gradients_match_central_differences(z: list[float]) -> None:
    for i in range(len(z)):
        assert gradcheck(lambda *v, i=i: log_softmax(list(v))[i], *z)


def test_jacobians_match_the_hand_derivation() -> None:
    z = [0.5, -1.0, 2.0]
    pi = np.exp(numpy_log_softmax(z))
    identity = np.eye(len(z))
    # ∂π_i/∂z_j = π_i ([i = j] − π_j);  ∂ log π_i/∂z_j = [i = j] − π_j
    np.testing.assert_allclose(
        jacobian(softmax, z), pi[:, None] * (identity - pi[None, :]), atol=1e-14
    )
    np.testing.assert_allclose(jacobian(log_softmax, z), identity - pi[None, :], atol=1e-14)


def test_a_weighted_sum_of_outputs_differentiates_through_the_shared_sum() -> None:
    weights = [2.0, -1.0, 0.5]
    assert gradcheck(lambda a, b, c: dot(weights, softmax([a, b, c])), 0.1, 0.7, -0.4)
    assert gradcheck(lambda a, b, c: dot(weights, log_softmax([a, b, c])), 0.1, 0.7, -0.4)


# ---- extreme logits -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("z", "expected"),
    [
        ([1000.0, -1000.0], [0.0, -2000.0]),
        ([-1000.0, 1000.0, 0.0], [-2000.0, 0.0, -1000.0]),
        ([1000.0, 1000.0], [-math.log(2.0), -math.log(2.0)]),
        ([-1000.0, -1000.0, -1000.0], [-math.log(3.0)] * 3),
    ],
)
def test_extreme_logits_give_finite_values_and_gradients(
    z: list[float], expected: list[float]
) -> None:
    log_probabilities = log_softmax(z)
    assert [v.data for v in log_probabilities] == pytest.approx(expected, rel=1e-12)
    assert [p.data for p in softmax(z)] == pytest.approx([math.exp(e) for e in expected])
    pi = [math.exp(e) for e in expected]
    for i in range(len(z)):
        leaves = [Value(z_j) for z_j in z]
        log_softmax(leaves)[i].backward()
        # ∂ log π_i/∂z_j = [i = j] − π_j, finite even where π_i underflows to 0
        assert [leaf.grad for leaf in leaves] == pytest.approx(
            [(1.0 if j == i else 0.0) - pi[j] for j in range(len(z))], abs=1e-12
        )
        leaves = [Value(z_j) for z_j in z]
        softmax(leaves)[i].backward()
        assert [leaf.grad for leaf in leaves] == pytest.approx(
            [pi[i] * ((1.0 if j == i else 0.0) - pi[j]) for j in range(len(z))], abs=1e-12
        )
        assert gradcheck(lambda *v, i=i: log_softmax(list(v))[i], *z)


def test_log_softmax_takes_the_log_of_a_sum_of_at_least_one() -> None:
    z = [Value(1000.0), Value(-1000.0)]
    output = log_softmax(z)[1]
    logs = [node for node in topological_order(output) if node.op == "log"]
    assert len(logs) == 1
    assert logs[0].inputs[0].data == 1.0  # e^0 + e^-2000, never a probability that is 0


def test_every_output_shares_one_sum_node() -> None:
    z = [Value(0.1), Value(0.2), Value(0.3)]
    for outputs in (softmax(z), log_softmax(z)):
        sums = {
            id(node)
            for output in outputs
            for node in topological_order(output)
            if node.op == "sum"
        }
        assert len(sums) == 1


def test_a_single_logit_has_probability_one() -> None:
    assert softmax([3.5])[0].data == 1.0
    assert log_softmax([-7.0])[0].data == 0.0


# ---- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_bad_logits_raise_errors_naming_the_function_and_the_value(fn) -> None:
    name = fn.__name__
    with pytest.raises(ValueError, match=rf"{name}: no logits given"):
        fn([])
    with pytest.raises(ValueError, match=rf"{name}: logits must be finite, got logit 1 = inf"):
        fn([0.0, math.inf])
    with pytest.raises(ValueError, match=rf"{name}: logits must be finite, got logit 0 = nan"):
        fn([Value(math.nan), Value(0.0)])
    with pytest.raises(TypeError, match=rf"{name}: logit 1: expected a real number, got str"):
        fn([0.0, "1"])
    with pytest.raises(TypeError, match=rf"{name}: logits must be a list"):
        fn(Value(1.0))
    with pytest.raises(TypeError, match=rf"{name}: logits must be a list"):
        fn(2.0)


def test_numpy_logits_are_accepted() -> None:
    expected = list(numpy_log_softmax([0.5, -0.5]))
    for z in (np.array([0.5, -0.5]), list(np.array([0.5, -0.5])), (0.5, -0.5)):
        assert [p.data for p in softmax(z)] == pytest.approx(list(np.exp(expected)), rel=1e-14)
        assert [v.data for v in log_softmax(z)] == pytest.approx(expected, rel=1e-14)
