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
    check_weight_decay,
    state_error,
)
from .pytorch_options import refuse_pytorch_options

# Adam's update in one line, for messages.
ADAM_UPDATE = "v ← γ_v v + (1 − γ_v) g, s ← γ_s s + (1 − γ_s) g², θ ← θ − α v̂ / (ε + √ŝ)"

# The most steps a saved k may count: beyond 2**53 a float cannot count steps one by one.
MAX_STEPS = 2**53


class Adam(Optimizer):
    """Adam, as on the lecture's slide "Adaptive Step Size: ADAM".

    For each parameter θ, at step k = 0, 1, 2, ..., with learning rate α, decay rates γ_v
    and γ_s, ε and weight decay λ::

        g ← ∇θ ℓ                          (g ← −∇θ ℓ with maximize=True)
        g ← g + λ θ                       (only when λ > 0: PyTorch's L2-coupled weight decay)
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
        betas: PyTorch's name for (γ_v, γ_s): ``betas=(0.9, 0.999)``. Give either ``betas``
            or ``gamma_v``/``gamma_s``, not both; ``optimizer.betas`` reads and sets the pair.
        weight_decay: λ >= 0 (default 0.0; PyTorch ``weight_decay``): λ θ is added to the
            gradient, so it passes through v and s (an L2 penalty λ/2 ‖θ‖²). For weight decay
            applied to θ directly, as PyTorch's ``AdamW``, use ``optim.AdamW``.

    PyTorch's amsgrad is left out: ``amsgrad=``, ``foreach=``, ``fused=``, ``capturable=`` and
    ``differentiable=`` raise TypeError naming the keyword.

    Example::

        optimizer = Adam(model.parameters(), lr=0.01)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    """

    # v, s and the number of steps k this parameter has taken.
    state_names = ("v", "s", "k")

    settings_added_later: tuple[tuple[str, Hyperparameter], ...] = (("weight_decay", 0.0),)

    lr: float
    gamma_v: float
    gamma_s: float
    eps: float
    maximize: bool
    weight_decay: float

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        gamma_v: float | None = None,
        gamma_s: float | None = None,
        eps: float = 1e-8,
        maximize: bool = False,
        *,
        betas: tuple[float, float] | None = None,
        weight_decay: float = 0.0,
        **pytorch_options: object,
    ) -> None:
        refuse_pytorch_options(type(self), pytorch_options, ADAM_UPDATE)
        gamma_v, gamma_s = decay_rates(type(self).__name__, gamma_v, gamma_s, betas)
        super().__init__(
            params,
            {
                "lr": lr,
                "gamma_v": gamma_v,
                "gamma_s": gamma_s,
                "eps": eps,
                "maximize": maximize,
                "weight_decay": weight_decay,
            },
        )

    @property
    def betas(self) -> tuple[float, float]:
        """PyTorch's name for (γ_v, γ_s)."""
        return self.gamma_v, self.gamma_s

    @betas.setter
    def betas(self, betas: tuple[float, float]) -> None:
        where = f"{type(self).__name__}.betas = {betas!r}"
        gamma_v, gamma_s = decay_rates(where, None, None, betas)
        try:
            check_gamma("gamma_v", gamma_v)
            check_gamma("gamma_s", gamma_s)
        except ValueError as error:
            raise ValueError(f"{where}: {error}; nothing was changed") from None
        self.gamma_v, self.gamma_s = gamma_v, gamma_s

    def _check_hyperparameters(self, h: Mapping[str, Hyperparameter]) -> None:
        check_lr(h["lr"])
        check_gamma("gamma_v", h["gamma_v"])
        check_gamma("gamma_s", h["gamma_s"])
        check_eps(h["eps"])
        check_maximize(h["maximize"])
        check_weight_decay(h["weight_decay"])

    def _update(
        self, theta: float, g: float, state: Mapping[str, float]
    ) -> tuple[float, dict[str, float]]:
        if self.maximize:
            # g ← −∇θ ℓ
            g = -g
        if self.weight_decay > 0:
            # g ← g + λ θ
            g = g + self.weight_decay * theta
        return self._adam_step(theta, g, state)

    def _adam_step(
        self, theta: float, g: float, state: Mapping[str, float]
    ) -> tuple[float, dict[str, float]]:
        """The lines from v to k: the new θ and state for the gradient g (signs and decay done)."""
        k = int(state.get("k", 0))
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
        """Adam's saved state: s >= 0 and k a whole number of steps."""
        state = super()._checked_state(saved, where)  # every entry is a finite float by now
        check_mean_of_squares(state, where)
        for index, entry in state.items():
            k = entry.get("k", 0.0)
            if not float(k).is_integer() or not 0 <= k <= MAX_STEPS:
                raise state_error(where, index, "k", k, f"a whole number >= 0 and <= {MAX_STEPS}")
            if entry:
                entry["k"] = int(k)
        return state


def decay_rates(
    where: str, gamma_v: float | None, gamma_s: float | None, betas: Any
) -> tuple[Hyperparameter, Hyperparameter]:
    """(γ_v, γ_s) from the lecture's names or PyTorch's ``betas``; 0.9 and 0.999 by default."""
    if betas is None:
        if isinstance(gamma_v, (tuple, list)):
            raise ValueError(
                f"{where}: gamma_v must be a number, got the pair {gamma_v!r}; give PyTorch's "
                f"pair as betas={tuple(gamma_v)!r}"
            )
        return (0.9 if gamma_v is None else gamma_v), (0.999 if gamma_s is None else gamma_s)
    if gamma_v is not None or gamma_s is not None:
        raise ValueError(
            f"{where}: give betas=(γ_v, γ_s) or gamma_v/gamma_s, not both; got betas={betas!r}, "
            f"gamma_v={gamma_v!r}, gamma_s={gamma_s!r}"
        )
    if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
        raise ValueError(f"{where}: betas must be a pair (γ_v, γ_s), got {betas!r}")
    return betas[0], betas[1]
