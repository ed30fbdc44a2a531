"""The action plan's indicators, per district and for the whole city, from the records.

What each indicator counts, its target and its deadline come from site.yaml (``targets``);
this module only knows how to count. Percentages are compared exactly (as fractions), so a
district at 4 of 5 meets an 80% target and one at 79.9% does not, whatever the rounding
shown on the page. Shown values are cut (never rounded up) to one decimal, for the same
reason: a page never shows "80.0%" next to "未达标".
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter
from typing import Any

from .records import COMMITTEES, MANAGEMENT_MODES, PARTY_STATUSES, Community, Company, District
from .schema import column, dataset
from .settings import TARGET_SUBJECTS, Target, Targets

MET, NOT_MET, NO_DATA = "达标", "未达标", "暂无数据"
UNFILLED = "未填写"


@dataclass(frozen=True)
class Area:
    """A district, or the whole city, with the records that belong to it."""

    code: str
    name: str
    communities: tuple[Community, ...]
    companies: tuple[Company, ...]
    is_city: bool = False

    def subjects(self, subject: str) -> tuple[Any, ...]:
        return self.communities if subject == "communities" else self.companies


@dataclass(frozen=True)
class Result:
    """One indicator in one area."""

    code: str
    name: str
    total: int  # records in the target's scope ("among")
    count: int  # share: records meeting "count"; average: records surveyed
    value: Fraction | None  # percent; None when there is nothing to measure
    met: bool | None
    gap: int | None  # share: how many more records must meet it to reach the target
    below: int | None = None  # average: surveyed records under the target
    is_city: bool = False

    @property
    def status(self) -> str:
        return NO_DATA if self.met is None else MET if self.met else NOT_MET

    @property
    def shown(self) -> str:
        return "—" if self.value is None else f"{cut(self.value)}%"


@dataclass(frozen=True)
class Indicator:
    target: Target
    results: tuple[Result, ...]  # districts in scope, then the city (when the target is city-wide)
    due: bool  # the deadline has passed on the build's date

    @property
    def unit(self) -> str:
        return "个小区" if self.target.subject == "communities" else "家企业"

    @property
    def city(self) -> Result | None:
        return next((r for r in self.results if r.is_city), None)

    @property
    def headline(self) -> Result | None:
        """The city-wide figure, or the only district of a district target."""
        return self.city or (self.results[0] if len(self.results) == 1 else None)

    def definition(self) -> str:
        """What is counted, in words, for the page and the ledger."""
        target = self.target
        noun = TARGET_SUBJECTS[target.subject]
        among = "，".join(f"{_label(target.subject, k)}为{'或'.join(v)}" for k, v in target.among.items())
        scope = f"{among}的{noun}" if among else f"全部{noun}"
        if target.measure == "average":
            label = _label(target.subject, target.average_of)
            return f"{scope}中已调查的，{label}按户数加权的平均值；目标 ≥ {target.min_percent:g}%"
        count = "，且".join(f"{_label(target.subject, k)}为{'或'.join(v)}" for k, v in target.count.items())
        return f"{scope}中，{count}的比例；目标 ≥ {target.min_percent:g}%"


@dataclass(frozen=True)
class Breakdown:
    """Records counted by one field's values, per area (e.g. communities by management mode)."""

    title: str
    values: tuple[str, ...]
    rows: tuple[tuple[str, str, tuple[int, ...], int], ...]  # (code, name, counts, total)


@dataclass(frozen=True)
class Coverage:
    indicators: tuple[Indicator, ...]
    breakdowns: tuple[Breakdown, ...]
    areas: tuple[Area, ...]


@dataset("indicators", "行动方案指标完成情况",
         "按 site.yaml 中的行动方案考核指标，由住宅小区和物业服务企业数据计算的各旗县区及全市指标值。",
         ("key", "area_code"))
class IndicatorRow:
    key: str = column("指标编号", required=True)
    title: str = column("指标名称", required=True)
    area: str = column("区域", required=True, description="旗县区名称或全市")
    area_code: str = column("区划代码", required=True)
    total: int = column("统计数", "integer", required=True, minimum=0,
                        description="统计范围内的小区（企业）数")
    count: int = column("计入数", "integer", required=True, minimum=0,
                        description="比例类指标为符合条件的数量；平均类指标（如满意率）为已调查的小区数")
    value: float = column("指标值", "number", minimum=0, maximum=100, unit="%",
                          description="保留一位小数（舍去，不进位）；无统计对象时为空")
    target: float = column("目标值", "number", required=True, minimum=0, maximum=100, unit="%")
    deadline: dt.date = column("完成期限", "date", required=True)
    status: str = column("是否达标", required=True, enum=(MET, NOT_MET, NO_DATA))
    gap: int = column("还需数量", "integer", minimum=0,
                      description="比例类指标还需达标的小区（企业）数；已达标为 0，平均类指标为空")


def cut(value: Fraction) -> str:
    """One decimal, cut toward zero, so 79.99 shows as 79.9 and never as a met 80.0."""
    tenths = math.floor(value * 10)
    return f"{tenths // 10}.{tenths % 10}"


def _label(subject: str, key: str) -> str:
    dataset = (Community if subject == "communities" else Company).INFO  # type: ignore[attr-defined]
    return dataset.column(key).label


def _matches(record: Any, conditions: dict[str, tuple[str, ...] | list[str]]) -> bool:
    return all(getattr(record, key) in values for key, values in conditions.items())


def target_fields(targets: Targets, subject: str) -> tuple[str, ...]:
    """The fields of ``subject``'s records ("communities" or "companies") that the targets
    read, for the sections that count them (reads.py)."""
    fields = set()
    for target in targets.indicators:
        if target.subject == subject:
            fields.update(target.among, target.count, [target.average_of] if target.average_of else [])
            if target.measure == "average" and subject == "communities":
                fields.add("households")  # the average is weighted by households
    return tuple(sorted(fields))


def in_scope(target: Target, record: Any) -> bool:
    return _matches(record, target.among)


def counts(target: Target, record: Any) -> bool:
    """Whether one in-scope record counts toward a share target (the ledger's 是/否)."""
    return _matches(record, target.count)


def _tally(records: Sequence[Any], keys: tuple[str, ...]) -> Counter[tuple[Any, ...]]:
    """How many records have each combination of these fields' values.

    A share target only looks at a few fields with a few values each, so it is evaluated
    over these combinations instead of over every record (a province has 50,000).
    """
    if not keys:
        return Counter({(): len(records)})
    return Counter(zip(*(map(attrgetter(key), records) for key in keys), strict=True))


Tallies = dict[tuple[int, tuple[str, ...]], Counter[tuple[Any, ...]]]  # (id of the records, fields) -> tally


def _share_counts(target: Target, records: Sequence[Any], tallies: Tallies) -> tuple[int, int]:
    """(records in the target's scope, of those the records that count). ``tallies`` keeps
    each tally for the other targets that read the same fields of the same records (the
    bundled targets read three sets of fields between them)."""
    keys = (*target.among, *target.count)
    tally = tallies.get((id(records), keys))
    if tally is None:
        tally = tallies[id(records), keys] = _tally(records, keys)
    total = hits = 0
    for values, number in tally.items():
        fields = dict(zip(keys, values, strict=True))
        if all(fields[key] in allowed for key, allowed in target.among.items()):
            total += number
            if all(fields[key] in allowed for key, allowed in target.count.items()):
                hits += number
    return total, hits


def _average(target: Target, records: Sequence[Any], area: Area, goal: Fraction) -> Result:
    scope = [r for r in records if in_scope(target, r)] if target.among else list(records)
    common = {"code": area.code, "name": area.name, "total": len(scope), "is_city": area.is_city}
    surveyed = [r for r in scope if getattr(r, target.average_of) is not None]
    weight = sum(r.households for r in surveyed)
    if not surveyed or weight == 0:
        return Result(**common, count=len(surveyed), value=None, met=None, gap=None)
    # Records and households per distinct value: each exact fraction is made once, not per record.
    found: Counter[Any] = Counter()
    households: Counter[Any] = Counter()
    for r in surveyed:
        found[getattr(r, target.average_of)] += 1
        households[getattr(r, target.average_of)] += r.households
    exact = {v: Fraction(str(v)) for v in found}
    value = sum(exact[v] * h for v, h in households.items()) / weight
    below = sum(n for v, n in found.items() if exact[v] < goal)
    return Result(**common, count=len(surveyed), value=value, met=value >= goal, gap=None, below=below)


def evaluate(target: Target, area: Area, tallies: Tallies | None = None) -> Result:
    records = area.subjects(target.subject)
    goal = Fraction(str(target.min_percent))
    if target.measure == "average":
        return _average(target, records, area, goal)
    total, hits = _share_counts(target, records, {} if tallies is None else tallies)
    common = {"code": area.code, "name": area.name, "total": total, "is_city": area.is_city}
    if not total:
        return Result(**common, count=0, value=None, met=None, gap=None)
    value = Fraction(hits * 100, total)
    needed = math.ceil(goal * total / 100)
    return Result(**common, count=hits, value=value, met=value >= goal, gap=max(0, needed - hits))


def _targeted(target: Target, area: Area) -> bool:
    return not target.districts or (not area.is_city and area.name in target.districts)


def indicators(targets: Targets, areas: Sequence[Area], as_of: dt.date) -> tuple[Indicator, ...]:
    result = []
    tallies: Tallies = {}  # the areas' records live as long as this, so their ids stay theirs
    for target in targets.indicators:
        rows = tuple(evaluate(target, a, tallies) for a in areas if _targeted(target, a))
        result.append(Indicator(target, rows, due=as_of > target.deadline))
    return tuple(result)


def breakdowns(areas: Sequence[Area]) -> tuple[Breakdown, ...]:
    def tally(title: str, values: tuple[str, ...], subject: str, key: str) -> Breakdown:
        shown = (*values, UNFILLED) if subject == "companies" else values
        rows = []
        for area in areas:
            records = area.subjects(subject)
            found = [getattr(r, key) or UNFILLED for r in records]
            rows.append((area.code, area.name, tuple(found.count(v) for v in shown), len(records)))
        return Breakdown(title, shown, tuple(rows))

    return (
        tally("住宅小区管理方式", MANAGEMENT_MODES, "communities", "mode"),
        tally("业主组织组建情况", COMMITTEES, "communities", "committee"),
        tally("物业服务企业党建情况（按注册地）", PARTY_STATUSES, "companies", "party"),
    )


def areas_of(districts: Iterable[District], communities: Iterable[Community], companies: Iterable[Company],
             city_code: str, city_name: str) -> tuple[Area, ...]:
    """Each district (even one with no records), then the city as a whole."""
    communities = tuple(communities)
    companies = tuple(companies)
    # One pass over the records, not one per district: the province has 55,000 and seven districts.
    communities_in, companies_in = _by_district(communities), _by_district(companies)
    result = [Area(d.code, d.name, tuple(communities_in.get(d.code, ())), tuple(companies_in.get(d.code, ())))
              for d in districts]
    result.append(Area(city_code, city_name, communities, companies, is_city=True))
    return tuple(result)


def _by_district(records: Iterable[Any]) -> dict[str, list[Any]]:
    """The records of each district code, in their order."""
    found: dict[str, list[Any]] = {}
    for record in records:
        found.setdefault(record.district, []).append(record)
    return found


def compute(targets: Targets, areas: Sequence[Area], as_of: dt.date) -> Coverage:
    return Coverage(indicators(targets, areas, as_of), breakdowns(areas), tuple(areas))


def district_report(targets: Targets, district: District, communities: Iterable[Community],
                    companies: Iterable[Company], as_of: dt.date) -> Coverage:
    """One district's own figures (its page shows them); targets for other districts drop out."""
    area = Area(district.code, district.name, tuple(communities), tuple(companies))
    found = compute(targets, [area], as_of)
    return Coverage(tuple(i for i in found.indicators if i.results), found.breakdowns, found.areas)


def indicator_rows(coverage: Coverage) -> list[IndicatorRow]:
    """The indicators as a published dataset: one row per indicator and area."""
    rows = []
    for indicator in coverage.indicators:
        target = indicator.target
        for r in indicator.results:
            rows.append(IndicatorRow(
                key=target.key, title=target.title, area=r.name, area_code=r.code, total=r.total,
                count=r.count, value=None if r.value is None else float(cut(r.value)),
                target=target.min_percent, deadline=target.deadline, status=r.status, gap=r.gap,
            ))
    return rows
