"""The compiler: a scalar function traced once and run as generated code.

``tracing`` records the graph of one call on stand-in inputs, ``op_code`` says what each op
becomes in code, ``codegen`` writes a traced graph out as straight-line Python or NumPy, and
``compiled`` is ``compile(f)`` itself: argument checks, per-example and batched calls, and the
fall-back to the eager engine. It reads the graph the engine records; the engine never imports it.
"""

from .compiled import CompiledFunction, compile
from .tracing import DataDependenceError

__all__ = ["CompiledFunction", "DataDependenceError", "compile"]
