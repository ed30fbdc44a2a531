"""Checked records are reused between builds only while nothing they depend on changed."""

import datetime as dt

import pytest
from conftest import CODE_C, COMPANIES, write_site

from disclosure.build import BuildOptions, build
from disclosure.problems import InputError

AS_OF = dt.date(2026, 6, 1)


def entries(site):
    return {p.name.split(".")[0]: (p.name, p.stat().st_mtime_ns) for p in (site / ".cache/records").iterdir()}


def test_an_unchanged_sheet_is_not_checked_again(site, tmp_path):
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    first = entries(site)
    assert {"data-companies-csv", "data-communities-csv", "data-districts-yaml"} <= first.keys()
    (site / "data/companies.csv").write_text(COMPANIES.replace("临河区解放街3号", "临河区解放街33号"), "utf-8")
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    second = entries(site)
    assert second["data-companies-csv"] != first["data-companies-csv"]  # checked afresh
    assert second["data-communities-csv"] == first["data-communities-csv"]  # taken as it was
    assert "临河区解放街33号" in (output / f"companies/{CODE_C}/index.html").read_text("utf-8")


def test_a_sheet_is_checked_again_when_what_it_refers_to_changed(site, tmp_path):
    """communities.csv is untouched, but the company one of its rows names is gone."""
    build(BuildOptions(source=site, output=tmp_path / "out", as_of=AS_OF))
    without_c = "\n".join(line for line in COMPANIES.splitlines() if CODE_C not in line) + "\n"
    (site / "data/companies.csv").write_text(without_c, "utf-8")
    with pytest.raises(InputError) as caught:
        build(BuildOptions(source=site, output=tmp_path / "out", as_of=AS_OF))
    files = {(e.file, e.row) for e in caught.value.problems.errors}
    assert ("data/communities.csv", 3) in files  # 河套明珠小区 names 测试河套物业有限公司


def test_warnings_come_back_with_cached_records(tmp_path):
    from conftest import tiny_site

    files = tiny_site()
    header, rest = files["data/communities.csv"].split("\n", 1)
    files["data/communities.csv"] = header + ",内部备注\n" + rest
    site = write_site(tmp_path / "site", files)
    build(BuildOptions(source=site, output=tmp_path / "out", as_of=AS_OF))
    notice = site / "content/notices/2026-credit.md"
    notice.write_text(notice.read_text("utf-8") + "\n补充说明。\n", "utf-8")  # another input changes
    again = build(BuildOptions(source=site, output=tmp_path / "out", as_of=AS_OF))
    assert not again.unchanged
    assert [(w.file, w.message) for w in again.warnings.warnings] == [("data/communities.csv", "未识别的列，已忽略")]


def test_only_the_changed_rows_of_a_changed_sheet_are_checked_again(site, tmp_path, monkeypatch):
    from conftest import COMMUNITIES

    from disclosure import catalog

    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    checked = []
    convert_row = catalog.convert_row

    def counting(info, cells, file, row, *rest):
        checked.append((file, row))
        return convert_row(info, cells, file, row, *rest)

    monkeypatch.setattr(catalog, "convert_row", counting)
    changed = COMMUNITIES.replace("解放路5号", "解放路55号")
    (site / "data/communities.csv").write_text(changed, "utf-8")
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert checked == [("data/communities.csv", 3)]  # 河套明珠小区's row alone
    assert "解放路55号" in (output / "communities/150802-hetaomingzhuxiaoqu/index.html").read_text("utf-8")

    # A copy of the first row put on top: no row is new, every row moved down by one, and the
    # duplicate is reported with the rows it now has.
    checked.clear()
    header, first, rest = changed.split("\n", 2)
    (site / "data/communities.csv").write_text("\n".join([header, first, first, rest]), "utf-8")
    with pytest.raises(InputError) as caught:
        build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert checked == []
    duplicates = sorted((e.row, e.message) for e in caught.value.problems.errors)
    assert [row for row, _ in duplicates] == [2, 2, 3, 3]  # by id, and by district and name
    assert all("另见第 3 行" in message for row, message in duplicates if row == 2)


def test_names_are_put_in_pinyin_order_without_converting_them_again(site, tmp_path, monkeypatch):
    import pickle

    from conftest import COMMUNITIES

    from disclosure import pinyin

    def kept_keys():
        (entry,) = (site / ".cache/pinyin").glob("sort-keys.*.pickle")
        return pickle.loads(entry.read_bytes())

    build(BuildOptions(source=site, output=tmp_path / "out", as_of=AS_OF))
    first = kept_keys()
    assert {"锦绣家园", "河套明珠小区", "新华街道", "测试河套物业有限公司"} <= first.keys()
    assert all(key == pinyin.pinyin_key(name) for name, key in first.items())
    # A phone number: the community pages, which sort streets, are left alone (reads.py); the
    # keys of the names they sort are kept for the build that runs them again.
    (site / "data/companies.csv").write_text(COMPANIES.replace("0478-8000001", "0478-8000011"), "utf-8")
    report = build(BuildOptions(source=site, output=tmp_path / "out", as_of=AS_OF))
    assert "communities" in report.sections_kept
    assert kept_keys() == first

    converted = []
    original = pinyin.pinyin_key
    monkeypatch.setattr(pinyin, "pinyin_key", lambda name: converted.append(name) or original(name))
    (site / "data/communities.csv").write_text(COMMUNITIES.replace("锦绣家园", "锦绣新苑"), "utf-8")
    build(BuildOptions(source=site, output=tmp_path / "out", as_of=AS_OF))
    assert converted == ["锦绣新苑"]  # the one new name; every other name's key was kept
    second = kept_keys()
    assert "锦绣新苑" in second and "锦绣家园" not in second  # a name no record has is forgotten
    assert second.keys() - {"锦绣新苑"} == first.keys() - {"锦绣家园"}


def test_a_record_digest_follows_its_content_whether_checked_or_kept(site):
    """Fingerprints take these digests for the records: equal records give equal digests
    however they were come by, and a changed row changes its own record's digest only."""
    from conftest import COMMUNITIES, credit_code

    from disclosure.build import load_inputs
    from disclosure.recordcache import RecordCache

    def digests(cache):
        catalog = load_inputs(site, cache=cache).catalog
        everything = [*catalog.districts, *catalog.companies, *catalog.communities, *catalog.ratings]
        assert {id(r) for r in everything} == catalog.digests.keys()
        assert all(catalog.digests[id(r)][1] is r for r in everything)
        return {(r.source.file, r.source.row): d for d, r in catalog.digests.values()}

    cache = RecordCache(site / ".cache/records")
    checked = digests(cache)
    assert digests(RecordCache(None)) == checked == digests(cache)  # the file's entry kept
    (site / "data/communities.csv").write_text(COMMUNITIES.replace("新华西街10号", "新华西街12号"), "utf-8")
    changed = digests(cache)  # the other rows come from the kept rows
    assert {k for k in checked if changed[k] != checked[k]} == {("data/communities.csv", 2)}
    # A company added: every community row is checked again against the new names, and the
    # records that come out the same keep their digests (or every community page re-renders).
    added = f"测试新增物业有限公司,{credit_code('91150802MA0N00009')},赵测四,临河区新华街9号,0478-8000009,临河区,无\n"
    (site / "data/companies.csv").write_text(COMPANIES + added, "utf-8")
    assert {k: d for k, d in digests(cache).items() if k[0] != "data/companies.csv"} == {
        k: d for k, d in changed.items() if k[0] != "data/companies.csv"}


def test_what_only_a_changed_file_needs_is_read_only_for_one(tmp_path):
    """An entry's rest (the records of a file's rows by their cells) is read only when the
    reader asks for it, and refers to the very records of the entry's value."""
    from disclosure.recordcache import RecordCache

    cache = RecordCache(tmp_path)
    records = [{"name": "锦绣家园"}]
    cache.put("data/communities.csv", "key", ("digest", records), {b"cells": records[0]})
    value, rest = cache.get_with_rest("data/communities.csv", "key", wanted=lambda value: value[0] != "digest")
    assert value == ("digest", records) and rest is None
    value, rest = cache.get_with_rest("data/communities.csv", "key", wanted=lambda value: value[0] != "changed")
    assert rest == {b"cells": records[0]} and rest[b"cells"] is value[1][0]
    assert cache.get("data/communities.csv", "key") == ("digest", records)  # the value alone

    # A rest that cannot be read back: a reader that does not want it never notices.
    cache.put("data/companies.csv", "key", ("digest", records), _Unreadable())
    assert cache.get_with_rest("data/companies.csv", "key", wanted=lambda value: False) == (("digest", records), None)
    assert cache.get("data/companies.csv", "key") == ("digest", records)
    assert cache.get_with_rest("data/companies.csv", "key", wanted=lambda value: True) is None


def _refuse_to_load():
    import pickle

    raise pickle.UnpicklingError("read when it was not wanted")


class _Unreadable:
    """Pickles fine; unpickling it fails."""

    def __reduce__(self):
        return _refuse_to_load, ()


def test_a_long_running_process_keeps_checked_records_in_memory_while_their_files_stay(site, tmp_path):
    """serve's builds share one InMemory: the records of an unchanged data file are the very
    objects of the build before, unless the cache's file was replaced meanwhile."""
    import shutil

    from disclosure.recordcache import InMemory

    def tree(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    memory, output = InMemory(), tmp_path / "out"

    def communities_of_a_build():
        held: list = []
        build(BuildOptions(source=site, output=output, as_of=AS_OF, memory=memory), held)
        return held[0].catalog.communities

    first = communities_of_a_build()
    (site / "data/companies.csv").write_text(COMPANIES.replace("0478-8000001", "0478-8000011"), "utf-8")
    second = communities_of_a_build()
    assert second == first and all(a is b for a, b in zip(second, first, strict=True))
    clean = tmp_path / "clean"
    fresh = shutil.copytree(site, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache"))
    build(BuildOptions(source=fresh, output=clean, as_of=AS_OF, full=True))
    assert tree(output) == tree(clean)

    # Another process wrote the entry again (the same records, a new file): it is read afresh.
    (entry,) = (site / ".cache/records").glob("data-communities-csv.*.pickle")
    entry.with_suffix(".new").write_bytes(entry.read_bytes())
    entry.with_suffix(".new").replace(entry)
    (site / "data/companies.csv").write_text(COMPANIES.replace("0478-8000001", "0478-8000021"), "utf-8")
    third = communities_of_a_build()
    assert third == first and not any(a is b for a, b in zip(third, first, strict=True))


def test_checks_across_records_run_again_only_when_what_they_read_changed(site, tmp_path, monkeypatch):
    """A company's new phone number checks neither the ratings against the companies, nor the
    projects on the lists against the communities, nor the communities against each other;
    their warnings are told again all the same. A change to what a check reads runs it again."""
    from conftest import COMMUNITIES, RATINGS_2025

    from disclosure import catalog, credit

    ran = []

    def counted(name, check):
        def run(*args):
            ran.append(name)
            return check(*args)
        return run

    for module, name in ((credit, "check_ratings"), (credit, "check_projects"), (catalog, "_check_communities")):
        monkeypatch.setattr(module, name, counted(name, getattr(module, name)))
    ratings = site / "data/ratings/2025.csv"
    ratings.write_text(RATINGS_2025.replace("修复决定文号", "修复决定文号,涉及项目").replace(
        ",红榜,,,,,,,", ",红榜,,,,,,,,锦绣家园；锦秀花园"), "utf-8")
    output = tmp_path / "out"

    def warned_projects():
        report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
        return [w.value for w in report.warnings.warnings if w.column == "涉及项目"]

    assert warned_projects() == ["锦秀花园"]
    assert sorted(ran) == ["_check_communities", "check_projects", "check_ratings"]
    ran.clear()
    (site / "data/companies.csv").write_text(COMPANIES.replace("0478-8000001", "0478-8000011"), "utf-8")
    assert warned_projects() == ["锦秀花园"]
    assert ran == []
    (site / "data/communities.csv").write_text(COMMUNITIES.replace("锦绣家园", "锦秀花园"), "utf-8")
    assert warned_projects() == ["锦绣家园"]
    assert sorted(ran) == ["_check_communities", "check_projects"]
    ran.clear()
    other_year = site / "data/ratings/2024.csv"
    other_year.write_text(other_year.read_text("utf-8").replace(",85,AA,", ",86,AA,"), "utf-8")
    assert warned_projects() == ["锦绣家园"]
    assert sorted(ran) == ["check_projects", "check_ratings"]


def test_a_file_of_appended_pickles_is_read_up_to_its_torn_end(tmp_path):
    """keptfiles.read_appended, which the QR codes and the workbooks' rows are read with: a
    writer killed mid-pickle leaves what it wrote before; no file gives nothing."""
    import pickle

    from disclosure.keptfiles import read_appended

    path = tmp_path / "kept.pickle"
    whole = pickle.dumps({"b": 2}, protocol=pickle.HIGHEST_PROTOCOL)
    path.write_bytes(pickle.dumps({"a": 1}, protocol=pickle.HIGHEST_PROTOCOL) + whole + whole[:-3])
    found: dict = {}
    read_appended(path, found.update)
    assert found == {"a": 1, "b": 2}
    read_appended(tmp_path / "missing.pickle", found.update)
    assert found == {"a": 1, "b": 2}
