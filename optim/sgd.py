"""``SGD``: stochastic gradient descent, θ ← θ − α g, optionally with momentum and weight decay."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from autograd import Value

from .optimizer import (
    Hyperparameter,
    Optimizer,
    check_lr,
    check_maximize,
    check_momentum,
    check_weight_decay,
)
from .pytorch_options import refuse_pytorch_options


class SGD(Optimizer):
    """Stochastic gradient descent, the lecture's "Training" slide, optionally with momentum.

    For each parameter θ, with learning rate α, momentum μ and weight decay λ::

        g ← ∇θ ℓ              (g ← −∇θ ℓ with maximize=True)
        g ← g + λ θ           (only when λ > 0: the gradient of the penalty λ/2 ‖θ‖²)
        b ← μ b + g           (only when μ > 0; the buffer b starts at 0)
        θ ← θ − α b           (θ ← θ − α g when μ = 0)

    Momentum follows PyTorch's form (b accumulates gradients, α multiplies b), not the
    Sutskever et al. form (b ← μ b + α g, θ ← θ − b); the two agree while α is constant and
    differ once a schedule changes α. Weight decay is PyTorch's: added to the gradient, so it
    is the L2 penalty ``nn.l2_penalty(params, λ / 2)`` without recording it in the graph. There
    is no dampening or Nesterov momentum: PyTorch's ``nesterov=``, ``dampening=``,
    ``foreach=``, ``fused=`` and ``differentiable=`` raise TypeError naming the keyword.

    Args:
        params: the parameters to learn, in a fixed order (``model.parameters()``).
        lr: α, the learning rate (required; PyTorch ``lr``).
        momentum: μ >= 0 (default 0.0, plain SGD; PyTorch ``momentum``).
        maximize: climb the objective instead of descending it (default False; PyTorch
            ``maximize``). The lecture writes updates as ascent, θ ← θ + α ∇; this is that.
        weight_decay: λ >= 0 (default 0.0; PyTorch ``weight_decay``, same default).

    Example::

        optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    """

    state_names = ("momentum_buffer",)

    settings_added_later: tuple[tuple[str, Hyperparameter], ...] = (("weight_decay", 0.0),)

    lr: float
    momentum: float
    maximize: bool
    weight_decay: float

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        maximize: bool = False,
        weight_decay: float = 0.0,
        **pytorch_options: object,
    ) -> None:
        refuse_pytorch_options(type(self), pytorch_options, "b ← μ b + g, θ ← θ − α b")
        super().__init__(
            params,
            {"lr": lr, "momentum": momentum, "maximize": maximize, "weight_decay": weight_decay},
        )

    def _check_hyperparameters(self, h: Mapping[str, Hyperparameter]) -> None:
        check_lr(h["lr"])
        check_momentum(h["momentum"])
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
        if self.momentum > 0:
            # b ← μ b + g
            b = self.momentum * state.get("momentum_buffer", 0.0) + g
            # θ ← θ − α b
            return theta - self.lr * b, {"momentum_buffer": b}
        # θ ← θ − α g
        return theta - self.lr * g, dict(state)
