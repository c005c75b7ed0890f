"""``Frozen``: the equality, hashing and repr of a frozen dataclass, written once.

``@dataclass(frozen=True)`` compiles six methods per class with an ``exec`` at every
start (nothing of it is in the ``.pyc``); the game's start builds dozens of these
classes (bench/PROFILES.md, "Start-up: play FILE (third pass)").  A class declared

    @dataclass(frozen=True, eq=False, repr=False)
    class Thing(Frozen): ...

gets only ``__init__``, ``__setattr__`` and ``__delattr__`` from the decorator and
inherits these three, which behave exactly as the generated ones of
``@dataclass(frozen=True)`` do (Python 3.11's ``dataclasses``):

* ``a == b`` compares the fields with ``compare=True``, in order, as a tuple, and only
  when both are of the very same class (otherwise ``NotImplemented``);
* ``hash(a)`` is ``hash()`` of the tuple of the fields with ``hash=True``, or with
  ``hash=None`` and ``compare=True``;
* ``repr(a)`` is ``QualName(f=..., g=...)`` over the fields with ``repr=True``
  (``...`` for a recursive reference).

The per-class field lists are built on first use and kept on the class.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any

_Getter = Callable[[Any], tuple[Any, ...]]


def _getter(names: list[str]) -> _Getter:
    if not names:
        return lambda _: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


class _Plan:
    __slots__ = ("eq", "hash", "repr")

    def __init__(self, cls: type) -> None:
        fields = dataclasses.fields(cls)
        self.eq = _getter([f.name for f in fields if f.compare])
        self.hash = _getter([f.name for f in fields if (f.compare if f.hash is None else f.hash)])
        self.repr = [(f.name, attrgetter(f.name)) for f in fields if f.repr]


def _plan(cls: type) -> _Plan:
    plan = cls.__dict__.get("_frozen_plan")
    if plan is None:
        plan = _Plan(cls)
        type.__setattr__(cls, "_frozen_plan", plan)
    return plan


class Frozen:
    """Base of frozen dataclasses declared with ``eq=False, repr=False`` (see above)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            get = _plan(self.__class__).eq
            return bool(get(self) == get(other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(_plan(self.__class__).hash(self))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        parts = ", ".join(f"{name}={get(self)!r}" for name, get in _plan(self.__class__).repr)
        return f"{self.__class__.__qualname__}({parts})"


class Record:
    """Base of mutable dataclasses declared ``@dataclass(eq=False, repr=False)``: the
    ``__eq__`` and ``__repr__`` of ``Frozen`` and, as ``@dataclass``'s own, no hash
    (a mutable record is not hashable); the decorator then compiles ``__init__`` only."""

    __slots__ = ()

    __eq__ = Frozen.__eq__
    __repr__ = Frozen.__repr__
    __hash__ = None  # type: ignore[assignment]
