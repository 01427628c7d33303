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
