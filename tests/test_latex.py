"""Tests of reluineq.latex: hand-written expected strings, a reading of the strings back into
numbers (checked against the regions), and KaTeX parsing every kind of output."""

import json
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from reluineq import Network, regions
from reluineq.latex import (
    affine_map,
    inequalities,
    inequality_lines,
    layer_equations,
    linear,
    matrix,
    number,
    piecewise,
)

ROOT = Path(__file__).resolve().parents[1]
KATEX = ROOT / "node_modules" / "katex"
SQUARE = [(-1, 1), (-1, 1)]


def two_unit_net() -> Network:
    # relu(x1 - 2 x2 + 1/2) + relu(x1 + x2 - 1)
    return Network(
        [[[1, -2], [1, 1]], [[1, 1]]], [[Fraction(1, 2), -1], [0]], ["relu", "identity"]
    )


def by_pattern(net, box=SQUARE):
    return {r.pattern: r for r in regions(net, box)}


# -- numbers and affine forms ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (0, 3, "0"),
        (7, 3, "7"),
        (-12, 3, "-12"),
        (Fraction(3, 4), 3, r"\frac{3}{4}"),
        (Fraction(-3, 4), 3, r"-\frac{3}{4}"),
        (Fraction(10, 5), 3, "2"),
        (sp.Rational(-5, 3), 3, r"-\frac{5}{3}"),
        (np.int64(4), 3, "4"),
        (2.0, 3, "2"),
        (-0.0, 3, "0"),
        (0.123456, 3, "0.123"),
        (0.123456, 5, "0.12346"),
        (-2.5, 3, "-2.5"),
        (123456.0, 3, "123456"),
        (12345.6, 3, r"1.23 \times 10^{4}"),
        (1e-7, 3, "10^{-7}"),
        (-1.5e-7, 2, r"-1.5 \times 10^{-7}"),
        (np.float64(0.1), 2, "0.1"),
        (sp.Float(0.25), 3, "0.25"),
    ],
)
def test_number_table(value, precision, expected):
    assert number(value, precision) == expected


def test_number_plain_and_errors():
    assert number(Fraction(-3, 4), plain=True) == "-3/4"
    assert number(1.5e-7, 2, plain=True) == "1.5e-07"
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="precision"):
            number(1.0, bad)
    with pytest.raises(ValueError, match="non-finite"):
        number(float("inf"))
    with pytest.raises(TypeError, match="not a real number"):
        number("1/2")
    with pytest.raises(TypeError, match="booleans"):
        number(True)


@pytest.mark.parametrize(
    ("coefs", "const", "expected"),
    [
        ([1, -2], Fraction(1, 2), r"x_{1} - 2 x_{2} + \frac{1}{2}"),
        ([-1, 1], 0, "-x_{1} + x_{2}"),
        ([0, 0], 0, "0"),
        ([0, 0], -3, "-3"),
        ([0, Fraction(-1, 3)], 1, r"-\frac{1}{3} x_{2} + 1"),
        ([1.0, -1.0], 0.0, "x_{1} - x_{2}"),
        ([0.5, 0.0], -0.25, "0.5 x_{1} - 0.25"),
        ([1.00001, 2.0], 0.0, "x_{1} + 2 x_{2}"),  # rounds to 1 at 3 digits: no "1 x"
    ],
)
def test_linear_table(coefs, const, expected):
    assert linear(coefs, const) == expected


def test_linear_symbols_and_plain():
    a, b = sp.symbols("alpha b_2")
    assert linear([2, -1], 0, [a, b]) == r"2 \alpha - b_{2}"
    assert linear([2, -1], 0, ["u", "v"], plain=True) == "2*u - v"
    assert linear([Fraction(1, 2), 0], -1, plain=True) == "1/2*x1 - 1"
    with pytest.raises(ValueError, match="expected 2 input symbols"):
        linear([1, 2], 0, ["u"])


def test_matrix():
    assert matrix([[1, Fraction(1, 2)], [0, -1]]) == (
        r"\begin{bmatrix} 1 & \frac{1}{2} \\ 0 & -1 \end{bmatrix}"
    )
    assert matrix([1.5, 2]) == r"\begin{bmatrix} 1.5 \\ 2 \end{bmatrix}"
    with pytest.raises(ValueError, match="shape"):
        matrix(np.zeros((0, 2)))


# -- regions by hand ------------------------------------------------------------------------


def test_inequality_lines_by_hand():
    rs = by_pattern(two_unit_net())
    # Pattern (1, 0): unit 1 on, unit 2 off; the region touches x1 = -1, x1 = 1 and x2 = -1.
    assert inequality_lines(rs[(1, 0)]) == [
        r"x_{1} - 2 x_{2} + \frac{1}{2} \ge 0",
        r"x_{1} + x_{2} - 1 \le 0",
        r"-1 \le x_{1} \le 1",
        r"x_{2} \ge -1",
    ]
    assert inequality_lines(rs[(0, 1)], plain=True) == [
        "x1 - 2*x2 + 1/2 <= 0",
        "x1 + x2 - 1 >= 0",
        "x1 <= 1",
        "x2 <= 1",
    ]
    assert inequality_lines(rs[(1, 1)], symbols=["a", "b"], box=False) == [
        r"a - 2 b + \frac{1}{2} \ge 0",
        r"a + b - 1 \ge 0",
    ]


def test_inequalities_environments_by_hand():
    rs = by_pattern(two_unit_net())
    assert inequalities(rs[(1, 1)]) == (
        "\\begin{cases}\n"
        "x_{1} - 2 x_{2} + \\frac{1}{2} \\ge 0 \\\\\n"
        "x_{1} + x_{2} - 1 \\ge 0 \\\\\n"
        "x_{1} \\le 1\n"
        "\\end{cases}"
    )
    assert inequalities(rs[(1, 0)], env="aligned") == (
        "\\begin{aligned}\n"
        "x_{1} - 2 x_{2} + \\frac{1}{2} &\\ge 0 \\\\\n"
        "x_{1} + x_{2} - 1 &\\le 0 \\\\\n"
        "-1 &\\le x_{1} \\le 1 \\\\\n"
        "x_{2} &\\ge -1\n"
        "\\end{aligned}"
    )
    with pytest.raises(ValueError, match="unknown environment 'align'"):
        inequalities(rs[(1, 1)], env="align")


def test_deeper_layer_rows_use_the_region_preactivation():
    # Second layer unit relu(h1 - 1) with h1 = relu(x1): on x1 > 0 its pre-activation is
    # x1 - 1, so the region x1 > 1 reads "x1 - 1 >= 0".
    net = Network([[[1]], [[1]], [[1]]], [[0], [-1], [0]], ["relu", "relu", "identity"])
    rs = by_pattern(net, [(-2, 2)])
    assert set(rs) == {(0, 0), (1, 0), (1, 1)}
    assert inequality_lines(rs[(1, 1)]) == [r"x_{1} - 1 \ge 0", r"x_{1} \le 2"]
    assert inequality_lines(rs[(1, 0)]) == [r"x_{1} \ge 0", r"x_{1} - 1 \le 0"]
    assert inequality_lines(rs[(0, 0)]) == [r"x_{1} \le 0", r"x_{1} \ge -2"]


def test_affine_map_by_hand():
    rs = by_pattern(two_unit_net())
    assert affine_map(rs[(1, 1)]) == r"y = 2 x_{1} - x_{2} - \frac{1}{2}"
    assert affine_map(rs[(0, 0)]) == "y = 0"
    assert affine_map(rs[(0, 1)], outputs="f(x)") == "f(x) = x_{1} + x_{2} - 1"
    assert affine_map(rs[(1, 1)], form="matrix") == (
        r"y = \begin{bmatrix} 2 & -1 \end{bmatrix} \begin{bmatrix} x_{1} \\ x_{2} \end{bmatrix}"
        r" + \begin{bmatrix} -\frac{1}{2} \end{bmatrix}"
    )
    two = Network([[[1, -1]], [[2], [-1]]], [[0], [Fraction(1, 2), 0]], ["relu", "identity"])
    r = by_pattern(two)[(1,)]
    assert affine_map(r) == (
        "\\begin{aligned}\ny_{1} &= 2 x_{1} - 2 x_{2} + \\frac{1}{2} \\\\\n"
        "y_{2} &= -x_{1} + x_{2}\n\\end{aligned}"
    )
    with pytest.raises(ValueError, match="expected 2 output names"):
        affine_map(r, outputs=["y"])
    with pytest.raises(ValueError, match="unknown form"):
        affine_map(r, form="table")


def test_piecewise_by_hand():
    net = Network([[[1]], [[2]]], [[0], [1]], ["relu", "identity"])
    rs = sorted(regions(net, [(-1, 1)]), key=lambda r: r.pattern)
    assert piecewise(rs) == (
        "y = \\begin{cases}\n"
        "1 & \\text{if } x_{1} \\le 0,\\; x_{1} \\ge -1 \\\\\n"
        "2 x_{1} + 1 & \\text{if } x_{1} \\ge 0,\\; x_{1} \\le 1\n"
        "\\end{cases}"
    )
    assert piecewise(rs, name="f(x)", box=False).startswith("f(x) = \\begin{cases}\n1 & ")


def test_piecewise_errors():
    net = two_unit_net()
    rs = regions(net, SQUARE)
    with pytest.raises(ValueError, match="no regions"):
        piecewise([])
    two = Network([[[1, -1]], [[2], [-1]]], [[0], [0, 0]], ["relu", "identity"])
    with pytest.raises(ValueError, match="2 outputs: choose one"):
        piecewise(regions(two, SQUARE))
    with pytest.raises(ValueError, match="output 2 is out of range: the network has 2 outputs"):
        piecewise(regions(two, SQUARE), output=2)
    assert piecewise(regions(two, SQUARE), output=1).startswith("y_{2} = ")
    # The regions know their network: the old call with the network first is refused.
    with pytest.raises(TypeError, match="got a Network: pass the regions alone"):
        piecewise(net, rs)
    with pytest.raises(ValueError, match="region 1 comes from another call"):
        piecewise([rs[0], regions(two, SQUARE)[0]])


def test_layer_equations_by_hand():
    net = Network([[[1, -2]], [[3]]], [[Fraction(1, 2)], [0]], ["relu", "identity"])
    assert layer_equations(net) == (
        "\\begin{aligned}\n"
        "z^{(1)}_{1} &= x_{1} - 2 x_{2} + \\frac{1}{2} \\\\\n"
        "h^{(1)}_{1} &= \\max(0, z^{(1)}_{1}) \\\\\n"
        "z^{(2)}_{1} &= 3 h^{(1)}_{1} \\\\\n"
        "h^{(2)}_{1} &= z^{(2)}_{1}\n"
        "\\end{aligned}"
    )
    sig = Network([[[0.5, -1.0]]], [[0.0]], ["sigmoid"])
    assert layer_equations(sig, layer=0) == (
        "\\begin{aligned}\n"
        "z^{(1)}_{1} &= 0.5 x_{1} - x_{2} \\\\\n"
        "h^{(1)}_{1} &= \\frac{1}{1 + e^{-z^{(1)}_{1}}}\n"
        "\\end{aligned}"
    )
    assert layer_equations(net, layer=1, form="matrix") == (
        "\\begin{aligned}\n"
        "h^{(2)} &= \\begin{bmatrix} 3 \\end{bmatrix} h^{(1)} + \\begin{bmatrix} 0 \\end{bmatrix}\n"
        "\\end{aligned}"
    )
    for bad in (2, -3):
        with pytest.raises(ValueError, match=f"layer {bad} is out of range"):
            layer_equations(net, layer=bad)
    for bad in ("0", True):
        with pytest.raises(TypeError, match="layer must be an integer index"):
            layer_equations(net, layer=bad)
    with pytest.raises(ValueError, match="unknown form"):
        layer_equations(net, form="rows")


# -- reading the strings back -------------------------------------------------------------

_TERM = re.compile(r"([+-]?)\s*(\d+(?:/\d+)?)?\s*(?:\*?\s*x(\d+))?")


def read_linear(text: str) -> tuple[dict[int, Fraction], Fraction]:
    """Parse a plain affine form such as ``-x1 + 1/2*x2 - 3`` (written for these tests)."""
    text = text.replace(" ", "")
    coefs: dict[int, Fraction] = {}
    const = Fraction(0)
    pos = 0
    while pos < len(text):
        m = _TERM.match(text, pos)
        assert m and m.end() > pos, f"cannot read {text!r} at {pos}"
        sign = -1 if m.group(1) == "-" else 1
        value = Fraction(m.group(2)) if m.group(2) else Fraction(1)
        if m.group(3):
            coefs[int(m.group(3)) - 1] = sign * value
        else:
            const += sign * value
        pos = m.end()
    return coefs, const


def satisfies(line: str, x: list[Fraction]) -> bool:
    """Whether point ``x`` satisfies one plain inequality line (one or two relations)."""
    parts = re.split(r"\s*(<=|>=)\s*", line)
    values = []
    for expr in parts[::2]:
        coefs, const = read_linear(expr)
        values.append(sum(c * x[k] for k, c in coefs.items()) + const)
    ok = True
    for k, rel in enumerate(parts[1::2]):
        ok &= values[k] <= values[k + 1] if rel == "<=" else values[k] >= values[k + 1]
    return ok


def latex_to_plain(line: str) -> str:
    line = re.sub(r"\\frac\{(\d+)\}\{(\d+)\}", r"\1/\2", line)
    line = re.sub(r"x_\{(\d+)\}", r"x\1", line)
    line = re.sub(r"(\d) x", r"\1*x", line)
    return line.replace(r"\ge", ">=").replace(r"\le", "<=")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lines_read_back_define_the_region(seed):
    """The printed system, read back by an independent parser, is the region's A x <= c."""
    rng = np.random.default_rng(seed)
    net = Network(
        [rng.integers(-3, 4, (4, 2)).tolist(), rng.integers(-2, 3, (3, 4)).tolist(),
         rng.integers(-2, 3, (1, 3)).tolist()],
        [[Fraction(int(v), 2) for v in rng.integers(-3, 4, 4)], rng.integers(-2, 3, 3).tolist(),
         [0]],
        ["relu", "relu", "identity"],
    )
    box = [(-2, 2), (-2, 2)]
    rs = regions(net, box)
    den = 64
    pts = [[Fraction(int(a), den), Fraction(int(b), den)]
           for a, b in rng.integers(-2 * den, 2 * den + 1, (40, 2))]
    for r in rs:
        plain = inequality_lines(r, plain=True)
        assert [latex_to_plain(s) for s in inequality_lines(r)] == plain
        A, c = r.A, r.c
        for x in [list(r.point), *pts]:
            want = all(A.dot(np.array(x, dtype=object)) <= c)
            assert all(satisfies(s, x) for s in plain) == want
        # The affine map read back equals the forward pass at the region's point.
        (y,) = [s.split(" = ")[1] for s in [affine_map(r)]]
        coefs, const = read_linear(latex_to_plain(y))
        p = list(r.point)
        assert sum(cf * p[k] for k, cf in coefs.items()) + const == net.forward_exact(p)[0]


def test_float_output_has_no_awkward_forms():
    net = Network.random([2, 6, 6, 2], seed=5)
    rs = regions(net, SQUARE)
    texts = [inequalities(r) for r in rs] + [affine_map(r) for r in rs]
    texts += [piecewise(rs, output=1), layer_equations(net)]
    for t in texts:
        assert "+ -" not in t and "- -" not in t
        assert not re.search(r"(?<![\d.])1 x", t)
        for decimal in re.findall(r"\d+\.\d+", t):  # 3 significant digits by default
            assert len(decimal.replace(".", "").lstrip("0")) <= 3, decimal


# -- KaTeX --------------------------------------------------------------------------------

_KATEX_SCRIPT = """
const katex = require(process.argv[1]);
const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const errors = [];
items.forEach((s, i) => {
  try { katex.renderToString(s, {throwOnError: true, displayMode: true, strict: 'error'}); }
  catch (e) { errors.push(i + ': ' + e.message); }
});
process.stdout.write(JSON.stringify(errors));
"""


def katex_errors(strings: list[str]) -> list[str]:
    node = shutil.which("node")
    if node is None or not (KATEX / "package.json").is_file():
        pytest.fail(
            "KaTeX check needs node and node_modules/katex: run `npm ci` (the Makefile's "
            f"node_modules target); node={node}, katex at {KATEX}"
        )
    proc = subprocess.run(
        [node, "-e", _KATEX_SCRIPT, str(KATEX)],
        input=json.dumps(strings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_katex_parses_every_output():
    exact = two_unit_net()
    flt = Network.random([2, 5, 4, 2], seed=3)
    cube = Network.random([3, 4, 1], seed=1)
    sig = Network.random([2, 3, 1], seed=0, hidden="sigmoid")
    ex_rs, fl_rs = regions(exact, SQUARE), regions(flt, SQUARE)
    cube_rs = regions(cube, [(-1, 1)] * 3)
    strings = []
    for r in [*ex_rs, *fl_rs[:6], *cube_rs[:3]]:
        strings += [inequalities(r), inequalities(r, env="aligned"), affine_map(r),
                    affine_map(r, form="matrix", outputs="y")]
    strings += [
        piecewise(ex_rs),
        piecewise(fl_rs, output=0),
        piecewise(fl_rs, output=1, box=False, name="f_2(x)"),
        layer_equations(exact),
        layer_equations(flt, form="matrix"),
        layer_equations(sig),
        layer_equations(sig, form="matrix"),
        number(1.5e-9),
        matrix(np.asarray(flt.layers[0].weight)),
    ]
    assert katex_errors(strings) == []


def test_katex_check_rejects_broken_latex():
    # The harness must be able to fail: unbalanced braces, a bad environment end.
    errors = katex_errors([r"\frac{1}{2", r"\begin{cases} x \end{aligned}", r"x_{1} \ge 0"])
    assert [e.split(":")[0] for e in errors] == ["0", "1"]


# -- display helpers for the articles (relu_term ... wrap_rows) -----------------------------
from reluineq.latex import (  # noqa: E402
    aligned_equations,
    gathered,
    intervals_1d,
    linear_program,
    one_hidden_layer,
    relu_term,
    signed_sum,
    wrap_rows,
)


def hinge_net() -> Network:
    # relu(x + 1) - 2 relu(2x - 2) + relu(3 - x)
    return Network([[[1], [2], [-1]], [[1, -2, 1]]], [[1, -2, 3], [0]], ["relu", "identity"])


def test_relu_term_writes_the_affine_form_inside_max():
    assert relu_term([1], -2, symbols=["x"]) == r"\max(0,\ x - 2)"
    assert relu_term([-1, 0], 0) == r"\max(0,\ -x_{1})"
    assert relu_term([0.5], Fraction(-1, 3), symbols=["t"]) == r"\max(0,\ 0.5 t - \frac{1}{3})"


def test_signed_sum_subtracts_negative_terms_and_drops_zero_ones():
    assert signed_sum([1, -2, 1], ["A", "B", "C"]) == "A - 2 B + C"
    assert signed_sum([-1, 1], ["A", "B"]) == "-A + B"
    assert signed_sum([0, Fraction(-1, 2)], ["A", "B"], constant=-3) == r"-\frac{1}{2} B - 3"
    assert signed_sum([0, 0], ["A", "B"]) == "0"
    assert signed_sum([2.5, -1.0], ["A", "B"], constant=0.25, lhs="f") == "f = 2.5 A - B + 0.25"
    # a term that itself holds a minus sign is not mistaken for a subtraction
    assert signed_sum([1, 1], ["(x - 1)", "-y"]) == "(x - 1) + -y"


def test_signed_sum_breaks_long_sums_into_aligned_lines():
    text = signed_sum([1, -1, 2, 1, -3], ["a", "b", "c", "d", "e"], constant=1, per_line=2,
                      lhs="g(x)")
    assert text == (
        "\\begin{aligned}\n"
        "g(x) &= a - b \\\\\n"
        "&\\quad + 2 c + d \\\\\n"
        "&\\quad - 3 e + 1\n"
        "\\end{aligned}"
    )
    # short enough: one line, no environment
    assert signed_sum([1, 1], ["a", "b"], per_line=2) == "a + b"
    # the first term of the first line keeps its own sign
    assert signed_sum([-1, 1, 1], ["a", "b", "c"], per_line=1).splitlines()[1] == "&= -a \\\\"


@pytest.mark.parametrize("bad", [
    dict(coefficients=[1, 2], terms=["a"]),
    dict(coefficients=[1], terms="a"),
    dict(coefficients=[1], terms=["a"], per_line=0),
    dict(coefficients=[1], terms=["a"], per_line=True),
])
def test_signed_sum_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        signed_sum(**bad)


def test_one_hidden_layer_writes_the_sum_of_hinges_from_the_weights():
    assert one_hidden_layer(hinge_net(), symbols=["x"], name="f(x)") == (
        r"f(x) = \max(0,\ x + 1) - 2 \max(0,\ 2 x - 2) + \max(0,\ -x + 3)")
    # a unit with output weight 0 is left out, an output bias is written last
    net = Network([[[1, 0], [0, 1]], [[0, Fraction(1, 2)]]], [[0, -1], [-2]],
                  ["relu", "identity"])
    assert one_hidden_layer(net) == r"\frac{1}{2} \max(0,\ x_{2} - 1) - 2"
    broken = one_hidden_layer(hinge_net(), symbols=["x"], name="f(x)", per_line=2)
    assert broken.splitlines()[1:3] == [r"f(x) &= \max(0,\ x + 1) - 2 \max(0,\ 2 x - 2) \\",
                                        r"&\quad + \max(0,\ -x + 3)"]


def test_one_hidden_layer_matches_the_forward_pass():
    # Read the formula back term by term: each "v max(0, w x + b)" is evaluated and summed.
    net = Network.random([1, 6, 1], seed=4)
    text = one_hidden_layer(net, symbols=["x"], precision=17)
    num = r"[0-9.e-]"
    pattern = re.compile(rf"([+-]?)\s*({num}*)\s*\\max\(0,\\ (-?{num}*)\s*x\s*([+-])\s*"
                         rf"({num}+)\)")
    terms = pattern.findall(text)
    assert len(terms) == 6
    xs = np.linspace(-2, 2, 41)
    total = np.zeros_like(xs)
    for sign, v, w, bsign, b in terms:
        v = float(v or 1) * (-1 if sign == "-" else 1)
        w = float(w if w not in ("", "-") else w + "1")
        b = float(b) * (-1 if bsign == "-" else 1)
        total += v * np.maximum(0, w * xs + b)
    tail = text.rsplit(")", 1)[1].replace(" ", "")
    total += float(tail) if tail else 0.0
    assert np.allclose(total, net.forward(xs[:, None])[:, 0], atol=1e-12)


@pytest.mark.parametrize("bad", [
    Network([[[1]], [[1]], [[1]]], [[0], [0], [0]], ["relu", "relu", "identity"]),
    Network([[[1]], [[1]]], [[0], [0]], ["sigmoid", "identity"]),
])
def test_one_hidden_layer_rejects_other_architectures(bad):
    with pytest.raises(ValueError, match="one ReLU layer"):
        one_hidden_layer(bad)


def test_intervals_1d_writes_pieces_left_to_right_as_intervals():
    net = hinge_net()
    rs = regions(net, [(-4, 4)])
    text = intervals_1d(rs[::-1], name="f(x)")  # order of the input does not matter
    assert text == (
        "f(x) = \\begin{cases}\n"
        "-x + 3 & \\text{if } -4 \\le x \\le -1 \\\\\n"
        "4 & \\text{if } -1 \\le x \\le 1 \\\\\n"
        "-4 x + 8 & \\text{if } 1 \\le x \\le 3 \\\\\n"
        "-3 x + 5 & \\text{if } 3 \\le x \\le 4\n"
        "\\end{cases}"
    )
    # each line's map is the forward pass at both ends of its interval
    for line in text.splitlines()[1:-1]:
        value, ends = line.removesuffix(r" \\").split(r" & \text{if } ")
        lo, hi = (Fraction(v) for v in ends.split(r" \le x \le "))
        slope, sign, const = re.fullmatch(r"(?:(-?\d*) ?x )?([+-] )?(\d+)", value).groups()
        slope = 0 if slope is None else int(slope + "1") if slope in ("", "-") else int(slope)
        const = -int(const) if sign == "- " else int(const)
        for end in (lo, hi):
            assert net.forward_exact([end])[0] == slope * end + const, line


def test_intervals_1d_rounds_float_ends_and_rejects_bad_input():
    net = Network([[[1.0]], [[2.0]]], [[-0.5], [0.0]], ["relu", "identity"])
    text = intervals_1d(regions(net, [(0.0, 1.0)]), symbol="t")
    assert r"0 & \text{if } 0 \le t \le 0.5" in text
    assert r"2 t - 1 & \text{if } 0.5 \le t \le 1" in text
    two_d = two_unit_net()
    with pytest.raises(ValueError, match="one input"):
        intervals_1d(regions(two_d, SQUARE))
    with pytest.raises(ValueError, match="no regions"):
        intervals_1d([])
    two_out = Network([[[1]], [[1], [2]]], [[0], [0, 1]], ["relu", "identity"])
    two_rs = regions(two_out, [(-1, 1)])
    assert intervals_1d(two_rs, output=1).startswith("y_{2} = ")
    with pytest.raises(ValueError, match="the network has 2 outputs: choose one"):
        intervals_1d(two_rs)


def test_aligned_equations_gathered_and_linear_program():
    assert aligned_equations([("a", "1"), ("b", "x")], relation=r"\le") == (
        "\\begin{aligned}\na &\\le 1 \\\\\nb &\\le x\n\\end{aligned}")
    assert gathered(["p", "q"]) == "\\begin{gathered}\np \\\\\nq\n\\end{gathered}"
    lp = linear_program([-1, 2], 0, [[1, 0], [-1, 0], [0, 1]], [1, 1, Fraction(1, 2)],
                        symbols=["u", "v"], sense="min")
    assert lp.splitlines()[1:5] == [r"\min_{x} \quad & -u + 2 v \\",
                                    r"\text{subject to} \quad & u \le 1 \\",
                                    r"& -u \le 1 \\",
                                    r"& v \le \frac{1}{2}"]
    assert aligned_equations([("g", "a"), (None, "- b"), ("h", "c")]) == (
        "\\begin{aligned}\ng &= a \\\\\n&\\quad - b \\\\\nh &= c\n\\end{aligned}")
    for call in (lambda: aligned_equations([]), lambda: aligned_equations(["ab"]),
                 lambda: aligned_equations([(None, "+ b")]),
                 lambda: gathered([]), lambda: gathered(["a"], gap="4 pt; \\evil"),
                 lambda: linear_program([1], 0, [[1, 2]], [1]),
                 lambda: linear_program([1], 0, [[1]], [1], sense="maximise")):
        with pytest.raises(ValueError):
            call()


def test_wrap_rows_breaks_only_long_rows():
    tex = ("\\begin{aligned}\n"
           "h &\\ge 0, \\quad h \\ge z, \\quad h \\le U a, \\quad a \\in \\{0, 1\\} \\\\\n"
           "y &= h\n"
           "\\end{aligned}")
    assert wrap_rows(tex) == (
        "\\begin{aligned}\n"
        "h &\\ge 0, \\quad h \\ge z, \\\\\n"
        "&\\qquad h \\le U a, \\quad a \\in \\{0, 1\\} \\\\\n"
        "y &= h\n"
        "\\end{aligned}")
    assert wrap_rows(tex, keep=4) == tex
    with pytest.raises(ValueError, match="aligned"):
        wrap_rows("x = 1")


def test_katex_parses_every_display_helper():
    net = hinge_net()
    strings = [
        relu_term([1, -1], Fraction(1, 2)),
        signed_sum([1, -1, 2, 1, -3], ["a", "b", "c", "d", "e"], per_line=2, lhs="g"),
        one_hidden_layer(net, symbols=["x"], name="f(x)", per_line=2),
        intervals_1d(regions(net, [(-4, 4)]), name="f(x)"),
        aligned_equations([("y", "2 x"), ("z", "1"), (None, "- w")]),
        gathered(["a", "b"], gap="4pt"),
        linear_program([1, 1], 2, [[1, 0], [0, 1]], [1, 1]),
        wrap_rows("\\begin{aligned}\nh &\\ge 0, \\quad h \\ge z, \\quad a \\in \\{0, 1\\}\n"
                  "\\end{aligned}"),
    ]
    assert katex_errors(strings) == []
