"""Checked records kept between builds, one entry per data file.

Reading and checking 50,000 community rows takes seconds; a rebuild after staff fixed one
company must not pay that again for the community sheet nobody touched. A data file's entry
is keyed by what its rows were checked against (district and company spellings, grades, the
sheet to read) and the engine's own code, and holds the digest of the file's bytes: its
records are used only when the file is the same. Only results without errors are kept, so a
fixed file is always checked afresh. In the same entry, the records of the file's rows that
passed are kept by their cells (catalog.py), so a changed file checks only its changed rows.

The entries live in <site>/.cache/records/ (pickles written by this program for this
program; the folder is safe to delete at any time). The same store, in other folders of
<site>/.cache/, keeps open data's files (sections/opendata.py, keyed by value_digest), the
pinyin sort keys (pinyin.SortKeys) and the search terms (sections/search.py).
"""

from __future__ import annotations

import hashlib
import io
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import keptfiles

# The code that turns rows into records: a change to it makes every entry stale.
_ENGINE = Path(__file__).resolve().parent


def engine_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(_ENGINE.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def value_digest(value: Any) -> str:
    """A digest of what ``value`` holds, for keys of things made from it (``value_bytes``)."""
    return hashlib.sha256(value_bytes(value)).hexdigest()[:32]


def value_bytes(value: Any) -> bytes:
    """What ``value`` holds as bytes to digest: a pickle without its memo, so equal values
    give equal bytes whether or not they share objects (records read from a file and the
    same records read back from this cache differ in what they share with the rest of the
    build). No sets or cycles in ``value``: neither has one order."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo
    pickler.dump(value)
    return buffer.getvalue()


Identity = tuple[int, int, int]  # a file's inode, size and modification time: a replaced file has others
_NOT_READ = object()  # an entry's rest, in memory, when no reader asked for it yet


def identity(path: Path) -> Identity:
    found = path.stat()
    return found.st_ino, found.st_size, found.st_mtime_ns


@dataclass
class InMemory:
    """Entries a long-running process (serve) keeps between its builds, one per name: the
    file it read or wrote, that file's identity then, and what it holds. An entry is used
    while its file is the same one. What it holds is shared between the builds: records
    are frozen, and readers copy the lists they change. At province scale a company edit's
    rebuild unpickled the communities' entry, 0.3-0.6 s, each time."""

    entries: dict[str, tuple[Path, Identity, Any, Any]] = field(default_factory=dict)


@dataclass
class RecordCache:
    folder: Path | None  # None: keep nothing (e.g. `check`, which should look at everything)
    refresh: bool = False  # check every file afresh and replace the entries (build --full)
    engine: str = field(default_factory=engine_digest)
    memory: InMemory | None = None  # entries kept in memory too, between builds of one process

    def key(self, *context: Any) -> str:
        """An entry's key: ``context`` (what the value was made from) and the engine's code."""
        return hashlib.sha256(repr((self.engine, context)).encode("utf-8")).hexdigest()[:32]

    def _entry(self, shown: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{re.sub(r'[^A-Za-z0-9]+', '-', shown)}.{key}.pickle"

    def get(self, shown: str, key: str) -> Any | None:
        """The value ``put`` kept (without its rest), or None."""
        found = self.get_with_rest(shown, key, wanted=lambda _: False)
        return found[0] if found is not None else None

    def put(self, shown: str, key: str, value: Any, rest: Any = None) -> None:
        """Keep ``value``, and after it ``rest``: what only some readers need (``get_with_rest``;
        objects ``rest`` shares with ``value`` are written once)."""
        if self.folder is None:
            return
        entry = self._entry(shown, key)
        self.forget(shown)  # one entry per name
        # Straight to the file, not through pickle.dumps: no second copy of a large entry in memory.
        with keptfiles.writing(entry) as temporary, open(temporary, "wb") as stream:
            pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dump(value)
            pickler.dump(rest)  # the same pickler: ``rest`` refers to the objects of ``value``
        if self.memory is not None:
            self.memory.entries[shown] = (entry, identity(entry), value, rest)

    def get_with_rest(self, shown: str, key: str, wanted: Callable[[Any], bool]) -> tuple[Any, Any] | None:
        """What ``put`` kept: ``value``, and ``rest`` only when ``wanted(value)`` (else None). A
        reader that finds what it needs in ``value`` does not pay for the rest."""
        if self.folder is None or self.refresh:
            return None
        entry = self._entry(shown, key)
        try:
            found = identity(entry)
            remembered = self.memory.entries.get(shown) if self.memory is not None else None
            if remembered is not None and remembered[:2] == (entry, found):
                value, rest = remembered[2:]
                if not wanted(value):
                    return value, None
                if rest is not _NOT_READ:
                    return value, rest
            unpickler = pickle.Unpickler(io.BytesIO(entry.read_bytes()))  # noqa: S301 - ours
            value = unpickler.load()
            rest = unpickler.load() if wanted(value) else _NOT_READ
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        if self.memory is not None:
            self.memory.entries[shown] = (entry, found, value, rest)
        return value, (None if rest is _NOT_READ else rest)

    def forget(self, shown: str) -> None:
        """Remove every entry kept under this name."""
        if self.memory is not None:
            self.memory.entries.pop(shown, None)
        if self.folder is not None and self.folder.is_dir():
            for stale in self.folder.glob(self._entry(shown, "*").name):
                stale.unlink(missing_ok=True)
