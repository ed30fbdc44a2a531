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

from .pages import Page
from .qr import QrCodes
from .settings import Settings


def make_environment(dirs: list[Path], compiled: Path | None = None,
                     qr_codes: QrCodes | None = None) -> jinja2.Environment:
    """``compiled``: a folder where templates compiled to Python are kept between builds
    (each process of a build compiled every template it used again: about 0.4 s each).
    ``qr_codes``: the QR codes templates draw, with those kept from earlier builds."""
    cache = None
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        # Keyed by the template's name, file and source, and Jinja2's and Python's versions.
        cache = jinja2.FileSystemBytecodeCache(str(compiled))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        autoescape=True,  # every data field is escaped; only Markdown html is marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # An environment lives for one build, which fingerprints the templates as it starts:
        # no need to stat every template file again for each of 55,000 pages.
        auto_reload=False,
        bytecode_cache=cache,
    )
    env.filters["yuan"] = lambda v: "" if v is None else f"{v:.2f}"
    env.filters["num"] = lambda v: "" if v is None else f"{v:g}"
    env.filters["cn_date"] = _cn_date
    env.filters["thousands"] = lambda v: "" if v is None else f"{v:,.0f}"
    env.globals["qr_code"] = qr_codes or QrCodes(None)
    return env


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
