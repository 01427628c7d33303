"""The report's Excel workbook: provinces, gap regions, outlets, recommendations and
the scenario, with number formats, frozen headers, filters and native charts.

Written with openpyxl only (no pandas styling), so Excel and LibreOffice open it
without a repair prompt. Optional parts appear when the work has them: workload
columns on the outlets sheet with a capacity analysis (households per outlet), a
coverage-curve sheet and chart when a recommendation carries a curve.
"""
from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reach_planner.geo.atomic import check_target
from reach_planner.geo.cells import text_cells_stay_text
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.report.figures import nearest_towns
from reach_planner.ui.report.pages import network_credit, scenario_line
from reach_planner.ui.report.texts import TEXT, cell_word, chart_text, header_text, sheet_name

EXCEL_MAX_ROWS = 1_048_576  # rows in one Excel sheet, header included (openpyxl refuses more)
INT, PCT, DEC1, DEC2, DEG = "#,##0", "0.0%", "#,##0.0", "0.00", "0.0000"
HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")

Column = tuple[str, str | None, float]  # header, number format, width


def check_xlsx_target(path: str | os.PathLike[str]) -> Path:
    return check_target(path, {".xlsx": "xlsx"}, "workbook format")[0]


def write_workbook(result: ScenarioResult, path: str | os.PathLike[str], lang: str = "en",
                   recommendation: Any = None, capacity: Any = None) -> Path:
    """Build the workbook in memory, then write it under a temporary name and rename."""
    dest = check_xlsx_target(path)
    from reach_planner.ui.report.pack import write_files

    return write_files(workbook_files(result, dest, lang, recommendation, capacity))[0]


def workbook_files(result: ScenarioResult, path: str | os.PathLike[str], lang: str = "en",
                   recommendation: Any = None, capacity: Any = None) -> dict[Path, bytes]:
    """The workbook and, when the outlets are more than an Excel sheet holds (1.5 M
    outlets failed after 90 s on openpyxl's row limit), the outlets as a CSV beside it,
    named in the workbook. Decided from the counts before anything is built; the caller
    writes the files together (one set)."""
    dest = check_xlsx_target(path)
    files: dict[Path, bytes] = {}
    overflow = ""
    if len(result.network.outlets) + 1 > EXCEL_MAX_ROWS:
        csv_path = dest.with_name(f"{dest.stem}_outlets.csv")
        files[csv_path] = outlets_csv_bytes(result, capacity)
        overflow = csv_path.name
    return {dest: workbook_bytes(result, lang, recommendation, capacity, overflow), **files}


def workbook_bytes(result: ScenarioResult, lang: str = "en", recommendation: Any = None,
                   capacity: Any = None, overflow: str = "") -> bytes:
    buf = io.BytesIO()
    build_workbook(result, lang, recommendation, capacity, overflow).save(buf)
    return buf.getvalue()


def build_workbook(result: ScenarioResult, lang: str = "en", recommendation: Any = None,
                   capacity: Any = None, overflow: str = "") -> Workbook:
    wb = Workbook()
    provinces_sheet(wb.active, result, lang)
    gaps_sheet(wb.create_sheet("gap_regions"), result)
    counties_sheet(wb.create_sheet("counties"), result)
    outlets_sheet(wb.create_sheet("outlets"), result, capacity, overflow, lang)
    recommendations_sheet(wb.create_sheet("recommendations"), result, recommendation, lang)
    curve = tuple(getattr(recommendation, "curve", ()) or ())
    if len(curve) > 1:
        curve_sheet(wb.create_sheet("coverage_curve"), recommendation, curve, lang)
    scenario_sheet(wb.create_sheet("scenario"), result, lang)
    for ws in wb.worksheets:  # a name like "=HYPERLINK(...)" from an imported file stays text
        text_cells_stay_text(ws)
    localise(wb, lang)
    return wb


def localise(wb: Workbook, lang: str) -> None:
    """Sheet names and header rows in the workbook's language, from the one table in
    :mod:`.texts` (the sheets are built with their snake_case keys, which the English
    workbook keeps). Only the header row is touched: data cells are never rewritten."""
    if lang == "en":
        return
    for ws in wb.worksheets:
        if ws.auto_filter.ref:  # a table sheet (the overflow note has no header row)
            for cell in ws[1]:
                if isinstance(cell.value, str):
                    cell.value = header_text(cell.value, lang)
        ws.title = sheet_name(ws.title, lang)


def _table(ws: Worksheet, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> None:
    """Header row, data, formats, widths, frozen header and an auto-filter."""
    ws.append([c[0] for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([_plain(v) for v in row])
    for j, (_, fmt, width) in enumerate(columns, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = width
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 1)}"


def _plain(v: Any) -> Any:
    """numpy scalars and NaN to what openpyxl writes as plain cells."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not np.isfinite(v):
        return None
    if isinstance(v, str):  # control characters make Excel "repair" the file
        return ILLEGAL_CHARACTERS_RE.sub("", v)
    return v


PROVINCE_COLUMNS: tuple[Column, ...] = (
    ("gb_code", None, 8), ("province", None, 18), ("province_zh", None, 16),
    ("rural_population", INT, 14), ("rural_covered", INT, 14), ("rural_covered_pct", PCT, 10),
    ("rural_unreached", INT, 14), ("urban_population", INT, 14), ("urban_covered_pct", PCT, 10),
    ("outlets", INT, 9), ("sites", INT, 9), ("outlets_per_100k_rural", DEC2, 11),
    ("gap_regions", INT, 9), ("largest_gap_population", INT, 13), ("area_km2", INT, 12),
    ("area_covered_km2", INT, 12))


def provinces_sheet(ws: Worksheet, result: ScenarioResult, lang: str = "en") -> None:
    ws.title = "provinces"
    rows = [(p.gb_code, p.name_en, p.name_zh, p.rural_population, p.rural_covered,
             p.rural_covered_pct / 100, p.rural_unreached, p.urban_population,
             p.urban_covered_pct / 100, p.outlets, p.sites, p.outlets_per_100k_rural, p.gap_regions,
             p.largest_gap_population, p.area_km2, p.area_covered_km2)
            for p in result.summary.provinces]
    _table(ws, PROVINCE_COLUMNS, rows)
    n = len(rows)
    chart = BarChart()
    chart.type = "bar"  # horizontal: 31 province names stay readable
    chart.title = chart_text("Rural coverage by province", lang)
    chart.y_axis.title = chart_text("rural people covered", lang)
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.add_data(Reference(ws, min_col=6, min_row=1, max_row=n + 1), titles_from_data=True)
    name_col = 3 if lang == "zh" else 2  # the province names the reader reads
    chart.set_categories(Reference(ws, min_col=name_col, min_row=2, max_row=n + 1))
    chart.legend = None
    chart.height, chart.width = 16, 14
    ws.add_chart(chart, f"{get_column_letter(len(PROVINCE_COLUMNS) + 2)}2")


GAP_COLUMNS: tuple[Column, ...] = (
    ("rank", INT, 7), ("gb_code", None, 8), ("province", None, 16), ("province_zh", None, 14),
    ("county", None, 14), ("county_zh", None, 14), ("prefecture", None, 14), ("prefecture_zh", None, 16),
    ("rural_unreached", INT, 13), ("cells", INT, 8), ("area_km2", INT, 11),
    ("max_dist_km", DEC1, 11), ("lon", DEG, 10), ("lat", DEG, 10), ("nearest_town", None, 18),
    ("nearest_town_zh", None, 14), ("town_km", DEC1, 9))


def gaps_sheet(ws: Worksheet, result: ScenarioResult) -> None:
    reg = result.gaps.regions
    names = {p.gb_code: (p.name_en, p.name_zh) for p in result.summary.provinces}
    towns = nearest_towns(reg["lon"].to_numpy(), reg["lat"].to_numpy())
    rows = [(int(r.rank), int(r.gb_code), *names.get(int(r.gb_code), ("", "")),
             str(r.county), str(r.county_zh), str(r.prefecture), str(r.prefecture_zh),
             round(float(r.rural_unreached)), int(r.cells), float(r.area_km2), float(r.max_dist_km),
             float(r.lon), float(r.lat), t.name, t.name_zh, t.km)
            for r, t in zip(reg.itertuples(), towns)]
    _table(ws, GAP_COLUMNS, rows)


COUNTY_COLUMNS: tuple[Column, ...] = (
    ("adcode", None, 9), ("gb_code", None, 8), ("province", None, 14), ("province_zh", None, 12),
    ("prefecture", None, 14), ("prefecture_zh", None, 16), ("county", None, 14), ("county_zh", None, 14),
    ("rural_population", INT, 13), ("rural_covered", INT, 13), ("rural_covered_pct", PCT, 10),
    ("rural_unreached", INT, 13), ("outlets", INT, 8), ("outlets_per_100k_rural", DEC2, 11),
    ("gap_regions", INT, 9), ("largest_gap_population", INT, 13))


def counties_sheet(ws: Worksheet, result: ScenarioResult) -> None:
    """The per-province table expanded to county planning units (issue 22): whole people
    that add up to the provinces sheet (geo.county_table)."""
    rows = [(c.adcode, c.gb_code, c.province, c.province_zh, c.prefecture, c.prefecture_zh,
             c.name_en, c.name_zh, c.rural_population, c.rural_covered, c.rural_covered_pct / 100,
             c.rural_unreached, c.outlets, c.outlets_per_100k_rural, c.gap_regions, c.largest_gap_population)
            for c in result.summary.counties]
    _table(ws, COUNTY_COLUMNS, rows)


def outlets_sheet(ws: Worksheet, result: ScenarioResult, capacity: Any = None,
                  overflow: str = "", lang: str = "en") -> None:
    """Every outlet; with a capacity analysis (geo.siting.capacity: ``load`` and
    ``nearest_load`` per outlet, ``households_per_outlet``) its workload columns too.
    More outlets than a sheet holds: a note naming the CSV file ``overflow`` instead."""
    n = len(result.network.outlets)
    if n + 1 > EXCEL_MAX_ROWS:
        t = TEXT[lang]
        ws.append([t["overflow"].format(n=n, rows=EXCEL_MAX_ROWS - 1, file=overflow or t["overflow_file"])])
        ws["A1"].font = Font(bold=True)
        ws.column_dimensions["A"].width = 110
        return
    cols, data = _outlet_columns(result, capacity, lang)
    _table(ws, cols, list(zip(*data)))


def outlets_csv_bytes(result: ScenarioResult, capacity: Any = None) -> bytes:
    """The outlets sheet as CSV (UTF-8 with BOM, so Excel shows Chinese names); text
    that starts like a formula is neutralised with a leading apostrophe."""
    import pandas as pd

    cols, data = _outlet_columns(result, capacity)
    frame = pd.DataFrame({c[0]: col for c, col in zip(cols, data)})
    numeric = pd.api.types.is_numeric_dtype
    for name in [c for c in frame.columns if not numeric(frame[c]) and frame[c].dtype != bool]:
        text = frame[name].astype(str)
        risky = text.str.match(r"^[=+\-@\t\r]")
        frame[name] = text.where(~risky, "'" + text)
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _outlet_columns(result: ScenarioResult, capacity: Any = None,
                    lang: str = "en") -> tuple[list[Column], list[list]]:
    o = result.network.outlets
    keys = [k for k in ("site_id", "name", "gb_code", "province", "lon", "lat", "parent_id", "source")
            if k in o.columns]
    widths = {"name": 28, "province": 16, "lon": 10, "lat": 10, "gb_code": 8}
    cols: list[Column] = [(k, DEG if k in ("lon", "lat") else None, widths.get(k, 11)) for k in keys]
    data = [list(o[k]) for k in keys]
    if lang == "zh":  # the province by its Chinese name, the app's own words in Chinese
        for j, k in enumerate(keys):
            if k == "province":
                cols[j], data[j] = ("province_zh", None, 16), _province_zh(result, o["gb_code"])
            elif k == "source":
                data[j] = [cell_word(str(v), lang) for v in data[j]]
    if capacity is not None and len(capacity.load) == len(o):
        cap = int(capacity.households_per_outlet)
        nearest = np.asarray(capacity.nearest_load, dtype=float)
        cols += [("workload_households", INT, 12), ("served_households", INT, 12),
                 ("capacity_households", INT, 12), ("over_capacity", None, 10)]
        data += [np.rint(nearest).astype(np.int64).tolist(),
                 np.asarray(capacity.load, dtype=np.int64).tolist(), [cap] * len(o),
                 (nearest > cap).tolist()]
    return cols, data


REC_COLUMNS: tuple[Column, ...] = (
    ("order", INT, 7), ("site_id", None, 11), ("gb_code", None, 8), ("province", None, 16),
    ("lon", DEG, 10), ("lat", DEG, 10), ("newly_covered", INT, 13),
    ("newly_covered_in_province", INT, 13), ("newly_covered_across_border", INT, 13),
    ("nearest_town", None, 18), ("nearest_town_zh", None, 14), ("town_km", DEC1, 9),
    ("status", None, 11), ("distance", None, 10))


def _province_zh(result: ScenarioResult, gb_codes: Any) -> list[str]:
    names = {p.gb_code: p.name_zh for p in result.summary.provinces}
    return [names.get(int(g), "") for g in gb_codes]


def recommendations_sheet(ws: Worksheet, result: ScenarioResult, rec: Any = None,
                          lang: str = "en") -> None:
    """Accepted recommended outlets (in the scenario), then a pending recommendation's."""
    o = result.network.outlets
    acc = o[o["source"] == "recommended"] if "source" in o.columns else o.iloc[:0]
    rows: list[tuple] = []
    for k, (r, t) in enumerate(zip(acc.itertuples(), nearest_towns(acc["lon"].to_numpy(),
                                                                   acc["lat"].to_numpy()))):
        rows.append((k + 1, r.site_id, int(r.gb_code), r.province, float(r.lon), float(r.lat), None,
                     None, None, t.name, t.name_zh, t.km, "accepted", result.coverage.distance))
    if rec is not None and len(rec.sites):
        s = rec.sites
        towns = nearest_towns(s["lon"].to_numpy(), s["lat"].to_numpy())
        home = tuple(getattr(rec, "gains_home", ()) or ()) or tuple(float("nan") for _ in rec.gains)
        for k, (r, g, h, t) in enumerate(zip(s.itertuples(), rec.gains, home, towns)):
            inside = None if h != h else round(float(h))  # NaN: not known
            across = None if inside is None else round(float(g)) - inside
            rows.append((k + 1, r.site_id, int(r.gb_code), r.province, float(r.lon), float(r.lat),
                         round(float(g)), inside, across, t.name, t.name_zh, t.km, "proposed",
                         getattr(rec, "distance", result.coverage.distance)))
    columns = REC_COLUMNS
    if lang == "zh":  # province (column 4) by its Chinese name; status and method in Chinese
        columns = tuple(("province_zh", None, 16) if c[0] == "province" else c for c in REC_COLUMNS)
        zh = _province_zh(result, [r[2] for r in rows])
        rows = [(*r[:3], z, *r[4:12], cell_word(r[12], lang), cell_word(r[13], lang))
                for r, z in zip(rows, zh)]
    _table(ws, columns, rows)


def curve_sheet(ws: Worksheet, rec: Any, curve: Sequence[float], lang: str = "en") -> None:
    """Newly covered people against the number of new outlets, with a line chart."""
    base, total = float(rec.covered_before), float(rec.rural_population) or 1.0
    rows = [(k, round(float(v)), (base + float(v)) / total) for k, v in enumerate(curve)]
    _table(ws, (("new_outlets", INT, 12), ("newly_covered", INT, 14),
                ("rural_covered_pct", "0.00%", 14)), rows)
    chart = LineChart()
    chart.title = chart_text("Coverage curve", lang)
    chart.x_axis.title = chart_text("new outlets", lang)
    chart.y_axis.title = chart_text("rural people covered", lang)
    chart.y_axis.number_format = "0.0%"
    chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(rows) + 1))
    chart.legend = None
    chart.height, chart.width = 9, 16
    ws.add_chart(chart, "E2")


def scenario_sheet(ws: Worksheet, result: ScenarioResult, lang: str) -> None:
    s = result.summary
    rows: list[tuple[str, Any]] = [(f"param_{k}", cell_word(v, lang) if isinstance(v, str) else v)
                                   for k, v in s.params.items()]
    rows += [("distribution_sites", s.distribution_sites), ("service_outlets", s.service_outlets),
             ("rural_population", s.rural_population), ("rural_covered", s.rural_covered),
             ("rural_covered_pct", s.rural_covered_pct / 100), ("rural_unreached", s.rural_unreached),
             ("urban_covered_pct", s.urban_covered_pct / 100), ("gap_regions", s.gap_regions),
             ("scenario", scenario_line(result, lang)),
             ("attribution", TEXT[lang]["attribution"].format(network=network_credit(result, lang)))]
    _table(ws, (("figure", None, 22), ("value", None, 60)), rows)
    for (key, _), (label, cell) in zip(rows, ws.iter_rows(min_row=2, max_col=2)):
        label.value = header_text(key, lang)  # the figure's name, in the workbook's language
        if isinstance(cell.value, float) and key.endswith("_pct"):
            cell.number_format = PCT
        elif isinstance(cell.value, int):
            cell.number_format = INT
