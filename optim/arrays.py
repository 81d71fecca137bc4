"""Every parameter's step at once: SGD, RMSProp, Adam and AdamW's update lines on NumPy arrays.

``optimizer.step()`` updates one parameter at a time in Python, reading and writing
``p.data`` and a dict of floats per parameter. ``ArrayStep`` keeps θ, ∇θ and the optimizer's
state as NumPy arrays over all the parameters and runs the same lines of ``_update``, in the
same order, once over the arrays: every elementwise +, −, ×, ÷ and √ is IEEE arithmetic, as on
floats, so each number is bit for bit the one ``step()`` computes (the powers γ^(k+1) of
Adam's bias correction are taken on Python floats, as ``Adam._update`` takes them).
``nn.fit(compile=True)`` trains through it, and writes the state back with ``store()``.

NumPy is imported by the caller and passed in: ``optim`` imports only ``autograd``.
"""

from __future__ import annotations

from typing import Any

from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .rmsprop import RMSProp
from .sgd import SGD

Array = Any  # a NumPy array of float64 (int64 for Adam's step counts k)
State = dict[str, Array]  # each state entry of every parameter, as one array


class ArrayStep:
    """``optimizer.step()`` for all of its parameters at once, on arrays.

    ``state[name]`` holds state entry ``name`` of every parameter, in the optimizer's order, 0
    where a parameter has not been stepped yet (as ``state.get(name, 0.0)`` reads it), and
    ``stepped`` says which parameters have a state. ``load()`` reads both from
    ``optimizer.state``, ``store()`` writes them back, so that ``optimizer.state_dict()`` is then
    exactly what as many ``step()`` calls would have left. The hyper-parameters are read from
    the optimizer at every step, so a schedule that changes ``lr`` is followed.
    """

    def __init__(self, optimizer: Optimizer, np: Any) -> None:
        self.optimizer = optimizer
        self.np = np
        self.state: State = {}
        self.stepped: Array = None
        self.changed = False  # the arrays hold a state the optimizer has not been given yet
        self.load()

    # ---- what each optimizer provides: its _update's lines on arrays ---------------------------

    def _update(self, theta: Array, g: Array, state: State) -> tuple[Array, State]:
        """The new θ and state of every parameter; changes nothing (returns ``state`` itself
        when the optimizer leaves the state as it is)."""
        raise NotImplementedError

    def _signed(self, theta: Array, g: Array) -> Array:
        """The first lines of SGD's and Adam's updates: the sign, then the weight decay."""
        optimizer: Any = self.optimizer
        if optimizer.maximize:
            # g ← −∇θ ℓ
            g = -g
        if optimizer.weight_decay > 0:
            # g ← g + λ θ
            g = g + optimizer.weight_decay * theta
        return g

    # ---- the step --------------------------------------------------------------------------

    def step(self, theta: Array, g: Array) -> Array | None:
        """θ after one step from gradient ``g``, the new state kept; None (nothing changed) where
        ``step()`` would refuse: invalid hyper-parameters, or a parameter or state entry that
        would become NaN or infinite. The caller then lets ``optimizer.step()`` say why."""
        np = self.np
        optimizer = self.optimizer
        try:
            optimizer._check_hyperparameters(optimizer.hyperparameters())
        except (TypeError, ValueError):
            return None
        with np.errstate(all="ignore"):
            new_theta, new_state = self._update(theta, g, self.state)
        if not np.isfinite(new_theta).all():
            return None
        if new_state is not self.state:
            if not all(np.isfinite(entry).all() for entry in new_state.values()):
                return None
            self.state = new_state
            self.stepped = np.ones(len(optimizer.params), dtype=bool)
            self.changed = True
        return new_theta

    # ---- to and from the optimizer's own state ---------------------------------------------------

    def load(self) -> None:
        """Read ``optimizer.state`` (one dict of floats per parameter) into the arrays."""
        np = self.np
        optimizer = self.optimizer
        entries = [optimizer.state.get(i, {}) for i in range(len(optimizer.params))]
        self.stepped = np.array([bool(entry) for entry in entries], dtype=bool)
        self.state = {
            name: np.array([entry.get(name, 0) for entry in entries], dtype=_dtype(name, np))
            for name in optimizer.state_names
        }
        self.changed = False

    def store(self) -> None:
        """Write the arrays into ``optimizer.state``: Python floats (and ints for Adam's k)."""
        if not self.changed:
            return
        columns = {name: entry.tolist() for name, entry in self.state.items()}
        state = self.optimizer.state
        for i, stepped in enumerate(self.stepped.tolist()):
            state[i] = {name: column[i] for name, column in columns.items()} if stepped else {}
        self.changed = False


def _dtype(name: str, np: Any) -> Any:
    """Adam's step count k is a whole number; every other entry a float."""
    return np.int64 if name == "k" else np.float64


class SGDStep(ArrayStep):
    """``SGD._update`` on arrays."""

    optimizer: SGD

    def _update(self, theta: Array, g: Array, state: State) -> tuple[Array, State]:
        optimizer = self.optimizer
        g = self._signed(theta, g)
        if optimizer.momentum > 0:
            # b ← μ b + g
            b = optimizer.momentum * state["momentum_buffer"] + g
            # θ ← θ − α b
            return theta - optimizer.lr * b, {"momentum_buffer": b}
        # θ ← θ − α g
        return theta - optimizer.lr * g, state


class RMSPropStep(ArrayStep):
    """``RMSProp._update`` on arrays."""

    optimizer: RMSProp

    def _update(self, theta: Array, g: Array, state: State) -> tuple[Array, State]:
        optimizer = self.optimizer
        if optimizer.maximize:
            # g ← −∇θ ℓ
            g = -g
        # s ← γ s + (1 − γ) g ⊙ g
        s = optimizer.gamma * state["s"] + (1 - optimizer.gamma) * g * g
        # θ ← θ − α g / (ε + √s)
        theta = theta - optimizer.lr * g / (optimizer.eps + self.np.sqrt(s))
        return theta, {"s": s}


class AdamStep(ArrayStep):
    """``Adam._update`` on arrays."""

    optimizer: Adam

    def _update(self, theta: Array, g: Array, state: State) -> tuple[Array, State]:
        return self._adam_step(theta, self._signed(theta, g), state)

    def _adam_step(self, theta: Array, g: Array, state: State) -> tuple[Array, State]:
        """The lines from v to k, as ``Adam._adam_step``."""
        optimizer = self.optimizer
        k = state["k"]
        # v ← γ_v v + (1 − γ_v) g
        v = optimizer.gamma_v * state["v"] + (1 - optimizer.gamma_v) * g
        # s ← γ_s s + (1 − γ_s) g ⊙ g
        s = optimizer.gamma_s * state["s"] + (1 - optimizer.gamma_s) * g * g
        # v̂ ← v / (1 − γ_v^(k+1))
        v_hat = v / self._bias_correction(optimizer.gamma_v, k)
        # ŝ ← s / (1 − γ_s^(k+1))
        s_hat = s / self._bias_correction(optimizer.gamma_s, k)
        # θ ← θ − α v̂ / (ε + √ŝ)
        theta = theta - optimizer.lr * v_hat / (optimizer.eps + self.np.sqrt(s_hat))
        # k ← k + 1
        return theta, {"v": v, "s": s, "k": k + 1}

    def _bias_correction(self, gamma: float, k: Array) -> Any:
        """1 − γ^(k+1) for each parameter's k, the power taken on Python floats as ``_update``
        takes it: one number when every parameter has taken as many steps (the usual case)."""
        np = self.np
        first = int(k[0])
        if (k == first).all():
            return 1 - gamma ** (first + 1)
        counts, where = np.unique(k, return_inverse=True)
        return np.array([1 - gamma ** (count + 1) for count in counts.tolist()])[where]


class AdamWStep(AdamStep):
    """``AdamW._update`` on arrays: the decay applied to θ itself, then Adam's lines."""

    optimizer: AdamW

    def _update(self, theta: Array, g: Array, state: State) -> tuple[Array, State]:
        optimizer = self.optimizer
        if optimizer.maximize:
            # g ← −∇θ ℓ
            g = -g
        # θ ← θ − α λ θ
        theta = theta - optimizer.lr * optimizer.weight_decay * theta
        return self._adam_step(theta, g, state)


# The most derived class first: an AdamW is an Adam too.
STEPS: dict[type[Optimizer], type[ArrayStep]] = {
    AdamW: AdamWStep,
    SGD: SGDStep,
    RMSProp: RMSPropStep,
    Adam: AdamStep,
}


def array_step(optimizer: Optimizer, np: Any) -> ArrayStep | None:
    """The array form of ``optimizer.step()``, or None for an optimizer whose update is its own
    (one not derived from SGD, RMSProp or Adam, or one that overrides ``_update``)."""
    for known, step in STEPS.items():
        if isinstance(optimizer, known) and type(optimizer)._update is known._update:
            return step(optimizer, np)
    return None
