"""``Value``: one scalar node of a computation graph, and the operations that build graphs."""

from __future__ import annotations

import math
import numbers
import operator
from typing import Any, Union

from . import backprop, pickling
from . import op as rules
from .grad_mode import _open_no_grad_blocks, enable_grad, is_recording
from .op import Op, PowerOf, WithConstant

# What may stand on the other side of an operator: a Value or a real number.
Operand = Union["Value", float, int]

_SQRT_HALF = math.sqrt(0.5)  # 1/√2, in gelu's Φ(x) = (1 + erf(x/√2)) / 2
_INV_SQRT_TWO_PI = 1.0 / math.sqrt(2.0 * math.pi)  # the normal density's 1/√(2π)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)  # erf's 2/√π


def is_real_number(x: object) -> bool:
    """True for int, float, NumPy real scalars and other ``numbers.Real``, and for a 0-d array
    holding one (``np.array(2.0)``, which is no ``numbers.Real``); False for bool."""
    kind = type(x)
    if kind is float or kind is int:
        return True
    if isinstance(x, numbers.Real):
        return not isinstance(x, bool)
    return _is_real_0d_array(x)


def _is_real_0d_array(x: object) -> bool:
    """A 0-d array (NumPy's, or any with ``ndim == 0`` and ``item()``) of a real number,
    recognised without importing NumPy."""
    ndim = getattr(x, "ndim", None)
    if type(ndim) is not int or ndim != 0 or not callable(getattr(x, "item", None)):
        return False
    try:
        number = x.item()  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return False
    return isinstance(number, numbers.Real) and not isinstance(number, bool)


def as_float(x: object, where: str) -> float:
    """``x`` as a float if it is a real number, else a TypeError naming ``where`` and ``x``."""
    if type(x) is float:
        return x
    if is_real_number(x):
        try:
            return float(x.item() if _is_real_0d_array(x) else x)  # type: ignore[attr-defined, arg-type]
        except OverflowError:
            raise OverflowError(
                f"{where}: {describe_number(x)} is too large for a float (at most about 1.8e308)"
            ) from None
    raise TypeError(f"{where}: expected a real number, got {type(x).__name__} {x!r}")


def _finite_constant(x: object, op: str, name: str) -> float:
    """An op's constant (leaky_relu's slope) as a float, or an error naming the op and ``x``."""
    number = as_float(x, f"{op}: {name}")
    if not math.isfinite(number):
        raise ValueError(f"{op}: {name} must be finite, got {x!r}")
    return number


def describe_number(x: object) -> str:
    """``x`` for an error message, short even for an int of thousands of digits."""
    if isinstance(x, int) and abs(x) >= 10**30:
        digits = int(abs(x).bit_length() * math.log10(2)) + 1
        sign = "-" if x < 0 else ""
        return f"an int of about {digits} digits ({sign}1e{digits - 1})"
    try:
        text = repr(x)
    except ValueError:  # an int too long for repr
        text = type(x).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _domain_error(error: Exception, name: str, *operands: float) -> Exception:
    """The same kind of error as ``math`` raised, naming the op and the offending operand(s)."""
    if len(operands) == 1:
        where = f"input {operands[0]!r}"
    else:
        where = f"inputs {operands[0]!r} and {operands[1]!r}"
    return type(error)(f"{name}: {error} for {where}")


class Value:
    """A scalar in a computation graph: its ``data``, and the ``grad`` a backward pass gives it.

    Arithmetic on Values records the graph: each result remembers its ``inputs`` (an ordered
    tuple) and its ``op`` symbol, so ``loss.backward()`` can apply the chain rule from the loss
    back to every leaf. ``a - b`` is one ``-`` node and ``a / b`` one ``/`` node, as written;
    a number on either side of an operator becomes a constant leaf.

    >>> a = Value(3.0, label="a")
    >>> b = a + a
    >>> c = b * b
    >>> c.backward()
    >>> a.grad
    24.0

    ``==`` compares identity, not value (it is not overridden), so Values can be dict keys and
    set members, as the graph's traversals need: ``Value(2.0) == Value(2.0)`` is False; compare
    ``a.data == b.data`` or ``a.item() == 2.0`` for the numbers. ``<``, ``>``, ``<=`` and ``>=``
    compare ``.data`` with another Value or a number and return a plain bool, so
    ``max(v1, v2)`` and ``sorted(values)`` work; a comparison records nothing in the graph
    (``max`` returns one of the Values themselves, and a gradient flows back only through it).

    Each operation below is one block: its value, then its local derivative rule (see
    ``autograd.op``), with the derivative in math in a comment.
    """

    __slots__ = ("_op", "data", "grad", "inputs", "label")

    data: float
    grad: float | Value
    label: str
    inputs: tuple[Value, ...]
    _op: Any  # the Op (or PowerOf) that made this Value; None for a leaf

    def __init__(self, data: float, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__} {label!r}")
        self.data = as_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self.inputs = ()
        self._op = None

    @property
    def op(self) -> str:
        """The symbol of the op that made this Value (``"*"``, ``"tanh"``); ``""`` for a leaf."""
        return "" if self._op is None else self._op.symbol

    @property
    def is_leaf(self) -> bool:
        """True for a Value made directly (an input, a parameter or a constant), not by an op."""
        return self._op is None

    def __float__(self) -> float:
        return self.data

    def __format__(self, spec: str) -> str:
        """``f"{loss:.3f}"`` formats ``.data`` as a float would; ``f"{loss}"`` is the repr."""
        return format(self.data, spec) if spec else str(self)

    def item(self) -> float:
        """The number this Value holds, ``.data``, as a float (as ``torch.Tensor.item()``)."""
        return self.data

    # ---- Python's number protocols: on .data, recording nothing ----------------------------

    def __bool__(self) -> bool:
        """The truth of the number, as for a one-element PyTorch tensor: ``Value(0.0)`` is False."""
        return self.data != 0

    def __int__(self) -> int:
        return int(self.data)

    def __round__(self, ndigits: int | None = None) -> Any:
        return round(self.data, ndigits)

    def __trunc__(self) -> int:
        return math.trunc(self.data)

    def __floor__(self) -> int:
        return math.floor(self.data)

    def __ceil__(self) -> int:
        return math.ceil(self.data)

    # ---- NumPy: element by element, each element recorded as if written in Python ----------

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """``np.sin(v)`` is ``v.sin()``, ``np.float64(2) * v`` is ``2.0 * v``, and
        ``np.array([1.0, 2.0]) * v`` an object array of the Values ``1.0 * v`` and ``2.0 * v``.

        Only the engine's own operations are taken (``+ - * / **``, unary ``-``, ``abs``,
        ``exp``, ``log``, ``sqrt``, ``tanh``, ``sin``, ``cos``, and the comparisons, which give
        bools as the operators do); any other NumPy function, and
        ``out=`` or ``where=``, raise TypeError naming the function and the methods to use.
        """
        return _numpy_operation(ufunc, method, inputs, kwargs)

    # ---- comparisons: on .data, recording nothing ----------------------------------------

    def __lt__(self, other: Operand) -> bool:
        return _compared(self.data, other, operator.lt)

    def __le__(self, other: Operand) -> bool:
        return _compared(self.data, other, operator.le)

    def __gt__(self, other: Operand) -> bool:
        return _compared(self.data, other, operator.gt)

    def __ge__(self, other: Operand) -> bool:
        return _compared(self.data, other, operator.ge)

    # ``==`` and ``hash`` stay object identity (see the class docstring): graphs key dicts by node.

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.label:
            parts.append(f"label={self.label!r}")
        if self._op is not None:
            parts.append(f"op={self._op.symbol!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # pickle and copy.deepcopy: iterative, so a graph of any depth can be saved and copied
    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return pickling.reduce_node(self)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        pickling.set_state(self, state)

    def backward(self, grad: float = 1.0, create_graph: bool = False) -> None:
        """Fill in ``.grad`` of every node this Value depends on, by the chain rule.

        ``grad`` is d(something)/d(self): 1.0 when ``self`` is the loss. Interior nodes hold
        this pass's gradient; leaves *accumulate* across passes, as in PyTorch (call
        ``zero_grad()``, or set ``leaf.grad = 0.0``, between training steps). Each pass sends
        back only its own contribution, so two passes give a leaf exactly twice the gradient
        of one.

        With ``create_graph=True`` the gradients are themselves Values in the graph, so they can
        be differentiated again (second derivatives). They refer back to the graph, which then
        holds a reference cycle until the garbage collector runs; ``autograd.grad`` avoids that.
        As in PyTorch, they are recorded inside ``no_grad()`` too.
        """
        seed = as_float(grad, "backward: grad")
        if create_graph:
            with enable_grad():  # asked for a graph: record it, inside no_grad() too
                backprop.backward(self, Value(seed), create_graph)
        else:
            backprop.backward(self, seed, create_graph)

    def _pole(self, data: float, inputs: tuple[Value, ...]) -> Value:
        """A node for an infinite or undefined result (a pole, an overflow): its slope is nan.

        Called by the rules in ``autograd.op``, which build Values without importing this module.
        """
        return _result(data, inputs, rules.SINGULAR)

    # ---- a + b -------------------------------------------------------------------------------

    def __add__(self, other: Operand) -> Value:
        if not isinstance(other, Value):
            if not is_real_number(other):
                return NotImplemented
            other = _constant(other, "add")
        return _result(self.data + other.data, (self, other), Value._ADD)

    def __radd__(self, other: Operand) -> Value:
        return _constant(other, "add") + self if is_real_number(other) else NotImplemented

    @staticmethod
    def _add_derivatives(a: Any, b: Any, out: Any) -> tuple[Any, ...]:
        # d(a + b)/da = 1,  d(a + b)/db = 1
        return 1.0, 1.0

    _ADD = Op("+", "add", _add_derivatives)

    # ---- a - b -------------------------------------------------------------------------------

    def __sub__(self, other: Operand) -> Value:
        if not isinstance(other, Value):
            if not is_real_number(other):
                return NotImplemented
            other = _constant(other, "sub")
        return _result(self.data - other.data, (self, other), Value._SUB)

    def __rsub__(self, other: Operand) -> Value:
        return _constant(other, "sub") - self if is_real_number(other) else NotImplemented

    @staticmethod
    def _sub_derivatives(a: Any, b: Any, out: Any) -> tuple[Any, ...]:
        # d(a - b)/da = 1,  d(a - b)/db = -1
        return 1.0, -1.0

    _SUB = Op("-", "sub", _sub_derivatives)

    # ---- a * b -------------------------------------------------------------------------------

    def __mul__(self, other: Operand) -> Value:
        if not isinstance(other, Value):
            if not is_real_number(other):
                return NotImplemented
            other = _constant(other, "mul")
        return _result(self.data * other.data, (self, other), Value._MUL)

    def __rmul__(self, other: Operand) -> Value:
        return _constant(other, "mul") * self if is_real_number(other) else NotImplemented

    @staticmethod
    def _mul_derivatives(a: Any, b: Any, out: Any) -> tuple[Any, ...]:
        # d(a b)/da = b,  d(a b)/db = a
        return b, a

    _MUL = Op("*", "mul", _mul_derivatives)

    # ---- a / b -------------------------------------------------------------------------------

    def __truediv__(self, other: Operand) -> Value:
        if not isinstance(other, Value):
            if not is_real_number(other):
                return NotImplemented
            other = _constant(other, "div")
        try:
            data = self.data / other.data
        except ZeroDivisionError as error:
            raise _domain_error(error, "div", self.data, other.data) from None
        return _result(data, (self, other), Value._DIV)

    def __rtruediv__(self, other: Operand) -> Value:
        return _constant(other, "div") / self if is_real_number(other) else NotImplemented

    @staticmethod
    def _div_derivatives(a: Any, b: Any, out: Any) -> tuple[Any, ...]:
        # d(a/b)/da = 1/b,  d(a/b)/db = -a/b^2 = -(a/b)/b
        return 1.0 / b, -out / b

    _DIV = Op("/", "div", _div_derivatives)

    # ---- a ** b ------------------------------------------------------------------------------

    def __pow__(self, exponent: Operand) -> Value:
        """``x ** 2`` is one node ``**2``; ``x ** y`` with a Value ``y`` is differentiable in both.

        Follows ``math.pow``: a negative base with a non-integer exponent, and ``0 ** -1``,
        raise ValueError; an overflow raises OverflowError.
        """
        if isinstance(exponent, Value):
            try:
                data = math.pow(self.data, exponent.data)
            except (ValueError, OverflowError) as error:
                raise _domain_error(error, "pow", self.data, exponent.data) from None
            return _result(data, (self, exponent), Value._POW)
        if not is_real_number(exponent):
            return NotImplemented
        n = as_float(exponent, "pow")
        try:
            data = math.pow(self.data, n)
        except (ValueError, OverflowError) as error:
            raise _domain_error(error, "pow", self.data, n) from None
        return _result(data, (self,), _power_of(n))  # derivative: PowerOf.derivatives

    def __rpow__(self, base: Operand) -> Value:
        return _constant(base, "pow") ** self if is_real_number(base) else NotImplemented

    @staticmethod
    def _pow_derivatives(a: Any, b: Any, out: Any) -> tuple[Any, ...]:
        # d(a^b)/da = b a^(b-1), and 0 for b = 0 (a^0 = 1 is flat, also at a = 0)
        d_base = 0.0 if float(b) == 0 else b * rules.power(a, b - 1.0)
        # d(a^b)/db = a^b ln(a), real for a > 0; at a = 0 its limit is 0 (as in PyTorch);
        # for a < 0 it does not exist: nan, and so are its own derivatives
        if float(a) > 0:
            d_exponent = out * rules.log(a)
        elif float(a) == 0:
            d_exponent = 0.0
        else:
            d_exponent = rules.undefined(a, b)
        return d_base, d_exponent

    _POW = Op("**", "pow", _pow_derivatives)

    # ---- -x ----------------------------------------------------------------------------------

    def __neg__(self) -> Value:
        return _result(-self.data, (self,), Value._NEG)

    @staticmethod
    def _neg_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d(-x)/dx = -1
        return (-1.0,)

    _NEG = Op("neg", "neg", _neg_derivatives)

    # ---- |x| ---------------------------------------------------------------------------------

    def __abs__(self) -> Value:
        """|x|. Its derivative at the kink x = 0 is taken to be 0."""
        return _result(math.fabs(self.data), (self,), Value._ABS)

    @staticmethod
    def _abs_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d|x|/dx = sign(x), and 0 at x = 0
        return (rules.sign(x),)

    _ABS = Op("abs", "abs", _abs_derivatives)

    # ---- exp(x) ------------------------------------------------------------------------------

    def exp(self) -> Value:
        """e ** x. OverflowError past x ~ 709.78, as ``math.exp``."""
        try:
            data = math.exp(self.data)
        except OverflowError as error:
            raise _domain_error(error, "exp", self.data) from None
        return _result(data, (self,), Value._EXP)

    @staticmethod
    def _exp_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d exp(x)/dx = exp(x)
        return (out,)

    _EXP = Op("exp", "exp", _exp_derivatives)

    # ---- log(x) ------------------------------------------------------------------------------

    def log(self) -> Value:
        """The natural logarithm. ValueError for x <= 0, as ``math.log``."""
        try:
            data = math.log(self.data)
        except ValueError as error:
            raise _domain_error(error, "log", self.data) from None
        return _result(data, (self,), Value._LOG)

    @staticmethod
    def _log_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d log(x)/dx = 1/x
        return (1.0 / x,)

    _LOG = Op("log", "log", _log_derivatives)

    # ---- sqrt(x) -----------------------------------------------------------------------------

    def sqrt(self) -> Value:
        """The square root. ValueError for x < 0; the derivative at 0 is +inf."""
        try:
            data = math.sqrt(self.data)
        except ValueError as error:
            raise _domain_error(error, "sqrt", self.data) from None
        return _result(data, (self,), Value._SQRT)

    @staticmethod
    def _sqrt_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d sqrt(x)/dx = 1 / (2 sqrt(x))
        return (rules.divide(0.5, out),)

    _SQRT = Op("sqrt", "sqrt", _sqrt_derivatives)

    # ---- tanh(x) -----------------------------------------------------------------------------

    def tanh(self) -> Value:
        return _result(math.tanh(self.data), (self,), Value._TANH)

    @staticmethod
    def _tanh_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d tanh(x)/dx = 1 - tanh(x)^2
        return (1.0 - out * out,)

    _TANH = Op("tanh", "tanh", _tanh_derivatives)

    # ---- sigmoid(x), the lecture's sigma -----------------------------------------------------

    def sigmoid(self) -> Value:
        """sigma(x) = 1 / (1 + e^-x), computed so that e^(...) never overflows."""
        x = self.data
        if x >= 0:
            data = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            data = e / (1.0 + e)
        return _result(data, (self,), Value._SIGMOID)

    @staticmethod
    def _sigmoid_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d sigma(x)/dx = sigma(x) (1 - sigma(x))
        return (out * (1.0 - out),)

    _SIGMOID = Op("sigmoid", "sigmoid", _sigmoid_derivatives)

    # ---- relu(x) -----------------------------------------------------------------------------

    def relu(self) -> Value:
        """max(0, x); nan stays nan. Its derivative at the kink x = 0 is taken to be 0."""
        x = self.data
        return _result(0.0 if x <= 0 else x, (self,), Value._RELU)

    @staticmethod
    def _relu_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d relu(x)/dx = 1 for x > 0, else 0 (0 at x = 0)
        return (rules.step(x),)

    _RELU = Op("relu", "relu", _relu_derivatives)

    # ---- leaky_relu(x) -----------------------------------------------------------------------

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, else slope · x (PyTorch's ``negative_slope``); nan stays nan.

        Its derivative at the kink x = 0 is taken to be ``slope``, as in PyTorch.
        """
        slope = _finite_constant(slope, "leaky_relu", "slope")
        x = self.data
        data = x if x > 0 else slope * x
        return _result(data, (self,), _with_constant(Value._LEAKY_RELU, slope))

    @staticmethod
    def _leaky_relu_derivatives(x: Any, out: Any, slope: float) -> tuple[Any, ...]:
        # d leaky_relu(x)/dx = 1 for x > 0, else slope (slope at x = 0)
        return (rules.step(x, below=slope),)

    _LEAKY_RELU = Op("leaky_relu", "leaky_relu", _leaky_relu_derivatives)

    # ---- elu(x) ------------------------------------------------------------------------------

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, else alpha (e^x - 1); e^x is taken only for x <= 0, so it never overflows.

        At x = 0 both pieces are 0; the derivative there is alpha (1 for the usual alpha = 1),
        and the second derivative 0, as in PyTorch (the kink's slope is a constant).
        """
        alpha = _finite_constant(alpha, "elu", "alpha")
        x = self.data
        data = x if x > 0 else alpha * math.expm1(x)
        return _result(data, (self,), _with_constant(Value._ELU, alpha))

    @staticmethod
    def _elu_derivatives(x: Any, out: Any, alpha: float) -> tuple[Any, ...]:
        # d elu(x)/dx = 1 for x > 0, alpha e^x for x < 0, and the constant alpha at the kink
        # x = 0 (so d²elu/dx² there is 0, as in PyTorch, which takes e^x only for x < 0)
        if float(x) > 0:
            return (1.0,)
        if float(x) == 0:
            return (alpha,)
        return (alpha * rules.exp(x),)

    _ELU = Op("elu", "elu", _elu_derivatives)

    # ---- softplus(x) -------------------------------------------------------------------------

    def softplus(self) -> Value:
        """log(1 + e^x), a smooth relu, computed as max(x, 0) + log(1 + e^-|x|): never overflows."""
        x = self.data
        data = max(x, 0.0) + math.log1p(math.exp(-math.fabs(x)))
        return _result(data, (self,), Value._SOFTPLUS)

    @staticmethod
    def _softplus_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d softplus(x)/dx = e^x / (1 + e^x) = sigma(x)
        return (rules.sigmoid(x),)

    _SOFTPLUS = Op("softplus", "softplus", _softplus_derivatives)

    # ---- gelu(x) -----------------------------------------------------------------------------

    def gelu(self) -> Value:
        """x Φ(x), with Φ(x) = (1 + erf(x / √2)) / 2 the standard normal CDF (the exact GELU)."""
        x = self.data
        data = x * 0.5 * (1.0 + math.erf(x * _SQRT_HALF))
        return _result(data, (self,), Value._GELU)

    @staticmethod
    def _gelu_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d gelu(x)/dx = Φ(x) + x φ(x), with the normal density φ(x) = e^(-x²/2) / √(2π)
        cdf = 0.5 * (1.0 + rules.erf(x * _SQRT_HALF))
        density = rules.exp(-0.5 * x * x) * _INV_SQRT_TWO_PI
        return (cdf + x * density,)

    _GELU = Op("gelu", "gelu", _gelu_derivatives)

    # ---- silu(x) -----------------------------------------------------------------------------

    def silu(self) -> Value:
        """x σ(x) (also called swish), with σ computed so that e^(...) never overflows."""
        x = self.data
        data = x * rules.sigmoid(x)
        return _result(data, (self,), Value._SILU)

    @staticmethod
    def _silu_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d silu(x)/dx = σ(x) + x σ(x) (1 - σ(x)) = σ(x) (1 + x (1 - σ(x)))
        s = rules.sigmoid(x)
        return (s * (1.0 + x * (1.0 - s)),)

    _SILU = Op("silu", "silu", _silu_derivatives)

    # ---- sin(x) ------------------------------------------------------------------------------

    def sin(self) -> Value:
        try:
            data = math.sin(self.data)
        except ValueError as error:  # sin(inf)
            raise _domain_error(error, "sin", self.data) from None
        return _result(data, (self,), Value._SIN)

    @staticmethod
    def _sin_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d sin(x)/dx = cos(x)
        return (rules.cos(x),)

    _SIN = Op("sin", "sin", _sin_derivatives)

    # ---- cos(x) ------------------------------------------------------------------------------

    def cos(self) -> Value:
        try:
            data = math.cos(self.data)
        except ValueError as error:  # cos(inf)
            raise _domain_error(error, "cos", self.data) from None
        return _result(data, (self,), Value._COS)

    @staticmethod
    def _cos_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d cos(x)/dx = -sin(x)
        return (-rules.sin(x),)

    _COS = Op("cos", "cos", _cos_derivatives)

    # ---- erf(x) ------------------------------------------------------------------------------

    def erf(self) -> Value:
        """The error function erf(x) = 2/√π ∫_0^x e^(-t²) dt, as ``math.erf``."""
        return _result(math.erf(self.data), (self,), Value._ERF)

    @staticmethod
    def _erf_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
        # d erf(x)/dx = 2/√π e^(-x²)
        return (_TWO_OVER_SQRT_PI * rules.exp(-(x * x)),)

    _ERF = Op("erf", "erf", _erf_derivatives)


class Parameter(Value):
    """A Value that a model learns. ``nn`` makes its weights Parameters; pictures colour them.

    A Parameter takes attributes of your own, as micrograd's do: EurekaLabs' AdamW keeps
    ``p.m`` and ``p.v`` on each parameter. They are kept by ``pickle`` and ``copy.deepcopy``.
    (A plain Value has only its slots, to stay small: it refuses them.)

    ``data`` is Value's slot. Only while ``autograd.compile`` traces a function does
    ``autograd.compiler.tracing`` put a ``data`` property here, which refuses reads by the traced
    function (its value would be baked into the code); it removes it when the trace ends.
    """

    __slots__ = ("__dict__",)


class _PerParameterState:
    """A name hand-written optimizers keep on each parameter (``p.m``, ``p.v``, ``p.velocity``).

    On a Parameter it is an attribute like any other, kept in the Parameter's ``__dict__``. A
    plain Value has no room for attributes (``__slots__``, to keep every node of a graph
    small), and Python's own error would not say what to do; this one does. Only these names
    are looked up here, so nothing else pays for the message.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, node: Any, owner: type | None = None) -> Any:
        if node is None:
            return self
        try:
            return node.__dict__[self.name]
        except (AttributeError, KeyError):
            raise AttributeError(
                f"{type(node).__name__!r} object has no attribute {self.name!r}"
            ) from None

    def __set__(self, node: Any, value: Any) -> None:
        attributes = getattr(node, "__dict__", None)
        if attributes is None:
            raise AttributeError(
                f"cannot set {type(node).__name__}.{self.name}: a plain Value keeps only data, "
                f"grad and label (it has no room for more, to stay small); keep per-parameter "
                f"state in a dict keyed by the Value ({{p: 0.0 for p in params}}), or make it a "
                f"Parameter (nn's weights are Parameters), which takes attributes"
            )
        attributes[self.name] = value

    def __delete__(self, node: Any) -> None:
        try:
            del node.__dict__[self.name]
        except (AttributeError, KeyError):
            raise AttributeError(self.name) from None


# The names micrograd-style optimizers keep on parameters: Adam's m and v, RMSProp's s
# (the lecture's letters), momentum buffers, AdaGrad's cache.
for _name in ("m", "v", "s", "velocity", "momentum", "cache"):
    _state = _PerParameterState()
    _state.__set_name__(Value, _name)
    setattr(Value, _name, _state)
del _name, _state


_new = object.__new__


# ---- NumPy's functions, as the engine's operations --------------------------------------------

_NUMPY_OPERATIONS: dict[str, Any] = {
    "add": operator.add,
    "subtract": operator.sub,
    "multiply": operator.mul,
    "divide": operator.truediv,
    "true_divide": operator.truediv,
    "power": operator.pow,
    "negative": operator.neg,
    "positive": operator.pos,
    "absolute": abs,
    "exp": lambda x: x.exp(),
    "log": lambda x: x.log(),
    "sqrt": lambda x: x.sqrt(),
    "tanh": lambda x: x.tanh(),
    "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(),
    # comparisons read .data, as the operators do; == and != stay identity
    "less": operator.lt,
    "less_equal": operator.le,
    "greater": operator.gt,
    "greater_equal": operator.ge,
    "equal": operator.eq,
    "not_equal": operator.ne,
}


def _numpy_operation(ufunc: Any, method: str, inputs: tuple[Any, ...], kwargs: Any) -> Any:
    """NumPy's ``ufunc`` on operands among which a Value: computed by the engine, element-wise.

    NumPy is not imported: a NumPy scalar or 0-d array is read with ``item()``, and an array
    is copied to an object array (``astype(object)``) whose elements are then replaced.
    """
    name = getattr(ufunc, "__name__", repr(ufunc))
    operation = _NUMPY_OPERATIONS.get(name)
    if operation is None or method != "__call__" or kwargs:
        if operation is None:
            why = "it is not one of the engine's operations"
        elif method != "__call__":
            why = f"np.{name}.{method} is not supported"
        else:
            why = f"the argument {', '.join(kwargs)} is not supported"
        raise TypeError(
            f"np.{name} on a Value: {why}; use the Value's methods (v.sin(), v.exp(), v.log(), "
            f"v.sqrt(), v.tanh(), v.relu(), ...) and Python's operators, on each Value of a "
            f"list: [x.sin() for x in xs]"
        )
    arrays = [i for i, x in enumerate(inputs) if _is_array(x)]
    operands = [x.item() if _is_real_0d_array(x) else x for x in inputs]
    if not arrays:
        return operation(*operands)
    if len(arrays) > 1:
        raise TypeError(
            f"np.{name} of two arrays and a Value: compute it element by element in a list"
        )
    where = arrays[0]
    out = inputs[where].astype(object)  # a copy, of the array's shape, holding Python numbers
    for index, element in enumerate(out.flat):
        operands[where] = element
        out.flat[index] = operation(*operands)
    return out


def _is_array(x: object) -> bool:
    """A NumPy array (or another with ``ndim >= 1`` and ``astype``), not a 0-d one."""
    ndim = getattr(x, "ndim", None)
    return type(ndim) is int and ndim >= 1 and callable(getattr(x, "astype", None))


def _compared(data: float, other: object, comparison: Any) -> Any:
    """``comparison`` (``operator.lt``, ...) of ``data`` with ``other``'s number, as a bool.

    The number is not turned into a float first: Python compares a float with an int (or a
    Fraction) exactly, so ``Value(1.0) < 10**400`` is True, not an OverflowError.
    """
    if isinstance(other, Value):
        return comparison(data, other.data)
    if not is_real_number(other):
        return NotImplemented
    if _is_real_0d_array(other):
        other = other.item()  # type: ignore[attr-defined]
    return bool(comparison(data, other))


def _result(data: float, inputs: tuple[Value, ...], op: Any) -> Value:
    """The node for an op's result; under ``no_grad()`` a bare leaf that records nothing."""
    out: Value = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if _open_no_grad_blocks[0] == 0 or is_recording():
        out.inputs = inputs
        out._op = op
    else:
        out.inputs = ()
        out._op = None
    return out


def _constant(number: Operand, where: str = "Value") -> Value:
    """A number that stands on one side of an operator, as a leaf of the graph.

    ``where`` (the op's name) is named if the number is too large for a float.
    """
    out: Value = _new(Value)
    out.data = number if type(number) is float else as_float(number, where)
    out.grad = 0.0
    out.label = ""
    out.inputs = ()
    out._op = None
    return out


_powers: dict[float, PowerOf] = {}


def _power_of(exponent: float) -> PowerOf:
    """The op ``x ** exponent``, one per exponent so that nodes share it."""
    op = _powers.get(exponent)
    if op is None:
        op = PowerOf(exponent)
        if len(_powers) < 1024 and not math.isnan(exponent):  # a bounded cache
            _powers[exponent] = op
    return op


_constants: dict[tuple[str, float], WithConstant] = {}


def _with_constant(op: Op, constant: float) -> WithConstant:
    """``op`` with its constant (leaky_relu's slope), one per constant so that nodes share it."""
    key = (op.name, constant)
    found = _constants.get(key)
    if found is None:
        found = WithConstant(op, constant)
        if len(_constants) < 1024:  # a bounded cache
            _constants[key] = found
    return found
