"""The library lists what its cache remembers at once, checks the files in the
background (saying how far it has got), and replaces the list when the files differ."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tui_helpers import BUNDLED, eventually, option_texts, widget_text

from newsquiz.store.tracker import Progress
from newsquiz.tui.app import make_app
from newsquiz.tui.library import LibraryScreen
from newsquiz.tui.scenario_list import ScenarioList


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    text = BUNDLED.read_text("utf-8")
    for i in range(count):
        copy = text.replace("id: g20-blinken-lavrov", f"id: copy-{i:03d}", 1)
        copy = copy.replace("title: Elbow brush in Delhi", f"title: Copy {i:03d}", 1)
        (folder / f"copy-{i:03d}.yaml").write_text(copy, "utf-8")
    return folder


def _app(folder: Path, cache: Path) -> Any:
    return make_app([folder], Progress(None), seed=7, library_cache=cache)


def _status(app: Any) -> str:
    return widget_text(app, "#library-status")


async def test_a_first_start_reads_in_the_background_and_says_how_far(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 12)
    cache = tmp_path / "cache.json"
    app = _app(folder, cache)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        # What the status line says while files are being read (the worker calls this).
        screen.reading(5, 12)
        assert _status(app).startswith("Reading new or changed files: 5 of 12…")
        await eventually(pilot, lambda: _status(app).startswith("12 of 12 scenarios"), 400)
        assert "reading" not in _status(app)
        assert option_texts(app)[0].startswith("Copy 000")
        assert cache.exists()


async def test_the_cache_is_shown_at_once_and_corrected_by_the_files(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 5)
    cache = tmp_path / "cache.json"
    async with _app(folder, cache).run_test(size=(80, 24)) as pilot:
        await eventually(pilot, lambda: _status(pilot.app).startswith("5 of 5"), 400)
    # Meanwhile a file is removed and one is added: the cache still lists the old five.
    (folder / "copy-000.yaml").unlink()
    shutil.copy(BUNDLED, folder / "zz-new.yaml")
    app = _app(folder, cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await eventually(pilot, lambda: any("Elbow brush" in t for t in option_texts(app)), 400)
        texts = option_texts(app)
        assert not any(t.startswith("Copy 000") for t in texts)
        assert _status(app).startswith("5 of 5 scenarios")
        listing = app.screen.query_one(ScenarioList)
        assert listing.option_count == 5
