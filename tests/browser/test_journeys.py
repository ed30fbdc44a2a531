"""End-to-end journeys in a real Chromium, as a resident, an owner and an elderly reader make them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from disclosure.build import default_as_of, load_inputs
from disclosure.model import Model


@pytest.fixture(scope="session")
def model(site_source) -> Model:
    inputs = load_inputs(site_source)
    return Model(inputs.settings, inputs.catalog, inputs.content, default_as_of(), site_source)


def _grade_history_of(page, model: Model, code: str) -> None:
    """The company page shows every published year's grade in its history section."""
    assert page.get_by_role("heading", name="历年信用评价").is_visible()
    history = page.locator("table", has=page.locator("caption", has_text="历年信用评价"))
    published = {y.year for y in model.rating_years}
    ratings = [r for r in model.ratings_by_company.get(code, ()) if r.year in published]
    assert ratings, "sample company has no published rating"
    for rating in ratings:
        row = history.locator("tr", has=page.get_by_text(f"{rating.year}年度", exact=True))
        assert f"{rating.grade} 级" in row.inner_text()


@pytest.mark.parametrize("served", ["root", "subpath"])
def test_resident_finds_a_red_list_company_from_home_and_reads_its_grade_history(page, servers, model, served):
    page.goto(servers[served])
    red_list = page.locator("table", has=page.locator("caption", has_text="红榜"))
    first = red_list.locator("tbody th a").first
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(name)
    company = next(c for c in model.catalog.companies if c.name == name)
    assert company.legal_rep in page.locator("main").inner_text()
    _grade_history_of(page, model, company.code)
    managed = model.communities_by_company.get(company.code, ())
    assert page.get_by_role("heading", name=f"服务的住宅小区（{len(managed)} 个）").is_visible()


def test_resident_filters_the_directory_instantly_and_opens_a_company(page, servers, model):
    page.goto(servers["root"])
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="物业企业").click()
    form = page.locator("#company-filter")
    form.wait_for(state="visible")
    black = [c for c in model.catalog.companies if (r := model.latest_rating(c.code)) and r.list == "黑榜"]
    form.get_by_label("红黑榜").select_option("黑榜")
    assert page.get_by_role("status").inner_text() == f"找到 {len(black)} 家企业"
    names = page.locator("main table:visible tbody th a").all_inner_texts()
    assert sorted(names) == sorted(c.name for c in black)
    target = black[0]
    form.get_by_label("企业名称或信用代码").fill(target.code[-6:])
    page.locator("main table:visible tbody th a", has_text=target.name).click()
    expect(page.locator("h1")).to_have_text(target.name)
    _grade_history_of(page, model, target.code)


def test_static_filter_pages_work_without_javascript(browser, servers, model):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(servers["subpath"] + "companies/")
        assert page.locator("#company-filter").is_hidden()
        district = model.districts["150802"] if "150802" in model.districts else next(iter(model.districts.values()))
        page.get_by_role("navigation", name="按旗县区筛选").get_by_role("link", name=re.compile(district.name)).click()
        expected = sorted(c.name for c in model.catalog.companies if c.district == district.code)
        seen = []
        while True:  # follow the pager through every page of the filtered list
            assert page.locator("nav[aria-label=按旗县区筛选] a[aria-current=page]").inner_text().startswith(
                district.name)
            seen += page.locator("main table tbody th a").all_inner_texts()
            pager = page.locator("nav.pager span[aria-current=page]")
            if not pager.count():
                break
            following = page.locator("nav.pager li:has(span[aria-current=page]) + li a")
            if not following.count():
                break
            following.click()
        assert sorted(seen) == expected
        assert seen == [c.name for c in model.companies_sorted if c.district == district.code]  # pinyin order
    finally:
        context.close()


def test_owner_opens_a_community_and_prints_its_notice_sheet(page, servers, model):
    page.goto(servers["subpath"] + "communities/")
    link = page.locator("main ul.link-list a").first
    name = link.inner_text()
    link.click()
    expect(page.locator("h1")).to_have_text(name)
    community = next(c for c in model.catalog.communities if c.name == name)
    print_button = page.get_by_role("button", name="打印公示栏")
    assert print_button.is_visible()
    assert page.locator(".sheet-head").is_hidden()
    page.emulate_media(media="print")
    assert page.locator(".sheet-head").is_visible()
    assert model.settings.organiser in page.locator(".sheet-head").inner_text()
    assert page.locator(".site-header").is_hidden() and page.locator(".site-footer").is_hidden()
    assert page.get_by_role("img", name=f"{name}公示页二维码").is_visible()
    full_url = f"https://zjj.bynr.gov.cn/wyfw/communities/{community.id}/"
    assert full_url in page.locator(".sheet-foot").inner_text()
    assert "数据日期" in page.locator(".sheet-foot").inner_text()
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, "the notice sheet should fit on one A4 page"


def _keyboard_to(page, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable by keyboard")


def test_elderly_mode_is_reachable_by_keyboard_and_persists_on_the_next_page(page, servers):
    page.goto(servers["root"])
    _keyboard_to(page, "elder-toggle")
    page.keyboard.press("Enter")
    toggle = page.locator("#elder-toggle")
    assert toggle.get_attribute("aria-pressed") == "true"
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="住宅小区").click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.classList.contains('elder')")
    assert toggle.get_attribute("aria-pressed") == "true"
    sizes = page.evaluate("""() => {
        const body = getComputedStyle(document.body);
        const heights = [...document.querySelectorAll('.site-nav a, #elder-toggle, .site-search button')]
            .map(e => e.getBoundingClientRect().height);
        return {font: parseFloat(body.fontSize), leading: parseFloat(body.lineHeight), smallest: Math.min(...heights)};
    }""")
    assert sizes["font"] >= 24  # 18 pt
    assert sizes["leading"] >= 1.5 * sizes["font"]
    assert sizes["smallest"] >= 60
    toggle.click()
    page.reload()
    assert not page.evaluate("document.documentElement.classList.contains('elder')")
