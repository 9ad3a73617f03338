"""LaTeX displays that articles build from numbers and terms.

Signed sums whose signs are written by hand, ReLU terms, a one-hidden-layer network as one
formula, a one-input network's pieces over intervals, aligned and gathered rows, and a
linear program; long formulas break into rows that fit a phone. They write numbers and
affine forms through :mod:`reluineq.formatting`, so that no page edits a LaTeX string after
the fact. :mod:`reluineq.latex` renders the library's own objects (regions, maps, layers)
and offers these under the same names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import validate
from .formatting import linear, number

if TYPE_CHECKING:
    from .network import Network
    from .partition import Region

__all__ = [
    "aligned_equations",
    "gathered",
    "intervals_1d",
    "linear_program",
    "one_hidden_layer",
    "relu_term",
    "signed_sum",
    "wrap_rows",
]




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
    if per_line is not None:
        per_line = validate.count(per_line, "per_line", least=1)
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
    keep = validate.count(keep, "keep", least=1)
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
