"""The query set: every query must find its intended record in the top 3, through
`generate.py search` and in headless Chromium typing into the search box, and the two must
agree on the top results.

The queries are derived from the demo site's records (what a person would type for them:
the name, a fragment, pinyin, initials, the code, the legal representative, a street …),
keeping only those that single a record out among the records themselves, so the set does
not depend on which fictional names the demo generator happens to pick.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS
from pypinyin import lazy_pinyin

from disclosure.build import BuildOptions, build, load_inputs
from disclosure.cli import main

PROJECT = Path(__file__).resolve().parent.parent
PREFIXES = ("巴彦淖尔市", "临河区", "五原县", "磴口县", "乌拉特前旗", "乌拉特中旗", "乌拉特后旗", "杭锦后旗")


@dataclass(frozen=True)
class Case:
    query: str
    intended: str  # the intended record's title
    why: str
    also: tuple[str, ...] = ()  # other records that count as intended (any community on a street)

    def hit(self, titles: list[str]) -> bool:
        return any(t == self.intended or t in self.also for t in titles)


def _initials(text: str) -> str:
    return "".join(s[0] for s in lazy_pinyin(text))


def _full(text: str) -> str:
    return "".join(lazy_pinyin(text))


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def query_set(source: Path) -> list[Case]:
    catalog = load_inputs(source).catalog
    companies = sorted(catalog.companies, key=lambda c: c.code)
    communities = sorted(catalog.communities, key=lambda c: c.id)
    names = [n for c in companies for n in c.names]

    def rare_in_companies(fragment: str, convert=lambda s: s) -> bool:
        return sum(fragment in convert(n) for n in names) <= 2

    cases: list[Case] = []
    reps = Counter(c.legal_rep for c in companies)
    chosen = 0
    for company in companies:
        if "物业" not in company.name or chosen == 6:
            continue
        head = company.name[:company.name.index("物业")]
        brand = head.removeprefix(next((p for p in PREFIXES if head.startswith(p)), ""))
        if len(brand) < 2 or not rare_in_companies(brand + "物业"):
            continue
        chosen += 1
        name = company.name
        fragment = name[name.index("物业") - 1:name.index("物业") + 1]
        cases += [
            Case(name, name, "全称"),
            Case(brand + "物业", name, "名称的一部分"),
            Case(_initials(head + "物业"), name, "拼音首字母（含地名）"),
            Case(_full(brand) + "wuye", name, "全拼"),
            Case(brand + "wy", name, "汉字加拼音首字母"),
            Case(company.code, name, "统一社会信用代码"),
            Case(company.code[:12], name, "代码前 12 位"),
            Case(_wide(company.code.lower()), name, "全角小写代码"),
        ]
        if rare_in_companies(fragment):
            cases.append(Case(fragment, name, "中间片段"))
        if rare_in_companies(_initials(brand + "物业"), _initials):
            cases.append(Case(_initials(brand + "物业"), name, "品牌拼音首字母"))
        if reps[company.legal_rep] == 1:
            cases.append(Case(company.legal_rep, name, "法定代表人"))
        for former in company.names[1:]:
            if names.count(former) == 1:
                cases.append(Case(former, name, "曾用名"))
    community_names = Counter(c.name for c in communities)
    streets = Counter((c.district, c.street) for c in communities)
    chosen = 0
    for community in communities:
        if community_names[community.name] != 1 or chosen == 6:
            continue
        same_initials = sum(_initials(community.name) in _initials(c.name) for c in communities)
        chosen += 1
        cases += [Case(community.name, community.name, "小区全称"),
                  Case(_full(community.name), community.name, "小区全拼"),
                  Case(community.address, community.name, "地址")]
        if same_initials == 1:
            cases.append(Case(_initials(community.name), community.name, "小区拼音首字母"))
    for district, street in sorted(streets)[:: max(1, len(streets) // 4)][:4]:
        on_street = tuple(c.name for c in communities if (c.district, c.street) == (district, street))
        cases += [Case(street, on_street[0], "街道（乡镇）", on_street[1:]),
                  Case(_full(street), on_street[0], "街道全拼", on_street[1:])]
    for notice in load_inputs(source).content.notices:
        cases.append(Case(notice.title, notice.title, "通知标题"))
    return cases


def ask(source: Path, output: Path, query: str) -> list[dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["search", query, "--json", "--limit", "5", "--source", str(source),
                     "--output", str(output)]) == 0
    return json.loads(out.getvalue())["results"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    source = tmp_path_factory.mktemp("search-demo") / "site"
    subprocess.run([sys.executable, "-m", "disclosure.demo", "--out", str(source)], check=True, cwd=PROJECT,
                   capture_output=True)
    output = source / "output"
    build(BuildOptions(source=source, output=output, as_of=dt.date(2026, 6, 1)))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield source, output, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def browser_results(base: str, cases: list[Case]) -> dict[str, list[tuple[str, str]]]:
    """Type each query into the search box and press Enter, as a person would."""
    from playwright.sync_api import sync_playwright

    found: dict[str, list[tuple[str, str]]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base)  # the first query goes through the header box of the home page
        page.fill("#site-search-q", cases[0].query)
        page.press("#site-search-q", "Enter")
        for n, case in enumerate(cases):
            if n:
                page.fill("#search-q", case.query)
                page.press("#search-q", "Enter")
            page.wait_for_function("q => document.getElementById('search-results').dataset.done === q",
                                   arg=case.query, timeout=15000)
            items = page.eval_on_selector_all(
                "li[data-rank]",
                "els => els.map(e => [Number(e.dataset.rank), e.querySelector('a').textContent,"
                " e.querySelector('a').getAttribute('href')])")
            found[case.query] = [(title, href) for _, title, href in sorted(items)[:3]]
        assert page.url.startswith(base + "search/?q=")  # the query is in the URL
        browser.close()
    return found


def test_query_set_top_three_in_cli_and_chromium_agree(demo) -> None:
    source, output, base = demo
    cases = query_set(source)
    assert len(cases) >= 40, f"only {len(cases)} queries could be derived"
    assert {c.why for c in cases} >= {"全称", "中间片段", "拼音首字母（含地名）", "全拼", "汉字加拼音首字母",
                                      "统一社会信用代码", "代码前 12 位", "全角小写代码", "法定代表人",
                                      "小区全称", "地址", "街道（乡镇）", "通知标题"}
    cli = {c.query: [(r["title"], "../" + r["url"]) for r in ask(source, output, c.query)[:3]] for c in cases}
    chromium = browser_results(base, cases)
    missed = [f"{c.why}：{c.query} → {c.intended}，命令行前三：{[t for t, _ in cli[c.query]]}"
              for c in cases if not c.hit([t for t, _ in cli[c.query]])]
    assert not missed, "\n".join(missed)
    disagree = [f"{c.query}：命令行 {cli[c.query]}，浏览器 {chromium[c.query]}"
                for c in cases if cli[c.query] != chromium[c.query]]
    assert not disagree, "\n".join(disagree)


def test_filters_and_code_check_in_chromium(demo) -> None:
    from playwright.sync_api import sync_playwright

    source, output, base = demo
    company = sorted(load_inputs(source).catalog.companies, key=lambda c: c.code)[0]
    wrong = company.code[:17] + ("0" if company.code[17] != "0" else "1")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base + "search/?q=" + wrong)
        page.wait_for_function("q => document.getElementById('search-results').dataset.done === q", arg=wrong)
        alert = page.inner_text("#search-code")
        assert f"第 18 位校验码应为“{company.code[17]}”" in alert and company.name in alert
        # Filters: type and district, reflected in the URL, results only of that kind.
        page.fill("#search-q", "物业")
        page.press("#search-q", "Enter")
        page.wait_for_function("() => document.getElementById('search-results').dataset.done === '物业'")
        page.select_option("#search-kind", "community")
        page.wait_for_url("**kind=community**")
        page.wait_for_function("() => document.getElementById('search-results').dataset.filter === 'community|'")
        assert page.locator("#group-company").count() == 0
        assert page.locator("#group-community").count() == 1
        page.select_option("#search-district", "150821")
        page.wait_for_url("**district=150821**")
        page.wait_for_function(
            "() => document.getElementById('search-results').dataset.filter === 'community|150821'")
        districts = page.eval_on_selector_all(".search-district", "els => els.map(e => e.textContent.trim())")
        assert districts and set(districts) == {"五原县"}
        # Keyboard: Tab from the box reaches the button; results are links in lists under headings.
        page.focus("#search-q")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "搜索"
        assert page.get_attribute("#search-status", "aria-live") == "polite"
        cli = ask(source, output, "物业")
        assert cli  # the same query answers on the command line too
        browser.close()
