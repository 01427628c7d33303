"""Installation capacity in the window: run from the panel, table = core, layer on the page."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from reach_planner.geo.siting.capacity import capacity
from tests.qt_helpers import idle, run_js, wait_until

pytestmark = pytest.mark.qt



def overloaded_on_page(w) -> int:
    return run_js(w.map, "rp.named['Overloaded outlets'] ? rp.layers.overloaded.getLayers().length : -1")


def test_capacity_from_the_panel_table_and_layer(window):
    w = window
    panel = w.capacity
    assert not panel.isChecked() and not panel.run.isEnabled()  # off by default
    panel.setChecked(True)
    panel.households.setValue(2000)
    panel.run.click()
    assert wait_until(lambda: w.state.capacity is not None and not w.state.busy, 60)
    core = capacity(w.state.result, 2000)
    cap = w.state.capacity
    assert cap.people_beyond_capacity == core.people_beyond_capacity > 0
    shown = sorted(panel.cell(r, 0) for r in range(panel.row_count()))
    assert shown == sorted(f"{r.name} ({r.site_id})" for r in core.overloaded.itertuples())
    assert f"{core.people_beyond_capacity:,}".split(",")[0] in panel.summary.text()
    assert wait_until(lambda: overloaded_on_page(w) == len(core.overloaded), 20)

    # sorted by households beyond capacity; a click on a row selects that outlet
    panel.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    i = panel.row_index(0)
    assert core.overloaded["excess"].iloc[i] == core.overloaded["excess"].min()
    zooms, details = [], []
    w.state.zoomRequested.connect(lambda *box: zooms.append(box))
    w.state.selectionChanged.connect(details.append)
    panel.show_row(0)
    lat = float(core.overloaded["lat"].iloc[i])
    assert zooms and zooms[-1][0] < lat < zooms[-1][2]
    assert details[-1]["ID"] == str(core.overloaded["site_id"].iloc[i])
    assert wait_until(lambda: run_js(w.map, "rp.hl.length") == 1, 20)  # outlined on the map

    # the answer belongs to its result: a new result clears the table and the layer
    w.state.recompute()
    assert wait_until(lambda: idle(w) and w.state.capacity is None, 60)
    assert panel.row_count() == 0
    assert wait_until(lambda: overloaded_on_page(w) == -1, 20)


def test_unticking_clears_the_table_and_the_layer(window):
    w = window
    panel = w.capacity
    panel.setChecked(True)
    panel.households.setValue(1500)
    panel.run.click()
    assert wait_until(lambda: w.state.capacity is not None and not w.state.busy, 60)
    assert wait_until(lambda: overloaded_on_page(w) == len(w.state.capacity.overloaded) > 0, 20)
    panel.setChecked(False)
    assert w.state.capacity is None and panel.row_count() == 0
    assert wait_until(lambda: overloaded_on_page(w) == -1, 20)
