"""Exact interpolation: the one-hidden-layer ReLU network through given points, in closed form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from .. import validate
from ..network import Network
from ..rational import exact_or_float

__all__ = ["Interpolant", "fit_loglog_slope", "interpolant", "interpolating_network",
           "interpolation_error"]


@dataclass(frozen=True)
class Interpolant:
    """The closed form of :func:`interpolant`: knots, values, slopes and the network.

    Attributes
    ----------
    knots, values : tuple
        ``t_0 < ... < t_{k-1}`` and ``y_i = f(t_i)``.
    slopes : tuple
        ``s_i = (y_{i+1} - y_i) / (t_{i+1} - t_i)``, one per piece.
    coefficients : tuple
        Output weights: ``s_0``, then ``s_i - s_{i-1}`` for each interior knot.
    network : Network
        1 input, ``k - 1`` ReLU units ``relu(x - t_i)``, 1 identity output with bias
        ``y_0``; exact when knots and values are rational.
    """

    knots: tuple
    values: tuple
    slopes: tuple
    coefficients: tuple
    network: Network

    def __call__(self, x: Any) -> np.ndarray:
        """The interpolant at points ``x`` (float), through the network."""
        xs = np.asarray(x, dtype=float)
        return self.network.forward(xs.reshape(-1, 1))[:, 0].reshape(xs.shape)


def interpolant(f: Callable[[Any], Any] | Sequence[Any], knots: Sequence[Any]) -> Interpolant:
    r"""The one-hidden-layer ReLU network through ``(t_i, f(t_i))``, in closed form.

    With knots :math:`t_0 < t_1 < \dots < t_{k-1}`, values :math:`y_i = f(t_i)` and slopes
    :math:`s_i = (y_{i+1} - y_i)/(t_{i+1} - t_i)`, the piecewise-linear interpolant on
    :math:`[t_0, t_{k-1}]` is

    .. math::

        g(x) = y_0 + s_0\,\mathrm{relu}(x - t_0)
               + \sum_{i=1}^{k-2} (s_i - s_{i-1})\,\mathrm{relu}(x - t_i):

    the first unit starts the first slope, and each interior knot's unit turns the slope
    by the change :math:`s_i - s_{i-1}`. Every weight is a closed form of the data, no
    training involved. Left of :math:`t_0` the network is constant :math:`y_0`; right
    of :math:`t_{k-1}` it continues the last slope.

    Parameters
    ----------
    f
        A function, called once on each knot as given (so ``lambda x: x**2`` on
        ``Fraction`` knots stays exact), or the sequence of values itself.
    knots
        At least two strictly increasing finite numbers.

    Returns
    -------
    Interpolant
        The pieces of the formula and the :class:`~reluineq.Network`; the network is
        exact when every knot and value is rational (``int``, ``Fraction``, sympy
        ``Rational``), float otherwise.

    Raises
    ------
    ValueError
        Fewer than two knots, knots not strictly increasing, non-finite knots or values,
        or as many values as knots not given.

    Examples
    --------
    ``x**2`` through the knots 0, 1, 2, 3: slopes 1, 3, 5, so the units at 1 and 2 turn
    the slope by 2 each:

    >>> g = interpolant(lambda x: x**2, [0, 1, 2, 3])
    >>> [str(s) for s in g.slopes], [str(c) for c in g.coefficients]
    (['1', '3', '5'], ['1', '2', '2'])
    >>> g.network
    Network(1-3-1, relu-identity, exact)
    >>> g.network.forward_exact([Fraction(3, 2)])
    array([Fraction(5, 2)], dtype=object)
    """
    if isinstance(knots, (str, bytes)) or not isinstance(knots, (Sequence, np.ndarray)):
        raise TypeError(f"knots must be a sequence of numbers, got {knots!r}")
    ts = [exact_or_float(t, f"knot {i}")
          for i, t in enumerate(np.asarray(knots, dtype=object).ravel())]
    if np.ndim(knots) != 1:
        raise ValueError(f"knots must be one-dimensional, got shape {np.shape(knots)}")
    if len(ts) < 2:
        raise ValueError(f"need at least two knots, got {len(ts)}")
    for i in range(len(ts) - 1):
        if not ts[i] < ts[i + 1]:
            raise ValueError(
                f"knots must be strictly increasing: knot {i} = {ts[i]} and knot {i + 1} = "
                f"{ts[i + 1]}"
            )
    if callable(f):
        raw = [f(t) for t in ts]
    else:
        if isinstance(f, (str, bytes)) or np.ndim(f) != 1:
            raise TypeError("f must be a function or a one-dimensional sequence of values")
        raw = list(f)
        if len(raw) != len(ts):
            raise ValueError(f"{len(raw)} values given for {len(ts)} knots")
    ys = [exact_or_float(y, f"value at knot {i}") for i, y in enumerate(raw)]
    exact = all(isinstance(v, Fraction) for v in ts + ys)
    if not exact:
        ts, ys = [float(t) for t in ts], [float(y) for y in ys]
    slopes = [(ys[i + 1] - ys[i]) / (ts[i + 1] - ts[i]) for i in range(len(ts) - 1)]
    coeffs = [slopes[0]] + [slopes[i] - slopes[i - 1] for i in range(1, len(slopes))]
    one = Fraction(1) if exact else 1.0
    net = Network(
        [[[one] for _ in slopes], [coeffs]],
        [[-t for t in ts[:-1]], [ys[0]]],
        ["relu", "identity"],
    )
    return Interpolant(tuple(ts), tuple(ys), tuple(slopes), tuple(coeffs), net)


def interpolating_network(
    f: Callable[[Any], Any] | Sequence[Any], knots: Sequence[Any]
) -> Network:
    """The network of :func:`interpolant` alone.

    Examples
    --------
    >>> net = interpolating_network([0, 1, 0], [-1, 0, 1])  # a hat
    >>> [net.forward_exact([x])[0] for x in (-1, Fraction(-1, 2), 0, 1)]
    [Fraction(0, 1), Fraction(1, 2), Fraction(1, 1), Fraction(0, 1)]
    """
    return interpolant(f, knots).network


def interpolation_error(
    f: Callable[[np.ndarray], np.ndarray],
    k_values: Sequence[int],
    interval: tuple[float, float],
    n_eval: int = 4001,
) -> np.ndarray:
    r"""Largest error of the ``k``-knot interpolating network, for each ``k``.

    Knots are equally spaced on the interval, and the error
    :math:`\max_x |f(x) - g_k(x)|` is taken over ``n_eval`` equally spaced points. For a
    :math:`C^2` function it is at most :math:`h^2 \max|f''| / 8` with
    :math:`h = (b - a)/(k - 1)`, so it falls like :math:`k^{-2}`.

    Parameters
    ----------
    f
        A vectorised function (``np.sin``, ``lambda x: x**2``).
    k_values
        Numbers of knots, each at least 2.
    interval
        ``(a, b)`` with ``a < b`` finite (or ``[(a, b)]``, a box of one input).
    n_eval
        Evaluation points; keep it well above the largest ``k``.

    Returns
    -------
    numpy.ndarray
        One maximal error per ``k``.

    Examples
    --------
    For ``x**2`` on ``[0, 1]`` the bound :math:`h^2/4` is attained at the midpoints:

    >>> interpolation_error(lambda x: x**2, [2, 3, 5], (0, 1), n_eval=9)
    array([0.25    , 0.0625  , 0.015625])
    """
    (a, b), = validate.box(interval, 1, name="interval")
    n_eval = validate.count(n_eval, "n_eval", 2)
    ks = [validate.count(k, "k", 2) for k in k_values]
    if not ks:
        raise ValueError("k_values is empty")
    grid = np.linspace(a, b, int(n_eval))
    fx = np.asarray(f(grid), dtype=float)
    if fx.shape != grid.shape:
        raise ValueError(
            f"f must be vectorised: f(array of shape {grid.shape}) gave shape {fx.shape}"
        )
    errors = []
    for k in ks:
        knots = np.linspace(a, b, k)
        g = interpolant([float(v) for v in f(knots)], [float(t) for t in knots])
        errors.append(float(np.max(np.abs(fx - g(grid)))))
    return np.array(errors)


def fit_loglog_slope(ks: Sequence[float], errors: Sequence[float]) -> float:
    r"""Least-squares slope of :math:`\log(\text{error})` against :math:`\log k`.

    An error :math:`C k^{p}` gives slope :math:`p`; piecewise-linear interpolation of a
    smooth function gives :math:`p \approx -2`.

    Examples
    --------
    >>> round(fit_loglog_slope([1, 2, 4, 8], [1, 0.25, 0.0625, 0.015625]), 12)
    -2.0
    """
    k = np.asarray(ks, dtype=float)
    e = np.asarray(errors, dtype=float)
    if k.ndim != 1 or k.shape != e.shape or len(k) < 2:
        raise ValueError(
            f"need two 1-D sequences of the same length >= 2, got shapes {k.shape}, {e.shape}"
        )
    if not (np.all(np.isfinite(k)) and np.all(np.isfinite(e))):
        raise ValueError("ks and errors must be finite")
    if np.any(k <= 0) or np.any(e <= 0):
        raise ValueError("ks and errors must be positive to take logarithms")
    if np.ptp(k) == 0:
        raise ValueError("ks are all equal: the slope is undefined")
    return float(np.polyfit(np.log(k), np.log(e), 1)[0])
