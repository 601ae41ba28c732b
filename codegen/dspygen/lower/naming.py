"""Lowering stage: the naming authority. Python names -> Rust identifiers.

Every Rust identifier dspygen emits comes from here, with the serde rename that keeps
the Python spelling on the wire. Keywords become raw identifiers (`r#type`) or, for
the few that cannot be raw (`self`, `crate`, ...), a trailing underscore.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Strict and reserved keywords of Rust 2021.
KEYWORDS = frozenset(
    {
        *("as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern"),
        *("false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub"),
        *("ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe"),
        *("use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro", "override"),
        *("priv", "try", "typeof", "unsized", "virtual", "yield"),
    }
)
# Keywords that `r#` cannot escape.
NOT_RAW = frozenset({"self", "Self", "super", "crate", "_"})
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class RustName:
    """A Rust identifier and the wire name serde must use when they differ."""

    ident: str
    rename: str | None


def is_ascii_identifier(name: str) -> bool:
    return bool(IDENT.match(name))


def split_words(name: str) -> list[str]:
    """`camelCase` / `snake_case` / `HTTPServer2` -> lowercase-insensitive word list."""
    words: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        words.extend(re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+|[A-Z]", chunk))
    return words


def snake(name: str) -> str:
    return "_".join(w.lower() for w in split_words(name))


def pascal(name: str) -> str:
    return "".join(w[:1].upper() + w[1:].lower() for w in split_words(name))


def field_name(python: str) -> RustName:
    """A struct field: snake_case, keywords escaped, renamed on the wire when it differs."""
    base = snake(python) or "field"
    if base[0].isdigit():
        base = f"f_{base}"
    if base in NOT_RAW:
        ident = f"{base}_"
    elif base in KEYWORDS:
        ident = f"r#{base}"
    else:
        ident = base
    wire = ident.removeprefix("r#")
    return RustName(ident, None if wire == python else python)


def type_name(python: str) -> str:
    """A type: the Python class name when it is already UpperCamelCase, else PascalCase."""
    if is_ascii_identifier(python) and python[0].isupper() and "_" not in python:
        return python
    converted = pascal(python) or "Type"
    return f"T{converted}" if converted[0].isdigit() else converted


def qualified_type_name(qualname: str) -> str:
    """`RAG.generate_answer` -> `RAGGenerateAnswer`: each part as a type name, joined."""
    return "".join(type_name(part) for part in qualname.split("."))


def variant_name(python: str) -> str:
    """An enum variant from a member name or a Literal value."""
    converted = pascal(python)
    if not converted:
        return "Empty" if python == "" else "Value"
    if converted in KEYWORDS:
        # `Literal["self"]` / a member `SELF` PascalCases to `Self`, a keyword that
        # cannot be a variant (nor a raw identifier): `Self_`, as fields do.
        return f"{converted}_"
    return f"V{converted}" if converted[0].isdigit() else converted


# Names for the ASCII characters that carry no word, to spell out Literal values such as "+".
_SYMBOLS = {
    **{" ": "Space", "!": "Bang", '"': "Quote", "#": "Hash", "$": "Dollar", "%": "Percent", "&": "Amp"},
    **{"'": "Apostrophe", "(": "LParen", ")": "RParen", "*": "Star", "+": "Plus", ",": "Comma", "-": "Minus"},
    **{".": "Dot", "/": "Slash", ":": "Colon", ";": "Semicolon", "<": "Lt", "=": "Eq", ">": "Gt", "?": "Question"},
    **{"@": "At", "[": "LBracket", "\\": "Backslash", "]": "RBracket", "^": "Caret", "_": "Underscore"},
    **{"`": "Backtick", "{": "LBrace", "|": "Pipe", "}": "RBrace", "~": "Tilde"},
}


def spelled_variant(python: str) -> str:
    """A variant that keeps every character of `python`: `V` and letters and digits as they
    are, other characters by name (`+` -> `Plus`, `é` -> `Ue9`). For values whose
    PascalCase forms collide (`"a-b"` / `"a_b"`, `"+"` / `"-"`, `"self"` / `"Self"`)."""
    parts = ["V"]
    for ch in python:
        if ch.isascii() and ch.isalnum():
            parts.append(ch)
        else:
            parts.append(_SYMBOLS.get(ch) or f"U{ord(ch):x}")
    return "".join(parts)


def variant_names(names: list[str]) -> list[str]:
    """The variants of an enum's members or a Literal's values, in order: `variant_name`,
    or `spelled_variant` for the names whose `variant_name` another name shares."""
    base = [variant_name(n) for n in names]
    return [spelled_variant(n) if base.count(b) > 1 else b for n, b in zip(names, base, strict=True)]


def variant_of(names: list[str], name: str) -> str:
    """The variant of `name` among the members or values `names`."""
    return variant_names(names)[names.index(name)]


def needs_acronym_allow(ident: str) -> bool:
    """clippy::upper_case_acronyms fires on all-caps type names such as `QA`."""
    return len(ident) > 1 and ident.isupper()


def static_name(ident: str) -> str:
    """SCREAMING_SNAKE for statics derived from a type name."""
    return snake(ident).upper()


def fn_suffix(ident: str) -> str:
    return snake(ident)


def type_words(words: dict[str, str], kind: str, parts: list[str]) -> str:
    """One type argument as words: `kind` is the IR kind, `parts` its arguments' words."""
    return words.get(kind, pascal(kind)) + "".join(parts)


def instance_type_name(origin: str, args: list[str]) -> str:
    """`Page[Item]` -> `PageItem`, `Page[list[str]]` -> `PageListStr`: the generic's type name,
    then each argument's words (`args`, from `type_words`)."""
    return qualified_type_name(origin) + "".join(args)


def union_type_name(arm_words: list[str], discriminator: str | None, taken: set[str]) -> str:
    """A union's enum: its arms joined by `Or` (`CatOrDog`), `By<Tag>` when discriminated (the
    same arms with and without a tag are two types); `2`, `3`, ... after a name already taken."""
    base = "Or".join(arm_words) + (f"By{pascal(discriminator) or 'Tag'}" if discriminator else "")
    name, n = base, 1
    while name in taken or name in KEYWORDS:
        n += 1
        name = f"{base}{n}"
    return name


def union_variants(arm_words: list[str]) -> list[str]:
    """A union's variants, one per arm (`Cat`, `ListInt`); a repeated word numbered (`Int`, `Int2`)."""
    out: list[str] = []
    for word in arm_words:
        name, n = word, 1
        while name in out or name in KEYWORDS:
            n += 1
            name = f"{word}{n}"
        out.append(name)
    return out
