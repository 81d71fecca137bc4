"""``Module``: the base of every model, which finds, names, resets, saves and loads its parameters.

A Module's parameters are the ``autograd.Parameter`` values stored on it, found by looking at
its attributes in the order they were set in ``__init__`` (so the order is deterministic):

- an attribute holding a Parameter is named after the attribute: ``b``;
- a list or tuple of Parameters is named by position, counting from 0: ``w.0``, ``w.1``;
  a nested list by each position in turn: ``weight.2.0.1.1`` is ``weight[2][0][1][1]``;
- a sub-Module (or a list of them) adds its own names after a dot:
  ``layers.0.neurons.3.w.1`` is weight 1 of neuron 3 of layer 0 of an MLP.

Attributes whose names start with ``_`` are private and never searched. A Parameter stored
twice (shared weights) is listed once, under the first name it is found by.

Buffers are numbers a module keeps and saves but does not learn, such as batch norm's running
statistics: a subclass lists their attribute names in ``buffer_names``, each holding a number
or a list of numbers, and ``state_dict()`` holds them after the parameters
(``1.running_mean.0``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from os import PathLike
from typing import Any

from autograd import Parameter, Value, no_grad
from autograd.value import describe_number, is_real_number

from . import serialization
from .errors import StateDictError
from .sequences import ListLike, as_list

__all__ = ["Module", "StateDictError", "checked_state"]


class Module:
    """A model made of Parameters and sub-Modules, in the spirit of ``torch.nn.Module``.

    Subclasses store their Parameters and sub-Modules as attributes, and describe their
    shape in ``architecture()`` so that a saved file can be matched to the model it came from.

    ``training`` is True after construction; ``eval()`` switches it off for this module and
    every sub-module (``Dropout`` then passes its input through), ``train()`` switches it on.
    """

    training: bool = True
    buffer_names: tuple[str, ...] = ()  # attributes saved with the parameters, never learned

    # ---- the forward pass ----------------------------------------------------------------

    def forward_batch(self, xs: ListLike) -> list[Any]:
        """The outputs for a batch of examples, ``[self(x) for x in xs]``.

        Modules that need the whole batch at once (batch norm) override this; ``fit`` calls it
        on each batch, and ``Sequential`` passes the batch from one member to the next.
        """
        examples = as_list(xs, f"{type(self).__name__}.forward_batch", "xs (the examples)")
        return [self(x) for x in examples]

    # ---- calling the model -----------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``model(x)``: the model's output for one example. Subclasses define ``__call__``
        (as ``nn``'s models do) or ``forward`` (as in PyTorch); either one is enough."""
        if type(self).forward is Module.forward:
            raise NotImplementedError(
                f"{type(self).__name__}: define forward(x) (or __call__) to compute the output"
            )
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The same as calling the model, ``model(x)``, as in PyTorch."""
        if type(self).__call__ is Module.__call__:
            raise NotImplementedError(
                f"{type(self).__name__}: define forward(x) (or __call__) to compute the output"
            )
        return self(*args, **kwargs)

    def predict(self, xs: ListLike) -> list[Any]:
        """The outputs for many examples, as numbers: ``[model(x) for x in xs]`` read as floats.

        ``xs`` is a list (or a tuple, or a NumPy array) of examples. Each output is a float (a
        list of floats for a model with several outputs). Nothing is recorded in the graph
        (``no_grad``), and the model runs in evaluation mode (``Dropout`` off); its training
        mode is restored afterwards.
        """
        examples = as_list(xs, f"{type(self).__name__}.predict", "xs")
        modes = [(module, module.training) for module in self.modules()]
        self.eval()
        try:
            with no_grad():
                return [_as_numbers(self(x)) for x in examples]
        finally:
            for module, mode in modes:
                module.training = mode

    # ---- finding parameters --------------------------------------------------------------

    def _members(self) -> Iterator[tuple[str, Parameter | Module]]:
        """The Parameters and sub-Modules stored on this module, by name, in attribute order."""
        for attribute, value in vars(self).items():
            if attribute.startswith("_"):
                continue
            yield from _found_in(attribute, value)

    def modules(self) -> list[Module]:
        """This module and every sub-module, each once, parents before their children."""
        found: list[Module] = []
        seen: set[int] = set()
        stack: list[Module] = [self]
        while stack:  # iterative, depth first, in attribute order
            module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            found.append(module)
            children = [m for _, m in module._members() if isinstance(m, Module)]
            stack.extend(reversed(children))
        return found

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """Every Parameter with its dotted name (see the module docstring), each once, in order."""
        named: list[tuple[str, Parameter]] = []
        seen_parameters: set[Parameter] = set()
        seen_modules: set[int] = {id(self)}
        # An explicit stack of (prefix, member iterator): no recursion, attribute order kept.
        stack: list[tuple[str, Iterator[tuple[str, Parameter | Module]]]] = [
            ("", self._members())
        ]
        while stack:
            prefix, members = stack[-1]
            for name, member in members:
                if isinstance(member, Parameter):
                    if member not in seen_parameters:
                        seen_parameters.add(member)
                        named.append((prefix + name, member))
                elif id(member) not in seen_modules:
                    seen_modules.add(id(member))
                    stack.append((f"{prefix}{name}.", member._members()))
                    break
            else:
                stack.pop()
        return named

    def named_modules(self) -> list[tuple[str, Module]]:
        """This module (named ``""``) and every sub-module with its dotted name, each once."""
        found: list[tuple[str, Module]] = []
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [("", self)]
        while stack:  # iterative, depth first, in attribute order, as modules()
            prefix, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            found.append((prefix, module))
            children = [
                (f"{prefix}{name}.", member)
                for name, member in module._members()
                if isinstance(member, Module)
            ]
            stack.extend(reversed(children))
        return [(prefix.removesuffix("."), module) for prefix, module in found]

    def named_buffers(self) -> list[tuple[str, float]]:
        """Every buffer number (see ``buffer_names``) with its dotted name, in module order."""
        return [(name, value) for name, _, _, value in self._buffer_slots()]

    def _buffer_slots(self) -> list[tuple[str, Module, str, float]]:
        """(dotted name, owning module, attribute, number) for every buffer number."""
        slots: list[tuple[str, Module, str, float]] = []
        for prefix, module in self.named_modules():
            dotted = f"{prefix}." if prefix else ""
            for attribute in module.buffer_names:
                value = getattr(module, attribute)
                if isinstance(value, list):
                    slots += [
                        (f"{dotted}{attribute}.{i}", module, attribute, float(v))
                        for i, v in enumerate(value)
                    ]
                else:
                    slots.append((f"{dotted}{attribute}", module, attribute, float(value)))
        return slots

    def check_buffer(self, attribute: str, value: float) -> str | None:
        """Why ``value`` cannot be loaded into buffer ``attribute``, or None if it can.

        Subclasses with buffers say what a valid value is (batch norm: a variance >= 0).
        """
        return None

    def _set_buffers(self, values: Sequence[float]) -> None:
        """Assign buffer numbers in the order of ``named_buffers()``."""
        position = 0
        for _, module in self.named_modules():
            for attribute in module.buffer_names:
                value = getattr(module, attribute)
                if isinstance(value, list):
                    n = len(value)
                    setattr(module, attribute, [float(v) for v in values[position:position + n]])
                    position += n
                else:
                    setattr(module, attribute, type(value)(values[position]))
                    position += 1

    def parameters(self) -> list[Parameter]:
        """Every Parameter of the model, each once, in the order of ``named_parameters()``."""
        return [parameter for _, parameter in self.named_parameters()]

    def _label_parameters(self) -> None:
        """Label each Parameter with its dotted name, so pictures name it (``encoder.b``).

        Layers override this with shorter labels in the lecture's notation (``W1[0,1]``).
        """
        for name, parameter in self.named_parameters():
            parameter.label = name

    # ---- training ------------------------------------------------------------------------

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (leaves accumulate gradients across passes)."""
        for parameter in self.parameters():
            parameter.grad = 0.0

    def train(self, mode: bool = True) -> Module:
        """Switch training mode on (or off with ``mode=False``) here and in every sub-module."""
        for module in self.modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Switch training mode off here and in every sub-module: the same as ``train(False)``."""
        return self.train(False)

    # ---- state -----------------------------------------------------------------------------

    def architecture(self) -> dict[str, Any]:
        """What the model looks like, as JSON-ready data: its type and its constructor's sizes.

        Subclasses add the arguments that fix their shape (``MLP`` adds ``nin``, ``sizes`` and
        the activations). A file saved from one architecture is refused by another.
        """
        return {"type": type(self).__name__}

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by name, in the order of ``named_parameters()``, then the
        buffers (batch norm's running statistics) in the order of ``named_buffers()``."""
        state = {name: parameter.data for name, parameter in self.named_parameters()}
        state.update(self.named_buffers())
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state`` (as made by ``state_dict()``).

        All of ``state`` is checked before anything is assigned: the names must be exactly
        this model's, and every value a finite real number. Otherwise ``StateDictError`` (a
        ValueError) names the problem and the model is left exactly as it was.
        """
        values = checked_state(self, state)
        parameters = self.named_parameters()
        for (_, parameter), value in zip(parameters, values, strict=False):
            parameter.data = value
        self._set_buffers(values[len(parameters):])

    def save(self, path: str | PathLike[str]) -> None:
        """Write the architecture and parameters to ``path`` as JSON, atomically.

        See ``nn.serialization.save``: a failed save leaves any existing file untouched.
        """
        serialization.save(self, path)

    def load(self, path: str | PathLike[str]) -> Module:
        """Load parameters saved by ``save()`` into this model, and return it.

        The file must come from the same architecture; a bad file raises ``ModelFileError``
        (a ValueError naming the file and the problem) and leaves the model unchanged.
        """
        serialization.load(self, path)
        return self


def checked_state(module: Module, state: Mapping[str, Any]) -> list[float]:
    """``state``'s values as floats in ``module``'s parameter order, or ``StateDictError``."""
    if not isinstance(state, Mapping):
        raise StateDictError(
            f"load_state_dict: expected a mapping of names to numbers, got {type(state).__name__}"
        )
    names = [name for name, _ in module.named_parameters()]
    buffers = module._buffer_slots()
    names += [name for name, _, _, _ in buffers]
    expected = set(names)
    missing = [name for name in names if name not in state]
    unexpected = [key for key in state if key not in expected]
    if missing or unexpected:
        problems = []
        if missing:
            problems.append(f"missing {_listing(missing)}")
        if unexpected:
            problems.append(f"unexpected {_listing(unexpected)}")
        raise StateDictError(
            f"load_state_dict: the names do not match this {type(module).__name__} "
            f"({len(names)} entries, {len(state)} given): {'; '.join(problems)}"
        )
    values = []
    for name in names:
        value = state[name]
        if not is_real_number(value):
            raise StateDictError(
                f"load_state_dict: {name!r} must be a number, got {type(value).__name__} "
                f"{describe_number(value)}"
            )
        try:
            number = float(value)
        except OverflowError:
            raise StateDictError(
                f"load_state_dict: {name!r} is too large for a float: {describe_number(value)}"
            ) from None
        if not math.isfinite(number):
            raise StateDictError(
                f"load_state_dict: {name!r} must be finite, got {describe_number(value)}"
            )
        values.append(number)
    first_buffer = len(names) - len(buffers)
    for (name, owner, attribute, _), number in zip(buffers, values[first_buffer:], strict=True):
        problem = owner.check_buffer(attribute, number)
        if problem is not None:
            raise StateDictError(f"load_state_dict: {name!r} {problem}, got {state[name]!r}")
    return values


def _found_in(name: str, value: Any) -> Iterator[tuple[str, Parameter | Module]]:
    """The Parameters and Modules in ``value``, looking inside (nested) lists and tuples."""
    if isinstance(value, (Parameter, Module)):
        yield name, value
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _found_in(f"{name}.{index}", item)


def _as_numbers(output: Any) -> Any:
    """A model's output with every Value replaced by its float ``.data``."""
    if isinstance(output, Value):
        return output.data
    if isinstance(output, (list, tuple)):
        return [_as_numbers(item) for item in output]
    return output


def _listing(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(describe_number(name) for name in names[:limit])
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return shown + more
