"""The web page's base map: China as on approved Chinese maps, its neighbours, relief,
cities. It does not depend on the result, so it is sent once with the page (never in
the in-place updates after a recompute).

Drawing order, by Leaflet pane: neighbours, China's land, Taiwan/Hong Kong/Macao, the
islands and the ten-dash line on a land canvas (z 250); the shaded-relief image (z
300, so it shades the land but not the data); the data canvas (overlay pane, z 400);
labels (marker pane). The province fill sits on the land canvas too, under the relief,
while the interactive province outlines stay on the data canvas for tooltips and clicks.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from reach_planner.geo.atomic import atomic_write_bytes
from reach_planner.ui.maps import context, relief, style
from reach_planner.ui.maps.shapes import geojson_text, safe_json

RELIEF_NAME = "reach-planner-relief.png"


def _collection(kind: str, lang: str, decimals: int) -> str:
    sub = context.of_kind(kind)
    props = [{"name": _name(r, lang)} for r in sub.itertuples()]
    return geojson_text(list(sub.geometry), props, decimals)


def _name(row: Any, lang: str) -> str:
    return style.short_zh(row.name_zh) if lang == "zh" else row.name_en


def _labels(kind: str, lang: str) -> list[dict[str, Any]]:
    sub = context.of_kind(kind)
    return [{"n": _name(r, lang), "lat": r.label_lat, "lon": r.label_lon, "big": r.code == "TW"}
            for r in sub.itertuples()]


def base_script(lang: str, t, with_relief: bool) -> str:
    """``rp.baseData = {...}``: every base layer as safe JSON, names in ``lang``."""
    cities = [{"n": c.name(lang), "lat": round(c.lat, 3), "lon": round(c.lon, 3), "cap": c.capital}
              for c in context.cities()]
    png = relief.web_png() if with_relief else None
    parts = {
        "neighbours": _collection("neighbour", lang, 2),
        "china": _collection("china", lang, 3),
        "regions": _collection("region", lang, 3),
        "islands": _collection("islands", lang, 3),
        "dashes": _collection("dashes", lang, 3),
    }
    data = {"countries": _labels("neighbour", lang), "seas": _labels("islands", lang),
            "regionNames": _labels("region", lang),
            "cities": cities, "outside": t("outside the network data"),
            "relief": None if png is None else {"url": RELIEF_NAME, "bounds": png[1]},
            "names": {"relief": t("Shaded relief"), "cities": t("Cities")},
            "colours": {"land": style.LAND, "border": style.BORDER, "neighbour": style.NEIGHBOUR,
                        "neighbourBorder": style.NEIGHBOUR_BORDER, "outside": style.OUTSIDE,
                        "dash": style.DASH}}
    geo = ",".join(f"{safe_json(k)}:{v}" for k, v in parts.items())
    return f"<script>rp.baseData = Object.assign({safe_json(data)}, {{{geo}}});</script>"


def write_relief(folder: Path) -> Path | None:
    """The relief image next to the page (the page names it by a relative URL)."""
    png = relief.web_png()
    if png is None:
        return None
    target = folder / RELIEF_NAME
    if not target.exists() or target.read_bytes() != png[0]:
        atomic_write_bytes(target, png[0])
    return target


BASE_JS = r"""
rp.ensureLand = function(map) {
  if (!rp.landCanvas) {
    map.createPane('rp-land').style.zIndex = 250;
    var reliefPane = map.createPane('rp-relief');
    reliefPane.style.zIndex = 300;
    reliefPane.style.pointerEvents = 'none';
    rp.landCanvas = L.canvas({padding: 0.5, pane: 'rp-land'});
  }
  return rp.landCanvas;
};
rp.baseOverlays = [];  // [layer, name]: listed after the data layers in the layer control
rp.base = function(map, d) {
  var c = d.colours;
  rp.ensureLand(map);
  var land = function(geo, style) {
    return L.geoJSON(geo, {renderer: rp.landCanvas, interactive: false, style: style}).addTo(map);
  };
  land(d.neighbours, {color: c.neighbourBorder, weight: 0.7, fillColor: c.neighbour, fillOpacity: 1});
  land(d.china, {color: c.border, weight: 1.1, fillColor: c.land, fillOpacity: 1});
  land(d.regions, {color: c.border, weight: 0.8, fillColor: c.outside, fillOpacity: 1});
  land(d.islands, {color: c.border, weight: 1, fillColor: c.land, fillOpacity: 1});
  land(d.dashes, {color: c.dash, weight: 1.2, fillColor: c.dash, fillOpacity: 1});
  L.geoJSON(d.regions, {renderer: rp.canvas, style: {stroke: false, fillOpacity: 0},
    onEachFeature: function(f, l) {
      l.bindTooltip(rp.textTip(f.properties.name + ' · ' + d.outside), {sticky: true});
    }}).addTo(map);
  if (d.relief) {
    var img = L.imageOverlay(d.relief.url, d.relief.bounds, {pane: 'rp-relief', interactive: false});
    rp.reliefPending = true;  // "drawn" waits for the image: a grab before it paints is blank
    img.once('load error', function() { rp.reliefPending = false; });
    img.addTo(map);
    rp.layerControl.addOverlay(img, d.names.relief);
    rp.baseOverlays.push([img, d.names.relief]);
  }
  var label = function(cls, text, lat, lon, dot) {
    var el = document.createElement('div');
    if (dot) { el.appendChild(document.createElement('i')); }
    var s = document.createElement('span');
    s.textContent = text;
    el.appendChild(s);
    return L.marker([lat, lon], {icon: L.divIcon({className: cls, html: el, iconSize: null}),
                                 interactive: false, keyboard: false});
  };
  var names = L.layerGroup().addTo(map), seas = L.layerGroup();
  d.countries.forEach(function(p) { names.addLayer(label('rp-country', p.n, p.lat, p.lon, false)); });
  d.seas.forEach(function(p) { seas.addLayer(label('rp-sea', p.n, p.lat, p.lon, false)); });
  names.addLayer(seas);
  var capitals = L.layerGroup(), towns = L.layerGroup();
  // Hong Kong and Macao are named once zoomed in (at national zoom they sit on Guangzhou).
  d.regionNames.forEach(function(p) {
    (p.big ? names : towns).addLayer(label('rp-region', p.n, p.lat, p.lon, false));
  });
  d.cities.forEach(function(p) {
    (p.cap ? capitals : towns).addLayer(label(p.cap ? 'rp-city rp-cap' : 'rp-city', p.n, p.lat, p.lon, true));
  });
  var cities = L.layerGroup([capitals]).addTo(map);
  rp.layerControl.addOverlay(cities, d.names.cities);
  rp.baseOverlays.push([cities, d.names.cities]);
  // labels in priority order for rp.declutter (gap ranks come first, see there)
  rp.labelGroups = [capitals, names, towns, seas];
  cities.on('add', function() { rp.afterFrames(1, rp.declutter); });
  rp.towns = function() {
    if (map.getZoom() >= 6) { cities.addLayer(towns); } else { cities.removeLayer(towns); }
    rp.declutter();
  };
  map.on('zoomend', rp.towns);
};
rp.labelBox = function(el) {
  // The painted box of a label: a divIcon without a size has none of its own, its
  // dot and text are absolutely placed children.
  var parts = el.querySelectorAll('i, span'), box = null;
  if (!parts.length) { parts = [el]; }
  for (var i = 0; i < parts.length; i++) {
    var r = parts[i].getBoundingClientRect();
    if (!r.width && !r.height) { continue; }
    box = box ? {l: Math.min(box.l, r.left), t: Math.min(box.t, r.top), r: Math.max(box.r, r.right),
                 b: Math.max(box.b, r.bottom)} : {l: r.left, t: r.top, r: r.right, b: r.bottom};
  }
  return box;
};
rp.declutter = function() {
  // Labels never overlap (23.10): in priority order (gap ranks, capitals, countries and
  // Taiwan, other towns, seas) a label that would touch one already kept is hidden at
  // this zoom and comes back when zooming in separates them. All boxes are measured
  // before any is hidden: one layout, not one per label.
  if (!rp.map) { return; }
  var els = [], groups = [rp.layers.labels].concat(rp.labelGroups || []);
  groups.forEach(function(g) {
    if (!g) { return; }
    g.eachLayer(function(mk) {
      var el = mk.getElement && mk.getElement();
      if (el && el.parentNode) { els.push(el); }
    });
  });
  els.forEach(function(el) { el.style.display = ''; });
  var boxes = els.map(rp.labelBox), kept = [], gap = 2;
  var hide = boxes.map(function(b) {
    if (!b) { return false; }
    var clash = kept.some(function(k) {
      return b.l < k.r + gap && k.l < b.r + gap && b.t < k.b + gap && k.t < b.b + gap;
    });
    if (!clash) { kept.push(b); }
    return clash;
  });
  els.forEach(function(el, i) { if (hide[i]) { el.style.display = 'none'; } });
};
rp.zoomClass = function(zoom) { return zoom < 4.75 ? 0 : zoom < 5.75 ? 1 : zoom < 6.75 ? 2 : 3; };
rp.pointStyle = function(kind, z) {
  // National zoom (class 0): a fine stipple that lets the covered area show through;
  // full symbols once zoomed in to a province (class 3).
  if (kind === 'outlet') {
    return [{radius: 0.7, fillOpacity: 0.45}, {radius: 1.1, fillOpacity: 0.6},
            {radius: 1.6, fillOpacity: 0.8}, {radius: 2.0, fillOpacity: 0.95}][z];
  }
  if (kind === 'site') {
    // (zoomed right out, 2,800 full dots would paint the east blue over the choropleth)
    return [{radius: 1.0, weight: 0, stroke: false, fillOpacity: 0.7},
            {radius: 2.0, weight: 0, stroke: false, fillOpacity: 0.95},
            {radius: 3.2, weight: 1.5, stroke: true, fillOpacity: 0.95},
            {radius: 3.2, weight: 1.5, stroke: true, fillOpacity: 0.95}][z];
  }
  return null;
};
rp.rescale = function() {
  // Restyle only when the zoom class changes: 17,000 setStyle calls are not free, and the
  // first paint must not wait for them.
  if (!rp.map) { return; }
  var z = rp.zoomClass(rp.map.getZoom());
  ['outlet', 'site'].forEach(function(kind) {
    var layer = rp.layers[kind];
    var st = rp.pointStyle(kind, z);
    if (layer && st && layer.rpClass !== z) {
      layer.eachLayer(function(l) { l.setStyle(st); });
      layer.rpClass = z;
    }
  });
};
"""
