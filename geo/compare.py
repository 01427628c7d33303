"""Scenario A vs B (before/after): headline figures side by side, and the cells that
B covers and A does not (the "newly covered" map layer)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reach_planner.geo.scenario import ScenarioResult

# Labels are shown through the UI's translator.
FIGURES = (
    ("distribution_sites", "Distribution sites"), ("service_outlets", "Service outlets"),
    ("rural_covered", "Rural covered"), ("rural_covered_pct", "Rural covered %"),
    ("rural_unreached", "Rural still unreached"), ("urban_covered_pct", "Urban covered %"),
    ("area_covered_km2", "Area covered (km²)"), ("gap_regions", "Gap regions"),
)


@dataclass(frozen=True)
class CompareRow:
    key: str
    label: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True, eq=False)
class Comparison:
    rows: tuple[CompareRow, ...]
    newly_covered: NDArray[np.bool_]  # per grid cell: covered in B, not in A
    lost: NDArray[np.bool_]  # covered in A, not in B
    newly_covered_people: float
    lost_people: float = 0.0  # rural people covered in A and not in B

    @property
    def net_covered(self) -> float:
        """The change in rural people covered, B minus A (the headline when some were lost)."""
        return self.row("rural_covered").change

    def row(self, key: str) -> CompareRow:
        return next(r for r in self.rows if r.key == key)


def compare(before: ScenarioResult, after: ScenarioResult) -> Comparison:
    if before.demand.grid.size != after.demand.grid.size:
        raise ValueError("scenarios on different demand grids cannot be compared cell by cell")
    a, b = before.summary, after.summary
    rows = tuple(CompareRow(k, label, float(getattr(a, k)), float(getattr(b, k)))
                 for k, label in FIGURES)
    new = after.coverage.covered & ~before.coverage.covered & (after.demand.rural > 0)
    lost = before.coverage.covered & ~after.coverage.covered & (after.demand.rural > 0)
    return Comparison(rows=rows, newly_covered=new, lost=lost,
                      newly_covered_people=float(after.demand.rural[new].sum()),
                      lost_people=float(before.demand.rural[lost].sum()))
