"""A newsquiz scenario to Moodle GIFT.

Every question becomes a GIFT question in file order (a narrative node with text becomes
a description). Texts are escaped so that Moodle reads back exactly what newsquiz shows:
the GIFT special characters ``~ = # { } :`` and the backslash are escaped, a line break is
``\\n``, and a text with ``<``, ``>`` or ``&`` is written as ``[html]`` with those
characters encoded, so Moodle never takes it for markup. Evidence goes into the feedback
of the answer it backs (or the general feedback), explanations into the general feedback.

What GIFT cannot hold (branching, variables and conditions, endings, hints, units,
typo tolerance, question values, the article) is listed as notes: in a comment at the top
of the file, and returned for the command to print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from newsquiz.authoring.gift import BLANK
from newsquiz.scenario.model import END, Branch, Evidence, Node, Question, Scenario

_GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")
_SPACES = re.compile(r"  +")


@dataclass
class GiftExport:
    text: str
    #: What has no GIFT form and was flattened or left out.
    notes: list[str] = field(default_factory=list)
    questions: int = 0
    descriptions: int = 0


def escape(text: str) -> str:
    """GIFT-escape ``text`` (one line: line breaks become ``\\n``)."""
    return _GIFT_SPECIAL.sub(r"\\\1", text).replace("\r", "").replace("\n", "\\n")


def _needs_html(text: str) -> bool:
    return any(c in text for c in "<>&")


def _html(text: str) -> str:
    """Plain text as HTML that shows exactly that text."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\t", "&#9;")
    lines = []
    for line in text.split("\n"):
        body = line.strip(" ")
        lead = len(line) - len(line.lstrip(" "))
        trail = len(line) - len(line.rstrip(" ")) if body else 0
        body = _SPACES.sub(lambda m: " " + "&#32;" * (len(m[0]) - 1), body)
        lines.append("&#32;" * lead + body + "&#32;" * trail)
    return "<br>".join(lines)


def field_format(text: str, *, pair: bool = False) -> str:
    """``html`` when the text must be written as HTML, else ``moodle``."""
    if _needs_html(text) or (pair and "->" in text):
        return "html"
    return "moodle"


def gift_text(text: str, fmt: str, default: str, *, pair: bool = False) -> str:
    """One text field: a format prefix when it differs from ``default`` or is needed."""
    text = text.strip()
    if fmt == "html":
        body = _html(text)
        if pair:
            body = body.replace("->", "-&gt;")
        body = escape(body)
    else:
        body = escape(text)
    prefix = f"[{fmt}]" if fmt != default or body.startswith(("[", "%", "//")) else ""
    return prefix + body


def _evidence(ev: Evidence | None) -> str:
    if ev is None:
        return ""
    where = f" (paragraph {ev.paragraph})" if ev.paragraph else ""
    if ev.quote.strip():
        return f"Evidence: “{ev.quote.strip()}”{where}"
    return f"Evidence: paragraph {ev.paragraph}" if ev.paragraph else ""


def _join(*parts: str) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def _feedback(b: Branch | None) -> str:
    return b.feedback if b is not None else ""


def _dec(value: float | str) -> str:
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value.strip())
    text = format(d.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _weight(part: float, whole: float) -> str:
    w = Decimal(repr(part)) * 100 / Decimal(repr(whole))
    return _dec(str(w.quantize(Decimal("0.00001"))))


class _Exporter:
    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.notes: list[str] = []
        self.blocks: list[str] = []
        self.questions = 0
        self.descriptions = 0
        self.grouped: dict[str, list[str]] = {}

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def note_for(self, what: str, node_id: str) -> None:
        """A note about some nodes, gathered into one line: ``what: a, b, c``."""
        self.grouped.setdefault(what, [])
        if node_id not in self.grouped[what]:
            self.grouped[what].append(node_id)

    # -- whole scenario

    def run(self) -> GiftExport:
        self.flattened()
        order = self.s.nodes
        for node in order:
            if node.question is None:
                self.description(node)
            else:
                self.question(node, node.question)
        for what, ids in self.grouped.items():
            self.note(f"{what}: {', '.join(ids)}")
        header = [
            f"Exported by `newsquiz export-gift` from scenario '{self.s.id}': {self.s.title}",
        ]
        a = self.s.article
        if a is not None:
            source = ", ".join(x for x in (a.outlet, a.published and a.published.isoformat()) if x)
            header.append(
                f"Article: {a.headline}"
                + (f" ({source})" if source else "")
                + (f" {a.url}" if a.url else "")
            )
        if self.notes:
            header.append("Not in GIFT, flattened or left out:")
            header += [f"- {n}" for n in self.notes]
        lines = [f"// {_one_line(h)}" for h in header]
        out = "\n".join(lines) + "\n\n"
        if len(self.s.topics) == 1:
            out += f"$CATEGORY: $course$/top/{_one_line(self.s.topics[0])}\n\n"
        out += "\n\n".join(self.blocks) + "\n"
        return GiftExport(out, self.notes, self.questions, self.descriptions)

    def flattened(self) -> None:
        s = self.s
        ids = [n.id for n in s.nodes]
        branching = False
        for i, node in enumerate(s.nodes):
            following = ids[i + 1] if i + 1 < len(ids) else END
            routes = node.next
            if (
                len(routes) > 1
                or any(r.when is not None for r in routes)
                or (routes and routes[0].goto not in (following, END))
            ):
                branching = True
            q = node.question
            if q is not None:
                if any(b is not None and b.goto for b in (q.on_correct, q.on_partial, q.on_wrong)):
                    branching = True
                if any(c.goto for c in q.choices):
                    branching = True
        if s.start and s.start != (ids[0] if ids else ""):
            branching = True
        if branching:
            self.note(
                "branching: every node is written in file order (next, goto, on_correct/"
                "on_partial/on_wrong targets and routes are dropped)"
            )
        uses_vars = bool(s.variables) or any(
            n.when is not None
            or n.set
            or (
                n.question is not None
                and (
                    any(c.when is not None or c.set for c in n.question.choices)
                    or any(
                        b is not None and b.set
                        for b in (n.question.on_correct, n.question.on_partial, n.question.on_wrong)
                    )
                )
            )
            for n in s.nodes
        )
        if uses_vars:
            self.note("variables, conditions (when) and assignments (set) are dropped")
        if s.endings:
            names = ", ".join(e.id for e in s.endings)
            self.note(f"endings ({names}) are dropped; Moodle shows the quiz's own result")
        if s.article is not None:
            self.note("the article itself is not exported; evidence quotes are in the feedback")

    # -- nodes

    def header(self, node: Node) -> list[str]:
        lines = []
        if node.id != node.title:
            lines.append(f"// [id:{node.id}]")
        return lines

    def title(self, node: Node) -> str:
        title = node.title.replace("\n", " ").strip()
        return f"::{escape(title)}::" if title else ""

    def description(self, node: Node) -> None:
        body = node.text.strip() or node.title.strip()
        if not body:
            self.note_for("nodes with no text and no question, left out", node.id)
            return
        fmt = field_format(body)
        lines = self.header(node)
        lines.append(self.title(node) + gift_text(body, fmt, "moodle"))
        self.blocks.append("\n".join(lines))
        self.descriptions += 1

    def question(self, node: Node, q: Question) -> None:
        prompt = q.prompt
        if node.text.strip():
            prompt = _join(node.text, q.prompt)
            self.note_for("node text put before the question", node.id)
        if q.hints:
            self.note_for("hints dropped (GIFT has none)", node.id)
        general = _join(q.explanation, _evidence(q.evidence))
        fmt = field_format(prompt)
        if q.kind in ("single", "multiple"):
            answers = self.choices(node, q, fmt)
        elif q.kind == "truefalse":
            answers = self.truefalse(q, fmt)
        elif q.kind == "text":
            answers = self.short(node, q, fmt)
        elif q.kind == "numeric":
            answers = self.numeric(node, q, fmt)
        else:
            answers = self.order(node, q, fmt)
        if general:
            answers.append("####" + gift_text(general, field_format(general), fmt))
        block = "{\n" + "\n".join(f"\t{a}" for a in answers) + "\n}"
        lines = self.header(node)
        stem = self.stem(prompt, fmt, block)
        lines.append(self.title(node) + stem)
        self.blocks.append("\n".join(lines))
        self.questions += 1

    def stem(self, prompt: str, fmt: str, block: str) -> str:
        prompt = prompt.strip()
        if fmt == "moodle" and prompt.count(BLANK) == 1:
            before, after = (p.strip() for p in prompt.split(BLANK))
            # Only where reading it back gives the same prompt (GIFT trims around the block).
            if after and " ".join(p for p in (before, BLANK, after) if p) == prompt:
                head = gift_text(before, fmt, "moodle") + " " if before else ""
                return head + block + " " + escape(after)
        return gift_text(prompt, fmt, "moodle") + block

    def choices(self, node: Node, q: Question, fmt: str) -> list[str]:
        out = []
        correct_n = sum(c.correct for c in q.choices)
        for c in q.choices:
            text = gift_text(c.text, field_format(c.text), fmt)
            outcome = _feedback(q.on_correct if c.correct else q.on_wrong)
            feedback = _join(c.feedback, _evidence(c.evidence), outcome)
            if q.kind == "multiple":
                w = _weight(1, correct_n) if correct_n else "0"
                mark = f"~%{w}%" if c.correct else f"~%-{w}%"
            elif c.correct:
                mark = (
                    "="
                    if c.points is None or c.points == q.points
                    else f"~%{self._w(c.points, q)}%"
                )
            elif c.points:
                mark = f"~%{self._w(c.points, q)}%"
            else:
                mark = "~"
            line = mark + text
            if feedback:
                line += "#" + gift_text(feedback, field_format(feedback), fmt)
            out.append(line)
        if q.kind == "multiple" and q.on_partial is not None and q.on_partial.feedback:
            self.note_for("feedback for a partly right answer dropped", node.id)
        return out

    def _w(self, points: int, q: Question) -> str:
        return _weight(points, q.points) if q.points else "0"

    def truefalse(self, q: Question, fmt: str) -> list[str]:
        right = _join(_feedback(q.on_correct))
        wrong = _join(_feedback(q.on_wrong))
        line = "TRUE" if q.answer == "true" else "FALSE"
        if right or wrong:
            line += "#" + (gift_text(wrong, field_format(wrong), fmt) if wrong else "")
        if right:
            line += "#" + gift_text(right, field_format(right), fmt)
        return [line]

    def short(self, node: Node, q: Question, fmt: str) -> list[str]:
        if q.typos:
            self.note_for("typo tolerance dropped", node.id)
        right = _feedback(q.on_correct)
        wrong = _feedback(q.on_wrong)
        right_text = gift_text(right, field_format(right, pair=True), fmt, pair=True)
        wrong_text = gift_text(wrong, field_format(wrong, pair=True), fmt, pair=True)
        out = []
        for answer in q.answers:
            if "->" in answer:
                self.note_for("answers containing '->', which Moodle reads as matching", node.id)
            if answer.strip().startswith(("%", "[")) or answer.strip() == "*":
                self.note_for(
                    "answers starting with '%' or '[' or being '*', which Moodle reads as a "
                    "weight, a format or any answer",
                    node.id,
                )
            line = "=" + escape(answer.strip())
            if right:
                line += "#" + right_text
            out.append(line)
        if wrong:
            out.append("=%0%*#" + wrong_text)
        return out

    def numeric(self, node: Node, q: Question, fmt: str) -> list[str]:
        if q.unit:
            self.note_for("units dropped", f"{node.id} ({q.unit})")
        spec = _dec(q.answer)
        if q.tolerance:
            spec += ":" + _dec(q.tolerance)
        right = _feedback(q.on_correct)
        wrong = _feedback(q.on_wrong)
        if not right and not wrong:
            return ["#" + spec]
        line = "#=" + spec
        if right:
            line += "#" + gift_text(right, field_format(right), fmt)
        out = [line]
        if wrong:
            out.append("~#" + gift_text(wrong, field_format(wrong), fmt))
        return out

    def order(self, node: Node, q: Question, fmt: str) -> list[str]:
        self.note_for("order questions written as matching each item to its position", node.id)
        return [
            "=" + gift_text(item, field_format(item, pair=True), fmt, pair=True) + f" -> {i}"
            for i, item in enumerate(q.items, 1)
        ]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def scenario_to_gift(scenario: Scenario) -> GiftExport:
    """The scenario's questions as GIFT text, and what could not be written."""
    return _Exporter(scenario).run()
