"""Teacher export: one row per answer, as CSV (with a header row) or JSON.

Columns (:data:`EXPORT_COLUMNS`, in this order):

``player``, ``scenario_id``, ``scenario_title``, ``attempt`` (attempt id), ``answer_number``
(1-based, within the attempt), ``question_id`` (the node id), ``question`` (its text),
``kind``, ``answer`` (as the player gave it), ``correct_answer``, ``correct`` (true/false),
``verdict`` (correct/partial/wrong/skipped), ``points``, ``max_points``, ``hints_used``,
``seconds`` (time taken), ``counted`` (false for a retry after a teaching scene, which
scores nothing), ``timestamp`` (when answered, ISO 8601 UTC), ``topics`` (the scenario's,
separated by ``;``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

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
    if ts is None:
        return None
    moment = dt.datetime.fromtimestamp(float(ts), tz=dt.timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


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
    """Write ``rows`` as a JSON array of objects; return the number of rows."""
    items = [{col: row.get(col) for col in EXPORT_COLUMNS} for row in rows]
    json.dump(items, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return len(items)
