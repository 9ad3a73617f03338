"""Curves of one input: a network and its breakpoints, fits over data, single neurons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import activations, validate
from ..formatting import linear, number
from ..network import Network
from ..regions import regions
from .style import LINE_COLORS, new_ax

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["activation_functions", "breakpoints_1d", "fit"]


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
        The interval ``[(lo, hi)]``, or just ``(lo, hi)``.
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
    validate.network(net)
    if net.n_inputs != 1 or net.n_outputs != 1:
        raise ValueError(
            f"breakpoints_1d plots networks with 1 input and 1 output; this one is "
            f"{net.n_inputs}-to-{net.n_outputs} (use partition or surface for 2 inputs)"
        )
    (lo, hi), = validate.box(box, 1, net.exact)
    rs = regions(net, [(lo, hi)])
    ends = sorted({v for r in rs for v in np.asarray(r.vertices).ravel()})
    xs = np.array([float(v) for v in ends])
    ys = net.forward(xs[:, None])[:, 0]
    inner_x, inner_y = xs[1:-1], ys[1:-1]
    ax = new_ax(ax)
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
        top.set_xticks(inner_x, [f"${number(v)}$" for v in ends[1:-1]])
        top.tick_params(colors="0.3")
    if hinges:
        lays = net.layers
        if len(lays) != 2 or lays[0].act.slopes != (0, 1) or not lays[1].act.identity:
            raise ValueError("hinges=True needs one hidden ReLU layer and an identity output")
        unit = lays[0].act
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
            term = unit.latex(linear([W[j]], b[j], ["x"]), written_out=False)
            # A thin space: mathtext, unlike TeX, sets none before \max.
            label = linear([a[j]], 0, [term], times=r"\,")
            ax.plot(px, py, linestyle="--", linewidth=1.4,
                    color=LINE_COLORS[(j + 1) % len(LINE_COLORS)], label=f"${label}$")
        if float(c) != 0:
            ax.axhline(float(c), color="0.4", linestyle="-.", linewidth=1.2,
                       label=f"$c = {number(c)}$")
        ax.legend(loc="best", framealpha=0.9)
    ax.set_xlim(float(lo), float(hi))
    ax.set_xlabel("$x$")
    ax.set_ylabel("$f(x)$")
    return ax


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
    ax = new_ax(ax)
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
    names: Sequence[str] | None = None,
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
        Activation names, each in :data:`~reluineq.ACTIVATIONS`; all of them by default.
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
    ['$y = x$', '$y = \\max(0, x)$', '$y = \\operatorname{lrelu}_{\\frac{1}{100}}(x)$',
     '$y = \\sigma(x)$']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    if names is None:
        names = activations.names()
    elif isinstance(names, str):
        names = [names]
    entries = [activations.lookup(name) for name in names]
    if not entries:
        raise ValueError("give at least one activation name")
    if ax is None:
        fig, axes = plt.subplots(len(entries), 1, figsize=(5.0, 2.2 * len(entries)),
                                 layout="constrained", squeeze=False, sharex=True)
        axes = list(axes[:, 0])
    else:
        axes = list(ax) if isinstance(ax, (Sequence, np.ndarray)) else [ax]
        if len(axes) != len(entries):
            raise ValueError(f"{len(axes)} axes for {len(entries)} activations")
        fig = axes[0].figure
    xs = np.linspace(*xlim, 401)
    z = weight * xs + bias
    inner = linear([weight], bias, ["x"])
    for k, (a, act) in enumerate(zip(axes, entries, strict=True)):
        a.axhline(0, color="0.6", linewidth=0.8, zorder=0)
        a.axvline(0, color="0.6", linewidth=0.8, zorder=0)
        if weight != 0 and xlim[0] < -bias / weight < xlim[1]:
            a.axvline(-bias / weight, color="0.4", linestyle=":", linewidth=1.2, zorder=0)
        a.plot(xs, act.apply(z), color=LINE_COLORS[k % len(LINE_COLORS)], linewidth=2.2)
        a.set_title(f"$y = {act.latex(inner, written_out=False)}$")
        a.set_xlim(*xlim)
        a.set_ylabel("$y$")
    axes[-1].set_xlabel("$x$")
    return fig
