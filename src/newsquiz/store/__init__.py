"""Saved progress: a SQLite store that loses nothing.

Stdlib ``sqlite3`` and ``platformdirs`` only — no UI toolkit.  The database is
``progress.sqlite3`` in the data folder (``--data-dir``, else ``NEWSQUIZ_DATA_DIR``, else
platformdirs' user data folder for "newsquiz"; :mod:`newsquiz.store.paths`).  The schema
is in :mod:`newsquiz.store.schema`; opening, checks, recovery and migrations in
:mod:`newsquiz.store.db`.

Opening (the app)
-----------------
::

    from newsquiz.store import open_store, default_player

    store = open_store(args.data_dir)        # FailSafeStore; never raises for a store fault
    for message in store.take_messages():    # damaged file set aside, saving unavailable…
        app.notify(message)                  # show each once; call again after store calls
    player = args.player or store.get_setting("last_player") or default_player()

``open_store`` wraps :meth:`Store.open` in a :class:`FailSafeStore`: when the store
cannot be used (read-only folder, full disk, a file from a newer newsquiz —
:class:`StoreUnavailable` / :class:`StoreTooNew`) it falls back to a :class:`NullStore`
with the same API that saves nothing, and queues the message; the same happens if a write
fails later in the run.  ``store.saving`` says whether progress is being kept (show a
"not saving" badge when it is False).  Code that wants the errors uses ``Store.open``
directly (the CLI does).

Playing
-------
::

    saved = store.in_progress(player, scenario.id)          # SavedAttempt | None
    if saved is None:
        session = Session(scenario, seed=random.randrange(2**31))
        attempt = store.start_attempt(player, scenario, session)  # abandons older ones
    else:
        try:
            session = store.resume(saved, scenario)
        except ScenarioChanged:     # edited since: ask "continue where the questions
            ...                     # still match" or "restart"
            session = store.resume(saved, scenario, allow_changed=True)  # rescored
        except StateError:          # the old answers no longer fit: only a restart
            store.abandon(saved.attempt_id)
            ...                     # new Session + start_attempt
        attempt = saved.attempt_id

    outcome = session.answer(response)
    store.record_answer(attempt, session)   # committed (one transaction) BEFORE feedback
    show(outcome)
    session.hint();    store.save_state(attempt, session)
    session.advance(); store.save_state(attempt, session)
    # when the session ends, record_answer/save_state mark the attempt finished;
    # finish_attempt(attempt, session) is the explicit form.

``resume`` returns a session identical to the saved one (same node, score, variables,
choice order — the engine replays its actions).  ``saved.changed(scenario)`` tells
beforehand whether it will raise ``ScenarioChanged``; ``saved.snapshot`` has node,
score, percent, question i of n without replaying.

The Library, the Stats screen, the player picker
------------------------------------------------
- ``store.best_scores(player) -> {scenario_id: percent}`` (finished attempts only);
- ``store.unfinished(player) -> {scenario_id: SavedAttempt}`` (in-progress badges and
  "resume"; ``saved.snapshot["question"]``/``["questions"]``/``["percent"]``);
- ``store.history(player, scenario_id=None, limit=None) -> list[AttemptSummary]`` newest
  first (start/end time, score, percent, ending, answers, correct, hints, seconds);
  ``store.answers(attempt_id) -> list[StoredAnswer]``;
- ``store.stats(player) -> Stats``: ``attempts``, ``finished``, ``overall`` (RateStat),
  ``scenarios`` (ScenarioStat: attempts, finished, best_percent, last_percent,
  questions_seen/questions_total, ``completed``, ``coverage``), ``topics`` (TopicStat:
  topic, answered, correct, ``rate``, ``credit``), ``questions`` (QuestionStat, hardest
  first); ``Stats.to_dict()`` for JSON.  Success counts first answers only;
- ``store.players() -> list[Player]`` most recent first; ``store.player(name)`` creates;
- ``store.get_setting(key, default)`` / ``store.set_setting(key, value)`` — JSON values
  (e.g. ``"theme"``, ``"last_player"``);
- ``store.export_rows(player=None, scenario_id=None)`` — one dict per answer, keys
  :data:`EXPORT_COLUMNS`; :func:`write_csv` / :func:`write_json`;
- ``store.reset(player) -> attempts deleted``.

Threads and processes: a ``Store`` serialises its calls with a lock, so a Textual worker
thread may use it; two processes may write at once (WAL, busy timeout, ``BEGIN
IMMEDIATE`` with a retry; ``store.on_busy`` hears a sentence before a write waits for
another process).  One attempt has one writer: ``start_attempt``/``resume`` claim it and
every write checks the claim, raising :class:`AttemptTakenOver` in the store that lost
it.  Every call is short; none needs ``await``.

Reading only: ``Store.open_readonly(data_dir)`` (``stats``, ``export``) changes nothing
on disk (``mode=ro``, else ``immutable=1``) and works on a read-only mount.  Damaged
rows: an attempt the code cannot read is moved, as it is, to the ``set_aside_*`` tables
and reported once (``take_messages``); everything else plays on.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsquiz.store.errors import (
        AttemptTakenOver,
        StoreError,
        StoreTooNew,
        StoreUnavailable,
        UnknownAttempt,
    )
    from newsquiz.store.export import EXPORT_COLUMNS, iso_utc, write_csv, write_json
    from newsquiz.store.paths import DB_NAME, ENV_VAR, data_dir, db_path, default_player
    from newsquiz.store.progress import (
        AttemptSummary,
        FailSafeStore,
        NullStore,
        Player,
        ProgressStore,
        QuestionStat,
        RateStat,
        SavedAttempt,
        ScenarioStat,
        Stats,
        Store,
        StoredAnswer,
        TopicStat,
        open_store,
    )
    from newsquiz.store.schema import SCHEMA_VERSION

# Names are loaded on first use (PEP 562), so `newsquiz.store.paths` is cheap to import:
# the app asks for the data folder long before it opens the database.
_WHERE = {
    **dict.fromkeys(
        ["AttemptTakenOver", "StoreError", "StoreTooNew", "StoreUnavailable", "UnknownAttempt"],
        "errors",
    ),
    **dict.fromkeys(["EXPORT_COLUMNS", "iso_utc", "write_csv", "write_json"], "export"),
    **dict.fromkeys(["DB_NAME", "ENV_VAR", "data_dir", "db_path", "default_player"], "paths"),
    **dict.fromkeys(
        [
            "AttemptSummary",
            "FailSafeStore",
            "NullStore",
            "Player",
            "ProgressStore",
            "QuestionStat",
            "RateStat",
            "SavedAttempt",
            "ScenarioStat",
            "Stats",
            "Store",
            "StoredAnswer",
            "TopicStat",
            "open_store",
        ],
        "progress",
    ),
    "SCHEMA_VERSION": "schema",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'newsquiz.store' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"newsquiz.store.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DB_NAME",
    "ENV_VAR",
    "EXPORT_COLUMNS",
    "SCHEMA_VERSION",
    "AttemptSummary",
    "AttemptTakenOver",
    "FailSafeStore",
    "NullStore",
    "Player",
    "ProgressStore",
    "QuestionStat",
    "RateStat",
    "SavedAttempt",
    "ScenarioStat",
    "Stats",
    "Store",
    "StoreError",
    "StoreTooNew",
    "StoreUnavailable",
    "StoredAnswer",
    "TopicStat",
    "UnknownAttempt",
    "data_dir",
    "db_path",
    "default_player",
    "iso_utc",
    "open_store",
    "write_csv",
    "write_json",
]
