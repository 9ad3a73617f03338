"""reluineq.polyhedra: Chebyshev balls, facets by LP, exact certificates.

The facets found by LP are compared with those found from the vertices, which are
enumerated here independently: every n rows solved exactly, kept when the point satisfies
every row. A row is a facet when the vertices on it span n affinely independent points.
"""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reluineq.polyhedra import (
    CertificateError,
    certify_bound,
    chebyshev_ball,
    irredundant,
    maximise,
    radius_at,
    solve_exact,
    strictly_inside,
    witness,
)


def box_rows(n, lo=-1, hi=1):
    A = np.concatenate([-np.eye(n, dtype=int), np.eye(n, dtype=int)])
    c = np.array([-lo] * n + [hi] * n)
    return A, c


def exact(a):
    return np.array([[Fraction(int(v)) for v in row] for row in a], dtype=object) \
        if np.ndim(a) == 2 else np.array([Fraction(int(v)) for v in a], dtype=object)


def vertex_facets(A, c):
    """Facet rows from the vertices, in exact arithmetic (no LP)."""
    A, c = exact(A), exact(c)
    m, n = A.shape
    verts = []
    for rows in itertools.combinations(range(m), n):
        sub = A[list(rows)]
        x = solve_exact(sub, c[list(rows)])
        if x is None or any(np.all(sub[k] == 0) for k in range(n)):
            continue
        # A unique solution: the rows are independent (rank n).
        if _rank(sub) < n:
            continue
        if all(v <= w for v, w in zip(A.dot(x), c, strict=True)):
            verts.append(x)
    facets = []
    for i in range(m):
        on = [v for v in verts if A[i].dot(v) == c[i]]
        if len(on) >= n and _rank(np.array([v - on[0] for v in on[1:]], dtype=object)) == n - 1:
            facets.append(i)
    return facets


def _rank(M):
    M = [list(r) for r in M]
    rank = 0
    for col in range(len(M[0]) if M else 0):
        piv = next((r for r in range(rank, len(M)) if M[r][col] != 0), None)
        if piv is None:
            continue
        M[rank], M[piv] = M[piv], M[rank]
        for r in range(len(M)):
            if r != rank and M[r][col] != 0:
                f = M[r][col] / M[rank][col]
                M[r] = [a - f * b for a, b in zip(M[r], M[rank], strict=True)]
        rank += 1
    return rank


@st.composite
def cut_boxes(draw, dims=(2, 3)):
    """A box [-4, 4]^n cut by a few integer half-spaces through points near its centre,
    so that the polytope keeps an interior around the origin."""
    n = draw(st.sampled_from(dims))
    A, c = box_rows(n, -4, 4)
    k = draw(st.integers(1, 4))
    rows, rhs = [], []
    for _ in range(k):
        a = draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n).filter(any))
        rows.append(a)
        rhs.append(draw(st.integers(1, 6)))
    # Copies of rows test the duplicate handling.
    if draw(st.booleans()):
        rows.append(rows[0])
        rhs.append(rhs[0] + draw(st.integers(0, 2)))
    return np.vstack([A, rows]), np.concatenate([c, rhs])


@settings(max_examples=40, deadline=None, derandomize=True)
@given(cut_boxes())
def test_facets_by_lp_are_the_facets_by_vertices(system):
    A, c = system
    expected = vertex_facets(A, c)
    got_float = irredundant(A.astype(float), c.astype(float)).tolist()
    got_exact = irredundant(exact(A), exact(c)).tolist()
    # Copies of one row: either copy describes the facet; the tightest is kept.
    assert _canonical(A, c, got_float) == _canonical(A, c, expected)
    assert _canonical(A, c, got_exact) == _canonical(A, c, expected)


def _canonical(A, c, rows):
    """Each row as its reduced integer half-space, so that copies compare equal."""
    out = set()
    for i in rows:
        g = np.gcd.reduce(np.append(np.abs(A[i]), abs(c[i]))) or 1
        out.add((*(A[i] // g), c[i] // g))
    return out


def test_the_box_is_its_own_facets_without_an_lp(monkeypatch):
    import reluineq.polyhedra as poly

    calls = []
    monkeypatch.setattr(poly, "maximise", lambda *a, **k: calls.append(1))
    A, c = box_rows(22)
    assert irredundant(A.astype(float), c.astype(float), interior=np.zeros(22)).tolist() \
        == list(range(44))
    assert calls == []


def test_chebyshev_ball_of_a_box_and_of_an_empty_set():
    A, c = box_rows(3, 0, 2)
    c = c.astype(float)
    c[2] = 10.0  # x3 <= 10: the ball is limited by the other axes
    ball = chebyshev_ball(A.astype(float), c)
    assert ball.radius == pytest.approx(1.0, abs=1e-9)
    assert radius_at(A, c, ball.centre) == ball.radius
    # x <= -1 and x >= 1: no interior, and the radius says how far apart.
    empty = chebyshev_ball(np.array([[1.0], [-1.0]]), np.array([-1.0, -1.0]))
    assert empty.radius == pytest.approx(-1.0, abs=1e-9)
    assert chebyshev_ball(np.array([[0.0, 0.0]]), np.array([-1.0])).radius == float("-inf")


def test_chebyshev_ball_far_from_the_origin_uses_the_frame():
    # A box 1e-3 wide at 1e9: solved around an origin inside it, the centre is right to
    # the spacing of floats there (1.2e-7); solved at 0, HiGHS's absolute tolerances
    # would be the box's width.
    A, c = box_rows(2)
    lo, hi = 1e9, 1e9 + 1e-3
    c = np.array([-lo, -lo, hi, hi])
    ball = chebyshev_ball(A.astype(float), c, origin=[lo, lo], scale=1e-3)
    assert ball.radius == pytest.approx((hi - lo) / 2, abs=np.spacing(hi))


def test_maximise_reports_unbounded_and_empty():
    assert maximise(np.array([[-1.0]]), np.array([0.0]), np.array([1.0])).value == np.inf
    assert maximise(np.array([[1.0], [-1.0]]), np.array([-1.0, -1.0]),
                    np.array([1.0])).value == -np.inf


@settings(max_examples=40, deadline=None, derandomize=True)
@given(cut_boxes(), st.lists(st.integers(-3, 3), min_size=3, max_size=3).filter(any),
       st.integers(-30, 30))
def test_certificates_never_prove_a_false_statement(system, h, t):
    """A bound is certified only when true; a witness only when one exists, and it is one."""
    A, c = system
    n = A.shape[1]
    h = np.array(h[:n])
    if not h.any():
        return
    Aq, cq, hq, tq = exact(A), exact(c), exact(h), Fraction(t, 2)
    opt = maximise(A.astype(float), c.astype(float), h.astype(float))
    # The true maximum, exactly, from the vertices.
    verts = [solve_exact(Aq[list(r)], cq[list(r)])
             for r in itertools.combinations(range(len(A)), n) if _rank(Aq[list(r)]) == n]
    verts = [v for v in verts if all(a <= b for a, b in zip(Aq.dot(v), cq, strict=True))]
    true_max = max(hq.dot(v) for v in verts)
    assert opt.value == pytest.approx(float(true_max), abs=1e-7)
    assert certify_bound(Aq, cq, hq, tq, opt) == (true_max <= tq)
    q = witness(Aq, cq, hq, tq, opt.x, np.zeros(n, dtype=int))
    if true_max > tq:
        assert q is not None
    if q is not None:
        assert hq.dot(q) > tq and strictly_inside(Aq, cq, q)


@pytest.mark.parametrize("big", [10**6, 10**8])
def test_exact_facets_of_a_thin_wedge(big):
    # 0 <= y <= x / big inside the unit square: x >= 0 and y <= 1 are implied, which
    # the certificate proves with multipliers 1 and big.
    A = exact([[-1, 0], [1, 0], [0, -1], [0, 1], [-1, big]])
    c = exact([0, 1, 0, 1, 0])
    inside = np.array([Fraction(1, 2), Fraction(1, 4 * big)], dtype=object)
    assert irredundant(A, c, interior=inside).tolist() == [1, 2, 4]


def test_a_wedge_thinner_than_the_lp_can_see_is_an_error_not_a_guess():
    # 1e-12 high: HiGHS's tolerance (1e-10) cannot tell it from flat, and no certificate
    # either way survives exact checking.
    big = 10**12
    A = exact([[-1, 0], [1, 0], [0, -1], [0, 1], [-1, big]])
    c = exact([0, 1, 0, 1, 0])
    inside = np.array([Fraction(1, 2), Fraction(1, 4 * big)], dtype=object)
    with pytest.raises(CertificateError, match="too thin for float LPs"):
        irredundant(A, c, interior=inside)


def test_an_impossible_certificate_raises_instead_of_guessing(monkeypatch):
    import reluineq.polyhedra as poly

    # A solver that answers nonsense: no witness and no valid dual.
    monkeypatch.setattr(poly, "maximise",
                        lambda A, c, h, **k: poly.Optimum(0.0, np.zeros(len(h)), None))
    A, c = box_rows(2)
    A = np.vstack([A, [[1, 1]]])
    c = np.append(c, 1)
    with pytest.raises(CertificateError, match="too thin for float LPs"):
        irredundant(exact(A), exact(c), interior=exact([0, 0]))


def test_irredundant_refuses_a_bad_interior_point():
    A, c = box_rows(2)
    with pytest.raises(ValueError, match="not strictly inside"):
        irredundant(A.astype(float), c.astype(float), interior=[1.0, 0.0])
