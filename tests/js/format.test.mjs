// How the explorer writes numbers and affine expressions for the reader (explorer.js):
// exact networks as fractions, float networks to three decimals, and never a silent
// rounding. explorer.js touches the DOM only inside the widget, so Node can import it.

import { test } from "node:test";
import assert from "node:assert/strict";

import { linear, number, rational } from "../../docs/_static/explorer/explorer.js";

test("fractions with small denominators are recovered from their floats", () => {
  assert.deepEqual(rational(0.5), [1, 2]);
  assert.deepEqual(rational(-3.5), [-7, 2]);
  assert.deepEqual(rational(1 / 3), [1, 3]);
  assert.deepEqual(rational(0.1 + 0.2), [3, 10]);
  assert.deepEqual(rational(-2), [-2, 1]);
  assert.deepEqual(rational(997 / 999), [997, 999]);
  // No fraction with a denominator up to 1000 is within 1e-9 of these.
  assert.equal(rational(Math.PI), null);
  assert.equal(rational(1 / 1009), null);
  assert.equal(rational(0.123456789), null);
});

test("numbers are exact for exact networks and say when they are rounded", () => {
  assert.deepEqual(number(-3.5, true), { tex: "-\\tfrac{7}{2}", text: "−7/2", rounded: false });
  assert.deepEqual(number(4, true), { tex: "4", text: "4", rounded: false });
  assert.deepEqual(number(Math.PI, true), { tex: "3.142", text: "3.142", rounded: true });
  assert.deepEqual(number(0.25, false), { tex: "0.25", text: "0.25", rounded: false });
  assert.deepEqual(number(-1 / 3, false), { tex: "-0.333", text: "−0.333", rounded: true });
  assert.deepEqual(number(-0.0001, false), { tex: "0", text: "0", rounded: true });
});

test("affine expressions drop zero terms and unit coefficients, and sign the rest", () => {
  assert.deepEqual(linear([4, -1], -3.5, true),
    { tex: "4\\,x_{1} - x_{2} - \\tfrac{7}{2}", text: "4x₁ − x₂ − 7/2", rounded: false });
  assert.deepEqual(linear([0, 1], 0, true), { tex: "x_{2}", text: "x₂", rounded: false });
  assert.deepEqual(linear([-1, 0], 2, true), { tex: "-x_{1} + 2", text: "−x₁ + 2", rounded: false });
  assert.deepEqual(linear([0, 0], 0, true), { tex: "0", text: "0", rounded: false });
  assert.deepEqual(linear([0.0001, 2], 0, false), { tex: "2\\,x_{2}", text: "2x₂", rounded: true });
  assert.deepEqual(linear([-0.5, 0.25], 1.125, false).text, "−0.5x₁ + 0.25x₂ + 1.125");
});
