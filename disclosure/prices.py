"""Reference prices (区间参考价格): reading price notices, checking them, and judging a fee.

A price notice is one file in data/prices/, named by its id (used in URLs):
- YAML: the header fields at the top level, a ``rows`` list and an optional ``addons`` list;
- CSV or XLSX, as staff keep it: a header block of ``字段 | 值`` rows (标题, 发布机关, 文号, …)
  above the price table, and optionally the add-on table (项目, 最低价, 最高价, 说明) below it.
The downloads of a notice are written in that same sheet form, so a published notice can be
copied, edited and dropped back into data/prices/ as the next one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .loading import RawRow, RawTable, header_index, read_csv_grid, read_table, read_xlsx_grid, table_from_grid
from .problems import Problems
from .records import BUILDING_TYPES, SERVICE_GRADES, Community, PriceAddon, PriceNoticeHeader, PriceRow, Source
from .schema import info
from .text import clean_text, match_key
from .validation import Lookups, convert_row

CITY_WIDE = "全市"
NOTICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
RESERVED_IDS = ("check",)  # prices/check/ is the fee check page
NOTICE_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")
# Amounts are compared in ten-thousandths of a yuan, so 1.1 equals 1.10 whatever floats do.
_SCALE = 10_000


@dataclass(frozen=True)
class PriceNotice:
    header: PriceNoticeHeader
    rows: tuple[PriceRow, ...]
    addons: tuple[PriceAddon, ...]
    # Where each header field was written (row, header as written), for messages across notices.
    positions: dict[str, tuple[int | None, str]] = dataclasses.field(default_factory=dict, compare=False)

    @property
    def id(self) -> str:
        return self.header.id


# --- loading ---------------------------------------------------------------------------------

def load_notices(folder: Path, source: Path, lookups: Lookups, problems: Problems,
                 files: list[Path]) -> list[PriceNotice]:
    """Every notice in data/prices/, oldest in force first; a bad file is reported and left out."""
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in NOTICE_SUFFIXES
                   and not p.name.startswith(("~$", "."))) if folder.is_dir() else []
    files.extend(paths)
    stems = Counter(p.stem for p in paths)
    notices = []
    for path in paths:
        shown = path.relative_to(source).as_posix()
        if stems[path.stem] > 1:
            problems.error(shown, "同一价格文件编号有多个文件，无法确定以哪个为准", value=path.stem,
                           expected="每份价格文件只保留一个文件")
            continue
        notice = _load_notice(path, shown, lookups, problems)
        if notice is not None:
            notices.append(notice)
    notices.sort(key=lambda n: (n.header.effective, n.id))
    for before, after in itertools.pairwise(notices):
        if before.header.effective == after.header.effective:
            assert after.header.source is not None
            row, column = after.positions.get("effective", (None, "施行日期"))
            problems.error(after.header.source.file, f"与价格文件“{before.id}”施行日期相同，无法确定哪份现行有效",
                           row=row, column=column, value=after.header.effective.isoformat(),
                           expected="后发布的文件施行日期应晚于前一份")
    return notices


def _load_notice(path: Path, shown: str, lookups: Lookups, problems: Problems) -> PriceNotice | None:
    before = len(problems.errors)
    parts = _yaml_parts(path, shown, problems) if path.suffix.lower() in (".yaml", ".yml") \
        else _sheet_parts(path, shown, problems)
    if parts is None:
        return None
    fields, price_table, addon_table = parts
    header = _header(path.stem, fields, shown, lookups, problems)
    # A price row may apply to the whole city as well as to one district.
    price_lookups = dataclasses.replace(lookups, districts={**lookups.districts, match_key(CITY_WIDE): CITY_WIDE})
    rows = _records(price_table, PriceRow, price_lookups, problems, path.stem)
    addons = _records(addon_table, PriceAddon, lookups, problems, path.stem) if addon_table else []
    if not price_table.rows:
        problems.error(shown, "价格表没有任何价格行", expected="至少一行：适用区域、房屋类型、服务等级、最低价、最高价")
    check_prices(rows, addons, shown, problems)
    if header is not None:
        check_grade_order(rows, header.grade_order, shown, problems)
    if len(problems.errors) > before or header is None:
        return None
    return PriceNotice(header, tuple(rows), tuple(addons), {k: (row, name) for k, (_, row, name) in fields.items()})


# A header field: (text, row, the name as written).
Fields = dict[str, tuple[str, int | None, str]]


def _yaml_parts(path: Path, shown: str, problems: Problems) -> tuple[Fields, RawTable, RawTable | None] | None:
    table = read_table(path, shown, info(PriceRow), problems, rows_key="rows")
    if table is None:
        return None
    text = path.read_text(encoding="utf-8-sig")
    index = _header_field_index()
    fields: Fields = {}
    meta = dict(table.meta)
    addon_items = meta.pop("addons", None)
    for name, value in meta.items():
        line = _yaml_line(text, str(name))
        key = index.get(match_key(str(name)))
        if key is None:
            problems.error(shown, "未知的文件信息字段", row=line, column=str(name),
                           expected="、".join(c.key for c in _header_columns()))
            continue
        fields[key] = ("" if value is None else clean_text(value.isoformat() if hasattr(value, "isoformat")
                                                          else value), line, str(name))
    addons = RawTable(file=shown)
    if addon_items is not None and not isinstance(addon_items, list):
        problems.error(shown, "addons 应为附加项目列表", row=_yaml_line(text, "addons"))
        addon_items = []
    addon_index = header_index(info(PriceAddon))
    for item in addon_items or []:
        if not isinstance(item, dict):
            problems.error(shown, "每个附加项目应为键值映射", value=str(item))
            continue
        line = item.pop("__line__", None)
        cells = {c.key: "" for c in info(PriceAddon).columns}
        for name, value in item.items():
            key = addon_index.get(match_key(str(name)))
            if key is None:
                problems.error(shown, "未知的附加项目字段", row=line, column=str(name),
                               expected="、".join(c.key for c in info(PriceAddon).columns))
            else:
                cells[key] = "" if value is None else clean_text(value)
        addons.rows.append(RawRow(line or 0, cells))
    return fields, table, addons


def _yaml_line(text: str, key: str) -> int | None:
    found = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _sheet_parts(path: Path, shown: str, problems: Problems) -> tuple[Fields, RawTable, RawTable | None] | None:
    grid = read_csv_grid(path, shown, problems) if path.suffix.lower() == ".csv" \
        else read_xlsx_grid(path, shown, problems, None)
    if grid is None:
        return None
    price_index, addon_index = header_index(info(PriceRow)), header_index(info(PriceAddon))
    price_at = _find_header(grid, 0, price_index, ("district", "building_type"))
    if price_at is None:
        problems.error(shown, "找不到价格表的表头行",
                       expected="表头含“适用区域、房屋类型、服务等级、最低价、最高价”，写在文件信息各行之下")
        return None
    fields = _header_block(grid[:price_at], shown, problems)
    addon_at = _find_header(grid, price_at + 1, addon_index, ("item",))
    price_grid = grid[price_at:addon_at]
    # A caption line such as "附加项目" just above the add-on table is not a price row.
    while addon_at is not None and len(price_grid) > 1 and len(_filled(price_grid[-1][1])) <= 1:
        price_grid = price_grid[:-1]
    price_table = table_from_grid(price_grid, shown, info(PriceRow), problems)
    addon_table = table_from_grid(grid[addon_at:], shown, info(PriceAddon), problems) if addon_at else None
    if price_table is None:
        return None
    return fields, price_table, addon_table


def _filled(values: list[str]) -> list[str]:
    return [text for text in (clean_text(v) for v in values) if text]


def _find_header(grid: list[tuple[int, list[str]]], start: int, index: dict[str, str],
                 needs: tuple[str, ...]) -> int | None:
    for position in range(start, len(grid)):
        keys = {index.get(_bare(text)) for text in _filled(grid[position][1])} - {None}
        if len(keys) >= 2 and keys & set(needs):
            return position
    return None


def _bare(header: str) -> str:
    """A header's match key without a trailing unit in brackets: 最低价（元/平方米·月） -> 最低价."""
    return re.sub(r"[(（][^()（）]*[)）]$", "", match_key(header))


def _header_columns():
    return tuple(c for c in info(PriceNoticeHeader).columns if c.key != "id")  # the id is the file name


def _header_field_index() -> dict[str, str]:
    return {match_key(name): c.key for c in _header_columns() for name in (c.label, c.key, *c.aliases)}


def _header_block(block: list[tuple[int, list[str]]], shown: str, problems: Problems) -> Fields:
    """The 字段 | 值 rows above the price table; a lone title line there is allowed."""
    index = _header_field_index()
    fields: Fields = {}
    for row, values in block:
        cells = _filled(values)
        if not cells:
            continue
        label, value = cells[0], cells[1] if len(cells) > 1 else ""
        if re.search(r"[:：]", label) and match_key(re.split(r"[:：]", label, maxsplit=1)[0]) in index:
            label, value = (part.strip() for part in re.split(r"[:：]", label, maxsplit=1))  # 标题：xxx in one cell
        key = index.get(match_key(label.rstrip(":：")))
        if key is None:
            if len(cells) > 1:
                problems.error(shown, "未知的文件信息字段", row=row, column=label,
                               expected="、".join(c.label for c in _header_columns()))
            continue
        if key in fields:
            problems.error(shown, f"文件信息“{label}”写了两次（另见第 {fields[key][1]} 行）", row=row, column=label)
            continue
        fields[key] = (value, row, label)
    return fields


def _header(stem: str, fields: Fields, shown: str, lookups: Lookups,
            problems: Problems) -> PriceNoticeHeader | None:
    values: dict[str, Any] = {"id": stem}
    ok = True
    for col in _header_columns():
        if col.key not in fields:
            if col.required:
                problems.error(shown, f"缺少文件信息“{col.label}”", expected=(
                    f"表格上方加一行“{col.label} | 值”，或 YAML 中写 {col.key}: 值（{col.allowed()}）"))
                ok = False
            continue
        text, row, name = fields[col.key]
        converted = convert_row(info(PriceNoticeHeader), {col.key: text}, shown, row, lookups,  # type: ignore[arg-type]
                                problems, {col.key: name})
        if converted is None:
            ok = False
        else:
            values.update(converted)
    if not NOTICE_ID.match(stem) or stem in RESERVED_IDS:
        problems.error(shown, "价格文件名只能用小写字母、数字和连字符（用作网址），且不能是 check", value=stem,
                       expected="如 2025-01.yaml")
        ok = False
    if ok and values["effective"] < values["issued"]:
        problems.error(shown, "施行日期早于发布日期", row=fields["effective"][1], column=fields["effective"][2],
                       value=values["effective"].isoformat(), expected=f"不早于发布日期 {values['issued'].isoformat()}")
        ok = False
    if not ok:
        return None
    first = min((row for _, row, _ in fields.values() if row is not None), default=1)
    return PriceNoticeHeader(**values, source=Source(shown, first))


def _records(table: RawTable, cls: type, lookups: Lookups, problems: Problems, notice: str) -> list[Any]:
    records = []
    for raw in table.rows:
        values = convert_row(info(cls), raw.cells, table.file, raw.row, lookups, problems, table.headers)
        if values is not None:
            values["notice"] = notice
            records.append(cls(**values, source=Source(table.file, raw.row)))
    return records


# --- checks ------------------------------------------------------------------------------------

def check_prices(rows: list[PriceRow], addons: list[PriceAddon], shown: str, problems: Problems) -> None:
    """min ≤ max in every row; one row per (district, building type, grade) and per add-on item."""
    for item in [*rows, *addons]:
        assert item.source is not None
        if _units(item.min) > _units(item.max):
            problems.error(shown, "最低价高于最高价", row=item.source.row, column="最低价",
                           value=f"{item.min:g} > {item.max:g}", expected="最低价 ≤ 最高价")
    _unique(rows, lambda r: (r.district, r.building_type, r.grade), "适用区域、房屋类型、服务等级", shown, problems)
    _unique(addons, lambda a: match_key(a.item), "附加项目", shown, problems)


def check_grade_order(rows: list[PriceRow], grade_order: str, shown: str, problems: Problems) -> None:
    """Warn where a better grade costs less than a worse one: often the direction was mistaken."""
    cells = {(r.district, r.building_type, r.grade): r for r in rows}
    grades = SERVICE_GRADES if grade_order == "一级最高" else tuple(reversed(SERVICE_GRADES))
    for (district, building_type, grade), row in cells.items():
        position = grades.index(grade)
        worse = next((cells[(district, building_type, g)] for g in grades[position + 1:]
                      if (district, building_type, g) in cells), None)
        if worse is not None and (_units(row.min) < _units(worse.min) or _units(row.max) < _units(worse.max)):
            assert row.source is not None
            problems.warn(shown, f"等级方向为“{grade_order}”，但{grade}的价格低于{worse.grade}", row=row.source.row,
                          value=f"{row.min:g}–{row.max:g} < {worse.min:g}–{worse.max:g}",
                          expected="核对价格或“等级方向”")


def _unique(items: list[Any], key, what: str, shown: str, problems: Problems) -> None:
    first_row: dict[Any, int] = {}
    for item in items:
        wanted = key(item)
        if wanted in first_row:
            shown_key = " / ".join(wanted) if isinstance(wanted, tuple) else str(wanted)
            problems.error(shown, f"{what}重复（已在第 {first_row[wanted]} 行）", row=item.source.row,
                           value=shown_key, expected="每个价格格子只写一行")
        else:
            first_row[wanted] = item.source.row


def check_community_fees(communities: list[Community], problems: Problems) -> None:
    """The fee of the main building type, if also given in its own column, must agree."""
    columns = {"多层": "fee_multistorey", "小高层": "fee_midrise", "高层": "fee_highrise", "别墅": "fee_villa"}
    for c in communities:
        key = columns.get(c.building_type)
        own = getattr(c, key) if key else None
        if c.fee is not None and own is not None and _units(c.fee) != _units(own):
            assert c.source is not None
            label = info(Community).column(key).label
            problems.error(c.source.file, f"“{label}”与“物业费标准”不一致（房屋类型为{c.building_type}）",
                           row=c.source.row, column=label, value=f"{own:g} ≠ {c.fee:g}",
                           expected=f"只在“物业费标准”中填写{c.building_type}的物业费，或两处写成一样")


# --- the notice in force and the verdict -------------------------------------------------------

def published(notices: tuple[PriceNotice, ...] | list[PriceNotice], as_of: dt.date) -> tuple[PriceNotice, ...]:
    """Notices issued by as_of, oldest in force first (one not yet in force is shown as coming)."""
    return tuple(n for n in notices if n.header.issued <= as_of)


def applicable_range(notice: PriceNotice, district: str, building_type: str, grade: str) -> PriceRow | None:
    """The district's own row, else the city-wide one."""
    for wanted in (district, CITY_WIDE):
        for row in notice.rows:
            if (row.district, row.building_type, row.grade) == (wanted, building_type, grade):
                return row
    return None


def _units(amount: float) -> int:
    return round(amount * _SCALE)


@dataclass(frozen=True)
class Verdict:
    kind: str  # "within", "below" or "above"
    difference: float  # yuan outside the range; 0 when within

    @property
    def words(self) -> str:
        if self.kind == "below":
            return f"低于参考区间（比下限低 {self.difference:.2f} 元）"
        if self.kind == "above":
            return f"高于参考区间（比上限高 {self.difference:.2f} 元）"
        return "在参考区间内"


def fee_verdict(fee: float, low: float, high: float) -> Verdict:
    """Within, below or above [low, high]; a fee equal to a bound is within."""
    fee_u, low_u, high_u = _units(fee), _units(low), _units(high)
    if fee_u < low_u:
        return Verdict("below", (low_u - fee_u) / _SCALE)
    if fee_u > high_u:
        return Verdict("above", (fee_u - high_u) / _SCALE)
    return Verdict("within", 0.0)


@dataclass(frozen=True)
class FeeCheck:
    """One of a community's fees beside the range that applies to it."""

    building_type: str
    fee: float
    range: PriceRow | None
    verdict: Verdict | None

    @property
    def city_wide(self) -> bool:
        return self.range is not None and self.range.district == CITY_WIDE


def community_fee_checks(notice: PriceNotice | None, community: Community) -> tuple[FeeCheck, ...]:
    checks = []
    for building_type, fee in community.fees:
        row = None
        if notice is not None and community.service_grade:
            row = applicable_range(notice, community.district, building_type, community.service_grade)
        verdict = fee_verdict(fee, row.min, row.max) if row is not None else None
        checks.append(FeeCheck(building_type, fee, row, verdict))
    return tuple(checks)


# --- what changed between two notices ----------------------------------------------------------

@dataclass(frozen=True)
class Change:
    key: tuple[str, ...]  # (district, building type, grade) or (add-on item,)
    old: tuple[float, float] | None
    new: tuple[float, float] | None

    @property
    def kind(self) -> str:
        if self.old is None:
            return "新增"
        if self.new is None:
            return "取消"
        old, new = [tuple(map(_units, r)) for r in (self.old, self.new)]
        if old == new:
            return "未变"
        if new[0] >= old[0] and new[1] >= old[1]:
            return "上调"
        if new[0] <= old[0] and new[1] <= old[1]:
            return "下调"
        return "调整"


def changes(previous: PriceNotice, current: PriceNotice) -> tuple[tuple[Change, ...], tuple[Change, ...]]:
    """Each price cell and add-on item of either notice, with its old and new range."""
    def compare(old: dict, new: dict, order) -> tuple[Change, ...]:
        return tuple(Change(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new), key=order))

    def cells(n: PriceNotice) -> dict:
        return {(r.district, r.building_type, r.grade): (r.min, r.max) for r in n.rows}

    def items(n: PriceNotice) -> dict:
        return {(a.item,): (a.min, a.max) for a in n.addons}

    def cell_order(k: tuple[str, ...]):
        return (k[0] != CITY_WIDE, k[0], BUILDING_TYPES.index(k[1]), SERVICE_GRADES.index(k[2]))

    return (compare(cells(previous), cells(current), cell_order),
            compare(items(previous), items(current), lambda k: k))
