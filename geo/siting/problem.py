"""The MCLP instance: candidate sites, demand cells, and which candidate reaches which cell.

Demand is every gap cell of the scenario (rural people beyond the service radius of
every outlet), nationally even for a province run: a province's picks near a border
cover cells across it, and a re-run of the scenario counts those too. Candidates are
gap-cell centres and GeoNames towns in gap cells, or a planner's own list
(:class:`Candidates`); a province run keeps the candidates inside that province.
Existing outlets are always kept: they define the gaps.

:func:`reduce` makes the instance smaller without changing its optimum: cells with
identical candidate sets are merged (their people summed), and a candidate whose
covered set lies inside another's is dropped (swapping it for the larger one never
loses anyone).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.spatial import cKDTree

from reach_planner.geo.data import load_china
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.sphere import km_to_chord, to_xyz


@dataclass(frozen=True, eq=False)
class Problem:
    """Candidates (lon/lat/province/label), demand cells (grid index, people), and
    the sparse candidate x demand coverage matrix (``scipy.sparse.csr_matrix`` of bool in
    canonical form: each row's columns ascending, no repeats, so ``cover @ w`` sums each
    row from 0 in column order)."""

    cand_lon: NDArray[np.float64]
    cand_lat: NDArray[np.float64]
    cand_gb: NDArray[np.int64]
    cand_label: list[str]
    cells: NDArray[np.int64]
    people: NDArray[np.float64]
    cover: sparse.csr_matrix
    radius_km: float

    def with_people(self, people: NDArray[np.float64]) -> Problem:
        return Problem(self.cand_lon, self.cand_lat, self.cand_gb, self.cand_label, self.cells,
                       people, self.cover, self.radius_km)

    def subset(self, rows: NDArray[np.int64]) -> Problem:
        """The same demand, only some candidates."""
        return Problem(self.cand_lon[rows], self.cand_lat[rows], self.cand_gb[rows],
                       [self.cand_label[i] for i in rows], self.cells, self.people,
                       _rows(self.cover, rows), self.radius_km)


@dataclass(frozen=True, eq=False)
class Candidates:
    """Sites a planner allows (``--candidates FILE``): only these may be chosen."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    gb: NDArray[np.int64]
    label: list[str]


@dataclass(frozen=True)
class Reduction:
    candidates: int
    cells: int
    candidates_kept: int
    cell_groups: int

    def to_dict(self) -> dict[str, int]:
        return {"candidates": self.candidates, "cells": self.cells,
                "candidates_kept": self.candidates_kept, "cell_groups": self.cell_groups}

    def describe(self) -> str:
        return (f"{self.candidates:,} candidates x {self.cells:,} gap cells reduced to "
                f"{self.candidates_kept:,} x {self.cell_groups:,}")


def gap_mask(result: ScenarioResult, radius_km: float) -> NDArray[np.bool_]:
    """Rural cells beyond the radius of every outlet, in the scenario's distance measure."""
    d = result.demand
    return (d.rural > 0) & (result.coverage.dist_km > radius_km)


def covered_people(result: ScenarioResult, radius_km: float) -> float:
    d = result.demand
    return float(d.rural[result.coverage.dist_km <= radius_km].sum())


def distance_of(result: ScenarioResult) -> str:
    """"straight" or "terrain": the measure every siting figure of this scenario uses."""
    return result.coverage.distance


def reach_pairs(result: ScenarioResult, lon: NDArray[np.float64], lat: NDArray[np.float64],
                cells: NDArray[np.int64], radius_km: float) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(point, k): point reaches grid cell ``cells[k]`` within the radius, in the scenario's
    distance measure (great-circle, or flat-equivalent km over terrain: the rule of
    geo.coverage, so a re-run with the points as outlets covers exactly these cells)."""
    g = result.demand.grid
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    if not len(lon) or not len(cells):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if distance_of(result) != "terrain":
        return pairs_within(lon, lat, g.lon[cells], g.lat[cells], radius_km)
    from reach_planner.geo.terrain import terrain_graph

    point, cell, _km = terrain_graph(g.spacing_km).reach(lon, lat, radius_km)
    where = np.full(g.size, -1, dtype=np.int64)
    where[cells] = np.arange(len(cells))
    k = where[cell]
    return point[k >= 0], k[k >= 0]


def cell_cover(result: ScenarioResult, lon: NDArray[np.float64], lat: NDArray[np.float64],
               cells: NDArray[np.int64], radius_km: float) -> sparse.csr_matrix:
    """Points x cells: which point reaches which of the grid cells (scenario's distance)."""
    row, col = reach_pairs(result, lon, lat, cells, radius_km)
    return bool_matrix(row, col, (len(lon), len(cells)))


def build_problem(result: ScenarioResult, radius_km: float | None = None,
                  province: int | None = None, candidates: Candidates | None = None) -> Problem:
    radius = float(radius_km or result.params.radius_km)
    d = result.demand
    gap = np.flatnonzero(gap_mask(result, radius))
    if candidates is None:
        c_lon, c_lat, c_gb, labels = _default_candidates(result, gap)
    else:
        c_lon, c_lat, c_gb, labels = candidates.lon, candidates.lat, candidates.gb, list(candidates.label)
    if province is not None:
        inside = np.flatnonzero(c_gb == province)
        c_lon, c_lat, c_gb = c_lon[inside], c_lat[inside], c_gb[inside]
        labels = [labels[i] for i in inside]
    cover = cell_cover(result, c_lon, c_lat, gap, radius)
    reach = np.flatnonzero(column_counts(cover) > 0)  # cells some candidate reaches
    return Problem(np.asarray(c_lon, float), np.asarray(c_lat, float), np.asarray(c_gb, np.int64),
                   labels, gap[reach], d.rural[gap[reach]].astype(float),
                   _columns(cover, reach), radius)


def coverage_matrix(src_lon: NDArray[np.float64], src_lat: NDArray[np.float64],
                    dst_lon: NDArray[np.float64], dst_lat: NDArray[np.float64],
                    radius_km: float) -> sparse.csr_matrix:
    """Which sources reach which destinations: great-circle, the rule of geo.coverage."""
    shape = (len(src_lon), len(dst_lon))
    if not shape[0] or not shape[1]:
        return sparse.csr_matrix(shape, dtype=bool)
    row, col = pairs_within(src_lon, src_lat, dst_lon, dst_lat, radius_km)
    return bool_matrix(row, col, shape)


def bool_matrix(row: NDArray[np.int64], col: NDArray[np.int64], shape: tuple[int, int]) -> sparse.csr_matrix:
    """True at each (row, col), repeats once, in canonical form (columns ascending per row)."""
    m = sparse.csr_matrix((np.ones(len(row), dtype=bool), (row, col)), shape=shape)
    m.sum_duplicates()  # (sorts each row's columns; a repeated pair's True + True stays True)
    return m


def column_counts(cover: sparse.csr_matrix, rows: Sequence[int] | NDArray[np.int64] | None = None
                  ) -> NDArray[np.int64]:
    """How many rows (of ``rows``, a repeat counting again) reach each column."""
    idx = cover.indices if rows is None else cover[np.asarray(rows, dtype=np.int64)].indices
    return np.bincount(idx, minlength=cover.shape[1]).astype(np.int64)


def row_sizes(cover: sparse.csr_matrix) -> NDArray[np.int64]:
    return np.diff(cover.indptr).astype(np.int64)


class RowSums:
    """``cover @ x`` for an ``x`` that changes in few entries from call to call (the prices of
    a subgradient step, the uncovered people of an interchange): only the rows that reach a
    changed column are summed again, ``cover[rows] @ x`` (scipy sums each row from 0 in
    column order, as the full product does, so every sum is bit-identical to it). A full
    product when much has changed. No scipy call keeps such sums up to date by itself."""

    FULL = 0.05  # share of changed entries above which a full product is cheaper

    def __init__(self, cover: sparse.csr_matrix) -> None:
        self.cover = cover.astype(np.float64)  # (a bool matrix is converted on every product)
        self._by_column = cover.tocsc()
        self._x: NDArray[np.float64] | None = None
        self._sums = np.zeros(cover.shape[0])

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        v = np.array(x, dtype=np.float64)
        changed = None if self._x is None or v.shape != self._x.shape else np.flatnonzero(v != self._x)
        if changed is None or len(changed) > self.FULL * len(v):
            self._sums = self.cover @ v
        elif len(changed):
            rows = np.unique(self._by_column[:, changed].indices)
            self._sums[rows] = self.cover[rows] @ v
        self._x = v
        return self._sums.copy()


def _rows(cover: sparse.csr_matrix, rows: NDArray[np.int64]) -> sparse.csr_matrix:
    return cover[np.asarray(rows, dtype=np.int64)]


def _columns(cover: sparse.csr_matrix, cols: NDArray[np.int64]) -> sparse.csr_matrix:
    """``cover[:, cols]`` kept canonical (scipy's column indexing may leave a row unsorted)."""
    out = cover[:, np.asarray(cols, dtype=np.int64)].tocsr()
    out.sort_indices()
    return out


def pairs_within(src_lon: NDArray[np.float64], src_lat: NDArray[np.float64],
                 dst_lon: NDArray[np.float64], dst_lat: NDArray[np.float64],
                 radius_km: float) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(source, destination) index pairs within the radius (great-circle)."""
    m = cKDTree(to_xyz(src_lon, src_lat)).sparse_distance_matrix(
        cKDTree(to_xyz(dst_lon, dst_lat)), km_to_chord(radius_km), output_type="ndarray")
    return m["i"].astype(np.int64), m["j"].astype(np.int64)


def _default_candidates(result: ScenarioResult, cells: NDArray[np.int64]):
    """Gap-cell centres, plus GeoNames towns whose nearest cell is one of those cells."""
    g = result.demand.grid
    lon, lat, gb = g.lon[cells], g.lat[cells], g.gb_code[cells]
    labels = [""] * len(cells)
    places = load_china().places
    if len(cells):
        _, nearest = cKDTree(g.xyz).query(to_xyz(places["lon"].to_numpy(), places["lat"].to_numpy()), workers=-1)
        towns = places[np.isin(nearest, cells)]
        lon = np.concatenate([lon, towns["lon"].to_numpy(float)])
        lat = np.concatenate([lat, towns["lat"].to_numpy(float)])
        gb = np.concatenate([gb, towns["gb_code"].to_numpy(np.int64)])
        labels += list(towns["name"].astype(str))
    return lon, lat, gb, labels


# -- reduction ---------------------------------------------------------------------------
def reduce(problem: Problem, rounds: int = 3) -> tuple[Problem, NDArray[np.int64], Reduction]:
    """A smaller problem with the same optimum, and the original index of each kept candidate.

    Merged cells keep the grid index of their first member (``cells``); their people
    are summed, so any set of picks covers the same people in both problems.
    """
    rep = np.flatnonzero(column_counts(problem.cover) > 0)  # cells nobody reaches go
    cover = _columns(problem.cover, rep)
    people = problem.people[rep].astype(float)
    keep = np.arange(cover.shape[0])
    for _ in range(rounds):
        cover, people, rep_idx = _merge_cells(cover, people)
        rep = rep[rep_idx]
        rows = _undominated(cover)
        if len(rows) == cover.shape[0] and len(rep_idx) == len(people):
            break
        cover, keep = _rows(cover, rows), keep[rows]
    cover, people, rep_idx = _merge_cells(cover, people)
    rep = rep[rep_idx]
    sub = problem.subset(keep)
    reduced = Problem(sub.cand_lon, sub.cand_lat, sub.cand_gb, sub.cand_label, problem.cells[rep],
                      people, cover, problem.radius_km)
    stats = Reduction(problem.cover.shape[0], problem.cover.shape[1], len(keep), len(people))
    return reduced, keep, stats


def _merge_cells(cover: sparse.csr_matrix, people: NDArray[np.float64]):
    """Columns with the same set of candidates become one (people summed)."""
    csc = cover.tocsc()
    csc.sort_indices()  # a column's candidates, ascending
    groups: dict[bytes, int] = {}
    group = np.empty(csc.shape[1], dtype=np.int64)
    ptr, idx = csc.indptr, csc.indices.astype(np.int64)
    for c in range(csc.shape[1]):
        group[c] = groups.setdefault(idx[ptr[c]:ptr[c + 1]].tobytes(), len(groups))
    n = len(groups)
    first = np.full(n, csc.shape[1], dtype=np.int64)
    np.minimum.at(first, group, np.arange(csc.shape[1]))
    merged = _columns(cover, first)
    return merged, np.bincount(group, weights=people, minlength=n), first


def _undominated(cover: sparse.csr_matrix) -> NDArray[np.int64]:
    """Candidates that cover something and whose set is not inside another's (ties: lowest index).

    Row r lies inside row k when they share all of r's cells: the overlap counts
    ``C @ C.T`` (scipy's sparse product) equal to r's size."""
    c = cover.astype(np.int32)
    size = row_sizes(cover)
    ov = (c @ c.T).tocoo()
    r, k = ov.row.astype(np.int64), ov.col.astype(np.int64)
    inside = (ov.data == size[r]) & (r != k) & ((size[k] > size[r]) | ((size[k] == size[r]) & (k < r)))
    dominated = np.zeros(cover.shape[0], dtype=bool)
    dominated[r[inside]] = True
    dominated |= size == 0
    return np.flatnonzero(~dominated)
