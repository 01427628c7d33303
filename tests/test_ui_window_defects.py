"""Issue 23: defects found by a real-click walk through the window, one test each.

Clicks are real mouse events (QTest) on the widgets; file dialogs are answered by a stub,
since a modal native dialog cannot be driven offscreen.
"""
from __future__ import annotations

import pytest

from reach_planner.geo.params import ScenarioParams
from tests.qt_helpers import close_window, idle, open_window, wait_until

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qapp):
    w = open_window(ScenarioParams(outlets=3000, sites=300, seed=8))
    yield w
    close_window(w)


def click(widget) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    assert widget.isEnabled() and widget.isVisible()
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_export_recommended_outlets_button_opens_the_dialog_and_writes(window, tmp_path, monkeypatch,
                                                                      message_boxes):
    """23.1: the button's clicked(False) was taken as the path ("expected str ... not bool")."""
    from PySide6.QtWidgets import QFileDialog

    w = window
    w.left_tabs.setCurrentWidget(w.recommender) if hasattr(w, "left_tabs") else None
    panel = w.recommender
    panel.count.setValue(5)
    panel.run.click()
    assert wait_until(lambda: w.state.recommendation is not None and idle(w), 90)
    target = tmp_path / "picks.csv"
    asked = []

    def answer(*args, **kwargs):
        asked.append(args)
        return str(target), "CSV (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    panel.export.setVisible(True)
    click(panel.export)
    assert asked, "no file dialog was shown"
    assert wait_until(lambda: target.exists() and idle(w), 30)
    assert not message_boxes, message_boxes
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 5


def test_compare_names_a_change_of_distance():
    """23.5: straight line -> terrain was reported as "same parameters"."""
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.ui.recommend_panel import differences

    a = run_scenario(ScenarioParams(outlets=2000, sites=200))
    b = run_scenario(ScenarioParams(outlets=2000, sites=200, distance="terrain"))
    assert a.summary.rural_covered != b.summary.rural_covered
    changes = differences(a, b)
    assert changes == ["Distance straight line → over terrain"]
    assert differences(a, a) == []


def test_a_radius_typed_with_a_comma_is_refused_not_multiplied(qapp):
    """23.4: "20,5" became 205 km; with a "." locale it is refused, "1,000" stays a thousand."""
    from PySide6.QtCore import QLocale, Qt
    from PySide6.QtTest import QTest

    from reach_planner.ui.panels import NumberField, plain_number

    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    try:
        _type_numbers(NumberField, plain_number, QTest, Qt)
    finally:
        QLocale.setDefault(before)


def _type_numbers(NumberField, plain_number, QTest, Qt) -> None:  # noqa: N803
    field = NumberField(0.1, 1000, integer=False, unit="km")
    QTest.keyClicks(field, "20,5")
    assert field.value() is None and "b00020" in field.styleSheet()
    field.clear()
    QTest.keyClicks(field, "1,000")
    assert field.value() == 1000
    field.clear()
    QTest.keyClicks(field, "20.5 km")
    assert field.value() == 20.5
    assert plain_number("20,5", ",") == "20.5" and plain_number("1.000,5", ",") == "1000.5"
    assert plain_number("20.5", ",") is None and plain_number("2,00", ".") is None
    outlets = NumberField(0, 500000, integer=True)
    QTest.keyClicks(outlets, "17,000")
    assert outlets.value() == 17000
    QTest.keyPress(outlets, Qt.Key.Key_Backspace)
    assert outlets.value() is None  # "17,00" is no grouping: refused, not 1,700


def test_first_image_export_on_a_new_account_offers_a_folder_that_exists(qapp, tmp_path, monkeypatch):
    """23.12: the default folder ~/Pictures did not exist on a new account."""
    from PySide6.QtCore import QSettings, QStandardPaths

    from reach_planner.ui import export_dialog

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    QSettings().remove(export_dialog.SETTINGS_KEY)
    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(lambda loc: str(home / "Pictures")))
    monkeypatch.setattr(export_dialog.Path, "home", staticmethod(lambda: home))
    assert export_dialog.last_folder() == str(home)
    (home / "Pictures").mkdir()
    assert export_dialog.last_folder() == str(home / "Pictures")
    QSettings().setValue(export_dialog.SETTINGS_KEY, str(tmp_path / "gone"))
    try:
        assert export_dialog.last_folder() == str(home / "Pictures")  # a deleted last folder is skipped
    finally:
        QSettings().remove(export_dialog.SETTINGS_KEY)


QUIT_WHILE_RUNNING = """
import sys
from reach_planner.ui.qt_env import prepare_qt_environment
prepare_qt_environment(headless=True)
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from reach_planner.geo.params import ScenarioParams
from reach_planner.ui.mainwindow import MainWindow
app = QApplication(sys.argv)
w = MainWindow(); w.resize(1000, 700); w.show()
w.start(ScenarioParams(outlets=1000, sites=100))
def step():
    if w.state.result is None or w.state.busy:
        QTimer.singleShot(100, step); return
    w.state.change(ScenarioParams(outlets=1300, sites=100))  # a recompute still running ...
    w.state.undo_stack.setClean()
    w.close()  # ... when the planner quits
QTimer.singleShot(100, step)
app.exec()
print("quit")
"""


@pytest.mark.slow
def test_quitting_while_a_job_runs_prints_no_traceback(tmp_path):
    """23.18: quitting printed "RuntimeError: Signal source has been deleted" (ui/runner.py)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", QUIT_WHILE_RUNNING], capture_output=True, text=True,
                          timeout=300, env=env)
    assert proc.returncode == 0 and proc.stdout.strip() == "quit", proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "Signal source has been deleted" not in proc.stderr, proc.stderr


def test_a_small_window_keeps_over_40_percent_of_its_width_for_the_map(qapp):
    """23.9: at 1024 x 700 the docks did not shrink and the map was 150-255 px wide; opening
    Close the gaps widened the left dock for good."""
    from PySide6.QtCore import QSize

    from reach_planner.ui.mainwindow import MainWindow, fitted_size

    assert fitted_size(QSize(1024, 700))[0] <= 1024 and fitted_size(QSize(1920, 1080)) == (1500, 920)
    w = MainWindow()
    try:
        w.resize(1024, 700)
        w.show()
        assert wait_until(lambda: w.map.width() >= 0.4 * w.width(), 10), w.map.width()
        left = w.docks["controls"].width()
        w.docks["recommend"].raise_()  # the Close the gaps tab: a wider panel
        wait_until(lambda: False, 0.5)
        assert w.docks["recommend"].width() <= left + 2
        assert w.map.width() >= 0.4 * w.width()
    finally:
        close_window(w)


def test_details_show_many_rows_and_start_at_the_top(window):
    """23.15: Details showed about 5 rows and kept its old scroll position."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    w = window
    table = w.provinces

    def click_row(row: int) -> None:
        rect = table.visualRect(table.proxy.index(row, 0))
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    click_row(0)
    assert wait_until(lambda: len(w.details.values()) >= 8, 10)
    labels = [w.details.form.itemAt(r, w.details.form.ItemRole.FieldRole).widget()
              for r in range(w.details.form.rowCount())]
    wait_until(lambda: False, 0.3)
    shown = [lab for lab in labels if not lab.visibleRegion().isEmpty()]
    assert len(shown) == len(labels), f"{len(shown)} of {len(labels)} rows visible"
    bar = w.details.scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    click_row(1)
    assert wait_until(lambda: bar.value() == 0, 5)


def test_the_coverage_curve_fits_its_panel_with_every_mark_readable(window):
    """23.15: the curve's y-label and 98% mark were clipped in the Close the gaps dock."""
    from reach_planner.ui.maps.curve_chart import curve_figure

    w = window
    panel = w.recommender
    panel.count.setValue(60)
    panel.run.click()
    assert wait_until(lambda: w.state.recommendation is not None and idle(w), 90)
    w.docks["recommend"].raise_()
    assert wait_until(lambda: panel.curve.pixmap() is not None and not panel.curve.pixmap().isNull(), 10)
    wait_until(lambda: False, 0.5)
    assert panel.curve.pixmap().width() <= panel.curve.width()
    rec = w.state.recommendation
    fig = curve_figure(rec, 2.8, 1.8)
    fig.canvas.draw()
    box = fig.bbox
    renderer = fig.canvas.get_renderer()
    texts = [t for ax in fig.axes for t in (*ax.texts, ax.title, ax._left_title, ax.yaxis.label, ax.xaxis.label)
             if t.get_text()]
    assert any("%" in t.get_text() for t in texts) or not any(k for k in rec.curve_marks().values())
    for t in texts:
        e = t.get_window_extent(renderer)
        assert e.x0 >= box.x0 - 1 and e.x1 <= box.x1 + 1 and e.y0 >= box.y0 - 1 and e.y1 <= box.y1 + 1, t.get_text()


def test_the_report_workbook_follows_the_pdf_until_edited(qapp, tmp_path):
    """23.21: the report dialog's workbook path did not follow the PDF path."""
    from PySide6.QtTest import QTest

    from reach_planner.ui.report_dialog import ReportDialog

    d = ReportDialog(None)
    try:
        d.path.clear()
        QTest.keyClicks(d.path, str(tmp_path / "north" / "plan.pdf"))
        assert d.xlsx.text() == str(tmp_path / "north" / "plan.xlsx")
        d.xlsx.clear()
        QTest.keyClicks(d.xlsx, str(tmp_path / "book.xlsx"))  # the planner's own choice ...
        QTest.keyClicks(d.path, "x")
        assert d.xlsx.text() == str(tmp_path / "book.xlsx")  # ... is kept
    finally:
        d.deleteLater()


def test_esc_clears_the_selection(window):
    """23.21: Esc did not clear the selection."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    w = window
    table = w.provinces
    rect = table.visualRect(table.proxy.index(0, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert wait_until(lambda: w.state.selection is not None and w.details.values(), 10)
    QTest.keyClick(table, Qt.Key.Key_Escape)
    assert wait_until(lambda: w.state.selection is None and not w.details.values(), 5)
    assert not table.selectionModel().hasSelection()


def test_save_as_without_an_extension_writes_a_file_open_lists(window, tmp_path, monkeypatch):
    """23.6: Save as "myscenario" wrote no extension, and Open (*.json) did not list it."""
    from PySide6.QtWidgets import QFileDialog

    from reach_planner.geo.scenario_file import load_scenario

    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "myscenario"), "")))
    assert window.save_scenario_as()
    saved = tmp_path / "myscenario.rpscenario.json"
    assert saved.exists() and not (tmp_path / "myscenario").exists()
    assert load_scenario(saved).params == window.state.result.params


def test_the_window_and_the_workbook_name_the_same_nearest_town():
    """23.14: one pick had different nearest towns in the window's table and the workbook."""
    import numpy as np

    from reach_planner.ui.recommend_panel import nearest_towns as window_towns
    from reach_planner.ui.report.figures import nearest_towns as workbook_towns

    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(75, 130, 400), rng.uniform(20, 50, 400)
    assert window_towns(lon, lat) == [t.name for t in workbook_towns(lon, lat)]
