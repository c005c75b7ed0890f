"""`newsquiz play FILE`: what its first frame needs, gathered in a helper process.

The helper (a real ``python`` process here) must answer exactly what the same work done
in this process gives; whatever goes wrong with it, the work is done here instead; its
answer can only ever build newsquiz's own values; and saved progress peeked at is never
changed.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import newsquiz.prestart as prestart
from conftest import question_node, scenario_yaml
from newsquiz.engine.session import Session
from newsquiz.prestart import Facts, Prestart, check_only, gather
from newsquiz.scenario.library import file_stamp
from newsquiz.scenario.loader import check_file
from newsquiz.store.paths import THEME_SETTING, db_path, peek
from newsquiz.store.tracker import Progress, open_progress

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"


def _tf(prompt: str) -> dict[str, object]:
    return {"kind": "truefalse", "prompt": prompt, "answer": "true", "evidence": "met briefly"}


def _broken(folder: Path) -> Path:
    path = folder / "broken.yaml"
    path.write_text(BUNDLED.read_text(encoding="utf-8").replace("title:", "titel:", 1))
    return path


def _unfinished_game(data: Path, path: Path = BUNDLED, theme: str = "nord") -> None:
    progress = open_progress(str(data), "ada")
    try:
        progress.set_setting(THEME_SETTING, theme)
        scenario = check_file(path).scenario
        assert scenario is not None
        progress.started(Session(scenario, 3))
    finally:
        progress.close()


# ----------------------------------------------------------------- the facts


def test_the_facts_of_a_file_never_played(tmp_path: Path) -> None:
    facts = gather(BUNDLED, str(tmp_path / "data"))
    assert facts.result == check_file(BUNDLED) and facts.result.ok
    assert facts.stamp == tuple(file_stamp(BUNDLED))
    assert facts.unfinished is False  # nothing was ever saved there
    assert facts.theme is None
    assert not (tmp_path / "data").exists()  # peeking creates nothing


def test_the_facts_say_when_a_game_of_the_file_is_unfinished(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _unfinished_game(data)
    before = db_path(data).read_bytes()
    facts = gather(BUNDLED, str(data))
    assert facts.unfinished is True and facts.theme == "nord"
    other = tmp_path / "other.yaml"
    other.write_text(
        BUNDLED.read_text(encoding="utf-8").replace("id: g20-blinken-lavrov", "id: other", 1)
    )
    assert gather(other, str(data)).unfinished is False  # another scenario's game
    assert db_path(data).read_bytes() == before  # read only


def test_a_broken_file_is_reported_and_saved_progress_not_asked(tmp_path: Path) -> None:
    broken = _broken(tmp_path)
    facts = gather(broken, str(tmp_path / "data"))
    assert not facts.result.ok
    assert [d.format() for d in facts.result.diagnostics] == [
        d.format() for d in check_file(broken).diagnostics
    ]
    assert facts.unfinished is None


def test_check_only_leaves_saved_progress_unknown(tmp_path: Path) -> None:
    facts = check_only(BUNDLED)
    assert facts.result.ok and facts.unfinished is None and facts.theme is None


def test_peek_on_a_damaged_or_foreign_file_says_unknown(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db_path(data).write_bytes(b"this is not a database" * 100)
    assert peek(data, THEME_SETTING, "g20-blinken-lavrov") == (None, None)
    import sqlite3

    other = tmp_path / "other"
    other.mkdir()
    conn = sqlite3.connect(db_path(other))
    conn.execute("CREATE TABLE settings (key TEXT, value TEXT)")
    conn.commit()
    conn.close()
    # No attempts table (not a newsquiz store of this version): unknown, open it to know.
    assert peek(other, THEME_SETTING, "g20-blinken-lavrov") == (None, None)
    assert peek(tmp_path / "nowhere", THEME_SETTING, "x") == (None, False)


# ------------------------------------------------------------------- the helper


def test_the_helper_answers_what_this_process_would(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for path in (BUNDLED, _broken(tmp_path)):
        started = Prestart.begin(path, str(data), helper=True)
        facts = started.facts()
        assert started.why_here == ""  # the helper's answer, not a fallback
        assert facts == gather(path, str(data))
    _unfinished_game(data)
    started = Prestart.begin(BUNDLED, str(data), helper=True)
    facts = started.facts()
    assert started.why_here == "" and facts.unfinished is True and facts.theme == "nord"


def test_the_helper_runs_beside_this_process(tmp_path: Path) -> None:
    """It is at work while this process does something else (the interface loads)."""
    started = Prestart.begin(BUNDLED, str(tmp_path), helper=True)
    t0 = time.monotonic()
    time.sleep(1.0)  # long enough for the helper to finish on any machine running this
    facts = started.facts()
    assert time.monotonic() - t0 < 1.5 and started.why_here == "" and facts.result.ok


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("import sys; sys.stdout.write('hello')", "does not start as expected"),
        ("import sys; sys.exit(3)", "exited with 3"),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "exited with -9"),
        ("raise SystemExit('boom')", "exited with 1"),
        (
            "import pickle, sys; from newsquiz.prestart import _HEADER; "
            "sys.stdout.buffer.write(_HEADER + pickle.dumps({'not': 'facts'}))",
            "did not answer with the facts",
        ),
    ],
)
def test_whatever_goes_wrong_with_the_helper_the_facts_are_worked_out_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, why: str
) -> None:
    monkeypatch.setattr(prestart, "_HELPER_CODE", code)
    started = Prestart.begin(BUNDLED, str(tmp_path), helper=True)
    facts = started.facts()
    assert why in started.why_here
    assert facts == gather(BUNDLED, str(tmp_path))


def test_a_hung_helper_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prestart, "_HELPER_CODE", "import time; time.sleep(60)")
    started = Prestart.begin(BUNDLED, str(tmp_path), helper=True)
    t0 = time.monotonic()
    facts = started.facts(timeout=0.5)
    assert time.monotonic() - t0 < 10
    assert started.why_here == "the helper took too long" and facts.result.ok


def test_a_helper_that_cannot_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    started = Prestart.begin(BUNDLED, str(tmp_path), helper=True)
    assert started.why_here.startswith("the helper could not start")
    assert started.facts().result.ok


def test_on_one_core_no_helper_is_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prestart, "_cores", lambda: 1)
    started = Prestart.begin(BUNDLED, str(tmp_path))
    assert started._proc is None and "one core" in started.why_here
    assert started.facts().result.ok


def test_cancel_stops_a_helper_nobody_waits_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prestart, "_HELPER_CODE", "import time; time.sleep(60)")
    started = Prestart.begin(BUNDLED, str(tmp_path), helper=True)
    proc = started._proc
    assert proc is not None
    started.cancel()
    assert proc.returncode is not None


def test_the_helper_never_imports_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsquiz play FILE` run in a folder holding a `yaml.py` or a `newsquiz/`: the
    helper's ``-c`` must not pick them up (they would run as newsquiz's code)."""
    marker = tmp_path / "ran"
    here = tmp_path / "cwd"
    (here / "newsquiz").mkdir(parents=True)
    planted = f"open({str(marker)!r}, 'w').close()\n"
    (here / "yaml.py").write_text(planted)
    (here / "newsquiz" / "__init__.py").write_text(planted)
    monkeypatch.chdir(here)
    started = Prestart.begin(BUNDLED, str(tmp_path / "data"), helper=True)
    facts = started.facts()
    assert started.why_here == "" and facts.result.ok
    assert not marker.exists()


class _Evil:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("true",))


@pytest.mark.parametrize(
    "value", [_Evil(), [1, _Evil()], {"eval": eval}, print], ids=["reduce", "nested", "eval", "fn"]
)
def test_the_answer_builds_only_newsquizs_own_values(value: object) -> None:
    data = prestart._HEADER + pickle.dumps(value)
    with pytest.raises(pickle.UnpicklingError, match="not one of newsquiz's own values"):
        prestart._read_answer(data)


def test_the_answer_of_a_real_file_round_trips() -> None:
    facts = gather(BUNDLED, None)
    data = prestart._HEADER + pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
    again = prestart._read_answer(data)
    assert isinstance(again, Facts) and again == facts
    assert again.result.scenario == facts.result.scenario


def test_an_answer_from_another_version_is_refused() -> None:
    facts = gather(BUNDLED, None)
    data = b"newsquiz-prestart 0.0.0-other\n" + pickle.dumps(facts)
    with pytest.raises(ValueError, match="does not start as expected"):
        prestart._read_answer(data)


# ------------------------------------------------------- progress opened later


def test_progress_opened_later_waits_for_its_opener_at_first_use(tmp_path: Path) -> None:
    data = tmp_path / "data"
    calls: list[str] = []

    def opener() -> Progress:
        calls.append(threading.current_thread().name)
        return open_progress(str(data), "ada")

    progress = Progress.opening(opener)
    assert not progress.opened and calls == [] and not db_path(data).exists()
    assert progress.player == "player"  # the default until it is open
    assert progress.get_setting(THEME_SETTING) is None  # a use: opens it, here
    assert progress.opened and progress.saving and progress.player == "ada"
    assert len(calls) == 1
    progress.open_now()  # once only
    assert len(calls) == 1
    progress.close()


def test_progress_opened_in_a_thread_is_waited_for(tmp_path: Path) -> None:
    data = tmp_path / "data"
    release = threading.Event()

    def opener() -> Progress:
        release.wait(5)
        return open_progress(str(data), "ada")

    progress = Progress.opening(opener)
    worker = threading.Thread(target=progress.open_now)
    worker.start()
    time.sleep(0.05)  # the worker holds it, still opening
    assert not progress.opened
    threading.Timer(0.2, release.set).start()
    scenario = check_file(BUNDLED).scenario
    assert scenario is not None
    session = Session(scenario, 1)
    session.advance()
    progress.save(session)  # waits for the worker, then starts the game's attempt
    assert progress.opened and progress.has_saved(scenario.id)
    worker.join(5)
    progress.close()


def test_progress_closed_before_it_opened_never_opens(tmp_path: Path) -> None:
    calls: list[int] = []
    progress = Progress.opening(lambda: calls.append(1) or Progress(None))
    progress.close()
    progress.open_now()
    assert calls == [] and not progress.saving


def test_an_opener_that_fails_leaves_play_going_on_saving_nothing() -> None:
    def opener() -> Progress:
        raise RuntimeError("disk on fire")

    progress = Progress.opening(opener)
    assert not progress.saving
    assert "disk on fire" in progress.notice


def test_what_opening_said_is_kept_for_the_listener(tmp_path: Path) -> None:
    progress = Progress.opening(lambda: Progress(None, notice="Progress is not being saved: x"))
    progress.open_now()
    assert progress.notice == "Progress is not being saved: x"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX only")
def test_a_two_question_file_with_an_unfinished_game(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(
        scenario_yaml(
            [question_node("q1", _tf("They met."), "q2"), question_node("q2", _tf("Briefly."))]
        ),
        encoding="utf-8",
    )
    data = tmp_path / "data"
    _unfinished_game(data, path, theme="gruvbox")
    facts = Prestart.begin(path, str(data), helper=True).facts()
    assert facts.unfinished is True and facts.theme == "gruvbox"
