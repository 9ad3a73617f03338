"""Leaky ReLU, one entry of the activation table, works wherever ReLU does: regions (against
the independent brute force), LaTeX, sympy, checks, the MILP, compiled programs, JSON and
the command line."""

from __future__ import annotations

import ast
import itertools
import json
from fractions import Fraction as F

import numpy as np
import pytest
import sympy as sp
from bruteforce import brute_force, exact_layers, exact_pattern

import reluineq
from reluineq import Network, check_expression, check_regions, latex, lp, regions, symbolic
from reluineq.activations import lookup
from reluineq.cli import main
from reluineq.program import compile_network, evaluate, leaves, to_python

SLOPES = [F(0), F(1, 10), F(1, 5), F(3)]


def leaky_net(widths, seed, slope, exact=True, output="identity"):
    """Small weights (exact halves, or floats) with leaky hidden layers."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for a, b in itertools.pairwise(widths):
        if exact:
            weights.append([[F(int(rng.integers(-2, 3)), int(rng.integers(1, 3)))
                             for _ in range(a)] for _ in range(b)])
            biases.append([F(int(rng.integers(-2, 3)), 2) for _ in range(b)])
        else:
            weights.append(rng.uniform(-1, 1, size=(b, a)))
            biases.append(rng.uniform(-0.5, 0.5, size=b))
    acts = [f"leaky_relu({slope})"] * (len(widths) - 2) + [output]
    return Network(weights, biases, acts)


def test_the_name_carries_the_exact_slope():
    net = Network([[[1, -1]], [[2]]], [[0], [0]], ["leaky_relu(0.2)", "identity"])
    assert net.activations == ("leaky_relu(1/5)", "identity")
    assert net.exact and net.n_relu_units == 1
    assert net.forward_exact([0, 1]).tolist() == [F(-2, 5)]  # 2 * (1/5) * (0 - 1)
    assert net.forward_exact([1, 0]).tolist() == [F(2)]
    assert lookup("leaky_relu").slopes == (F(1, 100), F(1))
    with pytest.raises(ValueError, match="layer 0: activation 'leaky_relu\\(1\\)': "
                                         "leaky_relu\\(1\\) is the identity"):
        Network([[[1]]], [[0]], ["leaky_relu(1)"])
    with pytest.raises(ValueError, match="takes 0 to 1 parameters, got 2"):
        lookup("leaky_relu(1/2, 1/3)")
    with pytest.raises(ValueError, match="is not a number or fraction"):
        lookup("leaky_relu(0.1 + 1)")


@pytest.mark.parametrize("slope", SLOPES, ids=str)
@pytest.mark.parametrize("widths", [[2, 3, 3, 1], [2, 4, 2], [3, 3, 2, 1], [1, 4, 3, 1]],
                         ids=lambda w: "-".join(map(str, w)))
def test_regions_match_the_brute_force(widths, slope):
    for seed in range(2):
        net = leaky_net(widths, seed, slope)
        box = [(-1, 1)] * widths[0]
        found, ambiguous = brute_force(net, box)
        assert not ambiguous
        methods = ("polygon", "vertex") if widths[0] == 2 else ("vertex",)
        for method in methods:
            rs = regions(net, box, method=method)
            check_regions(rs)
            got = {r.pattern: r for r in rs}
            assert set(got) == set(found)
            for pattern, r in got.items():
                assert r.M.tolist() == found[pattern].M
                assert r.d.tolist() == found[pattern].d


@pytest.mark.parametrize("slope", [F(1, 100), F(1, 3)], ids=str)
def test_float_regions_match_the_exact_ones(slope):
    net = leaky_net([2, 5, 4, 2], 3, slope, exact=False)
    box = [(-1, 1), (-1, 1)]
    rs = regions(net, box)
    check_regions(rs)
    rng = np.random.default_rng(0)
    layers = exact_layers(net)
    for x in rng.uniform(-1, 1, size=(200, 2)):
        inside = [r for r in rs if r.contains(x, tol=-1e-9)]  # strictly inside
        for r in inside:
            assert r.pattern == exact_pattern(layers, x)
            np.testing.assert_allclose(r.M @ x + r.d, net.forward(x), rtol=1e-12, atol=1e-12)


def test_latex_and_sympy_forms():
    net = Network([[[1, -1], [1, 1]], [[1, 1]]], [[0, -1], [0]],
                  ["leaky_relu(1/10)", "identity"])
    eqs = latex.layer_equations(net)
    assert r"h^{(1)}_{1} &= \max(\frac{1}{10}\, z^{(1)}_{1}, z^{(1)}_{1})" in eqs
    matrix = latex.layer_equations(net, layer=0, form="matrix")
    assert matrix.startswith(r"\begin{aligned}" + "\n" + r"h^{(1)} &= \operatorname{lrelu}_{"
                             r"\frac{1}{10}}\left(")
    box = [(-2, 2), (-2, 2)]
    check_expression(net, symbolic.network_expression(net), box=box, samples=64)
    rs = regions(net, box)
    check_expression(net, symbolic.piecewise(rs), box=box, samples=64)
    x1, _ = symbolic.input_symbols(2)
    # Both units off at (-1, 0): 1/10 (x1 - x2) + 1/10 (x1 + x2 - 1) = x1/5 - 1/10.
    off = next(r for r in rs if r.pattern == (0, 0))
    assert sp.simplify(symbolic.affine_map(off)[0] - (x1 / 5 - sp.Rational(1, 10))) == 0
    assert latex.affine_map(off) == r"y = \frac{1}{5} x_{1} - \frac{1}{10}"
    steep = Network([[[1]], [[1]]], [[0], [0]], ["leaky_relu(3)", "identity"])
    assert r"\min(3\, z^{(1)}_{1}, z^{(1)}_{1})" in latex.layer_equations(steep)
    check_expression(steep, symbolic.network_expression(steep), box=[(-2, 2)], samples=16)


def test_check_catches_a_wrong_slope():
    net = Network([[[1]], [[1]]], [[0], [0]], ["leaky_relu(1/10)", "identity"])
    x = symbolic.input_symbols(1)[0]
    with pytest.raises(reluineq.CheckError):
        check_expression(net, [sp.Max(x / 5, x)], box=[(-1, 1)], samples=16)


@pytest.mark.parametrize("slope", SLOPES, ids=str)
@pytest.mark.parametrize("exact", [True, False], ids=["exact", "float"])
def test_milp_optimum_agrees_with_regions_and_sampling(slope, exact):
    net = leaky_net([2, 4, 3, 1], 5, slope, exact=exact)
    box = [(-1, 1), (-1, 1)]
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 81), np.linspace(-1, 1, 81)), -1)
    values = net.forward(grid.reshape(-1, 2))[:, 0]
    for sense, best in (("max", values.max()), ("min", values.min())):
        for bounds in ("interval", "lp"):
            milp = lp.optimize(net, box, sense=sense, bounds=bounds)
            by_regions = lp.optimize_by_regions(net, box, sense=sense)
            assert milp.value == pytest.approx(by_regions.value, abs=1e-6)
            # The grid's best is no better than the optimum, and close to it.
            if sense == "max":
                assert best <= milp.value + 1e-9 and milp.value - best < 0.1
            else:
                assert best >= milp.value - 1e-9 and best - milp.value < 0.1


def test_milp_rows_and_latex():
    net = Network([[[1]], [[1]]], [[F(-1, 2)], [0]], ["leaky_relu(1/10)", "identity"])
    milp = lp.encode(net, [(0, 2)])  # z in [-1/2, 3/2]: one binary
    assert milp.n_binaries == 1
    text = lp.to_latex(milp)
    h, z, a = r"h^{(1)}_{1}", r"z^{(1)}_{1}", r"a^{(1)}_{1}"
    assert (rf"{h} &\ge \frac{{1}}{{10}}\, {z}, \quad {h} \ge {z}, \quad "
            rf"{h} \le {z} + \frac{{9}}{{20}}\,(1 - {a})") in text
    assert rf"{h} \le \frac{{1}}{{10}}\, {z} + \frac{{27}}{{20}}\, {a}" in text
    dead = lp.to_latex(lp.encode(net, [(-2, 0)]))
    assert rf"{h} &= \frac{{1}}{{10}}\, {z}" in dead


def test_program_compiles_leaky_units():
    net = leaky_net([2, 3, 3, 1], 1, F(1, 5))
    box = [(-1, 1), (-1, 1)]
    prog = compile_network(net, box)
    xs = np.random.default_rng(2).uniform(-1, 1, size=(500, 2))
    np.testing.assert_allclose(evaluate(prog, xs), net.forward(xs), rtol=1e-12, atol=1e-12)
    # One leaf per region, with the region's exact map.
    maps = {(tuple(map(tuple, r.M.tolist())), tuple(r.d.tolist())) for r in regions(net, box)}
    assert {(leaf.coef, leaf.const) for leaf in leaves(prog)} <= maps
    assert len(leaves(prog)) == len(regions(net, box))
    source = to_python(prog, function_name="leaky")
    ast.parse(source)
    assert source.startswith("def leaky(x1, x2):")


def test_json_round_trip_and_the_command_line(tmp_path, capsys):
    net = leaky_net([2, 3, 2, 1], 4, F(1, 10))
    data = net.to_dict()
    assert data["layers"][0]["activation"] == "leaky_relu(1/10)"
    back = Network.from_dict(json.loads(json.dumps(data)))
    assert back.activations == net.activations and back.exact
    for a, b in zip(back.layers, net.layers, strict=True):
        assert a.weight.tolist() == b.weight.tolist() and a.bias.tolist() == b.bias.tolist()
    path = tmp_path / "leaky.json"
    path.write_text(json.dumps(data))
    assert main([str(path), "--box=-1:1,-1:1", "--count"]) == 0
    out, _ = capsys.readouterr()
    assert int(out) == len(regions(net, [(-1, 1), (-1, 1)]))
    assert main([str(path), "--box=-1:1,-1:1"]) == 0
    out, _ = capsys.readouterr()
    assert out.count("region ") == len(regions(net, [(-1, 1), (-1, 1)]))
    bad = tmp_path / "bad.json"
    data["layers"][0]["activation"] = "leaky_relu(-1/2)"
    bad.write_text(json.dumps(data))
    assert main([str(bad)]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "slope -1/2 is negative" in err


def test_katex_parses_the_leaky_forms():
    from test_latex import katex_errors

    net = leaky_net([2, 3, 1], 0, F(1, 10))
    steep = leaky_net([2, 2, 1], 1, F(3), exact=False)
    rs = regions(net, [(-1, 1), (-1, 1)])
    strings = [latex.layer_equations(net), latex.layer_equations(net, form="matrix"),
               latex.layer_equations(steep), latex.layer_equations(steep, form="matrix"),
               latex.piecewise(rs), lp.to_latex(lp.encode(net, [(-1, 1), (-1, 1)])),
               lp.to_latex(lp.encode(steep, [(-1, 1), (-1, 1)]))]
    assert katex_errors(strings) == []
