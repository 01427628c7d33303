"""English / 中文 in the window: live switch, remembered, 万/亿 numbers."""
from __future__ import annotations

import json

import pytest

from reach_planner.geo.params import ScenarioParams
from tests.qt_helpers import run_js, wait_until

pytestmark = pytest.mark.qt


def test_chinese_number_format():
    from reach_planner.ui.i18n import fmt_count

    assert fmt_count(509_782_401, "zh") == "5.10亿"
    assert fmt_count(1_399_539, "zh") == "140.0万"
    assert fmt_count(8_765, "zh") == "8,765"
    assert fmt_count(1_399_539, "en") == "1,399,539"


def test_switching_to_chinese_translates_ui_and_map_and_is_remembered(qapp):
    from PySide6.QtCore import QSettings

    from reach_planner.ui.i18n import SETTINGS_KEY, set_language, tr
    from reach_planner.ui.mainwindow import MainWindow

    w = MainWindow()
    w.show()
    w.start(ScenarioParams(outlets=3000, sites=400))
    try:
        assert wait_until(lambda: w.map.is_drawn and not w.state.busy, 90)
        w.switch_language("zh")
        assert tr("Service outlets") == "服务网点"
        assert w.docks["reach"].windowTitle() == "合资网络覆盖"
        assert w.reach.labels["outlets"].text() == "服务网点"
        assert w.reach.values["rural"].text().endswith("亿")
        horizontal = __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal
        assert w.provinces.model().headerData(0, horizontal) == "省份"
        assert QSettings().value(SETTINGS_KEY) == "zh"
        assert wait_until(lambda: w.map.is_drawn and not w.state.busy, 60)
        legend = run_js(w.map, "document.querySelector('.rp-legend').textContent")
        assert "图例" in legend and "服务网点" in legend
        layers = run_js(w.map, "Array.from(document.querySelectorAll("
                              "'.leaflet-control-layers-overlays span')).map(e => e.textContent.trim()).join('|')")
        assert "农村空白网格" in layers
    finally:
        set_language("en")
        w.state.undo_stack.setClean()
        w.close()
    assert QSettings().value(SETTINGS_KEY) == "en"


def test_switching_language_keeps_the_result_and_its_recommendation(window):
    """A language switch redraws the map's texts only: no recompute, so the open
    recommendation, the capacity answer and the view stay."""
    from reach_planner.ui.i18n import set_language
    from tests.qt_helpers import idle

    w = window
    w.recommender.count.setValue(6)
    w.recommender.run.click()
    assert wait_until(lambda: w.state.recommendation is not None and idle(w), 90)
    w.capacity.setChecked(True)
    w.capacity.households.setValue(2000)
    w.capacity.run.click()
    assert wait_until(lambda: w.state.capacity is not None and idle(w), 60)
    overloaded = len(w.state.capacity.overloaded)
    assert overloaded > 0
    result, rec = w.state.result, w.state.recommendation
    before = run_js(w.map, "JSON.stringify(rp.getView())")
    try:
        w.switch_language("zh")
        assert wait_until(lambda: idle(w) and run_js(
            w.map, "!!(rp.layers.recommended && rp.map.hasLayer(rp.layers.recommended))"), 60)
        assert w.state.result is result and w.state.recommendation is rec
        assert run_js(w.map, "rp.layers.recommended.getLayers().length") == 6
        assert wait_until(lambda: run_js(w.map, "rp.named['超负荷网点'] ? rp.layers.overloaded.getLayers().length"
                                                " : -1") == overloaded, 20)
        names = run_js(w.map, "rp.layerControl._layers.map(function(l) { return l.name; }).join('|')")
        assert "推荐网点" in names and "服务网点" in names and "Service outlets" not in names
        after = json.loads(run_js(w.map, "JSON.stringify(rp.getView())"))
        before = json.loads(before)
        assert after["zoom"] == before["zoom"]  # the same view, to within a pixel
        assert abs(after["lat"] - before["lat"]) < 0.1 and abs(after["lon"] - before["lon"]) < 0.1
    finally:
        set_language("en")
