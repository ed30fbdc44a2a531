"""Incremental builds equal clean builds byte for byte, after any sequence of changes."""

import dataclasses
import datetime as dt
import json
import os
import random
import shutil

import pytest
from conftest import CODE_A, CODE_C, COMMUNITIES, COMPANIES, RATINGS_2025, tiny_site, write_site

from disclosure import incremental, parallel, write
from disclosure.build import BuildOptions, build

AS_OF = dt.date(2026, 6, 1)


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def community_row(n: int) -> str:
    first = COMMUNITIES.splitlines()[1]
    return first.replace("锦绣家园", f"新增小区{n}号院").replace("新华西街10号", f"新华西街{n}号")


# Each edit takes the current files and returns changed ones, as a staff member would edit.
def set_cell(files, name, row_starts, column, value):
    """One cell of a CSV file: in the row whose text starts with ``row_starts`` (or holds it)."""
    lines = files[name].split("\n")
    number = next(n for n, line in enumerate(lines) if line.startswith(row_starts) or row_starts in line)
    cells = lines[number].split(",")
    cells[column] = value
    lines[number] = ",".join(cells)
    files[name] = "\n".join(lines)


def rename_legal_rep(files, rng):
    set_cell(files, "data/companies.csv", CODE_A, 2, rng.choice(["张测甲", "张测乙", "张测一"]))


def add_community(files, rng):
    files["data/communities.csv"] = files["data/communities.csv"].rstrip("\n") + "\n" + community_row(rng.randint(1, 99)) + "\n"
    lines = files["data/communities.csv"].splitlines()
    files["data/communities.csv"] = "\n".join(dict.fromkeys(lines)) + "\n"  # no duplicate rows


def remove_a_community(files, rng):
    lines = files["data/communities.csv"].splitlines()
    removable = [line for line in lines[1:] if "新增小区" in line or "河套明珠" in line]
    if removable:
        lines.remove(rng.choice(removable))
    files["data/communities.csv"] = "\n".join(lines) + "\n"


def change_score(files, rng):
    score = rng.choice(["93", "95.5", "99"])
    files["data/ratings/2025.csv"] = RATINGS_2025.replace(f"{CODE_A},93,", f"{CODE_A},{score},")


def override_template(files, rng):
    marker = rng.choice(["甲", "乙"])
    files["themes/default/templates/company.html"] = (
        "{% extends 'base.html' %}{% block content %}<h1>{{ company.name }}</h1><p>覆盖模板" + marker
        + "</p>{% endblock %}")


def change_title(files, rng):
    files["site.yaml"] = files["site.yaml"].replace("title: 测试市", f"title: 测试{rng.randint(1, 3)}市", 1)


def edit_notice(files, rng):
    files["content/notices/2026-credit.md"] = files["content/notices/2026-credit.md"] + f"\n补充说明{rng.randint(1, 9)}。\n"


# Fields that some sections show and others do not (reads.py): the edit runs some sections and
# leaves the others alone.
def change_phone(files, rng):
    set_cell(files, "data/companies.csv", CODE_A, 4, rng.choice(["0478-8000011", "0478-8000021", "0478-8000001"]))


def change_party(files, rng):
    set_cell(files, "data/companies.csv", CODE_A, 6, rng.choice(["独立党组织", "无", "联合党支部"]))


def change_community_address(files, rng):
    set_cell(files, "data/communities.csv", "锦绣家园,", 3, rng.choice(["新华西街12号", "新华西街14号", "新华西街10号"]))


def change_fee(files, rng):
    set_cell(files, "data/communities.csv", "锦绣家园,", 10, rng.choice(["1.8", "2.5", "1.5"]))


EDITS = [rename_legal_rep, add_community, remove_a_community, change_score, override_template, change_title,
         edit_notice, change_phone, change_party, change_community_address, change_fee]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_incremental_equals_clean_after_random_edits(tmp_path, seed, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0 if seed == 2 else 400)  # one run in parallel
    rng = random.Random(seed)
    files = tiny_site()
    source = write_site(tmp_path / "site", files)
    live = tmp_path / "live"
    build(BuildOptions(source=source, output=live, as_of=AS_OF))
    for step in range(8):
        edit = rng.choice(EDITS)
        edit(files, rng)
        write_site(source, files)
        report = build(BuildOptions(source=source, output=live, as_of=AS_OF, workers=2))
        # The clean build starts from the files alone: nothing kept in .cache by earlier builds.
        clean = tmp_path / f"clean-{step}"
        fresh = shutil.copytree(source, tmp_path / f"fresh-{step}", ignore=shutil.ignore_patterns(".cache"))
        clean_report = build(BuildOptions(source=fresh, output=clean, as_of=AS_OF, full=True))
        incremental_tree, clean_tree = tree(live), tree(clean)
        assert incremental_tree.keys() == clean_tree.keys(), edit.__name__
        assert [p for p in clean_tree if clean_tree[p] != incremental_tree[p]] == [], edit.__name__
        assert report.rendered + report.reused == report.pages
        # The summary counts the files of the sections left alone from their ledgers (ledgers.py).
        assert (report.pages, report.files, report.bytes) == (clean_report.pages, clean_report.files,
                                                               clean_report.bytes), edit.__name__


def test_no_change_renders_nothing_and_one_change_renders_few(site, tmp_path):
    output = tmp_path / "out"
    first = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert first.rendered == first.pages and first.reused == 0
    again = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert again.rendered == 0 and again.reused == again.pages
    company_page = output / f"companies/{CODE_A}/index.html"
    untouched = [output / "notices/2026-credit/index.html", output / "prices/2025-01/index.html"]
    inodes = {p: p.stat().st_ino for p in [company_page, *untouched]}
    (site / "data/companies.csv").write_text(COMPANIES.replace("临河区新华街1号", "临河区新华街99号"), "utf-8")
    one = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    # Pages showing that company's record are rendered again; the rest are carried over
    # (hard-linked: the very same file).
    assert 1 <= one.rendered < one.pages / 2
    assert one.rendered + one.reused == one.pages
    assert "临河区新华街99号" in company_page.read_text("utf-8")
    assert company_page.stat().st_ino != inodes[company_page]
    assert all(p.stat().st_ino == inodes[p] for p in untouched)


def test_a_page_rendered_again_to_the_same_bytes_stays_where_it_is(site, tmp_path, monkeypatch):
    """The directory lists a company's name, not its address: after the address changed the
    directory page of its district is rendered again (its row's company changed) but its
    bytes are the same, so the live file is neither written nor replaced."""
    from disclosure import render

    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    directory_page = output / "companies/district/150802/index.html"
    company_page = output / f"companies/{CODE_A}/index.html"
    before = {p: (p.stat().st_ino, p.read_bytes()) for p in (directory_page, company_page)}
    rendered = []
    original = render.Renderer.render
    monkeypatch.setattr(render.Renderer, "render", lambda self, page: rendered.append(page.path) or original(self, page))
    (site / "data/companies.csv").write_text(COMPANIES.replace("临河区新华街1号", "临河区新华街99号"), "utf-8")
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert directory_page.relative_to(output).as_posix() in rendered
    assert (directory_page.stat().st_ino, directory_page.read_bytes()) == before[directory_page]
    assert company_page.stat().st_ino != before[company_page][0]  # its bytes did change
    assert report.rendered == len(rendered) and report.rendered + report.reused == report.pages
    clean = tmp_path / "clean"
    build(BuildOptions(source=site, output=clean, as_of=AS_OF, full=True))
    assert tree(output) == tree(clean)


def test_a_full_build_leaves_files_whose_bytes_come_out_the_same(site, tmp_path):
    """--full trusts nothing the last build recorded, yet a file that comes out with the
    bytes already on disk stays where it is (replacing all of a province's files meant
    deleting the old ones, which took longer than making the site). A file edited by hand,
    even to the same size, is made again; a file no build makes is removed."""
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    company_page = output / f"companies/{CODE_A}/index.html"
    download = output / "downloads/companies.csv"
    untouched = [output / "notices/2026-credit/index.html", output / "downloads/communities.json"]
    edited = output / "prices/2025-01/index.html"
    inodes = {p: p.stat().st_ino for p in [company_page, download, *untouched]}
    made = edited.read_bytes()
    edited.write_bytes(made.replace(b"<html", b"<HTML", 1))  # the same size: a normal rebuild trusts it
    (output / "stray.html").write_text("not made by any build", "utf-8")
    (site / "data/companies.csv").write_text(COMPANIES.replace("临河区新华街1号", "临河区新华街99号"), "utf-8")
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF, full=True))
    assert report.rendered == report.pages and report.reused == 0
    assert all(p.stat().st_ino == inodes[p] for p in untouched)
    assert company_page.stat().st_ino != inodes[company_page] and download.stat().st_ino != inodes[download]
    assert edited.read_bytes() == made
    assert not (output / "stray.html").exists()
    clean = tmp_path / "clean"
    fresh = shutil.copytree(site, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache"))
    build(BuildOptions(source=fresh, output=clean, as_of=AS_OF, full=True))
    assert tree(output) == tree(clean)
    again = build(BuildOptions(source=site, output=output, as_of=AS_OF))  # what it recorded serves the next build
    assert again.unchanged


def test_a_full_build_makes_the_whole_site_afresh_when_output_holds_a_link(site, tmp_path):
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    outside = tmp_path / "outside"
    outside.mkdir()
    (output / "communities" / "elsewhere").symlink_to(outside, target_is_directory=True)
    page = output / "notices/2026-credit/index.html"
    inode = page.stat().st_ino
    build(BuildOptions(source=site, output=output, as_of=AS_OF, full=True))
    assert not os.path.lexists(output / "communities" / "elsewhere")
    assert page.stat().st_ino != inode  # written afresh: the whole folder was swapped in
    assert list(outside.iterdir()) == []


def test_deleted_records_disappear(site, tmp_path):
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    page = output / "communities/150802-hetaomingzhuxiaoqu/index.html"
    assert page.is_file()
    lines = COMMUNITIES.splitlines()
    kept = [line for line in lines if "河套明珠" not in line]
    (site / "data/communities.csv").write_text("\n".join(kept) + "\n", "utf-8")
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert not page.exists()
    assert not (output / "communities/150802-hetaomingzhuxiaoqu").exists()
    assert "hetaomingzhu" not in (output / "sitemap.xml").read_text("utf-8")


def test_a_template_error_in_a_worker_is_reported(site, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)
    write_site(site, {"themes/default/templates/company.html": "{% extends 'base.html' %}{% block content %}"
                                                               "{{ company.nothing.here }}{% endblock %}"})
    from disclosure.problems import InputError

    with pytest.raises(InputError) as caught:
        build(BuildOptions(source=site, output=tmp_path / "out", as_of=AS_OF, workers=2))
    errors = caught.value.problems.errors
    assert len(errors) == 3  # one per company page
    assert all("模板错误" in e.message and "company.html" in e.file for e in errors)
    assert not (tmp_path / "out").exists()


def test_sections_made_in_worker_processes_give_the_same_site(site, tmp_path, monkeypatch):
    """With two workers, the file-making sections run in forked processes (parallel.py)."""
    sequential = tmp_path / "one"
    build(BuildOptions(source=site, output=sequential, as_of=AS_OF, workers=1))
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)
    from disclosure.sections import MAKING_FILES

    made_by = tmp_path / "made-by"
    section = MAKING_FILES[0]
    contribute = section.contribute

    def noting_the_process(model):
        made_by.write_text(str(os.getpid()))
        return contribute(model)

    monkeypatch.setattr(section, "contribute", noting_the_process)
    forked = tmp_path / "two"
    report = build(BuildOptions(source=site, output=forked, as_of=AS_OF, workers=2))
    assert int(made_by.read_text()) != os.getpid()  # the section ran in a worker
    assert report.files > report.pages > 0
    assert tree(forked) == tree(sequential)


def test_a_shared_section_no_worker_has_started_is_made_by_the_build_itself(site, tmp_path, monkeypatch):
    """While the worker is busy with the first shared section, the build's own process, done
    with its own sections, makes the next one instead of waiting for the worker to be free."""
    import time

    from disclosure.sections import MAKING_FILES

    sequential = tmp_path / "one"
    build(BuildOptions(source=site, output=sequential, as_of=AS_OF, workers=1))
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)
    first, second = MAKING_FILES[:2]
    made_in = {}
    second_made = tmp_path / "second-made"

    def first_waiting_for_the_second(model, contribute=first.contribute):
        deadline = time.monotonic() + 30  # the second is never made while this one waits, if queued behind it
        while not second_made.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        (tmp_path / "first-pid").write_text(str(os.getpid()))
        return contribute(model)

    def second_noting_the_process(model, contribute=second.contribute):
        made_in["second"] = os.getpid()
        result = contribute(model)
        second_made.write_text("")
        return result

    monkeypatch.setattr(first, "contribute", first_waiting_for_the_second)
    monkeypatch.setattr(second, "contribute", second_noting_the_process)
    forked = tmp_path / "two"
    build(BuildOptions(source=site, output=forked, as_of=AS_OF, workers=2))
    assert int((tmp_path / "first-pid").read_text()) != os.getpid()
    assert made_in["second"] == os.getpid()  # (set in this process only if it was made here)
    assert tree(forked) == tree(sequential)


def test_an_error_in_a_section_run_by_a_worker_reaches_the_build_whole(site, tmp_path, monkeypatch):
    from disclosure.problems import InputError, Problems
    from disclosure.sections import search

    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)
    raised_in = tmp_path / "raised-in"

    def failing(model):
        raised_in.write_text(str(os.getpid()))
        problems = Problems()
        problems.error("site.yaml", "搜索设置有误", value="某个值", expected="另一个值")
        raise InputError(problems, "生成搜索索引")

    monkeypatch.setattr(search, "contribute", failing)
    with pytest.raises(InputError) as caught:
        build(BuildOptions(source=site, output=tmp_path / "out", as_of=AS_OF, workers=2))
    assert int(raised_in.read_text()) != os.getpid()
    assert caught.value.stage == "生成搜索索引"
    assert [(e.value, e.expected) for e in caught.value.problems.errors] == [("某个值", "另一个值")]
    assert not (tmp_path / "out").exists()


def test_a_compiled_template_kept_between_builds_is_not_used_once_its_source_changes(site, tmp_path):
    output = tmp_path / "out"
    page = output / f"companies/{CODE_A}/index.html"
    override = "{% extends 'base.html' %}{% block content %}<h1>{{ company.name }}</h1><p>版本{{ '一' }}</p>{% endblock %}"
    write_site(site, {"themes/default/templates/company.html": override})
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert "版本一" in page.read_text("utf-8")
    assert any((site / ".cache" / "templates").iterdir())  # compiled templates were kept
    write_site(site, {"themes/default/templates/company.html": override.replace("'一'", "'二'")})
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert "版本二" in page.read_text("utf-8")


def test_qr_codes_are_kept_between_builds_and_only_for_the_same_code(site, tmp_path, monkeypatch):
    from disclosure import qr

    output = tmp_path / "out"
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)  # codes made in two worker processes
    build(BuildOptions(source=site, output=output, as_of=AS_OF, workers=2))
    pages = sorted((output / "communities").glob("*/index.html"))
    first = {page: page.read_text("utf-8") for page in pages}
    assert all('class="qr-code"' in html for html in first.values())
    kept = site / ".cache" / "qr"
    assert [folder.name for folder in kept.iterdir()] == [qr._format_key()]
    assert [file.name for file in (kept / qr._format_key()).iterdir()] == [qr.MERGED]  # merged after the build

    def no_encoding(url):
        raise AssertionError(f"encoded again: {url}")

    # A template edit renders every community page again, without encoding a code again.
    monkeypatch.setattr(qr, "image_of", no_encoding)
    write_site(site, {"site.yaml": (site / "site.yaml").read_text("utf-8").replace("title: 测试市", "title: 测试二市")})
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert report.rendered == report.pages
    assert all(_qr_tag(page.read_text("utf-8")) == _qr_tag(first[page]) for page in pages)

    # Codes kept by another version of the code are not used, and are removed.
    monkeypatch.undo()
    encoded = []
    monkeypatch.setattr(qr, "image_of", lambda url: encoded.append(url) or ("1", "AAAA"))
    monkeypatch.setattr(qr, "_format_key", lambda: "another-version")
    build(BuildOptions(source=site, output=tmp_path / "again", as_of=AS_OF, full=True))
    assert len(encoded) == len(pages)
    assert [folder.name for folder in kept.iterdir()] == ["another-version"]


def _qr_tag(html: str) -> str:
    return html[html.index('<img class="qr-code"'):].split(">", 1)[0]


def test_nothing_changed_leaves_output_alone_and_repeats_the_warnings(tmp_path):
    files = tiny_site()
    header, rest = files["data/companies.csv"].split("\n", 1)
    files["data/companies.csv"] = header + ",内部备注\n" + rest  # an unknown column: a warning
    source = write_site(tmp_path / "site", files)
    output = tmp_path / "out"
    first = build(BuildOptions(source=source, output=output, as_of=AS_OF))
    assert [w.message for w in first.warnings.warnings] == ["未识别的列，已忽略"]
    home = output / "index.html"
    stamp = (home.stat().st_ino, home.stat().st_mtime_ns)
    again = build(BuildOptions(source=source, output=output, as_of=AS_OF))
    assert again.unchanged
    assert (again.pages, again.reused, again.rendered, again.files) == (first.pages, first.pages, 0, first.files)
    assert [w.describe() for w in again.warnings.warnings] == [w.describe() for w in first.warnings.warnings]
    assert (home.stat().st_ino, home.stat().st_mtime_ns) == stamp
    # Another day is another input: lists in force depend on it.
    later = build(BuildOptions(source=source, output=output, as_of=AS_OF + dt.timedelta(days=1)))
    assert not later.unchanged


@pytest.mark.parametrize("data_changed", [False, True], ids=["data unchanged", "data changed"])
def test_files_removed_or_cut_in_output_by_hand_are_written_again(site, tmp_path, monkeypatch, data_changed):
    from disclosure import build as build_module

    if data_changed:  # and the files checked by a forked process while the data is read, as for a large site
        monkeypatch.setattr(build_module, "DAMAGE_CHECK_APART", 0)
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    page = output / f"companies/{CODE_C}/index.html"
    page.unlink()
    ledger = next((output / "downloads/ledger").glob("*.xlsx"))
    ledger.write_bytes(ledger.read_bytes()[:100])
    if data_changed:
        write_site(site, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000099")})
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert not report.unchanged and page.exists()
    assert "coverage" not in report.sections_kept and "credit" in report.sections_kept
    clean = tmp_path / "clean"
    build(BuildOptions(source=site, output=clean, as_of=AS_OF, full=True))
    assert tree(output) == tree(clean)


@pytest.mark.parametrize("hand_edit", [False, True], ids=["output as left", "a kept section's file removed"])
def test_the_check_of_the_last_builds_files_is_awaited_only_after_assembling(site, tmp_path, monkeypatch, hand_edit):
    """The check runs beside reading and assembling; when it finds a file of a section that
    was to be left alone gone, that section is assembled after all."""
    from concurrent.futures import Future

    from disclosure import build as build_module

    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    if hand_edit:
        next((output / "downloads/ledger").glob("*.xlsx")).unlink()  # the coverage section's
    events = []

    class Checked(Future):
        """A check still running until its answer is asked for."""

        def __init__(self, previous, folder):
            super().__init__()
            self.previous, self.folder = previous, folder

        def result(self, timeout=None):
            events.append("check answered")
            if not self.done():
                self.set_result(self.previous.damaged(self.folder))
            return super().result(timeout)

    def assemble(inputs, as_of, source, workers=1, kept=None):
        events.append(("assembled", "coverage" in (kept or {})))
        return original_assemble(inputs, as_of, source, workers, kept)

    original_assemble = build_module.assemble
    monkeypatch.setattr(build_module, "_damaged_in_background", Checked)
    monkeypatch.setattr(build_module, "assemble", assemble)
    write_site(site, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000099")})
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert events[:2] == [("assembled", True), "check answered"]  # assembled before the answer was asked for
    assembled = [event for event in events if event != "check answered"]
    assert assembled == ([("assembled", True), ("assembled", False)] if hand_edit else [("assembled", True)])
    assert ("coverage" in report.sections_kept) is not hand_edit
    clean = tmp_path / "clean"
    build(BuildOptions(source=site, output=clean, as_of=AS_OF, full=True))
    assert tree(output) == tree(clean)


def test_a_check_already_answered_decides_what_is_left_alone_before_assembling(site, tmp_path, monkeypatch):
    """A small site's files are checked in the build's own process, before assembling: a
    kept section's file removed by hand means that section is assembled, once."""
    from disclosure import build as build_module

    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    next((output / "downloads/ledger").glob("*.xlsx")).unlink()  # the coverage section's
    kept_when_assembled = []
    original_assemble = build_module.assemble

    def assemble(inputs, as_of, source, workers=1, kept=None):
        kept_when_assembled.append(sorted(kept or {}))
        return original_assemble(inputs, as_of, source, workers, kept)

    monkeypatch.setattr(build_module, "assemble", assemble)
    write_site(site, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000099")})
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert len(kept_when_assembled) == 1 and "coverage" not in kept_when_assembled[0]
    assert kept_when_assembled[0] == sorted(report.sections_kept) and "credit" in report.sections_kept
    clean = tmp_path / "clean"
    build(BuildOptions(source=site, output=clean, as_of=AS_OF, full=True))
    assert tree(output) == tree(clean)


@pytest.mark.parametrize("damage", ["cut short", "not a pickle", "a ledger cut short", "no ledgers"])
def test_a_damaged_record_of_the_last_build_means_everything_is_rendered(site, tmp_path, damage):
    from disclosure.ledgers import ledgers_path

    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    record, ledgers = write.state_path(output), ledgers_path(output)
    assert record.is_file() and record.parent == output.parent  # beside output/, never in it
    assert ledgers.is_dir() and ledgers.parent == output.parent
    kept = record.read_bytes()
    if damage == "a ledger cut short":
        ledger = max(ledgers.glob("*.pickle"), key=lambda path: path.stat().st_size)
        ledger.write_bytes(ledger.read_bytes()[:100])
    elif damage == "no ledgers":
        shutil.rmtree(ledgers)
    else:
        record.write_bytes(kept[:len(kept) // 2] if damage == "cut short" else b'{"version": 4}')
    older = output.with_name(f".{output.name}.state.json")  # where earlier versions kept it
    older.write_text("{}", "utf-8")
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert report.rendered == report.pages and report.reused == 0
    assert not older.exists()
    clean = tmp_path / "clean"
    build(BuildOptions(source=site, output=clean, as_of=AS_OF, full=True))
    assert tree(output) == tree(clean)
    assert build(BuildOptions(source=site, output=output, as_of=AS_OF)).unchanged  # the record is whole again


def test_the_ledgers_beside_output_are_the_ones_the_record_names(site, tmp_path):
    """A section left alone keeps its ledger's files; those of earlier builds go."""
    from disclosure.ledgers import ledgers_path
    from disclosure.state import BuildState

    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    first = BuildState.load(output)
    assert first is not None
    for phone in ("0478-8000011", "0478-8000021"):
        (site / "data/companies.csv").write_text(COMPANIES.replace("0478-8000001", phone), "utf-8")
        report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
        assert "communities" in report.sections_kept and "companies" not in report.sections_kept
    last = BuildState.load(output)
    assert last is not None and last.ledgers.keys() == first.ledgers.keys()
    assert last.ledgers["communities"] == first.ledgers["communities"]
    assert last.ledgers["companies"] != first.ledgers["companies"]
    names = {ledger.name for ledger in last.ledgers.values()}
    assert sorted(p.name for p in ledgers_path(output).iterdir()) == sorted(
        f"{name}{suffix}" for name in names for suffix in (".listing", ".pickle"))


def test_output_removed_while_a_build_leaves_sections_alone_stops_it(site, tmp_path, monkeypatch):
    """The sections left alone keep their files where they are: if output/ is gone by the
    time the build stages its files, there is nothing to keep, and the build says so."""
    from disclosure.problems import InputError

    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    (site / "data/companies.csv").write_text(COMPANIES.replace("0478-8000001", "0478-8000011"), "utf-8")
    opened = write.Staging.open.__func__

    def removed_first(cls, target, previous=None):
        shutil.rmtree(target)
        return opened(cls, target, previous)

    monkeypatch.setattr(write.Staging, "open", classmethod(removed_first))
    with pytest.raises(InputError) as caught:
        build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert "输出目录被移走或删除" in caught.value.problems.report()
    monkeypatch.undo()
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))  # no output/: the whole site
    assert report.rendered == report.pages and not report.sections_kept
    clean = tmp_path / "clean"
    build(BuildOptions(source=site, output=clean, as_of=AS_OF, full=True))
    assert tree(output) == tree(clean)


def test_a_build_killed_while_updating_output_is_finished_by_the_next(site, tmp_path, monkeypatch):
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    before = tree(output)
    lines = COMMUNITIES.splitlines()
    (site / "data/communities.csv").write_text("\n".join(lines[:-1]) + "\n", "utf-8")  # one community fewer

    def killed_after_two_moves(target):
        if not write.journal_path(target).exists():  # the call at the start of the build
            return
        plan = json.loads(write.journal_path(target).read_text("utf-8"))
        staged = target.parent / plan["folder"]
        assert sorted(p.name for p in staged.iterdir()) == sorted(map(write.staged_name, plan["moves"]))  # no folders
        for relative in plan["moves"][:2]:
            os.replace(target.parent / plan["folder"] / write.staged_name(relative), target / relative)
        raise KeyboardInterrupt  # the process dies here; nothing after this line runs

    real_finish = write.finish_interrupted
    monkeypatch.setattr(write, "finish_interrupted", killed_after_two_moves)
    with pytest.raises(KeyboardInterrupt):
        build(BuildOptions(source=site, output=output, as_of=AS_OF))
    half_done = tree(output)
    assert half_done != before and write.journal_path(output).exists()
    monkeypatch.setattr(write, "finish_interrupted", real_finish)

    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert not write.journal_path(output).exists()
    clean = tmp_path / "clean"
    build(BuildOptions(source=site, output=clean, as_of=AS_OF, full=True))
    assert tree(output) == tree(clean)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.building")] == []


def test_a_fingerprint_follows_content_not_object_identity(site):
    from disclosure.build import load_inputs
    from disclosure.pages import Page
    from disclosure.render import make_environment
    from disclosure.settings import theme_dirs

    inputs = load_inputs(site)
    company = inputs.catalog.companies[0]
    env = make_environment(theme_dirs(site, inputs.settings))

    def mark(context):
        return incremental.Fingerprints(incremental.TemplateDigests(env), "common").page(
            Page("x/index.html", "company.html", "x", context))

    same = mark({"rows": [{"company": company, "n": 1}]})
    assert mark({"rows": [{"company": dataclasses.replace(company), "n": 1}]}) == same
    assert mark({"rows": [{"company": dataclasses.replace(company, address="另一地址"), "n": 1}]}) != same
    assert mark({"rows": [{"company": company, "n": 2}]}) != same


def test_kept_workbooks_and_search_exports_a_build_did_not_use_are_forgotten(site, tmp_path):
    import time

    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    kept = [site / ".cache/workbooks", site / ".cache/search-export"]
    first = {p.name for folder in kept for p in folder.rglob("*") if p.is_file()}
    # The legal representative is in the companies' workbook and in the search documents.
    write_site(site, {"data/companies.csv": COMPANIES.replace("张测一", "张测甲")})
    started = time.time()
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    second = [p for folder in kept for p in folder.rglob("*") if p.is_file()]
    assert first - {p.name for p in second}  # the first build's versions are gone
    # What is left, this build made or used, or it belongs to a section the build left alone
    # (the coverage ledgers do not show the legal representative).
    assert "coverage" in report.sections_kept
    assert all(p.stat().st_mtime >= started or p.parent.name in report.sections_kept for p in second)
    assert any(p.name in first and p.parent.name not in report.sections_kept for p in second)  # used again
