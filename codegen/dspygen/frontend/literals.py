"""Frontend stage: Python literal expressions evaluated from their syntax, never run.

The one evaluator of the static frontend: strings, numbers, True/False/None, lists and
tuples of those, the empty dict. A reader needing less narrows the value it gets (an Enum's
value is an int within 64 bits, a `Literal[...]` value is no float); `arithmetic` is for
readers of numbers that Python code commonly computes (`le=2**64 - 1`, `insert(-1, ...)`).
A leaf: it imports nothing of dspygen but the IR's types.
"""

from __future__ import annotations

import libcst as cst

from dspygen.ir import nodes

Scalar = str | int | float | bool | None
NAMED = {"True": True, "False": False, "None": None}


def string(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal, maybe concatenated (`"a" "b"`), else None: an
    f-string or a byte string is not one."""
    if isinstance(node, cst.SimpleString) and node.prefix.lower() in ("", "r", "u"):
        body = node.raw_value
        if "\\" not in body and "\n" not in body and "\r" not in body:
            return body  # no escape, no line break: the text between the quotes, as Python reads it
    if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
        value = node.evaluated_value  # (ast.literal_eval: a compile per string)
        return value if isinstance(value, str) else None
    return None


def number(node: cst.BaseExpression, *, arithmetic: bool = False) -> int | float | None:
    """An int or float literal, maybe negated (`5`, `-1e3`, `-(-5)`); with `arithmetic`, also
    `+5` and `+ - * **` between ints (`2**64 - 1`, `-(2**63)`), the power kept small."""
    if isinstance(node, cst.Integer | cst.Float):
        return node.evaluated_value
    signs = (cst.Minus, cst.Plus) if arithmetic else (cst.Minus,)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, signs):
        inner = number(node.expression, arithmetic=arithmetic)
        return None if inner is None else (-inner if isinstance(node.operator, cst.Minus) else inner)
    if arithmetic and isinstance(node, cst.BinaryOperation):
        left, right = number(node.left, arithmetic=True), number(node.right, arithmetic=True)
        if not isinstance(left, int) or not isinstance(right, int):
            return None
        if isinstance(node.operator, cst.Add):
            return left + right
        if isinstance(node.operator, cst.Subtract):
            return left - right
        if isinstance(node.operator, cst.Multiply):
            return left * right
        if isinstance(node.operator, cst.Power) and 0 <= right <= 256 and abs(left) <= 2**16:
            return int(left**right)
    return None


def integer(node: cst.BaseExpression, *, arithmetic: bool = False) -> int | None:
    """`number`, when it is an int."""
    value = number(node, arithmetic=arithmetic)
    return value if isinstance(value, int) else None


def scalar(node: cst.BaseExpression, *, arithmetic: bool = False) -> tuple[bool, Scalar]:
    """(found, value) of a string, a number (as `number` reads it), True, False or None."""
    text = string(node)
    if text is not None:
        return True, text
    found = number(node, arithmetic=arithmetic)
    if found is not None:
        return True, found
    if isinstance(node, cst.Name) and node.value in NAMED:
        return True, NAMED[node.value]
    return False, None


def value(node: cst.BaseExpression) -> tuple[bool, nodes.JsonValue]:
    """(found, value) of a scalar, or a list or tuple of values (a JSON array), or `{}`."""
    ok, found = scalar(node)
    if ok:
        return True, found
    if isinstance(node, cst.List | cst.Tuple):
        items = [value(e.value) for e in node.elements if isinstance(e, cst.Element)]
        if len(items) == len(node.elements) and all(ok for ok, _ in items):
            return True, [v for _, v in items]
    if isinstance(node, cst.Dict) and not node.elements:
        return True, {}
    return False, None


def json_value(node: cst.BaseExpression) -> tuple[bool, nodes.JsonValue]:
    """(found, value) of a JSON value written as a literal: `value`'s, and dicts with string keys."""
    if isinstance(node, cst.Dict):
        out: dict[str, nodes.JsonValue] = {}
        for e in node.elements:
            key = string(e.key) if isinstance(e, cst.DictElement) else None
            ok, found = json_value(e.value) if isinstance(e, cst.DictElement) else (False, None)
            if key is None or not ok:
                return False, None
            out[key] = found
        return True, out
    if isinstance(node, cst.List | cst.Tuple):
        items = [json_value(e.value) for e in node.elements if isinstance(e, cst.Element)]
        if len(items) == len(node.elements) and all(ok for ok, _ in items):
            return True, [v for _, v in items]
        return False, None
    return value(node)
