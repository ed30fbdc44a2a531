"""Screenshots for the README: the home page and a company page, in normal and elderly mode.

    .venv/bin/python -m tests.browser.screenshots [--out docs/screenshots] [--source 站点目录]

Builds the site (the bundled one, else a demo site) into a temporary folder, serves it on
127.0.0.1 and photographs it with Debian's Chromium. Fonts come from the system (fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from disclosure.build import BuildOptions, build

from .conftest import CHROMIUM, CHROMIUM_ARGS, PROJECT, has_bundled_data
from .server import SiteServer

SHOTS = (("home", ""), ("company", None))  # None: the first company on the home page's red list


def take(source: Path, out: Path, width: int = 1280, height: int = 1000, browser=None) -> list[Path]:
    """Photograph the site built from source; with ``browser`` None, start Chromium for the purpose."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return take(source, out, width, height, chromium)
            finally:
                chromium.close()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        build(BuildOptions(source=source, output=output))
        with SiteServer(output) as server:
            for mode in ("normal", "elder"):
                context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                              device_scale_factor=1)
                if mode == "elder":
                    context.add_init_script("window.localStorage.setItem('elder-mode', '1')")
                page = context.new_page()
                for name, path in SHOTS:
                    if path is None:
                        page.goto(server.url)
                        path = page.locator("table:has(caption:text('红榜')) tbody th a").first.get_attribute("href")
                    page.goto(server.url + path)
                    page.wait_for_load_state("load")
                    file = out / (f"{name}.png" if mode == "normal" else f"{name}-elder.png")
                    page.screenshot(path=str(file))
                    written.append(file)
                context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.browser.screenshots", description="生成 README 截图")
    parser.add_argument("--out", type=Path, default=PROJECT / "docs" / "screenshots", help="截图保存目录")
    parser.add_argument("--source", type=Path, default=None, help="站点目录；默认用仓库自带数据，没有时生成演示站点")
    args = parser.parse_args(argv)
    source = args.source
    with tempfile.TemporaryDirectory() as tmp:
        if source is None:
            source = PROJECT
            if not has_bundled_data(PROJECT):
                source = Path(tmp) / "demo"
                subprocess.run([sys.executable, "-m", "disclosure.demo", "--out", str(source)], check=True)
        for file in take(source, args.out):
            print(file)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
