"""backprop-lab's autograd: a scalar reverse-mode automatic-differentiation engine.

Arithmetic on ``Value`` records a computation graph; ``backward()`` walks it in reverse
topological order and applies the chain rule. The engine uses only the standard library.

Note: the import name ``autograd`` is also used by the HIPS autograd package on PyPI; install
backprop-lab into its own virtual environment.
"""

# The engine core (value, op, backprop, grad_mode, functional, gradcheck, reductions, and the
# compiler: tracing, codegen, compiler), and,
# re-exported for convenience, the pictures (.viz) and the expression parser (.cli), which are
# built on the core: they import it, it never imports them.
from .backprop import local_derivatives, topological_order
from .cli.expression import ExpressionError, parse_expression
from .compiler import CompiledFunction, compile
from .compiler.tracing import DataDependenceError
from .functional import grad, gradients
from .grad_mode import enable_grad, is_recording, no_grad
from .gradcheck import GradcheckError, gradcheck, numerical_gradient
from .reductions import dot, max, sum
from .value import Parameter, Value
from .viz import (
    BackpropStep,
    ChainRule,
    Contribution,
    Factor,
    StaleGradientWarning,
    backprop_steps,
    chain_rule,
    draw_graph,
    explain_step,
    format_number,
    render,
    stepping_page,
    write_stepping_page,
)

__all__ = [
    "BackpropStep",
    "ChainRule",
    "CompiledFunction",
    "Contribution",
    "DataDependenceError",
    "ExpressionError",
    "Factor",
    "GradcheckError",
    "Parameter",
    "StaleGradientWarning",
    "Value",
    "backprop_steps",
    "chain_rule",
    "compile",
    "dot",
    "draw_graph",
    "enable_grad",
    "explain_step",
    "format_number",
    "grad",
    "gradcheck",
    "gradients",
    "is_recording",
    "local_derivatives",
    "max",
    "no_grad",
    "numerical_gradient",
    "parse_expression",
    "render",
    "stepping_page",
    "sum",
    "topological_order",
    "write_stepping_page",
]
