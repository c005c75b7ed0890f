"""HTML (as Moodle stores question text) to newsquiz's plain text.

newsquiz shows text exactly as written, with only ``*emphasis*`` and ``**strong**``
understood in running texts, so HTML from a question bank is turned into what a reader
would see: paragraphs and ``<br>`` become line breaks, list items get a bullet,
``<b>``/``<strong>`` and ``<i>``/``<em>`` become ``**…**`` and ``*…*`` (in running texts
only), a link keeps its text followed by its address, an image becomes ``[image: alt]``,
scripts, styles and comments are dropped, entities are decoded, and whitespace is
collapsed as a browser would (except inside ``<pre>``). :func:`html_to_text` says what it
did, so an import can report it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "table",
        "tr",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "dl",
        "dt",
        "dd",
        "hr",
    }
)
_DROP = frozenset({"script", "style", "head", "title", "template", "noscript"})
_STRONG = frozenset({"b", "strong"})
_EM = frozenset({"i", "em"})
_SPACE = re.compile(r"[ \t\n\r\f]+")
#: Something that looks like HTML: a known kind of tag, or an entity.
LOOKS_LIKE_HTML = re.compile(
    r"</?(?:p|br|div|span|b|strong|i|em|u|a|img|ul|ol|li|table|tr|td|th|h[1-6]|pre|code|"
    r"sub|sup|font|hr|blockquote)\b[^>]*>|&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);",
    re.IGNORECASE,
)


@dataclass
class HtmlResult:
    text: str
    #: What was changed beyond removing tags, for the import report.
    notes: list[str] = field(default_factory=list)


class _Converter(HTMLParser):
    def __init__(self, emphasis: bool) -> None:
        super().__init__(convert_charrefs=False)
        self.emphasis = emphasis
        self.out: list[str] = []
        self.pre = 0
        self.drop = 0
        self.links: list[str] = []
        self.notes: set[str] = set()

    # -- output helpers

    def _text(self, text: str) -> None:
        if self.drop:
            return
        if not self.pre:
            text = _SPACE.sub(" ", text)
            if text.startswith(" ") and self.out and self.out[-1].endswith((" ", "\x00", "\x01")):
                text = text[1:]
        if text:
            self.out.append(text)

    def _close(self, marker: str) -> None:
        if self.out and self.out[-1] == marker:
            self.out.pop()  # nothing was emphasised
        else:
            self.out.append(marker)

    def _break(self, blank: bool = False) -> None:
        self.out.append("\x00" if blank else "\x01")

    # -- parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in _DROP:
            self.drop += 1
            self.notes.add(f"<{tag}> content left out")
        elif tag == "br":
            self._break()
        elif tag == "li":
            self._break()
            self.out.append("• ")
        elif tag in _BLOCKS:
            if tag == "pre":
                self.pre += 1
            self._break(blank=True)
            if tag == "hr":
                self.out.append("———")
                self._break(blank=True)
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag in _STRONG and self.emphasis:
            self.out.append("**")
        elif tag in _EM and self.emphasis:
            self.out.append("*")
        elif tag == "a":
            self.links.append(a.get("href", ""))
            self.out.append("\x02")
        elif tag == "img":
            alt = a.get("alt", "").strip()
            self.out.append(f"[image: {alt}]" if alt else "[image]")
            self.notes.add("an image was replaced by [image]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.drop = max(0, self.drop - 1)
        elif tag in _BLOCKS:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._break(blank=True)
        elif tag in _STRONG and self.emphasis:
            self._close("**")
        elif tag in _EM and self.emphasis:
            self._close("*")
        elif tag == "a" and self.links:
            href = self.links.pop()
            # The link's text is what follows the last marker.
            start = len(self.out) - 1 - self.out[::-1].index("\x02")
            label = "".join(self.out[start + 1 :]).strip()
            self.out[start] = ""
            if href and not href.startswith(("#", "javascript:")) and href != label:
                self.out.append(f" ({href})")
                self.notes.add("a link's address was written after its text")

    def handle_data(self, data: str) -> None:
        self._text(data)

    def handle_entityref(self, name: str) -> None:
        self._text(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        if self.drop:
            return
        # A space or tab written as a character reference is meant: it is kept as it is.
        self.out.append(html.unescape(f"&#{name};").replace(" ", "\x03").replace("\t", "\x04"))

    def handle_comment(self, data: str) -> None:
        self.notes.add("an HTML comment was left out")


def html_to_text(source: str, *, emphasis: bool = True) -> HtmlResult:
    """Plain text for ``source``; ``emphasis`` keeps bold/italic as ``**``/``*``."""
    conv = _Converter(emphasis)
    conv.feed(source)
    conv.close()
    raw = "".join(part for part in conv.out if part != "\x02")
    # Line structure: \x00 is a paragraph break, \x01 a line break; spaces around them go.
    raw = re.sub(r"[ \t]*([\x00\x01])[ \t]*", r"\1", raw)
    raw = re.sub(r"\x00[\x00\x01]*|[\x01]+\x00[\x00\x01]*", "\n\n", raw)
    raw = raw.replace("\x01", "\n")
    text = raw.strip().replace("\x03", " ").replace("\x04", "\t")
    return HtmlResult(text, sorted(conv.notes))
