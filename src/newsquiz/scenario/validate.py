"""Semantic checks on a built scenario: ids, graph, questions, variables, evidence, endings.

Every check appends to one list, so a teacher sees every problem in one pass.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping

from newsquiz.scenario import expr as ex
from newsquiz.scenario import loops
from newsquiz.scenario.build import clip, did_you_mean
from newsquiz.scenario.diagnostics import Diagnostic
from newsquiz.scenario.limits import (
    MAX_CLOSEST_CHARS,
    MAX_DECIMALS,
    MAX_NUMBER,
    MAX_SUGGESTION_COMPARISONS,
    MAX_TEXT_VALUE,
)
from newsquiz.scenario.model import (
    BUILTIN_NAMES,
    END,
    Branch,
    Choice,
    Ending,
    Evidence,
    Expr,
    Located,
    Node,
    Pos,
    Question,
    Scenario,
    choice_ids,
)
from newsquiz.scenario.quotes import (
    MatchKind,
    find_quote,
    normalise,
    normalised_paragraphs,
    prepare_quotes,
)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_TODO = re.compile(r"\b(TODO|FIXME|TBD|XXX)\b")

#: Fields that belong to only some question kinds.
_KIND_FIELDS: dict[str, frozenset[str]] = {
    "choices": frozenset({"single", "multiple"}),
    "answer": frozenset({"truefalse", "numeric"}),
    "answers": frozenset({"text"}),
    "typos": frozenset({"text"}),
    "tolerance": frozenset({"numeric"}),
    "unit": frozenset({"numeric"}),
    "items": frozenset({"order"}),
    "on_partial": frozenset({"multiple", "order"}),
}

#: Name comparisons spent on "did you mean" suggestions per file (each costs microseconds).
_SUGGESTION_BUDGET = MAX_SUGGESTION_COMPARISONS
#: Characters of article (and quote) read by closest-passage searches per file: about
#: eight searches of a 2 MiB article, or thousands in a short one.
_CLOSEST_BUDGET = MAX_CLOSEST_CHARS


class Validator:
    def __init__(self, scenario: Scenario, file: str) -> None:
        self.s = scenario
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.types: dict[str, ex.VarType] = {
            name: ex.VarType(t) for name, t in BUILTIN_NAMES.items()
        }
        self.read_vars: set[str] = set()
        self.set_vars: set[str] = set()
        self.declared: set[str] = set()
        self.ids: set[str] = set()
        self.targets: list[str] = [END]
        self._suggestions_left = _SUGGESTION_BUDGET
        self._closest_left = _CLOSEST_BUDGET
        self._joined: str | None = None
        self._run_together = False
        self._starts: list[int] = []

    def suggest(self, word: str, options: Collection[str]) -> str:
        """ " (did you mean …?)" for ``word``, within a budget of comparisons per file: a
        file with thousands of wrong targets among thousands of ids stays quick."""
        if len(options) > self._suggestions_left:
            return ""
        self._suggestions_left -= len(options)
        return did_you_mean(word, options)

    def report(self, code: str, message: str, pos: Pos, *notes: str) -> None:
        self.diagnostics.append(
            Diagnostic.make(code, message, self.file, pos.line, pos.col, tuple(notes))
        )

    # ------------------------------------------------------------------ driver

    def run(self) -> list[Diagnostic]:
        self.check_variables()
        self.check_ids()
        self.check_article()
        prepare_quotes(self.paragraphs, self.quotes())
        for node in self.s.nodes:
            self.check_node(node)
        self.check_endings()
        self.check_graph()
        self.check_unused_variables()
        self.check_drafts()
        return self.diagnostics

    # --------------------------------------------------------------- variables

    def check_variables(self) -> None:
        for name, var in self.s.variables.items():
            if not ex.is_valid_name(name):
                self.report(
                    "NQ404",
                    f"'{name}' cannot be a variable name; use letters, digits and '_', "
                    "starting with a letter",
                    var.pos,
                )
                continue
            if name in BUILTIN_NAMES:
                self.report(
                    "NQ404",
                    f"'{name}' is a built-in name ({', '.join(BUILTIN_NAMES)}); "
                    "choose another variable name",
                    var.pos,
                )
                continue
            ok = {
                "int": re.fullmatch(r"[+-]?[0-9]+", var.initial) is not None,
                "bool": var.initial in ("true", "false"),
                "str": True,
            }[var.type]
            if not ok:
                self.report(
                    "NQ404",
                    f"variable '{name}' is {var.type} but its initial value is "
                    f"'{clip(var.initial)}'",
                    var.at("initial"),
                )
            elif var.type == "int" and not _whole_in_range(var.initial):
                self.report(
                    "NQ404",
                    f"variable '{name}': the initial value {clip(var.initial)} is out of range; "
                    f"a whole-number variable holds −{MAX_NUMBER:,} to {MAX_NUMBER:,}",
                    var.at("initial"),
                )
            elif var.type == "str" and len(var.initial) > MAX_TEXT_VALUE:
                self.report(
                    "NQ404",
                    f"variable '{name}': the initial text is {len(var.initial):,} characters; "
                    f"a text variable holds at most {MAX_TEXT_VALUE:,}",
                    var.at("initial"),
                )
            self.types[name] = ex.VarType(var.type)
            self.declared.add(name)

    def expression(
        self, e: Expr, want: ex.VarType | None, what: str, own: str | None = None
    ) -> None:
        """Check ``e``; ``own`` is the variable it is the new value of: reading a variable
        only to update it (``count: count + 1``) does not count as using it."""
        try:
            tree = ex.parse(e.source)
        except ex.ExprError as err:
            self.report("NQ400", f"{what}: {err.message}", self._at(e, err.offset))
            # Still count the names it mentions as read: one error, not two.
            self.read_vars.update(_IDENT.findall(e.source))
            return
        self.read_vars.update(n for n in ex.names(tree) if n != own)
        try:
            got = ex.check(tree, self.types)
        except ex.UndeclaredName as err:
            self.report(
                "NQ401",
                f"{what}: {err.message}",
                self._at(e, err.offset),
                "declare it under 'variables:'",
            )
            return
        except ex.ExprError as err:
            self.report("NQ402", f"{what}: {err.message}", self._at(e, err.offset))
            return
        if want is not None and got is not want:
            self.report(
                "NQ402",
                f"{what}: '{e.source}' is {_type_word(got)}, but {_type_word(want)} is needed",
                e.pos,
            )

    @staticmethod
    def _at(e: Expr, offset: int) -> Pos:
        # Plain one-line scalars start at the expression; point at the offending token.
        if e.pos.line and "\n" not in e.source:
            return Pos(e.pos.line, e.pos.col + offset)
        return e.pos

    def condition(self, e: Expr | None, what: str) -> None:
        if e is not None:
            self.expression(e, ex.VarType.BOOL, what)

    def assignments(self, assignments: Mapping[str, Expr], where: Pos, what: str) -> None:
        for name, value in assignments.items():
            if name in BUILTIN_NAMES:
                self.report("NQ404", f"{what}: '{name}' is built in and cannot be set", value.pos)
                continue
            var_type = self.types.get(name)
            self.set_vars.add(name)
            if var_type is None:
                self.report(
                    "NQ401",
                    f"{what}: sets undeclared variable '{name}'"
                    + self.suggest(name, self.s.variables.keys()),
                    value.pos if value.pos.line else where,
                    "declare it under 'variables:'",
                )
                continue
            self.expression(value, var_type, f"{what}: value for '{name}'", own=name)

    def check_unused_variables(self) -> None:
        for name, var in self.s.variables.items():
            if name in self.declared and name not in self.read_vars:
                self.report(
                    "NQ403",
                    f"variable '{name}' is never read by any condition"
                    + (" (only by its own updates)" if name in self.set_vars else ""),
                    var.pos,
                    "use it in a 'when' or remove it",
                )

    # --------------------------------------------------------------------- ids

    def check_ids(self) -> None:
        seen: dict[str, Pos] = {}
        items: list[tuple[str, Pos, str]] = [(n.id, n.at("id"), "node") for n in self.s.nodes]
        items += [(e.id, e.at("id"), "ending") for e in self.s.endings]
        for ident, pos, what in items:
            if ident == END:
                self.report(
                    "NQ103",
                    f"'{END}' is reserved (it means: choose an ending); rename this {what}",
                    pos,
                )
                continue
            first = seen.get(ident)
            if first is not None:
                self.report("NQ200", f"id '{ident}' is used twice; first on line {first.line}", pos)
            else:
                seen[ident] = pos
        self.ids = set(seen)
        self.targets = [*self.ids, END]
        if self.s.start and self.s.start not in self.s.node_map:
            self.report(
                "NQ201",
                f"start node '{self.s.start}' does not exist"
                + self.suggest(self.s.start, self.s.node_map.keys()),
                self.s.at("start"),
            )

    def target(self, goto: str | None, pos: Pos, what: str) -> None:
        if goto is None or goto == END or goto in self.ids:
            return
        self.report(
            "NQ201",
            f"{what} goes to '{goto}', which does not exist" + self.suggest(goto, self.targets),
            pos,
        )

    # ----------------------------------------------------------------- article

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return self.s.article.paragraphs if self.s.article is not None else ()

    def _also_in(self, quote: str, found: int) -> list[int]:
        """Paragraphs other than ``found`` that hold ``quote`` (after normalising), at most
        three: one pass over the article, stopping early."""
        if self._joined is None:
            texts = normalised_paragraphs(self.paragraphs)
            self._joined = "\n\n".join(texts)
            starts, at = [], 0
            for text in texts:
                starts.append(at)
                at += len(text) + 2
            self._starts = starts
        wanted = normalise(quote).strip()
        if not wanted:
            return []
        out: list[int] = []
        at = self._joined.find(wanted)
        while at >= 0 and len(out) < 3:
            number = bisect.bisect_right(self._starts, at)
            if number != found and number not in out:
                out.append(number)
            # On to the next paragraph: a quote repeated within one is counted once.
            if number >= len(self._starts):
                break
            at = self._joined.find(wanted, self._starts[number])
        return out

    def check_article(self) -> None:
        article = self.s.article
        if article is not None and not article.paragraphs and not article.file:
            self.report(
                "NQ500",
                "the article has no text; paste it under 'text: |' or name a file",
                article.pos if article.pos.line else self.s.at("article"),
            )

    def evidence(self, ev: Evidence, what: str) -> None:
        if self.s.article is None:
            self.report(
                "NQ505",
                f"{what}: evidence needs an article, and this scenario has none",
                ev.pos,
                "add the article under 'article:', or remove the evidence",
            )
            return
        paragraphs = self.paragraphs
        if not paragraphs:
            return
        if ev.paragraph is not None and not 1 <= ev.paragraph <= len(paragraphs):
            if len(paragraphs) == 1 and "\n" in paragraphs[0]:
                # Paragraphs run together (`text: >` folds blank lines away): say so once,
                # not once for every paragraph number the evidence uses.
                if not self._run_together:
                    self._run_together = True
                    self.report(
                        "NQ503",
                        f"{what}: paragraph {ev.paragraph} does not exist: the whole article "
                        "is one paragraph, because its paragraphs are not separated by "
                        "blank lines",
                        ev.at("paragraph"),
                        "write the article as `text: |`: a `>` block turns each blank line "
                        "into a line break, so the paragraphs run together",
                        "reported once; every evidence paragraph after 1 fails for this reason",
                    )
                return
            self.report(
                "NQ503",
                f"{what}: paragraph {ev.paragraph} does not exist; the article has "
                f"{len(paragraphs)} paragraphs",
                ev.at("paragraph"),
            )
            return
        if not ev.quote.strip():
            if ev.paragraph is None:
                self.report("NQ101", f"{what}: evidence needs a quote or a paragraph", ev.pos)
            return
        # Each closest-passage search reads the whole article: a file with hundreds of
        # missing quotes and a long article gets the closest passage for the first ones.
        closest = self._closest_left > 0
        match = find_quote(paragraphs, ev.quote, ev.paragraph, closest=closest)
        pos = ev.at("quote")
        if match.kind is MatchKind.NOT_FOUND:
            notes = []
            if closest:
                self._closest_left -= sum(map(len, paragraphs)) + len(ev.quote)
            if match.closest:
                notes.append(
                    f"closest passage, paragraph {match.paragraph} "
                    f'({match.similarity:.0%} similar): "{_clip(match.closest)}"'
                )
            elif not closest:
                notes.append("too many quotes are missing to search for each closest passage")
            case = _case_only(paragraphs, ev.quote)
            if case:
                notes.append(
                    f"only the capitals differ: paragraph {case} has these words with other "
                    "capital letters; case is never ignored, so copy the article's capitals"
                )
            self.report(
                "NQ501",
                f'{what}: the quote "{_clip(ev.quote)}" is not in the article',
                pos,
                *notes,
            )
            return
        if match.kind is MatchKind.NORMALISED:
            self.report(
                "NQ502",
                f"{what}: the quote matches paragraph {match.paragraph} only when "
                f"{' and '.join(match.differences)} are treated alike",
                pos,
                f'the article has: "{_clip(match.closest)}"',
                "this is accepted; copy the article's text to silence the warning",
            )
        if ev.paragraph is None:
            others = self._also_in(ev.quote, match.paragraph)
            if others:
                where = ", ".join(str(n) for n in others)
                self.report(
                    "NQ506",
                    f"{what}: the quote is in paragraph {match.paragraph} and also in "
                    f"paragraph{'s' if len(others) > 1 else ''} {where}; it is shown in "
                    f"paragraph {match.paragraph}",
                    pos,
                    f"say which one is meant: add 'paragraph: {match.paragraph}' (or another), "
                    "or quote more words so that only one paragraph has them",
                )
        if ev.paragraph is not None and match.paragraph != ev.paragraph:
            self.report(
                "NQ504",
                f"{what}: the quote is in paragraph {match.paragraph}, not {ev.paragraph}",
                ev.at("paragraph"),
            )

    # ------------------------------------------------------------------- nodes

    def check_node(self, node: Node) -> None:
        what = f"node '{node.id}'"
        self.condition(node.when, f"{what} 'when'")
        self.assignments(node.set, node.at("set"), what)
        for route in node.next:
            self.target(route.goto, route.at("goto"), what)
            self.condition(route.when, f"{what} route to '{route.goto}'")
        if node.question is not None:
            self.check_question(node, node.question)

    def check_question(self, node: Node, q: Question) -> None:
        what = f"question '{node.id}'"
        for name, kinds in _KIND_FIELDS.items():
            if name in q.positions and q.kind not in kinds:
                self.report(
                    "NQ105",
                    f"{what}: '{name}' is not used by a {q.kind} question "
                    f"(only by {', '.join(sorted(kinds))})",
                    q.at(name),
                )
        for outcome in ("on_correct", "on_partial", "on_wrong"):
            branch: Branch | None = getattr(q, outcome)
            if branch is not None:
                self.target(branch.goto, branch.at("goto"), f"{what} {outcome}")
                self.assignments(branch.set, branch.pos, f"{what} {outcome}")
        if q.evidence is not None:
            self.evidence(q.evidence, what)
        if q.kind in ("single", "multiple"):
            self.check_choices(node, q)
        elif q.kind == "truefalse":
            if q.answer not in ("true", "false"):
                self.report(
                    "NQ103" if q.answer else "NQ101",
                    f"{what}: a truefalse question needs 'answer: true' or 'answer: false'",
                    q.at("answer"),
                )
        elif q.kind == "numeric":
            answer = q.answer.strip()
            if not _NUMBER.fullmatch(answer):
                self.report(
                    "NQ103" if q.answer else "NQ101",
                    f"{what}: a numeric question needs 'answer:' with a number"
                    + (f", not '{clip(q.answer)}'" if q.answer else ""),
                    q.at("answer"),
                )
            elif not _number_in_range(answer):
                decimals = answer.lstrip("+-").partition(".")[2]
                self.report(
                    "NQ103",
                    f"{what}: the answer {clip(answer)} cannot be typed and checked: "
                    + (
                        f"it has {len(decimals)} decimals (at most {MAX_DECIMALS})"
                        if len(decimals) > MAX_DECIMALS
                        else f"a numeric answer lies within ±{MAX_NUMBER:,}"
                    ),
                    q.at("answer"),
                )
        elif q.kind == "text":
            if not any(a.strip() for a in q.answers):
                self.report(
                    "NQ101",
                    f"{what}: a text question needs 'answers:'",
                    q.pos,
                    "example: answers: [Delhi, New Delhi]",
                )
            for answer in q.answers:
                if answer.strip() and not typeable(answer):
                    self.report(
                        "NQ103",
                        f"{what}: the answer '{clip(answer)}' can never match: answers are "
                        "compared without punctuation, symbols like ^ and ` or spacing, and "
                        "nothing else is left",
                        q.at("answers"),
                        "write the answer in letters or digits",
                    )
        elif q.kind == "order":
            if len(q.items) < 2:
                self.report(
                    "NQ303", f"{what}: an order question needs at least 2 items", q.at("items")
                )
            self.duplicates(q.items, q.at("items"), what, "item")
        if q.kind not in ("single", "multiple") and q.evidence is None and self.s.article:
            self.report(
                "NQ304",
                f"{what}: the correct answer has no evidence from the article",
                q.pos,
                'add evidence: "a quote from the article"',
            )
        for hint in q.hints:
            if not hint.text.strip():
                self.report("NQ101", f"{what}: a hint has no text", hint.pos)

    def check_choices(self, node: Node, q: Question) -> None:
        what = f"question '{node.id}'"
        if len(q.choices) < 2:
            self.report(
                "NQ303", f"{what}: a {q.kind} question needs at least 2 choices", q.at("choices")
            )
        correct = [c for c in q.choices if c.correct]
        if q.choices and not correct:
            self.report("NQ300", f"{what}: no choice is marked 'correct: true'", q.at("choices"))
        if q.kind == "single" and len(correct) > 1:
            lines = ", ".join(str(c.pos.line) for c in correct)
            self.report(
                "NQ301",
                f"{what}: {len(correct)} choices are correct (lines {lines}); a single-choice "
                "question has one",
                correct[1].pos,
                "use 'kind: multiple' if several answers are right",
            )
        ids_seen: dict[str, Pos] = {}
        for cid, choice in zip(choice_ids(q), q.choices):
            if cid in ids_seen:
                self.report("NQ200", f"{what}: choice id '{cid}' is used twice", choice.at("id"))
            ids_seen[cid] = choice.pos
            self.check_choice(node, q, choice, cid)
        self.duplicates(
            [c.text for c in q.choices],
            q.at("choices"),
            what,
            "choice",
            [c.pos for c in q.choices],
            list(choice_ids(q)),
        )

    def check_choice(self, node: Node, q: Question, c: Choice, cid: str) -> None:
        what = f"question '{node.id}' choice '{cid}'"
        if c.points is not None and q.kind == "multiple":
            self.report(
                "NQ105",
                f"{what}: 'points' on a choice works for single-choice questions only; a "
                "multiple-select question gives partial credit from its own 'points'",
                c.at("points"),
            )
        if c.goto is not None and q.kind == "multiple":
            self.report(
                "NQ105",
                f"{what}: 'goto' on a choice works for single-choice questions only; use "
                "on_correct / on_partial / on_wrong",
                c.at("goto"),
            )
        self.target(c.goto, c.at("goto"), what)
        self.condition(c.when, f"{what} 'when'")
        self.assignments(c.set, c.at("set"), what)
        if c.evidence is not None:
            self.evidence(c.evidence, what)
        elif c.correct and q.evidence is None and self.s.article is not None:
            self.report(
                "NQ304",
                f"{what}: the correct answer has no evidence from the article",
                c.pos,
                'add evidence: "a quote from the article"',
            )

    def duplicates(
        self,
        texts: Iterable[str],
        pos: Pos,
        what: str,
        noun: str,
        positions: list[Pos] | None = None,
        labels: list[str] | None = None,
    ) -> None:
        """NQ302 for a text given twice; ``labels`` name them (choice ids), else their
        numbers from 1."""
        seen: dict[str, int] = {}
        for i, text in enumerate(texts):
            key = normalise(text).casefold()
            if key in seen:
                at = positions[i] if positions else pos
                first, again = (
                    (f"'{labels[seen[key]]}'", f"'{labels[i]}'")
                    if labels
                    else (str(seen[key] + 1), str(i + 1))
                )
                self.report(
                    "NQ302",
                    f'{what}: {noun} "{_clip(text)}" appears twice ({noun}s {first} and {again})',
                    at,
                )
            else:
                seen[key] = i

    # ----------------------------------------------------------------- endings

    def check_endings(self) -> None:
        if not self.s.endings:
            self.report(
                "NQ205",
                "the scenario has no ending; add 'endings:' with at least one",
                self.s.at("endings"),
                "example: endings: [{id: done, title: Well done}]",
            )
            return
        bands: list[Ending] = []
        fallback: Ending | None = None
        for ending in self.s.endings:
            what = f"ending '{ending.id}'"
            self.condition(ending.when, f"{what} 'when'")
            if fallback is not None:
                self.report(
                    "NQ602",
                    f"{what} can never be chosen: ending '{fallback.id}' before it has no "
                    "condition",
                    ending.pos,
                    "endings are tried in order; put the unconditional one last",
                )
            if ending.score is not None:
                if ending.score.min >= ending.score.max:
                    self.report(
                        "NQ103",
                        f"{what}: score band min {ending.score.min:g} must be below max "
                        f"{ending.score.max:g}",
                        ending.score.pos,
                    )
                elif ending.when is None:
                    bands.append(ending)
            elif ending.when is None and fallback is None:
                fallback = ending
        if bands:
            self.check_bands(bands, fallback)

    def check_bands(self, bands: list[Ending], fallback: Ending | None) -> None:
        ordered = sorted(bands, key=lambda e: e.score.min if e.score else 0)
        covered = 0.0
        previous: Ending | None = None
        for ending in ordered:
            band = ending.score
            assert band is not None
            if band.min < covered and previous is not None:
                self.report(
                    "NQ600",
                    f"ending '{ending.id}' band {band.min:g}–{band.max:g}% overlaps ending "
                    f"'{previous.id}' ({_band(previous)})",
                    band.pos,
                )
            elif band.min > covered and fallback is None:
                self.report(
                    "NQ601",
                    f"no ending covers scores from {covered:g}% to {band.min:g}%",
                    band.pos,
                    "make the bands meet, or add a last ending without a condition",
                )
            covered = max(covered, band.max)
            previous = ending
        if covered < 100 and fallback is None:
            last = ordered[-1]
            self.report(
                "NQ601",
                f"no ending covers scores from {covered:g}% to 100%",
                last.score.pos if last.score else last.pos,
                "make the bands reach max: 100, or add a last ending without a condition",
            )

    # ------------------------------------------------------------------- graph

    def exits(self, node: Node) -> tuple[list[str], list[str]]:
        """(targets, problems): where play can go from ``node``, and any missing way out."""
        targets = [r.goto for r in node.next]
        problems: list[str] = []
        fallback = bool(node.next) and node.next[-1].when is None
        if node.next and not fallback:
            problems.append("every route has a 'when'; add a last route without one")
        if node.when is not None and not node.next:
            problems.append(
                "when its 'when' is false the node is skipped to 'next:', and it has none"
            )
        q = node.question
        if q is None:
            if not node.next:
                problems.append("add 'next:' with a node id or 'end'")
            return targets, problems
        outcomes = {"on_correct": q.on_correct, "on_wrong": q.on_wrong}
        if q.kind in ("multiple", "order"):
            outcomes["on_partial"] = q.on_partial
        for branch in outcomes.values():
            if branch is not None and branch.goto:
                targets.append(branch.goto)
        if q.kind == "single":
            for cid, choice in zip(choice_ids(q), q.choices):
                branch = q.on_correct if choice.correct else q.on_wrong
                goto = choice.goto or (branch.goto if branch else None)
                if goto:
                    targets.append(goto)
                elif not node.next:
                    problems.append(
                        f"choice '{cid}' leads nowhere; give it 'goto:' or give the node 'next:'"
                    )
        elif not node.next:
            for name, branch in outcomes.items():
                if branch is None or not branch.goto:
                    problems.append(f"'{name}' has no 'goto' and the node has no 'next:'")
        if q.skippable if q.skippable is not None else self.s.skippable:
            if not node.next:
                problems.append(
                    "the question can be skipped, but a skip follows 'next:' and the node has none"
                )
            targets.extend(r.goto for r in node.next)
        return targets, problems

    def check_graph(self) -> None:
        nodes = self.s.node_map
        endings = self.s.ending_map
        start = self.s.start_id
        if start not in nodes:
            return
        edges: dict[str, list[str]] = {}
        broken: set[str] = set()  # already reported: no way out, or a missing target
        for node in self.s.nodes:
            targets, problems = self.exits(node)
            edges[node.id] = [t for t in targets if t in nodes or t in endings or t == END]
            if problems or len(edges[node.id]) < len(targets):
                broken.add(node.id)
            for problem in problems:
                self.report("NQ204", f"node '{node.id}' has no way out: {problem}", node.pos)
        reachable = set(_walk(start, edges))
        for node in self.s.nodes:
            if node.id not in reachable:
                self.report(
                    "NQ202",
                    f"node '{node.id}' can never be reached from the start ('{start}')",
                    node.pos,
                )
        # Nodes from which an ending can be reached: walk the edges backwards.
        reverse: dict[str, list[str]] = {}
        for src, dsts in edges.items():
            for dst in dsts:
                reverse.setdefault(dst, []).append(src)
        finishing = set(_walk(END, reverse))
        for ending_id in endings:
            finishing.update(_walk(ending_id, reverse))
        # Nodes that lead to an already-reported dead end are not traps of their own.
        for node_id in broken:
            finishing.update(_walk(node_id, reverse))
        for node in self.s.nodes:
            if node.id in reachable and node.id not in finishing:
                self.report(
                    "NQ203",
                    f"node '{node.id}' is a trap: no ending can be reached from it",
                    node.pos,
                    "every path from here loops back without reaching 'end' or an ending",
                )
        stuck = {n.id for n in self.s.nodes if n.id in reachable and n.id not in finishing}
        for loop in loops.loops(self.s):
            if not loop.closed or stuck.intersection(loop.nodes) or broken.intersection(loop.nodes):
                continue
            fixed = loop.fixed()
            why = (
                "its ways out depend only on "
                + ", ".join(f"'{name}'" for name in fixed)
                + ", which nothing in the loop changes"
                if fixed
                else "its ways out are conditions without a variable, which never change"
            )
            self.report(
                "NQ206",
                f"once play goes round the loop {loop.describe(self.s)}, it can never leave "
                f"it: {why}",
                nodes[loop.nodes[0]].pos,
                f"its ways out: {loop.ways_out()}",
                "give the loop a way out play can take: change one of those variables "
                "inside the loop (a counter, or a flag an answer sets), add a last route "
                "without 'when', or let an answer leave the loop",
            )

    # ------------------------------------------------------------------ drafts

    def check_drafts(self) -> None:
        s = self.s
        if s.draft:
            self.report("NQ700", "the scenario is marked draft", s.at("draft"))
        texts = list(self.texts())
        # One search over everything first: markers are rare, texts are many.
        if _TODO.search("\n".join(text for _, text, _, _ in texts)):
            for where, text, obj, name in texts:
                m = _TODO.search(text)
                if m:
                    self.report("NQ700", f"{where} contains '{m.group()}'", obj.at(name))
        for node in s.nodes:
            if node.draft:
                self.report("NQ700", f"node '{node.id}' is marked draft", node.at("draft"))
            q = node.question
            if q is None:
                continue
            if q.draft:
                self.report("NQ700", f"question '{node.id}' is marked draft", q.at("draft"))
            for cid, c in zip(choice_ids(q), q.choices):
                if c.draft:
                    self.report(
                        "NQ700",
                        f"question '{node.id}' choice '{cid}' is marked draft",
                        c.at("draft"),
                    )
        for ending in s.endings:
            if ending.draft:
                self.report("NQ700", f"ending '{ending.id}' is marked draft", ending.at("draft"))

    def quotes(self) -> Iterator[str]:
        """Every evidence quote in the scenario."""
        for node in self.s.nodes:
            q = node.question
            if q is None:
                continue
            if q.evidence is not None:
                yield q.evidence.quote
            for c in q.choices:
                if c.evidence is not None:
                    yield c.evidence.quote

    def texts(self) -> Iterator[tuple[str, str, Located, str]]:
        """Every free text: (whose, text, the object holding it, its field name).

        Positions are looked up by the caller only when it reports something.
        """
        s = self.s
        yield "the scenario", s.title, s, "title"
        yield "the scenario", s.summary, s, "summary"
        for node in s.nodes:
            where = f"node '{node.id}'"
            yield where, node.title, node, "title"
            yield where, node.text, node, "text"
            q = node.question
            if q is None:
                continue
            yield where, q.prompt, q, "prompt"
            yield where, q.explanation, q, "explanation"
            for c in q.choices:
                yield where, c.text, c, "text"
                yield where, c.feedback, c, "feedback"
            for hint in q.hints:
                yield where, hint.text, hint, "text"
            for branch in (q.on_correct, q.on_partial, q.on_wrong):
                if branch is not None:
                    yield where, branch.feedback, branch, "feedback"
        for ending in s.endings:
            where = f"ending '{ending.id}'"
            yield where, ending.title, ending, "title"
            yield where, ending.text, ending, "text"


def _whole_in_range(text: str) -> bool:
    """Whether ``[+-]?digits`` lies within ±MAX_NUMBER (without converting huge texts)."""
    digits = text.lstrip("+-").lstrip("0")
    return len(digits) <= len(str(MAX_NUMBER)) and int(digits or "0") <= MAX_NUMBER


def _number_in_range(text: str) -> bool:
    """Whether a decimal number (``_NUMBER``) lies within ±MAX_NUMBER with at most
    MAX_DECIMALS decimals: what a player can type and the engine compare exactly."""
    whole, _, decimals = text.lstrip("+-").partition(".")
    if len(decimals) > MAX_DECIMALS or not _whole_in_range(whole or "0"):
        return False
    return abs(float(text)) <= MAX_NUMBER


def typeable(answer: str) -> bool:
    """Whether anything of a text answer survives answer normalisation.

    Mirrors ``newsquiz.engine.matching.normalise_answer`` (a test keeps them in step):
    combining marks, punctuation (``P*``), modifier symbols (``Sk``), ``/ \\ |``, the
    minus sign and spacing all disappear; an answer made only of those never matches.
    """
    text = _strip_marks(_strip_marks(answer).casefold())
    for char in text:
        if char.isspace() or char in "/\\|\u2212":
            continue
        category = unicodedata.category(char)
        if category[0] == "P" or category == "Sk":
            continue
        return True
    return False


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _walk(start: str, edges: Mapping[str, list[str]]) -> Iterator[str]:
    seen = {start}
    stack = [start]
    while stack:
        current = stack.pop()
        yield current
        for nxt in edges.get(current, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)


def _case_only(paragraphs: tuple[str, ...], quote: str) -> int:
    """The paragraph holding ``quote`` when capitals are ignored (0: none)."""
    wanted = normalise(quote).strip().casefold()
    if not wanted:
        return 0
    for number, paragraph in enumerate(paragraphs, 1):
        if wanted in normalise(paragraph).casefold():
            return number
    return 0


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _band(ending: Ending) -> str:
    band = ending.score
    return f"{band.min:g}–{band.max:g}%" if band else "no band"


def _type_word(t: ex.VarType) -> str:
    return {"int": "a whole number", "bool": "true/false", "str": "text"}[t.value]


def validate(scenario: Scenario, file: str) -> list[Diagnostic]:
    return Validator(scenario, file).run()
