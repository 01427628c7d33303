"""Terrain-aware reach: flat-equivalent km from the nearest outlet over the hex graph.

A straight 30 km across the Hengduan mountains is not the same trip as 30 km across
the North China Plain. Travel is modelled as the cheapest path over the hex cells:

* the graph links every cell to 24 neighbours (6 adjacent, 6 at sqrt(3) and 12 at
  sqrt(7) spacings), so on flat ground a path deviates from the great circle by at most
  2.5% (median 0.6%) on paths up to 150 km (6 neighbours alone would add up to 15%);
* an edge costs its great-circle length times the mean terrain factor ``tau``
  at five points along it (cost-distance as in GIS "path distance"; the end points
  interpolated, the three inner points from the nearest relief node);
* ``tau = exp(3.5 * S) * (1 + 0.1 * max(0, z - 3000 m) / 1000 m)``: the first term is
  Tobler's hiking function (Tobler 1993, ``W = 6 exp(-3.5 |S + 0.05|)`` km/h) taken as
  the ratio of flat to sloped speed, symmetric because installers drive both ways
  (``S`` is the ETOPO5 slope, rise over run); the second term slows vehicles by 10%
  per 1,000 m above 3,000 m (thin air costs a non-turbocharged engine ~10% of power
  per 1,000 m).

The service radius then means flat-equivalent km: a cell is covered when its
cheapest path to an outlet costs no more than the radius. All outlets are sources of
one Dijkstra run (a super-source linked to each outlet's cell by the straight
distance to the cell centre; ``scipy.sparse.csgraph.dijkstra``), never a loop per outlet.
ETOPO5's 9 km cells smooth slopes, so the factor is a lower bound of real detours.
"""
from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from reach_planner.geo.grid import HexGrid, build_grid, offset_pairs
from reach_planner.geo.relief import Relief, load_relief
from reach_planner.geo.sphere import chord_to_km, km_to_chord, to_xyz

# Half of each neighbour ring (the graph is undirected): adjacent, sqrt(3), sqrt(7).
OFFSETS = ((1, 0), (0, 1), (-1, 1),
           (1, 1), (2, -1), (-1, 2),
           (2, 1), (3, -1), (3, -2), (1, 2), (-1, 3), (-2, 3))
TOBLER_K = 3.5
ALTITUDE_FROM_M = 3_000.0
ALTITUDE_SLOWDOWN_PER_KM = 0.10
SAMPLES = np.linspace(0.0, 1.0, 5)
WINDING_M = 1_200.0  # local relief (m) that doubles a road's length (calibrated, see README)
START_SPACINGS = 2.0  # outlets link straight to the cells within two grid spacings


def terrain_factor(relief: Relief, winding_m: float | None = None) -> NDArray[np.float64]:
    """``tau`` on the relief grid: 1 on flat lowland, larger on slopes, in rugged land and high up."""
    z = np.maximum(relief.elevation.astype(np.float64), 0.0)
    alt = 1.0 + ALTITUDE_SLOWDOWN_PER_KM * np.maximum(z - ALTITUDE_FROM_M, 0.0) / 1000.0
    winding = 1.0 + relief.ruggedness() / (WINDING_M if winding_m is None else winding_m)
    return np.exp(TOBLER_K * relief.slope()) * winding * alt


def edge_costs(grid: HexGrid, relief: Relief, src: NDArray[np.int64], dst: NDArray[np.int64],
               tau: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(great-circle length, flat-equivalent cost) in km of each edge; ``tau`` on the relief grid."""
    xyz = grid.xyz
    length = chord_to_km(np.linalg.norm(xyz[src] - xyz[dst], axis=1))
    tau_cell = relief.sample(grid.lon, grid.lat, tau)
    lon0, lat0, lon1, lat1 = grid.lon[src], grid.lat[src], grid.lon[dst], grid.lat[dst]
    total = tau_cell[src] + tau_cell[dst]  # the end points: sampled once per cell
    for t in SAMPLES[1:-1]:
        total += relief.nearest(lon0 + t * (lon1 - lon0), lat0 + t * (lat1 - lat0), tau)
    return length, length * total / len(SAMPLES)


class TerrainGraph:
    """The hex graph of one grid with terrain edge costs; built once, reused per scenario."""

    def __init__(self, grid: HexGrid, relief: Relief) -> None:
        self.grid = grid
        src, dst = offset_pairs(grid, OFFSETS)
        tau = terrain_factor(relief)
        self.length, cost = edge_costs(grid, relief, src, dst, tau)
        self.tau_cell = relief.sample(grid.lon, grid.lat, tau)
        self._src, self._dst, self._cost = src, dst, cost
        self._arcs = _Arcs(grid.size, src, dst)  # undirected: edges run both ways
        self._xyz = grid.xyz
        self._cells = cKDTree(self._xyz)

    def distance(self, lon: NDArray[np.float64], lat: NDArray[np.float64],
                 costs: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
        """Flat-equivalent km from the nearest of the points (lon, lat) to every cell."""
        n = self.grid.size
        if len(lon) == 0:
            return np.full(n, np.inf)
        w = self._cost if costs is None else costs
        # Super-source n: linked to each point's start cells (:meth:`starts`).
        _point, cell, cost = self.starts(lon, lat, flat=costs is not None)
        start = np.full(n, np.inf)
        np.minimum.at(start, cell, cost)
        hit = np.flatnonzero(np.isfinite(start))
        graph = self._arcs.with_source(w, hit, np.maximum(start[hit], 1e-9))  # (0 + edge: exact)
        return np.asarray(dijkstra(graph, directed=True, indices=n))[:n]

    def starts(self, lon: NDArray[np.float64], lat: NDArray[np.float64], flat: bool = False
               ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """(point, cell, cost) of the edges by which each point enters the lattice.

        Each point links to every cell within two spacings, costing the straight
        distance (times the cell's factor), so paths start off-lattice; an offshore point
        still reaches its nearest cell. A point's path to a cell starts on one of these."""
        pts = to_xyz(np.asarray(lon, float), np.asarray(lat, float))
        pairs = cKDTree(pts).sparse_distance_matrix(self._cells, km_to_chord(START_SPACINGS * self.grid.spacing_km),
                                                    output_type="ndarray")
        i, j = pairs["i"].astype(np.int64), pairs["j"].astype(np.int64)
        d0 = chord_to_km(np.linalg.norm(self._xyz[j] - pts[i], axis=1))
        d_near, near = self._cells.query(pts, workers=-1)
        point = np.concatenate([i, np.arange(len(pts))]).astype(np.int64)
        cell = np.concatenate([j, np.asarray(near, dtype=np.int64)])
        km = np.concatenate([d0, chord_to_km(d_near)])
        return point, cell, km * (1.0 if flat else self.tau_cell[cell])

    def reach(self, lon: NDArray[np.float64], lat: NDArray[np.float64], radius_km: float
              ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """(point, cell, km): every cell within ``radius_km`` flat-equivalent km of each point.

        One bounded Dijkstra per point (``scipy.sparse.csgraph.dijkstra`` with
        ``limit``), many points per call, on the part of the lattice the batch can reach:
        a path never costs less than the straight line (every factor is >= 1), so it stays
        within the radius of its point. Each point's distances are those of
        :meth:`distance` with that point alone; the nearest of several points is what
        :meth:`distance` gives for all of them (the same float sums)."""
        from reach_planner.geo.terrain_reach import bounded_reach

        return bounded_reach(self, lon, lat, radius_km)

    @functools.cached_property
    def arcs(self) -> csr_matrix:
        """The lattice as a symmetric ``scipy.sparse`` matrix of edge costs (both directions)."""
        n = self.grid.size
        a = csr_matrix((self._cost, (self._src, self._dst)), shape=(n, n))
        return (a + a.T).tocsr()

    def flat_distance(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
        """The same search with every terrain factor 1: the lattice's own error on flat ground."""
        return self.distance(lon, lat, costs=self.length)


class _Arcs:
    """The graph's arcs (each edge both ways) in CSR order, laid out once: a search only
    fills in the weights and appends a super-source row (node ``n``). As in
    ``scipy.sparse``, repeated (src, dst) edges are one edge whose weight is their sum."""

    def __init__(self, n: int, src: NDArray[np.int64], dst: NDArray[np.int64]) -> None:
        rows, cols = np.concatenate([src, dst]), np.concatenate([dst, src])
        edge = np.concatenate([np.arange(len(src)), np.arange(len(src))])
        order = np.lexsort((cols, rows))
        rows, cols, edge = rows[order], cols[order], edge[order]
        new = np.ones(len(rows), dtype=bool)
        new[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        self.slot = None if new.all() else np.cumsum(new) - 1  # arc -> merged arc
        self.n, self.edge, self.cols = n, edge, cols[new]
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[new], minlength=n))]).astype(np.int64)

    def with_source(self, weight: NDArray[np.float64], hit: NDArray[np.int64],
                    start: NDArray[np.float64]) -> csr_matrix:
        """The (n + 1) x (n + 1) weighted graph, node n linked to ``hit`` at ``start``."""
        data = weight[self.edge]
        if self.slot is not None:
            data = np.bincount(self.slot, weights=data, minlength=len(self.cols))
        indptr = np.concatenate([self.indptr, [self.indptr[-1] + len(hit)]])
        return csr_matrix((np.concatenate([data, start]), np.concatenate([self.cols, hit]), indptr),
                          shape=(self.n + 1, self.n + 1))


@functools.cache
def terrain_graph(cell_km: float = 10.0) -> TerrainGraph:
    return TerrainGraph(build_grid(cell_km), load_relief())
