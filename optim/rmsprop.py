"""``RMSProp``: gradient descent with each step divided by a running root-mean-square gradient."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from autograd import Value

from .optimizer import (
    Hyperparameter,
    Optimizer,
    check_eps,
    check_gamma,
    check_lr,
    check_maximize,
    check_mean_of_squares,
)
from .pytorch_options import refuse_pytorch_options


class RMSProp(Optimizer):
    """RMSProp, as on the lecture's slide "Adaptive Step Size: RMSProp".

    For each parameter θ, with learning rate α, decay rate γ and ε::

        g ← ∇θ ℓ                      (g ← −∇θ ℓ with maximize=True)
        s ← γ s + (1 − γ) g ⊙ g       (s, the decaying mean of g², starts at 0)
        θ ← θ − α g / (ε + √s)

    ε is added *outside* the square root, as the lecture writes it and as PyTorch does (some
    texts write √(s + ε)). A parameter whose gradient has been large takes small steps, one
    whose gradient has been small takes larger ones.

    Args:
        params: the parameters to learn, in a fixed order (``model.parameters()``).
        lr: α, the learning rate (required; PyTorch ``lr``, default 0.01 there).
        gamma: γ in [0, 1), how slowly s forgets (default 0.9, the common choice in the
            literature). PyTorch calls it ``alpha`` and defaults it to 0.99, so
            ``RMSprop(params, lr)`` forgets faster here than in PyTorch; pass ``gamma=0.99``
            (or ``alpha=0.99``) for PyTorch's default.
        eps: ε > 0 (default 1e-8; PyTorch ``eps``, same default).
        maximize: climb the objective instead of descending it (default False; PyTorch
            ``maximize``). The lecture writes updates as ascent, θ ← θ + α ∇; this is that.
        alpha: PyTorch's name for γ: ``RMSprop(params, lr=0.01, alpha=0.99)``. Give either
            ``alpha`` or ``gamma``, not both; ``optimizer.alpha`` reads and sets γ.

    PyTorch's extras are left out: ``momentum=``, ``centered=``, ``weight_decay=``,
    ``foreach=``, ``capturable=`` and ``differentiable=`` raise TypeError naming the keyword.
    ``RMSprop``, PyTorch's spelling, is this same class.

    Example::

        optimizer = RMSProp(model.parameters(), lr=0.01)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    """

    state_names = ("s",)

    lr: float
    gamma: float
    eps: float
    maximize: bool

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        gamma: float | None = None,
        eps: float = 1e-8,
        maximize: bool = False,
        *,
        alpha: float | None = None,
        **pytorch_options: object,
    ) -> None:
        refuse_pytorch_options(
            type(self), pytorch_options, "s ← γ s + (1 − γ) g², θ ← θ − α g / (ε + √s)"
        )
        if alpha is not None and gamma is not None:
            raise ValueError(
                f"{type(self).__name__}: give alpha (PyTorch's name for γ) or gamma, not both; "
                f"got alpha={alpha!r}, gamma={gamma!r}"
            )
        decay = gamma if gamma is not None else alpha if alpha is not None else 0.9
        super().__init__(params, {"lr": lr, "gamma": decay, "eps": eps, "maximize": maximize})

    @property
    def alpha(self) -> float:
        """PyTorch's name for γ."""
        return self.gamma

    @alpha.setter
    def alpha(self, alpha: float) -> None:
        self.gamma = alpha

    def _check_hyperparameters(self, h: Mapping[str, Hyperparameter]) -> None:
        check_lr(h["lr"])
        check_gamma("gamma", h["gamma"])
        check_eps(h["eps"])
        check_maximize(h["maximize"])

    def _update(
        self, theta: float, g: float, state: Mapping[str, float]
    ) -> tuple[float, dict[str, float]]:
        if self.maximize:
            # g ← −∇θ ℓ
            g = -g
        # s ← γ s + (1 − γ) g ⊙ g
        s = self.gamma * state.get("s", 0.0) + (1 - self.gamma) * g * g
        # θ ← θ − α g / (ε + √s)
        theta = theta - self.lr * g / (self.eps + math.sqrt(s))
        return theta, {"s": s}

    def _checked_state(self, saved: Any, where: str) -> dict[int, dict[str, float]]:
        state = super()._checked_state(saved, where)
        check_mean_of_squares(state, where)
        return state


# PyTorch's spelling: optim.RMSprop is optim.RMSProp.
RMSprop = RMSProp
