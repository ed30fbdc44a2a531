#!/usr/bin/env python3
"""Rebuilds in one long-running process, as `generate.py serve` makes them: prints figures,
asserts nothing.

    .venv/bin/python scripts/bench_serve.py                 # the bundled site
    .venv/bin/python scripts/bench_serve.py --companies 5000 --communities 50000 --years 5

The site is made as bench_build.py makes it and built once by generate.py (untimed). Then one
process builds it again and again with the same BuildOptions (as serve: one InMemory for
every build), each time after changing one company's phone number (or, with ``--edit
community``, one community's address), and prints each rebuild's time, measured around
build(). The first of them still reads the checked records from .cache/records; the later
ones find them in memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_build import ROOT, edit_community, edit_company, prepare_site

from disclosure.build import BuildOptions, build
from disclosure.recordcache import InMemory

AS_OF = "2026-06-01"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int)
    parser.add_argument("--communities", type=int)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--rebuilds", type=int, default=4, choices=range(1, 9), metavar="1-8")
    parser.add_argument("--edit", choices=("company", "community"), default="company",
                        help="what each rebuild follows: a company's new phone number, or a community's new address")
    args = parser.parse_args()

    work = Path(tempfile.gettempdir()) / "bench-serve"
    source = prepare_site(work, args.companies, args.communities, args.years)
    subprocess.run([sys.executable, str(ROOT / "generate.py"), "build", "--source", str(source), "--as-of", AS_OF],
                   check=True, capture_output=True)
    options = BuildOptions(source, source / "output", as_of=dt.date.fromisoformat(AS_OF), memory=InMemory())
    for run in range(args.rebuilds):
        (edit_company if args.edit == "company" else edit_community)(source / "data", run)
        started = time.perf_counter()
        report = build(options)
        seconds = time.perf_counter() - started
        stages = "，".join(f"{name} {value:.2f} 秒" for name, value in report.seconds.items())
        print(f"one {args.edit}, rebuild {run + 1} in one process: {seconds:.2f} s "
              f"(rendered {report.rendered}, sections left alone {len(report.sections_kept)}); {stages}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
