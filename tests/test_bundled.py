"""The bundled fictional Bayannur data set builds a full site from a fresh checkout."""

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import pytest

from disclosure.build import BuildOptions, build, load_inputs
from disclosure.records import CATEGORIES, COMMITTEES, MANAGEMENT_MODES

ROOT = Path(__file__).resolve().parent.parent
DISTRICTS = {"150802", "150821", "150822", "150823", "150824", "150825", "150826"}


@pytest.fixture(scope="module")
def bundled():
    return load_inputs(ROOT)


def test_bundled_data_is_complete(bundled):
    catalog = bundled.catalog
    assert {d.code for d in catalog.districts} == DISTRICTS
    assert len(catalog.companies) >= 40
    assert len(catalog.communities) >= 200
    assert {c.district for c in catalog.communities} == DISTRICTS
    assert set(Counter(c.mode for c in catalog.communities)) == set(MANAGEMENT_MODES)
    assert set(Counter(c.category for c in catalog.communities)) == set(CATEGORIES)
    assert set(Counter(c.committee for c in catalog.communities)) == set(COMMITTEES)
    assert len({r.year for r in catalog.ratings}) == 3
    assert len(catalog.prices) == 2
    assert len(bundled.content.notices) >= 3
    lists = Counter(r.list for r in catalog.ratings)
    assert lists["红榜"] > 0 and lists["黑榜"] > 0


def test_bundled_site_builds_and_says_it_is_fictional(tmp_path):
    source = tmp_path / "site"
    source.mkdir()
    for name in ("site.yaml", "data", "content"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, source / name)
    report = build(BuildOptions(source=source, output=tmp_path / "output", as_of=dt.date(2026, 3, 1)))
    assert report.pages > 300
    home = (tmp_path / "output/index.html").read_text("utf-8")
    assert "演示数据" in home and "均为虚构" in home
    about = (tmp_path / "output/about/index.html").read_text("utf-8")
    assert "虚构" in about
