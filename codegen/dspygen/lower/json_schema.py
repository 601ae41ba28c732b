"""Lowering stage: the JSON Schema pydantic's `model_json_schema(mode=...)` gives a model.

Computed from the IR alone (no user code runs), in both modes, as the same dict: the same
keys, `$defs` names and `$ref`s, defaults as JSON, and pydantic's key order (GenerateJsonSchema
sorts every object's keys except inside `properties` and `default`), so that `json.dumps` of
ours and of pydantic's are the same text. Each node's schema comes from json_schema_types.py;
this module assembles the document (which definitions, under which names, the top model inline
or as a `$ref` when recursive). Where the IR cannot tell what pydantic writes, `Unknown` says
why, and the caller leaves the constant out: never a schema that differs from pydantic's.
Must not decide anything about Rust.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from dspygen.ir import nodes
from dspygen.lower.json_schema_types import JSON_VALUE, REF, Generator, Json, Mode, Unknown

__all__ = ["Unknown", "model_schema", "schema_texts", "side_texts"]


def model_schema(schema: nodes.Schema, model: nodes.Model, mode: Mode) -> Json:
    """What `model_json_schema(mode=mode)` returns for `model`; raises Unknown."""
    gen = Generator(schema, mode)
    gen.ref(model.id)
    return _document(gen, model.id)


def _document(gen: Generator, top: str) -> Json:
    counts = _ref_counts(gen.defs, top)
    doc: Json = {"$ref": REF + top}
    if counts[top] == 1:  # referenced only from here: pydantic writes the model itself
        doc = dict(gen.defs[top])
    reachable = _reachable(doc, gen.defs)
    defs = {ref: gen.defs[ref] for ref in gen.defs if ref in reachable}
    names = _def_names(gen.schema, defs)
    if defs:
        doc["$defs"] = {names[ref]: s for ref, s in defs.items()}
    return _sort(_rename(doc, names))


def _ref_counts(defs: dict[str, Json], top: str) -> Counter[str]:
    """How often each definition is referenced, counted as pydantic's get_json_ref_counts counts:
    a definition's own references followed once, when first met; `examples` lists skipped."""
    counts: Counter[str] = Counter()

    def walk(value: Json) -> None:
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF):
                target = ref[len(REF) :]
                counts[target] += 1
                if counts[target] == 1:
                    walk(defs[target])
            for k, v in value.items():
                if not (k == "examples" and isinstance(v, list)):
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk({"$ref": REF + top})
    return counts


def _reachable(doc: Json, defs: dict[str, Json]) -> set[str]:
    found: set[str] = set()
    todo = [doc]
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF) and ref[len(REF) :] not in found:
                found.add(ref[len(REF) :])
                todo.append(defs[ref[len(REF) :]])
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
    return found


def _normalize(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9.\-_]", "_", name).replace(".", "__")


def _def_names(schema: nodes.Schema, defs: dict[str, Json]) -> dict[str, str]:
    """The `$defs` key of each declaration: its class name where no other declaration of a
    different schema has the same, else its module-qualified name (pydantic's remapping)."""
    short = {ref: _normalize(_short_name(schema, ref)) for ref in defs}
    by_short: dict[str, list[str]] = {}
    for ref, name in short.items():
        by_short.setdefault(name, []).append(ref)
    out = {}
    for ref, name in short.items():
        group = by_short[name]
        if all(defs[r] == defs[ref] for r in group):
            out[ref] = name
        else:
            decl = schema.declaration(ref)
            out[ref] = _normalize(f"{decl.module}.{decl.qualname}")
    return out


def _short_name(schema: nodes.Schema, ref: str) -> str:
    if ref == JSON_VALUE:
        return "JsonValue"
    decl = schema.declaration(ref)
    if not (isinstance(decl, nodes.Model) and decl.generic_origin):
        return decl.name
    # pydantic's reference joins the type arguments with "," where the class name has ", "
    out, depth = [], 0
    for i, ch in enumerate(decl.name):
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if not (ch == " " and depth == 1 and decl.name[i - 1] == ","):
            out.append(ch)
    return "".join(out)


def _rename(value: Json, names: dict[str, str]) -> Json:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, str) and v.startswith(REF):
                v = f"#/$defs/{names[v[len(REF) :]]}"
            out[k] = _rename(v, names)
        return out
    if isinstance(value, list):
        return [_rename(v, names) for v in value]
    return value


def _sort(value: Json, parent: str | None = None) -> Json:
    """pydantic's GenerateJsonSchema.sort: every object's keys sorted, except the objects under
    a `properties` or `default` key (field order kept); lists keep their order."""
    if isinstance(value, dict):
        keys = list(value) if parent in ("properties", "default") else sorted(value)
        return {k: _sort(value[k], k) for k in keys}
    if isinstance(value, list):
        return [_sort(v, parent) for v in value]
    return value


def schema_texts(schema: nodes.Schema, model: nodes.Model) -> tuple[str, str]:
    """`json.dumps` of the validation and the serialization schema; raises Unknown."""
    return tuple(json.dumps(model_schema(schema, model, mode)) for mode in ("validation", "serialization"))  # type: ignore[return-value]


# The key DSPy's string signatures add to each input field's `json_schema_extra` (dspy.utils.constants).
IS_TYPE_UNDEFINED = "IS_TYPE_UNDEFINED"


def side_model(sig: nodes.Signature, role: str, name: str) -> nodes.Model:
    """A signature side as the model pydantic builds of it: `create_model(name, **{n: (f.annotation, f)
    for n, f in Sig.input_fields.items()})` (or `output_fields`); each field's `json_schema_extra` the
    dict DSPy's InputField / OutputField and its metaclass fill. Raises Unknown."""
    # A derived signature's fields keep the json_schema_extra of the signature they come from: the key
    # IS_TYPE_UNDEFINED where it is true (a string signature's typed inputs, `false`, are schema_unknown).
    fields = []
    for f in sig.fields:
        if f.role != role:
            continue
        if f.schema_unknown:
            raise Unknown(f"`{sig.qualname}.{f.name}`: {f.schema_unknown}")
        extra: dict[str, nodes.JsonValue] = {"__dspy_field_type": role, "desc": f.desc, "prefix": f.prefix}
        if sig.form == "string" and role == "input":
            extra[IS_TYPE_UNDEFINED] = f.type_undefined
        elif f.type_undefined:
            extra[IS_TYPE_UNDEFINED] = True
        fields.append(
            nodes.ModelField(f.name, f.type, f.default, None, None, f.span, schema=(("json_schema_extra", extra),))
        )
    return nodes.Model(f"{sig.id}#{role}", name, sig.module, name, None, tuple(fields), "ignore", sig.span)


def side_texts(schema: nodes.Schema, sig: nodes.Signature, role: str, name: str) -> tuple[str, str]:
    """`json.dumps` of a signature side's schema in both modes (side_model); raises Unknown."""
    model = side_model(sig, role, name)
    out = []
    modes: tuple[Mode, Mode] = ("validation", "serialization")
    for mode in modes:
        gen = Generator(schema, mode)
        gen.defs[model.id] = None
        gen.defs[model.id] = gen.model(model)
        out.append(json.dumps(_document(gen, model.id)))
    return out[0], out[1]


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def depth(text: str) -> int:
    """How many objects and arrays the JSON `text` nests."""
    deepest = level = 0
    for bracket in re.findall(r"[\[\]{}]", _STRING.sub("", text)):
        level += 1 if bracket in "[{" else -1
        deepest = max(deepest, level)
    return deepest
