"""Every validation error names file, row, column, value and what would be valid — all at once."""

import pytest
from conftest import CODE_A, CODE_B, COMMUNITIES, COMPANIES, RATINGS_2025, SITE_YAML, input_errors


def errors_of(tmp_path, **changes):
    return input_errors(tmp_path, changes)


def only(errors):
    assert len(errors) == 1, [e.describe() for e in errors]
    return errors[0]


def test_wrong_check_character(tmp_path):
    bad = CODE_A[:-1] + ("0" if CODE_A[-1] != "0" else "1")
    error = only(errors_of(tmp_path, **{"data/companies.csv": COMPANIES.replace(CODE_A, bad)}))
    assert (error.file, error.row, error.column, error.value) == ("data/companies.csv", 2, "统一社会信用代码", bad)
    assert f"第 18 位校验码应为“{CODE_A[-1]}”" in error.message
    text = error.describe()
    assert text.startswith("data/companies.csv:2: ")
    assert "GB 32100" in text  # what would be valid


def test_all_errors_reported_at_once_grouped_by_file(tmp_path):
    companies = COMPANIES.replace("0478-8000001", "电话不详").replace("联合党支部", "党支部")
    communities = COMMUNITIES.replace(",320,", ",三百,").replace("新建小区", "新小区")
    errors = errors_of(tmp_path, **{"data/companies.csv": companies, "data/communities.csv": communities})
    found = {(e.file, e.row, e.column) for e in errors}
    assert found == {
        ("data/companies.csv", 2, "联系电话"),
        ("data/companies.csv", 2, "党建情况"),
        ("data/communities.csv", 2, "户数"),
        ("data/communities.csv", 2, "小区类型"),
    }
    category = next(e for e in errors if e.column == "小区类型")
    assert category.value == "新小区"
    assert "老旧小区（已改造）" in category.expected


def test_unknown_district_lists_the_valid_ones(tmp_path):
    error = only(errors_of(tmp_path, **{"data/companies.csv": COMPANIES.replace(",五原县隆兴昌镇2号,0478-5000002,150821",
                                                                               ",某地,0478-5000002,150899")}))
    assert error.column == "所属旗县区" and error.value == "150899"
    assert "临河区" in error.expected and "五原县" in error.expected


def test_missing_required_column_reported_once_at_header(tmp_path):
    header, *rows = COMPANIES.splitlines()
    text = "\n".join([header.replace("法定代表人", "负责人"), *rows]) + "\n"
    errors = errors_of(tmp_path, **{"data/companies.csv": text})
    messages = [(e.row, e.message) for e in errors if e.file == "data/companies.csv"]
    assert messages == [(1, "缺少必填列“法定代表人”")]


def test_duplicates_name_both_rows(tmp_path):
    line = COMPANIES.splitlines()[1]
    errors = errors_of(tmp_path, **{"data/companies.csv": COMPANIES + line + "\n"})
    assert {(e.row, e.column) for e in errors} >= {(2, "统一社会信用代码"), (5, "统一社会信用代码")}
    assert any("另见第 5 行" in e.message for e in errors)


def test_reference_to_unknown_company(tmp_path):
    text = COMMUNITIES.replace("测试河套物业有限公司", "不存在的物业公司")
    error = only(errors_of(tmp_path, **{"data/communities.csv": text}))
    assert (error.file, error.row, error.column, error.value) == ("data/communities.csv", 3, "物业服务企业", "不存在的物业公司")


def test_rating_name_and_code_that_disagree(tmp_path):
    text = RATINGS_2025.replace(f"测试恒信物业服务有限公司,{CODE_A}", f"测试恒信物业服务有限公司,{CODE_B}")
    errors = errors_of(tmp_path, **{"data/ratings/2025.csv": text})
    mismatch = next(e for e in errors if e.column == "企业名称")
    assert "测试安居物业管理有限公司" in mismatch.message  # the company the code belongs to
    assert mismatch.row == 2


def test_company_required_for_professional_management_and_forbidden_for_none(tmp_path):
    text = COMMUNITIES.replace("测试恒信物业服务有限公司,专业化物业服务", ",专业化物业服务").replace(
        ",,无物业,", ",测试恒信物业服务有限公司,无物业,")
    errors = errors_of(tmp_path, **{"data/communities.csv": text})
    assert {(e.row, e.column) for e in errors} == {(2, "物业服务企业"), (4, "物业服务企业")}


@pytest.mark.parametrize(("cell", "message"), [
    ("2025-02-30", "不是真实存在的日期"),
    ("二月底", "无法识别的日期"),
])
def test_dates_must_be_real(tmp_path, cell, message):
    text = RATINGS_2025.replace("2026-03-01,2027-03-01", f"{cell},2027-03-01")
    error = only(errors_of(tmp_path, **{"data/ratings/2025.csv": text}))
    assert error.column == "列入日期" and error.value == cell and error.message == message


def test_numbers_in_range(tmp_path):
    text = COMMUNITIES.replace(",1.5,二级", ",25,二级")
    error = only(errors_of(tmp_path, **{"data/communities.csv": text}))
    assert error.column == "物业费标准（元/平方米·月）" and "大于上限 20" in error.message


def test_unknown_setting_names_the_nearest_key(tmp_path):
    errors = errors_of(tmp_path, **{"site.yaml": SITE_YAML.replace("per_page:", "per_pag:")})
    error = only(errors)
    assert error.file == "site.yaml"
    assert "未知的设置项“per_pag”" in error.message and "per_page" in error.message


def test_unknown_nested_setting_and_wrong_type(tmp_path):
    text = SITE_YAML.replace("  email:", "  emial:").replace("per_page: 2", "per_page: 两")
    errors = errors_of(tmp_path, **{"site.yaml": text})
    messages = " / ".join(e.message for e in errors)
    assert "footer.emial" in messages and "email" in messages
    assert "per_page" in messages and "类型不对" in messages


def test_price_rows_checked(tmp_path):
    from conftest import PRICES

    text = (PRICES.replace("min: 0.4, max: 0.8", "min: 0.9, max: 0.8")
            .replace("effective: 2025-04-01", "effective: 2025-02-01")
            .replace("addons:", "  - {district: 全市, building_type: 高层, grade: 二级, min: 1.0, max: 1.1}\naddons:"))
    errors = errors_of(tmp_path, **{"data/prices/2025-01.yaml": text})
    by_message = {e.message.split("（")[0]: e for e in errors}
    assert set(by_message) == {"最低价高于最高价", "施行日期早于发布日期", "适用区域、房屋类型、服务等级重复"}
    assert by_message["最低价高于最高价"].row == 9  # the line of that row in the YAML file
    assert by_message["施行日期早于发布日期"].expected == "不早于发布日期 2025-03-01"


@pytest.mark.parametrize(("text", "flagged"), [
    ("联系人手机 13800001111。", True),
    ("手机：138 0000 1111", True),  # spaces do not hide a number
    ("手机：１３８００００１１１１", True),  # nor do full-width digits
    ("公安机关备案号 15081599004-00001", False),
    ("蒙公网安备15081599004号", False),
    ("企业代码 914403001922038216", False),  # a credit code is not an ID number
    ("联系人 139****1234", False),
])
def test_personal_data_guard_in_text(text, flagged):
    from disclosure.validation import personal_data_in

    assert (personal_data_in(text) is not None) is flagged
