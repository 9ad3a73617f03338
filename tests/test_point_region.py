"""region_at: the region of one point, against the enumerated regions in 2-D and 3-D, and
in 64 dimensions against LPs written here and sampling."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from networks import exact_net
from scipy.optimize import linprog

from reluineq import Network, latex, region_at, regions


def rows_of(r, exact):
    """The system as a set of (label, row, rhs), comparable across two regions."""
    cast = (lambda v: v) if exact else (lambda v: round(float(v), 9))
    return {(lab, tuple(cast(v) for v in row), cast(rhs))
            for row, rhs, lab in zip(r.A, r.c, r.labels, strict=True)}


@pytest.mark.parametrize("exact", [True, False], ids=["exact", "float"])
@pytest.mark.parametrize("widths", [[2, 4, 3, 1], [3, 4, 3, 2], [2, 5, 3]],
                         ids=lambda w: "-".join(map(str, w)))
def test_the_region_of_a_point_is_the_enumerated_one(widths, exact):
    net = exact_net(widths, 1, ["leaky_relu(1/5)", *(["relu"] * (len(widths) - 3)),
                                "identity"])
    net = net if exact else net.to_float()
    n = widths[0]
    box = [(-2, 2)] * n
    all_regions = regions(net, box)
    rng = np.random.default_rng(0)
    for _ in range(15):
        x = [F(int(k), 37) for k in rng.integers(-73, 74, size=n)]
        x = x if exact else [float(v) for v in x]
        r = region_at(net, x, box)
        assert r.pattern == net.pattern(x)
        want = next(q for q in all_regions if q.pattern == r.pattern)
        assert rows_of(r, exact) == rows_of(want, exact)
        if exact:
            assert r.M.tolist() == want.M.tolist() and r.d.tolist() == want.d.tolist()
        else:
            np.testing.assert_allclose(r.M, want.M, atol=1e-12)
            np.testing.assert_allclose(r.d, want.d, atol=1e-12)
        if n <= 3:
            def corners(q):
                return sorted(tuple(np.round(v, 9)) for v in np.asarray(q.vertices, float))

            np.testing.assert_allclose(corners(r), corners(want), atol=1e-9)


def lp_max(row, A, c):
    res = linprog(-np.asarray(row, float), A_ub=np.asarray(A, float), b_ub=np.asarray(c, float),
                  bounds=[(None, None)] * len(row), method="highs")
    assert res.status == 0, res.message
    return -res.fun


def test_sixty_four_inputs_facets_by_independent_lps_and_sampling():
    net = Network.random([64, 32, 32, 10], seed=3)
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 1, 64)
    box = [(0, 1)] * 64
    r = region_at(net, x, box)
    A, c = np.asarray(r.A, float), np.asarray(r.c, float)
    assert np.all(A @ x <= c) and r.pattern == net.pattern(x)
    np.testing.assert_allclose(r.M @ x + r.d, net.forward(x), rtol=1e-12, atol=1e-12)
    # Every kept row is a facet: without it the region reaches beyond its hyperplane.
    for i in range(len(A)):
        others = np.delete(np.arange(len(A)), i)
        bounded = np.vstack([A[others], A[i]])  # keep the LP bounded a little beyond
        reach = lp_max(A[i], bounded, np.append(c[others], c[i] + 1.0))
        assert reach > c[i] + 1e-9, f"row {r.labels[i]} is not a facet"
    # Every unit row left out is implied by the kept ones.
    kept = set(r.labels)
    units = [(li, j) for li, layer in enumerate(net.layers) if layer.act.switches
             for j in range(layer.n_out)]
    dropped = [u for u in units if ("unit", *u) not in kept]
    assert dropped, "a 64-D region keeps some but not all of its units' rows"
    # Each unit's pre-activation is affine on the region: read it off by differences at the
    # Chebyshev centre, within the ball.
    centre, step = r.ball.centre, r.ball.radius / 2
    z0 = net.preactivations(centre)
    grads = [np.stack([(net.preactivations(centre + step * e)[li] - z0[li]) / step
                       for e in np.eye(64)], axis=1) for li in range(len(net.layers))]
    bits = dict(zip(units, r.pattern, strict=True))
    for li, j in dropped:
        g = grads[li][j]
        const = z0[li][j] - g @ centre
        row, rhs = (-g, const) if bits[li, j] else (g, -const)
        assert lp_max(row, A, c) <= rhs + 1e-6 * (1 + abs(rhs)), f"unit {li}.{j} is a facet"
    # Sampled points of the Chebyshev ball share the pattern.
    centre, rad = r.ball.centre, r.ball.radius
    assert 0 < r.radius <= rad + 1e-12
    for _ in range(200):
        u = rng.normal(size=64)
        p = centre + 0.999 * rad * rng.uniform() * u / np.linalg.norm(u)
        assert net.pattern(p) == r.pattern
    # The largest cube around x: its corners lie in the region.
    h = 0.999 * r.radius_inf
    for _ in range(200):
        corner = x + h * rng.choice([-1.0, 1.0], size=64)
        assert np.all(A @ corner <= c + 1e-12)


def test_a_point_on_a_hyperplane_takes_the_off_side():
    net = Network([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]], ["relu", "identity"])
    r = region_at(net, [0, F(1, 2)], [(-1, 1), (-1, 1)])
    assert r.pattern == (0, 1) and r.radius == 0
    assert latex.inequality_lines(r, plain=True) == ["x1 <= 0", "x2 >= 0", "x1 >= -1",
                                                     "x2 <= 1"]
    assert r.ball.radius == pytest.approx(0.5)


@pytest.mark.parametrize(("x", "box", "message"), [
    ([2, 0], [(-1, 1), (-1, 1)], "outside the box"),
    ([0, 0, 0], [(-1, 1), (-1, 1)], "x must have shape \\(2,\\)"),
    ([0, float("nan")], [(-1, 1), (-1, 1)], "non-finite"),
])
def test_bad_input(x, box, message):
    net = Network.random([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match=message):
        region_at(net, x, box)
    with pytest.raises(ValueError, match="sigmoid network has no linear regions"):
        region_at(Network.random([2, 3, 1], seed=0, hidden="sigmoid"), [0, 0], [(-1, 1)] * 2)
