# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False
"""The line arrangement of :mod:`.arrangement`, compiled: one polygon at a time.

The steps, and every floating-point expression in them, are those of the NumPy reference
(:func:`.arrangement.reference_cut_layer`) in the same order, so both give the same cells
bit for bit (the build turns off fused multiply-adds for that, see ``setup.py``), and this
kernel declines a layer exactly where the reference does. For each polygon:

1. :func:`_vertex_signs` (all polygons first, for the layer's limits): each line at each
   vertex, snapped to 0 within the tolerance, and the lines that straddle the polygon;
2. :func:`_edge_crossings`: the polygon's corners and where each straddling line crosses
   an edge (its chord's two ends);
3. :func:`_line_crossings`: where two straddling lines cross inside the polygon;
4. :func:`_incidences`: each corner once per cell it touches, keyed by the straddling
   lines' signs there;
5. :func:`_cells`: the runs of equal keys, each a cell whose corners are ordered by angle.

What differs is only the cost: loops over one polygon's few lines instead of over a
hundred NumPy calls per layer, whose fixed cost dominated small networks.
"""

import numpy as np

from libc.math cimport M_PI, atan2, fabs, hypot, isfinite
from libc.stdint cimport int8_t, int64_t, uint64_t

#: Sign bits per key word, as in the reference's packed keys.
cdef int WORD = 62


cdef struct Layer:
    # The polygons (polygon-major vertices, edge labels) and the layer's lines:
    # unit j's line on polygon p is G[(j * P + p) * 3 : +3] . (x, y, 1) = 0.
    const double* X
    const int64_t* lab
    const int64_t* first
    const int64_t* size
    const double* G
    Py_ssize_t n_out, P, V, nw
    int64_t unit0
    double tol, turn
    # From _vertex_signs: values Z[j * V + v]; per line and polygon, the normal's norm,
    # whether the line straddles the polygon, and, if not, the polygon's side of it.
    double* Z
    double* norm
    int8_t* strad
    int8_t* side
    # One polygon's work: its straddling lines, each one's chord (first corner), its
    # corners (point, two tight constraints, up to two free units), its incidences (corner,
    # key words) and their order.
    int64_t* lines
    int64_t* chord
    double* cx
    double* cy
    int64_t* tight
    int64_t* free
    int64_t* inc
    int64_t* order
    int64_t* tmp
    uint64_t* words
    uint64_t* base
    double* angle
    Py_ssize_t n_own, nl, nc, n_inc
    # The cells so far: corners, edge labels, start, size, parent polygon, bits.
    double* Xo
    int64_t* labo
    int64_t* start
    int64_t* count
    int64_t* origin
    int8_t* bits
    Py_ssize_t n_cells, n_corners, n_crossings


cdef struct Sizes:
    int64_t straddles, pairs, most_corners, most_incidences


def cut(const double[:, ::1] X, const int64_t[::1] lab, const int64_t[::1] first,
        const int64_t[::1] size, const double[:, :, ::1] G, int64_t unit0, double tol,
        double turn, object budget_of):
    """Cut polygons ``first[p] : first[p] + size[p]`` of ``X`` (edge labels ``lab``) by
    the lines ``G[j, p]``; see :func:`.arrangement.cut_layer` for the arguments (``turn``
    is the reference's angle scale). ``budget_of(polygons, vertices, units, straddles,
    pairs)`` is the reference's own rule for how many crossings of two lines the layer
    may have, negative to decline it at once.

    Returns ``(X, lab, start, size, origin, bits)`` of the cells, or ``None``.
    """
    cdef Layer L
    cdef Sizes n
    L.n_out, L.P, L.V = G.shape[0], G.shape[1], X.shape[0]
    L.nw = (L.n_out + WORD - 1) // WORD
    L.unit0, L.tol, L.turn = unit0, tol, turn
    if L.P == 0 or L.n_out == 0:
        return None                     # regions() never asks (a layer has units)
    L.X, L.lab, L.first, L.size, L.G = &X[0, 0], &lab[0], &first[0], &size[0], &G[0, 0, 0]
    keep = [np.empty(L.n_out * L.V), np.empty(L.n_out * L.P),
            np.zeros(L.n_out * L.P, dtype=np.int8), np.zeros(L.n_out * L.P, dtype=np.int8)]
    L.Z, L.norm = _doubles(keep[0]), _doubles(keep[1])
    L.strad, L.side = _bytes(keep[2]), _bytes(keep[3])
    if not _vertex_signs(&L, &n):
        return None
    budget = budget_of(L.P, L.V, L.n_out, n.straddles, n.pairs)
    if budget < 0:
        return None
    out = _allocate(&L, &n, keep)
    # Any budget past 2**62 crossings (infinite, or a huge limit) is none.
    cdef Py_ssize_t spare = -1 if budget >= 2**62 else budget
    cdef Py_ssize_t p
    L.n_cells = L.n_corners = L.n_crossings = 0
    for p in range(L.P):
        if not (_edge_crossings(&L, p) and _line_crossings(&L, p)):
            return None
        if spare >= 0 and L.n_crossings > spare:
            return None
        if not (_incidences(&L, p) and _cells(&L, p)):
            return None
    Xo, labo, start, count, origin, bits = out
    return (Xo[:L.n_corners], labo[:L.n_corners], start[:L.n_cells], count[:L.n_cells],
            origin[:L.n_cells], bits[:L.n_cells])


cdef list _allocate(Layer* L, Sizes* n, list keep):
    """The scratch of one polygon and the outputs, sized for the largest; kept alive by
    ``keep``. Returns the outputs."""
    cdef Py_ssize_t corners = max(n.most_corners, 1), incs = max(n.most_incidences, 1)
    cdef Py_ssize_t n_inc = L.V + 4 * n.straddles + 4 * n.pairs
    cdef Py_ssize_t n_cells = L.P + n.straddles + n.pairs
    scratch = [np.empty(L.n_out, dtype=np.int64), np.empty(L.n_out, dtype=np.int64),
               np.empty(corners), np.empty(corners), np.empty(2 * corners, dtype=np.int64),
               np.empty(2 * corners, dtype=np.int64), np.empty(incs, dtype=np.int64),
               np.empty(incs, dtype=np.int64), np.empty(incs, dtype=np.int64),
               np.zeros(incs * L.nw, dtype=np.uint64), np.zeros(L.nw, dtype=np.uint64),
               np.empty(incs)]
    keep.extend(scratch)
    L.lines, L.chord = _ints(scratch[0]), _ints(scratch[1])
    L.cx, L.cy = _doubles(scratch[2]), _doubles(scratch[3])
    L.tight, L.free = _ints(scratch[4]), _ints(scratch[5])
    L.inc, L.order, L.tmp = _ints(scratch[6]), _ints(scratch[7]), _ints(scratch[8])
    L.words, L.base = _words(scratch[9]), _words(scratch[10])
    L.angle = _doubles(scratch[11])
    out = [np.empty((n_inc, 2)), np.empty(n_inc, dtype=np.int64),
           np.empty(n_cells, dtype=np.int64), np.empty(n_cells, dtype=np.int64),
           np.empty(n_cells, dtype=np.int64), np.empty((n_cells, L.n_out), dtype=np.int8)]
    L.Xo, L.labo = _doubles(out[0].reshape(-1)), _ints(out[1])
    L.start, L.count, L.origin = _ints(out[2]), _ints(out[3]), _ints(out[4])
    L.bits = _bytes(out[5].reshape(-1))
    return out


cdef double* _doubles(double[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef int64_t* _ints(int64_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef int8_t* _bytes(int8_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef uint64_t* _words(uint64_t[::1] a):
    return &a[0] if a.shape[0] else NULL


cdef bint _vertex_signs(Layer* L, Sizes* n) noexcept:
    """Each line at each vertex of each polygon; False where a straddling line passes
    through a corner."""
    cdef Py_ssize_t p, j, v, f, m, k
    cdef double g0, g1, g2, z, t, nr
    cdef bint pos, neg
    n.straddles = n.pairs = n.most_corners = n.most_incidences = 0
    for p in range(L.P):
        f, m, k = L.first[p], L.size[p], 0
        for j in range(L.n_out):
            g0, g1, g2 = L.G[(j * L.P + p) * 3], L.G[(j * L.P + p) * 3 + 1], \
                L.G[(j * L.P + p) * 3 + 2]
            nr = hypot(g0, g1)
            L.norm[j * L.P + p] = nr
            t = L.tol * nr
            pos = neg = False
            for v in range(f, f + m):
                z = g0 * L.X[2 * v] + g1 * L.X[2 * v + 1] + g2
                if fabs(z) <= t:
                    z = 0.0
                L.Z[j * L.V + v] = z
                pos = pos or z > 0
                neg = neg or z < 0
            if pos and neg:
                L.strad[j * L.P + p] = 1
                k += 1
                for v in range(f, f + m):
                    if L.Z[j * L.V + v] == 0.0:
                        return False
            elif pos:
                L.side[j * L.P + p] = 1
        n.straddles += k
        n.pairs += k * (k - 1) // 2
        n.most_corners = max(n.most_corners, m + 2 * k + k * (k - 1) // 2)
        n.most_incidences = max(n.most_incidences, m + 4 * k + 2 * k * (k - 1))
    return True


cdef inline void _corner(Layer* L, double x, double y, int64_t t0, int64_t t1, int64_t f0,
                         int64_t f1) noexcept:
    L.cx[L.nc], L.cy[L.nc] = x, y
    L.tight[2 * L.nc], L.tight[2 * L.nc + 1] = t0, t1
    L.free[2 * L.nc], L.free[2 * L.nc + 1] = f0, f1
    L.nc += 1


cdef bint _edge_crossings(Layer* L, Py_ssize_t p) noexcept:
    """The polygon's corners, its straddling lines, and each one's two edge crossings
    (False unless exactly two)."""
    cdef Py_ssize_t f = L.first[p], m = L.size[p], j, v, w, crossings
    cdef double zi, zj, t
    L.nc = L.nl = 0
    L.n_own = m
    for j in range(L.n_out):
        if L.strad[j * L.P + p]:
            L.lines[L.nl] = j
            L.nl += 1
    for v in range(f, f + m):
        _corner(L, L.X[2 * v], L.X[2 * v + 1], L.lab[v - 1] if v > f else L.lab[f + m - 1],
                L.lab[v], -1, -1)
    for j in L.lines[:L.nl]:
        crossings = 0
        for v in range(f, f + m):
            w = v + 1 if v + 1 < f + m else f
            zi, zj = L.Z[j * L.V + v], L.Z[j * L.V + w]
            if (zi > 0 and zj < 0) or (zi < 0 and zj > 0):
                if crossings == 0:
                    L.chord[j] = L.nc
                elif crossings == 2:
                    return False
                t = zi / (zi - zj)
                _corner(L, L.X[2 * v] + t * (L.X[2 * w] - L.X[2 * v]),
                        L.X[2 * v + 1] + t * (L.X[2 * w + 1] - L.X[2 * v + 1]),
                        L.lab[v], L.unit0 + j, j, -1)
                crossings += 1
        if crossings != 2:
            return False
    return True


cdef bint _line_crossings(Layer* L, Py_ssize_t p) noexcept:
    """The crossings of two straddling lines inside the polygon; False for a crossing on
    an edge, weights too large to cross, or nearly parallel lines that meet."""
    cdef Py_ssize_t a, b, ja, jb, m
    cdef const double* la
    cdef const double* lb
    cdef double det, q0, q1, d0, d1, length, along, margin, tb, z1, z2
    for a in range(L.nl):
        ja = L.lines[a]
        la = &L.G[(ja * L.P + p) * 3]
        m = L.chord[ja]
        for b in range(a + 1, L.nl):
            jb = L.lines[b]
            lb = &L.G[(jb * L.P + p) * 3]
            det = la[0] * lb[1] - lb[0] * la[1]
            if not isfinite(det):
                return False
            if not fabs(det) > L.tol * L.norm[ja * L.P + p] * L.norm[jb * L.P + p]:
                # Nearly parallel: no crossing, and not general position if b meets a's chord.
                tb = L.tol * L.norm[jb * L.P + p]
                z1 = L.cx[m] * lb[0] + L.cy[m] * lb[1] + lb[2]
                z2 = L.cx[m + 1] * lb[0] + L.cy[m + 1] * lb[1] + lb[2]
                if z1 * z2 <= 0 or fabs(z1) <= tb or fabs(z2) <= tb:
                    return False
                continue
            q0 = (la[1] * lb[2] - lb[1] * la[2]) / det
            q1 = (la[2] * lb[0] - lb[2] * la[0]) / det
            if not (isfinite(q0) and isfinite(q1)):
                return False
            # Inside the polygon when inside line a's chord, measured from its two ends.
            d0, d1 = L.cx[m + 1] - L.cx[m], L.cy[m + 1] - L.cy[m]
            length = hypot(d0, d1)
            along = (q0 - L.cx[m]) * (d0 / length) + (q1 - L.cy[m]) * (d1 / length)
            if not isfinite(along):
                return False
            margin = along if along <= length - along else length - along
            if fabs(margin) <= L.tol:
                return False
            if margin > 0:
                _corner(L, q0, q1, L.unit0 + ja, L.unit0 + jb, ja, jb)
                L.n_crossings += 1
    return True


cdef bint _incidences(Layer* L, Py_ssize_t p) noexcept:
    """Each corner once per combination of its free units' signs, keyed by the signs of
    the straddling lines there, then sorted by key; False where three lines meet or two
    coincide (the free units are not exactly the lines through the corner)."""
    cdef Py_ssize_t c, a, j, w, e, n_free, zeros, combo, nw = L.nw
    cdef const double* g
    cdef double z
    cdef uint64_t bit
    L.n_inc = 0
    for c in range(L.nc):
        for w in range(nw):
            L.base[w] = 0
        n_free = 0 if c < L.n_own else (1 if L.free[2 * c + 1] < 0 else 2)
        zeros = 0
        for a in range(L.nl):
            j = L.lines[a]
            if c < L.n_own:
                z = L.Z[j * L.V + L.first[p] + c]
            else:
                g = &L.G[(j * L.P + p) * 3]
                z = g[0] * L.cx[c] + g[1] * L.cy[c] + g[2]
                zeros += fabs(z) <= L.tol * L.norm[j * L.P + p]
            if z > 0:
                L.base[j // WORD] |= (<uint64_t>1) << (j % WORD)
        if zeros != n_free:
            return False
        for combo in range(1 << n_free):
            for w in range(nw):
                L.words[L.n_inc * nw + w] = L.base[w]
            for e in range(n_free):
                j = L.free[2 * c + e]
                bit = (<uint64_t>1) << (j % WORD)
                if (combo >> e) & 1:
                    L.words[L.n_inc * nw + j // WORD] |= bit
                else:
                    L.words[L.n_inc * nw + j // WORD] &= ~bit
            L.inc[L.n_inc] = c
            L.order[L.n_inc] = L.n_inc
            L.n_inc += 1
    _sort_by_words(L.order, L.tmp, L.n_inc, L.words, nw)
    return True


cdef bint _cells(Layer* L, Py_ssize_t p) noexcept:
    """The runs of equal keys as cells, corners counter-clockwise from the smallest angle
    around their mean; False for a run of under three corners or two
    consecutive corners without a common constraint."""
    cdef Py_ssize_t h = 0, e, i, c, q, j, k
    cdef double mx, my
    cdef int64_t t0, t1, u0, u1
    cdef int64_t* o = L.order
    while h < L.n_inc:
        e = h + 1
        while e < L.n_inc and _compare(o[h], o[e], L.words, L.nw) == 0:
            e += 1
        if e - h < 3:
            return False
        # The mean of the corners, summed in the order they were made, as the reference
        # sums it (the first term is the first corner: a sum from 0.0 turns -0.0 into 0.0).
        mx, my = L.cx[L.inc[o[h]]], L.cy[L.inc[o[h]]]
        for i in range(h + 1, e):
            mx = mx + L.cx[L.inc[o[i]]]
            my = my + L.cy[L.inc[o[i]]]
        mx = mx / (e - h)
        my = my / (e - h)
        for i in range(h, e):
            c = L.inc[o[i]]
            L.angle[i] = L.n_cells + (atan2(L.cy[c] - my, L.cx[c] - mx) + M_PI) / L.turn
        _sort_by_angle(&o[h], &L.angle[h], e - h)
        for i in range(h, e):
            c, q = L.inc[o[i]], L.inc[o[i + 1] if i + 1 < e else o[h]]
            t0, t1, u0, u1 = L.tight[2 * c], L.tight[2 * c + 1], L.tight[2 * q], \
                L.tight[2 * q + 1]
            k = L.n_corners + i - h
            if t0 == u0 or t0 == u1:
                L.labo[k] = t0
            elif t1 == u0 or t1 == u1:
                L.labo[k] = t1
            else:
                return False
            L.Xo[2 * k], L.Xo[2 * k + 1] = L.cx[c], L.cy[c]
        L.start[L.n_cells], L.count[L.n_cells], L.origin[L.n_cells] = L.n_corners, e - h, p
        for j in range(L.n_out):
            L.bits[L.n_cells * L.n_out + j] = (
                (L.words[o[h] * L.nw + j // WORD] >> (j % WORD)) & 1
                if L.strad[j * L.P + p] else L.side[j * L.P + p])
        L.n_corners += e - h
        L.n_cells += 1
        h = e
    return True


cdef inline int _compare(int64_t a, int64_t b, const uint64_t* words, Py_ssize_t nw) noexcept:
    """Order two incidences by their key words, the first word most significant."""
    cdef Py_ssize_t w
    for w in range(nw):
        if words[a * nw + w] != words[b * nw + w]:
            return -1 if words[a * nw + w] < words[b * nw + w] else 1
    return 0


cdef void _sort_by_words(int64_t* order, int64_t* tmp, Py_ssize_t n, const uint64_t* words,
                         Py_ssize_t nw) noexcept:
    """Stable sort of ``order`` by key words: insertion sort of runs of eight, then
    bottom-up merges."""
    cdef Py_ssize_t lo, i, k, width
    cdef int64_t x
    for lo in range(0, n, 8):
        for i in range(lo + 1, min(lo + 8, n)):
            x = order[i]
            k = i
            while k > lo and _compare(order[k - 1], x, words, nw) > 0:
                order[k] = order[k - 1]
                k -= 1
            order[k] = x
    width = 8
    while width < n:
        lo = 0
        while lo < n:
            _merge(order, tmp, lo, min(lo + width, n), min(lo + 2 * width, n), words, nw)
            lo += 2 * width
        width *= 2


cdef void _merge(int64_t* order, int64_t* tmp, Py_ssize_t lo, Py_ssize_t mid, Py_ssize_t hi,
                 const uint64_t* words, Py_ssize_t nw) noexcept:
    """Merge the sorted runs ``order[lo:mid]`` and ``order[mid:hi]``, the left first on
    ties."""
    cdef Py_ssize_t l = lo, r = mid, k
    for k in range(lo, hi):
        if r >= hi or (l < mid and _compare(order[r], order[l], words, nw) >= 0):
            tmp[k] = order[l]
            l += 1
        else:
            tmp[k] = order[r]
            r += 1
    for k in range(lo, hi):
        order[k] = tmp[k]


cdef void _sort_by_angle(int64_t* order, double* angle, Py_ssize_t n) noexcept:
    """Insertion sort of one cell's corners (a handful) by angle, moving both arrays."""
    cdef Py_ssize_t i, k
    cdef int64_t o
    cdef double x
    for i in range(1, n):
        o, x = order[i], angle[i]
        k = i
        while k > 0 and angle[k - 1] > x:
            order[k], angle[k] = order[k - 1], angle[k - 1]
            k -= 1
        order[k], angle[k] = o, x
