"""How big and how often each workload runs: the full benchmark, or the quick smoke run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    """How big and how often: the full run, or the quick one."""

    n_samples: int  # moons points in the MLP step
    repeats_off: int  # rounds of the MLP step, collector off
    repeats_on: int  # rounds of the MLP step, collector on
    micrograd_repeats_on: int  # micrograd with the collector on is slow: fewer rounds
    steps_per_sample: int  # consecutive steps timed together, as in a training loop
    chain_sizes: tuple[int, ...]
    chain_repeats: int
    products: int  # in the memory workload
    demo_steps: int  # workload 4, the whole demo
    digits_examples: int | None  # workload 5: training digits in the epoch (None: all 1,348)
    playground_frames: int = 30  # workload 7, frames of the training playground


FULL = Sizes(
    n_samples=100,
    repeats_off=9,
    repeats_on=7,
    micrograd_repeats_on=4,
    steps_per_sample=3,
    chain_sizes=(10**3, 10**4, 10**5, 10**6),
    chain_repeats=3,
    products=10**5,
    demo_steps=100,
    digits_examples=None,
)
QUICK = Sizes(
    n_samples=8,
    repeats_off=1,
    repeats_on=1,
    micrograd_repeats_on=1,
    steps_per_sample=1,
    chain_sizes=(10, 100, 1000),
    chain_repeats=1,
    products=1000,
    demo_steps=2,
    digits_examples=16,
    playground_frames=2,
)
