"""Credit results: the lists in force, one archive page per rating year, the year-over-year
changes, the lists as downloads, and each company's grade line.

Archive pages live at credit/<year>/ forever and show nothing that depends on later years,
so adding a year never changes an earlier year's page or its address.
"""

from __future__ import annotations

import json
from collections import Counter

from .. import exports, svgchart
from ..changes import YearChanges, compare
from ..model import ListEntry, Model
from ..pages import Contribution, DataFile, Page
from ..reads import ALL, Reads
from ..settings import RatingYear, Settings

LISTS = ("红榜", "黑榜")
# The downloadable list columns: (JSON key, Chinese header). The rows are those of the tables.
LIST_COLUMNS = (
    ("year", "年度"), ("list", "榜单"), ("projects", "项目名称"), ("company_name", "企业名称"),
    ("code", "统一社会信用代码"), ("legal_rep", "企业法定代表人"), ("grade", "等级"), ("score", "得分"),
    ("reason", "失信行为"), ("penalty", "处理措施"), ("decision_no", "决定文号"), ("listed_on", "列入日期"),
    ("expires_on", "到期日期"), ("repaired_on", "信用修复日期"), ("repair_decision", "修复决定文号"),
    ("status", "状态"), ("status_date", "状态日期"),
)


def reads(settings: Settings) -> Reads:
    """The lists name each company, its legal representative, district and projects (taken
    from its communities' names when the rating names none)."""
    return Reads(companies=("code", "name", "legal_rep", "district"), communities=("name", "company"), ratings=ALL)


def contribute(model: Model) -> Contribution:
    changes = {y.year: year_changes(model, y) for y in model.rating_years}
    pages = [_current_page(model, changes)]
    files: list[DataFile] = []
    for year in model.rating_years:
        pages.append(_year_page(model, year, changes[year.year]))
        files += _list_downloads(model, year)
    files += _grade_lines(model)
    return Contribution(pages=pages, files=files)


def year_changes(model: Model, year: RatingYear) -> YearChanges | None:
    """Against the year before among the published years, if there is one."""
    earlier = [y for y in model.rating_years if y.year < year.year]
    if not earlier:
        return None
    previous = earlier[-1].year
    return compare(year.year, previous, model.ratings_of_year(previous), model.ratings_of_year(year.year),
                   [g.name for g in model.settings.credit.grades], {c: co.name for c, co in model.companies.items()})


def _current_page(model: Model, changes: dict[int, YearChanges | None]) -> Page:
    year = model.current_year
    return Page(
        "credit/index.html", "credit.html", "信用评价红黑榜",
        {"year": year, "years": model.rating_years,
         "red": model.current_entries("红榜"), "black": model.current_entries("黑榜"),
         "changes": changes.get(year.year) if year else None},
        column="信用评价", column_description="物业服务企业信用综合评价结果及红黑榜", column_type="信息公开",
    )


def _year_page(model: Model, year: RatingYear, changes: YearChanges | None) -> Page:
    ratings = sorted(model.ratings_of_year(year.year), key=lambda r: (-r.score, r.company_name))
    grades = [g.name for g in model.settings.credit.grades]
    overall = Counter(r.grade for r in ratings)
    by_district: dict[str, Counter] = {}
    for code in sorted(model.districts):
        counts = Counter(r.grade for r in ratings if model.companies[r.code].district == code)
        if counts:
            by_district[model.district_name(code)] = counts
    distribution = [(g, overall.get(g, 0)) for g in grades]
    district_rows = [(name, [counts.get(g, 0) for g in grades], sum(counts.values()))
                     for name, counts in by_district.items()]
    return Page(
        f"credit/{year.year}/index.html", "credit_year.html", f"{year.year}年度物业服务企业信用评价结果",
        {"year": year, "ratings": ratings,
         "red": model.list_entries(year.year, "红榜"), "black": model.list_entries(year.year, "黑榜"),
         "grades": grades, "distribution": distribution, "district_rows": district_rows,
         "chart": svgchart.bar_chart(f"{year.year}年度信用等级分布（家）",
                                     [(f"{g} 级", n) for g, n in distribution], unit=" 家"),
         "district_chart": svgchart.stacked_bar_chart(
             f"{year.year}年度各旗县区信用等级分布（家）", [name for name, _, _ in district_rows],
             [(f"{g} 级", [row[i] for _, row, _ in district_rows]) for i, g in enumerate(grades)], unit=" 家"),
         "changes": changes},
        column="信用评价", article_date=f"{year.published.isoformat()} 09:00",
        article_source=model.settings.organiser,
    )


# --- downloads -------------------------------------------------------------------------------

def list_rows(model: Model, year: int) -> list[dict]:
    """The red then the black list of a year, as the archive page's tables show them."""
    rows = []
    for which in LISTS:
        for entry in model.list_entries(year, which):
            rows.append(_row(entry, which))
    return rows


def _row(entry: ListEntry, which: str) -> dict:
    r = entry.rating
    black = which == "黑榜"
    return {
        "year": r.year, "list": which, "projects": "、".join(entry.projects), "company_name": entry.company.name,
        "code": r.code, "legal_rep": entry.company.legal_rep, "grade": r.grade, "score": r.score,
        "reason": r.reason or "", "penalty": r.penalty or "", "decision_no": r.decision_no or "",
        "listed_on": _iso(r.listed_on), "expires_on": _iso(r.expires_on), "repaired_on": _iso(r.repaired_on),
        "repair_decision": r.repair_decision or "",
        "status": entry.status.state if black else "",
        "status_date": _iso(entry.status.since) if black and not entry.status.current else "",
    }


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _list_downloads(model: Model, year: RatingYear) -> list[DataFile]:
    rows = list_rows(model, year.year)
    headers = [label for _, label in LIST_COLUMNS]
    table = [[row[key] for key, _ in LIST_COLUMNS] for row in rows]
    stem = f"downloads/credit-lists-{year.year}"
    data = {"year": year.year, "document_number": year.document_number, "published": year.published.isoformat(),
            "as_of": model.as_of.isoformat(), "columns": dict(LIST_COLUMNS), "rows": rows}
    return [
        DataFile(f"{stem}.csv", exports.to_csv(headers, table)),
        DataFile(f"{stem}.xlsx", exports.to_xlsx(f"{year.year}年度红黑榜", headers, table, model.as_of,
                                                       model.workbook_cache(__name__))),
        DataFile(f"{stem}.json", (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")),
    ]


def _grade_lines(model: Model) -> list[DataFile]:
    """companies/<code>/grades.svg: the grade per published year, drawn on the company page."""
    years = [y.year for y in model.rating_years]
    grades = [g.name for g in model.settings.credit.grades]
    files = []
    for code, ratings in sorted(model.ratings_by_company.items()):
        by_year = {r.year: r.grade for r in ratings if r.year in years}
        if not by_year:
            continue
        shown = [y for y in years if y >= min(by_year)]  # from its first rating on; gaps break the line
        svg = svgchart.level_line(f"{model.companies[code].name}历年信用等级",
                                  [(str(y), by_year.get(y)) for y in shown], grades, standalone=True)
        files.append(DataFile(f"companies/{code}/grades.svg", str(svg).encode("utf-8")))
    return files
