"""Region maps: a partition drawn as coloured convex polygons, and one region highlighted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import validate
from ..network import Network
from ..partition import Region, polygon_area_centroid
from ..regions import regions
from ..tolerances import TOL
from .style import (
    REGION_COLORS,
    check_2d,
    decorate_2d,
    new_ax,
    pattern_str,
    polygon,
    switch_widths,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["highlight_region", "partition"]


def _resolve(
    net_or_regions: Network | Sequence[Region], box: Any
) -> tuple[list[Region], np.ndarray, Network | None]:
    """Regions, a float box and (when known) the network, from either kind of input."""
    if isinstance(net_or_regions, Network):
        check_2d(net_or_regions, "partition")
        if box is None:
            raise ValueError("give the box [(x_lo, x_hi), (y_lo, y_hi)] to split")
        return regions(net_or_regions, box), validate.box(box, 2), net_or_regions
    rs = validate.regions(net_or_regions)
    if box is None:
        pts = np.concatenate([polygon(r) for r in rs])
        box = np.column_stack([pts.min(axis=0), pts.max(axis=0)])
    # Regions know the network they come from; its layer widths split the pattern.
    return rs, validate.box(box, 2), rs.network


def _adjacency(polys: list[np.ndarray], scale: float) -> list[set[int]]:
    """Which polygons share part of an edge, probed just outside each edge."""
    from matplotlib.path import Path

    eps = 1e3 * TOL * scale  # far beyond the regions' rounding, far below a pixel
    probes, owner = [], []
    for i, v in enumerate(polys):
        edge = np.roll(v, -1, axis=0) - v
        normal = np.column_stack([edge[:, 1], -edge[:, 0]])  # outward for CCW polygons
        length = np.hypot(normal[:, 0], normal[:, 1])
        ok = length > 0
        normal = normal[ok] / length[ok, None]
        for t in (0.25, 0.5, 0.75):
            probes.append(v[ok] + t * edge[ok] + eps * normal)
            owner.append(np.full(int(ok.sum()), i))
    pts = np.concatenate(probes)
    own = np.concatenate(owner)
    nbrs: list[set[int]] = [set() for _ in polys]
    for j, v in enumerate(polys):
        lo, hi = v.min(axis=0) - eps, v.max(axis=0) + eps
        near = np.flatnonzero(np.all((pts >= lo) & (pts <= hi), axis=1) & (own != j))
        if len(near) == 0:
            continue
        inside = Path(v).contains_points(pts[near])
        for i in own[near[inside]]:
            nbrs[int(i)].add(j)
            nbrs[j].add(int(i))
    return nbrs


def _group_colors(
    keys: list[Any], polys: list[np.ndarray], palette: Sequence[Any], scale: float
) -> dict[Any, Any]:
    """A colour per key: all different while the palette lasts, else neighbours differ.

    Keys are visited in sorted order; each takes the least used colour that no
    already coloured neighbouring key has (palette order breaks ties), so the result
    depends only on the regions, never on chance.
    """
    groups = sorted(set(keys))
    index = {k: g for g, k in enumerate(groups)}
    adj: list[set[int]] = [set() for _ in groups]
    if len(groups) > len(palette):
        for i, ns in enumerate(_adjacency(polys, scale)):
            for j in ns:
                a, b = index[keys[i]], index[keys[j]]
                if a != b:
                    adj[a].add(b)
                    adj[b].add(a)
    used = [0] * len(palette)
    chosen: list[int] = []
    for g in range(len(groups)):
        taken = {chosen[h] for h in adj[g] if h < g}
        free = [c for c in range(len(palette)) if c not in taken] or list(range(len(palette)))
        c = min(free, key=lambda c: (used[c], c))
        used[c] += 1
        chosen.append(c)
    return {k: palette[chosen[index[k]]] for k in groups}


def _find_region(rs: list[Region], which: Any, widths: list[int] | None) -> Region:
    if isinstance(which, Region):
        return which
    if isinstance(which, (int, np.integer)) and not isinstance(which, bool):
        if not -len(rs) <= which < len(rs):
            raise ValueError(f"region index {which} out of range for {len(rs)} regions")
        return rs[which]
    if isinstance(which, str):
        target = which.replace("|", "").replace(" ", "")
        for r in rs:
            if pattern_str(r.pattern) == target:
                return r
    elif isinstance(which, Sequence):
        for r in rs:
            if r.pattern == tuple(int(b) for b in which):
                return r
    raise ValueError(f"no region with pattern {which!r} in this partition")


# -- region partitions ---------------------------------------------------------------------


def partition(
    net_or_regions: Network | Sequence[Region],
    box: Any = None,
    ax: Axes | None = None,
    *,
    color_by: str = "pattern",
    highlight: Any = None,
    edgecolor: Any = None,
    linewidth: float = 0.8,
    cmap: Any = None,
    annotate: bool | Callable[[Region], str] = False,
    legend: bool = False,
    output: int = 0,
    fontsize: float = 11,
    alpha: float = 1.0,
) -> Axes:
    """Draw the linear regions of a 2-input network as coloured convex polygons.

    Each polygon is one activation region: a set of inputs on which the same units are
    on, so that the network is one affine map there.

    Parameters
    ----------
    net_or_regions
        A :class:`~reluineq.Network` with 2 inputs (its regions in ``box`` are
        enumerated) or the list that :func:`~reluineq.regions` returned.
    box
        ``[(x_lo, x_hi), (y_lo, y_hi)]``; required with a network, else the regions'
        bounding box.
    ax
        Axes to draw on; a new figure when ``None``.
    color_by
        ``"pattern"``: one colour per activation pattern. ``"layer1"``: one colour per
        pattern of the first ReLU layer, so the later layers' cuts show as edges inside
        a colour. ``"output"``: the output at the region's centroid, on ``cmap``.
    highlight
        A region to outline thickly and hatch: a :class:`~reluineq.Region`, its index,
        or its pattern as a tuple or a string such as ``"10|01"``.
    edgecolor, linewidth
        Style of the region boundaries (default dark grey, white over ``"output"``).
    cmap
        For ``"output"`` a colormap (default ``"viridis"``); for the patterns a list of
        colours (default :data:`REGION_COLORS`) or a colormap name to sample.
    annotate
        ``True`` writes each region's pattern at its centroid; a function
        ``region -> str`` writes its own label.
    legend
        A legend of patterns (``"pattern"``, ``"layer1"``) or a colour bar (``"output"``).
    output
        Which output ``"output"`` colours by.
    fontsize
        Size of the annotations.
    alpha
        Opacity of the fills; lower it to draw lines (:func:`hyperplanes`) on top.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        A network without 2 inputs, an unknown ``color_by``, a ``highlight`` that
        names no region, or a legend asked for more patterns than there are colours.

    Notes
    -----
    Patterns are written unit by unit, 1 for an active unit, with ``|`` between
    layers. While the palette has enough colours every pattern gets its own; beyond
    that, colours repeat but neighbouring regions always differ. The colouring depends
    only on the regions, so the same network and box always give the same figure.

    Examples
    --------
    Two units, ``relu(x_1)`` and ``relu(x_2)``, split the square into four regions:

    >>> import matplotlib.pyplot as plt
    >>> net = reluineq.Network([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]],
    ...                        ["relu", "identity"])
    >>> ax = partition(net, box=[(-1, 1), (-1, 1)], annotate=True, highlight="11")
    >>> len(ax.collections[0].get_paths())   # one polygon per region
    4
    >>> sorted(t.get_text() for t in ax.texts)
    ['00', '01', '10', '11']
    >>> len(ax.patches)                      # the highlighted region
    1
    >>> plt.close(ax.figure)
    """
    from matplotlib.collections import PolyCollection

    if color_by not in ("pattern", "layer1", "output"):
        raise ValueError(f"color_by must be 'pattern', 'layer1' or 'output', got {color_by!r}")
    rs, B, net = _resolve(net_or_regions, box)
    widths = switch_widths(net)
    polys = [polygon(r) for r in rs]
    ax = new_ax(ax)
    if color_by == "output":
        faces, bar = _faces_by_output(rs, polys, output, cmap)
    else:
        keys = [r.pattern[: widths[0]] if color_by == "layer1" and widths else r.pattern
                for r in rs]
        scale = float(np.hypot(*(B[:, 1] - B[:, 0])))
        faces, colors = _faces_by_pattern(keys, polys, cmap, scale, legend)
    if edgecolor is None:
        edgecolor = "white" if color_by == "output" else "0.2"
    ax.add_collection(PolyCollection(polys, facecolors=faces, edgecolors=edgecolor,
                                     linewidths=linewidth, alpha=alpha, zorder=1))
    if annotate:
        label = annotate if callable(annotate) else (lambda r: pattern_str(r.pattern, widths))
        for r, p in zip(rs, polys, strict=True):
            _, c = polygon_area_centroid(p)
            ax.text(c[0], c[1], label(r), ha="center", va="center", fontsize=fontsize,
                    zorder=4)
    if highlight is not None:
        highlight_region(ax, _find_region(rs, highlight, widths))
    if legend and color_by == "output":
        ax.figure.colorbar(bar, ax=ax, label="output at the region's centre" + (
            f" (y_{output + 1})" if np.shape(rs[0].M)[0] > 1 else ""))
    elif legend:
        _pattern_legend(ax, colors, widths[:1] if color_by == "layer1" and widths else widths,
                        edgecolor, "layer 1 pattern" if color_by == "layer1" else "pattern",
                        fontsize)
    decorate_2d(ax, B)
    return ax


def _faces_by_output(rs: Sequence[Region], polys: list[np.ndarray], output: Any,
                     cmap: Any) -> tuple[list[Any], Any]:
    """Each region's colour: its output at its centroid on ``cmap``; and the colour bar's
    mappable."""
    import matplotlib as mpl

    output = validate.index(output, np.asarray(rs[0].M).shape[0], "output")
    vals = np.array([
        float(np.asarray(r.M, dtype=float)[output] @ polygon_area_centroid(p)[1]
              + float(r.d[output]))
        for r, p in zip(rs, polys, strict=True)
    ])
    cm = cmap if isinstance(cmap, mpl.colors.Colormap) else mpl.colormaps[cmap or "viridis"]
    lo, hi = float(vals.min()), float(vals.max())
    norm = mpl.colors.Normalize(lo, hi if hi > lo else lo + 1)
    return [cm(norm(v)) for v in vals], mpl.cm.ScalarMappable(norm=norm, cmap=cm)


def _faces_by_pattern(keys: list[Any], polys: list[np.ndarray], cmap: Any, scale: float,
                      legend: bool) -> tuple[list[Any], dict[Any, Any]]:
    """Each region's colour from its key (pattern), and the colour of each key."""
    if cmap is None:
        palette: Sequence[Any] = REGION_COLORS
    elif isinstance(cmap, str):
        import matplotlib as mpl

        cm = mpl.colormaps[cmap]
        n = getattr(cm, "N", 256)
        palette = [cm(i) for i in range(n)] if n <= 20 else [
            cm(t) for t in np.linspace(0, 1, max(len(set(keys)), 2))
        ]
    else:
        palette = list(cmap)
    colors = _group_colors(keys, polys, palette, scale)
    if legend and len(colors) > len(palette):
        raise ValueError(
            f"{len(colors)} patterns but {len(palette)} colours: a legend would be "
            "ambiguous; use annotate=True or color_by='layer1'"
        )
    return [colors[k] for k in keys], colors


def _pattern_legend(ax: Axes, colors: dict[Any, Any], widths: Sequence[int] | None,
                    edgecolor: Any, title: str, fontsize: float) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor=edgecolor, label=pattern_str(k, widths))
               for k, c in colors.items()]
    ax.legend(handles=handles, title=title, loc="upper left", bbox_to_anchor=(1.02, 1),
              borderaxespad=0, fontsize=fontsize)


def highlight_region(
    ax: Axes,
    region: Region,
    *,
    color: Any = "black",
    hatch: str | None = "//",
    linewidth: float = 2.5,
    label: str | None = None,
) -> Axes:
    """Outline one region thickly and hatch it, on top of a region map.

    Parameters
    ----------
    ax
        The axes to draw on.
    region
        A 2-D :class:`~reluineq.Region`.
    color, hatch, linewidth
        Style of the outline and the hatching (``hatch=None`` for none).
    label
        Legend label of the outline.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> net = reluineq.Network([[[1, -1]], [[1]]], [[0], [0]], ["relu", "identity"])
    >>> rs = reluineq.regions(net, [(-1, 1), (-1, 1)])
    >>> ax = partition(rs)
    >>> ax = highlight_region(ax, rs[0])
    >>> ax.patches[0].get_hatch()
    '//'
    >>> plt.close(ax.figure)
    """
    from matplotlib.patches import Polygon

    patch = Polygon(polygon(region), closed=True, fill=False, edgecolor=color,
                    linewidth=linewidth, hatch=hatch, label=label, zorder=3)
    ax.add_patch(patch)
    return ax
