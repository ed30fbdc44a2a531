"""Typed settings from plain YAML mappings, collecting every error at once.

Each settings class is a frozen dataclass whose fields carry a Chinese help text
(``setting("说明", default)``). ``parse`` checks types, rejects unknown keys naming the
nearest known one, and recurses into nested settings classes and lists of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import types
import typing
from typing import Any

from .problems import Problems

_MISSING = dataclasses.MISSING


def setting(help: str, default: Any = _MISSING) -> Any:
    """A settings field with its documentation; no default means the key is required."""
    if isinstance(default, (list, dict)):
        value = default
        return dataclasses.field(default_factory=lambda: type(value)(value), metadata={"help": help})
    return dataclasses.field(default=default, metadata={"help": help})



_TYPE_WORDS = {str: "文字", int: "整数", float: "数字", bool: "true 或 false", dt.date: "日期（如 2025-02-28）"}


def parse(cls: type, data: Any, where: str, file: str, problems: Problems) -> Any:
    """Build ``cls`` from a mapping; on any problem record it and return None."""
    if not isinstance(data, dict):
        problems.error(file, f"“{where or '顶层'}”应为键值映射（key: value）", value=_show(data))
        return None
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    ok = True
    for key, raw in data.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in known:
            near = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.5)
            hint = f"，是否想写“{near[0]}”？" if near else ""
            problems.error(
                file,
                f"未知的设置项“{path}”{hint}",
                expected="、".join(sorted(known)),
            )
            ok = False
            continue
        converted, good = _convert(hints[key], raw, path, file, problems)
        ok = ok and good
        values[key] = converted
    for name, item in known.items():
        required = item.default is _MISSING and item.default_factory is _MISSING
        if required and name not in data:
            path = f"{where}.{name}" if where else name
            problems.error(file, f"缺少必填设置项“{path}”：{item.metadata.get('help', '')}")
            ok = False
    return cls(**values) if ok else None


def _convert(hint: Any, raw: Any, path: str, file: str, problems: Problems) -> tuple[Any, bool]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if raw is None and type(None) in args:
            return None, True
        inner = next(a for a in args if a is not type(None))
        return _convert(inner, raw, path, file, problems)
    if origin in (list, tuple):
        if not isinstance(raw, list):
            problems.error(file, f"设置项“{path}”应为列表", value=_show(raw))
            return None, False
        items = [_convert(args[0], item, f"{path}[{i + 1}]", file, problems) for i, item in enumerate(raw)]
        good = all(g for _, g in items)
        return tuple(v for v, _ in items), good
    if origin is dict:
        if not isinstance(raw, dict):
            problems.error(file, f"设置项“{path}”应为键值映射", value=_show(raw))
            return None, False
        pairs = {k: _convert(args[1], v, f"{path}.{k}", file, problems) for k, v in raw.items()}
        return {k: v for k, (v, _) in pairs.items()}, all(g for _, g in pairs.values())
    if dataclasses.is_dataclass(hint):
        value = parse(hint, raw, path, file, problems)
        return value, value is not None
    return _scalar(hint, raw, path, file, problems)


def _scalar(hint: type, raw: Any, path: str, file: str, problems: Problems) -> tuple[Any, bool]:
    if hint is float and isinstance(raw, int) and not isinstance(raw, bool):
        return float(raw), True
    if hint is dt.date and isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw), True
        except ValueError:
            pass
    if hint is dt.date and isinstance(raw, dt.datetime):
        return raw.date(), True
    if hint is str and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(raw), True
    if isinstance(raw, hint) and not (hint is int and isinstance(raw, bool)):
        return raw, True
    problems.error(file, f"设置项“{path}”类型不对", value=_show(raw), expected=_TYPE_WORDS.get(hint, str(hint)))
    return None, False


def _show(value: Any) -> str:
    return str(value)
