"""optim.arrays: k steps on arrays are k steps of the optimizer classes, to the bit."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import optim
from autograd import Parameter
from optim.arrays import array_step

np = pytest.importorskip("numpy")

OPTIMIZERS: dict[str, Callable[[list[Parameter]], optim.Optimizer]] = {
    "sgd": lambda params: optim.SGD(params, lr=0.1),
    "sgd maximize": lambda params: optim.SGD(params, lr=0.1, maximize=True),
    "momentum": lambda params: optim.SGD(params, lr=0.05, momentum=0.9),
    "momentum maximize": lambda params: optim.SGD(params, lr=0.05, momentum=0.5, maximize=True),
    "rmsprop": lambda params: optim.RMSProp(params, lr=0.01, gamma=0.8, eps=1e-6),
    "rmsprop maximize": lambda params: optim.RMSProp(params, lr=0.01, maximize=True),
    "adam": lambda params: optim.Adam(params, lr=0.02),
    "adam maximize": lambda params: optim.Adam(params, lr=0.02, gamma_v=0.5, maximize=True),
    "sgd weight decay": lambda params: optim.SGD(params, lr=0.1, weight_decay=0.01),
    "momentum weight decay": lambda params: optim.SGD(
        params, lr=0.05, momentum=0.9, weight_decay=0.1
    ),
    "adam weight decay": lambda params: optim.Adam(params, lr=0.02, weight_decay=0.05),
    "adamw": lambda params: optim.AdamW(params, lr=0.02, betas=(0.8, 0.99), weight_decay=0.1),
    "adamw maximize": lambda params: optim.AdamW(params, lr=0.02, maximize=True),
}


def pair(name: str, thetas: list[float]) -> tuple[optim.Optimizer, optim.Optimizer]:
    """Two copies of one optimizer on two copies of the parameters."""
    eager = OPTIMIZERS[name]([Parameter(t) for t in thetas])
    on_arrays = OPTIMIZERS[name]([Parameter(t) for t in thetas])
    return eager, on_arrays


def steps(
    eager: optim.Optimizer, on_arrays: optim.Optimizer, gradients: list[list[float]],
    schedule: Callable[[int], float] | None = None,
) -> tuple[list[Any], list[Any]]:
    """The gradients stepped through ``eager.step()`` and through ``array_step``; for each step
    (θ after it, or the error) from both, and the state written back at the end."""
    step = array_step(on_arrays, np)
    assert step is not None
    theta = np.array([p.data for p in on_arrays.params])
    seen_eager: list[Any] = []
    seen_arrays: list[Any] = []
    for k, g in enumerate(gradients):
        if schedule is not None:
            eager.lr = on_arrays.lr = schedule(k)
        for p, g_i in zip(eager.params, g, strict=True):
            p.grad = g_i
        try:
            eager.step()
            seen_eager.append([p.data for p in eager.params])
        except optim.NonFiniteStep:
            seen_eager.append("refused")
        stepped = step.step(theta, np.array(g))
        if stepped is None:
            seen_arrays.append("refused")
        else:
            theta = stepped
            seen_arrays.append(theta.tolist())
    step.store()
    for p, value in zip(on_arrays.params, theta.tolist(), strict=True):
        p.data = value
    return seen_eager, seen_arrays


def random_gradients(seed: int, count: int, size: int) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.gauss(0, 10 ** rng.randint(-3, 2)) for _ in range(size)] for _ in range(count)]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_steps_on_arrays_are_the_optimizers_steps_to_the_bit(name: str) -> None:
    thetas = [0.5, -1.25, 3.0, 0.0, -0.0, 1e-3, 7.5]
    eager, on_arrays = pair(name, thetas)
    gradients = random_gradients(1, 6, len(thetas))
    gradients[2][3] = 0.0  # a zero gradient, and a step with a smaller learning rate
    seen_eager, seen_arrays = steps(eager, on_arrays, gradients, lambda k: 0.1 / (1 + k))
    assert seen_arrays == seen_eager
    assert [p.data for p in on_arrays.params] == [p.data for p in eager.params]
    assert on_arrays.state_dict() == eager.state_dict()
    if name.startswith(("momentum", "rmsprop", "adam")):
        assert all(on_arrays.state[i] for i in range(len(thetas)))


def test_adam_with_a_saved_state_of_different_step_counts() -> None:
    # parameters 0 and 2 stepped 3 and 40 times before, 1 never (an empty state)
    saved = {
        "optimizer": "Adam", "num_parameters": 3,
        "hyperparameters": {"lr": 0.01, "gamma_v": 0.9, "gamma_s": 0.999, "eps": 1e-8,
                            "maximize": False},
        "state": {0: {"v": 0.2, "s": 0.04, "k": 3}, 1: {}, 2: {"v": -1.5, "s": 2.0, "k": 40}},
    }
    eager, on_arrays = (optim.Adam([Parameter(1.0), Parameter(2.0), Parameter(3.0)])
                        for _ in range(2))
    eager.load_state_dict(saved)
    on_arrays.load_state_dict(saved)
    seen_eager, seen_arrays = steps(eager, on_arrays, random_gradients(2, 4, 3))
    assert seen_arrays == seen_eager
    assert on_arrays.state_dict() == eager.state_dict()
    assert [on_arrays.state[i]["k"] for i in range(3)] == [7, 4, 44]
    assert all(type(on_arrays.state[i]["k"]) is int for i in range(3))


def test_plain_sgd_leaves_a_saved_momentum_buffer_as_it_is() -> None:
    eager, on_arrays = pair("sgd", [1.0, 2.0])
    saved = eager.state_dict()
    saved["state"] = {0: {"momentum_buffer": 0.5}, 1: {}}
    eager.load_state_dict(saved)
    on_arrays.load_state_dict(saved)
    steps(eager, on_arrays, random_gradients(3, 2, 2))
    assert on_arrays.state_dict() == eager.state_dict() == saved | {"state": saved["state"]}


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(list(OPTIMIZERS)),
    thetas=st.lists(st.floats(-1e200, 1e200), min_size=1, max_size=5),
    scale=st.sampled_from([1e-300, 1.0, 1e150, 1e300]),
    seed=st.integers(0, 2**16),
)
def test_a_step_the_optimizer_refuses_changes_nothing_on_arrays_either(
    name: str, thetas: list[float], scale: float, seed: int
) -> None:
    rng = random.Random(seed)
    gradients = [[scale * rng.uniform(-2, 2) for _ in thetas] for _ in range(3)]
    eager, on_arrays = pair(name, thetas)
    seen_eager, seen_arrays = steps(eager, on_arrays, gradients)
    assert seen_arrays == seen_eager
    assert [p.data for p in on_arrays.params] == [p.data for p in eager.params]
    assert on_arrays.state_dict() == eager.state_dict()


def test_an_invalid_setting_is_refused_when_set_and_the_array_step_keeps_the_old_one() -> None:
    eager, on_arrays = pair("rmsprop", [1.0])
    step = array_step(on_arrays, np)
    assert step is not None
    with pytest.raises(ValueError, match="eps"):
        on_arrays.eps = -1.0
    eager.params[0].grad = 0.5
    eager.step()
    stepped = step.step(np.array([1.0]), np.array([0.5]))
    assert stepped is not None and stepped.tolist() == [eager.params[0].data]


def test_an_optimizer_with_its_own_update_has_no_array_form() -> None:
    class SignSGD(optim.SGD):
        def _update(self, theta: float, g: float, state: Any) -> tuple[float, dict[str, float]]:
            return theta - self.lr * (1.0 if g > 0 else -1.0), dict(state)

    class NamedSGD(optim.SGD):
        pass

    assert array_step(SignSGD([Parameter(1.0)], lr=0.1), np) is None
    assert array_step(NamedSGD([Parameter(1.0)], lr=0.1), np) is not None
