"""The maps' one style: colours, gap classes, legend entries, title and subtitle texts.

The web page, the print map and the image export all draw from here, so a colour or a
class break changes everywhere at once, and scenarios A and B share one legend (the
class breaks are fixed, not data-driven). Texts are English sources; every one is in
:data:`MAP_TEXT_LABELS` so ``make_translations.py`` puts it in the ``.ts`` catalogue,
and :mod:`reach_planner.ui.maps.texts` reads the Chinese from there.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from reach_planner.geo.columns import ZH_SUFFIXES
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.shapes import GAP_BREAKS, GAP_DENSITY_BREAKS

Translate = Callable[[str], str]

# -- colours ---------------------------------------------------------------------------
SEA = "#d4e4ee"
LAND = "#f6f3ec"
BORDER = "#8c8c8c"
COVERED = "#74c69d"
SITE = "#1f5fbf"
OUTLET = "#7b2cbf"
RECOMMENDED = "#ff7f00"
RECOMMENDED_EDGE = "#4a2000"
NEWLY = "#2b8cbe"
OVERLOADED = "#e7298a"  # magenta: apart from the gap reds and the recommended orange
OVERLOADED_EDGE = "#49006a"
RANK = "#bd0026"
NEIGHBOUR = "#e6e4df"  # neighbouring countries: grey, so China stands out
NEIGHBOUR_BORDER = "#bdb9b1"
NEIGHBOUR_TEXT = "#8c887f"
OUTSIDE = "#ebe6da"  # Taiwan, Hong Kong, Macao: China, but outside the network data
DASH = "#5a5a5a"  # the ten-dash line and island outlines
# by unreached rural people per km² (geo.shapes.GAP_DENSITY_BREAKS): the lowest class
# (half the gap cells, 3% of their people: desert and high plateau) is a pale wash,
# crowded gaps are dark red
GAP_COLOURS = ("#f9edc8", "#fed976", "#fd8d3c", "#e8402a", "#a50026")
COVERED_ALPHA = 0.45
GAP_ALPHA = 0.85

# -- the web map's national view (levels of detail, as atlases draw a country) -------------
# Below LOD_ZOOM the page shows provinces as a choropleth of rural covered %, outlets as
# a density grid and gap cells by unreached people per km²; from it on, single outlets,
# the covered area and clickable gap cells. 5.75: at zoom 6 two outlets 10 km apart are
# 3 px apart, at zoom 5 they are one dot.
LOD_ZOOM = 5.75
# Rural covered % per province: upper limits of the classes (pale = least covered).
CHORO_BREAKS = (70.0, 85.0, 95.0, 99.0, float("inf"))
CHORO_COLOURS = ("#f2f0e6", "#d5ecd4", "#a9dbb0", "#75bf8a", "#3f9a62")
# Service outlets per 1,000 km² in a grid of OUTLET_BIN_DEG squares (national view).
OUTLET_BIN_DEG = 0.5
OUTLET_DENSITY_BREAKS = (1.0, 3.0, 6.0, 12.0, float("inf"))
OUTLET_DENSITY_COLOURS = ("#ebe3f4", "#d2bfea", "#ae8ad8", "#8c56c6", "#6420a8")
DENSITY_ALPHA = 0.8  # the density layers are drawn opaque, their pane is translucent
OUTLET_DENSITY_ALPHA = 0.55  # lighter: the province choropleth reads through it

# -- texts (English sources; Chinese from the catalogue) --------------------------------
TITLE = "Goodaymart rural reach"
SUBTITLE = ("{sites} distribution sites · {outlets} service outlets · service radius {km} km"
            " · rural covered {pct}% · seed {seed}")
ATTRIBUTION = "Natural Earth · GeoNames (CC-BY 4.0) · NBS 2020 census · network {network}"
PRINT_ATTRIBUTION = ("Boundaries: Natural Earth · Places: GeoNames (CC-BY 4.0) · "
                     "Population: NBS 2020 census · Network {network}")
PROJECTION = "Albers equal-area conic, 105°E, standard parallels 25°N and 47°N"
SOURCES = ("simulated", "imported", "recommended")
OVERLOAD_TIP = "{name} · {n} households beyond capacity (click for details)"
JS_TEXTS = ("Gap region #{r} (click for details)",
            "Gap #{r} · {prov} · {n} rural people unreached", "rural covered {pct}%",
            "{n} rural people unreached")
# Every English string a map shows, web or print; the catalogue holds their Chinese.
MAP_TEXT_LABELS = (
    TITLE, "Provinces", "Covered area", "Rural gap cells",
    "Distribution sites", "Service outlets", "Top gap regions", "Legend",
    "Distribution site", "Service outlet", "Within service radius",
    "Unreached rural people per km²", "up to {hi}", "over {lo}", *JS_TEXTS,
    "Recommended outlets", "Recommended outlet", "Newly covered",
    "Overloaded outlets", "Overloaded outlet (size: households beyond capacity)",
    OVERLOAD_TIP,
    "Top gap regions (rank)", "South China Sea Islands", "km", "m",
    "outside the network data", "Outside the network data (Taiwan, Hong Kong, Macao)",
    "Shaded relief", "Cities",
    "Rural covered by province (zoomed out)", "under {hi}%", "{lo}% and over",
    "Service outlets per 1,000 km² (zoomed out)",
    # progress messages of the background job (geo stages and map drawing)
    "Building the demand model", "Simulating the network", "Measuring coverage",
    "Finding gaps", "Summarising", "Done", "Drawing the map", "Writing the map page",
    "Map ready",
    SUBTITLE, ATTRIBUTION, PRINT_ATTRIBUTION, PROJECTION, *SOURCES,
)


def gap_classes() -> np.ndarray:
    """Upper limits of the five gap colour classes (unreached rural people per cell)."""
    return np.array(GAP_BREAKS)


def gap_class_of(people: np.ndarray) -> np.ndarray:
    """Class index (0-4) of each cell's unreached rural people."""
    return np.searchsorted(gap_classes(), np.asarray(people, dtype=float), side="left")


def gap_class_labels(t: Translate) -> list[str]:
    """'up to 0.5', '0.5 – 2.0', …, 'over 15.0' (people per km²) in the language of ``t``."""
    return class_labels(GAP_DENSITY_BREAKS, t, digits=1)


@dataclass(frozen=True)
class LegendEntry:
    """One legend row. ``shape``: dot, ring, patch (filled box) or heading (text only)."""

    key: str
    shape: str
    label: str
    colour: str = "none"
    alpha: float = 1.0
    edge: str = "none"
    size: float = 1.0  # relative symbol size


def legend_entries(t: Translate,
                   layers: Iterable[str] = ("sites", "outlets", "covered", "outside", "gaps", "ranks"),
                   ) -> list[LegendEntry]:
    """The legend rows for the layers shown, in one order for every map."""
    shown = set(layers)
    rows = [
        ("sites", LegendEntry("sites", "dot", t("Distribution site"), SITE, edge="#ffffff", size=1.6)),
        ("outlets", LegendEntry("outlets", "dot", t("Service outlet"), OUTLET)),
        ("covered", LegendEntry("covered", "patch", t("Within service radius"), COVERED, COVERED_ALPHA)),
        ("recommended", LegendEntry("recommended", "dot", t("Recommended outlet"), RECOMMENDED,
                                    edge=RECOMMENDED_EDGE, size=1.6)),
        ("newly", LegendEntry("newly", "patch", t("Newly covered"), NEWLY, 0.7)),
        ("overloaded", LegendEntry("overloaded", "dot", t("Overloaded outlet (size: households beyond "
                                                          "capacity)"), OVERLOADED,
                                   edge=OVERLOADED_EDGE, size=1.6)),
        ("outside", LegendEntry("outside", "patch", t("Outside the network data (Taiwan, Hong Kong, Macao)"),
                                OUTSIDE, edge=BORDER)),
        ("ranks", LegendEntry("ranks", "ring", t("Top gap regions (rank)"), "#ffffff", edge=RANK,
                              size=1.8)),
    ]
    out = [entry for key, entry in rows if key in shown]
    if "gaps" in shown:
        out.append(LegendEntry("gaps", "heading", t("Unreached rural people per km²")))
        out += [LegendEntry(f"gap{i}", "patch", label, colour, GAP_ALPHA)
                for i, (label, colour) in enumerate(zip(gap_class_labels(t), GAP_COLOURS))]
    return out


def class_labels(breaks: tuple[float, ...], t: Translate, pct: bool = False,
                 digits: int = 0) -> list[str]:
    """'under 70%', '70 – 85%', …, '99% and over' (``pct``) or 'up to 0.5', …, 'over 15'."""
    labels, lo = [], 0.0
    num = (lambda v: f"{v:,.{digits}f}")  # noqa: E731
    for hi in breaks:
        if pct:
            labels.append(t("{lo}% and over").format(lo=num(lo)) if np.isinf(hi) else
                          t("under {hi}%").format(hi=num(hi)) if lo == 0 else f"{num(lo)} – {num(hi)}%")
        else:
            labels.append(t("over {lo}").format(lo=num(lo)) if np.isinf(hi) else
                          t("up to {hi}").format(hi=num(hi)) if lo == 0 else f"{num(lo)} – {num(hi)}")
        lo = hi
    return labels


def national_legend(t: Translate) -> list[LegendEntry]:
    """The web map's rows for its national view (keys ``far*``: shown zoomed out only)."""
    rows = [LegendEntry("farhead", "heading", t("Rural covered by province (zoomed out)"))]
    rows += [LegendEntry(f"farchoro{i}", "patch", label, colour, 1.0, edge=BORDER)
             for i, (label, colour) in enumerate(zip(class_labels(CHORO_BREAKS, t, pct=True),
                                                     CHORO_COLOURS))]
    rows.append(LegendEntry("farohead", "heading", t("Service outlets per 1,000 km² (zoomed out)")))
    rows += [LegendEntry(f"farodens{i}", "patch", label, colour, OUTLET_DENSITY_ALPHA)
             for i, (label, colour) in enumerate(zip(class_labels(OUTLET_DENSITY_BREAKS, t),
                                                     OUTLET_DENSITY_COLOURS))]
    return rows


def subtitle_for(result: ScenarioResult, t: Translate = str) -> str:
    """One line of scenario parameters and headline figures for titles and exports."""
    p, s = result.params, result.summary
    return t(SUBTITLE).format(
        sites=f"{s.distribution_sites:,}", outlets=f"{s.service_outlets:,}",
        km=f"{p.radius_km:g}", pct=f"{s.rural_covered_pct:.1f}", seed=p.seed)


def network_credit(result: ScenarioResult, t: Translate = str) -> str:
    """Where the network came from: 'simulated', 'imported + recommended', …"""
    net = result.network
    sources = [s for s in SOURCES
               if any(s in set(layer["source"]) for layer in (net.sites, net.outlets)
                      if "source" in layer and len(layer))]
    return " + ".join(t(s) for s in sources) or t("simulated")


def web_credit(result: ScenarioResult, t: Translate = str) -> str:
    """The on-screen map's credit line, naming the network's real source(s)."""
    return t(ATTRIBUTION).format(network=network_credit(result, t))


def short_zh(name: str) -> str:
    """内蒙古自治区 -> 内蒙古, 黑龙江省 -> 黑龙江: the short forms Chinese maps print."""
    for suffix in ZH_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name
