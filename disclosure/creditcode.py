"""Unified social credit code (统一社会信用代码), GB 32100-2015.

Eighteen characters over an alphabet of 31 (no I, O, Z, S, V); the last is a check character
computed from the first seventeen with fixed weights, modulo 31.
"""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUES = {char: index for index, char in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class CodeVerdict:
    ok: bool
    reason: str = ""
    expected_check: str = ""


def verify(code: str) -> CodeVerdict:
    """Explain, in Chinese, what is wrong with a code (or nothing)."""
    if len(code) != 18:
        return CodeVerdict(False, f"长度为 {len(code)} 位，统一社会信用代码应为 18 位")
    bad = sorted({char for char in code if char not in _VALUES})
    if bad:
        shown = "、".join(bad)
        return CodeVerdict(False, f"含有不允许的字符 {shown}（代码不使用 I、O、Z、S、V 及小写以外的符号）")
    expected = check_character(code[:17])
    if code[17] != expected:
        return CodeVerdict(
            False, f"第 18 位校验码应为“{expected}”，实际为“{code[17]}”，可能有字符录入错误", expected
        )
    return CodeVerdict(True)
