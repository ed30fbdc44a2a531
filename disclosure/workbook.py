"""Workbooks (XLSX): XlsxWriter makes each workbook with its sheets' header rows, and the rows
below the headers are then added to the sheets exactly as XlsxWriter's constant_memory mode
writes them.

Why: a province's ledgers and downloads hold about three million cells, and XlsxWriter spends
7–9 µs of Python on each, nearly all of it bookkeeping that a sheet of plain text and numbers
does not need (a 50,000 × 20 sheet took 7.1–8.7 s in four runs here; profiled: `_write_string`,
`_write_cell`, shared strings and dimension checks); written this way it took 2.6–2.7 s. So
XlsxWriter still writes everything Excel is particular about (the package, styles, the frozen
header, column widths, the document's date, fixed zip timestamps), and this module writes only
the data rows: inline strings and numbers, escaped as XlsxWriter escapes them.
tests/test_workbook.py checks that these rows are byte for byte the rows XlsxWriter's
constant_memory mode writes for the same cells.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import math
import pickle
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from . import keptfiles
from .recordcache import value_bytes

Sheet = tuple[str, Sequence[str], Sequence[Sequence[Any]]]  # title, headers, rows

# XlsxWriter's zip entries: its fixed date, deflated (in_memory mode).
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_SHEET_ENTRY = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
# What XlsxWriter escapes as _xHHHH_: control characters, Unicode non-characters, and a literal
# "_xHHHH_" (its underscore becomes _x005F_, or Excel would read it as an escape).
_LITERAL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_NEEDS_EXCEL_ESCAPE = re.compile(r"_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_MAX_UTF16_UNITS = 32767  # Excel's limit for a cell's text; XlsxWriter cuts longer strings
_ROWS_PER_WRITE = 2000  # rows encoded and compressed at a time: the sheet's XML is never whole


class KeptRows:
    """The rows' XML of the version of one workbook made last, kept between builds in a file
    of its own: in blocks of _ROWS_PER_WRITE rows, by a digest of the block's place and
    values (and ``salt``: the writer's code). Made again after one community changed, the
    province's 50,000-row workbooks write one block's XML afresh and take the others as
    they were. The file holds the blocks of the last version only, each written as it is
    made: a province's communities workbook has 58 MB of them."""

    def __init__(self, path: Path, salt: bytes):
        self.path, self.salt = path, salt
        self._before: dict[bytes, bytes] = {}
        self._out: BinaryIO | None = None

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """While the workbook is made: the last version's blocks are at hand, and this one's
        replace them when it is done (not if it fails)."""
        self._before = self._read()
        try:
            with keptfiles.writing(self.path) as temporary, open(temporary, "wb") as self._out:
                yield
        finally:
            self._before, self._out = {}, None

    def block(self, place: tuple[int, int], rows: Sequence[Sequence[Any]],
              make: Callable[[Sequence[Sequence[Any]], int], bytes]) -> bytes:
        """The XML of ``rows``, the block of sheet ``place[0]`` starting at row ``place[1]``."""
        assert self._out is not None, "blocks are asked for while writing()"
        key = hashlib.blake2b(self.salt + value_bytes((place, rows)), digest_size=16).digest()
        xml = self._before.get(key)
        if xml is None:
            xml = make(rows, place[1])
        pickle.dump({key: xml}, self._out, protocol=pickle.HIGHEST_PROTOCOL)
        return xml

    def _read(self) -> dict[bytes, bytes]:
        """The blocks kept, up to anything unreadable (a damaged file: those are made again)."""
        found: dict[bytes, bytes] = {}
        keptfiles.read_appended(self.path, found.update)
        return found


def make(sheets: Sequence[Sheet], when: dt.date, kept: KeptRows | None = None) -> bytes:
    """One worksheet per (title, headers, rows), header row frozen; the same bytes every build.
    Every string is written as text: a name starting with "=" or a web address stays what the
    record says, never a formula or a hyperlink. ``kept``: the rows' XML the last version of
    this workbook had, and where this version's goes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True,  # no temporary files; zip entries get XlsxWriter's fixed 1980 date
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    for title, headers, rows in sheets:
        # Excel refuses these characters in a sheet name, a leading or trailing ', and names longer than 31.
        sheet = book.add_worksheet(re.sub(r"[\\/*?:\[\]]", "_", title)[:31].strip("'") or "Sheet")
        sheet.freeze_panes(1, 0)
        for index, header in enumerate(headers):
            width = max([len(str(header)) * 2 + 2] + [len(str(r[index])) + 2 for r in rows[:200] if index < len(r)])
            sheet.set_column(index, index, min(width, 60))
        sheet.write_row(0, 0, headers)
    book.set_properties({"created": dt.datetime(when.year, when.month, when.day)})
    book.close()
    if kept is None:
        return _with_rows(buffer.getvalue(), sheets, None)
    with kept.writing():
        return _with_rows(buffer.getvalue(), sheets, kept)


def _with_rows(package: bytes, sheets: Sequence[Sheet], kept: KeptRows | None) -> bytes:
    """The package with each sheet's rows added below its header row."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            entry = zipfile.ZipInfo(name, _ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            found = _SHEET_ENTRY.fullmatch(name)
            number = int(found.group(1)) if found else 0
            _, headers, rows = sheets[number - 1] if found else ("", (), ())
            xml = source.read(name)
            if not rows:
                target.writestr(entry, xml)
                continue
            # Rows go before the end of sheetData (written self-closed when a sheet has no cell).
            head, tail = xml.decode("utf-8").replace("<sheetData/>", "<sheetData></sheetData>").split("</sheetData>")
            head = _DIMENSION.sub(f'<dimension ref="{_dimension(headers, rows)}"/>', head, count=1)
            with target.open(entry, "w") as stream:
                stream.write(head.encode("utf-8"))
                for start in range(0, len(rows), _ROWS_PER_WRITE):  # row 1 is the header
                    block = rows[start:start + _ROWS_PER_WRITE]
                    stream.write(_rows_xml(block, 2 + start) if kept is None
                                 else kept.block((number, 2 + start), block, _rows_xml))
                stream.write(f"</sheetData>{tail}".encode())
    return out.getvalue()


def _rows_xml(rows: Sequence[Sequence[Any]], first_row: int) -> bytes:
    """The <row> elements of ``rows``, numbered from ``first_row`` (1-based). Empty strings
    and None make no cell, and a row without cells no element."""
    letters = [xl_col_to_name(column) for column in range(max(map(len, rows), default=0))]
    parts: list[str] = []
    for number, row in enumerate(rows, start=first_row):
        cells = [_cell(f"{letter}{number}", value) for letter, value in zip(letters, row, strict=False)
                 if value is not None and value != ""]
        if cells:
            parts.append(f'<row r="{number}">{"".join(cells)}</row>')
    return "".join(parts).encode("utf-8")


def _cell(reference: str, value: Any) -> str:
    kind = type(value)
    if kind is str:
        text = value
        if len(text) > _MAX_UTF16_UNITS // 2:
            text = _utf16_cut(text)
        if _NEEDS_EXCEL_ESCAPE.search(text):
            text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", _LITERAL_ESCAPE.sub(r"_x005F\1", text))
            text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        preserve = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<c r="{reference}" t="inlineStr"><is><t{preserve}>{text}</t></is></c>'
    if kind is bool:
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        if not math.isfinite(value):
            raise ValueError(f"a workbook cell cannot hold {value!r}")
        return f'<c r="{reference}"><v>{value:.16G}</v></c>'
    raise TypeError(f"a workbook cell cannot hold a {kind.__name__}: {value!r}")


def _utf16_cut(text: str) -> str:
    """``text`` cut to Excel's limit of 32,767 UTF-16 units, as XlsxWriter cuts it."""
    encoded = text.encode("utf-16-le", "surrogatepass")
    if len(encoded) <= 2 * _MAX_UTF16_UNITS:
        return text
    return encoded[:2 * _MAX_UTF16_UNITS].decode("utf-16-le", "ignore")


def _dimension(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """The sheet's used range, as XlsxWriter writes it: from the first to the last cell written."""
    used = [(number, ends) for number, row in enumerate([headers, *rows]) if (ends := _filled_ends(row))]
    if not used:
        return "A1"
    first = xl_rowcol_to_cell(used[0][0], min(start for _, (start, _) in used))
    last = xl_rowcol_to_cell(used[-1][0], max(end for _, (_, end) in used))
    return first if first == last else f"{first}:{last}"


def _filled_ends(row: Sequence[Any]) -> tuple[int, int] | None:
    """The indices of the row's first and last values that make a cell, if any does."""
    filled = [i for i in (0, len(row) - 1) if row and row[i] is not None and row[i] != ""]
    if len(filled) == 2:  # nearly every row: no need to look further
        return filled[0], filled[1]
    indices = [i for i, value in enumerate(row) if value is not None and value != ""]
    return (indices[0], indices[-1]) if indices else None
