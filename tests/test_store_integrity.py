"""The full integrity check costs a read of every page, so it runs only when it is due:
never checked, a week old, damage seen while playing, or `newsquiz doctor`."""

from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path

import pytest

from newsquiz import cli
from newsquiz.store import db
from newsquiz.store.paths import DB_NAME
from newsquiz.store.store import Store


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the store's connections run."""
    seen: list[str] = []
    connect = db._connect

    def traced(path: Path) -> sqlite3.Connection:
        conn = connect(path)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(db, "_connect", traced)
    return seen


def _checks(statements: list[str]) -> int:
    return sum("quick_check" in s for s in statements)


def _fill(folder: Path, rows: int = 2000) -> Path:
    """A store whose settings table spans many pages (written with plain SQL)."""
    Store.open(folder).close()
    path = folder / DB_NAME
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?)",
            ((f"k{i:05d}", '"' + "x" * 200 + '"') for i in range(rows)),
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def _damage(path: Path) -> None:
    """Overwrite a page in the middle of the file (not the header or the schema)."""
    size = path.stat().st_size
    page = 4096
    with open(path, "r+b") as f:
        f.seek((size // page // 2) * page)
        f.write(random.Random(1).randbytes(page))


def test_open_reads_every_page_only_when_a_check_is_due(
    tmp_path: Path, statements: list[str]
) -> None:
    Store.open(tmp_path).close()  # a new file: checked once
    assert _checks(statements) == 1
    Store.open(tmp_path).close()
    Store.open(tmp_path).close()
    assert _checks(statements) == 1  # checked recently: header and schema only
    marker = tmp_path / (DB_NAME + db.CHECKED_SUFFIX)
    week_ago = time.time() - db.CHECK_EVERY - 60
    os.utime(marker, (week_ago, week_ago))
    Store.open(tmp_path).close()
    assert _checks(statements) == 2  # a week old: checked again, and recorded
    Store.open(tmp_path).close()
    assert _checks(statements) == 2
    marker.unlink()
    Store.open(tmp_path).close()
    assert _checks(statements) == 3


def test_damage_seen_while_playing_sets_the_file_aside_at_the_next_open(
    tmp_path: Path,
) -> None:
    path = _fill(tmp_path)
    _damage(path)
    store = Store.open(tmp_path)  # checked recently: the damage is not read yet
    assert store.recovered_from is None
    store.close()
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        conn.execute("SELECT count(*), sum(length(value)) FROM settings").fetchall()
    conn.close()
    # Playing hits the damaged page: the store turns the error into "cannot be saved",
    # which also makes the next open read every page.
    err = db.unavailable(caught.value, path)
    assert "set aside the next time" in str(err)
    store = Store.open(tmp_path)
    assert store.recovered_from is not None and store.recovered_from.exists()
    assert store.message and "damaged" in store.message
    store.close()


def test_doctor_says_whether_the_file_is_sound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--data-dir", str(tmp_path), "doctor"]) == 0
    assert "nothing saved yet" in capsys.readouterr().out
    path = _fill(tmp_path)
    assert cli.main(["--data-dir", str(tmp_path), "doctor"]) == 0
    assert "is sound" in capsys.readouterr().out
    _damage(path)
    assert cli.main(["--data-dir", str(tmp_path), "doctor"]) == 1
    err = capsys.readouterr().err
    assert "is damaged" in err and "moved aside" in err
    assert not (tmp_path / (DB_NAME + db.CHECKED_SUFFIX)).exists()  # the next open checks
    store = Store.open(tmp_path)
    assert store.recovered_from is not None
    store.close()
    assert cli.main(["--data-dir", str(tmp_path), "doctor"]) == 0
