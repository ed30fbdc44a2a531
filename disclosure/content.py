"""Markdown pages from content/: notices (通知公告) and standalone pages such as about.md.

Front matter is YAML between ``---`` lines. The text is the staff's own and may contain
HTML; it still passes the personal data guard, like every data field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
import yaml

from .problems import Problems
from .validation import Invalid, parse_date, personal_data_in

_FRONT = re.compile(r"^---\s*\n(.*?)\n---\s*\n?(.*)$", re.S)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
NOTICE_KEYS = {"title", "date", "column", "source", "document_number", "attachments", "summary"}
PAGE_KEYS = {"title", "summary", "menu"}


@dataclass(frozen=True)
class Attachment:
    title: str
    file: str  # path below content/, copied to the same path below output/


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    html: str
    text: str  # plain text, for search and summaries
    file: str
    date: dt.date | None = None
    column: str = "通知公告"
    source: str = ""
    document_number: str = ""
    summary: str = ""
    attachments: tuple[Attachment, ...] = ()
    menu: bool = False


@dataclass(frozen=True)
class Content:
    notices: tuple[Article, ...]  # newest first
    pages: tuple[Article, ...]
    files: tuple[Path, ...]


def load_content(source: Path, default_source: str, problems: Problems) -> Content:
    root = source / "content"
    notices, pages, files = [], [], []
    for path in sorted(root.glob("notices/*.md")):
        files.append(path)
        article = _read(path, source, NOTICE_KEYS, default_source, problems, notice=True)
        if article:
            notices.append(article)
    for path in sorted(root.glob("*.md")):
        files.append(path)
        article = _read(path, source, PAGE_KEYS, default_source, problems, notice=False)
        if article:
            pages.append(article)
    notices.sort(key=lambda a: (a.date or dt.date.min, a.slug), reverse=True)
    return Content(tuple(notices), tuple(pages), tuple(files))


def _read(path: Path, source: Path, keys: set[str], default_source: str, problems: Problems,
          notice: bool) -> Article | None:
    shown = path.relative_to(source).as_posix()
    before = len(problems.errors)
    text = path.read_text(encoding="utf-8-sig")
    found = _FRONT.match(text)
    if not found:
        problems.error(shown, "缺少开头的 YAML 信息块（--- 与 --- 之间的 title、date 等）", row=1)
        return None
    try:
        meta = yaml.safe_load(found.group(1)) or {}
    except yaml.YAMLError as exc:
        problems.error(shown, f"信息块不是有效的 YAML：{exc}", row=2)
        return None
    body = found.group(2)
    body_line = found.group(1).count("\n") + 3
    for key in sorted(set(meta) - keys):
        problems.error(shown, "未知的信息项", row=2, column=str(key), expected="、".join(sorted(keys)))
    if not SLUG.match(path.stem):
        problems.error(shown, "文件名只能用小写字母、数字和连字符（用作网址）", value=path.stem,
                       expected="如 2025-credit-results.md")
    title = str(meta.get("title") or "").strip()
    if not title:
        problems.error(shown, "缺少标题", row=2, column="title")
    date = None
    if notice:
        try:
            date = parse_date(str(meta.get("date") or ""))
        except Invalid as exc:
            problems.error(shown, str(exc), row=2, column="date", value=str(meta.get("date", "")),
                           expected="如 2025-02-28")
    attachments = []
    for item in meta.get("attachments") or []:
        file = str(item.get("file", "")) if isinstance(item, dict) else ""
        target = (source / "content" / file).resolve()
        if not file or not target.is_file() or (source / "content").resolve() not in target.parents:
            problems.error(shown, "附件不存在（应放在 content/ 目录下）", row=2, column="attachments", value=file)
            continue
        attachments.append(Attachment(str(item.get("title") or Path(file).name), file))
    for number, line in enumerate(body.splitlines(), start=body_line):
        reason = personal_data_in(line)
        if reason:
            problems.error(shown, reason, row=number)
    if len(problems.errors) > before:
        return None
    html = markdown.markdown(body, extensions=["tables", "sane_lists", "attr_list"], output_format="html")
    plain = re.sub(r"<[^>]+>", "", html)
    return Article(
        slug=path.stem, title=title, html=html, text=plain, file=shown, date=date,
        column=str(meta.get("column") or "通知公告"), source=str(meta.get("source") or default_source),
        document_number=str(meta.get("document_number") or ""),
        summary=str(meta.get("summary") or plain.strip().split("\n")[0][:120]),
        attachments=tuple(attachments), menu=bool(meta.get("menu", False)),
    )
