"""Neurons, layers and multi-layer perceptrons: h(x) = σ(W x + b), stacked as f(x) = h2(h1(x)).

Initialisation (scaled by fan-in ``nin``, the number of inputs of a neuron):

- ``"sigmoid"``, ``"tanh"``, ``"linear"``: weights uniform in [-1, 1] / sqrt(nin);
- ``"relu"`` and its smooth or leaky relatives (``"leaky_relu"``, ``"elu"``, ``"softplus"``,
  ``"gelu"``, ``"silu"``): He initialisation, weights uniform in [-sqrt(6 / nin), sqrt(6 / nin)];
- biases start at 0 (as in micrograd); the random weights already make neurons differ.

``seed`` is an int (the same int gives the same model), a ``random.Random`` (drawn from in
order, so one generator can seed a whole network), or None for a fresh random source.

Names in pictures follow the lecture's W⁽ˡ⁾ and b⁽ˡ⁾: in an MLP, weight i of neuron j of layer
l is labelled ``W{l}[j,i]`` and its bias ``b{l}[j]`` (``W1[0,1]``, ``b1[0]``; a lone Layer
drops the layer number, a lone Neuron writes ``w[i]`` and ``b``). The dotted names of
``named_parameters()`` and saved files (``layers.0.neurons.0.w.1``) are unchanged. A model call
turns plain numbers into one input leaf each, labelled ``x1``, ``x2``, ..., shared by every
neuron that reads it, so a picture shows each input once with its whole gradient.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Parameter, Value, dot
from autograd.value import Operand, is_real_number
from optim.checks import whole_number

from .limits import (
    MAX_LAYERS,
    MAX_MODEL_PARAMETERS,
    check_at_most,
    check_parameter_count,
    readable_count,
)
from .module import Module
from .sequences import ArrayLike, Example, as_example, as_list, is_sequence


def _identity(z: Value) -> Value:
    return z


ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "sigmoid": Value.sigmoid,  # the lecture's σ(z) = 1 / (1 + e^-z)
    "tanh": Value.tanh,
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,  # slope 0.01 for z < 0
    "elu": Value.elu,  # alpha = 1
    "softplus": Value.softplus,
    "gelu": Value.gelu,
    "silu": Value.silu,
    "linear": _identity,
}

# Activations that pass z > 0 on about as relu does: they get He initialisation.
RELU_LIKE = frozenset({"relu", "leaky_relu", "elu", "softplus", "gelu", "silu"})


def activation_function(name: str, where: str) -> Callable[[Value], Value]:
    """The activation called ``name``, or ValueError naming ``where`` and the valid names."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        valid = ", ".join(repr(n) for n in ACTIVATIONS)
        raise ValueError(f"{where}: unknown activation {name!r}; choose from {valid}")
    return ACTIVATIONS[name]


def random_source(seed: int | random.Random | None) -> random.Random:
    """A ``random.Random`` from an int seed, the generator itself, or a fresh one for None."""
    if seed is None:
        return random.Random()
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return random.Random(int(seed))
    raise TypeError(f"seed must be an int, a random.Random or None, got {type(seed).__name__}")


def _as_inputs(x: Example, nin: int, where: str) -> Sequence[Operand]:
    """``x`` as a sequence of ``nin`` inputs (a list, a tuple, a NumPy array); a lone number or
    Value counts as one input; a batch of examples is refused with an error that says so."""
    return as_example(x, nin, where)


def input_leaves(inputs: Sequence[Operand]) -> list[Operand]:
    """Each plain number of ``inputs`` as a leaf Value labelled ``x1``, ``x2``, ...; Values as is.

    One leaf per input, shared by every neuron that reads it: the graph then has one input
    node holding the whole gradient d loss/d x_i, instead of a constant per neuron.
    """
    return [
        Value(x, label=f"x{i}") if not isinstance(x, Value) and is_real_number(x) else x
        for i, x in enumerate(inputs, start=1)
    ]


class Neuron(Module):
    """One neuron: h(x) = σ(w · x + b), with weights ``w`` (a list) and bias ``b``.

    The weighted sum is one ``dot`` node, so the graph draws as the lecture writes it.

    >>> neuron = Neuron(2, activation="tanh", seed=0)
    >>> len(neuron.parameters())
    3
    """

    def __init__(
        self,
        nin: int,
        activation: str = "sigmoid",
        *,
        seed: int | random.Random | None = None,
    ) -> None:
        self.nin = whole_number(nin, "Neuron", "nin")
        check_parameter_count("Neuron", self.nin + 1, f"nin={readable_count(self.nin)}")
        self.activation = activation
        self._sigma = activation_function(activation, "Neuron")
        rng = random_source(seed)
        # He initialisation for relu and its relatives; uniform(-1, 1) / sqrt(nin) otherwise
        he = activation in RELU_LIKE
        bound = math.sqrt(6.0 / self.nin) if he else 1.0 / math.sqrt(self.nin)
        self.w = [Parameter(rng.uniform(-bound, bound)) for _ in range(self.nin)]
        self.b = Parameter(0.0)
        self._label_parameters()

    def __call__(self, x: Example) -> Value:
        return self._output(input_leaves(_as_inputs(x, self.nin, "Neuron")))

    def _output(self, inputs: Sequence[Operand]) -> Value:
        """σ(w · x + b) for inputs already checked (by the model that was called)."""
        return self._sigma(dot(self.w, inputs) + self.b)

    def _label_parameters(self, layer: str = "", unit: int | None = None) -> None:
        """``w[i]`` and ``b`` alone; ``W{layer}[unit,i]`` and ``b{layer}[unit]`` in a layer."""
        for i, weight in enumerate(self.w):
            weight.label = f"w[{i}]" if unit is None else f"W{layer}[{unit},{i}]"
        self.b.label = "b" if unit is None else f"b{layer}[{unit}]"

    def architecture(self) -> dict[str, Any]:
        return {"type": "Neuron", "nin": self.nin, "activation": self.activation}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs: h(x) = σ(W x + b), a list of Values."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "sigmoid",
        *,
        seed: int | random.Random | None = None,
    ) -> None:
        self.nin = whole_number(nin, "Layer", "nin")
        self.nout = whole_number(nout, "Layer", "nout")
        check_parameter_count(
            "Layer",
            self.nout * (self.nin + 1),
            f"nin={readable_count(self.nin)} and nout={readable_count(self.nout)}",
        )
        self.activation = activation
        activation_function(activation, "Layer")
        rng = random_source(seed)
        self.neurons = [Neuron(self.nin, activation, seed=rng) for _ in range(self.nout)]
        self._label_parameters()

    def __call__(self, x: Example) -> list[Value]:
        return self._output(input_leaves(_as_inputs(x, self.nin, "Layer")))

    def _output(self, inputs: Sequence[Operand]) -> list[Value]:
        """Each neuron's output for inputs already checked (by the model that was called)."""
        return [neuron._output(inputs) for neuron in self.neurons]

    def _label_parameters(self, layer: str = "") -> None:
        """``W{layer}[j,i]`` and ``b{layer}[j]`` for weight i and bias of neuron j."""
        for unit, neuron in enumerate(self.neurons):
            neuron._label_parameters(layer, unit)

    def architecture(self) -> dict[str, Any]:
        return {
            "type": "Layer",
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
        }

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron f(x) = h_L(... h_2(h_1(x))), each h(x) = σ(W x + b).

    **The hidden layers use the sigmoid by default** (``activation="sigmoid"``, the lecture's
    σ); micrograd and most PyTorch examples use relu, so pass ``activation="relu"`` (or
    ``"tanh"``) to match them. The output layer is linear unless ``output_activation`` says
    otherwise.

    ``sizes`` lists the number of neurons of each layer, the last being the number of outputs.
    Hidden layers use ``activation``; the last uses ``output_activation`` (None means
    ``"linear"``, as for regression). With one output the MLP returns a single Value (as
    micrograd does); with more it returns a list of Values. For one input, ``x`` may be a
    lone number or Value instead of a one-element list.

    >>> model = MLP(2, [4, 1], activation="tanh", seed=0)
    >>> len(model.parameters())  # (2 + 1) * 4 + (4 + 1) * 1
    17
    >>> type(model([0.5, -1.0])).__name__
    'Value'
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int] | ArrayLike,
        activation: str = "sigmoid",
        output_activation: str | None = None,
        seed: int | random.Random | None = None,
    ) -> None:
        self.nin = whole_number(nin, "MLP", "nin")
        if is_sequence(sizes):
            sizes = as_list(sizes, "MLP", "sizes")  # a tuple or a NumPy array of sizes too
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
            raise ValueError(f"MLP: sizes must be a non-empty list of layer sizes, got {sizes!r}")
        check_at_most("MLP", "the number of layers (len(sizes))", len(sizes), MAX_LAYERS,
                      "MAX_LAYERS", "each layer is a Python loop of its own, every call")
        self.sizes = [whole_number(size, "MLP", "each layer size") for size in sizes]
        fan_ins = [self.nin, *self.sizes[:-1]]
        for fan_in, size in zip(fan_ins, self.sizes, strict=True):  # each layer's own limit first
            check_parameter_count(
                "Layer", size * (fan_in + 1),
                f"nin={readable_count(fan_in)} and nout={readable_count(size)}",
            )
        total = sum((fan_in + 1) * size for fan_in, size in zip(fan_ins, self.sizes, strict=True))
        check_at_most("MLP", "the number of parameters (all layers)", total,
                      MAX_MODEL_PARAMETERS, "MAX_MODEL_PARAMETERS",
                      "each is a Python object, stepped one by one")
        self.activation = activation
        self.output_activation = "linear" if output_activation is None else output_activation
        activation_function(self.activation, "MLP")
        activation_function(self.output_activation, "MLP")
        rng = random_source(seed)
        fan_ins = [self.nin, *self.sizes[:-1]]
        last = len(self.sizes) - 1
        self.layers = [
            Layer(
                fan_in,
                size,
                self.output_activation if i == last else self.activation,
                seed=rng,
            )
            for i, (fan_in, size) in enumerate(zip(fan_ins, self.sizes, strict=True))
        ]
        self._label_parameters()

    def __call__(self, x: Example) -> Value | list[Value]:
        values = self.layers[0]._output(input_leaves(_as_inputs(x, self.nin, "MLP")))
        for layer in self.layers[1:]:
            values = layer._output(values)
        return values[0] if len(values) == 1 else values

    def _label_parameters(self) -> None:
        """Layer l (counting from 1, as the lecture's W⁽¹⁾) labels ``W{l}[j,i]``, ``b{l}[j]``."""
        for number, layer in enumerate(self.layers, start=1):
            layer._label_parameters(str(number))

    def architecture(self) -> dict[str, Any]:
        return {
            "type": "MLP",
            "nin": self.nin,
            "sizes": list(self.sizes),
            "activation": self.activation,
            "output_activation": self.output_activation,
        }

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.sizes}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r})"
        )
