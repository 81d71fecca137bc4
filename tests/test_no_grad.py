"""no_grad(): nothing recorded inside, per thread and per asyncio task."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from autograd import Value, is_recording, no_grad


def test_nothing_is_recorded_and_recording_resumes_after() -> None:
    x = Value(2.0)
    with no_grad():
        assert not is_recording()
        y = (x * 3.0).tanh() + x.exp()
    assert y.inputs == () and y.is_leaf
    assert is_recording()
    z = x * 3.0
    assert z.inputs[0] is x


def test_recording_resumes_after_an_exception() -> None:
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError("boom")
    assert is_recording()


def test_it_works_as_a_decorator_and_nests() -> None:
    @no_grad()
    def predict(x: Value) -> Value:
        return x * 2.0

    assert predict(Value(1.0)).is_leaf
    with no_grad():
        with no_grad():
            pass
        assert not is_recording()
    assert is_recording()


def test_another_thread_keeps_recording() -> None:
    inside = threading.Event()
    release = threading.Event()
    recorded: list[bool] = []

    def worker() -> None:
        with no_grad():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    inside.wait(5)
    recorded.append(not (Value(1.0) * 2.0).is_leaf)
    release.set()
    thread.join()
    assert recorded == [True]


def test_asyncio_tasks_do_not_share_the_setting() -> None:
    async def under_no_grad(started: asyncio.Event, finish: asyncio.Event) -> bool:
        with no_grad():
            started.set()
            await finish.wait()
            return (Value(1.0) * 2.0).is_leaf

    async def recording(started: asyncio.Event, finish: asyncio.Event) -> bool:
        await started.wait()
        result = not (Value(1.0) * 2.0).is_leaf
        finish.set()
        return result

    async def main() -> list[bool]:
        started, finish = asyncio.Event(), asyncio.Event()
        return list(
            await asyncio.gather(under_no_grad(started, finish), recording(started, finish))
        )

    assert asyncio.run(main()) == [True, True]


def test_enable_grad_records_inside_no_grad() -> None:
    from autograd import enable_grad

    x = Value(1.0)
    with no_grad():
        with enable_grad():
            assert is_recording()
            assert (x * 2.0).inputs[0] is x
        assert (x * 2.0).is_leaf


def test_a_generator_inside_no_grad_closed_from_another_thread_does_not_stick() -> None:
    from autograd.grad_mode import _open_no_grad_blocks

    def numbers() -> Iterator[int]:
        with no_grad():
            yield 1
            yield 2

    suspended: list[Iterator[int]] = []

    def start() -> None:  # in a thread of its own, so its context dies with it
        generator = numbers()
        next(generator)
        suspended.append(generator)

    opened = threading.Thread(target=start)
    opened.start()
    opened.join()
    assert _open_no_grad_blocks[0] == 1
    errors: list[BaseException] = []

    def close() -> None:
        try:
            suspended[0].close()  # type: ignore[attr-defined]
        except BaseException as error:
            errors.append(error)

    closer = threading.Thread(target=close)
    closer.start()
    closer.join()
    assert errors == []
    assert _open_no_grad_blocks[0] == 0
    assert is_recording()
    x = Value(2.0)
    assert (x * x).inputs == (x, x)


def test_the_thread_a_closed_generator_was_suspended_in_records_again() -> None:
    def numbers() -> Iterator[int]:
        with no_grad():
            yield 1
            yield 2

    generator = numbers()
    next(generator)  # this thread is now inside the generator's no_grad() block
    assert not is_recording()
    closer = threading.Thread(target=generator.close)
    closer.start()
    closer.join()
    assert is_recording()
    # While another thread is inside no_grad(), this thread's own setting is read: it must
    # be the one from before the generator's block, not the block left from elsewhere.
    inside, finish = threading.Event(), threading.Event()

    def hold() -> None:
        with no_grad():
            inside.set()
            finish.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    inside.wait()
    try:
        assert is_recording()
        x = Value(2.0)
        assert (x * x).inputs == (x, x)
    finally:
        finish.set()
        holder.join()
    assert is_recording()


def test_backward_with_create_graph_records_inside_no_grad() -> None:
    x = Value(3.0)
    y = x * x * x
    with no_grad():
        y.backward(create_graph=True)
        assert not is_recording()  # only the backward pass records
    assert isinstance(x.grad, Value) and x.grad.data == 27.0  # dy/dx = 3 x^2, by hand
    first = x.grad
    x.grad = 0.0
    first.backward()
    assert x.grad == 18.0  # d(3 x^2)/dx = 6 x, by hand


def test_gradients_with_create_graph_records_inside_no_grad() -> None:
    from autograd import gradients

    x = Value(3.0)
    y = x * x * x
    with no_grad():
        (first,) = gradients(y, (x,), create_graph=True)
    assert isinstance(first, Value) and first.data == 27.0
    (second,) = gradients(first, (x,))
    assert second == 18.0  # d(3 x^2)/dx = 6 x, by hand


def test_gradcheck_inside_no_grad_still_checks() -> None:
    from autograd import GradcheckError, gradcheck

    with no_grad():
        assert gradcheck(lambda x: x * x, 3.0)
        with pytest.raises(GradcheckError):  # still a check: a wrong derivative is caught
            gradcheck(lambda x: x * x + Value(x.data), 3.0)
