"""``fit``: the training loop of the lecture's "Training" slide, θ ← θ − α ∇θ l(f_θ(x), y)."""

from __future__ import annotations

import math
import numbers
import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import autograd
from autograd import Value
from autograd.value import is_real_number
from optim import SGD, NonFiniteStep, Optimizer, Schedule
from optim.checks import whole_number
from optim.optimizer import check_lr

from .array_step import ArrayTraining
from .buffer_rollback import BufferRollback
from .compiled_training import compiled_training
from .fit_checks import (
    check_data,
    check_loss,
    check_model,
    check_optimizer_owner,
    check_predictions,
    first_non_finite,
)
from .loss_modules import fit_loss, module_loss
from .losses import bce_loss, cross_entropy, hinge_loss, mse_loss, sse_loss
from .module import Module
from .monitor import Monitor, plot_diagnostics
from .outputs import one_output_each
from .penalty import l2_penalty
from .sequences import ListLike, as_list
from .validation import EarlyStopping, check_validation_targets, checked_validation, evaluate

if TYPE_CHECKING:
    from matplotlib.axes import Axes

LossFunction = Callable[[list[Any], list[Any]], Value]


class TrainingDiverged(ArithmeticError):
    """The loss (or a gradient) became NaN or infinite; no step was taken from it.

    ``epoch`` (counting from 1) and ``loss`` say where and what; ``history`` holds the epochs
    completed before it. The parameters are those of the last step computed from a finite loss.
    """

    def __init__(self, message: str, epoch: int, loss: float, history: History) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.loss = loss
        self.history = history


@dataclass
class History:
    """What ``fit`` recorded, one entry per epoch.

    ``losses[e]`` is the mean of the losses the optimizer stepped from in epoch e (with one
    batch, the loss before that epoch's step), L2 penalty included. ``accuracies[e]`` is the
    fraction of training samples classified correctly by the same forward passes, for the
    classification losses ("hinge", "bce", "cross_entropy"); None for the others.

    With ``fit(..., validation=(xs_val, ys_val))``: ``val_losses[e]`` is the loss on the
    held-out samples at the end of epoch e (after its steps), in eval mode (dropout off), with
    no graph recorded and without the L2 penalty; ``val_accuracies[e]`` likewise, for the
    classification losses (else None). With ``early_stopping``, ``best_epoch`` is the index e
    of the lowest validation loss, whose parameters the model ends with.

    With ``fit(..., monitor=True)``: ``grad_norms[layer][e]`` is ‖∇θ ℓ‖ over that layer's
    parameters at the last step of epoch e, and ``update_ratios[layer][e]`` that step's
    ‖Δθ‖ / ‖θ‖; layers are named as in ``named_parameters()`` (``"layers.0"``).
    """

    losses: list[float] = field(default_factory=list)
    accuracies: list[float] | None = None
    val_losses: list[float] = field(default_factory=list)
    val_accuracies: list[float] | None = None
    best_epoch: int | None = None
    grad_norms: dict[str, list[float]] = field(default_factory=dict)
    update_ratios: dict[str, list[float]] = field(default_factory=dict)

    def __repr__(self) -> str:
        """Short, not every list: the epochs run, the last losses and accuracy, the best epoch."""
        parts = [f"epochs={len(self.losses)}"]
        if self.losses:
            parts.append(f"loss={self.losses[-1]:.4g}")
        if self.accuracies:
            parts.append(f"accuracy={self.accuracies[-1]:.3g}")
        if self.val_losses:
            parts.append(f"val_loss={self.val_losses[-1]:.4g}")
        if self.best_epoch is not None:
            parts.append(f"best_epoch={self.best_epoch}")
        return f"History({', '.join(parts)})"

    def plot(self, ax: Axes | None = None) -> Axes:
        """Draw the loss curves against the epoch with matplotlib; returns the Axes.

        The training loss, and the validation loss when there is one (with the best epoch
        marked when early stopping chose it). Needs matplotlib (the ``notebooks`` extra).
        Draws on ``ax`` if given, else on a new figure.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        epochs = range(1, len(self.losses) + 1)
        ax.plot(epochs, self.losses, label="training loss")
        if self.val_losses:
            ax.plot(range(1, len(self.val_losses) + 1), self.val_losses, label="validation loss")
            if self.best_epoch is not None:
                ax.axvline(self.best_epoch + 1, color="grey", linestyle=":",
                           label=f"best epoch ({self.best_epoch + 1})")
            ax.legend()
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.set_title("Training and validation loss" if self.val_losses else "Training loss")
        return ax

    def plot_diagnostics(self, axes: tuple[Axes, Axes] | None = None) -> tuple[Axes, Axes]:
        """Draw ``grad_norms`` and ``update_ratios`` per layer against the epoch, with CS231n's
        1e-3 guide line for the ratios; returns the two Axes. Needs ``fit(..., monitor=True)``.
        """
        if not self.grad_norms:
            raise ValueError(
                "History.plot_diagnostics: nothing was monitored; train with fit(..., "
                "monitor=True)"
            )
        return plot_diagnostics(self.grad_norms, self.update_ratios, axes)


# ---- the losses fit knows by name -----------------------------------------------------------

def _mean_cross_entropy(logits: list[Any], targets: list[Any]) -> Value:
    """1/n Σ cross_entropy(z_i, k_i) over a batch of class-logit lists z_i and classes k_i."""
    terms = [cross_entropy(z, k) for z, k in zip(logits, targets, strict=True)]
    return autograd.sum(terms) / len(terms)


LOSSES: dict[str, LossFunction] = {
    "mse": mse_loss,
    "sse": sse_loss,
    "hinge": hinge_loss,
    "bce": bce_loss,
    "cross_entropy": _mean_cross_entropy,
}


def _hits_by_sign(scores: list[Any], ys: list[Any]) -> int:
    """Scores > 0 predict +1, others -1 (hinge, labels ±1)."""
    return sum((1.0 if float(s) > 0 else -1.0) == float(y) for s, y in zip(scores, ys, strict=True))


def _hits_by_logit(logits: list[Any], ys: list[Any]) -> int:
    """Logits > 0 predict 1, others 0 (bce, labels 0/1)."""
    return sum((1.0 if float(z) > 0 else 0.0) == float(y) for z, y in zip(logits, ys, strict=True))


def _hits_by_argmax(logits: list[Any], ks: list[Any]) -> int:
    """The largest logit (the first, on ties) predicts the class (cross_entropy)."""
    hits = 0
    for z, k in zip(logits, ks, strict=True):
        scores = [float(z_j) for z_j in z]
        hits += scores.index(max(scores)) == k
    return hits


HITS: dict[str, Callable[[list[Any], list[Any]], int]] = {
    "hinge": _hits_by_sign,
    "bce": _hits_by_logit,
    "cross_entropy": _hits_by_argmax,
}


# ---- the loop --------------------------------------------------------------------------------

def fit(
    model: Module,
    xs: ListLike,
    ys: ListLike,
    loss: str | LossFunction = "mse",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    l2: float = 0.0,
    seed: int | None = None,
    progress: bool = True,
    lr_schedule: Schedule | Callable[[int], float] | None = None,
    validation: tuple[ListLike, ListLike] | None = None,
    early_stopping: int | None = None,
    monitor: bool = False,
    lr: float | None = None,
    compile: bool = False,
) -> History:
    """Train ``model`` on the samples (xs[i], ys[i]) and return the ``History`` of the loss.

    Each epoch, for each batch (the whole data set when ``batch_size`` is None)::

        ŷ = model.forward_batch(x)                    forward (model(x_i) for each i,
                                                      the batch at once for batch norm)
        ℓ = loss(ŷ, y) + l2 · ‖θ‖²                    (the penalty only when l2 > 0)
        optimizer.zero_grad(); ℓ.backward()           ∇θ ℓ by backprop
        optimizer.step()                              θ ← θ − α ∇θ ℓ (for SGD)

    Args:
        model: an ``nn.Module`` (``MLP``, ``FeatureModel``); put in training mode. A plain
            function of x works too, given an ``optimizer`` made on the Parameters it uses.
        xs, ys: the inputs and targets, of equal length: lists, tuples or NumPy arrays (a 2-D
            array of xs is one example per row). Each x is passed to the model as is.
        loss: "mse", "sse", "hinge" (labels ±1), "bce" (labels 0/1, the model gives logits),
            "cross_entropy" (class indices, the model gives a list of logits), a loss module
            (``nn.MSELoss()``, the same as its name), or a function
            ``loss(predictions, targets) -> Value`` taking a batch's lists. A one-element
            output or target ``[v]`` counts as ``v`` (see ``nn.outputs``).
        optimizer: an ``optim`` optimizer made on ``model.parameters()`` (or some of them;
            an optimizer stepping another model's parameters is refused); by default
            ``optim.SGD(model.parameters(), lr=0.1)``.
        epochs: passes over the data, >= 1.
        batch_size: None for full-batch gradient descent (one step per epoch), or the number of
            samples per step; the samples are then shuffled each epoch with ``seed``.
        l2: β >= 0 of the penalty ``nn.l2_penalty(model.parameters(), β)``.
        seed: seeds the shuffling (same seed, same model start: same losses).
        progress: show a tqdm text progress bar with the current loss on stderr (needs
            tqdm, from the ``notebooks`` extra; text also in notebooks, so exported notebooks
            keep it); False prints nothing.
        lr_schedule: an ``optim`` schedule made on the optimizer (stepped after each epoch),
            or a function of the epoch k = 0, 1, ... giving α for that epoch, e.g.
            micrograd's ``lambda k: 1.0 - 0.9 * k / 100``.
        validation: held-out samples ``(xs_val, ys_val)``, measured at the end of each epoch
            into ``History.val_losses`` (and ``val_accuracies``); see ``History``. Each must
            have the shape the training examples (and targets) share.
        early_stopping: a patience: stop after that many epochs in a row without a lower
            validation loss, and end with the parameters of the best epoch
            (``History.best_epoch``), also when all ``epochs`` ran. Needs ``validation``.
            The optimizer's state (Adam's moments) is not rewound.
        monitor: record each layer's gradient norm and update ratio per epoch
            (``History.grad_norms``, ``History.update_ratios``, ``History.plot_diagnostics()``).
        lr: the learning rate α of the default optimizer, plain SGD (default 0.1):
            ``fit(model, xs, ys, lr=0.01)``. Give either ``lr`` or ``optimizer``, not both.
        compile: compute each step with ``autograd.compile``'s generated code, the per-example
            loss batched over the step's examples with NumPy (see ``nn.compiled_step``): the
            same History and parameters, many times faster. Needs a model whose graph is the
            same on every call (no Dropout in training mode: ValueError). Batch norm in
            training mode ties a batch's examples together: the loss of a whole batch is
            compiled instead, once per batch size, and the running statistics move after each
            step as in the eager pass (``nn.coupled_step``; named losses only). A loss
            function (not a name) is compiled for full-batch training only (no batch norm in
            training mode), and runs eagerly with mini-batches. The parameters and the
            optimizer's state live in NumPy arrays meanwhile (``nn.array_step``), written back
            before validation, early stopping or a schedule function reads them, and when
            ``fit`` returns or raises.

    Gradients: each step starts from zero (``optimizer.zero_grad()`` and the model's own
    ``zero_grad()``: also the parameters the optimizer does not step), and when ``fit`` returns
    or raises ``TrainingDiverged`` every parameter's ``.grad`` is 0 again. The last step's
    gradients are cleared, so a later ``model(x).backward()`` (or a drawing of it) shows that
    pass's gradients alone, not a mix with training's.

    Raises ``TrainingDiverged`` if the model's output, the loss or a gradient becomes NaN or
    infinite (or the forward pass overflows), whatever the loss (cross-entropy, which refuses
    non-finite logits, too): it names the epoch and the loss, and no step is taken from it, so
    the model keeps the parameters of the last finite step. When ``fit`` raises anything, the
    buffers (batch norm's running statistics, which each training forward pass moves) are put
    back as they were after that step, so they match the parameters. Invalid arguments raise
    ValueError/TypeError naming the argument before anything changes (see ``nn.fit_checks``:
    a model that is neither a Module nor a function given with an optimizer, an optimizer made
    on another model, anything but numbers in the data, validation data of another shape).

    Example::

        xs, ys = nn.make_moons(100)
        model = nn.MLP(2, [16, 16, 1], activation="relu", seed=1)
        history = nn.fit(model, xs, ys, loss="hinge", l2=1e-4, optimizer=optim.SGD(
            model.parameters(), lr=1.0), lr_schedule=lambda k: 1.0 - 0.9 * k / 100)
    """
    check_model(model, optimizer)
    check_loss(loss)
    loss = fit_loss(loss)
    loss_function, hits = _checked_loss(loss)
    xs, ys = _checked_data(xs, ys)
    ys = one_output_each(ys)
    n = len(xs)
    epochs = whole_number(epochs, "fit", "epochs")
    if batch_size is not None:
        batch_size = whole_number(batch_size, "fit", "batch_size")
    if not is_real_number(l2) or not 0.0 <= l2 < math.inf:
        raise ValueError(f"fit: l2 must be a finite number >= 0, got {l2!r}")
    l2 = float(l2)
    if seed is not None:
        if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
            raise TypeError(f"fit: seed must be an int or None, got {seed!r}")
        seed = int(seed)
    optimizer = _checked_optimizer(model, optimizer, lr)
    if isinstance(lr_schedule, Schedule):
        if lr_schedule.optimizer is not optimizer:
            raise ValueError("fit: lr_schedule was made on a different optimizer than fit's")
    elif lr_schedule is not None and not callable(lr_schedule):
        raise TypeError(f"fit: lr_schedule must be a Schedule or a function, got {lr_schedule!r}")
    held_out = checked_validation(validation)
    check_optimizer_owner(model, optimizer)
    check_data(xs, ys, held_out)
    if held_out is not None:
        named = module_loss(loss)
        check_validation_targets(
            loss if isinstance(loss, str) else named[0] if named else None, model, held_out
        )
    stopper = _checked_early_stopping(early_stopping, held_out, model, optimizer)
    if not isinstance(monitor, bool):
        raise TypeError(f"fit: monitor must be True or False, got {monitor!r}")
    watcher = Monitor(model, optimizer.params) if monitor else None

    modes = [(module, module.training) for module in model.modules()] \
        if isinstance(model, Module) else []
    if isinstance(model, Module):
        model.train()
    try:
        compiled = compiled_training(model, loss, xs, ys, batch_size) if compile else None
    except BaseException:
        for module, training in modes:  # refused: the model as it was, modes included
            module.training = training
        raise
    arrays = ArrayTraining(compiled, optimizer, l2) if compiled is not None else None
    rng = random.Random(seed)
    # the L2 penalty is over the model's parameters (a function model: the optimizer's)
    parameters = (
        (model.parameters() if isinstance(model, Module) else list(optimizer.params))
        if l2 > 0 else []
    )
    history = History(
        accuracies=[] if hits is not None else None,
        val_accuracies=[] if hits is not None and held_out is not None else None,
    )
    bar = _progress_bar(epochs) if progress else None
    buffers = BufferRollback(model)
    try:
        for epoch in range(1, epochs + 1):
            if lr_schedule is not None and not isinstance(lr_schedule, Schedule):
                if arrays is not None:
                    arrays.write_parameters()  # the function may read the model
                optimizer.lr = _scheduled_lr(lr_schedule, epoch - 1)
            order = list(range(n))
            if batch_size is not None:
                rng.shuffle(order)
            size = n if batch_size is None else batch_size
            batch_losses: list[float] = []
            correct = 0
            for start in range(0, n, size):
                batch = order[start:start + size]
                if arrays is not None:
                    # the step on arrays; the monitor watches the epoch's last step only
                    last = start + size >= n
                    on_arrays = arrays.step(batch, watcher if last else None)
                    if on_arrays is not None:
                        value, right = on_arrays
                        buffers.save()  # batch norm's running statistics moved with the step
                        batch_losses.append(value)
                        correct += right
                        continue
                    arrays.hand_over()  # a NaN or an infinity: the eager engine says where
                targets = [ys[i] for i in batch]
                try:
                    predictions = _forward(model, [xs[i] for i in batch])
                    if isinstance(loss, str):
                        check_predictions(loss, predictions, batch)
                    _check_outputs(predictions, batch, (epoch, epochs), history)
                    objective = loss_function(predictions, targets)
                    if l2 > 0:
                        objective = objective + l2_penalty(parameters, l2)
                except OverflowError as error:
                    what = f"the forward pass overflowed ({error})"
                    raise _diverged(epoch, epochs, math.inf, what, history) from error
                if not isinstance(objective, Value):
                    raise TypeError(f"fit: the loss must return a Value, got {objective!r}")
                value = objective.data
                if not math.isfinite(value):
                    raise _diverged(epoch, epochs, value, f"the loss is {value!r}", history)
                _clear_gradients(model, optimizer)  # each step from zero, as compiled
                objective.backward()
                _check_gradients(optimizer, epoch, epochs, value, history)
                if watcher is not None:
                    watcher.before_step()
                try:
                    optimizer.step()
                except NonFiniteStep as error:  # refused as a whole: nothing changed
                    raise _diverged(epoch, epochs, value, str(error), history) from error
                if watcher is not None:
                    watcher.after_step()
                buffers.save()
                batch_losses.append(value)
                if hits is not None:
                    correct += hits(predictions, targets)
            history.losses.append(math.fsum(batch_losses) / len(batch_losses))
            if history.accuracies is not None:
                history.accuracies.append(correct / n)
            if arrays is not None and held_out is not None:
                arrays.write_parameters()  # validation and early stopping read them
            if watcher is not None:
                _record_monitor(history, watcher)
            stop = held_out is not None and _validate(
                history, model, held_out, loss_function, hits, stopper, (epoch, epochs)
            )
            if isinstance(lr_schedule, Schedule):
                lr_schedule.step()
            if bar is not None:
                bar.set_postfix(_progress_numbers(history), refresh=False)
                bar.update(1)
            if stop:
                break
        if arrays is not None:
            arrays.write_back()
        if stopper is not None:
            stopper.restore()
    except BaseException:
        buffers.restore()  # as they were after the last step taken, matching the parameters
        raise
    finally:
        if arrays is not None:
            arrays.write_back()  # also when fit raises: the parameters of the last step taken
        _clear_gradients(model, optimizer)
        if bar is not None:
            bar.close()
    return history


def _forward(model: Any, batch: list[Any]) -> list[Any]:
    """The model's outputs for a batch: ``forward_batch`` for a Module, else one call each;
    a one-element output as its item."""
    if isinstance(model, Module):
        return one_output_each(model.forward_batch(batch))
    return one_output_each([model(x) for x in batch])


def _clear_gradients(model: Module, optimizer: Optimizer) -> None:
    """Every gradient fit computed back to 0: the model's and the optimizer's parameters."""
    optimizer.zero_grad()
    if isinstance(model, Module):
        model.zero_grad()


# ---- held-out data and monitoring, at the end of each epoch ---------------------------------

def _checked_early_stopping(
    patience: int | None,
    held_out: tuple[list[Any], list[Any]] | None,
    model: Any,
    optimizer: Optimizer,
) -> EarlyStopping | None:
    if patience is None:
        return None
    if held_out is None:
        raise ValueError(
            f"fit: early_stopping={patience!r} watches the validation loss; "
            f"give validation=(xs_val, ys_val) too"
        )
    return EarlyStopping(patience, model, optimizer)


def _validate(
    history: History,
    model: Any,
    held_out: tuple[list[Any], list[Any]],
    loss_function: LossFunction,
    hits: Callable[[list[Any], list[Any]], int] | None,
    stopper: EarlyStopping | None,
    epoch_of: tuple[int, int],
) -> bool:
    """Measure the held-out loss (and accuracy) into ``history``; True if it is time to stop.

    ``epoch_of`` is (this epoch, all epochs), for the error if the forward pass overflows.
    """
    try:
        loss, accuracy = evaluate(model, held_out, loss_function, hits)
    except OverflowError as error:
        what = f"the validation forward pass overflowed ({error})"
        raise _diverged(*epoch_of, math.inf, what, history) from error
    history.val_losses.append(loss)
    if history.val_accuracies is not None and accuracy is not None:
        history.val_accuracies.append(accuracy)
    if stopper is None:
        return False
    stop = stopper.update(len(history.val_losses) - 1, loss)
    history.best_epoch = stopper.best_epoch
    return stop


def _record_monitor(history: History, watcher: Monitor) -> None:
    for name, value in watcher.grad_norms.items():
        history.grad_norms.setdefault(name, []).append(value)
    for name, value in watcher.update_ratios.items():
        history.update_ratios.setdefault(name, []).append(value)


# ---- checks ----------------------------------------------------------------------------------

def _checked_loss(
    loss: str | LossFunction,
) -> tuple[LossFunction, Callable[[list[Any], list[Any]], int] | None]:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"fit: unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        return LOSSES[loss], HITS.get(loss)
    if callable(loss):
        return loss, None
    raise TypeError(f"fit: loss must be a name or a function, got {loss!r}")


def _checked_data(xs: ListLike, ys: ListLike) -> tuple[list[Any], list[Any]]:
    """xs and ys as lists (from tuples or NumPy arrays too), of equal length, not empty."""
    xs = as_list(xs, "fit", "xs")
    ys = as_list(ys, "fit", "ys")
    if len(xs) != len(ys):
        raise ValueError(f"fit: xs and ys differ in length ({len(xs)} and {len(ys)})")
    if not xs:
        raise ValueError("fit: no samples given (xs and ys are empty)")
    return xs, ys


DEFAULT_LR = 0.1  # the learning rate of fit's default optimizer, plain SGD


def _checked_optimizer(model: Module, optimizer: Optimizer | None, lr: float | None) -> Optimizer:
    """The optimizer given, or the default ``SGD(model.parameters(), lr)`` (lr 0.1 unless given)."""
    if optimizer is not None and lr is not None:
        raise ValueError(
            f"fit: give lr (the learning rate of the default optimizer, SGD with lr "
            f"{DEFAULT_LR}) or optimizer, not both; got lr={lr!r} and optimizer={optimizer!r}; "
            f"set the learning rate on the optimizer instead"
        )
    if optimizer is None:
        if lr is not None:
            try:
                check_lr(lr)
            except (TypeError, ValueError) as error:
                raise type(error)(f"fit: lr: {error}") from None
        return SGD(model.parameters(), lr=DEFAULT_LR if lr is None else float(lr))
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"fit: optimizer must be an optim.Optimizer, got {optimizer!r}; leave it out for "
            f"SGD with lr {DEFAULT_LR} (or give lr=...)"
        )
    return optimizer


def _check_outputs(
    predictions: list[Any], samples: list[int], epoch_of: tuple[int, int], history: History
) -> None:
    """TrainingDiverged if the model gave a NaN or an infinity, whatever the loss: cross-entropy
    would refuse such logits with a ValueError, where mse would give a NaN loss."""
    found = first_non_finite(predictions)
    if found is not None:
        position, value = found
        what = f"the model's output for sample {samples[position]} is {value!r}"
        raise _diverged(*epoch_of, value, what, history)


def _check_gradients(
    optimizer: Optimizer, epoch: int, epochs: int, loss: float, history: History
) -> None:
    for index, p in enumerate(optimizer.params):
        g = float(p.grad)
        if not math.isfinite(g):
            name = f" ({p.label!r})" if p.label else ""
            raise _diverged(
                epoch, epochs, loss, f"the gradient of parameter {index}{name} is {g!r}", history
            )


def _scheduled_lr(lr_schedule: Callable[[int], float], k: int) -> float:
    learning_rate = lr_schedule(k)
    try:
        check_lr(learning_rate)
    except ValueError:
        raise ValueError(
            f"fit: lr_schedule({k}) gave an invalid learning rate: {learning_rate!r}"
        ) from None
    return float(learning_rate)  # a NumPy float too becomes a float, so state_dict() saves


def _diverged(
    epoch: int, epochs: int, loss: float, what: str, history: History
) -> TrainingDiverged:
    message = (
        f"fit: training diverged in epoch {epoch} of {epochs}: {what} (loss {loss!r}); "
        f"no step was taken from it, the parameters are those of the last finite step"
    )
    return TrainingDiverged(message, epoch, loss, history)


def _progress_numbers(history: History) -> dict[str, str]:
    """The latest loss (and validation loss) for the progress bar."""
    numbers = {"loss": f"{history.losses[-1]:.4g}"}
    if history.val_losses:
        numbers["val_loss"] = f"{history.val_losses[-1]:.4g}"
    return numbers


def _progress_bar(epochs: int) -> Any:
    """A tqdm text bar over the epochs, or None without tqdm.

    Text, not tqdm's notebook widget, also in Jupyter: the bar's last state stays in the
    notebook's output, so an exported or GitHub-rendered notebook still shows it.
    """
    try:
        from tqdm.std import tqdm
    except ImportError:
        warnings.warn(
            "fit: progress=True needs tqdm (pip install 'backprop-lab[notebooks]'); "
            "training without a progress bar",
            stacklevel=3,
        )
        return None
    return tqdm(total=epochs, desc="fit", unit="epoch")
