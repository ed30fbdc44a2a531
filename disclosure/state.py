"""What a build leaves beside output/ for the next one, and the check whether anything changed.

This module is deliberately light (no Jinja2, pypinyin, openpyxl or Markdown): a rebuild
in which nothing changed only needs this, and should return before those are imported.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .ledgers import Ledger, LedgerStore, Outputs, ledgers_path
from .write import state_path

STATE_VERSION = 8
# The engine's own code is an input of every build, like the data: a change re-checks all.
ENGINE_CODE = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "search")
# Libraries whose output ends up in the site: a new version may change the bytes.
LIBRARIES = ("jinja2", "markdown", "markupsafe", "zxing-cpp", "openpyxl", "xlsxwriter", "pypinyin", "pyyaml",
             "whoosh3")


@dataclass(frozen=True)
class SectionRecord:
    """What a build made of one section (reads.py): the key of its inputs, and the paths of
    its pages and files."""

    key: str
    pages: tuple[str, ...]
    unlisted: frozenset[str]  # its pages left out of the sitemap
    files: tuple[str, ...]


@dataclass
class BuildState:
    ledgers: dict[str, Ledger] = field(default_factory=dict)  # by owner: a section's name, or NO_SECTION
    store: LedgerStore | None = None  # where the ledgers' files are (not part of the record)
    inputs: str = ""  # digest of every input of that build (see input_digest)
    pages: int = 0
    warnings: list[dict] = field(default_factory=list)  # its warnings, shown again when nothing changed
    sections: dict[str, SectionRecord] = field(default_factory=dict)  # by section name
    # (dataset, field) -> (digest of its records, of that field's values in them): reads.SectionKeys
    columns: dict[tuple[str, str], tuple[bytes, bytes]] = field(default_factory=dict)

    @functools.cached_property
    def outputs(self) -> Outputs:
        """Every file the build wrote: its ledgers' files (or, from BuildState.of_folder, which
        sets it, a folder's files)."""
        return self.outputs_except(())

    def outputs_except(self, owners: Collection[str]) -> Outputs:
        """The files of every ledger but those of ``owners``."""
        found: Outputs = {}
        for owner, ledger in self.ledgers.items():
            if owner not in owners:
                assert self.store is not None
                found.update(self.store.entries(ledger))
        return found

    @property
    def file_count(self) -> int:
        return sum(ledger.count for ledger in self.ledgers.values())

    @classmethod
    def load(cls, output: Path) -> BuildState | None:
        """The record the last build left beside output/; None if there is none to trust.

        A pickle, written by this program only, like the record cache: for a province's
        118,000 files, JSON took 0.28-0.36 s to read and 0.22-0.35 s to write, a pickle
        0.12-0.18 and 0.13-0.18 s (three runs); the files are now in ledgers (ledgers.py)."""
        try:
            data = pickle.loads(state_path(output).read_bytes())  # noqa: S301 - written by this program
            store = LedgerStore(ledgers_path(output))
            if (data["version"] != STATE_VERSION or not output.is_dir()
                    or not all(map(store.has, data["ledgers"].values()))):
                return None
            return cls(data["ledgers"], store, data["inputs"], data["pages"], data["warnings"], data["sections"],
                       data["columns"])
        except Exception:  # missing, cut short, or another version's: trust nothing, render everything
            return None

    @classmethod
    def of_folder(cls, output: Path) -> BuildState | None:
        """What ``output`` holds, trusting no record of how it was made: the path of every
        file, without fingerprint, size (-1) or digest, so every page is rendered and a file
        is kept only when its bytes, read from disk, are the new ones. None when there is no
        folder, or it holds anything but folders and plain files (a link could lead out of
        it): then the whole site is made afresh and swapped in. (Walking a province's 118,000
        files took 0.7-0.9 s in three runs in a row, 4.1 s once after many builds; asking for
        each file's size too took 1.6 and 3.4 s.)"""
        if not output.is_dir() or output.is_symlink():
            return None
        outputs: dict[str, tuple[str, int, str]] = {}
        pending = [(str(output), "")]
        try:
            while pending:
                folder, prefix = pending.pop()
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.is_dir(follow_symlinks=False):
                            pending.append((entry.path, f"{prefix}{entry.name}/"))
                        elif entry.is_file(follow_symlinks=False):
                            outputs[f"{prefix}{entry.name}"] = ("", -1, "")
                        else:
                            return None
        except OSError:  # a folder that cannot be read
            return None
        state = cls()
        state.outputs = outputs
        return state

    def to_bytes(self) -> bytes:
        return pickle.dumps({"version": STATE_VERSION, "inputs": self.inputs, "pages": self.pages,
                             "warnings": self.warnings, "ledgers": self.ledgers, "sections": self.sections,
                             "columns": self.columns},
                            protocol=pickle.HIGHEST_PROTOCOL)

    def damaged(self, output: Path) -> frozenset[str]:
        """The files the last build wrote that are no longer in ``output`` with their sizes
        (somebody edited output/ by hand); empty when all are as it left them."""
        folder = str(output)
        return frozenset(path for path, (_, size, _) in self.outputs.items()
                         if not unchanged_on_disk(f"{folder}/{path}", size))


def input_digest(roots: list[Path], options: str, leave_out: Callable[[Path], bool] | None = None) -> str:
    """One digest of every file under ``roots`` (data, content, settings, themes, the engine's
    own code) but those ``leave_out`` names, and of the options. Equal digests mean the build
    would write the same site."""
    digest = hashlib.sha256(options.encode("utf-8"))
    for number, root in enumerate(roots):
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc" or (leave_out and leave_out(path)):
                continue
            relative = path.relative_to(root).as_posix() if path != root else ""
            digest.update(f"{number}\0{relative}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def library_versions() -> tuple[str, ...]:
    versions = [sys.version]
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return tuple(versions)


def unchanged_on_disk(path: str, size: int) -> bool:
    """The file is there with this size. A plain string path and os.stat: for 118,000 files
    pathlib's joining and wrapping cost twice as long as the system calls themselves."""
    try:
        return os.stat(path).st_size == size
    except OSError:
        return False
