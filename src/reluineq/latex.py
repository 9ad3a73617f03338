"""LaTeX for regions, maps and layers: inequality systems, piecewise maps and equations.

Numbers and affine forms are written by :mod:`reluineq.formatting`, whose :func:`number`
and :func:`linear` are also reachable here as ``latex.number`` and ``latex.linear``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import validate
from .displays import (  # noqa: F401 (re-exported for the pages)
    aligned_equations,
    gathered,
    intervals_1d,
    linear_program,
    one_hidden_layer,
    relu_term,
    signed_sum,
    wrap_rows,
)
from .formatting import bounded, check_precision, linear, number, symbol_names
from .network import Network

if TYPE_CHECKING:
    from .partition import Region

# number and linear live in reluineq.formatting, and the article displays (signed_sum,
# intervals_1d, ...) in reluineq.displays, each documented there; they are imported here
# too, because the pages write LaTeX with them as latex.number, latex.signed_sum, ...
__all__ = [
    "affine_map",
    "inequalities",
    "inequality_lines",
    "layer_equations",
    "matrix",
    "piecewise",
]

_ENVIRONMENTS = ("cases", "aligned")


def _rel(rel: str, plain: bool) -> str:
    if plain:
        return rel
    return "\\ge" if rel == ">=" else "\\le"


def inequality_lines(
    region: Region,
    symbols: Sequence[Any] | None = None,
    precision: int = 3,
    *,
    plain: bool = False,
    box: bool = True,
) -> list[str]:
    """A region's inequalities, one string per line, in the region's row order.

    A unit row is written as its pre-activation ``z`` on the region, ``z \\ge 0`` for an
    active unit and ``z \\le 0`` for an inactive one; the box rows of one axis are joined
    into ``low \\le x_k \\le high`` and come last.

    Parameters
    ----------
    region
        A :class:`reluineq.Region`.
    symbols, precision, plain
        As in :func:`linear`.
    box
        Include the box's faces.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1, -2], [1, 1]], [[1, 1]]],
    ...                                    [[Fraction(1, 2), -1], [0]], ["relu", "identity"])
    >>> rs = reluineq.regions(net, [(-1, 1), (-1, 1)])
    >>> r = next(r for r in rs if r.pattern == (1, 0))
    >>> inequality_lines(r)
    ['x_{1} - 2 x_{2} + \\\\frac{1}{2} \\\\ge 0', 'x_{1} + x_{2} - 1 \\\\le 0',
     '-1 \\\\le x_{1} \\\\le 1', 'x_{2} \\\\ge -1']
    >>> inequality_lines(r, plain=True, box=False)
    ['x1 - 2*x2 + 1/2 >= 0', 'x1 + x2 - 1 <= 0']
    """
    validate.region(region)
    precision = check_precision(precision)
    n = np.shape(region.M)[1]
    names = symbol_names(n, symbols, plain)
    lines: list[str] = []
    bounds: dict[int, dict[str, Any]] = {}
    for kind, a, b, rel in region.oriented_rows():
        if kind != "box":  # a unit's row, or a decision region's argmax row
            lines.append(f"{linear(a, b, names, precision, plain=plain)} {_rel(rel, plain)} 0")
        else:
            bounds.setdefault(a, {})[rel] = b
    if box:
        for axis, sides in bounds.items():
            lo = number(sides[">="], precision, plain=plain) if ">=" in sides else None
            hi = number(sides["<="], precision, plain=plain) if "<=" in sides else None
            lines.append(bounded(names[axis], lo, hi, plain=plain))
    return lines


def _environment(lines: Sequence[str], env: str) -> str:
    if env not in _ENVIRONMENTS:
        raise ValueError(f"unknown environment {env!r}; expected one of {_ENVIRONMENTS}")
    body = " \\\\\n".join(lines)
    return f"\\begin{{{env}}}\n{body}\n\\end{{{env}}}"


def _align_at_relation(line: str) -> str:
    # Align at the first relation sign, so a ``low <= x <= high`` line aligns its first.
    hits = [k for k in (line.find(" \\ge "), line.find(" \\le ")) if k >= 0]
    k = min(hits)
    return f"{line[:k]} &{line[k + 1:]}"


def inequalities(
    region: Region,
    symbols: Sequence[Any] | None = None,
    precision: int = 3,
    *,
    env: str = "cases",
    box: bool = True,
) -> str:
    """A region's inequality system as a LaTeX ``cases`` (or ``aligned``) environment.

    One inequality per line in the order of :func:`inequality_lines`; ``aligned``
    lines up the relation signs. Both environments render in KaTeX and MathJax.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1, -1]], [[1]]], [[0], [0]],
    ...                                    ["relu", "identity"])
    >>> r = next(r for r in reluineq.regions(net, [(-1, 1), (-1, 1)]) if r.pattern == (1,))
    >>> print(inequalities(r))
    \\begin{cases}
    x_{1} - x_{2} \\ge 0 \\\\
    x_{1} \\le 1 \\\\
    x_{2} \\ge -1
    \\end{cases}
    >>> print(inequalities(r, env="aligned", box=False))
    \\begin{aligned}
    x_{1} - x_{2} &\\ge 0
    \\end{aligned}
    """
    lines = inequality_lines(validate.region(region), symbols, precision, box=box)
    if env == "aligned":
        lines = [_align_at_relation(line) for line in lines]
    return _environment(lines, env)


def matrix(array: Any, precision: int = 3) -> str:
    """A vector or matrix as a LaTeX ``bmatrix`` (a 1-D array is a column).

    Examples
    --------
    >>> matrix([[1, Fraction(1, 2)], [0, -1]])
    '\\\\begin{bmatrix} 1 & \\\\frac{1}{2} \\\\\\\\ 0 & -1 \\\\end{bmatrix}'
    """
    arr = np.asarray(array, dtype=object)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"expected a non-empty vector or matrix, got shape {arr.shape}")
    rows = [" & ".join(number(v, precision) for v in row) for row in arr]
    return "\\begin{bmatrix} " + " \\\\ ".join(rows) + " \\end{bmatrix}"


def _output_names(n_out: int, names: Sequence[str] | str | None) -> list[str]:
    if names is None:
        return ["y"] if n_out == 1 else [f"y_{{{k}}}" for k in range(1, n_out + 1)]
    if isinstance(names, str):
        names = [names]
    if len(names) != n_out:
        raise ValueError(f"expected {n_out} output names, got {len(names)}")
    return list(names)


def affine_map(
    region: Region,
    symbols: Sequence[Any] | None = None,
    precision: int = 3,
    *,
    outputs: Sequence[str] | str | None = None,
    form: str = "expanded",
) -> str:
    """A region's affine map ``y = M x + d`` in LaTeX.

    Parameters
    ----------
    region
        A :class:`reluineq.Region`.
    symbols, precision
        As in :func:`linear`.
    outputs
        LaTeX names of the outputs; ``y`` (one output) or ``y_{1}, y_{2}, ...``.
    form
        ``"expanded"``: one equation per output (in an ``aligned`` environment when
        there are several); ``"matrix"``: ``y = M x + d`` with ``bmatrix`` blocks.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1, -1]], [[2], [-1]]], [[0], [Fraction(1, 2), 0]],
    ...                                    ["relu", "identity"])
    >>> r = next(r for r in reluineq.regions(net, [(-1, 1), (-1, 1)]) if r.pattern == (1,))
    >>> print(affine_map(r))
    \\begin{aligned}
    y_{1} &= 2 x_{1} - 2 x_{2} + \\frac{1}{2} \\\\
    y_{2} &= -x_{1} + x_{2}
    \\end{aligned}
    >>> print(affine_map(r, form="matrix", outputs="y"))
    y = \\begin{bmatrix} 2 & -2 \\\\ -1 & 1 \\end{bmatrix}
    \\begin{bmatrix} x_{1} \\\\ x_{2} \\end{bmatrix}
    + \\begin{bmatrix} \\frac{1}{2} \\\\ 0 \\end{bmatrix}
    """
    validate.region(region)
    precision = check_precision(precision)
    M, d = np.asarray(region.M), np.asarray(region.d)
    names = symbol_names(M.shape[1], symbols, False)
    if form == "matrix":
        (name,) = _output_names(1, outputs)
        x = "\\begin{bmatrix} " + " \\\\ ".join(names) + " \\end{bmatrix}"
        return f"{name} = {matrix(M, precision)} {x} + {matrix(d, precision)}"
    if form != "expanded":
        raise ValueError(f"unknown form {form!r}; expected 'expanded' or 'matrix'")
    ys = _output_names(M.shape[0], outputs)
    rhs = [linear(M[o], d[o], names, precision) for o in range(M.shape[0])]
    if len(ys) == 1:
        return f"{ys[0]} = {rhs[0]}"
    return _environment([f"{y} &= {e}" for y, e in zip(ys, rhs, strict=True)], "aligned")


def piecewise(
    regions: Sequence[Region],
    symbols: Sequence[Any] | None = None,
    precision: int = 3,
    *,
    output: int | None = None,
    name: str | None = None,
    box: bool = True,
) -> str:
    """One output of the network as a ``cases`` environment: a line per region.

    Each line reads ``value & \\text{if } condition, condition, ...`` with the region's
    affine map as the value and its inequalities (:func:`inequality_lines`) as the
    conditions, in the order of ``regions``.

    Parameters
    ----------
    regions
        The :class:`~reluineq.partition.Partition` of :func:`reluineq.regions`, or some
        of its regions in the order to write them; they know their network.
    symbols, precision
        As in :func:`linear`.
    output
        Which output (0-based); may be omitted for a single-output network.
    name
        LaTeX of the left-hand side; ``y`` (or ``y_{k}``) by default.
    box
        Include the box's faces in the conditions.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1]], [[2]]], [[0], [1]], ["relu", "identity"])
    >>> print(piecewise(reluineq.regions(net, [(-1, 1)]), box=False))
    y = \\begin{cases}
    2 x_{1} + 1 & \\text{if } x_{1} \\ge 0 \\\\
    1 & \\text{if } x_{1} \\le 0
    \\end{cases}
    """
    regions = validate.regions(regions)
    net = regions.network
    if isinstance(symbols, Network):  # piecewise(regions, other_net): the old signature
        raise TypeError(
            "piecewise takes the regions alone, they know their network: piecewise(regions),"
            f" not piecewise(regions, net); the regions are of {net!r}")
    precision = check_precision(precision)
    if output is None:
        if net.n_outputs != 1:
            raise ValueError(f"the network has {net.n_outputs} outputs: choose one with output=")
        output = 0
    output = validate.index(output, net.n_outputs, "output")
    if name is None:
        name = "y" if net.n_outputs == 1 else f"y_{{{output + 1}}}"
    names = symbol_names(net.n_inputs, symbols, False)
    lines = []
    for r in regions:
        M, d = np.asarray(r.M), np.asarray(r.d)
        conds = inequality_lines(r, names, precision, box=box)
        cond = "\\text{if } " + ",\\; ".join(conds) if conds else "\\text{otherwise}"
        lines.append(f"{linear(M[output], d[output], names, precision)} & {cond}")
    return f"{name} = {_environment(lines, 'cases')}"


def layer_equations(
    net: Network,
    layer: int | None = None,
    symbols: Sequence[Any] | None = None,
    precision: int = 3,
    *,
    form: str = "units",
) -> str:
    """The network's layers as equations in an ``aligned`` environment.

    With ``form="units"`` each unit ``j`` of layer ``l`` (counted from 1) gets
    ``z^{(l)}_{j} = w \\cdot h^{(l-1)} + b`` and ``h^{(l)}_{j} = \\max(0, z^{(l)}_{j})``
    (or ``= z`` for identity, ``\\frac{1}{1 + e^{-z}}`` for sigmoid), the input
    ``h^{(0)}`` being ``x``. With ``form="matrix"`` each layer is one line
    ``h^{(l)} = \\max(0, W h^{(l-1)} + b)`` with ``bmatrix`` blocks.

    Parameters
    ----------
    net
        The network.
    layer
        One layer's index (0-based, as in ``net.layers``), or ``None`` for all.
    symbols, precision
        As in :func:`linear`.
    form
        ``"units"`` or ``"matrix"``.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1, -2]], [[3]]], [[Fraction(1, 2)], [0]],
    ...                                    ["relu", "identity"])
    >>> print(layer_equations(net))
    \\begin{aligned}
    z^{(1)}_{1} &= x_{1} - 2 x_{2} + \\frac{1}{2} \\\\
    h^{(1)}_{1} &= \\max(0, z^{(1)}_{1}) \\\\
    z^{(2)}_{1} &= 3 h^{(1)}_{1} \\\\
    h^{(2)}_{1} &= z^{(2)}_{1}
    \\end{aligned}
    >>> print(layer_equations(net, layer=0, form="matrix"))
    \\begin{aligned}
    h^{(1)} &= \\max\\left(0, \\begin{bmatrix} 1 & -2 \\end{bmatrix} x
    + \\begin{bmatrix} \\frac{1}{2} \\end{bmatrix}\\right)
    \\end{aligned}
    """
    validate.network(net)
    precision = check_precision(precision)
    L = len(net.layers)
    if form not in ("units", "matrix"):
        raise ValueError(f"unknown form {form!r}; expected 'units' or 'matrix'")
    chosen = range(L) if layer is None else [validate.index(layer, L, "layer", negative=True)]
    names = symbol_names(net.n_inputs, symbols, False)
    lines = []
    for li in chosen:
        lay = net.layers[li]
        tag = f"^{{({li + 1})}}"
        inputs = names if li == 0 else [f"h^{{({li})}}_{{{k}}}" for k in range(1, lay.n_in + 1)]
        if form == "matrix":
            vec = "x" if li == 0 else f"h^{{({li})}}"
            z = f"{matrix(lay.weight, precision)} {vec} + {matrix(lay.bias, precision)}"
            lines.append(f"h{tag} &= {lay.act.latex(z, big=True)}")
            continue
        for j in range(lay.n_out):
            z = f"z{tag}_{{{j + 1}}}"
            lines.append(f"{z} &= {linear(lay.weight[j], lay.bias[j], inputs, precision)}")
        for j in range(lay.n_out):
            z = f"z{tag}_{{{j + 1}}}"
            lines.append(f"h{tag}_{{{j + 1}}} &= {lay.act.latex(z)}")
    return _environment(lines, "aligned")
