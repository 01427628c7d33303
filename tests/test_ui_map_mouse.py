"""The map answers real mouse events: a click (Details, highlight) and a hover (tooltip) on
every kind of feature. The events go to the view's render widget (``focusProxy()``) at the
pixel where the page itself says the feature is (``latLngToContainerPoint``); nothing here
calls the bridge or fires Leaflet events directly."""
from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from reach_planner.geo.params import ScenarioParams
from tests.qt_helpers import close_window, idle, open_window, run_js, wait_until

pytestmark = pytest.mark.qt
PARAMS = ScenarioParams(outlets=3000, sites=300, seed=5)


@pytest.fixture
def window(qapp):
    w = open_window(PARAMS, (1200, 800))
    yield w
    close_window(w)


def km_to_nearest(lon, lat, others_lon, others_lat) -> np.ndarray:
    """Distance (km, equirectangular: fine at these scales) from each point to the others."""
    lon, lat = np.asarray(lon, float)[:, None], np.asarray(lat, float)[:, None]
    dx = (lon - others_lon[None, :]) * np.cos(np.radians(lat)) * 111.32
    dy = (lat - others_lat[None, :]) * 110.57
    d = np.hypot(dx, dy)
    d[d < 1e-6] = np.inf  # the point itself
    return d.min(axis=1)


def all_points(w):
    net = w.state.result.network
    lon = np.concatenate([net.sites["lon"].to_numpy(), net.outlets["lon"].to_numpy()])
    lat = np.concatenate([net.sites["lat"].to_numpy(), net.outlets["lat"].to_numpy()])
    rec = w.state.recommendation
    if rec is not None:
        lon = np.concatenate([lon, rec.sites["lon"].to_numpy()])
        lat = np.concatenate([lat, rec.sites["lat"].to_numpy()])
    return lon, lat


def isolated(w, frame) -> int:
    """Index of the row of ``frame`` farthest from any other point on the map."""
    lon, lat = all_points(w)
    return int(np.argmax(km_to_nearest(frame["lon"], frame["lat"], lon, lat)))


def go_to(w, lat: float, lon: float, zoom: int) -> tuple[int, int]:
    """Centre the map there and return the feature's pixel in the view."""
    run_js(w.map, f"rp.setView({lat}, {lon}, {zoom}); true")
    assert wait_until(lambda: (w.map.current_view() or {}).get("zoom") == zoom
                      and abs(w.map.current_view()["lat"] - lat) < 1e-3, 10)
    assert wait_until(lambda: idle(w), 10)
    x, y = json.loads(run_js(w.map, f"(function(){{var p = rp.map.latLngToContainerPoint("
                                    f"[{lat}, {lon}]); return JSON.stringify([p.x, p.y]);}})()"))
    return int(round(x)), int(round(y))


def hover(w, x: int, y: int) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    target = w.map.focusProxy()
    QTest.mouseMove(target, QPoint(x - 3, y - 3))
    QTest.mouseMove(target, QPoint(x, y))


def click(w, x: int, y: int) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    hover(w, x, y)
    QTest.mouseClick(w.map.focusProxy(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, QPoint(x, y))


def tooltip_text(w) -> str:
    return run_js(w.map, "(function(){var t = document.querySelector('.leaflet-tooltip');"
                         " return t ? t.textContent : '';})()") or ""


def highlighted(w) -> int:
    return run_js(w.map, "rp.hl.length")


def test_a_distribution_site_answers_click_and_hover(window):
    w = window
    sites = w.state.result.network.sites
    i = isolated(w, sites)
    x, y = go_to(w, sites["lat"].iloc[i], sites["lon"].iloc[i], 11)
    hover(w, x, y)
    assert wait_until(lambda: tooltip_text(w) == str(sites["name"].iloc[i]), 10)
    click(w, x, y)
    assert wait_until(lambda: w.details.values().get("ID") == sites["site_id"].iloc[i], 10)
    assert w.details.values()["Type"] == "Distribution site"
    assert wait_until(lambda: highlighted(w) == 1, 5)


def test_a_service_outlet_answers_click_and_hover(window):
    w = window
    outlets = w.state.result.network.outlets
    i = isolated(w, outlets)
    x, y = go_to(w, outlets["lat"].iloc[i], outlets["lon"].iloc[i], 11)
    hover(w, x, y)
    assert wait_until(lambda: tooltip_text(w) == str(outlets["name"].iloc[i]), 10)
    click(w, x, y)
    assert wait_until(lambda: w.details.values().get("ID") == outlets["site_id"].iloc[i], 10)
    assert w.details.values()["Type"] == "Service outlet"


def _surface(piece) -> tuple[list[float], list[float]]:
    p = shapely.point_on_surface(piece)
    return [p.x], [p.y]


def test_a_gap_cell_answers_click_and_hover(window):
    from reach_planner.geo.shapes import gap_shapes

    w = window
    shp = gap_shapes(w.state.result)
    lon, lat = all_points(w)
    k = next(k for k, piece in enumerate(shp.pieces)
             if piece.area > 0.01 and km_to_nearest(*_surface(piece), lon, lat)[0] > 5)
    p = shapely.point_on_surface(shp.pieces[k])
    rank = int(shp.region[k]) + 1
    x, y = go_to(w, p.y, p.x, 10)
    hover(w, x, y)
    assert wait_until(lambda: tooltip_text(w).startswith(f"Gap region #{rank} "), 10)
    click(w, x, y)
    n = len(w.state.result.gaps.regions)
    assert wait_until(lambda: w.details.values().get("Type") == f"Gap region #{rank} of {n:,}",
                      10)
    assert wait_until(lambda: highlighted(w) >= 1, 5)


def test_a_gap_label_answers_click(window):
    w = window
    r = w.state.result.gaps.regions.iloc[0]
    x, y = go_to(w, round(float(r["lat"]), 4), round(float(r["lon"]), 4), 8)
    click(w, x, y)
    n = len(w.state.result.gaps.regions)
    assert wait_until(lambda: w.details.values().get("Type") == f"Gap region #1 of {n:,}", 10)


def test_a_province_answers_click_hover_and_selects_its_row(window):
    from shapely.geometry import Point

    from reach_planner.geo.data import load_china

    w = window
    outlets = w.state.result.network.outlets
    lon, lat = all_points(w)
    # 10 km north of an isolated outlet: inside the covered area (not a gap), no point near
    i = isolated(w, outlets)
    plat, plon = outlets["lat"].iloc[i] + 0.09, outlets["lon"].iloc[i]
    assert km_to_nearest([plon], [plat], lon, lat)[0] > 3
    prov = load_china().provinces
    row = prov[prov.contains(Point(plon, plat))].iloc[0]
    x, y = go_to(w, plat, plon, 11)
    hover(w, x, y)
    assert wait_until(lambda: row["name_en"] in tooltip_text(w), 10)
    click(w, x, y)
    assert wait_until(lambda: row["name_en"] in w.details.values().get("Name", ""), 10)
    assert w.details.values()["Type"] == "Province"
    table = w.provinces
    selected = table.selectionModel().selectedRows()
    assert len(selected) == 1 and table.gb_code_at(selected[0].row()) == int(row["gb_code"])
    assert wait_until(lambda: highlighted(w) >= 1, 5)


def test_a_recommended_outlet_answers_click(window):
    w = window
    w.recommender.count.setValue(5)
    w.recommender.run.click()
    assert wait_until(lambda: w.state.recommendation is not None and idle(w), 60)
    rec = w.state.recommendation
    i = isolated(w, rec.sites)
    x, y = go_to(w, rec.sites["lat"].iloc[i], rec.sites["lon"].iloc[i], 11)
    click(w, x, y)
    assert wait_until(lambda: w.details.values().get("Type") == "Recommended outlet", 10)
    assert w.details.values()["Name"] == rec.sites["name"].iloc[i]


def test_hiding_the_covered_area_changes_nothing_for_clicks(window):
    w = window
    outlets = w.state.result.network.outlets
    i = isolated(w, outlets)
    # every vector layer shares one canvas: nothing stacked can swallow the events
    assert run_js(w.map, "document.querySelectorAll('.leaflet-overlay-pane canvas').length") == 1
    x, y = go_to(w, outlets["lat"].iloc[i], outlets["lon"].iloc[i], 11)
    click(w, x, y)
    assert wait_until(lambda: w.details.values().get("ID") == outlets["site_id"].iloc[i], 10)
