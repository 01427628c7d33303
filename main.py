"""Reach Planner entry point: wires the command line to the geo core and the window.

    python main.py                      open the window on the default scenario
    python main.py summary [--json]     print the reach summary
    python main.py export --out map.png render the map to an image, headless
    python main.py report --out pack.pdf  report pack: a page per province (+ --xlsx)
    python main.py save --out s.rpscenario.json  save the scenario the options describe
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
    """No abbreviations (``--out`` must never be read as ``--outlets``); one-line errors."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # one line, no usage dump, no traceback
        self.exit(2, f"{self.prog}: error: {message}\n")


def _scenario_options() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
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
    dm = p.add_argument_group("own demand (population raster: GeoTIFF, .vrt, .zip, .tif.gz; or points with a "
                              "weight column)")
    dm.add_argument("--demand", metavar="FILE",
                    help="measure coverage of this demand instead of the census model")
    dm.add_argument("--demand-col", metavar="COLUMN", help="the weight column of a point file")
    i = p.add_argument_group("own sites (CSV, XLSX, Shapefile, KML/KMZ, GeoJSON, GeoPackage, "
                             "FlatGeobuf)")
    i.add_argument("--sites-file", dest="sites_file", metavar="FILE",
                   help="same as --sites FILE")
    i.add_argument("--layer", metavar="NAME",
                   help="the layer of a GeoPackage/KML/zip with several point layers ('*': all)")
    i.add_argument("--encoding", metavar="NAME",
                   help="text encoding of a CSV or of a Shapefile without .cpg (e.g. gbk, utf-8); "
                        "default: detected")
    for col in COLUMN_FLAGS:
        i.add_argument(f"--{col}-col", metavar="COLUMN", help=f"column holding the {col}")
    i.add_argument("--kind", choices=("outlet", "distribution"), default="outlet",
                   help="type of rows without a type column/value (default: outlet)")
    i.add_argument("--swap-latlon", action="store_true",
                   help="swap latitude/longitude in rows where they look swapped")
    i.add_argument("--other", choices=("keep", "empty"), default="keep",
                   help="the layer the file lacks: keep it simulated or leave it empty")
    i.add_argument("--add-sites", metavar="FILE",
                   help="add the service outlets in FILE to the scenario (e.g. recommend --out)")
    i.add_argument("--crs", choices=("wgs84", "gcj02", "bd09"), default="wgs84",
                   help="coordinates of site and demand point files: WGS84 (GPS), GCJ-02 (Gaode/Amap, "
                        "Tencent) or BD-09 (Baidu); converted to WGS84 (default: wgs84)")
    lim = p.add_argument_group("limits")
    lim.add_argument("--max-decoded-mb", type=_positive_mb, default=None, metavar="MB",
                     help="refuse input files that would decode to more than MB megabytes "
                          "(default 2048, or REACH_PLANNER_MAX_DECODED_MB)")
    return p


def _positive_mb(value: str) -> float:
    try:
        mb = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of megabytes, got {value!r}") from None
    if not mb > 0 or mb == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of megabytes, got {value!r}")
    return mb


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

    imp = read_demand(args.demand, ScenarioParams.cell_km, args.demand_col, args.crs)
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
    from reach_planner.geo.sites_io import ColumnMap, overlay_from

    return overlay_from(read_file(path, args, ColumnMap(**cols)), args.other)


def read_file(path: str, args: argparse.Namespace, mapping=None):
    """Read a site file; print the validation report of skipped rows to stderr."""
    from reach_planner.geo.sites_io import Source, format_report, read_sites

    source = Source(layer=getattr(args, "layer", None), encoding=getattr(args, "encoding", None))
    result = read_sites(path, mapping, default_kind=args.kind, swap_latlon=args.swap_latlon,
                        crs=args.crs, source=source)
    if result.issues or result.swapped or result.notes or result.hints:
        print(format_report(result), file=sys.stderr)
    if result.imported == 0:
        raise UserError(f"{path}: no valid rows to import")
    return result


def with_added_sites(args: argparse.Namespace, overlay):
    """``--add-sites FILE``: its outlets join the scenario (nothing is replaced)."""
    path = getattr(args, "add_sites", None)
    if not path:
        return overlay
    from reach_planner.geo.sites_io import SiteOverlay

    result = read_file(path, args)
    if len(result.sites):
        raise UserError(f"{path}: --add-sites adds service outlets, but the file has "
                        f"{len(result.sites):,} distribution sites; use --sites FILE to "
                        "replace the site layer")
    return (overlay or SiteOverlay()).with_added(result.outlets)


def scenario_overlay(args: argparse.Namespace):
    """Everything the planner laid over the simulation: own sites, added outlets, demand."""
    overlay = with_added_sites(args, overlay_from_args(args))
    demand = demand_from_args(args)
    if demand is None:
        return overlay
    from reach_planner.geo.sites_io import SiteOverlay

    return (overlay or SiteOverlay()).with_demand(demand)


def scenario_from(args: argparse.Namespace):
    from reach_planner.geo.scenario import run_scenario

    return run_scenario(params_from(args), overlay=scenario_overlay(args))


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
    how.add_argument("--close", type=int, metavar="N",
                     help="instead: which N outlets could close losing the fewest covered people")
    how.add_argument("--relocate", type=int, metavar="N",
                     help="instead: move up to N outlets for the largest net gain (closures and "
                          "new sites chosen together, with a proven bound and the gap to it)")
    r.add_argument("--province", type=int, metavar="GB_CODE",
                   help="new outlets only in this province (people they reach across its "
                        "border count too)")
    r.add_argument("--method", choices=("greedy", "certified", "exact"), default="certified",
                   help="greedy = fast, with its proven gap; certified = within 0.1%% of the best "
                        "possible (default); exact = proven optimum (HiGHS) or the gap at the "
                        "time limit")
    r.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS",
                   help="time limit of the certified and exact solvers (default 60); stopped there, "
                        "the answer says so and keeps its proven bound")
    r.add_argument("--backup", action="store_true",
                   help="instead of gaps: give the most singly covered rural people a second "
                        "outlet (backup coverage)")
    r.add_argument("--candidates", metavar="FILE",
                   help="only these sites may be chosen (CSV, XLSX, GeoJSON, GeoPackage)")
    r.add_argument("--out", metavar="FILE",
                   help="write the new outlets (.csv, .geojson, .gpkg or .kml for Google Earth); "
                        "read them back with --add-sites FILE")
    r.add_argument("--curve", metavar="FILE",
                   help="write the coverage curve (.csv table, or a .png/.pdf/.svg chart)")
    r.add_argument("--json", action="store_true")
    c = sub.add_parser("capacity", parents=[scen],
                       help="outlets over their installation capacity, and the people beyond it")
    c.add_argument("--households", type=int, required=True, metavar="C",
                   help="rural households one outlet can install for")
    c.add_argument("--json", action="store_true")
    pm = sub.add_parser("print-map", parents=[scen], help="print-quality map (PNG, PDF, SVG)")
    pm.add_argument("--out", required=True, help="output file (.png, .pdf or .svg)")
    pm.add_argument("--dpi", type=int, default=300)
    pm.add_argument("--page", choices=("A4", "A3"), default="A4")
    pm.add_argument("--orientation", choices=("landscape", "portrait"), default="landscape")
    pm.add_argument("--lang", choices=("en", "zh"), default="en")
    pm.add_argument("--title", default=None)
    pm.add_argument("--no-inset", action="store_true", help="leave out the South China Sea inset")
    rp = sub.add_parser("report", parents=[scen],
                        help="report pack: national map, a page per province, the province table")
    rp.add_argument("--out", required=True, help="output .pdf, or a folder with --format png")
    rp.add_argument("--format", choices=("pdf", "png"), default="pdf",
                    help="png: one image per page, named by GB code")
    rp.add_argument("--lang", choices=("en", "zh"), default="en")
    rp.add_argument("--page", choices=("A4", "A3"), default="A4")
    rp.add_argument("--dpi", type=int, choices=(150, 300), default=150)
    rp.add_argument("--xlsx", metavar="FILE", help="also write the Excel workbook (.xlsx)")
    rp.add_argument("--households", type=int, metavar="C",
                    help="installation capacity: the workbook gets each outlet's workload")
    sv = sub.add_parser("save", parents=[scen],
                        help="save the scenario the options describe as a scenario file")
    sv.add_argument("--out", required=True, help="scenario file (.rpscenario.json)")
    sv.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def cmd_save(args: argparse.Namespace) -> int:
    """Refuses to replace an existing file (a colleague's?) unless --force; the check is
    repeated just before the rename, so a file that appears meanwhile is kept too."""
    from reach_planner.geo.scenario_file import ANY, ScenarioFile, file_stamp, save_scenario

    expect = ANY if args.force else file_stamp(args.out)
    if expect is not None and expect is not ANY:
        raise UserError(f"{args.out}: the file already exists; add --force to overwrite it")
    scenario = ScenarioFile(params_from(args), scenario_overlay(args))
    print(f"wrote {save_scenario(args.out, scenario, expect=expect)}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Check both destinations first, then run the scenario and write; Ctrl+C leaves
    nothing behind because every file is written only once it is complete."""
    from reach_planner.ui.report.job import report_job
    from reach_planner.ui.report.options import ReportOptions
    from reach_planner.ui.report.pack import check_report_target
    from reach_planner.ui.report.workbook import check_xlsx_target

    opts = ReportOptions(lang=args.lang, page=args.page, dpi=args.dpi, fmt=args.format)
    check_report_target(args.out, opts.fmt)
    if args.xlsx:
        check_xlsx_target(args.xlsx)
    elif args.households is not None:
        raise UserError("--households adds workload columns to the workbook: give --xlsx FILE too")
    result = scenario_from(args)
    cap = None
    if args.households is not None:
        from reach_planner.geo.siting.capacity import capacity

        cap = capacity(result, args.households)
    try:
        written = report_job(result, opts, args.out, args.xlsx, capacity=cap)(lambda _pct, _text: None)
    except KeyboardInterrupt as exc:
        done = getattr(exc, "written", [])  # Ctrl+C during the final renames: they were finished
        print("reach-planner: report cancelled; " + ("the pack was already written: " + ", ".join(
            map(str, done)) if done else "nothing was written"), file=sys.stderr)
        return 130
    shown = written if len(written) <= 3 else [*written[:1], f"... {len(written) - 2} more", written[-1]]
    for path in shown:
        print(f"wrote {path}")
    return 0


def cmd_print_map(args: argparse.Namespace) -> int:
    from reach_planner.ui.maps.printmap import PrintOptions, check_output, render_print_map

    opts = PrintOptions(page=args.page, orientation=args.orientation, dpi=args.dpi,
                        lang=args.lang, title=args.title, inset=not args.no_inset)
    check_output(args.out)  # a bad path fails before any work
    result = scenario_from(args)
    print(f"wrote {render_print_map(result, opts, args.out)}")
    return 0


def cmd_recommend(args: argparse.Namespace) -> int:
    from reach_planner.geo.atomic import check_target
    from reach_planner.geo.recommend import RecommendParams, min_outlets_for_target, recommend
    from reach_planner.geo.siting.picks_io import CURVE_FORMATS, PICK_FORMATS, write_picks

    if args.out:
        check_target(args.out, PICK_FORMATS, "pick file type")  # a bad path fails before any work
    if args.curve:
        check_target(args.curve, CURVE_FORMATS, "curve file type")
    params = params_from(args)
    result = scenario_from(args)
    if args.close is not None or args.relocate is not None:
        return decide(args, result)
    cands = candidates_from(args.candidates, args) if args.candidates else None
    if args.backup:
        return backup(args, result, cands)
    if args.target_pct is not None:
        rec = min_outlets_for_target(result, args.target_pct, params.radius_km, candidates=cands)
    else:
        rec = recommend(result, RecommendParams(
            count=100 if args.count is None else args.count, radius_km=params.radius_km,
            province=args.province, method=args.method, time_limit=args.time_limit),
            candidates=cands)
    if args.out:
        print(f"wrote {write_picks(args.out, rec.sites, rec.gains)}", file=sys.stderr)
    if args.curve:
        print(f"wrote {write_curve(args.curve, rec)}", file=sys.stderr)
    if args.json:
        print(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_recommendation(rec))
    return 0


def decide(args: argparse.Namespace, result) -> int:
    """``recommend --close N`` / ``--relocate N``: what closing or moving outlets costs or gains."""
    from reach_planner.geo.siting.decisions import (
        close,
        describe_closure,
        describe_relocation,
        relocate,
    )
    from reach_planner.geo.siting.picks_io import write_picks

    if args.close is not None:
        answer = close(result, args.close, args.radius_km)
        text, sites, gains = describe_closure(answer), answer.closed, answer.losses
    else:
        answer = relocate(result, args.relocate, args.radius_km, method=args.method,
                          time_limit=args.time_limit)
        text, sites = describe_relocation(answer), answer.added
        gains = tuple(0.0 for _ in range(len(sites)))
    if args.out:
        print(f"wrote {write_picks(args.out, sites, gains)}", file=sys.stderr)
    print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) if args.json else text)
    return 0


def backup(args: argparse.Namespace, result, cands) -> int:
    from reach_planner.geo.siting.backup import recommend_backup
    from reach_planner.geo.siting.picks_io import write_picks

    if args.target_pct is not None:
        raise UserError("--backup takes --count, not --target-pct")
    answer = recommend_backup(result, 100 if args.count is None else args.count, args.radius_km,
                              "greedy" if args.method == "greedy" else args.method, cands)
    if args.out:
        print(f"wrote {write_picks(args.out, answer.sites, tuple(answer.solution.gains))}",
              file=sys.stderr)
    d = answer.to_dict()
    print(json.dumps(d, ensure_ascii=False, indent=2) if args.json else
          f"{d['count']:,} new outlets back up {d['backed_up_after'] - d['backed_up_before']:,} more "
          f"rural people (within reach of two outlets): {d['backed_up_pct_before']:.2f}% -> "
          f"{d['backed_up_pct_after']:.2f}%; gap to the proven bound {d['gap_pct']:.2f}% [{d['status']}]")
    return 0


def cmd_capacity(args: argparse.Namespace) -> int:
    from reach_planner.geo.siting.capacity import HOUSEHOLD_SIZE, capacity

    cap = capacity(scenario_from(args), args.households, args.radius_km)
    if args.json:
        print(json.dumps(cap.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"Capacity {cap.households_per_outlet:,} rural households per outlet ({HOUSEHOLD_SIZE} "
          f"people per household, 2020 census): {cap.households_served:,} of "
          f"{cap.households_covered:,} covered households can be served; "
          f"{cap.people_beyond_capacity:,} rural people are beyond capacity; "
          f"{len(cap.overloaded):,} outlets are overloaded.")
    for r in cap.overloaded.head(20).itertuples():
        print(f"  {r.site_id:<10} {r.province:<16} {r.lat:8.4f}N {r.lon:9.4f}E "
              f"{r.nearest_households:>10,} households  +{r.excess:,} over")
    return 0


def candidates_from(path: str, args: argparse.Namespace):
    """``--candidates FILE``: every valid row of the file (outlet or site) is a candidate."""
    import numpy as np
    import pandas as pd

    from reach_planner.geo.siting.problem import Candidates

    rows = read_file(path, args)
    both = pd.concat([rows.outlets, rows.sites], ignore_index=True)
    return Candidates(both["lon"].to_numpy(float), both["lat"].to_numpy(float),
                      both["gb_code"].to_numpy(np.int64), [str(n) for n in both["name"]])


def write_curve(path: str, rec):
    from reach_planner.geo.atomic import atomic_write_with
    from reach_planner.geo.siting.picks_io import curve_table

    if path.lower().endswith(".csv"):
        from reach_planner.geo.cells import write_csv

        table = curve_table(rec.curve, rec.covered_before, rec.rural_population)
        return atomic_write_with(path, lambda p: write_csv(table, p, bom=False))
    from reach_planner.ui.maps.curve_chart import save_curve_chart

    return save_curve_chart(rec, path)


def format_recommendation(rec) -> str:
    measure = "over terrain" if rec.distance == "terrain" else "straight line"
    head = (f"{len(rec.sites):,} new outlets ({rec.method}, {rec.radius_km:g} km {measure}) cover "
            f"{rec.newly_covered:,} more rural people: {rec.pct_before:.2f}% -> "
            f"{rec.pct_after:.2f}% (solved in {rec.solve_seconds:.2f} s)")
    lines = [head]
    if rec.province is not None:
        lines.append(f"Newly covered: {rec.newly_covered_in_province:,} in the province, "
                     f"{rec.newly_covered_across_border:,} across its border")
    if rec.quality():
        lines.append(f"Quality: {rec.quality()} [{rec.status}]")
    if rec.reduction is not None:
        lines.append(f"Problem: {rec.reduction.describe()}")
    marks = rec.curve_marks() if rec.curve else {}
    if marks:
        lines.append("Coverage curve: " + ", ".join(
            f"{pct:g}% needs {'more than ' + str(len(rec.curve) - 1) if k is None else k} new outlets"
            for pct, k in marks.items()))
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

    result = scenario_from(args)
    for path in export_results(result, args.out, tuple(args.format or FORMATS)):
        print(f"wrote {path}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from reach_planner.geo.summary import format_table

    result = scenario_from(args)
    print(result.summary.to_json() if args.json else format_table(result.summary))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reach_planner.ui.headless import export_headless

    path = export_headless(params_from(args), args.out, width=args.width, height=args.height,
                           scale=args.scale, title=args.title,
                           overlay=scenario_overlay(args))
    print(f"wrote {path}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from reach_planner.ui.app import run_app, single_threaded_blas

    single_threaded_blas()  # before --sites/--demand readers import numpy

    return run_app(params_from(args), quit_when_drawn=getattr(args, "quit_when_drawn", False),
                   overlay=scenario_overlay(args))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "summary": cmd_summary, "export": cmd_export, "gui": cmd_gui,
    "export-data": cmd_export_data, "recommend": cmd_recommend, "print-map": cmd_print_map,
    "capacity": cmd_capacity,
    "report": cmd_report, "save": cmd_save,
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
        from reach_planner.geo.limits import set_max_decoded_mb

        set_max_decoded_mb(getattr(args, "max_decoded_mb", None))
        return COMMANDS[args.command or "gui"](args)
    except (ParameterError, UserError, ValueError, OSError, RuntimeError) as exc:
        print(f"reach-planner: error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ParameterError) else 1
    except KeyboardInterrupt as exc:  # files are written as whole sets: say which, if any
        done = getattr(exc, "written", [])
        print("reach-planner: interrupted; " + ("already written: " + ", ".join(map(str, done))
                                                if done else "no file was changed"), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
