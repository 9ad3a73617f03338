"""The built site in headless Chromium: math typeset with KaTeX's fonts, images loaded, links
resolve, nothing fetched from outside the site, search works. Screenshots of the home page and
every post go to ``_build/screenshots``.

Chromium is driven through the DevTools protocol over a websocket (``websockets``, already a
dependency of sphinx-autobuild); no browser is downloaded. The site is served from a thread on
127.0.0.1; Chromium's background networking is switched off.
"""

import base64
import contextlib
import functools
import http.server
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import websockets.sync.client as websockets_sync
from sitepaths import POSTS, ROOT, SCREENSHOTS

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-port=0",
]
PAGES = ["index.html", "blog.html", "api.html", "authors-guide.html"] + [
    f"posts/{p}.html" for p in POSTS
]
WIDTH, HEIGHT = 1280, 2400

# Runs in each page after load: what the reader would see.
PAGE_REPORT = r"""
(async () => {
  for (const img of document.images) { img.loading = "eager"; }
  await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
  await document.fonts.ready;
  const maths = [...document.querySelectorAll("span.math, div.math")];
  // Sections off screen are laid out lazily (content-visibility), and so their fonts load
  // late: lay every equation out, then wait for the fonts it asked for.
  for (const m of maths) m.getBoundingClientRect();
  await document.fonts.ready;
  const links = [...new Set([...document.querySelectorAll("a[href]")]
    .map(a => a.href).filter(h => h.startsWith(location.origin)))];
  const broken = [];
  const docs = {};
  for (const href of links) {
    const url = new URL(href);
    const page = url.origin + url.pathname;
    if (!(page in docs)) {
      const response = await fetch(page);
      docs[page] = response.ok ? await response.text() : null;
    }
    if (docs[page] === null) { broken.push(href); continue; }
    const id = decodeURIComponent(url.hash.slice(1));
    if (id && page.endsWith(".html")) {
      const doc = page === location.origin + location.pathname
        ? document : new DOMParser().parseFromString(docs[page], "text/html");
      if (!doc.getElementById(id) && !doc.getElementsByName(id).length) broken.push(href);
    }
  }
  return {
    title: document.title,
    theme: document.body.dataset.theme || null,
    themeSwitch: !!document.querySelector("button.theme-toggle"),
    maths: maths.length,
    unrendered: maths.filter(m => !m.querySelector(".katex-html"))
      .map(m => m.textContent.slice(0, 80)),
    // Math in a hidden container (a heading's copy in a collapsed table of contents) has
    // no width either; only math the reader can see must have one.
    invisible: maths.filter(m => { const k = m.querySelector(".katex-html");
      return k && m.checkVisibility() && k.getBoundingClientRect().width === 0; })
      .map(m => m.textContent.slice(0, 80)),
    katexErrors: [...document.querySelectorAll(".katex-error")].map(e => e.textContent),
    katexFonts: [...document.fonts].filter(f => f.family.replace(/"/g, "").startsWith("KaTeX"))
      .map(f => [f.family.replace(/"/g, ""), f.status]),
    images: [...document.images].map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0,
                                              alt: i.alt})),
    // What a code cell's show/hide control says, closed and then opened.
    // (computed styles, not innerText: sections off screen are not rendered yet)
    toggles: [...document.querySelectorAll("details.hide > summary")].map(s => {
      const shown = () => [...s.children].filter(c => getComputedStyle(c).display !== "none")
        .map(c => c.textContent.trim()).join(" ");
      const closed = shown();
      s.parentElement.open = true;
      const opened = shown();
      s.parentElement.open = false;
      return [closed, opened];
    }),
    copyButtons: document.querySelectorAll("button.copybtn").length,
    codeBlocks: document.querySelectorAll("div.highlight pre").length,
    links: links.length,
    broken,
    height: Math.ceil(document.documentElement.scrollHeight),
  };
})()
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class Chromium:
    """The few DevTools-protocol calls the tests need, over one browser websocket."""

    def __init__(self, profile: Path):
        if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
            pytest.fail(f"no Chromium at {CHROMIUM}: run `make chromium`")
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its helper processes share a group we can end at once
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                pytest.fail("Chromium did not open its DevTools port")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.stack = contextlib.ExitStack()
        self.ws = self.stack.enter_context(
            websockets_sync.connect(f"ws://127.0.0.1:{port}{path}", max_size=None)
        )
        self.counter = 0
        self.events: list[dict] = []

    def close(self):
        if getattr(self, "stack", None) is not None:
            self.stack.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        # Chromium's helpers (crash handler, zygotes) can outlive the browser and keep
        # writing to the profile; end the whole group before the profile is deleted.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def _receive(self, timeout: float) -> dict:
        return json.loads(self.ws.recv(timeout=timeout))

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict:
        self.counter += 1
        message = {"id": self.counter, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(max(0.01, deadline - time.monotonic()))
            if reply.get("id") == self.counter:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._receive(max(0.01, deadline - time.monotonic())))

    def open(self, url: str) -> "Tab":
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        tab = Tab(self, target, session["sessionId"])
        for domain in ("Page", "Network", "Runtime"):
            tab.call(f"{domain}.enable")
        tab.call("Emulation.setDeviceMetricsOverride",
                 {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
        tab.call("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", tab.session)
        return tab


class Tab:
    def __init__(self, browser: Chromium, target: str, session: str):
        self.browser, self.target, self.session = browser, target, session

    def call(self, method: str, params: dict | None = None) -> dict:
        return self.browser.call(method, params, self.session)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def events(self, method: str) -> list[dict]:
        return [e["params"] for e in self.browser.events
                if e.get("method") == method and e.get("sessionId") == self.session]

    def screenshot(self, path: Path, height: int) -> None:
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": min(max(height, 600), 12000),
                   "deviceScaleFactor": 1, "mobile": False})
        time.sleep(0.2)  # let the theme re-lay out the taller viewport
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})
        self.browser.events = [e for e in self.browser.events
                               if e.get("sessionId") != self.session]


@pytest.fixture(scope="module")
def browser():
    # A helper process that dies late may still leave a file behind: not a test failure.
    with tempfile.TemporaryDirectory(
        prefix="site-chromium-", ignore_cleanup_errors=True
    ) as profile:
        chromium = Chromium(Path(profile))
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.parametrize("page", PAGES)
def test_page_in_browser(server, browser, page):
    tab = browser.open(server + page)
    try:
        report = tab.evaluate(PAGE_REPORT)
        requests = [e["request"]["url"] for e in tab.events("Network.requestWillBeSent")]
        failed = [e.get("errorText") for e in tab.events("Network.loadingFailed")]
        statuses = [(e["response"]["url"], e["response"]["status"])
                    for e in tab.events("Network.responseReceived")]
        exceptions = tab.events("Runtime.exceptionThrown")
        if page == "index.html" or page.startswith("posts/"):
            tab.screenshot(SCREENSHOTS / (page.replace("/", "-").removesuffix(".html") + ".png"),
                           report["height"])
    finally:
        tab.close()

    outside = [u for u in requests if not u.startswith((server, "data:", "blob:"))]
    assert not outside, f"requests leave the site: {outside}"
    assert not failed, f"requests failed: {failed}"
    assert not [s for s in statuses if s[1] >= 400], f"HTTP errors: {statuses}"
    assert not exceptions, f"JavaScript errors: {exceptions}"
    assert not report["katexErrors"], f"KaTeX errors: {report['katexErrors']}"
    assert not report["unrendered"], f"math not typeset: {report['unrendered']}"
    assert not report["invisible"], (
        f"typeset math has no width (KaTeX CSS not applied?): {report['invisible']}"
    )
    if report["maths"]:
        statuses = dict(report["katexFonts"])
        assert statuses.get("KaTeX_Main") == "loaded", f"KaTeX fonts: {report['katexFonts']}"
        assert "error" not in statuses.values(), f"KaTeX fonts: {report['katexFonts']}"
    bad_images = [i["src"] for i in report["images"] if not i["ok"]]
    assert not bad_images, f"images that did not load: {bad_images}"
    assert all(i["alt"].strip() for i in report["images"])
    assert not report["broken"], f"links that lead nowhere: {report['broken']}"
    assert report["themeSwitch"] and report["theme"] in {"light", "dark", "auto"}, "no dark mode"
    assert report["copyButtons"] >= report["codeBlocks"], "code blocks without copy buttons"
    for closed, opened in report["toggles"]:
        assert closed.startswith("Show") and "Hide" not in closed, f"closed toggle: {closed!r}"
        assert opened.startswith("Hide") and "Show" not in opened, f"open toggle: {opened!r}"


@pytest.mark.parametrize("post", POSTS)
def test_post_renders_math_and_figures(server, browser, post):
    tab = browser.open(f"{server}posts/{post}.html")
    try:
        report = tab.evaluate(PAGE_REPORT)
    finally:
        tab.close()
    assert report["maths"] > 0 and report["images"], "a post shows computed math and figures"


def test_search_finds_posts(server, browser):
    tab = browser.open(f"{server}search.html?q=network")
    try:
        found = tab.evaluate("""
        (async () => {
          for (let i = 0; i < 100; i++) {
            const summary = document.querySelector("#search-results .search-summary");
            const hits = document.querySelectorAll("#search-results li");
            if (summary && /found/i.test(summary.textContent) && hits.length)
              return [...hits].map(h => h.querySelector("a").getAttribute("href"));
            await new Promise(r => setTimeout(r, 100));
          }
          return [];
        })()
        """)
    finally:
        tab.close()
    assert any(h.startswith("posts/") for h in found), f"search found {found}"


def test_dark_mode_follows_the_reader(server, browser):
    """With the reader's system set to dark, the theme renders the page dark.

    The theme keeps the reader's choice in ``body[data-theme]`` ("auto" until they pick one)
    and, in "auto", follows ``prefers-color-scheme``; the site's colours are the ``--site-*``
    custom properties of ``body`` (docs/_static/site.css).
    """
    tab = browser.open("about:blank")
    try:
        tab.call("Emulation.setEmulatedMedia",
                 {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        tab.call("Page.navigate", {"url": f"{server}posts/{POSTS[0]}.html"})
        browser.wait_for("Page.loadEventFired", tab.session)
        theme = tab.evaluate("""
        (async () => {
          await document.fonts.ready;
          const style = getComputedStyle(document.body);
          return [document.body.dataset.theme, style.getPropertyValue("--site-background").trim(),
                  style.backgroundColor, style.getPropertyValue("--site-text").trim()];
        })()
        """)
        tab.screenshot(SCREENSHOTS / f"posts-{POSTS[0]}-dark.png", 1600)
    finally:
        tab.close()
    assert theme[0] == "auto", theme
    red, green, blue = (int(c) for c in theme[2][theme[2].index("(") + 1 : -1].split(",")[:3])
    assert red + green + blue < 200, f"dark mode background is {theme[2]}"
    assert theme[1] and theme[3], "the --site-* colours a widget uses are defined"


# Posts whose source embeds an animation player (reluineq.animation.animation_html).
ANIMATED = sorted(
    p for p in POSTS if "animation_html(" in (ROOT / "docs" / "posts" / f"{p}.md").read_text()
)


def test_some_post_has_an_animation():
    assert ANIMATED, "the function-approximators post embeds an animation"


@pytest.mark.parametrize("post", ANIMATED)
def test_animation_plays_offline(server, browser, post):
    """Press Play on every animation: its frames (image files) change, the slider follows,
    and Pause stops it. Frames load only once the reader starts the animation."""
    tab = browser.open(f"{server}posts/{post}.html")
    try:
        seen = tab.evaluate("""
        (async () => {
          const results = [];
          const pngs = () => performance.getEntriesByType("resource")
            .filter(e => e.name.endsWith(".png")).length;
          for (const player of document.querySelectorAll(".reluineq-animation")) {
            const img = player.querySelector("img");
            const slider = player.querySelector("input[type=range]");
            const label = document.querySelector(`label[for="${slider.id}"]`);
            const play = player.querySelector("button[data-action=play]");
            const before = pngs();
            const frames = new Set(), values = new Set();
            play.click();
            for (let i = 0; i < 60 && frames.size < 3; i++) {
              await new Promise(r => setTimeout(r, 100));
              if (img.complete && img.naturalWidth > 0) frames.add(img.src);
              values.add(slider.value);
            }
            const pressed = play.getAttribute("aria-pressed");
            play.click();
            const stopped = slider.value;
            await new Promise(r => setTimeout(r, 1500));
            results.push({frames: frames.size, values: values.size, max: slider.max,
                          alt: img.alt, label: label && label.textContent,
                          width: img.getAttribute("width"), inline: img.src.startsWith("data:"),
                          pressed, paused: slider.value === stopped,
                          loadedOnPlay: pngs() - before});
          }
          return results;
        })()
        """)
        requests = [e["request"]["url"] for e in tab.events("Network.requestWillBeSent")]
    finally:
        tab.close()
    assert seen, f"no animation player found on {post}"
    for player in seen:
        assert player["frames"] >= 3 and player["values"] >= 3, f"animation did not play: {player}"
        assert int(player["max"]) >= 2 and player["alt"].strip(), player
        assert player["label"] == "Frame", "the slider has a visible label"
        assert player["width"] and not player["inline"], "frames are image files with a size"
        assert player["pressed"] == "true" and player["paused"], "Play toggles to Pause and back"
        assert player["loadedOnPlay"] >= 2, "the other frames load when the reader presses Play"
    assert all(u.startswith((server, "data:", "blob:")) for u in requests), requests
