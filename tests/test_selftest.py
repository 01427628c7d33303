"""``--selftest`` and ``--version``: the pixel check, the real run offscreen, the failure
message, and what the desktop bundle trims."""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from reach_planner import __version__
from reach_planner.main import main
from reach_planner.ui import selftest
from reach_planner.ui.maps.style import GAP_COLOURS, LAND, SEA
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "packaging"))
import trim  # noqa: E402  (packaging/trim.py: the bundle's trimming rules)


def picture(sea: float, land: float, gaps: float, noise: bool = True) -> np.ndarray:
    """A 200 x 300 picture with the given shares of sea, land and gap colour."""
    h, w = 200, 300
    flat = np.full((h * w, 3), 255, dtype=np.uint8)
    n_sea, n_land, n_gap = int(sea * h * w), int(land * h * w), int(gaps * h * w)
    flat[:n_sea] = selftest._rgb(SEA)
    flat[n_sea:n_sea + n_land] = selftest._rgb(LAND)
    flat[n_sea + n_land:n_sea + n_land + n_gap] = selftest.gap_colours_on_land()[3]
    if noise:  # outlets, borders, text: many other colours
        rest = flat[n_sea + n_land + n_gap:]
        rest[:] = np.random.default_rng(0).integers(0, 120, size=rest.shape, dtype=np.uint8)
    return flat.reshape(h, w, 3)


def test_pixel_check_accepts_a_drawn_map():
    report = selftest.check_pixels(picture(0.6, 0.1, 0.04))
    assert report.problems() == []
    assert report.sea == pytest.approx(0.6, abs=0.01) and report.gaps == pytest.approx(0.04, abs=0.01)


def test_pixel_check_names_what_is_missing():
    blank = selftest.check_pixels(np.full((200, 300, 3), 255, dtype=np.uint8))
    assert any("blank" in p for p in blank.problems())
    no_gaps = selftest.check_pixels(picture(0.6, 0.2, 0.0))
    assert no_gaps.problems() == [f"no gap cells drawn (0.00% < {selftest.MIN_GAPS:.1%})"]
    only_sea = selftest.check_pixels(picture(0.9, 0.0, 0.0))
    assert {p.split(" (")[0] for p in only_sea.problems()} == {"too little land colour",
                                                               "no gap cells drawn"}


def test_gap_colours_are_blended_over_land():
    blended = selftest.gap_colours_on_land()
    assert len(blended) == len(GAP_COLOURS)
    red, land = selftest._rgb(GAP_COLOURS[-1]), selftest._rgb(LAND)
    assert (np.minimum(red, land) <= blended[-1]).all() and (blended[-1] <= np.maximum(red, land)).all()


@pytest.mark.qt
def test_selftest_draws_the_map_and_prints_one_line(qapp):
    out = io.StringIO()
    times = selftest.run_selftest(out=out)
    line = out.getvalue()
    assert line.count("\n") == 1 and line.startswith(f"selftest ok: Reach Planner {__version__}")
    assert set(times) == {"imports", "scenario", "page", "drawn", "print_zh", "files", "font", "total"}
    assert times["total"] >= times["scenario"] + times["drawn"]
    land, gaps = re.search(r"land ([\d.]+)%, gaps ([\d.]+)%", line).groups()
    assert float(land) >= selftest.MIN_LAND * 100 and float(gaps) >= selftest.MIN_GAPS * 100


@pytest.mark.qt
def test_selftest_fails_with_the_reason_when_the_map_is_blank(qapp, monkeypatch, capsys):
    from PySide6.QtGui import QImage

    from reach_planner.ui import export

    def blank_page(*_args, **_kwargs):
        img = QImage(*selftest.VIEW, QImage.Format.Format_RGB32)
        img.fill(0xFFFFFFFF)
        return img

    monkeypatch.setattr(export, "render_page", blank_page)
    assert main(["--selftest"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("selftest FAILED: map pixels after 3 attempts: the map is blank (1 colours)")


@pytest.mark.qt
def test_selftest_fails_when_the_map_never_draws(qapp, monkeypatch, capsys):
    from reach_planner.ui import export

    def no_draw(*_args, **_kwargs):
        raise RuntimeError("the map did not finish drawing in time")

    monkeypatch.setattr(export, "render_page", no_draw)
    assert main(["--selftest"]) == 1
    assert "selftest FAILED: map: the map did not finish drawing in time" in capsys.readouterr().err


def test_version_matches_the_package(capsys):
    assert main(["--version"]) == 0
    printed = capsys.readouterr().out.strip()
    declared = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert printed == f"Reach Planner {declared}" == f"Reach Planner {__version__}"


def test_bundle_keeps_english_and_chinese_only():
    qt = "_internal/PySide6/Qt/translations/"
    assert trim.keep(qt + "qtbase_zh_CN.qm") and trim.keep(qt + "qtwebengine_en.qm")
    assert not trim.keep(qt + "qtbase_de.qm") and not trim.keep(qt + "qtwebengine_pt_BR.qm")
    assert trim.keep(qt + "qtwebengine_locales/en-US.pak")
    assert trim.keep(qt + "qtwebengine_locales/zh-CN.pak")
    assert not trim.keep(qt + "qtwebengine_locales/zh-TW.pak")
    assert not trim.keep("matplotlib/mpl-data/sample_data/goog.npz")
    assert trim.keep("PySide6/Qt/resources/qtwebengine_resources.pak")
    assert trim.keep("PySide6/Qt/libexec/QtWebEngineProcess")


def test_bundle_ships_the_runtime_resources_not_the_build_tools():
    shipped = [p.relative_to(ROOT).as_posix() for p in (ROOT / "resources").rglob("*")
               if p.is_file() and trim.keep(p.relative_to(ROOT).as_posix(), source=True)]
    for needed in ("resources/data/provinces.geojson", "resources/web/leaflet/leaflet.js",
                   "resources/i18n/reach_planner_zh_CN.qm", "resources/i18n/reach_planner_zh_CN.ts",
                   "resources/fonts/NotoSansSC-Regular.ttf",
                   "resources/fonts/OFL.txt", "resources/ATTRIBUTION.md"):
        assert needed in shipped
    # the .ts is read by the Qt-free print code (issue 24), so it ships; the build tools do not
    assert not [p for p in shipped if p.startswith("resources/tools/")]


@pytest.mark.qt
def test_help_about_shows_the_version(qapp, message_boxes):
    from reach_planner.ui.mainwindow import MainWindow

    w = MainWindow()
    try:
        w.about_action.trigger()
    finally:
        w.state.undo_stack.setClean()  # no unsaved-changes prompt
        w.close()
    kind, _title, text = message_boxes[-1]
    assert kind == "about" and text.startswith(f"Reach Planner {__version__}\n")


def test_bundle_drops_embedded_qt_platforms_and_unused_fonts():
    plugins = "_internal/PySide6/Qt/plugins/"
    for kept in ("platforms/libqxcb.so", "platforms/libqwayland.so", "platforms/libqoffscreen.so",
                 "platforminputcontexts/libibusplatforminputcontextplugin.so", "imageformats/libqsvg.so",
                 "imageformats/libqjpeg.so"):
        assert trim.keep(plugins + kept), kept
    for dropped in ("platforms/libqeglfs.so", "platforms/libqvnc.so", "imageformats/libqtiff.so",
                    "platforminputcontexts/libqtvirtualkeyboardplugin.so"):
        assert not trim.keep(plugins + dropped), dropped
    ttf = "_internal/matplotlib/mpl-data/fonts/ttf/"
    assert trim.keep(ttf + "DejaVuSans.ttf") and trim.keep(ttf + "DejaVuSans-Bold.ttf")
    assert trim.keep(ttf + "DejaVuSansDisplay.ttf") and trim.keep(ttf + "LastResortHE-Regular.ttf")
    assert not trim.keep(ttf + "STIXGeneral.ttf") and not trim.keep(ttf + "cmr10.ttf")
    assert not trim.keep(ttf + "DejaVuSerif.ttf") and not trim.keep(ttf + "DejaVuSansMono.ttf")
    assert "PIL._avif" in trim.EXCLUDED_MODULES and "setuptools" in trim.EXCLUDED_MODULES


def test_bundle_keeps_icu_data_for_english_and_chinese():
    for kept in ("coll/zh.res", "coll/zh_Hans.res", "coll/root.res", "coll/ucadata.icu", "en_GB.res",
                 "zh_Hans_CN.res", "root.res", "pool.res", "res_index.res", "gb18030.cnv", "cnvalias.icu",
                 "nfkc.nrm", "brkitr/root.res", "brkitr/cjdict.dict", "zoneinfo64.res", "likelySubtags.res"):
        assert trim.keep_icu_item(kept), kept
    for dropped in ("coll/sv.res", "de.res", "pt_BR.res", "lang/fr.res", "curr/ja.res", "coll/de_.res",
                    "translit/root.res", "rbnf/en.res", "unit/zh.res", "brkitr/thaidict.dict",
                    "euc-jp-2007.cnv", "ibm-949_P11A-1999.cnv", "ibm-1388_P103-2001.cnv"):
        assert not trim.keep_icu_item(dropped), dropped
    # Chinese code pages stay (GBK, GB2312, Big5, HKSCS) and so do single-byte ones
    for kept in ("ibm-1386_P100-2001.cnv", "ibm-1383_P110-1999.cnv", "ibm-1373_P100-2002.cnv",
                 "ibm-1375_P100-2008.cnv", "ibm-5348_P100-1997.cnv"):
        assert trim.keep_icu_item(kept), kept
    # Chromium's package keeps the unit tables (JavaScript's Intl formats units)
    assert trim.keep_icu_item("unit/zh.res", ()) and not trim.keep_icu_item("unit/de.res", ())


def test_libraries_only_a_dropped_plugin_needed_go_with_it():
    needs = {"cups.so": {"libcups.so.2", "libQt6DBus.so.6"}, "libcups.so.2": {"libgnutls.so.30"},
             "libgnutls.so.30": {"libz.so.1"}, "dbus.abi3.so": {"libQt6DBus.so.6"}, "qpdf.so": {"libQt6Pdf.so.6"},
             "gui.so": {"libz.so.1"}, "libQt6DBus.so.6": set(), "libQt6Pdf.so.6": set(), "libz.so.1": set(),
             "libnssckbi.so": set()}
    rows = [(f"_internal/x/{n}", n, "BINARY") for n in needs]
    dropped = [r for r in rows if r[1] in ("cups.so", "qpdf.so")]
    kept = trim.drop_orphans([r for r in rows if r not in dropped], dropped, lambda src: needs[src])
    assert sorted(r[1] for r in kept) == ["dbus.abi3.so", "gui.so", "libQt6DBus.so.6", "libnssckbi.so", "libz.so.1"]
    import PySide6

    pdf = Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Pdf.so.6"
    assert trim.needed(str(pdf)) >= {"libQt6Core.so.6", "libQt6Gui.so.6"}
    assert not trim.keep("_internal/PySide6/Qt/plugins/printsupport/libcupsprintersupport.so")


def test_solver_stack_left_out_only_when_no_app_module_imports_it():
    assert not trim.solver_stack_unused(["import numpy\n", "def exact():\n    import pulp\n"])
    assert not trim.solver_stack_unused(["    from spopt.locate import MCLP\n"])
    assert trim.solver_stack_unused(["import highspy\n", "# spopt and pulp were replaced by HiGHS\n",
                                     "x = 'import pulp'\n", "import pulpit\n"])
    assert {"spopt", "pulp", "sklearn", "libpysal"} <= set(trim.SOLVER_STACK)


def test_pyogrio_left_out_only_when_no_app_module_reads_or_writes_through_it():
    assert not trim.pyogrio_unused(["import numpy\n", "    gdf = gpd.read_file(path)\n"])
    assert not trim.pyogrio_unused(["frame.to_file(p, driver='GPKG')\n"])
    assert not trim.pyogrio_unused(["def f():\n    import pyogrio\n"])
    assert trim.pyogrio_unused(["from reach_planner.geo.gpkg import write_gpkg, list_layers\n",
                                "# no pyogrio here: sqlite3 and WKB\n", "rows = read_file(path, args)\n"])


def test_the_app_reads_and_writes_through_pyogrio_so_the_bundle_carries_it():
    sources = [p.read_text(encoding="utf-8") for d in ("geo", "ui") for p in (ROOT / d).rglob("*.py")]
    assert not trim.pyogrio_unused(sources + [(ROOT / "main.py").read_text(encoding="utf-8")])


def test_scipy_parts_left_out_with_the_stack_unless_the_app_names_them():
    assert trim.unused_by_app(["from spopt.locate import MCLP\n"]) == []
    left_out = trim.unused_by_app(["from scipy.spatial import cKDTree\n", "from scipy.io import netcdf_file\n",
                                   "from scipy import sparse, ndimage\n"])
    assert {"spopt", "sklearn", "scipy.optimize", "scipy.stats"} <= set(left_out)
    assert not {"scipy.ndimage", "scipy.io", "scipy.spatial", "scipy.sparse"} & set(left_out)
    assert "scipy.interpolate" not in trim.unused_by_app(["from scipy.interpolate import griddata\n"])


def test_scipy_and_rasterio_left_out_when_no_app_module_imports_them():
    both = trim.unused_by_app(["import numpy\n", "# scipy was the oracle\n", "x = 'import rasterio'\n"])
    assert {"scipy", "rasterio", "spopt"} <= set(both)
    assert not any(m.startswith("scipy.") for m in both)  # the whole package goes
    kept = trim.unused_by_app(["def f():\n    from scipy.sparse import csgraph\n", "import rasterio.warp\n"])
    assert "scipy" not in kept and "rasterio" not in kept and "scipy.optimize" in kept
    assert trim.imported(["    import scipy\n"], "scipy") and not trim.imported(["import scipyx\n"], "scipy")


@pytest.mark.qt
def test_selftest_fails_when_the_chinese_print_map_is_english(qapp, monkeypatch, capsys):
    """Issue 24: the bundle printed English when asked for Chinese; the self-test catches it."""
    from reach_planner.main import main
    from reach_planner.ui.maps import texts

    monkeypatch.setattr(texts, "catalogue", lambda lang: {})  # what a bundle without the .ts did
    assert main(["--selftest"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("selftest FAILED: the Chinese print map lacks 南海诸岛, 服务网点")


def test_selftest_reads_a_zipped_shapefile_and_a_mollweide_geotiff(tmp_path):
    selftest.check_real_files(tmp_path)  # raises with the reason when a total is wrong


def test_selftest_fails_when_the_mollweide_raster_is_misread(tmp_path, monkeypatch):
    """What the home-made reader did (-98.6%) must fail the self-test."""
    from reach_planner.geo import demand_io

    real = demand_io.read_demand

    def wrong(path, cell_km, *a, **k):
        got = real(path, cell_km, *a, **k)
        import dataclasses

        return dataclasses.replace(got, inside=got.inside * 0.014)

    monkeypatch.setattr(demand_io, "read_demand", wrong)
    with pytest.raises(selftest.SelftestError, match="Mollweide GeoTIFF holds 2,000 people"):
        selftest.check_real_files(tmp_path)
