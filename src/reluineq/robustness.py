"""The smallest change of an input that changes a classifier's answer, as MILPs.

For a point ``x0`` that a network classifies as ``k`` and another class ``j``, the smallest
L-infinity change that makes ``j`` score at least as high as ``k`` is the mixed-integer
linear program

.. math::

    \\min_{x, \\varepsilon} \\varepsilon \\quad \\text{s.t.} \\quad
    |x_i - x_{0,i}| \\le \\varepsilon, \\quad f_j(x) - f_k(x) \\ge 0, \\quad x \\in B,

with the network written as :func:`reluineq.lp.encode` writes it (one binary per unit that
can switch in ``B``). The smallest ``varepsilon`` over all ``j`` is the distance from ``x0``
to the nearest input of another class: the radius of the largest cube around ``x0`` on
which the answer cannot change. Exact verifiers of neural networks solve such programs, or
bound them, at scale; this is the small, plain version.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import lp, validate
from .network import Network

__all__ = ["Flip", "min_flip"]


@dataclass(frozen=True)
class Flip:
    """The smallest L-infinity change of ``x0`` that changes the answer.

    Attributes
    ----------
    epsilon : float
        The smallest ``max_i |x_i - x0_i|`` over inputs in the box where another class
        scores at least as high as ``label`` (the MILP's optimum; ``inf`` if none does).
    x : numpy.ndarray or None
        Such an input at that distance: on the decision boundary, ``target`` ties with
        ``label`` there (checked with the forward pass).
    label, target : int
        The class at ``x0`` and the class that catches up with it at ``x``.
    bound : float
        The solver's proven lower bound on ``epsilon`` (equal up to its gap).
    by_class : dict
        For every other class tried, the smallest change that makes it catch up, or
        ``inf`` when none does within the search's reach: the given ``radius`` at first,
        then the smallest change found so far (so only the minimum is exact for all).
    n_binaries, n_nodes : int
        The largest number of binary variables of the MILPs, and the branch-and-bound
        nodes of all of them together.
    seconds : float
        Wall-clock time.
    """

    epsilon: float
    x: np.ndarray | None
    label: int
    target: int
    bound: float
    by_class: dict[int, float]
    n_binaries: int
    n_nodes: int
    seconds: float


def min_flip(net: Network, x0: Any, box: Iterable[Any], *, radius: float | None = None,
             bounds: str = "lp", classes: Iterable[int] | None = None) -> Flip:
    """The smallest L-infinity change of ``x0`` within ``box`` that changes the argmax.

    Parameters
    ----------
    net
        A piecewise-linear classifier with at least two outputs (the logits).
    x0
        The input, inside ``box``.
    box
        The inputs allowed, ``[(low, high), ...]`` (the valid pixel range, say).
    radius
        Search only changes up to this size: the MILPs are encoded over ``box`` cut to the
        cube ``x0 ± radius``, whose tighter bounds make them much smaller. Any input known
        to have another label gives a valid radius (its distance to ``x0``); without it,
        the whole box.
    bounds
        How :func:`reluineq.lp.encode` bounds the pre-activations (``"lp"`` or
        ``"interval"``).
    classes
        The classes to try; every class but ``x0``'s by default.

    Returns
    -------
    Flip

    Raises
    ------
    ValueError
        Fewer than two outputs, ``x0`` outside the box, a non-positive radius.
    RuntimeError
        A solver failure, or a witness where the forward pass disagrees with the MILP.

    Examples
    --------
    Two outputs, ``x`` and ``1 - x`` (after ReLUs): at ``x0 = 0.9`` the first wins, and the
    second catches up at ``x = 0.5``, a change of ``0.4``:

    >>> net = reluineq.Network([[[1], [-1]], [[1, 0], [0, 1]]], [[0, 1], [0, 0]],
    ...                        ["relu", "identity"])
    >>> flip = min_flip(net, [0.9], [(0, 1)])
    >>> flip.label, flip.target, round(flip.epsilon, 6), round(float(flip.x[0]), 6)
    (0, 1, 0.4, 0.5)
    """
    start = time.perf_counter()
    validate.network(net, needs="MILP encoding")
    if net.n_outputs < 2:
        raise ValueError("min_flip needs a classifier with at least two outputs (logits)")
    B = validate.box(box, net.n_inputs)
    x0 = np.asarray(x0, dtype=float)
    if x0.shape != (net.n_inputs,) or not np.all(np.isfinite(x0)):
        raise ValueError(f"x0 must be {net.n_inputs} finite numbers, got shape {x0.shape}")
    if not np.all((B[:, 0] <= x0) & (x0 <= B[:, 1])):
        raise ValueError("x0 lies outside the box")
    if radius is not None and not (np.isfinite(radius) and radius > 0):
        raise ValueError(f"radius must be a positive number, got {radius!r}")
    scores = net.forward(x0)
    label = int(np.argmax(scores))
    targets = [validate.index(j, net.n_outputs, "class") for j in classes] if classes \
        is not None else [j for j in range(net.n_outputs) if j != label]
    if label in targets:
        raise ValueError(f"class {label} is x0's own class")
    # The classes closest in score first: once one is reached at distance eps, the others
    # are searched only within eps, in a smaller box with fewer switching units.
    targets.sort(key=lambda j: scores[label] - scores[j])
    best: tuple[float, np.ndarray | None, int, float] = (np.inf, None, -1, np.inf)
    by_class: dict[int, float] = {}
    nodes = binaries = 0
    for j in targets:
        reach = best[0] if np.isfinite(best[0]) else radius
        eps, x, bound, n_bin, n_nodes = _one_class(net, x0, B, reach, label, j, bounds)
        nodes += n_nodes
        binaries = max(binaries, n_bin)
        by_class[j] = eps
        if eps < best[0]:
            best = (eps, x, j, bound)
    eps, x, target, bound = best
    if x is not None:
        f = net.forward(x)
        tol = lp.CHECK_TOL * (1.0 + float(np.abs(f).max()))
        if f[target] < f[label] - tol or np.abs(x - x0).max() > eps + tol:
            raise RuntimeError(f"the MILP's witness for class {target} does not reach the "
                               f"boundary in the forward pass: scores {f[target]!r} and "
                               f"{f[label]!r}")
    return Flip(eps, x, label, target, bound, by_class, binaries, nodes,
                time.perf_counter() - start)


def _one_class(net: Network, x0: np.ndarray, B: np.ndarray, reach: float | None, label: int,
               j: int, bounds: str) -> tuple[float, np.ndarray | None, float, int, int]:
    """One MILP: the smallest change, within ``reach`` of ``x0``, that makes class ``j``
    catch up with ``label``: ``(epsilon, witness, bound, binaries, nodes)``; ``inf`` and
    ``None`` when no input within reach does."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    if reach is not None:
        lo = np.maximum(B[:, 0], x0 - reach)
        hi = np.minimum(B[:, 1], x0 + reach)
        # A coordinate pinned to a face of the box still needs an interval to encode.
        B = np.column_stack([lo, np.where(hi > lo, hi, lo + reach)])
    model = lp.encode(net, B.tolist(), bounds)
    A, rlo, rhi = model.matrix()
    vlo, vhi = model.variable_bounds()
    n, m = net.n_inputs, len(model.variables)
    # Columns: the encoding's variables, then epsilon; |x - x0| <= epsilon row by row.
    box_rows = np.zeros((2 * n, m + 1))
    box_rows[:n, :n] = np.eye(n)
    box_rows[n:, :n] = -np.eye(n)
    box_rows[:, m] = -1.0
    margin = np.zeros((1, m + 1))
    margin[0, model.outputs[j]], margin[0, model.outputs[label]] = 1.0, -1.0  # f_j - f_k >= 0
    cost = np.zeros(m + 1)
    cost[m] = 1.0
    res = milp(cost, integrality=np.append(model.integrality, 0),
               bounds=Bounds(np.append(vlo, 0.0), np.append(vhi, np.inf)),
               constraints=[LinearConstraint(np.hstack([A, np.zeros((len(A), 1))]), rlo, rhi),
                            LinearConstraint(box_rows, -np.inf, np.concatenate([x0, -x0])),
                            LinearConstraint(margin, 0.0, np.inf)],
               options={"mip_rel_gap": lp.MIP_REL_GAP})
    nodes = int(getattr(res, "mip_node_count", 0) or 0)
    if res.status == 2:  # infeasible: class j does not catch up within reach
        return np.inf, None, np.inf, model.n_binaries, nodes
    if res.x is None or res.status != 0:
        raise RuntimeError(f"the MILP solver failed for class {j}: {res.message}")
    eps = float(res.x[m])
    dual = getattr(res, "mip_dual_bound", None)
    bound = eps if dual is None or not np.isfinite(dual) else float(dual)
    return eps, np.clip(res.x[:n], B[:, 0], B[:, 1]), bound, model.n_binaries, nodes
