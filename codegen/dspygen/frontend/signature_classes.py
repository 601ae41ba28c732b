"""Frontend stage: DSPy signature classes -> IR signatures, with their input and output fields.

Fields are read the way DSPy reads them, without running them: the role comes from
InputField/OutputField, and a missing description, prefix or instructions get DSPy's defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import libcst as cst

from dspygen.diagnostics import Code
from dspygen.frontend import dspy_rules as rules
from dspygen.frontend.class_reading import Reader
from dspygen.frontend.class_syntax import assignments, decl_id
from dspygen.frontend.field_args import call_symbol, read_call_args
from dspygen.frontend.resolve import SourceModule
from dspygen.frontend.union_types import ANNOTATED
from dspygen.ir import nodes
from dspygen.ir import types as t

GENERIC = frozenset({"typing.Generic", "typing_extensions.Generic"})


class SignatureClasses:
    """The DSPy-signature part of a ClassReader: it reads the signatures the reader records."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.index = reader.index
        self.sink = reader.sink
        self.extended: set[str] = set()  # ids of signatures other signatures derive from

    def read_signature(self, module: SourceModule, qualname: str, node: cst.ClassDef) -> nodes.Signature:
        fields: dict[str, nodes.SignatureField] = {}
        instructions = node.get_docstring()
        for base in self.reader.base_decls(module, node):
            if base in self.reader.signatures:
                self.extended.add(base)
                fields.update((f.name, f) for f in self.reader.signatures[base].fields)
                if instructions is None:
                    instructions = self.reader.signatures[base].instructions
        generic = self.generic(module, node, qualname)
        for small in [] if generic else assignments(node):
            field = self.signature_field(module, qualname, small)
            if field is not None:
                fields[field.name] = field
        ordered = [f for f in fields.values() if f.role == "input"] + [f for f in fields.values() if f.role == "output"]
        if instructions is None:
            instructions = rules.default_instructions(
                [f.name for f in ordered if f.role == "input"], [f.name for f in ordered if f.role == "output"]
            )
        ident = decl_id(module, qualname)
        return nodes.Signature(
            ident,
            node.name.value,
            module.module,
            "class",
            qualname,
            "",
            instructions,
            tuple(ordered),
            (),
            module.span(node),
        )

    def signature_field(
        self, module: SourceModule, qualname: str, small: cst.BaseSmallStatement
    ) -> nodes.SignatureField | None:
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            target, annotation, value = small.target, small.annotation.annotation, small.value
        elif (
            isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)
        ):
            target, annotation, value = small.targets[0].target, None, small.value
        else:
            return None
        name = target.value
        if value is None and annotation is not None:
            # `text: Annotated[str, dspy.InputField(desc=...)]`: pydantic takes the field from the metadata.
            annotation, value = self.annotated_field(module, annotation)
        role = self.field_role(module, value)
        if role is None:
            if annotation is None:
                assert isinstance(small, cst.Assign)
                self.reader.unannotated(module, qualname, small, None)
            elif not name.startswith("_") and not self.reader.is_classvar(module, annotation):
                what = "a type but no" if value is None else "a value that is not an"
                self.sink.error(
                    Code.BARE_ANNOTATION,
                    f"`{name}` in `{qualname}` has {what} InputField/OutputField",
                    module.span(target),
                )
            return None
        if name in rules.RESERVED_FIELDS or name.startswith("_"):
            self.sink.error(Code.RESERVED_FIELD, f"DSPy cannot use `{name}` as a field name", module.span(target))
            return None
        assert isinstance(value, cst.Call)
        args = read_call_args(
            self.index, module, value, self.sink, model_field=False, local=self.reader.body_scope(module)
        )
        ftype = t.STR if annotation is None else self.reader.type_of(module, annotation)
        if ftype is None or args.failed:
            return None
        return nodes.SignatureField(
            name,
            role,
            ftype,
            args.desc if args.desc is not None else (args.description or rules.default_desc(name)),
            args.prefix if args.prefix is not None else rules.default_prefix(name),
            annotation is None,
            module.span(target),
            args.default,
            args.schema_unknown,
        )

    def annotated_field(
        self, module: SourceModule, annotation: cst.BaseExpression
    ) -> tuple[cst.BaseExpression, cst.BaseExpression | None]:
        """`Annotated[T, ..., dspy.InputField(...)]`: the type without the field, and the field."""
        if not isinstance(annotation, cst.Subscript) or self.index.symbol(module, annotation.value) not in ANNOTATED:
            return annotation, None
        elements = list(annotation.slice)
        for i, element in enumerate(elements[1:], start=1):
            value = element.slice.value if isinstance(element.slice, cst.Index) else None
            if value is not None and self.field_role(module, value) is not None:
                rest = elements[:i] + elements[i + 1 :]
                if len(rest) == 1 and isinstance(rest[0].slice, cst.Index):
                    return rest[0].slice.value, value
                last = rest[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                return annotation.with_changes(slice=[*rest[:-1], last]), value
        return annotation, None

    def report_empty_signatures(self, signatures: Mapping[str, nodes.Signature]) -> None:
        """Warn about class signatures with no output field that no other signature extends."""
        for ident, sig in signatures.items():
            if ident not in self.extended and not any(f.role == "output" for f in sig.fields):
                found = self.index.class_of(f"{sig.module}.{sig.qualname}")
                if found is not None and not self.declares_output(*found):
                    self.sink.warning(
                        Code.EMPTY_SIGNATURE, f"the signature `{sig.qualname}` has no output field", sig.span
                    )

    def declares_output(self, module: SourceModule, qualname: str) -> bool:
        """Whether the class body declares an output field (one that failed is reported already)."""
        for small in assignments(module.classes[qualname]):
            value = small.value if isinstance(small, cst.Assign | cst.AnnAssign) else None
            if value is None and isinstance(small, cst.AnnAssign):
                value = self.annotated_field(module, small.annotation.annotation)[1]
            if self.field_role(module, value) == "output":
                return True
        return False

    def field_role(self, module: SourceModule, value: cst.BaseExpression | None) -> Literal["input", "output"] | None:
        if not isinstance(value, cst.Call):
            return None
        symbol = call_symbol(self.index, module, value)
        if symbol in rules.INPUT_FIELD:
            return "input"
        if symbol in rules.OUTPUT_FIELD:
            return "output"
        return None

    def generic(self, module: SourceModule, node: cst.ClassDef, qualname: str) -> bool:
        """Report a class with type parameters (`Generic[T]` base or `class C[T]`)."""
        where: cst.CSTNode | None = node.type_parameters
        for arg in node.bases:
            if isinstance(arg.value, cst.Subscript) and self.index.symbol(module, arg.value.value) in GENERIC:
                where = arg
        if where is None:
            return False
        self.sink.error(
            Code.UNSUPPORTED_MODEL,
            f"`{qualname}` is generic; generic models are not supported yet",
            module.span(where),
            hint="declare one model per concrete type, without type parameters",
        )
        return True
