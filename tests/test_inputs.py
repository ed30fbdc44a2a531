"""Input as staff really have it: GBK CSV, XLSX (first or named sheet), title rows,
blank rows, trailing spaces, full-width characters, lower-case codes."""

import datetime as dt
import json

import openpyxl
import pytest
from conftest import CODE_A, CODE_B, CODE_C, COMPANIES, RATINGS_2025, build_site, tiny_site, write_site

from disclosure.build import load_inputs

AS_OF = dt.date(2026, 6, 1)


def companies_json(output):
    return {c["code"]: c for c in json.loads((output / "downloads/companies.json").read_text("utf-8"))}


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_any_common_encoding_loads(tmp_path, encoding):
    files = tiny_site()
    files["data/companies.csv"] = COMPANIES.encode(encoding)
    output = build_site(write_site(tmp_path, files), as_of=AS_OF)
    page = (output / f"companies/{CODE_A}/index.html").read_text("utf-8")
    assert "测试恒信物业服务有限公司" in page
    assert "张测一" in page


BAD_C = CODE_C[:-1] + ("X" if CODE_C[-1] != "X" else "Y")  # a wrong check character


def test_title_row_blank_rows_spaces_fullwidth_and_lowercase(tmp_path):
    fullwidth_code = CODE_B.lower().translate(str.maketrans("0123456789abcdefghijklmnopqrstuvwxyz",
                                                             "０１２３４５６７８９ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"))
    text = (
        "2025年度物业服务企业名录,,,,,,\n"
        ",,,,,,\n"
        "序号,企业名称 ,统一社会信用代码,法定代表人,注册地址,联系电话,所属旗县区\n"
        f"1, 测试恒信物业服务有限公司 ,{CODE_A.lower()},张测一  ,临河区新华街1号,０４７８－８０００００１,临河区\n"
        ",,,,,,\n"
        f"2,测试安居物业管理有限公司,{fullwidth_code},李测二,五原县隆兴昌镇2号,0478-5000002,１５０８２１\n"
        f"3,测试河套物业有限公司,{BAD_C},王测三,临河区解放街3号,0478-8000003,152801\n"
    )
    files = tiny_site()
    files["data/companies.csv"] = text.encode("gbk")
    source = write_site(tmp_path, files)
    from disclosure.problems import InputError

    # Row 7 (as the spreadsheet numbers it) has a wrong check character: the only error.
    with pytest.raises(InputError) as caught:
        load_inputs(source)
    errors = caught.value.problems.errors
    assert [(e.file, e.row, e.column) for e in errors] == [("data/companies.csv", 7, "统一社会信用代码")]

    # Fix it: the same sheet now loads with everything normalised.
    files["data/companies.csv"] = text.replace(BAD_C, CODE_C).encode("gbk")
    write_site(tmp_path, files)
    inputs = load_inputs(source)
    by_code = {c.code: c for c in inputs.catalog.companies}
    assert by_code[CODE_A].name == "测试恒信物业服务有限公司"
    assert by_code[CODE_A].legal_rep == "张测一"
    assert by_code[CODE_A].phone == "0478-8000001"
    assert by_code[CODE_B].district == "150821"
    assert by_code[CODE_C].district == "150802"  # the legacy 巴彦淖尔盟 code maps to 临河区


def _xlsx(path, rows, sheet_title="Sheet1", extra_sheet=None):
    book = openpyxl.Workbook()
    if extra_sheet:
        book.active.title = "说明"
        book.active.append(["本工作簿第一个工作表是说明"])
        sheet = book.create_sheet(extra_sheet)
    else:
        sheet = book.active
        sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    book.save(path)


def _rating_rows(year):
    header = ["年度", "企业名称", "统一社会信用代码", "得分", "等级", "红黑榜", "列入原因", "决定文号", "列入日期", "到期日期"]
    return [
        [f"{year}年度物业服务企业信用评价结果"],
        header,
        [year, "测试恒信物业服务有限公司", CODE_A, 93, "AAA", "红榜", None, None, None, None],
        [year, "测试安居物业管理有限公司", CODE_B, 58.5, "C", "黑榜", "未按规定公示收费项目", "测住建信〔2026〕3号",
         dt.datetime(2026, 3, 1), dt.datetime(2027, 3, 1)],
        [None] * 10,
        [year, "测试河套物业有限公司", CODE_C, 75, "A", None, None, None, None, None],
    ]


def test_xlsx_first_sheet_with_title_row_and_excel_dates(tmp_path):
    files = tiny_site()
    del files["data/ratings/2025.csv"]
    source = write_site(tmp_path, files)
    _xlsx(source / "data/ratings/2025.xlsx", _rating_rows(2025))
    output = build_site(source, as_of=AS_OF)
    page = (output / "credit/2025/index.html").read_text("utf-8")
    assert "未按规定公示收费项目" in page
    assert "2026-03-01 至 2027-03-01" in page
    assert "58.5" in page


def test_xlsx_named_sheet_from_settings(tmp_path):
    files = tiny_site()
    del files["data/ratings/2025.csv"]
    files["site.yaml"] += "sheets:\n  '2025': 评价结果\n"
    source = write_site(tmp_path, files)
    _xlsx(source / "data/ratings/2025.xlsx", _rating_rows(2025), extra_sheet="评价结果")
    inputs = load_inputs(source)
    assert sorted(r.grade for r in inputs.catalog.ratings if r.year == 2025) == ["A", "AAA", "C"]


def test_missing_named_sheet_is_reported(tmp_path):
    files = tiny_site()
    del files["data/ratings/2025.csv"]
    files["site.yaml"] += "sheets:\n  '2025': 不存在的表\n"
    source = write_site(tmp_path, files)
    _xlsx(source / "data/ratings/2025.xlsx", _rating_rows(2025))
    from disclosure.problems import InputError

    with pytest.raises(InputError) as caught:
        load_inputs(source)
    [error] = caught.value.problems.errors
    assert error.file == "data/ratings/2025.xlsx"
    assert "找不到工作表" in error.message and error.value == "不存在的表"
    assert "Sheet1" in error.expected


def test_english_headers_and_yaml_companies(tmp_path):
    files = tiny_site()
    del files["data/companies.csv"]
    files["data/companies.yaml"] = (
        f"- {{name: 测试恒信物业服务有限公司, code: '{CODE_A}', legal_rep: 张测一, address: 临河区新华街1号,"
        " phone: 0478-8000001, district: 临河区}\n"
        f"- {{name: 测试安居物业管理有限公司, code: '{CODE_B}', legal_rep: 李测二, address: 五原县2号,"
        " phone: 0478-5000002, district: 五原县}\n"
        f"- {{name: 测试河套物业有限公司, code: '{CODE_C}', legal_rep: 王测三,"
        " address: 临河区3号, phone: 0478-8000003, district: 临河区}\n"
    )
    output = build_site(write_site(tmp_path, files), as_of=AS_OF)
    assert companies_json(output)[CODE_B]["legal_rep"] == "李测二"


def test_csv_title_line_without_commas(tmp_path):
    files = tiny_site()
    files["data/companies.csv"] = "物业服务企业名录（2025年）\n" + COMPANIES
    inputs = load_inputs(write_site(tmp_path, files))
    assert len(inputs.catalog.companies) == 3


def test_the_minimal_staff_headers_of_the_issue_load(tmp_path):
    """Exactly the Chinese headers staff spreadsheets are promised to need, nothing more."""
    files = tiny_site()
    files["data/companies.csv"] = "企业名称,统一社会信用代码,法定代表人,注册地址,联系电话,所属旗县区\n" + "\n".join(
        ",".join(line.split(",")[:6]) for line in COMPANIES.splitlines()[1:]) + "\n"
    files["data/communities.csv"] = (
        "项目名称,所属旗县区,街道(乡镇),地址,物业服务企业,管理方式,房屋类型,户数,建筑面积,物业费标准 (元/平方米·月),业主委员会\n"
        f"锦绣家园,临河区,新华街道,新华西街10号,{CODE_A},专业化物业服务,高层,320,28000,1.5,业主委员会\n"
        "水利局家属楼,五原县,隆兴昌镇,利民街8号,,无物业,多层,24,1800,,无\n"
    )
    files["data/ratings/2025.csv"] = "年度,企业名称,统一社会信用代码,得分,等级,红黑榜,列入原因\n" + "\n".join(
        ",".join(line.split(",")[:7]) for line in RATINGS_2025.splitlines()[1:] if "黑榜" not in line) + "\n"
    files["data/ratings/2024.csv"] = files["data/ratings/2025.csv"].replace("2025,", "2024,")
    files["data/ratings/2024.csv"] = files["data/ratings/2024.csv"].replace(",93,AAA,红榜", ",85,AA,")
    output = build_site(write_site(tmp_path, files), as_of=AS_OF)
    page = (output / "communities/150802-jinxiujiayuan/index.html").read_text("utf-8")
    assert "测试恒信物业服务有限公司" in page and "1.50" in page


def test_a_row_cleaned_at_once_equals_each_cell_cleaned():
    """text.clean_texts cleans a row in one pass; it must give clean_text's result for every cell,
    whatever white space, byte-order marks or NULs (the separator it joins with) the cells hold."""
    import random

    from disclosure.text import clean_text, clean_texts

    pieces = ["甲", "a", " ", "\t", "\n", "\r", "\u3000", "\u00a0", "\u2003", "\ufeff", "\x00", "\x1f", "\x85", "_"]
    rng = random.Random(16)
    rows = [["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(0, 6))]
            for _ in range(20_000)]
    rows += [[], [""], [" 测试恒信物业 ", "\u3000张测一\u3000\u3000", "临河区  新华街\ufeff1号"], ["a\x00b", " c "]]
    assert all(clean_texts(row) == [clean_text(v) for v in row] for row in rows)
    assert clean_texts([" 测试 ", "\u3000二\u3000 号"]) == ["测试", "二 号"]
    assert clean_texts(["a\x00 b", " c"]) == ["a\x00 b", "c"]  # a NUL in a value: cell by cell
    assert clean_texts([None, 12, " x "]) == ["", "12", "x"]  # not strings: cell by cell
