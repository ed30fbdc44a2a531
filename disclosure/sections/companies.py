"""Companies: the directory, and a page per company with its data.json.

The directory is filterable without JavaScript: each filter value (a district, a
grade, a list) has its own static, paginated page, so every filtered view has a stable URL
and works on any static host. ``companies/filter.json`` lets the script combine filters
instantly in the browser; the static pages stay the reference.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Model
from ..pages import Contribution, DataFile, Page, paginate
from ..reads import ALL, Reads
from ..records import Company
from ..settings import Settings
from . import opendata

COMPANY_COLUMN = dict(column="物业服务企业", column_description="本市物业服务企业的登记信息、信用等级和所服务小区",
                      column_type="信息公开")
LIST_SLUGS = (("red", "红榜"), ("black", "黑榜"))
UNRATED = ("none", "未评价")


@dataclass(frozen=True)
class FilterOption:
    facet: str  # the facet's key: district, grade or list
    slug: str  # the URL segment: companies/<facet>/<slug>/
    label: str
    count: int

    @property
    def path(self) -> str:
        return f"companies/{self.facet}/{self.slug}/index.html"

    @property
    def url_path(self) -> str:
        return self.path.removesuffix("index.html")


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    options: tuple[FilterOption, ...]


def reads(settings: Settings) -> Reads:
    """A company's page shows all of it, its ratings, and its communities by name and street."""
    return Reads(companies=ALL, communities=("id", "name", "street", "company"), ratings=ALL)


def contribute(model: Model) -> Contribution:
    rows = [company_row(model, c) for c in model.companies_sorted]
    files = [DataFile("companies/filter.json", _filter_json(rows)), *opendata.record_files(model, "companies")]
    return Contribution(pages=_company_pages(model, rows), files=files)


def _company_pages(model: Model, rows: list[dict]) -> list[Page]:
    facets, tests = _facets(model, rows)
    result = _directory(model, rows, facets, None, "companies/index.html")
    for facet in facets:
        for option in facet.options:
            chosen = [r for r in rows if tests[facet.key, option.slug](r)]
            result += _directory(model, chosen, facets, option, option.path)
    for row in rows:
        company = row["company"]
        result.append(Page(
            f"companies/{company.code}/index.html", "company.html", company.name,
            {**row, "ratings": model.published_ratings.get(company.code, ()),
             "communities": model.communities_by_company.get(company.code, ())},
            column="物业服务企业",
        ))
    return result


def _directory(model: Model, rows: list[dict], facets: tuple[Facet, ...], chosen: FilterOption | None,
               first_path: str) -> list[Page]:
    title = "物业服务企业名录" if chosen is None else f"物业服务企业名录：{chosen.label}"
    return [
        Page(chunk["path"], "companies.html", title + (f"（第 {chunk['number']} 页）" if chunk["number"] > 1 else ""),
             {"listing": chunk, "total": len(rows), "facets": facets, "chosen": chosen}, **COMPANY_COLUMN)
        for chunk in paginate(rows, model.settings.per_page, first_path)
    ]


def _slug(name: str, index: int) -> str:
    """A grade's URL segment: its name in lower case when that is plain ASCII, else its position."""
    return name.lower() if re.fullmatch(r"[A-Za-z0-9+-]+", name) else f"g{index + 1}"


def _facets(model: Model, rows: list[dict]) -> tuple[tuple[Facet, ...], dict[tuple[str, str], Callable]]:
    """The three filters with their values (only values some company has), and a test for each."""
    tests: dict[tuple[str, str], Callable[[dict], bool]] = {}
    districts = []
    for code, district in sorted(model.districts.items()):
        tests["district", code] = lambda r, code=code: r["company"].district == code
        districts.append((code, district.name))
    grades = [(_slug(g.name, i), g.name) for i, g in enumerate(model.settings.credit.grades)]
    for slug, name in grades:
        tests["grade", slug] = lambda r, name=name: r["latest"] is not None and r["latest"].grade == name
    tests["grade", UNRATED[0]] = lambda r: r["latest"] is None
    for slug, name in LIST_SLUGS:
        tests["list", slug] = lambda r, name=name: r["latest"] is not None and r["latest"].list == name
    values = {"district": districts, "grade": [*grades, UNRATED], "list": list(LIST_SLUGS)}
    labels = {"district": "旗县区", "grade": "信用等级", "list": "红黑榜"}
    facets = []
    for key, options in values.items():
        counted = [FilterOption(key, slug, label, sum(1 for r in rows if tests[key, slug](r)))
                   for slug, label in options]
        facets.append(Facet(key, labels[key], tuple(o for o in counted if o.count)))
    return tuple(facets), tests


def _filter_json(rows: list[dict]) -> bytes:
    """What the directory's script needs to filter instantly, in pinyin order."""
    data = [{
        "name": r["company"].name, "code": r["company"].code, "district": r["company"].district,
        "district_name": r["district"], "legal_rep": r["company"].legal_rep,
        "grade": r["latest"].grade if r["latest"] else "", "list": r["latest"].list if r["latest"] else "",
        "communities": r["community_count"],
    } for r in rows]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def company_row(model: Model, company: Company) -> dict:
    return {
        "company": company,
        "district": model.district_name(company.district),
        "latest": model.latest_rating(company.code),
        "community_count": len(model.communities_by_company.get(company.code, ())),
    }
