"""Lowering stage: the render-ready view. Every value is a finished string or a bool.

Templates iterate over these and interpolate; they make no decisions of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from dspygen.lower.scalars import Dependencies


@dataclass(frozen=True)
class FieldView:
    ident: str
    python_name: str  # the attribute / keyword name on the Python side
    rust_type: str  # as the code writes it: absolute paths
    attrs: tuple[str, ...]  # doc lines and #[serde(...)] lines
    from_py: str
    to_py: str
    key: str = ""  # Rust string literal: the key of the dict given to model_validate (lower/config.py)
    shown_type: str = ""  # as docs and messages show it (`Vec<pytypes::Date>`)
    # The value the field takes when the JSON leaves it out (the Rust of its serde default); None: required.
    default_expr: str | None = None
    name_key: str = ""  # Rust string literal: the field's Python name (the key of a built instance's `__dict__`)


@dataclass(frozen=True)
class DefaultFn:
    name: str
    rust_type: str
    expr: str


@dataclass(frozen=True)
class StructView:
    ident: str
    attrs: tuple[str, ...]  # before the derive: docs, lint allowances
    serde_attrs: tuple[str, ...]  # after the derive: container #[serde(...)]
    fields: tuple[FieldView, ...]
    python_module: str  # a Rust string literal, "" (empty literal) for signature sides
    python_qualname: str  # a Rust string literal
    is_model: bool
    # The statements of the model's `validate` (constrained fields: lower/constraints.py); none: no `validate`.
    checks: tuple[str, ...] = ()
    py_checks: tuple[str, ...] = ()  # the statements of `check`: what a value pydantic validated still passes
    # The fields given back to pydantic (not the extras nor computed fields), and the statement
    # adding the extras (lower/config.py); models only.
    py_fields: tuple[FieldView, ...] = ()
    extra_to_py: str = ""
    # The runtime macro writing its serde impls (read through `MapOnly`, or `KeyPriority` for
    # fields with several keys, then `validate`d); for a RootModel, its `Deserialize` (lax::root).
    serde_impl: str = ""
    # A RootModel: written `#[serde(transparent)]` as its one field `root`, built back by `model_validate(root)`.
    root: bool = False
    # Rust expression (with `py` and a `CLASS` cell in scope) giving the pydantic class: `Page[Item]` is built.
    python_class: str = ""
    # `Default` where every field has a default (pydantic's `Model()`): "derive" when each is the
    # type's own default, "impl" (`default_values` the `field: expr` lines) otherwise, "" for none.
    default: str = ""
    default_values: tuple[str, ...] = ()
    # Built without validation (lower/routes.py): the runtime `ModelRoute` expression; "": validated.
    route: str = ""
    # Validated: "true" where the outermost validated model validates it with the rest (its data
    # nested in the outer data), "false" where it validates alone (`strict`: nested models must be instances).
    nests: str = "true"
    # `json.dumps(Model.model_json_schema(mode=...))` for mode validation and serialization, as
    # Rust string literals (lower/json_schema.py); "" where dspygen cannot know it (warning DSG039).
    json_schema: str = ""
    json_schema_serialization: str = ""
    # Whether serde_json reads the constants back (it stops at 128 levels of nesting: a type
    # 100 lists deep is deeper): the generated tests parse only those.
    json_schema_parses_in_rust: bool = True


@dataclass(frozen=True)
class VariantView:
    ident: str
    attrs: tuple[str, ...]
    value: str  # the Python value as a Rust string literal
    # A Literal of ints, bools or None (`EnumView.mixed`): `value` is then the value's JSON text, and
    ser: str = ""  # serialises it through `serializer`
    atom: str = ""  # the `dspygen_runtime::Atom` pattern that reads it
    py: str = ""  # the Python object, given `py`


@dataclass(frozen=True)
class EnumView:
    ident: str
    attrs: tuple[str, ...]
    variants: tuple[VariantView, ...]
    python_backed: bool  # an enum.Enum class (True) or an inline Literal (False)
    python_module: str
    python_qualname: str
    mixed: bool = False  # a Literal with values other than strings: custom serde and conversions
    loose: tuple[tuple[str, str], ...] = ()  # (number, variant): matched by `==` when no type matches
    int_text: bool = False  # an int subclass (`IntEnum`): lax mode reads a numeric string as its int


@dataclass(frozen=True)
class FieldMetaView:
    name: str
    kind: str  # "Input" / "Output"
    desc: str
    prefix: str
    python_type: str


@dataclass(frozen=True)
class SignatureView:
    ident: str
    attrs: tuple[str, ...]
    input: StructView
    output: StructView
    name: str
    instructions: str
    fields: tuple[FieldMetaView, ...]
    python: str  # the `PythonSignature` constant expression


@dataclass(frozen=True)
class TypeEntry:
    """One type reachable by name from Python (`roundtrip_json`, `type_names`)."""

    name: str  # Rust string literal of the public type name
    plain_name: str  # the same, unquoted (for .pyi and tests)
    ident: str


@dataclass(frozen=True)
class ClassEntry:
    """A pydantic class that `roundtrip()` accepts."""

    module: str
    qualname: str
    ident: str


@dataclass(frozen=True)
class SampleView:
    """A JSON sample for the generated tests, with what it round-trips through."""

    type_name: str  # plain name, as in type_names()
    ident: str
    json: str  # the JSON text given
    rust_literal: str
    py_literal: str
    expected_rust: str  # the JSON text pydantic writes back, as literals
    expected_py: str
    test_name: str
    is_model: bool
    python_module: str  # plain module / class of a model sample, "" otherwise
    python_qualname: str
    python_class: str = "None"  # Python expression for the class (`_class(module, "Page")[...]`)
    root: bool = False  # a RootModel: its JSON is a bare value
    from_empty: str = "same"  # how Rust reads `{}` beside pydantic (lower/crate.py `_from_empty`)


@dataclass(frozen=True)
class LaxFieldView:
    """A field of a model sample that the generated tests give each lax spelling of its type."""

    type_name: str
    python_class: str  # Python expression for the class
    given: str  # the sample, a Python literal
    key: str  # the field's key in the sample, a Python literal
    scalar: str  # its registry scalar (the spellings' key)
    test_name: str


@dataclass(frozen=True)
class LanguageView:
    """A language of `dspy.Code[...]`: its marker type in the crate's `lang` module."""

    ident: str
    rust: str  # the language as a Rust literal


@dataclass(frozen=True)
class PatternView:
    ident: str  # the static holding the compiled pattern (models.rs)
    literal: str  # the pattern as a Rust string literal


@dataclass(frozen=True)
class ArmView:
    """One arm of a union enum."""

    ident: str  # the variant
    rust_type: str
    to_py: str  # the Python object for the variant's value `v` (a reference), given `py`


@dataclass(frozen=True)
class UnionView:
    ident: str
    attrs: tuple[str, ...]
    arms: tuple[ArmView, ...]
    from_json: tuple[str, ...]  # the statements of `fn from_json(text: &str) -> Result<Self, String>`
    from_py: tuple[str, ...]  # the statements of `FromPyObject::extract`, given `obj` and `py`
    uses_classes: bool  # from_py imports a model class


@dataclass(frozen=True)
class CrateView:
    crate_name: str
    module_name: str
    header_rust: str
    header_python: str
    header_toml: str
    description: str
    models: tuple[StructView, ...]
    enums: tuple[EnumView, ...]
    default_fns: tuple[DefaultFn, ...]
    signatures: tuple[SignatureView, ...]
    type_entries: tuple[TypeEntry, ...]
    class_entries: tuple[ClassEntry, ...]
    samples: tuple[SampleView, ...]
    python_roots: tuple[str, ...]  # Python literals, relative to the crate's tests/ folder
    crate_roots: tuple[str, ...]  # Rust literals: `/` and the source roots' paths from the crate's folder
    python_imports: tuple[str, ...]  # import lines for the .pyi
    exports: tuple[str, ...]  # the runtime items re-exported at the crate root (none of its own types' names)
    has_model_samples: bool  # else the generated pytest has no model sample tests (never an empty parametrize)
    has_signature_samples: bool
    recursion_limit: str  # "" or rustc's #![recursion_limit] when the deepest type needs more than 128
    dependencies: Dependencies  # the runtime and its features, and what the user's mapped types need
    languages: tuple[LanguageView, ...] = ()  # of DSPy's `Code[...]` types, when used
    unions: tuple[UnionView, ...] = ()  # one enum per distinct union (lower/unions.py)
    patterns: tuple[PatternView, ...] = ()  # compiled once each (lower/constraints.py)
    # (test name, type) of the models whose `Default` must equal what `{}` reads (a generated Rust test)
    default_tests: tuple[tuple[str, str], ...] = ()
    # The models with JSON Schema constants (their Rust idents), which a generated test parses.
    json_schema_models: tuple[str, ...] = ()
    # lower/lax_tests.py: the fields given lax spellings, and the spellings of each scalar used
    lax_fields: tuple[LaxFieldView, ...] = ()
    lax_spellings: tuple[tuple[str, tuple[str, ...]], ...] = ()
