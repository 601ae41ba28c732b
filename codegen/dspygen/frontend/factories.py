"""Frontend stage: what a `default_factory=` computes, read without running it.

Empty containers, `lambda: <literal>`, the current time, a new UUID4 and `time.time` are mirrored
(Rust computes the same when the field is missing); a model class is the model built from its
own defaults. Any other callable is Python code: the field keeps its type, Rust requires it, and
a warning says so (pydantic calls the factory; Rust cannot).
"""

from __future__ import annotations

from typing import Literal

import libcst as cst

from dspygen.frontend.resolve import Index, SourceModule
from dspygen.ir import nodes

# Factories whose value is an empty container, by the JSON it is: the field's type decides the
# container (`set` for a set, `tuple` for a variadic tuple).
EMPTY_FACTORIES: dict[str, Literal["list", "dict"]] = {
    "builtins.list": "list",
    "builtins.set": "list",
    "builtins.frozenset": "list",
    "builtins.tuple": "list",
    "builtins.dict": "dict",
}

# A callable named as is (`default_factory=datetime.now`) or called with no argument in a lambda.
CALLABLES: dict[str, nodes.Computed] = {
    "datetime.datetime.now": "now",
    "datetime.datetime.today": "now",  # `datetime.today()` is `datetime.now()` without a zone
    "datetime.datetime.utcnow": "utcnow",
    "datetime.date.today": "today",
    "uuid.uuid4": "uuid4",
    "time.time": "time",
}
# `datetime.now(tz)` with one of these: the current time in UTC, with its offset.
UTC_ZONES = frozenset({"datetime.timezone.utc", "datetime.UTC", "pytz.utc", "pytz.UTC"})
# `str(x)` / `int(x)` around a call of CALLABLES (`lambda: str(uuid4())`).
CONVERTED: dict[tuple[str, nodes.Computed], nodes.Computed] = {
    ("builtins.str", "uuid4"): "uuid4_str",
    ("builtins.int", "time"): "time_int",
}


def empty_call(index: Index, module: SourceModule, node: cst.Call) -> tuple[bool, nodes.JsonValue]:
    """`set()`, `frozenset()`, `list()`, `tuple()`, `dict()`: an empty container, as JSON."""
    kind = EMPTY_FACTORIES.get(index.symbol(module, node.func) or "")
    if kind is None or node.args:
        return False, None
    return True, [] if kind == "list" else {}


# A factory's expression in a form both frontends build (the static one from source and
# symbols, the importing one from the objects): `("ref", symbol)` named as is, `("call", symbol,
# argument symbols)` a call in a lambda, `("wrap", symbol, call)` for `str(...)` / `int(...)`,
# `("hex", call)` for `<call>.hex`. None: anything else.
Form = tuple[object, ...]


def computed(form: Form | None) -> nodes.Computed | None:
    """What a mirrored factory computes, or None."""
    if form is None:
        return None
    if form[0] == "ref":
        return CALLABLES.get(str(form[1]))
    if form[0] == "call":
        symbol, args = str(form[1]), form[2]
        if symbol in CALLABLES and args == ():
            return CALLABLES[symbol]
        utc = isinstance(args, tuple) and len(args) == 1 and args[0] in UTC_ZONES
        return "now_utc" if symbol == "datetime.datetime.now" and utc else None
    inner = computed(form[-1]) if isinstance(form[-1], tuple) and form[-1][0] == "call" else None
    if form[0] == "hex":
        return "uuid4_hex" if inner == "uuid4" else None
    if form[0] == "wrap" and inner is not None:
        return CONVERTED.get((str(form[1]), inner))
    return None


def read_factory(index: Index, module: SourceModule, node: cst.BaseExpression) -> nodes.Default:
    """A factory other than `lambda: <literal>` (field_args reads those)."""
    symbol = index.symbol(module, node)
    if symbol in EMPTY_FACTORIES:
        return nodes.Default("factory", factory=EMPTY_FACTORIES[symbol])
    if symbol is not None and index.class_of(symbol) is not None:
        found = index.class_of(symbol)
        assert found is not None
        return nodes.Default("model", value=f"{found[0].module}:{found[1]}")
    if isinstance(node, cst.Lambda) and not node.params.params:
        found_computed = computed(_form(index, module, node.body))
    else:
        found_computed = computed(None if symbol is None else ("ref", symbol))
    if found_computed is not None:
        return nodes.Default("computed", computed=found_computed)
    return nodes.Default("unmirrored")  # lowering warns: Rust requires the field


def _form(index: Index, module: SourceModule, body: cst.BaseExpression) -> Form | None:
    if isinstance(body, cst.Attribute) and body.attr.value == "hex" and isinstance(body.value, cst.Call):
        inner = _form(index, module, body.value)
        return None if inner is None else ("hex", inner)
    if not isinstance(body, cst.Call):
        return None
    symbol = index.symbol(module, body.func)
    if symbol is None or any(a.star or (a.keyword is not None and a.keyword.value != "tz") for a in body.args):
        return None
    if symbol in CONVERTED_BY and len(body.args) == 1 and isinstance(body.args[0].value, cst.Call):
        inner = _form(index, module, body.args[0].value)
        return None if inner is None else ("wrap", symbol, inner)
    return ("call", symbol, tuple(index.symbol(module, a.value) for a in body.args))


CONVERTED_BY = frozenset(outer for outer, _ in CONVERTED)
