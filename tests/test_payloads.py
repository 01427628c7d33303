"""User text is data everywhere (issue 19): a corpus of template, HTML, mathtext, Qt rich
text and spreadsheet-formula payloads, used as site/outlet names and ids and as titles,
through every output. Nothing runs, nothing raises, and the text comes back literally.
"""
from __future__ import annotations

import csv
import html as htmllib
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reach_planner.geo.cells import neutral_frame, neutral_text
from reach_planner.geo.network import OUTLET, make_layer
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from tests.conftest import ROOT

TEMPLATES = ["{{ 7*7 }}", "{% endfor %}", "{# c #}", "Plan {{ next", "{%raw%}x{%endraw%}"]
MARKUP = ["<img src=x onerror=alert(1)>", "<h1>x</h1>", '<a href="x">y</a>', "</script><b>&amp;"]
MATHTEXT = ["$\\foo$", "$5 and $6", "Budget $5 and $6"]
FORMULAS = ["=1+1", "+1-1", "-1+1", "@SUM(1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")',
            "=cmd|' /C calc'!A0"]
CORPUS = TEMPLATES + MARKUP + MATHTEXT + FORMULAS


def rce(marker: Path) -> str:
    """The Jinja2 payload from the probe: writes ``marker`` if a template ever runs it."""
    return "{{ cycler.__init__.__globals__.os.system('touch " + str(marker) + "') }}"


@pytest.fixture(scope="module")
def marker(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rce") / "PWNED"


@pytest.fixture(scope="module")
def names(marker) -> list[str]:
    return [*CORPUS, rce(marker)]


@pytest.fixture(scope="module")
def result(names):
    """A small scenario whose outlets (accepted recommendations, so the report lists them)
    and sites carry the payloads as names and ids."""
    base = run_scenario(ScenarioParams(outlets=300, sites=40, cell_km=20.0))
    n = len(names)
    lon = np.linspace(112.0, 118.0, n)
    lat = np.full(n, 34.5)  # Henan and Shandong: land
    gb = np.full(n, 41, dtype=np.int64)
    outlets = make_layer(OUTLET, lon, lat, gb, list(names), {41: "Henan"}, source="recommended",
                         ids=list(names))
    net = base.network.with_layers(outlets=outlets)
    return run_scenario(base.params, network=net)


# -- spreadsheet cells ------------------------------------------------------------------------
@pytest.mark.parametrize("text", FORMULAS)
def test_formula_text_is_neutralised(text):
    assert neutral_text(text) == "'" + text


@pytest.mark.parametrize("value", [-1, -2.5, 0, 3, "-12.5", "+7", "1e-3", "plain", "中文", None, "a=b"])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert neutral_text(value) == value


def test_a_frame_keeps_its_numbers_numeric():
    import pandas as pd

    frame = pd.DataFrame({"name": ["=1+1", "ok"], "gain": [-5, 7], "x": [-1.5, 2.0]})
    out = neutral_frame(frame)
    assert out["name"].tolist() == ["'=1+1", "ok"]
    assert out["gain"].tolist() == [-5, 7] and out["x"].dtype == float
    assert frame["name"].tolist() == ["=1+1", "ok"]  # the caller's frame is untouched


def read_csv_cells(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def assert_no_formula_cells(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                assert re.fullmatch(r"[+-]?[\d.]+(e[+-]?\d+)?", cell), f"formula cell {cell!r}"


def test_pick_csv_cells_are_text_and_numbers_stay_numbers(result, names, tmp_path):
    from reach_planner.geo.siting.picks_io import write_picks

    sites = result.network.outlets.iloc[-len(names):]
    gains = tuple(-float(i) for i in range(len(names)))  # closure losses can be negative numbers
    rows = read_csv_cells(write_picks(tmp_path / "picks.csv", sites, gains))
    assert_no_formula_cells(rows)
    head = rows[0]
    by_name = {r[head.index("name")]: r for r in rows[1:]}
    for text in names:
        shown = by_name[neutral_text(text)]
        assert shown[head.index("site_id")] == neutral_text(text)
    assert [r[head.index("gain")] for r in rows[1:]][:3] == ["0", "-1", "-2"]


def test_report_workbook_stores_payloads_as_text(result, names):
    import io

    from openpyxl import load_workbook

    from reach_planner.ui.report.workbook import workbook_bytes

    wb = load_workbook(io.BytesIO(workbook_bytes(result)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for text in names:
        assert text.replace("\r", "\n") in texts, text  # XML stores a CR as a line feed


# -- the map page -----------------------------------------------------------------------------
def outlet_names_in_page(page: str) -> list[str]:
    m = re.search(r'rp\.pointLayer\(map, "outlet", (\{.*?\}), \{', page)
    assert m, "no outlet layer in the page"
    return json.loads(m.group(1))["name"]


@pytest.mark.parametrize("title", [*CORPUS, "RCE"])
def test_map_page_keeps_names_and_title_as_data(result, names, marker, title):
    from reach_planner.ui.maps.web import MapOptions, render_html

    title = rce(marker) if title == "RCE" else title
    page = render_html(result, MapOptions(title=title))
    assert not marker.exists(), "a template ran the payload"
    assert outlet_names_in_page(page)[-len(names):] == names
    assert f"<h1>{htmllib.escape(title)}</h1>" in page
    for text in MARKUP:
        assert text not in page  # never markup in the page, only escaped JSON data


# -- print map and report pack ---------------------------------------------------------------
def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.slow
@pytest.mark.parametrize("title", ["Budget $5 and $6", "$\\foo$", "{{ 7*7 }} <h1>x</h1>"])
def test_print_map_prints_titles_literally(result, marker, title, tmp_path):
    from reach_planner.ui.maps.printmap import PrintOptions, render_print_map

    opts = PrintOptions(dpi=72, title=title)
    pdf = render_print_map(result, opts, tmp_path / "m.pdf")
    assert title in pdf_text(pdf)
    svg = render_print_map(result, opts, tmp_path / "m.svg").read_text(encoding="utf-8")
    assert htmllib.escape(title, quote=False) in svg  # the SVG's title (its text is drawn as paths)
    png = render_print_map(result, opts, tmp_path / "m.png")
    from PIL import Image

    assert Image.open(png).info["Title"] == title
    assert not marker.exists()


def payload_result(names: list[str]):
    base = run_scenario(ScenarioParams(outlets=300, sites=40, cell_km=20.0))
    n = len(names)
    outlets = make_layer(OUTLET, np.linspace(112.0, 114.0, n), np.full(n, 34.5), np.full(n, 41, dtype=np.int64),
                         list(names), {41: "Henan"}, source="recommended", ids=list(names))
    return run_scenario(base.params, network=base.network.with_layers(outlets=outlets))


@pytest.mark.slow
def test_report_pack_lists_payload_ids_literally(marker, tmp_path):
    """An accepted outlet whose id is mathtext made the whole pack fail; the province page
    lists the first five accepted outlets by id."""
    from reach_planner.ui.report.options import ReportOptions
    from reach_planner.ui.report.pack import write_report

    ids = ["$\\foo$", "$5 and $6", "<h1>x</h1>", "{{ 7*7 }}", rce(marker)]
    paths = write_report(payload_result(ids), ReportOptions(dpi=150), tmp_path / "pack.pdf")
    text = pdf_text(next(p for p in paths if p.suffix == ".pdf"))
    for shown in ids[:4]:
        assert f"{shown} near" in text, shown
    assert not marker.exists()


@pytest.mark.slow
def test_export_data_keeps_payloads_in_every_format(result, names, marker, tmp_path):
    import geopandas as gpd

    from reach_planner.geo.export_data import FORMATS, export_results

    written = export_results(result, tmp_path, FORMATS)
    for path in written:
        if path.suffix == ".csv":
            assert_no_formula_cells(read_csv_cells(path))
        if path.suffix == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(path)
            assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    outlets = gpd.read_file(tmp_path / "outlets.geojson")
    assert outlets["name"].tolist()[-len(names):] == names
    gpkg = gpd.read_file(next(p for p in written if p.suffix == ".gpkg"), layer="outlets")
    assert gpkg["site_id"].tolist()[-len(names):] == names
    assert not marker.exists()


# -- the command line: one sites file holding every payload -----------------------------------
def payload_sites(path: Path, names: list[str]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "lat", "lon", "kind"])
        for i, text in enumerate(names):
            w.writerow([text, text, 30.0 + 0.3 * i, 112.0 + 0.1 * i, "outlet"])
    return path


@pytest.mark.slow
def test_cli_export_and_close_with_payload_names(names, marker, tmp_path):
    sites = payload_sites(tmp_path / "inj.csv", names)
    run = [sys.executable, str(ROOT / "main.py")]
    p = subprocess.run([*run, "export", "--out", str(tmp_path / "m.png"), "--sites", str(sites),
                        "--width", "400", "--height", "300", "--scale", "1", "--title", "Plan {{ next $5 and $6"],
                       capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr and (tmp_path / "m.png").stat().st_size > 1000
    assert not marker.exists() and not (tmp_path / "PWNED").exists()
    p = subprocess.run([*run, "recommend", "--close", str(len(names)), "--sites", str(sites), "--other", "empty",
                        "--out", str(tmp_path / "closed.csv")], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    rows = read_csv_cells(tmp_path / "closed.csv")
    assert_no_formula_cells(rows)
    assert "'=HYPERLINK(\"http://x\",\"y\")" in {c for r in rows for c in r}
    assert not marker.exists()


def test_the_probe_payload_runs_no_command(marker, tmp_path):
    """The probe's site name alone (no other payload to break the template first)."""
    from reach_planner.ui.maps.web import write_map

    base = run_scenario(ScenarioParams(outlets=300, sites=40, cell_km=20.0))
    outlets = make_layer(OUTLET, np.array([116.4]), np.array([39.9]), np.array([11]), [rce(marker)],
                         {11: "Beijing"})
    res = run_scenario(base.params, network=base.network.with_layers(outlets=outlets))
    page = write_map(res, tmp_path / "map.html").read_text(encoding="utf-8")
    assert not marker.exists(), "the site name ran as a template"
    assert outlet_names_in_page(page) == [rce(marker)]


def test_the_page_allows_only_its_own_files_and_no_requests(result):
    from reach_planner.ui.maps.web import LIB_URL, render_html

    page = render_html(result)
    head = page[:page.index("<script")]
    assert 'http-equiv="Content-Security-Policy"' in head and "connect-src 'none'" in head
    assert "file://" not in page and "qrc:" not in page
    assert LIB_URL + "leaflet.js" in page


def test_the_map_scheme_serves_nothing_outside_its_folders(tmp_path):
    from PySide6.QtCore import QUrl

    from reach_planner.ui.webscheme import page_url, resolve

    (tmp_path / "inner").mkdir()
    page = tmp_path / "inner" / "map.html"
    page.write_text("<p>map</p>", encoding="utf-8")
    (tmp_path / "secret.html").write_text("secret", encoding="utf-8")
    (tmp_path / "inner" / "notes.txt").write_text("not a page file", encoding="utf-8")
    url = page_url(page)
    assert resolve(url) == (b"<p>map</p>", b"text/html;charset=utf-8")
    token = url.path().split("/")[1]
    for bad in (f"rpmap://map/{token}/../secret.html", f"rpmap://map/{token}/%2E%2E%2Fsecret.html",
                f"rpmap://map/{token}/notes.txt", f"rpmap://map/{token}/sub/map.html",
                "rpmap://map/lib/../../../etc/passwd", "rpmap://map/lib/LICENSE", "rpmap://other/lib/leaflet.js",
                f"file://{page}"):
        assert resolve(QUrl(bad)) is None, bad
    assert resolve(QUrl("rpmap://map/lib/leaflet.js"))[0].startswith(b"/*")
    assert b"QWebChannel" in resolve(QUrl("rpmap://map/lib/qwebchannel.js"))[0]


# -- Qt: the map view, message boxes, labels, titles, details ---------------------------------
PROBE = """(function() {
  window.__probe = {};
  var url = %s;
  fetch(url).then(function(r) { return r.text(); }).then(
    function(t) { window.__probe.fetch = 'READ ' + t; }, function(e) { window.__probe.fetch = 'blocked'; });
  var x = new XMLHttpRequest();
  try { x.open('GET', url, false); x.send(); window.__probe.xhr = 'READ ' + x.responseText; }
  catch (e) { window.__probe.xhr = 'blocked'; }
  var f = document.createElement('iframe');
  f.src = url;
  f.onload = function() {
    try { window.__probe.frame = 'READ ' + f.contentDocument.body.textContent; }
    catch (e) { window.__probe.frame = 'blocked'; }
  };
  document.body.appendChild(f);
  return true;
})()"""


@pytest.mark.qt
def test_the_map_view_cannot_read_local_files(qapp, tmp_path):
    from reach_planner.ui.export import dispose
    from reach_planner.ui.maps.web import write_map
    from reach_planner.ui.mapview import MapView
    from tests.qt_helpers import wait_until

    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    view = MapView()
    view.resize(700, 500)
    view.show()
    result = run_scenario(ScenarioParams(outlets=300, sites=40, cell_km=20.0))
    view.load_page(write_map(result, tmp_path / "map.html"))
    assert wait_until(lambda: view.is_drawn, 90), "the map still draws"
    got: dict = {}
    view.evaluate(PROBE % json.dumps(secret.as_uri()), lambda _: None)
    wait_until(lambda: False, 1.5)
    view.evaluate("JSON.stringify([window.__probe, typeof L, rp.layers.provinces ? 1 : 0])",
                  lambda v: got.setdefault("probe", v))
    assert wait_until(lambda: "probe" in got, 30)
    probe, leaflet, outlets = json.loads(got["probe"])
    dispose(view)
    assert "TOPSECRET" not in json.dumps(probe), probe
    assert probe.get("fetch") == "blocked" and probe.get("xhr") == "blocked"
    assert leaflet == "object" and outlets == 1


@pytest.mark.qt
def test_scenario_file_errors_show_markup_as_plain_text(window, message_boxes, tmp_path):
    from PySide6.QtCore import Qt

    evil = '<h1>x</h1><a href="x">y</a>'
    bad = tmp_path / "bad.rpscenario.json"
    bad.write_text(json.dumps({"format": "reach-planner-scenario", "version": 1, "params": {"seed": evil}}),
                   encoding="utf-8")
    window.open_scenario(bad)  # read on the task runner: the box comes when the read fails
    from tests.qt_helpers import wait_until

    assert wait_until(lambda: bool(message_boxes), 20)
    assert evil in message_boxes[-1][2]
    box = message_boxes.boxes[-1]
    assert box.textFormat() == Qt.TextFormat.PlainText and evil in box.text()


@pytest.mark.qt
@pytest.mark.parametrize("text", ["<h1>x</h1>", '<a href="x">y</a>', "{{ 7*7 }}", "$5 and $6"])
def test_labels_titles_and_details_show_user_text_literally(qapp, text, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QMainWindow

    from reach_planner.ui.import_dialog import ColumnMappingDialog
    from reach_planner.ui.messages import plain_tip

    dlg = ColumnMappingDialog(None, f"{text}.csv", [text, "lat", "lon"])
    hint = dlg.findChildren(QLabel)[0]
    assert hint.textFormat() == Qt.TextFormat.PlainText and text in hint.text()
    dlg.deleteLater()
    win = QMainWindow()
    win.setWindowTitle(f"{text} — Reach Planner")
    assert win.windowTitle().startswith(text)  # window titles are never rich text
    win.deleteLater()
    tip = plain_tip(text)  # rich text that shows the characters as written (spaces kept as nbsp)
    assert "<h1>" not in tip and "<a " not in tip
    assert htmllib.unescape(re.sub("<[^>]+>", "", tip)).replace("\xa0", " ") == text


@pytest.mark.qt
def test_details_show_payload_names_and_ids_as_plain_text(qapp, result, names):
    from PySide6.QtCore import QObject, Qt, Signal
    from PySide6.QtWidgets import QFormLayout

    from reach_planner.ui.details import describe
    from reach_planner.ui.panels import DetailsPanel

    class Selection(QObject):
        selectionChanged = Signal(object)

    source = Selection()
    panel = DetailsPanel(source)
    n = len(result.network.outlets)
    for i, text in enumerate(names):
        details = describe(result, "outlet", n - len(names) + i)
        assert details["Name"] == text and details["ID"] == text
        source.selectionChanged.emit(details)
        assert panel.values()["Name"] == text
        field = panel.form.itemAt(1, QFormLayout.ItemRole.FieldRole).widget()
        assert field.textFormat() == Qt.TextFormat.PlainText
    panel.deleteLater()
