"""Map-ready forms of the dissolved result shapes: GeoJSON text for the web page,
projected matplotlib paths for the print map.

The dissolve itself lives in :mod:`reach_planner.geo.shapes` (the data export needs it
too); the forms here are cached per result the same way, so the window's page, an
image export and a print of the same result share one dissolve and one conversion.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from reach_planner.geo.albers import CHINA
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.shapes import covered_area, gap_shapes, per_result

if TYPE_CHECKING:  # matplotlib is imported only when a print is drawn: the window starts faster
    from matplotlib.path import Path as MplPath

GAP_WEB_SIMPLIFY = 0.04  # coverage_simplify tolerance (degrees; below ~0.035 nothing changes)
WEB_DECIMALS = 2  # ~1 km: finer than a 10 km hexagon needs, and a third of the bytes
COVERED_SIMPLIFY_DEG = 0.02


def safe_json(obj: Any) -> str:
    """JSON that can sit inside a <script> element without ending it or injecting markup."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                        ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, escaped)
    return text


def geojson_text(geoms: list | np.ndarray, props: list[dict[str, Any]], decimals: int = 3) -> str:
    """A FeatureCollection as safe JSON text, built without a parse/dump round trip."""
    arr = np.array(list(geoms), dtype=object)
    keep = [i for i, g in enumerate(arr) if g is not None and not g.is_empty]
    rounded = shapely.transform(arr[keep], lambda xy: np.round(xy, decimals)) if keep else []
    texts = shapely.to_geojson(rounded) if keep else []
    feats = ",".join(f'{{"type":"Feature","properties":{safe_json(props[i])},"geometry":{t}}}'
                     for i, t in zip(keep, texts))
    return '{"type":"FeatureCollection","features":[' + feats + "]}"


# -- web ----------------------------------------------------------------------------------
@per_result
def covered_geojson(result: ScenarioResult) -> str:
    """The covered area, simplified to ~2 km (it is a soft background tint)."""
    union = covered_area(result)
    geoms = [] if union is None else [shapely.simplify(union, COVERED_SIMPLIFY_DEG)]
    return geojson_text(geoms, [{}], WEB_DECIMALS)


@per_result
def gaps_geojson(result: ScenarioResult) -> str:
    """Gap pieces per (region, class): ``r`` = region rank (1 = largest), ``c`` = class."""
    shp = gap_shapes(result)
    props = [{"r": int(r) + 1, "c": int(c)} for r, c in zip(shp.region, shp.klass)]
    # Regions stop at county borders since issue 22 (4x as many pieces): the hexagon
    # staircases are simplified as one coverage (shared borders stay shared, area within
    # 1%), which keeps the page inside its 3 MB budget (1.7 MB of gaps -> 1.2 MB).
    pieces = shapely.coverage_simplify(np.asarray(shp.pieces), GAP_WEB_SIMPLIFY)
    return geojson_text(list(pieces), props, WEB_DECIMALS)


# -- print --------------------------------------------------------------------------------
def project(geom):
    """lon/lat geometry (or array of them) into the China Albers plane, metres."""
    return shapely.transform(geom, lambda xy: np.column_stack(CHINA.forward(xy[:, 0], xy[:, 1])))


def geom_path(geom) -> MplPath:
    """One compound path for (multi)polygons, holes included (even-odd fill)."""
    from matplotlib.path import Path as MplPath

    verts, codes = [], []
    for poly in shapely.get_parts(geom):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            verts.append(xy)
            codes.append(np.r_[MplPath.MOVETO, np.full(len(xy) - 2, MplPath.LINETO),
                               MplPath.CLOSEPOLY])
    if not verts:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(verts), np.concatenate(codes))


@dataclass(frozen=True, eq=False)
class PrintLayers:
    covered: MplPath | None
    gaps: tuple[MplPath | None, ...]  # one projected path per gap colour class


@per_result
def print_layers(result: ScenarioResult) -> PrintLayers:
    """Covered area and gap classes as projected paths (a handful instead of 80,000)."""
    union = covered_area(result)
    covered = None if union is None else geom_path(project(union))
    gaps = tuple(None if g is None else geom_path(project(g)) for g in gap_shapes(result).by_class())
    return PrintLayers(covered=covered, gaps=gaps)


def clear_caches() -> None:
    """Forget every cached shape (benchmarks time the full work with it)."""
    from reach_planner.geo import shapes as geo_shapes

    for cached in (geo_shapes.covered_area, geo_shapes._gap_shapes, covered_geojson,
                   gaps_geojson, print_layers):
        cached.cache_clear()  # type: ignore[attr-defined]
