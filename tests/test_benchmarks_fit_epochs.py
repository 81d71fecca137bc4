"""Workload 10 trains as PyTorch does: fit(compile=True) and torch.optim.SGD on the same batches."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("numpy")
pytest.importorskip("torch")
pytest.importorskip("sklearn")

from benchmarks.fit_epochs import MODELS, section, time_model


@pytest.mark.parametrize("model", list(MODELS))
def test_an_epoch_of_compiled_fit_is_pytorchs_epoch_on_the_same_batches(model: str) -> None:
    result = time_model(model, limit=70, repeats=1)  # three batches of 32, one of 6
    assert result.torch_mean_loss is not None
    assert math.isclose(result.mean_loss, result.torch_mean_loss, rel_tol=1e-12)
    assert 0 < result.program <= result.epoch
    text = section([result])
    assert model in text and f"{result.mean_loss:.12f}" in text
