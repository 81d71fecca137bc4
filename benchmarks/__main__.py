"""``python -m benchmarks``: run every workload, print the tables, write the Markdown report.

``--quick`` runs tiny sizes once each (a smoke test, seconds); ``--output PATH`` writes the
report there. A full run writes ``build/benchmarks/results.md`` (under the current directory,
an ignored folder in a checkout) unless told otherwise; a quick run writes only where
``--output`` says. The report the README quotes is the committed ``benchmarks/results.md``,
a full run on the project's reference machine: replace it by hand, with the README's figures,
when a new run should become the reference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from autograd.files import write_atomically

from . import report
from .chain import time_chain
from .fit_overhead import section as fit_overhead_section
from .fit_overhead import time_overhead
from .memory import MEMORY_ENGINES, measure
from .mlp_step import MICROGRAD, time_steps
from .sizes import FULL, QUICK, Sizes

DEFAULT_OUTPUT = Path("build", "benchmarks", "results.md")  # relative: under the current dir
REFERENCE_REPORT = Path(__file__).with_name("results.md")  # committed; the README quotes it


def _demo_section(sizes: Sizes) -> str:
    """Workload 4, when backprop-lab's nn and optim are importable."""
    try:
        from .demo_training import DEMO_ENGINES, run_demo
    except ImportError as error:
        return f"Not run: {error}."
    runs = run_demo(steps=sizes.demo_steps, n_samples=sizes.n_samples)
    by_engine = {run.engine: run for run in runs}
    ours, theirs = (by_engine[name] for name in DEMO_ENGINES)
    rows = [
        [
            run.engine,
            report.seconds(run.seconds),
            report.seconds(run.seconds / run.steps),
            f"{run.losses[0]:.6f}",
            f"{run.losses[-1]:.6f}",
            f"{run.final_accuracy:.0%}",
        ]
        for run in runs
    ]
    header = ["engine", f"{ours.steps} steps", "per step", "first loss", "last loss", "accuracy"]
    speedup = theirs.seconds / ours.seconds
    return (
        report.table(header, rows)
        + f"\n\nbackprop-lab's nn + optim: **{speedup:.3g}x** faster than micrograd's own loop "
        "(one run each, collector on)."
    )


DIGITS_HEADING = "## 6. One epoch of the ConvNet on the handwritten digits"
DIGITS_WORKLOAD = (
    "Notebook 06's ConvNet (conv 1→4 channels 3x3 with padding 1, ReLU, max-pool 2, flatten, "
    "linear 64→10; 1,641 graph nodes per example, leaves included) trained with `nn.fit` "
    "(cross entropy, Adam lr 0.01, batches of 8) for one epoch over the training three quarters "
    "of `nn.load_digits()`, collector on. Beside it the same model and batches in PyTorch "
    "float64 on one thread (`nn.to_torch`), whose equal mean loss shows the same arithmetic."
)


def _digits_section(sizes: Sizes) -> str:
    """Workload 6 with its heading, when scikit-learn's digits are installed."""
    return f"{DIGITS_HEADING}\n\n{DIGITS_WORKLOAD}\n\n{_digits_results(sizes)}"


def _digits_results(sizes: Sizes) -> str:
    from .digits_epoch import COMPILED, OURS, TORCH, run_digits_epoch

    try:
        runs = run_digits_epoch(sizes.digits_examples)
    except ImportError as error:
        return f"Not run: {error}."
    rows = [
        [
            run.engine,
            f"{run.examples:,}",
            report.seconds(run.seconds),
            report.seconds(run.seconds / run.examples),
            f"{run.mean_loss:.12f}",
        ]
        for run in runs
    ]
    header = ["engine", "examples", "one epoch", "per example", "mean batch loss"]
    text = report.table(header, rows)
    by_engine = {run.engine: run for run in runs}
    speedup = by_engine[OURS].seconds / by_engine[COMPILED].seconds
    text += f"\n\nCompiled, the epoch runs **{speedup:.3g}x** faster than eager."
    if TORCH in by_engine:
        ratio = by_engine[OURS].seconds / by_engine[TORCH].seconds
        text += f"\n\nbackprop-lab eager takes **{ratio:.3g}x** PyTorch's time for the epoch."
    return text + (
        "\n\nWorkload 8 times a 64-32-10 MLP's epoch eager, compiled and batched."
    )


def _playground_section(sizes: Sizes) -> tuple[str, report.Target | None]:
    """Workload 7, when NumPy (for the pictures) is importable."""
    try:
        from .playground import TARGET_FPS, section, time_frames

        timings = time_frames(sizes.playground_frames)
    except ImportError as error:
        return f"## 7. The training playground\n\nNot run: {error}.", None
    target = report.Target(
        f"playground: at least {TARGET_FPS:g} picture updates per second (2-8-8-1, 200 points)",
        f"{timings.fps:.3g} per second",
        timings.fps >= TARGET_FPS,
    )
    return section(timings), target


def _compiled_section(sizes: Sizes) -> tuple[str, list[report.Target]]:
    """Workload 8, when NumPy (the ``compile`` extra) is installed."""
    try:
        from .compiled import section, time_compiled

        return section(time_compiled(sizes))
    except ImportError as error:
        return f"## 8. Compiled\n\nNot run: {error}.", []


def _rolled_section(sizes: Sizes) -> tuple[str, list[report.Target]]:
    """Workload 9, when NumPy and PyTorch are installed."""
    try:
        from .rolled import GRAPH_NODES, section, time_rolled

        quick = sizes.n_samples < 100
        return section(time_rolled(
            n_points=100 if quick else 1000,
            repeats=1 if quick else sizes.repeats_off,
            steps=1 if quick else 5,
            nodes=2000 if quick else GRAPH_NODES,
        ))
    except ImportError as error:
        return f"## 9. Layers as arrays\n\nNot run: {error}.", []


def _fit_epochs_section(sizes: Sizes) -> str:
    """Workload 10, when NumPy and scikit-learn's digits are installed (PyTorch optional)."""
    try:
        from .fit_epochs import section, time_fit_epochs

        return section(time_fit_epochs(sizes.digits_examples, 1 if sizes.repeats_on == 1 else 3))
    except ImportError as error:
        return f"## 10. `fit(compile=True)` against PyTorch\n\nNot run: {error}."


def run(sizes: Sizes) -> str:
    """Every workload, and the report as Markdown."""
    started = time.perf_counter()
    print("MLP step, collector off ...", file=sys.stderr)
    gc_off = time_steps(False, sizes.repeats_off, sizes.steps_per_sample, sizes.n_samples)
    print("MLP step, collector on ...", file=sys.stderr)
    gc_on = time_steps(
        True,
        sizes.repeats_on,
        sizes.steps_per_sample,
        sizes.n_samples,
        repeats_for={MICROGRAD: sizes.micrograd_repeats_on},
    )
    print("chain ...", file=sys.stderr)
    chain = time_chain(sizes.chain_sizes, sizes.chain_repeats, gc_enabled=False)
    print("memory ...", file=sys.stderr)
    memory = [measure(engine, sizes.products) for engine in MEMORY_ENGINES]
    print("whole demo ...", file=sys.stderr)
    demo = _demo_section(sizes)
    print("held-out data and monitoring in fit ...", file=sys.stderr)
    overhead = fit_overhead_section(time_overhead(sizes.n_samples, sizes.repeats_on))
    print("digits epoch ...", file=sys.stderr)
    digits = _digits_section(sizes)
    print("playground ...", file=sys.stderr)
    playground, playground_target = _playground_section(sizes)
    found = report.targets(gc_off, gc_on, chain, memory)
    if playground_target is not None:
        found.append(playground_target)
    elapsed = time.perf_counter() - started
    text = report.render(sizes, gc_off, gc_on, chain, memory, demo, found, elapsed)
    before_footer = text.rindex("\n\n---\n\n")  # workloads 5 to 7 go before the run time
    workloads = [overhead, digits, playground]


    print("compiled ...", file=sys.stderr)
    compiled, compiled_found = _compiled_section(sizes)
    print("layers as arrays ...", file=sys.stderr)
    rolled, rolled_found = _rolled_section(sizes)
    print("fit(compile=True) against PyTorch ...", file=sys.stderr)
    fit_epochs = _fit_epochs_section(sizes)
    found = report.targets(gc_off, gc_on, chain, memory) + compiled_found + rolled_found
    elapsed = time.perf_counter() - started
    text = report.render(sizes, gc_off, gc_on, chain, memory, demo, found, elapsed)
    before_footer = text.rindex("\n\n---\n\n")  # workloads 5 to 10 go before the run time
    workloads = [overhead, digits, compiled, rolled, fit_epochs]
    return text[:before_footer] + "\n\n" + "\n\n".join(workloads) + text[before_footer:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round each")
    parser.add_argument("--output", type=Path, help="where to write the Markdown report")
    args = parser.parse_args(argv)
    output = args.output if args.output is not None else (None if args.quick else DEFAULT_OUTPUT)
    if output == DEFAULT_OUTPUT:
        output.parent.mkdir(parents=True, exist_ok=True)
    if output is not None and not output.parent.is_dir():
        parser.error(f"--output: directory {str(output.parent)!r} does not exist")
    text = run(QUICK if args.quick else FULL)
    print(text)
    if output is not None:
        write_atomically(output, text)
        print(f"written to {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
