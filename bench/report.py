"""What the benchmarks share: their command line, number formats, tables and report header.

``run.py`` (region enumeration) and ``lp.py`` (LP per region vs MILP) import this, and not
each other, so that ``lp.py`` run alone does not load the peers regioncam and affinitree.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(
    argv: list[str] | None, description: str, *, quick: str, repeat_default: int,
    repeat_help: str, out: str, extra: list[tuple[str, str]] = (),
) -> argparse.Namespace:
    """``--quick``, ``--repeat N`` (at least 1), ``--out FILE`` (in bench/results) and the
    ``extra`` on/off flags, each ``(flag, help)``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick)
    for flag, text in extra:
        parser.add_argument(flag, action="store_true", help=text)
    parser.add_argument("--repeat", type=int, default=repeat_default, metavar="N",
                        help=repeat_help)
    parser.add_argument("--out", type=Path, default=RESULTS / out,
                        help=f"Markdown copy of the table (default bench/results/{out})")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def sig3(x: float) -> str:
    """Three significant digits without an exponent: 0.000143, 0.0413, 3.78, 34.8."""
    if not math.isfinite(x) or x <= 0:
        return f"{x:g}"
    digits = max(0, 2 - math.floor(math.log10(x)))
    return f"{x:.{digits}f}"


def table(rows: list[list[str]], header: list[str], right: set[int]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ) + " |"

    sep = "|" + "|".join(
        "-" * (w + 1) + ":" if i in right else "-" * (w + 2) for i, w in enumerate(widths)
    ) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "?"


def cpu_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def source_state() -> str:
    """The commit measured, and whether the library's sources differ from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
            text=True, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=root, capture_output=True,
            text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "commit unknown"
    return f"commit {head}" + (" with uncommitted changes in src/" if dirty else "")


def header_line(script: str, argv: list[str] | None, elapsed: float, software: str) -> str:
    """When, on what machine, with which NumPy and SciPy (then ``software``), and how."""
    given = sys.argv[1:] if argv is None else argv
    command = " ".join([script, *given]) + ("" if given else " (defaults)")
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"{when}; {cpu_name()}, {os.cpu_count()} CPUs; Python {platform.python_version()}, "
        f"NumPy {version('numpy')}, SciPy {version('scipy')}{software}. "
        f"Command: `{command}`; {elapsed:.0f} s in all."
    )


def publish(text: str, out: Path) -> None:
    """The report to stdout and to ``out``."""
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"written to {out}", file=sys.stderr)


def finish(lines: list[str], out: Path, disagree: bool, what: str = "region counts") -> int:
    """Publish the report's ``lines``; the exit status is 1 when the tools ``disagree``."""
    publish("\n".join(lines) + "\n", out)
    if disagree:
        print(f"{what} DISAGREE: exit 1", file=sys.stderr)
        return 1
    return 0
