"""Distance from every demand cell to the nearest outlet and distribution site.

Great-circle distances through a KD-tree on the unit sphere (:mod:`geo.sphere`):
O((cells + sites) log sites), never a cells x sites matrix.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.demand import Demand
from reach_planner.geo.network import Network
from reach_planner.geo.sphere import SphereIndex


@dataclass(frozen=True, eq=False)
class Coverage:
    """Per-cell nearest distances and the covered masks they imply."""

    dist_outlet_km: NDArray[np.float64]
    nearest_outlet: NDArray[np.int64]
    dist_site_km: NDArray[np.float64]
    radius_km: float
    site_radius_km: float

    @property
    def covered(self) -> NDArray[np.bool_]:
        """Installation reach: within the service radius of an outlet."""
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
                     site_radius_km: float) -> Coverage:
    g = demand.grid
    o, s = network.outlets, network.sites
    d_out, i_out = nearest_km(o["lon"].to_numpy(), o["lat"].to_numpy(), g.lon, g.lat)
    d_site, _ = nearest_km(s["lon"].to_numpy(), s["lat"].to_numpy(), g.lon, g.lat)
    return Coverage(dist_outlet_km=d_out, nearest_outlet=i_out, dist_site_km=d_site,
                    radius_km=float(radius_km), site_radius_km=float(site_radius_km))
