"""/coverage/: the action plan's targets per district, with charts, tables and the ledgers (台账).

Charts are inline SVG laid out here (plain numbers in a dataclass) and drawn by the template,
so every label goes through Jinja's escaping; each chart has a text alternative and its data
table beside it, and nothing needs JavaScript.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass

from .. import exports
from ..coverage import Area, Coverage, Indicator, areas_of, compute, counts, in_scope, target_fields
from ..model import Model
from ..pages import Contribution, DataFile, Page
from ..problems import InputError, Problems
from ..reads import ALL, Reads
from ..records import Community
from ..schema import info
from ..settings import Settings, Targets

CITY_NAME = "全市"
LEDGER_DIR = "downloads/ledger"

# Chart geometry in SVG user units; the template sizes the SVG in em so that 16 units are one
# text size, and the chart grows with the elderly mode's larger text.
WIDTH, LABEL_W, BAR_W, ROW_H, BAR_H, TOP = 660, 120, 380, 40, 24, 44
BAR_X = LABEL_W + 10


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width: float  # 0 when there is nothing to draw
    text: str  # value and status in words, so colour is never the only signal
    met: bool | None
    is_city: bool


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str  # the text alternative: every figure the chart shows
    height: int
    target_x: float
    target_label: str
    bars: tuple[Bar, ...]
    width: int = WIDTH
    bar_x: int = BAR_X
    label_x: int = LABEL_W
    bar_h: int = BAR_H
    top: int = TOP


def from_model(model: Model) -> Coverage:
    districts = [model.districts[code] for code in sorted(model.districts)]
    _check_districts(model.settings.targets, {d.name for d in districts})
    areas = areas_of(districts, model.catalog.communities, model.catalog.companies,
                     model.settings.city_code, CITY_NAME)
    return compute(model.settings.targets, areas, model.as_of)


def _check_districts(targets: Targets, names: set[str]) -> None:
    """A target for a district the data does not have would silently measure nothing."""
    problems = Problems()
    for n, target in enumerate(targets.indicators, start=1):
        for name in target.districts:
            if name not in names:
                problems.error("site.yaml", f"targets.indicators[{n}]（{target.title}）：districts 中的旗县区不存在",
                               value=name, expected="、".join(sorted(names)))
    if problems:
        raise InputError(problems, "计算行动方案指标")


def chart(indicator: Indicator) -> Chart:
    target = indicator.target
    bars = []
    for n, r in enumerate(indicator.results):
        if r.value is None:
            text = "无统计对象" if r.total == 0 else "暂无数据"
            width = 0.0
        else:
            text = f"{r.shown} {r.status}"
            width = round(float(r.value) / 100 * BAR_W, 1)
        bars.append(Bar(r.name, TOP + n * ROW_H, width, text, r.met, r.is_city))
    parts = [f"{r.name} {r.shown}，{r.status}" + (f"，还需 {r.gap} {indicator.unit}" if r.gap else "")
             for r in indicator.results]
    description = (f"{target.title}（目标 ≥ {target.min_percent:g}%，期限 {target.deadline.isoformat()}）："
                   + "；".join(parts) + "。")
    return Chart(
        id=f"chart-{target.key}", title=f"{target.title}：各旗县区与目标线", description=description,
        height=TOP + len(bars) * ROW_H + 8, target_x=round(BAR_X + target.min_percent / 100 * BAR_W, 1),
        target_label=f"目标 {target.min_percent:g}%", bars=tuple(bars),
    )


def reads(settings: Settings) -> Reads:
    """Every community (the ledgers list them whole); companies by district and party, and by
    the fields the targets name."""
    company_fields = ("code", "name", "district", "party", *target_fields(settings.targets, "companies"))
    return Reads(companies=company_fields, communities=ALL)


def contribute(model: Model) -> Contribution:
    coverage = from_model(model)
    ledgers = _ledgers(model, coverage)
    # The context holds only the figures shown, not the records counted: incremental builds
    # fingerprint a page by its context, and a company's new address changes no figure here.
    page = Page(
        "coverage/index.html", "coverage.html", "行动方案目标完成情况",
        {"indicators": coverage.indicators, "breakdowns": coverage.breakdowns,
         "charts": {i.target.key: chart(i) for i in coverage.indicators},
         "plan": model.settings.targets.plan, "document": model.settings.targets.document,
         "ledgers": [(area.name, file.path, len(file.content)) for area, file in ledgers]},
        column="目标完成情况", column_type="信息公开",
        column_description="行动方案各项指标在各旗县区和全市的完成情况、目标与期限",
    )
    return Contribution(pages=[page], files=[file for _, file in ledgers])


# --- the ledger (台账) -------------------------------------------------------------------------

BASE_FIELDS = ("id", "name", "district", "street", "address", "company", "mode", "category",
               "building_type", "households", "committee", "satisfaction")


def ledger_columns(model: Model) -> list[str]:
    """The community fields the ledger lists: who and where, and every field a target uses."""
    used = {key for t in model.settings.targets.indicators if t.subject == "communities"
            for key in (*t.among, *t.count, *([t.average_of] if t.average_of else []))}
    declared = [c.key for c in info(Community).public_columns]
    return [k for k in declared if k in BASE_FIELDS or k in used]


def _ledgers(model: Model, coverage: Coverage) -> list[tuple[Area, DataFile]]:
    keys = ledger_columns(model)
    columns = [info(Community).column(k) for k in keys]
    share = [i for i in coverage.indicators if i.target.subject == "communities" and i.target.measure == "share"]
    headers = [c.header() for c in columns] + [f"计入：{i.target.title}" for i in share]
    flags = [_flag_reader(model, i) for i in share]
    # Each community is in two ledgers, its district's and the city's: its row is made once.
    made = {community.id: [exports.cell_value(model, c, getattr(community, c.key)) for c in columns]
            + [flag(community) for flag in flags] for community in model.catalog.communities}
    result = []
    for area in coverage.areas:
        rows = [made[c.id] for c in sorted(area.communities, key=lambda c: (c.district, c.street, c.id))]
        sheets = [("台账", headers, rows), ("指标", *_indicator_sheet(coverage, area))]
        data = exports.to_workbook(sheets, model.as_of, model.workbook_cache(__name__),
                                   model.workbook_rows(__name__, area.code))
        result.append((area, DataFile(f"{LEDGER_DIR}/{area.code}.xlsx", data)))
    return result


def _flag_reader(model: Model, indicator: Indicator) -> Callable[[Community], str]:
    """The indicator's ledger flag of a community, remembered by the fields it reads: a
    province's 50,000 communities share a few hundred combinations of them."""
    target = indicator.target
    fields = operator.attrgetter("district", *target.among, *target.count)
    known: dict[object, str] = {}

    def flag(community: Community) -> str:
        key = fields(community)
        if key not in known:
            known[key] = _ledger_flag(model, indicator, community)
        return known[key]

    return flag


def _ledger_flag(model: Model, indicator: Indicator, community: Community) -> str:
    target = indicator.target
    if target.districts and model.district_name(community.district) not in target.districts:
        return "不考核"
    if not in_scope(target, community):
        return "不在统计范围"
    return "是" if counts(target, community) else "否"


def _indicator_sheet(coverage: Coverage, area: Area) -> tuple[list[str], list[list]]:
    headers = ["指标", "统计数", "计入数", "指标值（%）", "目标值（%）", "完成期限", "是否达标", "还需数量", "统计口径"]
    rows = []
    for indicator in coverage.indicators:
        result = next((r for r in indicator.results if r.code == area.code), None)
        if result is None:
            continue
        value = "" if result.value is None else float(result.shown.rstrip("%"))
        rows.append([indicator.target.title, result.total, result.count, value, indicator.target.min_percent,
                     indicator.target.deadline.isoformat(), result.status,
                     "" if result.gap is None else result.gap, indicator.definition()])
    return headers, rows
