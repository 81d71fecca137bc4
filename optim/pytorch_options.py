"""PyTorch optimizer keywords the lecture's updates do not have: refused naming the keyword."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Mapping

# Each keyword PyTorch's optimizers take that ours do not, with what it would change.
UNSUPPORTED = {
    "nesterov": "Nesterov momentum",
    "dampening": "dampening of the momentum buffer",
    "centered": "centered RMSprop, which divides by an estimate of the variance",
    "amsgrad": "the AMSGrad variant, which keeps the running maximum of s",
    "momentum": "momentum inside RMSprop",
    "weight_decay": "weight decay inside RMSprop",
    "foreach": "PyTorch's multi-tensor implementation",
    "fused": "PyTorch's fused kernels",
    "capturable": "CUDA-graph capture",
    "differentiable": "differentiating through the optimizer step",
}


# PyTorch's own defaults for those keywords: given at these values they change nothing, so code
# copied from PyTorch that spells them out runs as it is.
NO_OP = {
    "nesterov": False,
    "dampening": 0,
    "centered": False,
    "amsgrad": False,
    "momentum": 0,
    "weight_decay": 0,
    "foreach": None,
    "fused": None,
    "capturable": False,
    "differentiable": False,
}


def _changes_nothing(name: str, value: object) -> bool:
    default = NO_OP[name]
    if default is None or isinstance(value, bool) or isinstance(default, bool):
        return value is default
    return type(value) in (int, float) and value == default


def refuse_pytorch_options(optimizer: type, options: Mapping[str, object], update: str) -> None:
    """Raise TypeError for any keyword in ``options``: the first is named with what it means.

    ``optimizer`` is the optimizer's class and ``update`` the lecture's update it performs, so
    the message says what happens instead:
    ``SGD: nesterov=True is not supported (Nesterov momentum); SGD's update is b ← μ b + g,
    θ ← θ − α b. Remove the keyword``. Another keyword gets Python's "unexpected keyword
    argument" with the nearest name and the keywords the optimizer takes. A keyword given at
    PyTorch's default (``nesterov=False``, ``foreach=None``) changes nothing and is accepted.
    """
    where = optimizer.__name__
    for name, value in options.items():
        if name in UNSUPPORTED and _changes_nothing(name, value):
            continue
        if name in UNSUPPORTED:
            raise TypeError(
                f"{where}: {name}={value!r} is not supported ({UNSUPPORTED[name]}); {where}'s "
                f"update is {update}. Remove the keyword"
            )
        takes = [
            parameter.name
            for parameter in inspect.signature(optimizer).parameters.values()
            if parameter.kind is not parameter.VAR_KEYWORD
        ]
        close = difflib.get_close_matches(name, [*takes, *UNSUPPORTED], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise TypeError(
            f"{where} got an unexpected keyword argument {name!r}{hint}; it takes "
            f"{', '.join(takes)}"
        )
