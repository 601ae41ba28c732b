"""Limits on what dspygen reads, shared by the stages that read (no imports: any layer may use it)."""

from __future__ import annotations

# Far above any real module; a link to /dev/zero, or a file that keeps growing, stops here.
MAX_SOURCE_BYTES = 16 * 1024 * 1024
