"""Slices: a network restricted to the line or the plane through given points.

A network with 64 inputs has no region map one can draw, but its restriction to a plane
has: on the plane ``x = p_0 + u (p_1 - p_0) + v (p_2 - p_0)`` the first layer's
pre-activations ``W x + b`` are ``W E (u, v) + (W p_0 + b)`` with ``E = [p_1 - p_0,
p_2 - p_0]``, so the restriction is an ordinary 2-input :class:`~reluineq.Network` whose
first layer is ``(W E, W p_0 + b)`` and whose other layers are the original ones. Its
activation regions are the original network's regions cut by the plane, each with the same
activation pattern, and on each the map is the original one composed with the plane's.

Through two points the slice is the 1-input network along the line, ``t = 0`` at ``p_0``
and ``t = 1`` at ``p_1``.

Examples
--------
>>> net = reluineq.Network([[[1, 0, 0], [0, 1, -1]], [[1, 1]]], [[0, 0], [0]],
...                        ["relu", "identity"])
>>> line = slice_network(net, [[0, 0, 0], [2, 1, 1]])
>>> line, line.layers[0].weight.tolist(), line.layers[0].bias.tolist()
(Network(1-2-1, relu-identity, exact), [[Fraction(2, 1)], [Fraction(0, 1)]], \
[Fraction(0, 1), Fraction(0, 1)])
>>> to_inputs([[0, 0, 0], [2, 1, 1]], [[Fraction(1, 2)]]).tolist()
[[Fraction(1, 1), Fraction(1, 2), Fraction(1, 2)]]
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from . import validate
from .network import Network
from .rational import exact_or_float
from .tolerances import TOL

__all__ = ["plane", "slice_network", "to_inputs"]


def plane(points: Any, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The affine map of the line or plane through ``points``: ``(origin, directions)``.

    A point with coordinates ``c`` on the slice is ``origin + directions @ c`` in the input
    space, with ``origin = p_0`` and the columns of ``directions`` ``p_1 - p_0`` (and
    ``p_2 - p_0``).

    Parameters
    ----------
    points
        Two or three points, each a sequence of ``n`` finite numbers. All exact (integers,
        ``Fraction``) gives exact arrays (``object`` dtype); any float gives ``float64``.
    n
        The input dimension the points must have, when known.

    Raises
    ------
    ValueError
        Not two or three points, points of the wrong length, non-finite coordinates, two
        equal points, or three points on one line (no plane through them).

    Examples
    --------
    >>> origin, E = plane([[1, 1], [2, 1], [1, 3.5]])
    >>> origin.tolist(), E.tolist()
    ([1.0, 1.0], [[1.0, 0.0], [0.0, 2.5]])
    >>> plane([[0, 0], [1, 1], [2, 2]])
    Traceback (most recent call last):
    ...
    ValueError: the three points lie on one line, so no plane passes through them alone
    """
    if isinstance(points, np.ndarray) and points.ndim == 2 and points.dtype.kind in "iuf" \
            and len(points) in (2, 3) and (n is None or points.shape[1] == n) \
            and np.isfinite(points).all():
        # An array of numbers (data points): checked at once, not number by number.
        P = points.astype(object) if points.dtype.kind in "iu" else points.astype(float)
        if P.dtype == object:
            P = np.vectorize(Fraction, otypes=[object])(P)
        origin, E = P[0], (P[1:] - P[0]).T
        _check_spread(E, P.dtype == object)
        return origin, E
    if isinstance(points, (str, bytes)) or not isinstance(points, (Sequence, np.ndarray)):
        raise ValueError(f"points must be two or three points, got {validate.a_kind(points)}")
    rows = [list(np.asarray(p, dtype=object).ravel()) if np.ndim(p) == 1 else None
            for p in points]
    if len(rows) not in (2, 3):
        raise ValueError(f"give two points (a line) or three (a plane), got {len(rows)}")
    width = n if n is not None else (len(rows[0]) if rows[0] is not None else 0)
    for k, row in enumerate(rows):
        if row is None or len(row) != width:
            got = "not a flat sequence" if row is None else f"{len(row)} coordinates"
            raise ValueError(f"point {k} must have {width} coordinates, got {got}")
    values = [[exact_or_float(v, f"point {k} coordinate {i}") for i, v in enumerate(row)]
              for k, row in enumerate(rows)]
    exact = all(not isinstance(v, float) for row in values for v in row)
    P = np.array(values, dtype=object if exact else float)
    origin, E = P[0], (P[1:] - P[0]).T
    _check_spread(E, exact)
    return origin, E


def _check_spread(E: np.ndarray, exact: bool) -> None:
    """Refuse equal points, and three points on one line: the slice would be degenerate."""
    u = E[:, 0]
    uu = u.dot(u)
    if uu == 0:
        raise ValueError("points 0 and 1 are equal: a line needs two different points")
    if E.shape[1] == 1:
        return
    v = E[:, 1]
    vv, uv = v.dot(v), u.dot(v)
    gram = uu * vv - uv * uv  # |u|^2 |v|^2 sin^2 of their angle
    flat = gram == 0 if exact else gram <= TOL * uu * vv
    if flat:
        raise ValueError("the three points lie on one line, so no plane passes through them "
                         "alone")


def slice_network(net: Network, points: Any) -> Network:
    """The network restricted to the line or plane through ``points``.

    Parameters
    ----------
    net
        Any network.
    points
        Two points: the 1-input network along the line, ``t = 0`` at ``points[0]`` and
        ``t = 1`` at ``points[1]``. Three points: the 2-input network on their plane in
        affine coordinates, ``(0, 0)`` at ``points[0]``, ``(1, 0)`` at ``points[1]`` and
        ``(0, 1)`` at ``points[2]``.

    Returns
    -------
    Network
        An ordinary network whose first layer is ``net``'s composed with the slice's
        affine map (:func:`plane`); exact when ``net`` and the points are exact.

    Examples
    --------
    >>> net = reluineq.Network.random([4, 3, 2], seed=0)
    >>> pts = [[0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0]]
    >>> flat = slice_network(net, pts)
    >>> flat
    Network(2-3-2, relu-identity, float)
    >>> bool(np.allclose(flat.forward([0.5, 2]), net.forward([0.5, 2, 2, 0])))
    True
    """
    validate.network(net)
    origin, E = plane(points, net.n_inputs)
    first = net.layers[0]
    exact = net.exact and origin.dtype == object
    if exact:
        W, b = first.weight, first.bias
    else:
        W, b = np.asarray(first.weight, dtype=float), np.asarray(first.bias, dtype=float)
        origin, E = origin.astype(float), E.astype(float)
    weights = [W.dot(E), *(layer.weight for layer in net.layers[1:])]
    biases = [W.dot(origin) + b, *(layer.bias for layer in net.layers[1:])]
    if not exact:
        weights = [np.asarray(w, dtype=float) for w in weights]
        biases = [np.asarray(v, dtype=float) for v in biases]
    return Network(weights, biases, list(net.activations))


def to_inputs(points: Any, coords: Any) -> np.ndarray:
    """Map coordinates on the slice through ``points`` back to the network's inputs.

    Parameters
    ----------
    points
        The two or three points the slice was made from.
    coords
        One point ``(k,)`` or a batch ``(m, k)`` of slice coordinates, ``k`` being 1 for
        a line and 2 for a plane.

    Returns
    -------
    numpy.ndarray
        ``origin + directions @ c`` for each ``c``: exact when the points and the
        coordinates are, ``float64`` otherwise.
    """
    origin, E = plane(points)
    C = np.asarray(coords, dtype=object)
    single = C.ndim == 1
    C2 = C[None, :] if single else C
    if C2.ndim != 2 or C2.shape[1] != E.shape[1]:
        raise ValueError(f"coordinates must have shape ({E.shape[1]},) or (m, {E.shape[1]}), "
                         f"got {C.shape}")
    values = [[exact_or_float(v, f"coordinate {i}") for i, v in enumerate(row)] for row in C2]
    exact = origin.dtype == object and all(
        not isinstance(v, float) for row in values for v in row)
    if exact:
        out = np.array(values, dtype=object).dot(E.T) + origin
    else:
        out = np.array(values, dtype=float) @ E.astype(float).T + origin.astype(float)
    return out[0] if single else out
