"""Files the planner writes: normal permissions, one-sentence errors that name the folder
(never a temporary name), and exported GeoJSON layers named for what they hold."""
from __future__ import annotations

import json
import os
import stat

import pytest

from reach_planner.geo.atomic import TargetError, atomic_write_bytes, atomic_write_with
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario_file import map_view, save_scenario


def test_scenario_files_get_the_users_normal_permissions(tmp_path):
    mask = os.umask(0o022)
    try:
        p = save_scenario(tmp_path / "shared.rpscenario.json", ScenarioParams())
        q = atomic_write_with(tmp_path / "x.txt", lambda t: t.write_text("x"))
    finally:
        os.umask(mask)
    assert stat.S_IMODE(p.stat().st_mode) == 0o644  # a colleague can open it
    assert stat.S_IMODE(q.stat().st_mode) == 0o644


@pytest.mark.parametrize("folder", ["/proc", "/nonexistent-folder/sub"])
def test_an_unwritable_target_is_one_sentence_naming_the_folder(folder):
    for write in (lambda p: atomic_write_bytes(p, b"x"),
                  lambda p: atomic_write_with(p, lambda t: t.write_text("x"))):
        with pytest.raises(TargetError) as info:
            write(f"{folder}/report.pdf")
        text = str(info.value)
        assert text.startswith(f"cannot write report.pdf: the folder {folder} is not writable")
        assert ".report" not in text and "\n" not in text


def test_exported_geojson_layers_carry_their_own_name(tmp_path):
    from reach_planner.geo.export_data import export_results
    from reach_planner.geo.scenario import run_scenario

    result = run_scenario(ScenarioParams(outlets=300, sites=40))
    export_results(result, tmp_path, formats=("geojson",))
    for f in tmp_path.glob("*.geojson"):
        assert json.loads(f.read_text(encoding="utf-8"))["name"] == f.stem


def test_a_saved_map_view_is_read_back_only_when_sane():
    assert map_view({"map_view": {"lat": 31.2, "lon": 121.5, "zoom": 7}}) == {
        "lat": 31.2, "lon": 121.5, "zoom": 7.0}
    for bad in ({"lat": 95, "lon": 1, "zoom": 3}, {"lat": "x", "lon": 1, "zoom": 3},
                {"lat": 1, "lon": 1}, [1, 2, 3], None, {"lat": 1, "lon": 1, "zoom": True}):
        assert map_view({"map_view": bad}) is None
