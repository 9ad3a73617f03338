"""The built site in headless Chromium: math typeset with KaTeX's fonts, images loaded, links
resolve, nothing fetched from outside the site, search works. Screenshots of the home page and
every post go to ``_build/screenshots``.

Chromium is driven through the DevTools protocol over a websocket by the project's one client,
``bench/explorer_chromium.py``; no browser is downloaded. The site is served from a thread on
127.0.0.1; Chromium's background networking is switched off.
"""

import pytest
from explorer_chromium import Chromium, Tab  # bench/, on the path by conftest.py
from sitepaths import POSTS, ROOT, SCREENSHOTS

PAGES = ["index.html", "blog.html", "api.html", "authors-guide.html"] + [
    f"posts/{p}.html" for p in POSTS
]
WIDTH, HEIGHT = 1280, 2400
#: The first screen of a tall laptop or desktop window, in CSS pixels at WIDTH; a phone's is
#: shorter, and its narrow column pushes every image further down.
FIRST_SCREEN = 1080

# Runs in each page after load: what the reader would see.
PAGE_REPORT = r"""
(async () => {
  // Where the first image starts, before anything is loaded (images carry their size).
  const tops = [...document.images].map(i => i.getBoundingClientRect().top + scrollY);
  const lazy = [...document.images].map(i => i.loading);
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
    firstImageTop: tops.length ? Math.min(...tops) : null,
    loading: lazy,
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


def open_tab(browser: Chromium, url: str) -> Tab:
    return browser.open(url, WIDTH, HEIGHT)


@pytest.mark.parametrize("page", PAGES)
def test_page_in_browser(server, browser, page):
    tab = open_tab(browser, server + page)
    try:
        report = tab.js(PAGE_REPORT)
        requests = [e["request"]["url"] for e in tab.events("Network.requestWillBeSent")]
        failed = [e.get("errorText") for e in tab.events("Network.loadingFailed")]
        statuses = [(e["response"]["url"], e["response"]["status"])
                    for e in tab.events("Network.responseReceived")]
        exceptions = tab.events("Runtime.exceptionThrown")
        if page == "index.html" or page.startswith("posts/"):
            tab.screenshot(SCREENSHOTS / (page.replace("/", "-").removesuffix(".html") + ".png"))
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
    # Every image loads lazily, which is right only while none is in the first screen: an
    # image there would be the page's largest paint, and should load at once.
    assert set(report["loading"]) <= {"lazy"}, report["loading"]
    if report["firstImageTop"] is not None:
        assert report["firstImageTop"] > FIRST_SCREEN, (
            f"an image starts {report['firstImageTop']:.0f} px down, in the first screen; "
            "load it eagerly (docs/_ext/pagemarkup.py)")
    assert not report["broken"], f"links that lead nowhere: {report['broken']}"
    assert report["themeSwitch"] and report["theme"] in {"light", "dark", "auto"}, "no dark mode"
    assert report["copyButtons"] >= report["codeBlocks"], "code blocks without copy buttons"
    for closed, opened in report["toggles"]:
        assert closed.startswith("Show") and "Hide" not in closed, f"closed toggle: {closed!r}"
        assert opened.startswith("Hide") and "Show" not in opened, f"open toggle: {opened!r}"


@pytest.mark.parametrize("post", POSTS)
def test_post_renders_math_and_figures(server, browser, post):
    tab = open_tab(browser, f"{server}posts/{post}.html")
    try:
        report = tab.js(PAGE_REPORT)
    finally:
        tab.close()
    assert report["maths"] > 0 and report["images"], "a post shows computed math and figures"


def test_search_finds_posts(server, browser):
    tab = open_tab(browser, f"{server}search.html?q=network")
    try:
        found = tab.js("""
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
    tab = open_tab(browser, "about:blank")
    try:
        tab.call("Emulation.setEmulatedMedia",
                 {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        tab.call("Page.navigate", {"url": f"{server}posts/{POSTS[0]}.html"})
        browser.wait_for("Page.loadEventFired", tab.session)
        theme = tab.js("""
        (async () => {
          await document.fonts.ready;
          const style = getComputedStyle(document.body);
          return [document.body.dataset.theme, style.getPropertyValue("--site-background").trim(),
                  style.backgroundColor, style.getPropertyValue("--site-text").trim()];
        })()
        """)
        tab.screenshot(SCREENSHOTS / f"posts-{POSTS[0]}-dark.png")
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
    tab = open_tab(browser, f"{server}posts/{post}.html")
    try:
        seen = tab.js("""
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
