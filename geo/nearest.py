"""Nearest point and points within a radius, in numpy alone (no KD-tree library).

Why not scipy's ``cKDTree``: importing ``scipy.spatial`` pulls scipy's linear algebra
and its own OpenBLAS into the desktop bundle (~51 MB) for a few simple searches.

How: the indexed points are bucketed in a 2-D grid of square cells over two of their
coordinates (for unit vectors on the sphere, the two with the widest spread: the
dropped one varies least across a region), one grid per cell size, each twice the
last (the points are sorted once along a Z curve, so every grid's cells are runs of
that one order). The finest cells hold a point or two where the points are dense.
Projection never lengthens a distance, so every point within ``r`` of a query lies in
the cells that meet the square of half-side ``r`` around the query's projection.
Queries are handled per cell: each occupied cell gets the list of points of the cells
around it once, and every query of the cell measures exactly that list (in all
dimensions). A nearest search looks at the 3 x 3 cells around the query and
is done when the nearest found is nearer than any cell outside them; the queries that
are not done look again on the next coarser grid. Each query starts on the grid whose
cells hold about two points where it lies.

Distances are measured as ``cKDTree`` measures them (float64, ``sqrt`` of the sum of
squared coordinate differences, summed left to right), and its decisions are kept:
``d**2 <= r**2`` for points within ``r``, ``d**2 < bound**2`` for a bounded nearest.
So every threshold decision and every distance equals scipy's. Ties for the nearest
(co-located points) go to the lowest index; ``cKDTree`` returns one of them in its
tree's order, which depends on how the tree was built.

Groups: points and queries may carry an integer group; a query then only sees points
of its own group (each group has its own grid), as a 4th coordinate ``4 * group`` did
with a tree.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
# Cell edges are widened by this (relative) so that rounding never hides a point;
# the exact distance decides.
SLACK = 1e-9
# The finest cells are made smaller until a point shares its cell with about this
# many points (on average over the points).
OCCUPANCY = 2.0
# A nearest search starts on cells that hold about this many points near the query.
TARGET = 2.0
# One radius for all queries: cells of radius / FIT (the points within the radius and
# the 5 x 5 cells' corners around them: ~2x the pairs measured).
FIT = 2.0
# Empty cells around each table: neighbours up to this far need no bounds checks.
PAD = 3
# Queries are measured in batches of about this many candidate pairs (cache-sized).
BATCH = 1 << 17
# Big searches run their batches on this many threads.
THREADS = 2

T = TypeVar("T")


@dataclass(frozen=True)
class Pairs:
    """Query ``q[k]`` lies within the radius of indexed point ``i[k]``, at chord ``d[k]``."""

    q: IntArray
    i: IntArray
    d: FloatArray


@dataclass(frozen=True)
class _Grid:
    """One cell size: per group a table of ``nu`` x ``nv`` cells with an empty margin of
    ``PAD`` cells (neighbours need no bounds checks), the groups' tables laid end to
    end; the points of cell ``c`` are ``order[first[c]:first[c] + count[c]]``."""

    level: int  # -1: a grid of its own size, not one of the halvings
    h: float
    nu: IntArray
    nv: IntArray
    off: IntArray
    first: IntArray
    count: IntArray
    order: IntArray

    @property
    def cells(self) -> int:
        return len(self.first)

    @property
    def wide(self) -> IntArray:
        """Cells per row of each group's table, with its margin."""
        return self.nv + 2 * PAD

    def ids(self, g: IntArray, cu: IntArray, cv: IntArray) -> IntArray:
        return self.off[g] + (cu + PAD) * self.wide[g] + (cv + PAD)


class PointIndex:
    """Points in ``dim`` >= 2 dimensions (unit vectors, or scaled lon/lat) to search."""

    def __init__(self, points: FloatArray, group: IntArray | None = None) -> None:
        pts = np.asarray(points, dtype=np.float64)
        if pts.ndim != 2 or pts.shape[1] < 2:
            raise ValueError(f"points must be an (n, d >= 2) array, got shape {pts.shape}")
        self.size = len(pts)
        self.cols = [np.ascontiguousarray(pts[:, k]) for k in range(pts.shape[1])]
        self.groups = None if group is None else np.unique(np.asarray(group, np.int64))
        self._g = self._rank(group, self.size)
        spread = [float(np.ptp(c)) if self.size else 0.0 for c in self.cols]
        self._axes = tuple(sorted(np.argsort(spread, kind="stable")[::-1][:2].tolist()))
        self._grids: dict[int | tuple[str, float], _Grid] = {}
        if self.size:
            self._set_up()

    # -- public searches -------------------------------------------------------------
    def nearest(self, queries: FloatArray, group: IntArray | None = None,
                bound: float | None = None) -> tuple[FloatArray, IntArray]:
        """Chord to and index of each query's nearest point (of its group).

        With ``bound``, only points nearer than ``bound`` count (``cKDTree``'s
        ``distance_upper_bound``). No point: chord ``inf`` and index ``size``. Of points
        exactly as near (co-located ones), the lowest index.
        """
        q = self._queries(queries)
        n = len(q[0])
        best, idx = np.full(n, np.inf), np.full(n, self.size, dtype=np.int64)
        if not n or not self.size:
            return best, idx
        qg = self._rank(group, n, queries=True)
        todo = np.flatnonzero(qg >= 0)
        limit = np.inf if bound is None else float(bound)
        first = self._first_level(q, qg, todo)
        left = np.zeros(0, dtype=np.int64)
        for level in range(int(first.min()) if len(todo) else 0, self._top + 2):
            left = np.concatenate([left, todo[first == level]])  # queries starting here join
            if len(left):  # the top grid's 3 x 3 cells hold every point
                left = self._nearest_on(self._grid(level), q, qg, left, best, idx, limit)
        if bound is not None:
            far = best >= limit * limit
            best[far], idx[far] = np.inf, self.size
        return np.sqrt(best), idx

    def within(self, queries: FloatArray, radius: float | FloatArray,
               group: IntArray | None = None, sort: bool = False) -> Pairs:
        """Every (query, point) pair at most ``radius`` apart (one radius or one per query).

        ``sort``: pairs ordered by query, then point (as ``cKDTree.query_ball_point``
        lists them); otherwise in an order of the search's own."""
        q = self._queries(queries)
        n = len(q[0])
        r = np.broadcast_to(np.asarray(radius, dtype=np.float64), (n,))
        found: list[tuple[IntArray, IntArray, FloatArray]] = []
        if n and self.size:
            qg = self._rank(group, n, queries=True)
            todo = np.flatnonzero((qg >= 0) & (r >= 0))

            def keep(cq: IntArray, ci: IntArray, d2: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
                near = d2 <= r[cq] * r[cq]
                return cq[near], ci[near], d2[near]

            found = self._pairs(q, qg, todo, r[todo], keep)
        if not found:
            return Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        cq, ci, d2 = (np.concatenate([f[k] for f in found]) for k in range(3))
        if sort:
            o = np.lexsort((ci, cq))
            cq, ci, d2 = cq[o], ci[o], d2[o]
        return Pairs(cq, ci, np.sqrt(d2))

    def count_within(self, queries: FloatArray, radius: float | FloatArray,
                     group: IntArray | None = None) -> IntArray:
        """How many points lie within ``radius`` of each query."""
        pairs = self.within(queries, radius, group)
        return np.bincount(pairs.q, minlength=len(np.asarray(queries))).astype(np.int64)

    def _first_level(self, q: list[FloatArray], qg: IntArray, todo: IntArray) -> IntArray:
        """The grid to start each query's search on: cells of about ``TARGET`` points
        where it lies, judged by the points in its cell of the mean-density grid."""
        level = np.full(len(todo), self._base, dtype=np.int64)
        grid = self._grid(self._base)
        count = grid.count[self._cell_ids(grid, q, qg, todo)]
        finer = np.floor(0.5 * np.log2(np.maximum(count, 1) / TARGET) + 0.5)
        level -= np.clip(finer, 0, self._base).astype(np.int64)
        return np.minimum(level, self._top)

    # -- set-up ----------------------------------------------------------------------
    def _rank(self, group: IntArray | None, n: int, queries: bool = False) -> IntArray:
        """Group ranks 0..G-1 (-1: a query group no point has)."""
        if self.groups is None or group is None:
            if self.groups is not None and queries:
                raise ValueError("this index has groups: give the queries' groups")
            return np.zeros(n, dtype=np.int64)
        g = np.asarray(group, np.int64)
        if len(g) != n:
            raise ValueError(f"{len(g)} groups for {n} points")
        rank = np.minimum(np.searchsorted(self.groups, g), len(self.groups) - 1)
        return np.where(self.groups[rank] == g, rank, -1).astype(np.int64)

    def _set_up(self) -> None:
        u, v = (self.cols[a] for a in self._axes)
        ng = int(self._g.max()) + 1
        self._lo = [self._reduce(u, ng, np.minimum), self._reduce(v, ng, np.minimum)]
        hi = [self._reduce(u, ng, np.maximum), self._reduce(v, ng, np.maximum)]
        self._span = [hi[0] - self._lo[0], hi[1] - self._lo[1]]
        # rounding of cell edges, in coordinate units
        self._eps = 1e-12 * max(1.0, *(float(np.max(np.abs(c))) for c in self.cols))
        area = float(np.sum(self._span[0] * self._span[1]))
        side = float(max(np.max(self._span[0]), np.max(self._span[1])))
        self._h0 = max(np.sqrt(area / self.size), side / self.size, 1e-9 * max(side, 1e-3))
        self._base = 0  # levels above the finest of the grid sized to the mean density
        counts = self._counts(self._h0)
        # clustered points: finer cells until a point has few cell mates
        while float(np.sum(counts * counts)) / self.size > OCCUPANCY and self._h0 > side * 1e-6:
            finer = self._counts(self._h0 / 2.0)
            if len(finer) > 16 * self.size + 1024 or np.sum(finer * finer) == np.sum(counts * counts):
                break  # too many cells, or co-located points that no cell splits
            self._h0, self._base, counts = self._h0 / 2.0, self._base + 1, finer
        self._top = int(np.ceil(np.log2(max(side, self._h0) / self._h0))) + 1
        # One sort for every grid: by group, then along a Z curve over the finest cells,
        # so that every cell of every coarser grid is a run of this order too.
        cu, cv = self._cells(0, self._g, u, v)
        bits = max(int(cu.max()), int(cv.max()), 1).bit_length()
        z = _spread_bits(cu) | (_spread_bits(cv) << 1)
        if ng == 1:
            order = np.argsort(z, kind="stable")
        elif 2 * bits + ng.bit_length() < 63:
            order = np.argsort(z | (self._g << (2 * bits)), kind="stable")
        else:
            order = np.lexsort((z, self._g))
        self._order = order.astype(np.int64)
        self._sorted = (self._g[order], cu[order], cv[order])

    def _reduce(self, x: FloatArray, ng: int, op: np.ufunc) -> FloatArray:
        out = np.full(ng, np.inf if op is np.minimum else -np.inf)
        op.at(out, self._g, x)
        return out

    def _dims(self, h: float) -> tuple[IntArray, IntArray, IntArray]:
        nu = np.floor(self._span[0] / h).astype(np.int64) + 1
        nv = np.floor(self._span[1] / h).astype(np.int64) + 1
        return nu, nv, np.concatenate([[0], np.cumsum(nu * nv)]).astype(np.int64)

    def _counts(self, h: float) -> IntArray:
        """Points per cell for cells of side ``h`` (to choose the finest grid)."""
        nu, nv, off = self._dims(h)
        u, v = (self.cols[a] for a in self._axes)
        cu = np.floor((u - self._lo[0][self._g]) / h).astype(np.int64)
        cv = np.floor((v - self._lo[1][self._g]) / h).astype(np.int64)
        return np.bincount(off[self._g] + cu * nv[self._g] + cv, minlength=int(off[-1]))

    def _grid(self, level: int) -> _Grid:
        """The grid with cells ``2**level`` times the finest, built on first use: its
        cells are runs of the one sorted order."""
        grid = self._grids.get(level)
        if grid is None:
            g, cu, cv = self._sorted
            nu0, nv0, _ = self._dims(self._h0)
            nu, nv = ((nu0 - 1) >> level) + 1, ((nv0 - 1) >> level) + 1
            off = _offsets(nu, nv)
            size = int(off[-1])
            grid = _Grid(level, self._h0 * 2.0 ** level, nu, nv, off[:-1], np.zeros(size, np.int64),
                         np.zeros(size, np.int64), self._order)
            cell = grid.ids(g, cu >> level, cv >> level)
            runs = np.flatnonzero(np.concatenate([[True], cell[1:] != cell[:-1]]))
            grid.first[cell[runs]] = runs
            grid.count[cell[runs]] = np.diff(np.append(runs, len(cell)))
            self._grids[level] = grid
        return grid

    def _sized(self, h: float) -> _Grid | None:
        """A grid with cells of side ``h`` (a fixed-radius search fits its cells to the
        radius), or None when it would have too many cells."""
        key = ("sized", h)
        grid = self._grids.get(key)
        if grid is None:
            nu, nv, _ = self._dims(h)
            off = _offsets(nu, nv)
            if off[-1] > 16 * self.size + 1024:
                return None
            g = self._g
            cu, cv = self._scaled(h, g, *(self.cols[a] for a in self._axes))
            cell = off[g] + (cu + PAD) * (nv[g] + 2 * PAD) + (cv + PAD)
            small = np.uint16 if off[-1] <= 1 << 16 else np.int32 if off[-1] < 1 << 31 else np.int64
            order = np.argsort(cell.astype(small), kind="stable").astype(np.int64)
            count = np.bincount(cell, minlength=int(off[-1]))
            grid = _Grid(-1, h, nu, nv, off[:-1], np.cumsum(count) - count, count, order)
            self._grids[key] = grid
        return grid

    def _scaled(self, h: float, g: IntArray, u: FloatArray, v: FloatArray) -> tuple[IntArray, IntArray]:
        big = 2.0 ** 40
        return (np.clip(np.floor((u - self._lo[0][g]) / h), -big, big).astype(np.int64),
                np.clip(np.floor((v - self._lo[1][g]) / h), -big, big).astype(np.int64))

    def _grid_cells(self, grid: _Grid, g: IntArray, u: FloatArray, v: FloatArray) -> tuple[IntArray, IntArray]:
        return self._scaled(grid.h, g, u, v) if grid.level < 0 else self._cells(grid.level, g, u, v)

    def _cells(self, level: int, g: IntArray, u: FloatArray, v: FloatArray) -> tuple[IntArray, IntArray]:
        """Cell coordinates on grid ``level``: the finest grid's, halved ``level`` times
        (the same as dividing by the coarser side, which is exact in binary)."""
        big = 2.0 ** 40
        cu = np.clip(np.floor((u - self._lo[0][g]) / self._h0), -big, big).astype(np.int64)
        cv = np.clip(np.floor((v - self._lo[1][g]) / self._h0), -big, big).astype(np.int64)
        return cu >> level, cv >> level

    def _queries(self, queries: FloatArray) -> list[FloatArray]:
        q = np.asarray(queries, dtype=np.float64)
        if q.ndim != 2 or q.shape[1] != len(self.cols):
            raise ValueError(f"queries must be an (n, {len(self.cols)}) array, got shape {q.shape}")
        return [np.ascontiguousarray(q[:, k]) for k in range(q.shape[1])]

    # -- per-cell candidate lists ----------------------------------------------------
    def _lists(self, grid: _Grid, reach: int, radius: float, cells: IntArray
               ) -> tuple[IntArray, IntArray, IntArray]:
        """For each of ``cells`` (clipped cell ids), the points of the cells up to
        ``reach`` cells away whose square comes within ``radius`` (inf: all of them),
        as (first, end) into one array of point indices."""
        offsets = [(a, b) for a in range(-reach, reach + 1) for b in range(-reach, reach + 1)
                   if _gap2(a, b, grid.h) <= radius * radius * (1.0 + SLACK) + self._eps]
        g = np.searchsorted(grid.off, cells, side="right") - 1
        wide = grid.wide[g]
        a = np.array([o[0] for o in offsets])
        b = np.array([o[1] for o in offsets])
        if reach <= PAD:  # the margin holds every neighbour: no bounds to check
            nbr = cells[:, None] + wide[:, None] * a[None, :] + b[None, :]
            first, count = grid.first[nbr].ravel(), grid.count[nbr].ravel()  # cell by cell
        else:
            local = cells - grid.off[g]
            cu, cv = local // wide - PAD, local % wide - PAD
            na, nb = cu[:, None] + a[None, :], cv[:, None] + b[None, :]
            ok = ((na >= -PAD) & (na < (grid.nu[g] + PAD)[:, None]) & (nb >= -PAD)
                  & (nb < (grid.nv[g] + PAD)[:, None]))
            nbr = np.where(ok, cells[:, None] + wide[:, None] * a[None, :] + b[None, :], 0)
            first, count = grid.first[nbr].ravel(), np.where(ok, grid.count[nbr], 0).ravel()
        total = np.cumsum(count)
        pos = np.arange(int(total[-1]) if len(total) else 0) + np.repeat(first - (total - count), count)
        items = grid.order[pos]
        per_cell = total.reshape(len(cells), len(offsets))[:, -1] if len(cells) else total
        begin = np.concatenate([[0], per_cell[:-1]]).astype(np.int64)
        return begin, per_cell.astype(np.int64), items

    def _cell_ids(self, grid: _Grid, q: list[FloatArray], qg: IntArray, qi: IntArray) -> IntArray:
        """Each query's cell, clipped into its group's table."""
        g = qg[qi]
        cu, cv = self._grid_cells(grid, g, q[self._axes[0]][qi], q[self._axes[1]][qi])
        return grid.ids(g, np.clip(cu, 0, grid.nu[g] - 1), np.clip(cv, 0, grid.nv[g] - 1))

    def _query_cells(self, grid: _Grid, q: list[FloatArray], qg: IntArray, qi: IntArray
                     ) -> tuple[IntArray, IntArray, IntArray, FloatArray, FloatArray]:
        """Each query's cell (clipped into its group's table), and the occupied cells."""
        g = qg[qi]
        u, v = q[self._axes[0]][qi], q[self._axes[1]][qi]
        cu, cv = self._grid_cells(grid, g, u, v)
        cu = np.clip(cu, 0, grid.nu[g] - 1)
        cv = np.clip(cv, 0, grid.nv[g] - 1)
        cell = grid.ids(g, cu, cv)
        used = np.flatnonzero(np.bincount(cell, minlength=grid.cells))
        rank = np.zeros(grid.cells, dtype=np.int64)
        rank[used] = np.arange(len(used))
        return rank[cell], used, np.stack([cu, cv]), u, v

    def _expand(self, q: list[FloatArray], qi: IntArray, begin: IntArray, end: IntArray,
                items: IntArray, fn: Callable[[IntArray, IntArray, FloatArray], T]) -> list[T]:
        """``fn(query, point, squared distance)`` over each query's list, in batches of
        whole queries (so batches never share a query), on two threads when big."""
        lens = end - begin
        edges = np.cumsum(lens)
        cuts = [0]
        while cuts[-1] < len(qi):
            base = edges[cuts[-1] - 1] if cuts[-1] else 0
            cuts.append(max(int(np.searchsorted(edges, base + BATCH, side="right")), cuts[-1] + 1))

        def run(k: int) -> T:
            lo, hi = cuts[k], cuts[k + 1]
            n = lens[lo:hi]
            cq = np.repeat(qi[lo:hi], n)
            ci = items[np.arange(len(cq)) + np.repeat(begin[lo:hi] - (np.cumsum(n) - n), n)]
            return fn(cq, ci, self._d2(q, cq, ci))

        if len(cuts) <= 3:
            return [run(k) for k in range(len(cuts) - 1)]
        with ThreadPoolExecutor(THREADS) as pool:  # numpy lets go of the GIL in these loops
            return list(pool.map(run, range(len(cuts) - 1)))

    def _d2(self, q: list[FloatArray], cq: IntArray, ci: IntArray) -> FloatArray:
        """Squared distances, summed left to right as cKDTree sums them."""
        d2 = np.zeros(len(cq))
        for qc, pc in zip(q, self.cols):
            diff = qc[cq] - pc[ci]
            d2 += diff * diff
        return d2

    # -- searches --------------------------------------------------------------------
    def _pairs(self, q: list[FloatArray], qg: IntArray, todo: IntArray, radius: FloatArray,
               fn: Callable[[IntArray, IntArray, FloatArray], T]) -> list[T]:
        """``fn`` over the candidates for every point within ``radius`` of each query."""
        out: list[T] = []
        if not len(todo):
            return out
        r = radius * (1.0 + SLACK) + self._eps
        rmax = float(np.max(r))
        sized = self._sized(rmax / FIT) if rmax == float(np.min(r)) and rmax > 0 else None
        # cells of at least a third of the radius: 5 x 5 to 7 x 7 cells, corners dropped
        levels = np.clip(np.ceil(np.log2(np.maximum(r / (3.0 * self._h0), 1.0))), 0, self._top)
        if sized is not None:
            levels[:] = -1
        for level in np.unique(levels):
            sel = np.flatnonzero(levels == level)
            grid = self._grid(int(level)) if sized is None else sized
            qi = todo[sel]
            rmax = float(np.max(r[sel]))
            reach = int(min(np.ceil(rmax / grid.h), max(np.max(grid.nu), np.max(grid.nv))))
            k, used, _cell, _u, _v = self._query_cells(grid, q, qg, qi)
            begin, end, items = self._lists(grid, reach, rmax, used)
            out += self._expand(q, qi, begin[k], end[k], items, fn)
        return out

    def _nearest_on(self, grid: _Grid, q: list[FloatArray], qg: IntArray, left: IntArray,
                    best: FloatArray, idx: IntArray, limit: float) -> IntArray:
        """Nearest among the 3 x 3 cells around each query, kept when no point outside
        them can be as near (or nearer than ``limit``). Returns the other queries."""
        k, used, cell, u, v = self._query_cells(grid, q, qg, left)
        begin, end, items = self._lists(grid, 1, np.inf, used)
        b2 = np.full(len(left), np.inf)
        bi = np.full(len(left), self.size, dtype=np.int64)
        at = np.full(len(q[0]), -1, dtype=np.int64)
        at[left] = np.arange(len(left))
        self._expand(q, left, begin[k], end[k], items,
                     lambda cq, ci, d2: self._keep_nearest(at[cq], ci, d2, b2, bi))
        # how far the nearest point outside the 3 x 3 cells can be, at least
        g = qg[left]
        h = grid.h
        gaps = []
        for axis, (c, x, n) in enumerate(((cell[0], u, grid.nu[g]), (cell[1], v, grid.nv[g]))):
            lo = self._lo[axis][g]
            gaps.append(np.where(c - 1 > 0, x - (lo + (c - 1) * h), np.inf))
            gaps.append(np.where(c + 2 < n, lo + (c + 2) * h - x, np.inf))
        gap = np.maximum(np.min(gaps, axis=0) * (1.0 - SLACK) - self._eps, 0.0)
        done = (b2 < gap * gap) | (gap >= limit)
        best[left[done]], idx[left[done]] = b2[done], bi[done]
        return left[~done]

    def _keep_nearest(self, cq: IntArray, ci: IntArray, d2: FloatArray, best: FloatArray,
                      idx: IntArray) -> None:
        """Fold candidates (query by query) into best/idx: nearer wins, then lower index."""
        if not len(cq):
            return
        heads = np.flatnonzero(np.concatenate([[True], cq[1:] != cq[:-1]]))
        who = cq[heads]
        m = np.minimum.reduceat(d2, heads)
        at_min = d2 == np.repeat(m, np.diff(np.append(heads, len(cq))))
        low = np.minimum.reduceat(np.where(at_min, ci, self.size), heads)
        better = (m < best[who]) | ((m == best[who]) & (low < idx[who]))
        best[who[better]], idx[who[better]] = m[better], low[better]


def _gap2(a: int, b: int, h: float) -> float:
    """Squared distance between cell (0, 0) and cell (a, b), in coordinate units."""
    return (max(abs(a) - 1, 0) * h) ** 2 + (max(abs(b) - 1, 0) * h) ** 2


def _spread_bits(x: IntArray) -> IntArray:
    """The bits of ``x`` (< 2**31) moved to the even positions: half of a Z-curve key."""
    x = x & 0x7FFFFFFF
    for shift, mask in ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF), (4, 0x0F0F0F0F0F0F0F0F),
                        (2, 0x3333333333333333), (1, 0x5555555555555555)):
        x = (x | (x << shift)) & mask
    return x


def _offsets(nu: IntArray, nv: IntArray) -> IntArray:
    """Where each group's table (with its margin) starts, and the total at the end."""
    return np.concatenate([[0], np.cumsum((nu + 2 * PAD) * (nv + 2 * PAD))]).astype(np.int64)
