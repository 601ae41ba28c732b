"""Frontend stage: the module-level names bound to derived signatures (`X = QA.append(...)`).

Walks each module's top-level statements (through if / try / with / for / while) for
assignments whose value is a transform (transforms.py computes it) and turns each result into
an IR signature of form "derived", named after its variable: that is the name the Rust type
takes and the one the generated code imports the real class by (DSPy names every such class
`StringSignature`, and desc / prefix cannot be rebuilt from a text). Plain string signatures
are left to string_signatures.py.

A signature built from values only running code knows (a loop of `.append`, a dict held in a
variable, `type("Dyn", (dspy.Signature,), ...)`) is a warning, not an error: the rest of the
file is still read, the signature is absent from the output rather than wrong, and
`--frontend import` reads it from the real class.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import libcst as cst

from dspygen.diagnostics import Code, Sink, Span
from dspygen.frontend import call_sites, literals, prescan
from dspygen.frontend import dspy_rules as rules
from dspygen.frontend.resolve import Index, SourceModule
from dspygen.frontend.skipping import LeftOut, explain_errors, marked
from dspygen.frontend.transforms import Dynamic, Evaluator, Failed, LeftOutBase, ordered
from dspygen.ir import nodes

if TYPE_CHECKING:
    from dspygen.frontend.classes import ClassReader


def _module_statements(body: list[cst.BaseStatement], in_loop: bool) -> Iterator[tuple[cst.BaseSmallStatement, bool]]:
    """Module-level small statements, through if / try / with / for / while (which mark loops)."""
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                yield small, in_loop
        elif isinstance(stmt, cst.If | cst.Try | cst.With | cst.For | cst.While):
            loop = in_loop or isinstance(stmt, cst.For | cst.While)
            blocks = [stmt.body, getattr(stmt, "orelse", None), getattr(stmt, "finalbody", None)]
            blocks += [h.body for h in getattr(stmt, "handlers", ())]
            for block in blocks:
                if isinstance(block, cst.Else | cst.Finally):
                    block = block.body
                if isinstance(block, cst.If):  # elif
                    yield from _module_statements([block], loop)
                elif isinstance(block, cst.IndentedBlock):
                    yield from _module_statements(list(block.body), loop)


def _assignment(small: cst.BaseSmallStatement) -> tuple[str, cst.BaseExpression] | None:
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value, small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
        return small.target.value, small.value
    return None


def find_derived(modules: list[SourceModule], index: Index, reader: ClassReader, sink: Sink) -> list[nodes.Signature]:
    evaluator = Evaluator(index, reader, sink)
    statements = {m.module: list(_module_statements(list(m.tree.body), False)) for m in modules}
    for module in modules:
        bindings: dict[str, list[cst.BaseExpression]] = {}
        for small, loop in statements[module.module]:
            found = _assignment(small)
            if found is not None:
                bindings.setdefault(found[0], []).append(found[1])
                if loop:
                    evaluator.loop_bound.setdefault(module.module, set()).add(found[0])
        evaluator.bindings[module.module] = bindings
    out = []
    for module in modules:
        bound: set[cst.CSTNode] = set()
        bound_calls: list[cst.Call] = []
        for small, in_loop in statements[module.module]:
            found = _assignment(small)
            if found is None or not isinstance(found[1], cst.Call):
                continue
            bound_calls.append(found[1])
            if _is_transform(module, evaluator.index, found[1]):
                bound.add(found[1])
            signature = _derived(module, evaluator, sink, found[0], found[1], in_loop)
            if signature is not None:
                out.append(signature)
        builders = {
            c.func.value
            for c in bound_calls
            if isinstance(c.func, cst.Name) and _signature_function(module, evaluator.index, c) is not None
        }
        if prescan.may_transform(module.text):
            sites = call_sites.of(module)
            _Unbound(module, evaluator, bound, builders, sink).walk(
                module, None if sites is None else sites.transform_calls
            )
    return out


class _Unbound(call_sites.Walker):
    """Warns about a transform of a signature that no module-level name holds
    (`dspy.Predict(QA.with_instructions("..."))`, or one inside a method): neither frontend can
    name it, and the Rust side would otherwise silently run the untransformed signature."""

    def __init__(
        self, module: SourceModule, evaluator: Evaluator, bound: set[cst.CSTNode], builders: set[str], sink: Sink
    ) -> None:
        self.module, self.evaluator, self.bound, self.sink = module, evaluator, bound, sink
        self.builders = builders  # functions a module-level name is assigned from: warned about there

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return node.name.value not in self.builders

    def visit_Call(self, node: cst.Call) -> bool:
        if node in self.bound:
            return False  # read by find_derived, with the calls inside it
        if not (isinstance(node.func, cst.Attribute) and node.func.attr.value in rules.SIGNATURE_METHODS):
            return True
        receiver = node.func.value
        while isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Attribute):
            if receiver.func.attr.value not in rules.SIGNATURE_METHODS:
                break
            receiver = receiver.func.value  # the start of a chain: `QA.append(...).delete(...)`
        index = self.evaluator.index
        symbol = index.symbol(self.module, receiver.func if isinstance(receiver, cst.Call) else receiver)
        if isinstance(receiver, cst.Call):
            signature = symbol in rules.SIGNATURE_BUILDERS
        else:
            signature = symbol is not None and self.evaluator.reader.kind_of(symbol) == "signature"
        if signature:
            self.sink.warning(
                Code.DYNAMIC_SIGNATURE,
                f"dspygen leaves out this `.{node.func.attr.value}(...)` signature: no module-level name holds it",
                self.module.span(node),
                "bind it to a module-level name (`Terse = QA.with_instructions(...)`) and use that name",
            )
            return False
        return True


def _derived(
    module: SourceModule, evaluator: Evaluator, sink: Sink, name: str, call: cst.Call, in_loop: bool
) -> nodes.Signature | None:
    span = module.span(call)
    reader, ident, symbol = evaluator.reader, f"{module.module}:{name}", f"{module.module}.{name}"
    if marked(module, span, span) or symbol in reader.excluded:
        reader.excluded_met.update({symbol} & reader.excluded)
        why = "`# dspygen: skip`" if symbol not in reader.excluded else "`exclude` in the target"
        reader.left_out[ident] = LeftOut(name, span, why)
        return None
    start = len(sink.items)
    try:
        return _derived_signature(module, evaluator, sink, name, call, in_loop)
    except LeftOutBase as exc:
        reader.left_out[ident] = LeftOut(name, span, f"it is derived from `{exc.name}`, which is left out")
        return None
    finally:
        explain_errors(sink, start, name, symbol)


def _derived_signature(
    module: SourceModule, evaluator: Evaluator, sink: Sink, name: str, call: cst.Call, in_loop: bool
) -> nodes.Signature | None:
    span = module.span(call)
    if _type_call(module, evaluator, call):
        sink.warning(
            Code.DYNAMIC_SIGNATURE,
            f"dspygen leaves out the signature `{name}`, a class built by calling type(...): "
            "only running the code can tell its fields",
            span,
        )
        return None
    builder = _signature_function(module, evaluator.index, call)
    if builder is not None:
        sink.warning(
            Code.DYNAMIC_SIGNATURE,
            f"dspygen leaves out the signature `{name}`, which the function `{builder}` builds when it runs: "
            "only running the code can tell its fields",
            span,
        )
        return None
    if not _is_transform(module, evaluator.index, call):
        return None  # a string signature (string_signatures.py), or not a signature
    try:
        value = evaluator.value(module, call)
        if value is not None and (in_loop or len(evaluator.bindings[module.module][name]) > 1):
            raise Dynamic(call, "an assignment inside a loop" if in_loop else f"`{name}`, assigned more than once")
    except Dynamic as exc:
        sink.warning(
            Code.DYNAMIC_SIGNATURE,
            f"dspygen leaves out the signature `{name}`, built from {exc.what}: "
            "only running the code can tell its fields",
            module.span(exc.node),
        )
        return None
    except Failed:
        return None
    if value is None:
        return None
    if not any(f.role == "output" for f in value.fields):
        sink.warning(Code.EMPTY_SIGNATURE, f"the signature `{name}` has no output field", span)
    if name in module.classes:
        sink.error(Code.NAME_COLLISION, f"the signature `{name}` rebinds the class `{name}`", span)
        return None
    return nodes.Signature(
        f"{module.module}:{name}",
        name,
        module.module,
        "derived",
        name,
        "",
        value.instructions,
        tuple(ordered(list(value.fields))),
        (),
        Span(span.path, span.line, 1),
    )


def _is_transform(module: SourceModule, index: Index, call: cst.Call) -> bool:
    """A transform call, or a signature builder given something other than a string."""
    if isinstance(call.func, cst.Attribute) and call.func.attr.value in rules.SIGNATURE_METHODS:
        return True
    symbol = index.symbol(module, call.func)
    if symbol not in rules.SIGNATURE_BUILDERS or (symbol or "").endswith("ensure_signature"):
        return False
    first = call.args[0].value if call.args and call.args[0].keyword is None else None
    first = next((a.value for a in call.args if a.keyword and a.keyword.value == "signature"), first)
    return first is not None and literals.string(first) is None and not isinstance(first, cst.FormattedString)


def _type_call(module: SourceModule, evaluator: Evaluator, call: cst.Call) -> bool:
    """`type("Dyn", (dspy.Signature,), {...})`."""
    if evaluator.index.symbol(module, call.func) != "builtins.type" or len(call.args) != 3:
        return False
    bases = call.args[1].value
    if not isinstance(bases, cst.Tuple | cst.List):
        return False
    for element in bases.elements:
        symbol = evaluator.index.symbol(module, element.value)
        if symbol is not None and evaluator.reader.kind_of(symbol) == "signature":
            return True
    return False


def _signature_function(module: SourceModule, index: Index, call: cst.Call) -> str | None:
    """The name of the module's own function `call` calls, when its body builds a signature
    (`X = build()`, as dspy's own tests assemble signatures with a loop of `.append`)."""
    if not isinstance(call.func, cst.Name):
        return None
    name = call.func.value
    func = next((s for s in module.tree.body if isinstance(s, cst.FunctionDef) and s.name.value == name), None)
    if func is None:
        return None
    finder = _BuildsSignature(module, index)
    func.visit(finder)
    return name if finder.found else None


class _BuildsSignature(cst.CSTVisitor):
    """Finds a signature builder call, or a transform given a dspy field, in a function body."""

    def __init__(self, module: SourceModule, index: Index) -> None:
        self.module, self.index, self.found = module, index, False

    def visit_Call(self, node: cst.Call) -> None:
        symbol = self.index.symbol(self.module, node.func)
        if symbol in rules.SIGNATURE_BUILDERS:
            self.found = True
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value in rules.SIGNATURE_METHODS:
            # `.append(...)` alone could be a list's: a dspy field among the arguments tells.
            fields = rules.INPUT_FIELD | rules.OUTPUT_FIELD
            self.found |= any(
                isinstance(a.value, cst.Call) and self.index.symbol(self.module, a.value.func) in fields
                for a in node.args
            )
