"""What a teacher writing a scenario is told (issue 11): one run reports everything it
can, each problem once, choices named one way, and notes that say what to do."""

from __future__ import annotations

from newsquiz.scenario.loader import check_bytes
from samples import MINIMAL_SCENARIO


def diagnose(text: str) -> list[str]:
    result = check_bytes(text.encode("utf-8"), "s.yaml")
    return [d.format() for d in result.diagnostics]


def test_a_one_letter_field_typo_is_one_error() -> None:
    (only,) = diagnose(MINIMAL_SCENARIO.replace("prompt: Where", "promt: Where"))
    assert "error NQ102: unknown field 'promt' in node 'q1'.question (did you mean 'prompt'?)" in (
        only
    )
    assert "'prompt' is required" in only
    assert "NQ101" not in only


def test_a_misspelt_kind_does_not_hide_the_rest_of_the_question() -> None:
    text = MINIMAL_SCENARIO.replace(
        "    next: end\nendings",
        "    next: q2\n"
        "  - id: q2\n"
        "    question:\n"
        "      kind: truefalce\n"
        "      prompt: They met in Delhi.\n"
        "      answer: true\n"
        "      evidence: not in the article at all\n"
        "    next: end\n"
        "endings",
    )
    shown = diagnose(text)
    assert len(shown) == 2, shown
    assert "NQ103: node 'q2'.question.kind: 'truefalce' is not one of" in shown[0]
    assert "(did you mean 'truefalse'?)" in shown[0]
    assert "NQ501: question 'q2': the quote \"not in the article at all\"" in shown[1]


def test_choices_are_named_by_their_id_in_every_message() -> None:
    text = MINIMAL_SCENARIO.replace(
        "        - text: In Geneva\n",
        "        - text: In Geneva\n"
        "          correct: yes\n"
        "        - id: paris\n"
        "          text: In Paris\n"
        "          points: lots\n"
        "        - text: In Rome\n"
        "          goto: nowhere\n",
    )
    shown = diagnose(text)
    assert any("NQ100: question 'q1' choice 'b'.correct:" in d for d in shown), shown
    assert any("NQ100: question 'q1' choice 'paris'.points:" in d for d in shown), shown
    assert any("NQ201: question 'q1' choice 'd' goes to 'nowhere'" in d for d in shown), shown
    assert not any("choices[" in d for d in shown), shown


def test_a_variable_read_only_by_its_own_update_is_unused() -> None:
    text = MINIMAL_SCENARIO.replace(
        "nodes:\n  - id: q1\n",
        "variables:\n  count: 0\nnodes:\n  - id: q1\n    set:\n      count: count + 1\n",
    )
    (only,) = diagnose(text)
    assert "warning NQ403: variable 'count' is never read by any condition (only by its own" in (
        only
    )
    # Read by another variable's update: used.
    used = text.replace("variables:\n  count: 0\n", "variables:\n  count: 0\n  twice: 0\n").replace(
        "      count: count + 1\n", "      count: count + 1\n      twice: count * 2\n"
    )
    shown = diagnose(used)
    assert [d for d in shown if "'count'" in d] == []


def test_the_closest_passage_says_when_only_the_capitals_differ() -> None:
    (only,) = diagnose(MINIMAL_SCENARIO.replace("evidence: met in Delhi", "evidence: Met in delhi"))
    assert "error NQ501" in only
    assert "only the capitals differ: paragraph 1 has these words with other capital" in only
    (other,) = diagnose(MINIMAL_SCENARIO.replace("evidence: met in Delhi", "evidence: met in Rome"))
    assert "capitals" not in other


def test_an_article_folded_into_one_paragraph_is_reported_once() -> None:
    text = MINIMAL_SCENARIO.replace("  text: |\n", "  text: >\n").replace(
        "          evidence: met in Delhi\n",
        "          evidence:\n            quote: met in Delhi\n            paragraph: 2\n",
    ) + (
        "  - id: other\n    title: Other\n"  # not used; keeps the ending list valid
    )
    text = text.replace(
        "    next: end\nendings",
        "    next: q2\n"
        "  - id: q2\n"
        "    question:\n"
        "      kind: truefalse\n"
        "      prompt: The talks were short.\n"
        "      answer: true\n"
        "      evidence:\n        paragraph: 3\n"
        "    next: end\n"
        "endings",
    )
    shown = diagnose(text)
    nq503 = [d for d in shown if "NQ503" in d]
    assert len(nq503) == 1, shown
    assert "the whole article is one paragraph" in nq503[0]
    assert "write the article as `text: |`" in nq503[0]


def _only(text: str) -> str:
    shown = diagnose(text)
    assert len(shown) == 1, shown
    return shown[0]


def test_an_article_paragraph_indented_too_little_is_pointed_at() -> None:
    for spaces in (3, 2):
        text = MINIMAL_SCENARIO.replace(
            "\n    The talks lasted", "\n" + " " * spaces + "The talks lasted"
        )
        only = _only(text)
        assert only.startswith(f"s.yaml:9:{spaces + 1}: error NQ004"), only
        assert f"this line is indented {spaces} spaces, less than the 4 of the text block" in (only)


def test_an_unquoted_colon_in_a_value_shows_the_quoted_form() -> None:
    only = _only(MINIMAL_SCENARIO.replace("title: A minimal scenario", "title: Lavrov: no comment"))
    assert "mapping values are not allowed" in only
    assert 'must be quoted, e.g. title: "Lavrov: no comment"' in only


def test_a_field_indented_one_space_too_many_says_so() -> None:
    only = _only(MINIMAL_SCENARIO.replace("      prompt: Where", "       prompt: Where"))
    assert only.startswith("s.yaml:14:8: error NQ004: mapping values are not allowed")
    assert "indented 7 spaces, more than the field above (6)" in only


def test_a_field_after_a_list_item_key_compares_with_the_key_not_the_dash() -> None:
    """`  - id: q1` has its field at column 4: a next line at 5 is one too many (not 3
    more than the dash's 2, which would tell the teacher to indent it by 2)."""
    only = _only(
        MINIMAL_SCENARIO.replace("    question:\n      kind", "     question:\n      kind")
    )
    assert only.startswith("s.yaml:12:6: error NQ004: mapping values are not allowed"), only
    assert "indented 5 spaces, more than the field above (4)" in only


def test_a_field_between_two_indents_names_the_fields_it_could_line_up_with() -> None:
    """`did not find expected key` for a field one space off its mapping: the note gives
    the columns (and lines) of the fields above that it could belong with."""
    for old, new, line, note in (
        (
            "    next: end",
            "     next: end",
            20,
            "indented 5 spaces, but the fields above it are at 6 (line 15) and 4 (line 12)",
        ),
        (
            "    question:\n      kind",
            "    question:\n       kind",
            14,
            "indented 6 spaces, but the fields above it are at 7 (line 13) and 4 (line 12)",
        ),
    ):
        only = _only(MINIMAL_SCENARIO.replace(old, new))
        assert only.startswith(f"s.yaml:{line}:"), only
        assert "did not find expected key" in only
        assert note in only and "line it up with the field it belongs with" in only


def test_a_value_that_starts_with_a_quote_and_goes_on() -> None:
    only = _only(
        MINIMAL_SCENARIO.replace(
            "prompt: Where did the ministers meet?", 'prompt: "Lavrov" said what?'
        )
    )
    assert "did not find expected key" in only
    assert "quote the whole value, e.g. prompt: '\"Lavrov\" said what?'" in only
    assert "typographic quotes" in only


def test_a_list_item_indented_one_space_too_far() -> None:
    only = _only(
        MINIMAL_SCENARIO.replace("        - text: In Geneva", "         - text: In Geneva")
    )
    assert "this list item is indented 9 spaces and the one before it 8" in only


def test_hints_given_as_a_string_show_the_list_form() -> None:
    only = _only(
        MINIMAL_SCENARIO.replace(
            "      prompt: Where did the ministers meet?",
            "      prompt: Where did the ministers meet?\n      hints: Look at paragraph 1",
        )
    )
    assert "NQ100: node 'q1'.question.hints: expected a list" in only
    assert "'- text: Look at paragraph 1'" in only


def test_a_duplicate_choice_is_named_by_its_id() -> None:
    """Choices are named one way in every message: by id (as 'question q1 choice b')."""
    only = _only(
        MINIMAL_SCENARIO.replace("        - text: In Geneva", "        - text: In Geneva\n" * 2)
    )
    assert "NQ302: question 'q1': choice \"In Geneva\" appears twice (choices 'b' and 'c')" in only
