"""What is written: complete pages, escaped data, atomic swap, safe paths, reproducible bytes."""

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CODE_A, CODE_B, COMMUNITIES, COMPANIES, NOTICE, RATINGS_2025, build_site, tiny_site, write_site

from disclosure.build import load_inputs
from disclosure.problems import InputError
from disclosure.write import OutputPathError, Staging

AS_OF = dt.date(2026, 6, 1)
ROOT = Path(__file__).resolve().parent.parent


def test_tiny_site_has_every_section(site):
    output = build_site(site, as_of=AS_OF)
    for path in [
        "index.html", "404.html", "sitemap.xml", "robots.txt", "feed.xml", "build-manifest.json",
        "companies/index.html", "companies/page/2/index.html", f"companies/{CODE_A}/index.html",
        "communities/index.html", "communities/150802-jinxiujiayuan/index.html",
        "districts/150802/index.html", "credit/index.html", "credit/2024/index.html", "credit/2025/index.html",
        "prices/index.html", "prices/2025-01/index.html", "notices/index.html", "notices/2026-credit/index.html",
        "about/index.html", "data/index.html", "downloads/companies.csv", "static/site.css",
    ]:
        assert (output / path).is_file(), path
    company = (output / f"companies/{CODE_A}/index.html").read_text("utf-8")
    assert "张测一" in company and "锦绣家园" in company  # legal representative and managed community
    assert "AAA 级" in company  # its latest grade, as text
    credit = (output / "credit/index.html").read_text("utf-8")
    assert "测住建发〔2026〕2号" in credit  # the source announcement
    assert "测试安居物业管理有限公司" in credit and "未按规定公示收费项目" in credit  # on the black list


def test_personal_data_guard_stops_the_build(tmp_path):
    id_number = "150802199003071234"  # a made-up number with a valid date; checksum computed below
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(id_number[:17], weights, strict=True)) % 11]
    id_number = id_number[:17] + check
    communities = COMMUNITIES.replace("赵经理,139****1234", "赵经理,13912345678").replace(
        "钱经理", f"钱经理（身份证{id_number}）")
    notice = NOTICE + "\n联系人手机 13800001111。\n"
    files = tiny_site()
    files.update({"data/communities.csv": communities, "content/notices/2026-credit.md": notice})
    with pytest.raises(InputError) as caught:
        load_inputs(write_site(tmp_path, files))
    found = {(e.file, e.row, e.column): e for e in caught.value.problems.errors}
    assert set(found) == {
        ("data/communities.csv", 2, "项目负责人电话"),
        ("data/communities.csv", 3, "项目负责人"),
        ("content/notices/2026-credit.md", 8, None),
    }
    assert "139****5678" in found[("data/communities.csv", 2, "项目负责人电话")].message
    id_error = found[("data/communities.csv", 3, "项目负责人")]
    assert "身份证" in id_error.message and id_number not in id_error.describe()  # the log does not repeat it


def test_every_text_field_is_escaped(tmp_path):
    payload = "<script>alert(1)</script>"
    companies = COMPANIES.replace("张测一", "张测一" + payload).replace("临河区新华街1号", "新华街" + payload)
    companies = companies.replace("测试恒信物业服务有限公司", "测试恒信物业" + payload)
    communities = COMMUNITIES.replace("锦绣家园", "锦绣" + payload).replace("新华街道", "新华" + payload)
    communities = communities.replace("新华西街10号", "西街" + payload).replace("赵经理", "赵" + payload)
    communities = communities.replace("测试恒信物业服务有限公司", "测试恒信物业" + payload)
    ratings = RATINGS_2025.replace("未按规定公示收费项目", "未公示" + payload).replace(
        "通报批评", "通报" + payload).replace("测住建信〔2026〕3号", "文号" + payload)
    ratings = ratings.replace("测试恒信物业服务有限公司", "测试恒信物业" + payload)
    files = tiny_site()
    files.update({
        "data/companies.csv": companies, "data/communities.csv": communities, "data/ratings/2025.csv": ratings,
        "data/ratings/2024.csv": files["data/ratings/2024.csv"].replace("测试恒信物业服务有限公司", "测试恒信物业" + payload),
        "content/notices/2026-credit.md": NOTICE.replace("title: 关于", "title: 关于" + payload.replace("<", "&lt;")),
    })
    output = build_site(write_site(tmp_path, files), as_of=AS_OF)
    pages = list(output.rglob("*.html"))
    assert len(pages) > 20
    escaped = 0
    for page in pages:
        text = page.read_text("utf-8")
        assert "<script>alert" not in text, page
        escaped += text.count("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert escaped >= 10
    feed = (output / "feed.xml").read_text("utf-8")
    assert "<script>" not in feed


def test_links_are_relative_so_a_subpath_works(site):
    output = build_site(site, as_of=AS_OF, base_url="https://example.org/a/b/")
    page = (output / f"companies/{CODE_A}/index.html").read_text("utf-8")
    assert 'href="../../static/site.css"' in page
    assert 'href="../../credit/2025/"' in page
    assert 'rel="canonical" href="https://example.org/a/b/companies/' in page
    assert 'href="/' not in page  # nothing rooted at the host's root
    missing = (output / "404.html").read_text("utf-8")
    assert 'href="/a/b/static/site.css"' in missing  # 404 is served at any depth
    sitemap = (output / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://example.org/a/b/companies/</loc>" in sitemap


def test_manifest_lists_every_file_with_its_digest(site):
    output = build_site(site, as_of=AS_OF)
    manifest = json.loads((output / "build-manifest.json").read_text("utf-8"))
    listed = {item["path"]: item for item in manifest["files"]}
    on_disk = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()} - {"build-manifest.json"}
    assert set(listed) == on_disk
    for path, item in listed.items():
        data = (output / path).read_bytes()
        assert item["bytes"] == len(data) and item["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("odd", ['a"b.txt', "a\\b.txt", "a\x01b.txt", "中文 名.txt"])
def test_the_manifest_is_the_json_of_its_paths_whatever_they_hold(odd):
    """Paths are quoted as they are unless one holds a character JSON escapes (fast path); a
    manifest joins the lines of several parts of the site, empty ones too."""
    from disclosure.write import manifest, manifest_lines

    parts = [manifest_lines([("plain/index.html", 3, "ab")]), manifest_lines([]), manifest_lines([(odd, 4, "cd")])]
    files = json.loads(manifest(parts))["files"]
    assert files == [{"path": "plain/index.html", "bytes": 3, "sha256": "ab"}, {"path": odd, "bytes": 4, "sha256": "cd"}]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(site, tmp_path):
    first = build_site(site, as_of=AS_OF, output=tmp_path / "one")
    second = build_site(site, as_of=AS_OF, output=tmp_path / "two")
    one, two = tree(first), tree(second)
    assert one.keys() == two.keys()
    assert [p for p in one if one[p] != two[p]] == []


def test_source_date_epoch_fixes_today(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2025, 3, 15, tzinfo=dt.UTC).timestamp())))
    output = build_site(site)
    # On 2025-03-15 the 2025 results (published 2026-02-27) are not out yet: 2024's are current.
    credit = (output / "credit/index.html").read_text("utf-8")
    assert "测住建发〔2025〕1号" in credit and "测住建发〔2026〕2号" not in credit
    assert not (output / "credit/2025/index.html").exists()
    assert "2025年3月15日" in (output / "index.html").read_text("utf-8")


def test_a_failing_build_leaves_output_untouched(site):
    output = build_site(site, as_of=AS_OF)
    before = tree(output)
    (site / "data/companies.csv").write_text(COMPANIES.replace(CODE_B, CODE_B[:-1] + "0"), encoding="utf-8")
    with pytest.raises(InputError):
        build_site(site, as_of=AS_OF)
    assert tree(output) == before
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".output.building")]
    assert leftovers == []  # no staging folder left behind


def test_a_template_error_leaves_output_untouched(site):
    output = build_site(site, as_of=AS_OF)
    before = tree(output)
    theme = site / "themes/default/templates"
    theme.mkdir(parents=True)
    (theme / "company.html").write_text("{% extends 'base.html' %}{% block content %}{{ nothing.here }}{% endblock %}")
    with pytest.raises(InputError) as caught:
        build_site(site, as_of=AS_OF)
    assert "模板错误" in caught.value.problems.errors[0].message
    assert tree(output) == before


def test_a_killed_build_leaves_output_untouched(tmp_path):
    files = tiny_site()
    header, *rows = COMMUNITIES.splitlines()
    many = [rows[0].replace("锦绣家园", f"锦绣家园{n}期") for n in range(1, 400)]
    files["data/communities.csv"] = "\n".join([header, *rows, *many]) + "\n"
    source = write_site(tmp_path, files)
    output = build_site(source, as_of=AS_OF)
    before = tree(output)
    # A new site title changes every page, so the build has many to write into staging.
    (source / "site.yaml").write_text(files["site.yaml"].replace("title: 测试市", "title: 新测试市", 1), "utf-8")
    process = subprocess.Popen([sys.executable, str(ROOT / "generate.py"), "build", "--source", str(source),
                                "--as-of", "2026-06-01", "--full"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    staging = []
    while time.monotonic() < deadline and not staging:
        staging = [p for p in source.iterdir() if p.name.startswith(".output.building-") and any(p.iterdir())]
        time.sleep(0.01)
    assert staging, "the build never started writing"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert tree(output) == before
    # The killed build's staging folder is cleared away by the next build.
    build_site(source, as_of=AS_OF)
    assert [p.name for p in source.iterdir() if p.name.startswith(".output.building")] == []


@pytest.mark.parametrize("evil", ["../escape.html", "/tmp/escape.html", "a/../../escape.html", "a\\..\\b.html", ""])
def test_paths_outside_output_are_refused(tmp_path, evil):
    staging = Staging.open(tmp_path / "output")
    with pytest.raises(OutputPathError):
        staging.write(evil, "x")
    staging.abandon()
    assert not (tmp_path / "escape.html").exists()


def test_a_hostile_project_id_cannot_escape(tmp_path):
    header, first, *rest = COMMUNITIES.splitlines()
    files = tiny_site()
    files["data/communities.csv"] = "\n".join([
        "项目编号," + header, "../../../etc," + first, *["," + r for r in rest]]) + "\n"
    with pytest.raises(InputError) as caught:
        load_inputs(write_site(tmp_path, files))
    [error] = caught.value.problems.errors
    assert error.column == "项目编号" and error.value == "../../../etc"


def test_two_pages_claiming_one_path_is_an_error(tmp_path):
    header, first, *rest = COMMUNITIES.splitlines()
    files = tiny_site()
    second = first.replace("锦绣家园", "锦秀家园")
    files["data/communities.csv"] = "\n".join(
        ["项目编号," + header, "150802-same," + first, "150802-same," + second, *["," + r for r in rest]]) + "\n"
    with pytest.raises(InputError) as caught:
        load_inputs(write_site(tmp_path, files))
    assert {(e.row, e.column) for e in caught.value.problems.errors} == {(2, "项目编号"), (3, "项目编号")}


def test_a_journal_cannot_move_files_outside_output(tmp_path):
    from disclosure import write

    output = tmp_path / "output"
    output.mkdir()
    staged = tmp_path / ".output.building-1-x"
    staged.mkdir()
    (tmp_path / "escape.html").write_text("old", "utf-8")
    (staged / "a.html").write_text("new", "utf-8")
    plan = {"folder": staged.name, "state": ".output.state.json.next", "moves": ["a.html", "../escape.html"],
            "deletes": []}
    write.journal_path(output).write_text(json.dumps(plan), "utf-8")
    with pytest.raises(OutputPathError):
        write.tidy(output)
    assert (tmp_path / "escape.html").read_text("utf-8") == "old" and not (output / "a.html").exists()


def test_a_journal_whose_staged_files_are_gone_forgets_the_last_build(tmp_path):
    """Nothing can be known about output/ then: the next build must render every page."""
    from disclosure import write

    output = tmp_path / "output"
    output.mkdir()
    write.state_path(output).write_text("{}", "utf-8")
    plan = {"folder": ".output.building-1-gone", "state": ".output.state.json.next", "moves": ["a.html"],
            "deletes": []}
    write.journal_path(output).write_text(json.dumps(plan), "utf-8")
    (tmp_path / plan["state"]).write_text("{}", "utf-8")
    write.tidy(output)
    assert not write.state_path(output).exists() and not write.journal_path(output).exists()
    assert not (tmp_path / plan["state"]).exists()
