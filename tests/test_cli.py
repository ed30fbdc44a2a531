"""The command line as staff use it: exit codes, messages, and the live-reload preview."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import CODE_A, COMPANIES

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "generate.py"), *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_check_ok(site):
    result = run("check", "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert "校验通过：2 个旗县区、3 家企业、3 个小区" in result.stdout
    assert not (site / "output").exists()  # check builds nothing


def test_check_invalid_exits_1_with_positions(site):
    (site / "data/companies.csv").write_text(COMPANIES.replace(CODE_A, CODE_A[:-1] + "Y" if CODE_A[-1] != "Y"
                                                               else CODE_A[:-1] + "X"), encoding="utf-8")
    result = run("check", "--source", str(site))
    assert result.returncode == 1
    assert "data/companies.csv:2: 列“统一社会信用代码”" in result.stderr
    assert "未生成网站" in result.stderr


def test_usage_errors_exit_2(site, tmp_path):
    assert run("publish").returncode == 2
    bad_date = run("build", "--source", str(site), "--as-of", "2026-13-01")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr
    assert run("check", "--source", str(tmp_path / "nowhere")).returncode == 2


def test_build_with_output_and_base_url(site, tmp_path):
    result = run("build", "--source", str(site), "--output", str(tmp_path / "public"), "--base-url",
                 "https://example.org/x/", "--as-of", "2026-06-01")
    assert result.returncode == 0, result.stderr
    assert "已生成" in result.stdout
    assert "https://example.org/x/credit/" in (tmp_path / "public/sitemap.xml").read_text("utf-8")
    again = run("build", "--source", str(site), "--output", str(tmp_path / "public"), "--base-url",
                "https://example.org/x/", "--as-of", "2026-06-01")
    assert again.returncode == 0 and "未改动" in again.stdout and "已生成" not in again.stdout
    other_base = run("build", "--source", str(site), "--output", str(tmp_path / "public"), "--as-of", "2026-06-01")
    assert "已生成" in other_base.stdout
    assert "https://example.org/x/" not in (tmp_path / "public/sitemap.xml").read_text("utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def test_serve_binds_loopback_and_rebuilds_on_change(site):
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "generate.py"), "serve", "--source", str(site),
                               "--port", str(port), "--as-of", "2026-06-01"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/companies/{CODE_A}/"
        page = _wait_for(lambda: fetch(url), 60)
        assert "张测一" in page
        (site / "data/companies.csv").write_text(COMPANIES.replace("张测一", "张测改"), encoding="utf-8")
        changed = _wait_for(lambda: fetch(url) if "张测改" in fetch(url) else None, 60)
        assert "张测改" in changed
        listening = listening_addresses(port)
        assert listening and set(listening) == {"127.0.0.1"}, listening
    finally:
        server.terminate()
        server.wait(timeout=10)


def listening_addresses(port: int) -> list[str]:
    """The local addresses with a listening socket on ``port``, from the kernel's tables."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                if len(address) == 8:
                    found.append(".".join(str(b) for b in reversed(bytes.fromhex(address))))
                else:
                    found.append("ipv6:" + address)
    return found


def _wait_for(attempt, seconds):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            result = attempt()
            if result:
                return result
        except OSError as exc:
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting: {last}")
