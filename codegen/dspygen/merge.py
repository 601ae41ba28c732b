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
HEADER = "# @generated"


def _tables(value: Any) -> bool:
    # Tables (also out-of-order ones) merge key by key; inline tables are one value.
    return isinstance(value, MutableMapping) and not isinstance(value, InlineTable)


def _merge_into(dst: Any, src: Any) -> None:
    for key, value in src.items():
        if _tables(value) and key in dst and _tables(dst[key]):
            _merge_into(dst[key], value)
        else:
            dst[key] = value


def merge_toml(on_disk: str, rendered: str) -> str:
    """`rendered` with the keys only `on_disk` has kept; `rendered` if the file is unreadable."""
    try:
        doc = tomlkit.parse(on_disk)
        ours = tomlkit.parse(rendered)
    except tomlkit.exceptions.TOMLKitError:
        return rendered
    _merge_into(doc, ours)
    text = tomlkit.dumps(doc)
    header = rendered.partition("\n")[0]
    if not header.startswith(HEADER):
        return text  # a user template without our header: nothing to refresh
    first, _, rest = text.partition("\n")
    if first.startswith(HEADER):
        return f"{header}\n{rest}"  # the source list in the header may have changed
    return f"{header}\n{text}"
