"""The confined map page (own ``rpmap:`` scheme, file URLs off, CSP) against the old
``file://`` page with file access on: time from load to drawn map, default scenario.

    .venv/bin/python bench/bench_webscheme.py [--runs 5]

Both are loaded alternately in the same process, so machine load hits both alike; the
ratio is confined / file.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reach_planner.ui.qt_env import prepare_qt_environment  # noqa: E402

prepare_qt_environment(headless=True)


def file_page(page: Path, out: Path) -> Path:
    """The same page as it was written before: libraries by file:// and qrc: URLs."""
    from reach_planner.ui.maps.web import CSP, LEAFLET_DIR, LIB_URL

    text = page.read_text(encoding="utf-8")
    text = text.replace(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">', "")
    text = text.replace(LIB_URL + "qwebchannel.js", "qrc:///qtwebchannel/qwebchannel.js")
    text = text.replace(LIB_URL, LEAFLET_DIR.resolve().as_uri() + "/")
    out.write_text(text, encoding="utf-8")
    return out


def draw_time(page: Path, confined: bool) -> float:
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtWebEngineCore import QWebEngineSettings

    from reach_planner.ui.mapview import MapView

    v = MapView()
    v.resize(1400, 900)
    v.show()
    if not confined:
        v.settings().setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
    loop = QEventLoop()
    v.drawn.connect(loop.quit)
    v.loadFailed.connect(loop.quit)
    QTimer.singleShot(120000, loop.quit)
    t = time.perf_counter()
    if confined:
        v.load_page(page)
    else:
        v._has_page = True
        v.load(QUrl.fromLocalFile(str(page)))
    loop.exec()
    out = time.perf_counter() - t if v.is_drawn else float("nan")
    v.close()
    v.deleteLater()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from reach_planner.ui.webscheme import register_map_scheme

    register_map_scheme()
    from PySide6.QtWidgets import QApplication

    from reach_planner.geo.params import ScenarioParams
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.ui.maps.web import write_map

    app = QApplication.instance() or QApplication(["bench"])
    result = run_scenario(ScenarioParams())
    with tempfile.TemporaryDirectory() as tmp:
        page = write_map(result, Path(tmp) / "map.html")
        old = file_page(page, Path(tmp) / "old.html")
        draw_time(page, True)  # warm-up: Chromium's first start
        ours, naive = [], []
        for _ in range(args.runs):
            ours.append(draw_time(page, True))
            naive.append(draw_time(old, False))
    a, b = statistics.median(ours), statistics.median(naive)
    print(f"load to drawn, default scenario (median of {args.runs}): confined rpmap: {a:.2f} s, "
          f"file:// with file access: {b:.2f} s, ratio {a / b:.2f}")
    del app


if __name__ == "__main__":
    main()
