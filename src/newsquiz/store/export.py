"""Teacher export: one row per answer, as CSV (with a header row) or JSON.

Columns (:data:`EXPORT_COLUMNS`, in this order):

``player``, ``scenario_id``, ``scenario_title``, ``attempt`` (attempt id), ``answer_number``
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
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from newsquiz.text import clean

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
        text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        out.write(("[\n  " if n == 0 else ",\n  ") + text)
        n += 1
    out.write("\n]\n" if n else "[]\n")
    return n
