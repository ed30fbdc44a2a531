"""Every rating rule: a bad row in the year's file gives one clear error naming its position."""

from __future__ import annotations

import pytest
from conftest import CODE_A, CODE_B, CODE_C, RATINGS_2025, credit_code, tiny_site, write_site

from disclosure.build import load_inputs
from disclosure.problems import InputError

HEADER = RATINGS_2025.splitlines()[0]
FILE = "data/ratings/2025.csv"


def rows_2025(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


GOOD_A = f"2025,测试恒信物业服务有限公司,{CODE_A},93,AAA,红榜,,,,,,,"
GOOD_B = f"2025,测试安居物业管理有限公司,{CODE_B},58,C,黑榜,未按规定公示收费项目,通报批评,测住建信〔2026〕3号,2026-03-01,2027-03-01,,"
GOOD_C = f"2025,测试河套物业有限公司,{CODE_C},75,A,,,,,,,,"


def errors_for(tmp_path, ratings: str, **extra: str):
    files = tiny_site()
    files[FILE] = ratings
    files.update(extra)
    with pytest.raises(InputError) as caught:
        load_inputs(write_site(tmp_path, files))
    return caught.value.problems.errors


def test_the_good_file_passes(tmp_path):
    files = tiny_site()
    files[FILE] = rows_2025(GOOD_A, GOOD_B, GOOD_C)
    inputs = load_inputs(write_site(tmp_path, files))
    assert len(inputs.catalog.ratings) == 6


def test_grade_not_matching_score_names_both(tmp_path):
    errors = errors_for(tmp_path, rows_2025(GOOD_A.replace(",93,AAA,", ",89,AAA,"), GOOD_B, GOOD_C))
    [error] = errors
    assert (error.file, error.row, error.column) == (FILE, 2, "等级")
    assert "89" in error.message and "AA" in error.message and "AAA" in error.message
    assert error.expected == "AA"


def test_black_list_without_reason(tmp_path):
    errors = errors_for(tmp_path, rows_2025(GOOD_A, GOOD_B.replace("未按规定公示收费项目", ""), GOOD_C))
    assert [(e.row, e.column) for e in errors] == [(3, "列入原因")]


def test_black_list_without_decision_or_dates(tmp_path):
    bad = GOOD_B.replace("测住建信〔2026〕3号,2026-03-01,2027-03-01", ",,")
    errors = errors_for(tmp_path, rows_2025(GOOD_A, bad, GOOD_C))
    assert sorted(e.column for e in errors) == sorted(["决定文号", "列入日期", "到期日期"])
    assert {e.row for e in errors} == {3}


def test_company_listed_twice_in_a_year(tmp_path):
    errors = errors_for(tmp_path, rows_2025(GOOD_A, GOOD_B, GOOD_C, GOOD_C))
    [error] = errors
    assert error.row == 5 and "两次" in error.message and "第 4 行" in error.message


def test_company_on_both_lists(tmp_path):
    # The same company on the red list and (in another row) on the black list.
    black_a = (f"2025,测试恒信物业服务有限公司,{CODE_A},93,AAA,黑榜,物业服务合同违约,通报批评,"
               "测住建信〔2026〕4号,2026-03-01,2027-03-01,,")
    errors = errors_for(tmp_path, rows_2025(GOOD_A, GOOD_B, GOOD_C, black_a))
    [error] = errors
    assert error.row == 5 and "同时列入红榜和黑榜" in error.message and "第 2 行" in error.message


def test_same_year_in_two_files(tmp_path):
    errors = errors_for(tmp_path, rows_2025(GOOD_A, GOOD_B, GOOD_C), **{"data/ratings/2025-more.csv": rows_2025(GOOD_C)})
    messages = [e.message for e in errors]
    assert any("2025 年度的评价结果分在两个文件" in m for m in messages)


@pytest.mark.parametrize("score", ["101", "-1"])
def test_score_out_of_range(tmp_path, score):
    errors = errors_for(tmp_path, rows_2025(GOOD_A, GOOD_B, GOOD_C.replace(",75,", f",{score},")))
    [error] = errors
    assert (error.row, error.column, error.value) == (4, "得分", score)
    assert error.expected == "0 至 100"


def test_company_missing_from_company_records(tmp_path):
    stranger = credit_code("91150802MA0N00009")
    errors = errors_for(tmp_path, rows_2025(GOOD_A, GOOD_B, GOOD_C, f"2025,测试无名物业有限公司,{stranger},75,A,,,,,,,,"))
    [error] = errors
    assert (error.row, error.column, error.value) == (5, "统一社会信用代码", stranger)
    assert "企业名录" in error.message


def test_name_not_matching_code(tmp_path):
    errors = errors_for(tmp_path, rows_2025(GOOD_A, GOOD_B, GOOD_C.replace("测试河套物业有限公司", "测试安居物业管理有限公司")))
    [error] = errors
    assert (error.row, error.column) == (4, "企业名称")
    assert "测试河套物业有限公司" in error.message


def test_red_list_grade_must_be_listed_and_only_red_grades_may_be(tmp_path):
    errors = errors_for(tmp_path, rows_2025(GOOD_A.replace(",红榜,", ",,"), GOOD_B, GOOD_C.replace(",A,,", ",A,红榜,")))
    assert sorted((e.row, e.column) for e in errors) == [(2, "红黑榜"), (4, "红黑榜")]


def test_black_listing_outside_black_grades_is_allowed_with_reason(tmp_path):
    files = tiny_site()
    serious = (f"2025,测试河套物业有限公司,{CODE_C},75,A,黑榜,发生重大安全责任事故,一票否决,"
               "测住建信〔2026〕5号,2026-03-01,2029-03-01,,")
    files[FILE] = rows_2025(GOOD_A, GOOD_B, serious)
    inputs = load_inputs(write_site(tmp_path, files))
    assert {r.code for r in inputs.catalog.ratings if r.list == "黑榜" and r.year == 2025} == {CODE_B, CODE_C}


def test_listing_period_outside_minimum_and_maximum(tmp_path):
    too_long = GOOD_B.replace("2027-03-01", "2030-03-01")
    errors = errors_for(tmp_path, rows_2025(GOOD_A, too_long, GOOD_C))
    [error] = errors
    assert (error.row, error.column) == (3, "到期日期") and "2026-09-01 至 2029-03-01" in error.expected


def test_repair_needs_its_decision_and_the_minimum_period(tmp_path):
    early = GOOD_B.removesuffix(",,") + ",2026-05-01,"
    errors = errors_for(tmp_path, rows_2025(GOOD_A, early, GOOD_C))
    assert sorted(e.column for e in errors) == ["信用修复日期", "修复决定文号"]


def test_repair_after_expiry_and_decision_without_date(tmp_path):
    late = GOOD_B.removesuffix(",,") + ",2027-06-01,测住建信〔2027〕9号"
    errors = errors_for(tmp_path, rows_2025(GOOD_A, late, GOOD_C))
    [error] = errors
    assert error.column == "信用修复日期" and "到期" in error.message
    orphan = GOOD_B.removesuffix(",,") + ",,测住建信〔2027〕9号"
    [error] = errors_for(tmp_path, rows_2025(GOOD_A, orphan, GOOD_C))
    assert error.column == "信用修复日期" and "修复决定文号" in error.message


def test_list_dates_on_an_entry_not_on_the_black_list(tmp_path):
    errors = errors_for(tmp_path, rows_2025(GOOD_A, GOOD_B, GOOD_C.replace(",,,,,,,,", ",,,,,2026-03-01,,,")))
    assert [(e.row, e.column) for e in errors] == [(4, "列入日期")]
    errors = errors_for(tmp_path, rows_2025(GOOD_A, GOOD_B, GOOD_C.replace(",,,,,,,,", ",,,,,,,,测住建信〔2027〕9号")))
    assert [(e.row, e.column) for e in errors] == [(4, "修复决定文号")]


def test_year_missing_from_site_settings(tmp_path):
    text = rows_2025(GOOD_A, GOOD_B, GOOD_C).replace("\n2025,", "\n2023,")
    errors = errors_for(tmp_path, text.replace("测住建信〔2026〕3号,2026-03-01,2027-03-01", "测住建信〔2024〕3号,2024-03-01,2025-03-01"))
    assert {e.column for e in errors} == {"年度"}
    assert all("credit.years" in e.message for e in errors)


def test_every_error_is_reported_at_once_with_its_position(tmp_path):
    errors = errors_for(tmp_path, rows_2025(
        GOOD_A.replace(",93,", ",85,"), GOOD_B.replace("未按规定公示收费项目", ""), GOOD_C.replace(",75,", ",175,")))
    assert sorted((e.row, e.column) for e in errors) == [(2, "等级"), (3, "列入原因"), (4, "得分")]
    text = "\n".join(e.describe() for e in errors)
    assert f"{FILE}:2:" in text and f"{FILE}:3:" in text and f"{FILE}:4:" in text


def test_projects_named_on_a_list_are_checked_against_the_company_communities(tmp_path):
    from disclosure.credit import check_projects
    from disclosure.problems import Problems

    files = tiny_site()
    files[FILE] = rows_2025(GOOD_A, GOOD_B, GOOD_C).replace(
        "修复决定文号", "修复决定文号,涉及项目").replace(",红榜,,,,,,,", ",红榜,,,,,,,,锦绣家园；锦秀花园")
    inputs = load_inputs(write_site(tmp_path, files))
    problems = Problems()
    check_projects(list(inputs.catalog.ratings), list(inputs.catalog.communities), problems)
    assert problems.errors == []  # published as given: a warning, not a stop
    assert [(w.row, w.column, w.value) for w in problems.warnings] == [(2, "涉及项目", "锦秀花园")]
