"""``make demo``: the lecture's worked example, back-propagated, with its gradients printed."""

from __future__ import annotations

from .examples import house_price


def main() -> None:
    example = house_price()
    example.loss.backward()
    print("House price: y_pred = theta1 + theta2 * x, loss = (y_pred - y)^2")
    for node in (example.theta1, example.theta2, example.x, example.y):
        print(f"  {node.label:>6} = {node.data:,.0f}")
    print(f"  y_pred - y = {example.c2.data:,.0f}, loss = {example.loss.data:,.0f}")
    print(f"  dloss/dtheta1 = {example.theta1.grad:,.0f}")
    print(f"  dloss/dtheta2 = {example.theta2.grad:,.0f}  ({example.theta2.grad:.4g})")


if __name__ == "__main__":
    main()
