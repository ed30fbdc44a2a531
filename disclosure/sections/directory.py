"""Companies, communities (物业项目/小区) and districts: directories and a page per record.

The company directory is filterable without JavaScript: each filter value (a district, a
grade, a list) has its own static, paginated page, so every filtered view has a stable URL
and works on any static host. ``companies/filter.json`` lets the script combine filters
instantly in the browser; the static pages stay the reference.

A district with more communities than STREET_PAGES_OVER lists its streets (街道、乡镇), each
with a page of its own, instead of every community: at province scale (50,000 communities)
the page of a district of 20,000 was 3.0 MB and the communities index 4.3 MB, too heavy
for a phone. A city's districts stay on one page each.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

from .. import feeds, pinyin, prices
from ..model import Model
from ..pages import Contribution, DataFile, Page, paginate
from ..records import Community, Company

COMPANY_COLUMN = dict(column="物业服务企业", column_description="本市物业服务企业的登记信息、信用等级和所服务小区",
                      column_type="信息公开")
LIST_SLUGS = (("red", "红榜"), ("black", "黑榜"))
STREET_PAGES_OVER = 500  # communities in one district; more, and each street has a page of its own
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


def contribute(model: Model) -> Contribution:
    rows = [_company_row(model, c) for c in model.companies_sorted]
    streets = {code: streets_of(code, model.communities_by_district.get(code, ())) for code in model.districts}
    pages = _company_pages(model, rows) + _community_pages(model, streets) + _district_pages(model, streets)
    return Contribution(pages=pages, files=[DataFile("companies/filter.json", _filter_json(rows))])


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


def _company_row(model: Model, company: Company) -> dict:
    return {
        "company": company,
        "district": model.district_name(company.district),
        "latest": model.latest_rating(company.code),
        "community_count": len(model.communities_by_company.get(company.code, ())),
    }


@dataclass(frozen=True)
class Street:
    """A street (街道、乡镇) of a district that lists its streets, and its page."""

    name: str
    path: str  # districts/<code>/<pinyin>/index.html
    communities: tuple[Community, ...]

    @property
    def url_path(self) -> str:
        return self.path.removesuffix("index.html")


def streets_of(code: str, communities: tuple[Community, ...]) -> tuple[Street, ...]:
    """The district's streets in the model's (pinyin) order, when it has more communities than
    STREET_PAGES_OVER; else none. A street's address is its name in pinyin, numbered when two
    names read the same."""
    if len(communities) <= STREET_PAGES_OVER:
        return ()
    streets, taken = [], set()
    for name, items in groupby(communities, key=lambda c: c.street):
        base = pinyin.slug(name) or "jiedao"
        segment, number = base, 1
        while segment in taken:
            number += 1
            segment = f"{base}-{number}"
        taken.add(segment)
        streets.append(Street(name, f"districts/{code}/{segment}/index.html", tuple(items)))
    return tuple(streets)


def _community_pages(model: Model, streets: dict[str, tuple[Street, ...]]) -> list[Page]:
    # Streets in pinyin order, as the model sorts them (Jinja's groupby would sort by code point).
    groups = [
        {"district": model.districts[code], "communities": model.communities_by_district.get(code, ()),
         "street_pages": streets[code],
         "streets": [] if streets[code] else
         [(street, list(items)) for street, items in
          groupby(model.communities_by_district.get(code, ()), key=lambda c: c.street)]}
        for code in sorted(model.districts)
    ]
    result = [Page("communities/index.html", "communities.html", "住宅小区（物业项目）", {"groups": groups},
                   column="住宅小区", column_description="各旗县区住宅小区的物业服务信息公开",
                   column_type="信息公开")]
    notice = model.price_notice_in_force
    # Communities with the same district, service grade and fees share one tuple of checks,
    # made once and fingerprinted once: a province's 50,000 communities have 4,457 such keys.
    fee_checks: dict[tuple, tuple[prices.FeeCheck, ...]] = {}
    for community in model.catalog.communities:
        key = (community.district, community.service_grade, community.fees)
        if key not in fee_checks:
            fee_checks[key] = prices.community_fee_checks(notice, community)
        result.append(Page(
            f"communities/{community.id}/index.html", "community.html", community.name,
            _community_context(model, community, notice, fee_checks[key]), column="住宅小区",
        ))
    return result


def _community_context(model: Model, community: Community, notice, fee_checks: tuple) -> dict:
    company = model.companies.get(community.company) if community.company else None
    full_url = feeds.absolute(model.settings.base_url, f"communities/{community.id}/")
    return {
        "full_url": full_url,
        "community": community,
        "company": company,
        "district": model.district_name(community.district),
        "latest": model.latest_rating(company.code) if company else None,
        "notice": notice,
        "fee_checks": fee_checks,  # prices.community_fee_checks(notice, community)
    }


def _district_pages(model: Model, streets: dict[str, tuple[Street, ...]]) -> list[Page]:
    result = []
    for code, district in sorted(model.districts.items()):
        companies = [c for c in model.companies_sorted if c.district == code]
        result.append(Page(
            f"districts/{code}/index.html", "district.html", district.name,
            {"district": district, "communities": model.communities_by_district.get(code, ()),
             "streets": streets[code], "companies": [_company_row(model, c) for c in companies]},
            column="旗县区", column_description=f"{district.name}的住宅小区和物业服务企业", column_type="信息公开",
        ))
        result += [Page(street.path, "street.html", f"{district.name}{street.name}",
                        {"district": district, "street": street}, column="旗县区")
                   for street in streets[code]]
    return result
