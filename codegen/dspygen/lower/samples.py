"""Lowering stage: JSON samples for the generated tests, derived from the IR.

Each model and signature side gets a `full` sample (every field present) and a
`minimal` one (required fields only). A sample is the JSON given to pydantic (keys by
alias, as pydantic validates them) and the JSON pydantic writes back (keys by field
name, defaults filled in). The generated pytest checks both against pydantic itself,
so a wrong sample fails loudly rather than proving nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from dspygen.ir import nodes
from dspygen.ir import types as t


class _Cycle:
    """A value that cannot be built without recursing forever."""


CYCLE = _Cycle()


@dataclass(frozen=True)
class Obj:
    """A model value: (field name, validation key, value) triples, in field order."""

    items: tuple[tuple[str, str, object], ...]


@dataclass(frozen=True)
class Sample:
    name: str
    input: str
    expected: str


def dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def plain(value: object, *, by_alias: bool) -> object:
    if isinstance(value, Obj):
        return {(key if by_alias else name): plain(v, by_alias=by_alias) for name, key, v in value.items}
    if isinstance(value, list):
        return [plain(v, by_alias=by_alias) for v in value]
    if isinstance(value, dict):
        return {k: plain(v, by_alias=by_alias) for k, v in value.items()}
    return value


class SampleMaker:
    def __init__(self, schema: nodes.Schema) -> None:
        self.models = {m.id: m for m in schema.models}
        self.enums = {e.id: e for e in schema.enums}

    def full(self, ty: t.Type, hint: str, stack: tuple[str, ...]) -> object:
        if isinstance(ty, t.Primitive):
            scalars: dict[str, object] = {
                "str": f'{hint} "é"\n',
                "int": 7 * len(hint) + 1,
                "float": 0.25 * len(hint),
                "bool": True,
            }
            return scalars.get(ty.name)
        if isinstance(ty, t.LiteralOf):
            return ty.values[-1]
        if isinstance(ty, t.OptionalOf):
            inner = self.full(ty.inner, hint, stack)
            return None if inner is CYCLE else inner
        if isinstance(ty, t.ListOf):
            item = self.full(ty.item, hint, stack)
            return [] if item is CYCLE else [item]
        if isinstance(ty, t.DictOf):
            value = self.full(ty.value, hint, stack)
            return {} if value is CYCLE else {f"{hint}-key": value}
        assert isinstance(ty, t.Named)
        if ty.ref in self.enums:
            members = self.enums[ty.ref].members
            return members[-1].value if members else None
        if ty.ref in stack:
            return CYCLE
        model = self.models[ty.ref]
        items = []
        for f in model.fields:
            value = self.full(f.type, f.name, (*stack, ty.ref))
            if value is CYCLE:
                return CYCLE
            items.append((f.name, f.alias or f.name, value))
        return Obj(tuple(items))

    def minimal(self, ty: t.Type, stack: tuple[str, ...]) -> tuple[object, object]:
        """(given, expected) for a value of `ty` built from required fields only."""
        if isinstance(ty, t.OptionalOf):
            return None, None
        if isinstance(ty, t.ListOf):
            return [], []
        if isinstance(ty, t.DictOf):
            return {}, {}
        if isinstance(ty, t.Named) and ty.ref in self.models:
            if ty.ref in stack:
                return CYCLE, CYCLE
            given: list[tuple[str, str, object]] = []
            expected: list[tuple[str, str, object]] = []
            for f in self.models[ty.ref].fields:
                key = f.alias or f.name
                if f.default is not None:
                    expected.append((f.name, key, self.default_json(f.default)))
                    continue
                value, out = self.minimal(f.type, (*stack, ty.ref))
                if value is CYCLE:
                    return CYCLE, CYCLE
                given.append((f.name, key, value))
                expected.append((f.name, key, out))
            return Obj(tuple(given)), Obj(tuple(expected))
        value = self.full(ty, "min", stack)
        return value, value

    def default_json(self, default: nodes.Default) -> object:
        if default.kind == "factory":
            return [] if default.factory == "list" else {}
        if default.kind == "enum_member":
            enum = self.enums[str(default.value)]
            return next(m.value for m in enum.members if m.name == default.member)
        return default.value

    def _samples(self, full: object, minimal: tuple[object, object]) -> list[Sample]:
        out = []
        if full is not CYCLE:
            out.append(Sample("full", dumps(plain(full, by_alias=True)), dumps(plain(full, by_alias=False))))
        given, expected = minimal
        if given is not CYCLE:
            out.append(Sample("minimal", dumps(plain(given, by_alias=True)), dumps(plain(expected, by_alias=False))))
        return out

    def for_model(self, model: nodes.Model) -> list[Sample]:
        return self._samples(self.full(t.Named(model.id), model.name, ()), self.minimal(t.Named(model.id), ()))

    def for_fields(self, fields: list[nodes.SignatureField]) -> list[Sample]:
        full_items = []
        given: list[tuple[str, str, object]] = []
        expected: list[tuple[str, str, object]] = []
        cyclic = False
        for f in fields:
            value = self.full(f.type, f.name, ())
            full_items.append((f.name, f.name, value))
            g, e = self.minimal(f.type, ())
            cyclic |= g is CYCLE
            given.append((f.name, f.name, g))
            expected.append((f.name, f.name, e))
        full: object = CYCLE if any(v is CYCLE for _, _, v in full_items) else Obj(tuple(full_items))
        minimal: tuple[object, object] = (CYCLE, CYCLE) if cyclic else (Obj(tuple(given)), Obj(tuple(expected)))
        return self._samples(full, minimal)
