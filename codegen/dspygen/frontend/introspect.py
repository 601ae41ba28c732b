"""Frontend stage (opt-in, `--frontend import`): the code that runs INSIDE the subprocess.

Imports the user's modules (so it runs their code: never on the pre-commit path) and
introspects the real classes (dspy signatures, pydantic models, Enums), printing the
same IR the static frontend builds, as JSON on stdout. Problems are printed as
diagnostics JSON instead. Run as `python -m dspygen.frontend.introspect ROOT FILE...`.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import json
import linecache
import re
import sys
import traceback
import types
import typing
from pathlib import Path
from typing import Any

from dspygen.diagnostics import Span
from dspygen.frontend.resolve import module_path
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.ir.dump import to_json

PRAGMA = re.compile(r"#\s*dspygen:\s*name\s*=\s*([A-Za-z_][A-Za-z0-9_]*)")
PRIMITIVES: dict[Any, t.PrimitiveName] = {str: "str", int: "int", float: "float", bool: "bool", type(None): "none"}


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

    def scalars(self) -> dict[Any, t.PrimitiveName]:
        import datetime
        import decimal
        import uuid

        return {
            bytes: "bytes",
            datetime.datetime: "datetime",
            datetime.date: "date",
            datetime.time: "time",
            datetime.timedelta: "timedelta",
            uuid.UUID: "uuid",
            decimal.Decimal: "decimal",
            typing.Any: "any",
            self.pydantic.AwareDatetime: "aware_datetime",
            self.pydantic.NaiveDatetime: "naive_datetime",
            self.pydantic.JsonValue: "json_value",
        }

    def convert(self, tp: Any) -> t.Type:
        if tp in PRIMITIVES:
            return t.Primitive(PRIMITIVES[tp])
        scalar = next((name for known, name in self.scalars().items() if tp is known), None)
        if scalar is not None:
            return t.Primitive(scalar)
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is list:
            return t.ListOf(self.convert(args[0]))
        if origin in (set, frozenset):
            return t.SetOf(self.convert(args[0]), frozen=origin is frozenset)
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return t.TupleOf((self.convert(args[0]),), variadic=True)
            if not args or Ellipsis in args:
                raise Unsupported(f"the tuple {tp!r}")
            return t.TupleOf(tuple(self.convert(a) for a in args))
        if origin is dict:
            key = self.convert(args[0])
            if not (key in (t.STR, t.Primitive("int")) or isinstance(key, t.LiteralOf | t.Named)):
                raise Unsupported(f"dict keys of type {args[0]!r}")
            return t.DictOf(key, self.convert(args[1]))
        if origin in (typing.Union, types.UnionType):
            members = [a for a in args if a is not type(None)]
            if len(members) == 1 and len(args) == 2:
                return t.OptionalOf(self.convert(members[0]))
            raise Unsupported(f"the union {tp!r}")
        if origin is typing.Literal:
            if not all(a is None or type(a) in (str, int, bool) for a in args):
                raise Unsupported(f"{tp!r} has values other than strings, ints, bools and None")
            return t.LiteralOf(t.unique_literals(list(args)))
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            self.read_enum(tp)
            return t.Named(self.ident(tp))
        if isinstance(tp, type) and issubclass(tp, self.pydantic.BaseModel):
            self.read_model(tp)
            return t.Named(self.ident(tp))
        raise Unsupported(f"the type {tp!r}")

    def default(self, info: Any) -> nodes.Default | None:
        from pydantic_core import PydanticUndefined

        if info.default_factory is not None:
            if info.default_factory is list:
                return nodes.Default("factory", factory="list")
            if info.default_factory is dict:
                return nodes.Default("factory", factory="dict")
            raise Unsupported("a default_factory other than list or dict")
        value = info.default
        if value is PydanticUndefined:
            return None
        if isinstance(value, enum.Enum):
            return nodes.Default("enum_member", value=self.ident(type(value)), member=value.name)
        json.dumps(value)  # raises TypeError for anything that is not a JSON literal
        return nodes.Default("value", value=_arrays(value))

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
            ident, cls.__name__, cls.__module__, cls.__qualname__, doc, tuple(members), self.span_of(cls)
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
            fields.append(
                nodes.ModelField(
                    name,
                    self.bounded(self.convert(info.annotation), info.metadata),
                    self.default(info),
                    info.description,
                    info.alias,
                    self.field_span(cls, name),
                )
            )
        extra: typing.Literal["ignore", "forbid"] = "forbid" if cls.model_config.get("extra") == "forbid" else "ignore"
        doc = inspect.cleandoc(cls.__doc__) if cls.__dict__.get("__doc__") else None
        config = cls.model_config
        json_config = nodes.JsonConfig(
            config.get("ser_json_bytes", "utf8"),
            config.get("val_json_bytes", "utf8"),
            config.get("ser_json_inf_nan", "null"),
        )
        self.models[ident] = nodes.Model(
            ident,
            cls.__name__,
            cls.__module__,
            cls.__qualname__,
            doc,
            tuple(fields),
            extra,
            self.span_of(cls),
            json_config,
        )

    def bounded(self, ty: t.Type, metadata: list[Any]) -> t.Type:
        """An int with the ge / gt / le / lt bounds pydantic keeps in a field's metadata."""
        bounds = {
            key: getattr(item, key)
            for item in metadata
            for key in ("ge", "gt", "le", "lt")
            if type(item).__module__.startswith("annotated_types") and hasattr(item, key)
        }
        if not bounds:
            return ty
        inner = ty.inner if isinstance(ty, t.OptionalOf) else ty
        if inner != t.Primitive("int") or not all(isinstance(v, int) for v in bounds.values()):
            raise Unsupported("bounds on a field that is not an int")
        bounded = t.Bounded(inner, **bounds)
        return t.OptionalOf(bounded) if isinstance(ty, t.OptionalOf) else bounded

    def read_signature(
        self, cls: Any, qualname: str, form: typing.Literal["class", "string"], span: Span, module: str
    ) -> None:
        fields = []
        for role, table in (("input", cls.input_fields), ("output", cls.output_fields)):
            for name, info in table.items():
                extra = info.json_schema_extra or {}
                fields.append(
                    nodes.SignatureField(
                        name,
                        role,  # type: ignore[arg-type]
                        self.convert(info.annotation),
                        str(extra.get("desc", "")),
                        str(extra.get("prefix", "")),
                        bool(extra.get("IS_TYPE_UNDEFINED", False)),
                        span if form == "string" else self.field_span(cls, name),
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
        if isinstance(value, type) and value.__module__ == module.__name__:
            if issubclass(value, signature):
                self.read_signature(value, value.__qualname__, "class", self.span_of(value), module.__name__)
            elif issubclass(value, self.pydantic.BaseModel):
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
            self.read_signature(found, pragma or attr, "string", span, module.__name__)

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


def _arrays(value: Any) -> Any:
    """A default as JSON: tuples become lists, as the static frontend reads them."""
    return [_arrays(v) for v in value] if isinstance(value, tuple | list) else value


def _failing_line(exc: BaseException, path: Path) -> int:
    """The line of `path` that raised `exc` (the innermost frame in that file), else 1."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() == path]
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).resolve() == path:
        lines.append(exc.lineno or 1)
    return (lines[-1] or 1) if lines else 1


def main(argv: list[str]) -> int:
    base, files = Path(argv[0]).resolve(), [Path(a) for a in argv[1:]]
    intro = Introspector(base, files)
    sources = []
    for path in sorted({f.resolve() for f in files}):
        try:
            sources.append(intro.read_module(path))
        except Exception as exc:  # the user's code failed to import: report it, never a traceback
            where = {"path": intro.display(str(path)), "line": _failing_line(exc, path), "col": 1}
            intro.problems.append({"message": f"importing failed: {type(exc).__name__}: {exc}", "span": where})
    if intro.problems:
        json.dump({"problems": intro.problems}, sys.stdout)
        return 3
    schema = nodes.Schema(
        nodes.SCHEMA_VERSION,
        tuple(sorted(sources, key=lambda s: s.path)),
        tuple(m for m in intro.models.values() if m is not None),
        tuple(intro.enums.values()),
        tuple(intro.signatures.values()),
    )
    sys.stdout.write(to_json(schema))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
