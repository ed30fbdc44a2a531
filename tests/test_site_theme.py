"""Template overrides: the site's theme folder, then the site's themes/default, then the bundled theme."""

from __future__ import annotations

from conftest import build_site, tiny_site, write_site


def test_the_most_specific_template_and_static_file_win(tmp_path):
    files = {
        **tiny_site(),
        "site.yaml": tiny_site()["site.yaml"] + "theme: mytheme\n",
        # The site's chosen theme overrides one block of the home page only.
        "mytheme/templates/home.html": '{% extends "base.html" %}{% block content %}<h1>自定义首页</h1>{% endblock %}',
        "mytheme/static/site.css": "body { color: #000; }\n",
        # Its themes/default overrides the 404 page and the home page, which mytheme wins over.
        "themes/default/templates/404.html": '{% extends "base.html" %}{% block content %}<h1>站点的404</h1>{% endblock %}',
        "themes/default/templates/home.html": "不应使用",
        "themes/default/templates/base.html": None,
    }
    files = {k: v for k, v in files.items() if v is not None}
    out = build_site(write_site(tmp_path / "site", files))
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>自定义首页</h1>" in home and "不应使用" not in home
    assert 'class="skip-link"' in home and "网站标识码" in home  # the bundled base layout still frames it
    assert "<h1>站点的404</h1>" in (out / "404.html").read_text(encoding="utf-8")
    assert (out / "static/site.css").read_text(encoding="utf-8") == "body { color: #000; }\n"
    assert (out / "static/site.js").is_file()  # not overridden: the bundled file
    assert "物业服务企业名录" in (out / "companies/index.html").read_text(encoding="utf-8")
