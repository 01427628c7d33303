"""Scenario files on a shared drive (issue 19, items 5 and 6): Save never silently replaces a
colleague's newer file, keeps the file's mode and symlink, new files follow the umask; every
field of an opened file is checked, one line per problem, relative paths beside the file."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario_file import ScenarioFileError, load_scenario, save_scenario
from tests.conftest import ROOT

HEAD = {"format": "reach-planner-scenario", "version": 1}


def outlet(site_id="a", lon=116.4, lat=39.9, gb=11, name="x"):
    return {"site_id": site_id, "name": name, "lon": lon, "lat": lat, "gb_code": gb}


def write(path, doc):
    path.write_text(json.dumps({**HEAD, **doc}), encoding="utf-8")
    return path


# -- item 5: saving -----------------------------------------------------------------------
def test_save_refuses_a_file_a_colleague_changed_since_it_was_opened(tmp_path):
    from reach_planner.geo.scenario_file import ScenarioChanged

    path = save_scenario(tmp_path / "plan.rpscenario.json", ScenarioParams(seed=1))
    opened = load_scenario(path)
    save_scenario(path, ScenarioParams(seed=99))  # the colleague's save
    theirs = path.read_bytes()
    with pytest.raises(ScenarioChanged, match="changed on disk") as info:
        save_scenario(path, ScenarioParams(seed=2), expect=opened.stamp)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)
    assert path.read_bytes() == theirs
    os.utime(path, (1, 1))  # touched, not changed: saving is fine
    save_scenario(path, ScenarioParams(seed=2), expect=load_scenario(path).stamp)
    assert load_scenario(path).params.seed == 2


def test_save_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    path = save_scenario(tmp_path / "private.rpscenario.json", ScenarioParams(seed=1))
    os.chmod(path, 0o600)
    save_scenario(path, ScenarioParams(seed=2))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_saving_through_a_symlink_writes_the_real_file(tmp_path):
    real = save_scenario(tmp_path / "real.rpscenario.json", ScenarioParams(seed=1))
    link = tmp_path / "link.rpscenario.json"
    link.symlink_to(real.name)
    save_scenario(link, ScenarioParams(seed=2))
    assert link.is_symlink() and os.readlink(link) == real.name
    assert load_scenario(real).params.seed == 2


UMASK_SCRIPT = """
import os, sys
os.umask(0o077)
from pathlib import Path
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario_file import save_scenario
from reach_planner.ui.report.pack import write_files
d = Path(sys.argv[1])
save_scenario(d / "s.rpscenario.json", ScenarioParams())
write_files({d / "pack.pdf": b"%PDF", d / "pack.xlsx": b"x", d / "pages" / "00-national.png": b"p"})
"""


def test_new_scenarios_and_reports_follow_the_umask(tmp_path):
    subprocess.run([sys.executable, "-c", UMASK_SCRIPT, str(tmp_path)], check=True, cwd=ROOT)
    for name in ("s.rpscenario.json", "pack.pdf", "pack.xlsx", "pages/00-national.png"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


@pytest.mark.slow
def test_a_new_print_map_follows_the_umask(tmp_path):
    out = tmp_path / "map.png"
    subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o077); from reach_planner.main "
                    "import main; sys.exit(main(sys.argv[1:]))", "print-map", "--out", str(out),
                    "--dpi", "150", "--outlets", "300", "--sites", "40"], check=True, cwd=ROOT)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.slow
def test_cli_save_refuses_an_existing_file_unless_forced(tmp_path):
    path = tmp_path / "theirs.rpscenario.json"
    path.write_text("a colleague's work", encoding="utf-8")
    cmd = [sys.executable, str(ROOT / "main.py"), "save", "--out", str(path), "--outlets", "300"]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 1 and p.stderr.count("\n") == 1 and "--force" in p.stderr
    assert path.read_text(encoding="utf-8") == "a colleague's work"
    p = subprocess.run([*cmd, "--force"], capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert load_scenario(path).params.outlets == 300


# -- item 6: validation -------------------------------------------------------------------
def refused(path) -> list[str]:
    with pytest.raises(ScenarioFileError) as info:
        load_scenario(path)
    lines = str(info.value).splitlines()
    assert all(line.startswith(str(path)) for line in lines)
    return lines


def test_an_outlet_at_0_0_is_not_a_beijing_outlet(tmp_path):
    lines = refused(write(tmp_path / "a.json", {"params": {}, "imported": {
        "outlets": [outlet(lon=0, lat=0, gb=11)]}}))
    assert len(lines) == 1 and "imported.outlets[0]" in lines[0] and "not on land in China" in lines[0]


def test_a_gb_code_must_match_the_position(tmp_path):
    shijiazhuang = outlet("b", lon=114.51, lat=38.04, gb=11)  # in Hebei (13), labelled Beijing
    lines = refused(write(tmp_path / "a.json", {"params": {}, "imported": {
        "outlets": [outlet(), shijiazhuang]}}))
    assert len(lines) == 1 and "imported.outlets[1]" in lines[0] and "Hebei" in lines[0]


def test_duplicate_ids_are_refused(tmp_path):
    lines = refused(write(tmp_path / "a.json", {"params": {}, "imported": {
        "sites": [outlet("S1"), outlet("S2", 121.47, 31.23, 31), outlet("S1", 113.26, 23.13, 44)]}}))
    assert len(lines) == 1 and "imported.sites[2].site_id" in lines[0] and "repeats" in lines[0]


def test_a_5000_digit_integer_is_one_clear_line(tmp_path):
    p = tmp_path / "big.json"
    p.write_text('{"format": "reach-planner-scenario", "version": 1, "params": {"seed": '
                 + "9" * 5000 + "}}", encoding="utf-8")
    lines = refused(p)
    assert len(lines) == 1 and "params.seed" in lines[0] and "5,000 digits" in lines[0]
    assert len(lines[0]) < 200


def test_every_problem_gets_its_own_line(tmp_path):
    lines = refused(write(tmp_path / "many.json", {
        "params": {"outlets": -1, "radius_km": "far"},
        "imported": {"outlets": [outlet(name=5), outlet("b", lat=95), outlet("c", gb=99)]},
        "demand": {"name": 3}}))
    fields = ["params.outlets", "params.radius_km", "imported.outlets[0].name", "imported.outlets[1]",
              "imported.outlets[2].gb_code", "demand.name"]
    assert len(lines) == len(fields)
    for f, line in zip(fields, lines):
        assert f in line, (f, line)


def test_a_relative_demand_path_is_read_beside_the_scenario(tmp_path, monkeypatch):
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "orders.csv").write_text("lat,lon,amount\n39.9,116.4,100\n", encoding="utf-8")
    path = write(folder / "plan.json", {"params": {}, "demand": {
        "name": "imported", "file": "orders.csv", "kind": "points", "column": "amount",
        "path": "orders.csv"}})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "orders.csv").write_text("lat,lon,amount\n30.6,104.1,7\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    assert load_scenario(path).overlay.demand.rural.sum() == 100.0
