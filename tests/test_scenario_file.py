"""Scenario files round-trip, refuse what they can't read, and save atomically."""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.scenario_file import (
    ScenarioFile,
    ScenarioFileError,
    load_scenario,
    save_scenario,
)
from reach_planner.geo.sites_io import overlay_from, read_sites


@pytest.fixture()
def overlay(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("名称,纬度,经度,类型\n北京网点,39.9,116.4,服务网点\n<b>x</b>,30.6,104.1,网点\n",
                 encoding="utf-8")
    return overlay_from(read_sites(p), "empty")


def test_round_trip_keeps_params_sites_and_settings(tmp_path, overlay):
    params = ScenarioParams(seed=7, outlets=1234, radius_km=25.0)
    path = save_scenario(tmp_path / "a.rpscenario.json",
                         ScenarioFile(params, overlay, {"language": "zh"}))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "reach-planner-scenario" and doc["version"] == 1
    assert "北京网点" in path.read_text(encoding="utf-8")  # human-readable
    back = load_scenario(path)
    assert back.params == params and back.settings == {"language": "zh"}
    assert back.overlay.other == "empty" and back.overlay.sites is None
    assert list(back.overlay.outlets["name"]) == ["北京网点", "<b>x</b>"]
    a = run_scenario(params, overlay=overlay).summary
    b = run_scenario(back.params, overlay=back.overlay).summary
    assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("text,needle", [
    ("{not json", "not JSON"),
    ('{"format": "something-else"}', "not a Reach Planner scenario"),
    ('{"format": "reach-planner-scenario", "version": 99, "params": {}}', "newer than"),
    ('{"format": "reach-planner-scenario", "version": 1, "params": {"outlets": -5}}',
     "damaged scenario file"),
    ('{"format": "reach-planner-scenario", "version": 1, "params": {"warp": 9}}',
     "unknown scenario parameter"),
])
def test_bad_scenario_files_are_refused_clearly(tmp_path, text, needle):
    p = tmp_path / "bad.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioFileError, match=needle):
        load_scenario(p)


def test_a_crash_mid_save_keeps_the_previous_file(tmp_path, monkeypatch, overlay):
    path = tmp_path / "keep.rpscenario.json"
    save_scenario(path, ScenarioFile(ScenarioParams(seed=1)))
    before = path.read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        save_scenario(path, ScenarioFile(ScenarioParams(seed=2), overlay))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert load_scenario(path).params.seed == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.rpscenario.json", "s.csv"]


def test_params_overlay_and_settings_can_be_passed_separately(tmp_path, overlay):
    path = save_scenario(tmp_path / "b.rpscenario.json", ScenarioParams(seed=9), overlay,
                         {"analysis": {"radius_km": 30}})
    back = load_scenario(path)
    assert back.params.seed == 9 and back.settings == {"analysis": {"radius_km": 30}}
    assert len(back.overlay.outlets) == 2


def test_the_file_keeps_every_documented_key(tmp_path, overlay):
    path = save_scenario(tmp_path / "c.json", ScenarioFile(ScenarioParams(), overlay))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert set(doc) == {"format", "version", "params", "imported", "demand", "settings"}
    assert doc["demand"] == {"name": "reach-planner census model", "version": "3"}
    assert doc["params"]["distance"] == "straight"
    assert set(doc["imported"]) == {"other", "source_name", "sites", "outlets", "added_outlets",
                                   "adds"}
    assert set(doc["imported"]["outlets"][0]) == {"site_id", "name", "lon", "lat", "gb_code"}
    assert doc["imported"]["source_name"] == "s.csv"


OK_HEAD = '{"format": "reach-planner-scenario", "version": 1, '


@pytest.mark.parametrize("text,needle", [
    (OK_HEAD + '"params": [], "imported": null}', "params must be an object"),
    (OK_HEAD + '"params": {}, "settings": [1]}', "settings must be an object"),
    (OK_HEAD + '"params": {}, "imported": {"outlets": "x"}}', "imported.outlets must be a list"),
    (OK_HEAD + '"params": {}, "imported": {"outlets": [{"lon": 1}]}}', "needs site_id"),
    (OK_HEAD + '"params": {}, "imported": {"other": "maybe"}}', "imported.other must be"),
    (OK_HEAD + '"params": {}, "imported": {"adds": ["roads"]}}', "imported.adds must be"),
    (OK_HEAD + '"params": {}, "imported": {"sites": [{"site_id": "a", "name": "a", '
               '"lon": 116.4, "lat": 999, "gb_code": 11}]}}', "bad coordinates"),
    (OK_HEAD + '"params": {}, "imported": {"sites": [{"site_id": "a", "name": "a", '
               '"lon": 116.4, "lat": 39.9, "gb_code": 99}]}}', "unknown gb_code 99"),
    ('{"format": "reach-planner-scenario", "version": "1", "params": {}}', "bad version"),
    ('{"format": "reach-planner-scenario", "version": true, "params": {}}', "bad version"),
])
def test_hand_edited_damage_is_named(tmp_path, text, needle):
    p = tmp_path / "bad.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioFileError, match="damaged scenario file") as exc:
        load_scenario(p)
    assert needle in str(exc.value) and str(exc.value).startswith(str(p))


def test_missing_folder_and_binary_files_are_refused(tmp_path):
    with pytest.raises(ScenarioFileError, match="file not found"):
        load_scenario(tmp_path / "none.json")
    with pytest.raises(ScenarioFileError, match="is a folder"):
        load_scenario(tmp_path)
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioFileError, match="not a scenario file"):
        load_scenario(tmp_path / "bin.json")


JSON = st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=6),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=15)
KEYS = st.sampled_from(["params", "imported", "settings", "version", "sites", "outlets",
                        "other", "seed", "lon"])


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.dictionaries(KEYS, JSON, max_size=4), raw=st.binary(max_size=60))
def test_random_documents_only_ever_raise_our_error(tmp_path, extra, raw):
    for data in (json.dumps({"format": "reach-planner-scenario", "version": 1, **extra}).encode(),
                 raw):
        p = tmp_path / "r.json"
        p.write_bytes(data)
        try:
            load_scenario(p)
        except ScenarioFileError:
            pass


def test_a_failure_while_writing_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "keep.json"
    save_scenario(path, ScenarioParams(seed=1))
    before = path.read_bytes()

    def fail(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="I/O error"):
        save_scenario(path, ScenarioParams(seed=2))
    monkeypatch.undo()
    with pytest.raises(ValueError):  # NaN is not JSON: refused before anything is written
        save_scenario(path, ScenarioParams(seed=3), settings={"zoom": float("nan")})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.json"]


def test_the_file_records_an_imported_demand_and_reads_it_again(tmp_path):
    from reach_planner.geo.demand_io import read_demand
    from reach_planner.geo.sites_io import SiteOverlay

    orders = tmp_path / "orders.csv"
    orders.write_text("lat,lon,amount\n39.9,116.4,100\n30.6,104.1,50\n", encoding="utf-8")
    imp = read_demand(orders, weight_col="amount")
    scen = ScenarioFile(ScenarioParams(distance="terrain"), SiteOverlay().with_demand(imp.demand))
    path = save_scenario(tmp_path / "d.json", scen)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["demand"] == {"name": "imported", "file": "orders.csv", "kind": "points",
                             "column": "amount", "path": str(orders.resolve())}
    back = load_scenario(path)
    assert back.params.distance == "terrain"
    assert back.overlay.demand.rural.sum() == 150.0
    r = run_scenario(back.params, overlay=back.overlay)
    assert r.summary.demand_total == 150.0 and "path" not in r.summary.demand_model
    orders.unlink()  # a moved demand file: one message, nothing opened
    with pytest.raises(ScenarioFileError, match="its demand file cannot be read: .*file not found"):
        load_scenario(path)
    path.write_text(path.read_text(encoding="utf-8").replace('"kind": "points"', '"kind": 3'),
                    encoding="utf-8")
    with pytest.raises(ScenarioFileError, match="demand values must be text"):
        load_scenario(path)
