"""What a map of China shows around the analysis: China as on approved Chinese maps,
its neighbours, cities and relief. Drawing only: nothing here enters the figures,
which stay on the 31 mainland provinces.

``resources/data/china_context.geojson`` (built by ``build_resources.py`` from npm
``@surbowl/world-geo-json-zh``, which follows the MNR map GS(2023)2767, and Natural
Earth via ``world-atlas``) holds, by ``kind``:

- ``china``: China's land as on approved maps (with Taiwan, the islands, 藏南);
- ``region``: Taiwan, Hong Kong and Macao, drawn as provinces and marked as outside
  the network data;
- ``islands``: the South China Sea island groups and Diaoyu Dao;
- ``dashes``: the ten-dash line;
- ``neighbour``: neighbouring countries (grey, named in Chinese and English).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from reach_planner.geo.data import DATA_DIR, load_china, read_geojson

CONTEXT_FILE = DATA_DIR / "china_context.geojson"
KINDS = ("china", "region", "islands", "dashes", "neighbour")
# Labelled besides the provincial capitals: the largest cities first (Xiamen has no
# GeoNames population), then every prefecture-level city of at least a million people
# (populations checked against the census since issue 22: Wuzhong's 7 million, all of
# Ningxia, is dropped by the build).
LARGEST_CITIES = ("Shenzhen", "Dongguan", "Foshan", "Suzhou", "Qingdao", "Dalian", "Ningbo",
                  "Xiamen", "Wuxi")
MIN_CITY_PEOPLE = 1_000_000
# GeoNames' Chinese names of a few of them are traditional, Japanese or a district's.
CITY_ZH = {"Chengdu": "成都", "Shenzhen": "深圳", "Foshan": "佛山", "Yinchuan": "银川",
           "Guiyang": "贵阳", "Changsha": "长沙", "Changchun": "长春", "Xiamen": "厦门",
           "Dalian": "大连"}


@functools.cache
def load_context() -> gpd.GeoDataFrame:
    """kind, code, name_en, name_zh, label_lon, label_lat, geometry (lon/lat)."""
    gdf = read_geojson(CONTEXT_FILE)
    return gdf[gdf["kind"].isin(KINDS)].reset_index(drop=True)


def of_kind(kind: str) -> gpd.GeoDataFrame:
    ctx = load_context()
    return ctx[ctx["kind"] == kind].reset_index(drop=True)


@dataclass(frozen=True)
class City:
    name_en: str
    name_zh: str
    lon: float
    lat: float
    capital: bool  # provincial capital (or Beijing)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@functools.cache
def cities() -> tuple[City, ...]:
    """Provincial capitals and the largest other cities, capitals first."""
    places: pd.DataFrame = load_china().places
    caps = places[places["feature_code"].isin(("PPLA", "PPLC"))]
    caps = caps.sort_values("population", ascending=False).drop_duplicates("gb_code")
    seats = places[places["feature_code"].isin(("PPLA2", "PPLA", "PPLC"))]
    big = seats[seats["name"].isin(LARGEST_CITIES)].sort_values("population", ascending=False)
    big = big.drop_duplicates("name")
    rest = seats[(seats["population"] >= MIN_CITY_PEOPLE) & ~seats.index.isin(caps.index)
                 & ~seats.index.isin(big.index)].sort_values("population", ascending=False)
    out = []
    for frame, capital in ((caps, True), (big, False), (rest, False)):
        for r in frame.itertuples():
            zh = CITY_ZH.get(r.name, r.name_zh if isinstance(r.name_zh, str) and r.name_zh else r.name)
            out.append(City(str(r.name).replace("’", "'"), zh, float(r.lon), float(r.lat), capital))
    return tuple(out)


def label_lonlat(kind: str) -> tuple[np.ndarray, np.ndarray]:
    sub = of_kind(kind)
    return sub["label_lon"].to_numpy(float), sub["label_lat"].to_numpy(float)
