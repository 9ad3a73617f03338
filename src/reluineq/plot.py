"""Figures: linear regions, unit hyperplanes, breakpoints, surfaces, fits and activations."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from .network import ACTIVATIONS, Network, _apply
from .regions import Region, regions

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "LINE_COLORS",
    "REGION_COLORS",
    "activation_functions",
    "breakpoints_1d",
    "fit",
    "highlight_region",
    "hyperplanes",
    "region_map",
    "surface",
]

#: Fill colours of regions: Paul Tol's "light" scheme, distinct for colour-blind readers
#: and pale enough for black text on top.
REGION_COLORS: tuple[str, ...] = (
    "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF",
    "#44BB99", "#BBCC33", "#AAAA00", "#DDDDDD",
)

#: Line colours (units, curves): the Okabe–Ito scheme without its yellow, which is
#: too faint on white.
LINE_COLORS: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
)


# -- small helpers -------------------------------------------------------------------------


def _new_ax(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(layout="constrained")
    return ax


def _box2d(box: Any) -> np.ndarray:
    """A float ``(2, 2)`` box ``[[x_lo, x_hi], [y_lo, y_hi]]``, validated."""
    try:
        arr = np.array([[float(v) for v in row] for row in box], dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"box must be [(x_lo, x_hi), (y_lo, y_hi)], got {box!r}") from None
    if arr.shape != (2, 2) or not np.all(np.isfinite(arr)) or np.any(arr[:, 0] >= arr[:, 1]):
        raise ValueError(f"box must be [(x_lo, x_hi), (y_lo, y_hi)] with lo < hi, got {box!r}")
    return arr


def _interval(box: Any) -> tuple[Any, Any]:
    """``(lo, hi)`` from ``(lo, hi)`` or ``[(lo, hi)]``, keeping exact numbers exact."""
    rows = list(box)
    if len(rows) == 1:
        rows = list(rows[0])
    if len(rows) != 2 or not float(rows[0]) < float(rows[1]):
        raise ValueError(f"expected an interval (lo, hi) with lo < hi, got {box!r}")
    return rows[0], rows[1]


def _decorate_2d(ax: Axes, box: np.ndarray) -> None:
    ax.set_xlim(*box[0])
    ax.set_ylim(*box[1])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")


def _check_2d(net: Network, what: str) -> None:
    if not isinstance(net, Network):
        raise TypeError(f"expected a reluineq.Network, got {type(net).__name__}")
    if net.n_inputs != 2:
        raise ValueError(
            f"{what} draws networks with 2 inputs; this one has {net.n_inputs} "
            "(use breakpoints_1d for 1 input)"
        )


def _relu_widths(net: Network | None) -> list[int] | None:
    if net is None:
        return None
    return [lay.n_out for lay in net.layers if lay.activation == "relu"]


def _pattern_str(pattern: Sequence[int], widths: Sequence[int] | None = None) -> str:
    """``(1, 0, 1, 1)`` -> ``"10|11"`` when the layers have 2 and 2 ReLU units."""
    bits = "".join(str(int(b)) for b in pattern)
    if not widths or len(widths) < 2:
        return bits
    parts, start = [], 0
    for w in widths:
        parts.append(bits[start : start + w])
        start += w
    return "|".join(parts)


def _polygon(region: Region) -> np.ndarray:
    verts = np.asarray(region.vertices, dtype=float)
    if verts.ndim != 2 or verts.shape[1] != 2:
        raise ValueError(f"region plots need 2-D regions, got vertices of shape {verts.shape}")
    return verts


def _area_centroid(verts: np.ndarray) -> tuple[float, np.ndarray]:
    """Area and centroid of a counter-clockwise polygon (shoelace formula)."""
    x, y = verts[:, 0], verts[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    area = cross.sum() / 2
    if area <= 0:
        return 0.0, verts.mean(axis=0)
    cx = ((x + xn) * cross).sum() / (6 * area)
    cy = ((y + yn) * cross).sum() / (6 * area)
    return float(area), np.array([cx, cy])


def _resolve(
    net_or_regions: Network | Sequence[Region], box: Any
) -> tuple[list[Region], np.ndarray, Network | None]:
    """Regions, a float box and (when known) the network, from either kind of input."""
    if isinstance(net_or_regions, Network):
        _check_2d(net_or_regions, "region_map")
        if box is None:
            raise ValueError("give the box [(x_lo, x_hi), (y_lo, y_hi)] to split")
        return regions(net_or_regions, box), _box2d(box), net_or_regions
    rs = list(net_or_regions)
    if not rs or not all(isinstance(r, Region) for r in rs):
        raise ValueError("expected a Network or a non-empty list of Region objects")
    polys = [_polygon(r) for r in rs]
    if box is None:
        pts = np.concatenate(polys)
        box = np.column_stack([pts.min(axis=0), pts.max(axis=0)])
    # Regions remember the network they come from; its layer widths split the pattern.
    net = rs[0].network
    return rs, _box2d(box), net


def _adjacency(polys: list[np.ndarray], scale: float) -> list[set[int]]:
    """Which polygons share part of an edge, probed just outside each edge."""
    from matplotlib.path import Path

    eps = 1e-6 * scale
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
            if _pattern_str(r.pattern) == target:
                return r
    elif isinstance(which, Sequence):
        for r in rs:
            if r.pattern == tuple(int(b) for b in which):
                return r
    raise ValueError(f"no region with pattern {which!r} in this partition")


# -- region partitions ---------------------------------------------------------------------


def region_map(
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
    >>> ax = region_map(net, box=[(-1, 1), (-1, 1)], annotate=True, highlight="11")
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
    widths = _relu_widths(net)
    polys = [_polygon(r) for r in rs]
    scale = float(np.hypot(*(B[:, 1] - B[:, 0])))
    ax = _new_ax(ax)

    if color_by == "output":
        import matplotlib as mpl

        n_out = np.asarray(rs[0].M).shape[0]
        if not 0 <= output < n_out:
            raise ValueError(f"output {output} out of range for {n_out} outputs")
        vals = np.array([
            float(np.asarray(r.M, dtype=float)[output] @ _area_centroid(p)[1]
                  + float(r.d[output]))
            for r, p in zip(rs, polys, strict=True)
        ])
        cm = mpl.colormaps[cmap or "viridis"] if not isinstance(cmap, mpl.colors.Colormap) \
            else cmap
        lo, hi = float(vals.min()), float(vals.max())
        norm = mpl.colors.Normalize(lo, hi if hi > lo else lo + 1)
        faces = [cm(norm(v)) for v in vals]
    else:
        if color_by == "layer1" and widths:
            keys = [r.pattern[: widths[0]] for r in rs]
        else:
            keys = [r.pattern for r in rs]
        if cmap is None:
            palette: Sequence[Any] = REGION_COLORS
        elif isinstance(cmap, str):
            import matplotlib as mpl

            cm = mpl.colormaps[cmap]
            k = len(set(keys))
            n = getattr(cm, "N", 256)
            palette = [cm(i) for i in range(n)] if n <= 20 else [
                cm(t) for t in np.linspace(0, 1, max(k, 2))
            ]
        else:
            palette = list(cmap)
        colors = _group_colors(keys, polys, palette, scale)
        faces = [colors[k] for k in keys]
        if legend and len(colors) > len(palette):
            raise ValueError(
                f"{len(colors)} patterns but {len(palette)} colours: a legend would be "
                "ambiguous; use annotate=True or color_by='layer1'"
            )

    if edgecolor is None:
        edgecolor = "white" if color_by == "output" else "0.2"
    coll = PolyCollection(polys, facecolors=faces, edgecolors=edgecolor,
                          linewidths=linewidth, alpha=alpha, zorder=1)
    ax.add_collection(coll)

    if annotate:
        label = annotate if callable(annotate) else (lambda r: _pattern_str(r.pattern, widths))
        for r, p in zip(rs, polys, strict=True):
            _, c = _area_centroid(p)
            ax.text(c[0], c[1], label(r), ha="center", va="center", fontsize=fontsize,
                    zorder=4)
    if highlight is not None:
        highlight_region(ax, _find_region(rs, highlight, widths))
    if legend:
        if color_by == "output":
            import matplotlib as mpl

            sm = mpl.cm.ScalarMappable(norm=norm, cmap=cm)
            ax.figure.colorbar(sm, ax=ax, label=f"output at the region's centre (y_{output + 1})"
                               if n_out > 1 else "output at the region's centre")
        else:
            from matplotlib.patches import Patch

            w = widths[:1] if color_by == "layer1" and widths else widths
            handles = [
                Patch(facecolor=c, edgecolor=edgecolor, label=_pattern_str(k, w))
                for k, c in colors.items()
            ]
            ax.legend(handles=handles, title="layer 1 pattern" if color_by == "layer1"
                      else "pattern", loc="upper left", bbox_to_anchor=(1.02, 1),
                      borderaxespad=0, fontsize=fontsize)
    _decorate_2d(ax, B)
    return ax


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
    >>> ax = region_map(rs)
    >>> ax = highlight_region(ax, rs[0])
    >>> ax.patches[0].get_hatch()
    '//'
    >>> plt.close(ax.figure)
    """
    from matplotlib.patches import Polygon

    patch = Polygon(_polygon(region), closed=True, fill=False, edgecolor=color,
                    linewidth=linewidth, hatch=hatch, label=label, zorder=3)
    ax.add_patch(patch)
    return ax


# -- unit hyperplanes ----------------------------------------------------------------------


def _zero_segment(verts: np.ndarray, z: np.ndarray) -> np.ndarray | None:
    """The segment of a convex polygon on which the affine function ``z`` is 0."""
    zn = np.roll(z, -1)
    vn = np.roll(verts, -1, axis=0)
    pts = [verts[z == 0]]
    cross = z * zn < 0
    t = z[cross] / (z[cross] - zn[cross])
    pts.append(verts[cross] + t[:, None] * (vn[cross] - verts[cross]))
    p = np.concatenate(pts)
    if len(p) < 2:
        return None
    # The two points farthest apart along the segment's direction are its ends.
    d = p - p[0]
    far = p[np.argmax(np.hypot(d[:, 0], d[:, 1]))]
    d = p - far
    other = p[np.argmax(np.hypot(d[:, 0], d[:, 1]))]
    if np.allclose(far, other):
        return None
    # Ends in lexicographic order, so the drawing does not depend on vertex order.
    return np.array(sorted([far.tolist(), other.tolist()]))


def _clip_positive(verts: np.ndarray, z: np.ndarray) -> np.ndarray | None:
    """The part of a convex polygon where the affine function ``z`` is positive."""
    out = []
    n = len(verts)
    for k in range(n):
        a, b = verts[k], verts[(k + 1) % n]
        za, zb = z[k], z[(k + 1) % n]
        if za >= 0:
            out.append(a)
        if za * zb < 0:
            out.append(a + za / (za - zb) * (b - a))
    return np.array(out) if len(out) >= 3 else None


def hyperplanes(
    net: Network,
    box: Any,
    layer: int = 0,
    ax: Axes | None = None,
    *,
    units: Sequence[int] | None = None,
    arrows: bool = True,
    shade: bool = False,
    labels: Sequence[str] | None = None,
    colors: Sequence[Any] | None = None,
    linewidth: float = 2.0,
) -> Axes:
    r"""Draw where each unit of a layer switches on, and which side it is on.

    Unit :math:`j` of the first layer has the pre-activation
    :math:`z_j = w_j \cdot x + b_j`; it is active where :math:`z_j > 0`, one side of the
    line :math:`w_j \cdot x + b_j = 0`. An arrow from that line points into the active
    side. For a deeper layer the same set :math:`z_j(x) = 0` is a *bent* line: straight
    inside each region of the layers before it, bending where they switch.

    Parameters
    ----------
    net
        A network with 2 inputs.
    box
        ``[(x_lo, x_hi), (y_lo, y_hi)]``.
    layer
        Index of the layer whose units are drawn (``-1`` for the last).
    ax
        Axes to draw on; a new figure when ``None``.
    units
        Which units to draw (default all).
    arrows
        Draw an arrow into each unit's active side, with the unit's label at its tip.
    shade
        Tint each unit's active side lightly in the unit's colour.
    labels
        One label per drawn unit; default :math:`h_1, h_2, \ldots` (with the layer
        number as a superscript beyond the first layer).
    colors
        One colour per drawn unit; default :data:`LINE_COLORS`.
    linewidth
        Width of the lines.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    The lines :math:`x_1 = 0` and :math:`x_1 + x_2 = 1`, one segment each:

    >>> import matplotlib.pyplot as plt
    >>> net = reluineq.Network([[[1, 0], [1, 1]], [[1, 1]]], [[0, -1], [0]],
    ...                        ["relu", "identity"])
    >>> ax = hyperplanes(net, box=[(-2, 2), (-2, 2)])
    >>> [len(c.get_segments()) for c in ax.collections]
    [1, 1]
    >>> ax.collections[0].get_segments()[0].tolist()
    [[0.0, -2.0], [0.0, 2.0]]
    >>> plt.close(ax.figure)
    """
    from matplotlib.collections import LineCollection, PolyCollection

    _check_2d(net, "hyperplanes")
    B = _box2d(box)
    n_layers = len(net.layers)
    if not -n_layers <= layer < n_layers:
        raise ValueError(f"layer {layer} out of range: the network has {n_layers} layers")
    layer %= n_layers
    # The layers before `layer`, then `layer` without its activation: its pre-activations
    # are affine on each region of this truncated network.
    lays = net.layers[: layer + 1]
    trunc = Network([lay.weight for lay in lays], [lay.bias for lay in lays],
                    [lay.activation for lay in lays[:-1]] + ["identity"])
    pieces = regions(trunc, box)
    n_units = net.layers[layer].n_out
    units = list(range(n_units)) if units is None else [int(u) for u in units]
    for u in units:
        if not 0 <= u < n_units:
            raise ValueError(f"unit {u} out of range: layer {layer} has {n_units} units")
    if labels is None:
        sup = "" if layer == 0 else f"^{{({layer + 1})}}"
        labels = [f"$h{sup}_{{{u + 1}}}$" for u in units]
    if len(labels) != len(units):
        raise ValueError(f"{len(labels)} labels for {len(units)} units")
    colors = list(colors) if colors is not None else [
        LINE_COLORS[k % len(LINE_COLORS)] for k in range(len(units))
    ]
    scale = float(np.hypot(*(B[:, 1] - B[:, 0])))
    ax = _new_ax(ax)
    polys = [_polygon(r) for r in pieces]
    maps = [(np.asarray(r.M, dtype=float), np.asarray(r.d, dtype=float)) for r in pieces]
    all_segs, all_normals = [], []
    for k, u in enumerate(units):
        segs, normals, active = [], [], []
        for verts, (M, d) in zip(polys, maps, strict=True):
            z = verts @ M[u] + d[u]
            if not np.any(M[u]):
                # Constant on this piece: no line, active everywhere or nowhere.
                if shade and d[u] > 0:
                    active.append(verts)
                continue
            # Snap float round-off so a line through a vertex passes through it.
            z[np.abs(z) <= 1e-12 * max(1.0, float(np.abs(M[u]).max()) * scale)] = 0.0
            seg = _zero_segment(verts, z)
            if seg is not None:
                segs.append(seg)
                normals.append(M[u] / np.hypot(*M[u]))
            if shade:
                part = _clip_positive(verts, z)
                if part is not None and np.any(z > 0):
                    active.append(part)
        if shade and active:
            ax.add_collection(PolyCollection(active, facecolors=colors[k], alpha=0.12,
                                             edgecolors="none", zorder=1))
        ax.add_collection(LineCollection(segs, colors=colors[k], linewidths=linewidth,
                                         label=labels[k], zorder=2))
        all_segs.append(segs)
        all_normals.append(normals)
    if arrows:
        _place_arrows(ax, B, all_segs, all_normals, labels, colors)
    _decorate_2d(ax, B)
    return ax


def _point_segment_distance(p: np.ndarray, segs: np.ndarray) -> np.ndarray:
    """Distance from point ``p`` to each segment of a ``(k, 2, 2)`` array."""
    a, b = segs[:, 0], segs[:, 1]
    ab = b - a
    t = np.clip(((p - a) * ab).sum(axis=1) / np.maximum((ab * ab).sum(axis=1), 1e-300), 0, 1)
    q = a + t[:, None] * ab
    return np.hypot(*(p - q).T)


def _place_arrows(
    ax: Axes,
    box: np.ndarray,
    segs: list[list[np.ndarray]],
    normals: list[list[np.ndarray]],
    labels: Sequence[str],
    colors: Sequence[Any],
) -> None:
    """An arrow into each unit's active side, with its label, where there is most room.

    Candidate feet along every segment of the unit are scored by how far the arrow's
    tip and label stay from the other units' lines, from labels already placed and from
    the box's edges; the best one wins (ties: the first, so the choice is deterministic).
    """
    scale = float(np.hypot(*(box[:, 1] - box[:, 0])))
    length, gap = 0.08 * scale, 0.045 * scale
    placed: list[np.ndarray] = []
    for k, (unit_segs, unit_normals) in enumerate(zip(segs, normals, strict=True)):
        if not unit_segs:
            continue
        others = [s for j, ss in enumerate(segs) if j != k for s in ss]
        other_arr = np.array(others) if others else np.zeros((0, 2, 2))
        best, best_score = None, -np.inf
        for seg, n in zip(unit_segs, unit_normals, strict=True):
            for t in (0.5, 0.35, 0.65, 0.2, 0.8):
                foot = seg[0] + t * (seg[1] - seg[0])
                tip = foot + length * n
                text = tip + gap * n
                room = [
                    np.min(text - box[:, 0]), np.min(box[:, 1] - text),
                    np.min(tip - box[:, 0]), np.min(box[:, 1] - tip),
                ]
                if len(other_arr):
                    room.append(_point_segment_distance(text, other_arr).min())
                    room.append(_point_segment_distance(tip, other_arr).min())
                    room.append(1.5 * _point_segment_distance(foot, other_arr).min())
                room.extend(np.hypot(*(text - q)) / 2 for q in placed)
                # Away from the bends of a bent line, too.
                room.append(2 * min(t, 1 - t) * float(np.hypot(*(seg[1] - seg[0]))))
                score = min(room)
                if score > best_score + 1e-12:
                    best, best_score = (foot, tip, text), score
        foot, tip, text = best
        placed.append(text)
        ax.annotate("", xy=tip, xytext=foot, zorder=3,
                    arrowprops={"arrowstyle": "-|>", "color": colors[k], "lw": 1.5,
                                "shrinkA": 0, "shrinkB": 0})
        ax.text(text[0], text[1], labels[k], color=colors[k], ha="center", va="center",
                fontsize=12, zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                      "alpha": 0.85})


# -- one input -----------------------------------------------------------------------------


def _num(v: Any) -> str:
    """A number for a math label: exact fractions as ``\\frac``, floats to 3 digits."""
    if isinstance(v, Fraction):
        if v.denominator == 1:
            return str(v.numerator)
        sign = "-" if v < 0 else ""
        return f"{sign}\\frac{{{abs(v.numerator)}}}{{{v.denominator}}}"
    return f"{float(v):.3g}"


def _affine_tex(w: Any, b: Any, var: str = "x") -> str:
    """``w x + b`` in LaTeX, dropping unit coefficients and zero terms."""
    ws = _num(w)
    head = var if ws == "1" else f"-{var}" if ws == "-1" else f"{ws}{var}"
    if float(b) == 0:
        return head
    bs = _num(abs(b) if isinstance(b, Fraction) else abs(float(b)))
    return f"{head} {'-' if float(b) < 0 else '+'} {bs}"


def breakpoints_1d(
    net: Network,
    box: Any,
    ax: Axes | None = None,
    *,
    hinges: bool = False,
    label_breakpoints: bool = False,
    color: Any = LINE_COLORS[0],
    linewidth: float = 2.0,
) -> Axes:
    r"""Plot a 1-input, 1-output network on an interval and mark its breakpoints.

    Between two breakpoints the network is one straight line, so the curve is drawn
    exactly through them. For a network :math:`f(x) = \sum_j a_j\,\max(0, w_j x + b_j)
    + c` with one hidden layer, ``hinges=True`` adds each term dashed: unit :math:`j`
    bends at :math:`x = -b_j / w_j`.

    Parameters
    ----------
    net
        A ReLU network with 1 input and 1 output.
    box
        The interval, ``(lo, hi)`` or ``[(lo, hi)]``.
    ax
        Axes to draw on; a new figure when ``None``.
    hinges
        Draw the terms :math:`a_j \max(0, w_j x + b_j)` (one hidden ReLU layer and a
        linear read-out only) and a legend.
    label_breakpoints
        Write each breakpoint's :math:`x` along the top of the axes (as an exact
        fraction in an exact network).
    color, linewidth
        Style of the network's curve.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    The breakpoints are the ends of the linear regions inside the interval. Across one
    of them the slope usually changes; it may not, when units' changes cancel.

    Examples
    --------
    :math:`f(x) = \max(0, x) - 2 \max(0, x - 1)` bends at 0 and at 1:

    >>> import matplotlib.pyplot as plt
    >>> net = reluineq.Network([[[1], [1]], [[1, -2]]], [[0, -1], [0]],
    ...                        ["relu", "identity"])
    >>> ax = breakpoints_1d(net, (-1, 3), hinges=True)
    >>> ax.collections[0].get_offsets().tolist()   # the breakpoints (x, f(x))
    [[0.0, 0.0], [1.0, 1.0]]
    >>> plt.close(ax.figure)
    """
    if not isinstance(net, Network):
        raise TypeError(f"expected a reluineq.Network, got {type(net).__name__}")
    if net.n_inputs != 1 or net.n_outputs != 1:
        raise ValueError(
            f"breakpoints_1d plots networks with 1 input and 1 output; this one is "
            f"{net.n_inputs}-to-{net.n_outputs} (use region_map or surface for 2 inputs)"
        )
    lo, hi = _interval(box)
    rs = regions(net, [(lo, hi)])
    ends = sorted({v for r in rs for v in np.asarray(r.vertices).ravel()})
    xs = np.array([float(v) for v in ends])
    ys = net.forward(xs[:, None])[:, 0]
    inner_x, inner_y = xs[1:-1], ys[1:-1]
    ax = _new_ax(ax)
    if hinges or ys.min() <= 0 <= ys.max():
        ax.axhline(0, color="0.6", linewidth=0.8, zorder=0)
    for x in inner_x:
        ax.axvline(x, color="0.6", linestyle=":", linewidth=1.0, zorder=0)
    ax.plot(xs, ys, color=color, linewidth=linewidth, label="$f(x)$", zorder=2)
    ax.scatter(inner_x, inner_y, s=36, color=color, edgecolors="white", linewidths=1.0,
               zorder=3)
    if label_breakpoints:
        # On a second x axis along the top, where no curve runs into them.
        top = ax.secondary_xaxis("top")
        top.set_xticks(inner_x, [f"${_num(v)}$" for v in ends[1:-1]])
        top.tick_params(colors="0.3")
    if hinges:
        lays = net.layers
        if len(lays) != 2 or lays[0].activation != "relu" or lays[1].activation != "identity":
            raise ValueError("hinges=True needs one hidden ReLU layer and an identity output")
        W, b = lays[0].weight[:, 0], lays[0].bias
        a, c = lays[1].weight[0], lays[1].bias[0]
        flo, fhi = float(lo), float(hi)
        for j in range(len(W)):
            pts = [flo, fhi]
            if float(W[j]) != 0:
                kink = -float(b[j]) / float(W[j])
                if flo < kink < fhi:
                    pts = [flo, kink, fhi]
            px = np.array(pts)
            py = float(a[j]) * np.maximum(0.0, float(W[j]) * px + float(b[j]))
            ax.plot(px, py, linestyle="--", linewidth=1.4,
                    color=LINE_COLORS[(j + 1) % len(LINE_COLORS)],
                    label=f"${_num(a[j])}\\,\\max(0,\\ {_affine_tex(W[j], b[j])})$"
                    .replace("$1\\,", "$").replace("$-1\\,", "$-"))
        if float(c) != 0:
            ax.axhline(float(c), color="0.4", linestyle="-.", linewidth=1.2,
                       label=f"$c = {_num(c)}$")
        ax.legend(loc="best", framealpha=0.9)
    ax.set_xlim(float(lo), float(hi))
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f(x)$")
    return ax


# -- output over two inputs ----------------------------------------------------------------


def surface(
    net: Network,
    box: Any,
    ax: Axes | None = None,
    *,
    kind: str = "contour",
    output: int = 0,
    boundaries: bool | None = None,
    levels: int = 15,
    resolution: int = 300,
    cmap: Any = "viridis",
    colorbar: bool | None = None,
) -> Axes:
    """Draw a 2-input network's output over a box, with its region boundaries.

    Parameters
    ----------
    net
        A network with 2 inputs.
    box
        ``[(x_lo, x_hi), (y_lo, y_hi)]``.
    ax
        Axes to draw on (a 3-D axes for ``kind="3d"``); a new figure when ``None``.
    kind
        ``"contour"``: filled contours seen from above. ``"3d"``: the graph of the
        function; for a ReLU network each region is one flat facet, drawn exactly.
    output
        Which output to draw.
    boundaries
        Draw the region boundaries (default: when the network is piecewise linear).
    levels
        Number of contour levels.
    resolution
        Grid points per axis of the contours (and of a 3-D sigmoid surface).
    cmap
        Colormap of the output.
    colorbar
        Add a colour bar of the output (default: for contours; in 3-D the height
        axis already reads the output).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    :math:`f(x) = \\max(0, x_1) + \\max(0, x_2)` is flat on one quadrant and tilted on
    the three others:

    >>> import matplotlib.pyplot as plt
    >>> net = reluineq.Network([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]],
    ...                        ["relu", "identity"])
    >>> ax = surface(net, [(-1, 1), (-1, 1)], kind="3d")
    >>> len(ax.collections[0].get_facecolor())   # one flat facet per region
    4
    >>> plt.close(ax.figure)
    """
    from matplotlib.collections import PolyCollection

    _check_2d(net, "surface")
    if kind not in ("contour", "3d"):
        raise ValueError(f"kind must be 'contour' or '3d', got {kind!r}")
    if not 0 <= output < net.n_outputs:
        raise ValueError(f"output {output} out of range for {net.n_outputs} outputs")
    B = _box2d(box)
    linear = "sigmoid" not in net.activations
    if boundaries is None:
        boundaries = linear
    if boundaries and not linear:
        raise ValueError("a sigmoid network has no region boundaries to draw")
    if colorbar is None:
        colorbar = kind == "contour"
    rs = regions(net, box) if (boundaries or (kind == "3d" and linear)) else []
    polys = [_polygon(r) for r in rs]
    zlabel = "$f(x_1, x_2)$" if net.n_outputs == 1 else f"$f_{{{output + 1}}}(x_1, x_2)$"

    if kind == "contour":
        ax = _new_ax(ax)
        gx = np.linspace(*B[0], resolution)
        gy = np.linspace(*B[1], resolution)
        X, Y = np.meshgrid(gx, gy)
        Z = net.forward(np.column_stack([X.ravel(), Y.ravel()]))[:, output].reshape(X.shape)
        cs = ax.contourf(X, Y, Z, levels=levels, cmap=cmap, zorder=0)
        if boundaries:
            ax.add_collection(PolyCollection(polys, facecolors="none", edgecolors="white",
                                             linewidths=1.0, zorder=2))
        if colorbar:
            ax.figure.colorbar(cs, ax=ax, label=zlabel)
        _decorate_2d(ax, B)
        return ax

    import matplotlib as mpl
    import matplotlib.pyplot as plt

    if ax is None:
        fig = plt.figure(layout="constrained")
        ax = fig.add_subplot(projection="3d")
    elif getattr(ax, "name", "") != "3d":
        raise ValueError("kind='3d' needs a 3-D axes: fig.add_subplot(projection='3d')")
    cm = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
    if linear:
        from mpl_toolkits.mplot3d.art3d import Poly3DCollection

        facets, heights = [], []
        for r, p in zip(rs, polys, strict=True):
            z = p @ np.asarray(r.M, dtype=float)[output] + float(r.d[output])
            facets.append(np.column_stack([p, z]))
            heights.append(z)
        means = np.array([h.mean() for h in heights])
        allz = np.concatenate(heights)
        lo, hi = float(allz.min()), float(allz.max())
        norm = mpl.colors.Normalize(lo, hi if hi > lo else lo + 1)
        coll = Poly3DCollection(facets, facecolors=cm(norm(means)),
                                edgecolors="0.15" if boundaries else "none",
                                linewidths=0.6)
        ax.add_collection3d(coll)
        ax.set_zlim(lo, hi if hi > lo else lo + 1)
        mappable: Any = mpl.cm.ScalarMappable(norm=norm, cmap=cm)
    else:
        gx = np.linspace(*B[0], min(resolution, 80))
        gy = np.linspace(*B[1], min(resolution, 80))
        X, Y = np.meshgrid(gx, gy)
        Z = net.forward(np.column_stack([X.ravel(), Y.ravel()]))[:, output].reshape(X.shape)
        mappable = ax.plot_surface(X, Y, Z, cmap=cm, linewidth=0, antialiased=True)
    ax.set_xlim(*B[0])
    ax.set_ylim(*B[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_zlabel(zlabel, labelpad=8)
    ax.locator_params(nbins=5)
    if colorbar:
        ax.figure.colorbar(mappable, ax=ax, label=zlabel, shrink=0.6, pad=0.08)
    return ax


# -- regression and single neurons ---------------------------------------------------------


def fit(
    x: Any,
    y: Any,
    fits: Mapping[str, Any] | None = None,
    ax: Axes | None = None,
    *,
    grid: int = 400,
    data_label: str = "data",
    colors: Sequence[Any] | None = None,
) -> Axes:
    """Plot data points and fitted curves over them.

    Parameters
    ----------
    x, y
        The data, two 1-D arrays of the same length.
    fits
        ``{label: curve}``. A curve is a function of a 1-D array (evaluated on a fine
        grid over the data's range), a 1-input :class:`~reluineq.Network`, an array of
        values at ``x``, or a pair ``(xs, ys)`` drawn as given.
    ax
        Axes to draw on; a new figure when ``None``.
    grid
        Number of grid points for functions and networks.
    data_label
        Legend label of the points.
    colors
        One colour per fit; default :data:`LINE_COLORS`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> x = np.linspace(-1, 1, 9)
    >>> ax = fit(x, x**2, {"$x^2$": lambda t: t**2, "line": np.zeros(9)})
    >>> [line.get_label() for line in ax.lines]
    ['$x^2$', 'line']
    >>> plt.close(ax.figure)
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ValueError(f"x and y must be 1-D of equal length, got {xa.shape} and {ya.shape}")
    fits = dict(fits or {})
    colors = list(colors) if colors is not None else [
        LINE_COLORS[k % len(LINE_COLORS)] for k in range(len(fits))
    ]
    ax = _new_ax(ax)
    ax.scatter(xa, ya, s=18, color="0.35", alpha=0.8, label=data_label, zorder=1)
    order = np.argsort(xa, kind="stable")
    xs = np.linspace(xa.min(), xa.max(), grid) if len(xa) else np.zeros(0)
    for k, (label, curve) in enumerate(fits.items()):
        if isinstance(curve, Network):
            if curve.n_inputs != 1 or curve.n_outputs != 1:
                raise ValueError(f"fit {label!r}: a network with 1 input and 1 output needed")
            px, py = xs, curve.forward(xs[:, None])[:, 0]
        elif callable(curve):
            px, py = xs, np.asarray(curve(xs), dtype=float)
        elif isinstance(curve, tuple) and len(curve) == 2:
            px, py = np.asarray(curve[0], dtype=float), np.asarray(curve[1], dtype=float)
        else:
            vals = np.asarray(curve, dtype=float)
            if vals.shape != xa.shape:
                raise ValueError(
                    f"fit {label!r}: {vals.shape} values for {xa.shape} data points"
                )
            px, py = xa[order], vals[order]
        if px.shape != py.shape:
            raise ValueError(f"fit {label!r}: x has shape {px.shape}, y has {py.shape}")
        ax.plot(px, py, color=colors[k], linewidth=2, label=label, zorder=2)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    if fits:
        ax.legend(framealpha=0.9)
    return ax


def activation_functions(
    names: Sequence[str] = ("identity", "relu", "sigmoid"),
    ax: Any = None,
    *,
    weight: float = 1.0,
    bias: float = 0.0,
    xlim: tuple[float, float] = (-4.0, 4.0),
) -> Figure:
    r"""Small multiples of single neurons :math:`y = \mathrm{act}(w x + b)`, one per activation.

    Parameters
    ----------
    names
        Activation names, each in :data:`~reluineq.ACTIVATIONS`.
    ax
        A sequence of axes, one per name; when ``None``, a new figure with the panels
        stacked one above the other (side by side, they would be too small on a phone).
    weight, bias
        The neuron's :math:`w` and :math:`b`. A dotted line marks where
        :math:`w x + b = 0`, the point where ReLU bends and sigmoid crosses 1/2.
    xlim
        The range of :math:`x`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = activation_functions()
    >>> [a.get_title() for a in fig.axes]
    ['$y = x$', '$y = \\max(0,\\ x)$', '$y = \\sigma(x)$']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    names = list(names)
    for name in names:
        if name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}; expected one of {ACTIVATIONS}")
    if not names:
        raise ValueError("give at least one activation name")
    if ax is None:
        fig, axes = plt.subplots(len(names), 1, figsize=(5.0, 2.2 * len(names)),
                                 layout="constrained", squeeze=False, sharex=True)
        axes = list(axes[:, 0])
    else:
        axes = list(ax) if isinstance(ax, (Sequence, np.ndarray)) else [ax]
        if len(axes) != len(names):
            raise ValueError(f"{len(axes)} axes for {len(names)} activations")
        fig = axes[0].figure
    xs = np.linspace(*xlim, 401)
    z = weight * xs + bias
    inner = _affine_tex(weight, bias)
    titles = {
        "identity": f"$y = {inner}$",
        "relu": f"$y = \\max(0,\\ {inner})$",
        "sigmoid": f"$y = \\sigma({inner})$",
    }
    for k, (a, name) in enumerate(zip(axes, names, strict=True)):
        a.axhline(0, color="0.6", linewidth=0.8, zorder=0)
        a.axvline(0, color="0.6", linewidth=0.8, zorder=0)
        if weight != 0 and xlim[0] < -bias / weight < xlim[1]:
            a.axvline(-bias / weight, color="0.4", linestyle=":", linewidth=1.2, zorder=0)
        a.plot(xs, _apply(name, z.copy()), color=LINE_COLORS[k % len(LINE_COLORS)],
               linewidth=2.2)
        a.set_title(titles[name])
        a.set_xlim(*xlim)
        a.set_ylabel("$y$")
    axes[-1].set_xlabel("$x$")
    return fig
