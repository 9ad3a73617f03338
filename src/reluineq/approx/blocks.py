"""Sigmoids and ReLUs as building blocks: softplus, staircases, bumps and hats."""

from __future__ import annotations

import numbers
from fractions import Fraction
from typing import Any

import numpy as np

from .. import validate
from ..activations import sigmoid
from ..network import Network
from ..rational import exact_or_float, to_fraction

__all__ = ["hat_network", "relu_hat", "sigmoid_bump", "sigmoid_staircase", "softplus"]


def softplus(x: Any) -> np.ndarray:
    r"""Softplus :math:`\log(1 + e^x)`, computed without overflow.

    It lies above :math:`\mathrm{relu}(x)` by at most :math:`\log 2` (at 0).

    Examples
    --------
    >>> [round(float(v), 6) for v in softplus([-1000.0, 0.0, 1000.0])]
    [0.0, 0.693147, 1000.0]
    """
    return np.logaddexp(0.0, np.asarray(x, dtype=float))


def sigmoid_staircase(x: Any, n: int) -> np.ndarray:
    r"""The sum of shifted sigmoids :math:`\sum_{i=1}^{n} \sigma(x - i + \tfrac12)`.

    Nair & Hinton (2010) observed that the infinite sum of such copies of a sigmoid is
    close to softplus, :math:`\sum_{i \ge 1} \sigma(x - i + \tfrac12) \approx
    \log(1 + e^x)`: a stack of binary units with shifted biases behaves like one
    rectified unit. With ``n`` terms the sum saturates at ``n`` for large ``x``.

    Examples
    --------
    One term is one sigmoid, centred at 1/2:

    >>> float(sigmoid_staircase(0.5, 1))
    0.5

    Fifty terms stay within about 0.011 below softplus for ``x`` up to about 40, the
    largest gap near 0 (the sum is a midpoint rule for the integral of the sigmoid,
    which is softplus):

    >>> x = np.linspace(-20, 40, 6001)
    >>> round(float(np.max(softplus(x) - sigmoid_staircase(x, 50))), 4)
    0.0106
    """
    n = validate.count(n, "n", 1)
    xs = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(xs)):
        raise ValueError("x contains NaN or infinite values")
    shifts = np.arange(1, n + 1) - 0.5
    return sigmoid(xs[..., None] - shifts).sum(axis=-1)


def sigmoid_bump(
    x: Any, left: float, right: float, height: float = 1.0, steepness: float = 50.0
) -> np.ndarray:
    r"""Nielsen's bump: two steep sigmoids, one up at ``left`` and one down at ``right``.

    .. math:: \text{height}\,\big[\sigma(s(x - \text{left})) - \sigma(s(x - \text{right}))\big]

    As the steepness :math:`s` grows it tends to ``height`` times the indicator of
    ``(left, right)`` (and ``height / 2`` at the two ends). Sums of such bumps
    approximate any continuous function of one variable (Nielsen, *Neural Networks and
    Deep Learning*, chapter 4).

    Examples
    --------
    >>> sigmoid_bump(np.array([0.0, 0.5, 1.0, 2.0]), 0, 1, height=2, steepness=1000).round(6)
    array([1., 2., 1., 0.])
    """
    left, right, height, steepness = (
        _real(v, name) for v, name in
        ((left, "left"), (right, "right"), (height, "height"), (steepness, "steepness"))
    )
    if not left < right:
        raise ValueError(f"need left < right, got left = {left}, right = {right}")
    if not steepness > 0:
        raise ValueError(f"steepness must be positive, got {steepness}")
    xs = np.asarray(x, dtype=float)
    return height * (sigmoid(steepness * (xs - left)) - sigmoid(steepness * (xs - right)))


def _real(v: Any, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(float(v)):
        raise ValueError(f"{name} must be a finite real number, got {v!r}")
    return float(v)


def _hat_weights(left: Any, peak: Any, right: Any, height: Any) -> tuple[list, list]:
    vals = [exact_or_float(v, name) for v, name in
            ((left, "left"), (peak, "peak"), (right, "right"), (height, "height"))]
    left, peak, right, height = vals
    if not left < peak < right:
        raise ValueError(f"need left < peak < right, got {left}, {peak}, {right}")
    if not all(isinstance(v, Fraction) for v in vals):
        left, peak, right, height = (float(v) for v in vals)
    up, down = height / (peak - left), height / (right - peak)
    return [left, peak, right], [up, -(up + down), down]


def relu_hat(x: Any, left: Any, peak: Any, right: Any, height: Any = 1) -> Any:
    r"""A hat from three ReLUs: 0 outside ``[left, right]``, ``height`` at ``peak``.

    .. math::

        \text{hat}(x) = \frac{H}{p - l}\,\mathrm{relu}(x - l)
          - \Big(\frac{H}{p - l} + \frac{H}{r - p}\Big)\mathrm{relu}(x - p)
          + \frac{H}{r - p}\,\mathrm{relu}(x - r)

    The first unit climbs, the second turns the climb into the descent, the third stops
    the descent at zero. Exact when ``x`` and the parameters are rational.

    Parameters
    ----------
    x
        A number or an array.
    left, peak, right
        ``left < peak < right``.
    height
        The value at ``peak``.

    Returns
    -------
    Same shape as ``x``: ``Fraction`` values for rational input, floats otherwise.

    Examples
    --------
    >>> [str(relu_hat(x, 0, 1, 3, height=6)) for x in (-1, 0, Fraction(1, 2), 1, 2, 3, 4)]
    ['0', '0', '3', '6', '3', '0', '0']
    >>> relu_hat(Fraction(1, 3), 0, 1, 3)
    Fraction(1, 3)
    >>> relu_hat(np.array([0.5, 2.5]), 0, 1, 3)
    array([0.5 , 0.25])
    """
    knots, coeffs = _hat_weights(left, peak, right, height)
    exact = isinstance(knots[0], Fraction)
    arr = np.asarray(x, dtype=object if exact else float)
    if exact and arr.dtype == object:
        try:
            xs = np.vectorize(to_fraction, otypes=[object])(arr)
        except TypeError:
            exact = False
    if not exact:
        knots, coeffs = [float(v) for v in knots], [float(v) for v in coeffs]
        xs = np.asarray(x, dtype=float)
        if not np.all(np.isfinite(xs)):
            raise ValueError("x contains NaN or infinite values")
        out = sum(c * np.maximum(xs - t, 0.0) for c, t in zip(coeffs, knots, strict=True))
        return out
    zero = Fraction(0)
    out = np.asarray(
        sum(c * np.where(xs - t > 0, xs - t, zero) for c, t in zip(coeffs, knots, strict=True)),
        dtype=object,
    )
    return out[()] if out.ndim == 0 else out


def hat_network(left: Any, peak: Any, right: Any, height: Any = 1) -> Network:
    """:func:`relu_hat` as a 1-3-1 :class:`~reluineq.Network` (exact for rationals).

    Examples
    --------
    >>> net = hat_network(0, 1, 3, height=6)
    >>> net
    Network(1-3-1, relu-identity, exact)
    >>> net.forward_exact([2])
    array([Fraction(3, 1)], dtype=object)
    """
    knots, coeffs = _hat_weights(left, peak, right, height)
    one = Fraction(1) if isinstance(knots[0], Fraction) else 1.0
    return Network([[[one]] * 3, [coeffs]], [[-t for t in knots], [0 * one]],
                   ["relu", "identity"])
