"""Writer stage helper: keep the user's edits to generated TOML files.

Cargo.toml and pyproject.toml are generated, but users add dependencies, features,
profiles and metadata to them. On regeneration dspygen sets every key it renders and
keeps every other key, comment and layout of the file on disk (tomlkit).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import InlineTable

MERGED_FILES = frozenset({"Cargo.toml", "pyproject.toml"})


def _tables(value: Any) -> bool:
    # Tables (also out-of-order ones) merge key by key; inline tables are one value.
    return isinstance(value, MutableMapping) and not isinstance(value, InlineTable)


def _add_user_keys(ours: Any, theirs: Any) -> None:
    """Copy into `ours` every key only `theirs` has, recursing into shared tables."""
    for key, value in theirs.items():
        if key not in ours:
            ours[key] = value
        elif _tables(value) and _tables(ours[key]):
            _add_user_keys(ours[key], value)


def merge_toml(on_disk: str, rendered: str) -> str:
    """`rendered`, plus the keys only `on_disk` has; `rendered` if the file is unreadable.

    Starting from the rendered text keeps dspygen's own layout and comments exact; the
    user's keys keep their values and inline comments, at the end of their table.
    """
    try:
        ours = tomlkit.parse(rendered)
        theirs = tomlkit.parse(on_disk)
    except tomlkit.exceptions.TOMLKitError:
        return rendered
    _add_user_keys(ours, theirs)
    return tomlkit.dumps(ours)


def same_toml(on_disk: str, merged: str) -> bool:
    """The same data and header line: then the user's layout of the file stands."""
    try:
        same_data = tomlkit.parse(on_disk).unwrap() == tomlkit.parse(merged).unwrap()
    except tomlkit.exceptions.TOMLKitError:
        return False
    return same_data and on_disk.partition("\n")[0] == merged.partition("\n")[0]
