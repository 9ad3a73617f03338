// The region explorer: a 2-input ReLU network's exact activation regions, drawn and editable.
//
// `reluineq.explorer.html(net, box)` writes a `<div class="reluineq-explorer">` holding the
// network (`data-network`, Network.to_dict() JSON), its box and presets, and a module
// script that calls `mount()` on each when it comes near the screen. The widget draws every region (regions.js) coloured by its
// activation pattern, shows a region's inequality system and affine map typeset by KaTeX,
// lets the reader drag first-layer lines, move any weight or bias with a slider, add and
// remove units and layers, and train the network on a toy dataset (train.js).
//
// What the reader sees is mirrored on the root for tests: `data-network` (the current
// network as JSON), `data-regions` (the region count drawn), `data-mode`, `data-loss` and
// `data-steps`. At most one animation frame is ever requested; training stops drawing while
// the widget is out of view.

import { parseBox, parseNetwork, pattern as patternAt, forward, toDict } from "./network.js";
import { inequalities, regionArrays } from "./regions.js";
import { DATASETS, Trainer, dataset, prng, randomNetwork } from "./train.js";

/** What the reader may build: hidden layers, units per layer, and regions drawn. */
export const LIMITS = Object.freeze({ hiddenLayers: 3, width: 32, regions: 50000 });
const WIDTHS = [2, 4, 8, 16, 32];
const RATES = [0.001, 0.003, 0.01, 0.03, 0.1];
const SPEEDS = [1, 2, 5, 20, 100]; // Adam steps per animation frame
const PALETTE_SIZE = 12;
const HANDLES_FOR_ALL = 8; // first-layer widths up to which every line shows its handles
const FRAME_BUDGET_MS = 8; // a frame's training steps stop after this long, however many are asked
const KATEX_URL = new URL("../katex/katex.min.js", import.meta.url).href;
const KATEX_CSS = new URL("../katex/katex.min.css", import.meta.url).href;
const OWN_CSS = new URL("explorer.css", import.meta.url).href;

let ids = 0;
const uid = (what) => `rx${++ids}-${what}`;

/** Mount the explorer `root` unless it is mounted already; its Explorer, or null. */
export function mount(root) {
  if (root.explorer || root.dataset.error) return root.explorer ?? null;
  try {
    return new Explorer(root);
  } catch (error) {
    // One broken explorer must not keep the others on the page from mounting.
    root.dataset.error = error.message;
    console.error("reluineq explorer:", error);
    return null;
  }
}

/** Mount every explorer under `scope` that is not mounted yet. */
export function mountAll(scope = document) {
  for (const root of scope.querySelectorAll(".reluineq-explorer")) mount(root);
}

// -- small DOM helpers --------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function ensureStylesheet(href, test) {
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => test(l.href))) return;
  document.head.append(el("link", { rel: "stylesheet", href }));
}

let katexLoading = null;
/** KaTeX, loaded once per page from the site's own copy; null when it cannot be loaded. */
function loadKatex(url) {
  if (window.katex) return Promise.resolve(window.katex);
  if (!katexLoading) {
    katexLoading = new Promise((resolve) => {
      const script = el("script", { src: url });
      script.addEventListener("load", () => resolve(window.katex ?? null));
      script.addEventListener("error", () => resolve(null));
      document.head.append(script);
    });
  }
  return katexLoading;
}

// -- numbers as the reader reads them ------------------------------------------------------
/**
 * p/q with q <= 1000 when it equals v to 1e-9 (continued fractions), else null. Used only
 * for exact networks, whose maps are rationals with small denominators computed in floats.
 */
export function rational(v) {
  if (Number.isInteger(v)) return [v, 1];
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let x = Math.abs(v);
  for (let i = 0; i < 20; i++) {
    const a = Math.floor(x);
    [h0, h1] = [h1, a * h1 + h0];
    [k0, k1] = [k1, a * k1 + k0];
    if (k1 > 1000) return null;
    if (Math.abs(Math.abs(v) - h1 / k1) <= 1e-9 * Math.max(1, Math.abs(v))) return [Math.sign(v) * h1, k1];
    const frac = x - a;
    if (frac < 1e-12) return null;
    x = 1 / frac;
  }
  return null;
}

/**
 * A number as {tex, text, rounded}: exactly, as a fraction, for exact networks; otherwise
 * (or when no fraction with a denominator up to 1000 fits) to three decimals.
 */
export function number(v, exact) {
  if (exact) {
    const r = rational(v);
    if (r) {
      const [p, q] = r;
      if (q === 1) return { tex: String(p), text: String(p).replace("-", "−"), rounded: false };
      const sign = p < 0 ? "-" : "";
      return { tex: `${sign}\\tfrac{${Math.abs(p)}}{${q}}`, text: `${sign ? "−" : ""}${Math.abs(p)}/${q}`, rounded: false };
    }
  }
  let s = Number(v.toFixed(3)).toString();
  if (s === "-0") s = "0";
  return { tex: s, text: s.replace("-", "−"), rounded: Number(s) !== v };
}

const SUB = "₀₁₂₃₄₅₆₇₈₉";
const subscript = (n) => String(n).split("").map((d) => SUB[d]).join("");

/** `a1 x1 + a2 x2 + c` as {tex, text, rounded}, dropping terms that show as 0. */
export function linear(coefs, c, exact) {
  const parts = [];
  let rounded = false;
  coefs.forEach((a, i) => {
    const n = number(a, exact);
    rounded ||= n.rounded;
    if (n.tex === "0") return;
    parts.push({ neg: n.tex.startsWith("-"), n, v: [`x_{${i + 1}}`, `x${subscript(i + 1)}`] });
  });
  const cn = number(c, exact);
  rounded ||= cn.rounded;
  if (cn.tex !== "0" || parts.length === 0) parts.push({ neg: cn.tex.startsWith("-"), n: cn, v: null });
  let tex = "", text = "";
  parts.forEach((p, i) => {
    let mag = { tex: p.n.tex.replace(/^-/, ""), text: p.n.text.replace(/^−/, "") };
    if (p.v && mag.tex === "1") mag = { tex: "", text: "" };
    const term = p.v ? { tex: `${mag.tex}${mag.tex ? "\\," : ""}${p.v[0]}`, text: `${mag.text}${p.v[1]}` } : mag;
    if (i === 0) {
      tex += (p.neg ? "-" : "") + term.tex;
      text += (p.neg ? "−" : "") + term.text;
    } else {
      tex += (p.neg ? " - " : " + ") + term.tex;
      text += (p.neg ? " − " : " + ") + term.text;
    }
  });
  return { tex, text, rounded };
}

// FNV-1a over the pattern's bits: neighbouring regions (one bit apart) get unrelated colours.
function patternHash(bits, start, length) {
  let h = 0x811c9dc5;
  for (let i = 0; i < length; i++) {
    h ^= bits[start + i] + 1 + (i << 1);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// -- the widget ------------------------------------------------------------------------------
export class Explorer {
  /** @param {HTMLElement} root  a `.reluineq-explorer` element written by `reluineq.explorer.html` */
  constructor(root) {
    root.explorer = this;
    this.root = root;
    const read = (name, fallback) => (root.dataset[name] ? JSON.parse(root.dataset[name]) : fallback);
    this.options = { train: true, ...read("options", {}) };
    this.presets = read("presets", []);
    this.katexUrl = root.dataset.katex || KATEX_URL;
    this.initial = { name: "This page's network", network: read("network", null), box: read("box", [[-2, 2], [-2, 2]]) };
    this.title = root.getAttribute("aria-label") || "Region explorer";
    this.rand = prng(20240611); // new units' weights: the same on every visit
    this.seed = 0;
    this.mode = "explore";
    this.playing = false;
    this.inView = true;
    this.frameId = 0;
    this.map = null;
    this.selected = -1;
    this.hover = -1;
    this.unit = { layer: 0, unit: 0 };
    this.trainer = null;
    this.datasetName = "xor";
    this.lr = 0.03;
    this.speed = 2;
    ensureStylesheet(OWN_CSS, (href) => href.endsWith("/explorer/explorer.css"));
    ensureStylesheet(KATEX_CSS, (href) => /katex(\.min)?\.css$/.test(href));
    this.build();
    this.watch();
    this.load(this.initial.network, this.initial.box, { message: "" });
  }

  // -- building the DOM --------------------------------------------------------------------
  build() {
    const root = this.root;
    root.replaceChildren();
    root.setAttribute("role", "region");
    if (!root.hasAttribute("aria-label")) root.setAttribute("aria-label", this.title);
    this.probe = el("span", { class: "rx-visually-hidden", "aria-hidden": "true" });

    const presetId = uid("preset");
    this.presetSelect = el("select", { id: presetId, onchange: () => this.choosePreset(this.presetSelect.value) });
    this.presetSelect.append(el("option", { value: "initial", text: this.initial.name }));
    this.presets.forEach((p, i) => this.presetSelect.append(el("option", { value: String(i), text: p.name })));
    this.presetSelect.append(el("option", { value: "custom", text: "Your network", hidden: true }));
    this.trainButton = el("button", { type: "button", "aria-pressed": "false", text: "Train", onclick: () => this.setMode(this.mode === "train" ? "explore" : "train") });
    const toolbar = el("div", { class: "rx-toolbar" },
      el("label", { for: presetId, text: "Network" }), this.presetSelect,
      el("button", { type: "button", text: "Random network", onclick: () => this.randomize() }),
      el("button", { type: "button", text: "Copy JSON", onclick: () => this.copyJson() }),
      this.options.train ? this.trainButton : null);

    // The map: regions on a canvas, the first layer's handles in an SVG above it.
    this.canvas = el("canvas", { "aria-hidden": "true" });
    this.overlay = svg("svg", { "aria-hidden": "true", focusable: "false" });
    this.mapEl = el("div", {
      class: "rx-map", tabindex: "0", role: "application", "aria-roledescription": "region map",
      "aria-keyshortcuts": "ArrowLeft ArrowRight Home End Escape",
    }, this.canvas, this.overlay);
    this.countEl = el("strong", { text: "…" });
    this.countLine = el("p", { class: "rx-count" }, this.countEl, " activation regions");
    // Announced once changes settle, not at every step of a drag or of training.
    this.announcer = el("p", { class: "rx-visually-hidden", "aria-live": "polite" });
    const arrow = (text) => el("span", { "aria-hidden": "true", text });
    const nav = el("div", { class: "rx-row" },
      el("button", { type: "button", onclick: () => this.step(-1) }, arrow("◀ "), "Previous region"),
      el("button", { type: "button", onclick: () => this.step(1) }, "Next region", arrow(" ▶")));
    this.dragHint = el("span");
    const hint = el("p", { class: "rx-hint" }, this.dragHint,
      "Hover over or tap a region, or focus the map and use the arrow keys, to read its inequalities.");
    const figure = el("figure", { class: "rx-figure" }, this.mapEl, this.countLine, hint);

    this.details = el("div", { class: "rx-details", "aria-live": "polite" });
    const side = el("div", {}, nav, this.details);
    const main = el("div", { class: "rx-main" }, figure, side);

    this.status = el("p", { class: "rx-status", role: "status" });
    // Named after the widget: a page with several explorers has several of these landmarks.
    this.editor = el("section", { class: "rx-panel", "aria-label": `${this.title}: weights and biases` });
    this.trainPanel = el("section", { class: "rx-panel", "aria-label": `${this.title}: training`, hidden: true });
    this.jsonBox = el("textarea", { readonly: true, "aria-label": "The network as JSON, for reluineq.Network.from_dict", rows: "6" });
    const jsonDetails = el("details", { class: "rx-panel" }, el("summary", { text: "The network as JSON" }), this.jsonBox);
    jsonDetails.addEventListener("toggle", () => { if (jsonDetails.open) this.jsonBox.value = this.networkJson(); });
    this.jsonDetails = jsonDetails;
    root.append(toolbar, main, this.status, this.editor, this.trainPanel, jsonDetails, this.announcer, this.probe);
    if (this.options.train) this.buildTrainPanel();
    this.bindMap();
  }

  buildTrainPanel() {
    const id = { data: uid("data"), width: uid("width"), lr: uid("lr"), speed: uid("speed") };
    this.dataSelect = el("select", { id: id.data, onchange: () => this.chooseDataset(this.dataSelect.value) });
    for (const [key, spec] of Object.entries(DATASETS)) this.dataSelect.append(el("option", { value: key, text: spec.label }));
    this.widthSelect = el("select", { id: id.width, onchange: () => this.chooseWidth(Number(this.widthSelect.value)) });
    this.lrSelect = el("select", { id: id.lr, onchange: () => { this.lr = Number(this.lrSelect.value); if (this.trainer) this.trainer.lr = this.lr; } });
    for (const r of RATES) this.lrSelect.append(el("option", { value: String(r), text: String(r) }));
    this.lrSelect.value = String(this.lr);
    this.speedSelect = el("select", { id: id.speed, onchange: () => { this.speed = Number(this.speedSelect.value); } });
    for (const v of SPEEDS) this.speedSelect.append(el("option", { value: String(v), text: String(v) }));
    this.speedSelect.value = String(this.speed);
    this.playButton = el("button", { type: "button", "aria-pressed": "false", text: "Play", onclick: () => this.setPlaying(!this.playing) });
    this.lossOut = el("output", { class: "rx-loss", text: "—" });
    this.stepsOut = el("output", { text: "0" });
    this.accuracyOut = el("span");
    this.lossSvg = svg("svg", { viewBox: "0 0 300 120", preserveAspectRatio: "none", role: "img", "aria-label": "Loss curve" });
    this.fitSvg = svg("svg", { viewBox: "0 0 300 120", preserveAspectRatio: "none", role: "img", "aria-label": "The fit along x2 = 0" });
    this.fitChart = el("figure", { class: "rx-chart" }, this.fitSvg, el("figcaption", { text: "f(x₁, 0) (solid) against sin x₁ (dashed)" }));
    this.classLegend = [el("span", { class: "rx-c1", text: "class 1" }), el("span", { class: "rx-c0", text: "class 0" })];
    this.boundaryLegend = el("span", { class: "rx-cb" });
    this.legend = el("p", { class: "rx-legend" }, ...this.classLegend, this.boundaryLegend);
    this.trainPanel.append(
      el("p", { class: "rx-heading", text: "Train the network" }),
      el("div", { class: "rx-row" },
        el("label", { for: id.data, text: "Data" }), this.dataSelect,
        el("label", { for: id.width, text: "Hidden width" }), this.widthSelect,
        el("label", { for: id.lr, text: "Learning rate" }), this.lrSelect,
        el("label", { for: id.speed, text: "Steps per frame" }), this.speedSelect),
      el("div", { class: "rx-row" }, this.playButton,
        el("button", { type: "button", text: "Step", onclick: () => this.trainSteps(1) }),
        el("button", { type: "button", text: "Restart", onclick: () => this.restartTraining() })),
      el("p", {}, "Loss ", this.lossOut, " after ", this.stepsOut, " steps of full-batch Adam", this.accuracyOut),
      this.legend,
      el("div", { class: "rx-charts" },
        el("figure", { class: "rx-chart" }, this.lossSvg, this.lossCaption = el("figcaption", { text: "Loss per step (log scale)" })),
        this.fitChart));
  }

  // -- the network -------------------------------------------------------------------------
  /** Show a network (Network.to_dict() JSON) in a box; `message` goes to the status line. */
  load(json, box, { message = "", keepMode = false } = {}) {
    let net;
    try {
      net = parseNetwork(json);
      box = parseBox(box, 2);
      if (net.nIn !== 2) throw new RangeError(`the explorer needs 2 inputs, this network has ${net.nIn}`);
    } catch (error) {
      this.say(`Cannot show this network: ${error.message}`);
      return false;
    }
    this.net = net;
    this.source = isExact(json) ? json : null;
    this.box = box;
    this.selected = this.hover = -1;
    this.unit = { layer: 0, unit: 0 };
    if (this.mode === "train" && keepMode) this.startTrainer();
    else this.networkChanged({ structure: true });
    if (message !== undefined) this.say(message);
    return true;
  }

  /** The current network's JSON: the exact source while unedited, else its floats. */
  networkJson() {
    return JSON.stringify(this.source ?? toDict(this.net));
  }

  get exact() { return this.source !== null; }

  edited() { this.source = null; this.presetSelect.value = "custom"; }

  networkChanged({ structure = false } = {}) {
    this.geometryDirty = true;
    if (structure) this.buildEditor();
    else this.slidersDirty = true;
    this.schedule();
  }

  choosePreset(value) {
    const preset = value === "initial" ? this.initial : this.presets[Number(value)];
    if (!preset) return;
    if (this.mode === "train") this.setMode("explore");
    this.load(preset.network, preset.box, { message: `Showing ${preset.name}.` });
  }

  randomize() {
    const widths = [2, ...this.net.layers.map((l) => l.nOut)];
    if (this.net.nOut !== 1 && this.mode === "train") widths[widths.length - 1] = 1;
    this.seed += 1;
    this.load(randomNetwork(widths, this.seed), this.box,
      { message: `A random ${widths.join("-")} network (seed ${this.seed}): weights and biases uniform in ±1/√fan-in.`, keepMode: true });
    this.presetSelect.value = "custom";
  }

  /** Rebuild from new JSON after a change of architecture, keeping the box and the mode. */
  replace(json, message) {
    this.load(json, this.box, { message, keepMode: true });
    this.presetSelect.value = "custom";
  }

  addUnit(layer) {
    const dict = toDict(this.net);
    const hidden = dict.layers[layer], next = dict.layers[layer + 1];
    if (!next) return this.say("The output layer keeps its single unit.");
    if (hidden.weight.length >= LIMITS.width) return this.say(`At most ${LIMITS.width} units per layer.`);
    const fanIn = hidden.weight[0].length;
    const u = (bound) => Math.round(1000 * bound * (2 * this.rand() - 1)) / 1000;
    hidden.weight.push(Array.from({ length: fanIn }, () => u(1 / Math.sqrt(fanIn))));
    hidden.bias.push(u(1 / Math.sqrt(fanIn)));
    for (const row of next.weight) row.push(u(1 / Math.sqrt(hidden.weight.length)));
    this.replace(dict, `Added unit ${hidden.weight.length} to layer ${layer + 1}, with random weights; the next layer reads it with random weights too.`);
    this.selectUnit(layer, hidden.weight.length - 1);
  }

  removeUnit(layer, unit) {
    const dict = toDict(this.net);
    const hidden = dict.layers[layer], next = dict.layers[layer + 1];
    if (!next) return this.say("The output layer keeps its single unit.");
    if (hidden.weight.length <= 1) return this.say("A layer keeps at least one unit; remove the layer instead.");
    hidden.weight.splice(unit, 1);
    hidden.bias.splice(unit, 1);
    for (const row of next.weight) row.splice(unit, 1);
    this.replace(dict, `Removed unit ${unit + 1} of layer ${layer + 1}.`);
    this.selectUnit(layer, Math.min(unit, hidden.weight.length - 1));
  }

  addLayer() {
    const dict = toDict(this.net);
    const n = dict.layers.length;
    if (n - 1 >= LIMITS.hiddenLayers) return this.say(`At most ${LIMITS.hiddenLayers} hidden layers.`);
    const prev = dict.layers[n - 2];
    let message;
    if (prev && prev.activation === "relu") {
      // A ReLU layer computing the identity on the previous layer's (non-negative) outputs:
      // the function and the regions stay the same until its sliders move.
      const w = prev.weight.length;
      dict.layers.splice(n - 1, 0, {
        weight: Array.from({ length: w }, (_, i) => Array.from({ length: w }, (_, k) => (i === k ? 1 : 0))),
        bias: Array(w).fill(0), activation: "relu",
      });
      message = `Added layer ${n} as a copy of layer ${n - 1}'s outputs (W = I, b = 0): the function and the regions are unchanged until you move its sliders.`;
    } else {
      const out = dict.layers[n - 1];
      dict.layers.splice(n - 1, 1, ...randomNetwork([out.weight[0].length, 4, out.weight.length], ++this.seed).layers);
      message = `Added a hidden layer of 4 units with random weights (seed ${this.seed}).`;
    }
    this.replace(dict, message);
    this.selectUnit(n - 1, 0);
  }

  removeLayer() {
    const dict = toDict(this.net);
    const n = dict.layers.length;
    if (n < 2) return this.say("There is no hidden layer to remove.");
    dict.layers.splice(n - 2, 1);
    const out = dict.layers[n - 2];
    const fanIn = n - 2 > 0 ? dict.layers[n - 3].weight.length : 2;
    const fresh = randomNetwork([fanIn, out.weight.length], ++this.seed).layers[0];
    out.weight = fresh.weight;
    out.bias = fresh.bias;
    this.replace(dict, `Removed hidden layer ${n - 1}; the output layer got new random weights (seed ${this.seed}) to fit.`);
  }

  // -- the editor: layer and unit pickers, one unit's sliders ----------------------------------
  buildEditor() {
    const net = this.net;
    const id = { layer: uid("layer"), unit: uid("unit") };
    this.layerSelect = el("select", { id: id.layer, onchange: () => this.selectUnit(Number(this.layerSelect.value), 0) });
    net.layers.forEach((l, i) => {
      const name = i === net.layers.length - 1 ? "Output layer" : `Layer ${i + 1}`;
      this.layerSelect.append(el("option", { value: String(i), text: `${name} (${l.nOut} ${l.nOut === 1 ? "unit" : "units"}, ${l.relu ? "ReLU" : "identity"})` }));
    });
    this.unitSelect = el("select", { id: id.unit, onchange: () => this.selectUnit(this.unit.layer, Number(this.unitSelect.value)) });
    const arch = [2, ...net.layers.map((l) => l.nOut)].join(" → ");
    const hiddenCount = net.layers.length - 1;
    this.sliders = el("div", { class: "rx-sliders" });
    this.unitButtons = {
      add: el("button", { type: "button", text: "Add unit", onclick: () => this.addUnit(this.unit.layer) }),
      remove: el("button", { type: "button", text: "Remove unit", onclick: () => this.removeUnit(this.unit.layer, this.unit.unit) }),
    };
    const first = net.layers[0];
    this.dragHint.textContent = !first.relu ? ""
      : first.nOut <= HANDLES_FOR_ALL ? "Drag a dot to move a first-layer line, a ring to turn it. "
        : "Drag the dot to move the chosen first-layer unit's line, the ring to turn it (choose the unit below). ";
    this.editor.replaceChildren(
      el("p", { class: "rx-heading", text: "Weights and biases" }),
      el("div", { class: "rx-row" },
        el("span", { class: "rx-arch", text: arch }),
        el("button", { type: "button", text: "Add layer", disabled: hiddenCount >= LIMITS.hiddenLayers, onclick: () => this.addLayer() }),
        el("button", { type: "button", text: "Remove layer", disabled: hiddenCount < 1, onclick: () => this.removeLayer() })),
      el("div", { class: "rx-row" },
        el("label", { for: id.layer, text: "Layer" }), this.layerSelect,
        el("label", { for: id.unit, text: "Unit" }), this.unitSelect,
        this.unitButtons.add, this.unitButtons.remove),
      this.sliders);
    this.selectUnit(Math.min(this.unit.layer, net.layers.length - 1), this.unit.unit);
  }

  selectUnit(layer, unit) {
    const l = this.net.layers[layer];
    unit = Math.max(0, Math.min(unit, l.nOut - 1));
    this.unit = { layer, unit };
    this.layerSelect.value = String(layer);
    this.unitSelect.replaceChildren(...Array.from({ length: l.nOut }, (_, j) => el("option", { value: String(j), text: String(j + 1) })));
    this.unitSelect.value = String(unit);
    const isOutput = layer === this.net.layers.length - 1;
    this.unitButtons.add.disabled = isOutput || l.nOut >= LIMITS.width;
    this.unitButtons.remove.disabled = isOutput || l.nOut <= 1;
    const source = (k) => (layer === 0 ? `x${subscript(k + 1)}` : `unit ${k + 1} of layer ${layer}`);
    const inputs = Array.from({ length: l.nIn }, (_, k) => ({ label: `w${subscript(k + 1)}`, title: `weight from ${source(k)}`, k }));
    inputs.push({ label: "b", title: "bias", k: -1 });
    this.sliderInputs = inputs.map(({ label, title, k }) => {
      const id = uid("w");
      const input = el("input", { type: "range", id, step: "0.01" });
      const output = el("output", { for: id });
      const set = () => {
        const v = Number(input.value);
        if (k < 0) l.b[unit] = v;
        else l.W[unit * l.nIn + k] = v;
        this.edited();
        output.textContent = number(v, false).text;
        this.networkChanged();
        this.say("");
      };
      input.addEventListener("input", set);
      const name = `${label}, ${title}, ${layer === this.net.layers.length - 1 ? "output" : `layer ${layer + 1}`} unit ${unit + 1}`;
      input.setAttribute("aria-label", name);
      return { input, output, k, row: el("div", { class: "rx-slider" }, el("label", { for: id, text: `${label} (${title.replace("weight from ", "from ")})` }), input, output) };
    });
    this.sliders.replaceChildren(...this.sliderInputs.map((s) => s.row));
    this.syncSliders();
    this.schedule();
  }

  syncSliders() {
    const { layer, unit } = this.unit;
    const l = this.net.layers[layer];
    if (!this.sliderInputs || !l || unit >= l.nOut) return;
    for (const { input, output, k } of this.sliderInputs) {
      const v = k < 0 ? l.b[unit] : l.W[unit * l.nIn + k];
      const range = Math.max(3, Math.ceil(Math.abs(v)));
      input.min = String(-range);
      input.max = String(range);
      if (document.activeElement !== input) input.value = String(v);
      input.setAttribute("aria-valuetext", number(v, this.exact).text);
      output.textContent = number(v, this.exact).text;
    }
    this.slidersDirty = false;
  }

  // -- computing and drawing -------------------------------------------------------------------
  schedule() {
    if (!this.frameId) this.frameId = requestAnimationFrame(() => this.frame());
  }

  frame() {
    this.frameId = 0;
    if (this.playing && this.trainer && this.inView) {
      const until = performance.now() + FRAME_BUDGET_MS;
      for (let k = 0; k < this.speed && (k === 0 || performance.now() < until); k++) this.trainer.step(1);
      this.afterTraining();
    }
    this.update();
    if (this.playing && this.inView) this.schedule();
  }

  /** Recompute what changed and draw it: the work of one region-map update. */
  update() {
    if (!this.net) return; // the page's network could not be read: the status line says why
    if (this.geometryDirty) this.recompute();
    if (this.slidersDirty) this.syncSliders();
    this.draw();
    this.drawHandles();
    if (this.trainer && this.mode === "train") this.drawCharts();
    if (this.detailsDirty) this.showDetails();
  }

  recompute() {
    this.geometryDirty = false;
    const follow = [this.selected, this.hover].map((r) => this.regionPlace(r));
    try {
      this.map = regionArrays(this.net, this.box, { maxRegions: LIMITS.regions });
    } catch (error) {
      this.map = null;
      this.say(`Cannot draw the regions: ${error.message}`);
    }
    this.keys = null;
    this.order = null;
    this.colours = null;
    const count = this.map ? this.map.count : 0;
    // The regions were renumbered: keep the selected and hovered ones by pattern, else by place.
    [this.selected, this.hover] = follow.map((place) => {
      if (!place || !this.map) return -1;
      const r = this.keyIndex().get(place.key);
      return r ?? this.regionAt(place.point);
    });
    this.root.dataset.network = this.networkJson();
    this.root.dataset.regions = String(count);
    this.root.dataset.box = JSON.stringify(this.box);
    this.countEl.textContent = count.toLocaleString("en");
    clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => {
      if (!this.playing) this.announcer.textContent = `${count} activation regions`;
    }, 600);
    const widths = [2, ...this.net.layers.map((l) => l.nOut)].join("-");
    const [[x0, x1], [y0, y1]] = this.box;
    this.mapEl.setAttribute("aria-label", `${this.title}: the ${count} activation regions of a ${widths} network in the box from ${x0} to ${x1} by ${y0} to ${y1}. Arrow keys step through the regions.`);
    if (this.jsonDetails.open) this.jsonBox.value = this.root.dataset.network;
    this.detailsDirty = true;
  }

  readColours() {
    const probe = this.probe;
    const read = (name) => {
      probe.style.color = `var(${name})`;
      return getComputedStyle(probe).color;
    };
    this.palette = Array.from({ length: PALETTE_SIZE }, (_, i) => read(`--rx-r${i}`));
    this.ink = Object.fromEntries(["line", "line-first", "boundary", "class0", "class1", "point-edge", "accent", "focus", "bg", "fg"]
      .map((name) => [name, read(`--rx-${name}`)]));
  }

  resize() {
    const [[x0, x1], [y0, y1]] = this.box;
    const ratio = Math.min(2.5, Math.max(0.4, (y1 - y0) / (x1 - x0)));
    this.mapEl.style.aspectRatio = `1 / ${ratio}`;
    const width = this.mapEl.clientWidth || 320;
    const height = Math.round(width * ratio);
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
    }
    this.overlay.setAttribute("viewBox", `0 0 ${width} ${height}`);
    this.size = { width, height, dpr };
  }

  toScreen(x, y) {
    const [[x0, x1], [y0, y1]] = this.box;
    return [((x - x0) / (x1 - x0)) * this.size.width, (1 - (y - y0) / (y1 - y0)) * this.size.height];
  }

  toBox(px, py) {
    const [[x0, x1], [y0, y1]] = this.box;
    return [x0 + (px / this.size.width) * (x1 - x0), y0 + (1 - py / this.size.height) * (y1 - y0)];
  }

  /** Which ReLU layer (index into net.layers) each pattern bit belongs to. */
  unitLayers() {
    const out = [];
    this.net.layers.forEach((l, i) => { if (l.relu) for (let j = 0; j < l.nOut; j++) out.push([i, j]); });
    return out;
  }

  draw() {
    this.resize();
    if (!this.palette) this.readColours();
    const ctx = this.canvas.getContext("2d");
    const { width, height, dpr } = this.size;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = this.ink.bg;
    ctx.fillRect(0, 0, width, height);
    const map = this.map;
    if (!map) return;
    const { count, nRelu, patterns, start, size, x, y, edges } = map;
    const [[x0, x1], [y0, y1]] = this.box;
    const sx = width / (x1 - x0), sy = height / (y1 - y0);
    const X = (v) => (v - x0) * sx, Y = (v) => height - (v - y0) * sy;
    if (!this.colours) {
      this.colours = new Uint8Array(count);
      for (let r = 0; r < count; r++) this.colours[r] = patternHash(patterns, r * nRelu, nRelu) % PALETTE_SIZE;
    }
    // Fills, one path per palette colour.
    for (let c = 0; c < PALETTE_SIZE; c++) {
      ctx.beginPath();
      for (let r = 0; r < count; r++) {
        if (this.colours[r] !== c) continue;
        const s = start[r], n = size[r];
        ctx.moveTo(X(x[s]), Y(y[s]));
        for (let i = 1; i < n; i++) ctx.lineTo(X(x[s + i]), Y(y[s + i]));
        ctx.closePath();
      }
      ctx.fillStyle = this.palette[c];
      ctx.fill();
    }
    // Unit lines: deeper layers thin, the first layer thicker, the chosen unit in colour. A
    // first-layer line crosses the whole box, so it is one segment; a deeper unit's edges
    // are drawn from one side only (neighbours run a shared edge in opposite directions),
    // which halves the rasterising.
    const layers = this.unitLayers();
    const chosen = this.unit;
    const paths = [new Path2D(), new Path2D(), new Path2D()];
    const firstRelu = this.net.layers[0].relu;
    for (let r = 0; r < count; r++) {
      const s = start[r], n = size[r];
      for (let i = 0; i < n; i++) {
        const label = edges[s + i];
        if (label < 4) continue;
        const [layer, unit] = layers[label - 4];
        if (layer === 0 && firstRelu) continue;
        const k = i + 1 < n ? i + 1 : 0;
        const xi = x[s + i], yi = y[s + i], xk = x[s + k], yk = y[s + k];
        if (xi > xk || (xi === xk && yi > yk)) continue;
        const path = paths[layer === chosen.layer && unit === chosen.unit ? 2 : 0];
        path.moveTo(X(xi), Y(yi));
        path.lineTo(X(xk), Y(yk));
      }
    }
    if (firstRelu) {
      for (let j = 0; j < this.net.layers[0].nOut; j++) {
        const line = this.firstLine(j);
        if (!line) continue;
        const [a, b] = [line.at(line.lo), line.at(line.hi)];
        const path = paths[chosen.layer === 0 && chosen.unit === j ? 2 : 1];
        path.moveTo(X(a[0]), Y(a[1]));
        path.lineTo(X(b[0]), Y(b[1]));
      }
    }
    ctx.lineCap = "butt";
    ctx.strokeStyle = this.ink.line; ctx.lineWidth = 1; ctx.stroke(paths[0]);
    ctx.strokeStyle = this.ink["line-first"]; ctx.lineWidth = 1.75; ctx.stroke(paths[1]);
    ctx.strokeStyle = this.ink.accent; ctx.lineWidth = 3; ctx.stroke(paths[2]);
    if (this.mode === "train" && this.trainer) this.drawData(ctx, X, Y);
    for (const [r, colour, w] of [[this.hover, this.ink.fg, 2], [this.selected, this.ink.focus, 3.5]]) {
      if (r < 0 || r >= count) continue;
      const s = start[r], n = size[r];
      ctx.beginPath();
      ctx.moveTo(X(x[s]), Y(y[s]));
      for (let i = 1; i < n; i++) ctx.lineTo(X(x[s + i]), Y(y[s + i]));
      ctx.closePath();
      ctx.strokeStyle = colour; ctx.lineWidth = w; ctx.stroke();
    }
  }

  /** Train mode: the points, and where the output is 0, exactly (a segment per region). */
  drawData(ctx, X, Y) {
    const { count, nOut, start, size, x, y, maps } = this.map;
    const boundary = new Path2D();
    for (let r = 0; r < count; r++) {
      const m = r * nOut * 3, a = maps[m], b = maps[m + 1], c = maps[m + 2];
      const s = start[r], n = size[r];
      const ends = [];
      for (let i = 0; i < n && ends.length < 2; i++) {
        const k = i + 1 < n ? i + 1 : 0;
        const zi = a * x[s + i] + b * y[s + i] + c, zk = a * x[s + k] + b * y[s + k] + c;
        if ((zi > 0 && zk <= 0) || (zi <= 0 && zk > 0)) {
          const t = zi / (zi - zk);
          ends.push([x[s + i] + t * (x[s + k] - x[s + i]), y[s + i] + t * (y[s + k] - y[s + i])]);
        }
      }
      if (ends.length === 2) {
        boundary.moveTo(X(ends[0][0]), Y(ends[0][1]));
        boundary.lineTo(X(ends[1][0]), Y(ends[1][1]));
      }
    }
    ctx.strokeStyle = this.ink.boundary; ctx.lineWidth = 3; ctx.stroke(boundary);
    const data = this.trainer.data;
    if (data.task !== "classify") return;
    ctx.lineWidth = 1.25;
    ctx.strokeStyle = this.ink["point-edge"];
    for (let i = 0; i < data.n; i++) {
      const px = X(data.X[2 * i]), py = Y(data.X[2 * i + 1]);
      ctx.beginPath();
      if (data.y[i] === 1) ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
      else ctx.rect(px - 3, py - 3, 6, 6);
      ctx.fillStyle = data.y[i] === 1 ? this.ink.class1 : this.ink.class0;
      ctx.fill();
      ctx.stroke();
    }
  }

  // -- the first layer's handles -----------------------------------------------------------------
  /** Where unit j's line crosses the box: the handles' places, or null when it misses the box. */
  /**
   * First-layer unit j's line inside the box, `p + t d` for t in [lo, hi] with d a unit
   * vector along it and p its point nearest the box's centre; null when it misses the box.
   */
  firstLine(j) {
    const l = this.net.layers[0];
    const wx = l.W[2 * j], wy = l.W[2 * j + 1], b = l.b[j];
    const norm = Math.hypot(wx, wy);
    if (!(norm > 0)) return null;
    const [[x0, x1], [y0, y1]] = this.box;
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const off = (wx * cx + wy * cy + b) / (norm * norm);
    const p = [cx - off * wx, cy - off * wy], d = [-wy / norm, wx / norm];
    let lo = -Infinity, hi = Infinity;
    for (const [pc, dc, a, z] of [[p[0], d[0], x0, x1], [p[1], d[1], y0, y1]]) {
      if (Math.abs(dc) < 1e-15) { if (pc < a || pc > z) return null; continue; }
      const t0 = (a - pc) / dc, t1 = (z - pc) / dc;
      lo = Math.max(lo, Math.min(t0, t1));
      hi = Math.min(hi, Math.max(t0, t1));
    }
    if (!(hi - lo > 1e-9)) return null;
    const at = (t) => [p[0] + t * d[0], p[1] + t * d[1]];
    return { at, lo, hi };
  }

  /** Where unit j's handles go: a dot on its line and a ring further along; null if none. */
  lineHandles(j) {
    const line = this.firstLine(j);
    if (!line) return null;
    const { at, lo, hi } = line;
    const [[x0, x1], [y0, y1]] = this.box;
    // Spread the dots along their lines, so lines crossing at one point keep apart handles.
    const spread = 0.2 + 0.6 * ((0.5 + 0.618034 * j) % 1);
    const tm = lo + spread * (hi - lo);
    const reach = 0.3 * Math.min(x1 - x0, y1 - y0);
    const tr = tm + reach <= hi ? tm + reach : tm - reach >= lo ? tm - reach : (tm + hi) / 2;
    return { move: at(tm), turn: at(tr) };
  }

  drawHandles() {
    // Every first-layer line has handles while there are few; beyond that only the chosen
    // unit's, so that the map stays readable (the unit picker chooses among the rest).
    const first = this.net.layers[0];
    const n = first.relu ? first.nOut : 0;
    const few = n <= HANDLES_FOR_ALL;
    if (!this.handles || this.handles.length !== n) {
      this.overlay.replaceChildren();
      this.handles = Array.from({ length: n }, (_, j) => ["move", "turn"].map((kind) => {
        const g = svg("g", { class: `rx-handle rx-${kind === "move" ? "move" : "rotate"}`, "data-unit": String(j), "data-kind": kind });
        g.append(svg("circle", { class: "rx-hit", r: "16" }), svg("circle", { class: "rx-dot", r: kind === "move" ? "6.5" : "6" }));
        this.overlay.append(g);
        return g;
      }));
    }
    for (let j = 0; j < n; j++) {
      const places = this.lineHandles(j);
      const chosen = this.unit.layer === 0 && this.unit.unit === j;
      for (const g of this.handles[j]) {
        const kind = g.dataset.kind;
        if (!places || !(few || chosen)) { g.setAttribute("display", "none"); continue; }
        const [px, py] = this.toScreen(...places[kind]);
        g.removeAttribute("display");
        g.setAttribute("transform", `translate(${px.toFixed(1)} ${py.toFixed(1)})`);
        g.classList.toggle("rx-active", chosen);
      }
    }
  }

  bindMap() {
    const map = this.mapEl;
    let drag = null;
    const point = (event) => {
      const rect = map.getBoundingClientRect();
      return this.toBox(event.clientX - rect.left, event.clientY - rect.top);
    };
    map.addEventListener("pointerdown", (event) => {
      const handle = event.target.closest?.(".rx-handle");
      if (handle) {
        event.preventDefault();
        const j = Number(handle.dataset.unit);
        const l = this.net.layers[0];
        drag = { j, kind: handle.dataset.kind, pivot: this.lineHandles(j)?.move, norm: Math.hypot(l.W[2 * j], l.W[2 * j + 1]), id: event.pointerId };
        map.setPointerCapture(event.pointerId);
        if (this.unit.layer !== 0 || this.unit.unit !== j) this.selectUnit(0, j);
        return;
      }
      drag = { tap: point(event), id: event.pointerId, x: event.clientX, y: event.clientY };
    });
    map.addEventListener("pointermove", (event) => {
      if (drag && drag.j !== undefined && event.pointerId === drag.id) {
        this.dragLine(drag, point(event));
        return;
      }
      if (event.pointerType === "mouse" && !drag) {
        const r = this.regionAt(point(event));
        if (r !== this.hover) {
          this.hover = r;
          if (this.selected < 0) this.detailsDirty = true;
          this.schedule();
        }
      }
    });
    const end = (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      if (drag.tap && Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < 10) {
        const r = this.regionAt(drag.tap);
        this.select(r === this.selected ? -1 : r);
      }
      if (drag.j !== undefined) this.say(`Moved the line of layer 1, unit ${drag.j + 1}.`);
      drag = null;
    };
    // A finger on a handle drags the line, not the page. CSS touch-action does not reach
    // inside the SVG, so the touch that starts on a handle is kept from scrolling here.
    map.addEventListener("touchstart", (event) => {
      if (event.target.closest?.(".rx-handle")) event.preventDefault();
    }, { passive: false });
    map.addEventListener("pointerup", end);
    map.addEventListener("pointercancel", () => { drag = null; });
    map.addEventListener("pointerleave", (event) => {
      if (event.pointerType === "mouse" && this.hover >= 0) {
        this.hover = -1;
        this.detailsDirty = true;
        this.schedule();
      }
    });
    map.addEventListener("keydown", (event) => {
      const keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
      if (event.key in keys) this.step(keys[event.key]);
      else if (event.key === "Home") this.stepTo(0);
      else if (event.key === "End") this.stepTo(Infinity);
      else if (event.key === "Escape") this.select(-1);
      else return;
      event.preventDefault();
    });
  }

  /** Move (translate) or turn unit `j`'s line so that it passes through `q` (box coordinates). */
  dragLine(drag, [qx, qy]) {
    const l = this.net.layers[0];
    const j = drag.j;
    const [x0, x1] = this.box[0], [y0, y1] = this.box[1];
    qx = Math.min(Math.max(qx, x0), x1);
    qy = Math.min(Math.max(qy, y0), y1);
    let wx = l.W[2 * j], wy = l.W[2 * j + 1];
    if (drag.kind === "turn" && drag.pivot) {
      const [px, py] = drag.pivot;
      const dx = qx - px, dy = qy - py, len = Math.hypot(dx, dy);
      if (len < 1e-6 * (x1 - x0)) return;
      let nx = -dy / len, ny = dx / len;
      if (nx * wx + ny * wy < 0) { nx = -nx; ny = -ny; } // the active side stays on its side
      wx = drag.norm * nx; wy = drag.norm * ny;
      l.W[2 * j] = wx; l.W[2 * j + 1] = wy;
      l.b[j] = -(wx * px + wy * py);
    } else {
      l.b[j] = -(wx * qx + wy * qy);
    }
    this.edited();
    this.networkChanged();
  }

  // -- regions: which one is where, stepping, details ------------------------------------------
  /** Region index by pattern key ("0110..."), built when first needed after each recompute. */
  keyIndex() {
    if (!this.keys) {
      const { count, nRelu, patterns } = this.map;
      this.keys = new Map();
      for (let r = 0; r < count; r++) this.keys.set(patterns.subarray(r * nRelu, (r + 1) * nRelu).join(""), r);
    }
    return this.keys;
  }

  regionAt([x, y]) {
    if (!this.map) return -1;
    const [[x0, x1], [y0, y1]] = this.box;
    if (x < x0 || x > x1 || y < y0 || y > y1) return -1;
    return this.keyIndex().get(patternAt(this.net, [x, y]).join("")) ?? -1;
  }

  /** A region's pattern key and centroid, to find it again after the map is recomputed. */
  regionPlace(r) {
    const map = this.map;
    if (!map || r < 0 || r >= map.count) return null;
    const { nRelu, patterns, start, size, x, y } = map;
    let sx = 0, sy = 0;
    for (let i = 0; i < size[r]; i++) { sx += x[start[r] + i]; sy += y[start[r] + i]; }
    return { key: patterns.subarray(r * nRelu, (r + 1) * nRelu).join(""), point: [sx / size[r], sy / size[r]] };
  }

  /** Regions in reading order: by their centroid, top to bottom, then left to right. */
  readingOrder() {
    if (!this.order && this.map) {
      const { count, start, size, x, y } = this.map;
      const c = Array.from({ length: count }, (_, r) => {
        let sx = 0, sy = 0;
        for (let i = 0; i < size[r]; i++) { sx += x[start[r] + i]; sy += y[start[r] + i]; }
        return [r, sx / size[r], sy / size[r]];
      });
      const band = (this.box[1][1] - this.box[1][0]) / 12;
      c.sort((a, b) => Math.floor(b[2] / band) - Math.floor(a[2] / band) || a[1] - b[1] || b[2] - a[2]);
      this.order = c.map((e) => e[0]);
      this.rank = new Int32Array(count);
      this.order.forEach((r, i) => { this.rank[r] = i; });
    }
    return this.order ?? [];
  }

  step(delta) {
    const order = this.readingOrder();
    if (!order.length) return;
    const at = this.selected >= 0 ? this.rank[this.selected] : delta > 0 ? -1 : order.length;
    this.select(order[(at + delta + order.length) % order.length]);
  }

  stepTo(i) {
    const order = this.readingOrder();
    if (order.length) this.select(order[Math.min(i, order.length - 1)]);
  }

  select(r) {
    this.selected = r;
    this.detailsDirty = true;
    this.schedule();
  }

  async showDetails() {
    this.detailsDirty = false;
    const r = this.selected >= 0 ? this.selected : this.hover;
    const map = this.map;
    if (!map || r < 0 || r >= map.count) {
      this.details.replaceChildren(
        el("p", { text: `Each region is one activation pattern. Its colour is picked by its pattern from a palette of ${PALETTE_SIZE}, so two regions can share a colour; the lines between them show where one ends. Thick lines are where a first-layer unit switches; thin lines are deeper units, which can bend where they cross the lines of earlier layers.` }),
        el("p", { text: "Hover over or tap a region, or step through them, to read its activation pattern, its inequalities and the affine map the network computes on it." }));
      return;
    }
    this.readingOrder();
    const { nRelu, nOut, patterns, start, size, edges, maps } = map;
    const pattern = Array.from(patterns.subarray(r * nRelu, (r + 1) * nRelu));
    const regionEdges = Array.from(edges.subarray(start[r], start[r] + size[r]), (e) => (e >= 4 ? e - 4 : -1 - e));
    const system = inequalities(this.net, this.box, { pattern, edges: regionEdges });
    const exact = this.exact;
    // Each row: the math ({tex, text}) and why it holds.
    const rows = [];
    let rounded = false;
    const bit = new Map(this.unitLayers().map(([l, u], k) => [`${l},${u}`, k]));
    for (const row of system) {
      if (row.label[0] === "unit") {
        const [, layer, unit] = row.label;
        const isOn = pattern[bit.get(`${layer},${unit}`)] === 1;
        // Rows are A x <= c; shown as the unit's pre-activation against 0.
        const sign = isOn ? -1 : 1;
        const expr = linear([sign * row.a[0], sign * row.a[1]], -sign * row.c, exact);
        rounded ||= expr.rounded;
        const rel = isOn ? ["\\ge", "≥"] : ["\\le", "≤"];
        rows.push({ tex: `${expr.tex} ${rel[0]} 0`, text: `${expr.text} ${rel[1]} 0`,
          why: `layer ${layer + 1}, unit ${unit + 1} ${isOn ? "on" : "off"}` });
      } else {
        const [, axis, side] = row.label;
        const bound = number(side === "high" ? row.c : -row.c, exact);
        rounded ||= bound.rounded;
        const rel = side === "high" ? ["\\le", "≤"] : ["\\ge", "≥"];
        rows.push({ tex: `x_{${axis + 1}} ${rel[0]} ${bound.tex}`, text: `x${subscript(axis + 1)} ${rel[1]} ${bound.text}`, why: "the box" });
      }
    }
    const outputs = [];
    for (let o = 0; o < nOut; o++) {
      const m = (r * nOut + o) * 3;
      const f = linear([maps[m], maps[m + 1]], maps[m + 2], exact);
      rounded ||= f.rounded;
      const [name, plain] = nOut === 1 ? ["f(x)", "f(x)"] : [`f_{${o + 1}}(x)`, `f${subscript(o + 1)}(x)`];
      outputs.push({ tex: `${name} = ${f.tex}`, text: `${plain} = ${f.text}` });
    }
    const groups = [];
    let at = 0;
    for (const l of this.net.layers) if (l.relu) { groups.push(pattern.slice(at, at + l.nOut).join("")); at += l.nOut; }
    const maths = [];
    const math = (m) => { const node = el("span", { class: "rx-m" }); maths.push([node, m]); return node; };
    const list = el("ul", { class: "rx-system" },
      ...rows.map((row) => el("li", {}, math(row), el("span", { class: "rx-why", text: row.why }))));
    const affine = el("ul", { class: "rx-system" }, ...outputs.map((o) => el("li", {}, math(o))));
    // replaceChildren, unlike el(), would print a null as the text "null".
    const rounding = rounded ? [el("p", { class: "rx-hint", text: "Numbers rounded to three decimals." })] : [];
    this.details.replaceChildren(
      el("p", { class: "rx-heading", text: `Region ${this.rank[r] + 1} of ${map.count}` }),
      el("p", {}, "Pattern ", el("span", { class: "rx-pattern", text: groups.join(" · ") || "(no ReLU units)" }),
        " (1 = on, by layer)"),
      el("p", { class: "rx-subheading", text: `Its ${rows.length} inequalities` }), list,
      el("p", { class: "rx-subheading", text: "The network on it" }), affine, ...rounding);
    const katex = await loadKatex(this.katexUrl);
    for (const [node, m] of maths) {
      if (katex) katex.render(m.tex, node, { throwOnError: false, output: "htmlAndMathml" });
      else node.textContent = m.text;
    }
  }

  // -- train mode --------------------------------------------------------------------------------
  setMode(mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    this.root.dataset.mode = mode;
    this.trainButton.setAttribute("aria-pressed", String(mode === "train"));
    this.trainPanel.hidden = mode !== "train";
    if (mode === "train") {
      this.startTrainer({ fresh: this.net.nOut !== 1 });
      this.say(`Train mode: ${DATASETS[this.datasetName].label}. Press Play; the regions move as the network learns.`);
    } else {
      this.setPlaying(false);
      this.trainer = null;
      this.say("Explore mode: the trained network stays; move its lines.");
    }
    this.geometryDirty = true;
    this.schedule();
  }

  /** A trainer for the current network on the chosen dataset (a random one if it has not 1 output). */
  startTrainer({ fresh = false } = {}) {
    const data = dataset(this.datasetName, { seed: 0 });
    let json = toDict(this.net);
    if (fresh) json = randomNetwork([2, ...this.net.layers.slice(0, -1).map((l) => l.nOut), 1], ++this.seed);
    this.trainer = new Trainer(json, data, { lr: this.lr });
    this.net = this.trainer.net; // the trainer's weights are the ones drawn
    this.source = null;
    this.box = data.box;
    const width = this.net.layers.length > 1 ? this.net.layers[0].nOut : 0;
    const widths = [...new Set([...WIDTHS, width])].filter((w) => w > 0).sort((a, b) => a - b);
    this.widthSelect.replaceChildren(...widths.map((w) => el("option", { value: String(w), text: String(w) })));
    this.widthSelect.value = String(width || WIDTHS[0]);
    this.fitChart.hidden = data.task !== "regress";
    for (const item of this.classLegend) item.hidden = data.task !== "classify";
    this.boundaryLegend.textContent = data.task === "classify" ? "f(x) = 0, the decision boundary" : "f(x) = 0";
    this.afterTraining();
    this.networkChanged({ structure: true });
  }

  chooseDataset(name) {
    this.datasetName = name;
    this.startTrainer();
    this.say(`Data: ${DATASETS[name].label}; training goes on from the current weights.`);
  }

  chooseWidth(width) {
    const depth = Math.max(1, this.net.layers.length - 1);
    this.seed += 1;
    const widths = [2, ...Array(depth).fill(width), 1];
    this.load(randomNetwork(widths, this.seed), this.box, { keepMode: true, message: `A fresh ${widths.join("-")} network (seed ${this.seed}).` });
  }

  restartTraining() {
    const widths = [2, ...this.net.layers.slice(0, -1).map((l) => l.nOut), 1];
    this.seed += 1;
    this.load(randomNetwork(widths, this.seed), this.box, { keepMode: true, message: `Restarted from random weights (seed ${this.seed}).` });
  }

  setPlaying(on) {
    this.playing = Boolean(on && this.trainer);
    if (this.playButton) {
      this.playButton.textContent = this.playing ? "Pause" : "Play";
      this.playButton.setAttribute("aria-pressed", String(this.playing));
    }
    this.root.dataset.playing = String(this.playing);
    if (this.playing) this.schedule();
  }

  trainSteps(k) {
    if (!this.trainer) return;
    this.trainer.step(k);
    this.afterTraining();
    this.schedule();
  }

  afterTraining() {
    const t = this.trainer;
    this.source = null;
    this.presetSelect.value = "custom";
    this.root.dataset.loss = String(t.loss);
    this.root.dataset.steps = String(t.steps);
    this.lossOut.textContent = t.loss < 1e-3 ? t.loss.toExponential(2) : t.loss.toFixed(4);
    this.stepsOut.textContent = String(t.steps);
    this.accuracyOut.textContent = t.data.task === "classify" ? `; ${Math.round(100 * t.accuracy())} % of the points on their class's side` : "";
    this.geometryDirty = true;
    this.slidersDirty = true;
  }

  drawCharts() {
    const losses = this.trainer.losses;
    const W = 300, H = 120, pad = 6;
    const logs = losses.map((v) => Math.log10(Math.max(v, 1e-12)));
    const lo = Math.min(...logs), hi = Math.max(...logs);
    const every = Math.max(1, Math.ceil(losses.length / 300));
    const pts = [];
    for (let i = 0; i < losses.length; i += every) {
      const px = pad + ((W - 2 * pad) * i) / Math.max(1, losses.length - 1);
      const py = H - pad - ((H - 2 * pad) * (logs[i] - lo)) / Math.max(hi - lo, 1e-9);
      pts.push(`${px.toFixed(1)},${py.toFixed(1)}`);
    }
    this.lossSvg.replaceChildren(
      svg("line", { class: "rx-axis", x1: pad, y1: H - pad, x2: W - pad, y2: H - pad }),
      svg("polyline", { class: "rx-curve", points: pts.join(" ") }));
    const last = losses[losses.length - 1];
    const range = `from ${losses[0].toPrecision(3)} at the start to ${last.toPrecision(3)} after ${losses.length - 1} steps`;
    this.lossSvg.setAttribute("aria-label", `Loss curve: ${range}`);
    this.lossCaption.textContent = `Loss per step, log scale: ${range} (lowest ${(10 ** lo).toPrecision(3)}).`;
    if (this.trainer.data.task !== "regress") return;
    const [x0, x1] = this.box[0];
    const fit = [], target = [];
    const values = [];
    for (let i = 0; i <= 150; i++) {
      const xv = x0 + ((x1 - x0) * i) / 150;
      values.push([xv, forward(this.net, [xv, 0])[0], Math.sin(xv)]);
    }
    const ys = values.flatMap((v) => [v[1], v[2]]);
    const ylo = Math.min(-1.2, ...ys), yhi = Math.max(1.2, ...ys);
    for (const [xv, f, s] of values) {
      const px = pad + ((W - 2 * pad) * (xv - x0)) / (x1 - x0);
      fit.push(`${px.toFixed(1)},${(H - pad - ((H - 2 * pad) * (f - ylo)) / (yhi - ylo)).toFixed(1)}`);
      target.push(`${px.toFixed(1)},${(H - pad - ((H - 2 * pad) * (s - ylo)) / (yhi - ylo)).toFixed(1)}`);
    }
    const zero = H - pad - ((H - 2 * pad) * (0 - ylo)) / (yhi - ylo);
    this.fitSvg.replaceChildren(
      svg("line", { class: "rx-axis", x1: pad, y1: zero, x2: W - pad, y2: zero }),
      svg("polyline", { class: "rx-target", points: target.join(" ") }),
      svg("polyline", { class: "rx-curve", points: fit.join(" ") }));
  }

  // -- the rest ------------------------------------------------------------------------------
  async copyJson() {
    const json = this.networkJson();
    try {
      await navigator.clipboard.writeText(json);
      this.say("Copied the network as JSON: reluineq.Network.from_dict(json.loads(text)) loads it.");
    } catch {
      this.jsonDetails.open = true;
      this.jsonBox.value = json;
      this.jsonBox.select();
      this.say("The browser did not allow copying: the JSON is selected below, copy it from there.");
    }
  }

  say(message) {
    this.status.textContent = message;
  }

  /** Theme changes, resizing, and whether the widget is in view. */
  watch() {
    const recolour = () => { this.palette = null; this.schedule(); };
    const attrs = { attributes: true, attributeFilter: ["data-theme", "data-mode", "class"] };
    this.themeObserver = new MutationObserver(recolour);
    this.themeObserver.observe(document.documentElement, attrs);
    if (document.body) this.themeObserver.observe(document.body, attrs);
    window.matchMedia?.("(prefers-color-scheme: dark)").addEventListener?.("change", recolour);
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(this.mapEl);
    this.viewObserver = new IntersectionObserver((entries) => {
      this.inView = entries[entries.length - 1].isIntersecting;
      this.root.dataset.inView = String(this.inView);
      if (this.inView) {
        loadKatex(this.katexUrl);
        if (this.playing) this.schedule();
      }
    });
    this.viewObserver.observe(this.root);
  }
}

/** Whether a network's JSON holds only integers and fraction strings (an exact network). */
function isExact(json) {
  if (!json || !Array.isArray(json.layers)) return false;
  const ok = (v) => (typeof v === "number" ? Number.isInteger(v) : typeof v === "string");
  return json.layers.every((l) => l.weight.every((row) => row.every(ok)) && l.bias.every(ok));
}
