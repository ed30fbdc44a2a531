"""The whoosh index: the command line's search engine and the reference for the browser.

It lives in <site>/.cache/search-index/ (outside output/, which each build replaces) and is
brought up to date from output/search/documents.json.gz on first use after a build: only
documents whose text changed are deleted and added again, so a rebuild after the yearly
ratings touches a few hundred documents, not the province.

Scoring is the same simple sum the browser computes: for each required term, the weights of
the fields holding it (FIELD_WEIGHTS), plus a bonus when the whole query equals a name, code
or person; a document scores its best reading of the query; ties go to the shared document
order.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import fields, index, scoring
from whoosh.analysis import Token, Tokenizer
from whoosh.query import And, AndMaybe, Or, Query, Term

from disclosure.creditcode import verify

from .documents import SearchDoc
from .export import DOCUMENTS
from .tokenize import FIELD_WEIGHTS, NUMBER_PREFIX, field_terms, frequent_cap, plan, query_terms

FIELD_KINDS = tuple(FIELD_WEIGHTS)


class SharedTokenizer(Tokenizer):
    """Whoosh's view of search.tokenize: a field value is one or more lines, each tokenized
    on its own (a company's former names must not run into each other)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        terms: set[str] = set()
        for line in value.split("\n"):
            terms |= field_terms(self.kind, line)
        for position, text in enumerate(sorted(terms)):
            token.text = text
            token.boost = 1.0
            if positions:
                token.pos = start_pos + position
            yield token


def schema() -> fields.Schema:
    columns = {kind: fields.TEXT(analyzer=SharedTokenizer(kind), phrase=False) for kind in FIELD_KINDS}
    return fields.Schema(key=fields.ID(stored=True, unique=True), digest=fields.STORED, **columns)


class _FieldScorer(scoring.BaseScorer):
    def __init__(self, weight: int) -> None:
        self.weight = weight

    def score(self, matcher) -> float:
        return self.weight

    def max_quality(self) -> float:
        return self.weight

    def supports_block_quality(self) -> bool:
        return False


class FieldWeighting(scoring.WeightingModel):
    """A match in a field is worth the field's weight, whatever the term frequency or length:
    simple enough for the browser to compute the very same number."""

    def scorer(self, searcher, fieldname, text, qf=1):
        return _FieldScorer(FIELD_WEIGHTS[fieldname])


WEIGHTING = FieldWeighting()


def load_documents(output: Path) -> list[SearchDoc]:
    data = json.loads(gzip.decompress((output / DOCUMENTS).read_bytes()))
    return [SearchDoc.from_json(d) for d in data]


def _digest(doc: SearchDoc) -> str:
    return hashlib.sha256(json.dumps(doc.as_json(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _values(doc: SearchDoc) -> dict[str, str]:
    grouped: dict[str, list[str]] = {}
    for kind, text in doc.fields:
        grouped.setdefault(kind, []).append(text.replace("\n", " ") if kind == "exact" else text)
    return {kind: "\n".join(texts) for kind, texts in grouped.items()}


@dataclass(frozen=True)
class Refresh:
    added: int
    deleted: int
    unchanged: int


def refresh(index_dir: Path, docs: list[SearchDoc]) -> Refresh:
    """Bring the whoosh index in line with the documents, touching only what changed."""
    wanted = {d.key: (d, _digest(d)) for d in docs}
    if index.exists_in(str(index_dir)):
        ix = index.open_dir(str(index_dir))
        with ix.searcher() as searcher:
            present = {stored["key"]: stored["digest"] for stored in searcher.all_stored_fields()}
    else:
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(index_dir), schema())
        present = {}
    stale = [key for key, digest in present.items() if key not in wanted or wanted[key][1] != digest]
    new = [key for key, (_, digest) in wanted.items() if present.get(key) != digest]
    if not stale and not new:
        return Refresh(0, 0, len(present))
    # Whoosh adds about 1,800 short documents a second in one process; a second process
    # helps a first index of a province (tens of thousands), not a yearly update.
    procs = 2 if len(new) > 5000 and (os.cpu_count() or 1) > 1 else 1
    writer = ix.writer(procs=procs, limitmb=256) if procs > 1 else ix.writer(limitmb=256)
    for key in stale:
        writer.delete_by_term("key", key)
    for key in new:
        doc, digest = wanted[key]
        writer.add_document(key=doc.key, digest=digest, **_values(doc))
    writer.commit(optimize=len(new) > 5000)
    return Refresh(len(new), len(stale), len(present) - len(stale))


@dataclass(frozen=True)
class Hit:
    rank: int
    score: int
    doc: SearchDoc

    def as_json(self) -> dict:
        d = self.doc
        return {"rank": self.rank, "score": self.score, "key": d.key, "kind": d.kind, "title": d.title,
                "url": d.url, "district": d.district_name, "summary": d.summary}


@dataclass(frozen=True)
class CodeCheck:
    code: str
    ok: bool
    message: str
    nearest: tuple[SearchDoc, ...] = ()


@dataclass(frozen=True)
class Answer:
    query: str
    terms: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]  # per reading of the query
    total: int
    hits: tuple[Hit, ...]
    code_check: CodeCheck | None = None
    notes: tuple[str, ...] = field(default=())


def _any_field(term: str) -> Query:
    return Or([Term(kind, term) for kind in FIELD_KINDS if kind != "exact"])


class Engine:
    """Queries one whoosh index against one set of documents (the output's)."""

    def __init__(self, index_dir: Path, docs: list[SearchDoc]) -> None:
        self.ix = index.open_dir(str(index_dir))
        self.docs = {d.key: d for d in docs}
        self.order = {d.key: n for n, d in enumerate(docs)}
        self.cap = frequent_cap(len(docs))

    def search(self, query: str, limit: int | None = 10, kind: str = "", district: str = "") -> Answer:
        parsed = query_terms(query)
        best: dict[str, int] = {}
        plans: list[tuple[str, ...]] = []
        with self.ix.searcher(weighting=WEIGHTING) as searcher:
            exact_df = sum(1 for _ in searcher.docs_for_query(Term("exact", parsed.exact))) if parsed.exact else 0
            for reading in parsed.readings:
                df = {t: sum(1 for _ in searcher.docs_for_query(_any_field(t))) for t in reading}
                required = plan(reading, df, self.cap)
                plans.append(required)
                wanted: Query = And([_any_field(t) for t in required])
                if 0 < exact_df <= self.cap:
                    wanted = AndMaybe(wanted, Term("exact", parsed.exact))
                for hit in searcher.search(wanted, limit=None):
                    best[hit["key"]] = max(best.get(hit["key"], 0), round(hit.score))
            check = self._code_check(searcher, parsed.code) if parsed.code else None
        ranked = sorted(best, key=lambda key: (-best[key], self.order[key]))
        chosen = [self.docs[key] for key in ranked
                  if (not kind or self.docs[key].kind == kind)
                  and (not district or district in (self.docs[key].district, self.docs[key].district_name))]
        shown = chosen[:limit] if limit else chosen
        hits = tuple(Hit(n + 1, best[d.key], d) for n, d in enumerate(shown))
        return Answer(query, parsed.terms, tuple(plans), len(chosen), hits, check)

    def _code_check(self, searcher, code: str) -> CodeCheck:
        verdict = verify(code)
        if verdict.ok:
            return CodeCheck(code, True, "统一社会信用代码校验通过")
        nearest: tuple[SearchDoc, ...] = ()
        if verdict.expected_check:
            found = searcher.search(Term("code", NUMBER_PREFIX + code[:17].lower()), limit=None)
            nearest = tuple(self.docs[hit["key"]] for hit in found)
        message = f"“{code}”不是有效的统一社会信用代码：{verdict.reason}"
        if nearest:
            shown = "、".join(f"{d.title}（{d.key.split(':', 1)[1]}）" for d in nearest)
            message += f"。前 17 位与本站收录的 {shown} 相同，您要找的可能是它"
        return CodeCheck(code, False, message, nearest)
