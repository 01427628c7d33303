"""Plain-text details of a clicked site, outlet, gap region or province. Qt-free.

Values are returned as strings and shown as plain text (never as rich text), so a
site name from a user's file can't inject markup into the panel either.
"""
from __future__ import annotations

from geo.scenario import ScenarioResult


def describe(result: ScenarioResult, kind: str, index: int) -> dict[str, str] | None:
    fn = {"site": _site, "outlet": _outlet, "gap": _gap, "province": _province}.get(kind)
    try:
        return fn(result, index) if fn else None
    except (IndexError, KeyError):
        return None


def _site(result: ScenarioResult, i: int) -> dict[str, str]:
    r = result.network.sites.iloc[i]
    children = int((result.network.outlets["parent_id"] == r["site_id"]).sum())
    return {"Type": "Distribution site", "Name": str(r["name"]), "ID": str(r["site_id"]),
            "Province": str(r["province"]), "Location": f"{r['lat']:.4f}N, {r['lon']:.4f}E",
            "Service outlets served": f"{children:,}", "Source": str(r["source"])}


def _outlet(result: ScenarioResult, i: int) -> dict[str, str]:
    r = result.network.outlets.iloc[i]
    return {"Type": "Service outlet", "Name": str(r["name"]), "ID": str(r["site_id"]),
            "Province": str(r["province"]), "Location": f"{r['lat']:.4f}N, {r['lon']:.4f}E",
            "Parent distribution site": str(r["parent_id"]), "Source": str(r["source"])}


def _gap(result: ScenarioResult, rank: int) -> dict[str, str]:
    g = result.gaps.regions
    r = g[g["rank"] == rank].iloc[0]
    names = {p.gb_code: p for p in result.summary.provinces}
    p = names.get(int(r["gb_code"]))
    return {"Type": f"Gap region #{rank} of {len(g):,}",
            "Province": f"{p.name_zh} {p.name_en}" if p else "",
            "Rural people unreached": f"{round(r['rural_unreached']):,}",
            "Area": f"{r['area_km2']:,.0f} km²", "Cells": f"{int(r['cells']):,}",
            "Centre": f"{r['lat']:.3f}N, {r['lon']:.3f}E",
            "Farthest from an outlet": f"{r['max_dist_km']:.0f} km"}


def _province(result: ScenarioResult, gb: int) -> dict[str, str]:
    p = next(p for p in result.summary.provinces if p.gb_code == gb)
    return {"Type": "Province", "Name": f"{p.name_zh} {p.name_en}",
            "Distribution sites": f"{p.sites:,}", "Service outlets": f"{p.outlets:,}",
            "Rural population": f"{p.rural_population:,}",
            "Rural covered": f"{p.rural_covered:,} ({p.rural_covered_pct:.1f}%)",
            "Outlets per 100k rural": f"{p.outlets_per_100k_rural:.1f}",
            "Gap regions": f"{p.gap_regions:,}",
            "Largest gap": f"{p.largest_gap_population:,} people"}
