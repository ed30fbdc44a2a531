"""Credit ratings: grades from scores, red and black lists, their validity on a given day.

The scheme (grades, cut-offs, which grades are listed, listing periods) comes from site.yaml;
this module only applies it. Being listed is kept apart from the grade: a serious breach puts
a company on the black list whatever its score, so a black-list entry outside the black-list
grades is allowed when it gives its reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from .problems import Problems
from .records import Community, Company, Rating
from .settings import Credit
from .text import match_key


def grade_for_score(scheme: Credit, score: float) -> str:
    for grade in scheme.grades:  # highest first
        if score >= grade.min_score:
            return grade.name
    return scheme.grades[-1].name


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_ratings(ratings: list[Rating], companies: list[Company], scheme: Credit,
                  problems: Problems, rejected: set[str] = frozenset()) -> None:
    """Every rule of the scheme; ``rejected`` holds companies whose own rows failed (not re-reported)."""
    by_code = {c.code: c for c in companies}
    published_years = {y.year for y in scheme.years}
    seen: dict[tuple[int, str], Rating] = {}
    years_by_file: dict[str, set[int]] = defaultdict(set)
    for r in ratings:
        assert r.source is not None
        file, row = r.source.file, r.source.row
        years_by_file[file].add(r.year)

        def error(message: str, column: str, value: object = None, expected: str | None = None,
                  file: str = file, row: int = row) -> None:
            problems.error(file, message, row=row, column=column,
                           value=None if value is None else str(value), expected=expected)

        company = by_code.get(r.code)
        if company is None and {match_key(r.code), match_key(r.company_name)} & rejected:
            continue
        if company is None:
            error("企业名录（data/companies）中没有该统一社会信用代码的企业", "统一社会信用代码", r.code,
                  "先在企业名录中登记该企业")
        elif r.company_name not in company.names:
            error(f"企业名称与统一社会信用代码不符：该代码登记的企业是“{company.name}”", "企业名称",
                  r.company_name, company.name)
        if not scheme.score_min <= r.score <= scheme.score_max:
            error("得分超出范围", "得分", f"{r.score:g}", f"{scheme.score_min:g} 至 {scheme.score_max:g}")
        else:
            expected_grade = grade_for_score(scheme, r.score)
            if r.grade != expected_grade:
                error(f"等级与得分不符：得分 {r.score:g} 按 site.yaml 的分数线应为 {expected_grade} 级，"
                      f"表中为 {r.grade}", "等级", r.grade, expected_grade)
        key = (r.year, r.code)
        if key in seen:
            first = seen[key]
            assert first.source is not None
            where = f"另见 {first.source.file} 第 {first.source.row} 行"
            if {first.list, r.list} == {"红榜", "黑榜"}:
                error(f"同一企业在 {r.year} 年度同时列入红榜和黑榜（{where}）", "红黑榜", r.list,
                      "每家企业每年度只能在一个榜单上")
            else:
                error(f"同一企业在 {r.year} 年度出现两次（{where}）", "统一社会信用代码", r.code, "每家企业每年度一行")
            continue  # the duplicate itself is the error to fix; its other cells are not judged twice
        seen[key] = r
        if r.year not in published_years:
            error(f"site.yaml 的 credit.years 中没有 {r.year} 年度的公布日期和文号", "年度", r.year,
                  "在 site.yaml 的 credit.years 中加入该年度")
        _check_lists(r, scheme, error)
    files_by_year: dict[int, list[str]] = defaultdict(list)
    for file, years in years_by_file.items():
        if len(years) > 1:
            problems.error(file, "一个评价结果文件只能包含一个年度", column="年度",
                           value="、".join(map(str, sorted(years))), expected="每个年度一个文件")
        for year in years:
            files_by_year[year].append(file)
    for year, files in files_by_year.items():
        if len(files) > 1:
            for file in files:
                problems.error(file, f"{year} 年度的评价结果分在两个文件中：{'、'.join(sorted(files))}", column="年度",
                               value=str(year), expected="每个年度只放一个文件，删除或合并多余的文件")


def split_projects(text: str | None) -> tuple[str, ...]:
    """The projects named on a list cell, split on either semicolon or the enumeration comma."""
    if not text:
        return ()
    return tuple(p.strip() for p in text.replace("；", ";").replace("、", ";").split(";") if p.strip())


def check_projects(ratings: list[Rating], communities: list[Community], problems: Problems) -> None:
    """Projects named on a list are published as the announcement gives them (a company may
    since have left a project), so a name not among the company's communities is a warning
    for staff to look at, not an error that stops the build."""
    by_company: dict[str, set[str]] = defaultdict(set)
    for community in communities:
        if community.company:
            by_company[community.company].add(community.name)
    for r in ratings:
        assert r.source is not None
        for project in split_projects(r.projects):
            if project not in by_company.get(r.code, set()):
                problems.warn(r.source.file, "榜单所列项目不在该企业服务的小区名录中，请核对名称", row=r.source.row,
                              column="涉及项目", value=project, expected="与住宅小区名录中的项目名称一致")


def _check_lists(r: Rating, scheme: Credit, error) -> None:
    listed = r.list or "无"
    if r.grade in scheme.red_list_grades and listed != "红榜":
        error(f"{r.grade} 级按 site.yaml 应列入红榜", "红黑榜", listed, "红榜")
    if listed == "红榜" and r.grade not in scheme.red_list_grades:
        error(f"{r.grade} 级不能列入红榜", "红黑榜", listed, "、".join(scheme.red_list_grades) + " 级方可列入红榜")
    if r.grade in scheme.black_list_grades and listed != "黑榜":
        error(f"{r.grade} 级按 site.yaml 应列入黑榜", "红黑榜", listed, "黑榜")
    if listed != "黑榜":
        for key, label in (("listed_on", "列入日期"), ("expires_on", "到期日期"), ("repaired_on", "信用修复日期"),
                           ("repair_decision", "修复决定文号")):
            if value := getattr(r, key):
                error("未列入黑榜的企业不应填写此项", label, getattr(value, "isoformat", lambda: value)(), "留空")
        return
    for key, label in (("reason", "列入原因"), ("decision_no", "决定文号"), ("listed_on", "列入日期"),
                       ("expires_on", "到期日期")):
        if not getattr(r, key):
            error("列入黑榜必须填写此项", label, "", "黑榜公示须写明失信行为、决定文号和公示期")
    if r.listed_on and r.expires_on:
        shortest = add_months(r.listed_on, scheme.min_listing_months)
        longest = add_months(r.listed_on, scheme.max_listing_months)
        if not shortest <= r.expires_on <= longest:
            error("公示期不符合 site.yaml 规定的最短、最长期限", "到期日期", r.expires_on.isoformat(),
                  f"{shortest.isoformat()} 至 {longest.isoformat()} 之间")
        if r.repaired_on:
            if r.repaired_on < shortest:
                error(f"最短公示期（{scheme.min_listing_months} 个月）未满，不能信用修复", "信用修复日期",
                      r.repaired_on.isoformat(), f"不早于 {shortest.isoformat()}")
            if r.expires_on < r.repaired_on:
                error(f"信用修复日期晚于到期日期（{r.expires_on.isoformat()}），到期即自动移出，无需修复",
                      "信用修复日期", r.repaired_on.isoformat(), f"不晚于 {r.expires_on.isoformat()}，或留空")
            if not r.repair_decision:
                error("信用修复须写明修复决定文号", "修复决定文号", "", "修复决定的文号")
    if r.repair_decision and not r.repaired_on:
        error("填写了修复决定文号，却没有信用修复日期", "信用修复日期", "", "修复决定生效的日期")


@dataclass(frozen=True)
class ListStatus:
    state: str  # 公示中 / 已到期 / 已修复 / 未生效
    since: dt.date | None = None

    @property
    def current(self) -> bool:
        return self.state == "公示中"


def black_status(r: Rating, as_of: dt.date) -> ListStatus:
    """Where a black-list entry stands on ``as_of``; nothing is ever deleted."""
    if r.repaired_on and r.repaired_on <= as_of:
        return ListStatus("已修复", r.repaired_on)
    if r.expires_on and r.expires_on < as_of:
        return ListStatus("已到期", r.expires_on)
    if r.listed_on and r.listed_on > as_of:
        return ListStatus("未生效", r.listed_on)
    return ListStatus("公示中", r.listed_on)
