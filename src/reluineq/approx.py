"""Networks as function approximators and single units as regressions."""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from . import validate
from .activations import lookup, sigmoid
from .network import Network
from .rational import exact_or_float, to_fraction

__all__ = [
    "Interpolant",
    "TrainResult",
    "UnitFit",
    "fit_linear",
    "fit_logistic",
    "fit_loglog_slope",
    "fit_relu_unit",
    "hat_network",
    "interpolant",
    "interpolating_network",
    "interpolation_error",
    "relu_hat",
    "sigmoid",
    "sigmoid_bump",
    "sigmoid_staircase",
    "softplus",
    "train_mlp",
]


# -- exact interpolation ----------------------------------------------------------------
@dataclass(frozen=True)
class Interpolant:
    """The closed form of :func:`interpolant`: knots, values, slopes and the network.

    Attributes
    ----------
    knots, values : tuple
        ``t_0 < ... < t_{k-1}`` and ``y_i = f(t_i)``.
    slopes : tuple
        ``s_i = (y_{i+1} - y_i) / (t_{i+1} - t_i)``, one per piece.
    coefficients : tuple
        Output weights: ``s_0``, then ``s_i - s_{i-1}`` for each interior knot.
    network : Network
        1 input, ``k - 1`` ReLU units ``relu(x - t_i)``, 1 identity output with bias
        ``y_0``; exact when knots and values are rational.
    """

    knots: tuple
    values: tuple
    slopes: tuple
    coefficients: tuple
    network: Network

    def __call__(self, x: Any) -> np.ndarray:
        """The interpolant at points ``x`` (float), through the network."""
        xs = np.asarray(x, dtype=float)
        return self.network.forward(xs.reshape(-1, 1))[:, 0].reshape(xs.shape)


def interpolant(f: Callable[[Any], Any] | Sequence[Any], knots: Sequence[Any]) -> Interpolant:
    r"""The one-hidden-layer ReLU network through ``(t_i, f(t_i))``, in closed form.

    With knots :math:`t_0 < t_1 < \dots < t_{k-1}`, values :math:`y_i = f(t_i)` and slopes
    :math:`s_i = (y_{i+1} - y_i)/(t_{i+1} - t_i)`, the piecewise-linear interpolant on
    :math:`[t_0, t_{k-1}]` is

    .. math::

        g(x) = y_0 + s_0\,\mathrm{relu}(x - t_0)
               + \sum_{i=1}^{k-2} (s_i - s_{i-1})\,\mathrm{relu}(x - t_i):

    the first unit starts the first slope, and each interior knot's unit turns the slope
    by the change :math:`s_i - s_{i-1}`. Every weight is a closed form of the data, no
    training involved. Left of :math:`t_0` the network is constant :math:`y_0`; right
    of :math:`t_{k-1}` it continues the last slope.

    Parameters
    ----------
    f
        A function, called once on each knot as given (so ``lambda x: x**2`` on
        ``Fraction`` knots stays exact), or the sequence of values itself.
    knots
        At least two strictly increasing finite numbers.

    Returns
    -------
    Interpolant
        The pieces of the formula and the :class:`~reluineq.Network`; the network is
        exact when every knot and value is rational (``int``, ``Fraction``, sympy
        ``Rational``), float otherwise.

    Raises
    ------
    ValueError
        Fewer than two knots, knots not strictly increasing, non-finite knots or values,
        or as many values as knots not given.

    Examples
    --------
    ``x**2`` through the knots 0, 1, 2, 3: slopes 1, 3, 5, so the units at 1 and 2 turn
    the slope by 2 each:

    >>> g = interpolant(lambda x: x**2, [0, 1, 2, 3])
    >>> [str(s) for s in g.slopes], [str(c) for c in g.coefficients]
    (['1', '3', '5'], ['1', '2', '2'])
    >>> g.network
    Network(1-3-1, relu-identity, exact)
    >>> g.network.forward_exact([Fraction(3, 2)])
    array([Fraction(5, 2)], dtype=object)
    """
    if isinstance(knots, (str, bytes)) or not isinstance(knots, (Sequence, np.ndarray)):
        raise TypeError(f"knots must be a sequence of numbers, got {knots!r}")
    ts = [exact_or_float(t, f"knot {i}")
          for i, t in enumerate(np.asarray(knots, dtype=object).ravel())]
    if np.ndim(knots) != 1:
        raise ValueError(f"knots must be one-dimensional, got shape {np.shape(knots)}")
    if len(ts) < 2:
        raise ValueError(f"need at least two knots, got {len(ts)}")
    for i in range(len(ts) - 1):
        if not ts[i] < ts[i + 1]:
            raise ValueError(
                f"knots must be strictly increasing: knot {i} = {ts[i]} and knot {i + 1} = "
                f"{ts[i + 1]}"
            )
    if callable(f):
        raw = [f(t) for t in ts]
    else:
        if isinstance(f, (str, bytes)) or np.ndim(f) != 1:
            raise TypeError("f must be a function or a one-dimensional sequence of values")
        raw = list(f)
        if len(raw) != len(ts):
            raise ValueError(f"{len(raw)} values given for {len(ts)} knots")
    ys = [exact_or_float(y, f"value at knot {i}") for i, y in enumerate(raw)]
    exact = all(isinstance(v, Fraction) for v in ts + ys)
    if not exact:
        ts, ys = [float(t) for t in ts], [float(y) for y in ys]
    slopes = [(ys[i + 1] - ys[i]) / (ts[i + 1] - ts[i]) for i in range(len(ts) - 1)]
    coeffs = [slopes[0]] + [slopes[i] - slopes[i - 1] for i in range(1, len(slopes))]
    one = Fraction(1) if exact else 1.0
    net = Network(
        [[[one] for _ in slopes], [coeffs]],
        [[-t for t in ts[:-1]], [ys[0]]],
        ["relu", "identity"],
    )
    return Interpolant(tuple(ts), tuple(ys), tuple(slopes), tuple(coeffs), net)


def interpolating_network(
    f: Callable[[Any], Any] | Sequence[Any], knots: Sequence[Any]
) -> Network:
    """The network of :func:`interpolant` alone.

    Examples
    --------
    >>> net = interpolating_network([0, 1, 0], [-1, 0, 1])  # a hat
    >>> [net.forward_exact([x])[0] for x in (-1, Fraction(-1, 2), 0, 1)]
    [Fraction(0, 1), Fraction(1, 2), Fraction(1, 1), Fraction(0, 1)]
    """
    return interpolant(f, knots).network


def interpolation_error(
    f: Callable[[np.ndarray], np.ndarray],
    k_values: Sequence[int],
    interval: tuple[float, float],
    n_eval: int = 4001,
) -> np.ndarray:
    r"""Largest error of the ``k``-knot interpolating network, for each ``k``.

    Knots are equally spaced on the interval, and the error
    :math:`\max_x |f(x) - g_k(x)|` is taken over ``n_eval`` equally spaced points. For a
    :math:`C^2` function it is at most :math:`h^2 \max|f''| / 8` with
    :math:`h = (b - a)/(k - 1)`, so it falls like :math:`k^{-2}`.

    Parameters
    ----------
    f
        A vectorised function (``np.sin``, ``lambda x: x**2``).
    k_values
        Numbers of knots, each at least 2.
    interval
        ``(a, b)`` with ``a < b`` finite (or ``[(a, b)]``, a box of one input).
    n_eval
        Evaluation points; keep it well above the largest ``k``.

    Returns
    -------
    numpy.ndarray
        One maximal error per ``k``.

    Examples
    --------
    For ``x**2`` on ``[0, 1]`` the bound :math:`h^2/4` is attained at the midpoints:

    >>> interpolation_error(lambda x: x**2, [2, 3, 5], (0, 1), n_eval=9)
    array([0.25    , 0.0625  , 0.015625])
    """
    (a, b), = validate.box(interval, 1, name="interval")
    if isinstance(n_eval, bool) or not isinstance(n_eval, numbers.Integral) or n_eval < 2:
        raise ValueError(f"n_eval must be an integer >= 2, got {n_eval!r}")
    ks = [validate.count(k, "k", 2) for k in k_values]
    if not ks:
        raise ValueError("k_values is empty")
    grid = np.linspace(a, b, int(n_eval))
    fx = np.asarray(f(grid), dtype=float)
    if fx.shape != grid.shape:
        raise ValueError(
            f"f must be vectorised: f(array of shape {grid.shape}) gave shape {fx.shape}"
        )
    errors = []
    for k in ks:
        knots = np.linspace(a, b, k)
        g = interpolant([float(v) for v in f(knots)], [float(t) for t in knots])
        errors.append(float(np.max(np.abs(fx - g(grid)))))
    return np.array(errors)


def fit_loglog_slope(ks: Sequence[float], errors: Sequence[float]) -> float:
    r"""Least-squares slope of :math:`\log(\text{error})` against :math:`\log k`.

    An error :math:`C k^{p}` gives slope :math:`p`; piecewise-linear interpolation of a
    smooth function gives :math:`p \approx -2`.

    Examples
    --------
    >>> round(fit_loglog_slope([1, 2, 4, 8], [1, 0.25, 0.0625, 0.015625]), 12)
    -2.0
    """
    k = np.asarray(ks, dtype=float)
    e = np.asarray(errors, dtype=float)
    if k.ndim != 1 or k.shape != e.shape or len(k) < 2:
        raise ValueError(
            f"need two 1-D sequences of the same length >= 2, got shapes {k.shape}, {e.shape}"
        )
    if not (np.all(np.isfinite(k)) and np.all(np.isfinite(e))):
        raise ValueError("ks and errors must be finite")
    if np.any(k <= 0) or np.any(e <= 0):
        raise ValueError("ks and errors must be positive to take logarithms")
    if np.ptp(k) == 0:
        raise ValueError("ks are all equal: the slope is undefined")
    return float(np.polyfit(np.log(k), np.log(e), 1)[0])


# -- single units as regressions ----------------------------------------------------------
@dataclass(frozen=True)
class UnitFit:
    """One fitted unit ``y ≈ activation(w · x + b)``.

    Attributes
    ----------
    w : numpy.ndarray
        Weights, shape ``(n,)``.
    b : float
        Bias.
    activation : str
        ``"identity"`` (linear regression), ``"relu"`` or ``"sigmoid"`` (logistic).
    rss : float
        Residual sum of squares :math:`\\sum_i (y_i - \\hat y_i)^2` on the data.
    log_loss : float or None
        Mean log-loss of a logistic fit, ``None`` otherwise.
    """

    w: np.ndarray
    b: float
    activation: str
    rss: float
    log_loss: float | None = None

    def predict(self, x: Any) -> np.ndarray:
        """``activation(w · x + b)`` for inputs ``x`` of shape ``(m,)`` or ``(m, n)``."""
        X = _design(x, "x", len(self.w))
        return lookup(self.activation).apply(X @ self.w + self.b)

    def to_network(self) -> Network:
        """The unit as a one-layer :class:`~reluineq.Network`."""
        return Network([[list(self.w)]], [[self.b]], [self.activation])


def _design(x: Any, name: str, n: int | None = None) -> np.ndarray:
    X = np.asarray(x, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"{name} must have shape (m,) or (m, n) with m >= 1, got {np.shape(x)}")
    if n is not None and X.shape[1] != n:
        raise ValueError(f"{name} has {X.shape[1]} features, the unit has {n}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


def _data(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = _design(x, "x")
    Y = np.asarray(y, dtype=float)
    if Y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},) to match x, got {Y.shape}")
    if not np.all(np.isfinite(Y)):
        raise ValueError("y contains NaN or infinite values")
    return X, Y


def _lstsq(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, float]:
    coef = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), Y, rcond=None)[0]
    return coef[:-1], float(coef[-1])


def fit_linear(x: Any, y: Any) -> UnitFit:
    r"""Ordinary least squares :math:`y \approx w \cdot x + b` (``numpy.linalg.lstsq``).

    Parameters
    ----------
    x
        Inputs, shape ``(m,)`` or ``(m, n)``.
    y
        Targets, shape ``(m,)``.

    Returns
    -------
    UnitFit
        With ``activation="identity"``.

    Examples
    --------
    >>> fit = fit_linear([0, 1, 2], [1, 3, 5])
    >>> fit.w.round(12), round(fit.b, 12), round(fit.rss, 12)
    (array([2.]), 1.0, 0.0)
    """
    X, Y = _data(x, y)
    w, b = _lstsq(X, Y)
    return UnitFit(w, b, "identity", float(np.sum((X @ w + b - Y) ** 2)))


def fit_relu_unit(x: Any, y: Any, seed: int = 0, n_starts: int = 8) -> UnitFit:
    r"""Least squares fit of one ReLU unit, :math:`y \approx \mathrm{relu}(w \cdot x + b)`.

    Minimises :math:`\sum_i (\mathrm{relu}(w \cdot x_i + b) - y_i)^2` with
    ``scipy.optimize.least_squares`` from several starts: the linear fit, the linear fit
    of the points with ``y > 0``, and ``n_starts`` seeded random ones; the best wins. It
    then polishes by refitting least squares on the active points until they stop
    changing. Only active points (``w · x + b > 0``) move the loss, so at a minimum
    where no point sits on the hinge

    .. math:: \sum_{i\ \text{active}} (w \cdot x_i + b - y_i) \begin{pmatrix} x_i \\ 1
              \end{pmatrix} = 0 :

    the unit is the ordinary linear regression of its active points, clipped at zero.
    The loss is not smooth where a point crosses the hinge, and a minimum can sit there
    (typically a point with ``y < 0`` just past the hinge): then the unit is the least
    squares line of its active points among those passing through the hinge points.

    Parameters
    ----------
    x, y
        Inputs ``(m,)`` or ``(m, n)`` and targets ``(m,)``.
    seed
        Seed of the random starts; the result is deterministic.
    n_starts
        Number of random starts besides the two linear ones.

    Returns
    -------
    UnitFit
        With ``activation="relu"``.

    Examples
    --------
    Data from ``relu(2x - 1)`` are recovered exactly:

    >>> x = np.linspace(-1, 2, 13)
    >>> fit = fit_relu_unit(x, np.maximum(2 * x - 1, 0))
    >>> fit.w.round(9), round(fit.b, 9), round(fit.rss, 12)
    (array([2.]), -1.0, 0.0)
    """
    from scipy.optimize import least_squares

    X, Y = _data(x, y)
    n_starts = validate.count(n_starts, "n_starts", 0)
    Xb = np.column_stack([X, np.ones(len(X))])

    def residual(p: np.ndarray) -> np.ndarray:
        return np.maximum(Xb @ p, 0.0) - Y

    def jac(p: np.ndarray) -> np.ndarray:
        return Xb * (Xb @ p > 0)[:, None]

    def rss(p: np.ndarray) -> float:
        return float(np.sum(residual(p) ** 2))

    starts = [np.append(*_lstsq(X, Y))]
    pos = Y > 0
    if pos.sum() > X.shape[1]:
        starts.append(np.append(*_lstsq(X[pos], Y[pos])))
    rng = np.random.default_rng(seed)
    scale = np.append(1.0 / (X.std(axis=0) + 1e-12), 1.0)
    starts += [rng.normal(size=X.shape[1] + 1) * scale for _ in range(n_starts)]
    best, best_rss = None, np.inf
    for p0 in starts:
        p = least_squares(residual, p0, jac=jac, method="trf", xtol=1e-12, ftol=1e-12,
                          gtol=1e-12).x
        p = _polish(p, Xb, Y, rss)
        r = rss(p)
        # Strictly better only, so that ties keep the earlier (linear) start.
        if best is None or r < best_rss - 1e-12 * (1.0 + best_rss):
            best, best_rss = p, r
    return UnitFit(best[:-1], float(best[-1]), "relu", best_rss)


def _polish(p: np.ndarray, Xb: np.ndarray, Y: np.ndarray, rss: Callable) -> np.ndarray:
    """Refit least squares on the active points, points on the hinge held there.

    The optimiser stops near a minimum; this step lands on it. Each refit is accepted
    only when it does not raise the loss.
    """
    for _ in range(100):
        z = Xb @ p
        tol = 1e-7 * (1.0 + np.max(np.abs(z)))
        active, hinge = z > tol, np.abs(z) <= tol
        A, C = Xb[active], Xb[hinge]
        if len(A) == 0:
            return p
        # Equality-constrained least squares: min |A q - y|^2 with C q = 0 (KKT system).
        k = Xb.shape[1]
        kkt = np.block([[A.T @ A, C.T], [C, np.zeros((len(C), len(C)))]])
        rhs = np.concatenate([A.T @ Y[active], np.zeros(len(C))])
        q = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:k]
        if rss(q) > rss(p) * (1 + 1e-12) + 1e-300:
            return p
        zq = Xb @ q
        tq = 1e-7 * (1.0 + np.max(np.abs(zq)))
        p = q
        if np.array_equal(zq > tq, active) and np.array_equal(np.abs(zq) <= tq, hinge):
            return p
    return p


def fit_logistic(x: Any, labels: Any, l2: float = 0.0) -> UnitFit:
    r"""Logistic regression, the sigmoid unit :math:`P(y = 1) = \sigma(w \cdot x + b)`.

    Minimises the mean log-loss plus an optional ridge penalty,

    .. math:: \frac{1}{m} \sum_i \big[\log(1 + e^{z_i}) - y_i z_i\big]
              + \frac{\lambda}{2} \lVert w \rVert^2, \qquad z_i = w \cdot x_i + b,

    with ``scipy.optimize.minimize`` (BFGS, exact gradient, zero start: deterministic).
    At the optimum without penalty the gradient in ``b`` vanishes, so the mean predicted
    probability equals the fraction of positive labels.

    Parameters
    ----------
    x
        Inputs ``(m,)`` or ``(m, n)``.
    labels
        0/1 labels, shape ``(m,)``.
    l2
        Penalty :math:`\lambda \ge 0` on ``w``. With separable data and ``l2 = 0`` the
        loss has no minimum (the weights grow without bound); use ``l2 > 0`` then.

    Returns
    -------
    UnitFit
        With ``activation="sigmoid"``, ``log_loss`` the mean log-loss (no penalty) and
        ``rss`` the sum of squared differences between probabilities and labels.

    Examples
    --------
    Overlapping classes on a line; the fitted probabilities average to the base rate:

    >>> fit = fit_logistic([0, 1, 2, 3, 4, 5], [0, 0, 1, 0, 1, 1])
    >>> round(float(fit.predict([0, 1, 2, 3, 4, 5]).mean()), 6)
    0.5
    >>> bool(fit.w[0] > 0), round(float(-fit.b / fit.w[0]), 6)  # 50 % point, by symmetry
    (True, 2.5)
    """
    from scipy.optimize import minimize

    X, Y = _data(x, labels)
    if not np.all((Y == 0) | (Y == 1)):
        raise ValueError("labels must be 0 or 1")
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not 0 <= l2 < np.inf:
        raise ValueError(f"l2 must be a finite number >= 0, got {l2!r}")
    Xb = np.column_stack([X, np.ones(len(X))])
    m = len(X)
    mask = np.append(np.ones(X.shape[1]), 0.0)  # the bias is not penalised

    def loss(p: np.ndarray) -> tuple[float, np.ndarray]:
        z = Xb @ p
        value = np.mean(np.logaddexp(0.0, z) - Y * z) + 0.5 * l2 * np.sum((mask * p) ** 2)
        grad = Xb.T @ (sigmoid(z) - Y) / m + l2 * mask * p
        return float(value), grad

    res = minimize(loss, np.zeros(X.shape[1] + 1), jac=True, method="BFGS",
                   options={"gtol": 1e-10, "maxiter": 10_000})
    p = res.x
    z = Xb @ p
    prob = sigmoid(z)
    return UnitFit(p[:-1], float(p[-1]), "sigmoid", float(np.sum((prob - Y) ** 2)),
                   float(np.mean(np.logaddexp(0.0, z) - Y * z)))


# -- training a small network ---------------------------------------------------------------
@dataclass(frozen=True)
class TrainResult:
    """A trained network and its loss before every step and after the last.

    Attributes
    ----------
    network : Network
        Float network, ReLU hidden layers and an identity output.
    losses : numpy.ndarray
        Mean squared error, ``steps + 1`` values.
    """

    network: Network
    losses: np.ndarray


def train_mlp(
    x: Any,
    y: Any,
    widths: Sequence[int] = (1, 16, 16, 1),
    steps: int = 2000,
    lr: float = 0.01,
    seed: int = 0,
) -> TrainResult:
    r"""Fit a ReLU network by full-batch Adam on the mean squared error.

    Hand-written backpropagation in NumPy, in the manner of micrograd but with matrices:
    for the layers :math:`h_l = \mathrm{relu}(W_l h_{l-1} + b_l)` and the loss
    :math:`\frac{1}{m k}\sum (\hat y - y)^2`, the gradient flows back as
    :math:`g_{l-1} = W_l^\top (g_l \odot [z_l > 0])`. Initial weights are uniform in
    :math:`\pm 1/\sqrt{\text{fan-in}}` (PyTorch's default), Adam's step size decays from
    ``lr`` to 0 along a half cosine so the last steps settle instead of oscillating.
    Everything is seeded: the same call gives the same network.

    Parameters
    ----------
    x
        Inputs ``(m,)`` or ``(m, n)``.
    y
        Targets ``(m,)`` or ``(m, k)``.
    widths
        Layer widths including input and output, e.g. ``(1, 16, 16, 1)``.
    steps
        Number of Adam steps.
    lr
        Initial step size.
    seed
        Seed of the initial weights.

    Returns
    -------
    TrainResult

    Notes
    -----
    With the defaults, ``sin`` on 200 points of :math:`[-\pi, \pi]` goes from a loss of
    0.4 to 1.2 down to 1e-5 to 4e-5 (seeds 0 to 4: 17,000 to 50,000 times smaller), a
    largest error of 0.02 to 0.03 on a fine grid, in about 0.4 s.

    Examples
    --------
    >>> x = np.linspace(-1, 1, 50)
    >>> fit = train_mlp(x, np.abs(x), widths=(1, 4, 1), steps=300, lr=0.05, seed=0)
    >>> fit.network
    Network(1-4-1, relu-identity, float)
    >>> bool(fit.losses[-1] < fit.losses[0] / 100)
    True
    """
    X = _design(x, "x")
    Y = np.asarray(y, dtype=float)
    if Y.ndim == 1:
        Y = Y[:, None]
    if Y.ndim != 2 or len(Y) != len(X):
        raise ValueError(f"y must have shape ({len(X)},) or ({len(X)}, k), got {np.shape(y)}")
    if not np.all(np.isfinite(Y)):
        raise ValueError("y contains NaN or infinite values")
    widths = [validate.count(w, "every width", 1) for w in widths]
    if len(widths) < 2:
        raise ValueError(f"widths must list at least input and output sizes, got {widths}")
    if widths[0] != X.shape[1] or widths[-1] != Y.shape[1]:
        raise ValueError(
            f"widths {widths} do not fit the data: x has {X.shape[1]} features and y has "
            f"{Y.shape[1]} outputs"
        )
    steps = validate.count(steps, "steps", 0)
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr < np.inf:
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")

    rng = np.random.default_rng(seed)
    Ws, bs = [], []
    for fan_in, fan_out in itertools.pairwise(widths):
        bound = 1.0 / np.sqrt(fan_in)
        Ws.append(rng.uniform(-bound, bound, size=(fan_out, fan_in)))
        bs.append(rng.uniform(-bound, bound, size=fan_out))
    params = Ws + bs
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    last = len(Ws) - 1

    def forward() -> tuple[list[np.ndarray], list[np.ndarray]]:
        hs, zs = [X], []
        for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            z = hs[-1] @ W.T + b
            zs.append(z)
            hs.append(np.maximum(z, 0.0) if i < last else z)
        return hs, zs

    losses = []
    for t in range(1, steps + 1):
        hs, zs = forward()
        r = hs[-1] - Y
        losses.append(float(np.mean(r**2)))
        g = 2.0 * r / r.size
        gW, gb = [None] * len(Ws), [None] * len(Ws)
        for i in range(last, -1, -1):
            if i < last:
                g = g * (zs[i] > 0)
            gW[i] = g.T @ hs[i]
            gb[i] = g.sum(axis=0)
            g = g @ Ws[i]
        step = lr * 0.5 * (1.0 + np.cos(np.pi * (t - 1) / steps))
        for p, grad, m1, m2 in zip(params, gW + gb, first, second, strict=True):
            m1 *= beta1
            m1 += (1 - beta1) * grad
            m2 *= beta2
            m2 += (1 - beta2) * grad**2
            p -= step * (m1 / (1 - beta1**t)) / (np.sqrt(m2 / (1 - beta2**t)) + eps)
    hs, _ = forward()
    losses.append(float(np.mean((hs[-1] - Y) ** 2)))
    acts = ["relu"] * last + ["identity"]
    return TrainResult(Network(Ws, bs, acts), np.array(losses))


# -- sigmoids and ReLUs as building blocks ----------------------------------------------------
def softplus(x: Any) -> np.ndarray:
    r"""Softplus :math:`\log(1 + e^x)`, computed without overflow.

    It lies above :math:`\mathrm{relu}(x)` by at most :math:`\log 2` (at 0).

    Examples
    --------
    >>> [round(float(v), 6) for v in softplus([-1000.0, 0.0, 1000.0])]
    [0.0, 0.693147, 1000.0]
    """
    return np.logaddexp(0.0, np.asarray(x, dtype=float))


def sigmoid_staircase(x: Any, n: int) -> np.ndarray:
    r"""The sum of shifted sigmoids :math:`\sum_{i=1}^{n} \sigma(x - i + \tfrac12)`.

    Nair & Hinton (2010) observed that the infinite sum of such copies of a sigmoid is
    close to softplus, :math:`\sum_{i \ge 1} \sigma(x - i + \tfrac12) \approx
    \log(1 + e^x)`: a stack of binary units with shifted biases behaves like one
    rectified unit. With ``n`` terms the sum saturates at ``n`` for large ``x``.

    Examples
    --------
    One term is one sigmoid, centred at 1/2:

    >>> float(sigmoid_staircase(0.5, 1))
    0.5

    Fifty terms stay within about 0.011 below softplus for ``x`` up to about 40, the
    largest gap near 0 (the sum is a midpoint rule for the integral of the sigmoid,
    which is softplus):

    >>> x = np.linspace(-20, 40, 6001)
    >>> round(float(np.max(softplus(x) - sigmoid_staircase(x, 50))), 4)
    0.0106
    """
    n = validate.count(n, "n", 1)
    xs = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(xs)):
        raise ValueError("x contains NaN or infinite values")
    shifts = np.arange(1, n + 1) - 0.5
    return sigmoid(xs[..., None] - shifts).sum(axis=-1)


def sigmoid_bump(
    x: Any, left: float, right: float, height: float = 1.0, steepness: float = 50.0
) -> np.ndarray:
    r"""Nielsen's bump: two steep sigmoids, one up at ``left`` and one down at ``right``.

    .. math:: \text{height}\,\big[\sigma(s(x - \text{left})) - \sigma(s(x - \text{right}))\big]

    As the steepness :math:`s` grows it tends to ``height`` times the indicator of
    ``(left, right)`` (and ``height / 2`` at the two ends). Sums of such bumps
    approximate any continuous function of one variable (Nielsen, *Neural Networks and
    Deep Learning*, chapter 4).

    Examples
    --------
    >>> sigmoid_bump(np.array([0.0, 0.5, 1.0, 2.0]), 0, 1, height=2, steepness=1000).round(6)
    array([1., 2., 1., 0.])
    """
    left, right, height, steepness = (
        _real(v, name) for v, name in
        ((left, "left"), (right, "right"), (height, "height"), (steepness, "steepness"))
    )
    if not left < right:
        raise ValueError(f"need left < right, got left = {left}, right = {right}")
    if not steepness > 0:
        raise ValueError(f"steepness must be positive, got {steepness}")
    xs = np.asarray(x, dtype=float)
    return height * (sigmoid(steepness * (xs - left)) - sigmoid(steepness * (xs - right)))


def _real(v: Any, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(float(v)):
        raise ValueError(f"{name} must be a finite real number, got {v!r}")
    return float(v)


def _hat_weights(left: Any, peak: Any, right: Any, height: Any) -> tuple[list, list]:
    vals = [exact_or_float(v, name) for v, name in
            ((left, "left"), (peak, "peak"), (right, "right"), (height, "height"))]
    left, peak, right, height = vals
    if not left < peak < right:
        raise ValueError(f"need left < peak < right, got {left}, {peak}, {right}")
    if not all(isinstance(v, Fraction) for v in vals):
        left, peak, right, height = (float(v) for v in vals)
    up, down = height / (peak - left), height / (right - peak)
    return [left, peak, right], [up, -(up + down), down]


def relu_hat(x: Any, left: Any, peak: Any, right: Any, height: Any = 1) -> Any:
    r"""A hat from three ReLUs: 0 outside ``[left, right]``, ``height`` at ``peak``.

    .. math::

        \text{hat}(x) = \frac{H}{p - l}\,\mathrm{relu}(x - l)
          - \Big(\frac{H}{p - l} + \frac{H}{r - p}\Big)\mathrm{relu}(x - p)
          + \frac{H}{r - p}\,\mathrm{relu}(x - r)

    The first unit climbs, the second turns the climb into the descent, the third stops
    the descent at zero. Exact when ``x`` and the parameters are rational.

    Parameters
    ----------
    x
        A number or an array.
    left, peak, right
        ``left < peak < right``.
    height
        The value at ``peak``.

    Returns
    -------
    Same shape as ``x``: ``Fraction`` values for rational input, floats otherwise.

    Examples
    --------
    >>> [str(relu_hat(x, 0, 1, 3, height=6)) for x in (-1, 0, Fraction(1, 2), 1, 2, 3, 4)]
    ['0', '0', '3', '6', '3', '0', '0']
    >>> relu_hat(Fraction(1, 3), 0, 1, 3)
    Fraction(1, 3)
    >>> relu_hat(np.array([0.5, 2.5]), 0, 1, 3)
    array([0.5 , 0.25])
    """
    knots, coeffs = _hat_weights(left, peak, right, height)
    exact = isinstance(knots[0], Fraction)
    arr = np.asarray(x, dtype=object if exact else float)
    if exact and arr.dtype == object:
        try:
            xs = np.vectorize(to_fraction, otypes=[object])(arr)
        except TypeError:
            exact = False
    if not exact:
        knots, coeffs = [float(v) for v in knots], [float(v) for v in coeffs]
        xs = np.asarray(x, dtype=float)
        if not np.all(np.isfinite(xs)):
            raise ValueError("x contains NaN or infinite values")
        out = sum(c * np.maximum(xs - t, 0.0) for c, t in zip(coeffs, knots, strict=True))
        return out
    zero = Fraction(0)
    out = np.asarray(
        sum(c * np.where(xs - t > 0, xs - t, zero) for c, t in zip(coeffs, knots, strict=True)),
        dtype=object,
    )
    return out[()] if out.ndim == 0 else out


def hat_network(left: Any, peak: Any, right: Any, height: Any = 1) -> Network:
    """:func:`relu_hat` as a 1-3-1 :class:`~reluineq.Network` (exact for rationals).

    Examples
    --------
    >>> net = hat_network(0, 1, 3, height=6)
    >>> net
    Network(1-3-1, relu-identity, exact)
    >>> net.forward_exact([2])
    array([Fraction(3, 1)], dtype=object)
    """
    knots, coeffs = _hat_weights(left, peak, right, height)
    one = Fraction(1) if isinstance(knots[0], Fraction) else 1.0
    return Network([[[one]] * 3, [coeffs]], [[-t for t in knots], [0 * one]],
                   ["relu", "identity"])
