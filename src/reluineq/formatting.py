"""Writing numbers and affine forms, in LaTeX or in plain text: one formatter for all.

The LaTeX of :mod:`reluineq.latex` and :mod:`reluineq.lp`, the labels of the figures, the
command line's text and the Python source of :mod:`reluineq.program` all write their
numbers with :func:`number` and their affine forms with :func:`linear`. ``precision``
always counts significant digits of floats; exact numbers are written exactly (``3/4``,
``\\frac{3}{4}``), and a non-zero coefficient is never rounded away.

Examples
--------
>>> number(0.0004), number(123.456), number(Fraction(-3, 4)), number(2.0)
('0.0004', '123', '-\\\\frac{3}{4}', '2')
>>> linear([0.0004, -1], 0, ["x", "y"]), linear([Fraction(1, 2), 1], 1, plain=True)
('0.0004 x - y', '1/2*x1 + x2 + 1')
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from .rational import is_exact, to_fraction

__all__ = ["bounded", "check_precision", "linear", "number", "symbol_names"]


def check_precision(precision: Any) -> int:
    """``precision`` (significant digits) as an ``int``, or ``ValueError`` naming it."""
    if not isinstance(precision, numbers.Integral) or isinstance(precision, bool) or precision < 1:
        raise ValueError(f"precision must be a positive integer, got {precision!r}")
    return int(precision)


def _exact(value: Any) -> Fraction | None:
    """The value as a Fraction when it is exact (int, Fraction, sympy Rational), else None."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"booleans are not numbers here: {value!r}")
    return to_fraction(value) if is_exact(value) else None


def number(value: Any, precision: int = 3, *, plain: bool = False) -> str:
    """One number in LaTeX: integers as is, rationals as ``\\frac``, floats rounded.

    Parameters
    ----------
    value
        ``int``, ``Fraction``, sympy ``Rational``/``Float`` or ``float``.
    precision
        Significant digits of floats. Floats with an integer value print without
        decimals; very small or large ones as ``m \\times 10^{e}``.
    plain
        Plain text instead of LaTeX (``3/4``, ``1.5e-07``).

    Examples
    --------
    >>> number(Fraction(-3, 4)), number(2), number(0.123456), number(2.0)
    ('-\\\\frac{3}{4}', '2', '0.123', '2')
    >>> number(1.5e-7, precision=2), number(Fraction(3, 4), plain=True)
    ('1.5 \\\\times 10^{-7}', '3/4')
    """
    precision = check_precision(precision)
    q = _exact(value)
    if q is not None:
        if q.denominator == 1:
            return str(q.numerator)
        if plain:
            return f"{q.numerator}/{q.denominator}"
        sign = "-" if q < 0 else ""
        return f"{sign}\\frac{{{abs(q.numerator)}}}{{{q.denominator}}}"
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{value!r} ({type(value).__name__}) is not a real number") from None
    if not np.isfinite(v):
        raise ValueError(f"cannot print the non-finite number {v!r}")
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v)) if v != 0 else "0"
    text = f"{v:.{precision}g}"
    if text in ("-0", "0"):
        return "0"
    if plain or "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else (
        f"-{power}" if mantissa == "-1" else f"{mantissa} \\times {power}"
    )


def _is_zero(value: Any) -> bool:
    q = _exact(value)
    return q == 0 if q is not None else float(value) == 0.0


def _is_negative(value: Any) -> bool:
    q = _exact(value)
    return q < 0 if q is not None else float(value) < 0.0


def symbol_names(n: int, symbols: Sequence[Any] | None, plain: bool = False) -> list[str]:
    """Names of ``n`` variables: ``x_{1}, ...`` (``x1, ...`` in plain text) by default,
    else the given strings, or sympy symbols written in LaTeX (or plain text)."""
    if symbols is None:
        return [f"x{k}" if plain else f"x_{{{k}}}" for k in range(1, n + 1)]
    if isinstance(symbols, str) or len(symbols) != n:
        raise ValueError(f"expected {n} input symbols (a sequence), got {symbols!r}")
    out = []
    for s in symbols:
        if isinstance(s, str):
            out.append(s)
        else:
            import sympy as sp

            out.append(str(s) if plain else sp.latex(s))
    return out


def linear(
    coefficients: Sequence[Any],
    constant: Any = 0,
    symbols: Sequence[Any] | None = None,
    precision: int = 3,
    *,
    plain: bool = False,
    times: str | None = None,
) -> str:
    """An affine form ``a_1 x_1 + ... + a_n x_n + b`` written the way one would by hand.

    Zero terms are dropped, unit coefficients are not written (``x_1``, not ``1 x_1``) and
    negative terms are subtracted (``x_1 - x_2``, not ``x_1 + -x_2``).

    Parameters
    ----------
    coefficients
        ``a_1, ..., a_n``.
    constant
        ``b``.
    symbols
        LaTeX (or, with ``plain``, text) names of the variables, or sympy symbols;
        ``x_{1}, ..., x_{n}`` by default.
    precision
        Significant digits of floats (see :func:`number`).
    plain
        Plain text (``x1 - 2*x2 + 1/2``) instead of LaTeX.
    times
        What joins a coefficient to its variable: ``"*"`` in plain text (valid Python),
        a space in LaTeX, by default.

    Examples
    --------
    >>> linear([1, -2], Fraction(1, 2))
    'x_{1} - 2 x_{2} + \\\\frac{1}{2}'
    >>> linear([Fraction(-1, 3), 0], 0, plain=True), linear([0, 0], 0)
    ('-1/3*x1', '0')
    >>> linear([0.5, -1.0], -0.25, symbols=["a", "b"])
    '0.5 a - b - 0.25'
    """
    precision = check_precision(precision)
    names = symbol_names(len(coefficients), symbols, plain)
    if times is None:
        times = "*" if plain else " "
    terms: list[tuple[bool, str]] = []
    for a, name in zip(coefficients, names, strict=True):
        if _is_zero(a):
            continue
        mag = number(abs(a) if _exact(a) is None else abs(_exact(a)), precision, plain=plain)
        body = name if mag == "1" else f"{mag}{times}{name}"
        terms.append((_is_negative(a), body))
    if not _is_zero(constant) or not terms:
        mag = number(abs(constant) if _exact(constant) is None else abs(_exact(constant)),
                     precision, plain=plain)
        terms.append((_is_negative(constant), mag))
    text = ""
    for k, (neg, body) in enumerate(terms):
        if k == 0:
            text = f"-{body}" if neg else body
        else:
            text += f" - {body}" if neg else f" + {body}"
    return text


def bounded(middle: str, low: str | None, high: str | None, *, plain: bool = False) -> str:
    r"""``low <= middle <= high`` in LaTeX (``\le``) or plain text, or the one side given.

    Examples
    --------
    >>> bounded("x_{1}", "-1", "1"), bounded("x1", None, "2", plain=True)
    ('-1 \\le x_{1} \\le 1', 'x1 <= 2')
    >>> bounded("z", "0", None)
    'z \\ge 0'
    """
    le, ge = ("<=", ">=") if plain else ("\\le", "\\ge")
    if low is not None and high is not None:
        return f"{low} {le} {middle} {le} {high}"
    if low is not None:
        return f"{middle} {ge} {low}"
    return f"{middle} {le} {high}"
