"""Chinese names in pinyin: to sort them as readers expect, and to make web addresses.

One converter for the whole build, remembering each word's readings (see below), so the
50,000 names of a province are converted in a fraction of pypinyin's usual time.

pypinyin is imported at the first name converted, not with this module: loading its
dictionaries took 0.23 s of a rebuild, and a rebuild whose names all have kept sort keys
(SortKeys) and cached records converts none.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Collection

    from pypinyin.core import Pinyin

    from .recordcache import RecordCache


@cache
def _pinyin() -> Pinyin:
    """pypinyin's converter (the one behind lazy_pinyin), remembering each word's readings.

    Names are made of a few hundred words used over and over (家园, 物业, street names), and
    converting a word's readings to a style is most of lazy_pinyin's time: this makes a new
    name about five times cheaper, with the same result.
    """
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    class WordMemoConverter(UltimateConverter):
        def __init__(self) -> None:
            super().__init__()
            self._words: dict[tuple[Any, ...], list[list[str]]] = {}

        def convert(self, words: str, style: Any, heteronym: bool, errors: Any, strict: bool, **kwargs: Any) -> list:
            key = (words, style, heteronym, errors, strict)
            if key not in self._words:
                self._words[key] = super().convert(words, style, heteronym, errors, strict, **kwargs)
            return [list(readings) for readings in self._words[key]]  # callers may change what they get

    return Pinyin(WordMemoConverter())


@lru_cache(maxsize=65536)  # streets, districts and company names repeat across many records
def pinyin_key(name: str) -> tuple[str, str]:
    """Sort Chinese names the way a reader expects: by pinyin, then by the characters."""
    from pypinyin import Style

    return (" ".join(_pinyin().lazy_pinyin(name, style=Style.TONE3, errors="default")), name)


class SortKeys:
    """``pinyin_key`` of each name a build sorts, kept between builds. A province's 26,564
    distinct community, street and company names took 0.93 s to convert and 18 ms to read
    back. The keys kept are those the last build used, so names of removed records go; a
    build that left sections alone (reads.py) also keeps those it read of names records
    still have, which the sections it did not run will sort again."""

    ENTRY = "sort-keys"

    def __init__(self, cache: RecordCache):
        self._cache = cache
        self._key = cache.key(metadata.version("pypinyin"))
        self._known: dict[str, tuple[str, str]] = cache.get(self.ENTRY, self._key) or {}
        self._used: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str) -> tuple[str, str]:
        key = self._used.get(name)
        if key is None:
            key = self._used[name] = self._known.get(name) or pinyin_key(name)
        return key

    def save(self, still_named: Collection[str] = ()) -> None:
        """Keep the keys used since this was made, and those read of ``still_named``, when
        they are not the ones read."""
        keep = {name: key for name, key in self._known.items() if name in still_named} | self._used
        if keep.keys() != self._known.keys():
            self._cache.put(self.ENTRY, self._key, keep)


def slug(name: str, limit: int = 60) -> str:
    """A name as lower-case pinyin letters and digits for a web address (digits and Latin
    letters are kept as written); empty when nothing is left."""
    return re.sub(r"[^a-z0-9]+", "", "".join(_pinyin().lazy_pinyin(name)).lower())[:limit]
