"""Unit hyperplanes: where each unit of a layer switches on, with arrows into its active side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import validate
from ..network import Network
from ..regions import regions
from ..tolerances import TOL
from .style import LINE_COLORS, check_2d, decorate_2d, new_ax, polygon

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["hyperplanes"]


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

    check_2d(net, "hyperplanes")
    B = validate.box(box, 2)
    layer = validate.index(layer, len(net.layers), "layer", negative=True)
    # The layers before `layer`, then `layer` without its activation: its pre-activations
    # are affine on each region of this truncated network.
    lays = net.layers[: layer + 1]
    trunc = Network([lay.weight for lay in lays], [lay.bias for lay in lays],
                    [lay.activation for lay in lays[:-1]] + ["identity"])
    pieces = regions(trunc, box)
    n_units = net.layers[layer].n_out
    units = list(range(n_units)) if units is None else [
        validate.index(u, n_units, "unit", of=f"layer {layer} has {n_units} units") for u in units
    ]
    if labels is None:
        sup = "" if layer == 0 else f"^{{({layer + 1})}}"
        labels = [f"$h{sup}_{{{u + 1}}}$" for u in units]
    if len(labels) != len(units):
        raise ValueError(f"{len(labels)} labels for {len(units)} units")
    colors = list(colors) if colors is not None else [
        LINE_COLORS[k % len(LINE_COLORS)] for k in range(len(units))
    ]
    ax = new_ax(ax)
    polys = [polygon(r) for r in pieces]
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
            z[np.abs(z) <= TOL * float(np.hypot(*M[u]))] = 0.0
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
    decorate_2d(ax, B)
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
                if score > best_score + TOL * scale:
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
