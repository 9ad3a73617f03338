// Train mode: toy 2-D datasets and a small trainer (full-batch Adam, seeded) for the
// explorer's networks. No DOM: Node imports this module for the tests.
//
// The trainer updates the weights of a network in the parsed form of network.js in place,
// so the engine (regions.js) can redraw the regions after every step without re-parsing,
// and `toDict()` writes JSON that `reluineq.Network.from_dict` loads.

import { asNetwork, toDict } from "./network.js";

/**
 * A seeded generator of uniform numbers in [0, 1): mulberry32, 32 bits of state.
 *
 * @param {number} seed  any integer; equal seeds give equal sequences
 * @returns {() => number}
 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from a uniform generator (Box-Muller). */
function gauss(rand) {
  const u = 1 - rand(); // in (0, 1]: log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const classify = (label, box, make) => ({ label, task: "classify", box, make });

/**
 * The datasets: each makes `n` points `(x, y, target)` from a uniform generator. The four
 * classification sets have targets 0 and 1 and live in [-3, 3]^2; `sine` is the regression
 * target of the function-approximation article, sin(x1) for x1 in [-pi, pi], whatever x2 is.
 */
export const DATASETS = Object.freeze({
  xor: classify("XOR", [[-3, 3], [-3, 3]], (rand) => {
    // Uniform in the square, pushed 0.3 away from the axes so that the classes are apart.
    const x = 2.5 * (2 * rand() - 1), y = 2.5 * (2 * rand() - 1);
    const px = x + 0.3 * Math.sign(x), py = y + 0.3 * Math.sign(y);
    return [px, py, px * py > 0 ? 1 : 0];
  }),
  circles: classify("Two circles", [[-3, 3], [-3, 3]], (rand, i) => {
    // Half the points within radius 1 (class 1), half on a ring from 1.8 to 2.6 (class 0).
    const inner = i % 2 === 0;
    const r = inner ? Math.sqrt(rand()) : 1.8 + 0.8 * rand();
    const t = 2 * Math.PI * rand();
    return [r * Math.cos(t), r * Math.sin(t), inner ? 1 : 0];
  }),
  moons: classify("Two moons", [[-3, 3], [-3, 3]], (rand, i) => {
    // Two interleaved half circles of radius 1.5 with Gaussian noise, as in scikit-learn.
    const upper = i % 2 === 0;
    const t = Math.PI * rand();
    const [x, y] = upper ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    return [1.5 * (x - 0.5) + 0.15 * gauss(rand), 1.5 * (y - 0.25) + 0.15 * gauss(rand), upper ? 1 : 0];
  }),
  spiral: classify("Spiral", [[-3, 3], [-3, 3]], (rand, i) => {
    // Two arms winding 1.5 turns out to radius 2.6, the second the first turned by pi.
    const arm = i % 2;
    const s = rand();
    const r = 0.2 + 2.4 * s, t = 3 * Math.PI * s + arm * Math.PI;
    return [r * Math.cos(t) + 0.08 * gauss(rand), r * Math.sin(t) + 0.08 * gauss(rand), arm];
  }),
  sine: { label: "Sine (regression)", task: "regress", box: [[-Math.PI, Math.PI], [-Math.PI, Math.PI]],
    make: (rand) => {
      const x = Math.PI * (2 * rand() - 1), y = Math.PI * (2 * rand() - 1);
      return [x, y, Math.sin(x)];
    } },
});

/**
 * Draw a dataset.
 *
 * @param {string} name  a key of DATASETS
 * @param {{n?: number, seed?: number}} [options]  points (default 200) and seed (default 0)
 * @returns {{name: string, task: string, box: number[][], n: number, X: Float64Array, y: Float64Array}}
 *   X holds the points row by row, y the targets
 */
export function dataset(name, { n = 200, seed = 0 } = {}) {
  const spec = DATASETS[name];
  if (!Object.hasOwn(DATASETS, name)) {
    throw new RangeError(`unknown dataset ${JSON.stringify(name)}; expected one of ${Object.keys(DATASETS).join(", ")}`);
  }
  if (!(Number.isInteger(n) && n >= 2 && n <= 100000)) throw new RangeError(`n must be an integer from 2 to 100000, got ${n}`);
  const rand = prng(seed);
  const X = new Float64Array(2 * n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, t] = spec.make(rand, i);
    X[2 * i] = a; X[2 * i + 1] = b; y[i] = t;
  }
  return { name, task: spec.task, box: spec.box.map((p) => p.slice()), n, X, y };
}

/**
 * A network with PyTorch's default initialisation (uniform in +-1/sqrt(fan_in)), seeded:
 * ReLU hidden layers and an identity output, as `Network.random` (other numbers: its own
 * generator).
 *
 * @param {number[]} widths  input, hidden and output widths, e.g. [2, 8, 8, 1]
 * @param {number} seed
 * @returns {object} the network as `Network.to_dict()` JSON
 */
export function randomNetwork(widths, seed = 0) {
  if (!Array.isArray(widths) || widths.length < 2 || !widths.every((w) => Number.isInteger(w) && w >= 1)) {
    throw new RangeError(`widths must list at least two positive integers, got ${JSON.stringify(widths)}`);
  }
  const rand = prng(seed);
  const layers = [];
  for (let l = 1; l < widths.length; l++) {
    const bound = 1 / Math.sqrt(widths[l - 1]);
    const u = () => bound * (2 * rand() - 1);
    layers.push({
      weight: Array.from({ length: widths[l] }, () => Array.from({ length: widths[l - 1] }, u)),
      bias: Array.from({ length: widths[l] }, u),
      activation: l < widths.length - 1 ? "relu" : "identity",
    });
  }
  return { layers };
}

const BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

/**
 * Full-batch Adam on one dataset. Classification minimises the mean binary cross-entropy of
 * the output as a logit; regression the mean squared error.
 *
 * @example
 *   const t = new Trainer(randomNetwork([2, 8, 8, 1], 0), dataset("xor"), {lr: 0.03});
 *   t.step(100); t.loss < t.losses[0]; // true
 */
export class Trainer {
  /**
   * @param {object} net  JSON or parsed network with one output; it is copied, not shared
   * @param {object} data  from `dataset()`
   * @param {{lr?: number}} [options]  Adam's step size (default 0.01)
   */
  constructor(net, data, { lr = 0.01 } = {}) {
    this.net = asNetwork(toDict(net)); // a copy: toDict writes fresh arrays
    if (this.net.nOut !== 1) throw new RangeError(`the trainer fits one output, this network has ${this.net.nOut}`);
    if (this.net.nIn !== 2) throw new RangeError(`the datasets have 2 inputs, this network has ${this.net.nIn}`);
    this.data = data;
    this.lr = lr;
    this.steps = 0;
    this.params = this.net.layers.flatMap((l) => [l.W, l.b]);
    this.m = this.params.map((p) => new Float64Array(p.length));
    this.v = this.params.map((p) => new Float64Array(p.length));
    this.grads = this.params.map((p) => new Float64Array(p.length));
    const n = data.n;
    // Per layer: pre-activations and outputs for the whole batch, and the backward signal.
    this.z = this.net.layers.map((l) => new Float64Array(n * l.nOut));
    this.h = this.net.layers.map((l) => new Float64Array(n * l.nOut));
    this.g = this.net.layers.map((l) => new Float64Array(n * l.nOut));
    /** The loss before each step, and the current one last. */
    this.losses = [this.evaluate()];
  }

  set lr(value) {
    if (!(typeof value === "number" && value > 0 && Number.isFinite(value))) {
      throw new RangeError(`the learning rate must be a positive number, got ${value}`);
    }
    this._lr = value;
  }

  get lr() { return this._lr; }

  /** The current full-batch loss. */
  get loss() { return this.losses[this.losses.length - 1]; }

  // Forward pass over the batch; returns the loss and leaves z, h filled.
  evaluate() {
    const { X, y, n, task } = this.data;
    let input = X;
    this.net.layers.forEach(({ nIn, nOut, W, b, relu }, l) => {
      const z = this.z[l], h = this.h[l];
      for (let i = 0; i < n; i++) {
        for (let o = 0; o < nOut; o++) {
          let s = 0;
          for (let k = 0; k < nIn; k++) s += W[o * nIn + k] * input[i * nIn + k];
          s += b[o];
          z[i * nOut + o] = s;
          h[i * nOut + o] = relu && !(s > 0) ? 0 : s;
        }
      }
      input = h;
    });
    let total = 0;
    for (let i = 0; i < n; i++) {
      const out = input[i];
      // log(1 + e^-|s|) + max(s, 0) - s y: the cross-entropy of a logit, without overflow.
      total += task === "classify"
        ? Math.log1p(Math.exp(-Math.abs(out))) + Math.max(out, 0) - out * y[i]
        : (out - y[i]) ** 2;
    }
    return total / n;
  }

  /** The fraction of points on the right side of the decision boundary (classification). */
  accuracy() {
    const { n, y } = this.data;
    this.evaluate();
    const out = this.h[this.h.length - 1];
    let right = 0;
    for (let i = 0; i < n; i++) right += (out[i] > 0 ? 1 : 0) === y[i] ? 1 : 0;
    return right / n;
  }

  /**
   * Take `k` Adam steps on the whole batch.
   *
   * @returns {number} the loss after the last step
   */
  step(k = 1) {
    for (let s = 0; s < k; s++) this.losses.push(this.#adam());
    return this.loss;
  }

  #adam() {
    this.gradients();
    this.steps++;
    const c1 = 1 - BETA1 ** this.steps, c2 = 1 - BETA2 ** this.steps;
    this.params.forEach((p, j) => {
      const g = this.grads[j], m = this.m[j], v = this.v[j];
      for (let i = 0; i < p.length; i++) {
        m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
        v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
        p[i] -= (this._lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + EPS);
      }
    });
    return this.evaluate();
  }

  /**
   * The loss's gradient by backpropagation at the current weights.
   *
   * @returns {Float64Array[]} dW and db of every layer, in the order of `params`
   */
  gradients() {
    this.evaluate();
    const { X, y, n, task } = this.data;
    const layers = this.net.layers;
    const last = layers.length - 1;
    const out = this.h[last], gOut = this.g[last];
    for (let i = 0; i < n; i++) {
      gOut[i] = task === "classify" ? (1 / (1 + Math.exp(-out[i])) - y[i]) / n : (2 * (out[i] - y[i])) / n;
    }
    for (let l = last; l >= 0; l--) {
      const { nIn, nOut, W, relu } = layers[l];
      const g = this.g[l], z = this.z[l];
      if (relu) for (let i = 0; i < n * nOut; i++) if (!(z[i] > 0)) g[i] = 0;
      const input = l === 0 ? X : this.h[l - 1];
      const dW = this.grads[2 * l], db = this.grads[2 * l + 1];
      dW.fill(0);
      db.fill(0);
      for (let i = 0; i < n; i++) {
        for (let o = 0; o < nOut; o++) {
          const go = g[i * nOut + o];
          if (go === 0) continue;
          db[o] += go;
          for (let k = 0; k < nIn; k++) dW[o * nIn + k] += go * input[i * nIn + k];
        }
      }
      if (l > 0) {
        const below = this.g[l - 1];
        below.fill(0);
        for (let i = 0; i < n; i++) {
          for (let o = 0; o < nOut; o++) {
            const go = g[i * nOut + o];
            if (go === 0) continue;
            for (let k = 0; k < nIn; k++) below[i * nIn + k] += go * W[o * nIn + k];
          }
        }
      }
    }
    return this.grads;
  }

  /** The trained network as `Network.to_dict()` JSON, which `Network.from_dict` loads. */
  toDict() {
    return toDict(this.net);
  }
}
