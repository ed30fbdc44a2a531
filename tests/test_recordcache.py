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
