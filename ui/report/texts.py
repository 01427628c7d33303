"""Every word printed in a report pack, in English and Simplified Chinese.

Kept beside the pages (not in the Qt catalogue) because the CLI prints reports with
no Qt at all; the print map's own words (legend, attribution) come from the map layer.
"""
from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Goodaymart rural reach: report pack",
        "national": "China: national overview",
        "table_title": "Provinces at a glance",
        "rural": "Rural people", "covered_pct": "Rural covered", "outlets": "Service outlets",
        "sites": "Distribution sites", "per100k": "Outlets per 100,000 rural",
        "unreached": "Rural unreached", "gap_regions": "Gap regions",
        "urban_pct": "Urban covered", "delivery_pct": "Rural within delivery radius",
        "area_pct": "Area covered", "recommended_n": "Recommended outlets accepted",
        "largest_gaps": "Five largest gaps", "largest_gaps_nat": "Ten largest gaps",
        "rank": "#", "near": "near {town} ({km:.0f} km)", "people": "people",
        "no_gaps": "No gap region lies mainly in this province.",
        "prov_sub": "Rural covered {pct:.1f}% (China {nat:.1f}%) · rank {rank} of 31 by rural coverage",
        "recommended": "Recommended outlets ({n})", "rec_more": "… and {n} more",
        "rec_in": "Newly covered in the province", "rec_across": "Newly covered across its border",
        "chart": "Rural people by distance to the nearest outlet",
        "chart_x": "km to nearest outlet", "chart_y": "million people",
        "covered_leg": "within {km:g} km (covered)", "gap_leg": "beyond {km:g} km",
        "province": "Province", "code": "GB", "largest_gap": "Largest gap",
        "page": "Page {n} of {total}",
        "scenario": "Scenario: seed {seed} · {sites} sites · {outlets} outlets · service radius "
                    "{radius:g} km · delivery radius {site_radius:g} km · {strategy} placement · "
                    "rural bias {bias:g}",
        "attribution": "Boundaries: Natural Earth · Places: GeoNames (CC-BY 4.0) · Population: "
                       "NBS 2020 census · Network {network}",
        "network_simulated": "simulated", "network_imported": "imported",
        "network_recommended": "recommended", "and": " + ",
        "total": "China (31 provinces)",
        "bookmark_national": "National overview", "bookmark_table": "Province table",
        "col_rural": "Rural people", "col_covered": "Covered", "col_outlets": "Outlets",
        "col_sites": "Sites", "col_per100k": "Per 100k", "col_unreached": "Unreached",
        "col_gaps": "Gaps", "col_largest": "Largest gap",
    },
    "zh": {
        "title": "日日顺农村覆盖：报告汇编",
        "national": "全国概览",
        "table_title": "各省概况",
        "rural": "农村人口", "covered_pct": "农村覆盖率", "outlets": "服务网点",
        "sites": "配送中心", "per100k": "每十万农村人口网点数",
        "unreached": "未覆盖农村人口", "gap_regions": "空白区域",
        "urban_pct": "城镇覆盖率", "delivery_pct": "配送半径内农村人口",
        "area_pct": "覆盖面积", "recommended_n": "已采纳的推荐网点",
        "largest_gaps": "五大空白区域", "largest_gaps_nat": "十大空白区域",
        "rank": "#", "near": "{town}附近（{km:.0f} 公里）", "people": "人",
        "no_gaps": "没有主要位于本省的空白区域。",
        "prov_sub": "农村覆盖率 {pct:.1f}%（全国 {nat:.1f}%）· 农村覆盖率排名第 {rank} 位（共 31 个）",
        "recommended": "推荐网点（{n} 个）", "rec_more": "……另有 {n} 个",
        "rec_in": "省内新覆盖", "rec_across": "跨省新覆盖",
        "chart": "按到最近网点距离划分的农村人口",
        "chart_x": "到最近网点的距离（公里）", "chart_y": "百万人",
        "covered_leg": "{km:g} 公里以内（已覆盖）", "gap_leg": "{km:g} 公里以外",
        "province": "省份", "code": "代码", "largest_gap": "最大空白区域",
        "page": "第 {n} 页，共 {total} 页",
        "scenario": "情景：种子 {seed} · {sites} 个配送中心 · {outlets} 个服务网点 · 服务半径 "
                    "{radius:g} 公里 · 配送半径 {site_radius:g} 公里 · 布点方式 {strategy} · "
                    "农村权重 {bias:g}",
        "attribution": "边界：Natural Earth · 地名：GeoNames (CC-BY 4.0) · 人口：国家统计局 "
                       "2020 年人口普查 · 网络：{network}",
        "network_simulated": "模拟", "network_imported": "导入", "network_recommended": "推荐",
        "and": "＋",
        "total": "全国（31 个省级行政区）",
        "bookmark_national": "全国概览", "bookmark_table": "各省概况表",
        "col_rural": "农村人口", "col_covered": "覆盖率", "col_outlets": "网点",
        "col_sites": "配送中心", "col_per100k": "每十万人网点", "col_unreached": "未覆盖",
        "col_gaps": "空白区域", "col_largest": "最大空白",
    },
}
STRATEGY_ZH = {"population": "按人口", "towns": "按城镇", "uniform": "均匀"}
