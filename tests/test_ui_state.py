"""State that cannot lie: superseded jobs, cancelled opens, undo and the "*", typed errors,
shared limits, the saved map view."""
from __future__ import annotations

import json

import pytest

from reach_planner.geo.params import INT_LIMITS, ScenarioParams
from tests.conftest import SMALL_SCENARIO as PARAMS
from tests.qt_helpers import idle, wait_until

pytestmark = pytest.mark.qt



def test_of_two_recommendations_only_the_second_lands(window):
    w, panel = window, window.recommender
    landed = []
    w.state.recommendationChanged.connect(landed.append)
    panel.count.setValue(40)
    panel.run.click()
    panel.count.setValue(7)
    panel.run.click()
    assert wait_until(lambda: w.state.runner.settled and idle(w), 60)
    assert [len(r.sites) for r in landed] == [7]
    assert len(w.state.recommendation.sites) == 7


def test_a_new_recompute_makes_a_pending_recommendation_stale(window):
    w = window
    w.recommender.count.setValue(20)
    w.recommender.run.click()
    w.controls.outlets.setValue(2500)
    w.controls.apply()
    assert wait_until(lambda: w.state.runner.settled and idle(w)
                      and w.state.result.summary.service_outlets == 2500, 60)
    assert w.state.recommendation is None


def test_a_cancelled_open_leaves_path_form_and_file_untouched(window, tmp_path):
    w = window
    a, b = tmp_path / "a.rpscenario.json", tmp_path / "b.rpscenario.json"
    assert w._save_to(a)
    from reach_planner.geo.scenario_file import save_scenario

    save_scenario(b, ScenarioParams(outlets=1234, sites=200, seed=9))
    b_bytes = b.read_bytes()
    w.open_scenario(b)
    assert w.state.busy
    w.cancel_btn.click()
    assert wait_until(lambda: w.state.runner.settled, 60)
    assert w.state.path == a and w.windowTitle().startswith("a.rpscenario.json")
    assert w.controls.outlets.text() == "3000" and w.state.params == PARAMS
    assert w.save_scenario()  # Ctrl+S writes the scenario on screen to *its* file
    assert b.read_bytes() == b_bytes
    assert json.loads(a.read_text(encoding="utf-8"))["params"]["outlets"] == 3000


def test_opening_changes_path_form_title_once_and_restores_the_view(window, tmp_path):
    w = window
    from reach_planner.geo.scenario_file import save_scenario

    b = tmp_path / "b.rpscenario.json"
    view = {"lat": 31.2, "lon": 121.5, "zoom": 7}
    save_scenario(b, ScenarioParams(outlets=1234, sites=200, seed=9), settings={"map_view": view})
    w.open_scenario(b)
    assert w.state.path is None  # not before the run has succeeded
    assert wait_until(lambda: idle(w) and w.state.path == b, 60)
    assert w.controls.outlets.text() == "1234" and w.windowTitle().startswith("b.rpscenario")
    assert wait_until(lambda: (w.map.current_view() or {}).get("zoom") == 7, 20)
    v = w.map.current_view()
    assert abs(v["lat"] - 31.2) < 0.01 and abs(v["lon"] - 121.5) < 0.01


def test_one_dirty_signal_per_change_and_undo_back_is_clean(window, tmp_path):
    w = window
    seen = []
    w.state.dirtyChanged.connect(seen.append)
    w.controls.outlets.setValue(2000)
    w.controls.apply()
    assert wait_until(lambda: idle(w) and w.state.params.outlets == 2000, 60)
    assert seen == [True] and w.windowTitle().split(" — ")[0].endswith("*")
    assert "Change parameters" in w.undo_action.text()
    w.undo_action.trigger()
    assert wait_until(lambda: idle(w) and w.state.params.outlets == 3000, 60)
    assert seen == [True, False] and "*" not in w.windowTitle().split(" — ")[0]
    assert w.controls.outlets.text() == "3000"  # the form follows the undo
    assert w._save_to(tmp_path / "s.rpscenario.json")
    assert seen == [True, False]  # saving a clean scenario signals nothing


def test_columns_not_found_opens_the_mapping_dialog(window, tmp_path, monkeypatch):
    from reach_planner.ui import import_dialog

    asked = {}

    def choose(self):
        asked["columns"] = [self.boxes["lat"].itemText(i) for i in range(self.boxes["lat"].count())]
        self.boxes["lat"].setCurrentText("nord")
        self.boxes["lon"].setCurrentText("ost")
        return 1

    monkeypatch.setattr(import_dialog.ColumnMappingDialog, "exec", choose)
    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec",
                        lambda self: (self.replace.setChecked(True), 1)[1])
    f = tmp_path / "sites.csv"
    f.write_text("nord,ost,label\n39.9,116.4,a\n30.6,104.1,b\n", encoding="utf-8")
    window.import_file(f)
    assert wait_until(lambda: window.state.overlay is not None and idle(window), 60)
    assert asked["columns"] == ["nord", "ost", "label"]
    assert window.state.result.summary.service_outlets == 2


def test_other_import_errors_are_shown_as_one_message(window, tmp_path, message_boxes):
    f = tmp_path / "sites.dbf"
    f.write_text("x", encoding="utf-8")
    window.import_file(f)
    assert wait_until(lambda: bool(message_boxes), 20)
    kind, _title, text = message_boxes[-1]
    assert "unsupported file type '.dbf'" in text and "Error:" not in text


def test_limits_come_from_the_parameters(window, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    from reach_planner.ui.import_dialog import file_filter

    assert "*.tsv" in file_filter() and "*.xlsm" in file_filter()
    tsv = tmp_path / "s.tsv"
    tsv.write_text("lat\tlon\n39.9\t116.4\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tsv))])
    ev = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                    Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    assert window._dropped_file(ev) == tsv

    c = window.controls
    assert (c.seed.lo, c.seed.hi) == INT_LIMITS["seed"] == (0, 2**32 - 1)
    c.seed.setText("4294967295")
    assert c.seed.value() == 2**32 - 1 and c.recompute.isEnabled()
    assert c.params().seed == 2**32 - 1  # not clamped to 2^31-1
    c.seed.setText("-1")
    assert c.seed.text() == "-1" and c.seed.value() is None  # shown as typed, invalid
    assert not c.recompute.isEnabled()
    assert "0 to 4,294,967,295" in c.error.text()
    c.seed.setText("5")
    assert c.recompute.isEnabled() and c.error.text() == ""
