"""The report's pages as matplotlib Figures: national overview, one page per
province, the per-province table. Every page carries the same footer: scenario
parameters, data attribution and the page number.

Layout is in millimetres on a landscape sheet (A4, or A3 scaled up by ``opts.scale``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle

from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.maps import style
from reach_planner.ui.maps.fonts import HAN, Fonts, fonts_for
from reach_planner.ui.maps.layout import LAYERS, PrintOptions, shrink_to
from reach_planner.ui.report.figures import DistanceBands, ProvinceFigures, nearest_towns, unit_label
from reach_planner.ui.report.mapframe import map_frame
from reach_planner.ui.report.options import ReportOptions
from reach_planner.ui.report.texts import STRATEGY_ZH, TEXT, place_line, province_title

MARGIN = 10.0
HEAD = 26.0  # title band
FOOT = 16.0  # footer band


@dataclass(frozen=True, eq=False)
class Sheet:
    """One page: a Figure plus millimetre helpers (y measured from the top)."""

    fig: Figure
    opts: ReportOptions
    fonts: Fonts
    renderer: RendererAgg

    def x(self, mm: float) -> float:
        return mm * self.opts.scale / self.opts.size_mm[0]

    def y(self, mm: float) -> float:
        return 1 - mm * self.opts.scale / self.opts.size_mm[1]

    def rect(self, left: float, top: float, width: float, height: float) -> list[float]:
        return [self.x(left), self.y(top + height), self.x(width), 1 - self.y(height)]

    def text(self, left: float, top: float, s: str, size: float = 8.0, bold: bool = False,
             font: FontProperties | None = None, **kw):
        fp = font or (self.fonts.bold if bold else self.fonts.regular)
        # parse_math off: a "$" in a name or title is a dollar sign, not mathtext
        return self.fig.text(self.x(left), self.y(top), s, fontproperties=fp, parse_math=False,
                             fontsize=size * self.opts.scale, va=kw.pop("va", "top"), **kw)

    @property
    def width_mm(self) -> float:
        return self.opts.size_mm[0] / self.opts.scale


def new_sheet(opts: ReportOptions, fonts: Fonts) -> Sheet:
    w, h = (round(v * opts.dpi) / opts.dpi for v in opts.size_inches)  # whole pixels
    fig = Figure(figsize=(w, h), dpi=opts.dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return Sheet(fig=fig, opts=opts, fonts=fonts, renderer=RendererAgg(1, 1, opts.dpi))


def print_options(opts: ReportOptions, extent=None, focus: int | None = None) -> PrintOptions:
    """The map layer's options for a report frame (ranks are drawn per page)."""
    return PrintOptions(page=opts.page, dpi=opts.dpi, lang=opts.lang, layers=LAYERS - {"ranks"},
                        extent=extent, focus=None if focus is None else frozenset({focus}))


# -- shared parts ------------------------------------------------------------------------------
def num(v: float) -> str:
    return f"{v:,.0f}"


def scenario_line(result: ScenarioResult, lang: str) -> str:
    p = result.params
    s = result.summary
    strategy = STRATEGY_ZH.get(p.strategy, p.strategy) if lang == "zh" else p.strategy
    return TEXT[lang]["scenario"].format(
        seed=p.seed, sites=num(s.distribution_sites), outlets=num(s.service_outlets),
        radius=p.radius_km, site_radius=p.site_radius_km, strategy=strategy, bias=p.rural_bias)


def network_credit(result: ScenarioResult, lang: str) -> str:
    t = TEXT[lang]
    net = result.network
    present = {v for layer in (net.sites, net.outlets) if "source" in layer
               for v in layer["source"].unique()}  # unique(): 17,000 rows, every page
    found = [s for s in ("simulated", "imported", "recommended") if s in present]
    return t["and"].join(t[f"network_{s}"] for s in found) or t["network_simulated"]


def footer(sh: Sheet, result: ScenarioResult, page: int, total: int) -> None:
    t = TEXT[sh.opts.lang]
    h = sh.opts.size_mm[1] / sh.opts.scale
    top = h - FOOT + 4
    sh.fig.add_artist(_rule(sh, top - 2.5))
    width = (sh.width_mm - 2 * MARGIN - 30) * sh.opts.scale / 25.4 * sh.opts.dpi
    for i, line in enumerate((scenario_line(result, sh.opts.lang),
                              t["attribution"].format(network=network_credit(result, sh.opts.lang)))):
        shrink_to(sh.text(MARGIN, top + 4.2 * i, line, 6.5, color="#444444"), width, sh.renderer)
    sh.text(sh.width_mm - MARGIN, top, t["page"].format(n=page, total=total), 7, ha="right",
            color="#444444")


def _rule(sh: Sheet, top: float):
    from matplotlib.lines import Line2D

    return Line2D([sh.x(MARGIN), sh.x(sh.width_mm - MARGIN)], [sh.y(top)] * 2, lw=0.5,
                  color="#999999", transform=sh.fig.transFigure)


def header(sh: Sheet, title: str, subtitle: str, right: str = "") -> None:
    sh.text(MARGIN, MARGIN, title, 15, bold=True, font=_cjk_if_needed(sh, title, bold=True))
    sh.text(MARGIN, MARGIN + 8.5, subtitle, 8, color="#444444", font=_cjk_if_needed(sh, subtitle))
    if right:
        sh.text(sh.width_mm - MARGIN, MARGIN, right, 15, bold=True, ha="right", color="#777777")


def _cjk_if_needed(sh: Sheet, s: str, bold: bool = False) -> FontProperties | None:
    """An English page that names a province in Chinese too must not print boxes."""
    if sh.opts.lang == "zh" or not HAN.search(s):
        return None
    f = fonts_for("en", s)
    return f.bold if bold else f.regular


def figure_rows(sh: Sheet, left: float, top: float, width: float,
                rows: Sequence[tuple[str, str]], size: float = 8.0, step: float = 5.0) -> float:
    """Label on the left, value right-aligned; returns the y below the block."""
    for i, (label, value) in enumerate(rows):
        y = top + i * step
        if i % 2 == 0:
            sh.fig.add_artist(Rectangle((sh.x(left - 1), sh.y(y + step - 1.2)), sh.x(width + 2),
                                        1 - sh.y(step), transform=sh.fig.transFigure,
                                        facecolor="#f2f2f2", edgecolor="none", zorder=-1))
        sh.text(left, y, label, size, color="#333333")
        sh.text(left + width, y, value, size, bold=True, ha="right")
    return top + len(rows) * step


def heading(sh: Sheet, left: float, top: float, s: str) -> float:
    sh.text(left, top, s, 9.5, bold=True)
    return top + 6.0


# -- the coverage chart -------------------------------------------------------------------------
def coverage_chart(sh: Sheet, rect: list[float], bands: DistanceBands, radius_km: float) -> None:
    t = TEXT[sh.opts.lang]
    ax = sh.fig.add_axes(rect)
    labels, lo = [], 0.0
    for hi in bands.edges:
        labels.append(f">{lo:g}" if np.isinf(hi) else f"{lo:g}–{hi:g}")
        lo = hi
    people = np.asarray(bands.people) / 1e6
    colours = [style.COVERED if c else style.GAP_COLOURS[min(i, len(style.GAP_COLOURS) - 1)]
               for i, c in enumerate(bands.covered)]
    first_gap = sum(bands.covered)
    colours[first_gap:] = [style.GAP_COLOURS[min(2 + k, len(style.GAP_COLOURS) - 1)]
                           for k in range(len(colours) - first_gap)]
    ax.bar(range(len(people)), people, color=colours, edgecolor="#555555", linewidth=0.3)
    k = sh.opts.scale
    ax.set_xticks(range(len(people)), labels, fontproperties=sh.fonts.regular, fontsize=6 * k)
    for tick in ax.get_yticklabels():
        tick.set_fontsize(6 * k)
    ax.set_xlabel(t["chart_x"], fontproperties=sh.fonts.regular, fontsize=6.5 * k)
    ax.set_ylabel(t["chart_y"], fontproperties=sh.fonts.regular, fontsize=6.5 * k)
    ax.set_title(t["chart"], fontproperties=sh.fonts.bold, fontsize=7.5 * k, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(length=2, width=0.5, labelsize=6 * k)
    total = people.sum() or 1.0
    for i, v in enumerate(people):
        ax.text(i, v, f"{100 * v / total:.0f}%", ha="center", va="bottom", fontsize=5.5 * k,
                family="DejaVu Sans", color="#333333")
    ax.set_ylim(0, max(people.max(), 1e-6) * 1.18)
    ax.axvline(first_gap - 0.5, color="#333333", lw=0.6, ls="--")


# -- pages ---------------------------------------------------------------------------------------
def national_page(result: ScenarioResult, opts: ReportOptions, fonts: Fonts, page: int,
                  total: int) -> Figure:
    t = TEXT[opts.lang]
    s = result.summary
    sh = new_sheet(opts, fonts)
    header(sh, t["title"], t["national"] + " · " + scenario_line(result, opts.lang))
    body_h = opts.size_mm[1] / opts.scale - HEAD - FOOT - 2
    map_w = 190.0
    ax = sh.fig.add_axes(sh.rect(MARGIN, HEAD, map_w, body_h))
    gaps = result.gaps.regions.head(10)
    map_frame(sh.fig, ax, result, print_options(opts), fonts, sh.renderer, inset=True)
    left, width = MARGIN + map_w + 6, sh.width_mm - 2 * MARGIN - map_w - 6
    rows = [(t["rural"], num(s.rural_population)), (t["covered_pct"], f"{s.rural_covered_pct:.1f}%"),
            (t["unreached"], num(s.rural_unreached)), (t["urban_pct"], f"{s.urban_covered_pct:.1f}%"),
            (t["delivery_pct"], f"{s.rural_delivery_pct:.1f}%"), (t["outlets"], num(s.service_outlets)),
            (t["sites"], num(s.distribution_sites)),
            (t["per100k"], f"{s.service_outlets / max(s.rural_population, 1) * 1e5:.1f}"),
            (t["gap_regions"], num(s.gap_regions)), (t["area_pct"], f"{s.area_covered_pct:.1f}%")]
    y = figure_rows(sh, left, HEAD + 1, width, rows, size=7.5, step=4.8)
    y = heading(sh, left, y + 3, t["largest_gaps_nat"])
    towns = nearest_towns(gaps["lon"].to_numpy(), gaps["lat"].to_numpy())
    names = {p.gb_code: (p.name_zh if opts.lang == "zh" else p.name_en) for p in s.provinces}
    for r, town in zip(gaps.itertuples(), towns):
        sh.text(left, y, f"{int(r.rank)}", 7, bold=True, color=style.RANK)
        unit = unit_label(opts.lang, str(getattr(r, "county", "")), str(getattr(r, "county_zh", "")),
                          str(getattr(r, "prefecture", "")), str(getattr(r, "prefecture_zh", "")))
        sh.text(left + 5, y, place_line((unit, names[int(r.gb_code)]), opts.lang), 6.5)
        sh.text(left + 5, y + 3.3, t["near"].format(town=town.label(opts.lang), km=town.km), 6.0,
                color="#444444")
        sh.text(left + width, y + 3.3, f"{num(r.rural_unreached)} {t['people']}", 6.5, ha="right",
                color="#444444")
        y += 7.4
    footer(sh, result, page, total)
    return sh.fig


def province_page(result: ScenarioResult, pf: ProvinceFigures, opts: ReportOptions,
                  fonts: Fonts, page: int, total: int) -> Figure:
    t = TEXT[opts.lang]
    p = pf.summary
    sh = new_sheet(opts, fonts)
    title = province_title(p.name_en, p.name_zh, opts.lang)
    ranked = sorted(result.summary.provinces, key=lambda q: -q.rural_covered_pct)
    sub = t["prov_sub"].format(pct=p.rural_covered_pct, nat=result.summary.rural_covered_pct,
                               rank=[q.gb_code for q in ranked].index(p.gb_code) + 1)
    header(sh, title, sub, right=t["code_head"].format(code=p.gb_code))
    body_h = opts.size_mm[1] / opts.scale - HEAD - FOOT - 2
    map_w = 168.0
    ax = sh.fig.add_axes(sh.rect(MARGIN, HEAD, map_w, body_h))
    map_frame(sh.fig, ax, result, print_options(opts, pf.extent, p.gb_code), fonts, sh.renderer,
              focus=p.gb_code)
    left, width = MARGIN + map_w + 6, sh.width_mm - 2 * MARGIN - map_w - 6
    rows = [(t["rural"], num(p.rural_population)), (t["covered_pct"], f"{p.rural_covered_pct:.1f}%"),
            (t["outlets"], num(p.outlets)), (t["sites"], num(p.sites)),
            (t["per100k"], f"{p.outlets_per_100k_rural:.1f}"), (t["unreached"], num(p.rural_unreached)),
            (t["gap_regions"], num(p.gap_regions))]
    y = figure_rows(sh, left, HEAD + 1, width, rows, size=7.5, step=4.8)
    y = heading(sh, left, y + 3, t["largest_gaps"])
    if not pf.gaps:
        sh.text(left, y, t["no_gaps"], 6.5, wrap=True)
        y += 6
    for g in pf.gaps:
        sh.text(left, y, str(g.rank), 7, bold=True, color=style.RANK)
        sh.text(left + 6, y, g.unit(opts.lang), 6.8)
        sh.text(left + width, y, f"{num(g.rural_unreached)} {t['people']}", 6.8, ha="right",
                color="#444444")
        sh.text(left + 6, y + 3.2, t["near"].format(town=g.town.label(opts.lang), km=g.town.km), 6.0,
                color="#444444")
        y += 7.6
    if pf.recommended:
        y = heading(sh, left, y + 3, t["recommended"].format(n=len(pf.recommended)))
        shown = pf.recommended[:5]
        for r in shown:
            sh.text(left, y, f"{r.site_id}  " + t["near"].format(town=r.town.label(opts.lang),
                                                                  km=r.town.km), 6.5)
            y += 4.6
        if len(pf.recommended) > len(shown):
            sh.text(left, y, t["rec_more"].format(n=len(pf.recommended) - len(shown)), 6.5,
                    color="#444444")
            y += 4.6
        for key, people in (("rec_in", pf.newly_in), ("rec_across", pf.newly_across)):
            sh.text(left, y, t[key], 6.5)  # a province run credits people across the border too
            sh.text(left + width, y, f"{num(people)} {t['people']}", 6.5, ha="right")
            y += 4.6
    chart_top = max(y + 4, HEAD + body_h - 52)
    chart_h = HEAD + body_h - chart_top - 9
    coverage_chart(sh, sh.rect(left + 9, chart_top + 5, width - 9, chart_h), pf.bands,
                   result.params.radius_km)
    footer(sh, result, page, total)
    return sh.fig


TABLE_COLS = ("code", "province", "col_rural", "col_covered", "col_outlets", "col_sites",
              "col_per100k", "col_unreached", "col_gaps", "col_largest")


def table_page(result: ScenarioResult, opts: ReportOptions, fonts: Fonts, page: int,
               total: int) -> Figure:
    t = TEXT[opts.lang]
    s = result.summary
    sh = new_sheet(opts, fonts)
    header(sh, t["table_title"], scenario_line(result, opts.lang))
    widths = (10, 44, 30, 36, 22, 22, 26, 30, 22, 35)
    xs = np.cumsum((MARGIN, *widths))
    rows = [(str(p.gb_code), p.name_zh if opts.lang == "zh" else p.name_en, num(p.rural_population),
             p.rural_covered_pct, num(p.outlets), num(p.sites), f"{p.outlets_per_100k_rural:.1f}",
             num(p.rural_unreached), num(p.gap_regions), num(p.largest_gap_population))
            for p in s.provinces]
    rows.append(("", t["total"], num(s.rural_population), s.rural_covered_pct, num(s.service_outlets),
                 num(s.distribution_sites),
                 f"{s.service_outlets / max(s.rural_population, 1) * 1e5:.1f}",
                 num(s.rural_unreached), num(s.gap_regions),
                 num(s.largest_gaps[0].rural_unreached if s.largest_gaps else 0)))
    step = (opts.size_mm[1] / opts.scale - HEAD - FOOT - 10) / (len(rows) + 1)
    y = HEAD
    for i, key in enumerate(TABLE_COLS):
        ha = "left" if i < 2 else "right"
        sh.text(xs[i] + (0 if i < 2 else widths[i] - 2), y, t[key], 6.8, bold=True, ha=ha)
    y += step + 2
    for r, row in enumerate(rows):
        last = r == len(rows) - 1
        if r % 2 == 0 or last:
            sh.fig.add_artist(Rectangle((sh.x(MARGIN - 1), sh.y(y + step - 1)), sh.x(xs[-1] - MARGIN + 2),
                                        1 - sh.y(step), transform=sh.fig.transFigure, zorder=-1,
                                        facecolor="#e6e6e6" if last else "#f4f4f4", edgecolor="none"))
        for i, cell in enumerate(row):
            if i == 3:
                _pct_cell(sh, xs[i], y, widths[i], float(cell), step)
                continue
            ha = "left" if i < 2 else "right"
            sh.text(xs[i] + (0 if i < 2 else widths[i] - 2), y, cell, 6.8, ha=ha, bold=last)
        y += step
    footer(sh, result, page, total)
    return sh.fig


def _pct_cell(sh: Sheet, left: float, top: float, width: float, pct: float, step: float) -> None:
    """Covered % as a number and a bar, so the weak provinces stand out down the column."""
    bar_w = width - 14
    sh.fig.add_artist(Rectangle((sh.x(left + 1), sh.y(top + step - 1.8)), sh.x(bar_w * pct / 100),
                                1 - sh.y(step - 2.6), transform=sh.fig.transFigure,
                                facecolor=style.COVERED, edgecolor="none"))
    sh.text(left + width - 2, top, f"{pct:.1f}%", 6.8, ha="right")
