// Train mode: the datasets, the trainer (full-batch Adam) and its export to the library.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { forward, pattern } from "../../docs/_static/explorer/network.js";
import { regions } from "../../docs/_static/explorer/regions.js";
import { DATASETS, Trainer, dataset, prng, randomNetwork } from "../../docs/_static/explorer/train.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = process.env.RELUINEQ_PYTHON ?? path.join(ROOT, ".venv", "bin", "python");

test("the seeded generator is uniform in [0, 1) and repeats for equal seeds only", () => {
  const a = prng(7), b = prng(7), c = prng(8);
  const xs = Array.from({ length: 20000 }, a);
  assert.deepEqual(Array.from({ length: 20000 }, b), xs);
  assert.notDeepEqual(Array.from({ length: 20000 }, c), xs);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  // Ten equal bins each hold a tenth, within 5 standard deviations.
  const bins = new Array(10).fill(0);
  for (const x of xs) bins[Math.floor(10 * x)]++;
  for (const count of bins) assert.ok(Math.abs(count - 2000) < 5 * Math.sqrt(1800), `bins ${bins}`);
});

test("every dataset lies in its box, and the classes are balanced", () => {
  for (const name of Object.keys(DATASETS)) {
    const data = dataset(name, { n: 400, seed: 3 });
    const [[x0, x1], [y0, y1]] = data.box;
    for (let i = 0; i < data.n; i++) {
      const x = data.X[2 * i], y = data.X[2 * i + 1];
      assert.ok(x > x0 && x < x1 && y > y0 && y < y1, `${name}: point ${x}, ${y} outside its box`);
    }
    if (data.task === "classify") {
      const ones = data.y.reduce((s, t) => s + t, 0);
      assert.ok(data.y.every((t) => t === 0 || t === 1));
      assert.ok(ones > 150 && ones < 250, `${name}: ${ones} of 400 in class 1`);
    } else {
      for (let i = 0; i < data.n; i++) assert.equal(data.y[i], Math.sin(data.X[2 * i]));
    }
    assert.deepEqual(dataset(name, { n: 400, seed: 3 }), data);
  }
  assert.throws(() => dataset("swiss roll"), /unknown dataset "swiss roll"; expected one of xor, circles, moons, spiral, sine/);
  assert.throws(() => dataset("xor", { n: 1 }), /n must be an integer/);
});

test("the XOR labels are the signs' product, the circles' are inside or out", () => {
  const xor = dataset("xor");
  for (let i = 0; i < xor.n; i++) assert.equal(xor.y[i], xor.X[2 * i] * xor.X[2 * i + 1] > 0 ? 1 : 0);
  const circles = dataset("circles");
  for (let i = 0; i < circles.n; i++) {
    const r = Math.hypot(circles.X[2 * i], circles.X[2 * i + 1]);
    assert.equal(circles.y[i], r <= 1 ? 1 : 0);
    assert.ok(r <= 1 || (r >= 1.8 && r <= 2.6));
  }
});

test("backpropagation's gradient is the loss's derivative (central differences)", () => {
  for (const name of ["moons", "sine"]) {
    const trainer = new Trainer(randomNetwork([2, 5, 4, 1], 4), dataset(name, { n: 30 }));
    const grads = trainer.gradients().map((g) => Float64Array.from(g));
    trainer.params.forEach((p, j) => {
      for (let i = 0; i < p.length; i++) {
        const keep = p[i], h = 1e-6;
        p[i] = keep + h;
        const up = trainer.evaluate();
        p[i] = keep - h;
        const down = trainer.evaluate();
        p[i] = keep;
        const numeric = (up - down) / (2 * h);
        assert.ok(Math.abs(numeric - grads[j][i]) < 1e-6 * (1 + Math.abs(numeric)),
          `${name}: parameter ${j}.${i}: backprop ${grads[j][i]}, differences ${numeric}`);
      }
    });
  }
});

test("the loss falls on every dataset", () => {
  for (const name of Object.keys(DATASETS)) {
    for (const seed of [0, 1, 2]) {
      const trainer = new Trainer(randomNetwork([2, 16, 16, 1], seed), dataset(name, { seed }), { lr: 0.03 });
      trainer.step(300);
      const [first] = trainer.losses;
      assert.equal(trainer.losses.length, 301);
      assert.ok(trainer.loss < first / 100, `${name}, seed ${seed}: loss ${first} -> ${trainer.loss}`);
      if (DATASETS[name].task === "classify") {
        assert.ok(trainer.accuracy() >= 0.98, `${name}, seed ${seed}: accuracy ${trainer.accuracy()}`);
      } else {
        assert.ok(trainer.loss < 0.005, `${name}, seed ${seed}: mean squared error ${trainer.loss}`);
      }
    }
  }
});

test("seeded runs are identical, other seeds are not", () => {
  const run = (seed) => {
    const trainer = new Trainer(randomNetwork([2, 8, 8, 1], seed), dataset("spiral", { seed }), { lr: 0.02 });
    trainer.step(50);
    return { losses: trainer.losses, net: trainer.toDict() };
  };
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5).losses, run(6).losses);
});

test("the trainer changes its own copy of the network, not the one it was given", () => {
  const start = randomNetwork([2, 4, 1], 0);
  const copy = JSON.parse(JSON.stringify(start));
  const trainer = new Trainer(start, dataset("xor"));
  trainer.step(5);
  assert.deepEqual(start, copy);
  assert.notDeepEqual(trainer.toDict(), copy);
  assert.throws(() => { trainer.lr = 0; }, /learning rate must be a positive number/);
  assert.throws(() => new Trainer(randomNetwork([2, 4, 2], 0), dataset("xor")), /one output/);
});

test("a trained network exported as JSON is the same network in reluineq", () => {
  const trainer = new Trainer(randomNetwork([2, 8, 8, 1], 1), dataset("moons"), { lr: 0.03 });
  trainer.step(200);
  const net = trainer.toDict();
  const box = dataset("moons").box;
  // Points: a grid, plus every region's corners and centroid from the engine.
  const points = [];
  for (let i = 0; i <= 20; i++) for (let j = 0; j <= 20; j++) points.push([-3 + 0.3 * i, -3 + 0.3 * j]);
  for (const r of regions(net, box)) {
    points.push(...r.polygon);
    points.push([0, 1].map((c) => r.polygon.reduce((s, p) => s + p[c], 0) / r.polygon.length));
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "explorer-"));
  const file = path.join(dir, "export.json");
  fs.writeFileSync(file, JSON.stringify({ network: net, points, box }));
  const script = [
    "import json, sys",
    "from reluineq import Network, regions",
    "data = json.load(open(sys.argv[1]))",
    "net = Network.from_dict(data['network'])",
    "print(json.dumps({'repr': repr(net), 'values': net.forward(data['points']).tolist(),",
    "  'patterns': net.pattern(data['points']).tolist(),",
    "  'regions': len(regions(net, [tuple(b) for b in data['box']]))}))",
  ].join("\n");
  const python = JSON.parse(execFileSync(PYTHON, ["-c", script, file], { encoding: "utf8" }));
  fs.rmSync(dir, { recursive: true });
  assert.equal(python.repr, "Network(2-8-8-1, relu-relu-identity, float)");
  points.forEach((p, i) => {
    const mine = forward(net, p)[0];
    assert.ok(Math.abs(python.values[i][0] - mine) <= 1e-12 * (1 + Math.abs(mine)), `at ${p}: ${mine} here, ${python.values[i][0]} in Python`);
  });
  // Away from region boundaries the activation patterns agree too (corners lie on them).
  for (let i = 0; i < 441; i++) assert.deepEqual(python.patterns[i], pattern(net, points[i]));
  assert.equal(python.regions, regions(net, box).length);
});
