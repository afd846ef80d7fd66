"""Article bodies to HTML, safely: CommonMark without raw HTML, links limited to safe schemes."""

from __future__ import annotations

from markdown_it import MarkdownIt

# "html": False prints any HTML in an article as text; markdown-it's own link validation already
# refuses javascript:, vbscript:, file: and most data: URLs. Articles are ours, but a pasted
# snippet must never run in a customer's browser.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def article_html(body: str) -> str:
    return _MARKDOWN.render(body)
