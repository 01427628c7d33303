"""Layout and output as a planner meets them: the recommendations table, picks clear of the
legend, gap labels that do not overlap, a readable Provinces table, the window layout
remembered, Compare A/B naming what differs, and export errors that read well."""
from __future__ import annotations

import json

import pytest

from tests.qt_helpers import idle, run_js, wait_until

pytestmark = pytest.mark.qt



def recommend(w, n: int):
    w.recommender.count.setValue(n)
    w.recommender.run.click()
    assert wait_until(lambda: w.state.recommendation is not None and idle(w), 60)
    return w.state.recommendation


def test_recommendations_table_sorts_zooms_highlights_and_exports(window, tmp_path):
    w = window
    rec = recommend(w, 12)
    t = w.recommender.picks
    assert t.rowCount() == 12
    heads = [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())]
    assert heads == ["Nearest town", "#", "Province", "Latitude", "Longitude", "Newly covered"]
    assert all(t.item(r, 0).text() for r in range(12))  # every pick has a town name
    t.sortItems(5)  # ascending gain: numeric, not text order
    gains = [t.item(r, 5).key for r in range(12)]
    assert gains == sorted(gains)
    t.cellClicked.emit(0, 0)  # the smallest gain is the last pick
    i = int(t.item(0, 0).data(256))
    assert i == 11
    assert w.details.values()["Type"] == "Recommended outlet"
    lat = float(rec.sites["lat"].iloc[i])
    assert wait_until(lambda: abs((w.map.current_view() or {}).get("lat", 0) - lat) < 0.2, 10)
    assert wait_until(lambda: run_js(w.map, "rp.hl.length") == 1, 10)
    out = tmp_path / "picks.csv"
    w.recommender.export_picks(out)
    assert wait_until(lambda: out.exists(), 20)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 13 and lines[0].startswith("Nearest town,#,Province")


def test_no_pick_sits_under_the_legend(window):
    w = window
    recommend(w, 40)
    assert wait_until(lambda: idle(w), 20)
    inside = run_js(w.map, """(function(){
        var r = document.querySelector('.rp-legend').getBoundingClientRect(), n = 0;
        var m = rp.map.getContainer().getBoundingClientRect();
        rp.layers.recommended.eachLayer(function(l) {
          var p = rp.map.latLngToContainerPoint(l.getLatLng());
          var x = p.x + m.left, y = p.y + m.top;
          if (x >= r.left - 6 && x <= r.right + 6 && y >= r.top - 6 && y <= r.bottom + 6) { n++; }
        });
        return n; })()""")
    assert inside == 0


def test_gap_labels_do_not_overlap(window):
    w = window
    run_js(w.map, "rp.setView(30, 104, 4); true")
    assert wait_until(lambda: (w.map.current_view() or {}).get("zoom") == 4, 10)
    boxes = json.loads(run_js(w.map, """JSON.stringify(Array.from(document.querySelectorAll(
        '.rp-gaplabel')).filter(function(e){ return e.style.display !== 'none'; }).map(function(e){
        var r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, e.textContent]; }))"""))
    assert len(boxes) >= 2 and "1" in [b[4] for b in boxes]  # the largest gap keeps its label
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (a, b)


def test_the_provinces_table_fits_its_dock_and_can_show_every_column(window):
    t = window.provinces
    visible = [c for c in range(8) if not t.isColumnHidden(c)]
    assert visible == [0, 2, 3, 4]  # name, covered %, outlets per 100k, largest gap
    width = sum(t.columnWidth(c) for c in visible)
    assert width <= t.viewport().width() + 2, (width, t.viewport().width())
    assert t.columnWidth(0) >= 80  # a province name is readable, not a sliver
    assert t.proxy.index(0, 0).data(3).endswith(t.proxy.index(0, 0).data())  # tooltip: 中文 + English
    t.set_column_shown(1, True)
    assert not t.isColumnHidden(1) and 1 not in t.hidden_columns()


def test_window_size_and_docks_are_remembered(qapp):
    from reach_planner.ui.mainwindow import MainWindow

    w = MainWindow()
    w.resize(701, 555)
    w.show()
    w.docks["compare"].hide()
    w.close()
    w2 = MainWindow()
    try:
        # the offscreen platform adds its own frame margins to a restored height
        assert w2.width() == 701 and 555 <= w2.height() <= 600
        assert w2.docks["compare"].isHidden()
    finally:
        w2.close()
        for x in (w, w2):
            x.deleteLater()


def test_compare_names_the_parameters_that_differ(window):
    w = window
    w.compare.set_a.click()
    assert wait_until(lambda: idle(w) and w.compare.comparison is not None, 60)
    assert "same parameters" in w.compare.diffs.text()
    w.controls.radius.setValue(40)
    w.controls.outlets.setValue(2000)
    w.controls.apply()
    assert wait_until(lambda: idle(w) and w.state.params.outlets == 2000, 60)
    text = w.compare.diffs.text()
    assert "Service radius 30 km → 40 km" in text and "Service outlets 3,000 → 2,000" in text
    assert "Seed" not in text


@pytest.mark.parametrize("kind", ["image", "print"])
def test_an_unwritable_export_reads_well_and_is_not_remembered(window, message_boxes, kind):
    from pathlib import Path

    from PySide6.QtCore import QSettings

    from reach_planner.ui.export_dialog import SETTINGS_KEY
    from reach_planner.ui.maps.printmap import PrintOptions
    from reach_planner.ui.print_dialog import KEY

    w = window
    target = Path("/proc/report.pdf")
    if kind == "image":
        w._export_to(target, "PDF", 1, "t")
    else:
        w._print_to(target, PrintOptions(dpi=150))
    assert wait_until(lambda: bool(message_boxes), 60)
    text = message_boxes[-1][2]
    assert ("the folder /proc is not writable" in text or "cannot write report.pdf in /proc" in text) \
        and ".report" not in text
    assert w.statusBar().currentMessage() == ""  # the status bar has ended
    assert QSettings().value(SETTINGS_KEY) is None and QSettings().value(KEY) is None
    assert w.export_action.isEnabled()
