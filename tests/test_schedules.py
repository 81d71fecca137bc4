"""Learning-rate schedules: α_k against each schedule's formula, and argument checks."""

from __future__ import annotations

import pytest

from autograd import Parameter
from optim import SGD, Adam, LinearDecay, StepDecay


def learning_rates(schedule: StepDecay | LinearDecay, steps: int) -> list[float]:
    """The lr the optimizer holds at k = 0, 1, ..., steps - 1."""
    rates = []
    for _ in range(steps):
        rates.append(schedule.optimizer.lr)
        assert schedule.get_lr() == schedule.optimizer.lr
        schedule.step()
    return rates


def test_step_decay_multiplies_by_gamma_every_step_size_steps() -> None:
    optimizer = SGD([Parameter(1.0)], lr=0.8)
    rates = learning_rates(StepDecay(optimizer, step_size=3, gamma=0.5), steps=10)
    # α_k = 0.8 · 0.5^⌊k/3⌋
    expected = [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.1]
    assert rates == pytest.approx(expected, rel=1e-12)


def test_linear_decay_defaults_are_the_micrograd_demo_schedule() -> None:
    optimizer = SGD([Parameter(1.0)], lr=1.0)
    rates = learning_rates(LinearDecay(optimizer), steps=120)
    # micrograd's demo: learning_rate = 1.0 - 0.9 * k / 100, then held at the end value
    expected = [1.0 - 0.9 * k / 100 for k in range(100)] + [0.1] * 20
    assert rates == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_linear_decay_from_start_to_end_factor() -> None:
    optimizer = Adam([Parameter(1.0)], lr=0.01)
    schedule = LinearDecay(optimizer, start_factor=0.5, end_factor=1.5, total_steps=4)
    assert optimizer.lr == pytest.approx(0.005)  # set when the schedule is made
    expected = [0.01 * (0.5 + 1.0 * min(k, 4) / 4) for k in range(7)]
    assert learning_rates(schedule, steps=7) == pytest.approx(expected, rel=1e-12)


def test_the_schedule_drives_the_step_the_optimizer_takes() -> None:
    theta = Parameter(0.0)
    optimizer = SGD([theta], lr=1.0)
    schedule = StepDecay(optimizer, step_size=1, gamma=0.5)
    for _ in range(3):  # gradient of θ is 1, so θ moves by -α_k: -1, -0.5, -0.25
        optimizer.zero_grad()
        (1.0 * theta).backward()
        optimizer.step()
        schedule.step()
    assert theta.data == pytest.approx(-1.75, rel=1e-12)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda o: StepDecay(o, step_size=0, gamma=0.5), "StepDecay: step_size must be an int"),
        (lambda o: StepDecay(o, step_size=2.5, gamma=0.5), "must be an int >= 1, got 2.5"),
        (lambda o: StepDecay(o, step_size=2, gamma=0.0), "Invalid gamma value: 0.0"),
        (lambda o: StepDecay(o, step_size=2, gamma=1.5), "Invalid gamma value: 1.5"),
        (lambda o: LinearDecay(o, start_factor=-1.0), "Invalid start_factor value: -1.0"),
        (lambda o: LinearDecay(o, end_factor=float("inf")), "Invalid end_factor value: inf"),
        (lambda o: LinearDecay(o, total_steps=0), "LinearDecay: total_steps must be an int >= 1"),
    ],
)
def test_invalid_schedule_arguments_are_named_and_change_nothing(
    make: object, message: str
) -> None:
    optimizer = SGD([Parameter(1.0)], lr=0.3)
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        make(optimizer)  # type: ignore[operator]
    assert optimizer.lr == 0.3


def test_a_schedule_needs_an_optimizer() -> None:
    with pytest.raises(TypeError, match="expected an Optimizer, got float"):
        StepDecay(0.1, step_size=1, gamma=0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "setting", "value", "message"),
    [
        (lambda o: StepDecay(o, 2, 0.5), "step_size", 0, "StepDecay: step_size must be an int"),
        (lambda o: StepDecay(o, 2, 0.5), "gamma", "x", "Invalid gamma value: 'x'"),
        (lambda o: StepDecay(o, 2, 0.5), "gamma", -1, "Invalid gamma value: -1"),
        (lambda o: LinearDecay(o), "end_factor", -5, "Invalid end_factor value: -5"),
        (lambda o: LinearDecay(o), "total_steps", 0, "total_steps must be an int >= 1, got 0"),
    ],
)
def test_a_setting_is_checked_when_set_and_changes_nothing(
    make: object, setting: str, value: object, message: str
) -> None:
    optimizer = SGD([Parameter(1.0)], lr=0.4)
    schedule = make(optimizer)  # type: ignore[operator]
    before = getattr(schedule, setting)
    with pytest.raises(ValueError, match=message + ".*nothing was changed"):
        setattr(schedule, setting, value)
    assert getattr(schedule, setting) == before
    for _ in range(3):  # the schedule still steps as before
        schedule.step()
    assert optimizer.lr == pytest.approx(schedule.get_lr())


def test_a_valid_setting_applies_from_the_next_step() -> None:
    optimizer = SGD([Parameter(1.0)], lr=0.8)
    schedule = StepDecay(optimizer, step_size=2, gamma=0.5)
    schedule.step_size = 1
    schedule.gamma = 0.25
    schedule.step()
    assert optimizer.lr == pytest.approx(0.8 * 0.25)  # α_1 = α_0 · γ^⌊1/1⌋


def test_an_unknown_schedule_setting_is_refused_with_the_settings() -> None:
    schedule = LinearDecay(SGD([Parameter(1.0)], lr=0.1))
    settings = r"'total_iters'.*start_factor, end_factor, total_steps"
    with pytest.raises(AttributeError, match=settings):
        schedule.total_iters = 10  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match=r"did you mean 'gamma'"):
        StepDecay(SGD([Parameter(1.0)], lr=0.1), 2, 0.5).gama = 0.1  # type: ignore[attr-defined]
    assert not hasattr(schedule, "total_iters")
