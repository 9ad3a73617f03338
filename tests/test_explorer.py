"""reluineq.explorer: the HTML that embeds the region explorer, and its presets."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reluineq import Network, TooManyRegionsError, explorer, regions

ROOT = Path(__file__).resolve().parents[1]
EXPLORER_JS = ROOT / "docs" / "_static" / "explorer" / "explorer.js"


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(page: str) -> tuple[dict[str, str | None], _Elements]:
    elements = _Elements()
    elements.feed(page)
    roots = [a for t, a in elements.tags if "reluineq-explorer" in (a.get("class") or "").split()]
    assert len(roots) == 1
    return roots[0], elements


def nested() -> tuple[Network, list[tuple[int, int]]]:
    return explorer.PRESETS["Nested lines (a stack of inequalities)"]


def test_the_root_carries_the_network_and_its_region_count() -> None:
    net, box = nested()
    root, _ = parse(explorer.html(net, box))
    assert Network.from_dict(json.loads(root["data-network"])).to_dict() == net.to_dict()
    # Exact weights travel as fractions, so the page's network is the article's exactly.
    assert "-1/2" in root["data-network"]
    assert json.loads(root["data-box"]) == [[-3, 3], [-3, 3]]
    assert root["data-regions"] == str(len(regions(net, box))) == "12"
    assert root["role"] == "region" and root["aria-label"] == "Region explorer"


def test_float_networks_and_boxes_travel_as_floats() -> None:
    net = Network.random([2, 5, 5, 1], seed=3)
    box = [(-1.5, 2.0), (Fraction(-1, 3), 1)]
    root, _ = parse(explorer.html(net, box, presets={}))
    assert json.loads(root["data-network"]) == net.to_dict()
    assert json.loads(root["data-box"]) == [[-1.5, 2.0], ["-1/3", 1]]
    assert int(root["data-regions"]) == len(regions(net, box))
    assert json.loads(root["data-presets"]) == []


def test_presets_are_the_articles_networks_by_default() -> None:
    net, box = nested()
    root, _ = parse(explorer.html(net, box))
    presets = json.loads(root["data-presets"])
    assert [p["name"] for p in presets] == list(explorer.PRESETS)
    for p in presets:
        want_net, want_box = explorer.PRESETS[p["name"]]
        assert Network.from_dict(p["network"]).to_dict() == want_net.to_dict()
        assert p["box"] == [list(pair) for pair in want_box]
    # Train mode can be left out.
    root, _ = parse(explorer.html(net, box, train=False))
    assert json.loads(root["data-options"]) == {"train": False}


def test_the_presets_are_exact_2_input_relu_networks() -> None:
    for name, (net, box) in explorer.PRESETS.items():
        assert net.exact and net.n_inputs == 2, name
        assert set(net.activations) <= {"relu", "identity"}, name
        assert len(regions(net, box)) >= 4, name


def test_the_loader_is_a_module_script_that_fetches_nothing_from_elsewhere() -> None:
    net, box = nested()
    page = explorer.html(net, box)
    _, elements = parse(page)
    scripts = [a for t, a in elements.tags if t == "script"]
    assert scripts == [{"type": "module"}]
    (code,) = elements.scripts
    assert '"_static/explorer/explorer.js"' in code and "m.mount(" in code
    assert "content_root" in code
    assert not re.search(r"https?:", page)
    custom = explorer.html(net, box, script="assets/explorer.js")
    assert '"assets/explorer.js"' in custom


def test_text_is_escaped_and_the_output_is_the_same_every_time() -> None:
    net, box = nested()
    page = explorer.html(net, box, label='A "quoted" <label> & more')
    root, _ = parse(page)
    assert root["aria-label"] == 'A "quoted" <label> & more'
    assert "<label>" not in page
    assert page == explorer.html(net, box, label='A "quoted" <label> & more')


def test_without_javascript_a_sentence_gives_the_count() -> None:
    net, box = nested()
    page = explorer.html(net, box)
    assert "this 2-3-2-1 network has 12 activation regions in the box [-3, 3] × [-3, 3]" in page


@pytest.mark.parametrize(
    ("net", "box", "error", "message"),
    [
        (Network.random([3, 4, 1], seed=0), [(-1, 1)] * 3, ValueError, "2-input networks"),
        (Network.random([2, 4, 1], seed=0, hidden="sigmoid"), [(-1, 1)] * 2, ValueError,
         "sigmoid"),
        (Network.random([2, 4, 1], seed=0), [(-1, 1)], ValueError, "box has 1 intervals"),
        (Network.random([2, 4, 1], seed=0), [(1, -1), (0, 1)], ValueError, "empty or flat"),
        ({"layers": []}, [(-1, 1)] * 2, TypeError, "expected a reluineq.Network"),
    ],
)
def test_bad_input_is_refused_with_a_message(net, box, error, message) -> None:
    with pytest.raises(error, match=message):
        explorer.html(net, box)


def test_a_bad_preset_is_named() -> None:
    net, box = nested()
    bad = {"three inputs": (Network.random([3, 2, 1], seed=0), [(-1, 1)] * 3)}
    with pytest.raises(ValueError, match="preset 'three inputs'"):
        explorer.html(net, box, presets=bad)


def test_too_many_regions_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    net, box = nested()
    monkeypatch.setattr(explorer, "MAX_REGIONS", 5)
    with pytest.raises(TooManyRegionsError):
        explorer.html(net, box)


def test_the_limit_is_the_widgets() -> None:
    # The widget draws at most LIMITS.regions regions; html() refuses more, the same number.
    found = re.search(r"regions: (\d+) }\);", EXPLORER_JS.read_text())
    assert found and int(found.group(1)) == explorer.MAX_REGIONS


def test_the_benchmark_still_imports() -> None:
    # bench/explorer.py borrows run.py's tools; a rename there must not break it silently.
    path = ROOT / "bench" / "explorer.py"
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location("bench_explorer", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    assert callable(module.main) and module.SHAPES[-1] == (2, 32, 32, 1)
