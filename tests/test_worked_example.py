"""The lecture's worked example: the house-price gradients exactly as on the slide."""

from __future__ import annotations

import subprocess
import sys

from autograd import Value
from autograd.examples import house_price


def test_the_slide_gradients_are_exact() -> None:
    example = house_price()
    assert example.c2.data == -42_500.0
    example.loss.backward()
    # by hand: dloss/dc2 = 2 c2 = -85,000; y_pred = theta1 + theta2 x
    assert example.theta1.grad == -85_000.0
    assert example.theta2.grad == -2.125e8  # -85,000 * x, x = 2,500
    assert example.c2.grad == -85_000.0 and example.c1.grad == -85_000.0


def test_the_example_has_the_lecture_labels_and_parameters() -> None:
    example = house_price()
    labels = [example.theta1, example.theta2, example.x, example.y, example.c1, example.y_pred,
              example.c2, example.loss]
    assert [v.label for v in labels] == [
        "theta1", "theta2", "x", "y", "c1", "y_pred", "c2", "loss"
    ]
    assert example.c1.inputs == (example.theta2, example.x)
    assert example.y_pred.inputs == (example.theta1, example.c1)
    assert example.c2.op == "-" and example.loss.op == "**2"


def test_the_readme_example_written_by_hand() -> None:
    theta1, theta2 = Value(50_000.0), Value(163.0)
    loss = (theta1 + theta2 * 2_500.0 - 500_000.0) ** 2
    loss.backward()
    assert (theta1.grad, theta2.grad) == (-85_000.0, -212_500_000.0)


def test_the_demo_prints_the_gradients() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "autograd.cli.demo"], capture_output=True, text=True, check=True,
        timeout=120,
    )
    assert "-85,000" in result.stdout
    assert "-2.125e+08" in result.stdout
