// The explorer's engine against the library: every network that tests/js/write_fixtures.py
// wrote with Network.to_dict(), with the regions reluineq.regions found for it.
//
// For each network: the same multiset of activation patterns; for each region, the same
// area, the same M and d, reluineq's interior point inside the engine's polygon with the
// network's value there equal to M x + d, and the same inequality system. The engine's
// polygons must also be convex, counter-clockwise and tile the box.

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

import { TOL, inequalities, regions } from "../../docs/_static/explorer/regions.js";

const FIXTURES = process.env.RELUINEQ_JS_FIXTURES
  ?? fileURLToPath(new URL("../../_build/js-fixtures/regions.json", import.meta.url));

if (!fs.existsSync(FIXTURES)) {
  throw new Error(`${FIXTURES} is missing: run \`make node-test\`, which writes it with `
    + "tests/js/write_fixtures.py before running these tests");
}
const { tol: LIBRARY_TOL, cases: CASES } = JSON.parse(fs.readFileSync(FIXTURES, "utf8"));

/** Relative-and-absolute closeness, for floats the two sides computed in different orders. */
function close(a, b, tol = 1e-9) {
  return Math.abs(a - b) <= tol * (1 + Math.abs(b));
}

function signedArea(poly) {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x0, y0] = poly[i];
    const [x1, y1] = poly[(i + 1) % poly.length];
    s += x0 * y1 - x1 * y0;
  }
  return s / 2;
}

/** How far inside the convex, counter-clockwise polygon the point is (negative: outside). */
function depth(poly, [px, py]) {
  let least = Infinity;
  for (let i = 0; i < poly.length; i++) {
    const [x0, y0] = poly[i];
    const [x1, y1] = poly[(i + 1) % poly.length];
    const len = Math.hypot(x1 - x0, y1 - y0);
    least = Math.min(least, ((x1 - x0) * (py - y0) - (y1 - y0) * (px - x0)) / len);
  }
  return least;
}

const key = (pattern) => pattern.join("");

test("the engine's tolerance is the library's", () => {
  assert.equal(TOL, LIBRARY_TOL);
});

test("the fixtures cover every kind of network the issue lists", () => {
  const names = CASES.map((c) => c.name).join("\n");
  for (const kind of ["random", "exact integers", "parallel", "corner", "through one point",
    "dead", "identity layer", "many layers", "preset"]) {
    assert.match(names, new RegExp(kind), `no fixture of kind ${kind}`);
  }
  assert.ok(CASES.length >= 50, `only ${CASES.length} fixtures`);
});

for (const fixture of CASES) {
  test(`same regions as reluineq: ${fixture.name}`, () => {
    const { network, box, regions: expected } = fixture;
    const found = regions(network, box);

    // The same multiset of patterns.
    const mine = found.map((r) => key(r.pattern)).sort();
    const theirs = expected.map((r) => key(r.pattern)).sort();
    assert.deepEqual(mine, theirs, "the multisets of activation patterns differ");

    // Every polygon convex and counter-clockwise; together they tile the box.
    const [[x0, x1], [y0, y1]] = box.map((pair) => pair.map(Number));
    const boxArea = (x1 - x0) * (y1 - y0);
    const scale = Math.max(x1 - x0, y1 - y0);
    let total = 0;
    for (const r of found) {
      const a = signedArea(r.polygon);
      assert.ok(a > 0, `region ${key(r.pattern)}: area ${a} is not positive (clockwise or flat)`);
      total += a;
      const n = r.polygon.length;
      for (let i = 0; i < n; i++) {
        const [ax, ay] = r.polygon[i], [bx, by] = r.polygon[(i + 1) % n], [cx, cy] = r.polygon[(i + 2) % n];
        const turn = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
        assert.ok(turn >= -1e-12 * scale * scale, `region ${key(r.pattern)} is not convex at corner ${i + 1}`);
      }
      assert.equal(r.edges.length, n);
    }
    assert.ok(close(total, boxArea, 1e-9), `the regions cover ${total}, the box ${boxArea}`);

    const byPattern = new Map(found.map((r) => [key(r.pattern), r]));
    for (const want of expected) {
      const k = key(want.pattern);
      const got = byPattern.get(k);
      assert.ok(Math.abs(signedArea(got.polygon) - want.area) <= 1e-9 * boxArea,
        `region ${k}: area ${signedArea(got.polygon)}, reluineq ${want.area}`);
      // reluineq's interior point lies in the engine's polygon (to within the tolerance).
      assert.ok(depth(got.polygon, want.point) >= -1e-9 * scale,
        `region ${k}: reluineq's interior point ${want.point} is outside the engine's polygon`);
      want.M.forEach((row, o) => {
        row.forEach((v, i) => assert.ok(close(got.M[o][i], v), `region ${k}: M[${o}][${i}] ${got.M[o][i]}, reluineq ${v}`));
        assert.ok(close(got.d[o], want.d[o]), `region ${k}: d[${o}] ${got.d[o]}, reluineq ${want.d[o]}`);
        const [px, py] = want.point;
        const value = got.M[o][0] * px + got.M[o][1] * py + got.d[o];
        assert.ok(close(value, want.value[o], 1e-8), `region ${k}: M x + d = ${value} at the interior point, the network ${want.value[o]}`);
      });
      // The inequality system: the same facets, labelled alike, with the same rows.
      const system = inequalities(network, box, got);
      assert.deepEqual(system.map((row) => row.label), want.labels, `region ${k}: other facets`);
      system.forEach((row, i) => {
        const ok = close(row.a[0], want.A[i][0]) && close(row.a[1], want.A[i][1]) && close(row.c, want.c[i]);
        assert.ok(ok, `region ${k}, facet ${i}: ${row.a} x <= ${row.c}, reluineq ${want.A[i]} x <= ${want.c[i]}`);
      });
    }
  });
}
