"""Tests of reluineq.Network: construction, validation, forward passes, serialisation."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from reluineq import ACTIVATIONS, Network

F = Fraction

# The doctest network: h = relu([x - y, x + y - 1]); y = h1 + h2.
W1 = [[1, -1], [1, 1]]
B1 = [0, -1]
W2 = [[1, 1]]
B2 = [0]


def small(kind: str) -> Network:
    """The same 2-2-1 network, its entries given in different Python types."""
    if kind == "lists":
        return Network([W1, W2], [B1, B2], ["relu", "identity"])
    if kind == "numpy-int":
        return Network([np.array(W1), np.array(W2)], [np.array(B1), np.array(B2)],
                       ["relu", "identity"])
    if kind == "fractions":
        return Network([[[F(v) for v in r] for r in W1], [[F(1), F(1)]]],
                       [[F(0), F(-1)], [F(0)]], ["relu", "identity"])
    if kind == "sympy":
        return Network([[[sp.Integer(v) for v in r] for r in W1], [[sp.Rational(2, 2), 1]]],
                       [[sp.Rational(0), sp.Integer(-1)], [0]], ["relu", "identity"])
    if kind == "object-array":
        return Network([np.array([[F(v) for v in r] for r in W1], dtype=object),
                        np.array([[F(1), F(1)]], dtype=object)],
                       [np.array([F(0), F(-1)], dtype=object), np.array([F(0)], dtype=object)],
                       ["relu", "identity"])
    if kind == "floats":
        return Network([np.array(W1, float), np.array(W2, float)],
                       [np.array(B1, float), [0.0]], ["relu", "identity"])
    if kind == "tuple-layers":
        return Network((tuple(map(tuple, W1)), (tuple(W2[0]),)), (tuple(B1), (0,)),
                       ("relu", "identity"))
    raise AssertionError(kind)


EXACT_KINDS = ["lists", "numpy-int", "fractions", "sympy", "object-array", "tuple-layers"]


# -- construction ------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*EXACT_KINDS, "floats"])
def test_construction_from_every_input_type(kind):
    net = small(kind)
    assert net.widths == (2, 2, 1)
    assert net.activations == ("relu", "identity")
    assert net.n_inputs == 2 and net.n_outputs == 1 and net.n_relu_units == 2
    assert len(net.layers) == 2
    assert net.layers[0].n_in == 2 and net.layers[0].n_out == 2
    assert net.exact is (kind != "floats")
    w = net.layers[0].weight
    assert w.shape == (2, 2) and net.layers[0].bias.shape == (2,)
    if net.exact:
        assert w.dtype == object
        assert all(type(v) is Fraction for v in w.ravel())
        assert all(type(v) is Fraction for v in net.layers[1].bias)
        assert w.tolist() == [[F(1), F(-1)], [F(1), F(1)]]
        assert net.layers[0].bias.tolist() == [F(0), F(-1)]
    else:
        assert w.dtype == np.float64
        np.testing.assert_array_equal(w, np.array(W1, float))
    assert repr(net) == f"Network(2-2-1, relu-identity, {'exact' if net.exact else 'float'})"


@pytest.mark.parametrize(
    ("weights", "biases", "exact"),
    [
        ([[[1, 2]]], [[3]], True),
        ([[[F(1, 3), 2]]], [[sp.Rational(-5, 7)]], True),
        ([[[np.int64(1), np.int32(2)]]], [[np.int8(3)]], True),
        ([[[1, 2.0]]], [[3]], False),  # one float makes the whole network float
        ([[[1, 2]]], [[np.float64(0.5)]], False),
        ([[[F(1, 2), 2]]], [[0.25]], False),
        ([[[sp.Rational(1, 2), 2]]], [[np.float32(0.5)]], False),
    ],
)
def test_exact_iff_every_entry_rational(weights, biases, exact):
    net = Network(weights, biases, ["relu"])
    assert net.exact is exact
    dtype = object if exact else np.float64
    assert net.layers[0].weight.dtype == dtype and net.layers[0].bias.dtype == dtype


def test_mixed_float_network_stores_float_values_of_fractions():
    net = Network([[[F(1, 4), 1.5]]], [[sp.Rational(-1, 2)]], ["identity"])
    np.testing.assert_array_equal(net.layers[0].weight, [[0.25, 1.5]])
    np.testing.assert_array_equal(net.layers[0].bias, [-0.5])


def test_stored_weights_are_read_only_and_copied():
    w = np.array([[1.0, 2.0]])
    net = Network([w], [[0.0]], ["relu"])
    w[0, 0] = 99.0
    assert net.layers[0].weight[0, 0] == 1.0
    with pytest.raises(ValueError):
        net.layers[0].weight[0, 0] = 5.0


def test_from_arrays_is_the_constructor():
    a = Network.from_arrays([W1, W2], [B1, B2], ["relu", "identity"])
    assert repr(a) == repr(small("lists"))
    assert a.to_dict() == small("lists").to_dict()


def test_activations_constant():
    assert set(ACTIVATIONS) >= {"relu", "identity", "sigmoid"}


# -- forward passes --------------------------------------------------------------

# (input, pre-activations by hand, output by hand) for the 2-2-1 network above.
FORWARD_TABLE = [
    ((2, 1), (1, 2), 3),  # both on
    ((0, 0), (0, -1), 0),  # unit 0 at exactly 0: ReLU(0) = 0, off
    ((1, 3), (-2, 3), 3),
    ((-1, -1), (0, -3), 0),
    ((F(1, 2), 1), (F(-1, 2), F(1, 2)), F(1, 2)),
    ((F(3, 4), F(1, 3)), (F(5, 12), F(1, 12)), F(1, 2)),
]


@pytest.mark.parametrize("kind", [*EXACT_KINDS, "floats"])
@pytest.mark.parametrize(("x", "z", "y"), FORWARD_TABLE)
def test_forward_single_input_by_hand(kind, x, z, y):
    net = small(kind)
    out = net.forward([float(v) for v in x])
    assert out.shape == (1,) and out.dtype == np.float64
    assert out[0] == pytest.approx(float(y), abs=1e-15)
    pre = net.preactivations([float(v) for v in x])
    np.testing.assert_allclose(pre[0], [float(v) for v in z], atol=1e-15)


@pytest.mark.parametrize("kind", EXACT_KINDS)
@pytest.mark.parametrize(("x", "z", "y"), FORWARD_TABLE)
def test_forward_exact_by_hand(kind, x, z, y):
    out = small(kind).forward_exact(list(x))
    assert out.shape == (1,) and out.dtype == object
    assert type(out[0]) is Fraction
    assert out[0] == y


@pytest.mark.parametrize(("x", "z", "y"), FORWARD_TABLE)
def test_pattern_by_hand_relu_zero_is_off(x, z, y):
    expected = tuple(int(v > 0) for v in z)
    assert small("lists").pattern([float(v) for v in x]) == expected
    assert small("floats").pattern([float(v) for v in x]) == expected


def test_pattern_at_zero_preactivation_is_off():
    net = Network([[[1, 0], [0, 0]]], [[0, 0]], ["relu"])  # second unit constant zero
    assert net.pattern([0.0, 5.0]) == (0, 0)
    assert net.pattern([1e-300, 5.0]) == (1, 0)
    assert net.pattern([-1e-300, 5.0]) == (0, 0)


def test_forward_batch_shapes_and_values():
    net = small("fractions")
    xs = np.array([[float(v) for v in row[0]] for row in FORWARD_TABLE])
    out = net.forward(xs)
    assert out.shape == (len(xs), 1)
    np.testing.assert_allclose(out[:, 0], [float(row[2]) for row in FORWARD_TABLE], atol=1e-15)
    # the batch agrees with one call per input
    for x, y in zip(xs, out, strict=True):
        np.testing.assert_array_equal(net.forward(x), y)
    pats = net.pattern(xs)
    assert pats.shape == (len(xs), 2)
    assert [tuple(p) for p in pats] == [net.pattern(x) for x in xs]
    pre = net.preactivations(xs)
    assert [p.shape for p in pre] == [(len(xs), 2), (len(xs), 1)]


def test_forward_exact_batch():
    net = small("lists")
    xs = [list(row[0]) for row in FORWARD_TABLE]
    out = net.forward_exact(xs)
    assert out.shape == (len(xs), 1) and out.dtype == object
    assert list(out[:, 0]) == [row[2] for row in FORWARD_TABLE]
    assert all(type(v) is Fraction for v in out.ravel())


def test_forward_exact_accepts_sympy_and_numpy_integers():
    net = small("lists")
    assert net.forward_exact([sp.Rational(3, 4), np.int64(0)])[0] == F(3, 4)


def test_forward_exact_deep_network_by_hand():
    # 1-2-2-1: h1 = relu([x, -x + 1/2]); h2 = relu([h1a - h1b, 2 h1b - 1/3]); y = h2a + 3 h2b
    net = Network(
        [[[1], [-1]], [[1, -1], [0, 2]], [[1, 3]]],
        [[0, F(1, 2)], [0, F(-1, 3)], [F(1, 7)]],
        ["relu", "relu", "identity"],
    )
    cases = {
        F(0): F(1, 7) + 3 * (1 - F(1, 3)),  # h1 = (0, 1/2), h2 = (0, 2/3)
        F(1, 10): F(1, 7) + 3 * (F(4, 5) - F(1, 3)),  # h1 = (1/10, 2/5), h2 = (0, 7/15)
        F(1, 3): F(1, 7) + F(1, 3) - F(1, 6),  # h1 = (1/3, 1/6), h2 = (1/6, 0)
        F(-1): F(1, 7) + 3 * (3 - F(1, 3)),  # h1 = (0, 3/2), h2 = (0, 8/3)
    }
    for x, y in cases.items():
        assert net.forward_exact([x])[0] == y
        assert net.forward([float(x)])[0] == pytest.approx(float(y), rel=1e-14)


def test_sigmoid_forward_values():
    net = Network([[[1.0]], [[2.0]]], [[0.0], [-1.0]], ["sigmoid", "identity"])
    xs = np.array([[-800.0], [-1.0], [0.0], [1.0], [800.0]])
    s = 1 / (1 + np.exp(-np.clip(xs[:, 0], -700, 700)))
    np.testing.assert_allclose(net.forward(xs)[:, 0], 2 * s - 1, rtol=1e-12)
    assert np.all(np.isfinite(net.forward(xs)))
    assert net.n_relu_units == 0
    assert net.pattern([0.3]) == ()
    assert net.pattern(xs).shape == (5, 0)


def test_forward_exact_refuses_float_and_sigmoid_networks():
    with pytest.raises(ValueError, match="exact"):
        small("floats").forward_exact([1, 2])
    sig = Network([[[1]]], [[0]], ["sigmoid"])
    with pytest.raises(ValueError, match="sigmoid"):
        sig.forward_exact([1])


def test_forward_exact_refuses_float_inputs():
    with pytest.raises(TypeError, match="not an exact rational"):
        small("lists").forward_exact([0.5, 1])


@pytest.mark.parametrize(
    "x", [[1.0], [1.0, 2.0, 3.0], [[[1.0, 2.0]]], 1.0, np.zeros((3, 3)), np.zeros((0,))]
)
def test_forward_bad_input_shape(x):
    net = small("floats")
    for call in (net.forward, net.pattern, net.preactivations):
        with pytest.raises(ValueError, match=r"input must have shape \(2,\) or \(batch, 2\)"):
            call(x)
    with pytest.raises(ValueError, match="input must have shape"):
        small("lists").forward_exact(x)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_forward_nan_input(bad):
    net = small("floats")
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.forward([bad, 0.0])
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.forward([[0.0, 0.0], [1.0, bad]])


# -- random ---------------------------------------------------------------------


@pytest.mark.parametrize("widths", [[2, 3, 3, 1], [2, 16, 16, 1], [1, 4, 1], [5, 2]])
@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_random_reproducible_and_bounded(widths, seed):
    a = Network.random(widths, seed=seed)
    b = Network.random(widths, seed=seed)
    assert a.widths == tuple(widths) and not a.exact
    assert a.activations == ("relu",) * (len(widths) - 2) + ("identity",)
    for la, lb, fan_in in zip(a.layers, b.layers, widths[:-1], strict=True):
        np.testing.assert_array_equal(la.weight, lb.weight)
        np.testing.assert_array_equal(la.bias, lb.bias)
        bound = 1 / np.sqrt(fan_in)
        assert np.all(np.abs(la.weight) <= bound) and np.all(np.abs(la.bias) <= bound)
    c = Network.random(widths, seed=seed + 1)
    assert not np.array_equal(a.layers[0].weight, c.layers[0].weight)


def test_random_fills_the_initialisation_interval():
    net = Network.random([64, 64, 1], seed=3)
    w = net.layers[0].weight
    assert w.max() > 0.9 / 8 and w.min() < -0.9 / 8  # uniform on ±1/8, not squeezed
    assert abs(w.mean()) < 0.01


def test_random_activations():
    net = Network.random([2, 3, 3, 2], seed=0, hidden="sigmoid", output="relu")
    assert net.activations == ("sigmoid", "sigmoid", "relu")


@pytest.mark.parametrize("widths", [[], [3], [2, 0, 1], [2, -1]])
def test_random_bad_widths(widths):
    with pytest.raises(ValueError, match="widths"):
        Network.random(widths)


# -- serialisation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "net",
    [
        small("fractions"),
        small("floats"),
        Network([[[F(1, 3), F(-22, 7)], [0, 5]], [[F(10**20, 3), 1]]], [[F(1, 2), 0], [-1]],
                ["relu", "identity"]),
        Network.random([3, 4, 2], seed=7),
        Network([[[0.1, -2.5e-300]]], [[1e300]], ["sigmoid"]),
    ],
    ids=["exact", "float", "big-fractions", "random", "extreme-floats"],
)
def test_dict_round_trip(net):
    data = net.to_dict()
    # JSON-ready
    again = Network.from_dict(json.loads(json.dumps(data)))
    assert again.exact == net.exact
    assert again.activations == net.activations
    for a, b in zip(net.layers, again.layers, strict=True):
        assert a.weight.dtype == b.weight.dtype
        assert a.weight.tolist() == b.weight.tolist()
        assert a.bias.tolist() == b.bias.tolist()
    assert again.to_dict() == data


def test_to_dict_writes_fractions_as_strings():
    data = Network([[[F(3, 4), 2]]], [[F(-1, 3)]], ["relu"]).to_dict()
    assert data == {"layers": [{"weight": [["3/4", "2"]], "bias": ["-1/3"],
                                "activation": "relu"}]}


@pytest.mark.parametrize(
    ("text", "value"),
    [("3/4", F(3, 4)), (" -2 ", F(-2)), ("0.25", F(1, 4)), ("1e-3", F(1, 1000)),
     ("-7/21", F(-1, 3)), ("0.1", F(1, 10))],
)
def test_from_dict_parses_rationals_exactly(text, value):
    net = Network.from_dict({"layers": [{"weight": [[text]], "bias": ["0"],
                                         "activation": "identity"}]})
    assert net.exact
    assert net.layers[0].weight[0, 0] == value and type(net.layers[0].weight[0, 0]) is Fraction


@pytest.mark.parametrize(
    "text",
    ["__import__('os')", "__import__('os').system('true')", "1/0", "nan", "inf", "1+2",
     "2**3", "", "abc", "3/4/5", "(1)"],
)
def test_from_dict_never_evaluates_strings(text):
    data = {"layers": [{"weight": [[1, text]], "bias": [0], "activation": "relu"}]}
    with pytest.raises(ValueError, match=r"layer 0 weight\[0, 1\]: .* is not a number or fraction"):
        Network.from_dict(data)
    data = {"layers": [{"weight": [[1]], "bias": [text], "activation": "relu"}]}
    with pytest.raises(ValueError, match="layer 0 bias"):
        Network.from_dict(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], '"layers" list'),
        ({}, '"layers" list'),
        ({"layers": {"weight": 1}}, '"layers" list'),
        ({"layers": [1]}, "layer 0: expected an object"),
        ({"layers": [{"weight": [[1]], "bias": [0]}]}, "layer 0: missing activation"),
        ({"layers": [{"weight": [[1]], "bias": [0], "activation": "relu"}, {"activation": "relu"}]},
         "layer 1: missing bias, weight"),
        ({"layers": []}, "empty network"),
        ({"layers": [{"weight": [[1]], "bias": [0], "activation": "tanh"}]},
         "layer 0: unknown activation 'tanh'"),
    ],
)
def test_from_dict_bad_structure(data, message):
    with pytest.raises(ValueError, match=message):
        Network.from_dict(data)


# -- validation ---------------------------------------------------------------------

RELU2 = ["relu", "identity"]


@pytest.mark.parametrize(
    ("weights", "biases", "acts", "error", "message"),
    [
        # ragged matrices
        ([[[1, 2], [3]]], [[0, 0]], ["relu"], ValueError, r"layer 0 weight: ragged matrix"),
        ([[[1, 2]], [[1], [2, 3]]], [[0], [0, 0]], RELU2, ValueError,
         r"layer 1 weight: ragged matrix"),
        # a weight that is not a matrix
        ([[1, 2]], [[0]], ["relu"], TypeError, r"layer 0 weight row 0"),
        ([[[[1, 2]]]], [[0]], ["relu"], ValueError, r"layer 0 weight row 0: entry 0 is a sequence"),
        ([np.array([1.0, 2.0])], [[0]], ["relu"], ValueError,
         r"layer 0 weight: expected a 2-D array, got shape \(2,\)"),
        ([[[1, 2]]], [np.zeros((1, 1))], ["relu"], ValueError,
         r"layer 0 bias: expected a 1-D array"),
        ([[[1, 2]]], [[[0]]], ["relu"], ValueError, r"layer 0 bias: entry 0 is a sequence"),
        ([[[1, 2]]], [0], ["relu"], TypeError, r"layer 0 bias: expected a sequence"),
        (["ab"], [[0]], ["relu"], TypeError, r"layer 0 weight: expected a matrix"),
        # mismatched shapes between layers
        ([[[1, 2], [3, 4]], [[1, 2, 3]]], [[0, 0], [0]], RELU2, ValueError,
         r"layer 1: weight has 3 columns but layer 0 has 2 units"),
        ([[[1, 2]], [[1], [1]], [[1, 2, 3]]], [[0], [0, 0], [0]], ["relu"] * 3, ValueError,
         r"layer 2: weight has 3 columns but layer 1 has 2 units"),
        # bias length
        ([[[1, 2], [3, 4]]], [[0]], ["relu"], ValueError,
         r"layer 0: bias has 1 entries but the weight has 2 rows"),
        ([[[1, 2]], [[1]]], [[0], [0, 1]], RELU2, ValueError,
         r"layer 1: bias has 2 entries but the weight has 1 rows"),
        # empty
        ([], [], [], ValueError, "empty network"),
        ([[]], [[]], ["relu"], ValueError, r"layer 0 weight: empty matrix"),
        ([[[]]], [[0]], ["relu"], ValueError, r"layer 0 weight: empty matrix"),
        ([np.zeros((0, 2))], [np.zeros(0)], ["relu"], ValueError, r"layer 0 weight: empty"),
        # per-layer counts
        ([[[1]], [[1]]], [[0]], RELU2, ValueError, r"2 weights, 1 biases, 2 activations"),
        ([[[1]]], [[0]], ["relu", "relu"], ValueError, r"1 weights, 1 biases, 2 activations"),
        # non-finite
        ([[[1.0, np.nan]]], [[0]], ["relu"], ValueError,
         r"layer 0 weight\[0, 1\]: non-finite value nan"),
        ([[[1.0, 2.0]], [[np.inf]]], [[0], [0]], RELU2, ValueError,
         r"layer 1 weight\[0, 0\]: non-finite value inf"),
        ([[[1.0, 2.0]]], [[-np.inf]], ["relu"], ValueError,
         r"layer 0 bias\[0\]: non-finite value -inf"),
        ([np.array([[1.0, np.nan]])], [[0]], ["relu"], ValueError,
         r"layer 0 weight\[0, 1\]: non-finite"),
        ([[[1, 2]]], [[float("nan")]], ["relu"], ValueError, r"layer 0 bias\[0\]: non-finite"),
        # unknown activations
        ([[[1, 2]]], [[0]], ["tanh"], ValueError, r"layer 0: unknown activation 'tanh'"),
        ([[[1, 2]], [[1]]], [[0], [0]], ["relu", "ReLU"], ValueError,
         r"layer 1: unknown activation 'ReLU'"),
        ([[[1, 2]]], [[0]], [None], ValueError, r"layer 0: unknown activation None"),
        ([[[1, 2]]], [[0]], "relu", TypeError, r"activations must be a sequence"),
        ("abc", [[0]], ["relu"], TypeError, r"weights must be a sequence"),
        ([[[1, 2]]], 5, ["relu"], TypeError, r"biases must be a sequence"),
        # non-numeric entries
        ([[[1, "2"]]], [[0]], ["relu"], TypeError,
         r"layer 0 weight\[0, 1\]: non-numeric entry '2'"),
        ([[[1, None]]], [[0]], ["relu"], TypeError, r"layer 0 weight\[0, 1\]: non-numeric .*None"),
        ([[[1, 2]]], [[1 + 2j]], ["relu"], TypeError, r"layer 0 bias\[0\]: non-numeric .*complex"),
        ([np.array([[1 + 0j, 2]])], [[0]], ["relu"], TypeError, r"layer 0 weight\[0, 0\]"),
        ([[[1, 2]], [[object()]]], [[0], [0]], RELU2, TypeError, r"layer 1 weight\[0, 0\]"),
        ([[[1, sp.sqrt(2)]]], [[0]], ["relu"], TypeError,
         r"layer 0 weight\[0, 1\]: sympy number sqrt\(2\) is not rational"),
        ([[[1, sp.Symbol("a")]]], [[0]], ["relu"], TypeError, r"layer 0 weight\[0, 1\]"),
        ([[[1, 2]]], [[sp.oo]], ["relu"], TypeError, r"layer 0 bias\[0\]"),
        # booleans
        ([[[True, 2]]], [[0]], ["relu"], TypeError, r"layer 0 weight\[0, 0\]: booleans"),
        ([[[1, 2]]], [[np.bool_(False)]], ["relu"], TypeError, r"layer 0 bias\[0\]: booleans"),
        ([np.array([[True, False]])], [[0]], ["relu"], TypeError, r"layer 0 weight\[0, 0\]: bool"),
    ],
)
def test_bad_networks_name_the_layer_and_the_problem(weights, biases, acts, error, message):
    with pytest.raises(error, match=message):
        Network(weights, biases, acts)
