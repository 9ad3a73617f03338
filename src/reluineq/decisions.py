"""Decision regions: a classifier's activation regions split by which output is largest.

On an activation region the network is one affine map ``f(x) = M x + d``, so output ``k``
is the largest exactly where ``f_k(x) >= f_j(x)`` for every other output ``j``: a few more
linear inequalities, the *argmax rows*. A region where one output wins everywhere keeps
its system; a region that a decision boundary crosses is cut into one piece per class that
wins on part of it. Each piece is a convex polyhedron, so a classifier is, class by class,
a union of polyhedra.

The class of an input is the index of its largest output, the first one on a tie, as
``numpy.argmax`` decides. A network with one output is read as a binary classifier with
the logit as its output: class 1 where the output is positive, class 0 elsewhere, as
scikit-learn's binary ``MLPClassifier`` decides.

Examples
--------
Two outputs, ``relu(x_1)`` and ``relu(x_2)``: where both units are on, the diagonal
``x_1 = x_2`` cuts the activation region in two, and the piece above it is class 1:

>>> net = reluineq.Network([[[1, 0], [0, 1]], [[1, 0], [0, 1]]], [[0, 0], [0, 0]],
...                        ["relu", "identity"])
>>> ds = decision_regions(net, [(-1, 1), (-1, 1)])
>>> sorted((r.pattern, r.label) for r in ds)
[((0, 0), 0), ((0, 1), 1), ((1, 0), 0), ((1, 1), 0), ((1, 1), 1)]
>>> r = next(r for r in ds if r.pattern == (1, 1) and r.label == 1)
>>> reluineq.latex.inequality_lines(r, plain=True)
['x1 >= 0', '-x1 + x2 >= 0', 'x2 <= 1']

(``x_2 >= 0`` follows from the other two and is dropped as redundant.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import validate
from .engines.common import decode_id, unit_id
from .network import Network
from .partition import Enumeration, Partition, Region
from .regions import regions
from .tolerances import FLOAT_TOL

__all__ = ["DecisionCheck", "DecisionRegion", "DecisionRegions", "check_decisions",
           "decision_regions", "scores"]


def scores(net: Network, maps: np.ndarray) -> np.ndarray:
    """The maps whose argmax is the class: the outputs, or ``(0, f)`` for one output.

    ``maps`` is ``(..., outputs, n + 1)``; the result has one row per class.
    """
    if net.n_outputs > 1:
        return maps
    return np.concatenate([np.zeros_like(maps), maps], axis=-2)


class DecisionRegion(Region):
    """A piece of an activation region on which one class wins: a :class:`~reluineq.Region`
    with its :attr:`label`.

    Its system ``A x <= c`` holds the activation region's facets and, where the decision
    boundary cuts the region, the argmax rows ``f_label >= f_j`` that are facets of the
    piece, labelled ``("argmax", label, j)``. ``M``, ``d`` and ``pattern`` are those of the
    activation region it is part of.
    """

    __slots__ = ()

    @property
    def label(self) -> int:
        """The class: the index of the largest output (first on a tie) on the region."""
        return int(self._e.labels[self._i])

    def __repr__(self) -> str:
        bits = "".join(str(b) for b in self.pattern)
        return (f"DecisionRegion(label={self.label}, pattern={bits or '()'}, "
                f"{len(self.A)} inequalities)")


class DecisionRegions(Partition):
    """The decision regions of :func:`decision_regions`: a partition of the box whose
    regions are :class:`DecisionRegion` objects, with :attr:`labels`."""

    __slots__ = ()

    @property
    def labels(self) -> tuple[int, ...]:
        """Each region's class, in order."""
        return tuple(r.label for r in self)

    def of_label(self, label: int) -> DecisionRegions:
        """The regions of one class: the class is their union."""
        return DecisionRegions(self._e, [r for r in self if r.label == label])

    def __getitem__(self, k: Any) -> Any:
        got = super().__getitem__(k)
        return DecisionRegions(got._e, list(got)) if isinstance(got, Partition) else got

    def __repr__(self) -> str:
        box = " x ".join(f"[{lo}, {hi}]" for lo, hi in self.box.tolist())
        classes = len(set(self._e.labels.tolist()))
        return (f"DecisionRegions({len(self)} regions of {classes} classes, "
                f"{self.network!r} in {box})")


class _Joined:
    """The regions kept whole, then the surviving pieces of the split ones, as one geometry.

    ``constraint_ids`` leaves out the argmax constraints (ids from ``first`` on), which
    :class:`_Decisions` writes itself; ``all_ids`` has them.
    """

    def __init__(self, whole: Any, pieces: tuple[Any, np.ndarray] | None, first: int) -> None:
        self.whole, self.pieces, self.first = whole, pieces, first
        self.n_whole = whole.count

    def _at(self, i: int) -> tuple[Any, int]:
        if i < self.n_whole:
            return self.whole, i
        geom, ids = self.pieces  # type: ignore[misc]
        return geom, int(ids[i - self.n_whole])

    def vertices(self, i: int) -> np.ndarray:
        geom, j = self._at(i)
        return geom.vertices(j)

    def all_ids(self, i: int) -> set[int]:
        geom, j = self._at(i)
        return geom.constraint_ids(j)

    def constraint_ids(self, i: int) -> set[int]:
        return {c for c in self.all_ids(i) if c < self.first}


class _Decisions(Enumeration):
    """An :class:`~reluineq.partition.Enumeration` of decision regions: each reads its
    pattern and map from its activation region, and its system adds the argmax rows."""

    labels: np.ndarray
    geometry: _Joined

    def region(self, i: int) -> DecisionRegion:
        return DecisionRegion(self, i)

    def system(self, i: int) -> tuple[np.ndarray, np.ndarray, tuple]:
        A, c, names = super().system(i)
        k = int(self.labels[i])
        S = scores(self.net, self.maps[i])
        rows, rhs, more = [], [], []
        for cid in sorted(self.geometry.all_ids(i)):
            if cid < self.geometry.first:
                continue
            j = decode_id(cid, self.n)[1] - self.net.n_relu_units
            diff = S[j] - S[k]  # f_j - f_k <= 0
            rows.append(diff[:-1])
            rhs.append(-diff[-1])
            more.append(("argmax", k, j))
        if not rows:
            return A, c, names
        dtype = A.dtype
        A = np.concatenate([A, np.array(rows, dtype=dtype).reshape(len(rows), self.n)])
        return A, np.concatenate([c, np.array(rhs, dtype=dtype)]), names + tuple(more)


def decision_regions(
    net: Network,
    box: Iterable[Any],
    *,
    max_regions: int | None = None,
    method: str = "auto",
) -> DecisionRegions:
    """The regions of a classifier on which one class wins, each with its ``label``.

    The activation regions of :func:`reluineq.regions` are split by the argmax rows
    ``f_k(x) >= f_j(x)``: a region on whose vertices one class wins against every other
    is kept whole (a convex region on whose corners an affine difference is non-negative
    has it non-negative throughout); a region the decision boundary crosses is cut, for
    each class that wins somewhere on it, by that class's rows, and the pieces of positive
    volume are kept. The pieces cover the box and do not overlap.

    Parameters
    ----------
    net
        A piecewise-linear network; its outputs are the classes' scores (logits), or, with
        one output, the logit of class 1 against class 0.
    box, max_regions, method
        As for :func:`reluineq.regions`.

    Returns
    -------
    DecisionRegions
        A :class:`~reluineq.Partition` of :class:`DecisionRegion` objects.
    """
    validate.network(net, needs="decision regions")
    acts = regions(net, box, max_regions=max_regions, method=method)
    enum = acts._e
    S = scores(net, enum.maps)  # (regions, classes, n + 1)
    n = net.n_inputs
    exact = net.exact
    parents, labels, plain = [], [], []
    tasks: list[tuple[int, int]] = []
    for r in range(enum.count):
        V = enum.vertices(r)
        F = S[r, :, :-1].dot(V.T).T + S[r, :, -1]  # (vertices, K)
        won = _winners(F, S[r], exact)
        if len(won) == 1:
            parents.append(r)
            labels.append(won[0])
            plain.append(True)
        else:
            tasks += [(r, k) for k in won]
    geom = enum.geometry
    first = unit_id(n, net.n_relu_units)
    whole = geom.subset(np.array(parents, dtype=np.intp))
    pieces, piece_parent, piece_label = _split(geom, tasks, S, first, exact)
    parent_ids = np.array(parents + piece_parent, dtype=np.intp)
    out = _Decisions(net, enum.box)
    out.switch_layers = enum.switch_layers
    out.patterns = enum.patterns[parent_ids]
    out.maps = enum.maps[parent_ids]
    out.ancestors = [a[parent_ids] for a in enum.ancestors]
    out.labels = np.array(labels + piece_label, dtype=np.intp)
    out.geometry = _Joined(whole, pieces, first)
    return DecisionRegions(out)


def _winners(F: np.ndarray, S: np.ndarray, exact: bool) -> list[int]:
    """The classes that may win on part of a region, from its vertices' scores ``F``.

    Class ``k`` can win on a set of positive volume only if for every other class ``j``
    the difference ``f_k - f_j`` is positive at some vertex; a difference that is zero
    throughout (two equal maps) goes to the lower index, as argmax breaks ties. When one
    class wins at every vertex it wins on the whole region.
    """
    K = F.shape[1]
    tol = 0 if exact else FLOAT_TOL * (1.0 + float(np.max(np.abs(np.asarray(F, float)))))
    same = [[bool(np.all(S[k] == S[j])) for j in range(K)] for k in range(K)]
    everywhere = []
    for k in range(K):
        if any(same[k][j] for j in range(k)):
            continue  # a lower class has the same map and takes the ties
        diffs = [F[:, k] - F[:, j] for j in range(K) if j != k and not same[k][j]]
        if all(d.min() >= -tol for d in diffs):
            everywhere.append(k)
    if everywhere:
        return everywhere[:1]
    out = []
    for k in range(K):
        if any(same[k][j] for j in range(k)):
            continue
        if all((F[:, k] - F[:, j]).max() > tol for j in range(K) if j != k and not same[k][j]):
            out.append(k)
    return out


def _split(geom: Any, tasks: list[tuple[int, int]], S: np.ndarray, first: int,
           exact: bool) -> tuple[tuple[Any, np.ndarray] | None, list[int], list[int]]:
    """Cut a copy of each task's region ``(r, k)`` by ``f_k >= f_j`` for every ``j``.

    All tasks are split at once, one comparison class ``j`` at a time, by the engine that
    enumerated the regions; the halves where ``f_k < f_j`` and the regions that lie wholly
    there are dropped.
    """
    if not tasks:
        return None, [], []
    K = S.shape[1]
    reg = np.array([t[0] for t in tasks], dtype=np.intp)
    cls = np.array([t[1] for t in tasks], dtype=np.intp)
    pieces = geom.subset(reg)
    task_of = np.arange(len(tasks))
    alive = np.ones(len(tasks), dtype=bool)
    m = S.shape[2]
    trivial = np.zeros(m, dtype=S.dtype)
    trivial[-1] = 1  # 0 x + 1 > 0: no cut
    for j in range(K):
        g = S[reg[task_of], cls[task_of]] - S[reg[task_of], j]  # f_k - f_j on each piece
        skip = ~alive | (cls[task_of] == j) | _all_zero(g)
        g[skip] = trivial
        cut, side = pieces.split(g, np.arange(pieces.count), first + j)
        task_of = np.concatenate([task_of, task_of[cut]])
        # Appended halves lie where f_k <= f_j, and so do pieces wholly on that side.
        alive = np.concatenate([alive & (side[: len(alive)] == 1),
                                np.zeros(len(cut), dtype=bool)])
    ids = np.flatnonzero(alive)
    return (pieces, ids), reg[task_of[ids]].tolist(), cls[task_of[ids]].tolist()


def _all_zero(g: np.ndarray) -> np.ndarray:
    return np.all(g == 0, axis=1)


@dataclass(frozen=True)
class DecisionCheck:
    """What :func:`check_decisions` covered: regions, sample points, and the volume."""

    regions: int
    points: int
    volume: Any


def check_decisions(
    decisions: Sequence[DecisionRegion], samples: int = 256, seed: int = 0,
    tol: float = FLOAT_TOL,
) -> DecisionCheck:
    """Check decision regions against the network's own argmax; raise if they disagree.

    1. At each region's interior point the argmax of the forward pass (the sign of the
       output, with one output) is the region's label and the activation pattern its
       pattern, and the point satisfies the system strictly.
    2. At ``samples`` random points of the box (seeded) some region's closed system holds,
       no two regions hold it strictly, and a region that holds it strictly has the
       point's label.
    3. The volumes add up to the box's.

    Raises
    ------
    AssertionError
        Naming the region or point that disagrees.
    """
    from .check import CheckError

    parts = validate.regions(decisions)
    if not isinstance(parts._e, _Decisions):
        raise TypeError("expected the regions of decision_regions(net, box)")
    parts = DecisionRegions(parts._e, list(parts))
    net, box = parts.network, parts.box
    exact = net.exact

    def label_at(x: np.ndarray) -> int:
        """The class at ``x``, exactly at a rational point of an exact network."""
        rational = exact and np.asarray(x).dtype == object
        out = net.forward_exact(x) if rational else net.forward(np.asarray(x, dtype=float))
        if len(out) == 1:
            return int(out[0] > 0)
        return int(np.argmax(out)) if not rational else max(range(len(out)),
                                                           key=lambda k: (out[k], -k))

    for r in parts:
        p = r.point
        slack = r.c - r.A.dot(p)
        if not all(s > (0 if exact else -tol) for s in slack):
            raise CheckError(f"{r!r}: its interior point {p.tolist()} is not inside")
        if label_at(p) != r.label or net.pattern(p) != r.pattern:
            raise CheckError(f"{r!r}: at its interior point the network says class "
                             f"{label_at(p)}, pattern {net.pattern(p)}")
    rng = np.random.default_rng(seed)
    lo, hi = np.asarray(box, float).T
    A = [np.asarray(r.A, float) for r in parts]
    c = [np.asarray(r.c, float) for r in parts]
    scale = 1.0 + float(np.abs(np.asarray(box, float)).max())
    for x in lo + (hi - lo) * rng.random((samples, len(lo))):
        slack = [ci - Ai @ x for Ai, ci in zip(A, c, strict=True)]
        if not any(np.all(s >= -tol * scale) for s in slack):
            raise CheckError(f"point {x.tolist()} lies in no decision region")
        inside = [k for k, s in enumerate(slack) if np.all(s > tol * scale)]
        if len(inside) > 1:
            raise CheckError(f"point {x.tolist()} lies inside regions {inside}")
        if inside and parts[inside[0]].label != label_at(x):
            raise CheckError(f"point {x.tolist()}: {parts[inside[0]]!r} but the network "
                             f"says class {label_at(x)}")
    total = sum(r.volume for r in parts)
    if parts.complete:
        want = np.prod([high - low for low, high in parts.box.tolist()])
        if exact and len(lo) <= 2:
            wrong = total != want  # volumes are exact in one and two dimensions
        else:
            wrong = abs(float(total) - float(want)) > 1e-9 * float(want)
        if wrong:
            raise CheckError(f"the regions' volumes add up to {total}, the box's is {want}")
    return DecisionCheck(len(parts), samples, total)
