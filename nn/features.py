"""Linear models on features, f_θ(x) = θᵀβ(x), with Fourier and polynomial feature maps.

A feature map β turns an input x into n numbers β_1(x), ..., β_n(x); the model learns one
weight θ_i per feature. ``fourier(n)`` is the lecture's β_i(x) = sin(iπx);
``fourier(n, nin=d)`` extends it to d variables (a state with d components) as the products
β_c(x) = sin(c_1 π x_1) ··· sin(c_d π x_d), one for each c in {1, ..., n}^d.

A saved ``FeatureModel`` file records which feature map it was trained with, so that loading
refuses a model with other features. The built-in maps are identified exactly, by kind and
size (``fourier`` with n = 5). A custom feature function cannot be compared by its code, so
it is matched by its module, qualified name and number of features only
(``{"kind": "custom", "name": "experiment.<locals>.<lambda>", "n": 3}``): two different
functions that share all three, such as two lambdas defined in the same function, are not
told apart. Give custom maps distinct names (a ``def`` or ``FeatureMap(name, n, function)``)
to keep their files apart.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Parameter, Value, dot
from autograd.value import Operand, is_real_number
from optim.checks import whole_number

from .layers import random_source
from .limits import MAX_FEATURES, check_at_most
from .module import Module
from .sequences import as_example, as_list, is_sequence


@dataclass(frozen=True)
class FeatureMap:
    """A feature map β: ``name``, the number of features ``n``, and ``function(x)`` -> n values.

    ``kind`` is ``"fourier"`` or ``"polynomial"`` for the built-in maps and ``"custom"``
    otherwise; together with ``name`` and ``n`` it is what a saved model file records about
    its features (see the module docstring). Calling the map checks that ``function``
    returned exactly ``n`` features.
    """

    name: str
    n: int
    function: Callable[[Any], Sequence[Operand]]
    kind: str = "custom"

    def __post_init__(self) -> None:
        # frozen: set the checked n (a NumPy integer becomes an int) the way dataclasses do
        object.__setattr__(self, "n", whole_number(self.n, f"FeatureMap {self.name!r}", "n"))

    def identity(self) -> dict[str, Any]:
        """What a saved file records about this map: its kind, name and number of features."""
        return {"kind": self.kind, "name": self.name, "n": self.n}

    def __call__(self, x: Any) -> list[Operand]:
        features = list(self.function(x))
        if len(features) != self.n:
            raise ValueError(
                f"FeatureMap {self.name!r}: expected {self.n} features, got {len(features)}"
            )
        return features


def _scalar_input(x: Any, where: str) -> Value:
    """x as a Value: a number, a Value, or a one-element list (or NumPy array) of either."""
    if is_sequence(x):
        items = as_list(x, where, "the input")
        if not items:
            raise ValueError(f"{where}: expected one input, got an empty list")
        if len(items) > 1 or is_sequence(items[0]):
            got = f"{len(items)} inputs" if len(items) > 1 else "a list in a list"
            raise ValueError(
                f"{where}: expected one input, got {got}; if this is a batch of examples, call "
                f"the model once per example, [model(x) for x in xs], or use model.predict(xs)"
            )
        x = items[0]
    if isinstance(x, Value):
        return x
    if is_real_number(x):
        return Value(x, label="x")
    raise TypeError(f"{where}: expected a number or a Value, got {type(x).__name__} {x!r}")


def _vector_input(x: Any, nin: int, where: str) -> list[Value]:
    """x as ``nin`` Values: a list, a tuple or a NumPy array of numbers or Values."""
    inputs = []
    for k, x_k in enumerate(as_example(x, nin, where), start=1):
        if isinstance(x_k, Value):
            inputs.append(x_k)
        elif is_real_number(x_k):
            inputs.append(Value(x_k, label=f"x{k}"))
        else:
            raise TypeError(
                f"{where}: input {k} must be a number or a Value, got {type(x_k).__name__} {x_k!r}"
            )
    return inputs


def fourier(n: int, nin: int = 1) -> FeatureMap:
    """The lecture's Fourier features β_i(x) = sin(iπx) for i = 1, ..., n (no constant).

    With ``nin`` = d > 1 input variables x = (x_1, ..., x_d), the features are the products of
    the one-variable sines, one per frequency vector c = (c_1, ..., c_d) in {1, ..., n}^d::

        β_c(x) = sin(c_1 π x_1) · sin(c_2 π x_2) ··· sin(c_d π x_d)

    n^d features, c in lexicographic order: for d = 2, n = 2 they are β_(1,1), β_(1,2),
    β_(2,1), β_(2,2). As for one variable they are orthogonal on [0, 1]^d, so scale each input
    to [0, 1] first (a reinforcement-learning state, say, by its observation bounds). Each
    feature is 0 wherever some x_k is 0 or 1, the edge of the box. The input is a list of d
    numbers or Values; with d = 1 the map is exactly ``fourier(n)``.

    >>> beta = fourier(2, nin=2)
    >>> beta.n
    4
    >>> [round(b.data, 6) for b in beta([0.5, 0.25])]  # sin(π/2) sin(π/4), ...
    [0.707107, 1.0, 0.0, 0.0]
    """
    n = whole_number(n, "fourier", "n")
    nin = whole_number(nin, "fourier", "nin")
    check_at_most("fourier", "nin", nin, MAX_FEATURES, "MAX_FEATURES",
                  "each input variable multiplies the number of features")
    _check_features("fourier", "n**nin", n**nin)
    if nin == 1:

        def sines(x: Any) -> list[Operand]:
            x = _scalar_input(x, "fourier")
            return [(i * math.pi * x).sin() for i in range(1, n + 1)]

        return FeatureMap(f"fourier({n})", n, sines, kind="fourier")

    frequencies = list(itertools.product(range(1, n + 1), repeat=nin))

    def products_of_sines(x: Any) -> list[Operand]:
        inputs = _vector_input(x, nin, "fourier")
        # sin(i π x_k) for each variable k and frequency i, each computed once and shared
        sines = [[(i * math.pi * x_k).sin() for i in range(1, n + 1)] for x_k in inputs]
        features: list[Operand] = []
        for c in frequencies:
            feature = sines[0][c[0] - 1]
            for k in range(1, nin):
                feature = feature * sines[k][c[k] - 1]
            features.append(feature)
        return features

    return FeatureMap(f"fourier({n}, nin={nin})", n**nin, products_of_sines, kind="fourier")


def polynomial(degree: int) -> FeatureMap:
    """Powers of x *including the constant*: β(x) = (1, x, x², ..., x^degree), degree + 1 features.

    The constant feature 1 gives the model an intercept θ_0.
    """
    degree = whole_number(degree, "polynomial", "degree", smallest=0)
    _check_features("polynomial", "degree + 1", degree + 1)

    def powers(x: Any) -> list[Operand]:
        x = _scalar_input(x, "polynomial")
        features: list[Operand] = [1.0]
        if degree >= 1:
            features.append(x)
        features.extend(x**k for k in range(2, degree + 1))
        return features

    return FeatureMap(f"polynomial({degree})", degree + 1, powers, kind="polynomial")


class FeatureModel(Module):
    """f_θ(x) = θᵀβ(x) = θ_1 β_1(x) + ... + θ_n β_n(x), one ``dot`` node.

    ``features`` is a ``FeatureMap`` (``fourier(n)``, ``polynomial(n)``) or any function
    x -> list of n Values/numbers, in which case give ``n`` (the parameters must exist before
    the first call, so that an optimizer can be given them). ``x`` is passed to the feature
    map as it is; the built-in maps take a number, a Value or a one-element list. A saved file
    matches a custom function by its module, qualified name and ``n`` only (see the module
    docstring).

    θ starts at 0 (the loss of a linear model is convex in θ, so no symmetry needs breaking
    and the start is the same every run); with a ``seed`` it starts uniform in [-0.1, 0.1].
    The weights are ``theta.0`` ... ``theta.{n-1}``: ``theta.0`` multiplies the first
    feature (β_1 for ``fourier``, the constant 1 for ``polynomial``).

    >>> model = FeatureModel(fourier(3))
    >>> model(0.5).data
    0.0
    """

    def __init__(
        self,
        features: FeatureMap | Callable[[Any], Sequence[Operand]],
        n: int | None = None,
        *,
        seed: int | random.Random | None = None,
    ) -> None:
        if isinstance(features, FeatureMap):
            if n is not None and n != features.n:
                raise ValueError(
                    f"FeatureModel: n={n!r} contradicts {features.name}, which has {features.n}"
                )
            feature_map = features
        elif callable(features):
            if n is None:
                raise ValueError(
                    "FeatureModel: give n, the number of features, for a plain feature function"
                )
            feature_map = FeatureMap(_qualified_name(features), n, features)
        else:
            raise TypeError(
                f"FeatureModel: features must be a FeatureMap or a function, got {features!r}"
            )
        _check_features("FeatureModel", "n", feature_map.n)
        self.features = feature_map
        if seed is None:
            self.theta = [Parameter(0.0) for _ in range(feature_map.n)]
        else:
            rng = random_source(seed)
            self.theta = [Parameter(rng.uniform(-0.1, 0.1)) for _ in range(feature_map.n)]
        self._label_parameters()

    def __call__(self, x: Any) -> Value:
        return dot(self.theta, self.features(x))

    def architecture(self) -> dict[str, Any]:
        return {"type": "FeatureModel", "features": self.features.identity()}

    def __repr__(self) -> str:
        return f"FeatureModel({self.features.name}, n={self.features.n})"


def _check_features(where: str, what: str, count: int) -> None:
    """ValueError naming ``where`` if a feature map would have more than ``MAX_FEATURES``."""
    check_at_most(where, f"the number of features ({what})", count, MAX_FEATURES,
                  "MAX_FEATURES", "each feature is a node, and a FeatureModel weight, per call")


def _qualified_name(function: Callable[..., Any]) -> str:
    """``module.qualname`` of a function (of its class, for a callable object)."""
    owner = function if hasattr(function, "__qualname__") else type(function)
    module = getattr(owner, "__module__", None) or "?"
    return f"{module}.{getattr(owner, '__qualname__', type(function).__name__)}"
