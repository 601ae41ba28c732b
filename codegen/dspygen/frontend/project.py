"""Frontend stage: where the project's modules live, found as Python would find them.

The files given are entry points; a module they import is looked for, statically, in the
folders Python would search when running them: each entry's package root (the top of its
`__init__.py` chain), a `src/` layout and the project folder (where pyproject.toml is),
then each entry's own folder (a script's folder is first on `sys.path`). Folders without
`__init__.py` are namespace packages. Nothing outside those folders is ever read: the
standard library, pydantic, dspy and installed packages stay outside types.

It reads no file's content and knows nothing of classes; resolve.py parses what it finds.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

# Top-level names never looked for in the project: a folder named like one of these does not
# shadow the real package for dspygen (and Python finds the standard library's first anyway).
OUTSIDE = frozenset(
    {*sys.stdlib_module_names, "builtins", "pydantic", "pydantic_core", "dspy", "typing_extensions", "annotated_types"}
)


def package_root(path: Path) -> tuple[str, Path, bool]:
    """The dotted module name of `path`, the folder its top package sits in, and whether it is
    a package's `__init__.py`: walks up while the folder holds `__init__.py` and its name is an
    identifier (Python cannot import a package through `my-project/`)."""
    is_package = path.name == "__init__.py"
    parts = [] if is_package else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.name.isidentifier() and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts), folder, is_package


def importable(path: Path) -> bool:
    """Whether `importlib.import_module` (and PyO3's import) can load the file by the name
    package_root gives it: `01_setup.py` and `my-models.py` can, though no `import` statement
    spells them; `models.v2.py` cannot, as a dot separates packages."""
    return path.name == "__init__.py" or "." not in path.stem


@dataclass
class Project:
    """The ordered folders modules are looked for in, and what was found there."""

    roots: list[Path]
    _found: dict[str, tuple[Path, Path] | None] = field(default_factory=dict)

    @classmethod
    def around(cls, entries: list[Path], base: Path) -> Project:
        roots: list[Path] = []
        for entry in sorted(entries):
            roots.append(package_root(entry)[1])
        base = base.resolve()
        roots += [base / "src", base]
        roots += [entry.parent for entry in sorted(entries)]
        unique = []
        for root in roots:
            if root.is_dir() and root not in unique:
                unique.append(root)
        return cls(unique)

    def find(self, dotted: str) -> tuple[Path, Path] | None:
        """The file of module `dotted` (`a.b` -> `a/b.py` or `a/b/__init__.py`) and the root it
        is in, from the first root that has it; None when no root has it. Never a file whose
        real path leaves its root, nor anything but a regular file."""
        if dotted in self._found:
            return self._found[dotted]
        parts = dotted.split(".")
        found = None
        if dotted and parts[0] not in OUTSIDE and all(p.isidentifier() for p in parts):
            for root in self.roots:
                path = _file_in(root, parts)
                if path is not None:
                    found = (path, root)
                    break
        self._found[dotted] = found
        return found


def _file_in(root: Path, parts: list[str]) -> Path | None:
    for candidate in (root.joinpath(*parts[:-1], f"{parts[-1]}.py"), root.joinpath(*parts, "__init__.py")):
        if not candidate.is_file():  # most names looked for are not modules: one stat, not a realpath
            continue
        try:
            real = candidate.resolve()
        except (OSError, RuntimeError):  # a symbolic link loop
            continue
        if real.is_relative_to(root.resolve()) and real.is_file():
            return real
    return None
