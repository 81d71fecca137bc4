"""Tracing: run a function once on stand-in inputs and keep the graph it records.

A traced function must build the same graph whatever numbers it is given, because the graph is
turned into code once and reused for every input (see ``autograd.compiler``). So while tracing,
every node that depends on an input, or on a Parameter (which compiled code reads afresh at each
call), refuses to be *read* by the function: ``.data``,
``float(v)``, ``int(v)``, ``bool(v)``, ``round(v)``, comparisons (``v < 0``) and ``v.item()``
raise ``DataDependenceError`` naming the operation, instead of letting an ``if`` pick one
branch silently. The engine's own operations still read their operands' values as usual.

Nothing in the engine knows about tracing. While a trace runs, the nodes created in its context
are of the subclass ``TracedValue``, which adds the refusals above. (The engine makes nodes with
``autograd.value._new``; that factory is swapped for one that picks the subclass while any trace
runs, and only inside the tracing context: other threads and tasks keep getting plain Values.)
A Parameter the function closes over was made before the trace, so it is a plain Parameter: while
any trace runs, ``Parameter.data`` is a property that refuses the same reads inside the tracing
context (and reads the slot as before everywhere else); when no trace runs it is the plain slot
again, so the eager engine pays nothing for it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from .. import value as value_module
from ..backprop import topological_order
from ..value import Parameter, Value

# The modules whose reads of a node's value are the engine computing an op's value. Reads by
# derivative rules and by a backward pass are not among them: their results (a gradient, or the
# branch a rule takes at a kink) would be baked into the compiled code as constants.
ENGINE_MODULES = frozenset({"autograd.value", "autograd.reductions", __name__})

_DATA: Any = Value.__dict__["data"]  # the slot holding a node's value (a descriptor)


class DataDependenceError(ValueError):
    """A traced function read the value of a node that depends on its inputs."""


@dataclass
class _TraceState:
    function: str
    inputs: frozenset[int]  # ids of the input nodes
    violation: str = ""  # the first refused read, kept in case the function swallowed the error


# The trace running in this thread or task, if any.
_current: ContextVar[_TraceState | None] = ContextVar("backprop_lab_trace", default=None)


def _depends_on_an_input(node: Value, inputs: frozenset[int]) -> bool:
    """True if ``node`` is computed from an input or from a Parameter (read at each call)."""
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in inputs or isinstance(current, Parameter):
            return True
        if id(current) not in seen:
            seen.add(id(current))
            stack.extend(current.inputs)
    return False


def _refuse(
    node: Value, how: str, frame: FrameType | None, by_the_engine_too: bool = False
) -> None:
    """Raise DataDependenceError if a function being traced reads ``node`` by ``how``.

    ``frame`` is the reader's. The engine's modules may read a value to compute an op, unless
    ``by_the_engine_too`` (a read through a protocol such as ``float()``, which no op makes).
    """
    state = _current.get()
    if state is None:
        return
    if (
        not by_the_engine_too
        and frame is not None
        and frame.f_globals.get("__name__") in ENGINE_MODULES
        and "derivatives" not in frame.f_code.co_name
    ):
        return
    if not _depends_on_an_input(node, state.inputs):
        return  # a constant: its value is the same for every input
    where = ""
    if frame is not None:
        where = f" (in {frame.f_code.co_name}, {frame.f_code.co_filename}:{frame.f_lineno})"
    what = "a traced Value"
    if isinstance(node, Parameter):
        what = f"the Parameter {_shortened(node.label)!r}" if node.label else "a Parameter"
    message = (
        f"compile: {state.function} reads the value of {what} by {how}{where}, so its "
        f"graph depends on the input values; a compiled function must build the same graph "
        f"for every input: no .data, float(), int(), bool(), round(), comparisons, .item() or "
        f"f'{{v:.3f}}' on the inputs, on the Parameters it uses (read afresh at each call) or "
        f"on results computed from them (write the choice with ops such as relu or abs instead)"
    )
    if not state.violation:
        state.violation = message
    raise DataDependenceError(message)


def _shortened(label: str) -> str:
    return label if len(label) <= 40 else label[:37] + "..."


class TracedValue(Value):
    """A node recorded while tracing: a Value whose value the traced function may not read."""

    __slots__ = ()

    @property
    def data(self) -> float:
        _refuse(self, "reading .data", sys._getframe(1))
        return _DATA.__get__(self, Value)

    @data.setter
    def data(self, number: float) -> None:
        _DATA.__set__(self, number)

    def _read(self, how: str) -> float:
        _refuse(self, how, sys._getframe(2))
        return _DATA.__get__(self, Value)

    def __float__(self) -> float:
        return self._read("float()")

    def __int__(self) -> int:
        return int(self._read("int()"))

    def __complex__(self) -> complex:
        return complex(self._read("complex()"))

    def __bool__(self) -> bool:
        return self._read("bool() (an if or while on a Value)") != 0

    def __round__(self, ndigits: int | None = None) -> Any:
        return round(self._read("round()"), ndigits)

    def __trunc__(self) -> int:
        return int(self._read("math.trunc()"))

    def __floor__(self) -> int:
        import math

        return math.floor(self._read("math.floor()"))

    def __ceil__(self) -> int:
        import math

        return math.ceil(self._read("math.ceil()"))

    def __format__(self, spec: str) -> str:
        if spec:  # f"{v:.3f}" writes the value; f"{v}" is the repr, as printing is
            self._read(f"format() ({spec!r})")
        return super().__format__(spec)

    def item(self) -> float:
        """The value as a float, refused inside a trace (the graph would depend on it)."""
        return self._read(".item()")

    def __lt__(self, other: Any) -> Any:
        return self._compare("<", other)

    def __le__(self, other: Any) -> Any:
        return self._compare("<=", other)

    def __gt__(self, other: Any) -> Any:
        return self._compare(">", other)

    def __ge__(self, other: Any) -> Any:
        return self._compare(">=", other)

    def _compare(self, symbol: str, other: Any) -> Any:
        _refuse(self, f"a comparison ({symbol})", sys._getframe(2))
        if isinstance(other, Value):  # a traced node, or a Parameter
            _refuse(other, f"a comparison ({symbol})", sys._getframe(2))
        method = getattr(Value, _COMPARISONS[symbol], None)
        if method is None:
            return NotImplemented
        return method(self, other)


_COMPARISONS = {"<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__"}


class TracedParameter(Parameter, TracedValue):
    """A Parameter taken as an input of a trace (``nn.fit(compile=True)`` does this)."""

    __slots__ = ()

    # TracedValue's refusals, ahead of the property Parameter has while tracing (see below)
    data = TracedValue.data  # type: ignore[misc]


# ---- reads of a closed-over Parameter ---------------------------------------------------------

# Value's methods by which Python's protocols read a node's number: a Parameter read in one of
# them is read by the function that called it, in the way named here.
_PROTOCOL_READS = {
    "__float__": "float()",
    "__int__": "int()",
    "__bool__": "bool() (an if or while on a Value)",
    "__round__": "round()",
    "__trunc__": "math.trunc()",
    "__floor__": "math.floor()",
    "__ceil__": "math.ceil()",
    "__format__": "format()",
    "item": ".item()",
    "__lt__": "a comparison (<)",
    "__le__": "a comparison (<=)",
    "__gt__": "a comparison (>)",
    "__ge__": "a comparison (>=)",
}


def _refuse_parameter_read(parameter: Parameter, frame: FrameType) -> None:
    """Refuse a read of ``parameter.data`` by ``frame`` if it is the traced function's.

    ``.data`` read by the engine computing an op is allowed, as for any traced node. A read
    inside one of Value's protocol methods (``float(w)``, ``w > 0``, ``w.item()``) is the
    caller's, refused wherever it comes from, and reported at the first frame outside the engine.
    """
    if _current.get() is None:
        return
    if frame.f_globals.get("__name__") != value_module.__name__:
        _refuse(parameter, "reading .data", frame)
        return
    if frame.f_code.co_name == "_compared" and frame.f_back is not None:
        frame = frame.f_back  # comparisons read the other operand in this helper
    how = _PROTOCOL_READS.get(frame.f_code.co_name)
    if how is None:
        _refuse(parameter, "reading .data", frame)  # allowed unless a derivative rule reads it
        return
    reader: FrameType | None = frame.f_back
    while reader is not None and reader.f_globals.get("__name__") in ENGINE_MODULES:
        reader = reader.f_back
    _refuse(parameter, how, reader, by_the_engine_too=True)


def _watched_parameter_data(parameter: Parameter) -> float:
    _refuse_parameter_read(parameter, sys._getframe(1))
    number: float = _DATA.__get__(parameter, Value)
    return number


def _set_parameter_data(parameter: Parameter, number: float) -> None:
    _DATA.__set__(parameter, number)


_WATCHED_DATA = property(_watched_parameter_data, _set_parameter_data)


# ---- the factory swap ---------------------------------------------------------------------------

_object_new = object.__new__
_swap_lock = threading.Lock()
_running_traces = [0]


def _new_node(cls: type) -> Any:
    """The engine's node factory while a trace runs: TracedValue inside a tracing context."""
    if cls is Value and _current.get() is not None:
        return _object_new(TracedValue)
    return _object_new(cls)


@contextmanager
def _traced_nodes(state: _TraceState) -> Iterator[None]:
    with _swap_lock:
        if _running_traces[0] == 0:
            value_module._new = _new_node
            Parameter.data = _WATCHED_DATA  # type: ignore[assignment]
        _running_traces[0] += 1
    token = _current.set(state)
    try:
        yield
    finally:
        _current.reset(token)
        with _swap_lock:
            _running_traces[0] -= 1
            if _running_traces[0] == 0:
                value_module._new = _object_new
                del Parameter.data  # the slot again: eager reads at full speed


# ---- tracing ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Trace:
    """What tracing recorded: the inputs (in order), the output and the extra outputs.

    ``order`` is every node the outputs depend on, inputs before the nodes that use them,
    in the order backprop visits them backwards. ``constants`` holds the value of each leaf
    that is no input (by ``id``) as it was when traced: the value compiled code bakes in,
    however the Value changes later.
    """

    inputs: tuple[Value, ...]
    output: Value
    extras: tuple[Value, ...]
    order: tuple[Value, ...]
    constants: Mapping[int, float] = field(default_factory=dict)


def input_node(number: float, label: str) -> Value:
    """A fresh leaf standing for one argument of a traced function."""
    node: Value = _object_new(TracedValue)
    _DATA.__set__(node, float(number))
    node.grad = 0.0
    node.label = label
    node.inputs = ()
    node._op = None
    return node


def trace(
    function: Callable[..., Any],
    name: str,
    arguments: Sequence[Value],
    parameters: Sequence[Parameter] = (),
    extras: Callable[[], Sequence[Value]] | None = None,
) -> Trace:
    """Run ``function(*arguments)`` once, refusing reads of values, and keep its graph.

    ``arguments`` are leaves made by ``input_node``. ``parameters`` are Parameters the function
    uses (a model's weights) that are inputs too, placed before the arguments; while tracing
    they are TracedParameters, and they are Parameters again afterwards. ``extras``, called
    after the function returns, names further nodes whose values the compiled code should
    return (a model's predictions, say).
    """
    inputs = (*parameters, *arguments)
    state = _TraceState(name, frozenset(id(node) for node in inputs))
    originals = [type(p) for p in parameters]
    for p in parameters:
        p.__class__ = TracedParameter
    try:
        with _traced_nodes(state):
            result = function(*arguments)
            more = tuple(extras()) if extras is not None else ()
    finally:
        for p, kind in zip(parameters, originals, strict=True):
            p.__class__ = kind
    if state.violation:
        raise DataDependenceError(state.violation)
    if not isinstance(result, Value):
        raise TypeError(
            f"compile: {name} must return one Value, got {type(result).__name__} {result!r}"
        )
    order = _joint_order([result, *more])
    constants = {
        id(node): _DATA.__get__(node, Value)
        for node in order
        if node._op is None and id(node) not in state.inputs
    }
    return Trace(inputs, result, more, tuple(order), constants)


def _joint_order(roots: Sequence[Value]) -> list[Value]:
    """Topological order of everything the roots depend on, the first root's graph first."""
    order: list[Value] = []
    visited: set[Value] = set()  # shared: each node is walked once, whatever the roots share
    for root in roots:
        order.extend(topological_order(root, visited))
    return order
