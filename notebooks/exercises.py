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
    if not right and why.startswith(ROUNDED):
        print(f"Exercise {name}: {why}")  # the right number, shown to fewer digits than asked
    else:
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


ROUNDED = "right, but"  # how a judge starts the verdict on a right answer with too few digits


def shown_digits(value: float) -> int:
    """The significant digits a number shows: 2 for 0.14 or 1.6e-07, 3 for -13,900,000."""
    mantissa = repr(abs(float(value))).split("e")[0].replace(".", "")
    return max(1, len(mantissa.strip("0")))


def magnitude(value: float) -> int:
    """The decade of a nonzero number: 0 for 1.5, -1 for 0.722, 7 for 12,714,000."""
    return int(f"{abs(float(value)):.16e}".split("e")[1])  # 17 digits: never rounds up a decade


def half_unit(value: float, digits: int) -> float:
    """Half a unit in the ``digits``-th significant place of ``value``: how far a number
    rounded to that many digits can lie from it."""
    if value == 0:
        return 0.0
    return 0.5 * 10.0 ** (magnitude(value) - digits + 1)


def agrees(given: float, value: float, digits: int | None) -> bool:
    """``given`` is ``value`` to ``digits`` significant digits (None: exactly, up to rounding
    errors of floating point)."""
    if digits is None:
        return close(given, value, 1e-9, 1e-12)
    return abs(given - value) <= half_unit(value, digits) * (1 + 1e-9) + 1e-12


def rounded_to(value: float, digits: int) -> float:
    """``value`` correctly rounded to ``digits`` significant digits: 0.7 for 0.722 and 1 digit."""
    return float(f"{float(value):.{digits - 1}e}")


def rounded_from(given: float, value: float) -> bool:
    """``given`` is ``value`` correctly rounded to the significant digits ``given`` shows.

    The rounding happens in ``value``'s magnitude: 0.7 is 0.722 to 1 digit, but 1 is not
    (0.722 to 1 digit is 0.7), 0.7 is not 1.0, and 0.1 is not 0.06 (that is 0.06 to any number
    of digits), so a number of the wrong magnitude never passes for a rounding. At a tie, when
    ``value`` lies exactly halfway between two numbers of that many digits (1.5 between 1 and
    2, 0.25 between 0.2 and 0.3, 0.75 between 0.7 and 0.8), neither counts: the shorter number
    is as far from ``value`` as its other neighbour, so it does not show the answer (and round
    half up and round half to even disagree on which one it would be)."""
    digits = shown_digits(given)
    rounded = rounded_to(value, digits)
    if not close(given, rounded, 1e-12, 0.0):
        return False
    half = half_unit(value, digits)
    return abs(abs(given - value) - half) > half * 1e-9 + 4 * math.ulp(value)  # not a tie


def judge_number(
    answer: Any,
    right: float,
    explanation: str,
    hint: str,
    slips: dict[float, str],
    digits: int | None = 4,
) -> Judgement:
    """Right to ``digits`` significant digits (None: exact) with the ``explanation``; the right
    number correctly rounded to fewer digits (see ``rounded_from``) is "right, but" asks for
    more; else what a known slip whose value the answer matches went wrong, or a ``hint`` that
    does not give the answer away."""
    given = number(answer)
    if agrees(given, right, digits):
        return True, explanation
    for value, slip in slips.items():
        if agrees(given, value, digits):
            return False, f"{given:.6g} is not it: {slip}"
    whole = digits is None and given.is_integer() and float(right).is_integer()
    if not whole and rounded_from(given, right):  # a whole number typed is meant exactly
        wanted = "the exact value" if digits is None else f"{digits} significant digits"
        return False, (
            f"{ROUNDED} give {wanted}: {given:.6g} is right to the {shown_digits(given)} "
            f"digit{'s' if shown_digits(given) > 1 else ''} it shows."
        )
    for value, slip in slips.items():
        if rounded_from(given, value):
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
# Exercise 1.1's second house: 3,000 square feet, sold for the same price. The notebook draws
# the first house's gradients (∂loss/∂x among them); this one's it never shows.
SECOND_X = 3_000.0
SECOND_RESIDUAL = THETA1 + THETA2 * SECOND_X - Y  # c2 = 539,000 − 500,000 = 39,000


@exercise("1.1", "A second house of x = 3,000 square feet sold for y = 500,000 (the same θ1, "
          "θ2): predict ∂loss/∂x, to 4 significant digits, before asking backprop.")
def _loss_by_size(answer: Any) -> Judgement:
    right = 2 * SECOND_RESIDUAL * THETA2
    return judge_number(answer, right, (
        "c2 = 50,000 + 163 · 3,000 − 500,000 = 39,000, so ∂loss/∂x = ∂loss/∂c2 · ∂c2/∂y_pred · "
        "∂y_pred/∂c1 · ∂c1/∂x = 78,000 · 1 · 1 · θ2 = 78,000 · 163 = 12,714,000: the chain of "
        "θ2, ending in the other factor of c1 = θ2 x"
    ), "work out c2 = y_pred − y for this house first, then follow θ2's chain from the loss "
       "down to c1 = θ2 x, and end with ∂c1/∂x instead of ∂c1/∂θ2.", {
        2 * SECOND_RESIDUAL: "that is ∂loss/∂c1; one local derivative is missing, "
        "∂c1/∂x = θ2 = 163.",
        2 * SECOND_RESIDUAL * SECOND_X: "that is ∂loss/∂θ2, whose last factor is ∂c1/∂θ2 = x; "
        "for x it is ∂c1/∂x = θ2.",
        -2 * SECOND_RESIDUAL * THETA2: "the sign: this house's prediction 539,000 is above its "
        "price 500,000, so ∂loss/∂c2 = 2 (y_pred − y) is positive.",
        SECOND_RESIDUAL * THETA2: "the 2 of the square is missing: ∂(c2²)/∂c2 = 2 c2.",
        2 * (THETA1 + THETA2 * X - Y) * THETA2: "that is the first house's ∂loss/∂x "
        "(x = 2,500); this one has x = 3,000.",
    })


def _largest_rate(x: float) -> float:
    # One SGD step changes c2 to c2 (1 − 2α(1 + x²)); the loss c2² does not grow while
    # |1 − 2α(1 + x²)| <= 1, that is α <= 1 / (1 + x²).
    return 1.0 / (1.0 + x * x)


@exercise("1.2", "In raw units (x = 2,500), what is the largest learning rate α for which one "
          "SGD step does not increase the loss? Give it to 2 significant digits.")
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
    }, digits=2)


@exercise("1.3", "After normalising (x = 2.5), what is the largest learning rate α for which "
          "one SGD step does not increase the loss? Give it to 3 significant digits.")
def _largest_normalised_rate(answer: Any) -> Judgement:
    right = _largest_rate(2.5)
    return judge_number(answer, right, (
        "α = 1 / (1 + x²) = 1 / 7.25 ≈ 0.138: the same formula as in 1.2 with x = 2.5, so "
        "normalising the input by 1,000 makes the usable learning rate about 860,000 times "
        "larger, and both parameters move at comparable rates"
    ), "the same reasoning as in 1.2, with x = 2.5.", {
        _largest_rate(X): "that is the raw-units answer; put x = 2.5 into α = 1 / (1 + x²).",
        right / 2: "that α lands exactly on the bottom; up to twice as long still lowers the loss.",
    }, digits=3)


# ---- notebook 2: function approximation ------------------------------------------------------

@exercise("2.1", "Derive the local derivative of the sigmoid, dσ(z)/dz, at z = 0 (exactly).")
def _sigmoid_slope(answer: Any) -> Judgement:
    return judge_number(answer, 0.25, (
        "dσ/dz = σ(z)(1 − σ(z)) = 0.5 · 0.5 = 0.25 at z = 0, its largest value: each sigmoid "
        "layer shrinks a gradient by at least 4 times"
    ), "dσ/dz = σ(z)(1 − σ(z)); what is σ(0)?", {
        0.5: "that is σ(0) itself; its derivative is σ(z)(1 − σ(z)).",
        1.0: "that is tanh's slope at 0; the sigmoid is flatter: σ(z)(1 − σ(z)).",
        -0.25: "the sign: σ increases everywhere, so its slope is positive.",
    }, digits=None)


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


@exercise("2.3", "Predict how many parameters nn.MLP(3, [8, 8, 2]) has (a whole number), before "
          "counting them.")
def _parameter_count(answer: Any) -> Judgement:
    return judge_number(answer, 122, (
        "(3 + 1)·8 + (8 + 1)·8 + (8 + 1)·2 = 32 + 72 + 18 = 122: each neuron has one weight per "
        "input and one bias"
    ), "a neuron with n inputs has n weights and one bias; add up the layers 3 → 8, 8 → 8 "
       "and 8 → 2.", {
        104: "you counted the weights (3·8 + 8·8 + 8·2); each of the 18 neurons has a bias too.",
        18: "that is the number of neurons (and biases); each also has one weight per input.",
        114: "the first layer has 3 inputs, so (3 + 1)·8 = 32 parameters, not 24.",
    }, digits=None)


# ---- notebook 3: optimizers and regularisation -----------------------------------------------

@exercise("3.1", "θ = 2 has gradient g = 0.5. Predict θ after Adam's first step with α = 0.1 "
          "(γ_v = 0.9, γ_s = 0.999, ε = 1e-8), to 4 significant digits.")
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
    })


@exercise("3.2", "A single parameter θ = 3 with the L2 penalty β‖θ‖², β = 0.01: derive the "
          "penalty's gradient ∂/∂θ (exactly).")
def _l2_gradient(answer: Any) -> Judgement:
    return judge_number(answer, 2 * 0.01 * 3.0, (
        "∂(β θ²)/∂θ = 2 β θ = 2 · 0.01 · 3 = 0.06: the penalty pulls each parameter towards 0 "
        "in proportion to its size (weight decay)"
    ), "differentiate β θ² with respect to θ.", {
        0.03: "the 2 of the square is missing: ∂(θ²)/∂θ = 2θ.",
        0.09: "that is the penalty's value β θ², not its derivative.",
        -0.06: "the sign: the penalty grows with θ > 0, so its gradient is positive.",
    }, digits=None)


@exercise("3.3", "nn.Dropout(0.5) in training mode keeps a unit whose output is 2.0: what "
          "value does it pass on (exactly)?")
def _inverted_dropout(answer: Any) -> Judgement:
    p = 0.5
    return judge_number(answer, 2.0 / (1 - p), (
        "2.0 / (1 − p) = 2.0 / 0.5 = 4.0: inverted dropout scales the survivors by 1/(1 − p), so "
        "each output keeps its expected value, (1 − p) · 4.0 + p · 0 = 2.0, and evaluation mode "
        "needs no rescaling"
    ), "the survivors are scaled so that the expected output, over the masks, stays 2.0.", {
        2.0: "that is the value before the scaling; the survivors are divided by 1 − p.",
        1.0: "that multiplies by 1 − p; inverted dropout divides the survivors by it.",
        0.0: "that is a dropped unit; this one was kept.",
    }, digits=None)


# ---- notebook 4: a classifier ----------------------------------------------------------------

@exercise("4.1", "One sample with score s = 0.3 and label y = +1: predict the hinge loss's "
          "gradient ∂/∂s of max(0, 1 − y s) (exactly).")
def _hinge_inside(answer: Any) -> Judgement:
    return judge_number(answer, -1.0, (
        "y s = 0.3 < 1 is inside the margin, where the loss is 1 − y s, so ∂/∂s = −y = −1: "
        "the step pushes the score up until it clears the margin"
    ), "is y s below 1 (inside the margin, where the loss is 1 − y s) or not (loss 0)?", {
        0.7: "that is the loss's value 1 − y s; inside the margin its slope is −y.",
        -0.7: "that is minus the loss's value; inside the margin its slope is −y = −1.",
        0.0: "the margin is y s >= 1, not y s > 0: s = 0.3 is right but not yet safe.",
        1.0: "the sign: raising s lowers this loss, so the derivative is negative.",
    }, digits=None)


@exercise("4.2", "One sample with score s = −2 and label y = −1: predict ∂/∂s of "
          "max(0, 1 − y s) (exactly).")
def _hinge_outside(answer: Any) -> Judgement:
    return judge_number(answer, 0.0, (
        "y s = 2 >= 1 is outside the margin, where the loss is 0 and flat: ∂/∂s = 0, so the "
        "samples already classified with a margin no longer move the weights"
    ), "is y s below 1 (inside the margin, where the loss is 1 − y s) or not (loss 0)?", {
        1.0: "that would be −y inside the margin; here y s = 2 clears it.",
        -1.0: "here y s = 2 clears the margin; the loss is 0 and flat.",
    }, digits=None)


@exercise("4.3", "Predict nn.accuracy([0.8, -0.1, 0.0, -2.0], [1, 1, 0, 0]) (labels 0 / 1), "
          "exactly.")
def _accuracy(answer: Any) -> Judgement:
    return judge_number(answer, 0.75, (
        "0.75: a score > 0 predicts 1 and any other score 0, so 0.8 → 1 (right), −0.1 → 0 "
        "(wrong), 0.0 → 0 (right), −2.0 → 0 (right)"
    ), "a score > 0 predicts 1, any other score 0; count the matches.", {
        0.5: "a score of exactly 0 predicts 0 (only a score > 0 predicts 1).",
        1.0: "−0.1 predicts 0, but its label is 1.",
        3.0: "accuracy is the fraction right, 3 of 4.",
    }, digits=None)


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


@exercise("5.2", "For f(x) = x⁴ − 3x² + x, predict the second derivative f''(1) (exactly).")
def _second_derivative(answer: Any) -> Judgement:
    return judge_number(answer, 6.0, (
        "f'(x) = 4x³ − 6x + 1 and f''(x) = 12x² − 6, so f''(1) = 6 > 0: f curves upwards there"
    ), "differentiate twice, term by term: x⁴ → 4x³ → 12x².", {
        -1.0: "that is the first derivative f'(1) = 4 − 6 + 1; differentiate once more.",
        12.0: "f''(x) = 12x² − 6: the −6 from −3x² is missing.",
        -2.0: "that is f(1) = 1 − 3 + 1, the value, not a derivative.",
    }, digits=None)


@exercise("5.3", "Take one Newton step x1 = x0 − f'(x0) / f''(x0) for the same f from x0 = 2 "
          "(exactly).")
def _newton_step(answer: Any) -> Judgement:
    return judge_number(answer, 1.5, (
        "f'(2) = 32 − 12 + 1 = 21 and f''(2) = 48 − 6 = 42, so x1 = 2 − 21/42 = 1.5, the first "
        "step the notebook prints"
    ), "compute f'(2) and f''(2) first.", {
        -19.0: "that is a gradient step with α = 1, x0 − f'(x0); Newton divides by f''(x0).",
        2.5: "the sign: Newton's step is x0 − f'(x0)/f''(x0).",
        0.5: "that is the step f'(x0)/f''(x0) itself; subtract it from x0.",
    }, digits=None)


# ---- notebook 6: ConvNets and batch norm ------------------------------------------------------

@exercise("6.1", "How many numbers does Conv2d(1, 8, kernel_size=3, stride=2, padding=1) give "
          "for one 8x8 image, channels x height x width (a whole number)?")
def _conv_output_size(answer: Any) -> Judgement:
    # H_out = (H + 2p − k) // s + 1 = (8 + 2 − 3) // 2 + 1 = 4, the same for W
    return judge_number(answer, 8 * 4 * 4, (
        "H_out = (8 + 2·1 − 3) // 2 + 1 = 4 and W_out = 4, for each of the 8 kernels: "
        "8 · 4 · 4 = 128"
    ), "H_out = (H + 2·padding − kernel_size) // stride + 1.", {
        8 * 8 * 8: "that is stride 1; a stride of 2 skips every other position.",
        8 * 3 * 3: "that is without the padding, (8 − 3) // 2 + 1 = 3.",
        4 * 4: "that is one channel; there are 8 kernels, each giving its own 4x4 map.",
    }, digits=None)


@exercise("6.2", "The 2x2 kernel of part 1 over the same 3x3 image (pixels 1..9), but with "
          "stride=2: what is the gradient ∂L/∂w11 for L = the sum of the outputs (exactly)?")
def _strided_weight_gradient(answer: Any) -> Judgement:
    # stride 2 fits one window, at (0, 0): L = y00, ∂L/∂w11 = x11 = 5
    return judge_number(answer, 5.0, (
        "(3 − 2) // 2 + 1 = 1: with stride 2 the kernel fits once, at the top left, so w11 "
        "meets one pixel, x11 = 5, and the sum over positions has one term"
    ), "first work out how many positions the kernel fits at with stride 2.", {
        28.0: "that is stride 1, four positions: 5 + 6 + 8 + 9.",
        1.5: "that is w11 itself, the weight, not its gradient.",
        4.0: "that is ∂L/∂b at stride 1, one per output.",
        1.0: "that is how many positions the kernel fits at; ∂L/∂w11 is the sum, over those "
        "positions, of the pixel w11 meets.",
    }, digits=None)


@exercise("6.3", "BatchNorm1d(1) in training mode (γ = 1, β = 0, ε = 1e-5) gets the batch "
          "[2.0], [4.0], [6.0]: what does it output for the example 6.0, to 4 significant digits?")
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


# ---- notebook 7: generalization -------------------------------------------------------------

def _sine_splits() -> tuple[list[float], list[float], list[float], list[float]]:
    """Notebook 7's data: training (20 samples) and validation (40) sets of its noisy sine."""
    import nn  # the data only: the judge fits by the closed form, not with the engine

    xs, ys = nn.noisy_sine(200, noise=0.3, seed=0)
    xs_pool, _, ys_pool, _ = nn.train_test_split(xs, ys, test_fraction=0.5, seed=0)
    return xs_pool[:20], ys_pool[:20], xs_pool[60:], ys_pool[60:]


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """x with matrix x = vector, by Gaussian elimination with partial pivoting."""
    n = len(vector)
    rows = [[*row, vector[i]] for i, row in enumerate(matrix)]
    for column in range(n):
        pivot = max(range(column, n), key=lambda r: abs(rows[r][column]))
        rows[column], rows[pivot] = rows[pivot], rows[column]
        for r in range(n):
            if r != column:
                factor = rows[r][column] / rows[column][column]
                for k in range(column, n + 1):
                    rows[r][k] -= factor * rows[column][k]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def ridge_validation_error(n_features: int, beta: float) -> float:
    """The validation error of θ* = argmin (1/n)‖Φθ − y‖² + β‖θ‖² on Fourier features
    sin(iπx), from the closed form (ΦᵀΦ/n + βI) θ* = Φᵀy/n."""
    xs, ys, xs_val, ys_val = _sine_splits()

    def features(x: float) -> list[float]:
        return [math.sin((i + 1) * math.pi * x) for i in range(n_features)]

    phi = [features(x) for x in xs]
    n = len(xs)
    gram = [[sum(row[i] * row[j] for row in phi) / n + (beta if i == j else 0.0)
             for j in range(n_features)] for i in range(n_features)]
    theta = _solve(gram, [sum(row[i] * y for row, y in zip(phi, ys, strict=True)) / n
                          for i in range(n_features)])
    errors = [(sum(t * f for t, f in zip(theta, features(x), strict=True)) - y) ** 2
              for x, y in zip(xs_val, ys_val, strict=True)]
    return sum(errors) / len(errors)


BETAS = (0.001, 0.01, 0.1, 1.0)


@exercise("7.1", "With 16 features instead of 12, which β of 0.001, 0.01, 0.1 and 1 gives the "
          "lowest validation error? Give that β exactly.")
def _best_beta(answer: Any) -> Judgement:
    errors = {beta: ridge_validation_error(16, beta) for beta in BETAS}
    right = min(errors, key=errors.__getitem__)
    table = ", ".join(f"β = {beta:g}: {error:.3f}" for beta, error in errors.items())
    return judge_number(answer, right, (
        f"the validation errors are {table} (from the closed form of the penalised least "
        "squares, which the notebook's Adam reaches): the validation set, never the test set, "
        "chooses β"
    ), "fit fourier_fit(16, xs_train, ys_train, l2=β) for each β and compare "
       "mse(model, xs_val, ys_val).", {
        0.0: "that is what the training error would choose: the smallest penalty always fits "
        "the training points best.",
        **{beta: "another β has a lower validation error: measure each one on xs_val."
           for beta in BETAS if beta != right},
    }, digits=None)


@exercise("7.2", "fit(..., early_stopping=10) finds its best validation loss in epoch 40 "
          "(counting from 1). How many epochs does it train in all (a whole number)?")
def _early_stopping_epochs(answer: Any) -> Judgement:
    return judge_number(answer, 40 + 10, (
        "40 + 10 = 50: it trains until 10 epochs in a row have not beaten epoch 40, then stops "
        "and puts back epoch 40's parameters"
    ), "patience counts the epochs after the last improvement.", {
        40.0: "that is the epoch whose parameters it keeps; it only knows epoch 40 was the best "
        "after 10 more epochs without improvement.",
        10.0: "that is the patience; it counts from the best epoch.",
        200.0: "early stopping ends the run before the epoch limit.",
    }, digits=None)


@exercise("7.3", "initialise() draws a tanh layer's weights uniformly in ±b with "
          "b = gain·√(3/n_in). What is b for gain 5/3 and n_in = 16, to 3 significant digits?")
def _uniform_bound(answer: Any) -> Judgement:
    gain, n_in = 5 / 3, 16
    right = gain * math.sqrt(3 / n_in)
    return judge_number(answer, right, (
        "b = (5/3) · √(3/16) ≈ 0.722: a uniform distribution on ±b has standard deviation "
        "b/√3 = gain/√n_in ≈ 0.417, the spread He's analysis asks of a tanh layer"
    ), "put gain = 5/3 and n_in = 16 into b = gain·√(3/n_in).", {
        gain / math.sqrt(n_in): "that is the standard deviation gain/√n_in; the bound of a "
        "uniform distribution is √3 times its standard deviation.",
        gain * 3 / n_in: "the square root is missing: b = gain·√(3/n_in).",
        math.sqrt(3 / n_in): "that is gain 1; this layer has gain 5/3.",
    }, digits=3)


# ---- notebook 8: reinforcement learning -----------------------------------------------------

@exercise("8.1", "Rewards [1, 1, 1] with γ = 0.9: what is the return G₀ of the first step, "
          "to 3 significant digits?")
def _first_return(answer: Any) -> Judgement:
    gamma = 0.9
    right = 1 + gamma * 1 + gamma**2 * 1
    return judge_number(answer, right, (
        "G₀ = r₀ + γ r₁ + γ² r₂ = 1 + 0.9 + 0.81 = 2.71: every later reward is credited to the "
        "first action, discounted by γ per step (what nn.discounted_returns computes)"
    ), "G_t = r_t + γ r_{t+1} + γ² r_{t+2} + ...; the first reward is not discounted.", {
        3.0: "that is γ = 1, the plain sum; with γ = 0.9 later rewards count less.",
        gamma + gamma**2 + gamma**3: "the first reward is not discounted: G₀ = r₀ + γ r₁ + ...",
        1 + gamma: "the third reward is missing: it counts with γ² = 0.81.",
        1.0 / (1 - gamma): "that is the return of rewards 1 forever; this episode has three.",
    }, digits=3)


@exercise("8.2", "Credit assignment: rewards [0, 0, 1] (only the last step is rewarded) with "
          "γ = 0.9. What credit G₀ does the first action get, to 2 significant digits?")
def _delayed_credit(answer: Any) -> Judgement:
    gamma = 0.9
    right = gamma**2
    return judge_number(answer, right, (
        "G₀ = 0 + 0.9 · 0 + 0.9² · 1 = 0.81: the discounted return hands the late reward back "
        "to the actions before it, less the further back they were, and REINFORCE weighs "
        "log π_θ(a₀ | s₀) by it"
    ), "G₀ = r₀ + γ r₁ + γ² r₂ with r₀ = r₁ = 0 and r₂ = 1.", {
        0.0: "that is r₀ alone; the return adds the discounted rewards that follow.",
        1.0: "that is γ = 1, or the last step's own credit; G₀ discounts it twice.",
        gamma: "that is the credit of the second action (one step before the reward).",
    }, digits=2)


@exercise("8.3", "nn.epsilon_greedy with ε = 0.1 and three actions, one with the largest Q: "
          "how likely is the greedy action, to 4 significant digits?")
def _greedy_probability(answer: Any) -> Judgement:
    epsilon, actions = 0.1, 3
    right = 1 - epsilon + epsilon / actions
    return judge_number(answer, right, (
        "1 − ε + ε/3 = 0.9 + 0.0333 = 0.9333: with probability 1 − ε it acts greedily, and "
        "with probability ε it picks uniformly among all three, the greedy action among them"
    ), "explore with probability ε, uniformly over all the actions; otherwise take the argmax.", {
        1 - epsilon: "the random choice picks the greedy action too, one time in three.",
        epsilon / actions: "that is the chance of each other action; the greedy one also gets "
        "1 − ε.",
        1.0: "with ε = 0.1 it explores one step in ten.",
    })


# ---- notebook 9: the playground -------------------------------------------------------------

@exercise("9.1", "Predict how many parameters nn.Playground(data=\"moons\", hidden=[8, 8]) "
          "trains (a whole number), then check it with len(pg.model.parameters()).")
def _playground_parameters(answer: Any) -> Judgement:
    right = (2 + 1) * 8 + (8 + 1) * 8 + (8 + 1) * 1
    return judge_number(answer, right, (
        "(2 + 1)·8 + (8 + 1)·8 + (8 + 1)·1 = 24 + 72 + 9 = 105: two inputs, two hidden layers "
        "of 8 and one output, each unit with a weight per input and a bias"
    ), "count the weights and the bias of each unit: 2 inputs → 8 → 8 → 1 output.", {
        2 * 8 + 8 * 8 + 8 * 1: "you counted the weights only; each of the 17 units has a bias "
        "too.",
        (2 + 1) * 8 + (8 + 1) * 8: "the output unit is missing: 8 weights and a bias.",
    }, digits=None)


@exercise("9.2", "Gradient descent on the loss θ²: what is the largest learning rate α for "
          "which one step θ ← θ − α · 2θ does not increase the loss (exactly)?")
def _largest_quadratic_rate(answer: Any) -> Judgement:
    return judge_number(answer, 1.0, (
        "the step gives θ(1 − 2α), and the loss does not grow while |1 − 2α| <= 1, that is "
        "α <= 1: beyond it each step overshoots the valley further than the last, as with "
        "lr = 3 in experiment 1"
    ), "after the step θ becomes θ(1 − 2α); when is |1 − 2α| <= 1?", {
        0.5: "that α lands exactly on the bottom (θ becomes 0); up to twice as long still "
        "ends lower than it started.",
        2.0: "the gradient of θ² is 2θ, not θ: the step is α · 2θ.",
    }, digits=None)


@exercise("9.3", "How many features does features=\"polynomial\", degree=3 give a point "
          "(x1, x2) (a whole number)? Predict, then check it with a Playground.")
def _polynomial_features(answer: Any) -> Judgement:
    degree = 3
    right = sum(total + 1 for total in range(1, degree + 1))
    return judge_number(answer, right, (
        "the powers x1^a x2^b with 1 <= a + b <= 3: 2 of degree 1, 3 of degree 2 and 4 of "
        "degree 3, so 9 (no constant: each unit has its own bias)"
    ), "count the products x1^a x2^b of each total degree a + b = 1, 2, 3.", {
        10.0: "the constant x1⁰ x2⁰ is not a feature: each unit has its own bias.",
        6.0: "that is (x1, x2) to the powers 1 to 3 separately; the products x1 x2, x1² x2 "
        "and x1 x2² count too.",
        5.0: "that is degree 2; degree 3 adds x1³, x1² x2, x1 x2², x2³.",
    }, digits=None)


# ---- notebook 10: compiled backprop ---------------------------------------------------------

@exercise("10.1", "A layer z = W x with x = [3, 4] gets ∂L/∂z = [1, 2] from above. Read its "
          "gradient off the compiled code: what is ∂L/∂W[1][0] (exactly)?")
def _layer_weight_gradient(answer: Any) -> Judgement:
    x, g = [3.0, 4.0], [1.0, 2.0]
    return judge_number(answer, g[1] * x[0], (
        "∂L/∂W[i][j] = ∂L/∂z_i · x_j, so ∂L/∂W[1][0] = 2 · 3 = 6: in matrix form the layer's "
        "gradient is the outer product ∂L/∂W = g xᵀ, a line of the form g_w10 = g_z1 * x0 per "
        "weight in the compiled code"
    ), "z_1 = W[1][0] x_0 + W[1][1] x_1: which ∂L/∂z_i and which x_j meet in W[1][0]?", {
        g[1] * x[1]: "that is ∂L/∂W[1][1]; W[1][0] multiplies x_0.",
        g[0] * x[0]: "that is ∂L/∂W[0][0]; W[1][0] feeds z_1.",
        g[0] * x[1]: "that is ∂L/∂W[0][1], the transpose: W[i][j] joins z_i and x_j.",
    }, digits=None)


@exercise("10.2", "For the same layer with W = [[0.5, -1.0], [2.0, 1.5]], what is ∂L/∂x_0, "
              "the gradient passed on to the layer below (exactly)?")
def _layer_input_gradient(answer: Any) -> Judgement:
    weights, g = [[0.5, -1.0], [2.0, 1.5]], [1.0, 2.0]
    right = g[0] * weights[0][0] + g[1] * weights[1][0]
    return judge_number(answer, right, (
        "∂L/∂x_0 = Σ_i ∂L/∂z_i · W[i][0] = 1 · 0.5 + 2 · 2.0 = 4.5: x_0 feeds both outputs, "
        "so the chain rule sums over its users; in matrix form ∂L/∂x = Wᵀ g"
    ), "x_0 is used by z_0 and by z_1; add one term per use.", {
        g[0] * weights[0][0]: "only z_0's term: x_0 is used by z_1 as well.",
        g[0] * weights[0][0] + g[1] * weights[0][1]: "that uses the row W[0]; x_0 meets the "
        "column W[·][0] (the transpose).",
        g[1] * weights[1][0]: "only z_1's term: x_0 is used by z_0 as well.",
    }, digits=None)


@exercise("10.3", "Compile loss = (w · x − y)² and call it on the batch x = [1, 2], y = [0, 0] "
              "at w = 1. What gradient for w does the batched call return (exactly)?")
def _batched_gradient(answer: Any) -> Judgement:
    w, xs, ys = 1.0, [1.0, 2.0], [0.0, 0.0]
    right = sum(2 * (w * x - y) * x for x, y in zip(xs, ys, strict=True))
    return judge_number(answer, right, (
        "Σ 2 (w x − y) x = 2 · 1 · 1 + 2 · 2 · 2 = 10: an argument given one number for the "
        "whole batch (here w) gets the gradient summed over the examples, the one a training "
        "step needs"
    ), "∂/∂w (w x − y)² = 2 (w x − y) x; one term per example of the batch.", {
        right / len(xs): "that is the mean; the batched call sums over the examples.",
        2.0: "that is the first example alone; a parameter's gradient is summed over the batch.",
        8.0: "that is the second example alone; a parameter's gradient is summed over the "
        "batch.",
    }, digits=None)


@exercise("10.4", "The rolled line g_W2 = g_y_hat.T @ h1 on a batch of three: ∂l/∂y_hat = "
              "[0.5, -1, 0.25], h1[:, 3] = [0.2, 0.4, -0.8]. What is ∂l/∂W2[0,3] (exactly)?")
def _rolled_weight_gradient(answer: Any) -> Judgement:
    d_y_hat, h1_3 = [0.5, -1.0, 0.25], [0.2, 0.4, -0.8]
    terms = [g * h for g, h in zip(d_y_hat, h1_3, strict=True)]
    right = sum(terms)
    return judge_number(answer, right, (
        "∂l/∂W2[0,3] = Σₙ ∂l/∂y_hat_n · h1_n[3] = 0.5 · 0.2 − 1 · 0.4 + 0.25 · (−0.8) = −0.5: "
        "g_y_hat.T @ h1 is a (1, n)·(n, 16) product, the sum over the examples of the outer "
        "products ∂l/∂ŷ · h1ᵀ, the lecture's ∂l/∂W₂ = ∂l/∂ŷ · σ(W₁x + b₁)ᵀ"
    ), "row 0 of g_y_hat.T times column 3 of h1: one product per example, then add them.", {
        right / len(terms): "that is the mean; the product with g_y_hat.T sums over the batch.",
        terms[0]: "that is the first example alone; W2 is shared, its gradient sums the batch.",
        sum(d_y_hat): "that is ∂l/∂b2 (Σₙ ∂l/∂y_hat); W2[0,3] multiplies h1[3] too.",
        sum(d_y_hat) * sum(h1_3): "that multiplies the two sums; multiply example by example, "
        "then add.",
    }, digits=None)
