"""Benchmark regions in high dimension: reluineq's half-space engine against affinitree.

From :data:`~reluineq.engines.halfspaces.HALFSPACE_DIMS` inputs on, ``reluineq.regions``
splits inequality systems by HiGHS LPs instead of the box's ``2**n`` corners, as
affinitree builds its decision tree. Both get the same seeded networks,
``Network.random(widths, seed)``, over the box ``[-2, 2]^n``, with 8, 12, 16 and 22
inputs, and a linear 22-input network (one region). Region counts must agree; the table
reports each shape's slowest reluineq time over the seeds and the worst ratio of
reluineq's time to affinitree's.

Run with ``make bench`` or ``.venv/bin/python bench/highdim.py [--quick] [--repeat N]``;
the table goes to stdout and to ``bench/results/highdim-latest.md``. Exit status 1 when a
count disagrees.
"""

from __future__ import annotations

import gc
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from reluineq import Network, regions
from reluineq.engines.halfspaces import HALFSPACE_DIMS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import finish, header_line, parse_args, sig3, table, version

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from run import affinitree_prepare, affinitree_run, quiet_stdout

#: Widths including input and output. Every hidden layer is ReLU; ``(22, 1)`` is linear.
#: Left out: n-16-1 with n >= 8, which has 30,000 to 65,000 regions in this box (affinitree
#: needs 8-22 s on them; reluineq's LPs would take many minutes).
SHAPES: list[tuple[int, ...]] = [
    (8, 8, 1), (8, 6, 6, 1), (12, 8, 1), (12, 6, 4, 1), (16, 8, 1), (16, 6, 4, 1),
    (22, 8, 1), (22, 1),
]
SEEDS = (0, 1, 2)
HALF = 2.0
#: A tool's repeats on one network stop once this many seconds are spent (at least one).
BUDGET = 5.0


def reluineq_count(net: Network) -> int:
    return len(regions(net, [(-HALF, HALF)] * net.n_inputs))


def affinitree_count(state: object) -> int:
    with quiet_stdout():
        return affinitree_run(state)


def best_time(run: Callable[[], int], repeat: int) -> tuple[float, int]:
    """The fastest of up to ``repeat`` runs (within :data:`BUDGET`), and the count."""
    times, count, spent = [], -1, 0.0
    while len(times) < repeat and (not times or spent < BUDGET):
        gc.collect()
        t0 = time.perf_counter()
        count = run()
        t = time.perf_counter() - t0
        times.append(t)
        spent += t
    return min(times), count


def measure(widths: tuple[int, ...], seed: int, repeat: int) -> tuple[int, int, float, float]:
    """``(reluineq count, affinitree count, reluineq s, affinitree s)``."""
    net = Network.random(widths, seed=seed)
    state = affinitree_prepare(net)
    ta, ka = best_time(lambda: affinitree_count(state), repeat)
    tr, kr = best_time(lambda: reluineq_count(net), repeat)
    return kr, ka, tr, ta


def main(argv: list[str] | None = None) -> int:
    args = parse_args(
        argv, __doc__.splitlines()[0], quick="seed 0 only", repeat_default=1,
        repeat_help="runs per tool and network, the fastest kept (default 1)",
        out="highdim-latest.md",
    )
    seeds = SEEDS[:1] if args.quick else SEEDS
    start = time.perf_counter()
    reluineq_count(Network.random((HALFSPACE_DIMS, 2, 1), seed=0))  # imports SciPy's LPs
    rows, worst, disagree = [], 0.0, []
    for widths in SHAPES:
        counts, tr_all, ratios = [], [], []
        for seed in seeds:
            kr, ka, tr, ta = measure(widths, seed, args.repeat)
            print(f"{widths} seed {seed}: {kr} / {ka} regions, {tr:.3f} s / {ta:.3f} s",
                  file=sys.stderr, flush=True)
            if kr != ka:
                disagree.append(f"{widths} seed {seed}: reluineq {kr}, affinitree {ka}")
            counts.append(kr)
            tr_all.append(tr)
            ratios.append(tr / ta)
        worst = max(worst, *ratios)
        shape = "-".join(map(str, widths))
        rows.append([shape, f"{min(counts)}–{max(counts)}", sig3(max(tr_all)),
                     sig3(min(tr_all)), f"{sig3(min(ratios))}–{sig3(max(ratios))}",
                     "AGREE" if not any(d.startswith(str(widths)) for d in disagree)
                     else "DISAGREE"])
    elapsed = time.perf_counter() - start
    lines = [
        "# Regions in high dimension: reluineq (half-space engine) vs affinitree", "",
        header_line("bench/highdim.py", argv, elapsed,
                    f", affinitree {version('affinitree')}"), "",
        table(rows, ["network", "regions", "reluineq worst s", "reluineq best s",
                     "ratio reluineq/affinitree", "counts"], {1, 2, 3, 4}),
        "",
        f"Worst ratio over all shapes and seeds {list(seeds)}: **{sig3(worst)}**× "
        "affinitree's time (above 1: reluineq is slower).",
        "",
        f"- Box `[-{HALF:g}, {HALF:g}]^n`; networks `Network.random(widths, seed)`; "
        f"reluineq's `regions` picks its half-space engine from {HALFSPACE_DIMS} inputs on.",
        "- Timed: the enumeration alone (reluineq's `regions(net, box)`; affinitree's "
        "`builder.from_layers` on the box precondition, as in `bench/run.py`); the fastest "
        f"of `--repeat` runs ({args.repeat}).",
        "- Not run: n-16-1 for n >= 8 (30,000–65,000 regions in this box).",
    ]
    if disagree:
        lines += ["", "Counts that disagree:", "", *(f"- {d}" for d in disagree)]
    return finish(lines, args.out, bool(disagree))


if __name__ == "__main__":
    sys.exit(main())
