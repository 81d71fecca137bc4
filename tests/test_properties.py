"""Property-based gradient tests: random graphs from every op against central differences."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad, no_grad, numerical_gradient

from .strategies import Recipe, input_points, recipes


def assert_close(analytic: float, numeric: float, what: str) -> None:
    assert math.isclose(analytic, numeric, rel_tol=1e-4, abs_tol=1e-5), (
        f"{what}: backward gives {analytic!r}, central differences {numeric!r}"
    )


def backward_gradients(recipe: Recipe) -> list[float]:
    leaves = [Value(x) for x in recipe.inputs]
    recipe.build(leaves).backward()
    return [float(leaf.grad) for leaf in leaves]


@given(recipes())
def test_every_input_gradient_matches_central_differences(recipe: Recipe) -> None:
    analytic = backward_gradients(recipe)
    for i, got in enumerate(analytic):
        numeric = numerical_gradient(recipe, list(recipe.inputs), i)
        assert_close(got, numeric, f"d out/d x{i} of {recipe}")


@given(st.data(), input_points(), st.floats(-3, 3), st.floats(-3, 3))
def test_gradient_is_linear(
    data: st.DataObject, point: tuple[float, ...], alpha: float, beta: float
) -> None:
    # grad(alpha f + beta g) = alpha grad f + beta grad g
    f = data.draw(recipes(inputs=point))
    g = data.draw(recipes(inputs=point))
    positions = tuple(range(len(point)))

    def combined(*xs: Value) -> Value:
        return alpha * f(*xs) + beta * g(*xs)

    whole = grad(combined, argnum=positions)(*point)
    grad_f = grad(f, argnum=positions)(*point)
    grad_g = grad(g, argnum=positions)(*point)
    for i in positions:
        expected = alpha * grad_f[i] + beta * grad_g[i]
        assert math.isclose(whole[i], expected, rel_tol=1e-9, abs_tol=1e-9)


@given(recipes())
def test_two_backward_passes_give_leaves_twice_the_gradient(recipe: Recipe) -> None:
    leaves = [Value(x) for x in recipe.inputs]
    out = recipe.build(leaves)
    out.backward()
    once = [float(leaf.grad) for leaf in leaves]
    interior = [node.grad for node in _interior(out)]
    out.backward()
    for leaf, first in zip(leaves, once, strict=True):
        # equal up to rounding: a leaf used twice adds two contributions in each pass
        assert math.isclose(float(leaf.grad), 2 * first, rel_tol=1e-12, abs_tol=1e-300)
    # interior nodes hold the latest pass's gradient, not a sum
    assert [node.grad for node in _interior(out)] == interior


def _interior(out: Value) -> list[Value]:
    from autograd import topological_order

    return [node for node in topological_order(out) if not node.is_leaf]


@given(recipes(max_inputs=1, max_steps=5))
def test_second_derivative_matches_differences_of_first_derivatives(recipe: Recipe) -> None:
    x0 = recipe.inputs[0]
    first = grad(recipe)
    second = grad(grad(recipe))(x0)
    eps = 1e-5
    numeric = (first(x0 + eps) - first(x0 - eps)) / (2 * eps)
    assert math.isclose(second, numeric, rel_tol=1e-3, abs_tol=1e-3), (second, numeric)


@given(st.floats(-3, 3), st.integers(2, 6))
def test_a_node_used_many_times_receives_every_contribution(x: float, uses: int) -> None:
    a = Value(x)
    total = a
    for _ in range(uses - 1):
        total = total + a  # total = uses * a
    (total * a).backward()  # d(uses a^2)/da = 2 uses a
    assert math.isclose(a.grad, 2 * uses * x, rel_tol=1e-12, abs_tol=1e-12)


@given(recipes())
def test_no_grad_records_nothing(recipe: Recipe) -> None:
    leaves = [Value(x) for x in recipe.inputs]
    with no_grad():
        out = recipe.build(leaves)
    assert out.inputs == () and out.op == "" and out.is_leaf
    recorded = recipe.build([Value(x) for x in recipe.inputs])
    assert out.data == recorded.data or (math.isnan(out.data) and math.isnan(recorded.data))
