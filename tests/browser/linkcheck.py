"""A small link checker over a built site's files: every link, resource and #anchor must resolve.

It reads the files rather than crawling over HTTP so it sees every page, including ones no
other page links to, and it resolves links exactly as a browser would from the page's URL
below the site's base path. Links to the site's own absolute address (canonical links, the
QR target) are checked too; other hosts, tel: and mailto: are only listed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRIBUTES = {"a": "href", "link": "href", "area": "href", "script": "src", "img": "src",
                   "iframe": "src", "source": "src", "form": "action"}


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)  # (tag, url)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.page.ids.add(values[name] or "")
        wanted = LINK_ATTRIBUTES.get(tag)
        if wanted and values.get(wanted) is not None:
            self.page.links.append((tag, values[wanted] or ""))


def parse(path: Path) -> ParsedPage:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.page


@dataclass
class LinkReport:
    pages: int = 0
    links: int = 0
    broken: list[str] = field(default_factory=list)
    external: set[tuple[str, str]] = field(default_factory=set)  # (tag, url): listed, not fetched


def check_site(output: Path, base_url: str, served_at: str | None = None) -> LinkReport:
    """Check every HTML file in output as if served at ``served_at`` (default: base_url's path)."""
    site = urlsplit(base_url)
    base_path = served_at or (site.path if site.path.endswith("/") else site.path + "/")
    origin = "http://site.invalid"
    root_url = origin + base_path
    report = LinkReport()
    parsed: dict[Path, ParsedPage] = {}

    def page_of(file: Path) -> ParsedPage:
        if file not in parsed:
            parsed[file] = parse(file)
        return parsed[file]

    def target_file(url: str) -> Path | None:
        path = urlsplit(url).path
        if not url.startswith(root_url) and not (url.startswith(origin) and path + "/" == base_path):
            return None
        relative = unquote(path[len(base_path):]) if path.startswith(base_path) else ""
        file = output / relative
        if relative == "" or relative.endswith("/"):
            file = file / "index.html"
        if file.is_dir():
            return None  # a folder without a slash: most servers redirect, but the site never does this
        return file

    problems: dict[str, list[str]] = defaultdict(list)
    for html in sorted(output.rglob("*.html")):
        report.pages += 1
        relative = html.relative_to(output).as_posix()
        page_url = root_url + (relative.removesuffix("index.html"))
        for tag, raw in page_of(html).links:
            report.links += 1
            link = raw.strip()
            if link.startswith(("tel:", "mailto:", "javascript:", "data:")):
                continue
            absolute = urljoin(page_url, link)
            if link.startswith(("http://", "https://", "//")):
                own = site.scheme + "://" + site.netloc + base_path
                if absolute.startswith(own) or absolute == own.rstrip("/"):
                    absolute = root_url + absolute[len(own):]
                else:
                    report.external.add((tag, absolute))
                    continue
            file = target_file(absolute)
            if file is None or not file.is_file():
                problems[relative].append(f"<{tag}> {raw}：目标不存在")
                continue
            fragment = urlsplit(absolute).fragment
            if fragment and file.suffix == ".html" and unquote(fragment) not in page_of(file).ids:
                problems[relative].append(f"<{tag}> {raw}：页面中没有锚点 #{fragment}")
    report.broken = [f"{page}: {problem}" for page, items in sorted(problems.items()) for problem in items]
    return report
