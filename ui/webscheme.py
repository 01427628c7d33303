"""The map page's own URL scheme: the page can reach its own files and nothing else.

A page loaded by ``file://`` with ``LocalContentCanAccessFileUrls`` on may read any local
file (a probe page read /etc/passwd). Here the map view turns that off and loads its
pages as ``rpmap://map/<folder token>/<page>.html``; this handler answers only

- the files the app wrote into a folder the view registered (pages, the relief image),
  by plain file name, never a path;
- ``rpmap://map/lib/…``: Leaflet's script, style sheet and images, and Qt's
  ``qwebchannel.js`` (read from Qt's resources, so the page needs no ``qrc:`` access).

The scheme must be registered before the QApplication exists
(:func:`register_map_scheme`, called by every entry point and the tests' ``qapp``).
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QFile, QIODevice, QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from reach_planner.geo.data import RESOURCES

SCHEME = "rpmap"
HOST = "map"
LEAFLET_DIR = RESOURCES / "web" / "leaflet"
MIME = {".html": b"text/html;charset=utf-8", ".js": b"text/javascript;charset=utf-8",
        ".css": b"text/css;charset=utf-8", ".png": b"image/png"}
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")
_folders: dict[str, Path] = {}
_handler: _Handler | None = None


def register_map_scheme() -> None:
    """Declare ``rpmap:`` to Chromium; before the QApplication, once per process."""
    if QWebEngineUrlScheme.schemeByName(SCHEME.encode()).name():
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)


def install_handler(profile: QWebEngineProfile) -> None:
    """Serve ``rpmap:`` in this profile (the map views use the default one)."""
    global _handler
    if _handler is None:
        _handler = _Handler()
    if profile.urlSchemeHandler(SCHEME.encode()) is None:
        profile.installUrlSchemeHandler(SCHEME.encode(), _handler)


def page_url(path: Path) -> QUrl:
    """The URL a page file is shown at; its folder becomes readable by name."""
    path = Path(path).resolve()
    folder = path.parent
    token = next((t for t, f in _folders.items() if f == folder), None)
    if token is None:
        token = f"p{len(_folders)}"
        _folders[token] = folder
    return QUrl(f"{SCHEME}://{HOST}/{token}/{path.name}")


def resolve(url: QUrl) -> tuple[bytes, bytes] | None:
    """(content, MIME type) for a URL this scheme serves, or None."""
    if url.scheme() != SCHEME or url.host() != HOST:
        return None
    parts = url.path().split("/")[1:]
    if parts[:1] == ["lib"]:
        return _library(parts[1:])
    if len(parts) != 2 or parts[0] not in _folders or not _NAME.fullmatch(parts[1]):
        return None
    return _file(_folders[parts[0]] / parts[1])


def _library(parts: list[str]) -> tuple[bytes, bytes] | None:
    if parts == ["qwebchannel.js"]:
        f = QFile(":/qtwebchannel/qwebchannel.js")
        if not f.open(QIODevice.OpenModeFlag.ReadOnly):
            return None
        return bytes(f.readAll().data()), MIME[".js"]
    if parts in (["leaflet.js"], ["leaflet.css"]):
        return _file(LEAFLET_DIR / parts[0])
    if len(parts) == 2 and parts[0] == "images" and _NAME.fullmatch(parts[1]):
        return _file(LEAFLET_DIR / "images" / parts[1])
    return None


def _file(path: Path) -> tuple[bytes, bytes] | None:
    mime = MIME.get(path.suffix.lower())
    if mime is None or not path.is_file() or path.is_symlink():
        return None
    return path.read_bytes(), mime


class _Handler(QWebEngineUrlSchemeHandler):
    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802  (Qt's name)
        found = resolve(job.requestUrl()) if job.requestMethod() == b"GET" else None
        if found is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        data, mime = found
        buf = QBuffer(job)
        buf.setData(QByteArray(data))
        buf.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buf)
