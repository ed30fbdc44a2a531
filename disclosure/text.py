"""Safe normalisation of what staff type into spreadsheets.

NFKC folds full-width digits, letters and brackets (０１２ＡＢ（）) into their ASCII forms;
it is applied to codes, numbers, dates, phones and allowed values, never to free text such
as names, where the full-width brackets of a registered company name must stay as written.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000\u00a0]+")


def clean_text(value: object) -> str:
    """Trim a cell: outer white space (including the ideographic space) goes, inner runs collapse."""
    if value is None:
        return ""
    text = str(value).replace("\ufeff", "")
    return _SPACES.sub(" ", text).strip()


def clean_texts(values: list[str]) -> list[str]:
    """``[clean_text(v) for v in values]`` for a row of strings, cleaned in one pass: the
    values joined by NUL (which is not white space, so no run of white space crosses from one
    value to the next), cleaned, and split again. A row with a value holding a NUL, or one
    that is not a string, is cleaned cell by cell. Turning a province's 50,000 community rows
    into cells (loading.table_from_grid) took 0.91-1.58 s cell by cell, 0.74-0.95 s by row
    (six runs each, alternating)."""
    try:
        joined = "\x00".join(values)
    except TypeError:
        return [clean_text(v) for v in values]
    if joined.count("\x00") != len(values) - 1:
        return [clean_text(v) for v in values]
    return [part.strip() for part in _SPACES.sub(" ", joined.replace("\ufeff", "")).split("\x00")]


def fold(value: str) -> str:
    """Full-width to half-width, white space removed: for codes, numbers and comparisons."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value))


@functools.lru_cache(maxsize=16384)  # the same district, company and category spellings, row after row
def match_key(value: str) -> str:
    """A key for matching names and labels regardless of width, case and spacing."""
    return fold(value).lower()
