"""The owners' fee check in a real Chromium: inputs to verdict, the shareable URL, full-width
input, keyboard-only use with the verdict in a live region, and the page without JavaScript."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, served_tiny_site

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect



@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with served_tiny_site(tmp_path_factory.mktemp("feecheck"), dt.date(2026, 1, 1)) as url:
        yield url


@pytest.fixture(scope="module")
def in_browser():
    """Run steps in a Chromium that lives in a thread of its own.

    Playwright's sync API allows one instance per thread, and a session-wide browser of other
    tests may already hold the main thread; a dedicated thread works either way.
    """
    executor = ThreadPoolExecutor(max_workers=1)
    state = {}

    def start():
        state["playwright"] = playwright_api.sync_playwright().start()
        state["browser"] = state["playwright"].chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

    executor.submit(start).result()

    def run(steps, **options):
        def job():
            context = state["browser"].new_context(locale="zh-CN", **options)
            outside = []

            def only_local(route):
                if urlsplit(route.request.url).hostname != "127.0.0.1":
                    outside.append(route.request.url)
                    route.abort()
                else:
                    route.continue_()

            context.route("**/*", only_local)
            try:
                steps(context)
            finally:
                context.close()
            assert outside == [], f"the page asked for outside resources: {outside}"

        executor.submit(job).result(timeout=300)

    yield run

    def stop():
        state["browser"].close()
        state["playwright"].stop()

    executor.submit(stop).result()
    executor.shutdown()


def verdict(page):
    return page.get_by_role("status")


def test_inputs_give_the_verdict_amounts_and_source(in_browser, served):
    def steps(context):
        page = context.new_page()
        page.goto(served + "prices/check/")
        expect(page.locator("#fc-nojs")).to_be_hidden()  # the no-script note gives way to the form
        page.select_option("#fc-district", "150802")
        page.select_option("#fc-type", "多层")
        page.select_option("#fc-grade", "三级")
        page.fill("#fc-fee", "1.0")
        page.fill("#fc-area", "90")
        result = verdict(page)
        expect(result).to_contain_text("结论：高于参考区间。")
        expect(result).to_contain_text("比上限 0.90 元高 0.10 元（高 11.1%）")
        expect(result).to_contain_text("适用参考区间：临河区 多层 三级 0.60–0.90 元/平方米·月")
        expect(result).to_contain_text("每月 90.00 元，每年 1,080.00 元")
        expect(result).to_contain_text("测住建发〔2025〕9号")
        for fee, said in (("0.6", "结论：在参考区间内。"), ("0.9", "结论：在参考区间内。"), ("0.59", "结论：低于参考区间。")):
            page.fill("#fc-fee", fee)
            expect(result).to_contain_text(said)
        page.select_option("#fc-district", "150821")  # 五原县 has no row of its own: the city-wide one applies
        expect(result).to_contain_text("五原县未单列，适用全市价格")
        expect(result).to_contain_text("0.40–0.80")
        expect(result).to_contain_text("结论：在参考区间内。")
        page.fill("#fc-fee", "一块二")
        expect(result).to_contain_text("物业费单价请填写数字")
        expect(page.locator("#fc-fee")).to_have_attribute("aria-invalid", "true")

    in_browser(steps)


def test_url_keeps_the_inputs_and_opens_to_the_same_answer(in_browser, served):
    def steps(context):
        page = context.new_page()
        page.goto(served + "prices/check/")
        page.select_option("#fc-district", "150802")
        page.select_option("#fc-type", "高层")
        page.select_option("#fc-grade", "二级")
        page.fill("#fc-fee", "1.95")
        page.fill("#fc-area", "120")
        expect(verdict(page)).to_contain_text("结论：高于参考区间。")
        query = parse_qs(urlsplit(page.url).query)
        assert query == {"d": ["150802"], "t": ["高层"], "g": ["二级"], "fee": ["1.95"], "area": ["120"]}
        answer = verdict(page).text_content()
        shared = context.new_page()
        try:
            shared.goto(page.url)
            expect(verdict(shared)).to_have_text(answer)
            assert shared.input_value("#fc-fee") == "1.95" and shared.input_value("#fc-type") == "高层"
        finally:
            shared.close()

    in_browser(steps)


def test_full_width_digits_are_understood(in_browser, served):
    def steps(context):
        page = context.new_page()
        page.goto(served + "prices/check/?d=150802&t=%E9%AB%98%E5%B1%82&g=%E4%BA%8C%E7%BA%A7")
        page.locator("#fc-fee").press_sequentially("１．２")
        page.locator("#fc-area").press_sequentially("８９．５")
        result = verdict(page)
        expect(result).to_contain_text("结论：在参考区间内。您的物业费 1.20 元/平方米·月")
        expect(result).to_contain_text("每月 107.40 元，每年 1,288.80 元")
        assert parse_qs(urlsplit(page.url).query)["fee"] == ["1.2"]

    in_browser(steps)


def test_keyboard_only_and_the_verdict_is_announced(in_browser, served):
    def steps(context):
        page = context.new_page()
        page.goto(served + "prices/check/")
        for _ in range(60):  # Tab from the top of the page until the form is reached
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "fc-district":
                break
        else:
            pytest.fail("the fee check form cannot be reached with the Tab key")
        page.keyboard.press("ArrowDown")  # 临河区 -> 五原县
        page.keyboard.press("Tab")  # 房屋类型 stays 多层
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowDown")  # 二级 -> 三级
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "fc-fee"
        page.keyboard.type("0.85")
        page.keyboard.press("Enter")
        result = verdict(page)
        expect(result).to_have_attribute("aria-live", "polite")
        expect(result).to_contain_text("结论：高于参考区间。您的物业费 0.85 元/平方米·月，比上限 0.80 元高 0.05 元")
        assert page.evaluate("document.activeElement.id") == "fc-fee"  # Enter answers without leaving the field
        assert parse_qs(urlsplit(page.url).query)["d"] == ["150821"]
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "查看结果"

    in_browser(steps)


def test_community_page_links_to_a_filled_in_check(in_browser, served):
    def steps(context):
        page = context.new_page()
        page.goto(served + "communities/150802-hetaomingzhuxiaoqu/")
        expect(page.locator("dd", has_text="多层三级")).to_contain_text("低于参考区间（比下限低 0.10 元）")
        page.get_by_role("link", name="按自家面积自查").click()
        expect(verdict(page)).to_contain_text("结论：低于参考区间。您的物业费 0.50 元/平方米·月")

    in_browser(steps)


def test_without_javascript_the_table_and_how_to_read_it(in_browser, served):
    def steps(context):
        page = context.new_page()
        page.goto(served + "prices/check/")
        expect(page.locator("#fee-form")).to_be_hidden()
        expect(page.get_by_text("本页的自动计算需要浏览器启用 JavaScript")).to_be_visible()
        expect(page.get_by_role("heading", name="如何查表")).to_be_visible()
        expect(page.get_by_role("table", name="临河区（元/平方米·月）")).to_contain_text("0.60–0.90")

    in_browser(steps, java_script_enabled=False)
