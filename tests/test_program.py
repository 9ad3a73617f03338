"""Tests of reluineq.program: the compiled tree against the forward pass and the regions, a
hand-worked program, and the printed source read back through its syntax tree (never run)."""

import ast
import itertools
import operator
import re
from fractions import Fraction as F

import numpy as np
import pytest

from reluineq import Network, TooManyRegionsError, regions
from reluineq.program import (
    Leaf,
    Test,
    compile_network,
    depth,
    evaluate,
    leaves,
    n_tests,
    to_python,
)


def int_net(widths, seed, output="identity"):
    """An exact network with weights in -2..2 and biases in halves."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for fan_in, fan_out in itertools.pairwise(widths):
        weights.append(rng.integers(-2, 3, size=(fan_out, fan_in)).tolist())
        biases.append([F(int(k), 2) for k in rng.integers(-3, 4, size=fan_out)])
    return Network(weights, biases, ["relu"] * (len(widths) - 2) + [output])


def with_identity_layer(exact, seed=0):
    """relu(3) -> identity(2) -> relu(3) -> identity(1) on 2 inputs."""
    rng = np.random.default_rng(seed)
    shapes = [(3, 2), (2, 3), (3, 2), (1, 3)]
    if exact:
        weights = [rng.integers(-2, 3, size=s).tolist() for s in shapes]
        biases = [rng.integers(-1, 2, size=s[0]).tolist() for s in shapes]
    else:
        weights = [rng.uniform(-1, 1, size=s) for s in shapes]
        biases = [rng.uniform(-0.5, 0.5, size=s[0]) for s in shapes]
    return Network(weights, biases, ["relu", "identity", "relu", "identity"])


CASES = {
    "float-2-8-8-1-s0": (Network.random([2, 8, 8, 1], seed=0), [(-1, 1)] * 2),
    "float-2-8-8-1-s7": (Network.random([2, 8, 8, 1], seed=7), [(-2, 1), (-1, 3)]),
    "float-3-6-6-2": (Network.random([3, 6, 6, 2], seed=1), [(-1, 1)] * 3),
    "exact-2-4-4-1": (int_net([2, 4, 4, 1], seed=2), [(-2, 2)] * 2),
    "exact-2-5-3-2": (int_net([2, 5, 3, 2], seed=5), [(-2, 2)] * 2),
    "exact-3-3-3-1": (int_net([3, 3, 3, 1], seed=3), [(-2, 2)] * 3),
    "identity-hidden-float": (with_identity_layer(False), [(-1, 1)] * 2),
    "identity-hidden-exact": (with_identity_layer(True), [(-2, 2)] * 2),
    "relu-output": (Network.random([2, 5, 2], seed=4, output="relu"), [(-1, 1)] * 2),
}
compiled = {key: compile_network(net, box) for key, (net, box) in CASES.items()}
EXACT = sorted(key for key, (net, _) in CASES.items() if net.exact)


@pytest.fixture(params=sorted(CASES))
def case(request):
    net, box = CASES[request.param]
    return net, box, compiled[request.param]


def uniform_points(box, count, seed=0):
    lo, hi = np.array(box, dtype=float).T
    return np.random.default_rng(seed).uniform(lo, hi, size=(count, len(box)))


def all_nodes(node):
    stack = [node]
    while stack:
        top = stack.pop()
        yield top
        if isinstance(top, Test):
            stack += [top.on, top.off]


def route(node, x):
    """The leaf an input reaches, with every test evaluated in exact arithmetic."""
    x = [F(v) for v in x]
    while isinstance(node, Test):
        z = sum(F(a) * xi for a, xi in zip(node.coef, x, strict=True)) + F(node.const)
        node = node.on if z > 0 else node.off
    return node


def leaf_value(leaf, x):
    return [sum(a * xi for a, xi in zip(row, x, strict=True)) + c
            for row, c in zip(leaf.coef, leaf.const, strict=True)]


def as_fractions(array):
    return tuple(F(v) for v in np.asarray(array).ravel())


# -- a program worked by hand ---------------------------------------------------------------


def ramp():
    # relu(x) - relu(x - 1): 0 for x <= 0, x on [0, 1], 1 for x >= 1.
    return Network([[[1], [1]], [[1, -1]]], [[0, -1], [0]], ["relu", "identity"])


def test_ramp_by_hand():
    tree = compile_network(ramp(), [(-2, 2)])
    # Under x <= 0 the second unit's x - 1 > 0 is impossible, so only the on branch of the
    # first unit tests the second.
    expected = Test(
        1, 1, (F(1),), F(0),
        on=Test(1, 2, (F(1),), F(-1),
                on=Leaf(((F(0),),), (F(1),), (1, 1)),
                off=Leaf(((F(1),),), (F(0),), (1, 0))),
        off=Leaf(((F(0),),), (F(0),), (0, 0)),
    )
    assert tree == expected
    assert (n_tests(tree), len(leaves(tree)), depth(tree)) == (2, 3, 2)
    assert [(leaf.coef, leaf.const) for leaf in leaves(tree)] == [
        (((0,),), (1,)), (((1,),), (0,)), (((0,),), (0,))
    ]
    xs = [[-2], [-0.5], [0], [0.25], [1], [1.5], [2]]
    np.testing.assert_array_equal(evaluate(tree, xs), [[0], [0], [0], [0.25], [1], [1], [1]])


def test_ramp_source_by_hand():
    source = to_python(compile_network(ramp(), [(-2, 2)]), names=["t"], function_name="ramp")
    assert source == (
        "def ramp(t):\n"
        "    if t > 0:  # unit 1.1 on\n"
        "        if t - 1 > 0:  # unit 1.2 on\n"
        "            return 1\n"
        "        else:  # unit 1.2 off\n"
        "            return t\n"
        "    else:  # unit 1.1 off\n"
        "        return 0"
    )


def test_ramp_on_a_box_right_of_the_kink():
    # On [1/2, 2] the first unit is always on: one test remains.
    tree = compile_network(ramp(), [(F(1, 2), 2)])
    assert n_tests(tree) == 1
    assert (tree.layer, tree.unit) == (1, 2)


# -- the program is the network --------------------------------------------------------------


def test_evaluate_equals_forward_on_the_box(case):
    net, box, tree = case
    X = uniform_points(box, 4000)
    corners = np.array(list(itertools.product(*box)), dtype=float)
    X = np.vstack([X, corners])
    np.testing.assert_allclose(evaluate(tree, X), net.forward(X), rtol=0, atol=1e-12)
    # One input gives one output vector, as in forward.
    np.testing.assert_allclose(evaluate(tree, X[0]), net.forward(X[0]), rtol=0, atol=1e-12)


def test_evaluate_at_region_points(case):
    net, box, tree = case
    points = np.array([np.asarray(r.point, dtype=float) for r in regions(net, box)])
    np.testing.assert_allclose(evaluate(tree, points), net.forward(points), rtol=0, atol=1e-12)


def test_one_leaf_per_region_with_its_map(case):
    net, box, tree = case
    found = regions(net, box)
    by_pattern = {r.pattern: r for r in found}
    leafs = leaves(tree)
    assert len(leafs) == len({r.pattern for r in found}) == len(found)
    assert {leaf.pattern for leaf in leafs} == set(by_pattern)
    for leaf in leafs:
        r = by_pattern[leaf.pattern]
        if net.exact:
            assert as_fractions(leaf.coef) == as_fractions(r.M)
            assert as_fractions(leaf.const) == as_fractions(r.d)
        else:
            np.testing.assert_allclose(leaf.coef, r.M, rtol=0, atol=1e-12)
            np.testing.assert_allclose(leaf.const, r.d, rtol=0, atol=1e-12)


@pytest.mark.parametrize("key", EXACT)
def test_region_points_reach_their_leaf_exactly(key):
    (net, box), tree = CASES[key], compiled[key]
    for r in regions(net, box):
        leaf = route(tree, r.point)
        assert leaf.pattern == r.pattern
        assert leaf_value(leaf, r.point) == list(net.forward_exact(r.point))


def test_tests_are_the_units_preactivations(case):
    # Along the path of every input, each test's affine form is the pre-activation of
    # the unit it names, evaluated at that input.
    net, box, tree = case
    X = uniform_points(box, 300, seed=1)
    zs = net.preactivations(X)
    seen = 0
    for i, x in enumerate(X):
        node = tree
        while isinstance(node, Test):
            z = float(np.dot(np.asarray(node.coef, dtype=float), x)) + float(node.const)
            assert z == pytest.approx(zs[node.layer - 1][i, node.unit - 1], abs=1e-12)
            node = node.on if z > 0 else node.off
            seen += 1
    assert seen > 0


def test_numbers_are_fractions_or_floats(case):
    net, _, tree = case
    kind = F if net.exact else float
    for node in all_nodes(tree):
        values = [*node.coef, node.const] if isinstance(node, Test) else [
            *itertools.chain(*node.coef), *node.const]
        assert all(type(v) is kind for v in values), (kind, values)


def test_tree_shape(case):
    net, _, tree = case
    # Every test has two reachable branches, so the tree is a full binary tree.
    assert n_tests(tree) == len(leaves(tree)) - 1
    assert 2 ** depth(tree) >= len(leaves(tree))
    assert depth(tree) <= net.n_relu_units
    assert all(len(leaf.pattern) == net.n_relu_units for leaf in leaves(tree))
    assert all(len(leaf.const) == net.n_outputs for leaf in leaves(tree))


def test_units_are_tested_in_layer_order(case):
    net, _, tree = case
    stack = [(tree, (0, 0))]
    while stack:
        node, above = stack.pop()
        if isinstance(node, Test):
            assert (node.layer, node.unit) > above
            assert net.layers[node.layer - 1].activation == "relu"
            stack += [(node.on, (node.layer, node.unit)), (node.off, (node.layer, node.unit))]


# -- units without a test ---------------------------------------------------------------------


def test_dead_and_always_on_units_get_no_test():
    rng = np.random.default_rng(3)
    W1 = rng.uniform(-1, 1, size=(4, 2))
    b1 = rng.uniform(-0.2, 0.2, size=4)
    b1[1], b1[2] = -100.0, 100.0  # unit 2 is off and unit 3 on everywhere in the box
    net = Network([W1, rng.uniform(-1, 1, size=(1, 4))], [b1, [0.0]], ["relu", "identity"])
    tree = compile_network(net, [(-1, 1)] * 2)
    tested = {(node.layer, node.unit) for node in all_nodes(tree) if isinstance(node, Test)}
    assert (1, 2) not in tested and (1, 3) not in tested
    assert {(1, 1), (1, 4)} <= tested
    assert {leaf.pattern[1:3] for leaf in leaves(tree)} == {(0, 1)}
    X = uniform_points([(-1, 1)] * 2, 1000)
    np.testing.assert_allclose(evaluate(tree, X), net.forward(X), rtol=0, atol=1e-12)


def test_network_without_relu_is_one_leaf():
    net = Network([[[1, 2]], [[3]]], [[1], [F(1, 2)]], ["identity", "identity"])
    tree = compile_network(net, [(-1, 1)] * 2)
    assert tree == Leaf(((F(3), F(6)),), (F(7, 2),), ())
    assert (n_tests(tree), depth(tree), leaves(tree)) == (0, 0, [tree])
    assert to_python(tree) == "def f(x1, x2):\n    return 3*x1 + 6*x2 + 7/2"


def test_identity_hidden_layer_is_not_a_branch():
    net = with_identity_layer(True)
    tree = compile_network(net, [(-2, 2)] * 2)
    layers = {node.layer for node in all_nodes(tree) if isinstance(node, Test)}
    assert layers <= {1, 3} and 3 in layers
    assert all(len(leaf.pattern) == 6 for leaf in leaves(tree))


# -- the printed program ----------------------------------------------------------------------

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def interpret(source, args):
    """Run a printed program by walking its syntax tree: arithmetic, if and return only.

    ``a/b`` of two ints is a Fraction, so an exact program run on Fractions stays exact.
    """
    (fn,) = ast.parse(source).body
    env = dict(zip([a.arg for a in fn.args.args], args, strict=True))

    def expr(e):
        if isinstance(e, ast.Constant):
            return e.value
        if isinstance(e, ast.Name):
            return env[e.id]
        if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub):
            return -expr(e.operand)
        if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Div):
            a, b = expr(e.left), expr(e.right)
            return F(a, b) if isinstance(a, int) and isinstance(b, int) else a / b
        if isinstance(e, ast.BinOp) and type(e.op) in _OPS:
            return _OPS[type(e.op)](expr(e.left), expr(e.right))
        if isinstance(e, ast.Tuple):
            return tuple(expr(v) for v in e.elts)
        if isinstance(e, ast.Compare) and [type(o) for o in e.ops] == [ast.Gt]:
            return expr(e.left) > expr(e.comparators[0])
        raise AssertionError(f"unexpected syntax {ast.dump(e)}")

    def block(body):
        (stmt,) = body  # one statement per block: an if/else or a return
        if isinstance(stmt, ast.Return):
            return expr(stmt.value)
        assert isinstance(stmt, ast.If)
        return block(stmt.body if expr(stmt.test) else stmt.orelse)

    return block(fn.body)


def test_source_parses_with_one_if_per_test_and_one_return_per_leaf(case):
    net, _, tree = case
    source = to_python(tree)
    module = ast.parse(source)
    (fn,) = module.body
    assert isinstance(fn, ast.FunctionDef) and fn.name == "f"
    assert [a.arg for a in fn.args.args] == [f"x{k}" for k in range(1, net.n_inputs + 1)]
    assert source.startswith(f"def f({', '.join(f'x{k}' for k in range(1, net.n_inputs + 1))}):")
    ifs = [n for n in ast.walk(module) if isinstance(n, ast.If)]
    returns = [n for n in ast.walk(module) if isinstance(n, ast.Return)]
    assert len(ifs) == n_tests(tree)
    assert len(returns) == len(leaves(tree))
    assert all(isinstance(n.test, ast.Compare) for n in ifs)
    for ret in returns:
        if net.n_outputs == 1:
            assert not isinstance(ret.value, ast.Tuple)
        else:
            assert isinstance(ret.value, ast.Tuple) and len(ret.value.elts) == net.n_outputs
    for node in all_nodes(tree):
        if isinstance(node, Test):
            tag = f"{node.layer}.{node.unit}"
            assert re.search(rf"^\s+if .* > 0:  # unit {re.escape(tag)} on$", source, re.M)
            assert re.search(rf"^\s+else:  # unit {re.escape(tag)} off$", source, re.M)


def test_source_computes_the_network(case):
    net, box, tree = case
    source = to_python(tree, precision=17)
    X = uniform_points(box, 200, seed=2)
    got = np.array([np.atleast_1d(interpret(source, x)) for x in X], dtype=float)
    np.testing.assert_allclose(got, net.forward(X), rtol=0, atol=1e-9)


@pytest.mark.parametrize("key", EXACT)
def test_exact_source_is_exact_at_region_points(key):
    (net, box), tree = CASES[key], compiled[key]
    source = to_python(tree)
    for r in regions(net, box):
        got = interpret(source, list(r.point))
        assert list(np.atleast_1d(np.array(got, dtype=object))) == list(net.forward_exact(r.point))


def test_source_names_and_precision():
    tree = compile_network(Network.random([2, 3, 1], seed=1), [(-1, 1)] * 2)
    source = to_python(tree, names=["u", "v"], function_name="net_1", precision=2)
    assert source.startswith("def net_1(u, v):\n")
    assert "x1" not in source
    numbers = re.findall(r"\d+\.\d+", source)
    assert numbers and all(len(s.replace(".", "").lstrip("0")) <= 2 for s in numbers)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"names": ["a"]}, "expected 2 input names"),
        ({"names": "ab"}, "expected 2 input names"),
        ({"names": ["a", "a"]}, "distinct"),
        ({"names": ["a", "1b"]}, "Python identifier"),
        ({"names": ["a", "if"]}, "Python identifier"),
        ({"function_name": "my f"}, "function_name"),
        ({"function_name": "return"}, "function_name"),
        ({"precision": 0}, "precision"),
    ],
)
def test_bad_source_options(kwargs, message):
    tree = compile_network(Network.random([2, 3, 1], seed=1), [(-1, 1)] * 2)
    with pytest.raises(ValueError, match=message):
        to_python(tree, **kwargs)


# -- validation ---------------------------------------------------------------------------------


def test_sigmoid_network_is_rejected():
    net = Network.random([2, 3, 1], seed=0, hidden="sigmoid")
    with pytest.raises(ValueError, match="sigmoid"):
        compile_network(net, [(-1, 1)] * 2)


def test_not_a_network():
    with pytest.raises(TypeError, match=r"expected a reluineq\.Network"):
        compile_network([[1, 2]], [(-1, 1)] * 2)


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ([(-1, 1)], "1 intervals but the network has 2 inputs"),
        ([(-1, 1), (1, -1)], "empty or flat"),
        ([(-1, 1), (0, float("inf"))], "unbounded"),
    ],
)
def test_bad_box(box, message):
    with pytest.raises(ValueError, match=message):
        compile_network(Network.random([2, 3, 1], seed=0), box)


def test_max_regions_passes_through():
    net = Network.random([2, 8, 8, 1], seed=0)
    n = len(regions(net, [(-1, 1)] * 2))
    assert len(leaves(compile_network(net, [(-1, 1)] * 2, max_regions=n))) == n
    with pytest.raises(TooManyRegionsError):
        compile_network(net, [(-1, 1)] * 2, max_regions=n - 1)


def test_evaluate_rejects_bad_input():
    tree = compile_network(ramp(), [(-2, 2)])
    with pytest.raises(ValueError, match=r"shape \(1,\) or \(batch, 1\)"):
        evaluate(tree, [[1, 2]])
    with pytest.raises(ValueError, match="NaN"):
        evaluate(tree, [float("nan")])
    with pytest.raises(TypeError, match="expected a program"):
        evaluate(ramp(), [0.5])
    for helper in (leaves, n_tests, depth, to_python):
        with pytest.raises(TypeError, match="expected a program"):
            helper("if x > 0")
