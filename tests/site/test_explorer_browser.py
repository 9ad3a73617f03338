"""The region explorer in headless Chromium, driven as a reader drives it.

The page is a small standalone one (``bench/explorer_chromium.write_page``): the widget of
``reluineq.explorer.html`` for the nested network of "A stack of inequalities", with the
site's ``_static`` layout, served from 127.0.0.1. Real mouse, touch and key input moves
sliders and lines; after each change the widget's ``data-regions`` must equal what
``reluineq.regions`` counts for its ``data-network``. Train mode must lower the loss, keep at
most one animation frame in flight and stop while out of view; the colours must follow the
page's dark mode; and no request may leave the page's server. Screenshots at 1280 and 390 px
go to ``_build/screenshots/explorer-*.png``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from explorer_chromium import Chromium, Tab, serve, write_page  # noqa: E402

from reluineq import Network, explorer, regions  # noqa: E402

SCREENSHOTS = ROOT / "_build" / "screenshots"
PRESET = "Nested lines (a stack of inequalities)"
ROOT_EL = "document.querySelector('.reluineq-explorer')"
WIDGET = f"{ROOT_EL}.explorer"

# Counts the animation frames requested and not yet run, before the page's scripts start.
FRAME_COUNTER = """
window.frames_ = {inFlight: 0, most: 0};
const request = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (callback) => {
  frames_.inFlight++;
  frames_.most = Math.max(frames_.most, frames_.inFlight);
  return request((t) => { frames_.inFlight--; callback(t); });
};
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory):
    site = tmp_path_factory.mktemp("explorer-site")
    net, box = explorer.PRESETS[PRESET]
    body = (
        "<p>The explorer below shows the nested network.</p>\n"
        + explorer.html(net, box, label="Explorer: the nested network")
        + '\n<div style="height: 4000px" aria-hidden="true"></div>\n<p id="end">The end.</p>'
    )
    write_page(site, body, title="The region explorer")
    with serve(site) as url:
        yield url + "index.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    try:
        chromium = Chromium(tmp_path_factory.mktemp("explorer-profile"))
    except (FileNotFoundError, RuntimeError) as error:
        pytest.fail(str(error))
    yield chromium
    chromium.close()


def open_page(browser: Chromium, url: str, width: int = 1280, height: int = 1000,
              mobile: bool = False) -> Tab:
    tab = browser.open(url, width, height, mobile=mobile, before_load=FRAME_COUNTER)
    tab.wait(f"!!{WIDGET}")
    settle(tab)
    return tab


def settle(tab: Tab) -> None:
    """Wait until the widget has drawn what it was asked to (two animation frames)."""
    tab.js("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def state(tab: Tab) -> dict:
    return tab.js(f"Object.assign({{}}, {ROOT_EL}.dataset)")


def library_count(data: dict) -> int:
    """What reluineq counts for the network and box the widget says it shows."""
    net = Network.from_dict(json.loads(data["network"]))
    box = [tuple(pair) for pair in json.loads(data["box"])]
    return len(regions(net, box))


def centre(tab: Tab, selector: str, index: int = 0) -> tuple[float, float]:
    return tuple(tab.js(
        f"(() => {{ const r = document.querySelectorAll({json.dumps(selector)})[{index}]"
        ".getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()"))


def map_point(tab: Tab, fx: float, fy: float) -> tuple[tuple[float, float], list[float]]:
    """A point a fraction (fx, fy) across the map: page pixels and box coordinates."""
    left, top, width, height = tab.js(
        "(() => { const r = document.querySelector('.rx-map').getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height]; })()")
    (x0, x1), (y0, y1) = json.loads(state(tab)["box"])
    return (left + fx * width, top + fy * height), [x0 + fx * (x1 - x0), y1 - fy * (y1 - y0)]


def button(tab: Tab, text: str) -> tuple[float, float]:
    """The centre of the widget's button with this text, scrolled into view."""
    return tuple(tab.js(
        f"(() => {{ const b = [...{ROOT_EL}.querySelectorAll('button')]"
        f".find((b) => b.textContent === {json.dumps(text)});"
        " b.scrollIntoView({block: 'center'}); const r = b.getBoundingClientRect();"
        " return [r.left + r.width / 2, r.top + r.height / 2]; })()"))


def click(tab: Tab, point: tuple[float, float]) -> None:
    tab.mouse("mouseMoved", *point)
    tab.mouse("mousePressed", *point, buttons=1)
    tab.mouse("mouseReleased", *point)
    settle(tab)


def choose(tab: Tab, select: str, value: str) -> None:
    """Pick an option of one of the widget's selects (a reader's change event)."""
    tab.js(f"(() => {{ const s = {WIDGET}.{select}; s.value = {json.dumps(value)};"
           " s.dispatchEvent(new Event('change', {bubbles: true})); })()")
    settle(tab)


def test_the_widget_shows_the_regions_reluineq_finds(browser: Chromium, page: str) -> None:
    tab = open_page(browser, page)
    data = state(tab)
    net, box = explorer.PRESETS[PRESET]
    assert json.loads(data["network"]) == net.to_dict()  # exact: fractions as strings
    assert int(data["regions"]) == library_count(data) == len(regions(net, box)) == 12
    assert tab.js("document.querySelector('.rx-count strong').textContent") == "12"
    assert tab.js("document.querySelectorAll('.rx-fallback').length") == 0
    tab.screenshot(SCREENSHOTS / "explorer-1280.png", ".reluineq-explorer")


def test_a_slider_moves_a_unit_and_the_count_follows(browser: Chromium, page: str) -> None:
    tab = open_page(browser, page)
    before = state(tab)
    # Layer 1, unit 2 is the line x2 = 0; its bias slider's End key moves it to b = 3,
    # the line x2 = -3 along the box's lower edge, which no longer cuts the box.
    choose(tab, "unitSelect", "1")
    tab.js("document.querySelectorAll('.rx-slider input')[2].focus()")
    tab.key("End", "End", 35)
    settle(tab)
    after = state(tab)
    layer = json.loads(after["network"])["layers"][0]
    assert layer["bias"][1] == 3
    assert layer["weight"] == [[1, 0], [0, 1], [1, 1]]
    assert after["regions"] != before["regions"]
    assert int(after["regions"]) == library_count(after)
    # Arrow keys step by 0.01.
    for _ in range(20):
        tab.key("ArrowLeft", "ArrowLeft", 37)
    settle(tab)
    stepped = state(tab)
    assert json.loads(stepped["network"])["layers"][0]["bias"][1] == pytest.approx(2.8)
    assert int(stepped["regions"]) == library_count(stepped)


def test_dragging_a_line_moves_it_and_the_count_follows(browser: Chromium, page: str) -> None:
    tab = open_page(browser, page)
    before = state(tab)
    start = centre(tab, ".rx-handle.rx-move .rx-dot", 0)  # layer 1, unit 1: the line x1 = 0
    tab.drag(start, (start[0] + 60, start[1] + 25))
    settle(tab)
    after = state(tab)
    layer = json.loads(after["network"])["layers"][0]
    assert layer["weight"][0] == [1, 0]  # moved, not turned
    assert layer["bias"][0] < -0.5  # the line x1 = -b moved right
    assert after["regions"] != before["regions"] or after["network"] != before["network"]
    assert int(after["regions"]) == library_count(after)
    # The ring turns the same line about its dot.
    turn = centre(tab, ".rx-handle.rx-rotate .rx-dot", 0)
    tab.drag(turn, (turn[0] + 40, turn[1] + 40))
    settle(tab)
    turned = state(tab)
    w = json.loads(turned["network"])["layers"][0]["weight"][0]
    assert w[1] != 0 and abs(w[0] ** 2 + w[1] ** 2 - 1) < 1e-9  # turned, same length
    assert int(turned["regions"]) == library_count(turned)
    status = tab.js("document.querySelector('.rx-status').textContent")
    assert "Moved the line of layer 1, unit 1" in status


def test_the_keyboard_steps_through_every_region(browser: Chromium, page: str) -> None:
    tab = open_page(browser, page)
    net, box = explorer.PRESETS[PRESET]
    found = {r.pattern: r for r in regions(net, box)}
    tab.js("document.querySelector('.rx-map').focus()")
    seen = set()
    for i in range(len(found)):
        tab.key("ArrowRight", "ArrowRight", 39)
        settle(tab)
        heading = tab.wait("document.querySelector('.rx-details .rx-heading')?.textContent")
        assert heading == f"Region {i + 1} of {len(found)}"
        bits = tab.js("document.querySelector('.rx-details .rx-pattern').textContent")
        pattern = tuple(int(b) for b in bits if b in "01")
        assert pattern in found
        seen.add(pattern)
        # The system shown is the library's: as many inequalities, typeset by KaTeX.
        count = tab.js("document.querySelectorAll('.rx-details .rx-system')[0].children.length")
        assert count == len(found[pattern].A)
        tab.wait("document.querySelectorAll('.rx-details .katex').length > 0")
    assert seen == set(found)
    assert tab.js("document.querySelectorAll('.katex-error').length") == 0
    # The affine map on the last region, as typeset (KaTeX keeps the TeX), is the library's.
    (tex,) = [t for t in tab.js(
        "[...document.querySelectorAll('.rx-details annotation')].map(a => a.textContent)")
        if t.startswith("f(x) = ")]
    m, d = found[pattern].M[0], found[pattern].d[0]
    assert affine_from_tex(tex) == (m[0], m[1], d)


def affine_from_tex(tex: str) -> tuple[Fraction, Fraction, Fraction]:
    """``f(x) = 4\\,x_{1} - x_{2} - \\tfrac{7}{2}`` read back as (4, -1, -7/2)."""
    coefs = {"1": Fraction(0), "2": Fraction(0), "": Fraction(0)}
    rhs = tex.split("=", 1)[1].replace(" ", "")
    term = re.compile(r"([+-]?)(\\tfrac\{(\d+)\}\{(\d+)\}|\d+(?:\.\d+)?)?(?:\\,)?(?:x_\{(\d)\})?")
    at = 0
    while at < len(rhs):
        match = term.match(rhs, at)
        assert match and match.end() > at, f"cannot read {rhs[at:]!r} in {tex!r}"
        sign, number, p, q, var = match.groups()
        value = Fraction(int(p), int(q)) if p else Fraction(number) if number else Fraction(1)
        coefs[var or ""] += -value if sign == "-" else value
        at = match.end()
    return coefs["1"], coefs["2"], coefs[""]


def test_touch_at_phone_width(browser: Chromium, page: str) -> None:
    tab = open_page(browser, page, 390, 844, mobile=True)
    assert tab.js("document.documentElement.scrollWidth") <= 390  # nothing wider than a phone
    net = explorer.PRESETS[PRESET][0]
    # A tap selects the region under the finger.
    (px, py), point = map_point(tab, 0.8, 0.2)
    tab.tap(px, py)
    settle(tab)
    bits = tab.wait("document.querySelector('.rx-details .rx-pattern')?.textContent")
    assert tuple(int(b) for b in bits if b in "01") == net.pattern(point)
    # A drag with one finger moves a line and does not scroll the page.
    before = state(tab)
    scroll = tab.js("scrollY")
    start = centre(tab, ".rx-handle.rx-move .rx-dot", 1)
    tab.touch_drag(start, (start[0], start[1] - 30))
    settle(tab)
    after = state(tab)
    assert tab.js("scrollY") == scroll
    assert json.loads(after["network"])["layers"][0] != json.loads(before["network"])["layers"][0]
    assert int(after["regions"]) == library_count(after)
    tab.screenshot(SCREENSHOTS / "explorer-390.png", ".reluineq-explorer")


def test_units_and_layers_can_be_added_and_removed(browser: Chromium, page: str) -> None:
    tab = open_page(browser, page)
    arch = "document.querySelector('.rx-arch').textContent"
    click(tab, button(tab, "Add unit"))
    assert tab.js(arch) == "2 → 4 → 2 → 1"
    data = state(tab)
    assert int(data["regions"]) == library_count(data)
    click(tab, button(tab, "Remove unit"))
    assert tab.js(arch) == "2 → 3 → 2 → 1"
    # An added layer starts as the identity on the last one's outputs: the same regions.
    before = state(tab)
    click(tab, button(tab, "Add layer"))
    after = state(tab)
    assert tab.js(arch) == "2 → 3 → 2 → 2 → 1"
    assert after["regions"] == before["regions"]
    assert int(after["regions"]) == library_count(after)
    net = Network.from_dict(json.loads(after["network"]))
    old = Network.from_dict(json.loads(before["network"]))
    grid = [[x, y] for x in (-2.5, -1, 0.3, 2) for y in (-2, 0.7, 2.9)]
    assert net.forward(grid) == pytest.approx(old.forward(grid))
    click(tab, button(tab, "Remove layer"))
    assert tab.js(arch) == "2 → 3 → 2 → 1"
    data = state(tab)
    assert int(data["regions"]) == library_count(data)


def test_train_mode_lowers_the_loss_one_frame_at_a_time(browser: Chromium, page: str) -> None:
    tab = open_page(browser, page)
    click(tab, button(tab, "Train"))
    assert state(tab)["mode"] == "train"
    choose(tab, "dataSelect", "moons")
    choose(tab, "widthSelect", "8")
    choose(tab, "speedSelect", "5")
    start = state(tab)
    assert start["steps"] == "0" and json.loads(start["box"]) == [[-3, 3], [-3, 3]]
    first_loss = float(start["loss"])
    click(tab, button(tab, "Play"))
    # From here until the pause the page's only user of animation frames is the widget.
    tab.js("frames_.most = frames_.inFlight")
    tab.wait(f"Number({ROOT_EL}.dataset.steps) >= 300", timeout=60)
    assert tab.js("frames_.most") == 1  # never more than one animation frame in flight
    shown = tab.js("document.querySelector('.rx-loss').textContent")
    click(tab, button(tab, "Pause"))
    data = state(tab)
    assert data["playing"] == "false"
    assert float(data["loss"]) < first_loss / 2
    assert float(shown) < first_loss / 2
    assert int(data["regions"]) == library_count(data)
    # Paused, nothing moves.
    steps = data["steps"]
    time.sleep(0.3)
    assert state(tab)["steps"] == steps
    # The exported JSON is the network drawn, and reluineq reads it.
    assert json.loads(tab.js(f"{WIDGET}.networkJson()")) == json.loads(data["network"])


def test_training_stops_out_of_view(browser: Chromium, page: str) -> None:
    tab = open_page(browser, page)
    click(tab, button(tab, "Train"))
    click(tab, button(tab, "Play"))
    tab.wait(f"Number({ROOT_EL}.dataset.steps) > 20")
    tab.js("document.getElementById('end').scrollIntoView()")
    tab.wait(f"{ROOT_EL}.dataset.inView === 'false'")
    settle(tab)
    away = state(tab)["steps"]
    time.sleep(0.5)
    assert state(tab)["steps"] == away
    assert tab.js("frames_.inFlight") == 0  # not even a frame waiting
    tab.js(f"{ROOT_EL}.scrollIntoView()")
    tab.wait(f"Number({ROOT_EL}.dataset.steps) > {away}")


def test_colours_follow_dark_mode(browser: Chromium, page: str) -> None:
    tab = open_page(browser, page)
    background = f"getComputedStyle({ROOT_EL}).backgroundColor"
    pixel = (f"(() => {{ const c = {ROOT_EL}.querySelector('canvas');"
             " const at = [c.width * 0.8 | 0, c.height * 0.2 | 0];"
             " return [...c.getContext('2d').getImageData(...at, 1, 1).data]; })()")
    light, light_pixel = tab.js(background), tab.js(pixel)
    assert light == "rgb(255, 255, 255)"
    for switch in ("document.documentElement.dataset.theme = 'dark'",
                   "document.body.dataset.theme = 'dark'"):
        tab.js(switch)
        settle(tab)
        assert tab.js(background) == "rgb(22, 24, 28)", switch
        assert tab.js(pixel) != light_pixel, f"the canvas was not redrawn: {switch}"
        tab.js("delete document.documentElement.dataset.theme; delete document.body.dataset.theme")
        settle(tab)
        assert tab.js(background) == light
    tab.call("Emulation.setEmulatedMedia",
             {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    settle(tab)
    assert tab.js(background) == "rgb(22, 24, 28)"
    tab.js("document.documentElement.dataset.theme = 'light'")  # the page's choice wins
    settle(tab)
    assert tab.js(background) == light
    tab.call("Emulation.setEmulatedMedia", {"features": []})


def test_nothing_is_fetched_from_elsewhere(browser: Chromium, page: str) -> None:
    tab = open_page(browser, page)
    tab.js("document.querySelector('.rx-map').focus()")
    tab.key("ArrowRight", "ArrowRight", 39)  # typesets: loads KaTeX and its fonts
    tab.wait("document.querySelectorAll('.rx-details .katex').length > 0")
    tab.js("document.fonts.ready.then(() => true)")
    origin = page.rsplit("/", 1)[0]
    urls = tab.requests()
    assert any(u.endswith("katex.min.js") for u in urls)
    assert any("/katex/fonts/" in u for u in urls)
    assert [u for u in urls if not u.startswith(origin)] == []
