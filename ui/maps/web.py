"""The interactive map page (folium/Leaflet), built from a scenario result. Qt-free.

Why this shape:
- Offline and confined: the page loads Leaflet from ``resources/web`` through the map
  view's own ``rpmap:`` scheme (:mod:`reach_planner.ui.webscheme`), never from a CDN
  (folium's defaults are replaced per instance, not on the shared class); a
  Content-Security-Policy allows only those files, and no fetch/XHR at all.
- Fast and small: points are one layer group per kind of circle markers on a canvas
  renderer, built in the page from compact coordinate arrays; gap cells and the covered
  area are dissolved hexagons. The layers themselves are JavaScript built in
  :mod:`.web_layers` (no folium there); this module assembles pages from them.
- Safe: every value that may come from a user file (site names) is embedded as JSON
  with ``<``, ``>`` and ``&`` escaped, and shown through ``textContent``; the page
  never turns data into markup or code, and nothing reaches Jinja2 as template source
  (see :class:`Verbatim`).
- Clicks reach the host through ``rp.select(kind, index)``, which uses the Qt
  ``QWebChannel`` bridge when present and is a no-op in a plain browser.
"""
from __future__ import annotations

import html
from pathlib import Path

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from reach_planner.geo.atomic import atomic_write_bytes
from reach_planner.geo.data import RESOURCES
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.maps import style
from reach_planner.ui.maps.shapes import safe_json
from reach_planner.ui.maps.style import (  # noqa: F401  (re-exported for the window and tests)
    ATTRIBUTION,
    JS_TEXTS,
    LAND,
    MAP_TEXT_LABELS,
    SEA,
    gap_classes,
)
from reach_planner.ui.maps.web_base import BASE_JS, base_script, write_relief
from reach_planner.ui.maps.web_layers import (  # noqa: F401  (re-exported: one import for pages)
    MapOptions,
    MapPayload,
    _legend_html,
    build_payload,
    newly_covered_js,
    overloaded_js,
    partial_update_script,
    recommended_js,
    subtitle_for,
    update_script,
)

LEAFLET_DIR = RESOURCES / "web" / "leaflet"
# The page's libraries, served by the map view's own scheme (ui.webscheme): the page may
# load its own files and these, nothing else (no file:// URL, no network).
LIB_URL = "rpmap://map/lib/"
# Only the app's own scripts, styles and images; no fetch or XHR anywhere, no plugins,
# no forms, no <base>. Inline code is folium's and ours (user text is JSON data in it).
CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self'; connect-src 'none'; object-src 'none'; "
       "base-uri 'none'; form-action 'none'")
CHINA_BOUNDS = ((18.0, 73.5), (53.6, 135.1))


def file_url(path: Path) -> str:
    return path.resolve().as_uri()


class Verbatim(Element):
    """Text put into the page exactly as given.

    branca's ``Element(text)`` compiles ``text`` as a Jinja2 template, and a folium
    macro's output is compiled again when the page is assembled: a site name holding
    ``{{ … }}`` would run as code there. Everything this module puts into a page goes
    through this class (or is a fixed template of ours), so no text reaches Jinja2 as
    template source."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def _add_script(element: MacroElement, code: str) -> None:
    """Put ``code`` into the page's script section, never compiling it."""
    figure = element.get_root()
    assert isinstance(figure, Figure), "render the element inside a page"
    figure.script.add_child(Verbatim(code), name=element.get_name())


class DataLayer(folium.map.Layer):
    """A layer whose data and Leaflet code are one JavaScript function body."""

    _template = Template("")  # no macros: the code goes in verbatim (see Verbatim)

    def __init__(self, name: str, js: str, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "DataLayer"
        self.js = js
        self.key = safe_json(name)

    def render(self, **kwargs) -> None:
        _add_script(self, f"var {self.get_name()} = rp.named[{self.key}] = "
                          f"(function(map){{ {self.js} }})({self._parent.get_name()});")
        super().render(**kwargs)  # folium's Layer adds the ``addTo`` line when shown


def build_map(result: ScenarioResult | None, opts: MapOptions | None = None,
              payload: MapPayload | None = None, relief: bool = True) -> folium.Map:
    """The whole page. ``relief``: show the shaded-relief image, which :func:`write_map`
    puts next to the page file."""
    opts = opts or MapOptions()
    if payload is None:
        assert result is not None, "a page needs a result or its payload"
        payload = build_payload(result, opts)
    m = folium.Map(location=[35.5, 104.0], zoom_start=4, tiles=None, prefer_canvas=True,
                   control_scale=False, min_zoom=3, max_zoom=13, zoom_snap=0.25,
                   zoom_delta=0.5, world_copy_jump=False)
    m.options["max_zoom"] = 13
    m.default_js = [("leaflet", LIB_URL + "leaflet.js")]
    m.default_css = [("leaflet_css", LIB_URL + "leaflet.css")]
    root = m.get_root()
    root.header.add_child(Verbatim(_head_html()), name="rp_head")
    root.html.add_child(Verbatim(_page_html(opts)), name="rp_page")
    root.html.add_child(Verbatim(f"<script>{_RP_JS}{BASE_JS}</script>"), name="rp_lib")
    root.html.add_child(Verbatim(base_script(opts.lang, opts.t, relief)), name="rp_base")
    texts = safe_json({k: opts.t(k) for k in (*JS_TEXTS, "km", "m")})
    root.html.add_child(Verbatim(f"<script>rp.text = {texts}; rp.lodZoom = {style.LOD_ZOOM};"
                                 f" rp.densityAlpha = {style.DENSITY_ALPHA};"
                                 f" rp.outletAlpha = {style.OUTLET_DENSITY_ALPHA};</script>"), name="rp_text")
    for name, js, shown in payload.layers:
        DataLayer(name, js, show=shown).add_to(m)
    control = folium.LayerControl(collapsed=False, position="topright").add_to(m)
    root.html.add_child(Verbatim(f'<div id="rp-legend-src" hidden>{payload.legend_html}</div>'),
                        name="rp_legend")
    _Finish(control, payload.attribution).add_to(m)
    return m


def render_html(result: ScenarioResult, opts: MapOptions | None = None,
                payload: MapPayload | None = None, relief: bool = True) -> str:
    return build_map(result, opts, payload, relief).get_root().render()


def write_map(result: ScenarioResult, path: Path, opts: MapOptions | None = None,
              payload: MapPayload | None = None) -> Path:
    """Write the page and its relief image beside it; the libraries are referenced by
    absolute file URL."""
    relief = write_relief(Path(path).parent) is not None
    return atomic_write_bytes(path, render_html(result, opts, payload, relief).encode("utf-8"))


def write_shell(path: Path, opts: MapOptions | None = None) -> Path:
    """The window's first page: base map, legend and controls, no scenario layers.

    It depends only on the language, so it can load while the scenario computes;
    :func:`update_script` then adds the layers (see ``MapView.show_data``)."""
    opts = opts or MapOptions()
    relief = write_relief(Path(path).parent) is not None
    shell = MapPayload(layers=(), legend_html=_legend_html(opts))
    html_text = build_map(None, opts, shell, relief).get_root().render()
    return atomic_write_bytes(path, html_text.encode("utf-8"))


def _head_html() -> str:
    return (
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<script src="{LIB_URL}qwebchannel.js"></script>\n'
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
        ".rp-legend b{cursor:pointer;display:block}.rp-legend b:after{content:' \\25BE';color:#888}"
        ".rp-legend.rp-collapsed b:after{content:' \\25B8'}.rp-legend.rp-collapsed div{display:none}"
        ".rp-legend.rp-collapsed{min-width:0}"  # folded, it covers no more map than its title
        f".rp-country span{{color:{style.NEIGHBOUR_TEXT};font-size:12px;letter-spacing:.5px;"
        "white-space:nowrap;transform:translate(-50%,-50%);position:absolute}"
        ".rp-region span{color:#555;font-size:11.5px;white-space:nowrap;transform:translate(-50%,-50%);"
        "position:absolute;text-shadow:0 0 2px #fff,0 0 2px #fff}"
        ".rp-sea span{color:#5f7f96;font-size:10.5px;font-style:italic;white-space:nowrap;"
        "transform:translate(-50%,-130%);position:absolute}"
        ".rp-city{white-space:nowrap}.rp-city i{position:absolute;left:-2px;top:-2px;width:4px;"
        "height:4px;border-radius:50%;background:#333}.rp-city.rp-cap i{left:-3px;top:-3px;"
        "width:4px;height:4px;border:1px solid #333;background:#fff}"
        ".rp-city span{position:absolute;left:5px;top:-8px;font-size:11px;color:#2b2b2b;"
        "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff}.rp-city.rp-cap span{font-weight:600}"
        ".leaflet-container .leaflet-control-layers,.leaflet-container .rp-legend{font-size:12.5px}"
        # the credit line stays right of the scale bar when a narrow map wraps it
        ".leaflet-container .leaflet-control-attribution{font-size:10.5px;max-width:calc(100vw - 150px)}"
        ".leaflet-container .leaflet-control-scale-line{font-size:11px}"
        ".rp-far .rp-legend .rp-near-only,.rp-near .rp-legend .rp-far-only{display:none}"
        ".rp-legend .rp-ramp{display:flex;gap:2px;max-width:300px}"
        ".rp-legend .rp-ramp span{flex:1;font-size:10.5px;line-height:13px;text-align:center;"
        "white-space:nowrap;color:#333}"
        ".rp-legend .rp-ramp i{display:block;float:none;width:auto;height:10px;margin:2px 0 1px}"
        "</style>")


def _page_html(opts: MapOptions) -> str:
    title = html.escape(opts.t(opts.title))
    sub = html.escape(opts.subtitle)
    return (f'<div id="rp-title-src" hidden><div class="rp-title"><h1>{title}</h1>'
            f'<div>{sub}</div></div></div>')


class _Finish(MacroElement):
    """Glue run after every layer exists: controls, view from the URL, the host bridge."""

    _template = Template("")  # no macros: the code goes in verbatim (see Verbatim)

    def __init__(self, control: folium.LayerControl, attribution: str) -> None:
        super().__init__()
        self._name = "Finish"
        self.control = control
        self.attribution = safe_json(attribution)
        self.bounds = safe_json(CHINA_BOUNDS)

    def render(self, **kwargs) -> None:
        _add_script(self, f"rp.finish({self._parent.get_name()}, {self.control.get_name()}, "
                          f"{self.attribution}, {self.bounds});")
        super().render(**kwargs)


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
// Every vector layer draws on this one canvas: a second canvas stacked above it (the
// covered area had one) would take every mouse event from the clickable layers below.
rp.select = function(kind, index, e) {
  // ``e``: the Leaflet click; marked so the map's own click (which follows it: vector
  // layers bubble) does not take it for a click on the sea.
  if (e && e.originalEvent) { e.originalEvent._rpPicked = true; }
  if (rp.bridge) { rp.bridge.select(kind, index); }
};
rp.hl = [];
rp.lod = {};  // kind -> function(far): switches a layer between national and close view
rp.need = {};  // kind -> function(): makes the close-view layer of a kind now
rp.wanted = null;  // the selection, kept for close-view layers made later
rp.lodZoom = rp.lodZoom || 5.75;
rp.far = function() { return !rp.map || rp.map.getZoom() < rp.lodZoom; };
rp.applyLod = function() {
  var far = rp.far();
  var box = rp.map.getContainer();
  box.classList.toggle('rp-far', far);
  box.classList.toggle('rp-near', !far);
  Object.keys(rp.lod).forEach(function(k) { rp.lod[k](far); });
  rp.restack();
};
rp.restack = function() {
  // Layers made or re-added on zooming in go to the top of the shared canvas; put them
  // back where the page first drew them: provinces, gap cells, covered area at the
  // bottom (the topmost feature takes a click: points above areas), the user's
  // recommended and overloaded outlets on top.
  if (!rp.map) { return; }  // a whole page: rp.finish restacks once every layer is in
  var on = function(l) { return l && rp.map.hasLayer(l); };
  ['covered', 'gaps', 'provinces'].forEach(function(k) { if (on(rp.layers[k])) { rp.layers[k].bringToBack(); } });
  ['recommended', 'overloaded'].forEach(function(k) { if (on(rp.layers[k])) { rp.layers[k].bringToFront(); } });
};
rp.rehighlight = function(kind) {
  if (rp.wanted && rp.wanted[0] === kind) { rp.highlight(rp.wanted[0], rp.wanted[1]); }
};
rp.paneCanvas = function(map, name, z, opacity) {
  // A canvas on its own (translucent) pane that takes no mouse events.
  rp.panes = rp.panes || {};
  if (!rp.panes[name]) {
    var pane = map.createPane(name);
    pane.style.zIndex = z;
    pane.style.opacity = opacity || rp.densityAlpha || 0.8;
    pane.style.pointerEvents = 'none';
    rp.panes[name] = L.canvas({padding: 0.5, pane: name});
  }
  return rp.panes[name];
};
rp.highlight = function(kind, index) {
  // The host highlights what is selected (a click on the map, a table row).
  rp.hl.forEach(function(l) { if (l._rpStyle) { l.setStyle(l._rpStyle); } });
  rp.hl = [];
  if (rp.outline) { rp.outline.remove(); rp.outline = null; }
  rp.wanted = kind ? [kind, index] : null;
  if (rp.need[kind]) { rp.need[kind](); }
  var group = kind === 'gap' ? rp.layers.gaps : kind === 'province' ? rp.layers.provinces : rp.layers[kind];
  if (!group) { return 0; }
  group.eachLayer(function(l) {
    var p = (l.feature && l.feature.properties) || {};
    var hit = kind === 'gap' ? p.r === index : kind === 'province' ? p.gb === index : p.i === index;
    if (!hit) { return; }
    var o = l.options;
    l._rpStyle = {stroke: o.stroke, color: o.color, weight: o.weight};
    if (o.radius !== undefined) { l._rpStyle.radius = o.radius; }
    if (kind === 'province') {
      // the outline goes on a pane above every data layer (23.8: it was under the gaps,
      // and the neighbours' outlines drew over it); the province itself stays where it
      // is in the click order, under the outlets and gaps it contains
      rp.outline = L.geoJSON(l.feature, {renderer: rp.paneCanvas(rp.map, 'rp-selection', 450, 1),
        interactive: false, style: {color: '#111111', weight: 3, fill: false}}).addTo(rp.map);
    }
    else if (kind === 'gap') { l.setStyle({stroke: true, color: '#111111', weight: 2.5}); l.bringToFront(); }
    else { l.setStyle({stroke: true, color: '#111111', weight: 3, radius: (o.radius || 4) + 3}); l.bringToFront(); }
    rp.hl.push(l);
  });
  return rp.hl.length;
};
rp.textTip = function(text) { var s = document.createElement('span'); s.textContent = text; return s; };
rp.pointLayer = function(map, kind, d, style) {
  // Markers are made directly (no GeoJSON features), and one tooltip and one click
  // handler on the group serve all of them: 17,000 outlets draw in a fraction of the
  // time a per-marker binding takes.
  // Styled for the zoom class of the view it will be shown in (the page's first view is
  // national: class 0), so the first paint needs no restyling pass.
  var zc = rp.zoomClass(rp.map ? rp.map.getZoom() : 4);
  var st = rp.pointStyle(kind, zc);
  var o = Object.assign({renderer: rp.canvas}, style, st || {});
  var n = d.lon.length, marks = new Array(n);
  for (var i = 0; i < n; i++) {
    var mk = L.circleMarker([d.lat[i], d.lon[i]], d.r ? Object.assign({}, o, {radius: d.r[i]}) : o);
    mk.feature = {properties: {i: i}};
    marks[i] = mk;
  }
  var layer = L.featureGroup(marks);
  layer.bindTooltip(function(l) { return rp.textTip(d.name[l.feature.properties.i]); });
  layer.on('click', function(e) { rp.select(kind, e.layer.feature.properties.i, e); });
  layer.rpClass = st ? zc : null;
  rp.layers[kind] = layer;
  if (kind === 'site') {
    // zoomed out the sites are a pattern, not targets: a click there picks the province
    rp.lod.site = function(far) { layer.eachLayer(function(l) { l.options.interactive = !far; }); };
    rp.lod.site(rp.far());
  }
  return layer;
};
rp.lodPoints = function(map, kind, makeDots, dens) {
  // Zoomed out: a density grid (squares of dens.step degrees, opaque on a translucent
  // pane, so neighbouring squares leave no seams); zoomed in: the single markers, made
  // the first time they are needed (17,000 markers cost nothing at launch).
  var wrap = L.layerGroup(), dots = null, far = null;
  var s = dens.step, byClass = dens.colours.map(function() { return []; });
  dens.x.forEach(function(x, i) {
    var y = dens.y[i];
    byClass[dens.c[i]].push([[y * s, x * s], [(y + 1) * s, x * s], [(y + 1) * s, (x + 1) * s], [y * s, (x + 1) * s]]);
  });
  var renderer = rp.paneCanvas(map, 'rp-density', 340, rp.outletAlpha);
  var grid = L.featureGroup(byClass.filter(function(r) { return r.length; }).map(function(rings) {
    var c = dens.colours[byClass.indexOf(rings)];
    return L.polygon(rings, {renderer: renderer, interactive: false, weight: 0.8, color: c, fillColor: c, fillOpacity: 1});
  }));
  rp.need[kind] = function() {
    if (!dots) { dots = makeDots(); if (!far) { wrap.addLayer(dots); rp.restack(); } rp.rehighlight(kind); }
    return dots;
  };
  rp.lod[kind] = function(isFar) {
    if (isFar === far) { return; }
    far = isFar;
    wrap.clearLayers();
    if (far) { wrap.addLayer(grid); } else { wrap.addLayer(rp.need[kind]()); }
  };
  rp.lod[kind](rp.far());
  return wrap;
};
rp.nearOnly = function(key, make) {
  // A layer drawn zoomed in only (made the first time it is shown).
  var wrap = L.layerGroup(), inner = null;
  rp.lod[key] = function(far) {
    if (far) { wrap.clearLayers(); return; }
    inner = inner || make();
    rp.layers[key] = inner;
    if (!wrap.hasLayer(inner)) { wrap.addLayer(inner); }
  };
  rp.lod[key](rp.far());
  return wrap;
};
rp.gapLayer = function(map, geo, colours) {
  // What you see: every piece opaque, stroked in its own colour, on a translucent pane
  // under the data canvas (no white seams between pieces at any zoom; province outlines
  // and the selection draw above it). What you click: an unpainted copy on the data
  // canvas, made when first zoomed in; zoomed out it is not clickable (the province is).
  var wrap = L.layerGroup(), hit = null;
  var look = L.geoJSON(geo, {renderer: rp.paneCanvas(map, 'rp-gaps', 350), interactive: false,
    style: function(f) { var c = colours[f.properties.c]; return {weight: 1, color: c, opacity: 1, fillColor: c, fillOpacity: 1}; }});
  wrap.addLayer(look);
  rp.layers.gapLook = look;
  rp.need.gap = function() {
    if (hit) { return hit; }
    hit = L.geoJSON(geo, {
      renderer: rp.canvas,
      style: {stroke: false, fillOpacity: 0},
      onEachFeature: function(f, l) {
        l.bindTooltip(rp.textTip(rp.fmt('Gap region #{r} (click for details)', {r: f.properties.r})), {sticky: true});
        l.on('click', function(e) { rp.select('gap', f.properties.r, e); });
      }
    });
    rp.layers.gaps = hit;
    wrap.addLayer(hit);
    rp.lod.gap(rp.far(), true);
    rp.restack();
    return hit;
  };
  wrap.on('add', function() { rp.restack(); });
  var far = null;
  rp.lod.gap = function(isFar, force) {
    if (isFar === far && !force) { return; }
    far = isFar;
    if (!far) { rp.need.gap(); }
    if (hit) { hit.eachLayer(function(l) { l.options.interactive = !far; }); }
  };
  rp.lod.gap(rp.far());
  return wrap;
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
  g.on('add', function() { rp.afterFrames(1, rp.declutter); });
  rp.layers.labels = g;
  return g;
};
rp.provinceLayer = function(map, geo, colours) {
  var layer = L.geoJSON(geo, {
    renderer: rp.canvas,
    // the fill is drawn under the relief, on the land canvas; this layer is the
    // outline and the hit area for tooltips and clicks
    style: {color: '#8c8c8c', weight: 0.8, fillColor: '#f6f3ec', fillOpacity: 0},
    onEachFeature: function(f, l) {
      var p = f.properties;
      var text = p.zh + ' ' + p.en + (p.cov === null ? '' : ' · ' + rp.fmt('rural covered {pct}%', {pct: p.cov.toFixed(1)}))
        + (p.u === null || p.u === undefined ? '' : ' · ' + rp.fmt('{n} rural people unreached', {n: p.u.toLocaleString('en')}));
      l.bindTooltip(rp.textTip(text), {sticky: true});
      l.on('click', function(e) { rp.select('province', p.gb, e); });
    }
  });
  if (rp.provinceFill) { rp.provinceFill.remove(); }
  rp.provinceFill = L.geoJSON(geo, {renderer: rp.ensureLand(map), interactive: false,
    style: {stroke: false, fillColor: '#f6f3ec', fillOpacity: 1}}).addTo(map);
  var far = null;
  rp.lod.province = function(isFar) {
    // zoomed out: a choropleth of rural covered %, under the relief like the land
    if (isFar === far) { return; }
    far = isFar;
    rp.provinceFill.setStyle(function(f) {
      var k = f.properties.k;
      return {fillColor: far && k >= 0 ? colours[k] : '#f6f3ec'};
    });
  };
  rp.lod.province(rp.far());
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
rp.padding = function() {
  // keep fitted features clear of the legend (bottom left) and the layer list (top right)
  var leg = document.querySelector('.rp-legend'), ctl = document.querySelector('.leaflet-control-layers');
  // (a folded legend is a one-line title: no room kept for it). The two together never take
  // more than a third of the width, so a small window still zooms in on what it fits.
  var x = rp.map.getSize().x;
  var lw = leg && !leg.classList.contains('rp-collapsed') ? leg.offsetWidth + 24 : 16;
  var cw = ctl ? ctl.offsetWidth + 24 : 16, k = Math.min(1, x / 3 / (lw + cw));
  return {paddingTopLeft: [lw * k, 20], paddingBottomRight: [cw * k, 20]};
};
rp.home = function() {
  // The whole country as at launch (View > Whole country gives exactly this framing).
  var leg = document.querySelector('.rp-legend'), x = rp.map.getSize().x;
  var lw = !leg || rp.legendCollapsed ? 16 : Math.min(leg.offsetWidth + 24, x * 0.3);
  rp.map.fitBounds(rp.bounds, {animate: false, paddingTopLeft: [lw, 16], paddingBottomRight: [16, 16]});
};
rp.fold = function() {
  // A narrow map folds the layer list to its button (hover or click opens it) so the
  // list does not cover the map; a wide one shows it open.
  var ctl = rp.layerControl, box = ctl && ctl.getContainer();
  if (!box || document.body.classList.contains('rp-export')) { return; }
  var narrow = rp.map.getSize().x < 700;
  if (narrow === rp.folded) { return; }
  rp.folded = ctl.options.collapsed = narrow;  // (Leaflet re-opens an uncollapsed list on every layer added)
  if (!rp.foldHooked) {
    rp.foldHooked = true;
    L.DomEvent.on(box, 'mouseenter', function() { ctl.expand(); });
    L.DomEvent.on(box, 'mouseleave', function() { if (rp.folded) { ctl.collapse(); } });
    rp.map.on('click', function() { if (rp.folded) { ctl.collapse(); } });
  }
  if (narrow) { ctl.collapse(); } else { ctl.expand(); }
};
rp.fitBounds = function(s, w, n, e) { rp.map.fitBounds([[s, w], [n, e]], Object.assign({animate: false}, rp.padding())); };
rp.afterFrames = function(n, fn) {
  if (n <= 0) { fn(); return; }
  requestAnimationFrame(function() { rp.afterFrames(n - 1, fn); });
};
rp.setDrawn = function() {
  // The host polls rp.drawn; telling it as well saves it a polling interval.
  rp.drawn = true;
  if (rp.bridge && rp.bridge.pageDrawn) { rp.bridge.pageDrawn(); }
};
rp.update = function(specs, legendHtml, remove, attribution) {
  // Full update (legendHtml given): replace every data layer in order, so drawing and
  // control order stay put, and drop layers the new result no longer has. Partial
  // update (legendHtml null): only the listed layers change.
  rp.drawn = false;
  rp.hl = [];
  var map = rp.map, ctl = rp.layerControl;
  rp.order = rp.order || [];
  Object.keys(rp.named).concat(specs.map(function(s) { return s[0]; })).forEach(function(n) {
    if (rp.order.indexOf(n) < 0) { rp.order.push(n); }
  });
  var names = specs.map(function(s) { return s[0]; });
  var drop = legendHtml === null ? (remove || []) :
    Object.keys(rp.named).filter(function(n) { return names.indexOf(n) < 0; });
  drop.forEach(function(name) {
    var old = rp.named[name];
    if (old) { ctl.removeLayer(old); map.removeLayer(old); delete rp.named[name]; }
  });
  specs.forEach(function(spec) {
    var name = spec[0], old = rp.named[name];
    var shown = old ? map.hasLayer(old) : spec[2] !== false;
    if (old) { ctl.removeLayer(old); map.removeLayer(old); }
    var layer = spec[1](map);
    rp.named[name] = layer;
    ctl.addOverlay(layer, name);
    if (shown) { layer.addTo(map); }
  });
  rp.relist();
  rp.declutter();
  var legend = document.querySelector('.rp-legend');
  if (legend && legendHtml !== null) {
    legend.outerHTML = legendHtml;
    if (rp.legendCollapsed) { document.querySelector('.rp-legend').classList.add('rp-collapsed'); }
  }
  if (attribution) {
    // the credit names the network's source: it changes with an import
    map.attributionControl.removeAttribution(rp.attribution);
    map.attributionControl.addAttribution(attribution);
    rp.attribution = attribution;
  }
  rp.afterFrames(3, rp.setDrawn);
};
rp.relist = function() {
  // The layer list in one fixed order (11): data layers as they first came, then the
  // base map's; a recompute or an undo replaces layers but never moves them.
  var ctl = rp.layerControl;
  var list = (rp.order || []).filter(function(n) { return rp.named[n]; })
    .map(function(n) { return [rp.named[n], n]; }).concat(rp.baseOverlays || []);
  list.forEach(function(p) { ctl.removeLayer(p[0]); });
  list.forEach(function(p) { ctl.addOverlay(p[0], p[1]); });
};
rp.finish = function(map, control, attribution, bounds) {
  rp.map = map;
  rp.layerControl = control;
  map.attributionControl.setPrefix('Leaflet');
  map.attributionControl.addAttribution(attribution);
  rp.attribution = attribution;
  var exporting = /export=1/.test(window.location.hash);
  if (exporting) {
    // Report images: title on, interactive controls off.
    rp.control(map, 'rp-title-src', 'topleft');
    document.body.classList.add('rp-export');
  }
  var scale = L.control.scale({imperial: false, maxWidth: 160, position: 'bottomleft'});
  scale._updateScale = function(el, text, ratio) {
    // units in the page's language (公里/米 in Chinese)
    el.style.width = Math.round(this.options.maxWidth * ratio) + 'px';
    var m = /^([0-9.]+) (km|m)$/.exec(text);
    el.textContent = m ? m[1] + ' ' + (rp.text[m[2]] || m[2]) : text;
  };
  scale.addTo(map);
  rp.control(map, 'rp-legend-src', 'bottomleft');
  document.addEventListener('click', function(ev) {
    var head = ev.target.closest && ev.target.closest('.rp-legend > b');
    if (!head) { return; }
    rp.legendCollapsed = head.parentNode.classList.toggle('rp-collapsed');
  });
  if (rp.baseData) { rp.base(map, rp.baseData); }
  map.on('zoomend', rp.rescale);
  map.on('zoomend', rp.applyLod);
  map.on('click', function(e) {
    // a click on no feature (the sea, a neighbour country) clears the selection
    if (!(e.originalEvent && e.originalEvent._rpPicked)) { rp.select('', -1); }
  });
  // The legend keeps the lower left and the country is framed to its right; in a small
  // window it starts folded (one click opens it) and takes no room from the map.
  var leg = document.querySelector('.rp-legend');
  if (leg && !exporting && (rp.legendCollapsed || leg.offsetWidth + 24 > map.getSize().x * 0.3)) {
    leg.classList.add('rp-collapsed');
    rp.legendCollapsed = true;
  }
  rp.bounds = bounds;
  rp.fold();
  map.on('resize', rp.fold);
  var m = /view=([-0-9.]+),([-0-9.]+),([0-9.]+)/.exec(window.location.hash);
  if (m) { map.setView([+m[1], +m[2]], +m[3], {animate: false}); }
  else { rp.home(); }
  rp.rescale();
  rp.applyLod();
  if (rp.towns) { rp.towns(); }
  // The host keeps the current view without asking the page (no waiting on a save).
  rp.reportView = function() { if (rp.bridge && rp.bridge.moved) { rp.bridge.moved(JSON.stringify(rp.getView())); } };
  map.on('moveend', rp.reportView);
  if (typeof QWebChannel !== 'undefined' && typeof qt !== 'undefined') {
    new QWebChannel(qt.webChannelTransport, function(ch) { rp.bridge = ch.objects.bridge || null; rp.reportView(); });
  }
  var ready = function() {
    if (rp.reliefPending) { setTimeout(ready, 30); return; }
    rp.afterFrames(3, rp.setDrawn);
  };
  ready();
};
"""


