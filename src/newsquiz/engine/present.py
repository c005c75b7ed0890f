"""What both players say: one wording for the app and the plain player.

UI-free text only (no markup, no styles): verdict labels, points with their hint costs,
hint prices, the evidence snippet (one trimmer), and the resume / changed-scenario
offers.  The app styles these strings (:mod:`newsquiz.tui`), the plain player prints
them (:mod:`newsquiz.plain`); a test checks that both say the same for the same outcome.
Text from outside the code (scenario text, typed answers, error messages) passes through
unchanged: each player makes it literal/clean where it shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsquiz.frozen import Frozen, lazy_dataclass

if TYPE_CHECKING:
    from newsquiz.engine.compiled import EvidenceView
    from newsquiz.engine.session import Outcome, Session, Verdict

#: Verdict → (symbol, words): never colour alone.
VERDICTS: dict[Verdict, tuple[str, str]] = {
    "correct": ("✓", "Correct"),
    "partial": ("½", "Partly correct"),
    "wrong": ("✗", "Wrong"),
    "skipped": ("–", "Skipped"),
}


def verdict_label(verdict: Verdict) -> str:
    """``✓ Correct``, ``½ Partly correct``, ``✗ Wrong``, ``– Skipped``."""
    symbol, words = VERDICTS[verdict]
    return f"{symbol} {words}"


def number(value: float) -> str:
    """A score or a number of points as people write it: ``2``, ``1.5``, ``0.25``."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def points(value: float) -> str:
    """``1 point``, ``2 points``, ``1.5 points``."""
    return f"{number(value)} point" + ("" if value == 1 else "s")


def points_text(outcome: Outcome) -> str:
    """What an answer earned: ``+2 points``, ``0 points (hints cost 1)``, ``no points``
    (skipped), ``no points (a second try does not score)``."""
    if outcome.verdict == "skipped":
        return "no points"
    if not outcome.counted:
        return "no points (a second try does not score)"
    text = ("+" if outcome.points > 0 else "") + points(outcome.points)
    if outcome.hint_cost:
        text += f" (hints cost {number(outcome.hint_cost)})"
    return text


def choice_feedback(choice: str, feedback: str) -> str:
    """A select-all feedback line labelled with the choice it is about:
    ``“Blinken urged an end to the war” — Right. Paragraph 7.``"""
    return f"“{choice.strip()}” — {feedback.strip()}"


def tries_left(n: int) -> str:
    """On a retry route, while the answer stays hidden."""
    return f"Not yet: the answer is not shown. {n} more {'try' if n == 1 else 'tries'} left."


#: Said when a player leaves a game before its end with progress being kept.
PROGRESS_SAVED = "Your progress is saved: play this scenario again to resume."

#: Said once when enter is pressed on an ordering question nobody has moved.
ORDER_UNTOUCHED = (
    "You have not moved any item. Press enter again to answer in this order, "
    "or move items first (u/d or shift+↑↓)."
)


def hint_price(cost: float) -> str:
    """``free`` or ``costs 2 points``."""
    return "free" if cost == 0 else f"costs {points(cost)}"


def score_text(score: float, max_score: float) -> str:
    return f"{number(score)} / {number(max_score)}"


def path_score(session: Session) -> str:
    """``12 / 20``: the score out of what this game's path could earn (issue 11)."""
    return score_text(session.score, session.path_max)


def question_counter(session: Session) -> str:
    """``Question 3 of 15`` at a question, ``Question 15 of 15`` once the game is over:
    out of the questions this path can still reach (issue 11)."""
    i, n = session.progress()
    return f"Question {i} of {n}" if i else f"{n} questions ahead"


def answered_counter(session: Session) -> str:
    """After an answer: ``Question 3 of 15``, the question just answered out of the
    questions the path can reach (after the last, ``Question 15 of 15``)."""
    _, n = session.progress()
    return f"Question {len(session.answered)} of {n}"


def scenario_maximum(session: Session) -> str:
    """The scenario's own maximum, labelled, when the path could not reach all of it."""
    if session.path_max >= session.max_score:
        return ""
    return (
        f"Scenario maximum: {points(session.max_score)} "
        "(it counts questions your path did not reach)"
    )


# ------------------------------------------------------------------- evidence

#: About how many characters of a paragraph the plain player shows around a quote.
EVIDENCE_WIDTH = 400
#: Context shown on each side of a quote in the app's feedback and results.
CONTEXT = 160


def cut_left(text: str, keep: int) -> str:
    """The last ``keep`` characters of ``text`` or fewer, from a word start, with ``…``."""
    if len(text) <= keep:
        return text
    piece = text[len(text) - keep :] if keep > 0 else ""
    if piece and not text[len(text) - keep - 1].isspace():
        space = piece.find(" ")
        piece = piece[space + 1 :] if space >= 0 else ""
    return "…" + piece.lstrip()


def cut_right(text: str, keep: int) -> str:
    """The first ``keep`` characters of ``text`` or fewer, to a word end, with ``…``."""
    if len(text) <= keep:
        return text
    piece = text[:keep]
    if piece and not text[keep].isspace():
        space = piece.rfind(" ")
        piece = piece[:space] if space >= 0 else ""
    return piece.rstrip() + "…"


def one_line(text: str) -> str:
    """Runs of white space (line breaks, tabs) as one space."""
    return " ".join(text.split())


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Snippet(Frozen):
    """An evidence quote with a little of its paragraph on each side (cuts marked ``…``).
    ``quote`` is empty when the quote has no place in the paragraph."""

    before: str
    quote: str
    after: str


def evidence_snippet(ev: EvidenceView, width: int = EVIDENCE_WIDTH) -> Snippet:
    """The evidence paragraph around the quote, trimmed to about ``width`` characters
    (shared out on both sides of the quote)."""
    text = ev.paragraph_text.replace("\n", " ").replace("\t", " ")
    if not text:
        return Snippet("", ev.quote if ev.quote.strip() else "", "")
    if not 0 <= ev.start < ev.end <= len(text):
        return Snippet(cut_right(text, width), "", "")
    before, quote, after = text[: ev.start], text[ev.start : ev.end], text[ev.end :]
    room = max(0, width - len(quote))
    keep_before = min(len(before), room // 2)
    keep_after = min(len(after), room - keep_before)
    keep_before = min(len(before), room - keep_after)
    return Snippet(cut_left(before, keep_before), quote, cut_right(after, keep_after))


# --------------------------------------------------------------------- offers


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Offer(Frozen):
    """A question put to the player before a saved game goes on."""

    title: str
    text: str
    #: The answers: ``c`` goes on (the default), ``r`` restarts.
    keep: str
    restart: str


def resume_offer(session: Session) -> Offer:
    """Continue a saved game, or restart it."""
    i, n = session.progress()
    return Offer(
        "Saved progress",
        f"You have saved progress: question {i} of {n}, score {number(session.score)}.",
        "continue where you left off",
        "restart from the beginning",
    )


CHANGED_OFFER = Offer(
    "This scenario has changed",
    "This scenario was edited since you saved your progress. Your answers are kept where "
    "the questions still match, and scored by the new version.",
    "continue where the questions still match",
    "restart",
)


def not_restored(err: Exception) -> str:
    """The saved game cannot be replayed on this scenario any more."""
    return f"Saved progress could not be restored ({err}); starting afresh."


def not_kept(err: Exception) -> str:
    """The answers cannot be kept on the edited scenario."""
    return f"{err}. Starting afresh."


def hint_question(number_: int, total: int, cost: float) -> tuple[str, str]:
    """The title and question of the app's hint confirmation."""
    price = f"It costs {points(cost)}." if cost else "It is free."
    return f"Hint {number_} of {total}", f"{price} Show it?"
