"""The February republish, as staff do it: a new year's spreadsheet into data/, check, fix,
preview, build, and `diff` against the published site before deploying."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import openpyxl
import pytest
from conftest import CODE_A, CODE_B, RATINGS_2025, build_site, tiny_site, write_site

from disclosure import diffcmd

ROOT = Path(__file__).resolve().parent.parent
CUTOFFS = ((90, "AAA"), (80, "AA"), (70, "A"), (60, "B"), (0, "C"))  # the demo site.yaml's scheme


def generate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "generate.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


def grade(score: float) -> str:
    return next(name for cut, name in CUTOFFS if score >= cut)


def new_year_rows(demo: Path) -> list[list]:
    """2026 results made from the demo's 2025 file: scores moved a little, lists from grades."""
    with (demo / "data/ratings/2025.csv").open(encoding="utf-8-sig") as f:
        previous = list(csv.DictReader(f))
    rows = []
    for i, row in enumerate(previous):
        score = round(min(99.0, max(40.0, float(row["得分"]) + (-9 if i % 3 == 0 else 4.5))), 1)
        g = grade(score)
        listed = {"AAA": "红榜", "C": "黑榜"}.get(g, "无")
        black = [f"未按规定公示收费项目（{i}）", "通报批评", f"巴住建信字〔2027〕{i + 1}号", "2027-03-01", "2028-03-01"]
        rows.append([2026, row["企业名称"], row["统一社会信用代码"], score, g, listed,
                     *(black if listed == "黑榜" else ["", "", "", "", ""]), "", ""])
    return rows


def write_xlsx(path: Path, rows: list[list]) -> None:
    """As staff receive it: a title row above the Chinese header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2026年度巴彦淖尔市物业服务企业信用综合评价结果"])
    sheet.append(["年度", "企业名称", "统一社会信用代码", "得分", "等级", "红黑榜", "列入原因", "处理措施", "决定文号",
                  "列入日期", "到期日期", "信用修复日期", "修复决定文号"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_february_republish_of_a_new_year(tmp_path):
    site = tmp_path / "site"
    made = subprocess.run([sys.executable, "-m", "disclosure.demo", "--out", str(site)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr

    # Last year's publication, as deployed on the web server.
    assert generate("build", "--source", str(site), "--as-of", "2026-03-10").returncode == 0
    published = tmp_path / "published"
    shutil.copytree(site / "output", published)

    # 1. The new spreadsheet goes into data/ratings/, the year into site.yaml — with two mistakes.
    rows = new_year_rows(site)
    black = [i for i, r in enumerate(rows) if r[5] == "黑榜"]
    red = [i for i, r in enumerate(rows) if r[5] == "红榜"]
    assert black and red
    wrong_grade, no_reason = red[0], black[0]
    bad = [list(r) for r in rows]
    bad[wrong_grade][4] = "AA"
    bad[no_reason][6] = ""
    write_xlsx(site / "data/ratings/2026.xlsx", bad)
    settings = (site / "site.yaml").read_text("utf-8")
    anchor = next(line for line in settings.splitlines() if "{year: 2025," in line)
    indent = anchor[:len(anchor) - len(anchor.lstrip())]
    new_line = (f"{indent}- {{year: 2026, published: 2027-02-26, document_number: 巴住建发〔2027〕10号, "
                "title: 关于公布2026年度物业服务企业信用综合评价结果的通知}")
    (site / "site.yaml").write_text(settings.replace(anchor, anchor + "\n" + new_line), "utf-8")

    # 2. check: both mistakes, each at its spreadsheet row (title row 1, header row 2).
    checked = generate("check", "--source", str(site))
    assert checked.returncode == 1
    assert f"data/ratings/2026.xlsx:{wrong_grade + 3}: 列“等级”" in checked.stderr
    assert f"data/ratings/2026.xlsx:{no_reason + 3}: 列“列入原因”" in checked.stderr
    assert not (site / "output/credit/2026").exists()  # nothing was built

    # 3. Fixed: check passes.
    write_xlsx(site / "data/ratings/2026.xlsx", rows)
    checked = generate("check", "--source", str(site))
    assert checked.returncode == 0, checked.stderr
    assert "校验通过" in checked.stdout

    # 4. Preview with serve: the new year's page is there.
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "generate.py"), "serve", "--source", str(site),
                               "--port", str(port), "--as-of", "2027-03-10"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        html = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not html:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/credit/2026/", timeout=5) as response:
                    html = response.read().decode("utf-8")
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        assert "2026年度物业服务企业信用评价结果" in html
    finally:
        server.terminate()
        server.wait(timeout=30)

    # 5. build, 6. diff against what is published.
    built = generate("build", "--source", str(site), "--as-of", "2027-03-10")
    assert built.returncode == 0, built.stderr
    compared = generate("diff", "--source", str(site), "--old", str(published))
    assert compared.returncode == 0, compared.stderr
    report = compared.stdout
    added_pages = report.split("新增页面：", 1)[1].split("删除页面：", 1)[0]
    assert "credit/2026/" in added_pages
    assert "删除页面：0 个" in report
    changed = report.split("内容有变化的页面：", 1)[1].split("只有日期变化的页面", 1)[0]
    assert "  credit/\n" in changed  # the current lists
    assert "credit/2025/" not in changed  # the archive of last year keeps its content
    listed_2026 = report.split("2026年度新增", 1)[1]
    for i in red + black:
        assert rows[i][2] in listed_2026
    assert f"2026年度新增 {len(red) + len(black)} 条" in report
    assert "移除" not in report


def test_diff_names_removed_and_corrected_entries(tmp_path):
    source = write_site(tmp_path / "site", tiny_site())
    old = build_site(source, as_of=dt.date(2026, 12, 1), output=tmp_path / "old")
    # A correction: company A's 2025 score was 89 (AA, not red); B was repaired.
    corrected = RATINGS_2025.replace(",93,AAA,红榜,", ",89,AA,,").replace(
        "2026-03-01,2027-03-01,,", "2026-03-01,2027-03-01,2026-09-15,测住建信〔2026〕30号")
    write_site(source, {"data/ratings/2025.csv": corrected})
    new = build_site(source, as_of=dt.date(2026, 12, 1), output=tmp_path / "new")
    diff = diffcmd.compare(old, new)
    assert [(e.year, e.list, e.code) for e in diff.entries_removed] == [(2025, "红榜", CODE_A)]
    assert diff.entries_added == []
    [(before, after)] = diff.entries_changed
    assert after.code == CODE_B and "2026-09-15 信用修复" in after.detail and "信用修复" not in before.detail
    assert "credit/2025/index.html" in diff.changed and "credit/index.html" in diff.changed
    text = diffcmd.report(diff, old, new)
    assert "2025年度移除 1 条" in text and "2025年度内容修改 1 条" in text


def test_a_later_day_with_the_same_data_changes_only_dates(tmp_path):
    source = write_site(tmp_path / "site", tiny_site())
    old = build_site(source, as_of=dt.date(2026, 6, 1), output=tmp_path / "old")
    new = build_site(source, as_of=dt.date(2026, 6, 2), output=tmp_path / "new")
    diff = diffcmd.compare(old, new)
    assert diff.added == [] and diff.removed == [] and diff.changed == []
    assert "credit/index.html" in diff.dates_only and "downloads/credit-lists-2025.xlsx" in diff.dates_only
    assert "红黑榜变化：\n  无" in diffcmd.report(diff, old, new)


def test_diff_refuses_a_folder_that_is_not_a_built_site(tmp_path):
    source = write_site(tmp_path / "site", tiny_site())
    build_site(source, as_of=dt.date(2026, 6, 1))
    (tmp_path / "empty").mkdir()
    result = generate("diff", "--source", str(source), "--old", str(tmp_path / "empty"))
    assert result.returncode == 2 and "build-manifest.json" in result.stderr
    result = generate("diff", "--source", str(source))  # no published/ folder yet
    assert result.returncode == 2 and "--old" in result.stderr
    with pytest.raises(diffcmd.DiffError):
        diffcmd.compare(tmp_path / "empty", source / "output")
