"""Workload 5: what held-out data and monitoring add to an epoch of ``nn.fit``.

micrograd's demo network (2-16-16-1 ReLU, hinge loss, full-batch SGD) trains one epoch on the
demo's points: plainly, with ``monitor=True`` (per-layer norms before and after each step), and
with ``validation=`` on as many held-out points (one forward pass without a graph per epoch).
Beside them, ``nn.activation_stats`` on the same points. The variants run in turn within each
round and are reported as ratios to the plain epoch of the same round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import nn
import optim

from .moons import make_moons
from .scalar_mlp import DEMO_SIZES
from .timing import interleaved, median, paired_ratio

PLAIN = "fit, one epoch"
VARIANTS = (
    PLAIN,
    "fit, one epoch, monitor=True",
    "fit, one epoch, validation on as many points",
    "activation_stats on the same points",
)


@dataclass(frozen=True)
class OverheadTimings:
    n_samples: int
    samples: dict[str, list[float]]  # seconds per run, one per round

    def seconds(self, variant: str) -> float:
        return median(self.samples[variant])

    def ratio(self, variant: str) -> float:
        return paired_ratio(self.samples[variant], self.samples[PLAIN])


def _runs(n_samples: int) -> dict[str, Callable[[], object]]:
    xs, ys = make_moons(2 * n_samples, noise=0.1, seed=1337)
    train = (xs[:n_samples], [float(y) for y in ys[:n_samples]])
    held_out = (xs[n_samples:], [float(y) for y in ys[n_samples:]])
    model = nn.MLP(DEMO_SIZES[0], list(DEMO_SIZES[1:]), activation="relu", seed=0)
    optimizer = optim.SGD(model.parameters(), lr=0.01)

    def epoch(**options: object) -> Callable[[], object]:
        return lambda: nn.fit(model, *train, loss="hinge", optimizer=optimizer, epochs=1,
                              progress=False, **options)  # type: ignore[arg-type]

    plain, monitored, validated, stats = VARIANTS
    return {
        plain: epoch(),
        monitored: epoch(monitor=True),
        validated: epoch(validation=held_out),
        stats: lambda: nn.activation_stats(model, train[0]),
    }


def time_overhead(n_samples: int, repeats: int) -> OverheadTimings:
    """Each variant once per round, ``repeats`` rounds, collector on (as training runs)."""
    samples = interleaved(_runs(n_samples), repeats, gc_enabled=True)
    return OverheadTimings(n_samples, samples)


def section(timings: OverheadTimings) -> str:
    """The workload's Markdown: what was run, and a table of times and ratios."""
    rows = [
        f"| {variant} | {timings.seconds(variant) * 1e3:.3g} ms | {timings.ratio(variant):.3g}x |"
        for variant in VARIANTS
    ]
    return "\n\n".join([
        f"## 5. Held-out data and monitoring in `nn.fit`, {timings.n_samples} points",
        "MLP 2-16-16-1 with ReLU, hinge loss, full-batch SGD: one epoch of `nn.fit` plainly, "
        "with `monitor=True`, and with `validation=` on as many held-out points; and "
        "`nn.activation_stats` on the training points. Collector on; the variants run in turn "
        f"in each of {len(timings.samples[PLAIN])} rounds, and each ratio is the median of the "
        "ratios to the plain epoch of the same round.",
        "| run | time | x plain epoch |\n|---|---|---|\n" + "\n".join(rows),
    ])
