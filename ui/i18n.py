"""Languages: Qt's translation machinery (.ts -> .qm, QTranslator) plus number formats.

Every user-visible string in ``ui/`` goes through :func:`tr` (one context,
``ReachPlanner``), so ``resources/tools/make_translations.py`` can find them all and
``resources/i18n/reach_planner_zh_CN.ts`` holds their Chinese text. The choice is
remembered in QSettings and applied live: Qt sends LanguageChange to every widget.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTranslator

CONTEXT = "ReachPlanner"
LANGUAGES = {"en": "English", "zh": "中文"}
# Found without importing geo.data (numpy, geopandas): the launch reads the saved
# language before anything starts threads (see ui.prefetch).
QM_FILES = {"zh": Path(str(files("reach_planner"))) / "resources" / "i18n" / "reach_planner_zh_CN.qm"}
SETTINGS_KEY = "ui/language"
_translator: QTranslator | None = None
_current = "en"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def current_language() -> str:
    return _current


def saved_language() -> str:
    value = str(QSettings().value(SETTINGS_KEY, "en"))
    return value if value in LANGUAGES else "en"


def set_language(lang: str, remember: bool = True) -> bool:
    """Install the translator for ``lang`` ('en' or 'zh'); False if its file is missing."""
    global _translator, _current
    app = QCoreApplication.instance()
    if lang not in LANGUAGES or app is None:
        return False
    if _translator is not None:
        app.removeTranslator(_translator)
        _translator = None
    if lang in QM_FILES:
        t = QTranslator(app)
        if not t.load(str(QM_FILES[lang])):
            return False
        app.installTranslator(t)
        _translator = t
    _current = lang
    if remember:
        QSettings().setValue(SETTINGS_KEY, lang)
    return True


def fmt_count(n: float, lang: str | None = None) -> str:
    """Whole numbers as a reader of the language expects: 1,234,567 or 123.5万 / 5.10亿."""
    lang = lang or _current
    n = float(n)
    if lang == "zh":
        if abs(n) >= 1e8:
            return f"{n / 1e8:,.2f}亿"
        if abs(n) >= 1e4:
            return f"{n / 1e4:,.1f}万"
    return f"{n:,.0f}"
