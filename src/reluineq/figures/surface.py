"""A network's output over two inputs: filled contours or a 3-D graph of flat facets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import validate
from ..network import Network
from ..regions import regions
from .style import check_2d, decorate_2d, new_ax, polygon

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["surface"]


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
    check_2d(net, "surface")
    if kind not in ("contour", "3d"):
        raise ValueError(f"kind must be 'contour' or '3d', got {kind!r}")
    output = validate.index(output, net.n_outputs, "output")
    B = validate.box(box, 2)
    if boundaries is None:
        boundaries = net.piecewise_linear
    if boundaries:
        validate.network(net, needs="region boundaries to draw")
    if colorbar is None:
        colorbar = kind == "contour"
    need_regions = boundaries or (kind == "3d" and net.piecewise_linear)
    rs = regions(net, box) if need_regions else []
    zlabel = "$f(x_1, x_2)$" if net.n_outputs == 1 else f"$f_{{{output + 1}}}(x_1, x_2)$"
    if kind == "contour":
        ax = new_ax(ax)
        X, Y, Z = _grid(net, B, output, resolution)
        mappable = ax.contourf(X, Y, Z, levels=levels, cmap=cmap, zorder=0)
        if boundaries:
            from matplotlib.collections import PolyCollection

            ax.add_collection(PolyCollection([polygon(r) for r in rs], facecolors="none",
                                             edgecolors="white", linewidths=1.0, zorder=2))
        if colorbar:
            ax.figure.colorbar(mappable, ax=ax, label=zlabel)
        decorate_2d(ax, B)
        return ax
    ax, mappable = _graph_3d(net, B, rs, output, ax, boundaries, resolution, cmap, zlabel)
    if colorbar:
        ax.figure.colorbar(mappable, ax=ax, label=zlabel, shrink=0.6, pad=0.08)
    return ax


def _grid(net: Network, B: np.ndarray, output: int, resolution: int) -> tuple[np.ndarray, ...]:
    """The output on a ``resolution`` by ``resolution`` grid over the box: ``X, Y, Z``."""
    X, Y = np.meshgrid(np.linspace(*B[0], resolution), np.linspace(*B[1], resolution))
    Z = net.forward(np.column_stack([X.ravel(), Y.ravel()]))[:, output].reshape(X.shape)
    return X, Y, Z


def _graph_3d(net: Network, B: np.ndarray, rs: Any, output: int, ax: Any, boundaries: bool,
              resolution: int, cmap: Any, zlabel: str) -> tuple[Any, Any]:
    """The graph in 3-D: one flat facet per region (piecewise linear), else a grid surface.

    Returns the 3-D axes and what a colour bar reads its colours from.
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.figure(layout="constrained").add_subplot(projection="3d")
    elif getattr(ax, "name", "") != "3d":
        raise ValueError("kind='3d' needs a 3-D axes: fig.add_subplot(projection='3d')")
    cm = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
    if net.piecewise_linear:
        from mpl_toolkits.mplot3d.art3d import Poly3DCollection

        polys = [polygon(r) for r in rs]
        heights = [p @ np.asarray(r.M, dtype=float)[output] + float(r.d[output])
                   for r, p in zip(rs, polys, strict=True)]
        allz = np.concatenate(heights)
        lo, hi = float(allz.min()), float(allz.max())
        norm = mpl.colors.Normalize(lo, hi if hi > lo else lo + 1)
        facets = [np.column_stack([p, z]) for p, z in zip(polys, heights, strict=True)]
        ax.add_collection3d(Poly3DCollection(
            facets, facecolors=cm(norm(np.array([h.mean() for h in heights]))),
            edgecolors="0.15" if boundaries else "none", linewidths=0.6))
        ax.set_zlim(lo, hi if hi > lo else lo + 1)
        mappable: Any = mpl.cm.ScalarMappable(norm=norm, cmap=cm)
    else:
        mappable = ax.plot_surface(*_grid(net, B, output, min(resolution, 80)), cmap=cm,
                                   linewidth=0, antialiased=True)
    ax.set_xlim(*B[0])
    ax.set_ylim(*B[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_zlabel(zlabel, labelpad=8)
    ax.locator_params(nbins=5)
    return ax, mappable
