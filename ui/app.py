"""Start the desktop application."""
from __future__ import annotations

import sys

from geo.params import ScenarioParams
from ui.qt_env import prepare_qt_environment


def run_app(params: ScenarioParams | None = None) -> int:
    prepare_qt_environment()
    from PySide6.QtWidgets import QApplication

    from ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Reach Planner")
    app.setOrganizationName("ReachPlanner")
    window = MainWindow()
    window.show()
    window.start(params or ScenarioParams())
    code = app.exec()
    window.map.deleteLater()
    return code
