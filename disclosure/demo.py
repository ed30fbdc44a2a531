"""Deterministic fictional demo data: a complete site folder, valid by construction.

    python -m disclosure.demo --out DIR [--companies 48 --communities 240 --years 3 --seed 2026]

Every company, community, person and figure is invented and meant to look it. The same
arguments always give byte-identical files; CSV headers come from the dataset declarations.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
from collections import Counter
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

from .credit import add_months
from .creditcode import ALPHABET, check_character
from .records import BUILDING_TYPES, COMPANY_MODES, SERVICE_GRADES, Community, Company, Rating
from .schema import info

LAST_YEAR = 2025
ORGANISER = "巴彦淖尔市住房和城乡建设局"
# code, name, kind, former (league) code, sub-districts or towns, weight among communities
DISTRICTS = (
    ("150802", "临河区", "区", "152801", "团结街道 车站街道 先锋街道 解放街道 新华街道 东环街道 铁南街道 西环街道 "
                                        "北环街道 金川街道 汇丰街道", 40),
    ("150821", "五原县", "县", "152822", "隆兴昌镇 塔尔湖镇 天吉泰镇", 10),
    ("150822", "磴口县", "县", "152823", "巴彦高勒镇 补隆淖镇", 10),
    ("150823", "乌拉特前旗", "旗", "152824", "乌拉山镇 西小召镇 白彦花镇", 10),
    ("150824", "乌拉特中旗", "旗", "152825", "海流图镇 乌加河镇", 10),
    ("150825", "乌拉特后旗", "旗", "152826", "巴音宝力格镇 潮格温都尔镇", 10),
    ("150826", "杭锦后旗", "旗", "152827", "陕坝镇 头道桥镇 蛮会镇", 10),
)
# Word pools, space separated.
BRANDS = ("恒信 安居 河套 祥和 金川 瑞丰 锦绣 华康 鑫源 宏达 泰和 嘉禾 福瑞 润泽 康宁 德顺 兴业 鸿运 丰泽 永安 绿洲 "
          "塞上 阴山 天骄 朔方 北辰 万家 和美 怡居 乐居 正通 众和 佳苑 盛泰 聚福 广厦 昌隆 春晖")
BRAND_FIRST = "恒安祥瑞锦华鑫宏泰嘉福润康德兴鸿丰永佳盛金银昌荣富利"  # with BRAND_SECOND, brand words by pairs
BRAND_SECOND = "信居和丰达源通宇顺昌泰成元茂隆辉业邦汇诚美安康瑞新宁"
COMPANY_SUFFIXES = "物业服务有限公司 物业管理有限责任公司 物业管理有限公司 物业服务有限责任公司"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡杜叶程苏魏吕丁任沈姚卢姜崔"
GIVEN = "建国军华平海明伟丽芳红霞强磊静敏燕杰涛斌鹏飞春秀英玉兰凤志文东宏新利刚勇峰辉俊晓亮林云雪梅娟波宇琴"
ROADS = "胜利路 新华街 五一街 解放路 团结路 建设路 光明路 利民街 长春路 朔方路 河套大街 富强路 文化路 民族街 和平路"
ESTATE_WORDS = ("锦绣 河套 金川 阳光 幸福 和谐 康居 富源 翠苑 龙城 御景 水岸 丽景 书香 世纪 新华 胜利 团结 朔方 阴山 "
                "黄河 绿洲 枫林 紫荆 玉兰 万和 盛世 鑫源 瑞祥 泰和 嘉禾 春晖 凤凰 天鹅 百合 金桂 银河 祥和 安泰 怡和")
ESTATE_SUFFIXES = "家园 小区 花园 新村 雅苑 佳苑 嘉园 华庭 名居 苑 公寓 新城 明珠小区 丽都 尚城 御府 东区 西区 南区"
UNITS = ("水利局 农机公司 粮食局 供销社 电业局 邮电局 交通局 林业局 畜牧局 卫生局 教育局 税务局 气象局 棉纺厂 糖厂 "
         "化肥厂 毛纺厂 运输公司 建筑公司 医药公司")
UNIT_SUFFIXES = "家属楼 住宅楼 宿舍楼"
# category, weight, building-type weights (多层, 小高层, 高层, 别墅), completed years, service grades
CATEGORY_SHAPES = (
    ("新建小区", 25, (3, 4, 4, 1), (2016, 2024), ("一级", "二级", "三级")),
    ("既有小区", 30, (5, 3, 2, 1), (2000, 2015), ("二级", "三级", "四级")),
    ("老旧小区（已改造）", 20, (1, 0, 0, 0), (1985, 1999), ("三级", "四级", "五级")),
    ("老旧小区（未改造）", 15, (1, 0, 0, 0), (1985, 1999), ("四级", "五级")),
    ("单体楼", 10, (4, 1, 0, 0), (1985, 2010), ("四级", "五级")),
)
# per building type: households min/max, floor area per household min/max (square metres)
HOUSEHOLDS = ((60, 900, 75, 120), (200, 1500, 85, 130), (300, 2400, 90, 140), (30, 300, 180, 320))
# mode, weight, what the service is
MODES = (
    ("专业化物业服务", 64, "公共区域每日保洁，绿化定期养护，24小时秩序维护，共用设施设备日常巡检维修。"),
    ("国有物业接管", 6, "由国有物业企业接管，提供保洁、绿化、秩序维护和共用设施维修等基础服务。"),
    ("社区托管", 9, "由社区居委会托管，提供基本保洁、垃圾清运和安全巡查。"),
    ("社会组织代管", 4, "由社会组织代为管理，提供楼道保洁、门卫值守和绿化养护。"),
    ("业主自治", 5, "业主自行管理，聘请保洁人员负责楼道清扫和垃圾清运。"),
    ("无物业", 12, "暂无物业服务，由社区组织开展环境卫生整治。"),
)
COMMITTEE_SHARES = (("业主委员会", 55), ("物业管理委员会", 25), ("无", 20))
PARTY = (("独立党组织", 2), ("联合党支部", 4), ("党建指导员", 3), ("无", 2))
# The first rows after one per district, so that every mode, category and committee value appears.
COVERAGE = (("新建小区", "专业化物业服务", "业主委员会"), ("既有小区", "国有物业接管", "物业管理委员会"),
            ("老旧小区（已改造）", "社区托管", "无"), ("老旧小区（未改造）", "无物业", "无"),
            ("单体楼", "业主自治", "无"), ("老旧小区（未改造）", "社会组织代管", "物业管理委员会"))
GRADES = (("AAA", 90), ("AA", 80), ("A", 70), ("B", 60), ("C", 0))
BREACHES = ("擅自提高收费标准", "未按规定公示收费项目", "未按合同约定履行维修养护义务", "消防设施长期失修且逾期未整改",
            "拒不配合主管部门监督检查", "未按规定移交物业管理资料", "违规收取装修押金拒不退还")
SERIOUS = ("严重失信：擅自撤离物业服务区域", "严重失信：挪用专项维修资金", "严重失信：拒不执行主管部门整改决定")
PENALTIES = ("列入失信名单，公示期内不得参加评优评先", "约谈企业主要负责人，责令限期整改",
             "列为重点监管对象，增加检查频次", "通报批评，责令限期整改并公开承诺")
# City-wide reference prices in fen per square metre a month, (min, max) for 一级 … 五级.
CITY_PRICES = (("多层", ((95, 120), (80, 100), (65, 85), (50, 70), (40, 55))),
               ("小高层", ((140, 175), (120, 150), (100, 130), (85, 110), (70, 95))),
               ("高层", ((170, 210), (145, 180), (120, 155), (100, 130), (85, 110))),
               ("别墅", ((200, 240), (175, 210), (150, 180), (130, 160), (110, 140))))
LINHE_TABLE = (("小高层", "高层"), ("一级", "二级", "三级"))  # the cells 临河区 prices on its own
# file id, document number, issued, effective, rise over the table above (fen added to min, max)
PRICE_NOTICES = (("2023-01", "巴住建发〔2023〕9号", "2023-03-01", "2023-04-01", (0, 0)),
                 ("2025-01", "巴住建发〔2025〕15号", "2025-03-10", "2025-04-01", (5, 10)))
ADDONS = (("电梯运行费", 15, 35, "按电梯数量、楼层和运行能耗分摊，在物业服务合同中约定"),
          ("二次供水加压费", 5, 15, "按加压设施运行成本分摊，单独公示"))
PROJECT_SITE = Path(__file__).resolve().parent.parent / "site.yaml"  # copied if present, credit years rewritten
SITE_YAML = (  # else this, its first version; {grades} and the years are filled in
    "# 站点设置。每一项的含义见 README.md 的“站点设置”一节；写错或未知的项会在 check/build 时报错。\n"
    "title: 巴彦淖尔市住宅物业服务信息公开平台\norganiser: 巴彦淖尔市住房和城乡建设局\ndomain: zjj.bynr.gov.cn\n"
    'base_url: https://zjj.bynr.gov.cn/wyfw/\ncity_code: "150800"\ndemo_banner: true\nhotline: "12345"\n'
    "bureau_phone: 0478-8731060\nper_page: 30\nfooter:\n  organiser: 巴彦淖尔市住房和城乡建设局\n"
    '  site_id_code: "1508000008"\n  icp: 蒙ICP备10201004号-5\n  police_record: 15081599004-00001\n'
    "  phone: 0478-8731060\n  email: sjw2791@163.com\n  address: 巴彦淖尔市临河区（演示地址）\n"
    "credit:\n  score_min: 0\n  score_max: 100\n  grades:\n{grades}\n  red_list_grades: [AAA]\n"
    "  black_list_grades: [C]\n  min_listing_months: 6\n  max_listing_months: 36\n  years:\n"
)


def write_demo_site(out: Path, companies: int, communities: int, years: int, seed: int = 2026,
                    notices: bool = True) -> None:
    """Write site.yaml, data/ and content/ of a complete fictional site into ``out``."""
    if companies < 7 or communities < len(DISTRICTS) + len(COVERAGE) or not 1 <= years <= 30:
        raise ValueError("need at least 7 companies, 13 communities and 1 to 30 rating years")
    rng = random.Random(seed)  # noqa: S311 - reproducible fiction, not security
    company_rows = _companies(rng, companies)
    community_rows = _communities(rng, communities, company_rows)
    repairs: Counter[int] = Counter()  # repair decisions numbered per calendar year
    ratings = {y: _ratings(rng, y, company_rows, repairs) for y in range(LAST_YEAR - years + 1, LAST_YEAR + 1)}
    data = out / "data"
    for folder in (data / "ratings", data / "prices", out / "content" / "notices"):
        folder.mkdir(parents=True, exist_ok=True)
    grade_lines = "\n".join(f"    - {{name: {name}, min_score: {low}}}" for name, low in GRADES)
    year_lines = "".join("    - {{year: {}, published: {}, document_number: {}, title: {}}}\n".format(y, *_credit(y))
                         for y in ratings)
    model = PROJECT_SITE.read_text("utf-8") if PROJECT_SITE.is_file() else SITE_YAML.replace("{grades}", grade_lines)
    site = re.sub(r"(?m)^  years:\n(?:    - .*\n)*", lambda _: "  years:\n" + year_lines, model)
    rules = yaml.safe_load(site)["credit"]
    used = [[g["name"], g["min_score"]] for g in rules["grades"]], rules["red_list_grades"], rules["black_list_grades"]
    if used != ([list(g) for g in GRADES], ["AAA"], ["C"]) or [y["year"] for y in rules["years"]] != list(ratings):
        raise ValueError(f"the credit scheme in {PROJECT_SITE} differs from the demo's (GRADES in demo.py)")
    _write(out / "site.yaml", site)
    _write(data / "districts.yaml", "".join(f'- {{code: "{code}", name: {name}, kind: {kind}, former_codes: '
                                            f'"{former}"}}\n' for code, name, kind, former, _, _ in DISTRICTS))
    _write_csv(data / "companies.csv", Company, company_rows)
    _write_csv(data / "communities.csv", Community, community_rows)
    for year, rows in ratings.items():
        _write_csv(data / "ratings" / f"{year}.csv", Rating, rows)
    for notice in PRICE_NOTICES:
        _write(data / "prices" / f"{notice[0]}.yaml", _price_yaml(*notice))
    _write(out / "content" / "about.md", ABOUT)
    if notices:
        for name, text in _notices(ratings, community_rows):
            _write(out / "content" / "notices" / name, text)


def _companies(rng: random.Random, count: int) -> list[dict]:
    prefixes = ("巴彦淖尔市", "巴彦淖尔市", "临河区", *(d[1] for d in DISTRICTS))  # repeated ones come up earlier
    pairs = sorted({a + b for a in BRAND_FIRST for b in BRAND_SECOND} - set(BRANDS.split()))
    pools = [[(p, b) for b in brands for p in prefixes] for brands in (BRANDS.split(), pairs)]
    for pool in pools:
        rng.shuffle(pool)
    # Curated brand words first, then generated pairs; one brand word per place, as registration requires.
    names = list(dict.fromkeys(pools[0] + pools[1]))
    if count > len(names):
        raise ValueError(f"at most {len(names)} demo companies")
    rows, codes = [], set()
    for prefix, brand in names[:count]:
        district = next((d for d in DISTRICTS if d[1] == prefix), DISTRICTS[0])  # the city's seat: 临河区
        code = ""
        while not code or code in codes:
            first17 = "91" + district[0] + "".join(rng.choice(ALPHABET) for _ in range(9))
            code = first17 + check_character(first17)
        codes.add(code)
        established = dt.date(1998, 1, 1) + dt.timedelta(days=rng.randrange(24 * 365))
        rows.append({
            "name": prefix + brand + rng.choice(COMPANY_SUFFIXES.split()), "code": code, "district": district[1],
            "address": f"巴彦淖尔市{district[1]}{rng.choice(ROADS.split())}{rng.randint(1, 199)}号",
            "legal_rep": _person(rng), "phone": _phone(rng), "party": _pick(rng, PARTY)[0],
            "former_names": f"{prefix}{brand}物业有限公司" if rng.random() < 0.1 else "",  # never a current name
            "established": established.isoformat(),
            "_quality": rng.gauss(77, 8.5),  # not a column: the company's usual credit score
        })
    return sorted(rows, key=lambda r: r["code"])


def _communities(rng: random.Random, count: int, companies: list[dict]) -> list[dict]:
    used: dict[str, set[str]] = {d[1]: set() for d in DISTRICTS}  # names and pinyin slugs per district
    tried: dict[str, Counter[str]] = {d[1]: Counter() for d in DISTRICTS}  # the last number per base name
    local = {d[1]: [c for c in companies if c["district"] == d[1]] for d in DISTRICTS}
    rows = []
    for index in range(count):
        code, district, _, _, streets, _ = DISTRICTS[index] if index < len(DISTRICTS) else _pick(rng, DISTRICTS, -1)
        if index - len(DISTRICTS) in range(len(COVERAGE)):
            category, mode, committee = COVERAGE[index - len(DISTRICTS)]
        else:
            category, mode, committee = (_pick(rng, CATEGORY_SHAPES)[0], _pick(rng, MODES)[0],
                                         _pick(rng, COMMITTEE_SHARES)[0])
        mode = "专业化物业服务" if category == "新建小区" else mode  # the plan: all new ones are served
        shape = next(s for s in CATEGORY_SHAPES if s[0] == category)
        kind = rng.choices(BUILDING_TYPES, weights=shape[2])[0]
        low, high, area_low, area_high = HOUSEHOLDS[BUILDING_TYPES.index(kind)]
        households = rng.randint(12, 120) if category == "单体楼" else rng.randint(low, high)
        street = rng.choice(streets.split())
        row = {
            "name": _community_name(rng, category, used[district], tried[district]),
            "district": district, "street": street,
            "address": f"{district}{street}{rng.choice(ROADS.split())}{rng.randint(1, 299)}号",
            "mode": mode, "category": category, "building_type": kind, "households": households,
            "floor_area": households * rng.randint(area_low, area_high), "committee": committee,
            "completed": rng.randint(*shape[3]), "service_content": next(m[2] for m in MODES if m[0] == mode),
        }
        if mode in COMPANY_MODES:
            grade = rng.choice(shape[4])
            fee_low, fee_high = _price(kind, grade, PRICE_NOTICES[-1][4], district)  # within the range in force
            nearby = local[district] if local[district] and rng.random() < 0.75 else companies
            row.update(company=rng.choice(nearby)["name"], service_grade=grade, manager=_person(rng),
                       fee=f"{rng.randint(fee_low, fee_high) / 100:.2f}", manager_phone=_phone(rng, 0.6))
        elif mode != "无物业":
            row.update(fee=f"{rng.randint(40, 60) / 100:.2f}" if rng.random() < 0.6 else "",
                       manager=_person(rng), manager_phone=_phone(rng))
        if mode != "无物业":
            row["service_phone"] = _phone(rng)
            if rng.random() < 0.6:
                row["satisfaction"] = f"{rng.randint(600, 980) / 10:.1f}"
        rows.append((code, row))
    rows.sort(key=lambda item: (item[0], item[1]["street"], item[1]["name"]))
    for number, index in enumerate(sorted(rng.sample(range(count), 5)), start=1):
        rows[index][1]["id"] = f"{rows[index][0]}-demo-{number:03d}"  # a few rows name their own id
    return [row for _, row in rows]


def _community_name(rng: random.Random, category: str, used: set[str], tried: Counter[str]) -> str:
    """A name unique in its district, also by the pinyin the site makes its address from."""
    single = category == "单体楼"  # 水利局家属楼, 水利局二号家属楼, …; else 锦绣家园, 锦绣家园二期, …
    head, tail = ((rng.choice(UNITS.split()), rng.choice(UNIT_SUFFIXES.split())) if single else
                  (rng.choice(ESTATE_WORDS.split()) + rng.choice(ESTATE_SUFFIXES.split()), ""))
    for n in range(tried[head + tail] + 1, 100):
        name = head + (_chinese_number(n) + ("号" if single else "期") if n > 1 else "") + tail
        slug = "slug:" + re.sub(r"[^a-z0-9]+", "", "".join(lazy_pinyin(name)).lower())[:60]  # as catalog.py does
        if name not in used and slug not in used:
            used.update((name, slug))
            tried[head + tail] = n
            return name
    raise ValueError("community name pool exhausted")


def _ratings(rng: random.Random, year: int, companies: list[dict], repairs: Counter[int]) -> list[dict]:
    rows = []
    for company in companies:  # sorted by code
        if company["established"] >= f"{year}-01-01" or rng.random() < 0.08:
            continue  # companies founded that year, and a few others, were not rated
        tenths = min(990, max(400, round((company["_quality"] + rng.gauss(0, 4)) * 10)))
        grade = next(name for name, low in GRADES if tenths >= low * 10)
        rows.append({"year": year, "company_name": company["name"], "code": company["code"], "grade": grade,
                     "score": f"{tenths / 10:.1f}", "list": {"AAA": "红榜", "C": "黑榜"}.get(grade, "无")})
    grade_b = [r for r in rows if r["grade"] == "B"]
    for row in rng.sample(grade_b, min(len(grade_b), max(1, len(grade_b) // 100))):
        row.update(list="黑榜", reason=rng.choice(SERIOUS))  # a serious breach, whatever the grade
    first_number = rng.randint(3, 9)
    for index, row in enumerate(r for r in rows if r["list"] == "黑榜"):
        listed = dt.date(year + 1, 2, 27) if rng.random() < 0.5 else dt.date(year + 1, 3, rng.randint(2, 28))
        # In every older year the first entry, and some others, were lifted early by credit repair.
        repaired = year < LAST_YEAR and (index == 0 or rng.random() < 0.3)
        months = rng.choice((12, 24, 36) if repaired else (6, 12, 24, 36))
        row.update(reason=row.get("reason") or rng.choice(BREACHES), penalty=rng.choice(PENALTIES),
                   decision_no=f"巴住建信字〔{listed.year}〕{first_number + index}号", listed_on=listed.isoformat(),
                   expires_on=add_months(listed, months).isoformat())
        if repaired:
            day = add_months(listed, rng.randint(6, 9)) + dt.timedelta(days=rng.randint(0, 20))
            repairs[day.year] += 1
            row.update(repaired_on=day.isoformat(), repair_decision=f"巴住建信修字〔{day.year}〕{repairs[day.year]}号")
    return rows


def _pick(rng: random.Random, choices: tuple, weight: int = 1) -> tuple:  # item `weight` is the weight
    return rng.choices(choices, weights=[c[weight] for c in choices])[0]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random, mobile_share: float = 0.0) -> str:
    """An office landline, or a person's mobile masked 3-4-4 as the law asks."""
    mobile = rng.random() < mobile_share
    return f"13{rng.randint(0, 9)}****{rng.randrange(10**4):04d}" if mobile else f"0478-8{rng.randrange(10**6):06d}"


def _chinese_number(n: int) -> str:
    digits, (tens, ones) = "零一二三四五六七八九", divmod(n, 10)  # 2 to 99
    return ("" if tens < 2 else digits[tens]) + ("十" if tens else "") + (digits[ones] if ones or not tens else "")


def _price(kind: str, grade: str, rise: tuple[int, int], district: str = "全市") -> tuple[int, int]:
    """The range that applies, in fen: 临河区 has a dearer table of its own for some cells."""
    low, high = dict(CITY_PRICES)[kind][SERVICE_GRADES.index(grade)]
    extra = 10 if district == "临河区" and kind in LINHE_TABLE[0] and grade in LINHE_TABLE[1] else 0
    return low + rise[0] + extra, high + rise[1] + extra


def _credit(year: int) -> tuple[str, str, str]:  # published on, document number and title of a year's results
    return f"{year + 1}-02-27", f"巴住建发〔{year + 1}〕12号", f"关于公布{year}年度物业服务企业信用综合评价结果的通知"


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def _write_csv(path: Path, cls: type, rows: list[dict]) -> None:
    columns = info(cls).columns
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerows([[c.header() for c in columns], *([row.get(c.key, "") for c in columns] for row in rows)])


def _price_yaml(notice_id: str, number: str, issued: str, effective: str, rise: tuple[int, int]) -> str:
    lines = [f"# 价格文件 {notice_id}（演示用虚构数据）",
             f"title: 巴彦淖尔市住宅物业服务区间参考价格（{issued[:4]}年版）\nissuer: {ORGANISER}",
             f"document_number: {number}\nissued: {issued}\neffective: {effective}\nunit: 元/平方米·月",
             "grade_order: 一级最高\nnotes: 临河区执行本区单列的价格，未单列的按全市价格执行。本文件为演示用虚构数据。",
             "rows:"]
    tables = (("全市", BUILDING_TYPES, SERVICE_GRADES), ("临河区", *LINHE_TABLE))
    for district, kinds, grades in tables:
        for kind in kinds:
            for grade in grades:
                low, high = _price(kind, grade, rise, district)
                lines.append(f"  - {{district: {district}, building_type: {kind}, grade: {grade}, "
                             f"min: {low / 100:.2f}, max: {high / 100:.2f}}}")
    lines.append("addons:")
    lines.extend(f"  - {{item: {item}, min: {(low + rise[0]) / 100:.2f}, max: {(high + rise[1]) / 100:.2f}, "
                 f"note: {note}}}" for item, low, high, note in ADDONS)
    return "\n".join(lines) + "\n"


def _notice(title: str, date: str, number: str, summary: str, *paragraphs: str) -> str:
    front = f"title: {title}\ndate: {date}\ncolumn: 通知公告\nsource: {ORGANISER}\ndocument_number: {number}"
    return f"---\n{front}\nsummary: {summary}\n---\n\n" + "\n\n".join(paragraphs) + "\n"


def _notices(ratings: dict[int, list[dict]], communities: list[dict]) -> list[tuple[str, str]]:
    demo = "**说明：本站企业、小区、人员、评价结果和价格均为演示用虚构数据。**"
    result = []
    for year in sorted(ratings)[-2:]:
        rows, (published, number, title) = ratings[year], _credit(year)
        grades, black = Counter(r["grade"] for r in rows), sum(r["list"] == "黑榜" for r in rows)
        counts = "、".join(f"{name} 级 {grades[name]} 家" for name, _ in GRADES)
        result.append((f"{year}-credit-results.md", _notice(
            title, published, number, f"{year}年度评价物业服务企业 {len(rows)} 家，{grades['AAA']} 家列入红榜，"
            f"{black} 家列入黑榜。", "各旗县区住房和城乡建设局，各物业服务企业：",
            f"我局组织开展了{year}年度物业服务企业信用综合评价，现将结果公布如下：",
            f"- 参评企业 {len(rows)} 家，其中 {counts}；\n- AAA 级企业 {grades['AAA']} 家列入红榜；\n"
            f"- C 级企业及有严重失信行为的企业共 {black} 家列入黑榜，公示期满自动移出，期间可申请信用修复。",
            "得分、等级和红黑榜见本站“信用评价”栏目，可按年度下载。",
            "对结果有异议的，可于公布之日起 15 个工作日内书面提出，电话 0478-8731060。", demo)))
    result.append(("2025-price-notice.md", _notice(
        "关于公布住宅物业服务区间参考价格的通知", PRICE_NOTICES[-1][2], PRICE_NOTICES[-1][1],
        "公布2025年版住宅物业服务区间参考价格，自2025年4月1日起施行。", "各旗县区住房和城乡建设局，各物业服务企业：",
        "现公布我市住宅物业服务区间参考价格，自2025年4月1日起施行，2023年版同时停止执行。",
        "1. 价格按房屋类型和服务等级（一级服务标准最高）列出，单位为元/平方米·月。\n"
        "2. 临河区执行本区单列的价格，未单列的按全市价格执行。\n"
        "3. 电梯运行费、二次供水加压费可按参考区间另行计收，并在小区公示。\n"
        "4. 企业应在参考区间内与业主协商确定收费标准，并公示收费项目。", "价格明细见本站“参考价格”栏目。", demo)))
    formed = sum(c["committee"] != "无" for c in communities) / len(communities)
    result.append(("2024-owners-committee.md", _notice(
        "关于加快推进业主委员会和物业管理委员会组建工作的通知", "2024-04-15", "巴住建发〔2024〕31号",
        "2024年底业主组织组建率达到 75%，2025年底达到 95%。", "各旗县区住房和城乡建设局，各街道办事处、乡镇人民政府：",
        "为落实住宅物业服务三年行动方案，现就组建业主组织提出如下要求：",
        "1. 业主委员会（物业管理委员会）组建率2024年底达到 75%，2025年底达到 95%。\n"
        "2. 暂不具备成立业主委员会条件的小区，由街道（乡镇）指导组建物业管理委员会。",
        f"截至目前，本站登记的小区中已成立业主组织的占 {formed:.0%}。", demo)))
    result.append(("demo-data-statement.md", _notice(
        "关于本站演示数据的说明", "2026-01-05", "巴住建办字〔2026〕1号", "本站全部数据均为虚构的演示数据。",
        "站内的企业、小区、法定代表人、项目负责人、评价结果和参考价格均由程序生成，不代表任何真实单位或个人。",
        "演示数据不得作为选聘物业服务企业或确定收费标准的依据；正式上线前将以各旗县区报送的真实数据替换。")))
    return result


ABOUT = (
    "---\ntitle: 关于本站数据\nsummary: 数据的来源、更新频率和个人信息保护；当前全部数据均为虚构的演示数据。\n---\n\n"
    "## 数据来源\n\n- **物业服务企业**：企业名称、统一社会信用代码、法定代表人和办公电话为公开的工商登记信息。\n"
    "- **住宅小区**：管理方式、物业服务企业、收费标准和业主组织由各旗县区住建部门报送。\n"
    "- **信用评价结果和区间参考价格**：以我局公布的文件为准，历年结果和历次价格文件均可查阅。\n\n"
    "## 更新频率\n\n- 信用评价结果：每年 2 月评价结果公布后更新。\n- 区间参考价格：发布新的价格文件时更新。\n"
    "- 企业和小区信息：随各旗县区报送情况不定期更新。\n\n## 个人信息保护\n\n"
    "不公开业主姓名、身份证号码和个人手机号码；个人手机号码一律打码，如 139****1234。\n\n"
    "## 演示数据\n\n**当前站内的全部企业、小区、人员姓名、评价结果和价格均为程序生成的虚构演示数据。**\n\n"
    "信息有误请拨打 12345 热线或我局物业监管科电话 0478-8731060。\n"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m disclosure.demo", description="生成完整的虚构演示站点")
    parser.add_argument("--out", type=Path, required=True, help="输出的站点目录")
    for name, default, text in (("companies", 48, "企业数"), ("communities", 240, "小区数"),
                                ("years", 3, f"评价年度数（截至 {LAST_YEAR} 年）"), ("seed", 2026, "随机种子")):
        parser.add_argument(f"--{name}", type=int, default=default, help=f"{text}，默认 {default}")
    parser.add_argument("--no-notices", action="store_true", help="不生成通知公告")
    args = parser.parse_args(argv)
    try:
        write_demo_site(args.out, args.companies, args.communities, args.years, args.seed, not args.no_notices)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"已生成演示站点：{args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
