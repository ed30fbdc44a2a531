"""Files kept between builds under a digest of what they were made from: workbooks, and the
search exports. Making them takes seconds at province scale; reading them back, milliseconds.

A build marks each entry it reads as used (its modification time), writes new ones in one
rename, and at its end forgets the entries it neither made nor used, so the folders hold one
build's worth instead of growing with every change (some 6 MB for a province's communities
workbook each time a community changed). The folders are safe to delete at any time.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

WORKBOOKS = "workbooks"
SEARCH_EXPORTS = "search-export"
FOLDERS = (WORKBOOKS, SEARCH_EXPORTS)
# The rows of large workbooks (workbook.KeptRows): one file per workbook, replaced when it is
# made again, so never forgotten here: a build that took the workbook whole from WORKBOOKS,
# or open data's downloads from their own cache, did not use it, and the next still may.
WORKBOOK_ROWS = "workbook-rows"


def folder(source: Path, name: str, section: str) -> Path:
    """Where ``section`` (by name, or its module's __name__) keeps its entries of kind
    ``name``: each section has folders of its own, so that a build which leaves a section
    alone (reads.py) forgets none of its entries."""
    return source / ".cache" / name / section.rpartition(".")[2]


def used(path: Path) -> bool:
    """Whether the entry is there; if so, it is marked as used by this build."""
    try:
        os.utime(path)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def writing(path: Path) -> Iterator[Path]:
    """A temporary file to write the entry into; it becomes the entry when the block ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def read_appended(path: Path, take: Callable[[Any], None]) -> None:
    """Give ``take`` each pickle of a file written as pickles one after another, up to a torn
    or damaged end (a killed writer's), or nothing when there is no such file. Written by
    this program, for it."""
    with (contextlib.suppress(OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError),
          open(path, "rb") as stream):
        while True:
            take(pickle.load(stream))  # noqa: S301 - see above


def forget_unused(source: Path, started: float, sections: Iterable[str]) -> None:
    """Remove the entries of ``sections`` (those the build ran, by name) that the
    build which started at ``started`` (time.time()) neither made nor used, and the entries
    earlier versions kept outside any section's folder. (Where the file system keeps coarse
    times, an entry used in the build's first moments may go too; it is only made again.)"""
    for name in FOLDERS:
        kept = source / ".cache" / name
        if not kept.is_dir():
            continue
        folders = [kept, *(folder(source, name, section) for section in sections)]
        for path in (path for place in folders if place.is_dir() for path in place.iterdir()):
            with contextlib.suppress(OSError):
                if path.is_file() and path.stat().st_mtime < started:
                    path.unlink()
