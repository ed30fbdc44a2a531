"""The datasets, each declared once: its columns (with Chinese headers), types and checks.

Field values are filled by validation; ``source`` and derived fields carry no column and are
never read from a file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .schema import column, dataset

PARTY_STATUSES = ("独立党组织", "联合党支部", "党建指导员", "无")
MANAGEMENT_MODES = ("专业化物业服务", "国有物业接管", "社区托管", "社会组织代管", "业主自治", "无物业")
# Modes in which a property service company does the work, so the company must be named.
COMPANY_MODES = ("专业化物业服务", "国有物业接管")
CATEGORIES = ("新建小区", "既有小区", "老旧小区（已改造）", "老旧小区（未改造）", "单体楼")
BUILDING_TYPES = ("多层", "小高层", "高层", "别墅")
SERVICE_GRADES = ("一级", "二级", "三级", "四级", "五级")
COMMITTEES = ("业主委员会", "物业管理委员会", "无")
LISTS = ("红榜", "黑榜", "无")


@dataclass(frozen=True)
class Source:
    file: str
    row: int


@dataset("districts", "旗县区", "本市所辖旗县区及其行政区划代码。", ("code",))
class District:
    code: str = column("区划代码", required=True, check="division_code", aliases=("代码", "code"))
    name: str = column("名称", required=True, aliases=("旗县区", "name"))
    kind: str = column("类别", required=True, enum=("区", "县", "旗"), aliases=("kind",))
    former_codes: str = column(
        "原区划代码", aliases=("former_codes",), description="撤盟设市前的旧代码，多个用分号分隔"
    )
    source: Source | None = None


@dataset(
    "companies",
    "物业服务企业",
    "在本市从事住宅物业服务的企业登记信息（企业名称、法定代表人、办公电话属公开的工商登记信息）。",
    ("code",),
)
class Company:
    name: str = column("企业名称", required=True, aliases=("公司名称", "name"))
    code: str = column(
        "统一社会信用代码", required=True, check="credit_code", aliases=("信用代码", "社会信用代码", "code")
    )
    legal_rep: str = column("法定代表人", required=True, aliases=("法人", "法人代表", "企业法定代表人", "legal_rep"))
    address: str = column("注册地址", required=True, aliases=("地址", "住所", "address"))
    phone: str = column("联系电话", required=True, check="phone", aliases=("办公电话", "电话", "phone"))
    district: str = column("所属旗县区", required=True, check="district", aliases=("旗县区", "district"))
    party: str = column("党建情况", enum=PARTY_STATUSES, aliases=("党组织", "party"),
                        description="独立党组织、联合党支部、派驻党建指导员或尚无")
    former_names: str = column("曾用名", aliases=("former_names",), description="多个用分号分隔")
    established: dt.date = column("成立日期", "date", aliases=("established",))
    source: Source | None = None

    @property
    def names(self) -> tuple[str, ...]:
        former = tuple(n for n in (self.former_names or "").replace("；", ";").split(";") if n.strip())
        return (self.name, *(n.strip() for n in former))


@dataset(
    "communities",
    "住宅小区（物业项目）",
    "住宅小区及其物业服务信息公开内容（依《民法典》第九百四十三条）。",
    ("id",),
)
class Community:
    id: str = column("项目编号", aliases=("编号", "id"), description="留空则由旗县区代码和名称拼音生成")
    name: str = column("项目名称", required=True, aliases=("小区名称", "小区", "name"))
    district: str = column("所属旗县区", required=True, check="district", aliases=("旗县区", "district"))
    street: str = column("街道(乡镇)", required=True, aliases=("街道", "乡镇", "街道（乡镇）", "street"))
    address: str = column("地址", required=True, aliases=("小区地址", "address"))
    company: str = column(
        "物业服务企业", check="company", aliases=("物业公司", "物业服务人", "company"),
        description="企业名称或统一社会信用代码；专业化物业服务和国有物业接管的小区必填",
    )
    mode: str = column("管理方式", required=True, enum=MANAGEMENT_MODES, aliases=("物业管理方式", "mode"))
    category: str = column("小区类型", enum=CATEGORIES, aliases=("category",),
                           description="新建、老旧改造等；行动方案的新建和老旧小区指标按此统计")
    building_type: str = column("房屋类型", required=True, enum=BUILDING_TYPES, aliases=("building_type",))
    households: int = column("户数", "integer", required=True, minimum=1, aliases=("households",))
    floor_area: float = column("建筑面积", "number", required=True, minimum=1, unit="平方米",
                               aliases=("总建筑面积", "floor_area"))
    fee: float = column("物业费标准", "number", minimum=0, maximum=20, unit="元/平方米·月",
                        aliases=("物业费", "收费标准", "fee"), description="“房屋类型”一列所填类型的物业费")
    # A community with several kinds of building has a fee for each: the main kind's fee stays in
    # 物业费标准, the others go in these optional columns, so a one-kind sheet needs none of them.
    fee_multistorey: float = column("多层物业费", "number", minimum=0, maximum=20, unit="元/平方米·月",
                                    aliases=("多层物业费标准", "fee_multistorey"),
                                    description="小区另有多层住宅时填写；可留空")
    fee_midrise: float = column("小高层物业费", "number", minimum=0, maximum=20, unit="元/平方米·月",
                                aliases=("小高层物业费标准", "fee_midrise"),
                                description="小区另有小高层住宅时填写；可留空")
    fee_highrise: float = column("高层物业费", "number", minimum=0, maximum=20, unit="元/平方米·月",
                                 aliases=("高层物业费标准", "fee_highrise"),
                                 description="小区另有高层住宅时填写；可留空")
    fee_villa: float = column("别墅物业费", "number", minimum=0, maximum=20, unit="元/平方米·月",
                              aliases=("别墅物业费标准", "fee_villa"), description="小区另有别墅时填写；可留空")
    service_grade: str = column("服务等级", enum=SERVICE_GRADES, aliases=("service_grade",))
    committee: str = column("业主委员会", required=True, enum=COMMITTEES,
                            aliases=("业委会", "业主组织", "committee"),
                            description="业主委员会、物业管理委员会或无")
    manager: str = column("项目负责人", aliases=("项目经理", "manager"))
    manager_phone: str = column("项目负责人电话", check="phone", aliases=("项目经理电话", "manager_phone"))
    service_phone: str = column("物业服务电话", check="phone", aliases=("服务电话", "service_phone"))
    completed: int = column("建成年份", "year", aliases=("建成年代", "completed"))
    satisfaction: float = column("业主满意率", "number", minimum=0, maximum=100, unit="%",
                                 aliases=("满意率", "satisfaction"))
    service_content: str = column("服务内容", aliases=("服务标准", "service_content"))
    source: Source | None = None

    @property
    def fees(self) -> tuple[tuple[str, float], ...]:
        """(building type, fee) for every kind of building with a fee: the main kind first."""
        by_type = dict(zip(BUILDING_TYPES, (self.fee_multistorey, self.fee_midrise, self.fee_highrise,
                                            self.fee_villa), strict=True))
        main = self.fee if self.fee is not None else by_type.get(self.building_type)
        result = [(self.building_type, main)] if main is not None else []
        result += [(kind, fee) for kind, fee in by_type.items() if fee is not None and kind != self.building_type]
        return tuple(result)


@dataset(
    "ratings",
    "物业服务企业信用评价结果",
    "每年一次的物业服务企业信用综合评价：得分、等级与红黑榜。",
    ("year", "code"),
)
class Rating:
    year: int = column("年度", "year", required=True, aliases=("评价年度", "year"))
    company_name: str = column("企业名称", required=True, aliases=("公司名称", "company_name"))
    code: str = column("统一社会信用代码", required=True, check="credit_code",
                       aliases=("信用代码", "社会信用代码", "code"))
    score: float = column("得分", "number", required=True, aliases=("分数", "综合得分", "score"))
    grade: str = column("等级", required=True, check="grade", aliases=("信用等级", "grade"))
    list: str = column("红黑榜", enum=LISTS, aliases=("榜单", "list"), description="红榜、黑榜或无（留空即无）")
    reason: str = column("列入原因", aliases=("失信行为", "原因", "reason"), description="黑榜必填")
    penalty: str = column("处理措施", aliases=("处罚", "penalty"))
    decision_no: str = column("决定文号", aliases=("文书号", "决定书文号", "decision_no"))
    listed_on: dt.date = column("列入日期", "date", aliases=("listed_on",))
    expires_on: dt.date = column("到期日期", "date", aliases=("移出日期", "expires_on"))
    repaired_on: dt.date = column("信用修复日期", "date", aliases=("修复日期", "repaired_on"))
    repair_decision: str = column("修复决定文号", aliases=("repair_decision",))
    projects: str = column("涉及项目", aliases=("项目名称", "projects"),
                           description="榜单上列明的项目，多个用分号分隔；留空则取该企业服务的小区")
    source: Source | None = None


@dataset(
    "prices",
    "住宅物业服务区间参考价格",
    "按旗县区、房屋类型和服务等级发布的物业服务费参考区间。",
    ("notice", "district", "building_type", "grade"),
)
class PriceRow:
    notice: str = column("文件编号", aliases=("notice",), description="所属价格文件（文件名）")
    district: str = column("适用区域", required=True, check="district", aliases=("旗县区", "区域", "district"),
                           description="旗县区名称或“全市”")
    building_type: str = column("房屋类型", required=True, enum=BUILDING_TYPES, aliases=("building_type",))
    grade: str = column("服务等级", required=True, enum=SERVICE_GRADES, aliases=("grade",))
    min: float = column("最低价", "number", required=True, minimum=0.01, unit="元/平方米·月",
                        aliases=("最低价格", "下限", "min"))
    max: float = column("最高价", "number", required=True, minimum=0.01, unit="元/平方米·月",
                        aliases=("最高价格", "上限", "max"))
    source: Source | None = None


GRADE_ORDERS = ("一级最高", "一级最低")


@dataset(
    "price_notices",
    "物业服务价格文件",
    "每份区间参考价格文件的文号、发布与施行日期。",
    ("id",),
)
class PriceNoticeHeader:
    id: str = column("文件编号", required=True, aliases=("id",), description="取自文件名，作网址用")
    title: str = column("标题", required=True, aliases=("title",))
    issuer: str = column("发布机关", required=True, aliases=("issuer",))
    document_number: str = column("文号", required=True, aliases=("document_number",))
    issued: dt.date = column("发布日期", "date", required=True, aliases=("issued",))
    effective: dt.date = column("施行日期", "date", required=True, aliases=("effective",))
    unit: str = column("计价单位", required=True, enum=("元/平方米·月",), aliases=("unit",))
    grade_order: str = column("等级方向", required=True, enum=GRADE_ORDERS, aliases=("grade_order",),
                              description="一级最高：一级服务标准最高；一级最低：一级服务标准最低")
    notes: str = column("说明", aliases=("notes",))
    source: Source | None = None


@dataset("price_addons", "物业服务附加项目参考价格", "电梯运行、二次供水等可另行计收项目的参考区间。",
         ("notice", "item"))
class PriceAddon:
    notice: str = column("文件编号", aliases=("notice",))
    item: str = column("项目", required=True, aliases=("附加项目", "另行计收项目", "item"))
    min: float = column("最低价", "number", required=True, minimum=0.01, unit="元/平方米·月",
                        aliases=("最低价格", "下限", "min"))
    max: float = column("最高价", "number", required=True, minimum=0.01, unit="元/平方米·月",
                        aliases=("最高价格", "上限", "max"))
    note: str = column("说明", aliases=("note",))
    source: Source | None = None


DATASETS = (District, Company, Community, Rating, PriceNoticeHeader, PriceRow, PriceAddon)
