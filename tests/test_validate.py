"""One rule for every argument the public functions share: boxes, networks, indices."""

from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp

from reluineq import (
    Network,
    approx,
    check_expression,
    check_regions,
    latex,
    lp,
    plot,
    program,
    regions,
    symbolic,
    validate,
)
from reluineq.symbolic import input_symbols

# relu(x) - 2 relu(x - 1) on one input; relu(x1) + relu(x2) on two.
RAMP = Network([[[1], [1]], [[1, -2]]], [[0, -1], [0]], ["relu", "identity"])
(X1,) = input_symbols(1)
CROSS = Network([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]], ["relu", "identity"])


def _close_figures():
    plt.close("all")


# -- boxes ------------------------------------------------------------------------------------

ONE_INPUT = {
    "regions": lambda box: sorted(tuple(np.asarray(r.vertices).ravel())
                                  for r in regions(RAMP, box)),
    "lp.encode": lambda box: lp.encode(RAMP, box).to_text(),
    "lp.interval_bounds": lambda box: [(list(lo), list(hi))
                                       for lo, hi in lp.interval_bounds(RAMP, box)],
    "lp.optimize": lambda box: round(lp.optimize(RAMP, box).value, 9),
    "lp.optimize_by_regions": lambda box: round(lp.optimize_by_regions(RAMP, box).value, 9),
    "program.compile_network": lambda box: program.to_python(program.compile_network(RAMP, box)),
    "plot.breakpoints_1d": lambda box: plot.breakpoints_1d(RAMP, box).collections[0]
    .get_offsets().tolist(),
    "check_expression": lambda box: str(check_expression(
        RAMP, [sp.Max(0, X1) - 2 * sp.Max(0, X1 - 1)], box=box, samples=20)),
    "approx.interpolation_error": lambda box: approx.interpolation_error(
        np.sin, [2, 5], box, n_eval=101).tolist(),
}


@pytest.mark.parametrize("name", sorted(ONE_INPUT))
def test_a_one_input_box_is_a_pair_or_a_list_of_one_pair(name):
    # The one rule: a list of (low, high) pairs, one per input; with one input the bare
    # pair is the same box. Every public function reads all these spellings alike.
    run = ONE_INPUT[name]
    try:
        results = [run(box) for box in ((-1, 3), [(-1, 3)], [[-1, 3]], np.array([[-1.0, 3.0]]),
                                        (Fraction(-1), Fraction(3)))]
    finally:
        _close_figures()
    assert all(r == results[0] for r in results[1:]), results


TWO_INPUTS = {
    "regions": lambda box: regions(CROSS, box),
    "lp.optimize": lambda box: lp.optimize(CROSS, box),
    "program.compile_network": lambda box: program.compile_network(CROSS, box),
    "plot.partition": lambda box: plot.partition(CROSS, box),
    "plot.surface": lambda box: plot.surface(CROSS, box),
    "plot.hyperplanes": lambda box: plot.hyperplanes(CROSS, box),
    "check_expression": lambda box: check_expression(CROSS, [0], box=box),
}


@pytest.mark.parametrize("name", sorted(TWO_INPUTS))
@pytest.mark.parametrize(
    ("box", "message"),
    [
        ((-1, 1), r"box \(-1, 1\) is a single interval but there are 2 inputs: give one "
                  r"\(low, high\) pair per input, e.g. \[\(-1, 1\), \(-1, 1\)\]"),
        ([(-1, 1)] * 3, "box has 3 intervals but the network has 2 inputs"),
        ([(-1, 1), (2, 1)], "box interval 1 is empty or flat"),
        ([(-1, 1), (0, np.inf)], "unbounded domain: box interval 1"),
        ("-1:1", "box must be a sequence of"),
    ],
)
def test_a_bad_box_gets_the_same_error_everywhere(name, box, message):
    try:
        with pytest.raises(ValueError, match=message):
            TWO_INPUTS[name](box)
    finally:
        _close_figures()


def test_the_box_rule_itself():
    assert validate.box([(0, Fraction(1, 2))], 1, exact=True).tolist() == [[0, Fraction(1, 2)]]
    assert validate.box([(0, 0.1)], 1, exact=True)[0, 1] == Fraction(1, 10)
    assert validate.box(np.array([[0, 1], [2, 3]]), 2).dtype == float
    assert validate.box([(sp.Rational(-1, 3), 1)], 1, exact=True)[0, 0] == Fraction(-1, 3)
    with pytest.raises(TypeError, match="box interval 0: booleans are not numbers"):
        validate.box([(False, True)], 1)
    with pytest.raises(TypeError, match=r"box interval 0: non-numeric entry 'a'"):
        validate.box([("a", 1)], 1)
    with pytest.raises(ValueError, match="interval has 2 intervals"):
        validate.box([(0, 1), (0, 1)], 1, name="interval")


# -- indices and the other shared arguments ------------------------------------------------------

TWO_OUT = Network.random([2, 3, 2], seed=1)
TWO_OUT_REGIONS = regions(TWO_OUT, [(-1, 1)] * 2)
SQUARE = [(-1, 1)] * 2

OUTPUT_CALLS = {
    "latex.piecewise": lambda o: latex.piecewise(TWO_OUT_REGIONS, output=o),
    "plot.partition": lambda o: plot.partition(TWO_OUT_REGIONS, color_by="output", output=o),
    "plot.surface": lambda o: plot.surface(TWO_OUT, SQUARE, output=o),
    "lp.optimize": lambda o: lp.optimize(TWO_OUT, SQUARE, output=o),
    "lp.optimize_by_regions": lambda o: lp.optimize_by_regions(TWO_OUT, SQUARE, output=o),
    "lp.can_exceed": lambda o: lp.can_exceed(TWO_OUT, SQUARE, 0.0, output=o),
}


@pytest.mark.parametrize("name", sorted(OUTPUT_CALLS))
@pytest.mark.parametrize(
    ("output", "error", "message"),
    [
        (True, TypeError, "output must be an integer index, got True"),
        (1.0, TypeError, "output must be an integer index, got 1.0"),
        ("0", TypeError, "output must be an integer index, got '0'"),
        (2, ValueError, r"output 2 is out of range: the network has 2 outputs"),
        (-1, ValueError, r"output -1 is out of range: the network has 2 outputs"),
    ],
)
def test_an_output_index_is_checked_the_same_everywhere(name, output, error, message):
    try:
        with pytest.raises(error, match=message):
            OUTPUT_CALLS[name](output)
    finally:
        _close_figures()


LAYER_CALLS = {
    "latex.layer_equations": lambda layer: latex.layer_equations(TWO_OUT, layer=layer),
    "symbolic.layer_equations": lambda layer: symbolic.layer_equations(TWO_OUT, layer=layer),
    "plot.hyperplanes": lambda layer: plot.hyperplanes(TWO_OUT, SQUARE, layer=layer),
}


@pytest.mark.parametrize("name", sorted(LAYER_CALLS))
@pytest.mark.parametrize(
    ("layer", "error", "message"),
    [
        (True, TypeError, "layer must be an integer index, got True"),
        (1.5, TypeError, "layer must be an integer index, got 1.5"),
        (2, ValueError, "layer 2 is out of range: the network has 2 layers"),
        (-3, ValueError, "layer -3 is out of range: the network has 2 layers"),
    ],
)
def test_a_layer_index_is_checked_the_same_everywhere(name, layer, error, message):
    try:
        with pytest.raises(error, match=message):
            LAYER_CALLS[name](layer)
    finally:
        _close_figures()


def test_negative_layer_indices_count_from_the_end():
    try:
        assert latex.layer_equations(TWO_OUT, layer=-1) == latex.layer_equations(TWO_OUT, layer=1)
        assert symbolic.layer_equations(TWO_OUT, layer=-2) == symbolic.layer_equations(
            TWO_OUT, layer=0)
        plot.hyperplanes(TWO_OUT, SQUARE, layer=-1)
    finally:
        _close_figures()


REGION_CALLS = {
    "check_regions": lambda arg: check_regions(arg),
    "latex.piecewise": lambda arg: latex.piecewise(arg, output=0),
    "symbolic.piecewise": lambda arg: symbolic.piecewise(arg),
    # A network is also welcome here (its regions are enumerated): anything else is not.
    "plot.partition": lambda arg: plot.partition([arg] if isinstance(arg, Network) else arg),
}


@pytest.mark.parametrize("name", sorted(REGION_CALLS))
@pytest.mark.parametrize(
    ("arg", "message"),
    [
        (TWO_OUT, r"expected the regions of reluineq\.regions\(net, box\), got a Network|"
                  r"region 0 is a Network, not a reluineq\.Region"),
        ([TWO_OUT_REGIONS[0], "x"], r"region 1 is a str, not a reluineq\.Region"),
        (5, r"expected the regions of reluineq\.regions\(net, box\), got an int"),
    ],
)
def test_regions_are_checked_to_be_regions(name, arg, message):
    try:
        with pytest.raises(TypeError, match=message):
            REGION_CALLS[name](arg)
    finally:
        _close_figures()


@pytest.mark.parametrize("fn", [latex.inequalities, latex.inequality_lines, latex.affine_map,
                                symbolic.affine_map, symbolic.region_conditions])
def test_a_region_argument_is_a_region(fn):
    with pytest.raises(TypeError, match=r"expected a reluineq\.Region, got a Network"):
        fn(TWO_OUT)


@pytest.mark.parametrize("fn", [latex.layer_equations, symbolic.layer_equations,
                                symbolic.network_expression, symbolic.affine_collapse,
                                lp.encode, program.compile_network])
def test_a_network_argument_is_a_network(fn):
    args = (SQUARE,) if fn in (lp.encode, program.compile_network) else ()
    with pytest.raises(TypeError, match=r"expected a reluineq\.Network, got a list"):
        fn(list(TWO_OUT_REGIONS), *args)
