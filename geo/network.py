"""The network as data: distribution sites and service outlets as GeoDataFrames.

Both layers share one schema (``COLUMNS``) whether simulated or imported, so the
analysis, the map and the exporters never care where a site came from.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.data import WGS84
from reach_planner.geo.sphere import SphereIndex, nearest_in_group

DISTRIBUTION = "distribution"
OUTLET = "outlet"
COLUMNS = ["site_id", "name", "kind", "gb_code", "province", "lon", "lat", "parent_id",
           "source"]


@dataclass(frozen=True, eq=False)
class Network:
    """Distribution sites (delivery hubs) and service outlets (installation)."""

    sites: gpd.GeoDataFrame
    outlets: gpd.GeoDataFrame

    def with_layers(self, sites: gpd.GeoDataFrame | None = None,
                    outlets: gpd.GeoDataFrame | None = None) -> Network:
        s = self.sites if sites is None else sites
        o = self.outlets if outlets is None else outlets
        return Network(sites=s, outlets=assign_parents(o, s))


def make_layer(kind: str, lon: NDArray[np.float64], lat: NDArray[np.float64],
               gb: NDArray[np.int64], names: list[str], province_names: dict[int, str],
               source: str = "simulated", ids: list[str] | None = None) -> gpd.GeoDataFrame:
    prefix = "DS" if kind == DISTRIBUTION else "SO"
    n = len(lon)
    if ids is None:
        ids = [f"{prefix}{i + 1:06d}" for i in range(n)]
    gdf = gpd.GeoDataFrame({
        "site_id": ids, "name": names, "kind": [kind] * n,
        "gb_code": np.asarray(gb, dtype=np.int64),
        "province": [province_names.get(int(g), "") for g in gb],
        "lon": np.round(np.asarray(lon, dtype=float), 6),
        "lat": np.round(np.asarray(lat, dtype=float), 6),
        "parent_id": [""] * n, "source": [source] * n,
    }, geometry=gpd.points_from_xy(np.round(lon, 6), np.round(lat, 6)), crs=WGS84)
    return gdf


def empty_layer(kind: str) -> gpd.GeoDataFrame:
    return make_layer(kind, np.zeros(0), np.zeros(0), np.zeros(0, np.int64), [], {})


def assign_parents(outlets: gpd.GeoDataFrame, sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each outlet's parent is the nearest distribution site in its own province
    (the nearest anywhere if its province has none)."""
    out = outlets.copy()
    if len(sites) == 0 or len(out) == 0:
        out["parent_id"] = ""
        return out
    parent = np.empty(len(out), dtype=object)
    s_gb, o_gb = sites["gb_code"].to_numpy(), out["gb_code"].to_numpy()
    s_ids = sites["site_id"].to_numpy()
    s_lon, s_lat = sites["lon"].to_numpy(), sites["lat"].to_numpy()
    o_lon, o_lat = out["lon"].to_numpy(), out["lat"].to_numpy()
    own = np.isin(o_gb, s_gb)
    if own.any():
        parent[own] = s_ids[nearest_in_group(s_lon, s_lat, s_gb, o_lon[own], o_lat[own], o_gb[own])]
    if not own.all():
        _, j = SphereIndex(s_lon, s_lat).nearest(o_lon[~own], o_lat[~own])
        parent[~own] = s_ids[j]
    out["parent_id"] = parent.astype(str)
    return out
