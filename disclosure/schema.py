"""How a dataset is declared: once, as a dataclass whose fields carry their column.

The same declaration drives loading (Chinese or English headers and aliases), validation
(type, required, allowed values, range, special checks), the column order and headers of
downloads, the data dictionary and the Frictionless ``datapackage.json``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# Frictionless Table Schema types we use.
TYPES = ("string", "integer", "number", "date", "year")

# Checks beyond type and allowed values, named so messages and docs can explain them.
CHECKS = {
    "credit_code": "统一社会信用代码（GB 32100-2015，含校验位）",
    "district": "旗县区名称或区划代码（见 data/districts.yaml）",
    "company": "已登记的物业服务企业名称或统一社会信用代码",
    "phone": "办公电话，如 0478-8731060、12345；个人手机号须打码为 138****1234",
    "grade": "site.yaml 中 credit.grades 列出的信用等级",
    "division_code": "6 位行政区划代码",
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str = "string"
    required: bool = False
    enum: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    check: str | None = None
    description: str = ""
    unit: str = ""
    # Personal-data guard applies to every published text column; private columns are
    # loaded for checks but never written to a page or a download.
    public: bool = True

    def header(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    def allowed(self) -> str:
        """What would be valid, said in Chinese for error messages and the dictionary."""
        if self.enum:
            return "、".join(self.enum)
        if self.check:
            return CHECKS[self.check]
        bounds = []
        if self.minimum is not None:
            bounds.append(f"≥ {self.minimum:g}")
        if self.maximum is not None:
            bounds.append(f"≤ {self.maximum:g}")
        kind = {
            "integer": "整数",
            "number": "数字",
            "date": "日期，如 2025-02-28",
            "year": "四位年份，如 2025",
            "string": "文字",
        }[self.type]
        return kind + ("，" + "，".join(bounds) if bounds else "")


def column(label: str, type: str = "string", **options: Any) -> Any:
    """Declare a dataclass field as a published column (all fields default to None)."""
    if type not in TYPES:
        raise ValueError(f"unknown column type {type!r}")
    return dataclasses.field(default=None, metadata={"column": (label, type, options)})


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    title: str
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @cached_property  # asked for once per record written
    def public_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.public)


def dataset(name: str, title: str, description: str, primary_key: tuple[str, ...]):
    """Class decorator: make a frozen dataclass and attach its DatasetInfo as ``INFO``."""

    def wrap(cls: type) -> type:
        cls = dataclass(frozen=True)(cls)
        columns = []
        for item in dataclasses.fields(cls):
            if "column" not in item.metadata:
                continue
            label, type_, options = item.metadata["column"]
            columns.append(Column(key=item.name, label=label, type=type_, **options))
        cls.INFO = DatasetInfo(name, title, description, primary_key, tuple(columns))
        return cls

    return wrap


def info(cls: type) -> DatasetInfo:
    return cls.INFO  # type: ignore[attr-defined]
