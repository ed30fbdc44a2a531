"""Reference prices: notices in YAML and sheet form, their checks, the notice in force, verdicts,
the pages per notice with their changes, community verdicts and the downloads."""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from conftest import COMMUNITIES, PRICES, build_site, input_errors, tiny_site, write_site

from disclosure.build import load_inputs
from disclosure.prices import fee_verdict
from disclosure.problems import InputError

OLD_PRICES = """\
title: 测试市住宅物业服务区间参考价格（2023年版）
issuer: 测试市住房和城乡建设局
document_number: 测住建发〔2023〕4号
issued: 2023-03-01
effective: 2023-04-01
unit: 元/平方米·月
grade_order: 一级最高
rows:
  - {district: 全市, building_type: 多层, grade: 三级, min: 0.3, max: 0.7}
  - {district: 全市, building_type: 高层, grade: 二级, min: 1.2, max: 1.8}
  - {district: 全市, building_type: 别墅, grade: 二级, min: 2.0, max: 2.5}
addons:
  - {item: 电梯运行费, min: 0.1, max: 0.2}
  - {item: 二次供水加压费, min: 0.05, max: 0.1}
"""

SHEET = """\
巴彦淖尔市（测试）物业服务价格文件,,,,
标题,测试市住宅物业服务区间参考价格（2026年版）,,,
发布机关,测试市住房和城乡建设局,,,
文号,测住建发〔2026〕5号,,,
发布日期,2026年3月1日,,,
施行日期：2026-04-01,,,,
计价单位,元/平方米·月,,,
等级方向,一级最高,,,
,,,,
适用区域,房屋类型,服务等级,最低价（元/平方米·月）,最高价（元/平方米·月）
全市,多层,三级,０．５,0.9
全市,高层,二级,1.3,1.9
,,,,
附加项目,,,,
项目,最低价,最高价,说明
电梯运行费,0.1,0.3,按梯分摊
"""


errors_of = input_errors


def messages(errors):
    return [e.describe() for e in errors]


def read(output, path):
    return (output / path).read_text("utf-8")


# --- the verdict ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("fee", "kind", "difference"), [
    (0.6, "within", 0.0),  # equal to the minimum
    (0.9, "within", 0.0),  # equal to the maximum
    (0.75, "within", 0.0),
    (0.59, "below", 0.01),
    (0.91, "above", 0.01),
    (0.1 + 0.2 + 0.6, "within", 0.0),  # 0.9000000000000001 in floats is still the maximum
    (0.0, "below", 0.6),
])
def test_verdict_at_the_boundaries(fee, kind, difference):
    verdict = fee_verdict(fee, 0.6, 0.9)
    assert (verdict.kind, verdict.difference) == (kind, pytest.approx(difference))
    assert verdict.words.startswith({"within": "在参考区间内", "below": "低于参考区间", "above": "高于参考区间"}[kind])


# --- loading and checks --------------------------------------------------------------------------

def test_sheet_form_with_header_block_title_row_full_width_ragged_rows_and_addons(tmp_path):
    site = tiny_site()
    site["data/prices/2026-01.csv"] = SHEET
    inputs = load_inputs(write_site(tmp_path, site))
    notice = next(n for n in inputs.catalog.prices if n.id == "2026-01")
    header = notice.header
    assert (header.title, header.document_number, header.issued, header.effective) == (
        "测试市住宅物业服务区间参考价格（2026年版）", "测住建发〔2026〕5号", dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    assert [(r.district, r.building_type, r.grade, r.min, r.max, r.source.row) for r in notice.rows] == [
        ("全市", "多层", "三级", 0.5, 0.9, 11), ("全市", "高层", "二级", 1.3, 1.9, 12)]
    assert [(a.item, a.min, a.max, a.note, a.source.row) for a in notice.addons] == [
        ("电梯运行费", 0.1, 0.3, "按梯分摊", 16)]
    assert [n.id for n in inputs.catalog.prices] == ["2025-01", "2026-01"]  # ordered by effective date


def test_every_price_error_with_its_position(tmp_path):
    text = (PRICES.replace("min: 0.4, max: 0.8", "min: 0.9, max: 0.8")  # min > max, line 9
            .replace("effective: 2025-04-01", "effective: 2025-02-01")  # before the issue date
            .replace("addons:", "  - {district: 全市, building_type: 高层, grade: 二级, min: 1.0, max: 1.1}\n"
                                "  - {district: 全市, building_type: 平房, grade: 二级, min: 1.0, max: 1.1}\n"
                                "  - {district: 全市, building_type: 多层, grade: 六级, min: 1.0, max: 1.1}\n"
                                "  - {district: 全市, building_type: 多层, grade: 一级, min: 0, max: 1.1}\n"
                                "  - {district: 火星区, building_type: 多层, grade: 二级, min: 1, max: 1.1}\n"
                                "addons:"))
    errors = errors_of(tmp_path, {"data/prices/2025-01.yaml": text})
    found = {(e.file, e.row, e.message.split("（")[0]) for e in errors}
    shown = "data/prices/2025-01.yaml"
    assert found == {
        (shown, 9, "最低价高于最高价"),
        (shown, 5, "施行日期早于发布日期"),
        (shown, 12, "适用区域、房屋类型、服务等级重复"),
        (shown, 13, "不在允许的取值中"),  # building type 平房
        (shown, 14, "不在允许的取值中"),  # grade 六级
        (shown, 15, "小于下限 0.01"),  # not a positive amount
        (shown, 16, "不是本市的旗县区"),
    }, messages(errors)
    columns = {e.row: e.column for e in errors}
    assert (columns[13], columns[14], columns[15], columns[5]) == ("building_type", "grade", "min", "effective")


def test_sheet_errors_point_at_cells_and_missing_header_fields(tmp_path):
    text = (SHEET.replace("全市,高层,二级,1.3,1.9", "全市,高层,二级,1.9,1.3\n全市,多层,三级,0.6,0.8")
            .replace("文号,测住建发〔2026〕5号,,,\n", "").replace("电梯运行费,0.1", "电梯运行费,-1"))
    errors = errors_of(tmp_path, {"data/prices/2026-01.csv": text})
    found = {(e.row, e.column, e.message.split("（")[0]) for e in errors}
    assert found == {
        (None, None, "缺少文件信息“文号”"),
        (11, "最低价", "最低价高于最高价"),
        (12, None, "适用区域、房屋类型、服务等级重复"),
        (16, "最低价", "小于下限 0.01"),
    }, messages(errors)


def test_two_notices_in_force_from_one_day_and_bad_file_names(tmp_path):
    texts = messages(errors_of(tmp_path / "a", {"data/prices/2025-02.yaml": PRICES, "data/prices/check.yaml": PRICES,
                                                "data/prices/Old.yaml": PRICES}))
    assert len(texts) == 3, texts
    assert any(t.startswith("data/prices/2025-02.yaml:5: ") and "施行日期相同" in t for t in texts), texts
    assert any(t.startswith("data/prices/check.yaml") and "价格文件名只能用小写字母" in t for t in texts), texts
    assert any(t.startswith("data/prices/Old.yaml") and "价格文件名只能用小写字母" in t for t in texts), texts
    texts = messages(errors_of(tmp_path / "b", {"data/prices/2025-01.csv": SHEET}))
    assert sorted(t.split(":")[0] for t in texts) == ["data/prices/2025-01.csv", "data/prices/2025-01.yaml"], texts
    assert all("同一价格文件编号有多个文件" in t for t in texts), texts


def test_unknown_header_field_is_named(tmp_path):
    errors = errors_of(tmp_path, {"data/prices/2025-01.yaml": PRICES.replace("unit:", "units:")})
    found = {(e.column, e.message) for e in errors}
    assert ("units", "未知的文件信息字段") in found
    assert (None, "缺少文件信息“计价单位”") in found


def communities_with(extra_headers, values):
    """The tiny site's communities with extra columns; values by the start of a row."""
    lines = COMMUNITIES.strip("\n").split("\n")
    result = [lines[0] + "," + ",".join(extra_headers)]
    for line in lines[1:]:
        extra = next((v for start, v in values.items() if line.startswith(start)), [""] * len(extra_headers))
        result.append(line + "," + ",".join(extra))
    return "\n".join(result) + "\n"


def test_community_fee_columns_per_building_type(tmp_path):
    text = communities_with(["高层物业费", "多层物业费"], {"锦绣家园": ["1.6", "0.8"]})
    errors = errors_of(tmp_path, {"data/communities.csv": text})
    assert [(e.row, e.column) for e in errors] == [(2, "高层物业费")], messages(errors)
    assert "与“物业费标准”不一致" in errors[0].message


# --- pages -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_notices(tmp_path_factory):
    """A site with the 2023 and 2025 notices; a mixed community with a 多层 fee column too."""
    site = tiny_site()
    site["data/prices/2023-01.yaml"] = OLD_PRICES
    site["data/communities.csv"] = communities_with(["别墅物业费"], {"锦绣家园": ["2.6"]})
    return write_site(tmp_path_factory.mktemp("prices") / "site", site)


@pytest.mark.parametrize(("as_of", "in_force", "jinxiu", "hetao"), [
    (dt.date(2023, 2, 1), None, None, None),  # before the first notice was issued
    (dt.date(2024, 6, 1), "测住建发〔2023〕4号", "在参考区间内", "在参考区间内"),  # 0.50 in 0.30–0.70
    (dt.date(2026, 1, 1), "测住建发〔2025〕9号", "在参考区间内", "低于参考区间（比下限低 0.10 元）"),
])
def test_notice_in_force_by_as_of(two_notices, tmp_path, as_of, in_force, jinxiu, hetao):
    output = build_site(two_notices, output=tmp_path / "out", as_of=as_of)
    prices = read(output, "prices/index.html")
    jinxiu_page = read(output, "communities/150802-jinxiujiayuan/index.html")
    hetao_page = read(output, "communities/150802-hetaomingzhuxiaoqu/index.html")
    if in_force is None:
        assert "尚无施行中的参考价格文件" in prices
        assert "暂无现行的参考价格文件" in jinxiu_page
        assert not (output / "prices/2023-01/index.html").exists()  # not issued yet on that day
        return
    assert "现行文件：" in prices and in_force in prices.split("现行文件：")[1].split("</p>")[0]
    assert f"<strong>{jinxiu}</strong>" in jinxiu_page
    assert f"<strong>{hetao}</strong>" in hetao_page
    # The mixed community's 别墅 fee: 别墅 二级 is listed in 2023 (2.00–2.50) and dropped in 2025.
    assert "别墅：2.60 元/平方米·月" in jinxiu_page
    if as_of.year == 2024:
        assert "别墅二级：2.00–2.50 元/平方米·月（全市标准）；本小区 2.60 元，<strong>高于参考区间（比上限高 0.10 元）" \
            in jinxiu_page
    else:
        assert "别墅二级：现行文件未列出此类参考价格" in jinxiu_page


def test_communities_with_the_same_fee_each_get_the_range_of_their_own_district_and_grade(tmp_path):
    """The sections share one set of fee checks between communities with the same district,
    grade and fees; a community differing in district or grade must get its own."""
    from disclosure.pinyin import slug

    same_fee = [("同价甲小区", "临河区", "150802", "三级"),  # 临河区's own range 0.60–0.90
                ("同价乙小区", "五原县", "150821", "三级"),  # the city-wide range 0.40–0.80
                ("同价丙小区", "临河区", "150802", "二级")]  # 多层 二级 has no range in the notice
    rows = "".join(f"{name},{district},新华街道,新华西街20号,测试恒信物业服务有限公司,专业化物业服务,既有小区,"
                   f"多层,100,8000,0.85,{grade},无,,\n" for name, district, _, grade in same_fee)
    site = write_site(tmp_path / "site", {**tiny_site(), "data/communities.csv": COMMUNITIES + rows})
    output = build_site(site, output=tmp_path / "out", as_of=dt.date(2026, 1, 1))
    pages = {name: read(output, f"communities/{code}-{slug(name)}/index.html") for name, _, code, _ in same_fee}
    assert "多层三级：0.60–0.90" in pages["同价甲小区"] and "<strong>在参考区间内</strong>" in pages["同价甲小区"]
    assert "多层三级：0.40–0.80" in pages["同价乙小区"]
    assert "<strong>高于参考区间（比上限高 0.05 元）</strong>" in pages["同价乙小区"]
    assert "多层二级：现行文件未列出此类参考价格" in pages["同价丙小区"]


def test_notice_pages_history_and_changes(two_notices, tmp_path):
    output = build_site(two_notices, output=tmp_path / "out", as_of=dt.date(2025, 3, 15))
    prices = read(output, "prices/index.html")
    # Issued on 2025-03-01, in force from 2025-04-01: announced as coming, the 2023 one still applies.
    assert "即将施行" in prices and "测住建发〔2023〕4号" in prices.split("现行文件：")[1].split("</p>")[0]
    assert "尚未施行（2025年4月1日起施行）" in read(output, "prices/2025-01/index.html")
    output = build_site(two_notices, output=tmp_path / "out2", as_of=dt.date(2025, 5, 1))
    old = read(output, "prices/2023-01/index.html")
    assert "已废止（2025年4月1日起由测住建发〔2025〕9号替代）" in old and "这是本站收录的第一份价格文件" in old
    new = read(output, "prices/2025-01/index.html")
    changes = new.split('id="changes"')[1]
    assert "<td>全市</td><td>多层</td><td>三级</td><td>0.30–0.70</td><td>0.40–0.80</td><td>上调</td>" in changes
    assert "<td>全市</td><td>高层</td><td>二级</td><td>1.20–1.80</td><td>1.20–1.80</td><td>未变</td>" in changes
    assert "<td>全市</td><td>别墅</td><td>二级</td><td>2.00–2.50</td><td>无</td><td>取消</td>" in changes
    assert "<td>临河区</td><td>多层</td><td>三级</td><td>无</td><td>0.60–0.90</td><td>新增</td>" in changes
    assert "<td>电梯运行费</td><td>0.10–0.20</td><td>0.10–0.30</td><td>上调</td>" in changes
    assert "<td>二次供水加压费</td><td>0.05–0.10</td><td>无</td><td>取消</td>" in changes
    assert "共 5 项有变化" in changes


def test_downloads_read_back_as_the_same_notice(two_notices, tmp_path):
    output = build_site(two_notices, output=tmp_path / "out", as_of=dt.date(2025, 5, 1))
    raw = (output / "downloads/price-notice-2025-01.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    grid = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert grid[0] == ["标题", "测试市住宅物业服务区间参考价格", "", "", ""]
    assert ["临河区", "多层", "三级", "0.60", "0.90"] in grid
    data = json.loads(read(output, "downloads/price-notice-2025-01.json"))
    assert (data["document_number"], data["effective"], data["grade_order"]) == ("测住建发〔2025〕9号", "2025-04-01", "一级最高")
    assert {"district": "临河区", "district_code": "150802", "building_type": "多层", "grade": "三级",
            "min": 0.6, "max": 0.9} in data["rows"]
    assert data["addons"] == [{"item": "电梯运行费", "min": 0.1, "max": 0.3, "note": ""}]
    sheet = openpyxl.load_workbook(output / "downloads/price-notice-2025-01.xlsx").active
    assert [c.value for c in sheet[1]][:2] == ["标题", "测试市住宅物业服务区间参考价格"]
    # Staff can take a published notice as the start of the next one, in either sheet form.
    site = tiny_site()
    site.pop("data/prices/2025-01.yaml")
    site["data/prices/2025-01.csv"] = raw
    site["data/prices/2025-02.xlsx"] = (output / "downloads/price-notice-2025-01.xlsx").read_bytes()
    with pytest.raises(InputError) as caught:
        load_inputs(write_site(tmp_path / "again", site))
    errors = caught.value.problems.errors
    assert [e.message.split("，")[0] for e in errors] == ["与价格文件“2025-01”施行日期相同"], messages(errors)
    site.pop("data/prices/2025-02.xlsx")
    again = load_inputs(write_site(tmp_path / "again2", site)).catalog.prices[0]
    original = load_inputs(write_site(tmp_path / "orig", tiny_site())).catalog.prices[0]
    assert again.header.title == original.header.title and again.header.issued == original.header.issued
    assert [(r.district, r.building_type, r.grade, r.min, r.max) for r in again.rows] == \
        [(r.district, r.building_type, r.grade, r.min, r.max) for r in original.rows]
    assert [(a.item, a.min, a.max) for a in again.addons] == [(a.item, a.min, a.max) for a in original.addons]


def test_fee_check_page_without_javascript_has_the_table_and_how_to_read(site):
    output = build_site(site, as_of=dt.date(2026, 1, 1))
    page = read(output, "prices/check/index.html")
    assert '<form id="fee-form" class="fee-form" action="./" method="get" hidden' in page
    assert "如何查表" in page and "等于最低价或最高价都算在区间内" in page
    assert "<caption>临河区（元/平方米·月）</caption>" in page and "0.60–0.90" in page
    data = json.loads(page.split('<script type="application/json" id="fc-data">')[1].split("</script>")[0])
    assert ["150802", "多层", "三级", 0.6, 0.9] in data["rows"] and data["districts"]["150821"] == "五原县"


def test_data_is_escaped_on_price_pages(tmp_path):
    site = tiny_site()
    site["data/prices/2025-01.yaml"] = PRICES.replace("title: 测试市住宅物业服务区间参考价格",
                                                      "title: 价格</script><script>alert(1)</script>")
    output = build_site(write_site(tmp_path / "site", site), as_of=dt.date(2026, 1, 1))
    for path in ("prices/index.html", "prices/2025-01/index.html", "prices/check/index.html"):
        assert "<script>alert(1)" not in read(output, path), path


def test_grade_direction_mistakes_are_warned(tmp_path):
    site = tiny_site()
    site["data/prices/2025-01.yaml"] = PRICES.replace(
        "addons:", "  - {district: 全市, building_type: 多层, grade: 二级, min: 0.3, max: 0.7}\naddons:")
    inputs = load_inputs(write_site(tmp_path / "a", site))
    assert [(w.row, w.message) for w in inputs.problems.warnings] == [(12, "等级方向为“一级最高”，但二级的价格低于三级")]
    site["data/prices/2025-01.yaml"] = site["data/prices/2025-01.yaml"].replace("grade_order: 一级最高", "grade_order: 一级最低")
    assert load_inputs(write_site(tmp_path / "b", site)).problems.warnings == []
