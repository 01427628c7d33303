"""National and per-province reach figures: the frozen result the panels and CLI show."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from reach_planner.geo.county_table import CountySummary, WholePeople, county_table, pct
from reach_planner.geo.coverage import Coverage
from reach_planner.geo.covered_area import disc_area_per_cell
from reach_planner.geo.data import load_china
from reach_planner.geo.demand import Demand
from reach_planner.geo.gaps import Gaps
from reach_planner.geo.network import Network
from reach_planner.geo.params import ScenarioParams

SCHEMA_VERSION = 3  # 2: demand_model, demand_total, demand_outside, distance (issue 9)
# 3: gaps carry county/prefecture; per-county figures in ``counties`` (issue 22); rural
# people are whole people that add up (counties -> province -> country, geo.county_table)
TOP_GAPS = 10
# Context from the Alibaba-Haier (Goodaymart) joint-venture announcement; approximate.
JV_CONTEXT = {
    "source": "Alibaba-Haier joint venture announcement (approximate figures)",
    "alibaba_investment_usd": 360_000_000,
    "tmall_merchants": 70_000,
    "announced_distribution_sites": 2_800,
    "announced_service_outlets": 17_000,
}


class _Plain:
    """Mixin: after init, every numpy scalar field becomes a Python int/float."""

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            object.__setattr__(self, name, _py(value))


@dataclass(frozen=True)
class GapSummary(_Plain):
    rank: int
    gb_code: int
    province: str
    province_zh: str
    rural_unreached: int
    cells: int
    area_km2: float
    lon: float
    lat: float
    max_dist_km: float
    county_adcode: int = 0
    county: str = ""
    county_zh: str = ""
    prefecture: str = ""
    prefecture_zh: str = ""


@dataclass(frozen=True)
class ProvinceSummary(_Plain):
    gb_code: int
    name_en: str
    name_zh: str
    sites: int
    outlets: int
    rural_population: int
    rural_covered: int
    rural_covered_pct: float
    urban_population: int
    urban_covered: int
    urban_covered_pct: float
    outlets_per_100k_rural: float
    area_km2: float
    area_covered_km2: float
    gap_regions: int
    rural_unreached: int
    largest_gap_population: int
    # Both measures side by side, only when terrain distance is on.
    rural_covered_pct_straight: float | None = None
    rural_covered_pct_terrain: float | None = None


SIDE_BY_SIDE = ("rural_covered_pct_straight", "rural_covered_pct_terrain")


def _drop_unset(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if not (k in SIDE_BY_SIDE and v is None)}


@dataclass(frozen=True)
class Summary(_Plain):
    schema_version: int
    params: dict[str, Any]
    distribution_sites: int
    service_outlets: int
    rural_population: int
    rural_covered: int
    rural_covered_pct: float
    rural_unreached: int
    rural_delivery_pct: float
    urban_population: int
    urban_covered: int
    urban_covered_pct: float
    land_area_km2: float
    area_covered_km2: float
    area_covered_pct: float
    gap_regions: int
    largest_gaps: tuple[GapSummary, ...]
    provinces: tuple[ProvinceSummary, ...]
    context: dict[str, Any]
    demand_model: dict[str, str] = field(default_factory=dict)  # name+version, or the file
    demand_total: float = 0.0  # people (or imported weight) counted in the analysis
    demand_outside: float = 0.0  # imported weight that fell outside the 31 provinces
    distance: str = "straight"
    rural_covered_pct_straight: float | None = None
    rural_covered_pct_terrain: float | None = None
    rural_backed_up: int = 0  # rural people within reach of at least two outlets
    rural_backed_up_pct: float = 0.0
    counties: tuple[CountySummary, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = _drop_unset(asdict(self))
        d["provinces"] = [_drop_unset(p) for p in d["provinces"]]
        return d

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def province_frame(self) -> pd.DataFrame:
        return pd.DataFrame([_drop_unset(asdict(p)) for p in self.provinces])

    def county_frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(c) for c in self.counties])


def _py(value: Any) -> Any:
    """numpy scalars -> Python numbers, so results are plain data for JSON and Qt."""
    return value.item() if isinstance(value, np.generic) else value


def summarise(params: ScenarioParams, network: Network, demand: Demand, coverage: Coverage,
              gaps: Gaps) -> Summary:
    g = demand.grid
    cov = coverage.covered
    area = g.cell_area_km2
    names = load_china().province_names()
    regions = gaps.regions
    top = tuple(_gap_summary(r, names) for r in regions.head(TOP_GAPS).itertuples())
    cols = _Columns(site_gb=network.sites["gb_code"].to_numpy(),
                    outlet_gb=network.outlets["gb_code"].to_numpy(),
                    share_gb=gaps.shares["gb_code"].to_numpy(),
                    share_people=gaps.shares["rural_unreached"].to_numpy(float))
    cell_km2 = _cell_covered_km2(demand, network, coverage)
    table = county_table(network, demand, coverage, gaps, names)
    whole = table.whole
    provinces = tuple(_province(code, cols, demand, coverage, names, whole, cell_km2) for code in sorted(names))
    rural, urban = demand.rural.sum(), demand.urban.sum()
    r_cov, u_cov = demand.rural[cov].sum(), demand.urban[cov].sum()
    both = _side_by_side(demand.rural, coverage)
    return Summary(
        schema_version=SCHEMA_VERSION, params=params.to_dict(),
        distribution_sites=len(network.sites), service_outlets=len(network.outlets),
        rural_population=whole.rural, rural_covered=whole.covered,
        rural_covered_pct=pct(r_cov, rural), rural_unreached=whole.rural - whole.covered,
        rural_delivery_pct=pct(demand.rural[coverage.delivered].sum(), rural),
        urban_population=round(urban), urban_covered=round(u_cov),
        urban_covered_pct=pct(u_cov, urban),
        land_area_km2=round(g.size * area, 1), **_area_covered(demand, network, coverage),
        gap_regions=len(regions),
        largest_gaps=top, provinces=provinces, context=dict(JV_CONTEXT),
        demand_model={k: v for k, v in demand.source.items() if k != "path"},
        demand_total=round(float(rural + urban), 1),
        demand_outside=round(float(demand.outside), 1), distance=coverage.distance,
        counties=table.counties, **both,
        rural_backed_up=round(demand.rural[coverage.backed_up].sum()),
        rural_backed_up_pct=pct(demand.rural[coverage.backed_up].sum(), rural))


def _cell_covered_km2(demand: Demand, network: Network, coverage: Coverage) -> Any:
    """Covered km2 per cell (None: whole covered cells, the centre rule; see geo.covered_area)."""
    g = demand.grid
    if coverage.radius_km >= g.spacing_km:
        return None
    return disc_area_per_cell(coverage.dist_km, coverage.radius_km, g.spacing_km, g.cell_area_km2,
                              coverage.covered, len(network.outlets))


def _area_covered(demand: Demand, network: Network, coverage: Coverage) -> dict[str, float]:
    g = demand.grid
    cov = coverage.covered
    km2 = _cell_covered_km2(demand, network, coverage)
    if km2 is None:  # the centre rule, computed as it always was (figures stay bit-equal)
        return {"area_covered_km2": round(int(cov.sum()) * g.cell_area_km2, 1),
                "area_covered_pct": pct(cov.sum(), g.size)}
    return {"area_covered_km2": round(float(km2.sum()), 1),
            "area_covered_pct": pct(km2.sum(), g.size * g.cell_area_km2)}


def _side_by_side(rural: Any, coverage: Coverage, sel: Any = slice(None)) -> dict[str, float]:
    """Straight-line and terrain rural coverage (%), when terrain distance is on."""
    if coverage.dist_terrain_km is None:
        return {}
    r = rural[sel]
    return {"rural_covered_pct_straight": pct(r[coverage.covered_straight[sel]].sum(), r.sum()),
            "rural_covered_pct_terrain": pct(r[coverage.covered[sel]].sum(), r.sum())}


def _gap_summary(r: Any, names: dict[int, tuple[str, str]]) -> GapSummary:
    en, zh = names.get(int(r.gb_code), ("", ""))
    return GapSummary(rank=int(r.rank), gb_code=int(r.gb_code), province=en, province_zh=zh,
                      rural_unreached=round(r.rural_unreached), cells=int(r.cells),
                      area_km2=round(float(r.area_km2), 1), lon=round(float(r.lon), 4),
                      lat=round(float(r.lat), 4), max_dist_km=round(float(r.max_dist_km), 1),
                      county_adcode=int(getattr(r, "county_adcode", 0)), county=str(getattr(r, "county", "")),
                      county_zh=str(getattr(r, "county_zh", "")), prefecture=str(getattr(r, "prefecture", "")),
                      prefecture_zh=str(getattr(r, "prefecture_zh", "")))


@dataclass(frozen=True)
class _Columns:
    """The frame columns every province's figures filter, as arrays (31 pandas
    filterings cost more than the figures)."""

    site_gb: Any
    outlet_gb: Any
    share_gb: Any
    share_people: Any


def _province(code: int, cols: _Columns, demand: Demand, coverage: Coverage,
              names: dict[int, tuple[str, str]], whole: WholePeople, cell_km2: Any = None) -> ProvinceSummary:
    g = demand.grid
    sel = g.gb_code == code
    cov = coverage.covered[sel]
    rural, urban = demand.rural[sel], demand.urban[sel]
    regs = cols.share_people[cols.share_gb == code]  # regions crossing a border count in each
    n_out = int((cols.outlet_gb == code).sum())
    r_tot, r_cov = rural.sum(), rural[cov].sum()
    r_whole, c_whole = whole.province_rural[code], whole.province_covered[code]
    return ProvinceSummary(
        gb_code=code, name_en=names[code][0], name_zh=names[code][1],
        sites=int((cols.site_gb == code).sum()), outlets=n_out,
        rural_population=r_whole, rural_covered=c_whole,
        rural_covered_pct=pct(r_cov, r_tot), urban_population=round(urban.sum()),
        urban_covered=round(urban[cov].sum()), urban_covered_pct=pct(urban[cov].sum(), urban.sum()),
        outlets_per_100k_rural=round(n_out / r_tot * 1e5, 2) if r_tot > 0 else 0.0,
        area_km2=round(int(sel.sum()) * g.cell_area_km2, 1),
        area_covered_km2=round(int(cov.sum()) * g.cell_area_km2, 1) if cell_km2 is None
        else round(float(cell_km2[sel].sum()), 1),
        gap_regions=len(regs), rural_unreached=r_whole - c_whole,
        largest_gap_population=round(float(regs.max())) if len(regs) else 0,
        **_side_by_side(demand.rural, coverage, sel))


def describe_demand(model: dict[str, str]) -> str:
    """"census model v2" or "imported orders.csv (column orders)", for tables and panels."""
    if "file" in model:
        col = f" (column {model['column']})" if model.get("column") else ""
        return f"imported {model['file']}{col}"
    return f"{model.get('name', 'census model')} v{model.get('version', '?')}"


def format_table(s: Summary) -> str:
    """The human-readable summary printed by ``main.py summary``."""
    lines = [
        "Reach Planner - Goodaymart network reach (simulated scenario, seed "
        f"{s.params['seed']})",
        f"  Demand               {describe_demand(s.demand_model)}"
        + (f" ({s.demand_outside:,.0f} outside the 31 provinces, not counted)" if s.demand_outside else ""),
        f"  Distance             {s.distance}"
        + (f" (rural covered: straight {s.rural_covered_pct_straight:.2f}%, terrain "
           f"{s.rural_covered_pct_terrain:.2f}%)" if s.rural_covered_pct_terrain is not None else ""),
        f"  Distribution sites   {s.distribution_sites:>14,}",
        f"  Service outlets      {s.service_outlets:>14,}",
        f"  Rural population     {s.rural_population:>14,}",
        f"  Rural covered        {s.rural_covered:>14,}  ({s.rural_covered_pct:.2f}% within "
        f"{s.params['radius_km']:g} km of an outlet"
        + (", flat-equivalent km over terrain)" if s.distance == "terrain" else ")"),
        f"  Rural unreached      {s.rural_unreached:>14,}",
        f"  Rural backed up      {s.rural_backed_up:>14,}  ({s.rural_backed_up_pct:.2f}% within "
        f"reach of two outlets or more)",
        f"  Rural delivery reach {s.rural_delivery_pct:>13.2f}%  (within "
        f"{s.params['site_radius_km']:g} km of a distribution site)",
        f"  Urban covered        {s.urban_covered:>14,}  ({s.urban_covered_pct:.2f}% of "
        f"{s.urban_population:,})",
        f"  Area covered         {s.area_covered_km2:>14,.0f} km2 ({s.area_covered_pct:.2f}% of "
        f"{s.land_area_km2:,.0f} km2)",
        f"  Gap regions          {s.gap_regions:>14,}",
        "",
        f"{'Province':<16}{'Sites':>7}{'Outlets':>9}{'Rural pop':>14}{'Covered':>9}"
        f"{'Out/100k':>10}{'Gaps':>6}{'Largest gap':>13}",
    ]
    for p in sorted(s.provinces, key=lambda p: p.rural_covered_pct):
        lines.append(f"{p.name_en[:15]:<16}{p.sites:>7,}{p.outlets:>9,}{p.rural_population:>14,}"
                     f"{p.rural_covered_pct:>8.1f}%{p.outlets_per_100k_rural:>10.1f}"
                     f"{p.gap_regions:>6,}{p.largest_gap_population:>13,}")
    lines += ["", "Largest gaps (rural people beyond the service radius):"]
    for gp in s.largest_gaps:
        lines.append(f"  #{gp.rank:<3} {gp.province:<16} {gp.rural_unreached:>11,} people  "
                     f"{gp.area_km2:>10,.0f} km2  at {gp.lat:.2f}N {gp.lon:.2f}E  "
                     f"{gp.county}, {gp.prefecture}")
    lines.append("")
    lines.append(f"Context ({s.context['source']}): USD ~{s.context['alibaba_investment_usd'] / 1e6:.0f}"
                 f" million from Alibaba, ~{s.context['tmall_merchants']:,} Tmall merchants.")
    return "\n".join(lines)


__all__ = ["Summary", "ProvinceSummary", "GapSummary", "CountySummary", "summarise", "format_table"]
