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
from dspygen.lower.json_schema_types import JSON_VALUE, REF, Generator, Json, Mode, Shared, Unknown

__all__ = ["Documents", "Unknown", "schema_texts", "side_texts"]


class Documents:
    """The JSON Schema texts of one schema's models and signature sides. A definition is generated
    once per mode and shared by every document that holds it (json_schema_types.Shared): each
    document holds all the definitions it reaches, so generating each anew is quadratic."""

    def __init__(self, schema: nodes.Schema) -> None:
        self.schema = schema
        self.shared: dict[Mode, Shared] = {"validation": {}, "serialization": {}}
        # A shared definition's text under `$defs`: (mode, id, its `$defs` name, the names of the ids
        # it references) -> `json.dumps` of it renamed and sorted.
        self.texts: dict[tuple[Mode, str, str, tuple[str, ...]], str] = {}

    def model_texts(self, model: nodes.Model) -> tuple[str, str]:
        """`json.dumps` of what `model_json_schema(mode=...)` returns, in each mode; raises Unknown."""
        out = []
        for mode in MODES:
            gen = Generator(self.schema, mode, self.shared[mode])
            gen.ref(model.id)
            out.append(self._text(gen, model.id))
        return out[0], out[1]

    def side_texts(self, sig: nodes.Signature, role: str, name: str) -> tuple[str, str]:
        """`json.dumps` of a signature side's schema in both modes (side_model); raises Unknown."""
        model = side_model(sig, role, name)
        out = []
        for mode in MODES:
            gen = Generator(self.schema, mode, self.shared[mode])
            gen.defs[model.id] = None
            gen.defs[model.id] = gen.model(model)
            out.append(self._text(gen, model.id))
        return out[0], out[1]

    def _text(self, gen: Generator, top: str) -> str:
        """`json.dumps` of the document of `top`: put together from the texts of its definitions
        where all of them are shared (so none reaches `top` again: it is written inline), else
        built whole (_document)."""
        shared = self.shared[gen.mode]
        top_refs = _refs(gen.defs[top])
        reach, todo = set(top_refs), list(top_refs)
        while todo:
            entry = shared.get(todo.pop())
            if entry is None:  # a definition on a cycle: the general case
                return json.dumps(_document(gen, top))
            for ref in entry[1]:
                if ref not in reach:
                    reach.add(ref)
                    todo.append(ref)
        defs = {ref: gen.defs[ref] for ref in reach}
        names = _def_names(gen.schema, defs)
        by_name = {names[ref]: ref for ref in reach}  # equal schemas under one name: one entry
        parts = []
        for name in sorted(by_name):
            ref = by_name[name]
            key = (gen.mode, ref, name, tuple(names[r] for r in shared[ref][1]))
            text = self.texts.get(key)
            if text is None:
                text = self.texts[key] = json.dumps(_renamed_sorted(defs[ref], names, name))
            parts.append(f"{json.dumps(name)}: {text}")
        doc: Json = dict(gen.defs[top])
        if parts:
            doc["$defs"] = None
        items = []
        for key in sorted(doc):  # pydantic's sort at the top: every key, `$defs` among them
            if key == "$defs":
                text = "{" + ", ".join(parts) + "}"
            else:
                text = json.dumps(_renamed_sorted({key: doc[key]}, names)[key])
            items.append(f"{json.dumps(key)}: {text}")
        return "{" + ", ".join(items) + "}"


MODES: tuple[Mode, Mode] = ("validation", "serialization")


def _refs(value: Json) -> tuple[str, ...]:
    """The ids a schema references (every `REF` string in it: `$ref`s and discriminator mappings)."""
    found: dict[str, None] = {}
    todo = [value]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, str) and node.startswith(REF):
            found[node[len(REF) :]] = None
    return tuple(found)


def schema_texts(schema: nodes.Schema, model: nodes.Model) -> tuple[str, str]:
    """`Documents.model_texts` with nothing shared; raises Unknown."""
    return Documents(schema).model_texts(model)


def side_texts(schema: nodes.Schema, sig: nodes.Signature, role: str, name: str) -> tuple[str, str]:
    """`Documents.side_texts` with nothing shared; raises Unknown."""
    return Documents(schema).side_texts(sig, role, name)


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
    return _renamed_sorted(doc, names)


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


def _renamed_sorted(value: Json, names: dict[str, str], parent: str | None = None) -> Json:
    """`value` with each `$ref` (a string under a key) renamed to its `$defs` name, and sorted as
    pydantic's GenerateJsonSchema.sort sorts: every object's keys, except the objects under a
    `properties` or `default` key (field order kept); lists keep their order. One walk for both."""
    if isinstance(value, dict):
        out = {}
        for k in list(value) if parent in ("properties", "default") else sorted(value):
            v = value[k]
            if isinstance(v, str) and v.startswith(REF):
                out[k] = f"#/$defs/{names[v[len(REF) :]]}"
            else:
                out[k] = _renamed_sorted(v, names, k)
        return out
    if isinstance(value, list):
        return [_renamed_sorted(v, names, parent) for v in value]
    return value


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
    return nodes.Model(side_id(sig, role), name, sig.module, name, None, tuple(fields), "ignore", sig.span)


def side_id(sig: nodes.Signature, role: str) -> str:
    """The id of a signature side's model (`<signature id>#input`): never a declaration's, which has no `#`."""
    return f"{sig.id}#{role}"


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def depth(text: str) -> int:
    """How many objects and arrays the JSON `text` nests."""
    deepest = level = 0
    for bracket in re.findall(r"[\[\]{}]", _STRING.sub("", text)):
        level += 1 if bracket in "[{" else -1
        deepest = max(deepest, level)
    return deepest


def nests_below(text: str, limit: int) -> bool:
    """Whether the JSON `text` nests fewer than `limit` objects and arrays (the count of all its
    brackets bounds the depth: most documents need no closer look)."""
    return text.count("{") + text.count("[") < limit or depth(text) < limit
