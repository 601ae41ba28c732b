"""Differential tests of EVERY model of every target in pyproject.toml against pydantic,
with documents drawn from the IR (ir_strategies.py) rather than written by hand.

For each target, the IR is read as `dspygen build` reads it, its generated module (`make
bindings`) and the fixture's Python module are imported, and for each model, and each signature
side (`QAInput`, `QAOutput`: a pydantic model built from DSPy's own fields of the signature; JSON
only, as `roundtrip` takes pydantic instances):

- valid documents (constraints, aliases, JsonConfig honoured): pydantic and Rust both accept,
  `roundtrip_json` gives model_dump_json() back byte for byte, the same holds for pydantic's
  own output read again, and `roundtrip(instance)` returns an equal instance of the class, the
  same in every stored value, type and field set as the one `model_validate` builds from the
  same Rust value (`roundtrip_validated`: the proof of the direct route into Python);
- invalid documents (one mutation of a valid one, each kind as likely: wrong JSON type, missing
  required field, unknown field under extra="forbid", int out of range, broken constraint,
  value outside an Enum / Literal, fixed tuple of the wrong length, bad dict key): whatever
  pydantic decides, Rust decides the same (lax-mode coercions included). Counted apart, as the
  README documents it: an int beyond the Rust type where no bound was written (`documented`).

Compared other than byte for byte (support.CANONICAL, listed in the README): JSON holding a set
(each set's items sorted), computed fields (from JSON Rust cannot compute them: compared with
`model_dump_json(exclude_computed_fields=True)`), dspy.Image / Audio / File (pydantic must read
Rust's JSON back equal). A target whose IR cannot be read, or whose module is not built, fails
(never skips).
The counts per target and model are printed at the end (a failing model's count includes
hypothesis's replays while it shrinks the failure). More examples:
DSPYGEN_DIFF_EXAMPLES=500 pytest tests/types/test_every_model_differential.py
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
import support
from hypothesis import HealthCheck, given, settings
from ir_strategies import BEYOND_RUST, Strategies
from pydantic import BaseModel, create_model

from dspygen.config import Target
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower.naming import qualified_type_name

EXAMPLES = int(os.environ.get("DSPYGEN_DIFF_EXAMPLES", "30"))
# One bug reported per model and kind: shrinking several distinct failures takes minutes.
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
    database=None,
    report_multiple_bugs=False,
)
TALLY = support.Tally(Counter())
# hostile_rs's Defaults holds Enum fields defaulting to plain strings, which pydantic warns about.
pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")
MUTATIONS: Counter[tuple[str, str, str]] = Counter()  # (target, mutation, outcome)


@dataclass
class Loaded:
    target: Target
    schema: nodes.Schema | None
    error: str = ""
    strategies: Strategies | None = None
    # Signature sides (`QAInput`) as models, with the pydantic class built from DSPy's own fields.
    sides: dict[str, type[BaseModel]] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)  # signatures no module attribute holds


def _load() -> dict[str, Loaded]:
    out = {}
    for target in support.targets():
        try:
            schema = support.read_schema(target)
        except Exception as exc:  # reported by the target's test, so that the others still run
            out[target.crate_name] = Loaded(target, None, f"{type(exc).__name__}: {exc}")
        else:
            strategies = Strategies(schema, json_schema=support.mapped_json_schema(schema))
            out[target.crate_name] = loaded = Loaded(target, schema, strategies=strategies)
            for sig in schema.signatures:
                _add_sides(loaded, schema, sig)
    return out


def _add_sides(loaded: Loaded, schema: nodes.Schema, sig: nodes.Signature) -> None:
    """`<Sig>Input` and `<Sig>Output` as models, when the DSPy signature is a module attribute
    (a class, a derived signature, a string signature's Predict); others are listed as not covered."""
    assert loaded.strategies is not None
    real = support.dspy_signature(schema, sig)
    if real is None:
        loaded.unresolved.append(sig.qualname)
        return
    for role, suffix in (("input", "Input"), ("output", "Output")):
        name = f"{qualified_type_name(sig.qualname)}{suffix}"
        fields = tuple(
            nodes.ModelField(f.name, f.type, f.default, None, None, f.span) for f in sig.fields if f.role == role
        )
        model = nodes.Model(f"{sig.id}#{role}", name, sig.module, name, None, fields, "ignore", sig.span)
        loaded.strategies.models[model.id] = model
        real_fields = real.input_fields if role == "input" else real.output_fields
        # DSPy's FieldInfo as is: its default (`InputField(default=5)`) is what DSPy passes when the input is missing.
        annotations: Any = {n: (f.annotation, f) for n, f in real_fields.items()}
        loaded.sides[model.id] = create_model(name, **annotations)


LOADED = _load()
# One case per model and signature side; a target whose IR cannot be read gets one case, which fails.
CASES = [
    *(pytest.param(c, m.id, id=f"{c}:{m.qualname}") for c, lo in LOADED.items() if lo.schema for m in lo.schema.models),
    *(pytest.param(c, ref, id=f"{c}:{ref.rpartition(':')[2]}") for c, lo in LOADED.items() for ref in lo.sides),
    *(pytest.param(c, "", id=f"{c}:<ir>") for c, lo in LOADED.items() if lo.schema is None),
]


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    lines = ["", f"[every model] differential against pydantic, {EXAMPLES} examples per model and kind", *TALLY.lines()]
    unresolved = {c: lo.unresolved for c, lo in LOADED.items() if lo.unresolved}
    lines.append(f"signatures whose sides are not covered (no module attribute holds them): {unresolved}")
    for target in sorted({k[0] for k in MUTATIONS}):
        by_kind = sorted({k[1] for k in MUTATIONS if k[0] == target})
        parts = []
        for kind in by_kind:
            outcomes = {o: n for (tg, k, o), n in MUTATIONS.items() if tg == target and k == kind}
            parts.append(f"{kind} (" + ", ".join(f"{o} {n}" for o, n in sorted(outcomes.items())) + ")")
        lines.append(f"{target} mutations: " + "; ".join(parts))
    support.announce(request.config, "\n".join(lines))


@dataclass(frozen=True)
class Case:
    crate: str
    model: nodes.Model
    cls: type[BaseModel]
    native: ModuleType
    strategies: Strategies
    side: bool = False  # a signature side: JSON only (`roundtrip` takes pydantic models)

    @property
    def canonical(self) -> bool:
        return self.strategies.has_set(t.Named(self.model.id))

    @property
    def validated(self) -> bool:
        """A pydantic validator (Python code Rust does not run) checks or changes this model's
        values, or those of a model inside: where the two differ there, it is by construction."""
        return any(m.validated for m in self.strategies.reachable(self.model.id))

    @property
    def computed(self) -> list[nodes.Model]:
        """The models with `@computed_field`s inside this one's values."""
        return [m for m in self.strategies.reachable(self.model.id) if m.computed]

    def same(self, expected: str | None, got: str | None, data: str | None = None) -> bool:
        """Rust's JSON against pydantic's: byte for byte, or canonically where a set is inside;
        where dspy.Image / Audio / File are inside (pydantic writes them as prompt fragments
        nothing reads back), pydantic must read Rust's JSON back as it reads `data`."""
        if data is not None and expected is not None and got is not None and self.strategies.has_media(self.model.id):
            try:
                return bool(self.cls.model_validate_json(got) == self.cls.model_validate_json(data))
            except ValueError:
                return False
        if expected is None or got is None or not self.canonical:
            return expected == got
        ty = t.Named(self.model.id)
        return bool(
            self.strategies.canonical(json.loads(expected), ty) == self.strategies.canonical(json.loads(got), ty)
        )

    def values(self, expected: str, got: str) -> tuple[Any, Any]:
        """Both JSON texts as values, canonical where a set is inside (each set's items sorted)."""
        a, b = json.loads(expected), json.loads(got)
        if not self.canonical:
            return a, b
        ty = t.Named(self.model.id)
        return self.strategies.canonical(a, ty), self.strategies.canonical(b, ty)

    def python_roundtrip(self, data: str) -> str:
        """Python -> Rust -> Python: an equal instance of the class. The outcome's name."""
        if self.side:
            return ""
        instance = self.cls.model_validate_json(data)
        try:
            back = self.native.roundtrip(instance)
        except OverflowError:
            # A computed int beyond the Rust type (README: an error, never a wrap).
            assert self.computed, data
            return "documented computed overflow"
        assert type(back) is self.cls, data
        # Built directly where the model's route allows it: held to what `model_validate` builds.
        difference = support.same_instance(back, self.native.roundtrip_validated(instance))
        assert not difference, f"{data}\nroundtrip vs model_validate at {difference}"
        dumped = instance.model_dump_json()
        assert back == instance or _has_nan(dumped), data  # NaN != NaN: compared by its JSON below
        assert self.same(dumped, back.model_dump_json()), data
        return ""


def _has_nan(dumped: str) -> bool:
    return '"NaN"' in dumped or any(isinstance(v, float) and math.isnan(v) for v in _floats(json.loads(dumped)))


def _floats(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v)
    else:
        yield value


def _case(crate: str, ref: str) -> Case:
    loaded = LOADED[crate]
    assert loaded.schema is not None and loaded.strategies is not None, (
        f"{crate}: the IR cannot be read: {loaded.error}"
    )
    native = support.native_module(loaded.target)  # ImportError: run `make bindings`
    if ref in loaded.sides:
        return Case(crate, loaded.strategies.models[ref], loaded.sides[ref], native, loaded.strategies, side=True)
    model = next(m for m in loaded.schema.models if m.id == ref)
    cls = support.python_class(loaded.schema, model)
    return Case(crate, model, cls, native, loaded.strategies)


@pytest.mark.parametrize(("crate", "ref"), CASES)
def test_valid_documents(crate: str, ref: str) -> None:
    case = _case(crate, ref)
    name = case.model.qualname

    @SETTINGS
    @given(case.strategies.model(ref))
    def valid(doc: Any) -> None:
        data = json.dumps(doc, ensure_ascii=False)
        expected = support.pydantic_json(case.cls, data, computed=False)  # no computed values in `doc`
        got = support.rust_json(case.native, name, data)
        if case.validated and (expected is None or not case.same(expected, got, data)):
            # A validator refused or changed it: counted apart, by name (README: validators).
            TALLY.add(crate, name, "valid VALIDATED (a validator refused or changed it)")
            return
        assert expected is not None, f"the strategy drew a document pydantic rejects: {data}"
        if not case.same(expected, got, data):
            TALLY.add(crate, name, "valid MISMATCH")
            raise AssertionError(f"{name}: {data}\npydantic: {expected}\nrust:     {got}")
        outcome = case.python_roundtrip(data) or ("valid canonical" if case.canonical else "valid")
        # pydantic's own output read again by both (keys by field name: where a field has an
        # alias, both refuse it unless `validate_by_name`; computed values: Rust writes them back).
        # Not under extra="allow" with computed fields: pydantic reads a computed key as an extra
        # and writes it twice (`{"s":0,"Perimeter":0,"Perimeter":0}`).
        if not any(m.extra == "allow" for m in case.computed):
            dumped = case.cls.model_validate_json(data).model_dump_json()
            again, got_again = support.pydantic_json(case.cls, dumped), support.rust_json(case.native, name, dumped)
            if not case.same(again, got_again, dumped):
                TALLY.add(crate, name, "again MISMATCH")
                raise AssertionError(f"{name}, pydantic's output: {dumped}\npydantic: {again}\nrust:     {got_again}")
        TALLY.add(crate, name, outcome)

    valid()


@pytest.mark.parametrize(("crate", "ref"), CASES)
def test_invalid_documents(crate: str, ref: str) -> None:
    case = _case(crate, ref)
    name = case.model.qualname

    @SETTINGS
    @given(case.strategies.invalid_documents(ref))
    def invalid(mutation_and_doc: tuple[str, Any]) -> None:
        mutation, doc = mutation_and_doc
        data = json.dumps(doc, ensure_ascii=False)
        expected = support.pydantic_json(case.cls, data, computed=False)
        got = support.rust_json(case.native, name, data)
        if got is None and expected is not None and mutation == BEYOND_RUST:
            outcome = "documented"  # an int beyond i64 (or the bounded type), which pydantic takes: README
        elif mutation == "missing_unmirrored" and expected is not None and got is None:
            outcome = "REQUIRED"  # pydantic runs a factory Rust cannot: Rust requires the field (README: defaults)
        elif (
            mutation == "missing_computed"
            and expected
            and got
            and support.same_but_computed(*case.values(expected, got))
        ):
            outcome = "COMPUTED"  # the time or a UUID4, computed on each side: equal but for those (README: defaults)
        elif case.validated and not case.same(expected, got, data):
            outcome = "VALIDATED"  # a validator refused or changed it: counted apart (README: validators)
        elif not case.same(expected, got, data):
            outcome = "MISMATCH"
        elif expected is None:
            outcome = "rejected"
        else:
            outcome = "accepted"  # the mutation left a valid document (`null` into an Optional)
            outcome = case.python_roundtrip(data) or outcome
        TALLY.add(crate, name, f"invalid {outcome}")
        MUTATIONS[(crate, mutation, outcome)] += 1
        assert outcome != "MISMATCH", f"{name} ({mutation}): {data}\npydantic: {expected}\nrust:     {got}"

    invalid()
