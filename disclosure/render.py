"""Stage render: pages through Jinja2 templates, every data value escaped.

Template lookup order: the site's own theme folder (site.yaml ``theme``), then
themes/default of the site folder, then the bundled themes/default. The first template with
the requested name wins, so a site overrides exactly the templates it needs.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import zxingcpp
from markupsafe import Markup

from .pages import Page
from .settings import Settings


def make_environment(dirs: list[Path]) -> jinja2.Environment:
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
    )
    env.filters["yuan"] = lambda v: "" if v is None else f"{v:.2f}"
    env.filters["num"] = lambda v: "" if v is None else f"{v:g}"
    env.filters["cn_date"] = _cn_date
    env.filters["thousands"] = lambda v: "" if v is None else f"{v:,.0f}"
    env.globals["qr_svg"] = qr_svg
    return env


def qr_svg(url: str, title: str) -> Markup:
    """A QR code of ``url`` as inline SVG, the title escaped.

    Made while rendering, so only pages that are rendered pay for it. zxing-cpp encodes in
    C++ and tries all eight mask patterns, as the standard asks: 0.25 ms a code, where segno
    (pure Python) took 1.7 ms with its mask fixed, a third of a province's rendering time.
    """
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)  # one byte a module: 0 dark, 255 light
    width = image.shape[1]
    modules = bytes(image).translate(_ONE_FOR_DARK)
    rows = [modules[start:start + width] for start in range(0, len(modules), width)]
    return Markup(_qr_svg(rows, title))  # noqa: S704 - the one text in it is escaped


QR_SCALE = 3  # screen pixels per module
QR_QUIET_ZONE = 4  # light modules around the code, as the standard asks for scanners
_ONE_FOR_DARK = bytes([1] + [0] * 255)
_DARK_RUNS = re.compile(rb"\x01+")


def _qr_svg(rows: list[bytes], title: str) -> str:
    """One SVG path with a horizontal stroke of width 1 through the middle of each run of
    dark modules (1 in ``rows``), each move relative to the end of the one before: about a
    fifth of the bytes of one square per module. The runs are found by a regular expression."""
    moves = []
    x, y = 0, -QR_QUIET_ZONE - 0.5  # where the pen is, in modules from the quiet zone's corner
    for number, row in enumerate(rows):
        runs = [run.span() for run in _DARK_RUNS.finditer(row)]
        if not runs:
            continue
        (start, end), *rest = runs
        moves.append(f"m{start + QR_QUIET_ZONE - x:g} {number - y:g}h{end - start}")
        for next_start, next_end in rest:  # along the same row
            moves.append(f"m{next_start - end} 0h{next_end - next_start}")
            end = next_end
        x, y = end + QR_QUIET_ZONE, number
    size = (len(rows) + 2 * QR_QUIET_ZONE) * QR_SCALE
    path = "M" + "".join(moves)[1:]  # the first move is absolute: it starts from the corner
    return (f'<svg width="{size}" height="{size}" class="qr-code"><title>{html.escape(title, quote=False)}</title>'
            f'<path transform="scale({QR_SCALE})" stroke="#000" d="{path}"/></svg>')


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
