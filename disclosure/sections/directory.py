"""Companies, communities (物业项目/小区) and districts: directories and a page per record."""

from __future__ import annotations

import segno

from .. import feeds
from ..model import Model
from ..pages import Contribution, Page, paginate
from ..records import Community, Company


def contribute(model: Model) -> Contribution:
    return Contribution(pages=_pages(model))


def _pages(model: Model) -> list[Page]:
    result: list[Page] = []
    result += _company_pages(model)
    result += _community_pages(model)
    result += _district_pages(model)
    return result


def _company_pages(model: Model) -> list[Page]:
    rows = [_company_row(model, c) for c in model.companies_sorted]
    result = [
        Page(chunk["path"], "companies.html", "物业服务企业名录", {"listing": chunk, "total": len(rows)},
             column="物业服务企业", column_description="本市物业服务企业的登记信息、信用等级和所服务小区",
             column_type="信息公开")
        for chunk in paginate(rows, model.settings.per_page, "companies/index.html")
    ]
    for row in rows:
        company = row["company"]
        result.append(Page(
            f"companies/{company.code}/index.html", "company.html", company.name,
            {**row, "ratings": model.ratings_by_company.get(company.code, ()),
             "communities": model.communities_by_company.get(company.code, ())},
            column="物业服务企业",
        ))
    return result


def _company_row(model: Model, company: Company) -> dict:
    return {
        "company": company,
        "district": model.district_name(company.district),
        "latest": model.latest_rating(company.code),
        "community_count": len(model.communities_by_company.get(company.code, ())),
    }


def _community_pages(model: Model) -> list[Page]:
    groups = [
        {"district": model.districts[code], "communities": model.communities_by_district.get(code, ())}
        for code in sorted(model.districts)
    ]
    result = [Page("communities/index.html", "communities.html", "住宅小区（物业项目）", {"groups": groups},
                   column="住宅小区", column_description="各旗县区住宅小区的物业服务信息公开",
                   column_type="信息公开")]
    notice = model.price_notice_in_force
    for community in model.catalog.communities:
        result.append(Page(
            f"communities/{community.id}/index.html", "community.html", community.name,
            _community_context(model, community, notice), column="住宅小区",
        ))
    return result


def _community_context(model: Model, community: Community, notice) -> dict:
    company = model.companies.get(community.company) if community.company else None
    price = None
    if notice and community.service_grade:
        price = model.price_range(notice, community.district, community.building_type, community.service_grade)
    full_url = feeds.absolute(model.settings.base_url, f"communities/{community.id}/")
    return {
        "full_url": full_url,
        "qr_svg": segno.make(full_url, error="m").svg_inline(scale=3, title=f"{community.name}公示页二维码"),
        "community": community,
        "company": company,
        "district": model.district_name(community.district),
        "latest": model.latest_rating(company.code) if company else None,
        "notice": notice,
        "price": price,
        "verdict": fee_verdict(community.fee, price),
    }


def fee_verdict(fee: float | None, price) -> str:
    """Within, below or above the reference range, said in words (equal to a bound is within)."""
    if fee is None or price is None:
        return ""
    if fee < price.min:
        return "低于参考区间"
    if fee > price.max:
        return "高于参考区间"
    return "在参考区间内"


def _district_pages(model: Model) -> list[Page]:
    result = []
    for code, district in sorted(model.districts.items()):
        companies = [c for c in model.companies_sorted if c.district == code]
        result.append(Page(
            f"districts/{code}/index.html", "district.html", district.name,
            {"district": district, "communities": model.communities_by_district.get(code, ()),
             "companies": [_company_row(model, c) for c in companies]},
            column="旗县区", column_description=f"{district.name}的住宅小区和物业服务企业", column_type="信息公开",
        ))
    return result
