"""A ReLU network as mixed-integer linear constraints: bounds, the encoding, its LaTeX.

Each unit's rows come from its activation's entry in :mod:`reluineq.activations`;
:mod:`reluineq.lp` solves the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from . import validate
from .activations import lookup
from .formatting import bounded, check_precision, linear, number
from .network import Network

__all__ = [
    "LP_FEASIBILITY",
    "MILP",
    "Constraint",
    "Variable",
    "encode",
    "interval_bounds",
    "to_latex",
]

#: HiGHS's primal feasibility tolerance (its default): a solution may break a row by this
#: much. The solver's tolerances are its own, not derived from reluineq.tolerances.TOL.
LP_FEASIBILITY = 1e-7

# -- interval arithmetic ----------------------------------------------------------------
def interval_bounds(net: Network, box: Iterable[Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Lower and upper bounds of every layer's pre-activations over a box.

    Interval arithmetic, layer by layer: if the layer's input ``h`` lies in ``[l, u]``
    then its pre-activation ``z = W h + b`` lies in

    .. math:: [\\, W^+ l + W^- u + b,\\; W^+ u + W^- l + b \\,],

    with :math:`W^+ = \\max(W, 0)` and :math:`W^- = \\min(W, 0)`; the next input is the
    activation applied to both ends (every activation is monotone). The bounds are valid
    but not tight: they ignore that units share the same input.

    Parameters
    ----------
    net
        Any network (sigmoid layers included).
    box
        ``[(low, high), ...]``, one finite interval per input.

    Returns
    -------
    list of (lower, upper)
        One pair of arrays per layer, each of shape ``(n_out,)``. For an exact network
        without sigmoid layers they hold exact ``Fraction`` (``object`` dtype; the MILP
        converts them to float); otherwise ``float64``.

    Examples
    --------
    For ``z = x - y`` on the unit square the interval is exact; ReLU cuts it at 0 and the
    second layer adds its bias:

    >>> net = reluineq.Network([[[1, -1]], [[2]]], [[0], [1]], ["relu", "identity"])
    >>> [(list(lo), list(hi)) for lo, hi in interval_bounds(net, [(0, 1), (0, 1)])]
    [([Fraction(-1, 1)], [Fraction(1, 1)]), ([Fraction(1, 1)], [Fraction(3, 1)])]
    """
    validate.network(net)
    exact = net.exact and all(layer.act.exact_fn is not None for layer in net.layers)
    B = validate.box(box, net.n_inputs, exact)
    lo, hi = B[:, 0], B[:, 1]
    out = []
    for layer in net.layers:
        W = layer.weight if exact else np.asarray(layer.weight, dtype=float)
        b = layer.bias if exact else np.asarray(layer.bias, dtype=float)
        zlo, zhi = _affine_bounds(W, b, lo, hi)
        out.append((zlo, zhi))
        lo, hi = layer.act.interval(zlo, zhi)
    return out


def _affine_bounds(
    W: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Interval arithmetic through ``z = W h + b`` for ``h`` in ``[lo, hi]``."""
    zero = Fraction(0) if W.dtype == object else 0.0
    Wp, Wm = np.where(W > 0, W, zero), np.where(W < 0, W, zero)
    return Wp.dot(lo) + Wm.dot(hi) + b, Wp.dot(hi) + Wm.dot(lo) + b


# -- the encoding ---------------------------------------------------------------------
@dataclass(frozen=True)
class Variable:
    """One variable of the MILP.

    ``kind`` is ``"input"`` (``x``), ``"pre"`` (a pre-activation ``z``), ``"post"`` (a
    ReLU output ``h``) or ``"binary"`` (``a``, 1 when the unit is active); ``layer`` and
    ``unit`` count from 1 as in the formulas (``layer`` is 0 for inputs).
    """

    name: str
    latex: str
    kind: str
    layer: int
    unit: int
    lower: Any
    upper: Any


@dataclass(frozen=True)
class Constraint:
    """One linear row ``lower <= sum(coef * var) <= upper`` of the MILP.

    ``coeffs`` maps variable indices to coefficients (``Fraction`` in an exact network);
    ``lower`` / ``upper`` are ``None`` when the row is one-sided and equal for an
    equation. ``kind`` says which part of the encoding the row is: ``"affine"``
    (``z = W h + b``), ``"nonneg"`` (``h >= 0``), ``"above"`` (``h >= z``),
    ``"active"`` (``h <= z - L (1 - a)``), ``"inactive"`` (``h <= U a``), ``"dead"``
    (``h = 0``, a unit with ``U <= 0``) or ``"live"`` (``h = z``, a unit with ``L >= 0``).
    ``unit`` is the ``(layer, unit)`` it belongs to, from 1.
    """

    coeffs: dict[int, Any]
    lower: Any
    upper: Any
    kind: str
    unit: tuple[int, int]


@dataclass
class MILP:
    """A network's big-M mixed-integer encoding over a box (see :func:`encode`).

    Attributes
    ----------
    variables : list of Variable
        Inputs ``x``, then per layer its pre-activations ``z``, and for a ReLU layer the
        outputs ``h`` and the binaries ``a`` of its unstable units.
    rows : list of Constraint
        The linear rows, unit by unit.
    bounds : list of (lower, upper)
        :func:`interval_bounds` of each layer, the ``L`` and ``U`` of the big-M rows.
    outputs : list of int
        Index of the variable holding each network output.
    box : numpy.ndarray
        The ``(n, 2)`` input box.
    exact : bool
        Whether coefficients are ``Fraction``.
    activations : tuple of str
        Each layer's activation, whose table entry encoded (and writes) its units.
    """

    variables: list[Variable]
    rows: list[Constraint]
    bounds: list[tuple[np.ndarray, np.ndarray]]
    outputs: list[int]
    box: np.ndarray
    exact: bool
    activations: tuple[str, ...] = ()
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def n_binaries(self) -> int:
        """Number of binary variables (unstable ReLU units)."""
        return sum(v.kind == "binary" for v in self.variables)

    def index(self, name: str) -> int:
        """Position of the variable called ``name`` (e.g. ``"h1_2"``)."""
        if not self._index:
            self._index.update({v.name: i for i, v in enumerate(self.variables)})
        try:
            return self._index[name]
        except KeyError:
            raise KeyError(f"no variable {name!r} in this MILP") from None

    def constraints(self) -> Iterator[tuple[dict[str, Any], Any, Any, str]]:
        """Each linear row as ``({name: coefficient}, lower, upper, kind)``.

        Binaries additionally satisfy ``a in {0, 1}`` (see :attr:`integrality`).
        """
        for row in self.rows:
            named = {self.variables[j].name: c for j, c in row.coeffs.items()}
            yield named, row.lower, row.upper, row.kind

    @property
    def integrality(self) -> np.ndarray:
        """1 for a binary variable, 0 for a continuous one (scipy's convention)."""
        return np.array([v.kind == "binary" for v in self.variables], dtype=np.int8)

    def matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows as floats ``(A, lower, upper)``, with ``±inf`` for missing sides."""
        A = np.zeros((len(self.rows), len(self.variables)))
        lo = np.full(len(self.rows), -np.inf)
        hi = np.full(len(self.rows), np.inf)
        for i, row in enumerate(self.rows):
            for j, c in row.coeffs.items():
                A[i, j] = float(c)
            if row.lower is not None:
                lo[i] = float(row.lower)
            if row.upper is not None:
                hi[i] = float(row.upper)
        return A, lo, hi

    def variable_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Float lower and upper bounds of every variable."""
        lo = np.array([float(v.lower) for v in self.variables])
        hi = np.array([float(v.upper) for v in self.variables])
        return lo, hi

    def to_text(self, precision: int = 6) -> str:
        """The constraint system, one row a line, in plain text.

        Floats have ``precision`` significant digits, as everywhere in
        :mod:`reluineq.formatting`; exact numbers print as fractions.
        """
        precision = check_precision(precision)

        def num(v: Any) -> str:
            return number(v, precision, plain=True)

        lines = [f"{v.name} in [{num(v.lower)}, {num(v.upper)}]"
                 for v in self.variables if v.kind == "input"]
        for named, lo, hi, _ in self.constraints():
            expr = linear(list(named.values()), 0, list(named), precision, plain=True, times=" ")
            if lo is not None and lo == hi:
                lines.append(f"{expr} = {num(lo)}")
            else:
                lines.append(bounded(expr, None if lo is None else num(lo),
                                     None if hi is None else num(hi), plain=True))
        binaries = [v.name for v in self.variables if v.kind == "binary"]
        if binaries:
            lines.append(f"{', '.join(binaries)} in {{0, 1}}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def to_latex(self, precision: int = 3) -> str:
        """Same as :func:`to_latex` ``(self, precision)``."""
        return to_latex(self, precision)


def encode(net: Network, box: Iterable[Any], bounds: str = "interval") -> MILP:
    """The network over a box as a big-M mixed-integer linear system.

    Every layer gets its pre-activations ``z = W h + b`` as variables (``h`` the previous
    layer's output, ``x`` for the first). A ReLU unit ``h = max(0, z)`` whose
    pre-activation lies in ``[L, U]`` (from :func:`interval_bounds`) with ``L < 0 < U``
    becomes, with one binary ``a`` (Tjeng et al. 2019, Fischetti & Jo 2018),

    .. math::

        h \\ge 0, \\quad h \\ge z, \\quad h \\le z - L\\,(1 - a), \\quad
        h \\le U a, \\quad a \\in \\{0, 1\\}.

    ``a = 1`` forces ``h = z`` (so ``z >= 0``), ``a = 0`` forces ``h = 0`` (so
    ``z <= 0``). A stable unit needs no binary: ``h = 0`` when ``U <= 0`` and ``h = z``
    when ``L >= 0``. An identity layer's output is its ``z``.

    Parameters
    ----------
    net
        A network of ReLU and identity layers.
    box
        ``[(low, high), ...]``, one finite interval per input.
    bounds
        How ``L`` and ``U`` are found: ``"interval"`` propagates intervals through the
        layers (exact in an exact network); ``"lp"`` then tightens each layer after the
        first by two LPs per unit over the relaxation of the layers before it (Tjeng et
        al. 2019), floats widened by :data:`LP_FEASIBILITY` to stay valid. Tighter bounds make a
        smaller search; on 2-16-16-16-1 networks HiGHS runs 2 to 5 times faster.

    Returns
    -------
    MILP

    Raises
    ------
    ValueError
        A sigmoid layer, or a box that is unbounded or of the wrong dimension.

    Examples
    --------
    ``relu(x) - relu(x - 1)`` on ``[-2, 2]``: both units can switch, so each has four
    rows and a binary:

    >>> net = reluineq.Network([[[1], [1]], [[1, -1]]], [[0, -1], [0]], ["relu", "identity"])
    >>> milp = encode(net, [(-2, 2)])
    >>> milp.n_binaries
    2
    >>> print(milp)
    x1 in [-2, 2]
    z1_1 - x1 = 0
    z1_2 - x1 = -1
    h1_1 >= 0
    h1_1 - z1_1 >= 0
    h1_1 - z1_1 + 2 a1_1 <= 2
    h1_1 - 2 a1_1 <= 0
    h1_2 >= 0
    h1_2 - z1_2 >= 0
    h1_2 - z1_2 + 3 a1_2 <= 3
    h1_2 - a1_2 <= 0
    z2_1 - h1_1 + h1_2 = 0
    a1_1, a1_2 in {0, 1}
    """
    validate.network(net, needs="MILP encoding")
    for layer in net.layers:
        if not layer.act.identity and layer.act.milp is None:
            raise ValueError(f"a {layer.activation} layer has no MILP encoding in the "
                             "activation table")
    if bounds not in ("interval", "lp"):
        raise ValueError(f"bounds must be 'interval' or 'lp', got {bounds!r}")
    B = validate.box(box, net.n_inputs, net.exact)
    exact = net.exact
    one = Fraction(1) if exact else 1.0
    zero = Fraction(0) if exact else 0.0
    variables: list[Variable] = []
    rows: list[Constraint] = []
    layer_bounds: list[tuple[np.ndarray, np.ndarray]] = []

    def new(name: str, tex: str, kind: str, layer: int, unit: int, lo: Any, hi: Any) -> int:
        variables.append(Variable(name, tex, kind, layer, unit, lo, hi))
        return len(variables) - 1

    prev = [
        new(f"x{i + 1}", f"x_{{{i + 1}}}", "input", 0, i + 1, B[i, 0], B[i, 1])
        for i in range(net.n_inputs)
    ]
    for li, layer in enumerate(net.layers, start=1):
        W = layer.weight if exact else np.asarray(layer.weight, dtype=float)
        hlo = np.array([variables[k].lower for k in prev], dtype=W.dtype)
        hhi = np.array([variables[k].upper for k in prev], dtype=W.dtype)
        L, U = _affine_bounds(W, layer.bias, hlo, hhi)
        if bounds == "lp" and li > 1:
            L, U = _lp_bounds(variables, rows, prev, np.asarray(W, dtype=float),
                              np.asarray(layer.bias, dtype=float), L, U)
        layer_bounds.append((L, U))
        z_ids = []
        for j in range(layer.n_out):
            zj = new(f"z{li}_{j + 1}", f"z^{{({li})}}_{{{j + 1}}}", "pre", li, j + 1,
                     L[j], U[j])
            z_ids.append(zj)
            # z - W h = b, written with z first so the row reads as the layer's equation.
            coeffs = {zj: one}
            for k, w in zip(prev, layer.weight[j], strict=True):
                if w != 0:
                    coeffs[k] = -w
            rows.append(Constraint(coeffs, layer.bias[j], layer.bias[j], "affine", (li, j + 1)))
        prev = z_ids if layer.act.identity else _encode_units(layer, li, z_ids, L, U, new, rows,
                                                            zero, one)
    return MILP(variables, rows, layer_bounds, list(prev), B, exact, net.activations)


def _encode_units(layer: Any, li: int, z_ids: list[int], L: np.ndarray, U: np.ndarray,
                  new: Any, rows: list[Constraint], zero: Any, one: Any) -> list[int]:
    """Each unit's output ``h`` (and binary ``a`` if it needs one) and rows, as its
    activation's table entry encodes them; returns the ids of the ``h``."""
    act = layer.act
    h_lo, h_hi = act.interval(L, U)
    h_ids = []
    for j, zj in enumerate(z_ids):
        unit = (li, j + 1)
        ids = {"z": zj, "h": new(f"h{li}_{j + 1}", f"h^{{({li})}}_{{{j + 1}}}", "post", li,
                                 j + 1, h_lo[j], h_hi[j])}
        encoded = act.milp(L[j], U[j], zero, one)
        if any("a" in coeffs for _, coeffs, _, _ in encoded):
            ids["a"] = new(f"a{li}_{j + 1}", f"a^{{({li})}}_{{{j + 1}}}", "binary", li, j + 1,
                           zero, one)
        rows += [Constraint({ids[role]: c for role, c in coeffs.items()}, lo, hi, kind, unit)
                 for kind, coeffs, lo, hi in encoded]
        h_ids.append(ids["h"])
    return h_ids


def _lp_bounds(
    variables: list[Variable],
    rows: list[Constraint],
    prev: list[int],
    W: np.ndarray,
    b: np.ndarray,
    L: np.ndarray,
    U: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Tighten ``[L, U]`` of ``z = W h + b`` by the LP relaxation of the rows so far."""
    from scipy.optimize import linprog

    A = np.zeros((len(rows), len(variables)))
    rlo = np.full(len(rows), -np.inf)
    rhi = np.full(len(rows), np.inf)
    for i, row in enumerate(rows):
        for j, c in row.coeffs.items():
            A[i, j] = float(c)
        rlo[i] = -np.inf if row.lower is None else float(row.lower)
        rhi[i] = np.inf if row.upper is None else float(row.upper)
    eq = rlo == rhi
    up = ~eq & np.isfinite(rhi)
    down = ~eq & np.isfinite(rlo)
    A_ub = np.vstack([A[up], -A[down]])
    b_ub = np.concatenate([rhi[up], -rlo[down]])
    var_bounds = [(float(v.lower), float(v.upper)) for v in variables]
    newL, newU = np.array(L, dtype=float), np.array(U, dtype=float)
    for j in range(len(W)):
        cost = np.zeros(len(variables))
        cost[prev] = W[j]
        for sign, target in ((1.0, newL), (-1.0, newU)):
            res = linprog(sign * cost, A_ub=A_ub, b_ub=b_ub, A_eq=A[eq], b_eq=rlo[eq],
                          bounds=var_bounds, method="highs")
            if res.status == 0:
                # Widened by the LP's tolerance so that the bound stays valid.
                val = sign * res.fun + b[j] - sign * LP_FEASIBILITY * (1.0 + abs(res.fun))
                target[j] = max(target[j], val) if sign > 0 else min(target[j], val)
    return newL, newU


# -- rendering ------------------------------------------------------------------------
def _unit_latex(milp: MILP, unit: tuple[int, int], group: list[Constraint],
                precision: int) -> str:
    """One unit's rows on one line, as its activation's table entry writes them."""
    li, j = unit
    V = milp.variables
    names = {_ROLES[V[k].kind]: V[k].latex for row in group for k in row.coeffs}
    L, U = milp.bounds[li - 1][0][j - 1], milp.bounds[li - 1][1][j - 1]
    act = lookup(milp.activations[li - 1])
    parts = act.milp_tex([row.kind for row in group], names, L, U,
                         lambda v: number(v, precision))
    return ", \\quad ".join(parts)


#: The role a variable plays in its unit's rows, by the variable's kind.
_ROLES = {"pre": "z", "post": "h", "binary": "a"}


def to_latex(milp: MILP, precision: int = 3) -> str:
    r"""The constraint system as a KaTeX-ready ``aligned`` block.

    One line for the box, one per layer equation and one per ReLU unit, aligned at the
    relation sign. The big-M rows keep their meaning visible: ``h \le z - L(1 - a)`` and
    ``h \le U a`` with the numbers ``L`` and ``U`` filled in. Only ``aligned``, which
    KaTeX and MathJax both support, is used.

    Parameters
    ----------
    milp
        From :func:`encode`.
    precision
        Significant digits of float coefficients, as in :func:`reluineq.latex.number`;
        exact networks print fractions. A non-zero coefficient is never rounded away.

    Returns
    -------
    str
        ``\begin{aligned} ... \end{aligned}``.

    Examples
    --------
    The unit ``relu(x - 1/2)`` on ``[0, 2]`` switches inside the box, so it needs a binary:

    >>> net = reluineq.Network([[[1]], [[2]]], [[Fraction(-1, 2)], [0]], ["relu", "identity"])
    >>> print(to_latex(encode(net, [(0, 2)])))
    \begin{aligned}
    x_{1} &\in [0, 2] \\
    z^{(1)}_{1} &= x_{1} - \frac{1}{2} \\
    h^{(1)}_{1} &\ge 0, \quad h^{(1)}_{1} \ge z^{(1)}_{1},
        \quad h^{(1)}_{1} \le z^{(1)}_{1} + \frac{1}{2}\,(1 - a^{(1)}_{1}),
        \quad h^{(1)}_{1} \le \frac{3}{2}\, a^{(1)}_{1}, \quad a^{(1)}_{1} \in \{0, 1\} \\
    z^{(2)}_{1} &= 2 h^{(1)}_{1}
    \end{aligned}

    On ``[1, 2]`` the unit is always on, and its line says so:

    >>> print(to_latex(encode(net, [(1, 2)])).splitlines()[3])
    h^{(1)}_{1} &= z^{(1)}_{1} \\
    """
    if not isinstance(milp, MILP):
        raise TypeError(f"expected a MILP from encode(), got {type(milp).__name__}")
    precision = check_precision(precision)
    V = milp.variables
    lines = [
        f"{v.latex} &\\in [{number(v.lower, precision)}, {number(v.upper, precision)}]"
        for v in V if v.kind == "input"
    ]
    # The rows of one unit share a line, written by its activation's table entry.
    by_unit: dict[tuple[int, int], list[Constraint]] = {}
    for row in milp.rows:
        by_unit.setdefault((row.unit, row.kind == "affine"), []).append(row)
    for row in milp.rows:
        if row.kind == "affine":
            z = next(j for j, c in row.coeffs.items() if V[j].kind == "pre")
            others = [j for j in row.coeffs if j != z]
            rhs = linear([-row.coeffs[j] for j in others], row.lower,
                         [V[j].latex for j in others], precision)
            lines.append(f"{V[z].latex} &= {rhs}")
            continue
        group = by_unit.pop((row.unit, False), None)
        if group is not None:  # else this unit's line is already written
            lines.append(_unit_latex(milp, row.unit, group, precision))
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
