"""The compiled training step of ``fit(compile=True)``: one batch's loss and gradients, batched.

The per-example loss ℓ(f_θ(x), y) is traced once, with the model's parameters θ and one
example's data (x, y) as inputs, and generated as NumPy code (``autograd.compile``'s code
generator); each step then runs it once over the examples of the batch, every node an array
operation, and sums the parameters' gradients over the batch. The losses are written so that
their graph is the same for every example (no ``if`` on a value):

- mse, sse: (y − ŷ)²
- hinge: relu(1 − y s)
- bce: ½(z + |z|) − z y + log(1 + e^−|z|)  (the eager loss's two branches in one formula, with
  the exact slope σ(0) − y at z = 0 as well)
- cross_entropy: m + log Σ_j e^(z_j − m) − Σ_j t_j z_j, with t the one-hot class and
  m = max_j z_j, one ``max`` node (the shift changes neither value nor slope)

A loss given as a function of a whole batch cannot be split per example; for full-batch
training (the same samples every epoch) it is compiled whole instead (``WholeBatchStep``).

Both take the parameters as one array θ and give the gradient as one array (the optimizer's
step, on arrays too, is ``nn.array_step``'s). Whenever a batch gives a NaN or an infinity,
``NotFinite`` is raised and the batch is computed again by the eager engine, so errors and
divergence are reported exactly as without ``compile``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import autograd
from autograd import Parameter, Value
from autograd.compiler.codegen import generate, load
from autograd.compiler.tracing import Trace, input_node, trace
from autograd.value import is_real_number

from .batch_gradient import LossAndGrads, batch_program
from .fit_checks import check_predictions
from .losses import bce_loss, cross_entropy, hinge_loss, mse_loss, sse_loss
from .module import Module
from .outputs import one_output, one_output_each

NAMED_LOSSES = ("mse", "sse", "hinge", "bce", "cross_entropy")
MEAN_LOSSES = ("mse", "hinge", "bce", "cross_entropy")
LOSSES = {"mse": mse_loss, "sse": sse_loss, "hinge": hinge_loss, "bce": bce_loss}


def _squared_error(prediction: Value, target: Sequence[Value]) -> Value:
    return (target[0] - prediction) ** 2


def _hinge(score: Value, target: Sequence[Value]) -> Value:
    return (1 - target[0] * score).relu()


def _binary_cross_entropy(z: Value, target: Sequence[Value]) -> Value:
    y = target[0]
    return 0.5 * (z + abs(z)) - z * y + (1 + (-abs(z)).exp()).log()


def _cross_entropy(logits: Sequence[Value], one_hot: Sequence[Value]) -> Value:
    m = autograd.max(list(logits))  # its gradient, 1 − Σ_j softmax_j, is 0 (to rounding)
    log_sum_exp = autograd.sum((z_j - m).exp() for z_j in logits).log() + m
    return log_sum_exp - autograd.dot(list(one_hot), list(logits))


PER_EXAMPLE: dict[str, Callable[[Any, Sequence[Value]], Value]] = {
    "mse": _squared_error,
    "sse": _squared_error,
    "hinge": _hinge,
    "bce": _binary_cross_entropy,
    "cross_entropy": _cross_entropy,
}


def check_named_loss(loss: str) -> None:
    """ValueError unless ``loss`` is one of the losses compiled per example."""
    if loss not in PER_EXAMPLE:
        raise ValueError(
            f"fit: compile=True needs one of the named losses {', '.join(NAMED_LOSSES)}; a "
            f"loss function of a whole batch cannot be compiled per example"
        )


class CompiledStep:
    """A model's per-example loss, compiled; ``loss_and_gradients(theta, batch)`` runs one step's
    worth. ``loss_and_grads`` is the generated program behind it (``nn.batch_gradient``)."""

    def __init__(
        self, model: Module, loss: str, xs: Sequence[Any], ys: Sequence[Any],
        reduction: str = "mean",
    ) -> None:
        np = _numpy()
        check_named_loss(loss)
        _refuse_uncompilable(model)
        self.model: Any = model  # called: a Module subclass defines __call__
        self.loss = loss
        self.mean = loss in MEAN_LOSSES and reduction == "mean"  # else the sum over examples
        self.parameters: list[Parameter] = model.parameters()
        self.x_shape, x_rows = _examples(xs, np)
        self.inputs_per_x = x_rows.shape[1]
        graph = self._trace(x_rows[0], ys[0], 0)
        again = self._trace(x_rows[-1], ys[-1], len(ys) - 1)  # the same graph, or no single graph
        if _shape_of(graph) != _shape_of(again):
            raise ValueError(
                "fit: compile=True needs a model whose graph is the same on every call, but "
                "this model built different graphs for two examples (does it draw random "
                "numbers, or branch on values?); use compile=False"
            )
        self.n_outputs = len(graph.extras)
        self.x_rows = x_rows
        self.y_rows = target_rows(loss, ys, self.n_outputs, np)
        names = [p.label or f"theta{i}" for i, p in enumerate(self.parameters)]
        names += [f"x{i + 1}" for i in range(self.inputs_per_x)]
        names += ["y"] if loss != "cross_entropy" else [f"t{j}" for j in range(self.n_outputs)]
        self.loss_and_grads: LossAndGrads
        self.loss_and_grads, self.source = batch_program(
            graph, names, len(self.parameters), f"fit {loss}", np
        )

    def _trace(self, x: Any, y: Any, sample: int) -> Trace:
        outputs: list[Value] = []
        loss_term = PER_EXAMPLE[self.loss]

        def per_example(*data: Value) -> Value:
            prediction = one_output(
                self.model(_rebuilt(self.x_shape, iter(data[: self.inputs_per_x])))
            )
            check_predictions(self.loss, [prediction], [sample])  # as the eager fit says
            if self.loss == "cross_entropy":
                outputs.extend(_as_value(z) for z in prediction)
            else:
                outputs.append(_as_value(prediction))
            return loss_term(outputs if self.loss == "cross_entropy" else outputs[0],
                             data[self.inputs_per_x:])

        if self.loss == "cross_entropy":
            classes = self._class_count(x)
            targets = [1.0 if j == int(y) else 0.0 for j in range(classes)]
        else:
            # anything but a number: the model's output, or else _targets, says what is wrong
            targets = [float(y) if isinstance(y, Value) or is_real_number(y) else 0.0]
        names = [f"x{i + 1}" for i in range(self.inputs_per_x)] + ["y"] * len(targets)
        leaves = [input_node(v, name) for v, name in zip([*x, *targets], names, strict=True)]
        return trace(per_example, "fit", leaves, self.parameters, extras=lambda: outputs)

    def _class_count(self, x: Any) -> int:
        with autograd.no_grad():
            prediction = self.model(_rebuilt(self.x_shape, iter([float(v) for v in x])))
        return 1 if isinstance(prediction, Value) else len(prediction)

    def loss_and_gradients(self, theta: Any, batch: Sequence[int]) -> tuple[float, Any, int]:
        """(the batch's loss, ∂loss/∂θ as an array, how many examples it classified correctly)
        at parameters ``theta`` (an array in ``parameters`` order); NotFinite otherwise.

        The loss is the named loss of the batch (a mean, or a sum for "sse"), without the
        penalty; the count is 0 for the losses that do not classify (mse, sse).
        """
        np = _numpy()
        m = len(batch)
        rows = np.asarray(batch)
        with np.errstate(all="ignore"):
            try:
                losses, grad, outputs = self.loss_and_grads(
                    theta, self.x_rows[rows], self.y_rows[rows]
                )
            except (ArithmeticError, ValueError) as error:  # on the parameters (floats) alone
                raise NotFinite from error
            total = float(np.sum(losses))
            # the mean losses end with a division by m, whose local derivative is 1/m
            loss = total / m if self.mean else total
            scale = 1.0 / m if self.mean else 1.0
            gradient = grad * scale
        if not (math.isfinite(loss) and np.isfinite(gradient).all()):
            raise NotFinite
        return loss, gradient, count_hits(self.loss, outputs, self.y_rows[rows], np)

    def step_taken(self) -> None:
        """Nothing to do after a step: the model has no batch statistics."""


class WholeBatchStep:
    """A loss function of the whole data set, compiled once with the parameters as inputs.

    For full-batch training with a loss given as a function: every epoch computes the same
    graph, so it is traced once (the data are constants of it) and run as generated Python.
    """

    def __init__(
        self, model: Any, loss: Callable[[list[Any], list[Any]], Value], xs: Sequence[Any],
        ys: Sequence[Any],
    ) -> None:
        _refuse_uncompilable(model)
        self.parameters: list[Parameter] = model.parameters()
        targets = list(ys)

        def whole_batch() -> Value:
            return loss(one_output_each([model(x) for x in xs]), targets)

        graph = trace(whole_batch, "fit", [], self.parameters)
        names = [p.label or f"theta{i}" for i, p in enumerate(self.parameters)]
        program = generate(graph, names, title="loss")
        self.source = program.source
        self._run = load(program, "fit loss")
        self.n = len(xs)

    def loss_and_gradients(self, theta: Any, batch: Sequence[int]) -> tuple[float, Any, int]:
        """(the loss of all samples, ∂loss/∂θ as an array, 0) at parameters ``theta``;
        NotFinite otherwise."""
        np = _numpy()
        assert list(batch) == list(range(self.n)), "compiled for the whole data set in order"
        try:
            loss, gradients = self._run(*theta.tolist())
        except (ArithmeticError, ValueError) as error:
            raise NotFinite from error
        gradient = np.array(gradients, dtype=float)
        if not (math.isfinite(loss) and np.isfinite(gradient).all()):
            raise NotFinite
        return loss, gradient, 0

    def step_taken(self) -> None:
        """Nothing to do after a step: the model has no batch statistics."""


class NotFinite(ArithmeticError):
    """A compiled batch gave a NaN or an infinity; ``fit`` computes it again eagerly."""


def _as_value(z: Any) -> Value:
    return z if isinstance(z, Value) else Value(float(z))


def target_rows(loss: str, ys: Sequence[Any], n_outputs: int, np: Any) -> Any:
    """The targets, one row each (one-hot for cross_entropy over ``n_outputs`` classes),
    checked as the eager loss does."""
    if loss == "cross_entropy":
        classes = range(n_outputs)
        for y in ys:
            if type(y) is not int or y not in classes:  # else the loss says what is wrong
                cross_entropy([0.0] * n_outputs, y)
    else:
        LOSSES[loss]([0.0] * len(ys), list(ys))
    if loss != "cross_entropy":
        return np.array([float(y) for y in ys], dtype=float).reshape(len(ys), 1)
    one_hot = np.zeros((len(ys), n_outputs))
    one_hot[np.arange(len(ys)), [int(k) for k in ys]] = 1.0
    return one_hot


def count_hits(loss: str, outputs: Any, targets: Any, np: Any) -> int:
    """How many outputs classify their example correctly, as ``fit``'s accuracy counts:
    the sign for hinge (labels ±1) and bce (0/1), the first largest logit for cross_entropy."""
    if loss == "cross_entropy":
        right = outputs.argmax(axis=1) == targets.argmax(axis=1)
    elif loss == "hinge":
        right = np.where(outputs[:, 0] > 0, 1.0, -1.0) == targets[:, 0]
    elif loss == "bce":
        right = np.where(outputs[:, 0] > 0, 1.0, 0.0) == targets[:, 0]
    else:
        return 0
    return int(right.sum())


def _refuse_uncompilable(model: Module, batch_norm: bool = False) -> None:
    """ValueError for a model without one graph to compile: dropout, or a module computing a
    batch as a whole (batch norm too, unless ``batch_norm``: ``nn.coupled_step`` compiles it)."""
    from .batchnorm import _BatchNorm
    from .dropout import Dropout

    for module in model.modules() if isinstance(model, Module) else []:
        if not module.training:
            continue
        if isinstance(module, Dropout) and module.p > 0:
            raise ValueError(
                f"fit: compile=True cannot train a model with {module!r} in training mode: "
                f"dropout draws a new mask on every call, so the model has no single graph to "
                f"compile; use compile=False (or p=0)"
            )
        if batch_norm and isinstance(module, _BatchNorm):
            continue
        own = getattr(type(module), "forward_batch", None)
        batch_wide = own is not None and own is not getattr(Module, "forward_batch", None)
        if batch_wide and not [m for m in module.modules() if m is not module]:
            raise ValueError(
                f"fit: compile=True cannot train a model with {module!r} in training mode: it "
                f"computes each batch as a whole (forward_batch), so there is no per-example "
                f"graph to compile (batch norm is compiled batch by batch, for the named "
                f"losses); use compile=False (fit trains every module in training mode)"
            )


# The shape of an example x: None for one number, else a tuple of its items' shapes (an image
# [1][8][8] is a tuple of one tuple of eight tuples of eight Nones).
Shape = Any


def _examples(xs: Sequence[Any], np: Any) -> tuple[Shape, Any]:
    """The shape every x shares, and the examples' numbers as an array, one x per row (pixels
    row by row); ValueError naming the first x whose shape differs."""
    try:
        array = np.asarray(xs)
    except (TypeError, ValueError, OverflowError):  # ragged, or not numbers at all
        array = None
    if array is not None and array.dtype.kind in "iuf" and array.ndim >= 1:
        shape: Shape = None
        for size in reversed(array.shape[1:]):
            shape = (shape,) * size
        return shape, array.astype(float).reshape(len(xs), -1)
    shape = _input_shape(xs)
    return shape, np.array([_flat(x) for x in xs], dtype=float).reshape(len(xs), -1)


def _input_shape(xs: Sequence[Any]) -> Shape:
    """The shape every x shares, or ValueError naming the first x that differs."""
    first = _shape(xs[0])
    for index, x in enumerate(xs):
        if _shape(x) != first:
            raise ValueError(
                f"fit: compile=True needs every x to be a number or a (nested) list of numbers "
                f"of one shape, but xs[{index}] is {x!r} and xs[0] is {xs[0]!r}"
            )
    return first


def _shape(x: Any) -> Shape:
    if _is_number(x):
        return None
    if hasattr(x, "tolist") and hasattr(x, "ndim"):  # a NumPy array (an image, a row)
        x = x.tolist()
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        return "not a number"
    return tuple(_shape(item) for item in x)


def _is_number(x: Any) -> bool:
    return isinstance(x, Value) or is_real_number(x)


def _flat(x: Any) -> list[float]:
    """The numbers of x, in order (row by row for an image)."""
    if _is_number(x):
        return [float(x.data) if isinstance(x, Value) else float(x)]
    if hasattr(x, "tolist") and hasattr(x, "ndim"):
        x = x.tolist()
    return [number for item in x for number in _flat(item)]


def _rebuilt(shape: Shape, numbers: Iterator[Any]) -> Any:
    """Numbers (or Values) in x's shape again: the inverse of ``_flat``."""
    if shape is None:
        return next(numbers)
    return [_rebuilt(item, numbers) for item in shape]


def _shape_of(graph: Trace) -> list[tuple[Any, ...]]:
    """The graph as data: each node's op, constant value and inputs' positions."""
    position = {id(node): i for i, node in enumerate(graph.order)}
    inputs = {id(node): i for i, node in enumerate(graph.inputs)}
    shape: list[tuple[Any, ...]] = []
    for node in graph.order:
        if id(node) in inputs:
            shape.append(("input", inputs[id(node)]))
        elif node._op is None:
            shape.append(("constant", repr(node.data)))
        else:
            shape.append((node.op, tuple(position[id(child)] for child in node.inputs)))
    return shape


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        raise ImportError(
            "fit: compile=True needs NumPy (pip install 'backprop-lab[compile]')"
        ) from None
    return numpy
