"""The map widget: a QWebEngineView showing the folium page, with a click bridge.

Maps are written to a file and loaded by URL because ``setHtml`` silently fails above
2 MB. The URL is the app's own ``rpmap:`` scheme (:mod:`.webscheme`), and local pages may
not read file URLs: the page reaches its own files and Leaflet, nothing else on disk.
The QWebChannel is registered before every load so the page can
connect on start. ``drawn`` is only reported once Leaflet has painted and a few
more frames have passed; grabbing at ``loadFinished`` can give a blank picture.
Nothing here waits: the page pushes its view to the bridge whenever it moves, so
reading the view (for a save) never runs a nested event loop.

The window starts on a *shell* page (base map, no scenario layers) loaded while the
scenario is still computing, then swaps the scenario's layers in (``show_data``):
Chromium starts and lays out the base map in parallel with the analysis instead of
after it. ``drawn`` waits for the data, never for the shell alone.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView

from reach_planner.ui.webscheme import install_handler, page_url


class MapBridge(QObject):
    """Receives clicks (``rp.select(kind, index)``) and view changes from the page."""

    selected = Signal(str, int)
    viewChanged = Signal(object)  # {lat, lon, zoom}
    drawnSaid = Signal()  # the page says it has drawn (the host still checks rp.drawn)

    @Slot()
    def pageDrawn(self) -> None:  # noqa: N802  (called by name from the page)
        self.drawnSaid.emit()

    @Slot(str, int)
    def select(self, kind: str, index: int) -> None:
        self.selected.emit(kind, index)

    @Slot(str)
    def moved(self, text: str) -> None:
        try:
            view = json.loads(text)
            view = {k: float(view[k]) for k in ("lat", "lon", "zoom")}
        except (ValueError, TypeError, KeyError):
            return
        if all(math.isfinite(v) for v in view.values()):
            self.viewChanged.emit(view)


class _QuietPage(QWebEnginePage):
    """Keeps page console noise out of the terminal; errors still reach the log."""

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            print(f"map page: {message} ({source}:{line})")


class MapView(QWebEngineView):
    """Shows a map page file and tells when it has been drawn."""

    drawn = Signal()
    loadFailed = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setPage(_QuietPage(self))
        install_handler(self.page().profile())
        s = self.settings()
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False)
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        self.bridge = MapBridge(self)
        self._channel = QWebChannel(self.page())
        self._channel.registerObject("bridge", self.bridge)
        self.page().setWebChannel(self._channel)
        self._poll = QTimer(self)
        self._poll.setInterval(60)
        self._poll.timeout.connect(self._check_drawn)
        self._polls = 0
        self.is_drawn = False
        self._awaiting_data = False  # a shell page: `drawn` waits for show_data()
        self._shell_ready = False
        self._pending: str | None = None  # data for the shell, once it has drawn
        self._has_page = False
        self.view: dict | None = None  # the last view the page reported
        self.bridge.viewChanged.connect(self._remember_view)
        self.bridge.drawnSaid.connect(self._drawn_said)
        self.loadFinished.connect(self._on_load_finished)

    def _remember_view(self, view: dict) -> None:
        self.view = view

    def load_page(self, path: Path, view: dict | None = None, export: bool = False) -> None:
        """Show a page file, optionally at a given centre/zoom (kept across recomputes);
        ``export`` shows the title and hides the interactive controls."""
        self.is_drawn = False
        self._awaiting_data = self._shell_ready = False
        self._pending = None
        self._has_page = True
        url = page_url(Path(path))
        parts = []
        if view:
            parts.append(f"view={view['lat']:.6f},{view['lon']:.6f},{view['zoom']:.2f}")
        if export:
            parts.append("export=1")
        if parts:
            url.setFragment("&".join(parts))
        self.load(url)

    def load_shell(self, path: Path, view: dict | None = None) -> None:
        """Start loading a page without scenario layers; ``show_data`` completes it."""
        self.load_page(path, view)
        self._awaiting_data = True

    def show_data(self, script: str) -> None:
        """Put a scenario's layers on the page: now if the page on screen has drawn,
        else as soon as the shell being loaded has."""
        if self._awaiting_data and not self._shell_ready:
            self._pending = script
            return
        self._awaiting_data = False
        self.apply_update(script)

    @property
    def has_page(self) -> bool:
        """A map page is loading or shown, so new data can go onto it."""
        return self._has_page

    @property
    def awaiting_data(self) -> bool:
        """A shell page is loading or shown and has no scenario layers yet."""
        return self._awaiting_data

    def apply_update(self, script: str) -> None:
        """Swap new data layers into the page on screen, then report ``drawn`` again."""
        self.is_drawn = False
        self._polls = 0
        self.page().runJavaScript(script, 0, lambda _ok: self._poll.start())

    def evaluate(self, code: str, callback: Callable[[object], None]) -> None:
        """Run JavaScript; its (JSON-compatible) value goes to ``callback`` later."""
        self.page().runJavaScript(code, 0, callback)

    def _on_load_finished(self, ok: bool) -> None:
        if not ok:
            self._has_page = False
            self.loadFailed.emit("the map page could not be loaded")
            return
        self._polls = 0
        self._poll.start()

    def _drawn_said(self) -> None:
        if self._poll.isActive():
            self._check_drawn()

    def _check_drawn(self) -> None:
        self._polls += 1
        if self._polls > 500:  # ~30 s: give up rather than poll forever
            self._poll.stop()
            self._has_page = False
            self.loadFailed.emit("the map did not finish drawing")
            return
        self.page().runJavaScript("!!(window.rp && window.rp.drawn)", 0, self._on_drawn_answer)

    def _on_drawn_answer(self, value) -> None:
        if value and self._poll.isActive():
            self._poll.stop()
            if self._awaiting_data:  # the shell is up: its data may already be waiting
                self._shell_ready = True
                if self._pending is not None:
                    script, self._pending = self._pending, None
                    self.show_data(script)
                return
            self.is_drawn = True
            self.drawn.emit()

    def current_view(self) -> dict | None:
        """The view as last reported by the page (centre and zoom); never waits."""
        return dict(self.view) if self.view else None

    def set_view(self, view: dict) -> None:
        self.page().runJavaScript(
            f"rp.setView({float(view['lat'])}, {float(view['lon'])}, {float(view['zoom'])});")

    def highlight(self, kind: str, index: int) -> None:
        """Outline the selected feature (nothing when ``kind`` is empty)."""
        self.page().runJavaScript(f"window.rp && rp.highlight && rp.highlight({json.dumps(kind)}, {int(index)});")

    def fit_bounds(self, south: float, west: float, north: float, east: float,
                   max_zoom: float | None = None) -> None:
        """Frame a box (clear of the legend and layer list), no closer than ``max_zoom``."""
        cap = "" if max_zoom is None else (
            f" if (rp.map.getZoom() > {float(max_zoom)}) {{ rp.map.setZoom({float(max_zoom)}, {{animate: false}}); }}")
        self.page().runJavaScript(f"rp.fitBounds({south}, {west}, {north}, {east});{cap}")

    def home(self) -> None:
        """The whole country, framed exactly as at launch (23.16)."""
        self.page().runJavaScript("window.rp && rp.home && rp.home();")
