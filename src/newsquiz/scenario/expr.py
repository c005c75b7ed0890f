"""The small expression language of scenario files.

Teachers write conditions and assignments such as ``when: "trust >= 2 and not met_whelan"``
or ``set: {trust: "trust + 1"}``.  This module parses them (never with Python's ``eval``),
type-checks them against the declared variables and evaluates them.

Grammar, lowest precedence first::

    expr   := or
    or     := and ("or" and)*
    and    := not ("and" not)*
    not    := "not" not | cmp
    cmp    := sum [("==" | "!=" | "<" | "<=" | ">" | ">=") sum]   # no chains: a < b < c
    sum    := term (("+" | "-") term)*
    term   := unary (("*" | "//" | "%") unary)*
    unary  := "-" unary | atom
    atom   := INT | "true" | "false" | STRING | NAME | "(" expr ")"

* ``INT`` is decimal digits (``-5`` is unary minus applied to ``5``); ``STRING`` is in double
  or single quotes, on one line, with the escapes ``\\"``, ``\\'`` and ``\\\\`` only;
  ``NAME`` is ``[A-Za-z_][A-Za-z0-9_]*`` other than ``and or not true false``.
* Types: ``and or not`` need true/false; ``== !=`` need both sides of the same type;
  ``< <= > >=`` need two ints or two strings; ``+`` adds two ints or joins two strings;
  ``- * // %`` and unary ``-`` need ints.  Comparisons give true/false.
* ``//`` rounds down and ``%`` takes the sign of the divisor (as in Python); dividing by
  zero gives 0 instead of failing.  A type-checked expression never fails to evaluate.
* Limits: at most :data:`MAX_LENGTH` characters, :data:`MAX_DEPTH` levels of parentheses
  and prefix operators, and :data:`MAX_OPERATORS` operators; whole numbers (literals and
  every value computed) within ±:data:`MAX_NUMBER`, texts computed at most
  :data:`MAX_TEXT_VALUE` characters.  Going past a value limit while evaluating raises
  :class:`ValueOutOfRange` (``s + s`` in a loop doubles a text every time).

Every error is an :class:`ExprError` with a ``message`` for the teacher and the ``offset``
and ``length`` of the offending text.  When the text ends too early, the error points at
the last token (e.g. the ``and`` in ``"a and"``).
"""

from __future__ import annotations

import difflib
import functools
import string
from collections.abc import Mapping
from dataclasses import field, replace
from enum import Enum
from typing import TypeAlias, TypeVar

from newsquiz.frozen import Frozen, lazy_dataclass
from newsquiz.scenario import limits

__all__ = [
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NUMBER",
    "MAX_OPERATORS",
    "MAX_TEXT_VALUE",
    "Binary",
    "Compare",
    "Expr",
    "ExprError",
    "ExprSyntaxError",
    "ExprTypeError",
    "Expression",
    "Literal",
    "Name",
    "Unary",
    "UndeclaredName",
    "Value",
    "ValueOutOfRange",
    "VarType",
    "check",
    "evaluate",
    "is_valid_name",
    "names",
    "parse",
    "to_source",
    "value_type",
]

#: Longest accepted source text, in characters.
MAX_LENGTH = limits.MAX_EXPR_LENGTH
#: Deepest accepted nesting of parentheses, ``not`` and unary ``-``.
MAX_DEPTH = limits.MAX_EXPR_DEPTH
#: Most operators accepted in one expression (keeps every tree shallow).
MAX_OPERATORS = limits.MAX_EXPR_OPERATORS
#: Largest magnitude of a whole number, written or computed.
MAX_NUMBER = limits.MAX_NUMBER
#: Longest text an expression may compute.
MAX_TEXT_VALUE = limits.MAX_TEXT_VALUE

KEYWORDS = frozenset({"and", "or", "not", "true", "false"})


class VarType(str, Enum):
    """The type of a scenario variable or expression."""

    INT = "int"
    BOOL = "bool"
    STR = "str"


Value: TypeAlias = int | bool | str


def value_type(v: Value) -> VarType:
    """The :class:`VarType` of a Python value (``True`` is a bool, not an int)."""
    if isinstance(v, bool):
        return VarType.BOOL
    if isinstance(v, int):
        return VarType.INT
    if isinstance(v, str):
        return VarType.STR
    raise TypeError(f"unsupported value {v!r}: expected an int, a bool or a str")


# --------------------------------------------------------------------------- errors


class ExprError(ValueError):
    """A problem with an expression, at ``source[offset : offset + length]``."""

    def __init__(self, message: str, offset: int = 0, length: int = 1) -> None:
        super().__init__(message)
        self.message: str = message
        self.offset: int = max(0, offset)
        self.length: int = max(1, length)

    def caret(self, source: str) -> str:
        """The source line holding the error, and a ``^^^`` line under the offending text."""
        start = source.rfind("\n", 0, self.offset) + 1
        end = source.find("\n", self.offset)
        if end < 0:
            end = len(source)
        line = source[start:end]
        col = min(self.offset - start, len(line))
        indent = "".join("\t" if ch == "\t" else " " for ch in line[:col])
        width = max(1, min(self.length, len(line) - col))
        return f"{line}\n{indent}{'^' * width}"


class ValueOutOfRange(ExprError):
    """Evaluating gave a whole number beyond ±MAX_NUMBER or a text longer than
    MAX_TEXT_VALUE characters (offset/length: the operator that did it)."""


class ExprSyntaxError(ExprError):
    """The text is not a well-formed expression."""


class UndeclaredName(ExprError):
    """The expression uses a variable that is not declared (or has no value)."""

    def __init__(
        self,
        message: str,
        offset: int = 0,
        length: int = 1,
        *,
        name: str = "",
        suggestion: str | None = None,
    ) -> None:
        super().__init__(message, offset, length)
        self.name: str = name
        self.suggestion: str | None = suggestion


class ExprTypeError(ExprError):
    """An operator is applied to values of the wrong type."""


# --------------------------------------------------------------------------- AST

_UNARY_OPS = frozenset({"not", "-"})
_BINARY_OPS = frozenset({"or", "and", "+", "-", "*", "//", "%"})
_COMPARE_OPS = frozenset({"==", "!=", "<", "<=", ">", ">="})

# Offsets and spans are positions in the source; they take no part in ``==`` or ``hash``,
# so two trees are equal when they have the same structure.


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Literal(Frozen):
    """An int, bool or str constant. ``type`` is derived from ``value``."""

    value: Value
    type: VarType = field(init=False)
    offset: int = field(default=0, compare=False, repr=False)
    span: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", value_type(self.value))


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Name(Frozen):
    """A variable."""

    name: str
    offset: int = field(default=0, compare=False, repr=False)
    span: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Unary(Frozen):
    """``not operand`` or ``-operand``; ``offset`` is the operator's."""

    op: str
    operand: Expr
    offset: int = field(default=0, compare=False, repr=False)
    span: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.op not in _UNARY_OPS:
            raise ValueError(f"not a unary operator: {self.op!r}")


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Binary(Frozen):
    """``left op right`` for ``and or + - * // %``; ``offset`` is the operator's."""

    op: str
    left: Expr
    right: Expr
    offset: int = field(default=0, compare=False, repr=False)
    span: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.op not in _BINARY_OPS:
            raise ValueError(f"not a binary operator: {self.op!r}")


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Compare(Frozen):
    """``left op right`` for ``== != < <= > >=``; ``offset`` is the operator's."""

    op: str
    left: Expr
    right: Expr
    offset: int = field(default=0, compare=False, repr=False)
    span: tuple[int, int] = field(default=(0, 0), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.op not in _COMPARE_OPS:
            raise ValueError(f"not a comparison operator: {self.op!r}")


Expr: TypeAlias = Literal | Name | Unary | Binary | Compare


def _postorder(expr: Expr) -> list[Expr]:
    """Every node, children before parents, left before right (no recursion)."""
    out: list[Expr] = []
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary | Compare):
            stack.append(node.left)
            stack.append(node.right)
    out.reverse()
    return out


def names(expr: Expr) -> frozenset[str]:
    """The variable names used in ``expr``."""
    return frozenset(node.name for node in _postorder(expr) if isinstance(node, Name))


# --------------------------------------------------------------------------- lexer

_PREC_OR = 1
_PREC_AND = 2
_PREC_NOT = 3
_PREC_CMP = 4
_PREC_ADD = 5
_PREC_MUL = 6
_PREC_UNARY = 7
_PREC_ATOM = 8

_INFIX_PREC: dict[str, int] = {
    "or": _PREC_OR,
    "and": _PREC_AND,
    **dict.fromkeys(_COMPARE_OPS, _PREC_CMP),
    "+": _PREC_ADD,
    "-": _PREC_ADD,
    "*": _PREC_MUL,
    "//": _PREC_MUL,
    "%": _PREC_MUL,
}

_WHITESPACE = frozenset(" \t\r\n")
_DIGITS = frozenset(string.digits)
_NAME_START = frozenset(string.ascii_letters + "_")
_NAME_CHARS = _NAME_START | _DIGITS
_TWO_CHAR_OPS = frozenset({"==", "!=", "<=", ">=", "//"})
_ONE_CHAR_OPS = frozenset("<>+-*%()")
_CURLY_QUOTES = frozenset("\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb")
_MISTAKES: dict[str, str] = {
    "&&": "use 'and' instead of '&&'",
    "||": "use 'or' instead of '||'",
    "**": "'**' (power) is not supported",
    "=>": "use '>=' instead of '=>'",
    "=<": "use '<=' instead of '=<'",
    "<>": "use '!=' instead of '<>'",
    "=": "use '==' to compare (a single '=' is not allowed)",
    "!": "use 'not' instead of '!'",
    "&": "use 'and' instead of '&'",
    "|": "use 'or' instead of '|'",
    "/": "use '//' to divide (it rounds down to a whole number)",
}


def is_valid_name(name: str) -> bool:
    """Whether ``name`` can be a variable: ``[A-Za-z_][A-Za-z0-9_]*`` and not a keyword."""
    return name[:1] in _NAME_START and all(c in _NAME_CHARS for c in name) and name not in KEYWORDS


@lazy_dataclass(frozen=True, eq=False, repr=False)
class _Token(Frozen):
    kind: str  # "int", "str", "bool", "name", "op" or "eof"
    text: str
    offset: int
    value: Value = 0

    def is_op(self, *texts: str) -> bool:
        return self.kind == "op" and self.text in texts


def _shown(text: str) -> str:
    """``text`` quoted for a message, shortened if long."""
    if len(text) > 30:
        text = text[:27] + "..."
    return f"'{text}'"


class _Lexer:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def _scan(self, i: int, chars: frozenset[str]) -> int:
        n = len(self.source)
        while i < n and self.source[i] in chars:
            i += 1
        return i

    def next(self) -> _Token:
        src = self.source
        n = len(src)
        i = self._scan(self.pos, _WHITESPACE)
        if i >= n:
            self.pos = n
            return _Token("eof", "", n)
        c = src[i]
        if c in _DIGITS:
            j = self._scan(i, _DIGITS)
            if j + 1 < n and src[j] == "." and src[j + 1] in _DIGITS:
                k = self._scan(j + 1, _DIGITS)
                raise ExprSyntaxError(
                    f"decimal numbers like {_shown(src[i:k])} are not allowed; use whole numbers",
                    i,
                    k - i,
                )
            if j < n and src[j] in _NAME_START:
                k = self._scan(j, _NAME_CHARS)
                raise ExprSyntaxError(
                    f"{_shown(src[i:k])} is not a number or a name "
                    "(names can't start with a digit)",
                    i,
                    k - i,
                )
            self.pos = j
            digits = src[i:j].lstrip("0")
            if len(digits) > len(str(MAX_NUMBER)) or int(digits or "0") > MAX_NUMBER:
                raise ExprSyntaxError(
                    f"the number {_shown(src[i:j])} is too large (the limit is {MAX_NUMBER:,})",
                    i,
                    j - i,
                )
            return _Token("int", src[i:j], i, int(src[i:j]))
        if c in _NAME_START:
            j = self._scan(i, _NAME_CHARS)
            self.pos = j
            word = src[i:j]
            if word in ("true", "false"):
                return _Token("bool", word, i, word == "true")
            if word in KEYWORDS:
                return _Token("op", word, i)
            return _Token("name", word, i)
        if c in "\"'":
            return self._string(i)
        two = src[i : i + 2]
        if two in _TWO_CHAR_OPS:
            self.pos = i + 2
            return _Token("op", two, i)
        if len(two) == 2 and two in _MISTAKES:
            raise ExprSyntaxError(_MISTAKES[two], i, 2)
        if c in _ONE_CHAR_OPS:
            self.pos = i + 1
            return _Token("op", c, i)
        if c in _MISTAKES:
            raise ExprSyntaxError(_MISTAKES[c], i, 1)
        if c in _CURLY_QUOTES:
            raise ExprSyntaxError(f"use straight quotes (\" or ') around text, not '{c}'", i, 1)
        shown = f"'{c}'" if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}"
        raise ExprSyntaxError(f"unexpected character {shown}", i, 1)

    def _string(self, start: int) -> _Token:
        src = self.source
        n = len(src)
        quote = src[start]
        chars: list[str] = []
        j = start + 1
        while True:
            if j >= n or src[j] in "\r\n":
                raise ExprSyntaxError("unterminated string", start, 1)
            ch = src[j]
            if ch == quote:
                j += 1
                break
            if ch == "\\":
                nxt = src[j + 1] if j + 1 < n else ""
                if nxt == "" or nxt in "\r\n":
                    raise ExprSyntaxError("unterminated string", start, 1)
                if nxt not in "\"'\\":
                    raise ExprSyntaxError(
                        f"unknown escape '\\{nxt}' in a string "
                        "(only \\\", \\' and \\\\ are allowed)",
                        j,
                        2,
                    )
                chars.append(nxt)
                j += 2
                continue
            chars.append(ch)
            j += 1
        self.pos = j
        return _Token("str", src[start:j], start, "".join(chars))


# --------------------------------------------------------------------------- parser


class _Parser:
    """Precedence climbing; recursion is bounded by MAX_DEPTH and the precedence levels."""

    def __init__(self, source: str) -> None:
        self.lexer = _Lexer(source)
        self.tok = self.lexer.next()
        self.depth = 0
        self.operators = 0

    def advance(self) -> _Token:
        tok = self.tok
        self.tok = self.lexer.next()
        return tok

    def enter(self, tok: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprSyntaxError(
                f"the expression is nested too deeply (the limit is {MAX_DEPTH} levels)",
                tok.offset,
                len(tok.text),
            )

    def count(self, tok: _Token) -> None:
        self.operators += 1
        if self.operators > MAX_OPERATORS:
            raise ExprSyntaxError(
                f"the expression has too many operators (the limit is {MAX_OPERATORS})",
                tok.offset,
                len(tok.text),
            )

    def parse(self) -> Expr:
        if self.tok.kind == "eof":
            raise ExprSyntaxError("the expression is empty", 0, 1)
        expr = self.expr(0, None)
        if self.tok.kind != "eof":
            raise self.unexpected()
        return expr

    def unexpected(self) -> ExprSyntaxError:
        """Error for a token after a complete expression."""
        tok = self.tok
        if tok.is_op(")"):
            return ExprSyntaxError("unmatched ')'", tok.offset, 1)
        if tok.is_op("not"):
            return ExprSyntaxError(
                "unexpected 'not' (did you mean 'and not' or '!='?)", tok.offset, 3
            )
        message = f"missing operator before {_shown(tok.text)}"
        if tok.kind == "name" and tok.text.lower() in KEYWORDS:
            message += f" (did you mean '{tok.text.lower()}'?)"
        return ExprSyntaxError(message, tok.offset, len(tok.text))

    def missing_operand(self, after: _Token | None) -> ExprSyntaxError:
        tok = self.tok
        if after is None:  # at the very start
            if tok.is_op(")"):
                return ExprSyntaxError("unmatched ')'", tok.offset, 1)
            return ExprSyntaxError(
                f"expected an expression before {_shown(tok.text)}", tok.offset, len(tok.text)
            )
        if tok.kind == "eof":
            return ExprSyntaxError(
                f"expected an expression after {_shown(after.text)}",
                after.offset,
                len(after.text),
            )
        if after.is_op("(") and tok.is_op(")"):
            return ExprSyntaxError("empty parentheses", after.offset, tok.offset + 1 - after.offset)
        return ExprSyntaxError(
            f"expected an expression after {_shown(after.text)}, found {_shown(tok.text)}",
            tok.offset,
            len(tok.text),
        )

    def expr(self, min_prec: int, after: _Token | None) -> Expr:
        tok = self.tok
        left: Expr
        if tok.kind in ("int", "str", "bool"):
            self.advance()
            left = Literal(tok.value, tok.offset, (tok.offset, tok.offset + len(tok.text)))
        elif tok.kind == "name":
            self.advance()
            left = Name(tok.text, tok.offset, (tok.offset, tok.offset + len(tok.text)))
        elif tok.is_op("("):
            self.enter(tok)
            self.advance()
            inner = self.expr(0, tok)
            if not self.tok.is_op(")"):
                if self.tok.kind == "eof":
                    raise ExprSyntaxError("'(' is never closed", tok.offset, 1)
                raise self.unexpected()
            close = self.advance()
            self.depth -= 1
            left = replace(inner, span=(tok.offset, close.offset + 1))
        elif tok.is_op("not", "-"):
            if tok.text == "not" and min_prec > _PREC_NOT:
                assert after is not None
                raise ExprSyntaxError(
                    f"'not' can't come right after {_shown(after.text)}; "
                    "put it in parentheses: (not ...)",
                    tok.offset,
                    3,
                )
            self.enter(tok)
            self.count(tok)
            self.advance()
            operand = self.expr(_PREC_NOT if tok.text == "not" else _PREC_UNARY, tok)
            self.depth -= 1
            left = Unary(tok.text, operand, tok.offset, (tok.offset, operand.span[1]))
        else:
            raise self.missing_operand(after)

        while True:
            op = self.tok
            prec = _INFIX_PREC.get(op.text) if op.kind == "op" else None
            if prec is None or prec < min_prec:
                return left
            self.count(op)
            self.advance()
            right = self.expr(prec + 1, op)
            span = (left.span[0], right.span[1])
            if prec == _PREC_CMP:
                left = Compare(op.text, left, right, op.offset, span)
                nxt = self.tok
                if nxt.kind == "op" and nxt.text in _COMPARE_OPS:
                    raise ExprSyntaxError(
                        "comparisons can't be chained; join them with 'and' "
                        "(e.g. 'a < b and b < c')",
                        nxt.offset,
                        len(nxt.text),
                    )
            else:
                left = Binary(op.text, left, right, op.offset, span)


def parse(source: str) -> Expr:
    """Parse ``source``; raises :class:`ExprSyntaxError` (never anything else for a str).

    Trees are immutable, so parses are memoised: scenarios repeat the same conditions.
    """
    return _parse_cached(source)


@functools.lru_cache(maxsize=4096)
def _parse_cached(source: str) -> Expr:
    if len(source) > MAX_LENGTH:
        raise ExprSyntaxError(
            f"the expression is too long ({len(source)} characters; the limit is {MAX_LENGTH})",
            MAX_LENGTH,
            len(source) - MAX_LENGTH,
        )
    try:
        return _Parser(source).parse()
    except RecursionError:  # pragma: no cover - the limits above make this unreachable
        raise ExprSyntaxError("the expression is nested too deeply", 0, len(source)) from None


# --------------------------------------------------------------------------- printing


def _literal_source(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if '"' in value and "'" not in value:
        return "'" + value.replace("\\", "\\\\") + "'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_source(expr: Expr) -> str:
    """Canonical text for ``expr``: ``parse(to_source(e)) == e`` for parsed expressions."""
    stack: list[tuple[str, int]] = []
    for node in _postorder(expr):
        if isinstance(node, Literal):
            stack.append((_literal_source(node.value), _PREC_ATOM))
        elif isinstance(node, Name):
            stack.append((node.name, _PREC_ATOM))
        elif isinstance(node, Unary):
            text, prec = stack.pop()
            if node.op == "not":
                if prec < _PREC_NOT:
                    text = f"({text})"
                stack.append((f"not {text}", _PREC_NOT))
            else:
                if prec < _PREC_UNARY or text.startswith("-"):
                    text = f"({text})"
                stack.append((f"-{text}", _PREC_UNARY))
        else:
            right, rprec = stack.pop()
            left, lprec = stack.pop()
            prec = _INFIX_PREC[node.op]
            # Left-associative: only the right side needs parentheses at equal precedence;
            # comparisons don't chain, so both sides do.
            if lprec < prec or (lprec == prec and prec == _PREC_CMP):
                left = f"({left})"
            if rprec <= prec:
                right = f"({right})"
            stack.append((f"{left} {node.op} {right}", prec))
    return stack[0][0]


# --------------------------------------------------------------------------- checking

_NOUN: dict[VarType, str] = {
    VarType.INT: "an int",
    VarType.BOOL: "a true/false value",
    VarType.STR: "a string",
}


def _describe(node: Expr) -> str:
    if isinstance(node, Name):
        return f"'{node.name}'"
    text = to_source(node)
    if isinstance(node, Literal) and len(text) <= 30:
        return text
    return _shown(text)


def _where(node: Expr) -> tuple[int, int]:
    """(offset, length) of a whole sub-expression."""
    start, end = node.span
    if end > start:
        return start, end - start
    return node.offset, 1


def _op_where(node: Unary | Binary | Compare) -> tuple[int, int]:
    return node.offset, len(node.op)


def _operand_error(operand: Expr, vtype: VarType, op: str, needs: str) -> ExprTypeError:
    return ExprTypeError(
        f"{_describe(operand)} is {_NOUN[vtype]} but '{op}' needs {needs}", *_where(operand)
    )


def _pair_error(node: Binary | Compare, lt: VarType, rt: VarType, needs: str) -> ExprTypeError:
    return ExprTypeError(
        f"'{node.op}' needs {needs}, but {_describe(node.left)} is {_NOUN[lt]} "
        f"and {_describe(node.right)} is {_NOUN[rt]}",
        *_op_where(node),
    )


_INTS_OR_STRS = "two ints or two strings"


def _binary_type(node: Binary | Compare, lt: VarType, rt: VarType) -> VarType:
    """The result type of a binary node, or raise :class:`ExprTypeError`."""
    op = node.op
    sides = ((node.left, lt), (node.right, rt))
    if op in ("and", "or"):
        for operand, t in sides:
            if t is not VarType.BOOL:
                raise _operand_error(operand, t, op, "true/false")
        return VarType.BOOL
    if op in ("==", "!="):
        if lt is not rt:
            raise _pair_error(node, lt, rt, "both sides to be the same type")
        return VarType.BOOL
    if op in ("+", "<", "<=", ">", ">="):
        for operand, t in sides:
            if t is VarType.BOOL:
                raise _operand_error(operand, t, op, _INTS_OR_STRS)
        if lt is not rt:
            raise _pair_error(node, lt, rt, _INTS_OR_STRS)
        return lt if op == "+" else VarType.BOOL
    for operand, t in sides:  # - * // %
        if t is not VarType.INT:
            raise _operand_error(operand, t, op, "ints")
    return VarType.INT


def _unary_type(node: Unary, t: VarType) -> VarType:
    if node.op == "not":
        if t is not VarType.BOOL:
            raise _operand_error(node.operand, t, "not", "true/false")
        return VarType.BOOL
    if t is not VarType.INT:
        raise _operand_error(node.operand, t, "-", "an int")
    return VarType.INT


def _suggest(name: str, known: list[str]) -> str | None:
    lower = name.lower()
    if lower in KEYWORDS and lower not in known:
        return lower
    for candidate in known:
        if candidate.lower() == lower:
            return candidate
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _undeclared(node: Name, known: list[str], what: str) -> UndeclaredName:
    suggestion = _suggest(node.name, known)
    message = f"{what} '{node.name}'"
    if suggestion is not None:
        message += f" (did you mean '{suggestion}'?)"
    return UndeclaredName(
        message, node.offset, len(node.name), name=node.name, suggestion=suggestion
    )


def check(expr: Expr, types: Mapping[str, VarType]) -> VarType:
    """The type of ``expr`` given the declared variable ``types``.

    Checks the whole tree (``true or x + "a"`` is still an error) and raises the first
    problem in source order: :class:`UndeclaredName` or :class:`ExprTypeError`.
    """
    stack: list[VarType] = []
    for node in _postorder(expr):
        if isinstance(node, Literal):
            stack.append(node.type)
        elif isinstance(node, Name):
            t = types.get(node.name)
            if t is None:
                raise _undeclared(node, sorted(types), "unknown variable")
            stack.append(VarType(t))
        elif isinstance(node, Unary):
            stack.append(_unary_type(node, stack.pop()))
        else:
            rt = stack.pop()
            stack.append(_binary_type(node, stack.pop(), rt))
    return stack[0]


# --------------------------------------------------------------------------- evaluation

_T = TypeVar("_T", int, str)


def _order(op: str, a: _T, b: _T) -> bool:
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _as_bool(v: Value, operand: Expr, op: str) -> bool:
    if isinstance(v, bool):
        return v
    raise _operand_error(operand, value_type(v), op, "true/false")


def _as_int(v: Value, operand: Expr, op: str) -> int:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    raise _operand_error(operand, value_type(v), op, "ints")


def _bounded(node: Binary | Compare | Unary, value: int) -> int:
    if -MAX_NUMBER <= value <= MAX_NUMBER:
        return value
    raise ValueOutOfRange(
        f"{_describe(node)} gives a number beyond ±{MAX_NUMBER:,} (the limit for whole numbers)",
        *_op_where(node),
    )


def _joined(node: Binary | Compare, a: str, b: str) -> str:
    if len(a) + len(b) <= MAX_TEXT_VALUE:
        return a + b
    raise ValueOutOfRange(
        f"{_describe(node)} gives a text of {len(a) + len(b):,} characters (the limit is "
        f"{MAX_TEXT_VALUE:,})",
        *_op_where(node),
    )


def _apply(node: Binary | Compare, a: Value, b: Value) -> Value:
    op = node.op
    left, right = node.left, node.right
    if op == "and":
        return _as_bool(a, left, op) & _as_bool(b, right, op)
    if op == "or":
        return _as_bool(a, left, op) | _as_bool(b, right, op)
    if op in ("==", "!="):
        at, bt = value_type(a), value_type(b)
        if at is not bt:
            raise _pair_error(node, at, bt, "both sides to be the same type")
        return (a == b) is (op == "==")
    if op in ("+", "<", "<=", ">", ">="):
        if isinstance(a, str) and isinstance(b, str):
            return _joined(node, a, b) if op == "+" else _order(op, a, b)
        if isinstance(a, str) or isinstance(b, str):
            _binary_type(node, value_type(a), value_type(b))  # raises the right error
        x, y = _as_int(a, left, op), _as_int(b, right, op)
        return _bounded(node, x + y) if op == "+" else _order(op, x, y)
    x, y = _as_int(a, left, op), _as_int(b, right, op)
    if op == "-":
        return _bounded(node, x - y)
    if op == "*":
        return _bounded(node, x * y)
    if y == 0:  # // and % by zero give 0
        return 0
    return x // y if op == "//" else x % y


def evaluate(expr: Expr, env: Mapping[str, Value]) -> Value:
    """The value of ``expr`` with the variables in ``env``.

    For an expression that passed :func:`check` with the types of ``env``, the only error
    is :class:`ValueOutOfRange` (a value past :data:`MAX_NUMBER` or :data:`MAX_TEXT_VALUE`).
    Otherwise a missing variable raises :class:`UndeclaredName` and a wrongly typed value
    :class:`ExprTypeError`.  Both operands of ``and``/``or`` are always evaluated (which
    is harmless: evaluation has no side effects and cannot fail).
    """
    stack: list[Value] = []
    for node in _postorder(expr):
        if isinstance(node, Literal):
            stack.append(node.value)
        elif isinstance(node, Name):
            if node.name not in env:
                raise _undeclared(node, sorted(env), "no value for variable")
            value = env[node.name]
            if not isinstance(value, int | str):
                raise ExprTypeError(
                    f"variable '{node.name}' has an unsupported value {value!r}",
                    node.offset,
                    len(node.name),
                )
            stack.append(value)
        elif isinstance(node, Unary):
            v = stack.pop()
            if node.op == "not":
                stack.append(not _as_bool(v, node.operand, "not"))
            else:
                stack.append(_bounded(node, -_as_int(v, node.operand, "-")))
        else:
            b = stack.pop()
            stack.append(_apply(node, stack.pop(), b))
    return stack[0]


# --------------------------------------------------------------------------- convenience


@lazy_dataclass(frozen=True, eq=False, repr=False)
class Expression(Frozen):
    """A parsed and type-checked expression, ready to evaluate."""

    source: str
    ast: Expr
    type: VarType

    @classmethod
    def compile(
        cls,
        source: str,
        types: Mapping[str, VarType],
        *,
        expected: VarType | None = None,
    ) -> Expression:
        """Parse and check ``source``; with ``expected``, also require that result type."""
        tree = parse(source)
        result = check(tree, types)
        if expected is not None and result is not expected:
            raise ExprTypeError(
                f"expected {_NOUN[expected]} here, but {_describe(tree)} is {_NOUN[result]}",
                *_where(tree),
            )
        return cls(source, tree, result)

    @property
    def names(self) -> frozenset[str]:
        """The variable names used."""
        return names(self.ast)

    def evaluate(self, env: Mapping[str, Value]) -> Value:
        """The value with the variables in ``env`` (a value of type :attr:`type`)."""
        value = evaluate(self.ast, env)
        if value_type(value) is not self.type:
            raise ExprTypeError(
                f"expected {_NOUN[self.type]} but got {_NOUN[value_type(value)]}: "
                "a variable has a value of the wrong type",
                *_where(self.ast),
            )
        return value
