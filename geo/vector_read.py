"""GIS vector files in (Shapefile, KML/KMZ, FlatGeobuf, GeoJSON(Seq), GeoPackage) through
GDAL (pyogrio), as the same :class:`~geo.site_tables.Table` the CSV/XLSX readers give.

GDAL reads the files; this module only decides what the app needs around it:

- which layer: the one asked for (``layer``; ``"*"`` for every point layer), the only
  point layer, or an export-data result's ``sites`` + ``outlets``; otherwise
  :class:`LayerChoiceNeeded` lists them so the CLI (``--layer``) or the window can ask;
- Shapefile text encoding: GDAL follows the ``.cpg`` (or the DBF's language id); without
  either, Chinese tools' files are UTF-8 or GBK, so the raw bytes are tried as UTF-8
  strictly and else as GB18030 (``encoding`` overrides);
- the CRS: anything GDAL/PROJ knows is reprojected to WGS 84; a file without one is taken
  as WGS 84 only when its coordinates fit longitude/latitude;
- that the file is the format its name says (GDAL guesses formats by content; a ``.gpkg``
  that GDAL reads as something else is refused).
"""
from __future__ import annotations

import codecs
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from reach_planner.geo.site_tables import SiteFileError, Table, first_line

# suffix -> (format name for messages, GDAL drivers that may read it)
VECTOR_SUFFIXES: dict[str, tuple[str, frozenset[str]]] = {
    ".gpkg": ("GeoPackage", frozenset({"GPKG"})),
    ".geojson": ("GeoJSON", frozenset({"GeoJSON", "GeoJSONSeq"})),
    ".json": ("GeoJSON", frozenset({"GeoJSON", "GeoJSONSeq"})),
    ".geojsonl": ("GeoJSONSeq", frozenset({"GeoJSONSeq", "GeoJSON"})),
    ".geojsons": ("GeoJSONSeq", frozenset({"GeoJSONSeq", "GeoJSON"})),
    ".shp": ("Shapefile", frozenset({"ESRI Shapefile"})),
    ".zip": ("zipped Shapefile", frozenset({"ESRI Shapefile", "GPKG", "GeoJSON", "FlatGeobuf",
                                            "KML", "LIBKML"})),
    ".kml": ("KML", frozenset({"LIBKML", "KML"})),
    ".kmz": ("KMZ", frozenset({"LIBKML", "KML"})),
    ".fgb": ("FlatGeobuf", frozenset({"FlatGeobuf"})),
}
ALL_LAYERS = "*"
RESULT_LAYERS = ("sites", "outlets")  # an export-data GeoPackage: its demand cells are not sites
_POINTISH = {"POINT", "MULTIPOINT", "UNKNOWN", "GEOMETRY", "NONE"}
_GDAL_ERRORS = (DataSourceError, DataLayerError, FieldError, GeometryError, OSError)
_KML_DRIVERS = ("LIBKML", "KML")
_ONE_LAYER = ("GeoJSON", "GeoJSONSeq", "FlatGeobuf", "ESRI Shapefile")  # a file is one layer
_LATIN1 = "ISO-8859-1"  # what GDAL reports for a Shapefile that names no encoding


class LayerChoiceNeeded(SiteFileError):
    """The file holds several point layers and no layer was chosen. ``layers`` are their
    names, so the window can ask and the CLI can name ``--layer``."""

    def __init__(self, message: str, layers: list[str]) -> None:
        super().__init__(message)
        self.layers = list(layers)

    def __reduce__(self):  # keeps the layers when pickled (process pools, copies)
        return (type(self), (str(self), self.layers))


def vector_kind(path: Path) -> str | None:
    """The format name when GDAL reads this path for the app (a folder of Shapefiles too)."""
    if path.is_dir():
        return "Shapefile folder" if any(path.glob("*.[sS][hH][pP]")) else None
    entry = VECTOR_SUFFIXES.get(path.suffix.lower())
    return entry[0] if entry else None


def gdal_path(path: Path) -> str:
    """The name GDAL opens: a zip's Shapefile folder (or its one GIS file) through
    ``/vsizip/``, as Windows' "Send to compressed folder" puts a folder inside the zip."""
    if path.suffix.lower() != ".zip" or not zipfile.is_zipfile(path):
        return str(path)
    with zipfile.ZipFile(path) as z:
        members = [PurePosixPath(n) for n in z.namelist() if not n.endswith("/")]
    folders = {str(m.parent) for m in members if m.suffix.lower() == ".shp"}
    if len(folders) == 1:
        inner = folders.pop()
        return f"/vsizip/{path}" + ("" if inner == "." else f"/{inner}")
    gis = [m for m in members if m.suffix.lower() in VECTOR_SUFFIXES and m.suffix.lower() != ".zip"]
    return f"/vsizip/{path}/{gis[0]}" if len(gis) == 1 and not folders else str(path)


def list_layers(path: str | Path) -> list[tuple[str, str]]:
    """(name, geometry type) of every layer, as GDAL lists them."""
    path = Path(path)
    try:
        listed = pyogrio.list_layers(gdal_path(path))
    except _GDAL_ERRORS as exc:
        raise SiteFileError(f"{path}: {_unreadable(path, exc)}") from None
    if len(listed) == 0:
        raise SiteFileError(f"{path}: not a readable {_what(path)} file (GDAL finds no layer in it)")
    return [(str(n), str(g)) for n, g in listed]


def point_layers(path: str | Path) -> list[str]:
    """Layers that may hold points (point, multipoint or untyped, as KML layers are)."""
    return [n for n, g in list_layers(path) if _base_type(g) in _POINTISH]


def read_vector(path: Path, layer: str | None = None, encoding: str | None = None) -> Table:
    """Every feature of the chosen layer(s) as text, with ``__lon``/``__lat``/``__geom``.

    GDAL opens the file three times (layers, driver and encoding, features): GeoJSON is
    parsed whole on each open, so nothing else opens it."""
    if encoding:
        _known_encoding(path, encoding)
    first = _layer_info(path, None)
    _check_driver(path, str(first["driver"]))
    infos = {str(first["layer_name"]): first}
    single = first["driver"] in _ONE_LAYER and gdal_path(path) == str(path) and not path.is_dir()
    listed = [(str(first["layer_name"]), str(first["geometry_type"]))] if single else list_layers(path)
    chosen = _choose_layers(path, listed, layer)
    tables = []
    for name in chosen:
        info = infos.get(name) or _layer_info(path, name)
        tables.append(_read_layer(path, name, info, encoding, len(chosen) > 1))
    frame = pd.concat([t.frame for t in tables], ignore_index=True).fillna("")
    return Table(frame, np.concatenate([t.rows for t in tables]),
                 np.concatenate([t.where for t in tables]))


def _layer_info(path: Path, layer: str | None) -> dict:
    """GDAL's description of a layer (None: the first): driver, name, type, encoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "more than one layer": listed next
            return dict(pyogrio.read_info(gdal_path(path), layer=layer))
    except _GDAL_ERRORS as exc:
        raise SiteFileError(f"{path}: {_unreadable(path, exc)}") from None
    except IndexError:  # pyogrio on a dataset without layers
        raise SiteFileError(f"{path}: not a readable {_what(path)} file (GDAL finds no layer "
                            "in it)") from None


def _known_encoding(path: Path, encoding: str) -> None:
    """GDAL recodes silently with a name it does not know; refuse it first."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SiteFileError(f"{path}: unknown text encoding {encoding!r}") from None


def _base_type(gdal_type: str | None) -> str:
    t = str(gdal_type or "None").upper().replace("3D ", "").replace(" ", "")
    for suffix in ("ZM", "Z", "M"):
        t = t.removesuffix(suffix) if t != "NONE" else t
    return t


def _what(path: Path) -> str:
    return vector_kind(path) or "vector"


def _unreadable(path: Path, exc: BaseException) -> str:
    """GDAL's reason, without the full path it repeats."""
    reason = first_line(exc).replace(f"'{path}' ", "").replace(str(path), "the file")
    reason = reason.split(".;")[0].split("; It might help")[0].rstrip(".")  # drop GDAL's hint
    return f"not a readable {_what(path)} file (GDAL: {reason})"


def _check_driver(path: Path, driver: str) -> None:
    """GDAL picks a driver from the content: a file must be what its name says."""
    entry = VECTOR_SUFFIXES.get(path.suffix.lower())
    if entry is not None and driver not in entry[1]:
        raise SiteFileError(f"{path}: not a {entry[0]} file (GDAL reads it as {driver})")


def _choose_layers(path: Path, listed: list[tuple[str, str]], layer: str | None) -> list[str]:
    names = [n for n, _ in listed]
    shown = ", ".join(f"{n} ({g})" for n, g in listed) or "none"
    if layer not in (None, ALL_LAYERS):
        if layer not in names:
            raise SiteFileError(f"{path}: no layer named {layer!r} (layers: {shown})")
        return [str(layer)]
    points = [n for n, g in listed if _base_type(g) in _POINTISH]
    if not points:
        raise SiteFileError(f"{path}: no point layer in the file (layers: {shown})")
    if layer == ALL_LAYERS or len(points) == 1:
        return points
    if set(RESULT_LAYERS) <= set(points):
        return list(RESULT_LAYERS)
    raise LayerChoiceNeeded(f"{path}: {len(points)} point layers ({', '.join(points)}); choose one "
                            f"with --layer NAME, or --layer '{ALL_LAYERS}' for all of them", points)


def _read_layer(path: Path, layer: str, info: dict, encoding: str | None,
                name_layer: bool) -> Table:
    enc = encoding or _shapefile_encoding(path, layer, info)
    gdf = _in_wgs84(path, layer, _read_frame(path, layer, enc))
    if info["driver"] in _KML_DRIVERS:
        gdf = _kml_attributes(gdf)
    label = f"{path.name}:{layer}" if name_layer else path.name
    return _as_table(gdf, label)


def _read_frame(path: Path, layer: str, encoding: str | None) -> gpd.GeoDataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on odd fields
            return pyogrio.read_dataframe(gdal_path(path), layer=layer, encoding=encoding)
    except _GDAL_ERRORS as exc:
        where = f" (layer {layer})" if layer != path.stem else ""
        raise SiteFileError(f"{path}{where}: {_unreadable(path, exc)}") from None


def _shapefile_encoding(path: Path, layer: str, info: dict) -> str | None:
    """The encoding of a Shapefile that names none (no ``.cpg``, no DBF language id).

    GDAL then passes the bytes through as ISO-8859-1, so they can be recovered exactly and
    tried: UTF-8 strictly first (it rarely decodes anything else), then GB18030 (GBK's
    superset, what Chinese desktop GIS writes)."""
    if info["driver"] != "ESRI Shapefile" or str(info.get("encoding", "")).upper() != _LATIN1:
        return None
    raw = pyogrio.read_dataframe(gdal_path(path), layer=layer, read_geometry=False)
    text = [str(c) for c in raw.columns]
    for col in raw.columns:  # object columns, or pandas 3's own str dtype
        if raw[col].dtype == object or pd.api.types.is_string_dtype(raw[col].dtype):
            text += [v for v in raw[col].tolist() if isinstance(v, str)]
    data = "\x00".join(text).encode("latin-1", errors="replace")
    if data.isascii():
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            data.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    raise SiteFileError(f"{path}: the attribute text is neither UTF-8 nor GBK/GB18030 and the "
                        "Shapefile has no .cpg file naming its encoding; give it with --encoding")


def _in_wgs84(path: Path, layer: str, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Longitude/latitude on WGS 84 from any CRS; a file without one only if it fits."""
    if gdf.crs is None:
        x0, y0, x1, y1 = _bounds(gdf)
        if np.isfinite(x0) and not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            raise SiteFileError(
                f"{path}: layer {layer} has no coordinate reference system (no .prj?) and its "
                f"coordinates (x {x0:g} to {x1:g}, y {y0:g} to {y1:g}) are not longitude/"
                "latitude; save it with its CRS")
        return gdf.set_crs(4326)
    if gdf.crs.to_epsg() == 4326:
        return gdf
    try:
        return gdf.to_crs(4326)
    except Exception as exc:  # pyproj raises several types for CRSs it cannot transform
        raise SiteFileError(f"{path}: layer {layer}: cannot convert its coordinate reference "
                            f"system to WGS 84 ({first_line(exc)})") from None


def _bounds(gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    geoms = gdf.geometry.to_numpy()
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not ok.any():
        return (np.nan,) * 4  # type: ignore[return-value]
    b = shapely.total_bounds(geoms[ok])
    return float(b[0]), float(b[1]), float(b[2]), float(b[3])


def _kml_attributes(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """GDAL's KML reader adds every KML element as a column (timestamp, icon, …); the ones
    no Placemark fills would only confuse the column recognition, and ``id`` is the
    Placemark's XML anchor, not the planner's id (that lives in ExtendedData)."""
    attrs = gdf.columns.drop(gdf.geometry.name)
    empty = [c for c in attrs if gdf[c].isna().all() or (gdf[c].astype(str).str.strip() == "").all()]
    return gdf.drop(columns=[*empty, *(["id"] if "id" in attrs and "id" not in empty else [])])


def _as_table(gdf: gpd.GeoDataFrame, label: str) -> Table:
    """Attributes as text; one point per row in ``__lon``/``__lat``, its kind in ``__geom``."""
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    geom = gdf.geometry.to_numpy()
    kind = gdf.geometry.geom_type.fillna("none").astype(str).to_numpy(dtype=object)
    kind[shapely.is_empty(geom) & (kind != "none")] = "empty"
    single = kind == "MultiPoint"  # many tools write one-part multipoints
    single[single] = shapely.get_num_geometries(geom[single]) == 1
    geom = geom.copy()
    geom[single] = shapely.get_geometry(geom[single], 0)
    kind[single] = "Point"
    is_point = kind == "Point"
    x = np.full(len(geom), np.nan)
    y = np.full(len(geom), np.nan)
    x[is_point], y[is_point] = shapely.get_x(geom[is_point]), shapely.get_y(geom[is_point])
    frame["__lon"] = np.where(is_point, np.char.mod("%.12g", np.nan_to_num(x)), "")
    frame["__lat"] = np.where(is_point, np.char.mod("%.12g", np.nan_to_num(y)), "")
    frame["__geom"] = kind
    n = len(frame)
    return Table(frame, np.arange(n) + 1, np.full(n, label, dtype=object))
