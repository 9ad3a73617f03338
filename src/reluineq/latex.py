"""LaTeX for regions, maps and layers: inequality systems, piecewise maps and equations.

Numbers and affine forms are written by :mod:`reluineq.formatting`, whose :func:`number`
and :func:`linear` are also reachable here as ``latex.number`` and ``latex.linear``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import validate
from .formatting import bounded, check_precision, linear, number, symbol_names
from .network import Network

if TYPE_CHECKING:
    from .partition import Region

# number and linear live in reluineq.formatting (and are documented there); they are
# imported here too, because the pages write LaTeX with them as latex.number and latex.linear.
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
        if kind == "unit":
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


# -- Display helpers for the articles ------------------------------------------------------
# Self-contained: they build LaTeX from numbers and terms through the public functions
# above, so that no page needs to edit a LaTeX string after the fact.


def relu_term(
    coefficients: Sequence[Any],
    constant: Any = 0,
    symbols: Sequence[Any] | None = None,
    precision: int = 3,
) -> str:
    r"""One ReLU of an affine form, ``\max(0,\ w \cdot x + b)``.

    Parameters
    ----------
    coefficients, constant, symbols, precision
        As in :func:`linear`.

    Examples
    --------
    >>> relu_term([2], -1, symbols=["x"])
    '\\max(0,\\ 2 x - 1)'
    >>> relu_term([1, -1], Fraction(1, 2))
    '\\max(0,\\ x_{1} - x_{2} + \\frac{1}{2})'
    """
    return f"\\max(0,\\ {linear(coefficients, constant, symbols, precision)})"


def signed_sum(
    coefficients: Sequence[Any],
    terms: Sequence[str],
    constant: Any = 0,
    precision: int = 3,
    *,
    per_line: int | None = None,
    lhs: str | None = None,
) -> str:
    r"""``a_1 t_1 + a_2 t_2 + ... + c`` for LaTeX terms ``t_j``, signs written by hand.

    Zero coefficients drop their term, a coefficient of one is not written, and a negative
    one is subtracted (``t_1 - 2 t_2``, never ``t_1 + -2 t_2``). With ``per_line`` the sum
    is broken after every ``per_line`` terms into an ``aligned`` environment, the sign of
    each continued line leading it, so that a long formula fits a narrow page.

    Parameters
    ----------
    coefficients
        ``a_1, ..., a_n``: integers, fractions or floats (see :func:`number`).
    terms
        LaTeX of ``t_1, ..., t_n``, one per coefficient.
    constant
        ``c``, written last.
    precision
        Significant digits of floats.
    per_line
        Terms per line (the constant counts as a term); ``None`` keeps one line.
    lhs
        LaTeX of a left-hand side: ``lhs = ...`` (aligned at ``=`` when broken).

    Examples
    --------
    >>> signed_sum([1, -2, 1], ["a", "b", "c"])
    'a - 2 b + c'
    >>> signed_sum([Fraction(-3, 2), 0, 1], ["u", "v", "w"], constant=1, lhs="g")
    'g = -\\frac{3}{2} u + w + 1'
    >>> print(signed_sum([1, -1, 1, 1], ["p", "q", "r", "s"], per_line=2, lhs="f"))
    \begin{aligned}
    f &= p - q \\
    &\quad + r + s
    \end{aligned}
    """
    if isinstance(terms, str) or len(coefficients) != len(terms):
        raise ValueError(
            f"expected one term per coefficient, got {len(coefficients)} coefficients and "
            f"{terms!r}"
        )
    if per_line is not None and (
        not isinstance(per_line, numbers.Integral) or isinstance(per_line, bool) or per_line < 1
    ):
        raise ValueError(f"per_line must be a positive integer or None, got {per_line!r}")
    # linear() writes each term with its sign; placeholder names keep the terms opaque.
    placeholders = [f"@{k}@" for k in range(len(terms))]
    pieces: list[str] = []
    for a, name in zip(coefficients, placeholders, strict=True):
        if a != 0:
            pieces.append(linear([a], 0, [name], precision))
    if constant != 0 or not pieces:
        pieces.append(linear([], constant, [], precision))
    # The sign is the coefficient's, read before the terms (which may hold signs) go in.
    signed = [(p.startswith("-"), p[1:] if p.startswith("-") else p) for p in pieces]
    for k, term in enumerate(terms):
        signed = [(neg, body.replace(f"@{k}@", term)) for neg, body in signed]

    def join(chunk: list[tuple[bool, str]], first: bool) -> str:
        text = ""
        for k, (neg, body) in enumerate(chunk):
            if k == 0 and first:
                text = f"-{body}" if neg else body
            else:
                text += (" - " if neg else " + ") + body
        return text.strip()

    if per_line is None or len(signed) <= per_line:
        body = join(signed, True)
        return body if lhs is None else f"{lhs} = {body}"
    chunks = [signed[k:k + per_line] for k in range(0, len(signed), per_line)]
    lines = [("" if lhs is None else f"{lhs} ") + "&= " + join(chunks[0], True)]
    lines += ["&\\quad " + join(chunk, False) for chunk in chunks[1:]]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def one_hidden_layer(
    net: Network,
    symbols: Sequence[Any] | None = None,
    precision: int = 3,
    *,
    output: int = 0,
    name: str | None = None,
    per_line: int | None = None,
) -> str:
    r"""A one-hidden-layer ReLU network as the sum of its hinges.

    For ``relu`` then ``identity`` layers writes
    ``name = v_1 \max(0,\ w_1 \cdot x + b_1) + ... + v_n \max(0,\ w_n \cdot x + b_n) + c``
    from the weights, with the signs of :func:`signed_sum`; units whose output weight is
    zero are left out.

    Parameters
    ----------
    net
        A network with one ReLU layer and an identity output layer.
    symbols, precision
        As in :func:`linear`.
    output
        Which output (0-based).
    name
        LaTeX of the left-hand side, e.g. ``"f(x)"``; ``None`` for the right-hand side only.
    per_line
        Break the sum into lines of this many terms (see :func:`signed_sum`).

    Examples
    --------
    >>> net = reluineq.Network([[[1], [2], [-1]], [[1, -2, 1]]], [[1, -2, 3], [0]],
    ...                        ["relu", "identity"])
    >>> one_hidden_layer(net, symbols=["x"], name="f(x)")
    'f(x) = \\max(0,\\ x + 1) - 2 \\max(0,\\ 2 x - 2) + \\max(0,\\ -x + 3)'
    """
    validate.network(net)
    if net.activations != ("relu", "identity"):
        raise ValueError(
            "expected one ReLU layer and an identity output layer, got activations "
            f"{net.activations}"
        )
    output = validate.index(output, net.n_outputs, "output")
    hidden, out = net.layers
    terms = [relu_term(hidden.weight[j], hidden.bias[j], symbols, precision)
             for j in range(hidden.n_out)]
    return signed_sum(list(out.weight[output]), terms, out.bias[output], precision,
                      per_line=per_line, lhs=name)


def intervals_1d(
    regions: Sequence[Region],
    symbol: str = "x",
    precision: int = 3,
    *,
    output: int | None = None,
    name: str | None = None,
) -> str:
    r"""A one-input network's pieces as a ``cases`` environment over intervals.

    Each line reads ``value & \text{if } a \le x \le b``: the region's affine map and the
    interval between its two ends, which is how one writes a piecewise function of one
    variable by hand (:func:`piecewise` lists the units' inequalities instead). Regions
    are written left to right.

    Parameters
    ----------
    regions
        The regions of a one-input network, from :func:`reluineq.regions` with a
        one-dimensional box, or some of them; they know their network.
    symbol
        LaTeX name of the input.
    precision
        Significant digits of floats.
    output
        Which output; may be omitted for a single-output network.
    name
        LaTeX of the left-hand side; ``y`` (or ``y_{k}``) by default.

    Examples
    --------
    >>> net = reluineq.Network([[[1], [1]], [[1, -2]]], [[1, -1], [0]], ["relu", "identity"])
    >>> print(intervals_1d(reluineq.regions(net, [(-3, 3)]), name="f(x)"))
    f(x) = \begin{cases}
    0 & \text{if } -3 \le x \le -1 \\
    x + 1 & \text{if } -1 \le x \le 1 \\
    -x + 3 & \text{if } 1 \le x \le 3
    \end{cases}
    """
    regions = validate.regions(regions)
    net = regions.network
    if net.n_inputs != 1:
        raise ValueError(f"intervals need a network with one input, got {net.n_inputs}")
    single = net.n_outputs == 1
    if output is None:
        if not single:
            raise ValueError(f"the network has {net.n_outputs} outputs: choose one with output=")
        output = 0
    output = validate.index(output, net.n_outputs, "output")
    name = name if name is not None else ("y" if single else f"y_{{{output + 1}}}")
    pieces = []
    for r in regions:
        ends = np.asarray(r.vertices)[:, 0]
        lo, hi = min(ends, key=float), max(ends, key=float)
        pieces.append((float(lo), lo, hi, r))
    pieces.sort(key=lambda piece: piece[0])
    lines = []
    for _, lo, hi, r in pieces:
        value = linear(r.M[output], r.d[output], [symbol], precision)
        lines.append(
            f"{value} & \\text{{if }} {number(lo, precision)} \\le {symbol} "
            f"\\le {number(hi, precision)}"
        )
    return f"{name} = \\begin{{cases}}\n" + " \\\\\n".join(lines) + "\n\\end{cases}"


def aligned_equations(rows: Sequence[tuple[str | None, str]], relation: str = "=") -> str:
    r"""Equations ``lhs = rhs``, one per line, aligned at the relation sign.

    A row whose ``lhs`` is ``None`` continues the previous right-hand side on a new line,
    indented with ``\quad``; its text starts with its own sign (``"+ c"``, ``"- c"``).

    Examples
    --------
    >>> print(aligned_equations([("y", "2 x - 1"), ("z", "x")]))
    \begin{aligned}
    y &= 2 x - 1 \\
    z &= x
    \end{aligned}
    >>> print(aligned_equations([("f", "a + b"), (None, "- c")]))
    \begin{aligned}
    f &= a + b \\
    &\quad - c
    \end{aligned}
    """
    if len(rows) == 0:
        raise ValueError("no equations given")
    lines = []
    for row in rows:
        if isinstance(row, str) or len(row) != 2:
            raise ValueError(f"each row must be a (lhs, rhs) pair, got {row!r}")
        if row[0] is None:
            if not lines:
                raise ValueError("the first row needs a left-hand side")
            lines.append(f"&\\quad {row[1]}")
        else:
            lines.append(f"{row[0]} &{relation} {row[1]}")
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def gathered(lines: Sequence[str], gap: str | None = None) -> str:
    r"""Centred lines in a ``gathered`` environment, with an optional extra gap between them.

    Examples
    --------
    >>> print(gathered(["a = 1", "b = 2"], gap="4pt"))
    \begin{gathered}
    a = 1 \\[4pt]
    b = 2
    \end{gathered}
    """
    if isinstance(lines, str) or len(lines) == 0:
        raise ValueError(f"expected a non-empty sequence of lines, got {lines!r}")
    import re

    if gap is not None and not re.fullmatch(r"\d+(\.\d+)?(pt|em|ex|mm)", gap):
        raise ValueError(f"gap must be a TeX length such as '4pt', got {gap!r}")
    sep = " \\\\\n" if gap is None else f" \\\\[{gap}]\n"
    return "\\begin{gathered}\n" + sep.join(lines) + "\n\\end{gathered}"


def linear_program(
    objective: Sequence[Any],
    constant: Any,
    A: Any,
    c: Any,
    symbols: Sequence[Any] | None = None,
    precision: int = 3,
    *,
    sense: str = "max",
) -> str:
    r"""The linear program ``max (or min) objective . x + constant`` subject to ``A x <= c``.

    Examples
    --------
    >>> print(linear_program([1, 1], 2, [[1, 0], [0, 1]], [Fraction(1, 2), 1]))
    \begin{aligned}
    \max_{x} \quad & x_{1} + x_{2} + 2 \\
    \text{subject to} \quad & x_{1} \le \frac{1}{2} \\
    & x_{2} \le 1
    \end{aligned}
    """
    if sense not in ("max", "min"):
        raise ValueError(f"sense must be 'max' or 'min', got {sense!r}")
    A = np.asarray(A, dtype=object)
    c = np.asarray(c, dtype=object)
    if A.ndim != 2 or A.shape[0] == 0 or A.shape[1] != len(objective) or c.shape != A.shape[:1]:
        raise ValueError(
            f"A must be (rows, {len(objective)}) and c (rows,), got {A.shape} and {c.shape}"
        )
    rows = [f"{linear(a, 0, symbols, precision)} \\le {number(ci, precision)}"
            for a, ci in zip(A, c, strict=True)]
    lines = [f"\\{sense}_{{x}} \\quad & {linear(objective, constant, symbols, precision)}",
             f"\\text{{subject to}} \\quad & {rows[0]}"]
    lines += [f"& {row}" for row in rows[1:]]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def wrap_rows(tex: str, separator: str = ", \\quad ", keep: int = 2, mark: str = ",") -> str:
    r"""Break each long row of an ``aligned`` environment after its first ``keep`` parts.

    A row made of parts joined by ``separator`` (such as the five constraints of one ReLU
    unit that :func:`reluineq.lp.to_latex` writes on one line) continues on a new line,
    indented with ``\qquad``, so the system fits a narrow page; the broken line ends with
    ``mark``. Rows with at most ``keep`` parts are left as they are.

    Examples
    --------
    >>> rows = "a &\\ge 0, \\quad b, \\quad c \\\\\nd &= 1"
    >>> print(wrap_rows("\\begin{aligned}\n" + rows + "\n\\end{aligned}"))
    \begin{aligned}
    a &\ge 0, \quad b, \\
    &\qquad c \\
    d &= 1
    \end{aligned}
    """
    if not isinstance(keep, numbers.Integral) or isinstance(keep, bool) or keep < 1:
        raise ValueError(f"keep must be a positive integer, got {keep!r}")
    head, sep, rest = tex.partition("\\begin{aligned}\n")
    body, end, tail = rest.rpartition("\n\\end{aligned}")
    if not sep or not end:
        raise ValueError("expected an aligned environment")
    rows = []
    for row in body.split(" \\\\\n"):
        parts = row.split(separator)
        if len(parts) > keep:
            row = (separator.join(parts[:keep]) + mark + " \\\\\n"
                   + "&\\qquad " + separator.join(parts[keep:]))
        rows.append(row)
    return head + sep + " \\\\\n".join(rows) + end + tail
