"""JSON Schema and Markdown field reference, generated from the model's dataclasses.

`newsquiz schema` prints :func:`json_schema`; `docs/scenario-format.md` embeds
:func:`markdown_reference` (a test keeps the committed copy up to date, and
``newsquiz schema --markdown`` regenerates it).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import typing
from collections.abc import Mapping
from typing import Any, Literal

from newsquiz.scenario import model
from newsquiz.scenario.build import field_plan, unwrap_optional
from newsquiz.scenario.limits import MAX_NUMBER, MAX_TEXT_VALUE
from newsquiz.scenario.model import Branch, Evidence, Expr, Route, Variable

SCHEMA_ID = "https://newsquiz.invalid/schema/scenario-v1.json"

_INTEGER = r"^[+-]?[0-9]+$"


def _def_name(cls: type) -> str:
    return cls.__name__


def _type_schema(tp: Any, meta: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    tp, optional = unwrap_optional(tp)
    schema = _plain_type_schema(tp, meta, defs)
    if optional:
        schema = {"anyOf": [schema, {"type": "null"}]}
    return schema


def _plain_type_schema(tp: Any, meta: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if tp is str:
        # Any YAML scalar is read as the text it was typed as: `answer: true`, `title: 1984`.
        s: dict[str, Any] = {"type": ["string", "number", "boolean"]}
        if "pattern" in meta:
            s["pattern"] = meta["pattern"]
        return s
    if tp is Expr:
        return {"type": ["string", "boolean", "integer"], "description": "An expression."}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int or tp is float:
        s = {"type": "integer" if tp is int else "number"}
        s.update({k: meta[k] for k in ("minimum", "maximum") if k in meta})
        return s
    if tp is _dt.date:
        return {"type": "string", "format": "date"}
    origin = typing.get_origin(tp)
    if origin is Literal:
        return {"enum": [str(a) for a in typing.get_args(tp)]}
    if origin is tuple:
        item = typing.get_args(tp)[0]
        array: dict[str, Any] = {"type": "array", "items": _type_schema(item, {}, defs)}
        if "min_items" in meta:
            array["minItems"] = meta["min_items"]
        if "max_items" in meta:
            array["maxItems"] = meta["max_items"]
        if item is str:
            return {"anyOf": [array, {"type": "string"}]}
        if item is Route:
            return {"anyOf": [{"type": "string"}, array]}
        return array
    if origin in (dict, Mapping):
        value = typing.get_args(tp)[1]
        return {"type": "object", "additionalProperties": _type_schema(value, {}, defs)}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        name = _def_name(tp)
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _object_schema(tp, defs)
        ref = {"$ref": f"#/$defs/{name}"}
        if tp in (Evidence, Branch):
            return {"anyOf": [{"type": "string"}, ref]}
        if tp is Variable:
            # The short form `name: 0`: a whole number within the variable range.
            short = {
                "type": ["string", "integer", "boolean"],
                "minimum": -MAX_NUMBER,
                "maximum": MAX_NUMBER,
                "maxLength": MAX_TEXT_VALUE,
            }
            return {"anyOf": [short, ref]}
        return ref
    raise TypeError(f"no schema for {tp!r}")  # pragma: no cover


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for fp in field_plan(cls):
        prop = _type_schema(fp.tp, dict(fp.meta), defs)
        if fp.meta.get("doc"):
            prop = {"description": fp.meta["doc"], **prop}
        properties[fp.name] = prop
        if fp.required:
            required.append(fp.name)
    schema: dict[str, Any] = {
        "type": "object",
        "description": " ".join((cls.__doc__ or "").split()),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of format v1, for editors and other tools."""
    defs: dict[str, Any] = {}
    root = _object_schema(model.Scenario, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "newsquiz scenario (format 1)",
        **root,
        "$defs": defs,
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------- markdown


def _type_word(tp: Any) -> str:
    return _plain_type_word(unwrap_optional(tp)[0])


def _plain_type_word(tp: Any) -> str:
    if tp is str:
        return "text"
    if tp is Expr:
        return "expression"
    if tp is bool:
        return "true/false"
    if tp is int:
        return "whole number"
    if tp is float:
        return "number"
    if tp is _dt.date:
        return "date"
    origin = typing.get_origin(tp)
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(tp))
    if origin is tuple:
        item = typing.get_args(tp)[0]
        if item is Route:
            return "node id or list of [Route](#route)"
        return f"list of {_plain_type_word(item)}"
    if origin is not None and typing.get_args(tp)[1:]:
        value = typing.get_args(tp)[1]
        return f"mapping of name → {_plain_type_word(value)}"
    if isinstance(tp, type):
        name = tp.__name__
        link = f"[{name}](#{name.lower()})"
        if tp is Evidence:
            return f"quote text or {link}"
        if tp is Branch:
            return f"node id or {link}"
        if tp is Variable:
            return f"initial value or {link}"
        return link
    return str(tp)  # pragma: no cover


def _default_word(cls: type, name: str) -> str:
    for f in dataclasses.fields(cls):
        if f.name != name:
            continue
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            return "**required**"
        if f.default_factory is not dataclasses.MISSING:
            return "empty"
        if f.default is None:
            return "none"
        if f.default == "" or f.default == ():
            return "empty"
        if isinstance(f.default, bool):
            return "`true`" if f.default else "`false`"
        return f"`{f.default}`"
    return ""  # pragma: no cover


_DOCUMENTED = (
    model.Scenario,
    model.Article,
    Variable,
    model.Node,
    Route,
    model.Question,
    model.Choice,
    model.Hint,
    Evidence,
    Branch,
    model.Ending,
    model.ScoreBand,
)


def markdown_reference() -> str:
    """Every field of every object: type, default, example, meaning."""
    out: list[str] = []
    for cls in _DOCUMENTED:
        out.append(f"### {cls.__name__}\n")
        out.append(" ".join((cls.__doc__ or "").split()) + "\n")
        out.append("| field | type | default | example | meaning |")
        out.append("| --- | --- | --- | --- | --- |")
        for fp in field_plan(cls):
            example = str(fp.meta.get("example", "")).replace("\n", "⏎ ").replace("|", "\\|")
            meaning = str(fp.meta.get("doc", "")).replace("|", "\\|")
            out.append(
                f"| `{fp.name}` | {_type_word(fp.tp)} | {_default_word(cls, fp.name)} | "
                f"`{example}` | {meaning} |"
            )
        out.append("")
    return "\n".join(out)
