"""Convert a positioned YAML tree into model objects, reading the model's own fields.

Every problem is collected (not raised) so a teacher sees all of them in one pass.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union

from newsquiz.frozen import Frozen, lazy_dataclass
from newsquiz.scenario import model
from newsquiz.scenario.diagnostics import Diagnostic
from newsquiz.scenario.model import Branch, Evidence, Expr, Node, Pos, Route, Variable
from newsquiz.scenario.yamltree import YMap, YNode, YScalar, YSeq, kind_name

_INT = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class _Bad:
    """Marks a value that could not be converted (already reported)."""

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "<bad>"


BAD: Any = _Bad()

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))

_LABELS: dict[type, str] = {model.Node: "node", model.Choice: "choice", model.Ending: "ending"}


@lazy_dataclass(frozen=True, eq=False, repr=False)
class _FieldPlan(Frozen):
    name: str
    tp: Any
    required: bool
    meta: Mapping[str, Any]
    #: A plain text field (``str``, no pattern): the hot path in :meth:`Builder.build`.
    plain_text: bool = False
    #: ``tp`` without ``| None``, whether it had it, and its (origin, args): worked out
    #: once, because hashing typing constructs is slow and the loader is a hot path.
    inner: Any = None
    optional: bool = False
    shape: tuple[Any, tuple[Any, ...]] = (None, ())


_PLANS: dict[type, list[_FieldPlan]] = {}
_BY_NAME: dict[type, tuple[dict[str, _FieldPlan], list[_FieldPlan]]] = {}


def field_plan(cls: type) -> list[_FieldPlan]:
    """The public (non-internal) fields of a model class, with resolved types."""
    plan = _PLANS.get(cls)
    if plan is None:
        hints = typing.get_type_hints(cls, vars(model))
        plan = []
        for f in dataclasses.fields(cls):
            if f.metadata.get("internal"):
                continue
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            tp = hints[f.name]
            plain = tp is str and "pattern" not in f.metadata
            inner, optional = unwrap_optional(tp)
            shape = (typing.get_origin(inner), typing.get_args(inner))
            plan.append(_FieldPlan(f.name, tp, required, f.metadata, plain, inner, optional, shape))
        _PLANS[cls] = plan
    return plan


_UNWRAPPED: dict[Any, tuple[Any, bool]] = {}
_SHAPES: dict[int, tuple[Any, tuple[Any, ...]]] = {}


def unwrap_optional(tp: Any) -> tuple[Any, bool]:
    """``X | None`` → (X, True); anything else → (tp, False).  Memoised: a hot path."""
    found = _UNWRAPPED.get(tp)
    if found is None:
        found = (tp, False)
        origin = typing.get_origin(tp)
        if origin is Union or origin is types.UnionType:
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                found = (args[0], True)
        _UNWRAPPED[tp] = found
    return found


def _shape(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    """(origin, args) of a type, memoised."""
    found = _SHAPES.get(id(tp))
    if found is None:
        found = (typing.get_origin(tp), typing.get_args(tp))
        _KEPT.append(tp)
        _SHAPES[id(tp)] = found
    return found


_tuple_new = tuple.__new__
_int_match = _INT.fullmatch
_number_match = _NUMBER.fullmatch

# The kinds of model field type :meth:`Builder.convert` tells apart.
_K_CLASS, _K_EXPR, _K_STR, _K_BOOL, _K_INT, _K_FLOAT, _K_DATE, _K_OTHER = (
    "class",
    "expr",
    "str",
    "bool",
    "int",
    "float",
    "date",
    "other",
)
#: Keyed by ``id(tp)``: hashing a typing construct (``tuple[Route, ...]``) is slow, and
#: every type seen is kept alive in ``_KEPT``, so its id is never reused.
_KINDS: dict[int, str] = {}
_KEPT: list[Any] = []


def _kind(tp: Any) -> str:
    """Which branch of :meth:`Builder.convert` handles ``tp`` (memoised)."""
    if tp is Expr:
        kind = _K_EXPR
    elif tp is str:
        kind = _K_STR
    elif tp is bool:
        kind = _K_BOOL
    elif tp is int:
        kind = _K_INT
    elif tp is float:
        kind = _K_FLOAT
    elif tp is _dt.date:
        kind = _K_DATE
    elif _shape(tp)[0] not in (Literal, tuple, Mapping, dict, typing.Mapping) and (
        dataclasses.is_dataclass(tp) and isinstance(tp, type)
    ):
        kind = _K_CLASS
    else:
        kind = _K_OTHER
    _KEPT.append(tp)
    _KINDS[id(tp)] = kind
    return kind


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _pattern(pattern: str) -> re.Pattern[str]:
    found = _PATTERNS.get(pattern)
    if found is None:
        found = _PATTERNS[pattern] = re.compile(pattern)
    return found


def did_you_mean(word: str, options: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []

    # ------------------------------------------------------------------ helpers

    def report(self, code: str, message: str, node: YNode | Pos, *notes: str) -> None:
        line, col = node.line, node.col
        self.diagnostics.append(Diagnostic.make(code, message, self.file, line, col, notes))

    def wrong_type(self, node: YNode, expected: str, where: str) -> Any:
        got = kind_name(node)
        if isinstance(node, YScalar) and not node.is_null:
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "…"
            got = f"'{shown}'"
        notes: tuple[str, ...] = ()
        if where.endswith(".hints") and isinstance(node, YScalar) and not node.is_null:
            notes = (
                "hints are a list, each with its text (and a cost, 1 by default): write "
                f"'hints:', then on the next line, indented: '- text: {clip(node.value)}'",
            )
        self.report("NQ100", f"{where}: expected {expected}, got {got}", node, *notes)
        return BAD

    # --------------------------------------------------------------- conversion

    def convert(
        self,
        node: YNode,
        tp: Any,
        where: str,
        meta: Mapping[str, Any],
        shape: tuple[Any, tuple[Any, ...]] | None = None,
    ) -> Any:
        """Convert ``node`` to ``tp`` (not Optional; ``shape`` is its (origin, args))."""
        # Hot path: one dict look-up says which kind of type ``tp`` is (worked out once per
        # type, in the order the checks below used to be tried one after the other).
        kind = _KINDS.get(id(tp))
        if kind is None:
            kind = _kind(tp)
        if kind is _K_CLASS:
            if node.__class__ is YScalar:
                if tp is Evidence:
                    return Evidence(quote=node.value, pos=_tuple_new(Pos, (node.line, node.col)))
                if tp is Branch:
                    return Branch(goto=node.value, pos=_tuple_new(Pos, (node.line, node.col)))
            return self.build(node, tp, where)
        if kind is _K_EXPR:
            if node.__class__ is not YScalar or node.is_null:
                return self.wrong_type(node, "an expression (text)", where)
            # Point inside the quotes, so offsets into the source land on the token.
            shift = 1 if node.style in ('"', "'") else 0
            return Expr(node.value, _tuple_new(Pos, (node.line, node.col + shift)))
        if kind is _K_STR:
            if node.__class__ is not YScalar:
                return self.wrong_type(node, "text", where)
            pattern = meta.get("pattern")
            if pattern and not _pattern(pattern).match(node.value):
                self.report(
                    "NQ103",
                    f"{where}: '{node.value}' is not a valid id; use letters, digits, "
                    "'-', '_' and '.', starting with a letter or digit",
                    node,
                )
                return BAD
            return node.value
        if kind is _K_INT:
            if node.__class__ is YScalar and _int_match(node.value):
                return self.check_range(parse_int(node.value), node, where, meta)
            return self.wrong_type(node, "a whole number", where)
        if kind is _K_BOOL:
            if node.__class__ is YScalar and node.value in ("true", "false"):
                return node.value == "true"
            return self.wrong_type(node, "true or false", where)
        if kind is _K_FLOAT:
            if node.__class__ is YScalar and _number_match(node.value):
                return self.check_range(parse_float(node.value), node, where, meta)
            return self.wrong_type(node, "a number", where)
        if kind is _K_DATE:
            if node.__class__ is YScalar:
                m = _DATE.fullmatch(node.value)
                if m:
                    try:
                        return _dt.date(int(m[1]), int(m[2]), int(m[3]))
                    except ValueError:
                        pass
            return self.wrong_type(node, "a date as YYYY-MM-DD", where)
        origin, args = shape if shape is not None else _shape(tp)
        if origin is Literal:
            options = [str(a) for a in args]
            if isinstance(node, YScalar) and node.value in options:
                return node.value
            if isinstance(node, YScalar) and not node.is_null:
                self.report(
                    "NQ103",
                    f"{where}: '{node.value}' is not one of {', '.join(options)}"
                    + did_you_mean(node.value, options),
                    node,
                )
                return BAD
            return self.wrong_type(node, "one of " + ", ".join(options), where)
        if origin is tuple:
            (item_tp, _ellipsis) = args
            if where.endswith(".next") and item_tp is Route and isinstance(node, YScalar):
                return (Route(goto=node.value, pos=_tuple_new(Pos, (node.line, node.col))),)
            if isinstance(node, YScalar) and item_tp is str and not node.is_null:
                return (node.value,)  # a single item may be written without a list
            if not isinstance(node, YSeq):
                return self.wrong_type(node, "a list", where)
            items = []
            for i, item in enumerate(node.items):
                if item_tp is str and isinstance(item, YScalar) and item.is_null:
                    self.report("NQ100", f"{where}[{i + 1}]: expected text, got nothing", item)
                    continue
                if item_tp is Route and isinstance(item, YScalar):
                    items.append(Route(goto=item.value, pos=_tuple_new(Pos, (item.line, item.col))))
                    continue
                item_where = (
                    _choice_where(where, item, i)
                    if item_tp is model.Choice
                    else f"{where}[{i + 1}]"
                )
                value = self.convert(item, item_tp, item_where, {})
                if value is not BAD:
                    items.append(value)
            min_items = meta.get("min_items")
            if min_items and len(node.items) < min_items:
                self.report("NQ103", f"{where}: needs at least {min_items} item(s)", node)
            max_items = meta.get("max_items")
            if max_items is not None and len(node.items) > max_items:
                self.report(
                    "NQ103",
                    f"{where}: {len(node.items):,} items; at most {max_items} are allowed",
                    node.items[max_items],
                    f"item {max_items + 1} is the first one too many",
                )
                return BAD
            return tuple(items)
        if origin in (Mapping, dict, typing.Mapping):
            _key_tp, value_tp = args
            if not isinstance(node, YMap):
                return self.wrong_type(node, "a mapping", where)
            result: dict[str, Any] = {}
            for key, value_node in node.items:
                if value_tp is Variable:
                    value = self.variable(key, value_node, f"{where}.{key.value}")
                else:
                    value = self.convert(value_node, value_tp, f"{where}.{key.value}", {})
                if value is not BAD:
                    result[key.value] = value
            return result
        raise TypeError(f"model field type not supported: {tp!r}")  # pragma: no cover

    def check_range(self, value: float, node: YNode, where: str, meta: Mapping[str, Any]) -> Any:
        lo, hi = meta.get("minimum"), meta.get("maximum")
        if lo is not None and value < lo:
            self.report(
                "NQ103",
                f"{where}: {clip(node_text(node))} is below the minimum {number_word(lo)}",
                node,
            )
            return BAD
        if hi is not None and value > hi:
            self.report(
                "NQ103",
                f"{where}: {clip(node_text(node))} is above the maximum {number_word(hi)}",
                node,
            )
            return BAD
        return value

    def variable(self, key: YScalar, node: YNode, where: str) -> Any:
        if isinstance(node, YScalar):
            value = node.value
            pos = Pos(node.line, node.col)
            if node.quoted:
                return Variable(type="str", initial=value, pos=pos)
            if value in ("true", "false"):
                return Variable(type="bool", initial=value, pos=pos)
            if _INT.fullmatch(value):
                return Variable(type="int", initial=value, pos=pos)
            if node.is_null:
                self.report(
                    "NQ404",
                    f'{where}: give an initial value (0, false or "text") or '
                    "{type: …, initial: …}",
                    node,
                )
                return BAD
            return Variable(type="str", initial=value, pos=pos)
        return self.build(node, Variable, where)

    def build(self, node: YNode, cls: type, where: str) -> Any:
        if not isinstance(node, YMap):
            return self.wrong_type(node, "a mapping", where)
        label = _LABELS.get(cls)
        if label and cls is not model.Choice:
            ident = node.get("id")
            if isinstance(ident, YScalar) and ident.value:
                where = f"{label} '{ident.value}'"
        # One look-up for the class's fields by name and its required ones.
        found = _BY_NAME.get(cls)
        if found is None:
            plan = field_plan(cls)
            found = _BY_NAME[cls] = ({p.name: p for p in plan}, _required(cls))
        by_name, required = found
        values: dict[str, Any] = {}
        positions: dict[str, Pos] = {}
        ok = True
        #: Required fields missing because their key is misspelt: one error each, not two.
        misspelt: set[str] = set()
        for key, value_node in node.items:
            fp = by_name.get(key.value)
            if fp is None:
                close = difflib.get_close_matches(key.value, list(by_name), n=1, cutoff=0.6)
                notes: tuple[str, ...] = ()
                if close and by_name[close[0]].required and node.get(close[0]) is None:
                    misspelt.add(close[0])
                    notes = (
                        f"'{close[0]}' is required, so {where} cannot be used until it is fixed",
                    )
                self.report(
                    "NQ102",
                    f"unknown field '{key.value}' in {where}"
                    + (f" (did you mean '{close[0]}'?)" if close else ""),
                    key,
                    *notes,
                )
                continue
            positions[fp.name] = _tuple_new(Pos, (value_node.line, value_node.col))
            # Hot path: most fields are text.  (A null goes the long way: "" or an error.)
            if (
                fp.plain_text
                and value_node.__class__ is YScalar
                and (value_node.quoted or value_node.value not in _NULLS)
            ):
                values[fp.name] = value_node.value
                continue
            if (
                value_node.__class__ is YScalar
                and not value_node.quoted
                and value_node.value in _NULLS
            ):
                if fp.required:
                    self.report("NQ101", f"{where}.{fp.name} must not be empty", value_node)
                    ok = False
                elif not fp.optional and fp.inner is str:
                    values[fp.name] = ""
                continue
            value = self.convert(value_node, fp.inner, f"{where}.{fp.name}", fp.meta, fp.shape)
            if value is BAD and cls is model.Question and fp.name == "kind":
                # Reported already; check the rest of the question as the kind it is most
                # likely meant to be, so that its other problems show in the same run.
                value = _likely_kind(value_node)
            if value is BAD:
                if fp.required:
                    ok = False
                continue
            values[fp.name] = value
        for fp in required:
            if fp.name in misspelt:
                ok = False
            elif fp.name not in values and fp.name not in positions:
                self.report(
                    "NQ101",
                    f"{where} is missing required field '{fp.name}'",
                    node,
                    f"example: {fp.name}: {fp.meta.get('example', '…')}",
                )
                ok = False
        if not ok:
            return BAD
        if cls is Variable and "initial" not in values:
            values["initial"] = {"int": "0", "bool": "false", "str": ""}[values["type"]]
        values["pos"] = _tuple_new(Pos, (node.line, node.col))
        values["positions"] = positions
        return _construct(cls, values)


def _choice_where(where: str, item: YNode, index: int) -> str:
    """How messages name a choice: by its id (or the letter it gets), as the validator
    does: ``question 'q1' choice 'b'``, not ``node 'q1'.question.choices[2]``."""
    owner = where.removesuffix(".choices")
    if owner.startswith("node '") and owner.endswith("'.question"):
        owner = "question " + owner[len("node ") : -len(".question")]
    ident = item.get("id") if isinstance(item, YMap) else None
    name = ident.value if isinstance(ident, YScalar) and ident.value else model._letter_id(index)
    return f"{owner} choice '{name}'"


def _likely_kind(node: YNode) -> Any:
    """The question kind a misspelt ``kind:`` most likely means (BAD when none is close)."""
    if not isinstance(node, YScalar):
        return BAD
    kinds = [str(k) for k in typing.get_args(model.QuestionKind)]
    close = difflib.get_close_matches(node.value, kinds, n=1, cutoff=0.6)
    return close[0] if close else BAD


_REQUIRED: dict[type, list[_FieldPlan]] = {}
_DEFAULTS: dict[type, tuple[dict[str, Any], list[tuple[str, Any]]]] = {}


def _required(cls: type) -> list[_FieldPlan]:
    found = _REQUIRED.get(cls)
    if found is None:
        found = _REQUIRED[cls] = [fp for fp in field_plan(cls) if fp.required]
    return found


def _construct(cls: type, values: dict[str, Any]) -> Any:
    """``cls(**values)`` for a frozen model dataclass, without its generated ``__init__``.

    The loader builds thousands of these for a large file, and a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__``: filling the instance
    dict directly is four times faster.  Defaults come from the same dataclass fields;
    the model defines no ``__post_init__``.
    """
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        static: dict[str, Any] = {}
        factories: list[tuple[str, Any]] = []
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                static[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                factories.append((f.name, f.default_factory))
        defaults = _DEFAULTS[cls] = (static, factories)
    static, factories = defaults
    state = dict(static)
    for name, factory in factories:
        if name not in values:
            state[name] = factory()
    state.update(values)
    obj: Any = object.__new__(cls)
    obj.__dict__.update(state)
    return obj


#: More digits than any limit has: such a number is out of range without converting it
#: (``int()`` refuses more than 4,300 digits, ``float()`` gives inf).
_MAX_DIGITS = 30
_HUGE: int = 10**_MAX_DIGITS


def parse_int(text: str) -> int:
    """A whole number matching ``[+-]?[0-9]+``, its magnitude capped at 10**30 so that no
    text, however long, is ever converted digit by digit (out of range either way)."""
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > _MAX_DIGITS:
        return -_HUGE if text.startswith("-") else _HUGE
    return int(text)


def parse_float(text: str) -> float:
    """A number matching ``[+-]?(digits[.digits]|.digits)``, capped like :func:`parse_int`."""
    whole = text.lstrip("+-").split(".")[0].lstrip("0")
    if len(whole) > _MAX_DIGITS:
        return -1e30 if text.startswith("-") else 1e30
    return float(text[: _MAX_DIGITS * 2 + 2]) if len(text) > 64 else float(text)


def number_word(value: float) -> str:
    """A limit as people write it: ``1,000``, ``0.5``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


def clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def node_text(node: YNode) -> str:
    return node.value if isinstance(node, YScalar) else kind_name(node)


def build_scenario(root: YNode, file: str) -> tuple[model.Scenario | None, list[Diagnostic]]:
    builder = Builder(file)
    if not isinstance(root, YMap):
        builder.report(
            "NQ100",
            f"a scenario file must be a mapping of fields (format, id, title, …), "
            f"not {kind_name(root)}",
            root,
        )
        return None, builder.diagnostics
    fmt = root.get("format")
    if isinstance(fmt, YScalar) and fmt.value != str(model.FORMAT_VERSION):
        builder.report(
            "NQ104",
            f"format {fmt.value} is not supported; this newsquiz reads format "
            f"{model.FORMAT_VERSION}",
            fmt,
        )
        return None, builder.diagnostics
    scenario = builder.build(root, model.Scenario, "scenario")
    if scenario is BAD:
        return None, builder.diagnostics
    assert isinstance(scenario, model.Scenario)
    return scenario, builder.diagnostics


__all__ = ["BAD", "Builder", "Node", "build_scenario", "did_you_mean", "field_plan"]
