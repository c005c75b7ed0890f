"""``newsquiz.frozen.Frozen`` behaves exactly as ``@dataclass(frozen=True)``'s generated
``__eq__`` / ``__hash__`` / ``__repr__`` (the model, records, actions and views use it
to start quicker: bench/PROFILES.md, "Start-up: play FILE (third pass)")."""

from __future__ import annotations

import dataclasses
import importlib
import itertools
import pkgutil
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import pytest

import newsquiz
from newsquiz.frozen import Frozen, Record
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
