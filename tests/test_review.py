"""Spaced review with FSRS: the deck, its schedule under a fixed clock, the plain
review, questions that changed, and two processes reviewing at once."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from fsrs import Card, Rating, Scheduler

from conftest import ROOT, make_scenario, question_node, single
from newsquiz.cli import main as cli_main
from newsquiz.engine.review import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    fingerprint,
    rating_for,
    review_scenario,
)
from newsquiz.engine.session import Session
from newsquiz.plain_review import review_plain
from newsquiz.scenario.model import Scenario
from newsquiz.store.schema import MIGRATIONS
from newsquiz.store.store import Store
from newsquiz.store.tracker import Progress

DAY = 86400.0
#: Monday 5 January 2026, 09:00 UTC.
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc).timestamp()


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def three() -> Scenario:
    return make_scenario(
        [
            question_node("q1", single(), "q2", text="The ministers meet."),
            question_node(
                "q2",
                single("How long did the talks last?", texts=("Under 10 min", "An hour")),
                "q3",
            ),
            question_node(
                "q3",
                single(
                    "Where did they last meet?",
                    texts=("Geneva", "Paris"),
                    hints=[{"text": "January 2022", "cost": 0}],
                ),
                text="Some history.",
            ),
        ]
    )


def play_day0(progress: Progress, sc: Scenario, clock: Clock) -> None:
    """q1 wrong, q2 right, q3 right with a hint."""
    s = Session(sc, 1, clock=clock)
    progress.started(s)
    s.answer("b")
    progress.save(s)
    s.answer("a")
    progress.save(s)
    s.hint()
    progress.save(s)
    s.answer("a")
    progress.save(s)
    assert s.finished


def review_once(progress: Progress, sc: Scenario, node: str, answer: str, clock: Clock) -> None:
    s = Session(review_scenario(sc, node), 0, clock=clock)
    s.answer(answer)
    progress.reviewed(s)


def reference(ratings: list[tuple[float, Rating]]) -> Card:
    """The card the fsrs package itself gives for these (time, rating) reviews."""
    sched = Scheduler(enable_fuzzing=False)
    card = Card(card_id=1, due=datetime.fromtimestamp(ratings[0][0], tz=timezone.utc))
    for t, r in ratings:
        card, _ = sched.review_card(card, r, datetime.fromtimestamp(t, tz=timezone.utc))
    return card


def card_row(store: Store, node: str) -> tuple[dict[str, Any], float, int, int]:
    row = store._conn.execute(
        "SELECT card_json, due, reviews, lapses FROM review_cards WHERE node_id = ?", (node,)
    ).fetchone()
    return json.loads(row[0]), float(row[1]), int(row[2]), int(row[3])


# ------------------------------------------------------------------ the mapping


def test_answer_to_rating_mapping() -> None:
    assert rating_for("wrong", 0, None, 5) == AGAIN
    assert rating_for("skipped", 0, "sure", 5) == AGAIN
    assert rating_for("partial", 0, "sure", 5) == HARD
    assert rating_for("correct", 1, "sure", 5) == HARD  # with a hint
    assert rating_for("correct", 0, "unsure", 5) == HARD
    assert rating_for("correct", 0, None, 5) == GOOD
    assert rating_for("correct", 0, "fairly", 5) == GOOD
    assert rating_for("correct", 0, "sure", 60) == GOOD  # sure but slow
    assert rating_for("correct", 0, "sure", 5) == EASY


# ------------------------------------------------------------- fixed clock


def test_misses_join_the_deck_and_due_dates_follow_fsrs_across_days(tmp_path: Path) -> None:
    sc, clock = three(), Clock(T0)
    with Store.open(tmp_path) as store:
        progress = Progress(store, "ann")
        play_day0(progress, sc, clock)
        # Missed (q1) and right only with a hint (q3) join; right (q2) does not.
        deck = {c.node_id: c for c in store.review_cards("ann")}
        assert sorted(deck) == ["q1", "q3"]
        assert deck["q1"].due == reference([(T0, Rating.Again)]).due.timestamp() == T0 + 60
        assert deck["q3"].due == reference([(T0, Rating.Hard)]).due.timestamp()
        assert T0 < deck["q3"].due < T0 + 600  # a learning step of minutes

        # Nothing is due before the learning step; both are due an hour later.
        assert store.due_reviews("ann", T0 + 30) == []
        assert [c.node_id for c in store.due_reviews("ann", T0 + 3600)] == ["q1", "q3"]

        # Day 1: q1 right (Good), q3 wrong (Again).
        clock.t = T0 + DAY
        review_once(progress, sc, "q1", "a", clock)
        review_once(progress, sc, "q3", "b", clock)
        q1 = reference([(T0, Rating.Again), (T0 + DAY, Rating.Good)])
        q3 = reference([(T0, Rating.Hard), (T0 + DAY, Rating.Again)])
        data, due, reviews, lapses = card_row(store, "q1")
        # Still learning: FSRS's second learning step (10 minutes) before days apart.
        assert due == q1.due.timestamp() == T0 + DAY + 600
        assert data == q1.to_dict() | {"card_id": data["card_id"]}
        assert (reviews, lapses) == (2, 1)
        data, due, reviews, lapses = card_row(store, "q3")
        assert due == q3.due.timestamp() and due < T0 + DAY + 3600  # back in minutes
        assert (reviews, lapses) == (2, 1)

        # Then q1 right each time it is due: each interval is longer than the last.
        ratings = [(T0, Rating.Again), (T0 + DAY, Rating.Good)]
        intervals = []
        for _ in range(4):
            last = clock.t
            clock.t = card_row(store, "q1")[1]
            intervals.append(clock.t - last)
            review_once(progress, sc, "q1", "a", clock)
            ratings.append((clock.t, Rating.Good))
        assert intervals == sorted(intervals) and len(set(intervals)) == 4
        assert card_row(store, "q1")[1] == reference(ratings).due.timestamp()
        assert card_row(store, "q1")[1] > T0 + 30 * DAY


def test_card_state_round_trips_through_the_database(tmp_path: Path) -> None:
    sc, clock = three(), Clock(T0)
    with Store.open(tmp_path) as store:
        play_day0(Progress(store, "ann"), sc, clock)
    clock.t = T0 + 2 * DAY
    with Store.open(tmp_path) as store:  # a new process, in effect
        review_once(Progress(store, "ann"), sc, "q1", "a", clock)
        stored, due, _, _ = card_row(store, "q1")
    card = Card.from_dict(stored)  # type: ignore[arg-type]
    ref = reference([(T0, Rating.Again), (T0 + 2 * DAY, Rating.Good)])
    assert card.to_dict() == ref.to_dict() | {"card_id": card.card_id}
    assert card.due.timestamp() == due
    assert card.stability == ref.stability and card.difficulty == ref.difficulty


def test_sure_and_wrong_is_flagged_first_and_feeds_calibration(tmp_path: Path) -> None:
    sc, clock = three(), Clock(T0)
    with Store.open(tmp_path) as store:
        progress = Progress(store, "ann")
        s = Session(sc, 1, clock=clock)
        progress.started(s)
        progress.confide(s, "unsure")
        s.answer("b")  # unsure and wrong
        progress.save(s)
        progress.confide(s, "sure")
        s.answer("b")  # sure and wrong
        progress.save(s)
        progress.confide(s, "sure")
        s.answer("a")  # sure and right
        progress.save(s)
        deck = store.due_reviews("ann", T0 + DAY)
        assert [(c.node_id, c.sure_wrong) for c in deck] == [("q2", True), ("q1", False)]
        stats = store.review_stats("ann")
        assert stats.calibration == {"sure": (2, 1), "unsure": (1, 0)}
        assert (stats.cards, stats.sure_wrong) == (2, 1)


def test_retention_over_time_counts_reviews_per_day(tmp_path: Path) -> None:
    sc, clock = three(), Clock(T0)
    with Store.open(tmp_path) as store:
        progress = Progress(store, "ann")
        play_day0(progress, sc, clock)
        clock.t = T0 + DAY
        review_once(progress, sc, "q1", "a", clock)
        review_once(progress, sc, "q3", "b", clock)
        clock.t = T0 + 3 * DAY
        review_once(progress, sc, "q3", "a", clock)
        retention = store.review_stats("ann").retention
    day1 = (T0 + DAY) // DAY * DAY
    assert retention == ((day1, 0.5, 2), (day1 + 2 * DAY, 1.0, 1))


# ------------------------------------------------------------- plain review


def test_plain_review_asks_due_cards_with_context_and_says_when_next(tmp_path: Path) -> None:
    sc, clock = three(), Clock(T0)
    with Store.open(tmp_path) as store:
        progress = Progress(store, "ann")
        play_day0(progress, sc, clock)
        clock.t = T0 + DAY
        out = io.StringIO()
        assert (
            review_plain(progress, {sc.id: sc}, io.StringIO("1\n\n2\n1\n"), out, clock=clock) == 0
        )
        text = out.getvalue()
        assert "Review 1 of 2 · Test scenario" in text
        assert "The ministers meet." in text  # the scene text before q1
        assert "Review 2 of 2" in text and "Some history." in text
        assert "Evidence (paragraph 1): The two ministers »met briefly in Delhi«" in text
        assert "Next review of this question: in 10 minutes." in text  # learning step
        assert "Reviewed 2 questions." in text
        # q3 was answered wrong (choice 2) while unsure (1): due again in minutes.
        assert "Next review of this question: in 1 minute." in text

        # --limit: one card only.
        clock.t = T0 + 30 * DAY
        out = io.StringIO()
        review_plain(progress, {sc.id: sc}, io.StringIO("1\n\n"), out, clock=clock, limit=1)
        assert "Review 1 of 1" in out.getvalue()
        assert "1 more due now." in out.getvalue()


def test_empty_deck_says_when_the_next_card_is_due(tmp_path: Path) -> None:
    sc, clock = three(), Clock(T0)
    with Store.open(tmp_path) as store:
        progress = Progress(store, "ann")
        out = io.StringIO()
        review_plain(progress, {sc.id: sc}, io.StringIO(""), out, clock=clock)
        assert "Your review deck is empty" in out.getvalue()
        play_day0(progress, sc, clock)
        clock.t = T0 + DAY
        review_plain(progress, {sc.id: sc}, io.StringIO("1\n\n1\n\n"), io.StringIO(), clock=clock)
        out = io.StringIO()
        review_plain(progress, {sc.id: sc}, io.StringIO(""), out, clock=clock)
        assert out.getvalue() == "Nothing to review now. The next review is due in 10 minutes.\n"


def test_a_changed_or_removed_question_leaves_the_deck_with_a_note(tmp_path: Path) -> None:
    sc, clock = three(), Clock(T0)
    with Store.open(tmp_path) as store:
        progress = Progress(store, "ann")
        play_day0(progress, sc, clock)
        # The scenario is edited: q1's right answer moves, q3 is removed.
        edited = make_scenario(
            [
                question_node("q1", single(correct=1), "q2", text="The ministers meet."),
                question_node("q2", single("How long?", texts=("Under 10 min", "An hour"))),
            ]
        )
        assert edited.id == sc.id
        assert fingerprint(edited.node_map["q1"].question) != fingerprint(  # type: ignore[arg-type]
            sc.node_map["q1"].question  # type: ignore[arg-type]
        )
        clock.t = T0 + DAY
        out = io.StringIO()
        review_plain(progress, {sc.id: edited}, io.StringIO("1\n"), out, clock=clock)
        text = out.getvalue()
        assert "(the question was changed in its scenario)" in text
        assert "(the question was removed from its scenario)" in text
        assert "Your answer" not in text  # never asked against another answer key
        notes = {c.node_id: c.note for c in store.review_cards("ann")}
        assert notes == {
            "q1": "the question was changed in its scenario",
            "q3": "the question was removed from its scenario",
        }
        assert store.due_reviews("ann", T0 + 99 * DAY) == []
        # Missing it again in play puts it back, against the new question.
        s = Session(edited, 1, clock=clock)
        progress.started(s)
        s.answer("c")
        progress.save(s)
        assert [c.node_id for c in store.due_reviews("ann", T0 + 2 * DAY)] == ["q1"]


def test_an_edit_elsewhere_keeps_the_card(tmp_path: Path) -> None:
    sc, clock = three(), Clock(T0)
    with Store.open(tmp_path) as store:
        progress = Progress(store, "ann")
        play_day0(progress, sc, clock)
        edited = make_scenario(
            [
                question_node("q1", single(), "q3", text="The ministers meet, briefly."),
                question_node(
                    "q3",
                    single(
                        "Where did they last meet?",
                        texts=("Geneva", "Paris"),
                        hints=[{"text": "January 2022", "cost": 0}],
                    ),
                ),
            ]
        )
        clock.t = T0 + DAY
        out = io.StringIO()
        review_plain(progress, {sc.id: edited}, io.StringIO("1\n\n1\n\n"), out, clock=clock)
        assert "Reviewed 2 questions." in out.getvalue()
        assert "The ministers meet, briefly." in out.getvalue()


# ------------------------------------------------------------------ two at once

DRIVER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from test_review import Clock, three, review_once, T0, DAY
    from newsquiz.store.store import Store
    from newsquiz.store.tracker import Progress

    sc = three()
    with Store.open({data!r}) as store:
        progress = Progress(store, "ann")
        print("ready", flush=True)
        sys.stdin.readline()
        for i in range(25):
            clock = Clock(T0 + DAY + i * 60 + {offset})
            review_once(progress, sc, "q1" if i % 2 else "q3", "a", clock)
    """
)


def test_two_processes_reviewing_at_once_lose_nothing(tmp_path: Path) -> None:
    sc, clock = three(), Clock(T0)
    with Store.open(tmp_path) as store:
        play_day0(Progress(store, "ann"), sc, clock)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                DRIVER.format(tests=str(ROOT / "tests"), data=str(tmp_path), offset=k),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in (0, 30)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:  # both start together
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        assert p.wait(timeout=120) == 0
    with Store.open(tmp_path) as store:
        (logged,) = store._conn.execute("SELECT count(*) FROM review_log").fetchone()
        reviews = dict(store._conn.execute("SELECT node_id, reviews FROM review_cards"))
    # Day 0: 3 first answers rated (q2 right, not a card); then 2 x 25 reviews.
    assert logged == 3 + 50
    assert reviews == {"q1": 1 + 24, "q3": 1 + 26}


# -------------------------------------------------------------- migration, CLI


def test_a_version_3_database_gains_the_deck(tmp_path: Path) -> None:
    sc, clock = three(), Clock(T0)
    with Store.open(tmp_path, migrations=MIGRATIONS[:3]) as old:
        old.player("ann")
        assert old._conn.execute("PRAGMA user_version").fetchone()[0] == 3
    with Store.open(tmp_path) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        play_day0(Progress(store, "ann"), sc, clock)
        assert len(store.review_cards("ann")) == 2


def test_cli_review_limit_and_empty_deck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario_file = tmp_path / "s.yaml"
    from conftest import scenario_yaml

    scenario_file.write_text(
        scenario_yaml([question_node("q1", single(), "q2"), question_node("q2", single("Who?"))])
    )
    data = tmp_path / "data"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli_main(["--data-dir", str(data), "review", str(scenario_file), "--player", "bo"]) == 0
    assert "Your review deck is empty" in capsys.readouterr().out
    # Two misses, due a minute later (the real clock: a past one makes them due now).
    with Store.open(data) as store:
        sc = make_scenario(
            [question_node("q1", single(), "q2"), question_node("q2", single("Who?"))]
        )
        progress = Progress(store, "bo")
        s = Session(sc, 1, clock=Clock(T0))
        progress.started(s)
        s.answer("b")
        progress.save(s)
        s.answer("b")
        progress.save(s)
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n3\n"))
    args = ["--data-dir", str(data), "review", str(scenario_file), "--player", "bo", "--limit", "1"]
    assert cli_main(args) == 0
    out = capsys.readouterr().out
    assert "Review 1 of 1" in out and "1 more due now." in out
    with pytest.raises(SystemExit):
        cli_main(["review", "--limit", "0"])
