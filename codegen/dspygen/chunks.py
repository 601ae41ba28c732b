"""Format stage helper: a big generated Rust file formatted one top-level item at a time.

The shipped templates write `{{ chunk }}` on a line of its own where a top-level item (a
model's struct and impls, a signature's types) begins. Rendering removes those lines and
records where they stood (`strip`): the text is byte for byte what it would be without them.

rustfmt formats a top-level item the same wherever it stands; between two items it keeps one
blank line if the text had at least one, else none. So a file is its items formatted apart,
joined with the blank lines its render had (`assemble`), and a rebuild after one model
changed formats that model's items only: the others' formatted text comes from the cache of
the file's previous build (format_cache.py). tests/unit/test_chunks.py holds this to the
whole file formatted at once, for every fixture.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
from dataclasses import dataclass

# A line no source can hold: the templates' marker, then the separator of the items given to one
# rustfmt run. It changes with every process, and never reaches the output.
MARK = f"//dspygen-chunk-{secrets.token_hex(12)}"


@dataclass(frozen=True)
class Chunk:
    """One item's text as rendered, its sha256, and whether a blank line separates it from the
    item before it (the file's first: never)."""

    text: str
    sha: str
    blank_before: bool


def strip(rendered: str) -> tuple[str, tuple[int, ...]]:
    """`rendered` without the marker lines, and the offsets in that text where they stood."""
    line = f"{MARK}\n"
    if line not in rendered:
        return rendered, ()
    parts = rendered.split(line)
    cuts, offset = [], 0
    for part in parts[:-1]:
        offset += len(part)
        cuts.append(offset)
    return "".join(parts), tuple(cuts)


def split(text: str, cuts: tuple[int, ...]) -> list[Chunk]:
    """The items of `text` between its cuts; blank-only stretches join the next item's gap."""
    bounds = [0, *cuts, len(text)]
    chunks: list[Chunk] = []
    gap = ""  # the blank text since the last item's end
    for start, end in itertools.pairwise(bounds):
        piece = text[start:end]
        body = piece.strip()
        if not body:
            gap += piece
            continue
        lead = piece[: len(piece) - len(piece.lstrip())]
        between = gap + lead
        chunks.append(Chunk(piece, _sha(piece), bool(chunks) and between.count("\n") >= 2))
        gap = piece[len(piece.rstrip()) :]
    return chunks


def assemble(chunks: list[Chunk], formatted: dict[str, str]) -> str:
    """The whole file from each chunk's formatted text (by sha, each ending in one newline)."""
    return "".join(("\n" if c.blank_before else "") + formatted[c.sha] for c in chunks)


def payload(texts: list[str]) -> str:
    """Items for one rustfmt run, each followed by a marker line."""
    return "".join(f"{t.strip()}\n{MARK}\n" for t in texts)


def unpack(formatted: str, count: int) -> list[str] | None:
    """The items of one rustfmt run's output, each ending in one newline; None when the markers
    did not come back one per item, each a line of its own."""
    parts = f"\n{formatted}".split(f"\n{MARK}\n")
    if len(parts) != count + 1 or formatted.count(MARK) != count or parts[-1].strip():
        return None
    items = [p.strip("\n") for p in parts[:-1]]
    if any(not item or item.startswith((" ", "\t")) for item in items):
        return None
    return [f"{item}\n" for item in items]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
