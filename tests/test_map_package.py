"""The map package: one style, one dissolve per result, one text catalogue, no Qt."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import shapely

from reach_planner.geo import shapes as geo_shapes
from reach_planner.geo.export_data import gap_regions
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.maps import shapes, style
from reach_planner.ui.maps.layout import PrintOptions, extent_bounds
from reach_planner.ui.maps.printmap import render_figure
from reach_planner.ui.maps.texts import Texts, catalogue, read_catalogue
from reach_planner.ui.maps.web import MapOptions, build_payload
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(outlets=1500, sites=200, seed=5))


# -- shapes: dissolved once, the same for web, print and export -------------------------------
def test_gap_dissolve_matches_the_raw_cells_per_class_and_region(result):
    g, gaps = result.demand.grid, result.gaps
    cells = np.flatnonzero(gaps.is_gap)
    klass = style.gap_class_of(result.demand.rural[cells])
    shp = geo_shapes.gap_shapes(result)
    for c, geom in enumerate(shp.by_class()):
        raw = shapely.union_all(g.polygons(cells[klass == c]))
        if geom is None:
            assert raw.is_empty
            continue
        assert abs(geom.area - raw.area) < 1e-9 * max(raw.area, 1)
        assert shapely.symmetric_difference(geom, raw).area < 1e-6 * raw.area
    regions = shp.by_region()
    assert len(regions) == len(gaps.regions)
    for r in (0, len(regions) // 2, len(regions) - 1):
        raw = shapely.union_all(g.polygons(np.flatnonzero(gaps.region == r)))
        assert shapely.symmetric_difference(regions[r], raw).area < 1e-6 * raw.area


def test_each_form_is_computed_once_per_result_and_shared(result, monkeypatch):
    calls = []
    real = geo_shapes.dissolve
    monkeypatch.setattr(geo_shapes, "dissolve", lambda *a, **k: calls.append(1) or real(*a, **k))
    fresh = run_scenario(ScenarioParams(outlets=800, sites=100, seed=9))
    first = geo_shapes.gap_shapes(fresh)
    n = len(calls)
    assert n > 0
    assert geo_shapes.gap_shapes(fresh, style.GAP_BREAKS) is first  # same breaks, same entry
    build_payload(fresh, MapOptions())
    shapes.print_layers(fresh)
    after_maps = len(calls)
    build_payload(fresh, MapOptions(lang="zh"))
    shapes.print_layers(fresh)
    assert len(calls) == after_maps  # second web page and second print: no new dissolve
    assert gap_regions(fresh).geometry.iloc[0].equals(first.by_region()[0])
    assert shapes.gaps_geojson(fresh) is shapes.gaps_geojson(fresh)


def test_cache_entries_go_with_their_result():
    import gc

    r = run_scenario(ScenarioParams(outlets=500, sites=60, seed=11))
    assert geo_shapes.covered_area(r) is geo_shapes.covered_area(r)
    ref = __import__("weakref").ref(r)
    del r
    gc.collect()
    assert ref() is None  # the cache did not keep the result alive


# -- one style, one catalogue ------------------------------------------------------------------
def test_every_map_text_has_chinese_in_the_qt_catalogue():
    zh = catalogue("zh")
    missing = [s for s in style.MAP_TEXT_LABELS if s not in zh]
    assert missing == []
    assert Texts("zh")("South China Sea Islands") == "南海诸岛"
    assert Texts("en")("South China Sea Islands") == "South China Sea Islands"
    assert Texts("zh", {"Legend": "X"})("Legend") == "X"  # overrides win (the window's live tr)


def test_catalogue_reader_skips_unfinished(tmp_path):
    ts = tmp_path / "t.ts"
    ts.write_text(textwrap.dedent("""\
        <?xml version="1.0" encoding="utf-8"?><TS version="2.1" language="zh_CN"><context>
        <name>ReachPlanner</name>
        <message><source>Legend</source><translation>图例</translation></message>
        <message><source>New</source><translation type="unfinished"/></message>
        </context></TS>"""), encoding="utf-8")
    assert read_catalogue(ts) == {"Legend": "图例"}


def test_web_and_print_legends_say_the_same(result):
    t = Texts("zh")
    web = build_payload(result, MapOptions(lang="zh")).legend_html
    fig = render_figure(result, PrintOptions(dpi=72, lang="zh"))
    printed = [x.get_text() for x in fig.axes[0].get_legend().get_texts()]
    for label in style.gap_class_labels(t) + [t("Service outlet"), t("Within service radius")]:
        assert label in web and label in printed
    assert "图例" in web and "每平方公里未覆盖农村人口" in printed


def test_subtitle_is_one_text_for_web_and_print(result):
    fig = render_figure(result, PrintOptions(dpi=72, lang="zh"))
    sub = style.subtitle_for(result, Texts("zh"))
    assert sub.startswith(f"{result.summary.distribution_sites:,} 个配送中心")
    assert sub in [x.get_text() for x in fig.texts]
    from reach_planner.ui.maps.web import subtitle_for
    assert subtitle_for(result, MapOptions(lang="zh")) == sub


# -- a framed province for reports ---------------------------------------------------------------
def test_print_of_an_extent_frames_it_and_greys_other_provinces(result):
    sichuan = (97.3, 26.0, 108.6, 34.4)
    fig = render_figure(result, PrintOptions(dpi=72, extent=sichuan, focus=frozenset({51}),
                                             inset=False))
    ax = fig.axes[0]
    x0, y0, x1, y1 = extent_bounds(sichuan)
    (ax0, ax1), (ay0, ay1) = ax.get_xlim(), ax.get_ylim()
    assert ax0 <= x0 and ax1 >= x1 and ay0 <= y0 and ay1 >= y1
    china = extent_bounds((73, 18, 135, 54))
    assert (ax1 - ax0) < 0.4 * (china[2] - china[0])
    greys = [p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx((0.851, 0.851, 0.851), abs=0.01)]
    assert len(greys) == 1
    with pytest.raises(ValueError, match="extent"):
        PrintOptions(extent=(110, 30, 100, 40))


# -- the CLI verbs that draw or compute never load Qt ---------------------------------------------
def test_cli_verbs_do_not_import_pyside6(tmp_path):
    small = ["--outlets", "1500", "--sites", "200"]
    runs = [["summary", "--json", *small],
            ["recommend", "--count", "5", *small],
            ["export-data", "--out", str(tmp_path / "data"), "--format", "csv", *small],
            ["print-map", "--out", str(tmp_path / "m.png"), "--dpi", "72", *small]]
    code = textwrap.dedent(f"""
        import contextlib, io, sys
        from reach_planner.main import main
        for argv in {runs!r}:
            with contextlib.redirect_stdout(io.StringIO()):
                rc = main(argv)
            qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))
            print(argv[0], rc, qt[:3])
            assert rc == 0, argv
            assert not qt, (argv[0], qt[:5])
        """)
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=600, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert [line.split()[0] for line in p.stdout.splitlines()] == [
        "summary", "recommend", "export-data", "print-map"]
    assert (tmp_path / "m.png").stat().st_size > 10_000
