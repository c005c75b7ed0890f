"""Editorial checks: what an editor would catch in a scenario that is valid and plays.

These are the teaching problems a machine can see (``newsquiz test`` reports them as
warnings, next to what play-testing finds):

* **give-aways**: a later question's answer shown word for word before it is asked, in an
  earlier question's feedback, explanation, evidence (the whole paragraph it is
  highlighted in) or correct choice, or in a scene without a question on the way
  (``Paul Whelan`` in the feedback just before "Who is the American?").  A typed answer
  (text, numeric) also counts when an earlier prompt or scene shows it, a choice answer
  when that prompt or scene is about what the later question asks.  A choice answer
  named together with one of its wrong options singles nothing out and does not count,
  nor do numbers that point at paragraphs ("paragraph 10");
* **hints that cost the whole question**: a hint costing as much as the question is worth
  (a 1-point hint on a 1-point question) leaves nothing to earn by taking it.

How often each ending is reached is a play-testing matter (see ``engine.playtest``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from newsquiz.scenario.model import Node, Pos, Question, Scenario, choice_ids
from newsquiz.scenario.quotes import normalise

#: Answers shorter than this (after normalising) are too common to be a give-away.
_MIN_ANSWER = 3
#: "paragraph 2", "paragraphs 2 and 10": numbers that point into the article.
#: What a question node shows while asking.  For a typed answer, showing it there is a
#: give-away; for a choice answer only when the text is about what the later question
#: asks (shares this many words of 5+ letters with its prompt): "according to the
#: official, the conversation lasted..." before "who says the conversation lasted...?".
_ASKED = ("scene text", "prompt")
_SHARED_WORDS = 2
_TOPIC_WORD = 5
_LEADING_ARTICLE = re.compile(r"^(a|an|the) ")
_PARAGRAPH_REF = re.compile(r"paragraphs? $|paragraphs [0-9, ]+(and|or) $")


@dataclass(frozen=True)
class Note:
    """One editorial finding (always a warning): what, and where to fix it."""

    message: str
    pos: Pos


def check(scenario: Scenario) -> list[Note]:
    """Every editorial finding in ``scenario``, in file order of the question concerned."""
    return [*_give_aways(scenario), *_hint_costs(scenario)]


# ------------------------------------------------------------------ give-aways


def _successors(node: Node) -> Iterator[str]:
    for route in node.next:
        yield route.goto
    q = node.question
    if q is None:
        return
    for branch in (q.on_correct, q.on_partial, q.on_wrong):
        if branch is not None and branch.goto:
            yield branch.goto
    for choice in q.choices:
        if choice.goto:
            yield choice.goto


def _answers(q: Question) -> list[tuple[str, list[str]]]:
    """The answers a question asks for, each with the wrong options beside it: a text that
    names the answer together with one of those does not single the answer out."""
    if q.kind == "text":
        return [(a, []) for a in q.answers if a.strip()]
    if q.kind == "numeric":
        return [(q.answer.strip(), [])] if q.answer.strip() else []
    if q.kind in ("single", "multiple"):
        wrong = [c.text for c in q.choices if not c.correct and c.text.strip()]
        return [(c.text, wrong) for c in q.choices if c.correct and c.text.strip()]
    return []  # truefalse and order: the answer is not a phrase


def _shown_after(node: Node, paragraphs: Sequence[str]) -> Iterator[tuple[str, str, Pos]]:
    """(where, text, position): what play shows at ``node`` before moving on, including
    the article paragraph each piece of evidence is highlighted in."""
    q = node.question
    if node.text.strip():
        yield "text" if q is None else "scene text", node.text, node.at("text")
    if q is None:
        return
    yield "prompt", q.prompt, q.at("prompt")
    evidence = [(f"choice '{cid}'", c.evidence) for cid, c in zip(choice_ids(q), q.choices)]
    evidence.append(("question", q.evidence))
    for whose, ev in evidence:
        if ev is None:
            continue
        number = ev.paragraph or _paragraph_of(paragraphs, ev.quote)
        if number and 1 <= number <= len(paragraphs):
            yield f"evidence paragraph {number} ({whose})", paragraphs[number - 1], ev.pos
    for cid, choice in zip(choice_ids(q), q.choices):
        if choice.feedback:
            yield f"feedback of choice '{cid}'", choice.feedback, choice.at("feedback")
        if choice.evidence is not None and choice.evidence.quote:
            yield f"evidence of choice '{cid}'", choice.evidence.quote, choice.evidence.pos
        if choice.correct and q.kind == "single":
            yield f"correct choice '{cid}'", choice.text, choice.pos
    for name in ("on_correct", "on_partial", "on_wrong"):
        branch = getattr(q, name)
        if branch is not None and branch.feedback:
            yield f"{name} feedback", branch.feedback, branch.at("feedback")
    if q.explanation:
        yield "explanation", q.explanation, q.at("explanation")
    if q.evidence is not None and q.evidence.quote:
        yield "evidence", q.evidence.quote, q.evidence.pos


def _paragraph_of(paragraphs: Sequence[str], quote: str) -> int | None:
    wanted = normalise(quote).strip()
    if not wanted:
        return None
    for number, paragraph in enumerate(paragraphs, 1):
        if wanted in normalise(paragraph):
            return number
    return None


def _words(text: str) -> set[str]:
    """The longer words of a (plain) text: what it is about."""
    return {w for w in re.findall(r"\w+", text) if len(w) >= _TOPIC_WORD}


def _plain(text: str) -> str:
    return normalise(text).replace("*", "").casefold().strip().rstrip(".")


def _occurs(answer: str, text: str, number: bool) -> bool:
    pattern = r"(?<![\w.,])" if number else r"(?<!\w)"
    for m in re.finditer(pattern + re.escape(answer) + r"(?!\w|[.,][0-9])", text):
        if number and _PARAGRAPH_REF.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        return True
    return False


class _Shown:
    """What each node shows, indexed by word, and which nodes play can reach from which.

    Nothing here is quadratic in the number of nodes: a later answer is looked for only in
    the nodes whose texts have all its words (the rarest word's nodes), and whether such
    a node comes before the question is one search of the graph, stopped when found."""

    def __init__(self, scenario: Scenario) -> None:
        paragraphs = scenario.article.paragraphs if scenario.article is not None else ()
        self.order = {n.id: i for i, n in enumerate(scenario.nodes)}
        self.shown = {
            n.id: [(w, _plain(t), p) for w, t, p in _shown_after(n, paragraphs)]
            for n in scenario.nodes
        }
        self.words: dict[str, set[str]] = {}
        for node_id, items in self.shown.items():
            for _where, text, _pos in items:
                for word in _WORD.findall(text):
                    self.words.setdefault(word, set()).add(node_id)
        nodes = scenario.node_map
        self.edges = {n.id: [t for t in _successors(n) if t in nodes] for n in scenario.nodes}
        self._candidates: dict[str, list[str]] = {}
        self._asked: Counter[str] = Counter()
        self._after: dict[str, set[str]] = {}  # a few nodes' whole reach, asked often

    def candidates(self, wanted: str) -> list[str]:
        """The nodes whose texts have every word of ``wanted``, in file order."""
        found = self._candidates.get(wanted)
        if found is None:
            words = _WORD.findall(wanted)
            if words:
                sets = [self.words.get(w, set()) for w in words]
                nodes = set.intersection(*sorted(sets, key=len))
            else:
                nodes = set(self.shown)
            found = self._candidates[wanted] = sorted(nodes, key=self.order.__getitem__)
        return found

    def reaches(self, start: str, target: str) -> bool:
        """Whether play can get from ``start`` to ``target`` (by at least one move).

        One search, stopped when found; a start asked about again keeps its whole reach
        (for a few starts only: an answer shown early in a long scenario)."""
        after = self._after.get(start)
        if after is not None:
            return target in after
        self._asked[start] += 1
        whole = self._asked[start] > 1 and len(self._after) < _KEEP_REACH
        seen: set[str] = set()
        todo = list(self.edges[start])
        while todo:
            current = todo.pop()
            if current == target and not whole:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(self.edges[current])
        if whole:
            self._after[start] = seen
        return target in seen


_WORD = re.compile(r"\w+")
#: Nodes whose whole reach is kept while looking for give-aways.
_KEEP_REACH = 32


def _give_aways(scenario: Scenario) -> Iterator[Note]:
    index = _Shown(scenario)
    for later in scenario.nodes:
        q = later.question
        if q is None:
            continue
        topic = _words(_plain(q.prompt)) - _words(" ".join(_plain(a) for a, _ in _answers(q)))
        for answer, wrong in _answers(q):
            wanted = _LEADING_ARTICLE.sub("", _plain(answer))
            if len(wanted) < _MIN_ANSWER and q.kind != "numeric":
                continue
            others = [w for w in (_LEADING_ARTICLE.sub("", _plain(x)) for x in wrong) if w]
            number, typed = q.kind == "numeric", q.kind in ("text", "numeric")
            found = _first_showing(index, later.id, wanted, others, number, typed, topic)
            if found is None:
                continue
            earlier, where, pos = found
            yield Note(
                f"question '{later.id}': its answer \"{answer.strip()}\" is given away before "
                f"it is asked, in the {where} of node '{earlier}'; reorder the questions or "
                "trim the earlier text",
                pos if pos.line else scenario.node_map[earlier].pos,
            )


def _first_showing(
    index: _Shown,
    later: str,
    wanted: str,
    others: list[str],
    number: bool,
    typed: bool,
    topic: set[str],
) -> tuple[str, str, Pos] | None:
    for node_id in index.candidates(wanted):
        if node_id == later:
            continue
        for where, text, pos in index.shown[node_id]:
            if where in _ASKED and not typed and len(_words(text) & topic) < _SHARED_WORDS:
                continue  # naming a candidate while asking about something else
            if _occurs(wanted, text, number) and not any(_occurs(o, text, False) for o in others):
                if index.reaches(node_id, later):
                    return node_id, where, pos
                break  # this node never comes before the question
    return None


# ------------------------------------------------------------------ hint costs


def _hint_costs(scenario: Scenario) -> Iterator[Note]:
    for node in scenario.nodes:
        q = node.question
        if q is None or not q.hints or q.points <= 0:
            continue
        total = 0
        for number, hint in enumerate(q.hints, 1):
            total += hint.cost
            if total >= q.points:
                which = "the hint" if len(q.hints) == 1 else f"hint {number}"
                so_far = "" if number == 1 else " with the hints before it"
                yield Note(
                    f"question '{node.id}': {which} costs{so_far} {total} point(s), all the "
                    f"question is worth ({q.points}); a student who takes it cannot score, so "
                    "lower its cost or raise the question's points",
                    hint.at("cost") if "cost" in hint.positions else hint.pos,
                )
                break
