"""The notebooks' "Your turn" exercises: ``check(name, answer)`` says right or wrong, and why.

Each exercise has a name (``"1.2"``: notebook 1, exercise 2), a one-line question and a judge.
In a notebook, write the answer in place of the ``...`` and run the cell::

    answer = ...  # your number
    check("1.1", answer)

An answer left as ``...`` is "not answered yet", never an error, so a notebook with open
exercises still runs top to bottom. The worked solutions are in ``SOLUTIONS.md``, beside the
notebooks. The judges compute the right answers from the lecture's formulas (and central
differences, for answers that are functions), not from the engine's backward pass.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Judgement = tuple[bool, str]


@dataclass(frozen=True)
class Exercise:
    """One exercise: its ``name``, the ``question`` it asks and the ``judge`` of an answer."""

    name: str
    question: str
    judge: Callable[[Any], Judgement]


EXERCISES: dict[str, Exercise] = {}


def exercise(name: str, question: str) -> Callable[[Callable[[Any], Judgement]], Any]:
    """Register the decorated judge as exercise ``name``."""

    def register(judge: Callable[[Any], Judgement]) -> Callable[[Any], Judgement]:
        EXERCISES[name] = Exercise(name, question, judge)
        return judge

    return register


def check(name: str, answer: Any) -> bool:
    """Print whether ``answer`` to exercise ``name`` is right, and why; return True if it is.

    Never raises for an answer: ``...`` (not answered yet), an answer of the wrong kind and a
    function that fails are each reported in one line.
    """
    if name not in EXERCISES:
        known = ", ".join(EXERCISES)
        print(f"There is no exercise {name!r}; the exercises are {known}.")
        return False
    task = EXERCISES[name]
    if _unanswered(answer):
        print(f"Exercise {name}: not answered yet. {task.question} "
              f"Write your answer in place of the ... and run the cell again.")
        return False
    try:
        right, why = task.judge(answer)
    except Exception as error:  # a student's function may fail in any way: report, not raise
        right, why = False, f"your answer raised {type(error).__name__}: {error}."
    print(f"Exercise {name}: {'right' if right else 'not yet'}. {why}")
    return right


def _unanswered(answer: Any) -> bool:
    """``...``, or a function still returning ``...`` (``def d_tanh(z): return ...``)."""
    if answer is ...:
        return True
    if callable(answer):
        try:
            return answer(0.5) is ...
        except Exception:
            return False
    return False


# ---- helpers for judges ----------------------------------------------------------------------

def number(answer: Any) -> float:
    """A number answer as a float: an int, a float, a NumPy number or a Value (its ``.data``)."""
    if hasattr(answer, "data") and not isinstance(answer, numbers.Real):
        answer = answer.data
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise TypeError(f"expected a number, got {type(answer).__name__} {answer!r}")
    return float(answer)


def close(a: float, b: float, rel: float = 1e-3, abs_: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def judge_number(
    answer: Any,
    right: float,
    explanation: str,
    hint: str,
    slips: dict[float, str],
    rel: float = 1e-3,
) -> Judgement:
    """Right (within ``rel``) with the ``explanation``; else what a known slip whose value the
    answer matches went wrong, or a ``hint`` that does not give the answer away."""
    given = number(answer)
    if close(given, right, rel):
        return True, explanation
    for value, slip in slips.items():
        if close(given, value, rel):
            return False, f"{given:.6g} is not it: {slip}"
    return False, f"{given:.6g} is not it. Hint: {hint}"


def judge_function(
    answer: Any,
    truth: Callable[[float], float],
    points: list[float],
    what: str,
    slips: dict[str, Callable[[float], float]],
    explanation: str,
    hint: str,
) -> Judgement:
    """Right if the function ``answer`` agrees with ``truth`` at every point (as a number or a
    Value); else the first point where it does not, and a known slip it matches."""
    if not callable(answer):
        raise TypeError(f"expected a function of z, got {type(answer).__name__} {answer!r}")
    values = {z: number(answer(z)) for z in points}
    wrong = [z for z in points if not close(values[z], truth(z), 1e-4, 1e-7)]
    if not wrong:
        return True, explanation
    for slip, formula in slips.items():
        if all(close(values[z], formula(z), 1e-4, 1e-7) for z in points):
            return False, f"your function is {slip}. Hint: {hint}"
    z = wrong[0]
    return False, (
        f"at z = {z:g} your function gives {values[z]:.6g}, but the slope of {what} there is "
        f"{truth(z):.6g} (central differences). Hint: {hint}"
    )


def slope(f: Callable[[float], float], z: float, h: float = 1e-5) -> float:
    """f'(z) by central differences: (f(z + h) - f(z - h)) / 2h."""
    return (f(z + h) - f(z - h)) / (2 * h)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# ---- notebook 1: backprop by hand ------------------------------------------------------------

# The worked example: y_pred = θ1 + θ2 x, loss = (y_pred − y)², at the lecture's numbers.
THETA1, THETA2, X, Y = 50_000.0, 163.0, 2_500.0, 500_000.0
RESIDUAL = THETA1 + THETA2 * X - Y  # c2 = y_pred − y = −42,500; ∂loss/∂c2 = 2 c2 = −85,000


@exercise("1.1", "Predict ∂loss/∂x, the gradient of the loss with respect to the size x, "
          "before asking backprop.")
def _loss_by_size(answer: Any) -> Judgement:
    right = 2 * RESIDUAL * THETA2
    return judge_number(answer, right, (
        "∂loss/∂x = ∂loss/∂c2 · ∂c2/∂y_pred · ∂y_pred/∂c1 · ∂c1/∂x = -85,000 · 1 · 1 · θ2 "
        "= -85,000 · 163 = -13,855,000: the chain of θ2, ending in the other factor of "
        "c1 = θ2 x"
    ), "follow θ2's chain from the loss down to c1 = θ2 x, and end with ∂c1/∂x instead of "
       "∂c1/∂θ2.", {
        2 * RESIDUAL: "that is ∂loss/∂c1; one local derivative is missing, ∂c1/∂x = θ2 = 163.",
        2 * RESIDUAL * X: "that is ∂loss/∂θ2, whose last factor is ∂c1/∂θ2 = x; for x it is "
        "∂c1/∂x = θ2.",
        -2 * RESIDUAL * THETA2: "the sign: the prediction 457,500 is below the price 500,000, "
        "so ∂loss/∂c2 = 2 (y_pred − y) is negative.",
        RESIDUAL * THETA2: "the 2 of the square is missing: ∂(c2²)/∂c2 = 2 c2.",
    })


def _largest_rate(x: float) -> float:
    # One SGD step changes c2 to c2 (1 − 2α(1 + x²)); the loss c2² does not grow while
    # |1 − 2α(1 + x²)| <= 1, that is α <= 1 / (1 + x²).
    return 1.0 / (1.0 + x * x)


@exercise("1.2", "In raw units (x = 2,500), what is the largest learning rate α for which one "
          "SGD step does not increase the loss?")
def _largest_raw_rate(answer: Any) -> Judgement:
    right = _largest_rate(X)
    return judge_number(answer, right, (
        "α = 1 / (1 + x²) = 1 / 6,250,001 ≈ 1.6e-07: one step moves θ1 by -2α c2 and θ2 by "
        "-2α c2 x, so c2 becomes c2 (1 − 2α(1 + x²)), and the loss c2² grows once "
        "2α(1 + x²) > 2, which matches the notebook's overshoot"
    ), "after one step θ1 has moved by -2α c2 and θ2 by -2α c2 x; write the new "
       "c2 = θ1 + θ2 x − y and find the α where |c2| starts to grow.", {
        right / 2: "that α lands exactly on the bottom (c2 becomes 0); a step up to twice as "
        "long overshoots but still ends lower than it started.",
        1.0 / (1.0 + X): "the step moves c2 by 2α(1 + x²) c2: x enters squared, once through "
        "∂loss/∂θ2 = 2 c2 x and once through ∂c2/∂θ2 = x.",
    }, rel=1e-2)


@exercise("1.3", "After normalising (x = 2.5), what is the largest learning rate α for which "
          "one SGD step does not increase the loss? Compare it with 1.2.")
def _largest_normalised_rate(answer: Any) -> Judgement:
    right = _largest_rate(2.5)
    return judge_number(answer, right, (
        "α = 1 / (1 + x²) = 1 / 7.25 ≈ 0.138: the same formula as in 1.2 with x = 2.5, so "
        "normalising the input by 1,000 makes the usable learning rate about 860,000 times "
        "larger, and both parameters move at comparable rates"
    ), "the same reasoning as in 1.2, with x = 2.5.", {
        _largest_rate(X): "that is the raw-units answer; put x = 2.5 into α = 1 / (1 + x²).",
        right / 2: "that α lands exactly on the bottom; up to twice as long still lowers the loss.",
    }, rel=1e-2)


# ---- notebook 2: function approximation ------------------------------------------------------

@exercise("2.1", "Derive the local derivative of the sigmoid, dσ(z)/dz, at z = 0.")
def _sigmoid_slope(answer: Any) -> Judgement:
    return judge_number(answer, 0.25, (
        "dσ/dz = σ(z)(1 − σ(z)) = 0.5 · 0.5 = 0.25 at z = 0, its largest value: each sigmoid "
        "layer shrinks a gradient by at least 4 times"
    ), "dσ/dz = σ(z)(1 − σ(z)); what is σ(0)?", {
        0.5: "that is σ(0) itself; its derivative is σ(z)(1 − σ(z)).",
        1.0: "that is tanh's slope at 0; the sigmoid is flatter: σ(z)(1 − σ(z)).",
        -0.25: "the sign: σ increases everywhere, so its slope is positive.",
    })


@exercise("2.2", "Write the local derivative of tanh as a function d_tanh(z).")
def _tanh_derivative(answer: Any) -> Judgement:
    return judge_function(
        answer, lambda z: slope(math.tanh, z), [-2.0, -0.5, 0.0, 0.7, 1.5, 3.0], "tanh",
        {
            "1 − tanh(z), not squared": lambda z: 1.0 - math.tanh(z),
            "1 − z², with z where tanh(z) belongs": lambda z: 1.0 - z * z,
            "1/cosh(z), which is only the square root": lambda z: 1.0 / math.cosh(z),
        },
        "d tanh(z)/dz = 1 − tanh(z)²: at most 1 (at z = 0) and vanishing for large |z|, the "
        "value the engine's tanh op hands back in backward",
        "tanh's derivative can be written with tanh(z) itself, as the engine's op does with its "
        "output.",
    )


@exercise("2.3", "Predict how many parameters nn.MLP(3, [8, 8, 2]) has, before counting them.")
def _parameter_count(answer: Any) -> Judgement:
    return judge_number(answer, 122, (
        "(3 + 1)·8 + (8 + 1)·8 + (8 + 1)·2 = 32 + 72 + 18 = 122: each neuron has one weight per "
        "input and one bias"
    ), "a neuron with n inputs has n weights and one bias; add up the layers 3 → 8, 8 → 8 "
       "and 8 → 2.", {
        104: "you counted the weights (3·8 + 8·8 + 8·2); each of the 18 neurons has a bias too.",
        18: "that is the number of neurons (and biases); each also has one weight per input.",
        114: "the first layer has 3 inputs, so (3 + 1)·8 = 32 parameters, not 24.",
    }, rel=1e-9)


# ---- notebook 3: optimizers and regularisation -----------------------------------------------

@exercise("3.1", "θ = 2 has gradient g = 0.5. Predict θ after Adam's first step with α = 0.1 "
          "(γ_v = 0.9, γ_s = 0.999, ε = 1e-8).")
def _first_adam_step(answer: Any) -> Judgement:
    theta, g, alpha = 2.0, 0.5, 0.1
    v_hat = (0.1 * g) / (1 - 0.9)  # v = (1 − γ_v) g, bias-corrected by 1 − γ_v^1
    s_hat = (0.001 * g * g) / (1 - 0.999)
    right = theta - alpha * v_hat / (math.sqrt(s_hat) + 1e-8)
    raw = theta - alpha * (0.1 * g) / (math.sqrt(0.001 * g * g) + 1e-8)
    return judge_number(answer, right, (
        "θ = 2 − 0.1 · v̂ / (√ŝ + ε) = 2 − 0.1 · 0.5 / 0.5 = 1.9: after bias correction "
        "v̂ = g and ŝ = g², so Adam's first step has length α whatever the size of g"
    ), "on the first step v = (1 − γ_v) g and s = (1 − γ_s) g²; the bias correction divides "
       "them by 1 − γ_v and 1 − γ_s.", {
        theta - alpha * g: "that is SGD's step θ − α g; Adam divides v̂ by √ŝ.",
        raw: "that is without the bias correction v̂ = v / (1 − γ_v^k), ŝ = s / (1 − γ_s^k).",
        theta + alpha: "the sign: Adam, like SGD, steps against the gradient.",
    }, rel=1e-6)


@exercise("3.2", "A single parameter θ = 3 with the L2 penalty β‖θ‖², β = 0.01: derive the "
          "penalty's gradient ∂/∂θ.")
def _l2_gradient(answer: Any) -> Judgement:
    return judge_number(answer, 2 * 0.01 * 3.0, (
        "∂(β θ²)/∂θ = 2 β θ = 2 · 0.01 · 3 = 0.06: the penalty pulls each parameter towards 0 "
        "in proportion to its size (weight decay)"
    ), "differentiate β θ² with respect to θ.", {
        0.03: "the 2 of the square is missing: ∂(θ²)/∂θ = 2θ.",
        0.09: "that is the penalty's value β θ², not its derivative.",
        -0.06: "the sign: the penalty grows with θ > 0, so its gradient is positive.",
    })


# ---- notebook 4: a classifier ----------------------------------------------------------------

@exercise("4.1", "One sample with score s = 0.3 and label y = +1: predict the hinge loss's "
          "gradient ∂/∂s of max(0, 1 − y s).")
def _hinge_inside(answer: Any) -> Judgement:
    return judge_number(answer, -1.0, (
        "y s = 0.3 < 1 is inside the margin, where the loss is 1 − y s, so ∂/∂s = −y = −1: "
        "the step pushes the score up until it clears the margin"
    ), "is y s below 1 (inside the margin, where the loss is 1 − y s) or not (loss 0)?", {
        0.7: "that is the loss's value 1 − y s; inside the margin its slope is −y.",
        -0.7: "that is minus the loss's value; inside the margin its slope is −y = −1.",
        0.0: "the margin is y s >= 1, not y s > 0: s = 0.3 is right but not yet safe.",
        1.0: "the sign: raising s lowers this loss, so the derivative is negative.",
    })


@exercise("4.2", "One sample with score s = −2 and label y = −1: predict ∂/∂s of "
          "max(0, 1 − y s).")
def _hinge_outside(answer: Any) -> Judgement:
    return judge_number(answer, 0.0, (
        "y s = 2 >= 1 is outside the margin, where the loss is 0 and flat: ∂/∂s = 0, so the "
        "samples already classified with a margin no longer move the weights"
    ), "is y s below 1 (inside the margin, where the loss is 1 − y s) or not (loss 0)?", {
        1.0: "that would be −y inside the margin; here y s = 2 clears it.",
        -1.0: "here y s = 2 clears the margin; the loss is 0 and flat.",
    }, rel=1e-9)


@exercise("4.3", "Predict nn.accuracy([0.8, -0.1, 0.0, -2.0], [1, 1, 0, 0]) (labels 0 / 1).")
def _accuracy(answer: Any) -> Judgement:
    return judge_number(answer, 0.75, (
        "0.75: a score > 0 predicts 1 and any other score 0, so 0.8 → 1 (right), −0.1 → 0 "
        "(wrong), 0.0 → 0 (right), −2.0 → 0 (right)"
    ), "a score > 0 predicts 1, any other score 0; count the matches.", {
        0.5: "a score of exactly 0 predicts 0 (only a score > 0 predicts 1).",
        1.0: "−0.1 predicts 0, but its label is 1.",
        3.0: "accuracy is the fraction right, 3 of 4.",
    })


# ---- notebook 5: checking gradients ----------------------------------------------------------

def _softplus(x: float) -> float:
    return math.log1p(math.exp(x))


@exercise("5.1", "Write the derivative of softplus(z) = log(1 + e^z) as a function "
          "d_softplus(z).")
def _softplus_derivative(answer: Any) -> Judgement:
    return judge_function(
        answer, lambda z: slope(_softplus, z), [-3.0, -1.0, 0.0, 0.5, 2.0], "softplus",
        {
            "σ(−z) = 1/(1 + e^z): the sign slip the notebook's gradcheck caught": (
                lambda z: sigmoid(-z)
            ),
            "e^z, the derivative of the inside only": math.exp,
            "softplus itself, not its derivative": _softplus,
        },
        "d/dz log(1 + e^z) = e^z / (1 + e^z) = σ(z): the chain rule, 1/(1 + e^z) from the log "
        "times e^z from the inside",
        "the chain rule: the derivative of log(u) is 1/u, here with u = 1 + e^z.",
    )


def _f(x: float) -> float:
    return x**4 - 3 * x**2 + x


@exercise("5.2", "For f(x) = x⁴ − 3x² + x, predict the second derivative f''(1).")
def _second_derivative(answer: Any) -> Judgement:
    return judge_number(answer, 6.0, (
        "f'(x) = 4x³ − 6x + 1 and f''(x) = 12x² − 6, so f''(1) = 6 > 0: f curves upwards there"
    ), "differentiate twice, term by term: x⁴ → 4x³ → 12x².", {
        -1.0: "that is the first derivative f'(1) = 4 − 6 + 1; differentiate once more.",
        12.0: "f''(x) = 12x² − 6: the −6 from −3x² is missing.",
        -2.0: "that is f(1) = 1 − 3 + 1, the value, not a derivative.",
    })


@exercise("5.3", "Take one Newton step x1 = x0 − f'(x0) / f''(x0) for the same f from x0 = 2.")
def _newton_step(answer: Any) -> Judgement:
    return judge_number(answer, 1.5, (
        "f'(2) = 32 − 12 + 1 = 21 and f''(2) = 48 − 6 = 42, so x1 = 2 − 21/42 = 1.5, the first "
        "step the notebook prints"
    ), "compute f'(2) and f''(2) first.", {
        -19.0: "that is a gradient step with α = 1, x0 − f'(x0); Newton divides by f''(x0).",
        2.5: "the sign: Newton's step is x0 − f'(x0)/f''(x0).",
        0.5: "that is the step f'(x0)/f''(x0) itself; subtract it from x0.",
    })


# ---- notebook 6: ConvNets and batch norm ------------------------------------------------------

@exercise("6.1", "How many numbers does Conv2d(1, 8, kernel_size=3, stride=2, padding=1) give "
          "for one 8x8 image, channels x height x width?")
def _conv_output_size(answer: Any) -> Judgement:
    # H_out = (H + 2p − k) // s + 1 = (8 + 2 − 3) // 2 + 1 = 4, the same for W
    return judge_number(answer, 8 * 4 * 4, (
        "H_out = (8 + 2·1 − 3) // 2 + 1 = 4 and W_out = 4, for each of the 8 kernels: "
        "8 · 4 · 4 = 128"
    ), "H_out = (H + 2·padding − kernel_size) // stride + 1.", {
        8 * 8 * 8: "that is stride 1; a stride of 2 skips every other position.",
        8 * 3 * 3: "that is without the padding, (8 − 3) // 2 + 1 = 3.",
        4 * 4: "that is one channel; there are 8 kernels, each giving its own 4x4 map.",
    })


@exercise("6.2", "The 2x2 kernel of part 1 over the same 3x3 image (pixels 1..9), but with "
          "stride=2: what is ∂L/∂w11 for L = the sum of the outputs?")
def _strided_weight_gradient(answer: Any) -> Judgement:
    # stride 2 fits one window, at (0, 0): L = y00, ∂L/∂w11 = x11 = 5
    return judge_number(answer, 5.0, (
        "(3 − 2) // 2 + 1 = 1: with stride 2 the kernel fits once, at the top left, so w11 "
        "meets one pixel, x11 = 5, and the sum over positions has one term"
    ), "first work out how many positions the kernel fits at with stride 2.", {
        28.0: "that is stride 1, four positions: 5 + 6 + 8 + 9.",
        1.5: "that is w11 itself, the weight, not its gradient.",
        4.0: "that is ∂L/∂b at stride 1, one per output.",
    })


@exercise("6.3", "BatchNorm1d(1) in training mode (γ = 1, β = 0, ε = 1e-5) gets the batch "
          "[2.0], [4.0], [6.0]: what does it output for the example 6.0?")
def _batch_norm_output(answer: Any) -> Judgement:
    mean = 4.0
    variance = ((2.0 - mean) ** 2 + 0.0 + (6.0 - mean) ** 2) / 3  # biased: 1/m
    right = (6.0 - mean) / math.sqrt(variance + 1e-5)
    return judge_number(answer, right, (
        "μ = 4 and σ² = (4 + 0 + 4) / 3 = 8/3 (the biased variance, divided by m = 3), so "
        "x̂ = (6 − 4) / sqrt(8/3 + ε) ≈ 1.2247"
    ), "x̂ = (x − μ) / sqrt(σ² + ε), with σ² the mean of the squared deviations.", {
        1.0: "that divides by m − 1 = 2 (the unbiased variance, 4); in training batch norm "
             "normalises with the biased one, dividing by m = 3.",
        2.0: "that is x − μ alone; divide by the standard deviation too.",
        0.75: "that divides by σ², not by its square root σ.",
    })
