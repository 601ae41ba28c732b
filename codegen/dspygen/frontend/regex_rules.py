"""Frontend stage: whether a `pattern=` compiles, decided as pydantic decides it.

pydantic-core compiles patterns with the Rust `regex` crate (1.13 in pydantic-core 2.50), and
refuses the model when the crate does. Python's `re` is the wrong judge both ways: it takes
`\\Z`, `a{,3}`, `(?a)` and `(?#...)`, which the crate refuses (the generated `Regex::new` would
then panic at the first validation), and refuses `\\z`, `\\p{L}` and `(?<n>...)`, which the crate
takes. So pydantic-core itself decides, where it is importable (imported only when a pattern
is met, never on the fast path); otherwise the crate's rules below, which cover what real
patterns write.
"""

from __future__ import annotations

import functools
import re

# Constructs the `regex` crate refuses: look-around, back-references, atomic groups,
# conditionals, possessive repetition, `\Z`, `\N{...}`, octal `\0`, `{,n}`, comments `(?#`,
# `\b` in a class, and inline flags other than i, m, s, x, u, U, R.
REFUSED = [
    (re.compile(r"\(\?<?[=!]"), "look-around"),
    (re.compile(r"\\[1-9]|\\g<|\(\?P="), "a back-reference"),
    (re.compile(r"\(\?>"), "an atomic group"),
    (re.compile(r"\(\?\("), "a conditional"),
    (re.compile(r"\\Z"), "`\\Z` (the crate writes `\\z`)"),
    (re.compile(r"\\N\{"), "`\\N{...}`"),
    (re.compile(r"\\0"), "an octal escape"),
    (re.compile(r"\{,\d"), "`{,n}` (the crate needs `{0,n}`)"),
    (re.compile(r"\(\?#"), "a comment group"),
    (re.compile(r"\[[^\]]*\\b"), "`\\b` inside a class"),
]
FLAGS = re.compile(r"\(\?([a-zA-Z-]*)[:)]")  # `(?i)`, `(?x-s:...)`
CRATE_FLAGS = frozenset("imsxuUR-")
MAX_REPEAT = 1000  # beyond, the crate's compiled program outgrows its size limit on `\d`-like classes


def problem(pattern: str) -> str | None:
    """Why pydantic would refuse a model with `pattern`, or None when it compiles."""
    verdict = _pydantic_core(pattern)
    if verdict is None:
        return None
    return _rules(pattern) or (None if verdict is _UNKNOWN else verdict)  # the rules' words are plainer


_UNKNOWN = "?"


@functools.cache
def _pydantic_core(pattern: str) -> str | None:
    try:
        from pydantic_core import SchemaValidator, core_schema
    except ImportError:
        return _UNKNOWN
    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except Exception as exc:  # pydantic-core's SchemaError: the crate refused the pattern
        detail = [line.strip() for line in str(exc).splitlines() if line.strip().startswith("error:")]
        reason = detail[-1].removeprefix("error:").strip() if detail else None
        return f"pydantic refuses the pattern {pattern!r}: its regex engine (the Rust `regex` crate) cannot " + (
            f"compile it ({reason})" if reason else "compile it"
        )
    return None


def _rules(pattern: str) -> str | None:
    text = pattern.replace("\\\\", "")  # an escaped backslash is no escape
    found = [what for rule, what in REFUSED if rule.search(text)]
    if any(set(flags) - CRATE_FLAGS for flags in FLAGS.findall(text)):
        found.append("such inline flag")
    if found:
        return f"pydantic refuses the pattern {pattern!r}: its regex engine (the Rust `regex` crate) has no {found[0]}"
    counts = [int(n) for n in re.findall(r"\{\d*,?(\d+)\}", text)]
    if counts and max(counts) > MAX_REPEAT:
        return f"pydantic refuses the pattern {pattern!r}: a repetition of {max(counts)} outgrows its regex engine"
    return None
