"""GeoPackage files without GDAL: an SQLite database laid out as OGC 12-128 says.

The desktop bundle carries no GDAL; this module writes and reads the GeoPackages the app
exchanges with QGIS and ArcGIS with the standard library's ``sqlite3``, shapely's WKB and
pyproj, so pyogrio's 76 MB GDAL stays out of it.

Written files hold the three required tables (``gpkg_spatial_ref_sys``, ``gpkg_contents``,
``gpkg_geometry_columns``) and one feature table per layer (``fid`` primary key, ``geom``
blob, then the columns). Geometry blobs: ``GP``, version 0, flags (little-endian, an x/y
envelope except for points, the empty bit), the srs_id, then ISO WKB. Each layer gets the
R-tree spatial index extension as GDAL writes it (QGIS pans the 94,000 gap hexagons with
it); its triggers, which call the GeoPackage SQL functions that GDAL and QGIS provide and
plain SQLite lacks, are created after the rows are in.
"""
from __future__ import annotations

import sqlite3
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.errors
from pyproj import CRS

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10200  # GeoPackage 1.2
# envelope indicator (flags bits 1-3) -> number of doubles that follow the srs_id
_ENVELOPE_DOUBLES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}
_UNDEFINED_SRS = (
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
)
_SCHEMA = """
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
  description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""


_EXTENSIONS = """
CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT,
  extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
"""
# OGC 12-128 annex F.3, for table t, geometry column geom, primary key fid
_RTREE_TRIGGERS = """
CREATE TRIGGER "{r}_insert" AFTER INSERT ON "{t}" WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO "{r}" VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
  ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER "{r}_update1" AFTER UPDATE OF geom ON "{t}"
  WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO "{r}" VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom),
  ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER "{r}_update2" AFTER UPDATE OF geom ON "{t}"
  WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM "{r}" WHERE id = OLD.fid; END;
CREATE TRIGGER "{r}_update3" AFTER UPDATE ON "{t}"
  WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM "{r}" WHERE id = OLD.fid; INSERT OR REPLACE INTO "{r}" VALUES (NEW.fid,
  ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER "{r}_update4" AFTER UPDATE ON "{t}"
  WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM "{r}" WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER "{r}_delete" AFTER DELETE ON "{t}" WHEN old.geom NOT NULL
BEGIN DELETE FROM "{r}" WHERE id = OLD.fid; END;
"""


class GeoPackageError(ValueError):
    """The file is not a GeoPackage this module can read; the message says why (without
    the file name: callers add it)."""


@dataclass(frozen=True)
class LayerInfo:
    name: str
    geometry_type: str  # as declared: POINT, MULTIPOLYGON, GEOMETRY, ...


# -- writing ----------------------------------------------------------------------------
def write_gpkg(path: str | Path, layers: Mapping[str, gpd.GeoDataFrame]) -> None:
    """A new GeoPackage at ``path`` (replaced if it exists) holding ``layers`` in order.

    Call it on a temporary path (``geo.atomic.atomic_write_with``): SQLite writes in place.
    """
    dest = Path(path)
    dest.unlink(missing_ok=True)
    try:
        con = sqlite3.connect(dest)
        try:
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            con.execute(f"PRAGMA user_version = {USER_VERSION}")
            con.executescript(_SCHEMA)
            con.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", _UNDEFINED_SRS)
            srs_ids: dict[str, int] = {}
            for name, gdf in layers.items():
                _write_layer(con, name, gdf, _srs_id(con, gdf.crs, srs_ids))
            con.commit()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:  # disk full, folder gone: a write error like any other
        raise OSError(str(exc)) from None


def _srs_id(con: sqlite3.Connection, crs: CRS | None, known: dict[str, int]) -> int:
    """The layer's srs_id: the EPSG code when it has one, else a private number from 100000."""
    if crs is None:
        return -1  # "undefined cartesian": nothing is known about the coordinates
    wkt = crs.to_wkt("WKT1_GDAL") or crs.to_wkt()
    if wkt in known:
        return known[wkt]
    epsg = crs.to_epsg()
    srs_id = epsg if epsg else 100000 + len(known)
    org, org_id = ("EPSG", epsg) if epsg else ("NONE", srs_id)
    con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
                (crs.name or "unnamed", srs_id, org, org_id, wkt, None))
    known[wkt] = srs_id
    return srs_id


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _column_type(values: pd.Series) -> str:
    kind = values.dtype.kind
    if kind == "b":
        return "BOOLEAN"
    if kind in "iu":
        return "INTEGER"
    if kind == "f":
        return "REAL"
    if kind == "M":
        return "DATETIME"
    return "TEXT"


def _cell(value: Any) -> Any:
    """A value SQLite stores: Python numbers and text, NULL for missing ones."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, (str, bytes)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _single_or_multi(geoms: np.ndarray) -> tuple[np.ndarray, str]:
    """The column's geometry type; one-part types are made multi when both occur, as GDAL
    does (a MULTIPOLYGON column may not hold POLYGONs)."""
    types = {int(k) for k in shapely.get_type_id(geoms[~shapely.is_missing(geoms)])}
    if len(types) == 1:
        return geoms, _TYPE_NAMES.get(types.pop(), "GEOMETRY")
    for single, multi, promote in ((0, 4, shapely.multipoints), (1, 5, shapely.multilinestrings),
                                   (3, 6, shapely.multipolygons)):
        if types == {single, multi}:
            out = geoms.copy()
            one = shapely.get_type_id(out) == single
            out[one] = [promote([g]) for g in out[one]]
            return out, _TYPE_NAMES[multi]
    return geoms, "GEOMETRY"


_TYPE_NAMES = {0: "POINT", 1: "LINESTRING", 3: "POLYGON", 4: "MULTIPOINT", 5: "MULTILINESTRING",
               6: "MULTIPOLYGON", 7: "GEOMETRYCOLLECTION"}


def geometry_blobs(geoms: np.ndarray, srs_id: int) -> list[bytes | None]:
    """GeoPackage geometry blobs (GPKG header + ISO WKB), None for missing geometries."""
    wkb = shapely.to_wkb(geoms, byte_order=1, flavor="iso")
    bounds = shapely.bounds(geoms)
    empty = shapely.is_empty(geoms)
    points = shapely.get_type_id(geoms) == 0
    srs = struct.pack("<i", srs_id)
    out: list[bytes | None] = []
    for w, b, e, p in zip(wkb, bounds, empty, points):
        if w is None:
            out.append(None)
        elif e or p:  # points carry no envelope (it is the point); empty ones are flagged
            out.append(b"GP\x00" + bytes([0x01 | (0x10 if e else 0)]) + srs + w)
        else:
            out.append(b"GP\x00\x03" + srs + struct.pack("<4d", b[0], b[2], b[1], b[3]) + w)
    return out


def _write_layer(con: sqlite3.Connection, name: str, gdf: gpd.GeoDataFrame, srs_id: int) -> None:
    geo_col = gdf.geometry.name
    geoms, geom_type = _single_or_multi(np.asarray(gdf.geometry.array, dtype=object))
    attrs = pd.DataFrame(gdf.drop(columns=geo_col))
    cols = [str(c) for c in attrs.columns]
    if "fid" in (c.lower() for c in cols) or "geom" in (c.lower() for c in cols):
        raise ValueError(f"layer {name}: a column may not be called fid or geom")
    has_z = bool(shapely.has_z(geoms[~shapely.is_missing(geoms)]).any()) if len(geoms) else False
    defs = ", ".join(f"{_quote(c)} {_column_type(attrs[c])}" for c in attrs.columns)
    con.execute(f"CREATE TABLE {_quote(name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
                f"geom {geom_type}{', ' + defs if defs else ''})")
    blobs = geometry_blobs(geoms, srs_id)
    columns = [[_cell(v) for v in attrs[c].tolist()] for c in attrs.columns]
    marks = ", ".join("?" * (len(cols) + 1))
    names = ", ".join(["geom"] + [_quote(c) for c in cols])
    con.executemany(f"INSERT INTO {_quote(name)} ({names}) VALUES ({marks})", zip(blobs, *columns))
    present = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
    box = shapely.total_bounds(present) if len(present) else [None] * 4
    con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, "
                "srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, ?)", (name, name, *_floats(box), srs_id))
    con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, ?, 0)",
                (name, geom_type, srs_id, int(has_z)))
    _spatial_index(con, name, geoms)


def _spatial_index(con: sqlite3.Connection, name: str, geoms: np.ndarray) -> None:
    """The R-tree of the layer's boxes (fid = row number from 1, as AUTOINCREMENT gave)."""
    if '"' in name:
        return  # the trigger SQL quotes the table name plainly; no such layer in the app
    rtree = f"rtree_{name}_geom"
    try:
        con.execute(f'CREATE VIRTUAL TABLE "{rtree}" USING rtree(id, minx, maxx, miny, maxy)')
    except sqlite3.OperationalError:  # an SQLite built without R-tree: the index is optional
        return
    con.executescript(_EXTENSIONS)
    con.execute("INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', "
                "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')", (name,))
    keep = np.flatnonzero(~shapely.is_missing(geoms) & ~shapely.is_empty(geoms))
    if len(keep):
        (size,) = con.execute(f'SELECT length(data) FROM "{rtree}_node" WHERE nodeno = 1').fetchone()
        _bulk_load(con, rtree, keep + 1, shapely.bounds(geoms[keep])[:, [0, 2, 1, 3]], int(size))
    con.executescript(_RTREE_TRIGGERS.format(r=rtree, t=name))


def _bulk_load(con: sqlite3.Connection, rtree: str, ids: np.ndarray, boxes: np.ndarray, size: int) -> None:
    """Write a packed R-tree (sort-tile-recursive) straight into SQLite's R-tree tables, as
    GDAL does: inserting row by row splits nodes all the way and takes 3x the whole export.

    SQLite's layout (ext/rtree): node 1 is the root, whose first two bytes hold the tree's
    depth; then the cell count and the cells, each a big-endian 64-bit rowid (leaves) or
    child node number, and minx, maxx, miny, maxy as big-endian float32 rounded outwards.
    ``_rowid`` maps each rowid to its leaf, ``_parent`` each node but the root to its parent.
    """
    fanout = (size - 4) // 24
    lo = boxes[:, [0, 2]].astype(np.float32)
    hi = boxes[:, [1, 3]].astype(np.float32)
    lo = np.where(lo > boxes[:, [0, 2]], np.nextafter(lo, np.float32(-np.inf)), lo)
    hi = np.where(hi < boxes[:, [1, 3]], np.nextafter(hi, np.float32(np.inf)), hi)
    level_ids, level_box = ids.astype(np.int64), np.column_stack([lo[:, 0], hi[:, 0], lo[:, 1], hi[:, 1]])
    nodes: list[tuple[int, bytes]] = []
    parents: list[tuple[int, int]] = []
    rowids: list[tuple[int, int]] = []
    depth, next_node = 0, 2
    while True:
        groups = _str_groups(level_box, fanout)
        root = len(groups) == 1
        numbers = [1] if root else list(range(next_node, next_node + len(groups)))
        next_node += 0 if root else len(groups)
        for number, members in zip(numbers, groups):
            cells = np.zeros(len(members), dtype=[("id", ">i8"), ("box", ">f4", 4)])
            cells["id"], cells["box"] = level_ids[members], level_box[members]
            head = struct.pack(">HH", depth if root else 0, len(members))
            nodes.append((number, (head + cells.tobytes()).ljust(size, b"\0")))
            links = rowids if depth == 0 else parents
            links += [(int(i), number) for i in level_ids[members]]
        if root:
            break
        b = level_box
        level_box = np.array([[b[m, 0].min(), b[m, 1].max(), b[m, 2].min(), b[m, 3].max()] for m in groups])
        level_ids, depth = np.asarray(numbers, dtype=np.int64), depth + 1
    con.execute(f'DELETE FROM "{rtree}_node"')
    con.executemany(f'INSERT INTO "{rtree}_node" VALUES (?, ?)', nodes)
    con.executemany(f'INSERT INTO "{rtree}_rowid" (rowid, nodeno) VALUES (?, ?)', rowids)
    con.executemany(f'INSERT INTO "{rtree}_parent" VALUES (?, ?)', parents)


def _str_groups(box: np.ndarray, fanout: int) -> list[np.ndarray]:
    """Sort-tile-recursive packing: vertical slices by x centre, runs of ``fanout`` by y."""
    n = len(box)
    leaves = -(-n // fanout)
    per_slice = fanout * max(1, int(np.ceil(np.sqrt(leaves))))
    by_x = np.argsort((box[:, 0] + box[:, 1]) / 2, kind="stable")
    groups = []
    for start in range(0, n, per_slice):
        part = by_x[start:start + per_slice]
        part = part[np.argsort((box[part, 2] + box[part, 3]) / 2, kind="stable")]
        groups += [part[k:k + fanout] for k in range(0, len(part), fanout)]
    return groups


def _floats(box: Any) -> list[float | None]:
    return [None if v is None or not np.isfinite(v) else float(v) for v in box]


# -- reading ----------------------------------------------------------------------------
def _connect(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise GeoPackageError(str(exc)) from None


def list_layers(path: str | Path) -> list[LayerInfo]:
    """The feature layers, in the order of gpkg_contents."""
    con = _connect(Path(path))
    try:
        rows = con.execute(
            "SELECT c.table_name, g.geometry_type_name FROM gpkg_contents c "
            "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
            "WHERE c.data_type = 'features' ORDER BY c.rowid").fetchall()
    except sqlite3.DatabaseError as exc:
        raise GeoPackageError(_reason(exc)) from None
    finally:
        con.close()
    return [LayerInfo(str(n), str(t).upper()) for n, t in rows]


def _reason(exc: sqlite3.Error) -> str:
    msg = str(exc)
    if "no such table: gpkg_" in msg:
        return f"no GeoPackage tables ({msg})"
    return msg or type(exc).__name__


def read_layer(path: str | Path, layer: str) -> gpd.GeoDataFrame:
    """One feature layer: its attributes as SQLite holds them (int64, float64 or bool
    columns where every value is one, else objects, None for NULL), its geometries and
    its CRS (None when the layer's SRS is undefined)."""
    con = _connect(Path(path))
    try:
        found = con.execute("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?",
                            (layer,)).fetchone()
        if found is None:
            raise GeoPackageError(f"no feature layer {layer!r}")
        geo_col, srs_id = str(found[0]), int(found[1])
        info = con.execute(f"PRAGMA table_info({_quote(layer)})").fetchall()
        pk = next((str(r[1]) for r in info if r[5]), None)
        cols = [str(r[1]) for r in info if str(r[1]) not in (pk, geo_col)]
        types = {str(r[1]): str(r[2]).upper() for r in info}
        order = f" ORDER BY {_quote(pk)}" if pk else ""
        select = ", ".join(_quote(c) for c in [geo_col] + cols)
        rows = con.execute(f"SELECT {select} FROM {_quote(layer)}{order}").fetchall()
        crs = _layer_crs(con, srs_id)
    except sqlite3.DatabaseError as exc:
        raise GeoPackageError(_reason(exc)) from None
    finally:
        con.close()
    geoms = [_feature_geometry(r[0], k) for k, r in enumerate(rows, start=1)]
    frame = pd.DataFrame([r[1:] for r in rows], columns=cols, dtype=object)
    for c in cols:
        if types[c] == "BOOLEAN":
            frame[c] = frame[c].map(lambda v: None if v is None else bool(v))
    frame = frame.infer_objects()  # int64/float64/bool where every value allows it
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)


def _layer_crs(con: sqlite3.Connection, srs_id: int) -> CRS | None:
    row = con.execute("SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys "
                      "WHERE srs_id = ?", (srs_id,)).fetchone()
    if row is None or srs_id in (-1, 0) or str(row[2]).strip().lower() == "undefined":
        return None
    org, code, definition = row
    if str(org).upper() == "EPSG":
        return CRS.from_epsg(int(code))
    return CRS.from_user_input(str(definition))


def _feature_geometry(blob: bytes | None, number: int) -> shapely.Geometry | None:
    try:
        return parse_blob(blob)
    except (GeoPackageError, shapely.errors.ShapelyError) as exc:
        raise GeoPackageError(f"feature {number}: {exc}") from None


def parse_blob(blob: bytes | None) -> shapely.Geometry | None:
    """A GeoPackage geometry blob (or bare WKB, as some tools write) as a shapely geometry."""
    if blob is None:
        return None
    data = bytes(blob)
    if not data.startswith(b"GP"):
        return shapely.from_wkb(data)
    if len(data) < 8:
        raise GeoPackageError("a geometry blob is cut short")
    flags = data[3]
    if flags & 0x20:
        raise GeoPackageError("extended (non-standard) geometry blobs are not supported")
    envelope = (flags >> 1) & 0x07
    if envelope not in _ENVELOPE_DOUBLES:
        raise GeoPackageError(f"a geometry blob has an unknown envelope type {envelope}")
    return shapely.from_wkb(data[8 + 8 * _ENVELOPE_DOUBLES[envelope]:])
