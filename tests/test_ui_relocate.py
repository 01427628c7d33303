"""Move outlets in the window (issue 21.4): the Close the gaps panel runs the joint
relocation and shows its net gain, proven bound, gap and status."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from reach_planner.geo.siting.decisions import relocate
from tests.qt_helpers import idle, wait_until

pytestmark = pytest.mark.qt


def test_move_outlets_shows_net_gain_bound_gap_and_status(window):
    w = window
    w.docks["recommend"].raise_()
    panel = w.recommender
    assert wait_until(lambda: panel.by_move.isVisible(), 10)
    QTest.mouseClick(panel.by_move, Qt.MouseButton.LeftButton)
    assert panel.by_move.isChecked() and not panel.province.isEnabled()  # relocation is national
    panel.moves.setFocus()
    panel.moves.selectAll()
    QTest.keyClicks(panel.moves, "6")
    assert panel.moves.value() == 6
    panel.method.setCurrentIndex(panel.method.findData("greedy"))
    QTest.mouseClick(panel.run, Qt.MouseButton.LeftButton)
    assert wait_until(lambda: panel.relocation is not None and idle(w), 180)
    move = panel.relocation
    want = relocate(w.state.result, 6, w.state.result.params.radius_km, method="greedy")
    assert (move.net_gain, move.net_bound) == (want.net_gain, want.net_bound)
    text = panel.summary.text()
    assert f"gains {move.net_gain:,} covered rural people net" in text
    assert f"more than {move.net_bound:,} (gap {move.gap_pct:.2f}%" in text
    assert "[straight line]" in text
    assert w.state.recommendation is None and not panel.accept.isEnabled()
