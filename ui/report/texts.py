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
        "list_sep": ", ", "code_head": "GB {code}",
        "overflow": "{n:,} outlets are more than an Excel sheet holds ({rows:,} rows): they are in "
                    "{file} beside this workbook", "overflow_file": "a CSV file",
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
        "scenario": "情景：随机种子 {seed} · {sites} 个配送中心 · {outlets} 个服务网点 · 服务半径 "
                    "{radius:g} 公里 · 配送半径 {site_radius:g} 公里 · {strategy} · "
                    "农村权重 {bias:g}",
        "attribution": "边界：Natural Earth · 地名：GeoNames（CC-BY 4.0） · 人口：国家统计局 "
                       "2020 年人口普查 · 网络：{network}",
        "network_simulated": "模拟", "network_imported": "导入", "network_recommended": "推荐",
        "and": "＋",
        "total": "全国（31 个省级行政区）",
        "bookmark_national": "全国概览", "bookmark_table": "各省概况表",
        "col_rural": "农村人口", "col_covered": "覆盖率", "col_outlets": "网点",
        "col_sites": "配送中心", "col_per100k": "每十万人网点", "col_unreached": "未覆盖",
        "col_gaps": "空白区域", "col_largest": "最大空白",
        "list_sep": "，", "code_head": "代码 {code}",
        "overflow": "{n:,} 个服务网点超出 Excel 工作表的容量（{rows:,} 行）：已写入本工作簿旁的 {file}",
        "overflow_file": "CSV 文件",
    },
}
STRATEGY_ZH = {"population": "按人口布点", "towns": "按城镇布点", "uniform": "均匀布点"}


def province_title(name_en: str, name_zh: str, lang: str) -> str:
    """A province page's title: the Chinese name alone on a zh page (a pinyin twin is
    noise to a Chinese reader); English first, then Chinese, on an en page (a planner
    in China meets both)."""
    return name_zh if lang == "zh" else f"{name_en} · {name_zh}"


def place_line(parts: tuple[str, ...], lang: str) -> str:
    """Names joined in the page's language: "木里藏族自治县（凉山彝族自治州），四川省",
    "Muli, Liangshan, Sichuan" (ASCII commas between Chinese names read as typos)."""
    return TEXT[lang]["list_sep"].join(p for p in parts if p)


# -- the workbook ---------------------------------------------------------------------------------
# Sheet names, column headers (also the scenario sheet's figure names), cell words and chart
# texts of the Excel workbook. English keeps the snake_case keys (stable for scripts); a zh
# workbook reads them from these tables, one per kind, so a sheet added later needs one entry
# per new column here (tests/test_report_language.py checks every column has one).
SHEETS_ZH = {"provinces": "各省", "gap_regions": "空白区域", "counties": "各县",
             "outlets": "服务网点", "recommendations": "推荐网点", "coverage_curve": "覆盖曲线",
             "scenario": "情景"}
HEADERS_ZH = {
    "gb_code": "省级代码", "province": "省份（英文）", "province_zh": "省份",
    "rural_population": "农村人口", "rural_covered": "已覆盖农村人口", "rural_covered_pct": "农村覆盖率",
    "rural_unreached": "未覆盖农村人口", "urban_population": "城镇人口", "urban_covered_pct": "城镇覆盖率",
    "outlets": "服务网点数", "sites": "配送中心数", "outlets_per_100k_rural": "每十万农村人口网点数",
    "gap_regions": "空白区域数", "largest_gap_population": "最大空白区域未覆盖人口",
    "area_km2": "面积（平方公里）", "area_covered_km2": "覆盖面积（平方公里）",
    "rank": "排名", "county": "县（英文）", "county_zh": "县", "prefecture": "地市（英文）",
    "prefecture_zh": "地市", "cells": "网格数", "max_dist_km": "最远距离（公里）", "lon": "经度",
    "lat": "纬度", "nearest_town": "最近城镇（英文）", "nearest_town_zh": "最近城镇",
    "town_km": "到最近城镇（公里）", "adcode": "区划代码",
    "site_id": "编号", "name": "名称", "parent_id": "上级配送中心", "source": "来源",
    "workload_households": "工作量（户）", "served_households": "已服务（户）",
    "capacity_households": "服务能力（户）", "over_capacity": "超出服务能力",
    "order": "顺序", "newly_covered": "新增覆盖人口", "newly_covered_in_province": "本省新增覆盖人口",
    "newly_covered_across_border": "邻省新增覆盖人口", "status": "状态", "distance": "距离计算方式",
    "new_outlets": "新增网点数",
    "figure": "指标", "value": "数值", "param_seed": "参数：随机种子", "param_sites": "参数：配送中心数",
    "param_outlets": "参数：服务网点数", "param_radius_km": "参数：服务半径（公里）",
    "param_site_radius_km": "参数：配送半径（公里）", "param_strategy": "参数：布点方式",
    "param_rural_bias": "参数：农村权重", "param_cell_km": "参数：网格间距（公里）",
    "param_distance": "参数：距离计算方式", "distribution_sites": "配送中心数",
    "service_outlets": "服务网点数", "scenario": "情景", "attribution": "数据来源",
}
VALUES_ZH = {"simulated": "模拟", "imported": "导入", "recommended": "推荐", "accepted": "已采纳",
             "proposed": "建议", "straight": "直线", "terrain": "地形", **STRATEGY_ZH}
CHART_ZH = {"Rural coverage by province": "各省农村覆盖率", "rural people covered": "农村人口覆盖率",
            "Coverage curve": "覆盖曲线", "new outlets": "新增网点数"}


def sheet_name(key: str, lang: str) -> str:
    return SHEETS_ZH.get(key, key) if lang == "zh" else key


def header_text(key: str, lang: str) -> str:
    return HEADERS_ZH.get(key, key) if lang == "zh" else key


def cell_word(value: str, lang: str) -> str:
    """A word the app writes into a cell (a source, a status, a method), never user text."""
    return VALUES_ZH.get(value, value) if lang == "zh" else value


def chart_text(text: str, lang: str) -> str:
    return CHART_ZH.get(text, text) if lang == "zh" else text
