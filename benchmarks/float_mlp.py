"""The demo MLP on plain Python floats with a hand-written backward pass: the pure-Python limit.

No graph and no objects per operation: lists of floats and loops. Each sample's forward pass
keeps its layer outputs, and its backward pass runs right after it, adding the sample's share
of d(loss)/d(parameter) into gradient lists shaped like the weights.
"""

from __future__ import annotations

from .scalar_mlp import LayerWeights

ALPHA = 1e-4  # the demo's L2 strength


class FloatMLP:
    """MLP with ReLU on every layer but the last, trained by the demo's hinge loss and SGD."""

    def __init__(self, weights: list[LayerWeights]) -> None:
        self.rows = [[list(row) for row in rows] for rows, _ in weights]
        self.biases = [list(biases) for _, biases in weights]
        self.row_grads = [[[0.0] * len(row) for row in rows] for rows in self.rows]
        self.bias_grads = [[0.0] * len(biases) for biases in self.biases]
        self.accuracy = 0.0  # of the last loss_and_gradients(), as the demo prints it

    def parameters(self) -> list[float]:
        """The parameters in micrograd's order: each neuron's weights, then its bias."""
        return [
            value
            for rows, biases in zip(self.rows, self.biases, strict=True)
            for row, b in zip(rows, biases, strict=True)
            for value in (*row, b)
        ]

    def gradients(self) -> list[float]:
        """d(loss)/d(parameter), in the order of ``parameters()``."""
        return [
            value
            for rows, biases in zip(self.row_grads, self.bias_grads, strict=True)
            for row, b in zip(rows, biases, strict=True)
            for value in (*row, b)
        ]

    def forward(self, x: list[float]) -> list[list[float]]:
        """The activations of every layer, the input first; the score is the last layer's."""
        activations = [x]
        last = len(self.rows) - 1
        for layer, (rows, biases) in enumerate(zip(self.rows, self.biases, strict=True)):
            out = []
            for row, b in zip(rows, biases, strict=True):
                act = b
                for wi, xi in zip(row, x, strict=True):
                    act += wi * xi
                if layer != last and act < 0.0:
                    act = 0.0
                out.append(act)
            activations.append(out)
            x = out
        return activations

    def backward(self, activations: list[list[float]], d_score: float) -> None:
        """Add d(loss)/d(parameter) for one sample, given d(loss)/d(score)."""
        upstream = [d_score]
        last = len(self.rows) - 1
        for layer in range(last, -1, -1):
            rows, row_grads = self.rows[layer], self.row_grads[layer]
            bias_grads = self.bias_grads[layer]
            x, out = activations[layer], activations[layer + 1]
            d_x = [0.0] * len(x) if layer > 0 else []  # the data itself needs no gradient
            for j, g in enumerate(upstream):
                if layer != last and out[j] <= 0.0:  # d relu(a)/da = 0 where relu(a) = 0
                    continue
                bias_grads[j] += g
                row, grad_row = rows[j], row_grads[j]
                for i, xi in enumerate(x):
                    grad_row[i] += xi * g
                if layer > 0:
                    for i, wi in enumerate(row):
                        d_x[i] += wi * g
            upstream = d_x

    def loss_and_gradients(self, points: list[list[float]], labels: list[int]) -> float:
        """The demo's loss, mean(relu(1 - y score)) + alpha sum(p^2); fills in the gradients."""
        for grad_rows in self.row_grads:
            for grad_row in grad_rows:
                for i in range(len(grad_row)):
                    grad_row[i] = 0.0
        for bias_grads in self.bias_grads:
            for j in range(len(bias_grads)):
                bias_grads[j] = 0.0
        scale = 1.0 / len(points)
        data_loss = 0.0
        correct = 0
        for x, y in zip(points, labels, strict=True):
            activations = self.forward(x)
            score = activations[-1][0]
            correct += (y > 0) == (score > 0)
            margin = 1.0 + -y * score
            if margin > 0.0:  # hinge: relu(margin), whose derivative is 0 where margin <= 0
                data_loss += margin
                self.backward(activations, -y * scale)
        penalty = 0.0
        for rows, grad_rows, biases, bias_grads in zip(
            self.rows, self.row_grads, self.biases, self.bias_grads, strict=True
        ):
            for j, (row, grad_row, b) in enumerate(zip(rows, grad_rows, biases, strict=True)):
                for i, wi in enumerate(row):
                    penalty += wi * wi
                    grad_row[i] += 2.0 * ALPHA * wi  # d(alpha w^2)/dw = 2 alpha w
                penalty += b * b
                bias_grads[j] += 2.0 * ALPHA * b
        self.accuracy = correct / len(points)
        return data_loss * scale + ALPHA * penalty

    def update(self, learning_rate: float) -> None:
        """One SGD step: p <- p - learning_rate * dL/dp."""
        for rows, grad_rows, biases, bias_grads in zip(
            self.rows, self.row_grads, self.biases, self.bias_grads, strict=True
        ):
            for row, grad_row in zip(rows, grad_rows, strict=True):
                for i, g in enumerate(grad_row):
                    row[i] -= learning_rate * g
            for j, g in enumerate(bias_grads):
                biases[j] -= learning_rate * g
