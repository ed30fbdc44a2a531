"""Machine-read files: the Atom feed of notices, sitemap.xml and robots.txt.

Text is escaped with html.escape, not xml.sax.saxutils.escape: importing that imports
urllib.request, ssl and http (15 ms of every build); html.escape escapes the same three
characters, and quotes too, which attributes want.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from .content import Article


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path.removesuffix("index.html")


def atom(notices: tuple[Article, ...], title: str, base_url: str, as_of: dt.date) -> bytes:
    updated = max((n.date for n in notices if n.date), default=as_of)
    entries = []
    for notice in notices[:50]:
        link = absolute(base_url, f"notices/{notice.slug}/")
        day = (notice.date or as_of).isoformat()
        entries.append(
            "  <entry>\n"
            f"    <title>{escape(notice.title)}</title>\n"
            f'    <link href="{escape(link)}"/>\n'
            f"    <id>{escape(link)}</id>\n"
            f"    <updated>{day}T09:00:00+08:00</updated>\n"
            f"    <summary>{escape(notice.summary)}</summary>\n"
            "  </entry>\n"
        )
    feed_url = absolute(base_url, "feed.xml")
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">\n'
        f"  <title>{escape(title)} · 通知公告</title>\n"
        f'  <link href="{escape(absolute(base_url, "notices/"))}"/>\n'
        f'  <link rel="self" href="{escape(feed_url)}"/>\n'
        f"  <id>{escape(feed_url)}</id>\n"
        f"  <updated>{updated.isoformat()}T09:00:00+08:00</updated>\n"
        f"  <author><name>{escape(title)}</name></author>\n"
        + "".join(entries)
        + "</feed>\n"
    )
    return text.encode("utf-8")


def sitemap(paths: list[str], base_url: str) -> bytes:
    """The sitemap of the pages at ``paths``."""
    urls = "".join(f"  <url><loc>{escape(absolute(base_url, path))}</loc></url>\n" for path in sorted(paths))
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n").encode("utf-8")


def robots(base_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {absolute(base_url, 'sitemap.xml')}\n".encode()
