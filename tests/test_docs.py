"""Every setting and every dataset column is documented, and README.md is not stale."""

import dataclasses
import typing

from disclosure import docs
from disclosure.settings import Settings


def test_readme_reference_tables_are_current():
    current = docs.README.read_text(encoding="utf-8")
    assert "<!-- generated:settings -->" in current and "<!-- generated:dictionary -->" in current
    assert docs.render_readme(current) == current, "运行 .venv/bin/python -m disclosure.docs 更新 README.md"


def test_every_setting_has_a_help_text():
    def walk(cls, prefix):
        hints = typing.get_type_hints(cls)
        for item in dataclasses.fields(cls):
            assert item.metadata.get("help"), f"{prefix}{item.name} has no help text"
            inner = (typing.get_args(hints[item.name]) or (hints[item.name],))[0]
            if dataclasses.is_dataclass(inner):
                walk(inner, f"{prefix}{item.name}.")
    walk(Settings, "")


def test_readme_documents_every_setting_key():
    text = docs.README.read_text(encoding="utf-8")
    for field in dataclasses.fields(Settings):
        assert f"`{field.name}`" in text
