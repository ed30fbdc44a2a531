"""The /search/ page and the static search index (search/ shards) it reads.

The documents are made here from the model; search.export turns them into shards with the
shared tokenizer (fast: no whoosh on the build's path); `generate.py search` indexes the same
documents with whoosh from output/search/documents.json.gz.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import operator
import unicodedata
import zipfile
from importlib import metadata
from pathlib import Path

import search as search_package
from search.documents import KIND_LABELS, SearchDoc
from search.export import Exported, Previous, export

from .. import keptfiles
from ..model import Model
from ..pages import Contribution, DataFile, Page
from ..reads import ALL, Reads
from ..recordcache import RecordCache, value_bytes
from ..settings import Settings

TERMS = "terms"  # the entry of <site>/.cache/search-terms
LAST = "last-export"  # the entry there that names the last export made (_previous)


def reads(settings: Settings) -> Reads:
    """What a search finds a company or community by, and what a result shows."""
    return Reads(companies=("code", "name", "former_names", "legal_rep", "address", "district"),
                 communities=("id", "name", "district", "street", "address", "company", "mode"), ratings=ALL)


def contribute(model: Model) -> Contribution:
    docs = documents(model)
    files = _exported_files(docs, model.source)
    page = Page(
        "search/index.html", "search.html", "搜索",
        {"kinds": KIND_LABELS, "districts": [(c, d.name) for c, d in sorted(model.districts.items())],
         "document_count": len(docs)},
        column="搜索",
        column_description="按名称、拼音或首字母、统一社会信用代码、法定代表人、街道搜索企业、小区和通知公告",
        column_type="服务", in_sitemap=False,
    )
    return Contribution(pages=[page], files=[DataFile(path, content) for path, content in files])


def _exported_files(docs: list[SearchDoc], source: Path) -> list[tuple[str, bytes]]:
    """The shards for these documents; an export made before from the same documents is read
    back from the cache (a province's export takes many seconds, its documents rarely change).
    Otherwise the documents' terms kept from the last export are reused for the documents
    whose fields are unchanged (search.export.export's ``known``), and the last export itself
    is patched when it has the same documents (``previous``)."""
    # The tokenizer's code, pypinyin's dictionaries and the Unicode tables it normalizes text
    # with are part of the keys, so a changed tokenizer never serves old shards or terms.
    code = b"".join(p.read_bytes() for p in sorted(Path(search_package.__file__).parent.glob("*.py")))
    tokenizer = hashlib.sha256(code + f"{metadata.version('pypinyin')} {unicodedata.unidata_version}".encode())
    digest = tokenizer.copy()
    # The documents' fields as tuples, pickled a thousand documents at a time (all of a
    # province's at once would be tens of MB more): 0.24-0.26 s for its 57,590 documents,
    # where their repr() took 0.59-0.81 s (two timings each, in one process).
    values = operator.attrgetter(*(f.name for f in dataclasses.fields(SearchDoc)))
    for start in range(0, len(docs), 1000):
        digest.update(value_bytes([values(doc) for doc in docs[start:start + 1000]]))
    archive = keptfiles.folder(source, keptfiles.SEARCH_EXPORTS, __name__) / f"{digest.hexdigest()}.zip"
    if keptfiles.used(archive) and (stored := _archived(archive)) is not None:
        return stored
    terms = RecordCache(source / ".cache" / "search-terms")
    terms_key = terms.key(tokenizer.hexdigest())
    known = terms.get(TERMS, terms_key) or {}
    exported = export(docs, known, _previous(terms.get(LAST, terms_key), archive.parent))
    if exported.terms_by_fields.keys() != known.keys():  # the terms of removed documents go too
        terms.put(TERMS, terms_key, exported.terms_by_fields)
    files = exported.files
    with keptfiles.writing(archive) as temporary, zipfile.ZipFile(temporary, "w", zipfile.ZIP_STORED) as stored:
        for name, content in files:
            stored.writestr(name, content)
    terms.put(LAST, terms_key, (archive.name, exported.summary()))
    return files


def _archived(archive: Path) -> list[tuple[str, bytes]] | None:
    """The files of a kept export, or None when it cannot be read."""
    with contextlib.suppress(OSError, zipfile.BadZipFile), zipfile.ZipFile(archive) as stored:
        return [(name, stored.read(name)) for name in stored.namelist()]
    return None


def _previous(last: object, folder: Path) -> Previous | None:
    """The export made last (``LAST``: its archive's name and its Exported.summary), for this
    one to patch; None when its archive is gone (a build that had no use for it forgot it)."""
    if not (isinstance(last, tuple) and len(last) == 2 and isinstance(last[1], Exported)):
        return None  # none kept, or kept by another version of this code
    name, said = last
    stored = _archived(folder / name)
    return Previous(dict(stored), said) if stored is not None else None


def documents(model: Model) -> list[SearchDoc]:
    return [*_companies(model), *_communities(model), *_list_entries(model), *_notices(model)]


def _grade_text(model: Model, code: str) -> str:
    latest = model.latest_rating(code)
    if latest is None:
        return "信用等级：未评价"
    listed = f"，{latest.list}" if latest.list in ("红榜", "黑榜") else ""
    return f"信用等级：{latest.grade} 级（{latest.year}年度{listed}）"


def _companies(model: Model) -> list[SearchDoc]:
    docs = []
    for number, company in enumerate(model.companies_sorted):
        former = company.names[1:]
        docs.append(SearchDoc(
            f"company:{company.code}", "company", company.name, f"companies/{company.code}/",
            company.district, model.district_name(company.district),
            f"{_grade_text(model, company.code)}；法定代表人：{company.legal_rep}",
            (("name", company.name), *(("former", n) for n in former), ("code", company.code),
             ("legal_rep", company.legal_rep), ("address", company.address),
             ("district", model.district_name(company.district)),
             *(("exact", v) for v in (company.name, *former, company.code, company.legal_rep))),
            (number,),
        ))
    return docs


def _communities(model: Model) -> list[SearchDoc]:
    docs = []
    rank = {c.code: n for n, c in enumerate(model.companies_sorted)}
    for community in model.catalog.communities:
        company = model.companies.get(community.company) if community.company else None
        manager = company.name if company else community.mode
        docs.append(SearchDoc(
            f"community:{community.id}", "community", community.name, f"communities/{community.id}/",
            community.district, model.district_name(community.district),
            f"{community.street} · {community.address} · {manager}",
            (("name", community.name), ("street", community.street), ("address", community.address),
             ("district", model.district_name(community.district)), ("company", company.name if company else ""),
             ("exact", community.name)),
            # Communities of one company sit together, so its results come from few files.
            (rank[company.code] if company else -1, community.name),
        ))
    return docs


def _list_entries(model: Model) -> list[SearchDoc]:
    docs = []
    for year in model.rating_years:
        for which in ("红榜", "黑榜"):
            for entry in model.list_entries(year.year, which):
                company, rating = entry.company, entry.rating
                details = "；".join(x for x in (rating.reason, rating.penalty, rating.decision_no) if x)
                docs.append(SearchDoc(
                    f"list:{year.year}:{company.code}", "list", f"{year.year}年度{which}：{company.name}",
                    f"credit/{year.year}/", company.district, model.district_name(company.district),
                    f"{rating.grade} 级，{rating.score:g} 分；项目：{'、'.join(entry.projects) or '—'}"
                    + (f"；{details}" if details else ""),
                    (("title", f"{year.year}年度{which}"), ("company", company.name),
                     ("legal_rep", company.legal_rep), ("text", "；".join(entry.projects)), ("text", details)),
                    (-year.year, which, company.name),
                ))
    return docs


def _notices(model: Model) -> list[SearchDoc]:
    docs = []
    for number, notice in enumerate(model.content.notices):  # newest first
        date = notice.date.isoformat() if notice.date else ""
        docs.append(SearchDoc(
            f"notice:{notice.slug}", "notice", notice.title, f"notices/{notice.slug}/", "", "",
            "　".join(x for x in (date, notice.document_number, notice.summary[:60]) if x),
            (("title", notice.title), ("exact", notice.title), ("text", notice.document_number),
             ("text", notice.text)),
            (number,),
        ))
    return docs
