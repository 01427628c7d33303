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

from geo.atomic import atomic_write_bytes
from geo.data import load_china
from geo.network import DISTRIBUTION, OUTLET, make_layer
from geo.params import ParameterError, ScenarioParams
from geo.sites_io import SiteOverlay

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


def to_dict(scenario: ScenarioFile) -> dict[str, Any]:
    ov = scenario.overlay
    imported = None
    if ov is not None:
        imported = {"other": ov.other, "source_name": ov.source_name,
                    "sites": _records(ov.sites), "outlets": _records(ov.outlets),
                    "added_outlets": _records(ov.added_outlets)}
    return {"format": FORMAT, "version": VERSION, "params": scenario.params.to_dict(),
            "imported": imported, "settings": dict(scenario.settings)}


def save_scenario(path: str | Path, scenario: ScenarioFile) -> Path:
    text = json.dumps(to_dict(scenario), ensure_ascii=False, indent=2)
    return atomic_write_bytes(Path(path), (text + "\n").encode("utf-8"))


def load_scenario(path: str | Path) -> ScenarioFile:
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioFileError(f"{path}: file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScenarioFileError(f"{path}: not a scenario file (not JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ScenarioFileError(f"{path}: not a Reach Planner scenario file")
    version = doc.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ScenarioFileError(f"{path}: scenario format version {version} is newer than this "
                                f"Reach Planner understands ({VERSION}); please update")
    try:
        params = ScenarioParams.from_dict(dict(doc.get("params") or {}))
        overlay = _overlay(doc.get("imported"))
    except (ParameterError, TypeError, KeyError, ValueError) as exc:
        raise ScenarioFileError(f"{path}: damaged scenario file ({exc})") from None
    return ScenarioFile(params=params, overlay=overlay, settings=dict(doc.get("settings") or {}))


def _records(layer: gpd.GeoDataFrame | None) -> list[dict[str, Any]] | None:
    if layer is None:
        return None
    return [{"site_id": str(r.site_id), "name": str(r.name), "lon": float(r.lon),
             "lat": float(r.lat), "gb_code": int(r.gb_code)}
            for r in layer[list(RECORD_KEYS)].itertuples(index=False)]


def _layer(kind: str, records: list[dict[str, Any]] | None,
           source: str = "imported") -> gpd.GeoDataFrame | None:
    if records is None:
        return None
    prov = {code: en for code, (en, _zh) in load_china().province_names().items()}
    lon = np.array([float(r["lon"]) for r in records])
    lat = np.array([float(r["lat"]) for r in records])
    gb = np.array([int(r["gb_code"]) for r in records], dtype=np.int64)
    return make_layer(kind, lon, lat, gb, [str(r["name"]) for r in records], prov,
                      source=source, ids=[str(r["site_id"]) for r in records])


def _overlay(doc: dict[str, Any] | None) -> SiteOverlay | None:
    if not doc:
        return None
    return SiteOverlay(sites=_layer(DISTRIBUTION, doc.get("sites")),
                       outlets=_layer(OUTLET, doc.get("outlets")),
                       other=str(doc.get("other", "keep")),
                       source_name=str(doc.get("source_name", "")),
                       added_outlets=_layer(OUTLET, doc.get("added_outlets"), "recommended"))
