"""The benchmark report: Markdown tables of timings and ratios, the targets, machine details."""

from __future__ import annotations

import datetime
import os
import platform
from dataclasses import dataclass
from importlib import metadata

from .chain import CHAIN_ENGINES, OURS, ChainTimings
from .memory import MemoryResult
from .mlp_step import ENGINES, MICROGRAD, OURS_FUSED, OURS_SCALAR, PLAIN, StepTimings
from .sizes import Sizes


@dataclass(frozen=True)
class Target:
    """A goal the engine should meet, what was measured, and whether it was met."""

    goal: str
    measured: str
    met: bool


def seconds(value: float | None) -> str:
    """A duration in the unit that suits it, to three significant figures."""
    if value is None:
        return "-"
    if value >= 1.0:
        return f"{value:.3g} s"
    if value >= 1e-3:
        return f"{value * 1e3:.3g} ms"
    return f"{value * 1e6:.3g} µs"


def times(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.3g}x"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    """Where and when the numbers were measured."""
    try:
        micrograd_version = metadata.version("micrograd")
    except metadata.PackageNotFoundError:
        micrograd_version = "not installed"
    rows = [
        ["date (UTC)", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")],
        ["platform", platform.platform()],
        ["processor", platform.processor() or platform.machine()],
        ["CPUs (os.cpu_count)", str(os.cpu_count())],
        ["Python", f"{platform.python_implementation()} {platform.python_version()}"],
        ["micrograd", micrograd_version],
    ]
    return table(["", ""], rows)


def mlp_table(timings: StepTimings) -> str:
    """Seconds per step of each engine, and its ratios to plain floats and to micrograd."""
    rows = []
    for engine in ENGINES:
        vs_micrograd = None if engine == MICROGRAD else timings.ratio(MICROGRAD, engine)
        rows.append(
            [
                engine,
                seconds(timings.seconds(engine)),
                str(len(timings.samples[engine])),
                times(timings.ratio(engine, PLAIN)),
                times(vs_micrograd),
            ]
        )
    header = ["engine", "time per step", "rounds", "x plain floats", "faster than micrograd"]
    return table(header, rows)


def chain_table(timings: ChainTimings) -> str:
    """Build + backward time per engine and N, with backprop-lab's ratio to plain floats."""
    rows = []
    for n in timings.sizes:
        row = [f"{n:,}"]
        for engine in CHAIN_ENGINES:
            row.append(timings.failures.get((engine, n)) or seconds(timings.seconds(engine, n)))
        row.append(times(timings.ratio_to_plain(OURS, n)))
        rows.append(row)
    return table(["N", *CHAIN_ENGINES, f"{OURS} x plain floats"], rows)


def memory_table(results: list[MemoryResult]) -> str:
    rows = [
        [
            r.engine,
            f"{r.nodes:,}",
            f"{r.retained_bytes / 2**20:.1f} MiB",
            f"{r.bytes_per_node:.0f}",
            seconds(r.free_seconds),
            seconds(r.collect_seconds),
            f"{r.collected:,}",
        ]
        for r in results
    ]
    header = [
        "engine",
        "Value nodes",
        "retained",
        "bytes per node",
        "`del` graph",
        "then `gc.collect()`",
        "objects it collected",
    ]
    return table(header, rows)


def targets(
    gc_off: StepTimings,
    gc_on: StepTimings,
    chain: ChainTimings,
    memory: list[MemoryResult],
) -> list[Target]:
    """The goals backprop-lab sets itself against plain floats and micrograd."""
    found: list[Target] = []
    for variant in (OURS_FUSED, OURS_SCALAR):
        to_plain = gc_off.ratio(variant, PLAIN)
        found.append(
            Target(
                f"MLP step, collector off, {variant}: at most 12x plain floats",
                times(to_plain),
                to_plain <= 12.0,
            )
        )
        speedup = gc_off.ratio(MICROGRAD, variant)
        found.append(
            Target(
                f"MLP step, collector off, {variant}: at least 3.5x faster than micrograd",
                times(speedup),
                speedup >= 3.5,
            )
        )
        speedup_on = gc_on.ratio(MICROGRAD, variant)
        found.append(
            Target(
                f"MLP step, collector on, {variant}: at least 8x faster than micrograd",
                times(speedup_on),
                speedup_on >= 8.0,
            )
        )
    deepest = max(chain.sizes)
    failure = chain.failures.get((OURS, deepest))
    ratio = chain.ratio_to_plain(OURS, deepest)
    found.append(
        Target(
            f"chain of {deepest:,}: works and at most 40x plain floats",
            failure or times(ratio),
            failure is None and ratio is not None and ratio <= 40.0,
        )
    )
    ours = next(r for r in memory if r.engine == OURS)
    found.append(
        Target(
            "memory: at most 150 bytes per node retained",
            f"{ours.bytes_per_node:.0f} bytes",
            ours.bytes_per_node <= 150.0,
        )
    )
    return found


def targets_table(found: list[Target]) -> str:
    rows = [[t.goal, t.measured, "met" if t.met else "**not met**"] for t in found]
    return table(["target", "measured", ""], rows)


def memory_ratio(memory: list[MemoryResult]) -> float:
    """How many times more bytes per node micrograd keeps than backprop-lab."""
    per_node = {r.engine: r.bytes_per_node for r in memory}
    return per_node[MICROGRAD] / per_node[OURS]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def render(
    sizes: Sizes,
    gc_off: StepTimings,
    gc_on: StepTimings,
    chain: ChainTimings,
    memory: list[MemoryResult],
    demo: str,
    found: list[Target],
    elapsed: float,
) -> str:
    """The whole report as Markdown."""
    met = sum(t.met for t in found)
    deepest = max(chain.sizes)
    sections = [
        "# backprop-lab benchmarks",
        "Speed and memory of backprop-lab side by side with micrograd 0.1.0 and with plain "
        "Python floats differentiated by hand (the pure-Python limit: lists and loops, no "
        "graph). Produced by `make bench` (`python -m benchmarks`); every engine computes the "
        "same loss and the same gradients (checked by `tests/test_benchmarks.py`).",
        "## Machine",
        machine(),
        "## Targets",
        f"{met} of {len(found)} met.",
        targets_table(found),
        "## 1. One step of micrograd's demo",
        "MLP 2-16-16-1 with ReLU on "
        f"{sizes.n_samples} two-moons points: the hinge loss mean(relu(1 - y_i score_i)) + "
        "1e-4 sum(p^2), zero_grad, backward, and the SGD update p.data -= lr * p.grad, "
        "exactly as micrograd's demo.ipynb. All engines start from the same weights. "
        "*scalar ops* is micrograd's Neuron verbatim on backprop-lab Values "
        "(`sum((wi*xi for ...), b)`, 2n nodes per neuron); *fused dot* writes the weighted "
        "sum as `autograd.dot(w, x) + b` (2 nodes), as backprop-lab's `nn` does.",
        "Engines run in turn within each round; a round times "
        f"{_count(sizes.steps_per_sample, 'consecutive step')} per engine, as a training loop "
        "runs them. Times are medians over "
        "the rounds; each ratio is the median of the ratios taken within a round.",
        "### Collector off",
        mlp_table(gc_off),
        "### Collector on (`gc.enable()`, as a training loop normally runs)",
        mlp_table(gc_on),
        f"micrograd ran {len(gc_on.samples[MICROGRAD])} of the rounds with the collector on "
        "(it is slow there: each graph is a web of reference cycles, closures that point back "
        "to their node, which only the collector can free, and it keeps scanning them). "
        "With the collector off, micrograd's old graphs are not freed at all during the "
        "timed steps, while backprop-lab's graph (no cycles) is freed by reference counting "
        "within the step, so that cost is in backprop-lab's time and not in micrograd's. "
        "The plain-float backward skips samples outside the margin, where the hinge's "
        "derivative is 0; the graph engines back-propagate through them.",
        "## 2. A chain y = y * 1.0001 + 0.0001, N deep",
        "Build and backward (freeing the graph is not timed here; see 3), collector off, "
        f"median of {_count(sizes.chain_repeats, 'round')}. dy/dx is checked against 1.0001^N. "
        "micrograd's recursive topological sort raises RecursionError past about 500 "
        "steps at Python's default recursion limit; it is tried once per N.",
        chain_table(chain),
        "## 3. Memory",
        f"`total = total + Value(a_i) * Value(b_i)` for {sizes.products:,} pairs of fresh "
        "leaves: bytes retained while the graph is alive (difference of two `tracemalloc` "
        "snapshots) per Value node, leaves included. The operands a_i, b_i are floats made "
        "beforehand and shared by the leaves, in both engines. Then the time to drop the graph "
        "(`del`), and the `gc.collect()` after it with the number of unreachable objects it "
        "found.",
        memory_table(memory),
        f"micrograd keeps {memory_ratio(memory):.3g}x the bytes per node of backprop-lab.",
        f"## 4. The whole demo, {sizes.demo_steps} steps",
        demo,
        "---",
        f"Run time {elapsed:.0f} s. Chain depth measured up to {deepest:,}.",
    ]
    return "\n\n".join(sections) + "\n"
