"""Issue 23: the national view (levels of detail) and the map defects 7, 8, 10, 11, 21.

Clicks are real mouse events on the view's render widget (``focusProxy()``) at the pixel
the page itself gives for a place (``latLngToContainerPoint``), as in
tests/test_ui_map_mouse.py."""
from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from reach_planner.geo.params import ScenarioParams
from tests.qt_helpers import close_window, hex_rgb, idle, image_array, open_window, run_js, wait_until
from tests.test_ui_map_mouse import click

pytestmark = pytest.mark.qt
PARAMS = ScenarioParams(outlets=17000, sites=2800, seed=2024)


@pytest.fixture
def window(qapp):
    w = open_window(PARAMS, (1600, 1000))
    yield w
    close_window(w)


def pixel(w, lat: float, lon: float) -> tuple[int, int]:
    x, y = json.loads(run_js(w.map, f"(function(){{var p = rp.map.latLngToContainerPoint("
                                    f"[{lat}, {lon}]); return JSON.stringify([p.x, p.y]);}})()"))
    return int(round(x)), int(round(y))


def zoom(w) -> float:
    return float(run_js(w.map, "rp.map.getZoom()"))


def provinces():
    from reach_planner.geo.data import load_china

    return load_china().provinces.set_index("gb_code")


def clear_of_gap_labels(w, x: int, y: int) -> bool:
    """No top-gap rank circle (a clickable marker) within 16 px."""
    boxes = json.loads(run_js(w.map, "JSON.stringify(Array.from(document.querySelectorAll("
                                     "'.rp-gaplabel')).map(function(e){var r=e.getBoundingClientRect();"
                                     "return [r.left, r.top, r.right, r.bottom];}))"))
    return all(not (b[0] - 16 < x < b[2] + 16 and b[1] - 16 < y < b[3] + 16) for b in boxes)


# -- A: levels of detail -----------------------------------------------------------------
def test_zoomed_out_outlets_are_a_density_grid_and_single_outlets_come_zooming_in(window):
    w = window
    assert zoom(w) < 5.75
    # no 17,000 dots at national zoom: a density grid on its own pane instead
    assert run_js(w.map, "!!(rp.layers.outlet)") is False
    assert run_js(w.map, "document.querySelectorAll('.leaflet-rp-density-pane canvas').length") == 1
    # the choropleth: the least and the best covered province are filled differently
    fills = json.loads(run_js(w.map, "JSON.stringify(rp.provinceFill.getLayers().map(function(l){"
                                     "return [l.feature.properties.gb, l.options.fillColor];}))"))
    fill = dict((int(k), v) for k, v in fills)
    assert fill[54] != fill[32]  # Tibet (45.6 %) vs Jiangsu (over 99 %)
    run_js(w.map, "rp.setView(34.2, 113.6, 7); true")  # Henan
    assert wait_until(lambda: run_js(w.map, "rp.layers.outlet ? rp.layers.outlet.getLayers().length : 0")
                      == 17000, 20)
    assert run_js(w.map, "rp.provinceFill.getLayers()[0].options.fillColor") == "#f6f3ec"


def test_gap_cells_are_classed_by_people_per_km2_in_page_and_legend():
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.ui.maps import style
    from reach_planner.ui.maps.web_layers import MapOptions, build_payload

    result = run_scenario(ScenarioParams(outlets=3000, sites=300, seed=5))
    payload = build_payload(result, MapOptions())
    assert "Unreached rural people per km²" in payload.legend_html
    assert "Unreached rural people per cell" not in payload.legend_html
    gaps = next(js for name, js, _ in payload.layers if name == "Rural gap cells")
    for colour in style.GAP_COLOURS:
        assert colour in gaps
    # a piece's class is its cells' people per km² class: the pale lowest class holds the
    # near-empty cells (desert, high plateau), the darkest the crowded ones
    from reach_planner.geo.shapes import gap_shapes

    area = result.demand.grid.cell_area_km2
    assert np.allclose(style.gap_classes()[:4], np.array([0.5, 2.0, 5.0, 15.0]) * area)
    shp = gap_shapes(result)
    assert set(shp.klass.tolist()) == {0, 1, 2, 3, 4}
    cells = np.flatnonzero(result.gaps.is_gap)
    density = result.demand.rural[cells] / area
    assert (style.gap_class_of(result.demand.rural[cells])[density <= 0.5] == 0).all()


# -- 7: provinces clickable at national zoom --------------------------------------------
@pytest.mark.parametrize("codes", [(32, 41, 37, 44, 36, 43, 45), (65, 54, 63, 15)])
def test_a_click_on_a_province_at_national_zoom_selects_the_province(window, codes):
    w = window
    prov = provinces()
    assert zoom(w) <= 5
    for gb in codes:
        geom = prov.geometry.loc[gb]
        inner = shapely.buffer(geom, -0.4)
        # a point well inside the province and clear of the clickable rank circles
        for p in [shapely.point_on_surface(inner), inner.centroid,
                  *shapely.points(np.asarray(max(shapely.get_parts(inner), key=lambda g: g.area)
                                             .exterior.coords)[::7])]:
            if not geom.contains(p):
                continue
            x, y = pixel(w, p.y, p.x)
            if clear_of_gap_labels(w, x, y):
                break
        click(w, x, y)
        assert wait_until(lambda gb=gb: w.details.values().get("Type") == "Province"
                          and prov.loc[gb, "name_en"] in w.details.values().get("Name", ""), 10), \
            (gb, w.details.values())


# -- 8: the selected province's outline over the gaps -----------------------------------
def test_the_selected_provinces_outline_is_drawn_above_the_gap_cells(window):
    w = window
    tibet = provinces().geometry.loc[54]
    ring = max(shapely.get_parts(tibet), key=lambda g: g.area).exterior
    pts = [ring.interpolate(f, normalized=True) for f in np.linspace(0, 1, 240, endpoint=False)]
    w.state.select("province", 54)
    assert wait_until(lambda: run_js(w.map, "rp.hl.length") == 1 and idle(w), 10)
    w.map.repaint()
    wait_until(lambda: False, 1.0)
    xy = json.loads(run_js(w.map, "JSON.stringify(" + json.dumps([[p.y, p.x] for p in pts])
                           + ".map(function(q){var p = rp.map.latLngToContainerPoint(q);"
                             " return [Math.round(p.x), Math.round(p.y)];}))"))
    arr = image_array(w.map.grab().toImage()).astype(int)
    dark = hex_rgb("#111111")
    ratio = w.map.grab().toImage().width() / w.map.width()
    hits = []
    for x, y in xy:
        x, y = int(x * ratio), int(y * ratio)
        patch = arr[max(0, y - 2):y + 3, max(0, x - 2):x + 3]
        if patch.size == 0:
            continue
        hits.append(np.abs(patch - dark).max(axis=2).min() <= 30)
    assert len(hits) > 200
    assert np.mean(hits) > 0.9, np.mean(hits)


# -- 10: labels never overlap -------------------------------------------------------------
LABEL_BOXES = """(function(){
  var out = [], map = rp.map.getContainer().getBoundingClientRect();
  document.querySelectorAll('.rp-gaplabel, .rp-city, .rp-country, .rp-region, .rp-sea').forEach(function(el){
    if (el.offsetParent === null) { return; }
    var parts = el.querySelectorAll('i, span'), b = null;
    if (!parts.length) { parts = [el]; }
    parts.forEach(function(p) {  // the painted parts: a sizeless divIcon has no box itself
      var r = p.getBoundingClientRect();
      if (!r.width && !r.height) { return; }
      b = b ? {l: Math.min(b.l, r.left), t: Math.min(b.t, r.top), r: Math.max(b.r, r.right),
               b: Math.max(b.b, r.bottom)} : {l: r.left, t: r.top, r: r.right, b: r.bottom};
    });
    if (!b || b.r < map.left || b.l > map.right || b.b < map.top || b.t > map.bottom) { return; }
    out.push([b.l, b.t, b.r, b.b, el.textContent]);
  });
  return JSON.stringify(out);
})()"""


def overlaps(boxes) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                out.append((a[4], b[4]))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_do_not_collide_at_national_zoom(qapp, lang):
    from reach_planner.ui.i18n import set_language

    set_language(lang, remember=False)
    w = open_window(PARAMS, (1600, 1000))
    try:
        for z in (None, 5.0):
            if z is not None:
                run_js(w.map, f"rp.setView(33.0, 112.0, {z}); true")
                assert wait_until(lambda z=z: abs(zoom(w) - z) < 1e-6 and idle(w), 10)
                wait_until(lambda: False, 0.5)
            boxes = json.loads(run_js(w.map, LABEL_BOXES))
            assert len(boxes) > 30  # capitals, countries, gap ranks are still named
            assert overlaps(boxes) == []
    finally:
        close_window(w)


# -- 11: the layer list keeps its order -----------------------------------------------
LAYER_NAMES = ("JSON.stringify(Array.from(document.querySelectorAll("
               "'.leaflet-control-layers-overlays label span span')).map(function(s){"
               "return s.textContent.trim();}))")


def test_the_layer_list_keeps_its_order_after_recompute_and_undo(window):
    w = window
    before = json.loads(run_js(w.map, LAYER_NAMES))
    assert before[0] == "Provinces" and before[-2:] == ["Shaded relief", "Cities"]
    w.controls.seed.setValue(7)
    old = w.state.result
    w.controls.recompute.click()
    assert wait_until(lambda: w.state.result is not old and idle(w), 90)
    assert json.loads(run_js(w.map, LAYER_NAMES)) == before
    old = w.state.result
    w.undo_action.trigger()
    assert wait_until(lambda: w.state.result is not old and idle(w), 90)
    assert json.loads(run_js(w.map, LAYER_NAMES)) == before


# -- 21: no white slivers, a click on the sea clears ------------------------------------
def test_gap_pieces_are_drawn_opaque_in_their_own_colour_on_a_translucent_pane(window):
    """Translucent pieces side by side leave a light antialiased seam on every shared
    edge; opaque pieces stroked in their own colour overlap by half a pixel, and the pane
    makes the whole layer translucent at once."""
    w = window
    styles = json.loads(run_js(w.map, "JSON.stringify(rp.layers.gapLook.getLayers().map(function(l){"
                                      "var o = l.options; return [o.fillOpacity, o.stroke, o.color,"
                                      " o.fillColor, o.renderer.options.pane];}))"))
    assert len(styles) > 100
    assert all(s[0] == 1 and s[1] and s[2] == s[3] for s in styles)
    opacity = float(run_js(w.map, f"getComputedStyle(rp.map.getPane({json.dumps(styles[0][4])})).opacity"))
    assert 0.5 < opacity < 1


def test_a_click_on_the_sea_clears_the_selection(window):
    w = window
    x, y = pixel(w, 33.4, 113.8)  # Henan
    click(w, x, y)
    assert wait_until(lambda: w.state.selection == ("province", 41), 10)
    x, y = pixel(w, 33.0, 124.5)  # the Yellow Sea / East China Sea
    click(w, x, y)
    assert wait_until(lambda: w.state.selection is None and not w.details.values(), 10)
    assert run_js(w.map, "rp.hl.length") == 0
