"""The reviewer's third-party checks, over the whole site built at the root and under a subpath:
the W3C Nu HTML checker on every page and stylesheet, axe-core on every page type in normal and
elderly mode, and a link checker over every link and anchor."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import build_site, tiny_site, write_site

from .conftest import PROJECT, url_of
from .linkcheck import check_site
from .server import SiteServer

VNU_JAR = PROJECT / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = PROJECT / "tools" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _need(path: Path) -> None:
    if not path.is_file():
        pytest.fail(f"缺少 {path.relative_to(PROJECT)}：请先运行 bash scripts/setup-browser.sh")


def test_nu_html_checker_finds_no_error_in_any_page_or_stylesheet(built_sites):
    _need(VNU_JAR)
    java = shutil.which("java")
    assert java, "缺少 Java：请先运行 bash scripts/setup-browser.sh"
    files = [str(f) for site in built_sites.values() for f in sorted(site.output.rglob("*.html"))]
    stylesheets = [str(f) for site in built_sites.values() for f in sorted(site.output.rglob("*.css"))]
    assert len(files) > 20 and stylesheets
    # One JVM for every file: starting Java once per page would take minutes.
    run = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--also-check-css",
                          *files, *stylesheets], capture_output=True, text=True, timeout=900)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}" for m in messages
              if m["type"] in ("error", "non-document-error")]
    assert not errors, f"{len(errors)} 个错误：\n" + "\n".join(errors[:40])
    assert run.returncode == 0


@pytest.mark.parametrize("name", ["root", "subpath"])
def test_every_link_and_anchor_resolves(built_sites, name):
    site = built_sites[name]
    report = check_site(site.output, site.base_url)
    assert report.pages > 20 and report.links > report.pages * 10
    assert not report.broken, f"{len(report.broken)} 个失效链接：\n" + "\n".join(report.broken[:40])
    # Pages may link to other sites (the filing registries the norms require), never load from one.
    assert {tag for tag, _ in report.external} <= {"a"}, sorted(report.external)
    assert {url.split("/")[2] for _, url in report.external} >= {"beian.miit.gov.cn", "beian.mps.gov.cn"}


def test_link_checker_reports_a_missing_page_and_a_missing_anchor(tmp_path):
    output = build_site(write_site(tmp_path / "site", tiny_site()))
    home = output / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "</main>", '<a href="companies/nowhere/">x</a><a href="notices/#no-such-anchor">y</a>'
                   '<a href="#main">ok</a></main>'), encoding="utf-8")
    broken = "\n".join(check_site(output, "https://example.org/wyfw/").broken)
    assert "index.html: <a> companies/nowhere/：目标不存在" in broken
    assert "index.html: <a> notices/#no-such-anchor：页面中没有锚点 #no-such-anchor" in broken
    assert "#main" not in broken


def test_street_pages_of_a_large_district_pass_every_checker(tmp_path, monkeypatch, page):
    """The bundled city has no district large enough to be listed by street; a province has
    many. The tiny site, with every district of more than one community listed so."""
    _need(VNU_JAR)
    _need(AXE_JS)
    from disclosure.sections import communities as community_section

    monkeypatch.setattr(community_section, "STREET_PAGES_OVER", 1)
    output = build_site(write_site(tmp_path / "site", tiny_site()))
    streets = sorted(output.glob("districts/150802/*/index.html"))
    assert len(streets) == 2
    checked = [output / "communities/index.html", output / "districts/150802/index.html", *streets]
    run = subprocess.run([shutil.which("java") or "java", "-jar", str(VNU_JAR), "--format", "json",
                          *map(str, checked)], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    assert not [m for m in messages if m["type"] in ("error", "non-document-error")], messages
    report = check_site(output, "https://example.org/wyfw/")
    assert not report.broken, report.broken
    with SiteServer(output, "/wyfw/") as server:
        found = []
        for path in checked:
            page.goto(url_of(server.url, path.relative_to(output).as_posix()))
            found += [f"{path}: {v}" for v in _axe(page)]
    assert not found, "\n".join(found)


def _axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    return [f"{v['id']}（{v['impact']}）：{v['help']} → {n['target']}"
            for v in result["violations"] for n in v["nodes"]]


@pytest.mark.parametrize("mode", ["normal", "elderly"])
def test_axe_finds_no_wcag_violation_on_any_page_type(browser, servers, page_samples, mode):
    _need(AXE_JS)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    if mode == "elderly":
        context.add_init_script("window.localStorage.setItem('elder-mode', '1')")
    found: list[str] = []
    try:
        tab = context.new_page()
        for template, paths in sorted(page_samples.items()):
            for path in (paths[0], paths[-1]):
                tab.goto(url_of(servers["subpath"], path))
                tab.wait_for_load_state("load")
                elder = tab.evaluate("document.documentElement.classList.contains('elder')")
                assert elder == (mode == "elderly"), path
                found += [f"{template} {path}: {v}" for v in _axe(tab)]
    finally:
        context.close()
    assert not found, f"{len(found)} 处违反 WCAG 2.1 A/AA：\n" + "\n".join(found[:40])


def test_axe_reports_a_violation_when_there_is_one(page):
    _need(AXE_JS)
    page.set_content('<!DOCTYPE html><html lang="zh-CN"><head><title>t</title></head><body><main>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><p style="color:#bbb">浅色文字</p>'
                     '</main></body></html>')
    found = "\n".join(_axe(page))
    assert "image-alt" in found and "color-contrast" in found
