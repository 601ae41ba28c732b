"""ir/graph.py: which fields close a cycle of direct containment (and need a Box)."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from dspygen.diagnostics import Span
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.ir.graph import cyclic_edges

SPAN = Span("m.py", 1, 1)


def model(ident: str, **fields: t.Type) -> nodes.Model:
    return nodes.Model(
        ident,
        ident,
        "m",
        ident,
        None,
        tuple(nodes.ModelField(name, ty, None, None, None, SPAN) for name, ty in fields.items()),
        "ignore",
        SPAN,
    )


def schema(*models: nodes.Model, enums: tuple[nodes.Enum, ...] = ()) -> nodes.Schema:
    return nodes.Schema(nodes.SCHEMA_VERSION, (), tuple(models), enums, ())


def ref(ident: str) -> t.Named:
    return t.Named(ident)


def test_no_models_no_edges() -> None:
    assert cyclic_edges(schema()) == frozenset()


def test_self_reference() -> None:
    s = schema(model("Node", value=t.STR, next=t.OptionalOf(ref("Node"))))
    assert cyclic_edges(s) == {("Node", "next")}


def test_required_self_reference_is_still_an_edge() -> None:
    s = schema(model("Loop", me=ref("Loop")))
    assert cyclic_edges(s) == {("Loop", "me")}


def test_mutual_recursion() -> None:
    s = schema(
        model("A", b=t.OptionalOf(ref("B")), name=t.STR),
        model("B", a=ref("A")),
        model("C", a=ref("A")),  # points into the cycle, is not on it
    )
    assert cyclic_edges(s) == {("A", "b"), ("B", "a")}


def test_three_cycle_and_a_tail() -> None:
    s = schema(
        model("A", b=ref("B")),
        model("B", c=t.OptionalOf(ref("C"))),
        model("C", a=t.OptionalOf(ref("A")), d=ref("D")),
        model("D", x=t.STR),
    )
    assert cyclic_edges(s) == {("A", "b"), ("B", "c"), ("C", "a")}


def test_list_and_dict_mediated_recursion_needs_no_box() -> None:
    s = schema(
        model("Tree", children=t.ListOf(ref("Tree")), by_name=t.DictOf(t.STR, ref("Tree"))),
        model("P", q=t.ListOf(ref("Q"))),
        model("Q", p=t.OptionalOf(t.ListOf(ref("P")))),
    )
    assert cyclic_edges(s) == frozenset()


def test_cycle_broken_by_a_list_on_one_edge() -> None:
    s = schema(model("A", b=ref("B")), model("B", a=t.ListOf(ref("A"))))
    assert cyclic_edges(s) == frozenset()


def test_refs_to_enums_and_unknown_ids_are_ignored() -> None:
    enum = nodes.Enum("Color", "Color", "m", "Color", None, (), SPAN)
    s = schema(model("A", color=ref("Color"), other=ref("not:declared")), enums=(enum,))
    assert cyclic_edges(s) == frozenset()


def test_deep_chain_is_iterative() -> None:
    n = 5_000
    assert n > sys.getrecursionlimit()
    chain = [model(f"M{i}", next=ref(f"M{i + 1}")) for i in range(n - 1)] + [model(f"M{n - 1}", end=t.STR)]
    assert cyclic_edges(schema(*chain)) == frozenset()


def test_deep_ring_is_iterative() -> None:
    n = 5_000
    ring = [model(f"M{i}", next=ref(f"M{(i + 1) % n}")) for i in range(n)]
    assert cyclic_edges(schema(*ring)) == {(f"M{i}", "next") for i in range(n)}


def test_deep_chain_in_reverse_declaration_order() -> None:
    n = 5_000
    chain = [model(f"M{i}", next=ref(f"M{i - 1}")) for i in range(n - 1, 0, -1)] + [model("M0", back=ref("M4000"))]
    # M4000 -> ... -> M0 -> M4000 is a cycle; M4999 .. M4001 only lead into it.
    expected = {(f"M{i}", "next") for i in range(1, 4001)} | {("M0", "back")}
    assert cyclic_edges(schema(*chain)) == expected


def _reaches(graph: dict[str, list[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return False


edge_kind = st.sampled_from(["direct", "optional", "list"])


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 8).flatmap(
        lambda n: st.tuples(
            st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), edge_kind), max_size=16)
        )
    )
)
def test_matches_brute_force_reachability(case: tuple[int, list[tuple[int, int, str]]]) -> None:
    n, edges = case
    fields: dict[str, dict[str, t.Type]] = {f"N{i}": {} for i in range(n)}
    direct: dict[str, list[str]] = {f"N{i}": [] for i in range(n)}
    for k, (src, dst, kind) in enumerate(edges):
        target = ref(f"N{dst}")
        ty: t.Type = {"direct": target, "optional": t.OptionalOf(target), "list": t.ListOf(target)}[kind]
        fields[f"N{src}"][f"f{k}"] = ty
        if kind != "list":
            direct[f"N{src}"].append(f"N{dst}")
    s = schema(*(model(name, **fs) for name, fs in fields.items()))
    expected = {
        (f"N{src}", f"f{k}")
        for k, (src, dst, kind) in enumerate(edges)
        if kind != "list" and _reaches(direct, f"N{dst}", f"N{src}")
    }
    assert cyclic_edges(s) == expected
