"""A ReLU network as a program of nested if-statements.

A ReLU unit is ``z if z > 0 else 0``. Walk the units in layer order: once the branches of
the earlier units are fixed, a unit's pre-activation ``z`` is an affine function of the
input, so the unit is a test ``if coef . x + const > 0``. Every path through the tests
ends in a leaf that returns an affine map, the network's map on one linear region.
:func:`compile_network` builds this tree, keeping only branches some input of a box
reaches; :func:`evaluate` runs it and :func:`to_python` prints it as Python source.

Examples
--------
``relu(x) - relu(x - 1)`` is a ramp from 0 up to 1; on ``[-2, 2]`` it is a program with
two tests and three leaves:

>>> net = reluineq.Network.from_arrays([[[1], [1]], [[1, -1]]], [[0, -1], [0]],
...                                    ["relu", "identity"])
>>> tree = compile_network(net, [(-2, 2)])
>>> print(to_python(tree))
def f(x1):
    if x1 > 0:  # unit 1.1 on
        if x1 - 1 > 0:  # unit 1.2 on
            return 1
        else:  # unit 1.2 off
            return x1
    else:  # unit 1.1 off
        return 0
>>> n_tests(tree), len(leaves(tree)), depth(tree)
(2, 3, 2)
>>> evaluate(tree, [[-1.5], [0.25], [1.5]])
array([[0.  ],
       [0.25],
       [1.  ]])

Under ``x1 <= 0`` the second unit's ``x1 - 1 > 0`` cannot hold, so that branch is dropped
and no test is printed for it.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from .formatting import check_precision, linear
from .network import Network
from .rational import to_fraction
from .regions import regions

__all__ = ["Leaf", "Node", "Test", "compile_network", "depth", "evaluate", "leaves",
           "n_tests", "to_python"]


@dataclass(frozen=True)
class Test:
    """``if coef . x + const > 0: on else: off``, the branch of one ReLU unit.

    Attributes
    ----------
    layer, unit : int
        Which unit, both counted from 1; ``layer`` indexes ``net.layers`` (identity
        layers included), as ``z^{(layer)}_{unit}`` in :func:`reluineq.latex.layer_equations`.
    coef : tuple
        The unit's pre-activation ``z`` as a function of the input, given the branches
        above this test: one coefficient per input.
    const : Fraction or float
        The constant term of ``z``.
    on, off : Node
        The program for ``z > 0`` and for ``z <= 0``.
    """

    # Not a pytest test class, although its name says so.
    __test__ = False

    layer: int
    unit: int
    coef: tuple
    const: Any
    on: Node
    off: Node


@dataclass(frozen=True)
class Leaf:
    """``return M @ x + d``: the network's affine map on one linear region.

    Attributes
    ----------
    coef : tuple of tuple
        ``M``, one row per output and one entry per input, as :attr:`reluineq.Region.M`
        (so even a single-output network has a 1-row ``coef``).
    const : tuple
        ``d``, one entry per output, as :attr:`reluineq.Region.d`.
    pattern : tuple of int
        The region's activation pattern, one 0/1 entry per ReLU unit, as
        :attr:`reluineq.Region.pattern`.

    In a program compiled from an exact network the numbers are ``Fraction``, otherwise
    ``float``.
    """

    coef: tuple
    const: tuple
    pattern: tuple[int, ...]


#: A program: a test with two sub-programs, or a leaf.
Node = Test | Leaf


def compile_network(
    net: Network, box: Iterable[Any], *, max_regions: int | None = None
) -> Node:
    """Compile a ReLU network into a tree of tests, exact on a box.

    Each ReLU unit, in layer order, becomes a :class:`Test` of its pre-activation,
    which is affine in ``x`` once the branches above are fixed. A branch that no input
    of the box reaches is dropped, and where only one branch is reachable the unit gets
    no test. Reachability is read off the regions of :func:`reluineq.regions`: a branch
    is reachable iff some region's activation pattern starts with it.

    Parameters
    ----------
    net
        A network of ReLU and identity layers; sigmoid layers raise ``ValueError``.
    box
        ``[(low, high), ...]``, one finite interval per input.
    max_regions
        Passed to :func:`reluineq.regions`.

    Returns
    -------
    Node
        The root. It has one :class:`Leaf` per region and one :class:`Test` fewer, since
        every test has two reachable branches.

    Notes
    -----
    Inside the box the program equals the network. Outside it, the dropped branches may
    be needed, so it may not. For a float network the regions ignore slivers thinner
    than :data:`reluineq.TOL`, and so does the program, up to a rounding-sized error.

    Examples
    --------
    Two units whose lines cross at the origin, each active on one half of the square:

    >>> net = reluineq.Network.from_arrays([[[1, 0], [0, 1]], [[1, -1]]],
    ...                                    [[0, 0], [Fraction(1, 2)]], ["relu", "identity"])
    >>> tree = compile_network(net, [(-1, 1), (-1, 1)])
    >>> tree.layer, tree.unit, tree.coef, tree.const
    (1, 1, (Fraction(1, 1), Fraction(0, 1)), Fraction(0, 1))
    >>> [(leaf.pattern, leaf.coef, leaf.const) for leaf in leaves(tree)][:2]
    [((1, 1), ((Fraction(1, 1), Fraction(-1, 1)),), (Fraction(1, 2),)),
     ((1, 0), ((Fraction(1, 1), Fraction(0, 1)),), (Fraction(1, 2),))]

    On ``[0, 1]^2`` both units are always on: the program is a single return.

    >>> compile_network(net, [(0, 1), (0, 1)])
    Leaf(coef=((Fraction(1, 1), Fraction(-1, 1)),), const=(Fraction(1, 2),), pattern=(1, 1))
    """
    # regions() also validates the network (type, sigmoid) and the box.
    found = regions(net, box, max_regions=max_regions)
    patterns = np.unique(np.array([r.pattern for r in found], dtype=np.int8)
                         .reshape(len(found), net.n_relu_units), axis=0)
    n, exact = net.n_inputs, net.exact
    eye = np.zeros((n, n + 1), dtype=object if exact else float)
    if exact:
        eye[:] = Fraction(0)
    for k in range(n):
        eye[k, k] = Fraction(1) if exact else 1.0
    start = _preactivation(net.layers[0], eye)
    return _build(net, patterns, np.arange(len(patterns)), 0, 0, 0, start, [])


def _preactivation(layer: Any, H: np.ndarray) -> np.ndarray:
    """``W h + b`` as maps of ``x``: row ``i`` is ``(coef..., const)`` of unit ``i``."""
    G = layer.weight.dot(H)
    G[:, -1] = G[:, -1] + layer.bias
    return G


def _build(
    net: Network,
    patterns: np.ndarray,
    rows: np.ndarray,
    li: int,
    j: int,
    k: int,
    G: np.ndarray,
    bits: list[int],
) -> Node:
    """The program below a prefix of branches.

    ``rows`` are the patterns that start with the prefix, ``li``/``j`` the layer and unit
    to decide next, ``k`` its position in a pattern, ``G`` layer ``li``'s pre-activations
    given the prefix and ``bits`` the branches taken in that layer so far.
    """
    layers = net.layers
    while True:
        layer = layers[li]
        act = layer.act
        if act.identity or j == layer.n_out:
            # Each unit passes its z on at the slope of the branch taken (ReLU: 0 or 1).
            H = G if act.identity else G * act.gate(np.array(bits), net.exact)[:, None]
            li, j, bits = li + 1, 0, []
            if li == len(layers):
                return _leaf(H, patterns[rows[0]], net.exact)
            G = _preactivation(layers[li], H)
            continue
        col = patterns[rows, k]
        on, off = rows[col == 1], rows[col == 0]
        if len(on) and len(off):
            coef, const = _numbers(G[j, :-1], net.exact), _numbers([G[j, -1]], net.exact)[0]
            return Test(
                li + 1, j + 1, coef, const,
                on=_build(net, patterns, on, li, j + 1, k + 1, G, [*bits, 1]),
                off=_build(net, patterns, off, li, j + 1, k + 1, G, [*bits, 0]),
            )
        # One reachable branch: take it without a test. Iterating, not recursing, keeps
        # the recursion as deep as the tree rather than as the number of units.
        rows = on if len(on) else off
        bits = [*bits, 1 if len(on) else 0]
        j, k = j + 1, k + 1


def _numbers(values: Iterable[Any], exact: bool) -> tuple:
    return tuple(to_fraction(v) if exact else float(v) for v in values)


def _leaf(H: np.ndarray, pattern: np.ndarray, exact: bool) -> Leaf:
    return Leaf(
        tuple(_numbers(row, exact) for row in H[:, :-1]),
        _numbers(H[:, -1], exact),
        tuple(int(b) for b in pattern),
    )


def _check_node(node: Any) -> None:
    if not isinstance(node, (Test, Leaf)):
        raise TypeError(f"expected a program (Test or Leaf), got {type(node).__name__}")


def _n_inputs(node: Node) -> int:
    return len(node.coef) if isinstance(node, Test) else len(node.coef[0])


def _walk(node: Node) -> Iterator[tuple[Node, int]]:
    """Every node with its depth, ``on`` sub-programs before ``off`` (the text's order)."""
    _check_node(node)
    stack: list[tuple[Node, int]] = [(node, 0)]
    while stack:
        top, d = stack.pop()
        yield top, d
        if isinstance(top, Test):
            stack += [(top.off, d + 1), (top.on, d + 1)]


def leaves(node: Node) -> list[Leaf]:
    """The leaves of a program, ``on`` branches before ``off`` (the order of its text).

    Examples
    --------
    ``relu(x1)``: the leaf of ``x1 > 0`` comes first, as in the printed program.

    >>> net = reluineq.Network.from_arrays([[[1]], [[1]]], [[0], [0]], ["relu", "identity"])
    >>> [(leaf.coef, leaf.const) for leaf in leaves(compile_network(net, [(-1, 1)]))]
    [(((Fraction(1, 1),),), (Fraction(0, 1),)), (((Fraction(0, 1),),), (Fraction(0, 1),))]
    """
    return [top for top, _ in _walk(node) if isinstance(top, Leaf)]


def n_tests(node: Node) -> int:
    """The number of tests (``if`` statements) of a program; a leaf has none."""
    return sum(isinstance(top, Test) for top, _ in _walk(node))


def depth(node: Node) -> int:
    """The most tests on a path from the root to a leaf; a leaf has depth 0."""
    return max(d for top, d in _walk(node) if isinstance(top, Leaf))


def evaluate(node: Node, x: Any) -> np.ndarray:
    """Run a program on inputs, by walking the tree (no text is executed).

    Parameters
    ----------
    node
        A program from :func:`compile_network`.
    x
        One input ``(n_inputs,)`` or a batch ``(batch, n_inputs)``.

    Returns
    -------
    numpy.ndarray
        ``float64`` of shape ``(n_outputs,)`` or ``(batch, n_outputs)``, like
        :meth:`reluineq.Network.forward`. Tests and maps are evaluated in floats, also
        for an exact program. A tie ``z == 0`` takes the ``off`` branch, as ReLU(0) = 0
        makes both branches agree there.
    """
    _check_node(node)
    n = _n_inputs(node)
    X = np.asarray(x, dtype=float)
    single = X.ndim == 1
    if X.ndim not in (1, 2) or X.shape[-1] != n:
        raise ValueError(f"input must have shape ({n},) or (batch, {n}), got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("input contains NaN or infinite values")
    X = X[None, :] if single else X
    n_out = len(next(top for top, _ in _walk(node) if isinstance(top, Leaf)).const)
    out = np.empty((len(X), n_out))
    # Each test splits the batch in two, so every point is routed once per test it meets.
    stack = [(node, np.arange(len(X)))]
    while stack:
        top, idx = stack.pop()
        if len(idx) == 0:
            continue
        if isinstance(top, Leaf):
            M, d = np.array(top.coef, dtype=float), np.array(top.const, dtype=float)
            out[idx] = X[idx] @ M.T + d
            continue
        z = X[idx] @ np.array(top.coef, dtype=float) + float(top.const)
        stack += [(top.on, idx[z > 0]), (top.off, idx[~(z > 0)])]
    return out[0] if single else out


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{what} must be a Python identifier, got {name!r}")
    return name


def to_python(
    node: Node,
    names: Sequence[str] | None = None,
    function_name: str = "f",
    precision: int = 3,
) -> str:
    """The program as the source of a Python function.

    Each :class:`Test` becomes ``if z > 0:  # unit layer.unit on`` and
    ``else:  # unit layer.unit off``; each :class:`Leaf` a ``return`` of its affine map,
    a tuple when there are several outputs. Affine forms are written by
    :func:`reluineq.formatting.linear` in its plain mode, which is valid Python.

    Parameters
    ----------
    node
        A program from :func:`compile_network`.
    names
        Names of the inputs, Python identifiers; ``x1, x2, ...`` by default.
    function_name
        Name of the function.
    precision
        Significant digits of floats. Exact numbers print exactly (``1/2*x1``); for a
        float network, printed numbers are rounded, so pass ``precision=17`` for a
        function that reproduces the network to rounding.

    Returns
    -------
    str
        The source, without a trailing newline. Python's parser allows at most 100
        levels of indentation, so a program of depth 99 or more does not parse.

    Examples
    --------
    A two-output network: both outputs are ``x1 - x2`` and ``0`` until the unit switches
    off.

    >>> net = reluineq.Network.from_arrays([[[1, -1]], [[1], [Fraction(-1, 2)]]],
    ...                                    [[0], [0, 1]], ["relu", "identity"])
    >>> print(to_python(compile_network(net, [(-1, 1), (-1, 1)]), ["a", "b"], "g"))
    def g(a, b):
        if a - b > 0:  # unit 1.1 on
            return (a - b, -1/2*a + 1/2*b + 1)
        else:  # unit 1.1 off
            return (0, 1)
    """
    _check_node(node)
    precision = check_precision(precision)
    n = _n_inputs(node)
    if names is None:
        names = [f"x{k}" for k in range(1, n + 1)]
    if isinstance(names, str) or len(names) != n:
        raise ValueError(f"expected {n} input names (a sequence), got {names!r}")
    names = [_check_name(s, "an input name") for s in names]
    if len(set(names)) != n:
        raise ValueError(f"input names must be distinct, got {names!r}")
    _check_name(function_name, "function_name")
    lines = [f"def {function_name}({', '.join(names)}):"]
    stack: list[tuple[Node | str, int]] = [(node, 1)]
    while stack:
        top, level = stack.pop()
        pad = "    " * level
        if isinstance(top, str):
            lines.append(pad + top)
        elif isinstance(top, Leaf):
            forms = [linear(row, c, names, precision, plain=True)
                     for row, c in zip(top.coef, top.const, strict=True)]
            lines.append(pad + "return " + (forms[0] if len(forms) == 1
                                            else "(" + ", ".join(forms) + ")"))
        else:
            z = linear(top.coef, top.const, names, precision, plain=True)
            lines.append(f"{pad}if {z} > 0:  # unit {top.layer}.{top.unit} on")
            # Pushed in reverse: on-branch, then the else line, then the off-branch.
            stack += [(top.off, level + 1), (f"else:  # unit {top.layer}.{top.unit} off",
                                             level), (top.on, level + 1)]
    return "\n".join(lines)
