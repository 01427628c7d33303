"""The per-province table expanded to county planning units, in whole people that add up.

Cells hold fractions of people. Rounding each county's, province's and the country's sum
on its own left the 31 province rows a person or two off the national line, and a county
table could not add up to its province (issue 22). Whole people are apportioned top down
instead (largest remainder, Hamilton's method): the national figure is the rounded
national sum, each province gets the floor of its exact sum plus one person for the
largest remainders until the national figure is reached, and each county the same
within its province. Every whole figure is within one person of its exact sum, covered
never exceeds rural, and unreached is rural minus covered at every level.

Counties are the units of :mod:`geo.counties` (nearest county seat inside the province);
an outlet belongs to the unit its location falls in, by the same rule as the cells.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reach_planner.geo.counties import county_index, county_of_points, divisions
from reach_planner.geo.coverage import Coverage
from reach_planner.geo.demand import Demand
from reach_planner.geo.gaps import Gaps
from reach_planner.geo.network import Network


def pct(part: float, whole: float) -> float:
    return round(100.0 * float(part) / float(whole), 2) if whole > 0 else 0.0


def per_100k(count: int, people: float) -> float:
    """Outlets per 100,000 rural people (0 where nobody lives)."""
    return round(count / people * 1e5, 2) if people > 0 else 0.0


@dataclass(frozen=True)
class CountySummary:
    """One county planning unit (see :mod:`geo.counties`): its rural people and reach."""

    adcode: int
    gb_code: int
    province: str
    province_zh: str
    name_en: str
    name_zh: str
    prefecture: str
    prefecture_zh: str
    outlets: int
    rural_population: int
    rural_covered: int
    rural_covered_pct: float
    rural_unreached: int
    outlets_per_100k_rural: float
    gap_regions: int
    largest_gap_population: int


def apportion(values: ArrayLike, total: int,
              cap: NDArray[np.int64] | None = None) -> NDArray[np.int64]:
    """Whole numbers, one per value, summing to ``total``: the floors, then one more for
    the largest remainders (ties: the first row), never above ``cap``. When the floors
    already exceed ``total`` (sums taken in another order can differ in the last bit)
    the smallest remainders give one back."""
    v = np.maximum(np.asarray(values, dtype=np.float64), 0.0)
    out = np.floor(v).astype(np.int64)
    limit = np.full(len(v), np.iinfo(np.int64).max) if cap is None else np.asarray(cap, np.int64)
    out = np.minimum(out, limit)
    order = np.lexsort((np.arange(len(v)), -(v - out)))  # largest remainder first
    left = int(total) - int(out.sum())
    while left:
        pool = order if left > 0 else order[::-1]
        room = out[pool] < limit[pool] if left > 0 else out[pool] > 0
        take = pool[room][:abs(left)]
        if not len(take):
            raise ValueError(f"cannot apportion {total} over {len(v)} values (capped at {int(limit.sum())})")
        out[take] += 1 if left > 0 else -1
        left -= len(take) if left > 0 else -len(take)
    return out


@dataclass(frozen=True)
class WholePeople:
    """Rural and covered rural people, whole, for the country, each province and each county
    (unreached = rural - covered everywhere)."""

    rural: int
    covered: int
    province_rural: dict[int, int]
    province_covered: dict[int, int]
    county_rural: NDArray[np.int64]
    county_covered: NDArray[np.int64]


def whole_people(rural_exact: ArrayLike, covered_exact: ArrayLike, county_gb: NDArray[np.int64],
                 provinces: Sequence[int], national_rural: float, national_covered: float) -> WholePeople:
    """Apportion the exact per-county sums ``rural``/``covered`` (one per county unit, in
    province ``county_gb``) down from the rounded national sums."""
    rural = np.asarray(rural_exact, dtype=np.float64)
    covered = np.asarray(covered_exact, dtype=np.float64)
    codes = np.asarray(sorted(provinces), dtype=np.int64)
    where = np.searchsorted(codes, county_gb)
    inside = (where < len(codes)) & (codes[np.minimum(where, len(codes) - 1)] == county_gb)
    prov_r = np.bincount(where[inside], weights=rural[inside], minlength=len(codes))
    prov_c = np.bincount(where[inside], weights=covered[inside], minlength=len(codes))
    nat_r = round(float(national_rural))
    nat_c = min(round(float(national_covered)), nat_r)
    p_r = apportion(prov_r, nat_r)
    p_c = apportion(prov_c, nat_c, cap=p_r)
    c_r = np.zeros(len(rural), dtype=np.int64)
    c_c = np.zeros(len(rural), dtype=np.int64)
    for k in range(len(codes)):
        sel = np.flatnonzero(inside & (where == k))
        c_r[sel] = apportion(rural[sel], int(p_r[k]))
        c_c[sel] = apportion(covered[sel], int(p_c[k]), cap=c_r[sel])
    return WholePeople(rural=nat_r, covered=nat_c,
                       province_rural={int(c): int(v) for c, v in zip(codes, p_r)},
                       province_covered={int(c): int(v) for c, v in zip(codes, p_c)},
                       county_rural=c_r, county_covered=c_c)


@dataclass(frozen=True)
class CountyTable:
    """Every county unit's figures, and the whole people the province rows use."""

    whole: WholePeople
    counties: tuple[CountySummary, ...]


def county_table(network: Network, demand: Demand, coverage: Coverage, gaps: Gaps,
                 names: dict[int, tuple[str, str]]) -> CountyTable:
    """The per-county table for a scenario (``names``: province code -> English, Chinese)."""
    div = divisions()
    n = len(div)
    row = county_index(demand.grid)
    ok = row >= 0
    rural = np.bincount(row[ok], weights=demand.rural[ok], minlength=n)
    covered = np.bincount(row[ok], weights=demand.rural[ok] * coverage.covered[ok], minlength=n)
    whole = whole_people(rural, covered, div.gb_code, sorted(names), demand.rural.sum(),
                         demand.rural[coverage.covered].sum())
    o = network.outlets
    o_row = county_of_points(o["lon"].to_numpy(float), o["lat"].to_numpy(float), o["gb_code"].to_numpy())
    outlets = np.bincount(o_row[o_row >= 0], minlength=n)
    regions, largest = _gaps_per_county(gaps, n)
    cols = zip(div.adcode.tolist(), div.gb_code.tolist(), div.name_en.tolist(), div.name_zh.tolist(),
               div.prefecture_en.tolist(), div.prefecture_zh.tolist(), outlets.tolist(),
               whole.county_rural.tolist(), whole.county_covered.tolist(), rural.tolist(), covered.tolist(),
               regions.tolist(), largest.tolist())  # Python numbers: round() on numpy scalars is slow
    rows = (CountySummary(
        adcode=a, gb_code=gb, province=names.get(gb, ("", ""))[0], province_zh=names.get(gb, ("", ""))[1],
        name_en=en, name_zh=zh, prefecture=pe, prefecture_zh=pz, outlets=o, rural_population=r_w,
        rural_covered=c_w, rural_covered_pct=pct(c_x, r_x), rural_unreached=r_w - c_w,
        outlets_per_100k_rural=per_100k(o, r_x), gap_regions=g, largest_gap_population=round(big))
        for a, gb, en, zh, pe, pz, o, r_w, c_w, r_x, c_x, g, big in cols)
    return CountyTable(whole=whole, counties=tuple(rows))


def _gaps_per_county(gaps: Gaps, n: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Gap regions in each county unit and the rural people of its largest (regions are
    split at county units, so each lies in one)."""
    reg = gaps.regions
    count = np.zeros(n, dtype=np.int64)
    largest = np.zeros(n, dtype=np.float64)
    if "county_adcode" not in reg.columns or not len(reg):
        return count, largest
    rows = divisions().row_of(reg["county_adcode"].to_numpy(np.int64))
    ok = rows >= 0
    count += np.bincount(rows[ok], minlength=n)
    np.maximum.at(largest, rows[ok], reg["rural_unreached"].to_numpy(float)[ok])
    return count, largest
