"""One formatter: every module writes a number the same way, for one meaning of precision."""

import json
from fractions import Fraction

import pytest

from reluineq import Network, latex, lp, program, regions
from reluineq.cli import main
from reluineq.formatting import check_precision, linear, number

# Weights a rounding to decimal places would break: 0.0004 vanishes, 123.456 keeps 3 decimals.
NET = Network([[[123.456, 0.0004]], [[1.0]]], [[-0.5], [0.0]], ["relu", "identity"])
BOX = [(-1, 1), (-1, 1)]


def test_precision_is_significant_digits_in_every_output(tmp_path, capsys):
    region = next(r for r in regions(NET, BOX) if r.pattern == (1,))
    path = tmp_path / "net.json"
    path.write_text(json.dumps(NET.to_dict()))
    assert main([str(path), "--box=-1:1,-1:1", "--precision", "3"]) == 0
    outputs = {
        "latex.linear": latex.linear(NET.layers[0].weight[0], NET.layers[0].bias[0]),
        "latex.inequalities": latex.inequalities(region),
        "latex.affine_map": latex.affine_map(region),
        "latex.layer_equations": latex.layer_equations(NET),
        "lp.to_latex": lp.to_latex(lp.encode(NET, BOX)),
        "lp.to_text": lp.encode(NET, BOX).to_text(precision=3),
        "program.to_python": program.to_python(program.compile_network(NET, BOX)),
        "cli": capsys.readouterr().out,
    }
    for name, text in outputs.items():
        assert "123" in text and "0.0004" in text, name
        assert "123.4" not in text and "123.5" not in text, name


def test_number_and_linear():
    assert [number(v) for v in (0.0004, -123.456, 1e-7, 2.0, -0.0)] == [
        "0.0004", "-123", "10^{-7}", "2", "0"]
    assert number(1.5e-7, 2, plain=True) == "1.5e-07"
    assert number(Fraction(-3, 4)) == "-\\frac{3}{4}"
    assert number(Fraction(-3, 4), plain=True) == "-3/4"
    assert linear([1, -2, 0], Fraction(1, 2)) == "x_{1} - 2 x_{2} + \\frac{1}{2}"
    assert linear([0.0004, 1.0], 0, ["a", "b"], plain=True, times=" ") == "0.0004 a + b"
    assert linear([2.0], 0, ["\\max(0, x)"], times="\\,") == "2\\,\\max(0, x)"
    with pytest.raises(TypeError, match="booleans are not numbers"):
        number(True)
    with pytest.raises(ValueError, match="non-finite"):
        number(float("nan"))


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "3"])
def test_precision_is_a_positive_integer(bad):
    for call in (lambda: check_precision(bad), lambda: linear([1.0], 0, precision=bad),
                 lambda: lp.encode(NET, BOX).to_text(precision=bad)):
        with pytest.raises(ValueError, match="precision must be a positive integer"):
            call()
