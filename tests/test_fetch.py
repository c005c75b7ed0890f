"""`newsquiz new URL` against a local HTTP server on 127.0.0.1 (in a thread): a saved
page, a redirect, a redirect loop, 404, a slow answer, a huge body, a wrong type."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsquiz.authoring.extract import AuthoringError, read_source
from newsquiz.cli import main

ARTICLES = Path(__file__).resolve().parent.parent.parent / "shared" / "articles"
PAGE = ARTICLES / "web" / "readability-bbc-1" / "source.html"

ARTICLE = (
    "<!doctype html><html><head><title>Council votes on the plan</title></head><body>"
    "<article><h1>Council votes on the plan</h1>"
    + "".join(
        f"<p>Paragraph {i}: the council voted {i} times on the plan, the mayor said.</p>"
        for i in range(1, 9)
    )
    + "</article></body></html>"
).encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def send(self, code: int, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/article":
            self.send(200, ARTICLE)
        elif path.startswith("/web/") and (ARTICLES / path[1:]).is_file():
            self.send(200, (ARTICLES / path[1:]).read_bytes())
        elif path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
        elif path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif path == "/slow":
            time.sleep(2)
            self.send(200, ARTICLE)
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"<p>" + b"x" * 8190 + b"</p>")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/pdf":
            self.send(200, b"%PDF-1.4 ...", "application/pdf")
        else:
            self.send(404, b"<h1>Not here</h1>")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hanging up on a huge or refused body is part of the test


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_page_is_fetched_and_extracted(server: str) -> None:
    source = read_source(f"{server}/article")
    assert source.headline == "Council votes on the plan"
    assert source.paragraphs[0].startswith("Paragraph 1: the council voted 1 times")
    assert source.url == f"{server}/article"
    assert source.kind == "url"


def test_a_redirect_is_followed(server: str) -> None:
    source = read_source(f"{server}/moved")
    assert source.url == f"{server}/article"


@pytest.mark.skipif(not PAGE.is_file(), reason="../shared/articles absent")
def test_a_saved_bbc_page_served_locally(server: str) -> None:
    source = read_source(f"{server}/web/readability-bbc-1/source.html")
    assert source.headline == "Obama admits US gun laws are his 'biggest frustration'"
    assert source.outlet == "BBC News"


def _pages() -> list[Path]:
    if not ARTICLES.is_dir():
        return []
    from bench.bench_authoring import web_pages

    return web_pages()


@pytest.mark.parametrize("page", [pytest.param(p, id=p.parent.name) for p in _pages()])
def test_each_shared_page_by_url_extracts_as_from_the_file(server: str, page: Path) -> None:
    from bench.bench_authoring import f1, reference_text

    by_url = read_source(f"{server}/{page.relative_to(ARTICLES)}")
    by_file = read_source(str(page))
    assert by_url.paragraphs == by_file.paragraphs
    assert f1(by_url.text, reference_text(page.parent)) >= 0.95


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/loop", "too many redirects"),
        ("/missing", "the server answered 404"),
        ("/huge", "larger than 100,000 bytes"),
        ("/pdf", "sent application/pdf, not a web page"),
        ("/slow", "no answer within 0.5 seconds"),
    ],
)
def test_each_failure_is_one_clear_message(server: str, path: str, message: str) -> None:
    with pytest.raises(AuthoringError, match=message):
        read_source(f"{server}{path}", timeout=0.5, max_bytes=100_000)


def test_cli_reports_without_a_traceback(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", f"{server}/missing"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("newsquiz new: http://127.0.0.1:") and "404" in err
    assert "Traceback" not in err
    assert main(["new", f"{server}/slow", "--timeout", "0.3"]) == 1
    assert "no answer within 0.3 seconds" in capsys.readouterr().err
