"""Lowering stage: Rust types as data.

A `RustType` is a tree (a path with generic arguments, or a tuple), rendered to text once,
at the end. What lowering needs to know about a type (is it a `Vec`, does it hold an
`IndexMap`, what is inside the `Box`) is read from the tree, never found by searching the
text. Every path is absolute (`::std::vec::Vec`, `::dspygen_runtime::pytypes::Date`,
`crate::models::Answer`), so no name a user gives a type can shadow one the code needs;
`shown()` is the short form docs and messages use (`Vec<pytypes::Date>`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Path:
    """A Rust item by its absolute path, and how docs show it."""

    full: str  # `::std::vec::Vec`
    short: str  # `Vec`

    def __str__(self) -> str:
        return self.full

    def child(self, name: str) -> Path:
        """An item inside this module or type: `Atom` -> `Atom::Int`."""
        return Path(f"{self.full}::{name}", f"{self.short}::{name}")


@dataclass(frozen=True)
class RustType:
    """A Rust type: `head<args>`, or the tuple of `args` when `head` is None."""

    head: Path | None
    args: tuple[RustType, ...] = ()

    def render(self) -> str:
        """The type as generated code writes it."""
        return self._text(full=True)

    def shown(self) -> str:
        """The type as docs and messages show it (`IndexMap<String, pytypes::Date>`)."""
        return self._text(full=False)

    def _text(self, *, full: bool) -> str:
        parts = [a._text(full=full) for a in self.args]
        if self.head is None:
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        name = self.head.full if full else self.head.short
        return f"{name}<{', '.join(parts)}>" if parts else name

    def is_(self, head: Path) -> bool:
        return self.head == head

    def mentions(self, head: Path) -> bool:
        """Whether `head` appears anywhere in the type."""
        return self.head == head or any(a.mentions(head) for a in self.args)


def of(head: Path, *args: RustType) -> RustType:
    return RustType(head, args)


def tuple_of(items: list[RustType]) -> RustType:
    return RustType(None, tuple(items))


def bare(name: str) -> RustType:
    """A type named as written: Rust's primitives (`i64`, `bool`), which no user type can
    shadow (a generated type name always starts with an uppercase letter: lower/naming.py),
    or the path of a user's own type (config `types`)."""
    return RustType(Path(name, name))
