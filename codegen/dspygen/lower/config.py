"""Lowering stage: the keys a model's fields are read and written under, its extras and its
computed fields, as serde attributes and PyO3 expressions.

What pydantic 2.14 does (measured, tests/types/test_config_differential.py checks it):

- Input: a field with validation aliases (`alias`, `validation_alias`, `AliasChoices`, an
  alias generator) is read under those aliases only; its name as well only with
  `validate_by_name=True` (or `populate_by_name=True`); with `validate_by_alias=False` under
  its name only. A field without aliases is read under its name. serde gets the first key
  as `rename(deserialize = ...)` and the others as `alias`, so Rust accepts exactly these. Given
  two of one field's keys, pydantic takes the preferred one and treats the other as unknown;
  `runtime::KeyPriority` does the same (serde alone rejects a duplicate field), except under
  `extra="allow"`, where the other key would have to become an extra (a known gap).
- Output: `model_dump_json()` writes field names, unless `serialize_by_alias=True`, which
  writes the serialization alias (`serialization_alias`, else `alias`).
- `extra="allow"`: unknown keys are kept in `__pydantic_extra__` and written after the fields,
  in input order (a `#[serde(flatten)]` map of `serde_json::Value`).
- `@computed_field`: written after the fields and extras. Rust cannot run the property, so
  the value is carried as `Option<T>`: read from the Python object, written when known, and
  left out of the dict given to pydantic (which computes it again). On input pydantic treats
  the key as unknown: an error under `extra="forbid"`, an extra under `"allow"`; so does Rust
  (`skip_deserializing`). Under `"ignore"` pydantic ignores it, and Rust reads it when it
  holds a value of the type (so pydantic's own JSON comes back byte for byte), else ignores it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import naming, scalars, symbols
from dspygen.lower.literals import doc_attrs, rust_str
from dspygen.lower.rust import bare, of
from dspygen.lower.rust_types import MODEL_VALUE, TypeNames, from_py, getattr_expr, rust_type
from dspygen.lower.view import FieldView

EXTRA_IDENT = "extra_fields"
EXTRA_TYPE = t.DictOf(t.STR, t.Primitive("any"))


@dataclass(frozen=True)
class Wire:
    """The keys of one model field: written, read (in pydantic's order of preference), and the
    key of the dict Rust gives `model_validate(..., by_name=True)`."""

    output: str
    inputs: tuple[str, ...]
    py_key: str


def wire(model: nodes.Model, field: nodes.ModelField) -> Wire:
    names = model.names
    output = field.serialization_alias if names.serialize_by_alias and field.serialization_alias else field.name
    aliases = field.validation_alias if names.validate_by_alias else ()
    inputs = list(aliases)
    if names.validate_by_name or not aliases:
        inputs.append(field.name)
    unique = tuple(dict.fromkeys(inputs))
    # An alias is looked up before the name: keying by it, an extra key equal to the field's
    # name (kept in `__pydantic_extra__` when the name is not accepted) stays an extra.
    return Wire(output, unique, unique[0])


def serde_keys(python_name: str, renamed: bool, keys: Wire) -> list[str]:
    """The serde attributes naming a field's keys (none when serde's own name is right)."""
    out: list[str] = []
    first, rest = keys.inputs[0], keys.inputs[1:]
    if renamed or keys.output != python_name or first != python_name:
        if keys.output == first:
            out.append(f"rename = {rust_str(first)}")
        else:
            out.append(f"rename(serialize = {rust_str(keys.output)}, deserialize = {rust_str(first)})")
    out.extend(f"alias = {rust_str(a)}" for a in rest)
    return out


def serde_impl(ident: str, model: nodes.Model, wires: list[Wire], *, validated: bool) -> str:
    """The runtime macro writing a model's serde impls: read through `KeyPriority` when a field
    has several keys (one field given twice wins by pydantic's preference; serde alone rejects a
    duplicate field), else `MapOnly`; then `validate`d when it has constrained fields. Not
    `KeyPriority` under `extra="allow"`, where the losing key must become an extra: a known gap.
    Fields are read in pydantic's lax mode but for a `strict=True` model and strict fields."""
    options = [reading(model, wires)] if model.strict or any(map(strict_field, model.fields)) else []
    options += ["validate"] if validated else []
    rest = "".join(f", {o}" for o in options)
    groups = [w.inputs for w in wires if len(w.inputs) > 1]
    if not groups or model.extra == "allow":
        return f"{symbols.STRUCT_SERDE}(map_only {ident}{rest});"
    listed = ", ".join("&[" + ", ".join(rust_str(k) for k in keys) + "]" for keys in groups)
    forbid = "true" if model.extra == "forbid" else "false"
    return f"{symbols.STRUCT_SERDE}(key_priority {ident}, groups = &[{listed}], forbid = {forbid}{rest});"


def root_impl(ident: str, model: nodes.Model) -> str:
    """A RootModel's `Deserialize`: its value read in lax mode but for `strict=True`."""
    return f"{symbols.ROOT_DESERIALIZE}({ident}{', strict' if model.strict else ''});"


def reading(model: nodes.Model, wires: list[Wire]) -> str:
    """The macro's `strict` option: the whole model, or the keys of its strict fields."""
    if model.strict:
        return "strict"
    keys = [k for f, w in zip(model.fields, wires, strict=True) if strict_field(f) for k in w.inputs]
    return "strict = &[" + ", ".join(rust_str(k) for k in keys) + "]"


def strict_field(field: nodes.ModelField) -> bool:
    """`Field(strict=True)`, a `Strict*` type or a user-mapped type (read as its own Rust type
    reads it) anywhere in the field's type, not in a model inside, which reads its own fields.
    Rust reads the whole field strictly, which differs from pydantic only where a strict scalar
    sits beside a lax one (`tuple[StrictInt, int]`)."""

    def strict(ty: t.Type) -> bool:
        own = (isinstance(ty, t.Constrained) and ty.strict is True) or isinstance(ty, t.Mapped)
        return own or any(map(strict, t.children(ty)))

    return strict(field.type)


def extra_field(names: TypeNames, needs: set[str]) -> FieldView:
    """The map of `extra="allow"` keys, flattened after the declared fields."""
    rt = rust_type(EXTRA_TYPE, names, None, False, scalars.DEFAULT_JSON)
    scalars.needs(EXTRA_TYPE, scalars.DEFAULT_JSON, needs)
    attrs = (
        '/// The keys `extra="allow"` keeps (pydantic\'s `__pydantic_extra__`), in input order,',
        "/// written after the fields.",
        "#[serde(flatten)]",
    )
    get = getattr_expr("__pydantic_extra__")
    return FieldView(
        EXTRA_IDENT,
        "__pydantic_extra__",
        rt.ty.render(),
        attrs,
        f"{symbols.FROM_JSON_PY}(&{get})?",
        "",
        shown_type=rt.ty.shown(),
        default_expr=symbols.DEFAULT,  # no extras
    )


def extra_to_py() -> str:
    """The statement adding the extras to the dict given to `model_validate`, after the fields."""
    return (
        f"for (key, item) in {symbols.TO_JSON_PY}(py, &{MODEL_VALUE}.{EXTRA_IDENT})?"
        f".cast::<{symbols.PY_TYPES}::PyDict>()?.iter() {{ data.set_item(key, item)?; }}"
    )


def computed_field(
    model: nodes.Model, field: nodes.ComputedField, names: TypeNames, needs: set[str], literal: str | None
) -> FieldView:
    """A computed field as an `Option<T>`, written after the fields and extras."""
    name = naming.field_name(field.name)
    rt = rust_type(field.type, names, literal, False, model.json)
    scalars.needs(field.type, model.json, needs)
    output = field.alias if model.names.serialize_by_alias and field.alias else field.name
    serde = [f"rename = {rust_str(output)}", 'skip_serializing_if = "Option::is_none"']
    if model.extra == "ignore":
        # a float computed as inf/NaN is written `null` (under the default ser_json_inf_nan): read it back
        plain_float = rt.ty == bare("f64") and model.json.ser_json_inf_nan == "null"
        reader = symbols.COMPUTED_FLOAT if plain_float else symbols.COMPUTED
        serde += ["default", f'deserialize_with = "{reader}"']
    else:
        serde.append("skip_deserializing")
    attrs = (
        *doc_attrs(field.description),
        "/// Computed by pydantic (`@computed_field`): read from Python, written when known.",
        f"#[serde({', '.join(serde)})]",
    )
    expr = from_py(rt, field.name)
    optional = of(symbols.OPTION, rt.ty)
    return FieldView(
        name.ident,
        field.name,
        optional.render(),
        attrs,
        f"{symbols.SOME}({expr})",
        "",
        shown_type=optional.shown(),
        default_expr=symbols.DEFAULT,  # not computed yet: None
    )
