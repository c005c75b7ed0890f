"""One grader per question kind.

A grader turns a response into a :class:`Grade` (built by keyword) or raises
:class:`InvalidAnswer` when the response does not fit the question (nothing changes
then).  :data:`GRADERS` maps each kind to its grader: adding a kind of question to the
engine means adding its grader here, and nothing else in the session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from newsquiz.engine import present
from newsquiz.engine.errors import InvalidAnswer
from newsquiz.engine.matching import match_numeric, match_text, normalise_answer, parse_number
from newsquiz.frozen import Frozen, lazy_dataclass
from newsquiz.scenario.model import TRUEFALSE_IDS, Choice, Question
from newsquiz.scenario.model import choice_ids as _choice_ids

if TYPE_CHECKING:
    from newsquiz.engine.session import Response, Verdict


@lazy_dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Grade(Frozen):
    """What a response is worth, before hint costs."""

    verdict: Verdict
    #: Points earned before hint costs (0 for a skip).
    points: float
    #: The response as saved (choice ids, item indexes, the trimmed text).
    response: Any
    #: The response as the player reads it.
    shown: str
    #: The chosen choices: their ``set`` assignments apply.
    chosen: tuple[Choice, ...] = ()
    #: Where the chosen choice leads (single choice only), before the verdict's branch.
    goto: str | None = None
    #: The chosen choices' feedback.
    feedback: tuple[str, ...] = ()
    #: The choice whose evidence explains the verdict (single choice only).
    choice: Choice | None = None


SKIPPED = Grade(verdict="skipped", points=0.0, response=None, shown="(skipped)")

#: ``grader(question, response, shown)`` where ``shown`` is the choice ids in the order
#: the player sees them.
Grader = Callable[[Question, "Response", Sequence[str]], Grade]


def _right_or_wrong(right: bool) -> Verdict:
    return "correct" if right else "wrong"


def _one_choice(response: Response, shown: Sequence[str]) -> str:
    """A choice id from a 1-based number, a choice id or (true/false) a bool."""
    if isinstance(response, bool):
        response = "true" if response else "false"
    if isinstance(response, int):
        if 1 <= response <= len(shown):
            return shown[response - 1]
        raise InvalidAnswer(f"choose a number from 1 to {len(shown)}")
    if isinstance(response, str) and response in shown:
        return response
    raise InvalidAnswer(f"choose a number from 1 to {len(shown)}")


def grade_single(q: Question, response: Response, shown: Sequence[str]) -> Grade:
    cid = _one_choice(response, shown)
    choice = dict(zip(_choice_ids(q), q.choices))[cid]
    default = q.points if choice.correct else 0
    return Grade(
        verdict=_right_or_wrong(choice.correct),
        points=float(choice.points if choice.points is not None else default),
        response=cid,
        shown=choice.text,
        chosen=(choice,),
        goto=choice.goto or None,
        feedback=(choice.feedback,) if choice.feedback else (),
        choice=choice,
    )


def grade_truefalse(q: Question, response: Response, shown: Sequence[str]) -> Grade:
    cid = _one_choice(response, list(TRUEFALSE_IDS))
    right = cid == q.answer
    return Grade(
        verdict=_right_or_wrong(right),
        points=float(q.points) if right else 0.0,
        response=cid,
        shown="True" if cid == "true" else "False",
    )


def grade_multiple(q: Question, response: Response, shown: Sequence[str]) -> Grade:
    if isinstance(response, str) or not isinstance(response, Iterable):
        raise InvalidAnswer("choose any number of the choices")
    picked: list[str] = []
    for item in response:
        cid = item
        if isinstance(item, int) and not isinstance(item, bool):
            if not 1 <= item <= len(shown):
                raise InvalidAnswer(f"choose numbers from 1 to {len(shown)}")
            cid = shown[item - 1]
        if cid not in shown:
            raise InvalidAnswer(f"'{cid}' is not one of the choices")
        if cid not in picked:
            picked.append(cid)
    if not picked:
        raise InvalidAnswer("choose at least one")
    picked.sort(key=list(shown).index)
    by_id = dict(zip(_choice_ids(q), q.choices))
    # Only the choices offered count: a right answer hidden by 'when' is not owed.
    n_correct = sum(1 for i in shown if by_id[i].correct) or 1
    good = sum(1 for i in picked if by_id[i].correct)
    fraction = max(0.0, (good - (len(picked) - good)) / n_correct)
    # Some right and some wrong is partly correct, even when the wrong ones cancel the
    # points of the right ones (never "Wrong" beside a line that says "Right").
    verdict: Verdict = "correct" if fraction >= 1.0 else "partial" if good else "wrong"
    return Grade(
        verdict=verdict,
        points=min(1.0, fraction) * q.points,
        response=list(picked),
        shown="; ".join(by_id[i].text for i in picked) or "(nothing)",
        chosen=tuple(by_id[i] for i in picked),
        # Each line says which choice it is about.
        feedback=tuple(
            present.choice_feedback(by_id[i].text, by_id[i].feedback)
            for i in picked
            if by_id[i].feedback
        ),
    )


def grade_text(q: Question, response: Response, shown: Sequence[str]) -> Grade:
    if not isinstance(response, str) or not normalise_answer(response):
        raise InvalidAnswer("type an answer")
    right = match_text(response, q.answers, q.typos) is not None
    return Grade(
        verdict=_right_or_wrong(right),
        points=float(q.points) if right else 0.0,
        response=response.strip(),
        shown=response.strip(),
    )


def grade_numeric(q: Question, response: Response, shown: Sequence[str]) -> Grade:
    if not isinstance(response, str) or not response.strip():
        raise InvalidAnswer("type a number")
    if parse_number(response) is None:
        raise InvalidAnswer("that is not a number")
    right = match_numeric(response, float(q.answer), q.tolerance)
    return Grade(
        verdict=_right_or_wrong(right),
        points=float(q.points) if right else 0.0,
        response=response.strip(),
        shown=response.strip(),
    )


def grade_order(q: Question, response: Response, shown: Sequence[str]) -> Grade:
    if isinstance(response, str) or not isinstance(response, Sequence):
        raise InvalidAnswer("give the items in order")
    if any(isinstance(i, (bool, float)) for i in response):
        raise InvalidAnswer("give the items in order")
    try:
        order = [int(i) for i in response]
    except (TypeError, ValueError, OverflowError):
        raise InvalidAnswer("give the items in order") from None
    if sorted(order) != list(range(len(q.items))):
        raise InvalidAnswer(f"put all {len(q.items)} items in order, each once")
    tau = kendall_tau(order)
    verdict: Verdict = "correct" if tau >= 1.0 else "partial" if tau > 0 else "wrong"
    return Grade(
        verdict=verdict,
        points=max(0.0, tau) * q.points,
        response=order,
        shown=" → ".join(q.items[i] for i in order),
    )


#: The grader of each kind of question.
GRADERS: dict[str, Grader] = {
    "single": grade_single,
    "truefalse": grade_truefalse,
    "multiple": grade_multiple,
    "text": grade_text,
    "numeric": grade_numeric,
    "order": grade_order,
}


def grade(q: Question, response: Response, shown: Sequence[str]) -> Grade:
    """Grade ``response`` to ``q`` with the grader of its kind."""
    return GRADERS[q.kind](q, response, shown)


# ------------------------------------------------------------------ ordering


def kendall_tau(order: Sequence[int]) -> float:
    """Kendall's tau between ``order`` (distinct item indexes) and the sorted order.

    Discordant pairs are the inversions of ``order``, counted by merge sort in
    O(n log n) (a 20,000-item question is graded in milliseconds, not seconds).
    """
    n = len(order)
    if n < 2:
        return 1.0
    pairs = n * (n - 1) // 2
    discordant = inversions(list(order))
    return (pairs - 2 * discordant) / pairs


def inversions(values: list[int]) -> int:
    """Pairs i < j with values[i] > values[j]; sorts ``values`` in place."""
    n = len(values)
    count = 0
    width = 1
    buffer = values[:]
    while width < n:
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if values[i] <= values[j]:
                    buffer[k] = values[i]
                    i += 1
                else:
                    buffer[k] = values[j]
                    count += mid - i
                    j += 1
                k += 1
            buffer[k : k + mid - i] = values[i:mid]
            k += mid - i
            buffer[k : k + hi - j] = values[j:hi]
        values, buffer = buffer, values
        width *= 2
    return count
