"""Every page type read as people read it: with JavaScript off, on a 360 px phone, and the 404."""

from __future__ import annotations

import pytest

from .conftest import url_of


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def tab(browser, request):
    context = browser.new_context(java_script_enabled=request.param, viewport={"width": 360, "height": 740},
                                  locale="zh-CN")
    yield context.new_page()
    context.close()


def test_every_page_type_is_readable_and_fits_a_360px_screen(tab, servers, page_samples):
    problems = []
    for template, paths in sorted(page_samples.items()):
        for path in paths:
            response = tab.goto(url_of(servers["subpath"], path))
            expected_status = 404 if path == "404.html" else 200
            if path == "404.html":  # served as a host serves it: for any unknown address
                response = tab.goto(servers["subpath"] + "no/such/page/")
            if response.status != expected_status:
                problems.append(f"{path}: HTTP {response.status}")
            main = tab.locator("main")
            if not tab.locator("h1").first.is_visible() or len(main.inner_text().strip()) < 20:
                problems.append(f"{template} {path}: 正文不可见")
            if not tab.get_by_role("navigation", name="主导航").get_by_role("link", name="首页").is_visible():
                problems.append(f"{template} {path}: 主导航不可见")
            overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide = tab.evaluate("""() => [...document.querySelectorAll('main *, header *, footer *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                            && !e.closest('.table-wrap'))
                    .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
                problems.append(f"{template} {path}: 比 360px 宽 {overflow}px（{wide}）")
    assert not problems, "\n".join(problems)


def test_the_404_page_links_home_under_the_subpath(page, servers):
    response = page.goto(servers["subpath"] + "companies/000000000000000000/")
    assert response.status == 404
    page.get_by_role("main").get_by_role("link", name="首页").click()
    assert page.url == servers["subpath"]


def test_meta_tags_of_the_government_norms(page, servers, page_samples):
    page.goto(servers["root"])
    names = page.eval_on_selector_all("meta[name]", "ms => Object.fromEntries(ms.map(m => [m.name, m.content]))")
    assert names["SiteIDCode"] and names["SiteName"] and names["SiteDomain"]
    assert names["ColumnName"] == "首页"
    page.goto(servers["root"] + "notices/")
    page.locator("main ul.link-list a").first.click()
    page.wait_for_load_state("load")
    names = page.eval_on_selector_all("meta[name]", "ms => Object.fromEntries(ms.map(m => [m.name, m.content]))")
    assert names["ArticleTitle"] == page.locator("h1").inner_text()
    assert len(names["PubDate"]) == len("2026-02-27 09:00") and names["ContentSource"]
    assert "ColumnName" not in names


def test_screenshot_tooling_makes_the_readme_images(browser, site_source, tmp_path):
    from .screenshots import take

    files = take(site_source, tmp_path, width=800, height=600, browser=browser)
    assert sorted(f.name for f in files) == ["company-elder.png", "company.png", "home-elder.png", "home.png"]
    for file in files:
        data = file.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == 800
    # Elderly mode must look different: larger text changes the picture.
    assert (tmp_path / "home.png").read_bytes() != (tmp_path / "home-elder.png").read_bytes()


TARGETS = ("header a, header button, header input, .site-nav a, .breadcrumb a, .pager a, .facet a, "
           "td a, th a, .link-list a, .tiles a, main button, main select, main input, .site-footer a")


@pytest.mark.parametrize(("mode", "smallest"), [("normal", 44), ("elderly", 60)])
def test_touch_targets_are_large_enough(browser, servers, page_samples, mode, smallest):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    if mode == "elderly":
        context.add_init_script("window.localStorage.setItem('elder-mode', '1')")
    tab = context.new_page()
    small = []
    try:
        for template in ("home.html", "companies.html", "company.html", "communities.html", "community.html",
                         "district.html", "notices.html"):
            path = page_samples[template][0]
            tab.goto(url_of(servers["root"], path))
            tab.wait_for_load_state("load")
            found = tab.evaluate("""([selector, least]) => [...document.querySelectorAll(selector)]
                .filter(e => e.offsetParent !== null && getComputedStyle(e).visibility === 'visible')
                .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])
                .filter(([, h]) => h < least)""", [TARGETS, smallest])
            small += [f"{path}: {html} 高 {height:.0f}px" for html, height in found]
    finally:
        context.close()
    assert not small, "\n".join(small[:30])


# The grey levels of a PNG screenshot, read back by Chromium itself (no image library here).
_PIXELS_OF_PNG = """async (data) => {
    const image = new Image();
    image.src = "data:image/png;base64," + data;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
    return {width: canvas.width, height: canvas.height, grey: Array.from(rgba.filter((_, i) => i % 4 === 0))};
}"""


def test_the_printed_qr_code_of_a_community_page_scans_to_its_address(page, servers, built_sites, page_samples):
    """The code on the printed notice sheet, as Chromium draws it for print and enlarged
    three times, is read back by a decoder, and its edges stay sharp (no smoothing)."""
    import base64

    import numpy as np
    import zxingcpp

    page.emulate_media(media="print")
    for path in page_samples["community.html"]:
        page.goto(url_of(servers["subpath"], path))
        shot = base64.b64encode(page.locator(".qr-code").screenshot()).decode("ascii")
        drawn = page.evaluate(_PIXELS_OF_PNG, shot)
        pixels = np.array(drawn["grey"], dtype=np.uint8).reshape(drawn["height"], drawn["width"])
        assert set(np.unique(pixels)) <= {0, 255}, "模块边缘被平滑，打印不清晰"
        found = zxingcpp.read_barcodes(pixels, formats=zxingcpp.BarcodeFormat.QRCode)
        assert [code.text for code in found] == [built_sites["subpath"].base_url + path.removesuffix("index.html")]
