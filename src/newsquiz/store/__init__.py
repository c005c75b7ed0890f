"""Saved progress: a SQLite store that loses nothing.

Stdlib ``sqlite3`` and ``platformdirs`` only — no UI toolkit.  The database is
``progress.sqlite3`` in the data folder (``--data-dir``, else ``NEWSQUIZ_DATA_DIR``, else
platformdirs' user data folder for "newsquiz"; :mod:`newsquiz.store.paths`).  One module
per concept; import names from the module that defines them (this package re-exports
nothing):

- :mod:`~newsquiz.store.tracker` — :class:`Progress`, the one fail-safe tracker both
  players use, over one :class:`Backend` (or none); :func:`open_progress`;
- :mod:`~newsquiz.store.store` — :class:`Store`, the SQLite backend (SQL, claims,
  damaged rows set aside);
- :mod:`~newsquiz.store.records` — value types: ``Player``, ``SavedAttempt``,
  ``AttemptSummary``, ``StoredAnswer``; ``clean_name``;
- :mod:`~newsquiz.store.stats` — ``Stats`` and its parts, and the SQL computing them;
- :mod:`~newsquiz.store.errors`, :mod:`~newsquiz.store.export`,
  :mod:`~newsquiz.store.paths`, :mod:`~newsquiz.store.schema`, :mod:`~newsquiz.store.db`.

Playing
-------
::

    from newsquiz.store.tracker import open_progress

    progress = open_progress(args.data_dir, args.player)   # never raises for a store fault
    if progress.notice:
        say(progress.notice)                 # what happened while opening, once
    progress.listener = say                  # everything later (saving stopped, …)

    session = progress.saved_session(scenario)   # None, or raises ScenarioChanged /
    if session is None:                          # StateError (only a restart: discard)
        session = Session(scenario, seed)
        progress.started(session)
    outcome = session.answer(response)
    progress.save(session)                   # committed BEFORE the feedback is shown
    session.hint();    progress.save(session)
    session.advance(); progress.save(session)

Directly (the CLI's ``stats``/``export``/``reset``, tests)::

    store = Store.open(data_dir)             # raises StoreUnavailable / StoreTooNew
    attempt = store.start_attempt(player, scenario, session)   # abandons older ones
    store.save(attempt, session)             # one transaction; idempotent, self-healing
    store.in_progress(player, scenario.id)   # SavedAttempt | None
    store.resume(saved, scenario, allow_changed=False)         # the same session again

The Library, the Stats screen, the player picker
------------------------------------------------
- ``store.best_scores(player) -> {scenario_id: percent}`` (finished attempts only);
- ``store.unfinished(player) -> {scenario_id: SavedAttempt}``;
- ``store.history(player, scenario_id=None, limit=None) -> list[AttemptSummary]`` newest
  first; ``store.answers(attempt_id) -> list[StoredAnswer]``;
- ``store.stats(player) -> Stats`` (``Stats.to_dict()`` for JSON; first answers only);
- ``store.players()`` most recent first; ``store.player(name)`` creates;
- ``store.get_setting(key, default)`` / ``store.set_setting(key, value)`` — JSON values;
- ``store.export_rows(player=None, scenario_id=None)`` — keys ``EXPORT_COLUMNS``;
- ``store.export_to(out, fmt, player=None, scenario_id=None)`` — the same rows as CSV or
  JSON text, made in SQL and streamed to ``out`` (``newsquiz export``);
- ``store.reset(player) -> attempts deleted``.

Threads and processes: a ``Store`` serialises its calls with a lock, so a Textual worker
thread may use it; two processes may write at once (WAL, busy timeout, ``BEGIN
IMMEDIATE`` with a retry; ``store.on_busy`` hears a sentence before a write waits for
another process).  One attempt has one writer: ``start_attempt``/``resume`` claim it and
every write checks the claim, raising :class:`AttemptTakenOver` in the store that lost
it.  Reading only: ``Store.open_readonly(data_dir)`` changes nothing on disk.  Damaged
rows: an attempt the code cannot read is moved, as it is, to the ``set_aside_*`` tables
and reported once (``take_notices``); everything else plays on.
"""
