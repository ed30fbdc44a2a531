"""The README's reference tables, generated from the declarations so they cannot go stale.

``python -m disclosure.docs`` rewrites the parts of README.md between the markers
``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``; a test fails when README.md
differs from what this would write.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import typing
from pathlib import Path

from .records import DATASETS
from .schema import info
from .settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def settings_table() -> str:
    lines = ["| 设置项 | 说明 | 默认值 |", "|---|---|---|"]

    def walk(cls: type, prefix: str) -> None:
        hints = typing.get_type_hints(cls)
        for item in dataclasses.fields(cls):
            key = f"{prefix}{item.name}"
            default = "（必填）"
            if dataclasses.is_dataclass(item.default):
                default = "见下列各项"
            elif isinstance(item.default, bool):
                default = f"`{str(item.default).lower()}`"
            elif item.default is not dataclasses.MISSING:
                default = "（空）" if item.default in (None, "") else f"`{item.default}`"
            elif item.default_factory is not dataclasses.MISSING:
                default = "（空）"
            lines.append(f"| `{key}` | {item.metadata.get('help', '')} | {default} |")
            hint = hints[item.name]
            inner = (typing.get_args(hint) or (hint,))[0]
            if dataclasses.is_dataclass(inner):
                walk(inner, f"{key}[]." if typing.get_origin(hint) in (list, tuple) else f"{key}.")

    walk(Settings, "")
    return "\n".join(lines)


def dictionary() -> str:
    parts = []
    for cls in DATASETS:
        dataset = info(cls)
        parts.append(f"#### {dataset.title}（`{dataset.name}`）\n\n{dataset.description}\n")
        parts.append("| 列名（中文表头） | 英文字段名 | 类型 | 必填 | 取值／说明 |\n|---|---|---|---|---|")
        for col in dataset.columns:
            note = col.allowed() + (f"；{col.description}" if col.description else "")
            aliases = f"（也可写：{'、'.join(a for a in col.aliases if a != col.key)}）" if col.aliases else ""
            parts.append(f"| {col.header()}{aliases} | `{col.key}` | {col.type} | {'是' if col.required else '否'} "
                         f"| {note} |")
        parts.append("")
    return "\n".join(parts).rstrip()


GENERATORS = {"settings": settings_table, "dictionary": dictionary}


def render_readme(text: str) -> str:
    for name, generate in GENERATORS.items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n).*?(<!-- /generated:{name} -->)", re.S)
        text = pattern.sub(lambda m, g=generate: m.group(1) + g() + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    current = README.read_text(encoding="utf-8")
    updated = render_readme(current)
    README.write_text(updated, encoding="utf-8")
    sys.stdout.write("README.md 已更新\n" if updated != current else "README.md 无需更新\n")
