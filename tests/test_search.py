"""Search on the tiny site: what the build exports, and what `generate.py search` answers."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CODE_A, CODE_B, CODE_C, build_site, tiny_site, write_site

from disclosure.cli import main
from search.tokenize import field_terms, query_terms, segment_letters

PROJECT = Path(__file__).resolve().parent.parent


def ask(source: Path, query: str, *extra: str) -> dict:
    """`generate.py search QUERY --json` in process, as the command line runs it."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["search", query, "--json", "--source", str(source), *extra]) == 0
    return json.loads(out.getvalue())


def top_titles(answer: dict, n: int = 3) -> list[str]:
    return [r["title"] for r in answer["results"][:n]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build for the tests that only read it."""
    source = write_site(tmp_path_factory.mktemp("search") / "site", tiny_site())
    build_site(source)
    return source


def test_build_exports_small_shards_and_manifest(built: Path) -> None:
    search = built / "output" / "search"
    manifest = json.loads((search / "manifest.json").read_text(encoding="utf-8"))
    # 3 companies, 3 communities, 4 list entries (2 years x red + black), 1 notice
    assert manifest["documents"] == 11
    assert [r[0] for r in manifest["ranges"]] == sorted([r[0] for r in manifest["ranges"]],
                                                        key=["company", "community", "list", "notice"].index)
    shards = sorted((search / "t").glob("*.json"))
    assert len(shards) == manifest["shards"]
    terms = {}
    for shard in shards:
        terms.update(json.loads(shard.read_text(encoding="utf-8")))
    assert "恒信" in terms and "信物" in terms and "p:h.x" in terms and f"n:{CODE_A[:6]}".lower() in terms
    docs = json.loads(gzip.decompress((search / "documents.json.gz").read_bytes()))
    assert {d["key"] for d in docs} >= {f"company:{CODE_A}", "notice:2026-credit"}


def test_search_page_without_script_leads_to_directories(built: Path) -> None:
    html = (built / "output" / "search" / "index.html").read_text(encoding="utf-8")
    for link in ('href="../companies/"', 'href="../communities/"', 'href="../districts/150802/"',
                 'href="../notices/"', 'href="../credit/"'):
        assert link in html
    assert "<noscript>" in html and 'name="q"' in html and 'name="kind"' in html and 'name="district"' in html
    assert '<script src="../static/search.js"' in html


@pytest.mark.parametrize(("query", "expected"), [
    ("测试恒信物业服务有限公司", "测试恒信物业服务有限公司"),  # full name
    ("信物", "测试恒信物业服务有限公司"),  # a middle fragment across a word boundary
    ("hxwy", "测试恒信物业服务有限公司"),  # initials
    ("hengxin", "测试恒信物业服务有限公司"),  # full pinyin
    ("HengXin", "测试恒信物业服务有限公司"),  # case
    ("恒信wy", "测试恒信物业服务有限公司"),  # mixed Chinese and pinyin
    (CODE_B, "测试安居物业管理有限公司"),  # the code
    (CODE_B[:10].lower(), "测试安居物业管理有限公司"),  # a code prefix, lower case
    ("".join(chr(ord(c) + 0xFEE0) for c in CODE_C), "测试河套物业有限公司"),  # full width
    ("李测二", "测试安居物业管理有限公司"),  # legal representative
    ("lice", "测试安居物业管理有限公司"),  # legal representative in pinyin
    ("解放街道", "河套明珠小区"),  # street
    ("利民街", "水利局家属楼"),  # address
    ("信用评价结果", "关于公布2025年度信用评价结果的通知"),  # notice title
])
def test_cli_finds_the_intended_record_in_top_three(built: Path, query: str, expected: str) -> None:
    assert expected in top_titles(ask(built, query))


def test_cli_filters_by_kind_and_district(built: Path) -> None:
    answer = ask(built, "测试", "--kind", "company", "--district", "临河区", "--limit", "0")
    assert set(top_titles(answer, 10)) == {"测试河套物业有限公司", "测试恒信物业服务有限公司"}
    assert all(r["kind"] == "company" for r in answer["results"])


def test_company_result_carries_current_grade_as_text(built: Path) -> None:
    first = ask(built, "测试恒信物业服务有限公司")["results"][0]
    assert first["kind"] == "company" and "AAA 级（2025年度，红榜）" in first["summary"]


def test_wrong_check_character_is_explained_with_nearest_company(built: Path) -> None:
    wrong = CODE_A[:17] + ("0" if CODE_A[17] != "0" else "1")
    check = ask(built, wrong)["code_check"]
    assert check["ok"] is False
    assert f"第 18 位校验码应为“{CODE_A[17]}”" in check["message"]
    assert check["nearest"] == [f"company:{CODE_A}"]
    assert ask(built, CODE_A)["code_check"]["ok"] is True


def test_index_updates_incrementally_after_a_rebuild(tmp_path: Path) -> None:
    source = write_site(tmp_path / "site", tiny_site())
    build_site(source)
    assert "锦绣家园" in top_titles(ask(source, "锦绣家园"))
    files = tiny_site()
    files["data/communities.csv"] = str(files["data/communities.csv"]).replace("锦绣家园", "锦绣华庭")
    write_site(source, files)
    build_site(source)
    result = subprocess.run([sys.executable, "generate.py", "search", "jxht", "--source", str(source)],
                            cwd=PROJECT, capture_output=True, text=True, check=True)
    # One community renamed: only it and the 2025 red-list entry naming it as the company's
    # project are replaced in the whoosh index; the other 9 documents stay as they were.
    assert "新增或更新 2 条，移除旧版本 2 条" in result.stderr
    assert "锦绣华庭" in result.stdout
    assert ask(source, "锦绣家园")["results"] == []


def test_search_before_any_build_says_what_to_do(site: Path) -> None:
    result = subprocess.run([sys.executable, "generate.py", "search", "恒信", "--source", str(site)],
                            cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 2 and "请先运行 generate.py build" in result.stderr


def test_tokenizer_normalises_width_and_case_on_both_sides() -> None:
    assert field_terms("code", "９１ＡＢ") == {"n:91", "n:91a", "n:91ab"}
    assert query_terms("ＨＸＷＹ").terms == ("p:h.x", "p:x.w", "p:w.y")
    assert segment_letters("hengxinwuye") == ["heng", "xin", "wu", "ye"]
    assert segment_letters("hxwy") == ["h", "x", "w", "y"]
    # No word segmentation: the name keeps every bigram, so 博物/业 cannot lose 物业.
    assert {"博物", "物业"} <= field_terms("name", "巴彦淖尔市博物业服务公司")
    # Place names and surnames read as people read them.
    assert "p:deng.kou" in field_terms("name", "磴口县") and "p:zeng" in field_terms("legal_rep", "曾文")


@pytest.mark.parametrize("count", [0, 1, 999, 1000, 1001, 2500])
def test_the_documents_file_made_in_pieces_is_one_gzipped_json_array(count):
    """search.export makes it a thousand documents at a time; the bytes must be those of
    compressing the whole array at once, and the stamp that of the whole JSON."""
    import hashlib

    from search.export import _documents_file

    class Doc:
        def __init__(self, number):
            self.number = number

        def as_json(self):
            return {"id": self.number, "title": "小区" * (self.number % 4), "terms": [1, 2]}

    docs = [Doc(n) for n in range(count)]
    whole = json.dumps([d.as_json() for d in docs], ensure_ascii=False, separators=(",", ":")).encode()
    stamp, packed = _documents_file(docs)
    assert packed == gzip.compress(whole, compresslevel=6, mtime=0)
    assert stamp == hashlib.sha256(whole).hexdigest()[:12]


def test_an_export_reuses_the_terms_of_documents_whose_fields_are_unchanged(monkeypatch):
    """The same files as an export from nothing, with only the changed document cut into terms."""
    from search.documents import SearchDoc
    from search.export import export

    def doc(n, address):
        return SearchDoc(f"community:{n}", "community", f"恒信{n}号小区", f"communities/{n}/", "150802", "临河区",
                         address, (("name", f"恒信{n}号小区"), ("address", address), ("exact", f"恒信{n}号小区")),
                         (n,))

    empty = SearchDoc("notice:x", "notice", "", "notices/x/", "", "", "", ())  # no terms at all
    before = [doc(n, f"新华街{n}号") for n in range(30)] + [empty]
    first = export(before, {})
    assert len(first.terms_by_fields) == len(before)
    after = [*before[:5], doc(5, "解放路8号"), *before[6:]]
    cut = []
    original = SearchDoc.term_weights
    monkeypatch.setattr(SearchDoc, "term_weights", lambda self: cut.append(self.key) or original(self))
    again = export(after, first.terms_by_fields)
    assert cut == ["community:5"]
    assert again.files == export(after).files  # export(after) cuts every document afresh
    assert len(again.terms_by_fields) == len(after)
    assert len(first.terms_by_fields.keys() - again.terms_by_fields.keys()) == 1  # document 5's old fields go


def test_an_export_is_patched_where_the_last_one_had_the_same_documents(monkeypatch):
    """Where only some documents' fields changed, the last export's files are patched: the
    result is byte for byte an export from nothing, also when terms turn frequent or rare
    again; with other documents the export is made from nothing."""
    import search.export as export_module
    from search.documents import SearchDoc
    from search.export import Previous, export

    monkeypatch.setattr(export_module, "frequent_cap", lambda count: 10)  # more than ten documents: frequent
    # Eight shards for the 30 to 54 postings of rare terms the documents below have.
    monkeypatch.setattr(export_module, "POSTINGS_PER_SHARD", 7)

    def doc(n, street):
        return SearchDoc(f"community:{n}", "community", f"恒信{n}号小区", f"communities/{n}/", "150802", "临河区",
                         f"{street}{n}号", (("name", f"恒信{n}号小区"), ("address", f"{street}{n}号")), (n,))

    def previous_of(exported):
        return Previous(dict(exported.files), exported.summary())

    def patched(docs, last):
        """The patched export, after checking it against one from nothing."""
        whole = export(docs)
        make_whole = export_module._export
        monkeypatch.setattr(export_module, "_export", lambda *args: pytest.fail("made from nothing"))
        made = export(docs, last.terms_by_fields, previous_of(last))
        monkeypatch.setattr(export_module, "_export", make_whole)
        assert made.files == whole.files
        assert ((made.documents, made.terms, made.postings, made.shards, made.frequent)
                == (whole.documents, whole.terms, whole.postings, whole.shards, whole.frequent))
        return made

    streets = ["解放路"] * 10 + ["新华街"] * 20  # 解放 in ten documents: not frequent
    first = export([doc(n, s) for n, s in enumerate(streets)], {})
    assert first.shards == 8 and first.frequent
    streets[12] = "解放路"  # eleven: frequent
    second = patched([doc(n, s) for n, s in enumerate(streets)], first)
    assert json.loads(dict(second.files)[export_module.frequent_file("解放")])
    streets[3] = "胜利路"  # ten again, and a street nobody had
    third = patched([doc(n, s) for n, s in enumerate(streets)], second)
    assert export_module.frequent_file("解放") not in dict(third.files)

    fewer = [doc(n, s) for n, s in enumerate(streets[:-1])]
    assert export(fewer, third.terms_by_fields, previous_of(third)).files == export(fewer).files

    # Where the rare terms' postings would need another number of shards, from nothing too.
    monkeypatch.setattr(export_module, "POSTINGS_PER_SHARD", 20)
    streets = ["解放路"] * 10 + ["新华街"] * 20
    last = export([doc(n, s) for n, s in enumerate(streets)], {})
    streets[12] = "解放路"
    again = [doc(n, s) for n, s in enumerate(streets)]
    assert export_module._patched(again, last.terms_by_fields, previous_of(last)) is None
    assert export(again, last.terms_by_fields, previous_of(last)).files == export(again).files


def test_a_rebuild_after_a_community_changed_patches_the_last_search_export(site, tmp_path, monkeypatch):
    """The search section finds the last export through its kept entry and patches it; the
    site equals one built from nothing."""
    import datetime as dt
    import shutil

    from conftest import COMMUNITIES

    import search.export as export_module
    from disclosure.build import BuildOptions, build

    as_of, output = dt.date(2026, 6, 1), tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=as_of))
    made_whole = []
    export_whole = export_module._export
    monkeypatch.setattr(export_module, "_export", lambda *args: made_whole.append(1) or export_whole(*args))
    (site / "data/communities.csv").write_text(COMMUNITIES.replace("解放路5号", "解放路55号"), "utf-8")
    build(BuildOptions(source=site, output=output, as_of=as_of))
    assert made_whole == []
    fresh = shutil.copytree(site, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache"))
    build(BuildOptions(source=fresh, output=tmp_path / "clean", as_of=as_of, full=True))
    assert made_whole == [1]

    def tree(folder):
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert tree(output) == tree(tmp_path / "clean")
