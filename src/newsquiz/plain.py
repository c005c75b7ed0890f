"""The plain line-mode player: ``newsquiz play PATH --plain``.

For screen-reader and braille users, for scripts and for tests.  It prints plain lines
of text and reads whole lines: no cursor movement, no boxes, no redrawing.  Colour (bold,
green, red) is used only when the caller says so (stdout is a terminal, ``NO_COLOR`` is
unset and ``TERM`` is not ``dumb``), and never carries meaning alone: every verdict is a
word with a symbol (``✓ Correct``, ``½ Partly correct``, ``✗ Wrong``, ``– Skipped``) and
evidence quotes are marked ``»like this«``.

At any prompt the player can type:

* ``a`` — show the article, paragraphs numbered ``[1]``, ``[2]``…;
* ``h`` — reveal the next hint; its cost is printed with it and taken off that
  question's points (there is no confirmation step);
* ``s`` — skip the question, where the scenario allows it;
* ``q`` — quit (prints the score so far);
* ``?`` — repeat this help.

Answers: a choice number (``2``); several numbers separated by spaces or commas for
"select all that apply"; ``t``/``f`` (or ``true``/``false``, ``yes``/``no``, ``1``/``2``)
for true/false; the item numbers in the right order for ordering questions (``3 1 2``);
free text or a number otherwise.  A text answer that is exactly one of the command
letters is taken as the command.

After the ending, every answer is reviewed and the player is offered a practice round of
the questions missed (``p``; Enter or the end of input finishes), as in the app; when
progress is saved, the round is saved as the app saves it (an attempt of the practice
scenario, kept apart from the real statistics).

End of input at any prompt stops cleanly with ``Stopped: score X / max (P%)`` (exit 0);
Ctrl-C does the same with exit status 130.

Input protocol (the same for a person and a script): every line is an answer or a
command, in order, and nothing else consumes a line.

* An empty line at an answer prompt is ignored (an extra Enter after feedback never
  becomes an invalid answer), so scripts may, but need not, put blank lines between
  answers.
* A scene without a question waits for Enter at a terminal; when input does not come
  from a terminal it does not wait, so a piped ``printf '1\n2\n'`` gives ``1`` to the
  first question.

When input does not come from a terminal (a pipe, a file, a test's ``StringIO``), each
line read is echoed after its prompt, so the output reads like a transcript.  At a
terminal, text is wrapped to the terminal's width; into a pipe, lines are not wrapped.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Callable, Sequence
from typing import TextIO

from newsquiz.engine import present
from newsquiz.engine.compiled import EvidenceView
from newsquiz.engine.errors import InvalidAnswer, LoopLimitExceeded, NoRoute
from newsquiz.engine.present import EVIDENCE_WIDTH, hint_price, points_text
from newsquiz.engine.review import Confidence
from newsquiz.engine.session import AnswerRecord, Outcome, Response, Session
from newsquiz.scenario.model import Question, Scenario
from newsquiz.store.tracker import Progress
from newsquiz.text import clean

__all__ = [
    "EVIDENCE_WIDTH",
    "PlainPlayer",
    "choice_number",
    "clean",
    "evidence_snippet",
    "pick_scenario",
]

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding /
# override / isolate characters (which can make text display in a misleading order).
_SPLIT = re.compile(r"[\s,;]+")
#: A typed choice number: ASCII digits only (``²``, ``𝟙`` or ``١`` pass ``str.isdigit()``
#: but are not numbers anyone means here), and few enough that ``int()`` is instant.
_NUMBER = re.compile(r"[0-9]{1,9}")

_BOLD = "\x1b[1m"
_GREEN = "\x1b[32m"
_RED = "\x1b[31m"
_RESET = "\x1b[0m"

_TRUE_WORDS = frozenset({"t", "true", "y", "yes"})
_FALSE_WORDS = frozenset({"f", "false", "n", "no"})

#: How each verdict is tinted (its words come from :mod:`newsquiz.engine.present`).
_TINTS = {"correct": _GREEN, "partial": _BOLD, "wrong": _RED, "skipped": _BOLD}

NO_ARTICLE = "This scenario has no article: its questions come from a question bank."

HELP = (
    "At any prompt: a shows the article (numbered paragraphs), "
    "h reveals a hint (its cost is shown and taken off that question's points), "
    "s skips a question (where allowed), q quits, ? repeats this help."
)


def _sentence(message: str) -> str:
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message[-1] in ".!?" else message + "."


def evidence_snippet(
    ev: EvidenceView,
    width: int = EVIDENCE_WIDTH,
    mark: Callable[[str], str] = lambda s: s,
) -> str:
    """The evidence paragraph with the quote between ``»`` and ``«``, trimmed to about
    ``width`` characters around the quote (cuts marked ``…``).  ``mark`` styles the quote."""
    snip = present.evidence_snippet(ev, width)
    if not snip.quote:
        return clean(snip.before)
    return f"{clean(snip.before)}»{mark(clean(snip.quote))}«{clean(snip.after)}"


def choice_number(text: str) -> int | None:
    """``text`` as a typed choice number, or None: only ASCII digits are a number (at most
    nine of them: anything longer is out of every range, and never reaches ``int()``)."""
    text = text.strip()
    return int(text) if _NUMBER.fullmatch(text) else None


class _Stop(Exception):
    """End of input, or the player typed q."""


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):
        return False


class _Lines:
    """Line-by-line terminal I/O shared by the player and the scenario picker."""

    def __init__(self, stdin: TextIO, stdout: TextIO, colour: bool, echo: bool | None) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.colour = colour
        self.echo = (not _isatty(stdin)) if echo is None else echo
        #: A person at a terminal (scenes wait for Enter) rather than piped input.
        self.interactive = _isatty(stdin)
        #: Wrap to the terminal's width: only when printing to a terminal.
        self.width = shutil.get_terminal_size().columns if _isatty(stdout) else 0

    def out(self, text: str = "") -> None:
        if self.width >= 20 and len(text) > self.width:
            text = "\n".join(
                textwrap.fill(line, self.width - 1, break_on_hyphens=False) if line else line
                for line in text.split("\n")
            )
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def style(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.colour and text else text

    def read(self, prompt: str) -> str:
        """One line of input (without its newline); raises :class:`_Stop` at its end."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line: str | None = None
        while line is None:
            try:
                line = self.stdin.readline()
            except UnicodeDecodeError:
                self.stdout.write("\nThat input could not be read as text. " + prompt)
                self.stdout.flush()
        if not line:
            raise _Stop
        line = line.rstrip("\r\n")
        if self.echo:
            self.stdout.write(clean(line) + "\n")
            self.stdout.flush()
        return line


class PlainPlayer:
    """Plays one :class:`Session` as plain lines on ``stdout``, reading ``stdin``.

    ``echo`` (default: when ``stdin`` is not a terminal) repeats each line read after
    its prompt.
    """

    def __init__(
        self,
        session: Session,
        stdin: TextIO,
        stdout: TextIO,
        colour: bool = False,
        *,
        echo: bool | None = None,
        progress: Progress | None = None,
        confidence: bool = False,
    ) -> None:
        self.session = session
        #: Ask how sure the player is after each answer, before its verdict.
        self.confidence = confidence
        self.io = _Lines(stdin, stdout, colour, echo)
        #: Where every answer is committed before its feedback is printed.
        self.progress: Progress = progress or Progress(None)
        # What happens to saving later (it stopped; it waits for another newsquiz) is
        # said where the player reads: in the transcript, once.
        self.progress.listener = self._store_message

    def _store_message(self, message: str) -> None:
        self.io.out(clean(message))

    # ------------------------------------------------------------------ play

    def run(self) -> int:
        """Play to an ending (or until input ends).  Returns the exit status."""
        try:
            try:
                self._intro()
                while not self.session.finished:
                    if self.session.question is None:
                        self._narrative()
                    else:
                        self._ask()
                self.progress.save(self.session)
                self._ending()
                return 1 if self.session.halted else 0
            except _Stop:
                self._stopped()
                return 0
            except KeyboardInterrupt:
                self._stopped()
                return 130
        except (LoopLimitExceeded, NoRoute) as err:
            self.io.out()
            self.io.out(f"The scenario cannot go on: {clean(str(err))}")
            return 1

    def _stopped(self) -> None:
        s = self.session
        self.io.out()
        self.io.out(f"Stopped: score {present.path_score(s)} ({s.path_percent}%)")
        if self.progress.saving and not s.finished:
            self.io.out(present.PROGRESS_SAVED)

    # ----------------------------------------------------------------- parts

    def _intro(self) -> None:
        sc = self.session.scenario
        self.io.out(self.io.style(clean(sc.title), _BOLD))
        if sc.summary:
            self.io.out(clean(sc.summary))
        self._article_header()
        self.io.out(HELP)

    def _article_header(self) -> None:
        art = self.session.scenario.article
        if art is None:
            self.io.out(NO_ARTICLE)
            return
        self.io.out(f"Article: {clean(art.headline)}")
        source = [clean(x) for x in (art.outlet, art.byline) if x]
        if art.published is not None:
            source.append(art.published.isoformat())
        if source:
            self.io.out(" · ".join(source))

    def _title_and_text(self) -> None:
        node = self.session.node
        self.io.out()
        if node.title:
            self.io.out(self.io.style(clean(node.title), _BOLD))
        if node.text.strip():
            self.io.out(clean(node.text.strip()))

    def _narrative(self) -> None:
        self._title_and_text()
        while self.io.interactive:
            raw = self.io.read("Press Enter to continue ")
            command = raw.strip().lower()
            if command == "a":
                self._article()
            elif command == "q":
                raise _Stop
            elif command in ("?", "help"):
                self.io.out(HELP)
            elif command in ("h", "s"):
                self.io.out("There is no question here.")
            else:
                break
        self.session.advance()
        self.progress.save(self.session)

    def _article(self) -> None:
        art = self.session.scenario.article
        self.io.out()
        self._article_header()
        if art is None:
            self.io.out()
            return
        if art.url:
            self.io.out(f"Source: {clean(art.url)}")
        for n, paragraph in enumerate(art.paragraphs, 1):
            self.io.out(f"[{n}] {clean(paragraph)}")
        self.io.out("End of the article.")
        self.io.out()

    # -------------------------------------------------------------- questions

    def _ask(self) -> None:
        self._title_and_text()
        self._show_question()
        q = self.session.question
        assert q is not None
        while True:
            raw = self.io.read("Your answer: ")
            command = raw.strip().lower()
            if not command:
                continue  # an extra Enter is never an answer
            if command == "a":
                self._article()
                self._show_question()
                continue
            if command == "h":
                self._hint()
                continue
            if command == "s":
                if not self.session.skippable:
                    self.io.out("This question cannot be skipped.")
                    continue
                outcome = self.session.skip()
                self.progress.save(self.session)
                self._show_outcome(outcome)
                return
            if command == "q":
                raise _Stop
            if command in ("?", "help"):
                self.io.out(HELP)
                continue
            try:
                response = self._parse(q, raw)
                if self.confidence:
                    self.progress.confide(self.session, ask_confidence(self.io))
                outcome = self.session.answer(response)
            except InvalidAnswer as err:
                self.io.out(_sentence(clean(str(err))))
                continue
            self.progress.save(self.session)
            self._show_outcome(outcome)
            return

    def _show_question(self) -> None:
        s = self.session
        q = s.question
        assert q is not None
        counter = f"{present.question_counter(s)} · score {present.path_score(s)}"
        self.io.out(self.io.style(counter, _BOLD))
        self.io.out(clean(q.prompt.strip()))
        shown = s.choices() if q.kind in ("single", "multiple", "truefalse", "order") else []
        for c in shown:
            self.io.out(f"{c.number}. {clean(c.text)}")
        if q.kind == "single":
            self.io.out(f"Type a number from 1 to {len(shown)}.")
        elif q.kind == "multiple":
            self.io.out("Select all that apply: type the numbers separated by spaces or commas.")
        elif q.kind == "truefalse":
            self.io.out("Type 1 or t for True, 2 or f for False.")
        elif q.kind == "text":
            self.io.out("Type your answer.")
        elif q.kind == "numeric":
            unit = f", in {clean(q.unit)}" if q.unit else ""
            self.io.out(f"Type a number{unit}.")
        else:
            self.io.out(
                f"Type the numbers of all {len(shown)} items in the right order, "
                "separated by spaces or commas."
            )
        extras = ["a for the article"] if s.scenario.article is not None else []
        left = s.hints_left()
        if left:
            extras.append(f"h for a hint ({hint_price(left[0].cost)})")
        if s.skippable:
            extras.append("s to skip")
        if extras:
            self.io.out("Type " + " or ".join(extras) + ".")

    def _hint(self) -> None:
        s = self.session
        left = s.hints_left()
        if not left:
            shown = s.hints_shown()
            self.io.out("There are no more hints." if shown else "This question has no hints.")
            return
        number = len(s.hints_shown()) + 1
        total = number + len(left) - 1
        hint = s.hint()
        self.progress.save(s)
        cost = hint_price(hint.cost)
        self.io.out(f"Hint {number} of {total} ({cost}): {clean(hint.text.strip())}")

    def _parse(self, q: Question, raw: str) -> Response:
        """The typed line as the engine's response for ``q`` (or :class:`InvalidAnswer`)."""
        raw = clean(raw)  # nothing typed reaches the game (or the save) with a control code
        text = raw.strip()
        if q.kind in ("text", "numeric"):
            return raw
        if q.kind == "truefalse":
            word = text.lower()
            if word in _TRUE_WORDS:
                return "true"
            if word in _FALSE_WORDS:
                return "false"
            number = choice_number(word)
            if number is not None:
                return number
            raise InvalidAnswer("type 1 or t for True, 2 or f for False")
        shown = self.session.choices()
        if q.kind == "single":
            number = choice_number(text)
            if number is not None:
                return number
            if text in {c.id for c in shown}:
                return text
            raise InvalidAnswer(f"choose a number from 1 to {len(shown)}")
        tokens = [t for t in _SPLIT.split(text) if t]
        if q.kind == "multiple":
            ids = {c.id for c in shown}
            picks: list[int | str] = []
            for token in tokens:
                number = choice_number(token)
                if number is not None:
                    picks.append(number)
                elif token in ids:
                    picks.append(token)
                else:
                    raise InvalidAnswer(
                        f"choose numbers from 1 to {len(shown)}, separated by spaces or commas"
                    )
            return picks
        # order: numbers as shown -> original item indexes
        order: list[int] = []
        for token in tokens:
            number = choice_number(token)
            if number is None or not 1 <= number <= len(shown):
                raise InvalidAnswer(f"use the numbers 1 to {len(shown)}, each once")
            order.append(int(shown[number - 1].id))
        return order

    # --------------------------------------------------------------- outcome

    def _show_outcome(self, outcome: Outcome) -> None:
        s = self.session
        label = self.io.style(present.verdict_label(outcome.verdict), _TINTS[outcome.verdict])
        self.io.out(
            f"{label} · {points_text(outcome)} · score {present.path_score(s)}"
            f" · {present.answered_counter(s).lower()}"
        )
        if outcome.verdict != "skipped":
            self.io.out(f"You answered: {clean(outcome.your_answer)}")
        for line in outcome.feedback:
            if line.strip():
                self.io.out(clean(line.strip()))
        if outcome.explanation.strip():
            self.io.out(clean(outcome.explanation.strip()))
        if outcome.tries_left:
            self.io.out(present.tries_left(outcome.tries_left))
        elif outcome.verdict != "correct" and outcome.correct_answer:
            self.io.out(f"Correct answer: {clean(outcome.correct_answer)}")
        for ev in outcome.evidence:
            snippet = evidence_snippet(ev, mark=lambda q: self.io.style(q, _BOLD))
            if not snippet:
                continue
            where = f" (paragraph {ev.paragraph})" if ev.paragraph else ""
            self.io.out(f"Evidence{where}: {snippet}")

    def _ending(self) -> None:
        s = self.session
        ending = s.ending
        assert ending is not None
        self.io.out()
        self.io.out(self.io.style(f"The end: {clean(ending.title)}", _BOLD))
        if ending.text.strip():
            self.io.out(clean(ending.text.strip()))
        counted = [r for r in s.records if r.counted]
        tally = {v: sum(1 for r in counted if r.verdict == v) for v in present.VERDICTS}
        self.io.out(
            f"Answers: {tally['correct']} correct, {tally['partial']} partly correct, "
            f"{tally['wrong']} wrong, {tally['skipped']} skipped"
        )
        self.io.out(f"Best streak: {s.best_streak} correct in a row")
        self.io.out(f"Final score: {present.path_score(s)} ({s.path_percent}%)")
        if present.scenario_maximum(s):
            self.io.out(present.scenario_maximum(s))
        self._review(counted)
        self._offer_practice()

    def _review(self, counted: Sequence[AnswerRecord]) -> None:
        """Every answer again, as the app's results show them."""
        if not counted:
            return
        self.io.out()
        self.io.out(self.io.style("Review", _BOLD))
        for n, record in enumerate(counted, 1):
            self.io.out(
                f"{n}. {present.verdict_label(record.verdict)}: {clean(record.question.strip())}"
            )
            if record.verdict != "skipped":
                self.io.out(f"   You answered: {clean(record.your_answer)}")
            if record.verdict != "correct":
                self.io.out(f"   Correct answer: {clean(record.correct_answer)}")

    def _offer_practice(self) -> None:
        """As the app does: practise the questions missed (a line ``p``), or finish."""
        s = self.session
        missed = [r.node_id for r in s.records if r.counted and r.verdict != "correct"]
        if not missed or s.halted is not None:
            return
        from newsquiz.engine.practice import practice_scenario

        self.io.out()
        try:
            raw = self.io.read(
                f"Type p to practise the {len(missed)} question(s) you missed, "
                "or press Enter to finish: "
            )
        except _Stop:
            self.io.out()
            return
        if raw.strip().lower() != "p":
            return
        # A new seed: the choices come in a new order.  Saved as the app saves it: an
        # attempt of the practice scenario (its id ends in ~practice), which statistics
        # keep apart from the real games.
        practice = Session(practice_scenario(s.scenario, missed), s.seed + 1)
        player = PlainPlayer(
            practice,
            self.io.stdin,
            self.io.stdout,
            self.io.colour,
            progress=self.progress,
            confidence=self.confidence,
        )
        player.io = self.io
        player.run()


#: The confidence step's keys (Enter skips it).
CONFIDENCE_KEYS: dict[str, Confidence] = {"1": "unsure", "2": "fairly", "3": "sure"}
CONFIDENCE_PROMPT = "How sure are you? 1 unsure, 2 fairly sure, 3 sure (Enter skips): "


def ask_confidence(io: _Lines) -> Confidence | None:
    """The confidence step: a key per level, Enter (or anything else) skips it."""
    return CONFIDENCE_KEYS.get(io.read(CONFIDENCE_PROMPT).strip())


def pick_scenario(
    scenarios: Sequence[Scenario],
    stdin: TextIO,
    stdout: TextIO,
    colour: bool = False,
    *,
    echo: bool | None = None,
) -> Scenario | None:
    """Ask which of ``scenarios`` to play (listed by number).  ``None`` at end of input
    or ``q``; a single scenario is chosen without asking."""
    if len(scenarios) == 1:
        return scenarios[0]
    io = _Lines(stdin, stdout, colour, echo)
    io.out(io.style("Scenarios found:", _BOLD))
    for n, sc in enumerate(scenarios, 1):
        io.out(f"{n}. {clean(sc.title)} ({sc.difficulty}, about {sc.minutes} minutes)")
    while True:
        try:
            raw = io.read(f"Which scenario? Type a number from 1 to {len(scenarios)}: ")
        except _Stop:
            io.out()
            return None
        text = raw.strip().lower()
        if text == "q":
            return None
        number = choice_number(text)
        if number is not None and 1 <= number <= len(scenarios):
            io.out()
            return scenarios[number - 1]
        io.out(f"Choose a number from 1 to {len(scenarios)}.")
