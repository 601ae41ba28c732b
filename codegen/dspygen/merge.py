"""Writer stage helper: keep the user's edits to generated TOML files.

Cargo.toml and pyproject.toml are generated, but users add dependencies, features,
profiles and metadata to them. On regeneration dspygen sets every key it renders and
keeps every other key, comment and layout of the file on disk (tomlkit), but for the keys it
wrote itself and renders no more (a mapped type's dependency, once no field holds the type):
those carry the comment `symbols.OWN_KEY`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from dspygen.lower.symbols import OWN_KEY

if TYPE_CHECKING:
    import tomlkit

# tomlkit is imported where a file is merged, not here: importing it costs about 30 ms, a
# quarter of a `dspygen check` that finds the output up to date (whose files are equal).

MERGED_FILES = frozenset({"Cargo.toml", "pyproject.toml"})


def _ours(value: Any) -> bool:
    """A key dspygen wrote while something needed it (symbols.OWN_KEY), not the user's."""
    trivia = getattr(value, "trivia", None)
    return trivia is not None and str(trivia.comment) == OWN_KEY


def _tables(value: Any) -> bool:
    # Tables (also out-of-order ones) merge key by key; inline tables are one value.
    from tomlkit.items import InlineTable

    return isinstance(value, MutableMapping) and not isinstance(value, InlineTable)


def _parse(*texts: str) -> list[tomlkit.TOMLDocument] | None:
    """The documents, or None if one is not TOML."""
    import tomlkit
    import tomlkit.exceptions

    try:
        return [tomlkit.parse(text) for text in texts]
    except tomlkit.exceptions.TOMLKitError:
        return None


def _add_user_keys(ours: Any, theirs: Any) -> None:
    """Copy into `ours` every key only `theirs` has, recursing into shared tables."""
    for key, value in theirs.items():
        if key not in ours and not _ours(value):
            ours[key] = value
        elif _tables(value) and _tables(ours[key]):
            _add_user_keys(ours[key], value)


def merge_toml(on_disk: str, rendered: str) -> str:
    """`rendered`, plus the keys only `on_disk` has; `rendered` if the file is unreadable.

    Starting from the rendered text keeps dspygen's own layout and comments exact; the
    user's keys keep their values and inline comments, at the end of their table.
    """
    if on_disk == rendered:  # the usual case, and tomlkit parses slowly (pure Python)
        return rendered
    parsed = _parse(rendered, on_disk)
    if parsed is None:
        return rendered
    ours, theirs = parsed
    _add_user_keys(ours, theirs)
    return ours.as_string()


def same_toml(on_disk: str, merged: str) -> bool:
    """The same data, header line and keys marked as dspygen's: then the user's layout stands."""
    if on_disk == merged:
        return True
    parsed = _parse(on_disk, merged)
    if parsed is None:
        return False
    disk, ours = parsed
    same_data = disk.unwrap() == ours.unwrap() and _marked(disk) == _marked(ours)
    return same_data and on_disk.partition("\n")[0] == merged.partition("\n")[0]


def _marked(table: Any, prefix: str = "") -> set[str]:
    """The dotted names of the keys marked as dspygen's (`_ours`)."""
    found: set[str] = set()
    for key, value in table.items():
        if _ours(value):
            found.add(prefix + key)
        if _tables(value):
            found |= _marked(value, f"{prefix}{key}.")
    return found
