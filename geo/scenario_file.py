"""Scenario files: parameters, imported sites and settings in one human-readable JSON.

Versioned (``format`` + ``version``) so a newer file is refused with a clear message
instead of being misread; every field is checked on opening (:mod:`.scenario_validate`);
written atomically (:mod:`.fileset`) so a crash mid-save never corrupts the previous
file, and never over a colleague's newer file unless asked (:class:`FileStamp`).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from reach_planner.geo.fileset import FileSet, real_target
from reach_planner.geo.limits import NotARegularFile, require_regular_file
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario_validate import (
    RECORD_KEYS,
    Problems,
    ScenarioFileError,
    check_demand,
    check_overlay,
    check_params,
    check_settings,
    parse_int,
    show,
)
from reach_planner.geo.sites_io import SiteOverlay

FORMAT = "reach-planner-scenario"
VERSION = 1
SUFFIX = ".rpscenario.json"
ANY = object()  # save_scenario(expect=ANY): overwrite whatever is there
__all__ = ["ANY", "RECORD_KEYS", "FileStamp", "ScenarioChanged", "ScenarioFile", "ScenarioFileError",
           "file_stamp", "load_scenario", "save_scenario"]


class ScenarioChanged(ScenarioFileError):
    """The file on disk is not the one this scenario was opened from or saved to."""


@dataclass(frozen=True)
class FileStamp:
    """What a scenario file was when opened or saved: changed contents mean a colleague
    (or another window) saved over it since."""

    mtime_ns: int
    size: int
    sha256: str

    def same_contents(self, other: FileStamp) -> bool:
        return self.size == other.size and self.sha256 == other.sha256


@dataclass(frozen=True, eq=False)
class ScenarioFile:
    params: ScenarioParams
    overlay: SiteOverlay | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    # Where demand comes from: the census model's name and version, or an imported file
    # ({"name": "imported", "file", "kind", "column", "path"}); None = the current model.
    demand: dict[str, str] | None = None
    stamp: FileStamp | None = None  # the file as read (load_scenario)


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
                    "added_outlets": _records(ov.added_outlets), "adds": list(ov.adds)}
    return {"format": FORMAT, "version": VERSION, "params": scenario.params.to_dict(),
            "imported": imported, "demand": _demand_record(demand),
            "settings": dict(scenario.settings)}


def save_scenario(path: str | Path, scenario: ScenarioFile | ScenarioParams,
                  overlay: SiteOverlay | None = None,
                  settings: dict[str, Any] | None = None, *, expect: Any = ANY) -> Path:
    """Write the scenario (or params + imported sites + settings) atomically: the
    previous file survives a crash, a full disk or unserialisable settings.

    ``expect`` guards a colleague's newer file: the :class:`FileStamp` the file had when
    this scenario was opened or last saved (``None``: the file must not exist yet); a
    file that changed since raises :class:`ScenarioChanged` and is left alone. A
    replaced file keeps its mode; a symlink stays a link to the file that gets written."""
    if isinstance(scenario, ScenarioParams):
        scenario = ScenarioFile(scenario, overlay, dict(settings or {}))
    text = json.dumps(to_dict(scenario), ensure_ascii=False, indent=2, allow_nan=False)
    with FileSet() as files:
        files.add_bytes(Path(path), (text + "\n").encode("utf-8"))
        if expect is not ANY:
            check_unchanged(Path(path), expect)
        return files.commit()[0]


def check_unchanged(path: Path, expect: FileStamp | None) -> None:
    """Refuse (one line) when the file on disk is not the one this scenario came from."""
    now = file_stamp(path)
    if expect is None and now is not None:
        raise ScenarioChanged(f"{path}: the file already exists; overwrite it on purpose "
                              "(--force, or Save as)")
    if expect is not None and now is not None and not now.same_contents(expect):
        raise ScenarioChanged(f"{path}: the file was changed on disk (by someone else?) since it "
                              "was opened or saved here; not overwritten")


def file_stamp(path: str | Path) -> FileStamp | None:
    """Modification time, size and SHA-256 of the file (through a symlink); None if absent."""
    try:
        real = real_target(path)
        st = os.stat(real)
        data = real.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return FileStamp(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())


def load_scenario(path: str | Path) -> ScenarioFile:
    """Read a scenario file; anything wrong with it is a :class:`ScenarioFileError`
    whose message has one line per problem, each naming the file and the field or row."""
    path = Path(path)
    doc, stamp = _read_json(path)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ScenarioFileError(f"{path}: not a Reach Planner scenario file")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioFileError(f"{path}: damaged scenario file (bad version {show(version)})")
    if version > VERSION:
        raise ScenarioFileError(f"{path}: scenario format version {version} is newer than this "
                                f"Reach Planner understands ({VERSION}); please update")
    found = Problems(path)
    params = check_params(doc.get("params"), found)
    overlay = check_overlay(doc.get("imported"), found)
    settings = check_settings(doc.get("settings"), found)
    demand = check_demand(doc.get("demand"), found)
    found.raise_any()
    assert params is not None
    if demand is not None and demand.get("path"):
        overlay = (overlay or SiteOverlay()).with_demand(_reimport(path, demand, params))
    return ScenarioFile(params=params, overlay=overlay, settings=settings, demand=demand, stamp=stamp)


def demand_path(scenario_path: Path, recorded: str) -> Path:
    """A recorded demand path; a relative one is read beside the scenario file, not in
    whatever folder the program was started from."""
    p = Path(recorded).expanduser()
    return p if p.is_absolute() else scenario_path.parent / p


def _reimport(path: Path, demand: dict[str, str], params: ScenarioParams) -> Any:
    """An imported demand is saved as its file's path; it is read again on opening."""
    from reach_planner.geo.demand_io import read_demand

    try:
        return read_demand(demand_path(path, demand["path"]), params.cell_km,
                           demand.get("column") or None, demand.get("crs") or "wgs84").demand
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


def _read_json(path: Path) -> tuple[Any, FileStamp]:
    try:
        require_regular_file(path)  # a FIFO would block the read forever
    except NotARegularFile as exc:
        raise ScenarioFileError(str(exc)) from None
    try:
        real = real_target(path)
        st = os.stat(real)
        raw = real.read_bytes()
        return json.loads(raw.decode("utf-8-sig"), parse_int=parse_int), \
            FileStamp(st.st_mtime_ns, len(raw), hashlib.sha256(raw).hexdigest())
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
    except ValueError as exc:  # anything else the JSON parser refuses, in one line
        raise ScenarioFileError(f"{path}: not a scenario file ({exc})") from None


def _records(layer: gpd.GeoDataFrame | None) -> list[dict[str, Any]] | None:
    if layer is None:
        return None
    return [{"site_id": str(r.site_id), "name": str(r.name), "lon": float(r.lon),
             "lat": float(r.lat), "gb_code": int(r.gb_code)}
            for r in layer[list(RECORD_KEYS)].itertuples(index=False)]
