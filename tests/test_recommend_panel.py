"""The Close the gaps panel shows the bound, the solver's status and the coverage curve."""
from __future__ import annotations

from dataclasses import replace

import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.ui.i18n import fmt_count
from tests.qt_helpers import close_window, open_window, wait_until

pytestmark = pytest.mark.qt


@pytest.fixture(scope="module")
def window(qapp):
    w = open_window(ScenarioParams(outlets=3000, sites=300, seed=5))
    yield w
    close_window(w)


def test_exact_province_run_shows_proof_and_curve(window):
    w = window
    panel = w.recommender
    assert [panel.method.itemData(i) for i in range(panel.method.count())] == [
        "certified", "greedy", "exact"]
    panel.count.setValue(12)
    panel.province.setCurrentIndex(panel.province.findData(64))
    panel.method.setCurrentIndex(panel.method.findData("exact"))
    panel.run.click()
    assert wait_until(lambda: w.state.recommendation is not None and not w.state.busy, 120)
    rec = w.state.recommendation
    assert rec.method == "exact" and rec.status == "optimal"
    assert "Proven optimal." in panel.summary.text()
    assert "[straight line]" in panel.summary.text()  # which distance the figures use
    assert fmt_count(rec.newly_covered_across_border) in panel.summary.text()
    backed = w.reach.values["backed_up"].text()
    assert fmt_count(w.state.result.summary.rural_backed_up) in backed and "two outlets" in backed
    assert "across its border" in panel.summary.text()
    panel.show_recommendation(replace(rec, distance="terrain"))
    assert "[over terrain]" in panel.summary.text() and "[straight line]" not in panel.summary.text()
    pixmap = panel.curve.pixmap()
    assert pixmap is not None and not pixmap.isNull() and pixmap.width() > 200
    panel.count.setValue(400)  # more than Ningxia's gaps need: no padding, and it says so
    panel.run.click()
    assert wait_until(lambda: w.state.recommendation is not None and not w.state.busy
                      and w.state.recommendation.requested == 400, 120)
    rec = w.state.recommendation
    assert rec.covers_all and len(rec.sites) < 400
    assert "already cover every gap" in panel.summary.text()
    before = panel.summary.text()
    panel.show_interim(panel._job - 1, rec)  # a stale run's interim answer is ignored
    assert panel.summary.text() == before and panel.accept.isEnabled()
    panel.show_interim(panel._job, rec)  # an interim answer shows, but cannot be accepted yet
    assert panel.summary.text().startswith("Improving") and not panel.accept.isEnabled()
    panel.clear.click()
    assert panel.curve.pixmap() is None or panel.curve.pixmap().isNull()
