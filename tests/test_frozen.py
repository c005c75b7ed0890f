"""``newsquiz.frozen.Frozen`` behaves exactly as ``@dataclass(frozen=True)``'s generated
``__eq__`` / ``__hash__`` / ``__repr__``, and a ``@lazy_dataclass`` class exactly as the
``@dataclass`` one, its ``__init__`` compiled on first use (the model, records, actions
and views use them to start quicker: bench/PROFILES.md, "Start-up: play FILE (third
pass)" and "Start-up: dataclasses without exec")."""

from __future__ import annotations

import ast
import builtins
import copy
import dataclasses
import importlib
import inspect
import itertools
import os
import pickle
import pkgutil
import subprocess
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pytest

import newsquiz
from newsquiz.frozen import Frozen, Record, _LazyInit, lazy_dataclass
from newsquiz.scenario import expr
from newsquiz.scenario.loader import load

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Reference:
    a: int
    b: Any = 0
    hidden: int = field(default=0, compare=False, repr=False)
    seen_only: int = field(default=0, compare=False)
    unhashed: Any = field(default=0, hash=False)
    hashed_only: int = field(default=0, compare=False, hash=True)
    quiet: int = field(default=0, repr=False)


@dataclass(frozen=True, eq=False, repr=False)
class Candidate(Frozen):
    a: int
    b: Any = 0
    hidden: int = field(default=0, compare=False, repr=False)
    seen_only: int = field(default=0, compare=False)
    unhashed: Any = field(default=0, hash=False)
    hashed_only: int = field(default=0, compare=False, hash=True)
    quiet: int = field(default=0, repr=False)


@dataclass(frozen=True)
class RefEmpty:
    pass


@dataclass(frozen=True, eq=False, repr=False)
class CandEmpty(Frozen):
    pass


def _pairs() -> list[tuple[Any, Any]]:
    values = [0, 1, "x", (1, 2), None]
    out = []
    for a, b, other in itertools.product([1, 2], values, [0, 3]):
        kw = dict(b=b, hidden=other, seen_only=other, unhashed=other, hashed_only=other)
        out.append((Reference(a, quiet=other, **kw), Candidate(a, quiet=other, **kw)))
    return out


def _named(text: str) -> str:
    return text.replace("Reference(", "X(").replace("Candidate(", "X(")


def test_eq_hash_repr_match_the_generated_methods_field_by_field() -> None:
    pairs = _pairs()
    for (r1, c1), (r2, c2) in itertools.product(pairs, pairs):
        assert (r1 == r2) is (c1 == c2)
        assert (r1 != r2) is (c1 != c2)
        if r1 == r2:
            assert hash(c1) == hash(c2)
    for r, c in pairs:
        assert hash(r) == hash(c)  # the same tuple of the same fields is hashed
        assert _named(repr(r)) == _named(repr(c))
        assert c == replace(c) and hash(c) == hash(replace(c, hidden=99, seen_only=5))
    assert repr(CandEmpty()) == "CandEmpty()" and CandEmpty() == CandEmpty()
    assert hash(CandEmpty()) == hash(RefEmpty()) == hash(())
    # another class with equal fields is not equal (NotImplemented both ways)
    assert Candidate(1) != Reference(1) and Reference(1) != Candidate(1)
    assert Candidate(1).__eq__(Reference(1)) is NotImplemented
    # an unhashable compared field fails as it does with the generated __hash__
    with pytest.raises(TypeError):
        hash(Reference(1, b=[1]))
    with pytest.raises(TypeError):
        hash(Candidate(1, b=[1]))
    # still frozen, same fields, same constructor
    with pytest.raises(dataclasses.FrozenInstanceError):
        Candidate(1).a = 2  # type: ignore[misc]
    assert [f.name for f in fields(Candidate)] == [f.name for f in fields(Reference)]


def test_a_recursive_repr_is_cut_as_the_generated_one_cuts_it() -> None:
    r, c = Reference(1, b=[]), Candidate(1, b=[])
    r.b.append(r)
    c.b.append(c)
    assert (
        _named(repr(r))
        == _named(repr(c))
        == "X(a=1, b=[...], seen_only=0, unhashed=0, hashed_only=0)"
    )


@dataclass
class RefMutable:
    a: int
    b: list[int] = field(default_factory=list)
    hidden: int = field(default=0, compare=False, repr=False)


@dataclass(eq=False, repr=False)
class CandMutable(Record):
    a: int
    b: list[int] = field(default_factory=list)
    hidden: int = field(default=0, compare=False, repr=False)


def test_a_mutable_record_compares_and_shows_as_a_dataclass_and_is_not_hashable() -> None:
    for a, b, hidden in itertools.product([1, 2], [[], [1]], [0, 5]):
        r, c = RefMutable(a, list(b), hidden), CandMutable(a, list(b), hidden)
        assert _named(repr(r).replace("RefMutable(", "X(")) == repr(c).replace("CandMutable(", "X(")
        assert (r == RefMutable(1, [], 9)) is (c == CandMutable(1, [], 9))
        c.b.append(3)
        assert c == CandMutable(a, [*b, 3], hidden + 1)
    assert RefMutable.__hash__ is None and CandMutable.__hash__ is None
    with pytest.raises(TypeError):
        hash(CandMutable(1))
    assert CandMutable(1) != RefMutable(1)


def _frozen_classes() -> list[type]:
    found = set()
    for info in pkgutil.walk_packages(newsquiz.__path__, "newsquiz."):
        if ".tui" in info.name or ".serve" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            ours = isinstance(value, type) and issubclass(value, (Frozen, Record))
            # (a plain subclass of one, such as library._Cached, has its own methods)
            if ours and "__dataclass_params__" in vars(value):
                found.add(value)
    return sorted(found, key=lambda c: c.__qualname__)


def test_every_frozen_class_is_a_frozen_dataclass_without_generated_eq_hash_repr() -> None:
    classes = _frozen_classes()
    assert len(classes) >= 30
    for cls in classes:
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        frozen = issubclass(cls, Frozen)
        assert params.frozen is frozen and not params.eq and not params.repr, cls
        assert cls.__eq__ is Frozen.__eq__ and cls.__repr__ is Frozen.__repr__, cls
        assert cls.__hash__ is (Frozen.__hash__ if frozen else None), cls


def _walk(obj: Any, seen: dict[int, Any]) -> None:
    if id(obj) in seen:
        return
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        seen[id(obj)] = obj
        for f in fields(obj):
            _walk(getattr(obj, f.name), seen)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            _walk(item, seen)
    elif isinstance(obj, dict):
        for item in obj.values():
            _walk(item, seen)


def test_a_bundled_scenario_keeps_its_equality_hash_and_repr() -> None:
    scenario = load(ROOT / "scenarios" / "g20-blinken-lavrov.yaml")
    seen: dict[int, Any] = {}
    _walk(scenario, seen)
    objects = [o for o in seen.values() if isinstance(o, Frozen)]
    assert len(objects) > 20
    for obj in objects:
        same = replace(obj)
        assert same == obj
        assert (same != obj) is False
        shown = ", ".join(f"{f.name}={getattr(obj, f.name)!r}" for f in fields(obj) if f.repr)
        assert repr(obj) == f"{type(obj).__qualname__}({shown})"
        try:
            expected = hash(tuple(getattr(obj, f.name) for f in fields(obj) if f.compare))
        except TypeError:
            with pytest.raises(TypeError):
                hash(obj)
        else:
            assert hash(obj) == hash(same) == expected
        moved = {f.name: None for f in fields(obj) if f.name == "pos"}
        if moved:  # where a thing was written is not part of what it is
            assert replace(obj, **moved) == obj


# ----------------------------------------------------------------- lazy_dataclass


def _lazy_classes() -> list[type]:
    """Every class of the package declared ``@lazy_dataclass(...)`` (read from the source),
    and every ``Frozen``/``Record`` dataclass, which must be one of them."""
    found = []
    for path in sorted((ROOT / "src" / "newsquiz").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT / "src").with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and any(
                isinstance(d, ast.Call) and getattr(d.func, "id", "") == "lazy_dataclass"
                for d in node.decorator_list
            ):
                found.append(getattr(importlib.import_module(module), node.name))
    assert set(_frozen_classes()) <= set(found)
    return found


def _twin(cls: type) -> type:
    """The class as ``@dataclass`` itself makes it: same bases, fields (with their
    ``field()`` options), class variables, ``__post_init__``, slots, docstring."""
    annotations: dict[str, Any] = {}
    ns: dict[str, Any] = {
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__annotations__": annotations,
        "__doc__": vars(cls)["__doc__"] if isinstance(vars(cls)["__doc__"], str) else None,
    }
    for f in cls.__dataclass_fields__.values():  # type: ignore[attr-defined]
        annotations[f.name] = f.type
        if f._field_type is dataclasses._FIELD_CLASSVAR:  # type: ignore[attr-defined]
            ns[f.name] = getattr(cls, f.name)
            continue
        options: dict[str, Any] = dict(
            init=f.init, repr=f.repr, hash=f.hash, compare=f.compare, metadata=f.metadata
        )
        if f.default is not dataclasses.MISSING:
            options["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            options["default_factory"] = f.default_factory
        ns[f.name] = field(kw_only=f.kw_only, **options)
    if "__post_init__" in vars(cls):
        ns["__post_init__"] = vars(cls)["__post_init__"]
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    decorate = dataclass(
        frozen=params.frozen, eq=params.eq, repr=params.repr, slots="__slots__" in vars(cls)
    )
    return decorate(type(cls.__name__, cls.__bases__, ns))


def _described(cls: type) -> list[tuple[Any, ...]]:
    return [
        (f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.hash, f.compare, *more)
        for f in cls.__dataclass_fields__.values()  # type: ignore[attr-defined]
        for more in [(dict(f.metadata), f.kw_only, f._field_type)]  # type: ignore[attr-defined]
    ]


def _state(obj: Any) -> dict[str, Any]:
    found = {f.name: getattr(obj, f.name) for f in fields(obj)}
    if hasattr(obj, "__dict__"):
        found["__dict__"] = dict(vars(obj))
    return found


def _outcome(cls: type, args: list[Any], kwargs: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "made", _state(cls(*args, **kwargs))
    except Exception as err:  # the failure itself is compared
        return type(err).__name__, str(err)


def _bundled_samples() -> dict[type, Any]:
    """One object of each class the bundled scenario holds, checked and compiled."""
    from newsquiz.engine.compiled import compiled
    from newsquiz.scenario.loader import check_file

    result = check_file(ROOT / "scenarios" / "g20-blinken-lavrov.yaml")
    assert result.scenario is not None
    compiled(result.scenario)
    seen: dict[int, Any] = {}
    _walk((result, expr.parse("not (score + 1 > 2) or -score == 0")), seen)
    return {type(o): o for o in seen.values()}


def _sample_values(cls: type, samples: dict[type, Any]) -> dict[str, Any]:
    """Arguments for every ``__init__`` parameter: a real object's where one exists."""
    real = samples.get(cls)
    return {
        f.name: getattr(real, f.name) if real is not None else f"<{f.name}>"
        for f in fields(cls)
        if f.init
    }


def _calls(cls: type, values: dict[str, Any]) -> list[tuple[list[Any], dict[str, Any]]]:
    """Positional, keyword, required-only, and wrong calls (missing, extra, unknown)."""
    params = [f for f in fields(cls) if f.init]
    positional = [f for f in params if not f.kw_only]
    keyword = {f.name: values[f.name] for f in params if f.kw_only}
    required = [
        f
        for f in params
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    calls = [
        ([values[f.name] for f in positional], keyword),
        ([], {f.name: values[f.name] for f in params}),
        ([], {f.name: values[f.name] for f in required}),
        ([values[f.name] for f in positional], {**keyword, "surplus": 1}),
        ([*(values[f.name] for f in positional), "surplus"], keyword),
        ([], {}),
    ]
    if required:
        calls.append(([], {f.name: values[f.name] for f in required[1:]}))
    if positional:
        first = positional[0].name
        calls.append(([values[first]], {first: values[first]}))
    return calls


def test_every_lazy_class_constructs_as_its_dataclass_twin() -> None:
    samples = _bundled_samples()
    classes = _lazy_classes()
    made: dict[type, int] = {}
    failed = 0
    for cls in classes:
        twin = _twin(cls)
        assert str(inspect.signature(cls)) == str(inspect.signature(twin)), cls
        assert cls.__init__.__annotations__ == twin.__init__.__annotations__, cls
        assert cls.__doc__ == twin.__doc__, cls
        assert cls.__match_args__ == twin.__match_args__, cls  # type: ignore[attr-defined]
        assert _described(cls) == _described(twin), cls
        assert dataclasses.is_dataclass(cls) and (
            hasattr(cls, "__dict__") == hasattr(twin, "__dict__")
        )
        values = _sample_values(cls, samples)
        for args, kwargs in _calls(cls, values):
            outcome = _outcome(cls, args, kwargs)
            assert outcome == _outcome(twin, args, kwargs), (cls, args, kwargs)
            made[cls] = made.get(cls, 0) + (outcome[0] == "made")
            failed += outcome[0] == "TypeError"
        # a default factory is called for each object (nothing shared between two)
        required = {
            f.name: values[f.name]
            for f in fields(cls)
            if f.init
            and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        }
        for f in fields(cls):
            if f.default_factory is not dataclasses.MISSING:
                one, two = cls(**required), cls(**required)
                value = getattr(one, f.name)
                assert value == getattr(twin(**required), f.name), (cls, f.name)
                if isinstance(value, (list, dict, set)):
                    assert value is not getattr(two, f.name), (cls, f.name)
    # three calls make an object (all but the operators, which check what they are given)
    assert failed >= 4 * len(classes)
    assert [c.__name__ for c in classes if made[c] < 3] == []


def test_every_lazy_class_is_frozen_or_not_as_its_twin_and_replaces_and_pickles() -> None:
    samples = _bundled_samples()
    for cls in _lazy_classes():
        twin = _twin(cls)
        values = _sample_values(cls, samples)
        obj, ref = cls(**values), twin(**values)
        name = fields(cls)[0].name
        frozen = cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        for target in ("__not_a_field__", name):
            for thing in (obj, ref):
                if frozen and thing is ref and target != name and "__slots__" in vars(cls):
                    # @dataclass's own refers to the class slots=True replaced (a CPython
                    # bug up to 3.13): a TypeError from super() instead of this refusal
                    with pytest.raises(TypeError, match=r"super\(type, obj\)"):
                        setattr(thing, target, 1)
                    continue
                if frozen:
                    with pytest.raises(dataclasses.FrozenInstanceError) as set_err:
                        setattr(thing, target, 1)
                    with pytest.raises(dataclasses.FrozenInstanceError) as del_err:
                        delattr(thing, target)
                    messages = (str(set_err.value), str(del_err.value))
                    assert messages == (
                        f"cannot assign to field {target!r}",
                        f"cannot delete field {target!r}",
                    )
        if frozen and hasattr(obj, "__dict__"):
            object.__setattr__(obj, name, "changed")  # what __post_init__ and caches do
            assert getattr(obj, name) == "changed"
            object.__setattr__(obj, name, values[name])
        elif not frozen:
            setattr(obj, name, "changed")
            assert getattr(obj, name) == "changed"
            setattr(obj, name, values[name])
        assert type(replace(obj)) is cls and _state(replace(obj)) == _state(obj)
        back = pickle.loads(pickle.dumps(obj))
        assert type(back) is cls and _state(back) == _state(obj)
        if issubclass(cls, (Frozen, Record)):  # (the others compare by identity)
            assert replace(obj) == obj and back == obj


def test_a_checked_bundled_scenario_survives_a_pickle_round_trip() -> None:
    from newsquiz.engine.compiled import compiled
    from newsquiz.scenario.loader import check_file

    result = check_file(ROOT / "scenarios" / "g20-blinken-lavrov.yaml")
    assert result.scenario is not None and result.ok
    back = pickle.loads(pickle.dumps(result))
    assert back == result and back.scenario == result.scenario
    assert repr(back) == repr(result)
    seen: dict[int, Any] = {}
    _walk(back, seen)
    assert len(seen) > 50
    # and once the engine has compiled it (the table cached on the scenario)
    compiled(result.scenario)
    again = pickle.loads(pickle.dumps(result.scenario))
    assert again == result.scenario
    start = result.scenario.start_id
    assert compiled(again).remaining_questions(start, frozenset()) == compiled(
        result.scenario
    ).remaining_questions(start, frozenset())


class _Counted:
    """Counts ``exec`` and ``compile`` calls (``dataclasses`` and ``frozen`` use both)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        for name in ("exec", "compile"):
            real = getattr(builtins, name)

            def counted(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
                self.calls += 1
                return _real(*args, **kwargs)

            monkeypatch.setattr(builtins, name, counted)


def test_decorating_compiles_nothing_and_the_first_call_compiles_init_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counted = _Counted(monkeypatch)

    @lazy_dataclass(frozen=True, eq=False, repr=False)
    class Point(Frozen):
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list)
        area: int = field(init=False, default=0)

        def __post_init__(self) -> None:
            object.__setattr__(self, "area", self.x * self.y)

    @lazy_dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
    class Slotted(Frozen):
        a: int
        b: str = "b"

    @lazy_dataclass(eq=False, repr=False)
    class Mutable(Record):
        a: int
        b: dict[str, int] = field(default_factory=dict)

    assert counted.calls == 0
    for cls in (Point, Slotted, Mutable):
        assert isinstance(vars(cls)["__init__"], _LazyInit)
    p = Point(2, 3)
    assert counted.calls == 2  # one compile, one exec
    assert (p.x, p.y, p.tags, p.area) == (2, 3, [], 6) and Point(1).tags is not p.tags
    assert not isinstance(vars(Point)["__init__"], _LazyInit)
    Point(4, y=5)
    assert counted.calls == 2
    s = Slotted(a=1)
    assert (s.a, s.b) == (1, "b") and not hasattr(s, "__dict__")
    with pytest.raises(TypeError, match="positional"):
        Slotted(1)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.a = 2  # type: ignore[misc]
    assert copy.deepcopy(s) == s  # (pickle's path: __reduce_ex__, then __setstate__)
    m = Mutable(1)
    m.a = 5
    assert m == Mutable(5) and Mutable(1).b is not m.b
    assert Point.__match_args__ == ("x", "y", "tags") and Slotted.__match_args__ == ()
    assert Point.__doc__ == "Point(x: 'int', y: 'int' = 0, tags: 'list[str]' = <factory>)"


def test_a_subclass_gets_its_own_init_not_its_parents() -> None:
    @lazy_dataclass(frozen=True, eq=False, repr=False)
    class Parent(Frozen):
        a: int

    assert Parent(1).a == 1  # the parent's __init__ is compiled and installed first

    @lazy_dataclass(frozen=True, eq=False, repr=False)
    class Child(Parent):
        b: int = 2

    class Plain(Child):
        """Not a dataclass of its own: runs Child's __init__."""

        extra = 0

    c = Child(1, 3)
    assert (c.a, c.b) == (1, 3) and Child.__match_args__ == ("a", "b")
    with pytest.raises(TypeError, match=r"Child.__init__\(\) missing 1 required"):
        Child()  # type: ignore[call-arg]
    p = Plain(5)
    assert (p.a, p.b) == (5, 2) and p != Child(5)
    p.extra = 1  # not a field: a plain subclass may set it (as the generated one allows)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.a = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.extra = 1  # type: ignore[attr-defined]
    assert Child.__dataclass_params__.frozen  # type: ignore[attr-defined]

    # @dataclass itself may extend one, and refuses what it refuses for its own
    @dataclass(frozen=True, eq=False, repr=False)
    class Real(Child):
        c: int = 0

    assert (Real(1).a, Real(1).c) == (1, 0)
    with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen one"):
        lazy_dataclass(eq=False, repr=False)(type("Thaw", (Child,), {}))
    with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen one"):
        dataclass(eq=False, repr=False)(type("Thaw", (Child,), {}))

    @lazy_dataclass(eq=False, repr=False)
    class Mutable(Record):
        a: int

    with pytest.raises(TypeError, match="cannot inherit frozen dataclass from a non-frozen one"):
        lazy_dataclass(frozen=True, eq=False, repr=False)(type("Ice", (Mutable,), {}))
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @lazy_dataclass(frozen=True, eq=False, repr=False)
        class Bad(Frozen):
            a: int = 0
            b: int  # type: ignore[misc]


def test_the_game_path_compiles_no_init_at_import() -> None:
    """A fresh interpreter imports what the game's start imports: no lazy class on that
    path has its ``__init__`` compiled, except those an object is made of on the way."""
    classes = [(c.__module__, c.__qualname__) for c in _lazy_classes()]
    code = f"""
import sys
from newsquiz.frozen import _LazyInit
from bench.startup_profile import _PLAY_IMPORTS
exec(_PLAY_IMPORTS)
loaded = [getattr(sys.modules[m], n) for m, n in {classes!r} if m in sys.modules]
print(len(loaded))
print(sorted(c.__qualname__ for c in loaded if not isinstance(vars(c)["__init__"], _LazyInit)))
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.splitlines()
    assert int(out[0]) >= 45
    # module constants (present.CHANGED_OFFER, grading.SKIPPED, quotes._NOTHING) and the
    # class list the start reads (class_cli.class_reports)
    assert out[1] == "['ClassReports', 'Grade', 'Offer', 'QuoteMatch']"
