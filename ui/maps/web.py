"""The interactive map page (folium/Leaflet), built from a scenario result. Qt-free.

Why this shape:
- Offline: the page loads Leaflet from ``resources/web`` by ``file://`` URL, never
  from a CDN (folium's defaults are replaced per instance, not on the shared class).
- Fast and small: points are one ``L.geoJSON`` layer per kind drawn as circle markers
  on a canvas renderer, built in the page from compact coordinate arrays; gap cells
  and the covered area are dissolved hexagons. The default scenario is ~1.5 MB.
- Safe: every value that may come from a user file (site names) is embedded as JSON
  with ``<``, ``>`` and ``&`` escaped, and shown through ``textContent``; the page
  never turns data into markup or code.
- Clicks reach the host through ``rp.select(kind, index)``, which uses the Qt
  ``QWebChannel`` bridge when present and is a no-op in a plain browser.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from html import escape as esc
from pathlib import Path
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from reach_planner.geo.atomic import atomic_write_bytes
from reach_planner.geo.data import RESOURCES, load_china
from reach_planner.geo.scenario import ScenarioResult

LEAFLET_DIR = RESOURCES / "web" / "leaflet"
# Colours shared with the legend, the exporters and the tests.
SEA = "#d4e4ee"
LAND = "#f6f3ec"
BORDER = "#8c8c8c"
COVERED = "#74c69d"
SITE = "#1f5fbf"
OUTLET = "#7b2cbf"
RECOMMENDED = "#ff7f00"
NEWLY = "#2b8cbe"
GAP_COLOURS = ("#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
ATTRIBUTION = "Natural Earth · GeoNames (CC-BY 4.0) · NBS 2020 census · network simulated"
CHINA_BOUNDS = ((18.0, 73.5), (53.6, 135.1))
JS_TEXTS = ("Gap region #{r} (click for details)",
            "Gap #{r} · {prov} · {n} rural people unreached", "rural covered {pct}%")


@dataclass(frozen=True)
class MapOptions:
    """What the page shows; the same options drive the window and the image export."""

    title: str = "Goodaymart rural reach"
    subtitle: str = ""
    show_outlets: bool = True
    show_sites: bool = True
    show_covered: bool = True
    show_gaps: bool = True
    label_top_gaps: int = 10
    lang: str = "en"
    texts: tuple[tuple[str, str], ...] = ()  # (English, translation) from the UI's translator

    def t(self, text: str) -> str:
        return dict(self.texts).get(text, text)


SUBTITLE = ("{sites} distribution sites · {outlets} service outlets · service radius {km} km"
            " · rural covered {pct}% · seed {seed}")
# Every English string the page shows; the UI passes their translations in MapOptions.
MAP_TEXT_LABELS = (
    "Goodaymart rural reach", "Provinces", "Covered area", "Rural gap cells",
    "Distribution sites", "Service outlets", "Top gap regions", "Legend",
    "Distribution site", "Service outlet", "Within service radius",
    "Unreached rural people per cell", "up to {hi}", "over {lo}",
    "Gap region #{r} (click for details)", "Gap #{r} · {prov} · {n} rural people unreached",
    "rural covered {pct}%",
    # progress messages of the background job (geo stages and map drawing)
    "Recommended outlets", "Recommended outlet", "Newly covered",
    "Building the demand model", "Simulating the network", "Measuring coverage",
    "Finding gaps", "Summarising", "Done", "Drawing the map", "Writing the map page",
    "Map ready",
    SUBTITLE,
    ATTRIBUTION,
)


def safe_json(obj: Any) -> str:
    """JSON that can sit inside a <script> element without ending it or injecting markup."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                        ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, escaped)
    return text


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


GAP_BOUNDS = (100.0, 200.0, 400.0, 800.0)


def gap_classes(values: np.ndarray | None = None) -> np.ndarray:
    """Upper bounds of the five gap colour classes (unreached rural people per 86.6 km²
    cell). Fixed, not data-driven, so scenarios A and B share one legend."""
    return np.array([*GAP_BOUNDS, np.inf])


class DataLayer(folium.map.Layer):
    """A layer whose data and Leaflet code come from a small JS template."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = rp.named[{{ this.key }}] = (function(map){ {{ this.js }} })({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, name: str, js: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "DataLayer"
        self.js = js
        self.key = safe_json(name)


def _points_js(kind: str, lon: np.ndarray, lat: np.ndarray, names: list[str], colour: str,
               radius: float, stroke: bool, stroke_colour: str = "#ffffff") -> str:
    data = {"lon": np.round(lon, 4).tolist(), "lat": np.round(lat, 4).tolist(), "name": names}
    style = {"radius": radius, "color": stroke_colour, "weight": 1.5 if stroke else 0,
             "stroke": stroke, "fillColor": colour, "fillOpacity": 0.95}
    return f"return rp.pointLayer(map, {safe_json(kind)}, {safe_json(data)}, {safe_json(style)});"


def _geojson(geoms: list, props: list[dict[str, Any]], decimals: int = 3) -> str:
    """A FeatureCollection as safe JSON text, built without a parse/dump round trip."""
    arr = np.array([g for g in geoms], dtype=object)
    keep = [i for i, g in enumerate(arr) if g is not None and not g.is_empty]
    rounded = shapely.transform(arr[keep], lambda xy: np.round(xy, decimals)) if keep else []
    texts = shapely.to_geojson(rounded) if keep else []
    feats = ",".join(f'{{"type":"Feature","properties":{safe_json(props[i])},"geometry":{t}}}'
                     for i, t in zip(keep, texts))
    return '{"type":"FeatureCollection","features":[' + feats + "]}"


def _covered_js(result: ScenarioResult) -> str:
    g = result.demand.grid
    cells = np.flatnonzero(result.coverage.covered)
    union = shapely.coverage_union_all(g.polygons(cells)) if len(cells) else None
    geo = _geojson([shapely.simplify(union, 0.02)] if union is not None else [], [{}], 2)
    style = {"stroke": False, "fillColor": COVERED, "fillOpacity": 0.35}
    return f"return L.geoJSON({geo}, {{style: {safe_json(style)}, interactive: false}});"


def _gaps_js(result: ScenarioResult) -> tuple[str, np.ndarray]:
    g, gaps = result.demand.grid, result.gaps
    cells = np.flatnonzero(gaps.is_gap)
    people = result.demand.rural[cells]
    bounds = gap_classes(people)
    cls = np.searchsorted(bounds, people, side="left")
    region = gaps.region[cells]
    polys = g.polygons(cells)
    key = region * 8 + cls
    order = np.argsort(key, kind="stable")
    uniq, start = np.unique(key[order], return_index=True)
    groups = np.split(order, start[1:])
    geoms = [shapely.coverage_union_all(polys[grp]) for grp in groups]
    props = [{"r": int(k // 8) + 1, "c": int(k % 8)} for k in uniq]
    geo = _geojson(geoms, props, 2)
    js = f"return rp.gapLayer(map, {geo}, {safe_json(list(GAP_COLOURS))});"
    return js, bounds


def _labels_js(result: ScenarioResult, opts: MapOptions) -> str:
    regs = result.gaps.regions.head(opts.label_top_gaps)
    names = load_china().province_names()
    pick = 1 if opts.lang == "zh" else 0
    data = [{"r": int(r.rank), "lat": round(float(r.lat), 4), "lon": round(float(r.lon), 4),
             "p": int(round(r.rural_unreached)),
             "prov": names.get(int(r.gb_code), ("", ""))[pick]}
            for r in regs.itertuples()]
    return f"return rp.gapLabels(map, {safe_json(data)});"


def _provinces_js(result: ScenarioResult) -> str:
    prov = load_china().provinces
    by_code = {p.gb_code: p for p in result.summary.provinces}
    props = [{"en": r.name_en, "zh": r.name_zh, "gb": int(r.gb_code),
              "cov": by_code[int(r.gb_code)].rural_covered_pct if int(r.gb_code) in by_code else None}
             for r in prov.itertuples()]
    geo = _geojson(list(prov.geometry), props)
    return f"return rp.provinceLayer(map, {geo});"


def _legend_html(bounds: np.ndarray, opts: MapOptions) -> str:
    rows = []
    lo = 0
    for colour, hi in zip(GAP_COLOURS, bounds):
        label = esc(opts.t("over {lo}").format(lo=f"{lo:,.0f}") if np.isinf(hi) else
                    opts.t("up to {hi}").format(hi=f"{hi:,.0f}") if lo == 0 else
                    f"{lo:,.0f} – {hi:,.0f}")
        rows.append(f'<div><i style="background:{colour}"></i>{label}</div>')
        lo = hi
    sym = (f'<div><i class="dot" style="background:{SITE};border:1.5px solid #fff;'
           f'box-shadow:0 0 0 1px {SITE}"></i>{esc(opts.t("Distribution site"))}</div>'
           f'<div><i class="dot small" style="background:{OUTLET}"></i>'
           f'{esc(opts.t("Service outlet"))}</div>'
           f'<div><i style="background:{COVERED};opacity:.6"></i>'
           f'{esc(opts.t("Within service radius"))}</div>'
           f'<div><i class="dot" style="background:{RECOMMENDED};border:1.5px solid #4a2000">'
           f'</i>{esc(opts.t("Recommended outlet"))}</div>'
           f'<div><i style="background:{NEWLY};opacity:.7"></i>{esc(opts.t("Newly covered"))}'
           f'</div>')
    return (f'<div class="rp-legend"><b>{esc(opts.t("Legend"))}</b>{sym}'
            f'<div class="rp-sub">{esc(opts.t("Unreached rural people per cell"))}</div>'
            f'{"".join(rows)}</div>')


@dataclass(frozen=True)
class MapPayload:
    """Everything scenario-dependent on the page: layer code, legend, subtitle.

    Built once per recompute (in the worker); it becomes either a whole page (first
    show, exports) or an in-place update of the page already on screen.
    """

    layers: tuple[tuple[str, str, bool], ...]  # (name, JS body returning a layer, shown)
    legend_html: str


def build_payload(result: ScenarioResult, opts: MapOptions | None = None,
                  newly_covered: np.ndarray | None = None) -> MapPayload:
    """All layers of a result; ``newly_covered`` (cells covered now and not in the
    baseline scenario) adds the comparison layer."""
    opts = opts or MapOptions()
    net = result.network
    gaps_js, bounds = _gaps_js(result)
    layers = [
        (opts.t("Provinces"), _provinces_js(result), True),
        (opts.t("Covered area"), _covered_js(result), opts.show_covered),
        (opts.t("Rural gap cells"), gaps_js, opts.show_gaps),
        (opts.t("Distribution sites"), _points_js(
            "site", net.sites["lon"].to_numpy(), net.sites["lat"].to_numpy(),
            net.sites["name"].astype(str).tolist(), SITE, 3.2, True), opts.show_sites),
        (opts.t("Service outlets"), _points_js(
            "outlet", net.outlets["lon"].to_numpy(), net.outlets["lat"].to_numpy(),
            net.outlets["name"].astype(str).tolist(), OUTLET, 2.0, False), opts.show_outlets),
    ]
    if opts.label_top_gaps:
        layers.append((opts.t("Top gap regions"), _labels_js(result, opts), True))
    if newly_covered is not None:
        layers.insert(3, (opts.t("Newly covered"), newly_covered_js(result, newly_covered), True))
    return MapPayload(layers=tuple(layers), legend_html=_legend_html(bounds, opts))


def newly_covered_js(result: ScenarioResult, mask: np.ndarray) -> str:
    cells = np.flatnonzero(mask)
    union = shapely.coverage_union_all(result.demand.grid.polygons(cells)) if len(cells) else None
    geo = _geojson([union] if union is not None else [], [{}], 2)
    style = {"color": NEWLY, "weight": 1, "fillColor": NEWLY, "fillOpacity": 0.55}
    return f"return L.geoJSON({geo}, {{style: {safe_json(style)}, interactive: false}});"


def recommended_js(sites) -> str:
    return _points_js("recommended", sites["lon"].to_numpy(), sites["lat"].to_numpy(),
                      sites["name"].astype(str).tolist(), RECOMMENDED, 6.0, True,
                      stroke_colour="#4a2000")


def partial_update_script(layers: list[tuple[str, str]], remove: tuple[str, ...] = ()) -> str:
    """Add or replace only these layers (and drop ``remove``), leaving the rest alone."""
    specs = ",".join(f"[{safe_json(name)}, function(map){{ {js} }}]" for name, js in layers)
    return f"rp.update([{specs}], null, {safe_json(list(remove))}); true"


def build_map(result: ScenarioResult, opts: MapOptions | None = None,
              payload: MapPayload | None = None) -> folium.Map:
    opts = opts or MapOptions()
    payload = payload or build_payload(result, opts)
    m = folium.Map(location=[35.5, 104.0], zoom_start=4, tiles=None, prefer_canvas=True,
                   control_scale=False, min_zoom=3, max_zoom=13, zoom_snap=0.25,
                   zoom_delta=0.5, world_copy_jump=False)
    m.options["max_zoom"] = 13
    m.default_js = [("leaflet", file_url(LEAFLET_DIR / "leaflet.js"))]
    m.default_css = [("leaflet_css", file_url(LEAFLET_DIR / "leaflet.css"))]
    root = m.get_root()
    root.header.add_child(Element(_head_html()), name="rp_head")
    root.html.add_child(Element(_page_html(opts)), name="rp_page")
    root.html.add_child(Element(f"<script>{_RP_JS}</script>"), name="rp_lib")
    texts = safe_json({k: opts.t(k) for k in JS_TEXTS})
    root.html.add_child(Element(f"<script>rp.text = {texts};</script>"), name="rp_text")
    for name, js, shown in payload.layers:
        DataLayer(name, js, show=shown).add_to(m)
    control = folium.LayerControl(collapsed=False, position="topright").add_to(m)
    root.html.add_child(Element(f'<div id="rp-legend-src" hidden>{payload.legend_html}</div>'),
                        name="rp_legend")
    _Finish(control, opts).add_to(m)
    return m


def update_script(payload: MapPayload) -> str:
    """JavaScript that swaps the data layers of the page on screen for new ones,
    keeping the view, the layer order and which layers are switched on."""
    specs = ",".join(f"[{safe_json(name)}, function(map){{ {js} }}]"
                     for name, js, _ in payload.layers)
    return f"rp.update([{specs}], {safe_json(payload.legend_html)}); true"


def render_html(result: ScenarioResult, opts: MapOptions | None = None,
                payload: MapPayload | None = None) -> str:
    return build_map(result, opts, payload).get_root().render()


def write_map(result: ScenarioResult, path: Path, opts: MapOptions | None = None,
              payload: MapPayload | None = None) -> Path:
    """Write the page next to nothing else: assets are referenced by absolute file URL."""
    return atomic_write_bytes(path, render_html(result, opts, payload).encode("utf-8"))


def _head_html() -> str:
    return (
        '<script src="qrc:///qtwebchannel/qwebchannel.js"></script>\n'
        "<style>"
        f"html,body{{margin:0;padding:0;background:{SEA}}}"
        f"html body .leaflet-container{{background:{SEA};font:13px/1.35 'Noto Sans CJK SC','Noto Sans',"
        "'DejaVu Sans',sans-serif}"
        ".rp-title{background:rgba(255,255,255,.92);padding:6px 12px;border-radius:4px;"
        "box-shadow:0 1px 4px rgba(0,0,0,.3);text-align:center}"
        ".rp-title h1{font-size:17px;margin:0;color:#222}.rp-title div{font-size:12px;color:#555}"
        ".rp-legend{background:rgba(255,255,255,.94);padding:8px 10px;border-radius:4px;"
        "box-shadow:0 1px 4px rgba(0,0,0,.3);line-height:18px;color:#222;min-width:170px}"
        ".rp-legend i{width:16px;height:12px;float:left;margin:3px 7px 0 0;opacity:.95}"
        ".rp-legend i.dot{width:10px;height:10px;border-radius:50%;margin:4px 9px 0 3px}"
        ".rp-legend i.dot.small{width:6px;height:6px;margin:6px 11px 0 5px}"
        ".rp-legend .rp-sub{margin-top:6px;font-weight:600;font-size:12px}"
        ".rp-gaplabel{background:#fff;border:2px solid #bd0026;border-radius:11px;color:#bd0026;"
        "font-weight:700;font-size:12px;text-align:center;line-height:18px;width:22px!important;"
        "height:18px!important;margin-left:-13px!important;margin-top:-11px!important}"
        ".rp-export .leaflet-control-zoom,.rp-export .leaflet-control-layers{display:none}"
        ".leaflet-container .leaflet-control-layers,.leaflet-container .rp-legend{font-size:12.5px}"
        ".leaflet-container .leaflet-control-attribution{font-size:10.5px}"
        ".leaflet-container .leaflet-control-scale-line{font-size:11px}"
        "</style>")


def _page_html(opts: MapOptions) -> str:
    title = html.escape(opts.t(opts.title))
    sub = html.escape(opts.subtitle)
    return (f'<div id="rp-title-src" hidden><div class="rp-title"><h1>{title}</h1>'
            f'<div>{sub}</div></div></div>')


class _Finish(MacroElement):
    """Glue run after every layer exists: controls, view from the URL, the host bridge."""

    _template = Template("""
{% macro script(this, kwargs) %}
rp.finish({{ this._parent.get_name() }}, {{ this.control.get_name() }}, {{ this.attribution }}, {{ this.bounds }});
{% endmacro %}
""")

    def __init__(self, control: folium.LayerControl, opts: MapOptions) -> None:
        super().__init__()
        self._name = "Finish"
        self.control = control
        self.attribution = safe_json(opts.t(ATTRIBUTION))

        self.bounds = safe_json(CHINA_BOUNDS)


_RP_JS = r"""
var rp = window.rp = window.rp || {};
rp.drawn = false; rp.bridge = null; rp.layers = {}; rp.named = {};
rp.canvas = L.canvas({padding: 0.5, tolerance: 4});
rp.text = rp.text || {};
rp.fmt = function(key, values) {
  var s = rp.text[key] || key;
  Object.keys(values).forEach(function(k) { s = s.split('{' + k + '}').join(String(values[k])); });
  return s;
};
rp.select = function(kind, index) { if (rp.bridge) { rp.bridge.select(kind, index); } };
rp.textTip = function(text) { var s = document.createElement('span'); s.textContent = text; return s; };
rp.pointLayer = function(map, kind, d, style) {
  var feats = new Array(d.lon.length);
  for (var i = 0; i < d.lon.length; i++) {
    feats[i] = {type: 'Feature', properties: {i: i},
                geometry: {type: 'Point', coordinates: [d.lon[i], d.lat[i]]}};
  }
  var layer = L.geoJSON({type: 'FeatureCollection', features: feats}, {
    pointToLayer: function(f, ll) {
      var o = Object.assign({renderer: rp.canvas}, style);
      return L.circleMarker(ll, o);
    },
    onEachFeature: function(f, l) {
      l.bindTooltip(function() { return rp.textTip(d.name[f.properties.i]); });
      l.on('click', function() { rp.select(kind, f.properties.i); });
    }
  });
  rp.layers[kind] = layer;
  return layer;
};
rp.gapLayer = function(map, geo, colours) {
  var layer = L.geoJSON(geo, {
    renderer: rp.canvas,
    style: function(f) { return {stroke: false, fillColor: colours[f.properties.c], fillOpacity: 0.8}; },
    onEachFeature: function(f, l) {
      l.bindTooltip(rp.textTip(rp.fmt('Gap region #{r} (click for details)', {r: f.properties.r})), {sticky: true});
      l.on('click', function() { rp.select('gap', f.properties.r); });
    }
  });
  rp.layers.gaps = layer;
  return layer;
};
rp.gapLabels = function(map, data) {
  var g = L.layerGroup();
  data.forEach(function(d) {
    var icon = L.divIcon({className: 'rp-gaplabel', html: String(d.r)});
    var mk = L.marker([d.lat, d.lon], {icon: icon, keyboard: false});
    mk.bindTooltip(rp.textTip(rp.fmt('Gap #{r} · {prov} · {n} rural people unreached',
                                     {r: d.r, prov: d.prov, n: d.p.toLocaleString('en')})));
    mk.on('click', function() { rp.select('gap', d.r); });
    g.addLayer(mk);
  });
  return g;
};
rp.provinceLayer = function(map, geo) {
  var layer = L.geoJSON(geo, {
    renderer: rp.canvas,
    style: {color: '#8c8c8c', weight: 0.8, fillColor: '#f6f3ec', fillOpacity: 1},
    onEachFeature: function(f, l) {
      var p = f.properties;
      var text = p.zh + ' ' + p.en + (p.cov === null ? '' : ' · ' + rp.fmt('rural covered {pct}%', {pct: p.cov.toFixed(1)}));
      l.bindTooltip(rp.textTip(text), {sticky: true});
      l.on('click', function() { rp.select('province', p.gb); });
    }
  });
  rp.layers.provinces = layer;
  return layer;
};
rp.control = function(map, srcId, position) {
  var src = document.getElementById(srcId);
  if (!src) { return; }
  var C = L.Control.extend({options: {position: position}, onAdd: function() {
    var div = L.DomUtil.create('div', '');
    while (src.firstChild) { div.appendChild(src.firstChild); }
    L.DomEvent.disableClickPropagation(div);
    return div;
  }});
  new C().addTo(map);
};
rp.getView = function() {
  var c = rp.map.getCenter();
  return {lat: c.lat, lon: c.lng, zoom: rp.map.getZoom()};
};
rp.setView = function(lat, lon, zoom) { rp.map.setView([lat, lon], zoom, {animate: false}); };
rp.fitBounds = function(s, w, n, e) { rp.map.fitBounds([[s, w], [n, e]], {animate: false, padding: [20, 20]}); };
rp.afterFrames = function(n, fn) {
  if (n <= 0) { fn(); return; }
  requestAnimationFrame(function() { rp.afterFrames(n - 1, fn); });
};
rp.update = function(specs, legendHtml, remove) {
  // Full update (legendHtml given): replace every data layer in order, so drawing and
  // control order stay put, and drop layers the new result no longer has. Partial
  // update (legendHtml null): only the listed layers change.
  rp.drawn = false;
  var map = rp.map, ctl = rp.layerControl;
  var names = specs.map(function(s) { return s[0]; });
  var drop = legendHtml === null ? (remove || []) :
    Object.keys(rp.named).filter(function(n) { return names.indexOf(n) < 0; });
  drop.forEach(function(name) {
    var old = rp.named[name];
    if (old) { ctl.removeLayer(old); map.removeLayer(old); delete rp.named[name]; }
  });
  specs.forEach(function(spec) {
    var name = spec[0], old = rp.named[name];
    var shown = old ? map.hasLayer(old) : true;
    if (old) { ctl.removeLayer(old); map.removeLayer(old); }
    var layer = spec[1](map);
    rp.named[name] = layer;
    ctl.addOverlay(layer, name);
    if (shown) { layer.addTo(map); }
  });
  var legend = document.querySelector('.rp-legend');
  if (legend && legendHtml !== null) { legend.outerHTML = legendHtml; }
  rp.afterFrames(3, function() { rp.drawn = true; });
};
rp.finish = function(map, control, attribution, bounds) {
  rp.map = map;
  rp.layerControl = control;
  map.attributionControl.setPrefix('Leaflet');
  map.attributionControl.addAttribution(attribution);
  var exporting = /export=1/.test(window.location.hash);
  if (exporting) {
    // Report images: title on, interactive controls off.
    rp.control(map, 'rp-title-src', 'topleft');
    document.body.classList.add('rp-export');
  }
  L.control.scale({imperial: false, maxWidth: 160, position: 'bottomleft'}).addTo(map);
  rp.control(map, 'rp-legend-src', 'bottomleft');
  var m = /view=([-0-9.]+),([-0-9.]+),([0-9.]+)/.exec(window.location.hash);
  if (m) { map.setView([+m[1], +m[2]], +m[3], {animate: false}); }
  else { map.fitBounds(bounds, {animate: false}); }
  // The host keeps the current view without asking the page (no waiting on a save).
  rp.reportView = function() { if (rp.bridge && rp.bridge.moved) { rp.bridge.moved(JSON.stringify(rp.getView())); } };
  map.on('moveend', rp.reportView);
  if (typeof QWebChannel !== 'undefined' && typeof qt !== 'undefined') {
    new QWebChannel(qt.webChannelTransport, function(ch) { rp.bridge = ch.objects.bridge || null; rp.reportView(); });
  }
  rp.afterFrames(3, function() { rp.drawn = true; });
};
"""


def subtitle_for(result: ScenarioResult, opts: MapOptions | None = None) -> str:
    """One line of scenario parameters and headline figures for titles and exports."""
    opts = opts or MapOptions()
    p, s = result.params, result.summary
    return opts.t(SUBTITLE).format(
        sites=f"{s.distribution_sites:,}", outlets=f"{s.service_outlets:,}",
        km=f"{p.radius_km:g}", pct=f"{s.rural_covered_pct:.1f}", seed=p.seed)
