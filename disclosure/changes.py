"""What changed from one rating year to the next: the first question residents and
journalists ask of a new announcement.

Only the two years' results are compared (the grade and the list as published), so the
answer is the same whatever day the site is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .records import Rating


@dataclass(frozen=True)
class Move:
    """One company's result in the earlier and the later year (None: not rated that year)."""

    code: str
    name: str
    before: Rating | None
    after: Rating | None


@dataclass(frozen=True)
class YearChanges:
    year: int
    previous: int
    newly_red: tuple[Move, ...]
    left_red: tuple[Move, ...]
    newly_black: tuple[Move, ...]
    left_black: tuple[Move, ...]
    grade_up: tuple[Move, ...]
    grade_down: tuple[Move, ...]
    new_companies: tuple[Move, ...]
    no_longer_rated: tuple[Move, ...]

    def groups(self) -> list[tuple[str, str, tuple[Move, ...]]]:
        """(key, Chinese heading, moves) in the order a reader asks about them."""
        return [
            ("newly_red", "新列入红榜", self.newly_red),
            ("left_red", "移出红榜", self.left_red),
            ("newly_black", "新列入黑榜", self.newly_black),
            ("left_black", "移出黑榜", self.left_black),
            ("grade_up", "等级上升", self.grade_up),
            ("grade_down", "等级下降", self.grade_down),
            ("new_companies", "新参评企业", self.new_companies),
            ("no_longer_rated", "本年度未参评", self.no_longer_rated),
        ]

    @property
    def total(self) -> int:
        return sum(len(moves) for _, _, moves in self.groups())


def compare(year: int, previous: int, before: Sequence[Rating], after: Sequence[Rating],
            grades: Sequence[str], names: Mapping[str, str]) -> YearChanges:
    """``grades`` runs from the best to the worst; ``names`` gives each code its current name."""
    rank = {g: i for i, g in enumerate(grades)}
    old = {r.code: r for r in before}
    new = {r.code: r for r in after}
    codes = sorted(old.keys() | new.keys(), key=lambda c: (names.get(c) or _name(old, new, c), c))
    moves = [Move(c, names.get(c) or _name(old, new, c), old.get(c), new.get(c)) for c in codes]

    def listed(rating: Rating | None, which: str) -> bool:
        return rating is not None and rating.list == which

    both = [m for m in moves if m.before and m.after]
    return YearChanges(
        year=year,
        previous=previous,
        newly_red=tuple(m for m in moves if listed(m.after, "红榜") and not listed(m.before, "红榜")),
        left_red=tuple(m for m in moves if listed(m.before, "红榜") and not listed(m.after, "红榜")),
        newly_black=tuple(m for m in moves if listed(m.after, "黑榜") and not listed(m.before, "黑榜")),
        left_black=tuple(m for m in moves if listed(m.before, "黑榜") and not listed(m.after, "黑榜")),
        grade_up=tuple(m for m in both if rank[m.after.grade] < rank[m.before.grade]),
        grade_down=tuple(m for m in both if rank[m.after.grade] > rank[m.before.grade]),
        new_companies=tuple(m for m in moves if m.before is None),
        no_longer_rated=tuple(m for m in moves if m.after is None),
    )


def _name(old: Mapping[str, Rating], new: Mapping[str, Rating], code: str) -> str:
    rating = new.get(code) or old[code]
    return rating.company_name
