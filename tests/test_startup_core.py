"""The fast start-up core (issue 10) gives the same answers as the slow ways it replaced:
lattice dissolve vs ``coverage_union_all`` of cell hexagons, the short Albers inverse vs
PROJ, the GeoJSON reader vs ``gpd.read_file``, the row-filtered grid vs the full
bounding box, one grouped KD-tree vs one tree per province; and importing the
parameters stays light."""
from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from reach_planner.geo import grid as grid_module
from reach_planner.geo.data import DATA_DIR, WGS84, read_geojson
from reach_planner.geo.dissolve import dissolve
from reach_planner.geo.grid import build_grid
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.shapes import covered_area, gap_shapes, union_cells
from reach_planner.geo.sphere import SphereIndex, nearest_in_group


def assert_same_shape(got, want):
    """Same type, same area to float rounding, same vertices (as sets of rings)."""
    assert got.geom_type == want.geom_type
    assert shapely.area(shapely.symmetric_difference(got, want)) < 1e-12 * max(want.area, 1.0)
    a = shapely.get_coordinates(shapely.normalize(got))
    b = shapely.get_coordinates(shapely.normalize(want))
    assert a.shape == b.shape and np.abs(a - b).max() < 1e-9


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(seed=5, sites=300, outlets=3000))


def test_covered_area_is_the_union_of_the_covered_hexagons(result):
    g = result.demand.grid
    cells = np.flatnonzero(result.coverage.covered)
    assert_same_shape(covered_area(result), shapely.coverage_union_all(g.polygons(cells)))


def test_gap_pieces_are_the_unions_of_their_cells(result):
    g, gaps = result.demand.grid, result.gaps
    shp = gap_shapes(result, (100.0, 400.0, float("inf")))
    klass = np.searchsorted([100.0, 400.0, float("inf")], result.demand.rural, side="left")
    assert len(shp.pieces) > 50
    for region, k, piece in zip(shp.region, shp.klass, shp.pieces):
        cells = np.flatnonzero(gaps.is_gap & (gaps.region == region) & (klass == k))
        assert_same_shape(piece, shapely.coverage_union_all(g.polygons(cells)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dissolve_handles_holes_islands_and_touching_labels(seed):
    """Random labels on a patch of cells: rings in holes in rings, labels side by side."""
    g = build_grid(20.0)
    rng = np.random.default_rng(seed)
    patch = np.flatnonzero((np.abs(g.x - 0.6e6) < 4e5) & (np.abs(g.y - 3.3e6) < 4e5))
    labels = np.full(g.size, -1, dtype=np.int64)
    labels[patch] = rng.choice([-1, 0, 0, 0, 1, 2], size=len(patch))
    uniq, shapes = dissolve(g, labels)
    assert list(uniq) == [0, 1, 2]
    for lab, shape in zip(uniq, shapes):
        want = shapely.coverage_union_all(g.polygons(np.flatnonzero(labels == lab)))
        assert_same_shape(shape, want)
        assert shapely.is_valid(shape)
    assert sum(len(s.interiors) for s in shapely.get_parts(shapes[0])) > 0  # holes were made


def test_one_cell_and_no_cell():
    g = build_grid(20.0)
    assert_same_shape(union_cells(g, np.array([7])), g.polygons(np.array([7]))[0])
    assert union_cells(g, np.array([], dtype=np.int64)) is None


def test_albers_inverse_matches_proj_inverse():
    from pyproj import Transformer

    from reach_planner.geo.albers import CHINA
    from reach_planner.geo.data import CHINA_ALBERS

    rng = np.random.default_rng(3)
    x, y = rng.uniform(-3.5e6, 3.5e6, 5000), rng.uniform(1.0e6, 6.5e6, 5000)
    t = Transformer.from_crs(CHINA_ALBERS, "EPSG:4326", always_xy=True)
    plon, plat = t.transform(x, y)
    lon, lat = CHINA.inverse(x, y)
    assert np.abs(lon - plon).max() < 1e-10 and np.abs(lat - plat).max() < 1e-10
    fx, fy = CHINA.forward(lon, lat)  # round trip to far below a millimetre
    assert np.abs(fx - x).max() < 1e-6 and np.abs(fy - y).max() < 1e-6


@pytest.mark.parametrize("name", ["provinces.geojson", "china_outline.geojson",
                                  "china_context.geojson"])
def test_geojson_reader_gives_the_frame_read_file_gives(name):
    got = read_geojson(DATA_DIR / name)
    want = gpd.read_file(DATA_DIR / name).set_crs(WGS84, allow_override=True)
    assert list(got.columns) == list(want.columns) and got.crs == want.crs
    pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")),
                                  pd.DataFrame(want.drop(columns="geometry")))
    assert shapely.equals_exact(got.geometry.to_numpy(), want.geometry.to_numpy(), 0).all()


def test_geojson_reader_finds_properties_anywhere(tmp_path):
    """A key named "properties" inside properties, and a feature without any."""
    path = tmp_path / "odd.geojson"
    path.write_text('{"type":"FeatureCollection","features":['
                    '{"type":"Feature","properties":{"properties":{"a":1},"n":3},'
                    '"geometry":{"type":"Point","coordinates":[100.5,30.25]}},'
                    '{"type":"Feature","properties":null,'
                    '"geometry":{"type":"Point","coordinates":[101,31]}}]}', encoding="utf-8")
    got = read_geojson(path)
    assert got["properties"].tolist()[0] == {"a": 1} and got["n"].isna().tolist() == [False, True]
    assert shapely.equals_exact(got.geometry.to_numpy(), shapely.points([[100.5, 30.25], [101, 31]]),
                                0).all()


@pytest.mark.parametrize("spacing", [10.0, 35.0])
def test_row_filter_keeps_every_cell(monkeypatch, spacing):
    fast = build_grid.__wrapped__(spacing)
    monkeypatch.setattr(grid_module, "_row_extents", lambda px, py, ring, h, r0, n, margin:
                        (np.full(n, -np.inf), np.full(n, np.inf)))
    full = build_grid.__wrapped__(spacing)
    for field in ("q", "r", "gb_code", "lon", "lat"):
        assert np.array_equal(getattr(fast, field), getattr(full, field)), field


def test_grouped_nearest_equals_one_tree_per_group():
    rng = np.random.default_rng(4)
    lon, lat, grp = rng.uniform(75, 130, 600), rng.uniform(20, 50, 600), rng.integers(0, 9, 600)
    qlon, qlat, qgrp = rng.uniform(75, 130, 3000), rng.uniform(20, 50, 3000), rng.integers(0, 9, 3000)
    got = nearest_in_group(lon, lat, grp, qlon, qlat, qgrp)
    for k in range(9):
        own, q = np.flatnonzero(grp == k), qgrp == k
        _, j = SphereIndex(lon[own], lat[own]).nearest(qlon[q], qlat[q])
        assert np.array_equal(got[q], own[j])


def test_importing_the_parameters_stays_light():
    code = ("import sys, reach_planner.geo, reach_planner.geo.params;"
            "heavy = [m for m in ('pandas', 'scipy', 'geopandas', 'shapely') if m in sys.modules];"
            "from reach_planner.geo import ScenarioParams, run_scenario, ScenarioResult;"
            "assert callable(run_scenario) and ScenarioResult.__name__ == 'ScenarioResult';"
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_neighbour_pairs_are_the_adjacent_pairs_inside_the_mask():
    from reach_planner.geo.grid import NEIGHBOURS, offset_pairs

    g = build_grid(20.0)
    mask = np.random.default_rng(6).random(g.size) < 0.4
    src, dst = g.neighbour_pairs(mask)
    a, b = offset_pairs(g, NEIGHBOURS[:3])
    both = mask[a] & mask[b]
    assert sorted(zip(src.tolist(), dst.tolist())) == sorted(zip(a[both].tolist(), b[both].tolist()))
    assert len(src) > 1000 and g.neighbour_pairs(np.zeros(g.size, bool))[0].size == 0


def test_a_pickled_grid_leaves_its_caches_behind():
    import pickle

    g = build_grid(35.0)
    g.polygons(np.array([0]))
    xyz = g.xyz.copy()
    back = pickle.loads(pickle.dumps(g))
    assert not {"xyz", "_all_polygons"} & set(back.__dict__)
    assert np.array_equal(back.q, g.q) and np.array_equal(back.xyz, xyz)
    assert back.cell_of(g.lon[:5], g.lat[:5]).tolist() == [0, 1, 2, 3, 4]
