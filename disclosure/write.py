"""Stage write: new files go to a staging folder; output/ changes only once all are there.

Two ways to make the staging folder live:

- **swap** (a first build; ``--full`` when output/ holds anything but folders and plain
  files): staging holds the whole site and replaces output/ by rename.
- **patch** (a rebuild, ``--full`` included: it compares the new bytes with the files on
  disk): staging holds only the files that changed, side by side under
  names made from their paths (``staged_name``). A journal beside
  output/ names the files to move in and the files to delete; once it is on disk, the
  change is decided and is carried out file by file, each by rename. A build killed while
  carrying it out leaves the journal, and the next build finishes the job before anything
  else ("roll forward", as databases do), so output/ never stays half old, half new.

A failed or killed build before that point leaves the previous output/ as it was. No path
may leave the staging folder, whatever a record id contains, and two files claiming one path
is an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "build-manifest.json"  # every file of the site with its size and sha256


# What json.dumps escapes in a string when ensure_ascii is off.
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')


def manifest_lines(files: Iterable[tuple[str, int, str]]) -> bytes:
    """Lines of build-manifest.json, one for each (path, size, sha256), in the order given,
    joined by ",\n". JSON, one file per line: it diffs well (and json.dumps with indent= is
    pure Python, ten times slower for a province's 118,000 files)."""
    # The text json.dumps gives each entry, made with one encoder for the path alone: one
    # json.dumps call per file made an encoder each time, a second for a province. Paths
    # without a character JSON escapes (with ensure_ascii off) are quoted as they are:
    # 0.11-0.16 s instead of 0.22-0.23 s for a province's 118,000 files (two timings).
    files = list(files)
    if _JSON_ESCAPED.search("".join(path for path, _, _ in files)):
        quoted = json.JSONEncoder(ensure_ascii=False).encode
        lines = [f'{{"path": {quoted(p)}, "bytes": {size}, "sha256": "{digest}"}}' for p, size, digest in files]
    else:
        lines = [f'{{"path": "{p}", "bytes": {size}, "sha256": "{digest}"}}' for p, size, digest in files]
    return ",\n".join(lines).encode("utf-8")


def manifest(listings: Iterable[bytes]) -> bytes:
    """build-manifest.json from the lines of each part of the site (``manifest_lines``), in
    the order given."""
    return b'{"files": [\n' + b",\n".join(part for part in listings if part) + b"\n]}\n"


class OutputPathError(ValueError):
    pass


def state_path(output: Path) -> Path:
    """What the last build wrote, kept beside output/, never inside: not part of the publication."""
    return output.with_name(f".{output.name}.state.pickle")


def journal_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.journal.json")


def _remove_abandoned(target: Path) -> None:
    """Folders left beside output/ by a build that was killed (its process is gone)."""
    for kind in ("building", "old"):
        for path in target.parent.glob(f".{target.name}.{kind}-*"):
            pid = path.name.removeprefix(f".{target.name}.{kind}-").split("-")[0]
            if pid.isdigit() and not _running(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def tidy(target: Path) -> None:
    """What killed builds left beside output/: finish a decided patch, remove staging folders."""
    finish_interrupted(target)
    _remove_abandoned(target)
    target.with_name(f".{target.name}.state.json").unlink(missing_ok=True)  # where earlier versions kept the record


def staged_name(relative: str) -> str:
    """A changed file's name while it waits in a patch's staging folder. Not its path: the
    folders a path names would have to be made in staging and removed after the moves, and
    removing a province's 55,000 emptied page folders took 11 s on this machine."""
    return hashlib.sha1(relative.encode("utf-8"), usedforsecurity=False).hexdigest()


def finish_interrupted(target: Path) -> None:
    """Carry out a patch whose journal was written but whose build was killed before the end."""
    journal = journal_path(target)
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    folder = target.parent / plan["folder"]
    # Without its staging folder (removed by hand?) the moves cannot be checked: the next
    # build then trusts nothing in output/ and renders everything.
    trusted = folder.is_dir()
    for relative in [*plan["moves"], *plan["deletes"]]:  # a journal is data: never trusted to leave output/
        Staging.check_relative(relative)
    flat = plan.get("flat", False)  # False: a journal of an earlier version, staged as paths
    for relative in plan["moves"]:
        _move(f"{folder}/{staged_name(relative) if flat else relative}", f"{target}/{relative}")
    for relative in plan["deletes"]:
        (target / relative).unlink(missing_ok=True)
        _prune_empty_parents(target / relative, target)
    state_next = target.parent / plan["state"]
    if trusted and state_next.exists():
        os.replace(state_next, state_path(target))
    elif not trusted:
        state_path(target).unlink(missing_ok=True)
        state_next.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    journal.unlink()


def _move(staged: str, destination: str) -> None:
    """One move of a patch. Most destinations replace a file, so their folder is made only
    when the move finds it missing (making each page's folder first, and the Path objects,
    took about 4 of the 24.5 s that moving 55,000 pages took, profiled)."""
    try:
        os.replace(staged, destination)
    except FileNotFoundError:
        if not os.path.exists(staged):  # moved before the build was killed
            return
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        os.replace(staged, destination)


def _prune_empty_parents(path: Path, stop: Path) -> None:
    for parent in path.parents:
        if parent == stop or stop not in parent.parents:
            return
        try:
            parent.rmdir()
        except OSError:  # not empty
            return


@dataclass
class Staging:
    target: Path  # the live output folder
    folder: Path  # where this build writes
    patch: bool = False  # True: folder holds only changed files; unchanged ones stay in target
    # every path of the new site -> (size, sha256), but those of the sections the build left
    # alone (reads.py): in a patch, their files stay in the live folder, neither kept nor deleted
    written: dict[str, tuple[int, str]] = field(default_factory=dict)
    fresh: set[str] = field(default_factory=set)  # paths of files written into folder
    previous: frozenset[str] = frozenset()  # paths the live folder holds now, not left alone (patch only)
    decided: bool = False  # the journal of a patch is written: the staged files must stay

    @classmethod
    def open(cls, target: Path, previous: frozenset[str] | None = None) -> Staging:
        """``previous``: the paths the last build wrote, when it left a usable record of them;
        then only changes are staged, and of those paths, the ones the new site does not have
        are deleted. None: a whole new site is staged and swapped in."""
        target = target.resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        tidy(target)
        folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-{os.getpid()}-", dir=target.parent))
        patch = previous is not None and target.is_dir()
        return cls(target, folder, patch=patch, previous=(previous or frozenset()) if patch else frozenset())

    @staticmethod
    def check_relative(relative: str) -> str:
        """A path below output/ as records make it (``communities/<id>/index.html``); anything
        that could point elsewhere is refused: absolute, "..", backslash, NUL or empty."""
        if (not relative or relative.startswith("/") or "\\" in relative or "\x00" in relative
                or ".." in relative.split("/")):
            raise OutputPathError(f"拒绝写出 output/ 以外的路径：{relative!r}")
        return relative

    def safe_path(self, relative: str) -> Path:
        """The file's place in staging: its path in a swap, ``staged_name`` in a patch. Checked
        as text, not resolved on disk: the staging folder is new and only this program writes
        into it, so no link inside can lead out."""
        self.check_relative(relative)
        return self.folder / (staged_name(relative) if self.patch else relative)

    def write(self, relative: str, content: bytes | str) -> None:
        self._claim(relative)
        self.record(relative, *self.put(relative, content))

    def put(self, relative: str, content: bytes | str, digest: str | None = None) -> tuple[int, str]:
        """Write one file without bookkeeping (worker processes do this); returns size and
        digest (``digest``, when the caller has it already)."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = self.safe_path(relative)
        if not self.patch:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return len(data), digest or hashlib.sha256(data).hexdigest()

    def keep(self, relative: str, size: int, digest: str) -> None:
        """An unchanged file of the live folder is part of the new site as it is. In a patch
        it simply stays; in a swap it is hard-linked into staging, not copied."""
        self._claim(relative)
        if not self.patch:
            path = self.safe_path(relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.target / relative, path)
            except OSError:  # another file system, or links not allowed: copy instead
                shutil.copyfile(self.target / relative, path)
        self.written[relative] = (size, digest)

    def record(self, relative: str, size: int, digest: str) -> None:
        """Bookkeeping for a file put into the staging folder."""
        self._claim(relative)
        self.written[relative] = (size, digest)
        self.fresh.add(relative)

    def _claim(self, relative: str) -> None:
        if relative in self.written:
            raise OutputPathError(f"两个页面要写入同一路径：{relative}")

    def commit(self, state: bytes) -> None:
        """Make the new site live, with ``state`` (the record the next build compares
        against) saved in the same step."""
        if self.patch:
            self._commit_patch(state)
        else:
            self._commit_swap(state)

    def _commit_swap(self, state: bytes) -> None:
        os.chmod(self.folder, 0o755)  # noqa: S103 - a public website must be readable by the web server
        # No record while the folders change places: a build killed in between starts afresh.
        state_path(self.target).unlink(missing_ok=True)
        old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
        if self.target.exists():
            os.replace(self.target, old)
        os.replace(self.folder, self.target)
        write_atomically(state_path(self.target), state)
        shutil.rmtree(old, ignore_errors=True)

    def _commit_patch(self, state: bytes) -> None:
        state_next = state_path(self.target).with_name(state_path(self.target).name + ".next")
        state_next.write_bytes(state)
        plan = {
            "folder": self.folder.name,
            "flat": True,  # staged under staged_name()
            "state": state_next.name,
            "moves": sorted(self.fresh),
            "deletes": sorted(self.previous - self.written.keys()),
        }
        # From here on the change is decided: if this process dies, the next build finishes it.
        write_atomically(journal_path(self.target), json.dumps(plan, ensure_ascii=False).encode("utf-8"))
        self.decided = True
        finish_interrupted(self.target)

    def abandon(self) -> None:
        """Throw the staged files away, unless a journal already promises them to output/."""
        if not self.decided:
            shutil.rmtree(self.folder, ignore_errors=True)
