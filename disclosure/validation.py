"""Turning raw cells into typed values, column by column, as declared in the schema.

Every failure becomes a Problem naming file, row, column header, value and what would be
valid; the row is still examined to the end so one run reports everything.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import creditcode
from .problems import Problems
from .schema import Column, DatasetInfo
from .text import fold, match_key

# --- personal data guard -------------------------------------------------------------------

# Eleven digits from 13x to 19x, not part of a longer number: a filing number such as
# 15081599004-00001 or 15081599004号 (公安机关备案号) is not a phone.
_MOBILE = re.compile(r"(?<![\d*-])1[3-9]\d{9}(?![\d*-]|号)")
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _is_resident_id(number: str) -> bool:
    """An 18-digit resident ID: a real birth date at 7-14 and the ISO 7064 check digit."""
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= dt.date(2100, 1, 1):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def personal_data_in(text: str) -> str | None:
    """Why a published text may not be published, or None."""
    folded = fold(text)
    for candidate in _ID_CANDIDATE.findall(folded):
        if _is_resident_id(candidate):
            return "含有居民身份证号码，个人信息不得公开"
    if _MOBILE.search(folded):
        return "含有未打码的个人手机号码，个人信息不得公开（如需公开，写作 138****1234）"
    return None


# --- lookups for checks that refer to other datasets -----------------------------------------

@dataclass
class Lookups:
    districts: dict[str, str] = field(default_factory=dict)  # any spelling -> current code
    companies: dict[str, str] = field(default_factory=dict)  # code, name, former name -> code
    grades: tuple[str, ...] = ()
    district_names: tuple[str, ...] = ()
    rejected: set[str] = field(default_factory=set)  # spellings of records whose own row failed


# --- scalar conversion ---------------------------------------------------------------------

_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:T?00:00(?::00)?)?$"),  # Excel's midnight
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_LANDLINE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,5})?$")
_SERVICE_NUMBER = re.compile(r"^(12\d{3}|95\d{3,4}|400-?\d{3}-?\d{4})$")
_MASKED_MOBILE = re.compile(r"^1[3-9]\d\*{4}\d{4}$")


class Invalid(ValueError):
    """A value that does not fit; the text says why, in Chinese."""


class RefersToRejected(ValueError):
    """A reference to a record whose own row failed: the row is dropped, nothing is reported."""


def parse_date(text: str) -> dt.date:
    folded = fold(text)
    for form in _DATE_FORMS:
        found = form.match(folded)
        if found:
            year, month, day = (int(part) for part in found.groups())
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                raise Invalid("不是真实存在的日期") from exc
    raise Invalid("无法识别的日期")


def _number(text: str) -> float:
    folded = fold(text).replace(",", "")
    try:
        value = float(folded)
    except ValueError as exc:
        raise Invalid("不是数字") from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise Invalid("不是数字")
    return value


def _integer(text: str) -> int:
    value = _number(text)
    if not value.is_integer():
        raise Invalid("应为整数")
    return int(value)


def _year(text: str) -> int:
    folded = fold(text).removesuffix("年").removesuffix("年度")
    if not re.fullmatch(r"\d{4}", folded):
        raise Invalid("应为四位年份")
    return int(folded)


_TYPES: dict[str, Callable[[str], Any]] = {
    "string": lambda text: text,
    "integer": _integer,
    "number": _number,
    "date": parse_date,
    "year": _year,
}


def _check(col: Column, value: Any, lookups: Lookups) -> Any:
    """Apply a named check; return the canonical value."""
    if col.check == "credit_code":
        code = fold(value).upper()
        verdict = creditcode.verify(code)
        if not verdict.ok:
            hint = "；若在 Excel 中录入，请把该列设为“文本”格式，以免长数字被改写" if code.isdigit() else ""
            raise Invalid(verdict.reason + hint)
        return code
    if col.check == "division_code":
        code = fold(value)
        if not re.fullmatch(r"\d{6}", code):
            raise Invalid("应为 6 位数字")
        return code
    if col.check == "district":
        code = lookups.districts.get(match_key(value))
        if code is None:
            raise Invalid("不是本市的旗县区")
        return code
    if col.check == "company":
        code = lookups.companies.get(match_key(value))
        if code is None and match_key(value) in lookups.rejected:
            raise RefersToRejected(value)
        if code is None:
            raise Invalid("在企业名录（data/companies）中找不到该企业")
        return code
    if col.check == "phone":
        phone = fold(value).replace("—", "-").replace("－", "-")
        if _MOBILE.fullmatch(phone):
            raise Invalid("是未打码的个人手机号码，个人信息不得公开；请写作 " + phone[:3] + "****" + phone[7:])
        if not (_LANDLINE.match(phone) or _SERVICE_NUMBER.match(phone) or _MASKED_MOBILE.match(phone)):
            raise Invalid("不是有效的电话号码")
        return phone
    if col.check == "grade":
        grade = fold(value).upper()
        if grade not in lookups.grades:
            raise Invalid("不是已定义的信用等级")
        return grade
    return value


def _expected(col: Column, lookups: Lookups) -> str:
    if col.check == "grade":
        return "、".join(lookups.grades)
    if col.check == "district":
        return "、".join(lookups.district_names) or col.allowed()
    return col.allowed()


def convert_row(info: DatasetInfo, cells: dict[str, str], file: str, row: int, lookups: Lookups,
                problems: Problems, headers: dict[str, str]) -> dict[str, Any] | None:
    """Typed values for one row, or None if any cell failed (all failures are recorded)."""
    values: dict[str, Any] = {}
    ok = True
    for col in info.columns:
        if col.key not in cells:
            continue  # a missing column was reported once, at the header
        text = cells[col.key]
        shown = headers.get(col.key, col.label)
        if not text:
            if col.required:
                problems.error(file, "必填项为空", row=row, column=shown, expected=_expected(col, lookups))
                ok = False
            continue
        try:
            value = _enum(col, text) if col.enum else _check(col, _TYPES[col.type](text), lookups)
            _bounds(col, value)
        except Invalid as exc:
            problems.error(file, str(exc), row=row, column=shown, value=text, expected=_expected(col, lookups))
            ok = False
            continue
        except RefersToRejected:
            ok = False
            continue
        if col.type == "string" and col.check not in ("credit_code",):
            reason = personal_data_in(value)
            if reason:
                problems.error(file, reason, row=row, column=shown, value=_masked(value))
                ok = False
                continue
        values[col.key] = value
    return values if ok else None


def _enum(col: Column, text: str) -> str:
    allowed = _enum_keys(col.enum).get(match_key(text))
    if allowed is None:
        raise Invalid("不在允许的取值中")
    return allowed


@functools.cache
def _enum_keys(enum: tuple[str, ...]) -> dict[str, str]:
    """An enumeration's values by their matching keys: built once, not once a cell."""
    keys: dict[str, str] = {}
    for allowed in enum:
        keys.setdefault(match_key(allowed), allowed)  # the first of two equal keys wins, as before
    return keys


def _bounds(col: Column, value: Any) -> None:
    if col.minimum is not None and value < col.minimum:
        raise Invalid(f"小于下限 {col.minimum:g}")
    if col.maximum is not None and value > col.maximum:
        raise Invalid(f"大于上限 {col.maximum:g}")


def _masked(text: str) -> str:
    """Show where personal data sits without repeating it in the log."""
    text = _ID_CANDIDATE.sub(lambda m: m.group(0)[:6] + "********" + m.group(0)[-4:], fold(text))
    return _MOBILE.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-4:], text)
