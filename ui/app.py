"""Start the desktop application."""
from __future__ import annotations

import os
import sys
import time

START = time.perf_counter()
APPLICATION, ORGANIZATION = "Reach Planner", "ReachPlanner"

from reach_planner.geo.params import ScenarioParams  # noqa: E402  (START is taken before the heavy imports)
from reach_planner.ui.qt_env import prepare_qt_environment  # noqa: E402


def single_threaded_blas() -> None:
    """numpy's OpenBLAS starts a thread pool on import unless told otherwise;
    nothing here multiplies large matrices, and a process without threads can fork its
    first scenario (``ui.prefetch``). Must run before numpy is imported; a user's own
    setting wins."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def run_app(params: ScenarioParams | None = None, quit_when_drawn: bool = False,
            overlay=None) -> int:
    """Open the window on ``params``; ``quit_when_drawn`` is for benchmarks and smoke tests."""
    prepare_qt_environment()
    single_threaded_blas()
    params = params or ScenarioParams()
    from PySide6.QtCore import QCoreApplication

    from reach_planner.ui.i18n import saved_language
    from reach_planner.ui.prefetch import Prefetch

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    lang = saved_language()
    prefetch = Prefetch.start(params, overlay, lang)  # before Qt starts any thread
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and not quit_when_drawn:
        print("reach-planner: no display found, so the window is drawn off screen. Run it "
              "on a desktop, under xvfb-run, or use 'main.py summary' / 'main.py export'.",
              file=sys.stderr)
    from PySide6.QtWidgets import QApplication

    from reach_planner.ui.mainwindow import MainWindow
    from reach_planner.ui.webscheme import register_map_scheme

    register_map_scheme()  # before the QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    from reach_planner.ui.i18n import set_language

    if not set_language(lang, remember=False) and prefetch is not None:
        prefetch.discard()  # its map texts are in a language the window could not load
        prefetch = None
    window = MainWindow()
    window.show()
    window.start(params, overlay, prefetch)
    if quit_when_drawn:
        def report() -> None:
            how = " (first result computed in parallel)" if prefetch is not None and prefetch.used else ""
            print(f"map drawn {time.perf_counter() - START:.2f} s after start{how}", flush=True)
            app.quit()

        window.map.drawn.connect(report)
    code = app.exec()
    if prefetch is not None:
        prefetch.stop()  # closed within the first second: the exit does not wait for it
    window.map.deleteLater()
    return code
