"""Stage assemble, part two: what pages exist, at which path, from which template and data.

Every page has a stable path derived from a record's key (credit code, project id, year,
notice file name) so links people save keep working year after year.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    path: str  # below output/, e.g. "companies/914403001922038216/index.html"
    template: str
    title: str
    context: Mapping[str, Any] = field(default_factory=dict)
    # Government-website meta: a section page (栏目) or an article (文章).
    column: str = ""
    column_description: str = ""
    column_type: str = ""  # e.g. 信息公开、服务、数据
    article_date: str = ""  # YYYY-MM-DD HH:MM, for ArticleTitle/PubDate
    article_source: str = ""
    in_sitemap: bool = True

    @property
    def url_path(self) -> str:
        """The path as linked: ``companies/x/`` for ``companies/x/index.html``."""
        return self.path.removesuffix("index.html")

    @property
    def root(self) -> str:
        """Relative prefix from this page to the site root, so the site works under any subpath."""
        return "../" * self.path.count("/")


@dataclass(frozen=True)
class DataFile:
    """A non-HTML file made at build time (downloads, feeds, sitemap)."""

    path: str
    content: bytes = b""
    # Instead of ``content``: what makes the bytes, called when the file is written. For the
    # many small files made from records: a province's 55,000 record JSON files, about 110 MB
    # of bytes, were held from assembling to writing.
    make: Callable[[], bytes] | None = None
    # The bytes' size and sha256, when known without them: a file the last build wrote with
    # these is kept without making its bytes (open data's downloads kept between builds).
    size: int | None = None
    digest: str | None = None

    def data(self) -> bytes:
        return self.make() if self.make is not None else self.content

    def __reduce__(self) -> tuple:
        """Another process gets the bytes, not what makes them (which may hold the model)."""
        return (DataFile, (self.path, self.data()))


def paginate(items: list[Any] | tuple[Any, ...], per_page: int, first_path: str) -> list[dict[str, Any]]:
    """Split into pages at first_path, first_path/page/2/ …; each with its neighbours' paths."""
    chunks = [items[i:i + per_page] for i in range(0, len(items), per_page)] or [items[:0]]
    base = first_path.removesuffix("index.html")
    paths = [first_path] + [f"{base}page/{n}/index.html" for n in range(2, len(chunks) + 1)]
    return [
        {
            "items": chunk, "number": n + 1, "count": len(chunks), "path": paths[n],
            "paths": paths,
        }
        for n, chunk in enumerate(chunks)
    ]


@dataclass(frozen=True)
class Contribution:
    """What one section adds to the site."""

    pages: list[Page] = field(default_factory=list)
    files: list[DataFile] = field(default_factory=list)
