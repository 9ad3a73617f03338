"""Decision regions against the network's own argmax at sampled points, their systems, and
scikit-learn's predictions."""

from __future__ import annotations

import warnings
from fractions import Fraction as F

import numpy as np
import pytest
import sympy as sp
from networks import exact_net

from reluineq import CheckError, Network, latex, regions, symbolic
from reluineq.decisions import DecisionRegions, check_decisions, decision_regions


def sampled_labels(ds, X):
    """For each point, the label of the one region whose system it satisfies strictly
    (-1 when it lies within 1e-9 of a boundary), found from A and c alone."""
    out = np.full(len(X), -1)
    for r in ds:
        A, c = np.asarray(r.A, float), np.asarray(r.c, float)
        inside = np.all(X @ A.T < c - 1e-9, axis=1)
        assert not np.any(out[inside] >= 0), "two regions overlap"
        out[inside] = r.label
    return out


CASES = [
    ("float-2-8-8-3", lambda: Network.random([2, 8, 8, 3], seed=0), [(-2, 2), (-2, 2)]),
    ("float-2-12-5", lambda: Network.random([2, 12, 5], seed=4), [(-1, 3), (-2, 1)]),
    ("float-2-6-1", lambda: Network.random([2, 6, 1], seed=2), [(-2, 2), (-2, 2)]),
    ("exact-2-4-4-3", lambda: exact_net([2, 4, 4, 3], 1), [(-2, 2), (-2, 2)]),
    ("exact-leaky-2-5-4", lambda: exact_net([2, 5, 4], 3, ["leaky_relu(1/10)", "identity"]),
     [(-2, 2), (-2, 2)]),
    ("float-3-5-3", lambda: Network.random([3, 5, 3], seed=1), [(-1, 1)] * 3),
    ("float-1-8-4", lambda: Network.random([1, 8, 4], seed=5), [(-3, 3)]),
]


@pytest.mark.parametrize(("make", "box"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_labels_agree_with_the_argmax_at_sampled_points(make, box):
    net = make()
    ds = decision_regions(net, box)
    assert isinstance(ds, DecisionRegions)
    report = check_decisions(ds)
    assert report.regions == len(ds)
    rng = np.random.default_rng(7)
    lo, hi = np.array(box, float).T
    X = lo + (hi - lo) * rng.random((3000, len(box)))
    got = sampled_labels(ds, X)
    out = net.forward(X)
    want = (out[:, 0] > 0).astype(int) if net.n_outputs == 1 else out.argmax(axis=1)
    known = got >= 0
    assert known.mean() > 0.99
    assert (got[known] == want[known]).all()
    # Every activation region is covered by its pieces, and each piece keeps its map.
    acts = regions(net, box)
    assert {r.pattern for r in ds} == {r.pattern for r in acts}
    by_pattern = {r.pattern: r for r in acts}
    for r in ds:
        assert np.array_equal(r.M, by_pattern[r.pattern].M)
        rows = [lab for lab in r.labels if lab[0] == "argmax"]
        assert all(k == r.label for _, k, _ in rows)
    split = {r.pattern for r in ds if any(lab[0] == "argmax" for lab in r.labels)}
    assert len(ds) >= len(acts) + (1 if split else 0)


def test_argmax_rows_are_facets_of_their_pieces():
    net = Network.random([2, 10, 10, 4], seed=3)
    ds = decision_regions(net, [(-2, 2), (-2, 2)])
    n_rows = 0
    for r in ds:
        V = np.asarray(r.vertices, float)
        for row, rhs, lab in zip(np.asarray(r.A, float), np.asarray(r.c, float), r.labels,
                                 strict=True):
            if lab[0] != "argmax":
                continue
            n_rows += 1
            tight = np.abs(V @ row - rhs) <= 1e-9 * (1 + np.abs(rhs))
            assert tight.sum() >= 2  # an edge of the polygon, not a corner
    assert n_rows > 0


def test_the_classifier_is_a_union_of_polyhedra_per_class():
    net = exact_net([2, 4, 3], 6)
    box = [(-2, 2), (-2, 2)]
    ds = decision_regions(net, box)
    total = F(0)
    for k in sorted(set(ds.labels)):
        part = ds.of_label(k)
        assert isinstance(part, DecisionRegions) and set(part.labels) == {k}
        total += sum(r.volume for r in part)
    assert total == 16  # exactly the box


def test_ties_go_to_the_lower_class_as_argmax_does():
    # Outputs 0 and 1 are the same function: class 1 never wins.
    net = Network([[[1, 0], [0, 1]], [[1, 1], [1, 1], [0, 1]]], [[0, 0], [0, 0, F(1, 2)]],
                  ["relu", "identity"])
    ds = decision_regions(net, [(-1, 1), (-1, 1)])
    assert 1 not in ds.labels and {0, 2} <= set(ds.labels)
    check_decisions(ds)


def test_latex_and_sympy_of_a_decision_region():
    net = Network([[[1, 0], [0, 1]], [[1, 0], [0, 1]]], [[0, 0], [0, 0]], ["relu", "identity"])
    ds = decision_regions(net, [(-1, 1), (-1, 1)])
    r = next(r for r in ds if r.pattern == (1, 1) and r.label == 0)
    assert r.labels == (("unit", 0, 1), ("box", 0, "high"), ("argmax", 0, 1))
    assert latex.inequality_lines(r) == [r"x_{2} \ge 0", r"x_{1} - x_{2} \ge 0",
                                         r"x_{1} \le 1"]
    cond = symbolic.region_conditions(r)
    x1, x2 = symbolic.input_symbols(2)
    assert bool(cond.subs({x1: sp.Rational(1, 2), x2: sp.Rational(1, 4)}))
    assert not bool(cond.subs({x1: sp.Rational(1, 4), x2: sp.Rational(1, 2)}))
    assert repr(r) == "DecisionRegion(label=0, pattern=11, 3 inequalities)"
    assert repr(ds).startswith("DecisionRegions(5 regions of 2 classes, Network(2-2-2")


def test_check_decisions_fails_on_a_wrong_label():
    net = Network.random([2, 6, 3], seed=1)
    ds = decision_regions(net, [(-1, 1), (-1, 1)])
    ds._e.labels[0] = (ds._e.labels[0] + 1) % 3
    with pytest.raises(CheckError, match="the network says class"):
        check_decisions(ds)
    with pytest.raises(TypeError, match="expected the regions of decision_regions"):
        check_decisions(regions(net, [(-1, 1), (-1, 1)]))


def test_a_sigmoid_network_has_no_decision_regions():
    net = Network.random([2, 3, 2], seed=0, hidden="sigmoid")
    with pytest.raises(ValueError, match="has no decision regions"):
        decision_regions(net, [(-1, 1), (-1, 1)])


def test_scikit_learn_classifier_on_the_plane():
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(400, 2))
    y = (np.hypot(X[:, 0], X[:, 1]) > 1.2).astype(int) + (X[:, 0] > 1).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(hidden_layer_sizes=(10, 10), max_iter=300, random_state=0).fit(X, y)
    net = Network.from_sklearn(clf)
    ds = decision_regions(net, [(-2, 2), (-2, 2)])
    grid = np.stack(np.meshgrid(np.linspace(-1.99, 1.99, 60), np.linspace(-1.99, 1.99, 60)),
                    -1).reshape(-1, 2)
    got = sampled_labels(ds, grid)
    known = got >= 0
    assert (clf.classes_[got[known]] == clf.predict(grid[known])).all()


def test_the_figure_colours_pieces_by_class_and_draws_the_boundaries():
    import matplotlib.pyplot as plt

    from reluineq import plot

    net = Network.random([2, 8, 3], seed=2)
    ds = decision_regions(net, [(-2, 2), (-2, 2)])
    ax = plot.decisions(ds, names=["a", "b", "c"])
    faces = ax.collections[0].get_facecolors()
    assert len(faces) == len(ds)
    from matplotlib.colors import to_rgba

    for r, face in zip(ds, faces, strict=True):
        assert tuple(face) == to_rgba(plot.CLASS_COLORS[r.label])
    n_argmax = sum(lab[0] == "argmax" for r in ds for lab in r.labels)
    assert len(ax.collections[1].get_segments()) == n_argmax > 0
    plot.images_at(ax, [[0, 0], [1, 1]], [np.eye(8), np.ones((8, 8))])
    assert len(ax.artists) == 2
    with pytest.raises(ValueError, match="one \\(x, y\\) point per image"):
        plot.images_at(ax, [[0, 0]], [np.eye(8), np.eye(8)])
    with pytest.raises(TypeError, match=r"expected the regions of reluineq\.decisions"):
        plot.decisions(regions(net, [(-2, 2), (-2, 2)]))
    plt.close(ax.figure)
