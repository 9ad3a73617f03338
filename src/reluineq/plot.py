"""Figures: linear regions, unit hyperplanes, breakpoints, surfaces, fits and activations.

The figures are drawn by the modules of :mod:`reluineq.figures`; this module gathers them
under one name, ``reluineq.plot``, and holds the offline animation player.
"""

from __future__ import annotations

from typing import Any

from .figures.curves import activation_functions, breakpoints_1d, fit
from .figures.lines import hyperplanes
from .figures.regions import highlight_region, partition
from .figures.style import LINE_COLORS, REGION_COLORS
from .figures.surface import surface

__all__ = [
    "LINE_COLORS",
    "REGION_COLORS",
    "activation_functions",
    "animation_html",
    "breakpoints_1d",
    "fit",
    "highlight_region",
    "hyperplanes",
    "partition",
    "surface",
]

#: matplotlib's player buttons are Font Awesome icons linked from a CDN; these plain-text
#: symbols replace them so that the page needs no network.
_PLAYER_ICONS = {
    "fa-minus": "&#8722;", "fa-fast-backward": "|&#9664;&#9664;",
    "fa-step-backward": "|&#9664;", "fa-play fa-flip-horizontal": "&#9664;",
    "fa-pause": "&#10074;&#10074;", "fa-play": "&#9654;", "fa-step-forward": "&#9654;|",
    "fa-fast-forward": "&#9654;&#9654;|", "fa-plus": "+",
}


def animation_html(anim: Any, name: str, alt: str, *, default_mode: str = "loop") -> str:
    """A matplotlib animation as HTML that plays offline and is the same on every build.

    ``anim.to_jshtml()`` embeds the frames as PNG data, but it links an icon font from a
    CDN, names its elements with a random id and gives the frame image no alt text. This
    replaces the icons by plain-text symbols, the id by ``name`` and adds ``alt``.

    Parameters
    ----------
    anim
        A ``matplotlib.animation.Animation``.
    name
        Letters, digits and underscores: the player's element ids and its JavaScript
        object ``anim_<name>`` are built from it, so it must be unique on the page.
    alt
        What the animation shows, for readers who cannot see it.
    default_mode
        ``"loop"``, ``"once"`` or ``"reflect"``, as in ``to_jshtml``.

    Returns
    -------
    str
        The player, to show with ``IPython.display.HTML``.

    Raises
    ------
    ValueError
        An unusable ``name``, an empty ``alt``, or a player that no longer looks like
        matplotlib's (an icon or an id this function does not know).
    """
    import re

    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ValueError(f"name must be letters, digits and underscores, got {name!r}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must describe the animation, got an empty text")
    html = anim.to_jshtml(default_mode=default_mode)
    html = re.sub(r"<link[^>]*font-awesome[^>]*>", "", html)

    def icon(m: re.Match) -> str:
        if m.group(1) not in _PLAYER_ICONS:
            raise ValueError(f"unknown player icon {m.group(1)!r} in matplotlib's HTML")
        return _PLAYER_ICONS[m.group(1)]

    html = re.sub(r'<i class="fa ([^"]*)"></i>', icon, html)
    found = re.search(r'<img id="_anim_img([0-9a-f]{32})"', html)
    if found is None:
        raise ValueError("no frame image with matplotlib's random id in the player's HTML")
    html = html.replace(found.group(1), f"_{name}")
    escaped = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return html.replace(f'<img id="_anim_img_{name}"',
                        f'<img id="_anim_img_{name}" alt="{escaped}"', 1)
