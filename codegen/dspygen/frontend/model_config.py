"""Frontend stage: a model's configuration, in each spelling pydantic v2 accepts.

`model_config = ConfigDict(...)`, `model_config = {...}` (ConfigDict is a TypedDict) and the
v1 `class Config:` (deprecated in v2, still honoured) are read into the same settings. Keys
that change neither the JSON nor which values are valid are accepted and have no Rust side;
the `str_*` settings become constraints on every string the model's fields hold; keys v2
renamed or removed are ignored by pydantic, and said so; the rest are diagnostics.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal, cast

import libcst as cst

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import aliases, constraint_rules, literals
from dspygen.frontend.class_syntax import body, int64
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.frontend.static_types import text
from dspygen.ir import nodes

Extra = Literal["ignore", "forbid", "allow"]
CONFIG_DICT = frozenset({"pydantic.ConfigDict", "pydantic.config.ConfigDict"})
EXTRA_VALUES = frozenset({"ignore", "forbid", "allow"})
# pydantic.Extra.forbid (v1, deprecated in v2) as a value of `extra`.
EXTRA_ENUM = frozenset({"pydantic.Extra", "pydantic.config.Extra"})
# Keys that change neither the JSON nor which values are valid: nothing to mirror.
HARMLESS = frozenset(
    {
        "frozen",
        "title",
        "json_schema_extra",
        "protected_namespaces",
        "use_attribute_docstrings",
        "validate_assignment",
        "validate_default",
        "arbitrary_types_allowed",
        "from_attributes",
        "ignored_types",
        "revalidate_instances",
        "validate_return",
        "defer_build",
        "hide_input_in_errors",
        "loc_by_alias",
        "cache_strings",
        "plugin_settings",
        "json_schema_mode_override",
        "json_schema_serialization_defaults_required",
        "serialize_by_alias_with_serialization_alias",
        # The JSON is the value either way; Python -> Rust takes a member or its value.
        "use_enum_values",
    }
)
# Keys only pydantic's JSON Schema shows: `title` and a `json_schema_extra` dict are read; the others
# change the schema in ways dspygen does not compute (nodes.Model.schema_unknown), unless at their default.
SCHEMA_KEYS = ("title", "json_schema_extra")
SCHEMA_OTHER = {
    "use_attribute_docstrings": "False",
    "json_schema_mode_override": "None",
    "json_schema_serialization_defaults_required": "False",
}
# Config keys that change the JSON of scalars: the values dspygen mirrors (the first is pydantic's default).
# Keys that are not fields of nodes.JsonConfig are accepted only at their default.
JSON_CONFIG: dict[str, tuple[str, ...]] = {
    "ser_json_bytes": ("utf8", "base64", "hex"),
    "val_json_bytes": ("utf8", "base64", "hex"),
    "ser_json_inf_nan": ("null", "constants", "strings"),
    "ser_json_timedelta": ("iso8601",),
    "ser_json_temporal": ("iso8601",),
    "val_temporal_unit": ("infer",),
}
SCALAR_SETTINGS = constraint_rules.SCALAR_SETTINGS
# The keys of pydantic's ConfigDict (2.14; tests/unit/test_model_config_keys.py compares them with
# the installed pydantic's). pydantic keeps any other key in `model_config` and does nothing with
# it: pydantic-settings' keys on a BaseModel (`env_file`, `env_prefix`), misspellings.
PYDANTIC_KEYS = frozenset(
    {
        "alias_generator",
        "allow_inf_nan",
        "arbitrary_types_allowed",
        "cache_strings",
        "coerce_numbers_to_str",
        "defer_build",
        "extra",
        "field_title_generator",
        "from_attributes",
        "frozen",
        "hide_input_in_errors",
        "ignored_types",
        "json_encoders",
        "json_schema_extra",
        "json_schema_mode_override",
        "json_schema_serialization_defaults_required",
        "loc_by_alias",
        "model_title_generator",
        "plugin_settings",
        "polymorphic_serialization",
        "populate_by_name",
        "protected_namespaces",
        "regex_engine",
        "revalidate_instances",
        "schema_generator",
        "ser_json_bytes",
        "ser_json_inf_nan",
        "ser_json_temporal",
        "ser_json_timedelta",
        "serialize_by_alias",
        "str_max_length",
        "str_min_length",
        "str_strip_whitespace",
        "str_to_lower",
        "str_to_upper",
        "strict",
        "title",
        "url_preserve_empty_path",
        "use_attribute_docstrings",
        "use_enum_values",
        "val_json_bytes",
        "val_temporal_unit",
        "validate_assignment",
        "validate_by_alias",
        "validate_by_name",
        "validate_default",
        "validate_return",
        "validation_error_cause",
    }
)
# v1 keys pydantic v2 no longer honours: it warns and ignores them (checked with pydantic 2.14).
V1_KEYS = {
    "allow_population_by_field_name": "renamed to `populate_by_name`",
    "anystr_lower": "renamed to `str_to_lower`",
    "anystr_strip_whitespace": "renamed to `str_strip_whitespace`",
    "anystr_upper": "renamed to `str_to_upper`",
    "keep_untouched": "renamed to `ignored_types`",
    "max_anystr_length": "renamed to `str_max_length`",
    "min_anystr_length": "renamed to `str_min_length`",
    "orm_mode": "renamed to `from_attributes`",
    "schema_extra": "renamed to `json_schema_extra`",
    "validate_all": "renamed to `validate_default`",
    "allow_mutation": "removed",
    "error_msg_templates": "removed",
    "fields": "removed",
    "getter_dict": "removed",
    "smart_union": "removed",
    "underscore_attrs_are_private": "removed",
    "json_loads": "removed",
    "json_dumps": "removed",
    "copy_on_model_validation": "removed",
    "post_init_call": "removed",
}


@dataclass
class ConfigRead:
    """A model's settings so far (a base's, then its own)."""

    extra: Extra = "ignore"
    json: nodes.JsonConfig = field(default_factory=nodes.JsonConfig)
    # setting -> value: the settings that constrain scalars (`str_*`, `allow_inf_nan`)
    scalars: dict[str, object] = field(default_factory=dict)
    strict: bool = False  # `strict=True`: checked field by field (constraint_rules.strict_problem)
    # what only the JSON Schema shows (nodes.Model.schema), and what dspygen cannot read of it
    schema: dict[str, nodes.JsonValue] = field(default_factory=dict)
    schema_unknown: str = ""


def entries(
    index: Index, module: SourceModule, value: cst.BaseExpression, sink: Sink
) -> list[tuple[str, cst.BaseExpression, cst.CSTNode]] | None:
    """(key, value, where) of `ConfigDict(...)` or of a dict literal with string keys; None
    (reported) for anything else."""
    if isinstance(value, cst.Call) and index.symbol(module, value.func) in CONFIG_DICT:
        return [(a.keyword.value if a.keyword is not None else "", a.value, a) for a in value.args]
    if isinstance(value, cst.Dict):
        out: list[tuple[str, cst.BaseExpression, cst.CSTNode]] = []
        for element in value.elements:
            key = literals.string(element.key) if isinstance(element, cst.DictElement) else None
            if key is None or not isinstance(element, cst.DictElement):
                sink.error(Code.UNSUPPORTED_MODEL, "model_config keys must be string literals", module.span(element))
                return None
            out.append((key, element.value, element))
        return out
    sink.error(
        Code.UNSUPPORTED_MODEL, "model_config must be a ConfigDict(...) call or a dict literal", module.span(value)
    )
    return None


def class_entries(node: cst.ClassDef) -> list[tuple[str, cst.BaseExpression, cst.CSTNode]]:
    """(key, value, where) of the v1 `class Config:` body's assignments."""
    out: list[tuple[str, cst.BaseExpression, cst.CSTNode]] = []
    for stmt in body(node):
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target = small.targets[0].target
                if isinstance(target, cst.Name):
                    out.append((target.value, small.value, small))
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
                out.append((small.target.value, small.value, small))
    return out


def read(
    index: Index,
    module: SourceModule,
    items: list[tuple[str, cst.BaseExpression, cst.CSTNode]],
    config: ConfigRead,
    names: aliases.NameSettings | None,
    sink: Sink,
    v1: bool = False,
) -> None:
    """Apply the settings `items` to `config` (and the key settings to `names`)."""
    for key, value, where in items:
        if key in SCHEMA_KEYS or key in SCHEMA_OTHER:
            _schema_key(config, key, value)
        if key in JSON_CONFIG:
            choice = literals.string(value)
            if choice in JSON_CONFIG[key]:
                if key in {f.name for f in dataclasses.fields(nodes.JsonConfig)}:
                    config.json = dataclasses.replace(config.json, **{key: choice})  # type: ignore[arg-type]
            else:
                allowed = ", ".join(repr(v) for v in JSON_CONFIG[key])
                sink.error(
                    Code.UNSUPPORTED_MODEL,
                    f"`{key}={text(value)}` is not supported; dspygen mirrors {allowed}",
                    module.span(where),
                )
        elif key == "extra":
            extra = _extra(index, module, value)
            if extra is None:
                sink.error(
                    Code.UNSUPPORTED_MODEL,
                    f"`extra={text(value)}` is not supported",
                    module.span(where),
                    hint='use extra="ignore" (the default), "forbid" or "allow", as a string literal',
                )
            else:
                config.extra = extra
        elif names is not None and (key in aliases.NAME_KEYS or key == "alias_generator"):
            aliases.read_setting(index, module, key, value, names, sink)
        elif key in SCALAR_SETTINGS:
            setting = _scalar_setting(key, value)
            if setting is None:
                sink.error(
                    Code.UNSUPPORTED_MODEL,
                    f"`{key}` must be " + ("an int literal" if key.endswith("length") else "True or False"),
                    module.span(where),
                )
            else:
                config.scalars[key] = setting
        elif key == "strict" and isinstance(value, cst.Name) and value.value in {"True", "False"}:
            config.strict = value.value == "True"
        elif key == "regex_engine" and literals.string(value) != "rust-regex":
            sink.error(
                Code.UNSUPPORTED_MODEL,
                f"`regex_engine={text(value)}`: Rust checks patterns with the `regex` crate, pydantic's default engine",
                module.span(where),
                hint='leave regex_engine at "rust-regex" (the default), so both sides use the same engine',
            )
        elif key == "regex_engine":
            continue
        elif key in V1_KEYS:  # pydantic warns of them, in `class Config` and in `model_config` alike
            spelled = " in `class Config`" if v1 else ""
            sink.warning(
                Code.UNSUPPORTED_MODEL,
                f"pydantic v2 ignores `{key}`{spelled} ({V1_KEYS[key]}), and so does dspygen",
                module.span(where),
                hint=f"use model_config = ConfigDict(...) with v2's keys; `{key}` was {V1_KEYS[key]}",
            )
        elif key and key not in PYDANTIC_KEYS and key not in HARMLESS:
            sink.warning(
                Code.UNSUPPORTED_MODEL,
                f"pydantic knows no model setting `{key}`: it keeps it in `model_config` and does nothing with it, "
                "and neither does dspygen",
                module.span(where),
                hint="pydantic-settings' keys (`env_file`, `env_prefix`, ...) act only on a BaseSettings class; "
                "anything else is likely a misspelling of one of ConfigDict's keys",
            )
        elif key not in HARMLESS:
            sink.error(
                Code.UNSUPPORTED_MODEL,
                f"the model setting `{key or '**'}` is not supported yet",
                module.span(where),
            )


def schema_facts(config: ConfigRead) -> tuple[tuple[str, nodes.JsonValue], ...]:
    """nodes.Model.schema: the config's `title` and `json_schema_extra` dict, then `str_min_length`
    and `str_max_length`, which pydantic's schema also shows on the str-like types (EmailStr,
    SecretStr, Path, ...) that the IR holds no constraint for."""
    found = [(k, config.schema[k]) for k in SCHEMA_KEYS if k in config.schema]
    for key in STR_LENGTHS:
        value = config.scalars.get(key)
        if isinstance(value, int):
            found.append((key, value))
    return tuple(found)


STR_LENGTHS = ("str_min_length", "str_max_length")


def _schema_key(config: ConfigRead, key: str, value: cst.BaseExpression) -> None:
    ok, found = literals.json_value(value)
    if key in SCHEMA_OTHER:
        if text(value) != SCHEMA_OTHER[key]:
            config.schema_unknown = config.schema_unknown or f"model_config `{key}`"
    elif ok and (isinstance(found, str) if key == "title" else isinstance(found, dict)):
        config.schema[key] = found
    elif not (ok and found is None):
        config.schema_unknown = config.schema_unknown or f"model_config `{key}`"


def _extra(index: Index, module: SourceModule, value: cst.BaseExpression) -> Extra | None:
    choice = literals.string(value)
    if choice is None and isinstance(value, cst.Attribute) and index.symbol(module, value.value) in EXTRA_ENUM:
        choice = value.attr.value  # pydantic.Extra.forbid
    return cast(Extra, choice) if choice in EXTRA_VALUES else None


def _scalar_setting(key: str, value: cst.BaseExpression) -> object | None:
    if key.endswith("length"):
        return int64(value)
    _, flag = literals.scalar(value)
    return flag if isinstance(flag, bool) else None
