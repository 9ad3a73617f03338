"""Float networks at the edge of float64's range: a correct partition or a clear error.

Issue 9, defect 1: weights near 1e154 overflowed a squared norm, the tolerance became
infinite and a hyperplane was dropped; a box near 1e308 gave NaN vertices.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest

from reluineq import Network, regions
from reluineq.engines.common import FloatRangeError

S = 1e154
METHODS = ("auto", "polygon", "vertex", "halfspace")
SQUARE = [(-1.0, 1.0), (-1.0, 1.0)]


def huge_net(exact: bool) -> Network:
    """The issue's repro: unit 0's line x + y = -1 crosses the square, as does unit 1's."""
    s = 10**154 if exact else S
    inv = Fraction(1, 10**154) if exact else 1 / S
    w = [[[s, s], [0, 1]], [[inv, 1]]]
    b = [[s, 0], [0]]
    if exact:
        return Network(w, b, ["relu", "identity"])
    return Network.from_arrays([np.array(x, dtype=float) for x in w],
                               [np.array(x, dtype=float) for x in b], ["relu", "identity"])


@pytest.mark.parametrize("method", METHODS)
def test_weights_near_1e154_keep_every_hyperplane(method):
    want = {r.pattern for r in regions(huge_net(True), [(-1, 1), (-1, 1)])}
    assert len(want) == 3  # the exact network's count, computed in rationals
    net = huge_net(False)
    rs = regions(net, SQUARE, method=method)
    assert {r.pattern for r in rs} == want
    x = np.array([0.5, -0.5])
    (r,) = [r for r in rs if r.contains(x)]
    assert r.pattern == net.pattern(x)
    np.testing.assert_allclose(r.M @ x + r.d, net.forward(x), rtol=1e-12)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("edge", [1e308, -1.7e308, 5e307])
def test_box_near_float_max_is_refused(method, edge):
    net = Network.from_arrays([np.eye(2), np.ones((1, 2))], [np.zeros(2), np.zeros(1)],
                              ["relu", "identity"])
    box = [(min(0.0, edge), max(0.0, edge)), (-1.0, 1.0)]
    with pytest.raises(ValueError, match=r"the box reaches .* float arithmetic overflows"):
        regions(net, box, method=method)


@pytest.mark.parametrize("method", METHODS)
def test_overflowing_preactivations_are_refused(method):
    # 1e300 * 1e10 is beyond float64: no region may be built from inf or NaN.
    net = Network.from_arrays([np.eye(2) * 1e300, np.ones((1, 2))],
                              [np.zeros(2), np.zeros(1)], ["relu", "identity"])
    with pytest.raises(ValueError, match="too large for float arithmetic"):
        regions(net, [(-1e10, 1.0), (-1.0, 1.0)], method=method)


@pytest.mark.parametrize("method", METHODS)
def test_preactivations_that_overflow_in_a_later_layer_are_refused_without_a_warning(method):
    # Each layer alone is within range; composed, the second layer's maps reach 1e400.
    # Under -W error a RuntimeWarning from the product would end the call before the
    # clear error.
    net = Network.from_arrays([np.eye(2) * 1e200, np.eye(2) * 1e200, np.ones((1, 2))],
                              [np.zeros(2), np.zeros(2), np.zeros(1)],
                              ["relu", "relu", "identity"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FloatRangeError, match="too large for float arithmetic"):
            regions(net, SQUARE, method=method)


def test_a_large_box_within_range_is_still_enumerated():
    net = Network.from_arrays([np.eye(2), np.ones((1, 2))], [np.zeros(2), np.zeros(1)],
                              ["relu", "identity"])
    rs = regions(net, [(-1e307, 1e307), (-1e307, 1e307)])
    assert sorted(r.pattern for r in rs) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    for r in rs:
        assert np.isfinite(np.asarray(r.vertices, dtype=float)).all()


def test_milp_on_a_box_beyond_highs_range_is_a_clear_error():
    # Issue 9: HiGHS stopped with "Model error" on a box of 1e15; optimize_by_regions,
    # one LP per region, still answers there.
    from reluineq import lp

    net = Network([[[1], [1]], [[1, -1]]], [[0, -1], [0]], ["relu", "identity"])
    assert lp.optimize(net, [(-1e14, 1e14)]).value == pytest.approx(1.0)
    for edge in (1e15, 1e20):
        with pytest.raises(ValueError, match=r"HiGHS reads 1e\+15 and more as infinite"):
            lp.optimize(net, [(-edge, edge)])
    assert lp.optimize_by_regions(net, [(-1e15, 1e15)]).value == pytest.approx(1.0)
