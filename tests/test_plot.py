"""Tests of reluineq.plot: the figures draw what the regions say, deterministically."""

import io
import subprocess
import sys
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from reluineq import Network, regions
from reluineq import plot as P

BOX = [(-2, 2), (-2, 2)]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def three_lines() -> Network:
    """Lines x1 = x2, x1 + x2 = 1, x2 = -1/2: seven regions in the box."""
    return Network(
        [[[1, -1], [1, 1], [0, 1]], [[1, -1, 2]]],
        [[0, -1, Fraction(1, 2)], [0]],
        ["relu", "identity"],
    )


def deep() -> Network:
    return Network.random([2, 8, 8, 1], seed=3)


def shoelace(v: np.ndarray) -> float:
    x, y = v[:, 0], v[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60, metadata={"Software": None})
    return buf.getvalue()


def face_by_pattern(ax, rs) -> dict:
    faces = ax.collections[0].get_facecolor()
    return {r.pattern: tuple(faces[i]) for i, r in enumerate(rs)}


# -- partition -------------------------------------------------------------------------------


@pytest.mark.parametrize("net", [three_lines(), deep()], ids=["exact-3", "float-2-8-8-1"])
def test_partition_one_polygon_per_region_covering_the_box(net):
    rs = regions(net, BOX)
    ax = P.partition(net, BOX)
    paths = ax.collections[0].get_paths()
    assert len(paths) == len(rs)
    areas = [shoelace(p.vertices[:-1] if np.allclose(p.vertices[0], p.vertices[-1])
                      else p.vertices) for p in paths]
    assert all(a > 0 for a in areas)
    assert sum(areas) == pytest.approx(16.0)


def test_partition_accepts_regions_and_net_alike():
    net = three_lines()
    rs = regions(net, BOX)
    a = face_by_pattern(P.partition(net, BOX), rs)
    b = face_by_pattern(P.partition(rs, annotate=True, highlight=2), rs)
    assert a == b


def test_few_patterns_get_distinct_colours():
    rs = regions(three_lines(), BOX)
    assert len(rs) == 7
    colours = face_by_pattern(P.partition(rs), rs)
    assert len(set(colours.values())) == 7


def test_neighbouring_regions_differ_in_colour():
    net = deep()
    rs = regions(net, BOX)
    assert len(rs) > len(P.REGION_COLORS)
    colours = face_by_pattern(P.partition(net, BOX), rs)
    # Independent of the plot's own adjacency: step across random points of every edge.
    rng = np.random.default_rng(0)
    checked = 0
    for r in rs:
        v = np.asarray(r.vertices, dtype=float)
        e = np.roll(v, -1, axis=0) - v
        nrm = np.column_stack([e[:, 1], -e[:, 0]])
        nrm /= np.hypot(nrm[:, 0], nrm[:, 1])[:, None]
        p = v + rng.uniform(0.2, 0.8, len(v))[:, None] * e
        inside, outside = p - 1e-7 * nrm, p + 1e-7 * nrm
        ok = np.all(np.abs(outside) < 2, axis=1)
        for a, b in zip(net.pattern(inside[ok]), net.pattern(outside[ok]), strict=True):
            a, b = tuple(int(t) for t in a), tuple(int(t) for t in b)
            if a != b:
                checked += 1
                assert colours[a] != colours[b]
    assert checked > 50


def test_layer1_colours_follow_the_first_layer_pattern():
    net = deep()
    rs = regions(net, BOX)
    colours = face_by_pattern(P.partition(rs, color_by="layer1"), rs)
    by_first: dict = {}
    for pat, c in colours.items():
        by_first.setdefault(pat[:8], set()).add(c)
    assert all(len(cs) == 1 for cs in by_first.values())
    assert len(by_first) < len(rs)


def test_output_colouring_orders_regions_by_value():
    net = three_lines()
    rs = regions(net, BOX)
    ax = P.partition(net, BOX, color_by="output", cmap="gray", legend=True)
    grey = ax.collections[0].get_facecolor()[:, 0]
    vals = [float(net.forward(np.asarray(r.point, dtype=float))[0]) for r in rs]
    lo, hi = int(np.argmin(vals)), int(np.argmax(vals))
    assert grey[lo] == pytest.approx(0) and grey[hi] == pytest.approx(1)
    assert len(ax.figure.axes) == 2  # the colour bar


def test_annotations_sit_inside_their_regions_and_read_the_pattern():
    net = Network.random([2, 2, 2, 1], seed=0)
    rs = regions(net, BOX)
    ax = P.partition(rs, annotate=True)
    assert len(ax.texts) == len(rs)
    for r, t in zip(rs, ax.texts, strict=True):
        bits = "".join(map(str, r.pattern))
        assert t.get_text() == bits[:2] + "|" + bits[2:]
        assert r.contains(t.get_position(), tol=0)


def test_highlight_outlines_the_named_region():
    net = three_lines()
    rs = regions(net, BOX)
    target = next(r for r in rs if r.pattern == (1, 1, 0))
    for which in ("110", (1, 1, 0), target, rs.index(target)):
        ax = P.partition(rs, highlight=which)
        (patch,) = ax.patches
        assert patch.get_hatch() == "//"
        np.testing.assert_allclose(patch.get_xy()[:-1], np.asarray(target.vertices, float))
    with pytest.raises(ValueError, match="no region"):
        P.partition(rs, highlight="000111")
    with pytest.raises(ValueError, match="out of range"):
        P.partition(rs, highlight=99)


def test_partition_axes_layout():
    _, ax = plt.subplots()
    assert P.partition(three_lines(), [(-1, 3), (0, 2)], ax=ax) is ax
    assert ax.get_xlim() == (-1, 3) and ax.get_ylim() == (0, 2)
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"
    assert ax.get_aspect() == 1.0


def test_partition_bad_input():
    one_d = Network([[[1]], [[1]]], [[0], [0]], ["relu", "identity"])
    with pytest.raises(ValueError, match="2 inputs"):
        P.partition(one_d, [(-1, 1)])
    with pytest.raises(ValueError, match="box"):
        P.partition(three_lines())
    with pytest.raises(ValueError, match="color_by"):
        P.partition(three_lines(), BOX, color_by="rainbow")
    with pytest.raises(ValueError, match="no regions given"):
        P.partition([])
    with pytest.raises(TypeError, match=r"region 0 is a str, not a reluineq\.Region"):
        P.partition(["10"])
    with pytest.raises(ValueError, match="legend"):
        P.partition(deep(), BOX, legend=True)


# -- hyperplanes ---------------------------------------------------------------------------


def test_first_layer_lines_are_clipped_to_the_box():
    ax = P.hyperplanes(three_lines(), BOX)
    segs = [c.get_segments() for c in ax.collections]
    assert [len(s) for s in segs] == [1, 1, 1]
    np.testing.assert_allclose(segs[0][0], [[-2, -2], [2, 2]])
    np.testing.assert_allclose(segs[1][0], [[-1, 2], [2, -1]])
    np.testing.assert_allclose(segs[2][0], [[-2, -0.5], [2, -0.5]])


def test_arrows_point_into_the_active_side():
    net = three_lines()
    ax = P.hyperplanes(net, BOX)
    arrows = [t for t in ax.texts if t.get_text() == ""]
    assert len(arrows) == 3
    for j, arrow in enumerate(arrows):
        tip = np.asarray(arrow.xy, dtype=float)
        z = net.preactivations(tip)[0][j]
        assert z > 0
    labels = [t.get_text() for t in ax.texts if t.get_text()]
    assert labels == ["$h_{1}$", "$h_{2}$", "$h_{3}$"]


def test_deeper_layer_lines_are_where_its_units_switch():
    net = Network.random([2, 4, 3, 1], seed=0)
    ax = P.hyperplanes(net, BOX, layer=1, arrows=False, shade=True)
    line_colls = [c for c in ax.collections if type(c).__name__ == "LineCollection"]
    assert len(line_colls) == 3
    for j, coll in enumerate(line_colls):
        ends = np.concatenate(coll.get_segments())
        z = net.preactivations(ends)[1][:, j]
        np.testing.assert_allclose(z, 0, atol=1e-9)
    bent = max(len(c.get_segments()) for c in line_colls)
    assert bent > 1  # bent lines: several straight pieces


def test_constant_units_draw_no_line():
    net = Network([[[0, 0], [0, 0], [1, 0]], [[1, 1, 1]]], [[0, 1, 0], [0]],
                  ["relu", "identity"])
    ax = P.hyperplanes(net, BOX, shade=True)
    lines = [c for c in ax.collections if type(c).__name__ == "LineCollection"]
    assert [len(c.get_segments()) for c in lines] == [0, 0, 1]
    labels = [t.get_text() for t in ax.texts if t.get_text()]
    assert labels == ["$h_{3}$"]


def test_hyperplanes_bad_input():
    with pytest.raises(ValueError, match="layer 5 is out of range: the network has 2 layers"):
        P.hyperplanes(three_lines(), BOX, layer=5)
    with pytest.raises(ValueError, match="unit 7 is out of range: layer 0 has 3 units"):
        P.hyperplanes(three_lines(), BOX, units=[7])
    with pytest.raises(ValueError, match="2 inputs"):
        P.hyperplanes(Network([[[1, 1, 1]]], [[0]], ["relu"]), [(0, 1)] * 3)


# -- breakpoints_1d ------------------------------------------------------------------------


def hinge_net() -> Network:
    # f(x) = relu(2x + 1) - relu(-x + 1) + 3 relu(4x - 3): kinks at -1/2, 1, 3/4.
    return Network([[[2], [-1], [4]], [[1, -1, 3]]], [[1, 1, -3], [0]], ["relu", "identity"])


def test_breakpoints_at_minus_b_over_w():
    net = hinge_net()
    ax = P.breakpoints_1d(net, (-2, 2))
    pts = ax.collections[0].get_offsets()
    np.testing.assert_allclose(pts[:, 0], [-0.5, 0.75, 1.0])
    np.testing.assert_allclose(pts[:, 1], net.forward(pts[:, :1])[:, 0])
    (curve,) = [ln for ln in ax.lines if ln.get_label() == "$f(x)$"]
    x, y = curve.get_data()
    np.testing.assert_allclose(x, [-2, -0.5, 0.75, 1.0, 2])
    # Straight between breakpoints, so the polyline is the function everywhere.
    grid = np.linspace(-2, 2, 101)
    np.testing.assert_allclose(np.interp(grid, x, y), net.forward(grid[:, None])[:, 0])
    assert ax.get_xlim() == (-2, 2)


def test_hinge_terms_sum_to_the_network():
    net = hinge_net()
    ax = P.breakpoints_1d(net, [(-2, 2)], hinges=True, label_breakpoints=True)
    dashed = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert len(dashed) == 3
    grid = np.linspace(-2, 2, 41)
    total = sum(np.interp(grid, *ln.get_data()) for ln in dashed)
    np.testing.assert_allclose(total, net.forward(grid[:, None])[:, 0])
    assert [ln.get_label() for ln in dashed] == [
        r"$\max(0, 2 x + 1)$", r"$-\max(0, -x + 1)$", r"$3\,\max(0, 4 x - 3)$"]
    assert ax.get_legend() is not None


def test_breakpoints_outside_the_interval_are_not_drawn():
    ax = P.breakpoints_1d(hinge_net(), (0, 0.7))
    assert len(ax.collections[0].get_offsets()) == 0


def test_breakpoints_1d_bad_input():
    with pytest.raises(ValueError, match="1 input and 1 output"):
        P.breakpoints_1d(three_lines(), BOX)
    with pytest.raises(ValueError, match="1 input and 1 output"):
        P.breakpoints_1d(Network([[[1], [2]]], [[0, 0]], ["relu"]), (0, 1))
    with pytest.raises(ValueError, match="interval"):
        P.breakpoints_1d(hinge_net(), (1, 0))
    with pytest.raises(ValueError, match="one hidden ReLU layer"):
        P.breakpoints_1d(Network.random([1, 3, 3, 1]), (-1, 1), hinges=True)


# -- surface -------------------------------------------------------------------------------


def test_contour_surface_with_boundaries():
    net = three_lines()
    fig, ax = plt.subplots()
    assert P.surface(net, BOX, ax=ax) is ax
    bounds = [c for c in ax.collections if type(c).__name__ == "PolyCollection"]
    assert len(bounds) == 1 and len(bounds[0].get_paths()) == 7
    assert len(fig.axes) == 2  # colour bar


def test_3d_facets_lie_on_the_graph():
    net = deep()
    rs = regions(net, BOX)
    ax = P.surface(net, BOX, kind="3d")
    facets = ax.collections[0]
    assert len(facets.get_facecolor()) == len(rs)
    # Each facet is flat, so the extremes of the graph are at facet corners.
    corners = np.concatenate([np.asarray(r.vertices, dtype=float) for r in rs])
    heights = net.forward(corners)[:, 0]
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 50), np.linspace(-2, 2, 50)), -1)
    values = net.forward(grid.reshape(-1, 2))[:, 0]
    assert heights.min() <= values.min() and values.max() <= heights.max()
    np.testing.assert_allclose(ax.get_zlim(), (heights.min(), heights.max()))


def test_sigmoid_surface_has_no_boundaries():
    sig = Network.random([2, 3, 1], seed=0, hidden="sigmoid")
    ax = P.surface(sig, BOX)
    assert not [c for c in ax.collections if type(c).__name__ == "PolyCollection"]
    P.surface(sig, BOX, kind="3d")
    with pytest.raises(ValueError, match="sigmoid"):
        P.surface(sig, BOX, boundaries=True)


def test_surface_bad_input():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="3-D axes"):
        P.surface(three_lines(), BOX, ax=ax, kind="3d")
    with pytest.raises(ValueError, match="kind"):
        P.surface(three_lines(), BOX, kind="wireframe")
    with pytest.raises(ValueError, match="2 inputs"):
        P.surface(hinge_net(), [(0, 1)])
    with pytest.raises(ValueError, match="output 1"):
        P.surface(three_lines(), BOX, output=1)


# -- fit and activation_functions ----------------------------------------------------------


def test_fit_draws_every_kind_of_curve():
    x = np.array([2.0, -1.0, 0.0, 1.0])
    y = x**2
    ax = P.fit(x, y, {"f": np.square, "net": hinge_net(), "vals": y, "pair": ([0, 1], [1, 0])})
    lines = {ln.get_label(): ln.get_data() for ln in ax.lines}
    assert list(lines) == ["f", "net", "vals", "pair"]
    np.testing.assert_allclose(lines["vals"][0], [-1, 0, 1, 2])  # sorted by x
    np.testing.assert_allclose(lines["vals"][1], [1, 0, 1, 4])
    gx, gy = lines["net"]
    np.testing.assert_allclose(gy, hinge_net().forward(gx[:, None])[:, 0])
    np.testing.assert_allclose(ax.collections[0].get_offsets(), np.column_stack([x, y]))


def test_fit_bad_input():
    with pytest.raises(ValueError, match="1-D of equal length"):
        P.fit([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="values for"):
        P.fit([1, 2, 3], [1, 2, 3], {"bad": [1, 2]})
    with pytest.raises(ValueError, match="1 input and 1 output"):
        P.fit([1, 2], [1, 2], {"net": three_lines()})


def test_activation_functions_panels():
    fig = P.activation_functions(weight=2, bias=-1)
    assert len(fig.axes) == 4  # every entry of the table
    x, y = fig.axes[1].lines[-1].get_data()
    np.testing.assert_allclose(y, np.maximum(0, 2 * x - 1))
    assert fig.axes[1].get_title() == r"$y = \max(0, 2 x - 1)$"
    _, axes = plt.subplots(1, 2)
    assert P.activation_functions(["relu", "sigmoid"], ax=axes) is axes[0].figure
    with pytest.raises(ValueError, match="unknown activation"):
        P.activation_functions(["tanh"])
    with pytest.raises(ValueError, match="2 axes for 1"):
        P.activation_functions(["relu"], ax=axes)


# -- every figure --------------------------------------------------------------------------

FIGURES = {
    "partition": lambda ax: P.partition(deep(), BOX, ax=ax, annotate=True, highlight=0),
    "hyperplanes": lambda ax: P.hyperplanes(deep(), BOX, layer=1, ax=ax, shade=True),
    "breakpoints_1d": lambda ax: P.breakpoints_1d(hinge_net(), (-2, 2), ax=ax, hinges=True),
    "surface": lambda ax: P.surface(three_lines(), BOX, ax=ax),
    "fit": lambda ax: P.fit([0, 1, 2], [1, 0, 2], {"line": lambda t: t}, ax=ax),
}


@pytest.mark.parametrize("name", FIGURES)
def test_returns_the_given_axes(name):
    _, ax = plt.subplots()
    assert FIGURES[name](ax) is ax


@pytest.mark.parametrize("name", FIGURES)
def test_same_figure_twice_gives_the_same_png(name):
    images = []
    for _ in range(2):
        fig, ax = plt.subplots(figsize=(4, 3))
        FIGURES[name](ax)
        images.append(png(fig))
        plt.close(fig)
    assert images[0] == images[1]


def test_same_3d_and_panel_figures_twice():
    assert png(P.surface(deep(), BOX, kind="3d").figure) == png(
        P.surface(deep(), BOX, kind="3d").figure
    )
    assert png(P.activation_functions()) == png(P.activation_functions())


def test_region_colours_are_pale_enough_for_black_text():
    for c in P.REGION_COLORS:
        r, g, b, _ = to_rgba(c)
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4


def test_importing_the_module_does_not_import_matplotlib():
    code = "import sys, reluineq.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
