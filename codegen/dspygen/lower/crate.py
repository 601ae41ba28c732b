"""Lowering stage entry point: Schema -> CrateView.

Names every Rust item through `naming`, reports collisions, decides Box edges, and
assembles the view the templates render. Nothing here touches the file system.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from dspygen.beside import beside
from dspygen.diagnostics import Code, Sink, Span, printable
from dspygen.ir import graph, nodes
from dspygen.ir import types as t
from dspygen.lower import (
    config,
    dspy_types,
    generics,
    json_schema,
    lax_tests,
    naming,
    routes,
    scalars,
    schema_constants,
    symbols,
)
from dspygen.lower.constraints import ConstraintLowering
from dspygen.lower.fields import FieldLowering, literal_names
from dspygen.lower.literals import doc_attrs, py_str, rust_str
from dspygen.lower.rust_types import TypeNames
from dspygen.lower.samples import SampleMaker
from dspygen.lower.unions import UnionLowering
from dspygen.lower.view import (
    ClassEntry,
    CrateView,
    EnumView,
    FieldMetaView,
    FieldView,
    SampleView,
    SignatureView,
    StructView,
    TypeEntry,
    VariantView,
)


@dataclass(frozen=True)
class RuntimeDependency:
    """The runtime crate a generated crate depends on: by version and, until it is published,
    by path (relative to the crate, POSIX separators)."""

    version: str = "0.1.0"
    path: str = symbols.RUNTIME_CRATE


@dataclass(frozen=True)
class CrateOptions:
    crate_name: str
    out_dir: str  # the output directory, relative to the project base
    module_name: str
    types: dict[str, str] = dataclasses.field(default_factory=dict)  # mapped Python class -> the user's Rust type
    cargo: tuple[str, ...] = ()  # Cargo.toml dependency lines those types need
    runtime: RuntimeDependency = RuntimeDependency()


def lower(schema: nodes.Schema, options: CrateOptions, sink: Sink) -> CrateView:
    decls: list[nodes.Model | nodes.Enum | nodes.Signature] = [*schema.models, *schema.enums, *schema.signatures]
    for decl in decls:
        _check_scalar_values(decl, decl.span, sink)
    lowering = _Lowering(schema, options, sink)
    view = lowering.crate()
    if not sink.has_errors:  # after an error nothing is written: no word on constants either
        for where, message in lowering.no_schema:
            sink.warning(Code.JSON_SCHEMA, message, where)
    return view


def _check_scalar_values(value: object, span: Span, sink: Sink) -> None:
    """Report strings holding a lone surrogate ("\\ud800" is legal in Python source):
    no Rust string can hold one, so rust_str would emit an escape rustc rejects and
    the run would end in a formatter failure blamed on dspygen."""
    if isinstance(value, str):
        _check_string(value, span, sink)
        return
    if isinstance(value, tuple | list):
        items: Iterable[object] = value
    elif isinstance(value, dict):
        items = [part for pair in value.items() for part in pair]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = getattr(value, "span", span)
        span = inner if isinstance(inner, Span) else span
        items = [getattr(value, name) for name in _field_names(type(value))]
    else:
        return
    # The leaves are tested here, not in a call each: an IR of 1,000 models and 1,000
    # signatures holds about 270,000 values, most of them None, numbers and ASCII names.
    for item in items:
        if isinstance(item, str):
            if not item.isascii():
                _check_string(item, span, sink)
        elif type(item) not in _LEAVES:
            _check_scalar_values(item, span, sink)


_LEAVES = frozenset({type(None), bool, int, float})


def _check_string(value: str, span: Span, sink: Sink) -> None:
    found = None if value.isascii() else _SURROGATE.search(value)
    if found is not None:
        bad = found.group()
        sink.error(
            Code.UNREADABLE,
            f"the string {value[:40]!r} holds the lone surrogate U+{ord(bad):04X}, which Rust cannot represent",
            span,
            hint="remove the \\ud800-\\udfff escape or write the character it stands for",
        )


_SURROGATE = re.compile("[\ud800-\udfff]")


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    """The fields of an IR dataclass but its span (asked once per type: there are a million nodes)."""
    return tuple(f.name for f in dataclasses.fields(kind) if f.name != "span")


def _dependencies(runtime: RuntimeDependency, features: set[str], cargo: tuple[str, ...]) -> scalars.Dependencies:
    """The runtime with the features the crate uses, and what the user's mapped types need (config `types`)."""
    listed = ", ".join(f'"{f}"' for f in sorted(features))
    version, path = f'version = "={runtime.version}"', f'path = "{runtime.path}"'
    line = f"{symbols.RUNTIME_CRATE} = {{ {version}, {path}, features = [{listed}] }}"
    return scalars.Dependencies(line, tuple(f"{dependency}  {symbols.OWN_KEY}" for dependency in cargo))


def _check_mapped(schema: nodes.Schema, types: dict[str, str], sink: Sink) -> None:
    """A mapped class in the IR needs its Rust type (`dspygen build FILES` reads no configuration)."""
    fields: list[nodes.ModelField | nodes.SignatureField] = [f for m in schema.models for f in m.fields]
    fields += [f for s in schema.signatures for f in s.fields]
    for field in fields:
        for name in t.mapped_names(field.type):
            if name not in types:
                sink.error(
                    Code.UNSUPPORTED_TYPE,
                    f"`{name}` is mapped to a Rust type, but this run has no mapping for it",
                    field.span,
                    hint="build the target from pyproject.toml, whose `types` table maps it",
                )


def _recursion_limit(schema: nodes.Schema) -> str:
    """rustc's trait resolution and drop check walk a type one level at a time, through
    containers and the models inside: `list` 100 deep, or a model holding a model holding
    ... 60 deep, needs more than the default limit of 128."""
    deepest = _deepest(schema)
    needed = 3 * deepest + 16
    return "" if needed <= 128 else str(-(-needed // 64) * 64)


def _deepest(schema: nodes.Schema) -> int:
    """The deepest nesting of types, through containers and models (iterative: a chain of
    500 models must not exhaust Python's stack). An edge back into a cycle counts as 0."""
    models = {m.id: m for m in schema.models}
    depth_of: dict[str, int] = {}

    def local(ty: t.Type) -> int:
        deepest, stack = 0, [(ty, 1)]
        while stack:
            node, depth = stack.pop()
            if isinstance(node, t.Named):
                depth += depth_of.get(node.ref, 0)
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in t.children(node))
        return deepest

    for root in models:
        work, on_path = [(root, False)], set()
        while work:
            ref, finished = work.pop()
            if finished:
                on_path.discard(ref)
                depth_of[ref] = 1 + max((local(f.type) for f in models[ref].fields), default=0)
            elif ref not in depth_of and ref not in on_path:
                on_path.add(ref)
                work.append((ref, True))
                work.extend((r, False) for f in models[ref].fields for r in t.refs(f.type) if r in models)
    signatures = [local(f.type) for s in schema.signatures for f in s.fields]
    return max([*depth_of.values(), *signatures], default=0)


# From how many JSON Schema documents (a model has one, a signature two) they are worked out in
# a second process: a fork and the pickled result cost about 0.01 s, the documents about 0.5 ms each.
BESIDE_FROM = 200


class _Lowering:
    def __init__(self, schema: nodes.Schema, options: CrateOptions, sink: Sink) -> None:
        self.schema = schema
        self.options = options
        self.sink = sink
        self.no_schema: list[tuple[Span, str]] = []  # the models left without JSON Schema constants, and why
        self.taken: dict[str, tuple[str, Span]] = {}
        self.collided: set[str] = set()  # names claimed twice, already reported
        declarations: dict[str, str] = {}
        decls: list[nodes.Enum | nodes.Model] = [*schema.enums, *schema.models]
        self.instances = generics.Instances(schema)
        for decl in decls:
            name, derived = self.instances.rust_name(decl), self.instances.is_instance(decl)
            declarations[decl.id] = self.claim(name, decl.qualname, decl.span, derived=derived)
        self.sig_names = {
            s.id: self.claim(naming.qualified_type_name(s.qualname), s.qualname, s.span) for s in schema.signatures
        }
        self.unions = UnionLowering(schema, sink)
        union_names = self.unions.name_all(declarations, set(self.taken))
        for found in self.unions.found:
            self.claim(union_names[found.union], t.shown(found.union), found.span, derived=True)
        self.unions.check()
        self.names = TypeNames(declarations, frozenset(e.id for e in schema.enums), union_names, options.types)
        _check_mapped(schema, options.types, sink)
        self.generic_ids = frozenset(m.id for m in schema.models if m.generic_origin)
        self.fields = FieldLowering(self.names, sink, {e.id: e for e in schema.enums}, {m.id: m for m in schema.models})
        self.boxed = graph.cyclic_edges(schema)
        self.constraints = ConstraintLowering(sink)

    def claim(self, ident: str, what: str, span: Span, *, derived: bool = False) -> str:
        """Reserve a type name; a second claim is a collision diagnostic."""
        python_parts = [] if derived else what.split(".")
        if not naming.is_ascii_identifier(ident) or not all(naming.is_ascii_identifier(p) for p in python_parts):
            self.sink.error(Code.INVALID_NAME, f"`{what}` is not an ASCII identifier", span)
        elif ident in naming.KEYWORDS:
            self.sink.error(Code.INVALID_NAME, f"`{what}` would be named `{ident}`, a Rust keyword", span)
        elif ident in self.taken:
            self.collided.add(ident)
            other, other_span = self.taken[ident]
            self.sink.error(
                Code.NAME_COLLISION,
                f"`{what}` and `{other}` (at {other_span.render()}) both become the Rust type `{ident}`",
                span,
            )
        self.taken.setdefault(ident, (what, span))
        return ident

    def crate(self) -> CrateView:
        # The JSON Schema constants need nothing the rest decides but the signatures' names: a
        # large crate has a second process work them out meanwhile (beside.py), and takes
        # them last. The samples read the views' names only.
        documents = len(self.schema.models) + 2 * len(self.schema.signatures)
        constants = functools.partial(schema_constants.all_of, self.schema, self.sig_names)
        with beside(constants, worth=documents >= BESIDE_FROM) as found:
            enums = [self.enum(e) for e in self.schema.enums]
            models = [self.model(m) for m in self.schema.models]
            signatures = [self.signature(s) for s in self.schema.signatures]
            for literal in self.fields.literals.values():
                self.claim(literal.ident, f"Literal{list(literal.values)}", literal.span, derived=True)
                enums.append(self.literal_enum(literal.ident, literal.values, literal.span))
            samples = [] if self.sink.has_errors else self.samples(models, signatures)  # samples assume valid input
            models, signatures = self.with_json_schemas(found(), models, signatures)
        types = [
            TypeEntry(rust_str(m.qualname), m.qualname, str(symbols.model(self.names.declarations[m.id])))
            for m in self.schema.models
        ]
        for sig in signatures:
            for side in (sig.input, sig.output):
                types.append(TypeEntry(rust_str(side.ident), side.ident, f"crate::signatures::{side.ident}"))
        classes = [
            ClassEntry(rust_str(m.module), rust_str(m.qualname), str(symbols.model(self.names.declarations[m.id])))
            for m in self.schema.models
        ]
        dspy_entries, dspy_classes = dspy_types.entries(self.fields.needs)  # DSPy's own types, when used
        types += dspy_entries
        classes += dspy_classes
        opts = self.options
        # A file name may hold a newline (ending the header comment: code injection), quotes or bidi controls.
        sources = ", ".join(printable(s.path) for s in self.schema.sources)
        header = f"@generated by dspygen from {sources}. DO NOT EDIT."
        roots = sorted({os.path.relpath(s.root, os.path.join(opts.out_dir, "tests")) for s in self.schema.sources})
        imports = sorted({f"import {m.module}" for m in self.schema.models if m.module})
        lax_fields, lax_spellings = lax_tests.lax_cases(self.schema.models, samples)
        return CrateView(
            crate_name=opts.crate_name,
            module_name=opts.module_name,
            header_rust=f"// {header}",
            header_python=f"# {header}",
            header_toml=(
                f"# @generated by dspygen from {sources}. Keys it writes are overwritten; keys you add are kept."
            ),
            description=rust_str(f"Typed Rust bindings for {sources}, generated by dspygen")[1:-1],
            models=tuple(models),
            enums=tuple(sorted(enums, key=lambda e: e.ident)),
            default_fns=tuple(self.fields.default_fns),
            signatures=tuple(signatures),
            type_entries=tuple(sorted(types, key=lambda e: e.plain_name)),
            class_entries=tuple(classes),
            samples=tuple(samples),
            python_roots=tuple(py_str(r.replace(os.sep, "/")) for r in roots),
            crate_roots=tuple(
                rust_str("/" + os.path.relpath(r, opts.out_dir).replace(os.sep, "/"))
                for r in sorted({s.root for s in self.schema.sources})
            ),
            python_imports=tuple(imports),
            exports=tuple(name for name in symbols.EXPORTS if name not in self.taken),
            has_model_samples=any(s.is_model for s in samples),
            has_signature_samples=any(not s.is_model for s in samples),
            recursion_limit=_recursion_limit(self.schema),
            dependencies=_dependencies(
                opts.runtime, scalars.features(self.fields.needs) | self.constraints.features(), opts.cargo
            ),
            patterns=self.constraints.pattern_views(),
            default_tests=_default_tests(self.schema.models, models),
            json_schema_models=tuple(v.ident for v in models if v.json_schema and v.json_schema_parses_in_rust),
            lax_fields=lax_fields,
            lax_spellings=lax_spellings,
            languages=dspy_types.languages(self.fields.needs),
            # a view assumes a union that passed its checks (nothing is written after an error)
            unions=()
            if self.sink.has_errors
            else tuple(self.unions.view(u, name, self.names) for u, name in self.names.unions.items()),
        )

    def enum(self, enum: nodes.Enum) -> EnumView:
        ident = self.names.declarations[enum.id]
        if any(isinstance(m.value, int) for m in enum.members):  # an int Enum: serde and conversions by value
            plain = self.variants([(m.name, m.name, m.span) for m in enum.members], enum.qualname)
            values = [m.value for m in enum.members]
            variants = tuple(
                VariantView(v.ident, (), rust_str(json.dumps(value)), *_literal_rust(value))
                for v, value in zip(plain, values, strict=True)
            )
            loose = {int(v): variant.ident for variant, v in zip(variants, values, strict=True)}
            return EnumView(
                ident,
                self.type_attrs(ident, enum.doc, variants),
                variants,
                True,
                rust_str(enum.module),
                rust_str(enum.qualname),
                mixed=True,
                loose=tuple((str(n), i) for n, i in loose.items()),
                int_text=enum.int_subclass,
            )
        variants = self.variants([(m.name, str(m.value), m.span) for m in enum.members], enum.qualname)
        return EnumView(
            ident,
            self.type_attrs(ident, enum.doc, variants),
            variants,
            True,
            rust_str(enum.module),
            rust_str(enum.qualname),
        )

    def literal_enum(self, ident: str, values: tuple[t.LiteralValue, ...], span: Span) -> EnumView:
        if all(isinstance(v, str) for v in values):
            variants = self.variants([(str(v), str(v), span) for v in values], f"Literal{list(values)}")
            return EnumView(ident, self.type_attrs(ident, None, variants), variants, False, '""', '""')
        names = literal_names([t.literal_key(v) for v in values])
        plain = self.variants([(n, n, span) for n in names], f"Literal{list(values)}")  # reports collisions
        out = []
        for variant, value in zip(plain, values, strict=True):
            if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
                self.sink.error(Code.UNSUPPORTED_TYPE, f"the Literal value {value} does not fit in 64 bits", span)
            out.append(VariantView(variant.ident, (), rust_str(json.dumps(value)), *_literal_rust(value)))
        variants = tuple(out)
        # pydantic falls back to Python's `==` (`True == 1 == 1.0`), the later value winning.
        loose = {int(v): variant.ident for variant, v in zip(variants, values, strict=True) if isinstance(v, int)}
        return EnumView(
            ident,
            self.type_attrs(ident, None, variants),
            variants,
            False,
            '""',
            '""',
            mixed=True,
            loose=tuple((str(n), i) for n, i in loose.items()),
        )

    def variants(self, members: list[tuple[str, str, Span]], owner: str) -> tuple[VariantView, ...]:
        seen: dict[str, str] = {}
        out = []
        idents = naming.variant_names([name for name, _, _ in members])
        for (name, value, span), ident in zip(members, idents, strict=True):
            if ident in seen:
                self.sink.error(
                    Code.NAME_COLLISION,
                    f"`{name}` and `{seen[ident]}` in `{owner}` both become the variant `{ident}`",
                    span,
                )
            seen[ident] = name
            out.append(VariantView(ident, (f"#[serde(rename = {rust_str(value)})]",), rust_str(value)))
        return tuple(out)

    def type_attrs(self, ident: str, doc: str | None, variants: tuple[VariantView, ...] = ()) -> tuple[str, ...]:
        attrs = list(doc_attrs(doc))
        if any(naming.needs_acronym_allow(name) for name in (ident, *(v.ident for v in variants))):
            attrs.append("#[allow(clippy::upper_case_acronyms)]")
        return tuple(attrs)

    def model(self, model: nodes.Model) -> StructView:
        ident = self.names.declarations[model.id]
        fields = [
            self.fields.field(
                ident,
                f.name,
                f.type,
                f.span,
                boxed=(model.id, f.name) in self.boxed,
                doc=f.description,
                default=f.default,
                json=model.json,
                wire=config.wire(model, f),
                exclude=f.exclude,
            )
            for f in model.fields
        ]
        declared = tuple(fields)
        extras = [config.extra_field(self.names, self.fields.needs)] if model.extra == "allow" else []
        computed = [
            config.computed_field(
                model, c, self.names, self.fields.needs, self.fields.literal_for(ident, c.name, c.type, c.span)
            )
            for c in model.computed
        ]
        fields += extras + computed
        places = [(f.name, f.span) for f in model.fields]
        places += [("(extras)", model.span)] * len(extras) + [(c.name, c.span) for c in model.computed]
        self.check_fields(model.qualname, places, [v.ident for v in fields])
        serde = ("#[serde(deny_unknown_fields)]",) if model.extra == "forbid" else ()
        checks = self.constraints.model_checks(model, [v.ident for v in declared])
        wires = [config.wire(model, f) for f in model.fields]
        default, default_values = _default_impl(fields, model.root)
        into_python = routes.route(model, [f.key for f in declared], self.generic_ids)
        attrs = (*self.type_attrs(ident, model.doc), *(("///",) if model.doc else ()), *doc_attrs(into_python.doc))
        return StructView(
            ident,
            attrs,
            serde,
            tuple(fields),
            rust_str(model.module),
            rust_str(model.qualname),
            True,
            py_fields=declared,
            extra_to_py=config.extra_to_py() if extras else "",
            serde_impl=config.root_impl(ident, model)
            if model.root
            else config.serde_impl(ident, model, wires, validated=bool(checks)),
            root=model.root,
            python_class=self.instances.python_class(model),
            checks=checks,
            py_checks=self.constraints.model_checks(model, [v.ident for v in declared], after=True),
            default=default,
            default_values=default_values,
            route=into_python.new,
            nests="true" if into_python.nests else "false",
        )

    def with_json_schemas(
        self, found: schema_constants.Found, models: list[StructView], signatures: list[SignatureView]
    ) -> tuple[list[StructView], list[SignatureView]]:
        """The views with their JSON Schema constants; a warning (after the run) for each left without."""
        out_models = []
        for model, view in zip(self.schema.models, models, strict=True):
            constants = found[model.id]
            if isinstance(constants, str):
                self.without_json_schema(model.span, f"`{model.qualname}`", constants)
            else:
                view = dataclasses.replace(view, **constants)
            out_models.append(view)
        out_signatures = []
        for sig, sig_view in zip(self.schema.signatures, signatures, strict=True):
            sides = []
            for (role, _), side in zip(schema_constants.SIDES, (sig_view.input, sig_view.output), strict=True):
                constants = found[json_schema.side_id(sig, role)]
                if isinstance(constants, str):
                    self.without_json_schema(sig.span, f"`{side.ident}` (the {role}s of `{sig.qualname}`)", constants)
                else:
                    side = dataclasses.replace(
                        side,
                        json_schema=constants.get("json_schema", ""),
                        json_schema_serialization=constants.get("json_schema_serialization", ""),
                    )
                sides.append(side)
            out_signatures.append(dataclasses.replace(sig_view, input=sides[0], output=sides[1]))
        return out_models, out_signatures

    def without_json_schema(self, span: Span, what: str, why: str) -> None:
        """A type left without JSON_SCHEMA constants: said after the run, if it writes anything."""
        message = (
            f"{what} gets no JSON_SCHEMA constants: its JSON Schema in pydantic depends on what dspygen does not "
            f"compute ({why})"
        )
        self.no_schema.append((span, message))

    def check_fields(self, owner: str, names: list[tuple[str, Span]], idents: list[str]) -> None:
        seen: dict[str, str] = {}
        for (name, span), ident in zip(names, idents, strict=True):
            if ident in seen:
                self.sink.error(
                    Code.NAME_COLLISION,
                    f"the fields `{name}` and `{seen[ident]}` of `{owner}` both become `{ident}` in Rust",
                    span,
                )
            seen[ident] = name

    @functools.cached_property
    def python_names(self) -> dict[str, str]:
        """Each model's and Enum's Python qualname, by id (how a signature's field types are spelled)."""
        decls: list[nodes.Enum | nodes.Model] = [*self.schema.enums, *self.schema.models]
        return {d.id: d.qualname for d in decls}

    def signature(self, sig: nodes.Signature) -> SignatureView:
        ident = self.sig_names[sig.id]
        sides = []
        for role, suffix in schema_constants.SIDES:
            side_ident = f"{ident}{suffix}"
            if ident not in self.collided:  # else the side names collide too: one report is enough
                self.claim(side_ident, f"{sig.qualname} ({role}s)", sig.span, derived=True)
            fields = [f for f in sig.fields if f.role == role]
            views = [
                self.fields.field(
                    ident, f.name, f.type, f.span, doc=None if f.desc.startswith("${") else f.desc, default=f.default
                )
                for f in fields
            ]
            self.check_fields(sig.qualname, [(f.name, f.span) for f in fields], [v.ident for v in views])
            self.constraints.refuse_on_signature([(f.name, f.type, f.span) for f in fields])
            doc = f"The {role}s of the DSPy signature `{sig.qualname}`."
            serde_impl = f"{symbols.STRUCT_SERDE}(map_only {side_ident});"
            attrs = self.type_attrs(side_ident, doc)
            sides.append(
                StructView(
                    side_ident,
                    attrs,
                    (),
                    tuple(views),
                    '""',
                    '""',
                    False,
                    serde_impl=serde_impl,
                )
            )
        names = self.python_names
        meta = tuple(
            FieldMetaView(
                rust_str(f.name),
                "Input" if f.role == "input" else "Output",
                rust_str(f.desc),
                rust_str(f.prefix),
                rust_str(t.python_text(f.type, names)),
            )
            for f in sig.fields
        )
        if sig.form != "string":  # a class, or a derived signature's module-level name: imported
            module, qualname = rust_str(sig.module), rust_str(sig.qualname)
            python = f"{symbols.PYTHON_SIGNATURE}::Class {{ module: {module}, qualname: {qualname} }}"
        else:
            customs = ", ".join(
                f"({rust_str(c.name)}, {rust_str(self.schema.declaration(c.ref).module)}, "
                f"{rust_str(self.schema.declaration(c.ref).qualname)})"
                for c in sig.custom_types
            )
            python = f"{symbols.PYTHON_SIGNATURE}::String {{ text: {rust_str(sig.text)}, custom_types: &[{customs}] }}"
        doc = f"The DSPy signature `{sig.qualname}` (from `{sig.module}`), as a type."
        return SignatureView(
            ident,
            self.type_attrs(ident, doc),
            sides[0],
            sides[1],
            rust_str(naming.qualified_type_name(sig.qualname)),
            rust_str(sig.instructions),
            meta,
            python,
        )

    def samples(self, models: list[StructView], signatures: list[SignatureView]) -> list[SampleView]:
        maker = SampleMaker(self.schema)
        out: list[SampleView] = []
        for model, view in zip(self.schema.models, models, strict=True):
            for sample in maker.for_model(model):
                out.append(self.sample(model.qualname, view.ident, sample.name, sample.input, sample.expected, model))
        for sig, sview in zip(self.schema.signatures, signatures, strict=True):
            for role, side in (("input", sview.input), ("output", sview.output)):
                fields = [f for f in sig.fields if f.role == role]
                for sample in maker.for_fields(fields):
                    out.append(self.sample(side.ident, side.ident, sample.name, sample.input, sample.expected, None))
        # Test names must be unique even where two types snake_case alike (`QA`, `Qa`).
        seen: dict[str, int] = {}
        for i, entry in enumerate(out):
            seen[entry.test_name] = seen.get(entry.test_name, 0) + 1
            if seen[entry.test_name] > 1:
                out[i] = dataclasses.replace(entry, test_name=f"{entry.test_name}_{seen[entry.test_name]}")
        return out

    def sample(
        self, type_name: str, ident: str, kind: str, given: str, expected: str, model: nodes.Model | None
    ) -> SampleView:
        return SampleView(
            type_name=type_name,
            ident=ident,
            json=given,
            rust_literal=rust_str(given),
            py_literal=py_str(given),
            expected_rust=rust_str(expected),
            expected_py=py_str(expected),
            test_name=f"{naming.snake(ident)}_{kind}",
            is_model=model is not None,
            python_module=model.module if model else "",
            python_qualname=model.qualname if model else "",
            python_class=self.instances.python_expr(model) if model else "None",
            root=bool(model and model.root),
            from_empty=_from_empty(model) if model else "same",
        )


def _default_tests(models: tuple[nodes.Model, ...], views: list[StructView]) -> tuple[tuple[str, str], ...]:
    """(test name, type) for each model with `Default` but a computed time or UUID (which differs
    each call); names made unique as the samples' are (`HTTPServer`, `HttpServer`)."""
    out: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for model, view in zip(models, views, strict=True):
        if view.default and _from_empty(model) == "same":
            name = naming.snake(view.ident)
            seen[name] = seen.get(name, 0) + 1
            out.append((name if seen[name] == 1 else f"{name}_{seen[name]}", view.ident))
    return tuple(out)


def _default_impl(fields: list[FieldView], root: bool) -> tuple[str, tuple[str, ...]]:
    """`Default` for a model whose every field has a default, as pydantic's `Model()` builds it:
    derived where each is the type's own default, else written out."""
    values = [f.default_expr for f in fields]
    if root or not fields or any(v is None for v in values):
        return "", ()
    if all(v == symbols.DEFAULT for v in values):
        return "derive", ()
    return "impl", tuple(f"{f.ident}: {v}," for f, v in zip(fields, values, strict=True))


def _from_empty(model: nodes.Model) -> str:
    """How Rust reads `{}` beside pydantic: the same; `rust_requires` (a default only Python
    computes, DSG037); `computed` (a time or UUID4 computed on each side: the same keys)."""
    kinds = {f.default.kind for f in model.fields if f.default is not None}
    if "unmirrored" in kinds:
        return "rust_requires"
    return "computed" if kinds & {"computed", "model"} else "same"


def _literal_rust(value: t.LiteralValue) -> tuple[str, str, str]:
    """How a Literal variant holding `value` serialises, matches a runtime `Atom` and becomes Python."""
    py = generics.py_value(value)
    if value is None:
        return "serializer.serialize_unit()", f"{symbols.ATOM}::Null", py
    if isinstance(value, bool):
        b = "true" if value else "false"
        return f"serializer.serialize_bool({b})", f"{symbols.ATOM}::Bool({b})", py
    if isinstance(value, int):
        return f"serializer.serialize_i64({value})", f"{symbols.ATOM}::Int({value})", py
    text = rust_str(value)
    return f"serializer.serialize_str({text})", f"{symbols.ATOM}::Str(s) if s == {text}", py
