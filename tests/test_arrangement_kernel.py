"""The compiled line arrangement against its NumPy reference, and against a hand count.

``arrangement.cut_layer`` runs the Cython kernel; ``reference_cut_layer`` is the same
computation in NumPy. They must agree bit for bit (vertices, edge labels, cell order, bits)
and decline the same layers, on networks built to be degenerate as well as random ones.
"""

from __future__ import annotations

import contextlib
import itertools
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reluineq import Network, TooManyRegionsError, regions
from reluineq.engines import arrangement
from reluineq.engines.common import FloatRangeError, box_face_id
from reluineq.engines.polygons import Polygons


def test_the_package_was_built_with_the_kernel():
    # Without it every 2-D layer silently takes the NumPy path, five times slower.
    assert arrangement.COMPILED


def test_two_axes_cut_the_square_into_four_known_cells():
    # x = 0 and y = 0 in [-1, 1]^2, worked out by hand: cells ordered by their bits read as
    # a binary number (unit 0 the low bit), corners counter-clockwise from the one whose
    # angle around the cell's centre is smallest (from -pi).
    geom = Polygons(np.array([[-1.0, 1.0], [-1.0, 1.0]]), exact=False)
    G = np.array([[[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]]])
    cells, origin, bits = arrangement.cut_layer(geom, G, 100)
    left, bottom, right, top = (box_face_id(0, 0), box_face_id(1, 0), box_face_id(0, 1),
                                box_face_id(1, 1))
    assert bits.tolist() == [[0, 0], [1, 0], [0, 1], [1, 1]]
    assert origin.tolist() == [0, 0, 0, 0]
    expected = [
        ([[-1, -1], [0, -1], [0, 0], [-1, 0]], [bottom, 100, 101, left]),
        ([[0, -1], [1, -1], [1, 0], [0, 0]], [bottom, right, 101, 100]),
        ([[-1, 0], [0, 0], [0, 1], [-1, 1]], [101, 100, top, left]),
        ([[0, 0], [1, 0], [1, 1], [0, 1]], [101, right, top, 100]),
    ]
    for i, (vertices, labels) in enumerate(expected):
        assert cells.vertices(i).tolist() == vertices
        s = cells.start[i]
        assert cells.lab[s : s + cells.size[i]].tolist() == labels


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    (pa, oa, ba), (pb, ob, bb) = a, b
    X = [g.polygon_major() for g in (pa, pb)]
    return (all(np.array_equal(u, v) for u, v in zip(X[0], X[1], strict=True))
            and np.array_equal(oa, ob) and np.array_equal(ba, bb)
            and oa.dtype == ob.dtype and ba.dtype == bb.dtype)


@contextlib.contextmanager
def compare_every_layer():
    """Make every arrangement call of ``regions`` run both paths and compare them; the
    calls are counted as ``done`` and ``declined``, the disagreements kept."""
    seen = {"done": 0, "declined": 0, "differ": []}
    compiled = arrangement.cut_layer

    def both(geom, G, unit0, limit=None):
        out = compiled(geom, G, unit0, limit)
        ref = arrangement.reference_cut_layer(geom, G, unit0, limit)
        if not _same(out, ref):
            seen["differ"].append((geom.polygon_major(), G, limit, out, ref))
        seen["done" if out is not None else "declined"] += 1
        return out

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(arrangement, "cut_layer", both)
        # Layers of every size go to the arrangement, the largest ones too.
        mp.setattr(sys.modules["reluineq.regions"], "ARRANGEMENT_LIMIT", 10**9)
        yield seen


@pytest.mark.parametrize("widths", [(2, 8, 8, 1), (2, 16, 16, 1), (2, 12, 12, 12, 2),
                                    (2, 40, 1), (2, 70, 1)])
@pytest.mark.parametrize("seed", range(4))
def test_kernel_equals_reference_on_random_networks(widths, seed):
    # 70 units is past the 62 sign bits of one key word: cells are ordered by two words.
    with compare_every_layer() as seen:
        regions(Network.random(widths, seed=seed), [(-2, 2), (-1.5, 2.5)])
    assert seen["differ"] == []
    assert seen["done"] == len(widths) - 2


@st.composite
def degenerate_networks(draw):
    """Float networks with small integer weights and half-integer biases: parallel lines,
    three lines through a point and lines through corners are common."""
    widths = [2, *draw(st.lists(st.integers(1, 9), min_size=1, max_size=3)), 1]
    weights, biases = [], []
    for a, b in itertools.pairwise(widths):
        weights.append(np.array(draw(st.lists(st.lists(st.integers(-2, 2), min_size=a,
                                                       max_size=a),
                                              min_size=b, max_size=b)), dtype=float))
        biases.append(np.array(draw(st.lists(st.integers(-3, 3), min_size=b, max_size=b)),
                               dtype=float) / 2)
    return Network(weights, biases, ["relu"] * (len(widths) - 2) + ["identity"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(net=degenerate_networks(), half=st.sampled_from([1.0, 1.5, 2.0]),
       limit=st.one_of(st.none(), st.integers(1, 60)))
def test_kernel_declines_what_the_reference_declines(net, half, limit):
    with compare_every_layer() as seen, contextlib.suppress(TooManyRegionsError):
        # Past the limit: the same either way, as the comparison of each layer shows.
        regions(net, [(-half, half)] * 2, max_regions=limit)
    assert seen["differ"] == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(widths=st.lists(st.integers(1, 12), min_size=1, max_size=3),
       seed=st.integers(0, 2**32 - 1),
       scale=st.sampled_from([1e-160, 1e-20, 1.0, 1e40, 1e160, 1e200]))
def test_kernel_equals_reference_at_extreme_scales(widths, seed, scale):
    # Weights near float64's ends: determinants of two lines that underflow to 0 (nearly
    # parallel, then) or overflow to inf (declined), alike in both paths. Deeper layers
    # may leave float range, which regions() refuses before the arrangement sees them.
    net = Network.random([2, *widths, 1], seed=seed)
    scaled = Network([layer.weight * scale for layer in net.layers],
                     [layer.bias * scale for layer in net.layers], net.activations)
    with compare_every_layer() as seen, contextlib.suppress(FloatRangeError):
        regions(scaled, [(-2, 2), (-1, 3)])
    assert seen["differ"] == []


def test_an_overflowing_determinant_is_declined_by_both():
    # Two lines with weights of 1e200 crossing inside the square: their determinant,
    # 1e400, is inf, and the layer goes to the unit-by-unit split.
    net = Network([np.array([[1.0, 0.2], [0.3, 1.0]]) * 1e200, np.ones((1, 2))],
                  [np.array([0.1, -0.2]) * 1e200, np.zeros(1)], ["relu", "identity"])
    with compare_every_layer() as seen:
        rs = regions(net, [(-1, 1), (-1, 1)])
    assert seen == {"done": 0, "declined": 1, "differ": []}
    assert len(rs) == 4


def test_the_comparison_sees_both_outcomes():
    # So that the property above cannot pass by only ever seeing declines (or never).
    nets = [Network([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
                    [[0.0, 0.0, 0.0], [0.0]], ["relu", "identity"]),
            Network([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
                    [[0.5, 0.0, 0.25], [0.0]], ["relu", "identity"])]
    with compare_every_layer() as seen:
        for net in nets:
            regions(net, [(-1, 1), (-1, 1)])
    assert seen == {"done": 1, "declined": 1, "differ": []}


def test_a_limit_past_any_machine_integer_is_no_limit():
    # max_regions is any positive int; the kernel counts in 64 bits.
    net = Network.random((2, 8, 8, 1), seed=3)
    box = [(-2, 2), (-2, 2)]
    unlimited = regions(net, box)
    assert len(regions(net, box, max_regions=10**30)) == len(unlimited)
    with pytest.raises(TooManyRegionsError):
        regions(net, box, max_regions=len(unlimited) - 1)
