"""fit(compile=True) steps on arrays and writes back: the Parameters and the optimizer's state end
as eager training leaves them, when fit returns, raises, or hands a batch to the eager engine."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import pytest

import nn
import optim

pytest.importorskip("numpy")

XS, MOONS = nn.make_moons(24, seed=3)
CLASSES = [(i * 7) % 3 for i in range(len(XS))]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def assert_same_state(a: optim.Optimizer, b: optim.Optimizer) -> None:
    """The same state_dict, each float to 1e-9 (compiled and eager gradients are summed in
    different orders), each step count exactly."""
    state_a, state_b = a.state_dict(), b.state_dict()
    assert state_a["hyperparameters"] == state_b["hyperparameters"]
    assert state_a["state"].keys() == state_b["state"].keys()
    for i, entry in state_a["state"].items():
        assert entry.keys() == state_b["state"][i].keys()
        for name, value in entry.items():
            other = state_b["state"][i][name]
            assert type(value) is type(other), (i, name)
            assert close(value, other), (i, name, value, other)


def assert_same_numbers(a: list[float], b: list[float]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert close(x, y), (x, y)


OPTIMIZERS: dict[str, Callable[[list[Any]], optim.Optimizer]] = {
    "momentum": lambda params: optim.SGD(params, lr=0.05, momentum=0.9),
    "rmsprop": lambda params: optim.RMSProp(params, lr=0.01),
    "adam": lambda params: optim.Adam(params, lr=0.02, maximize=False),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_optimizer_state_after_compiled_fit_is_eager_fits(name: str) -> None:
    def run(compile: bool) -> tuple[nn.History, list[float], optim.Optimizer]:
        model = nn.MLP(2, [6, 3], activation="tanh", seed=7)
        optimizer = OPTIMIZERS[name](model.parameters())
        history = nn.fit(model, XS, CLASSES, loss="cross_entropy", optimizer=optimizer,
                         epochs=3, batch_size=5, l2=1e-3, seed=1, progress=False,
                         compile=compile)
        return history, [p.data for p in model.parameters()], optimizer

    (eager, eager_params, eager_opt), (compiled, compiled_params, compiled_opt) = (
        run(False), run(True)
    )
    assert_same_numbers(compiled.losses, eager.losses)
    assert compiled.accuracies == eager.accuracies
    assert_same_numbers(compiled_params, eager_params)
    assert all(compiled_opt.state[i] for i in range(len(compiled_params)))
    assert_same_state(compiled_opt, eager_opt)


def test_a_loss_function_compiled_whole_leaves_the_same_state() -> None:
    def run(compile: bool) -> tuple[list[float], optim.Optimizer]:
        model = nn.MLP(2, [4, 1], activation="sigmoid", seed=4)
        optimizer = optim.Adam(model.parameters(), lr=0.05)
        nn.fit(model, XS, MOONS, loss=lambda p, t: nn.mse_loss(p, t), optimizer=optimizer,
               epochs=3, progress=False, compile=compile)
        return [p.data for p in model.parameters()], optimizer

    (eager_params, eager_opt), (compiled_params, compiled_opt) = run(False), run(True)
    assert_same_numbers(compiled_params, eager_params)
    assert_same_state(compiled_opt, eager_opt)


def test_a_failed_compiled_fit_ends_as_eager_fit_with_the_last_steps_state() -> None:
    # in the third epoch the learning rate jumps so that a step would make a parameter infinite
    def run(compile: bool) -> tuple[str, list[float], optim.Optimizer]:
        model = nn.MLP(2, [4, 1], activation="relu", seed=0)
        optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
        with pytest.raises(nn.TrainingDiverged) as error:
            nn.fit(model, XS, [10.0 * y for y in MOONS], loss="mse", optimizer=optimizer,
                   epochs=5, batch_size=6, seed=2, progress=False, compile=compile,
                   lr_schedule=lambda k: 0.01 if k < 2 else 1e308)
        return str(error.value), [p.data for p in model.parameters()], optimizer

    (eager_error, eager_params, eager_opt), (compiled_error, compiled_params, compiled_opt) = (
        run(False), run(True)
    )
    assert "epoch 3 of 5" in compiled_error and "the step would make parameter" in compiled_error
    assert compiled_error.split(" inf (from")[0] == eager_error.split(" inf (from")[0]
    assert_same_numbers(compiled_params, eager_params)
    assert all(compiled_opt.state[i] for i in range(len(compiled_params)))
    assert_same_state(compiled_opt, eager_opt)


def test_a_batch_the_compiled_program_gives_up_on_is_computed_eagerly_and_training_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nn.compiled_step import CompiledStep, NotFinite

    compiled_batches = CompiledStep.loss_and_gradients
    calls = [0]

    def sometimes_not_finite(self: CompiledStep, theta: Any, batch: Any) -> Any:
        calls[0] += 1
        if calls[0] in (2, 5, 6):
            raise NotFinite
        return compiled_batches(self, theta, batch)

    def run(compile: bool) -> tuple[nn.History, list[float], optim.Optimizer]:
        model = nn.MLP(2, [5, 1], activation="tanh", seed=3)
        optimizer = optim.Adam(model.parameters(), lr=0.05)
        history = nn.fit(model, XS, MOONS, loss="hinge", optimizer=optimizer, epochs=3,
                         batch_size=8, seed=0, progress=False, compile=compile)
        return history, [p.data for p in model.parameters()], optimizer

    eager = run(False)
    monkeypatch.setattr(CompiledStep, "loss_and_gradients", sometimes_not_finite)
    compiled = run(True)
    assert calls[0] == 9
    assert_same_numbers(compiled[0].losses, eager[0].losses)
    assert_same_numbers(compiled[1], eager[1])
    assert_same_state(compiled[2], eager[2])


def test_an_optimizer_of_some_of_the_parameters_in_another_order() -> None:
    def run(compile: bool) -> tuple[list[float], optim.Optimizer]:
        model = nn.MLP(2, [4, 1], activation="tanh", seed=5)
        optimizer = optim.Adam(list(reversed(model.parameters()[::2])), lr=0.05)
        saved = optimizer.state_dict()
        saved["state"][0] = {"v": 0.3, "s": 0.01, "k": 2}  # a step count of its own
        optimizer.load_state_dict(saved)
        nn.fit(model, XS, MOONS, loss="hinge", optimizer=optimizer, epochs=3, batch_size=7,
               seed=0, l2=1e-2, progress=False, compile=compile)
        return [p.data for p in model.parameters()], optimizer

    (eager_params, eager_opt), (compiled_params, compiled_opt) = run(False), run(True)
    assert_same_numbers(compiled_params, eager_params)
    assert_same_state(compiled_opt, eager_opt)
    assert compiled_opt.state[0]["k"] == 2 + 12 and compiled_opt.state[1]["k"] == 3 * 4


def test_an_optimizer_with_its_own_update_trains_the_same_compiled() -> None:
    class SignSGD(optim.SGD):
        def _update(self, theta: float, g: float, state: Any) -> tuple[float, dict[str, float]]:
            return theta - self.lr * (1.0 if g > 0 else -1.0 if g < 0 else 0.0), dict(state)

    def run(compile: bool) -> tuple[nn.History, list[float]]:
        model = nn.MLP(2, [4, 1], activation="tanh", seed=6)
        history = nn.fit(model, XS, MOONS, loss="hinge",
                         optimizer=SignSGD(model.parameters(), lr=0.01), epochs=2,
                         batch_size=6, seed=0, progress=False, compile=compile)
        return history, [p.data for p in model.parameters()]

    (eager, eager_params), (compiled, compiled_params) = run(False), run(True)
    assert_same_numbers(compiled.losses, eager.losses)
    assert_same_numbers(compiled_params, eager_params)


def test_a_schedule_function_sees_the_parameters_of_the_steps_before() -> None:
    def run(compile: bool) -> list[float]:
        model = nn.MLP(2, [3, 1], activation="tanh", seed=2)
        seen: list[float] = []

        def schedule(k: int) -> float:
            seen.append(model.parameters()[0].data)
            return 0.1

        nn.fit(model, XS, MOONS, loss="hinge", epochs=3, batch_size=8, seed=0,
               lr_schedule=schedule, progress=False, compile=compile)
        return seen

    eager, compiled = run(False), run(True)
    assert len(set(compiled)) == 3
    assert_same_numbers(compiled, eager)


def python_lines_per_step(width: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Python lines run in each step of fit(compile=True) on a 64-width-10 MLP (a loop's line
    once per pass), outside the generated program (one NumPy line per scalar node until it is
    rolled into layers)."""
    from nn.array_step import ArrayTraining

    step = ArrayTraining.step
    counts: list[int] = []

    def counted(self: ArrayTraining, *args: Any) -> Any:
        count = [0]
        inside = [0]  # in the generated program: not counted

        def on_call(frame: Any, event: str, arg: Any) -> Any:
            if inside[0]:
                return None
            if frame.f_code.co_filename.startswith("<autograd.compile"):
                inside[0] += 1

                def on_return(frame: Any, event: str, arg: Any) -> Any:
                    inside[0] -= event == "return"
                    return on_return

                return on_return

            def on_line(frame: Any, event: str, arg: Any) -> Any:
                count[0] += event == "line"
                return on_line

            return on_line

        before = sys.gettrace()
        sys.settrace(on_call)
        try:
            return step(self, *args)
        finally:
            sys.settrace(before)
            counts.append(count[0])

    xs = [[(i * j % 17) / 16 for j in range(64)] for i in range(48)]
    model = nn.MLP(64, [width, 10], activation="relu", seed=0)
    with monkeypatch.context() as patch:
        patch.setattr(ArrayTraining, "step", counted)
        nn.fit(model, xs, [i % 10 for i in range(48)], loss="cross_entropy", epochs=2,
               optimizer=optim.Adam(model.parameters(), lr=0.01), batch_size=16, seed=0,
               l2=1e-4, progress=False, compile=True)
    return counts


def test_a_compiled_step_runs_as_many_python_lines_for_2410_parameters_as_for_370(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wide = python_lines_per_step(32, monkeypatch)  # (64 + 1) · 32 + (32 + 1) · 10 parameters
    narrow = python_lines_per_step(4, monkeypatch)
    assert len(wide) == 6
    assert wide[1:] == narrow[1:]  # the first step reads the parameters into an array
    assert max(wide[1:]) < 1000, wide


def test_examples_as_lists_arrays_or_values_train_alike() -> None:
    import numpy as np

    from autograd import Value

    def run(xs: Any) -> list[float]:
        model = nn.MLP(2, [3, 1], activation="tanh", seed=4)
        history = nn.fit(model, xs, MOONS, loss="hinge", epochs=2, batch_size=5, seed=0,
                         progress=False, compile=True)
        return history.losses + [p.data for p in model.parameters()]

    as_lists = run(XS)
    assert run(np.array(XS)) == as_lists
    assert run([[Value(a), Value(b)] for a, b in XS]) == as_lists
    assert run([(a, b) for a, b in XS]) == as_lists


class Stop(Exception):
    """Raised by a schedule function to stop fit from outside."""


def test_fit_stopped_by_an_error_leaves_the_steps_taken_and_training_continues_alike() -> None:
    def schedule(k: int) -> float:
        if k == 2:
            raise Stop
        return 0.02

    def run(compile: bool) -> tuple[list[float], optim.Optimizer]:
        model = nn.MLP(2, [5, 1], activation="tanh", seed=8)
        optimizer = optim.Adam(model.parameters(), lr=0.02)
        with pytest.raises(Stop):
            nn.fit(model, XS, MOONS, loss="hinge", optimizer=optimizer, epochs=4, batch_size=10,
                   seed=0, lr_schedule=schedule, progress=False, compile=compile)
        assert all(optimizer.state[i]["k"] == 6 for i in optimizer.state)  # 2 epochs of 3 steps
        nn.fit(model, XS, MOONS, loss="hinge", optimizer=optimizer, epochs=2, batch_size=10,
               seed=1, progress=False, compile=compile)
        return [p.data for p in model.parameters()], optimizer

    (eager_params, eager_opt), (compiled_params, compiled_opt) = run(False), run(True)
    assert_same_numbers(compiled_params, eager_params)
    assert_same_state(compiled_opt, eager_opt)
