"""The activation region that holds one input, in any dimension (:func:`region_at`).

Enumerating every region of a 64-input network is out of reach, but the region of one
input is not: its activation pattern fixes every unit's pre-activation as an affine map of
the input, so the region is cut out by one inequality per unit and the box's faces. Which
of those are facets is decided by linear programs (:func:`reluineq.polyhedra.irredundant`),
and the largest ball inside the region by one more (:func:`reluineq.polyhedra.chebyshev_ball`).
Nothing else is enumerated.

Examples
--------
>>> net = reluineq.Network([[[1, 0], [0, 1], [1, 1]], [[1, -1, 1]]], [[0, 0, -1], [0]],
...                        ["relu", "identity"])
>>> r = region_at(net, [Fraction(1, 2), Fraction(1, 4)], [(-3, 3), (-3, 3)])
>>> r.pattern, r.labels
((1, 1, 0), (('unit', 0, 0), ('unit', 0, 1), ('unit', 0, 2)))
>>> reluineq.latex.inequality_lines(r, plain=True), reluineq.latex.affine_map(r)
(['x1 >= 0', 'x2 >= 0', 'x1 + x2 - 1 <= 0'], 'y = x_{1} - x_{2}')
>>> round(r.radius, 4)  # to the nearest facet, x1 + x2 = 1: (1 - 3/4) / sqrt(2)
0.1768
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import numpy as np

from . import polyhedra, validate
from .network import Network
from .partition import Enumeration, Region, SwitchLayer
from .rational import exact_or_float

__all__ = ["PointRegion", "region_at"]


class _One(Enumeration):
    """An :class:`~reluineq.partition.Enumeration` of one region, whose system is given."""

    def __init__(self, net: Network, box: np.ndarray, pattern: np.ndarray, maps: np.ndarray,
                 layers: list[SwitchLayer], system: tuple[np.ndarray, np.ndarray, tuple],
                 x: np.ndarray, ball: polyhedra.Ball) -> None:
        super().__init__(net, box)
        self.switch_layers = layers
        self.patterns = pattern[None, :]
        self.maps = maps[None, :, :]
        self._system = system
        self.x, self.ball = x, ball

    def region(self, i: int) -> PointRegion:
        return PointRegion(self, i)

    def system(self, i: int) -> tuple[np.ndarray, np.ndarray, tuple]:
        return self._system

    def vertices(self, i: int) -> np.ndarray:
        A, c, _ = self._system
        if self.n > 3:
            raise ValueError(f"the vertices of a {self.n}-dimensional region are not "
                             "enumerated; its ball and its system describe it")
        return _vertices(A, c, self.ball.centre)


class PointRegion(Region):
    """The region :func:`region_at` found: a :class:`~reluineq.Region` with the point it
    was asked for and the largest balls inside it.

    ``A``, ``c``, ``labels``, ``pattern``, ``M`` and ``d`` are as for every region; its
    vertices are computed only up to three dimensions.
    """

    __slots__ = ()

    @property
    def x(self) -> np.ndarray:
        """The point whose region this is."""
        return self._e.x

    @property
    def ball(self) -> polyhedra.Ball:
        """The largest ball inside the region (its Chebyshev ball), by one LP."""
        return self._e.ball

    @property
    def radius(self) -> float:
        """The largest Euclidean ball around :attr:`x` inside the region: the distance from
        ``x`` to the nearest facet (0 when ``x`` lies on the region's boundary)."""
        return max(0.0, polyhedra.radius_at(self.A, self.c, self.x))

    @property
    def radius_inf(self) -> float:
        """The largest L-infinity ball (cube) around :attr:`x` inside the region: the
        smallest ``(c_i - a_i x) / |a_i|_1`` over its rows."""
        A = np.asarray(self.A, dtype=float)
        slack = np.asarray(self.c, dtype=float) - A @ np.asarray(self.x, dtype=float)
        return max(0.0, float((slack / np.abs(A).sum(axis=1)).min()))

    @property
    def point(self) -> np.ndarray:
        """A point of the region's interior: the ball's centre."""
        return self.ball.centre

    def __repr__(self) -> str:
        bits = "".join(str(b) for b in self.pattern)
        return (f"PointRegion(pattern={bits or '()'}, {len(self.A)} inequalities, "
                f"ball radius {self.ball.radius:.3g})")


def region_at(net: Network, x: Any, box: Iterable[Any]) -> PointRegion:
    """The activation region of ``net`` that holds ``x``, with its facets, map and ball.

    Parameters
    ----------
    net
        A piecewise-linear network with any number of inputs.
    x
        A point of the box. Rational coordinates of an exact network give an exact region
        (its facets certified in rational arithmetic); otherwise floats.
    box
        ``[(low, high), ...]``, one interval per input.

    Returns
    -------
    PointRegion
        The region of ``x``'s activation pattern (ReLU(0) counts as off, so a point on a
        unit's hyperplane gets the off side): its irredundant system ``A x <= c`` (unit
        rows in unit order, then box faces), its affine map ``M x + d``, and its Chebyshev
        ball.

    Raises
    ------
    ValueError
        A point outside the box or of the wrong length, a curved network, or a pattern
        whose region has no interior (``x`` on a unit's hyperplane whose off side is
        empty near it, as for a unit that is zero on a whole neighbourhood).

    Examples
    --------
    A 64-input network: the region of one input, found without enumerating any other.

    >>> net = reluineq.Network.random([64, 32, 32, 10], seed=0)
    >>> x = np.random.default_rng(1).uniform(0, 1, 64)
    >>> r = region_at(net, x, [(0, 1)] * 64)
    >>> len(r.pattern), bool(r.contains(x)), bool(np.allclose(r.M @ x + r.d, net.forward(x)))
    (64, True, True)
    >>> bool(0 < r.radius <= r.ball.radius)
    True
    """
    validate.network(net, needs="linear regions")
    point = _point(x, net.n_inputs)
    exact = net.exact and point.dtype == object
    B = validate.box(box, net.n_inputs, exact)
    point = point if exact else point.astype(float)
    lo, hi = B[:, 0], B[:, 1]
    if not (all(lo <= point) and all(point <= hi)):
        raise ValueError(f"the point lies outside the box {B.tolist()}")
    rows, rhs, labels, pattern, maps, layers = _pattern_system(net, point, exact)
    n = net.n_inputs
    one = Fraction(1) if exact else 1.0
    for axis in range(n):
        e = np.full(n, 0 * one, dtype=object if exact else float)
        e[axis] = one
        rows += [-e, e]
        rhs += [-lo[axis], hi[axis]]
        labels += [("box", axis, "low"), ("box", axis, "high")]
    dtype = object if exact else float
    A, c = np.array(rows, dtype=dtype).reshape(len(rows), n), np.array(rhs, dtype=dtype)
    A, c, labels = _drop_trivial(A, c, labels)
    scale = float(np.max(hi - lo)) if len(hi) else 1.0
    ball = polyhedra.chebyshev_ball(A, c, origin=np.asarray(point, dtype=float), scale=scale)
    if not ball.radius > 0:
        raise ValueError("the region of this point's activation pattern has no interior: the "
                         "point lies on a unit's hyperplane whose off side is empty there")
    keep = polyhedra.irredundant(A, c, interior=_interior(A, c, point, ball, exact),
                                 origin=ball.centre, scale=scale)
    system = (A[keep], c[keep], tuple(labels[k] for k in keep))
    return _One(net, B, pattern, maps, layers, system, point, ball).region(0)


def _point(x: Any, n: int) -> np.ndarray:
    arr = np.asarray(x, dtype=object)
    if arr.ndim != 1 or len(arr) != n:
        raise ValueError(f"x must have shape ({n},), got {arr.shape}")
    values = [exact_or_float(v, f"x[{i}]") for i, v in enumerate(arr)]
    if all(isinstance(v, Fraction) for v in values):
        return np.array(values, dtype=object)
    return np.array([float(v) for v in values], dtype=float)


def _pattern_system(net: Network, x: np.ndarray, exact: bool) -> tuple:
    """Each switching unit's row at ``x``'s pattern, the pattern, the output map and the
    switching layers' positions: the maps are composed layer by layer, as
    :func:`reluineq.regions` composes them on each region."""
    n = net.n_inputs
    dtype = object if exact else float
    H = np.zeros((n, n + 1), dtype=dtype)
    if exact:
        H[:] = Fraction(0)
    for k in range(n):
        H[k, k] = Fraction(1) if exact else 1.0
    rows: list[np.ndarray] = []
    rhs: list[Any] = []
    labels: list[tuple] = []
    bits: list[int] = []
    layers: list[SwitchLayer] = []
    xh = np.append(x, Fraction(1) if exact else 1.0)
    for li, layer in enumerate(net.layers):
        W, b = (layer.weight, layer.bias) if exact else (
            np.asarray(layer.weight, dtype=float), np.asarray(layer.bias, dtype=float))
        G = W.dot(H)
        G[:, -1] = G[:, -1] + b
        if layer.act.identity:
            H = G
            continue
        z = G.dot(xh)
        on = np.array([int(v > 0) for v in z], dtype=np.int8)
        layers.append(SwitchLayer(li, len(bits), G[:, None, :], np.zeros(1, dtype=np.intp),
                                  on[None, :], len(layers)))
        for j, g in enumerate(G):
            # z > 0 (on) is kept as -z <= 0, and z <= 0 (off) as z <= 0.
            rows.append(-g[:-1] if on[j] else g[:-1])
            rhs.append(g[-1] if on[j] else -g[-1])
            labels.append(("unit", li, j))
        bits += on.tolist()
        H = G * layer.act.gate(on, exact)[:, None]
    return rows, rhs, labels, np.array(bits, dtype=np.int8), H, layers


def _drop_trivial(A: np.ndarray, c: np.ndarray,
                  labels: list[tuple]) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
    """Rows ``0 x <= c_i`` with ``c_i >= 0`` (a unit that is constant on the region) hold
    everywhere and are no facet; one with ``c_i < 0`` cannot come from the point's own
    pattern."""
    zero = np.array([all(v == 0 for v in row) for row in A], dtype=bool)
    keep = ~zero
    return A[keep], c[keep], [lab for lab, k in zip(labels, keep, strict=True) if k]


def _interior(A: np.ndarray, c: np.ndarray, x: np.ndarray, ball: polyhedra.Ball,
              exact: bool) -> np.ndarray:
    """A point strictly inside: ``x`` itself when it is, else the ball's centre (exact when
    the system is)."""
    if polyhedra.strictly_inside(A, c, x):
        return x
    if exact:
        centre = np.array([Fraction(float(v)) for v in ball.centre], dtype=object)
        if polyhedra.strictly_inside(A, c, centre):
            return centre
        raise ValueError("no exact interior point found for the region; its ball is "
                         f"{ball.radius:.3g} wide")
    return ball.centre


def _vertices(A: np.ndarray, c: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """The vertices of a bounded polytope of at most three dimensions, from its system (float)."""
    from scipy.spatial import HalfspaceIntersection

    Af, cf = np.asarray(A, dtype=float), np.asarray(c, dtype=float)
    if Af.shape[1] == 1:
        a = Af[:, 0]
        lo = max(cf[k] / a[k] for k in range(len(a)) if a[k] < 0)
        hi = min(cf[k] / a[k] for k in range(len(a)) if a[k] > 0)
        return np.array([[lo], [hi]])
    hs = HalfspaceIntersection(np.column_stack([Af, -cf]), np.asarray(inside, dtype=float))
    V = hs.intersections
    if Af.shape[1] == 2:  # counter-clockwise, like every 2-D region's vertices
        mid = V.mean(axis=0)
        V = V[np.argsort(np.arctan2(V[:, 1] - mid[1], V[:, 0] - mid[0]))]
    return V
