"""Open data: /data/ lists every dataset, each download reads back with the page's rows and
exactly the published columns, the data dictionaries, and datapackage.json under frictionless."""

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import build_site, tiny_site, write_site

from disclosure.coverage import IndicatorRow
from disclosure.records import DATASETS, Community
from disclosure.schema import info

AS_OF = dt.date(2026, 6, 1)
TARGETS = """\
targets:
  indicators:
    - {key: professional, title: 专业化物业管理覆盖率, count: {mode: [专业化物业服务, 国有物业接管]}, min_percent: 80,
       deadline: 2025-12-31}
    - {key: satisfaction, title: 业主满意率, measure: average, average_of: satisfaction, min_percent: 80,
       deadline: 2025-12-31}
"""
INFOS = {i.name: i for i in [info(d) for d in DATASETS] + [info(IndicatorRow)]}
FROZEN = shutil.which("frictionless", path=str(Path(sys.executable).parent))


def site_files() -> dict[str, str | bytes]:
    files = tiny_site()
    files["site.yaml"] += TARGETS
    return files


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return build_site(write_site(tmp_path_factory.mktemp("opendata") / "site", site_files()), as_of=AS_OF)


def listed(output: Path) -> list[dict]:
    """What /data/ says about each dataset: its stem, dictionary, row count and files."""
    html = (output / "data/index.html").read_text("utf-8")
    entries = []
    for section in re.findall(r'<section aria-labelledby="ds-([^"]+)" class="dataset">(.*?)</section>', html, re.S):
        stem, body = section
        files = re.findall(r'href="\.\./downloads/' + re.escape(stem) + r'\.(\w+)">.*?</a></th><td>([\d,]+) 字节</td>'
                           r'<td><code class="digest">([0-9a-f]{64})</code>', body)
        entries.append({
            "stem": stem, "body": body,
            "dictionary": re.search(r"data/dictionary/([a-z_]+)/", body).group(1),
            "rows": int(re.search(r'<span class="row-count">(\d+)</span>', body).group(1)),
            "files": {fmt: (int(size.replace(",", "")), digest) for fmt, size, digest in files},
        })
    return entries


def test_data_page_lists_every_dataset_with_source_licence_date_and_digest(output):
    entries = {e["stem"]: e for e in listed(output)}
    assert list(entries) == ["districts", "companies", "communities", "ratings-2024", "ratings-2025",
                             "prices-2025-01", "indicators"]
    assert "测住建发〔2026〕2号" in entries["ratings-2025"]["body"]  # the announcement it comes from
    assert "2026年2月27日" in entries["ratings-2025"]["body"]  # updated when it was published
    assert "测住建发〔2025〕9号" in entries["prices-2025-01"]["body"]
    assert "data/communities.csv" in entries["communities"]["body"]
    for entry in entries.values():
        assert "CC BY 4.0" in entry["body"]
        assert set(entry["files"]) == {"csv", "xlsx", "json"}
        for fmt, (size, digest) in entry["files"].items():
            data = (output / f"downloads/{entry['stem']}.{fmt}").read_bytes()
            assert (len(data), hashlib.sha256(data).hexdigest()) == (size, digest)


def test_every_download_reads_back_with_the_pages_rows_and_published_columns(output):
    for entry in listed(output):
        dataset = INFOS[entry["dictionary"]]
        headers = [c.header() for c in dataset.public_columns]
        keys = [c.key for c in dataset.public_columns]
        base = output / "downloads" / entry["stem"]
        raw = (base.with_suffix(".csv")).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8 Chinese
        frame = pd.read_csv(base.with_suffix(".csv"), encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert list(frame.columns) == headers
        assert len(frame) == entry["rows"], entry["stem"]
        sheet = openpyxl.load_workbook(base.with_suffix(".xlsx"), read_only=True).active
        table = list(sheet.iter_rows(values_only=True))
        assert list(table[0]) == headers and len(table) - 1 == entry["rows"]
        records = json.loads(base.with_suffix(".json").read_text("utf-8"))
        assert len(records) == entry["rows"] and all(list(r) == keys for r in records)
        # The three formats hold the same values.
        text_rows = frame.values.tolist()
        for row_csv, row_xlsx, row_json in zip(text_rows, table[1:], records, strict=True):
            assert [_text(v) for v in row_xlsx] == row_csv == [_text(v) for v in row_json.values()]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else repr(value)
    return str(value)


def test_downloads_hold_what_the_pages_show(output):
    communities = pd.read_csv(output / "downloads/communities.csv", encoding="utf-8-sig", dtype=str)
    row = communities[communities["项目名称"] == "锦绣家园"].iloc[0]
    assert (row["所属旗县区"], row["物业服务企业"], row["项目负责人电话"]) == ("临河区", "测试恒信物业服务有限公司",
                                                                   "139****1234")
    page_names = {p.parent.name for p in (output / "communities").glob("*/index.html")}
    assert set(communities["项目编号"]) == page_names
    indicators = pd.read_csv(output / "downloads/indicators.csv", encoding="utf-8-sig", dtype=str,
                             keep_default_na=False)
    city = indicators[(indicators["指标编号"] == "professional") & (indicators["区域"] == "全市")].iloc[0]
    assert (city["统计数"], city["计入数"], city["指标值（%）"], city["是否达标"]) == ("3", "2", "66.6", "未达标")
    coverage = (output / "coverage/index.html").read_text("utf-8")
    assert "66.6%" in coverage


def test_no_download_carries_personal_data(output):
    mobile = re.compile(r"(?<![\d*])1[3-9]\d{9}(?!\d)")
    for path in (output / "downloads").rglob("*"):
        if path.suffix in (".csv", ".json"):
            assert not mobile.search(path.read_text("utf-8-sig")), path


def test_a_column_declared_private_is_in_no_download(tmp_path, monkeypatch):
    columns = tuple(dataclasses.replace(c, public=False) if c.key == "manager_phone" else c
                    for c in info(Community).columns)
    monkeypatch.setattr(Community, "INFO", dataclasses.replace(info(Community), columns=columns))
    output = build_site(write_site(tmp_path / "site", site_files()), as_of=AS_OF)
    for name in ("communities.csv", "communities.json", "datapackage.json"):
        text = (output / "downloads" / name).read_text("utf-8-sig")
        assert "139****1234" not in text and "manager_phone" not in text and "项目负责人电话" not in text, name
    header = next(openpyxl.load_workbook(output / "downloads/communities.xlsx").active.iter_rows(values_only=True))
    assert "项目负责人电话" not in header and "项目负责人" in header
    assert "项目负责人电话" not in (output / "data/dictionary/communities/index.html").read_text("utf-8")
    for record in (output / "communities").glob("*/data.json"):
        assert "manager_phone" not in json.loads(record.read_text("utf-8"))
    ledger = openpyxl.load_workbook(output / "downloads/ledger/150800.xlsx")["台账"]
    assert "项目负责人电话" not in next(ledger.iter_rows(values_only=True))


def test_a_dictionary_page_per_dataset_lists_its_fields_in_order(output):
    for name in ("districts", "companies", "communities", "ratings", "prices", "indicators"):
        html = (output / f"data/dictionary/{name}/index.html").read_text("utf-8")
        rows = re.findall(r'<tr><td>(\d+)</td><th scope="row">([^<]+)</th><td><code>(\w+)</code></td>'
                          r'<td>([^<]+)</td><td>([是否])</td><td>([^<]*)</td>', html)
        columns = INFOS[name].public_columns
        assert [(int(n), label, key) for n, label, key, *_ in rows] == [
            (i, c.header(), c.key) for i, c in enumerate(columns, start=1)]
    communities = (output / "data/dictionary/communities/index.html").read_text("utf-8")
    mode = re.search(r"<code>mode</code></td><td>文字</td><td>是</td><td>([^<]+)</td>", communities)
    assert mode.group(1) == "专业化物业服务、国有物业接管、社区托管、社会组织代管、业主自治、无物业"


def _validate(package: Path) -> dict:
    assert FROZEN, "frictionless 未安装：.venv/bin/pip install -r requirements.txt"
    done = subprocess.run([FROZEN, "validate", "--json", package.name], cwd=package.parent,
                          capture_output=True, text=True, timeout=300)
    return json.loads(done.stdout)


def test_datapackage_validates_with_frictionless(output, tmp_path):
    package = json.loads((output / "downloads/datapackage.json").read_text("utf-8"))
    assert [r["path"] for r in package["resources"]] == [f"{e['stem']}.csv" for e in listed(output)]
    communities = next(r for r in package["resources"] if r["name"] == "communities")
    assert [f["name"] for f in communities["schema"]["fields"]] == [c.header() for c in info(Community).public_columns]
    report = _validate(output / "downloads/datapackage.json")
    assert report["valid"], [t["errors"][:3] for t in report["tasks"] if t["errors"]]
    assert len(report["tasks"]) == len(package["resources"])
    # The same check fails on a download that no longer matches its description.
    copy = shutil.copytree(output / "downloads", tmp_path / "downloads")
    path = copy / "communities.csv"
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    rows[1][rows[0].index("户数")] = "很多"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    broken = _validate(copy / "datapackage.json")
    errors = {e["type"] for t in broken["tasks"] for e in t["errors"]}
    assert not broken["valid"] and "type-error" in errors


def test_downloads_are_the_same_bytes_on_every_build(output, tmp_path):
    again = build_site(write_site(tmp_path / "site", site_files()), as_of=AS_OF)
    for path in sorted((output / "downloads").rglob("*.*")):
        relative = path.relative_to(output)
        assert (again / relative).read_bytes() == path.read_bytes(), relative


def test_workbook_cache_serves_the_same_bytes_and_misses_on_change(tmp_path):
    import datetime as dt

    from disclosure import exports

    sheets = [("表", ["甲", "乙"], [["一", 1], ["二", 2.5]])]
    fresh = exports.to_workbook(sheets, dt.date(2026, 6, 1))
    cached_first = exports.to_workbook(sheets, dt.date(2026, 6, 1), tmp_path)
    assert fresh == cached_first and len(list(tmp_path.glob("*.xlsx"))) == 1
    (next(tmp_path.glob("*.xlsx"))).write_bytes(b"served from the cache")
    assert exports.to_workbook(sheets, dt.date(2026, 6, 1), tmp_path) == b"served from the cache"
    equal = [("表", ["甲", "乙"], [["一", 1], ["二", 2.5]])]  # the same values, other objects
    assert exports.to_workbook(equal, dt.date(2026, 6, 1), tmp_path) == b"served from the cache"
    assert exports.to_workbook(sheets, dt.date(2026, 6, 2), tmp_path) != b"served from the cache"
    changed = [("表", ["甲", "乙"], [["一", 1], ["二", 3]])]
    assert exports.to_workbook(changed, dt.date(2026, 6, 1), tmp_path) != b"served from the cache"
    assert len(list(tmp_path.glob("*.xlsx"))) == 3


def test_a_kept_workbook_is_not_served_once_the_writer_changed(tmp_path, monkeypatch):
    """The key holds workbook.py's code: an edit to the writer makes every workbook again."""
    from disclosure import exports, workbook

    sheets = [("表", ["甲"], [["一"]])]
    kept = tmp_path / "kept"
    exports.to_workbook(sheets, dt.date(2026, 6, 1), kept)
    (next(kept.glob("*.xlsx"))).write_bytes(b"served from the cache")
    edited = tmp_path / "workbook.py"
    edited.write_bytes(Path(workbook.__file__).read_bytes() + b"# edited\n")
    monkeypatch.setattr(workbook, "__file__", str(edited))
    exports._workbook_writer.cache_clear()
    try:
        assert exports.to_workbook(sheets, dt.date(2026, 6, 1), kept) != b"served from the cache"
    finally:
        exports._workbook_writer.cache_clear()  # the next test keys by the real file again


def test_downloads_kept_between_builds_are_made_again_when_what_they_show_changes(tmp_path, monkeypatch):
    from conftest import CODE_A, COMMUNITIES, COMPANIES

    from disclosure.build import BuildOptions, build
    from disclosure.sections import opendata

    files = tiny_site()
    # 锦绣家园 names its company by credit code: its records stay the same when the company is
    # renamed, but the downloads show the company's name.
    files["data/communities.csv"] = COMMUNITIES.replace("新华西街10号,测试恒信物业服务有限公司", f"新华西街10号,{CODE_A}")
    site = write_site(tmp_path / "site", files)
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    made: list[str] = []
    make = opendata._downloads
    monkeypatch.setattr(opendata, "_downloads", lambda model, d: made.append(d.stem) or make(model, d))

    write_site(site, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000009")})  # a phone
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert "companies" in made and "communities" not in made and "districts" not in made

    made.clear()
    renamed = {name: text.replace("测试恒信物业服务有限公司", "测试恒信新名物业有限公司") for name, text in files.items()
               if name.startswith(("data/companies", "data/ratings/"))}  # not communities.csv
    write_site(site, renamed)
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert "communities" in made
    assert "测试恒信新名物业有限公司" in (output / "downloads/communities.csv").read_text("utf-8-sig")

    fresh = shutil.copytree(site, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache"))
    build(BuildOptions(source=fresh, output=tmp_path / "clean", as_of=AS_OF, full=True))
    kept, clean = output / "downloads", tmp_path / "clean" / "downloads"
    assert ({p.relative_to(kept): p.read_bytes() for p in kept.rglob("*.*")}
            == {p.relative_to(clean): p.read_bytes() for p in clean.rglob("*.*")})


def test_kept_downloads_are_read_only_where_the_live_file_is_not_the_same(tmp_path, monkeypatch):
    """After a company's new phone number, open data's page and datapackage.json take the
    kept community downloads' sizes and digests, and their bytes stay unread while the live
    files are as the last build wrote them; a live file someone removed is written again."""
    from conftest import COMPANIES

    from disclosure.build import BuildOptions, build
    from disclosure.sections import opendata

    site = write_site(tmp_path / "site", tiny_site())
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    read: list[int] = []
    get = opendata._KeptContents.get
    monkeypatch.setattr(opendata._KeptContents, "get", lambda self, index: read.append(index) or get(self, index))

    write_site(site, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000009")})
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert read == []
    fresh = shutil.copytree(site, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache"))
    clean = tmp_path / "clean"
    build(BuildOptions(source=fresh, output=clean, as_of=AS_OF, full=True))

    def tree(folder):
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert tree(output) == tree(clean)

    (output / "downloads/communities.csv").unlink()
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert read  # the communities' kept bytes, for the file removed
    assert tree(output) == tree(clean)


def test_a_file_made_when_written_reaches_another_process_as_its_bytes():
    import pickle

    from disclosure.pages import DataFile

    made_later = DataFile("companies/x/data.json", make=lambda: b'{"name": "x"}\n')  # a lambda cannot be pickled
    assert made_later.data() == b'{"name": "x"}\n'
    assert pickle.loads(pickle.dumps(made_later)) == DataFile("companies/x/data.json", b'{"name": "x"}\n')


def test_each_record_json_is_its_row_of_the_download(output):
    for dataset, key in (("companies", "code"), ("communities", "id")):
        rows = {row[key]: row for row in json.loads((output / f"downloads/{dataset}.json").read_text("utf-8"))}
        records = {p.parent.name: json.loads(p.read_text("utf-8")) for p in (output / dataset).glob("*/data.json")}
        assert records and records == rows, dataset


def test_the_indicators_are_computed_again_only_when_what_they_count_changed(tmp_path, monkeypatch):
    """The indicator rows are kept between builds under the fields the coverage section
    reads: a company's new phone takes them from the cache, a community's new management
    mode computes them again, and the downloads equal a clean build's either way."""
    from conftest import COMMUNITIES, COMPANIES

    from disclosure.build import BuildOptions, build
    from disclosure.sections import coverage

    source = write_site(tmp_path / "site", tiny_site())
    output = tmp_path / "out"
    build(BuildOptions(source=source, output=output, as_of=AS_OF))
    computed = []
    original = coverage.from_model
    monkeypatch.setattr(coverage, "from_model", lambda model: computed.append(1) or original(model))
    write_site(source, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000099")})
    build(BuildOptions(source=source, output=output, as_of=AS_OF))
    assert computed == []
    write_site(source, {"data/communities.csv": COMMUNITIES.replace("测试河套物业有限公司,专业化物业服务",
                                                                     "测试河套物业有限公司,国有物业接管")})
    build(BuildOptions(source=source, output=output, as_of=AS_OF))
    assert computed  # by open data, and by the coverage section
    clean = tmp_path / "clean"
    fresh = shutil.copytree(source, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache"))
    build(BuildOptions(source=fresh, output=clean, as_of=AS_OF, full=True))
    for suffix in ("csv", "json", "xlsx"):
        name = f"downloads/indicators.{suffix}"
        assert (output / name).read_bytes() == (clean / name).read_bytes()
