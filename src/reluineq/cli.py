"""Command line: read a network from JSON or ``.npz`` and print its linear regions.

Usage::

    python -m reluineq NETWORK [--box=LO:HI,LO:HI,...] [--format text|latex|json]
                               [--count] [--max-regions N] [--precision P] [--progress]

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
    Each member's shape and type are read from its header before it is loaded; object
    arrays are refused, never unpickled. Integer arrays make an exact network.

Limits
------
A file is read within the limits of :mod:`reluineq.files` (at most
:data:`~reluineq.files.MAX_FILE_BYTES` and :data:`~reluineq.files.MAX_NUMBERS` numbers),
each number within :data:`~reluineq.rational.MAX_DIGITS` digits, and the enumeration
stops past ``--max-regions`` regions (:data:`MAX_REGIONS` by default). A progress bar
counts the regions on standard error when it is a terminal, or with ``--progress``.

Errors (a missing or malformed file, bad shapes, unknown activations, a sigmoid network,
a limit reached, memory exhausted, output that cannot be written) print one line on
standard error and exit with status 2; an internal error prints one line asking for a
report and exits with status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from . import files, validate
from .network import Network
from .rational import parse_fraction

__all__ = ["MAX_REGIONS", "REPORT_URL", "load_network", "main", "parse_box"]

_FORMATS = ("text", "latex", "json")

#: The default of ``--max-regions``: the command refuses to go past it unless asked, so
#: that a network with millions of regions ends in a message, not hours later.
MAX_REGIONS = 10_000

#: Where an internal error asks to be reported.
REPORT_URL = "https://github.com/orenbochman/deep-learning-intuitions/issues"


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

    The file is read within the limits of :mod:`reluineq.files` (its size, how many
    numbers, their digits, the ``.npz`` members' declared shapes).

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
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            return Network.from_dict(files.read_json(path))
        if suffix == ".npz":
            return _from_arrays(files.read_npz(path))
    except (TypeError, ValueError, KeyError) as err:
        raise ValueError(f"{path}: {_one_line(err)}") from None
    except RecursionError:
        raise ValueError(f"{path}: nested too deeply to be a network") from None
    if not path.exists():
        raise ValueError(f"{path}: no such file")
    if path.is_dir():
        raise ValueError(f"{path}: is a directory, not a network file")
    raise ValueError(f"{path}: unknown file type {suffix or '(none)'!r}; use .json or .npz")


def _one_line(err: BaseException, limit: int = 400) -> str:
    text = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
    text = " ".join(text.split()) or type(err).__name__
    return text if len(text) <= limit else text[:limit] + "..."


def _from_arrays(arrays: dict[str, np.ndarray]) -> Network:
    """The network of an ``.npz`` archive's arrays, checked by :func:`files.read_npz`."""
    keys = set(arrays)
    if "activations" not in keys:
        raise ValueError("missing the 'activations' array")
    acts = arrays["activations"]
    if acts.ndim != 1:
        raise ValueError("'activations' must be a 1-D array of strings")
    n_layers = len(acts)
    expected = {f"{p}{i}" for i in range(n_layers) for p in "Wb"} | {"activations"}
    if keys != expected:
        missing, extra = sorted(expected - keys), sorted(keys - expected)
        raise ValueError(
            f"{n_layers} activations need arrays W0, b0, ..., W{n_layers - 1}, "
            f"b{n_layers - 1}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unexpected {', '.join(extra[:5])}" if extra else "")
        )
    weights = [arrays[f"W{i}"] for i in range(n_layers)]
    biases = [arrays[f"b{i}"] for i in range(n_layers)]
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
    p.add_argument("--format", choices=_FORMATS, default="text",
                   help="output format: text, latex, or json (the regions' A, c, M, d, "
                   "exact numbers as strings such as \"3/4\")")
    p.add_argument("--count", action="store_true", help="print only the number of regions")
    p.add_argument("--max-regions", type=int, default=MAX_REGIONS, metavar="N",
                   help="stop with an error when there are more than N regions "
                   f"(default: {MAX_REGIONS})")
    p.add_argument("--precision", type=int, default=3, metavar="P",
                   help="significant digits of float coefficients (default: 3)")
    p.add_argument("--progress", action="store_true",
                   help="show a progress bar on standard error (shown anyway when it is a "
                   "terminal)")
    return p


def _text(r: Any, k: int, total: int, fmt: str, precision: int) -> list[str]:
    from . import latex
    from .formatting import linear

    bits = "".join(str(b) for b in r.pattern) or "-"
    if fmt == "latex":
        return [f"% region {k} of {total}, pattern {bits}",
                latex.inequalities(r, precision=precision),
                latex.affine_map(r, precision=precision), ""]
    out = [f"region {k} of {total}, pattern {bits}"]
    out.extend(f"  {line}" for line in latex.inequality_lines(r, precision=precision,
                                                              plain=True))
    M, d = np.asarray(r.M), np.asarray(r.d)
    names = ["y"] if len(M) == 1 else [f"y{o + 1}" for o in range(len(M))]
    for o, name in enumerate(names):
        out.append(f"  => {name} = {linear(M[o], d[o], None, precision, plain=True)}")
    return [*out, ""]


def _json_number(v: Any) -> Any:
    return str(v) if isinstance(v, Fraction) else float(v)


def _as_json(net: Network, regs: Sequence[Any]) -> str:
    """The regions as JSON: ``{"exact", "box", "regions": [{"pattern", "A", "c", "M",
    "d"}]}``, each region ``{x : A x <= c}`` with output ``M x + d``; exact numbers as
    strings such as ``"3/4"``, floats in full."""
    def table(a: Any) -> Any:
        return np.vectorize(_json_number, otypes=[object])(np.asarray(a, dtype=object)).tolist()

    return json.dumps({
        "exact": net.exact,
        "box": table(regs.box),
        "regions": [{"pattern": "".join(str(b) for b in r.pattern), "A": table(r.A),
                     "c": table(r.c), "M": table(r.M), "d": table(r.d)} for r in regs],
    })


def _render(net: Network, regs: Sequence[Any], fmt: str, precision: int) -> str:
    if fmt == "json":
        return _as_json(net, regs)
    out: list[str] = []
    for k, r in enumerate(regs, start=1):
        out.extend(_text(r, k, len(regs), fmt, precision))
    return "\n".join(out).rstrip("\n")


@contextlib.contextmanager
def _all_digits() -> Iterator[None]:
    """Lift Python's limit on digits of ``str(int)`` while output is written.

    Every number read is within :data:`reluineq.rational.MAX_DIGITS`, far below the
    limit, but the maps of deep exact networks multiply them; they are written whole.
    """
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


class _Progress:
    """The ``progress`` callback of :func:`reluineq.regions`: a tqdm counter of regions
    on standard error, or nothing."""

    def __init__(self, show: bool) -> None:
        self.show = show
        self.bar: Any = None

    def __call__(self, count: int) -> None:
        if not self.show:
            return
        if self.bar is None:
            # Made at the first count, so that input refused before any work draws no bar.
            from tqdm import tqdm

            self.bar = tqdm(desc="regions", unit=" regions", file=sys.stderr, leave=True,
                            mininterval=0.25, dynamic_ncols=True)
        self.bar.update(count - self.bar.n)

    def close(self, ok: bool) -> None:
        """Close the bar; on failure clear it, so that the error stays one line."""
        if self.bar is not None:
            self.bar.leave = ok
            if ok:
                self.bar.refresh()
            self.bar.close()
            self.bar = None


def _regions(net: Network, box: Any, args: argparse.Namespace) -> Any:
    from .regions import TooManyRegionsError, regions

    progress = _Progress(args.progress or _is_terminal(sys.stderr))
    done = False
    try:
        regs = regions(net, box, max_regions=args.max_regions, progress=progress)
        done = True
    except TooManyRegionsError:
        limit = args.max_regions
        default = " (the default limit)" if limit == MAX_REGIONS else ""
        raise CLIError(f"more than {limit} regions{default}; raise the limit with "
                       f"--max-regions N (e.g. --max-regions {10 * limit}) or shrink "
                       "the box with --box") from None
    except ValueError as err:
        raise CLIError(f"{args.network}: {_one_line(err)}") from None
    finally:
        progress.close(done)
    return regs


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _run(argv: list[str]) -> int:
    """Parse, read, enumerate and write; bad input raises :class:`CLIError` or
    ``ValueError``."""
    # "--box -1:1" would read as an option; join it into "--box=-1:1" as the user meant.
    for k in range(len(argv) - 2, -1, -1):
        if argv[k] == "--box" and argv[k + 1].startswith("-") and ":" in argv[k + 1]:
            argv[k : k + 2] = [f"--box={argv[k + 1]}"]
    args = _parser().parse_args(argv)
    if args.max_regions < 1:
        raise CLIError(f"--max-regions must be positive, got {args.max_regions}")
    if args.precision < 1:
        raise CLIError(f"--precision must be positive, got {args.precision}")
    # Float arithmetic that overflows or makes NaN cannot be trusted: it raises here (as
    # FloatingPointError or RuntimeWarning), which main reports in one line, rather than
    # printing warnings and perhaps a wrong result.
    with np.errstate(over="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        net = load_network(args.network)
        box = parse_box(args.box, net.n_inputs)
        regs = _regions(net, box, args)
        with _all_digits():
            text = str(len(regs)) if args.count else _render(net, regs, args.format,
                                                             args.precision)
    return _write(text)


def _write(text: str) -> int:
    if sys.stdout is None:  # started with standard output closed (>&-)
        raise CLIError("cannot write the output: standard output is closed")
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (e.g. `head`) left early: stop quietly, as Unix tools do.
        _drop_stdout()
        return 1
    except OSError as err:
        _drop_stdout()
        raise CLIError(f"cannot write the output ({err.strerror or err})") from None
    return 0


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so that Python's final flush of what could
    not be written neither fails nor prints a second message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (a test's capture): nothing will flush it


def _fail(message: str, status: int) -> int:
    print(f"reluineq: {message}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    0 on success; 2 on bad input, with one line on standard error that names the
    problem (a resource limit reached, such as memory, is reported the same way); 1 for
    an internal error, with one line that asks for a report.

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
    from .regions import TooManyRegionsError

    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except (CLIError, ValueError, TypeError, TooManyRegionsError) as err:
        return _fail(f"error: {_one_line(err)}", 2)
    except (FloatingPointError, RuntimeWarning) as err:
        return _fail(f"error: float64 arithmetic failed ({_one_line(err, 100)}): the network's "
                     "or the box's numbers are too large for it; scale them down, or write "
                     'them as exact strings ("1e300") for rational arithmetic', 2)
    except MemoryError:
        return _fail("error: out of memory; lower --max-regions, or use a smaller box or "
                     "network", 2)
    except RecursionError:
        return _fail("error: the input is nested too deeply", 2)
    except OSError as err:
        return _fail(f"error: {err.strerror or _one_line(err)}"
                     + (f": {err.filename}" if err.filename else ""), 2)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as err:  # anything else is a bug of reluineq, never the user's
        return _fail(f"internal error: {type(err).__name__}: {_one_line(err, 200)}; please "
                     f"report it with the input and command line at {REPORT_URL}", 1)
