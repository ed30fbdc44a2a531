"""Downloads: each dataset as CSV (UTF-8 with BOM, for Excel), XLSX and JSON, plus one JSON per record.

Columns are exactly the dataset's public columns, in declared order, with Chinese headers.
Workbooks carry the build's date as their document date and XlsxWriter's fixed zip
timestamps, so two builds give identical bytes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import json
from pathlib import Path
from typing import Any

import xlsxwriter

from . import keptfiles, workbook
from .model import Model
from .recordcache import value_digest
from .schema import Column, DatasetInfo


def cell_value(model: Model, col: Column, value: Any) -> Any:
    """The published form of a value: names for district and company references."""
    if value is None:
        return ""
    if col.check == "district":
        return model.district_name(value)
    if col.check == "company":
        company = model.companies.get(value)
        return company.name if company else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def table(model: Model, info: DatasetInfo, records: list[Any] | tuple[Any, ...]) -> tuple[list[str], list[list[Any]]]:
    columns = info.public_columns
    headers = [c.header() for c in columns]
    rows = [[cell_value(model, c, getattr(r, c.key)) for c in columns] for r in records]
    return headers, rows


def to_csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    # The csv module writes everything but floats as _text would (str), and faster.
    writer.writerows([_text(v) if isinstance(v, float) else v for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_json(info: DatasetInfo, rows: list[list[Any]]) -> bytes:
    """A list of records, one a line: readable, and written by the fast C encoder."""
    if not rows:
        return b"[]\n"
    keys = [c.key for c in info.public_columns]
    lines = ",\n".join(_ENCODER.encode(dict(zip(keys, row, strict=True))) for row in rows)
    return f"[\n{lines}\n]\n".encode()


@functools.cache
def _workbook_writer() -> bytes:
    """What kept workbooks are keyed by besides their sheets: the writer's own code and
    XlsxWriter's version, so a changed writer never serves an old file. (A number to raise by
    hand whenever workbook.py changed what it writes was easy to forget.)"""
    return Path(workbook.__file__).read_bytes() + xlsxwriter.__version__.encode()


def to_xlsx(title: str, headers: list[str], rows: list[list[Any]], when: dt.date,
            cache: Path | None = None, rows_kept: Path | None = None) -> bytes:
    return to_workbook([(title, headers, rows)], when, cache, rows_kept)


def to_workbook(sheets: list[tuple[str, list[str], list[list[Any]]]], when: dt.date,
                cache: Path | None = None, rows_kept: Path | None = None) -> bytes:
    """The workbook's bytes; with ``cache``, a workbook made before from the same sheets and
    date is read back instead of written again (large ones take seconds each). With
    ``rows_kept`` (a file for this workbook alone, Model.workbook_rows), a workbook made
    again takes the XML of the blocks of rows that are as they were (workbook.KeptRows)."""
    kept = workbook.KeptRows(rows_kept, _workbook_writer()) if rows_kept is not None else None
    if cache is None:
        return workbook.make(sheets, when, kept)
    # A pickle of the sheets, not their repr: in a profile of a province's community edit,
    # whose workbooks all had to be made anyway, the repr took 0.33 s for the communities'
    # download and 0.47 s for the coverage ledgers.
    key = value_digest((_workbook_writer(), sheets, when))
    path = cache / f"{key}.xlsx"
    if keptfiles.used(path):
        with contextlib.suppress(OSError):
            return path.read_bytes()
    data = workbook.make(sheets, when, kept)
    with keptfiles.writing(path) as temporary:
        temporary.write_bytes(data)
    return data


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else repr(value)
    return str(value)


# One encoder for every file (json.dumps makes one per call with these options); without
# indent it is the C encoder, several times faster over a province's records.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _json(data: Any) -> bytes:
    return (_ENCODER.encode(data) + "\n").encode("utf-8")
