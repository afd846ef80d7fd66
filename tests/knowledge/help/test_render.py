"""Article Markdown to HTML: formatting kept, markup and script links not."""

from __future__ import annotations

from knowledge.help.render import article_html


def test_markdown_becomes_html() -> None:
    html = article_html("Intro with **bold**.\n\n## A section\n- one\n- two\n\n[Returns](/help/returns-policy)")
    assert "<strong>bold</strong>" in html
    assert "<h2>A section</h2>" in html
    assert "<li>one</li>" in html
    assert '<a href="/help/returns-policy">Returns</a>' in html


def test_raw_html_and_script_links_are_not_rendered() -> None:
    html = article_html('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[click](javascript:alert(3))')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
