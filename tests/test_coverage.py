"""Action-plan indicators on a tiny site whose answers are counted by hand.

The site has three districts: 临河区 (5 communities), 五原县 (2) and 磴口县 (none), and
targets chosen to sit on the boundaries (临河区 is at exactly 80% professional management).
"""

import datetime as dt
import json
import re
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from conftest import COMPANIES, build_site, tiny_site, write_site

from disclosure.coverage import Area, cut, evaluate
from disclosure.problems import InputError
from disclosure.records import Community
from disclosure.settings import Target

AS_OF = dt.date(2025, 6, 30)  # after the 2024 deadlines, before the 2025 ones

DISTRICTS = """\
- {code: "150802", name: 临河区, kind: 区}
- {code: "150821", name: 五原县, kind: 县}
- {code: "150822", name: 磴口县, kind: 县}
"""

# 户数 and 业主满意率 matter for the satisfaction average: (90×100 + 70×300) / 400 = 75.
COMMUNITIES = """\
项目名称,所属旗县区,街道(乡镇),地址,物业服务企业,管理方式,小区类型,房屋类型,户数,建筑面积,物业费标准,服务等级,业主委员会,业主满意率
锦绣家园,临河区,新华街道,新华西街10号,测试恒信物业服务有限公司,专业化物业服务,新建小区,高层,100,28000,1.5,二级,业主委员会,90
河套明珠,临河区,解放街道,解放路5号,测试河套物业有限公司,专业化物业服务,老旧小区（已改造）,多层,300,15000,0.5,三级,物业管理委员会,70
金川花园,临河区,金川街道,金川路1号,测试河套物业有限公司,国有物业接管,既有小区,多层,200,16000,0.6,三级,业主委员会,
团结小区,临河区,团结街道,团结路2号,测试恒信物业服务有限公司,专业化物业服务,新建小区,高层,150,12000,1.2,二级,无,
车站家属院,临河区,车站街道,车站路3号,,社区托管,老旧小区（已改造）,多层,50,3000,,,无,
水利局家属楼,五原县,隆兴昌镇,利民街8号,,无物业,单体楼,多层,24,1800,,,无,
隆兴花园,五原县,隆兴昌镇,隆兴路9号,测试安居物业管理有限公司,专业化物业服务,新建小区,多层,120,9000,0.8,三级,业主委员会,
"""

PRO = "{mode: [专业化物业服务, 国有物业接管]}"
TARGETS = f"""\
targets:
  plan: 测试行动方案
  indicators:
    - {{key: professional, title: 专业化物业管理覆盖率, count: {PRO}, min_percent: 80, deadline: 2025-12-31}}
    - {{key: professional-strict, title: 严格专业化覆盖率, count: {PRO}, min_percent: 80.1, deadline: 2025-12-31}}
    - key: linhe-coverage
      title: 临河区物业管理覆盖率
      count: {{mode: [专业化物业服务, 国有物业接管, 社区托管, 社会组织代管, 业主自治]}}
      min_percent: 100
      deadline: 2024-12-31
      districts: [临河区]
    - {{key: new-professional, title: 新建小区专业化覆盖率, among: {{category: [新建小区]}}, count: {PRO},
       min_percent: 100, deadline: 2025-12-31}}
    - {{key: renovated-professional, title: 改造老旧小区专业化覆盖率, among: {{category: [老旧小区（已改造）]}},
       count: {PRO}, min_percent: 100, deadline: 2025-12-31}}
    - {{key: committee, title: 业主组织组建率, count: {{committee: [业主委员会, 物业管理委员会]}}, min_percent: 75,
       deadline: 2024-12-31}}
    - {{key: satisfaction, title: 业主满意率, measure: average, average_of: satisfaction, min_percent: 80,
       deadline: 2025-12-31}}
    - {{key: party, title: 企业党建覆盖率, subject: companies, count: {{party: [独立党组织, 联合党支部, 党建指导员]}},
       min_percent: 100, deadline: 2025-12-31}}
"""


def coverage_site(root: Path, targets: str = TARGETS) -> Path:
    files = tiny_site()
    files["site.yaml"] = files["site.yaml"] + targets
    files["data/districts.yaml"] = DISTRICTS
    files["data/communities.csv"] = COMMUNITIES
    files["data/companies.csv"] = COMPANIES.replace(",独立党组织", ",无")  # 河套物业 (临河区) has none
    return write_site(root, files)


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return build_site(coverage_site(tmp_path_factory.mktemp("coverage") / "site"), as_of=AS_OF)


@pytest.fixture(scope="module")
def indicators(output) -> dict[tuple[str, str], dict]:
    rows = json.loads((output / "downloads/indicators.json").read_text("utf-8"))
    return {(r["key"], r["area"]): r for r in rows}


def test_professional_coverage_per_district_and_city(indicators):
    # 临河区 4 of 5 (锦绣、河套、金川、团结) is exactly 80%: met at the boundary.
    assert indicators["professional", "临河区"] == {
        "key": "professional", "title": "专业化物业管理覆盖率", "area": "临河区", "area_code": "150802",
        "total": 5, "count": 4, "value": 80.0, "target": 80.0, "deadline": "2025-12-31", "status": "达标", "gap": 0}
    wuyuan = indicators["professional", "五原县"]
    assert (wuyuan["count"], wuyuan["total"], wuyuan["value"], wuyuan["status"], wuyuan["gap"]) == (1, 2, 50.0, "未达标", 1)
    city = indicators["professional", "全市"]  # 5 of 7 = 71.43%; 80% of 7 needs 6
    assert (city["count"], city["total"], city["value"], city["status"], city["gap"]) == (5, 7, 71.4, "未达标", 1)
    assert city["area_code"] == "150800"


def test_district_with_no_communities_has_no_figure_rather_than_zero(indicators):
    empty = indicators["professional", "磴口县"]
    assert (empty["total"], empty["count"], empty["value"], empty["status"], empty["gap"]) == (0, 0, "", "暂无数据", "")


def test_the_other_side_of_the_boundary_is_not_met(indicators):
    linhe = indicators["professional-strict", "临河区"]  # 80% against 80.1%: one more community needed
    assert (linhe["value"], linhe["status"], linhe["gap"]) == (80.0, "未达标", 1)


def test_new_and_renovated_communities_are_counted_among_their_own_category(indicators):
    assert [indicators["new-professional", a]["count"] for a in ("临河区", "五原县", "全市")] == [2, 1, 3]
    assert indicators["new-professional", "全市"]["status"] == "达标"
    assert indicators["new-professional", "磴口县"]["total"] == 0
    renovated = indicators["renovated-professional", "临河区"]  # 河套明珠 yes, 车站家属院 (社区托管) no
    assert (renovated["count"], renovated["total"], renovated["value"], renovated["gap"]) == (1, 2, 50.0, 1)


def test_committee_formation_counts_both_kinds_of_owners_organisation(indicators):
    linhe = indicators["committee", "临河区"]  # 业主委员会 ×2 + 物业管理委员会 ×1 of 5; 75% of 5 needs 4
    assert (linhe["count"], linhe["value"], linhe["status"], linhe["gap"]) == (3, 60.0, "未达标", 1)
    city = indicators["committee", "全市"]  # 4 of 7 = 57.14%; 75% of 7 needs 6
    assert (city["count"], city["value"], city["gap"]) == (4, 57.1, 2)


def test_satisfaction_is_household_weighted_and_a_district_never_surveyed_has_no_data(indicators):
    linhe = indicators["satisfaction", "临河区"]
    assert (linhe["count"], linhe["total"], linhe["value"], linhe["status"], linhe["gap"]) == (2, 5, 75.0, "未达标", "")
    wuyuan = indicators["satisfaction", "五原县"]
    assert (wuyuan["count"], wuyuan["value"], wuyuan["status"]) == (0, "", "暂无数据")


def test_a_district_target_is_measured_only_in_that_district(indicators):
    assert [area for key, area in indicators if key == "linhe-coverage"] == ["临河区"]
    assert indicators["linhe-coverage", "临河区"]["status"] == "达标"  # 社区托管 counts as managed


def test_party_building_counts_companies_by_registered_district(indicators):
    linhe = indicators["party", "临河区"]  # 恒信 联合党支部, 河套 无
    assert (linhe["count"], linhe["total"], linhe["status"], linhe["gap"]) == (1, 2, "未达标", 1)
    assert indicators["party", "五原县"]["status"] == "达标"
    assert indicators["party", "磴口县"]["total"] == 0


def test_met_flag_is_exact_at_the_boundary():
    def area(*modes: str) -> Area:
        records = tuple(Community(mode=m, households=10) for m in modes)
        return Area("150802", "临河区", records, ())

    target = Target(key="p", title="p", count={"mode": ("专业化物业服务",)}, min_percent=80.0,
                    deadline=dt.date(2025, 12, 31))
    assert evaluate(target, area(*["专业化物业服务"] * 4, "无物业")).met is True
    three_of_four = evaluate(target, area(*["专业化物业服务"] * 3, "无物业"))
    assert (three_of_four.met, three_of_four.gap) == (False, 1)
    # 2 of 3 is 66.666…%: shown cut to 66.6, never rounded up.
    assert evaluate(target, area("专业化物业服务", "专业化物业服务", "无物业")).shown == "66.6%"
    assert cut(Fraction(7999, 100)) == "79.9" and cut(Fraction(80)) == "80.0"
    avg = Target(key="s", title="s", measure="average", average_of="satisfaction", min_percent=80.0,
                 deadline=dt.date(2025, 12, 31))
    at_target = Area("1", "x", (Community(satisfaction=80.0, households=3), Community(satisfaction=80.0, households=1)), ())
    just_under = Area("1", "x", (Community(satisfaction=80.0, households=3), Community(satisfaction=79.9, households=1)), ())
    assert evaluate(avg, at_target).met is True
    assert (evaluate(avg, just_under).met, evaluate(avg, just_under).below) == (False, 1)


def _svg(html: str, key: str) -> str:
    match = re.search(rf'<svg[^>]*aria-labelledby="chart-{key}-title.*?</svg>', html, re.S)
    assert match, key
    return match.group(0)


def test_chart_bars_and_target_line_carry_the_figures(output):
    html = (output / "coverage/index.html").read_text("utf-8")
    svg = _svg(html, "professional")
    assert 'role="img"' in svg
    # Bars are 380 units at 100%; the bar area starts at x=130.
    widths = re.findall(r'<rect x="130" y="\d+" width="([\d.]+)"', svg)
    assert widths == ["304.0", "190.0", "0.0", "271.4"]  # 临河区 80%, 五原县 50%, 磴口县 none, 全市 71.43%
    assert re.findall(r'<line x1="([\d.]+)"', svg) == ["434.0"]  # the 80% target line
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", svg)
    assert labels == ["目标 80%", "临河区", "80.0% 达标", "五原县", "50.0% 未达标", "磴口县", "无统计对象",
                      "全市", "71.4% 未达标"]
    desc = re.search(r"<desc[^>]*>([^<]+)</desc>", svg).group(1)
    assert "临河区 80.0%，达标" in desc and "五原县 50.0%，未达标，还需 1 个小区" in desc
    assert "全市 71.4%，未达标，还需 1 个小区" in desc
    # The data table beside the chart holds the same figures.
    section = html[html.index('id="professional"'):html.index('id="professional-strict"')]
    assert re.search(r"五原县</th><td>2</td><td>1</td><td>50.0%</td>", section)


def test_overview_shows_deadlines_passed_and_gaps_in_words(output):
    html = (output / "coverage/index.html").read_text("utf-8")
    overview = html[html.index("各项指标全市完成情况"):html.index("</table>", html.index("各项指标全市完成情况"))]
    committee = overview[overview.index("业主组织组建率"):]
    committee = committee[:committee.index("</tr>")]
    assert "2024年12月31日（已到期）" in committee and "还需 2 个小区" in committee and "未达标" in committee
    professional = overview[overview.index(">专业化物业管理覆盖率<"):]
    assert "（已到期）" not in professional[:professional.index("</tr>")]
    party = overview[overview.index("企业党建覆盖率"):]
    assert "还需 1 家企业" in party[:party.index("</tr>")]


def test_district_pages_show_their_own_indicators(output):
    linhe = (output / "districts/150802/index.html").read_text("utf-8")
    assert "临河区物业管理覆盖率" in linhe and "downloads/ledger/150802.xlsx" in linhe
    wuyuan = (output / "districts/150821/index.html").read_text("utf-8")
    assert "临河区物业管理覆盖率" not in wuyuan  # a target for another district
    row = wuyuan[wuyuan.index("专业化物业管理覆盖率"):]
    row = row[:row.index("</tr>")]
    assert "50.0%" in row and "还需 1 个小区" in row
    dengkou = (output / "districts/150822/index.html").read_text("utf-8")
    assert "无统计对象" in dengkou


def test_ledgers_list_each_community_with_what_it_counts_for(output):
    book = openpyxl.load_workbook(output / "downloads/ledger/150802.xlsx", read_only=True)
    rows = list(book["台账"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 5
    assert header[:3] == ("项目编号", "项目名称", "所属旗县区")
    by_name = {r[header.index("项目名称")]: r for r in body}
    flag = header.index("计入：专业化物业管理覆盖率")
    assert by_name["金川花园"][flag] == "是" and by_name["车站家属院"][flag] == "否"
    assert by_name["金川花园"][header.index("计入：新建小区专业化覆盖率")] == "不在统计范围"
    assert by_name["锦绣家园"][header.index("业主满意率（%）")] == 90
    summary = list(book["指标"].iter_rows(values_only=True))
    assert summary[1][:8] == ("专业化物业管理覆盖率", 5, 4, 80.0, 80.0, "2025-12-31", "达标", 0)
    wuyuan = openpyxl.load_workbook(output / "downloads/ledger/150821.xlsx", read_only=True)
    header, *body = list(wuyuan["台账"].iter_rows(values_only=True))
    assert {r[header.index("计入：临河区物业管理覆盖率")] for r in body} == {"不考核"}
    city = openpyxl.load_workbook(output / "downloads/ledger/150800.xlsx", read_only=True)
    assert len(list(city["台账"].iter_rows(values_only=True))) == 1 + 7
    empty = openpyxl.load_workbook(output / "downloads/ledger/150822.xlsx", read_only=True)
    assert len(list(empty["台账"].iter_rows(values_only=True))) == 1  # the header only


@pytest.mark.parametrize("targets, message", [
    ("targets:\n  indicators:\n    - {key: x, title: 甲, count: {colour: [红]}, min_percent: 80, deadline: 2025-12-31}\n",
     "count 中的字段不能用于统计"),
    ("targets:\n  indicators:\n    - {key: x, title: 甲, count: {mode: [物业全包]}, min_percent: 80, deadline: 2025-12-31}\n",
     "count.mode 中的取值不存在"),
    ("targets:\n  indicators:\n    - {key: x, title: 甲, count: {mode: [无物业]}, min_percent: 180, deadline: 2025-12-31}\n",
     "min_percent 应在 0 到 100 之间"),
    ("targets:\n  indicators:\n    - {key: x, title: 甲, measure: average, average_of: mode, min_percent: 80, "
     "deadline: 2025-12-31}\n", "average_of 应为数字字段"),
    ("targets:\n  indicators:\n    - {key: x, title: 甲, count: {mode: [无物业]}, min_percent: 80, deadline: 2025-12-31,"
     " districts: [临和区]}\n", "districts 中的旗县区不存在"),
    ("targets:\n  indicatros: []\n", "是否想写“indicators”"),
])
def test_a_wrong_target_stops_the_build_and_says_what_is_wrong(tmp_path, targets, message):
    source = coverage_site(tmp_path / "site", targets)
    with pytest.raises(InputError) as raised:
        build_site(source, as_of=AS_OF)
    described = [p.describe() for p in raised.value.problems.errors]
    assert any(message in d for d in described), described
    assert not (source / "output").exists()


def test_without_targets_the_page_still_shows_the_counts(tmp_path):
    output = build_site(coverage_site(tmp_path / "site", ""), as_of=AS_OF)
    html = (output / "coverage/index.html").read_text("utf-8")
    assert "尚未设置考核指标" in html and "<svg" not in html
    modes = html[html.index("住宅小区管理方式"):]
    assert re.search(r"临河区</th><td>3</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>5</td>", modes)
    assert json.loads((output / "downloads/indicators.json").read_text("utf-8")) == []
