"""Decision regions: the pieces of a classifier's regions coloured by class, with the
decision boundaries drawn on top, and small images drawn at points of a plane."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import validate
from .style import decorate_2d, new_ax, polygon

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["CLASS_COLORS", "decisions", "images_at"]

#: Fill colours of classes: Paul Tol's "muted" scheme, ten colours that stay distinct for
#: colour-blind readers.
CLASS_COLORS: tuple[str, ...] = (
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE",
    "#882255", "#44AA99", "#999933", "#AA4499", "#DDDDDD",
)


def decisions(
    regions: Any,
    ax: Axes | None = None,
    *,
    names: Sequence[str] | None = None,
    colors: Sequence[Any] | None = None,
    legend: bool = True,
    title: str = "class",
    edges: bool = True,
    boundary: Any = "black",
    linewidth: float = 1.6,
) -> Axes:
    """Draw the decision regions of a 2-input classifier, one colour per class.

    Parameters
    ----------
    regions
        What :func:`reluineq.decisions.decision_regions` returned.
    ax
        Axes to draw on; a new figure when ``None``.
    names
        A name per class for the legend (``model.classes_``); the class indices otherwise.
    colors
        A colour per class; :data:`CLASS_COLORS` by default.
    legend, title
        A legend of the classes that occur, and its title.
    edges
        Draw every piece's edges thinly, so the activation regions show inside a class.
    boundary, linewidth
        Colour and width of the decision boundaries: the argmax facets of the pieces.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from reluineq.decisions import decision_regions
    >>> net = reluineq.Network([[[1, 0], [0, 1]], [[1, 0], [0, 1]]], [[0, 0], [0, 0]],
    ...                        ["relu", "identity"])
    >>> ax = decisions(decision_regions(net, [(-1, 1), (-1, 1)]), names=["a", "b"])
    >>> len(ax.collections[0].get_paths())      # five pieces
    5
    >>> len(ax.collections[1].get_segments())   # the diagonal, a facet of both its sides
    2
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['a', 'b']
    >>> plt.close(ax.figure)
    """
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.patches import Patch

    rs = validate.regions(regions)
    if not all(hasattr(r, "label") for r in rs):
        raise TypeError("expected the regions of reluineq.decisions.decision_regions")
    palette = list(colors) if colors is not None else list(CLASS_COLORS)
    classes = sorted({r.label for r in rs})
    if classes[-1] >= len(palette):
        raise ValueError(f"class {classes[-1]} but {len(palette)} colours: pass colors=")
    if names is not None and len(names) <= classes[-1]:
        raise ValueError(f"{len(names)} names for classes up to {classes[-1]}")
    polys = [polygon(r) for r in rs]
    ax = new_ax(ax)
    ax.add_collection(PolyCollection(
        polys, facecolors=[palette[r.label] for r in rs],
        edgecolors="white" if edges else "face", linewidths=0.4 if edges else 0.0, zorder=1))
    ax.add_collection(LineCollection(_boundaries(rs, polys), colors=boundary,
                                     linewidths=linewidth, zorder=2))
    if legend:
        label = (lambda k: str(names[k])) if names is not None else str
        ax.legend(handles=[Patch(facecolor=palette[k], edgecolor="0.3", label=label(k))
                           for k in classes], title=title, loc="upper left",
                  bbox_to_anchor=(1.02, 1), borderaxespad=0)
    decorate_2d(ax, np.asarray(rs.box, dtype=float))
    return ax


def _boundaries(rs: Sequence[Any], polys: list[np.ndarray]) -> list[np.ndarray]:
    """The segments of the pieces' argmax facets: where one class meets another."""
    segments = []
    for r, V in zip(rs, polys, strict=True):
        A, c = np.asarray(r.A, dtype=float), np.asarray(r.c, dtype=float)
        scale = 1.0 + float(np.abs(V).max())
        for row, rhs, lab in zip(A, c, r.labels, strict=True):
            if lab[0] != "argmax":
                continue
            on = V[np.abs(V @ row - rhs) <= 1e-9 * scale * (1.0 + np.abs(row).sum())]
            if len(on) >= 2:
                # The facet's two ends: the extreme points along the line.
                t = on @ np.array([-row[1], row[0]])
                segments.append(on[[int(t.argmin()), int(t.argmax())]])
    return segments


def images_at(
    ax: Axes,
    points: Any,
    images: Sequence[Any],
    *,
    zoom: float = 3.0,
    cmap: str = "gray_r",
    frame: Sequence[Any] | None = None,
) -> Axes:
    """Draw small images (8x8 digits, say) centred at points of a plot.

    Parameters
    ----------
    ax
        The axes, usually a region map of a slice.
    points
        One ``(x, y)`` per image, in the axes' data coordinates.
    images
        2-D arrays, drawn with ``cmap``.
    zoom
        Screen pixels per image pixel, times the figure's dpi over 72.
    frame
        A frame colour per image (``None``: grey frames).

    Returns
    -------
    matplotlib.axes.Axes
    """
    from matplotlib.offsetbox import AnnotationBbox, OffsetImage

    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) != len(images):
        raise ValueError(f"expected one (x, y) point per image, got {pts.shape} points for "
                         f"{len(images)} images")
    for k, (p, img) in enumerate(zip(pts, images, strict=True)):
        box = AnnotationBbox(OffsetImage(np.asarray(img, dtype=float), zoom=zoom, cmap=cmap),
                             tuple(p), frameon=True, pad=0.15, zorder=5,
                             bboxprops={"edgecolor": frame[k] if frame else "0.3",
                                        "linewidth": 1.5})
        ax.add_artist(box)
    return ax
