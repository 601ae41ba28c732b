"""Lowering stage: generic model instantiations (`Page[Item]`) and RootModels.

The frontends give each instantiation its own IR model; here each gets its Rust name
(`PageItem`, through `naming`) and the Rust expression that builds the parametrised
Python class (`Page[Item]`) at run time, which pydantic caches, so the bindings hand
back instances of the very class Python uses.
"""

from __future__ import annotations

from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import naming, symbols
from dspygen.lower.literals import py_str, rust_str
from dspygen.registry import scalars as registry

# IR kinds as words in a Rust name.
WORDS = {"list": "List", "set": "Set", "frozenset": "FrozenSet", "tuple": "Tuple", "dict": "Dict"}
WORDS |= {"optional": "Option", "literal": "Literal", "union": "Or"}


class Instances:
    """Rust names and class-building expressions for the models of a schema."""

    def __init__(self, schema: nodes.Schema) -> None:
        self.models = {m.id: m for m in schema.models}
        self.decls: dict[str, nodes.Model | nodes.Enum] = {**{e.id: e for e in schema.enums}, **self.models}
        self._names: dict[str, str] = {}

    def is_instance(self, decl: nodes.Model | nodes.Enum) -> bool:
        return isinstance(decl, nodes.Model) and bool(decl.generic_origin)

    def rust_name(self, decl: nodes.Model | nodes.Enum) -> str:
        """The Rust type name of `decl`: `PageItem` for `Page[Item]`."""
        if decl.id not in self._names:
            if isinstance(decl, nodes.Model) and decl.generic_origin:
                args = [self._words(a) for a in decl.type_args]
                self._names[decl.id] = naming.instance_type_name(decl.generic_origin, args)
            else:
                self._names[decl.id] = naming.qualified_type_name(decl.qualname)
        return self._names[decl.id]

    def _words(self, ty: t.Type) -> str:
        if isinstance(ty, t.Primitive):
            return registry.scalar(ty.name).rust.word
        if isinstance(ty, t.Named):
            return self.rust_name(self.decls[ty.ref])
        if isinstance(ty, t.Mapped):
            return naming.type_name(ty.name.rpartition(".")[2])
        if isinstance(ty, t.LiteralOf):
            return naming.type_words(WORDS, "literal", naming.variant_names([str(v) for v in ty.values]))
        kind = "frozenset" if isinstance(ty, t.SetOf) and ty.frozen else ty.kind
        return naming.type_words(WORDS, kind, [self._words(c) for c in t.children(ty)])

    def python_class(self, model: nodes.Model) -> str:
        """A Rust expression (with `py` in scope) giving the model's class as a `Bound<PyType>`."""
        if not model.generic_origin:
            return f"{symbols.IMPORT_CLASS}(py, &CLASS, {rust_str(model.module)}, {rust_str(model.qualname)})"
        return f"{symbols.BUILD_CLASS}(py, &CLASS, |py| {self._py_type(t.Named(model.id))})"

    def python_expr(self, model: nodes.Model) -> str:
        """A Python expression for the model's class in the generated tests (`_class` imports by path)."""
        return self._py_text(t.Named(model.id))

    def _py_text(self, ty: t.Type) -> str:
        if isinstance(ty, t.Primitive):
            return _text_path(*registry.scalar(ty.name).python.where)
        if isinstance(ty, t.Named):
            decl = self.decls[ty.ref]
            if isinstance(decl, nodes.Model) and decl.generic_origin:
                args = ", ".join(self._py_text(a) for a in decl.type_args)
                return f"{_text_path(decl.module, decl.generic_origin)}[{args}]"
            return _text_path(decl.module, decl.qualname)
        if isinstance(ty, t.LiteralOf):
            values = ", ".join(py_str(v) if isinstance(v, str) else repr(v) for v in ty.values)
            return f"{_text_path('typing', 'Literal')}[{values}]"
        if isinstance(ty, t.Mapped):
            return _text_path(*ty.name.rsplit(".", 1))
        heads = {"optional": ("typing", "Optional"), "list": ("builtins", "list"), "dict": ("builtins", "dict")}
        heads |= {"union": ("typing", "Union")}
        heads |= {"tuple": ("builtins", "tuple"), "set": ("builtins", "set")}
        head = ("builtins", "frozenset") if isinstance(ty, t.SetOf) and ty.frozen else heads[ty.kind]
        parts = [self._py_text(c) for c in t.children(ty)] + (
            ["..."] if isinstance(ty, t.TupleOf) and ty.variadic else []
        )
        return f"{_text_path(*head)}[{', '.join(parts)}]"

    def _py_type(self, ty: t.Type) -> str:
        """A Rust expression giving the Python object for the type `ty` (a `PyResult<Bound<PyAny>>`)."""
        if isinstance(ty, t.Primitive):
            return _path(*registry.scalar(ty.name).python.where)
        if isinstance(ty, t.Named):
            decl = self.decls[ty.ref]
            if isinstance(decl, nodes.Model) and decl.generic_origin:
                return _subscript(_path(decl.module, decl.generic_origin), [self._py_type(a) for a in decl.type_args])
            return _path(decl.module, decl.qualname)
        if isinstance(ty, t.Mapped):
            return _path(*ty.name.rsplit(".", 1))
        if isinstance(ty, t.OptionalOf):
            return _subscript(_path("typing", "Optional"), [self._py_type(ty.inner)])
        if isinstance(ty, t.UnionOf):
            return _subscript(_path("typing", "Union"), [self._py_type(a) for a in ty.arms])
        if isinstance(ty, t.LiteralOf):
            return _subscript(_path("typing", "Literal"), [_literal(v) for v in ty.values])
        if isinstance(ty, t.ListOf):
            return _subscript(_path("builtins", "list"), [self._py_type(ty.item)])
        if isinstance(ty, t.SetOf):
            return _subscript(_path("builtins", "frozenset" if ty.frozen else "set"), [self._py_type(ty.item)])
        if isinstance(ty, t.TupleOf):
            items = [self._py_type(i) for i in ty.items]
            if ty.variadic:
                items.append(f"{symbols.PY_RESULT_OK}(py.Ellipsis().into_bound(py))")
            return _subscript(_path("builtins", "tuple"), items)
        assert isinstance(ty, t.DictOf)
        return _subscript(_path("builtins", "dict"), [self._py_type(ty.key), self._py_type(ty.value)])


def _path(module: str, qualname: str) -> str:
    return f"{symbols.PYTHON_PATH}(py, {rust_str(module)}, {rust_str(qualname)})"


def _subscript(head: str, args: list[str]) -> str:
    """`head[args]`: one argument as itself, several as a tuple (as Python's `x[a, b]` passes them)."""
    if len(args) == 1:
        return f"{head}?.get_item({args[0]}?)"
    items = ", ".join(f"{a}?" for a in args)
    return f"{head}?.get_item({symbols.PY_TYPES}::PyTuple::new(py, [{items}])?)"


def _literal(value: t.LiteralValue) -> str:
    return f"{symbols.PY_RESULT_OK}({py_value(value)})"


def py_value(value: t.LiteralValue) -> str:
    """A Rust expression (with `py` in scope) giving the Python object for a Literal value."""
    if value is None:
        return "py.None().into_bound(py)"
    if isinstance(value, bool):
        return f"{symbols.PY_TYPES}::PyBool::new(py, {'true' if value else 'false'}).to_owned().into_any()"
    if isinstance(value, int):
        return f"{symbols.PY_TYPES}::PyInt::new(py, {value}i64).into_any()"
    return f"{symbols.PY_TYPES}::PyString::new(py, {rust_str(value)}).into_any()"


def _text_path(module: str, qualname: str) -> str:
    return f"_class({py_str(module)}, {py_str(qualname)})"
