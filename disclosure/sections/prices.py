"""Reference prices (区间参考价格): the notice in force and one page per notice."""

from __future__ import annotations

from ..catalog import CITY_WIDE, PriceNotice
from ..model import Model
from ..pages import Contribution, Page
from ..records import BUILDING_TYPES, SERVICE_GRADES


def contribute(model: Model) -> Contribution:
    return Contribution(pages=_pages(model))


def _pages(model: Model) -> list[Page]:
    result = [Page(
        "prices/index.html", "prices.html", "住宅物业服务区间参考价格",
        {"notice": model.price_notice_in_force, "tables": _tables(model, model.price_notice_in_force),
         "notices": tuple(reversed(model.catalog.prices))},
        column="参考价格", column_description="住宅物业服务区间参考价格及历次价格文件", column_type="信息公开",
    )]
    for notice in model.catalog.prices:
        result.append(Page(
            f"prices/{notice.id}/index.html", "price_notice.html", notice.header.title,
            {"notice": notice, "tables": _tables(model, notice),
             "in_force": notice is model.price_notice_in_force},
            column="参考价格", article_date=f"{notice.header.issued.isoformat()} 09:00",
            article_source=notice.header.issuer,
        ))
    return result


def _tables(model: Model, notice: PriceNotice | None) -> list[dict]:
    """One table per district (city-wide first): building types down, grades across."""
    if notice is None:
        return []
    districts = sorted({r.district for r in notice.rows}, key=lambda d: (d != CITY_WIDE, d))
    tables = []
    for district in districts:
        rows = {(r.building_type, r.grade): r for r in notice.rows if r.district == district}
        grades = [g for g in SERVICE_GRADES if any(k[1] == g for k in rows)]
        types = [t for t in BUILDING_TYPES if any(k[0] == t for k in rows)]
        tables.append({"district": model.district_name(district), "grades": grades,
                       "cells": [(t, [rows.get((t, g)) for g in grades]) for t in types]})
    return tables
