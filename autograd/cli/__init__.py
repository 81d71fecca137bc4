"""The ``backprop-lab`` command line: the expression parser, the worked example and the demo.

``python -m autograd`` and the ``backprop-lab`` script both run ``main``. This package sits on
top of the engine and the pictures: nothing below imports it.
"""

from .commands import main
from .expression import ExpressionError, parse_expression

__all__ = ["ExpressionError", "main", "parse_expression"]
