"""Panels that cannot lie: Details, credits, the Scenario panel and the import dialog follow
the result, the imported layers and the language."""
from __future__ import annotations

import pytest

from reach_planner.geo.params import ScenarioParams
from tests.qt_helpers import idle, run_js, wait_until

pytestmark = pytest.mark.qt



def credit(w) -> str:
    return run_js(w.map, "document.querySelector('.leaflet-control-attribution').textContent")


def import_csv(w, path, monkeypatch, text: str, answer: str = "replace"):
    from reach_planner.ui import import_dialog

    def choose(self) -> int:
        (self.add if answer == "add" else self.replace).setChecked(True)
        return 0 if answer == "cancel" else 1

    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec", choose)
    path.write_text(text, encoding="utf-8")
    before = w.state.result
    w.import_file(path)
    assert wait_until(lambda: w.state.result is not before and idle(w), 60)


def test_details_follow_a_recompute_and_the_language(window):
    w = window
    w.state.select("gap", 3)
    n = len(w.state.result.gaps.regions)
    assert w.details.values()["Type"] == f"Gap region #3 of {n:,}"
    w.controls.outlets.setValue(1500)
    w.controls.apply()
    assert wait_until(lambda: idle(w) and w.state.params.outlets == 1500, 60)
    assert w.details.values() == {}  # a gap of the old result is not shown as current
    w.state.select("province", 52)
    pct = next(p for p in w.state.result.summary.provinces if p.gb_code == 52).rural_covered_pct
    assert f"({pct:.1f}%)" in w.details.values()["Rural covered"]
    w.controls.outlets.setValue(2500)
    w.controls.apply()
    assert wait_until(lambda: idle(w) and w.state.params.outlets == 2500, 60)
    pct2 = next(p for p in w.state.result.summary.provinces if p.gb_code == 52).rural_covered_pct
    assert f"({pct2:.1f}%)" in w.details.values()["Rural covered"]  # the new figure
    w.switch_language("zh")
    assert wait_until(lambda: "类型" in w.details.values(), 10)
    assert w.details.values()["类型"] == "省份"


def test_credits_name_the_imported_network_and_scale_units_follow_the_language(
        window, tmp_path, monkeypatch):
    w = window
    assert credit(w).endswith("network simulated")
    import_csv(w, tmp_path / "o.csv", monkeypatch, "lat,lon\n39.9,116.4\n30.6,104.1\n")
    assert wait_until(lambda: credit(w).endswith("network simulated + imported"), 20)
    from reach_planner.ui.maps.web import MapOptions, write_map

    page = write_map(w.state.result, tmp_path / "export.html", MapOptions())
    assert "network simulated + imported" in page.read_text(encoding="utf-8")
    assert "imported" in w._credit()
    scale = "document.querySelector('.leaflet-control-scale-line').textContent"
    assert run_js(w.map, scale).split()[-1] in ("km", "m")
    w.switch_language("zh")
    assert wait_until(lambda: idle(w) and (run_js(w.map, scale) or "").split()[-1:] in
                      (["公里"], ["米"]), 60)


def test_the_scenario_panel_shows_the_import_and_disables_what_it_replaces(
        window, tmp_path, monkeypatch):
    w = window
    c = w.controls
    assert c.outlets.isEnabled() and not c.imported.isVisible()
    import_csv(w, tmp_path / "o.csv", monkeypatch, "lat,lon\n39.9,116.4\n30.6,104.1\n")
    assert not c.outlets.isEnabled() and c.sites.isEnabled()
    assert "2 service outlets imported" in c.imported.text() and "o.csv" in c.imported.text()
    w.new_scenario()
    assert wait_until(lambda: idle(w) and w.state.overlay is None, 60)
    assert c.outlets.isEnabled() and w.state.params == ScenarioParams()
    assert w.state.path is None and not w.state.dirty


def test_a_second_import_adds_or_replaces(window, tmp_path, monkeypatch):
    w = window
    import_csv(w, tmp_path / "a.csv", monkeypatch, "lat,lon\n39.9,116.4\n30.6,104.1\n")
    import_csv(w, tmp_path / "b.csv", monkeypatch, "lat,lon\n23.1,113.3\n", answer="add")
    assert w.state.result.summary.service_outlets == 3
    assert w.state.overlay.source_name == "a.csv + b.csv"
    import_csv(w, tmp_path / "c.csv", monkeypatch, "lat,lon\n31.2,121.5\n", answer="replace")
    assert w.state.result.summary.service_outlets == 1
    before = w.state.result
    from reach_planner.ui import import_dialog

    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec", lambda self: 0)  # Cancel
    w.import_file(tmp_path / "a.csv")
    assert wait_until(lambda: w.state.runner.settled, 30)
    assert w.state.result is before and w.state.overlay.source_name == "c.csv"


def test_the_import_dialog_shows_columns_preview_and_honest_counts(window, tmp_path):
    from reach_planner.geo.sites_io import read_sites
    from reach_planner.ui.import_dialog import ImportReportDialog

    f = tmp_path / "s.csv"
    f.write_text("名称,纬度,经度\n甲,39.9,116.4\n乙,30.6,104.1\n", encoding="utf-8")
    dlg = ImportReportDialog(window, read_sites(f))
    assert "Latitude ← 纬度" in dlg.columns.text() and "Name ← 名称" in dlg.columns.text()
    assert dlg.preview.rowCount() == 2 and dlg.preview.item(0, 1).text() == "甲"
    swapped = tmp_path / "swapped.csv"
    swapped.write_text("lat,lon\n116.4,39.9\n104.1,30.6\n", encoding="utf-8")
    dlg = ImportReportDialog(window, read_sites(swapped))
    assert dlg.import_btn.text() == "Import 0 valid rows" and not dlg.import_btn.isEnabled()
    assert "swap" in dlg.nothing.text()
    dlg.swap.setChecked(True)
    assert dlg.import_btn.text() == "Import 2 valid rows" and dlg.import_btn.isEnabled()
    assert dlg.nothing.text() == ""
