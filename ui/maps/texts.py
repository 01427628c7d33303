"""Map texts from the one translation catalogue, without Qt.

The window translates through Qt (``QTranslator`` loading the compiled ``.qm``); the
map code must also run in the CLI verbs and worker threads with no Qt at all. Both
read ``resources/i18n/reach_planner_zh_CN.ts``: Qt through ``.qm`` compiled from it,
the map code through this small XML reader. So a Chinese legend, a print map and the
window always say the same thing, and translators edit one file.
"""
from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from pathlib import Path

from reach_planner.geo.data import RESOURCES

CATALOGUES = {"zh": RESOURCES / "i18n" / "reach_planner_zh_CN.ts"}
LANGS = ("en", "zh")


def read_catalogue(path: Path) -> dict[str, str]:
    """source -> translation for every finished message of a Qt ``.ts`` file."""
    out: dict[str, str] = {}
    for msg in ET.parse(path).getroot().iter("message"):
        source, tr = msg.findtext("source"), msg.find("translation")
        if source and tr is not None and tr.text and tr.get("type") != "unfinished":
            out[source] = tr.text
    return out


class MissingCatalogue(RuntimeError):
    """A language was asked for whose translations are not installed."""


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """The translations for ``lang`` ('en' has none: the sources are English).

    A missing catalogue is an error, never English in silence: a planner who asks for a
    Chinese map must not get an English one (issue 24, where a bundle left the file out).
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    path = CATALOGUES.get(lang)
    if path is None:
        return {}
    if not path.is_file():
        raise MissingCatalogue(f"the {lang} translations are missing ({path}): reinstall Reach Planner")
    return read_catalogue(path)


def translate(text: str, lang: str) -> str:
    """``text`` in ``lang``; the English source when the catalogue lacks it."""
    return catalogue(lang).get(text, text)


class Texts:
    """A translator bound to one language, with optional overrides (e.g. from Qt)."""

    def __init__(self, lang: str = "en", overrides: dict[str, str] | None = None) -> None:
        self.lang = lang
        self._table = {**catalogue(lang), **(overrides or {})}

    def __call__(self, text: str) -> str:
        return self._table.get(text, text)
