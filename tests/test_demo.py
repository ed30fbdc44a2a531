"""The synthetic data generator: deterministic for a seed, and valid by construction."""

import subprocess
import sys
from pathlib import Path

from disclosure.build import load_inputs

ROOT = Path(__file__).resolve().parent.parent


def demo(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "generate.py"), "demo-data", "--out", str(out), *args],
                          capture_output=True, text=True, timeout=300)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    args = ("--companies", "30", "--communities", "150", "--years", "4")
    assert demo(tmp_path / "a", *args).returncode == 0
    assert demo(tmp_path / "b", *args).returncode == 0
    assert demo(tmp_path / "c", *args, "--seed", "7").returncode == 0
    a, b, c = tree(tmp_path / "a"), tree(tmp_path / "b"), tree(tmp_path / "c")
    assert a == b
    assert a.keys() == c.keys() and a["data/companies.csv"] != c["data/companies.csv"]


def test_generated_site_is_valid_at_the_requested_size(tmp_path):
    assert demo(tmp_path / "site", "--companies", "120", "--communities", "900", "--years", "5").returncode == 0
    inputs = load_inputs(tmp_path / "site")
    catalog = inputs.catalog
    assert len(catalog.companies) == 120
    assert len(catalog.communities) == 900
    assert len({r.year for r in catalog.ratings}) == 5
    assert inputs.problems.warnings == []


def test_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("staff file")
    result = demo(tmp_path / "x")
    assert result.returncode == 2 and "不为空" in result.stdout
    assert (tmp_path / "x" / "keep.txt").read_text() == "staff file"
