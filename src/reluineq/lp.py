"""The optimum of a ReLU network over a box: one MILP, or one LP per linear region.

The encoding itself lives in :mod:`reluineq.milp`; its names are also reachable here
(``lp.encode``, ``lp.MILP``, ``lp.to_latex``, ``lp.interval_bounds``).
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import validate
from .milp import (
    LP_FEASIBILITY,
    MILP,
    Constraint,
    Variable,
    encode,
    interval_bounds,
    to_latex,
)
from .network import Network

__all__ = [
    "CHECK_TOL",
    "MILP",
    "MIP_REL_GAP",
    "Constraint",
    "Exceedance",
    "Optimum",
    "Variable",
    "can_exceed",
    "encode",
    "interval_bounds",
    "optimize",
    "optimize_by_regions",
    "to_latex",
]

#: Relative tolerance with which a solver's optimum must agree with the forward pass at
#: its witness, ``|value - net.forward(x)[output]| <= CHECK_TOL * (1 + |value|)``: ten
#: times the feasibility by which the solver's point may miss the rows.
CHECK_TOL = 10 * LP_FEASIBILITY

#: The relative gap to which the MILP is solved. HiGHS stops by default at 0.01 %; the
#: article compares two optima to 1e-6, so the MILP is solved to a tight gap.
MIP_REL_GAP = 1e-10

#: HiGHS reads a bound or coefficient this large or larger as infinite, and stops with
#: "Model error" when a variable's finite bound reaches it. :func:`optimize` refuses such
#: a MILP with a message instead. (Mapping the box onto ``[-1, 1]^n`` and dividing the
#: network by its size was tried: it hides features of size one in a box of ``1e10``
#: below the solver's tolerances and returns a wrong optimum, worse than an error.)
HIGHS_INFINITE = 1e15



def _check_sense(sense: Any) -> str:
    if sense not in ("max", "min"):
        raise ValueError(f"sense must be 'max' or 'min', got {sense!r}")
    return sense


# -- optimisation ---------------------------------------------------------------------
@dataclass(frozen=True)
class Optimum:
    """The maximum or minimum of one network output over a box.

    Attributes
    ----------
    value : float
        ``net.forward(x)[output]`` at the witness, a value the network takes; the solver's
        own optimum agrees with it to ``CHECK_TOL`` (checked, ``RuntimeError`` if not).
    x : numpy.ndarray
        A witness input in the box reaching ``value``.
    bound : float
        The solver's proven bound (upper for ``max``, lower for ``min``); equal to
        ``value`` up to the solver's gap.
    sense : str
        ``"max"`` or ``"min"``.
    method : str
        ``"milp"`` or ``"regions"``.
    status : str
        The solver's message.
    time : float
        Wall-clock seconds, encoding or enumeration included.
    n_solves : int
        Number of LPs solved (one per region), 1 for the MILP.
    n_binaries : int
        Binary variables of the MILP (0 for the region method).
    n_nodes : int
        Branch-and-bound nodes HiGHS explored, each an LP relaxation (0 for the region
        method). Unlike ``time`` it is the same on every machine and run.
    """

    value: float
    x: np.ndarray
    bound: float
    sense: str
    method: str
    status: str
    time: float
    n_solves: int
    n_binaries: int
    n_nodes: int


def _checked_witness(net: Network, x: np.ndarray, value: float, output: int, what: str) -> float:
    """The forward value at ``x``, after checking that it is the solver's ``value``."""
    got = float(net.forward(x)[output])
    if not abs(got - value) <= CHECK_TOL * (1.0 + abs(value)):
        raise RuntimeError(
            f"{what}: the solver's optimum {value!r} differs from the forward pass "
            f"{got!r} at its witness {x.tolist()}; the encoding or the solver is wrong"
        )
    return got


def optimize(
    net: Network,
    box: Iterable[Any],
    output: int = 0,
    sense: str = "max",
    *,
    bounds: str = "lp",
) -> Optimum:
    """Maximise or minimise one output of a ReLU network over a box, by one MILP.

    Solves the :func:`encode` system with HiGHS (``scipy.optimize.milp``) to a relative
    gap of :data:`MIP_REL_GAP`, then checks that the forward pass at the witness gives the optimum.

    Parameters
    ----------
    net
        A network of ReLU and identity layers.
    box
        ``[(low, high), ...]``, one finite interval per input.
    output
        Index of the output to optimise.
    sense
        ``"max"`` or ``"min"``.
    bounds
        ``"lp"`` or ``"interval"``, passed to :func:`encode`.

    Returns
    -------
    Optimum

    Raises
    ------
    ValueError
        Sigmoid layers, a bad box, output index or sense.
    RuntimeError
        The solver failed, or its witness does not reach its value.

    Examples
    --------
    ``relu(x) - relu(x - 1)`` climbs from 0 to 1 on ``[0, 1]`` and is flat elsewhere:

    >>> net = reluineq.Network([[[1], [1]], [[1, -1]]], [[0, -1], [0]], ["relu", "identity"])
    >>> best = optimize(net, [(-2, 2)])
    >>> round(best.value, 9), bool(1 <= best.x[0] <= 2)
    (1.0, True)
    >>> round(optimize(net, [(-2, 2)], sense="min").value, 9)
    0.0
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    start = time.perf_counter()
    validate.network(net, needs="MILP encoding")
    output = validate.index(output, net.n_outputs, "output")
    sense = _check_sense(sense)
    model = encode(net, box, bounds)
    sign = -1.0 if sense == "max" else 1.0
    cost = np.zeros(len(model.variables))
    cost[model.outputs[output]] = sign
    A, rlo, rhi = model.matrix()
    vlo, vhi = model.variable_bounds()
    _check_magnitudes(A, rlo, rhi, vlo, vhi)
    res = milp(
        cost,
        integrality=model.integrality,
        bounds=Bounds(vlo, vhi),
        constraints=LinearConstraint(A, rlo, rhi),
        options={"mip_rel_gap": MIP_REL_GAP},
    )
    if res.x is None or res.status != 0:
        raise RuntimeError(f"the MILP solver failed: {res.message}")
    n = net.n_inputs
    box_f = np.asarray(model.box, dtype=float)
    x = np.clip(res.x[:n], box_f[:, 0], box_f[:, 1])
    value = sign * float(res.fun)
    dual = getattr(res, "mip_dual_bound", None)
    bound = value if dual is None or not np.isfinite(dual) else sign * float(dual)
    # The solver's value may be off by its feasibility tolerance (1e-6 with HiGHS's
    # defaults); the forward pass at the witness is a value the network really takes.
    value = _checked_witness(net, x, value, output, "MILP")
    return Optimum(value, x, bound, sense, "milp", str(res.message),
                   time.perf_counter() - start, 1, model.n_binaries,
                   int(getattr(res, "mip_node_count", 0) or 0))


def _check_magnitudes(A: np.ndarray, *ends: np.ndarray) -> None:
    """A clear error where HiGHS would stop with "Model error": a coefficient, or a
    finite bound of a row or a variable, of :data:`HIGHS_INFINITE` or more."""
    finite = np.concatenate([e[np.isfinite(e)] for e in ends])
    big = max(float(np.abs(finite).max(initial=0.0)), float(np.abs(A).max(initial=0.0)))
    if big >= HIGHS_INFINITE:
        raise ValueError(
            f"the MILP needs numbers up to {big:.3g}, and HiGHS reads {HIGHS_INFINITE:g} and "
            "more as infinite: the box or the network's pre-activations on it are too large "
            "for the MILP; shrink the box, or use optimize_by_regions")


def optimize_by_regions(
    net: Network, box: Iterable[Any], output: int = 0, sense: str = "max"
) -> Optimum:
    """The same optimum by one LP per linear region, the best of them.

    On region ``r`` the output is the affine ``M_r x + d_r``, so its optimum there is the
    linear program

    .. math:: \\max_{x} \\; M_{r,o}\\, x + d_{r,o} \\quad \\text{s.t.}\\quad
              A_r x \\le c_r,\\; x \\in \\text{box},

    solved with HiGHS (``scipy.optimize.linprog``); the network's optimum is the best over
    the regions of :func:`reluineq.regions`. It agrees with :func:`optimize` — two ways to
    the same number, one exponential in the number of regions, one in the number of
    unstable units.

    Parameters
    ----------
    net, box, output, sense
        As for :func:`optimize`.

    Returns
    -------
    Optimum
        ``n_solves`` is the number of regions (LPs); ``bound`` equals ``value``.

    Examples
    --------
    >>> net = reluineq.Network([[[1], [1]], [[1, -1]]], [[0, -1], [0]], ["relu", "identity"])
    >>> best = optimize_by_regions(net, [(-2, 2)])
    >>> round(best.value, 9), best.n_solves
    (1.0, 3)
    """
    from scipy.optimize import linprog

    from .regions import regions

    start = time.perf_counter()
    validate.network(net, needs="linear regions")
    output = validate.index(output, net.n_outputs, "output")
    sense = _check_sense(sense)
    box_f = validate.box(box, net.n_inputs)
    sign = -1.0 if sense == "max" else 1.0
    best: tuple[float, np.ndarray] | None = None
    count = 0
    for reg in regions(net, box_f):
        m = np.asarray(reg.M, dtype=float)[output]
        d = float(reg.d[output])
        res = linprog(sign * m, A_ub=np.asarray(reg.A, dtype=float),
                      b_ub=np.asarray(reg.c, dtype=float), bounds=list(map(tuple, box_f)),
                      method="highs")
        count += 1
        if res.status != 0:
            raise RuntimeError(f"the LP of region {reg!r} failed: {res.message}")
        val = float(m @ res.x + d)
        if best is None or sign * val < sign * best[0]:
            best = (val, res.x)
    assert best is not None  # a box always holds at least one region
    value, x = best
    x = np.clip(x, box_f[:, 0], box_f[:, 1])
    value = _checked_witness(net, x, value, output, "region LPs")
    return Optimum(value, x, value, sense, "regions", "optimal",
                   time.perf_counter() - start, count, 0, 0)


@dataclass(frozen=True)
class Exceedance:
    """Whether an output can exceed a threshold over a box, with a certificate.

    Attributes
    ----------
    exceeds : bool
        True when some input in the box gives ``output > threshold``.
    threshold : float
    witness : numpy.ndarray or None
        An input where the output exceeds the threshold (when ``exceeds``).
    value : float
        The largest output found (at ``witness`` when ``exceeds``).
    bound : float
        The MILP's proven upper bound on the output over the box; when ``exceeds`` is
        False, ``bound <= threshold`` is the proof (up to the solver's tolerance).
    time : float
        Wall-clock seconds.
    """

    exceeds: bool
    threshold: float
    witness: np.ndarray | None
    value: float
    bound: float
    time: float


def can_exceed(
    net: Network, box: Iterable[Any], threshold: float, output: int = 0, *, bounds: str = "lp"
) -> Exceedance:
    """Can one output of the network exceed ``threshold`` anywhere in the box?

    Maximises the output with :func:`optimize`. If the witness's forward value exceeds the
    threshold the answer is yes, with the witness; otherwise the MILP's upper bound, at
    most the threshold, proves no input does.

    Parameters
    ----------
    net, box, output, bounds
        As for :func:`optimize`.
    threshold
        A finite number.

    Returns
    -------
    Exceedance

    Examples
    --------
    >>> net = reluineq.Network([[[1], [1]], [[1, -1]]], [[0, -1], [0]], ["relu", "identity"])
    >>> can_exceed(net, [(-2, 2)], 0.5).exceeds
    True
    >>> no = can_exceed(net, [(-2, 2)], 1.5)
    >>> no.exceeds, no.witness, round(no.bound, 9)
    (False, None, 1.0)
    """
    start = time.perf_counter()
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"threshold must be a real number, got {threshold!r}")
    if not np.isfinite(float(threshold)):
        raise ValueError(f"threshold must be finite, got {threshold!r}")
    t = float(threshold)
    best = optimize(net, box, output, "max", bounds=bounds)
    got = float(net.forward(best.x)[output])
    yes = got > t
    return Exceedance(yes, t, best.x if yes else None, got, max(best.bound, best.value),
                      time.perf_counter() - start)
