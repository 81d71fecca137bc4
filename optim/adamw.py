"""``AdamW``: Adam with the weight decay applied to θ itself, not added to the gradient."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from autograd import Value

from .adam import ADAM_UPDATE, Adam
from .optimizer import Hyperparameter
from .pytorch_options import refuse_pytorch_options


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization"), as in PyTorch.

    For each parameter θ, at step k = 0, 1, 2, ..., with learning rate α, decay rates γ_v
    and γ_s, ε and weight decay λ::

        g ← ∇θ ℓ                          (g ← −∇θ ℓ with maximize=True)
        θ ← θ − α λ θ                     decoupled weight decay: θ shrinks, g is untouched
        v ← γ_v v + (1 − γ_v) g
        s ← γ_s s + (1 − γ_s) g ⊙ g
        v̂ ← v / (1 − γ_v^(k+1))
        ŝ ← s / (1 − γ_s^(k+1))
        θ ← θ − α v̂ / (ε + √ŝ)
        k ← k + 1

    the lines after the decay being Adam's (see ``optim.Adam``). With ``Adam(weight_decay=λ)``
    the term λ θ goes into the gradient and so is divided by √ŝ like the rest: a parameter
    with large gradients is hardly decayed. Here every parameter shrinks by the same factor
    1 − α λ per step, whatever its gradients, as in PyTorch's ``AdamW`` and EurekaLabs'
    micrograd (``p.data -= lr * (m_hat / (sqrt(v_hat) + eps) + weight_decay * p.data)``).

    Args:
        params: the parameters to learn, in a fixed order (``model.parameters()``).
        lr: α, the learning rate (default 1e-3, as PyTorch).
        betas: (γ_v, γ_s), each in [0, 1) (default (0.9, 0.999), as PyTorch); or give
            ``gamma_v=`` and ``gamma_s=`` by the lecture's names instead.
        eps: ε > 0 (default 1e-8, as PyTorch).
        weight_decay: λ >= 0 (default 1e-2, as PyTorch's AdamW).
        maximize: climb the objective instead of descending it (default False).

    PyTorch's ``amsgrad=``, ``foreach=``, ``fused=``, ``capturable=`` and ``differentiable=``
    raise TypeError naming the keyword.

    Example::

        optimizer = AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    """

    settings_added_later: tuple[tuple[str, Hyperparameter], ...] = ()

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] | None = None,
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        maximize: bool = False,
        *,
        gamma_v: float | None = None,
        gamma_s: float | None = None,
        **pytorch_options: object,
    ) -> None:
        refuse_pytorch_options(type(self), pytorch_options, "θ ← θ − α λ θ, then " + ADAM_UPDATE)
        super().__init__(
            params,
            lr=lr,
            gamma_v=gamma_v,
            gamma_s=gamma_s,
            eps=eps,
            maximize=maximize,
            betas=betas,
            weight_decay=weight_decay,
        )

    def _update(
        self, theta: float, g: float, state: Mapping[str, float]
    ) -> tuple[float, dict[str, float]]:
        if self.maximize:
            # g ← −∇θ ℓ
            g = -g
        # θ ← θ − α λ θ
        theta = theta - self.lr * self.weight_decay * theta
        return self._adam_step(theta, g, state)
