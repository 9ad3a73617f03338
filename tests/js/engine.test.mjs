// The engine's input handling and its small promises, independent of the Python fixtures:
// what it accepts, what it rejects and how it says so, and that results do not depend on
// what was computed before (the scratch storage is reused from call to call).

import { test } from "node:test";
import assert from "node:assert/strict";

import { forward, parseNetwork, parseNumber, pattern, toDict } from "../../docs/_static/explorer/network.js";
import { MAX_REGIONS, regionArrays, regionMaps, regions } from "../../docs/_static/explorer/regions.js";

const BOX = [[-1, 1], [-1, 1]];
const axes = (activation = "relu") => ({
  layers: [{ weight: [[1, 0], [0, 1]], bias: [0, 0], activation }, { weight: [[1, 1]], bias: [0], activation: "identity" }],
});

test("rational strings and plain numbers are read exactly as Fraction reads them", () => {
  assert.equal(parseNumber("3/4", "w"), 0.75);
  assert.equal(parseNumber("-2", "w"), -2);
  assert.equal(parseNumber(" -7/2 ", "w"), -3.5);
  assert.equal(parseNumber("+1/3", "w"), 1 / 3);
  assert.equal(parseNumber("0.25", "w"), 0.25);
  assert.equal(parseNumber("1e-3", "w"), 0.001);
  assert.equal(parseNumber(-0.5, "w"), -0.5);
});

test("anything else is rejected with an error that names the entry and the value", () => {
  for (const bad of ["abc", "", "1/0", "3/4/5", "1/-2", "0x10", "Infinity", "NaN", "2 + 1", "1_000"]) {
    assert.throws(() => parseNumber(bad, "layer 0 weight[1, 0]"),
      (e) => e.message.startsWith("layer 0 weight[1, 0]: ") && e.message.includes(JSON.stringify(bad)), bad);
  }
  for (const bad of [NaN, Infinity, -Infinity, null, true, [1], { p: 1 }, undefined]) {
    assert.throws(() => parseNumber(bad, "bias[0]"), /^(TypeError|RangeError): bias\[0\]: /, String(bad));
  }
  assert.throws(() => parseNumber("1e999", "w"), /too large/);
});

test("malformed networks are rejected, naming the layer at fault", () => {
  const cases = [
    [null, /"layers" list/],
    [{ layers: [] }, /empty network/],
    [{ layers: [{ weight: [[1, 0]], bias: [0] }] }, /layer 0: missing activation/],
    [{ layers: [{ weight: [[1, 0]], bias: [0], activation: "sigmoid" }] }, /layer 0: a sigmoid layer has no linear regions/],
    [{ layers: [{ weight: [[1, 0]], bias: [0], activation: "tanh" }] }, /layer 0: unknown activation "tanh"/],
    [{ layers: [{ weight: [[1, 0], [1]], bias: [0, 0], activation: "relu" }] }, /layer 0 weight: ragged/],
    [{ layers: [{ weight: [[1, 0]], bias: [0, 1], activation: "relu" }] }, /layer 0: bias has 2 entries but the weight has 1 rows/],
    [{ layers: [{ weight: [[1, 0]], bias: [0], activation: "relu" }, { weight: [[1, 1]], bias: [0], activation: "relu" }] },
      /layer 1: weight has 2 columns but layer 0 has 1 units/],
    [{ layers: [{ weight: [[1, "x"]], bias: [0], activation: "relu" }] }, /layer 0 weight\[0, 1\]: "x" is not a number/],
    [{ layers: [{ weight: [[1, 0]], bias: ["1/0"], activation: "relu" }] }, /layer 0 bias\[0\]: "1\/0" divides by zero/],
  ];
  for (const [net, message] of cases) assert.throws(() => regions(net, BOX), message);
});

test("the box and the input dimension are checked", () => {
  assert.throws(() => regions(axes(), [[-1, 1]]), /box must be 2 \[low, high\] pairs/);
  assert.throws(() => regions(axes(), [[1, -1], [0, 1]]), /box interval 0 is empty or flat/);
  assert.throws(() => regions(axes(), [[0, 1], [0, "inf"]]), /box interval 1 high: "inf"/);
  const threeInputs = { layers: [{ weight: [[1, 0, 1]], bias: [0], activation: "relu" }] };
  assert.throws(() => regions(threeInputs, BOX), /needs a 2-input network, this one has 3 inputs/);
  assert.deepEqual(regions(axes(), [["-1", "1/2"], [-1, "3/4"]]).length, 4);
});

test("a limit on the number of regions bounds the work", () => {
  const fan = { layers: [{ weight: Array.from({ length: 20 }, (_, i) => [Math.cos(i), Math.sin(i)]),
    bias: Array(20).fill(0.1), activation: "relu" }] };
  assert.throws(() => regions(fan, BOX, { maxRegions: 10 }), /more than maxRegions=10 regions/);
  assert.ok(regions(fan, BOX).length > 10);
  assert.throws(() => regions(fan, BOX, { maxRegions: 0 }), /positive integer/);
  assert.ok(MAX_REGIONS >= 100000);
});

test("two lines through the origin make four quadrants, with ReLU(0) counted as off", () => {
  const found = regions(axes(), BOX);
  assert.deepEqual(found.map((r) => r.pattern.join("")).sort(), ["00", "01", "10", "11"]);
  const both = found.find((r) => r.pattern.join("") === "11");
  assert.deepEqual(both.M, [[1, 1]]);
  assert.deepEqual(both.d, [0]);
  assert.deepEqual(both.polygon.map(String).sort(), ["0,0", "0,1", "1,0", "1,1"]);
  // The pattern at a point on a line says off, as the engine's regions do.
  assert.deepEqual(pattern(axes(), [0, 0.5]), [0, 1]);
});

test("on every region the network is M x + d, at every corner too", () => {
  const net = { layers: [
    { weight: [[1, 2], [-1, 1], [3, -1]], bias: ["1/2", 0, -1], activation: "relu" },
    { weight: [[1, -1, 2], [-2, 1, 1]], bias: [0, "1/3"], activation: "relu" },
    { weight: [[1, 2]], bias: [-1], activation: "identity" }] };
  for (const r of regions(net, [[-2, 2], [-2, 2]])) {
    const cx = r.polygon.reduce((s, p) => s + p[0], 0) / r.polygon.length;
    const cy = r.polygon.reduce((s, p) => s + p[1], 0) / r.polygon.length;
    assert.deepEqual(pattern(net, [cx, cy]), r.pattern);
    for (const [x, y] of [...r.polygon, [cx, cy]]) {
      const value = r.M[0][0] * x + r.M[0][1] * y + r.d[0];
      assert.ok(Math.abs(value - forward(net, [x, y])[0]) < 1e-12, `${r.pattern} at ${x}, ${y}`);
    }
    const maps = regionMaps(net, r.pattern);
    assert.deepEqual(maps.M, r.M);
    assert.equal(maps.units.length, 5);
  }
});

test("results do not depend on the networks computed before", async () => {
  // A second copy of the module has scratch storage of its own, never used before.
  const fresh = await import(`../../docs/_static/explorer/regions.js?fresh=${Date.now()}`);
  const wide = { layers: [
    { weight: Array.from({ length: 24 }, (_, i) => [Math.cos(2 * i), Math.sin(3 * i)]), bias: Array.from({ length: 24 }, (_, i) => Math.sin(i) / 2), activation: "relu" },
    { weight: Array.from({ length: 24 }, (_, i) => Array.from({ length: 24 }, (_, k) => Math.cos(i * 7 + k))), bias: Array(24).fill(0.1), activation: "relu" },
    { weight: [Array(24).fill(1)], bias: [0], activation: "identity" }] };
  const small = axes();
  regions(small, BOX);
  const after = regions(wide, [[-2, 2], [-2, 2]]);
  regions(small, BOX);
  const again = regions(wide, [[-2, 2], [-2, 2]]);
  const first = fresh.regions(wide, [[-2, 2], [-2, 2]]);
  assert.ok(first.length > 200);
  assert.deepEqual(after, first);
  assert.deepEqual(again, first);
});

test("the flat arrays hold the same regions as the objects", () => {
  const net = axes();
  const flat = regionArrays(net, BOX);
  const objects = regions(net, BOX);
  assert.equal(flat.count, objects.length);
  assert.equal(flat.x.length, objects.reduce((s, r) => s + r.polygon.length, 0));
  objects.forEach((r, i) => assert.deepEqual(Array.from(flat.patterns.subarray(2 * i, 2 * i + 2)), r.pattern));
});

test("toDict writes what parseNetwork reads, entry for entry", () => {
  const net = { layers: [{ weight: [["1/4", -2], [0.5, "3"]], bias: [1, "-1/8"], activation: "relu" },
    { weight: [[1, 1]], bias: [0], activation: "identity" }] };
  const dict = toDict(parseNetwork(net));
  assert.deepEqual(dict, { layers: [{ weight: [[0.25, -2], [0.5, 3]], bias: [1, -0.125], activation: "relu" },
    { weight: [[1, 1]], bias: [0], activation: "identity" }] });
  assert.deepEqual(toDict(JSON.stringify(dict)), dict);
});
