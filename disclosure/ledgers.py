"""Ledgers: what each section of a build wrote to output/, in files of their own beside it.

The build's record (state.py) names a ledger for each section (reads.py) and one for the
files no section makes. A rebuild that leaves a section alone carries its ledger over
without reading it. For a province's 118,500 files, unpickling them all took 0.12-0.16 s,
pickling them 0.15-0.20 s and making the manifest's lines 0.14-0.20 s (three timings), on
every rebuild, for the 100,000 files of community pages nobody had touched; kept inside the
record as bytes, they still made a record of 42 MB to read and write each time.

A ledger is two files named by a digest of what they hold, so a file once written never
changes: ``<name>.pickle`` (the Outputs) and ``<name>.listing`` (their lines of
build-manifest.json, write.manifest_lines). A build writes its new ones before the record
that names them (so a killed build's journal, write.finish_interrupted, finds them), and
removes the files its record does not name once that record is in place.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .write import manifest_lines, write_atomically

# The owner, among a record's ledgers, of the files no section makes: the themes' static
# files, the sitemap, robots.txt and the manifest.
NO_SECTION = ""

Outputs = dict[str, tuple[str, int, str]]  # output path -> (fingerprint, size, sha256)


def ledgers_path(output: Path) -> Path:
    """Beside output/, never inside: not part of the publication."""
    return output.with_name(f".{output.name}.ledgers")


def listing_of(outputs: Outputs) -> bytes:
    """The lines of build-manifest.json for these files, by path."""
    return manifest_lines((path, size, digest) for path, (_, size, digest) in sorted(outputs.items()))


@dataclass(frozen=True)
class Ledger:
    name: str  # of its files in the store
    count: int  # files in output/
    size: int  # their bytes
    stored: int  # bytes of its two files in the store, to tell one cut short


@dataclass(frozen=True)
class LedgerStore:
    folder: Path

    def make(self, outputs: Outputs) -> Ledger:
        """The ledger of ``outputs``, its files written unless the store has them already."""
        entries = pickle.dumps(outputs, protocol=pickle.HIGHEST_PROTOCOL)
        listing = listing_of(outputs)
        digest = hashlib.sha256(entries)
        digest.update(listing)
        name = digest.hexdigest()[:32]
        self.folder.mkdir(exist_ok=True)
        for path, content in ((self._entries(name), entries), (self._listing(name), listing)):
            if not path.is_file() or path.stat().st_size != len(content):
                write_atomically(path, content)
        return Ledger(name, len(outputs), sum(size for _, size, _ in outputs.values()), len(entries) + len(listing))

    def has(self, ledger: Ledger) -> bool:
        """Both its files are there, whole."""
        try:
            stored = self._entries(ledger.name).stat().st_size + self._listing(ledger.name).stat().st_size
        except OSError:
            return False
        return stored == ledger.stored

    def entries(self, ledger: Ledger) -> Outputs:
        return pickle.loads(self._entries(ledger.name).read_bytes())  # noqa: S301 - written by this program

    def listing(self, ledger: Ledger) -> bytes:
        return self._listing(ledger.name).read_bytes()

    def keep_only(self, ledgers: Iterable[Ledger]) -> None:
        """Remove every file but those of ``ledgers`` (the ones the record in place names)."""
        names = {ledger.name for ledger in ledgers}
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.suffix not in (".pickle", ".listing") or path.name.split(".")[0] not in names:
                    path.unlink(missing_ok=True)

    def _entries(self, name: str) -> Path:
        return self.folder / f"{name}.pickle"

    def _listing(self, name: str) -> Path:
        return self.folder / f"{name}.listing"
