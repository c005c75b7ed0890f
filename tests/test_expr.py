"""Tests for the scenario expression language (newsquiz.scenario.expr)."""

from __future__ import annotations

import time
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsquiz.scenario.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NUMBER,
    MAX_OPERATORS,
    Binary,
    Compare,
    Expr,
    ExprError,
    Expression,
    ExprSyntaxError,
    ExprTypeError,
    Literal,
    Name,
    Unary,
    UndeclaredName,
    Value,
    ValueOutOfRange,
    VarType,
    check,
    evaluate,
    is_valid_name,
    names,
    parse,
    to_source,
    value_type,
)

INT, BOOL, STR = VarType.INT, VarType.BOOL, VarType.STR

TYPES: dict[str, VarType] = {
    "trust": INT,
    "score": INT,
    "met_whelan": BOOL,
    "flag": BOOL,
    "name": STR,
    "tag": STR,
}
ENV: dict[str, Value] = {
    "trust": 3,
    "score": -7,
    "met_whelan": False,
    "flag": True,
    "name": "Ada",
    "tag": "b",
}


def full(e: Expr) -> str:
    """Fully parenthesised rendering, to test the tree's shape."""
    if isinstance(e, Literal):
        return to_source(e)
    if isinstance(e, Name):
        return e.name
    if isinstance(e, Unary):
        sep = " " if e.op == "not" else ""
        return f"({e.op}{sep}{full(e.operand)})"
    return f"({full(e.left)} {e.op} {full(e.right)})"


def run(source: str) -> Value:
    return Expression.compile(source, TYPES).evaluate(ENV)


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("source", "shape"),
    [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
        ("a - b - c", "((a - b) - c)"),
        ("a - (b - c)", "(a - (b - c))"),
        ("a // b % c * d", "(((a // b) % c) * d)"),
        ("-a * b", "((-a) * b)"),
        ("- -a", "(-(-a))"),
        ("--a", "(-(-a))"),
        ("a * -b", "(a * (-b))"),
        ("-2", "(-2)"),
        ("a + b == c * d", "((a + b) == (c * d))"),
        ("a < b or c", "((a < b) or c)"),
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c and d", "((a and b) or (c and d))"),
        ("a and b and c", "((a and b) and c)"),
        ("not a and b", "((not a) and b)"),
        ("not a == b", "(not (a == b))"),
        ("not not a", "(not (not a))"),
        ("a or not b", "(a or (not b))"),
        ("(a == b) == c", "((a == b) == c)"),
        ("trust >= 2 and not met_whelan", "((trust >= 2) and (not met_whelan))"),
        ("x\n  and\ty", "(x and y)"),
    ],
)
def test_precedence(source: str, shape: str) -> None:
    assert full(parse(source)) == shape


def test_literals() -> None:
    assert parse("42") == Literal(42)
    assert parse("007") == Literal(7)
    assert parse("true") == Literal(True)
    assert parse("false") == Literal(False)
    assert parse('"it\'s"') == Literal("it's")
    assert parse(r'"say \"hi\""') == Literal('say "hi"')
    assert parse(r"'a\'b'") == Literal("a'b")
    assert parse(r'"back\\slash"') == Literal("back\\slash")
    assert parse('"tab\there"') == Literal("tab\there")
    assert parse("''") == Literal("")
    assert parse("_x9") == Name("_x9")


def test_bool_and_int_literals_are_different() -> None:
    assert Literal(1) != Literal(True)
    assert parse("1") != parse("true")
    assert Literal(True).type is BOOL
    assert Literal(1).type is INT


def test_equality_ignores_offsets() -> None:
    a, b = parse("a+b"), parse("  a  +  (b) ")
    assert a == b
    assert hash(a) == hash(b)
    assert isinstance(a, Binary)
    assert a.offset == 1
    assert isinstance(b, Binary)
    assert b.offset == 5
    assert b.right.span == (8, 11)


def test_node_offsets_point_at_tokens() -> None:
    e = parse("not (x < 10)")
    assert isinstance(e, Unary)
    assert e.offset == 0
    assert e.operand.offset == 7
    assert isinstance(e.operand, Compare)
    assert e.operand.right.offset == 9


def test_names() -> None:
    assert names(parse("a + b * a > c and not d")) == {"a", "b", "c", "d"}
    assert names(parse("1 + 2")) == frozenset()
    assert names(parse('"a" == "b"')) == frozenset()


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("trust", True),
        ("_x1", True),
        ("X", True),
        ("", False),
        ("1x", False),
        ("a-b", False),
        ("and", False),
        ("true", False),
        ("caf\u00e9", False),
        ("a b", False),
    ],
)
def test_is_valid_name(name: str, valid: bool) -> None:
    assert is_valid_name(name) is valid


def test_invalid_node_operators() -> None:
    with pytest.raises(ValueError):
        Binary("==", Name("a"), Name("b"))
    with pytest.raises(ValueError):
        Compare("+", Name("a"), Name("b"))
    with pytest.raises(ValueError):
        Unary("+", Name("a"))
    with pytest.raises(TypeError):
        Literal(1.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("source", "message", "offset", "length"),
    [
        ("", "the expression is empty", 0, 1),
        ("   ", "the expression is empty", 0, 1),
        ("a and", "expected an expression after 'and'", 2, 3),
        ("a +", "expected an expression after '+'", 2, 1),
        ("not", "expected an expression after 'not'", 0, 3),
        ("a and or b", "expected an expression after 'and', found 'or'", 6, 2),
        ("a + * b", "expected an expression after '+', found '*'", 4, 1),
        ("and a", "expected an expression before 'and'", 0, 3),
        ("== 1", "expected an expression before '=='", 0, 2),
        ("a + )", "expected an expression after '+', found ')'", 4, 1),
        ("a b", "missing operator before 'b'", 2, 1),
        ("a 1", "missing operator before '1'", 2, 1),
        ("(a b)", "missing operator before 'b'", 3, 1),
        ("a (b)", "missing operator before '('", 2, 1),
        ("x AND y", "missing operator before 'AND' (did you mean 'and'?)", 2, 3),
        ("a not b", "unexpected 'not'", 2, 3),
        ("a < b < c", "comparisons can't be chained", 6, 1),
        ("a == b != c", "comparisons can't be chained", 7, 2),
        ("1 < x + 1 <= 5", "comparisons can't be chained", 10, 2),
        ("a + not b", "'not' can't come right after '+'; put it in parentheses", 4, 3),
        ("a == not b", "'not' can't come right after '=='", 5, 3),
        ("-not a", "'not' can't come right after '-'", 1, 3),
        ("(a", "'(' is never closed", 0, 1),
        ("1 + (2 * (3", "'(' is never closed", 9, 1),
        ("a)", "unmatched ')'", 1, 1),
        (")", "unmatched ')'", 0, 1),
        ("( )", "empty parentheses", 0, 3),
        ("(", "expected an expression after '('", 0, 1),
        ('"abc', "unterminated string", 0, 1),
        ("x == 'abc", "unterminated string", 5, 1),
        ('"ab\ncd"', "unterminated string", 0, 1),
        ('"ab\\', "unterminated string", 0, 1),
        ("'a\\nb'", "unknown escape '\\n' in a string", 2, 2),
        ("1.5", "decimal numbers like '1.5' are not allowed", 0, 3),
        ("x > 2.25", "decimal numbers like '2.25' are not allowed", 4, 4),
        ("2x", "'2x' is not a number or a name", 0, 2),
        ("a = 1", "use '==' to compare", 2, 1),
        ("a && b", "use 'and' instead of '&&'", 2, 2),
        ("a || b", "use 'or' instead of '||'", 2, 2),
        ("a & b", "use 'and' instead of '&'", 2, 1),
        ("a | b", "use 'or' instead of '|'", 2, 1),
        ("!a", "use 'not' instead of '!'", 0, 1),
        ("a / 2", "use '//' to divide", 2, 1),
        ("a ** 2", "'**' (power) is not supported", 2, 2),
        ("a => 2", "use '>=' instead of '=>'", 2, 2),
        ("a =< 2", "use '<=' instead of '=<'", 2, 2),
        ("a <> 2", "use '!=' instead of '<>'", 2, 2),
        ("a @ b", "unexpected character '@'", 2, 1),
        ("a\u00a0and b", "unexpected character U+00A0", 1, 1),
        ("caf\u00e9", "unexpected character '\u00e9'", 3, 1),
        ("\u201chello\u201d", "use straight quotes", 0, 1),
    ],
)
def test_syntax_errors(source: str, message: str, offset: int, length: int) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse(source)
    err = info.value
    assert err.message.startswith(message), err.message
    assert str(err) == err.message
    assert (err.offset, err.length) == (offset, length)


def test_first_error_wins_in_source_order() -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse(") @")
    assert info.value.message == "unmatched ')'"


def test_caret() -> None:
    with pytest.raises(ExprError) as info:
        parse("trust >= 2 and\n\tnot @")
    assert info.value.caret("trust >= 2 and\n\tnot @") == "\tnot @\n\t    ^"


# --------------------------------------------------------------------------- limits


@pytest.mark.parametrize("source", ["(" * 10000, "not " * 10000, "-" * 10000, "1+" * 10000])
def test_huge_inputs_fail_fast(source: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ExprSyntaxError) as info:
        parse(source)
    assert time.perf_counter() - start < 0.1
    assert "too long" in info.value.message
    assert info.value.offset == MAX_LENGTH


@pytest.mark.parametrize(
    "source", ["(" * 999, "not " * 250, "-" * 1000, "(" * 41 + "1" + ")" * 41, "-(" * 21 + "1"]
)
def test_too_deep(source: str) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse(source)
    assert "nested too deeply" in info.value.message


def test_limits_are_inclusive() -> None:
    assert parse("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH) == Literal(1)
    assert Expression.compile("not " * MAX_DEPTH + "true", {}).evaluate({}) is True
    assert Expression.compile("-" * MAX_DEPTH + "5", {}).evaluate({}) == 5
    source = "x" * (MAX_LENGTH - 4) + " + 1"
    assert len(source) == MAX_LENGTH
    assert isinstance(parse(source), Binary)
    with pytest.raises(ExprSyntaxError, match="too long"):
        parse(source + " ")


def test_operator_limit_keeps_trees_shallow() -> None:
    chain = "1" + " + 1" * MAX_OPERATORS
    e = parse(chain)
    # Equality, hashing, repr and printing of the deepest allowed tree all work.
    assert e == parse(chain)
    assert hash(e) == hash(parse(chain))
    assert repr(e).startswith("Binary(")
    assert to_source(e) == chain
    assert evaluate(e, {}) == MAX_OPERATORS + 1
    with pytest.raises(ExprSyntaxError, match="too many operators") as info:
        parse(chain + " + 1")
    assert info.value.offset == len(chain) + 1


def test_hand_built_deep_tree_does_not_recurse() -> None:
    e: Expr = Literal(1)
    for _ in range(5000):
        e = Binary("+", e, Literal(1))
    assert check(e, {}) is INT
    assert evaluate(e, {}) == 5001
    assert names(e) == frozenset()
    assert to_source(e).count("+") == 5000


# --------------------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("trust + 1", 4),
        ("trust - 10", -7),
        ("trust * score", -21),
        ("7 // 2", 3),
        ("-7 // 2", -4),
        ("7 % 3", 1),
        ("-7 % 3", 2),
        ("-trust", -3),
        ("- -trust", 3),
        ("name + tag", "Adab"),
        ("name + ''", "Ada"),
        ("trust == 3", True),
        ("trust != 3", False),
        ("name == 'Ada'", True),
        ("flag == met_whelan", False),
        ("trust < 3", False),
        ("trust <= 3", True),
        ("trust > 2", True),
        ("trust >= 4", False),
        ("'Ada' < 'Bob'", True),
        ("name >= 'b'", False),
        ("flag and met_whelan", False),
        ("flag or met_whelan", True),
        ("not met_whelan", True),
        ("trust >= 2 and not met_whelan", True),
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 3 - 2", 5),
        ("2 * 3 % 4", 2),
        ("true", True),
        ("999999999999999 + 1", 1000000000000000),  # up to the limit, MAX_NUMBER
    ],
)
def test_operators(source: str, value: Value) -> None:
    result = run(source)
    assert result == value
    assert value_type(result) is value_type(value)


@pytest.mark.parametrize(
    "source", ["trust // 0", "trust % 0", "5 // (trust - 3)", "-1 % 0", "0 // 0"]
)
def test_division_by_zero_is_zero(source: str) -> None:
    assert run(source) == 0


def test_both_sides_are_evaluated_safely() -> None:
    assert run("false and 1 // 0 == 0") is False
    assert run("true or trust % 0 == 1") is True


def test_set_assignment_style() -> None:
    expr = Expression.compile("trust + 1", TYPES, expected=INT)
    assert expr.type is INT
    assert expr.source == "trust + 1"
    assert expr.names == {"trust"}
    assert expr.evaluate({"trust": 1}) == 2


def test_expected_type() -> None:
    with pytest.raises(ExprTypeError) as info:
        Expression.compile("(trust + 1)", TYPES, expected=BOOL)
    assert info.value.message == "expected a true/false value here, but 'trust + 1' is an int"
    assert (info.value.offset, info.value.length) == (0, 11)


def test_evaluate_unchecked_expressions_fails_cleanly() -> None:
    with pytest.raises(UndeclaredName) as missing:
        evaluate(parse("trust + x"), {"trust": 1, "y": 2})
    assert missing.value.name == "x"
    with pytest.raises(ExprTypeError):
        evaluate(parse("1 == true"), {})
    with pytest.raises(ExprTypeError):
        evaluate(parse("true + 1"), {})
    with pytest.raises(ExprTypeError):
        evaluate(parse("1 + 'a'"), {})
    with pytest.raises(ExprTypeError):
        evaluate(parse("-x"), {"x": True})
    with pytest.raises(ExprTypeError):
        evaluate(parse("x"), {"x": 1.5})  # type: ignore[dict-item]
    with pytest.raises(ExprTypeError, match="wrong type"):
        Expression.compile("trust", TYPES).evaluate({"trust": True})


def test_value_type() -> None:
    assert value_type(True) is BOOL
    assert value_type(False) is BOOL
    assert value_type(0) is INT
    assert value_type("") is STR
    with pytest.raises(TypeError):
        value_type(1.5)  # type: ignore[arg-type]
    assert VarType("int") is INT
    assert VarType.BOOL.value == "bool"


# --------------------------------------------------------------------------- type errors


@pytest.mark.parametrize(
    ("source", "message", "offset", "length"),
    [
        ("trust and flag", "'trust' is an int but 'and' needs true/false", 0, 5),
        ("flag or name", "'name' is a string but 'or' needs true/false", 8, 4),
        ("not trust", "'trust' is an int but 'not' needs true/false", 4, 5),
        ("-flag", "'flag' is a true/false value but '-' needs an int", 1, 4),
        ("-'a'", "\"a\" is a string but '-' needs an int", 1, 3),
        ("true + 1", "true is a true/false value but '+' needs two ints or two strings", 0, 4),
        (
            "trust + name",
            "'+' needs two ints or two strings, but 'trust' is an int and 'name' is a string",
            6,
            1,
        ),
        ("name - 1", "'name' is a string but '-' needs ints", 0, 4),
        ("2 * flag", "'flag' is a true/false value but '*' needs ints", 4, 4),
        ("'x' // 2", "\"x\" is a string but '//' needs ints", 0, 3),
        ("2 % name", "'name' is a string but '%' needs ints", 4, 4),
        (
            "1 == true",
            "'==' needs both sides to be the same type, but 1 is an int and true is a true/false",
            2,
            2,
        ),
        ("trust != '3'", "'!=' needs both sides to be the same type", 6, 2),
        ("flag < met_whelan", "'flag' is a true/false value but '<' needs two ints or two", 0, 4),
        ("name <= 3", "'<=' needs two ints or two strings, but 'name' is a string and 3", 5, 2),
        ("(trust + 1) and flag", "'trust + 1' is an int but 'and' needs true/false", 0, 11),
        ("(1 < 2) < 3", "'1 < 2' is a true/false value but '<' needs", 0, 7),
        # The whole tree is checked, not just the part that would run.
        ("true or trust + flag", "'flag' is a true/false value but '+' needs", 16, 4),
    ],
)
def test_type_errors(source: str, message: str, offset: int, length: int) -> None:
    with pytest.raises(ExprTypeError) as info:
        check(parse(source), TYPES)
    err = info.value
    assert err.message.startswith(message), err.message
    assert (err.offset, err.length) == (offset, length)


def test_result_types() -> None:
    assert check(parse("trust + 1"), TYPES) is INT
    assert check(parse("name + tag"), TYPES) is STR
    assert check(parse("name < tag"), TYPES) is BOOL
    assert check(parse("not flag or trust == 2"), TYPES) is BOOL
    assert check(parse("'a'"), {}) is STR


# --------------------------------------------------------------------------- undeclared


@pytest.mark.parametrize(
    ("source", "suggestion"),
    [
        ("turst > 1", "trust"),
        ("Trust > 1", "trust"),
        ("met_whalen", "met_whelan"),
        ("True", "true"),
        ("FALSE", "false"),
        ("zzz", None),
    ],
)
def test_undeclared_did_you_mean(source: str, suggestion: str | None) -> None:
    with pytest.raises(UndeclaredName) as info:
        check(parse(source), TYPES)
    err = info.value
    name = source.split()[0]
    assert err.name == name
    assert err.suggestion == suggestion
    assert (err.offset, err.length) == (0, len(name))
    if suggestion is None:
        assert err.message == f"unknown variable '{name}'"
    else:
        assert err.message == f"unknown variable '{name}' (did you mean '{suggestion}'?)"


def test_undeclared_found_anywhere() -> None:
    with pytest.raises(UndeclaredName) as info:
        check(parse("true or (flag and turst > 1)"), TYPES)
    assert info.value.offset == 18
    assert isinstance(info.value, ExprError)
    assert isinstance(info.value, ValueError)


# --------------------------------------------------------------------------- printing


@pytest.mark.parametrize(
    ("source", "canonical"),
    [
        ("trust>=2 and not met_whelan", "trust >= 2 and not met_whelan"),
        ("((a))", "a"),
        ("(a + b) * c", "(a + b) * c"),
        ("a + (b * c)", "a + b * c"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("a and (b and c)", "a and (b and c)"),
        ("(not a) == b", "(not a) == b"),
        ("not (a == b)", "not a == b"),
        ("not (a and b)", "not (a and b)"),
        ("(a < b) == c", "(a < b) == c"),
        ("a == (b < c)", "a == (b < c)"),
        ("- -a", "-(-a)"),
        ("-(a + b)", "-(a + b)"),
        ("(-a) * b", "-a * b"),
        ("-(not a)", "-(not a)"),
        ("1 + (not a)", "1 + (not a)"),
        ("'it' + \"s\"", '"it" + "s"'),
        ("'say \"hi\"'", "'say \"hi\"'"),
        ('"it\'s \\"x\\""', '"it\'s \\"x\\""'),
        ("'a\\\\b'", '"a\\\\b"'),
        ("true or false", "true or false"),
    ],
)
def test_to_source(source: str, canonical: str) -> None:
    e = parse(source)
    assert to_source(e) == canonical
    assert parse(canonical) == e


# --------------------------------------------------------------------------- properties

TOKENS = [
    "(", ")", "and", "or", "not", "-", "+", "*", "//", "%", "==", "!=", "<", "<=", ">",
    ">=", "1", "0", "x", "true", "false", '"s"', "'", '"', "\\", "=", "!", "/", ".5", "\n",
]  # fmt: skip


def assert_well_formed_error(err: ExprError, source: str) -> None:
    assert err.message
    assert err.length >= 1
    assert 0 <= err.offset < max(len(source), 1)
    assert err.offset + err.length <= max(len(source), 1)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join),
        st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
    )
)
def test_parse_any_text(source: str) -> None:
    try:
        e = parse(source)
    except ExprError as err:
        assert isinstance(err, ExprSyntaxError)
        assert_well_formed_error(err, source)
        return
    assert parse(to_source(e)) == e
    try:
        check(e, TYPES)
    except ExprError as err:
        assert isinstance(err, UndeclaredName | ExprTypeError)
        assert_well_formed_error(err, source)


VARS: dict[VarType, list[str]] = {INT: ["n", "m"], BOOL: ["p", "q"], STR: ["s", "t"]}
VAR_TYPES = {name: t for t, vs in VARS.items() for name in vs}
STRINGS = st.text(st.characters(exclude_characters="\r\n"), max_size=4)


@cache
def typed(t: VarType, depth: int) -> st.SearchStrategy[Expr]:
    """Well-typed expressions of type ``t`` at most ``depth`` operators deep."""
    value: st.SearchStrategy[Value]
    if t is INT:
        value = st.integers(min_value=0, max_value=MAX_NUMBER)
    elif t is BOOL:
        value = st.booleans()
    else:
        value = STRINGS
    leaf = st.one_of(value.map(Literal), st.sampled_from(VARS[t]).map(Name))
    if depth == 0:
        return leaf

    def sub(u: VarType) -> st.SearchStrategy[Expr]:
        return typed(u, depth - 1)

    options: list[st.SearchStrategy[Expr]] = [leaf]
    if t is INT:
        options.append(st.builds(Unary, st.just("-"), sub(INT)))
        ops = st.sampled_from(["+", "-", "*", "//", "%"])
        options.append(st.builds(Binary, ops, sub(INT), sub(INT)))
    elif t is STR:
        options.append(st.builds(Binary, st.just("+"), sub(STR), sub(STR)))
    else:
        options.append(st.builds(Unary, st.just("not"), sub(BOOL)))
        options.append(st.builds(Binary, st.sampled_from(["and", "or"]), sub(BOOL), sub(BOOL)))
        options.append(
            st.sampled_from(list(VarType)).flatmap(
                lambda u: st.builds(Compare, st.sampled_from(["==", "!="]), sub(u), sub(u))
            )
        )
        order = st.sampled_from(["<", "<=", ">", ">="])
        options.append(st.builds(Compare, order, sub(INT), sub(INT)))
        options.append(st.builds(Compare, order, sub(STR), sub(STR)))
    return st.one_of(options)


envs = st.fixed_dictionaries(
    {
        "n": st.integers(min_value=-MAX_NUMBER, max_value=MAX_NUMBER),
        "m": st.integers(min_value=-3, max_value=3),
        "p": st.booleans(),
        "q": st.booleans(),
        "s": STRINGS,
        "t": STRINGS,
    }
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(VarType)).flatmap(lambda t: st.tuples(st.just(t), typed(t, 4))), envs)
def test_well_typed_expressions_evaluate(
    typed_expr: tuple[VarType, Expr], env: dict[str, Value]
) -> None:
    t, e = typed_expr
    assert check(e, VAR_TYPES) is t
    source = to_source(e)
    again = parse(source)
    assert again == e
    assert to_source(again) == source
    assert names(again) <= set(VAR_TYPES)
    try:
        value = evaluate(e, env)
    except ValueOutOfRange as err:
        # The only failure a well-typed expression has: a value past its limit, named.
        assert "limit" in err.message
        with pytest.raises(ValueOutOfRange):
            Expression.compile(source, VAR_TYPES, expected=t).evaluate(env)
        return
    assert value_type(value) is t
    if isinstance(value, int) and not isinstance(value, bool):
        assert abs(value) <= MAX_NUMBER
    assert Expression.compile(source, VAR_TYPES, expected=t).evaluate(env) == value
