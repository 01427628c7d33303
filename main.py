"""Reach Planner entry point: wires the command line to the geo core and the window.

    python main.py                      open the window on the default scenario
    python main.py summary [--json]     print the reach summary
    python main.py export --out map.png render the map to an image, headless
    python main.py --selftest | --version
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from reach_planner.geo.params import (
    DEFAULT_OUTLETS,
    DEFAULT_SITES,
    DISTANCES,
    STRATEGIES,
    ParameterError,
    ScenarioParams,
)

COLUMN_FLAGS = ("lat", "lon", "name", "type", "province", "id")  # --lat-col … --id-col


class UserError(Exception):
    """A problem the user can fix; shown as one line, exit status 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump, no traceback
        self.exit(2, f"{self.prog}: error: {message}\n")


def _scenario_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("scenario")
    g.add_argument("--seed", type=int, default=ScenarioParams.seed)
    g.add_argument("--sites", type=_count_or_file, default=DEFAULT_SITES, metavar="N|FILE",
                   help="number of simulated distribution sites, or a file of your own sites")
    g.add_argument("--outlets", type=int, default=DEFAULT_OUTLETS, help="service outlets")
    g.add_argument("--radius-km", type=float, default=ScenarioParams.radius_km,
                   help="service (installation) radius of an outlet")
    g.add_argument("--site-radius-km", type=float, default=ScenarioParams.site_radius_km,
                   help="delivery radius of a distribution site")
    g.add_argument("--strategy", choices=STRATEGIES, default=ScenarioParams.strategy)
    g.add_argument("--rural-bias", type=float, default=ScenarioParams.rural_bias)
    g.add_argument("--distance", choices=DISTANCES, default=ScenarioParams.distance,
                   help="reach as a straight line, or flat-equivalent km over terrain")
    dm = p.add_argument_group("own demand (population GeoTIFF, or points with a weight column)")
    dm.add_argument("--demand", metavar="FILE",
                    help="measure coverage of this demand instead of the census model")
    dm.add_argument("--demand-col", metavar="COLUMN", help="the weight column of a point file")
    i = p.add_argument_group("own sites (CSV, XLSX, GeoJSON, GeoPackage)")
    i.add_argument("--sites-file", dest="sites_file", metavar="FILE",
                   help="same as --sites FILE")
    for col in COLUMN_FLAGS:
        i.add_argument(f"--{col}-col", metavar="COLUMN", help=f"column holding the {col}")
    i.add_argument("--kind", choices=("outlet", "distribution"), default="outlet",
                   help="type of rows without a type column/value (default: outlet)")
    i.add_argument("--swap-latlon", action="store_true",
                   help="swap latitude/longitude in rows where they look swapped")
    i.add_argument("--other", choices=("keep", "empty"), default="keep",
                   help="the layer the file lacks: keep it simulated or leave it empty")
    return p


def _count_or_file(value: str) -> int | str:
    """``--sites 2800`` is a count; ``--sites my_sites.csv`` is a file to import."""
    try:
        return int(value)
    except ValueError:
        if not value.strip():
            raise argparse.ArgumentTypeError("expected a number or a file name") from None
        return value


def sites_file(args: argparse.Namespace) -> str | None:
    return args.sites if isinstance(args.sites, str) else getattr(args, "sites_file", None)


def params_from(args: argparse.Namespace) -> ScenarioParams:
    count = args.sites if isinstance(args.sites, int) else DEFAULT_SITES
    return ScenarioParams(seed=args.seed, sites=count, outlets=args.outlets,
                          radius_km=args.radius_km, site_radius_km=args.site_radius_km,
                          strategy=args.strategy, rural_bias=args.rural_bias,
                          distance=args.distance)


def demand_from_args(args: argparse.Namespace):
    """Read --demand (if any); print where its weight went to stderr."""
    if not getattr(args, "demand", None):
        if getattr(args, "demand_col", None):
            raise UserError("--demand-col needs a demand file (--demand FILE)")
        return None
    from reach_planner.geo.demand_io import format_demand_report, read_demand

    imp = read_demand(args.demand, ScenarioParams.cell_km, args.demand_col)
    print(format_demand_report(imp), file=sys.stderr)
    return imp.demand


def overlay_from_args(args: argparse.Namespace):
    """Read --sites-file (if any); print the validation report of skipped rows to stderr."""
    path = sites_file(args)
    cols = {c: getattr(args, f"{c}_col") for c in COLUMN_FLAGS}
    if not path:
        given = [f"--{c}-col" for c, v in cols.items() if v]
        if given:
            raise UserError(f"{given[0]} needs a file of sites (--sites FILE)")
        return None
    from reach_planner.geo.sites_io import ColumnMap, format_report, overlay_from, read_sites

    mapping = ColumnMap(**cols)
    result = read_sites(path, mapping, default_kind=args.kind, swap_latlon=args.swap_latlon)
    if result.issues or result.swapped or result.notes:
        print(format_report(result), file=sys.stderr)
    if result.imported == 0:
        raise UserError(f"{path}: no valid rows to import")
    return overlay_from(result, args.other)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reach-planner", description="Goodaymart rural reach planner")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    scen = _scenario_options()
    g = sub.add_parser("gui", parents=[scen], help="open the window (the default)")
    g.add_argument("--quit-when-drawn", action="store_true", help=argparse.SUPPRESS)
    s = sub.add_parser("summary", parents=[scen], help="print the reach summary")
    s.add_argument("--json", action="store_true", help="machine-readable JSON")
    e = sub.add_parser("export", parents=[scen], help="render the map to an image, headless")
    e.add_argument("--out", required=True, help="output file (.png, .jpg, .jpeg or .pdf)")
    e.add_argument("--width", type=int, default=1600, help="view width in CSS pixels")
    e.add_argument("--height", type=int, default=1000, help="view height in CSS pixels")
    e.add_argument("--scale", type=int, default=2, choices=(1, 2, 3), help="pixel scale")
    e.add_argument("--title", default=None, help="title printed on the image")
    d = sub.add_parser("export-data", parents=[scen],
                       help="write sites, outlets, gaps and the province summary to files")
    d.add_argument("--out", required=True, help="output folder (created if missing)")
    d.add_argument("--format", action="append", choices=("gpkg", "geojson", "csv", "xlsx"),
                   help="repeat for several; default: all four")
    r = sub.add_parser("recommend", parents=[scen],
                       help="where the next outlets close the most rural gaps")
    how = r.add_mutually_exclusive_group()
    how.add_argument("--count", type=int, help="number of new outlets (default 100)")
    how.add_argument("--target-pct", type=float,
                     help="instead: the fewest outlets that reach this rural coverage (%%)")
    r.add_argument("--province", type=int, metavar="GB_CODE", help="only this province")
    r.add_argument("--method", choices=("greedy", "exact"), default="greedy",
                   help="exact = spopt MCLP with CBC (a province, K <= 50)")
    r.add_argument("--json", action="store_true")
    pm = sub.add_parser("print-map", parents=[scen], help="print-quality map (PNG, PDF, SVG)")
    pm.add_argument("--out", required=True, help="output file (.png, .pdf or .svg)")
    pm.add_argument("--dpi", type=int, default=300)
    pm.add_argument("--page", choices=("A4", "A3"), default="A4")
    pm.add_argument("--orientation", choices=("landscape", "portrait"), default="landscape")
    pm.add_argument("--lang", choices=("en", "zh"), default="en")
    pm.add_argument("--title", default=None)
    pm.add_argument("--no-inset", action="store_true", help="leave out the South China Sea inset")
    return parser


def cmd_print_map(args: argparse.Namespace) -> int:
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.ui.maps.printmap import PrintOptions, check_output, render_print_map

    opts = PrintOptions(page=args.page, orientation=args.orientation, dpi=args.dpi,
                        lang=args.lang, title=args.title, inset=not args.no_inset)
    check_output(args.out)  # a bad path fails before any work
    result = run_scenario(params_from(args), overlay=overlay_from_args(args),
                          demand=demand_from_args(args))
    print(f"wrote {render_print_map(result, opts, args.out)}")
    return 0


def cmd_recommend(args: argparse.Namespace) -> int:
    from reach_planner.geo.recommend import RecommendParams, min_outlets_for_target, recommend
    from reach_planner.geo.scenario import run_scenario

    params = params_from(args)
    result = run_scenario(params, overlay=overlay_from_args(args), demand=demand_from_args(args))
    if args.target_pct is not None:
        rec = min_outlets_for_target(result, args.target_pct, params.radius_km)
    else:
        rec = recommend(result, RecommendParams(count=100 if args.count is None else args.count,
                                                radius_km=params.radius_km,
                                                province=args.province, method=args.method))
    if args.json:
        print(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_recommendation(rec))
    return 0


def format_recommendation(rec) -> str:
    head = (f"{len(rec.sites):,} new outlets ({rec.method}, {rec.radius_km:g} km) cover "
            f"{rec.newly_covered:,} more rural people: {rec.pct_before:.2f}% -> "
            f"{rec.pct_after:.2f}% (solved in {rec.solve_seconds:.2f} s)")
    lines = [head]
    if rec.target_pct is not None and not rec.reached:
        lines.append(f"Target {rec.target_pct:g}% is not reachable with new outlets at gap "
                     "cells and towns; this is the best found.")
    lines.append("By province:")
    for r in rec.by_province.head(10).itertuples():
        lines.append(f"  {r.province:<16}{r.outlets:>6,} outlets {r.newly_covered:>12,} people")
    lines.append("First locations:")
    for r, g in list(zip(rec.sites.itertuples(), rec.gains))[:10]:
        lines.append(f"  {r.lat:8.4f}N {r.lon:9.4f}E  {r.province:<16}+{round(g):>9,}  {r.name}")
    return "\n".join(lines)


def cmd_export_data(args: argparse.Namespace) -> int:
    from reach_planner.geo.export_data import FORMATS, export_results
    from reach_planner.geo.scenario import run_scenario

    result = run_scenario(params_from(args), overlay=overlay_from_args(args),
                          demand=demand_from_args(args))
    for path in export_results(result, args.out, tuple(args.format or FORMATS)):
        print(f"wrote {path}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from reach_planner.geo.scenario import run_scenario
    from reach_planner.geo.summary import format_table

    result = run_scenario(params_from(args), overlay=overlay_from_args(args),
                          demand=demand_from_args(args))
    print(result.summary.to_json() if args.json else format_table(result.summary))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reach_planner.ui.headless import export_headless

    path = export_headless(params_from(args), args.out, width=args.width, height=args.height,
                           scale=args.scale, title=args.title,
                           overlay=overlay_from_args(args), demand=demand_from_args(args))
    print(f"wrote {path}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from reach_planner.ui.app import run_app

    overlay, demand = overlay_from_args(args), demand_from_args(args)
    if demand is not None:  # the window keeps an imported demand in the overlay (undo, files)
        from reach_planner.geo.sites_io import SiteOverlay

        overlay = (overlay or SiteOverlay()).with_demand(demand)
    return run_app(params_from(args), quit_when_drawn=getattr(args, "quit_when_drawn", False),
                   overlay=overlay)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "summary": cmd_summary, "export": cmd_export, "gui": cmd_gui,
    "export-data": cmd_export_data, "recommend": cmd_recommend, "print-map": cmd_print_map,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["--version"], ["--selftest"]):
        from reach_planner.ui.selftest import run_flag

        return run_flag(argv[0])
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["gui", *argv]
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command or "gui"](args)
    except (ParameterError, UserError, ValueError, OSError, RuntimeError) as exc:
        print(f"reach-planner: error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ParameterError) else 1


if __name__ == "__main__":
    sys.exit(main())
