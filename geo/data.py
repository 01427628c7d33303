"""Bundled open data: provinces, China outline, GeoNames places and the 2020 census.

Loaded once per process (``functools.cache``) because every scenario run, map build
and test needs the same immutable layers; callers must not mutate what they get.
"""
from __future__ import annotations

import functools
import importlib.resources
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

# Package data of the installed ``reach_planner`` (the checkout's resources/ in an editable
# install, site-packages in a wheel install, the bundle's folder when frozen).
RESOURCES = Path(str(importlib.resources.files("reach_planner"))) / "resources"
DATA_DIR = RESOURCES / "data"
WGS84 = "EPSG:4326"
# Albers equal-area conic fitted to China: areas and the hex grid live in this CRS.
CHINA_ALBERS = ("+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 "
                "+ellps=WGS84 +units=m +no_defs")

# Place-type codes (GeoNames feature codes) used by the simulation and demand model.
CAPITAL_CODES = ("PPLC", "PPLA")
PREFECTURE_CODES = ("PPLA2",)
COUNTY_CODES = ("PPLA3",)


@dataclass(frozen=True, eq=False)
class ChinaData:
    """The immutable input layers every analysis starts from."""

    provinces: gpd.GeoDataFrame  # gb_code, iso_3166_2, name_en, name_zh, pop, urban_share
    outline: gpd.GeoDataFrame
    places: pd.DataFrame  # geonameid, name, name_zh, lat, lon, population, feature_code, gb_code

    def province_names(self) -> dict[int, tuple[str, str]]:
        p = self.provinces
        return {int(g): (e, z) for g, e, z in zip(p["gb_code"], p["name_en"], p["name_zh"])}


def load_census() -> pd.DataFrame:
    """2020 census per province with the derived urban and rural populations."""
    c = pd.read_csv(DATA_DIR / "census_2020_provinces.csv")
    share = c["urban_share_pct_2020"].to_numpy() / 100.0
    c["urban_pop"] = c["pop_2020_census"] * share
    c["rural_pop"] = c["pop_2020_census"] * (1.0 - share)
    return c


@functools.cache
def load_china() -> ChinaData:
    """Read every bundled layer (about 0.1 s) and keep it for the process."""
    census = load_census()
    prov = gpd.read_file(DATA_DIR / "provinces.geojson")
    prov = prov.merge(census[["gb_code", "pop_2020_census", "urban_share_pct_2020",
                              "urban_pop", "rural_pop"]], on="gb_code", how="left")
    prov = prov.sort_values("gb_code").reset_index(drop=True).set_crs(WGS84, allow_override=True)
    outline = gpd.read_file(DATA_DIR / "china_outline.geojson").set_crs(WGS84, allow_override=True)
    places = pd.read_csv(DATA_DIR / "places.csv", dtype={"name": str, "name_zh": str,
                                                         "feature_code": str},
                         keep_default_na=False)
    places["population"] = places["population"].astype(np.int64)
    # Prepared once here: preparing shared geometries lazily from several worker
    # threads would race inside GEOS.
    shapely.prepare(prov.geometry.to_numpy())
    return ChinaData(provinces=prov, outline=outline, places=places)
