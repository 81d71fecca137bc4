"""The layers of a model, found by walking its sub-modules and named as ``named_parameters()`` does.

A *layer* is a sub-module that does one step of the forward pass: an ``nn.Layer`` (its neurons
are its inside), a module that holds Parameters itself (a linear or convolution layer), or a
module with no sub-modules at all (an activation, dropout, pooling or flattening module).
Anything else is a container (an ``MLP``, a sequence of modules, a model of your own made of
layers) and is looked into. So ``MLP(2, [16, 16, 1])`` has the layers ``layers.0``,
``layers.1`` and ``layers.2``, and a model ``net = Seq(conv, relu, pool)`` stored as
``self.net`` has ``net.layers.0`` and so on, whatever the containers are called.
"""

from __future__ import annotations

from autograd import Parameter

from .layers import Layer, Neuron
from .module import Module


def _sub_modules(module: Module) -> list[tuple[str, Module]]:
    return [(name, m) for name, m in module._members() if isinstance(m, Module)]


def _holds_parameters(module: Module) -> bool:
    return any(isinstance(member, Parameter) for _, member in module._members())


def is_layer(module: Module) -> bool:
    """True for a module that is one layer of a network rather than a container of layers."""
    if isinstance(module, (Layer, Neuron)):
        return True
    return _holds_parameters(module) or not _sub_modules(module)


def named_layers(model: Module) -> list[tuple[str, Module]]:
    """The layers of ``model`` in attribute order (the order of ``named_parameters()``), by name.

    ``model`` itself is looked into even when it is a single layer with sub-modules (a
    ``Layer`` gives its neurons); a model without sub-modules has no layers.
    """
    found: list[tuple[str, Module]] = []
    seen: set[int] = {id(model)}
    stack: list[tuple[str, Module]] = list(reversed(_sub_modules(model)))
    while stack:  # iterative, depth first, in attribute order
        name, module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        if is_layer(module):
            found.append((name, module))
        else:
            children = [(f"{name}.{child}", m) for child, m in _sub_modules(module)]
            stack.extend(reversed(children))
    return found


def layer_parameters(model: Module) -> dict[str, list[Parameter]]:
    """The Parameters of ``model`` grouped by layer: ``{"layers.0": [...], "layers.1": [...]}``.

    A Parameter stored directly on ``model`` or on a container (``FeatureModel``'s ``theta``)
    is grouped under its attribute's name (``"theta"``). Layers without Parameters (an
    activation module) are left out. Every Parameter is in exactly one group; the groups follow
    the order of ``named_parameters()``.
    """
    layer_names = {id(module): name for name, module in named_layers(model)}
    prefixes = sorted(layer_names.values(), key=len, reverse=True)
    groups: dict[str, list[Parameter]] = {}
    for name, parameter in model.named_parameters():
        group = next((p for p in prefixes if name.startswith(p + ".")), None)
        if group is None:  # stored on a container: group it under its attribute
            parts = name.split(".")
            group = ".".join(parts[:-1]) if parts[-1].isdigit() else name
        groups.setdefault(group, []).append(parameter)
    return groups
