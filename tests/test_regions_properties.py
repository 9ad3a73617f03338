"""Property tests of reluineq.regions on random small networks (hypothesis): the regions
tile the box, and on each region the network is the region's affine map."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
from bruteforce import brute_force, exact_layers, exact_pattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reluineq import Network, regions

F = Fraction
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Small rationals with many ties: k / q for |k| <= 3, q in {1, 2, 3}.
rationals = st.builds(F, st.integers(-3, 3), st.sampled_from([1, 2, 3]))
# Floats away from the tolerance's scale, exact zeros (zero rows, dead units) and
# quarters, whose ties (lines through vertices, along edges) float arithmetic keeps.
floats = st.one_of(
    st.just(0.0),
    st.floats(-2, 2, allow_nan=False).filter(lambda v: abs(v) > 1e-3),
    st.integers(-8, 8).map(lambda k: k / 4),
)


@st.composite
def networks(draw, n_inputs, entries, max_units=6):
    """A ReLU network ``n_inputs-h1[-h2]-k`` with identity (or ReLU) read-out."""
    hidden = draw(st.lists(st.integers(1, 4), min_size=1, max_size=2))
    while sum(hidden) > max_units:
        hidden = hidden[:-1] if len(hidden) > 1 else [max_units]
    widths = [n_inputs, *hidden, draw(st.integers(1, 2))]
    weights = [
        [[draw(entries) for _ in range(a)] for _ in range(b)]
        for a, b in itertools.pairwise(widths)
    ]
    biases = [[draw(entries) for _ in range(b)] for b in widths[1:]]
    last = draw(st.sampled_from(["identity", "identity", "relu"]))
    return Network(weights, biases, ["relu"] * len(hidden) + [last])


@st.composite
def boxes(draw, n, exact):
    out = []
    for _ in range(n):
        lo = draw(st.integers(-3, 1))
        hi = lo + draw(st.integers(1, 4))
        if exact:
            out.append((F(lo, 2), F(hi, 2)))
        else:
            out.append((lo / 2, hi / 2))
    return out


def shoelace(vertices):
    v = list(map(tuple, vertices))
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(v, v[1:] + v[:1], strict=True)) / 2


def volume(box):
    out = 1
    for lo, hi in box:
        out *= hi - lo
    return out


def exact_points(rng, box, k):
    """``k`` rational points of the box with denominators up to 97."""
    return [[F(int(rng.integers(math.ceil(lo * 97), math.floor(hi * 97) + 1)), 97)
             for lo, hi in box] for _ in range(k)]


def interior_samples(r, rng, k, exact):
    """Random convex combinations of a region's vertices, with all weights positive
    (so the points lie in the interior of the full-dimensional polytope)."""
    V = r.vertices
    out = []
    for _ in range(k):
        lam = rng.integers(1, 20, size=len(V))
        if exact:
            total = int(lam.sum())
            out.append(sum((F(int(a), total) * v for a, v in zip(lam, V, strict=True)),
                           np.zeros(V.shape[1], dtype=object) + F(0)))
        else:
            out.append((lam / lam.sum()) @ np.asarray(V, float))
    return out


# -- the regions tile the box ---------------------------------------------------------


@SETTINGS
@given(net=networks(2, rationals), box=boxes(2, exact=True), seed=st.integers(0, 2**32 - 1))
def test_exact_2d_regions_tile_the_box(net, box, seed):
    rs = regions(net, box)
    areas = [shoelace(r.vertices) for r in rs]
    assert all(a > 0 for a in areas)
    assert sum(areas) == volume(box)  # exactly
    assert len({r.pattern for r in rs}) == len(rs)
    rng = np.random.default_rng(seed)
    layers = exact_layers(net)
    for x in exact_points(rng, box, 25):
        x = np.array(x, dtype=object)
        closed = [r for r in rs if all(r.A.dot(x) <= r.c)]
        open_ = [r for r in closed if all(r.A.dot(x) < r.c)]
        assert len(closed) >= 1  # cover
        assert len(open_) <= 1  # no overlap
        if open_:
            assert open_[0].pattern == exact_pattern(layers, x)
        for r in closed:  # on a region's closure its map is the network
            assert list(net.forward_exact(x)) == list(r.M.dot(x) + r.d)


@SETTINGS
@given(net=networks(2, floats), box=boxes(2, exact=False), seed=st.integers(0, 2**32 - 1))
def test_float_2d_regions_tile_the_box(net, box, seed):
    rs = regions(net, box)
    areas = np.array([shoelace(r.vertices) for r in rs])
    assert np.all(areas > 0)
    assert areas.sum() == np.float64(volume(box)) or abs(areas.sum() - volume(box)) <= 1e-9
    rng = np.random.default_rng(seed)
    lo, hi = np.array(box).T
    xs = lo + (hi - lo) * rng.random((50, 2))
    A = [np.asarray(r.A) for r in rs]
    c = [np.asarray(r.c) for r in rs]
    for x in xs:
        slack = [ci - Ai @ x for Ai, ci in zip(A, c, strict=True)]
        assert sum(np.all(s >= -1e-7) for s in slack) >= 1
        inside = [k for k, s in enumerate(slack) if np.all(s > 1e-7)]
        assert len(inside) <= 1
        if inside:
            r = rs[inside[0]]
            assert net.pattern(x) == r.pattern
            np.testing.assert_allclose(net.forward(x), r.M @ x + r.d, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(net=networks(3, rationals, max_units=5), box=boxes(3, exact=True),
       seed=st.integers(0, 2**32 - 1))
def test_exact_3d_regions_cover_the_box_without_overlap(net, box, seed):
    rs = regions(net, box)
    rng = np.random.default_rng(seed)
    layers = exact_layers(net)
    for x in exact_points(rng, box, 20):
        x = np.array(x, dtype=object)
        closed = [r for r in rs if all(r.A.dot(x) <= r.c)]
        open_ = [r for r in closed if all(r.A.dot(x) < r.c)]
        assert len(closed) >= 1
        assert len(open_) <= 1
        if open_:
            assert open_[0].pattern == exact_pattern(layers, x)


# -- on each region the network is the region's map ----------------------------------


@SETTINGS
@given(n=st.sampled_from([2, 3]), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_exact_map_equals_forward_inside_each_region(n, data, seed):
    net = data.draw(networks(n, rationals, max_units=6 if n == 2 else 5))
    box = data.draw(boxes(n, exact=True))
    rng = np.random.default_rng(seed)
    layers = exact_layers(net)
    for r in regions(net, box):
        for x in [r.point, *interior_samples(r, rng, 3, exact=True)]:
            assert all(r.A.dot(x) < r.c)
            assert exact_pattern(layers, x) == r.pattern
            assert list(net.forward_exact(x)) == list(r.M.dot(x) + r.d)


@SETTINGS
@given(n=st.sampled_from([2, 3]), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_float_map_equals_forward_inside_each_region(n, data, seed):
    net = data.draw(networks(n, floats, max_units=6 if n == 2 else 5))
    box = data.draw(boxes(n, exact=False))
    rng = np.random.default_rng(seed)
    for r in regions(net, box):
        xs = np.array([r.point, *interior_samples(r, rng, 4, exact=False)], dtype=float)
        assert np.all(xs @ r.A.T <= r.c + 1e-9)
        np.testing.assert_allclose(net.forward(xs), xs @ r.M.T + r.d, rtol=1e-8, atol=1e-8)
        # the pattern where the point is clearly inside: away from every facet
        x = r.point
        if np.all(r.c - r.A @ x > 1e-6 * np.linalg.norm(r.A, axis=1)):
            assert net.pattern(x) == r.pattern


@SETTINGS
@given(n=st.sampled_from([2, 3]), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_float_regions_cover_the_box(n, data, seed):
    net = data.draw(networks(n, floats, max_units=6 if n == 2 else 5))
    box = data.draw(boxes(n, exact=False))
    rs = regions(net, box)
    rng = np.random.default_rng(seed)
    lo, hi = np.array(box).T
    xs = lo + (hi - lo) * rng.random((40, n))
    hits = np.zeros(len(xs), dtype=int)
    for r in rs:
        hits += r.contains(xs, tol=1e-7)
    assert np.all(hits >= 1)


# -- against the other method and the brute force -----------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=networks(2, rationals), box=boxes(2, exact=True))
def test_exact_polygon_and_vertex_methods_agree(net, box):
    poly = {r.pattern: r for r in regions(net, box, method="polygon")}
    vert = {r.pattern: r for r in regions(net, box, method="vertex")}
    assert set(poly) == set(vert)
    for p, r in poly.items():
        v = vert[p]
        assert r.labels == v.labels
        assert r.A.tolist() == v.A.tolist() and r.c.tolist() == v.c.tolist()
        assert r.M.tolist() == v.M.tolist() and r.d.tolist() == v.d.tolist()
        assert {tuple(x) for x in r.vertices} == {tuple(x) for x in v.vertices}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.sampled_from([1, 2, 3]), data=st.data())
def test_exact_patterns_match_brute_force(n, data):
    net = data.draw(networks(n, rationals, max_units=5))
    box = data.draw(boxes(n, exact=True))
    found, ambiguous = brute_force(net, box)
    assert not ambiguous
    rs = regions(net, box)
    assert {r.pattern for r in rs} == set(found)
    for r in rs:
        assert r.M.tolist() == found[r.pattern].M
        assert r.d.tolist() == found[r.pattern].d
