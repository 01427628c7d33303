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
from reach_planner.geo.data import load_china
from reach_planner.ui.maps import context
from reach_planner.ui.maps.shapes import geom_path, project

INSET_BOX = ((105.0, 125.0), (3.0, 25.0))  # South China Sea: lon and lat ranges


@dataclass(frozen=True, eq=False)
class Basemap:
    """Projected base layers. ``china`` is China as on approved Chinese maps (with
    Taiwan, the islands and 藏南); ``regions`` are Taiwan, Hong Kong and Macao (China,
    outside the network data); the analysis draws only on ``shapes``."""

    shapes: np.ndarray  # projected province geometries, in load_china() order
    codes: np.ndarray  # their GB codes
    land: MplPath  # every province in one compound path
    china: MplPath | None
    neighbours: MplPath | None
    regions: MplPath | None
    islands: MplPath | None
    dashes: MplPath | None
    bounds: tuple[float, float, float, float]


def _kind_path(kind: str) -> MplPath | None:
    geoms = context.of_kind(kind).geometry.to_numpy()
    if not len(geoms):
        return None
    return geom_path(project(shapely.union_all(geoms) if kind != "neighbour" else
                             shapely.multipolygons(shapely.get_parts(geoms))))


@functools.cache
def basemap() -> Basemap:
    prov = load_china().provinces
    shapes = np.array([project(g) for g in prov.geometry], dtype=object)
    land = MplPath.make_compound_path(*(geom_path(s) for s in shapes))
    return Basemap(shapes=shapes, codes=prov["gb_code"].to_numpy(dtype=np.int64), land=land,
                   china=_kind_path("china"), neighbours=_kind_path("neighbour"),
                   regions=_kind_path("region"), islands=_kind_path("islands"),
                   dashes=_kind_path("dashes"), bounds=tuple(shapely.total_bounds(shapes)))


def province_paths(codes: set[int] | frozenset[int], inside: bool) -> MplPath | None:
    """The provinces whose GB code is (``inside``) or is not in ``codes``, as one path."""
    base = basemap()
    picked = [geom_path(s) for s, c in zip(base.shapes, base.codes) if (int(c) in codes) == inside]
    return MplPath.make_compound_path(*picked) if picked else None


def inset_limits() -> tuple[tuple[float, float], tuple[float, float]]:
    """The South China Sea box in projected metres: (xmin, xmax), (ymin, ymax)."""
    xs, ys = CHINA.forward(np.array(INSET_BOX[0] * 2), np.repeat(INSET_BOX[1], 2))
    return (float(xs.min()), float(xs.max())), (float(ys.min()), float(ys.max()))


@functools.cache
def inset_paths() -> dict[str, MplPath]:
    """China and its neighbours cut to the inset box (SVG viewers that ignore clipping
    stay tidy); keys: china, neighbours, islands, dashes."""
    (x0, x1), (y0, y1) = inset_limits()
    out = {}
    for key, kind in (("china", "china"), ("neighbours", "neighbour"), ("islands", "islands"),
                      ("dashes", "dashes")):
        geoms = project(context.of_kind(kind).geometry.to_numpy())
        cut = [g for g in shapely.clip_by_rect(geoms, x0, y0, x1, y1) if not g.is_empty]
        if cut:
            out[key] = MplPath.make_compound_path(*(geom_path(g) for g in cut))
    return out
