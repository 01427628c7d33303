"""Rural and urban demand on the hex grid, anchored to the 2020 census (model v2).

No open gridded population ships with the app, so demand is modelled from three
bundled inputs: the census per province (urban and rural totals), GeoNames places
(position, population, rank) and ETOPO5 relief. Each province's cells sum exactly to
its census urban and rural population. The rules, and why:

*Urban people live in urban cores.* A place of ``P`` people (GeoNames population, at
least a floor by rank: capital 500,000, prefecture 100,000, county seat 20,000) is a
disk of ``P / 8,000`` km2 (urban China's built-up density). Its people are spread over
the land cells of its own province within 1.5 disk radii, Gaussian-weighted, and the
cell nearest to it in its own province always gets a share, so coastal and island
cities keep their people on their own land. Each province's places are scaled to
its census urban total.

*Rural people stay out of urban cores.* Outside the cores rural weight is nearness
to places (``sqrt(P)`` decaying with ``exp(-d / 15 km)`` up to 45 km), multiplied by
``exp(-u / 400)`` where ``u`` is the cell's urban people per km2: a cell with 100,000
urban people (1,155 per km2) keeps 6% of its rural weight. Inside the cores the rural
people are the census rural share of the most urban city, Shenzhen (0.46% of the
urban people, 2020 census: 99.54% urban), times the cell's coreness ``1 - exp(-u/400)``.

*Terrain and habitability.* Rural weight is multiplied by an elevation factor (1 up to
3,500 m, falling linearly to 0 at the ceiling of 5,500 m: no rural people above it;
ETOPO5's 9 km cells lift valley floors, Lhasa samples at 4,570 m) and a ruggedness
factor ``1 / (1 + R / 2,000 m)`` (``R``: highest minus lowest elevation within ~25 km).

*Remote and pastoral people.* Every habitable cell gets at least a floor weight (a
village of 5,000 people at 45 km), which decays beyond 45 km from the nearest place
with ``exp(-(d - 45) / 50 km)``: herders are spread over rangeland, while the hearts
of the Taklamakan and the Changtang, hundreds of kilometres from any place and (the
Changtang) above 5,000 m, stay nearly empty.

*Believable rural density (v3).* No cell holds more than 2,000 rural people per km2
(the densest rural counties of the North China Plain and the Sichuan basin hold about
1,000-1,500), nor more than 5% of its province's rural people: the excess of a capped
cell is handed to the province's other cells in proportion to their people, repeatedly,
until none exceeds a cap (:func:`cap_rural`). v2 put 287,509 rural people (3,320 per km2)
in one Songjiang cell of Shanghai, four cells holding 35.5% of Shanghai's rural people.

*Places (v3).* The official division list (GB/T 2260: every prefecture-level city and
county seat, with its official name) joins GeoNames, so Xiamen, missing from GeoNames'
``cities500``, is a city; implausible GeoNames populations (Wuzhong: all of Ningxia) are
dropped (see ``resources/tools/build_divisions.py``).

Limits: no land-cover or climate data, so a desert close to oases (Tarim rim) gets the
same floor as grassland; GeoNames populations are municipal, not built-up, figures.
"""
from __future__ import annotations

import functools
import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from reach_planner.geo.data import load_census, load_china
from reach_planner.geo.grid import HexGrid, build_grid
from reach_planner.geo.relief import Relief, load_relief
from reach_planner.geo.sphere import chord_to_km, km_to_chord, km_to_chords, to_xyz

PARTS = 2  # threads for the nearness pairs (fixed: see _pairs_within)
MODEL_NAME = "reach-planner census model"
MODEL_VERSION = "3"

KERNEL_KM = 15.0
CUTOFF_KM = 45.0
TYPE_FLOOR = {"PPLC": 500_000, "PPLA": 500_000, "PPLA2": 100_000, "PPLA3": 20_000,
              "PPLA4": 5_000}
DEFAULT_FLOOR = 2_000
MAX_PLACE_WEIGHT_POP = 2_000_000
BUILT_UP_DENSITY = 8_000.0  # people per km2 in urban China's built-up land
FOOTPRINT_REACH = 1.5  # urban people spread to 1.5 footprint radii
CORE_DENSITY = 400.0  # urban people per km2 at which a cell is 63% "core"
CORE_RURAL_SHARE = 1.0 - 0.9954  # Shenzhen, 2020 census: 99.54% urban
ELEV_FULL_M, ELEV_CEILING_M = 3_500.0, 5_500.0
RUGGED_HALF_M = 2_000.0
FAR_FLOOR_DECAY_KM = 50.0
FLOOR_PLACE_POP = 5_000  # the floor: a village of this size at 45 km
MAX_RURAL_DENSITY = 2_000.0  # rural people per km2: the densest rural counties of the plain
MAX_CELL_SHARE = 0.05  # no cell holds more than 5% of its province's rural people


@dataclass(frozen=True, eq=False)
class Demand:
    """People (or imported weight) per grid cell, aligned with the grid's cells.

    ``source`` names the model and its version, or the imported file; ``outside`` is
    the imported weight that fell outside the 31 provinces (0 for the model).
    """

    grid: HexGrid
    rural: NDArray[np.float64]
    urban: NDArray[np.float64]
    source: dict[str, str] = field(
        default_factory=lambda: {"name": MODEL_NAME, "version": MODEL_VERSION})
    outside: float = 0.0

    @property
    def imported(self) -> bool:
        return "file" in self.source


def place_size(places: pd.DataFrame) -> NDArray[np.float64]:
    """People a place stands for: its GeoNames population, at least its rank's floor."""
    floor = places["feature_code"].map(TYPE_FLOOR).fillna(DEFAULT_FLOOR).to_numpy(float)
    return np.maximum(places["population"].to_numpy(float), floor)


def place_strength(places: pd.DataFrame) -> NDArray[np.float64]:
    return np.sqrt(np.clip(place_size(places), 0, MAX_PLACE_WEIGHT_POP))


def nearness_weight(grid: HexGrid, places: pd.DataFrame
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Rural nearness weight of each cell, and its distance (km) to the nearest place."""
    cell_xyz = grid.xyz
    place_tree = _tree(to_xyz(places["lon"].to_numpy(), places["lat"].to_numpy()))
    i, j, chord = _pairs_within(cell_xyz, place_tree, km_to_chord(CUTOFF_KM))  # a million pairs
    d_km = chord_to_km(chord)
    contrib = place_strength(places)[j] * np.exp(-d_km / KERNEL_KM)
    weight = np.bincount(i, weights=contrib, minlength=grid.size).astype(np.float64)
    nearest = np.full(grid.size, np.inf)
    np.minimum.at(nearest, i, d_km)
    far = np.flatnonzero(~np.isfinite(nearest))  # only these need a nearest search
    if len(far):
        nearest[far] = chord_to_km(place_tree.query(cell_xyz[far], workers=-1)[0])
    return weight, nearest


def _tree(xyz: NDArray[np.float64]) -> cKDTree:
    """Sliding-midpoint trees build 2x faster than balanced ones and answer as fast here."""
    return cKDTree(xyz, balanced_tree=False, compact_nodes=False)


def _pairs_within(xyz: NDArray[np.float64], tree: cKDTree, chord: float
                  ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Every (point, tree point, chord) pair within ``chord``, ordered by the point's part.

    A million pairs for the default grid: ``sparse_distance_matrix`` has no ``workers``,
    so the points are split in ``PARTS`` runs, each searched on its own thread (the search
    releases the GIL), then put back in order. ``PARTS`` is fixed, not the core count: the
    order of a cell's pairs (so its sums, to the last bit) depends on the split.
    """
    parts = PARTS
    bounds = np.linspace(0, len(xyz), parts + 1).astype(np.int64)

    def run(k: int) -> NDArray:
        lo, hi = bounds[k], bounds[k + 1]
        return _tree(xyz[lo:hi]).sparse_distance_matrix(tree, chord, output_type="ndarray")

    with ThreadPoolExecutor(parts) as pool:
        found = list(pool.map(run, range(parts)))
    return (np.concatenate([m["i"].astype(np.int64) + lo for m, lo in zip(found, bounds)]),
            np.concatenate([m["j"].astype(np.int64) for m in found]), np.concatenate([m["v"] for m in found]))


def urban_size(places: pd.DataFrame) -> NDArray[np.float64]:
    """Urban people a place stands for (before scaling): population, at least its rank's
    floor; unranked places without a population are villages, not towns."""
    floor = places["feature_code"].map(TYPE_FLOOR).fillna(0).to_numpy(float)
    return np.maximum(places["population"].to_numpy(float), floor)


def urban_people(grid: HexGrid, places: pd.DataFrame) -> NDArray[np.float64]:
    """Places' people (unscaled) spread over their footprints on their own province's land.

    One KD-tree for every province: the province is a 4th coordinate, 4 apart per
    province (more than any chord on the unit sphere), so a place only ever finds cells
    of its own province, at the distances a tree of that province alone would give.
    """
    size = urban_size(places)
    place_gb = places["gb_code"].to_numpy()
    sel = np.flatnonzero((size > 0) & np.isin(place_gb, grid.gb_code))
    if len(sel) == 0:
        return np.zeros(grid.size)
    xyz = to_xyz(places["lon"].to_numpy()[sel], places["lat"].to_numpy()[sel])
    return _footprints(grid, xyz, place_gb[sel], size[sel])


def _footprints(grid: HexGrid, xyz: NDArray[np.float64], gb: NDArray[np.int64],
                size: NDArray[np.float64]) -> NDArray[np.float64]:
    radius_km = np.sqrt(size / (np.pi * BUILT_UP_DENSITY))
    reach = km_to_chords(FOOTPRINT_REACH * radius_km)
    cells = _tree(np.column_stack([grid.xyz, 4.0 * grid.gb_code]))
    places = np.column_stack([xyz, 4.0 * gb])
    near_i = cells.query(places, workers=-1)[1].astype(np.int64)
    src, dst, wts = [np.arange(len(size))], [near_i], [np.ones(len(size))]
    big = np.flatnonzero(reach > km_to_chord(grid.spacing_km / 2.0))
    if len(big):
        hits = cells.query_ball_point(places[big], reach[big], return_sorted=True, workers=-1)
        k = np.repeat(big, [len(h) for h in hits])  # place by place, cells ascending
        h = np.fromiter(itertools.chain.from_iterable(hits), dtype=np.int64, count=len(k))
        d = chord_to_km(np.linalg.norm(grid.xyz[h] - xyz[k], axis=1))
        src.append(k)
        dst.append(h)
        wts.append(np.exp(-(d / radius_km[k]) ** 2))
    s, c, w = np.concatenate(src), np.concatenate(dst), np.concatenate(wts)
    w = w / np.bincount(s, weights=w, minlength=len(size))[s] * size[s]
    out = np.zeros(grid.size)
    np.add.at(out, c, w)
    return out


def habitability(grid: HexGrid, relief: Relief) -> NDArray[np.float64]:
    """Elevation and ruggedness factor in [0, 1]; 0 above the elevation ceiling."""
    z = relief.sample(grid.lon, grid.lat)
    rug = relief.sample(grid.lon, grid.lat, relief.ruggedness())
    f_elev = np.clip((ELEV_CEILING_M - z) / (ELEV_CEILING_M - ELEV_FULL_M), 0.0, 1.0)
    return f_elev / (1.0 + rug / RUGGED_HALF_M)


def remote_floor(nearest_km: NDArray[np.float64]) -> NDArray[np.float64]:
    """Floor weight: a 5,000-person village at 45 km, decaying beyond 45 km from any place."""
    beyond = np.maximum(nearest_km - CUTOFF_KM, 0.0)
    return np.sqrt(FLOOR_PLACE_POP) * np.exp(-CUTOFF_KM / KERNEL_KM) * np.exp(-beyond / FAR_FLOOR_DECAY_KM)


def spread(weights: NDArray[np.float64], gb: NDArray[np.int64],
           totals: dict[int, float]) -> NDArray[np.float64]:
    """Scale weights so that each province's cells sum exactly to its total."""
    out = np.zeros(len(weights))
    for code, total in totals.items():
        sel = gb == code
        w = weights[sel]
        s = w.sum()
        if not sel.any():
            continue
        out[sel] = total * (w / s if s > 0 else np.full(len(w), 1.0 / len(w)))
    return out


def cap_rural(rural: NDArray[np.float64], gb: NDArray[np.int64], cell_area_km2: float,
              totals: dict[int, float]) -> NDArray[np.float64]:
    """Cap each cell at 2,000 rural people per km2 and 5% of its province's rural people,
    handing the excess to the province's uncapped cells pro rata; sums stay exact."""
    out = rural.copy()
    for code, total in totals.items():
        sel = np.flatnonzero(gb == code)
        if len(sel) == 0 or total <= 0:
            continue
        cap = min(MAX_RURAL_DENSITY * cell_area_km2, MAX_CELL_SHARE * total)
        cap = max(cap, total / max(int((out[sel] > 0).sum()), 1))  # a tiny synthetic province
        out[sel] = _water_fill(out[sel], cap)
    return out


def _water_fill(v: NDArray[np.float64], cap: float) -> NDArray[np.float64]:
    v = v.copy()
    fixed = np.zeros(len(v), dtype=bool)
    for _ in range(len(v)):
        over = ~fixed & (v > cap * (1 + 1e-12))
        if not over.any():
            break
        excess = float((v[over] - cap).sum())
        v[over] = cap
        fixed |= over
        free = ~fixed & (v > 0)
        if not free.any():
            break
        v[free] += excess * v[free] / v[free].sum()
    return v


def rural_and_urban(grid: HexGrid, places: pd.DataFrame, relief: Relief,
                    rural_tot: dict[int, float], urban_tot: dict[int, float], cap: bool = True
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The model itself, on any grid and inputs (tests call it with synthetic ones);
    ``cap=False`` is model v2's rural spread (the sanity bench's "before")."""
    urban = spread(urban_people(grid, places), grid.gb_code, urban_tot)
    u_density = urban / grid.cell_area_km2
    coreness = 1.0 - np.exp(-u_density / CORE_DENSITY)
    habit = habitability(grid, relief)
    in_core = CORE_RURAL_SHARE * urban * coreness * (habit > 0)
    near, nearest_km = nearness_weight(grid, places)
    base = np.maximum(near, remote_floor(nearest_km))
    w_rural = base * habit * np.exp(-u_density / CORE_DENSITY)
    left = {c: t - in_core[grid.gb_code == c].sum() for c, t in rural_tot.items()}
    rural = in_core + spread(w_rural, grid.gb_code, left)
    if not cap:
        return rural, urban
    return cap_rural(rural, grid.gb_code, grid.cell_area_km2, rural_tot), urban


@functools.cache
def build_demand(cell_km: float = 10.0) -> Demand:
    """The demand model for a grid spacing; deterministic, so cached per process."""
    census = load_census()
    codes = census["gb_code"].astype(int)
    rural, urban = rural_and_urban(build_grid(cell_km), load_china().places, load_relief(),
                                   dict(zip(codes, census["rural_pop"])),
                                   dict(zip(codes, census["urban_pop"])))
    rural.flags.writeable = False
    urban.flags.writeable = False
    return Demand(grid=build_grid(cell_km), rural=rural, urban=urban)
