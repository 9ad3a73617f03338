"""Sympy forms of a network: layer equations, composed expressions, collapsed and piecewise maps."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import validate
from .network import Network
from .rational import is_exact, to_fraction

if TYPE_CHECKING:
    import sympy as sp

    from .partition import Region

__all__ = [
    "affine_collapse",
    "affine_map",
    "collapse_derivation",
    "collapse_identity",
    "input_symbols",
    "layer_equations",
    "network_expression",
    "piecewise",
    "region_conditions",
    "to_sympy",
    "to_sympy_matrix",
]


def to_sympy(value: Any) -> sp.Expr:
    """Convert one number to sympy: rationals exactly, floats as ``sp.Float``.

    Parameters
    ----------
    value
        An ``int``, ``fractions.Fraction``, ``float``, NumPy scalar or sympy number.

    Returns
    -------
    sympy.Expr
        ``sp.Integer``/``sp.Rational`` for exact input, ``sp.Float`` for floats.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.

    Examples
    --------
    >>> to_sympy(Fraction(3, 4)), to_sympy(2), to_sympy(0.5)
    (3/4, 2, 0.500000000000000)
    """
    import sympy as sp

    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"booleans are not numbers here: {value!r}")
    if is_exact(value) and not isinstance(value, sp.Basic):
        q = to_fraction(value)
        return sp.Rational(q.numerator, q.denominator)
    if isinstance(value, sp.Basic):
        if not (value.is_number and value.is_real):
            raise TypeError(f"{value!r} is not a real number")
        return value
    if isinstance(value, numbers.Real):
        return sp.Float(float(value))
    raise TypeError(f"{value!r} ({type(value).__name__}) is not a real number")


def to_sympy_matrix(array: Any) -> sp.Matrix:
    """Convert a vector or matrix of numbers (``Fraction`` or float) to a sympy ``Matrix``.

    A 1-D array becomes a column vector; entries go through :func:`to_sympy`.

    Examples
    --------
    >>> to_sympy_matrix(np.array([[Fraction(1, 2), 1], [0, -3]], dtype=object))
    Matrix([
    [1/2,  1],
    [  0, -3]])
    >>> to_sympy_matrix([1, 2]).shape
    (2, 1)
    """
    import sympy as sp

    arr = np.asarray(array, dtype=object)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"expected a vector or a matrix, got an array of shape {arr.shape}")
    return sp.Matrix(arr.shape[0], arr.shape[1], [to_sympy(v) for v in arr.ravel()])


def input_symbols(n: int, name: str = "x") -> tuple[sp.Symbol, ...]:
    """The default input symbols ``x_1, ..., x_n`` (real).

    Examples
    --------
    >>> input_symbols(3)
    (x_1, x_2, x_3)
    """
    import sympy as sp

    if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 1:
        raise ValueError(f"the number of inputs must be a positive integer, got {n!r}")
    return tuple(sp.Symbol(f"{name}_{k}", real=True) for k in range(1, int(n) + 1))


def _symbols(net_inputs: int, symbols: Sequence[Any] | None) -> tuple[sp.Symbol, ...]:
    import sympy as sp

    if symbols is None:
        return input_symbols(net_inputs)
    if isinstance(symbols, str):
        symbols = sp.symbols(symbols)
        symbols = symbols if isinstance(symbols, tuple) else (symbols,)
    syms = tuple(sp.Symbol(s, real=True) if isinstance(s, str) else s for s in symbols)
    if len(syms) != net_inputs:
        raise ValueError(f"expected {net_inputs} input symbols, got {len(syms)}")
    for s in syms:
        if not isinstance(s, sp.Symbol):
            raise TypeError(f"input symbols must be sympy Symbols or names, got {s!r}")
    return syms


def layer_equations(
    net: Network,
    layer: int | None = None,
    symbols: Sequence[Any] | None = None,
) -> list[sp.Eq]:
    """Each layer as equations ``z = W h + b`` and ``h = activation(z)``, one per unit.

    Layer ``l`` (counted from 1 in the names) reads ``h^{(l-1)}`` (the input ``x`` for
    the first layer) and defines, for each unit ``j``,

    .. math:: z^{(l)}_j = \\sum_k W^{(l)}_{jk} h^{(l-1)}_k + b^{(l)}_j, \\qquad
              h^{(l)}_j = \\sigma(z^{(l)}_j),

    with ``σ`` = ``Max(0, ·)`` (ReLU), the identity, or ``1 / (1 + exp(-z))`` (sigmoid).
    Exact weights appear as ``Rational``, float weights as ``Float``.

    Parameters
    ----------
    net
        The network.
    layer
        Index of one layer (0-based, as in ``net.layers``); ``None`` for all layers.
    symbols
        Symbols (or names) of the inputs; ``x_1, ..., x_n`` by default, as in every
        function here.

    Returns
    -------
    list of sympy.Eq
        For each layer in order: the ``z`` equations of its units, then the ``h`` ones.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1, -2]], [[3]]], [[Fraction(1, 2)], [0]],
    ...                                    ["relu", "identity"])
    >>> for eq in layer_equations(net):
    ...     print(eq)
    Eq(z^{(1)}_{1}, x_1 - 2*x_2 + 1/2)
    Eq(h^{(1)}_{1}, Max(0, z^{(1)}_{1}))
    Eq(z^{(2)}_{1}, 3*h^{(1)}_{1})
    Eq(h^{(2)}_{1}, z^{(2)}_{1})
    """
    import sympy as sp

    validate.network(net)
    chosen = None if layer is None else validate.index(layer, len(net.layers), "layer",
                                                        negative=True)
    h: tuple[sp.Symbol, ...] = _symbols(net.n_inputs, symbols)
    out: list[sp.Eq] = []
    for li, lay in enumerate(net.layers):
        z_syms = [sp.Symbol(f"z^{{({li + 1})}}_{{{j + 1}}}", real=True) for j in range(lay.n_out)]
        h_syms = [sp.Symbol(f"h^{{({li + 1})}}_{{{j + 1}}}", real=True) for j in range(lay.n_out)]
        if chosen is None or chosen == li:
            W, b = to_sympy_matrix(lay.weight), to_sympy_matrix(lay.bias)
            z_rhs = W * sp.Matrix(h) + b
            out += [sp.Eq(z_syms[j], z_rhs[j]) for j in range(lay.n_out)]
            out += [
                sp.Eq(h_syms[j], lay.act.sympy_fn(z_syms[j]), evaluate=False)
                for j in range(lay.n_out)
            ]
        h = tuple(h_syms)
    return out


def network_expression(net: Network, symbols: Sequence[Any] | None = None) -> list[sp.Expr]:
    """The composed network as sympy expressions, one per output, with ``Max(0, ·)``.

    The expression is the nested formula itself, not a piecewise expansion: its size
    grows with the number of units, not with the number of regions.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1, -1], [1, 1]], [[1, 1]]], [[0, -1], [0]],
    ...                                    ["relu", "identity"])
    >>> network_expression(net)
    [Max(0, x_1 - x_2) + Max(0, x_1 + x_2 - 1)]
    """
    import sympy as sp

    validate.network(net)
    h = sp.Matrix(_symbols(net.n_inputs, symbols))
    for lay in net.layers:
        z = to_sympy_matrix(lay.weight) * h + to_sympy_matrix(lay.bias)
        h = z.applyfunc(lay.act.sympy_fn)
    return list(h)


def affine_collapse(net: Network) -> tuple[sp.Matrix, sp.Matrix]:
    """The single affine map ``y = M x + d`` of a network whose layers are all identity.

    .. math:: W_L(\\cdots(W_1 x + b_1)\\cdots) + b_L
              = (W_L \\cdots W_1)\\, x + \\sum_{k=1}^{L} W_L \\cdots W_{k+1} b_k .

    Parameters
    ----------
    net
        A network with only ``identity`` layers.

    Returns
    -------
    (M, d) : tuple of sympy.Matrix
        Exact (``Rational``) for an exact network, ``Float`` otherwise.

    Raises
    ------
    ValueError
        If some layer is not ``identity``; the message names it.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1, 2], [0, 1]], [[1, -1]]], [[1, 0], [3]],
    ...                                    ["identity", "identity"])
    >>> affine_collapse(net)
    (Matrix([[1, 1]]), Matrix([[4]]))
    """
    validate.network(net)
    for i, lay in enumerate(net.layers):
        if not lay.act.identity:
            raise ValueError(
                f"layer {i} is {lay.activation!r}: only a network of identity layers is one "
                "affine map; use collapse_identity to merge runs of identity layers"
            )
    M = to_sympy_matrix(net.layers[0].weight)
    d = to_sympy_matrix(net.layers[0].bias)
    for lay in net.layers[1:]:
        W = to_sympy_matrix(lay.weight)
        M, d = W * M, W * d + to_sympy_matrix(lay.bias)
    return M, d


def collapse_identity(net: Network) -> Network:
    """The same function with every run of identity layers merged into one layer.

    An identity layer feeds its affine output straight into the next layer's affine
    map, so a maximal run of identity layers and the layer after it compose into one
    layer with that layer's activation (``W_2 (W_1 h + b_1) + b_2 = (W_2 W_1) h + (W_2
    b_1 + b_2)``). A run at the end becomes one identity layer. Arithmetic is exact for
    an exact network.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays(
    ...     [[[1, 0], [0, 2]], [[1, 1]], [[2]], [[3]]], [[0, 1], [-1], [0], [1]],
    ...     ["identity", "relu", "identity", "identity"])
    >>> small = collapse_identity(net)
    >>> small
    Network(2-1-1, relu-identity, exact)
    >>> [lay.weight.tolist() for lay in small.layers]
    [[[Fraction(1, 1), Fraction(2, 1)]], [[Fraction(6, 1)]]]
    >>> small.forward([1, 2]), net.forward([1, 2])
    (array([31.]), array([31.]))
    """
    validate.network(net)
    weights: list[np.ndarray] = []
    biases: list[np.ndarray] = []
    acts: list[str] = []
    W: np.ndarray | None = None
    b: np.ndarray | None = None
    for lay in net.layers:
        if W is None:
            W, b = lay.weight, lay.bias
        else:
            # Compose the pending affine map into this layer: exact on object arrays.
            W, b = lay.weight.dot(W), lay.weight.dot(b) + lay.bias
        if not lay.act.identity:
            weights.append(W)
            biases.append(b)
            acts.append(lay.activation)
            W = b = None
    if W is not None:
        weights.append(W)
        biases.append(b)
        acts.append("identity")
    return Network(weights, biases, acts)


def collapse_derivation(depth: int) -> sp.Eq:
    """The identity ``W_L(⋯(W_1 x + b_1)⋯) + b_L = W_L⋯W_1 x + ⋯`` for matrix symbols.

    The matrices have generic symbolic shapes ``W_k : n_k × n_{k-1}``, so the identity
    holds for every network of ``depth`` identity layers. The right-hand side is
    sympy's expansion of the left, so ``(eq.lhs - eq.rhs).expand()`` is zero.

    Parameters
    ----------
    depth
        Number of layers ``L >= 1``.

    Returns
    -------
    sympy.Eq
        Unevaluated equation between matrix expressions.

    Examples
    --------
    >>> eq = collapse_derivation(2)
    >>> print(sp.latex(eq))
    W_{2} \\left(W_{1} x + b_{1}\\right) + b_{2} = W_{2} W_{1} x + W_{2} b_{1} + b_{2}
    >>> sp.expand(eq.lhs - eq.rhs)
    0
    """
    import sympy as sp

    if not isinstance(depth, numbers.Integral) or isinstance(depth, bool) or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    n = sp.symbols(f"n_0:{depth + 1}", integer=True, positive=True)
    x = sp.MatrixSymbol("x", n[0], 1)
    lhs: sp.MatrixExpr = x
    Ws, bs = [], []
    for k in range(1, depth + 1):
        W = sp.MatrixSymbol(f"W_{k}", n[k], n[k - 1])
        b = sp.MatrixSymbol(f"b_{k}", n[k], 1)
        Ws.append(W)
        bs.append(b)
        lhs = W * lhs + b
    # Written out term by term rather than trusting expand(): W_L...W_1 x + sum_k W_L...W_{k+1} b_k.
    terms = [sp.MatMul(*reversed(Ws), x)]
    for k in range(depth):
        later = list(reversed(Ws[k + 1 :]))
        terms.append(sp.MatMul(*later, bs[k]) if later else bs[k])
    rhs = sp.MatAdd(*terms)
    return sp.Eq(lhs, rhs, evaluate=False)


def affine_map(region: Region, symbols: Sequence[Any] | None = None) -> sp.Matrix:
    """A region's affine map ``M x + d`` as a column of sympy expressions.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1, -1]], [[2]]], [[0], [Fraction(1, 2)]],
    ...                                    ["relu", "identity"])
    >>> rs = reluineq.regions(net, [(-1, 1), (-1, 1)])
    >>> [(r.pattern, affine_map(r)[0]) for r in sorted(rs, key=lambda r: r.pattern)]
    [((0,), 1/2), ((1,), 2*x_1 - 2*x_2 + 1/2)]
    """
    import sympy as sp

    M = np.asarray(validate.region(region).M)
    x = sp.Matrix(_symbols(M.shape[1], symbols))
    return to_sympy_matrix(M) * x + to_sympy_matrix(region.d)


def region_conditions(region: Region, symbols: Sequence[Any] | None = None) -> sp.Boolean:
    """A region's inequalities as one sympy ``And``, units first, then the box.

    Unit rows read ``z >= 0`` for active units and ``z <= 0`` for inactive ones, where
    ``z`` is the unit's pre-activation on the region; box rows read ``x_k >= low`` and
    ``x_k <= high``.

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1, -1]], [[1]]], [[0], [0]],
    ...                                    ["relu", "identity"])
    >>> r = next(r for r in reluineq.regions(net, [(-1, 1), (-1, 1)]) if r.pattern == (1,))
    >>> region_conditions(r)
    (x_2 >= -1) & (x_1 <= 1) & (x_1 - x_2 >= 0)
    """
    import sympy as sp

    n = np.asarray(validate.region(region).M).shape[1]
    x = sp.Matrix(_symbols(n, symbols))
    rels = []
    for kind, a, b, rel in region.oriented_rows():
        if kind == "box":
            lhs, rhs = x[a], to_sympy(b)
        else:
            lhs, rhs = (to_sympy_matrix(a).T * x)[0] + to_sympy(b), sp.Integer(0)
        # Unevaluated: sympy's assumption queries on each relation cost more than the rest.
        relation = sp.Ge if rel == ">=" else sp.Le
        rels.append(relation(lhs, rhs, evaluate=False))
    return sp.And(*rels)


def piecewise(
    regions: Sequence[Region],
    symbols: Sequence[Any] | None = None,
) -> list[sp.Piecewise]:
    """The network as one sympy ``Piecewise`` per output, built from its regions.

    Branch ``r`` is ``(M_r x + d_r, condition_r)`` with the region's inequalities as the
    condition (:func:`region_conditions`). Where regions meet, the first branch wins;
    the maps agree there because the network is continuous. Outside the box no
    condition holds and the expression is ``nan``. This is cheap, unlike sympy's own
    ``piecewise_fold`` of the nested ``Max`` form, whose size explodes with depth.

    Parameters
    ----------
    regions
        The :class:`~reluineq.partition.Partition` of :func:`reluineq.regions`, or some
        of its regions in the order of the branches; they know their network.
    symbols
        Input symbols; ``x_1, ..., x_n`` by default.

    Returns
    -------
    list of sympy.Piecewise

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1]], [[2]]], [[0], [1]], ["relu", "identity"])
    >>> rs = reluineq.regions(net, [(-1, 1)])
    >>> (f,) = piecewise(rs)
    >>> f
    Piecewise((2*x_1 + 1, (x_1 >= 0) & (x_1 <= 1)), (1, (x_1 >= -1) & (x_1 <= 0)))
    >>> (x1,) = input_symbols(1)
    >>> f.subs(x1, Fraction(1, 2)), f.subs(x1, -1), f.subs(x1, 2)
    (2, 1, nan)
    """
    import sympy as sp

    regions = validate.regions(regions)
    net = regions.network
    syms = _symbols(net.n_inputs, symbols)
    maps = [affine_map(r, syms) for r in regions]
    conds = [region_conditions(r, syms) for r in regions]
    # Unevaluated: every condition is a non-trivial region, so there is nothing to merge.
    return [
        sp.Piecewise(*[(m[o], c) for m, c in zip(maps, conds, strict=True)], evaluate=False)
        for o in range(net.n_outputs)
    ]
