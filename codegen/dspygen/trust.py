"""Which repositories may make dspygen run their code: a list kept on this machine.

Some settings make dspygen import the user's modules (`frontend = "import"`), which runs
them. Coming from a repository's pyproject.toml, such a setting would run a stranger's
code on `dspygen check` in CI on a pull request, or in an editor that checks on open. So a
setting of that kind from configuration is honoured only for a repository the user has
trusted on this machine with `dspygen trust` (as direnv asks for `direnv allow`); the same
option given on the command line is the user's own choice and needs nothing.

The list lives outside every repository, in `$XDG_CONFIG_HOME/dspygen/trusted` (default
`~/.config/dspygen/trusted`): one resolved folder per line. A repository cannot add itself.
"""

from __future__ import annotations

import os
from pathlib import Path

HEADER = "# Repositories whose [tool.dspygen] may run their own code (`dspygen trust`); one folder a line.\n"


def store() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "dspygen" / "trusted"


def _entries() -> list[str]:
    try:
        text = store().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _key(root: Path) -> str:
    return str(root.resolve())


def is_trusted(root: Path) -> bool:
    return _key(root) in _entries()


def _save(entries: list[str]) -> None:
    path = store()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(HEADER + "".join(f"{e}\n" for e in sorted(set(entries))), encoding="utf-8")
    os.replace(temporary, path)


def trust(root: Path) -> bool:
    """Add `root`; False when it was already trusted."""
    entries = _entries()
    if _key(root) in entries:
        return False
    _save([*entries, _key(root)])
    return True


def revoke(root: Path) -> bool:
    """Remove `root`; False when it was not trusted."""
    entries = _entries()
    if _key(root) not in entries:
        return False
    _save([e for e in entries if e != _key(root)])
    return True


def trusted() -> list[str]:
    return sorted(_entries())
