"""Lowering helper: the JSON_SCHEMA constants of every model and signature side of a schema.

They read the IR alone (lower/json_schema.py) and nothing else lowering decides but the
sides' names, and they are a third of lowering's time: so a large crate works them out in a
second process while the first lowers the rest (beside.py). Either way the same code
runs over the same declarations in the same order, so the constants are the same.
"""

from __future__ import annotations

from typing import TypedDict

from dspygen.ir import nodes
from dspygen.lower import json_schema
from dspygen.lower.literals import rust_raw_str


class Constants(TypedDict, total=False):
    """StructView's JSON Schema fields (none where dspygen cannot know the schema)."""

    json_schema: str
    json_schema_serialization: str
    json_schema_parses_in_rust: bool


# Each model's id, and each signature side's (json_schema.side_id): its constants, or why
# pydantic's schema cannot be known (json_schema.Unknown).
Found = dict[str, Constants | str]

SIDES = (("input", "Input"), ("output", "Output"))


def all_of(schema: nodes.Schema, signature_names: dict[str, str]) -> Found:
    """The constants of every model of `schema`, then of both sides of every signature (the
    side of the signature named `S` in Rust is the model `SInput` or `SOutput`)."""
    documents = json_schema.Documents(schema)  # shares definitions across all of them
    found: Found = {}
    for model in schema.models:
        try:
            found[model.id] = _constants(*documents.model_texts(model))
        except json_schema.Unknown as why:
            found[model.id] = str(why)
    for sig in schema.signatures:
        for role, suffix in SIDES:
            try:
                texts = documents.side_texts(sig, role, f"{signature_names[sig.id]}{suffix}")
            except json_schema.Unknown as why:
                found[json_schema.side_id(sig, role)] = str(why)
            else:
                found[json_schema.side_id(sig, role)] = _constants(*texts)
    return found


def _constants(validation: str, serialization: str) -> Constants:
    """The same text in both modes (most) has the second name the first."""
    same = validation == serialization
    return {
        "json_schema": rust_raw_str(validation),
        "json_schema_serialization": "Self::JSON_SCHEMA" if same else rust_raw_str(serialization),
        "json_schema_parses_in_rust": all(json_schema.nests_below(text, 128) for text in (validation, serialization)),
    }
