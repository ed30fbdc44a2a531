"""Local preview on 127.0.0.1 with live reload: rebuild when data, content, themes or settings change."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from livereload import Server

from .build import BuildOptions, build
from .problems import InputError
from .recordcache import InMemory

WATCHED = ("site.yaml", "data", "content", "themes")


def serve(source: Path, port: int, as_of: dt.date | None) -> None:
    output = source / "output"
    base_url = f"http://127.0.0.1:{port}/"
    # The process stays: each rebuild takes the checked records of unchanged data files from
    # memory instead of the record cache's files.
    options = BuildOptions(source, output, base_url=base_url, as_of=as_of, memory=InMemory())

    def rebuild() -> None:
        try:
            report = build(options)
            print(f"已重新生成 {report.pages} 个页面", flush=True)
        except InputError as exc:
            # The previous output stays; the message says what to fix.
            print(f"【{exc.stage}】" + exc.problems.report(), file=sys.stderr, flush=True)

    rebuild()
    server = Server()
    for name in WATCHED:
        path = source / name
        if path.exists():
            server.watch(str(path / "**" / "*") if path.is_dir() else str(path), rebuild)
    print(f"预览地址：{base_url}（按 Ctrl+C 停止）", flush=True)
    server.serve(root=str(output), host="127.0.0.1", port=port, open_url_delay=None)
