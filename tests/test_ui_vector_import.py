"""GIS files in the window: a GeoPackage with several point layers asks which one, the
import dialog reads a file again in another text encoding, picks go out as KML."""
from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest

from tests.qt_helpers import idle, wait_until

pytestmark = pytest.mark.qt


def _layers(tmp_path):
    path = tmp_path / "two.gpkg"
    one = gpd.GeoDataFrame({"name": ["甲"]}, geometry=gpd.points_from_xy([116.4], [39.9]), crs=4326)
    three = gpd.GeoDataFrame({"name": ["乙", "丙", "丁"]},
                             geometry=gpd.points_from_xy([104.1, 113.3, 121.5], [30.6, 23.1, 31.2]), crs=4326)
    pyogrio.write_dataframe(one, path, layer="beijing", driver="GPKG")
    pyogrio.write_dataframe(three, path, layer="south", driver="GPKG")
    return path


def test_a_geopackage_with_two_point_layers_asks_which(window, tmp_path, monkeypatch):
    from reach_planner.ui import import_dialog

    asked = {}

    def get_item(_parent, _title, label, items, *_args):
        asked["label"], asked["items"] = label, list(items)
        return "south", True

    monkeypatch.setattr(import_dialog.QInputDialog, "getItem", staticmethod(get_item))
    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec", lambda self: 1)
    window.import_file(_layers(tmp_path))
    assert wait_until(lambda: window.state.overlay is not None and idle(window), 60)
    assert asked["items"] == ["beijing", "south", "All point layers"]
    assert "two.gpkg" in asked["label"]
    assert sorted(window.state.overlay.outlets["name"]) == ["丁", "丙", "乙"]


def test_the_import_dialog_reads_again_in_the_chosen_encoding(window, tmp_path, monkeypatch):
    from reach_planner.ui import import_dialog

    f = tmp_path / "big5.csv"
    f.write_bytes("name,lat,lon\n台北網點,39.9,116.4\n".encode("big5"))  # detected as GB18030: garbled
    seen = []

    def exec_(self):
        seen.append(self.preview.item(0, 1).text())
        if len(seen) == 1:  # garbled: the planner picks Big5, the file is read again
            self.encoding.setCurrentIndex(self.encoding.findData("big5"))
            return self.result_code
        return 1

    monkeypatch.setattr(import_dialog.ImportReportDialog, "result_code", import_dialog.REREAD,
                        raising=False)
    monkeypatch.setattr(import_dialog.ImportReportDialog, "exec", exec_)
    window.import_file(f)
    assert wait_until(lambda: window.state.overlay is not None and idle(window), 60)
    assert seen[0] != "台北網點" and seen[1] == "台北網點"
    assert window.state.overlay.outlets["name"].tolist() == ["台北網點"]


def test_picks_export_as_kml(window, tmp_path):
    w = window
    w.recommender.count.setValue(5)
    w.recommender.run.click()
    assert wait_until(lambda: w.state.recommendation is not None and idle(w), 60)
    out = tmp_path / "picks.kml"
    w.recommender.export_picks(out)
    assert wait_until(lambda: out.exists(), 20)
    back = pyogrio.read_dataframe(out)
    assert back["Name"].tolist() == w.state.recommendation.sites["name"].tolist()
