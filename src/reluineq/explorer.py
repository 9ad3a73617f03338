"""The in-page region explorer: its preset networks and the HTML an article embeds.

The explorer itself is plain JavaScript under ``docs/_static/explorer/``: ``regions.js``
finds the activation regions of a 2-input network that :func:`reluineq.regions` finds, with the
same conventions, ``train.js`` fits a network to a toy dataset, and ``explorer.js`` draws
the regions and lets the reader move them. The Node tests in ``tests/js/`` check the engine
against the library on :data:`PRESETS` and some seventy other networks.
"""

from __future__ import annotations

import json
from fractions import Fraction
from html import escape
from typing import Any

from . import validate
from .network import Network
from .rational import is_exact, to_fraction
from .regions import regions

__all__ = ["MAX_REGIONS", "PRESETS", "html"]

_HALF = Fraction(1, 2)

#: The articles' 2-input networks, each with the box its article draws it in: name ->
#: (network, box). The explorer offers them as presets.
PRESETS: dict[str, tuple[Network, list[tuple[int, int]]]] = {
    # "A stack of inequalities", step 2: three lines x1 = 0, x2 = 0, x1 + x2 = 1.
    "Three lines (a stack of inequalities)": (
        Network.from_arrays([[[1, 0], [0, 1], [1, 1]], [[1, -1, 1]]], [[0, 0, -1], [0]],
                            ["relu", "identity"]),
        [(-3, 3), (-3, 3)],
    ),
    # "A stack of inequalities", step 3: a second layer whose lines bend at the first's.
    "Nested lines (a stack of inequalities)": (
        Network.from_arrays(
            [[[1, 0], [0, 1], [1, 1]], [[1, -1, 1], [-1, 2, -1]], [[1, -1]]],
            [[0, 0, -1], [-_HALF, 1], [0]],
            ["relu", "relu", "identity"],
        ),
        [(-3, 3), (-3, 3)],
    ),
    # "ReLU as an if-statement": the network compiled to a program.
    "The if-statement network": (
        Network.from_arrays(
            [[[1, 0], [0, 1], [1, 1]], [[1, -1, 2], [-1, 1, 1]], [[1, 2]]],
            [[0, 0, -1], [0, -1], [0]],
            ["relu", "relu", "identity"],
        ),
        [(-2, 2), (-2, 2)],
    ),
    # "Optimising over a ReLU network is linear programming": the network it maximises.
    "The network to optimise (LP)": (
        Network.from_arrays([[[1, 1], [2, 0], [0, 2]], [[1, -2, -2]]], [[2, -1, -1], [0]],
                            ["relu", "identity"]),
        [(-2, 2), (-2, 2)],
    ),
}

#: Most regions the explorer draws (as ``LIMITS.regions`` in explorer.js); :func:`html`
#: refuses a network with more inside its box.
MAX_REGIONS = 50_000

#: Loads explorer.js relative to the page's root (``data-content_root``, which Sphinx
#: writes on ``<html>``) and mounts each explorer on the page when it comes near the screen:
#: the page loads without running any explorer's code, and a reader who scrolls on computes
#: the regions of one explorer at a time (module scripts already wait for the page to be
#: parsed). Each copy watches the explorers no copy watches yet, so repeating it is harmless.
_LOADER = (
    '<script type="module">'
    'const root = new URL(document.documentElement.dataset.content_root ?? "./", location.href);'
    "const near = new IntersectionObserver((seen) => {"
    "for (const e of seen) if (e.isIntersecting) {"
    "near.unobserve(e.target);"
    "import(new URL({script}, root).href).then((m) => m.mount(e.target));"
    '}}, {rootMargin: "50% 0px"});'
    'for (const e of document.querySelectorAll(".reluineq-explorer")) '
    "if (!e.rxWatched) { e.rxWatched = true; near.observe(e); }"
    "</script>"
)


def _number(v: Any) -> Any:
    """A bound as JSON: exact numbers as integers or strings ("3/4"), floats as floats."""
    if is_exact(v):
        v = to_fraction(v)
        return int(v) if v.denominator == 1 else str(v)
    return float(v)


def _box_json(box: Any, net: Network) -> list[list[Any]]:
    validate.box(box, 2, net.exact)  # raises on a malformed box, naming the problem
    return [[_number(v) for v in pair] for pair in box]


def _check(net: Network, where: str) -> None:
    validate.network(net)
    if net.n_inputs != 2:
        raise ValueError(f"{where}: the explorer draws 2-input networks, this one has "
                         f"{net.n_inputs} inputs")
    # The in-browser engine knows the two slope pairs of relu and identity layers.
    for k, lay in enumerate(net.layers):
        if lay.act.slopes not in ((0, 1), (1, 1)):
            raise ValueError(f"{where}: layer {k} is {lay.activation}; the explorer draws "
                             "networks of relu and identity layers only")


def html(
    net: Network,
    box: Any,
    *,
    label: str = "Region explorer",
    presets: dict[str, tuple[Network, Any]] | None = None,
    train: bool = True,
    script: str = "_static/explorer/explorer.js",
) -> str:
    """The region explorer for ``net`` in ``box``, as HTML for an article to display.

    The widget draws every activation region of the network, coloured by activation pattern,
    shows a region's inequalities and affine map, and lets the reader drag the first
    layer's lines, move any weight or bias, add and remove units and layers, and train the
    network on toy data. Without JavaScript it is one sentence with the region count.

    Parameters
    ----------
    net
        A 2-input network of ReLU and identity layers. An exact network stays exact in the
        page (its JSON holds fractions) until the reader changes it.
    box
        ``[(x_low, x_high), (y_low, y_high)]``.
    label
        The widget's accessible name; name what it shows when a page has several.
    presets
        Networks the reader can switch to, ``name -> (network, box)``; by default the
        articles' networks, :data:`PRESETS`. Pass ``{}`` for none.
    train
        Whether to offer train mode.
    script
        explorer.js, relative to the site's root; the default is where Sphinx copies
        ``docs/_static/explorer/``.

    Returns
    -------
    str
        HTML: a ``<div class="reluineq-explorer">`` whose ``data-network`` and
        ``data-regions`` attributes hold the network's ``to_dict()`` JSON and its region
        count (the widget keeps them current), and the module script that mounts it.

    Raises
    ------
    TypeError, ValueError
        Not a 2-input ReLU/identity network, a malformed box, or more than
        :data:`MAX_REGIONS` regions.

    Examples
    --------
    >>> name, (net, box) = next(iter(PRESETS.items()))
    >>> page = html(net, box, presets={})
    >>> 'data-regions="7"' in page
    True
    """
    _check(net, "net")
    presets = PRESETS if presets is None else presets
    count = len(regions(net, box, max_regions=MAX_REGIONS))
    preset_json = []
    for name, (p_net, p_box) in presets.items():
        _check(p_net, f"preset {name!r}")
        preset_json.append(
            {"name": name, "network": p_net.to_dict(), "box": _box_json(p_box, p_net)})
    box_json = _box_json(box, net)

    def attr(value: Any) -> str:
        text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        return escape(text, quote=True)

    (x0, x1), (y0, y1) = box_json
    fallback = (
        f"Region explorer: this {'-'.join(map(str, net.widths))} network has {count} activation "
        f"regions in the box [{x0}, {x1}] × [{y0}, {y1}]. Moving its lines needs JavaScript."
    )
    return (
        f'<div class="reluineq-explorer" role="region" aria-label="{attr(label)}" '
        f'data-network="{attr(net.to_dict())}" data-box="{attr(box_json)}" '
        f'data-regions="{count}" data-presets="{attr(preset_json)}" '
        f'data-options="{attr({"train": bool(train)})}">'
        f'<p class="rx-fallback">{escape(fallback)}</p></div>'
        + _LOADER.replace("{script}", json.dumps(script))
    )
