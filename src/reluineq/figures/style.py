"""What every figure shares: colours, axes set-up, and reading regions as polygons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .. import validate
from ..network import Network
from ..partition import Region

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["LINE_COLORS", "REGION_COLORS", "check_2d", "decorate_2d", "new_ax", "pattern_str",
           "polygon", "switch_widths"]

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


def new_ax(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(layout="constrained")
    return ax


def decorate_2d(ax: Axes, box: np.ndarray) -> None:
    ax.set_xlim(*box[0])
    ax.set_ylim(*box[1])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")


def check_2d(net: Network, what: str) -> None:
    validate.network(net)
    if net.n_inputs != 2:
        raise ValueError(
            f"{what} draws networks with 2 inputs; this one has {net.n_inputs} "
            "(use breakpoints_1d for 1 input)"
        )


def switch_widths(net: Network | None) -> list[int] | None:
    if net is None:
        return None
    return [lay.n_out for lay in net.layers if lay.act.switches]


def pattern_str(pattern: Sequence[int], widths: Sequence[int] | None = None) -> str:
    """``(1, 0, 1, 1)`` -> ``"10|11"`` when the layers have 2 and 2 ReLU units."""
    bits = "".join(str(int(b)) for b in pattern)
    if not widths or len(widths) < 2:
        return bits
    parts, start = [], 0
    for w in widths:
        parts.append(bits[start : start + w])
        start += w
    return "|".join(parts)


def polygon(region: Region) -> np.ndarray:
    verts = np.asarray(region.vertices, dtype=float)
    if verts.ndim != 2 or verts.shape[1] != 2:
        raise ValueError(f"region plots need 2-D regions, got vertices of shape {verts.shape}")
    return verts
