"""Qt-free analytical core of Reach Planner.

Data flows resources -> :mod:`geo.data` (load) -> :mod:`geo.simulate` (network) ->
:mod:`geo.demand` (rural/urban demand on a hex grid) -> :mod:`geo.coverage` and
:mod:`geo.gaps` (analyse) -> :mod:`geo.summary`. :func:`geo.scenario.run_scenario`
wires them. Nothing here may import Qt: the window and the CLI both sit on top.

The analysis is imported on first use (module ``__getattr__``), not with the package:
``geo.params`` stays light (no pandas or geopandas: 0.4 s), so the
window's launch can fork its prefetch (``ui.prefetch``) before numpy starts threads.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reach_planner.geo.params import ParameterError, ScenarioParams

if TYPE_CHECKING:
    from reach_planner.geo.scenario import ScenarioResult, run_scenario

__all__ = ["ParameterError", "ScenarioParams", "ScenarioResult", "run_scenario"]


def __getattr__(name: str) -> Any:
    if name in ("ScenarioResult", "run_scenario"):
        from reach_planner.geo import scenario

        return getattr(scenario, name)
    raise AttributeError(f"module 'reach_planner.geo' has no attribute {name!r}")
