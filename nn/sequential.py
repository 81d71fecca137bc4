"""``Sequential``: modules applied one after another, f(x) = m_n(... m_2(m_1(x))), as in PyTorch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autograd import Parameter

from .module import Module
from .sequences import ListLike, as_list


class Sequential(Module):
    """The output of each module is the input of the next.

    Members are named by position as in PyTorch, so ``model[0]`` is the first and its
    parameters are named ``0.weight.…``. ``forward_batch`` passes the whole batch through each
    member's ``forward_batch``, so batch norm inside sees the batch.

    >>> from nn import Conv2d, Flatten, Linear, MaxPool2d, ReLU
    >>> model = Sequential(Conv2d(1, 4, 3, seed=0), ReLU(), MaxPool2d(2), Flatten(),
    ...                    Linear(4 * 3 * 3, 10, seed=1))
    >>> len(model(digit := [[[0.0] * 8 for _ in range(8)]]))
    10
    """

    def __init__(self, *modules: Module) -> None:
        for position, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"Sequential: member {position} must be an nn.Module, got "
                    f"{type(module).__name__} {module!r}"
                )
        self.layers = list(modules)
        self._label_parameters()
        self._number_nodes()

    def _number_nodes(self) -> None:
        """Two or more members of one kind that name their nodes (convolutions' ``y[o,r,c]``,
        batch norms' ``μ``) number them from 1, so each name in a picture is one node's."""
        kinds: dict[type, list[Any]] = {}
        for module in self.layers:
            if callable(getattr(module, "number_nodes", None)):
                kinds.setdefault(type(module), []).append(module)
        for members in kinds.values():
            if len(members) > 1:
                for number, module in enumerate(members, start=1):
                    module.number_nodes(number)

    def _members(self) -> Iterator[tuple[str, Parameter | Module]]:
        for position, module in enumerate(self.layers):
            yield str(position), module

    def __call__(self, x: Any) -> Any:
        for module in self.layers:
            x = module(x)
        return x

    def forward_batch(self, xs: ListLike) -> list[Any]:
        batch = as_list(xs, "Sequential.forward_batch", "xs (the examples)")
        for module in self.layers:
            batch = module.forward_batch(batch)
        return batch

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def architecture(self) -> dict[str, Any]:
        return {"type": "Sequential", "modules": [m.architecture() for m in self.layers]}

    def __repr__(self) -> str:
        if not self.layers:
            return "Sequential()"
        lines = [f"  ({i}): {module!r}".replace("\n", "\n  ") for i, module in enumerate(self)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"
