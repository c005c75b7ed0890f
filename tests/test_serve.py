"""`newsquiz serve`: the page shows nothing of the server and asks no other host; a few
students play at once over textual-serve's websocket and every answer reaches the class
report; a student who closes the tab resumes.  Only 127.0.0.1 is contacted."""

from __future__ import annotations

import asyncio
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.bench_class import QUESTIONS, Server, class_report, play, scenario_yaml, start_server

from newsquiz.serve.student import Student


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "bench.yaml").write_text(scenario_yaml(), encoding="utf-8")
    srv = start_server(tmp_path / "data", [tmp_path / "scenarios"], "7B")
    try:
        yield srv
    finally:
        srv.stop()


def test_landing_page_shows_nothing_of_the_server(server: Server, tmp_path: Path) -> None:
    with urllib.request.urlopen(server.url + "/", timeout=10) as resp:
        page = resp.read().decode("utf-8")
    assert "<title>newsquiz — class 7B</title>" in page
    assert "newsquiz — class 7B" in page
    # no command line, path, interpreter or data folder
    for secret in (str(tmp_path), "python", "--data-dir", "class play", "/usr", "/work"):
        assert secret not in page
    # every address on the page is this server's (the font too): works offline
    # (the SVG namespace is a name, never fetched)
    urls = re.findall(
        r"""(?:https?|wss?)://[^\s"'<>)]+""", page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert urls and all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1")) for u in urls), urls
    assert "googleapis" not in page
    assert "RobotoMono-VariableFont_wght.ttf" in page
    font = re.search(r'url\("([^"]+RobotoMono-VariableFont_wght.ttf)"\)', page)
    assert font is not None
    with urllib.request.urlopen(font.group(1), timeout=10) as resp:
        assert resp.status == 200 and len(resp.read()) > 10_000


@pytest.mark.slow
def test_five_students_at_once_every_answer_reported(server: Server) -> None:
    latencies: list[float] = []

    async def run() -> None:
        await asyncio.gather(*(play(server.url, f"s{i}", latencies, think_s=0.3) for i in range(5)))

    asyncio.run(run())
    assert len(latencies) == 5 * QUESTIONS
    report = class_report(server.data_dir, "7B")
    assert report["total_answers"] == 5 * QUESTIONS
    students = report["students"]
    assert isinstance(students, list)
    assert sorted(s["name"] for s in students) == [f"s{i}" for i in range(5)]
    assert all(s["answers"] == QUESTIONS and s["finished"] == 1 for s in students)


@pytest.mark.slow
def test_closing_the_tab_and_coming_back_resumes(server: Server) -> None:
    async def run() -> None:
        s = Student(server.url)
        await s.connect()
        await s.wait_for("Type your name", timeout=60)
        mark = s.mark()
        await s.keys("Ada\r")
        await s.wait_for("player: Ada", since=mark)
        mark = s.mark()
        await s.keys("\r")
        await s.wait_for("1. ", since=mark)
        await asyncio.sleep(0.3)
        mark = s.mark()
        await s.keys("1")
        await s.wait_for("Correct", since=mark)
        await s.close()  # the tab is closed
        await asyncio.sleep(1)
        s = Student(server.url)
        await s.connect()
        await s.wait_for("Type your name", timeout=60)
        mark = s.mark()
        await s.keys("Ada\r")
        await s.wait_for("player: Ada", since=mark)
        mark = s.mark()
        await s.keys("\r")
        # the saved game is offered, and continues at question 2
        await s.wait_for("ontinue", since=mark)
        mark = s.mark()
        await s.keys("c")
        await s.wait_for("2. ", since=mark)
        await s.close()

    asyncio.run(run())
    (ada,) = class_report(server.data_dir, "7B")["students"]  # type: ignore[misc]
    assert ada["attempts"] == 1 and ada["answers"] == 1
