"""The "Limits" table in docs/scenario-format.md is the limits the code enforces.

The table is generated from :mod:`newsquiz.scenario.limits`; these tests check that the
committed copy is current and that every module enforcing a limit uses those constants
(so the table cannot drift from behaviour).
"""

from __future__ import annotations

from pathlib import Path

from newsquiz.engine import playtest
from newsquiz.scenario import expr, limits, model, quotes, validate, yamltree
from newsquiz.scenario.build import field_plan
from newsquiz.scenario.limits import limits_markdown

ROOT = Path(__file__).resolve().parent.parent
FORMAT_DOC = ROOT / "docs" / "scenario-format.md"
BEGIN = "<!-- BEGIN GENERATED LIMITS (newsquiz.scenario.limits) -->"
END = "<!-- END GENERATED LIMITS -->"


def test_limits_table_in_the_docs_is_current() -> None:
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    assert doc.count(BEGIN) == 1 and doc.count(END) == 1
    pasted = doc[doc.index(BEGIN) + len(BEGIN) : doc.index(END)].strip()
    assert pasted == limits_markdown().strip(), (
        "the Limits table in docs/scenario-format.md is out of date: paste "
        "newsquiz.scenario.limits.limits_markdown() between the GENERATED LIMITS lines"
    )


def _meta(cls: type, name: str) -> dict[str, object]:
    [fp] = [fp for fp in field_plan(cls) if fp.name == name]
    return dict(fp.meta)


def test_the_code_enforces_the_documented_constants() -> None:
    assert yamltree.MAX_BYTES == limits.MAX_FILE_BYTES
    assert yamltree.MAX_DEPTH == limits.MAX_YAML_DEPTH
    assert expr.MAX_LENGTH == limits.MAX_EXPR_LENGTH
    assert expr.MAX_DEPTH == limits.MAX_EXPR_DEPTH
    assert expr.MAX_OPERATORS == limits.MAX_EXPR_OPERATORS
    assert expr.MAX_NUMBER == limits.MAX_NUMBER
    assert expr.MAX_TEXT_VALUE == limits.MAX_TEXT_VALUE
    assert playtest.MAX_RANDOM_GAME_STEPS == limits.MAX_RANDOM_GAME_STEPS
    assert playtest.DEFAULT_MAX_STATES == limits.DEFAULT_MAX_STATES
    assert playtest.MAX_TEST_STEPS == limits.MAX_TEST_STEPS
    assert validate._CLOSEST_BUDGET == limits.MAX_CLOSEST_CHARS
    assert validate._SUGGESTION_BUDGET == limits.MAX_SUGGESTION_COMPARISONS
    assert quotes.MAX_FUZZY_QUOTE == limits.MAX_FUZZY_QUOTE
    ranges = {
        (model.Question, "points"): (0, limits.MAX_POINTS),
        (model.Choice, "points"): (-limits.MAX_POINTS, limits.MAX_POINTS),
        (model.Hint, "cost"): (0, limits.MAX_POINTS),
        (model.Scenario, "minutes"): (1, limits.MAX_MINUTES),
        (model.Evidence, "paragraph"): (1, limits.MAX_PARAGRAPH),
        (model.Question, "typos"): (0, limits.MAX_TYPOS),
        (model.Question, "tolerance"): (0, limits.MAX_NUMBER),
        (model.ScoreBand, "min"): (0, 100),
        (model.ScoreBand, "max"): (0, 100),
    }
    for (cls, name), (lo, hi) in ranges.items():
        meta = _meta(cls, name)
        assert (meta.get("minimum"), meta.get("maximum")) == (lo, hi), f"{cls.__name__}.{name}"
    items = {
        (model.Question, "choices"): limits.MAX_CHOICES,
        (model.Question, "items"): limits.MAX_ITEMS,
        (model.Question, "hints"): limits.MAX_HINTS,
        (model.Question, "answers"): limits.MAX_ANSWERS,
    }
    for (cls, name), most in items.items():
        assert _meta(cls, name).get("max_items") == most, f"{cls.__name__}.{name}"


def test_the_json_schema_carries_the_ranges() -> None:
    from newsquiz.scenario.schema import json_schema

    defs = json_schema()["$defs"]
    points = defs["Question"]["properties"]["points"]
    assert (points["minimum"], points["maximum"]) == (0, limits.MAX_POINTS)
    choices = defs["Question"]["properties"]["choices"]
    assert choices["maxItems"] == limits.MAX_CHOICES
