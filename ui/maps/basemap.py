"""The print map's base: provinces and islands projected once per process.

Everything here is the same for every print (it does not depend on the result), so
it is built on first use and kept.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import shapely
from matplotlib.path import Path as MplPath

from reach_planner.geo.albers import CHINA
from reach_planner.geo.data import DATA_DIR, load_china
from reach_planner.ui.maps.shapes import geom_path, project

INSET_BOX = ((105.0, 125.0), (3.0, 25.0))  # South China Sea: lon and lat ranges


@dataclass(frozen=True, eq=False)
class Basemap:
    shapes: np.ndarray  # projected province geometries, in load_china() order
    codes: np.ndarray  # their GB codes
    land: MplPath  # every province in one compound path
    islands: MplPath | None
    bounds: tuple[float, float, float, float]


@functools.cache
def basemap() -> Basemap:
    prov = load_china().provinces
    shapes = np.array([project(g) for g in prov.geometry], dtype=object)
    land = MplPath.make_compound_path(*(geom_path(s) for s in shapes))
    isl = _islands()
    islands = None if isl is None else geom_path(project(isl))
    return Basemap(shapes=shapes, codes=prov["gb_code"].to_numpy(dtype=np.int64), land=land,
                   islands=islands, bounds=tuple(shapely.total_bounds(shapes)))


def province_paths(codes: set[int] | frozenset[int], inside: bool) -> MplPath | None:
    """The provinces whose GB code is (``inside``) or is not in ``codes``, as one path."""
    base = basemap()
    picked = [geom_path(s) for s, c in zip(base.shapes, base.codes) if (int(c) in codes) == inside]
    return MplPath.make_compound_path(*picked) if picked else None


@functools.cache
def _islands():
    import geopandas as gpd

    path = DATA_DIR / "south_china_sea_islands.geojson"
    if not path.exists():
        return None
    return shapely.union_all(gpd.read_file(path).geometry.to_numpy())


def inset_limits() -> tuple[tuple[float, float], tuple[float, float]]:
    """The South China Sea box in projected metres: (xmin, xmax), (ymin, ymax)."""
    xs, ys = CHINA.forward(np.array(INSET_BOX[0] * 2), np.repeat(INSET_BOX[1], 2))
    return (float(xs.min()), float(xs.max())), (float(ys.min()), float(ys.max()))


@functools.cache
def inset_land() -> MplPath:
    """Provinces cut to the inset box (SVG viewers that ignore clipping stay tidy)."""
    (x0, x1), (y0, y1) = inset_limits()
    cut = shapely.clip_by_rect(basemap().shapes, x0, y0, x1, y1)
    return MplPath.make_compound_path(*(geom_path(g) for g in cut if not g.is_empty))
