"""``ReachPlanner --selftest`` and ``--version``: prove a build works, without a person.

A frozen bundle can start and still be broken (a missing QtWebEngineProcess, ICU data,
Leaflet file or font only shows when the map is drawn). The self-test does what a
planner does first, off screen: build the default scenario, draw the map page in
QtWebEngine, and look at the real pixels, then checks that Chinese print text has a
font, that a Chinese print map speaks Chinese, and that a zipped Shapefile and a
Mollweide GeoTIFF are read with the right totals. It prints one line with the timings and
exits 0, or prints the reason and exits 1.
"""
from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reach_planner import __version__

VIEW = (1200, 800)  # CSS pixels, scale 1: enough to see every layer of the whole country
# Shares of the picture: the province layer and the data layers were drawn. Plain land is
# what neither the outlets' circles nor gap cells cover: ~0.7% since demand model v2 spreads
# herders over the western rangeland (gap cells there), so its floor is 0.3%.
MIN_SEA = 0.20
MIN_LAND = 0.003
MIN_GAPS = 0.01  # the legend's swatches alone are ~0.1%
MIN_COLOURS = 50  # a real map has many distinct colours; a blank or error page has few
ATTEMPTS = 3  # map renders tried before the pixels count as wrong
TOLERANCE = 12  # per channel, for anti-aliasing and JPEG-free but blended edges


class SelftestError(RuntimeError):
    """What the self-test found wrong, in one line."""


@dataclass(frozen=True)
class PixelReport:
    sea: float
    land: float
    gaps: float
    colours: int

    def problems(self) -> list[str]:
        out = []
        if self.colours < MIN_COLOURS:
            out.append(f"the map is blank ({self.colours} colours)")
        if self.sea < MIN_SEA:
            out.append(f"too little sea colour ({self.sea:.1%} < {MIN_SEA:.0%})")
        if self.land < MIN_LAND:
            out.append(f"too little land colour ({self.land:.1%} < {MIN_LAND:.0%})")
        if self.gaps < MIN_GAPS:
            out.append(f"no gap cells drawn ({self.gaps:.2%} < {MIN_GAPS:.1%})")
        return out


def _rgb(colour: str) -> np.ndarray:
    c = colour.lstrip("#")
    return np.array([int(c[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.int16)


def gap_colours_on_land() -> list[np.ndarray]:
    """Gap cells are drawn at 80% opacity over land: the colours they end up as."""
    from reach_planner.ui.maps.style import GAP_COLOURS, LAND

    land = _rgb(LAND)
    return [np.rint(0.8 * _rgb(c) + 0.2 * land).astype(np.int16) for c in GAP_COLOURS]


def check_pixels(rgb: np.ndarray) -> PixelReport:
    """Shares of sea, land and gap colour in an H x W x 3 picture, and its number of colours."""
    from reach_planner.ui.maps.style import LAND, SEA

    px = rgb.reshape(-1, 3).astype(np.int16)

    def share(colours: list[np.ndarray]) -> float:
        hit = np.zeros(len(px), dtype=bool)
        for c in colours:
            hit |= (np.abs(px - c) <= TOLERANCE).all(axis=1)
        return float(hit.mean()) if len(px) else 0.0

    packed = (px[:, 0].astype(np.int32) << 16) | (px[:, 1].astype(np.int32) << 8) | px[:, 2]
    return PixelReport(sea=share([_rgb(SEA)]), land=share([_rgb(LAND)]), gaps=share(gap_colours_on_land()),
                       colours=int(np.unique(packed).size))


def image_rgb(img) -> np.ndarray:
    """QImage -> H x W x 3 uint8 array."""
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGB888)
    h, w, bpl = img.height(), img.width(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=h * bpl).reshape(h, bpl)
    return buf[:, : w * 3].reshape(h, w, 3).copy()


def check_cjk_font() -> str:
    """The font Chinese print maps will use; fails when there is none."""
    from reach_planner.ui.maps.fonts import cjk_font

    font = cjk_font()
    if font is None:
        raise SelftestError("no Chinese (CJK) font for print maps (resources/fonts missing?)")
    return str(font)


ZH_PRINT_WORDS = ("南海诸岛", "服务网点")  # the inset's and the legend's words on a Chinese print map


def check_zh_print_map(result, folder: Path) -> None:
    """A Chinese print map (PDF) says its words in Chinese (issue 24: a bundle once printed
    English when asked for Chinese, because it lacked the translation catalogue)."""
    from pypdf import PdfReader

    from reach_planner.ui.maps.printmap import PrintOptions, render_print_map

    path = render_print_map(result, PrintOptions(lang="zh", dpi=72), folder / "print-zh.pdf")
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    missing = [w for w in ZH_PRINT_WORDS if w not in text]
    if missing:
        raise SelftestError(f"the Chinese print map lacks {', '.join(missing)} (translations missing?)")


def check_real_files(folder: Path) -> None:
    """The bundle's GDAL reads what GIS tools write (issue 20): a zipped Shapefile of
    Chinese-named outlets and a GHS-POP-style Mollweide GeoTIFF, both made here, with
    totals known in advance."""
    import zipfile

    import geopandas as gpd
    import numpy as np
    import pyogrio
    import rasterio
    from pyproj import Transformer
    from rasterio.transform import from_origin
    from shapely.geometry import Point

    from reach_planner.geo.demand_io import read_demand
    from reach_planner.geo.sites_io import read_sites

    names = ["郑州网点", "成都网点", "厦门网点"]
    gdf = gpd.GeoDataFrame({"name": names}, geometry=[Point(113.65, 34.76), Point(104.07, 30.57),
                                                      Point(118.09, 24.48)], crs=4326)
    (folder / "shp").mkdir()
    pyogrio.write_dataframe(gdf, folder / "shp" / "outlets.shp", encoding="UTF-8")
    with zipfile.ZipFile(folder / "outlets.zip", "w") as zf:
        for part in sorted((folder / "shp").iterdir()):
            zf.write(part, part.name)
    got = read_sites(folder / "outlets.zip").outlets["name"].tolist()
    if got != names:
        raise SelftestError(f"the zipped Shapefile read as {got}, not {names}")
    x, y = Transformer.from_crs(4326, "ESRI:54009", always_xy=True).transform(113.6, 34.2)  # Henan
    pixels = np.full((20, 20), 5.0, dtype="float32")
    tif = folder / "mollweide.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=20, height=20, count=1, dtype="float32",
                       crs="ESRI:54009", transform=from_origin(x - 10_000, y + 10_000, 1000, 1000),
                       nodata=-1.0, compress="deflate") as dst:
        dst.write(pixels, 1)
    inside = read_demand(tif, 10.0).inside
    if abs(inside - 2000.0) > 1e-6:
        raise SelftestError(f"the Mollweide GeoTIFF holds 2,000 people, the import found {inside:,.3f}")


def run_selftest(out=sys.stdout) -> dict[str, float]:
    """Scenario, map page, drawn map, pixels, font; raises SelftestError with the reason."""
    t0 = time.perf_counter()
    from reach_planner.ui.qt_env import prepare_qt_environment

    prepare_qt_environment(headless=True)
    from PySide6.QtWidgets import QApplication

    from reach_planner.geo.params import ScenarioParams
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.ui.export import render_page
    from reach_planner.ui.maps.web import MapOptions, subtitle_for, write_map
    from reach_planner.ui.webscheme import register_map_scheme

    register_map_scheme()  # before the QApplication
    app = QApplication.instance() or QApplication(["reach-planner-selftest"])
    times = {"imports": time.perf_counter() - t0}
    t = time.perf_counter()
    result = run_scenario(ScenarioParams())
    times["scenario"] = time.perf_counter() - t
    with tempfile.TemporaryDirectory(prefix="reach-planner-selftest-") as tmp:
        t = time.perf_counter()
        page = write_map(result, Path(tmp) / "map.html", MapOptions(subtitle=subtitle_for(result)))
        times["page"] = time.perf_counter() - t
        t = time.perf_counter()
        # A starved machine can hand over a frame before the compositor painted it; a real
        # defect (missing asset, no WebEngine) fails every attempt, so three are allowed.
        for _attempt in range(ATTEMPTS):
            try:
                img = render_page(page, *VIEW, scale=1, timeout_ms=60000)
            except RuntimeError as exc:
                raise SelftestError(f"map: {exc}") from None
            pixels = check_pixels(image_rgb(img))
            if not pixels.problems():
                break
        times["drawn"] = time.perf_counter() - t
        t = time.perf_counter()
        check_zh_print_map(result, Path(tmp))
        times["print_zh"] = time.perf_counter() - t
        t = time.perf_counter()
        check_real_files(Path(tmp))
        times["files"] = time.perf_counter() - t
    if pixels.problems():
        raise SelftestError(f"map pixels after {ATTEMPTS} attempts: " + "; ".join(pixels.problems()))
    t = time.perf_counter()
    font = Path(check_cjk_font()).name
    times["font"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0
    del app
    print(f"selftest ok: Reach Planner {__version__}; "
          + ", ".join(f"{k} {v:.2f} s" for k, v in times.items())
          + f"; map {VIEW[0]}x{VIEW[1]}: sea {pixels.sea:.0%}, land {pixels.land:.1%}, gaps {pixels.gaps:.1%}, "
          f"{pixels.colours} colours; CJK font {font}", file=out, flush=True)
    return times


def run_flag(flag: str) -> int:
    """``--version`` or ``--selftest`` (given instead of a command)."""
    if flag == "--version":
        print(f"Reach Planner {__version__}")
        return 0
    try:
        run_selftest()
    except SelftestError as exc:
        print(f"selftest FAILED: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - any failure is the answer the self-test exists for
        print(f"selftest FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
