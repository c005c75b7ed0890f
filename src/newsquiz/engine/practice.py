"""A practice round: the questions a player missed, asked again in a straight line."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

from newsquiz.scenario.model import END, Ending, Node, Route, Scenario

PRACTICE_SUFFIX = "~practice"


def practice_scenario(scenario: Scenario, node_ids: Sequence[str]) -> Scenario:
    """A scenario holding only the question nodes ``node_ids``, one after another.

    Narrative, branches, variables and conditions are dropped: practice is about the
    questions and their evidence.  Raises ValueError when none of the ids is a question.
    """
    by_id = scenario.node_map
    wanted: list[Node] = []
    for node_id in dict.fromkeys(node_ids):
        node = by_id.get(node_id)
        if node is not None and node.question is not None:
            wanted.append(node)
    if not wanted:
        raise ValueError("there is nothing to practise")
    nodes = []
    for i, node in enumerate(wanted):
        goto = wanted[i + 1].id if i + 1 < len(wanted) else END
        q = node.question
        assert q is not None
        q = dataclasses.replace(
            q,
            on_correct=None,
            on_partial=None,
            on_wrong=None,
            choices=tuple(dataclasses.replace(c, goto=None, set={}, when=None) for c in q.choices),
        )
        nodes.append(
            dataclasses.replace(
                node, text="", when=None, set={}, question=q, next=(Route(goto=goto),)
            )
        )
    ending = Ending(
        id="practice-done",
        title="Practice done",
        text="You have gone through every question you missed. Well done for coming back.",
    )
    digest = hashlib.sha256(
        (scenario.content_hash + "\0" + "\0".join(n.id for n in wanted)).encode()
    ).hexdigest()
    return dataclasses.replace(
        scenario,
        id=scenario.id + PRACTICE_SUFFIX,
        title=f"Practice: {scenario.title}",
        nodes=tuple(nodes),
        endings=(ending,),
        variables={},
        start="",
        content_hash=digest,
    )
