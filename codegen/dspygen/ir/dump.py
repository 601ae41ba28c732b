"""IR stage: the stable JSON form of a Schema (`dspygen schema`)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from dspygen.ir.nodes import Schema
from dspygen.ir.types import Type


def _plain(value: Any) -> Any:
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
