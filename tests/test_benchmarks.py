"""Smoke tests of the benchmarks: every workload runs at a tiny size, and the engines agree.

The comparison is only fair if the engines compute the same thing: the same loss and the same
gradients from the same weights. micrograd is the independent oracle for the graph engines,
central differences for the hand-written plain-float backward, 1.0001^N for the chain.
"""

from __future__ import annotations

import collections
import itertools
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.__main__ import main
from benchmarks.chain import CHAIN_ENGINES, FACTOR, OURS, RUNNERS, time_chain
from benchmarks.float_mlp import FloatMLP
from benchmarks.memory import MEMORY_ENGINES, measure
from benchmarks.mlp_step import ENGINES, MICROGRAD, PLAIN, trainers
from benchmarks.moons import make_moons
from benchmarks.scalar_mlp import flat_weights, initial_weights

TINY = 8  # moons points
Runner = Callable[[int], tuple[float, object]]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# ---- the data -----------------------------------------------------------------------------

def test_moons_lie_on_their_half_circles_and_are_balanced() -> None:
    points, labels = make_moons(20, noise=0.0, seed=3)
    assert sorted(labels) == [-1] * 10 + [1] * 10
    for (x1, x2), y in zip(points, labels, strict=True):
        if y == -1:  # the upper moon: the unit circle, x2 >= 0
            assert math.isclose(x1**2 + x2**2, 1.0) and x2 >= -1e-12
        else:  # the lower moon: centred at (1, 0.5), x2 <= 0.5
            assert math.isclose((x1 - 1.0) ** 2 + (x2 - 0.5) ** 2, 1.0) and x2 <= 0.5 + 1e-12


def test_moons_are_the_same_for_the_same_seed_and_differ_for_another() -> None:
    assert make_moons(30, seed=1) == make_moons(30, seed=1)
    assert make_moons(30, seed=1) != make_moons(30, seed=2)


def test_moons_reject_too_few_samples() -> None:
    with pytest.raises(ValueError, match="make_moons: need at least 2 samples, got 1"):
        make_moons(1)


# ---- workload 1: the MLP step -------------------------------------------------------------

def test_all_engines_compute_micrograds_loss_and_gradients() -> None:
    engines = trainers(n_samples=TINY)
    oracle = engines[MICROGRAD]
    expected_loss = oracle.loss_and_gradients()
    expected_gradients = oracle.gradients()
    assert len(expected_gradients) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert any(g != 0.0 for g in expected_gradients)
    for name in ENGINES:
        if name == MICROGRAD:
            continue
        engine = engines[name]
        assert close(engine.loss_and_gradients(), expected_loss), name
        gradients = engine.gradients()
        assert len(gradients) == len(expected_gradients)
        for index, (got, want) in enumerate(zip(gradients, expected_gradients, strict=True)):
            assert close(got, want), (name, index, got, want)
        assert engine.accuracy == oracle.accuracy


def test_after_three_steps_all_engines_hold_the_same_parameters() -> None:
    engines = trainers(n_samples=TINY)
    losses = {name: [engine.step(k) for k in range(3)] for name, engine in engines.items()}
    expected = engines[MICROGRAD].parameter_values()
    assert expected != flat_weights(initial_weights())  # the steps moved the parameters
    for name, engine in engines.items():
        for got, want in zip(losses[name], losses[MICROGRAD], strict=True):
            assert close(got, want), name
        assert engine.parameter_values() == pytest.approx(expected, rel=1e-9, abs=1e-12), name


def test_plain_float_backward_matches_central_differences() -> None:
    points, labels = make_moons(TINY, seed=5)
    flat = flat_weights(initial_weights(seed=5))
    model = _float_model(flat)
    model.loss_and_gradients(points, labels)
    analytic = model.gradients()
    eps = 1e-6
    # weights of each layer, biases, and the output layer
    for index in (0, 1, 2, 10, 60, 100, 320, 330, 336):
        shifted_up, shifted_down = list(flat), list(flat)
        shifted_up[index] += eps
        shifted_down[index] -= eps
        up = _float_model(shifted_up).loss_and_gradients(points, labels)
        down = _float_model(shifted_down).loss_and_gradients(points, labels)
        numeric = (up - down) / (2 * eps)
        assert math.isclose(analytic[index], numeric, rel_tol=1e-4, abs_tol=1e-7), index


def _float_model(flat: list[float], sizes: tuple[int, ...] = (2, 16, 16, 1)) -> FloatMLP:
    """A FloatMLP whose parameters, in micrograd's order, are ``flat``."""
    values = iter(flat)
    weights = []
    for n_in, n_out in itertools.pairwise(sizes):
        rows, biases = [], []
        for _ in range(n_out):
            rows.append([next(values) for _ in range(n_in)])
            biases.append(next(values))
        weights.append((rows, biases))
    return FloatMLP(weights)


# ---- workload 2: the chain ----------------------------------------------------------------

def test_chain_gradients_match_the_closed_form_and_micrograd_hits_its_recursion_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: collections.Counter[tuple[str, int]] = collections.Counter()
    for engine, runner in list(RUNNERS.items()):

        def counted(n: int, engine: str = engine, runner: Runner = runner) -> tuple[float, object]:
            calls[(engine, n)] += 1
            return runner(n)

        monkeypatch.setitem(RUNNERS, engine, counted)
    timings = time_chain((10, 100, 1000), repeats=3, gc_enabled=False)
    expected_calls = {(engine, n): 3 for engine in CHAIN_ENGINES for n in (10, 100, 1000)}
    expected_calls[(MICROGRAD, 1000)] = 1  # a RecursionError is not retried
    assert calls == expected_calls
    for n in timings.sizes:
        for engine in (PLAIN, OURS):
            assert math.isclose(timings.gradients[(engine, n)], FACTOR**n, rel_tol=1e-12)
            samples = timings.samples[(engine, n)]
            assert len(samples) == 3  # one timed run per round
            assert all(math.isfinite(s) and s > 0 for s in samples)
            assert timings.seconds(engine, n) == sorted(samples)[1]  # the median of three
        ratios = sorted(
            ours / plain
            for ours, plain in zip(
                timings.samples[(OURS, n)], timings.samples[(PLAIN, n)], strict=True
            )
        )
        assert timings.ratio_to_plain(OURS, n) == ratios[1]  # the median of per-round ratios
    assert math.isclose(timings.gradients[(MICROGRAD, 10)], FACTOR**10, rel_tol=1e-12)
    assert timings.failures == {(MICROGRAD, 1000): "RecursionError"}
    assert (MICROGRAD, 1000) not in timings.samples
    assert timings.seconds(MICROGRAD, 1000) is None
    assert timings.ratio_to_plain(MICROGRAD, 1000) is None
    assert set(CHAIN_ENGINES) == {PLAIN, OURS, MICROGRAD}


# ---- workload 3: memory -------------------------------------------------------------------

def test_memory_is_measured_per_node_and_only_micrograd_leaves_cycles() -> None:
    results = {engine: measure(engine, products=500, seed=4) for engine in MEMORY_ENGINES}
    a_b_sum = results[OURS].total
    assert results[MICROGRAD].total == a_b_sum  # the same sum, in the same order
    for result in results.values():
        assert result.nodes == 1 + 4 * 500
        assert result.bytes_per_node > 0
    assert results[OURS].collected == 0  # no reference cycles: freed by reference counting
    assert results[MICROGRAD].collected >= results[MICROGRAD].nodes


def test_memory_rejects_an_unknown_engine() -> None:
    with pytest.raises(ValueError, match="memory: unknown engine 'torch'"):
        measure("torch", products=10)


# ---- the command --------------------------------------------------------------------------

def test_quick_run_writes_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "results.md"
    output.write_text("an earlier report")
    output.chmod(0o640)
    assert main(["--quick", "--output", str(output)]) == 0
    assert output.stat().st_mode & 0o777 == 0o640  # replaced, keeping its permissions
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# backprop-lab benchmarks")
    headings = ("## Machine", "## Targets", "## 1.", "## 2.", "## 3.", "## 4.", "## 5.", "## 6.")
    for heading in headings:
        assert heading in text
    assert "RecursionError" in text  # micrograd's chain of 1,000
    assert "Not run" not in text  # nn and optim exist: the whole demo ran
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.md"]  # no temporary left
    assert "## Targets" in capsys.readouterr().out


def test_output_in_a_missing_directory_is_refused_before_running(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--quick", "--output", str(tmp_path / "missing" / "results.md")])
    assert list(tmp_path.iterdir()) == []


# ---- workload 4: the whole demo -----------------------------------------------------------

def test_demo_through_nn_and_optim_follows_micrograds_losses() -> None:
    from benchmarks.demo_training import run_demo

    ours, theirs = run_demo(steps=3, n_samples=TINY)
    assert ours.steps == theirs.steps == 3
    assert ours.losses == pytest.approx(theirs.losses, rel=1e-9)
    assert len(set(ours.losses)) == 3  # training changed the loss
    assert ours.final_accuracy == theirs.final_accuracy


def test_the_chain_rule_benchmark_runs_and_reports_a_ratio_per_size(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks.chain_rule_text import QUICK_SIZES
    from benchmarks.chain_rule_text import main as chain_rule_main

    assert chain_rule_main(["--quick"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")][1:]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == [f"{n:,}" for n in QUICK_SIZES]
    assert all(row.rstrip(" |").endswith("x") for row in rows)


# ---- workload 5: held-out data and monitoring in fit ----------------------------------------

def test_fit_overhead_times_every_variant_against_the_plain_epoch() -> None:
    from benchmarks.fit_overhead import PLAIN, VARIANTS, section, time_overhead

    timings = time_overhead(n_samples=TINY, repeats=2)
    assert list(timings.samples) == list(VARIANTS)
    assert all(len(times) == 2 and min(times) > 0 for times in timings.samples.values())
    assert timings.ratio(PLAIN) == 1.0
    text = section(timings)
    assert text.startswith(f"## 5. Held-out data and monitoring in `nn.fit`, {TINY} points")
    assert text.count("\n| ") == 1 + len(VARIANTS)  # the header and one row per variant


# ---- workload 6: one digits epoch of the ConvNet ---------------------------------------------

def test_digits_epoch_does_pytorchs_arithmetic_on_the_same_batches() -> None:
    pytest.importorskip("sklearn")
    pytest.importorskip("torch")
    from benchmarks.digits_epoch import COMPILED, OURS, TORCH, run_digits_epoch

    ours, compiled, theirs = run_digits_epoch(limit=24)
    assert (ours.engine, compiled.engine, theirs.engine) == (OURS, COMPILED, TORCH)
    assert ours.examples == compiled.examples == theirs.examples == 24
    assert ours.seconds > 0 and compiled.seconds > 0 and theirs.seconds > 0
    assert math.isclose(ours.mean_loss, theirs.mean_loss, rel_tol=1e-12)
    assert math.isclose(compiled.mean_loss, ours.mean_loss, rel_tol=1e-9)
