"""The output convention: a model's one-element output ``[v]`` counts as its one number ``v``.

``MLP(2, [8, 1])`` returns a Value where ``Sequential(..., Linear(8, 1))`` returns ``[Value]``,
as PyTorch's ``Linear(8, 1)`` returns a tensor of shape (1,). Wherever one number per example
is expected (every loss but cross-entropy, ``fit`` and its accuracy, targets too), a list,
tuple or NumPy array holding exactly one item is read as that item. Cross-entropy takes a list
of class logits per example, so a one-element output there is one class, which is no
classification: it is refused.
"""

from __future__ import annotations

from typing import Any

from .sequences import as_list, is_sequence


def one_output(output: Any) -> Any:
    """``[v]``, ``(v,)`` or a one-element array as ``v``; anything else as it is."""
    kind = type(output)
    if kind is list or kind is tuple:
        return output[0] if len(output) == 1 else output
    if is_sequence(output):
        items = as_list(output, "one_output", "the output")
        return items[0] if len(items) == 1 else output
    return output


def one_output_each(outputs: list[Any]) -> list[Any]:
    """``one_output`` of each example's output (or target)."""
    return [one_output(output) for output in outputs]
