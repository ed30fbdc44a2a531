"""Credit results: the current red and black lists and one archive page per rating year."""

from __future__ import annotations

from collections import Counter

from ..model import Model
from ..pages import Contribution, Page


def contribute(model: Model) -> Contribution:
    return Contribution(pages=_pages(model))


def _pages(model: Model) -> list[Page]:
    result = []
    current = model.current_year
    result.append(Page(
        "credit/index.html", "credit.html", "信用评价红黑榜",
        {"year": current, "years": model.rating_years,
         "red": _current(model, current, "红榜"), "black": _current(model, current, "黑榜")},
        column="信用评价", column_description="物业服务企业信用综合评价结果及红黑榜", column_type="信息公开",
    ))
    for year in model.rating_years:
        ratings = sorted(model.ratings_of_year(year.year), key=lambda r: (-r.score, r.company_name))
        grades = Counter(r.grade for r in ratings)
        result.append(Page(
            f"credit/{year.year}/index.html", "credit_year.html", f"{year.year}年度物业服务企业信用评价结果",
            {"year": year, "ratings": ratings, "companies": model.companies,
             "red": model.list_entries(year.year, "红榜"), "black": model.list_entries(year.year, "黑榜"),
             "distribution": [(g.name, grades.get(g.name, 0)) for g in model.settings.credit.grades]},
            column="信用评价", article_date=f"{year.published.isoformat()} 09:00",
            article_source=model.settings.organiser,
        ))
    return result


def _current(model: Model, year, which: str):
    """Entries in force on as_of: the latest year's list, less expired or repaired entries."""
    if year is None:
        return ()
    return tuple(e for e in model.list_entries(year.year, which) if e.status.current)
