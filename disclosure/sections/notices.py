"""Notices (通知公告) from content/notices, standalone Markdown pages, and the Atom feed."""

from __future__ import annotations

from .. import feeds
from ..model import Model
from ..pages import Contribution, DataFile, Page, paginate
from ..reads import Reads
from ..settings import Settings


def reads(settings: Settings) -> Reads:
    """content/ only (in every section's key)."""
    return Reads()


def contribute(model: Model) -> Contribution:
    settings = model.settings
    files = [DataFile("feed.xml", feeds.atom(model.content.notices, settings.title, settings.base_url, model.as_of))]
    attachments = {a.file for n in model.content.notices for a in n.attachments}
    files += [DataFile(f"files/{name}", (model.source / "content" / name).read_bytes()) for name in sorted(attachments)]
    return Contribution(pages=_pages(model), files=files)


def _pages(model: Model) -> list[Page]:
    notices = model.content.notices
    result = [
        Page(chunk["path"], "notices.html", "通知公告", {"listing": chunk},
             column="通知公告", column_description="住房和城乡建设局发布的物业管理通知公告", column_type="信息公开")
        for chunk in paginate(notices, model.settings.per_page, "notices/index.html")
    ]
    for notice in notices:
        result.append(Page(
            f"notices/{notice.slug}/index.html", "article.html", notice.title, {"article": notice},
            column=notice.column, article_date=f"{notice.date.isoformat()} 09:00" if notice.date else "",
            article_source=notice.source,
        ))
    for page in model.content.pages:
        result.append(Page(f"{page.slug}/index.html", "article.html", page.title, {"article": page},
                           column=page.title, column_type="信息公开"))
    return result
