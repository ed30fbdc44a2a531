"""Search benchmark: prints figures, asserts nothing.

    .venv/bin/python scripts/bench_search.py                 # the bundled site (or the demo site)
    .venv/bin/python scripts/bench_search.py --province      # + 5,000 companies, 50,000 communities
    .venv/bin/python scripts/bench_search.py --pagefind /path/to/python-with-pagefind

For each site: time to make the search documents and export the static shards (CPU seconds,
since the machine is shared), the whoosh index built from scratch, index sizes, and in headless
Chromium the bytes fetched (raw and gzip) for a first and a second query and the query time
once shards are loaded. Pagefind, when given, is run over the same built output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from disclosure.build import BuildOptions, build, load_inputs  # noqa: E402
from disclosure.model import Model  # noqa: E402
from disclosure.render import Renderer, make_environment  # noqa: E402
from disclosure.sections import search as search_section  # noqa: E402
from disclosure.settings import theme_dirs  # noqa: E402
from search.engine import Engine, refresh  # noqa: E402
from search.export import export  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
AS_OF = dt.date(2026, 6, 1)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def tree_size(folder: Path) -> tuple[int, int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    raw = sum(p.stat().st_size for p in files)
    return len(files), raw, sum(len(gzip.compress(p.read_bytes())) for p in files)


def demo_site(folder: Path, companies: int | None = None, communities: int | None = None) -> Path:
    command = [sys.executable, "-m", "disclosure.demo", "--out", str(folder)]
    if companies:
        command += ["--companies", str(companies), "--communities", str(communities)]
    subprocess.run(command, check=True, cwd=PROJECT, capture_output=True)
    return folder


def search_only_output(source: Path, out: Path) -> tuple[list, dict[str, float]]:
    """Load, make documents and export, timed; write the search files, the page and static/."""
    seconds = {}
    clock = time.process_time()
    inputs = load_inputs(source)
    model = Model(inputs.settings, inputs.catalog, inputs.content, AS_OF, source)
    seconds["load+validate"] = time.process_time() - clock
    clock = time.process_time()
    docs = search_section.documents(model)
    seconds["documents"] = time.process_time() - clock
    clock = time.process_time()
    exported = export(docs)
    seconds["export"] = time.process_time() - clock
    for name, content in exported.files:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)
    # Only the search page is rendered: the other sections are not what is measured here.
    renderer = Renderer(make_environment(theme_dirs(source, inputs.settings)), inputs.settings, AS_OF,
                        inputs.settings.base_url)
    from disclosure.pages import Page

    page = Page("search/index.html", "search.html", "搜索",
                {"kinds": search_section.KIND_LABELS,
                 "districts": [(c, d.name) for c, d in sorted(model.districts.items())],
                 "document_count": exported.documents}, column="搜索")
    (out / page.path).write_text(renderer.render(page), encoding="utf-8")
    for theme in reversed(theme_dirs(source, inputs.settings)):
        if (theme / "static").is_dir():
            shutil.copytree(theme / "static", out / "static", dirs_exist_ok=True)
    print(f"  文档 {exported.documents} 条，词项 {exported.terms} 个，倒排记录 {exported.postings} 条，"
          f"分片 {exported.shards} 个，高频词 {exported.frequent} 个")
    return docs, seconds


def browser_figures(base: str, queries: list[str], index_prefix: str = "search/") -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        fetched: list[tuple[str, int, int]] = []

        def record(response) -> None:
            if index_prefix in response.url and response.ok:
                body = response.body()
                fetched.append((response.url, len(body), len(gzip.compress(body))))

        page.on("response", record)
        page.goto(base + "search/")
        page.wait_for_selector("#search-form[data-ready]", state="attached")
        for n, query in enumerate([*queries, queries[0]]):
            before = len(fetched)
            started = time.perf_counter()
            page.fill("#search-q", query)
            page.press("#search-q", "Enter")
            page.wait_for_function("q => document.getElementById('search-results').dataset.done === q", arg=query,
                                   timeout=60000)
            wall = (time.perf_counter() - started) * 1000
            compute = float(page.get_attribute("#search-results", "data-query-ms") or 0)
            status = page.inner_text("#search-status")
            new = fetched[before:]
            label = ("第一次查询" if n == 0 else "第二次查询" if n == 1 else "重复第一次（分片已载入）")
            extra = "（含 manifest）" if n == 0 else ""
            print(f"  {label}“{query}”：{status} 取回 {len(new)} 个文件{extra}，"
                  f"{sum(r for _, r, _ in new) / 1024:.1f} KB，gzip {sum(g for _, _, g in new) / 1024:.1f} KB；"
                  f"计算 {compute:.1f} ms，从回车到显示 {wall:.0f} ms")
        browser.close()


def pagefind_figures(python: str, output: Path, queries: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    site = Path(tempfile.mkdtemp(prefix="bench-pagefind-")) / "site"
    shutil.copytree(output, site)
    clock = time.perf_counter()
    result = subprocess.run([python, "-m", "pagefind", "--site", str(site)], capture_output=True, text=True)
    if result.returncode:
        print(f"  Pagefind 运行失败：{result.stderr.strip()[:300]}")
        return
    count, raw, gz = tree_size(site / "pagefind")
    print(f"  Pagefind：建索引 {time.perf_counter() - clock:.1f} 秒（墙钟），{count} 个文件，"
          f"{raw / 1e6:.2f} MB（gzip {gz / 1e6:.2f} MB）")
    server, base = serve(site)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        fetched: list[str] = []
        # Sizes are read from the files served (the body may be gone once the page moves on).
        page.on("response", lambda r: fetched.append(urlsplit(r.url).path) if "/pagefind/" in r.url and r.ok else None)
        page.goto(base)
        for n, query in enumerate(queries):
            before = len(fetched)
            found = page.evaluate("""async q => {
                const started = performance.now();
                const pf = await import('/pagefind/pagefind.js');
                await pf.init();
                const s = await pf.search(q);
                const top = await Promise.all(s.results.slice(0, 5).map(r => r.data()));
                return [s.results.length, top.map(d => d.meta.title), performance.now() - started];
            }""", query)
            files = [(site / path.lstrip("/")).read_bytes() for path in fetched[before:]]
            new = [(len(b), len(gzip.compress(b))) for b in files]
            print(f"  Pagefind 第{'一二'[min(n, 1)]}次查询“{query}”：{found[0]} 条，前几条 {found[1][:3]}；"
                  f"取回 {len(new)} 个文件 {sum(r for r, _ in new) / 1024:.1f} KB（gzip "
                  f"{sum(g for _, g in new) / 1024:.1f} KB），{found[2]:.0f} ms")
        browser.close()
    server.shutdown()
    shutil.rmtree(site.parent, ignore_errors=True)


def queries_for(source: Path) -> list[str]:
    """A company's brand and a community's name from the site itself (first and second query)."""
    catalog = load_inputs(source).catalog
    company = sorted(catalog.companies, key=lambda c: c.code)[0]
    community = sorted(catalog.communities, key=lambda c: c.id)[len(catalog.communities) // 2]
    brand = company.name[:company.name.find("物业")] if "物业" in company.name else company.name[:4]
    return [brand[-2:] + "物业", community.name]


def bench(label: str, source: Path, whoosh: bool, pagefind: str | None) -> None:
    print(f"【{label}】{source}")
    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        out = work / "output"
        docs, seconds = search_only_output(source, out)
        print("  CPU 时间：" + "，".join(f"{k} {v:.2f} 秒" for k, v in seconds.items()))
        count, raw, gz = tree_size(out / "search")
        print(f"  静态索引：{count} 个文件，{raw / 1e6:.2f} MB（逐个 gzip 合计 {gz / 1e6:.2f} MB）")
        queries = queries_for(source)
        if whoosh:
            clock, cpu = time.perf_counter(), time.process_time()
            refresh(work / "whoosh", docs)
            print(f"  whoosh 全量建索引：{time.perf_counter() - clock:.1f} 秒（墙钟），"
                  f"{time.process_time() - cpu:.1f} 秒（本进程 CPU），"
                  f"{tree_size(work / 'whoosh')[1] / 1e6:.2f} MB")
            engine = Engine(work / "whoosh", docs)
            for query in queries:
                clock = time.perf_counter()
                answer = engine.search(query)
                print(f"  whoosh 查询“{query}”：{answer.total} 条，{(time.perf_counter() - clock) * 1000:.0f} ms")
        server, base = serve(out)
        try:
            browser_figures(base, queries)
        finally:
            server.shutdown()
        if pagefind:
            full = work / "full"
            clock = time.process_time()
            build(BuildOptions(source=source, output=full, as_of=AS_OF))
            print(f"  整站生成（对照 Pagefind 用）：{time.process_time() - clock:.1f} 秒 CPU")
            pagefind_figures(pagefind, full, queries)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=None, help="站点目录；默认为项目自带数据，没有则生成演示站点")
    parser.add_argument("--province", action="store_true", help="另测 5,000 家企业、50,000 个小区的合成数据")
    parser.add_argument("--no-whoosh", action="store_true", help="不测 whoosh 全量建索引")
    parser.add_argument("--pagefind", default=None, help="装有 pagefind[extended] 的 Python 解释器，用于对照")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-sites-"))
    try:
        site = args.site
        if site is None:
            site = PROJECT if any((PROJECT / "data").glob("companies.*")) else demo_site(scratch / "demo")
        bench("自带站点" if site == PROJECT else "演示站点", site.resolve(), not args.no_whoosh, args.pagefind)
        if args.province:
            clock = time.perf_counter()
            province = demo_site(scratch / "province", 5000, 50000)
            print(f"（已生成省级规模合成数据，{time.perf_counter() - clock:.0f} 秒）")
            bench("省级规模：5,000 家企业、50,000 个小区", province, not args.no_whoosh, None)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
