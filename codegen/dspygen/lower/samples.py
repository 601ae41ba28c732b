"""Lowering stage: JSON samples for the generated tests, derived from the IR.

Each model and signature side gets a `full` sample (every field present, in the
canonical form pydantic writes, so it must survive byte for byte) and a `minimal` one
(required fields only) whose expected output has the defaults filled in. The generated
pytest checks both against pydantic itself, so a wrong sample fails loudly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from dspygen.ir import nodes
from dspygen.ir import types as t

_CYCLE = object()


@dataclass(frozen=True)
class Sample:
    name: str
    input: str
    expected: str


def dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class SampleMaker:
    def __init__(self, schema: nodes.Schema) -> None:
        self.models = {m.id: m for m in schema.models}
        self.enums = {e.id: e for e in schema.enums}

    def full_fields(self, fields: list[tuple[str, t.Type]], stack: tuple[str, ...]) -> dict[str, object] | None:
        out: dict[str, object] = {}
        for name, ty in fields:
            value = self.full(ty, name, stack)
            if value is _CYCLE:
                return None
            out[name] = value
        return out

    def full(self, ty: t.Type, hint: str, stack: tuple[str, ...]) -> object:
        if isinstance(ty, t.Primitive):
            return {"str": f'{hint} "é"\n', "int": 7 * len(hint) + 1, "float": 0.25 * len(hint), "bool": True}.get(
                ty.name
            )
        if isinstance(ty, t.LiteralOf):
            return ty.values[-1]
        if isinstance(ty, t.OptionalOf):
            inner = self.full(ty.inner, hint, stack)
            return None if inner is _CYCLE else inner
        if isinstance(ty, t.ListOf):
            item = self.full(ty.item, hint, stack)
            return [] if item is _CYCLE else [item]
        if isinstance(ty, t.DictOf):
            value = self.full(ty.value, hint, stack)
            return {} if value is _CYCLE else {f"{hint}-key": value}
        assert isinstance(ty, t.Named)
        if ty.ref in self.enums:
            return self.enums[ty.ref].members[-1].value if self.enums[ty.ref].members else None
        if ty.ref in stack:
            return _CYCLE
        model = self.models[ty.ref]
        body = self.full_fields([(f.name, f.type) for f in model.fields], (*stack, ty.ref))
        return _CYCLE if body is None else body

    def minimal(self, ty: t.Type, stack: tuple[str, ...]) -> tuple[object, object]:
        """(input, expected output) for a value of `ty` built from required fields only."""
        if isinstance(ty, t.OptionalOf):
            return None, None
        if isinstance(ty, t.ListOf):
            return [], []
        if isinstance(ty, t.DictOf):
            return {}, {}
        if isinstance(ty, t.Named) and ty.ref in self.models:
            if ty.ref in stack:
                return _CYCLE, _CYCLE
            return self.minimal_model(self.models[ty.ref], (*stack, ty.ref))
        value = self.full(ty, "min", stack)
        return value, value

    def minimal_model(self, model: nodes.Model, stack: tuple[str, ...]) -> tuple[object, object]:
        given: dict[str, object] = {}
        expected: dict[str, object] = {}
        for f in model.fields:
            if f.default is not None:
                expected[f.name] = self.default_json(f.default)
                continue
            value, out = self.minimal(f.type, stack)
            if value is _CYCLE:
                return _CYCLE, _CYCLE
            given[f.name] = value
            expected[f.name] = out
        return given, expected

    def default_json(self, default: nodes.Default) -> object:
        if default.kind == "factory":
            return [] if default.factory == "list" else {}
        if default.kind == "enum_member":
            enum = self.enums[str(default.value)]
            return next(m.value for m in enum.members if m.name == default.member)
        return default.value

    def for_model(self, model: nodes.Model) -> list[Sample]:
        out = []
        full = self.full(t.Named(model.id), model.name, ())
        if full is not _CYCLE:
            out.append(Sample("full", dumps(full), dumps(full)))
        given, expected = self.minimal_model(model, (model.id,))
        if given is not _CYCLE:
            out.append(Sample("minimal", dumps(given), dumps(expected)))
        return out

    def for_fields(self, fields: list[nodes.SignatureField]) -> list[Sample]:
        full = self.full_fields([(f.name, f.type) for f in fields], ())
        out = [] if full is None else [Sample("full", dumps(full), dumps(full))]
        pairs = {f.name: self.minimal(f.type, ()) for f in fields}
        if all(given is not _CYCLE for given, _ in pairs.values()):
            given = {name: pair[0] for name, pair in pairs.items()}
            expected = {name: pair[1] for name, pair in pairs.items()}
            out.append(Sample("minimal", dumps(given), dumps(expected)))
        return out
