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
from explorer_chromium import CHROMIUM, Chromium, serve, write_page
from report import header_line, parse_args, publish, sig3, source_state, table, version
from run import HALF, Cell, judge, measure

from reluineq import Network, explorer

ROOT = Path(__file__).resolve().parent.parent
ENGINE = Path(__file__).resolve().parent / "explorer_engine.mjs"
SHAPES: list[tuple[int, ...]] = [(2, 8, 8, 1), (2, 16, 16, 1), (2, 32, 32, 1)]
SEEDS = range(5)
#: The explorer's goal: its engine at most this many times regioncam's time.
TARGET = 3.0
#: Node: untimed warm-up and the time budget of each network, in seconds.
WARMUP, BUDGET = 0.3, 3.0
#: The widget's goals in Chromium, region-map updates per second (drawing included).
UPDATE_GOALS = {(2, 16, 16, 1): 60, (2, 32, 32, 1): 20}
#: Seconds of each way of updating the map in Chromium.
BROWSER_SECONDS = 1.5

#: Runs in the page. "Back to back": a first-layer bias moves (as a drag moves it), the
#: widget recomputes and redraws, and reading one pixel makes Chromium raster the canvas
#: before the next move. "Paced": one move per animation frame, the widget updating in its
#: own frame as it does for a reader; capped by the frame rate.
UPDATES = """
(async (seconds) => {
  const e = document.querySelector(".reluineq-explorer").explorer;
  const layer = e.net.layers[0], base = layer.b[0];
  const ctx = e.canvas.getContext("2d");
  let n = 0;
  const move = () => {
    layer.b[0] = base + 0.2 * Math.sin(n++ / 7);
    e.edited();
    e.networkChanged();
  };
  for (let i = 0; i < 20; i++) { move(); e.update(); }
  let count = 0, t0 = performance.now();
  while (performance.now() - t0 < 1000 * seconds) {
    move();
    e.update();
    ctx.getImageData(0, 0, 1, 1);
    count++;
  }
  const backToBack = count / ((performance.now() - t0) / 1000);
  // The frame clock itself: animation frames per second with nothing to do.
  let frames = 0;
  t0 = performance.now();
  await new Promise((done) => {
    const tick = () => {
      if (performance.now() - t0 >= 1000) return done();
      frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const clock = frames / ((performance.now() - t0) / 1000);
  const update = e.update.bind(e);
  let paced = 0;
  e.update = () => { update(); paced++; };
  t0 = performance.now();
  await new Promise((done) => {
    const tick = () => {
      if (performance.now() - t0 >= 1000 * seconds) return done();
      move();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  e.update = update;
  return {backToBack, clock, paced: paced / ((performance.now() - t0) / 1000),
          regions: Number(e.root.dataset.regions)};
})
"""


def browser_rates(nets: dict[str, Network]) -> dict[str, dict]:
    """Region-map updates per second of the widget in headless Chromium, per network."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        pages = {}
        for i, (key, net) in enumerate(nets.items()):
            body = explorer.html(net, [(-HALF, HALF), (-HALF, HALF)], presets={}, label=key)
            pages[key] = write_page(site, body, title=key, name=f"net{i}.html").name
        with serve(site) as url, Chromium(Path(tmp) / "profile") as browser:
            for key, page in pages.items():
                tab = browser.open(url + page, 1280, 1000)
                tab.wait("!!document.querySelector('.reluineq-explorer')?.explorer")
                out[key] = tab.js(f"{UPDATES}({BROWSER_SECONDS})", timeout=60)
                tab.call("Page.close")
    return out


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


def engine_rows(shapes: list[tuple[int, ...]], seeds: list[int], repeat: int) -> tuple[
        list[list[str]], list[str], bool]:
    """The engine table: per shape the worst seed of each tool and ratio; notes; disagreement."""
    rows, notes = [], []
    disagree = False
    for widths in shapes:
        name = "-".join(map(str, widths))
        nets = {f"{name} seed {s}": Network.random(widths, seed=s) for s in seeds}
        print(f"{name}: reluineq and regioncam on {len(seeds)} seeds ...", end=" ",
              file=sys.stderr, flush=True)
        python = {key: measure(["reluineq", "regioncam"], net, repeat)
                  for key, net in nets.items()}
        print("node ...", end=" ", file=sys.stderr, flush=True)
        js = node_times(nets, repeat)
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
        rows.append([
            name, f"{min(counts):,}–{max(counts):,}",
            sig3(worst["reluineq"] * 1e3), sig3(worst["regioncam"] * 1e3),
            sig3(worst["explorer (JS)"] * 1e3), f"{ratio_rc:.2f} (seed {worst_seed})",
            f"{ratio_ri:.2f}", f"{verdict}: ≤ {TARGET:g}× regioncam",
        ])
    return rows, notes, disagree


def browser_rows(shapes: list[tuple[int, ...]], seeds: list[int]) -> list[list[str]]:
    """The Chromium table: per shape the slowest seed's updates per second, both ways."""
    nets = {f"{'-'.join(map(str, w))} seed {s}": Network.random(w, seed=s)
            for w in shapes for s in seeds}
    print(f"Chromium: {len(nets)} pages ...", end=" ", file=sys.stderr, flush=True)
    rates = browser_rates(nets)
    print("done", file=sys.stderr, flush=True)
    rows = []
    for widths in shapes:
        name = "-".join(map(str, widths))
        mine = {s: rates[f"{name} seed {s}"] for s in seeds}
        back = min(seeds, key=lambda s: mine[s]["backToBack"])
        paced = min(seeds, key=lambda s: mine[s]["paced"])
        goal = UPDATE_GOALS.get(widths)
        verdict = "—" if goal is None else (
            f"{'PASS' if mine[back]['backToBack'] >= goal else 'FAIL'}: ≥ {goal} per second")
        counts = [mine[s]["regions"] for s in seeds]
        rows.append([
            name, f"{min(counts):,}–{max(counts):,}",
            f"{mine[back]['backToBack']:.0f} (seed {back})",
            f"{mine[paced]['paced']:.0f} (seed {paced})",
            f"{min(mine[s]['clock'] for s in seeds):.0f}", verdict,
        ])
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(
        argv, __doc__.splitlines()[0], out="explorer-latest.md",
        quick="only 2-8-8-1 and 2-16-16-1, two seeds", repeat_default=50,
        repeat_help="at most N timed runs per tool and network, best kept (default 50)",
    )
    shapes = SHAPES[:2] if args.quick else SHAPES
    seeds = list(SEEDS)[:2] if args.quick else list(SEEDS)
    started = time.perf_counter()
    rows, notes, disagree = engine_rows(shapes, seeds, args.repeat)
    browser = browser_rows(shapes, seeds)
    elapsed = time.perf_counter() - started
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True,
                                  check=True).stdout.strip()
    chromium_version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True,
                                      check=True).stdout.strip()
    header = ["network", "regions", "reluineq ms", "regioncam ms", "explorer JS ms",
              "JS / regioncam", "JS / reluineq", "goal"]
    lines = [
        "# The explorer: its engine against reluineq and regioncam, and its speed in Chromium",
        "",
        header_line("bench/explorer.py", argv, elapsed,
                    f"; reluineq {version('reluineq')}, regioncam {version('regioncam')}, "
                    f"Node {node_version}, {chromium_version}; reluineq at {source_state()}"),
        "",
        f"Networks: `Network.random(widths, seed)` for seeds {seeds[0]} to {seeds[-1]}, box "
        f"[-{HALF:g}, {HALF:g}]^2. Every column is the worst over the seeds: the slowest "
        "seed's time, the largest ratio or the lowest rate, with its seed.",
        "",
        "## The engine",
        "",
        f"Times in milliseconds, each the best of up to {args.repeat} runs. The explorer's "
        f"engine is timed in Node after {WARMUP:g} s of warm-up, through `regions(net, box)`, "
        "from the JSON to the region objects.",
        "",
        table(rows, header, right={1, 2, 3, 4, 5, 6}),
        "",
        "Region counts: " + ("the explorer agrees with reluineq on every network"
                             if not disagree else "DISAGREE (see below)") + ".",
        *(f"- {n}" for n in notes),
        "",
        "## Region-map updates per second in headless Chromium",
        "",
        f"The widget on a page of its own, 1280 px wide; a first-layer bias moves as a drag "
        f"moves it, for {BROWSER_SECONDS:g} s each way. *Back to back*: move, recompute, "
        "redraw and raster the canvas (one pixel read), as fast as they go; the goal is "
        "judged on it. *Paced*: one move per animation frame, the widget updating in its "
        "own frame as it does for a reader, so capped by the frame clock, which is measured "
        "on the same page with empty frames. Region counts vary as the line moves.",
        "",
        table(browser, ["network", "regions", "back to back", "paced", "frame clock", "goal"],
              right={1, 2, 3, 4}),
    ]
    publish("\n".join(lines) + "\n", args.out)
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
