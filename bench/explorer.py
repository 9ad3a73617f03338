"""Benchmark the explorer's JavaScript engine against reluineq and regioncam, worst case over seeds.

Run with ``make bench`` (or ``.venv/bin/python bench/explorer.py [--quick] [--repeat N]``).
For each shape and seed, ``Network.random(widths, seed)`` over the box [-2, 2]^2 goes to
three tools: ``reluineq.regions`` and regioncam in this process, and ``regions()`` of
``docs/_static/explorer/regions.js`` in Node (``bench/explorer_engine.mjs``). Each time is
the best of up to ``--repeat`` runs; per shape the table reports the *worst* seed: the
slowest time of each tool and the largest ratio. The explorer's count must equal
reluineq's on every network (exit status 1 otherwise); regioncam's is judged as in
``run.py`` (float32 allowance). The goal, reported and never fatal: the JavaScript engine
within 3x of regioncam. The Markdown copy goes to ``bench/results/explorer-latest.md``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import header_line, parse_args, publish, sig3, source_state, table, version
from run import HALF, Cell, judge, measure

from reluineq import Network

ROOT = Path(__file__).resolve().parent.parent
ENGINE = Path(__file__).resolve().parent / "explorer_engine.mjs"
SHAPES: list[tuple[int, ...]] = [(2, 8, 8, 1), (2, 16, 16, 1), (2, 32, 32, 1)]
SEEDS = range(5)
#: The explorer's goal: its engine at most this many times regioncam's time.
TARGET = 3.0
#: Node: untimed warm-up and the time budget of each network, in seconds.
WARMUP, BUDGET = 0.3, 3.0


def node_times(nets: dict[str, Network], repeat: int) -> dict[str, Cell]:
    """Time the JavaScript engine on every network, in one Node process."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not installed: the explorer's engine runs in Node")
    box = [[-HALF, HALF], [-HALF, HALF]]
    job = {"box": box, "repeat": repeat, "budget": BUDGET, "warmup": WARMUP,
           "nets": [{"name": name, "network": net.to_dict()} for name, net in nets.items()]}
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(job, f)
        f.flush()
        out = subprocess.run([node, str(ENGINE), f.name], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout
    cells = {}
    for line in out.splitlines():
        row = json.loads(line)
        cell = Cell("explorer (JS)", count=row["count"], times=row["seconds"])
        cell.counts_seen.add(row["count"])
        cells[row["name"]] = cell
    return cells


def main(argv: list[str] | None = None) -> int:
    args = parse_args(
        argv, __doc__.splitlines()[0], out="explorer-latest.md",
        quick="only 2-8-8-1 and 2-16-16-1, two seeds", repeat_default=50,
        repeat_help="at most N timed runs per tool and network, best kept (default 50)",
    )
    shapes = SHAPES[:2] if args.quick else SHAPES
    seeds = list(SEEDS)[:2] if args.quick else list(SEEDS)
    started = time.perf_counter()
    rows, notes, targets = [], [], []
    disagree = False
    for widths in shapes:
        name = "-".join(map(str, widths))
        nets = {f"{name} seed {s}": Network.random(widths, seed=s) for s in seeds}
        print(f"{name}: reluineq and regioncam on {len(seeds)} seeds ...", end=" ",
              file=sys.stderr, flush=True)
        python = {key: measure(["reluineq", "regioncam"], net, args.repeat)
                  for key, net in nets.items()}
        print("node ...", end=" ", file=sys.stderr, flush=True)
        js = node_times(nets, args.repeat)
        print("done", file=sys.stderr, flush=True)
        worst = {"reluineq": 0.0, "regioncam": 0.0, "explorer (JS)": 0.0}
        ratio_rc = ratio_ri = 0.0
        worst_seed = ""
        counts = []
        for key, net in nets.items():
            cells = {**python[key], "explorer (JS)": js[key]}
            ref = cells["reluineq"]
            for cell in cells.values():
                if cell.error:
                    raise SystemExit(f"{key}: {cell.tool} failed: {cell.error}")
                worst[cell.tool] = max(worst[cell.tool], cell.seconds)
            counts.append(ref.count)
            if js[key].count != ref.count:
                disagree = True
                notes.append(f"{key}: the explorer found {js[key].count} regions, "
                             f"reluineq {ref.count}")
            _, ok, text = judge(net, ref, cells["regioncam"])
            if text:
                notes.append(text)
            disagree |= not ok
            r = js[key].seconds / cells["regioncam"].seconds
            if r > ratio_rc:
                ratio_rc, worst_seed = r, key.rsplit(" ", 1)[1]
            ratio_ri = max(ratio_ri, js[key].seconds / ref.seconds)
        verdict = "PASS" if ratio_rc <= TARGET else "FAIL"
        target = f"{verdict}: {ratio_rc:.2f}× regioncam (≤ {TARGET:g}×)"
        targets.append(f"{name}: {target}, worst at seed {worst_seed}")
        rows.append([
            name, f"{min(counts):,}–{max(counts):,}",
            sig3(worst["reluineq"] * 1e3), sig3(worst["regioncam"] * 1e3),
            sig3(worst["explorer (JS)"] * 1e3), f"{ratio_rc:.2f} (seed {worst_seed})",
            f"{ratio_ri:.2f}", target,
        ])
    elapsed = time.perf_counter() - started
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True,
                                  check=True).stdout.strip()
    header = ["network", "regions", "reluineq ms", "regioncam ms", "explorer JS ms",
              "JS / regioncam", "JS / reluineq", "goal"]
    lines = [
        "# The explorer's engine (JavaScript) against reluineq and regioncam",
        "",
        header_line("bench/explorer.py", argv, elapsed,
                    f"; reluineq {version('reluineq')}, regioncam {version('regioncam')}, "
                    f"Node {node_version}; reluineq at {source_state()}"),
        "",
        f"Networks: `Network.random(widths, seed)` for seeds {seeds[0]} to {seeds[-1]}, box "
        f"[-{HALF:g}, {HALF:g}]^2. Times in milliseconds, each the best of up to "
        f"{args.repeat} runs; every column is the worst over the seeds (the slowest seed's "
        "time; the largest ratio, with its seed). The explorer is timed in Node after "
        f"{WARMUP:g} s of warm-up, through `regions(net, box)` from JSON to region objects.",
        "",
        table(rows, header, right={1, 2, 3, 4, 5, 6}),
        "",
        "Region counts: " + ("the explorer agrees with reluineq on every network"
                             if not disagree else "DISAGREE (see below)") + ".",
        "",
        *(f"- {t}" for t in targets),
        *(f"- {n}" for n in notes),
    ]
    publish("\n".join(lines) + "\n", args.out)
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
