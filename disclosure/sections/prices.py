"""Reference prices (区间参考价格): the notice in force, a page per notice with what changed
against the one before, the owners' fee check, and each notice as CSV, XLSX and JSON.

The fee check page carries the notice in force as JSON inside the page (no request is made),
so it answers instantly with JavaScript; without it the same page shows the full table and
how to read it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import xlsxwriter

from .. import exports
from ..model import Model
from ..pages import Contribution, DataFile, Page
from ..prices import CITY_WIDE, PriceNotice, changes, published
from ..reads import Reads
from ..records import BUILDING_TYPES, SERVICE_GRADES, PriceAddon, PriceNoticeHeader, PriceRow
from ..schema import info
from ..settings import Settings

COLUMN = "参考价格"
FORMATS = ("csv", "xlsx", "json")


def reads(settings: Settings) -> Reads:
    """The price notices only (in every section's key)."""
    return Reads()


def contribute(model: Model) -> Contribution:
    notices = published(model.catalog.prices, model.as_of)
    files = [file for notice in notices for file in _downloads(model, notice)]
    sizes = {f.path: len(f.content) for f in files}
    return Contribution(pages=_pages(model, notices, sizes), files=files)


def _pages(model: Model, notices: tuple[PriceNotice, ...], sizes: dict[str, int]) -> list[Page]:
    current = model.price_notice_in_force
    listing = [{"notice": n, "status": _status(model, notices, n)} for n in reversed(notices)]
    result = [Page(
        "prices/index.html", "prices.html", "住宅物业服务区间参考价格",
        {"notice": current, "tables": _tables(model, current), "listing": listing,
         "downloads": _links(current, sizes),
         "upcoming": [n for n in notices if n.header.effective > model.as_of]},
        column=COLUMN, column_description="住宅物业服务区间参考价格、历次价格文件和物业费自查", column_type="服务",
    ), Page(
        "prices/check/index.html", "feecheck.html", "物业费自查",
        _check_context(model, current),
        column=COLUMN, column_description="对照现行区间参考价格，自查物业费是否在区间内", column_type="服务",
    )]
    for position, notice in enumerate(notices):
        previous = notices[position - 1] if position else None
        row_changes, addon_changes = changes(previous, notice) if previous else ((), ())
        result.append(Page(
            f"prices/{notice.id}/index.html", "price_notice.html", notice.header.title,
            {"notice": notice, "tables": _tables(model, notice), "status": _status(model, notices, notice),
             "previous": previous, "next": notices[position + 1] if position + 1 < len(notices) else None,
             "row_changes": [_change_row(model, c) for c in row_changes], "addon_changes": addon_changes,
             "changed": sum(c.kind != "未变" for c in (*row_changes, *addon_changes)),
             "downloads": _links(notice, sizes)},
            column=COLUMN, article_date=f"{notice.header.issued.isoformat()} 09:00",
            article_source=notice.header.issuer,
        ))
    return result


def _status(model: Model, notices: tuple[PriceNotice, ...], notice: PriceNotice) -> str:
    if notice is model.price_notice_in_force:
        return "现行有效"
    if notice.header.effective > model.as_of:
        return f"尚未施行（{_cn(notice.header.effective)}起施行）"
    successor = notices[notices.index(notice) + 1]
    return f"已废止（{_cn(successor.header.effective)}起由{successor.header.document_number}替代）"


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _tables(model: Model, notice: PriceNotice | None) -> list[dict]:
    """One table per district (city-wide first): building types down, grades across."""
    if notice is None:
        return []
    districts = sorted({r.district for r in notice.rows}, key=lambda d: (d != CITY_WIDE, d))
    tables = []
    for district in districts:
        rows = {(r.building_type, r.grade): r for r in notice.rows if r.district == district}
        grades = [g for g in SERVICE_GRADES if any(k[1] == g for k in rows)]
        types = [t for t in BUILDING_TYPES if any(k[0] == t for k in rows)]
        tables.append({"district": model.district_name(district), "code": district, "grades": grades,
                       "cells": [(t, [rows.get((t, g)) for g in grades]) for t in types]})
    return tables


def _change_row(model: Model, change) -> dict:
    district, building_type, grade = change.key
    return {"district": model.district_name(district), "building_type": building_type, "grade": grade,
            "old": change.old, "new": change.new, "kind": change.kind}


def _links(notice: PriceNotice | None, sizes: dict[str, int]) -> list[tuple[str, str, int]]:
    if notice is None:
        return []
    paths = [(fmt, f"downloads/price-notice-{notice.id}.{fmt}") for fmt in FORMATS]
    return [(fmt, path, sizes[path]) for fmt, path in paths]


# --- the fee check -----------------------------------------------------------------------------

def _check_context(model: Model, notice: PriceNotice | None) -> dict:
    districts = sorted(model.districts.values(), key=lambda d: d.code)
    data: dict[str, Any] = {}
    types: list[str] = []
    grades: list[str] = []
    if notice is not None:
        types = [t for t in BUILDING_TYPES if any(r.building_type == t for r in notice.rows)]
        grades = [g for g in SERVICE_GRADES if any(r.grade == g for r in notice.rows)]
        data = {
            "id": notice.id, "title": notice.header.title, "number": notice.header.document_number,
            "effective": _cn(notice.header.effective), "unit": notice.header.unit,
            "cityWide": CITY_WIDE, "districts": {d.code: d.name for d in districts},
            "rows": [[r.district, r.building_type, r.grade, r.min, r.max] for r in notice.rows],
        }
    return {"notice": notice, "tables": _tables(model, notice), "districts": districts,
            "types": types, "grades": grades, "data": data}


# --- downloads: the notice in the same sheet form staff upload ------------------------------------

def _downloads(model: Model, notice: PriceNotice) -> list[DataFile]:
    grid = sheet_grid(model, notice)
    stem = f"downloads/price-notice-{notice.id}"
    return [
        DataFile(f"{stem}.csv", _csv(grid)),
        DataFile(f"{stem}.xlsx", _xlsx(notice.header.title, grid, model.as_of)),
        DataFile(f"{stem}.json", _json(model, notice)),
    ]


def _header_values(notice: PriceNotice) -> list[tuple[str, str, Any]]:
    header = notice.header
    values = []
    for col in info(PriceNoticeHeader).columns:
        value = getattr(header, col.key)
        if col.key != "id" and value is not None:
            values.append((col.key, col.label, value.isoformat() if isinstance(value, dt.date) else value))
    return values


def sheet_grid(model: Model, notice: PriceNotice) -> list[list[Any]]:
    """Header block, blank line, price table, blank line, add-on table: read back by prices.py."""
    grid: list[list[Any]] = [[label, value] for _, label, value in _header_values(notice)]
    columns = [c for c in info(PriceRow).columns if c.key != "notice"]
    grid += [[], [c.header() for c in columns]]
    grid += [[exports.cell_value(model, c, getattr(r, c.key)) for c in columns] for r in notice.rows]
    if notice.addons:
        addon_columns = [c for c in info(PriceAddon).columns if c.key != "notice"]
        grid += [[], [c.header() for c in addon_columns]]
        grid += [[exports.cell_value(model, c, getattr(a, c.key)) for c in addon_columns] for a in notice.addons]
    return grid


def _csv(grid: list[list[Any]]) -> bytes:
    width = max(len(row) for row in grid)  # every line as wide as the widest, as Excel saves it
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([*(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row), *[""] * (width - len(row))]
                     for row in grid)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _xlsx(title: str, grid: list[list[Any]], when: dt.date) -> bytes:
    """The grid as a workbook, prices shown with two decimals. Written with XlsxWriter, as every
    other workbook of the site: in_memory mode gives its zip entries a fixed date, and the
    document's date is the build's, so two builds give the same bytes. (openpyxl wrote it before;
    importing it took 0.14-0.4 s of every build.)"""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    sheet = book.add_worksheet("价格文件")
    money = book.add_format({"num_format": "0.00"})
    for column, width in enumerate((24, 40, 12, 24, 24)):
        sheet.set_column(column, column, width)
    for number, row in enumerate(grid):
        for column, value in enumerate(row):
            if isinstance(value, float):
                sheet.write_number(number, column, value, money)
            elif value is not None and value != "":
                sheet.write(number, column, value)
    book.set_properties({"title": title, "created": dt.datetime(when.year, when.month, when.day)})
    book.close()
    return buffer.getvalue()


def _json(model: Model, notice: PriceNotice) -> bytes:
    data: dict[str, Any] = {key: value for key, _, value in _header_values(notice)}
    data = {"id": notice.id, **data}
    data["rows"] = [{"district": model.district_name(r.district), "district_code": r.district,
                     "building_type": r.building_type, "grade": r.grade, "min": r.min, "max": r.max}
                    for r in notice.rows]
    data["addons"] = [{"item": a.item, "min": a.min, "max": a.max, "note": a.note or ""} for a in notice.addons]
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
