"""Tests of reluineq.approx: exact constructions, rates, fits and building blocks."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from reluineq import Network, regions
from reluineq.approx import (
    fit_linear,
    fit_logistic,
    fit_loglog_slope,
    fit_relu_unit,
    hat_network,
    interpolant,
    interpolating_network,
    interpolation_error,
    relu_hat,
    sigmoid,
    sigmoid_bump,
    sigmoid_staircase,
    softplus,
    train_mlp,
)


# -- interpolation --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("f", "knots"),
    [
        (lambda x: x**2, [0, 1, 2, 3]),
        (lambda x: x**3 - 2 * x, [Fraction(-3, 2), Fraction(-1, 3), 0, Fraction(1, 2), 2]),
        (lambda x: abs(x - Fraction(1, 3)), [-1, Fraction(1, 3), Fraction(7, 5)]),
        (lambda x: 1 / (1 + x * x), [Fraction(k, 4) for k in range(-8, 9)]),
        (lambda x: 7, [-2, 5]),
        ([3, 1, 4, 1, 5, 9, 2, 6], [sp.Rational(k, 2) for k in range(8)]),
    ],
)
def test_exact_interpolant_hits_every_knot(f, knots):
    g = interpolant(f, knots)
    net = g.network
    assert net.exact and net.widths == (1, len(knots) - 1, 1)
    values = f if not callable(f) else [f(Fraction(t)) for t in g.knots]
    for t, y in zip(g.knots, values, strict=True):
        assert net.forward_exact([t])[0] == y  # exact equality, no tolerance
    # Between two knots the network is the chord: check at the midpoints, exactly.
    for i in range(len(g.knots) - 1):
        (t0, t1), (y0, y1) = g.knots[i : i + 2], g.values[i : i + 2]
        assert net.forward_exact([(t0 + t1) / 2])[0] == (Fraction(y0) + Fraction(y1)) / 2


def test_interpolant_regions_break_exactly_at_the_knots():
    knots = [Fraction(-2), Fraction(-1, 2), Fraction(1, 3), Fraction(1), Fraction(5, 2)]
    g = interpolant(lambda x: x * x - x, knots)
    rs = regions(g.network, [(knots[0], knots[-1])])
    assert len(rs) == len(knots) - 1
    ends = sorted({v for r in rs for v in (min(r.vertices[:, 0]), max(r.vertices[:, 0]))})
    assert ends == knots  # breakpoints exactly at the knots, as Fractions
    # On each region the affine map is the chord's slope.
    for r in rs:
        lo = min(r.vertices[:, 0])
        i = knots.index(lo)
        assert r.M[0, 0] == g.slopes[i]


def test_collinear_knots_still_give_a_unit_with_zero_weight():
    g = interpolant(lambda x: 2 * x + 1, [0, 1, 2, 3])
    assert g.coefficients == (2, 0, 0)
    assert g.network.forward_exact([Fraction(5, 2)])[0] == 6


def test_interpolant_outside_the_knots():
    g = interpolant(lambda x: x**2, [0, 1, 2])
    # Constant y_0 to the left, the last slope continued to the right.
    assert g.network.forward_exact([-5])[0] == 0
    assert g.network.forward_exact([3])[0] == 7


def test_float_interpolant():
    knots = np.linspace(-np.pi, np.pi, 9)
    g = interpolant(np.sin, knots)
    assert not g.network.exact
    assert np.allclose(g(knots), np.sin(knots), atol=1e-12)
    # Independent check: numpy's own piecewise-linear interpolation.
    xs = np.linspace(-np.pi, np.pi, 1001)
    assert np.allclose(g(xs), np.interp(xs, knots, np.sin(knots)), atol=1e-12)
    # Exact knots with float values give a float network.
    assert not interpolating_network(lambda x: float(x) ** 0.5, [0, 1, 4]).exact


def test_interpolation_error_by_hand():
    # x^2 on [0, 1] with k knots: the chord error peaks at h^2/4 at each midpoint.
    errs = interpolation_error(lambda x: x**2, [2, 3, 5, 9], (0, 1), n_eval=257)
    h = 1 / np.array([1, 2, 4, 8])
    assert np.allclose(errs, h**2 / 4, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    ("f", "interval"), [(np.sin, (-np.pi, np.pi)), (lambda x: x**2, (-1.0, 2.0))]
)
def test_loglog_slope_is_minus_two(f, interval):
    ks = [10, 20, 40, 80, 160]
    errs = interpolation_error(f, ks, interval, n_eval=8001)
    assert np.all(np.diff(errs) < 0)
    slope = fit_loglog_slope(ks, errs)
    assert -2.1 <= slope <= -1.9
    # The bound h^2 max|f''| / 8 holds (max|f''| is 1 for sin, 2 for x^2).
    curv = 1.0 if f is np.sin else 2.0
    h = (interval[1] - interval[0]) / (np.array(ks) - 1)
    assert np.all(errs <= h**2 * curv / 8 * (1 + 1e-9))


def test_loglog_slope_of_exact_powers():
    ks = np.array([3.0, 7.0, 20.0, 100.0])
    assert fit_loglog_slope(ks, 5 * ks**-1.5) == pytest.approx(-1.5)
    with pytest.raises(ValueError, match="positive"):
        fit_loglog_slope([1, 2], [0.1, 0.0])
    with pytest.raises(ValueError, match="same length"):
        fit_loglog_slope([1, 2, 3], [0.1, 0.01])
    with pytest.raises(ValueError, match="all equal"):
        fit_loglog_slope([2, 2], [0.1, 0.01])


@pytest.mark.parametrize(
    ("f", "knots", "error", "match"),
    [
        (lambda x: x, [0], ValueError, "at least two knots"),
        (lambda x: x, [0, 1, 1], ValueError, "strictly increasing"),
        (lambda x: x, [2, 1], ValueError, "strictly increasing"),
        (lambda x: x, [0, np.inf], ValueError, "non-finite"),
        (lambda x: np.nan, [0, 1], ValueError, "non-finite"),
        ([1, 2, 3], [0, 1], ValueError, "3 values given for 2 knots"),
        (lambda x: "a", [0, 1], TypeError, "real number"),
        (lambda x: x, "01", TypeError, "sequence"),
        (lambda x: x, [[0, 1], [2, 3]], ValueError, "one-dimensional"),
    ],
)
def test_interpolant_bad_input(f, knots, error, match):
    with pytest.raises(error, match=match):
        interpolant(f, knots)


def test_interpolation_error_bad_input():
    with pytest.raises(ValueError, match="bounded"):
        interpolation_error(np.sin, [4], (0, np.inf))
    with pytest.raises(ValueError, match="empty"):
        interpolation_error(np.sin, [4], (1, 0))
    with pytest.raises(ValueError, match="k must be an integer >= 2"):
        interpolation_error(np.sin, [1], (0, 1))
    with pytest.raises(ValueError, match="vectorised"):
        interpolation_error(lambda x: 1.0, [4], (0, 1))


# -- single units ---------------------------------------------------------------------
def test_fit_linear_matches_normal_equations():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X @ [1.0, -2.0, 0.5] + 3 + 0.1 * rng.normal(size=50)
    fit = fit_linear(X, y)
    Xb = np.column_stack([X, np.ones(50)])
    coef = np.linalg.solve(Xb.T @ Xb, Xb.T @ y)
    assert np.allclose(np.append(fit.w, fit.b), coef)
    assert fit.rss == pytest.approx(np.sum((Xb @ coef - y) ** 2))
    assert np.allclose(fit.predict(X), Xb @ coef)
    assert fit.to_network().forward(X[:3])[:, 0] == pytest.approx(fit.predict(X[:3]))


@pytest.mark.parametrize("n", [1, 3])
def test_relu_unit_recovers_a_noiseless_unit(n):
    rng = np.random.default_rng(n)
    X = rng.uniform(-2, 2, size=(80, n))
    w, b = rng.normal(size=n), 0.3
    y = np.maximum(X @ w + b, 0)
    fit = fit_relu_unit(X, y, seed=1)
    assert np.allclose(fit.w, w, atol=1e-8) and fit.b == pytest.approx(b, abs=1e-8)
    assert fit.rss < 1e-16


def test_relu_unit_is_clipped_regression_of_its_active_points():
    rng = np.random.default_rng(5)
    x = rng.uniform(-3, 3, size=200)
    y = np.maximum(1.5 * x - 1, 0) + 0.2 * rng.normal(size=200)
    fit = fit_relu_unit(x, y, seed=0)
    z = fit.w[0] * x + fit.b
    active, hinge = z > 1e-7, np.abs(z) <= 1e-7
    # This data set's minimum has one point on the hinge (a kink of the loss), with y < 0.
    assert hinge.sum() == 1 and y[hinge][0] < 0
    # Stationarity: the least-squares line of the active points, among the lines through
    # the hinge point, found independently by a Lagrange multiplier.
    A = np.column_stack([x[active], np.ones(active.sum())])
    c = np.array([x[hinge][0], 1.0])
    kkt = np.block([[A.T @ A, c[:, None]], [c[None, :], np.zeros((1, 1))]])
    coef = np.linalg.solve(kkt, np.append(A.T @ y[active], 0.0))[:2]
    assert np.allclose([fit.w[0], fit.b], coef, atol=1e-9)
    # Data whose minimum is smooth: the unit is exactly the OLS line of its active points.
    y2 = np.maximum(1.5 * x - 1, 0) + 0.2 * np.abs(rng.normal(size=200))
    fit2 = fit_relu_unit(x, y2)
    on = fit2.w[0] * x + fit2.b > 0
    refit = fit_linear(x[on], y2[on])
    assert fit2.w == pytest.approx(refit.w, abs=1e-9)
    assert fit2.b == pytest.approx(refit.b, abs=1e-9)
    # Near the truth; and the unit beats the line, which has to bend to fit the flat part.
    assert fit.w[0] == pytest.approx(1.5, abs=0.1) and fit.b == pytest.approx(-1, abs=0.15)
    line = fit_linear(x, y)
    assert fit.rss < 0.5 * line.rss
    assert fit.rss == pytest.approx(np.sum((fit.predict(x) - y) ** 2))
    # No single perturbation of the parameters does better (a local-minimum check).
    for dp in np.vstack([np.eye(2), -np.eye(2)]) * 1e-4:
        w, b = fit.w[0] + dp[0], fit.b + dp[1]
        assert np.sum((np.maximum(w * x + b, 0) - y) ** 2) >= fit.rss - 1e-12
    # Deterministic.
    again = fit_relu_unit(x, y, seed=0)
    assert np.array_equal(again.w, fit.w) and again.b == fit.b


def test_relu_unit_on_data_a_line_fits_as_well():
    # All targets positive and linear: the ReLU fit is the linear fit.
    x = np.linspace(1, 4, 20)
    y = 2 * x + 1 + 0.05 * np.sin(7 * x)
    assert fit_relu_unit(x, y).rss == pytest.approx(fit_linear(x, y).rss, rel=1e-9)


def test_logistic_regression():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(4000, 2))
    w_true, b_true = np.array([2.0, -1.0]), 0.5
    labels = (rng.uniform(size=4000) < sigmoid(X @ w_true + b_true)).astype(float)
    fit = fit_logistic(X, labels)
    assert np.allclose(fit.w, w_true, atol=0.2) and fit.b == pytest.approx(b_true, abs=0.15)
    # Score equations: the gradient of the log-loss vanishes at the optimum.
    p = fit.predict(X)
    assert abs(np.mean(p - labels)) < 1e-7
    assert np.allclose(X.T @ (p - labels) / len(X), 0, atol=1e-7)
    assert fit.log_loss == pytest.approx(np.mean(-labels * np.log(p) - (1 - labels) * np.log1p(-p)))
    assert fit.to_network().forward(X[:5])[:, 0] == pytest.approx(p[:5])


def test_logistic_ridge_and_separable_data():
    x = np.array([-2.0, -1.0, 1.0, 2.0])
    labels = np.array([0, 0, 1, 1])
    small = fit_logistic(x, labels, l2=0.1)
    large = fit_logistic(x, labels, l2=1.0)
    assert 0 < large.w[0] < small.w[0]
    assert small.b == pytest.approx(0, abs=1e-8)  # symmetric data


@pytest.mark.parametrize(
    ("x", "y", "match"),
    [
        ([0, 1], [0, 1, 2], "shape"),
        ([0, np.nan], [0, 1], "NaN"),
        ([0, 1], [0, np.inf], "NaN or infinite"),
        (np.zeros((2, 2, 2)), [0, 1], "shape"),
    ],
)
def test_fit_bad_input(x, y, match):
    for fn in (fit_linear, fit_relu_unit):
        with pytest.raises(ValueError, match=match):
            fn(x, y)


def test_logistic_bad_labels_and_predict_shape():
    with pytest.raises(ValueError, match="0 or 1"):
        fit_logistic([0, 1, 2], [0, 2, 1])
    with pytest.raises(ValueError, match="l2"):
        fit_logistic([0, 1], [0, 1], l2=-1)
    fit = fit_linear(np.array([[0, 0], [1, 0], [0, 1]]), [0, 1, 2])
    with pytest.raises(ValueError, match="features"):
        fit.predict([1, 2, 3])


# -- training -------------------------------------------------------------------------------
def test_train_mlp_fits_sine():
    x = np.linspace(-np.pi, np.pi, 200)
    result = train_mlp(x, np.sin(x), widths=(1, 16, 16, 1), seed=0)
    losses = result.losses
    assert len(losses) == 2001
    assert losses[-1] < losses[0] / 1000  # measured: 1.24 -> 4.3e-5, 28,000-fold
    assert losses[-1] < 2e-4
    net = result.network
    assert net.widths == (1, 16, 16, 1) and net.activations == ("relu", "relu", "identity")
    xs = np.linspace(-np.pi, np.pi, 1001)
    err = np.max(np.abs(net.forward(xs[:, None])[:, 0] - np.sin(xs)))
    assert err < 0.05  # measured: 0.030
    # The recorded final loss is the returned network's loss.
    assert np.mean((net.forward(x[:, None])[:, 0] - np.sin(x)) ** 2) == pytest.approx(losses[-1])


def test_train_mlp_is_deterministic_and_handles_vectors():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(64, 2))
    Y = np.column_stack([np.abs(X[:, 0]), X[:, 0] * X[:, 1]])
    a = train_mlp(X, Y, widths=(2, 8, 2), steps=200, lr=0.02, seed=3)
    b = train_mlp(X, Y, widths=(2, 8, 2), steps=200, lr=0.02, seed=3)
    assert np.array_equal(a.losses, b.losses)
    assert a.losses[-1] < a.losses[0] / 5
    assert a.network.forward(X).shape == (64, 2)


def test_train_mlp_gradient_matches_finite_differences():
    # Adam's first step is -lr * g / (|g| + eps): its sign is the sign of backprop's
    # gradient, checked here against central differences of the loss.
    x = np.linspace(-1, 1, 7)
    y = x**2
    net0 = train_mlp(x, y, widths=(1, 3, 1), steps=0, seed=4).network
    W1, b1 = (np.array(a, dtype=float) for a in (net0.layers[0].weight, net0.layers[0].bias))
    W2, b2 = (np.array(a, dtype=float) for a in (net0.layers[1].weight, net0.layers[1].bias))

    def loss(w):
        return np.mean((np.maximum(x[:, None] * w.T + b1, 0) @ W2.T + b2 - y[:, None]) ** 2)

    eps = 1e-6
    num = np.array([(loss(W1 + eps * e) - loss(W1 - eps * e)) / (2 * eps)
                    for e in np.eye(3)[:, :, None]])
    # Adam's first step moves each weight by lr against the sign of its gradient.
    lr = 1e-4
    net1 = train_mlp(x, y, widths=(1, 3, 1), steps=1, lr=lr, seed=4).network
    step = np.array(net1.layers[0].weight, dtype=float) - W1
    moved = np.abs(num) > 1e-9
    assert moved.any()
    assert np.allclose(step[moved, 0], -lr * np.sign(num[moved]), rtol=1e-6)


def test_train_mlp_bad_input():
    x = np.linspace(0, 1, 5)
    with pytest.raises(ValueError, match="do not fit the data"):
        train_mlp(x, x, widths=(2, 4, 1))
    with pytest.raises(ValueError, match="lr"):
        train_mlp(x, x, widths=(1, 4, 1), lr=0)
    with pytest.raises(ValueError, match="width"):
        train_mlp(x, x, widths=(1, 0, 1))
    with pytest.raises(ValueError, match="shape"):
        train_mlp(x, x[:3])
    with pytest.raises(ValueError, match="steps"):
        train_mlp(x, x, steps=-1)


# -- building blocks ---------------------------------------------------------------------------
def test_softplus_and_relu():
    x = np.linspace(-50, 50, 10001)
    gap = softplus(x) - np.maximum(x, 0)
    assert np.all(gap >= 0) and np.all(gap <= np.log(2) + 1e-15)
    assert gap.max() == pytest.approx(np.log(2))  # at x = 0
    assert softplus(800.0) == 800.0 and softplus(-800.0) == pytest.approx(0.0)
    assert softplus(1.0) == pytest.approx(np.log(1 + np.e))


def test_staircase_approximates_softplus():
    n = 40
    x = np.linspace(-15, n - 8, 4001)
    err = softplus(x) - sigmoid_staircase(x, n)
    # Measured: the sum stays below softplus by at most 0.01058 (at x = 0).
    assert err.max() == pytest.approx(0.010578, abs=1e-5)
    assert err.min() > -1e-6
    # Far right the n-term sum saturates at n, while softplus keeps growing.
    assert sigmoid_staircase(200.0, n) == pytest.approx(n)
    # Independent check of one value: the sum written out.
    assert sigmoid_staircase(1.25, 3) == pytest.approx(
        sum(1 / (1 + np.exp(-(1.25 - i + 0.5))) for i in (1, 2, 3)))
    assert sigmoid_staircase(np.zeros((2, 3)), 4).shape == (2, 3)


def test_sigmoid_bump_tends_to_an_indicator():
    x = np.linspace(-1, 3, 4001)
    inside = (x > 0) & (x < 2)
    edge = np.minimum(np.abs(x), np.abs(x - 2))
    far = edge > 0.1
    errs = []
    for s in (10, 100, 1000):
        bump = sigmoid_bump(x, 0, 2, height=3, steepness=s)
        errs.append(np.max(np.abs(bump - 3 * inside)[far]))
    assert errs[0] > errs[1] > errs[2] and errs[2] < 1e-30
    assert sigmoid_bump(0.0, 0, 2, height=3, steepness=1e6) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="left < right"):
        sigmoid_bump(x, 2, 0)
    with pytest.raises(ValueError, match="steepness"):
        sigmoid_bump(x, 0, 1, steepness=0)


def test_relu_hat_exact_values():
    left, peak, right, h = Fraction(-1, 2), Fraction(1, 3), Fraction(2), Fraction(5, 4)
    expect = {left: 0, peak: h, right: 0, Fraction(-1): 0, Fraction(3): 0,
              (left + peak) / 2: h / 2, (peak + right) / 2: h / 2}
    for x, y in expect.items():
        assert relu_hat(x, left, peak, right, h) == y
        assert isinstance(relu_hat(x, left, peak, right, h), Fraction)
    arr = relu_hat(np.array(list(expect), dtype=object), left, peak, right, h)
    assert list(arr) == list(expect.values())
    # The network form agrees, exactly, and its regions break at the three knots.
    net = hat_network(left, peak, right, h)
    for x, y in expect.items():
        assert net.forward_exact([x])[0] == y
    rs = regions(net, [(-2, 4)])
    assert sorted({v for r in rs for v in r.vertices[:, 0]}) == [-2, left, peak, right, 4]
    # Floats: same shape, against numpy's interpolation.
    xs = np.linspace(-2, 4, 601)
    assert np.allclose(relu_hat(xs, -0.5, 1 / 3, 2, 1.25),
                       np.interp(xs, [-0.5, 1 / 3, 2], [0, 1.25, 0]), atol=1e-12)


def test_relu_hat_bad_input():
    with pytest.raises(ValueError, match="left < peak < right"):
        relu_hat(0, 0, 0, 1)
    with pytest.raises(ValueError, match="NaN"):
        relu_hat(np.nan, 0, 1, 2)
    with pytest.raises(ValueError, match="left < peak < right"):
        hat_network(0, 2, 1)


def test_sigmoid_is_stable():
    z = np.array([-1e4, -1.0, 0.0, 1.0, 1e4])
    assert np.all(np.isfinite(sigmoid(z)))
    assert sigmoid(z) == pytest.approx([0, 1 / (1 + np.e), 0.5, 1 / (1 + np.exp(-1)), 1])
    assert Network([[[1]]], [[0]], ["sigmoid"]).forward([1.0])[0] == pytest.approx(sigmoid(1.0))
