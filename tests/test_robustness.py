"""min_flip against LPs over the decision regions of other classes, and a grid."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from reluineq import Network, decision_regions
from reluineq.robustness import min_flip


def linf_distance(x0, A, c):
    """min eps s.t. A x <= c and |x - x0|_inf <= eps, by one LP (x, eps)."""
    n = len(x0)
    cost = np.zeros(n + 1)
    cost[-1] = 1
    rows = [np.hstack([A, np.zeros((len(A), 1))]),
            np.hstack([np.eye(n), -np.ones((n, 1))]),
            np.hstack([-np.eye(n), -np.ones((n, 1))])]
    res = linprog(cost, A_ub=np.vstack(rows), b_ub=np.concatenate([c, x0, -x0]),
                  bounds=[(None, None)] * n + [(0, None)], method="highs")
    return res.fun if res.status == 0 else np.inf


def three_blobs(seed, hidden=(8, 6)):
    """A small classifier of three Gaussian blobs in the plane, trained by scikit-learn."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(seed)
    centres = np.array([[-0.5, -0.4], [0.5, -0.3], [0.0, 0.6]])
    X = np.concatenate([c + 0.3 * rng.normal(size=(60, 2)) for c in centres])
    y = np.repeat([0, 1, 2], 60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(hidden, max_iter=400, random_state=seed).fit(X, y)
    return Network.from_sklearn(clf)


@pytest.mark.parametrize("seed", range(4))
def test_the_flip_is_the_distance_to_the_nearest_other_class_region(seed):
    net = three_blobs(seed)
    box = [(-1, 1), (-1, 1)]
    ds = decision_regions(net, box)
    rng = np.random.default_rng(seed)
    for x0 in rng.uniform(-0.8, 0.8, size=(3, 2)):
        flip = min_flip(net, x0, box)
        k = flip.label
        assert k == int(np.argmax(net.forward(x0)))
        want = min(linf_distance(x0, np.asarray(r.A, float), np.asarray(r.c, float))
                   for r in ds if r.label != k)
        assert flip.epsilon == pytest.approx(want, abs=1e-6)
        assert flip.bound <= flip.epsilon + 1e-9
        if np.isfinite(want):
            f = net.forward(flip.x)
            assert f[flip.target] >= f[k] - 1e-6
            assert np.abs(flip.x - x0).max() <= flip.epsilon + 1e-9
        # A radius at least the answer gives the same answer, a smaller one none.
        if np.isfinite(want) and want > 1e-3:
            assert min_flip(net, x0, box, radius=want * 1.5).epsilon == pytest.approx(
                want, abs=1e-6)
            assert min_flip(net, x0, box, radius=want * 0.5).epsilon == np.inf


def test_a_grid_finds_no_closer_flip():
    net = three_blobs(7, hidden=(10,))
    box = [(-1, 1), (-1, 1)]
    x0 = np.array([0.1, -0.2])
    flip = min_flip(net, x0, box)
    g = np.linspace(-1, 1, 201)
    X = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    other = net.forward(X).argmax(axis=1) != flip.label
    assert np.abs(X[other] - x0).max(axis=1).min() >= flip.epsilon - 1e-9


def test_errors():
    net = three_blobs(0)
    with pytest.raises(ValueError, match="at least two outputs"):
        min_flip(Network.random([2, 3, 1], seed=0), [0, 0], [(-1, 1)] * 2)
    with pytest.raises(ValueError, match="x0 lies outside the box"):
        min_flip(net, [2, 0], [(-1, 1)] * 2)
    with pytest.raises(ValueError, match="radius must be a positive number"):
        min_flip(net, [0, 0], [(-1, 1)] * 2, radius=0)
    k = int(np.argmax(net.forward([0, 0])))
    with pytest.raises(ValueError, match="is x0's own class"):
        min_flip(net, [0, 0], [(-1, 1)] * 2, classes=[k])
