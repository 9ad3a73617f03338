"""Polyhedra ``{x : A x <= c}`` by linear programming, with exact certificates.

Three questions about a polyhedron ``P = {x : A x <= c}`` are answered here with HiGHS
(``scipy.optimize.linprog``):

- :func:`chebyshev_ball`: the largest ball inside ``P`` (its centre is a point deep in the
  interior; a radius at most zero means ``P`` has no interior);
- :func:`maximise`: the largest value of ``h . x`` over ``P``, with the LP's dual
  solution;
- :func:`irredundant`: the rows that are facets of ``P``, by one LP for each row that a
  cheaper test does not settle.

A float LP is approximate, so its answers are turned into facts before they are used.
Floats: a ball's radius is recomputed from its centre (:func:`radius_at`), and
:func:`irredundant` decides within a stated tolerance. Exact data (``Fraction``): an
answer is *certified* in rational arithmetic, or :class:`CertificateError` says why not.

- A point is shown to lie in the interior by checking ``A x < c`` exactly
  (:func:`strictly_inside`).
- ``h . x <= t`` on all of ``P`` is shown by a dual certificate (:func:`certify_bound`):
  multipliers ``y >= 0`` with ``A^T y = h`` and ``c . y <= t``, solved exactly on the rows
  that the LP's optimal dual solution uses. Then ``h . x = y . A x <= y . c <= t`` for
  every ``x`` in ``P``.
- A point of ``P`` beyond ``h . x = t`` is found on the segment from a known interior
  point towards the LP's optimum, and checked exactly (:func:`witness`).

Every LP is solved in a frame where the numbers are of order one: coordinates are
shifted to an ``origin`` (a point of the polyhedron, if known) and divided by a
``scale`` (its size), and every row is divided by its norm.

Examples
--------
The square ``[0, 2]^2`` cut by ``x + y <= 3``: the ball of radius 1 at its centre fits,
and the cut is a facet while the redundant row ``x <= 5`` is not.

>>> A = np.array([[-1.0, 0], [1, 0], [0, -1], [0, 1], [1, 1], [1, 0]])
>>> c = np.array([0.0, 2, 0, 2, 3, 5])
>>> ball = chebyshev_ball(A, c)
>>> round(ball.radius, 9)
0.87867966
>>> irredundant(A, c).tolist()
[0, 1, 2, 3, 4]

In exact arithmetic the answers are certified: the bound ``x + y <= 3`` holds on the
square cut by it, and a point of the square beyond ``x = 3/2`` exists:

>>> Aq = np.array([[Fraction(int(v)) for v in row] for row in A], dtype=object)
>>> cq = np.array([Fraction(int(v)) for v in c], dtype=object)
>>> h = np.array([Fraction(1), Fraction(1)], dtype=object)
>>> opt = maximise(A, c, np.array([1.0, 1.0]))
>>> opt.value, certify_bound(Aq, cq, h, Fraction(3), opt)
(3.0, True)
>>> e1 = np.array([Fraction(1), Fraction(0)], dtype=object)
>>> far = maximise(A, c, np.array([1.0, 0.0])).x
>>> q = witness(Aq, cq, e1, Fraction(3, 2), far, np.array([Fraction(1)] * 2, dtype=object))
>>> q is not None and q[0] > Fraction(3, 2) and strictly_inside(Aq, cq, q)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from .tolerances import TOL, row_norms

__all__ = [
    "LP_TOL",
    "Ball",
    "CertificateError",
    "Optimum",
    "certify_bound",
    "chebyshev_ball",
    "irredundant",
    "maximise",
    "radius_at",
    "solve_exact",
    "strictly_inside",
    "witness",
]

#: HiGHS's primal and dual feasibility tolerance here (its smallest setting; the default
#: is 1e-7). The LPs are solved in a frame where the numbers are of order one, so that this
#: is also the relative accuracy of their answers, well below :data:`TOL`'s decisions
#: once every row is normalised.
LP_TOL = 1e-10

_OPTIONS = {
    "primal_feasibility_tolerance": LP_TOL,
    "dual_feasibility_tolerance": LP_TOL,
}


class CertificateError(ArithmeticError):
    """An exact answer could not be certified from a float LP's solution.

    Raised instead of guessing: the polyhedron is so thin, or so badly scaled, that the
    LP's answer, rounded to rationals, proves neither possible outcome.
    """


@dataclass(frozen=True)
class Ball:
    """A ball ``{x : |x - centre| <= radius}``; ``radius <= 0`` when there is no interior.

    ``radius`` is recomputed from ``centre`` in float arithmetic, not taken from the LP:
    the ball fits inside the polyhedron up to float rounding at that point.
    """

    centre: np.ndarray
    radius: float


@dataclass(frozen=True)
class Optimum:
    """The LP ``max h . x`` over ``{A x <= c}``.

    Attributes
    ----------
    value : float
        The optimum; ``inf`` if unbounded above, ``-inf`` if the polyhedron is empty.
    x : numpy.ndarray or None
        A point where it is attained (a vertex: the LP is solved by the simplex method).
    dual : numpy.ndarray or None
        Non-negative multipliers of the rows, one per row of ``A``, with
        ``A^T dual ~= h`` and ``c . dual ~= value``: what :func:`certify_bound` makes exact.
    """

    value: float
    x: np.ndarray | None
    dual: np.ndarray | None


# -- frames and LPs ---------------------------------------------------------------------
def _float(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=float)


def _frame(
    A: np.ndarray, c: np.ndarray, origin: Any, scale: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``A x <= c`` in the coordinates ``u = (x - origin) / scale``, each row of norm 1.

    Returns ``(An, cn, norms, keep)``: the rows whose ``A`` is non-zero (``keep``), their
    norms in the original coordinates, and the normalised system. A zero row ``0 <= c_i``
    holds everywhere or nowhere; :func:`_zero_rows_infeasible` tells which.
    """
    Af, cf = _float(A), _float(c)
    norms = row_norms(Af)
    keep = norms > 0
    o = np.zeros(Af.shape[1]) if origin is None else _float(origin)
    An = Af[keep] / norms[keep, None]
    cn = (cf[keep] - Af[keep] @ o) / (norms[keep] * scale)
    return An, cn, norms, keep


def _zero_rows_infeasible(A: Any, c: Any) -> bool:
    Af, cf = _float(A), _float(c)
    return bool(((row_norms(Af) == 0) & (cf < 0)).any())


def _linprog(cost: np.ndarray, A_ub: np.ndarray, b_ub: np.ndarray, bounds: list) -> Any:
    from scipy.optimize import linprog

    # The dual simplex ends at a basic solution: a vertex, and a dual solution on at most
    # n linearly independent rows, which is what the exact certificates need.
    res = linprog(cost, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs-ds",
                  options=_OPTIONS)
    if res.status not in (0, 2, 3):
        raise RuntimeError(f"the LP solver failed: {res.message}")
    return res


def radius_at(A: Any, c: Any, x: Any) -> float:
    """The radius of the largest ball centred at ``x`` inside ``{A x <= c}``.

    Negative when ``x`` lies outside: minus its distance beyond the farthest-violated
    row's hyperplane. Rows with ``A_i = 0`` are ignored (they hold everywhere or
    nowhere; see :func:`chebyshev_ball`). Float arithmetic.

    Examples
    --------
    >>> A = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    >>> radius_at(A, np.array([1.0, 1.0, 0.0]), np.array([0.5, 0.5]))
    0.5
    """
    Af, cf, xf = _float(A), _float(c), _float(x)
    norms = row_norms(Af)
    keep = norms > 0
    if not keep.any():
        return float("inf")
    return float(((cf[keep] - Af[keep] @ xf) / norms[keep]).min())


def chebyshev_ball(A: Any, c: Any, *, origin: Any = None, scale: float = 1.0) -> Ball:
    """The largest ball inside ``{x : A x <= c}`` (its Chebyshev ball).

    Parameters
    ----------
    A, c
        The system, ``(m, n)`` and ``(m,)``, float or exact (solved in floats).
    origin, scale
        The LP is solved in ``u = (x - origin) / scale``: give a point near the
        polyhedron and its size when they are far from ``0`` and ``1``.

    Returns
    -------
    Ball
        Its ``radius`` is recomputed at the centre (:func:`radius_at`); it is ``<= 0`` when
        the polyhedron has no interior, ``-inf`` when a zero row ``0 <= c_i < 0`` makes it
        empty, and ``inf`` when it contains arbitrarily large balls.

    Examples
    --------
    >>> ball = chebyshev_ball(np.array([[-1.0, 0], [1, 0], [0, -1], [0, 1]]),
    ...                       np.array([0.0, 4, 0, 2]))
    >>> ball.radius, float(ball.centre[1])
    (1.0, 1.0)
    """
    An, cn, _, _ = _frame(A, c, origin, scale)
    n = An.shape[1]
    o = np.zeros(n) if origin is None else _float(origin)
    if _zero_rows_infeasible(A, c):
        return Ball(o.copy(), float("-inf"))
    if len(An) == 0:
        return Ball(o.copy(), float("inf"))
    # max r  subject to  An_i u + r <= cn_i: r is free, so the LP is always feasible and
    # its optimum is negative exactly when the polyhedron has no interior.
    cost = np.zeros(n + 1)
    cost[-1] = -1.0
    res = _linprog(cost, np.hstack([An, np.ones((len(An), 1))]), cn, [(None, None)] * (n + 1))
    if res.status == 3:
        return Ball(o.copy(), float("inf"))
    centre = o + scale * res.x[:n]
    return Ball(centre, radius_at(A, c, centre))


def maximise(A: Any, c: Any, h: Any, *, origin: Any = None, scale: float = 1.0) -> Optimum:
    """The largest value of ``h . x`` over ``{x : A x <= c}``, with its dual solution.

    Examples
    --------
    >>> A = np.array([[1.0, 0], [0, 1], [-1, 0], [0, -1]])
    >>> opt = maximise(A, np.array([1.0, 2, 0, 0]), np.array([1.0, 1.0]))
    >>> opt.value, opt.x.tolist(), opt.dual.tolist()
    (3.0, [1.0, 2.0], [1.0, 1.0, 0.0, 0.0])
    """
    An, cn, norms, keep = _frame(A, c, origin, scale)
    hf = _float(h)
    n = len(hf)
    o = np.zeros(n) if origin is None else _float(origin)
    if _zero_rows_infeasible(A, c):
        return Optimum(float("-inf"), None, None)
    hmax = float(np.abs(hf).max(initial=0.0))
    if hmax == 0:
        return Optimum(0.0, o.copy(), np.zeros(len(norms)))
    res = _linprog(-hf / hmax, An, cn, [(None, None)] * n)
    if res.status == 2:
        return Optimum(float("-inf"), None, None)
    if res.status == 3:
        return Optimum(float("inf"), None, None)
    x = o + scale * res.x
    # linprog's marginals are d(min)/d(b_ub) <= 0; undo the frame's scaling of the rows
    # and of the objective to get multipliers of the original rows.
    dual = np.zeros(len(norms))
    dual[keep] = np.maximum(-res.ineqlin.marginals, 0.0) * hmax / norms[keep]
    return Optimum(float(hf @ x), x, dual)


# -- exact arithmetic --------------------------------------------------------------------
def _fractions(a: Any) -> np.ndarray:
    arr = np.asarray(a, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    out.flat[:] = [v if isinstance(v, Fraction) else Fraction(v) for v in arr.flat]
    return out


def strictly_inside(A: Any, c: Any, x: Any) -> bool:
    """Whether ``A x < c`` holds in every row: exactly when the entries are ``Fraction``.

    A float point is read by its exact binary value when ``A`` is exact.

    >>> A = np.array([[Fraction(1), Fraction(1)]], dtype=object)
    >>> strictly_inside(A, np.array([Fraction(1)], dtype=object), [0.5, 0.5])
    False
    """
    A = np.asarray(A)
    if A.dtype != object:
        return bool(np.all(A @ _float(x) < _float(c)))
    return bool(np.all(A.dot(_fractions(x)) < np.asarray(c, dtype=object)))


def solve_exact(M: Any, v: Any) -> np.ndarray | None:
    """A solution of ``M y = v`` in rational arithmetic, or ``None`` if there is none.

    Gaussian elimination on ``Fraction``; free variables (a rank-deficient ``M``) are set to
    zero.

    Examples
    --------
    >>> solve_exact([[1, 1], [1, -1]], [3, 1]).tolist()
    [Fraction(2, 1), Fraction(1, 1)]
    >>> solve_exact([[1], [1]], [1, 2]) is None
    True
    """
    rows = [[Fraction(a) for a in r] + [Fraction(b)]
            for r, b in zip(np.asarray(M, dtype=object).tolist(),
                            np.asarray(v, dtype=object).tolist(), strict=True)]
    k = len(rows[0]) - 1 if rows else 0
    pivots = []
    r = 0
    for col in range(k):
        piv = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        p = rows[r][col]
        rows[r] = [a / p for a in rows[r]]
        for i in range(len(rows)):
            f = rows[i][col]
            if i != r and f != 0:
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(col)
        r += 1
    if any(row[-1] != 0 for row in rows[r:]):
        return None
    y = np.array([Fraction(0)] * k, dtype=object)
    for i, col in enumerate(pivots):
        y[col] = rows[i][-1]
    return y


def certify_bound(A: Any, c: Any, h: Any, t: Any, opt: Optimum) -> bool:
    """Whether ``h . x <= t`` on all of ``{A x <= c}`` is proved by ``opt``'s dual solution.

    The rows the dual solution uses (its support) are solved exactly for multipliers
    ``y`` with ``A_S^T y = h``; the bound is proved when ``y >= 0`` and ``c_S . y <= t``.
    ``False`` means not proved (not that the bound is false).

    Parameters
    ----------
    A, c, h, t
        Exact (``Fraction``) data.
    opt
        :func:`maximise` of ``h`` over the same system.
    """
    if opt.dual is None:
        return False
    A = np.asarray(A, dtype=object)
    # Multipliers of the normalised rows, which the LP's tolerance is relative to.
    d = opt.dual * row_norms(_float(A))
    support = np.flatnonzero(d > LP_TOL * float(d.max(initial=0.0)))
    if len(support) == 0:
        return bool(all(v == 0 for v in np.asarray(h, dtype=object)) and 0 <= t)
    y = solve_exact(A[support].T, np.asarray(h, dtype=object))
    if y is None or any(v < 0 for v in y):
        return False
    return bool(np.asarray(c, dtype=object)[support].dot(y) <= t)


def witness(A: Any, c: Any, h: Any, t: Any, x: Any, interior: Any) -> np.ndarray | None:
    """An exact point strictly inside ``{A x <= c}`` with ``h . x > t``, or ``None``.

    It is sought on the segment from ``interior`` (a point with ``A x < c``, exact)
    towards ``x`` (a float LP's optimum): the segment is clipped exactly where it leaves
    the polyhedron, and the point halfway between the crossing of ``h . x = t`` and that
    end is returned if it passes the exact checks.
    """
    A = np.asarray(A, dtype=object)
    c = np.asarray(c, dtype=object)
    h = np.asarray(h, dtype=object)
    p = _fractions(interior)
    d = _fractions(x) - p
    slack = c - A.dot(p)
    if any(s <= 0 for s in slack):
        return None
    rate = A.dot(d)
    ends = [s / r for s, r in zip(slack, rate, strict=True) if r > 0]
    lam = min([Fraction(1), *ends])
    hp, hd = h.dot(p), h.dot(d)
    if hp + lam * hd <= t:
        return None
    # h . (p + mu d) = t at mu0 (below lam); any mu in (max(mu0, 0), lam) is inside and
    # beyond t.
    mu0 = (t - hp) / hd if hd != 0 else Fraction(-1)
    mu = (max(mu0, Fraction(0)) + lam) / 2
    q = p + mu * d
    if h.dot(q) > t and strictly_inside(A, c, q):
        return q
    return None


# -- facets -----------------------------------------------------------------------------
def _feet(A: np.ndarray, c: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Which rows are surely facets: the foot of the perpendicular from ``p`` onto the
    row's hyperplane lies strictly inside every other row. Float or exact."""
    exact = A.dtype == object
    m = len(A)
    if not exact:
        # Unit rows: the squares of entries near 1e154 would overflow.
        norms = row_norms(A)
        A, c = A / norms[:, None], c / norms
    sq = (A * A).sum(axis=1)
    t = (c - A.dot(p)) / sq
    Q = p[None, :] + t[:, None] * A                  # foot points, one per row
    S = Q.dot(A.T) - c[None, :]                      # S[i, j]: row j at row i's foot
    if exact:
        bad = np.array([[S[i, j] >= 0 for j in range(m)] for i in range(m)], dtype=bool)
    else:
        bad = S >= -TOL * np.sqrt(sq)[None, :]
    np.fill_diagonal(bad, False)
    return ~bad.any(axis=1)


def irredundant(
    A: Any,
    c: Any,
    *,
    interior: Any = None,
    tol: float = TOL,
    origin: Any = None,
    scale: float = 1.0,
) -> np.ndarray:
    """The indices of the rows of ``A x <= c`` that are facets, in increasing order.

    A row is kept when the polyhedron without it reaches beyond its hyperplane: by more
    than ``tol`` (a distance) for floats, at all for exact (``Fraction``) data, where
    every decision is certified (:class:`CertificateError` otherwise). Of several copies
    of one row the tightest is kept. The polyhedron must have an interior.

    Parameters
    ----------
    A, c
        The system.
    interior
        A point with ``A x < c`` (exact for exact data); the Chebyshev centre by default.
    tol
        The float decision's distance.
    origin, scale
        The frame of the LPs (see :func:`chebyshev_ball`).

    Notes
    -----
    Rows whose foot of the perpendicular from ``interior`` lies strictly inside every
    other row are facets at once (for a box, all of them). Each remaining row costs one
    LP, ``max A_i x`` over the other rows still kept (and ``A_i x <= c_i + scale |A_i|``,
    to keep the LP bounded), in order, so that of two equal rows only one survives.

    Examples
    --------
    >>> A = np.array([[1.0, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [2, 0]])
    >>> irredundant(A, np.array([1.0, 1, 1, 1, 5, 2])).tolist()
    [0, 1, 2, 3]
    """
    Aarr = np.asarray(A)
    exact = Aarr.dtype == object
    carr = np.asarray(c, dtype=object if exact else float)
    Af = _float(Aarr)
    norms = row_norms(Af)
    live = norms > 0
    if _zero_rows_infeasible(Aarr, carr):
        raise ValueError("the polyhedron is empty: a row reads 0 <= c with c < 0")
    if interior is None:
        ball = chebyshev_ball(Aarr, carr, origin=origin, scale=scale)
        if not ball.radius > 0:
            raise ValueError("the polyhedron has no interior")
        p = _fractions(ball.centre) if exact else ball.centre
    else:
        p = _fractions(interior) if exact else _float(interior)
    if not strictly_inside(Aarr[live], carr[live], p):
        raise ValueError("the interior point given is not strictly inside the polyhedron")
    # Copies of one row (same direction): only the tightest can be a facet.
    live_ids = np.flatnonzero(live)
    key = np.round(Af[live] / norms[live, None], 12)
    rhs = _float(carr[live]) / norms[live]
    order = np.lexsort((rhs, *key.T[::-1]))
    dup = np.zeros(len(live_ids), dtype=bool)
    ks = key[order]
    same = np.all(ks[1:] == ks[:-1], axis=1)
    for k in np.flatnonzero(same):
        i, j = live_ids[order[k]], live_ids[order[k + 1]]
        # Exact data: rows i and j are parallel within 1e-12; only drop j when it is
        # provably the same half-space or looser.
        if not exact or _looser_copy(Aarr[i], carr[i], Aarr[j], carr[j]):
            dup[order[k + 1]] = True
    cand = live_ids[~dup]
    sure = _feet(Aarr[cand], carr[cand], p)
    kept = set(cand[sure].tolist())
    alive = list(cand)
    for i in cand[~sure].tolist():
        others = [k for k in alive if k != i]
        if _reaches_beyond(Aarr, carr, others, i, p, exact, tol, norms, origin, scale):
            kept.add(i)
        else:
            alive.remove(i)
    return np.array(sorted(kept), dtype=np.intp)


def _looser_copy(ai: Any, ci: Any, aj: Any, cj: Any) -> bool:
    """Whether ``aj x <= cj`` is implied by ``ai x <= ci`` with ``aj = k ai``, ``k > 0``."""
    nz = [k for k, v in enumerate(ai) if v != 0]
    if not nz:
        return False
    k = aj[nz[0]] / ai[nz[0]]
    return k > 0 and all(aj[m] == k * ai[m] for m in range(len(ai))) and cj >= k * ci


def _reaches_beyond(
    A: np.ndarray, c: np.ndarray, others: list[int], i: int, p: Any, exact: bool, tol: float,
    norms: np.ndarray, origin: Any, scale: float,
) -> bool:
    """Whether ``{A_k x <= c_k, k in others}`` has a point with ``A_i x > c_i`` (float: by
    more than ``tol`` in distance). Certified for exact data."""
    cap = float(c[i]) + scale * float(norms[i])
    Ao = np.vstack([_float(A[others]), _float(A[i])[None, :]])
    co = np.concatenate([_float(c[others]), [cap]])
    opt = maximise(Ao, co, _float(A[i]), origin=origin, scale=scale)
    if not exact:
        return opt.value - float(c[i]) > tol * float(norms[i])
    if opt.x is not None and opt.value > float(c[i]):
        Ae = np.concatenate([A[others], A[i][None, :]])
        ce = np.concatenate([c[others], [Fraction(cap)]])
        if witness(Ae, ce, A[i], c[i], opt.x, p) is not None:
            return True
    bound_opt = maximise(_float(A[others]), _float(c[others]), _float(A[i]), origin=origin,
                         scale=scale)
    if certify_bound(A[others], c[others], A[i], c[i], bound_opt):
        return False
    raise CertificateError(
        f"cannot certify whether row {i} is a facet: the LP's solution proves neither a "
        "point beyond it nor a bound; the region is too thin for float LPs"
    )
