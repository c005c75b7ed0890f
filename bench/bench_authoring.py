"""Scaffolding figures for `newsquiz new` on the shared test articles.

    .venv/bin/python -m bench.bench_authoring

* for each saved web page in ``../shared/articles/web/`` (with a reference extraction):
  word-level F1 of the extracted body against the reference, and the number of
  boilerplate lines kept (extracted paragraphs that are not in the reference, or that a
  boilerplate rule matches);
* for the seed article, the BBC texts and the web pages: how many questions were
  drafted, how many validate, and whether every evidence quote is verbatim in its
  paragraph.

The folder is test data that is never copied into the repository; without it there is
nothing to measure.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from newsquiz.authoring.boilerplate import rule_for
from newsquiz.authoring.draft import scenario_yaml
from newsquiz.authoring.extract import Source, read_source
from newsquiz.scenario.loader import check_bytes
from newsquiz.scenario.quotes import split_paragraphs

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "articles"
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def f1(extracted: str, reference: str) -> float:
    got, want = Counter(words(extracted)), Counter(words(reference))
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def reference_text(folder: Path) -> str:
    """The reference body: ``expected.html`` (readability) as text, or the ``.txt``."""
    html = folder / "expected.html"
    if html.is_file():
        import lxml.html  # type: ignore[import-untyped]

        tree = lxml.html.fromstring(html.read_text(encoding="utf-8"))
        return " ".join(tree.text_content().split())
    txt = next(folder.glob("*.txt"))
    return txt.read_text(encoding="utf-8")


def web_pages() -> list[Path]:
    """(page, folder) for each saved page with a reference."""
    pages = []
    for folder in sorted((ARTICLES / "web").glob("*")):
        html = folder / "source.html"
        if not html.is_file():
            html = next(iter(sorted(folder.glob("*.html"))), html)
        if html.is_file():
            pages.append(html)
    return pages


def kept_boilerplate(source: Source, reference: str) -> list[str]:
    """Extracted paragraphs that are boilerplate: matched by a rule, or mostly absent
    from the reference body."""
    ref = Counter(words(reference))
    kept = []
    for p in source.paragraphs:
        ws = words(p)
        if rule_for(p) is not None or (ws and sum(1 for w in ws if ref[w]) / len(ws) < 0.5):
            kept.append(p)
    return kept


@dataclass
class Drafted:
    name: str
    paragraphs: int
    questions: int
    valid: int
    kinds: str
    verbatim: int
    quotes: int


def draft_figures(path: Path) -> Drafted:
    source = read_source(str(path))
    text, questions = scenario_yaml(source)
    result = check_bytes(text.encode("utf-8"), path.name)
    assert result.scenario is not None and result.scenario.article is not None
    bad_nodes = {d.message.split("'")[1] for d in result.errors if "'" in d.message}
    paragraphs = split_paragraphs(result.scenario.article.text)
    quotes = verbatim = 0
    for node in result.scenario.nodes:
        q = node.question
        if q is None:
            continue
        evs = [q.evidence] + [c.evidence for c in q.choices]
        for ev in evs:
            if ev is None or not ev.quote:
                continue
            quotes += 1
            if ev.paragraph and ev.quote in paragraphs[ev.paragraph - 1]:
                verbatim += 1
    kinds = Counter(d.kind for d in questions)
    return Drafted(
        str(path.relative_to(ARTICLES)),
        len(source.paragraphs),
        len(questions),
        len(questions) - len(bad_nodes),
        ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())),
        verbatim,
        quotes,
    )


def main() -> None:
    if not ARTICLES.is_dir():
        print(f"no test articles at {ARTICLES}; nothing to measure")
        return
    print("Extraction of saved web pages (reference extraction beside each):")
    for page in web_pages():
        source = read_source(str(page))
        reference = reference_text(page.parent)
        kept = kept_boilerplate(source, reference)
        print(
            f"  {page.parent.name:28} body F1 {f1(source.text, reference):.3f}  "
            f"boilerplate lines kept {len(kept)}  paragraphs {len(source.paragraphs)}  "
            f"removed by rules {len(source.removed)}"
        )
        for line in kept:
            print(f"      kept: {line[:90]}")
    print("Drafts (questions drafted / validating; evidence quotes verbatim in their paragraph):")
    files = [
        ARTICLES / "blinken-lavrov-g20-delhi.txt",
        *sorted((ARTICLES / "bbc").glob("*/*.txt")),
        *web_pages(),
    ]
    for path in files:
        d = draft_figures(path)
        print(
            f"  {d.name:44} {d.questions:2} drafted, {d.valid:2} validate, "
            f"evidence verbatim {d.verbatim}/{d.quotes}  ({d.kinds})"
        )


if __name__ == "__main__":
    main()
