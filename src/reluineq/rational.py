"""Reading numbers: what counts as exact, converting to ``Fraction``, parsing text.

Every module that takes numbers from a user goes through here, so that "exact" means the
same thing everywhere: an ``int`` (NumPy integers included), a ``fractions.Fraction`` or a
sympy ``Rational``. Booleans are never numbers. Floats are floats; where an exact network
needs a float as a rational, :func:`decimal_fraction` reads it by its shortest decimal form
(``0.1`` is ``1/10``), and text is parsed by :func:`parse_fraction`, which evaluates
nothing.

Examples
--------
>>> import sympy as sp
>>> is_exact(3), is_exact(Fraction(1, 2)), is_exact(sp.Rational(1, 3)), is_exact(0.5)
(True, True, True, False)
>>> to_fraction(sp.Rational(3, 4)), decimal_fraction(0.1), parse_fraction("-3/4", "bias")
(Fraction(3, 4), Fraction(1, 10), Fraction(-3, 4))
"""

from __future__ import annotations

import numbers
import re
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "binary_fraction",
    "decimal_fraction",
    "exact_or_float",
    "is_exact",
    "parse_fraction",
    "scalar_kind",
    "to_fraction",
]

#: Text a number may be written as: an integer fraction ``p/q`` or a decimal with an
#: optional exponent. It is what ``Fraction()`` reads, minus its ``nan`` and ``inf``.
NUMBER_TEXT = re.compile(r"[+-]?(\d+/\d+|(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)")


def _is_sympy_rational(value: Any) -> bool:
    # Checked by attribute so that sympy is imported only by those who use it.
    return type(value).__module__.startswith("sympy") and bool(getattr(value, "is_Rational", False))


def is_exact(value: Any) -> bool:
    """Whether ``value`` is an exact rational: ``int``, ``Fraction`` or sympy ``Rational``.

    Booleans are not numbers here, and floats are not exact.
    """
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, (Fraction, numbers.Integral)) or _is_sympy_rational(value)


def to_fraction(value: Any) -> Fraction:
    """Convert an exact number (int, ``Fraction``, sympy rational) to a ``Fraction``.

    Parameters
    ----------
    value
        An ``int``, ``fractions.Fraction``, NumPy integer or sympy ``Rational``.

    Returns
    -------
    Fraction

    Raises
    ------
    TypeError
        If ``value`` is not an exact rational number (floats are not: use
        :func:`decimal_fraction` or ``Fraction(x)`` if you mean a float as a rational).

    Examples
    --------
    >>> import sympy as sp
    >>> to_fraction(sp.Rational(3, 4)), to_fraction(2)
    (Fraction(3, 4), Fraction(2, 1))
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"booleans are not numbers: {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if _is_sympy_rational(value):
        return Fraction(int(value.p), int(value.q))
    raise TypeError(f"{value!r} ({type(value).__name__}) is not an exact rational number")


def decimal_fraction(value: Any) -> Fraction:
    """A number as a ``Fraction``: exact ones as they are, floats by their shortest decimal.

    ``0.1`` becomes ``1/10``, the number its writer meant, not the binary float nearest
    to it.

    Examples
    --------
    >>> decimal_fraction(0.1), decimal_fraction(Fraction(1, 3)), decimal_fraction(2)
    (Fraction(1, 10), Fraction(1, 3), Fraction(2, 1))
    """
    if is_exact(value):
        return to_fraction(value)
    return Fraction(repr(float(value)))


def binary_fraction(value: Any) -> Fraction:
    """A number as a ``Fraction``: exact ones as they are, floats by their exact binary value.

    Use it where a float is a point to compute at exactly (a sample point), and
    :func:`decimal_fraction` where it is a number someone wrote.

    Examples
    --------
    >>> binary_fraction(0.5), binary_fraction(0.1) == Fraction(1, 10)
    (Fraction(1, 2), False)
    """
    if is_exact(value):
        return to_fraction(value)
    scalar_kind(value, "number")  # refuses booleans, NaN and non-numbers
    return Fraction(float(value))


def scalar_kind(value: Any, where: str) -> str:
    """``"exact"`` or ``"float"`` for one real number, or an error naming ``where``.

    Raises
    ------
    TypeError
        A boolean, a non-number, or a sympy number that is not rational.
    ValueError
        A float that is NaN or infinite.

    Examples
    --------
    >>> scalar_kind(Fraction(1, 2), "w"), scalar_kind(0.5, "w")
    ('exact', 'float')
    >>> scalar_kind(True, "layer 0 weight[0, 0]")
    Traceback (most recent call last):
    ...
    TypeError: layer 0 weight[0, 0]: booleans are not numbers here, got True
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{where}: booleans are not numbers here, got {value!r}")
    if is_exact(value):
        return "exact"
    if isinstance(value, numbers.Real):
        if not np.isfinite(float(value)):
            raise ValueError(f"{where}: non-finite value {value!r}")
        return "float"
    if type(value).__module__.startswith("sympy") and getattr(value, "is_number", False):
        raise TypeError(
            f"{where}: sympy number {value} is not rational; pass a float or a Rational"
        )
    raise TypeError(
        f"{where}: non-numeric entry {value!r} ({type(value).__name__}), expected a real number"
    )


def exact_or_float(value: Any, where: str) -> Fraction | float:
    """An exact number as ``Fraction``, any other real as a finite ``float``.

    A 0-d NumPy array counts as its element. Errors name ``where`` (see
    :func:`scalar_kind`).

    Examples
    --------
    >>> exact_or_float(3, "knot 0"), exact_or_float(np.float32(0.5), "knot 1")
    (Fraction(3, 1), 0.5)
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if scalar_kind(value, where) == "exact":
        return to_fraction(value)
    return float(value)


def parse_fraction(text: str, where: str) -> Fraction:
    """Parse ``"3/4"``, ``"-2"``, ``"0.25"`` or ``"1e-3"`` as an exact ``Fraction``.

    Nothing is evaluated: the text must match :data:`NUMBER_TEXT` (so no ``nan``, ``inf``,
    names or expressions), and ``p/0`` is refused.

    Raises
    ------
    ValueError
        Naming ``where`` and the text.

    Examples
    --------
    >>> parse_fraction(" 1/3 ", "bias"), parse_fraction("2.5e-1", "bias")
    (Fraction(1, 3), Fraction(1, 4))
    >>> parse_fraction("__import__('os')", "layer 0 bias")
    Traceback (most recent call last):
    ...
    ValueError: layer 0 bias: "__import__('os')" is not a number or fraction
    """
    stripped = text.strip() if isinstance(text, str) else text
    if not isinstance(stripped, str) or not NUMBER_TEXT.fullmatch(stripped):
        raise ValueError(f"{where}: {text!r} is not a number or fraction")
    try:
        return Fraction(stripped)
    except ZeroDivisionError:
        raise ValueError(f"{where}: {text!r} is not a number or fraction: it divides by zero") \
            from None
