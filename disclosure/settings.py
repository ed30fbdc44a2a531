"""site.yaml: the site's settings, every one documented by its help text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from .options import parse, setting
from .problems import Problems


@dataclass(frozen=True, kw_only=True)
class Footer:
    organiser: str = setting("主办单位，如 巴彦淖尔市住房和城乡建设局")
    site_id_code: str = setting("网站标识码（10 位：6 位区划代码 + 4 位数字）")
    icp: str = setting("ICP 备案号，如 蒙ICP备10201004号-5")
    icp_url: str = setting("ICP 备案号链接", "https://beian.miit.gov.cn/")
    police_record: str = setting("公安机关备案号（数字部分），如 15081599004-00001")
    police_record_url: str = setting("公安机关备案号链接", "https://beian.mps.gov.cn/")
    phone: str = setting("联系电话，如 0478-8731060")
    email: str = setting("联系邮箱")
    address: str = setting("办公地址", "")


@dataclass(frozen=True, kw_only=True)
class Grade:
    name: str = setting("等级名称，如 AAA")
    min_score: float = setting("该等级的最低分（含）")


@dataclass(frozen=True, kw_only=True)
class RatingYear:
    year: int = setting("评价年度（日历年），如 2025")
    published: dt.date = setting("结果公布日期，如 2026-02-27")
    document_number: str = setting("公布文件的文号，如 巴住建发〔2026〕8号")
    title: str = setting("公布文件标题", "")


@dataclass(frozen=True, kw_only=True)
class Credit:
    score_min: float = setting("得分下限", 0.0)
    score_max: float = setting("得分上限", 100.0)
    grades: list[Grade] = setting("信用等级及分数线，从高到低排列")
    red_list_grades: list[str] = setting("列入红榜的等级")
    black_list_grades: list[str] = setting("列入黑榜的等级（严重失信者不论等级亦可列入黑榜）")
    min_listing_months: int = setting("黑榜最短公示期（月），期满后方可申请信用修复", 6)
    max_listing_months: int = setting("黑榜最长公示期（月），到期自动移出", 36)
    years: list[RatingYear] = setting("各年度评价结果的公布日期与文号", [])


@dataclass(frozen=True, kw_only=True)
class Settings:
    title: str = setting("网站名称")
    organiser: str = setting("主办单位（页头、公示栏显示）")
    domain: str = setting("网站域名（SiteDomain 元数据），如 zjj.bynr.gov.cn")
    base_url: str = setting("网站根地址，可含子路径，如 https://zjj.bynr.gov.cn/wyfw/", "/")
    city_code: str = setting("本市行政区划代码", "150800")
    demo_banner: bool = setting("是否在每页顶部显示“演示数据”提示", False)
    hotline: str = setting("投诉热线", "12345")
    bureau_phone: str = setting("住建局物业监管科电话")
    theme: str | None = setting("自定义主题目录（相对站点目录），其中模板优先于默认主题", None)
    per_page: int = setting("列表每页条数", 30)
    sheets: dict[str, str] = setting(
        "Excel 文件读取哪个工作表：文件名（不含扩展名）→ 工作表名；未列出的读第一个工作表", {}
    )
    footer: Footer = setting("页脚信息（政府网站规范要求）")
    credit: Credit = setting("信用评价方案")


SITE_FILE = "site.yaml"


def load_settings(source: Path, problems: Problems) -> Settings | None:
    path = source / SITE_FILE
    if not path.exists():
        problems.error(SITE_FILE, f"找不到站点设置文件 {path}")
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.error(SITE_FILE, f"无法读取 YAML：{exc}")
        return None
    settings = parse(Settings, data, "", SITE_FILE, problems)
    if settings is not None:
        _check_credit(settings.credit, problems)
    return settings


def _check_credit(credit: Credit, problems: Problems) -> None:
    names = [g.name for g in credit.grades]
    scores = [g.min_score for g in credit.grades]
    if scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores):
        problems.error(SITE_FILE, "credit.grades 应从高到低排列，分数线逐级递减", value=str(scores))
    for key in ("red_list_grades", "black_list_grades"):
        for name in getattr(credit, key):
            if name not in names:
                problems.error(SITE_FILE, f"credit.{key} 中的等级未在 credit.grades 中定义", value=name,
                               expected="、".join(names))
    both = set(credit.red_list_grades) & set(credit.black_list_grades)
    if both:
        problems.error(SITE_FILE, "同一等级不能既入红榜又入黑榜", value="、".join(sorted(both)))
    if credit.min_listing_months > credit.max_listing_months:
        problems.error(SITE_FILE, "credit.min_listing_months 不能大于 max_listing_months")
