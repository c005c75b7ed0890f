"""The library's scan and its cache of summaries."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from newsquiz.cli import bundled_scenarios_dir
from newsquiz.scenario.library import (
    HEAD_ENTRIES,
    Entry,
    Listing,
    broken_count,
    cached_entries,
    cached_listing,
    matches,
    scan,
)

BUNDLED = bundled_scenarios_dir() / "g20-blinken-lavrov.yaml"


def _library(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    shutil.copy(BUNDLED, folder / "g20.yaml")
    (folder / "broken.yaml").write_text("format: 1\ntitle: a\ntitle: b\n", "utf-8")
    (folder / "notes.txt").write_text("not a scenario", "utf-8")
    return folder


def test_scan_lists_valid_and_broken_files(tmp_path: Path) -> None:
    entries = scan([_library(tmp_path), tmp_path / "missing"])
    assert [e.path.name for e in entries] == ["g20.yaml", "broken.yaml"]
    good, bad = entries
    assert good.ok and good.summary.title == "Elbow brush in Delhi"
    # The supplied article gives no date, so the bundled scenario gives none either.
    assert good.summary.questions == 15 and good.summary.published == ""
    assert not bad.ok and "broken.yaml:3:1: NQ009" in bad.problem
    assert matches(good, "delhi DIPLOMACY") and not matches(good, "brexit")


def test_cache_lists_unchanged_files_without_reading_them(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    cache = tmp_path / "cache.json"
    seen: list[tuple[int, int]] = []
    first = scan([folder], cache, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]  # both files read and validated, progress said
    assert all(e.result is None for e in first)  # only summaries are kept
    head, files = cache.read_text("utf-8").split("\n")  # two lines of JSON
    assert json.loads(files)["files"] and json.loads(head)["head"]["count"] == 2

    again = cached_entries([folder], cache)
    assert again is not None
    assert [e.summary for e in again] == [e.summary for e in first]
    assert all(e.result is None for e in again)  # from the cache only
    # Played from the cache: the file is read in full then.
    assert again[0].scenario is not None and again[0].result is not None
    seen.clear()
    scan([folder], cache, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == []  # nothing changed: nothing read


def test_cache_notices_an_edited_file(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    cache = tmp_path / "cache.json"
    scan([folder], cache)
    target = folder / "g20.yaml"
    text = target.read_text("utf-8").replace(
        "title: Elbow brush in Delhi", "title: Edited title", 1
    )
    target.write_text(text, "utf-8")
    os.utime(target, ns=(1, 1))  # a different stamp even on a coarse clock
    shown_at_once = cached_entries([folder], cache)
    assert shown_at_once is not None
    assert "Elbow brush in Delhi" in [e.summary.title for e in shown_at_once]
    titles = [e.summary.title for e in scan([folder], cache)]  # then the files are checked
    assert "Edited title" in titles


def test_the_cache_lists_only_what_is_under_the_paths_asked_for(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    other = tmp_path / "lib-other"
    other.mkdir()
    shutil.copy(BUNDLED, other / "copy.yaml")
    cache = tmp_path / "cache.json"
    scan([folder, other], cache)
    only = cached_entries([other], cache)
    assert only is not None and [e.path.name for e in only] == ["copy.yaml"]
    one = cached_entries([folder / "g20.yaml"], cache)
    assert one is not None and [e.path.name for e in one] == ["g20.yaml"]
    assert cached_entries([folder], tmp_path / "no-cache.json") is None


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    cache = tmp_path / "cache.json"
    for garbage in ("{not json", '{"version": 1, "files": []}', "[]", ""):
        cache.write_text(garbage, "utf-8")
        entries = scan([folder], cache)
        assert [e.path.name for e in entries] == ["g20.yaml", "broken.yaml"]
        assert entries[0].ok


def test_a_file_about_to_be_played_is_read_once(tmp_path: Path) -> None:
    """`newsquiz play FILE`: the scan keeps what it read (keep=True), so playing the file
    does not read and validate it again; a library scan keeps summaries only."""
    folder = _library(tmp_path)
    (kept,) = scan([folder / "g20.yaml"], keep=True)
    assert kept.result is not None and kept.result.ok
    assert kept.scenario is kept.result.scenario  # no second read
    assert all(e.result is None for e in scan([folder]))


def test_cached_entries_make_their_paths_when_asked(tmp_path: Path) -> None:
    """Listed from the cache, an entry is the same as the scan's: its path (made when
    first asked for), its summary, and equal to an entry of the same file."""
    folder = _library(tmp_path)
    cache = tmp_path / "cache.json"
    scanned = scan([folder], cache)
    listed = cached_entries([folder], cache)
    assert listed is not None
    assert [e.path for e in listed] == [e.path.resolve() for e in scanned]
    assert all(isinstance(e.path, Path) for e in listed)
    assert listed == [Entry(e.path.resolve(), e.summary) for e in scanned]
    listed[0].path = folder / "elsewhere.yaml"  # a path can still be set
    assert listed[0].path.name == "elsewhere.yaml"


def test_a_big_library_is_listed_from_the_cache_head(tmp_path: Path) -> None:
    """Thousands of scenarios: the list is on screen after reading the cache's first
    line (the first entries and how many there are); the rest is read when needed, and
    is the same list as reading it all."""
    folder = _library(tmp_path)
    for i in range(HEAD_ENTRIES + 5):  # a few more than the head holds
        (folder / f"copy-{i:03d}.yaml").write_bytes(BUNDLED.read_bytes())
    cache = tmp_path / "cache.json"
    scanned = scan([folder], cache)
    whole = cached_entries([folder], cache)
    listing = cached_listing([folder], cache)
    assert isinstance(listing, Listing) and whole is not None
    assert len(listing) == len(whole) == len(scanned) == HEAD_ENTRIES + 7
    assert broken_count(listing) == 1  # known from the head: nothing else read
    assert listing[0] == whole[0] and listing[HEAD_ENTRIES - 1] == whole[HEAD_ENTRIES - 1]
    assert listing._all is None  # only the head so far
    assert listing[-1] == whole[-1]  # past the head: the rest is read
    assert list(listing) == whole and broken_count(listing) == 1
    # Another set of folders than the head was written for: the whole list, read now.
    other = cached_listing([folder, tmp_path / "missing"], cache)
    assert not isinstance(other, Listing) and other == whole
    # A damaged head: the whole list; a damaged cache: nothing (the scan decides).
    text = cache.read_text("utf-8")
    first, rest = text.split("\n")
    cache.write_text('{"version": 2, "head": 3}\n' + rest, "utf-8")
    assert cached_listing([folder], cache) == whole
    head = json.loads(first)
    head["head"]["entries"].pop()  # holds less than it says
    cache.write_text(json.dumps(head) + "\n" + rest, "utf-8")
    assert cached_listing([folder], cache) == whole
    head["head"]["count"] = 1000  # says more than there are: the rest says how many
    cache.write_text(json.dumps(head) + "\n" + rest, "utf-8")
    wrong = cached_listing([folder], cache)
    assert wrong is not None and list(wrong) == whole and len(wrong) == len(whole)
    # The rest damaged: the head is what is listed (the scan then replaces it).
    cache.write_text(first + "\n{not json", "utf-8")
    damaged = cached_listing([folder], cache)
    assert damaged is not None and list(damaged) == whole[:HEAD_ENTRIES]
    assert [e.path.name for e in scan([folder], cache)] == [e.path.name for e in scanned]
    assert cached_listing([folder], cache) is not None


def test_a_small_library_is_all_in_the_head(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    cache = tmp_path / "cache.json"
    scanned = scan([folder], cache)
    listed = cached_listing([folder], cache)
    assert isinstance(listed, list)
    assert [e.summary for e in listed] == [e.summary for e in scanned]
    empty = tmp_path / "empty"
    empty.mkdir()
    scan([empty], cache)
    assert cached_listing([empty], cache) is None  # nothing listed: wait for the scan
