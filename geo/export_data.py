"""Results out, in formats QGIS, ArcGIS and Excel open: GeoJSON, GeoPackage, CSV, XLSX.

Layers: ``sites``, ``outlets`` (points), ``gap_cells`` (hexagons with unreached rural
people and their region rank), ``gap_regions`` (dissolved cells with rank, province,
people, area); tables: ``province_summary`` (the panel's figures) and ``national``.
All in EPSG:4326. The files are one set (:mod:`geo.fileset`): all are written under
temporary names and renamed together, so the folder never mixes two exports.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from reach_planner.geo.cells import text_cells_stay_text, write_csv
from reach_planner.geo.data import WGS84, load_china
from reach_planner.geo.demand_layer import demand_layer, demand_table
from reach_planner.geo.fileset import FileSet
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.shapes import gap_shapes
from reach_planner.geo.summary import describe_demand
from reach_planner.geo.vector_write import write_geojson, write_gpkg

FORMATS = ("geojson", "gpkg", "csv", "xlsx")
GPKG_NAME = "reach_results.gpkg"


def layers(result: ScenarioResult) -> dict[str, gpd.GeoDataFrame]:
    return {"sites": result.network.sites, "outlets": result.network.outlets,
            "gap_cells": gap_cells(result), "gap_regions": gap_regions(result),
            "demand": demand_layer(result)}


def gap_cells(result: ScenarioResult) -> gpd.GeoDataFrame:
    g = result.demand.grid
    cells = np.flatnonzero(result.gaps.is_gap)
    names = load_china().province_names()
    return gpd.GeoDataFrame({
        "cell": cells, "gb_code": g.gb_code[cells],
        "province": [names[int(c)][0] for c in g.gb_code[cells]],
        "rural_unreached": np.round(result.demand.rural[cells], 1),
        "dist_outlet_km": np.round(result.coverage.dist_outlet_km[cells], 2),
        "region_rank": result.gaps.region[cells] + 1,
    }, geometry=g.polygons(cells), crs=WGS84)


def gap_regions(result: ScenarioResult) -> gpd.GeoDataFrame:
    """One shape per gap region, from the dissolve the maps draw (cached per result)."""
    geoms = gap_shapes(result).by_region()
    names = load_china().province_names()
    reg = result.gaps.regions.copy()
    reg["province"] = [names[int(c)][0] for c in reg["gb_code"]]
    reg["province_zh"] = [names[int(c)][1] for c in reg["gb_code"]]
    reg["rural_unreached"] = reg["rural_unreached"].round(0).astype(np.int64)
    return gpd.GeoDataFrame(reg, geometry=geoms if len(reg) else [], crs=WGS84)


def province_table(result: ScenarioResult) -> pd.DataFrame:
    return result.summary.province_frame()


def national_table(result: ScenarioResult) -> pd.DataFrame:
    d = result.summary.to_dict()
    rows = {k: v for k, v in d.items() if not isinstance(v, (list, tuple, dict))}
    rows["demand_model"] = describe_demand(d["demand_model"])
    rows.update({f"param_{k}": v for k, v in d["params"].items()})
    return pd.DataFrame({"figure": list(rows), "value": list(rows.values())})


def export_results(result: ScenarioResult, out_dir: str | Path,
                   formats: tuple[str, ...] | list[str] = FORMATS) -> list[Path]:
    """Write the chosen formats into ``out_dir`` (created if needed); returns the files.

    The files are one set: each is written in full under a temporary name, and only
    then are all renamed over the previous export, so a failure, a kill or a second
    export at the same time never leaves the folder half old and half new.
    """
    out = Path(out_dir)
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format {unknown[0]!r}; use one of {', '.join(FORMATS)}")
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out}: exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    lay = layers(result) if {"geojson", "gpkg"} & set(formats) else {}
    with FileSet() as files:
        if "geojson" in formats:
            for name, gdf in lay.items():
                files.add_with(out / f"{name}.geojson", _geojson_writer(gdf, name))
        if "gpkg" in formats:
            files.add_with(out / GPKG_NAME, _gpkg_writer(lay))
        if "csv" in formats:
            table = province_table(result)
            files.add_with(out / "province_summary.csv",
                           lambda p: write_csv(table, p))  # BOM: Excel
            cells = demand_table(result)
            files.add_with(out / "demand.csv", lambda p: write_csv(cells, p))
        if "xlsx" in formats:
            files.add_with(out / "province_summary.xlsx", _xlsx_writer(result))
        return files.commit()


def _geojson_writer(gdf: gpd.GeoDataFrame, name: str):
    # the layer name is written into the file ("name"): the real one, not the temp file's
    return lambda p: write_geojson(p, gdf, name)


def _gpkg_writer(lay: dict[str, gpd.GeoDataFrame]):
    return lambda p: write_gpkg(p, lay)


def _xlsx_writer(result: ScenarioResult):
    def write(p: Path) -> None:
        with pd.ExcelWriter(p, engine="openpyxl") as xw:
            province_table(result).to_excel(xw, sheet_name="provinces", index=False)
            national_table(result).to_excel(xw, sheet_name="national", index=False)
            for ws in xw.book.worksheets:
                text_cells_stay_text(ws)
    return write
