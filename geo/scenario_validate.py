"""Every field of a scenario file checked, with one line per problem.

A scenario file is often hand-edited or comes from a colleague: its types, ranges,
positions and ids are all checked before anything runs. Each problem is one line
naming the file and the field or row (``imported.outlets[3].gb_code``), so a planner
can fix the file; the first :data:`MAX_LINES` problems are listed. An outlet must lie
on land in the province its ``gb_code`` names (within :data:`BORDER_TOLERANCE_DEG`,
for sites on simplified coasts and borders), with the province polygons the app draws.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from reach_planner.geo.data import load_china
from reach_planner.geo.network import DISTRIBUTION, OUTLET, make_layer
from reach_planner.geo.params import ParameterError, ScenarioParams

RECORD_KEYS = ("site_id", "name", "lon", "lat", "gb_code")
MAX_DIGITS = 30  # a longer integer in the file is refused by name, never converted
MAX_LINES = 20
BORDER_TOLERANCE_DEG = 0.1  # ~10 km: a recommended hexagon centre on a coast still counts


class ScenarioFileError(ValueError):
    """The file cannot be opened as a scenario; the message names the file."""


class HugeInt:
    """An integer literal with more than :data:`MAX_DIGITS` digits, kept as its text
    (Python refuses to convert 5,000 digits with a bare ValueError)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"an integer of {len(self.text.lstrip('-')):,} digits"


def parse_int(text: str) -> int | HugeInt:
    return HugeInt(text) if len(text.lstrip("-")) > MAX_DIGITS else int(text)


def show(value: Any) -> str:
    """A value as a problem line shows it: huge integers and long texts shortened."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Problems:
    """Collects one line per problem; :meth:`raise_any` raises them all at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []

    def add(self, text: str) -> None:
        self.lines.append(f"{self.path}: damaged scenario file ({text})")

    def raise_any(self) -> None:
        if not self.lines:
            return
        shown = self.lines[:MAX_LINES]
        if len(self.lines) > MAX_LINES:
            shown.append(f"{self.path}: ... and {len(self.lines) - MAX_LINES:,} more problems")
        raise ScenarioFileError("\n".join(shown))


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def check_params(doc: Any, found: Problems) -> ScenarioParams | None:
    """Each parameter on its own (so every bad one is named), then all together."""
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        found.add("params must be an object")
        return None
    known = set(ScenarioParams.__dataclass_fields__)
    unknown = sorted(set(doc) - known)
    if unknown:
        found.add(f"unknown scenario parameter(s): {', '.join(map(str, unknown))}")
    ok = True
    for key in sorted(set(doc) & known):
        value = doc[key]
        if isinstance(value, HugeInt):
            found.add(f"params.{key}: integer too large ({show(value)})")
            ok = False
            continue
        try:
            ScenarioParams(**{key: value})
        except (ParameterError, TypeError) as exc:
            found.add(f"params.{key}: {exc}")
            ok = False
    if not ok or unknown:
        return None
    try:
        return ScenarioParams(**doc)
    except (ParameterError, TypeError) as exc:
        found.add(f"params: {exc}")
        return None


def check_overlay(doc: Any, found: Problems):
    from reach_planner.geo.sites_io import SiteOverlay

    if not doc:
        return None
    if not isinstance(doc, dict):
        found.add("imported must be an object")
        return None
    other = doc.get("other", "keep")
    if other not in ("keep", "empty"):
        found.add(f"imported.other must be 'keep' or 'empty', got {show(other)}")
    source = doc.get("source_name", "")
    if not isinstance(source, str):
        found.add(f"imported.source_name must be text, got {show(source)}")
    adds = doc.get("adds", [])  # files written before 23.19 have none: every layer replaced
    if not isinstance(adds, list) or any(a not in ("sites", "outlets") for a in adds):
        found.add(f"imported.adds must be a list of 'sites'/'outlets', got {show(adds)}")
        adds = []
    layers = {key: _layer(kind, doc.get(key), key, found, src)
              for key, kind, src in (("sites", DISTRIBUTION, "imported"), ("outlets", OUTLET, "imported"),
                                     ("added_outlets", OUTLET, "recommended"))}
    if other not in ("keep", "empty") or not isinstance(source, str):
        return None
    return SiteOverlay(sites=layers["sites"], outlets=layers["outlets"], other=other,
                       source_name=source, added_outlets=layers["added_outlets"],
                       adds=tuple(dict.fromkeys(adds)))


def _record_problems(key: str, k: int, r: Any, names: dict) -> list[str]:
    where = f"imported.{key}[{k}]"
    if not isinstance(r, dict) or not set(RECORD_KEYS) <= set(r):
        return [f"{where} needs {', '.join(RECORD_KEYS)}"]
    out = []
    for f in ("site_id", "name"):
        if not isinstance(r[f], str) or (f == "site_id" and not r[f].strip()):
            out.append(f"{where}.{f} must be non-empty text, got {show(r[f])}")
    lon, lat, gb = r["lon"], r["lat"], r["gb_code"]
    if not (_is_num(lon) and _is_num(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        out.append(f"{where} has bad coordinates (lon {show(lon)}, lat {show(lat)})")
    if not _is_int(gb) or gb not in names:
        out.append(f"{where}.gb_code: unknown gb_code {show(gb)}")
    return out


def _layer(kind: str, records: Any, key: str, found: Problems, source: str) -> gpd.GeoDataFrame | None:
    """A layer from its records, each checked: a hand-edited file must not smuggle in a
    site outside China, in another province than it claims, or twice under one id."""
    if records is None:
        return None
    if not isinstance(records, list):
        found.add(f"imported.{key} must be a list")
        return None
    names = load_china().province_names()
    before = len(found.lines)
    for k, r in enumerate(records):
        for line in _record_problems(key, k, r, names):
            found.add(line)
    if len(found.lines) > before:
        return None
    lon = np.array([float(r["lon"]) for r in records], dtype=float)
    lat = np.array([float(r["lat"]) for r in records], dtype=float)
    gb = np.array([int(r["gb_code"]) for r in records], dtype=np.int64)
    ids = [r["site_id"] for r in records]
    _check_places(key, lon, lat, gb, names, found)
    _check_ids(key, ids, found)
    if len(found.lines) > before:
        return None
    prov = {code: en for code, (en, _zh) in names.items()}
    return make_layer(kind, lon, lat, gb, [r["name"] for r in records], prov, source=source, ids=ids)


def _check_places(key: str, lon: np.ndarray, lat: np.ndarray, gb: np.ndarray,
                  names: dict, found: Problems) -> None:
    """Each point on land in its named province (or within the border tolerance)."""
    from reach_planner.geo.grid import province_of

    at = province_of(lon, lat)
    off = np.flatnonzero(at != gb)
    if len(off) == 0:
        return
    prov = load_china().provinces
    geom = dict(zip(prov["gb_code"].to_numpy().tolist(), prov.geometry.to_numpy()))
    pts = shapely.points(lon[off], lat[off])
    near = np.array([shapely.dwithin(geom[int(g)], p, BORDER_TOLERANCE_DEG) for g, p in zip(gb[off], pts)],
                    dtype=bool)
    for k in off[~near]:
        claimed = f"{int(gb[k])} {names[int(gb[k])][0]}"
        where = (f"in {names[int(at[k])][0]} ({int(at[k])})" if at[k] else "not on land in China")
        found.add(f"imported.{key}[{k}]: position {lat[k]:g}N {lon[k]:g}E is {where}, "
                  f"but its gb_code is {claimed}")


def _check_ids(key: str, ids: list[str], found: Problems) -> None:
    first: dict[str, int] = {}
    for k, i in enumerate(ids):
        if i in first:
            found.add(f"imported.{key}[{k}].site_id {show(i)} repeats imported.{key}[{first[i]}]")
        else:
            first[i] = k


def check_settings(doc: Any, found: Problems) -> dict[str, Any]:
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        found.add("settings must be an object")
        return {}
    for where, value in _walk(doc, "settings"):
        if isinstance(value, HugeInt):
            found.add(f"{where}: integer too large ({show(value)})")
    return dict(doc)


def _walk(value: Any, where: str):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{where}.{k}")
    elif isinstance(value, list):
        for k, v in enumerate(value):
            yield from _walk(v, f"{where}[{k}]")
    else:
        yield where, value


def check_demand(doc: Any, found: Problems) -> dict[str, str] | None:
    if doc is None:
        return None
    if not isinstance(doc, dict):
        found.add("demand must be an object")
        return None
    bad = [k for k, v in doc.items() if not isinstance(v, str)]
    for k in bad:
        found.add(f"demand.{k}: demand values must be text, got {show(doc[k])}")
    return None if bad else (dict(doc) or None)
