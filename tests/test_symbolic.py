"""Tests of reluineq.symbolic: hand-computed forms, and agreement with the forward pass."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from reluineq import Network, regions
from reluineq.symbolic import (
    affine_collapse,
    affine_map,
    collapse_derivation,
    collapse_identity,
    input_symbols,
    layer_equations,
    network_expression,
    piecewise,
    region_conditions,
    to_sympy,
    to_sympy_matrix,
)

X1, X2 = sp.Symbol("x_1", real=True), sp.Symbol("x_2", real=True)


def two_unit_net() -> Network:
    # relu(x1 - 2 x2 + 1/2) + relu(x1 + x2 - 1), worked out by hand in the tests below.
    return Network(
        [[[1, -2], [1, 1]], [[1, 1]]], [[Fraction(1, 2), -1], [0]], ["relu", "identity"]
    )


def rational_points(rng: np.random.Generator, k: int, lo: int, hi: int) -> list[list[Fraction]]:
    den = 97
    rows = rng.integers(lo * den, hi * den, (k, 2))
    return [[Fraction(int(v), den) for v in row] for row in rows]


# -- conversions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(3, 4), sp.Rational(3, 4)),
        (Fraction(-6, 3), sp.Integer(-2)),
        (5, sp.Integer(5)),
        (np.int64(-7), sp.Integer(-7)),
        (0.5, sp.Float(0.5)),
        (np.float64(-1.25), sp.Float(-1.25)),
        (sp.Rational(1, 3), sp.Rational(1, 3)),
    ],
)
def test_to_sympy_table(value, expected):
    out = to_sympy(value)
    assert out == expected
    assert type(out) is type(expected)


@pytest.mark.parametrize("bad", [True, "1/2", None, sp.I, sp.Symbol("t")])
def test_to_sympy_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match=r"not a|booleans"):
        to_sympy(bad)


def test_to_sympy_matrix_shapes_and_values():
    m = to_sympy_matrix(np.array([[Fraction(1, 2), 1], [0, -3]], dtype=object))
    assert m == sp.Matrix([[sp.Rational(1, 2), 1], [0, -3]])
    col = to_sympy_matrix([1.5, 2])
    assert col.shape == (2, 1)
    assert col[0] == sp.Float(1.5)
    with pytest.raises(ValueError, match="shape"):
        to_sympy_matrix(np.zeros((2, 2, 2)))


def test_input_symbols():
    assert input_symbols(2) == (X1, X2)
    assert [str(s) for s in input_symbols(3, "u")] == ["u_1", "u_2", "u_3"]
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="positive integer"):
            input_symbols(bad)


# -- layer equations and the nested form ---------------------------------------------------


def test_layer_equations_by_hand():
    eqs = layer_equations(two_unit_net())
    z = [sp.Symbol(f"z^{{(1)}}_{{{j}}}", real=True) for j in (1, 2)]
    h = [sp.Symbol(f"h^{{(1)}}_{{{j}}}", real=True) for j in (1, 2)]
    z2 = sp.Symbol("z^{(2)}_{1}", real=True)
    h2 = sp.Symbol("h^{(2)}_{1}", real=True)
    assert [e.lhs for e in eqs] == [*z, *h, z2, h2]
    assert sp.expand(eqs[0].rhs - (X1 - 2 * X2 + sp.Rational(1, 2))) == 0
    assert sp.expand(eqs[1].rhs - (X1 + X2 - 1)) == 0
    assert eqs[2].rhs == sp.Max(0, z[0])
    assert eqs[3].rhs == sp.Max(0, z[1])
    assert sp.expand(eqs[4].rhs - (h[0] + h[1])) == 0
    assert eqs[5].rhs == z2
    # Exact weights stay Rational.
    assert sp.Rational(1, 2) in eqs[0].rhs.atoms(sp.Rational)


def test_layer_equations_one_layer_symbols_and_floats():
    net = Network([[[0.5, -1.0]], [[2.0]]], [[0.25], [0.0]], ["sigmoid", "relu"])
    a, b = sp.symbols("a b")
    eqs = layer_equations(net, layer=0, symbols=[a, b])
    assert len(eqs) == 2
    assert eqs[0].rhs.atoms(sp.Float) == {sp.Float(0.5), sp.Float(-1.0), sp.Float(0.25)}
    assert eqs[0].rhs.free_symbols == {a, b}
    z = eqs[0].lhs
    assert sp.simplify(eqs[1].rhs - 1 / (1 + sp.exp(-z))) == 0
    last = layer_equations(net, layer=-1)
    assert [str(e.lhs) for e in last] == ["z^{(2)}_{1}", "h^{(2)}_{1}"]
    assert str(last[0].rhs) == "2.0*h^{(1)}_{1}"


@pytest.mark.parametrize(("bad", "error", "message"), [
    (2, ValueError, "layer 2 is out of range: the network has 2 layers"),
    (-3, ValueError, "layer -3 is out of range"),
    (1.0, TypeError, "layer must be an integer index, got 1.0"),
    ("0", TypeError, "layer must be an integer index, got '0'"),
])
def test_layer_equations_bad_layer(bad, error, message):
    with pytest.raises(error, match=message):
        layer_equations(two_unit_net(), layer=bad)


def test_layer_equations_symbol_count():
    with pytest.raises(ValueError, match="expected 2 input symbols, got 3"):
        layer_equations(two_unit_net(), symbols="a b c")
    with pytest.raises(TypeError, match="Network"):
        layer_equations([[1]])


def test_layer_equations_compose_to_forward():
    # Substituting the equations layer after layer reproduces the forward pass.
    net = Network.random([2, 3, 2], seed=4)
    eqs = layer_equations(net)
    x = np.array([0.3, -0.7])
    values = {X1: x[0], X2: x[1]}
    for e in eqs:
        values[e.lhs] = float(e.rhs.subs(values))
    out = [values[sp.Symbol(f"h^{{(2)}}_{{{j}}}", real=True)] for j in (1, 2)]
    np.testing.assert_allclose(out, net.forward(x), rtol=1e-12)


def test_network_expression_by_hand():
    (expr,) = network_expression(two_unit_net())
    expected = sp.Max(0, X1 - 2 * X2 + sp.Rational(1, 2)) + sp.Max(0, X1 + X2 - 1)
    assert expr == expected


def test_network_expression_matches_forward_float():
    net = Network.random([2, 4, 3, 2], seed=7)
    exprs = network_expression(net)
    assert len(exprs) == 2
    fn = sp.lambdify(input_symbols(2), exprs, modules="math")
    pts = np.random.default_rng(0).uniform(-2, 2, (50, 2))
    got = np.array([fn(*p) for p in pts])
    np.testing.assert_allclose(got, net.forward(pts), rtol=1e-10, atol=1e-12)


def test_network_expression_sigmoid():
    net = Network([[[1, 1]]], [[0]], ["sigmoid"])
    (expr,) = network_expression(net, symbols=["a", "b"])
    a, b = sp.Symbol("a", real=True), sp.Symbol("b", real=True)
    assert sp.simplify(expr - 1 / (1 + sp.exp(-a - b))) == 0
    assert float(expr.subs({a: 0.2, b: 0.3})) == pytest.approx(net.forward([0.2, 0.3])[0])


# -- collapsing identity layers --------------------------------------------------------------


def test_affine_collapse_by_hand():
    # W2 (W1 x + b1) + b2 with W1 = [[1, 2], [0, 1]], b1 = (1, 0), W2 = [[1, -1]], b2 = 3:
    # W2 W1 = [[1, 1]], W2 b1 + b2 = 1 + 3 = 4.
    net = Network([[[1, 2], [0, 1]], [[1, -1]]], [[1, 0], [3]], ["identity", "identity"])
    M, d = affine_collapse(net)
    assert M == sp.Matrix([[1, 1]])
    assert d == sp.Matrix([4])


def test_affine_collapse_rejects_relu():
    with pytest.raises(ValueError, match="layer 0 is 'relu'"):
        affine_collapse(two_unit_net())


small_int = st.integers(-3, 3)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(1, 3), min_size=1, max_size=4),
    st.integers(1, 3),
    st.data(),
)
def test_affine_collapse_equals_forward(widths, n_in, data):
    sizes = [n_in, *widths]
    weights = [
        data.draw(st.lists(st.lists(small_int, min_size=a, max_size=a), min_size=b, max_size=b))
        for a, b in itertools.pairwise(sizes)
    ]
    biases = [data.draw(st.lists(small_int, min_size=b, max_size=b)) for b in sizes[1:]]
    net = Network(weights, biases, ["identity"] * len(widths))
    M, d = affine_collapse(net)
    x = data.draw(st.lists(st.fractions(-5, 5, max_denominator=7), min_size=n_in, max_size=n_in))
    y = M * sp.Matrix([sp.Rational(v.numerator, v.denominator) for v in x]) + d
    assert [Fraction(int(v.p), int(v.q)) for v in y] == list(net.forward_exact(x))


@pytest.mark.parametrize(
    ("acts", "expected"),
    [
        (["identity", "relu", "identity", "identity"], ("relu", "identity")),
        (["relu", "relu", "identity", "identity"], ("relu", "relu", "identity")),
        (["identity", "identity", "identity", "identity"], ("identity",)),
        (["identity", "relu", "identity", "relu"], ("relu", "relu")),
        (["relu", "identity", "sigmoid", "identity"], ("relu", "sigmoid", "identity")),
    ],
)
def test_collapse_identity_structure_and_values(acts, expected):
    rng = np.random.default_rng(len(acts))
    widths = [2, 3, 2, 3, 1]
    weights = [rng.integers(-2, 3, (b, a)).tolist() for a, b in itertools.pairwise(widths)]
    biases = [rng.integers(-2, 3, b).tolist() for b in widths[1:]]
    net = Network(weights, biases, acts)
    small = collapse_identity(net)
    assert small.activations == expected
    assert small.exact == net.exact
    pts = rng.uniform(-2, 2, (40, 2))
    np.testing.assert_allclose(small.forward(pts), net.forward(pts), rtol=1e-12, atol=1e-12)
    if "sigmoid" not in acts:
        q = [[Fraction(1, 3), Fraction(-5, 7)], [Fraction(2), Fraction(0)]]
        assert (small.forward_exact(q) == net.forward_exact(q)).all()


def test_collapse_identity_by_hand_and_all_identity():
    # x -> (x1, 2 x2 + 1) -> relu(x1 + 2 x2 + 1 - 1) -> 3 * (2 h) + 1
    net = Network(
        [[[1, 0], [0, 2]], [[1, 1]], [[2]], [[3]]],
        [[0, 1], [-1], [0], [1]],
        ["identity", "relu", "identity", "identity"],
    )
    small = collapse_identity(net)
    assert small.layers[0].weight.tolist() == [[1, 2]]
    assert small.layers[0].bias.tolist() == [0]
    assert small.layers[1].weight.tolist() == [[6]]
    assert small.layers[1].bias.tolist() == [1]
    lin = Network([[[1, 2], [0, 1]], [[1, -1]]], [[1, 0], [3]], ["identity", "identity"])
    (layer,) = collapse_identity(lin).layers
    M, d = affine_collapse(lin)
    assert sp.Matrix(layer.weight.tolist()) == M
    assert sp.Matrix(layer.bias.tolist()) == d


def test_collapse_identity_float_network():
    net = Network.random([3, 4, 4, 2], seed=2, hidden="identity", output="identity")
    small = collapse_identity(net)
    assert small.widths == (3, 2)
    assert not small.exact
    pts = np.random.default_rng(1).normal(size=(20, 3))
    np.testing.assert_allclose(small.forward(pts), net.forward(pts), rtol=1e-12)


@pytest.mark.parametrize("depth", [1, 2, 3, 5])
def test_collapse_derivation_symbolic_and_numeric(depth):
    eq = collapse_derivation(depth)
    assert isinstance(eq, sp.Eq)
    assert sp.expand(eq.lhs - eq.rhs) == sp.ZeroMatrix(*eq.lhs.shape) or sp.expand(
        eq.lhs - eq.rhs
    ) == 0
    # Independent check: concrete matrices of random shapes in place of the symbols.
    rng = np.random.default_rng(depth)
    sizes = rng.integers(1, 4, depth + 1)
    subs = {sp.Symbol(f"n_{k}", integer=True, positive=True): int(s) for k, s in enumerate(sizes)}
    for sym in eq.lhs.atoms(sp.MatrixSymbol):
        shape = (int(sym.shape[0].subs(subs)), int(sym.shape[1].subs(subs)))
        subs[sym] = sp.ImmutableMatrix(rng.integers(-3, 4, shape))
    left = eq.lhs.xreplace(subs).doit()
    right = eq.rhs.xreplace(subs).doit()
    assert left.shape == (int(sizes[-1]), 1)
    assert sp.Matrix(left) == sp.Matrix(right)


def test_collapse_derivation_by_hand():
    eq = collapse_derivation(2)
    assert sp.latex(eq) == (
        r"W_{2} \left(W_{1} x + b_{1}\right) + b_{2} = W_{2} W_{1} x + W_{2} b_{1} + b_{2}"
    )
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match="depth"):
            collapse_derivation(bad)


# -- region maps, conditions and piecewise forms ----------------------------------------


def test_affine_map_and_conditions_by_hand():
    net = two_unit_net()
    rs = {r.pattern: r for r in regions(net, [(-1, 1), (-1, 1)])}
    assert set(rs) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    half = sp.Rational(1, 2)
    assert affine_map(rs[(1, 1)])[0] == 2 * X1 - X2 - half
    assert affine_map(rs[(1, 0)])[0] == X1 - 2 * X2 + half
    assert affine_map(rs[(0, 1)])[0] == X1 + X2 - 1
    assert affine_map(rs[(0, 0)])[0] == 0
    cond = region_conditions(rs[(1, 0)])
    expected = {
        sp.Ge(X1 - 2 * X2 + half, 0),
        sp.Le(X1 + X2 - 1, 0),
        sp.Ge(X1, -1),
        sp.Le(X1, 1),
        sp.Ge(X2, -1),
    }
    assert set(cond.args) == expected


def test_region_conditions_agree_with_contains():
    net = Network.random([2, 5, 4, 1], seed=3)
    rs = regions(net, [(-1, 1), (-1, 1)])
    pts = np.random.default_rng(5).uniform(-1, 1, (60, 2))
    for r in rs[:8]:
        fn = sp.lambdify(input_symbols(2), region_conditions(r), modules="math")
        assert fn(*r.point)
        want = r.contains(pts)
        got = np.array([bool(fn(*p)) for p in pts])
        assert (got == want).all()


def test_piecewise_one_dimension_by_hand():
    net = Network([[[1]], [[2]]], [[0], [1]], ["relu", "identity"])
    (f,) = piecewise(regions(net, [(-1, 1)]))
    (x,) = input_symbols(1)
    assert f.subs(x, sp.Rational(1, 2)) == 2
    assert f.subs(x, sp.Rational(-1, 3)) == 1
    assert f.subs(x, 1) == 3
    assert f.subs(x, 2) is sp.nan  # outside the box


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_piecewise_equals_exact_forward(data):
    w1 = data.draw(st.lists(st.lists(small_int, min_size=2, max_size=2), min_size=1, max_size=3))
    k = len(w1)
    b1 = data.draw(st.lists(small_int, min_size=k, max_size=k))
    w2 = data.draw(st.lists(st.lists(small_int, min_size=k, max_size=k), min_size=1, max_size=2))
    b2 = data.draw(st.lists(small_int, min_size=len(w2), max_size=len(w2)))
    net = Network([w1, w2], [b1, b2], ["relu", "identity"])
    rs = regions(net, [(-2, 2), (-2, 2)])
    pws = piecewise(rs)
    assert len(pws) == net.n_outputs
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    for x in rational_points(rng, 10, -2, 2):
        env = {X1: sp.Rational(x[0].numerator, x[0].denominator),
               X2: sp.Rational(x[1].numerator, x[1].denominator)}
        got = [pw.subs(env) for pw in pws]
        want = net.forward_exact(x)
        assert [Fraction(int(v.p), int(v.q)) for v in got] == list(want)


def test_piecewise_float_network_and_symbols():
    net = Network.random([2, 6, 1], seed=11)
    rs = regions(net, [(-1, 1), (-1, 1)])
    a, b = sp.symbols("a b", real=True)
    (pw,) = piecewise(rs, symbols=[a, b])
    assert len(pw.args) == len(rs)
    assert pw.free_symbols == {a, b}
    fn = sp.lambdify([a, b], pw, modules="math")
    pts = np.random.default_rng(2).uniform(-1, 1, (80, 2))
    np.testing.assert_allclose([fn(*p) for p in pts], net.forward(pts)[:, 0], rtol=1e-9)


def test_piecewise_rejects_bad_input():
    net = two_unit_net()
    with pytest.raises(ValueError, match="no regions"):
        piecewise([])
    with pytest.raises(TypeError, match="got a Network: pass the regions alone"):
        piecewise(net, regions(net, [(-1, 1), (-1, 1)]))
    with pytest.raises(TypeError, match="got a str"):
        piecewise("net")
