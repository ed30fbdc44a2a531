"""Sections left alone when what they read did not change (reads.py), and the check that each
section declares every field it reads."""

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import CODE_A, COMPANIES, tiny_site, write_site

from disclosure import qr, render
from disclosure.build import BuildOptions, build, load_inputs
from disclosure.catalog import record_digest
from disclosure.model import Model
from disclosure.reads import ALL, DATASETS, Reads, SectionKeys
from disclosure.records import Source
from disclosure.sections import SECTIONS, name_of
from disclosure.settings import Target, theme_dirs

AS_OF = dt.date(2026, 6, 1)
ROOT = Path(__file__).resolve().parent.parent
EVERY_SECTION = {name_of(section) for section in SECTIONS}


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def clean_build(source: Path, tmp_path: Path) -> Path:
    fresh = shutil.copytree(source, tmp_path / "fresh", ignore=shutil.ignore_patterns(".cache", "output*"))
    build(BuildOptions(source=fresh, output=tmp_path / "clean", as_of=AS_OF, full=True))
    return tmp_path / "clean"


# --- the build ------------------------------------------------------------------------------

def test_a_new_phone_number_runs_only_the_sections_that_show_it(site, tmp_path, monkeypatch):
    from disclosure import incremental

    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    visited = []
    fingerprint = incremental.Fingerprints.page
    monkeypatch.setattr(incremental.Fingerprints, "page", lambda self, page: visited.append(page.path)
                        or fingerprint(self, page))
    write_site(site, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000099")})
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert set(report.sections_kept) == EVERY_SECTION - {"companies", "opendata"}
    assert report.rendered + report.reused == report.pages
    assert "0478-8000099" in (output / f"companies/{CODE_A}/index.html").read_text(encoding="utf-8")
    assert f"companies/{CODE_A}/index.html" in visited
    assert not [path for path in visited if path.startswith(("communities/", "districts/", "credit/"))]  # unvisited
    assert tree(output) == tree(clean_build(site, tmp_path))


def test_a_section_whose_page_was_removed_from_output_runs_again(site, tmp_path):
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    (output / "credit/index.html").unlink()
    write_site(site, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000099")})
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert "credit" not in report.sections_kept and "coverage" in report.sections_kept
    assert tree(output) == tree(clean_build(site, tmp_path))


@pytest.mark.parametrize("change", [
    {"site.yaml": tiny_site()["site.yaml"].replace("title: 测试市", "title: 测试二市", 1)},
    {"themes/default/templates/company.html": "{% extends 'base.html' %}{% block content %}<h1>{{ company.name }}</h1>"
                                              "{% endblock %}"},
    {"content/notices/2026-credit.md": tiny_site()["content/notices/2026-credit.md"] + "\n补充。\n"},
], ids=["settings", "template", "content"])
def test_a_change_to_settings_templates_or_content_runs_every_section(site, tmp_path, change):
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    write_site(site, change)
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert report.sections_kept == ()
    assert tree(output) == tree(clean_build(site, tmp_path))


def test_a_site_template_may_show_any_field_of_the_records_it_is_given(site, tmp_path):
    """The declarations hold for the bundled templates. A city's own credit page that shows
    each red-list company's phone, which the bundled one does not, gets the new number."""
    own = ("{% extends 'base.html' %}{% block content %}<h1>红榜</h1><ul>{% for e in red %}"
           "<li>{{ e.company.name }} {{ e.company.phone }}</li>{% endfor %}</ul>{% endblock %}")
    write_site(site, {"themes/default/templates/credit.html": own})
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert "0478-8000001" in (output / "credit/index.html").read_text(encoding="utf-8")
    write_site(site, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000099")})
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert "credit" not in report.sections_kept and {"prices", "notices"} <= set(report.sections_kept)
    assert "0478-8000099" in (output / "credit/index.html").read_text(encoding="utf-8")
    assert tree(output) == tree(clean_build(site, tmp_path))
    # The site's own template removed, its folder left empty: the declarations hold again.
    (site / "themes/default/templates/credit.html").unlink()
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    write_site(site, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000077")})
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert "credit" in report.sections_kept


def test_the_kept_workbooks_of_a_section_left_alone_are_not_forgotten(site, tmp_path):
    output = tmp_path / "out"
    build(BuildOptions(source=site, output=output, as_of=AS_OF))
    ledgers = {p.name for p in (site / ".cache/workbooks/coverage").iterdir()}
    assert ledgers
    write_site(site, {"data/companies.csv": COMPANIES.replace("0478-8000001", "0478-8000099")})
    report = build(BuildOptions(source=site, output=output, as_of=AS_OF))
    assert "coverage" in report.sections_kept
    assert {p.name for p in (site / ".cache/workbooks/coverage").iterdir()} == ledgers


# --- the declarations -----------------------------------------------------------------------

HAN = "甲乙丙丁戊己庚辛壬癸"


def changed(value, kind: str, n: int):
    """Another value of the field's type, different from record to record, so that an order
    by the field changes too."""
    if kind == "str":
        return f"{HAN[n % 10]}{value or ''}改"
    if kind == "int":
        return (value or 2000) + 1 + n % 3
    if kind == "float":
        return (value or 1.0) + 0.5 + n % 3
    if kind == "dt.date":
        return (value or dt.date(2025, 3, 1)) + dt.timedelta(days=1 + n % 3)
    if kind == "Source | None":
        return Source(f"{value.file if value else 'x'}改", (value.row if value else 0) + 1000 + n)
    raise AssertionError(f"no changed value for a field of type {kind}")


class Site:
    """The bundled site's records, and each section's pages and files rendered from them."""

    def __init__(self, source: Path):
        self.source = source
        self.inputs = load_inputs(source)
        self.env = render.make_environment(theme_dirs(source, self.inputs.settings), None,
                                           qr.QrCodes(source / ".cache" / "qr"))

    def outputs(self, section, catalog=None, settings=None) -> dict[str, bytes | str]:
        settings = settings or self.inputs.settings
        model = Model(settings, catalog or self.inputs.catalog, self.inputs.content, AS_OF, self.source)
        made = section.contribute(model)
        renderer = render.Renderer(self.env, settings, AS_OF, settings.base_url)
        result: dict[str, bytes | str] = {page.path: renderer.render(page) for page in made.pages}
        result.update((file.path, file.data()) for file in made.files)
        return result

    def with_changed(self, dataset: str, names: list[str]):
        """The catalog with ``names`` changed in every record of ``dataset``."""
        catalog = self.inputs.catalog
        records = getattr(catalog, dataset)
        kinds = {f.name: f.type for f in dataclasses.fields(records[0])}
        new = tuple(dataclasses.replace(r, **{name: changed(getattr(r, name), kinds[name], n) for name in names})
                    for n, r in enumerate(records))
        digests = dict(catalog.digests)
        digests.update((id(r), (record_digest(r), r)) for r in new)
        return dataclasses.replace(catalog, **{dataset: new}, digests=digests)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    source = tmp_path_factory.mktemp("bundled")
    for name in ("data", "content"):
        shutil.copytree(ROOT / name, source / name)
    shutil.copy(ROOT / "site.yaml", source / "site.yaml")
    return Site(source)


def undeclared(reads: Reads, dataset: str, records) -> list[str]:
    declared = getattr(reads, dataset)
    if declared == ALL:
        return []
    names = [f.name for f in dataclasses.fields(records[0])]
    assert set(declared) <= set(names), f"{dataset}: no such field in {sorted(set(declared) - set(names))}"
    return [name for name in names if name not in declared]


@pytest.mark.parametrize("section", SECTIONS, ids=name_of)
def test_a_section_shows_the_same_when_fields_it_does_not_declare_change(bundled, section):
    """Every field a section does not declare, changed in every record at once, leaves the
    section's pages and files byte for byte as they were: the build may leave it alone."""
    reads = section.reads(bundled.inputs.settings)
    before = bundled.outputs(section)
    for dataset in DATASETS:
        names = undeclared(reads, dataset, getattr(bundled.inputs.catalog, dataset))
        if names:
            after = bundled.outputs(section, bundled.with_changed(dataset, names))
            assert after.keys() == before.keys(), dataset
            assert [path for path in before if after[path] != before[path]] == [], (dataset, names)


def test_the_check_sees_a_change_of_a_declared_field(bundled):
    """The check above is not blind: a company's phone is declared by the companies section,
    and changing it changes that section's pages."""
    from disclosure.sections import companies

    assert "phone" not in undeclared(companies.reads(bundled.inputs.settings), "companies",
                                     bundled.inputs.catalog.companies)
    assert bundled.outputs(companies, bundled.with_changed("companies", ["phone"])) != bundled.outputs(companies)


def test_a_target_on_companies_makes_the_fields_it_counts_read(bundled):
    """The action-plan targets in site.yaml name fields of their own: a target counting the
    companies by party makes party a field the district pages read."""
    from disclosure.sections import communities, coverage

    settings = bundled.inputs.settings
    party = Target(key="party", title="党组织覆盖率", subject="companies", count={"party": ["独立党组织", "联合党支部"]},
                   min_percent=50.0, deadline=dt.date(2026, 12, 31))
    with_party = dataclasses.replace(settings, targets=dataclasses.replace(
        settings.targets, indicators=[*settings.targets.indicators, party]))
    assert "party" not in communities.reads(settings).companies
    assert "party" in communities.reads(with_party).companies
    by_party = bundled.with_changed("companies", ["party"])
    assert bundled.outputs(communities, by_party, with_party) != bundled.outputs(communities, settings=with_party)
    for section in (communities, coverage):
        names = undeclared(section.reads(with_party), "companies", bundled.inputs.catalog.companies)
        before = bundled.outputs(section, settings=with_party)
        assert bundled.outputs(section, bundled.with_changed("companies", names), with_party) == before


def test_equal_fields_give_equal_keys_and_a_declared_field_changes_the_key(bundled):
    catalog = bundled.inputs.catalog
    reads = Reads(companies=("code", "name"), communities=ALL)
    key = SectionKeys("common", catalog, {}).key("x", reads)
    assert SectionKeys("common", bundled.with_changed("companies", ["phone"]), {}).key("x", reads) == key
    assert SectionKeys("common", bundled.with_changed("companies", ["name"]), {}).key("x", reads) != key
    assert SectionKeys("common", bundled.with_changed("communities", ["fee"]), {}).key("x", reads) != key
    assert SectionKeys("other", catalog, {}).key("x", reads) != key
    assert SectionKeys("common", catalog, {}).key("y", reads) != key


def test_the_fields_of_unchanged_records_are_not_digested_again(bundled):
    """The last build's digest of a dataset's field is taken when its records are the same,
    and not when any record differs."""
    catalog = bundled.inputs.catalog
    reads = Reads(communities=("name",))
    first = SectionKeys("common", catalog, {})
    key = first.key("x", reads)
    assert SectionKeys("common", catalog, first.columns).key("x", reads) == key
    whole, names = first.columns["communities", "name"]
    planted = {("communities", "name"): (whole, b"planted")}
    assert SectionKeys("common", catalog, planted).key("x", reads) != key  # taken, not digested
    other_fees = SectionKeys("common", bundled.with_changed("communities", ["fee"]), planted)
    assert other_fees.key("x", reads) == key  # digested again: the names are the same
    assert other_fees.columns["communities", "name"][1] == names
