"""The package is real: a wheel built from the tracked files installs outside the source
tree and runs with all its data (no path into the checkout, no editable install)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _tracked_copy(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.fail("the package test needs the git checkout (it builds from tracked files)")
    src = _tracked_copy(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(src)], check=True, capture_output=True)
    return next(out.glob("reach_planner-*.whl"))


def test_wheel_holds_one_package_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"reach_planner"}  # nothing generic like geo/ or ui/ at the top
    for must in ("reach_planner/main.py", "reach_planner/geo/scenario.py",
                 "reach_planner/ui/maps/web.py", "reach_planner/resources/data/provinces.geojson",
                 "reach_planner/resources/web/leaflet/leaflet.js",
                 "reach_planner/resources/i18n/reach_planner_zh_CN.qm",
                 "reach_planner/resources/ATTRIBUTION.md"):
        assert must in names, must
    tracked = subprocess.run(["git", "ls-files", "geo", "ui", "resources"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    shipped = [f for f in tracked if not f.startswith("resources/tools/")]
    missing = [f for f in shipped if f"reach_planner/{f}" not in names]
    assert not missing, f"not in the wheel (add the package or data to pyproject.toml): {missing}"


def test_installed_wheel_runs_summary_from_any_folder(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    # Dependencies come from this environment's site-packages (a plain path entry, so its
    # editable-install hook is not loaded); reach_planner itself only from the wheel.
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps",
                    str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    p = subprocess.run([str(env_dir / "bin" / "reach-planner"), "summary", "--json", "--outlets", "3000"],
                       cwd=elsewhere, capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["service_outlets"] == 3000 and len(data["provinces"]) == 31
    where = subprocess.run([str(py), "-c", "import reach_planner.geo.data as d; print(d.RESOURCES)"],
                           cwd=elsewhere, capture_output=True, text=True, check=True, env=env).stdout.strip()
    assert Path(where).is_relative_to(env_dir) and not Path(where).is_relative_to(ROOT)
