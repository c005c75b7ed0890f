"""Drafting a scenario from an article: `newsquiz new`.

The draft is a valid scenario marked ``draft: true`` (scenario and every question), so
that ``newsquiz validate`` accepts it with draft warnings (NQ700) only, and ``validate
--strict`` refuses it until a teacher has reviewed it.  Questions are built from the
article alone (:mod:`newsquiz.authoring.analyse`):

* **who said it** (single choice): a quotation with a named speaker; the other choices
  are other people named in the article;
* **figures** (numeric, or single choice with other figures of the same kind from the
  article), **years** (numeric) and **names** (typed text): a sentence of the article
  with the figure, year or name left blank;
* **true or false**: a real sentence, or the same sentence with one figure or one name
  swapped for another from the article;
* **order**: events the article dates, earliest first.

Every answer's evidence is a verbatim passage of the article with its paragraph number,
and every question has a line citing the paragraph.  Metadata is copied from the source
only: no date, outlet or byline is ever made up.  The same article always gives the same
draft.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsquiz.authoring.analyse import NOT_NAMES, Analysis, Figure, Span, analyse
from newsquiz.authoring.extract import Source

MIN_QUESTIONS = 6
MAX_QUESTIONS = 12
BLANK = "___"


@dataclass
class Drafted:
    """One drafted question: YAML lines for the node's ``question:`` and what it is."""

    kind: str  # who-said | figure | year | name | true | false | order
    title: str
    lines: list[str]
    para: int
    sentences: set[tuple[int, int]] = field(default_factory=set)


# ---------------------------------------------------------------------- YAML text

_PLAIN_OK = re.compile(r"^[A-Za-z0-9(][^\n]*$")


def q(text: str) -> str:
    """``text`` as a YAML scalar on one line: plain when that is safe, else quoted."""
    if (
        _PLAIN_OK.match(text)
        and ": " not in text
        and " #" not in text
        and not text.endswith((" ", ":"))
        and text.strip() == text
    ):
        return text
    if "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    import json

    return json.dumps(text, ensure_ascii=False)


def _clip_words(text: str, limit: int = 30) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + " …"


def _window(para_text: str, sentence: Span, start: int, end: int, words: int = 12) -> Span:
    """A verbatim passage of the sentence around [start, end): at most ``words`` words
    on each side, cut at spaces."""
    lo, hi = sentence.start, sentence.end
    if len(sentence.text.split()) <= 35 and "\n" not in sentence.text:
        return sentence
    left = para_text[lo:start]
    right = para_text[end:hi]
    lw = left.split(" ")
    if len(lw) > words:
        lo = start - len(" ".join(lw[-words:]))
    rw = right.split(" ")
    if len(rw) > words:
        hi = end + len(" ".join(rw[:words]))
    text = para_text[lo:hi]
    # No line breaks inside a one-line passage: stop at one.
    if "\n" in text:
        before = para_text[lo:start]
        if "\n" in before:
            lo = lo + before.rindex("\n") + 1
        after = para_text[end:hi]
        if "\n" in after:
            hi = end + after.index("\n")
        text = para_text[lo:hi]
    return Span(sentence.para, lo, hi, text)


def _cloze(para_text: str, window: Span, start: int, end: int) -> str:
    before = para_text[window.start : start]
    after = para_text[end : window.end]
    lead = "…" if window.start > 0 and not _sentence_start(para_text, window.start) else ""
    tail = "" if window.end >= len(para_text.rstrip()) or after.endswith((".", "?", "!")) else "…"
    return f"{lead}{before}{BLANK}{after}{tail}".strip()


def _sentence_start(text: str, offset: int) -> bool:
    before = text[:offset].rstrip()
    return not before or before.endswith((".", "?", "!", "”", '"', "\n"))


def _evidence(span: Span, indent: str) -> list[str]:
    return [
        f"{indent}evidence:",
        f"{indent}  quote: {q(span.text)}",
        f"{indent}  paragraph: {span.para}",
    ]


# ------------------------------------------------------------------- questions


def _who_said(a: Analysis) -> Iterable[Drafted]:
    seen: set[str] = set()
    for quote in a.quotes:
        speaker = a.people[quote.speaker]
        others = [p.name for s, p in sorted(a.people.items()) if s != quote.speaker]
        if not others or speaker.surname in seen:
            continue
        seen.add(speaker.surname)
        words = _clip_words(quote.words, 25)
        lines = [
            "kind: single",
            f"prompt: {q(f'According to the article, who said: “{words}”?')}",
            "choices:",
            f"  - text: {q(speaker.name)}",
            "    correct: true",
            f"    feedback: {q(f'Right: paragraph {quote.span.para}.')}",
            *_evidence(quote.span, "    "),
        ]
        for name in others[:3]:
            surname = name.split()[-1]
            where = sorted({m.para for m in a.people[surname].mentions})
            cite = f"paragraph {where[0]}" if where else "the article"
            feedback = (
                f"{name} is in the article ({cite}), but these words are not attributed "
                f"to them. See paragraph {quote.span.para}."
            )
            lines += [f"  - text: {q(name)}", f"    feedback: {q(feedback)}"]
        yield Drafted(
            "who-said",
            "Who said it?",
            lines,
            quote.span.para,
            {(quote.sentence.para, quote.sentence.start)},
        )


def _figure_text(f: Figure) -> str:
    return f.span.text


def _figures(a: Analysis) -> Iterable[Drafted]:
    used: set[tuple[int, int]] = set()
    as_choice = False
    asked: set[str] = set()
    for f in a.figures:
        key = (f.sentence.para, f.sentence.start)
        if key in used or f.span.text in asked:
            continue
        p = a.paragraphs[f.span.para - 1]
        window = _window(p, f.sentence, f.digits.start, f.digits.end)
        if window.text.count(f.digits.text) > 1:
            continue  # the blank would be ambiguous
        prompt = f"Fill in the missing figure: “{_cloze(p, window, f.digits.start, f.digits.end)}”"
        others: list[Figure] = []
        for g in a.figures:
            if (
                g.shape == f.shape
                and g.value != f.value
                and _figure_text(g) not in [_figure_text(o) for o in others]
            ):
                others.append(g)
        explanation = f"Paragraph {f.span.para}: “{window.text}”"
        if as_choice and len(others) >= 2:
            prompt = (
                f"Which figure completes this sentence from the article: "
                f"“{_cloze(p, window, f.span.start, f.span.end)}”?"
            )
            if window.text.count(f.span.text) > 1:
                continue
            lines = [
                "kind: single",
                f"prompt: {q(prompt)}",
                "choices:",
                f"  - text: {q(f.span.text)}",
                "    correct: true",
                f"    feedback: {q(f'Right: paragraph {f.span.para}.')}",
                *_evidence(window, "    "),
            ]
            for g in others[:3]:
                feedback = (
                    f"{g.span.text} is a figure from paragraph {g.span.para}, about something else."
                )
                lines += [f"  - text: {q(g.span.text)}", f"    feedback: {q(feedback)}"]
            lines.append(f"explanation: {q(explanation)}")
        else:
            number = f.digits.text.replace(",", "")
            lines = [
                "kind: numeric",
                f"prompt: {q(prompt)}",
                f"answer: {number}",
            ]
            if f.unit:
                lines.append(f"unit: {q(f.unit)}")
            lines += [
                *_evidence(window, ""),
                "hints:",
                f"  - text: {q(f'Look at paragraph {f.span.para}.')}",
                "    cost: 0",
                f"explanation: {q(explanation)}",
            ]
        as_choice = not as_choice
        used.add(key)
        asked.add(f.span.text)
        yield Drafted("figure", "A figure", lines, f.span.para, {key})


def _years(a: Analysis) -> Iterable[Drafted]:
    used: set[tuple[int, int]] = set()
    asked: set[int] = set()
    for d in a.dates:
        key = (d.sentence.para, d.sentence.start)
        if key in used or d.year in asked:
            continue
        p = a.paragraphs[d.span.para - 1]
        year = str(d.year)
        ystart = d.span.start + d.span.text.rindex(year)
        window = _window(p, d.sentence, ystart, ystart + 4)
        if window.text.count(year) > 1:
            continue
        used.add(key)
        asked.add(d.year)
        lines = [
            "kind: numeric",
            f"prompt: {q(f'Fill in the year: “{_cloze(p, window, ystart, ystart + 4)}”')}",
            f"answer: {year}",
            *_evidence(window, ""),
            "hints:",
            f"  - text: {q(f'Look at paragraph {d.span.para}.')}",
            "    cost: 0",
            f"explanation: {q(f'Paragraph {d.span.para}: “{window.text}”')}",
        ]
        yield Drafted("year", "A date", lines, d.span.para, {key})


def _names(a: Analysis) -> Iterable[Drafted]:
    """People's names left blank; then, for an article with few people, other proper
    names (places, organisations) in the middle of a sentence."""
    targets: list[tuple[str, list[str]]] = []
    for surname, person in sorted(a.people.items()):
        name = person.name
        targets.append((name, [name] if name == surname else [name, surname]))
    if len(targets) < 2:
        seen = {t for t, _ in targets}
        for s in a.sentences:
            for m in _PROPER.finditer(s.text):
                words = m.group().split()
                if m.start() == 0 or any(w in NOT_NAMES for w in words) or m.group() in seen:
                    continue
                seen.add(m.group())
                targets.append((m.group(), [m.group()]))
    made = 0
    for name, answers in targets:
        for s in a.sentences:
            p = a.paragraphs[s.para - 1]
            at = s.text.find(name)
            if at < 0 or s.text.count(name.split()[-1]) > 1 or _inside_quotes(s.text, at):
                continue
            if re.match(r"\w", s.text[at + len(name) : at + len(name) + 1]):
                continue  # part of a longer word
            start = s.start + at
            window = _window(p, s, start, start + len(name))
            if len(window.text.split()) < 6:
                continue
            cloze = _cloze(p, window, start, start + len(name))
            lines = [
                "kind: text",
                f"prompt: {q(f'Fill in the name: “{cloze}”')}",
                f"answers: [{', '.join(q(x) for x in answers)}]",
                "typos: 1",
                *_evidence(window, ""),
                "hints:",
                f"  - text: {q(f'Look at paragraph {s.para}.')}",
                "    cost: 0",
                f"explanation: {q(f'Paragraph {s.para}: “{window.text}”')}",
            ]
            yield Drafted("name", "A name", lines, s.para, {(s.para, s.start)})
            made += 1
            break
        if made >= 3:
            return


_PROPER = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of\s+the\s+|of\s+)?[A-Z][a-z]+){0,3}")


def _inside_quotes(text: str, at: int) -> bool:
    before = text[:at]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


#: A sentence starting with one of these leans on the one before: not a statement alone.
CONTEXT_WORDS = {
    "But", "And", "However", "He", "She", "It", "They", "This", "That", "These", "Those",
    "His", "Her", "Their", "Its", "So", "Also", "Yet", "Instead", "Then", "There", "Here",
}  # fmt: skip


def _statement_ok(s: Span) -> bool:
    words = len(s.text.split())
    return (
        s.text.split()[0].rstrip(",") not in CONTEXT_WORDS
        and 8 <= words <= 40
        and not any(c in s.text for c in '“”"?\n')
        and s.text.endswith(".")
        and s.text[0].isupper()
    )


def _true_false(a: Analysis) -> Iterable[Drafted]:
    """Sentences of the article as statements: altered ones (one figure or one name
    swapped for another from the article: false) and real ones (true), alternately."""
    false: list[Drafted] = []
    true: list[Drafted] = []
    for s in a.sentences:
        if not _statement_ok(s):
            continue
        key = (s.para, s.start)
        altered = _altered(a, s)
        if altered is not None:
            statement, what = altered
            explanation = f"False: the article says {what}. Paragraph {s.para}: “{s.text}”"
            answer, kind, pool = "false", "false", false
        else:
            statement = s.text
            explanation = f"True: paragraph {s.para} says so, word for word."
            answer, kind, pool = "true", "true", true
        lines = [
            "kind: truefalse",
            f"prompt: {q(f'True or false, according to the article: {statement}')}",
            f"answer: {answer}",
            *_evidence(s, ""),
            f"explanation: {q(explanation)}",
        ]
        pool.append(Drafted(kind, "True or false?", lines, s.para, {key}))
    for i in range(max(len(false), len(true))):
        yield from false[i : i + 1]
        yield from true[i : i + 1]


def _altered(a: Analysis, s: Span) -> tuple[str, str] | None:
    """``s`` with one figure or person swapped for another from the article."""
    p = a.paragraphs[s.para - 1]
    for f in a.figures:
        if f.sentence != s:
            continue
        for g in a.figures:
            if g.shape == f.shape and g.value != f.value and g.span.text not in s.text:
                text = p[s.start : f.span.start] + g.span.text + p[f.span.end : s.end]
                return text, f"{f.span.text}, not {g.span.text}"
    for surname, person in sorted(a.people.items()):
        if not re.search(rf"\b{re.escape(surname)}\b", s.text):
            continue
        for other_surname, other in sorted(a.people.items()):
            if other_surname == surname or other_surname in s.text:
                continue
            if person.name in s.text:
                text = s.text.replace(person.name, other.name, 1)
            else:
                text = re.sub(rf"\b{re.escape(surname)}\b", other_surname, s.text, count=1)
            return text, f"{person.name}, not {other.name}"
    return None


_CLAUSE_BREAK = re.compile(r",? and (?=[a-z]+ )|; |, while |, but |, after |, before ")
_DATE_PREP = re.compile(r"\b(?:[Ii]n|[Oo]n|[Ss]ince|[Bb]y|[Ff]rom|[Uu]ntil|[Dd]uring)\s*$")


def _clause(text: str, rel: int) -> tuple[int, int]:
    """The clause of ``text`` around offset ``rel``: between clause breaks."""
    lo, hi = 0, len(text)
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= rel:
            lo = m.end()
        elif m.start() >= rel:
            hi = m.start()
            break
    return lo, hi


def _order(a: Analysis) -> Iterable[Drafted]:
    """Dated events: for each date given as a phrase of its own ("in January 2022"),
    its clause without the date; three or more distinct dates make a question."""
    events: dict[tuple[int, int], tuple[str, Span, str]] = {}
    for d in a.dates:
        key = (d.year, d.month)
        if key in events:
            continue
        text = d.sentence.text
        rel = d.span.start - d.sentence.start
        lo, hi = _clause(text, rel)
        clause_dates = [
            e
            for e in a.dates
            if e.sentence == d.sentence and lo <= e.span.start - e.sentence.start < hi
        ]
        if len(clause_dates) > 1:
            continue
        before = text[lo:rel]
        prep = _DATE_PREP.search(before)
        after = text[rel + len(d.span.text) : hi]
        if prep is None or re.match(r"\s*\d", after):
            continue  # the date is not a phrase of its own ("the 11 September 2001 attacks")
        before = before[: prep.start()]
        item = (before + after).strip(" ,.")
        item = " ".join(item.split())
        item = re.sub(r"\s+([,.;:])", r"\1", item)
        item = item[0].upper() + item[1:] if item else item
        item = _clip_words(item, 14)
        if not item or any(item == e[0] for e in events.values()) or len(item.split()) < 5:
            continue
        events[key] = (item, d.span, d.span.text)
    if len(events) < 3:
        return
    ordered = [events[k] for k in sorted(events)][:5]
    first = ordered[0][1]
    explanation = "; ".join(f"{when} (paragraph {span.para})" for _, span, when in ordered) + "."
    lines = [
        "kind: order",
        f"prompt: {q('Put these events from the article in order, earliest first.')}",
        "items:",
        *[f"  - {q(item)}" for item, _, _ in ordered],
        *_evidence(first, ""),
        f"explanation: {q(explanation)}",
    ]
    yield Drafted("order", "In order", lines, first.para)


# ----------------------------------------------------------------- selection


def draft_questions(a: Analysis) -> list[Drafted]:
    """6 to 12 questions of several kinds (fewer only if the article is too short),
    at most one per sentence, in the article's order, the ordering question last."""
    pools: list[list[Drafted]] = [
        list(_who_said(a))[:3],
        list(_figures(a))[:3],
        list(_years(a))[:2],
        list(_names(a))[:2],
        [],
    ]
    statements = list(_true_false(a))
    pools[-1] = statements[:4]
    reserve = statements[4:]
    order = list(_order(a))[:1]
    chosen: list[Drafted] = []
    used: set[tuple[int, int]] = set()
    budget = MAX_QUESTIONS - len(order)
    # Round robin over the kinds, so that a short draft still mixes them.
    while any(pools) and len(chosen) < budget:
        for pool in pools:
            while pool:
                d = pool.pop(0)
                if d.sentences & used:
                    continue
                chosen.append(d)
                used |= d.sentences
                break
            if len(chosen) >= budget:
                break
    # A short article: more statements, as long as they are from other sentences.
    for d in reserve:
        if len(chosen) >= MIN_QUESTIONS:
            break
        if not d.sentences & used:
            chosen.append(d)
            used |= d.sentences
    chosen.sort(key=lambda d: d.para)
    return chosen + order


# ------------------------------------------------------------------ the file


def _slug(text: str, words: int = 6) -> str:
    parts = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(parts[:words]) or "draft"


def _literal_block(text: str, indent: str) -> list[str]:
    return [(indent + line) if line else "" for line in text.split("\n")]


def scenario_yaml(source: Source, *, article_file: str | None = None) -> tuple[str, list[Drafted]]:
    """The draft scenario as YAML text, and the questions in it."""
    a = analyse(source.paragraphs)
    questions = draft_questions(a)
    headline = source.headline or _clip_words(source.paragraphs[0], 12)
    out: list[str] = []
    out += _review_notes(source, questions, article_file)
    out += [
        "format: 1",
        f"id: {_slug(headline)}",
        f"title: {q(headline)}",
        "summary: TODO one or two sentences for the library.",
        "draft: true",
        "article:",
        f"  headline: {q(headline)}",
    ]
    for key, value in (
        ("outlet", source.outlet),
        ("byline", source.byline),
        ("published", source.published),
        ("url", source.url),
    ):
        if value:
            out.append(f"  {key}: {q(value)}")
        else:
            out.append(f"  # {key}: not given by the source; fill in from the original")
    if article_file:
        out.append(f"  file: {q(article_file)}")
    else:
        out.append("  text: |")
        out += _literal_block(source.text, "    ")
    out.append("")
    out.append("nodes:")
    for n, d in enumerate(questions, 1):
        nid = f"q{n}"
        out += [
            f"  - id: {nid}",
            f"    title: {q(d.title)}",
            "    question:",
            "      draft: true",
            *("      " + line for line in d.lines),
            f"    next: {f'q{n + 1}' if n < len(questions) else 'end'}",
        ]
    if not questions:
        out += [
            "  - id: start",
            "    title: TODO",
            "    text: TODO no question could be drafted from this article; write them here.",
            "    next: end",
        ]
    out += [
        "",
        "endings:",
        "  - id: well-read",
        "    title: Well read",
        "    score: {min: 60}",
        "    text: You found your way around the article.",
        "  - id: back-to-the-article",
        "    title: Back to the article",
        "    score: {max: 60}",
        "    text: Read the article again, then try once more.",
    ]
    return "\n".join(out) + "\n", questions


def _review_notes(source: Source, questions: list[Drafted], article_file: str | None) -> list[str]:
    kinds: dict[str, int] = {}
    for d in questions:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    found = ", ".join(
        name
        for name, value in (
            ("headline", source.headline),
            ("outlet", source.outlet),
            ("byline", source.byline),
            ("date", source.published),
            ("url", source.url),
        )
        if value
    )
    lines = [
        f"# DRAFT made by `newsquiz new` from {source.origin or 'pasted text'}.",
        "# Review before sharing:",
        "# 1. The article: compare it with the original. Paragraph numbers count the blocks",
        "#    separated by blank lines; evidence and feedback below refer to them.",
        f"#    Found in the source: {found or 'nothing but the text'}.",
        "#    What the source does not give is left as a comment: fill it in, never guess.",
    ]
    if source.removed:
        lines.append(
            f"#    Removed as web boilerplate ({len(source.removed)} line(s)); put back any"
        )
        lines.append("#    you want (edit the article, or `newsquiz new --keep TEXT`):")
        for r in source.removed[:40]:
            lines.append(f"#      line {r.line} ({r.rule}): {_comment(r.text)}")
        if len(source.removed) > 40:
            lines.append(f"#      … and {len(source.removed) - 40} more")
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    lines += [
        f"# 2. The {len(questions)} drafted question(s) ({summary or 'none'}): each is marked",
        "#    `draft: true`. Check that it is worth asking, that the right answer is right,",
        "#    that no wrong choice is also true, and that the prompt makes sense without the",
        "#    article's neighbouring sentences. Rewrite, or delete the node and fix `next:`.",
        "#    Then delete its `draft: true` line.",
        "# 3. The summary (TODO), the endings, and `draft: true` at the top.",
        "# 4. `newsquiz validate --strict FILE` passes only when nothing is left to review;",
        "#    `newsquiz play --watch FILE` shows your changes as you save.",
    ]
    if article_file:
        lines.append(f"# The article text is in {article_file}: share it with this file.")
    lines.append("")
    return lines


def _comment(text: str) -> str:
    return " ".join(text.split())[:100]
