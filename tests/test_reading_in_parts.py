"""A large sheet's new rows are checked by several processes; the result is one process's."""

import pickle

import pytest
from conftest import COMMUNITIES, tiny_site, write_site

from disclosure import catalog, parallel
from disclosure.build import load_inputs
from disclosure.problems import InputError
from disclosure.recordcache import RecordCache

HEADER, *ROWS = COMMUNITIES.strip().splitlines()
MORE = [
    "富强小区,临河区,新华街道,富强路1号,测试恒信物业服务有限公司,专业化物业服务,新建小区,多层,60,5000,1.2,二级,无,,",
    "团结小区,五原县,隆兴昌镇,团结路2号,测试河套物业有限公司,专业化物业服务,新建小区,多层,70,6000,1.1,二级,无,,",
    "和平小区,临河区,解放街道,和平路3号,测试河套物业有限公司,专业化物业服务,新建小区,多层,80,7000,1.0,二级,无,,",
]


def read(tmp_path, name, rows, workers, header=HEADER):
    """The records and their digests (or the problems) of the tiny site with these community
    rows, and what the cache kept."""
    files = tiny_site()
    files["data/communities.csv"] = "\n".join([header, *rows]) + "\n"
    site = write_site(tmp_path / name, files)
    try:
        found = load_inputs(site, cache=RecordCache(site / ".cache"), workers=workers)
        records = found.catalog.companies, found.catalog.communities, found.catalog.ratings
        digests = [found.catalog.digests[id(r)][0] for r in found.catalog.communities]
        result = (records, digests, found.problems)
    except InputError as caught:
        result = (None, None, caught.problems)
    kept = {p.name.split(".")[0]: pickle.loads(p.read_bytes()) for p in (site / ".cache").iterdir()}
    return result, kept


@pytest.fixture
def forks(monkeypatch):
    """Tables of two rows and more are cut into parts: the workers forked for each table."""
    made = {}
    fork_pool = parallel.fork_pool

    def counting(workers, **inherited):
        parts = inherited["rows"][0]
        made[parts[0].file] = workers
        return fork_pool(workers, **inherited)

    monkeypatch.setattr(catalog, "PARALLEL_ROWS", 2)
    monkeypatch.setattr(parallel, "fork_pool", counting)
    return made


def test_rows_checked_in_parts_give_the_records_problems_and_cache_of_one_process(tmp_path, forks):
    # Rows 2 to 7 in parts of two. In the first part (checked here) a web address that cannot
    # be one: an error that rejects no record. In the second (checked in a worker) an error
    # that does; the third is then checked here again.
    bad = [
        ROWS[0] + ",",
        ROWS[1] + ",Bad Id!",
        ROWS[2] + ",",
        MORE[0].replace("60,", "六十,") + ",",  # households not a number
        MORE[1] + ",",
        MORE[2].replace("测试河套物业有限公司", "不存在的物业公司") + ",",
    ]
    results = []
    for number, (header, rows) in enumerate([(HEADER, [*ROWS, *MORE]), (HEADER + ",项目编号", bad)]):
        alone, kept_alone = read(tmp_path, f"alone{number}", rows, workers=1, header=header)
        results.append(alone)
        assert forks == {}
        parts, kept_parts = read(tmp_path, f"parts{number}", rows, workers=3, header=header)
        # two workers for the second and third part; this process checked the first
        assert forks["data/communities.csv"] == 2
        assert parts == alone
        assert kept_parts == kept_alone
        forks.clear()
    good, bad = results
    assert len(good[0][1]) == 6 and not good[2].errors
    assert [(p.row, p.column) for p in bad[2].errors] == [(3, "项目编号"), (5, "户数"), (7, "物业服务企业")]


def test_rows_after_a_rejected_row_are_checked_as_in_one_process(tmp_path, forks):
    """A row that fails makes later references to its name quiet (the failed row is the one to
    fix): in one process, so also when the later row is in another part."""
    rejected = MORE[0].replace("富强小区,临河区", "测试幽灵物业,不存在的旗县")
    referring = MORE[2].replace("测试河套物业有限公司", "测试幽灵物业")
    rows = [*ROWS, rejected, MORE[1], referring]  # parts: rows 2-3, 4-5, 6-7
    alone, _ = read(tmp_path, "alone", rows, workers=1)
    parts, _ = read(tmp_path, "parts", rows, workers=3)
    assert forks["data/communities.csv"] == 2
    assert [(p.row, p.column) for p in alone[2].errors] == [(5, "所属旗县区")]  # row 7 is dropped, not reported
    assert parts == alone
