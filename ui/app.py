"""Start the desktop application."""
from __future__ import annotations

import os
import sys
import time

START = time.perf_counter()

from reach_planner.geo.params import ScenarioParams  # noqa: E402  (START is taken before the heavy imports)
from reach_planner.ui.qt_env import prepare_qt_environment  # noqa: E402


def run_app(params: ScenarioParams | None = None, quit_when_drawn: bool = False,
            overlay=None) -> int:
    """Open the window on ``params``; ``quit_when_drawn`` is for benchmarks and smoke tests."""
    prepare_qt_environment()
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and not quit_when_drawn:
        print("reach-planner: no display found, so the window is drawn off screen. Run it "
              "on a desktop, under xvfb-run, or use 'main.py summary' / 'main.py export'.",
              file=sys.stderr)
    from PySide6.QtWidgets import QApplication

    from reach_planner.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Reach Planner")
    app.setOrganizationName("ReachPlanner")
    from reach_planner.ui.i18n import saved_language, set_language

    set_language(saved_language(), remember=False)
    window = MainWindow()
    window.show()
    window.start(params or ScenarioParams(), overlay)
    if quit_when_drawn:
        def report() -> None:
            print(f"map drawn {time.perf_counter() - START:.2f} s after start", flush=True)
            app.quit()

        window.map.drawn.connect(report)
    code = app.exec()
    window.map.deleteLater()
    return code
