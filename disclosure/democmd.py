"""`generate.py demo-data`: write a synthetic site of any size, valid by construction."""

from __future__ import annotations

import argparse
from pathlib import Path

COMMAND = "demo-data"


def add_parser(commands, with_source) -> None:
    sub = commands.add_parser(COMMAND, help="生成任意规模的虚构演示数据（用于测试和性能评估）")
    sub.add_argument("--companies", type=int, default=48, help="企业数，默认 48")
    sub.add_argument("--communities", type=int, default=240, help="小区数，默认 240")
    sub.add_argument("--years", type=int, default=3, help="信用评价年数（截至 2025 年度），默认 3")
    sub.add_argument("--seed", type=int, default=2026, help="随机种子；同一种子生成完全相同的文件")
    sub.add_argument("--out", type=Path, required=True, help="输出的站点目录（须不存在或为空）")


def run(args: argparse.Namespace) -> int:
    from .demo import write_demo_site

    out = args.out.resolve()
    if out.exists() and any(out.iterdir()):
        print(f"错误：{out} 已存在且不为空，请换一个目录", flush=True)
        return 2
    if min(args.companies, args.communities, args.years) < 1:
        print("错误：企业数、小区数和年数都至少为 1", flush=True)
        return 2
    write_demo_site(out, companies=args.companies, communities=args.communities, years=args.years, seed=args.seed)
    print(f"已生成演示站点：{out}（{args.companies} 家企业、{args.communities} 个小区、{args.years} 个年度）")
    print(f"预览：python generate.py serve --source {out}")
    return 0
