"""What each section reads of the large datasets, and which sections a rebuild can leave alone.

Every section declares, in ``reads(settings)``, the fields of companies, communities and
ratings that its pages and files show or depend on (their order included: a list sorted by
street reads the street). Everything else a section may use — site.yaml, content/, the
districts, the price notices, the themes, the engine's code, the build's date and options —
is in every section's key. A rebuild computes each section's key from those and from the
declared fields of the records; a section whose key equals the one the last build recorded,
and whose pages and files are all still in output/ with their sizes, is not run: its pages
and files stay as they are, unvisited.

So a company's new phone number runs the sections that show it (companies, open data) and
leaves the other seven alone, with their 50,000 community pages. A field read but not
declared would leave a stale page: tests/test_reads.py changes every undeclared field of
every record and checks that each section's pages and files come out the same. That check
covers the bundled templates; a site with templates of its own is read whole (reads_of).
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .ledgers import Ledger
from .state import SectionRecord

if TYPE_CHECKING:
    from types import ModuleType

    from .catalog import Catalog
    from .pages import Contribution
    from .settings import Settings

ALL = "all"  # every field, by the record's digest (catalog.record_digest)
Fields = tuple[str, ...] | str  # field names, or ALL


@dataclass(frozen=True)
class Reads:
    companies: Fields = ()
    communities: Fields = ()
    ratings: Fields = ()


DATASETS = tuple(f.name for f in dataclasses.fields(Reads))


def reads_of(section: ModuleType, settings: Settings, own_templates: bool) -> Reads:
    """What ``section`` reads. When the site has templates of its own (site.yaml's ``theme``,
    or themes/default/templates in the site folder), a template may show any field of the
    records its pages are given, and the declarations hold for the bundled templates only:
    then every dataset the section reads at all is read whole. (A section that declares
    nothing of a dataset gives its pages none of its records.)"""
    declared = section.reads(settings)
    if not own_templates:
        return declared
    return Reads(**{dataset: ALL if getattr(declared, dataset) else () for dataset in DATASETS})


def is_dataset_file(path: Path, data: Path) -> bool:
    """A file of the datasets whose records go into section keys field by field, rather than
    whole into every key: data/companies.*, data/communities.*, data/ratings/*."""
    return (path.parent == data and path.stem in ("companies", "communities")) or data / "ratings" in path.parents


class SectionKeys:
    """Each section's key: the inputs every section shares (``common``, a digest of every
    file and option but the datasets') and the fields it declares of each dataset's records.

    Each field of a dataset is digested once (a column: its value in every record, in
    order), whichever sections declare it, and not at all when the dataset's records are
    those of the last build (the digest of every record, from ``Catalog.digests``, is the
    same): ``known`` holds the last build's column digests (``columns``). Digesting the
    fields four sections read of a province's 50,000 communities took 0.34-0.40 s as one
    digest per section, 0.17-0.19 s as one per field (two timings each)."""

    def __init__(self, common: str, catalog: Catalog, known: Mapping[tuple[str, str], tuple[bytes, bytes]]):
        self.common, self.catalog, self.known = common, catalog, known
        # (dataset, field) -> (digest of the dataset's records, digest of the field's values in them)
        self.columns: dict[tuple[str, str], tuple[bytes, bytes]] = {}

    def key(self, name: str, reads: Reads) -> str:
        digest = hashlib.sha256(f"{self.common}\0{name}".encode())
        for dataset in DATASETS:
            digest.update(self._fields_digest(dataset, getattr(reads, dataset)))
        return digest.hexdigest()

    def _fields_digest(self, dataset: str, fields: Fields) -> bytes:
        if fields == ALL:
            return self.catalog.digest_of(dataset)
        digest = hashlib.sha256(f"{dataset}\0{fields!r}".encode())
        for name in fields:
            digest.update(self._column(dataset, name))
        return digest.digest()

    def _column(self, dataset: str, name: str) -> bytes:
        if (dataset, name) not in self.columns:
            whole = self.catalog.digest_of(dataset)
            known = self.known.get((dataset, name))
            if known is None or known[0] != whole:
                values = repr(list(map(operator.attrgetter(name), getattr(self.catalog, dataset))))
                known = (whole, hashlib.sha256(values.encode("utf-8")).digest())
            self.columns[dataset, name] = known
        return self.columns[dataset, name][1]


def left_alone(records: Mapping[str, SectionRecord], keys: Mapping[str, str],
               ledgers: Mapping[str, Ledger], damaged: frozenset[str]) -> dict[str, SectionRecord]:
    """The sections the last build recorded with the key they have now, whose every page and
    file is still in output/ as that build wrote it (in its ledger, not ``damaged``): by name."""
    return {name: record for name, key in keys.items()
            if (record := records.get(name)) is not None and record.key == key and name in ledgers
            and damaged.isdisjoint(record.pages) and damaged.isdisjoint(record.files)}


def record_of(key: str, contribution: Contribution) -> SectionRecord:
    """What the next build needs to know of a section it may leave alone."""
    return SectionRecord(
        key=key,
        pages=tuple(page.path for page in contribution.pages),
        unlisted=frozenset(page.path for page in contribution.pages if not page.in_sitemap),
        files=tuple(file.path for file in contribution.files),
    )
