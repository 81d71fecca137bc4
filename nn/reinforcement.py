"""What reinforcement learning adds to fitting: discounted returns and ε-greedy action choice.

Q_θ(s, a) and π_θ(a|s) are ordinary models (``FeatureModel``, ``MLP`` with ``softmax``); what
differs is the data. A policy gathers it, so how actions are chosen (``epsilon_greedy``)
decides what the model ever sees, and the targets are the returns
G_t = r_t + γ r_(t+1) + γ² r_(t+2) + ... of what followed (``discounted_returns``).
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Sequence

from autograd import Value
from autograd.value import Operand, as_float

from .layers import random_source
from .sequences import ArrayLike, as_list, is_sequence


def _probability(value: object, where: str, name: str) -> float:
    """``value`` as a float in [0, 1], else an error naming ``where``, ``name`` and the value."""
    number = as_float(value, f"{where}: {name}")
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{where}: {name} must be in [0, 1], got {value!r}")
    return number


def _is_whole_number(value: object) -> bool:
    """True for an int or a NumPy integer, False for bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


# ---- G_t = r_t + γ G_(t+1) ------------------------------------------------------------------

def discounted_returns(rewards: Sequence[Operand] | ArrayLike, gamma: float) -> list[float]:
    """The return from each step of an episode: G_t = r_t + γ r_(t+1) + γ² r_(t+2) + ...

    Computed backwards with G_T = r_T and G_t = r_t + γ G_(t+1), one pass. ``gamma`` (γ) is
    the discount in [0, 1]; the returns are plain floats, targets rather than graph nodes (a
    reward given as a Value counts by its ``data``).

    >>> discounted_returns([1.0, 1.0, 1.0], gamma=0.5)
    [1.75, 1.5, 1.0]
    """
    gamma = _probability(gamma, "discounted_returns", "gamma")
    if not is_sequence(rewards):
        raise TypeError(
            f"discounted_returns: rewards must be a list of numbers, got "
            f"{type(rewards).__name__} {rewards!r}"
        )
    r = []
    for t, reward in enumerate(as_list(rewards, "discounted_returns", "rewards")):
        if isinstance(reward, Value):
            r.append(reward.data)
        else:
            r.append(as_float(reward, f"discounted_returns: reward {t}"))
    returns = [0.0] * len(r)
    following = 0.0  # G_(t+1); 0 after the last step
    for t in reversed(range(len(r))):
        following = r[t] + gamma * following
        returns[t] = following
    return returns


# ---- ε-greedy --------------------------------------------------------------------------------

def epsilon_greedy(
    q_values: Sequence[Operand] | ArrayLike,
    epsilon: float,
    rng: int | random.Random | None = None,
) -> int:
    """The index of an action: with probability ε a uniformly random one, else argmax_a Q(s, a).

    ``q_values`` holds Q(s, a) for each action a (Values or numbers). Ties for the largest
    value are broken uniformly at random, so a model that starts with every Q equal does not
    always pick the first action. ε = 0 is purely greedy, ε = 1 purely random.

    ``rng`` is the source of randomness: pass one ``random.Random`` for a whole run, so that a
    seed makes the run reproducible (an int seeds a fresh generator on every call, so every
    call would draw the same numbers; None uses a fresh unseeded generator). Each call draws
    one number to decide whether to explore, then one to pick the action if it explores or if
    several actions tie.

    >>> rng = random.Random(0)
    >>> epsilon_greedy([0.5, 2.0, -1.0], epsilon=0.0, rng=rng)
    1
    """
    epsilon = _probability(epsilon, "epsilon_greedy", "epsilon")
    if not is_sequence(q_values):
        raise TypeError(
            f"epsilon_greedy: q_values must be a list of Values or numbers, got "
            f"{type(q_values).__name__} {q_values!r}"
        )
    given = as_list(q_values, "epsilon_greedy", "q_values")
    if not given:
        raise ValueError("epsilon_greedy: no q_values given (empty input)")
    q = [
        v.data if isinstance(v, Value) else as_float(v, f"epsilon_greedy: q_value {a}")
        for a, v in enumerate(given)
    ]
    for a, q_a in enumerate(q):
        if math.isnan(q_a):
            raise ValueError(f"epsilon_greedy: q_value {a} is nan")
    if not (rng is None or isinstance(rng, random.Random) or _is_whole_number(rng)):
        raise TypeError(
            f"epsilon_greedy: rng must be a random.Random, an int seed or None, got "
            f"{type(rng).__name__} {rng!r}"
        )
    source = random_source(rng)
    if source.random() < epsilon:
        return source.randrange(len(q))  # explore
    best = max(q)
    greedy = [a for a, q_a in enumerate(q) if q_a == best]
    return greedy[0] if len(greedy) == 1 else source.choice(greedy)  # exploit
