"""The author's preview: `newsquiz play FILE --from NODE --set name=value [--watch]`.

Nothing here touches the screen: it makes the scenario to preview (another start node,
other initial values) and, after a reload, works out where the player should be.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping, Sequence

from newsquiz.engine.session import Session
from newsquiz.scenario.limits import MAX_NUMBER, MAX_TEXT_VALUE
from newsquiz.scenario.model import Scenario, Variable


class PreviewError(ValueError):
    """A bad --from or --set; the message says what is allowed."""


def _suggest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_start(scenario: Scenario, node_id: str) -> None:
    if node_id in scenario.node_map:
        return
    if node_id in scenario.ending_map or node_id == "end":
        raise PreviewError(f"--from {node_id}: that is an ending; give a node to start at")
    ids = [n.id for n in scenario.nodes]
    raise PreviewError(
        f"--from {node_id}: no node '{node_id}' in the scenario{_suggest(node_id, ids)}; "
        f"nodes: {', '.join(ids[:12])}{' …' if len(ids) > 12 else ''}"
    )


_INT = re.compile(r"[+-]?\d{1,18}")


def parse_sets(scenario: Scenario, items: Sequence[str]) -> dict[str, str]:
    """``name=value`` settings, checked against the declared variables and their types;
    the values are returned as initial values (the format's text form)."""
    out: dict[str, str] = {}
    declared = scenario.variables
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise PreviewError(f"--set {item}: write it as name=value, e.g. --set trust=2")
        var = declared.get(name)
        if var is None:
            if not declared:
                raise PreviewError(f"--set {name}: the scenario declares no variables")
            raise PreviewError(
                f"--set {name}: no variable '{name}' is declared{_suggest(name, list(declared))}; "
                f"declared: {', '.join(sorted(declared))}"
            )
        if var.type == "int" and not _INT.fullmatch(value.strip()):
            raise PreviewError(f"--set {name}={value}: '{name}' is a whole number (int)")
        if var.type == "int" and abs(int(value)) > MAX_NUMBER:
            raise PreviewError(
                f"--set {name}={value}: a whole-number variable holds −{MAX_NUMBER:,} to "
                f"{MAX_NUMBER:,}"
            )
        if var.type == "str" and len(value) > MAX_TEXT_VALUE:
            raise PreviewError(
                f"--set {name}=…: a text variable holds at most {MAX_TEXT_VALUE:,} characters"
            )
        if var.type == "bool" and value.strip() not in ("true", "false"):
            raise PreviewError(f"--set {name}={value}: '{name}' is true or false (bool)")
        out[name] = value.strip() if var.type != "str" else value
    return out


def preview_scenario(
    scenario: Scenario, start: str | None = None, initial: Mapping[str, str] | None = None
) -> Scenario:
    """``scenario`` starting at ``start`` with the given initial values."""
    changes: dict[str, object] = {}
    if start:
        check_start(scenario, start)
        changes["start"] = start
    if initial:
        variables: dict[str, Variable] = dict(scenario.variables)
        for name, value in initial.items():
            variables[name] = dataclasses.replace(variables[name], initial=value)
        changes["variables"] = variables
    return dataclasses.replace(scenario, **changes) if changes else scenario  # type: ignore[arg-type]


@dataclasses.dataclass(frozen=True)
class Resumed:
    session: Session
    node: str
    message: str


def resume_after_edit(
    old: Session | None,
    new: Scenario,
    *,
    start: str | None = None,
    initial: Mapping[str, str] | None = None,
    seed: int = 0,
) -> Resumed:
    """A session of the edited scenario ``new`` where ``old`` was: at the same node if
    it still exists, else at the nearest earlier node of the path that does, else at
    the start; variables that still exist with the same type keep their values, and the
    score so far is kept."""
    fresh_start = start if start and start in new.node_map else None
    if old is None or old.finished:
        scenario = preview_scenario(new, fresh_start, initial)
        session = Session(scenario, seed)
        return Resumed(session, session.visit.node_id, "")
    here = old.visit.node_id
    target = None
    message = ""
    if here in new.node_map:
        target = here
        message = f"Reloaded; still at '{here}'."
    else:
        for node_id in reversed(old.path[:-1]):
            if node_id in new.node_map:
                target = node_id
                message = (
                    f"Reloaded; node '{here}' is gone: back at '{node_id}', "
                    "the nearest earlier node."
                )
                break
    if target is None:
        target = fresh_start or new.start_id
        message = f"Reloaded; node '{here}' is gone: back at the start ('{target}')."
    values: dict[str, str] = dict(initial or {})
    for name, var in new.variables.items():
        was = old.scenario.variables.get(name)
        if name in old.variables and was is not None and was.type == var.type:
            value = old.variables[name]
            values[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    scenario = preview_scenario(new, target, values)
    session = Session(scenario, seed)
    session.score = old.score
    session.correct_count = old.correct_count
    session.wrong_count = old.wrong_count
    session.streak = old.streak
    session.best_streak = old.best_streak
    session.answered = {n for n in old.answered if n in new.node_map and n != target}
    return Resumed(session, target, message)
