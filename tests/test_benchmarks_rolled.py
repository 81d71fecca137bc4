"""Workload 9 runs at a tiny size: its engines take the same step, its report has its targets."""

from __future__ import annotations

import pytest

pytest.importorskip("numpy")
pytest.importorskip("torch")

from benchmarks.rolled import (
    MICROGRAD_STYLE,
    NUMPY,
    ROLLED,
    TORCH,
    _agreement,
    section,
    time_rolled,
)


def test_the_four_engines_take_the_same_step() -> None:
    assert _agreement(50) < 1e-10


def test_the_quick_run_reports_every_engine_and_target() -> None:
    text, found = section(time_rolled(n_points=40, repeats=1, steps=1, nodes=1500))
    for name in (NUMPY, TORCH, ROLLED, MICROGRAD_STYLE):
        assert name in text
    assert len(found) == 5
    assert "## 9. Layers as arrays" in text
