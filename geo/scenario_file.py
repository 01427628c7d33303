"""Scenario files: parameters, imported sites and settings in one human-readable JSON.

Versioned (``format`` + ``version``) so a newer file is refused with a clear message
instead of being misread, and written atomically so a crash mid-save never corrupts
the previous file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from reach_planner.geo.atomic import atomic_write_bytes
from reach_planner.geo.data import load_china
from reach_planner.geo.limits import NotARegularFile, require_regular_file
from reach_planner.geo.network import DISTRIBUTION, OUTLET, make_layer
from reach_planner.geo.params import ParameterError, ScenarioParams
from reach_planner.geo.sites_io import SiteOverlay

FORMAT = "reach-planner-scenario"
VERSION = 1
SUFFIX = ".rpscenario.json"
RECORD_KEYS = ("site_id", "name", "lon", "lat", "gb_code")


class ScenarioFileError(ValueError):
    """The file cannot be opened as a scenario; the message names the file."""


@dataclass(frozen=True, eq=False)
class ScenarioFile:
    params: ScenarioParams
    overlay: SiteOverlay | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    # Where demand comes from: the census model's name and version, or an imported file
    # ({"name": "imported", "file", "kind", "column", "path"}); None = the current model.
    demand: dict[str, str] | None = None


def _demand_record(demand: dict[str, str] | None) -> dict[str, str]:
    if demand is None:
        from reach_planner.geo.demand import MODEL_NAME, MODEL_VERSION

        return {"name": MODEL_NAME, "version": MODEL_VERSION}
    return {str(k): str(v) for k, v in demand.items()}


def to_dict(scenario: ScenarioFile) -> dict[str, Any]:
    ov = scenario.overlay
    demand = ov.demand.source if ov is not None and ov.demand is not None else scenario.demand
    imported = None
    if ov is not None:
        imported = {"other": ov.other, "source_name": ov.source_name,
                    "sites": _records(ov.sites), "outlets": _records(ov.outlets),
                    "added_outlets": _records(ov.added_outlets)}
    return {"format": FORMAT, "version": VERSION, "params": scenario.params.to_dict(),
            "imported": imported, "demand": _demand_record(demand),
            "settings": dict(scenario.settings)}


def save_scenario(path: str | Path, scenario: ScenarioFile | ScenarioParams,
                  overlay: SiteOverlay | None = None,
                  settings: dict[str, Any] | None = None) -> Path:
    """Write the scenario (or params + imported sites + settings) atomically: the
    previous file survives a crash, a full disk or unserialisable settings."""
    if isinstance(scenario, ScenarioParams):
        scenario = ScenarioFile(scenario, overlay, dict(settings or {}))
    text = json.dumps(to_dict(scenario), ensure_ascii=False, indent=2, allow_nan=False)
    return atomic_write_bytes(Path(path), (text + "\n").encode("utf-8"))


def load_scenario(path: str | Path) -> ScenarioFile:
    """Read a scenario file; anything wrong with it is a :class:`ScenarioFileError`."""
    path = Path(path)
    doc = _read_json(path)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ScenarioFileError(f"{path}: not a Reach Planner scenario file")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioFileError(f"{path}: damaged scenario file (bad version {version!r})")
    if version > VERSION:
        raise ScenarioFileError(f"{path}: scenario format version {version} is newer than this "
                                f"Reach Planner understands ({VERSION}); please update")
    try:
        params = ScenarioParams.from_dict(_mapping(doc.get("params"), "params"))
        overlay = _overlay(doc.get("imported"))
        settings = _mapping(doc.get("settings"), "settings")
        demand = _mapping(doc.get("demand"), "demand") or None
        if demand is not None and not all(isinstance(v, str) for v in demand.values()):
            raise ValueError("demand values must be text")
    except (ParameterError, TypeError, KeyError, ValueError, OverflowError) as exc:
        raise ScenarioFileError(f"{path}: damaged scenario file ({exc})") from None
    if demand is not None and demand.get("path"):
        overlay = (overlay or SiteOverlay()).with_demand(_reimport(path, demand, params))
    return ScenarioFile(params=params, overlay=overlay, settings=settings, demand=demand)


def _reimport(path: Path, demand: dict[str, str], params: ScenarioParams) -> Any:
    """An imported demand is saved as its file's path; it is read again on opening."""
    from reach_planner.geo.demand_io import read_demand

    try:
        return read_demand(demand["path"], params.cell_km, demand.get("column") or None,
                           demand.get("crs") or "wgs84").demand
    except ValueError as exc:
        raise ScenarioFileError(f"{path}: its demand file cannot be read: {exc}") from None


def map_view(settings: dict[str, Any]) -> dict[str, float] | None:
    """The saved map view (centre and zoom) of a scenario, or None when absent or odd:
    a hand-edited view must not move the map somewhere impossible."""
    view = settings.get("map_view")
    if not isinstance(view, dict):
        return None
    try:
        lat, lon, zoom = (view[k] for k in ("lat", "lon", "zoom"))
    except KeyError:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v == v
               for v in (lat, lon, zoom)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= 20):
        return None
    return {"lat": float(lat), "lon": float(lon), "zoom": float(zoom)}


def _read_json(path: Path) -> Any:
    try:
        require_regular_file(path)  # a FIFO would block the read forever
    except NotARegularFile as exc:
        raise ScenarioFileError(str(exc)) from None
    try:
        text = path.read_bytes().decode("utf-8-sig")
        return json.loads(text)
    except FileNotFoundError:
        raise ScenarioFileError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ScenarioFileError(f"{path}: is a folder, not a scenario file") from None
    except OSError as exc:
        raise ScenarioFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ScenarioFileError(f"{path}: not a scenario file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise ScenarioFileError(f"{path}: not a scenario file (not JSON: {exc})") from None
    except RecursionError:
        raise ScenarioFileError(f"{path}: not a scenario file (nested too deeply)") from None


def _mapping(value: Any, key: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{key} must be an object")
    return dict(value)


def _records(layer: gpd.GeoDataFrame | None) -> list[dict[str, Any]] | None:
    if layer is None:
        return None
    return [{"site_id": str(r.site_id), "name": str(r.name), "lon": float(r.lon),
             "lat": float(r.lat), "gb_code": int(r.gb_code)}
            for r in layer[list(RECORD_KEYS)].itertuples(index=False)]


def _layer(kind: str, records: Any, key: str,
           source: str = "imported") -> gpd.GeoDataFrame | None:
    """A layer from its records, each checked: a hand-edited file must not smuggle in
    a site outside China or an unknown province."""
    if records is None:
        return None
    if not isinstance(records, list):
        raise TypeError(f"imported.{key} must be a list")
    names = load_china().province_names()
    for k, r in enumerate(records):
        if not isinstance(r, dict) or not set(RECORD_KEYS) <= set(r):
            raise ValueError(f"imported.{key}[{k}] needs {', '.join(RECORD_KEYS)}")
        lon, lat, gb = r["lon"], r["lat"], r["gb_code"]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lon, lat)) \
                or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"imported.{key}[{k}] has bad coordinates")
        if isinstance(gb, bool) or not isinstance(gb, int) or gb not in names:
            raise ValueError(f"imported.{key}[{k}] has an unknown gb_code {gb!r}")
    prov = {code: en for code, (en, _zh) in names.items()}
    lon = np.array([float(r["lon"]) for r in records], dtype=float)
    lat = np.array([float(r["lat"]) for r in records], dtype=float)
    gb = np.array([int(r["gb_code"]) for r in records], dtype=np.int64)
    return make_layer(kind, lon, lat, gb, [str(r["name"]) for r in records], prov,
                      source=source, ids=[str(r["site_id"]) for r in records])


def _overlay(doc: Any) -> SiteOverlay | None:
    if not doc:
        return None
    if not isinstance(doc, dict):
        raise TypeError("imported must be an object")
    other = doc.get("other", "keep")
    if other not in ("keep", "empty"):
        raise ValueError(f"imported.other must be 'keep' or 'empty', got {other!r}")
    return SiteOverlay(sites=_layer(DISTRIBUTION, doc.get("sites"), "sites"),
                       outlets=_layer(OUTLET, doc.get("outlets"), "outlets"),
                       other=other, source_name=str(doc.get("source_name", "")),
                       added_outlets=_layer(OUTLET, doc.get("added_outlets"), "added_outlets",
                                            "recommended"))
