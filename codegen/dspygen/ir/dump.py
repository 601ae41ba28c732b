"""IR stage: the stable JSON form of a Schema (`dspygen schema`)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any

from dspygen.diagnostics import Span
from dspygen.ir.nodes import Schema
from dspygen.ir.types import Type


def _plain(value: Any) -> Any:
    if isinstance(value, Span):
        return {"col": value.col, "line": value.line, "path": value.path}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        kind = getattr(type(value), "kind", None)
        if isinstance(kind, str) and _is_type(value):
            out["kind"] = kind
        return out
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _is_type(value: object) -> bool:
    return isinstance(value, Type.__args__)


def to_json(schema: Schema) -> str:
    """Sorted, indented JSON with a trailing newline: the same bytes for the same schema."""
    return json.dumps(_plain(schema), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _value(hint: Any, data: Any) -> Any:
    """Rebuild a value of type `hint` from its JSON form."""
    if hint is Span:
        return Span(data["path"], data["line"], data["col"])
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        hints = typing.get_type_hints(hint)
        return hint(**{f.name: _value(hints[f.name], data[f.name]) for f in dataclasses.fields(hint) if f.init})
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        return tuple(_value(args[0], item) for item in data)
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        nodes = [a for a in args if dataclasses.is_dataclass(a)]
        if len(nodes) > 1:  # the closed type union: pick the member by its `kind`
            by_kind = {getattr(a, "kind", None): a for a in nodes}
            return _value(by_kind[data["kind"]], data)
        if len(nodes) == 1 and isinstance(data, dict):
            return _value(nodes[0], data)
    return data


def load(text: str) -> Schema:
    """The Schema a `to_json` text describes (used by the importing frontend)."""
    return typing.cast(Schema, _value(Schema, json.loads(text)))
