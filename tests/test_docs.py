"""The documentation and the committed schema stay in step with the code.

* the field reference in ``docs/scenario-format.md`` is exactly what
  ``newsquiz schema --markdown`` prints;
* ``schema/scenario.schema.json`` is exactly what ``newsquiz schema`` prints;
* every complete example in the format doc (a ```yaml block starting with ``format: 1``)
  validates without errors;
* the JSON Schema accepts the bundled scenario.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsquiz.scenario.loader import check_bytes
from newsquiz.scenario.schema import json_schema, json_schema_text, markdown_reference

ROOT = Path(__file__).resolve().parent.parent
FORMAT_DOC = ROOT / "docs" / "scenario-format.md"
SCHEMA_FILE = ROOT / "schema" / "scenario.schema.json"
BUNDLED = ROOT / "scenarios" / "g20-blinken-lavrov.yaml"

BEGIN = "<!-- BEGIN GENERATED REFERENCE (newsquiz schema --markdown) -->"
END = "<!-- END GENERATED REFERENCE -->"

_YAML_BLOCK = re.compile(r"^```yaml[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def _doc() -> str:
    return FORMAT_DOC.read_text(encoding="utf-8")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# ------------------------------------------------------------ field reference


def test_generated_reference_is_current() -> None:
    doc = _doc()
    lines = doc.splitlines()
    assert lines.count(BEGIN) == 1, f"{FORMAT_DOC.name}: needs exactly one line '{BEGIN}'"
    assert lines.count(END) == 1, f"{FORMAT_DOC.name}: needs exactly one line '{END}'"
    start = doc.index(BEGIN) + len(BEGIN)
    stop = doc.index(END)
    assert start < stop, f"{FORMAT_DOC.name}: '{END}' comes before '{BEGIN}'"
    pasted = doc[start:stop].strip()
    assert pasted == markdown_reference().strip(), (
        f"the field reference in {FORMAT_DOC.relative_to(ROOT)} is out of date: run "
        "`newsquiz schema --markdown` and paste its output between the BEGIN and END "
        "GENERATED REFERENCE lines"
    )


# ------------------------------------------------------------ committed schema


def test_committed_json_schema_is_current() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == json_schema_text(), (
        f"{SCHEMA_FILE.relative_to(ROOT)} is out of date: run "
        f"`newsquiz schema > {SCHEMA_FILE.relative_to(ROOT)}`"
    )


# ------------------------------------------------------------ examples in the doc


def _complete_examples() -> list[Any]:
    doc = _doc()
    examples = []
    for match in _YAML_BLOCK.finditer(doc):
        body = match.group(1)
        if body.startswith("format: 1") or (
            body.startswith("# yaml-language-server:") and "\nformat: 1" in body
        ):
            line = _line_of(doc, match.start(1))
            examples.append(pytest.param(line, body, id=f"line-{line}"))
    return examples


EXAMPLES = _complete_examples()


def test_format_doc_has_complete_examples() -> None:
    assert len(EXAMPLES) >= 2, "the minimal and the branching example should be checked"


@pytest.mark.parametrize(("line", "body"), EXAMPLES)
def test_complete_example_validates(line: int, body: str) -> None:
    result = check_bytes(body.encode("utf-8"), f"{FORMAT_DOC.name} (example at line {line})")
    shown = "\n".join(d.format() for d in result.diagnostics)
    assert result.scenario is not None, f"example at line {line} does not load:\n{shown}"
    assert not result.errors, f"example at line {line} has errors:\n{shown}"


def test_the_minimal_example_starts_with_the_editor_line_and_is_clean() -> None:
    line, body = EXAMPLES[0].values
    assert body.splitlines()[0].startswith("# yaml-language-server: $schema="), line
    result = check_bytes(body.encode("utf-8"), "minimal example")
    assert result.scenario is not None and result.diagnostics == ()


def test_the_article_section_invents_no_source() -> None:
    """The supplied Blinken–Lavrov text gives no outlet, byline, date or address (issue 11):
    the docs must not give it one."""
    doc = _doc()
    section = doc[doc.index("## 4. The article and evidence") : doc.index("## 5. Nodes")]
    for invented in ("BBC", "Landale", "bbc.co.uk", "2023-03-02", "published: 2"):
        assert invented not in section, invented
    assert "Landale" not in doc and "BBC News" not in doc


# ------------------------------------------------------------ schema vs scenario


def _jsonable(value: Any) -> Any:
    """What an editor's YAML reader would hand to the schema: dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def test_json_schema_accepts_the_bundled_scenario() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    data = _jsonable(yaml.safe_load(BUNDLED.read_text(encoding="utf-8")))
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    shown = "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)
    assert not errors, f"the JSON Schema rejects {BUNDLED.name}:\n{shown}"


def test_json_schema_text_is_the_schema() -> None:
    assert json.loads(json_schema_text()) == json_schema()
