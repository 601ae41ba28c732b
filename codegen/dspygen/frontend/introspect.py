"""Frontend stage (opt-in, `--frontend import`): the code that runs INSIDE the subprocess.

Imports the user's modules (so it runs their code: never on the pre-commit path) and
introspects the real classes (dspy signatures, pydantic models, Enums), printing the
same IR the static frontend builds, as JSON on stdout. Problems are printed as
diagnostics JSON instead. Run as `python -m dspygen.frontend.introspect ROOT FILE...`.
"""

from __future__ import annotations

import ast
import builtins
import collections.abc
import dataclasses
import datetime
import enum
import functools
import importlib
import inspect
import json
import linecache
import os
import re
import sys
import traceback
import types
import typing
from pathlib import Path
from typing import Any, cast

from dspygen.diagnostics import Span
from dspygen.frontend import constraint_rules, dspy_types, factories, union_types
from dspygen.frontend import introspect_config as config_reader
from dspygen.frontend.dspy_rules import STRING_SIGNATURE_CALLS
from dspygen.frontend.resolve import module_path
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.ir.dump import to_json
from dspygen.registry import scalars as registry

PRAGMA = re.compile(r"#\s*dspygen:\s*name\s*=\s*([A-Za-z_][A-Za-z0-9_]*)")
# The callables a string signature is given to, by their last name (`dspy.Signature` -> "Signature").
STRING_CALL_NAMES = frozenset(c.rpartition(".")[2] for c in STRING_SIGNATURE_CALLS)


class Unsupported(Exception):
    pass


class Introspector:
    def __init__(self, base: Path, files: list[Path]) -> None:
        import dspy  # type: ignore[import-untyped]
        import pydantic

        self.dspy, self.pydantic = dspy, pydantic
        self.base = base
        self.files = {str(f.resolve()): f for f in files}
        self.models: dict[str, nodes.Model] = {}
        self.enums: dict[str, nodes.Enum] = {}
        self.signatures: dict[str, nodes.Signature] = {}
        self.problems: list[dict[str, Any]] = []
        self.mapped = frozenset(json.loads(os.environ.get("DSPYGEN_MAPPED_TYPES", "[]")))

    # -- helpers -------------------------------------------------------------------

    def display(self, path: str) -> str:
        try:
            return Path(path).resolve().relative_to(self.base).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def span_of(self, obj: Any) -> Span:
        try:
            path = inspect.getsourcefile(obj) or ""
            line = inspect.getsourcelines(obj)[1]
        except (OSError, TypeError):
            return Span("<unknown>", 1, 1)
        return Span(self.display(path), max(line, 1), 1)

    def field_span(self, owner: Any, name: str) -> Span:
        """The line where `name` is declared in `owner`'s body (or a base's)."""
        for cls in getattr(owner, "__mro__", [owner]):
            try:
                lines, start = inspect.getsourcelines(cls)
            except (OSError, TypeError):
                continue
            for i, text in enumerate(lines):
                match = re.match(rf"^(\s*){re.escape(name)}\s*[:=]", text)
                if match:
                    return Span(self.span_of(cls).path, start + i, len(match.group(1)) + 1)
        return self.span_of(owner)

    @staticmethod
    def ident(cls: type) -> str:
        return f"{cls.__module__}:{cls.__qualname__}"

    # -- types ---------------------------------------------------------------------

    @functools.cached_property
    def scalars(self) -> list[tuple[Any, t.PrimitiveName]]:
        """Each registered scalar's class (or typing form), found where the registry says."""
        out = []
        for scalar in registry.SCALARS:
            module, qualname = scalar.python.where
            found: Any = importlib.import_module(module)
            for part in qualname.split("."):
                found = getattr(found, part)
            out.append((found, cast(t.PrimitiveName, scalar.name)))
        return out

    def convert(self, tp: Any) -> t.Type:
        name = f"{getattr(tp, '__module__', '')}.{getattr(tp, '__qualname__', '')}"
        if isinstance(tp, type) and name in self.mapped:  # config `types`: the user's Rust type
            return t.Mapped(name)
        if tp is None:  # `x: None`: typing keeps the annotation as None, not NoneType
            return t.Primitive("none")
        scalar = next((name for known, name in self.scalars if tp is known), None)
        if scalar is not None:
            return t.Primitive(scalar)
        if tp is self.pydantic.Json:  # a bare `Json` is `Json[Any]`
            return t.JsonOf(t.Primitive("any"))
        if tp in BARE:  # pydantic reads a bare container's items (and keys) as Any
            return BARE[tp]
        if hasattr(tp, "__supertype__"):  # NewType("UserId", int): its base type
            return self.convert(tp.__supertype__)
        if _json_alias(tp):  # the recursive JSON alias: pydantic's JsonValue
            return t.Primitive("json_value")
        if type(tp).__name__ == "TypeAliasType":  # `type Tags = list[str]`
            return self.convert(_alias_value(tp))
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin in LISTS:
            return t.ListOf(self.convert(args[0]))
        if origin in (set, frozenset):
            return t.SetOf(self.convert(args[0]), frozen=origin is frozenset)
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return t.TupleOf((self.convert(args[0]),), variadic=True)
            if not args or Ellipsis in args:
                raise Unsupported(f"the tuple {tp!r}")
            return t.TupleOf(tuple(self.convert(a) for a in args))
        if origin in DICTS:
            key = self.convert(args[0])
            if not (key in (t.STR, t.Primitive("int")) or isinstance(key, t.KEY_NODES)):
                raise Unsupported(f"dict keys of type {args[0]!r}")
            return t.DictOf(key, self.convert(args[1]))
        if origin in (typing.Union, types.UnionType):
            members = [a for a in args if a is not type(None)]
            return union_types.union_of([self.convert(a) for a in members], len(members) < len(args))
        if _discriminator_only(self.pydantic, origin, args):  # Annotated[A | B, Field(discriminator="kind")]
            return self.discriminated(self.convert(args[0]), args[1].discriminator)
        if origin is typing.Annotated:  # Annotated[int, Gt(0)] inside a type; conint(...), constr(...)
            return self.bounded(self.convert(args[0]), list(args[1:]))
        if origin is typing.Literal:
            if not all(a is None or type(a) in (str, int, bool) for a in args):
                raise Unsupported(f"{tp!r} has values other than strings, ints, bools and None")
            return t.LiteralOf(t.unique_literals(list(args)))
        dspy_type = dspy_types.introspected(self.dspy, tp)
        if dspy_type is not None:  # before BaseModel: DSPy's own types are not read as user models
            return dspy_type
        if dspy_types.is_tool(self.dspy, tp):
            raise Unsupported(f"{tp!r} (dspy.Tool) holds a Python function, so it cannot be a field type")
        if isinstance(tp, typing.TypeVar):  # a parameter of a generic model used without arguments
            if tp.__bound__ is not None or tp.__constraints__ or getattr(tp, "has_default", lambda: False)():
                raise Unsupported(f"the type parameter {tp!r} has a bound, constraints or a default")
            return t.Primitive("any")  # as pydantic validates it
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            self.read_enum(tp)
            return t.Named(self.ident(tp))
        if isinstance(tp, type) and issubclass(tp, self.pydantic.BaseModel):
            self.read_model(tp)
            return t.Named(self.ident(tp))
        raise Unsupported(f"the type {tp!r}")

    def default(self, info: Any) -> nodes.Default | None:
        from pydantic_core import PydanticUndefined

        factory = info.default_factory
        if factory is not None:
            if factory in (list, set, frozenset, tuple):  # the field's type decides the container
                return nodes.Default("factory", factory="list")
            if factory is dict:
                return nodes.Default("factory", factory="dict")
            if isinstance(factory, type) and issubclass(factory, self.pydantic.BaseModel):
                self.read_model(factory)
                return nodes.Default("model", value=self.ident(factory))
            lambda_ = getattr(factory, "__name__", "") == "<lambda>"
            found = factories.computed(_lambda_form(factory) if lambda_ else ("ref", _symbol_of(factory)))
            if found is not None:
                return nodes.Default("computed", computed=found)
            if not lambda_:
                return nodes.Default("unmirrored", from_factory=True)
            value = factory()  # `lambda: "x"`: the default "x"
            if not _is_literal(value):
                return nodes.Default("unmirrored", from_factory=True)
        else:
            value = info.default
        if value is PydanticUndefined:
            return None
        if isinstance(value, set | frozenset) and not value:
            value = []  # set(): an empty container, as the static frontend reads it
        if isinstance(value, enum.Enum):
            return nodes.Default("enum_member", value=self.ident(type(value)), member=value.name)
        if not _is_literal(value):  # computed when the class was made: `= datetime.now()`
            return nodes.Default("unmirrored")
        return nodes.Default("value", value=_arrays(value), from_factory=factory is not None)

    # -- declarations ----------------------------------------------------------------

    def read_enum(self, cls: type[enum.Enum]) -> None:
        ident = self.ident(cls)
        if ident in self.enums:
            return
        members = []
        for member in cls:
            value = member.value
            if not (isinstance(value, str) or (type(value) is int and -(2**63) <= value < 2**63)):
                raise Unsupported(f"{cls.__qualname__}.{member.name} has a value other than a string or an int")
            members.append(nodes.EnumMember(member.name, value, self.field_span(cls, member.name)))
        if len({type(m.value) for m in members}) > 1:
            raise Unsupported(f"{cls.__qualname__} mixes string and int values")
        doc = inspect.cleandoc(cls.__doc__ or "") if cls.__dict__.get("__doc__") else None
        self.enums[ident] = nodes.Enum(
            ident,
            cls.__name__,
            cls.__module__,
            cls.__qualname__,
            doc,
            tuple(members),
            self.span_of(cls),
            int_subclass=issubclass(cls, int),
        )

    def read_model(self, cls: Any) -> None:
        ident = self.ident(cls)
        if ident in self.models:
            return
        self.models[ident] = None  # type: ignore[assignment]  # guards recursion
        if not cls.__pydantic_complete__:
            cls.model_rebuild()  # resolves forward references to classes defined later
        fields = []
        for name, info in cls.model_fields.items():
            schema, unknown = config_reader.field_schema(info)
            aliases = config_reader.type_aliases(info.annotation, self.pydantic.JsonValue)
            fields.append(
                nodes.ModelField(
                    name,
                    self.discriminated(self.bounded(self.convert(info.annotation), info.metadata), info.discriminator),
                    self.default(info),
                    info.description,
                    info.alias,
                    self.field_span(cls, name),
                    self.config_part(config_reader.validation_alias, info.validation_alias),
                    info.serialization_alias,
                    info.exclude is True,
                    schema,
                    unknown or (f"the type alias `{aliases[0]}`" if aliases else ""),
                )
            )
        extra = config_reader.extra(cls.model_config)
        settings = {k: v for k, v in cls.model_config.items() if k in constraint_rules.SCALAR_SETTINGS}
        fields = [self.with_settings(f, settings) for f in fields]
        problems = [constraint_rules.strict_problem(f.type) for f in fields] if cls.model_config.get("strict") else []
        if any(problems):
            raise Unsupported(next(p for p in problems if p))
        generic = cls.__pydantic_generic_metadata__
        origin = generic["origin"] or cls  # `Page[Item]` keeps its docstring on `Page`
        doc = inspect.cleandoc(origin.__doc__) if origin.__dict__.get("__doc__") else None
        config = cls.model_config
        json_config = nodes.JsonConfig(
            config.get("ser_json_bytes", "utf8"),
            config.get("val_json_bytes", "utf8"),
            config.get("ser_json_inf_nan", "null"),
        )
        model_schema, model_unknown = config_reader.schema(config)
        self.models[ident] = nodes.Model(
            ident,
            cls.__name__,
            cls.__module__,
            cls.__qualname__,
            doc,
            tuple(fields),
            extra,
            self.span_of(origin),
            json_config,
            root=issubclass(cls, self.pydantic.RootModel),
            generic_origin=generic["origin"].__qualname__ if generic["origin"] else "",
            type_args=tuple(self.convert(a) for a in generic["args"]) if generic["origin"] else (),
            names=config_reader.names(config),
            computed=self.config_part(config_reader.computed, cls, self.convert, self.field_span),
            validated=_validated(cls),
            strict=config.get("strict") is True,
            schema=model_schema,
            schema_unknown=model_unknown,
        )

    @staticmethod
    def with_settings(field: nodes.ModelField, settings: dict[str, object]) -> nodes.ModelField:
        """The field with the model's scalar settings on its scalars (as the static frontend)."""
        ftype = constraint_rules.with_settings(field.type, settings)
        if isinstance(ftype, str):
            raise Unsupported(f"the field {field.name} under the model's settings: {ftype}")
        return dataclasses.replace(field, type=ftype)

    @staticmethod
    def config_part(read: Any, *args: Any) -> Any:
        """An alias or computed-field reader's result; what it refuses is reported as unsupported."""
        try:
            return read(*args)
        except config_reader.UnsupportedAlias as exc:
            raise Unsupported(str(exc)) from exc

    def discriminated(self, ty: t.Type, discriminator: Any) -> t.Type:
        """`ty` with a field's `discriminator=`, which must name a field (a callable is not read yet)."""
        if discriminator is None:
            return ty
        if not isinstance(discriminator, str):
            raise Unsupported("a callable Discriminator(...); name the tag field as a string")
        found = union_types.discriminate(ty, discriminator)
        if found is None:
            raise Unsupported(f"discriminator={discriminator!r} on a type that is not a union")
        return found

    def bounded(self, ty: t.Type, metadata: list[Any]) -> t.Type:
        """`ty` under the constraints pydantic keeps in a field's metadata (Gt, Len, StringConstraints, ...);
        `Json[T]` is `Annotated[T, Json()]`: the metadata before the mark constrain the `T`."""
        mark = next((i for i, m in enumerate(metadata) if isinstance(m, self.pydantic.Json)), None)
        if mark is not None:
            if metadata[mark + 1 :]:
                raise Unsupported(f"the metadata {metadata[mark + 1 :]!r} after Json")
            return t.JsonOf(self.bounded(ty, metadata[:mark]))
        out = constraint_rules.constrain(ty, self.constraints(metadata))
        if isinstance(out, str):
            raise Unsupported(out)
        return out

    def constraints(self, metadata: list[Any]) -> dict[str, Any]:
        """name -> value of every constraint in `metadata`, as the static frontend reads them from source."""
        found: dict[str, Any] = {}
        for item in metadata:
            if item is None:  # conint() and friends leave None where a constraint was not given
                continue
            if isinstance(item, self.pydantic.fields.FieldInfo):  # Annotated[int, Field(gt=0)] inside a type
                found.update(self.constraints(item.metadata))
                continue
            keys = {k: getattr(item, k) for k in constraint_rules.KNOWN if getattr(item, k, None) is not None}
            if not keys and not hasattr(item, "strict"):
                raise Unsupported(f"the metadata {item!r}")
            found.update(keys)
        return found

    def read_signature(
        self, cls: Any, qualname: str, form: typing.Literal["class", "string", "derived"], span: Span, module: str
    ) -> None:
        fields = []
        for role, table in (("input", cls.input_fields), ("output", cls.output_fields)):
            for name, info in table.items():
                extra = info.json_schema_extra or {}
                fields.append(
                    nodes.SignatureField(
                        name,
                        role,  # type: ignore[arg-type]
                        self.bounded(self.convert(info.annotation), info.metadata),
                        str(extra.get("desc", "")),
                        str(extra.get("prefix", "")),
                        bool(extra.get("IS_TYPE_UNDEFINED", False)),
                        self.field_span(cls, name) if form == "class" else span,
                        self.default(info),
                        _side_schema_unknown(info, extra, form),
                    )
                )
        refs = sorted({r for f in fields for r in t.refs(f.type)})
        customs = tuple(nodes.CustomType(r.partition(":")[2], r) for r in refs) if form == "string" else ()
        text = ""
        if form == "string":
            names = {r: r.partition(":")[2] for r in refs}
            side = {
                role: ", ".join(
                    f.name if f.type_undefined else f"{f.name}: {t.python_text(f.type, names)}"
                    for f in fields
                    if f.role == role
                )
                for role in ("input", "output")
            }
            text = f"{side['input']} -> {side['output']}"
        ident = f"{module}:{qualname}"
        self.signatures[ident] = nodes.Signature(
            ident,
            qualname.rpartition(".")[2],
            module,
            form,
            qualname,
            text,
            cls.instructions,
            tuple(fields),
            customs,
            span,
        )

    def read_module(self, path: Path) -> nodes.Source:
        name, root, _ = module_path(path.resolve())
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            try:
                self.read_member(module, attr, value)
            except (Unsupported, TypeError) as exc:
                self.problems.append({"message": f"{attr}: {exc}", "span": self.span_of(module).__dict__})
        return nodes.Source(self.display(str(path)), name, self.display(str(root)) or ".")

    def read_member(self, module: types.ModuleType, attr: str, value: Any) -> None:
        signature = self.dspy.Signature
        if isinstance(value, type) and f"{value.__module__}.{value.__qualname__}" in self.mapped:
            return  # mapped to the user's Rust type (config `types`): not read
        if isinstance(value, type) and value.__module__ == module.__name__:
            if issubclass(value, signature):
                self.read_signature(value, value.__qualname__, "class", self.span_of(value), module.__name__)
            elif issubclass(value, self.pydantic.BaseModel):
                generic = value.__pydantic_generic_metadata__
                # Generic (`Page`), or parametrised (`RootModel[list[str]]`, which pydantic puts in the
                # module that subscripts it at top level): read where used.
                if not generic["parameters"] and generic["origin"] is None:
                    self.read_model(value)
            elif issubclass(value, enum.Enum):
                self.read_enum(value)
            return
        found = None
        if isinstance(value, type) and issubclass(value, signature) and value is not signature:
            found = value  # dspy.Signature("...") assigned to a variable
        elif isinstance(value, self.dspy.Predict) and not isinstance(value, self.dspy.ChainOfThought):
            found = value.signature
        if found is not None:
            line = self.assignment_line(module, attr)
            pragma = self.pragma(module, line)
            span = Span(self.span_of(module).path, line, 1)
            form = assigned_form(module, attr)
            if found is not value and form != "string":
                return  # a module given a class (read where it is declared) or an unbound transform
            if form == "derived":
                # Derived by DSPy's signature algebra or built by running code: the generated
                # code imports it by this name, as the static frontend names it (derived.py).
                self.read_signature(found, attr, "derived", span, module.__name__)
            elif form == "string":
                self.read_signature(found, pragma or attr, "string", span, module.__name__)
            # else imported from another module, which is where it is read

    def assignment_line(self, module: types.ModuleType, attr: str) -> int:
        path = inspect.getsourcefile(module) or ""
        for number, text in enumerate(linecache.getlines(path), start=1):
            if re.match(rf"^{re.escape(attr)}\s*(:[^=]*)?=", text):
                return number
        return 1

    def pragma(self, module: types.ModuleType, line: int) -> str | None:
        path = inspect.getsourcefile(module) or ""
        lines = linecache.getlines(path)
        for number in (line, line - 1):
            if 1 <= number <= len(lines):
                match = PRAGMA.search(lines[number - 1])
                if match:
                    return match.group(1)
        return None


def assigned_form(module: types.ModuleType, attr: str) -> typing.Literal["string", "derived"] | None:
    """How the module's last top-level assignment to `attr` makes its signature class: "string"
    for a call given a string literal first (`dspy.Signature("q -> a")`), else "derived" (by
    DSPy's signature algebra, or by other code); None when no assignment binds it (an import)."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError, SyntaxError):
        return "derived"
    value = None
    for node in _module_statements(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == attr for t in targets):
                value = node.value
    if value is None:
        return None
    if not isinstance(value, ast.Call) or _dotted_name(value.func) not in STRING_CALL_NAMES:
        return "derived"
    first = value.args[0] if value.args else next((k.value for k in value.keywords if k.arg == "signature"), None)
    return "string" if isinstance(first, ast.Constant) and isinstance(first.value, str) else "derived"


def _module_statements(tree: ast.Module) -> list[ast.stmt]:
    """The module's statements in source order, through if / try / for / while / with (not defs)."""
    out: list[ast.stmt] = []
    pending: list[ast.stmt] = list(reversed(tree.body))
    while pending:
        node = pending.pop()
        out.append(node)
        if isinstance(node, ast.If | ast.Try | ast.For | ast.While | ast.With):
            blocks = [getattr(node, name, []) for name in ("body", "orelse", "finalbody")]
            blocks += [h.body for h in getattr(node, "handlers", [])]
            pending.extend(reversed([stmt for block in blocks for stmt in block]))
    return out


def _dotted_name(node: ast.expr) -> str:
    """The last name of `a.b.c` (a dotted name, not a call's result), else ""."""
    last = node.attr if isinstance(node, ast.Attribute) else ""
    while isinstance(node, ast.Attribute):
        node = node.value
    return (last or node.id) if isinstance(node, ast.Name) else ""


def _discriminator_only(pydantic: Any, origin: Any, args: tuple[Any, ...]) -> bool:
    """`Annotated[X, Field(discriminator=...)]` and no other metadata."""
    if origin is not typing.Annotated or len(args) != 2 or not isinstance(args[1], pydantic.fields.FieldInfo):
        return False
    return args[1].discriminator is not None and set(args[1]._attributes_set) == {"discriminator"}


def _arrays(value: Any) -> Any:
    """A default as JSON: tuples become lists, as the static frontend reads them."""
    return [_arrays(v) for v in value] if isinstance(value, tuple | list) else value


def _failing_line(exc: BaseException, path: Path) -> int:
    """The line of `path` that raised `exc` (the innermost frame in that file), else 1."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == path]
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).resolve() == path:
        lines.append(exc.lineno or 1)
    return (lines[-1] or 1) if lines else 1


def _validated(cls: Any) -> tuple[str, ...]:
    """The fields the class's validators apply to ("" for a model validator), sorted."""
    decorators = cls.__pydantic_decorators__
    out: set[str] = set()
    for group in (decorators.field_validators, decorators.validators):
        for decorator in group.values():
            fields = decorator.info.fields
            out |= {""} if "*" in fields else set(fields)
    if decorators.model_validators or decorators.root_validators:
        out.add("")
    return tuple(sorted(out))


def _json_alias(tp: Any) -> bool:
    """The recursive JSON alias (`JSON = dict[str, "JSON"] | list["JSON"] | str | ... | None`, or
    the same as `type JSON = ...`): a union of JSON scalars and dicts / lists of itself."""
    if type(tp).__name__ != "TypeAliasType":
        return False  # pydantic cannot build a model on a plain recursive assignment
    value = _alias_value(tp)
    if typing.get_origin(value) not in (typing.Union, types.UnionType):
        return False
    recursive = leaves = False
    for arm in typing.get_args(value):
        origin, args = typing.get_origin(arm), typing.get_args(arm)
        if arm in (str, int, float, bool, type(None)):
            leaves = True
            continue
        mapping = origin in (dict, collections.abc.Mapping) and len(args) == 2 and args[0] is str
        sequence = origin in (list, collections.abc.Sequence) and len(args) == 1
        itself = args[-1] is tp if (mapping or sequence) else False
        itself |= isinstance(args[-1], typing.ForwardRef) and args[-1].__forward_arg__ == tp.__name__
        if not (mapping or sequence) or not itself:
            return False
        recursive = True
    return recursive and leaves


def _alias_value(tp: Any) -> Any:
    """A TypeAliasType's value; one given as a string is evaluated in the alias's module (this
    frontend runs the user's code anyway, as pydantic does to read it)."""
    value = tp.__value__
    if isinstance(value, str):
        value = eval(value, vars(sys.modules[tp.__module__]))
    return value


def _is_literal(value: object) -> bool:
    """A value the static frontend reads as a literal: JSON's scalars, lists, tuples, dicts."""
    if value is None or isinstance(value, bool | int | float | str):
        return not isinstance(value, enum.Enum)
    if isinstance(value, list | tuple):
        return all(_is_literal(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_literal(v) for k, v in value.items())
    return False


def _symbol_of(obj: Any) -> str:
    """The dotted name the static frontend resolves `obj`'s spelling to (`datetime.datetime.now`)."""
    if any(obj is zone for zone in _UTC_OBJECTS):
        return "datetime.timezone.utc"
    owner = getattr(obj, "__self__", None)
    if isinstance(owner, type):  # a classmethod, bound: `datetime.now`
        return f"{owner.__module__}.{obj.__qualname__}"
    if isinstance(owner, types.ModuleType):  # a builtin function of a module: `time.time`
        return f"{owner.__name__}.{obj.__qualname__}"
    return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"


def _lambda_form(fn: Any) -> factories.Form | None:
    """The form of a lambda's body (factories.Form): found in its file by its position, its
    names resolved in its globals, as the static frontend resolves them by imports."""
    code = fn.__code__
    try:
        tree = ast.parse(Path(code.co_filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    first = next((p for p in code.co_positions() if p[0] is not None), None)
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Lambda) and not node.args.args and node.lineno == code.co_firstlineno
    ]
    if first is not None and first[2] is not None:  # the body's first instruction: the lambda it is in
        found = [n for n in found if n.body.col_offset <= first[2] <= (n.body.end_col_offset or 0)] or found
    if len(found) != 1:
        return None
    return _ast_form(found[0].body, fn.__globals__)


def _ast_form(node: ast.expr, scope: dict[str, Any]) -> factories.Form | None:
    if isinstance(node, ast.Attribute) and node.attr == "hex" and isinstance(node.value, ast.Call):
        inner = _ast_form(node.value, scope)
        return None if inner is None else ("hex", inner)
    if not isinstance(node, ast.Call) or any(k.arg != "tz" for k in node.keywords):
        return None
    func = _resolve(node.func, scope)
    if func is None:
        return None
    symbol = _symbol_of(func)
    args = [*node.args, *(k.value for k in node.keywords)]
    if symbol in factories.CONVERTED_BY and len(args) == 1 and isinstance(args[0], ast.Call):
        inner = _ast_form(args[0], scope)
        return None if inner is None else ("wrap", symbol, inner)
    resolved = [_resolve(a, scope) for a in args]
    return ("call", symbol, tuple(None if r is None else _symbol_of(r) for r in resolved))


def _resolve(node: ast.expr, scope: dict[str, Any]) -> Any:
    """The object a dotted name refers to, looked up without calling anything; None if none."""
    if isinstance(node, ast.Name):
        return scope.get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, scope)
        if isinstance(owner, type | types.ModuleType):
            return inspect.getattr_static(owner, node.attr, None) and getattr(owner, node.attr, None)
    return None


_UTC_OBJECTS = (datetime.timezone.utc,)

ANY = t.Primitive("any")
# What pydantic reads and writes as a list / a dict (static_types.SEQUENCE, MAPPING).
LISTS = (list, collections.abc.Sequence, collections.abc.MutableSequence)
DICTS = (dict, collections.abc.Mapping, collections.abc.MutableMapping)
# Bare containers as pydantic reads them: items Any; a JSON object's keys are strings.
BARE: dict[Any, t.Type] = {
    list: t.ListOf(ANY),
    typing.List: t.ListOf(ANY),  # noqa: UP006 (the bare typing alias is what user code writes)
    dict: t.DictOf(t.STR, ANY),
    typing.Dict: t.DictOf(t.STR, ANY),  # noqa: UP006
    tuple: t.TupleOf((ANY,), variadic=True),
    typing.Tuple: t.TupleOf((ANY,), variadic=True),  # noqa: UP006
    **dict.fromkeys((typing.Sequence, typing.MutableSequence, *LISTS[1:]), t.ListOf(ANY)),
    **dict.fromkeys((typing.Mapping, typing.MutableMapping, *DICTS[1:]), t.DictOf(t.STR, ANY)),
}


def _followed(base: Path, given: set[str], intro: Introspector) -> list[nodes.Source]:
    """The project's files the given modules imported (import following, as Python did it):
    modules loaded from files under `base`, outside any installed environment."""
    environments = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, *sys.path) if "-packages" in p}
    environments |= {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    out = []
    for name, module in sorted(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file or not file.endswith(".py") or name == "__main__":
            continue
        path = Path(file).resolve()
        if not path.is_relative_to(base) or any(path.is_relative_to(env) for env in environments):
            continue
        display = intro.display(str(path))
        if display in given or name.startswith("dspygen"):
            continue
        root = path.parents[name.count(".") + (path.name == "__init__.py")]  # the folder the top package is in
        out.append(nodes.Source(display, name, intro.display(str(root)) or ".", followed=True))
    return out


# The `json_schema_extra` keys DSPy's InputField / OutputField write that lower/json_schema.py computes.
_DSPY_EXTRA = frozenset({"__dspy_field_type", "desc", "prefix", "IS_TYPE_UNDEFINED"})


def _side_schema_unknown(info: Any, extra: Any, form: str) -> str:
    """nodes.SignatureField.schema_unknown, as the static frontend records it."""
    if not isinstance(info.json_schema_extra, dict):
        return "a `json_schema_extra` that is not a dict"
    if form == "derived" and extra.get("IS_TYPE_UNDEFINED", True) is False:
        return "an input of the string signature it is derived from (`IS_TYPE_UNDEFINED: false`)"
    for key in ("description", "alias", "title", "examples", "deprecated"):
        if getattr(info, key, None) is not None:
            return f"`{key}=` given"
    others = sorted(set(extra) - _DSPY_EXTRA)
    return f"`{others[0]}=` given (DSPy keeps it in `json_schema_extra`)" if others else ""


def main(argv: list[str]) -> int:
    # The answer goes to the real standard output; whatever the user's modules print (at any
    # level: print, sys.stdout, the file descriptor) goes to standard error instead.
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    base, files = Path(argv[0]).resolve(), [Path(a) for a in argv[1:]]
    intro = Introspector(base, files)
    sources = []
    for path in sorted({f.resolve() for f in files}):
        try:
            sources.append(intro.read_module(path))
        except (Exception, SystemExit) as exc:  # the user's code failed to import: report it, never a traceback
            where = {"path": intro.display(str(path)), "line": _failing_line(exc, path), "col": 1}
            what = (
                f"it called sys.exit({exc.code!r})" if isinstance(exc, SystemExit) else f"{type(exc).__name__}: {exc}"
            )
            intro.problems.append({"message": f"importing failed: {what}", "span": where})
    if intro.problems:
        json.dump({"problems": intro.problems}, answer)
        answer.flush()
        return 3
    sources += _followed(base, {s.path for s in sources}, intro)
    schema = nodes.Schema(
        nodes.SCHEMA_VERSION,
        tuple(sorted(sources, key=lambda s: s.path)),
        tuple(m for m in intro.models.values() if m is not None),
        tuple(intro.enums.values()),
        tuple(intro.signatures.values()),
    )
    answer.write(to_json(schema))
    answer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
