"""Teacher export: one row per answer, as CSV (with a header row) or JSON.

Columns (:data:`EXPORT_COLUMNS`, in this order):

``player``, ``scenario_id``, ``scenario_title``, ``attempt`` (1, 2, 3… for each player
and scenario, in the order the attempts began), ``answer_number``
(1-based, within the attempt), ``question_id`` (the node id), ``question`` (its text),
``kind``, ``answer`` (as the player gave it), ``correct_answer``, ``correct`` (true/false),
``verdict`` (correct/partial/wrong/skipped), ``points``, ``max_points``, ``hints_used``,
``seconds`` (time taken), ``counted`` (false for a retry after a teaching scene, which
scores nothing), ``timestamp`` (when answered, ISO 8601 UTC), ``topics`` (the scenario's,
separated by ``;``).

Both formats are safe to open: no text in them holds a control character (they are
stripped when stored, and again on export for files written by older versions), so
``export`` to a terminal cannot drive it.  In CSV, a text cell that a spreadsheet would
run as a formula — starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return —
is written with a ``'`` in front (as OWASP recommends against CSV injection): a typed
answer ``=HYPERLINK(…)`` appears as the text ``'=HYPERLINK(…)``, and ``-5`` as ``'-5``.
Numbers (points, seconds…) are written as numbers.  JSON keeps every text as it was.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any, Literal, TextIO

from newsquiz.store.records import points_value, real, topics_of
from newsquiz.text import clean, clean_data

EXPORT_COLUMNS: tuple[str, ...] = (
    "player",
    "scenario_id",
    "scenario_title",
    "attempt",
    "answer_number",
    "question_id",
    "question",
    "kind",
    "answer",
    "correct_answer",
    "correct",
    "verdict",
    "points",
    "max_points",
    "hints_used",
    "seconds",
    "counted",
    "timestamp",
    "topics",
)


def iso_utc(ts: float | None) -> str | None:
    """Unix seconds as ISO 8601 UTC with a ``Z``, to the second (None stays None)."""
    if not isinstance(ts, (int, float)) or isinstance(ts, bool):
        return None  # also a damaged value in a file read as it is
    try:
        import datetime as dt  # here: the export writes its times in SQL

        moment = dt.datetime.fromtimestamp(float(ts), tz=dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


#: What a spreadsheet may take as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str):
        value = clean(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def write_csv(rows: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write ``rows`` as CSV with a header row; return the number of rows.  Open ``out``
    with ``newline=""`` (the csv module writes ``\\r\\n`` line ends itself)."""
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    n = 0
    for row in rows:
        writer.writerow([_cell(row.get(col)) for col in EXPORT_COLUMNS])
        n += 1
    return n


def write_json(rows: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write ``rows`` as a JSON array of objects, one at a time (the same text as one
    ``json.dump(..., indent=2)`` of the whole list); return the number of rows."""
    n = 0
    for row in rows:
        item = {col: row.get(col) for col in EXPORT_COLUMNS}
        # default=str: a damaged cell holding bytes is written as CSV writes it.
        text = json.dumps(item, indent=2, ensure_ascii=False, default=str)
        text = text.replace("\n", "\n  ")
        out.write(("[\n  " if n == 0 else ",\n  ") + text)
        n += 1
    out.write("\n]\n" if n else "[]\n")
    return n


# ------------------------------------------------------------- export in SQL
#
# The rows above are built in Python, a dict per row: the reference, and the way on an
# SQLite without window functions.  The export proper builds each row in its
# query, as one line of CSV or one JSON object, so that rows go from the cursor to
# ``out.writelines`` with no Python code per row.  Text fields are made by a Python
# function that remembers the last texts it made (an export writes the same questions,
# choices and names again and again); a scenario's topics once; and the other cells in
# SQL, but where SQL could not write exactly what the rows above hold (a damaged value,
# a number within a millionth of a rounding tie, a time whose microseconds round up):
# those are made by the same conversions as the rows above (:data:`_CONVERT`), so both
# ways write the same bytes.


def _same(value: Any) -> Any:
    return value


def _answer_number(seq: Any) -> Any:
    return seq + 1


def _seconds(value: Any) -> float:
    return round(real(value), 3)


def _topics(value: Any) -> str:
    return ";".join(topics_of(value))


#: Per column of :data:`EXPORT_COLUMNS`, the value an exported row holds for the stored
#: value (before :func:`~newsquiz.text.clean_data`), as :meth:`Store.export_rows` has it.
_CONVERT: tuple[Callable[[Any], Any], ...] = (
    _same,  # player
    _same,  # scenario_id
    _same,  # scenario_title
    _same,  # attempt
    _answer_number,  # answer_number
    _same,  # question_id
    _same,  # question
    _same,  # kind
    _same,  # answer
    _same,  # correct_answer
    bool,  # correct
    _same,  # verdict
    points_value,  # points
    points_value,  # max_points
    _same,  # hints_used
    _seconds,  # seconds
    bool,  # counted
    iso_utc,  # timestamp
    _topics,  # topics
)
assert len(_CONVERT) == len(EXPORT_COLUMNS)


def _python_cell(fmt: Format) -> Callable[[int, str, Any], Any]:
    """The SQL function making one cell in Python: ``(column, typeof, value)``, the
    value as bytes when it is text (so that text that is not UTF-8 reaches Python)."""

    def cell(column: int, kind: str, raw: Any) -> Any:
        value = raw.decode("utf-8", "replace") if kind == "text" and isinstance(raw, bytes) else raw
        try:
            value = clean_data(_CONVERT[column](value))
            if fmt == "json":
                return json.dumps(value, ensure_ascii=False, default=str)
            return csv_field(_cell(value))
        except Exception:  # no cell may stop the export
            # A damaged value the rows above cannot convert either: an empty cell.
            return "" if fmt == "csv" else "null"

    return cell


Format = Literal["csv", "json"]


def csv_field(value: Any) -> str:
    """``value`` as :func:`csv.writer` writes it in a row (quoted where needed)."""
    row = io.StringIO()
    csv.writer(row).writerow([value, None])
    return row.getvalue()[: -len(",\r\n")]


def sql_export_supported(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite has what the export's query uses: window functions (3.25;
    a build may leave them out)."""
    if sqlite3.sqlite_version_info < (3, 25, 0):
        return False
    try:
        conn.execute(
            "SELECT strftime('%Y', 0, 'unixepoch'), rtrim(substr(1005, 2), '0'), "
            "ROW_NUMBER() OVER (PARTITION BY x ORDER BY x) FROM (SELECT 1 AS x)"
        ).fetchall()
    except sqlite3.Error:
        return False
    return True


def _py(fmt: Format, column: int, expr: str) -> str:
    kind = f"typeof({expr})"
    value = f"CASE {kind} WHEN 'text' THEN CAST({expr} AS BLOB) ELSE {expr} END"
    return f"nq_{fmt}({column}, {kind}, {value})"


def _text(fmt: Format, column: int, expr: str) -> str:
    """A text field: made by the remembering :func:`_text_field` (the value as bytes,
    so that text that is not UTF-8 reaches Python); another value as the rows above."""
    return (
        f"CASE WHEN typeof({expr}) = 'text' THEN nq_text(CAST({expr} AS BLOB)) "
        f"ELSE {_py(fmt, column, expr)} END"
    )


def _rounded(expr: str, places: int, above_zero: bool) -> str:
    """SQL for the inner query: ``expr`` times 10**places rounded to the nearest
    integer k, as Python's ``round(expr, places)`` has it (that is k / 10**places);
    NULL where SQL cannot be sure, and Python makes the cell.

    Sure where the product is more than a millionth from a tie: the IEEE product of a
    number under 10**5 errs by less than 10**-7.  ``above_zero``: also NULL for zero
    and below (a float cell: Python writes -0.0 where k would say 0)."""
    t = f"({expr} * {10**places}.0)"
    exact = (
        f"typeof({expr}) IN ('integer', 'real') AND {expr} BETWEEN -100000 AND 100000 "
        f"AND abs(abs({t} - CAST({t} AS INTEGER)) - 0.5) > 0.000001"
    )
    if above_zero:
        exact += f" AND {expr} > 0"
    half = f"(CASE WHEN {expr} < 0 THEN -0.5 ELSE 0.5 END)"
    return f"CASE WHEN {exact} THEN CAST({t} + {half} AS INTEGER) END"


def _decimal(fmt: Format, column: int, expr: str, k: str, places: int, whole_as_int: bool) -> str:
    """``expr`` written as Python writes ``round(expr, places)`` (a float; with
    ``whole_as_int``, a whole number as an int), from ``k`` (:func:`_rounded`): the
    nearest double to k / 10**places, whose shortest repr is k's digits."""
    scale = 10**places
    # Zero-padded digits of the fraction without printf: 5 -> 10005 -> "0005".
    digits = f"rtrim(substr(abs({k}) % {scale} + {scale}, 2), '0')"
    whole = f"(abs({k}) / {scale})"
    if whole_as_int:
        sign = f"(CASE WHEN {k} < 0 THEN '-' ELSE '' END)"
        return (
            f"CASE WHEN {k} IS NULL THEN {_py(fmt, column, expr)} "
            f"WHEN {k} % {scale} = 0 THEN {k} / {scale} "
            f"ELSE {sign} || {whole} || '.' || {digits} END"
        )
    return (
        f"CASE WHEN {k} IS NULL THEN {_py(fmt, column, expr)} "
        f"WHEN {k} % {scale} = 0 THEN {whole} || '.0' ELSE {whole} || '.' || {digits} END"
    )


def _timestamp(fmt: Format, column: int, expr: str) -> str:
    """ISO 8601 UTC to the second, as :func:`iso_utc`: the whole second, unless the
    fraction is one Python's microseconds round up (then in Python, as years out of
    range and damaged values)."""
    iso = f"strftime('%Y-%m-%dT%H:%M:%SZ', CAST({expr} AS INTEGER), 'unixepoch')"
    if fmt == "json":
        iso = f"'\"' || {iso} || '\"'"
    exact = (
        f"typeof({expr}) IN ('integer', 'real') AND {expr} >= 0 AND {expr} < 253402300800 "
        f"AND {expr} - CAST({expr} AS INTEGER) < 0.999999"
    )
    return f"CASE WHEN {exact} THEN {iso} ELSE {_py(fmt, column, expr)} END"


def _truth(fmt: Format, column: int, expr: str) -> str:
    return f"CASE {expr} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE {_py(fmt, column, expr)} END"


def _integer(fmt: Format, column: int, expr: str, add: int = 0) -> str:
    plus = f" + {add}" if add else ""
    return (
        f"CASE WHEN typeof({expr}) = 'integer' AND {expr} BETWEEN -1000000000 AND 1000000000 "
        f"THEN {expr}{plus} ELSE {_py(fmt, column, expr)} END"
    )


def export_query(fmt: Format, player: bool, scenario: bool) -> str:
    """The export's query: one column, each row's text: a line of CSV (the cells of
    :data:`EXPORT_COLUMNS`, ending CRLF) or a JSON object as ``",\\n  {...}"``.
    Parameters ``:player`` (a stored name) and ``:scenario`` when ``player``/``scenario``.

    Attempts are numbered 1, 2, 3 per player and scenario (ROW_NUMBER over all of them:
    a filter keeps or drops whole partitions); player, scenario and topics are made once
    per attempt.  ``LIMIT -1 OFFSET 0`` keeps the inner query of the answers apart, so
    that its rounded numbers are computed once per row rather than once per use."""
    col = {name: i for i, name in enumerate(EXPORT_COLUMNS)}
    where = " AND p.name = :player" if player else ""
    where += " AND a.scenario_id = :scenario" if scenario else ""
    empty = "''" if fmt == "csv" else "'\"\"'"
    attempts = f"""
        SELECT id, ROW_NUMBER() OVER (PARTITION BY player_id, scenario_id ORDER BY id) AS n,
            {_text(fmt, col["player"], "name")} AS c_player,
            {_text(fmt, col["scenario_id"], "scenario_id")} AS c_scenario_id,
            {_text(fmt, col["scenario_title"], "scenario_title")} AS c_scenario_title,
            CASE WHEN topics = '[]' THEN {empty}
                WHEN typeof(topics) = 'text' THEN nq_topics(CAST(topics AS BLOB))
                ELSE {_py(fmt, col["topics"], "topics")} END AS c_topics
        FROM (
            SELECT a.id, a.player_id, a.scenario_id, a.scenario_title, a.topics, p.name
            FROM attempts AS a JOIN players AS p ON p.id = a.player_id
            WHERE 1{where}
        )"""
    cells = {
        "player": "c_player",
        "scenario_id": "c_scenario_id",
        "scenario_title": "c_scenario_title",
        "attempt": "n",
        "answer_number": _integer(fmt, col["answer_number"], "seq", add=1),
        "question_id": _text(fmt, col["question_id"], "node_id"),
        "question": _text(fmt, col["question"], "question"),
        "kind": _text(fmt, col["kind"], "kind"),
        "answer": _text(fmt, col["answer"], "your_answer"),
        "correct_answer": _text(fmt, col["correct_answer"], "correct_answer"),
        "correct": _truth(fmt, col["correct"], "correct"),
        "verdict": _text(fmt, col["verdict"], "verdict"),
        "points": _decimal(fmt, col["points"], "points", "k_points", 4, whole_as_int=True),
        "max_points": _decimal(
            fmt, col["max_points"], "max_points", "k_max_points", 4, whole_as_int=True
        ),
        "hints_used": _integer(fmt, col["hints_used"], "hints_used"),
        "seconds": _decimal(fmt, col["seconds"], "seconds", "k_seconds", 3, whole_as_int=False),
        "counted": _truth(fmt, col["counted"], "counted"),
        "timestamp": _timestamp(fmt, col["timestamp"], "answered_at"),
        "topics": "c_topics",
    }
    assert tuple(cells) == EXPORT_COLUMNS
    if fmt == "csv":
        # Each row one line of text, as csv.writer would write its cells.
        select = " || ',' ||\n            ".join(f"({c})" for c in cells.values())
        select += " || char(13, 10)"
    else:
        parts = [f"'    {json.dumps(name)}: ' || ({expr})" for name, expr in cells.items()]
        select = "',\n  {\n' || " + " || ',\n' || ".join(parts) + " || '\n  }'"
    # The rows are sorted by the outer query: a sorted inner one would be read
    # through a co-routine copying every cell (half as slow again).
    return f"""
        WITH att AS ({attempts})
        SELECT {select}
        FROM (
            SELECT a.id, a.n, a.c_player, a.c_scenario_id, a.c_scenario_title, a.c_topics,
                s.seq, s.node_id, s.question, s.kind, s.your_answer, s.correct_answer,
                s.correct, s.verdict, s.points, s.max_points, s.hints_used, s.seconds,
                s.counted, s.answered_at,
                {_rounded("s.points", 4, above_zero=False)} AS k_points,
                {_rounded("s.max_points", 4, above_zero=False)} AS k_max_points,
                {_rounded("s.seconds", 3, above_zero=True)} AS k_seconds
            FROM answers AS s JOIN att AS a ON a.id = s.attempt_id
            LIMIT -1 OFFSET 0
        )
        ORDER BY answered_at, id, seq"""


#: How many distinct texts an export remembers the CSV field of (a few MB at most).
TEXT_CACHE = 4096


def _text_field(fmt: Format) -> Callable[[bytes], str]:
    """The field of a stored text (its UTF-8 bytes) as :func:`write_csv` (cleaned, a
    formula guarded, quoted where needed) or :func:`write_json` (cleaned, a JSON
    string) writes it.  Remembers the last :data:`TEXT_CACHE` texts: an export writes
    the same questions, choices and names again and again, so most fields cost a
    look-up.  A printable text is one :func:`~newsquiz.text.clean` leaves as it is
    (every character it changes is unprintable)."""

    @functools.lru_cache(maxsize=TEXT_CACHE)
    def csv_text(raw: bytes) -> str:
        text = raw.decode("utf-8", "replace")
        if not text.isprintable():  # a line break, a tab, a control character…
            return csv_field(_cell(text))
        # What _cell and csv.writer do to a printable text.
        if text.startswith(FORMULA_STARTS):
            text = "'" + text
        if "," in text or '"' in text:
            return '"' + text.replace('"', '""') + '"'
        return text

    @functools.lru_cache(maxsize=TEXT_CACHE)
    def json_text(raw: bytes) -> str:
        text = raw.decode("utf-8", "replace")
        return json.dumps(text if text.isprintable() else clean(text), ensure_ascii=False)

    return csv_text if fmt == "csv" else json_text


def prepare(conn: sqlite3.Connection, fmt: Format) -> None:
    """Register the Python functions :func:`export_query` calls on ``conn``."""
    conn.create_function(f"nq_{fmt}", 3, _python_cell(fmt), deterministic=True)
    conn.create_function("nq_text", 1, _text_field(fmt), deterministic=True)
    # A scenario's topics, remembered (every attempt at it has the same).
    topics = functools.lru_cache(maxsize=TEXT_CACHE)(
        functools.partial(_python_cell(fmt), EXPORT_COLUMNS.index("topics"), "text")
    )
    conn.create_function("nq_topics", 1, topics, deterministic=True)


def write_query(fmt: Format, cursor: Iterable[Sequence[Any]], out: TextIO) -> int:
    """Write the rows of :func:`export_query` (the same text as :func:`write_csv` /
    :func:`write_json` of :meth:`Store.export_rows`); return how many there were."""
    counter = itertools.count()
    rows = map(itemgetter(0), zip(cursor, counter))  # counts in C, row by row
    if fmt == "csv":
        csv.writer(out).writerow(EXPORT_COLUMNS)
        out.writelines(map(itemgetter(0), rows))
        return next(counter)
    first = next(rows, None)
    if first is None:
        out.write("[]\n")
        return 0
    out.write("[" + first[0][1:])  # ",\n  {" -> "[\n  {"
    out.writelines(map(itemgetter(0), rows))
    out.write("\n]\n")
    return next(counter)
