"""``compile(f)``: trace a scalar function once, then run it as generated straight-line Python.

The first call runs ``f`` on stand-in inputs and records its graph (``tracing``); ``codegen``
writes that graph out as a Python function computing the value and then every gradient, one
line per node. Later calls run that function on plain floats: no Value
objects, no graph walk. ``source`` shows the code, chain-rule factors in its comments.

Batched calls (any argument a list or NumPy array of n numbers) run the graph rolled into
arrays (``rolling``: one NumPy line per group of like nodes, a layer one matrix product; see
``array_source`` and ``groups``); where it does not roll, or the arrays meet an error, a NaN or
an infinity, they run the same code as per-point calls with every node a NumPy operation over
the n examples. NumPy is needed only there and is imported there; the rest is standard library.

The rule for functions whose graph depends on the data: compiling **refuses** them at trace
time. A traced function that reads a value computed from its inputs (``.data``, ``float()``,
``bool()``, comparisons, ``.item()``) gets a ``DataDependenceError`` (a ValueError) naming the
read, so a compiled function can never silently return the answer of another branch. Write such
choices with ops (``relu``, ``abs``) instead.

Numbers behave as in the eager engine: whenever the compiled code meets an error, a NaN or an
infinity, the call is computed again by running ``f`` on Values, which gives the engine's own
values, gradients and error messages. A batch is checked at every node (NumPy's floating-point
errors raise) and, if any node overflows or leaves a domain, is computed point by point.

What ``f`` uses besides its arguments: a ``Parameter`` it closes over (a model's weight) is live,
an extra input of the generated code read afresh at each call, so training it with an
optimizer works (``c.backward(*xs)`` adds its gradient into ``.grad``); reading its value in
``f`` (``w.data``, ``float(w)``, ``w > 0``) is refused like a read of an input. Any other number
``f`` reads is a constant, its value at the trace baked into the code: a plain ``Value`` it
closes over, batch norm's running statistics in eval mode. Compile again after changing one.

Only the nodes the output depends on are computed: a node ``f`` makes but does not use is not
in the code, so an error it would raise in the eager engine (``x.log()`` of a negative ``x``)
is not raised by the compiled function.
"""

from __future__ import annotations

import builtins
import inspect
import math
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import countOf, is_not
from typing import Any

from ..functional import gradients as gradients_of
from ..graph.groups import NodeGroup, group_like_nodes, renamed
from ..graph.layer_view import layer_view
from ..value import Parameter, Value, as_float, is_real_number
from .codegen import generate, load
from .rolling import RolledProgram, call_rolled, roll
from .tracing import DataDependenceError, Trace, input_node, trace

__all__ = ["CompiledFunction", "DataDependenceError", "compile"]

# Points tried when ``source`` is asked for before any call (the code does not depend on them,
# but tracing runs the ops, and some inputs are outside their domains).
_TRACE_POINTS = (1.0, 0.5, 2.0, 0.25, 3.0, -0.5, -1.0)

# The largest graph written out node by node: code for more nodes costs more (time and memory)
# than running the graph in the engine many times over. Larger graphs that roll into groups
# (``rolling``) still run batched; per-point calls and ``source`` of them are refused.
MAX_COMPILED_NODES = 100_000


def compile(function: Callable[..., Value]) -> CompiledFunction:
    """Compile ``function`` (k scalar Values in, one Value out) into straight-line Python.

    >>> import autograd
    >>> def f(x, y):
    ...     return x * y + x.sin()
    >>> c = autograd.compile(f)
    >>> c(2.0, 3.0) == 6.0 + math.sin(2.0)
    True
    >>> value, (dx, dy) = c.value_and_grad(2.0, 3.0)
    >>> dy
    2.0

    ``c(*xs)`` is the value, ``c.value_and_grad(*xs)`` the value and the gradients as floats,
    ``c.source`` the generated code. Any argument may be a list or NumPy array of n numbers
    instead (see ``CompiledFunction.value_and_grad``). ``function`` must build the same graph
    for every input; one that reads its values raises ``DataDependenceError`` when traced.

    A ``Parameter`` that ``function`` closes over is read at each call, never baked in, and
    ``c.backward(*xs)`` adds its gradient into its ``.grad`` as ``loss.backward()`` would
    (summed over a batch), so ``optimizer.zero_grad(); c.backward(x, y); optimizer.step()``
    trains it; ``function`` may not read its value (``w.data``, ``float(w)``, ``w > 0``: a
    ``DataDependenceError`` when traced). Every other number it reads is a constant, its value
    when the function was traced: a plain ``Value`` it closes over (not a Parameter), batch
    norm's running statistics in eval mode. Compile again after changing one.

    Nodes the output does not depend on are not computed, so an error one of them would raise
    eagerly (an unused ``x.log()`` of a negative ``x``) is not raised.
    """
    if not callable(function):
        raise TypeError(f"compile: expected a function, got {type(function).__name__} {function!r}")
    return CompiledFunction(function)


class CompiledFunction:
    """A function of k numbers, traced once and run as generated Python. See ``compile``."""

    def __init__(self, function: Callable[..., Value]) -> None:
        self.function = function
        self.name = getattr(function, "__name__", type(function).__name__)
        self._arity, self._names = _parameters(function)
        self._trace: Trace | None = None
        self._programs: dict[tuple[bool, bool], Callable[..., Any]] = {}
        self._sources: dict[tuple[bool, bool], str] = {}
        self._closed: tuple[Parameter, ...] = ()  # Parameters the function closes over
        self._fast: Callable[..., Any] | None = None  # value_and_grad on floats, once built
        self._fast_value: Callable[..., Any] | None = None  # the value alone, on floats
        # rolled programs by (which arguments are batched, gradients?); None: not rollable
        self._rolled: dict[tuple[tuple[bool, ...], bool], RolledProgram | None] = {}
        # how the last batched call ran: "rolled" (one NumPy line per group of like nodes),
        # "node by node" (one NumPy line per node) or "point by point" (n separate calls, after
        # an error, a NaN or an infinity); None before any
        self.last_batch: str | None = None

    def __repr__(self) -> str:
        return f"<compiled {self.name}({', '.join(self._names or ['...'])})>"

    # ---- calling ------------------------------------------------------------------------

    def __call__(self, *xs: Any) -> Any:
        """The value f(*xs): a float, or a NumPy array of n values if any argument is batched."""
        fast = self._fast_value
        if fast is not None and len(xs) == self._arity and countOf(map(type, xs), float) == len(xs):
            try:
                value, _ = fast(*xs)
            except (ArithmeticError, ValueError):
                return self._eager(list(xs), False)[0]
            if math.isfinite(value + builtins.sum(xs)):
                return value
            return self._eager(list(xs), False)[0]
        numbers, n, ready = self._checked(xs)
        if n is None:
            return self._scalar(numbers, gradients=False)[0]
        return self._batched(numbers, n, False, ready)[0]

    def value_and_grad(self, *xs: Any) -> tuple[Any, tuple[Any, ...]]:
        """``(f, (∂f/∂x1, ..., ∂f/∂xk))`` at ``xs``.

        With scalar arguments these are floats. If some arguments are batched (lists or NumPy
        arrays of n numbers), f is a NumPy array of the n values, the gradient of a batched
        argument is the array of its n per-example gradients, and the gradient of a scalar
        argument is summed over the batch (data batched, parameters shared, as a training step
        needs): the same as n separate calls, to 1e-12 relative. (Every node runs as a NumPy
        operation; NumPy's exp and tanh may differ from ``math``'s in the last bit, so where a
        formula subtracts nearly equal numbers, such as 1 − tanh² near ±1, the agreement is
        1e-12 of the size of the terms.) A batch in which any node overflows, divides by zero
        or leaves its domain, or that gives a NaN or an infinity, is computed as n separate
        calls, so it raises or returns exactly what they would.

        The gradients are the arguments'. The Parameters ``f`` closes over are read at each
        call; ``backward`` adds their gradients into their ``.grad``.
        """
        fast = self._fast
        if fast is not None and len(xs) == self._arity and countOf(map(type, xs), float) == len(xs):
            # floats only, the program built: the hot path of a training loop, kept short
            try:
                value, grads = fast(*xs)
            except (ArithmeticError, ValueError):
                return self._eager(list(xs), True)
            if math.isfinite(value + builtins.sum(grads) + builtins.sum(xs)):
                return value, grads
            return self._eager(list(xs), True)
        numbers, n, ready = self._checked(xs)
        if n is None:
            value, grads = self._scalar(numbers, gradients=True)
        else:
            value, grads = self._batched(numbers, n, True, ready)
        return value, grads if len(grads) == len(numbers) else grads[: len(numbers)]

    def backward(self, *xs: Any) -> Any:
        """The value f(*xs), after adding ∂f/∂p into ``p.grad`` for each Parameter p it uses.

        As ``f(*Values).backward()`` would for the Parameters ``f`` closes over (a model's
        weights): gradients accumulate, so zero them between steps (``optimizer.zero_grad()``).
        With batched arguments the value is the array of n values and each Parameter gets the
        gradient of their sum. The arguments get no gradient (``value_and_grad`` gives those).
        On an error nothing is added.
        """
        numbers, n, ready = self._checked(xs)
        if n is None:
            value, grads = self._scalar(numbers, gradients=True)
        else:
            value, grads = self._batched(numbers, n, True, ready)
        for parameter, gradient in zip(self._closed, grads[len(numbers):], strict=True):
            parameter.grad += gradient
        return value

    @property
    def source(self) -> str:
        """The generated Python source of ``value_and_grad`` on floats (traces if needed)."""
        return self._source(batched=False)

    @property
    def numpy_source(self) -> str:
        """The generated source of the batched version, every node a NumPy operation."""
        return self._source(batched=True)

    @property
    def groups(self) -> list[NodeGroup]:
        """The groups of like nodes (name, op, shape, ...) the batched program runs as arrays."""
        graph = self._traced_for_reading()
        arguments = graph.inputs[: len(graph.inputs) - len(self._closed)]  # as array_source
        return renamed(group_like_nodes(list(graph.order), arguments), _layer_names(graph))

    @property
    def array_source(self) -> str:
        """The batched program rolled into arrays: one NumPy line per group of like nodes."""
        graph = self._traced_for_reading()
        # for reading, the Parameters stay what they are in the graph: arrays W1, b1 read from
        # them (``p.data``) at each call, their gradients returned third; batched calls run the
        # same lines with them passed in after the arguments (see ``_batched``)
        arguments = graph.inputs[: len(graph.inputs) - len(self._closed)]
        own = Trace(arguments, graph.output, graph.extras, graph.order, graph.constants)
        return roll(
            own, self._names or [], (True,) * len(arguments), _numpy(), True,
            self.name if self.name.isidentifier() else "f", parameters=True,
            names=_layer_names(graph),
        ).source

    def _traced_for_reading(self) -> Trace:
        """The trace, made if needed (as ``source`` makes it), without generating code."""
        if self._arity is None:
            self._source(batched=False)  # says why it cannot
        return self._traced(None)

    # ---- argument checks ----------------------------------------------------------------

    def _checked(self, xs: tuple[Any, ...]) -> tuple[list[Any], int | None, bool]:
        """The arguments as floats (or lists of floats), n if any is batched, and whether the
        batched ones are 1-D float64 arrays already (nothing to convert)."""
        if len(xs) == self._arity:
            types = list(map(type, xs))
            floats = countOf(types, float)
            if floats == len(xs):
                return list(xs), None, False  # the common case, checked at C speed
            length = _ready_batch(xs, types, floats)
            if length is not None:
                return list(xs), length, True  # floats and 1-D float arrays: a training step
        if self._arity is not None and len(xs) != self._arity:
            raise TypeError(
                f"{self.name}() takes {self._arity} argument{'s' * (self._arity != 1)} "
                f"({', '.join(self._names or [])}), got {len(xs)}"
            )
        numbers: list[Any] = []
        n: int | None = None
        first_batched = ""
        for position, x in enumerate(xs):
            if type(x) is float:
                numbers.append(x)
                continue
            name = self._argument_name(position)
            if is_real_number(x):
                numbers.append(float(x))
                continue
            if getattr(x, "ndim", None) == 0 and hasattr(x, "dtype"):
                numbers.append(_scalar_array(x, name, self.name))
                continue
            batch = _batch(x, name, self.name)
            if n is not None and len(batch) != n:
                raise ValueError(
                    f"{self.name}: batched arguments differ in length: {first_batched} has {n} "
                    f"numbers, {name} has {len(batch)}"
                )
            if n is None:
                n, first_batched = len(batch), name
            numbers.append(batch)
        if self._arity is None:
            self._arity = len(xs)
            self._names = [f"x{i + 1}" for i in range(len(xs))]
        return numbers, n, False

    def _argument_name(self, position: int) -> str:
        if self._names is not None and position < len(self._names):
            return f"argument {self._names[position]!r} (position {position + 1})"
        return f"argument {position + 1}"

    # ---- tracing and code -----------------------------------------------------------------

    def _traced(self, point: Sequence[float] | None) -> Trace:
        if self._trace is not None:
            return self._trace
        names = self._names or []
        points = [list(point)] if point is not None else [
            [p * (1.0 + step * i) for i in range(len(names))]
            for p in _TRACE_POINTS
            for step in (0.37, -0.37)
        ]
        for attempt, values in enumerate(points):
            leaves = [input_node(v, name) for v, name in zip(values, names, strict=True)]
            try:
                traced = trace(self.function, self.name, leaves)
            except DataDependenceError:
                raise
            except (ArithmeticError, ValueError):
                if point is not None or attempt == len(points) - 1:
                    raise
                continue
            break
        # the Parameters it closes over become inputs too, after the arguments: live, not baked
        arguments = {id(node) for node in traced.inputs}
        self._closed = tuple(
            node for node in traced.order
            if isinstance(node, Parameter) and node._op is None and id(node) not in arguments
        )
        self._trace = Trace(
            (*traced.inputs, *self._closed), traced.output, traced.extras, traced.order,
            traced.constants,
        )
        return self._trace

    def _program(self, batched: bool, gradients: bool, point: Sequence[float] | None) -> Any:
        key = (batched, gradients)
        program = self._programs.get(key)
        if program is None:
            graph = _small_enough(self._traced(point), self.name)
            closed_names = self._closed_names()
            made = generate(
                graph,
                [*(self._names or []), *closed_names],
                wrt=None if gradients else [],
                numpy=batched,
                title=self.name if self.name.isidentifier() else "",
            )
            program = load(made, self.name, _numpy() if batched else None)
            self._programs[key] = program
            self._sources[key] = made.source
            if self._closed:
                pass  # the Parameters' values are read at each call: no float-only shortcut
            elif key == (False, True):
                self._fast = program
            elif key == (False, False):
                self._fast_value = program
        return program

    def _source(self, batched: bool) -> str:
        if self._arity is None:
            raise TypeError(
                f"compile: {self.name} takes a variable number of arguments; call it once "
                f"so that the number is known, then read its source"
            )
        if batched:
            _numpy()
        self._program(batched, True, None)
        return self._sources[(batched, True)]

    # ---- running ------------------------------------------------------------------------

    def _closed_names(self) -> list[str]:
        """The wanted names of the closed-over Parameters: their labels, else theta1, theta2..."""
        return [p.label or f"theta{i + 1}" for i, p in enumerate(self._closed)]

    def _parameter_values(self) -> list[float]:
        """The current values of the Parameters the function closes over, read at each call."""
        values = [p.data for p in self._closed]
        if countOf(map(type, values), float) != len(values):
            values = [
                as_float(v, f"{self.name}: Parameter {p.label or i + 1!r}")
                for i, (p, v) in enumerate(zip(self._closed, values, strict=True))
            ]
        return values

    def _scalar(self, xs: list[float], gradients: bool) -> tuple[float, tuple[float, ...]]:
        """f and its gradients at one point: the arguments', then the closed-over Parameters'."""
        program = self._program(False, gradients, xs)
        parameters = self._parameter_values()
        try:
            value, grads = program(*xs, *parameters)
        except (ArithmeticError, ValueError):
            return self._eager(xs, gradients)
        # nan or inf anywhere (inputs, value, a gradient): the engine's own numbers instead
        if not math.isfinite(
            value + builtins.sum(grads) + builtins.sum(xs) + builtins.sum(parameters)
        ):
            return self._eager(xs, gradients)
        return value, grads

    def _eager(self, xs: list[float], gradients: bool) -> tuple[float, tuple[float, ...]]:
        """The value (and gradients) computed by the engine itself, on Values.

        The gradients are the arguments', then the closed-over Parameters', computed without
        touching any ``.grad`` (``backward`` adds the Parameters' where it is asked to).
        """
        leaves = [Value(x, label=name) for x, name in zip(xs, self._names or [], strict=True)]
        out = self.function(*leaves)
        if not gradients:
            return out.data, ()
        found = gradients_of(out, (*leaves, *self._closed))
        return out.data, tuple(float(g) for g in found)

    def _batched(
        self, xs: list[Any], n: int, gradients: bool, ready: bool = False
    ) -> tuple[Any, tuple[Any, ...]]:
        """f and its gradients on a batch (the arguments', then the closed-over Parameters'),
        every node one NumPy operation over the n examples. ``ready``: the batched arguments are
        already 1-D float64 arrays (``_ready_batch``).

        Checked at every node: NumPy's floating-point errors (an overflow, a division by zero,
        a value outside a domain) raise, and a non-finite input, value or gradient is caught at
        the end; either way the batch goes to ``_one_by_one``, so it raises or returns exactly
        what n separate calls would.
        """
        np = _numpy()
        batched = tuple(map(is_not, map(type, xs), repeat(float)))
        arrays = xs if ready else [
            np.asarray(x, dtype=float) if b else x for x, b in zip(xs, batched, strict=True)
        ]
        first = None
        if self._trace is None:  # traced at the first example (n = 0: at the usual points)
            if n:
                first = [float(x[0]) if b else x for x, b in zip(xs, batched, strict=True)]
            self._traced(first)
        parameters = self._parameter_values()
        if n:  # the rolled program first (arrays per group); on any trouble, node by node
            # the closed-over Parameters are shared arguments after the function's own
            rolled = self._rolled_program((*batched, *[False] * len(parameters)), gradients)
            result = (
                call_rolled(rolled, [*arrays, *parameters], n, np) if rolled is not None else None
            )
            if result is not None:
                self.last_batch = "rolled"
                return result[0], result[1] if gradients else ()
        if n and first is None:
            first = [float(x[0]) if b else x for x, b in zip(xs, batched, strict=True)]
        program = self._program(True, gradients, first)
        if not all(bool(np.isfinite(a).all()) for a in (*arrays, *parameters)):
            return self._one_by_one(xs, n, gradients)
        shared = [False] * len(xs) + [True] * len(parameters)  # summed over the batch
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            try:
                value, grads = program(*arrays, *parameters)
                values = np.array(np.broadcast_to(value, (n,)), dtype=float)
                results = []
                for x, is_shared, g in zip([*xs, *parameters], shared, grads, strict=False):
                    per_example = np.broadcast_to(g, (n,))
                    results.append(
                        np.array(per_example, dtype=float) if _is_batch(x) and not is_shared
                        else float(np.sum(per_example))
                    )
            except (ArithmeticError, ValueError):
                return self._one_by_one(xs, n, gradients)
        finite = bool(np.isfinite(values).all()) and all(
            bool(np.isfinite(g).all()) for g in results
        )
        if finite:
            self.last_batch = "node by node"
            return values, tuple(results)
        return self._one_by_one(xs, n, gradients)

    def _rolled_program(
        self, batched: tuple[bool, ...], gradients: bool
    ) -> RolledProgram | None:
        """The traced graph rolled into arrays for this batching (None if it cannot be)."""
        key = (batched, gradients)
        if key not in self._rolled:
            assert self._trace is not None
            try:
                self._rolled[key] = roll(
                    self._trace, [*(self._names or []), *self._closed_names()], batched,
                    _numpy(), gradients,
                    self.name if self.name.isidentifier() else "f",
                )
            except ValueError:  # an op without code, or nothing to roll: node by node
                self._rolled[key] = None
        return self._rolled[key]

    def _one_by_one(self, xs: list[Any], n: int, gradients: bool) -> tuple[Any, tuple[Any, ...]]:
        """n separate calls: what the batched path means, and what it falls back to."""
        self.last_batch = "point by point"
        np = _numpy()
        values = np.empty(n)
        per_example: list[Any] = [np.empty(n) if _is_batch(x) else 0.0 for x in xs]
        per_example += [0.0] * len(self._closed)
        for i in range(n):
            point = [float(x[i]) if _is_batch(x) else x for x in xs]
            value, grads = self._scalar(point, gradients)
            values[i] = value
            for j, g in enumerate(grads):
                if j < len(xs) and _is_batch(xs[j]):
                    per_example[j][i] = g
                else:
                    per_example[j] += g
        return values, tuple(per_example) if gradients else ()


# ---- helpers ------------------------------------------------------------------------------------

class GraphTooLarge(ValueError):
    """A traced graph has more nodes than ``compile`` takes (``MAX_COMPILED_NODES``)."""


def _small_enough(graph: Trace, name: str) -> Trace:
    """The trace, or GraphTooLarge if it is too large to compile (see ``MAX_COMPILED_NODES``)."""
    if len(graph.order) > MAX_COMPILED_NODES:
        raise GraphTooLarge(
            f"compile: {name}'s graph has {len(graph.order):,} nodes, more than compile writes "
            f"out node by node ({MAX_COMPILED_NODES:,}), and it does not roll into layers (or "
            f"this call needs the node-by-node code); generating code for it would cost more "
            f"than running it: call the function on Values (the eager engine)"
        )
    return graph


def _layer_names(graph: Trace) -> dict[int, str]:
    """Each node's layer in the pictures' layer view (W1, b1, z1, h1), by ``id``: the names
    the compiled code people read takes, so that the code and the picture say the same."""
    view = layer_view(graph.output, "compile")
    return {id(node): layer.name for layer in view.layers for node in layer.nodes}


def _ready_batch(xs: Sequence[Any], types: list[type], floats: int) -> int | None:
    """n if every argument is a float or a 1-D float64 NumPy array of length n > 0, else None:
    a batch that needs no conversion, told at C speed however many floats come with it."""
    if floats == len(xs):
        return None
    np = _numpy()
    if floats + countOf(types, np.ndarray) != len(xs):
        return None
    arrays = list(compress(xs, map(is_not, types, repeat(float))))
    if not all(a.ndim == 1 and a.dtype == np.float64 for a in arrays):
        return None
    n = len(arrays[0])
    return n if n and all(len(a) == n for a in arrays) else None


def _is_batch(x: Any) -> bool:
    return type(x) is not float


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        raise ImportError(
            "compile: batched arguments need NumPy (pip install 'backprop-lab[compile]')"
        ) from None
    return numpy


def _parameters(function: Callable[..., Any]) -> tuple[int | None, list[str] | None]:
    """How many positional arguments ``function`` takes and their names (None for ``*args``)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None, None
    names = []
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.VAR_POSITIONAL:
            return None, None
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            if parameter.default is parameter.empty:
                names.append(parameter.name)
        elif parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
            raise TypeError(
                f"compile: {getattr(function, '__name__', function)} has a keyword-only "
                f"argument {parameter.name!r} without a default; compile takes positional ones"
            )
    return len(names), names


def _as_array(x: Any, name: str, function: str) -> Any:
    """``x`` (a NumPy array, a PyTorch tensor, anything with ``__array__``) as a NumPy array."""
    try:
        return _numpy().asarray(x)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(
            f"{function}: {name} must be a number or a 1-D array of numbers, but this "
            f"{type(x).__name__} cannot be read as a NumPy array ({error})"
        ) from None


def _scalar_array(x: Any, name: str, function: str) -> float:
    array = _as_array(x, name, function)
    if array.dtype.kind in "iuf":
        return float(array)
    raise TypeError(f"{function}: {name} must be a number, got a {array.dtype} array {x!r}")


def _batch(x: Any, name: str, function: str) -> Any:
    """A batched argument as a list or array of floats, or TypeError naming the argument."""
    if isinstance(x, (str, bytes, Value)) or not (
        isinstance(x, Sequence) or hasattr(x, "__array__")
    ):
        raise TypeError(
            f"{function}: {name} must be a number or a list or 1-D array of numbers, "
            f"got {type(x).__name__} {x!r}"
        )
    if hasattr(x, "__array__"):  # NumPy, PyTorch (on the CPU, without grad), ...
        array = _as_array(x, name, function)
        if array.ndim != 1:
            raise TypeError(
                f"{function}: {name} must be a number or a 1-D array of numbers, got an array "
                f"of shape {array.shape}"
            )
        if array.dtype.kind in "iuf":
            return array.astype(float)
        x = array
    numbers = []
    for index, item in enumerate(x):
        if not is_real_number(item):
            raise TypeError(
                f"{function}: {name}, item {index}, must be a number, got "
                f"{type(item).__name__} {item!r}"
            )
        numbers.append(float(item))
    return numbers
