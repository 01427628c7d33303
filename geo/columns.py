"""What a column and its values mean: the English and Chinese names planners use.

Kept apart from file reading so the window's column-mapping dialog, the CLI and the
validator all recognise exactly the same names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from reach_planner.geo.data import load_china
from reach_planner.geo.network import DISTRIBUTION, OUTLET

ALIASES: dict[str, tuple[str, ...]] = {
    "lat": ("lat", "latitude", "y", "wgs84_lat", "纬度", "緯度", "北纬",
            # web maps' exports (GCJ-02/BD-09: read with --crs, geo.chinacrs warns)
            "gcj02_lat", "gcj_lat", "bd09_lat", "bd_lat", "高德纬度", "百度纬度"),
    "lon": ("lon", "lng", "long", "longitude", "x", "wgs84_lon", "经度", "經度", "东经",
            "gcj02_lng", "gcj02_lon", "gcj_lng", "gcj_lon", "bd09_lng", "bd09_lon", "bd_lng",
            "bd_lon", "高德经度", "百度经度"),
    "name": ("name", "site_name", "site", "名称", "名稱", "网点名称", "站点名称", "网点", "站点"),
    "type": ("type", "kind", "category", "site_type", "类型", "類型", "网点类型", "站点类型"),
    "province": ("province", "prov", "province_name", "省份", "省", "所在省份", "省份名称"),
    "id": ("id", "site_id", "code", "编号", "编码", "网点编号"),
}
KIND_WORDS = {
    DISTRIBUTION: ("distribution", "distribution site", "distribution centre",
                   "distribution center", "dc", "hub", "warehouse", "depot", "配送中心",
                   "配送站", "分拨中心", "仓库", "物流中心"),
    OUTLET: ("outlet", "service outlet", "service", "service point", "store", "shop",
             "网点", "服务网点", "服务站", "服务点", "门店", "专卖店"),
}
KIND_LOOKUP = {w.lower(): k for k, words in KIND_WORDS.items() for w in words}
# Longest first, so 壮族自治区 is removed before 自治区.
ZH_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_EN_SUFFIX = re.compile(r"\s*(province|municipality|autonomous region|sheng|shi)$")


@dataclass(frozen=True)
class ColumnMap:
    """Which source column holds what; None where the file has no such column."""

    lat: str | None = None
    lon: str | None = None
    name: str | None = None
    type: str | None = None
    province: str | None = None
    id: str | None = None

    def chosen(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


def normalise(name: object) -> str:
    return str(name).strip().lower().replace(" ", "_")


def guess_columns(columns: list[str]) -> ColumnMap:
    """Recognise columns by common English and Chinese names (case, spaces ignored)."""
    norm: dict[str, str] = {}
    for c in columns:
        norm.setdefault(normalise(c), c)
    found = {key: next((norm[n] for n in names if n in norm), None)
             for key, names in ALIASES.items()}
    if "__lat" in columns:  # geometry of GeoJSON/GeoPackage wins over attribute columns
        found["lat"], found["lon"] = "__lat", "__lon"
    return ColumnMap(**found)


COORD_HINTS = {"lat": ("lat", "纬", "緯", "north"), "lon": ("lon", "lng", "经", "經", "east")}


def preset_coordinates(columns: list[str]) -> tuple[str | None, str | None]:
    """Latitude and longitude columns to offer first when the names were not recognised:
    recognised names, then names that contain a hint (``Lat_WGS``, ``纬度值``), then the
    first columns left; never the same column for both (issue 23.17: both were preset
    to the first column, and the dialog accepted that)."""
    guess = guess_columns(columns)
    chosen: dict[str, str | None] = {"lat": guess.lat, "lon": guess.lon}
    for key, hints in COORD_HINTS.items():
        if chosen[key] is None:
            chosen[key] = next((c for c in columns if c not in chosen.values()
                                and any(h in normalise(c) for h in hints)), None)
    rest = [c for c in columns if c not in chosen.values()]
    for key in ("lat", "lon"):
        if chosen[key] is None and rest:
            chosen[key] = rest.pop(0)
    return chosen["lat"], chosen["lon"]


def kinds_of(values: pd.Series) -> pd.Series:
    """distribution/outlet for each type text; NaN where the text is not a known type."""
    return values.str.strip().str.lower().map(KIND_LOOKUP)


def _province_key(text: str) -> str:
    t = text.strip().lower()
    for suffix in ZH_SUFFIXES:
        if t.endswith(suffix) and len(t) > len(suffix):
            t = t[: -len(suffix)]
            break
    t = _EN_SUFFIX.sub("", t)
    return t.replace(" ", "").replace("(xizang)", "")


def province_lookup() -> dict[str, int]:
    """Province text (北京, 北京市, Beijing, 11, 110000, Xizang…) -> GB code."""
    out: dict[str, int] = {}
    for code, (en, zh) in load_china().province_names().items():
        for text in (en, zh, str(code), f"{code}0000", "xizang" if code == 54 else en):
            out[_province_key(text)] = code
    out[_province_key("内蒙古")] = 15
    return out


def provinces_of(values: pd.Series) -> np.ndarray:
    """GB code named by each province text; 0 for blank, -1 for text not recognised."""
    lookup = province_lookup()
    uniq = pd.unique(values)
    codes = {u: (0 if not str(u).strip() else lookup.get(_province_key(str(u)), -1))
             for u in uniq}
    return values.map(codes).to_numpy(dtype=np.int64)
