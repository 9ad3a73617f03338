"""Figure text a phone can read: a check that runs inside the notebooks while the site builds.

A figure is shown at the width of the text column, so on a 390 px phone a wide figure is
scaled down and its labels with it. Whether a label stays legible depends on its size in
points and on the figure's width in inches (dots per inch cancel out): on screen it is

    size in px = points / 72 * column px / figure width in inches

(when the figure is wider than the column). The site's notebooks run with matplotlib's
``figure.hooks`` set to :func:`attach` (``docs/_ext/matplotlibrc``), which checks every figure
each time it is drawn and prints the labels that would be smaller than ``MIN_PX`` on a phone
to stderr. The build turns any stderr output of a cell into a warning, and so into a failed
build (``nb_output_stderr = "warn"`` with ``-W``).
"""

from __future__ import annotations

import sys
from typing import Any

#: Width of the text column on a 390 px wide phone, in CSS px (the theme's 1 rem margins).
PHONE_COLUMN_PX = 358
#: Smallest legible text in a figure, in CSS px: about 7 pt in print, the usual floor for
#: figure labels in journals.
MIN_PX = 9.0

__all__ = ["MIN_PX", "PHONE_COLUMN_PX", "attach", "small_texts"]


def small_texts(fig: Any, renderer: Any = None) -> list[tuple[str, float]]:
    """The visible texts of ``fig`` that a phone would show smaller than ``MIN_PX``.

    Returns ``(text, size in px on the phone)`` pairs, smallest first.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(8, 3), dpi=100)
    >>> _ = ax.set_title("wide", fontsize=10)
    >>> round(dict(small_texts(fig))["wide"], 1)  # 10/72 * 100 px, scaled by 358/663
    7.5
    >>> fig.set_size_inches(3.5, 3)  # narrower than the column: shown at its own size
    >>> small_texts(fig)
    []
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    if renderer is None:
        renderer = fig.canvas.get_renderer()
    dpi = fig.dpi
    width_px = float(fig.get_tightbbox(renderer).width) * dpi
    scale = min(1.0, PHONE_COLUMN_PX / width_px) if width_px > 0 else 1.0
    found: dict[str, float] = {}
    for text in fig.findobj(Text):
        label = text.get_text().strip()
        if not label or not text.get_visible() or not text.get_figure():
            continue
        # The PNG has `dpi` pixels per inch and is shown at one image pixel per CSS px,
        # scaled down to the column when it is wider.
        px = float(text.get_fontsize()) / 72 * dpi * scale
        if px < MIN_PX:
            found[label] = min(px, found.get(label, px))
    return sorted(found.items(), key=lambda item: item[1])


def _report(event: Any) -> None:
    fig = event.canvas.figure
    small = small_texts(fig, event.renderer)
    key = tuple(small)
    if small and getattr(fig, "_phonefigures_reported", None) != key:
        fig._phonefigures_reported = key
        width, height = fig.get_size_inches()
        listed = ", ".join(f"{text!r} ({px:.1f} px)" for text, px in small[:6])
        print(
            f"phonefigures: a {width:g} x {height:g} in figure shows text below {MIN_PX:g} px "
            f"on a 390 px phone: {listed}. Make the figure narrower or its fonts larger.",
            file=sys.stderr,
        )


def attach(fig: Any) -> None:
    """matplotlib ``figure.hooks`` entry: check ``fig`` whenever it is drawn.

    >>> import contextlib, io
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(figsize=(10, 2), dpi=50)
    >>> attach(fig)
    >>> _ = fig.text(0.1, 0.5, "tiny label", fontsize=8)
    >>> err = io.StringIO()
    >>> with contextlib.redirect_stderr(err):
    ...     fig.canvas.draw()
    >>> "below 9 px on a 390 px phone: 'tiny label'" in err.getvalue()
    True
    >>> plt.close(fig)
    """
    fig.canvas.mpl_connect("draw_event", _report)
