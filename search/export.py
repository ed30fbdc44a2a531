"""The static index: small JSON shards the browser fetches one query term at a time.

    search/manifest.json      counts, kind and district ranges, shard count, the syllable list
    search/t/<n>.json         terms hashed (FNV-1a) into n shards: term → {weight: [id deltas]}
                              or, for a frequent term, its document frequency only
    search/f/<hash>.json      the full postings of a frequent term (by FNV-1a hash), fetched
                              only when a query has nothing rarer
    search/d/<n>.json         result lines for documents n·CHUNK … (title, url, district, summary)
    search/documents.json.gz  every document with its text, for the command line's whoosh index

Posting lists are built straight from the shared tokenizer, not read out of whoosh, so a
province-sized build does not wait for whoosh (about 1,800 documents a second here).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from disclosure.gcpause import cycle_collector_paused

from .documents import KIND_LABELS, KINDS, SearchDoc, in_order
from .tokenize import FIELD_WEIGHTS, SYLLABLES, fnv1a, frequent_cap

VERSION = 1
CHUNK = 50  # result lines per file: one screen of results touches few files
POSTINGS_PER_SHARD = 2500  # about 10 KB of JSON, 3–4 KB gzipped
DOCUMENTS = "search/documents.json.gz"
assert sum(FIELD_WEIGHTS.values()) < 256, "a posting packs its weight into 8 bits"


@dataclass(frozen=True)
class Exported:
    files: list[tuple[str, bytes]]
    documents: int
    terms: int
    postings: int
    shards: int
    frequent: int
    # Each document's terms and weights, packed (see _terms), by a digest of its fields: what
    # the next export may be given as ``known`` (empty unless this one was given one).
    terms_by_fields: dict[bytes, tuple[bytes, bytes]]
    # Of the documents in order: their keys and their fields' digests (empty unless given
    # ``known``); and the postings the shards hold. What the next export may patch (Previous).
    keys: tuple[str, ...] = ()
    fields: tuple[bytes, ...] = ()
    rare_postings: int = 0

    def summary(self) -> Exported:
        """This without its files and terms: what the next export needs to know of it
        besides its files (Previous), small enough to keep beside them."""
        return dataclasses.replace(self, files=[], terms_by_fields={})


@dataclass(frozen=True)
class Previous:
    """The last export, for the next to patch: its files, and its ``Exported.summary``."""

    files: dict[str, bytes]
    said: Exported


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def frequent_file(term: str) -> str:
    """One file per hash value (8 hex digits); the rare terms sharing one share the file."""
    return f"search/f/{fnv1a(term):08x}.json"


def _encode(postings: array) -> dict[str, list[int]]:
    """Group by weight, ids delta-coded: small numbers that gzip well."""
    grouped: dict[int, list[int]] = {}
    for packed in postings:
        ids = grouped.get(packed & 0xFF)
        if ids is None:
            grouped[packed & 0xFF] = [packed >> 8]
        else:
            ids.append(packed >> 8)
    return {str(weight): [b - a for a, b in zip([0, *ids], ids, strict=False)] for weight, ids in grouped.items()}


def export(docs: list[SearchDoc], known: dict[bytes, tuple[bytes, bytes]] | None = None,
           previous: Previous | None = None) -> Exported:
    """``known``: the ``terms_by_fields`` of an export made with the same tokenizer. Cutting
    the fields into terms is about half of an export's work (profiled), and a rebuild after
    one document changed finds all the others' terms there. ``previous``: the last export
    made with ``known`` (and the same tokenizer). When it has the same documents in the same
    order, only the terms of the documents whose fields changed are placed again, in the
    files of the last export that hold them (``_patched``); the files are those an export
    from nothing would make."""
    # Each full collection walked every posting list (ten million ints at province scale, most
    # of a second each), and the index holds no reference cycles: they took up to half of this.
    with cycle_collector_paused():
        patched = _patched(docs, known, previous) if previous is not None and known is not None else None
        return patched or _export(docs, known)


def _export(docs: list[SearchDoc], known: dict[bytes, tuple[bytes, bytes]] | None) -> Exported:
    ordered = in_order(docs)
    # One 8-byte machine integer per posting (document number and weight packed) in an array,
    # not a Python int in a list: a province has ten million postings, which as int objects
    # took 600 MB and made this the build's peak of memory.
    index: dict[str, array] = defaultdict(partial(array, "Q"))
    made: dict[bytes, tuple[bytes, bytes]] = {}
    fields: list[bytes] = []
    for number, doc in enumerate(ordered):
        packed = number << 8
        if known is None:
            pairs: Iterable[tuple[str, int]] = doc.term_weights().items()
        else:
            fields.append(_fields_key(doc))
            pairs = _terms(doc, fields[-1], known, made)
        for term, weight in pairs:
            index[term].append(packed | weight)
    cap = frequent_cap(len(ordered))
    rare_postings = sum(len(p) for p in index.values() if len(p) <= cap)
    shards = _shard_count(rare_postings)
    terms_of: list[list[str]] = [[] for _ in range(shards)]
    for term in sorted(index):
        terms_of[fnv1a(term) & (shards - 1)].append(term)
    frequent: dict[str, list[str]] = defaultdict(list)  # file -> its terms
    shard_files = []
    for number, terms in enumerate(terms_of):  # one shard's table at a time, written, let go
        table: dict[str, object] = {}
        for term in terms:
            postings = index[term]
            if len(postings) > cap:
                table[term] = len(postings)
                frequent[frequent_file(term)].append(term)
            else:
                table[term] = _encode(postings)
        shard_files.append((f"search/t/{number}.json", _json(table)))
    # Frequent terms' postings, as lists of Python ints, are most of a province's: one file's
    # at a time, like the shards (all at once they were the build's peak of memory).
    files = [(name, _json({term: _encode(index[term]) for term in terms})) for name, terms in sorted(frequent.items())]
    files += shard_files
    terms, postings, frequent_terms = len(index), sum(len(p) for p in index.values()), sum(map(len, frequent.values()))
    del index, terms_of  # let go before the documents' JSON is made
    files += _document_files(ordered, shards, cap)
    return Exported(files, len(ordered), terms, postings, shards, frequent_terms, made,
                    tuple(d.key for d in ordered), tuple(fields), rare_postings)


def _patched(docs: list[SearchDoc], known: dict[bytes, tuple[bytes, bytes]],
             previous: Previous) -> Exported | None:
    """``_export(docs, known)`` made from ``previous``, or None when it cannot be: other
    documents or another order, a changed document whose old terms are not in ``known``, or
    a number of shards that would change. Each term a changed document gained, lost or
    weighs differently is read back from the shard (or the frequent term's file) holding it,
    its postings changed, and written where an export from nothing puts it; the other files
    stay as they were, but for the result lines, the documents' file and the manifest, which
    are made again. After one community changed, the province's export needs a few dozen
    shards of thousands."""
    ordered, said = in_order(docs), previous.said
    if tuple(d.key for d in ordered) != said.keys or len(said.fields) != len(ordered):
        return None
    made: dict[bytes, tuple[bytes, bytes]] = {}
    fields = [_fields_key(doc) for doc in ordered]
    changes: dict[str, dict[int, int]] = defaultdict(dict)  # term -> {document number: its new weight, 0 for none}
    for number, (doc, key, old) in enumerate(zip(ordered, fields, said.fields, strict=True)):
        if key == old:
            if key in known:
                made[key] = known[key]
            else:
                _terms(doc, key, known, made)  # cut again, for the next export
            continue
        if old not in known:
            return None
        before = dict(_unpacked(known[old]))
        after = dict(_terms(doc, key, known, made))
        for term in before.keys() | after.keys():
            if before.get(term, 0) != after.get(term, 0):
                changes[term][number] = after.get(term, 0)
    cap = frequent_cap(len(ordered))
    files, shards = dict(previous.files), said.shards
    parsed: dict[str, dict] = {}  # the shards and frequent terms' files changed, by name
    rare, terms, postings, frequent = said.rare_postings, said.terms, said.postings, said.frequent

    def table(name: str) -> dict:
        if name not in parsed:
            parsed[name] = json.loads(files[name]) if name in files else {}
        return parsed[name]

    for term, weights in changes.items():
        shard = table(f"search/t/{fnv1a(term) & (shards - 1)}.json")
        entry = shard.pop(term, None)
        if isinstance(entry, int):  # frequent: the postings are in its own file
            entry = table(frequent_file(term)).pop(term, None)
            if entry is None:
                return None
        old = _decoded(entry) if entry is not None else []
        new = sorted([p for p in old if p >> 8 not in weights] + [n << 8 | w for n, w in weights.items() if w])
        rare += (len(new) if len(new) <= cap else 0) - (len(old) if len(old) <= cap else 0)
        frequent += (len(new) > cap) - (len(old) > cap)
        terms += bool(new) - bool(old)
        postings += len(new) - len(old)
        if len(new) > cap:
            shard[term] = len(new)
            table(frequent_file(term))[term] = _encode(array("Q", new))
        elif new:
            shard[term] = _encode(array("Q", new))
    if _shard_count(rare) != shards:
        return None
    for name, content in parsed.items():
        if content or name.startswith("search/t/"):
            files[name] = _json(content)
        else:  # a frequent terms' file left with none
            files.pop(name, None)
    files.update(_document_files(ordered, shards, cap))
    ordered_names = [*sorted(n for n in files if n.startswith("search/f/")),
                     *(f"search/t/{n}.json" for n in range(shards)),
                     *(f"search/d/{n // CHUNK}.json" for n in range(0, len(ordered), CHUNK)),
                     DOCUMENTS, "search/manifest.json"]
    return Exported([(name, files[name]) for name in ordered_names], len(ordered), terms, postings, shards,
                    frequent, made, said.keys, tuple(fields), rare)


def _decoded(encoded: dict[str, list[int]]) -> list[int]:
    """The postings ``_encode`` wrote, packed, in document order."""
    packed = []
    for weight, deltas in encoded.items():
        number = 0
        for delta in deltas:
            number += delta
            packed.append(number << 8 | int(weight))
    return sorted(packed)


def _shard_count(rare_postings: int) -> int:
    shards = 1
    while shards * POSTINGS_PER_SHARD < rare_postings:
        shards *= 2
    return shards


def _document_files(ordered: list[SearchDoc], shards: int, cap: int) -> list[tuple[str, bytes]]:
    """The result lines (d/), every document (for the command line's index), the manifest."""
    lines = [[d.title, d.url, d.district_name, d.summary] for d in ordered]
    files = [(f"search/d/{n // CHUNK}.json", _json(lines[n:n + CHUNK])) for n in range(0, len(lines), CHUNK)]
    stamp, packed = _documents_file(ordered)
    files.append((DOCUMENTS, packed))
    files.append(("search/manifest.json", _json(_manifest(ordered, stamp, shards, cap))))
    return files


def _fields_key(doc: SearchDoc) -> bytes:
    """What stands for the document's fields in ``known``: a digest of their pickle (no two
    values pickle alike). For a province's 57,590 documents, 0.24-0.28 s against 0.44-0.54 s
    from their repr()."""
    return hashlib.blake2b(pickle.dumps(doc.fields, pickle.HIGHEST_PROTOCOL), digest_size=16).digest()


def _terms(doc: SearchDoc, key: bytes, known: dict[bytes, tuple[bytes, bytes]],
           made: dict[bytes, tuple[bytes, bytes]]) -> Iterable[tuple[str, int]]:
    """The document's terms and weights, from ``known`` when its fields (``key``) are there;
    put in ``made`` either way. Packed as two byte strings, the terms NUL-separated and one
    byte a weight, not as a string object per term: a province's packed terms pickle to 41 MB."""
    stored = known.get(key)
    if stored is None:
        weights = doc.term_weights()
        text = "\x00".join(weights)
        if text.count("\x00") != max(len(weights) - 1, 0):  # a term holding a NUL: not kept
            return weights.items()
        stored = (text.encode("utf-8"), bytes(weights.values()))
    made[key] = stored
    return _unpacked(stored)


def _unpacked(stored: tuple[bytes, bytes]) -> Iterable[tuple[str, int]]:
    text_bytes, weight_bytes = stored
    return zip(text_bytes.decode("utf-8").split("\x00"), weight_bytes, strict=True) if weight_bytes else ()


def _documents_file(ordered: list[SearchDoc]) -> tuple[str, bytes]:
    """The stamp (from the JSON's digest) and the gzipped JSON array of every document.

    Made a thousand documents at a time: the whole JSON text of a province's, and the dicts it
    was made from, took 120 MB at once. The bytes are those of gzip.compress(json.dumps(...)).
    Not key-sorted: as_json's order is fixed already, and sorting 50,000 dicts costs seconds.
    """
    digest = hashlib.sha256()
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip header, with mtime 0
    packed = []
    for start in range(0, max(len(ordered), 1), 1000):
        text = ",".join(_DOCUMENT_ENCODER.encode(d.as_json()) for d in ordered[start:start + 1000])
        text = ("[" if start == 0 else ",") + text + ("]" if start + 1000 >= len(ordered) else "")
        data = text.encode("utf-8")
        digest.update(data)
        packed.append(packer.compress(data))
    packed.append(packer.flush())
    return digest.hexdigest()[:12], b"".join(packed)


_DOCUMENT_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _manifest(ordered: list[SearchDoc], stamp: str, shards: int, cap: int) -> dict:
    districts: dict[str, str] = {}
    ranges: list[list] = []  # [kind, district code, first id, end id]
    for number, doc in enumerate(ordered):
        districts.setdefault(doc.district, doc.district_name)
        if ranges and ranges[-1][:2] == [doc.kind, doc.district]:
            ranges[-1][3] = number + 1
        else:
            ranges.append([doc.kind, doc.district, number, number + 1])
    return {
        "version": VERSION, "stamp": stamp, "documents": len(ordered), "shards": shards, "cap": cap,
        "chunk": CHUNK, "exact_weight": FIELD_WEIGHTS["exact"],
        "kinds": [{"kind": k, "label": KIND_LABELS[k]} for k in KINDS],
        "districts": [{"code": c, "name": n} for c, n in sorted(districts.items()) if c],
        "ranges": ranges, "syllables": " ".join(SYLLABLES),
    }
