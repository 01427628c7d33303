"""Bundled open data: provinces, China outline, GeoNames places and the 2020 census.

Loaded once per process (``functools.cache``) because every scenario run, map build
and test needs the same immutable layers; callers must not mutate what they get.
"""
from __future__ import annotations

import functools
import importlib.resources
import json
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
    """Read every bundled layer (about 0.04 s) and keep it for the process."""
    census = load_census()
    prov = read_geojson(DATA_DIR / "provinces.geojson")
    prov = prov.merge(census[["gb_code", "pop_2020_census", "urban_share_pct_2020",
                              "urban_pop", "rural_pop"]], on="gb_code", how="left")
    prov = prov.sort_values("gb_code").reset_index(drop=True).set_crs(WGS84, allow_override=True)
    outline = read_geojson(DATA_DIR / "china_outline.geojson")
    places = pd.read_csv(DATA_DIR / "places.csv", dtype={"name": str, "name_zh": str,
                                                         "feature_code": str},
                         keep_default_na=False)
    places["population"] = places["population"].astype(np.int64)
    # Prepared once here: preparing shared geometries lazily from several worker
    # threads would race inside GEOS.
    shapely.prepare(prov.geometry.to_numpy())
    return ChinaData(provinces=prov, outline=outline, places=places)


@functools.cache
def load_divisions() -> pd.DataFrame:
    """County planning units (GB/T 2260, from ``divisions.csv``): adcode, name_zh, name_en,
    prefecture_adcode, prefecture_zh, prefecture_en, gb_code, lon, lat (the seat, WGS84)."""
    return pd.read_csv(DATA_DIR / "divisions.csv", dtype={"name_zh": str, "name_en": str,
                                                          "prefecture_zh": str, "prefecture_en": str},
                       keep_default_na=False)


def read_geojson(path: Path) -> gpd.GeoDataFrame:
    """A bundled GeoJSON FeatureCollection as a WGS84 GeoDataFrame, read like
    ``gpd.read_file`` does (same columns and dtypes; integers that fit are int32).

    Why not ``gpd.read_file``: GDAL (pyogrio) takes longer to import than to read our
    small files, and this is on the window's start-up path. GEOS parses the geometries
    in one pass; only the small ``properties`` objects go through :mod:`json`.
    """
    text = path.read_text(encoding="utf-8")
    geoms = shapely.get_parts(shapely.from_geojson(text))
    props = _properties(text)
    if len(props) != len(geoms):  # a "properties" key somewhere unexpected: parse it all
        props = [f.get("properties") or {} for f in json.loads(text)["features"]]
    frame = pd.DataFrame.from_records(props)
    for col in frame.columns:
        if frame[col].dtype == np.int64 and frame[col].between(-2**31, 2**31 - 1).all():
            frame[col] = frame[col].astype(np.int32)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)


def _properties(text: str) -> list[dict]:
    """Every feature's ``properties`` object, decoded where it stands in the text."""
    decoder = json.JSONDecoder()
    key = '"properties":'
    out, pos = [], text.find(key)
    while pos >= 0:
        value, end = decoder.raw_decode(text, pos + len(key))
        out.append(value or {})
        pos = text.find(key, end)
    return out
