"""Frontend stage: the files of a source set and the names they bind.

Loads and parses each file (libcst; nothing is imported or executed), works out the
module path Python would give it, and resolves names across the set: imports,
relative imports, aliases and re-exports. It knows nothing of models or signatures.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import os
import stat
import sys
import tokenize
import unicodedata
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from dspygen.diagnostics import Code, Sink, Span
from dspygen.frontend import literals, positions
from dspygen.frontend.project import Project, importable, package_root
from dspygen.limits import MAX_SOURCE_BYTES


@dataclass
class SourceModule:
    """One parsed file of the set."""

    path: Path
    display: str
    module: str
    root: Path
    is_package: bool
    tree: cst.Module
    starts: positions.Starts
    text: str
    lines: list[str]
    imports: dict[str, str] = field(default_factory=dict)
    classes: dict[str, cst.ClassDef] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    # Top-level names bound by an assignment (type aliases, TypeVars, constants).
    variables: dict[str, cst.BaseExpression] = field(default_factory=dict)
    # Names assigned more than once: which value a class saw depends on the order of execution.
    rebound: set[str] = field(default_factory=set)
    # Names bound by a `type X = ...` statement (PEP 695): type aliases that may refer to themselves.
    type_statements: set[str] = field(default_factory=set)
    # Read because an entry file imports from it (import following), not given: only what is
    # reached from the entry files is read from it.
    followed: bool = False
    # Python's own tree of the file (None where this Python cannot parse it): the lines of
    # statements and calls, which positions.py and call_sites.py read without walking libcst's.
    python: ast.Module | None = None
    # What later stages work out once per file (call_sites.py), by their own keys.
    memo: dict[str, object] = field(default_factory=dict)

    def span(self, node: cst.CSTNode) -> Span:
        """Where `node` starts, placed only if a diagnostic or a check reads it (diagnostics.Span)."""
        starts = self.starts

        def place() -> tuple[int, int]:
            with recursion_limit(PARSE_RECURSION_LIMIT):  # read later, outside the frontend's own limit
                start = starts.get(node)
            return (1, 1) if start is None else (start[0], start[1] + 1)

        return Span.placed_later(self.display, place)

    @property
    def package(self) -> str:
        return self.module if self.is_package else self.module.rpartition(".")[0]


def module_path(path: Path) -> tuple[str, Path, bool]:
    """The dotted module name and sys.path root of `path`, walking up through packages."""
    return package_root(path)


def load(
    paths: list[Path], base: Path, sink: Sink, import_names: Mapping[Path, str] | None = None
) -> list[SourceModule]:
    """Parse every entry file; unreadable or unparsable files become diagnostics.

    A file is named as Python names it through its packages; `import_names` overrides that
    for files whose name Python cannot import (`v1.2.py`), which are read all the same."""
    given = {p.resolve(): name for p, name in (import_names or {}).items()}
    modules = []
    for path in sorted({p.resolve() for p in paths}):
        name, root, is_package = package_root(path)
        if path in given:
            name = given[path]
            root = path.parents[name.count(".") + is_package]
        elif not all(ch.isalnum() or ch in "_-." for ch in name):
            # The bindings import the module by this name, and it lands in generated source.
            sink.error(
                Code.INVALID_NAME,
                f"the module name {name!r} of this file is not one Python can import",
                Span(_display(path, base), 1, 1),
                hint="rename the file (and its packages) to letters, digits, `_` and `-`",
            )
            continue
        elif not importable(path):
            sink.warning(
                Code.NOT_IMPORTABLE,
                f"Python cannot import this file by its name {name!r}: the generated code can read and write "
                "its models' JSON, but cannot load its signatures nor hand values back to pydantic",
                Span(_display(path, base), 1, 1),
            )
        module = load_file(path, base, sink, name, root, is_package)
        if module is not None:
            modules.append(module)
    return modules


def load_file(path: Path, base: Path, sink: Sink, name: str, root: Path, is_package: bool) -> SourceModule | None:
    """Parse one file as module `name`; None (and a diagnostic) when it cannot be read."""
    display = _display(path, base)
    try:
        data = _read_source(path)
    except OSError as exc:
        sink.error(Code.UNREADABLE, f"cannot read the file: {exc.strerror or exc}", Span(display, 1, 1))
        return None
    except ValueError as exc:  # not a regular file, or too large: never opened, or not read whole
        sink.error(Code.UNREADABLE, str(exc), Span(display, 1, 1))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = _span_at(display, data, exc.start)
        sink.error(Code.UNREADABLE, f"the file is not UTF-8: cannot decode the byte 0x{data[exc.start]:02x}", where)
        return None
    if not text.isascii():
        text = nfkc_identifiers(text)
    refused = _refused_by_python(text, display)
    if refused is not None:
        message, span, hint = refused
        sink.error(Code.SYNTAX, message, span, hint=hint)
        return None
    try:
        with recursion_limit(PARSE_RECURSION_LIMIT):
            tree = parse_module(text)
            python = python_tree(text)
            starts = positions.Starts(tree, text, python)
    except cst.ParserSyntaxError as exc:
        sink.error(Code.SYNTAX, *_syntax_error(text, display, exc))
        return None
    except RecursionError:
        sink.error(
            Code.SYNTAX,
            "the file nests too deeply for dspygen's parser",
            Span(display, 1, 1),
            hint="flatten the deepest expression, e.g. name an inner type with a model of its own",
        )
        return None
    module = SourceModule(path, display, name, root, is_package, tree, starts, text, text.splitlines(), python=python)
    _index(module)
    return module


def parse_module(text: str) -> cst.Module:
    """libcst's tree of `text`, its nodes not validated one by one as they are built: the parser
    builds only valid trees, and validating them was a third of the parse (libcst's own comment
    on `CSTNode.__post_init__` suggests as much). Nodes built anywhere else are validated."""
    validated = cst.CSTNode.__post_init__
    cst.CSTNode.__post_init__ = _built_by_the_parser  # type: ignore[method-assign, assignment]
    try:
        return cst.parse_module(text)
    finally:
        cst.CSTNode.__post_init__ = validated  # type: ignore[method-assign]


def _built_by_the_parser(node: cst.CSTNode) -> None:
    pass


def _read_source(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_SOURCE_BYTES; a FIFO, a device (a link to
    /dev/zero) or a socket is refused before it is opened, as reading it would block or never end."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file (a pipe, a device or a socket): dspygen reads only source files")
    if info.st_size > MAX_SOURCE_BYTES:
        raise ValueError(f"the file is {info.st_size:,} bytes; dspygen reads source files up to {MAX_SOURCE_BYTES:,}")
    with open(path, "rb") as handle:
        data = handle.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise ValueError(f"the file grew past {MAX_SOURCE_BYTES:,} bytes while being read")
    return data


def nfkc_identifiers(text: str) -> str:
    """`text` with every identifier NFKC-normalised, as Python's parser normalises them (`ﬁeld`
    is the attribute `field`, the key pydantic writes); strings and comments stay as written.
    Text Python cannot tokenize is left for the parser to report."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return text
    lines = text.splitlines(keepends=True)
    for token in reversed(tokens):  # from the end, so that earlier columns stay right
        if token.type == tokenize.NAME and not token.string.isascii():
            normal = unicodedata.normalize("NFKC", token.string)
            if normal != token.string and token.start[0] == token.end[0]:
                row, (start, end) = token.start[0] - 1, (token.start[1], token.end[1])
                lines[row] = lines[row][:start] + normal + lines[row][end:]
    return "".join(lines)


# libcst's visitors take a dozen Python frames per level of nesting: with the default limit
# of 1000, `Optional[dict[str, ...]]` 50 deep already overflowed, where Python itself
# accepts 200 levels of brackets. Python >= 3.11 does not use the C stack for these frames.
PARSE_RECURSION_LIMIT = 20_000
PYTHON_RECURSION_LIMIT = 1000  # Python's default, under which it compiles what it imports


@contextlib.contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


_DEEP_HINT = "flatten the deepest expression, e.g. name an inner type with a model of its own"
_TEXT_HINT = "fix the string: Python refuses to import the file as it is"


def _refused_by_python(text: str, display: str) -> tuple[str, Span, str] | None:
    """Python's own verdict on what no version of it compiles: nesting deeper than its limits
    (more than 200 levels of brackets, or an expression too deep for its compiler), a NUL
    byte, a string escape that is not one (`"\\N{NO SUCH NAME}"`). libcst's native parser
    overflowed the C stack (SIGSEGV) on the former, and its string evaluation raised on the
    latter: such files never reach it. Other syntax errors are left to libcst, which knows
    newer syntax than this Python."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(PYTHON_RECURSION_LIMIT)  # Python's compiler guards its recursion by this limit
    try:
        with warnings.catch_warnings():  # Python 3.12+ prints SyntaxWarnings (`"\d"`) while parsing
            warnings.simplefilter("ignore")
            # Compiled to bytecode, not to an AST: twice as fast (no Python objects per node);
            # the errors looked at below come from parsing, which runs first.
            compile(text, display, "exec", dont_inherit=True)
    except SyntaxError as err:
        where = Span(display, err.lineno or 1, max(err.offset or 1, 1))
        if "too many nested" in str(err.msg) or "too complex" in str(err.msg):
            return f"invalid Python syntax: {err.msg}", where, _DEEP_HINT
        if "null bytes" in str(err.msg) or str(err.msg).startswith("(unicode error)"):
            return f"invalid Python syntax: {err.msg}", _first_nul(text, display) or where, _TEXT_HINT
    except (RecursionError, MemoryError):
        return "the file nests too deeply for Python to compile it", Span(display, 1, 1), _DEEP_HINT
    except ValueError as err:  # a NUL byte, before Python 3.12
        return f"invalid Python syntax: {err}", _first_nul(text, display) or Span(display, 1, 1), _TEXT_HINT
    finally:
        sys.setrecursionlimit(before)
    return None


def python_tree(text: str) -> ast.Module | None:
    """Python's own tree of `text` (which it compiles: _refused_by_python), under its own
    recursion limit as there; None where it cannot parse it (syntax newer than this Python's)."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(PYTHON_RECURSION_LIMIT)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings (`"\\d"`), reported by nobody here
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    finally:
        sys.setrecursionlimit(before)


def _first_nul(text: str, display: str) -> Span | None:
    """Where the first NUL byte is (Python does not say)."""
    at = text.find("\0")
    return None if at < 0 else _span_at(display, text, at)


def _span_at(display: str, text: str | bytes, at: int) -> Span:
    """The line and column of offset `at` of `text` (characters, or bytes before decoding)."""
    if isinstance(text, bytes):
        return Span(display, text.count(b"\n", 0, at) + 1, at - text.rfind(b"\n", 0, at))
    return Span(display, text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at))


def _syntax_error(text: str, display: str, exc: cst.ParserSyntaxError) -> tuple[str, Span]:
    """Python's own message and place for a syntax error, which point closer than libcst's.

    `ast.parse` only parses (nothing runs); libcst's report is kept when Python's parser
    accepts what libcst does not.
    """
    try:
        ast.parse(text, filename=display)
    except SyntaxError as err:
        if err.lineno is not None:
            return f"invalid Python syntax: {err.msg}", Span(display, err.lineno, max(err.offset or 1, 1))
    except (ValueError, RecursionError, MemoryError):
        pass
    return f"invalid Python syntax: {exc.message}", Span(display, exc.raw_line, exc.raw_column + 1)


def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _index(module: SourceModule) -> None:
    """Record top-level imports, classes (with nested ones) and string constants, also those
    under a module-level `if` / `try` / `with` (`if TYPE_CHECKING:`, `try: import x`), which
    Python runs at import; of two definitions in alternative branches, the first is read."""
    for stmt in _module_level(module.tree.body):
        if isinstance(stmt, cst.ClassDef):
            if stmt.name.value not in module.classes:
                _index_class(module, stmt, "")
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                _index_small(module, small)


def _module_level(body: Sequence[cst.BaseStatement]) -> Iterator[cst.BaseStatement]:
    """The statements Python runs at import, through if / elif / else / try / except / with."""
    for stmt in body:
        if isinstance(stmt, cst.If | cst.Try | cst.With):
            blocks: list[cst.CSTNode | None] = [stmt.body, getattr(stmt, "orelse", None)]
            blocks += [getattr(stmt, "finalbody", None), *(h.body for h in getattr(stmt, "handlers", ()))]
            for block in blocks:
                if isinstance(block, cst.Else | cst.Finally):
                    block = block.body
                if isinstance(block, cst.If):  # elif
                    yield from _module_level([block])
                elif isinstance(block, cst.IndentedBlock):
                    yield from _module_level(list(block.body))
        else:
            yield stmt


def _index_class(module: SourceModule, node: cst.ClassDef, prefix: str) -> None:
    qualname = f"{prefix}{node.name.value}"
    module.classes[qualname] = node
    if isinstance(node.body, cst.IndentedBlock):
        for stmt in node.body.body:
            if isinstance(stmt, cst.ClassDef):
                _index_class(module, stmt, qualname + ".")


def _index_small(module: SourceModule, small: cst.BaseSmallStatement) -> None:
    if isinstance(small, cst.Import):
        for alias in small.names:
            dotted = _dotted(alias.name)
            if alias.asname is not None:
                module.imports[_asname(alias)] = dotted
            else:
                head = dotted.split(".")[0]
                module.imports[head] = head
    elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
        source = _import_source(module, small)
        for alias in small.names:
            name = _dotted(alias.name)
            local = _asname(alias) if alias.asname is not None else name
            module.imports[local] = f"{source}.{name}" if source else name
    elif isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        value = literals.string(small.value)
        if isinstance(target, cst.Name):
            _bind(module, target.value, small.value)
            if value is not None:
                module.constants[target.value] = value
    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        value = literals.string(small.value) if small.value is not None else None
        if small.value is not None:
            _bind(module, small.target.value, small.value)
        if value is not None:
            module.constants[small.target.value] = value
    elif isinstance(small, cst.TypeAlias):
        _bind(module, small.name.value, small.value)
        module.type_statements.add(small.name.value)


def _bind(module: SourceModule, name: str, value: cst.BaseExpression) -> None:
    if name in module.variables:
        module.rebound.add(name)
    module.variables[name] = value


def _asname(alias: cst.ImportAlias) -> str:
    assert alias.asname is not None
    name = alias.asname.name
    return name.value if isinstance(name, cst.Name) else ""


def _import_source(module: SourceModule, node: cst.ImportFrom) -> str:
    base = _dotted(node.module) if node.module is not None else ""
    return import_source(module.package, len(node.relative), base)


def import_source(package: str, level: int, base: str) -> str:
    """The module a `from` import names: `base` itself, or, `level` dots up from `package`
    (`from ..models import X` in `pkg.sub`: level 2), made absolute."""
    if not level:
        return base
    parts = package.split(".") if package else []
    up = level - 1
    parts = parts[: len(parts) - up] if up else parts
    return ".".join([*parts, base] if base else parts)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class Index:
    """Resolves names used in one module to dotted symbols, following the project's files.

    The modules given are entry points. A module they (or the modules they reach) import is
    found in the project (project.py) and parsed on first use: import following is lazy, so
    only what a name reaches is read, and a file is parsed at most once, whatever names it
    is imported under.
    """

    def __init__(
        self,
        modules: list[SourceModule],
        project: Project | None = None,
        base: Path | None = None,
        sink: Sink | None = None,
    ) -> None:
        self.by_name = {m.module: m for m in modules}
        self._canonical: dict[tuple[str, str], str] = {}
        self.by_path = {m.path: m for m in modules}
        self.project = project
        self.base = base or Path.cwd()
        self.sink = sink or Sink()
        self.followed: list[SourceModule] = []
        self._missing: set[str] = set()

    def module(self, dotted: str) -> SourceModule | None:
        """The module named `dotted`: one of the set, else one found in the project and loaded."""
        found = self.by_name.get(dotted)
        if found is not None or self.project is None or dotted in self._missing:
            return found
        where = self.project.find(dotted)
        if where is None:
            self._missing.add(dotted)
            return None
        path, root = where
        found = self.by_path.get(path)
        if found is None:
            found = self._follow(dotted, path, root)
            if found is None:
                self._missing.add(dotted)
                return None
        self.by_name[dotted] = found  # the same module under this name too: one module per file
        self._canonical.clear()  # a name that led nowhere may lead here now
        return found

    def _follow(self, dotted: str, path: Path, root: Path) -> SourceModule | None:
        # A module is named as it is imported; but `from models import X` next to a package's
        # `app/models.py` (a script's sibling import) is the package's `app.models`, which
        # the entry files are named by too.
        name, package_top, is_package = package_root(path)
        if not (name == dotted or name.endswith(f".{dotted}")):
            name, package_top, is_package = dotted, root, path.name == "__init__.py"
        module = load_file(path, self.base, self.sink, name, package_top, is_package)
        if module is None:
            return None
        module.followed = True
        self.by_path[path] = module
        self.by_name.setdefault(name, module)
        self.followed.append(module)
        return module

    def symbol(
        self, module: SourceModule, expr: cst.BaseExpression, local: Mapping[str, str] | None = None
    ) -> str | None:
        """`dspy.Signature` -> "dspy.Signature"; `Answer` -> "pkg.models.Answer". `local`: the
        names the enclosing functions' own imports bind (local_imports.py), which come first."""
        if isinstance(expr, cst.Name):
            name = expr.value
            if local and name in local:
                return self.canonical(module, local[name])
            if name in module.classes:
                return f"{module.module}.{name}"
            if name in module.imports:
                return self.canonical(module, module.imports[name])
            if hasattr(builtins, name) or name == "None":
                return f"builtins.{name}"
            return None
        if isinstance(expr, cst.Attribute):
            head = self.symbol(module, expr.value, local)
            return None if head is None else self.canonical(module, f"{head}.{expr.attr.value}")
        return None

    def canonical(self, importer: SourceModule, dotted: str, depth: int = 0) -> str:
        """Follow re-exports inside the set so each class has one symbol."""
        # The answer depends on the importer's package (locate) and on the modules known, which
        # change only when one is followed (module() then clears this): so it is asked once per
        # name and package between follows (a type names a class many times).
        key = (importer.package, dotted)
        if depth == 0 and key in self._canonical:
            return self._canonical[key]
        answer = self._canonical_uncached(importer, dotted, depth)
        if depth == 0:
            self._canonical[key] = answer
        return answer

    def _canonical_uncached(self, importer: SourceModule, dotted: str, depth: int) -> str:
        found = self.locate(dotted, importer)
        if found is None or depth > 20:
            return dotted
        module, rest = found
        if not rest:
            return module.module
        head, _, tail = rest.partition(".")
        if rest in module.classes or head in module.classes:
            return f"{module.module}.{rest}"
        if head in module.imports:
            target = module.imports[head] + (f".{tail}" if tail else "")
            return self.canonical(module, target, depth + 1)
        return f"{module.module}.{rest}"

    def locate(self, dotted: str, importer: SourceModule) -> tuple[SourceModule, str] | None:
        """The set module a dotted name starts with, and the rest of the name."""
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            module = self.module(".".join(parts[:cut]))
            if module is not None:
                return module, ".".join(parts[cut:])
        sibling = f"{importer.package}.{parts[0]}" if importer.package else ""
        if sibling and self.module(sibling) is not None:
            # `from models import X` next to models.py: Python finds it when the
            # importing file's folder is on sys.path, as when run as a script.
            return self.locate(f"{importer.package}.{dotted}", importer)
        return None

    def constant(self, module: SourceModule, node: cst.BaseExpression) -> str | None:
        """The value of a module-level string constant named by `node`, here or imported from the set.

        A constant assigned more than once has no single value: None.
        """
        if not isinstance(node, cst.Name) or node.value in module.rebound:
            return None
        if node.value in module.constants:
            return module.constants[node.value]
        if node.value not in module.imports:
            return None
        found = self.locate(self.canonical(module, module.imports[node.value]), module)
        if found is None or not found[1] or "." in found[1] or found[1] in found[0].rebound:
            return None
        return found[0].constants.get(found[1])

    def variable(
        self, module: SourceModule, node: cst.BaseExpression
    ) -> tuple[SourceModule, cst.BaseExpression] | None:
        """The expression a module-level name is bound to, once, and the module it is written in
        (here, or the project file it is imported from): `CONFIG = ConfigDict(...)`."""
        if not isinstance(node, cst.Name) or node.value in module.rebound:
            return None
        owner, name = module, node.value
        if name not in module.variables and name in module.imports:
            found = self.locate(self.canonical(module, module.imports[name]), module)
            if found is None or not found[1] or "." in found[1]:
                return None
            owner, name = found
        value = owner.variables.get(name)
        return None if value is None or name in owner.rebound else (owner, value)

    def class_of(self, symbol: str) -> tuple[SourceModule, str] | None:
        """The module and qualname of a class symbol, if the project defines it."""
        parts = symbol.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            found = self.module(".".join(parts[:cut]))
            if found is not None and ".".join(parts[cut:]) in found.classes:
                return found, ".".join(parts[cut:])
        # Any other module whose name starts the symbol was one of the cuts above: what is
        # left is a module Python cannot name (the empty name), whose classes' symbols are bare.
        unnamed = self.by_name.get("")
        return (unnamed, symbol) if unnamed is not None and symbol in unnamed.classes else None
