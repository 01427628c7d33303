"""Scenario files round-trip, refuse what they can't read, and save atomically."""
from __future__ import annotations

import json
import os

import geopandas as gpd
import pandas as pd
import pytest

from geo.export_data import export_results
from geo.params import ScenarioParams
from geo.scenario import run_scenario
from geo.scenario_file import (ScenarioFile, ScenarioFileError, load_scenario, save_scenario)
from geo.sites_io import overlay_from, read_sites


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


def test_exported_files_have_the_counts_the_panels_show(tmp_path):
    res = run_scenario(ScenarioParams(outlets=900, sites=90, seed=3))
    files = export_results(res, tmp_path / "out")
    names = sorted(p.name for p in files)
    assert names == ["gap_cells.geojson", "gap_regions.geojson", "outlets.geojson",
                     "province_summary.csv", "province_summary.xlsx", "reach_results.gpkg",
                     "sites.geojson"]
    s = res.summary
    for src, kw in ((tmp_path / "out" / "outlets.geojson", {}),
                    (tmp_path / "out" / "reach_results.gpkg", {"layer": "outlets"})):
        g = gpd.read_file(src, **kw)
        assert len(g) == s.service_outlets and g.crs.to_epsg() == 4326
    regions = gpd.read_file(tmp_path / "out" / "reach_results.gpkg", layer="gap_regions")
    assert len(regions) == s.gap_regions and regions.crs.to_epsg() == 4326
    assert regions["rural_unreached"].sum() == pytest.approx(s.rural_unreached, rel=1e-3)
    cells = gpd.read_file(tmp_path / "out" / "gap_cells.geojson")
    assert cells["rural_unreached"].sum() == pytest.approx(s.rural_unreached, rel=1e-3)
    csv = pd.read_csv(tmp_path / "out" / "province_summary.csv", encoding="utf-8-sig")
    assert len(csv) == 31 and "西藏自治区" in set(csv["name_zh"])
    assert csv["outlets"].sum() == s.service_outlets
    xl = pd.read_excel(tmp_path / "out" / "province_summary.xlsx", sheet_name=None)
    assert set(xl) == {"provinces", "national"} and len(xl["provinces"]) == 31
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_export_rejects_unknown_format_and_file_as_folder(tmp_path):
    res = run_scenario(ScenarioParams(outlets=100, sites=40))
    with pytest.raises(ValueError, match="unknown export format"):
        export_results(res, tmp_path, ("shp",))
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(ValueError, match="not a folder"):
        export_results(res, f, ("csv",))
