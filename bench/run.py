"""Benchmark reluineq's region enumeration against regioncam, affinitree and brute force.

Run with ``make bench`` (or ``.venv/bin/python bench/run.py [--quick] [--repeat N] [--warm]``).
Every tool gets the same seeded network, ``Network.random(widths, seed=0)``, over the box
``[-2, 2]^d``. Then every 2-D shape is timed again, reluineq against regioncam, on the seeds
:data:`SEEDS`, both cold (after a garbage collection) and warm (back to back), and the worst
ratio over seeds and both ways is what meets or misses the 2-D target. The
tables go to stdout and, as Markdown, to ``bench/results/latest.md``; progress goes to
stderr. The exit status is 1 when region counts disagree (a missed time target is only
reported), 2 when a tool fails.

Then ``lp.py`` (same ``--quick`` and ``--repeat``) times the two routes to the network's
maximum, one LP per region and one MILP, in a second table (``bench/results/lp-latest.md``);
its exit status counts when the region counts agree.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import regioncam

from reluineq import Network, regions

with warnings.catch_warnings():
    # affinitree warns at import that PyTorch is missing; we feed it NumPy arrays.
    warnings.simplefilter("ignore")
    import affinitree
    from affinitree import AffFunc, AffTree, Architecture, Polytope, builder

sys.path.insert(0, str(Path(__file__).resolve().parent))
from brute import RADIUS, brute_force_patterns
from report import header_line, parse_args, publish, sig3, source_state, table, version

# affinitree's Rust bindings reach for numpy.core, which NumPy 2 deprecates; harmless here.
warnings.filterwarnings("ignore", "numpy.core.multiarray is deprecated", DeprecationWarning)

#: Networks, widths including input and output. The first is the brute-force reference.
NETWORKS: list[tuple[int, ...]] = [
    (2, 8, 8, 1),
    (2, 16, 16, 1),
    (2, 32, 32, 32, 1),
    (2, 64, 64, 64, 1),
    (3, 12, 12, 1),
    (4, 10, 10, 1),
    (3, 16, 16, 16, 1),
]
#: Left out by ``--quick`` (affinitree alone needs about 35 s on it).
LARGEST = (2, 64, 64, 64, 1)
SEED = 0
#: Seeds on which every 2-D shape is timed against regioncam; the worst ratio counts.
SEEDS = tuple(range(8))
#: Runs per tool in that sweep, at the least (best kept, within BUDGET): a worst case over
#: seeds magnifies any load spike on a shared machine that outlasts a handful of runs.
SWEEP_REPEAT = 15
HALF = 2.0  # the box is [-HALF, HALF]^d
#: Brute force runs only up to this many ReLU units (2^16 LPs, about a minute).
BRUTE_MAX_UNITS = 16
#: A tool's repeats on one network stop once this many seconds are spent (at least one run).
BUDGET = 5.0
#: Time targets: 2-D within this factor of regioncam; 3-D and up no slower than affinitree.
TARGET_2D = 5.0
TARGET_ND = 1.0
#: A region thinner than this (2 * area / perimeter, in input units) is within float32's
#: reach in regioncam, whose vertices and activations are float32: 16 ulps at the box's
#: scale (3.8e-6). Measured on these nets: regioncam's face widths match reluineq's to
#: 6e-8 (a quarter ulp), and it still resolves regions 1e-6 wide.
THIN32 = 16 * float(np.finfo(np.float32).eps) * HALF

TOOLS = ("reluineq", "regioncam", "affinitree", "brute force")


@dataclass
class Cell:
    """One tool's result on one network."""

    tool: str
    count: int | None = None
    times: list[float] = field(default_factory=list)
    skipped: str = ""
    error: str = ""
    counts_seen: set[int] = field(default_factory=set)
    agree: str = "—"
    patterns: set[tuple[int, ...]] | None = None

    @property
    def seconds(self) -> float:
        return min(self.times)


# -- the tools ---------------------------------------------------------------------------
# Each tool has a ``prepare`` (untimed: converts the weights into the tool's objects) and a
# ``run`` (timed: the enumeration, ending with the region count).


def box_of(d: int) -> list[tuple[float, float]]:
    return [(-HALF, HALF)] * d


def reluineq_prepare(net: Network) -> Any:
    return net, box_of(net.n_inputs)


def reluineq_run(state: Any) -> int:
    net, box = state
    return len(regions(net, box))


def regioncam_prepare(net: Network) -> Any:
    # regioncam computes in float32 and applies x @ weight + bias: weights are (in, out).
    layers = []
    for layer in net.layers:
        W = np.ascontiguousarray(np.asarray(layer.weight, dtype=float).T, dtype=np.float32)
        b = np.asarray(layer.bias, dtype=np.float32)
        layers.append(regioncam.nn.Linear(W, b))
        if layer.activation == "relu":
            layers.append(regioncam.nn.ReLU())
    return regioncam.nn.Sequential(*layers)


def regioncam_run(model: Any) -> int:
    # Regioncam(size=s) is the square [-s, s]^2.
    cam = regioncam.Regioncam(size=HALF)
    cam.add(model)
    return cam.num_faces


def affinitree_prepare(net: Network) -> Any:
    d = net.n_inputs
    arch = Architecture(d)
    for layer in net.layers:
        W = np.asarray(layer.weight, dtype=np.float64)
        b = np.asarray(layer.bias, dtype=np.float64)
        arch.linear(AffFunc.from_mats(W, b))
        if layer.activation == "relu":
            arch.relu()
    # The box enters as a precondition: a tree that is the identity on the box and
    # undefined outside, so that only regions meeting the box are built.
    pre = AffTree.from_poly(Polytope.hyperrectangle(d, box_of(d)), AffFunc.identity(d))
    return arch, pre


def affinitree_run(state: Any) -> int:
    arch, pre = state
    tree = builder.from_layers(arch, pre)
    return tree.num_terminals()


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 (affinitree's Rust core prints progress there)."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


RUNNERS: dict[str, tuple[Callable[[Network], Any], Callable[[Any], int], Callable]] = {
    "reluineq": (reluineq_prepare, reluineq_run, contextlib.nullcontext),
    "regioncam": (regioncam_prepare, regioncam_run, contextlib.nullcontext),
    "affinitree": (affinitree_prepare, affinitree_run, quiet_stdout),
}


#: Whether to collect garbage right before each timed run (the default), or to time each
#: run warm, right after the last, as ``timeit`` does (``--warm``). A full collection walks
#: the whole heap and evicts the CPU caches, which costs the Python tool more than the
#: compiled ones; warm runs are what a loop of calls sees.
COLLECT = True


def run_once(tool: str, net: Network, cell: Cell, collect: bool) -> None:
    """One timed run of ``tool`` on ``net``, recorded in ``cell``; after a full garbage
    collection if ``collect``."""
    prepare, run, ctx = RUNNERS[tool]
    state = prepare(net)
    if collect:
        gc.collect()
    gc.disable()
    try:
        with ctx():
            t0 = time.perf_counter()
            n = run(state)
            t = time.perf_counter() - t0
    finally:
        gc.enable()
    cell.times.append(t)
    cell.counts_seen.add(int(n))
    cell.count = min(cell.counts_seen)


def measure(tools: list[str], net: Network, repeat: int,
            collect: bool | None = None) -> dict[str, Cell]:
    """Up to ``repeat`` timed runs per tool, interleaved round-robin, each after a
    garbage collection if ``collect`` (default :data:`COLLECT`).

    Interleaving spreads any drift in the machine's load over all tools alike. A tool
    stops repeating once it has spent :data:`BUDGET` seconds; a tool that raises is
    recorded as failed and not run again.
    """
    cells = {tool: Cell(tool) for tool in tools}
    for _ in range(repeat):
        for tool in tools:
            cell = cells[tool]
            if cell.error or sum(cell.times) > BUDGET:
                continue
            try:
                run_once(tool, net, cell, COLLECT if collect is None else collect)
            except Exception as exc:  # report and carry on with the other tools
                cell.error = f"{type(exc).__name__}: {exc}"
    return cells


def measure_brute(net: Network) -> Cell:
    cell = Cell("brute force")
    t0 = time.perf_counter()
    pats = brute_force_patterns(
        [layer.weight for layer in net.layers],
        [layer.bias for layer in net.layers],
        net.activations,
        box_of(net.n_inputs),
    )
    cell.times.append(time.perf_counter() - t0)
    cell.count = len(pats)
    cell.counts_seen.add(len(pats))
    cell.patterns = pats
    return cell


# -- agreement ---------------------------------------------------------------------------


def thin_reluineq(net: Network) -> int:
    """reluineq's 2-D regions thinner than :data:`THIN32`."""
    k = 0
    for r in regions(net, box_of(2)):
        v = np.asarray(r.vertices, dtype=float)
        x, y = v[:, 0], v[:, 1]
        area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
        perim = np.linalg.norm(v - np.roll(v, -1, axis=0), axis=1).sum()
        k += 2 * area / perim < THIN32
    return k


def thin_regioncam(net: Network) -> int:
    """regioncam's faces thinner than :data:`THIN32`."""
    cam = regioncam.Regioncam(size=HALF)
    cam.add(regioncam_prepare(net))
    k = 0
    for face in cam.faces:
        perim = sum(e.length for e in face.edges)
        k += 2 * face.area / perim < THIN32
    return k


def judge(net: Network, ref: Cell, cell: Cell) -> tuple[str, bool, str]:
    """Compare a peer's count with reluineq's: (label, ok, explanation for the footer)."""
    name = "-".join(map(str, net.widths))
    if len(cell.counts_seen) > 1:
        return "DISAGREE", False, f"{name}: {cell.tool} counted {sorted(cell.counts_seen)}"
    if cell.tool == "brute force" and cell.patterns is not None:
        mine = {r.pattern for r in regions(net, box_of(net.n_inputs))}
        if mine == cell.patterns:
            return "AGREE", True, ""
        only_r, only_b = len(mine - cell.patterns), len(cell.patterns - mine)
        return "DISAGREE", False, (
            f"{name}: patterns differ ({only_r} only in reluineq, {only_b} only in brute force)"
        )
    if cell.count == ref.count:
        return "AGREE", True, ""
    diff = abs(cell.count - ref.count)
    if cell.tool == "regioncam":
        allowed = thin_reluineq(net) + thin_regioncam(net)
        text = (
            f"{name}: regioncam {cell.count} vs reluineq {ref.count}; {allowed} regions or "
            f"faces thinner than {THIN32:.1e} (float32 reach)"
        )
        if diff <= allowed:
            return "AGREE (float32)", True, text
        return "DISAGREE", False, text
    return "DISAGREE", False, f"{name}: {cell.tool} {cell.count} vs reluineq {ref.count}"


# -- output ------------------------------------------------------------------------------


def rate(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else sig3(x)


def warm_up() -> None:
    """One untimed run of every tool on small nets (imports, caches, allocator)."""
    for widths in ((2, 4, 4, 1), (3, 4, 4, 1)):
        net = Network.random(widths, seed=1)
        measure([t for t in RUNNERS if t != "regioncam" or widths[0] == 2], net, 1)


def seed_sweep(shapes: list[tuple[int, ...]], repeat: int) -> tuple[list[str], list[str], bool]:
    """Each 2-D shape on every seed of :data:`SEEDS`, reluineq against regioncam, timed
    both ways: each run after a full garbage collection (cache-cold), and warm, one run
    right after the other as ``timeit`` times them. The two favour different tools, so
    each seed's ratio is the worse of the two.

    Returns the Markdown lines of the table, one time-target line per shape (its worst
    ratio over the seeds) and whether every count agreed.
    """
    rows, targets, agree = [], [], True
    for widths in shapes:
        name = "-".join(map(str, widths))
        ratios = []
        for seed in SEEDS:
            net = Network.random(widths, seed=seed)
            timed = []
            for collect in (True, False):
                cells = measure(["reluineq", "regioncam"], net, repeat, collect)
                timed.append((cells["reluineq"], cells["regioncam"]))
            if any(ref.error or peer.error for ref, peer in timed):
                rows.append([name, str(seed), "—", "—", "—", "—", "—", "—", "—", "error"])
                agree = False
                continue
            ref, peer = timed[0]
            label, ok, _ = judge(net, ref, peer)
            agree &= ok
            cold, warm = (r.seconds / p.seconds for r, p in timed)
            ratios.append((max(cold, warm), seed))
            rows.append([name, str(seed), f"{ref.count:,}",
                         *(sig3(c.seconds) for pair in timed for c in pair[:2]),
                         f"{cold:.2f}", f"{warm:.2f}", label])
            print(f"{name} seed {seed}: {cold:.2f}x regioncam cold, {warm:.2f}x warm",
                  file=sys.stderr, flush=True)
        if ratios:
            worst, seed = max(ratios)
            median = sorted(r for r, _ in ratios)[len(ratios) // 2]
            verdict = "PASS" if worst <= TARGET_2D else "FAIL"
            targets.append(f"{name}: {verdict}: worst {worst:.2f}× regioncam (seed {seed}), "
                           f"median {median:.2f}× (≤ {TARGET_2D:g}× on every seed, cold "
                           "and warm)")
    header = ["network", "seed", "regions", "reluineq s, cold", "regioncam s, cold",
              "reluineq s, warm", "regioncam s, warm", "× cold", "× warm", "count"]
    return table(rows, header, right=set(range(1, 9))).splitlines(), targets, agree


def main(argv: list[str] | None = None) -> int:
    global COLLECT
    args = parse_args(
        argv, __doc__.splitlines()[0], out="latest.md",
        quick=f"skip brute force and {'-'.join(map(str, LARGEST))} (and lp.py's 2-16-16-16-1)",
        repeat_default=5,
        repeat_help=f"at most N timed runs per tool and network, best kept (default 5; a tool "
        f"stops repeating once {BUDGET:g} s are spent)",
        extra=[("--warm", "time each run right after the last, as timeit does, instead of "
                          "after a full garbage collection")],
    )
    COLLECT = not args.warm

    nets = [w for w in NETWORKS if not (args.quick and w == LARGEST)]
    started = time.perf_counter()
    warm_up()
    rows: list[list[str]] = []
    notes: list[str] = []
    targets: list[str] = []
    disagree = failed = False
    for widths in nets:
        net = Network.random(widths, seed=SEED)
        name = "-".join(map(str, widths))
        d, n_units = widths[0], net.n_relu_units
        timed = ["reluineq", "affinitree"] + (["regioncam"] if d == 2 else [])
        print(f"{name}: {', '.join(timed)} ...", end=" ", file=sys.stderr, flush=True)
        cells = measure(timed, net, args.repeat)
        print(
            "; ".join(
                f"{t} error" if c.error else f"{t} {c.count} in {sig3(c.seconds)} s"
                for t, c in cells.items()
            ),
            file=sys.stderr, flush=True,
        )
        if d != 2:
            cells["regioncam"] = Cell("regioncam", skipped="2-D only")
        if args.quick:
            cells["brute force"] = Cell("brute force", skipped="--quick")
        elif n_units > BRUTE_MAX_UNITS:
            cells["brute force"] = Cell("brute force", skipped=f"2^{n_units} LPs")
        else:
            print(f"{name}: brute force, {2**n_units:,} LPs ...", end=" ", file=sys.stderr,
                  flush=True)
            try:
                cells["brute force"] = measure_brute(net)
            except Exception as exc:
                cells["brute force"] = Cell("brute force", error=f"{type(exc).__name__}: {exc}")
            b = cells["brute force"]
            print(b.error or f"{b.count} in {sig3(b.seconds)} s", file=sys.stderr, flush=True)
        for cell in cells.values():
            if cell.error:
                failed = True
                notes.append(f"{name}: {cell.tool} failed: {cell.error}")
        ref = cells["reluineq"]
        for tool, cell in cells.items():
            if tool == "reluineq" or cell.skipped or cell.error or ref.error:
                continue
            cell.agree, ok, text = judge(net, ref, cell)
            if text:
                notes.append(text)
            if not ok:
                disagree = True
        # Time targets (reported, never fatal).
        peer, limit = ("regioncam", TARGET_2D) if d == 2 else ("affinitree", TARGET_ND)
        target = "—"
        p = cells[peer]
        if not ref.error and p.times:
            ratio = ref.seconds / p.seconds
            verdict = "PASS" if ratio <= limit else "FAIL"
            target = f"{verdict}: {ratio:.2f}× {peer} (≤ {limit:g}×)"
            targets.append(f"{name}: {target}")
        for tool in TOOLS:
            cell = cells[tool]
            first = tool == "reluineq"
            lead = [name, str(d), str(n_units)] if first else ["", "", ""]
            if cell.skipped or cell.error:
                why = cell.skipped or "error"
                rows.append([*lead, tool, "—", "—", "—", "—", "—", f"— ({why})", ""])
                continue
            t = cell.seconds
            rel = t / ref.seconds if ref.times else float("nan")
            runs = "1" if len(cell.times) == 1 else f"best of {len(cell.times)}"
            rows.append([
                *lead, tool, f"{cell.count:,}", sig3(t), runs,
                rate(cell.count / t), sig3(rel),
                "reference" if first else cell.agree,
                target if first else "",
            ])
    sweep, sweep_targets, sweep_agree = seed_sweep(
        [w for w in nets if w[0] == 2], max(args.repeat, SWEEP_REPEAT))
    disagree |= not sweep_agree
    elapsed = time.perf_counter() - started

    header = ["network", "d", "ReLUs", "tool", "regions", "seconds", "runs", "regions/s",
              "time / reluineq", "count", "time target"]
    body = table(rows, header, right={1, 2, 4, 5, 7, 8})
    n_dis = sum(1 for r in rows if r[9] == "DISAGREE")
    verdict = (
        "all region counts agree" if n_dis == 0 else f"{n_dis} region count(s) DISAGREE"
    )
    lines = [
        "# reluineq region-enumeration benchmark",
        "",
        header_line(
            "bench/run.py", argv, elapsed,
            f"; reluineq {version('reluineq')}, regioncam {version('regioncam')}, "
            f"affinitree {affinitree.__version__}; reluineq at {source_state()}",
        ),
        "",
        f"Networks: `Network.random(widths, seed={SEED})` (uniform ±1/√fan_in, as PyTorch), "
        f"the same weights for every tool; box [-{HALF:g}, {HALF:g}]^d.",
        "",
        body,
        "",
        f"**Counts: {verdict}.**",
        "",
        "**Time targets** (reluineq's time over the peer's; reported, not enforced): 2-D "
        f"within {TARGET_2D:g}× regioncam on every seed of {list(SEEDS)} (the worst seed "
        f"counts), 3-D and up within {TARGET_ND:g}× affinitree on seed {SEED}:",
        "",
        *(f"- {t}" for t in sweep_targets),
        *(f"- {t}" for t in targets if not t.startswith("2-")),
        "",
        f"2-D shapes on seeds {list(SEEDS)}, reluineq against regioncam "
        f"(best of up to {max(args.repeat, SWEEP_REPEAT)} runs each, within {BUDGET:g} s), "
        "timed cold (each run after a full garbage collection) and warm (runs back to back, "
        "as timeit times them); a seed's ratio for the target is the worse of the two:",
        "",
        *sweep,
        "",
        "Notes:",
        "",
        f"- *seconds*: the best (minimum) of up to `--repeat` runs ({args.repeat} here); the "
        "tools take turns (one run each, round-robin) so that load drift hits all alike, and a "
        f"tool stops repeating on a network once {BUDGET:g} s are spent, so slow runs are "
        "single. GC is off inside the timer; "
        + ("each run follows a full garbage collection (cache-cold)." if COLLECT else
           "runs are warm, one right after the other, as timeit times them (`--warm`).")
        + " *time / reluineq*: this tool's seconds over reluineq's (above 1: reluineq is "
        "faster).",
        "- Timed: reluineq `regions(net, box)` (patterns, affine maps, vertices; inequality "
        "systems are built lazily, later); regioncam `Regioncam(size=2)` + `add(model)` + "
        "`num_faces`; affinitree `builder.from_layers(arch, precondition)` + `num_terminals()`. "
        "Not timed: converting the weights into each tool's objects (regioncam's float32 "
        "`nn.Sequential`, affinitree's `Architecture` and the box precondition tree "
        "`AffTree.from_poly(Polytope.hyperrectangle(...), AffFunc.identity(d))`).",
        f"- Brute force: every one of the 2^N activation patterns, one HiGHS LP each "
        f"(`scipy.optimize.linprog`), a region when the Chebyshev radius is > {RADIUS:g}; its "
        "pattern set is compared with reluineq's, not just the count. Run once, and only "
        f"where N ≤ {BRUTE_MAX_UNITS}.",
        "- Counts must match exactly, except that regioncam (float32) may differ by at most "
        f"the number of regions or faces thinner than {THIN32:.1e} (2·area/perimeter), which "
        "float32 rounding can create or lose; such a row reads *AGREE (float32)*.",
        "- regioncam works in 2-D only. Timings on a shared machine carry noise of ±20% or so.",
    ]
    if notes:
        lines += ["", "Count details:", "", *(f"- {n}" for n in notes)]
    publish("\n".join(lines) + "\n", args.out)
    # The second table: LP per region vs MILP (docs/posts/optimising-is-lp.md).
    from lp import main as lp_main

    lp_status = lp_main(["--repeat", str(args.repeat)] + (["--quick"] if args.quick else []))
    if disagree:
        print("region counts DISAGREE: exit 1", file=sys.stderr)
        return 1
    if failed:
        print("a tool failed: exit 2", file=sys.stderr)
        return 2
    return lp_status


if __name__ == "__main__":
    sys.exit(main())
