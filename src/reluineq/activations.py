"""Activation functions: one table, one entry per activation.

An :class:`Activation` holds everything the library needs to know about one activation:
how to apply it to float arrays and to exact ``Fraction`` arrays, its sympy and LaTeX
forms, whether it is piecewise linear (and its slopes if so), its interval map for
bounds, and its mixed-integer encoding where it has one. Modules ask the entry of a
layer (``layer.act``) instead of comparing activation names, so that adding an
activation means adding one entry to :data:`TABLE`.

An entry of :data:`TABLE` is a function that builds the :class:`Activation`; its
parameters, if it has any, are exact numbers written after the name, as in
``"name(1/10)"``, which is how a parametrised activation is named in a network.

Examples
--------
>>> relu = lookup("relu")
>>> relu.apply(np.array([-1.0, 2.0])), relu.piecewise_linear, relu.switches
(array([0., 2.]), True, True)
>>> lookup("identity").identity, lookup("identity").switches
(True, False)
>>> relu.latex("z"), lookup("sigmoid").latex("z")
('\\\\max(0, z)', '\\\\frac{1}{1 + e^{-z}}')
>>> lookup("identity").slopes, lookup("sigmoid").slopes
((Fraction(1, 1), Fraction(1, 1)), None)

A parametrised entry takes its exact parameters after its name, and its name then says
them; leaky ReLU's slope below zero defaults to PyTorch's 0.01:

>>> leaky = lookup("leaky_relu(0.2)")
>>> leaky.name, leaky.slopes, leaky.apply(np.array([-1.0, 2.0]))
('leaky_relu(1/5)', (Fraction(1, 5), Fraction(1, 1)), array([-0.2,  2. ]))
>>> lookup("leaky_relu").name
'leaky_relu(1/100)'
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from .rational import parse_fraction

if TYPE_CHECKING:
    import sympy as sp

__all__ = ["TABLE", "Activation", "MilpRow", "leaky_relu", "lookup", "names", "sigmoid"]

#: One row of a unit's mixed-integer encoding: its kind, its coefficients by role
#: (``"h"`` the unit's output, ``"z"`` its pre-activation, ``"a"`` its binary), and its
#: lower and upper sides (``None`` when one-sided).
MilpRow = tuple[str, dict[str, Any], Any, Any]


@dataclass(frozen=True)
class Activation:
    """One activation function and every form of it the library uses.

    Attributes
    ----------
    name : str
        The name a layer is given, parameters included (``"relu"``).
    float_fn : callable
        ``float64`` array to ``float64`` array; never overflows.
    exact_fn : callable or None
        ``Fraction`` (``object``) array to ``Fraction`` array; ``None`` when the
        activation of a rational is not rational (sigmoid).
    sympy_fn : callable
        A sympy expression to its activation (``Max(0, z)``).
    tex_apply : callable
        ``(argument, big) -> LaTeX`` of the activation applied to any argument;
        ``big`` sizes the brackets to a tall argument such as a matrix.
    tex_written_out : callable
        LaTeX of the activation of a single symbol, written out
        (``\\frac{1}{1 + e^{-z}}``).
    slopes : tuple of Fraction or None
        A piecewise-linear activation is ``slope_off * z`` for ``z <= 0`` and
        ``slope_on * z`` for ``z > 0``: ``(slope_off, slope_on)``. ``None``: curved.
    milp : callable or None
        ``(L, U, zero, one) -> list of MilpRow``: the unit ``h = act(z)`` for
        ``z`` in ``[L, U]`` as linear rows; ``None`` when there is no such encoding.
    milp_tex : callable or None
        ``(kinds, names, L, U, number) -> list of str``: the LaTeX of one unit's rows,
        from their kinds, the LaTeX names of ``h``, ``z`` and ``a``, and the bounds.
    """

    name: str
    float_fn: Callable[[np.ndarray], np.ndarray]
    exact_fn: Callable[[np.ndarray], np.ndarray] | None
    sympy_fn: Callable[[Any], Any]
    tex_apply: Callable[[str, bool], str]
    tex_written_out: Callable[[str], str]
    slopes: tuple[Fraction, Fraction] | None
    milp: Callable[[Any, Any, Any, Any], list[MilpRow]] | None = None
    milp_tex: Callable[..., list[str]] | None = None

    @functools.cached_property
    def piecewise_linear(self) -> bool:
        """Whether the activation is linear on each side of 0 (so a network of such
        layers has linear regions)."""
        return self.slopes is not None

    @functools.cached_property
    def identity(self) -> bool:
        """Whether it is the identity: the layer's output is its pre-activation."""
        return self.slopes == (1, 1)

    @functools.cached_property
    def switches(self) -> bool:
        """Whether each unit has two linear pieces, and so one bit of a pattern."""
        return self.slopes is not None and self.slopes[0] != self.slopes[1]

    def apply(self, z: np.ndarray) -> np.ndarray:
        """The activation of an array: exact on ``object`` arrays, ``float64`` otherwise."""
        if z.dtype == object:
            if self.exact_fn is None:
                raise ValueError(f"{self.name} of a rational number is not rational")
            return self.exact_fn(z)
        return self.float_fn(z)

    def gate(self, bits: np.ndarray, exact: bool) -> np.ndarray:
        """Each unit's slope on a region, from its pattern bits (1: ``z > 0``)."""
        off, on = self.slopes  # type: ignore[misc]
        if off == 0 and on == 1:
            return bits.astype(object) if exact else bits  # a mask: cheaper than a lookup
        table = np.array([off, on], dtype=object) if exact else np.array([off, on], float)
        return table[bits]

    def interval(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The image of ``[lo, hi]``, elementwise; every activation here is monotone."""
        return self.apply(lo), self.apply(hi)

    def latex(self, z: str, *, big: bool = False, written_out: bool = True) -> str:
        """LaTeX of the activation of ``z``: written out for a symbol, applied otherwise.

        ``written_out`` spells the function out (``\\frac{1}{1 + e^{-z}}``), which is only
        right for a single symbol ``z``; otherwise the applied form (``\\sigma(z)``).
        """
        if written_out and not big:
            return self.tex_written_out(z)
        return self.tex_apply(z, big)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


# -- the entries -------------------------------------------------------------------------------


def sigmoid(z: Any) -> np.ndarray:
    r"""The logistic function :math:`\sigma(z) = 1/(1 + e^{-z})`, without overflow.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    z = np.asarray(z, dtype=float)
    # exp of a non-positive number only: e^{-|z|} never overflows.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _relu_milp(L: Any, U: Any, zero: Any, one: Any) -> list[MilpRow]:
    """``h = max(0, z)`` with ``z`` in ``[L, U]``: big-M rows (Tjeng et al. 2019)."""
    if U <= 0:
        return [("dead", {"h": one}, zero, zero)]
    if L >= 0:
        return [("live", {"h": one, "z": -one}, zero, zero)]
    return [
        ("nonneg", {"h": one}, zero, None),
        ("above", {"h": one, "z": -one}, zero, None),
        ("active", {"h": one, "z": -one, "a": -L}, None, -L),
        ("inactive", {"h": one, "a": -U}, None, zero),
    ]


def _relu_milp_tex(kinds: list[str], v: dict[str, str], L: Any, U: Any,
                   number: Callable[[Any], str]) -> list[str]:
    """The rows of :func:`_relu_milp` as they read: ``h \\le z - L (1 - a)``, ``h \\le U a``."""
    h, z = v["h"], v.get("z", "")
    if kinds == ["dead"]:
        return [f"{h} &= 0"]
    if kinds == ["live"]:
        return [f"{h} &= {z}"]
    a = v["a"]
    u = number(U)
    u_times = "" if u == "1" else u + "\\, "
    return [
        f"{h} &\\ge 0",
        f"{h} \\ge {z}",
        f"{h} \\le {z} + {number(-L)}\\,(1 - {a})",
        f"{h} \\le {u_times}{a}",
        f"{a} \\in \\{{0, 1\\}}",
    ]


def relu() -> Activation:
    """:math:`\\max(0, z)`: off (slope 0) for ``z <= 0``, on (slope 1) for ``z > 0``."""
    return Activation(
        name="relu",
        float_fn=lambda z: np.maximum(z, 0.0),
        exact_fn=lambda z: np.where(z > 0, z, Fraction(0)),
        sympy_fn=_sympy_max0,
        tex_apply=lambda z, big: f"\\max\\left(0, {z}\\right)" if big else f"\\max(0, {z})",
        tex_written_out=lambda z: f"\\max(0, {z})",
        slopes=(Fraction(0), Fraction(1)),
        milp=_relu_milp,
        milp_tex=_relu_milp_tex,
    )


def identity() -> Activation:
    """:math:`z` itself: a linear read-out layer."""
    return Activation(
        name="identity",
        float_fn=lambda z: z,
        exact_fn=lambda z: z,
        sympy_fn=lambda z: z,
        tex_apply=lambda z, big: z,
        tex_written_out=lambda z: z,
        slopes=(Fraction(1), Fraction(1)),
    )


def _scaled_rows(rows: list[MilpRow], slope: Any, zero: Any) -> list[MilpRow]:
    """ReLU rows in ``r = relu(z)`` rewritten for ``h = slope z + (1 - slope) r``.

    Each row ``c_r r + c_z z + c_a a`` in ``[lo, hi]`` is multiplied by ``k = 1 - slope``
    and ``k r`` replaced by ``h - slope z``; a negative ``k`` (a slope above 1) swaps the
    sides.
    """
    k = 1 - slope
    out = []
    for kind, co, lo, hi in rows:
        cr = co.get("h", zero)
        coeffs = {"h": cr, "z": k * co.get("z", zero) - slope * cr}
        if "a" in co:
            coeffs["a"] = k * co["a"]
        coeffs = {role: c for role, c in coeffs.items() if c != 0}
        lo, hi = (None if lo is None else k * lo), (None if hi is None else k * hi)
        out.append((kind, coeffs, *((hi, lo) if k < 0 else (lo, hi))))
    return out


def leaky_relu(slope: Fraction = Fraction(1, 100)) -> Activation:
    """``z`` for ``z > 0`` and ``slope * z`` otherwise; PyTorch's default slope is 0.01.

    ``slope`` is exact, so an exact network with a leaky layer stays exact. It is at
    least 0 (so the function is monotone, which the interval map needs) and not 1 (the
    identity); ``leaky_relu(0)`` is the ReLU. Its mixed-integer rows are the ReLU's, for
    ``relu(z) = (h - slope z) / (1 - slope)``: one binary per unit that can switch.
    """
    if slope < 0:
        raise ValueError(f"leaky_relu slope {slope} is negative: the function would not be "
                         "monotone; give a slope of at least 0")
    if slope == 1:
        raise ValueError("leaky_relu(1) is the identity; use 'identity'")
    fslope = float(slope)
    below = "\\max" if slope < 1 else "\\min"

    def milp(L: Any, U: Any, zero: Any, one: Any) -> list[MilpRow]:
        s = slope * one
        if U <= 0:
            return [("dead", {"h": one, "z": -s}, zero, zero)]
        return _scaled_rows(_relu_milp(L, U, zero, one), s, zero)

    def milp_tex(kinds: list[str], v: dict[str, str], L: Any, U: Any,
                 number: Callable[[Any], str]) -> list[str]:
        h, z = v["h"], v.get("z", "")
        s = number(slope)
        if kinds == ["dead"]:
            return [f"{h} &= {s}\\, {z}"]
        if kinds == ["live"]:
            return [f"{h} &= {z}"]
        a, k = v["a"], 1 - slope
        ge, le = ("\\ge", "\\le") if k > 0 else ("\\le", "\\ge")
        return [
            f"{h} &{ge} {s}\\, {z}",
            f"{h} {ge} {z}",
            f"{h} {le} {z} + {number(-k * L)}\\,(1 - {a})",
            f"{h} {le} {s}\\, {z} + {number(k * U)}\\, {a}",
            f"{a} \\in \\{{0, 1\\}}",
        ]

    def tex(z: str, big: bool) -> str:
        name = f"\\operatorname{{lrelu}}_{{{_tex_number(slope)}}}"
        return f"{name}\\left({z}\\right)" if big else f"{name}({z})"

    return Activation(
        name=f"leaky_relu({slope})",
        float_fn=lambda z: np.where(z > 0, z, fslope * z),
        exact_fn=lambda z: np.where(z > 0, z, slope * z),
        sympy_fn=lambda z: _sympy_leaky(z, slope),
        tex_apply=tex,
        tex_written_out=lambda z: f"{below}({_tex_number(slope)}\\, {z}, {z})",
        slopes=(slope, Fraction(1)),
        milp=milp,
        milp_tex=milp_tex,
    )


def logistic() -> Activation:
    """:math:`1 / (1 + e^{-z})`, curved everywhere: no linear regions, no MILP."""
    return Activation(
        name="sigmoid",
        float_fn=sigmoid,
        exact_fn=None,
        sympy_fn=_sympy_sigmoid,
        tex_apply=lambda z, big: f"\\sigma\\left({z}\\right)" if big else f"\\sigma({z})",
        tex_written_out=lambda z: f"\\frac{{1}}{{1 + e^{{-{z}}}}}",
        slopes=None,
    )


def _sympy_max0(z: sp.Expr) -> sp.Expr:
    import sympy as sp

    return sp.Max(0, z)


def _sympy_leaky(z: sp.Expr, slope: Fraction) -> sp.Expr:
    import sympy as sp

    s = sp.Rational(slope.numerator, slope.denominator)
    return sp.Max(s * z, z) if slope < 1 else sp.Min(s * z, z)


def _tex_number(value: Fraction) -> str:
    from .formatting import number

    return number(value)


def _sympy_sigmoid(z: sp.Expr) -> sp.Expr:
    import sympy as sp

    return 1 / (1 + sp.exp(-z))


#: The activations a layer may use, by name: each entry builds its :class:`Activation`,
#: from the exact parameters written after the name if it takes any.
TABLE: dict[str, Callable[..., Activation]] = {
    "identity": identity,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "sigmoid": logistic,
}

_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?")


def names() -> tuple[str, ...]:
    """The names in :data:`TABLE`, in order."""
    return tuple(TABLE)


def lookup(name: str) -> Activation:
    """The :class:`Activation` a layer's name stands for.

    Parameters
    ----------
    name
        A name in :data:`TABLE`, followed by its exact parameters in brackets if it
        takes any (``"name(1/10)"``).

    Raises
    ------
    ValueError
        An unknown name, or the wrong number of parameters; the message lists the names.

    Examples
    --------
    >>> lookup("relu").name
    'relu'
    >>> lookup("tanh")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'tanh'; expected one of ('identity', 'relu', ...)
    >>> lookup("relu(1/2)")
    Traceback (most recent call last):
    ...
    ValueError: activation 'relu(1/2)': relu takes no parameters, got 1
    >>> lookup("leaky_relu(-1)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: activation 'leaky_relu(-1)': leaky_relu slope -1 is negative: ...
    """
    if not isinstance(name, str):
        raise ValueError(f"unknown activation {name!r}; expected one of {names()}")
    return _build(name)


@functools.cache
def _build(name: str) -> Activation:
    found = _NAME.fullmatch(name)
    if found is None or found.group(1) not in TABLE:
        raise ValueError(f"unknown activation {name!r}; expected one of {names()}")
    build = TABLE[found.group(1)]
    args = found.group(2)
    params = [parse_fraction(p, f"activation {name!r}") for p in args.split(",")] \
        if args else []
    accepted = inspect.signature(build).parameters.values()
    most = len(accepted)
    least = sum(1 for p in accepted if p.default is inspect.Parameter.empty)
    if not least <= len(params) <= most:
        wanted = "no" if most == 0 else str(most) if least == most else f"{least} to {most}"
        raise ValueError(
            f"activation {name!r}: {found.group(1)} takes {wanted} parameters, got {len(params)}"
        )
    try:
        return build(*params)
    except ValueError as err:
        raise ValueError(f"activation {name!r}: {err}") from None
