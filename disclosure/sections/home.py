"""The home page and the site's fixed pages: 404 and the about-the-data page."""

from __future__ import annotations

from ..model import Model
from ..pages import Contribution, Page
from ..reads import ALL, Reads
from ..settings import Settings


def reads(settings: Settings) -> Reads:
    """The lists in force name each company, its legal representative and its projects
    (taken from its communities' names when the rating names none); the counts."""
    return Reads(companies=("code", "name", "legal_rep"), communities=("name", "company"), ratings=ALL)


def contribute(model: Model) -> Contribution:
    return Contribution(pages=_pages(model))


def _pages(model: Model) -> list[Page]:
    year = model.current_year
    # The same lists as /credit/: a black-list entry stays until it expires or is repaired.
    red, black = model.current_entries("红榜"), model.current_entries("黑榜")
    home = Page(
        "index.html", "home.html", model.settings.title,
        {"year": year, "red": red, "black": black, "notice": model.price_notice_in_force,
         "notices": model.content.notices[:6], "districts": sorted(model.districts.values(), key=lambda d: d.code),
         "counts": {"companies": len(model.catalog.companies), "communities": len(model.catalog.communities)}},
        column="首页", column_description=model.settings.title, column_type="首页",
    )
    missing = Page("404.html", "404.html", "页面未找到", {}, in_sitemap=False)
    return [home, missing]
