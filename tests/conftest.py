"""Shared helpers for the test suite: build small scenarios inline."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsquiz.scenario.loader import load, loads
from newsquiz.scenario.model import Scenario

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"

#: The article every inline test scenario is built on (paragraphs numbered from 1).
ARTICLE_PARAGRAPHS: tuple[str, ...] = (
    "The two ministers met briefly in Delhi on Thursday.",
    "According to an official, the talks lasted less than 10 minutes.",
    "They last met in Geneva in January 2022.",
    "Paul Whelan, an American, is being held in Russia.",
)
ARTICLE_TEXT = "\n\n".join(ARTICLE_PARAGRAPHS) + "\n"


@pytest.fixture(autouse=True)
def _timezone_does_not_leak() -> Iterator[None]:
    """A test that changes the process's timezone must put it back (``time.tzset`` is
    process-wide: a monkeypatched ``TZ`` alone leaves the C library in the test's zone)."""
    before = (os.environ.get("TZ"), time.tzname, time.timezone)
    yield
    assert (os.environ.get("TZ"), time.tzname, time.timezone) == before, (
        "this test left the timezone changed: use the utc fixture"
    )


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the test in UTC, and restore the timezone afterwards."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class _NoAliasDumper(yaml.SafeDumper):
    """The scenario reader refuses anchors and aliases, so never write any."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def scenario_yaml(
    nodes: Sequence[Mapping[str, Any]],
    endings: Sequence[Mapping[str, Any]] | None = None,
    *,
    variables: Mapping[str, Any] | None = None,
    scenario_id: str = "test-scenario",
    **top: Any,
) -> str:
    """YAML text of a scenario with the given nodes (and a single ending by default).

    ``top`` adds scenario fields (``shuffle``, ``skippable``, ``start``…).
    """
    doc: dict[str, Any] = {
        "format": 1,
        "id": scenario_id,
        "title": "Test scenario",
        "article": {"headline": "Ministers meet", "text": ARTICLE_TEXT},
        **top,
    }
    if variables:
        doc["variables"] = dict(variables)
    doc["nodes"] = [dict(n) for n in nodes]
    doc["endings"] = [dict(e) for e in (endings or [{"id": "done", "title": "Done"}])]
    return yaml.dump(doc, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=10_000)


def make_scenario(
    nodes: Sequence[Mapping[str, Any]],
    endings: Sequence[Mapping[str, Any]] | None = None,
    **kwargs: Any,
) -> Scenario:
    """A validated scenario built with :func:`loads` from :func:`scenario_yaml`."""
    return loads(scenario_yaml(nodes, endings, **kwargs))


def question_node(
    node_id: str, question: Mapping[str, Any], nxt: Any = "end", **extra: Any
) -> dict[str, Any]:
    """A node asking ``question``; ``nxt`` is its ``next`` (None for none)."""
    node: dict[str, Any] = {"id": node_id, "question": dict(question), **extra}
    if nxt is not None:
        node["next"] = nxt
    return node


def single(
    prompt: str = "Where did they meet?",
    *,
    correct: int = 0,
    texts: Sequence[str] = ("Delhi", "Geneva", "Moscow"),
    **fields: Any,
) -> dict[str, Any]:
    """A single-choice question with ids a, b, c… and choice ``correct`` right."""
    choices = [
        {"text": t, **({"correct": True} if i == correct else {})} for i, t in enumerate(texts)
    ]
    return {
        "kind": "single",
        "prompt": prompt,
        "choices": choices,
        "evidence": "met briefly in Delhi",
        **fields,
    }


@pytest.fixture(scope="session")
def bundled() -> Scenario:
    """The bundled G20 scenario."""
    return load(BUNDLED)


def correct_response(session: Any) -> Any:
    """A fully correct response to the session's open question (by choice id)."""
    from newsquiz.scenario.model import choice_ids

    q = session.question
    assert q is not None, "no open question"
    if q.kind in ("single", "multiple"):
        by_id = dict(zip(choice_ids(q), q.choices))
        right = [c.id for c in session.choices() if by_id[c.id].correct]
        return right[0] if q.kind == "single" else right
    if q.kind == "truefalse":
        return q.answer
    if q.kind == "text":
        return q.answers[0]
    if q.kind == "numeric":
        return q.answer
    return list(range(len(q.items)))


def play_perfectly(session: Any, limit: int = 1000) -> None:
    """Advance and answer every question correctly (first time) until the end."""
    for _ in range(limit):
        if session.finished:
            return
        if session.question is None:
            session.advance()
        else:
            session.answer(correct_response(session))
    raise AssertionError("the session did not finish")
