"""Optimizers: one step against the formula by hand, many steps against NumPy, state, errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Parameter, Value
from optim import SGD, Adam, NonFiniteStep, Optimizer, RMSProp

# ---- a two-parameter problem with a gradient we know by hand ---------------------------------
# f(θ) = ½ θᵀ A θ − bᵀ θ, so ∇f(θ) = A θ − b (A symmetric).

A = np.array([[3.0, 0.5], [0.5, 1.0]])
B = np.array([1.0, -2.0])
THETA0 = np.array([0.7, -1.3])


def quadratic(theta: list[Value]) -> Value:
    half_quadratic_form = sum(
        0.5 * A[i, j] * theta[i] * theta[j] for i in range(2) for j in range(2)
    )
    return half_quadratic_form - sum(B[i] * theta[i] for i in range(2))


def make_parameters(values: np.ndarray = THETA0) -> list[Value]:
    return [Parameter(float(x), label=f"theta{i + 1}") for i, x in enumerate(values)]


def run(optimizer: Optimizer, theta: list[Value], steps: int) -> np.ndarray:
    for _ in range(steps):
        optimizer.zero_grad()
        quadratic(theta).backward()
        optimizer.step()
    return np.array([p.data for p in theta])


def data(theta: list[Value]) -> list[float]:
    return [p.data for p in theta]


# ---- one step equals the formula, computed by hand ------------------------------------------

def hand_gradient(t1: float, t2: float) -> tuple[float, float]:
    # ∂f/∂θ1 = 3 θ1 + 0.5 θ2 − 1,  ∂f/∂θ2 = 0.5 θ1 + θ2 + 2
    return 3 * t1 + 0.5 * t2 - 1, 0.5 * t1 + t2 + 2


def test_sgd_one_step_is_theta_minus_alpha_g() -> None:
    theta = make_parameters()
    run(SGD(theta, lr=0.1), theta, steps=1)
    g1, g2 = hand_gradient(0.7, -1.3)
    assert data(theta) == pytest.approx([0.7 - 0.1 * g1, -1.3 - 0.1 * g2], rel=1e-12)


def test_sgd_momentum_two_steps_by_hand() -> None:
    theta = make_parameters()
    run(SGD(theta, lr=0.1, momentum=0.9), theta, steps=2)
    g1, g2 = hand_gradient(0.7, -1.3)
    b1, b2 = g1, g2  # b ← 0.9·0 + g
    t1, t2 = 0.7 - 0.1 * b1, -1.3 - 0.1 * b2
    g1, g2 = hand_gradient(t1, t2)
    b1, b2 = 0.9 * b1 + g1, 0.9 * b2 + g2
    assert data(theta) == pytest.approx([t1 - 0.1 * b1, t2 - 0.1 * b2], rel=1e-12)


def test_rmsprop_one_step_by_hand() -> None:
    theta = make_parameters()
    run(RMSProp(theta, lr=0.01, gamma=0.9, eps=1e-8), theta, steps=1)
    expected = []
    for t, g in zip((0.7, -1.3), hand_gradient(0.7, -1.3), strict=True):
        s = 0.1 * g * g
        expected.append(t - 0.01 * g / (1e-8 + math.sqrt(s)))
    assert data(theta) == pytest.approx(expected, rel=1e-12)


def test_adam_one_step_by_hand() -> None:
    theta = make_parameters()
    run(Adam(theta, lr=0.05, gamma_v=0.8, gamma_s=0.99, eps=1e-3), theta, steps=1)
    expected = []
    for t, g in zip((0.7, -1.3), hand_gradient(0.7, -1.3), strict=True):
        v, s = 0.2 * g, 0.01 * g * g
        v_hat, s_hat = v / (1 - 0.8), s / (1 - 0.99)
        expected.append(t - 0.05 * v_hat / (1e-3 + math.sqrt(s_hat)))
    assert data(theta) == pytest.approx(expected, rel=1e-12)


# ---- fifty steps equal an independent, vectorised NumPy implementation ----------------------

def numpy_gradient(theta: np.ndarray) -> np.ndarray:
    return A @ theta - B


def numpy_sgd(lr: float, momentum: float, steps: int) -> np.ndarray:
    theta, b = THETA0.copy(), np.zeros(2)
    for _ in range(steps):
        g = numpy_gradient(theta)
        b = momentum * b + g
        theta = theta - lr * (b if momentum else g)
    return theta


def numpy_rmsprop(lr: float, gamma: float, eps: float, steps: int) -> np.ndarray:
    theta, s = THETA0.copy(), np.zeros(2)
    for _ in range(steps):
        g = numpy_gradient(theta)
        s = gamma * s + (1 - gamma) * g * g
        theta = theta - lr * g / (eps + np.sqrt(s))
    return theta


def numpy_adam(lr: float, gv: float, gs: float, eps: float, steps: int) -> np.ndarray:
    theta, v, s = THETA0.copy(), np.zeros(2), np.zeros(2)
    for k in range(steps):
        g = numpy_gradient(theta)
        v = gv * v + (1 - gv) * g
        s = gs * s + (1 - gs) * g * g
        v_hat = v / (1 - gv ** (k + 1))
        s_hat = s / (1 - gs ** (k + 1))
        theta = theta - lr * v_hat / (eps + np.sqrt(s_hat))
    return theta


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_fifty_steps_match_numpy(momentum: float) -> None:
    theta = make_parameters()
    ours = run(SGD(theta, lr=0.05, momentum=momentum), theta, steps=50)
    np.testing.assert_allclose(ours, numpy_sgd(0.05, momentum, 50), rtol=1e-10, atol=1e-12)


def test_rmsprop_fifty_steps_match_numpy() -> None:
    theta = make_parameters()
    ours = run(RMSProp(theta, lr=0.01, gamma=0.9, eps=1e-8), theta, steps=50)
    np.testing.assert_allclose(ours, numpy_rmsprop(0.01, 0.9, 1e-8, 50), rtol=1e-10, atol=1e-12)


def test_adam_fifty_steps_match_numpy() -> None:
    theta = make_parameters()
    ours = run(Adam(theta, lr=0.02, gamma_v=0.9, gamma_s=0.999, eps=1e-8), theta, steps=50)
    expected = numpy_adam(0.02, 0.9, 0.999, 1e-8, 50)
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)


def test_each_optimizer_approaches_the_minimum() -> None:
    minimum = np.linalg.solve(A, B)
    for make in (
        lambda p: SGD(p, lr=0.1, momentum=0.5),
        lambda p: RMSProp(p, lr=0.01),
        lambda p: Adam(p, lr=0.05),
    ):
        theta = make_parameters()
        np.testing.assert_allclose(run(make(theta), theta, steps=400), minimum, atol=0.05)


# ---- Adam's first step is about α in the direction −sign(g) ----------------------------------

@settings(max_examples=50)
@given(
    g=st.floats(min_value=1e-4, max_value=1e6) | st.floats(min_value=-1e6, max_value=-1e-4),
    lr=st.floats(min_value=1e-4, max_value=1.0),
)
def test_adam_first_step_moves_by_alpha_whatever_the_gradient_size(g: float, lr: float) -> None:
    theta = Parameter(2.0)
    optimizer = Adam([theta], lr=lr)
    (g * theta).backward()  # d(g θ)/dθ = g
    optimizer.step()
    assert theta.data - 2.0 == pytest.approx(-lr * math.copysign(1.0, g), rel=1e-3)


# ---- maximize=True climbs --------------------------------------------------------------------

@pytest.mark.parametrize(
    "make",
    [
        lambda p: SGD(p, lr=0.1, maximize=True),
        lambda p: SGD(p, lr=0.1, momentum=0.9, maximize=True),
        lambda p: RMSProp(p, lr=0.05, maximize=True),
        lambda p: Adam(p, lr=0.05, maximize=True),
    ],
    ids=["SGD", "SGD-momentum", "RMSProp", "Adam"],
)
def test_maximize_goes_uphill(make: object) -> None:
    theta = make_parameters()

    def bump() -> Value:  # a concave function with its top at θ = (1, -1)
        return -((theta[0] - 1) ** 2) - 2 * (theta[1] + 1) ** 2

    optimizer = make(theta)  # type: ignore[operator]
    start = bump().data
    for _ in range(10):
        optimizer.zero_grad()
        bump().backward()
        optimizer.step()
    assert bump().data > start
    assert abs(theta[0].data - 1) < abs(0.7 - 1)


def test_maximize_is_descent_on_the_negated_objective() -> None:
    up, down = make_parameters(), make_parameters()
    climber, descender = Adam(up, lr=0.1, maximize=True), Adam(down, lr=0.1)
    for _ in range(5):
        climber.zero_grad()
        (-quadratic(up)).backward()
        climber.step()
        descender.zero_grad()
        quadratic(down).backward()
        descender.step()
    assert data(up) == pytest.approx(data(down), rel=1e-12)


# ---- hyper-parameters are checked ------------------------------------------------------------

@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: SGD(p, lr=-1), "Invalid learning rate: -1"),
        (lambda p: SGD(p, lr=math.nan), "Invalid learning rate: nan"),
        (lambda p: SGD(p, lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
        (lambda p: SGD(p, lr=0.1, maximize=1), "Invalid maximize value: 1"),
        (lambda p: RMSProp(p, lr=-0.1), "Invalid learning rate: -0.1"),
        (lambda p: RMSProp(p, lr=0.1, gamma=1.0), "Invalid gamma value: 1.0"),
        (lambda p: RMSProp(p, lr=0.1, gamma=-0.1), "Invalid gamma value: -0.1"),
        (lambda p: RMSProp(p, lr=0.1, eps=0.0), "Invalid epsilon value: 0.0"),
        (lambda p: Adam(p, lr=-1e-3), "Invalid learning rate: -0.001"),
        (lambda p: Adam(p, gamma_v=1.0), "Invalid gamma_v value: 1.0"),
        (lambda p: Adam(p, gamma_s=1.5), "Invalid gamma_s value: 1.5"),
        (lambda p: Adam(p, eps=-1e-8), "Invalid epsilon value: -1e-08"),
        (lambda p: Adam(p, lr="0.1"), "Invalid learning rate: '0.1'"),
        (lambda p: SGD(p, lr=10**5000), "SGD: Invalid lr value: an int of about 5001 digits"),
        (lambda p: SGD(p, lr=-(10**5000)), "Invalid learning rate: an int of about 5001 digits"),
        (lambda p: SGD(p, lr=0.1, momentum=10**400), "Invalid momentum value: an int of about"),
        (lambda p: Adam(p, eps=10**5000), "Adam: Invalid eps value: an int of about 5001 digits"),
    ],
)
def test_invalid_hyperparameters_are_named(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        make(make_parameters())  # type: ignore[operator]


def test_zero_learning_rate_is_allowed_and_changes_nothing() -> None:
    theta = make_parameters()
    assert list(run(SGD(theta, lr=0.0), theta, steps=3)) == list(THETA0)


# ---- the parameter list ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", [set, frozenset, lambda ps: dict.fromkeys(ps).keys()])
def test_unordered_parameter_collections_are_refused(kind: object) -> None:
    theta = make_parameters()
    with pytest.raises(TypeError, match="ordered"):
        SGD(kind(theta), lr=0.1)  # type: ignore[operator]


def test_empty_repeated_and_non_value_parameters_are_refused() -> None:
    theta = make_parameters()
    with pytest.raises(ValueError, match="empty parameter list"):
        Adam([])
    repeated = r"parameter 2 \('theta1'\) is the same Value as parameter 0"
    with pytest.raises(ValueError, match=repeated):
        Adam([theta[0], theta[1], theta[0]])
    with pytest.raises(TypeError, match="item 1 is float"):
        Adam([theta[0], 1.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="wrap it in a list"):
        Adam(theta[0])  # type: ignore[arg-type]


def test_a_generator_of_parameters_is_accepted_in_order() -> None:
    theta = make_parameters()
    optimizer = SGD((p for p in theta), lr=0.1)
    assert optimizer.params == theta


# ---- steps record no graph; zero_grad; non-finite gradients ----------------------------------

def test_step_writes_data_in_place_and_records_no_graph() -> None:
    theta = make_parameters()
    optimizer = Adam(theta, lr=0.1)
    quadratic(theta).backward()
    optimizer.step()
    assert all(p.is_leaf and p.inputs == () and isinstance(p, Parameter) for p in theta)


def test_a_gradient_that_is_a_value_is_read_as_its_number() -> None:
    theta = make_parameters()
    quadratic(theta).backward(create_graph=True)
    assert isinstance(theta[0].grad, Value)
    SGD(theta, lr=0.1).step()
    g1, g2 = hand_gradient(0.7, -1.3)
    assert data(theta) == pytest.approx([0.7 - 0.1 * g1, -1.3 - 0.1 * g2], rel=1e-12)


def test_zero_grad_clears_every_gradient() -> None:
    theta = make_parameters()
    optimizer = SGD(theta, lr=0.1)
    quadratic(theta).backward()
    optimizer.zero_grad()
    assert [p.grad for p in theta] == [0.0, 0.0]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize(
    "make", [lambda p: SGD(p, lr=0.1, momentum=0.9), lambda p: RMSProp(p, lr=0.1), Adam]
)
def test_a_non_finite_gradient_changes_nothing(make: object, bad: float) -> None:
    theta = make_parameters()
    optimizer = make(theta)  # type: ignore[operator]
    run(optimizer, theta, steps=2)
    before, state_before = data(theta), json.dumps(optimizer.state_dict())
    optimizer.zero_grad()
    quadratic(theta).backward()
    theta[1].grad = bad
    with pytest.raises(ValueError, match=rf"gradient of parameter 1 \('theta2'\) is {bad!r}"):
        optimizer.step()
    assert data(theta) == before
    assert json.dumps(optimizer.state_dict()) == state_before


# ---- state_dict / load_state_dict ------------------------------------------------------------

@pytest.mark.parametrize(
    "make",
    [
        lambda p: SGD(p, lr=0.05, momentum=0.9),
        lambda p: RMSProp(p, lr=0.01, gamma=0.8),
        lambda p: Adam(p, lr=0.02, gamma_v=0.7),
    ],
    ids=["SGD", "RMSProp", "Adam"],
)
def test_state_dict_round_trip_continues_like_an_uninterrupted_run(make: object) -> None:
    uninterrupted = make_parameters()
    expected = run(make(uninterrupted), uninterrupted, steps=20)  # type: ignore[operator]

    first = make_parameters()
    first_optimizer = make(first)  # type: ignore[operator]
    run(first_optimizer, first, steps=10)
    saved = json.loads(json.dumps(first_optimizer.state_dict()))

    resumed = make_parameters(np.array(data(first)))
    resumed_optimizer = make(resumed)  # type: ignore[operator]
    resumed_optimizer.load_state_dict(saved)
    assert list(run(resumed_optimizer, resumed, steps=10)) == list(expected)


def test_state_dict_keeps_the_current_learning_rate() -> None:
    theta = make_parameters()
    optimizer = SGD(theta, lr=0.1)
    optimizer.lr = 0.025
    other = SGD(make_parameters(), lr=0.1)
    other.load_state_dict(json.loads(json.dumps(optimizer.state_dict())))
    assert other.lr == 0.025


def test_loading_state_for_another_problem_changes_nothing() -> None:
    theta = make_parameters()
    optimizer = Adam(theta, lr=0.02)
    run(optimizer, theta, steps=3)
    before = json.dumps(optimizer.state_dict())

    three = Adam([Parameter(1.0), Parameter(2.0), Parameter(3.0)], lr=0.5)
    with pytest.raises(ValueError, match="3 parameters, this optimizer has 2"):
        optimizer.load_state_dict(three.state_dict())
    with pytest.raises(ValueError, match="this state is for 'SGD', not 'Adam'"):
        optimizer.load_state_dict(SGD(make_parameters(), lr=0.1).state_dict())

    bad_lr = json.loads(before)
    bad_lr["hyperparameters"]["lr"] = -1
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optimizer.load_state_dict(bad_lr)
    bad_entry = json.loads(before)
    bad_entry["state"]["1"]["v"] = "0.5"
    with pytest.raises(ValueError, match="parameter 1: entry 'v': expected a real number, got str"):
        optimizer.load_state_dict(bad_entry)
    bad_step = json.loads(before)
    bad_step["state"]["0"]["k"] = 2.5
    with pytest.raises(ValueError, match="entry 'k' must be a whole number"):
        optimizer.load_state_dict(bad_step)

    assert json.dumps(optimizer.state_dict()) == before
    assert optimizer.lr == 0.02


# ---- a failed step or load changes nothing ----------------------------------------------------

@pytest.mark.parametrize("make", [lambda p: RMSProp(p, lr=0.1), Adam], ids=["RMSProp", "Adam"])
def test_a_step_that_fails_for_one_parameter_changes_none(make: object) -> None:
    theta = make_parameters()
    optimizer = make(theta)  # type: ignore[operator]
    run(optimizer, theta, steps=2)
    optimizer.state[1]["s"] = -1.0  # √s of a negative s fails, after parameter 0 is done
    before, state_before = data(theta), json.dumps(optimizer.state_dict())
    optimizer.zero_grad()
    quadratic(theta).backward()
    name = type(optimizer).__name__
    with pytest.raises(ValueError, match=rf"{name}\.step: the update of parameter 1 \('theta2'\)"):
        optimizer.step()
    assert data(theta) == before
    assert json.dumps(optimizer.state_dict()) == state_before


@pytest.mark.parametrize(
    ("make", "position", "entry", "bad", "message"),
    [
        (Adam, "1", "s", -1.0, r"Adam\.load_state_dict: state of parameter 1: entry 's' must be "
                               r"a number >= 0, got -1\.0"),
        (Adam, "0", "v", math.nan, "state of parameter 0: entry 'v' must be finite, got nan"),
        (Adam, "1", "k", math.inf, "state of parameter 1: entry 'k' must be finite, got inf"),
        (Adam, "1", "k", 10**400,
         r"state of parameter 1: entry 'k' must be finite, got an int of about 401 digits"),
        (Adam, "1", "k", 10**5000,
         r"state of parameter 1: entry 'k' must be finite, got an int of about 5001 digits"),
        (Adam, "0", "k", -1, "state of parameter 0: entry 'k' must be a whole number >= 0"),
        (lambda p: RMSProp(p, lr=0.1), "0", "s", -0.5,
         r"RMSProp\.load_state_dict: state of parameter 0: entry 's' must be a number >= 0"),
        (lambda p: SGD(p, lr=0.1, momentum=0.9), "1", "momentum_buffer", -math.inf,
         r"SGD\.load_state_dict: state of parameter 1: entry 'momentum_buffer' must be finite"),
    ],
    ids=[
        "negative s", "NaN v", "infinite k", "huge k", "enormous k", "negative k", "RMSProp s",
        "SGD buffer",
    ],
)
def test_loading_a_bad_state_entry_names_it_and_changes_nothing(
    make: object, position: str, entry: str, bad: float, message: str
) -> None:
    theta = make_parameters()
    optimizer = make(theta)  # type: ignore[operator]
    run(optimizer, theta, steps=2)
    before, state_before = data(theta), json.dumps(optimizer.state_dict())
    saved = json.loads(state_before)
    saved["state"][position][entry] = bad
    with pytest.raises(ValueError, match=message):
        optimizer.load_state_dict(saved)
    assert data(theta) == before
    assert json.dumps(optimizer.state_dict()) == state_before
    run(optimizer, theta, steps=1)  # and the optimizer still works


def test_a_huge_saved_learning_rate_is_named() -> None:
    theta = [Parameter(1.0)]
    optimizer = SGD(theta, lr=0.1)
    saved = optimizer.state_dict()
    saved["hyperparameters"]["lr"] = 10**5000
    with pytest.raises(ValueError, match=r"SGD\.load_state_dict: Invalid lr value: an int of"):
        optimizer.load_state_dict(saved)
    assert optimizer.lr == 0.1


def test_num_parameters_must_be_a_count_not_a_bool() -> None:
    theta = [Parameter(1.0)]
    optimizer = SGD(theta, lr=0.1)
    saved = optimizer.state_dict()
    saved["num_parameters"] = True  # True == 1, but a flag is not a count
    with pytest.raises(ValueError, match=r"SGD\.load_state_dict: 'num_parameters' must be an int, "
                                         r"got True"):
        optimizer.load_state_dict(saved)


def test_numpy_numbers_are_stored_as_floats_so_the_state_saves_as_json() -> None:
    theta = make_parameters()
    optimizer = Adam(theta, lr=np.float32(0.02), gamma_v=np.float32(0.5))
    run(optimizer, theta, steps=2)
    saved = json.loads(json.dumps(optimizer.state_dict()))
    as_numpy = {
        **saved,
        "hyperparameters": {
            key: value if isinstance(value, bool) else np.float32(value)
            for key, value in saved["hyperparameters"].items()
        },
        "state": {
            key: {name: np.float32(value) for name, value in entry.items()}
            for key, entry in saved["state"].items()
        },
    }
    as_numpy["state"] = {np.int64(key): entry for key, entry in as_numpy["state"].items()}
    other = Adam(make_parameters(), lr=0.5)
    other.load_state_dict(as_numpy)
    reloaded = json.loads(json.dumps(other.state_dict()))
    assert reloaded["hyperparameters"]["lr"] == float(np.float32(0.02))
    assert reloaded["state"]["1"]["v"] == float(np.float32(saved["state"]["1"]["v"]))
    assert reloaded["state"]["1"]["k"] == 2
    assert all(type(value) is float for value in other.hyperparameters().values()
               if not isinstance(value, bool))


# ---- a step that would leave a non-finite parameter or state is refused ----------------------

ALL_OPTIMIZERS = [
    lambda p: SGD(p, lr=0.1),
    lambda p: SGD(p, lr=0.1, momentum=0.9),
    lambda p: RMSProp(p, lr=0.1),
    lambda p: Adam(p, lr=0.1),
]
OPTIMIZER_IDS = ["SGD", "SGD momentum", "RMSProp", "Adam"]


def step_with_gradients(optimizer: Optimizer, theta: list[Value], grads: list[float]) -> None:
    for p, g in zip(theta, grads, strict=True):
        p.grad = g
    optimizer.step()


@pytest.mark.parametrize("make", ALL_OPTIMIZERS, ids=OPTIMIZER_IDS)
def test_a_step_to_an_infinite_parameter_is_refused_whole(make: object) -> None:
    theta = make_parameters()
    optimizer = make(theta)  # type: ignore[operator]
    run(optimizer, theta, steps=2)
    optimizer.lr = 1e308
    theta[1].data = -1.5e308
    before, state_before = data(theta), json.dumps(optimizer.state_dict())
    # parameter 0 would move by a finite amount, parameter 1 past -1.8e308 to -inf: neither moves
    with pytest.raises(NonFiniteStep, match=r"parameter 1 \('theta2'\) -inf .*no parameter was"):
        step_with_gradients(optimizer, theta, [1e-310, 10.0])
    assert issubclass(NonFiniteStep, ValueError) and issubclass(NonFiniteStep, ArithmeticError)
    assert data(theta) == before
    assert json.dumps(optimizer.state_dict()) == state_before


@pytest.mark.parametrize("make", ALL_OPTIMIZERS[2:], ids=OPTIMIZER_IDS[2:])
def test_a_gradient_whose_square_overflows_s_is_refused(make: object) -> None:
    theta = make_parameters()
    optimizer = make(theta)  # type: ignore[operator]
    run(optimizer, theta, steps=1)
    before, state_before = data(theta), json.dumps(optimizer.state_dict(), allow_nan=False)
    with pytest.raises(NonFiniteStep, match=r"state entry 's' of parameter 0 \('theta1'\) inf"):
        step_with_gradients(optimizer, theta, [1e200, 1.0])
    assert data(theta) == before
    saved = json.dumps(optimizer.state_dict(), allow_nan=False)  # still valid JSON
    assert saved == state_before
    optimizer.load_state_dict(json.loads(saved))  # and its own state loads back
    run(optimizer, theta, steps=1)
    assert data(theta) != before


# ---- load_state_dict takes exactly the shape state_dict writes -------------------------------

def adam_state_after_two_steps() -> tuple[Adam, dict[str, object]]:
    optimizer = Adam(make_parameters(), lr=0.1)
    run(optimizer, optimizer.params, steps=2)
    return optimizer, json.loads(json.dumps(optimizer.state_dict()))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda state: state.pop("1"), "no entry for parameter position 1"),
        (lambda state: state.update({1: state["1"]}), "parameter position 1 is given twice"),
        (lambda state: state.update({"١": state.pop("1")}), "state key '١' is not a parameter"),
        (lambda state: state.update({"01": state.pop("1")}), "state key '01' is not a parameter"),
        (lambda state: state.update({" 1": state.pop("1")}), "state key ' 1' is not a parameter"),
        (lambda state: state["1"].update(k=1e300), "entry 'k' must be a whole number >= 0 and"),
        (lambda state: state["1"].update(k=2**54), "entry 'k' must be a whole number >= 0"),
    ],
    ids=["missing", "int and str", "arabic digit", "leading zero", "space", "k 1e300", "k 2^54"],
)
def test_loading_a_state_of_another_shape_is_refused(change: object, message: str) -> None:
    optimizer, saved = adam_state_after_two_steps()
    before = json.dumps(optimizer.state_dict())
    change(saved["state"])  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        optimizer.load_state_dict(saved)
    assert json.dumps(optimizer.state_dict()) == before


def test_an_unknown_top_level_key_is_refused() -> None:
    optimizer, saved = adam_state_after_two_steps()
    before = json.dumps(optimizer.state_dict())
    with pytest.raises(ValueError, match=r"Adam\.load_state_dict: unknown key 'lr'"):
        optimizer.load_state_dict({**saved, "lr": 5.0})
    assert json.dumps(optimizer.state_dict()) == before


def test_a_fresh_state_and_int_keys_still_load() -> None:
    fresh = Adam(make_parameters(), lr=0.1)
    optimizer, saved = adam_state_after_two_steps()
    optimizer.load_state_dict(fresh.state_dict())  # {0: {}, 1: {}}: not stepped yet
    assert optimizer.state == {0: {}, 1: {}}
    optimizer.load_state_dict({**saved, "state": {int(k): v for k, v in saved["state"].items()}})
    assert optimizer.state[1]["k"] == 2
