"""Reading tables as staff really have them: YAML, CSV in any common encoding, XLSX.

The result is raw text per declared column with the row number a spreadsheet shows, so that
every later message can point at the cell. Headers may be the Chinese label (with or without
a unit in brackets), an alias or the English key; a title row above the header is skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from charset_normalizer import from_bytes

from .problems import Problems
from .schema import DatasetInfo
from .text import clean_text, clean_texts, match_key

SPREADSHEET_SUFFIXES = (".csv", ".xlsx")
TABLE_SUFFIXES = (".yaml", ".yml", *SPREADSHEET_SUFFIXES)
# Columns staff sheets commonly carry that are not data: ignored without a warning.
IGNORED_HEADERS = {"序号", "no", "备注"}


@dataclass
class RawRow:
    row: int
    cells: dict[str, str]


@dataclass
class RawTable:
    file: str
    rows: list[RawRow] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # key -> header as written
    meta: dict[str, Any] = field(default_factory=dict)  # a YAML file's top-level fields


def read_table(path: Path, shown: str, info: DatasetInfo, problems: Problems,
               rows_key: str = "rows", sheet: str | None = None) -> RawTable | None:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _read_yaml(path, shown, info, problems, rows_key)
    if suffix == ".csv":
        grid = read_csv_grid(path, shown, problems)
    elif suffix == ".xlsx":
        grid = read_xlsx_grid(path, shown, problems, sheet)
    else:
        problems.error(shown, "不支持的文件类型", value=suffix, expected="、".join(TABLE_SUFFIXES))
        return None
    if grid is None:
        return None
    return table_from_grid(grid, shown, info, problems)


# --- CSV -------------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str] | None:
    """Text and encoding name: UTF-8 (with or without BOM) first, else a detected Chinese one."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "UTF-8 (BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16"]).best()
    if best is None:
        return None
    return str(best), best.encoding.upper()


def read_csv_grid(path: Path, shown: str, problems: Problems) -> list[tuple[int, list[str]]] | None:
    """Rows with the line each starts on; rows may differ in length (a lone title line)."""
    decoded = decode(path.read_bytes())
    if decoded is None:
        problems.error(shown, "无法识别文件编码", expected="UTF-8 或 GBK/GB18030 编码的 CSV")
        return None
    text, _ = decoded
    reader = csv.reader(io.StringIO(text, newline=""))
    grid = []
    start = 1
    try:
        for values in reader:
            grid.append((start, values))
            start = reader.line_num + 1  # a quoted cell may span lines
    except csv.Error as exc:
        problems.error(shown, f"CSV 格式有误：{exc}", row=reader.line_num)
        return None
    return grid


# --- XLSX ------------------------------------------------------------------------------

def read_xlsx_grid(path: Path, shown: str, problems: Problems,
               sheet: str | None) -> list[tuple[int, list[str]]] | None:
    import openpyxl  # here, not above: a build reading no workbook saves its import (0.14-0.4 s)

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        problems.error(shown, f"无法打开 Excel 文件：{exc}")
        return None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            problems.error(shown, "找不到工作表", value=sheet, expected="、".join(book.sheetnames))
            return None
        worksheet = book[sheet] if sheet else book.worksheets[0]
        grid = []
        for cells in worksheet.iter_rows():
            values = [_cell_text(c.value) for c in cells]
            row_number = next((c.row for c in cells if getattr(c, "row", None)), None)
            if row_number is not None:
                grid.append((row_number, values))
        return grid
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    # Excel keeps dates as datetimes at midnight: publish them as dates.
    if isinstance(value, dt.datetime) and value.time() == dt.time(0, 0):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- header recognition ------------------------------------------------------------------

_BRACKETED = re.compile(r"[(（][^()（）]*[)）]$")


def header_index(info: DatasetInfo) -> dict[str, str]:
    """Every accepted spelling of every column's header, mapped to the column key."""
    index: dict[str, str] = {}
    for col in info.columns:
        for name in (col.label, col.key, col.header(), *col.aliases):
            index[match_key(name)] = col.key
    return index


def _recognise(header: str, index: dict[str, str]) -> str | None:
    key = match_key(header)
    if key in index:
        return index[key]
    stripped = _BRACKETED.sub("", key)  # "物业费标准（元/平方米·月）" -> "物业费标准"
    return index.get(stripped)


def table_from_grid(grid: list[tuple[int, list[str]]], shown: str, info: DatasetInfo,
                     problems: Problems) -> RawTable | None:
    index = header_index(info)
    header_at = None
    for position, (_, values) in enumerate(grid[:15]):
        recognised = [v for v in values if clean_text(v) and _recognise(clean_text(v), index)]
        if len(recognised) >= 2:
            header_at = position
            break
    if header_at is None:
        labels = "、".join(c.label for c in info.columns if c.required)
        problems.error(shown, "在前 15 行中找不到表头行", expected=f"含有这些列名的一行：{labels}")
        return None
    header_row, headers = grid[header_at]
    table = RawTable(file=shown)
    positions: dict[str, int] = {}
    for position, raw in enumerate(headers):
        header = clean_text(raw)
        if not header:
            continue
        key = _recognise(header, index)
        if key is None:
            if match_key(header) not in IGNORED_HEADERS:
                problems.warn(shown, "未识别的列，已忽略", row=header_row, column=header)
        elif key in positions:
            problems.error(shown, "列名重复", row=header_row, column=header)
        else:
            positions[key] = position
            table.headers[key] = header
    for col in info.columns:
        if col.required and col.key not in positions:
            problems.error(shown, f"缺少必填列“{col.label}”", row=header_row,
                           expected=f"表头中加入“{col.header()}”")
    keys, wanted = list(positions), list(positions.values())
    for row_number, values in grid[header_at + 1:]:
        width = len(values)
        cells = dict(zip(keys, clean_texts([values[pos] if pos < width else "" for pos in wanted]), strict=True))
        if any(cells.values()):  # blank rows are skipped, numbering is kept
            table.rows.append(RawRow(row_number, cells))
    return table


# --- YAML with line numbers ----------------------------------------------------------------

class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping, for messages."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def read_yaml(path: Path, shown: str, problems: Problems) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_LineLoader)  # noqa: S506
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.error(shown, f"无法读取 YAML：{exc}")
        return None


def _read_yaml(path: Path, shown: str, info: DatasetInfo, problems: Problems,
               rows_key: str) -> RawTable | None:
    data = read_yaml(path, shown, problems)
    if data is None:
        return None
    items = data.get(rows_key) if isinstance(data, dict) else data
    if not isinstance(items, list):
        problems.error(shown, f"应为记录列表（或含“{rows_key}”列表的映射）")
        return None
    index = header_index(info)
    table = RawTable(file=shown)
    if isinstance(data, dict):
        table.meta = {k: v for k, v in data.items() if k not in (rows_key, "__line__")}
    for item in items:
        if not isinstance(item, dict):
            problems.error(shown, "每条记录应为键值映射", value=str(item))
            continue
        line = item.pop("__line__", None)
        cells: dict[str, str] = {}
        for name, value in item.items():
            key = _recognise(str(name), index)
            if key is None:
                problems.error(shown, "未知的字段", row=line, column=str(name),
                               expected="、".join(c.key for c in info.columns))
                continue
            table.headers.setdefault(key, str(name))
            cells[key] = "" if value is None else clean_text(_yaml_text(value))
        for col in info.columns:  # an absent field is an empty cell, checked like one
            cells.setdefault(col.key, "")
        table.rows.append(RawRow(line or 0, cells))
    return table


def _yaml_text(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
