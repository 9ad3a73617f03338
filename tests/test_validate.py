"""One rule for every argument the public functions share: boxes, networks, indices."""

from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp

from reluineq import Network, approx, check_expression, lp, plot, program, regions, validate
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
    "plot.region_map": lambda box: plot.region_map(CROSS, box),
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
