"""Distance from every demand cell to the nearest outlet and distribution site.

Great-circle distances through a KD-tree on the unit sphere (:mod:`geo.sphere`):
O((cells + sites) log sites), never a cells x sites matrix. With ``distance="terrain"``
the outlet distance is also measured over terrain (:mod:`geo.terrain`) and decides
what is covered; the straight-line figures are kept beside it for comparison.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.demand import Demand
from reach_planner.geo.network import Network
from reach_planner.geo.sphere import SphereIndex, km_to_chord, to_xyz


@dataclass(frozen=True, eq=False)
class Coverage:
    """Per-cell nearest distances and the covered masks they imply."""

    dist_outlet_km: NDArray[np.float64]
    nearest_outlet: NDArray[np.int64]
    dist_site_km: NDArray[np.float64]
    radius_km: float
    site_radius_km: float
    dist_terrain_km: NDArray[np.float64] | None = None  # set when distance == "terrain"
    outlets_in_reach: NDArray[np.int64] | None = None  # per cell, in the chosen distance

    @property
    def backed_up(self) -> NDArray[np.bool_]:
        """Backup reach: within the service radius of at least two outlets."""
        if self.outlets_in_reach is None:
            return np.zeros(len(self.dist_outlet_km), dtype=bool)
        return self.outlets_in_reach >= 2

    @property
    def distance(self) -> str:
        return "straight" if self.dist_terrain_km is None else "terrain"

    @property
    def dist_km(self) -> NDArray[np.float64]:
        """The outlet distance that decides coverage (terrain when chosen)."""
        return self.dist_outlet_km if self.dist_terrain_km is None else self.dist_terrain_km

    @property
    def covered(self) -> NDArray[np.bool_]:
        """Installation reach: within the service radius of an outlet."""
        return self.dist_km <= self.radius_km

    @property
    def covered_straight(self) -> NDArray[np.bool_]:
        return self.dist_outlet_km <= self.radius_km

    @property
    def delivered(self) -> NDArray[np.bool_]:
        """Delivery reach: within the site radius of a distribution site."""
        return self.dist_site_km <= self.site_radius_km


def nearest_km(target_lon: NDArray[np.float64], target_lat: NDArray[np.float64],
               lon: NDArray[np.float64], lat: NDArray[np.float64]
               ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Distance (km) from each query point to the nearest target, and its index."""
    return SphereIndex(target_lon, target_lat).nearest(lon, lat)


def compute_coverage(demand: Demand, network: Network, radius_km: float,
                     site_radius_km: float, distance: str = "straight") -> Coverage:
    g = demand.grid
    o, s = network.outlets, network.sites
    d_out, i_out = SphereIndex(o["lon"].to_numpy(), o["lat"].to_numpy()).nearest_xyz(g.xyz)
    d_site, _ = SphereIndex(s["lon"].to_numpy(), s["lat"].to_numpy()).nearest_xyz(g.xyz)
    d_ter = None
    lon, lat = o["lon"].to_numpy(float), o["lat"].to_numpy(float)
    if distance == "terrain":
        from reach_planner.geo.terrain import terrain_graph

        d_ter = terrain_graph(g.spacing_km).distance(lon, lat)
    return Coverage(dist_outlet_km=d_out, nearest_outlet=i_out, dist_site_km=d_site,
                    radius_km=float(radius_km), site_radius_km=float(site_radius_km),
                    dist_terrain_km=d_ter,
                    outlets_in_reach=outlets_in_reach(demand, lon, lat, float(radius_km), distance))


def outlets_in_reach(demand: Demand, lon: NDArray[np.float64], lat: NDArray[np.float64],
                     radius_km: float, distance: str = "straight") -> NDArray[np.int64]:
    """How many of the outlets (lon, lat) reach each cell within the radius: great-circle,
    or flat-equivalent km over terrain (each outlet's own bounded search)."""
    g = demand.grid
    if not len(lon):
        return np.zeros(g.size, dtype=np.int64)
    if distance == "terrain":
        from reach_planner.geo.terrain import terrain_graph

        _point, cell, _km = terrain_graph(g.spacing_km).reach(lon, lat, radius_km)
        return np.bincount(cell, minlength=g.size).astype(np.int64)
    from scipy.spatial import cKDTree

    counts = cKDTree(to_xyz(lon, lat)).query_ball_point(g.xyz, km_to_chord(radius_km),
                                                       return_length=True, workers=-1)
    return np.asarray(counts, dtype=np.int64)
