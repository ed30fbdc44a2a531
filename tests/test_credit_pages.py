"""The credit pages as built from tiny sites: lists from the scheme in site.yaml, validity by
--as-of, year-over-year changes, stable archive addresses, downloads equal to the page."""

from __future__ import annotations

import datetime as dt
import io
import json
from html.parser import HTMLParser

import openpyxl
import pandas as pd
import pytest
from conftest import CODE_A, CODE_B, CODE_C, RATINGS_2025, SITE_YAML, build_site, tiny_site, write_site

from disclosure.build import load_inputs
from disclosure.problems import InputError

AS_OF = dt.date(2026, 6, 1)
HEADER = RATINGS_2025.splitlines()[0]
NAMES = {CODE_A: "测试恒信物业服务有限公司", CODE_B: "测试安居物业管理有限公司", CODE_C: "测试河套物业有限公司"}


class Tables(HTMLParser):
    """Cells (text, and the link's last path part) of every table with an id, by id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self.current = attrs["id"]
            self.tables[self.current], self.links[self.current] = [], []
        elif self.current and tag == "tr":
            self.tables[self.current].append([])
            self.links[self.current].append([])
        elif self.current and tag in ("td", "th"):
            self.cell = []
        elif self.current and tag == "a" and attrs.get("href"):
            self.links[self.current][-1].append(attrs["href"].rstrip("/").rsplit("/", 1)[-1])

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif self.current and tag in ("td", "th") and self.cell is not None:
            self.tables[self.current][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(path) -> Tables:
    parser = Tables()
    parser.feed(path.read_text("utf-8"))
    return parser


def listed_codes(page: Tables, table_id: str) -> list[str]:
    """Company codes of a list table's rows, in order (the company link is the row's first)."""
    return [links[0] for cells, links in zip(page.tables[table_id][1:], page.links[table_id][1:], strict=True)
            if cells != ["无"]]


def ratings_file(year: int, rows: list[tuple[str, float, str, str]], black_from: str = "") -> str:
    lines = [HEADER]
    for code, score, grade, which in rows:
        extra = ",,,,,,"
        if which == "黑榜":
            start = black_from or f"{year + 1}-03-01"
            end = f"{int(start[:4]) + 1}{start[4:]}"
            extra = f"失信行为{code[-4:]},通报批评,测住建信〔{year + 1}〕{code[-2:]}号,{start},{end},,"
        lines.append(f"{year},{NAMES[code]},{code},{score:g},{grade},{which},{extra}")
    return "\n".join(lines) + "\n"


# --- the scheme is configuration ---------------------------------------------------------------

SCHEME_B = SITE_YAML.replace(
    """    - {name: AAA, min_score: 90}
    - {name: AA, min_score: 80}
    - {name: A, min_score: 70}
    - {name: B, min_score: 60}
    - {name: C, min_score: 0}
  red_list_grades: [AAA]
  black_list_grades: [C]""",
    """    - {name: AAA, min_score: 95}
    - {name: AA, min_score: 85}
    - {name: A, min_score: 75}
    - {name: B, min_score: 60}
    - {name: C, min_score: 0}
  red_list_grades: [AAA, AA]
  black_list_grades: [B, C]""")
SCORES_2025 = {CODE_A: 93, CODE_B: 58, CODE_C: 75}


def test_two_schemes_give_two_different_lists(tmp_path):
    assert SCHEME_B != SITE_YAML
    # The tiny site's scheme: AAA (≥ 90) red, C black.
    output_a = build_site(write_site(tmp_path / "a", tiny_site()), as_of=AS_OF)
    page_a = tables(output_a / "credit/2025/index.html")
    assert listed_codes(page_a, "red-list") == [CODE_A]
    assert listed_codes(page_a, "black-list") == [CODE_B]

    # Another city's scheme: AA and above red (AA from 85), B and below black.
    files = tiny_site()
    files["site.yaml"] = SCHEME_B
    files["data/ratings/2024.csv"] = ratings_file(2024, [(CODE_A, 85, "AA", "红榜"), (CODE_B, 55, "C", "黑榜"),
                                                         (CODE_C, 92, "AA", "红榜")])
    files["data/ratings/2025.csv"] = ratings_file(2025, [(CODE_A, 93, "AA", "红榜"), (CODE_B, 58, "C", "黑榜"),
                                                         (CODE_C, 75, "A", "")])
    output_b = build_site(write_site(tmp_path / "b", files), as_of=AS_OF)
    page_b = tables(output_b / "credit/2025/index.html")
    assert listed_codes(page_b, "red-list") == [CODE_A]
    assert listed_codes(page_b, "black-list") == [CODE_B]
    page_b_2024 = tables(output_b / "credit/2024/index.html")
    assert listed_codes(page_b_2024, "red-list") == [CODE_C, CODE_A]  # by score
    grades = [row[2] for row in page_b_2024.tables["all-ratings"][1:]]
    assert grades == ["AA 级", "AA 级", "C 级"]
    # The distribution table follows the scheme's grades.
    assert page_b.tables["grade-distribution"][1] == ["0", "1", "1", "0", "1", "3"]


def test_the_same_file_under_the_other_scheme_names_the_mismatch(tmp_path):
    files = tiny_site()
    files["site.yaml"] = SCHEME_B
    with pytest.raises(InputError) as caught:
        load_inputs(write_site(tmp_path, files))
    grade_errors = [e for e in caught.value.problems.errors if e.column == "等级"]
    # 2025: 93 is AA under scheme B, the file says AAA; 2024: 92 → AA, 85 → AA.
    assert {(e.file, e.row, e.value, e.expected) for e in grade_errors} == {
        ("data/ratings/2025.csv", 2, "AAA", "AA"), ("data/ratings/2024.csv", 4, "AAA", "AA")}


# --- validity by --as-of -------------------------------------------------------------------------

def repaired_site(tmp_path):
    files = tiny_site()
    files["data/ratings/2025.csv"] = RATINGS_2025.replace(
        "2026-03-01,2027-03-01,,", "2026-03-01,2027-03-01,2026-09-15,测住建信〔2026〕30号")
    return write_site(tmp_path / "site", files)


def test_repaired_entry_leaves_the_current_list_and_stays_in_the_archive(tmp_path):
    source = repaired_site(tmp_path)
    before = build_site(source, as_of=dt.date(2026, 9, 14), output=tmp_path / "before")
    assert listed_codes(tables(before / "credit/index.html"), "black-list") == [CODE_B]
    assert "公示中" in tables(before / "credit/2025/index.html").tables["black-list"][1][-1]

    after = build_site(source, as_of=dt.date(2026, 9, 15), output=tmp_path / "after")
    assert listed_codes(tables(after / "credit/index.html"), "black-list") == []
    archive = tables(after / "credit/2025/index.html")
    assert listed_codes(archive, "black-list") == [CODE_B]
    assert archive.tables["black-list"][1][-1] == "已修复（2026-09-15，测住建信〔2026〕30号）"
    history = (after / f"companies/{CODE_B}/index.html").read_text("utf-8")
    assert "已修复</strong>（2026-09-15" in history


def test_expired_entry_leaves_the_current_list_and_shows_its_date(tmp_path):
    source = write_site(tmp_path / "site", tiny_site())
    # Before the 2025 results: the 2024 list is current, the 2024 black entry in force.
    early = build_site(source, as_of=dt.date(2026, 2, 26), output=tmp_path / "early")
    assert not (early / "credit/2025").exists()
    current = tables(early / "credit/index.html")
    assert listed_codes(current, "black-list") == [CODE_B]
    assert current.tables["black-list"][1][-1] == "2024年度"
    assert "2025年度" not in (early / f"companies/{CODE_B}/index.html").read_text("utf-8")

    # The 2024 entry runs to 2026-03-01 inclusive; the 2025 entry starts that day.
    late = build_site(source, as_of=dt.date(2026, 3, 2), output=tmp_path / "late")
    current = tables(late / "credit/index.html")
    assert [row[-1] for row in current.tables["black-list"][1:]] == ["2025年度"]
    archive = tables(late / "credit/2024/index.html")
    assert archive.tables["black-list"][1][-1] == "已到期（2026-03-01）"


def test_black_entry_in_force_across_years_stays_on_the_current_list(tmp_path):
    files = tiny_site()
    # Listed for three years from 2025-03-01; in 2025 the company improved to B (not black).
    files["data/ratings/2024.csv"] = files["data/ratings/2024.csv"].replace("2026-03-01,,", "2028-03-01,,")
    files["data/ratings/2025.csv"] = ratings_file(2025, [(CODE_A, 93, "AAA", "红榜"), (CODE_B, 65, "B", ""),
                                                         (CODE_C, 75, "A", "")])
    output = build_site(write_site(tmp_path, files), as_of=AS_OF)
    current = tables(output / "credit/index.html")
    assert listed_codes(current, "black-list") == [CODE_B]
    assert listed_codes(tables(output / "credit/2025/index.html"), "black-list") == []


# --- year-over-year changes ---------------------------------------------------------------------

def change_list(output, key: str) -> list[str]:
    page = (output / "credit/2025/index.html").read_text("utf-8")
    marker = f'<ul class="link-list change-{key}">'
    if marker not in page:
        return []
    block = page.split(marker, 1)[1].split("</ul>", 1)[0]
    return [code for code in NAMES if f"companies/{code}/" in block]


def test_changes_against_the_year_before(tmp_path):
    output = build_site(write_site(tmp_path, tiny_site()), as_of=AS_OF)
    # 2024 → 2025: A AA→AAA (red), B C→C (black both years), C AAA→A (off red).
    assert change_list(output, "newly_red") == [CODE_A]
    assert change_list(output, "left_red") == [CODE_C]
    assert change_list(output, "newly_black") == []
    assert change_list(output, "left_black") == []
    assert change_list(output, "grade_up") == [CODE_A]
    assert change_list(output, "grade_down") == [CODE_C]
    summary = tables(output / "credit/2025/index.html").tables
    assert "h-changes" not in (output / "credit/2024/index.html").read_text("utf-8")  # nothing before 2024
    assert summary["grade-distribution"][1] == ["1", "0", "1", "0", "1", "3"]


def test_new_and_no_longer_rated_companies_and_black_list_moves(tmp_path):
    files = tiny_site()
    files["data/ratings/2024.csv"] = ratings_file(2024, [(CODE_B, 55, "C", "黑榜"), (CODE_C, 92, "AAA", "红榜")])
    files["data/ratings/2025.csv"] = ratings_file(2025, [(CODE_A, 50, "C", "黑榜"), (CODE_B, 65, "B", "")])
    output = build_site(write_site(tmp_path, files), as_of=AS_OF)
    assert change_list(output, "new_companies") == [CODE_A]
    assert change_list(output, "no_longer_rated") == [CODE_C]
    assert change_list(output, "newly_black") == [CODE_A]
    assert change_list(output, "left_black") == [CODE_B]
    assert change_list(output, "left_red") == [CODE_C]
    assert change_list(output, "grade_up") == [CODE_B]
    assert change_list(output, "grade_down") == []
    counts = tables(output / "credit/2025/index.html").tables["grade-distribution"]
    assert counts[1] == ["0", "0", "0", "1", "1", "2"]


# --- the archive -----------------------------------------------------------------------------------

RATINGS_2026 = ratings_file(2026, [(CODE_A, 95, "AAA", "红榜"), (CODE_B, 61, "B", ""), (CODE_C, 52, "C", "黑榜")])
YEAR_2026 = "    - {year: 2026, published: 2027-02-26, document_number: 测住建发〔2027〕3号, title: 2026年度结果}\n"


def test_archive_pages_and_downloads_stay_the_same_when_a_year_is_added(tmp_path):
    as_of = dt.date(2027, 3, 10)
    source = write_site(tmp_path / "site", tiny_site())
    first = build_site(source, as_of=as_of, output=tmp_path / "first")
    files = {"site.yaml": SITE_YAML + YEAR_2026, "data/ratings/2026.csv": RATINGS_2026}
    write_site(source, files)
    second = build_site(source, as_of=as_of, output=tmp_path / "second")
    kept = ["credit/2024/index.html", "credit/2025/index.html"] + [
        f"downloads/credit-lists-{y}.{fmt}" for y in (2024, 2025) for fmt in ("csv", "xlsx", "json")]
    for path in kept:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path
    assert (second / "credit/2026/index.html").is_file()
    current = tables(second / "credit/index.html")
    assert listed_codes(current, "red-list") == [CODE_A]
    assert "2026年度红榜（1 家）" in (second / "credit/index.html").read_text("utf-8")
    assert listed_codes(current, "black-list") == [CODE_C]  # B's 2025 entry expired 2027-03-01


# --- downloads ----------------------------------------------------------------------------------

def test_list_downloads_have_the_rows_of_the_page(tmp_path):
    files = tiny_site()
    serious = (f"2025,测试河套物业有限公司,{CODE_C},75,A,黑榜,发生重大安全责任事故,一票否决,"
               "测住建信〔2026〕5号,2026-03-01,2029-03-01,,")
    files["data/ratings/2025.csv"] = "\n".join(
        serious if line.startswith("2025,测试河套") else line for line in RATINGS_2025.splitlines()) + "\n"
    output = build_site(write_site(tmp_path, files), as_of=AS_OF)
    page = tables(output / "credit/2025/index.html")
    expected = [("红榜", code) for code in listed_codes(page, "red-list")] + \
               [("黑榜", code) for code in listed_codes(page, "black-list")]
    assert expected == [("红榜", CODE_A), ("黑榜", CODE_C), ("黑榜", CODE_B)]
    page_projects = [row[0] for row in page.tables["red-list"][1:] + page.tables["black-list"][1:]]

    csv_bytes = (output / "downloads/credit-lists-2025.csv").read_bytes()
    assert csv_bytes.startswith("\ufeff".encode())  # so Excel shows Chinese
    frame = pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(zip(frame["榜单"], frame["统一社会信用代码"], strict=True)) == expected
    assert [p or "—" for p in frame["项目名称"]] == page_projects
    assert list(frame["企业法定代表人"]) == ["张测一", "王测三", "李测二"]
    assert list(frame.columns[:6]) == ["年度", "榜单", "项目名称", "企业名称", "统一社会信用代码", "企业法定代表人"]

    book = openpyxl.load_workbook(output / "downloads/credit-lists-2025.xlsx", read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == list(frame.columns)
    got = [(r[header.index("榜单")], r[header.index("统一社会信用代码")]) for r in rows[1:]]
    assert got == expected
    assert [r[header.index("失信行为")] for r in rows[1:]][1] == "发生重大安全责任事故"

    data = json.loads((output / "downloads/credit-lists-2025.json").read_text("utf-8"))
    assert [(r["list"], r["code"]) for r in data["rows"]] == expected
    assert data["document_number"] == "测住建发〔2026〕2号"

    # Every list links its downloads.
    for path in ("credit/index.html", "credit/2025/index.html"):
        html = (output / path).read_text("utf-8")
        for fmt in ("csv", "xlsx", "json"):
            assert f"downloads/credit-lists-2025.{fmt}" in html


# --- the company page and escaping ------------------------------------------------------------

def test_company_page_grade_history_and_line(tmp_path):
    output = build_site(write_site(tmp_path, tiny_site()), as_of=AS_OF)
    page = tables(output / f"companies/{CODE_C}/index.html")
    assert [row[:3] for row in page.tables["grade-history"][1:]] == [["2025年度", "75", "A 级"],
                                                                       ["2024年度", "92", "AAA 级"]]
    html = (output / f"companies/{CODE_C}/index.html").read_text("utf-8")
    assert 'src="grades.svg"' in html and "2024年度 AAA 级，2025年度 A 级" in html
    svg = (output / f"companies/{CODE_C}/grades.svg").read_text("utf-8")
    assert svg.startswith("<?xml") and "<polyline" in svg and "2024：AAA；2025：A" in svg


def test_data_is_escaped_in_lists_and_charts(tmp_path):
    files = tiny_site()
    files["data/ratings/2025.csv"] = RATINGS_2025.replace("未按规定公示收费项目", "<b>违规</b>&收费")
    files["data/districts.yaml"] = files["data/districts.yaml"].replace("临河区", "临河区<i>")
    files["data/companies.csv"] = files["data/companies.csv"].replace(",临河区,", ",150802,")
    files["data/communities.csv"] = files["data/communities.csv"].replace(",临河区,", ",150802,")
    files["data/prices/2025-01.yaml"] = files["data/prices/2025-01.yaml"].replace("district: 临河区", "district: '150802'")
    output = build_site(write_site(tmp_path, files), as_of=AS_OF)
    for path in ("credit/index.html", "credit/2025/index.html"):
        html = (output / path).read_text("utf-8")
        assert "<b>违规" not in html and "&lt;b&gt;违规&lt;/b&gt;&amp;收费" in html
    year = (output / "credit/2025/index.html").read_text("utf-8")
    assert "临河区<i>" not in year and "临河区&lt;i&gt;" in year


def test_before_any_publication_the_pages_say_so(tmp_path):
    output = build_site(write_site(tmp_path, tiny_site()), as_of=dt.date(2025, 2, 1))
    html = (output / "credit/index.html").read_text("utf-8")
    assert "尚未公布信用评价结果" in html
    assert not list(output.glob("credit/20*")) and not list(output.glob("downloads/credit-lists-*"))
    assert not list(output.glob("companies/*/grades.svg"))
    assert "暂无评价记录" in (output / f"companies/{CODE_A}/index.html").read_text("utf-8")
