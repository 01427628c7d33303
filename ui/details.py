"""Plain-text details of a clicked site, outlet, gap region, province or county. Qt-free.

Values are returned as strings and shown as plain text (never as rich text), so a
site name from a user's file can't inject markup into the panel either. ``tr`` is
the caller's translator (the UI passes Qt's), so this module stays Qt-free.
"""
from __future__ import annotations

from collections.abc import Callable

from reach_planner.geo.scenario import ScenarioResult

Translate = Callable[[str], str]


def _same(text: str) -> str:
    return text


def describe(result: ScenarioResult, kind: str, index: int,
             tr: Translate = _same, count: Callable[[float], str] = "{:,.0f}".format
             ) -> dict[str, str] | None:
    fn = {"site": _site, "outlet": _outlet, "gap": _gap, "province": _province,
          "county": _county}.get(kind)
    try:
        return fn(result, index, tr, count) if fn else None
    except (IndexError, KeyError, StopIteration):
        return None


def _site(result: ScenarioResult, i: int, tr: Translate, count) -> dict[str, str]:
    r = result.network.sites.iloc[i]
    children = int((result.network.outlets["parent_id"] == r["site_id"]).sum())
    return {tr("Type"): tr("Distribution site"), tr("Name"): str(r["name"]),
            tr("ID"): str(r["site_id"]), tr("Province"): str(r["province"]),
            tr("Location"): f"{r['lat']:.4f}N, {r['lon']:.4f}E",
            tr("Service outlets served"): count(children), tr("Source"): tr(str(r["source"]))}


def _outlet(result: ScenarioResult, i: int, tr: Translate, count) -> dict[str, str]:
    r = result.network.outlets.iloc[i]
    return {tr("Type"): tr("Service outlet"), tr("Name"): str(r["name"]),
            tr("ID"): str(r["site_id"]), tr("Province"): str(r["province"]),
            tr("Location"): f"{r['lat']:.4f}N, {r['lon']:.4f}E",
            tr("Parent distribution site"): str(r["parent_id"]),
            tr("Source"): tr(str(r["source"]))}


def _gap(result: ScenarioResult, rank: int, tr: Translate, count) -> dict[str, str]:
    g = result.gaps.regions
    r = g[g["rank"] == rank].iloc[0]
    names = {p.gb_code: p for p in result.summary.provinces}
    p = names.get(int(r["gb_code"]))
    return {tr("Type"): tr("Gap region #{rank} of {n}").format(rank=rank, n=f"{len(g):,}"),
            tr("Province"): f"{p.name_zh} {p.name_en}" if p else "",
            tr("Prefecture"): f"{r.get('prefecture_zh', '')} {r.get('prefecture', '')}".strip(),
            tr("County"): f"{r.get('county_zh', '')} {r.get('county', '')}".strip(),
            tr("Rural people unreached"): count(r["rural_unreached"]),
            tr("Area"): f"{r['area_km2']:,.0f} km²", tr("Cells"): f"{int(r['cells']):,}",
            tr("Centre"): f"{r['lat']:.3f}N, {r['lon']:.3f}E",
            tr("Farthest from an outlet"): f"{r['max_dist_km']:.0f} km"}


def _province(result: ScenarioResult, gb: int, tr: Translate, count) -> dict[str, str]:
    p = next(p for p in result.summary.provinces if p.gb_code == gb)
    return {tr("Type"): tr("Province"), tr("Name"): f"{p.name_zh} {p.name_en}",
            tr("Distribution sites"): f"{p.sites:,}", tr("Service outlets"): f"{p.outlets:,}",
            tr("Rural population"): count(p.rural_population),
            tr("Rural covered"): f"{count(p.rural_covered)} ({p.rural_covered_pct:.1f}%)",
            tr("Outlets per 100k rural"): f"{p.outlets_per_100k_rural:.1f}",
            tr("Gap regions"): f"{p.gap_regions:,}",
            tr("Largest gap"): tr("{n} people").format(n=count(p.largest_gap_population))}


def _county(result: ScenarioResult, adcode: int, tr: Translate, count) -> dict[str, str]:
    """A county planning unit (issue 22): the province table's county row in full."""
    c = next(c for c in result.summary.counties if c.adcode == adcode)
    return {tr("Type"): tr("County"), tr("Name"): f"{c.name_zh} {c.name_en}",
            tr("Prefecture"): f"{c.prefecture_zh} {c.prefecture}",
            tr("Province"): f"{c.province_zh} {c.province}",
            tr("Rural population"): count(c.rural_population),
            tr("Rural covered"): f"{count(c.rural_covered)} ({c.rural_covered_pct:.1f}%)",
            tr("Rural still unreached"): count(c.rural_unreached),
            tr("Service outlets"): f"{c.outlets:,}",
            tr("Outlets per 100k rural"): f"{c.outlets_per_100k_rural:.1f}",
            tr("Gap regions"): f"{c.gap_regions:,}",
            tr("Largest gap"): tr("{n} people").format(n=count(c.largest_gap_population))}


def describe_overloaded(cap, i: int, tr: Translate = _same,
                        count: Callable[[float], str] = "{:,.0f}".format) -> dict[str, str] | None:
    """An overloaded outlet of a capacity result (row ``i`` of its table)."""
    if cap is None or not 0 <= i < len(cap.overloaded):
        return None
    r = cap.overloaded.iloc[i]
    return {tr("Type"): tr("Overloaded outlet"), tr("Name"): str(r["name"]),
            tr("ID"): str(r["site_id"]), tr("Province"): str(r["province"]),
            tr("Location"): f"{r['lat']:.4f}N, {r['lon']:.4f}E",
            tr("Capacity (households)"): f"{cap.households_per_outlet:,}",
            tr("Households nearest to it"): f"{int(r['nearest_households']):,}",
            tr("Households it can serve"): f"{int(r['served']):,}",
            tr("Beyond capacity (households)"): f"{int(r['excess']):,}"}


def describe_recommended(rec, i: int, tr: Translate = _same,
                         count: Callable[[float], str] = "{:,.0f}".format) -> dict[str, str] | None:
    """A recommended (not yet accepted) outlet: where, and whom it would newly reach."""
    if rec is None or not 0 <= i < len(rec.sites):
        return None
    r = rec.sites.iloc[i]
    return {tr("Type"): tr("Recommended outlet"), tr("Name"): str(r["name"]),
            tr("Province"): str(r["province"]),
            tr("Location"): f"{r['lat']:.4f}N, {r['lon']:.4f}E",
            tr("Rank"): f"{i + 1:,} / {len(rec.sites):,}",
            tr("Newly covered rural people"): count(rec.gains[i])}


# Source labels shown through tr(); listed so the translation extractor sees them.
SOURCE_LABELS = ("simulated", "imported", "recommended")
