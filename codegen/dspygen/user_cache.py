"""The user's cache folder: fingerprints (fingerprint.py) and formatted items (format_cache.py).

Machine-local facts that only save work: anything in it may be deleted at any time.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """$DSPYGEN_CACHE_DIR, else $XDG_CACHE_HOME/dspygen, else ~/.cache/dspygen."""
    if os.environ.get("DSPYGEN_CACHE_DIR"):
        return Path(os.environ["DSPYGEN_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dspygen"
