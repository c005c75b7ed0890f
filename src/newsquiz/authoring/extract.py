"""Reading an article for `newsquiz new`: pasted text, a saved web page, or a URL.

Pasted text (``.txt``, ``.md``) is cleaned of web boilerplate by the rules in
:mod:`newsquiz.authoring.boilerplate`.  Web pages are read with trafilatura, an optional
extra (``pip install 'newsquiz[authoring]'``) imported only when a page is read.  A URL
is fetched only when the teacher gives one, with the standard library: a timeout, a size
cap, at most :data:`MAX_REDIRECTS` redirects, and HTML content types only.

Every problem is an :class:`AuthoringError` with a message for the teacher, never a
traceback.  Nothing is invented: metadata the source does not give stays empty.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsquiz.authoring.boilerplate import Removed, clean, rule_for
from newsquiz.text import FORBIDDEN

#: Largest text file or web page read, in bytes.
MAX_SOURCE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = 15.0
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
#: Fewer words than this in a page's extracted body: not an article (a menu, a notice).
MIN_WORDS = 25

INSTALL_HINT = "install it with: pip install 'newsquiz[authoring]'"


class AuthoringError(ValueError):
    """A problem with the source a teacher gave; the message says what to do."""


@dataclass(frozen=True)
class Source:
    """An article as read from its source; fields the source does not give are empty."""

    headline: str
    paragraphs: tuple[str, ...]
    byline: str = ""
    outlet: str = ""
    published: str = ""  # YYYY-MM-DD, only when the source states it
    url: str = ""
    origin: str = ""  # what the teacher gave: a file name or the URL
    kind: str = "text"  # text | html | url
    removed: tuple[Removed, ...] = field(default=())

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


# ------------------------------------------------------------------ entry point


def read_source(
    source: str, *, keep: Sequence[str] = (), timeout: float = TIMEOUT, max_bytes: int | None = None
) -> Source:
    """The article in ``source``: a URL (http/https) or a .txt/.md/.html file."""
    cap = MAX_SOURCE_BYTES if max_bytes is None else max_bytes
    scheme = urllib.parse.urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        html, final_url = fetch(source, timeout=timeout, max_bytes=cap)
        return from_html(html, origin=source, url=final_url, keep=keep, kind="url")
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        raise AuthoringError(
            f"{source}: only http:// and https:// addresses can be fetched; "
            "for anything else, save the page and give the file"
        )
    path = Path(source)
    data = _read_file(path, cap)
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and _looks_like_html(data)):
        return from_html(data, origin=source, keep=keep, kind="html")
    return from_text(_decode_text(data, source), origin=source, keep=keep)


def _read_file(path: Path, cap: int) -> bytes:
    from newsquiz.scenario.loader import NotRegularFile, read_regular

    name = str(path)
    try:
        data, _ = read_regular(path, cap)  # never a pipe or a device; cap + 1 bytes
    except (FileNotFoundError, NotADirectoryError):
        raise AuthoringError(f"{name}: no such file") from None
    except NotRegularFile:
        raise AuthoringError(f"{name}: not a regular file") from None
    except OSError as err:
        raise AuthoringError(f"{name}: cannot be read ({err.strerror or err})") from None
    if len(data) > cap:
        raise AuthoringError(f"{name}: larger than {cap:,} bytes; that is not one article")
    return data


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _decode_text(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise AuthoringError(
            f"{name}: not UTF-8 text (byte {err.start + 1}); save it as UTF-8 and try again"
        ) from None


# ------------------------------------------------------------------- plain text


def _tidy_lines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = FORBIDDEN.sub("", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _paragraphs(text: str) -> list[str]:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text)]
    return [b for b in blocks if b]


def from_text(text: str, *, origin: str = "", keep: Sequence[str] = ()) -> Source:
    """Pasted text: the headline is the first line when it stands alone (a short first
    paragraph of one line; a Markdown ``#`` is dropped); boilerplate lines are removed."""
    cleaned = clean(_tidy_lines(text), keep)
    blocks = _paragraphs(cleaned.text)
    if len(blocks) == 1 and blocks[0].count("\n") >= 2:
        # One line per paragraph, no blank lines between them.
        blocks = [line for line in blocks[0].split("\n") if line.strip()]
    headline = ""
    if blocks and "\n" not in blocks[0] and len(blocks[0]) <= 200 and len(blocks) > 1:
        headline = re.sub(r"^#+\s*", "", blocks.pop(0)).strip()
    blocks = [re.sub(r"^#+\s+", "", b) for b in blocks]
    if not blocks:
        raise AuthoringError(f"{origin or 'the text'}: no article text found")
    return Source(
        headline=headline,
        paragraphs=tuple(blocks),
        origin=origin,
        kind="text",
        removed=cleaned.removed,
    )


# ------------------------------------------------------------------------- HTML


def _trafilatura() -> Any:
    try:
        import trafilatura
    except ImportError as err:
        missing = getattr(err, "name", None) or "trafilatura"
        raise AuthoringError(
            f"reading web pages needs the optional package '{missing}', which is not "
            f"installed; {INSTALL_HINT} (pasted .txt files work without it)"
        ) from None
    return trafilatura


def from_html(
    html: bytes | str,
    *,
    origin: str = "",
    url: str = "",
    keep: Sequence[str] = (),
    kind: str = "html",
) -> Source:
    """A web page: body and metadata by trafilatura, then the boilerplate rules."""
    trafilatura = _trafilatura()
    name = origin or "the page"
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=True,
            deduplicate=False,
        )
    except RecursionError:
        raise AuthoringError(f"{name}: the page is nested too deeply to be read") from None
    except Exception as err:  # the extractor's own failures: say so, no traceback
        raise AuthoringError(f"{name}: the page could not be read ({type(err).__name__})") from None
    if doc is None:
        raise AuthoringError(
            f"{name}: no article text found in the page; copy the article's text into a "
            ".txt file and give that instead"
        )
    data: dict[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = _tidy_lines(str(data.get("text") or ""))
    title = _one_line(data.get("title"))
    # trafilatura gives one paragraph per line; pasted-text rules apply to each line.
    lines = [line for line in body.split("\n") if line.strip()]
    if lines and title and _same(lines[0], title):
        lines.pop(0)
    cleaned = clean("\n\n".join(lines), keep)
    paragraphs = tuple(_paragraphs(cleaned.text))
    if sum(len(p.split()) for p in paragraphs) < MIN_WORDS:
        raise AuthoringError(
            f"{name}: no article text found in the page; copy the article's text into a "
            ".txt file and give that instead"
        )
    return Source(
        headline=title,
        paragraphs=paragraphs,
        byline=_one_line(data.get("author")),
        outlet=_one_line(data.get("sitename")),
        published=_date(data.get("date")),
        url=_one_line(data.get("url")) or url,
        origin=origin,
        kind=kind,
        removed=cleaned.removed,
    )


def _one_line(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(FORBIDDEN.sub("", value).split())


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s).strip().lower()

    return norm(a) == norm(b)


def _date(value: object) -> str:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        import datetime

        try:
            datetime.date.fromisoformat(value.strip())
        except ValueError:
            return ""
        return value.strip()
    return ""


def is_boilerplate(line: str) -> bool:
    return rule_for(line) is not None


# ------------------------------------------------------------------------ fetch


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS
    max_repeats = 2


def fetch(
    url: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_SOURCE_BYTES
) -> tuple[bytes, str]:
    """The HTML at ``url`` and the address it came from after redirects."""
    opener = urllib.request.build_opener(_LimitedRedirects())
    request = urllib.request.Request(
        url,
        headers={"User-Agent": "newsquiz (article import)", "Accept": "text/html,*/*;q=0.1"},
    )
    deadline = time.monotonic() + timeout * 2
    try:
        with opener.open(request, timeout=timeout) as response:
            final = response.geturl()
            if urllib.parse.urlsplit(final).scheme.lower() not in ("http", "https"):
                raise AuthoringError(f"{url}: redirected to a non-web address; not followed")
            ctype = response.headers.get_content_type()
            if ctype not in HTML_TYPES:
                raise AuthoringError(
                    f"{url}: the server sent {ctype}, not a web page (text/html); give the "
                    "address of the article's page, or save the text as a .txt file"
                )
            chunks: list[bytes] = []
            size = 0
            while size <= max_bytes:
                chunk = response.read(min(65536, max_bytes + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() > deadline:
                    raise AuthoringError(f"{url}: the page took too long to download")
            if size > max_bytes:
                raise AuthoringError(
                    f"{url}: the page is larger than {max_bytes:,} bytes; that is not one article"
                )
            return b"".join(chunks), final
    except AuthoringError:
        raise
    except urllib.error.HTTPError as err:
        if 300 <= err.code < 400:
            raise AuthoringError(
                f"{url}: too many redirects (more than {MAX_REDIRECTS}, or a loop)"
            ) from None
        raise AuthoringError(
            f"{url}: the server answered {err.code} {err.reason}; check the address"
        ) from None
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise AuthoringError(f"{url}: no answer within {timeout:g} seconds") from None
        raise AuthoringError(f"{url}: could not connect ({reason})") from None
    except TimeoutError:
        raise AuthoringError(f"{url}: no answer within {timeout:g} seconds") from None
    except (OSError, ValueError) as err:
        raise AuthoringError(f"{url}: could not be fetched ({err})") from None
