// The network format the explorer shares with reluineq: parsing `Network.to_dict()` JSON,
// the forward pass, and writing the JSON back. No DOM: Node imports this module too.
//
// A network is `{layers: [{weight, bias, activation}, ...]}`, each weight an n_out x n_in
// matrix of numbers or rational strings ("3/4", "-2", "0.25"), as `Network.to_dict()`
// writes it and `Network.from_dict()` reads it. Parsed, it becomes
//   {nIn, nOut, nRelu, layers: [{nIn, nOut, W: Float64Array (row-major), b, relu}]}.

/** Activations the explorer computes with; sigmoid has no linear regions. */
export const ACTIVATIONS = Object.freeze(["relu", "identity"]);

// Python's Fraction accepts exactly these (less its rarely used underscores): an integer,
// a ratio of integers, or a decimal with an optional exponent. Nothing is evaluated.
const RATIO = /^([+-]?)(\d+)\/(\d+)$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One weight, bias or box bound as a float: a finite number or a rational string.
 *
 * @param {unknown} value  a JSON number, or a string such as "3/4", "-2", "0.25", "1e-3"
 * @param {string} where   names the entry in the error message
 * @returns {number}
 * @throws {TypeError|RangeError} naming `where` and the value, for anything else
 *
 * @example parseNumber("3/4", "w") // 0.75
 */
export function parseNumber(value, where) {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`${where}: non-finite value ${value}`);
    return value;
  }
  if (typeof value === "string") {
    const text = value.trim();
    const ratio = RATIO.exec(text);
    if (ratio) {
      const [, sign, p, q] = ratio;
      if (/^0+$/.test(q)) throw new RangeError(`${where}: ${JSON.stringify(value)} divides by zero`);
      const x = Number(p) / Number(q);
      if (!Number.isFinite(x)) throw new RangeError(`${where}: ${JSON.stringify(value)} is too large`);
      return sign === "-" ? -x : x;
    }
    if (DECIMAL.test(text)) {
      const x = Number(text);
      if (!Number.isFinite(x)) throw new RangeError(`${where}: ${JSON.stringify(value)} is too large`);
      return x;
    }
    throw new TypeError(`${where}: ${JSON.stringify(value)} is not a number or a fraction such as "3/4"`);
  }
  const shown = value === undefined ? "undefined" : JSON.stringify(value);
  throw new TypeError(`${where}: expected a number or a fraction string, got ${shown}`);
}

/**
 * Check and convert `Network.to_dict()` JSON (an object, or its text).
 *
 * @param {object|string} net
 * @returns {{nIn: number, nOut: number, nRelu: number,
 *            layers: {nIn: number, nOut: number, W: Float64Array, b: Float64Array, relu: boolean}[]}}
 * @throws {TypeError|RangeError} naming the layer and entry at fault
 */
export function parseNetwork(net) {
  if (typeof net === "string") net = JSON.parse(net);
  if (net === null || typeof net !== "object" || !Array.isArray(net.layers)) {
    throw new TypeError('expected a network object with a "layers" list, as Network.to_dict() writes');
  }
  if (net.layers.length === 0) throw new RangeError("empty network: give at least one layer");
  const layers = [];
  let nRelu = 0;
  net.layers.forEach((layer, i) => {
    const where = `layer ${i}`;
    if (layer === null || typeof layer !== "object") throw new TypeError(`${where}: expected an object`);
    for (const key of ["weight", "bias", "activation"]) {
      if (!(key in layer)) throw new TypeError(`${where}: missing ${key}`);
    }
    const act = layer.activation;
    if (act === "sigmoid") {
      throw new RangeError(`${where}: a sigmoid layer has no linear regions; use relu or identity`);
    }
    if (!ACTIVATIONS.includes(act)) {
      throw new RangeError(`${where}: unknown activation ${JSON.stringify(act)}; expected relu or identity`);
    }
    const rows = layer.weight;
    if (!Array.isArray(rows) || rows.length === 0 || !rows.every(Array.isArray)) {
      throw new TypeError(`${where} weight: expected a non-empty matrix (a list of rows)`);
    }
    const nOut = rows.length;
    const nIn = rows[0].length;
    if (nIn === 0) throw new RangeError(`${where} weight: empty rows`);
    if (!rows.every((r) => r.length === nIn)) {
      throw new RangeError(`${where} weight: ragged matrix, row lengths ${[...new Set(rows.map((r) => r.length))]}`);
    }
    if (i > 0 && nIn !== layers[i - 1].nOut) {
      throw new RangeError(`${where}: weight has ${nIn} columns but layer ${i - 1} has ${layers[i - 1].nOut} units`);
    }
    if (!Array.isArray(layer.bias) || layer.bias.length !== nOut) {
      const got = Array.isArray(layer.bias) ? `${layer.bias.length} entries` : "no list";
      throw new RangeError(`${where}: bias has ${got} but the weight has ${nOut} rows`);
    }
    const W = new Float64Array(nOut * nIn);
    const b = new Float64Array(nOut);
    rows.forEach((r, o) => r.forEach((v, k) => { W[o * nIn + k] = parseNumber(v, `${where} weight[${o}, ${k}]`); }));
    layer.bias.forEach((v, o) => { b[o] = parseNumber(v, `${where} bias[${o}]`); });
    const relu = act === "relu";
    if (relu) nRelu += nOut;
    layers.push({ nIn, nOut, W, b, relu });
  });
  return { nIn: layers[0].nIn, nOut: layers[layers.length - 1].nOut, nRelu, layers };
}

/**
 * Check an axis-aligned box `[[lo, hi], ...]` with `n` intervals; bounds may be fraction strings.
 *
 * @returns {number[][]} the bounds as floats
 */
export function parseBox(box, n = 2) {
  if (!Array.isArray(box) || box.length !== n) {
    throw new TypeError(`box must be ${n} [low, high] pairs, got ${JSON.stringify(box)}`);
  }
  return box.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError(`box interval ${i} must be a [low, high] pair, got ${JSON.stringify(pair)}`);
    }
    const lo = parseNumber(pair[0], `box interval ${i} low`);
    const hi = parseNumber(pair[1], `box interval ${i} high`);
    if (!(lo < hi)) throw new RangeError(`box interval ${i} is empty or flat: low ${lo} >= high ${hi}`);
    return [lo, hi];
  });
}

/** A parsed network, or parse the given JSON; shared by the engine, trainer and widget. */
export function asNetwork(net) {
  return net && net.layers && net.layers[0] && net.layers[0].W instanceof Float64Array ? net : parseNetwork(net);
}

// One walk through the layers; `bits`, when given, collects the ReLU units' on/off states.
function run(net, x, bits) {
  let h = Float64Array.from(x);
  if (h.length !== net.nIn) throw new RangeError(`input has ${h.length} entries, the network ${net.nIn}`);
  for (const { nIn, nOut, W, b, relu } of net.layers) {
    const z = new Float64Array(nOut);
    for (let o = 0; o < nOut; o++) {
      let s = 0;
      for (let k = 0; k < nIn; k++) s += W[o * nIn + k] * h[k];
      s += b[o];
      if (relu) {
        if (bits) bits.push(s > 0 ? 1 : 0);
        if (!(s > 0)) s = 0;
      }
      z[o] = s;
    }
    h = z;
  }
  return h;
}

/**
 * The forward pass at one input, in float64 (ReLU(0) = 0, as everywhere).
 *
 * @param {object} net  parsed or JSON network
 * @param {ArrayLike<number>} x
 * @returns {Float64Array} the outputs
 */
export function forward(net, x) {
  return run(asNetwork(net), x, null);
}

/**
 * The activation pattern at one input: 1 where a ReLU unit's pre-activation is > 0.
 *
 * @returns {number[]} one 0/1 per ReLU unit, in layer order
 */
export function pattern(net, x) {
  const bits = [];
  run(asNetwork(net), x, bits);
  return bits;
}

/**
 * The JSON that `reluineq.Network.from_dict` reads, with float entries.
 *
 * @param {object} net parsed network
 * @returns {{layers: {weight: number[][], bias: number[], activation: string}[]}}
 */
export function toDict(net) {
  net = asNetwork(net);
  return {
    layers: net.layers.map(({ nIn, nOut, W, b, relu }) => ({
      weight: Array.from({ length: nOut }, (_, o) => Array.from(W.subarray(o * nIn, (o + 1) * nIn))),
      bias: Array.from(b),
      activation: relu ? "relu" : "identity",
    })),
  };
}
