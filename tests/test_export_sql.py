"""The export made in SQL (``Store.export_to``) writes the very bytes of the rows made
in Python (``Store.export`` with ``write_csv``/``write_json``, the export before issue
12 and the fallback), on a database of hostile values; and it streams."""

from __future__ import annotations

import io
import json
import random
import sqlite3
import struct
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import BUNDLED
from newsquiz.cli import main as cli_main
from newsquiz.engine.practice import PRACTICE_SUFFIX
from newsquiz.scenario.loader import load
from newsquiz.store import export
from newsquiz.store.export import write_csv, write_json
from newsquiz.store.paths import DB_NAME
from newsquiz.store.store import Store
from newsquiz.text import clean

#: Texts a player, an old newsquiz or a damaged file may have left in the database.
HOSTILE_TEXTS = [
    "plain",
    "",
    '=HYPERLINK("http://x","y")',
    "+1",
    "-5",
    "@SUM(1)",
    "\tx",
    "\rx",
    "\r\n=1",
    "\x1b]0;pwned\x07\x1b[2J",
    "\x1b=1",  # a formula once the escape is gone
    "a\x00b",
    "\x7f\x85\x9b",
    "bidi \u202e reversed \u2066 isolate\u2069",
    "line\u2028sep\u2029para",
    "typographic ’quotes’ “and” – dashes…",
    "non-breaking\u00a0space, soft\u00adhyphen, zero\u200bwidth",
    "émoji 🎉 and 日本語",
    'quote " and backslash \\ and comma, semicolon;',
    "multi\nline\ttabbed",
    " leading space",
    "'already quoted",
]

#: Bytes that are not UTF-8 (read with U+FFFD, as the connection does).
BAD_UTF8 = [b"caf\xe9", b"\xe2\x80", b"ok\xff\xfe", b"\xed\xa0\x80 surrogate"]

EDGE_NUMBERS = [
    0,
    0.0,
    1,
    2.0,
    0.5,
    -0.5,
    -2,
    1.23445,
    0.00005,
    0.0625,  # an exact tie at 3 places
    0.1875,
    2.5e-05,
    1 / 3,
    -1 / 3,
    99999.99995,
    123456.789,  # beyond SQL's exact range
    1e300,
    -1e-9,
    2**62,
    -(2**62),
]

EDGE_TIMES = [
    0,
    1,
    1700000000,
    1700000000.5,
    1700000000.9999994,
    1700000000.9999995,  # Python's microseconds round up to the next second
    1700000000.9999999,
    253402300799,  # 9999-12-31T23:59:59
    253402300800,  # out of range: no timestamp
    -1.5,
    1e20,
]


def _hostile_database(folder: Path) -> Path:
    """Real games (the bundled scenario), then rows of every hostile kind."""
    from bench.bench_store import fill

    with Store.open(folder) as store:
        fill(store, load(BUNDLED), "ana", 60)
        fill(store, load(BUNDLED), "bo", 30)
        path = store.path
    rng = random.Random(12)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN")
    players = []
    for name in ["eve\x1b[31m", "=cmd", "zoë ’", "-dash"]:
        players.append(
            con.execute("INSERT INTO players (name, created_at) VALUES (?, 0)", (name,)).lastrowid
        )
    scenarios = ["s-one", "s-two", "=evil", f"s-one{PRACTICE_SUFFIX}", "tab\tid\x1b"]
    titles = ["Title", "+Title", "Ti\x07tle", "Tïtlé ’", "\u2028t"]
    topics = [
        "[]",
        '["diplomacy", "war"]',
        '["=x", "a\\u001bb"]',
        "[1, 2.5, true, null]",
        "{bad",
        "null",
        '"text"',
        '["dup", "dup"]',
    ]
    attempt_ids = []
    for i in range(60):
        pid = rng.choice(players)
        sid = rng.choice(scenarios)
        attempt_ids.append(
            con.execute(
                "INSERT INTO attempts (player_id, scenario_id, scenario_title, topics, "
                "content_hash, seed, status, started_at, updated_at) "
                "VALUES (?, ?, ?, ?, 'h', ?, 'finished', 0, 0)",
                (pid, sid, rng.choice(titles), rng.choice(topics), i),
            ).lastrowid
        )
    texts: list[object] = [*HOSTILE_TEXTS]
    for seq in range(2000):
        attempt = rng.choice(attempt_ids)
        row = {
            "node_id": rng.choice(["q1", "=q", "q\x1b2", "q’"]),
            "question": rng.choice(texts),
            "kind": rng.choice(["single", "text", "-kind"]),
            "your_answer": rng.choice(texts),
            "correct_answer": rng.choice(texts),
            "verdict": rng.choice(["correct", "partial", "wrong", "skipped"]),
            "correct": rng.choice([0, 1]),
            "points": rng.choice([*EDGE_NUMBERS, round(rng.uniform(-3, 3), rng.randint(0, 6))]),
            "max_points": rng.choice([1, 2, 0.5, rng.uniform(0, 5)]),
            "hints_used": rng.choice([0, 1, 3]),
            "counted": rng.choice([0, 1]),
            "seconds": rng.choice(
                [*EDGE_NUMBERS, rng.uniform(0, 100), rng.randint(0, 10_000) / 16, 1e-5]
            ),
            "answered_at": rng.choice(
                [*EDGE_TIMES, 1.7e9 + rng.uniform(0, 1e7), 1.7e9 + rng.randint(0, 9) / 2]
            ),
        }
        con.execute(
            "INSERT INTO answers (attempt_id, seq, player_id, scenario_id, node_id, question, "
            "kind, response_json, your_answer, correct_answer, verdict, correct, points, "
            "max_points, hints_used, counted, seconds, started_at, answered_at) "
            "SELECT :a, :seq, player_id, scenario_id, :node_id, :question, :kind, '{}', "
            ":your_answer, :correct_answer, :verdict, :correct, :points, :max_points, "
            ":hints_used, :counted, :seconds, 0, :answered_at FROM attempts WHERE id = :a",
            {"a": attempt, "seq": 1000 + seq, **row},
        )
    # Text that is not UTF-8, in every kind of text column.
    for i, bad in enumerate(BAD_UTF8):
        con.execute(
            "UPDATE answers SET your_answer = CAST(? AS TEXT) WHERE id = "
            "(SELECT id FROM answers ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (bad, i),
        )
        con.execute(
            "UPDATE answers SET question = CAST(? AS TEXT) WHERE id = "
            "(SELECT id FROM answers ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (bad, 10 + i),
        )
    con.execute(
        "UPDATE attempts SET scenario_title = CAST(? AS TEXT), topics = CAST(? AS TEXT) "
        "WHERE id = ?",
        (BAD_UTF8[0], b'["caf\xe9"]', attempt_ids[0]),
    )
    con.execute("UPDATE players SET name = CAST(? AS TEXT) WHERE id = ?", (b"bad\xff", players[0]))
    # Numbers damaged into text; a blob in a text column and in a number column.
    con.execute("UPDATE answers SET points = 'p', seconds = 's', answered_at = 'y' WHERE id = 3")
    con.execute("UPDATE answers SET max_points = x'00ff', hints_used = 'two' WHERE id = 4")
    con.execute("UPDATE answers SET hints_used = 2.5, correct_answer = x'41' WHERE id = 5")
    con.execute("UPDATE answers SET points = 1e999, seconds = -1e999 WHERE id = 6")  # infinities
    con.execute("COMMIT")
    con.close()
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = _hostile_database(tmp_path_factory.mktemp("hostile"))
    store = Store.open_readonly(folder)
    assert store is not None
    yield store
    store.close()


def _reference(store: Store, fmt: str, **filters: str) -> str:
    out = io.StringIO(newline="")
    store.export(write_csv if fmt == "csv" else write_json, out, **filters)
    return out.getvalue()


def _sql(store: Store, fmt: str, **filters: str) -> tuple[str, int]:
    out = io.StringIO(newline="")
    n = store.export_to(out, fmt, **filters)  # type: ignore[arg-type]
    return out.getvalue(), n


def test_this_sqlite_runs_the_export_in_sql(hostile: Store) -> None:
    assert hostile._read(export.sql_export_supported)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_sql_export_writes_the_bytes_of_the_python_rows(hostile: Store, fmt: str) -> None:
    text, n = _sql(hostile, fmt)
    assert text == _reference(hostile, fmt)
    assert n == len(hostile.export_rows()) > 2000
    # What the hostile rows must have come out as (the reference could be wrong too).
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\ufffd" in text  # the text that was not UTF-8, as the connection reads it
    if fmt == "csv":
        assert "'=HYPERLINK" in text and "'-5" in text and "'@SUM(1)" in text
        assert "1970-01-01T00:00:00Z" in text and "9999-12-31T23:59:59Z" in text
    else:
        rows = json.loads(text)
        assert len(rows) == n
        assert '=HYPERLINK("http://x","y")' in {r["answer"] for r in rows}
        assert {r["attempt"] for r in rows} >= {1, 2, 3}


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize(
    "filters",
    [
        {"player": "ana"},
        {"player": "=cmd"},
        {"scenario_id": "s-one"},
        {"scenario_id": f"s-one{PRACTICE_SUFFIX}"},
        {"player": "zoë ’", "scenario_id": "s-two"},
        {"player": "nobody"},
        {"scenario_id": "none"},
    ],
)
def test_filtered_exports_are_the_same_and_keep_attempt_numbers(
    hostile: Store, fmt: str, filters: dict[str, str]
) -> None:
    text, n = _sql(hostile, fmt, **filters)
    assert text == _reference(hostile, fmt, **filters)
    assert n == len(hostile.export_rows(**filters))  # type: ignore[arg-type]


def test_an_sqlite_without_window_functions_gets_the_python_rows(
    hostile: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export.sqlite3, "sqlite_version_info", (3, 24, 0))
    assert not hostile._read(export.sql_export_supported)
    for fmt in ("csv", "json"):
        assert _sql(hostile, fmt)[0] == _reference(hostile, fmt)


def test_the_connection_reads_text_forgivingly_again_after_an_export(hostile: Store) -> None:
    _sql(hostile, "csv")
    assert hostile._conn.text_factory is not str
    assert any("\ufffd" in r["answer"] for r in hostile.export_rows())


def test_rounding_and_times_match_python_on_many_values(tmp_path: Path) -> None:
    """Seconds, points and times at random and at every kind of tie, against Python's
    ``round`` and ``datetime``: SQL writes a cell only where it is exact."""
    with Store.open(tmp_path) as store:
        store.player("ana")
        path = store.path
    rng = random.Random(5)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute(
        "INSERT INTO attempts (player_id, scenario_id, scenario_title, content_hash, seed, "
        "started_at, updated_at) VALUES (1, 's', 'S', 'h', 0, 0, 0)"
    )
    values: list[float] = []
    for _ in range(6000):
        kind = rng.randrange(5)
        if kind == 0:
            values.append(rng.uniform(0, 1e4))
        elif kind == 1:  # exact and near ties at 3 and 4 places
            base = rng.randint(0, 10**7) / 10 ** rng.choice([3, 4]) + 0.5 / 10 ** rng.choice([3, 4])
            values.append(base + rng.choice([0, 1, -1]) * rng.choice([1e-12, 1e-9, 1e-7]))
        elif kind == 2:  # a random double, bit by bit
            values.append(struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0])
        elif kind == 3:
            values.append(rng.randint(0, 2**12) / 2 ** rng.randint(0, 12))
        else:
            values.append(-rng.uniform(0, 100))
    rows = []
    for seq, v in enumerate(values):
        if v != v or v in (float("inf"), float("-inf")):  # NaN/inf: SQLite keeps no NaN
            v = 0.0
        rows.append((seq, v, v, abs(v) * 1e5 if rng.random() < 0.5 else 1.7e9 + v, v))
    con.executemany(
        "INSERT INTO answers (attempt_id, seq, player_id, scenario_id, node_id, question, "
        "kind, response_json, your_answer, correct_answer, verdict, correct, points, "
        "max_points, hints_used, counted, seconds, started_at, answered_at) VALUES "
        "(1, ?, 1, 's', 'q', 'Q', 'text', '{}', 'a', 'a', 'correct', 1, ?, ?, 0, 1, ?, 0, ?)",
        [(seq, p, m, s, t) for seq, p, m, t, s in rows],
    )
    con.close()
    store2 = Store.open_readonly(tmp_path)
    assert store2 is not None
    with store2:
        for fmt in ("csv", "json"):
            assert _sql(store2, fmt)[0] == _reference(store2, fmt)


def test_the_export_streams_with_flat_memory(tmp_path: Path) -> None:
    """Python's peak memory while exporting 200 and 5,000 answers is about the same
    (nothing per row is kept: the rows go from the cursor to the file)."""
    from bench.bench_store import fill

    peaks = []
    for answers in (200, 5000):
        folder = tmp_path / str(answers)
        with Store.open(folder) as store:
            fill(store, load(BUNDLED), "ana", answers)
        store2 = Store.open_readonly(folder)
        assert store2 is not None
        with store2, open(folder / "out.csv", "w", newline="", encoding="utf-8") as out:
            store2.export_to(out, "csv")  # warm: the query compiled, functions made
            out.seek(0)
            tracemalloc.start()
            n = store2.export_to(out, "csv")
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        assert n >= answers
    assert peaks[1] < peaks[0] + 200_000, peaks


def test_cli_export_writes_the_same_file_as_the_python_rows(hostile: Store, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    data = hostile.path.parent
    assert cli_main(["--data-dir", str(data), "export", "--format", "csv", "-o", str(out)]) == 0
    assert out.read_bytes() == _reference(hostile, "csv").encode("utf-8")
    assert (data / DB_NAME).exists()


def test_python_makes_only_the_cells_sql_cannot(
    hostile: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On real games, no cell is made cell by cell in Python (only the topics, once per
    scenario); text fields come from the remembering function, nearly all looked up."""
    from bench.bench_store import fill

    calls: dict[int, int] = {}
    make = export._python_cell

    def counting(fmt: export.Format) -> object:
        cell = make(fmt)

        def counted(column: int, kind: str, raw: object) -> object:
            calls[column] = calls.get(column, 0) + 1
            return cell(column, kind, raw)

        return counted

    texts: list[Any] = []
    make_text = export._text_field

    def remembered(fmt: export.Format) -> object:
        texts.append(make_text(fmt))
        return texts[-1]

    monkeypatch.setattr(export, "_python_cell", counting)
    monkeypatch.setattr(export, "_text_field", remembered)
    with Store.open(tmp_path) as store:
        fill(store, load(BUNDLED), "ana", 2000)
        attempts = len(store.history("ana"))
        for fmt in ("csv", "json"):
            calls.clear()
            assert _sql(store, fmt)[0] == _reference(store, fmt)
            # The topics, once for the scenario (then remembered).
            topics = export.EXPORT_COLUMNS.index("topics")
            assert calls == {topics: 1} and attempts > 100, calls
    info = texts[0].cache_info()
    assert info.hits > 10 * info.misses and info.currsize <= export.TEXT_CACHE, info
    info = texts[1].cache_info()
    assert info.hits > 10 * info.misses and info.currsize <= export.TEXT_CACHE, info
    texts_at = [
        export.EXPORT_COLUMNS.index(c)
        for c in ("player", "question_id", "question", "kind", "answer", "correct_answer")
    ]
    for fmt in ("csv", "json"):  # hostile texts: only a value that is not text, alone
        calls.clear()
        _sql(hostile, fmt)
        assert sum(calls.get(c, 0) for c in texts_at) == 1, calls  # the blob


def test_more_distinct_texts_than_remembered(
    hostile: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CSV fields the export forgets are made again, the same."""
    monkeypatch.setattr(export, "TEXT_CACHE", 8)
    assert _sql(hostile, "csv")[0] == _reference(hostile, "csv")


def test_the_remembered_field_is_what_write_csv_and_write_json_write() -> None:
    """The quick way for printable text (no clean; guard and quotes) against _cell +
    csv.writer and clean + json.dumps, on texts made of every character that matters,
    and bytes that are not UTF-8."""
    field = export._text_field("csv")
    as_json = export._text_field("json")
    alphabet = [
        *"a ,\"'=+-@;\\\t\n\r\x1b\x00\x7f\x85",
        *"\u00a0’é\u2028\u202e🎉\ufffd",
    ]
    rng = random.Random(1)
    for _ in range(30_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        raw = text.encode("utf-8") + (b"\xff" if rng.random() < 0.05 else b"")
        read = raw.decode("utf-8", "replace")
        assert field(raw) == export.csv_field(export._cell(read)), text
        assert as_json(raw) == json.dumps(clean(read), ensure_ascii=False), text
