"""recommend on the command line: JSON keys, no abbreviations, picks out and back in."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SMALL = ["--outlets", "3000", "--sites", "300", "--seed", "5"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_cli_recommend_json_has_bound_gap_status_and_candidates():
    p = run_cli("recommend", "--count", "25", "--json", "--province", "63", "--method", "exact",
                *SMALL)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)  # nothing else (no solver banner) on stdout
    assert d["count"] == 25 and len(d["outlets"]) == 25
    assert {"bound", "gap_pct", "status", "candidates_used", "curve", "reduction"} <= set(d)
    assert d["status"] == "optimal" and d["bound"] == pytest.approx(d["newly_covered"], abs=1)
    assert d["candidates_used"] >= d["reduction"]["candidates_kept"] > 0
    assert d["rural_covered_pct_after"] > d["rural_covered_pct_before"]


def test_picks_out_and_back_in_give_the_after_figure(tmp_path):
    for ext in ("csv", "geojson", "gpkg"):
        out = tmp_path / f"picks.{ext}"
        p = run_cli("recommend", "--count", "12", "--province", "64", "--json", "--out", str(out),
                    *SMALL)
        assert p.returncode == 0, p.stderr
        rec = json.loads(p.stdout)
        s = run_cli("summary", "--json", "--add-sites", str(out), *SMALL)
        assert s.returncode == 0, s.stderr
        summary = json.loads(s.stdout)
        assert summary["service_outlets"] == 3000 + rec["count"]
        assert summary["rural_covered"] == pytest.approx(rec["rural_covered_after"], abs=2)


def test_candidates_file_limits_the_choice(tmp_path):
    cands = tmp_path / "cands.csv"
    cands.write_text("name,lat,lon\nXining east,36.62,101.95\nGolmud,36.40,94.90\n"
                     "Yushu,33.00,97.00\n", encoding="utf-8")
    p = run_cli("recommend", "--count", "5", "--json", "--candidates", str(cands), *SMALL)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["candidates_used"] == 3 and 1 <= d["count"] <= 3
    assert all(o["name"].split("near ")[-1].rstrip(")") in {"Xining east", "Golmud", "Yushu"}
               for o in d["outlets"])


@pytest.mark.parametrize("args,needle", [
    (["recommend", "--count", "0"], "count must be between"),
    (["recommend", "--target-pct", "150"], "at most 100"),
    (["recommend", "--outl", "5"], "unrecognized arguments: --outl"),  # no abbreviations
    (["summary", "--out", "x.csv"], "unrecognized arguments: --out"),
    (["recommend", "--count", "3", "--out", "picks.shp"], "unsupported pick file type"),
    (["recommend", "--count", "3", "--add-sites", "no_such_file.csv"], "file not found"),
])
def test_cli_recommend_errors_are_one_line(args, needle):
    p = run_cli(*args)
    assert p.returncode != 0 and needle in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_curve_export(tmp_path):
    table, chart = tmp_path / "curve.csv", tmp_path / "curve.png"
    for out in (table, chart):
        p = run_cli("recommend", "--count", "20", "--method", "greedy", "--curve", str(out), *SMALL)
        assert p.returncode == 0, p.stderr
    rows = table.read_text().splitlines()
    assert rows[0] == "new_outlets,newly_covered,rural_covered_pct" and len(rows) == 22
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_close_capacity_and_backup_json():
    p = run_cli("recommend", "--close", "100", "--json", *SMALL)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["close"] == 100 and len(d["closed"]) == 100 and d["lost_bound"] <= d["lost"]
    c = run_cli("capacity", "--households", "3000", "--json", *SMALL)
    assert c.returncode == 0, c.stderr
    cap = json.loads(c.stdout)
    assert cap["households_served"] <= cap["households_covered"] and cap["household_size"] == 2.62
    b = run_cli("recommend", "--backup", "--count", "10", "--json", *SMALL)
    assert b.returncode == 0, b.stderr
    assert json.loads(b.stdout)["backed_up_after"] > json.loads(b.stdout)["backed_up_before"]


def test_terrain_picks_out_and_back_in_give_the_terrain_after_figure(tmp_path):
    """Issue 21: recommend --distance terrain reports what summary --distance terrain
    --add-sites prints (and backup's after is what summary's rural_backed_up says)."""
    out = tmp_path / "picks.csv"
    p = run_cli("recommend", "--count", "8", "--province", "63", "--method", "greedy", "--json",
                "--distance", "terrain", "--out", str(out), *SMALL)
    assert p.returncode == 0, p.stderr
    rec = json.loads(p.stdout)
    assert rec["distance"] == "terrain"
    s = json.loads(run_cli("summary", "--json", "--distance", "terrain", "--add-sites", str(out),
                           *SMALL).stdout)
    assert s["rural_covered"] == pytest.approx(rec["rural_covered_after"], abs=2)
    backup = tmp_path / "backup.csv"
    b = run_cli("recommend", "--backup", "--count", "6", "--method", "greedy", "--json",
                "--out", str(backup), *SMALL)
    assert b.returncode == 0, b.stderr
    d = json.loads(b.stdout)
    s = json.loads(run_cli("summary", "--json", "--add-sites", str(backup), *SMALL).stdout)
    assert s["rural_backed_up"] == pytest.approx(d["backed_up_after"], abs=2)
    assert d["bound"] >= d["backed_up_after"] - d["backed_up_before"]
