"""IR stage: how pydantic names one instantiation of a generic model (`Page[Item]`).

Both frontends must give an instantiation the name pydantic gives the parametrised class
(`BaseModel.model_parametrized_name`: the class name, then each argument through
`pydantic._internal._repr.display_as_type`), since the bindings find the class by it.
Python facts only: no Rust here.
"""

from __future__ import annotations

from dspygen.ir import types as t
from dspygen.registry import scalars


def display(ty: t.Type, names: dict[str, str]) -> str:
    """`ty` as pydantic's `display_as_type` writes it; `names` gives each ref's `__qualname__`."""
    if isinstance(ty, t.Primitive):  # `display_as_type` writes a class by its `__qualname__`
        return scalars.scalar(ty.name).python.qualname
    if isinstance(ty, t.UnionOf):
        return f"Union[{', '.join(display(a, names) for a in ty.arms)}]"
    if isinstance(ty, t.OptionalOf):
        return f"Union[{display(ty.inner, names)}, NoneType]"
    if isinstance(ty, t.LiteralOf):
        return "Literal[" + ", ".join(repr(v) for v in ty.values) + "]"
    if isinstance(ty, t.ListOf):
        return f"list[{display(ty.item, names)}]"
    if isinstance(ty, t.SetOf):
        return f"{'frozenset' if ty.frozen else 'set'}[{display(ty.item, names)}]"
    if isinstance(ty, t.TupleOf):
        items = ", ".join(display(i, names) for i in ty.items)
        return f"tuple[{items}, ...]" if ty.variadic else f"tuple[{items}]"
    if isinstance(ty, t.DictOf):
        return f"dict[{display(ty.key, names)}, {display(ty.value, names)}]"
    if isinstance(ty, t.Named):
        return names[ty.ref]
    if isinstance(ty, t.Mapped):
        return ty.name.rpartition(".")[2]  # a top-level class: its __qualname__
    raise ValueError(f"{t.shown(ty)} is not a type argument dspygen supports")  # the frontends refuse it first


def supported_argument(ty: t.Type) -> bool:
    """Whether the bindings can rebuild `ty` as a type argument: constraints (`Annotated[int, Gt(0)]`)
    and DSPy's own types would give another parametrisation, so they are refused."""
    plain = t.Primitive | t.OptionalOf | t.UnionOf | t.LiteralOf | t.Named | t.ListOf | t.SetOf | t.TupleOf | t.DictOf
    plain |= t.Mapped
    if not isinstance(ty, plain):
        return False
    return all(supported_argument(c) for c in t.children(ty))


def parametrized_name(origin: str, args: tuple[t.Type, ...], names: dict[str, str]) -> str:
    """`Page[Item]`: the name pydantic gives `origin` parametrised with `args`."""
    return f"{origin}[{', '.join(display(a, names) for a in args)}]"
