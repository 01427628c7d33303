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

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.data import load_china
from reach_planner.geo.nearest import PointIndex
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.sparse import BoolCSR
from reach_planner.geo.sphere import km_to_chord, to_xyz


@dataclass(frozen=True, eq=False)
class Problem:
    """Candidates (lon/lat/province/label), demand cells (grid index, people), and
    the sparse candidate x demand coverage matrix."""

    cand_lon: NDArray[np.float64]
    cand_lat: NDArray[np.float64]
    cand_gb: NDArray[np.int64]
    cand_label: list[str]
    cells: NDArray[np.int64]
    people: NDArray[np.float64]
    cover: BoolCSR
    radius_km: float

    def with_people(self, people: NDArray[np.float64]) -> Problem:
        return Problem(self.cand_lon, self.cand_lat, self.cand_gb, self.cand_label, self.cells,
                       people, self.cover, self.radius_km)

    def subset(self, rows: NDArray[np.int64]) -> Problem:
        """The same demand, only some candidates."""
        return Problem(self.cand_lon[rows], self.cand_lat[rows], self.cand_gb[rows],
                       [self.cand_label[i] for i in rows], self.cells, self.people,
                       self.cover.take_rows(rows), self.radius_km)


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
               cells: NDArray[np.int64], radius_km: float) -> BoolCSR:
    """Points x cells: which point reaches which of the grid cells (scenario's distance)."""
    row, col = reach_pairs(result, lon, lat, cells, radius_km)
    return BoolCSR.from_pairs(row, col, (len(lon), len(cells)))


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
    reach = np.flatnonzero(cover.column_counts() > 0)  # cells some candidate reaches
    return Problem(np.asarray(c_lon, float), np.asarray(c_lat, float), np.asarray(c_gb, np.int64),
                   labels, gap[reach], d.rural[gap[reach]].astype(float),
                   cover.take_columns(reach), radius)


def coverage_matrix(src_lon: NDArray[np.float64], src_lat: NDArray[np.float64],
                    dst_lon: NDArray[np.float64], dst_lat: NDArray[np.float64],
                    radius_km: float) -> BoolCSR:
    """Which sources reach which destinations: great-circle, the rule of geo.coverage."""
    shape = (len(src_lon), len(dst_lon))
    if not shape[0] or not shape[1]:
        return BoolCSR.empty(shape)
    row, col = pairs_within(src_lon, src_lat, dst_lon, dst_lat, radius_km)
    return BoolCSR.from_pairs(row, col, shape)


def pairs_within(src_lon: NDArray[np.float64], src_lat: NDArray[np.float64],
                 dst_lon: NDArray[np.float64], dst_lat: NDArray[np.float64],
                 radius_km: float) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(source, destination) index pairs within the radius (great-circle)."""
    pairs = PointIndex(to_xyz(dst_lon, dst_lat)).within(to_xyz(src_lon, src_lat), km_to_chord(radius_km))
    return pairs.q, pairs.i


def _default_candidates(result: ScenarioResult, cells: NDArray[np.int64]):
    """Gap-cell centres, plus GeoNames towns whose nearest cell is one of those cells."""
    g = result.demand.grid
    lon, lat, gb = g.lon[cells], g.lat[cells], g.gb_code[cells]
    labels = [""] * len(cells)
    places = load_china().places
    if len(cells):
        _, nearest = PointIndex(g.xyz).nearest(to_xyz(places["lon"].to_numpy(), places["lat"].to_numpy()))
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
    rep = np.flatnonzero(problem.cover.column_counts() > 0)  # cells nobody reaches go
    cover = problem.cover.take_columns(rep)
    people = problem.people[rep].astype(float)
    keep = np.arange(cover.shape[0])
    for _ in range(rounds):
        cover, people, rep_idx = _merge_cells(cover, people)
        rep = rep[rep_idx]
        rows = _undominated(cover)
        if len(rows) == cover.shape[0] and len(rep_idx) == len(people):
            break
        cover, keep = cover.take_rows(rows), keep[rows]
    cover, people, rep_idx = _merge_cells(cover, people)
    rep = rep[rep_idx]
    sub = problem.subset(keep)
    reduced = Problem(sub.cand_lon, sub.cand_lat, sub.cand_gb, sub.cand_label, problem.cells[rep],
                      people, cover, problem.radius_km)
    stats = Reduction(problem.cover.shape[0], problem.cover.shape[1], len(keep), len(people))
    return reduced, keep, stats


def _merge_cells(cover: BoolCSR, people: NDArray[np.float64]):
    """Columns with the same set of candidates become one (people summed)."""
    csc = cover.transpose()  # a column's candidates, ascending
    groups: dict[bytes, int] = {}
    group = np.empty(csc.shape[0], dtype=np.int64)
    ptr, idx = csc.indptr, csc.indices
    for c in range(csc.shape[0]):
        group[c] = groups.setdefault(idx[ptr[c]:ptr[c + 1]].tobytes(), len(groups))
    n = len(groups)
    first = np.full(n, csc.shape[0], dtype=np.int64)
    np.minimum.at(first, group, np.arange(csc.shape[0]))
    merged = cover.take_columns(first)
    return merged, np.bincount(group, weights=people, minlength=n), first


def _undominated(cover: BoolCSR) -> NDArray[np.int64]:
    """Candidates that cover something and whose set is not inside another's (ties: lowest index)."""
    size = cover.row_sizes()
    r, k = cover.contained_in()
    inside = (size[k] > size[r]) | ((size[k] == size[r]) & (k < r))
    dominated = np.zeros(cover.shape[0], dtype=bool)
    dominated[r[inside]] = True
    dominated |= size == 0
    return np.flatnonzero(~dominated)
