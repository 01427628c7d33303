"""File work in the window: import (menu, drop), failed imports, scenarios, results."""
from __future__ import annotations

import pytest

from reach_planner.geo.params import ScenarioParams
from tests.qt_helpers import close_window, idle, open_window, wait_until

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qapp):
    w = open_window(ScenarioParams(outlets=3000, sites=300))
    yield w
    close_window(w)


def panel_texts(w) -> dict[str, str]:
    return {k: v.text() for k, v in w.reach.values.items()}


def test_failed_import_leaves_the_panels_unchanged(window, tmp_path, message_boxes):
    before, result = panel_texts(window), window.state.result
    bad = tmp_path / "broken.xlsx"
    bad.write_text("this is not a workbook", encoding="utf-8")
    window.import_file(bad)
    assert wait_until(lambda: bool(message_boxes), 20)
    kind, _title, text = message_boxes[-1]
    assert kind == "warning" and "scenario is unchanged" in text and "not an XLSX" in text
    assert "broken.xlsx" in text
    assert window.state.result is result and panel_texts(window) == before
    assert window.state.overlay is None


def test_import_shows_the_report_then_replaces_outlets(window, tmp_path, monkeypatch):
    from reach_planner.ui import import_dialog

    seen = {}

    def accept(self):
        seen["rows"] = self.table.rowCount()
        seen["first"] = [self.table.item(0, c).text() for c in range(4)]
        self.replace.setChecked(True)  # the simulated outlets go (the default adds)
        self.empty.setChecked(False)
        return 1

    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec", accept)
    f = tmp_path / "outlets_gbk.csv"
    f.write_bytes("名称,纬度,经度\n甲,39.9,116.4\n乙,30.6,104.1\n丙,abc,1\n".encode("gbk"))
    window.import_file(f)
    assert wait_until(lambda: window.state.overlay is not None and idle(window), 60)
    assert seen == {"rows": 1, "first": ["outlets_gbk.csv", "4", "纬度",
                                         "latitude is not a number: 'abc'"]}
    assert window.reach.values["outlets"].text() == "2"
    assert window.reach.values["sites"].text() == "300"  # the other layer stays simulated
    assert window.reach.values["network"].text() == ("sites simulated, outlets imported "
                                                     "(outlets_gbk.csv)")
    assert window.state.dirty and "*" in window.windowTitle()


def import_outlets(window, tmp_path, monkeypatch):
    from reach_planner.ui import import_dialog

    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec",
                        lambda self: (self.replace.setChecked(True), 1)[1])
    f = tmp_path / "two.csv"
    f.write_text("lat,lon\n39.9,116.4\n30.6,104.1\n", encoding="utf-8")
    window.import_file(f)
    assert wait_until(lambda: window.state.overlay is not None and idle(window), 60)


def test_save_and_open_scenario_round_trip(window, tmp_path, monkeypatch):
    import_outlets(window, tmp_path, monkeypatch)
    path = tmp_path / "mine.rpscenario.json"
    assert window._save_to(path)
    assert not window.state.dirty and window.windowTitle().startswith("mine.rpscenario.json —")
    assert str(path) in window.recent_files()
    window.controls.outlets.setValue(1500)
    window.controls.apply()
    assert wait_until(lambda: idle(window) and window.state.dirty, 60)
    window.open_scenario(path)  # unsaved changes: the (recorded) prompt answers Discard
    assert wait_until(lambda: idle(window) and window.state.overlay is not None, 60)
    assert window.reach.values["outlets"].text() == "2"
    assert not window.state.dirty and window.state.path == path


def test_dropping_a_site_file_imports_it(window, tmp_path, monkeypatch):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    from reach_planner.ui import import_dialog

    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec", lambda self: 1)
    f = tmp_path / "drop.csv"
    f.write_text("lat,lon,type\n23.1,113.3,distribution\n", encoding="utf-8-sig")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f))])
    ev = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                    Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    assert window._dropped_file(ev) == f
    window.dropEvent(ev)
    assert wait_until(lambda: idle(window) and window.reach.values["sites"].text() == "301", 60)
    assert window.state.overlay.adds == ("sites",)  # added to the simulated sites: the default


def test_export_results_from_the_window(window, tmp_path):
    window.export_results_to(tmp_path / "results")
    assert wait_until(lambda: "Wrote" in window.statusBar().currentMessage(), 60)
    names = {p.name for p in (tmp_path / "results").iterdir()}
    assert {"reach_results.gpkg", "province_summary.csv", "province_summary.xlsx"} <= names
    import geopandas as gpd

    g = gpd.read_file(tmp_path / "results" / "reach_results.gpkg", layer="outlets")
    assert len(g) == window.state.result.summary.service_outlets
