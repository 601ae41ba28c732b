"""Lowering stage: the JSON Schema pydantic gives each type, model and Enum, one at a time.

The part of lower/json_schema.py that walks the IR: what GenerateJsonSchema writes for each
node, in either mode, with references to models and Enums left as placeholders (`REF` + id)
until the document names its `$defs`. Raises `Unknown` where pydantic's schema depends on what
the IR does not hold. Must not decide anything about Rust.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Literal

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.registry import scalars

Mode = Literal["validation", "serialization"]
Json = Any  # a JSON value as json.loads gives it
_NULL = {"type": "null"}
REF = "\x00ref:"  # a `$ref` before the `$defs` names are chosen: `\x00ref:<id>`
_NUMERIC = {
    "multiple_of": "multipleOf",
    "le": "maximum",
    "ge": "minimum",
    "lt": "exclusiveMaximum",
    "gt": "exclusiveMinimum",
}
_LENGTHS = {
    "string": {"min_length": "minLength", "max_length": "maxLength", "pattern": "pattern"},
    "bytes": {"min_length": "minLength", "max_length": "maxLength"},
    "array": {"min_length": "minItems", "max_length": "maxItems"},
    "object": {"min_length": "minProperties", "max_length": "maxProperties"},
}
_BYTES_LIKE = frozenset({"bytes"})
# Types pydantic builds on a str schema without the IR's constraints: the config's str lengths show on them.
_STR_LIKE = frozenset({"email_str", "name_email", "secret_str", "path", "pure_path", "posix_path", "pure_posix_path"})
JSON_VALUE = "pydantic.types:JsonValue"  # the id of pydantic.JsonValue's definition


def _copied(value: Json) -> Json:
    """A copy of a JSON value that shares nothing mutable with it, as copy.deepcopy's would be,
    without deepcopy's memo of the objects met: JSON holds no cycles, nor an object twice that
    must stay one."""
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copied(v) for v in value)
    return value


class Unknown(Exception):
    """pydantic's schema depends on something the IR does not hold: the message says what."""


# Definitions shared by the documents of one lowering run, per mode: IR id -> (its schema, the ids it
# references directly). Only a definition whose whole reach holds no recursive reference is shared:
# pydantic's schema of a model on a cycle depends on where the document entered the cycle (the
# reference that meets a model still being generated keeps all its sibling keys, ref_overrides).
Shared = dict[str, tuple[Json, tuple[str, ...]]]


@dataclass
class _Frame:
    """A definition being generated: the ids it references, and whether it can be shared."""

    refs: dict[str, None] = field(default_factory=dict)
    shareable: bool = True


@dataclass
class Generator:
    schema: nodes.Schema
    mode: Mode
    shared: Shared = field(default_factory=dict)
    defs: dict[str, Json] = field(default_factory=dict)  # IR id -> its schema, in first-reference order
    config: list[nodes.Model] = field(default_factory=list)  # the models being generated, innermost last
    frames: list[_Frame] = field(default_factory=list)  # the definitions being generated, innermost last
    unshared: set[str] = field(default_factory=set)  # this document's definitions not in `shared`

    def ref(self, ref: str) -> Json:
        if self.frames:
            self.frames[-1].refs[ref] = None
        if ref in self.defs:
            recursive = self.defs[ref] is None or ref in self.unshared  # a recursive reference, or one in reach
            if recursive and self.frames:
                self.frames[-1].shareable = False
        elif ref in self.shared:
            self._adopt(ref)
        elif ref == JSON_VALUE:
            self.defs[ref] = {}
            self.shared[ref] = ({}, ())
        else:
            self.defs[ref] = None  # a recursive reference meets the placeholder
            decl = self.schema.declaration(ref)
            frame = _Frame()
            self.frames.append(frame)
            try:
                self.defs[ref] = self.model(decl) if isinstance(decl, nodes.Model) else _enum(decl)
            finally:
                self.frames.pop()
            if frame.shareable:
                self.shared[ref] = (self.defs[ref], tuple(frame.refs))
            else:
                self.unshared.add(ref)
                if self.frames:
                    self.frames[-1].shareable = False
        return {"$ref": REF + ref}

    def _adopt(self, ref: str) -> None:
        """A shared definition and all it reaches, into this document (all shared, by construction)."""
        todo = [ref]
        while todo:
            node = todo.pop()
            if node not in self.defs:
                schema, refs = self.shared[node]
                self.defs[node] = schema
                todo.extend(refs)

    # -- models ----------------------------------------------------------------------

    def model(self, model: nodes.Model) -> Json:
        if model.schema_unknown:
            raise Unknown(f"`{model.name}`: {model.schema_unknown}")
        self.config.append(model)
        try:
            out = self.root(model) if model.root else self.fields(model)
        finally:
            self.config.pop()
        config = dict(model.schema)
        if "title" in config:
            out.setdefault("title", config["title"])
        out.setdefault("title", model.name)
        if model.doc and not model.generic_origin:  # `Page[Item]` is a new class, with no docstring
            out.setdefault("description", inspect.cleandoc(model.doc))
        if model.extra != "ignore" and "additionalProperties" not in out:
            out["additionalProperties"] = model.extra == "allow"
        extra = config.get("json_schema_extra")
        if isinstance(extra, dict):
            out.update(_copied(extra))
        return out

    def root(self, model: nodes.Model) -> Json:
        (root,) = model.fields
        return self.field(root, model)

    def fields(self, model: nodes.Model) -> Json:
        properties: dict[str, Json] = {}
        required: list[str] = []
        for f in model.fields:
            if self.mode == "serialization" and f.exclude:
                continue
            name = self.key(f, model)
            schema = self.field(f, model)
            if "title" not in schema and _title_set(f.type):
                schema["title"] = _title(name)
            properties[name] = self.ref_overrides(schema)
            if f.default is None:
                required.append(name)
        if self.mode == "serialization":
            for c in model.computed:
                if c.schema_unknown:
                    raise Unknown(f"`{model.name}.{c.name}`: {c.schema_unknown}")
                name = c.alias or c.name
                schema = self.type(c.type)
                if c.description is not None:
                    schema["description"] = c.description
                schema["readOnly"] = True
                if "title" not in schema and _title_set(c.type):
                    schema["title"] = _title(name)
                properties[name] = self.ref_overrides(schema)
                required.append(name)
        out: Json = {"type": "object", "properties": properties}
        if required:
            out["required"] = required
        return out

    def key(self, f: nodes.ModelField, model: nodes.Model) -> str:
        """The property's name: the alias pydantic reads (validation) or writes (serialization)."""
        if self.mode == "serialization":
            return f.serialization_alias or f.name
        if not model.names.validate_by_alias:
            return f.name
        return f.validation_alias[0] if f.validation_alias else f.name

    def field(self, f: nodes.ModelField, model: nodes.Model) -> Json:
        if f.schema_unknown:
            raise Unknown(f"`{model.name}.{f.name}`: {f.schema_unknown}")
        schema = self.type(f.type)
        if f.default is not None:
            default = self.default(f.default, f"{model.name}.{f.name}")
            if default is not _NO_DEFAULT:
                schema["default"] = default
        given = dict(f.schema)
        for key in ("title", "description", "examples", "deprecated"):
            value = f.description if key == "description" else given.get(key)
            if value is not None:
                schema[key] = _copied(value)
        extra = given.get("json_schema_extra")
        if isinstance(extra, dict):
            schema.update(_copied(extra))
        return schema

    def default(self, default: nodes.Default, where: str) -> Json:
        if default.kind in ("factory", "computed", "model") or default.from_factory:
            return _NO_DEFAULT
        if default.kind == "unmirrored":
            raise Unknown(f"`{where}`: a default dspygen does not read (Python code, or not a literal)")
        if default.kind == "enum_member":
            decl = self.schema.declaration(str(default.value))
            assert isinstance(decl, nodes.Enum)
            return next(m.value for m in decl.members if m.name == default.member)
        return _copied(default.value)

    def ref_overrides(self, schema: Json) -> Json:
        """pydantic drops a `$ref`'s sibling keys that the referenced schema holds with the same value."""
        ref = schema.get("$ref")
        if ref is None:
            return schema
        target = self.defs.get(ref[len(REF) :])
        if target is None:  # still being generated (a recursive reference): pydantic keeps every key
            return schema
        return {k: v for k, v in schema.items() if k == "$ref" or k not in target or target[k] != v}

    # -- types -----------------------------------------------------------------------

    def type(self, ty: t.Type) -> Json:
        if isinstance(ty, t.Primitive):
            return self.primitive(ty.name)
        if isinstance(ty, t.Constrained):
            return self.constrained(ty)
        if isinstance(ty, t.ListOf):
            return {"type": "array", "items": self.type(ty.item)}
        if isinstance(ty, t.SetOf):
            return {"type": "array", "uniqueItems": True, "items": self.type(ty.item)}
        if isinstance(ty, t.TupleOf):
            items = [self.type(i) for i in ty.items]
            if ty.variadic:
                return {"type": "array", "items": items[0]}
            out: Json = {"type": "array"}
            if items:
                out["prefixItems"] = items
            out["minItems"] = out["maxItems"] = len(items)
            return out
        if isinstance(ty, t.DictOf):
            return self.dict(ty)
        if isinstance(ty, t.OptionalOf):
            inner = self.type(ty.inner)
            return _NULL.copy() if inner == _NULL else _any_of([inner, _NULL.copy()])
        if isinstance(ty, t.UnionOf):
            if ty.discriminator is not None:
                return self.tagged(ty, ty.discriminator)
            return _any_of([self.type(a) for a in ty.arms])
        if isinstance(ty, t.LiteralOf):
            return _literal(ty.values)
        if isinstance(ty, t.Named):
            return self.ref(ty.ref)
        if isinstance(ty, t.JsonOf):
            content = self.type(ty.inner)
            if self.mode == "serialization":
                return content
            return {"type": "string", "contentMediaType": "application/json", "contentSchema": content}
        if isinstance(ty, t.Mapped):
            raise Unknown(f"`{ty.name}` is mapped to a Rust type: its schema is whatever the class declares")
        raise Unknown(f"DSPy's `dspy.{ty.name}` is not covered yet")

    def primitive(self, name: str) -> Json:
        if name == "decimal":
            return (
                {"type": "string"}
                if self.mode == "serialization"
                else {"anyOf": [{"type": "number"}, {"type": "string"}]}
            )
        if name == "json_value":  # a recursive type alias: pydantic gives it a definition of its own
            return self.ref(JSON_VALUE)
        if name == "bytes":
            base64 = self.config and self.config[-1].json.ser_json_bytes == "base64"
            return {"type": "string", "format": "base64url" if base64 else "binary"}
        out = _copied(dict(scalars.scalar(name).json_schema))
        if name in _STR_LIKE and self.config:  # the model's str_min_length / str_max_length
            settings = dict(self.config[-1].schema)
            for key, word in (("str_min_length", "minLength"), ("str_max_length", "maxLength")):
                if settings.get(key) is not None:
                    out[word] = settings[key]
        return out

    def constrained(self, ty: t.Constrained) -> Json:
        inner = ty.inner
        given = ty.given()
        if isinstance(inner, t.Primitive) and inner.name == "decimal":
            return self.decimal(ty, given)
        out = self.type(inner)
        kind = _constraint_kind(inner)
        mapping = _NUMERIC if kind == "numeric" else _LENGTHS.get(kind, {}) if kind else {}
        for key, value in given.items():
            if key in mapping:
                out[mapping[key]] = value
            elif key in _NUMERIC or key in ("min_length", "max_length", "pattern"):
                raise Unknown(f"the constraint `{key}` on `{t.shown(inner)}`")
        if kind == "numeric":
            out = {k: v for k, v in out.items() if v not in (float("inf"), float("-inf"))}
        return out

    def decimal(self, ty: t.Constrained, given: dict[str, object]) -> Json:
        if self.mode == "serialization":
            return {"type": "string"}
        number: Json = {"type": "number"}
        for key in ("multiple_of", "le", "ge", "lt", "gt"):
            if key in given:
                number[_NUMERIC[key]] = float(given[key])  # type: ignore[arg-type]
        return {"anyOf": [number, {"type": "string"}]}

    def dict(self, ty: t.DictOf) -> Json:
        out: Json = {"type": "object"}
        keys = self.type(ty.key)
        pattern = None
        if "$ref" not in keys:
            pattern = keys.pop("pattern", None)
            keys.pop("title", None)
        values = self.type(ty.value)
        values.pop("title", None)
        if values or pattern is not None:
            if pattern is None:
                out["additionalProperties"] = values
            else:
                out["patternProperties"] = {pattern: values}
        else:
            out["additionalProperties"] = True
        if (keys.get("type") == "string" and len(keys) > 1) or "$ref" in keys:
            keys.pop("type", None)
            out["propertyNames"] = keys
        return out

    def tagged(self, ty: t.UnionOf, tag: str) -> Json:
        mapping: dict[str, Json] = {}
        choices: list[Json] = []
        prop = tag
        for arm in ty.arms:
            if not isinstance(arm, t.Named):
                raise Unknown("a discriminated union arm that is not a model")
            decl = self.schema.declaration(arm.ref)
            assert isinstance(decl, nodes.Model)
            tag_field = next((f for f in decl.fields if f.name == tag), None)
            if tag_field is None or not isinstance(tag_field.type, t.LiteralOf):
                raise Unknown("a discriminator field that is not a Literal")
            prop = self.key(tag_field, decl) if tag_field.alias else tag
            schema = self.type(arm)
            for value in tag_field.type.values:
                mapping[_tag_key(value)] = schema["$ref"]
            if schema not in choices:
                choices.append(schema)
        return {"oneOf": choices, "discriminator": {"propertyName": prop, "mapping": mapping}}


_NO_DEFAULT = object()


def _tag_key(value: t.LiteralValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _constraint_kind(ty: t.Type) -> str:
    if isinstance(ty, t.Primitive):
        if ty.name in ("int", "float"):
            return "numeric"
        if ty.name == "str":
            return "string"
        if ty.name in _BYTES_LIKE:
            return "bytes"
        return ""
    if isinstance(ty, t.ListOf | t.SetOf | t.TupleOf):
        return "array"
    if isinstance(ty, t.DictOf):
        return "object"
    return ""


def _enum(decl: nodes.Enum) -> Json:
    out: Json = {"title": decl.name}
    doc = inspect.cleandoc(decl.doc) if decl.doc else None
    if doc and doc != "An enumeration.":
        out["description"] = doc
    values = [m.value for m in decl.members]
    out["enum"] = values
    kinds = {type(v) for v in values}
    if kinds == {str}:
        out["type"] = "string"
    elif kinds == {int}:
        out["type"] = "integer"
    return out


def _literal(values: tuple[t.LiteralValue, ...]) -> Json:
    expected = list(values)
    out: Json = {"const": expected[0]} if len(expected) == 1 else {"enum": expected}
    kinds = {type(v) for v in expected}
    names = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
    if len(kinds) == 1 and next(iter(kinds)) in names:
        out["type"] = names[next(iter(kinds))]
    return out


def _any_of(schemas: list[Json]) -> Json:
    members: list[Json] = []
    for s in schemas:
        for m in s["anyOf"] if len(s) == 1 and "anyOf" in s else [s]:
            if m not in members:
                members.append(m)
    return members[0] if len(members) == 1 else {"anyOf": members}


def _title(name: str) -> str:
    return name.title().replace("_", " ").strip()


def _title_set(ty: t.Type) -> bool:
    """pydantic titles a property after its name unless its schema is a reference (a model or
    an Enum, Optional or not)."""
    if isinstance(ty, t.OptionalOf):
        return _title_set(ty.inner)
    return not isinstance(ty, t.Named | t.DspyType) and ty != t.Primitive("json_value")
