"""Losses and the L2 penalty: values against NumPy, gradients against central differences and
the derivatives worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Parameter, Value, gradcheck
from nn import bce_loss, cross_entropy, hinge_loss, l2_penalty, mse_loss, sse_loss

reals = st.floats(min_value=-10.0, max_value=10.0, allow_nan=False)


def pairs_of(labels: st.SearchStrategy[float]) -> st.SearchStrategy[list[tuple[float, float]]]:
    return st.lists(st.tuples(reals, labels), min_size=1, max_size=6)


def backprop(loss_fn, predictions: list[float], targets: list[float]) -> tuple[float, list[float]]:
    """The loss value and d loss / d prediction_i by our backward pass."""
    leaves = [Value(p) for p in predictions]
    loss = loss_fn(leaves, targets)
    loss.backward()
    return loss.data, [float(leaf.grad) for leaf in leaves]


# ---- mean and sum of squared errors -----------------------------------------------------------

@settings(max_examples=40)
@given(pairs_of(reals))
def test_mse_matches_numpy_and_the_lecture_derivative(pairs: list[tuple[float, float]]) -> None:
    y_hat = [p for p, _ in pairs]
    y = [t for _, t in pairs]
    n = len(pairs)
    value, grads = backprop(mse_loss, y_hat, y)
    assert value == pytest.approx(np.mean((np.array(y) - np.array(y_hat)) ** 2), abs=1e-9)
    # the lecture: dl/dy_hat_i = -2/n (y_i - y_hat_i)
    for g, yi, yhi in zip(grads, y, y_hat, strict=True):
        assert g == pytest.approx(-2.0 / n * (yi - yhi), abs=1e-9)
    assert gradcheck(lambda *v: mse_loss(list(v), y), *y_hat)


@settings(max_examples=40)
@given(pairs_of(reals))
def test_sse_matches_numpy_and_its_derivative(pairs: list[tuple[float, float]]) -> None:
    y_hat = [p for p, _ in pairs]
    y = [t for _, t in pairs]
    value, grads = backprop(sse_loss, y_hat, y)
    assert value == pytest.approx(np.sum((np.array(y) - np.array(y_hat)) ** 2), abs=1e-9)
    for g, yi, yhi in zip(grads, y, y_hat, strict=True):
        assert g == pytest.approx(-2.0 * (yi - yhi), abs=1e-9)
    assert gradcheck(lambda *v: sse_loss(list(v), y), *y_hat)


def test_a_single_prediction_and_target_are_accepted() -> None:
    y_hat = Value(2.0)
    loss = mse_loss(y_hat, 5.0)
    loss.backward()
    assert loss.data == 9.0
    assert y_hat.grad == -6.0  # -2 (5 - 2)
    assert isinstance(mse_loss(1.0, 1.0), Value)


def test_the_house_price_loss_is_the_squared_error() -> None:
    # the lecture's example: y_pred = 50000 + 163 * 2500 = 457500, y = 500000
    y_pred = Value(457_500.0)
    loss = sse_loss([y_pred], [500_000.0])
    loss.backward()
    assert loss.data == 42_500.0**2
    assert y_pred.grad == -85_000.0


# ---- hinge -------------------------------------------------------------------------------------

@settings(max_examples=40)
@given(pairs_of(st.sampled_from([-1.0, 1.0])))
def test_hinge_matches_numpy_and_its_derivative(pairs: list[tuple[float, float]]) -> None:
    s = [p for p, _ in pairs]
    y = [t for _, t in pairs]
    assume(all(abs(1 - yi * si) > 1e-3 for si, yi in pairs))  # away from the kink
    n = len(pairs)
    value, grads = backprop(hinge_loss, s, y)
    assert value == pytest.approx(np.mean(np.maximum(0.0, 1 - np.array(y) * np.array(s))))
    for g, si, yi in zip(grads, s, y, strict=True):
        assert g == pytest.approx(-yi / n if yi * si < 1 else 0.0)
    assert gradcheck(lambda *v: hinge_loss(list(v), y), *s)


# ---- binary cross-entropy from logits ----------------------------------------------------------

def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


@settings(max_examples=40)
@given(pairs_of(st.sampled_from([0.0, 1.0])))
def test_bce_matches_the_textbook_formula_and_its_derivative(
    pairs: list[tuple[float, float]],
) -> None:
    z = [p for p, _ in pairs]
    y = [t for _, t in pairs]
    n = len(pairs)
    value, grads = backprop(bce_loss, z, y)
    # -[y log sigma(z) + (1 - y) log(1 - sigma(z))], fine in float64 for |z| <= 10
    sig = 1.0 / (1.0 + np.exp(-np.array(z)))
    textbook = -np.mean(np.array(y) * np.log(sig) + (1 - np.array(y)) * np.log(1 - sig))
    assert value == pytest.approx(textbook, rel=1e-9, abs=1e-12)
    for g, zi, yi in zip(grads, z, y, strict=True):
        assert g == pytest.approx((sigmoid(zi) - yi) / n, abs=1e-12)  # d/dz = (sigma - y) / n
    assert gradcheck(lambda *v: bce_loss(list(v), y), *z)


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_bce_gradient_at_zero_logit_is_exact(y: float) -> None:
    z = Value(0.0)
    loss = bce_loss([z], [y])
    loss.backward()
    assert loss.data == pytest.approx(math.log(2.0))
    assert z.grad == pytest.approx(0.5 - y)  # sigma(0) - y, not a one-sided kink value


def test_bce_is_finite_and_exact_for_huge_logits() -> None:
    # by hand: loss(z, y) = max(z, 0) - z y + log(1 + e^-|z|) = 1000 when the sign is wrong,
    # log(1 + e^-1000) = 0 (to double precision) when right
    cases = [(1000.0, 1.0, 0.0), (1000.0, 0.0, 1000.0), (-1000.0, 0.0, 0.0), (-1000.0, 1.0, 1000.0)]
    for z_value, y, expected in cases:
        z = Value(z_value)
        loss = bce_loss(z, y)
        loss.backward()
        assert loss.data == expected
        assert z.grad == (1.0 - y if z_value > 0 else -y)  # sigma(z) - y with sigma = 1 or 0
    z = [Value(1000.0), Value(-1000.0)]
    loss = bce_loss(z, [0.0, 0.0])
    assert loss.data == 500.0


def test_bce_of_moderately_large_logits_matches_log1p() -> None:
    z, y = 30.0, 1.0
    assert bce_loss(z, y).data == pytest.approx(math.log1p(math.exp(-z)), abs=1e-15)
    assert bce_loss(-z, y).data == pytest.approx(z + math.log1p(math.exp(-z)), rel=1e-15)


# ---- cross-entropy ---------------------------------------------------------------------------

@settings(max_examples=40)
@given(st.lists(reals, min_size=1, max_size=6), st.data())
def test_cross_entropy_matches_numpy_log_softmax(logits: list[float], data: st.DataObject) -> None:
    target = data.draw(st.integers(0, len(logits) - 1))
    leaves = [Value(z) for z in logits]
    loss = cross_entropy(leaves, target)
    loss.backward()
    z = np.array(logits)
    assert loss.data == pytest.approx(np.logaddexp.reduce(z) - z[target], abs=1e-9)
    softmax = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    expected = softmax - np.eye(len(logits))[target]  # dl/dz = softmax - one_hot
    assert [leaf.grad for leaf in leaves] == pytest.approx(list(expected), abs=1e-9)
    assert gradcheck(lambda *v: cross_entropy(list(v), target), *logits)


def test_cross_entropy_is_finite_for_huge_logits() -> None:
    z = [Value(1000.0), Value(-1000.0), Value(0.0)]
    loss = cross_entropy(z, 1)
    loss.backward()
    # by hand: log(e^1000 + e^-1000 + 1) - (-1000) = 1000 + log(1 + e^-1000 + e^-2000) + 1000
    assert loss.data == 2000.0
    assert [v.grad for v in z] == [1.0, -1.0, pytest.approx(math.exp(-1000.0), abs=1e-300)]
    confident = cross_entropy([1000.0, -1000.0], 0)
    assert confident.data == 0.0


# ---- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("loss_fn", [mse_loss, sse_loss, hinge_loss, bce_loss])
def test_mismatched_lengths_and_empty_input_name_the_loss(loss_fn) -> None:
    name = loss_fn.__name__
    with pytest.raises(ValueError, match=rf"{name}: .*differ in length \(2 and 1\)"):
        loss_fn([1.0, 1.0], [1.0])
    with pytest.raises(ValueError, match=rf"{name}: .*empty"):
        loss_fn([], [])


@pytest.mark.parametrize(
    ("loss_fn", "label"),
    [(hinge_loss, 0.0), (hinge_loss, 2.0), (bce_loss, -1.0), (bce_loss, 0.5)],
)
def test_labels_outside_the_allowed_set_are_refused(loss_fn, label: float) -> None:
    with pytest.raises(ValueError, match=rf"{loss_fn.__name__}: labels must be .*{label!r}"):
        loss_fn([0.3, 0.2], [1.0, label])


def test_cross_entropy_refuses_bad_targets_and_empty_logits() -> None:
    with pytest.raises(ValueError, match=r"cross_entropy: target 3 is not a class index in 0\.\.2"):
        cross_entropy([0.0, 1.0, 2.0], 3)
    with pytest.raises(ValueError, match="cross_entropy: target -1"):
        cross_entropy([0.0, 1.0], -1)
    with pytest.raises(ValueError, match="cross_entropy: target must be a class index"):
        cross_entropy([0.0, 1.0], True)
    with pytest.raises(ValueError, match="cross_entropy: no logits"):
        cross_entropy([], 0)


# ---- L2 penalty --------------------------------------------------------------------------------

@settings(max_examples=40)
@given(st.lists(reals, min_size=1, max_size=6), st.floats(0.0, 5.0))
def test_l2_penalty_value_and_gradient_two_beta_theta(thetas: list[float], beta: float) -> None:
    parameters = [Parameter(t) for t in thetas]
    penalty = l2_penalty(parameters, beta)
    penalty.backward()
    assert penalty.data == pytest.approx(beta * np.sum(np.array(thetas) ** 2), abs=1e-9)
    for p, t in zip(parameters, thetas, strict=True):
        assert p.grad == pytest.approx(2.0 * beta * t, abs=1e-9)  # d(beta |theta|^2)/dtheta_i
    assert gradcheck(lambda *v: l2_penalty(list(v), beta), *thetas)


def test_l2_penalty_refuses_a_negative_or_non_finite_beta() -> None:
    with pytest.raises(ValueError, match=r"l2_penalty: beta .* got -0\.1"):
        l2_penalty([Parameter(1.0)], -0.1)
    with pytest.raises(ValueError, match=r"l2_penalty: beta .* got nan"):
        l2_penalty([Parameter(1.0)], math.nan)


def test_l2_penalty_of_no_parameters_is_zero() -> None:
    assert l2_penalty([], 0.5).data == 0.0


# ---- every input checked, NumPy numbers accepted -------------------------------------------------

@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("position", [0, 1, 2])
def test_cross_entropy_refuses_a_non_finite_logit_anywhere(position: int, bad: float) -> None:
    logits = [1.0, 2.0, 3.0]
    logits[position] = bad
    with pytest.raises(ValueError, match=rf"cross_entropy: .*logit {position} = {bad!r}"):
        cross_entropy(logits, 0)


@pytest.mark.parametrize("loss_fn", [mse_loss, sse_loss, hinge_loss, bce_loss])
@pytest.mark.parametrize(("bad", "shown"), [("a", "str 'a'"), (None, "NoneType None")])
def test_a_target_that_is_not_a_number_names_the_loss_position_and_value(
    loss_fn, bad: object, shown: str
) -> None:
    with pytest.raises(TypeError, match=rf"{loss_fn.__name__}: target 1: .*got {shown}"):
        loss_fn([Value(0.5), Value(0.25)], [1.0, bad])


def test_l2_penalty_of_a_single_value_asks_for_a_list() -> None:
    with pytest.raises(TypeError, match="l2_penalty: parameters must be a list of Values, got a "
                                        "single Value"):
        l2_penalty(Parameter(1.0), 0.1)  # type: ignore[arg-type]


def test_numpy_scalars_are_numbers_to_the_losses() -> None:
    # (y − ŷ)² by hand: (2 − 0.5)² = 2.25, exact in float32 too
    assert mse_loss(np.float32(0.5), np.float32(2.0)).data == 2.25
    assert mse_loss([np.float32(0.5)], [np.int64(2)]).data == 2.25
    # −log softmax([0, 1])_1 = log(1 + e^−1), by hand
    assert cross_entropy([0.0, 1.0], np.int64(1)).data == pytest.approx(math.log1p(math.exp(-1)))
    assert l2_penalty([Parameter(3.0)], np.float32(0.5)).data == 4.5  # 0.5 · 3²
