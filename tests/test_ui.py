"""The window as a planner uses it: real scenario, real map drawn offscreen."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reach_planner.geo.network import DISTRIBUTION, make_layer
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from tests.conftest import ROOT
from tests.qt_helpers import (
    close_window,
    colour_share,
    distinct_colours,
    dominant_share,
    idle,
    image_array,
    open_window,
    run_js,
    wait_until,
)

pytestmark = pytest.mark.qt
EVIL = '<img src=x onerror="window.__xss=1">'


@pytest.fixture
def window(qapp):
    """A fresh window per test: no test depends on what another one did."""
    w = open_window(ScenarioParams(), (1400, 900))
    yield w
    close_window(w)


def test_window_opens_with_panels_filled_from_the_real_scenario(window):
    s = window.state.result.summary
    assert s.service_outlets == 17000 and s.distribution_sites == 2800
    assert window.reach.values["outlets"].text() == "17,000"
    assert window.reach.values["rural_cov"].text().startswith(f"{s.rural_covered:,}")
    assert window.provinces.model().rowCount() == 31
    assert "360 million" in window.reach.context.text()
    assert "announcement" in window.docks["reach"].findChild(type(window.reach)).context.parent().title()
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Help"]


def purplish(arr) -> float:
    """Share of pixels with the outlets' purple hue (also when anti-aliased or translucent)."""
    r, g, b = (arr[..., i].astype(int) for i in range(3))
    return float(((b > g + 25) & (r > g + 5)).mean())


def test_the_map_is_really_drawn_with_outlets(window):
    arr = image_array(window.map.grab().toImage())
    assert distinct_colours(arr) > 50 and dominant_share(arr) < 0.8
    from reach_planner.ui.maps.web import SEA
    assert colour_share(arr, SEA, tol=3) > 0.02
    # National zoom: outlets are a density grid (issue 23), no single dots; zoomed in to
    # a province they are full dots in the outlet colour.
    assert purplish(arr) > 0.003  # the density grid, light so the choropleth reads through
    assert run_js(window.map, "!!rp.layers.outlet") is False
    run_js(window.map, "rp.setView(34.2, 113.6, 7.5); true")  # Henan
    n = "rp.layers.outlet ? rp.layers.outlet.getLayers().length : 0"
    assert wait_until(lambda: run_js(window.map, n) == 17000, 20)
    assert run_js(window.map, "rp.layers.outlet.getLayers()[0].getRadius()") > 1.5
    # the canvas redraws after the zoom: wait for the dots rather than a fixed time.
    assert wait_until(lambda: purplish(image_array(window.map.grab().toImage())) > 0.005, 45)


def test_province_table_sorts_numerically(window):
    table = window.provinces
    table.sortByColumn(2, __import__("PySide6.QtCore").QtCore.Qt.SortOrder.AscendingOrder)
    vals = [float(table.proxy.index(r, 2).data()) for r in range(31)]
    assert vals == sorted(vals)


def test_clicking_a_province_row_zooms_the_map_there(window):
    from reach_planner.geo.data import load_china

    before = window.map.current_view()
    table = window.provinces
    row = next(r for r in range(31) if table.gb_code_at(r) == 46)  # Hainan
    table.clicked.emit(table.proxy.index(row, 0))
    assert wait_until(lambda: window.map.current_view()["zoom"] > before["zoom"] + 1, 10)
    v = window.map.current_view()
    w, s, e, n = load_china().provinces.set_index("gb_code").geometry.loc[46].bounds
    assert s <= v["lat"] <= n and w <= v["lon"] <= e
    assert "Hainan" in window.details.values().get("Name", "")


def test_clicking_a_site_on_the_map_shows_its_details(window):
    # propagated to the layer group, as Leaflet does with a real click
    window.map.page().runJavaScript("rp.layers.site.getLayers()[5].fire('click', {}, true);")
    expected = window.state.result.network.sites.iloc[5]
    assert wait_until(lambda: window.details.values().get("ID") == expected["site_id"], 10)
    assert window.details.values()["Name"] == expected["name"]


def test_clicking_a_gap_shows_the_region(window):
    # the clickable gap cells are made when first needed (zoomed in, or to highlight)
    window.map.page().runJavaScript("rp.need.gap().getLayers()[0].fire('click');")
    assert wait_until(lambda: window.details.values().get("Type", "").startswith("Gap region"), 10)
    assert "Rural people unreached" in window.details.values()


def test_recompute_from_the_controls_updates_panels_and_keeps_the_view(window):
    run_js(window.map, "rp.setView(30.0, 103.0, 7); true")
    assert wait_until(lambda: window.map.current_view()["zoom"] == 7, 10)
    window.controls.outlets.setValue(5000)
    window.controls.radius.setValue(25.0)
    old = window.state.result
    window.controls.recompute.click()
    assert window.state.busy
    assert wait_until(lambda: window.state.result is not old and idle(window), 60)
    assert window.reach.values["outlets"].text() == "5,000"
    assert window.state.result.params.radius_km == 25.0
    v = window.map.current_view()
    assert abs(v["lat"] - 30.0) < 0.01 and abs(v["lon"] - 103.0) < 0.01 and v["zoom"] == 7


def test_cancel_keeps_the_previous_result(window):
    old = window.state.result
    window.controls.outlets.setValue(9000)
    window.controls.recompute.click()
    window.controls.cancel.click()
    assert not window.state.busy
    assert wait_until(lambda: window.state.runner.settled, 30)  # the worker has ended
    assert window.state.result is old
    assert window.reach.values["outlets"].text() == f"{old.summary.service_outlets:,}"


def test_a_parameter_error_is_shown_and_the_work_kept(window, monkeypatch):
    from reach_planner.geo.params import ParameterError

    old = window.state.result

    def bad():
        raise ParameterError("outlets must be between 0 and 500,000, got 900,000")

    monkeypatch.setattr(window.controls, "params", bad)
    window.controls.apply()
    assert "outlets must be between" in window.controls.error.text()
    assert not window.state.busy and window.state.result is old


def test_a_scenario_without_outlets_is_all_gap(window):
    window.controls.outlets.setValue(0)
    window.controls.recompute.click()
    assert wait_until(lambda: idle(window) and window.state.result.summary.service_outlets == 0,
                      60)
    assert window.reach.values["rural_cov"].text() == "0 (0.00%)"
    assert window.state.result.summary.gap_regions > 0


def test_exported_png_has_the_requested_size_and_is_a_real_map(window, tmp_path):
    from reach_planner.ui.export import render_page, save_image
    from reach_planner.ui.maps.web import MapOptions, write_map

    result = run_scenario(ScenarioParams())
    page = write_map(result, tmp_path / "m.html", MapOptions(title="Test export"))
    img = render_page(page, 800, 500, 2)
    out = save_image(img, tmp_path / "map.png", "PNG")
    from PySide6.QtGui import QImage

    back = QImage(str(out))
    assert back.height() == 1000 and back.width() > 1600  # the map, and the legend's band
    arr = image_array(back)
    assert distinct_colours(arr) > 100
    assert dominant_share(arr) < 0.6
    assert purplish(arr[:, :1600]) > 0.001  # the outlets' stipple (national zoom)
    # the legend (right of the map, issue 23.3) and the title (top-left) are in the picture
    assert (arr[-400:-40, 1620:] > 245).all(axis=2).mean() > 0.3
    assert (arr[20:80, 20:400] > 245).all(axis=2).mean() > 0.3
    assert not list(tmp_path.glob(".map.png.*"))


def test_export_pdf_and_jpeg(window, tmp_path):
    from reach_planner.ui.export import render_page, save_image

    page = window.state.page
    img = render_page(page, 400, 300, 1)
    pdf = save_image(img, tmp_path / "m.pdf", "PDF")
    assert pdf.read_bytes().startswith(b"%PDF")
    jpg = save_image(img, tmp_path / "m.jpg", "JPEG")
    assert jpg.read_bytes()[:2] == b"\xff\xd8"


def test_site_names_are_shown_as_text_not_run(qapp, tmp_path):
    from reach_planner.ui.maps.web import write_map
    from reach_planner.ui.mapview import MapView

    base = run_scenario(ScenarioParams(outlets=200, sites=40))
    sites = make_layer(DISTRIBUTION, np.array([116.4]), np.array([39.9]), np.array([11]),
                       [EVIL], {11: "Beijing"})
    result = run_scenario(base.params, network=base.network.with_layers(sites=sites))
    page = write_map(result, tmp_path / "evil.html")
    view = MapView()
    view.resize(800, 600)
    view.show()
    view.load_page(page)
    assert wait_until(lambda: view.is_drawn, 60)
    # a hover on the marker, as Leaflet sends it: the group's one tooltip names this site
    opened = run_js(view, "(function(){var g = rp.layers.site, l = g.getLayers()[0];"
                          " l.fire('mouseover', {latlng: l.getLatLng()}, true); return g.isTooltipOpen();})()")
    assert opened is True
    text = run_js(view, "document.querySelector('.leaflet-tooltip').textContent")
    assert text == EVIL
    assert run_js(view, "typeof window.__xss") == "undefined"
    assert run_js(view, "document.querySelectorAll('img[src=\"x\"]').length") == 0
    view.close()
    view.deleteLater()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


def test_headless_export_cli_writes_the_requested_image(tmp_path):
    out = tmp_path / "map.png"
    p = run_cli("export", "--out", str(out), "--width", "640", "--height", "400", "--scale", "2",
                "--outlets", "3000")
    assert p.returncode == 0, p.stderr
    from PIL import Image

    with Image.open(out) as im:
        assert im.size[1] == 800 and im.size[0] > 1280  # the view, and a band for the legend
        arr = np.asarray(im.convert("RGB"))
    assert distinct_colours(arr) > 50 and dominant_share(arr) < 0.7


@pytest.mark.parametrize("out,needle", [("/nonexistent-dir/x.png", "does not exist"),
                                        ("map.gif", "unsupported image format")])
def test_headless_export_cli_rejects_bad_paths(tmp_path, out, needle):
    target = out if out.startswith("/") else str(tmp_path / out)
    p = run_cli("export", "--out", target)
    assert p.returncode != 0
    assert needle in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_details_are_json_friendly(window):
    from reach_planner.ui.details import describe

    d = describe(window.state.result, "province", 54)
    assert json.loads(json.dumps(d))["Name"].endswith("Tibet (Xizang)")
    assert describe(window.state.result, "site", 10**9) is None
    assert Path(window.state.page).is_file()


def test_export_from_the_window_remembers_the_folder(window, tmp_path):
    from PySide6.QtCore import QSettings

    from reach_planner.ui.export_dialog import SETTINGS_KEY, ExportDialog, last_folder

    QSettings().setValue(SETTINGS_KEY, str(tmp_path))
    dlg = ExportDialog(window, "My report map")
    assert dlg.path.text().startswith(str(tmp_path))
    dlg.path.setText(str(tmp_path / "sub" / "x.png"))
    with pytest.raises(ValueError, match="does not exist"):
        dlg.choice()
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    dlg.path.setText(str(out_dir / "reach.png"))
    dlg.scale.setCurrentIndex(0)
    path, fmt, scale, title = dlg.choice()
    window._export_to(path, fmt, scale, title)
    assert not path.exists()  # written later, in the runner: the window never waits
    assert wait_until(lambda: path.exists() and window.export_action.isEnabled(), 60)
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    assert img.height() == window.map.height() and img.width() > window.map.width()  # + legend band
    assert last_folder() == str(out_dir)


@pytest.mark.parametrize("extra", [[], ["--outlets", "2000", "--radius-km", "40"]])
def test_main_py_opens_the_window_and_draws_the_map(extra):
    p = run_cli(*extra, "--quit-when-drawn") if extra else run_cli("--quit-when-drawn")
    assert p.returncode == 0, p.stderr[-2000:]
    assert "map drawn" in p.stdout


def test_main_py_opens_with_an_imported_site_file(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_bytes("名称,纬度,经度\n甲,39.9,116.4\n乙,30.6,104.1\n".encode("gbk"))
    p = run_cli("gui", "--sites", str(f), "--quit-when-drawn")
    assert p.returncode == 0, p.stderr[-2000:]
    assert "map drawn" in p.stdout


def test_a_flat_picture_counts_as_not_yet_painted():
    from PySide6.QtGui import QColor, QImage

    from reach_planner.ui.export import is_blank

    img = QImage(200, 100, QImage.Format.Format_RGB32)
    img.fill(QColor("#d4e4ee"))  # the sea: what an off-screen view shows before its first frame
    assert is_blank(img)
    for x in range(40, 160):
        for y in range(40, 60):  # a small painted block, as a map's smallest layer
            img.setPixelColor(x, y, QColor("#7b2cbf"))
    assert not is_blank(img)
    assert is_blank(QImage())
