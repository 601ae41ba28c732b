"""Frontend stage: what is left out of the output, on purpose or because it failed.

A user leaves a declaration out with `# dspygen: skip` on it (a class, or the assignment of a
string or derived signature) or with `exclude = ["pkg.module.Name"]` in the target. What uses
a declaration left out goes with it; each is said in a note, so that nothing is left out
silently. A declaration whose reading reported an error is dropped the same way (silently:
its error is reported), so that the rest of the project is still read and lowered and every
error of a run shows at once; the run then writes nothing.
"""

from __future__ import annotations

import dataclasses
import re

import libcst as cst

from dspygen.diagnostics import Code, Level, Sink, Span
from dspygen.frontend.resolve import SourceModule
from dspygen.ir import graph, nodes

PRAGMA = re.compile(r"#\s*dspygen:\s*skip\b")
HOW = 'or leave `{name}` out on purpose: `# dspygen: skip` on its line, or `exclude = ["{symbol}"]` in the target'


def marked(module: SourceModule, first: Span, last: Span) -> bool:
    """`# dspygen: skip` on one of the lines from `first` to `last` (a class from its first
    decorator to its `class` line), or alone on the line above. The spans are placed only in
    a file that holds the mark at all (diagnostics.Span): most hold none."""
    found = module.memo.get("skip marks")
    if found is None:
        found = module.memo["skip marks"] = PRAGMA.search(module.text) is not None
    return found is True and _marked_lines(module.lines, first.line, last.line)


def class_marked(module: SourceModule, node: cst.ClassDef) -> bool:
    """`marked` for a class: from its first decorator (`@dataclass  # dspygen: skip`) to its name."""
    return marked(module, module.span(node.decorators[0] if node.decorators else node), module.span(node.name))


def _marked_lines(lines: list[str], first: int, last: int) -> bool:
    for number in range(first, last + 1):
        if 1 <= number <= len(lines) and PRAGMA.search(lines[number - 1]):
            return True
    above = lines[first - 2].strip() if 2 <= first <= len(lines) + 1 else ""
    return above.startswith("#") and PRAGMA.search(above) is not None


def explain_errors(sink: Sink, start: int, name: str, symbol: str) -> None:
    """Add to each error reported since `start` (inside one declaration) how to leave it out."""
    how = HOW.format(name=name, symbol=symbol)
    for i in range(start, len(sink.items)):
        item = sink.items[i]
        if item.level is Level.ERROR and "dspygen: skip" not in item.hint:
            sink.items[i] = dataclasses.replace(item, hint=f"{item.hint}; {how}")


@dataclasses.dataclass(frozen=True)
class LeftOut:
    """A declaration left out on purpose: where, and why (`# dspygen: skip` or `exclude`)."""

    name: str
    span: Span
    why: str


def prune(
    schema: nodes.Schema, left_out: dict[str, LeftOut], failed: set[str], sink: Sink, noted: bool = True
) -> nodes.Schema:
    """The schema without the declarations left out or failed, nor those that use them.

    Each declaration left out on purpose, and each one going with it, gets a note; those that
    go with a failed one are dropped silently (the failure's error is reported)."""
    listed: list[nodes.Model | nodes.Enum | nodes.Signature] = [*schema.models, *schema.enums, *schema.signatures]
    decls = {d.id: d for d in listed}
    if noted:
        for _, why in sorted(left_out.items()):
            sink.note(Code.LEFT_OUT, f"`{why.name}` is left out ({why.why})", why.span)
    gone: dict[str, str | None] = {ident: ident for ident in left_out}  # id -> the skipped id it follows
    gone.update({ident: None for ident in failed})
    changed = True
    while changed:
        changed = False
        for ident, decl in decls.items():
            if ident in gone or isinstance(decl, nodes.Enum):
                continue
            cause = next((r for r in graph.declaration_refs(decl) if r in gone), None)
            if cause is not None:
                root = gone[ident] = gone[cause]
                changed = True
                if root is not None and noted:
                    because = left_out[root].name
                    sink.note(
                        Code.LEFT_OUT,
                        f"`{decl.name}` is left out too: it uses `{_name(decls, left_out, cause)}`"
                        + (f", which uses `{because}`" if _name(decls, left_out, cause) != because else ""),
                        decl.span,
                    )
    return dataclasses.replace(
        schema,
        models=tuple(m for m in schema.models if m.id not in gone),
        enums=tuple(e for e in schema.enums if e.id not in gone),
        signatures=tuple(s for s in schema.signatures if s.id not in gone),
    )


def _name(
    decls: dict[str, nodes.Model | nodes.Enum | nodes.Signature], left_out: dict[str, LeftOut], ident: str
) -> str:
    decl = decls.get(ident)
    return decl.name if decl is not None else left_out[ident].name if ident in left_out else ident
