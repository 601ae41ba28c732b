"""Lowering stage: unions (`A | B`) -> one Rust enum each, and the order Rust tries their arms in.

pydantic's smart mode (pydantic-core `union.rs`, `validate_smart`) validates the input against
every arm and keeps, in this order of preference:
  1. among model arms, the one with the most fields set from the input;
  2. the most *exact* match: Exact > Strict > Lax (an Exact match with no fields-set count
     returns at once);
  3. the first declared arm.
How exact a match is depends on the arm's type and on the kind of JSON token read, so the
generated `Deserialize` looks at the token kind first and tries the arms Rust can read that
token into in pydantic's preference order (EXACTNESS below), first success winning.
Measured against pydantic 2.14 / pydantic-core 2.50 (tests/types/test_unions_differential.py):
  - int token: `int` Exact; `float`, `Decimal` Strict; datetimes, dates, times, durations Lax
    (`Union[datetime, float]` <- 5 is 5.0; `Union[Decimal, float]` <- 1 is Decimal("1"));
  - float token: `float` Exact, `Decimal` Strict, `int` Lax (1.0 -> 1, Rust refuses), temporal Lax;
  - string token: `UUID` Exact (beats `bytes` in either order); `str`, `bytes`, temporal and
    `Decimal` Strict (so declared order: `Union[datetime, str]` <- "2020-01-01T00:00:00" is a
    datetime, `Union[str, datetime]` a str); str Enums Lax (`Union[Color, str]` <- "red" is a str);
  - bool token: `bool` Exact; `int`, `float` Lax (true -> 1).
Rust reads what pydantic's lax mode reads (runtime `lax`), so the lax routes are tries too, at
rank Lax: a try at rank Exact or Strict reads strictly all the way down (`unions::strict`: a
model arm whose fields need a coercion is a Lax match in pydantic), a try at rank Lax reads in
lax mode (`unions::lax`, which fails inside a strict field or model, where pydantic has no lax
route). Arm mixes whose preference depends on the values inside (two list arms:
`Union[list[float], list[int]]` <- [1] is list[int]; a model beside a dict) are a diagnostic
(DSG017).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from dspygen.diagnostics import Code, Sink, Span
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import naming, symbols
from dspygen.lower.literals import rust_str
from dspygen.lower.rust import bare, of
from dspygen.lower.rust_types import Lowered, TypeNames, rust_type
from dspygen.lower.view import ArmView, UnionView
from dspygen.registry import scalars as registry
from dspygen.registry.facets import LAX, STRICT

TOKENS = ("Str", "Int", "Float", "Bool", "Array", "Object")
# A scalar arm ranks as its registry entry says (its `union` facet: one row per group, which
# tests/unit/test_registry.py checks the group's scalars share); the other kinds of arm here.
_SCALARS = {s.union.group: s for s in registry.SCALARS if s.union.exactness}
# How exactly pydantic (JSON mode) matches each kind of arm per kind of JSON token (see above).
EXACTNESS: dict[str, dict[str, int]] = {
    **{group: {token: rank for token, rank in s.union.exactness.items()} for group, s in _SCALARS.items()},
    "str_enum": {"Str": LAX},
    "model": {"Object": STRICT},
    "dict": {"Object": STRICT},
    "array": {"Array": STRICT},
}
# The tokens the Rust type of each kind of arm reads as it is, and those it reads only in lax mode.
STRICT_READS: dict[str, frozenset[str]] = {
    **{group: frozenset(s.readers.strict) for group, s in _SCALARS.items()},
    "str_enum": frozenset({"Str"}),
    "model": frozenset({"Object"}),
    "dict": frozenset({"Object"}),
    "array": frozenset({"Array"}),
}
LAX_READS: dict[str, frozenset[str]] = {
    group: frozenset(s.readers.lax or ()) - STRICT_READS[group] for group, s in _SCALARS.items()
}
RUST_READS = {k: v | LAX_READS.get(k, frozenset()) for k, v in STRICT_READS.items()}
# Arms holding values of their own (a list's items, a dict's values) may also match in lax mode only.
_NESTED = frozenset({"dict", "array"})
# (arm kind, token) where pydantic never fails: when Rust fails there (an int beyond i128, a float
# beyond f64), no later arm may take the value, since pydantic would not have tried one.
NEVER_FAILS = frozenset((group, token) for group, s in _SCALARS.items() for token in s.union.never_fails)
# Python types told apart exactly (a str Enum member is a str, a bool an int: not these arms).
PY_EXACT = {group: s.pyo3.exact for group, s in _SCALARS.items() if s.pyo3.exact is not None}


@dataclass(frozen=True)
class Found:
    """A union of the schema, with where it was first seen (for diagnostics)."""

    union: t.UnionOf
    span: Span
    where: str


def collect(schema: nodes.Schema) -> list[Found]:
    """Every distinct union in the schema, innermost first, in declaration order."""
    seen: dict[t.UnionOf, Found] = {}

    def walk(ty: t.Type, span: Span, where: str) -> None:
        for child in t.children(ty):
            walk(child, span, where)
        if isinstance(ty, t.UnionOf) and ty not in seen:
            seen[ty] = Found(ty, span, where)

    for model in schema.models:
        for f in model.fields:
            walk(f.type, f.span, f"{model.qualname}.{f.name}")
    for sig in schema.signatures:
        for sf in sig.fields:
            walk(sf.type, sf.span, f"{sig.qualname}.{sf.name}")
    return list(seen.values())


def arm_kind(arm: t.Type, enums: dict[str, nodes.Enum], models: dict[str, nodes.Model]) -> str | None:
    """The row of EXACTNESS for `arm`; None when dspygen cannot rank it yet."""
    if isinstance(arm, t.Primitive):
        ranked = registry.scalar(arm.name).union
        return ranked.group if ranked.exactness else None
    if isinstance(arm, t.Named):
        if arm.ref in models:
            return "model"
        enum = enums.get(arm.ref)
        return "str_enum" if enum is not None and all(isinstance(m.value, str) for m in enum.members) else None
    if isinstance(arm, t.ListOf | t.SetOf | t.TupleOf):
        return "array"
    if isinstance(arm, t.DictOf):
        return "dict"
    return None


def arm_word(arm: t.Type, names: dict[t.UnionOf, str], declarations: dict[str, str]) -> str:
    """The part of a union's name (and the variant) that stands for `arm`: `Cat`, `ListInt`."""
    if isinstance(arm, t.Named):
        return declarations.get(arm.ref, "Type")
    if isinstance(arm, t.UnionOf):
        return names.get(arm, "Union")
    if isinstance(arm, t.Primitive):
        return registry.scalar(arm.name).rust.word
    if isinstance(arm, t.TupleOf):
        return "Tuple" + "".join(arm_word(i, names, declarations) for i in arm.items)
    if isinstance(arm, t.SetOf):
        return ("FrozenSet" if arm.frozen else "Set") + arm_word(arm.item, names, declarations)
    prefix = {t.ListOf: "List", t.DictOf: "Dict", t.OptionalOf: "Optional"}.get(type(arm), type(arm).__name__)
    return prefix + "".join(arm_word(c, names, declarations) for c in t.children(arm))


class UnionLowering:
    """Names every union, checks it, and builds its view."""

    def __init__(self, schema: nodes.Schema, sink: Sink) -> None:
        self.schema = schema
        self.sink = sink
        self.models = {m.id: m for m in schema.models}
        self.enums = {e.id: e for e in schema.enums}
        self.found = collect(schema)

    def name_all(self, declarations: dict[str, str], taken: set[str]) -> dict[t.UnionOf, str]:
        """A Rust name for each union (`CatOrDog`), unique against `taken` and each other."""
        names: dict[t.UnionOf, str] = {}
        for f in self.found:  # innermost first: an arm's union is named before the union holding it
            words = [arm_word(a, names, declarations) for a in f.union.arms]
            names[f.union] = naming.union_type_name(words, f.union.discriminator, taken)
            taken.add(names[f.union])
        return names

    def check(self) -> None:
        for f in self.found:
            if f.union.discriminator is not None:
                self._check_discriminator(f)
            else:
                self._check_smart(f)

    def _unsupported(self, f: Found, message: str, hint: str | None = None) -> None:
        self.sink.error(Code.UNSUPPORTED_UNION, f"`{f.where}`: the union `{t.shown(f.union)}` {message}", f.span, hint)

    def _check_smart(self, f: Found) -> None:
        kinds = [arm_kind(a, self.enums, self.models) for a in f.union.arms]
        for arm, kind in zip(f.union.arms, kinds, strict=True):
            if kind is None:
                self._unsupported(f, f"has the arm `{t.shown(arm)}`, which dspygen cannot rank as pydantic does yet")
                return
        if kinds.count("array") > 1:
            self._unsupported(f, "has two list/tuple/set arms: pydantic ranks them by the items read")
        elif kinds.count("dict") > 1 or ("dict" in kinds and "model" in kinds):
            self._unsupported(f, "has a dict arm beside another dict or model arm: pydantic ranks them by the keys")
        elif kinds.count("temporal") > 1 and any(_bare_date(a) == "only" for a in f.union.arms):
            self._unsupported(f, "mixes `date` with another date or time type: pydantic ranks them by the text")

    def _check_discriminator(self, f: Found) -> None:
        tag = f.union.discriminator
        seen: dict[str, str] = {}
        for arm in f.union.arms:
            model = self.models.get(arm.ref) if isinstance(arm, t.Named) else None
            field = next((x for x in model.fields if x.name == tag), None) if model else None
            if model is None or field is None or not isinstance(field.type, t.LiteralOf):
                what = "is not a model" if model is None else f"has no Literal field `{tag}`"
                self.sink.error(
                    Code.BAD_DISCRIMINATOR,
                    f"`{f.where}`: the arm `{t.shown(arm)}` of the union discriminated by `{tag}` {what}",
                    f.span,
                )
                return
            if field.alias not in (None, tag) or field.validation_alias not in ((), (tag,)):
                self.sink.error(
                    Code.BAD_DISCRIMINATOR,
                    f"`{f.where}`: the tag field `{tag}` of `{model.qualname}` has an alias, "
                    "which pydantic reads the tag by; dspygen does not follow it yet",
                    f.span,
                    hint="drop the alias of the tag field",
                )
                return
            for value in field.type.values:
                key = json.dumps(value)
                if key in seen:
                    self.sink.error(
                        Code.BAD_DISCRIMINATOR,
                        f"`{f.where}`: the tag {key} names both `{seen[key]}` and `{model.qualname}`",
                        f.span,
                        hint="give each arm its own tag values",
                    )
                    return
                seen[key] = model.qualname

    # -- views ---------------------------------------------------------------------

    def view(self, union: t.UnionOf, ident: str, names: TypeNames) -> UnionView:
        words = [arm_word(a, names.unions, names.declarations) for a in union.arms]
        variants = naming.union_variants(words)
        types = [self._rust(a, names) for a in union.arms]
        arms = tuple(ArmView(v, rt.ty.render(), _arm_to_py(rt)) for v, rt in zip(variants, types, strict=True))
        shown = rust_str(t.shown(union))
        if union.discriminator is not None:
            body = self._discriminated(union, variants, types, shown)
        else:
            body = self._smart(union, variants, types, shown)
        from_py, classes = self._from_py(union, variants, types, shown)
        allow = ("#[allow(clippy::upper_case_acronyms)]",) if any(map(naming.needs_acronym_allow, variants)) else ()
        doc = f"/// `{t.shown(union)}`" + (
            f", discriminated by `{union.discriminator}`." if union.discriminator else "."
        )
        return UnionView(ident, (doc, *allow), arms, tuple(body), tuple(from_py), classes)

    def _rust(self, arm: t.Type, names: TypeNames) -> Lowered:
        if arm == t.Primitive("int"):  # pydantic keeps any integer an int: i128 keeps 2**70 one too
            return Lowered(bare("i128"), True, False)
        if isinstance(arm, t.Named) and arm.ref in self.models:  # boxed: unions may recurse
            return Lowered(of(symbols.BOX, of(symbols.model(names.declarations[arm.ref]))), False, True)
        return rust_type(arm, names, None)

    def _discriminated(self, union: t.UnionOf, variants: list[str], types: list[Lowered], shown: str) -> list[str]:
        tag = union.discriminator
        assert tag is not None
        lines = [f"let tag = {symbols.UNIONS}::tag(text, {rust_str(tag)})?;"]
        expected = []
        for arm, variant, rt in zip(union.arms, variants, types, strict=True):
            assert isinstance(arm, t.Named)
            field = next(x for x in self.models[arm.ref].fields if x.name == tag)
            assert isinstance(field.type, t.LiteralOf)
            for value in field.type.values:
                expected.append(json.dumps(value, ensure_ascii=False))
                lines.append(
                    f"if tag == {symbols.SERDE_JSON}::json!({_json_literal(value)}) {{ "
                    f"return {symbols.SERDE_JSON}::from_str::<{rt.ty.render()}>(text).map(Self::{variant})"
                    ".map_err(|e| e.to_string()); }"
                )
        wanted = rust_str(", ".join(expected))
        lines.append(
            f'{symbols.ERR}({symbols.FORMAT}("the tag `{{}}` is {{tag}}, not one of {{}} (union_tag_invalid)", '
            f"{rust_str(tag)}, {wanted}))"
        )
        return lines

    def _smart(self, union: t.UnionOf, variants: list[str], types: list[Lowered], shown: str) -> list[str]:
        kinds = [arm_kind(a, self.enums, self.models) or "str" for a in union.arms]
        lines = [f"match {symbols.UNIONS}::kind(text) {{"]
        for token in TOKENS:
            tries = sorted(_tries(union, kinds, token), key=lambda entry: (-entry[0], entry[1]))
            if not tries:
                continue
            lines.append(f"{symbols.UNIONS}::Kind::{token} => {{")
            models = sorted({i for _, i, _, _ in tries if kinds[i] == "model"})
            if token == "Object" and len(models) > 1:
                lines.extend(self._most_fields(union, variants, types, models))
                tries = []
            for _, i, guard, mode in tries:
                parse = f"{symbols.UNIONS}::{mode}::<{types[i].ty.render()}>(text)"
                if (kinds[i], token) == ("decimal", "Int"):  # the digits as written: serde gives f64 past u64
                    parse = f"{symbols.DECIMAL}::parse(text.trim())"
                if (kinds[i], token) in NEVER_FAILS and mode == "strict":
                    lines.append(f"return {parse}.map(Self::{variants[i]}).map_err(|e| e.to_string());")
                    break
                some, ok = symbols.SOME, symbols.OK
                take = f"{{ return {ok}(Self::{variants[i]}(v)); }}"
                if guard:
                    lines.append(f"if let {some}({ok}(v)) = ({guard}).then(|| {parse}) {take}")
                else:
                    lines.append(f"if let {ok}(v) = {parse} {take}")
            lines.append("}")
        lines += ["_ => {}", "}", f'{symbols.ERR}({symbols.FORMAT}("{{text:.80}} matches no arm of `{{}}`", {shown}))']
        return lines

    def _most_fields(self, union: t.UnionOf, variants: list[str], types: list[Lowered], order: list[int]) -> list[str]:
        """pydantic keeps the model arm with the most fields set from the input, then the most
        exact (a strict read beats a lax one), then the first."""
        some, none, ok = symbols.SOME, symbols.NONE, symbols.OK
        lines = [
            f"let keys = {symbols.UNIONS}::keys(text);",
            f"let mut top: {symbols.OPTION}<(usize, bool, Self)> = {none};",
        ]
        for i in order:
            arm = union.arms[i]
            assert isinstance(arm, t.Named)
            fields = []
            for field in self.models[arm.ref].fields:
                spellings = {field.name, *([field.alias] if field.alias else [])}
                spellings |= set(field.validation_alias)
                fields.append("&[" + ", ".join(rust_str(s) for s in sorted(spellings)) + "]")
            ty, variant = types[i].ty.render(), variants[i]
            strict = f"{symbols.UNIONS}::strict::<{ty}>(text)"
            lax = f"{symbols.UNIONS}::lax::<{ty}>(text)"
            lines.append(
                f"let n = {symbols.UNIONS}::fields_set(&keys, &[{', '.join(fields)}]); "
                "if top.as_ref().is_none_or(|(m, exact, _)| n > *m || (n == *m && !*exact)) { "
                f"if let {ok}(v) = {strict} {{ top = {some}((n, true, Self::{variant}(v))); }} "
                "else if top.as_ref().is_none_or(|(m, _, _)| n > *m) { "
                f"if let {ok}(v) = {lax} {{ top = {some}((n, false, Self::{variant}(v))); }} "
                "} }"
            )
        lines.append(f"if let {some}((_, _, v)) = top {{ return {ok}(v); }}")
        return lines

    def _from_py(
        self, union: t.UnionOf, variants: list[str], types: list[Lowered], shown: str
    ) -> tuple[list[str], bool]:
        """Python -> Rust picks the arm from the object's own type, as pydantic stored it: the
        exact scalar type first (a bool is an int, a str Enum member a str), then the model
        class, then each other arm that extracts, in declared order."""
        kinds = [arm_kind(a, self.enums, self.models) for a in union.arms]
        ok, err = symbols.OK, symbols.ERR
        lines, classes = [], False
        for i, kind in enumerate(kinds):
            if kind in PY_EXACT:
                lines.append(
                    f"if obj.is_exact_instance_of::<{symbols.PY_TYPES}::{PY_EXACT[kind]}>() {{ "
                    f"return {ok}(Self::{variants[i]}(obj.extract()?)); }}"
                )
        models = [i for i, kind in enumerate(kinds) if kind == "model"]
        for i in models:  # each class imported once (cached per process), for both tests below
            arm = union.arms[i]
            assert isinstance(arm, t.Named)
            model = self.models[arm.ref]
            classes = True
            lines.append(
                f"static CLASS_{i}: {symbols.CLASS_CELL} = {symbols.CLASS_CELL}::new(); "
                f"let class_{i} = {symbols.IMPORT_CLASS}(py, &CLASS_{i}, {rust_str(model.module)}, "
                f"{rust_str(model.qualname)})?.into_any();"
            )

        def take(i: int, test: str) -> str:
            return f"if {test} {{ return {ok}(Self::{variants[i]}({symbols.BOX}::new(obj.extract()?))); }}"

        if len(models) > 1:  # the class itself first: a subclass of another arm's class is its own arm
            lines.extend(take(i, f"obj.get_type().is(&class_{i})") for i in models)
        lines.extend(take(i, f"obj.is_instance(&class_{i})?") for i in models)
        for i, kind in enumerate(kinds):
            if kind not in PY_EXACT and kind != "model":
                extract = f"obj.extract::<{types[i].ty.render()}>()"
                if types[i].via_json:  # `dict[str, Any]`: serde_json::Value parts cross as JSON
                    extract = f"{symbols.FROM_JSON_PY}::<{types[i].ty.render()}>(&obj.to_owned())"
                lines.append(f"if let {ok}(v) = {extract} {{ return {ok}(Self::{variants[i]}(v)); }}")
        lines.append(
            f'{err}({symbols.PY_TYPE_ERROR}::new_err({symbols.FORMAT}("{{}} is not a value of `{{}}`", '
            f"obj.get_type().name()?, {shown})))"
        )
        return lines, classes


def _arm_to_py(rt: Lowered) -> str:
    """The Python value of an arm's `v` (a reference): by its own conversion, or as JSON where it
    holds `serde_json::Value` parts (`Any`, `JsonValue`), as a field of that type crosses."""
    if rt.via_json:
        return f"{symbols.TO_JSON_PY}(py, v)"
    return f"({'*v' if rt.copy else '&**v' if rt.boxed else 'v'}).into_bound_py_any(py)"


def _tries(union: t.UnionOf, kinds: list[str], token: str) -> list[tuple[int, int, str, str]]:
    """(exactness, arm, Rust guard on `text`, "strict" or "lax") of each read to try for `token`."""
    tries = []
    for i, kind in enumerate(kinds):
        rank = EXACTNESS[kind].get(token)
        if not rank or token not in RUST_READS[kind]:
            continue
        mode = "strict" if token in STRICT_READS[kind] else "lax"
        tries += [(r, i, guard, mode) for r, guard in _ranks(union.arms[i], kind, token)]
        if kind in _NESTED:  # `["1"]` into `list[int]`: its items coerced
            tries.append((LAX, i, "", "lax"))
    return tries


def _ranks(arm: t.Type, kind: str, token: str) -> list[tuple[int, str]]:
    """(exactness, Rust guard on `text`) of `arm` for `token`. Measured: pydantic reads a bare
    date ("2020-01-01") into a datetime only in lax mode (`Union[datetime, str]` keeps it a str),
    and a datetime text into a date only in lax mode (at midnight)."""
    rank = EXACTNESS[kind][token]
    bare_date = f"{symbols.UNIONS}::bare_date(text)"
    if token == "Str" and _bare_date(arm) == "lax":
        return [(rank, f"!{bare_date}"), (LAX, bare_date)]
    if token == "Str" and _bare_date(arm) == "only":
        return [(rank, bare_date), (LAX, f"!{bare_date}")]
    return [(rank, "")]


def _bare_date(arm: t.Type) -> str | None:
    """How a scalar arm reads a bare date (registry: `union.bare_date`)."""
    return registry.scalar(arm.name).union.bare_date if isinstance(arm, t.Primitive) else None


def _json_literal(value: t.LiteralValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return rust_str(value)


# The JSON token of each kind of arm's sample (lower/samples.py writes formatted scalars as strings).
SAMPLE_TOKEN = {
    **{group: s.union.sample_token for group, s in _SCALARS.items()},
    **{"str_enum": "Str", "model": "Object", "dict": "Object", "array": "Array"},
}
FORMATTED = frozenset(group for group, s in _SCALARS.items() if s.union.formatted)


def sample_reads_back(union: t.UnionOf, k: int, models: dict[str, nodes.Model], enums: dict[str, nodes.Enum]) -> bool:
    """Whether pydantic reads the sample built from arm `k` back as arm `k` (else it is left out):
    no arm it ranks higher may take that sample too."""
    if union.discriminator is not None:
        return True
    kinds = [arm_kind(a, enums, models) for a in union.arms]
    kind = kinds[k]
    if kind is None:
        return False
    token = SAMPLE_TOKEN[kind]
    mine = (EXACTNESS[kind].get(token, 0), -k)
    for j, other in enumerate(kinds):
        rank = EXACTNESS[other].get(token, 0) if other is not None else 0
        if j == k or other is None or rank == 0 or (rank, -j) < mine:
            continue
        if (token == "Str" and other in {"str", "bytes"}) or (kind in FORMATTED and other in FORMATTED):
            return False
        arm, over = union.arms[k], union.arms[j]
        if kind == "model" and other == "model" and isinstance(arm, t.Named) and isinstance(over, t.Named):
            mine_names = {f.name for f in models[arm.ref].fields}
            if mine_names <= {f.name for f in models[over.ref].fields}:
                return False
    return True


def union_variant(union: t.UnionOf, i: int, names: TypeNames) -> str:
    """The variant of arm `i` (as `UnionLowering.view` names it)."""
    return naming.union_variants([arm_word(a, names.unions, names.declarations) for a in union.arms])[i]


def union_default_arms(union: t.UnionOf, value: object) -> list[int]:
    """The arms to try for a default, those of the value's own Python type first: pydantic keeps
    a default as written, so `when: datetime | str = "never"` holds the str."""
    own = {bool: t.Primitive("bool"), int: t.Primitive("int"), float: t.Primitive("float"), str: t.STR}.get(type(value))
    first = [i for i, a in enumerate(union.arms) if a == own]
    return first + [i for i in range(len(union.arms)) if i not in first]
