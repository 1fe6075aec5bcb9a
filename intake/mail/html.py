"""HTML bodies to plain text (the standard library's parser), for the body and the link search."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
               "pre", "hr", "dd", "dt", "dl", "section", "article", "header", "footer", "title", "center", "address"}
_SKIP_TAGS = {"script", "style", "head", "template", "noscript"}


class _HtmlText(HTMLParser):
    """Text of an HTML body; ``linked`` is the same text with each link's address after its words."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.linked: list[str] = []
        self.skip = 0
        self.hrefs: list[str | None] = []

    def _both(self, s: str) -> None:
        self.text.append(s)
        self.linked.append(s)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self._both("\n")
        elif tag in {"td", "th"}:
            self._both("\t")
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._both("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS and tag != "br":
            self._both("\n")
        if tag == "a" and self.hrefs:
            href = self.hrefs.pop()
            if href and href.strip().lower().startswith(("http://", "https://")):
                self.linked.append(f" <{href.strip()}> ")

    def handle_data(self, data):
        if not self.skip:
            self._both(data)


def _tidy(text: str) -> str:
    lines = (re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """(text, text with link addresses) of an HTML document, with the standard library's parser."""
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this is only a guard against the unforeseen
        return _tidy(re.sub(r"<[^>]*>", " ", html)), html
    return _tidy("".join(parser.text)), _tidy("".join(parser.linked))


