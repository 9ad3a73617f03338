"""Benchmark the two routes to a ReLU network's maximum over a box: one LP per region, one MILP.

Run with ``.venv/bin/python bench/lp.py [--quick] [--repeat N]``; ``make bench`` runs it after
the region table of ``run.py``. For each seeded network ``Network.random(widths, seed=0)`` it
maximises the output over ``[-2, 2]^d`` with ``reluineq.lp.optimize_by_regions`` (one HiGHS LP
per linear region) and ``reluineq.lp.optimize`` (one MILP, branch and bound), checks that the
two optima agree, and times both: the wall-clock counterpart of the work counts in
docs/posts/optimising-is-lp.md. The table goes to stdout and, as Markdown, to
``bench/results/lp-latest.md``; progress goes to stderr. The exit status is 1 when the optima
disagree, 2 when a route fails.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# bench/ is on sys.path: it is this script's directory, and run.py puts it there.
from report import finish, header_line, parse_args, sig3, source_state, table, version

from reluineq import Network
from reluineq.lp import Optimum, optimize, optimize_by_regions

#: Networks, widths including input and output: the page's eight, then two more.
NETWORKS: list[tuple[int, ...]] = [
    (2, 4, 4, 1),
    (2, 8, 8, 1),
    (2, 12, 12, 1),
    (2, 16, 16, 1),
    (3, 6, 6, 1),
    (3, 8, 8, 1),
    (3, 12, 12, 1),
    (4, 8, 8, 1),
    (2, 16, 16, 16, 1),
    (3, 10, 10, 1),
]
#: Left out by ``--quick`` (the slowest MILP, about 3.5 s a run).
LARGEST = (2, 16, 16, 16, 1)
SEED = 0
HALF = 2.0  # the box is [-HALF, HALF]^d
#: The two optima must agree to this, relative (absolute below 1), as on the docs page.
RTOL = 1e-7

ROUTES: dict[str, Callable[[Network, list[tuple[float, float]]], Optimum]] = {
    "regions": lambda net, box: optimize_by_regions(net, box, sense="max"),
    "milp": lambda net, box: optimize(net, box, sense="max"),
}


@dataclass
class Route:
    """One route's runs on one network."""

    name: str
    times: list[float] = field(default_factory=list)
    results: list[Optimum] = field(default_factory=list)
    error: str = ""

    @property
    def seconds(self) -> float:
        return min(self.times)

    @property
    def last(self) -> Optimum:
        return self.results[-1]


def box_of(d: int) -> list[tuple[float, float]]:
    return [(-HALF, HALF)] * d


def run_once(route: Route, net: Network) -> None:
    """One timed run of ``route`` on ``net`` (GC off inside the timer)."""
    solve = ROUTES[route.name]
    box = box_of(net.n_inputs)
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        result = solve(net, box)
        t = time.perf_counter() - t0
    finally:
        gc.enable()
    route.times.append(t)
    route.results.append(result)


def measure(net: Network, repeat: int) -> dict[str, Route]:
    """``repeat`` timed runs per route, taking turns so that load drift hits both alike."""
    routes = {name: Route(name) for name in ROUTES}
    for _ in range(repeat):
        for route in routes.values():
            if route.error:
                continue
            try:
                run_once(route, net)
            except Exception as exc:  # report and carry on with the other route
                route.error = f"{type(exc).__name__}: {exc}"
    return routes


def agree(a: float, b: float) -> bool:
    return abs(a - b) <= RTOL * max(1.0, abs(b))


def warm_up() -> None:
    """One untimed run of each route on a small net (imports, HiGHS, caches)."""
    measure(Network.random([2, 4, 4, 1], seed=1), 1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(
        argv, __doc__.splitlines()[0], out="lp-latest.md",
        quick=f"skip {'-'.join(map(str, LARGEST))}", repeat_default=3,
        repeat_help="timed runs per route and network, best kept (default 3)",
    )

    nets = [w for w in NETWORKS if not (args.quick and w == LARGEST)]
    started = time.perf_counter()
    warm_up()
    rows: list[list[str]] = []
    problems: list[str] = []
    disagree = failed = False
    for widths in nets:
        net = Network.random(list(widths), seed=SEED)
        name = "-".join(map(str, widths))
        print(f"{name}: regions, milp ...", end=" ", file=sys.stderr, flush=True)
        routes = measure(net, args.repeat)
        reg, mip = routes["regions"], routes["milp"]
        print(
            "; ".join(
                f"{r.name} error" if r.error else f"{r.name} {sig3(r.seconds)} s"
                for r in routes.values()
            ),
            file=sys.stderr, flush=True,
        )
        for r in routes.values():
            if r.error:
                failed = True
                problems.append(f"{name}: {r.name} failed: {r.error}")
        if reg.error or mip.error:
            rows.append([name, "—", "—", "—", "—", "—", "—", "—"])
            continue
        # Every run's optimum against the first region run's (repeats included).
        ref = reg.results[0].value
        for r, results in ((reg, reg.results[1:]), (mip, mip.results)):
            bad = [res.value for res in results if not agree(res.value, ref)]
            if bad:
                disagree = True
                problems.append(
                    f"{name}: optima DISAGREE: {r.name} {bad[0]!r} vs regions {ref!r} "
                    f"(tolerance {RTOL:g}, relative)"
                )
        # The work counts are deterministic; a change between runs would be news.
        for label, seen in (
            ("regions", {res.n_solves for res in reg.results}),
            ("binaries", {res.n_binaries for res in mip.results}),
            ("B&B nodes", {res.n_nodes for res in mip.results}),
        ):
            if len(seen) > 1:
                problems.append(f"{name}: {label} varied between runs: {sorted(seen)}")
        rows.append([
            name, f"{mip.last.value:.6f}", f"{reg.last.n_solves:,}", sig3(reg.seconds),
            str(mip.last.n_binaries), f"{mip.last.n_nodes:,}", sig3(mip.seconds),
            sig3(reg.seconds / mip.seconds),
        ])
    elapsed = time.perf_counter() - started

    header = ["network", "optimum", "regions (= LPs)", "LP route s", "binaries",
              "B&B nodes", "MILP s", "ratio LP / MILP"]
    body = table(rows, header, right={1, 2, 3, 4, 5, 6, 7})
    verdict = (
        "the two routes agree on every network"
        if not disagree else "the two routes DISAGREE (see Problems below)"
    )
    lines = [
        "# reluineq: maximum over a box, one LP per region vs one MILP",
        "",
        header_line("bench/lp.py", argv, elapsed,
                    f" (HiGHS); reluineq {version('reluineq')} at {source_state()}"),
        "",
        f"Networks: `Network.random(widths, seed={SEED})` (uniform ±1/√fan_in, as PyTorch); "
        f"box [-{HALF:g}, {HALF:g}]^d; the output maximised.",
        "",
        body,
        "",
        f"**Optima: {verdict}** (to {RTOL:g}, relative).",
        "",
        "Notes:",
        "",
        "- *LP route s*: `reluineq.lp.optimize_by_regions(net, box, sense=\"max\")`, the "
        "region enumeration plus one HiGHS LP (`scipy.optimize.linprog`) per region; "
        "*regions (= LPs)* is its `n_solves`. *MILP s*: `reluineq.lp.optimize(net, box, "
        "sense=\"max\")`, the big-M encoding with LP-tightened bounds (two LPs per unit after "
        "the first layer) plus one HiGHS MILP (`scipy.optimize.milp`, relative gap 1e-10); "
        "*binaries* and *B&B nodes* are its `n_binaries` and `n_nodes`. *ratio*: LP route "
        "seconds over MILP seconds (above 1: the MILP is faster).",
        f"- Seconds: the best (minimum) of `--repeat` runs ({args.repeat} here), the routes "
        "taking turns; GC off inside the timer; one untimed warm-up of each route first. "
        "The counts are machine-independent (docs/posts/optimising-is-lp.md shows them); "
        "the seconds are not, and carry ±20% or so of noise on a shared machine.",
    ]
    if problems:
        lines += ["", "Problems:", "", *(f"- {p}" for p in problems)]
    status = finish(lines, args.out, bool(disagree), "the two routes' optima")
    if status:
        return status
    if failed:
        print("a route failed: exit 2", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
