"""Shared pieces of the differential tests: the two sides (pydantic and a generated module),
the targets of pyproject.toml with their IR, and the count of what was run.

The JSON cases that are compared canonically rather than byte for byte are listed in
CANONICAL; the README lists the same ones (tests/unit/test_readme_types.py checks).
"""

from __future__ import annotations

import datetime
import enum
import importlib
import math
import os
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from pydantic import BaseModel, TypeAdapter

from dspygen import pipeline
from dspygen.config import Target, load_targets
from dspygen.diagnostics import Sink, render
from dspygen.ir import nodes

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

# Where Rust's JSON is compared with pydantic's other than byte for byte, and why; the README's
# "Compared canonically" list names the same (tests/unit/test_readme_types.py checks).
CANONICAL = {
    "set[T]": "pydantic writes a set in Python's iteration order (hash-seeded for strings, depending on "
    "insertion history), Rust in the order read: each set's items are compared sorted",
    "frozenset[T]": "as set[T]",
    "@computed_field": "from JSON without the computed values Rust cannot compute them: compared with "
    "model_dump_json(exclude_computed_fields=True)",
    "dspy.Image": "pydantic writes a prompt fragment: pydantic must read Rust's JSON back to an equal object",
    "dspy.Audio": "as dspy.Image",
    "dspy.File": "as dspy.Image",
    "default_factory=datetime.now": "the current time, a new UUID4 or time.time() is computed on each side when "
    "the field is missing: the values may differ only there, each in the same form and the times within a minute",
}


def same_but_computed(expected: Any, got: Any) -> bool:
    """pydantic's and Rust's JSON values equal but for values both computed (a time, a UUID4, a
    timestamp): those are of the same form, and the times within a minute of each other."""
    return _alike(expected, got)


def _alike(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_alike(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_alike(x, y) for x, y in zip(a, b, strict=True))
    if a == b:
        return True
    if isinstance(a, int | float) and not isinstance(a, bool):
        return abs(a - b) < 60  # time.time()
    if isinstance(a, str) and UUID_FORM.fullmatch(a) and UUID_FORM.fullmatch(b):
        return ("-" in a) == ("-" in b)
    if isinstance(a, str):
        try:
            x, y = datetime.datetime.fromisoformat(a), datetime.datetime.fromisoformat(b)
        except ValueError:
            return False
        return (x.tzinfo is None) == (y.tzinfo is None) and abs((x - y).total_seconds()) < 60
    return False


def same_instance(a: Any, b: Any, path: str = "") -> str:
    """Where two Python values differ in anything pydantic stores ("" where they do not): the
    same type at every level (an Enum member the same object), a model's `__dict__` in the same
    order, its `__pydantic_fields_set__`, `__pydantic_extra__` and `__pydantic_private__`, a
    dict's keys in the same order, a NaN for a NaN and -0.0 for -0.0. What the direct route
    into Python is held to against `model_validate`'s."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, BaseModel):
        for slot in ("__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"):
            if getattr(a, slot) != getattr(b, slot):
                return f"{path}.{slot}: {getattr(a, slot)!r} vs {getattr(b, slot)!r}"
        return same_instance(a.__dict__, b.__dict__, path + ".__dict__")
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} vs {list(b)}"
        return next((d for k in a if (d := same_instance(a[k], b[k], f"{path}[{k!r}]"))), "")
    if isinstance(a, list | tuple):
        if len(a) != len(b):
            return f"{path}: length {len(a)} vs {len(b)}"
        pairs = enumerate(zip(a, b, strict=True))
        return next((d for i, (x, y) in pairs if (d := same_instance(x, y, f"{path}[{i}]"))), "")
    if isinstance(a, enum.Enum):
        return "" if a is b else f"{path}: {a!r} vs {b!r}"
    if isinstance(a, float):
        same = (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
        return "" if same else f"{path}: {a!r} vs {b!r}"
    return "" if a == b else f"{path}: {a!r} vs {b!r}"


UUID_FORM = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}")


def pydantic_json(
    cls: type[BaseModel], data: str, *, strict: bool | None = None, by_name: bool = False, computed: bool = True
) -> str | None:
    """model_dump_json() of `data` validated by `cls`, or None when pydantic rejects it.
    `strict=None` keeps the model's own settings: an explicit False would override a field's
    `strict=True`. `computed=False`: without `@computed_field`s, which Rust cannot compute from
    JSON (README)."""
    try:
        instance = cls.model_validate_json(data, strict=strict, by_name=by_name or None)
        return instance.model_dump_json(exclude_computed_fields=not computed)
    except Exception:  # ValidationError, and the errors some huge values raise inside pydantic
        return None


def pydantic_instance(cls: type[BaseModel], data: str) -> BaseModel | None:
    """`data` validated by `cls`, or None when pydantic rejects it."""
    try:
        return cls.model_validate_json(data)
    except ValueError:
        return None


def rust_json(native: Any, type_name: str, data: str) -> str | None:
    """JSON -> Rust -> JSON through `native.roundtrip_json`, or None when Rust rejects it."""
    try:
        return str(native.roundtrip_json(type_name, data))
    except ValueError:
        return None


def fixtures_on_path() -> None:
    """Put fixtures/ first on sys.path, for the per-family tests' `import <family>_rs` and
    `from <family> import models`."""
    sys.path.insert(0, str(FIXTURES))


def family_settings(env: str, default: int) -> settings:
    """The hypothesis settings of a per-family test: `default` examples, or $`env` of them."""
    examples = int(os.environ.get(env, str(default)))
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])


Column = tuple[Counter[str], str]


def family_lines(runs: Counter[str], columns: list[Column], optional: list[Column] | None = None) -> list[str]:
    """One line per family run: `family: N cases, n1 label1, n2 label2, ...`, then each optional
    column only where its count is not zero."""
    out = []
    for family in sorted(runs):
        line = f"{family}: {runs[family]} cases" + "".join(f", {c[family]} {label}" for c, label in columns)
        line += "".join(f", {c[family]} {label}" for c, label in optional or [] if c[family])
        out.append(line)
    return out


def report_fixture(runs: Counter[str], columns: list[Column], optional: list[Column] | None = None) -> Any:
    """A module-scoped autouse fixture printing `family_lines` at the end of the module (with -s);
    assign it to a module-level name (`report = support.report_fixture(...)`)."""

    @pytest.fixture(scope="module", autouse=True)
    def report() -> Iterator[None]:
        yield
        for line in family_lines(runs, columns, optional):
            print(line)

    return report


def rust_side(native: Any) -> Callable[[str, str], str | None]:
    """`rust_json` bound to the generated module `native`: `(type_name, data) -> JSON | None`."""

    def rust(type_name: str, data: str) -> str | None:
        return rust_json(native, type_name, data)

    return rust


@dataclass
class Tally:
    """What each (target, model, outcome) ran, printed by the tests at the end."""

    counts: Counter[tuple[str, str, str]]

    def add(self, target: str, model: str, outcome: str) -> None:
        self.counts[(target, model, outcome)] += 1

    def lines(self) -> list[str]:
        outcomes = sorted({o for _, _, o in self.counts})
        per_model: dict[tuple[str, str], Counter[str]] = {}
        for (target, model, outcome), n in self.counts.items():
            per_model.setdefault((target, model), Counter())[outcome] += n
        out = []
        for target in sorted({t for t, _ in per_model}):
            total: Counter[str] = Counter()
            for (tgt, model), c in sorted(per_model.items()):
                if tgt == target:
                    total.update(c)
                    out.append(f"  {target} {model}: " + ", ".join(f"{o} {c[o]}" for o in outcomes if c[o]))
            out.append(
                f"{target} total: {_cases(total)}; " + ", ".join(f"{o} {total[o]}" for o in outcomes if total[o])
            )
        grand: Counter[str] = Counter()
        for (_, _, outcome), n in self.counts.items():
            grand[outcome] += n
        out.append(f"all targets: {_cases(grand)}; " + ", ".join(f"{o} {grand[o]}" for o in outcomes))
        return out


def _cases(outcomes: Counter[str]) -> str:
    mismatches = sum(n for o, n in outcomes.items() if "MISMATCH" in o)
    return f"{sum(outcomes.values())} cases, {mismatches} mismatches"


@dataclass(frozen=True)
class LoadedTarget:
    target: Target
    schema: nodes.Schema


def targets() -> list[Target]:
    sink = Sink()
    found: list[Target] = load_targets(ROOT / "pyproject.toml", "pyproject.toml", sink)
    assert not sink.has_errors, [render(d) for d in sink.items]
    return found


def read_schema(target: Target) -> nodes.Schema:
    """The IR of `target`, read as `dspygen build` reads it; raises on a diagnostic."""
    sink = Sink()
    mapped = frozenset(m.python for m in target.types)  # classes mapped to the user's Rust types
    schema = pipeline.read(list(target.sources), ROOT, sink, target.frontend, mapped)
    assert not sink.has_errors, [render(d) for d in sink.items]
    return schema


def python_class(schema: nodes.Schema, model: nodes.Model) -> type[BaseModel]:
    """The pydantic class of `model`, imported from its source root; a generic instantiation
    (`Page[Item]`) is built as the generated bindings build it (lower/generics.py)."""
    for source in schema.sources:
        root = str((ROOT / source.root).resolve())
        if root not in sys.path:
            sys.path.insert(0, root)
    if model.generic_origin:
        from dspygen.lower.generics import Instances

        expr = Instances(schema).python_expr(model)
        obj: Any = eval(expr, {"_class": _import}, {})  # `_class("mod", "Page")[_class("builtins", "int")]`
    else:
        obj = _import(model.module, model.qualname)
    assert isinstance(obj, type) and issubclass(obj, BaseModel), obj
    return obj


def dspy_signature(schema: nodes.Schema, sig: nodes.Signature) -> Any:
    """The DSPy Signature class of `sig`: a class, or the `.signature` of the module attribute
    (a Predict, ChainOfThought, ...) it names; None when no module attribute holds it (a string
    signature made inside a function or a class body)."""
    import dspy  # type: ignore[import-untyped]

    for source in schema.sources:
        root = str((ROOT / source.root).resolve())
        if root not in sys.path:
            sys.path.insert(0, root)
    try:
        with warnings.catch_warnings():  # the fixtures use DSPy's deprecated `prefix=` on purpose
            warnings.simplefilter("ignore", DeprecationWarning)
            obj = _import(sig.module, sig.qualname)
    except AttributeError:
        return None
    if not (isinstance(obj, type) and issubclass(obj, dspy.Signature)):
        obj = getattr(obj, "signature", None)
    return obj if isinstance(obj, type) and issubclass(obj, dspy.Signature) else None


def _import(module: str, qualname: str) -> Any:
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def mapped_json_schema(schema: nodes.Schema) -> Callable[[str], dict[str, Any]]:
    """The JSON Schema pydantic has for a class mapped to a Rust type (`mapped.money.Money`)."""

    def lookup(name: str) -> dict[str, Any]:
        for source in schema.sources:
            root = str((ROOT / source.root).resolve())
            if root not in sys.path:
                sys.path.insert(0, root)
        module, _, qualname = name.rpartition(".")
        return dict(TypeAdapter(_import(module, qualname)).json_schema())

    return lookup


def native_module(target: Target) -> ModuleType:
    """The generated extension module of `target` (built by `make bindings`: maturin develop)."""
    return importlib.import_module(target.module_name)


def announce(config: Any, text: str) -> None:
    """Print `text` to the terminal past pytest's capture (the counts the issue asks for)."""
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        print(text)
        return
    with capture.global_and_fixture_disabled():
        print(text)
