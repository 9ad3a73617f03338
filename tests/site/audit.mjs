// Audit every page of the built site as readers and the web's checkers see it.
//
// The site is served from 127.0.0.1 with gzip (serve.mjs), the way a static host serves it,
// and loaded in Debian's Chromium through puppeteer-core. Nothing is fetched from elsewhere.
//
//   node tests/site/audit.mjs [options] [page.html ...]
//     --site DIR        the built site (default _build/html)
//     --checks LIST     any of lighthouse,axe,vnu,layout,weight (default: all)
//     --json FILE       also write every measurement as JSON
//     --quiet           print only the summary table
//
// Checks (the goals are in GOALS below; the exit status is 1 when any page misses one):
//   lighthouse  Lighthouse 12 (mobile, simulated throttling): the four category scores
//   axe         axe-core on the page at 390 px and at 1280 px: violations
//   vnu         the Nu Html Checker (vnu.jar on the installed Java): errors
//   layout      at 390 px (a phone): the page is no wider than the screen, and every equation,
//               table, code block, image and other element of the content is either fully on
//               screen or inside a box that scrolls to it; console errors and warnings
//   weight      bytes transferred (compressed, headers included) to load the page and
//               everything it shows when read to its end (lazy images too)

import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

import { serve } from "./serve.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const CHECKS = ["lighthouse", "axe", "vnu", "layout", "weight"];
const PHONE = { width: 390, height: 844, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const DESKTOP = { width: 1280, height: 900, deviceScaleFactor: 1, isMobile: false, hasTouch: false };
const FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
];
const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];

export const GOALS = {
  performance: 95, // Lighthouse scores, at least
  accessibility: 100,
  "best-practices": 100,
  seo: 100,
  axe: 0, // violations, at most
  vnu: 0, // errors, at most
  overflow: 0, // elements a phone reader cannot see or scroll to, at most
  console: 0, // console errors and warnings, at most
  weightKiB: 500, // transferred, at most
};

function parseArgs(argv) {
  const options = { site: path.join(ROOT, "_build", "html"), checks: CHECKS, json: null,
                    quiet: false, pages: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--site") options.site = path.resolve(argv[++i]);
    else if (arg === "--checks") options.checks = argv[++i].split(",").filter(Boolean);
    else if (arg === "--json") options.json = path.resolve(argv[++i]);
    else if (arg === "--quiet") options.quiet = true;
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else options.pages.push(arg);
  }
  const unknown = options.checks.filter((c) => !CHECKS.includes(c));
  if (unknown.length) throw new Error(`unknown check(s) ${unknown}; choose from ${CHECKS}`);
  return options;
}

/** Every HTML file the site ships, relative to the site, in a stable order. */
async function sitePages(site) {
  const pages = [];
  async function walk(dir) {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith(".html")) pages.push(path.relative(site, full).split(path.sep).join("/"));
    }
  }
  await walk(site);
  return pages.sort();
}

// -- in the page ---------------------------------------------------------------------------

// Runs in the page at phone width: what a reader cannot see and cannot scroll to.
function phoneLayout() {
  const viewport = window.innerWidth;
  const pageWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  const kinds = [
    ["equation", ".katex-display"],
    ["table", "table"],
    ["code", "pre"],
    ["image", "img, svg, canvas, video, iframe"],
  ];
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const cls = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\s+/).slice(0, 2).join(".") : "";
    return `${el.tagName.toLowerCase()}${id}${cls}`;
  };
  // Can the reader get every part of `el` on screen, by scrolling the boxes it sits in?
  function reachable(el) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return true;
    let left = r.left, right = r.right;
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement;
         a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow === "visible") continue;
      const box = a.getBoundingClientRect();
      const inner = box.left + a.clientLeft;
      if (overflow === "auto" || overflow === "scroll") {
        const from = left - inner + a.scrollLeft, to = right - inner + a.scrollLeft;
        if (from < -1 || to > a.scrollWidth + 1) return false; // e.g. overflow to the left
        left = box.left; right = box.right; // the scrolling box itself must then be reachable
      } else {
        // overflow: hidden or clip cuts the element on purpose (KaTeX's long SVG strokes):
        // only the part inside the box is meant to be seen.
        left = Math.max(left, inner);
        right = Math.min(right, inner + a.clientWidth);
        if (right <= left) return true;
      }
    }
    return left >= -1 && right <= viewport + 1;
  }
  const content = document.querySelector("main, [role=main]") || document.body;
  // Text for screen readers only (KaTeX's MathML, "sr-only" labels) is clipped on purpose.
  const forScreenReaders = (el) => {
    const style = getComputedStyle(el);
    return style.clip !== "auto" || style.clipPath !== "none" ||
           (style.position === "absolute" && el.getBoundingClientRect().width <= 1);
  };
  const seen = (el) => el.checkVisibility({ visibilityProperty: true });
  const counts = {}, bad = [], skip = new Set();
  for (const el of content.querySelectorAll("*")) {
    if (skip.has(el.parentElement) || forScreenReaders(el)) skip.add(el);
  }
  const skipped = (el) => {
    for (let a = el; a; a = a.parentElement) if (skip.has(a)) return true;
    return false;
  };
  for (const [kind, selector] of kinds) {
    const els = [...content.querySelectorAll(selector)].filter((el) => !skipped(el) && seen(el));
    counts[kind] = els.length;
    for (const el of els) {
      if (!reachable(el)) {
        skip.add(el);
        bad.push({ kind, element: describe(el), text: el.textContent.trim().slice(0, 60) });
      }
    }
  }
  // Anything else in the content, outermost offender only.
  for (const el of content.querySelectorAll("*")) {
    if (skip.has(el.parentElement)) skip.add(el);
    if (skip.has(el) || !seen(el)) continue;
    if (!reachable(el)) {
      skip.add(el);
      bad.push({ kind: "other", element: describe(el), text: el.textContent.trim().slice(0, 60) });
    }
  }
  return { viewport, pageWidth, counts, overflowing: bad };
}

// -- checks ----------------------------------------------------------------------------------

const AXE_SOURCE = path.join(ROOT, "node_modules", "axe-core", "axe.min.js");

async function runAxe(page) {
  // Sections and API entries off screen skip layout (content-visibility: auto in site.css),
  // so the boxes inside them keep placeholder geometry, and axe's target-size rule would
  // judge overlaps that no reader sees. A reader sees each part laid out once it is near, so
  // axe checks the page with every part laid out.
  await page.addStyleTag({ content: "* { content-visibility: visible !important; }" });
  await page.addScriptTag({ path: AXE_SOURCE });
  return page.evaluate(async () => {
    // WCAG 2.2's target size (24 px) is switched on explicitly, as Lighthouse does.
    const result = await window.axe.run(document, {
      resultTypes: ["violations"], rules: { "target-size": { enabled: true } },
    });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5), nodes: v.nodes.length,
    }));
  });
}

async function eagerImages(page) {
  await page.evaluate(async () => {
    for (const img of document.images) img.loading = "eager";
    await Promise.all([...document.images].map((i) => i.decode().catch(() => null)));
    await document.fonts.ready;
  });
}

/** One visit at phone width: weight, console, layout and axe; then axe at desktop width. */
async function visit(browser, base, page, checks) {
  const context = await browser.createBrowserContext(); // a first visit: no storage, no cache
  const tab = await context.newPage();
  const result = { console: [], requests: 0, outside: [] };
  try {
    await tab.setViewport(PHONE);
    const cdp = await tab.createCDPSession();
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    const types = new Map(), bytes = {};
    cdp.on("Network.responseReceived", (e) => types.set(e.requestId, [e.type, e.response.url]));
    cdp.on("Network.loadingFinished", (e) => {
      const [type, url] = types.get(e.requestId) || ["Other", ""];
      if (url && !url.startsWith(base) && !url.startsWith("data:")) result.outside.push(url);
      bytes[type] = (bytes[type] || 0) + e.encodedDataLength;
      result.requests += 1;
    });
    tab.on("console", (m) => {
      if (["error", "warn", "warning"].includes(m.type())) result.console.push(`${m.type()}: ${m.text()}`);
    });
    tab.on("pageerror", (e) => result.console.push(`exception: ${e.message}`));
    const response = await tab.goto(base + page, { waitUntil: "load", timeout: 60000 });
    if (!response.ok()) throw new Error(`${page}: HTTP ${response.status()}`);
    await eagerImages(tab);
    await tab.waitForNetworkIdle({ idleTime: 300, timeout: 30000 }).catch(() => null);
    if (checks.includes("weight")) {
      result.weight = { bytes: Object.values(bytes).reduce((a, b) => a + b, 0), byType: bytes };
    }
    if (checks.includes("layout")) result.layout = await tab.evaluate(phoneLayout);
    if (checks.includes("axe")) {
      const phone = await runAxe(tab);
      await tab.setViewport(DESKTOP);
      const desktop = await runAxe(tab);
      const seen = new Map();
      for (const v of [...phone, ...desktop]) if (!seen.has(v.id)) seen.set(v.id, v);
      result.axe = [...seen.values()];
    }
  } finally {
    await context.close();
  }
  return result;
}

async function runLighthouse(browser, url) {
  const { default: lighthouse } = await import("lighthouse");
  const tab = await browser.newPage();
  try {
    const run = await lighthouse(url, {
      output: "json", logLevel: "error", onlyCategories: CATEGORIES,
      formFactor: "mobile", throttlingMethod: "simulate",
    }, undefined, tab);
    const lhr = run.lhr;
    const scores = Object.fromEntries(
      CATEGORIES.map((c) => [c, Math.round((lhr.categories[c].score ?? 0) * 100)]));
    const failing = [];
    for (const c of CATEGORIES) {
      for (const ref of lhr.categories[c].auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1 && c !== "performance") {
          const nodes = (audit.details?.items || []).map((i) => i.node?.selector || i.node?.snippet)
            .filter(Boolean).slice(0, 3);
          failing.push(`${c}: ${ref.id}${nodes.length ? ` (${nodes.join(" | ")})` : ""}`);
        }
      }
    }
    const metric = (id) => lhr.audits[id]?.numericValue;
    return {
      scores, failing,
      metrics: { fcp: metric("first-contentful-paint"), lci: metric("largest-contentful-paint"),
                 tbt: metric("total-blocking-time"), cls: metric("cumulative-layout-shift"),
                 bytes: metric("total-byte-weight") },
      runtimeError: lhr.runtimeError?.message,
    };
  } finally {
    await tab.close().catch(() => null);
  }
}

/** The Nu Html Checker over all pages at once (one JVM), alongside the browser checks. */
async function runVnu(site, pages) {
  const jar = path.join(ROOT, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
  const files = pages.map((p) => path.join(site, p));
  const java = process.env.JAVA || "java";
  const run = await new Promise((resolve) => {
    const child = spawn(java, ["-jar", jar, "--format", "json", "--exit-zero-always", ...files]);
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    child.on("error", (error) => resolve({ error, stdout, stderr }));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
  if (run.error || run.status !== 0) {
    throw new Error(`vnu.jar failed: ${run.error?.message || run.stderr.slice(0, 2000)}`);
  }
  const messages = JSON.parse(run.stderr || run.stdout).messages;
  const errors = Object.fromEntries(pages.map((p) => [p, []]));
  for (const m of messages) {
    if (m.type !== "error" && m.type !== "non-document-error") continue;
    const page = path.relative(site, fileURLToPath(m.url)).split(path.sep).join("/");
    (errors[page] ||= []).push({ line: m.lastLine, message: m.message });
  }
  return errors;
}

// -- goals and tables ----------------------------------------------------------------------

/** The rows of one page's table: [check, measured, goal, ok]. */
export function rows(result) {
  const out = [];
  if (result.lighthouse) {
    const { scores, runtimeError } = result.lighthouse;
    for (const c of CATEGORIES) {
      out.push([`Lighthouse ${c}`, runtimeError ? `error: ${runtimeError}` : scores[c],
                `>= ${GOALS[c]}`, !runtimeError && scores[c] >= GOALS[c]]);
    }
  }
  if (result.axe) {
    out.push(["axe-core violations", result.axe.length ? result.axe.map((v) => v.id).join(", ") : 0,
              `<= ${GOALS.axe}`, result.axe.length <= GOALS.axe]);
  }
  if (result.vnu) {
    out.push(["Nu Html Checker errors", result.vnu.length, `<= ${GOALS.vnu}`,
              result.vnu.length <= GOALS.vnu]);
  }
  if (result.layout) {
    const { pageWidth, overflowing } = result.layout;
    out.push([`page width at ${PHONE.width} px`, pageWidth, `<= ${PHONE.width}`,
              pageWidth <= PHONE.width]);
    out.push(["out of reach at 390 px", overflowing.length, `<= ${GOALS.overflow}`,
              overflowing.length <= GOALS.overflow]);
  }
  if (result.console) {
    out.push(["console errors/warnings", result.console.length, `<= ${GOALS.console}`,
              result.console.length <= GOALS.console]);
  }
  if (result.outside) {
    out.push(["requests off the site", result.outside.length, "0", result.outside.length === 0]);
  }
  if (result.weight) {
    const kib = result.weight.bytes / 1024;
    out.push(["transferred (KiB)", kib.toFixed(0), `<= ${GOALS.weightKiB}`, kib <= GOALS.weightKiB]);
  }
  return out;
}

function table(header, body) {
  const cells = [header, ...body].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => "  " + r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(cells[0]), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join("\n");
}

function details(result) {
  const lines = [];
  for (const f of result.lighthouse?.failing || []) lines.push(`    lighthouse ${f}`);
  for (const v of result.axe || []) lines.push(`    axe ${v.id} (${v.impact}, ${v.nodes} nodes): ${v.targets.join(" | ")}`);
  for (const e of (result.vnu || []).slice(0, 8)) lines.push(`    vnu line ${e.line}: ${e.message}`);
  if ((result.vnu || []).length > 8) lines.push(`    vnu ... ${result.vnu.length - 8} more`);
  for (const o of (result.layout?.overflowing || []).slice(0, 8)) {
    lines.push(`    390px ${o.kind} ${o.element}: ${JSON.stringify(o.text)}`);
  }
  for (const c of result.console || []) lines.push(`    console ${c}`);
  for (const u of result.outside || []) lines.push(`    off-site request ${u}`);
  return lines.join("\n");
}

function summary(results) {
  const header = ["page", "perf", "a11y", "bp", "seo", "axe", "vnu", "width", "reach", "cons", "KiB"];
  const body = Object.entries(results).map(([page, r]) => {
    const s = r.lighthouse?.scores || {};
    return [page, s.performance ?? "-", s.accessibility ?? "-", s["best-practices"] ?? "-",
            s.seo ?? "-", r.axe ? r.axe.length : "-", r.vnu ? r.vnu.length : "-",
            r.layout ? r.layout.pageWidth : "-", r.layout ? r.layout.overflowing.length : "-",
            r.console ? r.console.length : "-",
            r.weight ? (r.weight.bytes / 1024).toFixed(0) : "-"];
  });
  return table(header, body);
}

export async function audit(options) {
  const all = await sitePages(options.site);
  const pages = options.pages.length ? options.pages : all;
  const missing = pages.filter((p) => !all.includes(p));
  if (missing.length) throw new Error(`not in ${options.site}: ${missing}`);
  const results = Object.fromEntries(pages.map((p) => [p, {}]));

  const vnu = options.checks.includes("vnu") ? runVnu(options.site, pages) : null;
  const browserChecks = options.checks.filter((c) => c !== "vnu");
  if (browserChecks.length) {
    const server = await serve(options.site);
    const profile = await fs.mkdtemp(path.join(os.tmpdir(), "audit-chromium-"));
    const browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      headless: true, args: FLAGS, userDataDir: profile, protocolTimeout: 120000,
    });
    try {
      for (const [i, page] of pages.entries()) {
        if (!options.quiet) process.stderr.write(`auditing ${page} (${i + 1}/${pages.length})\n`);
        if (browserChecks.some((c) => c !== "lighthouse")) {
          Object.assign(results[page], await visit(browser, server.url, page, browserChecks));
        }
        if (browserChecks.includes("lighthouse")) {
          results[page].lighthouse = await runLighthouse(browser, server.url + page);
        }
      }
    } finally {
      await browser.close().catch(() => null);
      await server.close();
      await fs.rm(profile, { recursive: true, force: true }).catch(() => null);
    }
  }
  if (vnu) {
    const errors = await vnu;
    for (const p of pages) results[p].vnu = errors[p] || [];
  }
  if (!options.quiet) {
    for (const page of pages) {
      process.stdout.write(`\n${page}\n${table(["check", "measured", "goal", "ok"],
        rows(results[page]).map(([c, m, g, ok]) => [c, m, g, ok ? "yes" : "NO"]))}\n`);
      const more = details(results[page]);
      if (more) process.stdout.write(more + "\n");
    }
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  const results = await audit(options);
  if (options.json) {
    const verdicts = Object.fromEntries(Object.entries(results).map(
      ([page, r]) => [page, { ...r, goals: rows(r) }]));
    await fs.writeFile(options.json, JSON.stringify(verdicts, null, 1) + "\n");
  }
  process.stdout.write(`\nSummary (${Object.keys(results).length} pages; goals: ` +
    `Lighthouse performance >= ${GOALS.performance}, others 100; axe, vnu, unreachable, ` +
    `console 0; width <= 390; <= ${GOALS.weightKiB} KiB)\n${summary(results)}\n`);
  const missed = Object.entries(results).filter(([, r]) => rows(r).some((row) => !row[3]));
  if (missed.length) {
    process.stdout.write(`\n${missed.length} page(s) miss a goal: ${missed.map(([p]) => p).join(", ")}\n`);
    process.exit(1);
  }
  process.stdout.write("\nevery page meets every goal\n");
}
