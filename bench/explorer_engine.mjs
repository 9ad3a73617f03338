// Times the explorer's engine, regions(net, box) from docs/_static/explorer/regions.js, in
// Node. bench/explorer.py runs it: `node bench/explorer_engine.mjs JOB.json`, where the job
// is {box, repeat, budget, warmup, nets: [{name, network}]}. For every net it prints one JSON
// line: {name, count, seconds: [each timed run]}.
//
// Each net gets untimed warm-up calls first (for `warmup` seconds: the JIT compiles the hot
// loops), then up to `repeat` timed calls, stopping once `budget` seconds are spent.

import fs from "node:fs";

import { regions } from "../docs/_static/explorer/regions.js";

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const now = () => Number(process.hrtime.bigint()) / 1e9;

for (const { name, network } of job.nets) {
  let count = regions(network, job.box).length;
  const warmUntil = now() + job.warmup;
  while (now() < warmUntil) regions(network, job.box);
  const seconds = [];
  const stop = now() + job.budget;
  while (seconds.length < job.repeat && (seconds.length === 0 || now() < stop)) {
    const t0 = now();
    count = regions(network, job.box).length;
    seconds.push(now() - t0);
  }
  process.stdout.write(JSON.stringify({ name, count, seconds }) + "\n");
}
