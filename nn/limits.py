"""The largest layers this scalar engine builds: sizes past these limits are refused up front.

Every parameter is a Python object that each step visits one by one, so a layer of millions
of them takes minutes to make and more to train: ``Conv2d(1, 1, 10**9)`` would never finish.
The constructors check their sizes against these limits before making anything, and raise a
ValueError naming the arguments and the limit: a layer's parameters, a whole MLP's parameters
and layers, a feature map's features, and the samples of the data makers.
"""

from __future__ import annotations

import math

# The most parameters (weights and biases) one layer may have.
MAX_PARAMETERS = 1_000_000
# The most parameters a model built at once (an ``MLP``) may have, all its layers together.
MAX_MODEL_PARAMETERS = 2_000_000
# The most layers an ``MLP`` may have.
MAX_LAYERS = 1_000
# The most features a feature map (``polynomial``, ``fourier``, a ``FeatureModel``) may have.
MAX_FEATURES = 1_000_000
# The most samples a data maker (``make_moons``, ``noisy_sine``) makes at once.
MAX_SAMPLES = 1_000_000
# The most zeros ``Conv2d`` may pad each side with: the output grows with the padding, and
# past the kernel's size the extra outputs see nothing but zeros.
MAX_PADDING = 100


def check_parameter_count(where: str, count: int, sizes: str) -> None:
    """ValueError naming ``where`` and ``sizes`` (how the count arises) if ``count`` is too many."""
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{where}: {sizes} makes {readable_count(count)} parameters, more than the "
            f"{MAX_PARAMETERS:,} a layer may have (nn.limits.MAX_PARAMETERS: each is a Python "
            f"object, stepped one by one)"
        )


def check_at_most(where: str, what: str, value: int, limit: int, name: str, why: str) -> None:
    """ValueError naming ``where``, ``what`` and the limit (``nn.limits.{name}``) if ``value``
    is past ``limit``; ``why`` says why the limit is there."""
    if value > limit:
        raise ValueError(
            f"{where}: {what} is {readable_count(value)}, more than the {limit:,} allowed "
            f"(nn.limits.{name}: {why})"
        )


def check_padding(where: str, padding: tuple[int, int]) -> None:
    """ValueError naming ``where`` if either side's padding is past ``MAX_PADDING``."""
    if max(padding) > MAX_PADDING:
        raise ValueError(
            f"{where}: padding must be at most {MAX_PADDING} (nn.limits.MAX_PADDING: the "
            f"output grows with it, and past the kernel's size only by outputs that see zeros "
            f"alone), got {readable_count(max(padding))}"
        )


def readable_count(n: int) -> str:
    """``9,000,000,000``, or ``about 10^18`` for a number too long to read digit by digit."""
    if n < 10**15:
        return f"{n:,}"
    return f"about 10^{math.floor(math.log10(n))}"
