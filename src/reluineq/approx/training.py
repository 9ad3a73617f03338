"""Training a small ReLU network: full-batch Adam with hand-written backpropagation."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import validate
from ..network import Network
from .regression import design

__all__ = ["TrainResult", "train_mlp"]


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
    X = design(x, "x")
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

    # Network.random draws PyTorch's default initialisation, the same for the same seed.
    start = Network.random(widths, seed)
    Ws = [np.array(lay.weight) for lay in start.layers]
    bs = [np.array(lay.bias) for lay in start.layers]
    params = Ws + bs
    moments = ([np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params])
    losses = []
    for t in range(1, steps + 1):
        hs, zs = _forward(X, Ws, bs)
        r = hs[-1] - Y
        losses.append(float(np.mean(r**2)))
        step = lr * 0.5 * (1.0 + np.cos(np.pi * (t - 1) / steps))
        _adam_step(params, _gradients(hs, zs, Ws, 2.0 * r / r.size), moments, t, step)
    hs, _ = _forward(X, Ws, bs)
    losses.append(float(np.mean((hs[-1] - Y) ** 2)))
    return TrainResult(Network(Ws, bs, list(start.activations)), np.array(losses))


def _forward(X: np.ndarray, Ws: list[np.ndarray], bs: list[np.ndarray]
             ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Every layer's input ``h`` (then the output) and pre-activation ``z``."""
    hs, zs = [X], []
    for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        z = hs[-1] @ W.T + b
        zs.append(z)
        hs.append(np.maximum(z, 0.0) if i < len(Ws) - 1 else z)
    return hs, zs


def _gradients(hs: list[np.ndarray], zs: list[np.ndarray], Ws: list[np.ndarray],
               g: np.ndarray) -> list[np.ndarray]:
    """Backpropagation of ``g``, the loss's gradient at the output: the gradients of the
    weights, then of the biases."""
    last = len(Ws) - 1
    gW: list[np.ndarray] = [np.empty(0)] * len(Ws)
    gb: list[np.ndarray] = [np.empty(0)] * len(Ws)
    for i in range(last, -1, -1):
        if i < last:
            g = g * (zs[i] > 0)
        gW[i] = g.T @ hs[i]
        gb[i] = g.sum(axis=0)
        g = g @ Ws[i]
    return gW + gb


def _adam_step(params: list[np.ndarray], grads: list[np.ndarray],
               moments: tuple[list[np.ndarray], list[np.ndarray]], t: int, step: float) -> None:
    """One Adam update of ``params`` in place (Kingma & Ba's defaults)."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for p, grad, m1, m2 in zip(params, grads, *moments, strict=True):
        m1 *= beta1
        m1 += (1 - beta1) * grad
        m2 *= beta2
        m2 += (1 - beta2) * grad**2
        p -= step * (m1 / (1 - beta1**t)) / (np.sqrt(m2 / (1 - beta2**t)) + eps)
