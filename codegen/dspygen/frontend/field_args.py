"""Frontend stage: the arguments of Field(...), InputField(...) and OutputField(...).

Only literal values are read (strings, numbers, module-level string constants); an
argument that would need running code, or that dspygen cannot mirror yet, is reported.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import libcst as cst

from dspygen.diagnostics import Code, Sink, Span
from dspygen.frontend import aliases, class_constants, constraint_rules, constraints_static, factories, literals
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.ir import nodes

# Arguments that only feed JSON schema, docs, `repr` or the dataclass-style `__init__`: they
# change no JSON and no validation.
SCHEMA_ONLY = frozenset(
    {
        "repr",
        "init",
        "init_var",
        "kw_only",
        "validate_default",
        "fail_fast",
    }
)
# Arguments only pydantic's JSON Schema shows, read when their values are literals (nodes.ModelField.schema).
SCHEMA_KEYS = ("title", "examples", "deprecated", "json_schema_extra")
# Arguments pydantic v2 still reads under their v1 names (with a deprecation warning).
V1_RENAMED = {"min_items": "min_length", "max_items": "max_length"}
# Field's own parameters that change the JSON or which values are valid, and are not mirrored
# yet; any other keyword pydantic keeps as JSON-schema extra (`example=`), with no effect.
NOT_MIRRORED = frozenset({"exclude_if", "coerce_numbers_to_str", "union_mode", "alias_priority"})
DEPRECATED_DSPY = frozenset({"format", "parser"})
# Arguments only the prompt and the docs use: the JSON and the valid values do not depend on them.
DOCS_ONLY = frozenset({"description", "desc", "prefix"})


@dataclass
class FieldArgs:
    default: nodes.Default | None = None
    description: str | None = None
    alias: str | None = None
    validation_alias: tuple[str, ...] | None = None
    serialization_alias: str | None = None
    desc: str | None = None
    prefix: str | None = None
    failed: bool = False
    exclude: bool = False
    # Field(discriminator="kind") of a union field, with where it was written
    discriminator: tuple[str, Span] | None = None
    # the constraints of a model field (ge, min_length, pattern, ...), with where each was written
    bounds: dict[str, tuple[object, Span]] = dataclass_field(default_factory=dict)
    # what only the JSON Schema shows (nodes.ModelField.schema), and what dspygen cannot read of it
    schema: dict[str, nodes.JsonValue] = dataclass_field(default_factory=dict)
    schema_unknown: str = ""


def call_symbol(index: Index, module: SourceModule, call: cst.Call) -> str | None:
    return index.symbol(module, call.func)


def read_call_args(
    index: Index,
    module: SourceModule,
    call: cst.Call,
    sink: Sink,
    *,
    model_field: bool,
    local: Mapping[str, str] | None = None,
) -> FieldArgs:
    """Read a pydantic Field(...) (model_field) or a dspy InputField/OutputField(...); `local`:
    the names the class body binds first (Index.symbol), for a default such as `Status.OPEN`."""
    out = FieldArgs()
    for position, arg in enumerate(call.args):
        key = arg.keyword.value if arg.keyword is not None else None
        if arg.star:
            sink.error(
                Code.NON_STATIC,
                f"`{arg.star}` arguments cannot be read without running the code",
                module.span(arg),
                hint="pass each argument by keyword, with a literal value",
            )
            out.failed = True
        elif key is None and model_field and position == 0:
            if not (isinstance(arg.value, cst.Ellipsis)):
                out.default = read_default(index, module, arg.value, sink, local)
                out.failed |= out.default is None
        elif key is None:
            what = (
                "Field takes one positional argument, the default"
                if model_field
                else ("InputField and OutputField take keyword arguments only")
            )
            sink.error(Code.FIELD_ARGUMENT, what, module.span(arg), hint='pass it by keyword, e.g. desc="..."')
            out.failed = True
        elif key in SCHEMA_ONLY:
            continue
        elif key in SCHEMA_KEYS or key == "field_title_generator":
            _schema_key(out, key, arg.value)
        elif model_field and key == "regex":
            sink.error(
                Code.FIELD_ARGUMENT,
                "pydantic v2 refuses `regex=` (it raises when the class is created)",
                module.span(arg),
                hint="write pattern=..., as pydantic v2 asks",
            )
            out.failed = True
        elif key == "default":  # dspy's fields pass it on to pydantic's Field
            out.default = read_default(index, module, arg.value, sink, local)
            out.failed |= out.default is None
        elif key == "default_factory":
            out.default = _factory(index, module, arg.value)
            if out.default.kind == "unmirrored":  # pydantic's JSON Schema shows no default for a factory
                out.default = dataclasses.replace(out.default, from_factory=True)
        elif model_field and key == "discriminator":
            name = literals.string(arg.value)
            if name is None:
                hint = "name the tag field as a string; a callable Discriminator(...) is not supported yet"
                sink.error(Code.BAD_DISCRIMINATOR, "`discriminator=` must be a string literal", module.span(arg), hint)
                out.failed = True
            else:
                out.discriminator = (name, module.span(arg))
        elif model_field and key == "validation_alias":
            out.validation_alias = aliases.validation_alias(index, module, arg.value, sink, local)
            out.failed |= out.validation_alias is None
        elif model_field and key == "exclude" and literals.value(arg.value)[1] in (True, False):
            out.exclude = literals.value(arg.value)[1] is True  # pydantic reads the field and never writes it
        elif model_field and key == "frozen" and literals.value(arg.value)[1] in (True, False):
            continue  # assignment only: no effect on JSON nor on which values are valid
        elif (
            key in {"description", "alias"}
            or (model_field and key == "serialization_alias")
            or (not model_field and key in {"desc", "prefix"})
        ):
            if key in {"alias", "serialization_alias", "description"}:  # pydantic's own: `alias=Keys.INPUT`
                text = class_constants.static_string(index, module, arg.value, local)
            else:  # DSPy formats `desc` and `prefix` into the prompt, where an Enum member need not print as its value
                text = literals.string(arg.value)
                text = index.constant(module, arg.value) if text is None else text
            if not model_field and key in {"description", "alias"}:
                # DSPy hands it to pydantic: the side's JSON Schema shows it (a key or a renamed property)
                out.schema_unknown = out.schema_unknown or f"`{key}=` given"
            if text is None and key in DOCS_ONLY:
                # `desc=f"One of {', '.join(MOVES)}"`: DSPy and pydantic use the value; Rust's docs and
                # FieldMeta cannot know it, and keep the default.
                message = (
                    f"`{key}` is not a static string (only running the class tells its value): Rust's docs and "
                    "metadata leave it out"
                )
                sink.warning(Code.NON_STATIC, message, module.span(arg.value))
                out.schema_unknown = out.schema_unknown or f"a `{key}` that is not a static string"
            elif text is None:
                sink.error(Code.NON_STATIC, *not_static(key, module, arg.value))
                out.failed = True
            else:
                setattr(out, key, text)
        elif model_field and (key in constraint_rules.KNOWN or key in V1_RENAMED):
            key = V1_RENAMED.get(key, key)
            found = constraints_static.value(index, module, arg.value)
            if found is constraints_static.MISSING:
                sink.error(
                    Code.FIELD_ARGUMENT,
                    f'`{key}=` must be a literal value (such as 0, -5, 2**64 - 1, 0.5, "^[a-z]+$" or True)',
                    module.span(arg.value),
                    hint="dspygen reads constraints without running code; write the value out as a literal",
                )
                out.failed = True
            elif found is not None:
                out.bounds[key] = (found, module.span(arg))
        elif not model_field and key in DEPRECATED_DSPY:
            sink.warning(Code.DEPRECATED_ARGUMENT, f"`{key}=` is deprecated and has no effect", module.span(arg))
            out.schema_unknown = out.schema_unknown or f"`{key}=` given (DSPy keeps it in `json_schema_extra`)"
        elif model_field and key not in NOT_MIRRORED and key not in {"default", "default_factory", "exclude"}:
            # an extra keyword: pydantic keeps it in the JSON schema (deprecated), nothing else
            out.schema_unknown = out.schema_unknown or f"the extra keyword `{key}=`"
        else:
            known = (
                "default, default_factory, alias, validation_alias, serialization_alias, frozen, description "
                "and constraints (ge, gt, le, lt, multiple_of, min_length, max_length, pattern, ...)"
                if model_field
                else "desc, prefix and description"
            )
            hint = f"remove it: dspygen reads {known} here"
            sink.error(Code.FIELD_ARGUMENT, f"the field argument `{key}` is not supported yet", module.span(arg), hint)
            out.failed = True
    return out


def _schema_key(out: FieldArgs, key: str, node: cst.BaseExpression) -> None:
    """Record `title=`, `examples=`, `deprecated=` or `json_schema_extra=` as pydantic's JSON Schema shows it."""
    ok, value = literals.json_value(node)
    if key == "deprecated" and ok and isinstance(value, bool | str):
        if value is not False:
            out.schema["deprecated"] = True  # a message or True: the schema says `deprecated: true`
    elif ok and (key != "json_schema_extra" or isinstance(value, dict)) and key != "field_title_generator":
        if not (key == "title" and value is None):
            out.schema[key] = value
    elif not out.schema_unknown:
        out.schema_unknown = f"`{key}=`"


def not_static(what: str, module: SourceModule, node: cst.BaseExpression) -> tuple[str, Span, str | None]:
    """Message, place and hint for a string argument dspygen cannot read."""
    if isinstance(node, cst.Name) and node.value in module.rebound:
        message = f"`{what}` is `{node.value}`, which the module assigns more than once"
        return message, module.span(node), "assign the constant once, so that its value is the one DSPy reads"
    return f"`{what}` must be a static string", module.span(node), None


def _factory(index: Index, module: SourceModule, node: cst.BaseExpression) -> nodes.Default:
    if isinstance(node, cst.Lambda) and not node.params.params:
        ok, value = literals.value(node.body)  # `lambda: "x"` is the default "x"
        if not ok and isinstance(node.body, cst.Call):
            ok, value = factories.empty_call(index, module, node.body)
        if ok:
            return nodes.Default("value", value=value, from_factory=True)
    return factories.read_factory(index, module, node)


def read_default(
    index: Index, module: SourceModule, node: cst.BaseExpression, sink: Sink, local: Mapping[str, str] | None = None
) -> nodes.Default | None:
    """A literal default value, or an enum member (`Color.RED`)."""
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name | cst.Attribute):
        owner = index.symbol(module, node.value, local)
        if owner is not None and index.class_of(owner) is not None:
            found = index.class_of(owner)
            assert found is not None
            return nodes.Default("enum_member", value=f"{found[0].module}:{found[1]}", member=node.attr.value)
    ok, value = literals.value(node)
    if not ok and isinstance(node, cst.Call):
        ok, value = factories.empty_call(index, module, node)  # set(), frozenset(), tuple()
    if not ok:
        ok, value = _constant(index, module, node)  # a module-level constant (here or imported)
    if ok and not _finite(value):
        sink.error(
            Code.NON_STATIC,
            "the default holds a number too large for a float (infinity)",
            module.span(node),
            hint="JSON has no infinity: give a finite default",
        )
        return None
    if ok:
        return nodes.Default("value", value=value)
    return nodes.Default("unmirrored")  # computed by code dspygen does not run: lowering warns


def _constant(index: Index, module: SourceModule, node: cst.BaseExpression) -> tuple[bool, nodes.JsonValue]:
    """The literal value of a module-level constant named by `node`, defined here or imported
    from a project file; a name assigned more than once has no single value."""
    text = index.constant(module, node)
    if text is not None:
        return True, text
    found = index.variable(module, node)
    return (False, None) if found is None else literals.value(found[1])


def _finite(value: nodes.JsonValue) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return all(_finite(v) for v in value) if isinstance(value, list) else True
