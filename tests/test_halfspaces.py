"""The half-space engine (issue 9, defect 4): regions from inequalities and LPs.

Checked against the vertex engine where both run (3 to 5 inputs), against the forward
pass at random points where only it runs (8 to 12 inputs), and on inputs whose ``2**n``
box corners the vertex engine could not hold (22 to 40).
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from networks import exact_net

from reluineq import Network, check_regions, regions
from reluineq.engines.halfspaces import HALFSPACE_DIMS, VOLUME_DIMS


def _box(n: int) -> list[tuple[float, float]]:
    return [(-2.0, 2.0)] * n


@pytest.mark.parametrize("widths", [(3, 8, 1), (3, 5, 5, 1), (4, 5, 3, 1), (5, 6, 1)])
@pytest.mark.parametrize("seed", [0, 1])
def test_same_regions_as_the_vertex_engine(widths, seed):
    net = Network.random(widths, seed=seed)
    box = _box(widths[0])
    want = regions(net, box, method="vertex")
    got = regions(net, box, method="halfspace")
    assert Counter(r.pattern for r in got) == Counter(r.pattern for r in want)
    ref = {r.pattern: r for r in want}
    for r in got:
        v = ref[r.pattern]
        np.testing.assert_allclose(r.M, v.M, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(r.d, v.d, rtol=1e-12, atol=1e-12)
        # The same facets, so the same irredundant system.
        assert sorted(r.labels) == sorted(v.labels)
        assert np.isclose(r.volume, v.volume, rtol=1e-7)


def test_check_regions_passes_on_the_halfspace_engine():
    net = Network.random((4, 6, 4, 1), seed=3)
    report = check_regions(regions(net, _box(4), method="halfspace"), samples=2000)
    assert report.regions > 1


@pytest.mark.parametrize(("widths", "seed"), [((8, 8, 1), 0), ((8, 4, 4, 1), 1),
                                              ((10, 6, 1), 2), ((12, 8, 1), 0),
                                              ((12, 4, 3, 1), 4)])
def test_sampled_points_lie_in_their_region(widths, seed):
    n = widths[0]
    net = Network.random(widths, seed=seed)
    rs = regions(net, _box(n))  # auto: the half-space engine from HALFSPACE_DIMS inputs on
    assert n >= HALFSPACE_DIMS
    by = {r.pattern: r for r in rs}
    assert len(by) == len(rs)
    P = np.random.default_rng(seed).uniform(-2.0, 2.0, size=(1000, n))
    pats = net.pattern(P)
    F = net.forward(P)
    seen = set()
    for x, pat, f in zip(P, map(tuple, pats.tolist()), F, strict=True):
        r = by[pat]  # KeyError: a pattern of the network that no region has
        seen.add(pat)
        A, c = np.asarray(r.A, float), np.asarray(r.c, float)
        assert (A @ x <= c + 1e-9).all()
        np.testing.assert_allclose(r.M @ x + r.d, f, rtol=1e-9, atol=1e-9)
    # Each region's own point: inside its system, with its pattern.
    for r in (by[pat] for pat in seen):
        p = r.point
        assert (np.asarray(r.A, float) @ p < np.asarray(r.c, float)).all()
        assert net.pattern(p) == r.pattern
    assert len(seen) > 1


def test_a_linear_22_input_network_is_one_box():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(3, 22))
    net = Network.from_arrays([W], [np.zeros(3)], ["identity"])
    (r,) = regions(net, _box(22))
    assert r.pattern == ()
    np.testing.assert_array_equal(r.M, W)
    assert len(r.A) == 44 and all(lab[0] == "box" for lab in r.labels)
    assert r.volume is None
    with pytest.raises(ValueError, match="vertices of a 22-dimensional region"):
        r.vertices  # noqa: B018


@pytest.mark.parametrize("n", [28, 40])
def test_many_inputs_do_not_run_out_of_memory(n):
    net = Network.random((n, 4, 1), seed=n)
    rs = regions(net, _box(n))
    P = np.random.default_rng(n).uniform(-2.0, 2.0, size=(500, n))
    pats = {tuple(p) for p in net.pattern(P).tolist()}
    assert pats <= {r.pattern for r in rs}
    assert 1 < len(rs) <= 16


def test_volume_up_to_volume_dims():
    net = Network.random((VOLUME_DIMS, 3, 1), seed=0)
    rs = regions(net, _box(VOLUME_DIMS), method="halfspace")
    assert np.isclose(sum(r.volume for r in rs), 4.0**VOLUME_DIMS, rtol=1e-7)


def test_exact_network_is_certified():
    # Rational weights: the engine's decisions are proved in rational arithmetic, and
    # every region's point is a rational point strictly inside it.
    W1 = [[1, -1, 0], [0, 1, 1], [1, 1, 1], [Fraction(1, 3), 0, -1]]
    net = Network([W1, [[1, 1, -1, 1]]], [[0, Fraction(1, 2), -1, 0], [0]],
                  ["relu", "identity"])
    box = [(-1, 1)] * 3
    want = regions(net, box, method="vertex")
    got = regions(net, box, method="halfspace")
    assert Counter(r.pattern for r in got) == Counter(r.pattern for r in want)
    ref = {r.pattern: r for r in want}
    for r in got:
        assert all(isinstance(v, Fraction) for v in r.point)
        assert (r.A.dot(r.point) < r.c).all()
        assert net.pattern(r.point) == r.pattern
        assert (r.M == ref[r.pattern].M).all() and (r.d == ref[r.pattern].d).all()
        assert sorted(r.labels) == sorted(ref[r.pattern].labels)
        assert sorted(map(tuple, r.vertices.tolist())) == sorted(
            map(tuple, ref[r.pattern].vertices.tolist()))


def test_a_hyperplane_through_a_vertex_is_not_a_cut():
    # x + y + z = 3 touches the cube [-1, 1]^3 only at its corner (1, 1, 1): one region,
    # the unit inactive, in exact and in float arithmetic.
    net = Network([[[1, 1, 1]], [[1]]], [[-3], [0]], ["relu", "identity"])
    for m in (net, net.to_float()):
        rs = regions(m, [(-1, 1)] * 3, method="halfspace")
        assert [r.pattern for r in rs] == [(0,)]


def test_exact_network_above_the_threshold_takes_the_certified_engine():
    rng = np.random.default_rng(0)
    n = HALFSPACE_DIMS
    W = [[Fraction(int(v), 4) for v in row] for row in rng.integers(-4, 5, size=(5, n))]
    b = [Fraction(int(v), 8) for v in rng.integers(-4, 5, size=5)]
    net = Network([W, [[1, -1, 1, 1, -1]]], [b, [0]], ["relu", "identity"])
    rs = regions(net, [(-1, 1)] * n)
    assert len({r.pattern for r in rs}) == len(rs) > 1
    for r in rs:
        assert (r.A.dot(r.point) < r.c).all()          # exact: Fractions throughout
        assert net.pattern(r.point) == r.pattern
        assert r.volume is None
    P = rng.uniform(-1, 1, size=(2000, n))
    assert {tuple(p) for p in net.to_float().pattern(P).tolist()} <= {r.pattern for r in rs}


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("seed", [1, 2])
def test_exact_volumes_in_one_and_two_dimensions(n, seed):
    # An exact network's regions have exact volumes in 1-D and 2-D whatever the engine:
    # the half-space engine once gave float areas in 2-D and failed in 1-D (qhull's
    # half-space intersection needs two dimensions).
    net = exact_net((n, 4, 1), seed)
    box = [(-1, 1)] * n
    want = {r.pattern: r.volume for r in regions(net, box)}
    got = {r.pattern: r.volume for r in regions(net, box, method="halfspace")}
    assert got == want
    assert all(isinstance(v, Fraction) for v in got.values())
    assert sum(got.values()) == 2**n


def test_one_input_float_network_on_the_halfspace_engine():
    net = Network.random((1, 6, 1), seed=0)
    want = sorted((r.pattern, r.volume) for r in regions(net, _box(1)))
    got = sorted((r.pattern, r.volume) for r in regions(net, _box(1), method="halfspace"))
    assert [p for p, _ in got] == [p for p, _ in want]
    np.testing.assert_allclose([v for _, v in got], [v for _, v in want], rtol=1e-12)
    assert check_regions(regions(net, _box(1), method="halfspace")).regions == len(want)
