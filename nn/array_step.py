"""``fit(compile=True)``'s steps on arrays: θ, ∇θ and the optimizer's state as NumPy arrays.

Each step is a handful of array operations whatever the number of parameters::

    ℓ, ∇θ ℓ = compiled.loss_and_gradients(θ, batch)     the generated program, batched
    ℓ ← ℓ + β Σ θ_i²,  ∇θ ℓ ← ∇θ ℓ + 2βθ               the L2 penalty (when β > 0)
    θ ← optimizer's update of θ from ∇θ ℓ               ``optim.arrays``: SGD, RMSProp, Adam
    running statistics ← the batch's μ and σ²           batch norm only (``nn.coupled_step``)

While ``fit`` runs, the arrays are ahead of the Parameters and of ``optimizer.state``; they are
written back (``write_back``) before anything reads them (validation, monitoring, early
stopping, a schedule given as a function) and when ``fit`` returns or raises. A batch the
arrays cannot finish (a NaN or an infinity in the loss, the gradient or the step, or an
optimizer of the user's own whose step fails) is handed to the eager engine, which reports it
exactly as without ``compile``; the arrays are read again after it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from autograd import Parameter
from optim import Optimizer
from optim.arrays import ArrayStep, array_step

from .compiled_step import CompiledStep, NotFinite, WholeBatchStep, _numpy
from .coupled_step import CoupledBatchStep
from .monitor import Monitor


class ArrayTraining:
    """The parameters and the optimizer's state of one ``fit(compile=True)`` call, as arrays.

    ``theta`` holds the model's parameters in ``model.parameters()`` order, then any the
    optimizer steps that the model does not have (their gradient is 0, as after ``zero_grad``).
    """

    def __init__(
        self, compiled: CompiledStep | WholeBatchStep | CoupledBatchStep, optimizer: Optimizer,
        l2: float,
    ) -> None:
        np = self.np = _numpy()
        self.compiled = compiled
        self.optimizer = optimizer
        self.l2 = l2
        model_parameters = compiled.parameters
        position = {id(p): i for i, p in enumerate(model_parameters)}
        extra = [p for p in optimizer.params if id(p) not in position]
        self.parameters: list[Parameter] = [*model_parameters, *extra]  # type: ignore[list-item]
        position.update({id(p): len(model_parameters) + i for i, p in enumerate(extra)})
        self.n_model = len(model_parameters)
        positions = [position[id(p)] for p in optimizer.params]
        # None when the optimizer steps exactly theta, in its order (the usual case)
        self.positions = None if positions == list(range(len(self.parameters))) else (
            np.array(positions)
        )
        self.update: ArrayStep | None = array_step(optimizer, np)
        self.theta: Any = None
        self.stale = True  # the Parameters changed outside: read them before the next step
        self.ahead = False  # theta is newer than the Parameters

    # ---- one step ----------------------------------------------------------------------------

    def step(
        self, batch: Sequence[int], watcher: Monitor | None = None
    ) -> tuple[float, int] | None:
        """One step on ``batch``: (its loss, penalty included; how many it classified right).

        None when the batch must be computed eagerly instead; nothing has changed then. With a
        ``watcher``, the Parameters and their gradients are shown to it around the update.
        """
        np = self.np
        if self.stale:
            self._read()
        theta = self.theta
        model_theta = theta[: self.n_model]
        try:
            loss, gradient, hits = self.compiled.loss_and_gradients(model_theta, batch)
        except NotFinite:
            return None
        if self.l2 > 0:
            with np.errstate(all="ignore"):
                # β Σ θ², summed in order as autograd.sum does (cumsum adds one by one); 2βθ
                penalty = float(np.cumsum(model_theta * model_theta)[-1])
                gradient = gradient + 2.0 * model_theta * self.l2
            loss = loss + self.l2 * penalty
            if not (math.isfinite(loss) and np.isfinite(gradient).all()):
                return None
        if len(theta) > self.n_model:
            gradient = np.concatenate([gradient, np.zeros(len(theta) - self.n_model)])
        if watcher is not None:
            self._show_gradients(gradient)
            watcher.before_step()
        if self.update is None:
            if not self._step_through_optimizer(gradient):
                return None
        else:
            new_theta = self._update(theta, gradient)
            if new_theta is None:
                return None
            self.theta = new_theta
            self.ahead = True
        self.compiled.step_taken()  # batch norm's running statistics, now the step is taken
        if watcher is not None:
            self.write_parameters()
            watcher.after_step()
        return loss, hits

    def _update(self, theta: Any, gradient: Any) -> Any:
        """θ after the optimizer's step on arrays, or None (nothing changed) if it refused."""
        assert self.update is not None
        if self.positions is None:
            return self.update.step(theta, gradient)
        stepped = self.update.step(theta[self.positions], gradient[self.positions])
        if stepped is None:
            return None
        new_theta = theta.copy()
        new_theta[self.positions] = stepped
        return new_theta

    def _step_through_optimizer(self, gradient: Any) -> bool:
        """An optimizer of the user's own steps the Parameters itself; False if it refused."""
        self.write_back()
        self._show_gradients(gradient)
        try:
            self.optimizer.step()
        except (ArithmeticError, ValueError):  # all or nothing: no parameter changed
            return False
        self.stale = True
        return True

    def _show_gradients(self, gradient: Any) -> None:
        """Each parameter's ``.grad``, as ``zero_grad()`` and backward would leave it (0 for
        the optimizer's parameters that the model does not have)."""
        self.write_parameters()
        for p, g in zip(self.parameters, gradient.tolist(), strict=True):
            p.grad = g

    # ---- to and from the Parameters and the optimizer ----------------------------------------

    def _read(self) -> None:
        self.theta = self.np.array([p.data for p in self.parameters], dtype=float)
        if self.update is not None:
            self.update.load()
        self.stale = False
        self.ahead = False

    def write_parameters(self) -> None:
        """Put θ into the Parameters' ``.data`` (if it is ahead of them)."""
        if self.ahead:
            for p, value in zip(self.parameters, self.theta.tolist(), strict=True):
                p.data = value
            self.ahead = False

    def write_back(self) -> None:
        """Put θ into the Parameters and the state into ``optimizer.state``."""
        self.write_parameters()
        if self.update is not None:
            self.update.store()

    def hand_over(self) -> None:
        """Write everything back for an eager step, and read it again before the next one."""
        self.write_back()
        self.stale = True
