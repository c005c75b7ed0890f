"""A real browser: `newsquiz serve` on 127.0.0.1, headless Chromium plays a scenario to
its ending.  The screen's text is read from what the page received over its websocket
(the terminal is drawn on a canvas); a screenshot is saved in ``tests/browser_out/``.

Skipped, saying why, only where no Chromium (or its driver) is installed: ``make test``
installs Debian's ``chromium`` and ``chromium-driver`` where it can (root with apt).
"""

from __future__ import annotations

import base64
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from bench.bench_class import class_report, scenario_yaml, start_server

from newsquiz.serve.student import screen_text

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "browser_out"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="no Chromium here: install Debian's chromium and chromium-driver "
    "(make test does it when run as root with apt)",
)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1100,800",
)


class Page:
    """The browser's page, and the terminal text it has received."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.raw = bytearray()

    def _drain(self) -> None:
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") != "Network.webSocketFrameReceived":
                continue
            frame = msg["params"]["response"]
            if frame.get("opcode") == 2:
                self.raw += base64.b64decode(frame["payloadData"])

    def mark(self) -> int:
        self._drain()
        return len(self.raw)

    def wait_for(self, words: str, since: int = 0, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._drain()
            if words in screen_text(bytes(self.raw[since:])):
                return
            time.sleep(0.2)
        tail = screen_text(bytes(self.raw[since:]))[-400:]
        raise AssertionError(f"{words!r} never shown; last: {tail!r}")

    def type(self, keys: str) -> None:
        """Type into the terminal (xterm.js's input element), as a student does."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        box = self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        box.send_keys(keys.replace("\n", Keys.ENTER))


@pytest.mark.slow
def test_a_class_plays_in_chromium(tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "bench.yaml").write_text(scenario_yaml(), encoding="utf-8")
    server = start_server(tmp_path / "data", [tmp_path / "scenarios"], "7B")
    assert server.url.startswith("http://127.0.0.1:")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    try:
        driver.get(server.url + "/")
        assert driver.title == "newsquiz — class 7B"
        page = Page(driver)
        page.wait_for("Type your name")
        mark = page.mark()
        page.type("Ada\n")
        page.wait_for("player: Ada", since=mark)
        mark = page.mark()
        page.type("\n")
        for n in (1, 2, 3):
            page.wait_for(f"{n}. ", since=mark)
            mark = page.mark()
            page.type("1")
            page.wait_for("Correct", since=mark)
            mark = page.mark()
            page.type("\n")
        page.wait_for("Well read", since=mark)
        time.sleep(0.5)
        SHOTS.mkdir(exist_ok=True)
        assert driver.save_screenshot(str(SHOTS / "class-ending.png"))
        # the page fetched nothing but this server
        hosts = set()
        for entry in driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") == "Network.requestWillBeSent":
                hosts.add(msg["params"]["request"]["url"].split("/")[2])
        assert hosts <= {server.url.split("/")[2]}
    finally:
        driver.quit()
        server.stop()
    report = class_report(tmp_path / "data", "7B")
    (ada,) = report["students"]  # type: ignore[misc]
    assert ada["name"] == "Ada" and ada["best_percent"] == 100 and ada["finished"] == 1
