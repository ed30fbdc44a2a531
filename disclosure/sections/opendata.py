"""Open data: every dataset downloadable as CSV, XLSX and JSON, a data dictionary page per
dataset, a Frictionless ``datapackage.json`` over the CSV files, and each record as JSON
beside its page.

Downloads hold exactly the declared public columns, in declared order, with Chinese headers
(exports.table), so a column kept off the pages is kept out of every file here too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import xlsxwriter

from .. import exports
from ..coverage import IndicatorRow, indicator_rows
from ..model import Model
from ..pages import Contribution, DataFile, Page
from ..reads import ALL, DATASETS, Reads, SectionKeys
from ..recordcache import RecordCache, value_digest
from ..records import Community, Company, District, PriceRow, Rating
from ..schema import DatasetInfo, info
from ..settings import Settings
from . import coverage

FORMATS = ("csv", "xlsx", "json")
PACKAGE = "downloads/datapackage.json"
# The terms the data is offered under. One licence for the whole site for now; a city that
# needs another changes it here (a candidate for site.yaml).
LICENCE = {"name": "CC-BY-4.0", "title": "知识共享署名 4.0 国际许可协议（CC BY 4.0）",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
TYPE_WORDS = {"string": "文字", "integer": "整数", "number": "数字", "date": "日期", "year": "年份"}


@dataclass(frozen=True)
class Dataset:
    stem: str  # file name without extension, and the resource name in datapackage.json
    title: str
    info: DatasetInfo
    records: tuple[Any, ...]
    source: str
    updated: dt.date


def _sources(organiser: str, records: tuple[Any, ...]) -> str:
    files = sorted({r.source.file for r in records if getattr(r, "source", None)})
    return f"{organiser}（{'、'.join(files)}）" if files else organiser


def datasets(model: Model) -> Iterator[Dataset]:
    org = model.settings.organiser
    cat = model.catalog
    yield Dataset("districts", "旗县区", info(District), cat.districts, _sources(org, cat.districts), model.as_of)
    yield _companies(model)
    yield _communities(model)
    for year in model.rating_years:
        yield Dataset(f"ratings-{year.year}", f"{year.year}年度信用评价结果", info(Rating),
                      model.ratings_of_year(year.year), f"{org}（{year.document_number}）", year.published)
    for notice in cat.prices:
        head = notice.header
        yield Dataset(f"prices-{notice.id}", head.title, info(PriceRow), notice.rows,
                      f"{head.issuer}（{head.document_number}）", head.issued)
    yield Dataset("indicators", "行动方案指标完成情况", info(IndicatorRow), _indicator_rows(model),
                  f"{org}（由住宅小区和企业数据按 site.yaml 的考核指标计算）", model.as_of)


def _companies(model: Model) -> Dataset:
    return Dataset("companies", "物业服务企业", info(Company), model.companies_sorted,
                   _sources(model.settings.organiser, model.catalog.companies), model.as_of)


def _communities(model: Model) -> Dataset:
    return Dataset("communities", "住宅小区", info(Community), model.catalog.communities,
                   _sources(model.settings.organiser, model.catalog.communities), model.as_of)


# The datasets with a page per record, and the field that names the record's folder.
WITH_RECORD_PAGES = {"companies": (_companies, "code"), "communities": (_communities, "id")}


def _indicator_rows(model: Model) -> tuple[IndicatorRow, ...]:
    """The action plan's indicators as rows, kept between builds under what they are computed
    from: the fields of the records the coverage section reads (coverage.reads), the targets,
    the districts and the date. Computing them took 0.45 and 0.53 s of a province's rebuild
    after a company's phone changed (two profiles). The engine's code is in the key too."""
    settings = model.settings
    kept = RecordCache(model.source / ".cache" / "downloads")
    fields = SectionKeys(repr((settings.targets, settings.city_code, model.catalog.districts, model.as_of)),
                         model.catalog, {})
    key = kept.key(fields.key("indicators", coverage.reads(settings)))
    rows = kept.get("indicator-rows", key)
    if rows is None:
        rows = tuple(indicator_rows(coverage.from_model(model)))
        kept.put("indicator-rows", key, rows)
    return rows


def reads(settings: Settings) -> Reads:
    """Every dataset, whole: the downloads hold every field."""
    return Reads(companies=ALL, communities=ALL, ratings=ALL)


def contribute(model: Model) -> Contribution:
    found = list(datasets(model))
    files = _files(model, found)
    files.append(_made(PACKAGE, datapackage(model, found, {f.path: f for f in files})))
    return Contribution(pages=_pages(model, found, {f.path: f for f in files}), files=files)


def _files(model: Model, found: list[Dataset]) -> list[DataFile]:
    """Each dataset's downloads."""
    kept, names = RecordCache(model.source / ".cache" / "downloads"), _names(model)
    return [file for d in found for file in _kept_downloads(model, d, kept, names)]


def _made(path: str, content: bytes) -> DataFile:
    return DataFile(path, content, size=len(content), digest=hashlib.sha256(content).hexdigest())


def record_files(model: Model, stem: str) -> list[DataFile]:
    """Each company's or community's own JSON beside its page (``stem``: companies or
    communities): its line of the dataset's JSON download. The companies and communities
    sections add them, so that they stay unvisited with the pages when the build leaves those
    sections alone (reads.py): 50,000 files at province scale, which a company's new phone
    number does not change. The download comes from the same cache as open data's."""
    dataset, key = WITH_RECORD_PAGES[stem]
    d = dataset(model)
    made = _kept_downloads(model, d, RecordCache(model.source / ".cache" / "downloads"), _names(model))
    return _record_files(d, next(f for f in made if f.path == f"downloads/{stem}.json").data(), key)


def _names(model: Model) -> tuple[dict[str, str], dict[str, str]]:
    """The names exports.cell_value looks up."""
    return ({code: c.name for code, c in model.companies.items()},
            {code: model.district_name(code) for code in model.districts})


def _kept_downloads(model: Model, d: Dataset, kept: RecordCache, names: tuple) -> list[DataFile]:
    """The dataset's downloads, kept between builds under a digest of everything they are made
    from (the engine's code, the names looked up, and the dataset itself), so a rebuild after
    one company changed does not export 50,000 unchanged communities again. A kept entry
    gives their sizes and digests first and their bytes only when asked: where the live files
    are the same, open data's page and datapackage.json need no more (reading and hashing
    the province's 63 MB of community downloads took about 0.2 s of a company's rebuild)."""
    key = value_digest((kept.engine, xlsxwriter.__version__, names, d.stem, d.title, d.source, d.updated,
                        _standing_for(model, d.records)))
    made = model.downloads.get(key)
    if made is None:
        listed = kept.get(d.stem, key)  # (path, size, sha256) of each
        if listed is None:
            made = [_made(path, content) for path, content in _downloads(model, d)]
            kept.put(d.stem, key, [(f.path, f.size, f.digest) for f in made], [f.content for f in made])
        else:
            contents = _KeptContents(kept, d.stem, key, partial(_downloads, model, d))
            made = [DataFile(path, size=size, digest=digest, make=partial(contents.get, index))
                    for index, (path, size, digest) in enumerate(listed)]
        model.downloads[key] = made
    return made


class _KeptContents:
    """The bytes of a kept entry's downloads, read once when the first is asked for; made
    again should the entry have gone meanwhile."""

    def __init__(self, kept: RecordCache, stem: str, key: str, make: Callable[[], list[tuple[str, bytes]]]):
        self.kept, self.stem, self.key, self.make = kept, stem, key, make
        self.contents: list[bytes] | None = None

    def get(self, index: int) -> bytes:
        if self.contents is None:
            found = self.kept.get_with_rest(self.stem, self.key, wanted=lambda _: True)
            self.contents = found[1] if found is not None else [content for _, content in self.make()]
        return self.contents[index]


def _standing_for(model: Model, records: tuple[Any, ...]) -> object:
    """What stands for the records in a key: a dataset's digest when they are all of it in
    its order (catalog.Catalog.digest_of, which the section keys use too), else their
    digests (catalog.Catalog.digests, made from each record's content) when every one has
    one, else the records themselves. Pickling a province's 50,000 communities for the key
    took 0.46 s of every build (profiled); listing their digests, 0.08-0.10 s (profiled)."""
    for dataset in DATASETS:
        if records is getattr(model.catalog, dataset):
            return dataset, model.catalog.digest_of(dataset)
    known = [model.catalog.digests.get(id(record)) for record in records]
    return records if None in known else [digest for digest, _ in known]  # type: ignore[misc]


def _record_files(dataset: Dataset, download: bytes, key: str) -> list[DataFile]:
    """Each record's own JSON beside its page: its line of the dataset's JSON download, which
    exports.to_json writes one record a line with the encoder a single record would use. So
    the files cost no work when the download came from the cache; each is cut from the
    download when it is written, not held (55,000 files, about 110 MB at province scale)."""
    files = []
    start = download.find(b"\n") + 1  # after "[", or nothing when there are no records
    for record in dataset.records:
        end = download.index(b"\n", start)
        line_end = end - 1 if download[end - 1:end] == b"," else end
        files.append(DataFile(f"{dataset.stem}/{getattr(record, key)}/data.json",
                              make=partial(_line, download, start, line_end)))
        start = end + 1
    return files


def _line(download: bytes, start: int, end: int) -> bytes:
    return download[start:end] + b"\n"


def _downloads(model: Model, d: Dataset) -> list[tuple[str, bytes]]:
    """The dataset's CSV, XLSX and JSON downloads."""
    headers, rows = exports.table(model, d.info, d.records)
    kept = model.workbook_cache(__name__)
    return [
        (f"downloads/{d.stem}.csv", exports.to_csv(headers, rows)),
        (f"downloads/{d.stem}.xlsx", exports.to_xlsx(d.title, headers, rows, d.updated, kept,
                                                       model.workbook_rows(__name__, d.stem))),
        (f"downloads/{d.stem}.json", exports.to_json(d.info, rows)),
    ]


def _pages(model: Model, found: list[Dataset], files: dict[str, DataFile]) -> list[Page]:
    """``files``: the downloads by path, with their sizes and digests."""
    entries = []
    for d in found:
        entries.append({
            "stem": d.stem, "title": d.title, "info": d.info, "rows": len(d.records), "source": d.source,
            "updated": d.updated,
            "formats": [(fmt, files[f"downloads/{d.stem}.{fmt}"].size, files[f"downloads/{d.stem}.{fmt}"].digest)
                        for fmt in FORMATS],
        })
    pages = [Page("data/index.html", "data.html", "开放数据下载",
                  {"entries": entries, "licence": LICENCE, "package": PACKAGE, "package_size": files[PACKAGE].size},
                  column="开放数据", column_description="本站全部数据集的下载与数据字典", column_type="数据")]
    dictionaries: dict[str, list[dict]] = {}
    for entry in entries:  # without sizes and digests, which the dictionary does not show
        dictionaries.setdefault(entry["info"].name, []).append(
            {"stem": entry["stem"], "title": entry["title"], "rows": entry["rows"], "info": entry["info"]})
    for name, used in dictionaries.items():
        dataset = used[0]["info"]
        pages.append(Page(f"data/dictionary/{name}/index.html", "data_dictionary.html",
                          f"数据字典：{dataset.title}",
                          {"dataset": dataset, "entries": used, "type_words": TYPE_WORDS},
                          column="开放数据", column_type="数据",
                          column_description=f"{dataset.title}数据集的字段、类型、取值与含义"))
    return pages


# --- datapackage.json (Frictionless Data Package) -------------------------------------------------

def _field(col) -> dict[str, Any]:
    field: dict[str, Any] = {"name": col.header(), "title": col.label, "type": col.type,
                             "description": f"{col.allowed()}{'；' + col.description if col.description else ''}"}
    constraints: dict[str, Any] = {}
    if col.required:
        constraints["required"] = True
    if col.enum:
        constraints["enum"] = list(col.enum)
    if col.minimum is not None:
        constraints["minimum"] = int(col.minimum) if col.type == "integer" else col.minimum
    if col.maximum is not None:
        constraints["maximum"] = int(col.maximum) if col.type == "integer" else col.maximum
    if constraints:
        field["constraints"] = constraints
    return field


def _schema(dataset: DatasetInfo) -> dict[str, Any]:
    public = dataset.public_columns
    schema: dict[str, Any] = {"fields": [_field(c) for c in public]}
    keys = [c.header() for k in dataset.primary_key for c in public if c.key == k]
    if keys and len(keys) == len(dataset.primary_key):
        schema["primaryKey"] = keys
    return schema


def package_name(domain: str) -> str:
    """The package's machine name: lower-case letters, digits and . - _ only."""
    return re.sub(r"[^a-z0-9._-]+", "-", domain.lower()).strip("-") or "open-data"


def datapackage(model: Model, found: list[Dataset], files: dict[str, DataFile]) -> bytes:
    """``files``: the downloads by path, with their sizes and digests."""
    resources = []
    for d in found:
        csv = files[f"downloads/{d.stem}.csv"]
        resources.append({
            "name": d.stem, "path": f"{d.stem}.csv", "title": d.title, "description": d.info.description,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
            "bytes": csv.size, "hash": f"sha256:{csv.digest}",
            "sources": [{"title": d.source}], "schema": _schema(d.info),
        })
    package = {
        "name": package_name(model.settings.domain), "title": f"{model.settings.title}开放数据",
        "description": f"{model.settings.organiser}公开的物业服务数据，数据日期 {model.as_of.isoformat()}。",
        "licenses": [LICENCE], "version": model.as_of.isoformat(), "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
