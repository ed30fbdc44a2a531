"""GB 32100-2015 check characters, against codes published in public material (DOMAIN.md)."""

import pytest

from disclosure.creditcode import check_character, verify

VALID = [
    "914403001922038216",
    "9144030071526726XG",
    "91440300708461136T",
    "91330100799655058B",
    "91110000600037341L",
    "91152201078371135X",
]
INVALID_CHECK = ["91110108717809965C", "91110000800088421P"]


@pytest.mark.parametrize("code", VALID)
def test_published_codes_are_valid(code):
    assert verify(code).ok
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", INVALID_CHECK)
def test_wrong_check_character_is_explained(code):
    verdict = verify(code)
    assert not verdict.ok
    assert verdict.expected_check != code[17]
    assert f"应为“{verdict.expected_check}”" in verdict.reason


def test_length_and_forbidden_letters():
    assert "长度为 17 位" in verify("91440300192203821").reason
    # I, O, Z, S, V are not in the alphabet.
    assert "I" in verify("9144030019220382I6").reason
