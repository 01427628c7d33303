"""One call from parameters to every result: the pipeline the CLI and the UI share."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reach_planner.geo.coverage import Coverage, compute_coverage
from reach_planner.geo.demand import Demand, build_demand
from reach_planner.geo.gaps import Gaps, find_gaps
from reach_planner.geo.network import Network
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.simulate import simulate_network
from reach_planner.geo.sites_io import SiteOverlay, apply_overlay
from reach_planner.geo.summary import Summary, summarise

Progress = Callable[[int, str], None]


class Cancelled(Exception):
    """Raised from a progress callback to abandon a run between stages."""


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    params: ScenarioParams
    network: Network
    demand: Demand
    coverage: Coverage
    gaps: Gaps
    summary: Summary


def _noop(_pct: int, _msg: str) -> None:
    return None


def run_scenario(params: ScenarioParams | None = None, network: Network | None = None,
                 progress: Progress = _noop, overlay: SiteOverlay | None = None,
                 demand: Demand | None = None) -> ScenarioResult:
    """Simulate (unless a network is given), lay imported sites over it, and analyse.

    ``demand`` (or else ``overlay.demand``) replaces the census model (an imported
    population grid or points, see :mod:`geo.demand_io`); the simulated network is still placed by the model, so the
    same seed gives the same network whatever demand it is measured against.
    ``progress(percent, stage)`` is called between stages; it may raise
    :class:`Cancelled` to stop the run early.
    """
    params = params or ScenarioParams()
    progress(5, "Building the demand model")
    model = build_demand(params.cell_km)
    if demand is None and overlay is not None:
        demand = overlay.demand
    if demand is not None and demand.grid.spacing_km != params.cell_km:
        raise ValueError(f"the imported demand is on a {demand.grid.spacing_km:g} km grid, "
                         f"the scenario on {params.cell_km:g} km")
    demand = demand or model
    if network is None:
        progress(30, "Simulating the network")
        network = simulate_network(params, model)
    network = apply_overlay(network, overlay)
    progress(60, "Measuring coverage")
    coverage = compute_coverage(demand, network, params.radius_km, params.site_radius_km,
                                params.distance)
    progress(80, "Finding gaps")
    gaps = find_gaps(demand, coverage)
    progress(95, "Summarising")
    summary = summarise(params, network, demand, coverage, gaps)
    progress(100, "Done")
    return ScenarioResult(params=params, network=network, demand=demand, coverage=coverage,
                          gaps=gaps, summary=summary)
