"""The build, top to bottom: load → validate → assemble → render → write → index.

Each stage hands the next an explicit value. Problems are collected across a whole stage and
raised together; nothing is written to output/ until every page has rendered, and then the
new site replaces the old one in one rename.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import keptfiles
from .gcpause import cycle_collector_paused
from .ledgers import NO_SECTION, Ledger, LedgerStore, Outputs, ledgers_path, listing_of
from .pages import Contribution, DataFile, Page
from .problems import InputError, Problem, Problems
from .reads import is_dataset_file
from .settings import BUNDLED_THEME, Settings, load_settings, theme_dirs
from .state import ENGINE_CODE, BuildState, SectionRecord, input_digest, library_versions
from .write import MANIFEST, OutputPathError, Staging, manifest, tidy

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.sharedctypes import Synchronized
    from types import ModuleType

    from .catalog import Catalog
    from .content import Content
    from .model import Model
    from .recordcache import InMemory, RecordCache

# Part of every page's fingerprint: a new engine version re-renders everything.
__version__ = "0.1.0"


@dataclass(frozen=True)
class BuildOptions:
    source: Path
    output: Path
    base_url: str | None = None
    as_of: dt.date | None = None
    strict: bool = False
    full: bool = False  # ignore what the last build left: check every row, render every page
    workers: int | None = None  # processes for assembling and rendering; default: one per core
    # Checked records kept in memory between the builds of a long-running process (serve).
    memory: InMemory | None = None


@dataclass
class BuildReport:
    pages: int = 0
    rendered: int = 0
    reused: int = 0
    files: int = 0
    bytes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: Problems = field(default_factory=Problems)
    unchanged: bool = False  # nothing had changed: output/ was left as it was
    sections_kept: tuple[str, ...] = ()  # sections left alone, their inputs unchanged (reads.py)


@dataclass(frozen=True)
class Inputs:
    settings: Settings
    catalog: Catalog
    content: Content
    problems: Problems  # warnings only, once this exists


def default_as_of() -> dt.date:
    """SOURCE_DATE_EPOCH fixes "today" for reproducible builds, as MkDocs and Debian do."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def read_settings(source: Path, base_url: str | None, problems: Problems) -> Settings:
    settings = load_settings(source, problems)
    if settings is None:
        raise InputError(problems, "读取站点设置")
    if base_url:
        settings = dataclasses.replace(settings, base_url=base_url)
    return settings


def load_inputs(source: Path, base_url: str | None = None, strict: bool = False,
                settings: Settings | None = None, problems: Problems | None = None,
                cache: RecordCache | None = None, workers: int = 1) -> Inputs:
    """Stages load and validate. Raises InputError with every problem found. ``workers``:
    processes that may check a large table's new rows together."""
    # The stages' modules are imported when a stage runs: a build that finds nothing
    # changed returns before paying for pypinyin, openpyxl, Markdown or Jinja2.
    from .catalog import load_catalog
    from .content import load_content

    problems = problems or Problems()
    settings = settings or read_settings(source, base_url, problems)
    catalog = load_catalog(source, settings, problems, cache, workers)
    content = load_content(source, settings.organiser, problems)
    if problems.errors or (strict and problems.warnings):
        raise InputError(problems, "校验数据")
    return Inputs(settings, catalog, content, problems)


@dataclass(frozen=True)
class Assembled:
    pages: list[Page]  # of the sections run
    files: list[DataFile]  # of the sections run, and the sitemap and robots.txt
    made: dict[str, Contribution]  # the sections run, by name
    kept: dict[str, SectionRecord]  # the sections left alone (reads.py): their pages and files stay

    @functools.cached_property
    def kept_pages(self) -> list[str]:
        return [path for record in self.kept.values() for path in record.pages]


def assemble(inputs: Inputs, as_of: dt.date, source: Path, workers: int = 1,
             kept: dict[str, SectionRecord] | None = None) -> Assembled:
    """The pages and files of every section but those ``kept`` (by name)."""
    from . import feeds
    from .model import Model
    from .sections import SECTIONS, name_of

    kept = kept or {}
    model = Model(inputs.settings, inputs.catalog, inputs.content, as_of, source)
    made = _contributions(model, workers, tuple(s for s in SECTIONS if name_of(s) not in kept))
    pages = [page for contribution in made.values() for page in contribution.pages]
    files = [file for contribution in made.values() for file in contribution.files]
    model.sort_key.save(still_named=model.sorted_names() if kept else ())
    base = inputs.settings.base_url
    listed = [page.path for page in pages if page.in_sitemap]
    listed += [path for record in kept.values() for path in record.pages if path not in record.unlisted]
    files += [
        DataFile("sitemap.xml", feeds.sitemap(listed, base)),
        DataFile("robots.txt", feeds.robots(base)),
    ]
    return Assembled(pages, files, made, kept)


def _contributions(model: Model, workers: int, sections: tuple[ModuleType, ...]) -> dict[str, Contribution]:
    """The pages and files of ``sections``, by name, in their order. On a large site the
    sections that mostly make files (MAKING_FILES) are shared: each forked worker starts with
    one of them and then takes the next nobody has taken, and so does this process once its
    own sections are made. Their results are the same wherever they are made; the other cores
    just work while this one is busy."""
    from . import parallel
    from .sections import FIRST_HERE, MAKING_FILES, name_of

    records = len(model.catalog.communities) + len(model.catalog.companies)
    making_files = tuple(s for s in MAKING_FILES if s in sections)
    if workers < 2 or records < parallel.PARALLEL_THRESHOLD or not making_files:
        return {name_of(section): section.contribute(model) for section in sections}
    model.prepare_lookups()
    shared = _SharedSections(making_files, multiprocessing.get_context("fork").Value("i", 0))
    forks = min(workers - 1, len(making_files))  # this process works too
    pool = parallel.fork_pool(forks, model=model, shared=shared)
    try:
        # Each worker's first section is taken here, so that it is the worker's whatever
        # this process does before the worker has started.
        apart = [pool.submit(_contribute_apart, first) for _ in range(forks) if (first := shared.take()) is not None]
        made = {}
        for section in sorted((s for s in sections if s not in making_files), key=lambda s: s not in FIRST_HERE):
            made[section] = section.contribute(model)
            parallel.return_free_memory()  # e.g. a workbook's garbage, before the next section
        while (index := shared.take()) is not None:
            made[shared.sections[index]] = shared.sections[index].contribute(model)
        for future in apart:
            made.update((shared.sections[index], contribution) for index, contribution in future.result())
        return {name_of(section): made[section] for section in sections}
    finally:
        shared.stop()
        pool.shutdown(cancel_futures=True)


@dataclass(frozen=True)
class _SharedSections:
    """Sections waiting to be made by whichever process is free first, a worker or this one;
    the index of the next one nobody has taken lives in memory the processes share. At
    province scale, cold, search alone took 13 s and coverage 6 s, while this process's own
    sections took about 9 s together (each measured in one process): with both queued for the
    worker, this process waited. A worker takes its next section itself: when this process
    handed them out one at a time, after each result had reached it, the worker of a
    one-company rebuild waited 0.5 and 1.3 s between search and coverage (two runs) while that
    result crossed over to a process busy with its own sections."""

    sections: tuple[ModuleType, ...]  # slowest first
    next: Synchronized  # index into sections

    def take(self) -> int | None:
        """The index of the next waiting section, now the caller's to make; None when none waits."""
        with self.next.get_lock():
            index = self.next.value
            if index >= len(self.sections):
                return None
            self.next.value = index + 1
            return index

    def stop(self) -> None:
        """No more sections are taken (the build failed, or all are made)."""
        with self.next.get_lock():
            self.next.value = len(self.sections)


def _contribute_apart(first: int) -> list[tuple[int, Contribution]]:
    """Run in a worker: section ``first``, then any nobody has taken, on the model the worker
    inherited; each with its index."""
    from . import parallel

    shared: _SharedSections = parallel.SLOT["shared"]
    made = []
    index: int | None = first
    try:
        while index is not None:
            made.append((index, shared.sections[index].contribute(parallel.SLOT["model"])))
            parallel.return_free_memory()  # before the next section, or the pickling of the results
            index = shared.take()
    except BaseException:
        shared.stop()  # the build fails: nobody need make the rest
        raise
    return made


def build(options: BuildOptions, held: list[object] | None = None) -> BuildReport:
    """``held``: where the build leaves what it made (records, pages), for a caller that ends
    its process right after and need not free them one by one (generate.py)."""
    try:
        return _build(options, held)
    finally:
        gc.unfreeze()  # a long-running process (serve, tests) gets its garbage collected again


def _build(options: BuildOptions, held: list[object] | None = None) -> BuildReport:
    report = BuildReport()
    started = time.time()  # wall clock, to compare with the kept files' modification times
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[stage] = now - clock
        clock = now

    source = options.source.resolve()
    output = options.output.resolve()
    as_of = options.as_of or default_as_of()
    problems = Problems()
    settings = read_settings(source, options.base_url, problems)
    themes = theme_dirs(source, settings)
    tidy(output)
    # --full trusts nothing the last build recorded; it still leaves in place each file whose
    # bytes, read from disk, come out the same (replacing all of a province's 118,000 files
    # meant deleting the old ones: 34-48 s on this machine's disk). What output/ holds is
    # listed in a thread while the data is read: the walk mostly waits for the disk (timings
    # in BuildState.of_folder).
    listing = _listed_in_thread(output) if options.full else None
    previous = None if options.full else BuildState.load(output)
    roots = [source / "site.yaml", source / "data", source / "content", *themes, *ENGINE_CODE]
    options_text = repr((as_of, options.base_url, options.strict, __version__, library_versions()))
    # Every input but the datasets' files, which section keys take field by field (reads.py);
    # then the build's inputs are that and the datasets' files: each file is read once.
    dataset_file = functools.partial(is_dataset_file, data=source / "data")
    common_digest = input_digest(roots, options_text, leave_out=dataset_file)
    inputs_digest = input_digest([source / "data"], common_digest, leave_out=lambda path: not dataset_file(path))
    damaged: Future[frozenset[str]] | None = None  # the last build's files not as it left them
    if previous and previous.inputs == inputs_digest:
        damaged = _finished(previous.damaged(output))  # checked here: there is nothing to do beside it
        if not damaged.result():
            # Nothing the site is made from has changed since the build that wrote output/.
            report.pages = report.reused = previous.pages
            report.files = previous.file_count
            report.bytes = sum(ledger.size for ledger in previous.ledgers.values())
            report.warnings = Problems(warnings=[Problem(**w) for w in previous.warnings])
            report.unchanged = True
            lap("核对输入（无变化）")
            return report
    elif previous:
        damaged = _damaged_in_background(previous, output)

    from . import qr
    from . import render as render_module
    from .incremental import Fingerprints, Publisher, TemplateDigests, terminal_progress
    from .recordcache import RecordCache

    workers = options.workers or os.cpu_count() or 1
    # Reading makes records that live as long as the build (unpickling the province's cached
    # community records took 0.8 s with the cycle collector, 0.46 s without).
    with cycle_collector_paused():
        inputs = load_inputs(source, options.base_url, options.strict, settings, problems,
                             RecordCache(source / ".cache" / "records", refresh=options.full, memory=options.memory),
                             workers)
        # The records live until the build ends: frozen, they are out of the cycle collector's
        # way (its full passes re-walked them), and forked workers do not copy them just to
        # mark them. Frozen before the collector is back: its first pass would otherwise walk
        # every object made while it was paused (0.19-0.25 s for a province's records).
        gc.freeze()
    report.warnings = inputs.problems
    # The sections whose inputs are as the last build found them, and whose pages and files
    # are all still in output/, are left alone (reads.py). --full trusts no record: none is.
    from .reads import SectionKeys, left_alone, reads_of, record_of
    from .sections import SECTIONS, name_of

    keys = SectionKeys(common_digest, inputs.catalog, previous.columns if previous else {})
    own_templates = any(path.is_file() for theme in themes if theme != BUNDLED_THEME
                        for path in (theme / "templates").rglob("*"))
    section_keys = {name_of(s): keys.key(name_of(s), reads_of(s, inputs.settings, own_templates)) for s in SECTIONS}
    # Which sections to leave alone is decided with the check of the last build's files when
    # it has answered (a small site's is made here), else as if every file were there, so that
    # the check (another process, for a large site) runs on while this one assembles: asked
    # for here, it kept a `serve` process waiting 0.74-0.88 s a rebuild at province scale
    # (three rebuilds after a phone edit), as reading found the records in memory.
    answered = damaged.result() if damaged is not None and damaged.done() else frozenset()
    kept = left_alone(previous.sections, section_keys, previous.ledgers, answered) if damaged else {}
    lap("读取与校验")

    # Assembling, too, makes objects that live until the build ends (the pages), and no garbage
    # cycles to speak of: with the collector paused, assembling a province in one process took
    # 4.7-5.8 s instead of 6.1-6.7 s (four alternating runs each), at the same peak memory.
    with cycle_collector_paused():
        assembled = assemble(inputs, as_of, source, workers, kept)
        if damaged and (whole := left_alone(previous.sections, section_keys, previous.ledgers,
                                            damaged.result())) != kept:
            # A file of a section left alone was removed or cut in output/ by hand: that
            # section is made after all, and so is the sitemap that lists its pages.
            kept = whole
            del assembled  # not both sets of pages at once
            assembled = assemble(inputs, as_of, source, workers, kept)
        pages, files = assembled.pages, assembled.files
        files += _static_files(themes, {f.path for f in files})
        _check_paths(pages, files, [path for record in kept.values() for path in (*record.pages, *record.files)])
        gc.freeze()
    lap("组织页面")

    qr_codes = qr.QrCodes(source / ".cache" / "qr")
    env = render_module.make_environment(themes, source / ".cache" / "templates", qr_codes)
    renderer = render_module.Renderer(env, inputs.settings, as_of, inputs.settings.base_url)
    # Everything every page depends on besides its own record and template: the settings,
    # the date, and the code of the filters and functions templates call (render.py, qr.py).
    renderer_code = b"".join(Path(module.__file__).read_bytes() for module in (render_module, qr))
    common = hashlib.sha256(repr((inputs.settings, as_of, __version__)).encode("utf-8") + renderer_code).hexdigest()
    if listing is not None:
        previous = listing.result()
    # What the last build wrote where this one writes: the sections left alone keep their
    # files, and their ledgers, as they are. (--full leaves none alone: its previous is the
    # folder's files, BuildState.of_folder.)
    previous_outputs = {} if previous is None else previous.outputs_except(kept) if kept else previous.outputs
    staging = Staging.open(output, frozenset(previous_outputs) if previous else None)
    publisher = None
    try:
        if kept and not staging.patch:
            raise _moved_away(output)
        fingerprints = Fingerprints(TemplateDigests(env), common, inputs.catalog.digests)
        publisher = Publisher(pages, files, renderer.render, fingerprints, staging, previous_outputs, workers,
                              damaged.result() if damaged else frozenset(), after_chunk=qr_codes.save)
        stats = publisher.render_pages(terminal_progress("生成页面"))
        if stats.failures:
            failures = Problems()
            for path, template, line, message in stats.failures:
                failures.error(template, f"模板错误：{message}（页面 {path}）", row=line)
            raise InputError(failures, "生成页面")
        report.rendered, report.reused = stats.rendered, stats.reused + len(assembled.kept_pages)
        report.sections_kept = tuple(kept)
        lap("生成页面")
        publisher.write_files(terminal_progress("写出数据文件"))
        publisher.close()
        lap("写出数据文件")
        store = LedgerStore(ledgers_path(output))
        ledgers = _section_ledgers(assembled, publisher.outputs, previous.ledgers if previous else {}, store)
        others = publisher.outputs  # what no section made: static files, the sitemap, robots.txt
        staging.write(MANIFEST, manifest([*map(store.listing, ledgers.values()), listing_of(others)]))
        size, digest = staging.written[MANIFEST]
        ledgers[NO_SECTION] = store.make(others | {MANIFEST: (digest, size, digest)})
        state = BuildState(
            ledgers=ledgers,
            inputs=inputs_digest,
            pages=len(pages) + len(assembled.kept_pages),
            warnings=[dataclasses.asdict(w) for w in inputs.problems.warnings],
            sections={name: record_of(section_keys[name], made) for name, made in assembled.made.items()} | kept,
            columns=keys.columns,
        )
        staging.commit(state.to_bytes())
    except BaseException:
        if publisher is not None:
            publisher.close()
        staging.abandon()
        raise
    report.pages = state.pages
    report.files = state.file_count
    report.bytes = sum(ledger.size for ledger in ledgers.values())
    store.keep_only(ledgers.values())  # the record in place names these: the others are no build's
    qr_codes.merge()
    keptfiles.forget_unused(source, started, list(assembled.made))
    lap("替换 output")
    if held is not None:
        held += [inputs, assembled, publisher, previous, keys]
    return report


# From this many files on, the last build's files are checked on disk by a forked process
# while this one reads the data (below, fewer: here, in less time than a fork takes).
DAMAGE_CHECK_APART = 10_000


def _damaged_in_background(previous: BuildState, output: Path) -> Future[frozenset[str]]:
    """``previous.damaged(output)``, found by a process forked while this one is small, before
    the data is read. Checking each of a province's 118,000 files' size took 0.67-0.70 s
    (three timings) of the build's own process; reading, more than a second."""
    if previous.file_count < DAMAGE_CHECK_APART:
        return _finished(previous.damaged(output))
    from . import parallel

    pool = parallel.fork_pool(1, previous=previous)
    try:
        return pool.submit(_damaged_apart, str(output))
    finally:
        pool.shutdown(wait=False)


def _finished(result: frozenset[str]) -> Future[frozenset[str]]:
    from concurrent.futures import Future

    done: Future[frozenset[str]] = Future()
    done.set_result(result)
    return done


def _damaged_apart(output: str) -> frozenset[str]:
    from . import parallel

    return parallel.SLOT["previous"].damaged(Path(output))


def _listed_in_thread(output: Path) -> Future[BuildState | None]:
    """``BuildState.of_folder(output)``, made by a thread of its own; it ends with the walk."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1, thread_name_prefix="list-output")
    try:
        return pool.submit(BuildState.of_folder, output)
    finally:
        pool.shutdown(wait=False)


def _section_ledgers(assembled: Assembled, outputs: Outputs, before: dict[str, Ledger],
                     store: LedgerStore) -> dict[str, Ledger]:
    """The ledger of each section, by name, in order: made from ``outputs`` (what the build
    wrote or kept; taken out of it here) for the sections the build ran, the last build's for
    those it left alone. What stays in ``outputs`` is no section's."""
    ledgers = {name: before[name] for name in assembled.kept}
    for name, contribution in assembled.made.items():
        paths = [*(page.path for page in contribution.pages), *(file.path for file in contribution.files)]
        ledgers[name] = store.make({path: outputs.pop(path) for path in paths})
    return dict(sorted(ledgers.items()))


def _moved_away(output: Path) -> InputError:
    problems = Problems()
    problems.error(str(output), "生成期间输出目录被移走或删除，沿用的页面已不在原处", expected="重新运行生成")
    return InputError(problems, "替换 output")


def _check_paths(pages: list[Page], files: list[DataFile], kept: list[str]) -> None:
    """Two things claiming one path, or a path that would leave output/, stop the build.
    ``kept``: the paths of the pages and files of the sections left alone."""
    problems = Problems()
    claimed: dict[str, str] = dict.fromkeys(kept, "")  # checked when they were made
    for path, title in [(p.path, p.title) for p in pages] + [(f.path, f.path) for f in files]:
        if path in claimed:
            problems.error(path, f"两个页面要写入同一路径：“{claimed[path] or path}”和“{title}”",
                           expected="改正重复的编号或名称")
            continue
        claimed[path] = title
        try:
            Staging.check_relative(path)
        except OutputPathError as exc:
            problems.error(path, str(exc))
    if problems:
        raise InputError(problems, "生成页面")


def _static_files(themes: list[Path], claimed: set[str]) -> list[DataFile]:
    """The themes' static files; the site's own theme comes first and wins."""
    found: dict[str, DataFile] = {}
    for theme in themes:
        static = theme / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                relative = f"static/{path.relative_to(static).as_posix()}"
                if path.is_file() and relative not in found and relative not in claimed:
                    found[relative] = DataFile(relative, path.read_bytes())
    return list(found.values())
