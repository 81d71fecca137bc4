"""Discounted returns, the ε-greedy choice, and one REINFORCE update on a two-action problem."""

from __future__ import annotations

import math
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Parameter, Value
from nn import MLP, discounted_returns, epsilon_greedy, log_softmax, softmax
from optim import SGD

# ---- discounted returns ---------------------------------------------------------------------


@settings(max_examples=50)
@given(
    st.lists(st.floats(min_value=-10.0, max_value=10.0), max_size=12),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_returns_are_the_discounted_sums_of_what_follows(
    rewards: list[float], gamma: float
) -> None:
    # G_t = Σ_k γ^k r_(t+k), summed directly for each t
    expected = [
        math.fsum(gamma**k * r for k, r in enumerate(rewards[t:])) for t in range(len(rewards))
    ]
    assert discounted_returns(rewards, gamma) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_returns_by_hand() -> None:
    assert discounted_returns([1.0, 0.0, 2.0], gamma=0.5) == [1.5, 1.0, 2.0]
    assert discounted_returns([-1, -1, -1], gamma=1.0) == [-3.0, -2.0, -1.0]
    assert discounted_returns([3.0, 4.0], gamma=0.0) == [3.0, 4.0]
    assert discounted_returns([Value(2.0)], gamma=0.9) == [2.0]
    assert discounted_returns([], gamma=0.9) == []
    assert discounted_returns(np.array([1.0, 0.0, 2.0]), gamma=0.5) == [1.5, 1.0, 2.0]


def test_bad_returns_arguments_are_named() -> None:
    with pytest.raises(ValueError, match=r"discounted_returns: gamma must be in \[0, 1\], got 1.5"):
        discounted_returns([1.0], gamma=1.5)
    with pytest.raises(ValueError, match=r"discounted_returns: gamma must be in \[0, 1\], got nan"):
        discounted_returns([1.0], gamma=math.nan)
    with pytest.raises(TypeError, match=r"discounted_returns: reward 1: expected a real number"):
        discounted_returns([1.0, None], gamma=0.9)
    with pytest.raises(TypeError, match=r"discounted_returns: rewards must be a list"):
        discounted_returns(1.0, gamma=0.9)


# ---- ε-greedy --------------------------------------------------------------------------------


def test_without_exploration_the_choice_is_the_largest_q() -> None:
    rng = random.Random(0)
    q = [Value(-2.0), Value(3.0), Value(1.0)]
    assert {epsilon_greedy(q, 0.0, rng) for _ in range(200)} == {1}
    assert epsilon_greedy([0.1, -4.0], epsilon=0.0, rng=rng) == 0
    assert epsilon_greedy(np.array([0.1, 4.0, -4.0]), epsilon=0.0, rng=rng) == 1


def test_ties_are_broken_at_random_among_the_best_only() -> None:
    rng = random.Random(1)
    counts = Counter(epsilon_greedy([5.0, 1.0, 5.0, 5.0], 0.0, rng) for _ in range(3000))
    assert set(counts) == {0, 2, 3}
    for action in (0, 2, 3):
        assert 850 < counts[action] < 1150  # 1000 expected each; the bounds are > 5 sigma


def test_exploration_happens_with_probability_epsilon() -> None:
    rng = random.Random(2)
    n, epsilon = 20000, 0.3
    counts = Counter(epsilon_greedy([0.0, 1.0, 0.5, -1.0], epsilon, rng) for _ in range(n))
    # greedy action: 1 − ε + ε/4 = 0.775; each other action: ε/4 = 0.075
    assert counts[1] / n == pytest.approx(0.775, abs=0.02)
    for action in (0, 2, 3):
        assert counts[action] / n == pytest.approx(0.075, abs=0.01)
    uniform = Counter(epsilon_greedy([0.0, 1.0], 1.0, rng) for _ in range(n))
    assert uniform[0] / n == pytest.approx(0.5, abs=0.02)


def test_a_seed_makes_the_choices_reproducible() -> None:
    q = [0.2, 0.1, 0.2]
    first = [epsilon_greedy(q, 0.5, rng) for rng in [random.Random(7)] for _ in range(50)]
    second = [epsilon_greedy(q, 0.5, rng) for rng in [random.Random(7)] for _ in range(50)]
    assert first == second
    assert len(set(first)) == 3


def test_bad_epsilon_greedy_arguments_are_named() -> None:
    with pytest.raises(ValueError, match=r"epsilon_greedy: epsilon must be in \[0, 1\], got -0.1"):
        epsilon_greedy([1.0], -0.1)
    with pytest.raises(ValueError, match=r"epsilon_greedy: no q_values given"):
        epsilon_greedy([], 0.1)
    with pytest.raises(ValueError, match=r"epsilon_greedy: q_value 1 is nan"):
        epsilon_greedy([0.0, math.nan], 0.1)
    with pytest.raises(TypeError, match=r"epsilon_greedy: q_value 0: expected a real number"):
        epsilon_greedy(["a"], 0.1)
    rng_error = r"epsilon_greedy: rng must be a random.Random, an int seed or None, got str"
    with pytest.raises(TypeError, match=rng_error):
        epsilon_greedy([1.0], 0.1, rng="seed")


# ---- one REINFORCE update ----------------------------------------------------------------------

STATE = [0.4, -0.8]


def probability_of(policy: MLP, action: int) -> float:
    return softmax(policy(STATE))[action].data


@pytest.mark.parametrize("action", [0, 1])
@pytest.mark.parametrize("advantage", [2.0, -2.0])
def test_one_update_moves_the_policy_with_the_sign_of_the_advantage(
    action: int, advantage: float
) -> None:
    policy = MLP(2, [4, 2], activation="tanh", seed=3)
    before = probability_of(policy, action)
    assert 0.05 < before < 0.95
    optimizer = SGD(policy.parameters(), lr=0.1)
    # the loss −log π_θ(a|s) · (G − b), with G − b = advantage
    loss = -log_softmax(policy(STATE))[action] * advantage
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    after = probability_of(policy, action)
    if advantage > 0:
        assert after > before  # towards an action that did better than the baseline
    else:
        assert after < before  # away from one that did worse


def test_an_episode_with_both_actions_moves_towards_the_better_one() -> None:
    policy = MLP(2, [4, 2], activation="tanh", seed=5)
    before = probability_of(policy, 1)
    returns, baseline = [3.0, 1.0], 2.0  # action 1 returned 3, action 0 returned 1
    log_probabilities = [log_softmax(policy(STATE))[a] for a in (1, 0)]
    advantages = [g - baseline for g in returns]
    loss = -autograd.dot(log_probabilities, advantages)
    optimizer = SGD(policy.parameters(), lr=0.05)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    assert probability_of(policy, 1) > before


def test_the_update_on_the_logits_is_the_hand_derived_policy_gradient() -> None:
    # With the logits z themselves as parameters, −A log π_a has gradient −A ([j = a] − π_j).
    z = [Parameter(0.3), Parameter(-0.2)]
    pi = [math.exp(0.3) / (math.exp(0.3) + math.exp(-0.2))]
    pi.append(1.0 - pi[0])
    advantage, action = 1.5, 1
    (-log_softmax(z)[action] * advantage).backward()
    assert [p.grad for p in z] == pytest.approx(
        [-advantage * ((1.0 if j == action else 0.0) - pi[j]) for j in range(2)], rel=1e-12
    )
    SGD(z, lr=0.5).step()
    assert softmax(z)[action].data > pi[action]
