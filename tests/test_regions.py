"""Tests of reluineq.regions: hand-computed cases, a brute-force cross-check, exact mode,
the two geometric methods against each other, irredundancy, and bad input."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import pytest
from bruteforce import brute_force, exact_layers, exact_pattern, lp_max

from reluineq import Network, Partition, Region, TooManyRegionsError, regions
from reluineq.engines import arrangement, polygons

F = Fraction
SQUARE = [(-1, 1), (-1, 1)]


def net_of(layers, acts=None):
    """A network from ``[(W, b), ...]``; ReLU hidden layers and an identity read-out."""
    weights = [w for w, _ in layers]
    biases = [b for _, b in layers]
    if acts is None:
        acts = ["relu"] * (len(layers) - 1) + ["identity"]
    return Network(weights, biases, acts)


def by_pattern(rs):
    out = {r.pattern: r for r in rs}
    assert len(out) == len(rs), "two regions share a pattern"
    return out


def shoelace(vertices) -> Fraction | float:
    """Signed area of a polygon given in order (positive when counter-clockwise)."""
    v = list(map(tuple, vertices))
    s = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(v, v[1:] + v[:1], strict=True))
    return s / 2


def as_exact(array) -> list:
    """An object array's entries as nested lists, checking each is a ``Fraction``."""
    array = np.asarray(array)
    assert array.dtype == object
    assert all(type(v) is Fraction for v in array.ravel()), array
    return array.tolist()


# -- hand-computed cases ----------------------------------------------------------


def test_one_unit_in_2d_by_hand():
    # y = 3 relu(x + 2y - 1); the line meets the square at (-1, 1) and (1, 0).
    net = net_of([([[1, 2]], [-1]), ([[3]], [0])])
    rs = by_pattern(regions(net, SQUARE))
    assert set(rs) == {(0,), (1,)}
    on, off = rs[(1,)], rs[(0,)]
    assert as_exact(on.A) == [[-1, -2], [1, 0], [0, 1]]
    assert as_exact(on.c) == [-1, 1, 1]
    assert on.labels == (("unit", 0, 0), ("box", 0, "high"), ("box", 1, "high"))
    assert as_exact(on.M) == [[3, 6]] and as_exact(on.d) == [-3]
    assert as_exact(off.A) == [[1, 2], [-1, 0], [1, 0], [0, -1]]
    assert as_exact(off.c) == [1, 1, 1, 1]
    assert off.labels == (("unit", 0, 0), ("box", 0, "low"), ("box", 0, "high"),
                          ("box", 1, "low"))
    assert as_exact(off.M) == [[0, 0]] and as_exact(off.d) == [0]
    assert {tuple(v) for v in on.vertices} == {(1, 0), (1, 1), (-1, 1)}
    assert {tuple(v) for v in off.vertices} == {(-1, -1), (1, -1), (1, 0), (-1, 1)}
    assert shoelace(on.vertices) == 1 and shoelace(off.vertices) == 3
    assert repr(on) == "Region(pattern=1, 3 inequalities)"


# The 2-2-1 network y = relu(x - y) + relu(x + y - 1): the lines cross at (1/2, 1/2).
CROSSING = net_of([([[1, -1], [1, 1]], [0, -1]), ([[1, 1]], [0])])
CROSSING_TABLE = {
    # pattern: (A, c, labels, M, d, vertices, area)
    (1, 1): ([[-1, 1], [-1, -1], [1, 0]], [0, -1, 1],
             (("unit", 0, 0), ("unit", 0, 1), ("box", 0, "high")),
             [[2, 0]], [-1], {(F(1, 2), F(1, 2)), (1, 0), (1, 1)}, F(1, 4)),
    (1, 0): ([[-1, 1], [1, 1], [1, 0], [0, -1]], [0, 1, 1, 1],
             (("unit", 0, 0), ("unit", 0, 1), ("box", 0, "high"), ("box", 1, "low")),
             [[1, -1]], [0], {(-1, -1), (1, -1), (1, 0), (F(1, 2), F(1, 2))}, F(7, 4)),
    (0, 1): ([[1, -1], [-1, -1], [0, 1]], [0, -1, 1],
             (("unit", 0, 0), ("unit", 0, 1), ("box", 1, "high")),
             [[1, 1]], [-1], {(F(1, 2), F(1, 2)), (1, 1), (0, 1)}, F(1, 4)),
    (0, 0): ([[1, -1], [1, 1], [-1, 0], [0, 1]], [0, 1, 1, 1],
             (("unit", 0, 0), ("unit", 0, 1), ("box", 0, "low"), ("box", 1, "high")),
             [[0, 0]], [0], {(-1, -1), (F(1, 2), F(1, 2)), (0, 1), (-1, 1)}, F(7, 4)),
}


@pytest.mark.parametrize("method", ["auto", "polygon", "vertex"])
def test_two_crossing_units_by_hand(method):
    rs = by_pattern(regions(CROSSING, SQUARE, method=method))
    assert set(rs) == set(CROSSING_TABLE)
    for pattern, (A, c, labels, M, d, verts, area) in CROSSING_TABLE.items():
        r = rs[pattern]
        assert as_exact(r.A) == A
        assert as_exact(r.c) == c
        assert r.labels == labels
        assert as_exact(r.M) == M and as_exact(r.d) == d
        assert {tuple(v) for v in r.vertices} == verts
        if method != "vertex":
            assert shoelace(r.vertices) == area


@pytest.mark.parametrize("method", ["polygon", "vertex"])
def test_two_crossing_units_in_float(method):
    rs = by_pattern(regions(CROSSING.to_float(), SQUARE, method=method))
    assert set(rs) == set(CROSSING_TABLE)
    for pattern, (A, c, labels, M, d, verts, _) in CROSSING_TABLE.items():
        r = rs[pattern]
        assert r.A.dtype == np.float64 and r.M.dtype == np.float64
        np.testing.assert_allclose(r.A, np.array(A, float), atol=1e-12)
        np.testing.assert_allclose(r.c, np.array(c, float), atol=1e-12)
        np.testing.assert_allclose(r.M, np.array(M, float), atol=1e-12)
        np.testing.assert_allclose(r.d, np.array(d, float), atol=1e-12)
        assert r.labels == labels
        got = sorted(map(tuple, np.round(r.vertices, 12)))
        assert got == sorted(tuple(float(t) for t in v) for v in verts)


BOX_ONLY_A = [[-1, 0], [1, 0], [0, -1], [0, 1]]
BOX_ONLY_LABELS = (("box", 0, "low"), ("box", 0, "high"), ("box", 1, "low"),
                   ("box", 1, "high"))


@pytest.mark.parametrize(
    ("w", "b", "pattern", "M", "d"),
    [
        ([1, 1], 3, (1,), [[1, 1]], [3]),  # always on
        ([1, 1], -3, (0,), [[0, 0]], [0]),  # dead
        ([1, 0], -1, (0,), [[0, 0]], [0]),  # x = 1, along the right edge, off inside
        ([-1, 0], 1, (1,), [[-1, 0]], [1]),  # 1 - x >= 0, along the right edge, on inside
        ([0, 1], 1, (1,), [[0, 1]], [1]),  # y = -1, along the bottom edge
        ([1, 1], -2, (0,), [[0, 0]], [0]),  # touches the corner (1, 1) only
        ([1, -1], 2, (1,), [[1, -1]], [2]),  # touches the corner (-1, 1) only
        ([0, 0], 0, (0,), [[0, 0]], [0]),  # constant zero: off
        ([0, 0], F(1, 2), (1,), [[0, 0]], [F(1, 2)]),  # constant positive: on
    ],
)
@pytest.mark.parametrize("method", ["polygon", "vertex"])
def test_hyperplane_missing_the_box_gives_one_region(w, b, pattern, M, d, method):
    net = net_of([([w], [b]), ([[1]], [0])])
    (r,) = regions(net, SQUARE, method=method)
    assert r.pattern == pattern
    assert as_exact(r.A) == BOX_ONLY_A and as_exact(r.c) == [1, 1, 1, 1]
    assert r.labels == BOX_ONLY_LABELS
    assert as_exact(r.M) == M and as_exact(r.d) == d
    (rf,) = regions(net.to_float(), SQUARE, method=method)
    assert rf.pattern == pattern
    np.testing.assert_array_equal(rf.A, BOX_ONLY_A)


def test_one_dimensional_breakpoints_by_hand():
    # units 2x - 1, -x, x + 1/2 break at -b/w = 1/2, 0, -1/2; y = sum of the units.
    net = net_of([([[2], [-1], [1]], [-1, 0, F(1, 2)]), ([[1, 1, 1]], [0])])
    rs = sorted(regions(net, [(-1, 1)]), key=lambda r: r.point[0])
    assert [r.pattern for r in rs] == [(0, 1, 0), (0, 1, 1), (0, 0, 1), (1, 0, 1)]
    assert [sorted(v[0] for v in r.vertices) for r in rs] == [
        [-1, F(-1, 2)], [F(-1, 2), 0], [0, F(1, 2)], [F(1, 2), 1]]
    assert [(r.M[0, 0], r.d[0]) for r in rs] == [
        (-1, 0), (0, F(1, 2)), (1, F(1, 2)), (3, F(-1, 2))]
    # on [-1/2, 0]: unit 1 on (-x > 0, i.e. x <= 0) and unit 2 on (x + 1/2 >= 0)
    assert as_exact(rs[1].A) == [[1], [-1]] and as_exact(rs[1].c) == [0, F(1, 2)]
    assert rs[1].labels == (("unit", 0, 1), ("unit", 0, 2))
    assert as_exact(rs[0].A) == [[1], [-1]] and as_exact(rs[0].c) == [F(-1, 2), 1]
    assert rs[0].labels == (("unit", 0, 2), ("box", 0, "low"))
    assert [r.point[0] for r in rs] == [F(-3, 4), F(-1, 4), F(1, 4), F(3, 4)]


def test_one_dimensional_float_breakpoints():
    rng = np.random.default_rng(5)
    w = rng.uniform(0.5, 2, 6) * rng.choice([-1, 1], 6)
    b = rng.uniform(-1, 1, 6)
    net = Network([w[:, None], np.ones((1, 6))], [b, [0.0]], ["relu", "identity"])
    rs = sorted(regions(net, [(-3, 3)]), key=lambda r: r.point[0])
    ends = np.array([sorted(r.vertices[:, 0]) for r in rs])
    breaks = np.sort(-b / w)
    breaks = breaks[(breaks > -3) & (breaks < 3)]
    np.testing.assert_allclose(ends[:, 0], np.concatenate([[-3], breaks]), atol=1e-12)
    np.testing.assert_allclose(ends[:, 1], np.concatenate([breaks, [3]]), atol=1e-12)


def test_octants_in_3d_by_hand():
    net = net_of([(np.eye(3, dtype=int).tolist(), [0, 0, 0]), ([[1, 2, 3]], [1])])
    rs = by_pattern(regions(net, [(-1, 1)] * 3))
    assert set(rs) == set(itertools.product((0, 1), repeat=3))
    for s, r in rs.items():
        sign = [-1 if on else 1 for on in s]
        A = [[sign[i] * int(i == j) for j in range(3)] for i in range(3)]
        A += [[(1 if on else -1) * int(i == j) for j in range(3)] for i, on in enumerate(s)]
        assert as_exact(r.A) == A
        assert as_exact(r.c) == [0, 0, 0, 1, 1, 1]
        assert r.labels == tuple(("unit", 0, i) for i in range(3)) + tuple(
            ("box", i, "high" if on else "low") for i, on in enumerate(s))
        assert as_exact(r.M) == [[s[0], 2 * s[1], 3 * s[2]]] and as_exact(r.d) == [1]
        assert {tuple(v) for v in r.vertices} == set(
            itertools.product(*[(0, 1) if on else (-1, 0) for on in s]))
        assert tuple(r.point) == tuple(F(1, 2) if on else F(-1, 2) for on in s)


def test_corner_cut_in_3d_by_hand():
    # x + y + z >= 2 cuts the corner (1, 1, 1) off the cube [-1, 1]^3.
    net = net_of([([[1, 1, 1]], [-2]), ([[1]], [0])])
    rs = by_pattern(regions(net, [(-1, 1)] * 3))
    on, off = rs[(1,)], rs[(0,)]
    assert {tuple(v) for v in on.vertices} == {(1, 1, 1), (0, 1, 1), (1, 0, 1), (1, 1, 0)}
    assert as_exact(on.A) == [[-1, -1, -1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert as_exact(on.c) == [-2, 1, 1, 1]
    assert len(off.vertices) == 10
    assert as_exact(off.A)[0] == [1, 1, 1] and len(off.A) == 7
    assert off.labels[1:] == tuple((
        "box", a, s) for a in range(3) for s in ("low", "high"))


def test_two_relu_layers_by_hand():
    # h = relu(x), y = relu(h - 1/2) - relu(1/4 - h) on [-1, 1]
    net = Network([[[1]], [[1], [-1]], [[1, -1]]], [[0], [F(-1, 2), F(1, 4)], [0]],
                  ["relu", "relu", "identity"])
    rs = sorted(regions(net, [(-1, 1)]), key=lambda r: r.point[0])
    assert [r.pattern for r in rs] == [(0, 0, 1), (1, 0, 1), (1, 0, 0), (1, 1, 0)]
    assert [(r.M[0, 0], r.d[0]) for r in rs] == [
        (0, F(-1, 4)), (1, F(-1, 4)), (0, 0), (1, F(-1, 2))]
    assert rs[1].labels == (("unit", 0, 0), ("unit", 1, 1))
    assert as_exact(rs[1].A) == [[-1], [1]] and as_exact(rs[1].c) == [0, F(1, 4)]
    # the second layer's unit 0 bounds the last region from below: h - 1/2 >= 0
    assert rs[3].labels == (("unit", 1, 0), ("box", 0, "high"))
    assert as_exact(rs[3].A) == [[-1], [1]] and as_exact(rs[3].c) == [F(-1, 2), 1]


def test_network_without_relu_is_one_region():
    net = Network([[[1, 2], [3, 4]], [[1, -1]]], [[1, 2], [F(1, 3)]], ["identity", "identity"])
    (r,) = regions(net, SQUARE)
    assert r.pattern == ()
    assert as_exact(r.M) == [[-2, -2]] and as_exact(r.d) == [F(-2, 3)]
    assert r.labels == BOX_ONLY_LABELS
    assert repr(r) == "Region(pattern=(), 4 inequalities)"


def test_box_given_as_floats_and_fractions_for_an_exact_network():
    rs = regions(CROSSING, [(-1.0, 1), (F(-1), 1.0)])
    assert {r.pattern for r in rs} == set(CROSSING_TABLE)
    rs = by_pattern(regions(CROSSING, [(-0.1, 0.9), (0.1, 0.2)]))
    # float bounds are read as their shortest decimal: exactly 1/10, 9/10 ...
    verts = {tuple(v) for r in rs.values() for v in r.vertices}
    assert (F(-1, 10), F(1, 10)) in verts and (F(9, 10), F(1, 5)) in verts


def test_contains():
    rs = by_pattern(regions(CROSSING, SQUARE))
    r = rs[(1, 0)]
    assert r.contains([0.5, -0.5]) is True
    assert r.contains([-0.5, 0.5]) is False
    assert r.contains([0.5, 0.5]) is True  # the crossing point is on the boundary
    got = r.contains(np.array([[0.5, -0.5], [-0.5, 0.5], [0.0, -1.0], [2.0, 0.0]]))
    assert got.tolist() == [True, False, True, False]
    assert rs[(0, 0)].contains([0.0, 1.0 + 1e-12]) is True
    assert rs[(0, 0)].contains([0.0, 1.0 + 1e-12], tol=0.0) is False


# -- the brute-force cross-check ------------------------------------------------------


def _unit_index(net):
    """Map (layer, unit) of every ReLU unit to its position in the pattern."""
    out, k = {}, 0
    for li, layer in enumerate(net.layers):
        if layer.activation == "relu":
            for j in range(layer.n_out):
                out[li, j] = k
                k += 1
    return out


def _equal(got, want, exact):
    if exact:
        assert as_exact(got) == [list(r) if isinstance(r, list) else r for r in want]
    else:
        np.testing.assert_allclose(
            np.asarray(got, float), np.array(want, dtype=float), rtol=1e-9, atol=1e-9)


def check_against_brute_force(net, box, methods=("auto",), found=None):
    """Compare regions() with the independent enumerator; return the brute force's
    regions (pass them back as ``found`` to check a mathematically equal network)."""
    if found is None:
        found, ambiguous = brute_force(net, box)
        assert not ambiguous, f"brute force cannot judge patterns {sorted(ambiguous)}"
    for k, method in enumerate(methods):
        _check_regions(net, box, method, found, polytopes=k == 0)
    return found


def _check_regions(net, box, method, found, polytopes):
    lib = by_pattern(regions(net, box, method=method))
    assert set(lib) == set(found), (
        f"missing {sorted(set(found) - set(lib))}, extra {sorted(set(lib) - set(found))}")
    units = _unit_index(net)
    n = net.n_inputs
    for pattern, r in lib.items():
        cand = found[pattern]
        _equal(r.M, cand.M, net.exact)
        _equal(r.d, cand.d, net.exact)
        # A x <= c names each row's constraint, from the same pre-activation maps.
        assert len(r.A) == len(r.c) == len(r.labels)
        for row, rhs, label in zip(r.A, r.c, r.labels, strict=True):
            if label[0] == "unit":
                w, b = cand.units[units[label[1], label[2]]]
                on = pattern[units[label[1], label[2]]]
                want_row = [-v for v in w] if on else w
                want_rhs = b if on else -b
            else:
                _, axis, side = label
                want_row = [int(j == axis) * (1 if side == "high" else -1) for j in range(n)]
                lo, hi = box[axis]
                want_rhs = hi if side == "high" else -lo
            _equal(row, want_row, net.exact)
            _equal([rhs], [want_rhs], net.exact)
        if not polytopes:
            continue
        # Same polytope: its vertices satisfy the brute-force system, and the brute-force
        # polytope satisfies A x <= c.
        A_bf = np.array([[float(v) for v in row] for row in cand.A])
        c_bf = np.array([float(v) for v in cand.c])
        V = np.asarray(r.vertices, float)
        assert np.all(V @ A_bf.T <= c_bf + 1e-8)
        for row, rhs in zip(np.asarray(r.A, float), np.asarray(r.c, float), strict=True):
            assert lp_max(row, cand.A, cand.c) <= rhs + 1e-7 * max(1.0, abs(rhs))


RANDOM_WIDTHS = [
    [2, 3, 3, 1], [2, 4, 4, 1], [3, 3, 3, 1], [3, 4, 3, 1], [1, 4, 4, 1], [4, 3, 3, 1],
    [2, 6, 1], [1, 5, 1], [4, 5, 1], [2, 3, 3, 2],
]


@pytest.mark.parametrize("widths", RANDOM_WIDTHS, ids=lambda w: "-".join(map(str, w)))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_networks_against_brute_force(widths, seed):
    net = Network.random(widths, seed=seed)
    methods = ("polygon", "vertex") if widths[0] == 2 else ("vertex",)
    found = check_against_brute_force(net, [(-2, 2)] * widths[0], methods)
    assert len(found) >= 2


def random_exact(widths, seed, last="identity"):
    """Small rational weights: integers in [-2, 2] over denominators 1 or 2 (many ties)."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for a, b in itertools.pairwise(widths):
        weights.append([[F(int(rng.integers(-2, 3)), int(rng.integers(1, 3))) for _ in range(a)]
                        for _ in range(b)])
        biases.append([F(int(rng.integers(-2, 3)), int(rng.integers(1, 3))) for _ in range(b)])
    return Network(weights, biases, ["relu"] * (len(widths) - 2) + [last])


@pytest.mark.parametrize(
    "widths", [[2, 3, 3, 1], [2, 4, 3, 1], [3, 3, 3, 1], [1, 4, 4, 1], [4, 3, 2, 1]],
    ids=lambda w: "-".join(map(str, w)))
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_random_exact_networks_against_brute_force(widths, seed):
    net = random_exact(widths, seed)
    box = [(-1, 1)] * widths[0]
    methods = ("polygon", "vertex") if widths[0] == 2 else ("vertex",)
    found = check_against_brute_force(net, box, methods)
    # halves are exact in binary: the float network is the same function
    check_against_brute_force(net.to_float(), box, methods, found=found)


def _degenerate():
    """Exact networks with ties of every kind the design names, and their boxes."""
    half = F(1, 2)
    sq = SQUARE
    cube = [(-1, 1)] * 3
    cases = {
        "zero-rows": (net_of([([[0, 0], [0, 0], [1, 1], [0, 0]], [0, 1, 0, -1]),
                              ([[1, 1, 1, 1]], [0])]), sq),
        "duplicate-units": (net_of([([[1, 2], [1, 2], [2, 4], [-1, -2], [1, 2]],
                                     [0, 0, 0, 0, half]), ([[1, -1, 1, 1, 2]], [0])]), sq),
        "parallel": (net_of([([[1, 1]] * 4, [0, half, -half, 2]), ([[1, 2, 3, 4]], [0])]), sq),
        "through-one-point": (net_of([([[1, 0], [0, 1], [1, 1], [1, -1], [1, 2]],
                                       [0, 0, 0, 0, 0]), ([[1, -1, 1, -1, 1]], [0])]), sq),
        "through-one-point-off-centre": (net_of([([[1, 0], [0, 1], [1, 1], [2, -1]],
                                                  [-half, -half, -1, -half]),
                                                 ([[1, 1, 1, 1]], [0])]), sq),
        "along-the-boundary": (net_of([([[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1]],
                                        [-1, 1, 1, 1, 0]), ([[1, 1, 1, 1, 1]], [0])]), sq),
        "through-corners": (net_of([([[1, 1], [1, -1], [1, 1], [-1, 1]], [-2, 2, 0, 0]),
                                    ([[1, 1, 1, 1]], [0])]), sq),
        "dead-and-always-on": (net_of([([[1, 1], [1, -1], [1, 0]], [-5, 5, 0]),
                                       ([[1, 1, 1], [-1, -1, 0], [0, 0, 0]], [0, -20, 1]),
                                       ([[1, 1, 1]], [0])]), sq),
        "identity-between-relus": (Network(
            [[[1, 0], [0, 1], [1, 1]], [[1, -1, 0], [0, 1, -1]], [[1, 1], [1, -1]], [[1, 1]]],
            [[0, 0, -half], [0, half], [0, 0], [0]],
            ["relu", "identity", "relu", "identity"]), sq),
        "relu-last": (Network([[[1, -1], [1, 1]], [[1, -1], [-1, 1]]], [[0, -half], [0, 0]],
                              ["relu", "relu"]), sq),
        "second-layer-repeats-first": (Network(
            # h = relu(x), relu(x); layer 2: h1 - h2 (constant 0), h1 (same line), h1 - 1/2
            [[[1, 0], [1, 0]], [[1, -1], [1, 0], [1, 0]], [[1, 1, 1]]],
            [[0, 0], [0, 0, -half], [0]], ["relu", "relu", "identity"]), sq),
        "3d-planes-through-an-axis": (net_of([([[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, -1, 0]],
                                               [0, 0, 0, 0]), ([[1, 2, 3, 4]], [0])]), cube),
        "3d-through-corners-and-faces": (net_of([([[1, 1, 1], [1, 1, 1], [0, 0, 1], [1, 0, 0],
                                                   [1, -1, 0], [0, 0, 0]],
                                                  [-3, 0, -1, 0, 0, 0]),
                                                 ([[1, 1, 1, 1, 1, 1]], [0])]), cube),
        "3d-deep": (net_of([([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0]),
                            ([[1, 1, 1], [1, -1, 0], [0, 0, 0]], [-half, 0, 0]),
                            ([[1, 1, 1]], [0])]), cube),
        "1d-ties": (net_of([([[1], [1], [-1], [2], [0], [1]], [0, 0, 0, -2, 0, 1]),
                            ([[1, 1, 1, 1, 1, 1]], [0])]), [(-1, 1)]),
        "4d-coordinates": (net_of([([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1]],
                                    [0, 0, 0, 0]), ([[1, 1, 1, 1]], [0])]), [(-1, 1)] * 4),
        "4d-box-face-and-corner": (net_of([([[0, 0, 0, 1], [1, 1, 1, 1], [1, -1, 0, 0],
                                             [1, 0, 0, 0]], [-1, -4, 0, half]),
                                           ([[1, 1, 1, 1]], [0])]), [(-1, 1)] * 4),
        "off-centre-box": (net_of([([[1, 0], [0, 1], [1, 1]], [-3, 2, 0]), ([[1, 1, 1]], [0])]),
                           [(3, 5), (-2, F(1, 3))]),
    }
    return cases


DEGENERATE = _degenerate()


@pytest.mark.parametrize("name", list(DEGENERATE))
@pytest.mark.parametrize("arithmetic", ["exact", "float"])
def test_degenerate_networks_against_brute_force(name, arithmetic):
    net, box = DEGENERATE[name]
    if arithmetic == "float":
        net = net.to_float()
    check_against_brute_force(net, box, ("polygon", "vertex") if net.n_inputs == 2 else ("auto",))


def test_degenerate_expected_counts():
    """Region counts of some degenerate cases, by hand."""
    counts = {
        "zero-rows": 2,  # only x + y = 0 cuts
        "duplicate-units": 3,  # the line x + 2y = 0 and the parallel x + 2y = -1/2
        "parallel": 4,  # x + y = -1/2, 0, 1/2 (x + y = -2 touches a corner only)
        "through-one-point": 10,  # five lines through the origin
        "along-the-boundary": 2,  # only x + y = 0 cuts
        "through-corners": 4,  # two diagonals; the other two lines touch a corner only
        "3d-planes-through-an-axis": 8,
        "1d-ties": 2,
    }
    for name, count in counts.items():
        net, box = DEGENERATE[name]
        assert len(regions(net, box)) == count, name
        assert len(regions(net.to_float(), box)) == count, name


# -- exact mode -------------------------------------------------------------------

EXACT_CASES = {
    **{name: case for name, case in DEGENERATE.items()},
    "crossing": (CROSSING, SQUARE),
    **{f"random-exact-{s}": (random_exact([2, 3, 3, 1], s), SQUARE) for s in range(3)},
    "random-exact-3d": (random_exact([3, 3, 3, 1], 4), [(-1, 1)] * 3),
}


@pytest.mark.parametrize("name", list(EXACT_CASES))
def test_exact_regions_are_fractions_with_exact_identities(name):
    net, box = EXACT_CASES[name]
    assert net.exact
    layers = exact_layers(net)
    for r in regions(net, box):
        for arr in (r.A, r.c, r.M, r.d, r.point, r.vertices):
            as_exact(arr)
        x = r.point
        # the map is the network, exactly, at the interior point and at every vertex
        assert list(net.forward_exact(x)) == list(r.M.dot(x) + r.d)
        for v in r.vertices:
            assert list(net.forward_exact(v)) == list(r.M.dot(v) + r.d)
        # the interior point satisfies every row strictly, the vertices weakly
        assert all(r.A.dot(x) < r.c)
        assert all(all(r.A.dot(v) <= r.c) for v in r.vertices)
        assert exact_pattern(layers, x) == r.pattern
        assert all(lo < xi < hi for xi, (lo, hi) in zip(x, box, strict=True))


# -- geometry: the two methods, orientation, irredundancy ------------------------------

TWO_D_CASES = {
    **{n: c for n, c in EXACT_CASES.items() if c[0].n_inputs == 2},
    **{n + "-float": (c[0].to_float(), c[1]) for n, c in DEGENERATE.items()
       if c[0].n_inputs == 2},
    **{f"random-{'-'.join(map(str, w))}-{s}": (Network.random(w, seed=s), [(-2, 2)] * 2)
       for w in ([2, 4, 4, 1], [2, 8, 8, 1], [2, 5, 5, 5, 1]) for s in (0, 1)},
}


@pytest.mark.parametrize("name", list(TWO_D_CASES))
def test_polygon_and_vertex_methods_agree(name):
    net, box = TWO_D_CASES[name]
    poly = by_pattern(regions(net, box, method="polygon"))
    vert = by_pattern(regions(net, box, method="vertex"))
    assert set(poly) == set(vert)
    for pattern, p in poly.items():
        v = vert[pattern]
        assert p.labels == v.labels
        if net.exact:
            for a, b in ((p.A, v.A), (p.c, v.c), (p.M, v.M), (p.d, v.d)):
                assert as_exact(a) == as_exact(b)
            assert {tuple(x) for x in p.vertices} == {tuple(x) for x in v.vertices}
        else:
            for a, b in ((p.A, v.A), (p.c, v.c), (p.M, v.M), (p.d, v.d)):
                np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
            assert len(p.vertices) == len(v.vertices)
            np.testing.assert_allclose(
                np.array(sorted(map(tuple, p.vertices))),
                np.array(sorted(map(tuple, v.vertices))), atol=1e-9)


def _check_polygon(r, exact):
    V = r.vertices
    area = shoelace(V)
    assert area > 0, f"{r}: vertices not counter-clockwise"
    A, c = r.A, r.c
    for v in V:
        slack = c - A.dot(v)
        if exact:
            assert all(s >= 0 for s in slack)
            assert sum(s == 0 for s in slack) >= 2
        else:
            assert np.all(slack >= -1e-9)
            assert np.sum(np.abs(slack) <= 1e-9) >= 2
    # no repeated vertices
    assert len({tuple(np.round(np.asarray(v, float), 12)) for v in V}) == len(V)
    return area


@pytest.mark.parametrize("name", list(TWO_D_CASES))
def test_polygons_counter_clockwise_tight_and_tiling(name):
    net, box = TWO_D_CASES[name]
    rs = regions(net, box, method="polygon")
    total = sum(_check_polygon(r, net.exact) for r in rs)
    (x0, x1), (y0, y1) = box
    if net.exact:
        assert total == (F(x1) - F(x0)) * (F(y1) - F(y0))
    else:
        assert total == pytest.approx((x1 - x0) * (y1 - y0), rel=1e-12)


def test_vertex_method_2d_vertices_counter_clockwise_as_documented():
    # Region.vertices promises counter-clockwise order in 2-D, whatever the method.
    for method in ("polygon", "vertex"):
        for r in regions(CROSSING, SQUARE, method=method):
            _check_polygon(r, exact=True)


IRREDUNDANT_CASES = {
    **TWO_D_CASES,
    **{n: c for n, c in EXACT_CASES.items() if c[0].n_inputs != 2},
    **{f"random-{'-'.join(map(str, w))}": (Network.random(w, seed=3), [(-2, 2)] * w[0])
       for w in ([3, 4, 3, 1], [4, 3, 3, 1], [1, 6, 1])},
}


@pytest.mark.parametrize("name", list(IRREDUNDANT_CASES))
def test_systems_are_irredundant(name):
    net, box = IRREDUNDANT_CASES[name]
    for r in regions(net, box):
        A = np.asarray(r.A, float)
        c = np.asarray(r.c, float)
        for i in range(len(A)):
            others = np.delete(np.arange(len(A)), i)
            best = lp_max(A[i], A[others], c[others])
            assert best > c[i] + 1e-7 * max(1.0, abs(c[i])), (
                f"{r}: row {i} {r.labels[i]} is redundant")


@pytest.mark.parametrize("name", list(IRREDUNDANT_CASES))
def test_interior_point_and_pattern(name):
    net, box = IRREDUNDANT_CASES[name]
    for r in regions(net, box):
        x = np.asarray(r.point, float)
        assert np.all(np.asarray(r.A, float) @ x < np.asarray(r.c, float))
        assert r.contains(x)
        np.testing.assert_allclose(
            net.forward(x), np.asarray(r.M, float) @ x + np.asarray(r.d, float),
            rtol=1e-9, atol=1e-9)
        if not net.exact:
            assert net.pattern(x) == r.pattern


# -- bad input ----------------------------------------------------------------------


def test_sigmoid_network_has_no_regions():
    net = Network([[[1, 2]], [[1]]], [[0], [0]], ["sigmoid", "identity"])
    with pytest.raises(ValueError, match="sigmoid"):
        regions(net, SQUARE)
    net = Network.random([2, 3, 1], output="sigmoid")
    with pytest.raises(ValueError, match="sigmoid network has no linear regions"):
        regions(net, SQUARE)


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ([(-1, 1)], "box has 1 intervals but the network has 2 inputs"),
        ([(-1, 1)] * 3, "box has 3 intervals but the network has 2 inputs"),
        ([], "box has 0 intervals"),
        ([(-np.inf, 1), (-1, 1)], "unbounded domain"),
        ([(-1, 1), (-1, float("inf"))], "unbounded domain: box interval 1"),
        ([(np.nan, 1), (-1, 1)], "box interval 0: non-finite value nan"),
        ([(-1, 1), (1, 1)], r"box interval 1 is empty or flat: low 1(\.0)? >= high 1"),
        ([(2, 1), (-1, 1)], "box interval 0 is empty or flat"),
        ([(-1, 1, 2), (-1, 1)], r"box interval 0 must be a \(low, high\) pair"),
        ([(-1,), (-1, 1)], r"box interval 0 must be a \(low, high\) pair"),
        (5, "box must be a sequence of"),
        ([1, 2], r"box \(1, 2\) is a single interval but there are 2 inputs"),
    ],
)
@pytest.mark.parametrize("exact", [True, False])
def test_bad_boxes(box, message, exact):
    net = CROSSING if exact else CROSSING.to_float()
    with pytest.raises(ValueError, match=message):
        regions(net, box)


@pytest.mark.parametrize("bad", ["a", None, 1j, True])
def test_box_with_non_numbers(bad):
    with pytest.raises(TypeError, match="box interval 1"):
        regions(CROSSING, [(-1, 1), (-1, bad)])


def test_too_many_regions():
    rs = regions(CROSSING, SQUARE, max_regions=4)
    assert len(rs) == 4
    with pytest.raises(TooManyRegionsError, match="max_regions=3"):
        regions(CROSSING, SQUARE, max_regions=3)
    net = Network.random([3, 6, 6, 1], seed=0)
    n = len(regions(net, [(-2, 2)] * 3))
    assert len(regions(net, [(-2, 2)] * 3, max_regions=n)) == n
    with pytest.raises(TooManyRegionsError):
        regions(net, [(-2, 2)] * 3, max_regions=n - 1)
    assert issubclass(TooManyRegionsError, RuntimeError)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True, False])
def test_bad_max_regions(bad):
    with pytest.raises(ValueError, match="max_regions must be a positive integer"):
        regions(CROSSING, SQUARE, max_regions=bad)


@pytest.mark.parametrize("method", ["Polygon", "lp", "", None])
def test_unknown_method(method):
    with pytest.raises(ValueError, match="unknown method"):
        regions(CROSSING, SQUARE, method=method)


@pytest.mark.parametrize("n", [1, 3, 4])
def test_polygon_needs_two_inputs(n):
    net = Network.random([n, 2, 1], seed=0)
    with pytest.raises(ValueError, match=f"method 'polygon' needs a 2-D input.* has {n}"):
        regions(net, [(-1, 1)] * n, method="polygon")


def test_not_a_network():
    with pytest.raises(TypeError, match=r"expected a reluineq\.Network"):
        regions([[1, 2]], SQUARE)


def test_regions_are_region_objects():
    rs = regions(CROSSING, SQUARE)
    assert all(isinstance(r, Region) for r in rs)
    assert isinstance(rs, Partition) and isinstance(rs, Sequence)
    assert rs.network is CROSSING and rs.box.tolist() == [[-1, 1], [-1, 1]]
    assert rs[0] is rs[0] and [r.pattern for r in rs][1:] == [r.pattern for r in rs[1:]]


def _polygon_signature(rs):
    return sorted((r.pattern, tuple(map(tuple, np.asarray(r.vertices).tolist()))) for r in rs)


@pytest.mark.parametrize(
    "net, box",
    [
        (Network.random([2, 8, 8, 1], seed=3), [(-2, 2)] * 2),
        (Network.random([2, 16, 16, 1], seed=4), [(-1.5, 2.0), (-2.0, 1.0)]),
        (Network([[[1, 0], [0, 1], [1, 1], [1, -1]], [[1, -1, 2, 1], [-1, 1, 1, -2]], [[1, 2]]],
                 [[0, 0, -1, Fraction(1, 2)], [0, -1], [0]], ["relu", "relu", "identity"]),
         [(-2, 2)] * 2),
    ],
)
def test_polygon_split_paths_agree_exactly(monkeypatch, net, box):
    # Few straddling polygons are split in plain Python, many in one vectorised pass; the
    # two must produce the very same vertices (same arithmetic), float or exact.
    module = sys.modules["reluineq.regions"]
    monkeypatch.setattr(module, "ARRANGEMENT_LIMIT", 0)  # float layers would skip the split
    monkeypatch.setattr(polygons, "FEW_POLYGONS", 0)
    vectorised = regions(net, box)
    monkeypatch.setattr(polygons, "FEW_POLYGONS", 10**9)
    python = regions(net, box)
    assert len(vectorised) > 10
    assert _polygon_signature(vectorised) == _polygon_signature(python)


def _vertex_sets(rs, digits=9):
    return sorted(
        (r.pattern, tuple(sorted(map(tuple, np.round(np.asarray(r.vertices, float), digits)))))
        for r in rs
    )


def _count_arrangements(monkeypatch):
    """Wrap the all-at-once layer cut; count the layers it did and the ones it declined."""
    calls = {"done": 0, "declined": 0}
    real = arrangement.cut_layer

    def counted(*args):
        out = real(*args)
        calls["done" if out is not None else "declined"] += 1
        return out

    monkeypatch.setattr(arrangement, "cut_layer", counted)
    return calls


@pytest.mark.parametrize("widths, seed, box", [
    ([2, 5, 1], 0, [(-2, 2)] * 2),
    ([2, 8, 8, 1], 1, [(-1.5, 2.5), (-2.0, 1.0)]),
    ([2, 16, 16, 1], 2, [(-2, 2)] * 2),
    ([2, 12, 12, 12, 2], 3, [(-3, 3)] * 2),
    ([2, 24, 24, 1], 4, [(-0.5, 0.5)] * 2),
])
def test_layer_at_once_equals_unit_by_unit(monkeypatch, widths, seed, box):
    # The arrangement path and the unit-by-unit split are two computations of the same
    # regions: same patterns, same polygons (up to rounding and the choice of first vertex).
    module = sys.modules["reluineq.regions"]
    net = Network.random(widths, seed=seed)
    monkeypatch.setattr(module, "ARRANGEMENT_LIMIT", 0)
    split = regions(net, box)
    monkeypatch.setattr(module, "ARRANGEMENT_LIMIT", 10**12)
    calls = _count_arrangements(monkeypatch)
    at_once = regions(net, box)
    assert calls["done"] == len(widths) - 2 and calls["declined"] == 0
    assert _vertex_sets(at_once) == _vertex_sets(split)
    for r in at_once:  # counter-clockwise, as the split path stores them
        v = np.asarray(r.vertices, float)
        area2 = np.sum(v[:, 0] * np.roll(v[:, 1], -1) - np.roll(v[:, 0], -1) * v[:, 1])
        assert area2 > 0


@pytest.mark.parametrize("name, weights, biases, declined", [
    # three lines through the origin
    ("concurrent", [[[1, 0], [0, 1], [1, 1]], [[1, -1, 1]]], [[0, 0, 0], [0]], True),
    # the same line twice
    ("duplicate", [[[1, 2], [1, 2], [0, 1]], [[1, 1, -1]]], [[0.5, 0.5, 0.0], [0]], True),
    # the diagonal, through two corners of the box
    ("through corners", [[[1, -1], [0.2, 1]], [[1, 1]]], [[0.0, 0.1], [0]], True),
    # two lines crossing on the box's top edge
    ("crossing on an edge", [[[1, 0], [1, 1]], [[1, -1]]], [[0.0, -1.0], [0]], True),
    # lines that touch the box without crossing it: no cut, nothing to decline
    ("touching a corner", [[[1, 1], [1, -2]], [[1, 1]]], [[-2.0, 0.3], [0]], False),
    ("along an edge", [[[1, 0], [0.3, 1]], [[1, 1]]], [[1.0, 0.1], [0]], False),
])
def test_layer_at_once_declines_degenerate_layers(monkeypatch, name, weights, biases, declined):
    # Not in general position: the layer is handed to the unit-by-unit split. Either way
    # the result is the same as with the arrangement switched off.
    module = sys.modules["reluineq.regions"]
    net = Network([np.asarray(w, float) for w in weights], biases, ["relu", "identity"])
    box = [(-1, 1), (-1, 1)]
    monkeypatch.setattr(module, "ARRANGEMENT_LIMIT", 0)
    split = regions(net, box)
    monkeypatch.setattr(module, "ARRANGEMENT_LIMIT", 10**12)
    calls = _count_arrangements(monkeypatch)
    at_once = regions(net, box)
    assert calls == {"done": int(not declined), "declined": int(declined)}, name
    assert _vertex_sets(at_once) == _vertex_sets(split)
