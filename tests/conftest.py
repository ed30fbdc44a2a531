"""Shared helpers: build tiny sites from inline files in a temporary folder.

A test describes a site as {relative path: text or bytes}; ``tiny_site()`` gives a small but
complete valid one that tests change a file or two of.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from disclosure.build import BuildOptions, build
from disclosure.creditcode import check_character

# Debian's Chromium, never a downloaded browser; the flags keep it off the network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def credit_code(body17: str) -> str:
    return body17 + check_character(body17)


CODE_A = credit_code("91150802MA0N00001")  # 恒信物业
CODE_B = credit_code("91150821MA0N00002")  # 安居物业
CODE_C = credit_code("91150802MA0N00003")  # 河套物业

SITE_YAML = """\
title: 测试市物业服务信息公开平台
organiser: 测试市住房和城乡建设局
domain: example.org
base_url: https://example.org/wyfw/
demo_banner: true
bureau_phone: 0478-8731060
per_page: 2
footer:
  organiser: 测试市住房和城乡建设局
  site_id_code: "1508000008"
  icp: 蒙ICP备00000000号-1
  police_record: 15081599004-00001
  phone: 0478-8731060
  email: test@example.org
credit:
  grades:
    - {name: AAA, min_score: 90}
    - {name: AA, min_score: 80}
    - {name: A, min_score: 70}
    - {name: B, min_score: 60}
    - {name: C, min_score: 0}
  red_list_grades: [AAA]
  black_list_grades: [C]
  years:
    - {year: 2024, published: 2025-02-27, document_number: 测住建发〔2025〕1号, title: 2024年度结果}
    - {year: 2025, published: 2026-02-27, document_number: 测住建发〔2026〕2号, title: 2025年度结果}
"""

DISTRICTS = """\
- {code: "150802", name: 临河区, kind: 区, former_codes: "152801"}
- {code: "150821", name: 五原县, kind: 县, former_codes: "152822"}
"""

COMPANIES = f"""\
企业名称,统一社会信用代码,法定代表人,注册地址,联系电话,所属旗县区,党建情况
测试恒信物业服务有限公司,{CODE_A},张测一,临河区新华街1号,0478-8000001,临河区,联合党支部
测试安居物业管理有限公司,{CODE_B},李测二,五原县隆兴昌镇2号,0478-5000002,150821,党建指导员
测试河套物业有限公司,{CODE_C},王测三,临河区解放街3号,0478-8000003,临河区,独立党组织
"""

COMMUNITIES = """\
项目名称,所属旗县区,街道(乡镇),地址,物业服务企业,管理方式,小区类型,房屋类型,户数,建筑面积（平方米）,物业费标准（元/平方米·月）,服务等级,业主委员会,项目负责人,项目负责人电话
锦绣家园,临河区,新华街道,新华西街10号,测试恒信物业服务有限公司,专业化物业服务,新建小区,高层,320,28000,1.5,二级,业主委员会,赵经理,139****1234
河套明珠小区,临河区,解放街道,解放路5号,测试河套物业有限公司,专业化物业服务,老旧小区（已改造）,多层,180,15000,0.5,三级,物业管理委员会,钱经理,0478-8000100
水利局家属楼,五原县,隆兴昌镇,利民街8号,,无物业,单体楼,多层,24,1800,,,无,,
"""

RATINGS_2024 = f"""\
年度,企业名称,统一社会信用代码,得分,等级,红黑榜,列入原因,处理措施,决定文号,列入日期,到期日期,信用修复日期,修复决定文号
2024,测试恒信物业服务有限公司,{CODE_A},85,AA,,,,,,,,
2024,测试安居物业管理有限公司,{CODE_B},55,C,黑榜,擅自提高收费标准,责令整改,测住建信〔2025〕1号,2025-03-01,2026-03-01,,
2024,测试河套物业有限公司,{CODE_C},92,AAA,红榜,,,,,,,
"""

RATINGS_2025 = f"""\
年度,企业名称,统一社会信用代码,得分,等级,红黑榜,列入原因,处理措施,决定文号,列入日期,到期日期,信用修复日期,修复决定文号
2025,测试恒信物业服务有限公司,{CODE_A},93,AAA,红榜,,,,,,,
2025,测试安居物业管理有限公司,{CODE_B},58,C,黑榜,未按规定公示收费项目,通报批评,测住建信〔2026〕3号,2026-03-01,2027-03-01,,
2025,测试河套物业有限公司,{CODE_C},75,A,,,,,,,,
"""

PRICES = """\
title: 测试市住宅物业服务区间参考价格
issuer: 测试市住房和城乡建设局
document_number: 测住建发〔2025〕9号
issued: 2025-03-01
effective: 2025-04-01
unit: 元/平方米·月
grade_order: 一级最高
rows:
  - {district: 全市, building_type: 多层, grade: 三级, min: 0.4, max: 0.8}
  - {district: 全市, building_type: 高层, grade: 二级, min: 1.2, max: 1.8}
  - {district: 临河区, building_type: 多层, grade: 三级, min: 0.6, max: 0.9}
addons:
  - {item: 电梯运行费, min: 0.1, max: 0.3}
"""

NOTICE = """\
---
title: 关于公布2025年度信用评价结果的通知
date: 2026-02-27
source: 测试市住房和城乡建设局
document_number: 测住建发〔2026〕2号
---
各物业服务企业：现将 2025 年度信用评价结果予以公布。本通知内容为虚构演示。
"""

ABOUT = """\
---
title: 关于本站数据
---
本站数据均为虚构的演示数据。
"""


def tiny_site() -> dict[str, str | bytes]:
    return {
        "site.yaml": SITE_YAML,
        "data/districts.yaml": DISTRICTS,
        "data/companies.csv": COMPANIES,
        "data/communities.csv": COMMUNITIES,
        "data/ratings/2024.csv": RATINGS_2024,
        "data/ratings/2025.csv": RATINGS_2025,
        "data/prices/2025-01.yaml": PRICES,
        "content/notices/2026-credit.md": NOTICE,
        "content/about.md": ABOUT,
    }


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", tiny_site())


def input_errors(root: Path, changes: dict[str, str | bytes]) -> list:
    """The errors that stop load+validate of the tiny site with ``changes`` applied."""
    from disclosure.build import load_inputs
    from disclosure.problems import InputError

    files = tiny_site()
    files.update(changes)
    with pytest.raises(InputError) as caught:
        load_inputs(write_site(root, files))
    return caught.value.problems.errors


def build_site(source: Path, **options) -> Path:
    output = options.pop("output", source / "output")
    build(BuildOptions(source=source, output=output, **options))
    return output


@contextmanager
def served_tiny_site(folder: Path, as_of: dt.date, base_path: str = "/wyfw/") -> Iterator[str]:
    """The tiny site built on ``as_of`` and served on 127.0.0.1 below ``base_path``; yields its URL."""
    from browser.server import SiteServer

    output = build_site(write_site(folder / "site", tiny_site()), as_of=as_of)
    with SiteServer(output, base_path) as server:
        yield server.url
