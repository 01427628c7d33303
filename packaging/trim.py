"""What the desktop bundle leaves out (used by ReachPlanner.spec; tested in the source tree).

PyInstaller collects whole packages and every Qt translation; the app needs English and
Simplified Chinese, and none of the Python modules below (they are optional imports of
the libraries it uses: matplotlib's Tk backend, pandas' IPython display, ...).
"""
from __future__ import annotations

import re

EXCLUDED_MODULES = [
    "tkinter", "_tkinter", "IPython", "ipykernel", "jupyter_client", "notebook", "nbformat",
    "pytest", "_pytest", "hypothesis", "pytestqt", "mypy", "ruff", "importlinter",
    "PyQt5", "PyQt6", "PySide2", "sphinx", "docutils", "numba", "llvmlite", "torch",
    "tensorflow", "dask", "distributed", "pyarrow", "bokeh", "plotly", "sqlalchemy",
    "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "PySide6.QtGraphs", "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets",
    "PySide6.QtQuick3D", "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtDesigner",
    "PySide6.QtBluetooth", "PySide6.QtNfc", "PySide6.QtSerialPort", "PySide6.QtSensors",
    "PySide6.QtTextToSpeech", "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtSpatialAudio",
    "PySide6.QtWebEngineQuick", "PySide6.QtWebSockets", "PySide6.QtHttpServer",
    "PySide6.QtRemoteObjects", "PySide6.QtScxml", "PySide6.QtStateMachine", "PySide6.QtSvgWidgets",
    # QtWebEngineCore links QtQml/QtQuick/QtPositioning, so their libraries come anyway; their
    # Python modules would bring every QML plugin and the libraries those need (~120 MB).
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtPositioning", "PySide6.QtLocation", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtWebView", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
]
KEEP_LANGS = ("en", "zh_CN")  # the app's two languages
KEEP_CHROMIUM_LOCALES = ("en-US", "zh-CN")
_QT_QM = re.compile(r"(^|/)PySide6/Qt/translations/[a-z]+_(?P<lang>[A-Za-z_]+)\.qm$")
_CHROMIUM_PAK = re.compile(r"(^|/)qtwebengine_locales/(?P<lang>[A-Za-z-]+)\.pak$")
_DROPPED_DIRS = ("/tests/", "/test/", "matplotlib/mpl-data/sample_data/", "/__pycache__/",
                 "libpysal/examples/", "/PySide6/Qt/qml/", "/PySide6/Qt/plugins/qmltooling/",
                 "/PySide6/Qt/plugins/position/",
                 "/qtwebengine_devtools_resources.pak")  # the map has no developer tools
_DROPPED_SOURCES = ("resources/tools/", "resources/i18n/")


def keep(path: str, source: bool = False) -> bool:
    """True when the bundle needs this file; ``source`` paths are relative to the repo.

    The repo's resources ship except the rebuild scripts, the translation sources (the
    compiled .qm is kept).
    """
    path = path.replace("\\", "/")
    if source:
        if path.startswith(_DROPPED_SOURCES):
            return path.endswith(".qm")
        return "/__pycache__/" not in path
    m = _QT_QM.search(path)
    if m:
        return m["lang"] in KEEP_LANGS
    m = _CHROMIUM_PAK.search(path)
    if m:
        return m["lang"] in KEEP_CHROMIUM_LOCALES
    return not any(d in f"/{path}" for d in _DROPPED_DIRS)
