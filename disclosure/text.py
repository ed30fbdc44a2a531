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


def fold(value: str) -> str:
    """Full-width to half-width, white space removed: for codes, numbers and comparisons."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value))


@functools.lru_cache(maxsize=16384)  # the same district, company and category spellings, row after row
def match_key(value: str) -> str:
    """A key for matching names and labels regardless of width, case and spacing."""
    return fold(value).lower()
