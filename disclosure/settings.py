"""site.yaml: the site's settings, every one documented by its help text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .options import parse, setting
from .problems import Problems

if TYPE_CHECKING:  # annotations only: coverage imports this module, so no import at run time
    from collections.abc import Iterable

    from .coverage import Coverage
    from .records import Community, Company, District


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
class Target:
    """One action-plan target; what counts is declared here so a new plan needs no code."""

    key: str = setting("指标编号（小写字母、数字、连字符），用作网页锚点和下载中的编号，如 professional-2025")
    title: str = setting("指标名称，如 专业化物业管理覆盖率")
    subject: str = setting("统计对象：communities（住宅小区）或 companies（物业服务企业）", "communities")
    measure: str = setting(
        "计算方法：share 为符合 count 条件的比例；average 为 average_of 字段按户数加权的平均值", "share"
    )
    among: dict[str, list[str]] = setting(
        "统计范围：字段 → 取值列表，如 {category: [新建小区]}；留空则统计全部小区（企业）", {}
    )
    count: dict[str, list[str]] = setting(
        "share 指标计入达标的条件：字段 → 取值列表，如 {mode: [专业化物业服务, 国有物业接管]}", {}
    )
    average_of: str = setting("average 指标求平均的数字字段，如 satisfaction（业主满意率）；未填写的小区视为未调查", "")
    min_percent: float = setting("目标值（%），达到或超过即为达标")
    deadline: dt.date = setting("完成期限，如 2025-12-31")
    districts: list[str] = setting("只考核这些旗县区（名称）；留空则考核全部旗县区和全市", [])
    basis: str = setting("依据（方案原文摘要），显示在指标说明中", "")


@dataclass(frozen=True, kw_only=True)
class Targets:
    plan: str = setting("行动方案名称，如 巴彦淖尔市住宅物业服务全覆盖提品质三年行动方案", "")
    document: str = setting("行动方案的印发文号或日期", "")
    indicators: list[Target] = setting("考核指标，每项一条；空列表则只显示统计数据", [])

    def district_report(self, district: District, communities: Iterable[Community], companies: Iterable[Company],
                        as_of: dt.date) -> Coverage:
        """Indicators of one district, for its page (the district template calls this)."""
        from .coverage import district_report  # the domain module imports settings: import late

        return district_report(self, district, communities, companies, as_of)


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
    targets: Targets = setting("行动方案考核指标（覆盖率、业主组织组建率、满意率等）及其期限", Targets())


SITE_FILE = "site.yaml"


BUNDLED_THEME = Path(__file__).resolve().parent.parent / "themes" / "default"


def theme_dirs(source: Path, settings: Settings) -> list[Path]:
    """Where templates and static files are looked up, first match wins: the site's own theme
    (``theme`` in site.yaml), then themes/default of the site folder, then the bundled one."""
    dirs = []
    if settings.theme:
        dirs.append((source / settings.theme).resolve())
    dirs += [(source / "themes" / "default").resolve(), BUNDLED_THEME]
    unique: list[Path] = []
    for d in dirs:
        if d not in unique and d.is_dir():
            unique.append(d)
    return unique


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
        _check_targets(settings.targets, problems)
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


_TARGET_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
TARGET_SUBJECTS = {"communities": "住宅小区", "companies": "物业服务企业"}
TARGET_MEASURES = ("share", "average")


def _check_targets(targets: Targets, problems: Problems) -> None:
    """Every field a target names must exist and every value be one the data may hold."""
    from .records import Community, Company  # the records do not need settings; keep this local
    from .schema import info

    datasets = {"communities": info(Community), "companies": info(Company)}
    seen: set[str] = set()
    for n, target in enumerate(targets.indicators, start=1):
        bad = _TargetError(problems, f"targets.indicators[{n}]（{target.title}）")

        if not _TARGET_KEY.match(target.key):
            bad("key 只能用小写字母、数字和连字符", target.key, "如 professional-2025")
        elif target.key in seen:
            bad("key 重复", target.key, "每项指标的 key 各不相同")
        seen.add(target.key)
        if target.subject not in TARGET_SUBJECTS:
            bad("subject 取值不对", target.subject, "、".join(TARGET_SUBJECTS))
            continue
        if target.measure not in TARGET_MEASURES:
            bad("measure 取值不对", target.measure, "、".join(TARGET_MEASURES))
            continue
        if not 0 <= target.min_percent <= 100:
            bad("min_percent 应在 0 到 100 之间", f"{target.min_percent:g}")
        dataset = datasets[target.subject]
        choices = {c.key: c for c in dataset.columns if c.enum}
        for part in ("among", "count"):
            for key, values in getattr(target, part).items():
                if key not in choices:
                    bad(f"{part} 中的字段不能用于统计", key, "、".join(choices))
                    continue
                for value in values:
                    if value not in choices[key].enum:
                        bad(f"{part}.{key} 中的取值不存在", value, "、".join(choices[key].enum))
        if target.measure == "share" and not target.count:
            bad("share 指标须写明 count（计入达标的条件）")
        if target.measure == "average":
            numbers = [c.key for c in dataset.columns if c.type in ("number", "integer")]
            if target.subject != "communities":
                bad("average 指标只能统计住宅小区（按户数加权）", target.subject, "communities")
            elif target.average_of not in numbers:
                bad("average_of 应为数字字段", target.average_of, "、".join(numbers))


@dataclass(frozen=True)
class _TargetError:
    """Reports a problem with one target, prefixed with where that target is in site.yaml."""

    problems: Problems
    where: str

    def __call__(self, message: str, value: str = "", expected: str = "") -> None:
        self.problems.error(SITE_FILE, f"{self.where}：{message}", value=value or None, expected=expected or None)
