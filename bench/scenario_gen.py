"""Seeded generator of valid scenario files, for benchmarks.

``generate(seed, paragraphs=20, questions=10)`` returns the bytes of one scenario that
loads with no diagnostics at all: every question kind, choices with feedback, evidence
quotes copied verbatim from the generated article (plain, with a paragraph, or a paragraph
only), hints, variables of each type that conditions read, a teaching branch, a bonus node
behind a conditional route and three score-band endings.

The YAML is written the way a teacher would write it: block mappings, plain scalars where
they are safe, double quotes elsewhere, the article as a literal block scalar.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["generate", "generate_library"]


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


_SYLLABLES = _split(
    "ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko ku la le li lo lu ma me mi mo mu "
    "na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo "
    "za ze zi zo an en in on ar er ir or al el il ol st tr pr gr"
)
_COMMON = _split(
    "the a of to and in that for on with as by at from said minister talks government "
    "officials summit week year meeting country leaders agreement foreign security trade "
    "talks would could after before during since while whose which their there about "
    "report spokesman council vote plan deal border crisis pressure support"
)
_OUTLETS = ("BBC News", "The Gazette", "Daily Courier", "Radio Nord", "The Observer")
_SAFE_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.?'()]*[A-Za-z0-9.?)]")
#: Plain scalars a reader might take for something else than text.
_YAML_WORDS = frozenset(_split("true false yes no on off null y n ~"))


class Plain(str):
    """A scalar written as is (ids, numbers, expressions in flow mappings)."""


class Block(str):
    """A literal block scalar (``|``)."""


class Flow(dict[str, Any]):
    """A mapping written in flow style, ``{key: value}``."""


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Plain):
        return str(value)
    text = str(value)
    if _SAFE_PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS and not text[0].isdigit():
        return text
    return json.dumps(text, ensure_ascii=False)


def _emit(obj: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, Block):
                out.append(f"{pad}{key}: |")
                inner = " " * (indent + 2)
                out.extend(f"{inner}{line}" if line else "" for line in value.split("\n"))
            elif isinstance(value, Flow):
                items = ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items())
                out.append(f"{pad}{key}: {{{items}}}")
            elif isinstance(value, (dict, list)):
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    out.append(f"{pad}{key}: [{', '.join(_scalar(v) for v in value)}]")
                else:
                    out.append(f"{pad}{key}:")
                    _emit(value, indent + 2, out)
            else:
                out.append(f"{pad}{key}: {_scalar(value)}")
    elif isinstance(obj, list):
        for item in obj:
            if isinstance(item, dict) and not isinstance(item, Flow):
                start = len(out)
                _emit(item, indent + 2, out)
                out[start] = f"{pad}- {out[start][indent + 2 :]}"
            else:
                out.append(f"{pad}- {_scalar(item)}")
    else:  # pragma: no cover - generator bug
        raise TypeError(obj)


def to_yaml(doc: dict[str, Any]) -> str:
    out: list[str] = []
    _emit(doc, 0, out)
    return "\n".join(out) + "\n"


@dataclass
class _Article:
    #: paragraphs, each a list of lines, each a list of words
    paragraphs: list[list[list[str]]]

    def text(self) -> str:
        return "\n\n".join("\n".join(" ".join(line) for line in p) for p in self.paragraphs)


class _Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.seed = seed

    # ---------------------------------------------------------------- words

    def word(self) -> str:
        r = self.r
        if r.random() < 0.45:
            return r.choice(_COMMON)
        return "".join(r.choice(_SYLLABLES) for _ in range(r.randint(1, 4)))

    def words(self, lo: int, hi: int) -> list[str]:
        return [self.word() for _ in range(self.r.randint(lo, hi))]

    def phrase(self, lo: int = 3, hi: int = 8) -> str:
        return " ".join(self.words(lo, hi))

    def sentence(self, lo: int = 6, hi: int = 18) -> str:
        s = self.phrase(lo, hi)
        return s[0].upper() + s[1:] + self.r.choice(".....?")

    def prose(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    # -------------------------------------------------------------- article

    def article(self, paragraphs: int, sentences: tuple[int, int]) -> _Article:
        r = self.r
        result = []
        for _ in range(paragraphs):
            words: list[str] = []
            for _ in range(r.randint(*sentences)):
                sentence = self.words(5, 15)
                sentence[0] = sentence[0].capitalize()
                sentence[-1] += r.choice(".....,;")
                if r.random() < 0.2:  # typeset news text: curly quotes and dashes
                    k = r.randrange(len(sentence))
                    sentence[k] = f"“{sentence[k]}”"
                if r.random() < 0.15:
                    sentence.insert(r.randrange(1, len(sentence)), "—")
                words.extend(sentence)
            lines: list[list[str]] = []
            if r.random() < 0.3:  # hard-wrapped paragraph
                line: list[str] = []
                width = 0
                for w in words:
                    if line and width + len(w) > 88:
                        lines.append(line)
                        line, width = [], 0
                    line.append(w)
                    width += len(w) + 1
                lines.append(line)
            else:
                lines.append(words)
            result.append(lines)
        return _Article(result)

    def quote(self, art: _Article) -> tuple[str, int]:
        """A verbatim quote of 3-9 words from one line, and its paragraph number."""
        r = self.r
        p = r.randrange(len(art.paragraphs))
        line = max(art.paragraphs[p], key=len) if r.random() < 0.5 else r.choice(art.paragraphs[p])
        n = min(len(line), r.randint(3, 9))
        start = r.randrange(len(line) - n + 1)
        return " ".join(line[start : start + n]), p + 1

    def evidence(self, art: _Article) -> Any:
        quote, paragraph = self.quote(art)
        roll = self.r.random()
        if roll < 0.6:
            return quote
        if roll < 0.9:
            return {"quote": quote, "paragraph": paragraph}
        return {"paragraph": paragraph}

    def distinct(self, n: int, lo: int = 2, hi: int = 6) -> list[str]:
        seen: set[str] = set()
        out: list[str] = []
        while len(out) < n:
            p = self.phrase(lo, hi).capitalize()
            if p.casefold() not in seen:
                seen.add(p.casefold())
                out.append(p)
        return out

    def hints(self) -> list[dict[str, Any]]:
        return [
            {"text": self.sentence(4, 10), "cost": self.r.randint(0, 2)}
            for _ in range(self.r.choice((0, 0, 1, 1, 2)))
        ]

    # ------------------------------------------------------------ questions

    def question(self, kind: str, art: _Article, force_when: bool = False) -> dict[str, Any]:
        """A question; ``force_when`` gives one wrong choice a condition reading ``mood``."""
        r = self.r
        q: dict[str, Any] = {"kind": kind, "prompt": self.sentence(5, 12)[:-1] + "?"}
        if r.random() < 0.5:
            q["points"] = r.randint(1, 3)
        if kind in ("single", "multiple"):
            n = r.randint(3, 4) if kind == "single" else r.randint(4, 5)
            texts = self.distinct(n)
            n_correct = 1 if kind == "single" else r.randint(2, n - 1)
            correct = set(r.sample(range(n), n_correct))
            choices = []
            for i, text in enumerate(texts):
                c: dict[str, Any] = {"text": text}
                if r.random() < 0.3:
                    c["id"] = Plain(f"c{i}-{text.split()[0].lower()}")
                if i in correct:
                    c["correct"] = True
                    c["evidence"] = self.evidence(art)
                if r.random() < 0.5:
                    c["feedback"] = self.sentence(3, 10)
                if r.random() < 0.2:
                    c["set"] = Flow(trust=Plain("trust + 1"))
                elif r.random() < 0.1:
                    c["set"] = Flow(mood="'curious'")
                if i not in correct and (force_when or r.random() < 0.15):
                    c["when"] = "mood != 'angry'"
                    force_when = False
                choices.append(c)
            q["choices"] = choices
        elif kind == "truefalse":
            q["answer"] = r.choice((True, False))
        elif kind == "text":
            q["answers"] = self.distinct(r.randint(1, 3), 1, 3)
            q["typos"] = r.randint(0, 2)
        elif kind == "numeric":
            q["answer"] = r.randint(1, 500)
            q["tolerance"] = r.choice((0, 0.5, 1, 5))
            q["unit"] = r.choice(("minutes", "people", "percent", "km"))
        elif kind == "order":
            q["items"] = self.distinct(r.randint(3, 5), 2, 4)
        if kind not in ("single", "multiple") or r.random() < 0.2:
            q["evidence"] = self.evidence(art)
        if r.random() < 0.8:
            q["explanation"] = self.sentence(5, 14)
        hints = self.hints()
        if hints:
            q["hints"] = hints
        if kind in ("multiple", "order"):
            q["on_partial"] = {"feedback": self.sentence(3, 8)}
        return q

    # ------------------------------------------------------------- scenario

    def scenario(
        self, paragraphs: int, questions: int, sentences: tuple[int, int]
    ) -> dict[str, Any]:
        r = self.r
        art = self.article(paragraphs, sentences)
        kinds = ["single", "multiple", "truefalse", "text", "numeric", "order"]
        qids = [f"q{i + 1}" for i in range(questions)]
        nodes: list[dict[str, Any]] = [
            {
                "id": Plain("intro"),
                "title": self.phrase(2, 4).capitalize(),
                "text": Block(self.prose(3) + "\n\n" + self.prose(2)),
                "set": Flow(met_source=Plain("true"), mood="'calm'"),
                "next": Plain(qids[0]),
            }
        ]
        for i, qid in enumerate(qids):
            nxt = qids[i + 1] if i + 1 < questions else "end"
            kind = kinds[i % len(kinds)] if i < len(kinds) else r.choice(kinds)
            node: dict[str, Any] = {"id": Plain(qid)}
            if r.random() < 0.5:
                node["title"] = self.phrase(2, 4).capitalize()
            if r.random() < 0.3:
                node["text"] = self.prose(r.randint(1, 2))
            if i == 1 or (i and r.random() < 0.1):
                node["when"] = "met_source or score > 3"
            q = self.question(kind, art, force_when=i == 0)
            node["question"] = q
            extra: list[dict[str, Any]] = []
            if i % 10 == 2:  # a teaching branch after a wrong answer
                teach = f"teach-{qid}"
                q["on_wrong"] = {
                    "goto": Plain(teach),
                    "feedback": self.sentence(4, 10),
                    "set": Flow(trust=Plain("trust - 1")),
                }
                extra.append(
                    {
                        "id": Plain(teach),
                        "title": "Why it matters",
                        "text": Block(self.prose(3)),
                        "next": Plain(nxt),
                    }
                )
            if i % 10 == 5 and nxt != "end":  # a bonus node behind a conditional route
                bonus = f"bonus-{qid}"
                node["next"] = [
                    {"when": "trust >= 2", "goto": Plain(bonus)},
                    {"goto": Plain(nxt)},
                ]
                extra.append(
                    {
                        "id": Plain(bonus),
                        "title": "A scoop",
                        "question": self.question("truefalse", art),
                        "next": Plain(nxt),
                    }
                )
            else:
                node["next"] = Plain(nxt)
            if kind == "single" and r.random() < 0.3:
                q["on_correct"] = {"feedback": self.sentence(3, 8)}
            nodes.append(node)
            nodes.extend(extra)
        endings = [
            {
                "id": Plain("front-page"),
                "title": "Front-page scoop",
                "text": self.prose(2),
                "score": Flow(min=80, max=100),
            },
            {
                "id": Plain("page-five"),
                "title": "Page five",
                "text": self.prose(2),
                "score": Flow(min=50, max=80),
            },
            {
                "id": Plain("spiked"),
                "title": "Spiked",
                "text": self.prose(2),
                "score": Flow(min=0, max=50),
            },
        ]
        year, month, day = r.randint(2015, 2024), r.randint(1, 12), r.randint(1, 28)
        return {
            "format": 1,
            "id": Plain(f"gen-{self.seed:05d}"),
            "title": self.phrase(3, 6).capitalize(),
            "summary": self.sentence(8, 16),
            "language": Plain("en"),
            "topics": [self.word(), self.word()],
            "difficulty": Plain(r.choice(("easy", "medium", "hard"))),
            "minutes": r.randint(5, 30),
            "author": "A. Teacher",
            "licence": Plain("CC-BY-4.0"),
            "shuffle": r.random() < 0.7,
            "variables": {
                "trust": 0,
                "met_source": False,
                "mood": {
                    "type": Plain("str"),
                    "initial": "calm",
                    "description": "How the source feels",
                },
            },
            "article": {
                "headline": self.sentence(5, 10)[:-1],
                "outlet": r.choice(_OUTLETS),
                "byline": f"{self.word().capitalize()} {self.word().capitalize()}",
                "published": Plain(f"{year:04d}-{month:02d}-{day:02d}"),
                "url": f"https://news.example/{self.seed}",
                "text": Block(art.text()),
            },
            "nodes": nodes,
            "endings": endings,
        }


def generate(
    seed: int, paragraphs: int = 20, questions: int = 10, sentences: tuple[int, int] = (1, 4)
) -> bytes:
    """One valid scenario as UTF-8 bytes (``sentences``: per paragraph, low and high)."""
    if paragraphs < 1 or questions < 1:
        raise ValueError("a scenario needs a paragraph and a question")
    return to_yaml(_Gen(seed).scenario(paragraphs, questions, sentences)).encode("utf-8")


def generate_library(count: int, seed: int = 0) -> list[bytes]:
    """``count`` valid scenarios of about 12 kB each (20 paragraphs, 10 questions)."""
    return [generate(seed * 1_000_003 + i) for i in range(count)]
