"""Qt-free analytical core of Reach Planner.

Data flows resources -> :mod:`geo.data` (load) -> :mod:`geo.simulate` (network) ->
:mod:`geo.demand` (rural/urban demand on a hex grid) -> :mod:`geo.coverage` and
:mod:`geo.gaps` (analyse) -> :mod:`geo.summary`. :func:`geo.scenario.run_scenario`
wires them. Nothing here may import Qt: the window and the CLI both sit on top.

The pipeline is imported on first use (module ``__getattr__``): importing
:mod:`geo.params` for the window's input boxes must not pull in pandas, scipy and
geopandas (half a second) before the window shows.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reach_planner.geo.params import ParameterError, ScenarioParams

if TYPE_CHECKING:
    from reach_planner.geo.scenario import ScenarioResult, run_scenario

__all__ = ["ParameterError", "ScenarioParams", "ScenarioResult", "run_scenario"]
_LAZY = {"ScenarioResult", "run_scenario"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from reach_planner.geo import scenario

        return getattr(scenario, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
