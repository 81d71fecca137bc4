"""``Playground``: the training playground's state machine, usable with or without a browser.

Headless it is a plain object: ``step(n)`` trains n epochs exactly as ``nn.fit`` would,
``reset()`` goes back to the start, and ``model``, ``train_losses`` and ``test_losses`` say
where training stands. As the value of a notebook cell it shows itself as a widget app (see
``nn.playground.app``), or, without ipywidgets or a live kernel, as a static picture.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from autograd import no_grad
from autograd.viz.notebook_display import scrolling_svg
from optim import SGD, Adam, NonFiniteStep, Optimizer, RMSProp
from optim.checks import whole_number

from ..penalty import l2_penalty
from ..split import train_test_split
from ..training import History, TrainingDiverged
from . import diagnostics, explain, pictures
from .choices import LOSSES, MOMENTUM, OPTIMIZERS
from .datasets import CLASSIFICATION, DataSet, make_dataset, own_dataset
from .inputs import InputFeatures
from .network import PlaygroundNet
from .settings import CHECKS, PICTURE, REBUILDING, STATE, STEPPING, unknown_setting
from .snapshot import PlaygroundSnapshot


class Playground:
    """The TensorFlow Playground's state, on backprop-lab's Values.

    One ``step`` is one epoch: one pass over the training points in batches of
    ``batch_size`` (shuffled with ``seed``; all of them at once for None), one optimizer step
    per batch, exactly as ``nn.fit(model, xs_train, ys_train, loss, optimizer, epochs=1,
    batch_size, l2, seed)`` does. After each epoch ``train_losses`` gets the mean of the batch
    losses it stepped from (L2 penalty included, as ``fit``'s ``History.losses``) and
    ``test_losses`` the loss on the held-out points (eval mode, no graph, no penalty).

    Args:
        data: "moons", "circles", "xor", "spiral", "blobs" (two classes in the plane, labels
            ±1), "sine" (regression on one input), or your own ``(xs, ys)``: each x one
            number or a pair, each y a number (all ±1 or all 0/1 makes it classification).
        hidden: the widths of the hidden layers, e.g. [8, 8]; [] is a linear model.
        activation: the hidden layers' activation, any of ``nn.ACTIVATIONS``.
        lr: α, the learning rate.
        seed: seeds the data, the split, the initial weights, the shuffling and dropout.
        optimizer: "sgd", "momentum" (SGD with μ = 0.9), "rmsprop" or "adam".
        l2: β of the penalty β‖θ‖² added to the loss.
        dropout: p, the probability of dropping a hidden unit's output in training.
        batch_size: points per optimizer step; None for the whole training set.
        features: "raw" (x1, x2), "sin" (sin(iπx_j), i = 1..degree) or "polynomial"
            (x1^a x2^b, 1 <= a + b <= degree).
        degree: the highest i or a + b of the features.
        n_samples, noise, test_fraction: size of a built-in data set (4 to 10,000 points,
            ``nn.playground.settings.MAX_SAMPLES``), its noise, and the share of points held
            out for testing.
        loss: "hinge" (default for classification), "bce", "mse" (default for regression).
        resolution: grid points per side of the pictures (2 to 400).

    Attributes: ``model`` (an ``nn.MLP`` on the features), ``epoch``, ``train_losses`` and
    ``test_losses`` (one entry per step), ``train_accuracies`` and ``test_accuracies`` (for
    classes), ``xs_train``, ``xs_test``, ``ys_train``, ``ys_test`` (the split, labels ±1),
    ``dataset``, ``extent`` (the box the pictures cover), ``input_features``.

    Changing ``lr``, ``optimizer``, ``l2``, ``dropout``, ``batch_size`` or ``loss`` (assign
    the attribute) applies from the next step and keeps the weights; changing the data, the
    network, the features or the seed rebuilds everything, as ``reset()`` does. Each setting is
    checked when set (a bad value raises and changes nothing), and an attribute that is no
    setting (``pg.learning_rate = 0.5``) raises AttributeError listing the settings.

    Example::

        pg = nn.Playground(data="moons", hidden=[8, 8], activation="tanh", lr=0.03, seed=0)
        pg.step(100)
        pg.train_losses[-1], pg.test_losses[-1]
        pg                      # in a notebook: the app, with play / pause / step / reset
    """

    def __init__(
        self,
        data: str | tuple[Sequence[Any], Sequence[Any]] = "moons",
        hidden: Sequence[int] = (8, 8),
        activation: str = "tanh",
        lr: float = 0.03,
        seed: int = 0,
        *,
        optimizer: str = "sgd",
        l2: float = 0.0,
        dropout: float = 0.0,
        batch_size: int | None = 10,
        features: str = "raw",
        degree: int = 2,
        n_samples: int = 200,
        noise: float = 0.1,
        test_fraction: float = 0.5,
        loss: str | None = None,
        resolution: int = 40,
    ) -> None:
        self._listeners: list[Callable[[Playground], None]] = []
        self._optimizer_object: Optimizer
        self._app: Any = None
        self._building = True
        self.data = data
        self.hidden = hidden
        self.activation = activation
        self.lr = lr
        self.seed = seed
        self.optimizer = optimizer
        self.l2 = l2
        self.dropout = dropout
        self.batch_size = batch_size
        self.features = features
        self.degree = degree
        self.n_samples = n_samples
        self.noise = noise
        self.test_fraction = test_fraction
        self.loss = loss
        self.resolution = resolution
        self._building = False
        self.reset()

    # ---- settings --------------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        if name in REBUILDING or name in STEPPING:
            value = CHECKS[name](self, value)
            if getattr(self, "_building", True):
                object.__setattr__(self, "_" + name, value)
                return
            old = self.__dict__["_" + name]
            object.__setattr__(self, "_" + name, value)
            try:
                if name in REBUILDING:
                    self.reset()
                else:
                    self._apply_stepping_setting(name)
            except Exception:
                object.__setattr__(self, "_" + name, old)  # the setting did not take
                if name in REBUILDING:
                    self.reset()
                raise
            return
        if name in PICTURE:
            value = CHECKS[name](self, value)
        elif not name.startswith("_") and name not in STATE and not hasattr(type(self), name):
            raise AttributeError(unknown_setting(name))
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        if (name in REBUILDING or name in STEPPING) and "_" + name in self.__dict__:
            return self.__dict__["_" + name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def settings(self) -> dict[str, Any]:
        """Every setting by name, as given to the constructor (your own data as ``"own"``)."""
        values = {name: getattr(self, name) for name in (*REBUILDING, *STEPPING)}
        if not isinstance(values["data"], str):
            values["data"] = "own"
        values["resolution"] = self.resolution
        return values

    def _apply_stepping_setting(self, name: str) -> None:
        if name == "lr":
            self._optimizer_object.lr = self.lr
        elif name == "optimizer":
            self._optimizer_object = self._make_optimizer()
        elif name == "dropout":
            self.model.set_dropout(self.dropout)
        self._notify()

    # ---- building ------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the start: the data, the split, the initial weights and an empty history.

        When the network's shape is unchanged, ``model`` stays the same object, its parameters
        set back to their initial values; otherwise it is a new network.
        """
        data = self.data
        if isinstance(data, str):
            self.dataset: DataSet = make_dataset(data, self.n_samples, self.noise, self.seed)
        else:
            self.dataset = own_dataset(data)
        if self.loss is not None and not self._loss_fits(self.loss):
            raise ValueError(
                f"Playground: loss {self.loss!r} needs classes, but the data is regression; "
                f"use 'mse'"
            )
        (self.xs_train, self.xs_test, self.ys_train, self.ys_test) = train_test_split(
            self.dataset.xs,
            self.dataset.ys,
            test_fraction=self.test_fraction,
            seed=self.seed,
            stratify=self.dataset.task == CLASSIFICATION,  # both classes in both sets
        )
        self.input_features = InputFeatures(self.features, self.dataset.dimension, self.degree)
        fresh = PlaygroundNet(
            self.input_features, self.hidden, self.activation, dropout=self.dropout, seed=self.seed
        )
        old = self.__dict__.get("model")
        if old is not None and old.architecture() == fresh.architecture():
            old.load_state_dict(fresh.state_dict())  # the same network, back at its start
            old.dropout = fresh.dropout
        else:
            self.model = fresh
        self.model.train()
        self._optimizer_object = self._make_optimizer()
        self._shuffle = random.Random(self.seed)  # as fit's random.Random(seed)
        self.epoch = 0
        self.train_losses: list[float] = []
        self.test_losses: list[float] = []
        self.train_accuracies: list[float] = []
        self.test_accuracies: list[float] = []
        self.last_step: diagnostics.StepRecord | None = None
        self.last_epoch_seconds = 0.0  # how long the last step's training took
        self.extent = _extent(self.dataset.xs)
        self._notify()

    def _make_optimizer(self) -> Optimizer:
        parameters = self.model.parameters()
        if self.optimizer == "sgd":
            return SGD(parameters, lr=self.lr)
        if self.optimizer == "momentum":
            return SGD(parameters, lr=self.lr, momentum=MOMENTUM)
        if self.optimizer == "rmsprop":
            return RMSProp(parameters, lr=self.lr)
        return Adam(parameters, lr=self.lr)

    @property
    def task(self) -> str:
        """"classification" or "regression"."""
        return self.dataset.task

    @property
    def loss_name(self) -> str:
        """The loss in use: ``loss`` if set, else "hinge" for classes and "mse" for numbers."""
        if self.loss is not None:
            return str(self.loss)
        return "hinge" if self.task == CLASSIFICATION else "mse"

    def _loss_fits(self, loss: str) -> bool:
        return loss == "mse" or self.dataset.task == CLASSIFICATION

    def targets(self, ys: Sequence[float]) -> list[float]:
        """The labels as the loss wants them: 0/1 for "bce", as stored (±1) otherwise."""
        if self.loss_name == "bce":
            return [1.0 if y > 0 else 0.0 for y in ys]
        return list(ys)

    # ---- training --------------------------------------------------------------------------

    def step(self, n: int = 1) -> None:
        """Train ``n`` epochs (see the class docstring); each appends to the loss lists.

        Raises ``nn.TrainingDiverged`` (naming the epoch and the loss) when the loss or a
        gradient stops being finite; the weights stay those of the last finite step.
        """
        n = whole_number(n, "Playground.step", "n")
        try:
            for _ in range(n):
                started = time.perf_counter()
                self._train_one_epoch()
                self.last_epoch_seconds = time.perf_counter() - started
        finally:
            self._notify()

    def _train_one_epoch(self) -> None:
        epoch = self.epoch + 1
        loss_function = LOSSES[self.loss_name]
        xs, ys = self.xs_train, self.targets(self.ys_train)
        n = len(xs)
        order = list(range(n))
        if self.batch_size is not None:
            self._shuffle.shuffle(order)
        size = n if self.batch_size is None else self.batch_size
        parameters = self.model.parameters()
        optimizer = self._optimizer_object
        self.model.train()
        batch_losses: list[float] = []
        correct = 0
        before: list[float] = []
        for start in range(0, n, size):
            batch = order[start:start + size]
            targets = [ys[i] for i in batch]
            try:
                predictions = [self.model(xs[i]) for i in batch]
                objective = loss_function(predictions, targets)
                if self.l2 > 0:
                    objective = objective + l2_penalty(parameters, self.l2)
            except OverflowError as error:
                what = f"the forward pass overflowed ({error})"
                raise self._diverged(epoch, math.inf, what) from error
            value = objective.data
            if not math.isfinite(value):
                raise self._diverged(epoch, value, f"the loss is {value!r}")
            optimizer.zero_grad()
            objective.backward()
            for index, p in enumerate(parameters):
                if not math.isfinite(float(p.grad)):
                    raise self._diverged(
                        epoch, value, f"the gradient of {p.label or index} is {float(p.grad)!r}"
                    )
            before = [p.data for p in parameters]
            try:
                optimizer.step()
            except NonFiniteStep as error:  # refused as a whole: nothing changed
                raise self._diverged(epoch, value, str(error)) from error
            batch_losses.append(value)
            if self.task == CLASSIFICATION:
                correct += sum((p.data > 0) == (y > 0) for p, y in zip(predictions, targets,
                                                                         strict=True))
        self.epoch = epoch
        self.last_step = diagnostics.StepRecord.of(self.model, before)
        self.train_losses.append(math.fsum(batch_losses) / len(batch_losses))
        if self.task == CLASSIFICATION:
            self.train_accuracies.append(correct / n)
        test_loss, test_accuracy = self.evaluate(self.xs_test, self.ys_test)
        self.test_losses.append(test_loss)
        if test_accuracy is not None:
            self.test_accuracies.append(test_accuracy)

    def evaluate(self, xs: Sequence[Any], ys: Sequence[float]) -> tuple[float, float | None]:
        """The loss (no penalty) and, for classes, the accuracy on (xs, ys), in eval mode.

        The network's outputs come from the float forward pass the pictures use (NumPy, the
        whole set at once, no dropout), the loss from the engine's loss function on them.
        """
        predictions = pictures.layer_outputs(self.model, [list(x) for x in xs])[-1][:, 0]
        scores = [float(p) for p in predictions]
        try:
            with no_grad():
                loss = LOSSES[self.loss_name](scores, self.targets(ys)).data
        except (OverflowError, ValueError):  # an infinite or NaN output
            loss = math.inf
        if self.task != CLASSIFICATION:
            return loss, None
        hits = sum((s > 0) == (y > 0) for s, y in zip(scores, ys, strict=True))
        return loss, hits / len(ys)

    def _diverged(self, epoch: int, loss: float, what: str) -> TrainingDiverged:
        message = (
            f"Playground.step: training diverged in epoch {epoch}: {what} (loss {loss!r}); "
            f"the weights are those of the last finite step; lower lr or press reset"
        )
        return TrainingDiverged(message, epoch, loss, History(losses=list(self.train_losses)))

    # ---- what the pictures show -------------------------------------------------------------

    def boundary_grid(self, resolution: int | None = None) -> pictures.Grid:
        """The output over the input plane (or line): see ``nn.playground.boundary_grid``."""
        return pictures.boundary_grid(self.model, self.extent, resolution or self.resolution)

    def unit_tiles(self, resolution: int = 20) -> list[list[pictures.Grid]]:
        """Every hidden unit over the input plane: see ``nn.playground.unit_tiles``."""
        return pictures.unit_tiles(self.model, self.extent, resolution)

    def unit_names(self) -> list[list[str]]:
        """``h1[0]``, ``h1[1]``, ...: the names of the hidden units, layer by layer."""
        return explain.unit_names(self.model)

    def diagnostics(self) -> list[dict[str, Any]]:
        """Per layer: activation mean/std, dead and saturated fractions, the last step's
        gradient norm and update ratio ‖Δθ‖/‖θ‖, and the same per unit (``"units"``)."""
        return diagnostics.layer_diagnostics(self.model, self.xs_train, self.last_step)

    def inspect(self, name: str, point: int = 0) -> explain.Inspection:
        """A unit (``h1[3]``) or a weight (``W2[3,5]``, ``b1[0]``, or its dotted parameter
        name): its value, gradient, and the chain-rule line of that gradient on training point
        ``point``. See ``nn.playground.explain``."""
        loss_function = LOSSES[self.loss_name]
        return explain.inspect(
            self.model,
            name,
            self.xs_train,
            self.targets(self.ys_train),
            point,
            loss_function,
            self.l2,
        )

    # ---- showing itself ---------------------------------------------------------------------

    def on_change(self, listener: Callable[[Playground], None]) -> None:
        """Call ``listener(playground)`` after every step, reset and change of a setting."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(getattr(self, "_listeners", [])):
            listener(self)

    def picture(self, report: list[dict[str, Any]] | None = None) -> str:
        """The current state as one SVG picture (network, output, losses): the static view.

        ``report``: ``diagnostics()`` if already computed for this state.
        """
        from .render import playground_svg

        return playground_svg(self, report=report)

    def snapshot(self) -> PlaygroundSnapshot:
        """The picture of this moment, kept as it is: a notebook cell that shows it keeps
        showing this epoch's state, in the saved and the exported notebook too, however the
        playground is trained afterwards (showing ``pg`` itself gives the live app)."""
        return PlaygroundSnapshot(self.picture(), repr(self), self.epoch)

    def app(self) -> Any:
        """The ipywidgets app over this playground (made once; needs ipywidgets)."""
        if self._app is None:
            from .app import PlaygroundApp

            self._app = PlaygroundApp(self)
        return self._app

    def _ipython_display_(self) -> None:
        """Show the app (or the static picture), keeping a handle to the picture.

        A reader without a kernel sees the picture of the moment it was shown; pausing the
        app brings it up to date with what was played. Steps that later cells script leave it
        as it was, so the cell keeps showing the state its text describes.
        """
        from IPython.display import display

        self._display_handle = display(self._repr_mimebundle_(), raw=True, display_id=True)

    def _refresh_static_view(self) -> None:
        """Bring the picture a reader without a kernel sees up to date with the state."""
        handle = self.__dict__.get("_display_handle")
        if handle is not None:
            handle.update(self._repr_mimebundle_(), raw=True)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The widget app for a live kernel, and a static picture for every other reader."""
        picture = self.picture()
        bundle: dict[str, Any] = {  # renderers that refuse inline HTML may take the SVG image
            "text/plain": repr(self),
            "text/html": scrolling_svg(picture),  # natural size, scrolling when wider
            "image/svg+xml": picture,
        }
        try:
            import ipywidgets  # noqa: F401
        except ImportError:
            return bundle
        widget_bundle = self.app().widget._repr_mimebundle_()
        if widget_bundle:
            bundle.update({k: v for k, v in widget_bundle.items() if k != "text/plain"})
        return bundle

    def __repr__(self) -> str:
        name = self.data if isinstance(self.data, str) else "own data"
        sizes = "-".join(str(s) for s in [self.model.nin, *self.model.sizes])
        last = (
            f", train loss {self.train_losses[-1]:.4g}, test loss {self.test_losses[-1]:.4g}"
            if self.train_losses else ""
        )
        return (
            f"Playground({name}: {len(self.xs_train)} train / {len(self.xs_test)} test points, "
            f"{self.features} features, {sizes} {self.activation}, {self.optimizer} "
            f"lr={self.lr:g}, epoch {self.epoch}{last})"
        )


def _extent(xs: list[list[float]]) -> tuple[float, ...]:
    """The box around the points with a margin of 10% (at least 0.1) on every side."""
    bounds: list[float] = []
    for axis in range(len(xs[0])):
        low = min(x[axis] for x in xs)
        high = max(x[axis] for x in xs)
        margin = max(0.1 * (high - low), 0.1)
        bounds += [low - margin, high + margin]
    return tuple(bounds)


__all__ = ["LOSSES", "OPTIMIZERS", "Playground"]
