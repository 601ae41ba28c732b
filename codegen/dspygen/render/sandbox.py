"""Render stage: the sandbox templates run in.

A folder of templates can come from a repository's pyproject.toml (`templates = ...`), and
`dspygen check` runs in CI on strangers' pull requests and in editors on open. Plain Jinja
reaches Python internals from a template (`cycler.__init__.__globals__.os.popen(...)`), so
every template renders here:

- Jinja's immutable sandbox, narrowed further: attributes are read only on the view's own
  dataclasses, plain data (str, numbers, tuples, lists, dicts) and Jinja's loop, macro and
  namespace objects, never on functions, modules, classes or paths;
- `*` and `**` that would build huge values are refused (a memory bomb is one expression);
- templates are loaded only from inside their folders: no `../`, no absolute names, no
  symbolic link that leads out;
- a render time limit (a timer signal on the main thread; deadline checks at every
  attribute, item, call and operator elsewhere).

It must not know what the templates render; that is plan.py's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
import jinja2.utils
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

RENDER_SECONDS = 60.0  # per template file; the largest shipped render of 10,000 models takes about 2 s
MAX_VALUE = 10_000_000  # items or characters an operator may build
_PLAIN = (str, int, float, bool, tuple, list, dict, type(None))
_JINJA = (
    jinja2.runtime.LoopContext,
    jinja2.runtime.Macro,
    jinja2.utils.Namespace,
    jinja2.utils.Cycler,
    jinja2.utils.Joiner,
)


class RenderTimeout(Exception):
    """A template ran past RENDER_SECONDS."""


class ConfinedLoader(jinja2.BaseLoader):
    """Templates from an ordered list of folders, each name resolved inside its folder.

    jinja2.FileSystemLoader refuses `..` but follows a symbolic link anywhere, so a link in
    a user's folder could include `/etc/passwd` into a generated file.
    """

    def __init__(self, folders: list[Path]) -> None:
        self.folders = [folder.resolve() for folder in folders]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        parts = template.split("/")
        if template.startswith("/") or any(p in ("", ".", "..") or "\\" in p for p in parts):
            raise jinja2.TemplateNotFound(template)
        for folder in self.folders:
            path = (folder / template).resolve()
            if not path.is_relative_to(folder) or not path.is_file():
                continue
            try:
                source = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            return source, str(path), functools.partial(_unchanged, path, path.stat().st_mtime)
        raise jinja2.TemplateNotFound(template)


def _unchanged(path: Path, mtime: float) -> bool:
    try:
        return path.stat().st_mtime == mtime
    except OSError:
        return False


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with an allow-list of what a template may look into."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, folders: list[Path], bytecode_cache: jinja2.BytecodeCache | None = None) -> None:
        self.folders = [folder.resolve() for folder in folders]
        super().__init__(
            loader=ConfinedLoader(self.folders),
            bytecode_cache=bytecode_cache,
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.deadline = float("inf")
        # Decided once per (type, attribute): the allowed types hold attributes of one kind
        # each, and a render reads the same few attributes thousands of times.
        self._safe: dict[tuple[type, str], bool] = {}
        # The safe attributes of the view's own dataclasses: read without Jinja's checks, which
        # would find the same (none of them is a `str.format` to wrap). A render of 1,000
        # models and signatures reads about 415,000 attributes, most of them these.
        self._view_fields: set[tuple[type, str]] = set()

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            view = dataclasses.is_dataclass(obj) and type(obj).__module__.startswith("dspygen.")
            safe = super().is_safe_attribute(obj, attr, value) and (isinstance(obj, _PLAIN + _JINJA) or view)
            self._safe[key] = safe
            if safe and view and not callable(value):
                self._view_fields.add(key)
        return safe

    def getattr(self, obj: Any, attribute: str) -> Any:
        self._check_time()
        if (type(obj), attribute) in self._view_fields:
            try:  # (not contextlib.suppress: a context manager per attribute cost more than the checks)
                return getattr(obj, attribute)
            except AttributeError:
                pass  # as Jinja does: an item, or undefined
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self._check_time()
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self._check_time()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self._check_time()
        if operator == "**" and _huge_power(left, right):
            raise SecurityError(f"a power of {right} is too large to compute in a template")
        if operator == "*" and any(_too_large(sized, count) for sized, count in ((left, right), (right, left))):
            raise SecurityError("the value this `*` builds is too large for a template")
        return super().call_binop(context, operator, left, right)

    def _check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderTimeout()


def _huge_power(base: Any, exponent: Any) -> bool:
    """An int power with more bits than MAX_VALUE (Python would compute it for minutes)."""
    if not (isinstance(base, int) and isinstance(exponent, int) and exponent > 0):
        return False
    return exponent * abs(base).bit_length() > MAX_VALUE


def _too_large(sized: Any, count: Any) -> bool:
    return isinstance(sized, str | list | tuple) and isinstance(count, int) and len(sized) * count > MAX_VALUE


@contextlib.contextmanager
def time_limit(env: TemplateSandbox, seconds: float | None = None) -> Iterator[None]:
    """Stop a render after `seconds` (RENDER_SECONDS): a loop that calls nothing is stopped
    by the timer signal, which only the main thread can receive; elsewhere at the next check."""
    seconds = RENDER_SECONDS if seconds is None else seconds
    env.deadline = time.monotonic() + seconds
    use_signal = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous: Any = None
    if use_signal:

        def expire(signum: int, frame: Any) -> None:
            raise RenderTimeout()

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        env.deadline = float("inf")
        if use_signal:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def template_location(exc: BaseException, folders: list[Path]) -> tuple[str, int] | None:
    """The template file and line an error happened at: Jinja rewrites its tracebacks so
    that template frames carry the template's file name and line."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return exc.filename, exc.lineno
    roots = [str(folder.resolve()) + os.sep for folder in folders]
    found: tuple[str, int] | None = None
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if any(name.startswith(root) for root in roots):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found
