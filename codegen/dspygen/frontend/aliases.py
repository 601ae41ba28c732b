"""Frontend stage (static): field aliases and the model settings that choose field keys.

Reads `validation_alias` (a string or `AliasChoices` of strings), the name settings of
`model_config` and `alias_generator`, and works out the aliases pydantic itself records in
`model_fields` (so both frontends give the same IR). Runs no user code: the three alias
generators pydantic ships are re-implemented here, character for character
(tests/unit/test_aliases.py checks them against pydantic's own functions).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import libcst as cst

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import class_constants, literals
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.ir import nodes

ALIAS_CHOICES = frozenset({"pydantic.AliasChoices", "pydantic.aliases.AliasChoices"})
ALIAS_PATH = frozenset({"pydantic.AliasPath", "pydantic.aliases.AliasPath"})
# model_config keys read here; each takes True or False.
NAME_KEYS = frozenset({"validate_by_name", "validate_by_alias", "serialize_by_alias", "populate_by_name"})


def to_pascal(snake: str) -> str:
    """pydantic.alias_generators.to_pascal."""
    camel = snake.title()
    return re.sub("([0-9A-Za-z])_(?=[0-9A-Z])", lambda m: m.group(1), camel)


def to_camel(snake: str) -> str:
    """pydantic.alias_generators.to_camel."""
    if re.match("^[a-z]+[A-Za-z0-9]*$", snake) and not re.search(r"\d[a-z]", snake):
        return snake
    camel = to_pascal(snake)
    return re.sub("(^_*[A-Z])", lambda m: m.group(1).lower(), camel)


def to_snake(camel: str) -> str:
    """pydantic.alias_generators.to_snake."""
    snake = re.sub(r"([A-Z]+)([A-Z][a-z])", lambda m: f"{m.group(1)}_{m.group(2)}", camel)
    snake = re.sub(r"([a-z])([A-Z])", lambda m: f"{m.group(1)}_{m.group(2)}", snake)
    snake = re.sub(r"([0-9])([A-Z])", lambda m: f"{m.group(1)}_{m.group(2)}", snake)
    snake = re.sub(r"([a-z])([0-9])", lambda m: f"{m.group(1)}_{m.group(2)}", snake)
    snake = snake.replace("-", "_")
    return snake.lower()


GENERATORS: dict[str, Callable[[str], str]] = {
    f"pydantic.alias_generators.{fn.__name__}": fn for fn in (to_camel, to_pascal, to_snake)
}


@dataclass
class NameSettings:
    """The key settings of one model while its body is read (a base's settings are inherited)."""

    config: nodes.NameConfig = field(default_factory=nodes.NameConfig)
    generator: str = ""  # a key of GENERATORS, or ""
    by_name_set: bool = False  # `validate_by_name` written (it wins over `populate_by_name`)

    def copy(self) -> NameSettings:
        return NameSettings(self.config, self.generator, self.by_name_set)


@dataclass(frozen=True)
class RawNames:
    """The alias arguments as written in Field(...), before pydantic fills them in."""

    alias: str | None = None
    validation_alias: tuple[str, ...] | None = None
    serialization_alias: str | None = None

    @property
    def explicit(self) -> bool:
        return self.alias is not None or self.validation_alias is not None or self.serialization_alias is not None


def validation_alias(
    index: Index,
    module: SourceModule,
    node: cst.BaseExpression,
    sink: Sink,
    local: Mapping[str, str] | None = None,
) -> tuple[str, ...] | None:
    """`validation_alias="a"` (or a constant, or `Keys.A`: class_constants.py) or
    `AliasChoices("a", "b")`; AliasPath and the rest are reported."""
    text = class_constants.static_string(index, module, node, local)
    if text is not None:
        return (text,)
    symbol = index.symbol(module, node.func) if isinstance(node, cst.Call) else None
    if isinstance(node, cst.Call) and symbol in ALIAS_CHOICES:
        choices = []
        for arg in node.args:
            value = literals.string(arg.value) if arg.keyword is None and not arg.star else None
            if value is None:
                _path_or_static(index, module, arg.value, sink)
                return None
            choices.append(value)
        if choices:
            return tuple(choices)
    _path_or_static(index, module, node, sink)
    return None


def _path_or_static(index: Index, module: SourceModule, node: cst.BaseExpression, sink: Sink) -> None:
    call = node.func if isinstance(node, cst.Call) else None
    if call is not None and index.symbol(module, call) in ALIAS_PATH:
        sink.error(
            Code.ALIAS,
            "`AliasPath` reads a value nested inside the input, which a serde field cannot",
            module.span(node),
            hint="use a plain alias, or AliasChoices of plain strings",
        )
    else:
        sink.error(Code.ALIAS, "a validation alias must be a string or AliasChoices of strings", module.span(node))


def read_setting(
    index: Index, module: SourceModule, key: str, value: cst.BaseExpression, settings: NameSettings, sink: Sink
) -> None:
    """One model_config key of NAME_KEYS or `alias_generator`, into `settings`."""
    if key == "alias_generator":
        symbol = index.symbol(module, value) or ""
        if symbol in GENERATORS:
            settings.generator = symbol
        else:
            sink.error(
                Code.ALIAS,
                "`alias_generator` is a function dspygen cannot run; only pydantic's to_camel, "
                "to_pascal and to_snake are mirrored",
                module.span(value),
                hint="use pydantic.alias_generators.to_camel / to_pascal / to_snake, or write each alias out",
            )
        return
    flag = {"True": True, "False": False}.get(value.value) if isinstance(value, cst.Name) else None
    if flag is None:
        sink.error(Code.UNSUPPORTED_MODEL, f"`{key}=` must be True or False", module.span(value))
        return
    if key == "populate_by_name":
        if not settings.by_name_set:  # pydantic: validate_by_name, when given, wins
            settings.config = replace(settings.config, validate_by_name=flag)
        return
    settings.config = replace(settings.config, **{key: flag})
    settings.by_name_set |= key == "validate_by_name"


def check_settings(settings: NameSettings, module: SourceModule, node: cst.CSTNode, sink: Sink) -> None:
    """`validate_by_alias=False` implies `validate_by_name=True` unless that is written False,
    which pydantic refuses: the fields could not be read at all."""
    config = settings.config
    if config.validate_by_name or config.validate_by_alias:
        return
    if not settings.by_name_set:
        settings.config = replace(config, validate_by_name=True)
        return
    sink.error(
        Code.ALIAS,
        "`validate_by_alias=False` with `validate_by_name=False`: pydantic refuses a model whose fields "
        "cannot be read at all",
        module.span(node),
        hint="drop one of the two settings",
    )


def resolve(name: str, raw: RawNames, generator: str) -> tuple[str | None, tuple[str, ...], str | None]:
    """(alias, validation aliases, serialization alias) as pydantic records them in `model_fields`."""
    alias, validation, serialization = raw.alias, raw.validation_alias, raw.serialization_alias
    if alias is not None:  # FieldInfo: `alias` stands for the other two where they are not given
        validation = validation if validation is not None else (alias,)
        serialization = serialization if serialization is not None else alias
    if generator:
        made = GENERATORS[generator](name)
        if not raw.explicit:  # alias_priority 1: the generator sets all three
            alias, validation, serialization = made, (made,), made
        else:  # alias_priority 2: the generator fills in only what is missing
            alias = alias if alias is not None else made
            validation = validation if validation is not None else (made,)
            serialization = serialization if serialization is not None else made
    return alias, validation or (), serialization


def apply(
    fields: dict[str, nodes.ModelField], raw: dict[str, RawNames], generator: str
) -> tuple[nodes.ModelField, ...]:
    """The fields with the aliases pydantic works out for them under this model's generator."""
    out = []
    for name, declared in fields.items():
        alias, validation, serialization = resolve(name, raw.get(name, RawNames()), generator)
        out.append(replace(declared, alias=alias, validation_alias=validation, serialization_alias=serialization))
    return tuple(out)


def computed_alias(name: str, alias: str | None, generator: str) -> str | None:
    """A computed field's alias: its own, else the generator's."""
    if alias is not None or not generator:
        return alias
    return GENERATORS[generator](name)
