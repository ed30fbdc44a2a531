#!/usr/bin/env python3
"""Build benchmark: prints figures, asserts nothing.

    .venv/bin/python scripts/bench_build.py                 # the bundled site
    .venv/bin/python scripts/bench_build.py --companies 5000 --communities 50000 --years 5

For a synthetic data set it first writes one with disclosure.demo (cached under /tmp). Each
build runs as its own process (generate.py build), timed from outside. Peak memory is given
twice: the largest process's, from wait4(), and the sum over the build and its workers, from
/proc (PSS, sampled every 0.2 s, so a shorter peak can be missed). Scenarios: full build,
rebuild with no change, after changing one company, after changing one community, after
adding one rating year, after editing the base template. With ``--repeat N`` each rebuild
scenario runs N times, each with an edit of its own (a new phone number, a new address, the
year removed and added again, a new template edit), and a summary gives each one's range:
this machine's speed swings by a third between runs of the same build.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _process_tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in _process_tree(int(child)))]


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared with a forked worker count half in each."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class PssSampler(threading.Thread):
    """The build's memory summed over it and its workers, sampled every 0.2 s: wait4()'s
    maxrss is one process's, and counts pages shared with forked workers in each of them."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while True:  # a sample first: a build that is over within 0.2 s gets one too
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _process_tree(self.pid)))
            if self.stop.wait(0.2):
                return


def run_build(source: Path, *extra: str) -> dict:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "generate.py"), "build", "--source", str(source), "--as-of", "2026-06-01", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = PssSampler(process.pid)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    out, err = process.stdout.read(), process.stderr.read()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed:\n{err[-3000:]}")
    pages = re.search(r"已生成 (\d+) 个页面（重新生成 (\d+) 个，未变化沿用 (\d+) 个）", out)
    unchanged = re.search(r"未改动（(\d+) 个页面", out)
    stages = re.search(r"用时：(.*)", out)
    counts = (int(unchanged.group(1)), 0, int(unchanged.group(1))) if unchanged else tuple(map(int, pages.groups()))
    return {
        "seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "pss_mb": sampler.peak_kb / 1024,
        "pages": counts[0], "rendered": counts[1], "reused": counts[2],
        "stages": stages.group(1) if stages else "",
    }


def report(name: str, result: dict) -> None:
    rate = result["rendered"] / result["seconds"] if result["seconds"] else 0
    print(f"{name:<28} {result['seconds']:7.2f} s  peak {result['peak_mb']:5.0f} MB (largest process), "
          f"{result['pss_mb']:5.0f} MB (all processes, PSS sampled)  "
          f"pages {result['pages']:>6} (rendered {result['rendered']}, reused {result['reused']}, "
          f"{rate:.0f} rendered/s)")
    print(f"{'':<28} stages: {result['stages']}")


def edit_first_row(data: Path, dataset: str, old: str, new: str) -> None:
    """Change the first record of a CSV data file, as staff fixing one row would."""
    path = next(data.glob(f"{dataset}.*"))
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    if old not in lines[1]:
        raise SystemExit(f"{path}: the first row has no {old!r} to change")
    lines[1] = lines[1].replace(old, new, 1)
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")


def edit_company(data: Path, run: int) -> None:
    """The first company's phone number, a value not used before in each ``run`` (0-7)."""
    edit_first_row(data, "companies", f",04{78 + run}-", f",04{79 + run}-")


def edit_community(data: Path, run: int) -> None:
    """The first community's address, a value not used before in each ``run`` (0-7)."""
    marks = "甲乙丙丁戊己庚辛"
    edit_first_row(data, "communities", f"号{marks[run - 1] if run else ''},", f"号{marks[run]},")


def prepare_site(work: Path, companies: int | None, communities: int | None, years: int) -> Path:
    """A site in ``work``/site, made afresh: synthetic data of that size (written once with
    disclosure.demo and cached under /tmp), or the bundled data when ``companies`` is None."""
    if work.exists():
        shutil.rmtree(work)
    source = work / "site"
    if companies:
        from disclosure.demo import write_demo_site

        cache = Path(tempfile.gettempdir()) / f"bench-data-{companies}-{communities}-{years}"
        if not cache.exists():
            started = time.perf_counter()
            write_demo_site(cache, companies=companies, communities=communities, years=years)
            print(f"synthetic data written in {time.perf_counter() - started:.1f} s")
        # Without what a build leaves beside the data (.cache: checked records, workbooks, search
        # shards; output/): the full build is measured cold.
        shutil.copytree(cache, source, ignore=shutil.ignore_patterns(".cache", "output", ".output*"))
    else:
        source.mkdir(parents=True)
        for name in ("site.yaml", "data", "content"):
            (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, source / name)
    return source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int)
    parser.add_argument("--communities", type=int)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1, choices=range(1, 9), metavar="1-8",
                        help="runs of each rebuild scenario")
    args = parser.parse_args()

    work = Path(tempfile.gettempdir()) / "bench-build"
    source = prepare_site(work, args.companies, args.communities, args.years)
    print(f"machine: {os.cpu_count()} cores; data: {source}")

    seconds: dict[str, list[float]] = {}

    def measure(name: str, *extra: str) -> None:
        result = run_build(source, *extra)
        seconds.setdefault(name, []).append(result["seconds"])
        report(name if args.repeat == 1 else f"{name} #{len(seconds[name])}", result)

    measure("full build", "--full")
    theme = source / "themes/default/templates"
    base = (ROOT / "themes/default/templates/base.html").read_text(encoding="utf-8")
    ratings = sorted((source / "data/ratings").iterdir())
    for run in range(args.repeat):
        measure("rebuild, no change")

        # One company's phone, and one community's address, each time a value not used before.
        edit_company(source / "data", run)
        measure("rebuild, one company")
        edit_community(source / "data", run)
        measure("rebuild, one community")

        if ratings:
            newest = ratings[-1]
            year = int(re.search(r"\d{4}", newest.name).group(0))
            hidden = work / newest.name
            shutil.move(newest, hidden)  # build without the newest year, then add it back
            run_build(source)
            shutil.move(hidden, newest)
            measure(f"rebuild, add year {year}")

        theme.mkdir(parents=True, exist_ok=True)
        (theme / "base.html").write_text(base.replace("</footer>", f"<!-- edited {run + 1} --></footer>"),
                                         encoding="utf-8")
        measure("rebuild, base template")
        # Back to the bundled templates, unmeasured: with templates of its own, a site's
        # sections read every field of the records they show (reads.py), and the next round
        # would measure that instead.
        (theme / "base.html").unlink()
        run_build(source)

    if args.repeat > 1:
        print("\nsummary (seconds, fastest–slowest of each scenario's runs):")
        for name, runs in seconds.items():
            print(f"  {name:<28} {min(runs):7.2f} – {max(runs):7.2f}  ({', '.join(f'{r:.2f}' for r in runs)})")

    # Removed now, not at the start of the next run, whose full build would be measured right
    # after deleting 118,000 files. On this machine's disk (mounted with discard) that seems
    # to slow what follows: four cold full builds in a row, each after deleting the one before
    # (two engines alternating, with the same rendering code), took 28, 41, 51 and 67 s to
    # render their pages.
    started = time.perf_counter()
    shutil.rmtree(work)
    print(f"\n{work} removed in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
