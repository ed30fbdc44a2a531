"""Incremental and parallel rendering.

A page's fingerprint covers everything its bytes depend on: its own fields and context (the
records it shows), the sources of its template and every template that one extends,
includes or imports, and the settings and date shared by all pages. A rebuild renders only
pages whose fingerprint changed since the last build that wrote the same output folder; the
others stay where they are (write.py stages only what changed), so the result is the same
bytes as a clean build. Pages whose records are gone are deleted.

Before any of that, build.py compares one digest of every input file and option with the
last build's (state.py): when nothing changed, nothing is loaded, rendered or written.

Fingerprinting, rendering and writing are shared between the build's process and forked
workers (Publisher; the workers inherit the renderer, the pages and the data files, nothing
is pickled but chunks of indices and the results), each writing its files straight into
staging.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import operator
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import jinja2
from markupsafe import Markup

from . import parallel
from .ledgers import Outputs
from .pages import DataFile, Page
from .recordcache import value_bytes
from .write import Staging


class TemplateDigests:
    """The digest of a template together with everything it pulls in."""

    # Literal template names after extends/include/import/from; a name built at run time is
    # not followed, so such a template should not be used by pages (none of ours is).
    _REFERENCE = re.compile(r"""{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")

    def __init__(self, env: jinja2.Environment):
        self.env = env
        self._closure: dict[str, str] = {}
        self._sources: dict[str, tuple[str, list[str]]] = {}

    def _source(self, name: str) -> tuple[str, list[str]]:
        if name not in self._sources:
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            self._sources[name] = (source, sorted(set(self._REFERENCE.findall(source))))
        return self._sources[name]

    def digest(self, name: str) -> str:
        if name not in self._closure:
            seen: dict[str, str] = {}
            pending = [name]
            while pending:
                current = pending.pop()
                if current in seen:
                    continue
                source, referenced = self._source(current)
                seen[current] = source
                pending.extend(referenced)
            text = "\0".join(f"{n}\0{seen[n]}" for n in sorted(seen))
            self._closure[name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return self._closure[name]


class Fingerprints:
    """What a page shows, reduced to a digest: its fields and context, walked like repr()
    would (dataclass fields, dict items, sequence items, plain values), except that an object
    shared by many pages (a company, the price notice in force) is digested once per build,
    not once per page: repr() of 55,000 contexts took longer than rendering. Containers (a
    page's context, a list of records) are not digested on their own: the page's one digest
    covers what they hold. What is digested is the walk's result as ``value_bytes``: for the
    province's 5,533 company pages, 0.035 s against 0.14 s for its repr() (three timings each,
    in one process).

    ``known`` gives digests of records before any walk (catalog.Catalog.digests, made with
    each record from its content). Walking the province's records took a third of
    fingerprinting."""

    def __init__(self, template_digests: TemplateDigests, common_digest: str,
                 known: dict[int, tuple[bytes, object]] | None = None):
        self.templates = template_digests
        self.common = common_digest.encode("ascii")
        self._shared: dict[int, tuple[bytes, object]] = dict(known or {})  # id -> (digest, the object, kept alive)

    def page(self, page: Page) -> str:
        digest = hashlib.sha256(self.common)
        digest.update(self.templates.digest(page.template).encode("ascii"))
        digest.update(value_bytes(self._parts(_PAGE_FIELDS(page))))
        return digest.hexdigest()

    def _of(self, value: object) -> object:
        """``value`` itself when repr() of it is cheap and stable, a container's items walked,
        else a digest standing for the value."""
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind in _SEQUENCES:
            items = sorted(value, key=repr) if kind in (set, frozenset) else value  # type: ignore[call-overload]
            return kind.__name__, self._parts(items)  # type: ignore[attr-defined]
        if kind is dict:
            plain = _PLAIN
            return "dict", [(k, v if type(v) in plain else self._of(v)) for k, v in value.items()]  # type: ignore[attr-defined]
        known = self._shared.get(id(value))  # first: most values met here are records digested before
        if known is not None:
            return known[0]
        fields = _field_getter(kind)
        if fields is None:
            return repr(value)
        digest = self._digest(kind.__qualname__, self._parts(fields(value)))
        self._shared[id(value)] = (digest, value)
        return digest

    def _parts(self, values: Iterable[object]) -> list[object]:
        """``[self._of(v) for v in values]``, without a call for each plain value (most of a
        record's fields). Fingerprinting the province's pages, four alternating runs each: 4.8 to
        6.5 s with a call for each value, 4.5 to 5.5 s without; the digests are the same."""
        plain = _PLAIN
        return [v if type(v) in plain else self._of(v) for v in values]

    @staticmethod
    def _digest(kind: str, parts: list) -> bytes:
        return hashlib.sha1(value_bytes((kind, parts)), usedforsecurity=False).digest()


# Values taken as they are, their content all there is to them; anything else is walked or digested.
_PLAIN = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, bytes, Markup})
_SEQUENCES = frozenset({list, tuple, set, frozenset})


@functools.cache
def _field_getter(kind: type) -> Callable[[object], tuple] | None:
    """What reads a dataclass's field values as a tuple, in field order; None for a type that
    is not a dataclass."""
    if not dataclasses.is_dataclass(kind):
        return None
    names = [f.name for f in dataclasses.fields(kind)]
    if len(names) == 1:  # attrgetter of one name returns the value itself, not a tuple
        return lambda value: (getattr(value, names[0]),)
    return operator.attrgetter(*names) if names else lambda value: ()


_PAGE_FIELDS = _field_getter(Page)


@dataclass
class RenderStats:
    rendered: int = 0
    reused: int = 0
    # (page path, template file, line, message) of every page that failed to render
    failures: list[tuple[str, str, int | None, str]] = field(default_factory=list)


Output = tuple[str, str, int, str]  # path, fingerprint, size, sha256
Failure = tuple[str, str, int | None, str]
CHUNK = 100  # pages or files handed to a worker at a time


@dataclass
class Done:
    """What one chunk of pages or files came to."""

    written: list[Output] = field(default_factory=list)  # put into staging
    kept: list[Output] = field(default_factory=list)  # unchanged: the live file stays
    same: list[Output] = field(default_factory=list)  # rendered again to the live file's bytes: it stays
    failures: list[Failure] = field(default_factory=list)


class Publisher:
    """Pages rendered and data files written into staging, each only when it changed since
    the last build. On a large site the work (fingerprints included) is spread over forked
    worker processes, which inherit everything here; only chunks of indices go to them and
    only paths, sizes and digests come back."""

    def __init__(self, pages: list[Page], files: list[DataFile], render: Callable[[Page], str],
                 fingerprints: Fingerprints, staging: Staging, previous: Outputs, workers: int,
                 damaged: frozenset[str] = frozenset(), after_chunk: Callable[[], None] | None = None):
        """``previous``: what the last build wrote where these pages and files may go (the
        sections left alone are not asked about). ``damaged``: the files of ``previous`` no
        longer in output/ as it wrote them (BuildState.damaged). ``after_chunk``: called where a
        chunk of pages was rendered (a worker or here), e.g. to keep what rendering made for
        the next build."""
        self.pages, self.files, self.render, self.after_chunk = pages, files, render, after_chunk
        self.fingerprints, self.staging, self.previous, self.damaged = fingerprints, staging, previous, damaged
        self.outputs: Outputs = {}  # what this build wrote or kept of these pages and files
        self.target = str(staging.target)  # the live output folder, where unchanged files stay
        for template in {page.template for page in pages}:  # once here, not once per worker
            fingerprints.templates.digest(template)
        large = len(pages) + len(files) >= parallel.PARALLEL_THRESHOLD
        # This process works too, between collecting results: one fork fewer, and so one copy
        # fewer of what a worker touches (in a province build each worker grew to some 300 MB).
        self.forks = workers - 1 if workers > 1 and large else 0
        self.pool: ProcessPoolExecutor | None = None

    def render_pages(self, progress: Progress | None = None) -> RenderStats:
        stats = RenderStats()
        for done in self._run("pages_chunk", len(self.pages), progress):
            stats.rendered += len(done.written) + len(done.same)
            stats.reused += len(done.kept)
            stats.failures += done.failures
        stats.failures.sort()  # chunks finish in any order; the report should not
        return stats

    def write_files(self, progress: Progress | None = None) -> None:
        """Data files whose bytes equal the last build's are kept, not written again: a
        province has tens of thousands of small record files that rarely change."""
        for _ in self._run("files_chunk", len(self.files), progress):
            pass

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def _run(self, method: str, count: int, progress: Progress | None) -> Iterable[Done]:
        """Each stage has workers of its own, forked when it starts and ended when it ends: a
        worker that rendered pages holds private copies of much of what it touched (reference
        counts are writes), which the workers writing data files need not inherit."""
        # A chunk takes every n-th page, not a run of neighbours: the heavy pages (a province's
        # long lists, 0.3 s each) sit together in the order sections make them, and one chunk
        # holding seven of them kept one process busy for 3 s after the other had finished.
        stride = -(-count // CHUNK)
        chunks = [range(first, count, stride) for first in range(stride)]
        if self.forks and len(chunks) > 1:
            self.pool = parallel.fork_pool(self.forks, publisher=self)
            results: Iterable[Done] = self._shared_with_workers(method, chunks)
        else:
            results = (getattr(self, method)(chunk) for chunk in chunks)
        try:
            for done in progress(results, len(chunks)) if progress else results:
                for path, mark, size, digest in done.written:
                    self.staging.record(path, size, digest)
                    self.outputs[path] = (mark, size, digest)
                for path, mark, size, digest in done.kept + done.same:
                    self.staging.keep(path, size, digest)
                    self.outputs[path] = (mark, size, digest)
                yield done
        finally:
            self.close()

    def _shared_with_workers(self, method: str, chunks: list[range]) -> Iterator[Done]:
        """Each chunk done once, by a worker or by this process; results in no fixed order
        (what they say is keyed by path). A few chunks wait for each worker, so none idles
        while this process works on one of its own."""
        assert self.pool is not None
        waiting, running = deque(chunks), deque()
        while waiting or running:
            while waiting and len(running) < 4 * self.forks:
                running.append(self.pool.submit(_in_worker, method, waiting.popleft()))
            if waiting:
                yield getattr(self, method)(waiting.popleft())
            while running and (running[0].done() or not waiting):
                yield running.popleft().result()

    def _unchanged(self, path: str, mark: str) -> tuple[int, str] | None:
        """(size, digest) of the live file when the last build wrote it with this fingerprint
        and it is still there."""
        old = self.previous.get(path)
        if old is not None and old[0] == mark and path not in self.damaged:
            return old[1], old[2]
        return None

    def _same_digest(self, path: str, size: int | None, digest: str) -> bool:
        """The live file holds bytes of this size and sha256, by what the last build recorded
        (False when it recorded no digest: ``_same_bytes`` reads the file)."""
        old = self.previous.get(path)
        return old is not None and old[1:] == (size, digest) and path not in self.damaged

    def _same_bytes(self, path: str, data: bytes, digest: str) -> bool:
        """The live file holds ``data`` (whose sha256 is ``digest``): by the digest the last
        build recorded (the file being still there with its size: not damaged), or, where no
        digest was recorded (``--full`` trusts none: state.BuildState.of_folder), by reading
        the file."""
        old = self.previous.get(path)
        if old is None:
            return False
        if old[2]:
            return self._same_digest(path, len(data), digest)
        try:
            with open(f"{self.target}/{path}", "rb") as stream:
                return stream.read(len(data) + 1) == data
        except OSError:
            return False

    def pages_chunk(self, indices: range) -> Done:
        done = Done()
        for index in indices:
            page = self.pages[index]
            mark = self.fingerprints.page(page)
            kept = self._unchanged(page.path, mark)
            if kept is not None:
                done.kept.append((page.path, mark, *kept))
                continue
            try:
                data = self.render(page).encode("utf-8")
            except jinja2.TemplateError as exc:
                done.failures.append((page.path, getattr(exc, "filename", None) or page.template,
                                      getattr(exc, "lineno", None), str(exc)))
                continue
            digest = hashlib.sha256(data).hexdigest()
            if self._same_bytes(page.path, data, digest):
                # Rendered again to the same bytes (a record changed in a field this page does
                # not show): the live file stays, and nothing is written or moved.
                done.same.append((page.path, mark, len(data), digest))
                continue
            size, _ = self.staging.put(page.path, data, digest)
            done.written.append((page.path, mark, size, digest))
        if self.after_chunk is not None:
            self.after_chunk()
        return done

    def files_chunk(self, indices: range) -> Done:
        done = Done()
        for index in indices:
            data_file = self.files[index]
            path, size, digest = data_file.path, data_file.size, data_file.digest
            if digest is not None and self._same_digest(path, size, digest):  # its bytes need not be made
                done.kept.append((path, digest, size, digest))
                continue
            content = data_file.data()
            digest = digest or hashlib.sha256(content).hexdigest()
            if self._same_bytes(data_file.path, content, digest):  # a file's fingerprint is its digest
                done.kept.append((data_file.path, digest, len(content), digest))
            else:
                size, _ = self.staging.put(data_file.path, content, digest)
                done.written.append((data_file.path, digest, size, digest))
        return done


def _in_worker(method: str, indices: range) -> Done:
    """A chunk's work in a worker process, by the publisher it inherited at fork."""
    return getattr(parallel.SLOT["publisher"], method)(indices)


Progress = Callable[[Iterable, int], Iterable]


def terminal_progress(label: str) -> Progress | None:
    """A progress bar on a terminal only: logs and CI get the summary, not carriage returns."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return lambda items, total: tqdm(items, total=total, desc=label, unit="批", leave=False)
