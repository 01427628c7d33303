"""Equal-area hexagonal grid over mainland China (the demand model's cells).

Pointy-top hexagons laid out in axial coordinates (q, r) in the China Albers
equal-area projection, so every cell has the same ground area:
``area = sqrt(3)/2 * spacing**2`` (86.6 km2 at the default 10 km spacing). A cell
belongs to the province that contains its centre; cells whose centre is at sea are
dropped. The grid only depends on the spacing, so it is built once per process.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

from reach_planner.geo.albers import FROM_ALBERS, TO_ALBERS, _Forward
from reach_planner.geo.data import load_china
from reach_planner.geo.sphere import to_xyz

SQRT3 = float(np.sqrt(3.0))
# The six axial neighbour offsets; the first three suffice to enumerate each edge once.
# Corners of a pointy-top hexagon in lattice units, closed ring.
HEX_DX = np.array([1, 0, -1, -1, 0, 1, 1])
HEX_DY = np.array([1, 2, 1, -1, -2, -1, 1])
NEIGHBOURS = ((1, 0), (0, 1), (-1, 1), (-1, 0), (0, -1), (1, -1))
DERIVED = ("xyz", "_all_polygons", "_sorted_keys")  # HexGrid's cached properties


def to_albers() -> _Forward:
    """lon/lat -> China Albers metres (thread-safe, no PROJ database)."""
    return TO_ALBERS


def from_albers() -> _Forward:
    return FROM_ALBERS


@dataclass(frozen=True, eq=False)
class HexGrid:
    """Cell centres (projected metres and lon/lat), axial indices and province codes."""

    spacing_km: float
    q: NDArray[np.int64]
    r: NDArray[np.int64]
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    gb_code: NDArray[np.int64]

    @property
    def size(self) -> int:
        return int(len(self.q))

    @property
    def cell_area_km2(self) -> float:
        return SQRT3 / 2.0 * self.spacing_km**2

    def polygons(self, index: NDArray[np.int64] | None = None) -> NDArray[np.object_]:
        """Hexagon polygons (lon/lat) for the given cells, for maps and exports."""
        allp = self._all_polygons
        return allp if index is None else allp[np.asarray(index, dtype=np.int64)]

    def __getstate__(self) -> dict:
        """Pickle only the cells (the launch prefetch sends results through a pipe); the
        derived caches are rebuilt on first use."""
        return {k: v for k, v in self.__dict__.items() if k not in DERIVED}

    @functools.cached_property
    def xyz(self) -> NDArray[np.float64]:
        """Cell centres as unit vectors (the KD-tree space of :mod:`geo.sphere`); the
        demand model and every coverage run query them, so they are made once."""
        xyz = to_xyz(self.lon, self.lat)
        xyz.flags.writeable = False
        return xyz

    @functools.cached_property
    def _all_polygons(self) -> NDArray[np.object_]:
        """Built once per grid: every map redraw and export reuses them."""
        idx = np.arange(self.size)
        # Vertices on an integer lattice (units of d/2 across, R/2 up) so neighbouring
        # hexagons share bit-identical corners and can be dissolved as a coverage.
        d = self.spacing_km * 1000.0
        half_r = d / SQRT3 / 2.0
        ix = (2 * self.q[idx] + self.r[idx])[:, None] + HEX_DX[None, :]
        iy = (3 * self.r[idx])[:, None] + HEX_DY[None, :]
        lon, lat = from_albers().transform((ix * (d / 2.0)).ravel(), (iy * half_r).ravel())
        coords = np.stack([lon, lat], axis=-1).reshape(len(idx), 7, 2)
        return shapely.polygons(coords)

    def cell_of(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.int64]:
        """Index of the hexagon containing each point; -1 where that hexagon is not a
        grid cell (its centre is at sea or abroad)."""
        x, y = to_albers().transform(np.asarray(lon, float), np.asarray(lat, float))
        d = self.spacing_km * 1000.0
        rf = np.asarray(y) / (d * SQRT3 / 2.0)
        qf = np.asarray(x) / d - rf / 2.0
        # cube rounding: round all three cube coordinates, fix the one that moved most
        sf = -qf - rf
        q, r, s = np.rint(qf), np.rint(rf), np.rint(sf)
        dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
        fix_q = (dq > dr) & (dq > ds)
        fix_r = ~fix_q & (dr > ds)
        q = np.where(fix_q, -r - s, q)
        r = np.where(fix_r, -q - s, r)
        key = _key(q.astype(np.int64), r.astype(np.int64))
        skey, order = self._sorted_keys
        pos = np.clip(np.searchsorted(skey, key), 0, len(skey) - 1)
        return np.where(skey[pos] == key, order[pos], -1).astype(np.int64)

    @functools.cached_property
    def _sorted_keys(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        key = _key(self.q, self.r)
        order = np.argsort(key)
        return key[order], order

    def neighbour_pairs(self, mask: NDArray[np.bool_]) -> tuple[NDArray[np.int64],
                                                                NDArray[np.int64]]:
        """Every pair of adjacent cells that are both in ``mask`` (each edge once).

        Looked up in a dense (q, r) table of the selected cells: plain indexing, where
        sorting the keys and searching them cost 3x as much."""
        sel = np.flatnonzero(mask)
        if len(sel) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        q, r = self.q[sel], self.r[sel]
        q0, r0 = int(q.min()) - 1, int(r.min()) - 1
        dense = np.full((int(q.max()) - q0 + 2, int(r.max()) - r0 + 2), -1, dtype=np.int64)
        dense[q - q0, r - r0] = sel
        src, dst = [], []
        for dq, dr in NEIGHBOURS[:3]:
            nb = dense[q - q0 + dq, r - r0 + dr]
            hit = nb >= 0
            src.append(sel[hit])
            dst.append(nb[hit])
        return np.concatenate(src), np.concatenate(dst)


def _key(q: NDArray[np.int64], r: NDArray[np.int64]) -> NDArray[np.int64]:
    return (q.astype(np.int64) << 32) + (r.astype(np.int64) + (1 << 31))


@functools.cache
def build_grid(spacing_km: float = 10.0) -> HexGrid:
    """Hex cells whose centres fall inside one of the 31 provinces."""
    china = load_china()
    rings = shapely.get_rings(shapely.get_parts(china.provinces.geometry.to_numpy()))
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    px, py = to_albers().transform(xy[:, 0], xy[:, 1])
    minx, miny, maxx, maxy = px.min(), py.min(), px.max(), py.max()
    d = spacing_km * 1000.0
    h = d * SQRT3 / 2.0
    r_lo, r_hi = int(np.floor(miny / h)) - 1, int(np.ceil(maxy / h)) + 1
    rr = np.arange(r_lo, r_hi + 1)
    q_lo = int(np.floor(minx / d - r_hi / 2.0)) - 1
    q_hi = int(np.ceil(maxx / d - r_lo / 2.0)) + 1
    qq = np.arange(q_lo, q_hi + 1)
    Q2, R2 = np.meshgrid(qq, rr)
    Q, R = Q2.ravel(), R2.ravel()
    X = d * (Q + R / 2.0)
    Y = h * R
    inside = (X >= minx) & (X <= maxx) & (Y >= miny) & (Y <= maxy)
    row_lo, row_hi = _row_extents(px, py, ring_of, h, r_lo, len(rr), margin=2 * d)
    row = R - r_lo
    inside &= (X >= row_lo[row]) & (X <= row_hi[row])
    Q, R, X, Y = Q[inside], R[inside], X[inside], Y[inside]
    lon_all, lat_all = from_albers().transform(X, Y)
    lon_all, lat_all = np.asarray(lon_all), np.asarray(lat_all)
    # Containment is tested in lon/lat, the CRS the sites are checked in too.
    gb = province_of(lon_all, lat_all)
    keep = gb > 0
    lon, lat = lon_all[keep], lat_all[keep]
    return HexGrid(spacing_km=float(spacing_km), q=Q[keep].astype(np.int64),
                   r=R[keep].astype(np.int64), x=X[keep], y=Y[keep],
                   lon=np.asarray(lon), lat=np.asarray(lat), gb_code=gb[keep])


def _row_extents(px: NDArray[np.float64], py: NDArray[np.float64], ring_of: NDArray[np.int64],
                 h: float, r_lo: int, n_rows: int, margin: float
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per lattice row, the x-range (projected) that the province outlines reach.

    A centre inside a province lies between two outline crossings of its row, and every
    crossing is on an edge spanning that row, within the edge's x-range. ``margin``
    covers the bend of a lon/lat-straight edge in the projection, so the filter never
    drops a cell (only bounding-box corners at sea or abroad, spared the inverse
    projection and the containment test).
    """
    same = ring_of[1:] == ring_of[:-1]  # consecutive vertices of one ring: an edge
    x0, x1, y0, y1 = px[:-1][same], px[1:][same], py[:-1][same], py[1:][same]
    a = np.floor((np.minimum(y0, y1) - margin) / h).astype(np.int64) - r_lo
    b = np.ceil((np.maximum(y0, y1) + margin) / h).astype(np.int64) - r_lo
    a, b = np.clip(a, 0, n_rows - 1), np.clip(b, 0, n_rows - 1)
    count = b - a + 1
    edge = np.repeat(np.arange(len(a)), count)
    rows = a[edge] + np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    lo, hi = np.full(n_rows, np.inf), np.full(n_rows, -np.inf)
    np.minimum.at(lo, rows, np.minimum(x0, x1)[edge] - margin)
    np.maximum.at(hi, rows, np.maximum(x0, x1)[edge] + margin)
    return lo, hi


def province_of(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.int64]:
    """GB code of the province containing each point (0 outside mainland provinces).

    Prepared polygons + a bounding-box prefilter: about 5x faster than an STRtree
    ``within`` query for a few hundred thousand points.
    """
    prov = load_china().provinces
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    gb = np.zeros(len(lon), dtype=np.int64)
    for code, geom in zip(prov["gb_code"].to_numpy(), prov.geometry.to_numpy()):
        x0, y0, x1, y1 = geom.bounds
        cand = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1) & (gb == 0))
        if len(cand):
            gb[cand[shapely.contains_xy(geom, lon[cand], lat[cand])]] = code
    return gb


def offset_pairs(grid: HexGrid, offsets: tuple[tuple[int, int], ...]
                 ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every pair (cell, cell + offset) of grid cells, for the given axial offsets."""
    key = _key(grid.q, grid.r)
    order = np.argsort(key)
    skey = key[order]
    src, dst = [], []
    for dq, dr in offsets:
        nk = _key(grid.q + dq, grid.r + dr)
        pos = np.clip(np.searchsorted(skey, nk), 0, len(skey) - 1)
        hit = skey[pos] == nk if len(skey) else np.zeros(0, bool)
        src.append(np.flatnonzero(hit))
        dst.append(order[pos[hit]])
    return np.concatenate(src), np.concatenate(dst)
