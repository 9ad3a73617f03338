"""Hostile and huge inputs (issue 9): one test per defect of the reading and CLI half.

Each test here failed before the fix it names: a number that costs more than it looks
(defect 2), the CLI's region limit and progress (5), tracebacks from the CLI (6), reading
files (7), the check's false alarm (8) and the smaller points (9). The CLI runs in a
subprocess with a memory and time cap, as a user would run it.
"""

import fcntl
import io
import json
import math
import os
import pty
import resource
import struct
import subprocess
import sys
import termios
import zipfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from reluineq import Network, check_regions, latex, regions
from reluineq.cli import load_network, main, parse_box
from reluineq.rational import parse_fraction

MEMORY_CAP = 2 * 1024**3  # bytes of address space for one CLI run
TIME_CAP = 60  # seconds for one CLI run; a hang fails the test instead of the suite

TWO_UNITS = {"layers": [
    {"weight": [[1, -2], [1, 1]], "bias": ["1/2", -1], "activation": "relu"},
    {"weight": [[1, 1]], "bias": [0], "activation": "identity"},
]}


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def cli(*args: str, stdout=subprocess.PIPE, stderr=subprocess.PIPE) -> subprocess.CompletedProcess:
    """``python -m reluineq ARGS`` in a subprocess with the memory and time caps."""
    return subprocess.run([sys.executable, "-m", "reluineq", *args], stdout=stdout,
                          stderr=stderr, text=True, timeout=TIME_CAP, preexec_fn=_cap_memory,
                          stdin=subprocess.DEVNULL)


def assert_one_line(proc: subprocess.CompletedProcess, *fragments: str, status: int = 2) -> str:
    """Exit ``status`` with exactly one line on stderr containing ``fragments``."""
    err = proc.stderr
    assert proc.returncode == status, (proc.returncode, err[-2000:])
    assert err.count("\n") == 1 and err.endswith("\n"), err[-2000:]
    assert err.startswith("reluineq: "), err
    for f in fragments:
        assert f in err, err
    return err


def write(tmp_path: Path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def one_unit(weight, bias=0) -> dict:
    return {"layers": [{"weight": [weight], "bias": [bias], "activation": "relu"}]}


def npy_bytes(header: dict, payload: bytes = b"") -> bytes:
    """An ``.npy`` member with the header given, whatever the payload holds."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + payload


def write_npz(tmp_path: Path, members: dict, name: str = "net.npz") -> str:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for key, data in members.items():
            z.writestr(f"{key}.npy", data if isinstance(data, bytes) else
                       _array_bytes(np.asarray(data)))
    return str(path)


def _array_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, allow_pickle=a.dtype == object)
    return buf.getvalue()


# -- defect 2: numbers that cost more than they look ------------------------------------------


def test_d2_huge_exponent_is_refused_at_once(tmp_path):
    path = write(tmp_path, "net.json", one_unit(["1e100000000", 1]))
    assert_one_line(cli(path, "--count"), "layer 0 weight", "exponent")
    ok = write(tmp_path, "ok.json", TWO_UNITS)
    assert_one_line(cli(ok, "--count", "--box=0:1e100000000"), "box interval 0", "exponent")
    with pytest.raises(ValueError, match="exponent"):
        parse_fraction("1e-100000000", "bias")


def test_d2_many_digits_are_refused_without_echoing_them(tmp_path):
    from reluineq.rational import MAX_DIGITS

    digits = "7" * 5000
    for weight in ([digits, 1], [f"1/{digits}", 1], [f"0.{digits}", 1]):
        err = assert_one_line(cli(write(tmp_path, "net.json", one_unit(weight)), "--count"),
                              "layer 0 weight[0, 0]", f"{MAX_DIGITS} digits")
        assert len(err) < 300 and "set_int_max_str_digits" not in err, err
    # A JSON number (not a string) with 5000 digits, and one with a huge exponent.
    raw = '{"layers": [{"weight": [[%s, 1]], "bias": [0], "activation": "relu"}]}'
    for number in (digits, "1e100000000", "1" + "0" * 5000 + ".5"):
        err = assert_one_line(cli(write(tmp_path, "raw.json", raw % number), "--count"))
        assert len(err) < 300 and "set_int_max_str_digits" not in err, err


def test_d2_what_loads_round_trips(tmp_path):
    from reluineq.rational import MAX_DIGITS

    big = "9" * MAX_DIGITS
    weight = [big, f"-1/{big}"]
    net = load_network(write(tmp_path, "net.json", one_unit(weight, f"{big}e-{MAX_DIGITS - 1}")))
    assert net.layers[0].weight[0, 0] == int(big)
    again = Network.from_dict(json.loads(json.dumps(net.to_dict())))
    assert again.layers[0].weight.tolist() == net.layers[0].weight.tolist()
    assert again.layers[0].bias.tolist() == net.layers[0].bias.tolist()
    proc = cli(write(tmp_path, "big.json", net.to_dict()), "--box=0:1,0:1")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr[-500:]
    assert big in proc.stdout
    assert parse_box(f"0:{big}") == [(0, int(big))]


# -- defect 5: a default region limit, progress ----------------------------------------------


def _many_lines(tmp_path: Path) -> str:
    """A 2-150-1 network: 150 lines in general position cut [-100, 100]^2 into > 10000
    regions (1 + 150 + C(150, 2) = 11326 if every crossing lies in the box)."""
    net = Network.random([2, 150, 1], seed=3)
    return write(tmp_path, "lines.json", net.to_dict())


def test_d5_cli_has_a_default_region_limit_that_says_how_to_raise_it(tmp_path):
    path = _many_lines(tmp_path)
    assert_one_line(cli(path, "--count", "--box=-100:100"), "10000 regions", "--max-regions")
    proc = cli(path, "--count", "--box=-100:100", "--max-regions", "100000")
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) > 10000


def test_d5_progress_bar_on_request_and_on_a_terminal(tmp_path):
    path = write(tmp_path, "net.json", TWO_UNITS)
    quiet = cli(path, "--count")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "4\n", "")
    shown = cli(path, "--count", "--progress")
    assert shown.returncode == 0 and shown.stdout == "4\n"
    assert "regions" in shown.stderr and "4" in shown.stderr
    # stderr a terminal: the bar is shown without being asked for.
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    try:
        proc = cli(path, "--count", stderr=follower)
        os.close(follower)
        follower = -1
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 0 and proc.stdout == "4\n"
    assert b"regions" in seen


@pytest.mark.parametrize("widths,box", [([2, 3, 2, 1], [(-1, 1)] * 2),
                                        ([3, 4, 1], [(-1, 1)] * 3)])
@pytest.mark.parametrize("exact", [True, False])
def test_d5_library_progress_callback(widths, box, exact):
    net = Network.random(widths, seed=1)
    if exact:
        net = Network([np.vectorize(lambda v: Fraction(round(v * 8), 8))(lay.weight)
                       for lay in net.layers], [np.vectorize(lambda v: Fraction(round(v * 8), 8))(
                           lay.bias) for lay in net.layers], list(net.activations))
    seen: list[int] = []
    rs = regions(net, box, progress=seen.append)
    assert seen, "the callback was never called"
    assert all(isinstance(k, int) for k in seen)
    assert seen == sorted(seen) and seen[-1] == len(rs)
    assert len(seen) <= net.n_relu_units  # at most once per unit cut
    with pytest.raises(TypeError, match="progress"):
        regions(net, box, progress=3)


# -- defect 6: no traceback from the CLI -------------------------------------------------------


def test_d6_infinite_bounds_written_as_finite_numbers(tmp_path):
    float_net = write(tmp_path, "f.json", one_unit([1, 0.5]))
    assert_one_line(cli(float_net, "--box=0:1e400"), "box interval 0", "float")
    mixed = write(tmp_path, "m.json", one_unit(["1e400", 0.5]))
    assert_one_line(cli(mixed, "--count"), "layer 0 weight[0, 0]", "float")
    raw = write(tmp_path, "r.json",
                '{"layers": [{"weight": [[1e400, 0.5]], "bias": [0], "activation": "relu"}]}')
    assert_one_line(cli(raw, "--count"), "1e400", "float")


def test_d6_deeply_nested_json(tmp_path):
    path = write(tmp_path, "deep.json", "[" * 200_000 + "]" * 200_000)
    assert_one_line(cli(path, "--count"), "nested")
    deep_weight = ('{"layers": [{"weight": ' + "[" * 5000 + "1" + "]" * 5000
                   + ', "bias": [0], "activation": "relu"}]}')
    assert_one_line(cli(write(tmp_path, "deep2.json", deep_weight), "--count"))


def test_d6_npz_that_lies_about_its_size(tmp_path):
    lie = npy_bytes({"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)},
                    b"\0" * 64)
    path = write_npz(tmp_path, {"W0": lie, "b0": [0.0], "activations": np.array(["relu"])})
    assert_one_line(cli(path, "--count"), "W0", "1000000 x 1000000")


def test_d6_full_output_device(tmp_path):
    path = write(tmp_path, "net.json", TWO_UNITS)
    with open("/dev/full", "w") as full:
        proc = cli(path, stdout=full)
    assert_one_line(proc, "cannot write", "No space left")


def test_d6_many_inputs(tmp_path):
    # The half-space engine works from inequalities, so 30 and 40 inputs are ordinary:
    # the unit's hyperplane x_1 = 0 halves the box.
    for n in (30, 40):
        net = Network([np.eye(n)[:1], [[1.0]]], [[0.0], [0.0]], ["relu", "identity"])
        proc = cli(write(tmp_path, f"n{n}.json", net.to_dict()), "--count")
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "2\n", ""), proc


def test_d6_internal_error_points_to_a_report(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("an engine bug\nwith two lines")

    monkeypatch.setattr(sys.modules["reluineq.regions"], "regions", broken)
    status = main([write(tmp_path, "net.json", TWO_UNITS), "--count"])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "internal error" in err and "report" in err, err
    assert "an engine bug with two lines" in err


# -- defect 7: reading files -------------------------------------------------------------------


def test_d7_directory_is_reported_as_a_directory(tmp_path):
    (tmp_path / "d.json").mkdir()
    assert_one_line(cli(str(tmp_path / "d.json")), "is a directory")
    assert_one_line(cli(str(tmp_path / "missing.json")), "no such file")
    (tmp_path / "models").mkdir()  # no suffix: still a directory, not a file type
    assert_one_line(cli(str(tmp_path / "models")), "is a directory")


def test_d7_input_size_is_capped(tmp_path):
    from reluineq.files import MAX_FILE_BYTES

    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    assert_one_line(cli(str(path)), "larger than", str(MAX_FILE_BYTES // 2**20))


def test_d7_npz_never_passes_on_allow_pickle_advice(tmp_path):
    obj = np.array([[1.0, "x"]], dtype=object)
    path = write_npz(tmp_path, {"W0": obj, "b0": [0.0], "activations": np.array(["relu"])})
    err = assert_one_line(cli(path), "W0", "object")
    assert "allow_pickle" not in err
    single = tmp_path / "single.npz"
    with open(single, "wb") as f:
        np.lib.format.write_array(f, obj, allow_pickle=True)  # an .npy named .npz
    err = assert_one_line(cli(str(single)), "single .npy array")
    assert "allow_pickle" not in err
    pickled = tmp_path / "p.npz"
    pickled.write_bytes(b"\x80\x04\x95" + b"\0" * 20)
    err = assert_one_line(cli(str(pickled)))
    assert "allow_pickle" not in err and "not a zip" in err


def test_d7_npz_members_checked_from_their_headers(tmp_path):
    ok = {"W0": [[1.0, 2.0]], "b0": [0.0], "activations": np.array(["relu"])}
    complex_w = dict(ok, W0=np.array([[1 + 2j, 0]]))
    assert_one_line(cli(write_npz(tmp_path, complex_w), "--count"), "W0", "complex")
    short = npy_bytes({"descr": "<f8", "fortran_order": False, "shape": (1, 2)}, b"\0" * 8)
    assert_one_line(cli(write_npz(tmp_path, dict(ok, W0=short)), "--count"), "W0", "truncated")
    garbage = dict(ok, W0=b"not an npy member at all")
    assert_one_line(cli(write_npz(tmp_path, garbage), "--count"), "W0", "not an .npy array")
    long_acts = dict(ok, activations=np.array(["relu" * 1000]))
    assert_one_line(cli(write_npz(tmp_path, long_acts), "--count"), "activation")


# -- defect 8: the check's false alarm ---------------------------------------------------------


def test_d8_check_regions_uses_the_enumerations_tolerance():
    net = Network([[[1, 1], [1, 0], [0, 1]], [[1, -1, -1]], [[1]]], [[0, 0, 0], [0], [0]],
                  ["relu", "relu", "identity"]).to_float()
    rs = regions(net, [(0.1, 0.3), (0.2, 0.7)])
    report = check_regions(rs)
    assert report.regions == len(rs) == 1
    # The noise is real: the float forward pass puts the zero unit just above zero.
    z = net.preactivations(rs[0].point)[1]
    assert 0 < abs(z[0]) < 1e-15


# -- defect 9: smaller points ------------------------------------------------------------------


def test_d9_pattern_rejects_nan_like_forward():
    net = Network.from_dict(TWO_UNITS)
    for x in ([math.nan, 0], [0.5, math.inf]):
        with pytest.raises(ValueError, match="NaN"):
            net.forward(x)
        with pytest.raises(ValueError, match="NaN"):
            net.pattern(x)


def test_d9_numpy_integer_max_regions():
    net = Network.from_dict(TWO_UNITS)
    assert len(regions(net, [(-1, 1)] * 2, max_regions=np.int64(10))) == 4


def test_d9_piecewise_refuses_another_networks_regions():
    net = Network.from_dict(TWO_UNITS)
    other = Network([[[1, 0]], [[1]]], [[0], [0]], ["relu", "identity"])
    rs = regions(net, [(-1, 1)] * 2)
    with pytest.raises(TypeError, match="know their network"):
        latex.piecewise(rs, other)
    with pytest.raises(ValueError, match="another call"):
        latex.piecewise([rs[0], regions(other, [(-1, 1)] * 2)[0]])
