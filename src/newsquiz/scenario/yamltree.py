"""A strict YAML reader: bytes in, a small tree of positioned text nodes out.

Scenario files are written by hand and shared between people, so this reader trusts
nothing:

* only the safe libyaml parser (the C one when available) is used, and only its
  *event* stream — nothing is ever constructed by YAML itself, so no tag can build an
  object and no alias can be expanded;
* every scalar stays the exact text the teacher typed (``no`` stays ``"no"``,
  ``1:30`` stays ``"1:30"``); the schema layer converts it, knowing whether it was
  quoted;
* anchors, aliases and explicit tags are refused; duplicate keys are errors naming
  both lines; depth and size are capped;
* the bytes must be UTF-8 (a BOM is fine) and may hold no control characters,
  terminal escapes or bidirectional overrides — in the raw text or produced by an
  escape such as ``"\\x1b"`` or ``"\\e"`` inside a quoted string.

Whatever the bytes, :func:`parse_yaml` returns a :class:`YMap`/:class:`YSeq`/
:class:`YScalar` tree or raises :class:`ScenarioError` with file, line and column.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any

import yaml

from newsquiz.frozen import lazy_dataclass
from newsquiz.scenario.diagnostics import Diagnostic, ScenarioError
from newsquiz.scenario.limits import MAX_FILE_BYTES, MAX_YAML_DEPTH
from newsquiz.text import FORBIDDEN

try:  # pragma: no branch - depends on how PyYAML was built
    _Parser: type = yaml.CSafeLoader
    HAVE_LIBYAML = True
except AttributeError:  # pragma: no cover - pure-Python fallback
    _Parser = yaml.SafeLoader
    HAVE_LIBYAML = False

#: Largest scenario file accepted, in bytes.  A long article plus a hundred questions is
#: well under 1 MB.
MAX_BYTES = MAX_FILE_BYTES
#: Deepest nesting of mappings and sequences accepted.  A scenario needs about 8.
MAX_DEPTH = MAX_YAML_DEPTH

#: What the loader refuses: the terminal-unsafe characters, and the noncharacters U+FFFE
#: and U+FFFF, which YAML itself does not allow.
_BAD_CHARS = re.compile(FORBIDDEN.pattern.removesuffix("]") + "\ufffe\uffff]")
assert FORBIDDEN.pattern.startswith("[") and FORBIDDEN.pattern.endswith("]")  # one class


@lazy_dataclass(eq=False, slots=True)
class YScalar:
    value: str
    line: int
    col: int
    #: True when the text was quoted or a block scalar: it is text, whatever it looks like.
    quoted: bool = False
    #: How it was written: '' plain, '"' or "'" quoted, '|' or '>' block.
    style: str = ""

    @property
    def is_null(self) -> bool:
        """A plain empty, ``~`` or ``null`` value: YAML's way of writing "nothing"."""
        return not self.quoted and self.value in ("", "~", "null", "Null", "NULL")


@lazy_dataclass(eq=False, slots=True)
class YSeq:
    line: int
    col: int
    items: list[YNode] = field(default_factory=list)


@lazy_dataclass(eq=False, slots=True)
class YMap:
    line: int
    col: int
    items: list[tuple[YScalar, YNode]] = field(default_factory=list)

    def get(self, key: str) -> YNode | None:
        for k, v in self.items:
            if k.value == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.items]


YNode = YScalar | YSeq | YMap


def kind_name(node: YNode) -> str:
    """How a node reads to a teacher: 'text', 'a list', 'a mapping'."""
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    return "nothing" if node.is_null else "text"


def _line_col(data: bytes, pos: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, pos) + 1
    start = data.rfind(b"\n", 0, pos) + 1
    return line, pos - start + 1


def _describe_char(ch: str) -> str:
    code = ord(ch)
    if code == 0x1B:
        return "ESC (U+001B, starts terminal escape sequences)"
    if code == 0:
        return "NUL (U+0000)"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return f"bidirectional override U+{code:04X}"
    if code in (0xFFFE, 0xFFFF):
        return f"noncharacter U+{code:04X}"
    return f"control character U+{code:04X}"


def decode(data: bytes, file: str) -> str:
    """UTF-8 bytes (optional BOM) to text, or a ScenarioError pointing at the first bad byte."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        line = data.count(b"\n", 0, offset) + 1
        line_start = max(data.rfind(b"\n", 0, offset) + 1, bom)
        # Columns count characters, as everywhere else.
        col = len(data[line_start:offset].decode("utf-8", "replace")) + 1
        raise ScenarioError(
            [
                Diagnostic.make(
                    "NQ001",
                    f"byte 0x{data[offset]:02x} at offset {offset} is not UTF-8; "
                    "save the file as UTF-8",
                    file,
                    line,
                    col,
                )
            ]
        ) from None
    # One kind of line break, so every position (ours, libyaml's, an editor's) agrees.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def check_text(text: str, file: str, line: int = 1, col: int = 1) -> list[Diagnostic]:
    """Diagnostics for control characters, escapes and bidi overrides in ``text``."""
    found: list[Diagnostic] = []
    for match in _BAD_CHARS.finditer(text):
        before = text[: match.start()]
        nl = before.count("\n")
        if nl:
            at_line, at_col = line + nl, match.start() - before.rfind("\n")
        else:
            at_line, at_col = line, col + match.start()
        found.append(
            Diagnostic.make(
                "NQ010",
                f"{_describe_char(match.group())} is not allowed in a scenario; "
                "remove it (it could reach the terminal)",
                file,
                at_line,
                at_col,
            )
        )
        if len(found) >= 20:
            break
    return found


_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {
    "0": "\x00",
    "a": "\x07",
    "b": "\x08",
    "v": "\x0b",
    "f": "\x0c",
    "e": "\x1b",
    "N": "\x85",
}


def _escape_diagnostic(
    text: str, start: int, end: int, file: str, line: int, col: int
) -> Diagnostic:
    """NQ010 at the escape sequence inside a double-quoted scalar that produced it."""
    for m in _ESCAPE.finditer(text, start, end):
        code = m.group(1)
        char = (
            chr(int(code[1:], 16))
            if code[0] in "xuU" and len(code) > 1
            else _SIMPLE_ESCAPES.get(code, "")
        )
        if char and _BAD_CHARS.match(char):
            before = text[: m.start()]
            at_line = before.count("\n") + 1
            at_col = m.start() - (before.rfind("\n") + 1) + 1
            return Diagnostic.make(
                "NQ010",
                f"the escape '{m.group()}' makes {_describe_char(char)}, which is not allowed "
                "in a scenario; remove it (it could reach the terminal)",
                file,
                at_line,
                at_col,
            )
    return check_text("\x1b", file, line, col)[0]  # pragma: no cover - defensive


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    if mark is None:  # pragma: no cover - libyaml always sets marks
        return 0, 0
    return mark.line + 1, mark.column + 1


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n")
    if 1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]):
        return lines[line - 1][col - 1]
    return ""


_BLOCK_HEADER = re.compile(r"^( *)(?:- )?[^\s#:][^:]*:\s+[|>][-+0-9]*\s*(?:#.*)?$")
_KEY_LINE = re.compile(r"^ *(?:- )?[\w-]+:(?:\s|$)")
_QUOTED_START = re.compile(r"^( *(?:- )?[\w-]+:\s+)([\"'])")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _explain(text: str, line: int, col: int, problem: str) -> tuple[int, int, list[str]] | None:
    """Where a raw parser complaint really comes from, and what to do: (line, col, notes).

    The parser reports where it got stuck, which is often lines after the mistake and in
    its own words; these are the mistakes teachers make most."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    here = lines[line - 1]
    # A paragraph of a `|` or `>` block (the article) indented less than the block: the
    # block ends there, and the parser stumbles on that line or the next ones.
    if problem.startswith(("could not find expected ':'", "did not find expected key")):
        found = _under_indented(lines, line)
        if found is not None:
            at, want = found
            return (
                at,
                _indent(lines[at - 1]) + 1,
                [
                    f"this line is indented {_indent(lines[at - 1])} spaces, less than the "
                    f"{want} of the text block above it, so the block ends here; indent "
                    "every line of the block (every paragraph of the article) the same"
                ],
            )
    if problem.startswith("did not find expected key"):
        m = _QUOTED_START.match(here)
        if m is not None:
            value = here[m.end(1) :].rstrip().replace("'", "''")
            key = here[: m.end(1)].strip()
            return (
                line,
                col,
                [
                    f"the value starts with a quotation mark, so YAML reads it only up to the "
                    f"closing mark; quote the whole value, e.g. {key} '{value}'",
                    "or write the marks as typographic quotes (“ ”), which need no quoting",
                ],
            )
        if _KEY_LINE.match(here):
            chain = _enclosing(lines, line)
            if chain and _key_indent(here) not in {at for at, _ in chain}:
                shown = " and ".join(f"{at} (line {n})" for at, n in chain[:2])
                return (
                    line,
                    _indent(here) + 1,
                    [
                        f"this line is indented {_key_indent(here)} spaces, but the fields "
                        f"above it are at {shown}: line it up with the field it belongs with "
                        "(the fields of one mapping start in the same column)"
                    ],
                )
    if problem.startswith("mapping values are not allowed"):
        previous = next((p for p in reversed(lines[: line - 1]) if p.strip()), "")
        if (
            _indent(here) > _key_indent(previous)
            and _KEY_LINE.match(previous)
            and not previous.rstrip().endswith(":")
        ):
            return (
                line,
                _indent(here) + 1,
                [
                    f"this line is indented {_indent(here)} spaces, more than the field "
                    f"above ({_key_indent(previous)}): YAML reads it as part of that field's "
                    "value; line it up with the field above"
                ],
            )
        m = re.match(r"^( *(?:- )?[\w-]+:\s+)(.*)$", here)
        if m is not None:
            value = m.group(2).rstrip().replace('"', '\\"')
            return (
                line,
                col,
                [
                    "a text with ': ' (colon and space) in it must be quoted, e.g. "
                    f'{m.group(1).strip()} "{value}"'
                ],
            )
    if problem.startswith("did not find expected '-' indicator"):
        items = [p for p in lines[: line - 1] if p.lstrip().startswith("- ")]
        if items:
            want = _indent(items[-1])
            return (
                line,
                col,
                [
                    f"this list item is indented {_indent(here)} spaces and the one before it "
                    f"{want}: line up the '-' of every item in a list"
                ],
            )
    return None


def _key_indent(line: str) -> int:
    """The column (0-based) a line's field starts at: after ``- `` for a list item."""
    stripped = line.lstrip(" ")
    return _indent(line) + (2 if stripped.startswith("- ") else 0)


def _enclosing(lines: list[str], line: int) -> list[tuple[int, int]]:
    """(indent, line number) of the fields above ``line`` that it could line up with: the
    nearest one, then each less indented one further up (at most 2000 lines back)."""
    chain: list[tuple[int, int]] = []
    for i in range(line - 2, max(-1, line - 2002), -1):
        if not _KEY_LINE.match(lines[i]):
            continue
        at = _key_indent(lines[i])
        if not chain or at < chain[-1][0]:
            chain.append((at, i + 1))
        if at == 0:
            break
    # The nearest field above and the nearest less indented than this line come first.
    want = _key_indent(lines[line - 1])
    below = [c for c in chain if c[0] < want]
    above = [c for c in chain if c[0] > want]
    return ([above[-1]] if above else []) + below[:1]


def _under_indented(lines: list[str], line: int) -> tuple[int, int] | None:
    """(line, wanted indent) of the first line after a block header up to ``line`` that is
    indented less than the block's text yet more than its header (so it was meant to be
    part of it), or None."""
    for start in range(line - 1, max(-1, line - 2001), -1):
        header = _BLOCK_HEADER.match(lines[start])
        if header is None:
            continue
        body = [i for i in range(start + 1, line) if lines[i].strip()]
        if not body:
            return None
        want = _indent(lines[body[0]])
        for i in body[1:]:
            got = _indent(lines[i])
            if got < want and not _KEY_LINE.match(lines[i]):
                return i + 1, want
            if got < want:
                return None
        return None
    return None


def _yaml_error(exc: yaml.YAMLError, file: str, text: str) -> Diagnostic:
    line = col = 0
    message = "not valid YAML"
    notes: list[str] = []
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if (
            exc.context_mark is not None
            and exc.problem_mark is not None
            and "end of stream" in (exc.problem or "")
            and "quoted scalar" in (exc.context or "")
        ):
            # An unclosed quote: the start of the string is what the teacher must fix.
            mark = exc.context_mark
            exc.problem, exc.context = "a quoted string starts here but is never closed", None
            notes.append(
                f"the string that starts here is never closed (the file ends at line "
                f"{exc.problem_mark.line + 1})"
            )
        if mark is not None:
            line, col = mark.line + 1, mark.column + 1
        problem = (exc.problem or "").strip()
        context = (exc.context or "").strip()
        message = problem or context or message
        if context and problem:
            message = f"{problem} ({context})"
        hint = _explain(text, line, col, problem)
        if hint is not None:
            line, col, extra = hint
            notes.extend(extra)
        if _char_at(text, line, col) == "\t" or "'\\t'" in message:
            message = "a tab character cannot indent YAML"
            notes.append("indent with spaces; most editors can convert tabs to spaces")
        elif "nesting depth" in message:
            return Diagnostic.make(
                "NQ008", f"nesting is deeper than {MAX_DEPTH} levels", file, line, col
            )
    elif isinstance(exc, yaml.reader.ReaderError):  # pragma: no cover - check_text first
        # A character YAML does not allow: point at it (position counts characters).
        before = text[: max(0, exc.position)]
        line = before.count("\n") + 1
        col = exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character
        code = char if isinstance(char, int) else ord(char)
        message = f"character U+{code:04X} is not allowed in YAML; remove it"
    elif str(exc):
        message = str(exc).splitlines()[0]
    return Diagnostic.make("NQ004", message, file, line, col, tuple(notes))


def _refuse(event: yaml.NodeEvent, file: str, line: int, col: int) -> list[Diagnostic]:
    """NQ006 for an anchor, NQ007 for an explicit tag on ``event``."""
    found = []
    if event.anchor is not None:
        found.append(
            Diagnostic.make(
                "NQ006",
                f"anchor '&{event.anchor}' is not allowed; write the value out in full",
                file,
                line,
                col,
            )
        )
    tag = getattr(event, "tag", None)
    if tag is not None and tag != "!":
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        found.append(
            Diagnostic.make(
                "NQ007",
                f"tag '{shown}' is not allowed; scenario files hold plain text, lists "
                "and mappings only",
                file,
                line,
                col,
            )
        )
    return found


def _build_tree(text: str, file: str, max_depth: int, problems: list[Diagnostic]) -> YNode | None:
    """Build the tree from libyaml's events.  Hot path: kept flat and local on purpose."""
    scalar_event = yaml.ScalarEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    stream_end = yaml.StreamEndEvent
    bad_chars = _BAD_CHARS.search
    scalar, ymap, yseq = YScalar, YMap, YSeq
    loader = _Parser(text)
    get = loader.get_event
    # The open containers; for the innermost one: its items, whether it is a mapping,
    # the key waiting for its value, the line of every key seen (duplicates), and its
    # items' ``append``.
    stack: list[tuple[YMap | YSeq, bool, YScalar | None, dict[str, int], Any]] = []
    current: YMap | YSeq | None = None
    append: Any = None
    is_map = False
    key: YScalar | None = None
    seen: dict[str, int] = {}
    root: YNode | None = None
    documents = 0
    try:
        while True:
            event = get()
            cls = event.__class__
            node: YNode
            if cls is scalar_event:
                mark = event.start_mark
                line, col = mark.line + 1, mark.column + 1
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    problems.extend(_refuse(event, file, line, col))
                style = event.style
                value = event.value
                if style == '"' and bad_chars(value):
                    # Only a double-quoted escape (\e, \x1b, \u202e…) can make one here:
                    # the raw text was checked already.  Point at the escape itself.
                    problems.append(
                        _escape_diagnostic(text, mark.index, event.end_mark.index, file, line, col)
                    )
                    value = _BAD_CHARS.sub("", value)
                node = scalar(value, line, col, not (event.implicit[0] and not style), style or "")
            elif cls is map_start or cls is seq_start:
                mark = event.start_mark
                line, col = mark.line + 1, mark.column + 1
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    problems.extend(_refuse(event, file, line, col))
                if len(stack) + (current is not None) >= max_depth:
                    problems.append(
                        Diagnostic.make(
                            "NQ008",
                            f"nesting is deeper than {max_depth} levels",
                            file,
                            line,
                            col,
                        )
                    )
                    raise ScenarioError(problems)
                if current is not None:
                    stack.append((current, is_map, key, seen, append))
                is_map = cls is map_start
                current = ymap(line, col) if is_map else yseq(line, col)
                append = current.items.append
                key, seen = None, {}
                continue
            elif cls is map_end or cls is seq_end:
                assert current is not None
                node = current
                if stack:
                    current, is_map, key, seen, append = stack.pop()
                else:
                    current = None
            elif cls is yaml.AliasEvent:
                mark = event.start_mark
                line, col = mark.line + 1, mark.column + 1
                problems.append(
                    Diagnostic.make(
                        "NQ006",
                        f"alias '*{event.anchor}' is not allowed; write the value out in full",
                        file,
                        line,
                        col,
                    )
                )
                node = YScalar("", line, col)
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    problems.append(
                        Diagnostic.make(
                            "NQ005",
                            "a scenario file holds one YAML document; remove the second "
                            "'---' or split the file",
                            file,
                            mark.line + 1,
                            mark.column + 1,
                        )
                    )
                    raise ScenarioError(problems)
                continue
            elif cls is stream_end:
                break
            else:
                continue
            # Attach ``node`` to the innermost open container.
            if current is None:
                root = node
            elif not is_map:
                append(node)
            elif key is None:
                if node.__class__ is not scalar:
                    problems.append(
                        Diagnostic.make(
                            "NQ100",
                            f"a key must be plain text, not {kind_name(node)}",
                            file,
                            node.line,
                            node.col,
                        )
                    )
                    node = YScalar("", node.line, node.col)
                key = node
            else:
                first = seen.get(key.value)
                if first is not None:
                    problems.append(
                        Diagnostic.make(
                            "NQ009",
                            f"duplicate key '{key.value}': first defined on line {first}",
                            file,
                            key.line,
                            key.col,
                            (f"line {first} and line {key.line} both set '{key.value}'; keep one",),
                        )
                    )
                else:
                    seen[key.value] = key.line
                    append((key, node))
                key = None
    finally:
        loader.dispose()
    return root


def parse_yaml(
    data: bytes | str,
    file: str = "<scenario>",
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> YNode:
    """Parse one YAML document into a positioned tree.  Raises :class:`ScenarioError`."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > max_bytes:
        raise ScenarioError(
            [
                Diagnostic.make(
                    "NQ002",
                    f"the file is {len(data):,} bytes; a scenario may be at most "
                    f"{max_bytes:,} bytes",
                    file,
                )
            ]
        )
    text = decode(data, file)
    bad = check_text(text, file)
    if bad:
        raise ScenarioError(bad)
    if text.isspace() or not text:
        raise ScenarioError([Diagnostic.make("NQ003", "the file is empty", file, 1, 1)])

    problems: list[Diagnostic] = []
    try:
        root = _build_tree(text, file, max_depth, problems)
    except yaml.YAMLError as exc:
        problems.append(_yaml_error(exc, file, text))
        raise ScenarioError(problems) from None
    except RecursionError:  # pragma: no cover - the event loop is iterative
        problems.append(Diagnostic.make("NQ008", "nesting is too deep", file))
        raise ScenarioError(problems) from None

    if problems:
        raise ScenarioError(problems)
    if root is None:
        raise ScenarioError([Diagnostic.make("NQ003", "the file holds no YAML content", file)])
    return root
