"""Tests of reluineq.check: correct regions and formulas pass, tampered ones fail loudly."""

import copy
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from reluineq import Network, regions
from reluineq.check import FLOAT_TOL, CheckError, CheckReport, check_expression, check_regions
from reluineq.symbolic import (
    affine_collapse,
    affine_map,
    input_symbols,
    network_expression,
    piecewise,
)

SQUARE = [(-1, 1), (-1, 1)]


def cross_net() -> Network:
    # relu(x1) + relu(x2): four quadrants of the square, each of area 1.
    return Network([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]], ["relu", "identity"])


def Tampered(region, **changes):
    """A copy of a region with some attributes replaced, to feed the checks wrong answers."""
    props = {name: property(lambda self, v=value: v) for name, value in changes.items()}
    twin = copy.copy(region)
    twin.__class__ = type("Tampered", (type(region),), {"__slots__": (), **props})
    return twin


# -- regions that are right ----------------------------------------------------------------


def test_cross_net_by_hand():
    rs = regions(cross_net(), SQUARE)
    report = check_regions(rs)
    assert isinstance(report, CheckReport)
    assert report.exact
    assert (report.regions, report.points) == (4, 256)
    assert report.volume == 4 and isinstance(report.volume, Fraction)
    assert str(report).startswith("regions: agrees with the forward pass exactly, 4 regions")


def test_a_report_claims_nothing_it_did_not_check():
    # A check that fails raises, so a report only ever describes a success; an ``ok``
    # flag on it could only be True, and `assert report.ok` could never fail.
    report = check_regions(regions(cross_net(), SQUARE))
    assert not hasattr(report, "ok")
    x1, x2 = input_symbols(2)
    expr = check_expression(cross_net(), [sp.Max(0, x1) + sp.Max(0, x2)], box=SQUARE)
    assert not hasattr(expr, "ok")


@pytest.mark.parametrize(
    ("widths", "box"),
    [
        ([1, 5, 1], [(-3, 3)]),
        ([2, 6, 5, 1], [(-2, 2), (-1, 3)]),
        ([3, 4, 3, 2], [(-1, 1)] * 3),
    ],
)
def test_float_networks_pass(widths, box):
    net = Network.random(widths, seed=sum(widths))
    rs = regions(net, box)
    report = check_regions(rs, samples=200, seed=3)
    assert not report.exact
    assert report.volume == pytest.approx(np.prod([hi - lo for lo, hi in box]))
    assert str(report).startswith(f"regions: agrees with the forward pass within {FLOAT_TOL:g}")


small = st.integers(-3, 3)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.lists(small, min_size=2, max_size=2), min_size=1, max_size=4),
    st.lists(small, min_size=4, max_size=4),
    st.lists(small, min_size=4, max_size=4),
)
def test_exact_networks_pass(w1, b1, w2):
    k = len(w1)
    net = Network([w1, [w2[:k]]], [b1[:k], [1]], ["relu", "identity"])
    box = [(-2, 2), (Fraction(-1, 2), 3)]
    report = check_regions(regions(net, box), samples=64)
    assert report.volume == 14  # 4 * 7/2, exactly


# -- regions that are wrong --------------------------------------------------------------------


def test_missing_region_is_caught():
    rs = regions(cross_net(), SQUARE)
    with pytest.raises(CheckError, match="lie in no region"):
        check_regions(rs[1:])


def test_duplicated_region_is_caught():
    rs = regions(cross_net(), SQUARE)
    with pytest.raises(CheckError, match=r"repeats the pattern of region 0") as info:
        check_regions([*rs, rs[0]])
    assert isinstance(info.value, AssertionError)


def test_wrong_map_is_caught():
    rs = regions(cross_net(), SQUARE)
    bad_d = np.array([Fraction(1, 1000)], dtype=object) + rs[2].d
    wrong = [*rs[:2], Tampered(rs[2], d=bad_d), *rs[3:]]
    with pytest.raises(CheckError, match=r"region 2 \(pattern \d\d\): M x \+ d ="):
        check_regions(wrong)


def test_wrong_map_away_from_the_point_is_caught_by_sampling():
    # Same value at the interior point, different slope: only the samples can tell.
    net = cross_net()
    rs = regions(net, SQUARE)
    r = rs[0]
    p = r.point
    M = r.M.copy()
    M[0, 0] += 1
    d = r.d - np.array([p[0]], dtype=object)
    wrong = [Tampered(r, M=M, d=d), *rs[1:]]
    with pytest.raises(CheckError, match=r"region 0 \(pattern \d\d\): at \(.*\) M x \+ d"):
        check_regions(wrong)


def test_wrong_pattern_is_caught():
    rs = regions(cross_net(), SQUARE)
    flipped = tuple(1 - b for b in rs[0].pattern)
    wrong = [Tampered(rs[0], pattern=flipped), *rs[1:]]
    with pytest.raises(CheckError, match="the network's pattern at its point is"):
        check_regions(wrong, samples=0)


def test_overlap_is_caught():
    # Two copies of one unit: regions (0, 0) and (1, 1), both with the map 0. Stretching
    # (1, 1) over the whole box keeps every map right, so only the overlap test can fail.
    net = Network([[[1, 0], [1, 0]], [[1, -1]]], [[0, 0], [0]], ["relu", "identity"])
    rs = {r.pattern: r for r in regions(net, SQUARE)}
    assert set(rs) == {(0, 0), (1, 1)}
    check_regions(list(rs.values()))
    one = Fraction(1)
    whole = Tampered(
        rs[(1, 1)],
        A=np.array([[-one, 0 * one], [one, 0 * one], [0 * one, -one], [0 * one, one]]),
        c=np.array([one] * 4),
    )
    with pytest.raises(CheckError, match="the regions overlap"):
        check_regions([rs[(0, 0)], whole])


def test_the_box_comes_with_the_regions():
    # The box is the partition's own: no second, possibly wrong, box can be passed.
    rs = regions(cross_net(), SQUARE)
    with pytest.raises(TypeError, match=r"takes the regions alone: they know their network "
                                        r"and box \(check_regions\(regions\)"):
        check_regions(cross_net(), rs, [(-2, 2), (-1, 1)])
    with pytest.raises(TypeError, match=r"got a Network: pass the regions alone"):
        check_regions(cross_net())
    assert check_regions(rs).volume == 4


def test_check_regions_rejects_bad_arguments():
    rs = regions(cross_net(), SQUARE)
    with pytest.raises(CheckError, match="empty"):
        check_regions(rs[:0])
    with pytest.raises(ValueError, match="no regions"):
        check_regions([])
    with pytest.raises(ValueError, match="samples"):
        check_regions(rs, samples=-1)
    with pytest.raises(ValueError, match="seed"):
        check_regions(rs, seed=1.5)
    with pytest.raises(ValueError, match="tol"):
        check_regions(rs, tol=0)
    with pytest.raises(TypeError, match="got a str"):
        check_regions("net")
    other = regions(cross_net(), [(0, 1), (0, 1)])
    with pytest.raises(ValueError, match=r"region 1 comes from another call of reluineq\.regions"):
        check_regions([rs[0], other[0]])


# -- expressions ---------------------------------------------------------------------------


def test_expressions_that_agree():
    net = Network.random([2, 4, 4, 1], seed=8)
    box = [(-1, 1), (-1, 1)]
    rs = regions(net, box)
    assert check_expression(net, network_expression(net), box=box).points == 64
    report = check_expression(net, piecewise(rs), box=box, samples=40, seed=1)
    assert (report.points, report.exact) == (40, False)
    for r in rs[:5]:
        check_expression(net, affine_map(r), points=[r.point])


def test_exact_expression_comparisons():
    net = Network([[[1, 2], [0, 1]], [[1, -1]]], [[1, 0], [3]], ["identity", "identity"])
    M, d = affine_collapse(net)
    x = sp.Matrix(input_symbols(2))
    report = check_expression(net, M * x + d, points=[[Fraction(1, 3), 7], [0, 0], [0.5, -2]])
    assert report.exact and report.points == 3
    x1, x2 = input_symbols(2)
    # Off by 1/10^9 at one point: exact comparison notices.
    with pytest.raises(CheckError, match=r"at \(0, 0\) output 0 is 4000000001/1000000000"):
        check_expression(net, [x1 + x2 + 4 + sp.Rational(1, 10**9) * (1 - x1 - x2)],
                         points=[[1, 0], [0, 0]])


def test_piecewise_outside_its_box_does_not_pass():
    net = cross_net()
    (pw,) = piecewise(regions(net, SQUARE))
    check_expression(net, pw, box=SQUARE, samples=30)
    with pytest.raises(CheckError, match="does not evaluate to a rational number"):
        check_expression(net, pw, points=[[2, 0]])


def test_float_expression_mismatch_and_sigmoid():
    sig = Network([[[1.0, -1.0]], [[2.0]]], [[0.5], [0.0]], ["sigmoid", "identity"])
    a, b = input_symbols(2)
    good = 2 / (1 + sp.exp(-(a - b + sp.Rational(1, 2))))
    check_expression(sig, [good], box=[(-40, 40), (-40, 40)], samples=50)
    with pytest.raises(CheckError, match="output 0 is"):
        check_expression(sig, [good * (1 + 10 * FLOAT_TOL)], points=[[3.0, 1.0]])
    # Far out, exp overflows in floating point; the check still evaluates the formula.
    check_expression(sig, [good], points=[[-800.0, 0.0]])


def test_check_expression_rejects_bad_arguments():
    net = cross_net()
    x1, x2 = input_symbols(2)
    with pytest.raises(ValueError, match="2 expressions given for 1 network outputs"):
        check_expression(net, [x1, x2], points=[[0, 0]])
    with pytest.raises(ValueError, match="expected 2 input symbols"):
        check_expression(net, x1, symbols=[x1], points=[[0, 0]])
    with pytest.raises(ValueError, match="or a box"):
        check_expression(net, x1)
    with pytest.raises(ValueError, match=r"points must have shape \(k, 2\)"):
        check_expression(net, x1, points=[1, 2])
    with pytest.raises(TypeError, match="sympy expression"):
        check_expression(net, "x_1", points=[[0, 0]])


def test_regions_without_volumes_are_checked_at_points():
    # Eight inputs: the half-space engine computes no volumes, so check 3 is left out,
    # and the sample points still find a region that is missing.
    net = Network.from_arrays(
        [[[1, 1, 0, 0, 0, 0, 0, 0], [0, 0, 1, -1, 0, 0, 0, 0]], [[1, 1]]], [[0, 0], [0]],
        ["relu", "identity"])
    rs = regions(net, [(-1, 1)] * 8)
    assert len(rs) == 4 and all(r.volume is None for r in rs)
    report = check_regions(rs)
    assert report.regions == 4 and report.volume is None
    with pytest.raises(CheckError, match="lie in no region"):
        check_regions(rs[:3])
