"""Overloaded outlets on the map, Qt-free: the layer's data, its escaping, Details."""
from __future__ import annotations

import json

import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.geo.siting.capacity import capacity
from reach_planner.ui.details import describe_overloaded
from reach_planner.ui.maps.style import OVERLOADED, legend_entries
from reach_planner.ui.maps.web import overloaded_js, partial_update_script

EVIL = '<img src=x onerror="window.__xss=1">&'


@pytest.fixture(scope="module")
def cap():
    return capacity(run_scenario(ScenarioParams(outlets=3000, sites=300, seed=5)), 2000)


def layer_data(js: str) -> tuple[dict, dict]:
    """The (data, style) a pointLayer call is made with."""
    head = 'rp.pointLayer(map, "overloaded", '
    start = js.index(head) + len(head)
    dec = json.JSONDecoder()
    data, end = dec.raw_decode(js, start)
    style, _ = dec.raw_decode(js, end + 2)
    return data, style


def test_layer_holds_every_overloaded_outlet_sized_by_excess(cap):
    table = cap.overloaded
    assert len(table) > 1 and (table["served"] <= cap.households_per_outlet).all()
    data, style = layer_data(overloaded_js(table))
    assert data["lon"] == pytest.approx(table["lon"].round(4).tolist())
    assert data["lat"] == pytest.approx(table["lat"].round(4).tolist())
    assert len(data["name"]) == len(table) and style["fillColor"] == OVERLOADED
    first = table.iloc[0]
    assert str(first["name"]) in data["name"][0] and f"{int(first['excess']):,}" in data["name"][0]
    big = int(table["excess"].idxmax())
    small = int(table["excess"].idxmin())
    assert data["r"][big] == max(data["r"]) > data["r"][small] == min(data["r"])


def test_names_are_escaped_in_the_page_script(cap):
    table = cap.overloaded.copy()
    table.loc[0, "name"] = EVIL
    script = partial_update_script([("Overloaded outlets", overloaded_js(table))])
    assert "<img" not in script and "&" not in script and "\\u003cimg" in script
    data, _ = layer_data(script)
    assert data["name"][0].startswith(EVIL)  # the page gets the text back, as text


def test_details_and_legend(cap):
    d = describe_overloaded(cap, 0)
    r = cap.overloaded.iloc[0]
    assert d["ID"] == str(r["site_id"]) and d["Beyond capacity (households)"] == f"{int(r['excess']):,}"
    assert d["Households it can serve"] == f"{int(r['served']):,}"
    assert describe_overloaded(cap, len(cap.overloaded)) is None
    assert describe_overloaded(None, 0) is None
    assert any(e.key == "overloaded" and e.colour == OVERLOADED for e in legend_entries(str, ("overloaded",)))
