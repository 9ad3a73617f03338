"""Single units as regressions: a linear unit, a ReLU unit, a sigmoid unit (logistic)."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import validate
from ..activations import lookup, sigmoid
from ..network import Network

__all__ = ["UnitFit", "design", "fit_linear", "fit_logistic", "fit_relu_unit"]


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
        X = design(x, "x", len(self.w))
        return lookup(self.activation).apply(X @ self.w + self.b)

    def to_network(self) -> Network:
        """The unit as a one-layer :class:`~reluineq.Network`."""
        return Network([[list(self.w)]], [[self.b]], [self.activation])


def design(x: Any, name: str, n: int | None = None) -> np.ndarray:
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
    X = design(x, "x")
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
