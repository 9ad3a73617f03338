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

import math
import numbers
import re
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = [
    "MAX_DIGITS",
    "binary_fraction",
    "check_number_text",
    "decimal_fraction",
    "exact_or_float",
    "finite_float",
    "is_exact",
    "parse_fraction",
    "scalar_kind",
    "shorten",
    "to_fraction",
]

#: Text a number may be written as: an integer fraction ``p/q`` or a decimal with an
#: optional exponent. It is what ``Fraction()`` reads, minus its ``nan`` and ``inf``.
NUMBER_TEXT = re.compile(r"[+-]?(\d+/\d+|(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)")

#: The most decimal digits the numerator or the denominator of a number read from text
#: may have. ``"1e100000000"`` is eleven characters but a 100-million-digit integer;
#: text is measured against this limit before it is converted, so such a number is
#: refused at once. The limit is well below Python's ``int_max_str_digits`` (4300 by
#: default), so that every number that loads can be written out again (``to_dict``, text
#: output). A float's 17 significant digits and 308 of exponent are far inside it.
MAX_DIGITS = 1000

#: The longest text of a number: :data:`MAX_DIGITS` digits over as many, a sign, a
#: decimal point and an exponent. Longer text is refused without being parsed.
MAX_TEXT = 2 * MAX_DIGITS + 16


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


def finite_float(value: Any, where: str) -> float:
    """``float(value)`` for a real number, or an error when no float holds it.

    An exact number beyond float64's range (``Fraction(10**400)``, written ``"1e400"``)
    looks finite, but a float network or box would hold it as ``inf``; it is refused
    with a message saying so, instead of an ``OverflowError`` or a silent ``inf``.

    Examples
    --------
    >>> finite_float(Fraction(1, 4), "box interval 0")
    0.25
    >>> finite_float(Fraction(10**400), "box interval 0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: box interval 0: 10000000000000000000000000000000... (401 characters) is beyond ...
    """
    try:
        out = float(value)
    except OverflowError:
        out = math.inf
    if math.isinf(out) and not isinstance(value, (float, np.floating)):
        text = str(value)
        if len(text) > 32:
            text = f"{text[:32]}... ({len(text)} characters)"
        raise ValueError(f"{where}: {text} is beyond the range of a float (about 1.8e308); "
                         "a float network or box cannot hold it")
    return out


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


def shorten(text: Any, keep: int = 24) -> str:
    """``repr`` of ``text``, cut to its first ``keep`` characters with its length when longer.

    Error messages quote what a user wrote, but never 5,000 digits of it.

    >>> shorten("1" * 5000)
    "'111111111111111111111111...' (5000 characters)"
    """
    if isinstance(text, str) and len(text) > keep:
        return f"{text[:keep]!r}"[:-1] + f"...' ({len(text)} characters)"
    return repr(text)


def check_number_text(text: str, where: str) -> None:
    """Refuse number text whose value would have more than :data:`MAX_DIGITS` digits.

    ``text`` is what :data:`NUMBER_TEXT` matches (or a JSON number). The size of the
    numerator and denominator is read from the digits and the exponent as written, before
    anything is converted, so that ``"1e100000000"`` costs nothing.

    Raises
    ------
    ValueError
        Naming ``where`` and the limit; the text is quoted shortened.

    Examples
    --------
    >>> check_number_text("12.5e-3", "bias")
    >>> check_number_text("1e100000000", "bias")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: bias: '1e100000000' has an exponent beyond the limit of 1000 digits ...
    """
    limit = f"the limit of {MAX_DIGITS} digits for a numerator or denominator"
    if len(text) > MAX_TEXT:
        raise ValueError(f"{where}: {shorten(text)} is longer than {limit}")
    body = text.strip().lstrip("+-")
    if "/" in body:
        for part in body.split("/"):
            if len(part.lstrip("0")) > MAX_DIGITS:
                raise ValueError(f"{where}: {shorten(text)} has more digits than {limit}")
        return
    mantissa, _, exp_text = body.lower().partition("e")
    whole, _, frac = mantissa.partition(".")
    # Checked even for zero: Fraction("0e999999999") builds 10**999999999 too.
    if len(exp_text.lstrip("+-").lstrip("0")) > len(str(MAX_DIGITS)):
        raise ValueError(f"{where}: {shorten(text)} has an exponent beyond {limit} "
                         "(it would take too long to compute)")
    digits = (whole + frac).lstrip("0")
    core = digits.rstrip("0")
    shift = int(exp_text or 0) - len(frac) + (len(digits) - len(core))
    # The value is core * 10**shift: the numerator has len(core) + shift digits, the
    # denominator (10**-shift over a common factor) at most 1 - shift.
    if core and (len(core) + max(shift, 0) > MAX_DIGITS or 1 - shift > MAX_DIGITS):
        raise ValueError(f"{where}: {shorten(text)} has more digits than {limit}")


def parse_fraction(text: str, where: str) -> Fraction:
    """Parse ``"3/4"``, ``"-2"``, ``"0.25"`` or ``"1e-3"`` as an exact ``Fraction``.

    Nothing is evaluated: the text must match :data:`NUMBER_TEXT` (so no ``nan``, ``inf``,
    names or expressions), ``p/0`` is refused, and so is a number whose numerator or
    denominator would have more than :data:`MAX_DIGITS` digits
    (:func:`check_number_text`), before it is converted.

    Raises
    ------
    ValueError
        Naming ``where`` and the text (shortened if long).

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
    if isinstance(stripped, str) and len(stripped) <= MAX_TEXT:
        matched = NUMBER_TEXT.fullmatch(stripped)
    else:
        matched = isinstance(stripped, str) and NUMBER_TEXT.fullmatch(stripped[:MAX_TEXT + 1])
    if not matched:
        raise ValueError(f"{where}: {shorten(text)} is not a number or fraction")
    check_number_text(stripped, where)
    try:
        return Fraction(stripped)
    except ZeroDivisionError:
        raise ValueError(f"{where}: {shorten(text)} is not a number or fraction: it divides "
                         "by zero") from None
