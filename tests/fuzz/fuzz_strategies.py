"""Hypothesis strategies for the command line's inputs: network files (JSON and ``.npz``,
honest and hostile), boxes and flags, drawn as :class:`fuzz_harness.Case` objects."""

from __future__ import annotations

import io
import json
import zipfile
from fractions import Fraction

import numpy as np
from fuzz_harness import Case
from hypothesis import strategies as st

ACTIVATIONS = ["relu", "relu", "relu", "identity", "leaky_relu(1/10)"]
BAD_ACTIVATIONS = ["sigmoid", "tanh", "", "relu" * 40, "leaky_relu(2)", "leaky_relu(1e999999)"]

# Numbers a file may hold: ordinary ones, and ones at the edges of what is read.
small_fractions = st.fractions(min_value=-4, max_value=4, max_denominator=16)
plain_floats = st.floats(min_value=-4, max_value=4, allow_nan=False, allow_infinity=False)
edge_floats = st.sampled_from([1e-300, -1e-300, 5e-324, 1e15, -1e15, 1e150, 1e154, 1e300])
HOSTILE_TEXT = ["1e100000000", "0e99999999999", "9" * 5000, "1/" + "7" * 5000,
                "0." + "3" * 5000, "1e400", "-1e400", "nan", "inf", "-Infinity", "1/0", "0x10",
                "__import__('os')", "", " ", "1_000", "½", "1e-1000", "1e999"]
HOSTILE_VALUES = [None, True, False, [], {}, [1, [2]], "1e400", 10**5000]


@st.composite
def networks(draw: st.DrawFn, *, hostile: bool) -> list:
    """Layers ``(W, b, activation)`` of values, some at the edges of float range if
    ``hostile``."""
    n = draw(st.integers(1, 4))
    depth = draw(st.integers(1, 3))
    widths = [n, *[draw(st.integers(1, 5)) for _ in range(depth - 1)], draw(st.integers(1, 2))]
    exact = draw(st.booleans())
    number = small_fractions if exact else st.one_of(plain_floats, small_fractions)
    if hostile:
        number = st.one_of(number, edge_floats)
    layers = []
    for k in range(depth):
        W = [[draw(number) for _ in range(widths[k])] for _ in range(widths[k + 1])]
        b = [draw(number) for _ in range(widths[k + 1])]
        act = "identity" if k == depth - 1 else draw(st.sampled_from(ACTIVATIONS))
        layers.append((W, b, act))
    return layers


def _encode(v: object, as_string: bool) -> object:
    if isinstance(v, Fraction):
        return str(v) if as_string or v.denominator != 1 else int(v)
    return v


@st.composite
def json_files(draw: st.DrawFn, layers: list) -> tuple[bytes, list | None]:
    """JSON bytes of a network, honest or mutated; the honest values when unchanged."""
    as_string = draw(st.booleans())
    data = {"layers": [{"weight": [[_encode(v, as_string) for v in row] for row in W],
                        "bias": [_encode(v, as_string) for v in b], "activation": act}
                       for W, b, act in layers]}
    mutation = "none" if not _rarely(draw, 40) else draw(st.sampled_from(
        ["number", "value", "activation", "shape", "truncate", "nest", "garbage", "key"]))
    if mutation == "none":
        return json.dumps(data).encode(), layers
    lay = data["layers"][draw(st.integers(0, len(data["layers"]) - 1))]
    if mutation == "number":
        lay["weight"][0][0] = draw(st.sampled_from(HOSTILE_TEXT))
    elif mutation == "value":
        lay["bias"][0] = draw(st.sampled_from(HOSTILE_VALUES))
    elif mutation == "activation":
        lay["activation"] = draw(st.sampled_from(BAD_ACTIVATIONS))
    elif mutation == "shape":
        lay["weight"].append([1] * draw(st.integers(0, 6)))
    elif mutation == "key":
        del lay[draw(st.sampled_from(["weight", "bias", "activation"]))]
    text = json.dumps(data, default=str)
    if mutation == "truncate":
        text = text[: draw(st.integers(0, len(text) - 1))]
    elif mutation == "nest":
        depth = draw(st.sampled_from([50, 5000, 200000]))
        text = text.replace('"weight": [', '"weight": ' + "[" * depth + "1" + "]" * depth
                            + ', "x": [', 1)
    elif mutation == "garbage":
        return draw(st.binary(max_size=64)), None
    elif mutation == "number" and draw(st.booleans()):
        # The same number as a bare JSON literal rather than a string.
        literal = draw(st.sampled_from(["1e400", "9" * 5000, "1e100000000", "NaN", "-Infinity"]))
        text = text.replace('"weight": [[', f'"weight": [[{literal}, ', 1)
    return text.encode(), None


def _npy(header: dict, payload: bytes) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + payload


def _array_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, allow_pickle=True)
    return buf.getvalue()


@st.composite
def npz_files(draw: st.DrawFn, layers: list) -> tuple[bytes, list | None]:
    """``.npz`` bytes of a network, honest or lying; the honest values when unchanged."""
    exact = all(isinstance(v, Fraction) and v.denominator == 1
                for W, b, _ in layers for row in [*W, b] for v in row)
    dtype = np.int64 if exact and draw(st.booleans()) else np.float64
    members = {}
    for k, (W, b, _) in enumerate(layers):
        members[f"W{k}"] = _array_bytes(np.array([[float(v) for v in row] for row in W], dtype))
        members[f"b{k}"] = _array_bytes(np.array([float(v) for v in b], dtype))
    members["activations"] = _array_bytes(np.array([act for _, _, act in layers]))
    mutation = "none" if not _rarely(draw, 40) else draw(st.sampled_from(
        ["huge", "short", "dtype", "object", "drop", "extra", "npy", "bytes"]))
    honest = [(W, b, act) for W, b, act in layers] if mutation == "none" else None
    if dtype == np.int64 and honest is not None:
        honest = [([[Fraction(int(v)) for v in row] for row in W], [Fraction(int(v)) for v in b],
                   act) for W, b, act in layers]
    elif honest is not None:
        honest = [([[float(v) for v in row] for row in W], [float(v) for v in b], act)
                  for W, b, act in layers]
    key = draw(st.sampled_from(sorted(members)))
    if mutation == "huge":
        shape = draw(st.sampled_from([(10**6, 10**6), (2**62,), (10**9, 2)]))
        members[key] = _npy({"descr": "<f8", "fortran_order": False, "shape": shape}, b"\0" * 8)
    elif mutation == "short":
        members[key] = members[key][: draw(st.integers(0, len(members[key]) - 1))]
    elif mutation == "dtype":
        kind = draw(st.sampled_from([np.complex128, np.bool_, "S3", "<M8[s]", np.float16]))
        members[key] = _array_bytes(np.zeros((1, 2), dtype=kind))
    elif mutation == "object":
        members[key] = _array_bytes(np.array([[1.0, "x"]], dtype=object))
    elif mutation == "drop":
        del members[key]
    elif mutation == "extra":
        members[draw(st.sampled_from(["W9", "x", "../evil"]))] = _array_bytes(np.zeros(2))
    elif mutation == "npy":
        return _array_bytes(np.zeros((2, 2))), None
    elif mutation == "bytes":
        return draw(st.binary(max_size=64)), None
    buf = io.BytesIO()
    compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(f"{name}.npy", data)
    return buf.getvalue(), honest


def _box_text(pairs: list[tuple[Fraction, Fraction]]) -> str:
    return ",".join(f"{lo}:{hi}" for lo, hi in pairs)


HOSTILE_BOXES = ["0:1e400", "-1e400:0", "1:0", "0:0", "a:b", "", ":", "0:1:2", "nan:1",
                 "-inf:inf", "0:1e100000000", "0:" + "9" * 5000, "0:1/0", "0:1," * 50 + "0:1",
                 "1e-1000:1", "0:1e300"]


@st.composite
def boxes(draw: st.DrawFn, n: int) -> list[str]:
    """``--box`` arguments for ``n`` inputs: none, honest intervals, or hostile text."""
    if _rarely(draw, 15):
        return ["--box=" + draw(st.sampled_from(HOSTILE_BOXES))]
    if _rarely(draw, 25):
        return []
    count = draw(st.sampled_from([n, n, 1, n + 1]))
    pairs = []
    for _ in range(count):
        lo = draw(st.fractions(min_value=-3, max_value=3, max_denominator=8))
        width = draw(st.fractions(min_value=Fraction(1, 8), max_value=4, max_denominator=8))
        pairs.append((lo, lo + width))
    return ["--box=" + _box_text(pairs)]


def _rarely(draw: st.DrawFn, percent: int) -> bool:
    """True in about ``percent`` of draws (hypothesis favours small integers)."""
    return draw(st.integers(0, 99)) >= 100 - percent


@st.composite
def flags(draw: st.DrawFn) -> list[str]:
    """The other options, mostly honest."""
    args: list[str] = []
    fmt = draw(st.sampled_from(["json", "json", "json", "text", "latex", "count"]))
    args += ["--count"] if fmt == "count" else ["--format", fmt]
    if draw(st.booleans()):
        args += ["--max-regions", draw(st.sampled_from(["10000", "3", "50", "1"]))]
    if _rarely(draw, 20):
        args += ["--precision", draw(st.sampled_from(["1", "6", "12"]))]
    if _rarely(draw, 15):
        args.append("--progress")
    if _rarely(draw, 10):
        args += draw(st.sampled_from([["--bogus"], ["--box"], ["--format"], ["--format", "pdf"],
                                      ["--max-regions", "0"], ["--max-regions", "-2"],
                                      ["--max-regions", "x"], ["--max-regions", "9" * 30],
                                      ["--precision", "0"], ["--precision", "x"]]))
    return args


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A whole run: a file (JSON or ``.npz``), a box and flags."""
    layers = draw(networks(hostile=_rarely(draw, 30)))
    if draw(st.booleans()):
        data, honest = draw(json_files(layers))
        name = "net.json"
    else:
        data, honest = draw(npz_files(layers))
        name = "net.npz"
    n = len(layers[0][0][0])
    return Case(name, data, [*draw(boxes(n)), *draw(flags())], honest)
