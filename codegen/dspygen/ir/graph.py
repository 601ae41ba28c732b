"""IR stage: the dependency graph between declarations.

Finds the edges that close a cycle of direct containment (a model holding itself,
or two models holding each other, outside a list or dict): those need indirection
in languages whose values have a fixed size. Deterministic: nodes visited in order.
"""

from __future__ import annotations

from dspygen.ir import types as t
from dspygen.ir.nodes import Model, Schema, Signature


def direct_refs(ty: t.Type) -> list[str]:
    """Refs held inline (not behind a list or dict, which are already indirect)."""
    if isinstance(ty, t.Named):
        return [ty.ref]
    if isinstance(ty, t.OptionalOf):
        return direct_refs(ty.inner)
    if isinstance(ty, t.TupleOf) and not ty.variadic:  # a Rust tuple holds its items inline
        return [r for item in ty.items for r in direct_refs(item)]
    return []


def cyclic_edges(schema: Schema) -> frozenset[tuple[str, str]]:
    """(owner id, field name) pairs whose direct reference lies on a cycle."""
    graph: dict[str, list[tuple[str, str]]] = {
        m.id: [(f.name, ref) for f in m.fields for ref in direct_refs(f.type)] for m in schema.models
    }
    components = _strongly_connected(graph)
    component_of = {node: i for i, comp in enumerate(components) for node in comp}
    out = set()
    for owner, edges in graph.items():
        for field, ref in edges:
            same = ref in component_of and component_of[ref] == component_of[owner]
            if same and (len(components[component_of[owner]]) > 1 or ref == owner):
                out.add((owner, field))
    return frozenset(out)


def _strongly_connected(graph: dict[str, list[tuple[str, str]]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so deep graphs cannot overflow the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = [ref for _, ref in graph.get(node, []) if ref in graph]
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                out.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def declaration_refs(decl: Model | Signature) -> list[str]:
    """Every declaration a model or signature names in its types (fields, computed fields,
    type arguments, a string signature's custom types)."""
    if isinstance(decl, Signature):
        types_ = [f.type for f in decl.fields]
        return [r for ty in types_ for r in t.refs(ty)] + [c.ref for c in decl.custom_types]
    types_ = [f.type for f in decl.fields] + [c.type for c in decl.computed] + list(decl.type_args)
    return [r for ty in types_ for r in t.refs(ty)]


def reachable(schema: Schema, roots: set[str]) -> set[str]:
    """The ids of the declarations `roots` reach through the types they use (roots included)."""
    decls: dict[str, Model | Signature] = {m.id: m for m in schema.models}
    decls.update({s.id: s for s in schema.signatures})
    seen, stack = set(roots), sorted(roots)
    while stack:
        decl = decls.get(stack.pop())
        for ref in declaration_refs(decl) if decl is not None else []:
            if ref not in seen:
                seen.add(ref)
                stack.append(ref)
    return seen
