"""backprop-lab's autograd: a scalar reverse-mode automatic-differentiation engine.

Arithmetic on ``Value`` records a computation graph; ``backward()`` walks it in reverse
topological order and applies the chain rule. The engine uses only the standard library.

Note: the import name ``autograd`` is also used by the HIPS autograd package on PyPI; install
backprop-lab into its own virtual environment.
"""

from .backprop import gradients, local_derivatives, topological_order
from .chain_rule import ChainRule, Factor, chain_rule, explain_step
from .draw import draw_graph, render
from .expression import ExpressionError, parse_expression
from .functional import grad
from .grad_mode import enable_grad, is_recording, no_grad
from .gradcheck import GradcheckError, gradcheck, numerical_gradient
from .numbers_format import format_number
from .reductions import dot, sum
from .stepping_page import stepping_page, write_stepping_page
from .steps import BackpropStep, Contribution, backprop_steps
from .value import Parameter, Value

__all__ = [
    "BackpropStep",
    "ChainRule",
    "Contribution",
    "ExpressionError",
    "Factor",
    "GradcheckError",
    "Parameter",
    "Value",
    "backprop_steps",
    "chain_rule",
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
    "no_grad",
    "numerical_gradient",
    "parse_expression",
    "render",
    "stepping_page",
    "sum",
    "topological_order",
    "write_stepping_page",
]
