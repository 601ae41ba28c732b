"""Lowering stage: the `use` lines of each generated Rust module.

Computed from what the module will contain, so the output has no unused imports
(the generated crate must pass `cargo clippy -- -D warnings`).
"""

from __future__ import annotations

from dspygen.lower import naming
from dspygen.lower.view import EnumView, SignatureView, StructView


def _mentions_indexmap(structs: list[StructView]) -> bool:
    return any("IndexMap<" in f.rust_type for s in structs for f in s.fields)


def lib_uses(models: list[StructView], enums: list[EnumView], signatures: list[SignatureView]) -> tuple[str, ...]:
    lines = []
    if models or enums:
        lines.append("pub use models::*;")
    declared = {m.ident for m in models} | {e.ident for e in enums}
    declared |= {ident for s in signatures for ident in (s.ident, s.input.ident, s.output.ident)}
    exported = [name for name in naming.MODULE_EXPORTS if name not in declared]
    lines.append(f"pub use modules::{{{', '.join(exported)}}};")
    lines.append("pub use runtime::{FieldKind, FieldMeta, Signature};")
    if signatures:
        lines.append("pub use signatures::*;")
    return tuple(lines)


def models_uses(models: list[StructView], enums: list[EnumView]) -> tuple[str, ...]:
    lines = []
    if _mentions_indexmap(models):
        lines.append("use indexmap::IndexMap;")
    if models or enums:
        lines.append("use serde::{Deserialize, Serialize};")
    # a RootModel is `#[serde(transparent)]`; a model with several keys per field reads through KeyPriority
    if any(not m.root and m.reader.startswith("MapOnly") for m in models):
        lines += ["", "use crate::runtime::MapOnly;"]
    if _mentions_dspy(models):
        lines.append("use crate::dspy_types;")
    if _mentions_pytypes(models):
        lines.append("use crate::pytypes;")
    return tuple(lines)


def _mentions_dspy(structs: list[StructView]) -> bool:
    return any("dspy_types::" in f.rust_type for s in structs for f in s.fields)


def _mentions_pytypes(structs: list[StructView]) -> bool:
    return any("pytypes::" in f.rust_type for s in structs for f in s.fields)


def signatures_uses(signatures: list[SignatureView], user_types: set[str]) -> tuple[str, ...]:
    if not signatures:
        return ()
    sides = [side for s in signatures for side in (s.input, s.output)]
    lines = []
    if _mentions_indexmap(sides):
        lines.append("use indexmap::IndexMap;")
    lines += [
        "use pyo3::prelude::*;",
        "use pyo3::sync::PyOnceLock;",
        "use pyo3::types::PyType;",
        "use serde::{Deserialize, Serialize};",
        "",
        "use crate::runtime::{load_signature, FieldKind, FieldMeta, MapOnly, PythonSignature, Signature};",
    ]
    words = {w for side in sides for f in side.fields for w in _words(f.rust_type)}
    if words & user_types:
        lines.append("use crate::models::*;")
    if _mentions_dspy(sides):
        lines.append("use crate::dspy_types;")
    if _mentions_pytypes(sides):
        lines.append("use crate::pytypes;")
    return tuple(lines)


def _words(rust_type: str) -> set[str]:
    for ch in "<>,()":
        rust_type = rust_type.replace(ch, " ")
    return set(rust_type.split())


def bindings_uses(
    models: list[StructView], enums: list[EnumView], signatures: list[SignatureView], dspy: bool = False
) -> tuple[str, ...]:
    """`dspy`: roundtrip() / roundtrip_json() also take DSPy's own types (lower/dspy_types.py)."""
    classes = bool(models) or any(e.python_backed for e in enums)
    # enum conversions and roundtrip()'s class match read strings; a signatures-only crate has neither
    types = ["PyString"] if models or enums or dspy else []
    if models or signatures:
        types.append("PyDict")
    if classes:
        types.append("PyType")
    runtime = ["json_roundtrip"] if models or signatures or dspy else []
    if any(e.python_backed for e in enums) or any("import_class" in m.python_class for m in models):
        runtime.insert(0, "import_class")  # not for generic instantiations alone: those are built
    if signatures:
        runtime += ["SignatureInput", "SignatureOutput"]
    lines = [
        "use pyo3::exceptions::{PyKeyError, PyTypeError};",
        "use pyo3::intern;",
        "use pyo3::prelude::*;",
    ]
    if classes:
        lines.append("use pyo3::sync::PyOnceLock;")
    if types:
        lines.append(f"use pyo3::types::{{{', '.join(sorted(types))}}};")
    lines.append("")
    if runtime:
        lines.append(f"use crate::runtime::{{{', '.join(runtime)}}};")
    if models or enums:
        lines.append("use crate::models::*;")
    if signatures:
        lines.append("use crate::signatures::*;")
    return tuple(lines)
