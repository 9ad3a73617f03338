"""Tests of the MILP encoding: hand cases, region LPs as a second opinion, bad input."""

import shutil
import subprocess
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from reluineq import Network
from reluineq.lp import (
    MILP,
    can_exceed,
    encode,
    interval_bounds,
    optimize,
    optimize_by_regions,
    to_latex,
)

# relu(x) - relu(x - 1): 0 left of 0, x on [0, 1], 1 right of 1.
RAMP = Network([[[1], [1]], [[1, -1]]], [[0, -1], [0]], ["relu", "identity"])


# -- hand-computed cases -------------------------------------------------------------
@pytest.mark.parametrize(
    ("box", "sense", "value"),
    [
        ([(-2, 2)], "max", 1.0),
        ([(-2, 2)], "min", 0.0),
        ([(0.25, 0.75)], "max", 0.75),
        ([(0.25, 0.75)], "min", 0.25),
        ([(-3, -1)], "max", 0.0),
    ],
)
def test_ramp_by_hand(box, sense, value):
    for best in (optimize(RAMP, box, sense=sense), optimize_by_regions(RAMP, box, sense=sense)):
        assert best.value == pytest.approx(value, abs=1e-9)
        assert RAMP.forward(best.x)[0] == pytest.approx(value, abs=1e-9)
        assert box[0][0] <= best.x[0] <= box[0][1]


def test_abs_value_network_min_and_max():
    # |x| - |y| = relu(x) + relu(-x) - relu(y) - relu(-y) on [-1, 2] x [-1, 3].
    net = Network(
        [[[1, 0], [-1, 0], [0, 1], [0, -1]], [[1, 1, -1, -1]]],
        [[0, 0, 0, 0], [0]],
        ["relu", "identity"],
    )
    box = [(-1, 2), (-1, 3)]
    hi, lo = optimize(net, box), optimize(net, box, sense="min")
    assert hi.value == pytest.approx(2.0) and np.allclose(hi.x, [2, 0])
    assert lo.value == pytest.approx(-3.0) and np.allclose(lo.x, [0, 3])


def test_second_output_and_relu_output_layer():
    # Two outputs, the last layer itself ReLU: outputs relu(x - y) and relu(y - 2x).
    net = Network([[[1, -1], [-2, 1]]], [[0, 0]], ["relu"])
    box = [(0, 1), (0, 1)]
    assert optimize(net, box, output=0).value == pytest.approx(1.0)
    assert optimize(net, box, output=1).value == pytest.approx(1.0)
    assert optimize(net, box, output=1, sense="min").value == pytest.approx(0.0)
    assert optimize_by_regions(net, box, output=1).value == pytest.approx(1.0)


def test_encode_structure_of_ramp():
    milp = encode(RAMP, [(-2, 2)])
    assert isinstance(milp, MILP)
    assert [v.name for v in milp.variables] == ["x1", "z1_1", "z1_2", "h1_1", "a1_1",
                                                "h1_2", "a1_2", "z2_1"]
    assert milp.n_binaries == 2
    assert milp.integrality.tolist() == [0, 0, 0, 0, 1, 0, 1, 0]
    # Exact net: the big-M constants are the exact interval bounds.
    assert [(list(lo), list(hi)) for lo, hi in milp.bounds] == [
        ([-2, -3], [2, 1]), ([-1], [2])]
    kinds = [k for *_, k in milp.constraints()]
    assert kinds == ["affine", "affine"] + ["nonneg", "above", "active", "inactive"] * 2 + [
        "affine"]
    named, lo, hi, kind = list(milp.constraints())[4]
    assert kind == "active" and named == {"h1_1": 1, "z1_1": -1, "a1_1": 2}
    assert (lo, hi) == (None, 2)
    assert milp.index("a1_2") == 6
    with pytest.raises(KeyError, match="no variable"):
        milp.index("q")


def test_stable_units_need_no_binary():
    # On [1, 2]: relu(x) is always on (h = z), relu(-x) always off (h = 0).
    net = Network([[[1], [-1]], [[1, 1]]], [[0, 0], [0]], ["relu", "identity"])
    milp = encode(net, [(1, 2)])
    assert milp.n_binaries == 0
    assert [k for *_, k in milp.constraints()] == ["affine", "affine", "live", "dead", "affine"]
    tex = to_latex(milp)
    assert r"h^{(1)}_{1} &= z^{(1)}_{1}" in tex and r"h^{(1)}_{2} &= 0" in tex
    assert "a^{" not in tex
    assert optimize(net, [(1, 2)]).value == pytest.approx(2.0)


def test_every_feasible_binary_choice_matches_its_pattern():
    # Fixing a in the encoding and the input: the big-M rows force h = relu(z) exactly.
    from scipy.optimize import Bounds, LinearConstraint, milp

    net = Network.random([2, 4, 3, 1], seed=3)
    model = encode(net, [(-1, 1), (-1, 1)])
    A, lo, hi = model.matrix()
    vlo, vhi = model.variable_bounds()
    rng = np.random.default_rng(0)
    h_ids = [i for i, v in enumerate(model.variables) if v.kind == "post"]
    for x in rng.uniform(-1, 1, size=(5, 2)):
        vl, vh = vlo.copy(), vhi.copy()
        vl[:2] = vh[:2] = x
        for sign in (1.0, -1.0):
            cost = np.zeros(len(vl))
            cost[h_ids] = sign  # push every h down, then up: it cannot move
            res = milp(cost, integrality=model.integrality, bounds=Bounds(vl, vh),
                       constraints=LinearConstraint(A, lo, hi))
            assert res.status == 0
            hs = np.concatenate([np.maximum(z, 0) for z in net.preactivations(x)[:-1]])
            assert np.allclose(res.x[h_ids], hs, atol=1e-7)


# -- the two ways to the same optimum ----------------------------------------------------
@pytest.mark.parametrize(
    ("widths", "seed"),
    [([2, 4, 1], 0), ([2, 6, 4, 1], 1), ([2, 8, 8, 1], 2), ([3, 5, 1], 3), ([3, 6, 4, 1], 4),
     ([3, 4, 4, 4, 1], 5), ([2, 5, 5, 2], 6)],
)
@pytest.mark.parametrize("sense", ["max", "min"])
def test_milp_equals_best_region_lp(widths, seed, sense):
    net = Network.random(widths, seed=seed)
    box = [(-2.0, 1.5)] + [(-1.0, 2.0)] * (widths[0] - 1)
    output = widths[-1] - 1
    a = optimize(net, box, output=output, sense=sense)
    b = optimize_by_regions(net, box, output=output, sense=sense)
    c = optimize(net, box, output=output, sense=sense, bounds="interval")
    assert a.value == pytest.approx(b.value, abs=1e-6)
    assert c.value == pytest.approx(b.value, abs=1e-6)
    for best in (a, b):
        # The witness really reaches the value, and lies in the box.
        assert net.forward(best.x)[output] == pytest.approx(best.value, abs=1e-9)
        lo, hi = np.array(box).T
        assert np.all(best.x >= lo) and np.all(best.x <= hi)
    assert b.n_solves > 1 and a.n_solves == 1
    assert b.n_nodes == 0
    # The MILP's proven bound is on the right side of every value found.
    if sense == "max":
        assert a.bound >= a.value - 1e-9
    else:
        assert a.bound <= a.value + 1e-9


def test_optimum_dominates_samples():
    net = Network.random([3, 8, 8, 1], seed=11)
    box = [(-1, 1)] * 3
    hi, lo = optimize(net, box), optimize(net, box, sense="min")
    xs = np.random.default_rng(1).uniform(-1, 1, size=(5000, 3))
    ys = net.forward(xs)[:, 0]
    assert ys.max() <= hi.value + 1e-9 and ys.min() >= lo.value - 1e-9
    # Sampling gets close but should not beat the solver.
    assert hi.value - ys.max() < 0.2


def test_exact_network_optimum():
    net = Network([[[1, 2], [Fraction(-1, 3), 1]], [[1, -2]]], [[-1, 0], [Fraction(1, 2)]],
                  ["relu", "identity"])
    box = [(-1, 1), (0, 2)]
    a, b = optimize(net, box), optimize_by_regions(net, box)
    assert a.value == pytest.approx(b.value, abs=1e-9)


# -- can_exceed ------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
def test_can_exceed_both_answers(seed):
    net = Network.random([2, 6, 6, 1], seed=seed)
    box = [(-1, 1), (-1, 1)]
    top = optimize_by_regions(net, box).value
    yes = can_exceed(net, box, top - 1e-3)
    assert yes.exceeds and yes.witness is not None
    assert net.forward(yes.witness)[0] > top - 1e-3
    no = can_exceed(net, box, top + 1e-3)
    assert not no.exceeds and no.witness is None
    assert no.bound <= top + 1e-3
    assert no.bound == pytest.approx(top, abs=1e-6)


def test_can_exceed_hand_case():
    assert can_exceed(RAMP, [(-2, 2)], 0.999).exceeds
    no = can_exceed(RAMP, [(-2, 2)], 1)
    assert not no.exceeds and no.bound == pytest.approx(1.0)
    assert not can_exceed(RAMP, [(-2, 0)], 0).exceeds


# -- interval bounds -----------------------------------------------------------------
@pytest.mark.parametrize(("widths", "seed"), [([2, 8, 8, 1], 0), ([3, 5, 5, 5, 2], 1)])
def test_interval_bounds_contain_samples(widths, seed):
    net = Network.random(widths, seed=seed)
    box = [(-1.5, 1.0)] * widths[0]
    bounds = interval_bounds(net, box)
    xs = np.random.default_rng(seed).uniform(-1.5, 1.0, size=(4000, widths[0]))
    corners = np.array(np.meshgrid(*[[-1.5, 1.0]] * widths[0])).reshape(widths[0], -1).T
    for (lo, hi), z in zip(bounds, net.preactivations(np.vstack([xs, corners])), strict=True):
        assert np.all(z >= lo - 1e-12) and np.all(z <= hi + 1e-12)
    # The first layer's interval is attained (at box corners): it is exact.
    z1 = net.preactivations(corners)[0]
    assert np.allclose(z1.min(axis=0), bounds[0][0]) and np.allclose(z1.max(axis=0), bounds[0][1])


def test_lp_bounds_are_tighter_and_valid():
    net = Network.random([2, 8, 8, 8, 1], seed=2)
    box = [(-1, 1), (-1, 1)]
    loose, tight = encode(net, box).bounds, encode(net, box, bounds="lp").bounds
    xs = np.random.default_rng(0).uniform(-1, 1, size=(4000, 2))
    zs = net.preactivations(xs)
    for (l0, u0), (l1, u1), z in zip(loose, tight, zs, strict=True):
        assert np.all(l1 >= l0 - 1e-12) and np.all(u1 <= u0 + 1e-12)
        assert np.all(z >= l1 - 1e-9) and np.all(z <= u1 + 1e-9)
    assert sum(np.sum(u - lo) for lo, u in tight) < 0.9 * sum(np.sum(u - lo) for lo, u in loose)


def test_interval_bounds_exact_and_sigmoid():
    net = Network([[[1, -1]], [[2]]], [[0], [1]], ["relu", "identity"])
    (l1, u1), (l2, u2) = interval_bounds(net, [(0, 1), (0, 1)])
    assert (l1[0], u1[0], l2[0], u2[0]) == (-1, 1, 1, 3)
    assert isinstance(l2[0], Fraction)
    sig = Network([[[1]], [[1]]], [[0], [0]], ["sigmoid", "identity"])
    (_, _), (lo, hi) = interval_bounds(sig, [(-1, 1)])
    assert lo[0] == pytest.approx(1 / (1 + np.e)) and hi[0] == pytest.approx(1 / (1 + np.e**-1))


def test_interval_bounds_of_a_steep_sigmoid_do_not_overflow():
    # exp(1000) overflows a float: the bounds must come from the overflow-free sigmoid.
    steep = Network([[[1000.0]], [[1.0]]], [[0.0], [0.0]], ["sigmoid", "identity"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (lo1, hi1), (lo2, hi2) = interval_bounds(steep, [(-1, 1)])
    assert (lo1[0], hi1[0]) == (-1000.0, 1000.0)
    assert (lo2[0], hi2[0]) == (0.0, 1.0)


# -- rendering -------------------------------------------------------------------------
def test_text_rendering():
    text = encode(RAMP, [(-2, 2)]).to_text()
    assert text.splitlines()[0] == "x1 in [-2, 2]"
    assert "h1_1 - z1_1 + 2 a1_1 <= 2" in text
    assert text.splitlines()[-1] == "a1_1, a1_2 in {0, 1}"
    assert str(encode(RAMP, [(-2, 2)])) == text


def test_latex_rendering_floats():
    net = Network.random([2, 3, 1], seed=0)
    tex = encode(net, [(-1, 1), (-1, 1)]).to_latex(precision=2)
    assert tex.startswith("\\begin{aligned}\n") and tex.endswith("\n\\end{aligned}")
    assert tex.count("\\in \\{0, 1\\}") == 3
    assert "0.19 x_{1} - 0.33 x_{2} + 0.15" in tex  # weights to 2 significant digits
    with pytest.raises(ValueError, match="precision"):
        to_latex(encode(net, [(-1, 1), (-1, 1)]), precision=-1)
    with pytest.raises(TypeError, match="MILP"):
        to_latex("not a milp")


def test_latex_keeps_small_terms_and_reads_precision_as_significant_digits():
    # A weight of 0.0004 is no term to drop: the text shows it, and so must the LaTeX.
    net = Network([[[0.0004, 1.0], [123.456, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]],
                  ["relu", "identity"])
    milp = encode(net, [(-1, 1), (-1, 1)], bounds="interval")
    assert "z1_1 - 0.0004 x1 - x2 = 0" in milp.to_text()
    tex = to_latex(milp)
    assert "z^{(1)}_{1} &= 0.0004 x_{1} + x_{2}" in tex
    # precision counts significant digits, as in reluineq.latex: 123.456 is 123 at 3.
    assert "z^{(1)}_{2} &= 123 x_{1} + x_{2}" in tex
    # The big-M of the first unit is U = 1.0004: 1 at 3 digits, 1.0004 at 5.
    assert "\\le z^{(1)}_{1} + 1.0004\\,(1 - a^{(1)}_{1})" in to_latex(milp, precision=5)
    assert "\\le 1.0004\\, a^{(1)}_{1}" in to_latex(milp, precision=5)
    assert "z^{(1)}_{2} &= 123.46 x_{1} + x_{2}" in to_latex(milp, precision=5)


def test_latex_renders_in_katex():
    katex = Path(__file__).parents[1] / "node_modules" / "katex"
    # The Makefile installs the pinned KaTeX before the tests; its absence is a failure.
    assert shutil.which("node") and katex.is_dir(), "needs node and node_modules/katex (npm ci)"
    net = Network.random([2, 3, 2, 1], seed=4)
    exact = Network([[[1], [-1]], [[Fraction(1, 2), 1]]], [[Fraction(-1, 3), 0], [0]],
                    ["relu", "identity"])
    for tex in (to_latex(encode(net, [(-1, 1), (-1, 1)])), to_latex(encode(exact, [(-1, 1)]))):
        script = (f"require({str(katex)!r}).renderToString(require('fs').readFileSync(0, "
                  "'utf8'), {throwOnError: true, displayMode: true})")
        subprocess.run(["node", "-e", script], input=tex, text=True, check=True, timeout=30)


# -- bad input -------------------------------------------------------------------------
SIGMOID = Network([[[1]], [[1]]], [[0], [0]], ["sigmoid", "identity"])


@pytest.mark.parametrize("fn", [encode, optimize, optimize_by_regions])
def test_sigmoid_network_rejected(fn):
    with pytest.raises(ValueError, match="sigmoid"):
        fn(SIGMOID, [(-1, 1)])


@pytest.mark.parametrize(
    ("box", "match"),
    [
        ([(-np.inf, 1)], "unbounded"),
        ([(0, np.inf)], "unbounded"),
        ([(0, 1), (0, 1)], "2 intervals but the network has 1"),
        ([(1, 0)], "empty"),
        ([(0, np.nan)], "non-finite"),
    ],
)
@pytest.mark.parametrize("fn", [encode, optimize, optimize_by_regions])
def test_bad_box(fn, box, match):
    with pytest.raises(ValueError, match=match):
        fn(RAMP, box)


def test_bad_output_sense_bounds_threshold():
    with pytest.raises(ValueError, match="out of range"):
        optimize(RAMP, [(0, 1)], output=1)
    with pytest.raises(ValueError, match="out of range"):
        optimize_by_regions(RAMP, [(0, 1)], output=-1)
    with pytest.raises(TypeError, match="integer"):
        optimize(RAMP, [(0, 1)], output=0.0)
    with pytest.raises(ValueError, match="sense"):
        optimize(RAMP, [(0, 1)], sense="maximum")
    with pytest.raises(ValueError, match="sense"):
        optimize_by_regions(RAMP, [(0, 1)], sense="MAX")
    with pytest.raises(ValueError, match="bounds"):
        encode(RAMP, [(0, 1)], bounds="tight")
    with pytest.raises(ValueError, match="finite"):
        can_exceed(RAMP, [(0, 1)], np.inf)
    with pytest.raises(TypeError, match="threshold"):
        can_exceed(RAMP, [(0, 1)], "1")
    with pytest.raises(TypeError, match="Network"):
        encode("net", [(0, 1)])


def test_branch_and_bound_nodes_are_counted_and_reproducible():
    # A network big enough that HiGHS must branch: the root relaxation is not integral.
    net = Network.random([2, 16, 16, 1], seed=0)
    box = [(-2, 2)] * 2
    first, again = optimize(net, box), optimize(net, box)
    assert first.n_nodes > 0
    # Counts of work, unlike wall-clock times, are the same on every run (the site shows them).
    assert first.n_nodes == again.n_nodes and first.n_binaries == again.n_binaries
