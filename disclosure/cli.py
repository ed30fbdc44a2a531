"""The command line: parse, call, report. Exit 0 ok, 1 invalid input, 2 usage error."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import democmd, diffcmd, searchcmd
from .build import BuildOptions, build, load_inputs
from .problems import InputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD，收到“{text}”") from exc


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="generate.py", description="物业服务信息公开网站生成器")
    commands = main.add_subparsers(dest="command", required=True, metavar="命令")

    def with_source(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--source", type=Path, default=PROJECT_ROOT,
                         help="站点目录（含 site.yaml、data/、content/），默认为项目根目录")

    b = commands.add_parser("build", help="校验数据并生成网站到 output/")
    with_source(b)
    b.add_argument("--output", type=Path, default=None, help="输出目录，默认为 <站点目录>/output")
    b.add_argument("--base-url", default=None, help="网站根地址，覆盖 site.yaml 的 base_url")
    b.add_argument("--as-of", type=_date, default=None,
                   help="按哪一天生成（YYYY-MM-DD）；默认取 SOURCE_DATE_EPOCH，否则为今天")
    b.add_argument("--strict", action="store_true", help="把提示也当作错误")
    b.add_argument("--full", action="store_true",
                   help="全部重新校验、重新生成（默认只重新校验有变化的数据文件、只重新生成有变化的页面）")
    b.add_argument("--jobs", type=int, default=None, help="并行生成页面的进程数，默认等于 CPU 核数")

    c = commands.add_parser("check", help="只校验数据，不生成网站")
    with_source(c)
    c.add_argument("--strict", action="store_true", help="把提示也当作错误")

    s = commands.add_parser("serve", help="本机预览（127.0.0.1），修改后自动重新生成并刷新")
    with_source(s)
    s.add_argument("--port", type=int, default=8000, help="端口，默认 8000")
    s.add_argument("--as-of", type=_date, default=None, help="按哪一天生成（YYYY-MM-DD）")

    for command in EXTRA_COMMANDS:
        command.add_parser(commands, with_source)
    return main


# Further commands live in their own modules, each with add_parser(commands, with_source)
# and run(args) -> exit code; the name of the subcommand is the module's COMMAND.
EXTRA_COMMANDS: tuple = (diffcmd, searchcmd, democmd)


def main(argv: list[str] | None = None, held: list[object] | None = None) -> int:
    """``held``: where a build leaves what it made, for a caller that ends the process right
    after (build.build)."""
    args = parser().parse_args(argv)
    for command in EXTRA_COMMANDS:
        if args.command == command.COMMAND:
            return command.run(args)
    source = args.source.resolve()
    if not (source / "site.yaml").is_file():
        print(f"错误：{source} 下没有 site.yaml，请用 --source 指定站点目录", file=sys.stderr)
        return 2
    try:
        if args.command == "check":
            inputs = load_inputs(source, strict=args.strict, workers=os.cpu_count() or 1)
            if inputs.problems.warnings:
                print(inputs.problems.report(), file=sys.stderr)
            catalog = inputs.catalog
            print(f"校验通过：{len(catalog.districts)} 个旗县区、{len(catalog.companies)} 家企业、"
                  f"{len(catalog.communities)} 个小区、{len(catalog.ratings)} 条信用评价、"
                  f"{len(catalog.prices)} 份价格文件、{len(inputs.content.notices)} 篇通知公告。")
            return 0
        if args.command == "build":
            output = (args.output or source / "output").resolve()
            report = build(BuildOptions(source, output, args.base_url, args.as_of, args.strict, args.full, args.jobs),
                           held)
            if report.warnings.warnings:
                print(report.warnings.report(), file=sys.stderr)
            stages = "，".join(f"{name} {seconds:.2f} 秒" for name, seconds in report.seconds.items())
            if report.unchanged:
                print(f"数据、页面、设置和模板都与上次生成时相同，{output} 未改动"
                      f"（{report.pages} 个页面，共 {report.files} 个文件）。")
            else:
                print(f"已生成 {report.pages} 个页面（重新生成 {report.rendered} 个，未变化沿用 {report.reused} 个），"
                      f"共 {report.files} 个文件（{report.bytes / 1e6:.1f} MB）到 {output}")
                if report.sections_kept:
                    print(f"其中 {len(report.sections_kept)} 个栏目用到的数据未变，页面和文件原样保留，未重新组织。")
            print(f"用时：{stages}")
            return 0
        if args.command == "serve":
            from .serve import serve

            serve(source, args.port, args.as_of)
            return 0
    except InputError as exc:
        print(f"【{exc.stage}】" + exc.problems.report(strict=getattr(args, "strict", False)), file=sys.stderr)
        return 1
    return 2
