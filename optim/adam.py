"""``Adam``: RMSProp's step size applied to a decaying mean of the gradient, bias-corrected."""

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
    state_error,
)

# The most steps a saved k may count: beyond 2**53 a float cannot count steps one by one.
MAX_STEPS = 2**53


class Adam(Optimizer):
    """Adam, as on the lecture's slide "Adaptive Step Size: ADAM".

    For each parameter θ, at step k = 0, 1, 2, ..., with learning rate α, decay rates γ_v
    and γ_s, and ε::

        g ← ∇θ ℓ                          (g ← −∇θ ℓ with maximize=True)
        v ← γ_v v + (1 − γ_v) g           biased decaying moment (v starts at 0)
        s ← γ_s s + (1 − γ_s) g ⊙ g       biased decaying squared gradient (s starts at 0)
        v̂ ← v / (1 − γ_v^(k+1))           corrected decaying moment
        ŝ ← s / (1 − γ_s^(k+1))           corrected squared gradient
        θ ← θ − α v̂ / (ε + √ŝ)
        k ← k + 1

    v and s start at 0, so early on they are biased towards 0; dividing by 1 − γ^(k+1) undoes
    that, and the first step moves each parameter by about α in the direction −sign(g),
    whatever the size of g. ε is added outside the square root of the *corrected* ŝ, as in the
    lecture, in Kingma & Ba's paper and in PyTorch. The bias correction is applied to v and s
    as written, not folded into the step size (some implementations use
    α √(1 − γ_s^(k+1)) / (1 − γ_v^(k+1)) and add ε to the uncorrected √s, which differs
    slightly while √s is near ε).

    Args:
        params: the parameters to learn, in a fixed order (``model.parameters()``).
        lr: α, the learning rate (default 1e-3; PyTorch ``lr``, same default).
        gamma_v: γ_v in [0, 1), decay of the moment v (default 0.9; PyTorch ``betas[0]``).
        gamma_s: γ_s in [0, 1), decay of the squared gradient s (default 0.999; PyTorch
            ``betas[1]``).
        eps: ε > 0 (default 1e-8; PyTorch ``eps``, same default).
        maximize: climb the objective instead of descending it (default False; PyTorch
            ``maximize``). The lecture writes updates as ascent, θ ← θ + α v̂ / (ε + √ŝ); this
            is that.

    PyTorch's extras (weight_decay, amsgrad) are left out.

    Example::

        optimizer = Adam(model.parameters(), lr=0.01)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    """

    # v, s and the number of steps k this parameter has taken.
    state_names = ("v", "s", "k")

    lr: float
    gamma_v: float
    gamma_s: float
    eps: float
    maximize: bool

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        gamma_v: float = 0.9,
        gamma_s: float = 0.999,
        eps: float = 1e-8,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            {"lr": lr, "gamma_v": gamma_v, "gamma_s": gamma_s, "eps": eps, "maximize": maximize},
        )

    def _check_hyperparameters(self, h: Mapping[str, Hyperparameter]) -> None:
        check_lr(h["lr"])
        check_gamma("gamma_v", h["gamma_v"])
        check_gamma("gamma_s", h["gamma_s"])
        check_eps(h["eps"])
        check_maximize(h["maximize"])

    def _update(
        self, theta: float, g: float, state: Mapping[str, float]
    ) -> tuple[float, dict[str, float]]:
        k = int(state.get("k", 0))
        if self.maximize:
            # g ← −∇θ ℓ
            g = -g
        # v ← γ_v v + (1 − γ_v) g
        v = self.gamma_v * state.get("v", 0.0) + (1 - self.gamma_v) * g
        # s ← γ_s s + (1 − γ_s) g ⊙ g
        s = self.gamma_s * state.get("s", 0.0) + (1 - self.gamma_s) * g * g
        # v̂ ← v / (1 − γ_v^(k+1))
        v_hat = v / (1 - self.gamma_v ** (k + 1))
        # ŝ ← s / (1 − γ_s^(k+1))
        s_hat = s / (1 - self.gamma_s ** (k + 1))
        # θ ← θ − α v̂ / (ε + √ŝ)
        theta = theta - self.lr * v_hat / (self.eps + math.sqrt(s_hat))
        # k ← k + 1
        return theta, {"v": v, "s": s, "k": k + 1}

    def _checked_state(self, saved: Any, where: str) -> dict[int, dict[str, float]]:
        state = super()._checked_state(saved, where)  # every entry is a finite float by now
        check_mean_of_squares(state, where)
        for index, entry in state.items():
            k = entry.get("k", 0.0)
            if not float(k).is_integer() or not 0 <= k <= MAX_STEPS:
                raise state_error(where, index, "k", k, f"a whole number >= 0 and <= {MAX_STEPS}")
            if entry:
                entry["k"] = int(k)
        return state
