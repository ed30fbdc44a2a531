"""What is searchable: one document per company, community, list entry and notice.

The section that builds the site turns its model into these; the exporter and the whoosh
index both take them as they are, so the browser and the command line search the same text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .tokenize import FIELD_WEIGHTS, field_terms

KINDS = ("company", "community", "list", "notice")
KIND_LABELS = {"company": "物业服务企业", "community": "住宅小区", "list": "信用红黑榜", "notice": "通知公告"}


@dataclass(frozen=True)
class SearchDoc:
    key: str  # stable across builds: "company:<code>", "community:<id>", "list:<year>:<code>", …
    kind: str  # one of KINDS
    title: str
    url: str  # relative to the site root, e.g. "companies/9115…/"
    district: str  # division code, or "" (notices)
    district_name: str
    summary: str  # one line under the title: the current grade, the street and manager, …
    fields: tuple[tuple[str, str], ...]  # (field kind from FIELD_WEIGHTS, text)
    order: tuple = field(default=(), compare=False)  # sort key within kind and district

    def term_weights(self) -> dict[str, int]:
        """Each term with the sum of the weights of the field kinds holding it (a term counts
        once per kind, however many values of that kind hold it, as in whoosh)."""
        by_kind: dict[str, frozenset[str]] = {}
        for kind, text in self.fields:
            terms = field_terms(kind, text)
            by_kind[kind] = by_kind[kind] | terms if kind in by_kind else terms
        weights: dict[str, int] = {}
        for kind, terms in by_kind.items():
            weight = FIELD_WEIGHTS[kind]
            for term in terms:
                weights[term] = weights.get(term, 0) + weight
        return weights

    def as_json(self) -> dict:
        return {"key": self.key, "kind": self.kind, "title": self.title, "url": self.url,
                "district": self.district, "district_name": self.district_name, "summary": self.summary,
                "fields": [list(f) for f in self.fields]}

    @classmethod
    def from_json(cls, data: dict) -> SearchDoc:
        return cls(data["key"], data["kind"], data["title"], data["url"], data["district"],
                   data["district_name"], data["summary"], tuple((k, v) for k, v in data["fields"]))


def in_order(docs: list[SearchDoc]) -> list[SearchDoc]:
    """The document numbering shared by shards and command line: by kind, then district, then
    the section's own order. Kinds and districts become contiguous ranges, so the browser can
    filter by them without fetching anything."""
    return sorted(docs, key=lambda d: (KINDS.index(d.kind), d.district, d.order, d.key))
