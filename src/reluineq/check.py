"""Checks that regions and formulas agree with the network's forward pass; failures raise."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from . import validate
from .network import Network
from .rational import binary_fraction
from .tolerances import FLOAT_TOL, TOL

if TYPE_CHECKING:
    import sympy as sp

    from .partition import Region

__all__ = ["CheckError", "CheckReport", "check_expression", "check_regions"]


_MAX_LISTED = 5


class CheckError(AssertionError):
    """A derived form (regions, a formula) disagrees with the forward pass.

    A subclass of ``AssertionError``, so a failing check in a notebook cell or a test
    fails it like an ``assert`` would, with a message that says what disagreed where.
    """


@dataclass(frozen=True)
class CheckReport:
    """What a successful check covered.

    There is no failed report: a check that finds a disagreement raises
    :class:`CheckError`, so holding a report means the check passed.

    Attributes
    ----------
    what : str
        What was checked.
    regions : int
        Number of regions checked (0 for expressions).
    points : int
        Number of sample points compared with the forward pass.
    exact : bool
        Whether the comparisons were exact (rational) or within :data:`FLOAT_TOL`.
    volume : Fraction or float or None
        Total volume (area in 2-D) of the regions, equal to the box's.
    """

    what: str
    regions: int
    points: int
    exact: bool
    volume: Fraction | float | None = None

    def __str__(self) -> str:
        mode = "exactly" if self.exact else f"within {FLOAT_TOL:g}"
        parts = [f"{self.what}: agrees with the forward pass {mode}"]
        if self.regions:
            parts.append(f"{self.regions} regions")
        parts.append(f"{self.points} sample points")
        if self.volume is not None:
            parts.append(f"total volume {self.volume}")
        return ", ".join(parts)


def _fail(what: str, problems: list[str]) -> None:
    if problems:
        more = len(problems) - _MAX_LISTED
        listed = "; ".join(problems[:_MAX_LISTED]) + (f"; and {more} more" if more > 0 else "")
        raise CheckError(f"{what}: {listed}")


def _fmt(values: Any) -> str:
    """A point or vector as ``(1/2, -1)``: Fractions as ``p/q``, floats in full."""
    return "(" + ", ".join(str(v) if isinstance(v, Fraction) else repr(v)
                           for v in np.asarray(values, dtype=object).tolist()) + ")"


def _bits(pattern: Sequence[int]) -> str:
    return "".join(str(int(b)) for b in pattern) or "()"


def _sample(box: np.ndarray, samples: int, seed: int, exact: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo, hi = box[:, 0], box[:, 1]
    if not exact:
        return lo + rng.random((samples, len(box))) * (hi - lo)
    # Dyadic rationals: exact, and almost never on a hyperplane with small coefficients.
    den = 2**30
    u = rng.integers(0, den, size=(samples, len(box)), endpoint=True)
    frac = np.vectorize(lambda k: Fraction(int(k), den), otypes=[object])(u)
    return lo + frac * (hi - lo)


def _close(a: np.ndarray, b: np.ndarray, tol: float) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return np.abs(a - b) <= tol * (1.0 + np.abs(b))


def _check_inputs(net: Any, samples: Any, seed: Any, tol: Any) -> None:
    validate.network(net)
    validate.count(samples, "samples")
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    if not (isinstance(tol, numbers.Real) and tol > 0):
        raise ValueError(f"tol must be a positive number, got {tol!r}")


def check_regions(
    regions: Sequence[Region],
    *given: Any,
    samples: int = 256,
    seed: int = 0,
    tol: float = FLOAT_TOL,
) -> CheckReport:
    """Check enumerated regions against the forward pass; raise :class:`CheckError` if wrong.

    The checks:

    1. at each region's interior point ``p``: ``A p < c`` row by row, the network's
       activation pattern at ``p`` is the region's, and ``net(p) == M p + d``; the
       patterns of different regions differ;
    2. at ``samples`` random points of the box (seeded): each lies in some region, every
       region containing it reproduces the forward pass there, and no point lies in the
       interior of two regions;
    3. every region has positive volume (in 2-D: counter-clockwise vertices) and the
       volumes add up to the box's. Above
       :data:`~reluineq.engines.halfspaces.VOLUME_DIMS` inputs regions carry no volume,
       and this check is left out; 2 still finds gaps and overlaps at the sample points.

    An exact network is checked in rational arithmetic at rational points, with no
    tolerance; a float network within :data:`FLOAT_TOL` (or ``tol``).

    Parameters
    ----------
    regions
        What ``reluineq.regions(net, box)`` returned, or some of those regions: they
        know their network and box.
    samples
        Number of random points.
    seed
        Seed of ``numpy.random.default_rng`` for the points.
    tol
        Float tolerance (ignored by exact networks).

    Returns
    -------
    CheckReport
        What was checked; a failure raises instead.

    Raises
    ------
    CheckError
        Listing the disagreements found (the first few).

    Examples
    --------
    >>> net = reluineq.Network.from_arrays([[[1, -1], [1, 1]], [[1, 1]]], [[0, -1], [0]],
    ...                                    ["relu", "identity"])
    >>> box = [(-1, 1), (-1, 1)]
    >>> print(check_regions(reluineq.regions(net, box)))
    regions: agrees with the forward pass exactly, 4 regions, 256 sample points,
    total volume 4

    Three of the four regions do not cover the box:

    >>> check_regions(reluineq.regions(net, box)[:3])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    reluineq.check.CheckError: regions: ... sample points lie in no region, e.g. ...
    """
    if given:
        raise TypeError(
            "check_regions takes the regions alone: they know their network and box "
            "(check_regions(regions), not check_regions(net, regions, box))"
        )
    rs = validate.regions(regions, allow_empty=True)
    _check_inputs(rs.network, samples, seed, tol)
    if len(rs) == 0:
        raise CheckError("regions: the list of regions is empty")
    check = _RegionCheck(rs.network, rs.box, tol)
    systems = check.interior_points(rs)
    if samples:
        check.sample_points(rs, systems, samples, seed)
    total = check.volumes(rs)
    return CheckReport("regions", len(rs), samples, check.exact, total)


class _RegionCheck:
    """The three checks of :func:`check_regions`; each raises on what it finds."""

    def __init__(self, net: Network, box: np.ndarray, tol: float) -> None:
        self.net, self.box, self.tol = net, box, tol
        self.exact = net.exact

    def equal(self, a: Any, b: Any) -> np.ndarray:
        return np.array(a == b, dtype=bool) if self.exact else _close(a, b, self.tol)

    def slack_tol(self, A: np.ndarray, c: np.ndarray) -> Any:
        """How far a point may lie outside ``A x <= c`` and still count as inside."""
        if self.exact:
            return 0
        reach = np.abs(np.asarray(self.box, dtype=float)).max()
        return self.tol * (1.0 + np.abs(A).sum(axis=1) * reach + np.abs(c))

    def pattern_at(self, p: np.ndarray, pattern: tuple[int, ...]) -> Any:
        """The network's pattern at ``p`` if it differs from ``pattern``, else ``None``.

        Exact at a rational point of an exact network. In a float network a unit whose
        pre-activation at ``p`` is within :data:`~reluineq.tolerances.TOL` of zero,
        relative to the size of the terms summed into it (``|W| |h| + |b|``), lies on its
        hyperplane as the enumeration sees it: either bit is right. A unit that is
        identically zero on a region is off there, while the float forward pass gives it
        rounding noise of either sign.
        """
        pat = self.net.pattern(p)
        if tuple(pat) == tuple(pattern):
            return None
        if self.exact:
            return pat
        # The pre-activations of the network's own pass (those pattern() read), each beside
        # the size of the terms summed into it, from its layer's input.
        h = np.asarray(p, dtype=float)
        zs, scales = [], []
        for layer, z in zip(self.net.layers, self.net.preactivations(h), strict=True):
            if layer.act.switches:
                zs.append(z)
                scales.append(np.abs(np.asarray(layer.weight, dtype=float)).dot(np.abs(h))
                              + np.abs(np.asarray(layer.bias, dtype=float)))
            h = layer.act.apply(z)
        z, scale = np.concatenate(zs), np.concatenate(scales)
        differ = (z > 0) != np.asarray(pattern, dtype=bool)
        return pat if np.any(differ & (np.abs(z) > TOL * scale)) else None

    def interior_points(self, regions: Sequence[Region]) -> list[tuple[Any, Any, Any]]:
        """(1) At each region's point: inside, its pattern, its map; patterns distinct.

        Returns each region's ``(A, c, slack)`` for the sample points.
        """
        net, exact = self.net, self.exact
        problems: list[str] = []
        seen: dict[tuple[int, ...], int] = {}
        systems = []
        for k, r in enumerate(regions):
            name = f"region {k} (pattern {_bits(r.pattern)})"
            if r.pattern in seen:
                problems.append(f"{name} repeats the pattern of region {seen[r.pattern]}")
            seen[r.pattern] = k
            A = r.A if exact else np.asarray(r.A, dtype=float)
            c = r.c if exact else np.asarray(r.c, dtype=float)
            systems.append((A, c, self.slack_tol(A, c)))
            p = np.asarray(r.point, dtype=object if exact else float)
            if len(A) and not np.all(A.dot(p) - c < systems[-1][2]):
                problems.append(f"{name}: its point {_fmt(p)} violates A x < c")
            pat = self.pattern_at(p, r.pattern)
            if pat is not None:
                problems.append(f"{name}: the network's pattern at its point is {_bits(pat)}")
            f = net.forward_exact(p) if exact else net.forward(p)
            g = r.M.dot(p) + r.d
            if not np.all(self.equal(g, f)):
                problems.append(f"{name}: M x + d = {_fmt(g)} but the network gives {_fmt(f)}")
        _fail("regions", problems)
        return systems

    def sample_points(self, regions: Sequence[Region], systems: list, samples: int,
                      seed: int) -> None:
        """(2) Random points of the box: each in a region that reproduces the network
        there, none inside two."""
        exact = self.exact
        P = _sample(self.box, samples, seed, exact)
        F = self.net.forward_exact(P) if exact else self.net.forward(P)
        count = np.zeros(samples, dtype=np.intp)
        interior = np.zeros(samples, dtype=np.intp)
        problems: list[str] = []
        for k, (r, (A, c, stol)) in enumerate(zip(regions, systems, strict=True)):
            s = P.dot(A.T) - c if len(A) else np.zeros((samples, 0))
            inside = np.all(np.asarray(s <= stol, dtype=bool), axis=1)
            interior += np.all(np.asarray(s < -stol if not exact else s < 0, dtype=bool), axis=1)
            count += inside
            if inside.any():
                G = P[inside].dot(r.M.T) + r.d
                bad = ~np.all(self.equal(G, F[inside]), axis=1)
                if bad.any():
                    problems.append(
                        f"region {k} (pattern {_bits(r.pattern)}): at {_fmt(P[inside][bad][0])} "
                        f"M x + d = {_fmt(G[bad][0])} but the network gives "
                        f"{_fmt(F[inside][bad][0])}"
                    )
        if (count == 0).any():
            miss = P[count == 0]
            problems.append(f"{len(miss)} of {samples} sample points lie in no region, e.g. "
                            f"{_fmt(miss[0])}")
        if (interior > 1).any():
            problems.append(f"the regions overlap: {_fmt(P[interior > 1][0])} is inside more "
                            "than one")
        _fail("regions", problems)

    def volumes(self, regions: Sequence[Region]) -> Fraction | float | None:
        """(3) Positive volumes that add up to the box's; returns their sum, or ``None``
        when the regions carry no volume (above ``VOLUME_DIMS`` inputs).

        Exact in one and two dimensions for an exact network; otherwise within
        ``1000 * tol`` of the box's volume, relative, since each float volume carries
        its own rounding.
        """
        n = self.net.n_inputs
        vols = [r.volume for r in regions]
        if any(v is None for v in vols):
            return None
        problems = [f"region {k} has volume {v} (expected positive"
                    + (", counter-clockwise vertices)" if n == 2 else ")")
                    for k, v in enumerate(vols) if not v > 0]
        total = sum(vols[1:], vols[0])
        box_volume = np.prod(self.box[:, 1] - self.box[:, 0])
        if self.exact and n <= 2:
            if total != box_volume:
                problems.append(
                    f"the regions' volumes add up to {total}, the box's is {box_volume}")
        elif abs(float(total) - float(box_volume)) > 1e3 * self.tol * float(box_volume):
            problems.append(f"the regions' volumes add up to {float(total):.12g}, "
                            f"the box's is {float(box_volume):.12g}")
        _fail("regions", problems)
        return total if self.exact else float(total)


def _flatten(expr: Any) -> list[Any]:
    import sympy as sp

    if isinstance(expr, sp.MatrixBase):
        return list(expr)
    if isinstance(expr, (list, tuple)):
        return [e for item in expr for e in _flatten(item)]
    if isinstance(expr, sp.Basic):
        return [expr]
    if isinstance(expr, numbers.Real) and not isinstance(expr, bool):
        return [sp.sympify(expr)]
    raise TypeError(f"expected a sympy expression, a list of them or a Matrix, got {expr!r}")


def check_expression(
    net: Network,
    expr: Any,
    symbols: Sequence[sp.Symbol] | None = None,
    points: Any = None,
    *,
    box: Any = None,
    samples: int = 64,
    seed: int = 0,
    tol: float = FLOAT_TOL,
) -> CheckReport:
    """Check that a sympy formula equals the network at the given (or random) points.

    Use it on every formula a page shows: the nested ``Max`` form, a ``Piecewise``, a
    collapsed affine map, a region's map at points of that region.

    Parameters
    ----------
    net
        The network.
    expr
        One sympy expression per output: an expression, a list/tuple of them or a
        ``Matrix``.
    symbols
        The input symbols ``expr`` uses; ``reluineq.symbolic.input_symbols(n)`` by default.
    points
        Points ``(k, n)`` at which to compare; or give ``box`` to sample ``samples``
        points in it (seeded).
    box, samples, seed
        Where and how many points to draw when ``points`` is omitted.
    tol
        Float tolerance (see :data:`FLOAT_TOL`).

    Returns
    -------
    CheckReport

    Raises
    ------
    CheckError
        If the expression differs from the forward pass at some point, or does not
        evaluate to a number there (e.g. a ``Piecewise`` outside its box).

    Notes
    -----
    For an exact ReLU/identity network the expression is evaluated with sympy at the
    points as rationals (floats by their exact binary value) and must equal
    ``forward_exact`` exactly; otherwise it is evaluated in floating point.

    Examples
    --------
    >>> from reluineq.symbolic import network_expression, input_symbols
    >>> net = reluineq.Network.from_arrays([[[1, -1], [1, 1]], [[1, 1]]], [[0, -1], [0]],
    ...                                    ["relu", "identity"])
    >>> expr = network_expression(net)
    >>> print(check_expression(net, expr, box=[(-2, 2), (-2, 2)], samples=50))
    expression: agrees with the forward pass exactly, 50 sample points
    >>> x1, x2 = input_symbols(2)
    >>> check_expression(net, [x1 + x2], points=[[1, 0], [1, 1]])
    Traceback (most recent call last):
    ...
    reluineq.check.CheckError: expression: at (1, 1) output 0 is 2 but the network gives 1
    """
    import sympy as sp

    from .symbolic import input_symbols

    _check_inputs(net, samples, seed, tol)
    exprs = _flatten(expr)
    if len(exprs) != net.n_outputs:
        raise ValueError(f"{len(exprs)} expressions given for {net.n_outputs} network outputs")
    syms = tuple(input_symbols(net.n_inputs) if symbols is None else symbols)
    if len(syms) != net.n_inputs:
        raise ValueError(f"expected {net.n_inputs} input symbols, got {len(syms)}")
    exact = net.exact and all(layer.act.exact_fn is not None for layer in net.layers)
    if points is None:
        if box is None:
            raise ValueError("give the points to compare at, or a box to sample them from")
        P = _sample(validate.box(box, net.n_inputs, exact), samples, seed, exact)
    else:
        P = np.asarray(points, dtype=object)
        if P.ndim != 2 or P.shape[1] != net.n_inputs or len(P) == 0:
            raise ValueError(f"points must have shape (k, {net.n_inputs}), got {P.shape}")
        if exact:
            P = np.vectorize(binary_fraction, otypes=[object])(P)
        else:
            P = P.astype(float)
    problems: list[str] = []
    if exact:
        F = net.forward_exact(P)
        for x, f in zip(P, F, strict=True):
            env = {s: sp.Rational(v.numerator, v.denominator) for s, v in zip(syms, x, strict=True)}
            for o, e in enumerate(exprs):
                val = sp.sympify(e).subs(env)
                if not val.is_Rational:
                    problems.append(f"at {_fmt(x)} output {o} does not evaluate to a rational "
                                    f"number ({val}); the network gives {f[o]}")
                elif Fraction(int(val.p), int(val.q)) != f[o]:
                    problems.append(
                        f"at {_fmt(x)} output {o} is {val} but the network gives {f[o]}"
                    )
    else:
        F = net.forward(P)
        fn = sp.lambdify(syms, exprs, modules="math")
        for x, f in zip(P, F, strict=True):
            try:
                vals = np.array(fn(*x), dtype=float)
            except (OverflowError, TypeError):
                env = dict(zip(syms, x, strict=True))
                vals = np.array([complex(sp.sympify(e).subs(env).evalf()).real for e in exprs])
            bad = ~_close(vals, f, tol)
            if bad.any():
                o = int(np.flatnonzero(bad)[0])
                problems.append(
                    f"at {_fmt(x)} output {o} is {vals[o]!r} but the network gives {float(f[o])!r}"
                )
    _fail("expression", problems)
    return CheckReport("expression", 0, len(P), exact)
