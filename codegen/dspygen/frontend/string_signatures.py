"""Frontend stage: string signatures ("question -> answer: str") given to DSPy calls.

Finds `dspy.Signature("...")`, `dspy.Predict("...")` and `dspy.ChainOfThought("...")`,
parses the string with DSPy's grammar, resolves custom types from the enclosing module
(inside generics too, which DSPy itself cannot), and names each signature after where
it stands: the assigned variable, prefixed by enclosing classes (`RAG.generate`); where
nothing is assigned (a call inside a function, in a list, as an argument), the enclosing
classes and functions (`RAG.forward`), else the module's name; or an explicit
`# dspygen: name=Name` comment on the call's line or the line above. Two that would share a
name get distinct ones (`answer`, `answer2`, in order), with a warning saying how to name them.
"""

from __future__ import annotations

import inspect
import re
from typing import TYPE_CHECKING

import libcst as cst

from dspygen.diagnostics import Code, Sink, Span
from dspygen.frontend import call_sites, literals, local_imports, prescan
from dspygen.frontend import dspy_rules as rules
from dspygen.frontend.field_args import not_static
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.frontend.skipping import LeftOut, explain_errors, marked
from dspygen.frontend.static_types import TypeContext, convert
from dspygen.frontend.static_types import text as text_of
from dspygen.ir import nodes
from dspygen.ir import types as t

if TYPE_CHECKING:
    from dspygen.frontend.classes import ClassReader

# DSPy's type parser looks names up in `typing` before anything else.
TYPING_NAMES = {n: f"typing.{n}" for n in ("Optional", "Union", "List", "Dict", "Literal", "Any", "Tuple")}
PRAGMA = re.compile(r"#\s*dspygen:\s*name\s*=\s*([A-Za-z_][A-Za-z0-9_]*)")


class _Finder(call_sites.Walker):
    def __init__(self, module: SourceModule, index: Index) -> None:
        self.module = module
        self.index = index
        self.classes: list[str] = []
        self.scopes: list[str] = []  # enclosing classes and functions
        self.functions = 0  # how many functions enclose the walk
        self.targets: list[str | None] = []
        # Each call given a string signature: the string, the name it is assigned to, the classes and scopes around it.
        self.found: list[tuple[cst.Call, cst.BaseExpression, str | None, tuple[str, ...], tuple[str, ...]]] = []
        self.receivers: set[cst.BaseExpression] = set()
        # Calls given a string, spelled like DSPy's (`self._dspy.Predict`), of names nothing resolves.
        self.unresolved: list[tuple[cst.Call, cst.BaseExpression]] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node.name.value)
        self.scopes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()
        self.scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(node.name.value)
        self.targets.append(None)  # an assignment around the `def` does not name what is inside it
        self.functions += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()
        self.targets.pop()
        self.functions -= 1

    def _symbol(self, call: cst.Call) -> str | None:
        """What the call calls; inside a function, through the names its own imports bind."""
        if not (self.functions and local_imports.any_in(self.module)):
            return self.index.symbol(self.module, call.func)
        local = local_imports.at(self.module, self.module.span(call).line)
        return self.index.symbol(self.module, call.func, local)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.targets.append(None)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.targets.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        self.targets.append(_target(node.targets[0].target) if len(node.targets) == 1 else None)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        self.targets.pop()

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.targets.append(_target(node.target))

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        self.targets.pop()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in rules.SIGNATURE_METHODS:
            # `dspy.Signature("a -> b").append(...)`: the string only feeds a transform (transforms.py).
            self.receivers.add(func.value)
        arg = None if node in self.receivers else _signature_arg(node)
        if arg is None:
            return  # (resolving a name may read the module it is imported from: only where it counts)
        symbol = self._symbol(node)
        if symbol in rules.STRING_SIGNATURE_CALLS:
            target = self.targets[-1] if self.targets else None
            self.found.append((node, arg, target, tuple(self.classes), tuple(self.scopes)))
        elif symbol is None and _last_name(node.func) in rules.STRING_SIGNATURE_NAMES:
            self.unresolved.append((node, arg))


def _last_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def _report_unresolved(module: SourceModule, finder: _Finder, sink: Sink) -> None:
    """A string that reads as a signature given to a call spelled like DSPy's that dspygen cannot
    resolve (a module kept on `self`, a variable): left out, and said."""
    for call, arg in finder.unresolved:
        text = literals.string(arg)
        span = module.span(call)
        if text is not None and "->" in text and not marked(module, span, span):  # `# dspygen: skip`: on purpose
            callee = module.tree.code_for_node(call.func)
            sink.warning(
                Code.DYNAMIC_SIGNATURE,
                f"dspygen leaves out the string signature {text!r}: it cannot tell that `{callee}` is DSPy's "
                "(a name bound as the code runs, or by a star import)",
                span,
                hint="call it through a name imported from dspy (at module level, or in the function)",
            )


def _target(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return node.attr.value
    return None


def find_string_signatures(
    module: SourceModule, index: Index, reader: ClassReader, sink: Sink
) -> list[nodes.Signature]:
    if not prescan.may_call_with_string(module.text):
        return []
    finder = _Finder(module, index)
    sites = call_sites.of(module)
    finder.walk(module, None if sites is None else sites.string_calls)
    _report_unresolved(module, finder, sink)
    out = []
    named: dict[str, Span] = {}
    for call, arg, target, classes, scopes in finder.found:
        span = module.span(call)
        text = literals.string(arg)
        if text is None:
            sink.error(Code.NON_STATIC, "the signature string must be a literal", module.span(arg))
            continue
        explicit = _explicit_name(module, span)
        wanted = explicit or ".".join([*classes, target] if target else scopes or [module.module.rpartition(".")[2]])
        name = _free_name(wanted, named, module)
        if name != wanted:
            other = named.get(wanted) or module.span(module.classes[wanted])
            sink.warning(
                Code.NAME_COLLISION,
                f"this string signature would be named `{wanted}`, like the one at {other.render()}; "
                f"it is named `{name}`",
                span,
                hint="give each its own name with `# dspygen: name=MyName` on its line",
            )
        named[name] = span
        symbol = f"{module.module}.{name}"
        if marked(module, span, span) or symbol in reader.excluded:
            reader.excluded_met.update({symbol} & reader.excluded)
            why = "`# dspygen: skip`" if symbol not in reader.excluded else "`exclude` in the target"
            reader.left_out[f"{module.module}:{name}"] = LeftOut(name, span, why)
            continue
        start = len(sink.items)
        signature = _build(module, index, reader, sink, call, arg, text, name, span)
        explain_errors(sink, start, name, symbol)
        if signature is not None:
            out.append(signature)
    return out


def _free_name(wanted: str, named: dict[str, Span], module: SourceModule) -> str:
    """`wanted`, else `wanted2`, `wanted3`, ...: the first not taken in the module."""
    name, number = wanted, 1
    while name in named or name in module.classes:
        number += 1
        name = f"{wanted}{number}"
    return name


def _signature_arg(call: cst.Call) -> cst.BaseExpression | None:
    for position, arg in enumerate(call.args):
        key = arg.keyword.value if arg.keyword is not None else None
        is_signature = (key is None and position == 0) or key == "signature"
        if is_signature and isinstance(arg.value, cst.SimpleString | cst.ConcatenatedString | cst.FormattedString):
            return arg.value
    return None


def _explicit_name(module: SourceModule, span: Span) -> str | None:
    for line_no in (span.line, span.line - 1):
        if 1 <= line_no <= len(module.lines):
            line = module.lines[line_no - 1]
            if line_no != span.line and not line.lstrip().startswith("#"):
                continue
            match = PRAGMA.search(line)
            if match:
                return match.group(1)
    return None


def _instructions_arg(module: SourceModule, index: Index, call: cst.Call, sink: Sink) -> tuple[bool, str | None]:
    for position, arg in enumerate(call.args):
        key = arg.keyword.value if arg.keyword is not None else None
        if (key is None and position == 1) or key == "instructions":
            value = literals.string(arg.value)
            value = index.constant(module, arg.value) if value is None else value
            if value is None:
                sink.error(Code.NON_STATIC, *not_static("instructions", module, arg.value))
                return False, None
            return True, value
    return True, None


def build_string_signature(
    module: SourceModule,
    index: Index,
    reader: ClassReader,
    sink: Sink,
    call: cst.Call,
    arg: cst.BaseExpression,
    name: str,
) -> nodes.Signature | None:
    """The signature a builder call with the literal string `arg` makes (a transform's receiver)."""
    text = literals.string(arg)
    assert text is not None
    return _build(module, index, reader, sink, call, arg, text, name, module.span(call))


def _build(
    module: SourceModule,
    index: Index,
    reader: ClassReader,
    sink: Sink,
    call: cst.Call,
    arg: cst.BaseExpression,
    text: str,
    name: str,
    span: Span,
) -> nodes.Signature | None:
    where = module.span(arg)  # problems inside the string point at the string
    try:
        parsed = rules.parse_string_signature(text)
    except rules.SignatureSyntaxError as exc:
        sink.error(Code.STRING_SIGNATURE, str(exc), where)
        return None
    for warning in parsed.warnings:
        sink.warning(Code.STRING_SIGNATURE, warning, where)
    if not parsed.outputs:
        sink.warning(Code.EMPTY_SIGNATURE, f"the string signature {text!r} has no output field", where)
    ok, instructions = (True, None)
    if index.symbol(module, call.func) in rules.SIGNATURE_BUILDERS:
        ok, instructions = _instructions_arg(module, index, call, sink)
    custom: dict[str, str] = {}

    def named(symbol: str, expr: cst.BaseExpression, ctx: TypeContext) -> t.Type | None:
        result = reader.named(symbol, expr, ctx)
        if isinstance(result, t.Named):
            custom[text_of(expr)] = result.ref
        return result

    ctx = TypeContext(module, index, sink, named, anchor=arg, implicit=TYPING_NAMES)
    fields = []
    for role, side in (("input", parsed.inputs), ("output", parsed.outputs)):
        for field in side:
            if field.name in rules.RESERVED_FIELDS or field.name.startswith("_"):
                sink.error(Code.RESERVED_FIELD, f"DSPy cannot use `{field.name}` as a field name", where)
                ok = False
                continue
            ftype = t.STR if field.annotation is None else convert(field.annotation, ctx)
            if ftype is None:
                ok = False
                continue
            fields.append(
                nodes.SignatureField(
                    field.name,
                    "input" if role == "input" else "output",
                    ftype,
                    rules.default_desc(field.name),
                    rules.default_prefix(field.name),
                    field.annotation is None and role == "input",
                    span,
                )
            )
    if not ok:
        return None
    if instructions:
        # dspy keeps them as the class's __doc__ and reads them back through inspect.cleandoc.
        instructions = inspect.cleandoc(instructions)
    else:  # None, or "" (which dspy replaces with its default, as it does a missing docstring)
        instructions = rules.default_instructions([f.name for f in parsed.inputs], [f.name for f in parsed.outputs])
    return nodes.Signature(
        f"{module.module}:{name}",
        name.rpartition(".")[2],
        module.module,
        "string",
        name,
        text,
        instructions,
        tuple(fields),
        tuple(nodes.CustomType(k, v) for k, v in sorted(custom.items())),
        span,
    )
