"""The lecture's worked backprop example: predicting a house price from its size."""

from __future__ import annotations

from dataclasses import dataclass

from ..value import Parameter, Value


@dataclass(frozen=True)
class HousePrice:
    """The nodes of the worked example, by their names on the slide."""

    theta1: Value
    theta2: Value
    x: Value
    y: Value
    c1: Value
    y_pred: Value
    c2: Value
    loss: Value


def house_price(
    theta1: float = 50_000.0,
    theta2: float = 163.0,
    x: float = 2_500.0,
    y: float = 500_000.0,
) -> HousePrice:
    """Build the slide's graph: y_pred = theta1 + theta2 * x and loss = (y_pred - y)^2.

    With the defaults y_pred - y = -42,500, so after ``loss.backward()``
    dloss/dtheta1 = -85,000 and dloss/dtheta2 = -85,000 * 2,500 = -2.125e8, as on the slide.
    theta1 and theta2 are Parameters; x and y are data.
    """
    theta1_ = Parameter(theta1, label="theta1")
    theta2_ = Parameter(theta2, label="theta2")
    x_ = Value(x, label="x")
    y_ = Value(y, label="y")
    c1 = theta2_ * x_
    c1.label = "c1"
    y_pred = theta1_ + c1
    y_pred.label = "y_pred"
    c2 = y_pred - y_
    c2.label = "c2"
    loss = c2**2
    loss.label = "loss"
    return HousePrice(theta1_, theta2_, x_, y_, c1, y_pred, c2, loss)
