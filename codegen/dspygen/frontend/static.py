"""Frontend stage (default): read signatures, models and enums from source with libcst.

Never imports or executes the files it reads, and never imports dspy: classes are
recognised by what their bases resolve to (`dspy.Signature`, `pydantic.BaseModel`,
`enum.Enum`), through imports and aliases across the set.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import libcst as cst

from dspygen.diagnostics import Code, Sink
from dspygen.frontend import call_sites, dspy_rules, local_imports, prescan, skipping
from dspygen.frontend.classes import ClassReader, dataclass_kind
from dspygen.frontend.derived import find_derived
from dspygen.frontend.project import Project
from dspygen.frontend.resolve import PARSE_RECURSION_LIMIT, Index, SourceModule, load, recursion_limit
from dspygen.frontend.string_signatures import find_string_signatures
from dspygen.ir import graph, nodes
from dspygen.ir import types as t

Kind = Literal["signature", "model", "enum"]


def read(
    paths: list[Path],
    base: Path,
    sink: Sink,
    mapped: frozenset[str] = frozenset(),
    import_names: Mapping[Path, str] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> nodes.Schema:
    """Read the files at `paths` (displayed relative to `base`) into a Schema. `mapped`: the
    classes mapped to the user's Rust types; `import_names`: module names for files Python
    cannot import by name; `exclude`: the `module.Name`s to leave out (skipping.py)."""
    # libcst's visitors (and the type conversion) recurse once per level of nesting.
    with recursion_limit(PARSE_RECURSION_LIMIT):
        return _read(paths, base, sink, mapped, import_names, exclude)


def _read(
    paths: list[Path],
    base: Path,
    sink: Sink,
    mapped: frozenset[str],
    import_names: Mapping[Path, str] | None,
    exclude: frozenset[str],
) -> nodes.Schema:
    modules = load(paths, base, sink, import_names)
    # The files given are entry points: everything in them is read, and from the project's
    # other files (found as Python would find them, project.py) only what they reach.
    index = Index(modules, Project.around([m.path for m in modules], base), base.resolve(), sink)
    reader = ClassReader(index, sink)
    reader.mapped = mapped
    reader.excluded = exclude
    for module in sorted(modules, key=lambda m: (m.module, m.display)):
        for qualname in module.classes:
            reader.read_class(module, qualname)
    ordered = sorted(modules, key=lambda m: (m.module, m.display))
    imported = [ident for module in ordered for ident in reader.read_imported(module)]
    for module in ordered:
        _report_local_classes(module, reader, sink)
        _report_unread_models(module, reader, sink)
    reader.report_empty_signatures()
    signatures = list(reader.signatures.values())
    for module in sorted(modules, key=lambda m: (m.module, m.display)):
        signatures.extend(find_string_signatures(module, index, reader, sink))
    signatures.extend(find_derived(sorted(modules, key=lambda m: (m.module, m.display)), index, reader, sink))
    sources = tuple(
        nodes.Source(m.display, m.module, _rel_root(m.root, base), followed=m.followed)
        for m in [*modules, *index.followed]
    )
    schema = nodes.Schema(
        schema_version=nodes.SCHEMA_VERSION,
        sources=tuple(sorted(sources, key=lambda s: s.path)),
        models=tuple(reader.models.values()),
        enums=tuple(reader.enums.values()),
        signatures=tuple(signatures),
    )
    schema = _reached(schema, {m.module for m in modules}, set(imported))
    schema = skipping.prune(schema, reader.left_out, reader.failed, sink)
    for name in sorted(exclude - reader.excluded_met):
        sink.warning(
            Code.CONFIG,
            f"`exclude` names `{name}`, which dspygen did not meet in the files read: nothing was left out for it",
            None,
            hint="write it as `module.Name`: the module as Python imports it, then the class or variable name",
        )
    _check_required_cycles(schema, sink)
    _check_type_depth(schema, sink)
    return schema


class _LocalClasses(call_sites.Walker):
    """Classes defined inside a function: created only when the function runs."""

    def __init__(self) -> None:
        self.functions: list[str] = []
        self.found: list[tuple[cst.ClassDef, str]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.functions:
            self.found.append((node, self.functions[-1]))


def _report_local_classes(module: SourceModule, reader: ClassReader, sink: Sink) -> None:
    """A signature, model or Enum defined inside a function is left out, and said so."""
    if not prescan.may_define_local_classes(module.text):
        return
    finder = _LocalClasses()
    sites = call_sites.of(module)
    finder.walk(module, None if sites is None else sites.local_classes)
    hint = "define it at module level (or in a class) to generate its Rust type"
    for node, function in finder.found:
        span = module.span(node)
        # A function may import what the class derives from (`import dspy` inside it).
        local = local_imports.at(module, span.line) if local_imports.any_in(module) else None
        kinds = [reader.kind_of(s) for s in reader.base_symbols(module, node, local)]
        kind = next((k for k in kinds if k is not None), None)
        if kind is not None:
            sink.warning(
                Code.DYNAMIC_SIGNATURE if kind == "signature" else Code.UNSUPPORTED_MODEL,
                f"dspygen leaves out the {kind} `{node.name.value}`, which the function `{function}` defines "
                "when it runs: nothing outside the function can import it",
                span,
                hint=hint,
            )
            continue
        unknown = _unresolved_base(module, reader, node, local)
        if unknown is not None:  # `dspy = self._dspy` then `class Chat(dspy.Signature)`: said, not silent
            base, looks = unknown
            sink.warning(
                Code.DYNAMIC_SIGNATURE if looks == "signature" else Code.UNSUPPORTED_MODEL,
                f"dspygen leaves out the class `{node.name.value}`, which the function `{function}` defines "
                f"when it runs, on `{base}`, a name bound only then: if it is a {looks}, nothing outside "
                "the function can import it",
                span,
                hint=hint,
            )


def _report_unread_models(module: SourceModule, reader: ClassReader, sink: Sink) -> None:
    """The classes pydantic makes models of that dspygen does not read, each said so: a custom
    dspy.Type (`class Temperature(dspy.Type)`, or a class deriving from one), whose JSON is
    what its `format()` returns, and a pydantic dataclass. (A stdlib dataclass is no model of
    its own: it is said so where a field uses it.)"""
    for qualname, node in module.classes.items():
        symbol = f"{module.module}.{qualname}"
        if reader.kind_of(symbol) is not None or symbol in reader.mapped:
            continue  # read, or mapped to the user's Rust type on purpose
        if _custom_type(reader, symbol, set()):
            message = (
                f"dspygen leaves out `{qualname}`, a custom dspy.Type: pydantic writes it as what its "
                "`format()` returns, Python code that Rust cannot run"
            )
            hint = "a field of this type is an error"
        elif dataclass_kind(reader.index, module, node) == "pydantic":
            message = f"dspygen leaves out `{qualname}`, a pydantic dataclass: dspygen does not read dataclasses yet"
            hint = "derive it from pydantic's BaseModel (the same fields write the same JSON)"
        else:
            continue
        span = module.span(node)
        if not skipping.class_marked(module, node):
            hint += "; `# dspygen: skip` on the class line says the class is left out on purpose"
            sink.warning(Code.UNSUPPORTED_MODEL, message, span, hint=hint)


def _custom_type(reader: ClassReader, symbol: str, seen: set[str]) -> bool:
    """Whether `symbol` is dspy.Type or derives from it, through the classes of the set."""
    if symbol in dspy_rules.CUSTOM_TYPE_BASES:
        return True
    found = reader.index.class_of(symbol)
    if found is None or symbol in seen:
        return False
    seen.add(symbol)
    return any(_custom_type(reader, b, seen) for b in reader.base_symbols(found[0], found[0].classes[found[1]]))


# What a base spelled `x.Signature`, `BaseModel`, ... would make a class, were its name known.
_LOOKS_LIKE = {"Signature": "signature", "BaseModel": "model", "RootModel": "model"}


def _unresolved_base(
    module: SourceModule, reader: ClassReader, node: cst.ClassDef, local: Mapping[str, str] | None
) -> tuple[str, str] | None:
    """A base of a class in a function that resolves to nothing (a variable of the function)
    and is spelled like DSPy's or pydantic's base class: its text and the kind it suggests."""
    for arg in node.bases:
        expr = arg.value.value if isinstance(arg.value, cst.Subscript) else arg.value
        last = expr.attr.value if isinstance(expr, cst.Attribute) else expr.value if isinstance(expr, cst.Name) else ""
        if last in _LOOKS_LIKE and reader.index.symbol(module, expr, local) is None:
            return module.tree.code_for_node(expr), _LOOKS_LIKE[last]
    return None


def _reached(schema: nodes.Schema, entries: set[str], imported: set[str]) -> nodes.Schema:
    """The schema without the declarations of followed files that nothing given uses: a base
    class is read for its fields, but only the types the entry files reach are emitted."""
    decls: list[nodes.Model | nodes.Enum | nodes.Signature] = [*schema.models, *schema.enums, *schema.signatures]
    roots = {d.id for d in decls if d.module in entries} | imported
    keep = graph.reachable(schema, roots)
    return dataclasses.replace(
        schema,
        models=tuple(m for m in schema.models if m.id in keep),
        enums=tuple(e for e in schema.enums if e.id in keep),
        signatures=tuple(s for s in schema.signatures if s.id in keep),
    )


# pydantic itself overflows Python's stack on `Optional[dict[str, ...]]` 100 deep (200
# levels), and rustc needs a raised recursion_limit beyond about 40.
MAX_TYPE_DEPTH = 100


def _check_type_depth(schema: nodes.Schema, sink: Sink) -> None:
    fields: list[nodes.ModelField | nodes.SignatureField] = [f for m in schema.models for f in m.fields]
    fields += [f for s in schema.signatures for f in s.fields]
    for field in fields:
        depth = nesting(field.type)
        if depth > MAX_TYPE_DEPTH:
            sink.error(
                Code.UNSUPPORTED_TYPE,
                f"the type of `{field.name}` nests {depth} levels of list / dict / Optional; "
                f"dspygen supports at most {MAX_TYPE_DEPTH}",
                field.span,
                hint="name an inner part of the type with a model of its own",
            )


def nesting(ty: t.Type) -> int:
    """How many list / dict / Optional levels `ty` nests (iteratively: at any depth)."""
    deepest, stack = 0, [(ty, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in t.children(node))
    return deepest


def _check_required_cycles(schema: nodes.Schema, sink: Sink) -> None:
    """A cycle of required model fields (no Optional, list, dict or default on the way) has no finite value."""
    required = nodes.Schema(
        schema.schema_version,
        schema.sources,
        tuple(
            dataclasses.replace(
                m, fields=tuple(f for f in m.fields if isinstance(f.type, t.Named) and not nodes.defaulted(f.default))
            )
            for m in schema.models
        ),
        schema.enums,
        schema.signatures,
    )
    models = {m.id: m for m in schema.models}
    for owner, name in sorted(graph.cyclic_edges(required)):
        field = next(f for f in models[owner].fields if f.name == name)
        sink.error(
            Code.UNSUPPORTED_CYCLE,
            f"the required field `{name}` of `{models[owner].qualname}` closes a cycle of required fields, "
            "so no finite value exists",
            field.span,
        )


def _rel_root(root: Path, base: Path) -> str:
    try:
        return root.relative_to(base).as_posix() or "."
    except ValueError:
        return root.as_posix()


__all__ = ["cst", "dspy_rules", "read"]
