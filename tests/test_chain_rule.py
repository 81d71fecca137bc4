"""Tests for chain_rule and explain_step: the lecture's lines, sums over paths, the path limit."""

from __future__ import annotations

import math

import pytest

import autograd
from autograd import Value, chain_rule, explain_step, numerical_gradient
from autograd.examples import house_price

# The slide's numbers, derived by hand from the defaults of house_price().
THETA1, THETA2, X, Y = 50_000.0, 163.0, 2_500.0, 500_000.0
Y_PRED = THETA1 + THETA2 * X
DLOSS_DTHETA1 = 2 * (Y_PRED - Y)
DLOSS_DTHETA2 = 2 * (Y_PRED - Y) * X


def test_theta2_is_the_lectures_line() -> None:
    house = house_price()
    rule = chain_rule(house.loss, house.theta2)
    assert str(rule) == (
        "∂loss/∂theta2 = ∂loss/∂c2 · ∂c2/∂y_pred · ∂y_pred/∂c1 · ∂c1/∂theta2"
        " = -85,000 · 1 · 1 · 2,500 = -2.125e+08"
    )
    assert rule.total == DLOSS_DTHETA2 == -2.125e8
    (path,) = rule.paths
    assert [(f.node, f.input) for f in path] == [
        (house.loss, house.c2), (house.c2, house.y_pred), (house.y_pred, house.c1),
        (house.c1, house.theta2),
    ]
    assert [f.local_derivative for f in path] == [2 * (Y_PRED - Y), 1.0, 1.0, X]


def test_theta1_is_the_lectures_line() -> None:
    house = house_price()
    rule = chain_rule(house.loss, house.theta1)
    assert rule.lines() == [
        "∂loss/∂theta1 = ∂loss/∂c2 · ∂c2/∂y_pred · ∂y_pred/∂theta1 = -85,000 · 1 · 1 = -85,000"
    ]
    assert rule.total == DLOSS_DTHETA1 == -85_000.0


def test_latex_for_jupyter() -> None:
    house = house_price()
    latex = chain_rule(house.loss, house.theta2)._repr_latex_()
    assert latex.startswith("$$") and latex.endswith("$$")
    assert r"\frac{\partial \mathrm{loss}}{\partial \mathrm{theta2}}" in latex
    assert r"\mathrm{y\_pred}" in latex
    assert r"-85{,}000 \cdot 1 \cdot 1 \cdot 2{,}500" in latex
    assert r"-2.125 \times 10^{8}" in latex


def f_many_paths(a: Value, b: Value) -> Value:
    """a reaches the output along four paths: a*b, sin(a) (twice, through * itself) and a*a."""
    s = a.sin()
    return a * b + s * s + (a * a).tanh()


def test_several_paths_sum_to_the_central_difference_gradient() -> None:
    point = [0.8, -1.7]
    a, b = Value(point[0], label="a"), Value(point[1], label="b")
    rule = chain_rule(f_many_paths(a, b), a)
    assert len(rule.paths) == 5  # a*b, s*s twice, a*a twice
    assert math.isclose(rule.total, numerical_gradient(f_many_paths, point, 0), rel_tol=1e-7)
    products = [math.prod(f.local_derivative for f in path) for path in rule.paths]
    assert rule.total == sum(products)
    first, second, third = rule.lines()
    root_name = "(a*b + sin(a)*sin(a) + tanh(a*a))"
    assert first.startswith(f"∂{root_name}/∂a = ∂{root_name}/∂(a*b + sin(a)*sin(a)) · ")
    assert first.count(f"∂{root_name}/") == 1 + 5  # the total once, then one per path
    assert second.strip().startswith("=") and third.strip().startswith("=")
    assert second.count(" + ") == 4


def test_a_path_per_input_so_a_times_a_has_two() -> None:
    a = Value(3.0, label="a")
    rule = chain_rule(a * a, a)
    assert [[f.local_derivative for f in path] for path in rule.paths] == [[3.0], [3.0]]
    assert rule.total == 2 * 3.0  # d a^2/da = 2a


def test_unlabelled_nodes_are_named_by_their_formula_as_in_the_picture() -> None:
    a = Value(2.0, label="a")
    root = (a * 3.0).tanh()
    rule = chain_rule(root, a)
    assert str(rule).startswith("∂(tanh(a*3))/∂a = ∂(tanh(a*3))/∂(a*3) · ∂(a*3)/∂a = ")
    assert str(chain_rule((a * 3.0).tanh(), a)) == str(rule)
    picture = autograd.draw_graph(root).source
    assert "tanh(a*3)" in picture and "a*3 |" in picture


def test_a_long_formula_is_named_by_its_stable_name_in_text_and_picture() -> None:
    x = Value(1.5, label="x")
    root = x
    for _ in range(20):
        root = root * x
    line = str(chain_rule(root, x))
    # x, x*x, x*x*x, ...: past 16 x's a product is too long to be a name; those are counted
    # from 1 in this graph: mul1 (17 x's) to mul5 (21 x's)
    assert line.startswith("∂mul5/∂x = ∂mul5/∂mul4 · ")
    picture = autograd.draw_graph(root).source
    assert 'v20 [label="mul5 | data' in picture and 'v19 [label="mul4 | data' in picture


def test_no_path_and_root_itself() -> None:
    house = house_price()
    other = Value(1.0, label="z")
    rule = chain_rule(house.loss, other)
    assert rule.total == 0.0 and rule.paths == ()
    assert str(rule) == "∂loss/∂z = 0 (no path leads from loss to z)"
    assert str(chain_rule(house.loss, house.loss)) == "∂loss/∂loss = 1"
    assert chain_rule(house.loss, house.loss).total == 1.0


def test_too_many_paths_is_refused_at_once() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(200):  # 2**200 paths from y to x: listing them would never end
        y = y + y
    with pytest.raises(ValueError, match=r"about 10\^60 paths .*max_paths=1,000.*gradients"):
        chain_rule(y, x)
    z = x
    for _ in range(10):
        z = z + z
    with pytest.raises(ValueError, match="1,024 paths"):
        chain_rule(z, x)
    assert len(chain_rule(z, x, max_paths=1024).paths) == 1024


def test_the_total_adds_path_by_path_and_matches_backward_up_to_rounding() -> None:
    x = Value(1.0, label="x")
    y = x * 0.1 + x * 0.2 + x * 0.3
    rule = chain_rule(y, x)
    assert rule.total == (0.1 + 0.2) + 0.3  # the paths, left to right: 0.6000000000000001
    assert rule.total == pytest.approx(0.6, rel=1e-15)  # dy/dx = 0.1 + 0.2 + 0.3, by hand
    y.backward()
    assert rule.total == pytest.approx(x.grad, rel=1e-15)  # as the docs say: up to rounding


def test_a_doubling_chain_is_refused_with_the_max_paths_message() -> None:
    x = Value(1.0, label="x")
    v = x
    for _ in range(15_000):  # 2**15000 paths: an exact count would have 4,516 digits
        v = v * v
    with pytest.raises(ValueError, match=r"more than 10\^308 paths .*max_paths=1,000"):
        chain_rule(v, x)


def test_bad_arguments_are_named() -> None:
    house = house_price()
    with pytest.raises(TypeError) as caught:
        chain_rule(5, house.x)  # type: ignore[arg-type]
    assert str(caught.value) == "chain_rule: root must be a Value, got int 5"
    with pytest.raises(TypeError) as caught:
        chain_rule(house.loss, 3.0)  # type: ignore[arg-type]
    assert str(caught.value) == "chain_rule: wrt must be a Value, got float 3.0"
    with pytest.raises(ValueError, match="max_paths must be a positive int, got 0"):
        chain_rule(house.loss, house.x, max_paths=0)
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError) as caught:
            chain_rule(house.loss, house.x, precision=bad)  # type: ignore[arg-type]
        assert str(caught.value) == f"chain_rule: precision must be a positive int, got {bad!r}"


def test_explain_step_names_its_bad_arguments() -> None:
    house = house_price()
    step = next(autograd.backprop_steps(house.loss))
    with pytest.raises(TypeError) as caught:
        explain_step(step, 5)  # type: ignore[arg-type]
    assert str(caught.value) == "explain_step: root must be a Value, got int 5"
    with pytest.raises(TypeError) as caught:
        explain_step(5, house.loss)  # type: ignore[arg-type]
    assert str(caught.value) == "explain_step: step must be a BackpropStep, got int 5"
    with pytest.raises(ValueError) as caught:
        explain_step(step, house.loss, precision=0)
    assert str(caught.value) == "explain_step: precision must be a positive int, got 0"


def test_explain_step_refuses_a_step_of_another_graph() -> None:
    house, other = house_price(), house_price()
    step = list(autograd.backprop_steps(other.loss))[2]
    with pytest.raises(ValueError) as caught:
        explain_step(step, house.loss)
    assert str(caught.value).startswith(
        "explain_step: step 2 is not a step of this root: root does not depend on its node"
    )
    names = {node: node.label for node in autograd.topological_order(house.loss)}
    with pytest.raises(ValueError, match="explain_step: step 2 is not a step of this root"):
        explain_step(step, house.loss, names=names)


def test_precision_controls_the_numbers() -> None:
    a = Value(1.0, label="a")
    assert str(chain_rule(a.exp(), a, precision=3)) == "∂(exp(a))/∂a = e^a = 2.72"
    assert str(chain_rule(a.exp() * 2, a, precision=3)).endswith("= 2 · 2.72 = 5.44")


def test_explain_step_writes_the_steps_arithmetic() -> None:
    house = house_price()
    steps = list(autograd.backprop_steps(house.loss))
    assert explain_step(steps[3], house.loss) == [
        "∂loss/∂c1 = -85,000",
        "∂loss/∂theta2 += ∂loss/∂c1 · ∂c1/∂theta2 = -85,000 · 2,500 = -2.125e+08",
        "∂loss/∂x += ∂loss/∂c1 · ∂c1/∂x = -85,000 · 163 = -1.386e+07",
    ]
    assert DLOSS_DTHETA1 * THETA2 == -1.3855e7  # the hand value behind -1.386e+07


def test_autograd_chain_rule_is_the_function() -> None:
    assert callable(autograd.chain_rule)
    assert autograd.chain_rule is chain_rule


def test_a_chain_of_a_hundred_thousand_nodes_is_written_out() -> None:
    """One path of 10^5 factors (quadratic work before: minutes; linear now: seconds)."""
    x = Value(0.5, label="x")
    y = x
    for _ in range(100_000):
        y = y * 1.0
    rule = chain_rule(y, x)
    (path,) = rule.paths
    assert len(path) == 100_000
    assert path[0].node is y and path[-1].input is x
    assert all(factor.local_derivative == 1.0 for factor in path)
    assert rule.total == 1.0  # d(x * 1 * ... * 1)/dx = 1, by hand
