"""A question bank (parsed GIFT or Aiken) to a linear newsquiz scenario, as YAML text.

One node per question, in file order; a description becomes a narrative node. Every
question the scenario cannot hold as it was (an essay, a matching question that is not an
ordering, a weight newsquiz scores differently, HTML turned into text) is reported as a
:class:`Notice` with its line and title: nothing is dropped silently.

The YAML is written by PyYAML's emitter (so every text is quoted as it must be), then
comments are added: a header saying where the bank came from and what was reported, and
one line above each node giving its GIFT line, id number and tags. The result is read
back with newsquiz's own strict loader before it is returned: an import that would not
validate is a bug, reported as :class:`ImportFailed`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import yaml

from newsquiz.authoring import gift as g
from newsquiz.authoring.htmltext import LOOKS_LIKE_HTML, html_to_text
from newsquiz.scenario.diagnostics import Diagnostic
from newsquiz.scenario.loader import check_bytes
from newsquiz.scenario.model import END, ID_PATTERN
from newsquiz.scenario.validate import typeable
from newsquiz.text import FORBIDDEN, clean

NoticeKind = Literal["skipped", "changed", "converted"]

_ID = re.compile(ID_PATTERN)
#: Largest question value tried when turning percentage weights into whole points.
MAX_POINTS = 100
ENDING_ID = "finished"


@dataclass(frozen=True)
class Notice:
    """Something reported about one question: ``skipped`` (not imported), ``changed``
    (imported, but scored or shown differently) or ``converted`` (its format changed)."""

    line: int
    label: str
    kind: NoticeKind
    message: str
    type_name: str = "question"

    def format(self, file: str) -> str:
        return f"{file}:{self.line}: {self.kind}: {self.type_name} '{self.label}': {self.message}"

    @property
    def is_loss(self) -> bool:
        """Content or scoring lost: an error with ``--strict``."""
        return self.kind in ("skipped", "changed")


@dataclass(frozen=True)
class ArticleText:
    """An article to attach: ``--article FILE``."""

    headline: str
    text: str


@dataclass
class ImportResult:
    yaml_text: str
    notices: list[Notice]
    #: Questions imported per newsquiz kind, plus "narrative" for descriptions.
    counts: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    diagnostics: tuple[Diagnostic, ...] = ()
    #: The bank line each node was made from, by node id.
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def questions(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind != "narrative")


class ImportFailed(ValueError):
    """The bank gave nothing to import, or the scenario built from it does not validate."""

    def __init__(self, message: str, notices: Sequence[Notice] = ()) -> None:
        super().__init__(message)
        self.notices = list(notices)


class Num(str):
    """A number written as plain decimal text (never ``1e-05``)."""


def dec_text(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ------------------------------------------------------------------------- texts


class _Texts:
    """Turns GIFT texts into newsquiz text, remembering what was converted."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def __call__(
        self, t: g.GiftText | None, *, running: bool = True, as_written: bool = False
    ) -> str:
        """``running``: a text where *emphasis* is shown; ``as_written``: never HTML (the
        answers of a short-answer question, which Moodle compares as typed)."""
        if t is None:
            return ""
        text = t.text
        if as_written:
            pass
        elif t.format == "html" or (t.format == "moodle" and LOOKS_LIKE_HTML.search(text)):
            result = html_to_text(text, emphasis=running)
            if result.text != text:
                self._note("HTML turned into plain text")
            for note in result.notes:
                self._note(note)
            text = result.text
        elif t.format == "markdown":
            self._note("Markdown kept as typed (newsquiz shows *emphasis* and **strong**)")
        cleaned = clean(text)
        if cleaned != text.replace("\r\n", "\n") and FORBIDDEN.search(text):
            self._note("control characters removed")
        return cleaned.strip()

    def _note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)


# ------------------------------------------------------------------- converting


def _points_for(weights: Sequence[Decimal]) -> tuple[int, bool]:
    """The smallest question value that makes every weight whole points, and whether it
    was exact (False: rounded at MAX_POINTS)."""
    for p in range(1, MAX_POINTS + 1):
        if all(abs(w * p / 100 - round(w * p / 100)) <= Decimal("0.0001") for w in weights):
            return p, True
    return MAX_POINTS, False


def _weight(a: g.Answer) -> Decimal:
    if a.weight is not None:
        return a.weight
    return Decimal(100) if a.correct else Decimal(0)


def _pct(d: Decimal) -> str:
    return dec_text(d) + "%"


class _Converter:
    def __init__(self, source: str, bank_format: str = "GIFT") -> None:
        self.source = source
        self.bank_format = bank_format
        self.notices: list[Notice] = []
        self.counts: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.used: set[str] = {END, ENDING_ID}
        self.nodes: list[dict[str, Any]] = []
        self.comments: dict[str, str] = {}
        self.lines: dict[str, int] = {}
        self.topics: list[str] = []

    # -- reporting

    def notice(self, q: g.Question, kind: NoticeKind, message: str) -> None:
        self.notices.append(Notice(q.line, _label(q), kind, message, q.type_name))

    def skip(self, q: g.Question, why: str) -> None:
        self.skipped[q.type_name] += 1
        self.notice(q, "skipped", why)

    # -- ids

    def node_id(self, q: g.Question, index: int) -> str:
        for candidate in (q.id, q.title):
            if candidate and _ID.fullmatch(candidate) and candidate not in self.used:
                return self._use(candidate)
        base = f"q{index}"
        n = 2
        candidate = base
        while candidate in self.used:
            candidate = f"{base}-{n}"
            n += 1
        return self._use(candidate)

    def _use(self, node_id: str) -> str:
        self.used.add(node_id)
        return node_id

    # -- the bank

    def run(self, items: Iterable[g.Item]) -> None:
        index = 0
        for item in items:
            if isinstance(item, g.Category):
                topic = category_topic(item.path)
                if topic and topic not in self.topics:
                    self.topics.append(topic)
                continue
            index += 1
            self.question(item, index)

    def question(self, q: g.Question, index: int) -> None:
        texts = _Texts()
        node: dict[str, Any] = {}
        question: dict[str, Any] | None = None
        if isinstance(q, g.Description):
            body = texts(q.stem)
            if not body:
                self.skip(q, "a description with no text")
                return
            node["text"] = body
            kind = "narrative"
        elif isinstance(q, g.Essay):
            self.skip(q, "newsquiz has no essay questions (answers that a teacher grades)")
            return
        else:
            question = self._question(q, texts)
            if question is None:
                return
            kind = question["kind"]
        for note in texts.notes:
            self.notice(q, "converted", note)
        node_id = self.node_id(q, index)
        out: dict[str, Any] = {"id": node_id}
        if q.title:
            out["title"] = clean(q.title).strip()
        out.update(node)
        if question is not None:
            out["question"] = question
        self.nodes.append(out)
        self.lines[node_id] = q.line
        self.counts[kind] += 1
        marks = [f"{self.bank_format} line {q.line}"]
        if q.id:
            marks.append(f"[id:{q.id}]")
        marks += [f"[tag:{t}]" for t in q.tags]
        if q.category:
            marks.append(f"category: {q.category}")
        self.comments[node_id] = " · ".join(_comment_safe(m) for m in marks)

    def _question(self, q: g.Question, texts: _Texts) -> dict[str, Any] | None:
        prompt = texts(q.stem)
        if not prompt:
            self.skip(q, "the question has no text")
            return None
        out: dict[str, Any] = {"kind": "", "prompt": prompt}
        extra: dict[str, Any] | None
        if isinstance(q, g.TrueFalse):
            extra = self._truefalse(q, texts)
        elif isinstance(q, g.MultipleChoice):
            extra = self._single(q, texts) if q.single else self._multiple(q, texts)
        elif isinstance(q, g.ShortAnswer):
            extra = self._short(q, texts)
        elif isinstance(q, g.Numerical):
            extra = self._numeric(q, texts)
        elif isinstance(q, g.Matching):
            extra = self._matching(q, texts)
        else:  # pragma: no cover - every question type is handled above
            self.skip(q, "unknown question type")
            return None
        if extra is None:
            return None
        out.update(extra)
        explanation = texts(q.general_feedback)
        if explanation:
            out["explanation"] = explanation
        return {k: v for k, v in out.items() if v not in ("", None, [], {})}

    def _truefalse(self, q: g.TrueFalse, texts: _Texts) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "truefalse", "answer": q.answer}
        right, wrong = texts(q.right_feedback), texts(q.wrong_feedback)
        if right:
            out["on_correct"] = {"feedback": right}
        if wrong:
            out["on_wrong"] = {"feedback": wrong}
        return out

    def _choices(self, q: g.MultipleChoice, texts: _Texts) -> list[dict[str, Any]]:
        choices = []
        for a in q.answers:
            choices.append({"text": texts(a.text, running=False)})
        return choices

    def _feedback(self, q: g.MultipleChoice, texts: _Texts, choices: list[dict[str, Any]]) -> None:
        for a, choice in zip(q.answers, choices):
            feedback = texts(a.feedback)
            if feedback:
                choice["feedback"] = feedback

    def _single(self, q: g.MultipleChoice, texts: _Texts) -> dict[str, Any] | None:
        if len(q.answers) < 2:
            self.skip(q, "a multiple-choice question needs at least two answers")
            return None
        weights = [_weight(a) for a in q.answers]
        best = max(weights)
        right = weights.index(best)
        if best <= 0:
            self.skip(q, "no answer earns any credit")
            return None
        if best != 100:
            self.notice(
                q,
                "changed",
                f"the best answer is worth {_pct(best)}; newsquiz counts it as the right one",
            )
        points, exact = _points_for([w * 100 / best for w in weights])
        if not exact:
            self.notice(q, "changed", f"weights rounded to whole points out of {points}")
        choices = self._choices(q, texts)
        for i, (choice, w) in enumerate(zip(choices, weights)):
            scaled = w * 100 / best
            if i == right:
                choice["correct"] = True
                continue
            value = round(scaled * points / 100)
            if value:
                choice["points"] = value
            if scaled >= 100:
                self.notice(
                    q,
                    "changed",
                    f"'{choice['text']}' also earns full marks, but newsquiz shows only "
                    f"'{choices[right]['text']}' as the right answer",
                )
            elif w < 0:
                self.notice(
                    q,
                    "changed",
                    f"'{choice['text']}' has a negative weight ({_pct(w)}): newsquiz counts "
                    "it as 0 (a wrong answer never takes points away); kept for export",
                )
        self._feedback(q, texts, choices)
        out: dict[str, Any] = {"kind": "single", "choices": choices}
        if points != 1:
            out["points"] = points
        return out

    def _multiple(self, q: g.MultipleChoice, texts: _Texts) -> dict[str, Any] | None:
        weights = [_weight(a) for a in q.answers]
        right = [w > 0 for w in weights]
        n = sum(right)
        if n == 0:
            self.skip(q, "no answer has a positive weight, so none is right")
            return None
        if len(q.answers) < 2:
            self.skip(q, "a multiple-answer question needs at least two answers")
            return None
        share = Decimal(100) / n
        fits = all(
            abs(w - (share if r else -share)) <= Decimal("0.01") for w, r in zip(weights, right)
        )
        if not fits:
            shown = ", ".join(_pct(w) for w in weights)
            self.notice(
                q,
                "changed",
                f"weights {shown} are scored the newsquiz way: each right pick earns "
                f"1/{n} of the points and each wrong pick takes 1/{n} away (never below 0)",
            )
        choices = self._choices(q, texts)
        for choice, r in zip(choices, right):
            if r:
                choice["correct"] = True
        self._feedback(q, texts, choices)
        return {"kind": "multiple", "choices": choices}

    def _short(self, q: g.ShortAnswer, texts: _Texts) -> dict[str, Any] | None:
        accepted: list[str] = []
        right_feedback: list[str] = []
        wrong_feedback = ""
        for a in q.answers:
            w = _weight(a)
            text = texts(a.text, running=False, as_written=True)
            feedback = texts(a.feedback)
            if text == "*" and w == 0:
                wrong_feedback = feedback
            elif w >= 100 and text != "*" and not typeable(text):
                self.notice(
                    q,
                    "changed",
                    f"answer '{text}' is left out: it is only punctuation or symbols, which "
                    "newsquiz ignores in typed answers, so no answer could ever match it",
                )
            elif w >= 100 and text != "*":
                accepted.append(text)
                if feedback and feedback not in right_feedback:
                    right_feedback.append(feedback)
            elif w > 0:
                self.notice(
                    q,
                    "changed",
                    f"answer '{text}' ({_pct(w)}) is not accepted: newsquiz typed answers "
                    "are right or wrong, with no partial credit",
                )
            else:
                self.notice(
                    q,
                    "changed",
                    f"answer '{text}' ({_pct(w)}) and its feedback are left out: newsquiz "
                    "shows one feedback for every wrong answer",
                )
        if not accepted:
            self.skip(q, "no answer is fully right")
            return None
        out: dict[str, Any] = {"kind": "text", "answers": accepted}
        if right_feedback:
            out["on_correct"] = {"feedback": right_feedback[0]}
            if len(right_feedback) > 1:
                self.notice(
                    q,
                    "changed",
                    "the right answers have different feedback; newsquiz shows the first "
                    "for all of them",
                )
        if wrong_feedback:
            out["on_wrong"] = {"feedback": wrong_feedback}
        return out

    def _numeric(self, q: g.Numerical, texts: _Texts) -> dict[str, Any] | None:
        kept: g.NumericAnswer | None = None
        wrong_feedback = ""
        for a in q.answers:
            w = a.weight if a.weight is not None else (Decimal(100) if a.correct else Decimal(0))
            if a.value is None:
                wrong_feedback = texts(a.feedback)
            elif w >= 100 and kept is None:
                kept = a
            elif w <= 0:
                self.notice(
                    q,
                    "changed",
                    f"answer {_numeric_text(a)} ({_pct(w)}) and its feedback are left out: "
                    "newsquiz shows one feedback for every wrong answer",
                )
            else:
                self.notice(
                    q,
                    "changed",
                    f"answer {_numeric_text(a)} ({_pct(w)}) is left out: a newsquiz numeric "
                    "question has one right answer with a tolerance",
                )
        if kept is None or kept.value is None:
            self.skip(q, "no answer is fully right")
            return None
        out: dict[str, Any] = {"kind": "numeric", "answer": Num(dec_text(kept.value))}
        if kept.tolerance:
            out["tolerance"] = Num(dec_text(kept.tolerance))
        right = texts(kept.feedback)
        if right:
            out["on_correct"] = {"feedback": right}
        if wrong_feedback:
            out["on_wrong"] = {"feedback": wrong_feedback}
        return out

    def _matching(self, q: g.Matching, texts: _Texts) -> dict[str, Any] | None:
        numbers = [p.answer.strip() for p in q.pairs]
        wanted = [str(i) for i in range(1, len(q.pairs) + 1)]
        if len(q.pairs) >= 2 and sorted(numbers, key=_int_or_text) == wanted:
            ordered = sorted(q.pairs, key=lambda p: int(p.answer.strip()))
            return {"kind": "order", "items": [texts(p.question, running=False) for p in ordered]}
        self.skip(
            q,
            "newsquiz has no matching questions (only a matching of items to 1, 2, 3… "
            "is imported, as an order question)",
        )
        return None


def _label(q: g.Question) -> str:
    """How a report names a question: its title, or the start of its text."""
    if q.title:
        name = q.title
    elif q.stem.format == "html" or LOOKS_LIKE_HTML.search(q.stem.text):
        name = html_to_text(q.stem.text, emphasis=False).text
    else:
        name = q.stem.text
    name = " ".join(clean(name).split())
    return name if len(name) <= 50 else name[:47] + "..."


def _int_or_text(s: str) -> tuple[int, str]:
    return (int(s), "") if s.isdigit() else (1 << 30, s)


def _numeric_text(a: g.NumericAnswer) -> str:
    if a.value is None:
        return "*"
    if a.form == "range" and a.low is not None and a.high is not None:
        return f"{dec_text(a.low)}..{dec_text(a.high)}"
    if a.tolerance:
        return f"{dec_text(a.value)}:{dec_text(a.tolerance)}"
    return dec_text(a.value)


def _comment_safe(text: str) -> str:
    return clean(text).replace("\n", " ")


def category_topic(path: str) -> str:
    """``$course$/top/Unit 1/Maps`` → ``Unit 1/Maps``: the path without Moodle's prefixes."""
    text = clean(path).replace("\n", " ").strip()
    text = re.sub(r"^\$(?:course|system|module|coursecategory|cat\d+)\$/", "", text)
    text = re.sub(r"^top(?:/|$)", "", text)
    return text.strip("/ ")


def slug(text: str, fallback: str = "question-bank") -> str:
    s = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-._")
    return s[:60].rstrip("-._") or fallback


# ------------------------------------------------------------------------ YAML


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_num(dumper: yaml.SafeDumper, data: Num) -> yaml.ScalarNode:
    tag = "tag:yaml.org,2002:int" if re.fullmatch(r"-?[0-9]+", data) else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, str(data))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(Num, _represent_num)


def dump_yaml(data: Any) -> str:
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 30,
        indent=2,
    )
    return text


# ------------------------------------------------------------------------ main


def bank_to_scenario(
    items: Sequence[g.Item],
    *,
    source: str,
    bank_format: str = "GIFT",
    article: ArticleText | None = None,
    scenario_id: str = "",
    title: str = "",
) -> ImportResult:
    """The scenario for a parsed bank; raises :class:`ImportFailed` when there is none."""
    conv = _Converter(source, bank_format)
    conv.run(items)
    if not conv.nodes:
        raise ImportFailed(f"{source}: no question or description could be imported", conv.notices)
    for i, node in enumerate(conv.nodes):
        node["next"] = conv.nodes[i + 1]["id"] if i + 1 < len(conv.nodes) else END
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    if not title:
        title = conv.topics[-1].rsplit("/", 1)[-1] if len(conv.topics) == 1 else stem
    data: dict[str, Any] = {
        "format": 1,
        "id": scenario_id or slug(stem),
        "title": clean(title).strip() or stem,
        "summary": f"Questions imported from the {bank_format} question bank {name}.",
    }
    if conv.topics:
        data["topics"] = conv.topics
    if article is not None:
        data["article"] = {"headline": article.headline, "text": article.text.strip() + "\n"}
    data["nodes"] = conv.nodes
    data["endings"] = [{"id": ENDING_ID, "title": "End of the questions"}]
    body = dump_yaml(data)
    body = _add_node_comments(body, conv.comments)
    header = _header(name, bank_format, conv, article is not None)
    text = header + body
    result = check_bytes(text.encode("utf-8"), f"<import of {name}>")
    if not result.ok:
        problems = "\n".join(d.format() for d in result.errors)
        raise ImportFailed(f"the scenario made from {name} does not validate:\n{problems}")
    return ImportResult(
        text, conv.notices, conv.counts, conv.skipped, result.diagnostics, conv.lines
    )


def _header(name: str, bank_format: str, conv: _Converter, has_article: bool) -> str:
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(conv.counts.items()))
    lines = [
        f"Imported by `newsquiz import` from {name} ({bank_format}): {kinds}.",
        "A linear scenario: one node per question, in the order of the bank.",
    ]
    if not has_article:
        lines.append(
            "It has no article, so no evidence is checked; attach one with "
            "`newsquiz import --article FILE`."
        )
    if conv.notices:
        lines.append("Reported on import:")
        lines += [f"  {n.format(name)}" for n in conv.notices]
    return "".join(f"# {_comment_safe(line)}\n" for line in lines)


def _add_node_comments(body: str, comments: dict[str, str]) -> str:
    out = []
    in_nodes = False
    for line in body.split("\n"):
        if line and not line.startswith((" ", "-")):
            in_nodes = line.startswith("nodes:")
        elif in_nodes and line.startswith("- id: "):
            node_id = line[len("- id: ") :].strip().strip("'\"")
            note = comments.pop(node_id, "")
            if note:
                out.append(f"# {note}")
        out.append(line)
    return "\n".join(out)
