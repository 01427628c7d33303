"""English / 中文: every UI string translated, live switch, remembered, 万/亿 numbers."""
from __future__ import annotations

import subprocess
import sys

import pytest

from reach_planner.geo.params import ScenarioParams
from tests.conftest import ROOT
from tests.qt_helpers import wait_until


def test_every_ui_string_has_a_chinese_translation():
    p = subprocess.run([sys.executable, str(ROOT / "resources/tools/make_translations.py"),
                        "--check"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stdout


def test_compiled_qm_is_newer_than_the_ts():
    ts = ROOT / "resources/i18n/reach_planner_zh_CN.ts"
    qm = ts.with_suffix(".qm")
    assert qm.stat().st_size > 1000
    assert "服务网点" in ts.read_text(encoding="utf-8")


def test_chinese_number_format():
    from reach_planner.ui.i18n import fmt_count

    assert fmt_count(509_782_401, "zh") == "5.10亿"
    assert fmt_count(1_399_539, "zh") == "140.0万"
    assert fmt_count(8_765, "zh") == "8,765"
    assert fmt_count(1_399_539, "en") == "1,399,539"


@pytest.mark.qt
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
        legend = w.map.run_js("document.querySelector('.rp-legend').textContent")
        assert "图例" in legend and "服务网点" in legend
        layers = w.map.run_js("Array.from(document.querySelectorAll("
                              "'.leaflet-control-layers-overlays span')).map(e => e.textContent.trim()).join('|')")
        assert "农村空白网格" in layers
    finally:
        set_language("en")
        w.state.set_dirty(False)
        w.close()
    assert QSettings().value(SETTINGS_KEY) == "en"
