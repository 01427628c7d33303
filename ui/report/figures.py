"""The numbers a report pack prints: per province, its gaps by nearest town, its
recommended outlets, and the rural people by distance to the nearest outlet.

Pure data (no drawing), computed once per result, so the PDF pages, the PNG pages
and the Excel workbook all say the same thing.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reach_planner.geo.data import load_china
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.sphere import SphereIndex
from reach_planner.geo.summary import ProvinceSummary

TOP_GAPS = 5
TOWN_CODES = ("PPLC", "PPLA", "PPLA2", "PPLA3", "PPLA4")
# Distance bands (km) for the small coverage chart; the radius is inserted as a break.
BANDS_KM = (10.0, 20.0, 50.0, 100.0)


@dataclass(frozen=True)
class Town:
    name: str
    name_zh: str
    km: float

    def label(self, lang: str) -> str:
        name = (self.name_zh or self.name) if lang == "zh" else (self.name or self.name_zh)
        return name


@dataclass(frozen=True)
class NamedGap:
    rank: int  # national rank (1 = most unreached rural people in the country)
    rural_unreached: int
    area_km2: float
    max_dist_km: float
    lon: float
    lat: float
    town: Town
    county: str = ""
    county_zh: str = ""
    prefecture: str = ""
    prefecture_zh: str = ""

    def unit(self, lang: str) -> str:
        """The county planning unit: "木里藏族自治县（凉山彝族自治州）" or "Muli, Liangshan"."""
        return unit_label(lang, self.county, self.county_zh, self.prefecture, self.prefecture_zh)


def unit_label(lang: str, county: str, county_zh: str, prefecture: str, prefecture_zh: str) -> str:
    if lang == "zh":
        if not county_zh:
            return prefecture_zh
        return county_zh if county_zh == prefecture_zh or not prefecture_zh else f"{county_zh}（{prefecture_zh}）"
    if not county:
        return prefecture
    return county if county == prefecture or not prefecture else f"{county}, {prefecture}"


@dataclass(frozen=True)
class NewOutlet:
    site_id: str
    lon: float
    lat: float
    town: Town


@dataclass(frozen=True)
class DistanceBands:
    """Rural people by distance to the nearest outlet: ``edges`` are the upper bounds
    (km, last is inf); ``covered`` marks the bands within the service radius."""

    edges: tuple[float, ...]
    people: tuple[float, ...]
    covered: tuple[bool, ...]


@dataclass(frozen=True)
class ProvinceFigures:
    summary: ProvinceSummary
    gaps: tuple[NamedGap, ...]
    recommended: tuple[NewOutlet, ...]
    bands: DistanceBands
    extent: tuple[float, float, float, float]  # west, south, east, north (degrees)
    newly_in: int = 0  # rural people only recommended outlets reach, this province's among them:
    newly_across: int = 0  # ... in the province, and across its border

    @property
    def gb_code(self) -> int:
        return self.summary.gb_code


@functools.cache
def _towns() -> tuple[pd.DataFrame, SphereIndex]:
    """Places a planner recognises: county seats and above, or any place with a
    population (GeoNames); a village with no population data says little. Only places
    with a Chinese name: a zh page never says "Yùmén附近" (issue 22)."""
    p = load_china().places
    known = p["feature_code"].isin(TOWN_CODES) | (p["population"] > 0)
    towns = p[known & (p["name_zh"] != "")].reset_index(drop=True)
    return towns, SphereIndex(towns["lon"].to_numpy(float), towns["lat"].to_numpy(float))


def town_table() -> pd.DataFrame:
    """The towns :func:`nearest_towns` names (the recommend panel uses them too)."""
    return _towns()[0]


def nearest_towns(lon: np.ndarray, lat: np.ndarray) -> list[Town]:
    towns, index = _towns()
    if len(lon) == 0:
        return []
    km, idx = index.nearest(np.asarray(lon, float), np.asarray(lat, float))
    return [Town(name=str(towns.at[i, "name"]), name_zh=str(towns.at[i, "name_zh"]),
                 km=round(float(d), 1)) for d, i in zip(km, idx)]


def distance_bands(result: ScenarioResult, cells: np.ndarray) -> DistanceBands:
    radius = float(result.params.radius_km)
    edges = tuple(sorted({*(b for b in BANDS_KM if b != radius), radius})) + (np.inf,)
    dist = result.coverage.dist_outlet_km[cells]
    band = np.searchsorted(np.asarray(edges), dist, side="left")
    people = np.bincount(band, weights=result.demand.rural[cells], minlength=len(edges))
    return DistanceBands(edges=edges, people=tuple(float(v) for v in people[: len(edges)]),
                         covered=tuple(e <= radius for e in edges))


def province_extent(gb_code: int, pad: float = 0.06) -> tuple[float, float, float, float]:
    """The province's lon/lat box, widened a little so its outline breathes."""
    prov = load_china().provinces
    w, s, e, n = prov.geometry[prov["gb_code"] == gb_code].iloc[0].bounds
    dx, dy = pad * (e - w), pad * (n - s)
    return float(w - dx), float(s - dy), float(e + dx), float(n + dy)


def province_figures(result: ScenarioResult) -> tuple[ProvinceFigures, ...]:
    """One entry per province in GB-code order (the summary's order)."""
    regions = result.gaps.regions
    outlets = result.network.outlets
    rec = outlets[outlets["source"] == "recommended"] if "source" in outlets else outlets.iloc[:0]
    gb = result.demand.grid.gb_code
    split = recommended_split(result, rec)
    out = []
    for p in result.summary.provinces:
        top = regions[regions["gb_code"] == p.gb_code].head(TOP_GAPS)
        towns = nearest_towns(top["lon"].to_numpy(), top["lat"].to_numpy())
        gaps = tuple(NamedGap(rank=int(r.rank), rural_unreached=round(float(r.rural_unreached)),
                              area_km2=round(float(r.area_km2), 1),
                              max_dist_km=round(float(r.max_dist_km), 1), lon=float(r.lon),
                              lat=float(r.lat), town=t, county=str(getattr(r, "county", "")),
                              county_zh=str(getattr(r, "county_zh", "")),
                              prefecture=str(getattr(r, "prefecture", "")),
                              prefecture_zh=str(getattr(r, "prefecture_zh", "")))
                     for r, t in zip(top.itertuples(), towns))
        mine = rec[rec["gb_code"] == p.gb_code]
        rtowns = nearest_towns(mine["lon"].to_numpy(), mine["lat"].to_numpy())
        news = tuple(NewOutlet(site_id=str(r.site_id), lon=float(r.lon), lat=float(r.lat), town=t)
                     for r, t in zip(mine.itertuples(), rtowns))
        out.append(ProvinceFigures(summary=p, gaps=gaps, recommended=news,
                                   bands=distance_bands(result, np.flatnonzero(gb == p.gb_code)),
                                   extent=province_extent(p.gb_code),
                                   newly_in=split.get(p.gb_code, (0, 0))[0],
                                   newly_across=split.get(p.gb_code, (0, 0))[1]))
    return tuple(out)


def recommended_split(result: ScenarioResult, rec: pd.DataFrame) -> dict[int, tuple[int, int]]:
    """Per province with recommended outlets: the rural people that only recommended
    outlets reach (newly covered by them), one of this province's among them, split into
    those in the province and those across its border (a province run credits both; the
    panel and the workbook show the same split). In the scenario's distance measure."""
    reach = result.coverage.outlets_in_reach
    if not len(rec) or reach is None:
        return {}
    from reach_planner.geo.siting.problem import reach_pairs

    rural, gb = result.demand.rural, result.demand.grid.gb_code
    cells = np.flatnonzero(rural > 0)
    point, k = reach_pairs(result, rec["lon"].to_numpy(float), rec["lat"].to_numpy(float), cells,
                           float(result.params.radius_km))
    only = reach[cells] == np.bincount(k, minlength=len(cells))  # no other outlet reaches them
    home = rec["gb_code"].to_numpy(np.int64)
    out = {}
    for code in np.unique(home):
        mine = np.zeros(len(cells), dtype=bool)
        mine[k[home[point] == code]] = True
        new = cells[mine & only]
        inside = gb[new] == code
        out[int(code)] = (round(float(rural[new][inside].sum())), round(float(rural[new][~inside].sum())))
    return out


def recommended_count(result: ScenarioResult) -> int:
    o = result.network.outlets
    return int((o["source"] == "recommended").sum()) if "source" in o else 0
