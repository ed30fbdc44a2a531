"""`generate.py search QUERY [--json]`: query the whoosh index of the last build.

The index (in <site>/.cache/search-index/) is brought up to date from the output's
search/documents.json.gz first, changing only the documents that changed since last time.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

COMMAND = "search"


def add_parser(commands, with_source) -> None:
    sub = commands.add_parser(COMMAND, help="在已生成网站的搜索索引中查找企业、小区、红黑榜和通知公告")
    with_source(sub)
    sub.add_argument("query", help="名称的一部分、拼音或首字母、统一社会信用代码（或前几位）、法定代表人、街道")
    sub.add_argument("--output", type=Path, default=None, help="已生成的网站目录，默认为 <站点目录>/output")
    sub.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    sub.add_argument("--limit", type=int, default=10, help="最多显示多少条，默认 10；0 为全部")
    sub.add_argument("--kind", choices=("company", "community", "list", "notice"), default="",
                     help="只看一类：company 企业、community 小区、list 红黑榜、notice 通知公告")
    sub.add_argument("--district", default="", help="只看一个旗县区（名称或区划代码）")


def index_dir(source: Path) -> Path:
    return source / ".cache" / "search-index"


def run(args: argparse.Namespace) -> int:
    from search.engine import Engine, load_documents, refresh
    from search.export import DOCUMENTS

    source = args.source.resolve()
    output = (args.output or source / "output").resolve()
    if not (output / DOCUMENTS).is_file():
        print(f"错误：{output} 下没有搜索数据（{DOCUMENTS}），请先运行 generate.py build", file=sys.stderr)
        return 2
    docs = load_documents(output)
    changed = refresh(index_dir(source), docs)
    if changed.added or changed.deleted:
        print(f"已更新搜索索引：新增或更新 {changed.added} 条，移除旧版本 {changed.deleted} 条",
              file=sys.stderr)
    answer = Engine(index_dir(source), docs).search(args.query, args.limit or None, args.kind, args.district)
    if args.json:
        check = answer.code_check
        print(json.dumps({
            "query": answer.query, "terms": list(answer.terms), "required": [list(r) for r in answer.required],
            "total": answer.total, "results": [h.as_json() for h in answer.hits],
            "code_check": None if check is None else {
                "code": check.code, "ok": check.ok, "message": check.message,
                "nearest": [d.key for d in check.nearest]},
        }, ensure_ascii=False, indent=1))
        return 0
    if answer.code_check and not answer.code_check.ok:
        print(answer.code_check.message)
    if not answer.hits:
        print(f"没有找到与“{args.query}”相符的企业、小区、红黑榜或通知公告。")
        return 0
    print(f"与“{args.query}”相符的共 {answer.total} 条，显示前 {len(answer.hits)} 条：")
    from search.documents import KIND_LABELS

    for hit in answer.hits:
        d = hit.doc
        place = f"｜{d.district_name}" if d.district_name else ""
        print(f"{hit.rank:>3}. 【{KIND_LABELS[d.kind]}】{d.title}{place}（得分 {hit.score}）")
        print(f"     {d.summary}")
        print(f"     {d.url}")
    return 0
