"""Stage write: everything goes into a fresh staging folder, swapped in only at the end.

A failed or killed build leaves the previous output/ as it was: the staging folder sits
beside output/ and only a rename makes it live. No path may leave the staging folder,
whatever a record id contains, and two files claiming one path is an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


class OutputPathError(ValueError):
    pass


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


@dataclass
class Staging:
    target: Path  # the live output folder
    folder: Path  # where this build writes
    written: dict[str, tuple[int, str]] = field(default_factory=dict)  # path -> (size, sha256)

    @classmethod
    def open(cls, target: Path) -> Staging:
        target = target.resolve()
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(target)
        folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-{os.getpid()}-", dir=target.parent))
        return cls(target, folder)

    @staticmethod
    def check_relative(relative: str) -> PurePosixPath:
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or "\\" in relative or not pure.parts or "\x00" in relative:
            raise OutputPathError(f"拒绝写出 output/ 以外的路径：{relative!r}")
        return pure

    def safe_path(self, relative: str) -> Path:
        """The file's place in staging; anything that would escape it is refused."""
        path = (self.folder / self.check_relative(relative)).resolve()
        if self.folder.resolve() not in path.parents:
            raise OutputPathError(f"拒绝写出 output/ 以外的路径：{relative!r}")
        return path

    def write(self, relative: str, content: bytes | str) -> None:
        self._claim(relative)
        self.record(relative, *self.put(relative, content))

    def put(self, relative: str, content: bytes | str) -> tuple[int, str]:
        """Write one file without bookkeeping (worker processes do this); returns size and digest."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = self.safe_path(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return len(data), hashlib.sha256(data).hexdigest()

    def link(self, relative: str, existing: Path, size: int, digest: str) -> None:
        """Carry an unchanged file over from the previous output without copying its bytes."""
        self._claim(relative)
        path = self.safe_path(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(existing, path)
        except OSError:  # another file system, or links not allowed: copy instead
            shutil.copyfile(existing, path)
        self.record(relative, size, digest)

    def record(self, relative: str, size: int, digest: str) -> None:
        self._claim(relative)
        self.written[relative] = (size, digest)

    def _claim(self, relative: str) -> None:
        if relative in self.written:
            raise OutputPathError(f"两个页面要写入同一路径：{relative}")

    def manifest(self) -> bytes:
        files = [{"path": p, "bytes": size, "sha256": digest} for p, (size, digest) in sorted(self.written.items())]
        return (json.dumps({"files": files}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    def commit(self, manifest_name: str) -> None:
        """Write the manifest, then swap staging in for the live folder."""
        self.write(manifest_name, self.manifest())
        os.chmod(self.folder, 0o755)  # noqa: S103 - a public website must be readable by the web server
        old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
        if self.target.exists():
            os.replace(self.target, old)
        os.replace(self.folder, self.target)
        shutil.rmtree(old, ignore_errors=True)

    def abandon(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
