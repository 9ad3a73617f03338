"""Exact enumeration of the linear regions of a ReLU network inside a box.

:func:`regions` refines the box layer by layer. The geometry is held by an engine of
:mod:`reluineq.engines` (polygons in 2-D, vertex sets in a few dimensions, inequality
systems split by LPs in many) and the result is a :class:`~reluineq.partition.Partition`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

import numpy as np

from . import validate
from .engines import arrangement
from .engines.common import check_float_box, check_preactivations, unit_id
from .engines.halfspaces import HALFSPACE_DIMS, Halfspaces
from .engines.polygons import Polygons
from .engines.polytopes import Polytopes
from .network import Layer, Network
from .partition import Enumeration, Partition, SwitchLayer

__all__ = ["ARRANGEMENT_LIMIT", "TooManyRegionsError", "regions"]

#: Float 2-D layers are cut all at once (see :func:`.engines.arrangement.cut_layer`) while
#: units times vertices stays below this; beyond it the dense unit-by-vertex arrays cost
#: more than the unit-by-unit split, which skips the polygons a line misses.
ARRANGEMENT_LIMIT = 200_000

#: The engines' geometries, one of which holds the regions while they are split.
Geometry = Polygons | Polytopes | Halfspaces

_METHODS = ("auto", "polygon", "vertex", "halfspace")


class TooManyRegionsError(RuntimeError):
    """The enumeration passed the ``max_regions`` limit given to :func:`regions`."""


def _too_many(max_regions: int, where: str) -> str:
    return (f"more than max_regions={max_regions} regions after {where}; raise the limit "
            "or shrink the box")


def _split_layer(
    geom: Geometry, G: np.ndarray, unit0: int, max_regions: int | None, li: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Split every region by each of a ReLU layer's hyperplanes in turn, in place.

    Returns each region's parent among the regions before the layer (``origin``) and its
    bits for the layer's units.
    """
    n_out = G.shape[0]
    origin = np.arange(geom.count)
    sides, cuts, before = [], [], []
    for j in range(n_out):
        before.append(len(origin))
        cut, side = geom.split(G[j], origin, unit0 + j)
        if len(cut):
            origin = np.concatenate([origin, origin[cut]])
        sides.append(side)
        cuts.append(cut)
        if max_regions is not None and geom.count > max_regions:
            raise TooManyRegionsError(_too_many(max_regions, f"unit {j} of layer {li}"))
        if progress is not None:
            progress(int(geom.count))
    # Each region's bit for unit j is that of its ancestor right after unit j split;
    # walking back through the cuts finds it without copying the bits at every unit.
    bits = np.empty((geom.count, n_out), dtype=np.int8)
    ids = np.arange(geom.count)
    for j in reversed(range(n_out)):
        bits[:, j] = sides[j][ids]
        born = ids >= before[j]
        if born.any():
            ids = np.where(born, cuts[j][np.where(born, ids - before[j], 0)], ids)
    return origin, bits


def regions(
    net: Network,
    box: Iterable[Any],
    *,
    max_regions: int | None = None,
    method: str = "auto",
    progress: Callable[[int], None] | None = None,
) -> Partition:
    """Every linear region of a ReLU network inside an axis-aligned box.

    The box is refined layer by layer: each region carries the affine map of the
    current layer's pre-activations, and each unit's hyperplane splits the regions it
    crosses. The work grows with the number of regions that exist, not with the
    ``2**N`` activation patterns. Regions have positive volume, cover the box and do not
    overlap.

    Parameters
    ----------
    net
        A network whose layers are ReLU or identity (sigmoid layers have no linear
        regions and raise ``ValueError``).
    box
        ``[(low, high), ...]``, one finite interval per input.
    max_regions
        Stop with :class:`TooManyRegionsError` as soon as more regions than this exist.
    method
        ``"polygon"`` (2-D only: a float layer in general position is cut by all its
        lines at once, as a line arrangement in each polygon; other layers by vectorised
        polygon clipping, unit by unit), ``"vertex"`` (any dimension: vertex/active-set
        splitting from the box's ``2**n`` corners), ``"halfspace"`` (any dimension:
        inequality systems split by LPs, see :mod:`reluineq.engines.halfspaces`) or
        ``"auto"`` (polygon in 2-D, half-space from
        :data:`~reluineq.engines.halfspaces.HALFSPACE_DIMS` inputs on, vertex between).
    progress
        Called with the number of regions so far (an ``int``, never decreasing) after
        each unit's hyperplane has cut them, or after a whole layer where it is cut at
        once; the command line draws its progress bar with it.

    Returns
    -------
    Partition
        A sequence of :class:`Region` that knows its network and box.

    Notes
    -----
    For a float network a vertex within :data:`~reluineq.tolerances.TOL` of a hyperplane
    counts as lying on
    it, so slivers thinner than ``TOL`` are not regions; ReLU(0) counts as off and a
    constant-zero unit is off. An exact network is enumerated in rational arithmetic with
    no tolerance. On region ``r`` with pattern ``s``, unit ``j`` of a layer with
    pre-activation ``z_j(x) = w_j x + b_j`` contributes the inequality

    .. math:: (2 s_j - 1)(w_j x + b_j) \\ge 0 ,

    kept only where it is a facet of the region.

    Examples
    --------
    Two units whose lines cross at the origin cut the square into four regions:

    >>> net = Network.from_arrays([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]],
    ...                           ["relu", "identity"])
    >>> rs = regions(net, box=[(-1, 1), (-1, 1)])
    >>> sorted(r.pattern for r in rs)
    [(0, 0), (0, 1), (1, 0), (1, 1)]

    On the region where only the first unit is active, ``x >= 0`` and ``y <= 0`` (the
    unit rows), with the box's ``x <= 1`` and ``y >= -1``; the network is ``x`` there:

    >>> import sympy as sp
    >>> r = next(r for r in rs if r.pattern == (1, 0))
    >>> sp.Matrix(r.A), sp.Matrix(r.c)
    (Matrix([
    [-1, 0],
    [ 0, 1],
    [ 1, 0],
    [ 0, -1]]), Matrix([
    [0],
    [0],
    [1],
    [1]]))
    >>> sp.Matrix(r.M), sp.Matrix(r.d)
    (Matrix([[1, 0]]), Matrix([[0]]))
    """
    validate.network(net, needs="linear regions")
    # bool is an int in Python; True must not silently mean a limit of one region.
    if max_regions is not None:
        validate.count(max_regions, "max_regions", 1)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a function of the region count, got {progress!r}")
    B = validate.box(box, net.n_inputs, net.exact)
    geom = _engine(method, B, net.exact)
    enum = Enumeration(net, B)
    H = _identity_maps(net.n_inputs, net.exact)
    first_unit = 0
    for li, layer in enumerate(net.layers):
        G = _preactivations(layer, H)
        if not net.exact:
            check_preactivations(G, B)
        if layer.act.identity:
            H = G
            continue
        geom, origin, bits = _cut(geom, G, unit_id(net.n_inputs, first_unit), max_regions, li,
                                  progress)
        enum.switch_layers.append(
            SwitchLayer(li, first_unit, G, origin, bits, len(enum.switch_layers)))
        first_unit += layer.n_out
        H = np.take(G, origin, axis=1)
        H *= layer.act.gate(bits, net.exact).T[:, :, None]
    _finish(enum, geom, H)
    return Partition(enum)


def _engine(method: str, B: np.ndarray, exact: bool) -> Geometry:
    """The engine ``method`` names, holding the box as the one region: for ``"auto"``,
    polygons in 2-D, the half-space engine from
    :data:`~reluineq.engines.halfspaces.HALFSPACE_DIMS` inputs on, else vertex sets."""
    n = len(B)
    if not exact:
        check_float_box(B)
    if method not in _METHODS:
        raise ValueError(f"unknown method {method!r}; expected 'auto', 'polygon', 'vertex' "
                         "or 'halfspace'")
    if method == "polygon" and n != 2:
        raise ValueError(f"method 'polygon' needs a 2-D input, this network has {n}")
    if method == "polygon" or (method == "auto" and n == 2):
        return Polygons(B, exact)
    if method == "halfspace" or (method == "auto" and n >= HALFSPACE_DIMS):
        return Halfspaces(B, exact)
    return Polytopes(B, exact)


def _identity_maps(n: int, exact: bool) -> np.ndarray:
    """``x`` itself as maps ``(n, 1, n + 1)``: unit-major, one region, ``[coef | const]``.

    Unit-major makes each layer's maps one matrix product.
    """
    H = np.zeros((n, 1, n + 1), dtype=object if exact else float)
    if exact:
        H[:] = Fraction(0)
    for k in range(n):
        H[k, 0, k] = Fraction(1) if exact else 1.0
    return H


#: Products with more multiply-adds than this are not handed to BLAS. OpenBLAS runs
#: larger ones on several threads, which spin-wait for each other when the machine is
#: busy and then take ten to a hundred times longer; NumPy's own loop (einsum) starts no
#: threads. Below it OpenBLAS stays on one thread (its GEMM threshold is 65536 x 4).
BLAS_LIMIT = 65536 * 4


def _preactivations(layer: Layer, H: np.ndarray) -> np.ndarray:
    """The layer's pre-activations ``W h + b`` as maps of ``x`` on every region."""
    k_in, R, m = H.shape
    H2 = H.reshape(k_in, -1)
    W = layer.weight
    # A float product past float64's range becomes inf or NaN quietly: check_preactivations
    # then refuses the layer with FloatRangeError, which a RuntimeWarning here (an
    # exception under -W error) would pre-empt.
    with np.errstate(over="ignore", invalid="ignore"):
        if W.dtype == object or W.size * H2.shape[1] <= BLAS_LIMIT:
            G = W @ H2
        else:
            G = np.einsum("ij,jk->ik", W, H2)
        G = G.reshape(layer.n_out, R, m)
        G[:, :, -1] += layer.bias[:, None]
    return G


def _cut(
    geom: Geometry, G: np.ndarray, unit0: int, max_regions: int | None, li: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[Geometry, np.ndarray, np.ndarray]:
    """Cut every region by the layer's hyperplanes: all at once when the arrangement
    engine takes the layer, else unit by unit. Returns the engine (the arrangement makes
    a new one), each region's parent before the layer, and its bits for the layer."""
    if (isinstance(geom, Polygons) and not geom.exact
            and G.shape[0] * int(geom.size.sum()) <= ARRANGEMENT_LIMIT):
        # With a limit the arrangement declines a layer that may pass it, so that the
        # unit-by-unit split below refuses it having held no more regions than that.
        done = arrangement.cut_layer(geom, G, unit0, max_regions)
        if done is not None:
            if max_regions is not None and done[0].count > max_regions:
                raise TooManyRegionsError(_too_many(max_regions, f"layer {li}"))
            if progress is not None:
                progress(int(done[0].count))
            return done
    origin, bits = _split_layer(geom, G, unit0, max_regions, li, progress)
    return geom, origin, bits


def _finish(enum: Enumeration, geom: Geometry, H: np.ndarray) -> None:
    """Store the final regions: geometry, maps, and each one's ancestors and pattern."""
    enum.geometry = geom
    count = geom.count
    chain = np.arange(count)
    ancestors, pats = [], []
    for info in reversed(enum.switch_layers):
        pats.append(info.bits[chain])
        chain = info.origin[chain]
        ancestors.append(chain)
    enum.ancestors = ancestors[::-1]
    enum.patterns = (
        np.concatenate(pats[::-1], axis=1) if pats else np.zeros((count, 0), dtype=np.int8)
    )
    maps = np.ascontiguousarray(np.swapaxes(H, 0, 1))  # (region, output, n + 1)
    enum.maps = maps if len(maps) == count else np.repeat(maps, count, axis=0)
