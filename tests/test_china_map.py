"""China as approved Chinese maps draw it (issue 10): Taiwan, Hong Kong, Macao, the South
China Sea islands and the ten-dash line in both maps; neighbours, cities and relief
named in both languages; the analysis still on the 31 mainland provinces."""
from __future__ import annotations

import re
import subprocess
import sys
from contextlib import contextmanager

import numpy as np
import pytest
import shapely

from reach_planner.geo.data import load_china
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.maps import context, relief
from reach_planner.ui.maps.layout import PrintOptions
from reach_planner.ui.maps.printmap import render_figure, render_print_map
from reach_planner.ui.maps.web import MapOptions, render_html, write_map
from reach_planner.ui.maps.web_base import RELIEF_NAME
from tests.qt_helpers import run_js, wait_until


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(outlets=1500, sites=200))


def kind(k: str):
    return context.of_kind(k)


# -- the data ---------------------------------------------------------------------------------
def test_taiwan_hong_kong_macao_are_regions_of_china():
    regions = kind("region").set_index("code")
    assert set(regions.index) == {"TW", "HK", "MO"}
    for code, (lon, lat) in {"TW": (121.0, 23.7), "HK": (114.15, 22.38), "MO": (113.55, 22.16)}.items():
        assert regions.loc[code, "geometry"].buffer(0.02).contains(shapely.Point(lon, lat)), code
    assert regions.loc["TW", "name_zh"] == "台湾省"
    china = kind("china").geometry.iloc[0]
    assert china.contains(shapely.Point(121.0, 23.7))  # Taiwan is in China's outline
    assert china.contains(shapely.Point(92.5, 27.9))  # and so is 藏南 (southern Tibet)


def test_south_china_sea_islands_and_the_ten_dash_line():
    islands = kind("islands").set_index("name_zh")
    assert {"东沙群岛", "西沙群岛", "中沙群岛", "南沙群岛", "钓鱼岛"} <= set(islands.index)
    assert islands.loc["南沙群岛", "geometry"].bounds[1] < 9  # down to the Spratlys
    dashes = shapely.get_parts(kind("dashes").geometry.iloc[0])
    assert len(dashes) == 10
    south = min(d.bounds[1] for d in dashes)
    assert 3.0 < south < 4.5  # the southernmost dash, off Borneo (~4°N)


def test_neighbours_have_chinese_and_english_names():
    nb = kind("neighbour").set_index("name_en")
    for en, zh in {"India": "印度", "Mongolia": "蒙古", "Russia": "俄罗斯", "Vietnam": "越南",
                   "Kazakhstan": "哈萨克斯坦", "North Korea": "朝鲜"}.items():
        assert nb.loc[en, "name_zh"] == zh
    assert not set(nb["code"]) & {"CN", "TW", "HK", "MO"}


def test_the_analysis_stays_on_the_31_mainland_provinces(result):
    prov = load_china().provinces
    assert len(prov) == 31 and not set(prov["name_en"]) & {"Taiwan", "Hong Kong", "Macao", "Macau"}
    assert len(result.summary.provinces) == 31
    taiwan = kind("region").set_index("code").loc["TW", "geometry"]
    g = result.demand.grid
    assert not shapely.contains_xy(taiwan, g.lon, g.lat).any()  # no demand cell on Taiwan


def test_cities_are_the_capitals_and_largest_in_both_languages():
    cities = context.cities()
    caps = [c for c in cities if c.capital]
    assert len(caps) == 31
    names = {c.name("en"): c.name("zh") for c in cities}
    assert names["Beijing"] == "北京" and names["Chengdu"] == "成都" and names["Shenzhen"] == "深圳"
    assert not any(re.search("[長貴銀仏]", c.name_zh) for c in cities)  # simplified, not JP/traditional


# -- relief -----------------------------------------------------------------------------------
def test_hillshade_lights_the_north_west_slope():
    lat = np.linspace(30, 31, 41)
    lon = np.linspace(100, 101, 41)
    xx, _ = np.meshgrid(lon, lat)
    ridge = 2000 - 4000 * np.abs(xx - 100.5)  # a north-south ridge at 100.5°E
    shade = relief.hillshade(ridge, lat, lon[1] - lon[0])
    west, east = shade[20, 10], shade[20, 30]
    assert west > east + 0.2  # the west slope faces the north-west light
    e = relief.Elevation(np.where(xx < 100.2, -50.0, ridge), lon, lat)
    alpha = relief.shade_alpha(e)
    assert alpha[20, 5] == 0.0  # sea: clear
    assert alpha[20, 30] > alpha[20, 12]  # the shaded side is darker


# -- web map ----------------------------------------------------------------------------------
def test_web_page_holds_taiwan_islands_dashes_and_names_in_both_languages(result):
    en = render_html(result, MapOptions(lang="en"))
    zh = render_html(result, MapOptions(lang="zh"))
    for text in ("Taiwan", "Hong Kong", "Macao", "Nansha Islands", "Mongolia", "Beijing",
                 "outside the network data"):
        assert text in en, text
    for text in ("台湾", "香港", "澳门", "南沙群岛", "蒙古", "北京", "不在网络数据范围内"):
        assert text in zh, text
    base = re.search(r"rp\.baseData = Object\.assign\((.*?)\);</script>", en, re.S)
    assert base and '"dashes":{"type":"FeatureCollection"' in base.group(1)


def test_relief_image_sits_next_to_the_page(result, tmp_path):
    page = write_map(result, tmp_path / "map.html")
    html = page.read_text(encoding="utf-8")
    has = relief.elevation() is not None
    assert (tmp_path / RELIEF_NAME).exists() == has
    assert (f'"url":"{RELIEF_NAME}"' in html) == has
    if has:
        png, ((s, w), (n, e)) = relief.web_png()
        assert png.startswith(b"\x89PNG") and s < 18.5 and n > 53.5 and w < 73.6 and e > 135


# -- print map --------------------------------------------------------------------------------
def texts_of(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def test_print_names_taiwan_neighbours_and_cities_in_both_languages(result):
    en = texts_of(render_figure(result, PrintOptions(dpi=72)))
    zh = texts_of(render_figure(result, PrintOptions(dpi=72, lang="zh")))
    for text in ("Taiwan", "Mongolia", "Beijing", "South China Sea Islands"):
        assert text in en, text
    for text in ("台湾", "蒙古", "北京", "南海诸岛"):
        assert text in zh, text


def test_print_pdf_text_carries_taiwan_and_the_islands_in_chinese(result, tmp_path):
    pdf = render_print_map(result, PrintOptions(dpi=150, lang="zh"), tmp_path / "zh.pdf")
    code = ("import sys\nfrom PySide6.QtPdf import QPdfDocument\nfrom PySide6.QtGui import QGuiApplication\n"
            "app = QGuiApplication(['t'])\nd = QPdfDocument()\nd.load(sys.argv[1])\n"
            "sys.stdout.buffer.write(d.getAllText(0).text().encode('utf-8'))\n")
    p = subprocess.run([sys.executable, "-c", code, str(pdf)], capture_output=True, timeout=120,
                       env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    text = p.stdout.decode("utf-8")
    assert "台湾" in text and "南海诸岛" in text, text[:500]


def test_print_inset_shows_the_ten_dashes_and_the_islands(result):
    fig = render_figure(result, PrintOptions(dpi=72))
    inset = fig.axes[1]
    (x0, x1), (y0, y1) = inset.get_xlim(), inset.get_ylim()
    verts = np.concatenate([p.get_path().vertices for p in inset.patches])
    tol = 1.0  # metres: the cut puts vertices on the box edge
    inside = ((verts[:, 0] >= x0 - tol) & (verts[:, 0] <= x1 + tol) & (verts[:, 1] >= y0 - tol)
              & (verts[:, 1] <= y1 + tol))
    assert inside.mean() > 0.99  # everything is cut to the box (SVG viewers ignore clipping)
    from reach_planner.ui.maps.basemap import inset_paths
    paths = inset_paths()
    assert {"china", "neighbours", "islands", "dashes"} <= set(paths)
    assert len([c for c in paths["dashes"].codes if c == 1]) == 10  # ten MOVETOs: ten dashes


@contextmanager
def drawn_view(page, size):
    """A shown MapView of ``size`` with ``page`` drawn; disposed afterwards."""
    from reach_planner.ui.export import dispose
    from reach_planner.ui.mapview import MapView

    view = MapView()
    view.resize(*size)
    view.show()
    try:
        view.load_page(page)
        assert wait_until(lambda: view.is_drawn, 60)
        yield view
    finally:
        dispose(view)


@pytest.mark.qt
def test_legend_stays_off_china_and_folds_in_a_small_window(qapp, result, tmp_path):
    page = write_map(result, tmp_path / "map.html")
    for size, folded in (((1400, 900), False), ((600, 500), True)):
        with drawn_view(page, size) as view:
            assert run_js(view, "document.querySelector('.rp-legend').classList.contains('rp-collapsed')") \
                is folded
            legend_right = run_js(view, "document.querySelector('.rp-legend').getBoundingClientRect().right")
            # China's westernmost point (Xinjiang, 73.5°E 39.4°N) lies right of the legend.
            west = run_js(view, "rp.map.latLngToContainerPoint([39.4, 73.6]).x")
            legend_top = run_js(view, "document.querySelector('.rp-legend').getBoundingClientRect().top")
            south_west = run_js(view, "rp.map.latLngToContainerPoint([27.5, 80.0]).y")  # Xizang's SW edge
            assert legend_right < west or legend_top > south_west
            if folded:  # folded, the box is only as wide as its title (no label hidden under it)
                assert run_js(view, "document.querySelector('.rp-legend').offsetWidth") < 100
            # zoomed out, outlets are a density grid: no single-outlet markers on the map
            assert run_js(view, "!rp.layers.outlet || !rp.map.hasLayer(rp.layers.outlet)") is True


@pytest.mark.qt
def test_a_fit_in_a_small_window_zooms_in_and_stays_clear_of_the_layer_list(qapp, result, tmp_path):
    """Fitting picks keeps room for the layer list, but a folded legend takes none and the two
    never take more than a third of the width (a 600 px window used to lose almost half)."""
    import json

    page = write_map(result, tmp_path / "map.html")
    south, west, north, east = 30.0, 102.0, 32.0, 106.0  # Sichuan basin, 4 x 2 degrees
    corner = "JSON.stringify((function(p){{return [p.x, p.y];}})(rp.map.latLngToContainerPoint([{}, {}])))"
    for size in ((600, 500), (1400, 900)):
        with drawn_view(page, size) as view:
            view.fit_bounds(south, west, north, east)
            assert wait_until(lambda v=view: json.loads(run_js(v, corner.format(south, west)))[0] > 0, 10)
            sw = json.loads(run_js(view, corner.format(south, west)))
            ne = json.loads(run_js(view, corner.format(north, east)))
            width = size[0]
            layers_left = run_js(view, "document.querySelector('.leaflet-control-layers').getBoundingClientRect().left")
            assert 0 < sw[0] < ne[0] <= layers_left + 1  # all of it left of the layer list
            assert ne[0] - sw[0] >= 0.55 * width  # ... and big
