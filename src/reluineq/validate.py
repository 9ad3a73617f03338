"""Checks of the arguments every public function shares: boxes, networks, indices, counts.

Each function here either returns the argument in the form the library computes with, or
raises an error that names the argument and what is wrong with it, before any work starts.
The same argument is checked the same way in every module.

A box follows one rule everywhere: a sequence of ``(low, high)`` pairs, one per input,
each a finite interval with ``low < high``; for a single input the bare pair ``(low,
high)`` is also a box.

Examples
--------
>>> box([(-1, 1), (0, 2)], 2).tolist()
[[-1.0, 1.0], [0.0, 2.0]]
>>> box((0, 0.5), 1, exact=True).tolist()
[[Fraction(0, 1), Fraction(1, 2)]]
>>> box((-1, 1), 2)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: box (-1, 1) is a single interval but there are 2 inputs: give one ...
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .rational import decimal_fraction, is_exact, scalar_kind

__all__ = ["box"]


def _is_scalar(value: Any) -> bool:
    return isinstance(value, numbers.Number) or is_exact(value) or (
        isinstance(value, np.ndarray) and value.ndim == 0
    ) or (type(value).__module__.startswith("sympy") and getattr(value, "is_number", False))


def box(value: Any, n: int, exact: bool = False, *, name: str = "box") -> np.ndarray:
    """Check a box and return it as an ``(n, 2)`` array of its lows and highs.

    Parameters
    ----------
    value
        ``[(low, high), ...]`` with one pair per input, or ``(low, high)`` when ``n`` is 1.
        Bounds are finite real numbers (``int``, ``float``, ``Fraction``, sympy
        ``Rational``), never booleans.
    n
        The number of inputs.
    exact
        Return ``Fraction`` bounds (``object`` array), floats read by their shortest
        decimal (``0.1`` is ``1/10``); otherwise ``float64``.
    name
        What the argument is called in error messages.

    Raises
    ------
    ValueError
        Not a sequence of pairs, the wrong number of intervals, an infinite or NaN bound,
        an interval with ``low >= high``.
    TypeError
        A bound that is a boolean or not a number.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise ValueError(
            f"{name} must be a sequence of (low, high) pairs, one per input, got {value!r}"
        )
    rows = list(value)
    if len(rows) == 2 and all(_is_scalar(v) for v in rows):
        if n != 1:
            lo, hi = rows
            raise ValueError(
                f"{name} ({lo!r}, {hi!r}) is a single interval but there are {n} inputs: "
                f"give one (low, high) pair per input, e.g. {[(lo, hi)] * n!r}"
            )
        rows = [rows]
    if len(rows) != n:
        raise ValueError(f"{name} has {len(rows)} intervals but the network has {n} inputs")
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, (Sequence, np.ndarray)) or (
            len(row) != 2
        ):
            raise ValueError(f"{name} interval {i} must be a (low, high) pair, got {row!r}")
        pair = []
        for v in row:
            if isinstance(v, np.ndarray) and v.ndim == 0:
                v = v.item()
            if isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isinf(float(v)):
                raise ValueError(
                    f"unbounded domain: {name} interval {i} has an infinite bound; "
                    "linear regions are enumerated inside a bounded box"
                )
            scalar_kind(v, f"{name} interval {i}")  # raises on NaN, booleans, non-numbers
            pair.append(decimal_fraction(v) if exact else float(v))
        lo, hi = pair
        if not lo < hi:
            raise ValueError(f"{name} interval {i} is empty or flat: low {lo} >= high {hi}")
        out.append(pair)
    return np.array(out, dtype=object if exact else float)
