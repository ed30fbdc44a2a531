"""The bundled site (or, until it exists, the demo site) built twice, served, and a real Chromium.

Built once per test session at the root and under a subpath, as a reviewer would check it:
every validator and journey runs against both builds or against a sample of every page type.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS

from disclosure.build import BuildOptions, assemble, build, default_as_of, load_inputs

from .server import SiteServer

PROJECT = Path(__file__).resolve().parents[2]
DOMAIN = "https://zjj.bynr.gov.cn"
BASES = {"root": "/", "subpath": "/wyfw/"}


@dataclass(frozen=True)
class BuiltSite:
    name: str
    output: Path
    base_url: str  # as published
    prefix: str  # the path it is served under


def has_bundled_data(root: Path) -> bool:
    return (root / "site.yaml").is_file() and any((root / "data").glob("companies.*"))


@pytest.fixture(scope="session")
def site_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site when data/ holds it; else a demo site made by disclosure.demo."""
    if has_bundled_data(PROJECT):
        return PROJECT
    out = tmp_path_factory.mktemp("demo") / "site"
    subprocess.run([sys.executable, "-m", "disclosure.demo", "--out", str(out)], check=True, cwd=PROJECT,
                   capture_output=True)
    return out


@pytest.fixture(scope="session")
def built_sites(site_source: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuiltSite]:
    sites = {}
    for name, prefix in BASES.items():
        output = tmp_path_factory.mktemp(f"out-{name}") / "output"
        base_url = DOMAIN + prefix
        build(BuildOptions(source=site_source, output=output, base_url=base_url))
        sites[name] = BuiltSite(name, output, base_url, prefix)
    return sites


@pytest.fixture(scope="session")
def page_samples(site_source: Path) -> dict[str, list[str]]:
    """Page type (template) → a few page paths of that type: first, second and last."""
    inputs = load_inputs(site_source)
    pages = assemble(inputs, default_as_of(), site_source).pages
    by_template: dict[str, list[str]] = {}
    for page in pages:
        by_template.setdefault(page.template, []).append(page.path)
    return {t: sorted({paths[0], paths[len(paths) // 2], paths[-1]}) for t, paths in by_template.items()}


@pytest.fixture(scope="session")
def servers(built_sites: dict[str, BuiltSite]) -> Iterator[dict[str, str]]:
    """Name → the URL each build is served at on 127.0.0.1."""
    running = [SiteServer(site.output, site.prefix) for site in built_sites.values()]
    for server in running:
        server.__enter__()
    yield {name: server.url for name, server in zip(built_sites, running, strict=True)}
    for server in running:
        server.__exit__(None, None, None)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. Not per session: Playwright's sync API allows one running
    instance per thread, and other test modules start their own."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"缺少 {CHROMIUM}：请先运行 bash scripts/setup-browser.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()


def url_of(served: str, path: str) -> str:
    return served + path.removesuffix("index.html")
