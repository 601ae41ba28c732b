"""Frontend stage (opt-in import frontend, inside the subprocess): aliases, key settings and
computed fields of a real pydantic class, as the same IR the static frontend builds
(frontend/aliases.py, frontend/computed.py).

pydantic has already applied any alias generator to `model_fields`, so the aliases are
read as they are; only their forms Rust cannot mirror (`AliasPath`) are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dspygen.diagnostics import Span
from dspygen.ir import nodes
from dspygen.ir import types as t


class UnsupportedAlias(Exception):
    pass


def validation_alias(value: Any) -> tuple[str, ...]:
    """`FieldInfo.validation_alias`: None, a str or AliasChoices (of strings only)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    choices = getattr(value, "choices", None)
    if isinstance(choices, list) and all(isinstance(c, str) for c in choices):
        return tuple(choices)
    raise UnsupportedAlias(f"the validation alias {value!r} (AliasPath reads nested input, which serde cannot)")


def extra(config: Any) -> Any:
    value = config.get("extra")
    return value if value in ("forbid", "allow") else "ignore"


def names(config: Any) -> nodes.NameConfig:
    """The key settings; `populate_by_name=True` and `validate_by_alias=False` stand for
    `validate_by_name=True` unless that is given (as pydantic's ConfigWrapper reads them)."""
    by_name = config.get("validate_by_name")
    if by_name is None:
        by_name = bool(config.get("populate_by_name", False)) or not config.get("validate_by_alias", True)
    return nodes.NameConfig(
        validate_by_name=bool(by_name),
        validate_by_alias=bool(config.get("validate_by_alias", True)),
        serialize_by_alias=bool(config.get("serialize_by_alias", False)),
    )


def computed(
    cls: Any, convert: Callable[[Any], t.Type], span_of: Callable[[Any, str], Span]
) -> tuple[nodes.ComputedField, ...]:
    out = []
    for name, info in cls.model_computed_fields.items():
        # pydantic_core.PydanticUndefined, recognised without importing pydantic here (tests/unit/test_layers.py)
        if type(info.return_type).__name__ == "PydanticUndefinedType":
            raise UnsupportedAlias(f"the computed field {name} has no return annotation")
        description = info.description
        out.append(nodes.ComputedField(name, convert(info.return_type), description, info.alias, span_of(cls, name)))
    return tuple(out)
