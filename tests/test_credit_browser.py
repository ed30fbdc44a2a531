"""A resident in real Chromium: the red and black lists, a company's grade history and line,
the year's archive with its chart and table, a list download — with no request leaving the site."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, CODE_B, served_tiny_site

playwright = pytest.importorskip("playwright.sync_api")



@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_tiny_site(tmp_path_factory.mktemp("credit"), dt.date(2026, 6, 1)) as url:
        yield url


def test_resident_reads_the_lists_and_a_company_history(served):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(served) else None)

        page.goto(served + "credit/")
        red = page.locator("#red-list")
        assert [h.strip() for h in red.locator("thead th").all_inner_texts()][:3] == ["项目名称", "企业名称", "企业法定代表人"]
        assert "测试恒信物业服务有限公司" in red.inner_text() and "锦绣家园" in red.inner_text()
        black = page.locator("#black-list")
        assert "测试安居物业管理有限公司" in black.inner_text() and "未按规定公示收费项目" in black.inner_text()
        assert "测住建发〔2026〕2号" in page.locator(".source").inner_text()

        # Open the black-listed company: its grade history as a table and a line.
        black.get_by_role("link", name="测试安居物业管理有限公司").click()
        page.wait_for_url(f"**/companies/{CODE_B}/")
        history = page.locator("#grade-history")
        assert history.locator("tbody tr").count() == 2
        assert "公示中" in history.inner_text()
        line = page.locator("img[src='grades.svg']")
        assert line.evaluate("img => img.complete && img.naturalWidth > 0")
        assert "2024年度 C 级" in line.get_attribute("alt")

        # From the history to the year's archive: the chart is drawn and its table is there.
        history.get_by_role("link", name="2025年度").click()
        page.wait_for_url("**/credit/2025/")
        chart = page.locator("svg.bar-chart")
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50
        assert chart.get_attribute("role") == "img"
        cells = page.locator("#grade-distribution tbody td").all_inner_texts()
        assert cells == ["1", "0", "1", "0", "1", "3"]
        assert page.locator("svg.stacked-bar-chart").is_visible()

        # The list download answers and is UTF-8 with a BOM.
        link = page.get_by_role("link", name="CSV").first
        response = page.request.get(link.evaluate("a => a.href"))
        assert response.status == 200 and response.body().startswith("\ufeff".encode())

        assert outside == []
        browser.close()


def test_lists_work_by_keyboard(served):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(served + "credit/")
        page.locator("#red-list a").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/companies/*/")
        assert page.locator("h1").inner_text() == "测试恒信物业服务有限公司"
        browser.close()
