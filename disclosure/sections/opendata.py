"""Open data: every dataset downloadable as CSV, XLSX and JSON, each record as JSON beside its page."""

from __future__ import annotations

import hashlib

from .. import exports
from ..model import Model
from ..pages import Contribution, DataFile, Page
from ..records import Community, Company, District, PriceRow, Rating
from ..schema import info


def _datasets(model: Model):
    """(file stem, title, dataset info, records) for each download."""
    yield "districts", "旗县区", info(District), model.catalog.districts
    yield "companies", "物业服务企业", info(Company), model.companies_sorted
    yield "communities", "住宅小区", info(Community), model.catalog.communities
    for year in model.rating_years:
        yield f"ratings-{year.year}", f"{year.year}年度信用评价结果", info(Rating), model.ratings_of_year(year.year)
    for notice in model.catalog.prices:
        yield f"prices-{notice.id}", notice.header.title, info(PriceRow), notice.rows


def contribute(model: Model) -> Contribution:
    files = _files(model)
    return Contribution(pages=_pages(model, {f.path: f.content for f in files}), files=files)


def _files(model: Model) -> list[DataFile]:
    result = []
    for stem, title, dataset, records in _datasets(model):
        headers, rows = exports.table(model, dataset, records)
        result += [
            DataFile(f"downloads/{stem}.csv", exports.to_csv(headers, rows)),
            DataFile(f"downloads/{stem}.xlsx", exports.to_xlsx(title, headers, rows, model.as_of)),
            DataFile(f"downloads/{stem}.json", exports.to_json(dataset, rows)),
        ]
    for company in model.catalog.companies:
        result.append(DataFile(f"companies/{company.code}/data.json",
                               exports.record_json(model, info(Company), company)))
    for community in model.catalog.communities:
        result.append(DataFile(f"communities/{community.id}/data.json",
                               exports.record_json(model, info(Community), community)))
    return result


def _pages(model: Model, downloads: dict[str, bytes]) -> list[Page]:
    entries = []
    for stem, title, dataset, records in _datasets(model):
        entries.append({
            "stem": stem, "title": title, "info": dataset, "rows": len(records),
            "formats": [(fmt, len(downloads[f"downloads/{stem}.{fmt}"]),
                         hashlib.sha256(downloads[f"downloads/{stem}.{fmt}"]).hexdigest())
                        for fmt in ("csv", "xlsx", "json")],
        })
    return [Page("data/index.html", "data.html", "开放数据下载", {"entries": entries},
                 column="开放数据", column_description="本站全部数据集的下载与数据字典", column_type="数据")]
