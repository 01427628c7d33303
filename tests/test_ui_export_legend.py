"""File > Export map image (Ctrl+E): the legend sits in a band beside the map, not on
Hainan, the island groups and the ten-dash line, and lists only the layers on the map
(issue 23.3)."""
from __future__ import annotations

import numpy as np
import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.maps import style
from tests.qt_helpers import image_array, wait_until

pytestmark = pytest.mark.qt


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])


def has_colour(arr: np.ndarray, colour: str, alpha: float = 1.0, tol: int = 14) -> bool:
    """A swatch of ``colour`` at ``alpha`` on the legend's white ground."""
    expect = alpha * rgb(colour) + (1 - alpha) * 255
    return bool((np.abs(arr.astype(int) - expect).max(axis=2) <= tol).sum() >= 12)


def save_from_dialog(path) -> None:
    """When the export dialog shows: type the file name, choose 1x, click Save."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    from reach_planner.ui.export_dialog import ExportDialog

    def poll(tries: int = 1000) -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, ExportDialog):
            if tries:
                QTimer.singleShot(30, lambda: poll(tries - 1))
            return
        dlg.path.selectAll()
        QTest.keyClicks(dlg.path, str(path))
        dlg.scale.setCurrentIndex(0)
        save = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        QTest.mouseClick(save, Qt.MouseButton.LeftButton)

    QTimer.singleShot(30, poll)


def test_ctrl_e_puts_the_legend_beside_the_map(window, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage
    from PySide6.QtTest import QTest

    out = tmp_path / "map.png"
    save_from_dialog(out)
    QTest.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert wait_until(lambda: out.exists() and window.export_action.isEnabled(), 90)
    img = image_array(QImage(str(out)))
    w, h = window.map.width(), window.map.height()
    assert img.shape[0] == h and img.shape[1] > w + 150  # the map, and a band for the legend
    band, lower_left = img[:, w:], img[h - 320:h - 30, 10:260]
    assert (lower_left > 245).all(axis=2).mean() < 0.2  # the map, no white legend box on it
    assert (band > 245).all(axis=2).mean() > 0.5
    for colour in style.GAP_COLOURS:
        assert has_colour(band, colour, min(1.0, style.GAP_ALPHA + 0.15)), colour
    # at national zoom the provinces are a choropleth (the covered area shows zoomed in)
    assert has_colour(band, style.CHORO_COLOURS[-1]), "choropleth ramp"
    # no recommended, newly covered or overloaded outlets on this map: not in its legend
    assert not has_colour(band, style.RECOMMENDED)
    assert not has_colour(band, style.OVERLOADED)
    assert not has_colour(band, style.NEWLY, 0.85)


def test_the_exported_legend_lists_the_layers_on_the_map(qapp, tmp_path):
    from PySide6.QtCore import QEventLoop

    from reach_planner.ui.export import PageGrab, legend_layers
    from reach_planner.ui.maps.web import MapOptions, write_map

    result = run_scenario(ScenarioParams(outlets=2000, sites=300))
    opts = MapOptions(show_sites=False)
    page = write_map(result, tmp_path / "m.html", opts)
    grab = PageGrab(page, 900, 600, 1, legend=legend_layers(opts.t))
    box: list = []
    loop = QEventLoop()
    grab.finished.connect(lambda img: (box.append(img), loop.quit()))
    grab.failed.connect(lambda exc: (box.append(exc), loop.quit()))
    grab.start()
    loop.exec()
    assert not isinstance(box[0], Exception), box[0]
    t = opts.t
    # national zoom: the zoomed-out rows (choropleth, outlet density), no single outlets
    assert grab.legend_rows == [t("Outside the network data (Taiwan, Hong Kong, Macao)"),
                                t("Rural covered by province (zoomed out)"),
                                t("Service outlets per 1,000 km² (zoomed out)"),
                                t("Unreached rural people per km²")]
    assert box[0].width() > 900 and box[0].height() == 600
