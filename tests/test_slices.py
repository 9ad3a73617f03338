"""Slices: the network on a line or plane is the composition, exactly, and its regions are
the original network's regions cut by the plane."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from bruteforce import brute_force, exact_layers, exact_pattern
from networks import exact_net

from reluineq import Network, check_regions, regions
from reluineq.slices import plane, slice_network, to_inputs

PLANES = [
    [[0, 0, 0], [1, 0, 0], [0, 1, 0]],
    [[F(1, 2), -1, 0], [1, 1, F(1, 3)], [-1, 0, 2]],
    [[1, 1, 1], [2, -1, 0], [0, 0, F(-1, 2)]],
]


@pytest.mark.parametrize("points", PLANES, ids=range(len(PLANES)))
@pytest.mark.parametrize("acts", [None, ["leaky_relu(1/4)", "relu", "identity"]],
                         ids=["relu", "leaky"])
def test_plane_slice_is_the_composition_exactly(points, acts):
    net = exact_net([3, 4, 3, 2], 1, acts)
    flat = net.slice(points)
    assert flat.exact and flat.n_inputs == 2 and flat.activations == net.activations
    rng = np.random.default_rng(0)
    for _ in range(50):
        c = [F(int(k), 7) for k in rng.integers(-20, 21, size=2)]
        x = to_inputs(points, c)
        assert flat.forward_exact(c).tolist() == net.forward_exact(x).tolist()
        assert flat.pattern(c) == net.pattern(x)
    # The three points are the corners of the affine coordinates.
    for c, p in zip([[0, 0], [1, 0], [0, 1]], points, strict=True):
        assert to_inputs(points, c).tolist() == [F(v) for v in p]


@pytest.mark.parametrize("points", PLANES, ids=range(len(PLANES)))
def test_slice_regions_are_the_regions_cut_by_the_plane(points):
    net = exact_net([3, 3, 3, 1], 2)
    flat = net.slice(points)
    box = [(-2, 2), (-2, 2)]
    rs = regions(flat, box)
    check_regions(rs)
    # The independent enumerator on the slice finds the same patterns and maps.
    found, ambiguous = brute_force(flat, box)
    assert not ambiguous and set(found) == {r.pattern for r in rs}
    # Each slice region sits inside the original region of the same pattern, whose map
    # composed with the plane's is the slice region's map.
    origin, E = plane(points)
    big = regions(net, [(-12, 12)] * 3)
    by_pattern = {r.pattern: r for r in big}
    layers = exact_layers(net)
    for r in rs:
        inside = to_inputs(points, r.point)
        assert exact_pattern(layers, inside) == r.pattern
        orig = by_pattern[r.pattern]
        assert all(v <= 0 for v in orig.A.dot(inside) - orig.c)
        assert r.M.tolist() == orig.M.dot(E).tolist()
        assert r.d.tolist() == (orig.M.dot(origin) + orig.d).tolist()


def test_line_slice():
    net = exact_net([4, 5, 2], 3, ["leaky_relu(1/10)", "identity"])
    p0, p1 = [0, 1, F(1, 2), -1], [2, -1, 0, 1]
    line = net.slice([p0, p1])
    assert line.n_inputs == 1
    for t in [F(k, 9) for k in range(-9, 19)]:
        x = [a + t * (b - a) for a, b in zip(p0, p1, strict=True)]
        assert line.forward_exact([t]).tolist() == net.forward_exact(x).tolist()
    rs = regions(line, [(0, 1)])
    check_regions(rs)
    # Where the line crosses a unit's hyperplane the slice has a breakpoint: the pattern
    # at the midpoints of the 1-D regions is the original's.
    for r in rs:
        t = r.point[0]
        assert r.pattern == net.pattern(to_inputs([p0, p1], [t]))


def test_float_slices_and_mixed_kinds():
    net = Network.random([64, 16, 10], seed=0)
    rng = np.random.default_rng(1)
    pts = rng.uniform(0, 1, size=(3, 64))
    flat = net.slice(pts)
    assert not flat.exact and flat.n_inputs == 2 and flat.n_outputs == 10
    uv = rng.uniform(-1, 2, size=(100, 2))
    np.testing.assert_allclose(flat.forward(uv), net.forward(to_inputs(pts, uv)),
                               rtol=1e-12, atol=1e-12)
    # An exact network sliced through float points is a float network.
    ex = exact_net([3, 2, 1], 0)
    mixed = ex.slice([[0.5, 0, 0], [1, 0, 0], [0, 1, 0]])
    assert not mixed.exact
    # (0.5, 0, 0) + 0.25 (0.5, 0, 0) + 1 (-0.5, 1, 0)
    np.testing.assert_allclose(mixed.forward([0.25, 1]), ex.forward([0.125, 1, 0]))


@pytest.mark.parametrize(("points", "message"), [
    ([[0, 0, 0]], "give two points \\(a line\\) or three \\(a plane\\), got 1"),
    ([[0, 0, 0]] * 4, "got 4"),
    ([[0, 0], [1, 1]], "point 0 must have 3 coordinates, got 2 coordinates"),
    ([[0, 0, 0], [[1], [1], [1]]], "point 1 must have 3 coordinates, got not a flat"),
    ([[1, 2, 3], [1, 2, 3]], "points 0 and 1 are equal"),
    ([[0, 0, 0], [1, 1, 1], [2, 2, 2]], "lie on one line"),
    ([[0, 0, 0], [1.0, 1, 1], [3.0, 3, 3.0000000000001]], "lie on one line"),
    ([[0, 0, 0], [1, float("nan"), 0]], "point 1 coordinate 1: non-finite"),
    ([[0, 0, 0], [1, True, 0]], "boolean"),
    ("abc", "points must be two or three points, got a str"),
])
def test_bad_points(points, message):
    net = exact_net([3, 2, 1], 0)
    with pytest.raises((ValueError, TypeError), match=message):
        net.slice(points)


def test_arrays_of_points():
    net = exact_net([3, 2, 1], 0)
    exact = net.slice(np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0]]))
    assert exact.exact and exact.layers[0].weight.tolist() == [
        [F(v) for v in row[:2]] for row in net.layers[0].weight.tolist()]
    assert not net.slice(np.array([[0.5, 0, 0], [1, 0, 0], [0, 1, 0]])).exact
    with pytest.raises(ValueError, match="lie on one line"):
        net.slice(np.array([[0.0, 0, 0], [1, 1, 1], [2, 2, 2]]))
    with pytest.raises(ValueError, match="points 0 and 1 are equal"):
        net.slice(np.array([[1, 2, 3], [1, 2, 3]]))
    with pytest.raises(ValueError, match="point 1 coordinate 2: non-finite"):
        net.slice(np.array([[0.0, 0, 0], [1, 0, np.inf]]))


def test_to_inputs_checks_the_coordinates():
    with pytest.raises(ValueError, match="coordinates must have shape \\(2,\\)"):
        to_inputs([[0, 0, 0], [1, 0, 0], [0, 1, 0]], [1, 2, 3])
    assert slice_network(exact_net([2, 2, 1], 0), [[0, 0], [1, 0]]).n_inputs == 1


def test_numpy_arrays_are_checked_at_once():
    # The fast path for arrays (sliced and imported networks) names a bad entry as the
    # entry-by-entry check does, and keeps integer arrays exact.
    W = np.array([[1.0, 2.0], [3.0, np.inf]])
    with pytest.raises(ValueError, match=r"layer 0 weight\[1, 1\]: non-finite value inf"):
        Network([W], [np.zeros(2)], ["relu"])
    with pytest.raises(ValueError, match=r"layer 1 bias\[0\]: non-finite value nan"):
        Network([np.eye(2), np.ones((1, 2))], [np.zeros(2), np.array([np.nan])],
                ["relu", "identity"])
    exact = Network([np.array([[1, -2]]), np.array([[3]])], [np.array([0]), np.array([1])],
                    ["relu", "identity"])
    assert exact.exact and exact.forward_exact([F(1, 2), 0]).tolist() == [F(5, 2)]
    mixed = Network([np.array([[1, -2]]), np.array([[0.5]])], [np.array([0]), [1]],
                    ["relu", "identity"])
    assert not mixed.exact and mixed.forward([1, 0]).tolist() == [1.5]
