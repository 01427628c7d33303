"""Issue 23, second batch: defects 13, 16, 17, 19, 21 (zoom to a pick) and the Reach panel
cut at its right edge. Input is real: QTest mouse and keyboard on the widgets, modal dialogs
driven while they run, and page zoom through the map's own zoom button clicked on the view's
render widget (``focusProxy()``)."""
from __future__ import annotations

import json

import pytest

from reach_planner.geo.params import ScenarioParams
from tests.qt_helpers import close_window, idle, open_window, run_js, wait_until

pytestmark = pytest.mark.qt
PARAMS = ScenarioParams(outlets=3000, sites=300, seed=8)


@pytest.fixture
def window(qapp):
    w = open_window(PARAMS)
    yield w
    close_window(w)


def click(widget, pos=None) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    assert widget.isEnabled() and widget.isVisible(), widget
    if pos is None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def when_modal(kind, act) -> list:
    """Run ``act(dialog)`` once a modal dialog of ``kind`` is up (it runs its own loop)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen: list = []

    def poll() -> None:
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, kind) and dlg.isVisible():
            seen.append(dlg)
            try:
                act(dlg)
            finally:  # a failed check must not leave a modal dialog blocking the run
                if dlg.isVisible():
                    dlg.reject()
        else:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)
    return seen


def view_of(w) -> dict:
    return json.loads(run_js(w.map, "(function(){var b = rp.map.getBounds(), c = rp.map.getCenter();"
                                    "return JSON.stringify({zoom: rp.map.getZoom(), lat: c.lat, lon: c.lng,"
                                    "s: b.getSouth(), w: b.getWest(), n: b.getNorth(), e: b.getEast()});})()"))


def page_point(w, selector: str):
    from PySide6.QtCore import QPoint

    x, y = json.loads(run_js(w.map, f"(function(){{var r = document.querySelector({json.dumps(selector)})"
                                    ".getBoundingClientRect(); return JSON.stringify([r.left + r.width / 2,"
                                    " r.top + r.height / 2]);})()"))
    return QPoint(int(round(x)), int(round(y)))


# -- 17: the column-mapping dialog ---------------------------------------------------------
def test_column_mapping_starts_on_two_columns_and_refuses_one_for_both(qapp):
    """23.17: latitude and longitude were both preset to the first column, and OK took it."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from reach_planner.ui.import_dialog import ColumnMappingDialog

    dlg = ColumnMappingDialog(None, "sites.csv", ["名字", "北", "东"])
    dlg.show()
    try:
        lat, lon = dlg.boxes["lat"], dlg.boxes["lon"]
        assert (lat.currentText(), lon.currentText()) == ("名字", "北")  # distinct, in file order
        assert dlg.ok.isEnabled() and not dlg.problem.isVisible()
        lon.setFocus()
        QTest.keyClick(lon, Qt.Key.Key_Up)  # the planner picks latitude's column again
        assert lon.currentText() == "名字"
        assert not dlg.ok.isEnabled() and dlg.problem.isVisible()
        assert "different columns" in dlg.problem.text()
        QTest.keyClick(dlg, Qt.Key.Key_Return)  # Enter does not get round it
        assert dlg.isVisible() and dlg.result() == 0
        lat.setFocus()
        QTest.keyClick(lat, Qt.Key.Key_Down)
        QTest.keyClick(lat, Qt.Key.Key_Down)
        assert lat.currentText() == "东" and dlg.ok.isEnabled()
        click(dlg.ok)
        assert not dlg.isVisible() and dlg.result() == 1
        assert (dlg.mapping().lat, dlg.mapping().lon) == ("东", "名字")
    finally:
        dlg.deleteLater()


def test_column_presets_use_hints_in_the_names():
    from reach_planner.geo.columns import preset_coordinates

    assert preset_coordinates(["id", "Lon_WGS", "Lat_WGS"]) == ("Lat_WGS", "Lon_WGS")
    assert preset_coordinates(["点", "纬度值", "经度值"]) == ("纬度值", "经度值")
    assert preset_coordinates(["only"]) == ("only", None)


def label_texts(dlg) -> list[str]:
    from PySide6.QtWidgets import QLabel

    return [lab.text() for lab in dlg.findChildren(QLabel)]


def test_the_import_report_counts_in_the_singular_and_plural(qapp, tmp_path):
    """23.17: it said "1 rows read" (and "Import 1 valid rows")."""
    from reach_planner.geo.sites_io import read_sites
    from reach_planner.ui.i18n import set_language
    from reach_planner.ui.import_dialog import ImportReportDialog

    one = tmp_path / "one.csv"
    one.write_text("lat,lon\n39.9,116.4\n", encoding="utf-8")
    two = tmp_path / "two.csv"
    two.write_text("lat,lon,type\n39.9,116.4,outlet\n30.6,104.1,distribution\n", encoding="utf-8")
    dlg1, dlg2 = ImportReportDialog(None, read_sites(one)), ImportReportDialog(None, read_sites(two))
    assert any(t.startswith("1 row read: 0 distribution sites and 1 service outlet are valid, "
                            "0 rows would be skipped.") for t in label_texts(dlg1)), label_texts(dlg1)
    assert any(t.startswith("2 rows read: 1 distribution site and 1 service outlet")
               for t in label_texts(dlg2))
    assert dlg1.import_btn.text() == "Import 1 valid row" and dlg2.import_btn.text() == "Import 2 valid rows"
    set_language("zh", remember=False)
    try:
        dlg = ImportReportDialog(None, read_sites(one))
        assert any(t.startswith("共读取 1 行：") for t in label_texts(dlg)), label_texts(dlg)
        assert dlg.import_btn.text() == "导入 1 行有效数据"
    finally:
        set_language("en", remember=False)


# -- 19: import adds or replaces, and says which; Compare leads with the loss -----------------
def import_with(w, path, choose) -> list:
    """Import ``path`` through the real report dialog: ``choose(dialog)`` clicks in it."""
    from reach_planner.ui.import_dialog import ImportReportDialog

    def act(dlg) -> None:
        choose(dlg)
        click(dlg.import_btn)

    seen = when_modal(ImportReportDialog, act)
    before = w.state.result
    w.import_file(path)
    assert wait_until(lambda: bool(seen) and w.state.result is not before and idle(w), 30)
    return seen


def test_an_import_adds_by_default_replaces_on_request_and_compare_shows_the_loss(window, tmp_path):
    """23.19: 18 imported outlets silently replaced 17,000 simulated ones, and Compare then
    headlined "117 newly covered" while 445.7 M people were lost."""
    w = window
    click(w.compare.set_a)
    assert wait_until(lambda: w.state.baseline is not None, 10)
    two = tmp_path / "two.csv"
    two.write_text("lat,lon\n39.9,116.4\n30.6,104.1\n", encoding="utf-8")
    texts: dict = {}

    def look(dlg) -> None:
        texts.update(add=dlg.add.text(), replace=dlg.replace.text(), checked=dlg.add.isChecked())

    import_with(w, two, look)
    assert texts == {"add": "Add them to the 3,000 service outlets now in the scenario",
                     "replace": "Replace the 3,000 service outlets now in the scenario with them",
                     "checked": True}
    assert w.state.result.summary.service_outlets == 3002  # added: nothing was lost
    assert w.reach.values["network"].text() == "sites simulated, outlets simulated + imported (two.csv)"
    assert w.controls.outlets.isEnabled()  # the simulated count still counts
    one = tmp_path / "one.csv"
    one.write_text("lat,lon\n31.2,121.5\n", encoding="utf-8")
    import_with(w, one, lambda dlg: click(dlg.replace))
    assert w.state.result.summary.service_outlets == 1
    assert w.reach.values["network"].text() == "sites simulated, outlets imported (one.csv)"
    cmp = w.state.comparison
    assert cmp is not None and cmp.lost_people > 1e6
    note = w.compare.note.text()
    assert note.startswith("−") and " lost, " in note, note
    from reach_planner.ui.i18n import fmt_count

    assert note.startswith("−" + fmt_count(abs(cmp.net_covered)) + " rural people covered, net: "
                           + fmt_count(cmp.lost_people) + " lost, ")


def test_an_added_layer_survives_a_save_and_an_open(tmp_path):
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.geo.scenario_file import load_scenario, save_scenario
    from reach_planner.geo.sites_io import overlay_from, read_sites

    f = tmp_path / "two.csv"
    f.write_text("lat,lon\n39.9,116.4\n30.6,104.1\n", encoding="utf-8")
    params = ScenarioParams(outlets=1000, sites=100)
    overlay = overlay_from(read_sites(f), add=True)
    assert overlay.adds == ("outlets",)
    assert run_scenario(params, overlay=overlay).summary.service_outlets == 1002
    path = save_scenario(tmp_path / "s.rpscenario.json", params, overlay)
    back = load_scenario(path)
    assert back.overlay.adds == ("outlets",)
    assert run_scenario(back.params, overlay=back.overlay).summary.service_outlets == 1002
    replaced = overlay.replaced(overlay_from(read_sites(f)))
    assert replaced.adds == () and run_scenario(params, overlay=replaced).summary.service_outlets == 2


# -- 16: Whole country, and the layer list on a narrow map -------------------------------------
def test_whole_country_frames_china_exactly_as_at_launch(window):
    """23.16: Ctrl+0 framed China one zoom level looser than the launch view."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    w = window
    launch = view_of(w)
    for _ in range(2):  # the map's own zoom-in button, clicked on the page
        click(w.map.focusProxy(), page_point(w, ".leaflet-control-zoom-in"))
        wait_until(lambda: False, 0.4)
    assert wait_until(lambda: view_of(w)["zoom"] > launch["zoom"], 10)
    w.activateWindow()
    QTest.keyClick(w, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert wait_until(lambda: view_of(w)["zoom"] == launch["zoom"], 10), (view_of(w), launch)
    after = view_of(w)
    pixel = 360 / (256 * 2 ** launch["zoom"])  # degrees of longitude per pixel
    for k in ("lat", "lon", "s", "w", "n", "e"):  # the same framing, to a pixel
        assert after[k] == pytest.approx(launch[k], abs=pixel), k


def test_the_layer_list_folds_on_a_narrow_map_and_opens_on_a_wide_one(qapp):
    """23.16/23.9: at 1024 x 700 the open layer list covered the map."""
    w = open_window(PARAMS, (1024, 700))
    expanded = ("document.querySelector('.leaflet-control-layers')"
                ".classList.contains('leaflet-control-layers-expanded')")
    try:
        assert run_js(w.map, "rp.map.getSize().x") < 700
        assert wait_until(lambda: run_js(w.map, expanded) is False, 5)
        width = run_js(w.map, "document.querySelector('.leaflet-control-layers').offsetWidth")
        assert width < 60  # the folded button, not the list
        w.resize(1900, 1100)
        assert wait_until(lambda: run_js(w.map, "rp.map.getSize().x") >= 700, 10)
        assert wait_until(lambda: run_js(w.map, expanded) is True, 10)
    finally:
        close_window(w)


# -- 21: zoom to a pick -----------------------------------------------------------------------
def test_a_click_on_a_pick_shows_its_service_radius_not_a_street_scale(window):
    """23.21: zoom-to-pick went to a 20 km scale."""
    from PySide6.QtCore import Qt

    w = window
    panel = w.recommender
    w.docks["recommend"].raise_()
    panel.count.setValue(5)
    click(panel.run)
    assert wait_until(lambda: w.state.recommendation is not None and idle(w), 90)
    rec = w.state.recommendation
    table = panel.picks
    assert wait_until(lambda: table.rowCount() == 5 and table.isVisible(), 10)
    before = view_of(w)
    rect = table.visualItemRect(table.item(0, 1))
    click(table.viewport(), rect.center())
    i = int(table.item(0, 0).data(Qt.ItemDataRole.UserRole))
    assert wait_until(lambda: view_of(w)["zoom"] != before["zoom"], 10)
    view = view_of(w)
    lat, lon = float(rec.sites["lat"].iloc[i]), float(rec.sites["lon"].iloc[i])
    import math

    dlat = rec.radius_km / 111.2
    dlon = dlat / math.cos(math.radians(lat))
    assert view["zoom"] <= 9
    assert view["s"] < lat - dlat and view["n"] > lat + dlat  # the whole radius circle ...
    assert view["w"] < lon - dlon and view["e"] > lon + dlon
    assert view["n"] - view["s"] < 12 * dlat  # ... and not the whole region around it
    assert w.state.selection == ("recommended", i)


# -- the Reach panel ----------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(1600, 1000), (1024, 700)])
def test_the_reach_panel_wraps_long_values_instead_of_cutting_them(qapp, size):
    """At 1600 x 1000 "478,351,611 (93.83%, two outlets or more in reach)" and the
    announcement ran past the dock's right edge, behind a horizontal scroll bar."""
    w = open_window(PARAMS, size)
    try:
        scroll = w.docks["reach"].widget()
        wait_until(lambda: False, 0.5)
        assert not scroll.horizontalScrollBar().isVisible()
        port = scroll.viewport()
        panel = w.reach
        labels = [*panel.values.values(), panel.context]
        assert "two outlets or more" in panel.values["backed_up"].text()
        for lab in labels:
            right = lab.mapTo(port, lab.rect().topRight()).x()
            assert right <= port.width(), (lab.text(), right, port.width())
            assert lab.height() >= lab.heightForWidth(lab.width()) - 1, lab.text()  # not cut below
            assert lab.fontMetrics().horizontalAdvance(lab.text()) <= lab.width() or lab.wordWrap()
    finally:
        close_window(w)


# -- 13: the Close the gaps figures name their distance ---------------------------------------
@pytest.mark.slow
def test_close_the_gaps_names_terrain_after_a_terrain_recompute(window):
    """23.13: with terrain distance the panel gave figures without naming the distance."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    w = window
    box = w.controls.distance
    box.setFocus()
    while box.currentData() != "terrain":
        before = box.currentIndex()
        QTest.keyClick(box, Qt.Key.Key_Down)
        assert box.currentIndex() != before, "no terrain entry"
    click(w.controls.recompute)
    assert wait_until(lambda: idle(w) and w.state.params.distance == "terrain", 300)
    w.docks["recommend"].raise_()
    panel = w.recommender
    panel.count.setValue(5)
    click(panel.run)
    assert wait_until(lambda: w.state.recommendation is not None and idle(w), 300)
    assert w.state.recommendation.distance == "terrain"
    assert "[over terrain]" in panel.summary.text() and "[straight line]" not in panel.summary.text()
