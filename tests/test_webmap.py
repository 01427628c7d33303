"""The map page, Qt-free: offline assets, size budget, escaping of user text."""
from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from reach_planner.geo.network import OUTLET, make_layer
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.maps.style import gap_class_of
from reach_planner.ui.maps.web import ATTRIBUTION, LEAFLET_DIR, LIB_URL, gap_classes, render_html, safe_json
from tests.conftest import ROOT

EVIL = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="module")
def default_html() -> str:
    return render_html(run_scenario(ScenarioParams()))


def asset_urls(html: str) -> list[str]:
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    urls += re.findall(r"""url\(\s*["']?([^"')]+)""", html)
    urls += re.findall(r"""@import\s+["']([^"']+)""", html)
    return urls


def test_html_references_no_http_asset(default_html):
    urls = asset_urls(default_html)
    assert urls, "expected local asset references"
    remote = [u for u in urls if re.match(r"(?i)(https?:)?//", u)]
    assert remote == []
    # the page names its libraries by the map view's own scheme: no file:// or qrc: URL
    assert all(u.startswith(LIB_URL) for u in urls), urls


def test_referenced_local_assets_exist(default_html):
    for u in asset_urls(default_html):
        name = u.removeprefix(LIB_URL)
        assert name == "qwebchannel.js" or (LEAFLET_DIR / name).is_file(), u
    assert (LEAFLET_DIR / "LICENSE").is_file()


def test_default_map_fits_the_size_budget(default_html):
    assert len(default_html.encode("utf-8")) <= 3_000_000  # issue 10: <= 3 MB with the base map


def test_map_has_layers_legend_scale_and_attribution(default_html):
    for name in ["Provinces", "Covered area", "Rural gap cells", "Service outlets",
                 "Distribution sites", "Top gap regions"]:
        assert f'"{name}"' in default_html or f"'{name}'" in default_html or name in default_html
    assert "rp-legend" in default_html and "L.control.scale" in default_html
    assert "L.control.layers" in default_html
    assert ATTRIBUTION.split(" · ")[0] in default_html
    # one canvas point layer per kind, never one folium marker per point
    assert default_html.count("L.circleMarker(") == 1
    assert "prefer_canvas" not in default_html and "preferCanvas" in default_html


def test_user_text_is_escaped_in_the_page():
    base = run_scenario(ScenarioParams(outlets=300, sites=40))
    outlets = make_layer(OUTLET, np.array([116.4]), np.array([39.9]), np.array([11]),
                         [EVIL + "</script><script>window.__xss=2</script>"], {11: "Beijing"})
    net = base.network.with_layers(outlets=outlets)
    html = render_html(run_scenario(base.params, network=net))
    assert "<img src=x" not in html
    assert "</script><script>window.__xss" not in html
    assert "\\u003cimg src=x onerror" in html


def test_safe_json_cannot_close_a_script():
    text = safe_json({"a": "</script><b>&"})
    assert "<" not in text and ">" not in text and "&" not in text


def test_gap_classes_are_fixed_so_scenarios_share_a_legend():
    a = gap_classes()
    assert len(a) == 5 and np.all(np.diff(a[:4]) > 0) and np.isinf(a[-1])
    # people per 86.6 km² cell for 0.5, 2, 5 and 15 people per km²
    limit = a[0]
    people = np.array([1.0, limit, limit + 0.5, 250.0, 800.0, 5000.0])
    assert limit == pytest.approx(0.5 * 86.6025, rel=1e-4)
    assert gap_class_of(people).tolist() == [0, 0, 1, 2, 3, 4]  # a limit belongs to its class


def test_webmap_is_qt_free():
    code = ("import sys, reach_planner.ui.maps.web, reach_planner.ui.maps.printmap, reach_planner.ui.details; "
            "bad=[m for m in sys.modules if m.startswith(('PySide6','shiboken6'))]; "
            "sys.exit(1 if bad else 0)")
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
