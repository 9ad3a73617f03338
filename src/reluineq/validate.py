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

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .network import Network
from .partition import Partition, Region
from .rational import decimal_fraction, finite_float, is_exact, scalar_kind

__all__ = ["box", "count", "index", "network", "region", "regions"]


def a_kind(value: Any) -> str:
    """What ``value`` is, for an error message: ``"a Network"``, ``"an int"``.

    >>> a_kind(3), a_kind([1])
    ('an int', 'a list')
    """
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def network(value: Any, *, needs: str | None = None) -> Network:
    """Check that ``value`` is a :class:`~reluineq.Network` and return it.

    Parameters
    ----------
    value
        The argument.
    needs
        What the caller computes that only a piecewise-linear network has (``"linear
        regions"``, ``"MILP encoding"``): a network with a curved layer is then refused.

    Raises
    ------
    TypeError
        Not a network.
    ValueError
        A curved (sigmoid) layer when ``needs`` is given; the message names it.
    """
    if not isinstance(value, Network):
        raise TypeError(f"expected a reluineq.Network, got {a_kind(value)}")
    curved = [layer.activation for layer in value.layers if not layer.act.piecewise_linear]
    if needs is not None and curved:
        raise ValueError(
            f"a {curved[0]} network has no {needs}: {curved[0]} is curved, so the network "
            "is affine on no piece of its input space"
        )
    return value


def index(value: Any, size: int, name: str, *, negative: bool = False, of: str = "") -> int:
    """Check an index into ``size`` things (outputs, layers) and return it as an ``int``.

    Parameters
    ----------
    value
        The argument: an integer (not a boolean).
    size
        How many things there are.
    name
        The argument's name, for messages (``"output"``, ``"layer"``).
    negative
        Also accept ``-size <= value < 0``, counted from the end as in Python; the
        result is then the non-negative index.
    of
        What holds the things, for messages; ``"the network has 2 outputs"`` by default.

    Examples
    --------
    >>> index(-1, 3, "layer", negative=True)
    2
    >>> index(3, 3, "output")
    Traceback (most recent call last):
    ...
    ValueError: output 3 is out of range: the network has 3 outputs
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer index, got {value!r}")
    k = int(value)
    low = -size if negative else 0
    if not low <= k < size:
        where = of or f"the network has {size} {name}{'' if size == 1 else 's'}"
        raise ValueError(f"{name} {k} is out of range: {where}")
    return k % size


def count(value: Any, name: str, least: int = 0) -> int:
    """Check a whole number of things (samples, steps), at least ``least``; return it.

    >>> count(3, "samples")
    3
    >>> count(True, "samples")
    Traceback (most recent call last):
    ...
    ValueError: samples must be a non-negative integer, got True
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or (
        value < least
    ):
        what = {0: "a non-negative integer", 1: "a positive integer"}.get(
            least, f"an integer >= {least}")
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return int(value)


def region(value: Any) -> Region:
    """Check that ``value`` is one :class:`~reluineq.Region` and return it."""
    if not isinstance(value, Region):
        raise TypeError(f"expected a reluineq.Region, got {a_kind(value)}")
    return value


def regions(value: Any, *, allow_empty: bool = False) -> Partition:
    """Check that ``value`` holds regions of one call of :func:`reluineq.regions`.

    Returns them as a :class:`~reluineq.partition.Partition`, which knows their network
    and box: the partition itself, or the part of it that a list of its regions (a
    slice, a sorted copy) makes.

    Raises
    ------
    TypeError
        Not a sequence (a network, a number), or an entry that is not a region.
    ValueError
        No regions at all (an empty partition is allowed with ``allow_empty``), or
        regions of different calls of :func:`reluineq.regions`.
    """
    if isinstance(value, Network):
        raise TypeError(
            "expected the regions of reluineq.regions(net, box), got a Network: pass the "
            "regions alone, they know their network and box"
        )
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(
            f"expected the regions of reluineq.regions(net, box), got {a_kind(value)}"
        )
    for k, r in enumerate(value):
        if not isinstance(r, Region):
            raise TypeError(f"region {k} is {a_kind(r)}, not a reluineq.Region")
    if len(value) == 0 and not (allow_empty and isinstance(value, Partition)):
        raise ValueError("no regions given: enumerate them with reluineq.regions(net, box)")
    return Partition.of(value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, numbers.Number) or is_exact(value) or (
        isinstance(value, np.ndarray) and value.ndim == 0
    ) or (type(value).__module__.startswith("sympy") and getattr(value, "is_number", False))


def _plain_float_box(value: Any, n: int) -> bool:
    """Whether ``value`` is ``n`` pairs of Python ints or floats, finite and increasing:
    a valid box that needs none of the checks below."""
    if type(value) not in (list, tuple) or len(value) != n:
        return False
    for row in value:
        if type(row) not in (list, tuple) or len(row) != 2:
            return False
        lo, hi = row
        if not (_plain_number(lo) and _plain_number(hi) and lo < hi):
            return False
    return True


def _plain_number(v: Any) -> bool:
    # Floats that are finite, and ints that a float holds exactly.
    return (type(v) is float and -math.inf < v < math.inf) or (
        type(v) is int and -(2**53) <= v <= 2**53)


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
    if not exact and _plain_float_box(value, n):
        return np.array(value, dtype=float)  # the common case, checked without a loop
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
            if isinstance(v, numbers.Real) and not isinstance(v, bool) and not is_exact(v) \
                    and np.isinf(float(v)):
                raise ValueError(
                    f"unbounded domain: {name} interval {i} has an infinite bound; "
                    "linear regions are enumerated inside a bounded box"
                )
            scalar_kind(v, f"{name} interval {i}")  # raises on NaN, booleans, non-numbers
            # An exact bound past float64's range ("1e400") looks finite; refuse it here.
            pair.append(decimal_fraction(v) if exact else finite_float(v, f"{name} interval {i}"))
        lo, hi = pair
        if not lo < hi:
            raise ValueError(f"{name} interval {i} is empty or flat: low {lo} >= high {hi}")
        out.append(pair)
    return np.array(out, dtype=object if exact else float)
