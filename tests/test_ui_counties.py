"""Issue 22: the Provinces dock expands each province to its county planning units.

Real input only: mouse clicks on the expand arrow and on rows, the Right arrow key.
"""
from __future__ import annotations

import pytest

from reach_planner.geo.params import ScenarioParams
from tests.qt_helpers import close_window, idle, open_window, wait_until

pytestmark = pytest.mark.qt

FUJIAN = 35


@pytest.fixture
def window(qapp):
    w = open_window(ScenarioParams(outlets=3000, sites=300, seed=5))
    yield w
    close_window(w)


def province_index(table, code: int):
    row = next(r for r in range(table.proxy.rowCount()) if table.gb_code_at(r) == code)
    return table.proxy.index(row, 0)


def click_arrow(table, index) -> None:
    """A left click on the branch arrow, left of the row's name."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    table.scrollTo(index)
    rect = table.visualRect(index)
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.left() - table.indentation() // 2, rect.center().y()))


def click_row(table, index) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    table.scrollTo(index)
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def counties_of(window, code: int):
    return [c for c in window.state.result.summary.counties if c.gb_code == code]


def test_clicking_the_arrow_expands_a_province_to_its_counties(window):
    table = window.provinces
    # nothing is built for a closed province (about 2,850 county rows wait until opened)
    assert all(table.model_.item(r, 0).rowCount() == 0 for r in range(table.model_.rowCount()))
    fujian = province_index(table, FUJIAN)
    assert table.proxy.hasChildren(fujian)
    click_arrow(table, fujian)
    assert wait_until(lambda: table.isExpanded(province_index(table, FUJIAN)), 5)
    fujian = province_index(table, FUJIAN)
    want = counties_of(window, FUJIAN)
    assert table.proxy.rowCount(fujian) == len(want) > 50
    shown = {table.proxy.index(r, 0, fujian).data() for r in range(len(want))}
    assert shown == {c.name_en for c in want} and "Siming" in shown
    # only Fujian's counties were built
    assert sum(table.model_.item(r, 0).rowCount() for r in range(table.model_.rowCount())) == len(want)
    click_arrow(table, fujian)
    assert wait_until(lambda: not table.isExpanded(province_index(table, FUJIAN)), 5)


def test_the_right_arrow_key_expands_the_current_province(window):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    table = window.provinces
    index = province_index(table, 46)  # Hainan
    click_row(table, index)
    assert wait_until(lambda: window.details.values().get("Name", "").endswith("Hainan"), 10)
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Right)
    assert wait_until(lambda: table.isExpanded(province_index(table, 46)), 5)
    assert table.proxy.rowCount(province_index(table, 46)) == len(counties_of(window, 46))
    QTest.keyClick(table, Qt.Key.Key_Down)  # onto the first county, and it is one of Hainan's
    current = table.currentIndex()
    assert current.parent().isValid() and current.parent().data(257) == 46


def test_county_rows_show_the_county_figures_and_sum_to_the_province(window):
    table = window.provinces
    for col in (1, 5, 9):  # rural pop., outlets, unreached: shown from the header's menu
        table.set_column_shown(col, True)
    fujian = province_index(table, FUJIAN)
    click_arrow(table, fujian)
    fujian = province_index(table, FUJIAN)
    p = next(p for p in window.state.result.summary.provinces if p.gb_code == FUJIAN)
    rows = range(table.proxy.rowCount(fujian))
    for col, key in ((1, "rural_population"), (5, "outlets"), (9, "rural_unreached")):
        values = [table.proxy.index(r, col, fujian).data(256) for r in rows]
        assert sum(values) == getattr(p, key), key
        assert table.proxy.index(fujian.row(), col).data(256) == getattr(p, key)
    siming = next(c for c in counties_of(window, FUJIAN) if c.name_en == "Siming")
    r = next(r for r in rows if table.proxy.index(r, 0, fujian).data() == "Siming")
    assert table.proxy.index(r, 2, fujian).data() == f"{siming.rural_covered_pct:.1f}"
    assert table.proxy.index(r, 9, fujian).data(256) == siming.rural_unreached
    # a unit without rural people on the grid (Jinmen) has no coverage figure, not 0.0
    empty = [c.name_en for c in counties_of(window, FUJIAN) if c.rural_population == 0]
    assert "Jinmen" in empty
    for r in rows:
        if table.proxy.index(r, 0, fujian).data() in empty:
            assert table.proxy.index(r, 2, fujian).data() == "–" == table.proxy.index(r, 3, fujian).data()


def test_sorting_orders_provinces_and_counties_within_their_province(window):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    table = window.provinces
    click_arrow(table, province_index(table, FUJIAN))
    header = table.header()
    x = header.sectionViewportPosition(3) + header.sectionSize(3) // 2
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):  # a click each
        QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
        assert header.sortIndicatorSection() == 3 and header.sortIndicatorOrder() == order
        tops = [table.proxy.index(r, 3).data(256) for r in range(table.proxy.rowCount())]
        fujian = province_index(table, FUJIAN)
        kids = [table.proxy.index(r, 3, fujian).data(256) for r in range(table.proxy.rowCount(fujian))]
        rev = order == Qt.SortOrder.DescendingOrder
        figures = [k for k in kids if k is not None]  # "–": a unit without rural people
        assert len(figures) < len(kids) and kids[len(figures):] == [None] * (len(kids) - len(figures))
        assert tops == sorted(tops, reverse=rev) and figures == sorted(figures, reverse=rev)
        assert table.isExpanded(fujian) and len(kids) == len(counties_of(window, FUJIAN))


def test_clicking_a_county_row_selects_it_zooms_there_and_shows_it_in_details(window):
    table = window.provinces
    click_arrow(table, province_index(table, FUJIAN))
    fujian = province_index(table, FUJIAN)
    r = next(r for r in range(table.proxy.rowCount(fujian)) if table.proxy.index(r, 0, fujian).data() == "Siming")
    before = window.map.current_view()
    click_row(table, table.proxy.index(r, 2, fujian))
    assert wait_until(lambda: window.details.values().get("Type") == "County", 10)
    d = window.details.values()
    siming = next(c for c in counties_of(window, FUJIAN) if c.name_en == "Siming")
    assert d["Name"] == "思明区 Siming" and d["Prefecture"] == "厦门市 Xiamen"
    assert d["Rural still unreached"] == f"{siming.rural_unreached:,}"
    assert window.state.selection == ("county", siming.adcode)
    selected = table.selectionModel().selectedRows()
    assert len(selected) == 1 and selected[0].data() == "Siming"  # the row stays selected
    assert wait_until(lambda: window.map.current_view()["zoom"] > before["zoom"] + 3, 10)
    v = window.map.current_view()
    assert abs(v["lat"] - 24.45) < 0.3 and abs(v["lon"] - 118.1) < 0.3


def test_chinese_shows_county_names_in_chinese_and_keeps_provinces_open(window):
    from reach_planner.ui.i18n import set_language

    table = window.provinces
    click_arrow(table, province_index(table, FUJIAN))
    try:
        window.switch_language("zh")
        assert wait_until(lambda: idle(window), 60)
        fujian = province_index(table, FUJIAN)
        assert table.isExpanded(fujian) and fujian.data() == "福建省"
        names = {table.proxy.index(r, 0, fujian).data() for r in range(table.proxy.rowCount(fujian))}
        assert "思明区" in names and names == {c.name_zh for c in counties_of(window, FUJIAN)}
    finally:
        set_language("en")
