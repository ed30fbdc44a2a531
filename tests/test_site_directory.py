"""The company directory: pinyin order, pagination, and a static page per filter value."""

from __future__ import annotations

import datetime as dt
import json
import re

from conftest import CODE_A, CODE_B, CODE_C, build_site, tiny_site, write_site

AS_OF = dt.date(2026, 6, 1)  # after the 2025 results were published (2026-02-27)


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]*companies/[0-9A-Z]{18}/">([^<]+)</a>', html)


def _build(tmp_path, **changes):
    files = {**tiny_site(), **changes}
    return build_site(write_site(tmp_path / "site", files), as_of=AS_OF)


def test_directory_is_in_pinyin_order_and_paginated(tmp_path):
    out = _build(tmp_path)  # per_page: 2
    first = (out / "companies/index.html").read_text(encoding="utf-8")
    second = (out / "companies/page/2/index.html").read_text(encoding="utf-8")
    # an(安居) < he(河套) < heng(恒信)
    assert _names(first) == ["测试安居物业管理有限公司", "测试河套物业有限公司"]
    assert _names(second) == ["测试恒信物业服务有限公司"]
    assert '<a href="../../../companies/page/2/">第 2 页</a>' not in second
    assert '<a href="../companies/page/2/">第 2 页</a>' in first
    assert "<title>物业服务企业名录（第 2 页）" in second


def test_each_district_grade_and_list_has_a_static_filtered_page(tmp_path):
    out = _build(tmp_path)

    def names(path: str) -> list[str]:
        return _names((out / path / "index.html").read_text(encoding="utf-8"))

    assert names("companies/district/150802") == ["测试河套物业有限公司", "测试恒信物业服务有限公司"]
    assert names("companies/district/150821") == ["测试安居物业管理有限公司"]
    assert names("companies/grade/aaa") == ["测试恒信物业服务有限公司"]
    assert names("companies/grade/a") == ["测试河套物业有限公司"]
    assert names("companies/grade/c") == ["测试安居物业管理有限公司"]
    assert names("companies/list/red") == ["测试恒信物业服务有限公司"]
    assert names("companies/list/black") == ["测试安居物业管理有限公司"]
    # Values no company has get no page and no link.
    assert not (out / "companies/grade/aa").exists()
    assert not (out / "companies/grade/none").exists()
    home = (out / "companies/index.html").read_text(encoding="utf-8")
    assert 'href="../companies/grade/aaa/">AAA（1）</a>' in home
    assert 'href="../companies/grade/aa/"' not in home
    chosen = (out / "companies/list/black/index.html").read_text(encoding="utf-8")
    assert 'href="../../../companies/list/black/" aria-current="page">黑榜（1）</a>' in chosen
    assert "<h1>物业服务企业名录：黑榜</h1>" in chosen
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.org/wyfw/companies/district/150821/" in sitemap


def test_unrated_companies_have_their_own_filter(tmp_path):
    out = _build(tmp_path, **{"data/ratings/2025.csv": tiny_site()["data/ratings/2025.csv"].replace(
        f"2025,测试河套物业有限公司,{CODE_C},75,A,,,,,,,,\n", "")})
    # 河套 keeps its 2024 AAA; nobody is unrated, so still no page
    assert not (out / "companies/grade/none").exists()
    out = _build(tmp_path / "again", **{
        "data/ratings/2024.csv": "年度,企业名称,统一社会信用代码,得分,等级\n"
                                 f"2024,测试恒信物业服务有限公司,{CODE_A},85,AA\n",
        "data/ratings/2025.csv": "年度,企业名称,统一社会信用代码,得分,等级\n"
                                 f"2025,测试恒信物业服务有限公司,{CODE_A},85,AA\n"})
    html = (out / "companies/grade/none/index.html").read_text(encoding="utf-8")
    assert _names(html) == ["测试安居物业管理有限公司", "测试河套物业有限公司"]
    assert "未评价" in html


def test_filter_data_for_the_instant_filter(tmp_path):
    out = _build(tmp_path)
    data = json.loads((out / "companies/filter.json").read_text(encoding="utf-8"))
    assert [d["code"] for d in data] == [CODE_B, CODE_C, CODE_A]
    assert data[0] == {"name": "测试安居物业管理有限公司", "code": CODE_B, "district": "150821",
                       "district_name": "五原县", "legal_rep": "李测二", "grade": "C", "list": "黑榜",
                       "communities": 0}
    page = (out / "companies/index.html").read_text(encoding="utf-8")
    assert 'data-source="../companies/filter.json"' in page
    assert '<form class="instant-filter" id="company-filter"' in page and " hidden>" in page  # shown by JS only


def test_data_fields_are_escaped_in_the_directory(tmp_path):
    companies = tiny_site()["data/companies.csv"].replace("李测二", "李<b>测</b>二")
    out = _build(tmp_path, **{"data/companies.csv": companies})
    for path in ("companies/index.html", "companies/district/150821/index.html", f"companies/{CODE_B}/index.html"):
        html = (out / path).read_text(encoding="utf-8")
        assert "李&lt;b&gt;测&lt;/b&gt;二" in html and "<b>测</b>" not in html


def test_a_district_with_many_communities_lists_its_streets_each_on_a_page(tmp_path, monkeypatch):
    from disclosure.sections import communities as community_section

    monkeypatch.setattr(community_section, "STREET_PAGES_OVER", 2)  # 临河区 gets four, 五原县 keeps one
    more = ("新村小区,临河区,新化街道,新化路1号,,无物业,单体楼,多层,12,900,,,无,,\n"
            "旧村小区,临河区,新化街道,新化路2号,,无物业,单体楼,多层,12,900,,,无,,\n")
    communities = tiny_site()["data/communities.csv"] + more
    out = _build(tmp_path, **{"data/communities.csv": communities})
    linhe = (out / "districts/150802/index.html").read_text(encoding="utf-8")
    index = (out / "communities/index.html").read_text(encoding="utf-8")
    # 新华街道 (xīn huá) and 新化街道 (xīn huà) are spelt alike without tones: the second in
    # pinyin order is numbered.
    streets = {"解放街道": "jiefangjiedao", "新华街道": "xinhuajiedao", "新化街道": "xinhuajiedao-2"}
    for name, segment in streets.items():
        assert f'<a href="../../districts/150802/{segment}/">{name}</a>' in linhe
        assert f'<a href="../districts/150802/{segment}/">{name}</a>' in index
    assert "<caption>临河区住宅小区</caption>" not in linhe
    links = re.compile(r'<a href="[./]*communities/([a-z0-9-]+)/">')
    assert not links.findall(linhe)
    on_streets = {}
    for name, segment in streets.items():
        page = (out / f"districts/150802/{segment}/index.html").read_text(encoding="utf-8")
        assert f"<h1>临河区{name}</h1>" in page and "aria-current" in page
        assert '<a href="../../../districts/150802/">临河区</a>' in page  # the way back, in the breadcrumb
        on_streets[name] = links.findall(page)
        if name == "新化街道":  # every row has this street: the table gives each community's address
            assert '<th scope="col">地址</th>' in page and "<td>新化路1号</td>" in page and "<td>新化街道</td>" not in page
    assert sorted(on_streets["新化街道"]) == ["150802-jiucunxiaoqu", "150802-xincunxiaoqu"]
    assert on_streets["新华街道"] == ["150802-jinxiujiayuan"] and on_streets["解放街道"] == ["150802-hetaomingzhuxiaoqu"]
    # Every community of the district is still one link away from its district's street list;
    # the index names no community of 临河区, but still names those of 五原县.
    assert {c for found in on_streets.values() for c in found} == {
        p.parent.name for p in out.glob("communities/150802-*/index.html")}
    assert not [c for c in links.findall(index) if c.startswith("150802-")]
    assert [c for c in links.findall(index) if c.startswith("150821-")] == ["150821-shuilijujiashulou"]
    wuyuan = (out / "districts/150821/index.html").read_text(encoding="utf-8")
    assert "<caption>五原县住宅小区</caption>" in wuyuan and not list(out.glob("districts/150821/*/index.html"))
    assert '<th scope="col">街道（乡镇）</th>' in wuyuan and "<td>隆兴昌镇</td>" in wuyuan
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert all(f"districts/150802/{segment}/</loc>" in sitemap for segment in streets.values())
