"""Lowering stage: sample values that satisfy a `Constrained` type, for the generated tests.

Given the sample lower/samples.py made for the unconstrained type, returns one pydantic
accepts under the constraints, as (given, written back): `strip_whitespace` and
`to_lower` make them differ. None where no sample is found (a pattern too intricate for
the small generator below, a set that would need more distinct items): the generated
tests then leave that sample out rather than assert something false.
"""

from __future__ import annotations

import decimal
import math
import re
from typing import Any

from dspygen.ir import types as t

try:  # Python 3.11+
    import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef,unused-ignore]

Pair = tuple[object, object]


def sample(c: t.Constrained, given: object, expected: object, hint: str) -> Pair | None:
    kind = c.inner.name if isinstance(c.inner, t.Primitive) else c.inner.kind
    if kind == "int":
        value = _int(c, hint)
        return None if value is None else (value, value)
    if kind == "float":
        number = _float(c, hint)
        return None if number is None else (number, number)
    if kind == "decimal":
        text = _decimal(c)
        return None if text is None else (text, str(decimal.Decimal(text)))
    if kind == "str":
        return _str(c, str(given))
    if kind == "bytes":
        return _bytes(c, given, expected)
    if isinstance(given, list | dict):
        sized = _sized(c, given, kind)
        if expected is given or sized is None:
            return None if sized is None else (sized, sized)
        # a dict whose keys pydantic changes (`strip_whitespace`): each side sized alike
        written = _sized(c, expected, kind) if isinstance(expected, list | dict) else None
        return None if written is None else (sized, written)
    return None


def _int(c: t.Constrained, hint: str) -> int | None:
    low, high = c.interval()
    value = high if high is not None else (low if low is not None else 7 * len(hint) + 1)
    m = c.multiple_of
    if isinstance(m, int) and m > 0:
        if high is not None:
            value = high - high % m
        elif low is not None:
            value = low + (-low) % m
        else:
            value = 3 * m
    return value if (low is None or value >= low) and (high is None or value <= high) else None


def float_ok(c: t.Constrained, value: float) -> bool:
    """Whether pydantic accepts `value` (as the generated Rust checks it)."""
    if c.allow_inf_nan is False and not math.isfinite(value):
        return False
    if c.multiple_of is not None:
        m = float(c.multiple_of)
        if abs(value - round(value / m) * m) > 1e-9:
            return False
    checks = {"gt": value.__gt__, "ge": value.__ge__, "lt": value.__lt__, "le": value.__le__}
    return all(checks[k](float(b)) for k, b in zip(("ge", "gt", "le", "lt"), c.bounds(), strict=True) if b is not None)


def _float(c: t.Constrained, hint: str) -> float | None:
    bounds = [float(b) for b in c.bounds() if b is not None]
    candidates = [0.25 * len(hint), 0.5, 1.0, 0.0, -1.0, 2.0, 100.0]
    candidates += [b + d for b in bounds for d in (0.0, 0.5, -0.5, 0.25, -0.25, 1.0, -1.0)]
    if len(bounds) >= 2:
        candidates.append((min(bounds) + max(bounds)) / 2)
    if c.multiple_of is not None:
        m = float(c.multiple_of)
        candidates = [round(v / m) * m for v in candidates] + [k * m for k in range(-5, 6)]
    return next((v for v in candidates if float_ok(c, v)), None)


def digits_ok(c: t.Constrained, value: decimal.Decimal) -> bool:
    """pydantic-core's max_digits / decimal_places, on the normalized value."""
    _, digit_tuple, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    digits, decimals = len(digit_tuple), 0
    if exponent >= 0:
        digits += exponent
    else:
        decimals = -exponent
        digits = max(digits, decimals)
    if c.max_digits is not None and digits > c.max_digits:
        return False
    if c.decimal_places is not None:
        if decimals > c.decimal_places:
            return False
        if c.max_digits is not None and digits - decimals > c.max_digits - c.decimal_places:
            return False
    return True


def decimal_ok(c: t.Constrained, value: decimal.Decimal) -> bool:
    checks = {"gt": value.__gt__, "ge": value.__ge__, "lt": value.__lt__, "le": value.__le__}
    bounds = {k: b for k, b in zip(("ge", "gt", "le", "lt"), c.bounds(), strict=True) if b is not None}
    return digits_ok(c, value) and all(checks[k](decimal.Decimal(b)) for k, b in bounds.items())


def _decimal(c: t.Constrained) -> str | None:
    candidates = ["-1.10E-7", "1.5", "0", "1", "2", "5", "10", "0.5", "12.34", "-1", "99", "0.75"]
    for b in c.bounds():
        if b is not None:
            exact = decimal.Decimal(b)
            candidates += [str(exact + d) for d in (0, 1, -1, decimal.Decimal("0.5"), decimal.Decimal("-0.5"))]
    return next((v for v in candidates if decimal_ok(c, decimal.Decimal(v))), None)


def _str(c: t.Constrained, base: str) -> Pair | None:
    core = base.strip() if c.strip_whitespace else base
    if c.pattern is not None:
        examples = [regex_example(c.pattern, stretch) for stretch in (0, 1, 2, 3, 5, 8)]
        core = next((e for e in examples if e is not None and str_ok(c, e)), "")
    low, high = c.min_length or 0, c.max_length
    if len(core) < low and c.pattern is None:
        core += "x" * (low - len(core))
    if high is not None and len(core) > high and c.pattern is None:
        core = core[:high]
        if c.strip_whitespace:
            core = core.strip()
    if not str_ok(c, core):
        return None
    given = f"  {core}\n" if c.strip_whitespace else core
    return given, core.lower() if c.to_lower else (core.upper() if c.to_upper else core)


def str_ok(c: t.Constrained, value: str) -> bool:
    """Whether pydantic accepts `value` (already stripped) under `c` (lengths in code points)."""
    if c.min_length is not None and len(value) < c.min_length:
        return False
    if c.max_length is not None and len(value) > c.max_length:
        return False
    return c.pattern is None or re.search(c.pattern, value) is not None


def _bytes(c: t.Constrained, given: object, expected: object) -> Pair | None:
    if isinstance(given, str) and given == expected:  # utf8 both ways: any ASCII text is its bytes
        length = max(c.min_length or 0, 1)
        if c.max_length is not None:
            length = min(length, c.max_length)
        if c.min_length is not None and length < c.min_length:
            return None
        return "b" * length, "b" * length
    return None


def _sized(c: t.Constrained, value: list[Any] | dict[str, Any], kind: str) -> object | None:
    low, high = c.min_length or 0, c.max_length
    if isinstance(value, dict):
        items = list(value.items())
        if high is not None:
            items = items[:high]
        return dict(items) if len(items) >= low else None
    out = list(value)
    if high is not None:
        out = out[:high]
    if len(out) < low and out and kind in {"list", "tuple"}:
        out += [out[0]] * (low - len(out))
    return out if len(out) >= low else None


def regex_example(pattern: str, stretch: int = 0) -> str | None:
    """A short string `re.search(pattern, ...)` finds a match in, or None; repeats run
    `stretch` times where the pattern lets them (to reach a min_length)."""
    try:
        text = _emit(sre_parse.parse(pattern), stretch)
    except (re.error, ValueError, TypeError):
        return None
    return text if text is not None and re.search(pattern, text) else None


def _emit(items: Any, stretch: int) -> str | None:
    out = []
    for op, av in items:
        name = str(op)
        piece: str | None
        if name == "LITERAL":
            piece = chr(av)
        elif name == "NOT_LITERAL":
            piece = "a" if av != ord("a") else "b"
        elif name == "ANY":
            piece = "a"
        elif name == "IN":
            piece = _one_of(av)
        elif name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            low, high, sub = av
            one = _emit(sub, stretch)
            piece = None if one is None else one * max(low, min(high, stretch))
        elif name in {"SUBPATTERN", "ATOMIC_GROUP"}:
            piece = _emit(av[-1] if name == "SUBPATTERN" else av, stretch)
        elif name == "BRANCH":
            piece = _emit(av[1][0], stretch)
        elif name == "AT":
            piece = ""
        else:
            return None
        if piece is None:
            return None
        out.append(piece)
    return "".join(out)


def _one_of(av: Any) -> str | None:
    for op, value in av:
        name = str(op)
        if name == "NEGATE":
            return None
        if name == "LITERAL":
            return chr(value)
        if name == "RANGE":
            return chr(value[0])
        if name == "CATEGORY":
            return {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}.get(str(value))
    return None
