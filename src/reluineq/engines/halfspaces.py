"""The half-space engine: regions in any dimension as inequality systems, split by LPs.

The vertex engine (:mod:`.polytopes`) starts from the box's ``2**n`` corners, which is out
of reach beyond a dozen inputs. Here a region is its inequalities alone: the box's ``2 n``
faces and a row for each unit that cut it, with a point deep inside it (the centre of its
largest ball, the Chebyshev ball). A unit's hyperplane ``w . x + b = 0`` splits a region
when both sides hold a ball wider than the margin; a side that holds the region's centre
is settled by that point, the other by one LP (:func:`reluineq.polyhedra.chebyshev_ball`,
HiGHS through ``scipy.optimize.linprog``), as affinitree builds its decision tree. Nothing
grows as ``2**n``: an LP has ``n + 1`` variables and one row per inequality of the region,
and the work grows with the number of regions and the units that cross them.

When it is used
---------------
:func:`reluineq.regions` takes this engine for :data:`HALFSPACE_DIMS` inputs or more
(``method="auto"``), or when asked (``method="halfspace"``). Below that, the box's corners
are few and the vertex engine is faster.

- Float networks: a side is a region when its Chebyshev ball's radius exceeds
  :data:`~reluineq.tolerances.TOL` times the box's half-width (the LPs are solved in a
  frame where the box is ``[-1, 1]^n``, to ``LP_TOL = 1e-10``), so slivers thinner than
  that are not regions.
- Exact networks: every decision is certified in rational arithmetic. A side exists when
  a rational point strictly inside it is found and checked exactly; it does not when a
  dual certificate (:func:`reluineq.polyhedra.certify_bound`) proves the unit's
  pre-activation has one sign on the whole region. When neither can be had,
  :class:`~reluineq.polyhedra.CertificateError` says so; nothing is guessed.

Vertices are computed only up to :data:`VOLUME_DIMS` inputs (by ``scipy.spatial``'s
half-space intersection); above that a region's :attr:`~reluineq.Region.volume` is
``None`` and asking for its vertices raises ``ValueError``. Its system ``A x <= c`` (facets
by LPs, :func:`reluineq.polyhedra.irredundant`), pattern, map and interior point are
always there.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ..polyhedra import (
    CertificateError,
    certify_bound,
    chebyshev_ball,
    irredundant,
    maximise,
    solve_exact,
    strictly_inside,
)
from ..tolerances import TOL, row_norms
from .common import box_face_id, sides

__all__ = ["HALFSPACE_DIMS", "VOLUME_DIMS", "Halfspaces"]

#: :func:`reluineq.regions` uses this engine from this many inputs on. Below it the vertex
#: engine's ``2**n`` corners are cheap and its splits need no LP. Measured on n-8-1 and
#: n-8-8-1 networks (seeds 0 and 1, box ``[-2, 2]^n``): at 6 inputs the vertex engine is
#: 2-6 times faster, at 7 this one is as fast or up to 6 times faster, at 8 6-30 times.
HALFSPACE_DIMS = 7

#: Up to this many inputs a half-space region's vertices (and volume) are computed; above,
#: a region may have too many vertices to list, and its volume is ``None``.
VOLUME_DIMS = 6

#: A float Chebyshev centre is first rounded to fractions with denominators up to this,
#: so that an exact region's point is readable, and to its exact binary value otherwise.
_DENOMINATOR = 10**6


class Halfspaces:
    """n-D regions as inequality systems ``A x <= c`` with their constraint ids.

    ``A[r]``, ``c[r]``, ``ids[r]``: region ``r``'s rows (the box's faces, then one row per
    unit that cut it, oriented to the region's side); ``centre[r]`` and ``radius[r]`` its
    Chebyshev ball (the centre exact for an exact network); ``lo``, ``hi`` a bounding box
    of each region (the box itself: a superset, enough for the quick side test of
    :func:`.common.sides`). A cut region's active half keeps its id, the inactive half is
    appended.
    """

    def __init__(self, box: np.ndarray, exact: bool) -> None:
        n = len(box)
        self.n, self.exact = n, exact
        Bf = np.asarray(box, dtype=float)
        self.origin = Bf[:, 0] * 0.5 + Bf[:, 1] * 0.5
        self.scale = float((Bf[:, 1] * 0.5 - Bf[:, 0] * 0.5).max())
        self.margin = 0.0 if exact else TOL * self.scale
        dtype = object if exact else float
        A = np.zeros((2 * n, n), dtype=dtype)
        if exact:
            A[:] = Fraction(0)
        c = np.empty(2 * n, dtype=dtype)
        ids = []
        for axis in range(n):
            A[2 * axis, axis], c[2 * axis] = -1, -box[axis, 0]
            A[2 * axis + 1, axis], c[2 * axis + 1] = 1, box[axis, 1]
            ids += [box_face_id(axis, 0), box_face_id(axis, 1)]
        centre = (box[:, 0] + box[:, 1]) / 2 if exact else self.origin.copy()
        self.A, self.c, self.ids = [A], [c], [ids]
        self.centre, self.radius = [centre], [self.scale]
        self.lo = box[:, 0][None, :].copy()
        self.hi = box[:, 1][None, :].copy()
        self._facets: dict[int, set[int]] = {}

    @property
    def count(self) -> int:
        return len(self.A)

    # -- splitting ----------------------------------------------------------------------
    def split(
        self, gj: np.ndarray, origin: np.ndarray, unit_id: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Split every region by its hyperplane ``gj[origin[r]] . (x, 1) = 0``.

        Returns ``(cut, side)`` as :meth:`.polytopes.Polytopes.split` does: the regions
        cut (their inactive halves appended in this order) and each region's bit.
        """
        g = gj[origin]
        on, off, _ = sides(g, self.lo, self.hi, self.exact)
        side = on.astype(np.int8)
        cut = []
        for r in np.flatnonzero(~(on | off)).tolist():
            w, b = g[r, :-1], g[r, -1]
            if not np.any(w != 0):          # a constant unit: active where b > 0
                side[r] = b > 0
                continue
            pos, neg = self._pieces(r, w, b)
            if pos is not None and neg is not None:
                self._cut(r, w, b, unit_id, pos, neg)
                cut.append(r)
                continue
            keep = pos if pos is not None else neg
            if keep is not None:
                side[r] = pos is not None
                if keep[0] is not self.centre[r]:   # an LP's centre, deeper inside
                    self.centre[r], self.radius[r] = keep
            else:
                # Neither side is wider than the margin: the region stays whole, on the
                # side of its centre.
                side[r] = self._z(r, w, b) > 0
        self._facets.clear()
        cut_ids = np.array(cut, dtype=np.intp)
        if cut:
            side = np.concatenate([side, np.zeros(len(cut), dtype=np.int8)])
            side[cut_ids] = 1
        return cut_ids, side

    def _z(self, r: int, w: np.ndarray, b: Any) -> Any:
        """The pre-activation at region ``r``'s centre."""
        return self.centre[r].dot(w) + b

    def _pieces(self, r: int, w: np.ndarray, b: Any) -> tuple[Any, Any]:
        """The active (``w x + b >= 0``) and inactive sides of region ``r``: each its
        ``(centre, radius)``, or ``None`` when it is not a region."""
        z = self._z(r, w, b)
        if self.exact and z != 0:
            # The centre is strictly inside the region, so strictly inside its side.
            here = (self.centre[r], self.radius[r])
            return ((here, self._side(r, w, -b)) if z > 0 else (self._side(r, -w, b), here))
        if self.exact:                      # on the hyperplane: both sides, by LPs
            return self._side(r, -w, b), self._side(r, w, -b)
        norm = float(row_norms(w[None, :])[0])
        d, rad, m = float(z) / norm, self.radius[r], self.margin
        if abs(d) < rad - 2 * m:
            # The hyperplane cuts the region's ball: each side holds a cap of it, and the
            # cap holds a ball of radius (rad -+ d) / 2 > margin. No LP.
            u = np.asarray(w, dtype=float) / norm
            c = self.centre[r]
            return ((c + u * (rad - d) / 2, (rad + d) / 2),
                    (c - u * (rad + d) / 2, (rad - d) / 2))
        # The centre's side is there, with the part of the ball on that side; the other
        # side needs an LP.
        if d > m:
            return (self.centre[r], min(rad, d)), self._side(r, w, -b)
        if d < -m:
            return self._side(r, -w, b), (self.centre[r], min(rad, -d))
        return self._side(r, -w, b), self._side(r, w, -b)

    def _side(self, r: int, a: np.ndarray, rhs: Any) -> tuple[Any, float] | None:
        """Region ``r`` cut by ``a x <= rhs``: its ``(centre, radius)``, or ``None`` when
        it holds no ball wider than the margin (exact: no interior, certified)."""
        A = np.vstack([self.A[r], a[None, :]])
        c = np.append(self.c[r], rhs)
        ball = chebyshev_ball(A, c, origin=self.origin, scale=self.scale)
        if not self.exact:
            return (ball.centre, ball.radius) if ball.radius > self.margin else None
        if ball.radius > 0:
            p = _rational_inside(A, c, ball.centre)
            if p is not None:
                return p, ball.radius
        # No interior point found: prove a x >= rhs on the whole region, by the dual
        # certificate of max (-a) x over it.
        opt = maximise(self.A[r], self.c[r], -np.asarray(a, dtype=float), origin=self.origin,
                       scale=self.scale)
        if certify_bound(self.A[r], self.c[r], -a, -rhs, opt):
            return None
        raise CertificateError(
            "cannot certify whether a unit's hyperplane cuts a region: the LP's solution "
            "proves neither a point on both sides nor a bound; the region is too thin for "
            "float LPs")

    def _cut(self, r: int, w: np.ndarray, b: Any, unit_id: int, pos: tuple,
             neg: tuple) -> None:
        """Region ``r`` becomes its active half; its inactive half is appended."""
        A, c, ids = self.A[r], self.c[r], self.ids[r]
        self.A.append(np.vstack([A, w[None, :]]))
        self.c.append(np.append(c, -b))
        self.ids.append([*ids, unit_id])
        self.centre.append(neg[0])
        self.radius.append(neg[1])
        self.A[r] = np.vstack([A, -w[None, :]])
        self.c[r] = np.append(c, b)
        self.ids[r] = [*ids, unit_id]
        self.centre[r], self.radius[r] = pos
        lo0, hi0 = _tighten(self.lo[r], self.hi[r], w, -b, self.exact, self.scale)
        self.lo[r], self.hi[r] = _tighten(self.lo[r], self.hi[r], -w, b, self.exact,
                                          self.scale)
        self.lo = np.concatenate([self.lo, lo0[None, :]])
        self.hi = np.concatenate([self.hi, hi0[None, :]])

    # -- what the partition reads --------------------------------------------------------
    def subset(self, ids: np.ndarray) -> Halfspaces:
        """A new engine holding copies of regions ``ids`` (repeats allowed), in order."""
        ids = [int(i) for i in ids]
        new = object.__new__(Halfspaces)
        new.n, new.exact = self.n, self.exact
        new.origin, new.scale, new.margin = self.origin, self.scale, self.margin
        new.A = [self.A[i].copy() for i in ids]
        new.c = [self.c[i].copy() for i in ids]
        new.ids = [list(self.ids[i]) for i in ids]
        new.centre = [self.centre[i].copy() for i in ids]
        new.radius = [self.radius[i] for i in ids]
        new.lo, new.hi = self.lo[ids].copy(), self.hi[ids].copy()
        new._facets = {}
        return new

    def point(self, i: int) -> np.ndarray:
        """A point deep inside region ``i``: its Chebyshev centre (exact: rational)."""
        return self.centre[i]

    def constraint_ids(self, i: int) -> set[int]:
        """The ids of region ``i``'s facets, by LPs (certified for exact networks)."""
        if i not in self._facets:
            keep = irredundant(self.A[i], self.c[i], interior=self.centre[i],
                               origin=self.origin, scale=self.scale)
            self._facets[i] = {self.ids[i][k] for k in keep.tolist()}
        return self._facets[i]

    @property
    def lists_vertices(self) -> bool:
        """Whether :meth:`vertices` lists a region's vertices: up to :data:`VOLUME_DIMS`
        inputs. :class:`reluineq.partition.Enumeration` reads volumes from them."""
        return self.n <= VOLUME_DIMS

    def vertices(self, i: int) -> np.ndarray:
        """Region ``i``'s vertices, up to :data:`VOLUME_DIMS` inputs (exact for an exact
        network); counter-clockwise in 2-D."""
        if not self.lists_vertices:
            raise ValueError(
                f"the vertices of a {self.n}-dimensional region are not enumerated (above "
                f"{VOLUME_DIMS} inputs, a region's system A x <= c and its point describe it)")
        if self.n == 1:
            # An interval; qhull's half-space intersection needs two dimensions or more.
            a, c = self.A[i][:, 0], self.c[i]
            ends = [max(c[a < 0] / a[a < 0]), min(c[a > 0] / a[a > 0])]
            return np.array([[e] for e in ends], dtype=object if self.exact else float)
        from scipy.spatial import HalfspaceIntersection

        A, c = np.asarray(self.A[i], dtype=float), np.asarray(self.c[i], dtype=float)
        centre = np.asarray(self.centre[i], dtype=float)
        pts = HalfspaceIntersection(np.hstack([A, -c[:, None]]), centre).intersections
        # A vertex on more than n facets comes out once per facet of the dual hull.
        key = np.round((pts - self.origin) / self.scale, 9)
        _, first = np.unique(key, axis=0, return_index=True)
        V = pts[np.sort(first)]
        if self.exact:
            V = np.array([_exact_vertex(self.A[i], self.c[i], v) for v in V], dtype=object)
        if self.n == 2:
            d = np.asarray(V, dtype=float) - np.asarray(V, dtype=float).mean(axis=0)
            V = V[np.argsort(np.arctan2(d[:, 1], d[:, 0]), kind="stable")]
        return V


def _tighten(lo: np.ndarray, hi: np.ndarray, a: np.ndarray, beta: Any, exact: bool,
             scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The bounding box ``[lo, hi]`` shrunk to where ``a . x <= beta`` can hold in it.

    Each coordinate's bound follows from the row and the other coordinates' bounds
    (bound propagation), so the quick side test of :func:`.common.sides` settles more
    regions without an LP as they shrink. Float bounds are widened by ``1e-12`` of the
    box's half-width, so that rounding never cuts into the region.
    """
    least = np.where(a > 0, a * lo, a * hi)             # each term's smallest value
    room = beta - (least.sum() - least)                 # a_k x_k <= room_k
    lo, hi = lo.copy(), hi.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in np.flatnonzero(a != 0).tolist():
            bound = room[k] / a[k]
            if not exact:
                bound = bound + (1e-12 * scale if a[k] > 0 else -1e-12 * scale)
            if a[k] > 0 and bound < hi[k]:
                hi[k] = max(bound, lo[k])
            elif a[k] < 0 and bound > lo[k]:
                lo[k] = min(bound, hi[k])
    return lo, hi


def _rational_inside(A: np.ndarray, c: np.ndarray, x: np.ndarray) -> np.ndarray | None:
    """A rational point near ``x`` strictly inside the exact ``A x < c``, or ``None``."""
    for limit in (_DENOMINATOR, None):
        p = np.array([Fraction(float(v)) if limit is None
                      else Fraction(float(v)).limit_denominator(limit) for v in x],
                     dtype=object)
        if strictly_inside(A, c, p):
            return p
    return None


def _exact_vertex(A: np.ndarray, c: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The exact vertex of ``A x <= c`` near the float vertex ``v``: the solution of the
    ``n`` rows tightest at ``v`` that are independent, checked exactly."""
    n = len(v)
    slack = np.asarray(c, dtype=float) - np.asarray(A, dtype=float) @ v
    order = np.argsort(np.abs(slack) / np.maximum(np.abs(np.asarray(A, float)).max(axis=1),
                                                  1e-300))
    rows: list[int] = []
    for k in order.tolist():
        trial = [*rows, k]
        if np.linalg.matrix_rank(np.asarray(A[trial], dtype=float)) == len(trial):
            rows = trial
        if len(rows) == n:
            break
    x = solve_exact(A[rows], c[rows]) if len(rows) == n else None
    if x is None or not all(a <= b for a, b in zip(A.dot(x), c, strict=True)):
        raise CertificateError("a vertex of an exact region could not be certified from "
                               "its float approximation")
    return x
