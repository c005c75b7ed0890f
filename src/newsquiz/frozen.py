"""``Frozen``: the equality, hashing and repr of a frozen dataclass, written once; and
``lazy_dataclass``: ``@dataclass`` whose ``__init__`` is compiled at the first call.

``@dataclass(frozen=True)`` compiles six methods per class with an ``exec`` at every
start (nothing of it is in the ``.pyc``); the game's start builds dozens of these
classes (bench/PROFILES.md, "Start-up: play FILE (third pass)" and "Start-up:
dataclasses without exec").  A class declared

    @lazy_dataclass(frozen=True, eq=False, repr=False)
    class Thing(Frozen): ...

costs no ``exec`` at import: it inherits ``__eq__``, ``__hash__`` and ``__repr__``
from ``Frozen``, which behave exactly as the generated ones of ``@dataclass(frozen=True)``
do (Python 3.11's ``dataclasses``):

* ``a == b`` compares the fields with ``compare=True``, in order, as a tuple, and only
  when both are of the very same class (otherwise ``NotImplemented``);
* ``hash(a)`` is ``hash()`` of the tuple of the fields with ``hash=True``, or with
  ``hash=None`` and ``compare=True``;
* ``repr(a)`` is ``QualName(f=..., g=...)`` over the fields with ``repr=True``
  (``...`` for a recursive reference).

and :func:`lazy_dataclass` gives it the rest (see there): the ``__init__`` the
decorator would have written, compiled on first use, and a shared ``__setattr__`` /
``__delattr__`` that refuse as the generated frozen ones do.  For the type checker
``lazy_dataclass`` *is* ``dataclasses.dataclass``.

The per-class field lists are built on first use and kept on the class.
"""

from __future__ import annotations

import dataclasses
import inspect
import reprlib
import sys
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

__all__ = ["Frozen", "Record", "lazy_dataclass"]

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
    """Base of mutable dataclasses declared ``@lazy_dataclass(eq=False, repr=False)``:
    the ``__eq__`` and ``__repr__`` of ``Frozen`` and, as ``@dataclass``'s own, no hash
    (a mutable record is not hashable); the class then costs no ``exec`` at import."""

    __slots__ = ()

    __eq__ = Frozen.__eq__
    __repr__ = Frozen.__repr__
    __hash__ = None  # type: ignore[assignment]


# ---------------------------------------------------------------- lazy_dataclass

# What ``dataclasses`` marks fields and factory defaults with (private names, the same
# from 3.7 to 3.13; the fallbacks keep this module importable should they go).
_FIELD = getattr(dataclasses, "_FIELD", None)
_FIELD_INITVAR = getattr(dataclasses, "_FIELD_INITVAR", None)
_HAS_DEFAULT_FACTORY = getattr(dataclasses, "_HAS_DEFAULT_FACTORY", None)
if _HAS_DEFAULT_FACTORY is None:  # pragma: no cover - no such Python yet

    class _Factory:
        def __repr__(self) -> str:
            return "<factory>"

    _HAS_DEFAULT_FACTORY = _Factory()


def _field_kind(f: dataclasses.Field[Any]) -> Any:
    return getattr(f, "_field_type", None)


class _LazyInit:
    """The ``__init__`` of a :func:`lazy_dataclass` class until first used: reading it
    (a call, ``super().__init__``, ``inspect.signature``) compiles the ``__init__``
    ``@dataclass`` would have written, puts it on the class in its place and returns
    it.  One per class, so a subclass never runs its parent's."""

    __slots__ = ("frozen", "owner", "post_init", "slots")

    def __init__(self, owner: type, frozen: bool, post_init: bool, slots: bool) -> None:
        self.owner = owner
        self.frozen = frozen
        self.post_init = post_init
        self.slots = slots

    def __get__(self, obj: object, objtype: type | None = None) -> Any:
        init: Any = self.owner.__dict__.get("__init__")
        if init is self:
            init = _make_init(self)
            type.__setattr__(self.owner, "__init__", init)
        if obj is None:
            return init
        return init.__get__(obj, objtype)


def _field_init(
    f: dataclasses.Field[Any], frozen: bool, names: dict[str, Any], self_name: str, slots: bool
) -> str | None:
    # As ``dataclasses._field_init`` (3.10-3.12) writes it.
    default_name = f"_dflt_{f.name}"
    if f.default_factory is not dataclasses.MISSING:
        names[default_name] = f.default_factory
        if f.init:
            value = f"{default_name}() if {f.name} is _HAS_DEFAULT_FACTORY else {f.name}"
        else:
            value = f"{default_name}()"
    elif f.init:
        if f.default is not dataclasses.MISSING:
            names[default_name] = f.default
        value = f.name
    elif slots and f.default is not dataclasses.MISSING:
        names[default_name] = f.default
        value = default_name
    else:
        return None  # the class attribute holds the default
    if _field_kind(f) is _FIELD_INITVAR:
        return None
    if frozen:
        return f"__dataclass_builtins_object__.__setattr__({self_name},{f.name!r},{value})"
    return f"{self_name}.{f.name}={value}"


def _init_param(f: dataclasses.Field[Any]) -> str:
    if f.default is not dataclasses.MISSING:
        return f"{f.name}=_dflt_{f.name}"
    if f.default_factory is not dataclasses.MISSING:
        return f"{f.name}=_HAS_DEFAULT_FACTORY"
    return f.name


def _init_fields(
    cls: type,
) -> tuple[
    list[dataclasses.Field[Any]], list[dataclasses.Field[Any]], list[dataclasses.Field[Any]]
]:
    """All fields and InitVars, then the positional and the keyword-only parameters."""
    every = cls.__dataclass_fields__.values()  # type: ignore[attr-defined]
    fields = [f for f in every if _field_kind(f) in (_FIELD, _FIELD_INITVAR)]
    std = [f for f in fields if f.init and not f.kw_only]
    kw_only = [f for f in fields if f.init and f.kw_only]
    return fields, std, kw_only


def _check_defaults(std: list[dataclasses.Field[Any]]) -> None:
    # The class-definition-time error of ``dataclasses._init_fn``.
    seen_default = False
    for f in std:
        if not (f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING):
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")


def _make_init(lazy: _LazyInit) -> Callable[..., None]:
    """The ``__init__`` ``@dataclass`` writes for the class (one ``exec``)."""
    cls = lazy.owner
    fields, std, kw_only = _init_fields(cls)
    self_name = "__dataclass_self__" if "self" in cls.__dataclass_fields__ else "self"  # type: ignore[attr-defined]
    names: dict[str, Any] = {
        "_HAS_DEFAULT_FACTORY": _HAS_DEFAULT_FACTORY,
        "__dataclass_builtins_object__": object,
    }
    body = [
        line for f in fields if (line := _field_init(f, lazy.frozen, names, self_name, lazy.slots))
    ]
    if lazy.post_init:
        initvars = ",".join(f.name for f in fields if _field_kind(f) is _FIELD_INITVAR)
        body.append(f"{self_name}.__post_init__({initvars})")
    params = [self_name, *map(_init_param, std)]
    if kw_only:
        params += ["*", *map(_init_param, kw_only)]
    text = (
        f"def __create_fn__({', '.join(names)}):\n"
        f" def __init__({','.join(params)}):\n"
        + "\n".join(f"  {line}" for line in body or ["pass"])
        + "\n return __init__"
    )
    module = sys.modules.get(cls.__module__)
    scope: dict[str, Any] = {}
    exec(
        compile(text, "<string>", "exec", dont_inherit=True), vars(module) if module else {}, scope
    )
    init: Callable[..., None] = scope["__create_fn__"](**names)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {f.name: f.type for f in (*std, *kw_only)} | {"return": None}
    return init


def _frozen_owners(cls: type, name: str, method: Any) -> tuple[Any, Any]:
    """The nearest and the farthest class of ``cls.__mro__`` holding ``method``."""
    owners = [klass for klass in cls.__mro__ if klass.__dict__.get(name) is method]
    return owners[0], owners[-1]


def _field_names(cls: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _frozen_setattr(self: object, name: str, value: Any) -> None:
    # The generated frozen ``__setattr__``: refuses any name on the class itself, the
    # fields on a subclass.  (Each class's own would check, then pass the call on to the
    # next: the nearest one's check is the strictest, the farthest one passes it on.)
    nearest, farthest = _frozen_owners(type(self), "__setattr__", _frozen_setattr)
    if type(self) is nearest or name in _field_names(nearest):
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    super(farthest, self).__setattr__(name, value)


def _frozen_delattr(self: object, name: str) -> None:
    nearest, farthest = _frozen_owners(type(self), "__delattr__", _frozen_delattr)
    if type(self) is nearest or name in _field_names(nearest):
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
    super(farthest, self).__delattr__(name)


def _frozen_getstate(self: Any) -> list[Any]:
    # A frozen class with slots pickles its fields as a list (as ``dataclasses`` does).
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _frozen_setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(dataclasses.fields(self), state):
        object.__setattr__(self, f.name, value)


class _LazyDoc:
    """The docstring ``@dataclass`` gives a class without one, ``Name(a: 'int', …)``,
    worked out when read (``inspect.signature`` would compile ``__init__``)."""

    __slots__ = ()

    def __get__(self, obj: object, objtype: type | None = None) -> str:
        cls = type(obj) if objtype is None else objtype
        try:
            signature = str(inspect.signature(cls)).replace(" -> None", "")
        except (TypeError, ValueError):  # pragma: no cover - as dataclasses does
            signature = ""
        text = cls.__name__ + signature
        type.__setattr__(cls, "__doc__", text)
        return text


class _Pending(str):
    """A docstring for ``@dataclass`` to see while it decorates (so it does not call
    ``inspect.signature``); replaced by a :class:`_LazyDoc` after."""


def _dataclass_bases(cls: Any) -> list[Any]:
    return [
        b.__dataclass_params__
        for b in cls.__mro__[-1:0:-1]
        if getattr(b, "__dataclass_fields__", None) is not None
    ]


def _lazy(
    cls: type, init: bool, frozen: bool, eq: bool, unsafe_hash: bool, kw: dict[str, Any]
) -> type:
    if frozen and (eq or unsafe_hash):
        # Not the shape this is for (a hash made from the fields): the decorator itself.
        return dataclasses.dataclass(
            cls, init=init, frozen=frozen, eq=eq, unsafe_hash=unsafe_hash, **kw
        )
    bases = _dataclass_bases(cls)
    frozen_bases = [p for p in bases if p.frozen]
    if bases:
        if frozen_bases and not frozen:
            raise TypeError("cannot inherit non-frozen dataclass from a frozen one")
        if frozen and (
            len(frozen_bases) < len(bases) if sys.version_info >= (3, 13) else not frozen_bases
        ):
            raise TypeError("cannot inherit frozen dataclass from a non-frozen one")
    if frozen:
        for name in ("__setattr__", "__delattr__"):
            if name in cls.__dict__:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
    pending = not cls.__dict__.get("__doc__")
    if pending:
        type.__setattr__(cls, "__doc__", _Pending("pending"))
    for params in frozen_bases:  # the decorator must not see frozen bases (it is told frozen=False)
        params.frozen = False
    try:
        cls = dataclasses.dataclass(
            cls, init=False, frozen=False, eq=eq, unsafe_hash=unsafe_hash, **kw
        )
    finally:
        for params in frozen_bases:
            params.frozen = True
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    params.init, params.frozen = init, frozen
    if pending:
        type.__setattr__(cls, "__doc__", _LazyDoc())
    if frozen:
        type.__setattr__(cls, "__setattr__", _frozen_setattr)
        type.__setattr__(cls, "__delattr__", _frozen_delattr)
        if kw.get("slots"):
            for name, method in (
                ("__getstate__", _frozen_getstate),
                ("__setstate__", _frozen_setstate),
            ):
                if name not in cls.__dict__:
                    type.__setattr__(cls, name, method)
    if init:
        _check_defaults(_init_fields(cls)[1])
    if init and "__init__" not in cls.__dict__:
        lazy = _LazyInit(cls, frozen, hasattr(cls, "__post_init__"), bool(kw.get("slots")))
        type.__setattr__(cls, "__init__", lazy)
    return cls


def _lazy_dataclass(
    cls: type | None = None,
    /,
    *,
    init: bool = True,
    frozen: bool = False,
    eq: bool = True,
    unsafe_hash: bool = False,
    **kw: Any,
) -> Any:
    """``@dataclass`` (same arguments, same class) that compiles no ``__init__``,
    ``__setattr__`` or ``__delattr__`` while decorating:

    * ``__init__`` is a :class:`_LazyInit` until first used, then exactly the
      function ``@dataclass`` writes (same parameters, defaults, factories,
      ``__post_init__`` call, ``TypeError`` for wrong arguments, ``__qualname__``);
    * a frozen class gets the shared :func:`_frozen_setattr` / :func:`_frozen_delattr`
      (``FrozenInstanceError`` as the generated ones raise it; ``object.__setattr__``
      still works), ``__dataclass_params__.frozen`` is true, and with ``slots=True``
      the ``__getstate__`` / ``__setstate__`` that let it pickle;
    * a class without a docstring gets ``@dataclass``'s, worked out when read.

    ``eq``/``repr`` are the decorator's own (``eq=False, repr=False`` with a
    ``Frozen``/``Record`` base compiles nothing); a frozen class with ``eq=True`` or
    ``unsafe_hash=True`` is left to ``@dataclass`` entirely."""

    def wrap(cls: type) -> type:
        return _lazy(cls, init, frozen, eq, unsafe_hash, kw)

    return wrap if cls is None else wrap(cls)


if TYPE_CHECKING:
    from dataclasses import dataclass as lazy_dataclass
else:
    lazy_dataclass = _lazy_dataclass
