"""Tests of the command line ``python -m reluineq``: output, file formats, one-line errors."""

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from reluineq import Network, regions
from reluineq.cli import load_network, main, parse_box

ROOT = Path(__file__).resolve().parents[1]

# relu(x1 - 2 x2 + 1/2) + relu(x1 + x2 - 1), the network worked out in test_latex.py.
TWO_UNITS = {
    "layers": [
        {"weight": [[1, -2], [1, 1]], "bias": ["1/2", -1], "activation": "relu"},
        {"weight": [[1, 1]], "bias": [0], "activation": "identity"},
    ]
}


def write_json(tmp_path: Path, data, name="net.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def run(argv, capsys):
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status, out, err, *fragments):
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("reluineq: error: "), err
    assert "Traceback" not in err
    for f in fragments:
        assert f in err, err


# -- output ---------------------------------------------------------------------------------


def test_count(tmp_path, capsys):
    path = write_json(tmp_path, TWO_UNITS)
    assert run([path, "--count"], capsys) == (0, "4\n", "")
    # On x1 in [-1, 0], x2 in [1/2, 1] both units are off: x1 - 2 x2 + 1/2 <= -1/2 and
    # x1 + x2 - 1 <= 0, so one region.
    assert run([path, "--count", "--box=-1:0,1/2:1"], capsys) == (0, "1\n", "")


def test_text_output_by_hand(tmp_path, capsys):
    path = write_json(tmp_path, TWO_UNITS)
    status, out, err = run([path, "--box=-1:1,-1:1"], capsys)
    assert status == 0 and err == ""
    blocks = {b.splitlines()[0].split("pattern ")[1]: b.splitlines()[1:]
              for b in out.strip().split("\n\n")}
    assert set(blocks) == {"00", "01", "10", "11"}
    assert blocks["10"] == [
        "  x1 - 2*x2 + 1/2 >= 0",
        "  x1 + x2 - 1 <= 0",
        "  -1 <= x1 <= 1",
        "  x2 >= -1",
        "  => y = x1 - 2*x2 + 1/2",
    ]
    assert blocks["11"][-1] == "  => y = 2*x1 - x2 - 1/2"
    assert blocks["00"][-1] == "  => y = 0"
    assert out.splitlines()[0].startswith("region 1 of 4, pattern ")


def test_text_output_agrees_with_the_library(tmp_path, capsys):
    net = Network.random([2, 4, 2], seed=3)
    path = write_json(tmp_path, net.to_dict())
    status, out, _ = run([path, "--box", "-2:2", "--precision", "4"], capsys)
    assert status == 0
    rs = regions(net, [(-2, 2), (-2, 2)])
    assert out.count("region ") == len(rs)
    assert f"region {len(rs)} of {len(rs)}" in out
    assert "=> y1 = " in out and "=> y2 = " in out


def test_latex_output(tmp_path, capsys):
    path = write_json(tmp_path, TWO_UNITS)
    status, out, _ = run([path, "--format", "latex"], capsys)
    assert status == 0
    assert out.count("\\begin{cases}") == 4 == out.count("% region ")
    assert "x_{1} - 2 x_{2} + \\frac{1}{2} \\ge 0" in out
    assert "y = 2 x_{1} - x_{2} - \\frac{1}{2}" in out


def test_npz_float_and_integer(tmp_path, capsys):
    path = tmp_path / "net.npz"
    np.savez(path, W0=np.array([[1.0, -2.0], [1.0, 1.0]]), b0=np.array([0.5, -1.0]),
             W1=np.array([[1.0, 1.0]]), b1=np.array([0.0]),
             activations=np.array(["relu", "identity"]))
    net = load_network(path)
    assert repr(net) == "Network(2-2-1, relu-identity, float)"
    assert run([str(path), "--count"], capsys) == (0, "4\n", "")
    _, out, _ = run([str(path)], capsys)
    assert "x1 - 2*x2 + 0.5 >= 0" in out
    ints = tmp_path / "int.npz"
    np.savez(ints, W0=np.array([[2, 0]]), b0=np.array([1]), activations=np.array(["relu"]))
    assert load_network(ints).exact


def test_json_round_trip_of_to_dict(tmp_path):
    net = Network([[[Fraction(1, 3), -2]], [[1]]], [[Fraction(-3, 4)], [0]], ["relu", "identity"])
    back = load_network(write_json(tmp_path, net.to_dict()))
    assert back.exact
    assert back.layers[0].weight.tolist() == [[Fraction(1, 3), -2]]
    assert back.layers[0].bias.tolist() == [Fraction(-3, 4)]


# -- box parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("-1:1", 2, [(-1, 1), (-1, 1)]),
        ("-1/2:3,0:0.25", None, [(Fraction(-1, 2), 3), (0, Fraction(1, 4))]),
        (" -2 : 2 , 1e-1:1", 2, [(-2, 2), (Fraction(1, 10), 1)]),
        ("+1:5", 1, [(1, 5)]),
    ],
)
def test_parse_box_table(text, n, expected):
    assert parse_box(text, n) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty box"),
        ("-1,1", "is not of the form LO:HI"),
        ("0:1:2", "is not of the form LO:HI"),
        ("1:0", "box interval 0 is empty or flat: low 1 >= high 0"),
        ("0:1,0:0", "box interval 1 is empty or flat: low 0 >= high 0"),
        ("nan:1", "box interval 0: 'nan' is not a number"),
        ("0:inf", "box interval 0: 'inf' is not a number"),
        ("0:1/0", "divides by zero"),
        ("0:__import__('os')", "is not a number"),
        ("0:1,0:1,0:1", "box has 3 intervals but the network has 2 inputs"),
    ],
)
def test_parse_box_errors(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_box(text, 2)


# -- bad input: one line on stderr, status 2 --------------------------------------------------


def bad_json_cases():
    sig = {"layers": [{"weight": [[1, 1]], "bias": [0], "activation": "sigmoid"}]}
    unknown = {"layers": [{"weight": [[1, 1]], "bias": [0], "activation": "tanh"}]}
    shapes = {"layers": [{"weight": [[1, 1]], "bias": [0, 1], "activation": "relu"}]}
    ragged = {"layers": [{"weight": [[1, 1], [1]], "bias": [0, 1], "activation": "relu"}]}
    evil = {"layers": [{"weight": [["__import__('os').system('true')", 1]], "bias": [0],
                        "activation": "relu"}]}
    return [
        ("{not json", "invalid JSON"),
        ('{"layers": [{"weight": [[NaN, 1]], "bias": [0], "activation": "relu"}]}',
         "NaN is not a valid weight"),
        ('[1, 2]', 'expected an object with a "layers" list'),
        (sig, "sigmoid network has no linear regions"),
        (unknown, "unknown activation 'tanh'"),
        (shapes, "bias has 2 entries but the weight has 1 rows"),
        (ragged, "ragged matrix"),
        (evil, "is not a number or fraction"),
        ({"layers": [{"weight": [[1, 1]], "bias": [0]}]}, "missing activation"),
    ]


@pytest.mark.parametrize(("data", "fragment"), bad_json_cases())
def test_bad_json_files(tmp_path, capsys, data, fragment):
    path = write_json(tmp_path, data)
    assert_one_line_error(*run([path], capsys), fragment, path)


def test_bad_npz_files(tmp_path, capsys):
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, W0=np.array([[1, 2]], dtype=object), b0=np.array([0.0]),
             activations=np.array(["relu"]))
    assert_one_line_error(*run([str(pickled)], capsys), "pickled object arrays")
    missing = tmp_path / "missing.npz"
    np.savez(missing, W0=np.eye(2), activations=np.array(["relu"]))
    assert_one_line_error(*run([str(missing)], capsys), "missing b0")
    extra = tmp_path / "extra.npz"
    np.savez(extra, W0=np.eye(2), b0=np.zeros(2), W1=np.eye(2), activations=np.array(["relu"]))
    assert_one_line_error(*run([str(extra)], capsys), "unexpected W1")
    no_acts = tmp_path / "noacts.npz"
    np.savez(no_acts, W0=np.eye(2), b0=np.zeros(2))
    assert_one_line_error(*run([str(no_acts)], capsys), "missing the 'activations' array")
    shapes = tmp_path / "shapes.npz"
    np.savez(shapes, W0=np.eye(2), b0=np.zeros(3), activations=np.array(["relu"]))
    assert_one_line_error(*run([str(shapes)], capsys), "bias has 3 entries")
    strings = tmp_path / "strings.npz"
    np.savez(strings, W0=np.array([["1", "2"]]), b0=np.zeros(1), activations=np.array(["relu"]))
    assert_one_line_error(*run([str(strings)], capsys), "W0 must hold numbers")
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a zip archive")
    assert_one_line_error(*run([str(garbage)], capsys), "garbage.npz")


def test_other_bad_input(tmp_path, capsys):
    assert_one_line_error(*run([str(tmp_path / "nope.json")], capsys), "no such file")
    txt = tmp_path / "net.txt"
    txt.write_text("{}")
    assert_one_line_error(*run([str(txt)], capsys), "unknown file type '.txt'")
    path = write_json(tmp_path, TWO_UNITS)
    assert_one_line_error(*run([path, "--max-regions", "2"], capsys), "more than 2 regions",
                          "--max-regions")
    assert_one_line_error(*run([path, "--max-regions", "0"], capsys), "must be positive")
    assert_one_line_error(*run([path, "--precision", "0"], capsys), "must be positive")
    assert_one_line_error(*run([path, "--box=2:1"], capsys), "low 2 >= high 1")
    assert_one_line_error(*run([path, "--box", "-1:1,-1:1,0:1"], capsys), "3 intervals")


def test_usage_errors_are_one_line(tmp_path, capsys):
    path = write_json(tmp_path, TWO_UNITS)
    for argv in ([path, "--format", "pdf"], [path, "--bogus"], []):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        assert_one_line_error(2, *capsys.readouterr())


def test_python_dash_m(tmp_path):
    path = write_json(tmp_path, TWO_UNITS)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    ok = subprocess.run([sys.executable, "-m", "reluineq", path, "--count", "--box", "-1:1"],
                        capture_output=True, text=True, env=env, timeout=60, check=False)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "4\n", "")
    bad = subprocess.run([sys.executable, "-m", "reluineq", path + ".missing.json"],
                         capture_output=True, text=True, env=env, timeout=60, check=False)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("reluineq: error: ") and bad.stderr.count("\n") == 1


def test_json_output_agrees_with_the_library(tmp_path, capsys):
    path = write_json(tmp_path, TWO_UNITS)
    status, out, err = run([path, "--format", "json", "--box=-1:1,-1/2:1"], capsys)
    assert (status, err) == (0, "")
    data = json.loads(out)
    rs = regions(Network.from_dict(TWO_UNITS), [(-1, 1), (Fraction(-1, 2), 1)])
    assert data["exact"] is True and data["box"] == [["-1", "1"], ["-1/2", "1"]]
    assert len(data["regions"]) == len(rs)
    for got, r in zip(data["regions"], rs, strict=True):
        assert got["pattern"] == "".join(map(str, r.pattern))
        for key in "AcMd":
            assert np.array(got[key], dtype=object).tolist() == np.vectorize(str)(
                np.asarray(getattr(r, key), dtype=object)).tolist()
