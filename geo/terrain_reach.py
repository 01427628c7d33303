"""Per-point terrain reach: which cells each of many points reaches within a radius.

Siting needs "which candidate reaches which cell" over terrain, not only the nearest
outlet's distance. One Dijkstra per candidate on the whole lattice would fill a
candidates x cells matrix; here each batch of nearby points searches only the part of
the lattice within the radius of its points (a path costs at least the straight
line), with ``scipy.sparse.csgraph.dijkstra`` bounded by ``limit``. Each point enters
the lattice through its own start edges (:meth:`TerrainGraph.starts`) from a node of
its own, so its distances are exactly those of a search from that point alone.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from reach_planner.geo.sphere import km_to_chord, to_xyz

if TYPE_CHECKING:
    from reach_planner.geo.terrain import TerrainGraph

BATCH = 192  # points per search: a batch x (cells near it) matrix stays small
TILE_DEG = 0.5  # points are batched by 0.5-degree tiles, so a batch's cells overlap


def bounded_reach(tg: TerrainGraph, lon: NDArray[np.float64], lat: NDArray[np.float64],
                  radius_km: float) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    if not len(lon):
        return empty
    point, cell, cost = _own_starts(tg, lon, lat)
    margin = 2.5 * tg.grid.spacing_km  # rounding and the start edges' reach
    near = cKDTree(tg.grid.xyz).query_ball_point(to_xyz(lon, lat), km_to_chord(radius_km + margin))
    order = np.lexsort((lon, np.floor(lon / TILE_DEG), np.floor(lat / TILE_DEG)))
    arcs = tg.arcs
    out: list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]] = []
    by_point = np.argsort(point, kind="stable")
    ptr = np.searchsorted(point[by_point], np.arange(len(lon) + 1))
    for b in range(0, len(order), BATCH):
        batch = order[b:b + BATCH]
        out.append(_search(arcs, batch, near, by_point, ptr, cell, cost, radius_km))
    pts, cells, km = (np.concatenate(x) for x in zip(*out))
    return pts, cells, km


def _own_starts(tg: TerrainGraph, lon: NDArray[np.float64], lat: NDArray[np.float64]):
    """Each point's start edges, one per (point, cell) at the cheapest, never below 1e-9
    (as :meth:`TerrainGraph.distance` starts a search)."""
    point, cell, cost = tg.starts(lon, lat)
    n = tg.grid.size
    key = point * n + cell
    uniq, inv = np.unique(key, return_inverse=True)
    best = np.full(len(uniq), np.inf)
    np.minimum.at(best, inv.ravel(), cost)
    return uniq // n, uniq % n, np.maximum(best, 1e-9)


def _search(arcs: sparse.csr_matrix, batch: NDArray[np.int64], near, by_point: NDArray[np.int64],
            ptr: NDArray[np.int64], cell: NDArray[np.int64], cost: NDArray[np.float64],
            radius: float) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    nodes = np.unique(np.concatenate([np.asarray(near[p], dtype=np.int64) for p in batch]
                                     + [cell[by_point[ptr[p]:ptr[p + 1]]] for p in batch]))
    local = np.full(arcs.shape[0], -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    u, k = len(nodes), len(batch)
    sub = arcs[nodes][:, nodes].tocoo()
    starts = [by_point[ptr[p]:ptr[p + 1]] for p in batch]
    rows = np.concatenate([np.full(len(s), u + i) for i, s in enumerate(starts)]).astype(np.int64)
    edges = np.concatenate(starts)
    g = sparse.csr_matrix((np.concatenate([sub.data, cost[edges]]),
                           (np.concatenate([sub.row, rows]), np.concatenate([sub.col, local[cell[edges]]]))),
                          shape=(u + k, u + k))
    dist = dijkstra(g, directed=True, indices=np.arange(u, u + k), limit=radius * (1 + 1e-9) + 1e-9)
    r, c = np.nonzero(dist[:, :u] <= radius)
    return batch[r].astype(np.int64), nodes[c].astype(np.int64), dist[r, c]
