"""Lowering stage: JSON samples for the generated tests, derived from the IR.

Each model and signature side gets a `full` sample (every field present) and a
`minimal` one (required fields only). A sample is the JSON given to pydantic (keys by
alias, as pydantic validates them) and the JSON pydantic writes back (keys by field
name, defaults filled in). The generated pytest checks both against pydantic itself,
so a wrong sample fails loudly rather than proving nothing.
"""

from __future__ import annotations

import json
import json.encoder
import re
from collections.abc import Callable
from dataclasses import dataclass

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import config, constraint_samples, dspy_types, unions
from dspygen.registry import scalars as registry

DEFAULT_JSON = nodes.JsonConfig()


# The defaults whose value is known here; the others (the current time, a UUID4, a model built
# from its defaults, Python code) get a value in the minimal sample, as a required field does.
FIXED_DEFAULTS = frozenset({"value", "factory", "enum_member"})


class _Cycle:
    """A value that cannot be built without recursing forever."""


CYCLE = _Cycle()


@dataclass(frozen=True)
class Obj:
    """A model value: (key written, or "" for none, key read, value) triples, in field order (lower/config.py)."""

    items: tuple[tuple[str, str, object], ...]


@dataclass(frozen=True)
class Io:
    """A value pydantic reads in one form (`given`) and writes in another (`expected`)."""

    given: object
    expected: object


@dataclass(frozen=True)
class Sample:
    name: str
    input: str
    expected: str


def dumps(value: object) -> str:
    """Compact JSON with floats written as pydantic (and serde_json) write them.

    `json`'s C encoder writes it (a crate's samples are hundreds of thousands of values), and
    the floats it writes as Python does with an exponent are rewritten as pydantic writes them;
    a value holding NaN or an infinity is written element by element."""
    try:
        text = _encode(value)
    except ValueError:  # a non-finite float
        return _dumps(value)
    return _STRING_OR_EXPONENT.sub(_pydantic_float, text) if _EXPONENT.search(text) else text


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False).encode
# A float Python writes with an exponent (`1e-07`), which may also stand inside a string: the
# strings are matched whole first, so that only numbers are rewritten.
_EXPONENT = re.compile(r"\d[eE][+-]?\d")
_STRING_OR_EXPONENT = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?[eE][+-]?\d+')


def _pydantic_float(match: re.Match[str]) -> str:
    found = match.group()
    return found if found.startswith('"') else json_float(float(found))


def _dumps(value: object) -> str:
    if isinstance(value, float):
        return json_float(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_dumps(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json_str(str(k))}:{_dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return _json_str(value)
    return json.dumps(value, ensure_ascii=False)


# What json.dumps(text, ensure_ascii=False) writes, without building an encoder per call
# (a crate's samples hold hundreds of thousands of strings).
_json_str: Callable[[str], str] = json.encoder.encode_basestring


def json_float(value: float) -> str:
    """A finite float as pydantic >= 2.13 writes it (zmij, as serde_json): Python's shortest
    digits, but `1e-7` not `1e-07`, and `0.000015` not `1.5e-05` (decimal from 1e-5 on)."""
    text = repr(value)
    if "e" not in text or not (value == value and abs(value) != float("inf")):
        return text
    mantissa, _, exponent = text.partition("e")
    power = int(exponent)
    if power == -5:
        sign, digits = ("-", mantissa[1:]) if mantissa.startswith("-") else ("", mantissa)
        return f"{sign}0.0000{digits.replace('.', '')}"
    return f"{mantissa}e{'+' if power > 0 else '-'}{abs(power)}"


def plain(value: object, *, by_alias: bool) -> object:
    """The JSON-able form of a sample; `by_alias` is the given side (keys by alias), else the expected side."""
    if isinstance(value, Io):
        return plain(value.given if by_alias else value.expected, by_alias=by_alias)
    if isinstance(value, Obj):
        # An `exclude=True` field ("" written): given, never written back.
        return {
            (key if by_alias else name): plain(v, by_alias=by_alias) for name, key, v in value.items if by_alias or name
        }
    if isinstance(value, list):
        return [plain(v, by_alias=by_alias) for v in value]
    if isinstance(value, dict):
        return {k: plain(v, by_alias=by_alias) for k, v in value.items()}
    return value


# JSON nesting of a sample: serde_json refuses more than 128 levels, and the recursion
# here and in `plain` must stay well inside Python's limit.
MAX_SAMPLE_DEPTH = 48
# Models deep at which optional, list and dict fields stop being filled in a full sample.
FILL_DEPTH = 2
# Model values one sample may hold; a sample that needs more (required fields nesting
# models in a diamond, whose smallest value is itself huge) is left out.
MODEL_BUDGET = 2000


def _text_of(value: object) -> str:
    """The JSON text a `Json[T]` field is given (`full`'s parameter `json` hides the module)."""
    return json.dumps(value, ensure_ascii=False)


def _unions(ty: t.Type) -> list[t.UnionOf]:
    found = [ty] if isinstance(ty, t.UnionOf) else []
    return found + [u for child in t.children(ty) for u in _unions(child)]


def as_typed(value: object, ty: t.Type) -> object:
    """A default as pydantic writes it: an int default of a float field is written `1.0`."""
    if isinstance(ty, t.Primitive) and ty.name == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(ty, t.OptionalOf):
        return as_typed(value, ty.inner)
    if isinstance(ty, t.ListOf) and isinstance(value, list):
        return [as_typed(v, ty.item) for v in value]
    if isinstance(ty, t.DictOf) and isinstance(value, dict):
        return {k: as_typed(v, ty.value) for k, v in value.items()}
    return value


class SampleMaker:
    def __init__(self, schema: nodes.Schema) -> None:
        self.models = {m.id: m for m in schema.models}
        self.enums = {e.id: e for e in schema.enums}
        self._budget = MODEL_BUDGET
        self._pydantic_json = False  # samples of a model: pydantic writes and reads them back
        self.arm_pick = 0  # which arm of each union a sample takes
        self._wires: dict[tuple[str, str], config.Wire] = {}  # a nested model's keys, met in every sample holding it

    def wire(self, model: nodes.Model, f: nodes.ModelField) -> config.Wire:
        key = (model.id, f.name)
        found = self._wires.get(key)
        if found is None:
            found = self._wires[key] = config.wire(model, f)
        return found

    def full(
        self, ty: t.Type, hint: str, stack: tuple[str, ...], json: nodes.JsonConfig = DEFAULT_JSON, depth: int = 0
    ) -> object:
        if depth > MAX_SAMPLE_DEPTH:
            return CYCLE  # a chain of 500 models, or list[list[...]] 100 deep: cut short
        if isinstance(ty, t.DspyType):  # pydantic cannot read back its JSON of some (lower/dspy_types.py)
            found = dspy_types.sample(ty, pydantic_json=self._pydantic_json)
            return CYCLE if found is None else Io(*found)
        if isinstance(ty, t.Primitive):  # the registry's sample, as pydantic reads and writes it
            given, expected = registry.scalar(ty.name).samples.make(hint, json)
            return given if given == expected and type(given) is type(expected) else Io(given, expected)
        if isinstance(ty, t.Constrained):  # a value inside the constraints (lower/constraint_samples.py)
            base = self.full(ty.inner, hint, stack, json, depth + 1)
            if base == [] and ty.min_length and isinstance(ty.inner, t.ListOf | t.SetOf | t.TupleOf):
                base = [self.full(t.children(ty.inner)[0], hint, stack, json, depth + 1)]  # deep, yet not empty
            if base is CYCLE or CYCLE in (base if isinstance(base, list) else []):
                return CYCLE
            found = constraint_samples.sample(
                ty, *((base.given, base.expected) if isinstance(base, Io) else (base, base)), hint
            )
            if found is None:
                return CYCLE
            return found[0] if found[0] is found[1] else Io(*found)
        if isinstance(ty, t.LiteralOf):
            return ty.values[-1]
        if isinstance(ty, t.JsonOf):  # given as the JSON text of a value; that value written back
            inner = self.full(ty.inner, hint, stack, json, depth + 1)
            return CYCLE if inner is CYCLE else Io(_text_of(plain(inner, by_alias=True)), inner)
        if isinstance(ty, t.Mapped):  # the user's type: dspygen knows no JSON for it
            return CYCLE
        if isinstance(ty, t.UnionOf):  # the arm `arm_pick` chooses (each arm gets a sample of its own)
            k = min(self.arm_pick, len(ty.arms) - 1)
            if not unions.sample_reads_back(ty, k, self.models, self.enums):
                k = 0  # pydantic would read this arm's sample as another arm: the first arm's instead
            # an arm that recurses (`left: Node | Leaf`) gives way to one that ends
            reads_back = [unions.sample_reads_back(ty, j, self.models, self.enums) for j in range(len(ty.arms))]
            for j in [k, *(j for j, ok in enumerate(reads_back) if ok and j != k)]:
                value = self.full(ty.arms[j], hint, stack, json, depth + 1)
                if value is not CYCLE:
                    return value
            return CYCLE
        # Optional, list and dict are filled only near the top: filling every one of them
        # in a chain of models that nest each other twice grows the sample exponentially.
        shallow = len(stack) < FILL_DEPTH
        if isinstance(ty, t.OptionalOf):
            inner = self.full(ty.inner, hint, stack, json, depth + 1) if shallow else CYCLE
            return None if inner is CYCLE else inner
        if isinstance(ty, t.ListOf):
            item = self.full(ty.item, hint, stack, json, depth + 1) if shallow else CYCLE
            return [] if item is CYCLE else [item]
        if isinstance(ty, t.SetOf) or (isinstance(ty, t.TupleOf) and ty.variadic):
            item = self.full(t.children(ty)[0], hint, stack, json, depth + 1) if shallow else CYCLE
            return [] if item is CYCLE else [item]
        if isinstance(ty, t.TupleOf):  # every position must be there
            parts = [self.full(i, hint, stack, json, depth + 1) for i in ty.items]
            return CYCLE if any(p is CYCLE for p in parts) else parts
        if isinstance(ty, t.DictOf):
            value = self.full(ty.value, hint, stack, json, depth + 1) if shallow else CYCLE
            name = f"{hint}-key" if ty.key == t.STR else self.full(ty.key, hint, stack, json, depth + 1)
            if value is CYCLE or name is CYCLE:
                return {}
            if isinstance(name, Io):  # a key pydantic changes (`strip_whitespace`): one dict each way
                return Io({str(name.given): value}, {str(name.expected): value})
            return {str(name): value}
        assert isinstance(ty, t.Named)
        if ty.ref in self.enums:
            members = self.enums[ty.ref].members
            return members[-1].value if members else None
        if ty.ref in stack or self._budget <= 0:
            return CYCLE
        self._budget -= 1
        model = self.models[ty.ref]
        if model.computed:  # pydantic writes values only it can compute: no sample
            return CYCLE
        if model.root:  # a RootModel's JSON is its bare value
            return self.full(model.fields[0].type, hint, (*stack, ty.ref), model.json, depth + 1)
        items = []
        for f in model.fields:
            value = self.full(f.type, f.name, (*stack, ty.ref), model.json, depth + 1)
            if value is CYCLE:
                return CYCLE
            keys = self.wire(model, f)
            items.append(("" if f.exclude else keys.output, keys.inputs[0], value))
        return Obj(tuple(items))

    def minimal(
        self, ty: t.Type, stack: tuple[str, ...], json: nodes.JsonConfig = DEFAULT_JSON, depth: int = 0
    ) -> tuple[object, object]:
        """(given, expected) for a value of `ty` built from required fields only."""
        if depth > MAX_SAMPLE_DEPTH:
            return CYCLE, CYCLE
        if isinstance(ty, t.OptionalOf):
            return None, None
        if isinstance(ty, t.ListOf | t.SetOf) or (isinstance(ty, t.TupleOf) and ty.variadic):
            return [], []
        if isinstance(ty, t.DictOf):
            return {}, {}
        if isinstance(ty, t.Named) and ty.ref in self.models:
            if ty.ref in stack or self._budget <= 0:
                return CYCLE, CYCLE
            self._budget -= 1
            if self.models[ty.ref].root:
                root = self.models[ty.ref]
                return self.minimal(root.fields[0].type, (*stack, ty.ref), root.json, depth + 1)
            given: list[tuple[str, str, object]] = []
            expected: list[tuple[str, str, object]] = []
            if self.models[ty.ref].computed:  # pydantic writes values only it can compute: no sample
                return CYCLE, CYCLE
            for f in self.models[ty.ref].fields:
                keys = self.wire(self.models[ty.ref], f)
                name, key = "" if f.exclude else keys.output, keys.inputs[0]
                if f.default is not None and f.default.kind in FIXED_DEFAULTS:
                    expected.append((name, key, as_typed(self.default_json(f.default), f.type)))
                    continue
                value, out = self.minimal(f.type, (*stack, ty.ref), self.models[ty.ref].json, depth + 1)
                if value is CYCLE:
                    return CYCLE, CYCLE
                given.append((name, key, value))
                expected.append((name, key, out))
            return Obj(tuple(given)), Obj(tuple(expected))
        value = self.full(ty, "min", stack, json, depth)
        if isinstance(value, Io):
            return value.given, value.expected
        return value, value

    def default_json(self, default: nodes.Default) -> object:
        """The JSON of a default in FIXED_DEFAULTS."""
        if default.kind == "factory":
            return [] if default.factory == "list" else {}
        if default.kind == "enum_member":
            enum = self.enums[str(default.value)]
            return next(m.value for m in enum.members if m.name == default.member)
        return default.value

    def _fresh(self) -> SampleMaker:
        """Each sample gets its own budget of model values."""
        self._budget = MODEL_BUDGET
        return self

    def _samples(self, full: object, minimal: tuple[object, object]) -> list[Sample]:
        out = []
        if full is not CYCLE:
            out.append(Sample("full", dumps(plain(full, by_alias=True)), dumps(plain(full, by_alias=False))))
        given, expected = minimal
        if given is not CYCLE:
            out.append(Sample("minimal", dumps(plain(given, by_alias=True)), dumps(plain(expected, by_alias=False))))
        return out

    def for_model(self, model: nodes.Model) -> list[Sample]:
        self._pydantic_json = True
        full = self._fresh().full(t.Named(model.id), model.name, ())
        out = self._samples(full, self._fresh().minimal(t.Named(model.id), ()))
        return out + self._arm_samples(lambda: self.full(t.Named(model.id), model.name, ()), model)

    def _arm_samples(
        self, build: Callable[[], object], where: nodes.Model | list[nodes.SignatureField]
    ) -> list[Sample]:
        """`full` samples taking the 2nd, 3rd, ... arm of every union, so each arm is read once."""
        fields = where.fields if isinstance(where, nodes.Model) else where
        widest = max((len(u.arms) for f in fields for u in _unions(f.type)), default=0)
        out = []
        for k in range(1, widest):
            self._fresh()
            self.arm_pick = k
            value = build()
            self.arm_pick = 0
            if value is not CYCLE:
                given, expected = dumps(plain(value, by_alias=True)), dumps(plain(value, by_alias=False))
                out.append(Sample(f"full_arm{k + 1}", given, expected))
        return out

    def for_fields(self, fields: list[nodes.SignatureField]) -> list[Sample]:
        full_items = []
        given: list[tuple[str, str, object]] = []
        expected: list[tuple[str, str, object]] = []
        cyclic = False
        self._fresh()
        self._pydantic_json = False
        for f in fields:
            value = self.full(f.type, f.name, ())
            full_items.append((f.name, f.name, value))
            g, e = self.minimal(f.type, ())
            cyclic |= g is CYCLE
            given.append((f.name, f.name, g))
            expected.append((f.name, f.name, e))
        full: object = CYCLE if any(v is CYCLE for _, _, v in full_items) else Obj(tuple(full_items))
        minimal: tuple[object, object] = (CYCLE, CYCLE) if cyclic else (Obj(tuple(given)), Obj(tuple(expected)))
        out = self._samples(full, minimal)

        def build() -> object:
            items = [(f.name, f.name, self.full(f.type, f.name, ())) for f in fields]
            return CYCLE if any(v is CYCLE for _, _, v in items) else Obj(tuple(items))

        return out + self._arm_samples(build, fields)
