"""`newsquiz new`: boilerplate rules, extraction, drafting on every shared article,
hostile HTML, and the figures of the scaffolding (printed; run with -s to see them)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from bench.bench_authoring import (
    ARTICLES,
    draft_figures,
    f1,
    kept_boilerplate,
    reference_text,
    web_pages,
)

from newsquiz.authoring.boilerplate import RULES, clean
from newsquiz.authoring.draft import scenario_yaml
from newsquiz.authoring.extract import AuthoringError, from_html, from_text, read_source
from newsquiz.cli import main
from newsquiz.scenario.loader import check_bytes, check_file
from newsquiz.scenario.quotes import split_paragraphs

ROOT = Path(__file__).resolve().parent.parent
SEED = ARTICLES / "blinken-lavrov-g20-delhi.txt"
needs_articles = pytest.mark.skipif(not ARTICLES.is_dir(), reason="../shared/articles absent")


def _articles() -> list[Path]:
    if not ARTICLES.is_dir():
        return []
    return [SEED, *sorted((ARTICLES / "bbc").glob("*/*.txt")), *web_pages()]


ARTICLE_PARAMS = [pytest.param(p, id=str(p.relative_to(ARTICLES))) for p in _articles()]

# ----------------------------------------------------------------- boilerplate

PASTED = """\
Ministers meet in Delhi

The two ministers met on Thursday for less than 10 minutes.
Image copyright Getty Images

Share this article
Follow us on Twitter
Advertisement

Mr Blinken said the talks were “brief but necessary for both sides”.
We use cookies to improve your experience on our website.
Sign up for our daily newsletter

Related stories
Another story about ministers
A third link

Leave a Reply
Your email address will not be published. Required fields are marked *
Comment
Name *
Email *
Website
Post Comment
"""


def test_pasted_boilerplate_is_removed_and_reported() -> None:
    source = from_text(PASTED, origin="pasted.txt")
    assert source.headline == "Ministers meet in Delhi"
    assert source.paragraphs == (
        "The two ministers met on Thursday for less than 10 minutes.",
        "Mr Blinken said the talks were “brief but necessary for both sides”.",
    )
    rules = {r.rule for r in source.removed}
    assert rules == {
        "photo caption or credit",
        "share, follow or subscribe line",
        "advertisement",
        "cookie or newsletter notice",
        "related links",
        "comment form",
    }
    assert [r.line for r in source.removed][:2] == [4, 6]
    assert "A third link" in [r.text for r in source.removed]


def test_article_lines_that_mention_the_words_stay() -> None:
    text = (
        "Follow-up talks are planned for March.\n\nShe baked cookies for the delegates.\n\n"
        "The printers were idle, the advertisement agency said.\n\nShare prices rose 3%."
    )
    assert clean(text).removed == ()


def test_keep_puts_a_removed_line_back() -> None:
    source = from_text(PASTED, keep=["Getty"])
    assert "Image copyright Getty Images" in source.paragraphs[0]


def test_every_rule_is_documented_in_authoring_md() -> None:
    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"**{rule.name}**" in doc, f"docs/authoring.md does not document '{rule.name}'"


# --------------------------------------------------------------------- drafting


def _check(text: str) -> None:
    result = check_bytes(text.encode("utf-8"), "draft.yaml")
    assert result.scenario is not None
    assert not result.errors, "\n".join(d.format() for d in result.errors)
    assert {d.code for d in result.diagnostics} == {"NQ700"}


@needs_articles
@pytest.mark.parametrize("path", ARTICLE_PARAMS)
def test_every_shared_article_drafts_a_valid_scenario(path: Path) -> None:
    source = read_source(str(path))
    text, questions = scenario_yaml(source)
    _check(text)
    assert 6 <= len(questions) <= 12
    assert len({d.kind for d in questions}) >= 2
    again, _ = scenario_yaml(read_source(str(path)))
    assert again == text, "the same article must give the same draft"
    scenario = check_bytes(text.encode("utf-8"), "d.yaml").scenario
    assert scenario is not None
    paragraphs = split_paragraphs(scenario.article.text)
    for node in scenario.nodes:
        q = node.question
        assert q is not None and q.draft
        for ev in [q.evidence, *(c.evidence for c in q.choices)]:
            if ev is None:
                continue
            # Verbatim, in the paragraph it names; every quote carries its paragraph.
            assert ev.paragraph is not None
            assert ev.quote in paragraphs[ev.paragraph - 1]
        cited = " ".join(
            [q.explanation, *(c.feedback for c in q.choices)] + [h.text for h in q.hints]
        )
        assert re.search(r"[Pp]aragraphs? \d", cited), f"{node.id} cites no paragraph"


@needs_articles
def test_drafted_metadata_is_only_what_the_source_gives() -> None:
    text, _ = scenario_yaml(read_source(str(SEED)))
    article = text[text.index("article:") : text.index("  text: |")]
    # The pasted seed gives a headline and nothing else: no invented date, outlet, byline.
    assert "  # published: not given by the source" in article
    assert "  # outlet: not given by the source" in article
    assert "  # byline: not given by the source" in article
    assert re.search(r"^\s+(published|outlet|byline|url):", article, re.MULTILINE) is None
    assert "Leave a Reply" not in text.split("\narticle:\n")[1]
    assert "#      line 30 (comment form): Leave a Reply" in text


@needs_articles
def test_seed_draft_asks_who_said_with_people_from_the_article() -> None:
    text, _questions = scenario_yaml(read_source(str(SEED)))
    scenario = check_bytes(text.encode("utf-8"), "d.yaml").scenario
    assert scenario is not None
    who = [n.question for n in scenario.nodes if n.title == "Who said it?"]
    assert who
    people = {"Antony Blinken", "Sergei Lavrov", "Paul Whelan", "Maria Zakharova"}
    for q in who:
        assert q is not None
        right = [c.text for c in q.choices if c.correct]
        assert right in (["Antony Blinken"], ["Sergei Lavrov"])
        assert {c.text for c in q.choices} <= people


@needs_articles
def test_web_page_metadata_comes_from_the_page() -> None:
    page = ARTICLES / "web" / "readability-wordpress" / "source.html"
    source = read_source(str(page))
    assert source.headline.startswith("Stack Overflow Jobs Data Shows ReactJS")
    assert source.outlet == "WordPress Tavern"
    assert source.published == "2017-03-09"
    assert source.byline == "Sarah Gooding"
    assert not any("Required fields" in p for p in source.paragraphs)


def test_a_quote_in_two_paragraphs_carries_its_paragraph_number() -> None:
    text = (
        "Talks end\n\n"
        "Mr Smith said the deal was “a good result for everyone involved” on Monday.\n\n"
        "Anna Jones, a minister, said it was “a good result for everyone involved” too.\n\n"
        "John Smith, the envoy, met Anna Jones in Paris in 2019 and again in 2021.\n\n"
        "Prices rose 5% in 2020 and 7% in 2022, Mr Smith said in a long statement."
    )
    draft, _questions = scenario_yaml(from_text(text))
    _check(draft)
    scenario = check_bytes(draft.encode("utf-8"), "d.yaml").scenario
    assert scenario is not None
    for node in scenario.nodes:
        q = node.question
        assert q is not None
        for ev in [q.evidence, *(c.evidence for c in q.choices)]:
            if ev is not None and ev.quote:
                assert ev.paragraph is not None


def test_new_writes_a_file_and_an_article_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "pasted.txt"
    src.write_text(PASTED * 1, encoding="utf-8")
    out = tmp_path / "draft.yaml"
    assert main(["new", str(src), "-o", str(out), "--article-file"]) == 0
    assert (tmp_path / "draft.article.txt").read_text(encoding="utf-8").startswith("The two")
    result = check_file(out)
    assert result.ok and {d.code for d in result.diagnostics} == {"NQ700"}
    assert main(["new", str(src), "-o", str(out)]) == 2
    assert "exists; use --force" in capsys.readouterr().err
    assert main(["validate", "--strict", str(out)]) == 1


# ---------------------------------------------------------------- web figures


@needs_articles
@pytest.mark.parametrize("page", [pytest.param(p, id=p.parent.name) for p in web_pages()])
def test_web_page_extraction_figures(page: Path) -> None:
    source = read_source(str(page))
    reference = reference_text(page.parent)
    score = f1(source.text, reference)
    kept = kept_boilerplate(source, reference)
    print(f"\n{page.parent.name}: body F1 {score:.3f}, boilerplate lines kept {len(kept)}")
    assert score >= 0.95
    assert kept == []


@needs_articles
@pytest.mark.parametrize("path", ARTICLE_PARAMS)
def test_draft_figures(path: Path) -> None:
    d = draft_figures(path)
    print(
        f"\n{d.name}: {d.questions} drafted, {d.valid} validate, verbatim {d.verbatim}/{d.quotes}"
    )
    assert d.valid == d.questions
    assert d.verbatim == d.quotes


# ---------------------------------------------------------------- hostile HTML


def _page(body: str, head: str = "<title>T</title>") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


ARTICLE_HTML = "".join(
    f"<p>Paragraph {i} of the story says the council voted {i} times on the plan.</p>"
    for i in range(1, 9)
)


def test_scripts_and_styles_never_reach_the_text() -> None:
    html = _page(
        "<script>alert('x'); document.write('evil text here')</script>"
        "<style>p { color: red }</style><article><h1>Council votes</h1>"
        + ARTICLE_HTML
        + "</article><script>var tracking = 'more evil';</script>"
    )
    source = from_html(html, origin="page.html")
    assert "evil" not in source.text and "color" not in source.text
    assert "Paragraph 3 of the story" in source.text


def test_deeply_nested_tags() -> None:
    html = _page("<div>" * 5000 + "<article>" + ARTICLE_HTML + "</article>" + "</div>" * 5000)
    try:
        source = from_html(html, origin="deep.html")
    except AuthoringError as err:
        assert "deep.html" in str(err)
    else:
        assert "Paragraph 1" in source.text


def test_a_page_with_no_article() -> None:
    with pytest.raises(AuthoringError, match="no article text found"):
        from_html(_page("<nav><a href='/'>Home</a></nav>"), origin="empty.html")


def test_wrong_charset_declared() -> None:
    body = "<article><h1>Café</h1>" + ARTICLE_HTML.replace("council", "café council") + "</article>"
    html = _page(body, '<meta charset="iso-8859-1"><title>Café</title>')
    source = from_html(html, origin="latin.html")
    assert "Paragraph 1" in source.text
    assert "\x00" not in source.text


def test_latin1_bytes_in_a_text_file(tmp_path: Path) -> None:
    f = tmp_path / "old.txt"
    f.write_bytes("Caf\xe9 story\n\nThe caf\xe9 opened.".encode("latin-1"))
    with pytest.raises(AuthoringError, match="not UTF-8"):
        read_source(str(f))


def test_huge_page_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "huge.html"
    f.write_bytes(_page("<p>word </p>" * 10) + b" " * 200)
    with pytest.raises(AuthoringError, match="larger than 100 bytes"):
        read_source(str(f), max_bytes=100)


def test_a_text_far_longer_than_an_article_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "book.txt"
    f.write_text("Title\n\n" + "The council met again today. " * 8000, encoding="utf-8")
    assert main(["new", str(f), "-o", str(tmp_path / "book.yaml")]) == 1
    err = capsys.readouterr().err
    assert "40,000 words long" in err and "cut the text to the article" in err
    assert not (tmp_path / "book.yaml").exists()


def test_cli_errors_are_one_line_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", str(tmp_path / "missing.txt")]) == 1
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err
    assert main(["new", "ftp://example.org/a"]) == 1
    assert "only http:// and https://" in capsys.readouterr().err
    (tmp_path / "x.html").write_bytes(_page("<nav>menu</nav>"))
    assert main(["new", str(tmp_path / "x.html")]) == 1
    assert "no article text found" in capsys.readouterr().err


def test_missing_trafilatura_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    with pytest.raises(AuthoringError, match=r"pip install 'newsquiz\[authoring\]'"):
        from_html(_page(ARTICLE_HTML))


def test_start_up_and_pasted_text_do_not_load_the_extractor(tmp_path: Path) -> None:
    import subprocess

    article = tmp_path / "a.txt"
    article.write_text(PASTED, encoding="utf-8")
    code = (
        "import sys, contextlib, io\n"
        "import newsquiz.cli as cli\n"
        "quiet = io.StringIO()\n"
        "with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):\n"
        "    try:\n"
        "        cli.main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    cli.main(['graph', str(cli.bundled_scenarios_dir() / 'g20-blinken-lavrov.yaml')])\n"
        f"    cli.main(['new', {str(article)!r}])\n"
        "heavy = ('trafilatura', 'lxml', 'watchfiles', 'textual', 'rich')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
