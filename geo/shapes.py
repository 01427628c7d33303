"""Dissolved result shapes: the covered area and the gap cells by region and class.

Tens of thousands of hexagons become a few hundred shapes; every consumer (the web
page, the print map, image export, the GeoPackage/GeoJSON export) draws or writes
these instead of raw cells. The dissolve is the expensive part, so it runs once per
result and class breaks and is kept while the result lives (results are immutable;
the cache entry is dropped when the result is garbage-collected).

The cells are dissolved by tracing their outlines on the hexagon lattice
(:mod:`geo.dissolve`): no cell polygon is built, only the outline is projected.
"""
from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import shapely
from numpy.typing import NDArray

from reach_planner.geo.dissolve import dissolve
from reach_planner.geo.grid import HexGrid
from reach_planner.geo.scenario import ScenarioResult

T = TypeVar("T")
_lock = threading.Lock()
# Upper limits of the gap classes: unreached rural people per km² (issue 23: per-cell
# classes put half the country, desert and crowded valleys alike, in the lowest one), as
# people per 86.6 km² cell. Fixed, not data-driven, so scenarios A and B share one
# legend; the maps' style re-exports them.
CELL_KM2 = 86.60254037844386  # the 10 km hexagon (geo.grid.build_grid's default)
GAP_DENSITY_BREAKS: tuple[float, ...] = (0.5, 2.0, 5.0, 15.0, float("inf"))
GAP_BREAKS: tuple[float, ...] = tuple(b * CELL_KM2 for b in GAP_DENSITY_BREAKS)


def per_result(fn: Callable[..., T]) -> Callable[..., T]:
    """Cache ``fn(result, *args)`` for as long as ``result`` lives.

    Results are frozen but hold numpy arrays (not hashable), and two results with the
    same parameters are still different objects (an import may differ): identity is
    the right key. A weak reference drops the entry with the result, so a long
    session of recomputes does not pile up shapes.
    """
    store: weakref.WeakKeyDictionary[Any, dict[tuple, T]] = weakref.WeakKeyDictionary()

    @functools.wraps(fn)
    def wrapper(result: Any, *args: Any) -> T:
        with _lock:
            hit = store.get(result, {}).get(args)
        if hit is not None:
            return hit
        value = fn(result, *args)
        with _lock:
            store.setdefault(result, {})[args] = value
        return value

    wrapper.cache_clear = store.clear  # type: ignore[attr-defined]
    return wrapper


def union_cells(grid: HexGrid, cells: NDArray[np.int64]) -> shapely.Geometry | None:
    """One (multi)polygon for these cells; None when there are none."""
    if len(cells) == 0:
        return None
    labels = np.full(grid.size, -1, dtype=np.int64)
    labels[cells] = 0
    return dissolve(grid, labels)[1][0]


@per_result
def covered_area(result: ScenarioResult) -> shapely.Geometry | None:
    """Land within the service radius of an outlet, as one shape (lon/lat)."""
    return union_cells(result.demand.grid, np.flatnonzero(result.coverage.covered))


@dataclass(frozen=True, eq=False)
class GapShapes:
    """Gap cells dissolved per (region, class), with the per-class and per-region forms.

    ``region`` is the rank index (0 = most unreached people), ``klass`` the index of
    the class break the cells' unreached people fall under.
    """

    region: NDArray[np.int64]
    klass: NDArray[np.int64]
    pieces: NDArray[np.object_]
    n_classes: int

    def by_class(self) -> list[shapely.Geometry | None]:
        """One shape per class. Pieces of different regions never share an edge (else
        they would be one region), so collecting their parts is already a dissolve."""
        out: list[shapely.Geometry | None] = []
        for c in range(self.n_classes):
            parts = shapely.get_parts(self.pieces[self.klass == c])
            out.append(shapely.multipolygons(parts) if len(parts) else None)
        return out

    def by_region(self) -> list[shapely.Geometry]:
        """One shape per gap region, in rank order (the export's ``gap_regions``)."""
        if len(self.region) == 0:
            return []
        _, start = np.unique(self.region, return_index=True)
        return [shapely.coverage_union_all(grp) if len(grp) > 1 else grp[0]
                for grp in np.split(self.pieces, start[1:])]


def gap_shapes(result: ScenarioResult, bounds: tuple[float, ...] = GAP_BREAKS) -> GapShapes:
    """Gap cells dissolved per region and per class of ``bounds`` (upper class limits,
    the last one ``inf``); a cell with exactly a limit's people falls in that class."""
    return _gap_shapes(result, tuple(float(b) for b in bounds))


@per_result
def _gap_shapes(result: ScenarioResult, bounds: tuple[float, ...]) -> GapShapes:
    g, gaps = result.demand.grid, result.gaps
    cells = np.flatnonzero(gaps.is_gap)
    klass = np.searchsorted(np.asarray(bounds, dtype=float), result.demand.rural[cells],
                            side="left").astype(np.int64)
    n = len(bounds)
    labels = np.full(g.size, -1, dtype=np.int64)
    labels[cells] = gaps.region[cells] * n + klass
    uniq, pieces = dissolve(g, labels)
    return GapShapes(region=(uniq // n).astype(np.int64), klass=(uniq % n).astype(np.int64),
                     pieces=pieces, n_classes=n)
