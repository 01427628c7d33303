"""What the desktop bundle leaves out (used by ReachPlanner.spec; tested in the source tree).

PyInstaller collects whole packages and every Qt translation; the app needs English and
Simplified Chinese, and none of the Python modules below (they are optional imports of
the libraries it uses: matplotlib's Tk backend, pandas' IPython display, ...).
"""
from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable

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
    # Build and console tools that libraries import optionally (pkg_resources, pandas' HTML
    # reader, pip's console): ~5 MB of the code archive.
    "setuptools", "pkg_resources", "distutils", "_distutils_hack", "pip", "pygments", "rich",
    "markdown_it", "mdurl",
    # Pillow's codecs the app never reads or writes (matplotlib saves PNG; AVIF alone is 5 MB).
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin", "PIL._imagingcms",
    "PIL.ImageCms", "PIL._imagingtk", "PIL.ImageTk",
]
# The exact solver's former stack (spopt's MCLP on PuLP's CBC) and what it alone brings:
# scikit-learn, libpysal, networkx, ... (~45 MB with CBC). Left out when no app module imports
# spopt or pulp any more (HiGHS replaced them; they stay test-only cross-checks).
SOLVER_STACK = ["spopt", "pulp", "libpysal", "pointpats", "mapclassify", "spaghetti", "sklearn",
                "networkx", "joblib", "threadpoolctl", "narwhals", "bs4", "tqdm"]
# SciPy parts that only that stack (and optional paths of pandas) import; the app uses
# scipy.spatial (cKDTree) and scipy.sparse (csgraph), which load scipy.linalg and
# scipy.special but none of these. Each is left out with the stack unless an app module
# names it (scipy.io, for instance, stays when the relief is read with it).
SCIPY_PARTS = ["optimize", "stats", "interpolate", "integrate", "ndimage", "fft", "signal", "odr",
               "cluster", "differentiate", "io"]
_SOLVER_IMPORT = re.compile(r"^\s*(import|from)\s+(spopt|pulp)\b", re.M)
# pyogrio (GDAL 3.12 with every driver linked in: 76 MB, plus its GDAL and PROJ data) serves
# geopandas' read_file/to_file/list_layers alone. The app reads and writes GeoJSON and
# GeoPackage itself (geo/geojson_file.py, geo/gpkg.py), and GeoTIFFs (geo/geotiff.py).
_PYOGRIO_USE = re.compile(r"^\s*(import|from)\s+pyogrio\b|\.(read_file|to_file|list_layers)\(", re.M)


def pyogrio_unused(sources: Iterable[str]) -> bool:
    """True when no app module imports pyogrio or calls geopandas' file readers and writers."""
    return not any(_PYOGRIO_USE.search(text) for text in sources)


def solver_stack_unused(sources: Iterable[str]) -> bool:
    """True when none of the app's module texts imports spopt or pulp."""
    return not any(_SOLVER_IMPORT.search(text) for text in sources)


# Test-only oracles once no app module imports them: SciPy (its own OpenBLAS alone is 25 MB;
# since issue 20 the app imports it again, so it stays) and rasterio (GDAL, 64 MB with
# its libraries and PROJ data; geo/geotiff.py reads GeoTIFFs). Libraries import them only
# optionally (pandas, geopandas), and PyInstaller would follow those imports.
ORACLES = ("scipy", "rasterio")


def imported(sources: Iterable[str], package: str) -> bool:
    """True when one of the module texts imports ``package`` (at any indentation)."""
    pattern = re.compile(rf"^\s*(import|from)\s+{re.escape(package)}\b", re.M)
    return any(pattern.search(text) for text in sources)


def unused_by_app(sources: Iterable[str]) -> list[str]:
    """Modules to leave out for this app: the solver stack, the oracles no module imports, and
    the SciPy parts no module names (nothing while spopt or pulp is still imported)."""
    texts = list(sources)
    if not solver_stack_unused(texts):
        return []
    oracles = [name for name in ORACLES if not imported(texts, name)]
    if "scipy" in oracles:
        return SOLVER_STACK + oracles
    named = "\n".join(texts)
    return SOLVER_STACK + oracles + [f"scipy.{part}" for part in SCIPY_PARTS
                           if not re.search(rf"scipy\.{part}\b|from scipy import [^\n]*\b{part}\b", named)]


KEEP_LANGS = ("en", "zh_CN")  # the app's two languages
KEEP_CHROMIUM_LOCALES = ("en-US", "zh-CN")
_QT_QM = re.compile(r"(^|/)PySide6/Qt/translations/[a-z]+_(?P<lang>[A-Za-z_]+)\.qm$")
_CHROMIUM_PAK = re.compile(r"(^|/)qtwebengine_locales/(?P<lang>[A-Za-z-]+)\.pak$")
_DROPPED_DIRS = ("/tests/", "/test/", "matplotlib/mpl-data/sample_data/", "/__pycache__/",
                 "libpysal/examples/", "/PySide6/Qt/qml/", "/PySide6/Qt/plugins/qmltooling/",
                 "/PySide6/Qt/plugins/position/",
                 "/qtwebengine_devtools_resources.pak",  # the map has no developer tools
                 # Qt platforms for embedded boards and remote screens, not desktops (the
                 # desktop uses xcb or wayland; --selftest and CI use offscreen).
                 "/plugins/platforms/libqeglfs.so", "/plugins/platforms/libqlinuxfb.so",
                 "/plugins/platforms/libqvnc.so", "/plugins/platforms/libqvkkhrdisplay.so",
                 "/plugins/platforms/libqminimalegl.so", "/plugins/egldeviceintegrations/",
                 "/lib/libQt6EglFSDeviceIntegration.so", "/lib/libQt6EglFsKmsSupport.so",
                 # On-screen keyboard (touch kiosks); IBus and compose input stay for Chinese.
                 "/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
                 "/lib/libQt6VirtualKeyboard", "/plugins/generic/libqtuiotouchplugin.so",
                 # Qt's own image readers for formats the window never opens (the map's
                 # pictures are decoded by Chromium).
                 "/plugins/imageformats/libqtiff.so", "/plugins/imageformats/libqwebp.so",
                 "/plugins/imageformats/libqicns.so", "/plugins/imageformats/libqtga.so",
                 "/plugins/imageformats/libqwbmp.so", "/plugins/imageformats/libqpdf.so",
                 "/lib/libQt6Pdf.so",  # wanted by the PDF image plugin alone (4.5 MB)
                 # Printer discovery (CUPS, with its TLS and Kerberos stack): the app prints to
                 # files (print-map) and never opens a printer dialog.
                 "/plugins/printsupport/libcupsprintersupport.so",
                 # GTK3 theme: it loads the desktop's GTK3 against bundled copies of cairo and
                 # pango (version mismatch); the XDG portal plugin gives native dialogs instead.
                 "/plugins/platformthemes/libqgtk3.so")
_DROPPED_SOURCES = ("resources/tools/", "resources/i18n/")
# matplotlib's fonts: the print map draws in DejaVu Sans and the bundled Noto Sans SC; STIX
# and Computer Modern serve math text and serif/mono styles the app never sets (~7 MB).
_MPL_TTF = re.compile(r"(^|/)matplotlib/mpl-data/fonts/ttf/(?P<name>[^/]+)$")
_MPL_TTF_KEPT = re.compile(r"DejaVuSans(-Bold|-Oblique|-BoldOblique|Display)?\.ttf|LastResort.*|LICENSE.*")


# Qt's ICU data (libicudata, 32 MB) serves QtCore alone (Chromium has its own icudtl.dat):
# collation, codecs and locale data for every language. The bundle keeps the English and
# Chinese locales, root, the break-iterator files and the converters but the Japanese,
# Korean and EBCDIC multi-byte ones, and drops the other locales, the word dictionaries of
# Thai, Lao, Khmer and Burmese, and the transliteration, number-spelling and unit-name
# tables (shrink.py). Chromium's icudtl.dat (the web page's ICU) gets the same rules except
# the trees: JavaScript's Intl formats units.
_ICU_LOCALE = re.compile(r"[a-z]{2,3}(_.*)?")
ICU_DROPPED_TREES = ("translit/", "rbnf/", "unit/")
_ICU_DROPPED_DICTS = ("thaidict", "laodict", "khmerdict", "burmesedict")
_ICU_DROPPED_CNV = re.compile(  # Japanese, Korean, EBCDIC (S-Chinese 935/1388, T-Chinese 1371)
    r"(euc-jp|jisx|ibm-(33722|943|954|930|1390|939|1399|942|970|949|1363|1364|933|1364|935|1388|1371))[-_].*")


def keep_icu_item(name: str, dropped_trees: tuple[str, ...] = ICU_DROPPED_TREES) -> bool:
    """True for an ICU data item (``coll/zh.res``, ``gb18030.cnv``) the bundle keeps."""
    if dropped_trees and name.startswith(dropped_trees):
        return False
    base = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if base in _ICU_DROPPED_DICTS or (name.endswith(".cnv") and _ICU_DROPPED_CNV.fullmatch(base)):
        return False
    if not _ICU_LOCALE.fullmatch(base) or name.endswith(".dict"):
        return True  # converters, normalisation, break rules, dictionaries, pools, indexes
    return base in ("root", "pool", "res_index", "en", "zh") or base.startswith(("en_", "zh_"))


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
    m = _MPL_TTF.search(path)
    if m:
        return bool(_MPL_TTF_KEPT.fullmatch(m["name"]))
    return not any(d in f"/{path}" for d in _DROPPED_DIRS)


def needed(path: str) -> set[str]:
    """The libraries an ELF file names as NEEDED (direct dependencies), from readelf."""
    out = subprocess.run(["readelf", "-d", "-W", path], capture_output=True, text=True).stdout
    return {line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines() if "(NEEDED)" in line}


def drop_orphans(kept: list[tuple], dropped: Iterable[tuple],
                 needs: Callable[[str], set[str]] = needed) -> list[tuple]:
    """``kept`` without the libraries that only dropped files needed (PyInstaller's TOC rows:
    (dest, source, kind)).

    PyInstaller collects a plugin's dependencies as rows of their own, so leaving a plugin
    out leaves its libraries behind (the CUPS plugin's TLS and Kerberos stack). A library is
    removed when a dropped file needed it (directly or through another such library) and no
    kept file does; libraries loaded by name at run time are never candidates this way.
    """
    name = {row[0]: row[0].replace("\\", "/").rsplit("/", 1)[-1] for row in kept}
    deps = {row[0]: needs(row[1]) for row in kept}
    candidates: set[str] = set()
    todo = [n for row in dropped for n in needs(row[1])]
    by_name = {name[row[0]]: row[0] for row in kept}
    while todo:
        lib = todo.pop()
        if lib in by_name and lib not in candidates:
            candidates.add(lib)
            todo += deps[by_name[lib]]
    removed: set[str] = set()
    changed = True
    while changed:
        changed = False
        for lib in sorted(candidates - removed):
            users = [d for d, ns in deps.items() if lib in ns and name[d] not in removed]
            if not users:
                removed.add(lib)
                changed = True
    return [row for row in kept if name[row[0]] not in removed]
