"""Communities (物业项目/小区) and districts: the communities index, a page per community
with its data.json, a page per district, and street pages for large districts.

A district with more communities than STREET_PAGES_OVER lists its streets (街道、乡镇), each
with a page of its own, instead of every community: at province scale (50,000 communities)
the page of a district of 20,000 was 3.0 MB and the communities index 4.3 MB, too heavy
for a phone. A city's districts stay on one page each.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from .. import feeds, pinyin, prices
from ..coverage import target_fields
from ..model import Model
from ..pages import Contribution, Page
from ..reads import ALL, Reads
from ..records import Community
from ..settings import Settings
from . import opendata
from .companies import company_row

STREET_PAGES_OVER = 500  # communities in one district; more, and each street has a page of its own


def reads(settings: Settings) -> Reads:
    """A community's page shows all of it and its company's name and latest rating; a
    district's page lists its companies and counts its indicators, the companies' among them
    by the fields the targets name."""
    company_fields = ("code", "name", "district", *target_fields(settings.targets, "companies"))
    return Reads(companies=company_fields, communities=ALL, ratings=ALL)


def contribute(model: Model) -> Contribution:
    streets = {code: streets_of(code, model.communities_by_district.get(code, ())) for code in model.districts}
    return Contribution(pages=_community_pages(model, streets) + _district_pages(model, streets),
                        files=opendata.record_files(model, "communities"))


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
             "streets": streets[code], "companies": [company_row(model, c) for c in companies]},
            column="旗县区", column_description=f"{district.name}的住宅小区和物业服务企业", column_type="信息公开",
        ))
        result += [Page(street.path, "street.html", f"{district.name}{street.name}",
                        {"district": district, "street": street}, column="旗县区")
                   for street in streets[code]]
    return result
