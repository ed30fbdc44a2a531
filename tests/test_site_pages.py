"""The public pages every visitor meets: home, notices, about, districts, communities, fixed files."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import CODE_A, CODE_B, build_site, tiny_site, write_site

AS_OF = dt.date(2026, 6, 1)


def _notice(n: int, attachment: str = "") -> str:
    extra = f"attachments:\n  - {{title: 附件{n}, file: {attachment}}}\n" if attachment else ""
    return f"---\ntitle: 测试通知第{n}号\ndate: 2026-0{n}-10\ndocument_number: 测住建〔2026〕{n}号\n{extra}---\n正文{n}。\n"


def _site(tmp_path, **changes):
    return build_site(write_site(tmp_path / "site", {**tiny_site(), **changes}), as_of=AS_OF)


def test_notices_are_paginated_newest_first_with_attachments(tmp_path):
    out = _site(tmp_path, **{
        "content/notices/n1.md": _notice(1), "content/notices/n2.md": _notice(2),
        "content/notices/n3.md": _notice(3, "files/table-3.xlsx"), "content/files/table-3.xlsx": b"PK fake",
    })  # plus the tiny site's own notice of 2026-02-27: four in all, two a page
    first = (out / "notices/index.html").read_text(encoding="utf-8")
    second = (out / "notices/page/2/index.html").read_text(encoding="utf-8")
    titles = re.findall(r'<a href="[^"]*notices/[a-z0-9-]+/">([^<]+)</a>', first + second)
    assert titles == ["测试通知第3号", "关于公布2025年度信用评价结果的通知", "测试通知第2号", "测试通知第1号"]
    assert '<span aria-current="page">第 2 页</span>' in second
    article = (out / "notices/n3/index.html").read_text(encoding="utf-8")
    assert '<a href="../../files/files/table-3.xlsx">附件3</a>' in article
    assert (out / "files/files/table-3.xlsx").read_bytes() == b"PK fake"
    assert '<meta name="ArticleTitle" content="测试通知第3号">' in article
    assert '<meta name="PubDate" content="2026-03-10 09:00">' in article
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 4 and "https://example.org/wyfw/notices/n3/" in feed


def test_home_shows_lists_prices_notices_search_and_complaint_channels(tmp_path):
    out = _site(tmp_path)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "2025年度信用评价红黑榜" in home
    red = home.split("<caption>红榜")[1].split("</table>")[0]
    black = home.split("<caption>黑榜")[1].split("</table>")[0]
    assert f"companies/{CODE_A}/" in red and f"companies/{CODE_B}/" in black
    assert "测住建发〔2025〕9号" in home  # the reference prices in force
    assert 'href="notices/2026-credit/"' in home
    assert 'role="search" action="search/"' in home
    assert 'href="tel:12345"' in home and 'href="tel:0478-8731060"' in home


def test_fixed_pages_and_files_exist(tmp_path):
    out = _site(tmp_path)
    about = (out / "about/index.html").read_text(encoding="utf-8")
    assert "<h1>关于本站数据</h1>" in about and "虚构的演示数据" in about
    missing = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="/wyfw/static/site.css"' in missing and 'href="/wyfw/companies/"' in missing
    assert "404.html" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/wyfw/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")
    assert (out / "static/favicon.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    for path in ("index.html", "about/index.html", "404.html"):
        html = (out / path).read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in html and 'class="skip-link" href="#main"' in html
        assert "网站标识码：1508000008" in html and "公安机关备案号：15081599004-00001" in html


def test_districts_list_their_communities_and_companies(tmp_path):
    out = _site(tmp_path)
    linhe = (out / "districts/150802/index.html").read_text(encoding="utf-8")
    assert "锦绣家园" in linhe and "河套明珠小区" in linhe and "水利局家属楼" not in linhe
    assert f"companies/{CODE_A}/" in linhe and f"companies/{CODE_B}/" not in linhe
    assert '<meta name="ColumnName" content="旗县区">' in linhe
    directory = (out / "communities/index.html").read_text(encoding="utf-8")
    # By district, then by street within it.
    assert directory.index("临河区") < directory.index("<h3>解放街道</h3>") < directory.index("<h3>新华街道</h3>")
    assert directory.index("<h3>新华街道</h3>") < directory.index('<h2 id="d150821">')
    assert 'href="../districts/150821/"' in directory


def test_community_page_carries_the_print_sheet_with_qr_and_full_url(tmp_path):
    out = _site(tmp_path)
    page = next((out / "communities").glob("150802-*/index.html")).read_text(encoding="utf-8")
    url = re.search(r'<link rel="canonical" href="([^"]+)">', page).group(1)
    assert url.startswith("https://example.org/wyfw/communities/")
    sheet = page.split('class="sheet-only sheet-foot"')[1]
    assert url in sheet and "data:image/png;base64," in sheet and "数据日期：2026年6月1日" in sheet
    assert "测试市住房和城乡建设局 · 物业服务信息公示栏" in page


@pytest.mark.parametrize("url", ["https://example.org/wyfw/communities/150802-jinxiujiayuan/",
                                 "https://wyfw.example.gov.cn/communities/150821-shuiliju" + "x" * 90 + "/",
                                 "https://巴彦淖尔.政务/wyfw/communities/150802-jinxiujiayuan/"])
def test_the_qr_code_decodes_to_its_url_and_escapes_its_alt_text(url):
    """render.py writes the PNG itself: read it back (zlib, then one bit a pixel) and let a
    decoder read the code. (tests/browser decodes what Chromium shows when printing.)"""
    import base64
    import struct
    import zlib

    import numpy as np
    import zxingcpp

    from disclosure.qr import QR_QUIET_ZONE, QR_SCALE, QrCodes

    tag = str(QrCodes(None)(url, "锦绣家园<公示页>&二维码"))
    assert 'alt="锦绣家园&lt;公示页&gt;&amp;二维码"' in tag
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', tag).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
    assert (depth, colour) == (1, 0) and width == height
    assert f'width="{width * QR_SCALE}" height="{height * QR_SCALE}"' in tag
    idat = png.index(b"IDAT")
    raw = zlib.decompress(png[idat + 4:idat + 4 + struct.unpack(">I", png[idat - 4:idat])[0]])
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, -1)
    assert not rows[:, 0].any()  # every row unfiltered
    light = np.unpackbits(rows[:, 1:], axis=1)[:, :width]
    assert light[:QR_QUIET_ZONE].all() and light[:, -QR_QUIET_ZONE:].all()  # the quiet zone
    found = zxingcpp.read_barcodes(np.kron(light * 255, np.ones((4, 4), dtype=np.uint8)).astype(np.uint8))
    assert [code.text for code in found] == [url]
