"""`generate.py diff`: what a new build changes against the previously published site.

Compares two output folders through their build-manifest.json (path, size, SHA-256 of every
file) and reads each year's downloads/ratings-<year>.json on both sides to name the list
entries added and removed. Pages whose only difference is a date (the footer's "数据日期",
an XLSX timestamp) are counted apart, so the real changes stand out. Reads files only; never
writes anything and never touches the network.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .write import MANIFEST

COMMAND = "diff"
RATINGS = re.compile(r"^downloads/ratings-(\d{4})\.json$")
# What changes from day to day without the data changing: dates, and the SHA-256 digests the
# download page shows of files that carry a timestamp (XLSX).
VOLATILE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?|\b[0-9a-f]{64}\b")
LISTED = ("红榜", "黑榜")
SHOWN = 40  # at most this many paths per group; the rest are counted


class DiffError(Exception):
    """A folder that cannot be compared; the message says why, in Chinese."""


@dataclass(frozen=True)
class Entry:
    year: int
    list: str
    code: str
    name: str
    detail: str  # reason and period, for black-list entries


@dataclass
class SiteDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    dates_only: list[str] = field(default_factory=list)
    entries_added: list[Entry] = field(default_factory=list)
    entries_removed: list[Entry] = field(default_factory=list)
    entries_changed: list[tuple[Entry, Entry]] = field(default_factory=list)

    def pages(self, paths: list[str]) -> list[str]:
        return [p for p in paths if p.endswith(".html")]

    def others(self, paths: list[str]) -> list[str]:
        return [p for p in paths if not p.endswith(".html")]


def read_manifest(folder: Path) -> dict[str, str]:
    path = folder / MANIFEST
    if not path.is_file():
        raise DiffError(f"{folder} 中没有 {MANIFEST}：它不是本程序生成的网站目录，或生成未完成")
    try:
        files = json.loads(path.read_text("utf-8"))["files"]
        return {f["path"]: f["sha256"] for f in files}
    except (ValueError, KeyError, TypeError) as exc:
        raise DiffError(f"{path} 无法读取：{exc}") from exc


def compare(old: Path, new: Path) -> SiteDiff:
    before, after = read_manifest(old), read_manifest(new)
    result = SiteDiff()
    result.added = sorted(after.keys() - before.keys())
    result.removed = sorted(before.keys() - after.keys())
    for path in sorted(before.keys() & after.keys()):
        if path == MANIFEST or before[path] == after[path]:
            continue
        (result.dates_only if _only_dates(old / path, new / path) else result.changed).append(path)
    old_entries, new_entries = _entries(old, before), _entries(new, after)
    result.entries_added = [new_entries[k] for k in sorted(new_entries.keys() - old_entries.keys())]
    result.entries_removed = [old_entries[k] for k in sorted(old_entries.keys() - new_entries.keys())]
    result.entries_changed = [(old_entries[k], new_entries[k]) for k in sorted(old_entries.keys() & new_entries.keys())
                              if old_entries[k] != new_entries[k]]
    return result


def _only_dates(old: Path, new: Path) -> bool:
    """True when two text files differ only in dates; binary files (XLSX) by their content."""
    try:
        a, b = old.read_bytes(), new.read_bytes()
    except OSError:
        return False  # the manifest names it but the file is gone: report it as changed
    if old.suffix == ".xlsx":
        return _xlsx_cells(a) == _xlsx_cells(b)
    try:
        old_lines, new_lines = a.decode("utf-8").splitlines(), b.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return False
    if len(old_lines) != len(new_lines):  # a date never adds a line
        return False
    # Only the lines that differ are normalised: the regular expression is the slow part.
    pairs = zip(old_lines, new_lines, strict=True)
    return all(x == y or VOLATILE.sub("#", x) == VOLATILE.sub("#", y) for x, y in pairs)


def _xlsx_cells(data: bytes) -> dict[str, bytes] | None:
    """A workbook's parts, less the one that holds its created/modified time (docProps/core.xml).

    Comparing the zip's parts is exact and fast; reading the cells with openpyxl took seconds.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}
    except (zipfile.BadZipFile, OSError):
        return None  # an unreadable workbook simply counts as changed


def _entries(folder: Path, manifest: dict[str, str]) -> dict[tuple[int, str, str], Entry]:
    """Every red- and black-list entry published in the folder's ratings-<year>.json files."""
    entries: dict[tuple[int, str, str], Entry] = {}
    for path in sorted(manifest):
        match = RATINGS.match(path)
        if not match:
            continue
        try:
            rows = json.loads((folder / path).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise DiffError(f"{folder / path} 无法读取：{exc}") from exc
        for row in rows:
            if row.get("list") not in LISTED:
                continue
            year = int(row.get("year") or match.group(1))
            detail = ""
            if row["list"] == "黑榜":
                detail = "；".join(str(row.get(k) or "") for k in ("reason", "decision_no", "listed_on", "expires_on"))
                if row.get("repaired_on"):
                    detail += f"；{row['repaired_on']} 信用修复（{row.get('repair_decision') or ''}）"
            entry = Entry(year, row["list"], row.get("code", ""), row.get("company_name", ""), detail)
            entries[(year, entry.list, entry.code)] = entry
    return entries


# --- the report ------------------------------------------------------------------------------

def report(diff: SiteDiff, old: Path, new: Path) -> str:
    lines = [f"对比：新生成的网站 {new}", f"　　与上次发布的网站 {old}", ""]

    def group(title: str, paths: list[str], show: Callable[[str], str] = lambda p: p) -> None:
        lines.append(f"{title}：{len(paths)} 个" + _sections(paths))
        # Section pages (shallow paths, e.g. credit/) first: they are what readers see first.
        lines.extend(f"  {show(p)}" for p in sorted(paths, key=lambda p: (p.count("/"), p))[:SHOWN])
        if len(paths) > SHOWN:
            lines.append(f"  ……另有 {len(paths) - SHOWN} 个")

    url = lambda p: p.removesuffix("index.html") or "（首页）"  # noqa: E731
    group("新增页面", diff.pages(diff.added), url)
    group("删除页面", diff.pages(diff.removed), url)
    group("内容有变化的页面", diff.pages(diff.changed), url)
    lines.append(f"只有日期变化的页面：{len(diff.pages(diff.dates_only))} 个（如页脚的数据日期，不逐一列出）")
    lines.append(f"只有日期变化的文件：{len(diff.others(diff.dates_only))} 个")
    group("新增文件（下载、数据等）", diff.others(diff.added))
    group("删除文件", diff.others(diff.removed))
    group("内容有变化的文件", diff.others(diff.changed))
    lines.append("")
    lines.append("红黑榜变化：")
    if not (diff.entries_added or diff.entries_removed or diff.entries_changed):
        lines.append("  无")
    for title, entries in (("新增", diff.entries_added), ("移除", diff.entries_removed)):
        for year, items in _by_year(entries):
            lines.append(f"  {year}年度{title} {len(items)} 条：")
            lines.extend(f"    {e.list}　{e.name}（{e.code}）{'　' + e.detail if e.detail else ''}" for e in items)
    for year, pairs in _by_year(diff.entries_changed):
        lines.append(f"  {year}年度内容修改 {len(pairs)} 条：")
        for before, after in pairs:
            lines.append(f"    {after.list}　{after.name}（{after.code}）")
            if before.name != after.name:
                lines.append(f"      企业名称：{before.name} → {after.name}")
            if before.detail != after.detail:
                lines.append(f"      原为：{before.detail}")
                lines.append(f"      现为：{after.detail}")
    return "\n".join(lines)


def _sections(paths: list[str]) -> str:
    """Counts by top folder, e.g. "（communities/ 120、credit/ 2）", when more than one."""
    counts: dict[str, int] = {}
    for path in paths:
        top = path.split("/", 1)[0] + "/" if "/" in path else "（根目录）"
        counts[top] = counts.get(top, 0) + 1
    if len(counts) < 2:
        return ""
    return "（" + "、".join(f"{k} {v}" for k, v in sorted(counts.items())) + "）"


def _by_year(items: list) -> Iterator[tuple[int, list]]:
    years = sorted({(i[1] if isinstance(i, tuple) else i).year for i in items})
    for year in years:
        yield year, [i for i in items if (i[1] if isinstance(i, tuple) else i).year == year]


# --- the command -----------------------------------------------------------------------------

def add_parser(commands, with_source) -> None:
    sub = commands.add_parser(COMMAND, help="对比新生成的 output/ 与上次发布的网站：页面增删改、红黑榜条目增删")
    with_source(sub)
    sub.add_argument("--old", type=Path, default=None,
                     help="上次发布的网站目录（网站服务器上的目录或其副本），默认为 <站点目录>/published")
    sub.add_argument("--new", type=Path, default=None, help="新生成的网站目录，默认为 <站点目录>/output")


def run(args: argparse.Namespace) -> int:
    source = args.source.resolve()
    old = (args.old or source / "published").resolve()
    new = (args.new or source / "output").resolve()
    for label, folder in (("上次发布的网站", old), ("新生成的网站", new)):
        if not folder.is_dir():
            hint = "请用 --old 指定网站服务器上的目录或其副本" if folder == old else "请先运行 build"
            print(f"错误：找不到{label}目录 {folder}；{hint}", file=sys.stderr)
            return 2
    try:
        print(report(compare(old, new), old, new))
    except DiffError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0
