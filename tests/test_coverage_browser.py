"""/coverage/ and /data/ in a real Chromium: readable charts in elderly mode, everything there
without JavaScript, no WCAG violation found by axe-core, and a download a person clicks."""

from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, build_site
from test_coverage import AS_OF, coverage_site

from tests.browser.server import SiteServer

AXE_JS = Path(__file__).resolve().parent.parent / "tools" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    output = build_site(coverage_site(tmp_path_factory.mktemp("browser") / "site"), as_of=AS_OF)
    with SiteServer(output, "/wyfw/") as server:
        yield server.url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _chart_text_px(page) -> float:
    """The rendered height of one 16-unit chart label, in CSS pixels."""
    return page.evaluate("""() => {
        const svg = document.querySelector('svg.chart');
        return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * 16;
    }""")


def test_chart_text_grows_to_elderly_size_when_the_reader_turns_the_mode_on(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(served + "coverage/")
    normal = _chart_text_px(page)
    page.click("#elder-toggle")
    elderly = _chart_text_px(page)
    context.close()
    assert 15.5 <= normal <= 17
    assert elderly >= 23.9  # 18 pt, the elderly mode's minimum text size
    assert elderly / normal == pytest.approx(1.5, rel=0.01)


def test_charts_and_tables_are_all_there_without_javascript(browser, served):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 800, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(served + "coverage/")
    charts = page.locator("svg.chart")
    assert charts.count() == 8
    chart = page.locator("#professional ~ figure svg.chart")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    assert page.get_by_role("img", name="专业化物业管理覆盖率：各旗县区与目标线").count() == 1
    table = page.get_by_role("table", name="专业化物业管理覆盖率：各旗县区数据")
    assert table.is_visible()
    assert "71.4%" in table.inner_text() and "还需 1 个小区" in table.inner_text()
    context.close()


def test_a_reader_downloads_a_ledger_from_the_district_page(browser, served, tmp_path):
    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.goto(served + "districts/150821/")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="下载五原县台账（XLSX）").click()
    saved = tmp_path / "ledger.xlsx"
    waiting.value.save_as(saved)
    context.close()
    import openpyxl

    rows = list(openpyxl.load_workbook(saved)["台账"].iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[1:]) == sorted(["水利局家属楼", "隆兴花园"])


@pytest.mark.parametrize("elder", [False, True])
def test_axe_finds_no_violation_on_coverage_data_and_dictionary_pages(browser, served, elder):
    if not AXE_JS.is_file():
        pytest.fail("缺少 tools/node_modules/axe-core：请先运行 bash scripts/setup-browser.sh")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    if elder:
        context.add_init_script("window.localStorage.setItem('elder-mode', '1')")
    page = context.new_page()
    found = []
    for path in ("coverage/", "data/", "data/dictionary/communities/", "districts/150822/"):
        page.goto(served + path)
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                               "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})")
        found += [f"{path} {v['id']}: {n['target']}" for v in result["violations"] for n in v["nodes"]]
    context.close()
    assert not found, "\n".join(found[:20])
