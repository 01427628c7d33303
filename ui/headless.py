"""``main.py export``: render the map to an image without showing a window."""
from __future__ import annotations

import tempfile
from pathlib import Path

from reach_planner.geo.params import ScenarioParams
from reach_planner.ui.qt_env import prepare_qt_environment


def export_headless(params: ScenarioParams, out: str, width: int = 1600, height: int = 1000,
                    scale: int = 2, title: str | None = None, overlay=None, demand=None) -> Path:
    """Validate first (cheap), then compute, build the page, render and write."""
    prepare_qt_environment(headless=True)
    from reach_planner.ui.export import check_output, check_size

    path, fmt = check_output(out)
    check_size(width, height, scale)

    from PySide6.QtWidgets import QApplication

    from reach_planner.geo.scenario import run_scenario
    from reach_planner.ui.export import render_page, save_image
    from reach_planner.ui.maps.web import MapOptions, subtitle_for, write_map
    from reach_planner.ui.webscheme import register_map_scheme

    register_map_scheme()  # before the QApplication
    app = QApplication.instance() or QApplication(["reach-planner"])
    result = run_scenario(params, overlay=overlay, demand=demand)
    opts = MapOptions(title=title or MapOptions.title, subtitle=subtitle_for(result))
    with tempfile.TemporaryDirectory(prefix="reach-planner-export-") as tmp:
        page = write_map(result, Path(tmp) / "map.html", opts)
        img = render_page(page, width, height, scale)
    del app
    return save_image(img, path, fmt)
