"""Stage render: pages through Jinja2 templates, every data value escaped.

Template lookup order: the site's own theme folder (site.yaml ``theme``), then
themes/default of the site folder, then the bundled themes/default. The first template with
the requested name wins, so a site overrides exactly the templates it needs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import segno
from markupsafe import Markup

from .pages import Page
from .settings import Settings

BUNDLED_THEME = Path(__file__).resolve().parent.parent / "themes" / "default"


def theme_dirs(source: Path, settings: Settings) -> list[Path]:
    dirs = []
    if settings.theme:
        dirs.append((source / settings.theme).resolve())
    dirs += [(source / "themes" / "default").resolve(), BUNDLED_THEME]
    unique: list[Path] = []
    for d in dirs:
        if d not in unique and d.is_dir():
            unique.append(d)
    return unique


def make_environment(dirs: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        autoescape=True,  # every data field is escaped; only Markdown html is marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yuan"] = lambda v: "" if v is None else f"{v:.2f}"
    env.filters["num"] = lambda v: "" if v is None else f"{v:g}"
    env.filters["cn_date"] = _cn_date
    env.filters["thousands"] = lambda v: "" if v is None else f"{v:,.0f}"
    env.globals["qr_svg"] = qr_svg
    return env


def qr_svg(url: str, title: str) -> Markup:
    """A QR code of ``url`` as inline SVG; segno escapes the title.

    Made while rendering, so only pages that are rendered pay for it. A fixed mask pattern
    skips segno's trial of all eight (4x faster); any mask gives a valid, scannable code.
    """
    return Markup(segno.make(url, error="m", mask=0).svg_inline(scale=3, title=title))  # noqa: S704


def _cn_date(value: dt.date | None) -> str:
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"


def base_path(base_url: str) -> str:
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


class Renderer:
    def __init__(self, env: jinja2.Environment, settings: Settings, as_of: dt.date, base_url: str):
        self.env = env
        self.common: dict[str, Any] = {
            "settings": settings,
            "as_of": as_of,
            "base_url": base_url if base_url.endswith("/") else base_url + "/",
        }
        self.base_path = base_path(base_url)

    def render(self, page: Page) -> str:
        template = self.env.get_template(page.template)
        # 404 is served at any depth, so its links are rooted at the base path.
        root = self.base_path if page.path == "404.html" else page.root
        return template.render(**self.common, **page.context, page=page, root=root)
