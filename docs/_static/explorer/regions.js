// The exact linear regions of a 2-input ReLU network inside a box, in the browser.
//
// The regions `reluineq.regions` finds (src/reluineq/regions.py), by its unit-by-unit
// polygon split: the box is refined layer by layer; every polygon carries the affine map of
// the current layer's pre-activations, and each ReLU unit's line splits the polygons it
// crosses. Conventions are the library's: ReLU(0) counts as off, so a unit that is 0 on a
// whole polygon is off; a vertex within TOL * |w| of a line lies on it, so a piece must
// reach farther than TOL beyond a line to be a region; polygons stay counter-clockwise, and
// every edge remembers the constraint (box face or unit) it lies on.
//
// Everything lives in flat typed arrays that are reused from call to call, so the fixed
// cost of a layer is a few loops, not allocations: the explorer recomputes the map on
// every drag. No DOM: Node imports this module for the tests against the Python library.

import { asNetwork, parseBox } from "./network.js";

/** Geometric tolerance, as `reluineq.regions.TOL`: distance at which a vertex lies on a line. */
export const TOL = 1e-9;

/** Default limit on the number of regions; more raises a RangeError naming the limit. */
export const MAX_REGIONS = 250000;

// Constraint ids, as in the library: 2 * axis + side for the box faces (0: x >= lo,
// 1: x <= hi, 2: y >= lo, 3: y <= hi), then 4 + k for ReLU unit k in pattern order.
const BOX_FACES = 4;

// -- scratch storage, grown by doubling and reused from call to call ------------------------
const S = {
  px: new Float64Array(4096), // vertex pool: x, y, and the constraint of the edge to the next vertex
  py: new Float64Array(4096),
  pl: new Int32Array(4096),
  used: 0,
  cap: 0, // polygons: first vertex, vertex count, origin (region at the layer's start),
  start: null, size: null, origin: null, parent: null, // parent: the polygon it was cut from
  x0: null, y0: null, x1: null, y1: null, // bounding boxes
  pat: new Uint8Array(0), // activation bits, `width` per polygon
  width: 0,
  z: new Float64Array(64), // one polygon's vertex values on the current line
  maps: [new Float64Array(256), new Float64Array(256)], // this layer's and the next one's maps
};

function growVertices(need) {
  if (need <= S.px.length) return;
  let n = S.px.length;
  while (n < need) n *= 2;
  for (const [key, Type] of [["px", Float64Array], ["py", Float64Array], ["pl", Int32Array]]) {
    const a = new Type(n);
    a.set(S[key].subarray(0, S.used));
    S[key] = a;
  }
}

const POLYGON_ARRAYS = [["start", Int32Array], ["size", Int32Array], ["origin", Int32Array],
  ["parent", Int32Array], ["x0", Float64Array], ["y0", Float64Array], ["x1", Float64Array],
  ["y1", Float64Array]];

function growPolygons(need, count) {
  if (need <= S.cap) return;
  let n = Math.max(S.cap, 256);
  while (n < need) n *= 2;
  for (const [key, Type] of POLYGON_ARRAYS) {
    const a = new Type(n);
    if (S[key]) a.set(S[key].subarray(0, count));
    S[key] = a;
  }
  const pat = new Uint8Array(n * S.width);
  pat.set(S.pat.subarray(0, count * S.width));
  S.pat = pat;
  S.cap = n;
}

function mapBuffer(which, length) {
  if (S.maps[which].length < length) S.maps[which] = new Float64Array(2 * length);
  const G = S.maps[which];
  G.fill(0, 0, length);
  return G;
}

/**
 * Split every polygon by its line for one unit.
 *
 * Polygon p's line is `G[origin[p]][j]`, i.e. `gx x + gy y + gb = 0`. A polygon on the
 * positive side (some vertex beyond the tolerance) gets the unit's bit; a cut polygon keeps
 * its active half and appends the inactive half as a new polygon.
 *
 * @returns {number} the number of polygons after the split
 */
function splitUnit(G, nOut, j, count, unit, maxRegions) {
  const label = BOX_FACES + unit;
  const width = S.width;
  const n0 = count;
  let { px: PX, py: PY, pl: PL, start, size, origin, x0: X0, y0: Y0, x1: X1, y1: Y1, pat: PAT, z: Z } = S;
  for (let p = 0; p < n0; p++) {
    const gi = (origin[p] * nOut + j) * 3;
    const gx = G[gi], gy = G[gi + 1], gb = G[gi + 2];
    const tol = TOL * Math.sqrt(gx * gx + gy * gy);
    // Interval arithmetic over the bounding box decides most polygons without their vertices.
    const x0 = X0[p], x1 = X1[p], y0 = Y0[p], y1 = Y1[p];
    const mid = (gx * (x0 + x1) + gy * (y0 + y1)) * 0.5 + gb;
    const rad = (Math.abs(gx) * (x1 - x0) + Math.abs(gy) * (y1 - y0)) * 0.5;
    if (mid - rad > tol) { PAT[p * width + unit] = 1; continue; }
    if (mid + rad < -tol) continue;
    const s0 = start[p], n = size[p];
    if (Z.length < n) Z = S.z = new Float64Array(2 * n);
    let pos = false, neg = false;
    for (let i = 0; i < n; i++) {
      let z = PX[s0 + i] * gx + PY[s0 + i] * gy + gb;
      if (Math.abs(z) <= tol) z = 0;
      else if (z > 0) pos = true;
      else neg = true;
      Z[i] = z;
    }
    if (!pos) continue;
    if (!neg) { PAT[p * width + unit] = 1; continue; }
    // Cut: each half gets the vertices on its side or on the line, and the crossings.
    if (count + 1 > maxRegions) {
      throw new RangeError(`more than maxRegions=${maxRegions} regions; raise the limit or shrink the box`);
    }
    if (S.used + 2 * n + 4 > PX.length || count + 1 > S.cap) {
      growVertices(S.used + 2 * n + 4);
      growPolygons(count + 1, count);
      ({ px: PX, py: PY, pl: PL, start, size, origin, x0: X0, y0: Y0, x1: X1, y1: Y1, pat: PAT } = S);
    }
    const q = count++;
    let used = S.used;
    for (let half = 0; half < 2; half++) {
      const sign = half === 0 ? 1 : -1;
      const at = used;
      let minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
      for (let i = 0; i < n; i++) {
        const k = i + 1 < n ? i + 1 : 0;
        const zi = Z[i], zk = Z[k];
        const a = sign * zi, an = sign * zk;
        if (a >= 0) {
          const x = PX[s0 + i], y = PY[s0 + i];
          PX[used] = x; PY[used] = y;
          // A vertex on the line followed by one outside starts an edge along the cut.
          PL[used++] = an >= 0 || a > 0 ? PL[s0 + i] : label;
          if (x < minx) minx = x;
          if (x > maxx) maxx = x;
          if (y < miny) miny = y;
          if (y > maxy) maxy = y;
        }
        if ((a > 0 && an < 0) || (a < 0 && an > 0)) {
          const t = zi / (zi - zk);
          const xi = PX[s0 + i], yi = PY[s0 + i];
          const x = xi + t * (PX[s0 + k] - xi), y = yi + t * (PY[s0 + k] - yi);
          PX[used] = x; PY[used] = y;
          PL[used++] = a > 0 ? label : PL[s0 + i];
          if (x < minx) minx = x;
          if (x > maxx) maxx = x;
          if (y < miny) miny = y;
          if (y > maxy) maxy = y;
        }
      }
      const r = half === 0 ? p : q;
      start[r] = at; size[r] = used - at;
      X0[r] = minx; Y0[r] = miny; X1[r] = maxx; Y1[r] = maxy;
    }
    S.used = used;
    origin[q] = origin[p];
    S.parent[q] = p;
    PAT.copyWithin(q * width, p * width, (p + 1) * width);
    PAT[p * width + unit] = 1;
  }
  return count;
}

/**
 * The next layer's pre-activation maps on every polygon, after a ReLU layer:
 * `out[r][i] = b[i] + sum over units k on in r of W[i][k] * G[origin[r]][k]`.
 *
 * A polygon cut from another in this layer shares its origin and differs from it in a few
 * bits, so its maps are its parent's plus those units' columns: far fewer products than
 * the sum over every unit that is on. Where the sum is shorter it is used instead, which
 * also keeps a polygon with every unit off exactly at the bias.
 */
function mapsAfterRelu(G, count, unit0, layer, out) {
  const { nIn, nOut, W, b } = layer;
  const { pat, width, origin, parent } = S;
  const stride = nOut * 3;
  for (let r = 0; r < count; r++) {
    const row = r * width + unit0, o = origin[r] * nIn * 3, dst = r * stride;
    const p = parent[r];
    let on = 0, differ = 0;
    const prow = p * width + unit0;
    for (let k = 0; k < nIn; k++) {
      on += pat[row + k];
      if (p >= 0 && pat[row + k] !== pat[prow + k]) differ++;
    }
    if (p >= 0 && differ < on) {
      out.copyWithin(dst, p * stride, p * stride + stride);
      for (let k = 0; k < nIn; k++) {
        const d = pat[row + k] - pat[prow + k];
        if (d !== 0) addColumn(out, dst, W, nIn, nOut, k, d, G, o + 3 * k);
      }
    } else {
      for (let i = 0; i < nOut; i++) out[dst + 3 * i + 2] = b[i];
      for (let k = 0; k < nIn; k++) if (pat[row + k]) addColumn(out, dst, W, nIn, nOut, k, 1, G, o + 3 * k);
    }
  }
  return out;
}

// out[dst + 3i ...] += sign * W[i][k] * (G[g], G[g + 1], G[g + 2]) for every unit i.
function addColumn(out, dst, W, nIn, nOut, k, sign, G, g) {
  const h0 = sign * G[g], h1 = sign * G[g + 1], h2 = sign * G[g + 2];
  for (let i = 0, w = k; i < nOut; i++, w += nIn) {
    const wi = W[w];
    out[dst + 3 * i] += wi * h0;
    out[dst + 3 * i + 1] += wi * h1;
    out[dst + 3 * i + 2] += wi * h2;
  }
}

/** Maps after an identity layer (or the input): `out[r][i] = b[i] + W[i] . H[r]`. */
function mapsAfterIdentity(H, count, layer, out) {
  const { nIn, nOut, b } = layer;
  const stride = nOut * 3;
  for (let r = 0; r < count; r++) {
    const dst = r * stride;
    for (let i = 0; i < nOut; i++) out[dst + 3 * i + 2] = b[i];
    for (let k = 0; k < nIn; k++) addColumn(out, dst, layer.W, nIn, nOut, k, 1, H, (r * nIn + k) * 3);
  }
  return out;
}

const INPUT = new Float64Array([1, 0, 0, 0, 1, 0]); // x = 1 x + 0 y + 0, y = 0 x + 1 y + 0

/**
 * Every linear region, as flat typed arrays (what the explorer draws from).
 *
 * @param {object|string} net  `Network.to_dict()` JSON, or a network parsed by network.js
 * @param {Array} box  `[[xlo, xhi], [ylo, yhi]]`, numbers or fraction strings
 * @param {{maxRegions?: number}} [options]
 * @returns {{count: number, nRelu: number, nOut: number,
 *            patterns: Uint8Array, start: Int32Array, size: Int32Array,
 *            x: Float64Array, y: Float64Array, edges: Int32Array, maps: Float64Array}}
 *   Region r has pattern `patterns[r * nRelu ...]`, its polygon's corners are
 *   `x, y [start[r] ... start[r] + size[r]]` counter-clockwise, the edge leaving corner i lies on
 *   constraint `edges[i]` (0 to 3: the box faces x >= lo, x <= hi, y >= lo, y <= hi; 4 + k:
 *   ReLU unit k), and output o is `maps[(r * nOut + o) * 3 + (0, 1, 2)] . (x, y, 1)` on it.
 */
export function regionArrays(net, box, options = {}) {
  net = asNetwork(net);
  if (net.nIn !== 2) throw new RangeError(`the explorer needs a 2-input network, this one has ${net.nIn} inputs`);
  const [[xlo, xhi], [ylo, yhi]] = parseBox(box, 2);
  const maxRegions = options.maxRegions ?? MAX_REGIONS;
  if (!(Number.isInteger(maxRegions) && maxRegions >= 1)) {
    throw new RangeError(`maxRegions must be a positive integer, got ${maxRegions}`);
  }
  S.width = Math.max(net.nRelu, 1);
  if (S.pat.length < S.cap * S.width) S.pat = new Uint8Array(S.cap * S.width); // a wider pattern
  S.used = 0;
  growPolygons(1, 0);
  growVertices(4);
  S.pat.fill(0, 0, S.width);
  S.px.set([xlo, xhi, xhi, xlo]);
  S.py.set([ylo, ylo, yhi, yhi]);
  S.pl.set([2, 1, 3, 0]); // bottom y >= lo, right x <= hi, top y <= hi, left x >= lo
  S.used = 4;
  S.start[0] = 0; S.size[0] = 4; S.origin[0] = 0; S.parent[0] = -1;
  S.x0[0] = xlo; S.x1[0] = xhi; S.y0[0] = ylo; S.y1[0] = yhi;
  let count = 1;
  let G = INPUT; // maps of the current layer's input (identity) or pre-activations
  let after = null; // the previous layer, when it was a ReLU layer: maps go through its bits
  let unit0 = 0, prevUnit0 = 0, which = 0;
  for (const layer of net.layers) {
    const out = mapBuffer(which, count * layer.nOut * 3);
    G = after ? mapsAfterRelu(G, count, prevUnit0, layer, out) : mapsAfterIdentity(G, count, layer, out);
    which ^= 1;
    after = null;
    if (!layer.relu) continue;
    const { origin, parent, pat, width } = S;
    for (let p = 0; p < count; p++) {
      origin[p] = p;
      parent[p] = -1;
      pat.fill(0, p * width + unit0, p * width + unit0 + layer.nOut);
    }
    for (let j = 0; j < layer.nOut; j++) count = splitUnit(G, layer.nOut, j, count, unit0 + j, maxRegions);
    after = layer;
    prevUnit0 = unit0;
    unit0 += layer.nOut;
  }
  // The output's maps: after a ReLU output layer, its on units' pre-activation maps.
  const nOut = net.nOut;
  const maps = new Float64Array(count * nOut * 3);
  const { start: pStart, size: pSize, origin, pat, width } = S;
  if (after) {
    for (let r = 0; r < count; r++) {
      const src = origin[r] * nOut * 3, row = r * width + prevUnit0;
      for (let j = 0; j < nOut; j++) {
        if (!pat[row + j]) continue;
        for (let c = 0; c < 3; c++) maps[(r * nOut + j) * 3 + c] = G[src + 3 * j + c];
      }
    }
  } else {
    maps.set(G.subarray(0, count * nOut * 3));
  }
  // Copy out, compacted: the scratch is reused by the next call.
  let total = 0;
  for (let p = 0; p < count; p++) total += pSize[p];
  const start = new Int32Array(count), size = new Int32Array(count);
  const x = new Float64Array(total), y = new Float64Array(total), edges = new Int32Array(total);
  const { px: PX, py: PY, pl: PL } = S;
  for (let p = 0, at = 0; p < count; p++) {
    const s = pStart[p], n = pSize[p];
    start[p] = at; size[p] = n;
    for (let i = 0; i < n; i++, at++) { x[at] = PX[s + i]; y[at] = PY[s + i]; edges[at] = PL[s + i]; }
  }
  const nRelu = net.nRelu;
  const patterns = new Uint8Array(count * nRelu);
  for (let p = 0; p < count; p++) for (let k = 0; k < nRelu; k++) patterns[p * nRelu + k] = pat[p * width + k];
  return { count, nRelu, nOut, patterns, start, size, x, y, edges, maps };
}

/**
 * Every linear region of a 2-input ReLU network inside a box.
 *
 * @param {object|string} net  exactly the JSON of `reluineq.Network.to_dict()`: numbers or
 *   rational strings such as "3/4"; relu and identity layers, any number of them; 2 inputs
 * @param {Array} box  `[[xlo, xhi], [ylo, yhi]]`
 * @param {{maxRegions?: number}} [options]
 * @returns {{pattern: number[], polygon: number[][], M: number[][], d: number[], edges: number[]}[]}
 *   `pattern`: one 0/1 per ReLU unit in layer order (ReLU(0) is off), as `Region.pattern`;
 *   `polygon`: the corners, counter-clockwise; on the region the network is `M x + d`;
 *   `edges[i]`: the constraint of the edge from corner i to the next, a ReLU unit's index
 *   (>= 0) or a box face (-1: x >= lo, -2: x <= hi, -3: y >= lo, -4: y <= hi).
 * @throws {TypeError|RangeError} on a malformed network or box, a sigmoid layer, or more
 *   than `maxRegions` regions
 *
 * @example
 * regions({layers: [{weight: [[1, 0], [0, 1]], bias: [0, 0], activation: "relu"}]},
 *         [[-1, 1], [-1, 1]]).length // 4
 */
export function regions(net, box, options = {}) {
  const a = regionArrays(net, box, options);
  const { count, nRelu, nOut, patterns, start, size, x, y, maps } = a;
  const out = new Array(count);
  for (let r = 0; r < count; r++) {
    const s = start[r], n = size[r];
    const polygon = new Array(n), edges = new Array(n);
    for (let i = 0; i < n; i++) {
      polygon[i] = [x[s + i], y[s + i]];
      const e = a.edges[s + i];
      edges[i] = e >= BOX_FACES ? e - BOX_FACES : -1 - e;
    }
    const pattern = new Array(nRelu);
    for (let k = 0; k < nRelu; k++) pattern[k] = patterns[r * nRelu + k];
    const M = new Array(nOut), d = new Array(nOut);
    for (let o = 0; o < nOut; o++) {
      const m = (r * nOut + o) * 3;
      M[o] = [maps[m], maps[m + 1]];
      d[o] = maps[m + 2];
    }
    out[r] = { pattern, polygon, M, d, edges };
  }
  return out;
}

/**
 * The affine maps on the region with a given pattern: every ReLU unit's pre-activation and
 * the output, each as `(wx, wy, c)` meaning `wx x + wy y + c`.
 *
 * @param {object} net
 * @param {ArrayLike<number>} pattern  one 0/1 per ReLU unit
 * @returns {{units: {layer: number, unit: number, w: number[], c: number}[], M: number[][], d: number[]}}
 */
export function regionMaps(net, pattern) {
  net = asNetwork(net);
  if (pattern.length !== net.nRelu) {
    throw new RangeError(`pattern has ${pattern.length} entries, the network ${net.nRelu} ReLU units`);
  }
  let H = INPUT;
  const units = [];
  let k = 0;
  net.layers.forEach((layer, li) => {
    const G = mapsAfterIdentity(H, 1, layer, new Float64Array(layer.nOut * 3));
    if (layer.relu) {
      for (let j = 0; j < layer.nOut; j++, k++) {
        units.push({ layer: li, unit: j, w: [G[3 * j], G[3 * j + 1]], c: G[3 * j + 2] });
        if (!pattern[k]) G.fill(0, 3 * j, 3 * j + 3);
      }
    }
    H = G;
  });
  const M = [], d = [];
  for (let o = 0; o < net.nOut; o++) { M.push([H[3 * o], H[3 * o + 1]]); d.push(H[3 * o + 2]); }
  return { units, M, d };
}

/**
 * A region's inequality system `A x <= c`, one row per edge of its polygon (its facets):
 * unit rows first in unit order, then box faces, as `Region.A`, `Region.c` and `Region.labels`.
 *
 * @param {object} net
 * @param {Array} box
 * @param {{pattern: number[], edges: number[]}} region  one of `regions(net, box)`
 * @returns {{a: number[], c: number, label: (["unit", number, number] | ["box", number, string])}[]}
 */
export function inequalities(net, box, region) {
  net = asNetwork(net);
  const B = parseBox(box, 2);
  const { units } = regionMaps(net, region.pattern);
  const ids = [...new Set(region.edges)].sort((p, q) => (p < 0) - (q < 0) || (p < 0 ? q - p : p - q));
  return ids.map((e) => {
    if (e >= 0) {
      const { layer, unit, w, c } = units[e];
      // On: w x + c >= 0, i.e. -w x <= c; off: w x + c <= 0, i.e. w x <= -c.
      return region.pattern[e]
        ? { a: [-w[0], -w[1]], c, label: ["unit", layer, unit] }
        : { a: [w[0], w[1]], c: -c, label: ["unit", layer, unit] };
    }
    const face = -1 - e, axis = face >> 1, high = face & 1;
    const a = [0, 0];
    a[axis] = high ? 1 : -1;
    return { a, c: high ? B[axis][1] : -B[axis][0], label: ["box", axis, high ? "high" : "low"] };
  });
}
