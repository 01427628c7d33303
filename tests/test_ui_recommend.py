"""Close the gaps in the window: recommend, see it on the map, accept, compare, undo."""
from __future__ import annotations

import pytest

from reach_planner.geo.params import ScenarioParams
from tests.qt_helpers import close_window, idle, open_window, run_js, wait_until

pytestmark = pytest.mark.qt


@pytest.fixture
def window(qapp):
    w = open_window(ScenarioParams(outlets=4000, sites=400, seed=8))
    yield w
    close_window(w)


def layer_names(w) -> str:
    return run_js(w.map, "Object.keys(rp.named).join('|')") or ""


def test_recommend_accept_compare_and_undo(window):
    w = window
    before = w.state.result.summary
    panel = w.recommender
    panel.count.setValue(30)
    panel.run.click()
    assert wait_until(lambda: w.state.recommendation is not None and idle(w), 60)
    rec = w.state.recommendation
    assert len(rec.sites) == 30 and panel.accept.isEnabled()
    assert "30 new outlets" in panel.summary.text()
    assert panel.table.rowCount() == len(rec.by_province)
    assert "Recommended outlets" in layer_names(w)
    assert run_js(w.map, "rp.layers.recommended.getLayers().length") == 30

    panel.accept.click()
    assert wait_until(lambda: idle(w) and w.state.result.summary.service_outlets == 4030, 60)
    after = w.state.result.summary
    assert after.rural_covered == pytest.approx(rec.covered_after, abs=2)
    assert w.state.recommendation is None and "Recommended outlets" not in layer_names(w)
    cmp = w.compare.comparison
    assert cmp is not None and cmp.row("service_outlets").change == 30
    assert w.compare.table.rowCount() == len(cmp.rows)
    assert "Newly covered" in layer_names(w)
    assert w.undo_action.isEnabled() and "Accept 30" in w.undo_action.text()
    assert w.state.dirty

    w.undo_action.trigger()
    assert wait_until(lambda: idle(w) and w.state.result.summary.service_outlets == 4000, 60)
    assert w.state.result.summary.rural_covered == before.rural_covered
    assert w.reach.values["outlets"].text() == "4,000"
    w.redo_action.trigger()
    assert wait_until(lambda: idle(w) and w.state.result.summary.service_outlets == 4030, 60)


def test_minimum_outlets_for_a_target_from_the_panel(window):
    w = window
    panel = w.recommender
    target = round(w.state.result.summary.rural_covered_pct + 0.5, 1)
    panel.by_target.setChecked(True)
    panel.target.setValue(target)
    panel.run.click()
    assert wait_until(lambda: w.state.recommendation is not None and idle(w), 60)
    rec = w.state.recommendation
    assert rec.reached and rec.pct_after >= target - 0.01
    panel.clear.click()
    assert w.state.recommendation is None
    panel.by_count.setChecked(True)


def test_stop_comparing_removes_the_layer(window):
    w = window
    w.compare.set_a.click()
    assert wait_until(lambda: idle(w) and w.compare.comparison is not None, 60)
    assert "Newly covered" in layer_names(w)
    w.compare.stop.click()
    assert wait_until(lambda: idle(w) and w.compare.comparison is None, 60)
    assert "Newly covered" not in layer_names(w)


def test_print_dialog_choice(window, tmp_path):
    from reach_planner.ui.maps.printmap import render_print_map
    from reach_planner.ui.print_dialog import PrintDialog

    dlg = PrintDialog(window)
    dlg.path.setText(str(tmp_path / "r.svg"))
    dlg.page.setCurrentText("A3")
    dlg.dpi.setCurrentIndex(0)
    path, opts = dlg.choice()
    assert opts.page == "A3" and opts.dpi == 150 and path.suffix == ".svg"
    assert render_print_map(window.state.result, opts, path).stat().st_size > 10_000
    dlg.path.setText(str(tmp_path / "nofolder" / "r.png"))
    with pytest.raises(ValueError, match="does not exist"):
        dlg.choice()
