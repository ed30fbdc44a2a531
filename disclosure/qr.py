"""QR codes of page addresses for the printed notice sheets, kept between builds.

zxing-cpp encodes in C++ and chooses the mask pattern by the standard's penalty rules: 0.25
and 0.37 ms for a community page's address in two measurements, most of that page's
rendering time. A code depends only on its address, so each one made is kept in
<site>/.cache/qr/: a rebuild after a template edit renders 50,000 community pages without
encoding them again.

The image is a 1-bit PNG in a data: URL, made with numpy and zlib (an SVG path took longer
to write than the code to encode, and was four times the size). The page's CSS scales it
without smoothing, so printed modules stay sharp. numpy is imported when a code is made, not
with this module: a rebuild whose codes are all kept does not pay for it (0.09-0.19 s).
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import pickle
import shutil
import struct
import zlib
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import zxingcpp
from markupsafe import Markup

from . import keptfiles

if TYPE_CHECKING:
    import numpy

QR_SCALE = 3  # screen pixels per module
QR_QUIET_ZONE = 4  # light modules around the code, as the standard asks for scanners
MERGED = "codes.pickle"

Image = tuple[int, str]  # displayed width and height in pixels, base64 of the PNG


def image_of(url: str) -> Image:
    import numpy

    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = numpy.asarray(code.to_image(scale=1, add_quiet_zones=False))  # 0 dark, 255 light
    light = numpy.ones([side + 2 * QR_QUIET_ZONE for side in modules.shape], dtype=bool)
    light[QR_QUIET_ZONE:-QR_QUIET_ZONE, QR_QUIET_ZONE:-QR_QUIET_ZONE] = modules
    return light.shape[0] * QR_SCALE, base64.b64encode(_png(light)).decode("ascii")


def _png(light: numpy.ndarray) -> bytes:
    """A PNG of a black-and-white image (True for white): 1-bit greyscale, eight pixels a
    byte, each row after a zero byte (no filter), the rows compressed by zlib."""
    import numpy

    height, width = light.shape
    rows = numpy.zeros((height, 1 + (width + 7) // 8), dtype=numpy.uint8)
    rows[:, 1:] = numpy.packbits(light, axis=1)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # depth 1, greyscale, no interlace
    return b"".join([b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"IDAT", zlib.compress(rows.tobytes(), 9)),
                     _chunk(b"IEND", b"")])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _format_key() -> str:
    """Codes kept by other code or library versions are never used: this file, zxing-cpp's
    and numpy's versions name the folder they are kept in."""
    versions = f"{metadata.version('zxing-cpp')} {metadata.version('numpy')}".encode()
    return hashlib.sha256(Path(__file__).read_bytes() + versions).hexdigest()[:16]


class QrCodes:
    """``qr_code(url, alt)`` for templates: an <img> of the address's code, ``alt`` escaped.

    ``folder`` None keeps nothing. Codes made before are read at the first call (a build may
    render no community page); new ones are appended to a file of this process's own by
    ``save`` (forked render workers each have theirs), and ``merge`` folds those files into
    one at the end of a build.
    """

    def __init__(self, folder: Path | None):
        self.folder = folder / _format_key() if folder is not None else None
        self._known: dict[str, Image] | None = None
        self._new: dict[str, Image] = {}

    def __call__(self, url: str, alt: str) -> Markup:
        known = self._load()
        image = known.get(url)
        if image is None:
            image = known[url] = self._new[url] = image_of(url)
        size, data = image
        return Markup(f'<img class="qr-code" src="data:image/png;base64,{data}" width="{size}" height="{size}"'  # noqa: S704
                      f' alt="{html.escape(alt)}">')

    def save(self) -> None:
        """Append the codes made since the last save to this process's file."""
        if self.folder is None or not self._new:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f"{os.getpid()}.pickle", "ab") as out:
            pickle.dump(self._new, out, protocol=pickle.HIGHEST_PROTOCOL)
        self._new = {}

    def merge(self) -> None:
        """One file for all the codes kept, and none of another version's."""
        if self.folder is None or not self.folder.is_dir():
            return
        for other in self.folder.parent.iterdir():
            if other != self.folder:
                shutil.rmtree(other, ignore_errors=True)
        parts = [p for p in self.folder.glob("*.pickle") if p.name != MERGED]
        if not parts:
            return
        self._known = None
        merged = self._load()
        temporary = self.folder / f".{MERGED}.{os.getpid()}.tmp"
        try:  # a cache: the build has succeeded whether or not this works
            temporary.write_bytes(pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL))
            temporary.replace(self.folder / MERGED)
            for part in parts:
                part.unlink(missing_ok=True)
        except OSError:
            temporary.unlink(missing_ok=True)

    def _load(self) -> dict[str, Image]:
        if self._known is None:
            self._known = {}
            if self.folder is not None and self.folder.is_dir():
                for path in sorted(self.folder.glob("*.pickle")):
                    keptfiles.read_appended(path, self._known.update)  # up to a torn end (a killed worker's)
        return self._known

