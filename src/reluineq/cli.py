"""Command line: read a network from JSON or ``.npz`` and print its linear regions.

Usage::

    python -m reluineq NETWORK [--box=LO:HI,LO:HI,...] [--format text|latex]
                               [--count] [--max-regions N] [--precision P]

File formats
------------
JSON
    The output of :meth:`reluineq.Network.to_dict`::

        {"layers": [{"weight": [[1, -1], [1, 1]], "bias": [0, "-1/2"],
                     "activation": "relu"}, ...]}

    Numbers are JSON numbers or strings such as ``"3/4"`` or ``"0.25"``, parsed with
    ``fractions.Fraction`` (never evaluated). A network of integers and such strings is
    exact; any JSON float makes it a float network.
``.npz``
    ``numpy.savez`` arrays ``W0, b0, W1, b1, ...`` (one weight matrix and bias vector per
    layer) and ``activations``, an array of strings, e.g.
    ``np.savez(path, W0=W0, b0=b0, W1=W1, b1=b1, activations=["relu", "identity"])``.
    Loaded with ``allow_pickle=False``: object arrays are refused. Integer arrays make
    an exact network.

Errors (a missing or malformed file, bad shapes, unknown activations, a sigmoid network)
print one line on standard error and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import zipfile
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from . import validate
from .network import Network
from .rational import parse_fraction

__all__ = ["load_network", "main", "parse_box"]

_FORMATS = ("text", "latex")


class CLIError(Exception):
    """A problem with the command line or its input, reported in one line."""


def parse_box(text: str, n: int | None = None) -> list[tuple[Fraction, Fraction]]:
    """Parse ``"LO:HI,LO:HI,..."`` into intervals of exact numbers.

    Bounds are integers, decimals or fractions (``-1/2``), read by
    :func:`reluineq.rational.parse_fraction`; a single interval is repeated for every input
    when ``n`` is given. The intervals then pass the same check as every box
    (:func:`reluineq.validate.box`).

    Examples
    --------
    >>> parse_box("-1:1,-1/2:2.5")
    [(Fraction(-1, 1), Fraction(1, 1)), (Fraction(-1, 2), Fraction(5, 2))]
    >>> parse_box("0:1", n=3) == [(0, 1)] * 3
    True
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty box: expected LO:HI for each input, comma separated")
    pairs = []
    for k, part in enumerate(text.split(",")):
        bounds = part.strip().split(":")
        if len(bounds) != 2:
            raise ValueError(f"box interval {k} {part.strip()!r} is not of the form LO:HI")
        pairs.append(tuple(parse_fraction(b, f"box interval {k}") for b in bounds))
    if n is not None and len(pairs) == 1:
        pairs *= n
    checked = validate.box(pairs, len(pairs) if n is None else n, exact=True)
    return [(lo, hi) for lo, hi in checked]


def load_network(path: str | Path) -> Network:
    """Read a network from a ``.json`` or ``.npz`` file (see the module's docstring).

    Raises
    ------
    ValueError
        Unreadable or malformed file; the message names the file and the problem.

    Examples
    --------
    >>> import json, tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> p = os.path.join(d, "net.json")
    >>> with open(p, "w") as f:
    ...     json.dump({"layers": [{"weight": [[1, "-1/2"]], "bias": [0],
    ...                            "activation": "relu"}]}, f)
    >>> load_network(p)
    Network(2-1, relu, exact)
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            return _load_json(path)
        if suffix == ".npz":
            return _load_npz(path)
    except (TypeError, ValueError, KeyError) as err:
        raise ValueError(f"{path}: {_one_line(err)}") from None
    raise ValueError(f"{path}: unknown file type {suffix or '(none)'!r}; use .json or .npz")


def _one_line(err: BaseException) -> str:
    text = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
    return " ".join(text.split()) or type(err).__name__


def _load_json(path: Path) -> Network:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot read the file ({_one_line(err)})") from None

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not a valid weight")

    try:
        data = json.loads(text, parse_constant=no_constants)
    except json.JSONDecodeError as err:
        where = f"line {err.lineno} column {err.colno}"
        raise ValueError(f"invalid JSON: {err.msg} at {where}") from None
    return Network.from_dict(data)


def _load_npz(path: Path) -> Network:
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, zipfile.BadZipFile, EOFError) as err:
        raise ValueError(f"not a readable .npz archive ({_one_line(err)})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError("expected an .npz archive of arrays, found a single array")
    with archive:
        keys = set(archive.files)
        if "activations" not in keys:
            raise ValueError("missing the 'activations' array")
        try:
            acts = archive["activations"]
            n_layers = len(acts)
            expected = {f"{p}{i}" for i in range(n_layers) for p in "Wb"} | {"activations"}
            if keys != expected:
                missing, extra = sorted(expected - keys), sorted(keys - expected)
                raise ValueError(
                    f"{n_layers} activations need arrays W0, b0, ..., W{n_layers - 1}, "
                    f"b{n_layers - 1}"
                    + (f"; missing {', '.join(missing)}" if missing else "")
                    + (f"; unexpected {', '.join(extra)}" if extra else "")
                )
            weights = [archive[f"W{i}"] for i in range(n_layers)]
            biases = [archive[f"b{i}"] for i in range(n_layers)]
        except ValueError as err:
            if "allow_pickle" in str(err):
                raise ValueError("contains pickled object arrays, which are not loaded") from None
            raise
    if acts.dtype.kind != "U" or acts.ndim != 1:
        raise ValueError("'activations' must be a 1-D array of strings")
    for name, arrays in (("W", weights), ("b", biases)):
        for i, a in enumerate(arrays):
            if a.dtype.kind not in "iuf":
                raise ValueError(f"{name}{i} must hold numbers, found dtype {a.dtype}")
    return Network(weights, biases, [str(a) for a in acts])


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, like every other error of this command.
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="reluineq",
        description="Print the linear regions of a ReLU network as systems of inequalities.",
        epilog="Example: python -m reluineq net.json --box=-1:1,-1:1 --format latex",
    )
    p.add_argument("network", help="network file: .json (Network.to_dict) or .npz")
    p.add_argument(
        "--box",
        default="-1:1",
        help="input box LO:HI[,LO:HI...], bounds as integers, decimals or fractions; "
        "one interval is used for every input (default: -1:1)",
    )
    p.add_argument("--format", choices=_FORMATS, default="text", help="output format")
    p.add_argument("--count", action="store_true", help="print only the number of regions")
    p.add_argument("--max-regions", type=int, default=None, metavar="N",
                   help="stop with an error when there are more than N regions")
    p.add_argument("--precision", type=int, default=3, metavar="P",
                   help="significant digits of float coefficients (default: 3)")
    return p


def _render(net: Network, regs: Sequence[Any], fmt: str, precision: int) -> str:
    from . import latex
    from .formatting import linear

    out = []
    total = len(regs)
    for k, r in enumerate(regs, start=1):
        bits = "".join(str(b) for b in r.pattern) or "-"
        if fmt == "latex":
            out.append(f"% region {k} of {total}, pattern {bits}")
            out.append(latex.inequalities(r, precision=precision))
            out.append(latex.affine_map(r, precision=precision))
        else:
            out.append(f"region {k} of {total}, pattern {bits}")
            out.extend(f"  {line}" for line in latex.inequality_lines(r, precision=precision,
                                                                      plain=True))
            M, d = np.asarray(r.M), np.asarray(r.d)
            names = ["y"] if len(M) == 1 else [f"y{o + 1}" for o in range(len(M))]
            for o, name in enumerate(names):
                out.append(f"  => {name} = {linear(M[o], d[o], None, precision, plain=True)}")
        out.append("")
    return "\n".join(out).rstrip("\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0, or 2 on bad input).

    Examples
    --------
    >>> import json, tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> with open(p, "w") as f:
    ...     json.dump({"layers": [{"weight": [[1, 0], [0, 1]], "bias": [0, 0],
    ...                            "activation": "relu"}]}, f)
    >>> main([p, "--count"])
    4
    0
    """
    from .regions import TooManyRegionsError, regions

    argv = list(sys.argv[1:] if argv is None else argv)
    # "--box -1:1" would read as an option; join it into "--box=-1:1" as the user meant.
    for k in range(len(argv) - 2, -1, -1):
        if argv[k] == "--box" and argv[k + 1].startswith("-") and ":" in argv[k + 1]:
            argv[k : k + 2] = [f"--box={argv[k + 1]}"]
    args = _parser().parse_args(argv)
    try:
        if args.max_regions is not None and args.max_regions < 1:
            raise CLIError(f"--max-regions must be positive, got {args.max_regions}")
        if args.precision < 1:
            raise CLIError(f"--precision must be positive, got {args.precision}")
        net = load_network(args.network)
        box = parse_box(args.box, net.n_inputs)
        try:
            regs = regions(net, box, max_regions=args.max_regions)
        except ValueError as err:
            raise CLIError(f"{args.network}: {_one_line(err)}") from None
        text = str(len(regs)) if args.count else _render(net, regs, args.format, args.precision)
    except (CLIError, ValueError, TypeError, TooManyRegionsError) as err:
        print(f"reluineq: error: {_one_line(err)}", file=sys.stderr)
        return 2
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `head`) left early: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 0
