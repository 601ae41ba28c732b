"""Lowering stage: the Rust checks of pydantic constraints (`Constrained` IR nodes).

Design: each model with a constrained field gets one generated `validate(&mut self)`
(templates/src/models.rs.j2), called after serde has built the struct from JSON and after
PyO3 has read it from a Python object. One function per model, rather than a validating
newtype per constraint, keeps field types plain (`String`, `f64`, `Vec<T>`: what users
write and match on) and gives JSON and Python one definition of "valid". A Rust-built
struct crosses into Python through the class's `model_validate`, so pydantic itself
refuses one that breaks a constraint.

This module decides which checks a field needs, in pydantic-core's order (strip, lengths,
pattern, then to_lower / to_upper; bounds; decimal digits), and writes each as a call of
a helper of the runtime's `constraints` module; the template only loops over the lines.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field

from dspygen.diagnostics import Code, Sink, Span
from dspygen.ir import nodes
from dspygen.ir import types as t
from dspygen.lower import scalars, symbols
from dspygen.lower.literals import rust_float, rust_str
from dspygen.lower.view import PatternView
from dspygen.registry import scalars as registry

BOUND_CHECKS = (("gt", "gt"), ("ge", "ge"), ("lt", "lt"), ("le", "le"))
# (what pydantic calls the value, its unit) for length messages, by IR kind: a scalar's is in
# its registry entry.
LENGTH_WORDS = {
    **{s.name: s.constraints.length for s in registry.SCALARS if s.constraints.length is not None},
    **{
        "list": ("List", "items"),
        "tuple": ("Tuple", "items"),
        "set": ("Set", "items"),
        "dict": ("Dictionary", "items"),
    },
}


@dataclass
class ConstraintLowering:
    sink: Sink
    after: bool = False  # writing `check` (a validated value) rather than `validate`
    patterns: dict[str, str] = field(default_factory=dict)  # pattern -> static ident
    used: set[str] = field(default_factory=set)

    def pattern_views(self) -> tuple[PatternView, ...]:
        """The crate's patterns, one static each (models.rs)."""
        return tuple(PatternView(ident, rust_str(p)) for p, ident in self.patterns.items())

    def features(self) -> set[str]:
        """The runtime features the checks need: `regex` (what pydantic-core matches patterns
        with) when a pattern is used."""
        return ({"constraints"} if self.used else set()) | ({"regex"} if self.patterns else set())

    def model_checks(self, model: nodes.Model, idents: list[str], *, after: bool = False) -> tuple[str, ...]:
        """The statements of `model`'s `validate` (or, `after`, of `check`), one block per constrained field."""
        out = tuple(
            line
            for f, ident in zip(model.fields, idents, strict=True)
            for line in self.checks(f.name, ident, f.type, model.json, f.span, after=after)
        )
        if out and model.root and not after:  # root_deserialize! calls no `validate` yet
            self._refuse(model.qualname, model.span, "constraints on a RootModel's value are not supported yet")
            return ()
        return out

    def refuse_on_signature(self, fields: list[tuple[str, t.Type, Span]]) -> None:
        """A signature side has no `validate` yet: a constrained field there is a diagnostic."""
        for name, ty, span in fields:
            if _constrained(ty):
                self._refuse(name, span, "constraints on a signature field are not checked yet; use a model holding it")

    def checks(
        self, python_name: str, ident: str, ty: t.Type, json: nodes.JsonConfig, span: Span, *, after: bool = False
    ) -> tuple[str, ...]:
        """Rust statements checking field `ident` of `self`, in a block of their own (none if unconstrained).

        `after`: the checks a value pydantic has validated still passes (read from Python). A value
        lowered or uppercased was measured and matched before the change (`"ß".upper()` is `"SS"`),
        so those checks are left out, and no transform runs twice."""
        if not _constrained(ty):
            return ()
        self.after = after
        mutable = _transforms(ty) and not after
        borrow = "&mut" if mutable else "&"
        body = self._walk(python_name, "v0", ty, json, span, mutable, 0)
        if not body:
            return ()
        self.used.add("any")
        return ("{", f"let v0 = {borrow} self.{ident};", *body, "}")

    def _walk(
        self, name: str, place: str, ty: t.Type, json: nodes.JsonConfig, span: Span, mutable: bool, depth: int
    ) -> list[str]:
        """Statements checking the value `place` (a reference) of type `ty`."""
        if not _constrained(ty):
            return []
        inner = f"v{depth + 1}"
        if isinstance(ty, t.Constrained):
            own = self._own(name, place, ty, json)
            inside = self._walk(name, place, ty.inner, json, span, mutable, depth)
            # a dict's length is measured after its keys are validated: two may have become one
            return inside + own if isinstance(ty.inner, t.DictOf) else own + inside
        if isinstance(ty, t.OptionalOf):
            body = self._walk(name, inner, ty.inner, json, span, mutable, depth + 1)
            return _block(f"if let Some({inner}) = {place} {{", body)
        if isinstance(ty, t.JsonOf):  # the value parsed from the text
            body = self._walk(name, inner, ty.inner, json, span, mutable, depth + 1)
            return ["{", f"let {inner} = {'&mut' if mutable else '&'} {place}.0;", *body, "}"] if body else []
        if isinstance(ty, t.ListOf) or (isinstance(ty, t.TupleOf) and ty.variadic):
            item = ty.item if isinstance(ty, t.ListOf) else ty.items[0]
            body = self._walk(name, inner, item, json, span, mutable, depth + 1)
            return _block(f"for {inner} in {place}.{'iter_mut' if mutable else 'iter'}() {{", body)
        if isinstance(ty, t.SetOf):
            if _transforms(ty.item) and not self.after:
                self._refuse(name, span, "a set's items cannot be transformed (strip_whitespace, to_lower, to_upper)")
                return []
            body = self._walk(name, inner, ty.item, json, span, False, depth + 1)
            return _block(f"for {inner} in {place}.0.iter() {{", body)
        if isinstance(ty, t.DictOf):
            out: list[str] = []
            if _constrained(ty.key) and _transforms(ty.key) and mutable:
                # A changed key moves: the map is built again in order, a later entry whose key
                # becomes an earlier one's replacing its value in place, as a Python dict does.
                key, value = f"k{depth + 1}", f"x{depth + 1}"
                body = self._walk(name, inner, ty.key, json, span, True, depth + 1)
                out += [f"for (mut {key}, {value}) in {symbols.TAKE}({place}) {{", "{"]
                out += [f"let {inner} = &mut {key};", *body, "}", f"{place}.insert({key}, {value});", "}"]
            elif _constrained(ty.key):
                key_type = ty.key.inner if isinstance(ty.key, t.Constrained) else ty.key
                keys = f"{place}.keys().map(|k| &k.0)" if key_type == scalars.INT else f"{place}.keys()"
                body = self._walk(name, inner, ty.key, json, span, False, depth + 1)
                out += _block(f"for {inner} in {keys} {{", body)
            if _constrained(ty.value):
                body = self._walk(name, inner, ty.value, json, span, mutable, depth + 1)
                out += _block(f"for {inner} in {place}.{'values_mut' if mutable else 'values'}() {{", body)
            return out
        if isinstance(ty, t.TupleOf):
            out = []
            for position, item in enumerate(ty.items):
                body = self._walk(name, inner, item, json, span, mutable, depth + 1)
                if body:
                    out += ["{", f"let {inner} = {'&mut' if mutable else '&'} {place}.{position};", *body, "}"]
            return out
        self._refuse(name, span, f"constraints inside `{t.shown(ty)}` are not supported yet")
        return []

    def _own(self, name: str, place: str, c: t.Constrained, json: nodes.JsonConfig) -> list[str]:
        """The checks `c` itself asks of the value at `place`."""
        field_name = rust_str(name)
        base = c.inner
        kind = base.name if isinstance(base, t.Primitive) else base.kind
        out: list[str] = []
        call = f"{symbols.CONSTRAINTS}::"
        if c.strip_whitespace and not self.after:
            out.append(f"{call}strip({place});")
        cased = bool(c.to_lower or c.to_upper) and self.after  # measured before the case changed
        if (c.min_length is not None or c.max_length is not None) and not cased:
            what, unit = LENGTH_WORDS[kind]
            length = {
                "str": f"{place}.chars().count()",
                "bytes": f"{place}.0.len()",
                "set": f"{place}.0.len()",
            }.get(kind, f"{place}.len()")
            for key in ("min_length", "max_length"):
                limit = getattr(c, key)
                if limit is not None and not (key == "min_length" and limit == 0):  # 0: any length
                    out.append(f'{call}{key}({field_name}, {length}, {limit}, "{what}", "{unit}")?;')
        if c.pattern is not None and not cased:
            ident = self.patterns.setdefault(c.pattern, f"PATTERN_{len(self.patterns)}")
            out.append(f"{call}pattern({field_name}, {place}, &{ident})?;")
        if c.to_lower and not self.after:
            out.append(f"{call}lower({place});")
        if c.to_upper and not self.after:
            out.append(f"{call}upper({place});")
        if kind == "int":
            out += self._int(field_name, place, c)
        elif kind == "float":
            self.used.add("float")
            value = f"{place}.0" if scalars.float_newtype(json) is not None else f"*{place}"
            if c.allow_inf_nan is False:
                out.append(f"{call}finite({field_name}, {value})?;")
            if c.multiple_of is not None:
                m = float(c.multiple_of)
                shown = _shown(c.multiple_of)
                out.append(f"{call}float_multiple_of({field_name}, {value}, {rust_float(m)}, {shown})?;")
            for key, fn in BOUND_CHECKS:
                bound = getattr(c, key)
                if bound is not None:
                    out.append(f"{call}{fn}({field_name}, {value}, {rust_float(float(bound))}, {_shown(bound)})?;")
        elif kind == "decimal":
            self.used.add("decimal")
            for key, fn in BOUND_CHECKS:
                bound = getattr(c, key)
                if bound is not None:
                    exact = rust_str(str(decimal.Decimal(bound)))  # a float bound compares exactly, as in Python
                    out.append(f"{call}decimal_{fn}({field_name}, {place}.as_str(), {exact}, {_shown(bound)})?;")
            if c.max_digits is not None or c.decimal_places is not None:
                digits = symbols.NONE if c.max_digits is None else f"{symbols.SOME}({c.max_digits})"
                places = symbols.NONE if c.decimal_places is None else f"{symbols.SOME}({c.decimal_places})"
                out.append(f"{call}decimal_digits({field_name}, {place}.as_str(), {digits}, {places})?;")
        return out

    def _int(self, field_name: str, place: str, c: t.Constrained) -> list[str]:
        """Bounds an int's Rust type does not already hold (clippy refuses `u64 >= 0`), and multiple_of."""
        choice = scalars.int_choice(c)
        if choice is None:
            return []  # reported by the field lowering: beyond 128 bits
        lo, hi = next((lo, hi) for rust, lo, hi in scalars.INTS if rust == choice.rust)
        out = []
        call = f"{symbols.CONSTRAINTS}::"
        if c.multiple_of is not None:
            out.append(f"{call}int_multiple_of({field_name}, *{place}, {c.multiple_of}, {_shown(c.multiple_of)})?;")
        for key, fn in BOUND_CHECKS:
            bound = getattr(c, key)
            if not isinstance(bound, int):
                continue
            implied = {"gt": bound < lo, "ge": bound <= lo, "lt": bound > hi, "le": bound >= hi}[key]
            if not implied:
                out.append(f"{call}{fn}({field_name}, *{place}, {_int_literal(bound)}, {_shown(bound)})?;")
        return out

    def _refuse(self, name: str, span: Span, message: str) -> None:
        self.sink.error(Code.CONSTRAINT, f"`{name}`: {message}", span)


def _block(header: str, body: list[str]) -> list[str]:
    """`header { body }`, or nothing when the body is empty (a `check` without the transforms)."""
    return [header, *body, "}"] if body else []


def _int_literal(value: int) -> str:
    if value == -(2**127):
        return "i128::MIN"
    if value == -(2**63):
        return "i64::MIN"
    return str(value)


def _shown(bound: object) -> str:
    """The bound as pydantic's message shows it (`0`, `0.5`, a Decimal's text)."""
    return rust_str(str(bound))


def _constrained(ty: t.Type) -> bool:
    return isinstance(ty, t.Constrained) or any(_constrained(c) for c in t.children(ty))


def _transforms(ty: t.Type) -> bool:
    """Whether a value of `ty` may change in validation (strip_whitespace, to_lower, to_upper)."""
    if isinstance(ty, t.Constrained) and (ty.strip_whitespace or ty.to_lower or ty.to_upper):
        return True
    return any(_transforms(c) for c in t.children(ty))
