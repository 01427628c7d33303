"""The scenario's map layers as JavaScript, and the options of a map page. Qt-free,
and free of folium too: the launch's forked child (``ui.prefetch``) builds them without
paying for folium's import; :mod:`.web` assembles them into pages.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from html import escape as esc

import numpy as np

from reach_planner.geo.data import load_china
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.geo.shapes import union_cells
from reach_planner.ui.maps import style
from reach_planner.ui.maps.shapes import covered_geojson, gaps_geojson, geojson_text, safe_json
from reach_planner.ui.maps.style import (
    COVERED,
    NEWLY,
    OUTLET,
    OVERLOAD_TIP,
    OVERLOADED,
    OVERLOADED_EDGE,
    RECOMMENDED,
    RECOMMENDED_EDGE,
    SITE,
    TITLE,
)
from reach_planner.ui.maps.texts import Texts


@dataclass(frozen=True)
class MapOptions:
    """What the page shows; the same options drive the window and the image export.

    Texts come from the translation catalogue for ``lang``; ``texts`` may override
    them (the window passes its live Qt translations)."""

    title: str = TITLE
    subtitle: str = ""
    show_outlets: bool = True
    show_sites: bool = True
    show_covered: bool = True
    show_gaps: bool = True
    label_top_gaps: int = 10
    lang: str = "en"
    texts: tuple[tuple[str, str], ...] = ()  # (English, translation) overrides

    def t(self, text: str) -> str:
        return _texts(self.lang, self.texts)(text)


@functools.lru_cache(maxsize=8)
def _texts(lang: str, overrides: tuple[tuple[str, str], ...]) -> Texts:
    return Texts(lang, dict(overrides))


def _points_js(kind: str, lon: np.ndarray, lat: np.ndarray, names: list[str], colour: str,
               radius: float, stroke: bool, stroke_colour: str = "#ffffff",
               radii: np.ndarray | None = None) -> str:
    data = {"lon": np.round(lon, 4).tolist(), "lat": np.round(lat, 4).tolist(), "name": names}
    if radii is not None:  # one size per point
        data["r"] = np.round(radii, 1).tolist()
    style = {"radius": radius, "color": stroke_colour, "weight": 1.5 if stroke else 0,
             "stroke": stroke, "fillColor": colour, "fillOpacity": 0.95}
    return f"return rp.pointLayer(map, {safe_json(kind)}, {safe_json(data)}, {safe_json(style)});"


def _covered_js(result: ScenarioResult) -> str:
    """Zoomed in only: zoomed out, the province choropleth says how much is covered. On
    its own pane under the gap cells' (it takes no clicks)."""
    style_ = {"stroke": False, "fillColor": COVERED, "fillOpacity": 0.35}
    return (f"return rp.nearOnly('covered', function() {{ return L.geoJSON({covered_geojson(result)}, "
            f"{{style: {safe_json(style_)}, interactive: false, "
            f"renderer: rp.paneCanvas(map, 'rp-covered', 345, 1)}}); }});")


def _gaps_js(result: ScenarioResult) -> str:
    return f"return rp.gapLayer(map, {gaps_geojson(result)}, {safe_json(list(style.GAP_COLOURS))});"


def outlet_density(lon: np.ndarray, lat: np.ndarray) -> dict[str, list[int]]:
    """Outlets per 1,000 km² in squares of ``OUTLET_BIN_DEG``: ``x``/``y`` square indices
    (lon, lat = index * step), ``c`` the density class. Empty squares are left out."""
    step = style.OUTLET_BIN_DEG
    ix = np.floor(np.asarray(lon, float) / step).astype(np.int64)
    iy = np.floor(np.asarray(lat, float) / step).astype(np.int64)
    if len(ix) == 0:
        return {"x": [], "y": [], "c": []}
    cells, counts = np.unique(np.column_stack([ix, iy]), axis=0, return_counts=True)
    mid_lat = np.radians((cells[:, 1] + 0.5) * step)
    area_km2 = (step * 111.32 * np.cos(mid_lat)) * (step * 110.57)
    klass = np.searchsorted(np.asarray(style.OUTLET_DENSITY_BREAKS), counts / area_km2 * 1000.0,
                            side="left")
    return {"x": cells[:, 0].tolist(), "y": cells[:, 1].tolist(), "c": klass.tolist()}


def _outlets_js(net) -> str:
    lon, lat = net.outlets["lon"].to_numpy(), net.outlets["lat"].to_numpy()
    dots = _points_js("outlet", lon, lat, net.outlets["name"].astype(str).tolist(), OUTLET, 2.0, False)
    dens = {**outlet_density(lon, lat), "step": style.OUTLET_BIN_DEG,
            "colours": list(style.OUTLET_DENSITY_COLOURS)}
    return (f"return rp.lodPoints(map, 'outlet', function() {{ {dots} }}, {safe_json(dens)});")


def _labels_js(result: ScenarioResult, opts: MapOptions) -> str:
    regs = result.gaps.regions.head(opts.label_top_gaps)
    names = load_china().province_names()
    pick = 1 if opts.lang == "zh" else 0
    data = [{"r": int(r.rank), "lat": round(float(r.lat), 4), "lon": round(float(r.lon), 4),
             "p": int(round(r.rural_unreached)),
             "prov": _where(r, names.get(int(r.gb_code), ("", ""))[pick], opts.lang)}
            for r in regs.itertuples()]
    return f"return rp.gapLabels(map, {safe_json(data)});"


def _where(r, province: str, lang: str) -> str:
    """The gap's county planning unit and province (issue 22): 四川省木里藏族自治县 / Muli, Sichuan."""
    county = str(getattr(r, "county_zh" if lang == "zh" else "county", "") or "")
    if not county:
        return province
    return f"{province}{county}" if lang == "zh" else f"{county}, {province}"


def _provinces_js(result: ScenarioResult) -> str:
    """Outlines and click areas; zoomed out, a choropleth of rural covered % (``k``: class)."""
    prov = load_china().provinces
    by_code = {p.gb_code: p for p in result.summary.provinces}
    props = []
    for r in prov.itertuples():
        s = by_code.get(int(r.gb_code))
        cov = None if s is None else s.rural_covered_pct
        k = -1 if cov is None else int(np.searchsorted(style.CHORO_BREAKS, cov, side="right"))
        props.append({"en": r.name_en, "zh": r.name_zh, "gb": int(r.gb_code), "cov": cov,
                      "u": None if s is None else int(s.rural_unreached), "k": k})
    geo = geojson_text(list(prov.geometry), props)
    return f"return rp.provinceLayer(map, {geo}, {safe_json(list(style.CHORO_COLOURS))});"


# Legend rows shown only zoomed out / only zoomed in (the page toggles them by zoom).
_FAR_ONLY = ("far",)
_NEAR_ONLY = ("outlets", "covered")


def _lod_class(key: str) -> str:
    return (" rp-far-only" if key.startswith(_FAR_ONLY) else
            " rp-near-only" if key in _NEAR_ONLY else "")


def _close_ramp(rows: list[str], ramp: list[str] | None) -> None:
    if ramp is not None:
        rows.append("".join(ramp) + "</div>")


def _legend_html(opts: MapOptions) -> str:
    """The style's legend rows as HTML (labels escaped: they may be translations). The
    class ramps (choropleth, densities) are one row of swatches each: the legend stays
    short enough to leave the map visible."""
    rows: list[str] = []
    entries = style.legend_entries(opts.t, ("sites", "outlets", "covered", "recommended",
                                            "newly", "overloaded", "outside"))
    ramp: list[str] | None = None  # the swatches under the last heading
    for e in entries + style.national_legend(opts.t) + style.legend_entries(opts.t, ("gaps",)):
        label = esc(e.label)
        lod = _lod_class(e.key)
        if e.shape == "heading":
            _close_ramp(rows, ramp)
            rows.append(f'<div class="rp-sub{lod}">{label}</div>')
            ramp = [f'<div class="rp-ramp{lod}">']
            continue
        edge = f"border:1px solid {e.edge};box-sizing:border-box;" if e.edge != "none" else ""
        alpha = f"opacity:{min(1.0, e.alpha + 0.15):g}"
        if ramp is not None:
            ramp.append(f'<span><i style="background:{e.colour};{edge}{alpha}"></i>{label}</span>')
            continue
        cls = {"dot": "dot" if e.size > 1 else "dot small", "ring": "dot"}.get(e.shape, "")
        if e.shape != "patch":
            edge = f"border:1.5px solid {e.edge};" if e.edge != "none" else ""
        ring = f"box-shadow:0 0 0 1px {e.colour};" if e.key == "sites" else ""
        rows.append(f'<div class="{lod.strip()}"><i class="{cls}" style="background:{e.colour};'
                    f'{edge}{ring}{alpha}"></i>{label}</div>')
    _close_ramp(rows, ramp)
    return (f'<div class="rp-legend"><b>{esc(opts.t("Legend"))}</b>{"".join(rows)}</div>')


@dataclass(frozen=True)
class MapPayload:
    """Everything scenario-dependent on the page: layer code, legend, subtitle.

    Built once per recompute (in the worker); it becomes either a whole page (first
    show, exports) or an in-place update of the page already on screen.
    """

    layers: tuple[tuple[str, str, bool], ...]  # (name, JS body returning a layer, shown)
    legend_html: str
    attribution: str = ""  # the credit line, naming where this network came from


def build_payload(result: ScenarioResult, opts: MapOptions | None = None,
                  newly_covered: np.ndarray | None = None) -> MapPayload:
    """All layers of a result; ``newly_covered`` (cells covered now and not in the
    baseline scenario) adds the comparison layer."""
    opts = opts or MapOptions()
    net = result.network
    layers = [
        (opts.t("Provinces"), _provinces_js(result), True),
        (opts.t("Covered area"), _covered_js(result), opts.show_covered),
        (opts.t("Rural gap cells"), _gaps_js(result), opts.show_gaps),
        (opts.t("Distribution sites"), _points_js(
            "site", net.sites["lon"].to_numpy(), net.sites["lat"].to_numpy(),
            net.sites["name"].astype(str).tolist(), SITE, 3.2, True), opts.show_sites),
        (opts.t("Service outlets"), _outlets_js(net), opts.show_outlets),
    ]
    if opts.label_top_gaps:
        layers.append((opts.t("Top gap regions"), _labels_js(result, opts), True))
    if newly_covered is not None:
        layers.insert(3, (opts.t("Newly covered"), newly_covered_js(result, newly_covered), True))
    return MapPayload(layers=tuple(layers), legend_html=_legend_html(opts),
                      attribution=style.web_credit(result, opts.t))


def newly_covered_js(result: ScenarioResult, mask: np.ndarray) -> str:
    union = union_cells(result.demand.grid, np.flatnonzero(mask))
    geo = geojson_text([union] if union is not None else [], [{}], 2)
    style_ = {"color": NEWLY, "weight": 1, "fillColor": NEWLY, "fillOpacity": 0.55}
    return f"return L.geoJSON({geo}, {{style: {safe_json(style_)}, interactive: false, renderer: rp.canvas}});"


def recommended_js(sites) -> str:
    return _points_js("recommended", sites["lon"].to_numpy(), sites["lat"].to_numpy(),
                      sites["name"].astype(str).tolist(), RECOMMENDED, 6.0, True,
                      stroke_colour=RECOMMENDED_EDGE)


def overloaded_js(table, t=str) -> str:
    """Overloaded outlets (a capacity table), biggest circle for the most households
    beyond capacity; names are user text, so they travel as escaped JSON and reach the
    tooltip through ``textContent``."""
    excess = table["excess"].to_numpy(float)
    radii = 2.5 + 7.5 * np.sqrt(excess / max(float(excess.max(initial=0.0)), 1.0))
    tips = [t(OVERLOAD_TIP).format(name=name, n=f"{int(n):,}")
            for name, n in zip(table["name"].astype(str), excess)]
    return _points_js("overloaded", table["lon"].to_numpy(), table["lat"].to_numpy(), tips,
                      OVERLOADED, 4.0, True, stroke_colour=OVERLOADED_EDGE, radii=radii)


def partial_update_script(layers: list[tuple[str, str]], remove: tuple[str, ...] = ()) -> str:
    """Add or replace only these layers (and drop ``remove``), leaving the rest alone."""
    specs = ",".join(f"[{safe_json(name)}, function(map){{ {js} }}]" for name, js in layers)
    return f"rp.update([{specs}], null, {safe_json(list(remove))}); true"


def update_script(payload: MapPayload) -> str:
    """JavaScript that swaps the data layers of the page on screen for new ones,
    keeping the view, the layer order and which layers are switched on (a layer new
    to the page starts as the payload says)."""
    specs = ",".join(f"[{safe_json(name)}, function(map){{ {js} }}, {'true' if shown else 'false'}]"
                     for name, js, shown in payload.layers)
    return (f"rp.update([{specs}], {safe_json(payload.legend_html)}, null, "
            f"{safe_json(payload.attribution)}); true")


def subtitle_for(result: ScenarioResult, opts: MapOptions | None = None) -> str:
    """The style's subtitle in the page's language."""
    return style.subtitle_for(result, (opts or MapOptions()).t)
