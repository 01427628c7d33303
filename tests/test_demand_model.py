"""Demand model v2 (issue 9): the geography the coverage figures rest on."""
from __future__ import annotations

import numpy as np
import pytest

from reach_planner.geo.data import load_census, load_china
from reach_planner.geo.demand import (
    BUILT_UP_DENSITY,
    ELEV_CEILING_M,
    MODEL_NAME,
    MODEL_VERSION,
    build_demand,
    urban_size,
)
from reach_planner.geo.demand_figures import (
    PASTORAL,
    demand_figures,
    dist_to_place_km,
    in_shenzhen,
)
from reach_planner.geo.relief import load_relief
from reach_planner.geo.sphere import haversine_km


@pytest.fixture(scope="module")
def demand():
    return build_demand(10.0)


@pytest.fixture(scope="module")
def figures(demand):
    return demand_figures(demand)


def _box(g, lon0, lon1, lat0, lat1, gb):
    return (g.lon >= lon0) & (g.lon <= lon1) & (g.lat >= lat0) & (g.lat <= lat1) & (g.gb_code == gb)


def test_every_province_sums_to_its_census_rural_and_urban_population(demand):
    c = load_census()
    for code, rural, urban in zip(c["gb_code"], c["rural_pop"], c["urban_pop"]):
        sel = demand.grid.gb_code == code
        assert demand.rural[sel].sum() == pytest.approx(rural, rel=1e-3)
        assert demand.urban[sel].sum() == pytest.approx(urban, rel=1e-3)
    assert np.all(demand.rural >= 0) and np.all(demand.urban >= 0)


def test_rural_people_stay_out_of_urban_cores(figures):
    # v1 put 5.3% of all rural people in cells with more than 100,000 urban people
    assert figures["urban_core_cells"] > 500
    assert figures["rural_in_urban_core_cells_pct"] <= 1.0


def test_shenzhen_is_a_city(demand, figures):
    # census 2020: 17.56 M people, 99.54% urban -> about 81,000 rural; v1 put 2.8 M there
    assert figures["shenzhen_cells"] >= 20
    assert figures["shenzhen_urban"] > 10_000_000
    assert figures["shenzhen_rural"] < 250_000
    assert figures["shenzhen_urban_share_pct"] > 99.0
    top = np.argsort(demand.rural)[::-1][:8]
    assert not in_shenzhen(demand.grid.lon[top], demand.grid.lat[top]).any()


def test_cities_keep_their_urban_people_on_their_own_land(demand):
    """Coastal and island cities included: the cell nearest the city in its own province
    holds urban people, and the city's footprint holds at least its scaled size."""
    g = demand.grid
    places = load_china().places
    c = load_census()
    for name in ("Shenzhen", "Zhoushan", "Sanya", "Haikou", "Qingdao", "Dalian",
                 "Shanghai", "Beijing", "Lhasa"):
        p = places[(places["name"] == name)].sort_values("population").iloc[-1]
        own = np.flatnonzero(g.gb_code == p["gb_code"])
        d = haversine_km(p["lon"], p["lat"], g.lon[own], g.lat[own])
        near = own[np.argmin(d)]
        assert d.min() < 8.0, name
        assert demand.urban[near] > 20_000, name
    size = urban_size(places)
    big = np.flatnonzero(size >= 500_000)
    for gb in np.unique(places["gb_code"].to_numpy()[big]):
        sel = g.gb_code == gb
        in_prov = (places["gb_code"] == gb).to_numpy()
        scale = float(c.loc[c["gb_code"] == gb, "urban_pop"].iloc[0]) / size[in_prov].sum()
        for k in big[in_prov[big]]:
            p = places.iloc[k]
            d = haversine_km(p["lon"], p["lat"], g.lon, g.lat)
            reach = max(1.5 * np.sqrt(size[k] / (np.pi * BUILT_UP_DENSITY)), d[sel].min())
            assert demand.urban[sel & (d <= reach + 0.01)].sum() >= 0.999 * size[k] * scale, p["name"]


def test_no_rural_people_above_the_elevation_ceiling(demand):
    z = load_relief().sample(demand.grid.lon, demand.grid.lat)
    assert (z > ELEV_CEILING_M).sum() > 100
    assert demand.rural[z > ELEV_CEILING_M].sum() == 0.0


def test_rural_density_falls_with_elevation(demand):
    z = load_relief().sample(demand.grid.lon, demand.grid.lat)
    dens = [demand.rural[(z >= lo) & (z < hi)].mean() for lo, hi in
            ((0, 500), (1500, 2500), (3500, 4500), (4500, 5500))]
    assert dens == sorted(dens, reverse=True)


def test_pastoral_people_are_spread_over_rangeland(demand, figures):
    # v1: 31,000 cells (2.68 M km2) without rural people, all of them > 45 km from a place
    assert figures["cells_without_rural"] < 3_000
    far = dist_to_place_km(demand) > 45.0
    pastoral = np.isin(demand.grid.gb_code, PASTORAL)
    assert far[pastoral].sum() > 25_000
    assert (demand.rural[far & pastoral] > 0).mean() > 0.9
    assert figures["pastoral_rural_beyond_45km_pct"] > 1.0


def test_deserts_and_the_high_plateau_stay_nearly_empty(demand):
    g = demand.grid
    tot = demand.rural.sum() / (g.size * g.cell_area_km2)  # ~54 per km2
    taklamakan = _box(g, 82.0, 85.0, 38.5, 39.5, 65)
    changtang = _box(g, 80.0, 91.0, 33.0, 36.0, 54)
    for sel in (taklamakan, changtang):
        assert sel.sum() > 200
        assert demand.rural[sel].sum() / (sel.sum() * g.cell_area_km2) < 0.01 * tot
    # while Tibet's farming valleys (Lhasa, Shigatse) are settled
    yarlung = _box(g, 88.5, 92.0, 29.0, 30.0, 54)
    assert demand.rural[yarlung].mean() > 20 * demand.rural[changtang].mean()


def test_model_has_a_name_and_version(demand):
    assert demand.source == {"name": MODEL_NAME, "version": MODEL_VERSION}
    assert not demand.imported and demand.outside == 0.0


def test_gap_regions_stay_inside_one_province():
    from reach_planner.geo.scenario import run_scenario

    r = run_scenario()
    g, gaps = r.demand.grid, r.gaps
    for rank in range(min(len(gaps.regions), 40)):
        assert len(np.unique(g.gb_code[gaps.region == rank])) == 1
