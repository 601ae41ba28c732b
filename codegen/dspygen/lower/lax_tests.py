"""Lowering stage: the lax-mode cases of a crate's generated tests.

Each model's first sample is given again with one field of a scalar type replaced by each JSON
spelling the registry holds for that type (`Readers.spellings`, from pydantic-core's own lax
tables): pydantic is the oracle, and Rust must accept and write what it accepts and writes, or
refuse it too. Fields a validator checks are left out (Rust does not run Python code), as are
RootModels (no key to replace).
"""

from __future__ import annotations

import json

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import config
from dspygen.lower.literals import py_str
from dspygen.lower.view import LaxFieldView, SampleView
from dspygen.registry import scalars as registry


def scalar_of(ty: t.Type) -> str | None:
    """The registry scalar a field holds, under `Optional` and constraints; None: another type."""
    while isinstance(ty, t.OptionalOf | t.Constrained):
        ty = ty.inner
    if isinstance(ty, t.Primitive) and registry.scalar(ty.name).readers.spellings:
        return ty.name
    return None


def lax_cases(
    models: tuple[nodes.Model, ...], samples: list[SampleView]
) -> tuple[tuple[LaxFieldView, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """The (model, field) cases and the spellings of each scalar they use."""
    first: dict[tuple[str, str], SampleView] = {}
    for s in samples:
        if s.is_model and not s.root:
            first.setdefault((s.python_module, s.python_qualname), s)
    cases: list[LaxFieldView] = []
    for model in models:
        sample = first.get((model.module, model.qualname))
        if sample is None or "" in model.validated:
            continue
        given = json.loads(sample.json)
        for field in model.fields:
            name = scalar_of(field.type)
            keys = [k for k in config.wire(model, field).inputs if k in given]
            if name is None or not keys or field.name in model.validated:
                continue
            case = f"{sample.test_name}_{field.name}"
            cases.append(
                LaxFieldView(sample.type_name, sample.python_class, sample.py_literal, py_str(keys[0]), name, case)
            )
    used = sorted({c.scalar for c in cases})
    spellings = tuple((n, tuple(py_str(s) for s in registry.scalar(n).readers.spellings)) for n in used)
    return tuple(cases), spellings
