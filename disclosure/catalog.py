"""Stages load + validate: every file in data/ becomes typed, cross-checked records.

Where files live (by convention, documented in the README):
    data/districts.yaml                   旗县区
    data/companies.{yaml,csv,xlsx}        物业服务企业
    data/communities.{yaml,csv,xlsx}      住宅小区
    data/ratings/<any>.{csv,xlsx,yaml}    one file per rating year
    data/prices/<notice-id>.{yaml,csv,xlsx}  one file per price notice (see prices.py)
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import credit, prices
from .loading import TABLE_SUFFIXES, RawTable, read_table
from .pinyin import slug
from .problems import Problems
from .recordcache import RecordCache, value_bytes
from .records import (
    COMPANY_MODES,
    Community,
    Company,
    District,
    Rating,
    Source,
)
from .schema import info
from .settings import Settings
from .text import match_key
from .validation import Lookups, convert_row

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
CITY_WIDE = prices.CITY_WIDE  # re-exported: the model and sections import it from here
PriceNotice = prices.PriceNotice


@dataclass(frozen=True)
class Catalog:
    districts: tuple[District, ...]
    companies: tuple[Company, ...]
    communities: tuple[Community, ...]
    ratings: tuple[Rating, ...]
    prices: tuple[PriceNotice, ...]
    files: tuple[Path, ...]  # every data file read, for the serve watcher and dependencies
    # id(record) -> (record_digest(record), the record) for each record read from a table:
    # incremental.Fingerprints takes it instead of walking the record's fields. Holding the
    # record keeps its id from being reused while this lives.
    digests: dict[int, tuple[bytes, Any]] = field(default_factory=dict, repr=False, compare=False)
    _wholes: dict[str, bytes] = field(default_factory=dict, init=False, repr=False, compare=False)

    def digest_of(self, dataset: str) -> bytes:
        """A digest of every record of ``dataset`` (companies, communities or ratings), in
        order, from ``digests``; made once, for the section keys and open data's."""
        if dataset not in self._wholes:
            records = getattr(self, dataset)
            digest = hashlib.sha256(f"{dataset}\0{len(records)}\0".encode())
            for record in records:
                found = self.digests.get(id(record))
                digest.update(found[0] if found is not None else record_digest(record))
            self._wholes[dataset] = digest.digest()
        return self._wholes[dataset]


def load_catalog(source: Path, settings: Settings, problems: Problems, cache: RecordCache | None = None,
                 workers: int = 1) -> Catalog:
    """``workers``: processes that may check a large table's new rows together."""
    data = source / "data"
    files: list[Path] = []
    lookups = Lookups(grades=tuple(g.name for g in settings.credit.grades))
    reader = _Reader(source, settings, lookups, problems, cache or RecordCache(None), workers)

    districts = _load(data, "districts", District, reader, files, checks=(_unique("code"),))
    for district in districts:
        spellings = [district.code, district.name, *(district.former_codes or "").replace("；", ";").split(";")]
        for spelling in filter(None, (s.strip() for s in spellings)):
            lookups.districts[match_key(spelling)] = district.code
    lookups.districts[match_key(settings.city_code)] = settings.city_code
    lookups.district_names = tuple(d.name for d in districts)

    companies = _load(data, "companies", Company, reader, files, checks=(_unique("code"), _unique("name")))
    for company in companies:
        for name in (company.code, *company.names):
            lookups.companies.setdefault(match_key(name), company.code)

    communities = _load(data, "communities", Community, reader, files, finish=_with_id,
                        checks=(_check_communities, prices.check_community_fees, _unique("id"),
                                _unique("district", "name")))

    ratings: list[Rating] = []
    for path in _files_in(data / "ratings"):
        files.append(path)
        ratings.extend(reader.read(path, Rating))
    # The checks across files, each run again only when what it reads has changed: at
    # province scale the ratings' took 0.13-0.18 s and the projects' 0.05-0.06 s of every
    # rebuild (in-process timings), also after a change to a company's phone number.
    companies_named = sorted((c.code, c.names) for c in companies)
    reader.check_once("ratings", (reader.versions(Rating), companies_named, settings.credit, sorted(lookups.rejected)),
                      lambda found: credit.check_ratings(ratings, companies, settings.credit, found, lookups.rejected))
    reader.check_once("projects", (reader.versions(Rating), reader.versions(Community)),
                      lambda found: credit.check_projects(ratings, communities, found))

    notices = prices.load_notices(data / "prices", source, lookups, problems, files)

    key = lambda record: record.code  # noqa: E731
    return Catalog(
        districts=tuple(sorted(districts, key=key)),
        companies=tuple(sorted(companies, key=key)),
        communities=tuple(sorted(communities, key=lambda c: c.id)),
        ratings=tuple(sorted(ratings, key=lambda r: (r.year, r.code))),
        prices=tuple(notices),
        files=tuple(sorted(files)),
        digests=reader.digests,
    )


# --- reading files -----------------------------------------------------------------------

def _files_in(folder: Path, suffixes: tuple[str, ...] = TABLE_SUFFIXES) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in suffixes and not p.name.startswith(("~$", ".")))


def _load(data: Path, stem: str, cls: type, reader: _Reader, files: list[Path],
          finish: Finish | None = None, checks: tuple[Check, ...] = ()) -> list[Any]:
    candidates = [data / f"{stem}{suffix}" for suffix in TABLE_SUFFIXES if (data / f"{stem}{suffix}").exists()]
    shown = f"data/{stem}.*"
    if not candidates:
        reader.problems.error(shown, "缺少数据文件", expected=f"data/{stem}.yaml、.csv 或 .xlsx 之一")
        return []
    if len(candidates) > 1:
        names = "、".join(p.name for p in candidates)
        reader.problems.error(shown, f"同一数据集有多个文件（{names}），无法确定以哪个为准", expected="只保留一个")
        return []
    files.append(candidates[0])
    return reader.read(candidates[0], cls, finish, checks)


Finish = Callable[[Any, Problems], Any]  # a record's last step (None: it fails), after its row's checks
Check = Callable[[list[Any], Problems], None]  # a check across a file's records


@dataclass
class _Reader:
    """Reads one data file into checked records, or takes them from the cache when neither
    the file nor what it is checked against has changed since they were made."""

    source: Path
    settings: Settings
    lookups: Lookups
    problems: Problems
    cache: RecordCache
    workers: int = 1
    digests: dict[int, tuple[bytes, Any]] = field(default_factory=dict)  # as Catalog.digests
    # By dataset: (file, entry key, digest of the file's bytes) of each file read, what its
    # records are made from. Empty keys and digests when nothing is kept (a RecordCache(None)).
    read_as: dict[type, list[tuple[str, str, str]]] = field(default_factory=dict)

    def read(self, path: Path, cls: type, finish: Finish | None = None, checks: tuple[Check, ...] = ()) -> list[Any]:
        """The file's checked records; ``checks`` run across them when the file is read
        afresh, and what they find is kept in its entry with the rows' problems."""
        shown = path.relative_to(self.source).as_posix()
        sheet = self.settings.sheets.get(path.stem)
        lookups = self.lookups
        # What the rows are checked against: a change to any of it checks every row again.
        against = (shown, cls.__name__, sheet, finish.__name__ if finish else "", [c.__name__ for c in checks],
                   sorted(lookups.districts.items()), sorted(lookups.companies.items()),
                   lookups.grades, lookups.district_names, sorted(lookups.rejected))
        # One entry per file and what it is checked against: the file's digest and its records
        # (when it had no error), then the records of its rows that passed, by their cells,
        # read only when the file changed. One entry, so a record is written once: kept as
        # two, the records of the province's communities took 20 MB twice, and both were
        # written after every edit.
        key = content = ""
        if self.cache.folder is not None:
            key, content = self.cache.key(*against), hashlib.sha256(path.read_bytes()).hexdigest()
        self.read_as.setdefault(cls, []).append((shown, key, content))
        kept = self.cache.get_with_rest(shown, key, wanted=lambda value: value[0] != content)
        if kept is not None and kept[0][0] == content:
            records, digests, warnings, rejected = kept[0][1]
            self.problems.warnings.extend(warnings)
            lookups.rejected.update(rejected)
            self._remember(records, digests)
            return list(records)  # the entry's lists may be kept in memory (recordcache.InMemory): ours is a copy
        found = Problems()
        rejected_before = set(lookups.rejected)
        table = read_table(path, shown, info(cls), found, sheet=sheet)
        # The file changed. Its rows that passed before, unchanged, are not checked again:
        # staff fixing one row of 50,000 wait for that row, not for all of them.
        passed_before = kept[1] if kept is not None else {}
        passed: dict[bytes, tuple[Any, bytes]] = {}
        made = [] if table is None else _check_rows(table, cls, lookups, found, finish, passed_before, passed,
                                                    self.workers)
        records, digests = [record for record, _ in made], [digest for _, digest in made]
        for check in checks:
            check(records, found)
        self.problems.extend(found)
        # A file with errors keeps its passed rows (also when other rows have errors), not its records.
        result = None if found.errors else (records, digests, found.warnings, lookups.rejected - rejected_before)
        self.cache.put(shown, key, (content if result else None, result), passed)
        self.cache.forget(f"{shown} rows")  # where earlier versions kept the passed rows
        self._remember(records, digests)
        return list(records)

    def versions(self, cls: type) -> tuple[tuple[str, str, str], ...]:
        """What the records of ``cls`` read so far were made from (``read_as``)."""
        return tuple(self.read_as.get(cls, ()))

    def check_once(self, name: str, reads: object, check: Callable[[Problems], None]) -> None:
        """``check(problems)``, unless it ran before on what ``reads`` stands for (with
        ``versions`` of the records it reads) and found no error: then the warnings it found
        are told again."""
        shown, key = f"check {name}", self.cache.key("check", name, reads)
        warnings = self.cache.get(shown, key)
        if warnings is not None:
            self.problems.warnings.extend(warnings)
            return
        found = Problems()
        check(found)
        if not found.errors:
            self.cache.put(shown, key, found.warnings)
        self.problems.extend(found)

    def _remember(self, records: list[Any], digests: list[bytes]) -> None:
        self.digests.update((id(record), (digest, record)) for record, digest in zip(records, digests, strict=True))


# Fewer rows than this are checked in one process. A province's rating sheets (about 4,600
# rows each) took as long in two processes as in one: forking a worker and sending its
# records back cost what it saved.
PARALLEL_ROWS = 10_000


def _check_rows(table: RawTable, cls: type, lookups: Lookups, problems: Problems, finish: Finish | None,
                passed_before: dict[bytes, tuple[Any, bytes]], passed: dict[bytes, tuple[Any, bytes]],
                workers: int) -> list[tuple[Any, bytes]]:
    """``_records`` of the table. A large table whose rows are mostly new (a first build,
    ``--full``, a replaced sheet) is cut into contiguous parts: this process checks the first
    while forked workers check the others. A province's 50,000 community rows took 6.4 to
    7.0 s in one process, 3.9 to 4.6 s in two (three alternating runs each, in-process). Results
    are taken in row order, so problems are reported in that order.

    A worker checks its rows against the lookups as they were before this table. A row that
    fails adds its record's spellings to ``lookups.rejected``, which changes how later rows
    referring to them are reported; so once a part has rejected a row, the parts after it
    are checked again here, in order, exactly as one process would have."""
    rows = table.rows
    if workers < 2 or len(rows) < PARALLEL_ROWS or len(passed_before) > len(rows) // 2:
        return _records(table, cls, lookups, problems, finish, passed_before, passed)
    from . import parallel

    size = -(-len(rows) // workers)
    parts = [dataclasses.replace(table, rows=rows[start:start + size]) for start in range(0, len(rows), size)]
    pool = parallel.fork_pool(len(parts) - 1, rows=(parts, cls, lookups, finish, passed_before))
    try:
        futures = [pool.submit(_check_part, number) for number in range(1, len(parts))]
        rejected_at_fork = len(lookups.rejected)
        made = _records(parts[0], cls, lookups, problems, finish, passed_before, passed)
        for part, future in zip(parts[1:], futures, strict=True):
            if len(lookups.rejected) != rejected_at_fork:
                future.cancel()
                made += _records(part, cls, lookups, problems, finish, passed_before, passed)
                continue
            part_made, part_problems, part_rejected, part_passed = future.result()
            made += part_made
            problems.extend(part_problems)
            lookups.rejected.update(part_rejected)
            passed.update(part_passed)
        return made
    finally:
        pool.shutdown(cancel_futures=True)


def _check_part(number: int) -> tuple[list[tuple[Any, bytes]], Problems, set[str], dict[bytes, tuple[Any, bytes]]]:
    """Run in a worker: the rows of one part of a table, with what they added to the lookups."""
    from . import parallel

    parts, cls, lookups, finish, passed_before = parallel.SLOT["rows"]
    problems, passed = Problems(), {}
    rejected_before = set(lookups.rejected)
    made = _records(parts[number], cls, lookups, problems, finish, passed_before, passed)
    return made, problems, lookups.rejected - rejected_before, passed


def _records(table: RawTable, cls: type, lookups: Lookups, problems: Problems, finish: Finish | None,
             passed_before: dict[bytes, tuple[Any, bytes]],
             passed: dict[bytes, tuple[Any, bytes]]) -> list[tuple[Any, bytes]]:
    """The records of the table's rows that pass their checks, each with its record_digest.
    ``passed_before`` holds those of rows that passed against the same lookups, by their
    cells; ``passed`` gets this table's. (A row that passes adds no problem, not even a
    warning.)"""
    records = []
    dataset = info(cls)
    for raw in table.rows:
        # A digest of the cells, not their text: 50,000 rows' text as keys took 120 MB. Of a
        # pickle of their names and values: of their repr, it took three times as long (0.76
        # and 0.83 s against 0.25 s for the province's communities sheet). Without the memo
        # (value_bytes), so that equal cells give one digest whatever strings they share.
        cells = hashlib.blake2b(value_bytes((tuple(raw.cells), tuple(raw.cells.values()))), digest_size=16).digest()
        known = passed_before.get(cells)
        if known is not None:
            record, digest = known
            if record.source.row != raw.row:  # rows above it were added or removed
                record = dataclasses.replace(record, source=Source(table.file, raw.row))
                digest = record_digest(record)
        else:
            problems_before = len(problems.errors) + len(problems.warnings)
            values = convert_row(dataset, raw.cells, table.file, raw.row, lookups, problems, table.headers)
            if values is None:
                # Others may refer to this row's record; its own error is the one to fix, so
                # references to it are not reported again as "missing".
                lookups.rejected.update(match_key(raw.cells.get(k, "")) for k in ("name", "code") if raw.cells.get(k))
                continue
            record = cls(**values, source=Source(table.file, raw.row))
            if finish is not None:
                record = finish(record, problems)
            if record is None:
                continue
            digest = record_digest(record)
            if len(problems.errors) + len(problems.warnings) != problems_before:
                records.append((record, digest))  # kept, but checked again next time: its problem is told again
                continue
        passed[cells] = (record, digest)
        records.append((record, digest))
    return records


def record_digest(record: Any) -> bytes:
    """What stands for a record read from a table in page fingerprints: a digest of its repr,
    which shows every field (values of the declared column types, and its Source). From its
    content, not from what it was made of: when a company is added, every community row is
    checked again, and their unchanged records must not look changed to the pages."""
    return hashlib.blake2b(repr(record).encode("utf-8"), digest_size=16).digest()


def _with_id(community: Community, problems: Problems) -> Community | None:
    """The community with its id, the last part of its web address: its 项目编号 as given,
    or its district code and its name in pinyin. A Finish step: kept with the row's record."""
    assert community.source is not None
    if community.id:
        ident = community.id.strip().lower()
        if not SAFE_ID.match(ident):
            problems.error(community.source.file, "项目编号只能用小写字母、数字和连字符（用作网址）",
                           row=community.source.row, column="项目编号", value=community.id,
                           expected="如 150802-jinyuan")
            return None
    else:
        ident = f"{community.district}-{slug(community.name) or 'xiaoqu'}"
    return community if ident == community.id else dataclasses.replace(community, id=ident)


# --- checks across rows ------------------------------------------------------------------------

def _check_communities(communities: list[Community], problems: Problems) -> None:
    for c in communities:
        assert c.source is not None
        where = {"row": c.source.row}
        if c.mode in COMPANY_MODES:
            # The service grade is optional (staff sheets often lack it); without it the
            # community page shows its fee without a reference-range verdict.
            for key, label in (("company", "物业服务企业"), ("fee", "物业费标准")):
                if getattr(c, key) in (None, ""):
                    problems.error(c.source.file, f"管理方式为“{c.mode}”时必须填写", column=label, **where)
        elif c.mode == "无物业" and c.company:
            problems.error(c.source.file, "管理方式为“无物业”，却填写了物业服务企业", column="物业服务企业",
                           value=c.company, expected="清空该企业，或改正管理方式", **where)


def _unique(*keys: str) -> Check:
    """The check that no two records have the same ``keys``."""
    def check(records: list[Any], problems: Problems) -> None:
        _check_unique(records, keys, problems)
    check.__name__ = f"unique {' '.join(keys)}"  # part of the file's entry key (_Reader.read)
    return check


def _check_unique(records: list[Any], keys: tuple[str, ...], problems: Problems) -> None:
    # attrgetter and one pass: each time the file is read afresh, over 50,000 communities twice.
    key_of = operator.attrgetter(*keys)
    values = [(v,) if len(keys) == 1 else v for v in map(key_of, records)]
    counts = Counter(values)
    if len(counts) == len(values):
        return
    labels = "、".join(type(records[0]).INFO.column(k).label for k in keys)
    for record, value in zip(records, values, strict=True):
        if counts[value] > 1:
            others = [r.source.row for r, v in zip(records, values, strict=True) if v == value and r is not record]
            problems.error(record.source.file, f"{labels}重复（另见第 {'、'.join(map(str, others))} 行）",
                           row=record.source.row, column=labels, value=" / ".join(map(str, value)))
