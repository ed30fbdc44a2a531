"""Stage assemble, part one: the validated records joined into one read-only model.

Everything date-dependent is decided here from ``as_of`` (the build's notion of today), so
templates never look at a clock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import keptfiles
from .catalog import CITY_WIDE, Catalog, PriceNotice
from .content import Content
from .credit import ListStatus, black_status, split_projects
from .pages import DataFile
from .pinyin import SortKeys
from .recordcache import RecordCache
from .records import Community, Company, District, Rating
from .settings import RatingYear, Settings


@dataclass(frozen=True)
class ListEntry:
    """One company on one year's red or black list, with the projects named on the list."""

    rating: Rating
    company: Company
    projects: tuple[str, ...]
    status: ListStatus


@dataclass(frozen=True)
class Model:
    settings: Settings
    catalog: Catalog
    content: Content
    as_of: dt.date
    source: Path  # the site folder, for files copied as they are (attachments)

    def workbook_cache(self, section: str) -> Path:
        """Where the workbooks ``section`` (its module's __name__) makes are kept between
        builds (safe to delete at any time)."""
        return keptfiles.folder(self.source, keptfiles.WORKBOOKS, section)

    def workbook_rows(self, section: str, name: str) -> Path:
        """Where the rows of ``section``'s workbook ``name`` are kept between builds, for
        making it again when some rows changed (workbook.KeptRows; safe to delete)."""
        return keptfiles.folder(self.source, keptfiles.WORKBOOK_ROWS, section) / f"{name}.pickle"

    @cached_property
    def sort_key(self) -> SortKeys:
        """Names in pinyin order, as readers expect (pinyin.pinyin_key), kept between builds."""
        return SortKeys(RecordCache(self.source / ".cache" / "pinyin"))

    def sorted_names(self) -> set[str]:
        """Every name the lookups below sort by ``sort_key``: companies', communities', streets'."""
        return ({c.name for c in self.catalog.companies} | {c.name for c in self.catalog.communities}
                | {c.street for c in self.catalog.communities})

    def prepare_lookups(self) -> None:
        """Make every lookup now. Called before sections are handed to forked workers, so they
        inherit the lookups instead of each sorting 50,000 names by pinyin again."""
        for name, attribute in vars(Model).items():
            if isinstance(attribute, cached_property):
                getattr(self, name)

    # --- lookups ---------------------------------------------------------------------------
    @cached_property
    def districts(self) -> dict[str, District]:
        return {d.code: d for d in self.catalog.districts}

    @cached_property
    def companies(self) -> dict[str, Company]:
        return {c.code: c for c in self.catalog.companies}

    @cached_property
    def companies_sorted(self) -> tuple[Company, ...]:
        return tuple(sorted(self.catalog.companies, key=lambda c: self.sort_key(c.name)))

    @cached_property
    def communities_by_company(self) -> dict[str, tuple[Community, ...]]:
        grouped: dict[str, list[Community]] = defaultdict(list)
        for community in self.catalog.communities:
            if community.company:
                grouped[community.company].append(community)
        return {k: tuple(sorted(v, key=lambda c: self.sort_key(c.name))) for k, v in grouped.items()}

    @cached_property
    def communities_by_district(self) -> dict[str, tuple[Community, ...]]:
        grouped: dict[str, list[Community]] = defaultdict(list)
        for community in self.catalog.communities:
            grouped[community.district].append(community)
        return {k: tuple(sorted(v, key=lambda c: (self.sort_key(c.street), self.sort_key(c.name))))
                for k, v in grouped.items()}

    @cached_property
    def ratings_by_company(self) -> dict[str, tuple[Rating, ...]]:
        grouped: dict[str, list[Rating]] = defaultdict(list)
        for rating in self.catalog.ratings:
            grouped[rating.code].append(rating)
        return {k: tuple(sorted(v, key=lambda r: r.year)) for k, v in grouped.items()}

    @cached_property
    def rating_years(self) -> tuple[RatingYear, ...]:
        """Years with results that are published by ``as_of``, oldest first."""
        rated = {r.year for r in self.catalog.ratings}
        return tuple(sorted((y for y in self.settings.credit.years
                             if y.year in rated and y.published <= self.as_of), key=lambda y: y.year))

    @property
    def current_year(self) -> RatingYear | None:
        return self.rating_years[-1] if self.rating_years else None

    @cached_property
    def _ratings_by_year(self) -> dict[int, tuple[Rating, ...]]:
        grouped: dict[int, list[Rating]] = defaultdict(list)
        for rating in self.catalog.ratings:
            grouped[rating.year].append(rating)
        return {year: tuple(ratings) for year, ratings in grouped.items()}

    def ratings_of_year(self, year: int) -> tuple[Rating, ...]:
        return self._ratings_by_year.get(year, ())

    @cached_property
    def published_ratings(self) -> dict[str, tuple[Rating, ...]]:
        """Each company's ratings of the years published by as_of, oldest first."""
        published = {y.year for y in self.rating_years}
        return {code: tuple(r for r in ratings if r.year in published)
                for code, ratings in self.ratings_by_company.items()}

    def latest_rating(self, code: str) -> Rating | None:
        ratings = self.published_ratings.get(code, ())
        return ratings[-1] if ratings else None

    @cached_property
    def downloads(self) -> dict[str, list[DataFile]]:
        """Each dataset's downloads made or read from the cache in this build,
        by their cache key: open data and the record files beside the companies' and
        communities' pages (sections/opendata.py) share one copy (a province's community
        downloads are tens of megabytes)."""
        return {}

    # --- lists -----------------------------------------------------------------------------
    @cached_property
    def _list_memo(self) -> dict[tuple[int, str], tuple[ListEntry, ...]]:
        return {}

    def list_entries(self, year: int, which: str) -> tuple[ListEntry, ...]:
        """A year's red or black list, best score first (remembered: several pages and
        downloads show the same list)."""
        key = (year, which)
        if key not in self._list_memo:
            self._list_memo[key] = self._make_list_entries(year, which)
        return self._list_memo[key]

    def _make_list_entries(self, year: int, which: str) -> tuple[ListEntry, ...]:
        entries = []
        for rating in self.ratings_of_year(year):
            if rating.list != which:
                continue
            projects = split_projects(rating.projects) or tuple(
                c.name for c in self.communities_by_company.get(rating.code, ()))
            status = black_status(rating, self.as_of) if which == "黑榜" else ListStatus("公示中")
            entries.append(ListEntry(rating, self.companies[rating.code], projects, status))
        return tuple(sorted(entries, key=lambda e: (-e.rating.score, self.sort_key(e.company.name))))

    def current_entries(self, which: str) -> tuple[ListEntry, ...]:
        """The list in force on as_of. The red list is the latest year's; a black-list entry
        stays until it expires or is repaired, which can be after the next year's results,
        so every published year's entries still in their period count (newest year first)."""
        if self.current_year is None:
            return ()
        if which == "红榜":
            return self.list_entries(self.current_year.year, which)
        return tuple(e for y in reversed(self.rating_years) for e in self.list_entries(y.year, which)
                     if e.status.current)

    # --- prices ----------------------------------------------------------------------------
    @property
    def price_notice_in_force(self) -> PriceNotice | None:
        in_force = [n for n in self.catalog.prices if n.header.effective <= self.as_of]
        return in_force[-1] if in_force else None

    def district_name(self, code: str) -> str:
        if code == CITY_WIDE:
            return CITY_WIDE
        district = self.districts.get(code)
        return district.name if district else code
