"""Dissolve hexagon cells into (multi)polygons by tracing their outlines on the lattice.

Why not ``shapely.coverage_union_all`` of the cell polygons: building ~100,000 hexagons
(inverse projection of 7 corners each, then GEOS objects) costs far more than the
union, and it was the bulk of the map's start-up time. On the hexagon lattice the
outline can be found directly: an edge of a cell is on the outline when the cell
across it has another label, and every lattice vertex touches exactly three mutually
adjacent cells, so an outline passes a vertex at most once per label (no pinch
points). Following each directed outline edge to the one leaving its end vertex
therefore yields closed rings; counter-clockwise rings are shells, clockwise ones
holes. Only the outline vertices are projected to lon/lat, with the same arithmetic
as :meth:`HexGrid.polygons`, so the shapes are the same as a union of those polygons.
"""
from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray

from reach_planner.geo.grid import HEX_DX, HEX_DY, SQRT3, HexGrid, from_albers

# Neighbour (dq, dr) across edge k, the edge from corner k to corner k + 1.
EDGE_NEIGHBOUR = np.array([(0, 1), (-1, 1), (-1, 0), (0, -1), (1, -1), (1, 0)])

IntArray = NDArray[np.int64]


def dissolve(grid: HexGrid, labels: IntArray) -> tuple[IntArray, NDArray[np.object_]]:
    """One shape per label (labels >= 0, one per grid cell; -1 = left out).

    Returns the sorted distinct labels and their shapes in lon/lat: a Polygon when the
    label's cells form one piece, else a MultiPolygon (as ``coverage_union_all`` gives).
    """
    labels = np.asarray(labels, dtype=np.int64)
    cells = np.flatnonzero(labels >= 0)
    if len(cells) == 0:
        return np.zeros(0, np.int64), np.zeros(0, dtype=object)
    lab = labels[cells]
    ax, ay, bx, by, elab = _outline_edges(grid, cells, lab)
    ring, start = _rings(ax, ay, bx, by, elab)
    return _assemble(grid, ax[start], ay[start], elab[start], ring)


def _outline_edges(grid: HexGrid, cells: IntArray, lab: IntArray
                   ) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Directed outline edges (counter-clockwise around their cell) in lattice units."""
    q, r = grid.q[cells], grid.r[cells]
    q0, r0 = int(q.min()) - 1, int(r.min()) - 1
    dense = np.full((int(q.max()) - q0 + 2, int(r.max()) - r0 + 2), -1, dtype=np.int64)
    dense[q - q0, r - r0] = lab
    nb = dense[(q - q0)[:, None] + EDGE_NEIGHBOUR[:, 0], (r - r0)[:, None] + EDGE_NEIGHBOUR[:, 1]]
    ci, k = np.nonzero(nb != lab[:, None])
    cx, cy = 2 * q[ci] + r[ci], 3 * r[ci]
    return (cx + HEX_DX[k], cy + HEX_DY[k], cx + HEX_DX[k + 1], cy + HEX_DY[k + 1], lab[ci])


def _rings(ax: IntArray, ay: IntArray, bx: IntArray, by: IntArray, lab: IntArray
           ) -> tuple[IntArray, IntArray]:
    """Order the edges into rings: (ring id of each ordered edge, ordered edge indices)."""
    n = len(ax)
    x0, y0 = min(ax.min(), bx.min()), min(ay.min(), by.min())
    wx, wy = max(ax.max(), bx.max()) - x0 + 1, max(ay.max(), by.max()) - y0 + 1
    start_key = (lab * wx + (ax - x0)) * wy + (ay - y0)
    end_key = (lab * wx + (bx - x0)) * wy + (by - y0)
    order = np.argsort(start_key, kind="stable")
    pos = np.searchsorted(start_key[order], end_key)
    nxt = order[np.minimum(pos, n - 1)]
    if not np.array_equal(start_key[nxt], end_key):  # impossible on a hexagon lattice
        raise AssertionError("open outline: the cells are not on one hexagon lattice")
    steps = max(1, int(np.ceil(np.log2(n + 1))))
    # Pointer doubling: each edge's ring is named by the ring's smallest edge index ...
    ring, jump = np.arange(n), nxt.copy()
    for _ in range(steps):
        ring = np.minimum(ring, ring[jump])
        jump = jump[jump]
    # ... and its place in the ring is its distance to the edge before that first one.
    succ = np.where(nxt == ring, -1, nxt)
    dist = (succ >= 0).astype(np.int64)
    for _ in range(steps):
        live = succ >= 0
        dist[live] += dist[succ[live]]
        succ[live] = succ[succ[live]]
    ordered = np.lexsort((-dist, ring))
    return ring[ordered], ordered


def _assemble(grid: HexGrid, x: IntArray, y: IntArray, lab: IntArray, ring: IntArray
              ) -> tuple[IntArray, NDArray[np.object_]]:
    """Rings (ordered start vertices, grouped by ``ring``) into one shape per label."""
    first = np.flatnonzero(np.r_[True, ring[1:] != ring[:-1]])
    length = np.diff(np.r_[first, len(ring)])
    # Twice the signed area (shoelace, exact in integers): > 0 shell, < 0 hole.
    nx, ny = _next_in_ring(x, first, length), _next_in_ring(y, first, length)
    area2 = np.add.reduceat(x * ny - nx * y, first)
    ring_lab = lab[first]
    shell = area2 > 0
    parent = np.arange(len(first))
    holes = np.flatnonzero(~shell)
    if len(holes):
        parent[holes] = _hole_parents(x, y, first, length, ring_lab, area2, holes)
    # Rings in output order: by label, then by shell, the shell before its holes.
    out = np.lexsort((~shell, parent, ring_lab))
    uniq, lab_start = np.unique(ring_lab[out], return_index=True)
    shell_start = np.flatnonzero(shell[out])
    coords = _ring_coords(grid, x, y, first[out], length[out])
    ring_offsets = np.r_[0, np.cumsum(length[out] + 1)]
    poly_offsets = np.r_[shell_start, len(out)]
    geom_offsets = np.r_[np.searchsorted(shell_start, lab_start), len(shell_start)]
    multi = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords,
                                      (ring_offsets, poly_offsets, geom_offsets))
    single = np.diff(geom_offsets) == 1
    multi[single] = shapely.get_geometry(multi[single], 0)
    return uniq, multi


def _next_in_ring(v: IntArray, first: IntArray, length: IntArray) -> IntArray:
    """Each vertex's successor in its ring (the last one wraps to the first)."""
    out = np.empty_like(v)
    out[:-1] = v[1:]
    out[first + length - 1] = v[first]
    return out


def _hole_parents(x: IntArray, y: IntArray, first: IntArray, length: IntArray,
                  ring_lab: IntArray, area2: IntArray, holes: IntArray) -> IntArray:
    """The shell each hole lies in: the smallest shell of its label around one of its
    vertices (a hole's vertices are never on a same-label shell: no pinch points)."""
    shells = np.flatnonzero(area2 > 0)
    xy = np.column_stack([x, y]).astype(np.float64)
    idx = _closed_index(first[shells], length[shells])
    offsets = np.r_[0, np.cumsum(length[shells] + 1)]
    polys = shapely.from_ragged_array(shapely.GeometryType.POLYGON, xy[idx],
                                      (offsets, np.arange(len(shells) + 1)))
    tree = shapely.STRtree(polys)
    hi, sj = tree.query(shapely.points(xy[first[holes]]), predicate="within")
    same = ring_lab[holes[hi]] == ring_lab[shells[sj]]
    hi, sj = hi[same], sj[same]
    # Innermost: sort candidates by shell area, keep the first per hole.
    order = np.lexsort((area2[shells[sj]], hi))
    hi, sj = hi[order], sj[order]
    keep = np.r_[True, hi[1:] != hi[:-1]]
    parent = np.full(len(holes), -1, dtype=np.int64)
    parent[hi[keep]] = shells[sj[keep]]
    if (parent < 0).any():
        raise AssertionError("a hole outside every shell of its label")
    return parent


def _ring_coords(grid: HexGrid, x: IntArray, y: IntArray, first: IntArray,
                 length: IntArray) -> NDArray[np.float64]:
    """Closed rings' vertices in lon/lat, projected like :meth:`HexGrid.polygons`."""
    idx = _closed_index(first, length)
    d = grid.spacing_km * 1000.0
    half_r = d / SQRT3 / 2.0
    lon, lat = from_albers().transform(x[idx] * (d / 2.0), y[idx] * half_r)
    return np.column_stack([lon, lat])


def _closed_index(first: IntArray, length: IntArray) -> IntArray:
    """Vertex indices of these rings, each followed by its first vertex again."""
    offset = np.r_[0, np.cumsum(length + 1)]
    idx = np.arange(int(offset[-1])) + np.repeat(first - offset[:-1], length + 1)
    idx[offset[1:] - 1] = first
    return idx
