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
        given = (info.title, info.examples, info.json_schema_extra, info.deprecated)
        unknown = "a JSON Schema argument of @computed_field" if any(v is not None for v in given) else ""
        ftype = convert(info.return_type)
        out.append(nodes.ComputedField(name, ftype, description, info.alias, span_of(cls, name), unknown))
    return tuple(out)


# As frontend/model_config.py: the keys only pydantic's JSON Schema shows.
SCHEMA_KEYS = ("title", "json_schema_extra")
SCHEMA_OTHER = {
    "use_attribute_docstrings": False,
    "json_schema_mode_override": None,
    "json_schema_serialization_defaults_required": False,
}


def schema(config: Any) -> tuple[tuple[tuple[str, Any], ...], str]:
    """A model's (nodes.Model.schema, nodes.Model.schema_unknown), as the static frontend reads them."""
    found: list[tuple[str, Any]] = []
    unknown = ""
    for key in SCHEMA_KEYS:
        value = config.get(key)
        if value is None:
            continue
        if (isinstance(value, str) if key == "title" else isinstance(value, dict)) and _json(value):
            found.append((key, value))
        else:
            unknown = unknown or f"model_config `{key}`"
    for key, default in SCHEMA_OTHER.items():
        if config.get(key, default) != default:
            unknown = unknown or f"model_config `{key}`"
    found += [(k, config[k]) for k in ("str_min_length", "str_max_length") if config.get(k) is not None]
    return tuple(found), unknown


def field_schema(info: Any) -> tuple[tuple[tuple[str, Any], ...], str]:
    """A field's (nodes.ModelField.schema, nodes.ModelField.schema_unknown) from its FieldInfo."""
    found: list[tuple[str, Any]] = []
    unknown = ""
    if info.title is not None:
        found.append(("title", info.title))
    if info.examples is not None:
        found.append(("examples", list(info.examples)))
    if info.deprecated:
        found.append(("deprecated", True))
    if isinstance(info.json_schema_extra, dict):
        found.append(("json_schema_extra", info.json_schema_extra))
    elif info.json_schema_extra is not None:
        unknown = "`json_schema_extra=`"
    if getattr(info, "field_title_generator", None) is not None:
        unknown = unknown or "`field_title_generator=`"
    if not all(_json(v) for _, v in found):
        unknown = unknown or "a JSON Schema argument that is not a literal"
    return tuple(found), unknown


def _json(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json(v) for v in value)
    return value is None or isinstance(value, str | int | float | bool)


def type_aliases(annotation: Any, json_value: Any) -> list[str]:
    """The `type` / TypeAliasType aliases inside `annotation` (pydantic.JsonValue aside), outermost first."""
    found: list[str] = []
    todo = [annotation]
    seen: list[Any] = []
    while todo:
        item = todo.pop(0)
        if any(item is s for s in seen):
            continue
        seen.append(item)
        if type(item).__name__ == "TypeAliasType" and item is not json_value:
            found.append(item.__name__)
            todo.append(item.__value__)
        todo.extend(getattr(item, "__args__", ()) or ())
        origin = getattr(item, "__origin__", None)
        if origin is not None and type(origin).__name__ == "TypeAliasType":
            todo.append(origin)
    return found
