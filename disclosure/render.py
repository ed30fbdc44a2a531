"""Stage render: pages through Jinja2 templates, every data value escaped.

Template lookup order: the site's own theme folder (site.yaml ``theme``), then
themes/default of the site folder, then the bundled themes/default. The first template with
the requested name wins, so a site overrides exactly the templates it needs.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import struct
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import numpy
import zxingcpp
from markupsafe import Markup

from .pages import Page
from .settings import Settings


def make_environment(dirs: list[Path], compiled: Path | None = None) -> jinja2.Environment:
    """``compiled``: a folder where templates compiled to Python are kept between builds
    (each process of a build compiled every template it used again: about 0.4 s each)."""
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
    env.globals["qr_code"] = qr_code
    return env


def qr_code(url: str, alt: str) -> Markup:
    """A QR code of ``url`` as an image: a 1-bit PNG in a data: URL, ``alt`` its text.

    Made while rendering, so only pages that are rendered pay for it. zxing-cpp encodes in
    C++ and tries all eight mask patterns, as the standard asks: 0.3 ms a code, where segno
    (pure Python) took 1.7 ms with its mask fixed. A PNG of the modules is made in C too
    (numpy, zlib); an SVG path took longer to write than the code to encode, and was four
    times the size (2,094 bytes a page against 491 on the bundled site). The page's CSS scales
    the image without smoothing, so printed modules stay sharp.
    """
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = numpy.asarray(code.to_image(scale=1, add_quiet_zones=False))  # 0 dark, 255 light
    light = numpy.ones([side + 2 * QR_QUIET_ZONE for side in modules.shape], dtype=bool)
    light[QR_QUIET_ZONE:-QR_QUIET_ZONE, QR_QUIET_ZONE:-QR_QUIET_ZONE] = modules
    size = light.shape[0] * QR_SCALE
    data = base64.b64encode(_png(light)).decode("ascii")
    return Markup(f'<img class="qr-code" src="data:image/png;base64,{data}" width="{size}" height="{size}"'  # noqa: S704
                  f' alt="{html.escape(alt)}">')


QR_SCALE = 3  # screen pixels per module
QR_QUIET_ZONE = 4  # light modules around the code, as the standard asks for scanners


def _png(light: numpy.ndarray) -> bytes:
    """A PNG of a black-and-white image (True for white): 1-bit greyscale, eight pixels a
    byte, each row after a zero byte (no filter), the rows compressed by zlib."""
    height, width = light.shape
    rows = numpy.zeros((height, 1 + (width + 7) // 8), dtype=numpy.uint8)
    rows[:, 1:] = numpy.packbits(light, axis=1)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # depth 1, greyscale, no interlace
    return b"".join([b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"IDAT", zlib.compress(rows.tobytes(), 9)),
                     _chunk(b"IEND", b"")])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


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
