"""The region explorer on the built site, as a reader meets it.

``test_explorer_browser.py`` drives the widget on a standalone page; this file checks the
pages that embed it (``reluineq.explorer.html`` in their notebooks), served from
``_build/html`` as a static host serves them: every explorer mounts and starts from the
count ``reluineq`` gives for the network it says it shows; a slider moved on "Move the lines
yourself" gives the counts the article's prose states; train mode lowers the loss shown;
KaTeX comes from the site's ``_static/katex``; the colours follow the theme's light/dark
switch; the explorer's code loads only once a reader scrolls near an explorer; and no request
leaves the site. axe-core checks these pages with every other page in ``test_audit.py``.
"""

from __future__ import annotations

import json
import re

import pytest
from explorer_chromium import Tab  # bench/, on the path by conftest.py
from sitepaths import ROOT, SCREENSHOTS

from reluineq import Network, regions

ARTICLE = "posts/move-the-lines.html"
# Every page whose source embeds an explorer, found from the sources.
EMBEDDING = sorted(
    f"posts/{p.stem}.html" for p in (ROOT / "docs" / "posts").glob("*.md")
    if "explorer.html(" in p.read_text(encoding="utf-8"))
ALL = "[...document.querySelectorAll('.reluineq-explorer')]"
LIGHT, DARK = "rgb(255, 255, 255)", "rgb(22, 24, 28)"  # --rx-bg in explorer.css


def widget(label: str) -> str:
    """A JavaScript expression for the explorer with this accessible name."""
    return f"document.querySelector('.reluineq-explorer[aria-label={json.dumps(label)}]')"


def settle(tab: Tab) -> None:
    tab.js("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def mount_all(tab: Tab) -> None:
    """Scroll to every explorer in turn (they mount when one comes near) and wait for each."""
    n = tab.js(f"{ALL}.length")
    for i in range(n):
        tab.js(f"{ALL}[{i}].scrollIntoView({{block: 'center'}})")
        tab.wait(f"!!{ALL}[{i}].explorer")
    settle(tab)
    # A mounted explorer is taller than the sentence it replaces, and it settles its size over
    # a few frames (fonts, canvas): wait until the page stops growing or shrinking.
    tab.js("""new Promise((done) => { let last = -1, same = 0;
      const tick = () => { const h = document.documentElement.scrollHeight;
        same = h === last ? same + 1 : 0; last = h;
        if (same >= 5) done(); else setTimeout(tick, 50); };
      tick(); })""")


def bring_into_view(tab: Tab, root: str) -> None:
    tab.js(f"{root}.scrollIntoView({{block: 'center'}})")
    tab.wait(f"{root}.dataset.inView === 'true'")


def library_count(data: dict) -> int:
    net = Network.from_dict(json.loads(data["network"]))
    return len(regions(net, [tuple(pair) for pair in json.loads(data["box"])]))


def outside(requests: list[str], server: str) -> list[str]:
    """The requests that leave the site (inline data: and blob: URLs do not)."""
    return [u for u in requests if not u.startswith((server, "data:", "blob:"))]


def state(tab: Tab, root: str) -> dict:
    return tab.js(f"Object.assign({{}}, {root}.dataset)")


def test_some_pages_embed_the_explorer():
    assert ARTICLE in EMBEDDING
    assert {"posts/stack-of-inequalities.html", "posts/relu-if-statement.html"} <= set(EMBEDDING)


@pytest.mark.parametrize("page", EMBEDDING)
def test_every_explorer_starts_from_the_library_count(server, browser, page):
    tab = browser.open(server + page, 1280, 900)
    try:
        mount_all(tab)
        shown = tab.js(f"{ALL}.map((r) => [Object.assign({{}}, r.dataset),"
                       " r.querySelector('.rx-count strong').textContent])")
        errors = tab.events("Runtime.exceptionThrown")
        requests = tab.requests()
    finally:
        tab.close()
    assert shown
    for data, count in shown:
        assert "error" not in data, data["error"]
        assert int(data["regions"]) == library_count(data) == int(count)
    assert not errors, errors
    assert outside(requests, server) == []


def test_the_explorer_loads_only_near_the_screen(server, browser):
    # The flagship's explorer is far down the page: its code waits until the reader comes.
    tab = browser.open(server + "posts/stack-of-inequalities.html", 1280, 900)
    try:
        tab.js("new Promise((done) => setTimeout(done, 500))")
        before = [u for u in tab.requests() if "/_static/explorer/" in u]
        tab.js(f"{ALL}[0].scrollIntoView()")
        tab.wait(f"!!{ALL}[0].explorer")
        after = [u for u in tab.requests() if "/_static/explorer/" in u]
    finally:
        tab.close()
    assert before == []
    assert any(u.endswith("/_static/explorer/explorer.js") for u in after)


def test_a_slider_gives_the_counts_the_article_states(server, browser):
    """The one-layer explorer: unit 3's bias moved by the keyboard, then to 0 as the prose
    says (three lines through one point); each count is what reluineq counts."""
    tab = browser.open(server + ARTICLE, 1280, 900)
    root = widget("Explorer: one layer of three units")
    try:
        mount_all(tab)
        bring_into_view(tab, root)
        before = state(tab, root)
        tab.js(f"(() => {{ const s = {root}.explorer.unitSelect; s.value = '2';"
               " s.dispatchEvent(new Event('change', {bubbles: true})); })()")
        bias = f"{root}.querySelectorAll('.rx-slider input')[2]"
        tab.js(f"{bias}.focus()")
        tab.key("End", "End", 35)  # b = 3: the line x1 + x2 = -3
        settle(tab)
        moved = state(tab, root)
        # To 0, as a reader drags the thumb: the input event a range input fires.
        tab.js(f"(() => {{ const s = {bias}; s.value = '0';"
               " s.dispatchEvent(new Event('input', {bubbles: true})); })()")
        settle(tab)
        through = state(tab, root)
        shown = tab.js(f"{root}.querySelector('.rx-count strong').textContent")
        article = tab.js("document.querySelector('article').textContent")
    finally:
        tab.close()
    assert json.loads(moved["network"])["layers"][0]["bias"] == [0, 0, 3]
    assert before["regions"] == "7"
    assert int(moved["regions"]) == library_count(moved)
    assert json.loads(through["network"])["layers"][0]["bias"] == [0, 0, 0]
    assert int(through["regions"]) == library_count(through) == int(shown) == 6
    assert "leaving 6 wedges around the origin" in " ".join(article.split())


def test_training_lowers_the_loss_shown(server, browser):
    tab = browser.open(server + ARTICLE, 1280, 900)
    root = widget("Explorer: train a network")
    try:
        mount_all(tab)
        bring_into_view(tab, root)

        def press(text: str) -> None:
            tab.js(f"[...{root}.querySelectorAll('button')]"
                   f".find((b) => b.textContent === {json.dumps(text)}).click()")
            settle(tab)

        press("Train")
        first = float(tab.js(f"{root}.querySelector('.rx-loss').textContent"))
        press("Play")
        tab.wait(f"Number({root}.dataset.steps) >= 200", timeout=60)
        press("Pause")
        shown = float(tab.js(f"{root}.querySelector('.rx-loss').textContent"))
        data = state(tab, root)
        requests = tab.requests()
    finally:
        tab.close()
    assert data["mode"] == "train" and data["playing"] == "false"
    assert shown < first and float(data["loss"]) < first
    assert int(data["regions"]) == library_count(data)
    assert outside(requests, server) == []


def test_regions_are_typeset_with_the_sites_katex(server, browser):
    tab = browser.open(server + ARTICLE, 1280, 900)
    root = widget("Explorer: the nested layer")
    try:
        mount_all(tab)
        tab.js(f"{root}.querySelector('.rx-map').focus()")
        tab.key("ArrowRight", "ArrowRight", 39)
        tab.wait(f"{root}.querySelectorAll('.rx-details .katex').length > 0")
        tab.js("document.fonts.ready.then(() => true)")
        errors = tab.js("document.querySelectorAll('.rx-details .katex-error').length")
        details = tab.js(f"{root}.querySelector('.rx-details').textContent")
        requests = tab.requests()
        tab.screenshot(SCREENSHOTS / "posts-move-the-lines-typeset.png",
                       '.reluineq-explorer[aria-label="Explorer: the nested layer"]')
    finally:
        tab.close()
    assert errors == 0
    assert "Region 1 of 12" in details and "The network on it" in details
    assert not re.search(r"\b(null|undefined|NaN)\b", details), details
    assert f"{server}_static/katex/katex.min.js" in requests
    assert outside(requests, server) == []


def test_colours_follow_the_themes_switch(server, browser):
    """Furo's button cycles body[data-theme]; the explorers' colours follow it."""
    tab = browser.open(server + ARTICLE, 1280, 900)
    background = f"{ALL}.map((r) => getComputedStyle(r).backgroundColor)"
    seen = {}
    try:
        mount_all(tab)
        for _ in range(3):  # auto -> dark -> light -> auto, whichever comes first
            tab.js("document.querySelector('button.theme-toggle').click()")
            settle(tab)
            seen[tab.js("document.body.dataset.theme")] = tab.js(background)
    finally:
        tab.close()
    assert set(seen["dark"]) == {DARK}, seen
    assert set(seen["light"]) == {LIGHT}, seen
