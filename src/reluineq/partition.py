"""The result of :func:`reluineq.regions`: a partition of a box into linear regions.

A :class:`Partition` is a sequence of :class:`Region` objects that knows the network and
the box it was computed for, so that functions taking regions (:func:`reluineq.check_regions`,
:func:`reluineq.latex.piecewise`, :func:`reluineq.symbolic.piecewise`) need nothing else.
Each region reads its data lazily from the one :class:`Enumeration` that
:func:`~reluineq.regions` filled in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from .engines.common import decode_id
from .network import Network
from .tolerances import TOL

if TYPE_CHECKING:
    from .engines.halfspaces import Halfspaces
    from .engines.polygons import Polygons
    from .engines.polytopes import Polytopes

__all__ = ["Enumeration", "Partition", "Region", "SwitchLayer", "polygon_area_centroid"]


@dataclass(frozen=True)
class SwitchLayer:
    """What the enumeration kept of one layer whose units switch (a ReLU layer).

    ``maps[j, r]`` is unit ``j``'s pre-activation ``(w, b)`` on region ``r`` as it was
    when the layer began, ``origin`` each region's parent then and ``bits`` its bits for
    the layer's units; ``first`` is the layer's first unit in a pattern and ``k`` the
    layer's position among the switching layers.
    """

    layer: int
    first: int
    maps: np.ndarray
    origin: np.ndarray
    bits: np.ndarray
    k: int


class Enumeration:
    """Everything :func:`reluineq.regions` computed, from which each :class:`Region` reads.

    Attributes
    ----------
    net, box
        The network and the ``(n, 2)`` box.
    switch_layers : list of SwitchLayer
        One per layer whose units switch, in order.
    patterns : numpy.ndarray
        ``(regions, n_relu_units)`` bits.
    maps : numpy.ndarray
        ``(regions, outputs, n + 1)``: each region's ``[M | d]``.
    ancestors : list of numpy.ndarray
        For each switching layer, every region's ancestor when that layer began.
    geometry
        The engine holding the regions' vertices and tight constraints.
    """

    def __init__(self, net: Network, box: np.ndarray) -> None:
        self.net = net
        self.box = box
        self.n = net.n_inputs
        self.exact = net.exact
        self.switch_layers: list[SwitchLayer] = []
        self.patterns: np.ndarray
        self.maps: np.ndarray
        self.ancestors: list[np.ndarray] = []
        self.geometry: Polygons | Polytopes | Halfspaces

    @property
    def count(self) -> int:
        return len(self.maps)

    def vertices(self, i: int) -> np.ndarray:
        return self.geometry.vertices(i)

    def point(self, i: int) -> np.ndarray:
        """A point of region ``i``'s interior: the engine's own (the half-space engine
        keeps one deep inside each region) or the mean of the vertices."""
        own = getattr(self.geometry, "point", None)
        if own is not None:
            return own(i)
        v = self.vertices(i)
        return v.sum(axis=0) / len(v)

    def volume(self, i: int) -> Any:
        """Region ``i``'s volume from its vertices; ``None`` where the engine does not list
        them (the half-space engine above its ``VOLUME_DIMS`` inputs)."""
        if not getattr(self.geometry, "lists_vertices", True):
            return None
        return _volume(self.vertices(i))

    def system(self, i: int) -> tuple[np.ndarray, np.ndarray, tuple]:
        """Region ``i``'s ``(A, c, labels)``: unit rows in unit order, then box faces."""
        n = self.n
        one = Fraction(1) if self.exact else 1.0
        rows, rhs, names = [], [], []
        for cid in sorted(self.geometry.constraint_ids(i), key=lambda c: (c < 2 * n, c)):
            kind, a, b = decode_id(cid, n)
            if kind == "box":
                row = np.full(n, 0 * one, dtype=object if self.exact else float)
                row[a] = one if b else -one
                rows.append(row)
                rhs.append(self.box[a, b] if b else -self.box[a, b])
                names.append(("box", a, "high" if b else "low"))
                continue
            info = next(s for s in reversed(self.switch_layers) if s.first <= a)
            j = a - info.first
            g = info.maps[j, self.ancestors[info.k][i]]
            on = self.patterns[i, a]
            rows.append(-g[:-1] if on else g[:-1])
            rhs.append(g[-1] if on else -g[-1])
            names.append(("unit", info.layer, j))
        dtype = object if self.exact else float
        A = np.array(rows, dtype=dtype).reshape(len(rows), n)
        return A, np.array(rhs, dtype=dtype), tuple(names)

    def unit_offsets(self) -> dict[int, int]:
        """For each switching layer's index, the position of its first unit in a pattern."""
        return {s.layer: s.first for s in self.switch_layers}

    def region(self, i: int) -> Region:
        """Region ``i`` as the partition hands it out (a subclass may hand out more)."""
        return Region(self, i)


class _OfEnumeration:
    """What a region and a partition both read from their enumeration."""

    __slots__ = ()
    _e: Enumeration

    @property
    def network(self) -> Network:
        """The network the regions were enumerated for."""
        return self._e.net

    @property
    def box(self) -> np.ndarray:
        """The ``(n, 2)`` box they were enumerated in, of ``Fraction`` in an exact network."""
        return self._e.box


class Region(_OfEnumeration):
    """One linear region: an activation pattern, its polytope and its affine map.

    Attributes
    ----------
    pattern : tuple of int
        One 0/1 entry per ReLU unit, in layer order; 1 means active (``W h + b > 0``
        inside the region).
    A, c : numpy.ndarray
        The region is ``{x in box : A @ x <= c}``; the system is irredundant (every row
        is a facet). Rows come from unit hyperplanes in unit order, then box faces.
    M, d : numpy.ndarray
        On the region, ``net.forward(x) == M @ x + d``.
    point : numpy.ndarray
        A point of the region's interior (the mean of its vertices; for the half-space
        engine, the centre of the largest ball inside the region).
    vertices : numpy.ndarray
        The vertices, ``(k, n)``; in 2-D in counter-clockwise order around the polygon.
    labels : tuple
        For each row of ``A``: ``("unit", layer, unit)`` with ``layer`` the index of the
        layer in the network, or ``("box", axis, "low" | "high")``.

    It also knows its :attr:`volume`, and the :attr:`network` and :attr:`box` of the
    partition it belongs to. In an exact network every array has ``object`` dtype and
    holds ``Fraction``.
    """

    __slots__ = ("_e", "_i", "_sys")

    def __init__(self, enum: Enumeration, index: int) -> None:
        self._e = enum
        self._i = index
        self._sys: tuple[np.ndarray, np.ndarray, tuple] | None = None

    @property
    def pattern(self) -> tuple[int, ...]:
        return tuple(int(b) for b in self._e.patterns[self._i])

    @property
    def M(self) -> np.ndarray:
        return self._e.maps[self._i, :, :-1]

    @property
    def d(self) -> np.ndarray:
        return self._e.maps[self._i, :, -1]

    @property
    def vertices(self) -> np.ndarray:
        return self._e.vertices(self._i)

    @property
    def point(self) -> np.ndarray:
        return self._e.point(self._i)

    @property
    def volume(self) -> Fraction | float | None:
        """Length (1-D), area (2-D, shoelace formula) or volume (convex hull) of the region.

        Exact (``Fraction``) in one and two dimensions for an exact network; a float
        otherwise. In 2-D the vertices' counter-clockwise order makes it positive.
        ``None`` for a region of the half-space engine above
        :data:`~reluineq.engines.halfspaces.VOLUME_DIMS` inputs, whose vertices are not
        listed.
        """
        return self._e.volume(self._i)

    def _system(self) -> tuple[np.ndarray, np.ndarray, tuple]:
        if self._sys is None:
            self._sys = self._e.system(self._i)
        return self._sys

    @property
    def A(self) -> np.ndarray:
        return self._system()[0]

    @property
    def c(self) -> np.ndarray:
        return self._system()[1]

    @property
    def labels(self) -> tuple:
        return self._system()[2]

    def oriented_rows(self) -> list[tuple[str, Any, Any, str]]:
        """Each row of ``A x <= c`` in its natural orientation, in row order.

        A unit row becomes ``("unit", a, b, rel)`` meaning ``a x + b rel 0``, with
        ``a x + b`` the unit's pre-activation on the region and ``rel`` ``">="`` (active)
        or ``"<="`` (inactive); a box row becomes ``("box", axis, bound, rel)`` meaning
        ``x_axis rel bound``. A decision region's row ``("argmax", k, j)``, output ``k``
        at least output ``j``, becomes ``("argmax", a, b, ">=")`` with ``a x + b`` the
        difference of the two outputs on the region (see :mod:`reluineq.decisions`).
        :mod:`reluineq.latex` and :mod:`reluineq.symbolic` write their inequalities from
        these.
        """
        offsets = self._e.unit_offsets()
        pattern = self.pattern
        out: list[tuple[str, Any, Any, str]] = []
        for row, rhs, lab in zip(self.A, self.c, self.labels, strict=True):
            if lab[0] == "unit":
                # Stored as -z <= 0 when active and z <= 0 when inactive, z = a x + b.
                if pattern[offsets[lab[1]] + lab[2]]:
                    out.append(("unit", -np.asarray(row), rhs, ">="))
                else:
                    out.append(("unit", np.asarray(row), -rhs, "<="))
            elif lab[0] == "argmax":
                # Stored as (M_j - M_k) x <= d_k - d_j for f_k >= f_j.
                out.append(("argmax", -np.asarray(row), rhs, ">="))
            elif lab[2] == "low":
                out.append(("box", lab[1], -rhs, ">="))
            else:
                out.append(("box", lab[1], rhs, "<="))
        return out

    def contains(self, x: Any, tol: float = TOL) -> np.ndarray | bool:
        """Whether points ``x`` (``(n,)`` or ``(k, n)``) satisfy ``A x <= c`` (+ ``tol``)."""
        pts = np.asarray(x, dtype=float)
        A = np.asarray(self.A, dtype=float)
        c = np.asarray(self.c, dtype=float)
        inside = np.all(pts @ A.T <= c + tol, axis=-1)
        return bool(inside) if pts.ndim == 1 else inside

    def __repr__(self) -> str:
        bits = "".join(str(b) for b in self.pattern)
        return f"Region(pattern={bits or '()'}, {len(self.A)} inequalities)"


class Partition(_OfEnumeration, Sequence[Region]):
    """The linear regions of a network in a box, as :func:`reluineq.regions` returns them.

    A sequence of :class:`Region` (``len``, indexing, iteration, slicing) that also knows
    its :attr:`network` and :attr:`box`. A slice, or :meth:`of` a list of its regions, is
    a partition of part of the box: the same network and box, fewer regions.

    Examples
    --------
    >>> net = reluineq.Network([[[1, 0], [0, 1]], [[1, 1]]], [[0, 0], [0]],
    ...                        ["relu", "identity"])
    >>> rs = reluineq.regions(net, [(-1, 1), (-1, 1)])
    >>> rs
    Partition(4 regions of Network(2-2-1, relu-identity, exact) in [-1, 1] x [-1, 1])
    >>> rs.network is net, len(rs[1:]), sum(r.volume for r in rs)
    (True, 3, Fraction(4, 1))
    """

    __slots__ = ("_e", "_regions")

    def __init__(self, enum: Enumeration, regions: list[Region] | None = None) -> None:
        self._e = enum
        # None: every region of the enumeration, each made when first asked for.
        self._regions: list[Region | None] = (
            [None] * enum.count if regions is None else list(regions)
        )

    @classmethod
    def of(cls, regions: Sequence[Region]) -> Partition:
        """The partition of part of a box made of ``regions``, which must all come from
        one call of :func:`reluineq.regions` (a partition is returned as it is)."""
        if isinstance(regions, Partition):
            return regions
        regions = list(regions)
        if not regions:
            raise ValueError("no regions given: enumerate them with reluineq.regions(net, box)")
        enum = regions[0]._e
        for k, r in enumerate(regions):
            if r._e is not enum:
                raise ValueError(
                    f"region {k} comes from another call of reluineq.regions than region 0: "
                    "the regions of one partition are expected"
                )
        return cls(enum, regions)

    @property
    def complete(self) -> bool:
        """Whether these are all the regions :func:`reluineq.regions` found."""
        return len(self._regions) == self._e.count and all(
            r is None or r._i == i for i, r in enumerate(self._regions)
        )

    def __len__(self) -> int:
        return len(self._regions)

    @overload
    def __getitem__(self, k: int) -> Region: ...

    @overload
    def __getitem__(self, k: slice) -> Partition: ...

    def __getitem__(self, k: int | slice) -> Region | Partition:
        if isinstance(k, slice):
            return Partition(self._e, [self[i] for i in range(*k.indices(len(self)))])
        r = self._regions[k]
        if r is None:
            i = range(len(self._regions))[k]
            r = self._regions[i] = self._e.region(i)
        return r

    def __iter__(self) -> Iterator[Region]:
        for i in range(len(self._regions)):
            yield self[i]

    def __repr__(self) -> str:
        box = " x ".join(f"[{lo}, {hi}]" for lo, hi in self.box.tolist())
        return f"Partition({len(self)} regions of {self.network!r} in {box})"


def _volume(V: np.ndarray) -> Fraction | float:
    """Length, area or volume of the convex hull of vertices ``V``."""
    n = V.shape[1]
    if n == 1:
        return V[:, 0].max() - V[:, 0].min()
    if n == 2:
        return polygon_area_centroid(V)[0]
    from scipy.spatial import ConvexHull

    return float(ConvexHull(np.asarray(V, dtype=float)).volume)


def polygon_area_centroid(vertices: np.ndarray) -> tuple[Any, np.ndarray]:
    """Area and centroid of a convex polygon with counter-clockwise ``vertices``.

    The shoelace formula: exact on ``Fraction`` vertices, float on floats; the area is
    negative for clockwise vertices.

    Examples
    --------
    >>> area, c = polygon_area_centroid(np.array([[0, 0], [2, 0], [2, 1], [0, 1]]))
    >>> area, c.tolist()
    (2.0, [1.0, 0.5])
    """
    x, y = vertices[:, 0], vertices[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    twice = cross.sum() if vertices.dtype == object else float(cross.sum())
    if twice == 0:
        return twice / 2, vertices.mean(axis=0)
    centroid = np.array([((x + xn) * cross).sum(), ((y + yn) * cross).sum()]) / (3 * twice)
    return twice / 2, centroid
