"""Diagnostics: spans, the catalogue of codes, the sink and the one renderer.

Every stage reports problems in the user's input here, as values. Nothing in this
module raises for user input; a raise anywhere else in dspygen is an internal bug.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path


class Span:
    """A place in a source file: 1-based line and column, path relative to the run.

    The frontend gives every model, field and signature a span as it reads them, yet only the
    few a diagnostic names are ever looked at. Placing a node of libcst's tree means generating
    its statement's text (frontend/positions.py), which cost about half as much as parsing the
    file: such a span is `placed_later`, when its line or column is first read. It compares,
    hashes, sorts and pickles as the placed span it stands for."""

    __slots__ = ("_col", "_line", "_place", "path")

    def __init__(self, path: str, line: int, col: int) -> None:
        self.path = path
        self._line = line
        self._col = col
        self._place: Callable[[], tuple[int, int]] | None = None

    @classmethod
    def placed_later(cls, path: str, place: Callable[[], tuple[int, int]]) -> Span:
        """A span whose (line, col) `place` gives when first asked; `place` must give the same
        answer whenever it is called (it reads an immutable tree)."""
        span = cls(path, 0, 0)
        span._place = place
        return span

    @property
    def line(self) -> int:
        if self._place is not None:
            self._settle()
        return self._line

    @property
    def col(self) -> int:
        if self._place is not None:
            self._settle()
        return self._col

    def _settle(self) -> None:
        assert self._place is not None
        self._line, self._col = self._place()
        self._place = None  # the tree it reads need not outlive the answer

    def _key(self) -> tuple[str, int, int]:
        return (self.path, self.line, self.col)

    def render(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def __repr__(self) -> str:
        return f"Span(path={self.path!r}, line={self.line!r}, col={self.col!r})"

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Span) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __lt__(self, other: Span) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Span) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Span) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Span) -> bool:
        return self._key() >= other._key()

    def __reduce__(self) -> tuple[type[Span], tuple[str, int, int]]:
        return (Span, self._key())  # placed before it leaves the process (a worker's diagnostics)


class Level(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # something left out on purpose, said so that nothing is left out silently


class Code(enum.Enum):
    """The catalogue: one code per kind of problem, with the hint users see."""

    SYNTAX = ("DSG001", "fix the Python syntax error; dspygen reads the file without running it")
    UNREADABLE = ("DSG002", "check that the file exists and is UTF-8 text")
    UNSUPPORTED_TYPE = ("DSG010", "use one of the supported types listed in the README")
    UNRESOLVED_NAME = ("DSG011", "define or import the name in a file given to dspygen")
    BAD_TYPE_ARGS = ("DSG012", "give the generic the number of arguments Python expects")
    DICT_KEY = ("DSG013", "use str or int keys, or an Enum or Literal of strings")
    LITERAL_VALUE = ("DSG014", "use strings, ints, True/False or None in Literal[...]")
    FORWARD_REF = ("DSG015", "a forward reference must be a string holding a type expression")
    DEFAULT_MISMATCH = ("DSG016", "give a default of the field's type, or change the type")
    UNSUPPORTED_UNION = ("DSG017", "use arms Rust can tell apart as pydantic does (see the README's union rows)")
    BAD_DISCRIMINATOR = (
        "DSG018",
        'every arm must be a model whose discriminator field is a Literal, e.g. `pet_type: Literal["cat"]`',
    )
    BARE_ANNOTATION = ("DSG020", "declare the field with dspy.InputField() or dspy.OutputField(), as DSPy requires")
    FIELD_ARGUMENT = ("DSG021", "remove the argument; dspygen reads only the arguments it can mirror in Rust")
    NON_STATIC = ("DSG022", "use a string literal or a module-level string constant")
    STRING_SIGNATURE = ("DSG023", 'write the signature as DSPy expects: "a: T, b -> c: T"')
    DEPRECATED_ARGUMENT = ("DSG024", "remove it: DSPy ignores it since 3.0")
    RESERVED_FIELD = ("DSG025", "rename the field: DSPy and pydantic reserve this name")
    EMPTY_SIGNATURE = ("DSG026", "a signature needs at least one output field")
    DYNAMIC_SIGNATURE = ("DSG027", "read it with `--frontend import`, which imports the module and sees the real class")
    LEFT_OUT = (
        "DSG029",
        "remove `# dspygen: skip` (or the `exclude` entry) to generate it again",
    )
    SIGNATURE_TRANSFORM = ("DSG028", "fix the call: DSPy raises here when the module is imported")
    UNSUPPORTED_MODEL = ("DSG030", "remove the construct or map the type by hand; dspygen cannot mirror it in Rust")
    VALIDATOR = (
        "DSG034",
        "nothing to change if the field's type says what the JSON holds; remove the validator if Rust must "
        "agree on every value",
    )
    UNMIRRORED_DEFAULT = (
        "DSG037",
        "give a literal default or one dspygen mirrors (empty containers, the current time, uuid4, time.time, "
        "a model class); or leave it: Rust then asks for the field",
    )
    JSON_SCHEMA = (
        "DSG039",
        "nothing to change if you do not use the constant; otherwise give the literal (a default, a "
        "`json_schema_extra` dict, ...) or read the schema from pydantic: `Model.model_json_schema()`",
    )
    ENUM_VALUE = ("DSG031", "give each member a string or int literal value")
    DSPY_TOOL = (
        "DSG032",
        "a dspy.Tool holds a Python callable, which has no Rust or JSON form: pass tools to dspy.ReAct "
        "in Python, and use dspy.ToolCalls (name + args) for tool calls as data",
    )
    ALIAS = (
        "DSG035",
        "use a string alias, AliasChoices of strings, or pydantic's to_camel / to_pascal / to_snake as alias_generator",
    )
    COMPUTED_FIELD = (
        "DSG036",
        "write the computed field as `@computed_field` over `@property def name(self) -> T:` with a supported T",
    )
    CONSTRAINT = (
        "DSG038",
        "use constraints the type takes (bounds on numbers, lengths on str / bytes / collections, a pattern "
        "on str) with literal values, and a pattern without look-around or back-references",
    )
    NAME_COLLISION = ("DSG040", "rename one of the declarations so their Rust names differ")
    INVALID_NAME = (
        "DSG041",
        "rename it: ASCII letters, digits and underscores, and not a Rust keyword",
    )
    UNSUPPORTED_CYCLE = ("DSG042", "make one edge of the cycle Optional or a list")
    NOTHING_FOUND = ("DSG043", "give dspygen the files that declare the signatures and models")
    IMPORT_FAILED = ("DSG044", "make the module importable (python -c 'import it'), or use the static frontend")
    NOT_IMPORTABLE = (
        "DSG045",
        'rename the file, or give the name it is imported by in the target: import-names = { "FILE" = "module" }',
    )
    CONFIG = ("DSG050", "fix the [tool.dspygen] table in pyproject.toml")
    UNTRUSTED = (
        "DSG051",
        "run `dspygen trust` in the repository to let its configuration run its code on this machine, "
        "or give `--frontend import` on the command line",
    )
    TEMPLATE = (
        "DSG055",
        "fix the template: it may use the view's values, Jinja's tags and filters, and templates of its own folder",
    )
    TOOL_MISSING = ("DSG060", "install the tool (make demo sets up everything)")
    TOOL_FAILED = ("DSG061", "this is a dspygen bug: please report it with the input")
    OUTPUT_PATH = ("DSG070", "choose an output directory inside the project")
    RUNTIME_FOLDER = ("DSG071", "point `runtime` at a folder dspygen writes, or remove the folder")

    @property
    def id(self) -> str:
        return self.value[0]

    @property
    def hint(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class Diagnostic:
    level: Level
    code: Code
    message: str
    span: Span | None
    hint: str

    def sort_key(self) -> tuple[str, int, int, str, str]:
        s = self.span or Span("", 0, 0)
        return (s.path, s.line, s.col, self.code.id, self.message)


@dataclass
class Sink:
    """Collects diagnostics from every stage; the CLI renders them at the end."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, code: Code, message: str, span: Span | None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(Level.ERROR, code, message, span, hint or code.hint))

    def warning(self, code: Code, message: str, span: Span | None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(Level.WARNING, code, message, span, hint or code.hint))

    def note(self, code: Code, message: str, span: Span | None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(Level.NOTE, code, message, span, hint or code.hint))

    @property
    def has_errors(self) -> bool:
        return any(d.level is Level.ERROR for d in self.items)

    def place_spans(self) -> None:
        """Place every diagnostic's span now: one left to be placed when read keeps the syntax
        tree of its file alive until then (Span.placed_later)."""
        for item in self.items:
            if item.span is not None:
                item.span.render()

    def sorted(self) -> list[Diagnostic]:
        unique = {(d.sort_key(), d.level.value, d.hint): d for d in self.items}
        return [unique[k] for k in sorted(unique)]


def shown_path(path: Path | str) -> str:
    """A path as the user would type it from here: relative below the working directory."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return Path(path).as_posix()


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """` Did you mean `x`?` for the closest candidate to a misspelt `word`, else ""."""
    by_lower = {c.lower(): c for c in sorted(set(candidates), reverse=True)}
    close = difflib.get_close_matches(word.lower(), sorted(by_lower), n=1, cutoff=0.7)
    return f" Did you mean `{by_lower[close[0]]}`?" if close and by_lower[close[0]] != word else ""


def printable(text: str) -> str:
    """`text` with control, format (bidi) and separator characters escaped as Python does:
    a name or value quoted from hostile input must not reorder, hide or break the line."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


def render(diagnostic: Diagnostic) -> str:
    """`path:line:col: error[DSG010]: message` and an indented hint line."""
    where = f"{printable(diagnostic.span.render())}: " if diagnostic.span else ""
    head = f"{where}{diagnostic.level.value}[{diagnostic.code.id}]: {printable(diagnostic.message)}"
    return f"{head}\n  hint: {printable(diagnostic.hint)}"
