"""Demand and distance in the window (issue 9): import, undo, a failed import, the switch."""
from __future__ import annotations

import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.ui.panels import CODE_ROLE
from tests.qt_helpers import close_window, open_window, wait_until

pytestmark = pytest.mark.qt


def idle(w) -> bool:
    return not w.state.busy and w.map.is_drawn


@pytest.fixture
def window(qapp):
    w = open_window(ScenarioParams(outlets=3000, sites=300))
    yield w
    close_window(w)


def test_import_demand_measures_it_and_undo_brings_the_model_back(window, tmp_path):
    f = tmp_path / "orders.csv"
    f.write_text("纬度,经度,订单数\n39.9,116.4,120\n31.5,88.0,30\n", encoding="utf-8")
    census = window.state.result.summary.rural_population
    assert window.reach.values["demand"].text() == "census model v3"
    window.import_demand_file(f)
    assert wait_until(lambda: window.state.overlay is not None and idle(window), 60)
    s = window.state.result.summary
    assert s.demand_total == 150.0 and s.rural_population == 150
    assert window.reach.values["demand"].text() == "imported orders.csv (column 订单数)"
    assert window.state.dirty
    window.state.undo_stack.undo()
    assert wait_until(lambda: idle(window) and window.state.overlay is None, 60)
    assert window.state.result.summary.rural_population == census


def test_failed_demand_import_leaves_the_scenario_unchanged(window, tmp_path, message_boxes):
    result = window.state.result
    bad = tmp_path / "pop.tif"
    bad.write_bytes(b"not a tiff at all")
    window.import_demand_file(bad)
    assert wait_until(lambda: bool(message_boxes), 20)
    kind, _title, text = message_boxes[-1]
    assert kind == "warning" and "scenario is unchanged" in text and "GDAL cannot read it" in text
    assert window.state.result is result and window.state.overlay is None


def test_distance_switch_shows_both_coverages(window):
    from reach_planner.ui.demand_ui import set_distance

    assert window.reach.values["distance"].text() == "straight line"
    assert window.provinces.isColumnHidden(8)
    set_distance(window.controls.distance, "terrain")
    window.controls.apply()
    assert wait_until(lambda: idle(window) and window.state.params.distance == "terrain", 90)
    s = window.state.result.summary
    assert s.rural_covered_pct_terrain < s.rural_covered_pct_straight
    assert window.reach.values["distance"].text() == (
        f"over terrain: {s.rural_covered_pct_terrain:.2f}% rural covered "
        f"(straight line: {s.rural_covered_pct_straight:.2f}%)")
    table = window.provinces
    assert not table.isColumnHidden(8)
    tibet = next(r for r in range(table.model_.rowCount())
                 if table.model_.item(r, 0).data(CODE_ROLE) == 54)
    p = next(p for p in s.provinces if p.gb_code == 54)
    assert table.model_.item(tibet, 2).text() == f"{p.rural_covered_pct_terrain:.1f}"
    assert table.model_.item(tibet, 8).text() == f"{p.rural_covered_pct_straight:.1f}"


def test_a_file_without_a_known_weight_column_asks_for_it(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    asked = []

    def pick(parent, title, label, items, current=0, editable=False):
        asked.append(list(items))
        return "n_orders", True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick))
    f = tmp_path / "mine.csv"
    f.write_text("lat,lon,n_orders\n39.9,116.4,42\n", encoding="utf-8")
    window.import_demand_file(f)
    assert wait_until(lambda: window.state.overlay is not None and idle(window), 60)
    assert asked == [["lat", "lon", "n_orders"]]
    assert window.state.result.summary.demand_total == 42.0
