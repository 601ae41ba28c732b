"""Hypothesis strategies for random source files of pydantic models and DSPy signatures,
within the set dspygen supports, and their rendering as Python source.

A `ModuleSpec` is drawn without class-name tags; `render` appends a tag unique to the
example (`X{n}Y{k}`) to every class and signature name, so that many examples can share one
crate. Names include Rust keywords and odd casing; strings include every kind of character
that could break out of a Rust or Python literal, a doc comment or a template.

Specs are valid by construction (pydantic, dspy and dspygen must all accept them), except
that `invalid` names a deliberate mistake and the diagnostic code dspygen must give for it.
"""

from __future__ import annotations

import builtins
import keyword
from dataclasses import dataclass, field
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from dspygen.lower import naming

I64 = (-(2**63), 2**63 - 1)

# Names the rendered annotations use: a field by one of these names shadows it in the class body.
ANNOTATION_NAMES = frozenset(
    {"str", "int", "float", "bool", "list", "dict", "None", "Optional", "Literal", "Field", "BaseModel", "typing"}
    | {"ConfigDict", "dspy", "enum", "annotations", "List", "Dict", "Union"}
)
# BaseModel / dspy.Signature attributes (pydantic refuses or shadows them) and DSPy's reserved names.
_pydantic_and_dspy: set[str] = set()
try:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import dspy as _dspy
        import pydantic as _pydantic

    _pydantic_and_dspy = set(dir(_pydantic.BaseModel)) | set(dir(_dspy.Signature))
except ImportError:  # pragma: no cover - the dev environment has both
    pass
RESERVED_FIELDS = frozenset(
    _pydantic_and_dspy | {"instructions", "signature", "fields", "model_config"} | ANNOTATION_NAMES
)
RESERVED_MEMBERS = frozenset(set(dir(str)) | {"mro", "name", "value"} | {n for n in dir(__import__("enum").Enum)})
RUST_KEYWORDS = [
    *("type", "match", "ref", "self", "Self", "crate", "super", "fn", "mod", "impl", "dyn", "loop", "where"),
    *("move", "box", "unsafe", "static", "struct", "trait", "use", "pub", "priv", "macro", "r", "gen"),
    *("abstract", "final", "typeof", "virtual", "become", "do", "override", "unsized", "let", "mut", "const"),
    *("extern", "async_", "await_", "enum_", "Option", "Result", "Vec", "String", "Box", "Some", "Ok", "Err"),
]
ODD_CASE = [
    *("camelCase", "HTTPCode", "ALLCAPS", "x_", "a__b", "A_B_", "v2Beta", "ABCdef", "loopCount_9x"),
    *("x", "X", "ab1", "aB", "Ab", "snake_case_name", "IOError", "already_Snake", "mixed_Case_Name"),
]
PLAIN = ["name", "value", "items", "question", "answer", "context", "score", "tags", "kind", "data", "note"]
NON_ASCII = ["café", "naïve", "größe", "日本", "été", "ñandú", "Ωmega", "x_ß"]  # identifiers Python accepts
TYPE_BASES = [
    *("Model", "thing", "snake_model", "camelModel", "HTTPThing", "ALLCAPS", "X", "v2", "A_B", "Item"),
    *("Answer", "Node", "self_ref", "typeOf", "Matcher", "Crate", "Super", "Reference"),
]

HOSTILE = [
    *('"', "'", "\\", '"#', '"##', "*/", "/*", "//", "///", "{{ x }}", "{% if x %}", "{# c #}", "${x}", "$(id)"),
    *("\x00", "\x01", "\x07", "\x08", "\t", "\x0b", "\x0c", "\x1b[31m", "\x1f", "\x7f", "\x85", "\x9f"),
    *("\r\n", "\r", "\n", "\u2028", "\u2029", "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff"),
    *("\U0001f600", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "café", "日本語", "עברית", "```", "    code"),
    *("- [a]: b", "#[doc]", "#![x]", 'r#"x"#', "%s", "{0}", "`id`", "</script>", "\\n", "\\u{202e}", "ß"),
]
_any_char = st.characters(blacklist_categories=("Cs",))
_piece = st.one_of(st.sampled_from(HOSTILE), st.text(_any_char, min_size=1, max_size=4), st.sampled_from(PLAIN))
hostile_text = st.lists(_piece, max_size=8).map("".join)


def _valid_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")


def _field_name_ok(name: str) -> bool:
    return _valid_name(name) and name not in RESERVED_FIELDS


random_ident = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,9}", fullmatch=True)
_names = (st.sampled_from(RUST_KEYWORDS), st.sampled_from(ODD_CASE), st.sampled_from(PLAIN))
field_names = st.one_of(*_names, st.sampled_from(NON_ASCII), random_ident).filter(_field_name_ok)
member_names = st.one_of(*_names, st.sampled_from(NON_ASCII), random_ident).filter(
    lambda n: _valid_name(n) and n not in RESERVED_MEMBERS
)
type_bases = st.one_of(st.sampled_from(TYPE_BASES), random_ident).filter(
    lambda n: _valid_name(n) and n not in dir(builtins)
)


# -- specs ------------------------------------------------------------------------------


@dataclass
class TypeSpec:
    kind: str  # str int float bool optional list dict literal enum model
    inner: TypeSpec | None = None
    values: tuple[str, ...] = ()
    ref: int = -1  # index of the enum / model in the module
    spelling: int = 0  # which of the equivalent Python spellings (`Optional[X]`, `X | None`, ...)

    def depth(self) -> int:
        return 0 if self.inner is None else 1 + self.inner.depth()


@dataclass
class Default:
    source: str  # Python source of the default (or of the Field's default argument)
    factory: bool = False  # `Field(default_factory=...)`


@dataclass
class FieldSpec:
    name: str
    type: TypeSpec
    default: Default | None = None
    description: str | None = None
    alias: str | None = None


@dataclass
class EnumSpec:
    base: str
    doc: str | None
    members: list[tuple[str, str]]


@dataclass
class ModelSpec:
    base: str
    doc: str | None
    fields: list[FieldSpec]  # declared in this class (overrides keep their base's slot)
    forbid: bool = False
    parent: int | None = None  # index of an earlier model this one subclasses

    def all_fields(self, models: list[ModelSpec]) -> list[FieldSpec]:
        """The fields pydantic sees: the parent's first, overrides in place, then new ones."""
        inherited = models[self.parent].all_fields(models) if self.parent is not None else []
        own = {f.name: f for f in self.fields}
        out = [own.pop(f.name, f) for f in inherited]
        return out + list(own.values())


@dataclass
class SigFieldSpec:
    name: str
    role: str
    type: TypeSpec | None
    desc: str | None = None
    prefix: str | None = None


@dataclass
class SigSpec:
    base: str
    doc: str | None
    fields: list[SigFieldSpec]


@dataclass
class StringSigSpec:
    base: str
    inputs: list[tuple[str, str]]  # (name, type text or "")
    outputs: list[tuple[str, str]]
    instructions: str | None


@dataclass
class ModuleSpec:
    future: bool
    enums: list[EnumSpec]
    models: list[ModelSpec]
    signatures: list[SigSpec]
    strings: list[StringSigSpec]
    invalid: str | None = None  # the deliberate mistake, see INVALID
    notes: dict[str, Any] = field(default_factory=dict)


# The deliberate mistakes and the code each must be reported with.
INVALID = {
    "wrong_default": "DSG016",
    "unresolved": "DSG011",
    "reserved_field": "DSG025",
    "field_collision": "DSG040",
    "class_collision": "DSG040",
    "syntax": "DSG001",
    "required_cycle": "DSG042",
    "extra_unknown": "DSG030",
    "non_ascii_class": "DSG041",
    "keyword_type_name": "DSG041",  # `Self`: the one Rust keyword a class name can be (no type name is reserved)
}


def _distinct(names: list[str], *keys: Any) -> bool:
    """Whether `names` stay distinct under each key function (snake_case, PascalCase, ...)."""
    return all(len({k(n) for n in names}) == len(names) for k in (lambda n: n, *keys))


@st.composite
def type_specs(draw: st.DrawFn, n_enums: int, n_models: int, owner: int | None, depth: int = 0) -> TypeSpec:
    """A type tree; a model referenced without Optional / list / dict around it is one
    declared before `owner`, so that required fields never close a cycle."""
    leaves = ["str", "int", "float", "bool", "literal"]
    if n_enums:
        leaves.append("enum")
    earlier = owner if owner is not None else n_models
    wrapped = depth > 0
    if n_models and (earlier > 0 or wrapped):
        leaves.append("model")
    containers = ["optional", "list", "dict"] if depth < 3 else []
    kind = draw(st.sampled_from(leaves + containers * 2))
    if kind in containers:
        inner = draw(type_specs(n_enums, n_models, owner, depth + 1))
        if kind == "optional" and inner.kind == "optional":
            return inner
        return TypeSpec(kind, inner, spelling=draw(st.integers(0, 3)))
    if kind == "literal":
        values = draw(st.lists(hostile_text, min_size=1, max_size=4, unique=True))
        return TypeSpec("literal", values=tuple(values))
    if kind == "enum":
        return TypeSpec("enum", ref=draw(st.integers(0, n_enums - 1)))
    if kind == "model":
        limit = n_models - 1 if wrapped else earlier - 1
        return TypeSpec("model", ref=draw(st.integers(0, limit)))
    return TypeSpec(kind)


def _floats() -> st.SearchStrategy[float]:
    return st.floats(allow_nan=False, allow_infinity=False)


def enum_placeholder(k: int) -> str:
    """Stands for the (tagged) name of enum `k` in a default's source until `render`; a NUL
    never appears raw in `repr()` output, so no string literal can hold it."""
    return f"\0{k}\0"


@st.composite
def defaults(draw: st.DrawFn, ty: TypeSpec, enums: list[EnumSpec]) -> Default | None:
    """A default of the field's type, as Python source."""
    if ty.kind == "str":
        return Default(repr(draw(hostile_text)))
    if ty.kind == "int":
        return Default(repr(draw(st.integers(*I64))))
    if ty.kind == "float":
        # An int default for a float field is valid Python too: pydantic writes it as a float.
        value = draw(st.one_of(_floats(), st.integers(-(2**53), 2**53)))
        return Default(repr(value))
    if ty.kind == "bool":
        return Default(repr(draw(st.booleans())))
    if ty.kind == "literal":
        return Default(repr(draw(st.sampled_from(ty.values))))
    if ty.kind == "enum":
        enum = enums[ty.ref]
        member = draw(st.sampled_from(enum.members))
        if draw(st.booleans()):
            return Default(f"{enum_placeholder(ty.ref)}.{member[0]}")
        return Default(repr(member[1]))  # the value itself: pydantic dumps it as the member's value
    if ty.kind == "optional":
        assert ty.inner is not None
        if draw(st.booleans()):
            return Default("None")
        return draw(defaults(ty.inner, enums))
    if ty.kind == "list":
        assert ty.inner is not None
        choice = draw(st.sampled_from(["empty", "factory", "items"]))
        if choice == "items" and ty.inner.kind in {"str", "int", "bool", "literal"}:
            items = [draw(defaults(ty.inner, enums)) for _ in range(draw(st.integers(1, 3)))]
            return Default("[" + ", ".join(i.source for i in items if i is not None) + "]")
        return Default("list", factory=True) if choice == "factory" else Default("[]")
    if ty.kind == "dict":
        return Default("dict", factory=True) if draw(st.booleans()) else Default("{}")
    return None  # a model: no literal default


@st.composite
def enum_specs(draw: st.DrawFn) -> EnumSpec:
    names = draw(st.lists(member_names, min_size=1, max_size=5, unique=True))
    values = draw(st.lists(hostile_text, min_size=len(names), max_size=len(names), unique=True))
    doc = draw(st.none() | hostile_text)
    return EnumSpec(draw(type_bases), doc, list(zip(names, values, strict=True)))


@st.composite
def model_specs(
    draw: st.DrawFn, index: int, enums: list[EnumSpec], n_models: int, earlier: list[ModelSpec]
) -> ModelSpec:
    parent = draw(st.none() | st.integers(0, index - 1)) if index else None
    inherited = earlier[parent].all_fields(earlier) if parent is not None else []
    old = [f.name for f in inherited]
    names = draw(st.lists(field_names, max_size=5, unique=True))
    # An override keeps its base's slot; a new name must differ from every inherited one in Rust.
    names = [n for n in names if n in old or _distinct([*old, n], naming.snake, naming.pascal)]
    every = [*old, *(n for n in names if n not in old)]
    assume(_distinct(every, naming.snake, naming.pascal, lambda n: naming.field_name(n).ident))
    fields = []
    taken = set(every) | {f.alias for f in inherited if f.alias is not None}
    for name in names:
        ty = draw(type_specs(len(enums), n_models, index))
        default = draw(st.none() | defaults(ty, enums)) if ty.kind != "model" else None
        description = draw(st.none() | hostile_text)
        alias = draw(st.none() | hostile_text.filter(lambda a: a != ""))
        if alias is not None and (alias in taken):
            alias = None
        if alias is not None:
            taken.add(alias)
        fields.append(FieldSpec(name, ty, default, description, alias))
    return ModelSpec(draw(type_bases), draw(st.none() | hostile_text), fields, draw(st.booleans()), parent)


@st.composite
def signature_specs(draw: st.DrawFn, enums: list[EnumSpec], n_models: int) -> SigSpec:
    names = draw(st.lists(field_names, min_size=2, max_size=5, unique=True))
    assume(_distinct(names, naming.snake, naming.pascal, lambda n: naming.field_name(n).ident))
    n_inputs = draw(st.integers(1, len(names) - 1))
    fields = []
    for i, name in enumerate(names):
        ty = draw(st.none() | type_specs(len(enums), n_models, None))
        fields.append(
            SigFieldSpec(
                name,
                "input" if i < n_inputs else "output",
                ty,
                draw(st.none() | hostile_text),
                draw(st.none() | hostile_text),
            )
        )
    return SigSpec(draw(type_bases), draw(st.none() | hostile_text), fields)


SIMPLE_TYPES = ["", "str", "int", "float", "bool", "list[str]", "Optional[int]", "dict[str, float]"]


@st.composite
def string_signature_specs(draw: st.DrawFn) -> StringSigSpec:
    names = draw(
        st.lists(st.sampled_from(PLAIN + ODD_CASE).filter(_field_name_ok), min_size=2, max_size=4, unique=True)
    )
    assume(_distinct(names, naming.snake, naming.pascal))
    cut = draw(st.integers(1, len(names) - 1))
    typed = [(n, draw(st.sampled_from(SIMPLE_TYPES))) for n in names]
    return StringSigSpec(draw(type_bases), typed[:cut], typed[cut:], draw(st.none() | hostile_text))


@st.composite
def module_specs(draw: st.DrawFn) -> ModuleSpec:
    enums = draw(st.lists(enum_specs(), max_size=2))
    n_models = draw(st.integers(0, 3))
    models: list[ModelSpec] = []
    for i in range(n_models):
        models.append(draw(model_specs(i, enums, n_models, models)))
    signatures = draw(st.lists(signature_specs(enums, n_models), max_size=2))
    strings = draw(st.lists(string_signature_specs(), max_size=1))
    assume(enums or models or signatures or strings)
    invalid = None
    if draw(st.sampled_from([False, False, True])):  # hypothesis favours the first (valid) choice
        invalid = draw(st.sampled_from(sorted(INVALID)))
        if invalid in {"required_cycle", "extra_unknown", "class_collision"} and not models:
            models.append(ModelSpec("Extra", None, []))
        if invalid == "reserved_field" and not signatures:
            signatures.append(
                SigSpec("Sig", None, [SigFieldSpec("q", "input", None), SigFieldSpec("a", "output", None)])
            )
    return ModuleSpec(draw(st.booleans()), enums, models, signatures, strings, invalid)


# -- rendering ------------------------------------------------------------------------------


class Names:
    """The tagged class names of one rendered example."""

    def __init__(self, spec: ModuleSpec, n: int) -> None:
        self.enums = [f"{e.base}X{n}Y{k}" for k, e in enumerate(spec.enums)]
        self.models = [f"{m.base}X{n}Y{k + 10}" for k, m in enumerate(spec.models)]
        self.signatures = [f"{s.base}X{n}Y{k + 20}" for k, s in enumerate(spec.signatures)]
        self.strings = [f"{s.base.lower()}_x{n}_y{k + 30}" for k, s in enumerate(spec.strings)]
        self.tag = f"X{n}"


def type_text(ty: TypeSpec, names: Names, spec: ModuleSpec, owner: int | None) -> str:
    """`ty` as an annotation; a model declared later (or the owner itself) is quoted when
    annotations are evaluated eagerly."""
    if ty.kind in {"str", "int", "float", "bool"}:
        return ty.kind
    if ty.kind == "literal":
        return "Literal[" + ", ".join(repr(v) for v in ty.values) + "]"
    if ty.kind == "enum":
        return names.enums[ty.ref]
    if ty.kind == "model":
        name = names.models[ty.ref]
        # Declared later (or the owner itself), without `from __future__ import annotations`: quoted.
        return repr(name) if owner is not None and ty.ref >= owner and not spec.future else name
    assert ty.inner is not None
    inner = type_text(ty.inner, names, spec, owner)
    if ty.kind == "optional":
        quoted = inner.startswith(("'", '"'))  # `'Later' | None` fails when evaluated
        return [
            f"Optional[{inner}]",
            f"{inner} | None" if not quoted else f"Optional[{inner}]",
            f"Union[{inner}, None]",
            f"None | {inner}" if not quoted else f"typing.Optional[{inner}]",
        ][ty.spelling]
    if ty.kind == "list":
        return [f"list[{inner}]", f"List[{inner}]", f"typing.List[{inner}]", f"list[{inner}]"][ty.spelling]
    return [f"dict[str, {inner}]", f"Dict[str, {inner}]", f"typing.Dict[str, {inner}]", f"dict[str, {inner}]"][
        ty.spelling
    ]


def _field_line(f: FieldSpec, names: Names, spec: ModuleSpec, owner: int) -> str:
    annotation = type_text(f.type, names, spec, owner)
    default = None
    if f.default is not None:
        default = f.default.source
        for k, name in enumerate(names.enums):
            default = default.replace(enum_placeholder(k), name)
    args = []
    if f.default is not None and f.default.factory:
        args.append(f"default_factory={default}")
    elif default is not None:
        args.append(default)
    if f.description is not None:
        args.append(f"description={f.description!r}")
    if f.alias is not None:
        args.append(f"alias={f.alias!r}")
    if f.description is None and f.alias is None and not (f.default and f.default.factory):
        return f"    {f.name}: {annotation}" + (f" = {default}" if default is not None else "")
    return f"    {f.name}: {annotation} = Field({', '.join(args)})"


def render(spec: ModuleSpec, n: int) -> tuple[str, Names]:
    """The source of `spec`, with class names tagged by `n`."""
    names = Names(spec, n)
    out = [f'"""Fuzz example {n}."""', ""]
    if spec.future:
        out.append("from __future__ import annotations")
    out += [
        "",
        "import enum",
        "import typing",
        "from typing import Dict, List, Literal, Optional, Union",
        "",
        "import dspy",
        "from pydantic import BaseModel, ConfigDict, Field",
        "",
    ]
    for k, e in enumerate(spec.enums):
        out += ["", f"class {names.enums[k]}(str, enum.Enum):"]
        if e.doc is not None:
            out.append(f"    {e.doc!r}")
        out += [f"    {name} = {value!r}" for name, value in e.members]
        out.append("")
    for k, m in enumerate(spec.models):
        base = "BaseModel" if m.parent is None else names.models[m.parent]
        out += ["", f"class {names.models[k]}({base}):"]
        if m.doc is not None:
            out.append(f"    {m.doc!r}")
        if m.forbid:
            out.append('    model_config = ConfigDict(extra="forbid")')
        out += [_field_line(f, names, spec, k) for f in m.fields]
        if not m.fields and m.doc is None and not m.forbid:
            out.append("    pass")
        out.append("")
    for k, s in enumerate(spec.signatures):
        out += ["", f"class {names.signatures[k]}(dspy.Signature):"]
        if s.doc is not None:
            out.append(f"    {s.doc!r}")
        for f in s.fields:
            call = "dspy.InputField" if f.role == "input" else "dspy.OutputField"
            args = []
            if f.desc is not None:
                args.append(f"desc={f.desc!r}")
            if f.prefix is not None:
                args.append(f"prefix={f.prefix!r}")
            annotation = f": {type_text(f.type, names, spec, None)}" if f.type is not None else ""
            out.append(f"    {f.name}{annotation} = {call}({', '.join(args)})")
        out.append("")
    for k, s in enumerate(spec.strings):
        text = ", ".join(f"{n}: {t}" if t else n for n, t in s.inputs)
        text += " -> " + ", ".join(f"{n}: {t}" if t else n for n, t in s.outputs)
        args = [repr(text)] + ([repr(s.instructions)] if s.instructions is not None else [])
        out += ["", f"{names.strings[k]} = dspy.Signature({', '.join(args)})", ""]
    out += _invalid(spec, names)
    return "\n".join(out) + "\n", names


def _invalid(spec: ModuleSpec, names: Names) -> list[str]:
    kind = spec.invalid
    if kind is None:
        return []
    tag = names.tag
    if kind == "wrong_default":
        return ["", f"class WrongDefault{tag}(BaseModel):", '    count: int = "seven"', ""]
    if kind == "unresolved":
        return ["", f"class Unresolved{tag}(BaseModel):", f"    missing: list[Missing{tag}]", ""]
    if kind == "reserved_field":
        return [
            "",
            f"class Reserved{tag}(dspy.Signature):",
            "    instructions: str = dspy.InputField()",
            "    a: str = dspy.OutputField()",
            "",
        ]
    if kind == "field_collision":
        return ["", f"class Collide{tag}(BaseModel):", "    fooBar: str", "    foo_bar: int", ""]
    if kind == "class_collision":
        # snake_case and PascalCase spellings of one name: the same Rust type.
        return [
            "",
            f"class dup_name{tag}(BaseModel):",
            "    a: int = 0",
            "",
            f"class DupName{tag}(BaseModel):",
            "    b: int = 0",
            "",
        ]
    if kind == "syntax":
        return ["", f"class Broken{tag}(BaseModel:", "    x: int", ""]
    if kind == "required_cycle":
        return ["", f"class Loop{tag}(BaseModel):", f"    again: Loop{tag}", ""]
    if kind == "extra_unknown":
        return ["", f"class Open{tag}(BaseModel):", '    model_config = ConfigDict(extra="sometimes")', ""]
    if kind == "non_ascii_class":
        return ["", f"class Größe{tag}(BaseModel):", "    wert: float = 1.0", ""]
    if kind == "keyword_type_name":
        return ["", "class Self(BaseModel):", "    x: int = 0", ""]
    raise AssertionError(kind)


def rust_type_names(spec: ModuleSpec, names: Names) -> list[str]:
    """Every Rust type name the example's declarations become (they must all differ)."""
    out = [naming.qualified_type_name(n) for n in (*names.enums, *names.models)]
    for n in (*names.signatures, *names.strings):
        ident = naming.qualified_type_name(n)
        out += [ident, f"{ident}Input", f"{ident}Output"]
    owners: list[tuple[str, list[tuple[str, TypeSpec | None]]]] = [
        (naming.qualified_type_name(names.models[k]), [(f.name, f.type) for f in m.all_fields(spec.models)])
        for k, m in enumerate(spec.models)
    ]
    owners += [
        (naming.qualified_type_name(names.signatures[k]), [(f.name, f.type) for f in s.fields])
        for k, s in enumerate(spec.signatures)
    ]
    for owner, fields in owners:
        for name, ty in fields:
            while ty is not None and ty.inner is not None:
                ty = ty.inner
            if ty is not None and ty.kind == "literal":
                out.append(owner + naming.type_name(naming.pascal(name) or "Value"))
    return out
