"""Run one fuzz case of the command line in a subprocess, capped, and judge its outcome.

A case is a network file (its name and bytes) and the command line's arguments. It runs
as ``python -m reluineq`` with a memory cap (``RLIMIT_AS``) and a time cap, and its
outcome must be one of:

- exit 0 and a correct result: with ``--format json``, every sample point of the box lies
  in a region whose map ``M x + d`` equals the forward pass there (computed here, from
  the values the case was made of when it knows them, else by the library's own loader);
  otherwise the output has the expected form;
- exit 2 with exactly one line on standard error, ``reluineq: error: ...``, and nothing
  on standard output.

Anything else (a traceback, exit 1, a signal, a hang, a wrong map) fails; the fuzz test
saves the smallest failing case in ``corpus/``, replayed by ``test_fuzz_corpus.py`` from
then on.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

CORPUS = Path(__file__).parent / "corpus"
MEMORY_CAP = 1536 * 2**20  # bytes of address space for one run
TIME_CAP = 30  # seconds of wall time (and of CPU) for one run
SAMPLES = 40  # points of the box checked against the forward pass


@dataclass
class Case:
    """A network file and the arguments after it; ``layers`` are the values the file was
    made of (``(W, b, activation)`` with ``Fraction`` or ``float`` entries), when known."""

    name: str
    data: bytes
    args: list[str]
    layers: list[tuple[list, list, str]] | None = field(default=None, repr=False)


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CPU, (TIME_CAP, TIME_CAP + 1))


def run(case: Case) -> tuple[subprocess.CompletedProcess | None, Path]:
    """Run the case; ``None`` when it passed the time cap. Returns the file's path too."""
    folder = Path(tempfile.mkdtemp(prefix="reluineq-fuzz-"))
    path = folder / case.name
    path.write_bytes(case.data)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    try:
        proc = subprocess.run([sys.executable, "-m", "reluineq", str(path), *case.args],
                              capture_output=True, text=True, timeout=TIME_CAP,
                              preexec_fn=_limits, stdin=subprocess.DEVNULL, env=env)
    except subprocess.TimeoutExpired:
        proc = None
    return proc, path


def check(case: Case) -> None:
    """Run the case and assert that its outcome is allowed (see :func:`judge`)."""
    proc, path = run(case)
    try:
        judge(case, proc, path)
    finally:
        path.unlink(missing_ok=True)
        path.parent.rmdir()


def judge(case: Case, proc: subprocess.CompletedProcess | None, path: Path) -> None:
    assert proc is not None, f"{case!r}: no answer within {TIME_CAP} s"
    where = f"{case!r} exit {proc.returncode}, stderr {proc.stderr[-1500:]!r}"
    if proc.returncode == 2:
        err = proc.stderr
        if "--progress" in case.args:  # the bar asked for may have been drawn before
            err = err.replace("\r", "\n").split("\n")
            assert all("regions" in line or not line.strip() for line in err[:-2]), where
            err = err[-2] + "\n"
        assert proc.stdout == "", where
        assert err.startswith("reluineq: error: "), where
        assert err.count("\n") == 1 and err.endswith("\n"), where
        return
    assert proc.returncode == 0, where
    if "--progress" not in case.args:
        assert proc.stderr == "", where
    out = proc.stdout
    if "--count" in case.args:
        assert out.strip().isdigit() and int(out) >= 1, where
    elif _option(case.args, "--format") == "json":
        check_json(case, json.loads(out), path)
    elif _option(case.args, "--format") == "latex":
        assert out.startswith("% region 1 of "), where
    else:
        assert out.startswith("region 1 of "), where


def _option(args: list[str], name: str) -> str | None:
    value = None
    for k, a in enumerate(args):
        if a == name and k + 1 < len(args):
            value = args[k + 1]
        elif a.startswith(name + "="):
            value = a.split("=", 1)[1]
    return value


def _num(v: Any, exact: bool = False) -> Any:
    if exact:
        return Fraction(v)
    return float(Fraction(v)) if isinstance(v, str) else float(v)


def forward(case: Case, path: Path, exact: bool) -> Any:
    """The network's forward pass, in rationals for an exact network, else in float64:
    from the case's own values when it knows them, else from the library's reading."""
    if case.layers is None:
        from reluineq.cli import load_network

        net = load_network(path)
        return net.forward_exact if exact else net.forward
    kind = object if exact else float
    layers = [(np.array([[_num(v, exact) for v in row] for row in W], dtype=kind),
               np.array([_num(v, exact) for v in b], dtype=kind), act)
              for W, b, act in case.layers]

    def apply(x: np.ndarray) -> np.ndarray:
        for W, b, act in layers:
            x = W.dot(x) + b
            if act == "relu":
                x = np.where(x > 0, x, 0 * x)
            elif act.startswith("leaky_relu("):
                slope = _num(act[11:-1], True)
                x = np.where(x > 0, x, (slope if exact else float(slope)) * x)
        return x

    return apply


def check_json(case: Case, out: dict, path: Path) -> None:
    """Every sample point lies in a region whose map is the forward pass there: exactly,
    at rational points, for an exact network; within a relative tolerance for a float one."""
    exact = out["exact"]
    kind = object if exact else float

    def table(a: Any, cols: int | None = None) -> np.ndarray:
        t = np.array([[_num(v, exact) for v in row] if isinstance(row, list) else
                      _num(row, exact) for row in a], dtype=kind)
        return t.reshape(-1, cols) if cols is not None else t

    box = table(out["box"], 2)
    n = len(box)
    regions = [(table(r["A"], n), table(r["c"]), table(r["M"], n), table(r["d"]))
               for r in out["regions"]]
    assert regions, f"{case!r}: no regions"
    f = forward(case, path, exact)
    rng = np.random.default_rng(0)
    for u in rng.integers(1, 2**20, size=(SAMPLES, n)):
        t = np.array([Fraction(int(k), 2**20) for k in u], dtype=object)
        x = box[:, 0] + t * (box[:, 1] - box[:, 0]) if exact else (
            box[:, 0] + t.astype(float) * (box[:, 1] - box[:, 0]))
        _check_point(case, regions, x, np.asarray(f(x), dtype=kind), exact)


def _check_point(case: Case, regions: list, x: np.ndarray, y: np.ndarray, exact: bool) -> None:
    if not exact and not np.all(np.isfinite(y)):
        return  # the float pass overflows here; nothing to compare with
    inside = 0
    for A, c, M, d in regions:
        if exact:
            ok = np.all(A.dot(x) - c <= 0)
        else:
            ok = np.all(A @ x - c <= 1e-9 * (1 + np.abs(A) @ np.abs(x) + np.abs(c)))
        if not ok:
            continue
        inside += 1
        g = M.dot(x) + d
        if exact:
            same = np.all(g == y)
        else:
            scale = 1 + np.abs(M) @ np.abs(x) + np.abs(d) + np.abs(y)
            same = np.all(np.abs(g - y) <= 1e-6 * scale)
        assert same, (f"{case!r}: at {x.tolist()} the region's map gives {g.tolist()}, "
                      f"the forward pass {y.tolist()}")
    assert inside, f"{case!r}: {x.tolist()} lies in no region"


def save(case: Case) -> Path:
    """Keep a failing case in the corpus (named by its content), to be replayed."""
    digest = hashlib.sha256(case.data + "\0".join(case.args).encode()).hexdigest()[:12]
    folder = CORPUS / digest
    folder.mkdir(parents=True, exist_ok=True)
    (folder / case.name).write_bytes(case.data)
    layers = None if case.layers is None else [
        ([[str(Fraction(v)) if not isinstance(v, float) else v for v in row] for row in W],
         [str(Fraction(v)) if not isinstance(v, float) else v for v in b], act)
        for W, b, act in case.layers]
    (folder / "case.json").write_text(json.dumps(
        {"file": case.name, "args": case.args, "layers": layers}, indent=1) + "\n")
    return folder


def load(folder: Path) -> Case:
    """A case saved by :func:`save`."""
    meta = json.loads((folder / "case.json").read_text())
    layers = None if meta["layers"] is None else [
        ([[Fraction(v) if isinstance(v, str) else v for v in row] for row in W],
         [Fraction(v) if isinstance(v, str) else v for v in b], act)
        for W, b, act in meta["layers"]]
    return Case(meta["file"], (folder / meta["file"]).read_bytes(), meta["args"], layers)
